// Reading something from the shell for a screen: the value, the failure, and a reload.

import { toCommandError } from './errors';
import type { CommandError } from './types';

export class Loaded<T> {
  // Answers from the shell are snapshots replaced whole, never edited in place:
  // a raw state spares a deep proxy on each of tens of thousands of rows.
  value = $state.raw<T | null>(null);
  error = $state<CommandError | null>(null);
  loading = $state(false);
  private generation = 0;

  /** Runs `read`; an answer that arrives after a newer `load` started is dropped. */
  async load(read: () => Promise<T>, onError?: (error: CommandError) => void): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    try {
      const value = await read();
      if (generation !== this.generation) return;
      this.value = value;
      this.error = null;
    } catch (e) {
      if (generation !== this.generation) return;
      this.error = toCommandError(e);
      onError?.(this.error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }
}
