//! Walks a dossier's ledger day by day, in date order: interest accrues between
//! the dates where its basis changes, charges fall due, payments are imputed.

use chrono::{Datelike, NaiveDate, TimeDelta};
use rust_decimal::Decimal;

use super::StatementError;
use super::explain;
use super::ledger::{
    ContractTerms, Debt, DebtKind, Imputation, InterestTerms, Ledger, StatementParams,
};
use super::lines::{Breakdown, Explanation, LineKind, ScheduledAmount, Statement, StatementLine};
use crate::calendar::french_date;
use crate::legal_rate;
use crate::money::Money;
use crate::ordinance_2020;

/// The flat recovery fee per invoice paid late (C. com. D441-5).
pub const RECOVERY_FEE: Money =
    Money::from_decimal_const(Decimal::from_parts(4000, 0, 0, false, 2));

const DAY: TimeDelta = TimeDelta::days(1);

pub fn compute(ledger: &Ledger, params: &StatementParams) -> Result<Statement, StatementError> {
    validate(ledger)?;
    let judgment = params.judgment.map(|j| j.date);
    let end = match (params.declared_claim, judgment) {
        (true, Some(date)) => date,
        (true, None) => return Err(StatementError::DeclaredClaimWithoutJudgment),
        (false, _) => params.as_of,
    };
    let mut walk = Walk::new(ledger, params, judgment, end);
    walk.run()?;
    Ok(walk.finish())
}

fn validate(ledger: &Ledger) -> Result<(), StatementError> {
    for debt in &ledger.debts {
        if debt.amount.is_negative() || debt.amount.is_zero() {
            return Err(StatementError::InvalidLedger(format!(
                "debt {} has a non-positive amount",
                debt.reference
            )));
        }
        if debt.due_on < debt.issued_on {
            return Err(StatementError::InvalidLedger(format!(
                "debt {} falls due before it was issued",
                debt.reference
            )));
        }
    }
    for fee in &ledger.fees {
        if fee.amount.is_negative() {
            return Err(StatementError::InvalidLedger(format!(
                "fee {:?} is negative",
                fee.label
            )));
        }
    }
    for payment in &ledger.payments {
        if payment.amount.is_negative() || payment.amount.is_zero() {
            return Err(StatementError::InvalidLedger(format!(
                "payment {:?} has a non-positive amount",
                payment.label
            )));
        }
    }
    if let InterestTerms::Contractual { rates } = &ledger.terms.interest
        && rates.windows(2).any(|w| w[0].from >= w[1].from)
    {
        return Err(StatementError::InvalidLedger(
            "contractual rates are not in date order".into(),
        ));
    }
    Ok(())
}

/// A debt being walked: what is left of its principal.
struct OpenDebt<'a> {
    debt: &'a Debt,
    outstanding: Money,
    /// Interest on it stops at the opening judgment (L622-28).
    stops_at_judgment: bool,
}

struct Walk<'a> {
    terms: &'a ContractTerms,
    ledger: &'a Ledger,
    params: &'a StatementParams,
    judgment: Option<NaiveDate>,
    end: NaiveDate,
    /// Debts born by `end`, oldest due first.
    debts: Vec<OpenDebt<'a>>,
    /// Interest has been computed up to this day, included.
    accrued_to: Option<NaiveDate>,
    lines: Vec<StatementLine>,
    balance: Money,
    owed: Breakdown,
    notes: Vec<String>,
    stale_rate_noted: bool,
}

impl<'a> Walk<'a> {
    fn new(
        ledger: &'a Ledger,
        params: &'a StatementParams,
        judgment: Option<NaiveDate>,
        end: NaiveDate,
    ) -> Walk<'a> {
        let mut debts: Vec<OpenDebt<'a>> = ledger
            .debts
            .iter()
            .filter(|d| d.issued_on <= end)
            .filter(|d| !(params.declared_claim && judgment.is_some_and(|j| d.issued_on >= j)))
            .map(|debt| OpenDebt {
                debt,
                outstanding: Money::ZERO,
                stops_at_judgment: judgment.is_some_and(|j| debt.issued_on < j) && !debt.long_term,
            })
            .collect();
        debts.sort_by(|a, b| {
            (a.debt.due_on, &a.debt.reference).cmp(&(b.debt.due_on, &b.debt.reference))
        });
        Walk {
            terms: &ledger.terms,
            ledger,
            params,
            judgment,
            end,
            debts,
            accrued_to: None,
            lines: Vec::new(),
            balance: Money::ZERO,
            owed: Breakdown::default(),
            notes: Vec::new(),
            stale_rate_noted: false,
        }
    }

    fn run(&mut self) -> Result<(), StatementError> {
        let basis_days = self.basis_change_days();
        for day in self.event_days() {
            // Interest lines close only where their basis may change, so that a
            // fee or an indemnity does not cut a period in two.
            if basis_days.binary_search(&day).is_ok() {
                self.accrue_to(day)?;
            }
            self.charge_principal(day);
            self.charge_indemnities(day);
            self.charge_fees(day);
            self.apply_credit(day);
            self.impute_payments(day);
        }
        self.accrue_to(self.end)?;
        self.list_to_fall_due();
        self.note_interest_stop();
        Ok(())
    }

    /// Days on which something is charged or paid, up to `end`.
    fn event_days(&self) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = Vec::new();
        for open in &self.debts {
            days.push(open.debt.due_on);
            days.push(open.debt.due_on + DAY);
            if self.terms.penalty_rate.is_some() {
                days.push(self.penalty_day(open.debt));
            }
        }
        days.extend(self.ledger.fees.iter().map(|f| f.date));
        days.extend(self.ledger.payments.iter().map(|p| p.date));
        days.retain(|d| *d <= self.end);
        days.sort();
        days.dedup();
        days
    }

    /// Days on which principal falls due or a payment may reduce it.
    fn basis_change_days(&self) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self.debts.iter().map(|o| o.debt.due_on).collect();
        days.extend(self.ledger.payments.iter().map(|p| p.date));
        days.sort();
        days.dedup();
        days
    }

    /// The day a penalty clause is acquired: the day after the due date, or
    /// later when the 2020 ordinance postponed it.
    fn penalty_day(&self, debt: &Debt) -> NaiveDate {
        if ordinance_2020::is_postponed(debt.due_on, self.params.protected_end) {
            ordinance_2020::penalty_effect_date(
                debt.due_on,
                debt.issued_on,
                self.params.protected_end,
            )
        } else {
            debt.due_on + DAY
        }
    }

    /// A pre-judgment debt falling due on or after the judgment could not be
    /// paid then (L622-7): nothing is owed for paying it late.
    fn payment_forbidden_on(&self, debt: &Debt, day: NaiveDate) -> bool {
        self.judgment
            .is_some_and(|j| debt.issued_on < j && day >= j)
    }

    fn push(
        &mut self,
        date: NaiveDate,
        kind: LineKind,
        label: String,
        amount: Money,
        explanation: Explanation,
    ) {
        self.balance = self.balance + amount;
        self.lines.push(StatementLine {
            date,
            kind,
            label,
            amount,
            balance: self.balance,
            explanation,
        });
    }

    fn accrue_to(&mut self, day: NaiveDate) -> Result<(), StatementError> {
        let from = match self.accrued_to {
            Some(from) if from < day => from,
            Some(_) => return Ok(()),
            None => {
                self.accrued_to = Some(day);
                return Ok(());
            }
        };
        let mut start = from;
        for stop in self.split_points(from, day) {
            self.accrue_segment(start, stop)?;
            start = stop;
        }
        self.accrued_to = Some(day);
        Ok(())
    }

    /// Ends of the sub-periods of (from, to] over which basis and rate are constant.
    fn split_points(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut points = vec![to];
        if let Some(j) = self.judgment {
            points.push(j);
        }
        match &self.terms.interest {
            InterestTerms::Legal { .. } => {
                for year in from.year()..=to.year() {
                    points.extend(NaiveDate::from_ymd_opt(year, 6, 30));
                    points.extend(NaiveDate::from_ymd_opt(year, 12, 31));
                }
            }
            InterestTerms::Contractual { rates } => {
                points.extend(rates.iter().map(|r| r.from - DAY));
            }
            InterestTerms::None => {}
        }
        points.retain(|p| *p > from && *p <= to);
        points.sort();
        points.dedup();
        points
    }

    /// Interest over (from, to], one line if anything accrues.
    fn accrue_segment(&mut self, from: NaiveDate, to: NaiveDate) -> Result<(), StatementError> {
        let first_day = from + DAY;
        let after_judgment = self.judgment.is_some_and(|j| first_day > j);
        let basis: Money = self
            .debts
            .iter()
            .filter(|o| o.debt.due_on <= from)
            .filter(|o| !(after_judgment && o.stops_at_judgment))
            .map(|o| o.outstanding)
            .sum();
        if basis.is_zero() || basis.is_negative() {
            return Ok(());
        }
        let (kind, rate, rule) = match &self.terms.interest {
            InterestTerms::None => return Ok(()),
            InterestTerms::Contractual { rates } => {
                let rate = rates
                    .iter()
                    .rev()
                    .find(|r| r.from <= first_day)
                    .ok_or(StatementError::NoContractualRate { date: first_day })?;
                (
                    LineKind::ContractualInterest,
                    rate.rate,
                    "Taux conventionnel (contrat)".to_owned(),
                )
            }
            InterestTerms::Legal { category } => {
                let (rates, stale) = match legal_rate::rates_on(first_day) {
                    Some(rates) => (rates, false),
                    None if first_day > legal_rate::latest().last_day() => {
                        (legal_rate::latest(), true)
                    }
                    None => return Err(StatementError::LegalRateUnknown { date: first_day }),
                };
                if stale && !self.stale_rate_noted {
                    self.stale_rate_noted = true;
                    self.notes.push(format!(
                        "Taux légal postérieur au {} non encore repris : le taux {} est appliqué à titre provisoire.",
                        french_date(rates.last_day()),
                        rates.label()
                    ));
                }
                let rule = format!("Taux légal {} (C. monét. fin. L313-2)", rates.label());
                (LineKind::LegalInterest, rates.rate(*category), rule)
            }
        };
        let days = (to - from).num_days();
        let amount = Money::from_decimal(
            basis.as_decimal() * rate * Decimal::from(days) / Decimal::from(36_500),
        );
        if amount.is_zero() {
            return Ok(());
        }
        self.owed.interest = self.owed.interest + amount;
        let text = explain::interest(basis, rate, days, amount);
        self.push(
            to,
            kind,
            format!(
                "{} du {} au {}",
                kind.label_fr(),
                french_date(first_day),
                french_date(to)
            ),
            amount,
            Explanation {
                basis: Some(basis),
                rate: Some(rate),
                from: Some(from),
                to: Some(to),
                days: Some(days),
                rule,
                text,
            },
        );
        Ok(())
    }

    fn charge_principal(&mut self, day: NaiveDate) {
        for i in 0..self.debts.len() {
            let debt = self.debts[i].debt;
            if debt.due_on != day {
                continue;
            }
            self.debts[i].outstanding = debt.amount;
            self.owed.principal = self.owed.principal + debt.amount;
            let kind_fr = match debt.kind {
                DebtKind::Invoice => "Facture",
                DebtKind::LoanInstalment => "Échéance de prêt",
            };
            self.push(
                day,
                LineKind::Principal,
                format!("{kind_fr} {}", debt.reference),
                debt.amount,
                Explanation::rule(
                    format!("{kind_fr} du {}", french_date(debt.issued_on)),
                    format!("{} — exigible le {}", debt.label, french_date(debt.due_on)),
                ),
            );
        }
    }

    /// Penalty clauses and flat recovery fees acquired on `day`.
    fn charge_indemnities(&mut self, day: NaiveDate) {
        for i in 0..self.debts.len() {
            let debt = self.debts[i].debt;
            let unpaid = self.debts[i].outstanding;
            if self.terms.professional && debt.kind == DebtKind::Invoice && day == debt.due_on + DAY
            {
                self.recovery_fee(debt, unpaid, day);
            }
            if let Some(rate) = self.terms.penalty_rate
                && day == self.penalty_day(debt)
            {
                self.penalty(debt, unpaid, rate, day);
            }
        }
    }

    fn recovery_fee(&mut self, debt: &Debt, unpaid: Money, day: NaiveDate) {
        if unpaid.is_zero() || unpaid.is_negative() {
            return;
        }
        if self.payment_forbidden_on(debt, debt.due_on) {
            self.notes.push(format!(
                "Indemnité forfaitaire non réclamée pour la facture {} : échue le {}, après le jugement d'ouverture qui en interdisait le paiement (C. com. L622-7).",
                debt.reference,
                french_date(debt.due_on)
            ));
            return;
        }
        self.owed.penalties = self.owed.penalties + RECOVERY_FEE;
        self.push(
            day,
            LineKind::RecoveryFee,
            format!("Indemnité forfaitaire — facture {}", debt.reference),
            RECOVERY_FEE,
            Explanation::rule(
                "C. com. L441-10 et D441-5",
                format!(
                    "Facture {} impayée à son échéance du {} : 40,00 € par facture",
                    debt.reference,
                    french_date(debt.due_on)
                ),
            ),
        );
    }

    fn penalty(&mut self, debt: &Debt, unpaid: Money, rate: Decimal, day: NaiveDate) {
        let postponed = ordinance_2020::is_postponed(debt.due_on, self.params.protected_end);
        if self.payment_forbidden_on(debt, day) {
            self.notes.push(format!(
                "Clause pénale non réclamée pour {} : acquise le {}, après le jugement d'ouverture (C. com. L622-7).",
                debt.reference,
                french_date(day)
            ));
            return;
        }
        if unpaid.is_zero() || unpaid.is_negative() {
            if postponed {
                self.notes.push(format!(
                    "Clause pénale de {} sans effet : obligation exécutée avant le {} (ord. 2020-306 art. 4).",
                    debt.reference,
                    french_date(day)
                ));
            }
            return;
        }
        let amount = unpaid.mul_round(rate / Decimal::ONE_HUNDRED);
        if amount.is_zero() {
            return;
        }
        self.owed.penalties = self.owed.penalties + amount;
        let rule = if postponed {
            format!(
                "Clause pénale, effet reporté (ord. 2020-306 art. 4 : fin de la période protégée le {} + {} j)",
                french_date(self.params.protected_end),
                (day - self.params.protected_end).num_days()
            )
        } else {
            "Clause pénale (C. civ. 1231-5)".to_owned()
        };
        self.push(
            day,
            LineKind::Penalty,
            format!("Clause pénale — {}", debt.reference),
            amount,
            Explanation {
                basis: Some(unpaid),
                rate: Some(rate),
                from: None,
                to: None,
                days: None,
                rule,
                text: explain::percent_of(unpaid, rate, amount),
            },
        );
    }

    fn charge_fees(&mut self, day: NaiveDate) {
        for fee in self.ledger.fees.iter().filter(|f| f.date == day) {
            if fee.amount.is_zero() {
                continue;
            }
            self.owed.fees = self.owed.fees + fee.amount;
            self.push(
                day,
                LineKind::Fee,
                fee.label.clone(),
                fee.amount,
                Explanation::rule("Frais", format!("Frais exposés le {}", french_date(day))),
            );
        }
    }

    fn impute_payments(&mut self, day: NaiveDate) {
        let payments: Vec<_> = self
            .ledger
            .payments
            .iter()
            .filter(|p| p.date == day)
            .collect();
        for payment in payments {
            let mut left = payment.amount;
            let mut parts = explain::Imputed::default();
            let order: &[Bucket] = match self.terms.imputation {
                Imputation::InterestFirst => &[
                    Bucket::Interest,
                    Bucket::Penalties,
                    Bucket::Fees,
                    Bucket::Principal,
                ],
                Imputation::PrincipalFirst => &[
                    Bucket::Principal,
                    Bucket::Interest,
                    Bucket::Penalties,
                    Bucket::Fees,
                ],
            };
            for bucket in order {
                let taken = self.take(*bucket, left);
                left = left - taken;
                parts.add(*bucket, taken);
            }
            let imputed = payment.amount - left;
            let rule = match self.terms.imputation {
                Imputation::InterestFirst => "Imputation sur les intérêts d'abord (C. civ. 1343-1)",
                Imputation::PrincipalFirst => "Imputation convenue au dossier",
            };
            if !imputed.is_zero() {
                self.push(
                    day,
                    LineKind::Payment,
                    payment.label.clone(),
                    -imputed,
                    Explanation::rule(rule, parts.describe()),
                );
            }
            if !left.is_zero() {
                self.owed.credit = self.owed.credit - left;
                self.push(
                    day,
                    LineKind::Credit,
                    format!("Trop-perçu — {}", payment.label),
                    -left,
                    Explanation {
                        basis: Some(payment.amount),
                        rate: None,
                        from: None,
                        to: None,
                        days: None,
                        rule: "Somme à restituer au débiteur (C. civ. 1302-1)".into(),
                        text: format!(
                            "Règlement de {} supérieur de {} à la somme due",
                            payment.amount.to_french(),
                            left.to_french()
                        ),
                    },
                );
            }
        }
    }

    /// What was paid ahead goes to what falls due later, in the order a
    /// payment would: the balance already counts it, only the breakdown moves.
    fn apply_credit(&mut self, day: NaiveDate) {
        if !self.owed.credit.is_negative() {
            return;
        }
        let mut left = -self.owed.credit;
        let mut parts = explain::Imputed::default();
        for bucket in self.imputation_order() {
            let taken = self.take(*bucket, left);
            left = left - taken;
            parts.add(*bucket, taken);
        }
        let used = -self.owed.credit - left;
        if used.is_zero() {
            return;
        }
        self.owed.credit = -left;
        self.notes.push(format!(
            "Trop-perçu de {} imputé le {} sur les sommes échues : {}.",
            used.to_french(),
            french_date(day),
            parts.describe().trim_start_matches("Imputé : ")
        ));
    }

    fn imputation_order(&self) -> &'static [Bucket] {
        match self.terms.imputation {
            Imputation::InterestFirst => &[
                Bucket::Interest,
                Bucket::Penalties,
                Bucket::Fees,
                Bucket::Principal,
            ],
            Imputation::PrincipalFirst => &[
                Bucket::Principal,
                Bucket::Interest,
                Bucket::Penalties,
                Bucket::Fees,
            ],
        }
    }

    /// Takes up to `most` from what remains due in `bucket`.
    fn take(&mut self, bucket: Bucket, most: Money) -> Money {
        let owed = match bucket {
            Bucket::Interest => &mut self.owed.interest,
            Bucket::Penalties => &mut self.owed.penalties,
            Bucket::Fees => &mut self.owed.fees,
            Bucket::Principal => {
                let mut taken = Money::ZERO;
                for open in self.debts.iter_mut() {
                    let part = open.outstanding.min(most - taken);
                    if part.is_zero() || part.is_negative() {
                        continue;
                    }
                    open.outstanding = open.outstanding - part;
                    taken = taken + part;
                }
                self.owed.principal = self.owed.principal - taken;
                return taken;
            }
        };
        let taken = (*owed).min(most).max(Money::ZERO);
        *owed = *owed - taken;
        taken
    }

    fn list_to_fall_due(&mut self) {
        let judgment = self.judgment;
        let declared = self.params.declared_claim;
        let future: Vec<&Debt> = self
            .debts
            .iter()
            .filter(|o| o.debt.due_on > self.end)
            .map(|o| o.debt)
            .collect();
        for debt in future {
            if declared && let Some(j) = judgment {
                self.owed.to_fall_due = self.owed.to_fall_due + debt.amount;
                self.push(
                    j,
                    LineKind::ToFallDue,
                    format!(
                        "À échoir le {} — {}",
                        french_date(debt.due_on),
                        debt.reference
                    ),
                    debt.amount,
                    Explanation::rule(
                        "Sommes à échoir et date de leurs échéances (C. com. L622-25)",
                        format!("{} — échéance du {}", debt.label, french_date(debt.due_on)),
                    ),
                );
            }
        }
    }

    fn note_interest_stop(&mut self) {
        let Some(j) = self.judgment else { return };
        if matches!(self.terms.interest, InterestTerms::None) {
            return;
        }
        if self.debts.iter().any(|o| o.stops_at_judgment) {
            self.notes.push(format!(
                "Cours des intérêts arrêté le {} par le jugement d'ouverture (C. com. L622-28).",
                french_date(j)
            ));
        }
    }

    fn running_interest(&self) -> Option<String> {
        let j = self.judgment?;
        let running: Vec<&str> = self
            .debts
            .iter()
            .filter(|o| o.debt.issued_on < j && !o.stops_at_judgment)
            .map(|o| o.debt.reference.as_str())
            .collect();
        if running.is_empty() {
            return None;
        }
        let method = match &self.terms.interest {
            InterestTerms::None => return None,
            InterestTerms::Contractual { rates } => {
                let current = rates.iter().rev().find(|r| r.from <= j).or(rates.first())?;
                format!(
                    "au taux conventionnel de {} l'an",
                    explain::rate_fr(current.rate)
                )
            }
            InterestTerms::Legal { .. } => {
                "au taux de l'intérêt légal de chaque semestre (C. monét. fin. L313-2)".to_owned()
            }
        };
        let mut refs = running.clone();
        refs.dedup();
        Some(format!(
            "Les intérêts continuent de courir après le jugement d'ouverture du {} (C. com. L622-28 : prêt ou paiement différé d'un an ou plus) sur {} : {} sur le principal restant dû, jours exacts / 365, à compter du lendemain de chaque échéance (C. com. R622-23).",
            french_date(j),
            refs.join(", "),
            method
        ))
    }

    fn finish(self) -> Statement {
        let running_interest = self.running_interest();
        let to_fall_due = self
            .debts
            .iter()
            .filter(|o| o.debt.due_on > self.end)
            .map(|o| ScheduledAmount {
                due_on: o.debt.due_on,
                reference: o.debt.reference.clone(),
                amount: o.debt.amount,
            })
            .collect();
        Statement {
            as_of: self.end,
            declared_claim: self.params.declared_claim,
            judgment_date: self.judgment,
            total: self.balance,
            breakdown: self.owed,
            lines: self.lines,
            to_fall_due,
            running_interest,
            notes: self.notes,
            provisional: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bucket {
    Interest,
    Penalties,
    Fees,
    Principal,
}
