// The JSON the desktop shell sends and accepts, one type per Rust type with the same
// field names, so that the types generated from Rust can replace this file and a drift
// check can compare them. Amounts are strings ("1234.56"), legal dates "YYYY-MM-DD",
// instants RFC 3339 in UTC, ids JSON numbers.

/** `claimdesk_domain::Money`: euros with exactly two decimals, as a string. */
export type Money = string;
/** `chrono::NaiveDate`: "YYYY-MM-DD". */
export type NaiveDate = string;
/** `chrono::DateTime<Utc>`: RFC 3339. */
export type DateTimeUtc = string;

// --- claimdesk_domain ---

export type ProcedureKind =
  | 'Sauvegarde'
  | 'SauvegardeAcceleree'
  | 'RedressementJudiciaire'
  | 'LiquidationJudiciaire'
  | 'LiquidationJudiciaireSimplifiee';

export type ProcedureStage = 'observation' | 'plan_adopted' | 'liquidation' | 'closed';

export type ClaimNature = 'privileged' | 'secured' | 'unsecured';

export type AdmissionStatus = 'pending' | 'admitted' | 'partly_admitted' | 'rejected' | 'disputed';

// --- claimdesk_api::auth ---

export type Role = 'etude' | 'debtor' | 'guarantor' | 'admin';

export interface User {
  id: number;
  email: string;
  display_name: string;
  role: Role;
  etude_name: string | null;
  company_name: string | null;
}

// --- claimdesk_api::records ---

export interface Company {
  name: string;
  siren: string;
  rcs: string;
  legal_form: string;
  address: string;
}

export interface Procedure {
  id: number;
  kind: ProcedureKind;
  stage: ProcedureStage;
  debtor: Company;
  tribunal: string;
  judgment_date: NaiveDate;
  bodacc_date: NaiveDate | null;
  declaration_deadline: NaiveDate | null;
  etude_name: string;
  mandataire: string;
  administrateur: string | null;
  juge_commissaire: string | null;
  plan_end_date: NaiveDate | null;
}

export interface DeclaredAmounts {
  principal: Money;
  interest: Money;
  penalties: Money;
  fees: Money;
  to_fall_due: Money;
  total: Money;
}

export interface Claim {
  id: number;
  procedure_id: number;
  dossier_reference: string;
  creditor: string;
  servicing_entity: string;
  declared: DeclaredAmounts;
  nature: ClaimNature;
  provisional: boolean;
  declaration_date: NaiveDate;
  late: boolean;
  admission: AdmissionStatus;
  admitted_amount: Money | null;
  decision_date: NaiveDate | null;
}

export interface Contact {
  name: string;
  email: string;
  phone: string;
}

export interface Guarantee {
  guarantor_name: string;
  amount: Money;
  ends_on: NaiveDate | null;
}

export interface Dossier {
  id: number;
  reference: string;
  debtor: Company;
  creditor: string;
  servicing_entity: string;
  manager: Contact;
  procedure_id: number | null;
  procedure_kind: ProcedureKind | null;
  opened_on: NaiveDate;
  principal: Money;
  balance: Money;
  guarantees: Guarantee[];
}

export type InstallmentStatus = 'unpaid' | 'partly_paid' | 'paid';

export interface Installment {
  id: number;
  dossier_reference: string;
  number: number;
  due_date: NaiveDate;
  amount: Money;
  paid: Money;
  status: InstallmentStatus;
}

export interface DossierDetail {
  dossier: Dossier;
  installments: Installment[];
  claims: Claim[];
}

// --- claimdesk_api::error ---

export type ErrorCode =
  | 'bad_request'
  | 'invalid_body'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'session_expired'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'invalid_cursor'
  | 'activation_invalid'
  | 'conflict'
  | 'internal'
  | 'unknown';

// --- desktop shell (src-tauri) ---

/** Codes only the desktop client produces, beside the API's. */
export type ClientErrorCode = 'offline' | 'not_signed_in' | 'keyring';

/** What every command rejects with. */
export interface CommandError {
  code: ErrorCode | ClientErrorCode;
  message: string;
}

/** How many rows the local store holds. */
export interface LocalCounts {
  procedures: number;
  claims: number;
  dossiers: number;
  installments: number;
}

export interface AppStatus {
  online: boolean;
  server_url: string;
  user: User | null;
  last_sync: DateTimeUtc | null;
  syncing: boolean;
  pending_outbox: number;
  counts: LocalCounts;
}

export interface SyncReport {
  applied: number;
  procedures: number;
  claims: number;
  dossiers: number;
  installments: number;
  duration_ms: number;
}

export interface ProcedureSummary {
  procedure: Procedure;
  claims_count: number;
  declared_total: Money;
  admitted_total: Money;
  next_deadline: NaiveDate | null;
}

export interface ProcedureDetail {
  procedure: Procedure;
  claims: Claim[];
}

export interface DossierSummary {
  dossier: Dossier;
  next_installment: Installment | null;
}

export type SearchHitKind = 'procedure' | 'claim' | 'dossier';

export interface SearchHit {
  kind: SearchHitKind;
  id: number;
  reference: string | null;
  procedure_id: number | null;
  title: string;
  subtitle: string;
}

export type Language = 'fr' | 'en';

export interface NotificationSettings {
  new_answer: boolean;
  new_document: boolean;
  installment_due: boolean;
  claim_decision: boolean;
  procedure_deadline: boolean;
}

export interface Settings {
  server_url: string;
  language: Language;
  sync_interval_minutes: number;
  notifications: NotificationSettings;
}

/** Payload of the `sync://progress` event. */
export interface SyncProgress {
  pages: number;
  applied: number;
  more: boolean;
}

/** Payload of the `sync://state` event. */
export interface SyncState {
  online: boolean;
  syncing: boolean;
  last_sync: DateTimeUtc | null;
}
