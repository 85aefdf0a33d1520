//! A computed statement: lines a person can redo by hand, and their total.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A debt fallen due.
    Principal,
    ContractualInterest,
    LegalInterest,
    /// Clause pénale.
    Penalty,
    /// The €40 flat recovery fee (L441-10).
    RecoveryFee,
    Fee,
    /// A payment received (negative).
    Payment,
    /// What was paid beyond everything due, owed back to the debtor (negative).
    Credit,
    /// An amount not yet due at the judgment date, part of a declared claim.
    ToFallDue,
}

impl LineKind {
    pub fn label_fr(&self) -> &'static str {
        match self {
            LineKind::Principal => "Principal",
            LineKind::ContractualInterest => "Intérêts conventionnels",
            LineKind::LegalInterest => "Intérêts au taux légal",
            LineKind::Penalty => "Clause pénale",
            LineKind::RecoveryFee => "Indemnité forfaitaire de recouvrement",
            LineKind::Fee => "Frais",
            LineKind::Payment => "Règlement reçu",
            LineKind::Credit => "Trop-perçu",
            LineKind::ToFallDue => "À échoir",
        }
    }
}

/// Everything needed to redo a line by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Explanation {
    /// The amount the rate applies to.
    pub basis: Option<Money>,
    /// Percent per year (interest) or percent (penalty).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "4.92"))]
    pub rate: Option<Decimal>,
    /// Interest runs from this date (excluded) to `to` (included).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub days: Option<i64>,
    /// The rule applied: "C. civ. 1343-1", "C. com. L441-10"…
    pub rule: String,
    /// The computation in words, in French.
    pub text: String,
}

impl Explanation {
    /// A line no rate or period went into: its rule and its words.
    pub fn rule(rule: impl Into<String>, text: impl Into<String>) -> Explanation {
        Explanation {
            basis: None,
            rate: None,
            from: None,
            to: None,
            days: None,
            rule: rule.into(),
            text: text.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatementLine {
    pub date: NaiveDate,
    pub kind: LineKind,
    pub label: String,
    /// Signed: payments and credits are negative.
    pub amount: Money,
    /// The running balance after this line.
    pub balance: Money,
    pub explanation: Explanation,
}

/// An amount that falls due after the statement's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScheduledAmount {
    pub due_on: NaiveDate,
    pub reference: String,
    pub amount: Money,
}

/// What remains due, by nature (CPCE R124-4: principal, interest, fees).
/// The parts add up to the total.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Breakdown {
    pub principal: Money,
    pub interest: Money,
    /// Penalty clause and flat recovery fees.
    pub penalties: Money,
    pub fees: Money,
    /// Amounts to fall due included in a declared claim.
    pub to_fall_due: Money,
    /// Zero or negative: paid beyond what was due.
    pub credit: Money,
}

impl Breakdown {
    pub fn total(&self) -> Money {
        self.principal + self.interest + self.penalties + self.fees + self.to_fall_due + self.credit
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Statement {
    pub as_of: NaiveDate,
    /// The statement of a declared claim, at the opening-judgment date.
    pub declared_claim: bool,
    pub judgment_date: Option<NaiveDate>,
    pub lines: Vec<StatementLine>,
    pub breakdown: Breakdown,
    /// The sum of the lines, to the cent.
    pub total: Money,
    /// Amounts falling due after `as_of` (for a declared claim they are also
    /// lines of the claim).
    pub to_fall_due: Vec<ScheduledAmount>,
    /// How interest that keeps running after the judgment is computed (R622-23).
    pub running_interest: Option<String>,
    /// What was not claimed and why, and other remarks.
    pub notes: Vec<String>,
    /// Computed on a client from synced data, not issued by the creditor.
    pub provisional: bool,
}
