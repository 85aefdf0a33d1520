//! Agency-side changes, reserved to the admin role.

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureStage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The juge-commissaire's decision on a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimDecision {
    pub admission: AdmissionStatus,
    /// Required for `partly_admitted`; defaults to the declared total for `admitted`.
    pub admitted_amount: Option<Money>,
    pub decision_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    pub procedure_id: i64,
    pub dossier_reference: String,
    pub principal: Money,
    pub interest: Money,
    pub penalties: Money,
    pub fees: Money,
    pub to_fall_due: Money,
    pub nature: ClaimNature,
    pub provisional: bool,
    pub declaration_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageChange {
    pub stage: ProcedureStage,
}

/// Who a grant is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GrantSubject {
    /// Every user of an étude.
    Etude { id: i64 },
    /// One user.
    User { email: String },
}

/// What a grant opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GrantObject {
    /// A procedure and every claim in it.
    Procedure { id: i64 },
    /// A dossier, its claims and its instalments.
    Dossier { reference: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub subject: GrantSubject,
    pub object: GrantObject,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivationCodeRequest {
    pub reference: String,
    /// `debtor` for the dossier's company, `guarantor` for one of its guarantors.
    pub role: crate::auth::Role,
    /// The name the account will carry (the company's or the guarantor's).
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivationCode {
    pub reference: String,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// Answer of admin changes that create or touch a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Changed {
    pub id: i64,
}
