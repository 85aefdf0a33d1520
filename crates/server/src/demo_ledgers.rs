//! The demo's debts, terms, fees and payments: what its statements are
//! computed from. Declared amounts of demo claims are computed from these, so
//! a claim's statement at the judgment date gives back what was declared.

use chrono::{Duration, NaiveDate};
use claimdesk_domain::Money;
use claimdesk_domain::legal_rate::LegalRateCategory;
use claimdesk_domain::ordinance_2020::PROTECTED_END_AS_TOLD;
use claimdesk_domain::statement::{
    self, ContractTerms, Debt, DebtKind, Fee, Imputation, InterestTerms, Ledger, OpeningJudgment,
    RateChange, Statement, StatementError, StatementParams,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// How a creditor's debts look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DebtStyle {
    /// Loan instalments at a contractual rate; loans of a year or more.
    Loan,
    /// Monthly rents with a penalty clause, between professionals.
    Lease,
    /// Supply invoices between professionals, at the legal rate.
    Supply,
}

const LOAN_RATES: [i64; 5] = [390, 450, 520, 610, 725];

pub(crate) fn terms(rng: &mut ChaCha8Rng, style: DebtStyle) -> ContractTerms {
    match style {
        DebtStyle::Loan => ContractTerms {
            interest: InterestTerms::Contractual {
                rates: vec![RateChange {
                    from: NaiveDate::from_ymd_opt(2010, 1, 1).expect("valid date"),
                    rate: Decimal::new(LOAN_RATES[rng.gen_range(0..LOAN_RATES.len())], 2),
                }],
            },
            penalty_rate: rng.gen_bool(0.6).then(|| Decimal::new(5, 0)),
            professional: false,
            imputation: Imputation::InterestFirst,
        },
        DebtStyle::Lease => ContractTerms {
            interest: InterestTerms::Legal {
                category: LegalRateCategory::Other,
            },
            penalty_rate: Some(Decimal::new(10, 0)),
            professional: true,
            imputation: Imputation::InterestFirst,
        },
        DebtStyle::Supply => ContractTerms {
            interest: InterestTerms::Legal {
                category: LegalRateCategory::Other,
            },
            penalty_rate: None,
            professional: true,
            imputation: Imputation::InterestFirst,
        },
    }
}

/// Splits `total` into `parts` amounts, the rounding cents on the last.
fn split(total: Money, parts: i64) -> Vec<Money> {
    let each = total.cents() / parts;
    (0..parts)
        .map(|i| {
            if i == parts - 1 {
                Money::from_cents(total.cents() - each * (parts - 1))
            } else {
                Money::from_cents(each)
            }
        })
        .collect()
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// The debts of one claim: `due` fell due before the judgment, `to_fall_due`
/// falls due after it.
pub(crate) fn claim_debts(
    rng: &mut ChaCha8Rng,
    style: DebtStyle,
    prefix: &str,
    due: Money,
    to_fall_due: Money,
    judgment: NaiveDate,
) -> Vec<Debt> {
    let mut debts = Vec::new();
    let (kind, long_term, label) = match style {
        DebtStyle::Loan => (DebtKind::LoanInstalment, true, "Échéance du prêt"),
        DebtStyle::Lease => (DebtKind::Invoice, false, "Loyer de crédit-bail"),
        DebtStyle::Supply => (DebtKind::Invoice, false, "Facture de fourniture"),
    };
    let signed = judgment - days(rng.gen_range(420..1_500));
    let past = rng.gen_range(1..=4i64);
    for (k, amount) in split(due, past).into_iter().enumerate() {
        let due_on = judgment - days(30 * (past - k as i64) + rng.gen_range(0..10));
        let issued_on = match style {
            DebtStyle::Loan => signed,
            _ => due_on - days(30),
        };
        debts.push(Debt {
            reference: format!("{prefix}-{:02}", k + 1),
            label: label.to_owned(),
            kind,
            amount,
            issued_on,
            due_on,
            long_term,
        });
    }
    if !to_fall_due.is_zero() {
        let future = rng.gen_range(2..=4i64);
        for (k, amount) in split(to_fall_due, future).into_iter().enumerate() {
            debts.push(Debt {
                reference: format!("{prefix}-{:02}", past as usize + k + 1),
                label: label.to_owned(),
                kind,
                amount,
                issued_on: signed,
                due_on: judgment + days(30 * (k as i64 + 1)),
                long_term,
            });
        }
    }
    debts
}

/// A fee charged before the judgment, for some claims.
pub(crate) fn claim_fee(
    rng: &mut ChaCha8Rng,
    style: DebtStyle,
    judgment: NaiveDate,
) -> Option<Fee> {
    let (chance, low, high, label) = match style {
        DebtStyle::Loan => (0.8, 45, 1_500, "Frais de recouvrement contentieux"),
        DebtStyle::Lease => (0.5, 40, 600, "Frais de restitution du matériel"),
        DebtStyle::Supply => (0.3, 30, 250, "Frais de mise en demeure"),
    };
    rng.gen_bool(chance).then(|| Fee {
        date: judgment - days(rng.gen_range(5..25)),
        label: label.to_owned(),
        amount: Money::from_cents(rng.gen_range(low * 100..=high * 100)),
    })
}

/// The statement of a claim as declared: at the judgment date.
pub(crate) fn declared(ledger: &Ledger, judgment: NaiveDate) -> Result<Statement, StatementError> {
    statement::compute(
        ledger,
        &StatementParams {
            as_of: judgment,
            judgment: Some(OpeningJudgment { date: judgment }),
            declared_claim: true,
            protected_end: PROTECTED_END_AS_TOLD,
        },
    )
}

/// The statement of a dossier at `as_of`.
pub(crate) fn at(
    ledger: &Ledger,
    judgment: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Result<Statement, StatementError> {
    statement::compute(
        ledger,
        &StatementParams {
            as_of,
            judgment: judgment.map(|date| OpeningJudgment { date }),
            declared_claim: false,
            protected_end: PROTECTED_END_AS_TOLD,
        },
    )
}
