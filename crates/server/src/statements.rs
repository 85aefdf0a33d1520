//! Statements of dossiers and claims, computed from their ledgers with the
//! domain's rules at the date asked.

use chrono::NaiveDate;
use claimdesk_api::records::{Claim, Dossier};
use claimdesk_domain::ordinance_2020::PROTECTED_END_AS_TOLD;
use claimdesk_domain::statement::{self, Ledger, OpeningJudgment, Statement, StatementParams};
use sqlx::SqliteConnection;

use crate::error::{AppError, AppResult};
use crate::records::{self, Selection};

/// The statement of a dossier at `as_of`, its payments imputed.
pub(crate) fn of_dossier(dossier: &Dossier, as_of: NaiveDate) -> AppResult<Statement> {
    compute(&dossier.ledger, dossier.judgment_date, as_of, false)
}

/// The statement of a claim. At the judgment date (the default), the claim
/// as declared, with the amounts to fall due (L622-25); at another date, what
/// the declared debts amount to then. Payments are imputed on the dossier's
/// statement, where they were received.
pub(crate) fn of_claim(
    claim_ledger: &Ledger,
    judgment: NaiveDate,
    as_of: Option<NaiveDate>,
) -> AppResult<Statement> {
    match as_of {
        None => compute(claim_ledger, Some(judgment), judgment, true),
        Some(date) if date == judgment => compute(claim_ledger, Some(judgment), judgment, true),
        Some(date) => compute(claim_ledger, Some(judgment), date, false),
    }
}

fn compute(
    ledger: &Ledger,
    judgment: Option<NaiveDate>,
    as_of: NaiveDate,
    declared_claim: bool,
) -> AppResult<Statement> {
    statement::compute(
        ledger,
        &StatementParams {
            as_of,
            judgment: judgment.map(|date| OpeningJudgment { date }),
            declared_claim,
            protected_end: PROTECTED_END_AS_TOLD,
        },
    )
    .map_err(|e| match e {
        statement::StatementError::InvalidLedger(_) => AppError::corrupt(e),
        other => AppError::StatementUnavailable(other.to_string()),
    })
}

/// A claim's own ledger, or its dossier's when the claim declares all of it;
/// the dossier is loaded whoever asks: the caller has checked the claim.
pub(crate) async fn claim_context(
    conn: &mut SqliteConnection,
    claim: &Claim,
) -> AppResult<(Dossier, Ledger, NaiveDate)> {
    let dossier_id = records::dossier_id(conn, &claim.dossier_reference)
        .await?
        .ok_or_else(|| AppError::corrupt("claim without its dossier"))?;
    let mut dossiers = records::dossiers(conn, Selection::one(dossier_id)).await?;
    let dossier = dossiers
        .pop()
        .ok_or_else(|| AppError::corrupt("claim without its dossier"))?;
    let judgment: NaiveDate =
        sqlx::query_scalar("SELECT judgment_date FROM procedures WHERE id = ?")
            .bind(claim.procedure_id)
            .fetch_one(&mut *conn)
            .await?;
    let stored: Option<String> = sqlx::query_scalar("SELECT ledger FROM claims WHERE id = ?")
        .bind(claim.id)
        .fetch_one(&mut *conn)
        .await?;
    let ledger = match stored {
        Some(json) => serde_json::from_str(&json).map_err(AppError::corrupt)?,
        None => dossier.ledger.clone(),
    };
    Ok((dossier, ledger, judgment))
}
