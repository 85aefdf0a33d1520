//! The JSON the window receives: the client core's records, arranged as the
//! screens read them. Shapes only; every figure comes from the client core.

use chrono::{DateTime, Utc};
use claimdesk_api::auth::User;
use claimdesk_api::documents::Rib;
use claimdesk_api::records::{Claim, Dossier, Installment, InstallmentStatus, Procedure};
use claimdesk_api::uploads::{self, AttachTo, DocumentCategory};
use claimdesk_client::{
    Counts, Origin, OutboxError, OutboxItem, OutboxKind, OutboxState, RibAnswer, StatementAnswer,
    Status, Subject, UploadProgress, sync,
};
use claimdesk_domain::Money;
use claimdesk_domain::ident::{Iban, RfReference};
use claimdesk_domain::statement::Statement;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Answer of `app_status`: who, where, whether the server answers, what is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppStatus {
    pub online: bool,
    pub server_url: String,
    pub user: Option<User>,
    pub last_sync: Option<DateTime<Utc>>,
    pub syncing: bool,
    #[ts(type = "number")]
    pub pending_outbox: u64,
    pub counts: Counts,
}

impl AppStatus {
    pub fn from_status(status: Status, syncing: bool) -> AppStatus {
        AppStatus {
            online: status.online,
            server_url: status.server,
            user: status.user,
            last_sync: status.last_synced_at,
            syncing,
            pending_outbox: status.pending_outbox,
            counts: status.counts,
        }
    }

    /// Nobody signed in: nothing stored to show.
    pub fn signed_out(server_url: String, online: bool) -> AppStatus {
        AppStatus {
            online,
            server_url,
            user: None,
            last_sync: None,
            syncing: false,
            pending_outbox: 0,
            counts: Counts::default(),
        }
    }
}

/// Answer of `sync_now`, and payload of `sync://done`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncReport {
    /// Records written or removed by this sync.
    #[ts(type = "number")]
    pub applied: u64,
    /// What the store holds once synced.
    #[ts(type = "number")]
    pub procedures: u64,
    #[ts(type = "number")]
    pub claims: u64,
    #[ts(type = "number")]
    pub dossiers: u64,
    #[ts(type = "number")]
    pub installments: u64,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

impl From<&sync::SyncReport> for SyncReport {
    fn from(r: &sync::SyncReport) -> SyncReport {
        SyncReport {
            applied: r.changes_applied,
            procedures: r.counts.procedures,
            claims: r.counts.claims,
            dossiers: r.counts.dossiers,
            installments: r.counts.installments,
            duration_ms: u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Payload of `sync://progress`, after each page applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct SyncProgress {
    pub pages: u32,
    #[ts(type = "number")]
    pub applied: u64,
    pub more: bool,
}

impl From<sync::SyncProgress> for SyncProgress {
    fn from(p: sync::SyncProgress) -> SyncProgress {
        SyncProgress {
            pages: p.pages,
            applied: p.changes_applied,
            more: p.more,
        }
    }
}

/// Payload of `sync://state`: sent whenever one of these changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct SyncState {
    pub online: bool,
    pub syncing: bool,
    pub last_sync: Option<DateTime<Utc>>,
}

/// One line of the procedures list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProcedureSummary {
    pub procedure: Procedure,
    #[ts(type = "number")]
    pub claims_count: u64,
    pub declared_total: Money,
    pub admitted_total: Money,
    pub next_deadline: Option<chrono::NaiveDate>,
}

impl From<claimdesk_client::ProcedureSummary> for ProcedureSummary {
    fn from(s: claimdesk_client::ProcedureSummary) -> ProcedureSummary {
        ProcedureSummary {
            procedure: s.procedure,
            claims_count: s.claim_count,
            declared_total: s.declared_total,
            admitted_total: s.admitted_total,
            next_deadline: s.next_deadline,
        }
    }
}

/// Answer of `procedure`: the procedure and its claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProcedureDetail {
    pub procedure: Procedure,
    pub claims: Vec<Claim>,
}

/// One line of the dossiers list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DossierSummary {
    pub dossier: Dossier,
    /// The first échéance not fully paid, overdue ones included.
    pub next_installment: Option<Installment>,
}

impl DossierSummary {
    /// `schedule` in échéance order, as the client core gives it.
    pub fn new(dossier: Dossier, schedule: Vec<Installment>) -> DossierSummary {
        DossierSummary {
            dossier,
            next_installment: schedule
                .into_iter()
                .find(|i| i.status != InstallmentStatus::Paid),
        }
    }
}

/// Where a document shown or saved comes from (`claimdesk_client::Origin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentOrigin {
    /// Produced by the server just now.
    Server,
    /// Produced by the server earlier and kept on this machine: shown offline.
    Cache,
    /// Computed on this machine from synced data, while offline.
    Provisional,
}

impl From<Origin> for DocumentOrigin {
    fn from(origin: Origin) -> DocumentOrigin {
        match origin {
            Origin::Server => DocumentOrigin::Server,
            Origin::Cache => DocumentOrigin::Cache,
            Origin::Provisional => DocumentOrigin::Provisional,
        }
    }
}

/// What a statement, RIB or attestation is about, as the window names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocumentSubject {
    Dossier {
        reference: String,
    },
    Claim {
        #[ts(type = "number")]
        id: i64,
    },
}

impl From<DocumentSubject> for Subject {
    fn from(subject: DocumentSubject) -> Subject {
        match subject {
            DocumentSubject::Dossier { reference } => Subject::Dossier(reference),
            DocumentSubject::Claim { id } => Subject::Claim(id),
        }
    }
}

/// Answer of `statement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatementView {
    pub statement: Statement,
    pub origin: DocumentOrigin,
    /// When the server produced it (for a provisional one: when computed).
    pub produced_at: DateTime<Utc>,
}

impl From<StatementAnswer> for StatementView {
    fn from(answer: StatementAnswer) -> StatementView {
        StatementView {
            statement: answer.statement,
            origin: answer.origin.into(),
            produced_at: answer.produced_at,
        }
    }
}

/// Answer of `rib`: the RIB, with the IBAN and the RF reference grouped by
/// four as they are read aloud and printed (the compact forms are copied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RibView {
    pub rib: Rib,
    pub iban_grouped: String,
    pub rf_grouped: String,
    pub origin: DocumentOrigin,
    pub produced_at: DateTime<Utc>,
}

/// Four characters, a space, four more: for an identifier that does not
/// parse, so that it still shows as the server sent it, only spaced.
fn by_four(compact: &str) -> String {
    let chars: Vec<char> = compact.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

impl From<RibAnswer> for RibView {
    fn from(answer: RibAnswer) -> RibView {
        let rib = answer.rib;
        let iban_grouped = Iban::parse(&rib.iban)
            .map(|iban| iban.grouped())
            .unwrap_or_else(|_| by_four(&rib.iban));
        let rf_grouped = RfReference::parse(&rib.rf_reference)
            .map(|rf| rf.grouped())
            .unwrap_or_else(|_| by_four(&rib.rf_reference));
        RibView {
            rib,
            iban_grouped,
            rf_grouped,
            origin: answer.origin.into(),
            produced_at: answer.produced_at,
        }
    }
}

/// What documents are attached to, as the window names it (the API's
/// `AttachTo`, its id a plain number in TypeScript).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocumentTarget {
    Dossier {
        reference: String,
    },
    Procedure {
        #[ts(type = "number")]
        id: i64,
    },
}

impl From<AttachTo> for DocumentTarget {
    fn from(target: AttachTo) -> DocumentTarget {
        match target {
            AttachTo::Dossier { reference } => DocumentTarget::Dossier { reference },
            AttachTo::Procedure { id } => DocumentTarget::Procedure { id },
        }
    }
}

impl From<DocumentTarget> for AttachTo {
    fn from(target: DocumentTarget) -> AttachTo {
        match target {
            DocumentTarget::Dossier { reference } => AttachTo::Dossier { reference },
            DocumentTarget::Procedure { id } => AttachTo::Procedure { id },
        }
    }
}

/// Who put a document there, as the documents list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSource {
    /// Uploaded by a user of the app.
    Customer,
    /// Posted by the agency.
    Agency,
}

impl From<uploads::DocumentOrigin> for DocumentSource {
    fn from(origin: uploads::DocumentOrigin) -> DocumentSource {
        match origin {
            uploads::DocumentOrigin::Customer => DocumentSource::Customer,
            uploads::DocumentOrigin::Agency => DocumentSource::Agency,
        }
    }
}

/// One line of a dossier's or a procedure's documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DocumentView {
    #[ts(type = "number")]
    pub id: i64,
    pub category: DocumentCategory,
    pub note: Option<String>,
    pub file_name: String,
    pub content_type: String,
    #[ts(type = "number")]
    pub size: u64,
    pub origin: DocumentSource,
    pub created_at: DateTime<Utc>,
}

impl From<uploads::Document> for DocumentView {
    fn from(d: uploads::Document) -> DocumentView {
        DocumentView {
            id: d.id,
            category: d.category,
            note: d.note,
            file_name: d.file_name,
            content_type: d.content_type,
            size: d.size,
            origin: d.origin.into(),
            created_at: d.created_at,
        }
    }
}

/// One file of the outbox, as the queue shows it: where the copy sits on
/// disk and the idempotency key stay in the shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QueueItem {
    #[ts(type = "number")]
    pub id: i64,
    pub attach_to: DocumentTarget,
    pub category: DocumentCategory,
    pub note: Option<String>,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    /// Bytes the server acknowledged.
    #[ts(type = "number")]
    pub sent: u64,
    pub percent: u8,
    pub state: OutboxState,
    /// The last failure: why it waits again, or why it was refused for good.
    pub error: Option<OutboxError>,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    #[ts(type = "number | null")]
    pub document_id: Option<i64>,
    /// A file, or an order (payment, mandate, dividend) whose `file_name` is
    /// its label and which has no bytes to show progress of.
    pub kind: OutboxKind,
}

impl From<OutboxItem> for QueueItem {
    fn from(item: OutboxItem) -> QueueItem {
        QueueItem {
            percent: item.percent(),
            id: item.id,
            attach_to: item.attach_to.into(),
            category: item.category,
            note: item.note,
            file_name: item.file_name,
            size: item.size,
            sent: item.offset.min(item.size),
            state: item.state,
            error: item.last_error,
            attempts: item.attempts,
            created_at: item.created_at,
            document_id: item.document_id,
            kind: item.kind,
        }
    }
}

/// Payload of `outbox://progress`, while a file uploads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QueueProgress {
    #[ts(type = "number")]
    pub item_id: i64,
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub size: u64,
}

impl From<UploadProgress> for QueueProgress {
    fn from(p: UploadProgress) -> QueueProgress {
        QueueProgress {
            item_id: p.item_id,
            sent: p.sent,
            size: p.size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use claimdesk_api::records::{Company, Contact};

    fn installment(number: i64, status: InstallmentStatus) -> Installment {
        Installment {
            id: number,
            dossier_reference: "DOS-1".into(),
            number,
            due_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            amount: "100.00".parse().unwrap(),
            paid: Money::ZERO,
            status,
        }
    }

    fn dossier() -> Dossier {
        let company = Company {
            name: "Boulangerie Martin".into(),
            siren: "552100554".into(),
            rcs: "RCS Lyon 552 100 554".into(),
            legal_form: "SARL".into(),
            address: "Lyon".into(),
        };
        Dossier {
            id: 1,
            reference: "DOS-1".into(),
            debtor: company,
            creditor: "Banque".into(),
            servicing_entity: "claimdesk".into(),
            manager: Contact {
                name: "M".into(),
                email: "m@x".into(),
                phone: "0".into(),
            },
            procedure_id: None,
            procedure_kind: None,
            opened_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            principal: Money::ZERO,
            balance: Money::ZERO,
            guarantees: vec![],
            judgment_date: None,
            servicer: Default::default(),
            rib: Default::default(),
            ledger: Default::default(),
        }
    }

    #[test]
    fn the_next_installment_is_the_first_not_fully_paid() {
        let schedule = vec![
            installment(1, InstallmentStatus::Paid),
            installment(2, InstallmentStatus::PartlyPaid),
            installment(3, InstallmentStatus::Unpaid),
        ];
        let summary = DossierSummary::new(dossier(), schedule);
        assert_eq!(summary.next_installment.map(|i| i.number), Some(2));
        let paid_off =
            DossierSummary::new(dossier(), vec![installment(1, InstallmentStatus::Paid)]);
        assert_eq!(paid_off.next_installment, None);
    }

    #[test]
    fn sync_reports_count_what_the_store_holds() {
        let report = sync::SyncReport {
            pages: 2,
            changes_applied: 7,
            applied: Default::default(),
            counts: Counts {
                procedures: 1,
                claims: 4,
                dossiers: 1,
                installments: 1,
                documents: 2,
                payments: 0,
                ..Default::default()
            },
            duration: std::time::Duration::from_millis(1234),
            synced_at: Utc::now(),
            restarted_from_scratch: false,
        };
        let json = serde_json::to_value(SyncReport::from(&report)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"applied": 7, "procedures": 1, "claims": 4, "dossiers": 1,
                "installments": 1, "duration_ms": 1234})
        );
    }

    fn rib(iban: &str, rf: &str) -> RibAnswer {
        RibAnswer {
            rib: Rib {
                dossier_reference: "DOS-1".into(),
                holder: "CLAIMDESK RECOUVREMENT SAS".into(),
                iban: iban.into(),
                bic: "AGRIFRPP".into(),
                bank_name: "Crédit Agricole".into(),
                rf_reference: rf.into(),
            },
            origin: Origin::Server,
            produced_at: Utc::now(),
        }
    }

    #[test]
    fn ribs_show_the_iban_and_rf_reference_by_four_and_keep_the_compact_forms() {
        let view = RibView::from(rib("FR7630006000011234567890189", "RF18539007547034"));
        assert_eq!(view.iban_grouped, "FR76 3000 6000 0112 3456 7890 189");
        assert_eq!(view.rf_grouped, "RF18 5390 0754 7034");
        assert_eq!(view.rib.iban, "FR7630006000011234567890189");
        assert_eq!(view.origin, DocumentOrigin::Server);
        // What does not parse still shows, spaced the same way.
        let odd = RibView::from(rib("XX12ABCDEFG", "RF00"));
        assert_eq!(odd.iban_grouped, "XX12 ABCD EFG");
        assert_eq!(odd.rf_grouped, "RF00");
    }

    #[test]
    fn subjects_come_from_the_window_tagged_by_kind() {
        let dossier: DocumentSubject =
            serde_json::from_value(serde_json::json!({"kind": "dossier", "reference": "D-1"}))
                .unwrap();
        assert_eq!(Subject::from(dossier), Subject::Dossier("D-1".into()));
        let claim: DocumentSubject =
            serde_json::from_value(serde_json::json!({"kind": "claim", "id": 7})).unwrap();
        assert_eq!(Subject::from(claim), Subject::Claim(7));
        assert!(
            serde_json::from_value::<DocumentSubject>(serde_json::json!({"kind": "file"})).is_err()
        );
        assert_eq!(
            serde_json::to_value(DocumentOrigin::Provisional).unwrap(),
            serde_json::json!("provisional")
        );
    }
}
