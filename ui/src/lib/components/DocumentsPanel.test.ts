import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { locale } from '../i18n/index.svelte';
import { appContext } from '../context';
import { installIpc } from '../ipc';
import { Navigation } from '../stores/nav.svelte';
import { SettingsStore } from '../stores/settings.svelte';
import { FakeIpc, sampleQueueItem } from '../ipc/fake';
import { OutboxStore } from '../stores/outbox.svelte';
import type { StatusStore } from '../stores/status.svelte';
import { allByTestId, byTestId, click, demoDebtor, demoEtude, settle, startApp } from '../testing';
import type { DocumentTarget, QueueItem, User } from '../types';
import DocumentsPanel from './DocumentsPanel.svelte';
import QueuePanel from './QueuePanel.svelte';

const debtor = demoDebtor;
const etude = demoEtude;
const dossier: DocumentTarget = { kind: 'dossier', reference: 'D-2026-000001' };

let fake: FakeIpc;
let status: StatusStore;
let outbox: OutboxStore;
let components: ReturnType<typeof mount>[] = [];

const choose = async (category: string, note = '') => {
  const select = byTestId<HTMLSelectElement>('document-category');
  if (!select) throw new Error('no category picker');
  select.value = category;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  const field = byTestId<HTMLInputElement>('document-note');
  if (!field) throw new Error('no note field');
  field.value = note;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
};

beforeEach(() => {
  locale.lang = 'en';
  fake = new FakeIpc();
  fake.status.user = debtor;
  fake.documentsData = [
    {
      attached_to: dossier,
      document: {
        id: 7,
        category: 'judgment',
        note: null,
        file_name: 'jugement.pdf',
        content_type: 'application/pdf',
        size: 184_320,
        origin: 'agency',
        created_at: '2026-10-02T09:30:00Z',
      },
    },
  ];
  installIpc(fake);
});

afterEach(() => {
  for (const component of components) unmount(component);
  components = [];
  outbox?.stop();
  document.body.innerHTML = '';
});

async function render(user: User = debtor, attachTo: DocumentTarget = dossier) {
  let context;
  ({ status, outbox, context } = await startApp(fake, user));
  components.push(mount(DocumentsPanel, { target: document.body, props: { attachTo }, context }));
  await settle();
  return context;
}

const options = () =>
  [...(byTestId<HTMLSelectElement>('document-category')?.options ?? [])].map((o) => o.value).filter(Boolean);

describe('the documents panel', () => {
  it('lists the documents with category, size and who filed them', async () => {
    await render();
    expect(byTestId('documents-table')?.dataset.count).toBe('1');
    const row = byTestId('document-row');
    expect(row?.dataset.origin).toBe('agency');
    expect(row?.textContent).toContain('jugement.pdf');
    expect(row?.textContent).toContain('Judgment');
    expect(row?.textContent).toContain('180 KB');
    expect(row?.textContent).toContain('Agency');
  });

  it('offers debtors no mandataire category, and études every one', async () => {
    await render(debtor);
    await click('add-files');
    expect(options()).not.toContain('court_order');
    expect(options()).not.toContain('list_of_claims');
    expect(options()).toContain('proof_of_payment');
    for (const c of components) unmount(c);
    components = [];
    document.body.innerHTML = '';
    await render(etude, { kind: 'procedure', id: 3 });
    await click('add-files');
    expect(options()).toContain('court_order');
    expect(options()).toHaveLength(15);
  });

  it('asks for a note before filing “other”, and sends nothing meanwhile', async () => {
    await render();
    await click('add-files');
    await click('document-add');
    expect(byTestId('selection-problem')?.dataset.key).toBe('documents.need_category');
    await choose('other');
    await click('document-add');
    expect(byTestId('selection-problem')?.dataset.key).toBe('documents.need_note');
    expect(fake.calls.some((c) => c.command === 'addDocuments')).toBe(false);
    await choose('other', 'courrier du bailleur');
    await click('document-add');
    expect(fake.calls.find((c) => c.command === 'addDocuments')?.args).toEqual({
      selection: 1,
      attach_to: dossier,
      category: 'other',
      note: 'courrier du bailleur',
      as_pdf: false,
    });
    expect(byTestId('selection')).toBeNull();
  });

  it('takes dropped files, queues them, and lists the document once sent', async () => {
    await render();
    fake.emitDrag(true);
    await settle();
    expect(byTestId('drop-zone')?.dataset.dragging).toBe('true');
    fake.dropFiles([
      { name: 'page1.jpg', size: 2048 },
      { name: 'page2.jpg', size: 4096 },
    ]);
    await settle();
    expect(byTestId('drop-zone')?.dataset.dragging).toBe('false');
    expect(allByTestId('selection-file').map((f) => f.textContent)).toEqual([
      'page1.jpg (2 KB)',
      'page2.jpg (4 KB)',
    ]);
    const combine = byTestId<HTMLInputElement>('document-as-pdf');
    expect(combine?.disabled).toBe(false);
    combine?.click();
    await choose('proof_of_payment');
    await click('document-add');
    expect(byTestId('documents-queued')?.dataset.count).toBe('1');
    expect(byTestId('queue-item')?.textContent).toContain('page1.pdf');

    fake.deliver();
    await settle();
    expect(byTestId('documents-queued')).toBeNull();
    expect(byTestId('documents-table')?.dataset.count).toBe('2');
    expect(allByTestId('document-row')[0]?.dataset.origin).toBe('customer');
  });

  it('takes the files dropped on its row before it was open, once', async () => {
    const other = new OutboxStore(fake);
    const routed: unknown[] = [];
    other.route = (d) => routed.push(d);
    const selection = { id: 9, files: [{ name: 'avis.pdf', size: 10 }] };
    other.dropped({ selection, x: 5, y: 6 });
    expect(routed).toEqual([{ selection, x: 5, y: 6 }]);

    await render();
    outbox.pending = { target: { kind: 'dossier', reference: 'D-OTHER' }, selection };
    expect(outbox.takePending(dossier)).toBeNull();
    outbox.pending = { target: dossier, selection };
    expect(outbox.pendingFor(dossier)).toBe(true);
    for (const c of components) unmount(c);
    components = [];
    const context = appContext({ status, settings: new SettingsStore(fake), nav: new Navigation(), outbox });
    components.push(mount(DocumentsPanel, { target: document.body, props: { attachTo: dossier }, context }));
    await settle();
    expect(byTestId('selection')?.dataset.id).toBe('9');
    expect(outbox.pending).toBeNull();
  });

  it('opens and saves through the shell', async () => {
    await render();
    await click('document-open');
    expect(fake.opened).toEqual([7]);
    await click('document-save');
    expect(fake.saved).toEqual(['jugement.pdf']);
    expect(byTestId('document-saved')?.textContent).toContain('jugement.pdf');
    fake.failures.saveDocument = { code: 'offline', message: 'unreachable' };
    await click('document-save');
    expect(byTestId('document-error')?.dataset.code).toBe('offline');
  });

  it('lists what was synced while offline, and says when the list cannot be read offline', async () => {
    fake.status.online = false;
    await render();
    expect(byTestId('documents-table')?.dataset.count).toBe('1');
    for (const c of components) unmount(c);
    components = [];
    document.body.innerHTML = '';
    fake.failures.documents = { code: 'offline', message: 'unreachable' };
    await render();
    expect(byTestId('documents-offline')).not.toBeNull();
  });
});

describe('the outbox store', () => {
  it('drops an answer read before the last event', async () => {
    const store = new OutboxStore(fake);
    await store.start();
    let answer: (items: QueueItem[]) => void = () => {};
    const stale = sampleQueueItem(1);
    const original = fake.outbox.bind(fake);
    fake.outbox = () => new Promise((resolve) => (answer = resolve));
    const refreshing = store.refresh();
    fake.queue = [sampleQueueItem(1, { state: 'done', percent: 100, sent: 1000 })];
    fake.emitQueue();
    answer([stale]);
    await refreshing;
    expect(store.items[0]?.state).toBe('done');
    fake.outbox = original;
    store.stop();
  });
});

describe('the queue', () => {
  const queued = (id: number, patch: Partial<QueueItem>) =>
    sampleQueueItem(id, { attach_to: dossier, category: 'charges', ...patch });

  async function renderQueue() {
    const context = await render();
    components.push(mount(QueuePanel, { target: document.body, context }));
    await settle();
  }

  const row = (id: number) =>
    document.querySelector<HTMLElement>(`[data-testid="queue-panel"] [data-id="${id}"]`);

  it('shows each file’s progress and state, and follows the upload', async () => {
    fake.queue = [
      queued(1, { state: 'uploading', sent: 400, percent: 40 }),
      queued(2, {}),
      queued(3, { state: 'done', sent: 1000, percent: 100, document_id: 9 }),
    ];
    await renderQueue();
    expect(byTestId('queue-list')?.dataset.count).toBe('3');
    const bar = row(1)?.querySelector<HTMLProgressElement>('[data-testid="queue-progress"]');
    expect(bar?.value).toBe(40);
    expect(row(1)?.textContent).toContain('40 %');
    expect(row(1)?.textContent).toContain('Sending…');
    expect(row(3)?.dataset.percent).toBe('100');
    expect(row(3)?.querySelector('[data-testid="queue-cancel"]')).toBeNull();

    fake.emitUpload({ item_id: 2, sent: 750, size: 1000 });
    await settle();
    expect(row(2)?.dataset.state).toBe('uploading');
    expect(row(2)?.dataset.percent).toBe('75');
  });

  it('says what waits for the network, why a file was refused, and retries it', async () => {
    fake.queue = [
      queued(1, { error: { code: 'offline', message: 'connection refused' } }),
      queued(2, { state: 'failed', error: { code: 'unsupported_media_type', message: 'not allowed' } }),
    ];
    fake.status.online = false;
    await renderQueue();
    expect(byTestId('queue-offline')).not.toBeNull();
    expect(row(1)?.querySelector('[data-testid="queue-state"]')?.textContent).toBe('Waiting for network');
    expect(row(1)?.querySelector('[data-testid="queue-error"]')).toBeNull();
    expect(row(2)?.querySelector('[data-testid="queue-error"]')?.getAttribute('data-code')).toBe(
      'unsupported_media_type',
    );
    row(2)?.querySelector<HTMLButtonElement>('[data-testid="queue-retry"]')?.click();
    await settle();
    expect(row(2)?.dataset.state).toBe('pending');
    row(1)?.querySelector<HTMLButtonElement>('[data-testid="queue-cancel"]')?.click();
    await settle();
    expect(row(1)?.dataset.state).toBe('cancelled');
  });
});
