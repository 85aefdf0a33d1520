//! The records a user reads: procedures, claims, dossiers and instalments.
//! The sync feed and the read endpoints carry exactly these shapes.

use chrono::NaiveDate;
use claimdesk_domain::procedure::ProcedureDeadlines;
use claimdesk_domain::statement::Ledger;
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::documents::{Rib, Servicer};

/// A company (the debtor of a procedure or a dossier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Company {
    pub name: String,
    /// 9 digits, valid by Luhn.
    pub siren: String,
    /// "RCS Lyon 123 456 789".
    pub rcs: String,
    /// SAS, SARL, SA, EURL, SCI…
    pub legal_form: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Procedure {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub kind: ProcedureKind,
    pub stage: ProcedureStage,
    pub debtor: Company,
    /// "Tribunal de commerce de Lyon".
    pub tribunal: String,
    pub judgment_date: NaiveDate,
    pub bodacc_date: Option<NaiveDate>,
    /// Last day to declare a claim (R622-24), from the BODACC date.
    pub declaration_deadline: Option<NaiveDate>,
    /// The étude appointed (mandataire judiciaire or liquidateur).
    pub etude_name: String,
    pub mandataire: String,
    pub administrateur: Option<String>,
    pub juge_commissaire: Option<String>,
    /// End of the plan, when one was adopted.
    pub plan_end_date: Option<NaiveDate>,
    /// Every deadline the procedure shows, once the date it runs from is known.
    pub deadlines: ProcedureDeadlines,
}

/// The amounts of a declaration of claim (L622-25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeclaredAmounts {
    /// Principal due at the judgment date.
    pub principal: Money,
    /// Interest accrued to the judgment date.
    pub interest: Money,
    pub penalties: Money,
    pub fees: Money,
    /// Amounts not yet due at the judgment date.
    pub to_fall_due: Money,
    /// Sum of the five lines above, to the cent.
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Claim {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub procedure_id: i64,
    pub dossier_reference: String,
    pub creditor: String,
    /// The company of the group that services the claim.
    pub servicing_entity: String,
    pub declared: DeclaredAmounts,
    pub nature: ClaimNature,
    /// Declared as provisional (à titre provisionnel).
    pub provisional: bool,
    pub declaration_date: NaiveDate,
    /// Declared after the deadline (a relief from foreclosure is then needed).
    pub late: bool,
    pub admission: AdmissionStatus,
    pub admitted_amount: Option<Money>,
    pub decision_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Guarantee {
    pub guarantor_name: String,
    /// The most the guarantor can be asked to pay.
    pub amount: Money,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dossier {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub reference: String,
    pub debtor: Company,
    pub creditor: String,
    pub servicing_entity: String,
    pub manager: Contact,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub procedure_id: Option<i64>,
    pub procedure_kind: Option<ProcedureKind>,
    pub opened_on: NaiveDate,
    pub principal: Money,
    /// What remains due today.
    pub balance: Money,
    /// The guarantees on this dossier.
    pub guarantees: Vec<Guarantee>,
    /// The opening judgment of the dossier's procedure: interest stops there
    /// (L622-28) and a declared claim is stated at that date.
    pub judgment_date: Option<NaiveDate>,
    /// The servicing entity's letterhead.
    pub servicer: Servicer,
    /// Where to pay, and the reference to quote.
    pub rib: Rib,
    /// What the dossier's statement is computed from.
    pub ledger: Ledger,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InstallmentStatus {
    Unpaid,
    PartlyPaid,
    Paid,
}

/// One échéance of a plan schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Installment {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub dossier_reference: String,
    /// 1 for the first échéance.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub number: i64,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub paid: Money,
    pub status: InstallmentStatus,
}

/// A dossier with everything attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DossierDetail {
    pub dossier: Dossier,
    pub installments: Vec<Installment>,
    pub claims: Vec<Claim>,
}

/// A page of a long list, keyed by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClaimPage {
    pub claims: Vec<Claim>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<i64>,
}

/// Query of `GET /v1/claims`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimListQuery {
    pub after: Option<i64>,
    pub limit: Option<u32>,
}
