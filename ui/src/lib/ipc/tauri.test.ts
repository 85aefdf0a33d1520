import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
const listen = vi.fn();

vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: (...args: unknown[]) => listen(...args) }));

const { TauriIpc, EVENTS, FILE_EVENTS, installIpc, ipc } = await import('./index');
const { DEFAULT_SETTINGS, FakeIpc } = await import('./fake');

beforeEach(() => {
  invoke.mockReset();
  listen.mockReset();
  invoke.mockResolvedValue(null);
});

describe('TauriIpc', () => {
  it('calls each command by its snake_case name with camelCase arguments', async () => {
    const shell = new TauriIpc();
    await shell.appStatus();
    await shell.login({ server: 'http://s', email: 'e@x.fr', password: 'pw' });
    await shell.activate({
      server: 'http://s',
      reference: 'D-1',
      code: 'ABC',
      email: 'e@x.fr',
      password: 'pw',
    });
    await shell.logout();
    await shell.syncNow();
    await shell.procedures();
    await shell.procedure(42);
    await shell.dossiers();
    await shell.dossier('D-2026-000001');
    await shell.search('lyon', 20);
    await shell.getSettings();
    await shell.setSettings(DEFAULT_SETTINGS);
    await shell.statement({ kind: 'dossier', reference: 'D-1' }, '2026-11-21');
    await shell.rib({ kind: 'claim', id: 7 });
    await shell.saveStatementPdf({ kind: 'claim', id: 7 }, null);
    await shell.saveRibPdf({ kind: 'dossier', reference: 'D-1' });
    await shell.saveAttestationPdf('D-1');
    await shell.pickFiles();
    await shell.addDocuments({
      selection: 3,
      attach_to: { kind: 'procedure', id: 5 },
      category: 'other',
      note: 'courrier',
      as_pdf: true,
    });
    await shell.outbox();
    await shell.sendOutbox();
    await shell.retryOutboxItem(4);
    await shell.cancelOutboxItem(4);
    await shell.documents({ kind: 'dossier', reference: 'D-1' });
    await shell.openDocument(9);
    await shell.saveDocument(9);
    expect(invoke.mock.calls).toEqual([
      ['app_status', undefined],
      ['login', { args: { server: 'http://s', email: 'e@x.fr', password: 'pw' } }],
      [
        'activate',
        { args: { server: 'http://s', reference: 'D-1', code: 'ABC', email: 'e@x.fr', password: 'pw' } },
      ],
      ['logout', undefined],
      ['sync_now', undefined],
      ['procedures', undefined],
      ['procedure', { id: 42 }],
      ['dossiers', undefined],
      ['dossier', { reference: 'D-2026-000001' }],
      ['search', { query: 'lyon', limit: 20 }],
      ['get_settings', undefined],
      ['set_settings', { settings: DEFAULT_SETTINGS }],
      ['statement', { subject: { kind: 'dossier', reference: 'D-1' }, date: '2026-11-21' }],
      ['rib', { subject: { kind: 'claim', id: 7 } }],
      ['save_statement_pdf', { subject: { kind: 'claim', id: 7 }, date: null }],
      ['save_rib_pdf', { subject: { kind: 'dossier', reference: 'D-1' } }],
      ['save_attestation_pdf', { reference: 'D-1' }],
      ['pick_files', undefined],
      [
        'add_documents',
        {
          args: {
            selection: 3,
            attach_to: { kind: 'procedure', id: 5 },
            category: 'other',
            note: 'courrier',
            as_pdf: true,
          },
        },
      ],
      ['outbox', undefined],
      ['send_outbox', undefined],
      ['retry_outbox_item', { id: 4 }],
      ['cancel_outbox_item', { id: 4 }],
      ['documents', { of: { kind: 'dossier', reference: 'D-1' } }],
      ['open_document', { id: 9 }],
      ['save_document', { id: 9 }],
    ]);
  });

  it('rejects with {code, message} whatever the shell threw', async () => {
    const shell = new TauriIpc();
    invoke.mockRejectedValueOnce({ code: 'offline', message: 'connection refused' });
    await expect(shell.syncNow()).rejects.toEqual({ code: 'offline', message: 'connection refused' });
    invoke.mockRejectedValueOnce('command sync_now not found');
    await expect(shell.syncNow()).rejects.toEqual({ code: 'unknown', message: 'command sync_now not found' });
  });

  it('listens to the three sync events and hands over their payloads', async () => {
    const unlisten = vi.fn();
    listen.mockResolvedValue(unlisten);
    const shell = new TauriIpc();
    const progress = vi.fn();
    const state = vi.fn();
    const done = vi.fn();
    const stops = [
      await shell.onSyncProgress(progress),
      await shell.onSyncState(state),
      await shell.onSyncDone(done),
    ];
    expect(listen.mock.calls.map((c) => c[0])).toEqual(['sync://progress', 'sync://state', 'sync://done']);
    expect(Object.values(EVENTS)).toEqual(['sync://progress', 'sync://state', 'sync://done']);

    const deliver = (index: number, payload: unknown) =>
      (listen.mock.calls[index]?.[1] as (e: { payload: unknown }) => void)({ payload });
    deliver(0, { pages: 1, applied: 3, more: true });
    deliver(1, { online: false, syncing: false, last_sync: null });
    deliver(2, { applied: 3, procedures: 1, claims: 2, dossiers: 0, installments: 0, duration_ms: 5 });
    expect(progress).toHaveBeenCalledWith({ pages: 1, applied: 3, more: true });
    expect(state).toHaveBeenCalledWith({ online: false, syncing: false, last_sync: null });
    expect(done).toHaveBeenCalledWith(expect.objectContaining({ applied: 3 }));

    for (const stop of stops) stop();
    expect(unlisten).toHaveBeenCalledTimes(3);
  });

  it('listens to the outbox and the dropped files, never given a path', async () => {
    listen.mockResolvedValue(vi.fn());
    const shell = new TauriIpc();
    const dropped = vi.fn();
    await shell.onUploadProgress(vi.fn());
    await shell.onOutboxItems(vi.fn());
    await shell.onFilesDrag(vi.fn());
    await shell.onFilesDropped(dropped);
    expect(listen.mock.calls.map((c) => c[0])).toEqual(Object.values(FILE_EVENTS));
    expect(Object.values(FILE_EVENTS)).toEqual([
      'outbox://progress',
      'outbox://items',
      'files://drag',
      'files://dropped',
    ]);
    const payload = { selection: { id: 1, files: [{ name: 'a.pdf', size: 3 }] }, x: 10, y: 20 };
    (listen.mock.calls[3]?.[1] as (e: { payload: unknown }) => void)({ payload });
    expect(dropped).toHaveBeenCalledWith(payload);
  });
});

describe('installIpc', () => {
  it('puts a fake behind ipc() for tests', async () => {
    const fake = new FakeIpc();
    installIpc(fake);
    expect(ipc()).toBe(fake);
    await ipc().appStatus();
    expect(fake.calls).toEqual([{ command: 'appStatus' }]);
    expect(invoke).not.toHaveBeenCalled();
  });
});
