// The user's settings, kept by the shell; the language is applied as soon as it is known.

import { toCommandError } from '../errors';
import { setLanguage } from '../i18n/index.svelte';
import type { Ipc } from '../ipc';
import type { CommandError, Language, Settings } from '../types';

export class SettingsStore {
  value = $state<Settings | null>(null);
  error = $state<CommandError | null>(null);
  private readonly ipc: Ipc;

  constructor(ipc: Ipc) {
    this.ipc = ipc;
  }

  async load(): Promise<void> {
    try {
      this.value = await this.ipc.getSettings();
      this.error = null;
      setLanguage(this.value.language);
    } catch (error) {
      this.error = toCommandError(error);
    }
  }

  /** Saves and applies `next`; false (with `error` set) when the shell refused it. */
  async save(next: Settings): Promise<boolean> {
    try {
      // A plain copy: what crosses to the shell must not be a reactive proxy.
      this.value = await this.ipc.setSettings($state.snapshot(next));
      this.error = null;
      setLanguage(this.value.language);
      return true;
    } catch (error) {
      this.error = toCommandError(error);
      return false;
    }
  }

  /** Switches at once; the choice is kept when the shell accepts it. */
  async switchLanguage(language: Language): Promise<void> {
    setLanguage(language);
    if (this.value) await this.save({ ...$state.snapshot(this.value), language });
  }
}
