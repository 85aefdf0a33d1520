import { describe, expect, it } from 'vitest';

import {
  allImages,
  dropTarget,
  CATEGORIES,
  categoriesFor,
  formatSize,
  formProblem,
  percent,
  queueOrder,
  stateKey,
  withProgress,
} from './documents';
import { sampleQueueItem } from './ipc/fake';

const item = sampleQueueItem;

describe('categories', () => {
  it('leave out the mandataires’ own categories for debtors and guarantors', () => {
    for (const role of ['debtor', 'guarantor', null, undefined] as const) {
      const offered = categoriesFor(role);
      expect(offered).not.toContain('list_of_claims');
      expect(offered).not.toContain('distribution_plan');
      expect(offered).not.toContain('certificate_of_irrecoverability');
      expect(offered).not.toContain('court_order');
      expect(offered).toContain('proof_of_payment');
      expect(offered.at(-1)).toBe('other');
    }
  });

  it('offer every category to études and the agency', () => {
    expect(categoriesFor('etude')).toEqual(CATEGORIES);
    expect(categoriesFor('admin')).toEqual(CATEGORIES);
    expect(CATEGORIES).toHaveLength(15);
  });
});

describe('the add form', () => {
  it('needs a category, and a note for “other”', () => {
    expect(formProblem({ category: '', note: '' }, 'debtor')).toBe('documents.need_category');
    expect(formProblem({ category: 'other', note: '   ' }, 'debtor')).toBe('documents.need_note');
    expect(formProblem({ category: 'other', note: 'courrier du bailleur' }, 'debtor')).toBeNull();
    expect(formProblem({ category: 'charges', note: '' }, 'guarantor')).toBeNull();
  });

  it('refuses a category the role may not file', () => {
    expect(formProblem({ category: 'court_order', note: '' }, 'debtor')).toBe('documents.need_category');
    expect(formProblem({ category: 'court_order', note: '' }, 'etude')).toBeNull();
  });

  it('offers one PDF only when every file is an image', () => {
    expect(allImages(['p1.JPG', 'p2.png', 'scan.heic'])).toBe(true);
    expect(allImages(['p1.jpg', 'bilan.pdf'])).toBe(false);
    expect(allImages([])).toBe(false);
  });
});

describe('the queue', () => {
  it('computes whole percentages, never above 100', () => {
    expect(percent(0, 1000)).toBe(0);
    expect(percent(333, 1000)).toBe(33);
    expect(percent(1000, 1000)).toBe(100);
    expect(percent(5000, 1000)).toBe(100);
    expect(percent(10, 0)).toBe(0);
  });

  it('applies an upload’s progress to its item only, never backwards', () => {
    const items = [
      item(1),
      item(2, { sent: 600, percent: 60, state: 'uploading' }),
      item(3, { state: 'done' }),
    ];
    const moved = withProgress(items, { item_id: 1, sent: 250, size: 1000 });
    expect(moved[0]).toMatchObject({ sent: 250, percent: 25, state: 'uploading' });
    expect(moved[1]).toBe(items[1]);
    expect(withProgress(moved, { item_id: 2, sent: 100, size: 1000 })[1]).toMatchObject({ sent: 600 });
    expect(withProgress(items, { item_id: 3, sent: 10, size: 1000 })[2]).toBe(items[2]);
  });

  it('says an item waits for the network while offline', () => {
    expect(stateKey(item(1), false)).toBe('queue.state.waiting_network');
    expect(stateKey(item(1), true)).toBe('queue.state.pending');
    const again = item(1, { error: { code: 'internal', message: '500' } });
    expect(stateKey(again, true)).toBe('queue.state.will_retry');
    expect(stateKey(item(1, { state: 'failed' }), false)).toBe('queue.state.failed');
    expect(stateKey(item(1, { state: 'done' }), false)).toBe('queue.state.done');
  });

  it('lists what waits first, in sending order, then the rest newest first', () => {
    const order = queueOrder([
      item(1, { state: 'done' }),
      item(4, { state: 'failed' }),
      item(2, { state: 'pending' }),
      item(3, { state: 'cancelled' }),
      item(5, { state: 'uploading' }),
    ]).map((i) => i.id);
    expect(order).toEqual([2, 4, 5, 3, 1]);
  });

  it('reads sizes as people do', () => {
    expect(formatSize(900, 'en')).toBe('900 B');
    expect(formatSize(48_213, 'en')).toBe('47 KB');
    expect(formatSize(1_572_864, 'en')).toBe('1.5 MB');
    expect(formatSize(1_572_864, 'fr')).toBe('1,5 Mo');
  });
});

describe('a drop outside any documents panel', () => {
  it('goes to the dossier or procedure of the row it fell on, and nowhere else', () => {
    document.body.innerHTML = `
      <div data-testid="dossier-row" data-id="CD-2022-000198"><span id="in-dossier">x</span></div>
      <div data-testid="procedure-row" data-id="42"><b id="in-procedure">y</b></div>
      <div data-testid="procedure-row" data-id="not-a-number" id="odd"></div>
      <p id="elsewhere">z</p>`;
    const at = (id: string) => document.getElementById(id);
    expect(dropTarget(at('in-dossier'))).toEqual({ kind: 'dossier', reference: 'CD-2022-000198' });
    expect(dropTarget(at('in-procedure'))).toEqual({ kind: 'procedure', id: 42 });
    expect(dropTarget(at('odd'))).toBeNull();
    expect(dropTarget(at('elsewhere'))).toBeNull();
    expect(dropTarget(null)).toBeNull();
    document.body.innerHTML = '';
  });
});
