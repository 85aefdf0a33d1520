// What the desktop shell offers the UI: its commands and its events.

import type {
  ActivateArgs,
  AppStatus,
  DocumentSubject,
  DossierDetail,
  DossierSummary,
  LoginArgs,
  NaiveDate,
  ProcedureDetail,
  ProcedureSummary,
  RibView,
  SearchHit,
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

export type { ActivateArgs, LoginArgs };

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
  onSyncProgress(handler: (progress: SyncProgress) => void): Promise<Unlisten>;
  onSyncState(handler: (state: SyncState) => void): Promise<Unlisten>;
  onSyncDone(handler: (report: SyncReport) => void): Promise<Unlisten>;
}
