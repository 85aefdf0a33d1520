import { beforeEach, describe, expect, it } from 'vitest';

import { locale } from '../i18n/index.svelte';
import { FakeIpc } from '../ipc/fake';
import { SettingsStore } from './settings.svelte';

let fake: FakeIpc;

beforeEach(() => {
  fake = new FakeIpc();
  locale.lang = 'fr';
});

describe('settings', () => {
  it('applies the saved language on load', async () => {
    fake.settings.language = 'en';
    const settings = new SettingsStore(fake);
    await settings.load();
    expect(locale.lang).toBe('en');
    expect(settings.value?.language).toBe('en');
  });

  it('switches language at once and keeps the choice', async () => {
    const settings = new SettingsStore(fake);
    await settings.load();
    await settings.switchLanguage('en');
    expect(locale.lang).toBe('en');
    expect(fake.settings.language).toBe('en');
    expect(fake.calls.at(-1)).toEqual({ command: 'setSettings', args: { settings: { ...fake.settings } } });
  });

  it('keeps the previous settings and the reason when saving fails', async () => {
    const settings = new SettingsStore(fake);
    await settings.load();
    fake.failures.setSettings = { code: 'validation_failed', message: 'bad url' };
    const ok = await settings.save({ ...fake.settings, server_url: 'nope' });
    expect(ok).toBe(false);
    expect(settings.value?.server_url).toBe('http://127.0.0.1:8620');
    expect(settings.error?.code).toBe('validation_failed');
  });
});
