//! Statements computed by hand, line by line.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::legal_rate::LegalRateCategory;
use crate::money::Money;
use crate::ordinance_2020::PROTECTED_END_AS_TOLD;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eur(text: &str) -> Money {
    text.parse().unwrap()
}

fn terms(interest: InterestTerms) -> ContractTerms {
    ContractTerms {
        interest,
        penalty_rate: None,
        professional: false,
        imputation: Imputation::InterestFirst,
    }
}

fn contractual(rate: Decimal) -> InterestTerms {
    InterestTerms::Contractual {
        rates: vec![RateChange {
            from: d(2000, 1, 1),
            rate,
        }],
    }
}

fn debt(reference: &str, amount: &str, issued_on: NaiveDate, due_on: NaiveDate) -> Debt {
    Debt {
        reference: reference.into(),
        label: format!("Facture {reference}"),
        kind: DebtKind::Invoice,
        amount: eur(amount),
        issued_on,
        due_on,
        long_term: false,
    }
}

fn payment(date: NaiveDate, amount: &str) -> Payment {
    Payment {
        date,
        label: format!("Virement du {date}"),
        amount: eur(amount),
    }
}

fn at(as_of: NaiveDate) -> StatementParams {
    StatementParams {
        as_of,
        judgment: None,
        declared_claim: false,
        protected_end: PROTECTED_END_AS_TOLD,
    }
}

/// (kind, date, amount) of every line.
fn shape(statement: &Statement) -> Vec<(LineKind, NaiveDate, Money)> {
    statement
        .lines
        .iter()
        .map(|l| (l.kind, l.date, l.amount))
        .collect()
}

#[test]
fn legal_interest_splits_at_the_half_year_and_takes_each_rate() {
    let ledger = Ledger {
        terms: terms(InterestTerms::Legal {
            category: LegalRateCategory::Other,
        }),
        debts: vec![debt("F-1", "10000.00", d(2024, 4, 1), d(2024, 5, 31))],
        fees: vec![],
        payments: vec![],
    };
    let s = compute(&ledger, &at(d(2024, 8, 31))).unwrap();
    // 10 000 × 5,07 % × 30 / 365 = 41,6712… ; 10 000 × 4,92 % × 62 / 365 = 83,5726…
    assert_eq!(
        shape(&s),
        vec![
            (LineKind::Principal, d(2024, 5, 31), eur("10000.00")),
            (LineKind::LegalInterest, d(2024, 6, 30), eur("41.67")),
            (LineKind::LegalInterest, d(2024, 8, 31), eur("83.57")),
        ]
    );
    assert_eq!(s.lines[1].explanation.days, Some(30));
    assert_eq!(s.lines[1].explanation.rate, Some(dec!(5.07)));
    assert_eq!(s.lines[2].explanation.days, Some(62));
    assert_eq!(s.lines[2].explanation.rate, Some(dec!(4.92)));
    assert!(s.lines[2].explanation.rule.contains("2024 S2"));
    assert_eq!(
        s.lines[2].explanation.text,
        "10\u{202f}000,00\u{a0}€ × 4,92\u{a0}% × 62 j / 365 = 83,57\u{a0}€"
    );
    assert_eq!(s.total, eur("10125.24"));
    assert_eq!(s.lines[2].balance, s.total);

    let individual = Ledger {
        terms: terms(InterestTerms::Legal {
            category: LegalRateCategory::Individual,
        }),
        ..ledger
    };
    let s = compute(&individual, &at(d(2024, 8, 31))).unwrap();
    // 10 000 × 8,01 % × 30 / 365 = 65,8356… ; 10 000 × 8,16 % × 62 / 365 = 138,6082…
    assert_eq!(s.lines[1].amount, eur("65.84"));
    assert_eq!(s.lines[2].amount, eur("138.61"));
    assert_eq!(s.total, eur("10204.45"));
}

#[test]
fn a_payment_goes_to_interest_before_principal() {
    let ledger = Ledger {
        terms: terms(contractual(dec!(10))),
        debts: vec![debt("F-1", "1000.00", d(2024, 12, 1), d(2025, 1, 1))],
        fees: vec![],
        payments: vec![payment(d(2025, 4, 11), "100.00")],
    };
    let s = compute(&ledger, &at(d(2025, 7, 20))).unwrap();
    // 1 000 × 10 % × 100 / 365 = 27,397… ; then 927,40 × 10 % × 100 / 365 = 25,408…
    assert_eq!(
        shape(&s),
        vec![
            (LineKind::Principal, d(2025, 1, 1), eur("1000.00")),
            (LineKind::ContractualInterest, d(2025, 4, 11), eur("27.40")),
            (LineKind::Payment, d(2025, 4, 11), eur("-100.00")),
            (LineKind::ContractualInterest, d(2025, 7, 20), eur("25.41")),
        ]
    );
    assert_eq!(
        s.lines[2].explanation.text,
        "Imputé : 27,40\u{a0}€ sur intérêts, 72,60\u{a0}€ sur principal"
    );
    assert!(s.lines[2].explanation.rule.contains("1343-1"));
    assert_eq!(s.lines[3].explanation.basis, Some(eur("927.40")));
    assert_eq!(s.total, eur("952.81"));
    assert_eq!(s.breakdown.principal, eur("927.40"));
    assert_eq!(s.breakdown.interest, eur("25.41"));
    assert_eq!(s.breakdown.total(), s.total);

    let principal_first = Ledger {
        terms: ContractTerms {
            imputation: Imputation::PrincipalFirst,
            ..ledger.terms.clone()
        },
        ..ledger
    };
    let s = compute(&principal_first, &at(d(2025, 7, 20))).unwrap();
    // 900 × 10 % × 100 / 365 = 24,657…
    assert_eq!(s.lines[3].amount, eur("24.66"));
    assert_eq!(s.breakdown.principal, eur("900.00"));
    assert_eq!(s.breakdown.interest, eur("52.06"));
    assert_eq!(s.total, eur("952.06"));
}

#[test]
fn contractual_rate_changes_make_one_line_per_rate() {
    let ledger = Ledger {
        terms: terms(InterestTerms::Contractual {
            rates: vec![
                RateChange {
                    from: d(2020, 1, 1),
                    rate: dec!(4),
                },
                RateChange {
                    from: d(2025, 3, 1),
                    rate: dec!(5.5),
                },
            ],
        }),
        debts: vec![debt("P-1", "3650.00", d(2025, 1, 1), d(2025, 1, 31))],
        fees: vec![],
        payments: vec![],
    };
    let s = compute(&ledger, &at(d(2025, 3, 31))).unwrap();
    // 3 650 × 4 % × 28 / 365 = 11,20 ; 3 650 × 5,5 % × 31 / 365 = 17,05
    assert_eq!(
        shape(&s)[1..],
        [
            (LineKind::ContractualInterest, d(2025, 2, 28), eur("11.20")),
            (LineKind::ContractualInterest, d(2025, 3, 31), eur("17.05")),
        ]
    );
    assert_eq!(s.total, eur("3678.25"));
}

#[test]
fn the_flat_recovery_fee_is_owed_per_late_invoice_between_professionals() {
    let ledger = Ledger {
        terms: ContractTerms {
            professional: true,
            ..terms(InterestTerms::None)
        },
        debts: vec![
            debt("F-A", "500.00", d(2025, 3, 1), d(2025, 3, 31)),
            debt("F-B", "800.00", d(2025, 3, 1), d(2025, 3, 31)),
        ],
        fees: vec![],
        payments: vec![
            payment(d(2025, 3, 31), "500.00"),
            payment(d(2025, 4, 15), "800.00"),
        ],
    };
    let s = compute(&ledger, &at(d(2025, 5, 1))).unwrap();
    assert_eq!(
        shape(&s),
        vec![
            (LineKind::Principal, d(2025, 3, 31), eur("500.00")),
            (LineKind::Principal, d(2025, 3, 31), eur("800.00")),
            (LineKind::Payment, d(2025, 3, 31), eur("-500.00")),
            (LineKind::RecoveryFee, d(2025, 4, 1), eur("40.00")),
            (LineKind::Payment, d(2025, 4, 15), eur("-800.00")),
        ]
    );
    assert!(s.lines[3].label.contains("F-B"));
    assert!(s.lines[3].explanation.rule.contains("L441-10"));
    // The second payment pays the fee before the principal: 40 € of F-B stay due.
    assert_eq!(s.breakdown.principal, eur("40.00"));
    assert_eq!(s.breakdown.penalties, Money::ZERO);
    assert_eq!(s.total, eur("40.00"));
}

#[test]
fn no_recovery_fee_where_the_procedure_forbade_payment_at_the_due_date() {
    let ledger = Ledger {
        terms: ContractTerms {
            professional: true,
            ..terms(InterestTerms::None)
        },
        debts: vec![
            debt("F-1", "1000.00", d(2025, 1, 10), d(2025, 1, 31)),
            debt("F-2", "700.00", d(2025, 1, 10), d(2025, 2, 28)),
        ],
        fees: vec![],
        payments: vec![],
    };
    let params = StatementParams {
        judgment: Some(OpeningJudgment {
            date: d(2025, 2, 15),
        }),
        ..at(d(2025, 4, 30))
    };
    let s = compute(&ledger, &params).unwrap();
    let fees: Vec<_> = s
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::RecoveryFee)
        .collect();
    assert_eq!(fees.len(), 1);
    assert!(fees[0].label.contains("F-1"));
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("F-2") && n.contains("L622-7"))
    );
    assert_eq!(s.total, eur("1740.00"));
}

/// Interest stops at the judgment except on a loan of a year or more.
fn stop_ledger() -> Ledger {
    let mut loan = debt("L-1", "2000.00", d(2023, 1, 1), d(2025, 1, 31));
    loan.kind = DebtKind::LoanInstalment;
    loan.long_term = true;
    let mut next = debt("L-2", "2000.00", d(2023, 1, 1), d(2025, 4, 30));
    next.kind = DebtKind::LoanInstalment;
    next.long_term = true;
    Ledger {
        terms: terms(contractual(dec!(6))),
        debts: vec![
            debt("F-X", "1000.00", d(2024, 10, 1), d(2024, 12, 31)),
            loan,
            next,
        ],
        fees: vec![],
        payments: vec![],
    }
}

#[test]
fn interest_stops_at_the_judgment_except_on_long_loans() {
    let params = StatementParams {
        judgment: Some(OpeningJudgment {
            date: d(2025, 3, 1),
        }),
        ..at(d(2025, 4, 29))
    };
    let s = compute(&stop_ledger(), &params).unwrap();
    // (31/12, 31/01] 1 000 × 6 % × 31 / 365 = 5,0958… ; (31/01, 01/03] 3 000 × 6 % × 29 / 365 = 14,3013… ;
    // after the judgment only L-1 runs: (01/03, 29/04] 2 000 × 6 % × 59 / 365 = 19,3972…
    assert_eq!(
        shape(&s),
        vec![
            (LineKind::Principal, d(2024, 12, 31), eur("1000.00")),
            (LineKind::ContractualInterest, d(2025, 1, 31), eur("5.10")),
            (LineKind::Principal, d(2025, 1, 31), eur("2000.00")),
            (LineKind::ContractualInterest, d(2025, 3, 1), eur("14.30")),
            (LineKind::ContractualInterest, d(2025, 4, 29), eur("19.40")),
        ]
    );
    assert_eq!(s.lines[4].explanation.basis, Some(eur("2000.00")));
    assert_eq!(s.total, eur("3038.80"));
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("L622-28") && n.contains("01/03/2025"))
    );
    assert_eq!(s.to_fall_due.len(), 1);
    assert_eq!(s.to_fall_due[0].due_on, d(2025, 4, 30));
    let running = s.running_interest.expect("L-1 and L-2 keep running");
    assert!(
        running.contains("L-1, L-2")
            && running.contains("6,00\u{a0}%")
            && running.contains("R622-23")
    );
}

#[test]
fn a_declared_claim_is_at_the_judgment_date_with_amounts_to_fall_due() {
    let params = StatementParams {
        judgment: Some(OpeningJudgment {
            date: d(2025, 3, 1),
        }),
        declared_claim: true,
        ..at(d(2026, 1, 1))
    };
    let s = compute(&stop_ledger(), &params).unwrap();
    assert_eq!(s.as_of, d(2025, 3, 1));
    assert_eq!(
        shape(&s),
        vec![
            (LineKind::Principal, d(2024, 12, 31), eur("1000.00")),
            (LineKind::ContractualInterest, d(2025, 1, 31), eur("5.10")),
            (LineKind::Principal, d(2025, 1, 31), eur("2000.00")),
            (LineKind::ContractualInterest, d(2025, 3, 1), eur("14.30")),
            (LineKind::ToFallDue, d(2025, 3, 1), eur("2000.00")),
        ]
    );
    assert!(s.lines[4].label.contains("30/04/2025"));
    assert!(s.lines[4].explanation.rule.contains("L622-25"));
    assert_eq!(s.breakdown.to_fall_due, eur("2000.00"));
    assert_eq!(s.breakdown.interest, eur("19.40"));
    assert_eq!(s.total, eur("5019.40"));
    assert_eq!(s.breakdown.total(), s.total);

    let no_judgment = StatementParams {
        judgment: None,
        ..params
    };
    assert_eq!(
        compute(&stop_ledger(), &no_judgment),
        Err(StatementError::DeclaredClaimWithoutJudgment)
    );
}

#[test]
fn penalty_clauses_of_the_protected_period_follow_the_2020_ordinance() {
    let paid_in_time = debt("F-3", "500.00", d(2020, 2, 1), d(2020, 3, 25));
    let ledger = Ledger {
        terms: ContractTerms {
            penalty_rate: Some(dec!(10)),
            ..terms(InterestTerms::None)
        },
        debts: vec![
            debt("F-1", "1000.00", d(2019, 6, 1), d(2020, 3, 20)),
            debt("F-2", "2000.00", d(2020, 3, 20), d(2020, 4, 19)),
            paid_in_time,
        ],
        fees: vec![],
        payments: vec![payment(d(2020, 5, 1), "500.00")],
    };
    let s = compute(&ledger, &at(d(2020, 12, 31))).unwrap();
    let penalties: Vec<_> = s
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Penalty)
        .map(|l| (l.label.clone(), l.date, l.amount))
        .collect();
    // Due 20/03/2020: 8 days remained after 12/03 → 24/06 + 8 = 02/07.
    // Due 25/03/2020: 13 days → 07/07. Invoice of 20/03 due 19/04: 30 days → 24/07.
    // The payment of 01/05 went to F-1, the oldest due: 500 € of it are unpaid at 02/07.
    assert_eq!(
        penalties,
        vec![
            (
                "Clause pénale — F-1".to_owned(),
                d(2020, 7, 2),
                eur("50.00")
            ),
            (
                "Clause pénale — F-3".to_owned(),
                d(2020, 7, 7),
                eur("50.00")
            ),
            (
                "Clause pénale — F-2".to_owned(),
                d(2020, 7, 24),
                eur("200.00")
            ),
        ]
    );
    let rules: Vec<_> = s
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Penalty)
        .map(|l| l.explanation.rule.clone())
        .collect();
    assert!(rules[0].contains("24/06/2020 + 8 j"));
    assert!(rules[1].contains("24/06/2020 + 13 j"));
    assert!(rules[2].contains("24/06/2020 + 30 j"));
    assert_eq!(s.total, eur("3300.00"));

    let mut only_f3 = ledger.clone();
    only_f3.debts.retain(|d| d.reference == "F-3");
    let s = compute(&only_f3, &at(d(2020, 12, 31))).unwrap();
    assert!(s.lines.iter().all(|l| l.kind != LineKind::Penalty));
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("F-3") && n.contains("sans effet"))
    );
    assert_eq!(s.total, Money::ZERO);
}

#[test]
fn a_penalty_outside_the_protected_period_is_acquired_the_day_after_the_due_date() {
    let ledger = Ledger {
        terms: ContractTerms {
            penalty_rate: Some(dec!(15)),
            ..terms(InterestTerms::None)
        },
        debts: vec![debt("F-9", "333.33", d(2024, 1, 1), d(2024, 2, 1))],
        fees: vec![],
        payments: vec![],
    };
    let s = compute(&ledger, &at(d(2024, 3, 1))).unwrap();
    // 15 % × 333,33 = 49,9995 → 50,00 (half-up)
    assert_eq!(
        shape(&s)[1],
        (LineKind::Penalty, d(2024, 2, 2), eur("50.00"))
    );
    assert_eq!(s.breakdown.penalties, eur("50.00"));
}

#[test]
fn fees_are_lines_of_their_own() {
    let ledger = Ledger {
        terms: terms(InterestTerms::None),
        debts: vec![debt("F-1", "100.00", d(2025, 1, 1), d(2025, 1, 31))],
        fees: vec![Fee {
            date: d(2025, 2, 10),
            label: "Frais de mise en demeure".into(),
            amount: eur("12.50"),
        }],
        payments: vec![payment(d(2025, 2, 20), "20.00")],
    };
    let s = compute(&ledger, &at(d(2025, 3, 1))).unwrap();
    assert_eq!(shape(&s)[1], (LineKind::Fee, d(2025, 2, 10), eur("12.50")));
    assert_eq!(
        s.lines[2].explanation.text,
        "Imputé : 12,50\u{a0}€ sur frais, 7,50\u{a0}€ sur principal"
    );
    assert_eq!(s.breakdown.fees, Money::ZERO);
    assert_eq!(s.breakdown.principal, eur("92.50"));
    assert_eq!(s.total, eur("92.50"));
}

#[test]
fn an_over_payment_shows_as_a_credit_line() {
    let ledger = Ledger {
        terms: terms(InterestTerms::None),
        debts: vec![debt("F-1", "100.00", d(2025, 1, 1), d(2025, 1, 1))],
        fees: vec![],
        payments: vec![payment(d(2025, 1, 5), "150.00")],
    };
    let s = compute(&ledger, &at(d(2025, 2, 1))).unwrap();
    assert_eq!(
        shape(&s),
        vec![
            (LineKind::Principal, d(2025, 1, 1), eur("100.00")),
            (LineKind::Payment, d(2025, 1, 5), eur("-100.00")),
            (LineKind::Credit, d(2025, 1, 5), eur("-50.00")),
        ]
    );
    assert_eq!(s.breakdown.credit, eur("-50.00"));
    assert_eq!(s.total, eur("-50.00"));
}

#[test]
fn a_payment_ahead_of_the_due_date_pays_what_falls_due_later() {
    let ledger = Ledger {
        terms: terms(contractual(dec!(10))),
        debts: vec![debt("F-1", "100.00", d(2025, 1, 1), d(2025, 3, 1))],
        fees: vec![],
        payments: vec![payment(d(2025, 2, 1), "60.00")],
    };
    let s = compute(&ledger, &at(d(2025, 4, 1))).unwrap();
    // Paid ahead: a credit until 01/03, then it pays 60 € of F-1, and
    // interest runs on the 40 € left: 40 × 10 % × 31 / 365 = 0,3397… → 0,34.
    assert_eq!(
        shape(&s),
        vec![
            (LineKind::Credit, d(2025, 2, 1), eur("-60.00")),
            (LineKind::Principal, d(2025, 3, 1), eur("100.00")),
            (LineKind::ContractualInterest, d(2025, 4, 1), eur("0.34")),
        ]
    );
    assert_eq!(s.breakdown.credit, Money::ZERO);
    assert_eq!(s.breakdown.principal, eur("40.00"));
    assert_eq!(s.total, eur("40.34"));
    assert!(
        s.notes.iter().any(|n| n.contains("Trop-perçu de 60,00")),
        "{:?}",
        s.notes
    );
}

#[test]
fn legal_interest_before_the_table_is_an_error() {
    let ledger = Ledger {
        terms: terms(InterestTerms::Legal {
            category: LegalRateCategory::Other,
        }),
        debts: vec![debt("F-1", "100.00", d(2010, 1, 1), d(2010, 2, 1))],
        fees: vec![],
        payments: vec![],
    };
    assert!(matches!(
        compute(&ledger, &at(d(2010, 6, 1))),
        Err(StatementError::LegalRateUnknown { .. })
    ));
}

#[test]
fn a_bad_ledger_is_refused() {
    let mut ledger = Ledger {
        terms: terms(InterestTerms::None),
        debts: vec![debt("F-1", "100.00", d(2025, 2, 1), d(2025, 1, 1))],
        fees: vec![],
        payments: vec![],
    };
    assert!(matches!(
        compute(&ledger, &at(d(2025, 6, 1))),
        Err(StatementError::InvalidLedger(_))
    ));
    ledger.debts[0].due_on = d(2025, 3, 1);
    ledger.payments.push(payment(d(2025, 4, 1), "0.00"));
    assert!(matches!(
        compute(&ledger, &at(d(2025, 6, 1))),
        Err(StatementError::InvalidLedger(_))
    ));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn day() -> impl Strategy<Value = NaiveDate> {
        (0i64..3650).prop_map(|n| d(2016, 1, 1) + chrono::TimeDelta::days(n))
    }

    fn amount() -> impl Strategy<Value = Money> {
        (1i64..2_000_000).prop_map(Money::from_cents)
    }

    fn ledger() -> impl Strategy<Value = (Ledger, NaiveDate, Option<NaiveDate>)> {
        let debts = prop::collection::vec(
            (day(), 0i64..800, amount(), any::<bool>(), any::<bool>()),
            1..6,
        );
        let payments = prop::collection::vec((day(), amount()), 0..6);
        let fees = prop::collection::vec((day(), amount()), 0..3);
        let interest = prop_oneof![
            Just(InterestTerms::None),
            (0u32..2000).prop_map(|bp| InterestTerms::Contractual {
                rates: vec![RateChange {
                    from: d(2000, 1, 1),
                    rate: Decimal::new(bp.into(), 2)
                }]
            }),
            any::<bool>().prop_map(|individual| InterestTerms::Legal {
                category: if individual {
                    LegalRateCategory::Individual
                } else {
                    LegalRateCategory::Other
                }
            }),
        ];
        let terms = (
            interest,
            prop::option::of(0u32..3000),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(interest, penalty, professional, interest_first)| ContractTerms {
                    interest,
                    penalty_rate: penalty.map(|bp| Decimal::new(bp.into(), 2)),
                    professional,
                    imputation: if interest_first {
                        Imputation::InterestFirst
                    } else {
                        Imputation::PrincipalFirst
                    },
                },
            );
        (terms, debts, payments, fees, day(), prop::option::of(day())).prop_map(
            |(terms, debts, payments, fees, as_of, judgment)| {
                let ledger = Ledger {
                    terms,
                    debts: debts
                        .into_iter()
                        .enumerate()
                        .map(|(i, (issued, term, amount, long_term, loan))| Debt {
                            reference: format!("D-{i}"),
                            label: format!("dette {i}"),
                            kind: if loan {
                                DebtKind::LoanInstalment
                            } else {
                                DebtKind::Invoice
                            },
                            amount,
                            issued_on: issued,
                            due_on: issued + chrono::TimeDelta::days(term),
                            long_term,
                        })
                        .collect(),
                    fees: fees
                        .into_iter()
                        .map(|(date, amount)| Fee {
                            date,
                            label: "frais".into(),
                            amount,
                        })
                        .collect(),
                    payments: payments
                        .into_iter()
                        .map(|(date, amount)| Payment {
                            date,
                            label: "règlement".into(),
                            amount,
                        })
                        .collect(),
                };
                (ledger, as_of, judgment)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn lines_always_add_up_to_the_total((ledger, as_of, judgment) in ledger(), declared in any::<bool>()) {
            let params = StatementParams {
                as_of,
                judgment: judgment.map(|date| OpeningJudgment { date }),
                declared_claim: declared && judgment.is_some(),
                protected_end: PROTECTED_END_AS_TOLD,
            };
            let s = compute(&ledger, &params).unwrap();
            let sum: Money = s.lines.iter().map(|l| l.amount).sum();
            prop_assert_eq!(sum, s.total);
            prop_assert_eq!(s.breakdown.total(), s.total);
            let mut running = Money::ZERO;
            let mut credited = false;
            for line in &s.lines {
                running = running + line.amount;
                prop_assert_eq!(line.balance, running);
                prop_assert!(!line.amount.is_zero());
                credited |= line.kind == LineKind::Credit;
                // A balance goes below zero only through an explicit credit line.
                prop_assert!(!line.balance.is_negative() || credited, "negative balance without credit: {:?}", line);
                prop_assert!(line.date <= s.as_of);
            }
            prop_assert!(!s.breakdown.principal.is_negative());
            prop_assert!(!s.breakdown.interest.is_negative());
            prop_assert!(!s.breakdown.penalties.is_negative());
            prop_assert!(!s.breakdown.fees.is_negative());
            prop_assert!(s.breakdown.credit <= Money::ZERO);
        }
    }
}
