// The outbox as the queue view and the documents panels show it: read from the shell
// (where it is persisted, so it is the same after a restart), kept current by the
// shell's events, and the files being dragged over the window.

import { isWaiting, queueOrder, withProgress } from '../documents';
import { needsSignIn, toCommandError } from '../errors';
import { listenAll, type Ipc, type Unlisten } from '../ipc';
import type { CommandError, QueueItem, Selection } from '../types';

export class OutboxStore {
  items = $state.raw<QueueItem[]>([]);
  error = $state<CommandError | null>(null);
  /** Files are being dragged over the window. */
  dragging = $state(false);
  /** Goes up each time an item was delivered: documents lists reload when it changes. */
  deliveredVersion = $state(0);
  /** Whether the queue view is open. */
  open = $state(false);

  private loaded = false;
  private unlisteners: Unlisten[] = [];
  private readonly dropHandlers = new Set<(selection: Selection) => void>();
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
        this.ipc.onOutboxItems((items) => this.apply(items)),
        this.ipc.onUploadProgress((p) => (this.items = withProgress(this.items, p))),
        this.ipc.onFilesDrag((d) => (this.dragging = d.over)),
        this.ipc.onFilesDropped((s) => {
          this.dragging = false;
          for (const handler of this.dropHandlers) handler(s);
        }),
      ],
      (reason) => (this.error = toCommandError(reason)),
    );
    await this.refresh();
  }

  stop(): void {
    for (const unlisten of this.unlisteners) unlisten();
    this.unlisteners = [];
  }

  async refresh(): Promise<void> {
    try {
      this.apply(await this.ipc.outbox());
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

  /** Dropped files go to whoever listens (the documents panel on screen). */
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
