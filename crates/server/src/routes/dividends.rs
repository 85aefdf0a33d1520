//! Dividends on a claim: recorded by the étude administering its procedure,
//! listed for whoever sees the claim.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use claimdesk_api::ErrorBody;
use claimdesk_api::auth::Role;
use claimdesk_api::payments::{Dividend, NewDividend};
use claimdesk_api::routes;
use serde::Serialize;

use crate::AppState;
use crate::access::GRANTED_PROCEDURES;
use crate::auth::CurrentSession;
use crate::dividends;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path};
use crate::idempotency::{self, Begun};
use crate::routes::reads::visible_claim;

/// What the idempotency hash covers: the claim and the body.
#[derive(Serialize)]
struct Hashed<'a> {
    claim: i64,
    request: &'a NewDividend,
}

#[utoipa::path(post, path = routes::CLAIM_DIVIDENDS, tag = "payments",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Claim id"),
        ("Idempotency-Key" = String, Header, description = "Chosen by the client, the same for every retry of this request"),
    ),
    request_body = NewDividend,
    responses(
        (status = 201, description = "The dividend, with what the claim still has due", body = Dividend),
        (status = 400, description = "No Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Only the étude administering the procedure records dividends", body = ErrorBody),
        (status = 404, description = "No such claim in a procedure this user sees", body = ErrorBody),
        (status = 409, description = "The same key is still in progress", body = ErrorBody),
        (status = 422, description = "Amount not positive or above what the claim still has due, date in the future, reference empty or too long; or the key was used with another body", body = ErrorBody),
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(request): Json<NewDividend>,
) -> AppResult<Response> {
    let viewer = &session.viewer;
    if viewer.role != Role::Etude {
        return Err(AppError::Forbidden);
    }
    let key = idempotency::key_from(&headers)?;
    let mut conn = state.db.read.acquire().await?;
    let claim = visible_claim(&mut conn, viewer, id).await?;
    // Seeing the claim through its dossier is not administering it.
    let administers: bool = sqlx::query_scalar(&format!("SELECT ? IN {GRANTED_PROCEDURES}"))
        .bind(claim.procedure_id)
        .bind(viewer.user_id)
        .bind(viewer.etude_id)
        .fetch_one(&mut *conn)
        .await?;
    drop(conn);
    if !administers {
        return Err(AppError::NotFound);
    }
    let now = state.config.now();
    let reference = dividends::check(&request, now.date_naive())?;
    let hash = idempotency::request_hash(&Hashed {
        claim: id,
        request: &request,
    })?;

    let scope = routes::CLAIM_DIVIDENDS;
    let mut tx = state.db.write.begin().await?;
    if let Begun::Replay { status, body } =
        idempotency::begin(&mut tx, viewer.user_id, scope, &key, &hash, now).await?
    {
        return Ok(idempotency::stored_response(status, body));
    }
    let dividend_id =
        dividends::record(&mut tx, viewer.user_id, &claim, &request, &reference, now).await?;
    let created = dividends::of_claim(&mut tx, &claim)
        .await?
        .into_iter()
        .find(|d| d.id == dividend_id)
        .ok_or_else(|| AppError::Internal("the dividend just recorded".into()))?;
    let body = idempotency::body_json(&created)?;
    idempotency::complete(&mut tx, viewer.user_id, scope, &key, 201, &body).await?;
    tx.commit().await?;
    tracing::info!(dividend = dividend_id, claim = id, "dividend recorded");
    Ok(idempotency::stored_response(201, body))
}

#[utoipa::path(get, path = routes::CLAIM_DIVIDENDS, tag = "payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Claim id")),
    responses(
        (status = 200, description = "The claim's dividends, oldest first, each with what the claim still had due after it", body = Vec<Dividend>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such claim visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Dividend>>> {
    let mut conn = state.db.read.acquire().await?;
    let claim = visible_claim(&mut conn, &session.viewer, id).await?;
    Ok(Json(dividends::of_claim(&mut conn, &claim).await?))
}
