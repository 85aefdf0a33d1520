// What the components' tests share: waiting for the UI to settle, finding elements by
// their test id, acting on them, and the demo users they sign in as.

import { flushSync } from 'svelte';

import { appContext } from './context';
import type { FakeIpc } from './ipc/fake';
import { Navigation } from './stores/nav.svelte';
import { OutboxStore } from './stores/outbox.svelte';
import { SettingsStore } from './stores/settings.svelte';
import { StatusStore } from './stores/status.svelte';
import type { User } from './types';

export const demoDebtor: User = {
  id: 2,
  email: 'debiteur1@demo.claimdesk.fr',
  display_name: 'Jean Dupont',
  role: 'debtor',
  etude_name: null,
  company_name: 'Boulangerie',
};

export const demoEtude: User = {
  ...demoDebtor,
  id: 1,
  role: 'etude',
  etude_name: 'Étude Martin',
  company_name: null,
};

/** Lets pending promises and effects run, then applies what they changed. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}

export const byTestId = <E extends HTMLElement = HTMLElement>(id: string): E | null =>
  document.querySelector<E>(`[data-testid="${id}"]`);

export const allByTestId = <E extends HTMLElement = HTMLElement>(id: string): E[] => [
  ...document.querySelectorAll<E>(`[data-testid="${id}"]`),
];

/** Clicks the element and waits for the UI to settle. */
export async function click(id: string): Promise<void> {
  const element = byTestId(id);
  if (!element) throw new Error(`no ${id}`);
  element.click();
  await settle();
}

/** Types into a field as a user would (an `input` event) and waits for the UI. */
export async function typeInto(id: string, value: string): Promise<void> {
  const field = byTestId<HTMLInputElement>(id);
  if (!field) throw new Error(`no ${id}`);
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
}

/** The app's stores over `fake`, signed in as `user` and started, as a component's context. */
export async function startApp(fake: FakeIpc, user: User) {
  fake.status.user = user;
  const status = new StatusStore(fake);
  const outbox = new OutboxStore(fake);
  await status.refresh();
  await outbox.start();
  const context = appContext({ status, settings: new SettingsStore(fake), nav: new Navigation(), outbox });
  return { status, outbox, context };
}
