import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import { appContext } from '../context';
import { locale } from '../i18n/index.svelte';
import { installIpc } from '../ipc';
import { FakeIpc, sampleQueueItem } from '../ipc/fake';
import { Navigation } from '../stores/nav.svelte';
import { OutboxStore } from '../stores/outbox.svelte';
import { SettingsStore } from '../stores/settings.svelte';
import { StatusStore } from '../stores/status.svelte';
import StatusBar from './StatusBar.svelte';

let component: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

describe('the status bar', () => {
  it('counts the files waiting and the refused ones, and opens the queue', async () => {
    locale.lang = 'en';
    const fake = new FakeIpc();
    fake.status.user = {
      id: 2,
      email: 'debiteur1@demo.claimdesk.fr',
      display_name: 'Jean Dupont',
      role: 'debtor',
      etude_name: null,
      company_name: null,
    };
    fake.queue = [
      sampleQueueItem(1),
      sampleQueueItem(2, { state: 'uploading', sent: 500, percent: 50 }),
      sampleQueueItem(3, { state: 'failed', error: { code: 'forbidden', message: 'no' } }),
      sampleQueueItem(4, { state: 'done', percent: 100, sent: 1000 }),
    ];
    installIpc(fake);
    const status = new StatusStore(fake);
    const outbox = new OutboxStore(fake);
    await status.refresh();
    await outbox.refresh();
    const context = appContext({ status, settings: new SettingsStore(fake), nav: new Navigation(), outbox });
    component = mount(StatusBar, { target: document.body, context });
    flushSync();
    const button = document.querySelector<HTMLButtonElement>('[data-testid="pending-outbox"]');
    expect(button?.dataset.count).toBe('2');
    expect(button?.dataset.failed).toBe('1');
    expect(button?.textContent).toContain('1 failed');
    button?.click();
    flushSync();
    expect(outbox.open).toBe(true);
    expect(button?.getAttribute('aria-expanded')).toBe('true');
  });
});
