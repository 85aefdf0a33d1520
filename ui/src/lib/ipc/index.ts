// The only door to the desktop shell. Everything else in the UI codes against `Ipc`,
// so tests (and a browser preview) can put a fake behind it.

import type { Ipc, Unlisten } from './contract';

export * from './contract';
export { TauriIpc } from './tauri';

let current: Ipc | null = null;

/** Puts `impl` behind `ipc()`; tests install a fake, `main.ts` the Tauri one. */
export function installIpc(impl: Ipc): void {
  current = impl;
}

export function ipc(): Ipc {
  if (!current) throw new Error('no Ipc installed: call installIpc() at start-up');
  return current;
}

/** True inside the Tauri WebView (its runtime defines this global before any script). */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/**
 * Waits for every subscription; answers the stops of those that worked and hands each
 * failure to `failed`: without events the app still works, only less live.
 */
export async function listenAll(
  subscriptions: Promise<Unlisten>[],
  failed: (reason: unknown) => void,
): Promise<Unlisten[]> {
  const stops: Unlisten[] = [];
  for (const subscription of await Promise.allSettled(subscriptions)) {
    if (subscription.status === 'fulfilled') stops.push(subscription.value);
    else failed(subscription.reason);
  }
  return stops;
}
