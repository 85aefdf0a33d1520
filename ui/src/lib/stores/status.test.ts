import { beforeEach, describe, expect, it } from 'vitest';

import { FakeIpc } from '../ipc/fake';
import type { SyncReport, User } from '../types';
import { StatusStore } from './status.svelte';

const etude: User = {
  id: 1,
  email: 'etude@demo.claimdesk.fr',
  display_name: 'Claire Martin',
  role: 'etude',
  etude_name: 'Étude Martin',
  company_name: null,
};

const report: SyncReport = {
  applied: 12,
  procedures: 2,
  claims: 10,
  dossiers: 0,
  installments: 0,
  duration_ms: 340,
};

let fake: FakeIpc;
let status: StatusStore;

/** Lets pending promise callbacks (the refresh after a sync) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  fake = new FakeIpc();
  fake.status.user = etude;
  fake.status.server_url = 'http://127.0.0.1:8620';
  fake.status.last_sync = '2026-11-21T13:05:00Z';
  fake.status.pending_outbox = 2;
  status = new StatusStore(fake);
});

describe('starting', () => {
  it('reads the status and subscribes to the three sync events', async () => {
    expect(status.loaded).toBe(false);
    await status.start();
    expect(status.loaded).toBe(true);
    expect(status.user).toEqual(etude);
    expect(status.online).toBe(true);
    expect(status.serverUrl).toBe('http://127.0.0.1:8620');
    expect(status.lastSync).toBe('2026-11-21T13:05:00Z');
    expect(status.pendingOutbox).toBe(2);
    expect(fake.listenerCount()).toBe(3);
    status.stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it('still loads when the shell refuses an event subscription', async () => {
    fake.onSyncProgress = () => Promise.reject({ code: 'forbidden', message: 'event not allowed' });
    await status.start();
    expect(status.loaded).toBe(true);
    expect(status.user).toEqual(etude);
    expect(fake.listenerCount()).toBe(2);
    fake.emitState({ online: false, syncing: false, last_sync: null });
    expect(status.online).toBe(false);
  });

  it('is loaded even when the status cannot be read, with the reason kept', async () => {
    fake.failures.appStatus = { code: 'keyring_unavailable', message: 'no secret service' };
    await status.start();
    expect(status.loaded).toBe(true);
    expect(status.user).toBeNull();
    expect(status.error?.code).toBe('keyring_unavailable');
  });
});

describe('events', () => {
  beforeEach(async () => {
    await status.start();
  });

  it('shows progress while a sync runs and clears it when it ends', async () => {
    fake.emitState({ online: true, syncing: true, last_sync: '2026-11-21T13:05:00Z' });
    expect(status.syncing).toBe(true);
    fake.emitProgress({ pages: 1, applied: 500, more: true });
    expect(status.progress).toEqual({ pages: 1, applied: 500, more: true });
    fake.emitProgress({ pages: 2, applied: 900, more: false });
    expect(status.progress?.applied).toBe(900);

    const before = status.dataVersion;
    fake.status.last_sync = '2026-11-21T14:00:00Z';
    fake.emitState({ online: true, syncing: false, last_sync: '2026-11-21T14:00:00Z' });
    fake.emitDone(report);
    expect(status.syncing).toBe(false);
    expect(status.progress).toBeNull();
    expect(status.lastSync).toBe('2026-11-21T14:00:00Z');
    expect(status.lastReport).toEqual(report);
    expect(status.dataVersion).toBe(before + 1);
  });

  it('does not make the screens reload for a sync that brought nothing', () => {
    const before = status.dataVersion;
    fake.emitDone({ ...report, applied: 0 });
    expect(status.dataVersion).toBe(before);
  });

  it('refreshes counts and outbox after a sync', async () => {
    fake.data.procedures = [];
    fake.status.pending_outbox = 0;
    fake.emitDone(report);
    await settle();
    expect(status.pendingOutbox).toBe(0);
    expect(fake.calls.filter((c) => c.command === 'appStatus')).toHaveLength(2);
  });

  it('goes offline and back online from sync://state, keeping the last sync time', () => {
    fake.emitState({ online: false, syncing: false, last_sync: null });
    expect(status.online).toBe(false);
    expect(status.lastSync).toBe('2026-11-21T13:05:00Z');
    expect(status.user).toEqual(etude);
    fake.emitState({ online: true, syncing: false, last_sync: null });
    expect(status.online).toBe(true);
  });
});

describe('sync on demand', () => {
  beforeEach(async () => {
    await status.start();
  });

  it('applies the report once even though the shell also announces it', async () => {
    let refreshes = 0;
    fake.syncHandler = async () => {
      fake.emitDone(report);
      return report;
    };
    const before = status.dataVersion;
    const result = await status.syncNow();
    await settle();
    refreshes = fake.calls.filter((c) => c.command === 'appStatus').length;
    expect(result).toEqual(report);
    expect(status.dataVersion).toBe(before + 1);
    expect(refreshes).toBe(2);
    expect(status.syncing).toBe(false);
  });

  it('applies the report itself when no event came', async () => {
    fake.syncHandler = async () => report;
    const before = status.dataVersion;
    await status.syncNow();
    expect(status.lastReport).toEqual(report);
    expect(status.dataVersion).toBe(before + 1);
  });

  it('shows the offline state when the server cannot be reached, and the data stays', async () => {
    fake.status.online = false;
    const result = await status.syncNow();
    expect(result).toBeNull();
    expect(status.online).toBe(false);
    expect(status.syncing).toBe(false);
    expect(status.error?.code).toBe('offline');
    expect(status.user).toEqual(etude);
    // Reading what was synced still works offline.
    await expect(fake.procedures()).resolves.toEqual([]);

    fake.emitState({ online: true, syncing: false, last_sync: null });
    expect(status.online).toBe(true);
    expect(status.error).toBeNull();
  });

  it('sends the user back to sign-in when the session expired', async () => {
    fake.failures.syncNow = { code: 'session_expired', message: 'expired' };
    await status.syncNow();
    expect(status.user).toBeNull();
    expect(status.error?.code).toBe('session_expired');
  });

  it('does nothing when nobody is signed in', async () => {
    fake.status.user = null;
    await status.refresh();
    expect(await status.syncNow()).toBeNull();
    expect(fake.calls.some((c) => c.command === 'syncNow')).toBe(false);
  });
});
