// The JSON the desktop shell sends and accepts. The types are generated from the Rust
// types into ./bindings (one file per type; `make bindings` rewrites them, and a Rust test
// fails while they are stale); this file gathers them under the names the UI uses.
// Amounts are strings ("1234.56"), legal dates "YYYY-MM-DD", instants RFC 3339 in UTC,
// ids JSON numbers.

export type { FieldKind } from './bindings/FieldKind';
export type { FieldProblemView } from './bindings/FieldProblemView';
export type { FieldInfo } from './bindings/FieldInfo';
export type { Localized } from './bindings/Localized';
export type { FieldProblemKind } from './bindings/FieldProblemKind';
export type { Message } from './bindings/Message';
export type { MessageAuthor } from './bindings/MessageAuthor';
export type { NewRequest } from './bindings/NewRequest';
export type { Notification as AppNotification } from './bindings/Notification';
export type { NotificationKind } from './bindings/NotificationKind';
export type { ReplyArgs } from './bindings/ReplyArgs';
export type { Request } from './bindings/Request';
export type { RequestSummary } from './bindings/RequestSummary';
export type { RequestOrderView } from './bindings/RequestOrderView';
export type { RequestStatus } from './bindings/RequestStatus';
export type { RequestThread } from './bindings/RequestThread';
export type { RequestType } from './bindings/RequestType';
export type { RequestTypeInfo } from './bindings/RequestTypeInfo';
export type { SendRequestArgs } from './bindings/SendRequestArgs';
export type { Due } from './bindings/Due';
export type { Mandate } from './bindings/Mandate';
export type { MandateStatus } from './bindings/MandateStatus';
export type { NewMandate } from './bindings/NewMandate';
export type { NewPayment } from './bindings/NewPayment';
export type { DossierPayment as Payment } from './bindings/DossierPayment';
export type { PaymentInstructions } from './bindings/PaymentInstructions';
export type { PaymentMethod } from './bindings/PaymentMethod';
export type { PaymentOrderView } from './bindings/PaymentOrderView';
export type { PaymentStatus } from './bindings/PaymentStatus';
export type { TransferInstructions } from './bindings/TransferInstructions';
export type { ActivateArgs } from './bindings/ActivateArgs';
export type { AddDocumentsArgs } from './bindings/AddDocumentsArgs';
export type { DocumentTarget } from './bindings/DocumentTarget';
export type { DocumentCategory } from './bindings/DocumentCategory';
export type { DocumentSource } from './bindings/DocumentSource';
export type { DocumentView } from './bindings/DocumentView';
export type { DragState } from './bindings/DragState';
export type { Dropped } from './bindings/Dropped';
export type { OutboxError } from './bindings/OutboxError';
export type { OutboxState } from './bindings/OutboxState';
export type { QueueItem } from './bindings/QueueItem';
export type { QueueProgress } from './bindings/QueueProgress';
export type { SelectedFile } from './bindings/SelectedFile';
export type { Selection } from './bindings/Selection';
export type { AdmissionStatus } from './bindings/AdmissionStatus';
export type { AppStatus } from './bindings/AppStatus';
export type { Claim } from './bindings/Claim';
export type { ClaimNature } from './bindings/ClaimNature';
export type { ClientCode } from './bindings/ClientCode';
export type { Code } from './bindings/Code';
export type { CommandError } from './bindings/CommandError';
export type { Company } from './bindings/Company';
export type { Contact } from './bindings/Contact';
export type { Counts } from './bindings/Counts';
export type { DeclaredAmounts } from './bindings/DeclaredAmounts';
export type { DocumentOrigin } from './bindings/DocumentOrigin';
export type { DocumentSubject } from './bindings/DocumentSubject';
export type { Breakdown } from './bindings/Breakdown';
export type { Dossier } from './bindings/Dossier';
export type { Explanation } from './bindings/Explanation';
export type { DossierDetail } from './bindings/DossierDetail';
export type { DossierSummary } from './bindings/DossierSummary';
export type { ErrorCode } from './bindings/ErrorCode';
export type { Guarantee } from './bindings/Guarantee';
export type { Installment } from './bindings/Installment';
export type { InstallmentStatus } from './bindings/InstallmentStatus';
export type { Language } from './bindings/Language';
export type { LineKind } from './bindings/LineKind';
export type { LoginArgs } from './bindings/LoginArgs';
export type { Money } from './bindings/Money';
export type { NotificationSettings } from './bindings/NotificationSettings';
export type { Procedure } from './bindings/Procedure';
export type { ProcedureDetail } from './bindings/ProcedureDetail';
export type { ProcedureKind } from './bindings/ProcedureKind';
export type { ProcedureStage } from './bindings/ProcedureStage';
export type { ProcedureSummary } from './bindings/ProcedureSummary';
export type { Rib } from './bindings/Rib';
export type { RibView } from './bindings/RibView';
export type { Role } from './bindings/Role';
export type { ScheduledAmount } from './bindings/ScheduledAmount';
export type { SearchHit } from './bindings/SearchHit';
export type { SearchHitKind } from './bindings/SearchHitKind';
export type { Settings } from './bindings/Settings';
export type { Statement } from './bindings/Statement';
export type { StatementLine } from './bindings/StatementLine';
export type { StatementView } from './bindings/StatementView';
export type { SyncProgress } from './bindings/SyncProgress';
export type { SyncReport } from './bindings/SyncReport';
export type { SyncState } from './bindings/SyncState';
export type { User } from './bindings/User';

/** `chrono::NaiveDate`: "YYYY-MM-DD". */
export type NaiveDate = string;
/** `chrono::DateTime<Utc>`: RFC 3339. */
export type DateTimeUtc = string;
/** How many rows the local store holds (`claimdesk_client::Counts`). */
export type { Counts as LocalCounts } from './bindings/Counts';
