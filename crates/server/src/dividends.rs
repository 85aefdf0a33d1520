//! Dividends (répartitions) a mandataire pays on a claim: money received on
//! the claim's dossier, so its statement and balance follow, and the claim's
//! remaining due lowered.

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_api::payments::{Dividend, NewDividend};
use claimdesk_api::records::Claim;
use claimdesk_api::sync::EntityKind;
use claimdesk_domain::{AdmissionStatus, Money};
use sqlx::SqliteConnection;

use crate::changes::{self, Change, Scope};
use crate::error::{AppError, AppResult};
use crate::payments::ledger;
use crate::validate::one_line;

/// The longest transfer reference: a SEPA remittance text.
const MAX_REFERENCE: usize = 140;

/// What a claim can still receive before dividends: the amount admitted once
/// the judge-commissioner decided, else the amount declared; nothing once
/// rejected without an amount.
pub(crate) fn entitlement(claim: &Claim) -> Money {
    match (claim.admission, claim.admitted_amount) {
        (_, Some(admitted)) => admitted,
        (AdmissionStatus::Rejected, None) => Money::ZERO,
        _ => claim.declared.total,
    }
}

/// The request's own rules, checked against `today` (the server's date).
pub(crate) fn check(request: &NewDividend, today: NaiveDate) -> AppResult<String> {
    if !request.amount.is_positive() {
        return Err(AppError::Validation(
            "the dividend's amount must be positive".into(),
        ));
    }
    if request.date > today {
        return Err(AppError::Validation(format!(
            "the dividend's date {} is in the future: record it once paid",
            request.date
        )));
    }
    one_line(
        &request.reference,
        "the transfer's reference",
        MAX_REFERENCE,
    )
}

#[derive(Debug, sqlx::FromRow)]
struct DividendRow {
    id: i64,
    amount: String,
    paid_on: NaiveDate,
    reference: String,
    recorded_at: DateTime<Utc>,
}

/// The dividends of a claim, oldest first, each with what the claim still
/// had due right after it.
pub(crate) async fn of_claim(
    conn: &mut SqliteConnection,
    claim: &Claim,
) -> AppResult<Vec<Dividend>> {
    let rows: Vec<DividendRow> = sqlx::query_as(
        "SELECT id, amount, paid_on, reference, recorded_at FROM dividends \
         WHERE claim_id = ? ORDER BY id",
    )
    .bind(claim.id)
    .fetch_all(conn)
    .await?;
    let mut due = entitlement(claim);
    rows.into_iter()
        .map(|row| {
            let amount: Money = row
                .amount
                .parse()
                .map_err(|_| AppError::corrupt(format!("dividend {} amount", row.id)))?;
            due = due - amount;
            Ok(Dividend {
                id: row.id,
                claim_id: claim.id,
                dossier_reference: claim.dossier_reference.clone(),
                amount,
                date: row.paid_on,
                reference: row.reference,
                recorded_at: row.recorded_at,
                claim_balance: due,
            })
        })
        .collect()
}

/// What the claim still has due: its entitlement less the dividends paid.
pub(crate) async fn remaining(conn: &mut SqliteConnection, claim: &Claim) -> AppResult<Money> {
    Ok(of_claim(conn, claim)
        .await?
        .last()
        .map_or_else(|| entitlement(claim), |last| last.claim_balance))
}

/// Records a dividend: at most what the claim still has due, received on
/// its dossier (statement, instalments, balance). Returns its id.
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    user_id: i64,
    claim: &Claim,
    request: &NewDividend,
    reference: &str,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let due = remaining(conn, claim).await?;
    if request.amount > due {
        return Err(AppError::Validation(format!(
            "the dividend of {} is more than the {} the claim still has due",
            request.amount.to_french(),
            due.to_french()
        )));
    }
    let dossier_id: i64 = sqlx::query_scalar("SELECT dossier_id FROM claims WHERE id = ?")
        .bind(claim.id)
        .fetch_one(&mut *conn)
        .await?;
    let received = ledger::receive(
        conn,
        dossier_id,
        request.amount,
        request.date,
        &format!("Répartition {reference}"),
        &[],
    )
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO dividends (claim_id, user_id, amount, paid_on, reference, recorded_at, \
         received_payment_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(claim.id)
    .bind(user_id)
    .bind(request.amount.to_string())
    .bind(request.date)
    .bind(reference)
    .bind(now)
    .bind(received)
    .fetch_one(&mut *conn)
    .await?;
    // The claim's statement changed with its dossier's: its audience refetches.
    changes::record(
        conn,
        Change::upsert(
            EntityKind::Claim,
            claim.id,
            Scope::claim(claim.procedure_id, dossier_id),
        ),
    )
    .await?;
    Ok(id)
}
