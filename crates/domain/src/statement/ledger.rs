//! What a statement is computed from: a dossier's debts, its contract terms,
//! the fees charged and the payments received.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::legal_rate::LegalRateCategory;
use crate::money::Money;

/// A contractual rate in force from a date on, in percent per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RateChange {
    pub from: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4.50"))]
    pub rate: Decimal,
}

/// The interest that runs on principal past its due date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InterestTerms {
    /// No interest is claimed.
    #[default]
    None,
    /// The contract's rate, which may change over time (oldest first).
    Contractual { rates: Vec<RateChange> },
    /// The legal rate of each half-year, for the creditor's category.
    Legal { category: LegalRateCategory },
}

/// How a partial payment is imputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Imputation {
    /// Code civil 1343-1: interest first, then fees and indemnities, then
    /// principal, oldest debt first.
    #[default]
    InterestFirst,
    /// The dossier agreed otherwise: principal first, then interest, then
    /// fees and indemnities.
    PrincipalFirst,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContractTerms {
    pub interest: InterestTerms,
    /// Penalty clause (clause pénale): a percentage of the principal unpaid at
    /// the due date, acquired at that date.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "10.00"))]
    pub penalty_rate: Option<Decimal>,
    /// A debt between professionals: each invoice paid late owes the flat
    /// recovery fee of Code de commerce L441-10.
    pub professional: bool,
    pub imputation: Imputation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DebtKind {
    Invoice,
    /// One échéance of a loan.
    LoanInstalment,
}

/// One amount the debtor owes from its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Debt {
    /// Invoice or loan reference, as printed on the creditor's documents.
    pub reference: String,
    pub label: String,
    pub kind: DebtKind,
    pub amount: Money,
    /// The birth of the obligation: invoice date, loan signature.
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    /// A loan of one year or more, or a contract whose payment is deferred a
    /// year or more: interest keeps running after an opening judgment (L622-28).
    pub long_term: bool,
}

/// A fee charged to the debtor (frais), due from its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fee {
    pub date: NaiveDate,
    pub label: String,
    pub amount: Money,
}

/// A payment received (a transfer, a card payment, a dividend).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Payment {
    pub date: NaiveDate,
    pub label: String,
    pub amount: Money,
}

/// Everything a dossier's statement is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Ledger {
    pub terms: ContractTerms,
    pub debts: Vec<Debt>,
    pub fees: Vec<Fee>,
    pub payments: Vec<Payment>,
}

/// The collective procedure a dossier's debtor is in, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningJudgment {
    pub date: NaiveDate,
}

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementParams {
    pub as_of: NaiveDate,
    pub judgment: Option<OpeningJudgment>,
    /// The statement of a declared claim: at the judgment date, amounts not
    /// yet due are part of the claim, listed with their dates (L622-25).
    pub declared_claim: bool,
    /// End of the 2020 protected period (ord. 2020-306 art. 4).
    pub protected_end: NaiveDate,
}
