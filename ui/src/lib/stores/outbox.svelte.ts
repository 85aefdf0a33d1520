// The outbox as the queue view and the documents panels show it: read from the shell
// (where it is persisted, so it is the same after a restart), kept current by the
// shell's events, and the files being dragged over the window.

import { isWaiting, queueOrder, sameTarget, withProgress } from '../documents';
import { needsSignIn, toCommandError } from '../errors';
import { listenAll, type Ipc, type Unlisten } from '../ipc';
import type { CommandError, DocumentTarget, Dropped, QueueItem, Selection } from '../types';

export class OutboxStore {
  items = $state.raw<QueueItem[]>([]);
  error = $state<CommandError | null>(null);
  /** Files are being dragged over the window. */
  dragging = $state(false);
  /** Goes up each time an item was delivered: documents lists reload when it changes. */
  deliveredVersion = $state(0);
  /** Whether the queue view is open. */
  open = $state(false);
  /** Files dropped on a dossier's or a procedure's row, for its panel once shown. */
  pending = $state.raw<{ target: DocumentTarget; selection: Selection } | null>(null);
  /** Files were just dropped where nothing takes them. */
  droppedNowhere = $state(false);
  /** Where a drop goes when no documents panel is on screen (set by the app). */
  route: ((dropped: Dropped) => void) | null = null;

  private loaded = false;
  /** Outbox events received: an answer read before the last one is stale. */
  private events = 0;
  private unlisteners: Unlisten[] = [];
  private readonly dropHandlers = new Set<(selection: Selection) => void>();
  private nowhereTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly ipc: Ipc;

  constructor(ipc: Ipc) {
    this.ipc = ipc;
  }

  get ordered(): QueueItem[] {
    return queueOrder(this.items);
  }

  get waiting(): number {
    return this.items.filter(isWaiting).length;
  }

  get failed(): number {
    return this.items.filter((i) => i.state === 'failed').length;
  }

  async start(): Promise<void> {
    this.unlisteners = await listenAll(
      [
        this.ipc.onOutboxItems((items) => {
          this.events += 1;
          this.apply(items);
        }),
        this.ipc.onUploadProgress((p) => {
          this.events += 1;
          this.items = withProgress(this.items, p);
        }),
        this.ipc.onFilesDrag((d) => (this.dragging = d.over)),
        this.ipc.onFilesDropped((d) => this.dropped(d)),
      ],
      (reason) => (this.error = toCommandError(reason)),
    );
    await this.refresh();
  }

  stop(): void {
    for (const unlisten of this.unlisteners) unlisten();
    this.unlisteners = [];
    clearTimeout(this.nowhereTimer);
  }

  async refresh(): Promise<void> {
    const eventsBefore = this.events;
    try {
      const items = await this.ipc.outbox();
      // An event that came meanwhile is newer than this answer, read before it.
      if (this.events !== eventsBefore) return;
      this.apply(items);
      this.error = null;
    } catch (error) {
      const failure = toCommandError(error);
      // Signed out: no outbox to show, and nothing wrong with that.
      if (needsSignIn(failure)) {
        this.items = [];
        this.loaded = false;
        this.error = null;
      } else {
        this.error = failure;
      }
    }
  }

  apply(items: QueueItem[]): void {
    const doneBefore = new Set(this.items.filter((i) => i.state === 'done').map((i) => i.id));
    const delivered = items.some((i) => i.state === 'done' && !doneBefore.has(i.id));
    if (this.loaded && delivered) this.deliveredVersion += 1;
    this.loaded = true;
    this.items = items;
  }

  /** Dropped files go to the documents panel on screen, else where the app routes them. */
  dropped(dropped: Dropped): void {
    this.dragging = false;
    if (this.dropHandlers.size > 0) {
      for (const handler of this.dropHandlers) handler(dropped.selection);
    } else {
      this.route?.(dropped);
    }
  }

  /** Says for a while that the files fell where nothing takes them. */
  nowhere(): void {
    this.droppedNowhere = true;
    clearTimeout(this.nowhereTimer);
    this.nowhereTimer = setTimeout(() => (this.droppedNowhere = false), 6000);
  }

  /** Whether files dropped on a row wait for `target`'s panel. */
  pendingFor(target: DocumentTarget): boolean {
    return this.pending !== null && sameTarget(this.pending.target, target);
  }

  /** The files dropped on `target`'s row, handed over once. */
  takePending(target: DocumentTarget): Selection | null {
    if (!this.pending || !sameTarget(this.pending.target, target)) return null;
    const { selection } = this.pending;
    this.pending = null;
    return selection;
  }

  /** Whoever listens gets the dropped files (the documents panel on screen). */
  onDropped(handler: (selection: Selection) => void): () => void {
    this.dropHandlers.add(handler);
    return () => this.dropHandlers.delete(handler);
  }

  async retry(id: number): Promise<void> {
    await this.act(() => this.ipc.retryOutboxItem(id));
  }

  async cancel(id: number): Promise<void> {
    await this.act(() => this.ipc.cancelOutboxItem(id));
  }

  private async act(run: () => Promise<QueueItem>): Promise<void> {
    try {
      const item = await run();
      this.items = this.items.map((i) => (i.id === item.id ? item : i));
      this.error = null;
    } catch (error) {
      this.error = toCommandError(error);
    }
  }
}
