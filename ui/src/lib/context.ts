import { getContext, setContext } from 'svelte';

import type { Navigation } from './stores/nav.svelte';
import type { OutboxStore } from './stores/outbox.svelte';
import type { SettingsStore } from './stores/settings.svelte';
import type { StatusStore } from './stores/status.svelte';

/** The state every screen shares, handed down by `App.svelte`. */
export interface AppState {
  status: StatusStore;
  settings: SettingsStore;
  nav: Navigation;
  outbox: OutboxStore;
}

const KEY = Symbol('claimdesk-app');

export function provideApp(state: AppState): void {
  setContext(KEY, state);
}

/** The context `mount` takes to render one screen alone, as in tests. */
export function appContext(state: AppState): Map<unknown, unknown> {
  return new Map([[KEY, state]]);
}

export function useApp(): AppState {
  const state = getContext<AppState | undefined>(KEY);
  if (!state) throw new Error('useApp() outside App.svelte');
  return state;
}
