import { invoke } from '@tauri-apps/api/core';
import { listen, type EventCallback } from '@tauri-apps/api/event';

import { toCommandError } from '../errors';
import type {
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
  AppNotification,
  ReplyArgs,
  Request,
  RequestSummary,
  RequestOrderView,
  RequestThread,
  RequestTypeInfo,
  SendRequestArgs,
  Mandate,
  NaiveDate,
  NewMandate,
  NewPayment,
  Payment,
  PaymentOrderView,
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
import {
  EVENTS,
  FILE_EVENTS,
  NOTIFY_EVENT,
  type ActivateArgs,
  type Ipc,
  type LoginArgs,
  type Unlisten,
} from './contract';

/** Tauri turns the camelCase keys of `args` into the command's snake_case parameters. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toCommandError(error);
  }
}

function on<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
  const callback: EventCallback<T> = (e) => handler(e.payload);
  return listen<T>(event, callback);
}

export class TauriIpc implements Ipc {
  appStatus(): Promise<AppStatus> {
    return call('app_status');
  }
  login(args: LoginArgs): Promise<User> {
    return call('login', { args });
  }
  activate(args: ActivateArgs): Promise<User> {
    return call('activate', { args });
  }
  logout(): Promise<null> {
    return call('logout');
  }
  syncNow(): Promise<SyncReport> {
    return call('sync_now');
  }
  procedures(): Promise<ProcedureSummary[]> {
    return call('procedures');
  }
  procedure(id: number): Promise<ProcedureDetail> {
    return call('procedure', { id });
  }
  dossiers(): Promise<DossierSummary[]> {
    return call('dossiers');
  }
  dossier(reference: string): Promise<DossierDetail> {
    return call('dossier', { reference });
  }
  search(query: string, limit: number): Promise<SearchHit[]> {
    return call('search', { query, limit });
  }
  getSettings(): Promise<Settings> {
    return call('get_settings');
  }
  setSettings(settings: Settings): Promise<Settings> {
    return call('set_settings', { settings });
  }
  statement(subject: DocumentSubject, date: NaiveDate | null): Promise<StatementView> {
    return call('statement', { subject, date });
  }
  rib(subject: DocumentSubject): Promise<RibView> {
    return call('rib', { subject });
  }
  saveStatementPdf(subject: DocumentSubject, date: NaiveDate | null): Promise<string | null> {
    return call('save_statement_pdf', { subject, date });
  }
  saveRibPdf(subject: DocumentSubject): Promise<string | null> {
    return call('save_rib_pdf', { subject });
  }
  saveAttestationPdf(reference: string): Promise<string | null> {
    return call('save_attestation_pdf', { reference });
  }
  pickFiles(): Promise<Selection | null> {
    return call('pick_files');
  }
  addDocuments(args: AddDocumentsArgs): Promise<number[]> {
    return call('add_documents', { args });
  }
  outbox(): Promise<QueueItem[]> {
    return call('outbox');
  }
  sendOutbox(): Promise<null> {
    return call('send_outbox');
  }
  retryOutboxItem(id: number): Promise<QueueItem> {
    return call('retry_outbox_item', { id });
  }
  cancelOutboxItem(id: number): Promise<QueueItem> {
    return call('cancel_outbox_item', { id });
  }
  documents(of: DocumentTarget): Promise<DocumentView[]> {
    return call('documents', { of });
  }
  openDocument(id: number): Promise<null> {
    return call('open_document', { id });
  }
  saveDocument(id: number): Promise<string | null> {
    return call('save_document', { id });
  }
  due(reference: string): Promise<Due> {
    return call('due', { reference });
  }
  payments(reference: string): Promise<Payment[]> {
    return call('payments', { reference });
  }
  orderPayment(order: NewPayment): Promise<PaymentOrderView> {
    return call('order_payment', { order });
  }
  transferQr(payload: string): Promise<string> {
    return call('transfer_qr', { payload });
  }
  createMandate(reference: string, mandate: NewMandate): Promise<Mandate> {
    return call('create_mandate', { reference, mandate });
  }
  saveReceipt(paymentId: number): Promise<string | null> {
    return call('save_receipt', { paymentId });
  }
  saveTransferInstructions(paymentId: number): Promise<string | null> {
    return call('save_transfer_instructions', { paymentId });
  }
  saveMandatePdf(mandateId: number): Promise<string | null> {
    return call('save_mandate_pdf', { mandateId });
  }
  requestTypes(): Promise<RequestTypeInfo[]> {
    return call('request_types');
  }
  checkRequest(request: NewRequest): Promise<FieldProblemView[]> {
    return call('check_request', { request });
  }
  requests(reference: string | null): Promise<RequestSummary[]> {
    return call('requests', { reference });
  }
  thread(id: number): Promise<RequestThread> {
    return call('thread', { id });
  }
  sendRequest(args: SendRequestArgs): Promise<RequestOrderView> {
    return call('send_request', { args });
  }
  reply(args: ReplyArgs): Promise<RequestOrderView> {
    return call('reply', { args });
  }
  escalate(id: number): Promise<RequestThread> {
    return call('escalate', { id });
  }
  onNotifications(handler: (notifications: AppNotification[]) => void): Promise<Unlisten> {
    return on(NOTIFY_EVENT, handler);
  }
  onSyncProgress(handler: (progress: SyncProgress) => void): Promise<Unlisten> {
    return on(EVENTS.progress, handler);
  }
  onSyncState(handler: (state: SyncState) => void): Promise<Unlisten> {
    return on(EVENTS.state, handler);
  }
  onSyncDone(handler: (report: SyncReport) => void): Promise<Unlisten> {
    return on(EVENTS.done, handler);
  }
  onUploadProgress(handler: (progress: QueueProgress) => void): Promise<Unlisten> {
    return on(FILE_EVENTS.uploadProgress, handler);
  }
  onOutboxItems(handler: (items: QueueItem[]) => void): Promise<Unlisten> {
    return on(FILE_EVENTS.outboxItems, handler);
  }
  onFilesDrag(handler: (state: DragState) => void): Promise<Unlisten> {
    return on(FILE_EVENTS.drag, handler);
  }
  onFilesDropped(handler: (dropped: Dropped) => void): Promise<Unlisten> {
    return on(FILE_EVENTS.dropped, handler);
  }
}
