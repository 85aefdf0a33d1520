import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { FakeIpc } from './ipc/fake';
import { SearchController } from './search.svelte';
import type { SearchHit } from './types';

function hit(id: number, title = `Hit ${id}`): SearchHit {
  return { kind: 'procedure', id, reference: null, procedure_id: id, title, subtitle: '' };
}

/** A search answer the test releases when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let fake: FakeIpc;

beforeEach(() => {
  vi.useFakeTimers();
  fake = new FakeIpc();
});

afterEach(() => {
  vi.useRealTimers();
});

const searches = () => fake.calls.filter((c) => c.command === 'search').map((c) => c.args);

describe('search as you type', () => {
  it('asks once, for the last query, after the user stops typing', async () => {
    fake.searchHandler = async (query) => [hit(1, query)];
    const search = new SearchController(fake, { debounceMs: 150, limit: 25 });

    search.setQuery('Ly');
    await vi.advanceTimersByTimeAsync(100);
    search.setQuery('Lyo');
    await vi.advanceTimersByTimeAsync(100);
    search.setQuery('Lyon');
    expect(search.loading).toBe(true);
    expect(search.open).toBe(true);
    await vi.advanceTimersByTimeAsync(149);
    expect(searches()).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    expect(searches()).toEqual([{ query: 'Lyon', limit: 25 }]);
    expect(search.results.map((h) => h.title)).toEqual(['Lyon']);
    expect(search.active).toBe(0);
    expect(search.loading).toBe(false);
    expect(search.answered).toBe('Lyon');
  });

  it('does not ask for a query shorter than the minimum and closes the results', async () => {
    fake.searchHandler = async () => [hit(1)];
    const search = new SearchController(fake, { debounceMs: 50, minLength: 2 });
    search.setQuery('ab');
    await vi.advanceTimersByTimeAsync(50);
    expect(search.results).toHaveLength(1);

    search.setQuery(' a ');
    await vi.advanceTimersByTimeAsync(500);
    expect(searches()).toHaveLength(1);
    expect(search.results).toEqual([]);
    expect(search.open).toBe(false);
    expect(search.active).toBe(-1);
  });

  it('trims the query it sends', async () => {
    fake.searchHandler = async () => [];
    const search = new SearchController(fake, { debounceMs: 10, limit: 5 });
    search.setQuery('  732829320 ');
    await vi.advanceTimersByTimeAsync(10);
    expect(searches()).toEqual([{ query: '732829320', limit: 5 }]);
  });

  it('drops an answer that arrives after the user typed something else', async () => {
    const slow = deferred<SearchHit[]>();
    const fast = deferred<SearchHit[]>();
    const answers = [slow, fast];
    fake.searchHandler = () => (answers.shift() ?? fast).promise;
    const search = new SearchController(fake, { debounceMs: 10 });

    search.setQuery('old');
    await vi.advanceTimersByTimeAsync(10);
    search.setQuery('new');
    await vi.advanceTimersByTimeAsync(10);
    fast.resolve([hit(2, 'new')]);
    await vi.advanceTimersByTimeAsync(0);
    slow.resolve([hit(1, 'old')]);
    await vi.advanceTimersByTimeAsync(0);

    expect(search.results.map((h) => h.title)).toEqual(['new']);
    expect(search.answered).toBe('new');
    expect(search.loading).toBe(false);
  });

  it('keeps the failure code to explain it, and shows no stale results', async () => {
    fake.searchHandler = async () => [hit(1)];
    const search = new SearchController(fake, { debounceMs: 10 });
    search.setQuery('ok');
    await vi.advanceTimersByTimeAsync(10);
    expect(search.results).toHaveLength(1);

    fake.failures.search = { code: 'internal', message: 'database is locked' };
    search.setQuery('oops');
    await vi.advanceTimersByTimeAsync(10);
    expect(search.error).toEqual({ code: 'internal', message: 'database is locked' });
    expect(search.results).toEqual([]);
    expect(search.loading).toBe(false);

    delete fake.failures.search;
    search.setQuery('fine');
    await vi.advanceTimersByTimeAsync(10);
    expect(search.error).toBeNull();
  });

  it('searches the fake store by SIREN, name and dossier reference', async () => {
    fake.status.user = {
      id: 1,
      email: 'e',
      display_name: 'E',
      role: 'etude',
      etude_name: null,
      company_name: null,
    };
    fake.data.procedures = [
      {
        id: 7,
        kind: 'Sauvegarde',
        stage: 'observation',
        debtor: {
          name: 'Garage du Rhône',
          siren: '732829320',
          rcs: 'RCS Lyon 732 829 320',
          legal_form: 'SAS',
          address: 'Lyon',
        },
        tribunal: 'Tribunal de commerce de Lyon',
        judgment_date: '2026-01-10',
        bodacc_date: null,
        declaration_deadline: null,
        etude_name: 'Étude',
        mandataire: 'Me X',
        administrateur: null,
        juge_commissaire: null,
        plan_end_date: null,
        deadlines: { declaration: null, declaration_outside_metropole: null, relief_from_foreclosure: null, claims_list_objection: null, latest_plan_end: null },
      },
    ];
    const search = new SearchController(fake, { debounceMs: 10 });
    search.setQuery('732 829 320');
    await vi.advanceTimersByTimeAsync(10);
    expect(search.results.map((h) => [h.kind, h.id])).toEqual([['procedure', 7]]);
  });
});

describe('keyboard navigation', () => {
  async function withResults(count: number): Promise<SearchController> {
    fake.searchHandler = async () => Array.from({ length: count }, (_, i) => hit(i + 1));
    const search = new SearchController(fake, { debounceMs: 10 });
    search.setQuery('query');
    await vi.advanceTimersByTimeAsync(10);
    return search;
  }

  it('moves down and up through the results, wrapping at both ends', async () => {
    const search = await withResults(3);
    expect(search.active).toBe(0);
    expect(search.handleKey('ArrowDown')).toEqual({ kind: 'handled' });
    expect(search.active).toBe(1);
    search.handleKey('ArrowDown');
    expect(search.active).toBe(2);
    search.handleKey('ArrowDown');
    expect(search.active).toBe(0);
    search.handleKey('ArrowUp');
    expect(search.active).toBe(2);
    search.handleKey('ArrowUp');
    expect(search.active).toBe(1);
  });

  it('opens the highlighted result on Enter and clears the box', async () => {
    const search = await withResults(3);
    search.handleKey('ArrowDown');
    search.handleKey('ArrowDown');
    const outcome = search.handleKey('Enter');
    expect(outcome).toEqual({ kind: 'open', hit: hit(3) });
    expect(search.query).toBe('');
    expect(search.open).toBe(false);
    expect(search.results).toEqual([]);
  });

  it('lets Enter through when there is nothing to open', async () => {
    const search = await withResults(0);
    expect(search.handleKey('Enter')).toEqual({ kind: 'ignored' });
    expect(search.handleKey('ArrowDown')).toEqual({ kind: 'handled' });
  });

  it('closes on the first Escape and clears on the second', async () => {
    const search = await withResults(2);
    expect(search.handleKey('Escape')).toEqual({ kind: 'handled' });
    expect(search.open).toBe(false);
    expect(search.query).toBe('query');
    expect(search.handleKey('Enter')).toEqual({ kind: 'ignored' });
    expect(search.handleKey('ArrowDown')).toEqual({ kind: 'handled' });
    expect(search.open).toBe(true);
    search.handleKey('Escape');
    expect(search.handleKey('Escape')).toEqual({ kind: 'handled' });
    expect(search.query).toBe('');
    expect(search.handleKey('Escape')).toEqual({ kind: 'ignored' });
  });

  it('pages by five and stays in bounds', async () => {
    const search = await withResults(8);
    search.handleKey('PageDown');
    expect(search.active).toBe(5);
    search.handleKey('PageDown');
    expect(search.active).toBe(7);
    search.handleKey('PageUp');
    expect(search.active).toBe(2);
    search.handleKey('PageUp');
    expect(search.active).toBe(0);
  });

  it('lets the pointer highlight and choose', async () => {
    const search = await withResults(3);
    search.highlight(2);
    expect(search.active).toBe(2);
    search.highlight(9);
    expect(search.active).toBe(2);
    expect(search.choose(1)).toEqual(hit(2));
    expect(search.query).toBe('');
  });

  it('ignores keys that are not its own', async () => {
    const search = await withResults(3);
    expect(search.handleKey('a')).toEqual({ kind: 'ignored' });
    expect(search.handleKey('Tab')).toEqual({ kind: 'ignored' });
  });
});
