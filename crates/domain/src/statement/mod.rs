//! Statements (décomptes): what a debtor owes at a date, line by line, each
//! line with the basis, rate, period and rule that produced it.

mod engine;
mod explain;
mod ledger;
mod lines;

pub use engine::{RECOVERY_FEE, compute};
pub use explain::rate_fr;
pub use ledger::{
    ContractTerms, Debt, DebtKind, Fee, Imputation, InterestTerms, Ledger, OpeningJudgment,
    Payment, RateChange, StatementParams,
};
pub use lines::{Breakdown, Explanation, LineKind, ScheduledAmount, Statement, StatementLine};

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("no legal interest rate is known for {date}")]
    LegalRateUnknown { date: NaiveDate },
    #[error("no contractual rate is in force on {date}")]
    NoContractualRate { date: NaiveDate },
    #[error("the statement of a declared claim needs the opening-judgment date")]
    DeclaredClaimWithoutJudgment,
    #[error("inconsistent ledger: {0}")]
    InvalidLedger(String),
}

#[cfg(test)]
mod tests;
