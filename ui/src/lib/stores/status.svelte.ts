// What the status bar and the screens know about the connection, the session and the
// sync, kept current by the shell's events.

import { needsSignIn, toCommandError } from '../errors';
import { listenAll, type Ipc, type Unlisten } from '../ipc';
import type {
  AppStatus,
  CommandError,
  LocalCounts,
  SyncProgress,
  SyncReport,
  SyncState,
  User,
} from '../types';

export class StatusStore {
  /** False until the first `app_status` answered (or failed). */
  loaded = $state(false);
  online = $state(true);
  serverUrl = $state('');
  user = $state<User | null>(null);
  lastSync = $state<string | null>(null);
  syncing = $state(false);
  pendingOutbox = $state(0);
  counts = $state<LocalCounts>({
    procedures: 0,
    claims: 0,
    dossiers: 0,
    installments: 0,
    documents: 0,
    payments: 0,
    requests: 0,
    messages: 0,
  });
  /** Progress of the sync under way, null when none is. */
  progress = $state<SyncProgress | null>(null);
  lastReport = $state<SyncReport | null>(null);
  /** The last failure of a sync or of loading the status, shown until the next success. */
  error = $state<CommandError | null>(null);
  /** Goes up each time a sync brought data: screens reload when it changes. */
  dataVersion = $state(0);

  private unlisteners: Unlisten[] = [];
  private doneEvents = 0;
  private readonly ipc: Ipc;

  constructor(ipc: Ipc) {
    this.ipc = ipc;
  }

  /** Subscribes to the shell's events, then reads the current status. */
  async start(): Promise<void> {
    this.unlisteners = await listenAll(
      [
        this.ipc.onSyncState((s) => this.applyState(s)),
        this.ipc.onSyncProgress((p) => this.applyProgress(p)),
        this.ipc.onSyncDone((r) => this.applyDone(r)),
      ],
      (reason) => this.fail(toCommandError(reason)),
    );
    await this.refresh();
  }

  stop(): void {
    for (const unlisten of this.unlisteners) unlisten();
    this.unlisteners = [];
  }

  async refresh(): Promise<void> {
    try {
      this.apply(await this.ipc.appStatus());
    } catch (error) {
      this.fail(toCommandError(error));
    } finally {
      this.loaded = true;
    }
  }

  apply(status: AppStatus): void {
    this.online = status.online;
    this.serverUrl = status.server_url;
    this.user = status.user;
    this.lastSync = status.last_sync;
    this.syncing = status.syncing;
    if (!status.syncing) this.progress = null;
    this.pendingOutbox = status.pending_outbox;
    this.counts = status.counts;
  }

  applyState(state: SyncState): void {
    this.online = state.online;
    this.syncing = state.syncing;
    if (state.last_sync !== null) this.lastSync = state.last_sync;
    if (!state.syncing) this.progress = null;
    if (state.online && this.error?.code === 'offline') this.error = null;
  }

  applyProgress(progress: SyncProgress): void {
    this.syncing = true;
    this.progress = progress;
  }

  applyDone(report: SyncReport): void {
    this.doneEvents += 1;
    this.syncing = false;
    this.progress = null;
    this.lastReport = report;
    this.error = null;
    if (report.applied > 0) this.dataVersion += 1;
    // Counts and the outbox changed with the sync; a failure here is reported by refresh.
    void this.refresh();
  }

  /** Records a failed command: an `offline` one means the shell lost the server. */
  fail(error: CommandError): void {
    this.error = error;
    if (error.code === 'offline') this.online = false;
    if (needsSignIn(error)) this.user = null;
  }

  async syncNow(): Promise<SyncReport | null> {
    if (!this.user) return null;
    this.syncing = true;
    this.error = null;
    const doneBefore = this.doneEvents;
    try {
      const report = await this.ipc.syncNow();
      this.online = true;
      // The shell announces the same report as sync://done; apply it once.
      if (this.doneEvents === doneBefore) this.applyDone(report);
      return report;
    } catch (error) {
      this.syncing = false;
      this.progress = null;
      this.fail(toCommandError(error));
      return null;
    }
  }

  signedIn(user: User): void {
    this.user = user;
    this.error = null;
    this.dataVersion += 1;
  }

  signedOut(): void {
    this.user = null;
    this.lastReport = null;
    this.progress = null;
  }
}
