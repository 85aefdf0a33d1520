// An `Ipc` that answers from memory, for tests and for previewing the UI in a plain
// browser. It keeps the shell's contract: rejections are `CommandError`s, events are
// delivered to every listener.

import { centsToMoney, groupByFour, localToday, parseCents, sumMoney } from '../format';
import type {
  AddDocumentsArgs,
  AppStatus,
  DocumentTarget,
  Claim,
  CommandError,
  DocumentSubject,
  DocumentView,
  DragState,
  Dropped,
  Dossier,
  DossierDetail,
  Explanation,
  AppNotification,
  DossierSummary,
  Due,
  FieldProblemView,
  Message,
  NewRequest,
  ReplyArgs,
  Request,
  RequestOrderView,
  RequestSummary,
  RequestThread,
  RequestTypeInfo,
  SendRequestArgs,
  Installment,
  Mandate,
  NewMandate,
  NewPayment,
  Payment,
  PaymentInstructions,
  PaymentOrderView,
  Money,
  NaiveDate,
  Procedure,
  ProcedureDetail,
  ProcedureSummary,
  QueueItem,
  QueueProgress,
  RibView,
  SearchHit,
  SelectedFile,
  Selection,
  Settings,
  Statement,
  StatementView,
  SyncProgress,
  SyncReport,
  SyncState,
  User,
} from '../types';
import type { ActivateArgs, Ipc, LoginArgs, Unlisten } from './contract';
import type { FieldKind } from '../types';

export interface FakeAccount {
  password: string;
  user: User;
}

export interface FakeData {
  procedures: Procedure[];
  claims: Claim[];
  dossiers: Dossier[];
  installments: Installment[];
}

export type CommandName = Exclude<keyof Ipc, `on${string}`>;

export const DEFAULT_SETTINGS: Settings = {
  server_url: 'http://127.0.0.1:8620',
  language: 'fr',
  sync_interval_minutes: 15,
  notifications: {
    new_answer: true,
    new_document: true,
    installment_due: true,
    claim_decision: true,
    procedure_deadline: true,
  },
};

export function emptyStatus(): AppStatus {
  return {
    online: true,
    server_url: DEFAULT_SETTINGS.server_url,
    user: null,
    last_sync: null,
    syncing: false,
    pending_outbox: 0,
    counts: {
      procedures: 0,
      claims: 0,
      dossiers: 0,
      installments: 0,
      documents: 0,
      payments: 0,
      requests: 0,
      messages: 0,
    },
  };
}

/** The explanation of a line that has no rate: its rule and a sentence. */
function explained(rule: string, text: string): Explanation {
  return { basis: null, rate: null, from: null, to: null, days: null, rule, text };
}

/**
 * A small statement of `balance` at `asOf`: principal, legal interest, a payment, each
 * line explained. Made up for tests and the preview; the real ones come from the server.
 */
export function sampleStatement(balance: Money, asOf: NaiveDate): Statement {
  const total = parseCents(balance) ?? 0n;
  const interest = total > 0n ? total / 50n : 0n;
  const payment = total > 0n ? total / 10n : 0n;
  const principal = total - interest + payment;
  const money = centsToMoney;
  const lines: Statement['lines'] = [
    {
      date: '2025-01-15',
      kind: 'principal',
      label: 'Facture n° 2025-014',
      amount: money(principal),
      balance: money(principal),
      explanation: explained('C. civ. 1103', 'Facture échue le 15/01/2025, non réglée.'),
    },
    {
      date: asOf,
      kind: 'legal_interest',
      label: 'Intérêts au taux légal',
      amount: money(interest),
      balance: money(principal + interest),
      explanation: {
        basis: money(principal),
        rate: '6.65',
        from: '2025-01-15',
        to: asOf,
        days: 120,
        rule: 'C. mon. fin. L313-2',
        text: `${money(principal)} € × 6,65 % × 120 / 365`,
      },
    },
    {
      date: '2025-06-30',
      kind: 'payment',
      label: 'Règlement reçu',
      amount: money(-payment),
      balance: money(total),
      explanation: explained('C. civ. 1343-1', 'Imputé sur les intérêts, puis sur le principal.'),
    },
  ];
  return {
    as_of: asOf,
    declared_claim: false,
    judgment_date: null,
    lines: total === 0n ? [] : lines,
    breakdown: {
      principal: money(total - interest),
      interest: money(interest),
      penalties: '0.00',
      fees: '0.00',
      to_fall_due: '0.00',
      credit: '0.00',
    },
    total: money(total),
    to_fall_due: [],
    running_interest: null,
    notes: [],
    provisional: false,
  };
}

/** An outbox item of 1000 bytes waiting for dossier D-1, changed by `patch`. */
export function sampleQueueItem(id: number, patch: Partial<QueueItem> = {}): QueueItem {
  return {
    id,
    attach_to: { kind: 'dossier', reference: 'D-1' },
    category: 'proof_of_payment',
    note: null,
    file_name: `file-${id}.pdf`,
    size: 1000,
    sent: 0,
    percent: 0,
    state: 'pending',
    error: null,
    attempts: 0,
    created_at: '2026-11-21T10:00:00Z',
    document_id: null,
    kind: 'document',
    ...patch,
  };
}

/** A document of the fake server, with what it is attached to. */
export interface FakeDocument {
  attached_to: DocumentTarget;
  document: DocumentView;
}

function sameTarget(a: DocumentTarget, b: DocumentTarget): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type FileListeners = {
  upload: Set<(p: QueueProgress) => void>;
  items: Set<(items: QueueItem[]) => void>;
  drag: Set<(d: DragState) => void>;
  dropped: Set<(d: Dropped) => void>;
};

type Listeners = {
  progress: Set<(p: SyncProgress) => void>;
  state: Set<(s: SyncState) => void>;
  done: Set<(r: SyncReport) => void>;
};

/** A copy through JSON, as values cross to and from the real shell. */
function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export class FakeIpc implements Ipc {
  status: AppStatus = emptyStatus();
  settings: Settings = clone(DEFAULT_SETTINGS);
  data: FakeData = { procedures: [], claims: [], dossiers: [], installments: [] };
  accounts: FakeAccount[] = [];
  /** Every command called, in order, with its arguments. */
  calls: { command: CommandName; args?: unknown }[] = [];
  /** A command listed here rejects with that error until it is removed. */
  failures: Partial<Record<CommandName, CommandError>> = {};
  /** Replaces the built-in search, e.g. to control when an answer arrives. */
  searchHandler: ((query: string, limit: number) => Promise<SearchHit[]>) | null = null;
  /** Replaces the built-in sync, which answers at once with an empty report. */
  syncHandler: (() => Promise<SyncReport>) | null = null;
  /** Replaces the built-in statement, made from the dossier's balance. */
  statementHandler: ((subject: DocumentSubject, date: NaiveDate | null) => StatementView) | null = null;
  /** Where the save commands put files: answered as the path, or null (cancelled). */
  saveFolder: string | null = '/home/demo/Documents';
  /** The file names saved, in order. */
  saved: string[] = [];
  /** The documents on the fake server. */
  documentsData: FakeDocument[] = [];
  /** The outbox, as persisted by the shell. */
  queue: QueueItem[] = [];
  /** What the file dialog answers: these files, or null (cancelled). */
  pickAnswer: SelectedFile[] | null = [{ name: 'releve.pdf', size: 48_213 }];
  /** Files picked or dropped and not added yet, by selection id. */
  selections = new Map<number, SelectedFile[]>();
  /** Documents opened in the system viewer, in order. */
  opened: number[] = [];
  /** Requests and messages as synced. */
  requestsData: Request[] = [];
  messagesData: Message[] = [];
  /** Message ids read on this machine. */
  readMessages = new Set<number>();
  private notificationListeners = new Set<(n: AppNotification[]) => void>();
  /** The payments on the fake server, and the orders queued offline. */
  paymentsData: Payment[] = [];
  /** Pages opened in the system browser, in order. */
  browsed: string[] = [];
  mandatesData: Mandate[] = [];
  private lastPayment = 5000;
  /** Sends what is added at once when online (the demo); tests call `deliver()` themselves. */
  autoSend = false;
  private lastSelection = 0;
  private lastItem = 0;
  private lastDocument = 1000;
  private readonly fileListeners: FileListeners = {
    upload: new Set(),
    items: new Set(),
    drag: new Set(),
    dropped: new Set(),
  };

  private readonly listeners: Listeners = {
    progress: new Set(),
    state: new Set(),
    done: new Set(),
  };

  constructor(init?: Partial<Pick<FakeIpc, 'status' | 'settings' | 'data' | 'accounts'>>) {
    Object.assign(this, init);
  }

  private async answer<T>(command: CommandName, args: unknown, produce: () => T | Promise<T>): Promise<T> {
    this.calls.push(args === undefined ? { command } : { command, args });
    const failure = this.failures[command];
    if (failure) throw clone(failure);
    return clone(await produce());
  }

  private requireUser(): User {
    if (!this.status.user) throw { code: 'not_logged_in', message: 'not logged in' } satisfies CommandError;
    return this.status.user;
  }

  emitProgress(progress: SyncProgress): void {
    for (const handler of this.listeners.progress) handler(clone(progress));
  }

  emitState(state: SyncState): void {
    for (const handler of this.listeners.state) handler(clone(state));
  }

  emitDone(report: SyncReport): void {
    for (const handler of this.listeners.done) handler(clone(report));
  }

  /** Listeners of the sync events. */
  listenerCount(): number {
    return this.listeners.progress.size + this.listeners.state.size + this.listeners.done.size;
  }

  appStatus(): Promise<AppStatus> {
    return this.answer('appStatus', undefined, () => ({
      ...this.status,
      counts: {
        procedures: this.data.procedures.length,
        claims: this.data.claims.length,
        dossiers: this.data.dossiers.length,
        installments: this.data.installments.length,
        documents: 0,
        payments: this.paymentsData.length,
        requests: this.requestsData.length,
        messages: this.messagesData.length,
      },
    }));
  }

  login(args: LoginArgs): Promise<User> {
    return this.answer('login', { ...args, password: '***' }, () => {
      const account = this.accounts.find((a) => a.user.email === args.email && a.password === args.password);
      if (!account)
        throw { code: 'invalid_credentials', message: 'wrong e-mail or password' } satisfies CommandError;
      this.status.user = account.user;
      this.status.server_url = args.server;
      return account.user;
    });
  }

  activate(args: ActivateArgs): Promise<User> {
    return this.answer('activate', { ...args, password: '***', code: '***' }, () => {
      const account = this.accounts.find((a) => a.user.email === args.email);
      if (!account) throw { code: 'activation_invalid', message: 'bad code' } satisfies CommandError;
      account.password = args.password;
      this.status.user = account.user;
      this.status.server_url = args.server;
      return account.user;
    });
  }

  logout(): Promise<null> {
    return this.answer('logout', undefined, () => {
      this.status.user = null;
      return null;
    });
  }

  syncNow(): Promise<SyncReport> {
    return this.answer('syncNow', undefined, async () => {
      this.requireUser();
      if (this.syncHandler) return this.syncHandler();
      if (!this.status.online)
        throw { code: 'offline', message: 'server unreachable' } satisfies CommandError;
      const report: SyncReport = {
        applied: 0,
        procedures: 0,
        claims: 0,
        dossiers: 0,
        installments: 0,
        duration_ms: 1,
      };
      this.status.last_sync = new Date().toISOString();
      this.emitState({ online: true, syncing: false, last_sync: this.status.last_sync });
      this.emitDone(report);
      return report;
    });
  }

  procedures(): Promise<ProcedureSummary[]> {
    return this.answer('procedures', undefined, () => {
      this.requireUser();
      const byProcedure = new Map<number, Claim[]>();
      for (const claim of this.data.claims) {
        const list = byProcedure.get(claim.procedure_id) ?? [];
        list.push(claim);
        byProcedure.set(claim.procedure_id, list);
      }
      return this.data.procedures.map((procedure) => {
        const claims = byProcedure.get(procedure.id) ?? [];
        return {
          procedure,
          claims_count: claims.length,
          declared_total: sumMoney(claims.map((c) => c.declared.total)),
          admitted_total: sumMoney(claims.map((c) => c.admitted_amount ?? '0.00')),
          next_deadline: procedure.declaration_deadline,
        };
      });
    });
  }

  procedure(id: number): Promise<ProcedureDetail> {
    return this.answer('procedure', { id }, () => {
      this.requireUser();
      const procedure = this.data.procedures.find((p) => p.id === id);
      if (!procedure) throw { code: 'not_found', message: `no procedure ${id}` } satisfies CommandError;
      return { procedure, claims: this.data.claims.filter((c) => c.procedure_id === id) };
    });
  }

  dossiers(): Promise<DossierSummary[]> {
    return this.answer('dossiers', undefined, () => {
      this.requireUser();
      return this.data.dossiers.map((dossier) => ({
        dossier,
        next_installment:
          this.data.installments
            .filter((i) => i.dossier_reference === dossier.reference && i.status !== 'paid')
            .sort((a, b) => a.due_date.localeCompare(b.due_date))[0] ?? null,
      }));
    });
  }

  dossier(reference: string): Promise<DossierDetail> {
    return this.answer('dossier', { reference }, () => {
      this.requireUser();
      const dossier = this.data.dossiers.find((d) => d.reference === reference);
      if (!dossier) throw { code: 'not_found', message: `no dossier ${reference}` } satisfies CommandError;
      return {
        dossier,
        installments: this.data.installments.filter((i) => i.dossier_reference === reference),
        claims: this.data.claims.filter((c) => c.dossier_reference === reference),
      };
    });
  }

  search(query: string, limit: number): Promise<SearchHit[]> {
    return this.answer('search', { query, limit }, () => {
      if (this.searchHandler) return this.searchHandler(query, limit);
      this.requireUser();
      return this.searchData(query, limit);
    });
  }

  private searchData(query: string, limit: number): SearchHit[] {
    const needle = query.trim().toLowerCase().replace(/\s+/g, ' ');
    const compact = needle.replace(/ /g, '');
    const hits: SearchHit[] = [];
    const matches = (...fields: string[]) =>
      fields.some(
        (f) => f.toLowerCase().includes(needle) || (compact.length > 0 && f.replace(/ /g, '') === compact),
      );
    for (const p of this.data.procedures) {
      if (hits.length >= limit) return hits;
      if (matches(p.debtor.name, p.debtor.siren, p.tribunal))
        hits.push({
          kind: 'procedure',
          id: p.id,
          reference: null,
          procedure_id: p.id,
          title: p.debtor.name,
          subtitle: `SIREN ${p.debtor.siren} · ${p.tribunal}`,
        });
    }
    for (const d of this.data.dossiers) {
      if (hits.length >= limit) return hits;
      if (matches(d.reference, d.debtor.name, d.debtor.siren))
        hits.push({
          kind: 'dossier',
          id: d.id,
          reference: d.reference,
          procedure_id: d.procedure_id,
          title: d.reference,
          subtitle: d.debtor.name,
        });
    }
    for (const c of this.data.claims) {
      if (hits.length >= limit) return hits;
      if (matches(c.dossier_reference, c.creditor))
        hits.push({
          kind: 'claim',
          id: c.id,
          reference: c.dossier_reference,
          procedure_id: c.procedure_id,
          title: c.dossier_reference,
          subtitle: c.creditor,
        });
    }
    return hits;
  }

  getSettings(): Promise<Settings> {
    return this.answer('getSettings', undefined, () => this.settings);
  }

  setSettings(settings: Settings): Promise<Settings> {
    return this.answer('setSettings', { settings }, () => {
      this.settings = clone(settings);
      this.status.server_url = settings.server_url;
      return this.settings;
    });
  }

  private dossierOf(subject: DocumentSubject): Dossier {
    const reference =
      subject.kind === 'dossier'
        ? subject.reference
        : this.data.claims.find((c) => c.id === subject.id)?.dossier_reference;
    const dossier = this.data.dossiers.find((d) => d.reference === reference);
    if (dossier) return dossier;
    const claim = subject.kind === 'claim' ? this.data.claims.find((c) => c.id === subject.id) : undefined;
    if (!claim) throw { code: 'not_found', message: 'no such dossier or claim' } satisfies CommandError;
    // A claim without a dossier of this user's: enough of one for its documents.
    return {
      reference: claim.dossier_reference,
      balance: claim.declared.total,
      rib: {
        dossier_reference: claim.dossier_reference,
        holder: claim.servicing_entity,
        iban: 'FR7630006000011234567890189',
        bic: 'AGRIFRPP',
        bank_name: 'Crédit Agricole',
        rf_reference: 'RF18539007547034',
      },
    } as Dossier;
  }

  private save(filename: string): string | null {
    if (this.saveFolder === null) return null;
    this.saved.push(filename);
    return `${this.saveFolder}/${filename}`;
  }

  statement(subject: DocumentSubject, date: NaiveDate | null): Promise<StatementView> {
    return this.answer('statement', { subject, date }, () => {
      this.requireUser();
      if (this.statementHandler) return this.statementHandler(subject, date);
      const dossier = this.dossierOf(subject);
      return {
        statement: sampleStatement(dossier.balance, date ?? localToday()),
        origin: this.status.online ? 'server' : 'provisional',
        produced_at: new Date().toISOString(),
      } satisfies StatementView;
    });
  }

  rib(subject: DocumentSubject): Promise<RibView> {
    return this.answer('rib', { subject }, () => {
      this.requireUser();
      const { rib } = this.dossierOf(subject);
      return {
        rib,
        iban_grouped: groupByFour(rib.iban),
        rf_grouped: groupByFour(rib.rf_reference),
        origin: this.status.online ? 'server' : 'cache',
        produced_at: new Date().toISOString(),
      } satisfies RibView;
    });
  }

  saveStatementPdf(subject: DocumentSubject, date: NaiveDate | null): Promise<string | null> {
    return this.answer('saveStatementPdf', { subject, date }, () => {
      this.requireUser();
      const { reference } = this.dossierOf(subject);
      return this.save(`decompte-${reference}-${date ?? localToday()}.pdf`);
    });
  }

  saveRibPdf(subject: DocumentSubject): Promise<string | null> {
    return this.answer('saveRibPdf', { subject }, () => {
      this.requireUser();
      return this.save(`rib-${this.dossierOf(subject).reference}.pdf`);
    });
  }

  saveAttestationPdf(reference: string): Promise<string | null> {
    return this.answer('saveAttestationPdf', { reference }, () => {
      this.requireUser();
      const dossier = this.dossierOf({ kind: 'dossier', reference });
      if (parseCents(dossier.balance) !== 0n)
        throw { code: 'balance_not_zero', message: 'the balance is not zero' } satisfies CommandError;
      return this.save(`attestation-solde-${reference}.pdf`);
    });
  }

  private select(files: SelectedFile[]): Selection {
    this.lastSelection += 1;
    this.selections.set(this.lastSelection, clone(files));
    return { id: this.lastSelection, files: clone(files) };
  }

  /** Files dropped on the window at (x, y), as the shell announces them. */
  dropFiles(files: SelectedFile[], x = 0, y = 0): Selection {
    const selection = this.select(files);
    for (const handler of this.fileListeners.drag) handler({ over: false });
    for (const handler of this.fileListeners.dropped) handler(clone({ selection, x, y }));
    return selection;
  }

  emitDrag(over: boolean): void {
    for (const handler of this.fileListeners.drag) handler({ over });
  }

  emitUpload(progress: QueueProgress): void {
    for (const handler of this.fileListeners.upload) handler(clone(progress));
  }

  emitQueue(): void {
    for (const handler of this.fileListeners.items) handler(clone(this.queue));
  }

  /** Sends every waiting item: each becomes a document of its dossier or procedure. */
  deliver(): void {
    const user = this.requireUser();
    for (const item of this.queue) {
      if (item.state !== 'pending' && item.state !== 'uploading' && item.state !== 'creating') continue;
      this.emitUpload({ item_id: item.id, sent: Math.floor(item.size / 2), size: item.size });
      this.lastDocument += 1;
      item.state = 'done';
      item.sent = item.size;
      item.percent = 100;
      item.error = null;
      item.attempts += 1;
      item.document_id = this.lastDocument;
      this.documentsData.push({
        attached_to: clone(item.attach_to),
        document: {
          id: this.lastDocument,
          category: item.category,
          note: item.note,
          file_name: item.file_name,
          content_type: item.file_name.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream',
          size: item.size,
          origin: user.role === 'admin' ? 'agency' : 'customer',
          created_at: new Date().toISOString(),
        },
      });
    }
    this.emitQueue();
  }

  pickFiles(): Promise<Selection | null> {
    return this.answer('pickFiles', undefined, () => (this.pickAnswer ? this.select(this.pickAnswer) : null));
  }

  addDocuments(args: AddDocumentsArgs): Promise<number[]> {
    return this.answer('addDocuments', args, () => {
      this.requireUser();
      const files = this.selections.get(args.selection);
      if (!files)
        throw { code: 'not_found', message: `no selection ${args.selection}` } satisfies CommandError;
      if (args.category === 'other' && !args.note?.trim())
        throw { code: 'io', message: 'a document of category `other` needs a note' } satisfies CommandError;
      const first = files[0];
      const added =
        args.as_pdf && first
          ? [
              {
                name: first.name.replace(/\.[^.]*$/, '') + '.pdf',
                size: files.reduce((n, f) => n + f.size, 0),
              },
            ]
          : files;
      const ids = added.map((file) => {
        this.lastItem += 1;
        this.queue.push({
          id: this.lastItem,
          attach_to: clone(args.attach_to),
          category: args.category,
          note: args.note,
          file_name: file.name,
          size: file.size,
          sent: 0,
          percent: 0,
          state: 'pending',
          error: null,
          attempts: 0,
          created_at: new Date().toISOString(),
          document_id: null,
          kind: 'document',
        });
        return this.lastItem;
      });
      this.selections.delete(args.selection);
      this.emitQueue();
      if (this.autoSend && this.status.online) setTimeout(() => this.deliver(), 600);
      return ids;
    });
  }

  outbox(): Promise<QueueItem[]> {
    return this.answer('outbox', undefined, () => {
      this.requireUser();
      return this.queue;
    });
  }

  sendOutbox(): Promise<null> {
    return this.answer('sendOutbox', undefined, () => {
      if (this.status.online) this.deliver();
      return null;
    });
  }

  private queueItem(id: number): QueueItem {
    const item = this.queue.find((i) => i.id === id);
    if (!item) throw { code: 'not_found', message: `no item ${id} in the outbox` } satisfies CommandError;
    return item;
  }

  retryOutboxItem(id: number): Promise<QueueItem> {
    return this.answer('retryOutboxItem', { id }, () => {
      const item = this.queueItem(id);
      if (item.state !== 'failed')
        throw { code: 'io', message: `item ${id} is ${item.state}` } satisfies CommandError;
      item.state = 'pending';
      item.error = null;
      this.emitQueue();
      return item;
    });
  }

  cancelOutboxItem(id: number): Promise<QueueItem> {
    return this.answer('cancelOutboxItem', { id }, () => {
      const item = this.queueItem(id);
      if (item.state === 'done' || item.state === 'cancelled')
        throw { code: 'io', message: `item ${id} is ${item.state}` } satisfies CommandError;
      item.state = 'cancelled';
      this.emitQueue();
      return item;
    });
  }

  documents(of: DocumentTarget): Promise<DocumentView[]> {
    return this.answer('documents', { of }, () => {
      // As synced: offline too.
      this.requireUser();
      return this.documentsData
        .filter((d) => sameTarget(d.attached_to, of))
        .map((d) => d.document)
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    });
  }

  private fakeDocument(id: number): DocumentView {
    const found = this.documentsData.find((d) => d.document.id === id);
    if (!found) throw { code: 'not_found', message: `no document ${id}` } satisfies CommandError;
    return found.document;
  }

  openDocument(id: number): Promise<null> {
    return this.answer('openDocument', { id }, () => {
      this.requireUser();
      this.fakeDocument(id);
      this.opened.push(id);
      return null;
    });
  }

  saveDocument(id: number): Promise<string | null> {
    return this.answer('saveDocument', { id }, () => {
      this.requireUser();
      return this.save(this.fakeDocument(id).file_name);
    });
  }

  private dossierNamed(reference: string): Dossier {
    const dossier = this.data.dossiers.find((d) => d.reference === reference);
    if (!dossier) throw { code: 'not_found', message: `no dossier ${reference}` } satisfies CommandError;
    return dossier;
  }

  due(reference: string): Promise<Due> {
    return this.answer('due', { reference }, () => {
      this.requireUser();
      const dossier = this.dossierNamed(reference);
      const installments = this.data.installments
        .filter((i) => i.dossier_reference === reference)
        .sort((a, b) => a.number - b.number);
      const today = localToday();
      const overdue = installments
        .filter((i) => i.due_date < today)
        .map((i) => centsToMoney((parseCents(i.amount) ?? 0n) - (parseCents(i.paid) ?? 0n)));
      const pending = this.paymentsData
        .filter((p) => p.dossier_reference === reference && p.status === 'pending')
        .map((p) => p.amount);
      return {
        dossier_reference: reference,
        balance: dossier.balance,
        overdue: sumMoney(overdue),
        pending: sumMoney(pending),
        installments,
      };
    });
  }

  payments(reference: string): Promise<Payment[]> {
    return this.answer('payments', { reference }, () => {
      this.requireUser();
      this.dossierNamed(reference);
      return this.paymentsData
        .filter((p) => p.dossier_reference === reference)
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    });
  }

  private instructionsFor(dossier: Dossier, order: NewPayment): PaymentInstructions | null {
    switch (order.method) {
      case 'transfer':
        return {
          kind: 'transfer',
          holder: dossier.rib.holder,
          iban: dossier.rib.iban,
          bic: dossier.rib.bic,
          bank_name: dossier.rib.bank_name,
          amount: order.amount,
          reference: dossier.rib.rf_reference,
          epc_payload: [
            'BCD',
            '002',
            '1',
            'SCT',
            dossier.rib.bic,
            dossier.rib.holder,
            dossier.rib.iban,
            `EUR${order.amount}`,
            '',
            dossier.rib.rf_reference,
          ].join('\n'),
        };
      case 'cheque':
        return {
          kind: 'cheque',
          payee: dossier.servicer.name,
          // As the shell does: the cheque address, else the letterhead's.
          address: (dossier.servicer.cheque_address.length > 0
            ? dossier.servicer.cheque_address
            : dossier.servicer.address
          ).join('\n'),
          amount: order.amount,
          reference: dossier.reference,
        };
      default:
        return null;
    }
  }

  orderPayment(order: NewPayment): Promise<PaymentOrderView> {
    return this.answer('orderPayment', order, () => {
      this.requireUser();
      const dossier = this.dossierNamed(order.dossier_reference);
      if (order.method === 'cash')
        throw { code: 'validation_failed', message: 'cash is not accepted' } satisfies CommandError;
      if (order.method === 'card' && !this.status.online)
        throw { code: 'offline', message: 'a card payment needs the network' } satisfies CommandError;
      const instructions = this.instructionsFor(dossier, order);
      if (!this.status.online) {
        this.lastItem += 1;
        this.status.pending_outbox += 1;
        return { payment: null, outbox_item: this.lastItem, instructions };
      }
      this.lastPayment += 1;
      const payment: Payment = {
        id: this.lastPayment,
        dossier_reference: dossier.reference,
        method: order.method,
        amount: order.amount,
        installments: order.installments,
        reference: dossier.rib.rf_reference,
        status: 'pending',
        failure_reason: null,
        created_at: new Date().toISOString(),
        paid_on: null,
        checkout_url: order.method === 'card' ? `https://pay.example/checkout/${this.lastPayment}` : null,
        instructions,
      };
      this.paymentsData.push(payment);
      if (payment.checkout_url) this.browsed.push(payment.checkout_url);
      return { payment, outbox_item: null, instructions };
    });
  }

  transferQr(payload: string): Promise<string> {
    return this.answer('transferQr', { payload }, () => {
      const escaped = payload.replace(/[<>&"]/g, '');
      return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" data-payload="${escaped}"><rect width="10" height="10"/></svg>`;
    });
  }

  createMandate(reference: string, mandate: NewMandate): Promise<Mandate> {
    return this.answer(
      'createMandate',
      { reference, mandate: { ...mandate, password: mandate.password ? '***' : undefined } },
      () => {
        this.requireUser();
        if (!this.status.online) throw { code: 'offline', message: 'offline' } satisfies CommandError;
        const dossier = this.dossierNamed(reference);
        const active = this.mandatesData.find(
          (m) => m.dossier_reference === reference && m.status === 'active',
        );
        if (active && !mandate.password)
          throw { code: 'password_required', message: 'password required' } satisfies CommandError;
        if (active) active.status = 'revoked';
        const created: Mandate = {
          id: this.mandatesData.length + 1,
          dossier_reference: reference,
          reference: `UMR-${reference}-${this.mandatesData.length + 1}`,
          creditor_identifier: 'FR12ZZZ123456',
          creditor_name: dossier.servicer.name,
          creditor_address: dossier.servicer.address.join(', '),
          holder: mandate.holder,
          iban_masked: `${mandate.iban.slice(0, 4)} **** ${mandate.iban.slice(-4)}`,
          bic: mandate.bic,
          day: mandate.day,
          amount: mandate.amount,
          status: 'active',
          signed_at: new Date().toISOString(),
          revoked_at: null,
        };
        this.mandatesData.push(created);
        return created;
      },
    );
  }

  saveReceipt(paymentId: number): Promise<string | null> {
    return this.answer('saveReceipt', { paymentId }, () => this.save(`recu-${paymentId}.pdf`));
  }

  saveTransferInstructions(paymentId: number): Promise<string | null> {
    return this.answer('saveTransferInstructions', { paymentId }, () =>
      this.save(`virement-${paymentId}.pdf`),
    );
  }

  saveMandatePdf(mandateId: number): Promise<string | null> {
    return this.answer('saveMandatePdf', { mandateId }, () => this.save(`mandat-${mandateId}.pdf`));
  }

  requestTypes(): Promise<RequestTypeInfo[]> {
    return this.answer('requestTypes', undefined, () => FAKE_REQUEST_TYPES);
  }

  private problems(request: NewRequest): FieldProblemView[] {
    const info = FAKE_REQUEST_TYPES.find((t) => t.type === request.type);
    if (!info) return [];
    return info.fields
      .filter((f) => f.required && !(request.fields[f.name] ?? '').trim())
      .map((f) => ({
        field: f.name,
        problem: 'missing' as const,
        text: { fr: `${f.label.fr} : à renseigner.`, en: `${f.label.en}: required.` },
      }));
  }

  checkRequest(request: NewRequest): Promise<FieldProblemView[]> {
    return this.answer('checkRequest', request, () => this.problems(request));
  }

  requests(reference: string | null): Promise<RequestSummary[]> {
    return this.answer('requests', { reference }, () => {
      this.requireUser();
      return this.requestsData
        .filter((r) => reference === null || r.dossier_reference === reference)
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .map((request) => {
          const messages = this.messagesData.filter((m) => m.request_id === request.id);
          return {
            request,
            unread: messages.filter((m) => m.author === 'agency' && !this.readMessages.has(m.id)).length,
            last_message: messages.at(-1) ?? null,
          };
        });
    });
  }

  thread(id: number): Promise<RequestThread> {
    return this.answer('thread', { id }, () => {
      this.requireUser();
      const request = this.requestsData.find((r) => r.id === id);
      if (!request) throw { code: 'not_found', message: `no request ${id}` } satisfies CommandError;
      const messages = this.messagesData.filter((m) => m.request_id === id);
      for (const m of messages) this.readMessages.add(m.id);
      return { request, messages };
    });
  }

  sendRequest(args: SendRequestArgs): Promise<RequestOrderView> {
    const shown = {
      ...args,
      request: { ...args.request, password: args.request.password ? '***' : undefined },
    };
    return this.answer('sendRequest', shown, () => {
      this.requireUser();
      const fields = this.problems(args.request);
      if (fields.length > 0)
        throw { code: 'invalid_fields', message: 'some fields are wrong', fields } satisfies CommandError;
      if (!this.status.online) {
        this.lastItem += 1;
        return { request: null, outbox_item: this.lastItem };
      }
      const now = new Date().toISOString();
      const request: Request = {
        id: this.requestsData.length + 1,
        dossier_reference: args.request.dossier_reference,
        type: args.request.type,
        fields: args.request.fields,
        attachments: [],
        status: 'sent',
        author: this.status.user?.display_name ?? '',
        created_at: now,
        acknowledged_at: null,
        answered_at: null,
        closed_at: null,
        mediation_from:
          args.request.type === 'complaint' ? new Date(Date.now() + 61 * 86_400_000).toISOString() : null,
        referred_at: null,
      };
      this.requestsData.push(request);
      return { request, outbox_item: null };
    });
  }

  reply(args: ReplyArgs): Promise<RequestOrderView> {
    return this.answer('reply', args, () => {
      this.requireUser();
      const request = this.requestsData.find((r) => r.id === args.request_id) ?? null;
      if (!this.status.online) {
        this.lastItem += 1;
        return { request: null, outbox_item: this.lastItem };
      }
      this.messagesData.push({
        id: this.messagesData.length + 1,
        request_id: args.request_id,
        author: 'customer',
        author_name: this.status.user?.display_name ?? '',
        text: args.text,
        attachments: [],
        created_at: new Date().toISOString(),
      });
      return { request, outbox_item: null };
    });
  }

  escalate(id: number): Promise<RequestThread> {
    return this.answer('escalate', { id }, () => {
      const request = this.requestsData.find((r) => r.id === id);
      if (!request) throw { code: 'not_found', message: `no request ${id}` } satisfies CommandError;
      if (!request.mediation_from || new Date(request.mediation_from) > new Date())
        throw { code: 'conflict', message: `not before ${request.mediation_from}` } satisfies CommandError;
      request.status = 'referred_to_mediator';
      request.referred_at = new Date().toISOString();
      return { request, messages: this.messagesData.filter((m) => m.request_id === id) };
    });
  }

  emitNotifications(news: AppNotification[]): void {
    for (const handler of this.notificationListeners) handler(clone(news));
  }

  onNotifications(handler: (news: AppNotification[]) => void): Promise<Unlisten> {
    return this.subscribe(this.notificationListeners, handler);
  }

  private subscribe<T>(set: Set<(payload: T) => void>, handler: (payload: T) => void): Promise<Unlisten> {
    set.add(handler);
    return Promise.resolve(() => {
      set.delete(handler);
    });
  }

  onSyncProgress(handler: (progress: SyncProgress) => void): Promise<Unlisten> {
    return this.subscribe(this.listeners.progress, handler);
  }

  onSyncState(handler: (state: SyncState) => void): Promise<Unlisten> {
    return this.subscribe(this.listeners.state, handler);
  }

  onSyncDone(handler: (report: SyncReport) => void): Promise<Unlisten> {
    return this.subscribe(this.listeners.done, handler);
  }

  onUploadProgress(handler: (progress: QueueProgress) => void): Promise<Unlisten> {
    return this.subscribe(this.fileListeners.upload, handler);
  }

  onOutboxItems(handler: (items: QueueItem[]) => void): Promise<Unlisten> {
    return this.subscribe(this.fileListeners.items, handler);
  }

  onFilesDrag(handler: (state: DragState) => void): Promise<Unlisten> {
    return this.subscribe(this.fileListeners.drag, handler);
  }

  onFilesDropped(handler: (dropped: Dropped) => void): Promise<Unlisten> {
    return this.subscribe(this.fileListeners.dropped, handler);
  }
}

const field = (
  name: string,
  fr: string,
  en: string,
  kind: FieldKind,
  required: boolean,
  choices: string[] = [],
) => ({
  name,
  label: { fr, en },
  kind,
  required,
  choices,
});

/** A few request types, enough for the UI's tests and the preview. */
export const FAKE_REQUEST_TYPES: RequestTypeInfo[] = [
  {
    type: 'statement',
    label: { fr: 'Décompte des sommes dues', en: 'Statement of sums due' },
    fields: [field('message', 'Votre message', 'Your message', 'text', false)],
    advised_attachments: [],
    needs_password: false,
    for_mandataires: false,
  },
  {
    type: 'payment_made',
    label: { fr: 'Paiement déjà effectué', en: 'Payment already made' },
    fields: [
      field('payment_date', 'Date du paiement', 'Payment date', 'past_date', true),
      field('amount', 'Montant (€)', 'Amount (€)', 'amount', true),
      field('message', 'Votre message', 'Your message', 'text', false),
    ],
    advised_attachments: ['proof_of_payment'],
    needs_password: false,
    for_mandataires: false,
  },
  {
    type: 'mandataire_documents',
    label: { fr: 'Pièces pour un mandataire', en: 'Documents for a mandataire' },
    fields: [field('documents_wanted', 'Pièces souhaitées', 'Documents wanted', 'text', true)],
    advised_attachments: [],
    needs_password: false,
    for_mandataires: true,
  },
  {
    type: 'complaint',
    label: { fr: 'Réclamation', en: 'Complaint' },
    fields: [
      field('reason', 'Motif', 'Reason', 'choice', true, ['blocked_situation', 'disputed_amount', 'other']),
      field('description', 'Description', 'Description', 'text', true),
    ],
    advised_attachments: [],
    needs_password: false,
    for_mandataires: false,
  },
];
