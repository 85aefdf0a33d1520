// An `Ipc` that answers from memory, for tests and for previewing the UI in a plain
// browser. It keeps the shell's contract: rejections are `CommandError`s, events are
// delivered to every listener.

import { centsToMoney, groupByFour, localToday, parseCents, sumMoney } from '../format';
import type {
  AppStatus,
  Claim,
  CommandError,
  DocumentSubject,
  Dossier,
  DossierDetail,
  Explanation,
  DossierSummary,
  Installment,
  Money,
  NaiveDate,
  Procedure,
  ProcedureDetail,
  ProcedureSummary,
  RibView,
  SearchHit,
  Settings,
  Statement,
  StatementView,
  SyncProgress,
  SyncReport,
  SyncState,
  User,
} from '../types';
import type { ActivateArgs, Ipc, LoginArgs, Unlisten } from './contract';

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
    counts: { procedures: 0, claims: 0, dossiers: 0, installments: 0 },
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
}
