//! The JSON the window receives: the client core's records, arranged as the
//! screens read them. Shapes only; every figure comes from the client core.

use chrono::{DateTime, Utc};
use claimdesk_api::auth::User;
use claimdesk_api::records::{Claim, Dossier, Installment, InstallmentStatus, Procedure};
use claimdesk_client::{Counts, Status, sync};
use claimdesk_domain::Money;
use serde::Serialize;
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
}
