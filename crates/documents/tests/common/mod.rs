//! Realistic dossiers: a servicing entity, its parties, and ledgers whose
//! statements are computed by the domain's engine.
#![allow(dead_code)]

pub mod tools;

use chrono::NaiveDate;
use claimdesk_documents::{Letterhead, Party, StatementDocument};
use claimdesk_domain::Money;
use claimdesk_domain::legal_rate::LegalRateCategory;
use claimdesk_domain::ordinance_2020::PROTECTED_END_AS_TOLD;
use claimdesk_domain::statement::{
    ContractTerms, Debt, DebtKind, Fee, Imputation, InterestTerms, Ledger, OpeningJudgment,
    Payment, Statement, StatementParams, compute,
};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn eur(text: &str) -> Money {
    text.parse().unwrap()
}

pub fn letterhead() -> Letterhead {
    Letterhead {
        name: "Rhône Recouvrement".into(),
        address: vec!["12 quai Saint-Antoine".into(), "69002 Lyon".into()],
        legal: "SAS au capital de 50 000 € — RCS Lyon 123 456 789".into(),
        phone: "04 78 00 12 34".into(),
        email: "dossiers@rhone-recouvrement.fr".into(),
    }
}

pub fn creditor() -> Party {
    Party {
        name: "Matériaux Saône-et-Loire SA".into(),
        address: vec!["4 rue de l'Écluse".into(), "71100 Chalon-sur-Saône".into()],
        identifier: Some("RCS Chalon-sur-Saône 552 100 554".into()),
    }
}

pub fn debtor() -> Party {
    Party {
        name: "Boulangerie Martin SARL".into(),
        address: vec!["18 avenue Jean Jaurès".into(), "69007 Lyon".into()],
        identifier: Some("SIREN 732 829 320".into()),
    }
}

pub fn invoice(reference: &str, amount: &str, issued_on: NaiveDate, due_on: NaiveDate) -> Debt {
    Debt {
        reference: reference.into(),
        label: format!(
            "Livraison du {}",
            claimdesk_domain::calendar::french_date(issued_on)
        ),
        kind: DebtKind::Invoice,
        amount: eur(amount),
        issued_on,
        due_on,
        long_term: false,
    }
}

pub fn params(as_of: NaiveDate) -> StatementParams {
    StatementParams {
        as_of,
        judgment: None,
        declared_claim: false,
        protected_end: PROTECTED_END_AS_TOLD,
    }
}

fn legal_terms(professional: bool) -> ContractTerms {
    ContractTerms {
        interest: InterestTerms::Legal {
            category: LegalRateCategory::Other,
        },
        penalty_rate: None,
        professional,
        imputation: Imputation::InterestFirst,
    }
}

/// One invoice of 10 000 € due 31/05/2024, legal interest to 31/08/2024:
/// 10 000 + 41,67 + 83,57 = 10 125,24 €.
pub fn single_invoice() -> Statement {
    let ledger = Ledger {
        terms: legal_terms(false),
        debts: vec![invoice(
            "F-2024-001",
            "10000.00",
            d(2024, 4, 1),
            d(2024, 5, 31),
        )],
        fees: vec![],
        payments: vec![],
    };
    compute(&ledger, &params(d(2024, 8, 31))).unwrap()
}

/// `invoices` monthly invoices between professionals from January 2022, two
/// fees and a few partial payments, at 30/11/2025: legal interest per
/// half-year, a recovery fee per invoice, imputation on interest first.
pub fn trade_ledger(invoices: usize) -> Ledger {
    let mut debts = Vec::with_capacity(invoices);
    let mut payments = Vec::new();
    for n in 0..invoices {
        let month = u32::try_from(n % 12).unwrap() + 1;
        let year = 2022 + i32::try_from(n / 12 % 3).unwrap();
        let issued = d(year, month, 5);
        let due = issued + chrono::Duration::days(30);
        let cents = 84_000 + i64::try_from(n).unwrap() * 3_517 % 250_000;
        debts.push(Debt {
            amount: Money::from_cents(cents),
            ..invoice(&format!("F-{year}-{:04}", 100 + n), "0", issued, due)
        });
        if n % 5 == 4 {
            payments.push(Payment {
                date: due + chrono::Duration::days(45),
                label: format!("Virement reçu — acompte n° {}", n / 5 + 1),
                amount: eur("500.00"),
            });
        }
    }
    Ledger {
        terms: legal_terms(true),
        debts,
        fees: vec![
            Fee {
                date: d(2024, 2, 12),
                label: "Frais de mise en demeure par lettre recommandée".into(),
                amount: eur("12.50"),
            },
            Fee {
                date: d(2024, 9, 3),
                label: "Frais de relevé du registre du commerce (Kbis)".into(),
                amount: eur("3.91"),
            },
        ],
        payments,
    }
}

pub fn trade_statement(invoices: usize) -> Statement {
    compute(&trade_ledger(invoices), &params(d(2025, 11, 30))).unwrap()
}

/// A loan in redressement judiciaire: the claim declared at the judgment
/// date, instalments to fall due listed, interest still running (long loan).
pub fn declared_claim() -> Statement {
    let mut debts = Vec::new();
    for n in 0..12u32 {
        let due = d(2025, 1 + n % 12, 10);
        debts.push(Debt {
            reference: format!("PRET-7781-É{:02}", n + 1),
            label: format!("Échéance n° {} du prêt d'équipement", n + 1),
            kind: DebtKind::LoanInstalment,
            amount: eur("1250.00"),
            issued_on: d(2023, 6, 1),
            due_on: due,
            long_term: true,
        });
    }
    let ledger = Ledger {
        terms: ContractTerms {
            interest: InterestTerms::Contractual {
                rates: vec![claimdesk_domain::statement::RateChange {
                    from: d(2023, 6, 1),
                    rate: rust_decimal_macros::dec!(6.40),
                }],
            },
            penalty_rate: Some(rust_decimal_macros::dec!(8)),
            professional: false,
            imputation: Imputation::InterestFirst,
        },
        debts,
        fees: vec![],
        payments: vec![Payment {
            date: d(2025, 2, 10),
            label: "Prélèvement échéance n° 1".into(),
            amount: eur("1250.00"),
        }],
    };
    let judgment = d(2025, 6, 16);
    compute(
        &ledger,
        &StatementParams {
            as_of: judgment,
            judgment: Some(OpeningJudgment { date: judgment }),
            declared_claim: true,
            protected_end: PROTECTED_END_AS_TOLD,
        },
    )
    .unwrap()
}

/// An invoice paid in two instalments after its due date, no interest
/// claimed: the balance is zero.
pub fn settled() -> Statement {
    let ledger = Ledger {
        terms: ContractTerms {
            interest: InterestTerms::None,
            penalty_rate: None,
            professional: false,
            imputation: Imputation::InterestFirst,
        },
        debts: vec![invoice(
            "F-2025-0311",
            "2480.00",
            d(2025, 3, 1),
            d(2025, 3, 31),
        )],
        fees: vec![],
        payments: vec![
            Payment {
                date: d(2025, 4, 4),
                label: "Virement — premier versement".into(),
                amount: eur("1000.00"),
            },
            Payment {
                date: d(2025, 4, 18),
                label: "Virement — solde".into(),
                amount: eur("1480.00"),
            },
        ],
    };
    compute(&ledger, &params(d(2025, 10, 1))).unwrap()
}

pub fn statement_document<'a>(
    letterhead: &'a Letterhead,
    creditor: &'a Party,
    debtor: &'a Party,
    statement: &'a Statement,
) -> StatementDocument<'a> {
    StatementDocument {
        letterhead,
        creditor,
        debtor,
        dossier_reference: "CD-2024-000123",
        basis: "Factures impayées au titre du contrat de fourniture du 02/01/2022 (conditions générales de vente, art. 8)",
        rf_reference: None,
        produced_on: d(2025, 11, 30),
        statement,
    }
}
