// The logic of the search box: results as the user types (debounced, stale answers
// dropped), and keyboard navigation through them. The component only renders it.

import { toCommandError } from './errors';
import type { Ipc } from './ipc';
import type { CommandError, SearchHit } from './types';

export interface SearchOptions {
  /** Quiet time after the last keystroke before asking. */
  debounceMs?: number;
  limit?: number;
  /** Shorter queries (once trimmed) show nothing and ask nothing. */
  minLength?: number;
}

export type KeyOutcome =
  /** The key was not for the search box. */
  | { kind: 'ignored' }
  | { kind: 'handled' }
  /** Enter on a result: the caller opens it. */
  | { kind: 'open'; hit: SearchHit };

export class SearchController {
  query = $state('');
  results = $state<SearchHit[]>([]);
  /** Index of the highlighted result, -1 when none. */
  active = $state(-1);
  open = $state(false);
  loading = $state(false);
  error = $state<CommandError | null>(null);
  /** The query the shown results answer. */
  answered = $state('');

  readonly debounceMs: number;
  readonly limit: number;
  readonly minLength: number;
  private readonly ipc: Ipc;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every keystroke: an answer for an older generation is dropped. */
  private generation = 0;

  constructor(ipc: Ipc, options: SearchOptions = {}) {
    this.ipc = ipc;
    this.debounceMs = options.debounceMs ?? 120;
    this.limit = options.limit ?? 20;
    this.minLength = options.minLength ?? 2;
  }

  get activeHit(): SearchHit | null {
    return this.results[this.active] ?? null;
  }

  setQuery(query: string): void {
    this.query = query;
    this.generation += 1;
    this.cancelTimer();
    const trimmed = query.trim();
    if (trimmed.length < this.minLength) {
      this.results = [];
      this.active = -1;
      this.loading = false;
      this.error = null;
      this.open = false;
      return;
    }
    this.loading = true;
    this.open = true;
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run(trimmed, generation);
    }, this.debounceMs);
  }

  private async run(query: string, generation: number): Promise<void> {
    try {
      const hits = await this.ipc.search(query, this.limit);
      if (generation !== this.generation) return;
      this.results = hits;
      this.active = hits.length > 0 ? 0 : -1;
      this.error = null;
    } catch (error) {
      if (generation !== this.generation) return;
      this.results = [];
      this.active = -1;
      this.error = toCommandError(error);
    }
    this.answered = query;
    this.loading = false;
  }

  handleKey(key: string): KeyOutcome {
    const count = this.results.length;
    switch (key) {
      case 'ArrowDown':
        if (count === 0) return { kind: this.open ? 'handled' : 'ignored' };
        this.open = true;
        this.active = (this.active + 1) % count;
        return { kind: 'handled' };
      case 'ArrowUp':
        if (count === 0) return { kind: this.open ? 'handled' : 'ignored' };
        this.open = true;
        this.active = this.active <= 0 ? count - 1 : this.active - 1;
        return { kind: 'handled' };
      case 'PageDown':
        if (count === 0) return { kind: 'ignored' };
        this.active = Math.min(count - 1, Math.max(0, this.active) + 5);
        return { kind: 'handled' };
      case 'PageUp':
        if (count === 0) return { kind: 'ignored' };
        this.active = Math.max(0, this.active - 5);
        return { kind: 'handled' };
      case 'Enter': {
        const hit = this.open ? this.activeHit : null;
        if (!hit) return { kind: 'ignored' };
        this.clear();
        return { kind: 'open', hit };
      }
      case 'Escape':
        if (this.open) {
          this.open = false;
          return { kind: 'handled' };
        }
        if (this.query !== '') {
          this.clear();
          return { kind: 'handled' };
        }
        return { kind: 'ignored' };
      default:
        return { kind: 'ignored' };
    }
  }

  /** Highlights a result (pointer over it). */
  highlight(index: number): void {
    if (index >= 0 && index < this.results.length) this.active = index;
  }

  /** Picks a result (click): the caller opens what this returns. */
  choose(index: number): SearchHit | null {
    const hit = this.results[index] ?? null;
    if (hit) this.clear();
    return hit;
  }

  close(): void {
    this.open = false;
  }

  /** Reopens the results of the current query (focus back in the box). */
  reopen(): void {
    if (this.query.trim().length >= this.minLength) this.open = true;
  }

  clear(): void {
    this.setQuery('');
  }

  dispose(): void {
    this.cancelTimer();
    this.generation += 1;
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
