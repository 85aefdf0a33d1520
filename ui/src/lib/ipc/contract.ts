// What the desktop shell offers the UI: its commands and its events.

import type {
  ActivateArgs,
  AddDocumentsArgs,
  AppStatus,
  DocumentTarget,
  DocumentView,
  DragState,
  Dropped,
  DocumentSubject,
  DossierDetail,
  DossierSummary,
  Due,
  FieldProblemView,
  NewRequest,
  ReplyArgs,
  RequestSummary,
  RequestOrderView,
  RequestThread,
  RequestTypeInfo,
  Request,
  SendRequestArgs,
  Mandate,
  NewMandate,
  NewPayment,
  Payment,
  PaymentOrderView,
  LoginArgs,
  NaiveDate,
  AppNotification,
  ProcedureDetail,
  ProcedureSummary,
  QueueItem,
  QueueProgress,
  RibView,
  SearchHit,
  Selection,
  Settings,
  StatementView,
  SyncProgress,
  SyncReport,
  SyncState,
  User,
} from '../types';

export const EVENTS = {
  progress: 'sync://progress',
  state: 'sync://state',
  done: 'sync://done',
} as const;

/** The outbox's and the dropped files' events. */
export const FILE_EVENTS = {
  uploadProgress: 'outbox://progress',
  outboxItems: 'outbox://items',
  drag: 'files://drag',
  dropped: 'files://dropped',
} as const;

/** Raised after a sync brought something to tell (an answer, a document, a due date...). */
export const NOTIFY_EVENT = 'notify://new';

export type { ActivateArgs, AddDocumentsArgs, LoginArgs };

export type Unlisten = () => void;

/**
 * One method per shell command (`app_status` is `appStatus`, ...), one `on...` per
 * event. Every promise rejects with a `CommandError` ({code, message}).
 */
export interface Ipc {
  appStatus(): Promise<AppStatus>;
  login(args: LoginArgs): Promise<User>;
  activate(args: ActivateArgs): Promise<User>;
  logout(): Promise<null>;
  syncNow(): Promise<SyncReport>;
  procedures(): Promise<ProcedureSummary[]>;
  procedure(id: number): Promise<ProcedureDetail>;
  dossiers(): Promise<DossierSummary[]>;
  dossier(reference: string): Promise<DossierDetail>;
  search(query: string, limit: number): Promise<SearchHit[]>;
  getSettings(): Promise<Settings>;
  setSettings(settings: Settings): Promise<Settings>;
  /** The statement at `date`; null: today for a dossier, as declared for a claim. */
  statement(subject: DocumentSubject, date: NaiveDate | null): Promise<StatementView>;
  rib(subject: DocumentSubject): Promise<RibView>;
  /**
   * Each `save...` asks the user where to save in the native dialog, writes the PDF
   * there, and answers the path written, or null when the user cancelled.
   */
  saveStatementPdf(subject: DocumentSubject, date: NaiveDate | null): Promise<string | null>;
  saveRibPdf(subject: DocumentSubject): Promise<string | null>;
  saveAttestationPdf(reference: string): Promise<string | null>;
  /**
   * Files are never named by path here: the shell opens its file dialog (or catches a
   * drop, announced by `onFilesDropped`) and answers a selection's id with the names
   * and sizes; `addDocuments` takes that id. Null: the dialog was cancelled.
   */
  pickFiles(): Promise<Selection | null>;
  /** Copies the selection into the outbox (offline too); answers the new items' ids. */
  addDocuments(args: AddDocumentsArgs): Promise<number[]>;
  /** Every outbox item, oldest first, as persisted: the same after a restart. */
  outbox(): Promise<QueueItem[]>;
  /** Starts sending in the background; progress comes as events. */
  sendOutbox(): Promise<null>;
  retryOutboxItem(id: number): Promise<QueueItem>;
  cancelOutboxItem(id: number): Promise<QueueItem>;
  /** The documents of a dossier or a procedure, newest first. */
  documents(of: DocumentTarget): Promise<DocumentView[]>;
  /** The shell opens the document in the system's viewer. */
  openDocument(id: number): Promise<null>;
  /** Saved in the folder the user chooses; the path written, or null when cancelled. */
  saveDocument(id: number): Promise<string | null>;
  /** What is due on a dossier, from the synced store: offline too. */
  due(reference: string): Promise<Due>;
  /** The dossier's payments as synced, newest first. */
  payments(reference: string): Promise<Payment[]>;
  /**
   * A card payment is sent at once (it needs the network) and its hosted page opened in
   * the system browser, never in this window; the others are written to the outbox
   * first and sent exactly once, offline orders when the network returns.
   */
  orderPayment(order: NewPayment): Promise<PaymentOrderView>;
  /** The EPC QR code of a transfer, as SVG markup, made on this computer (offline too). */
  transferQr(payload: string): Promise<string>;
  /** Online only; the password is sent to the server and kept nowhere. */
  createMandate(reference: string, mandate: NewMandate): Promise<Mandate>;
  saveReceipt(paymentId: number): Promise<string | null>;
  saveTransferInstructions(paymentId: number): Promise<string | null>;
  saveMandatePdf(mandateId: number): Promise<string | null>;
  /** Every request type with the fields it asks for. */
  requestTypes(): Promise<RequestTypeInfo[]>;
  /** The problems of a request's fields, checked here (offline too); empty: it holds. */
  checkRequest(request: NewRequest): Promise<FieldProblemView[]>;
  /** Requests of a dossier (null: every dossier), newest first, with their unread answers. */
  requests(reference: string | null): Promise<RequestSummary[]>;
  /** A request's thread as synced; reading it marks its answers read. */
  thread(id: number): Promise<RequestThread>;
  /**
   * Files of the selection go to the documents outbox first; the request follows them,
   * sent exactly once (offline: when the network returns). A request asking for the
   * password (bank details) needs the network. Rejects with `fields` when a field is wrong.
   */
  sendRequest(args: SendRequestArgs): Promise<RequestOrderView>;
  reply(args: ReplyArgs): Promise<RequestOrderView>;
  /** Refers a complaint to the mediator (online); refused before its date, with it. */
  escalate(id: number): Promise<RequestThread>;
  onSyncProgress(handler: (progress: SyncProgress) => void): Promise<Unlisten>;
  onSyncState(handler: (state: SyncState) => void): Promise<Unlisten>;
  onSyncDone(handler: (report: SyncReport) => void): Promise<Unlisten>;
  onUploadProgress(handler: (progress: QueueProgress) => void): Promise<Unlisten>;
  onOutboxItems(handler: (items: QueueItem[]) => void): Promise<Unlisten>;
  onFilesDrag(handler: (state: DragState) => void): Promise<Unlisten>;
  onFilesDropped(handler: (dropped: Dropped) => void): Promise<Unlisten>;
  onNotifications(handler: (notifications: AppNotification[]) => void): Promise<Unlisten>;
}
