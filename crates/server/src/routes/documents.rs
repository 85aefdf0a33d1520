//! Statements, RIBs and attestations de solde, as JSON or PDF. Visibility is
//! that of the dossier or claim they belong to: anything else is a 404.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use claimdesk_api::ErrorBody;
use claimdesk_api::documents::{self as names, DocumentFormat, FormatQuery, Rib, StatementQuery};
use claimdesk_api::records::Claim;
use claimdesk_api::routes;
use claimdesk_documents::records as pdf;
use claimdesk_domain::statement::Statement;

use crate::AppState;
use crate::auth::CurrentSession;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::routes::reads::{visible_claim, visible_dossier};
use crate::statements;

fn today(state: &AppState) -> NaiveDate {
    state.config.now().date_naive()
}

/// A PDF the browser or client saves under `filename`.
fn pdf_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn rendered(result: Result<Vec<u8>, claimdesk_documents::DocumentError>) -> AppResult<Vec<u8>> {
    result.map_err(|e| match e {
        claimdesk_documents::DocumentError::BalanceNotZero { balance } => {
            AppError::BalanceNotZero(balance.to_french())
        }
        other => AppError::Internal(other.to_string()),
    })
}

#[utoipa::path(get, path = routes::DOSSIER_STATEMENT, tag = "documents",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference"), StatementQuery),
    responses(
        (status = 200, description = "The statement at the date (JSON, or PDF with format=pdf)", body = Statement),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
        (status = 422, description = "No statement can be computed at that date", body = ErrorBody),
    ))]
pub(crate) async fn dossier_statement(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
    Query(query): Query<StatementQuery>,
) -> AppResult<Response> {
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &reference).await?;
    drop(conn);
    let as_of = query.date.unwrap_or_else(|| today(&state));
    let statement = statements::of_dossier(&dossier, as_of)?;
    match query.format.unwrap_or_default() {
        DocumentFormat::Json => Ok(Json(statement).into_response()),
        DocumentFormat::Pdf => {
            let bytes = rendered(pdf::dossier_statement(&dossier, &statement, today(&state)))?;
            Ok(pdf_response(
                bytes,
                &names::statement_filename(&dossier.reference, as_of),
            ))
        }
    }
}

#[utoipa::path(get, path = routes::CLAIM_STATEMENT, tag = "documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Claim id"), StatementQuery),
    responses(
        (status = 200, description = "The claim's statement: as declared at the judgment date by default (JSON, or PDF with format=pdf)", body = Statement),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such claim visible to this user", body = ErrorBody),
        (status = 422, description = "No statement can be computed at that date", body = ErrorBody),
    ))]
pub(crate) async fn claim_statement(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
    Query(query): Query<StatementQuery>,
) -> AppResult<Response> {
    let mut conn = state.db.read.acquire().await?;
    let claim: Claim = visible_claim(&mut conn, &session.viewer, id).await?;
    let (dossier, ledger, judgment) = statements::claim_context(&mut conn, &claim).await?;
    drop(conn);
    let statement = statements::of_claim(&ledger, judgment, query.date)?;
    match query.format.unwrap_or_default() {
        DocumentFormat::Json => Ok(Json(statement).into_response()),
        DocumentFormat::Pdf => {
            let bytes = rendered(pdf::claim_statement(
                &dossier,
                &claim,
                &statement,
                today(&state),
            ))?;
            Ok(pdf_response(
                bytes,
                &names::claim_statement_filename(
                    claim.id,
                    &claim.dossier_reference,
                    statement.as_of,
                ),
            ))
        }
    }
}

fn rib_response(
    state: &AppState,
    rib: &Rib,
    servicer: &claimdesk_api::documents::Servicer,
    format: Option<DocumentFormat>,
) -> AppResult<Response> {
    match format.unwrap_or_default() {
        DocumentFormat::Json => Ok(Json(rib.clone()).into_response()),
        DocumentFormat::Pdf => {
            let bytes = rendered(pdf::rib(rib, servicer, today(state)))?;
            Ok(pdf_response(
                bytes,
                &names::rib_filename(&rib.dossier_reference),
            ))
        }
    }
}

#[utoipa::path(get, path = routes::DOSSIER_RIB, tag = "documents",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference"), FormatQuery),
    responses(
        (status = 200, description = "Where to pay the dossier (JSON, or PDF with format=pdf)", body = Rib),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn dossier_rib(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
    Query(query): Query<FormatQuery>,
) -> AppResult<Response> {
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &reference).await?;
    rib_response(&state, &dossier.rib, &dossier.servicer, query.format)
}

#[utoipa::path(get, path = routes::CLAIM_RIB, tag = "documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Claim id"), FormatQuery),
    responses(
        (status = 200, description = "Where to pay dividends on the claim (JSON, or PDF with format=pdf)", body = Rib),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such claim visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn claim_rib(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
    Query(query): Query<FormatQuery>,
) -> AppResult<Response> {
    let mut conn = state.db.read.acquire().await?;
    let claim = visible_claim(&mut conn, &session.viewer, id).await?;
    let (dossier, _, _) = statements::claim_context(&mut conn, &claim).await?;
    rib_response(&state, &dossier.rib, &dossier.servicer, query.format)
}

#[utoipa::path(get, path = routes::DOSSIER_ATTESTATION, tag = "documents",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference")),
    responses(
        (status = 200, description = "The attestation de solde (PDF)", content_type = "application/pdf"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
        (status = 409, description = "The dossier still owes something", body = ErrorBody),
    ))]
pub(crate) async fn dossier_attestation(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &reference).await?;
    drop(conn);
    let on = today(&state);
    let statement = statements::of_dossier(&dossier, on)?;
    if !statement.total.is_zero() {
        return Err(AppError::BalanceNotZero(statement.total.to_french()));
    }
    let bytes = rendered(pdf::attestation(&dossier, &statement, on))?;
    Ok(pdf_response(
        bytes,
        &names::attestation_filename(&dossier.reference),
    ))
}
