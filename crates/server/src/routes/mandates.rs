//! SEPA direct-debit mandates of a dossier: set up by its debtor or
//! guarantor, listed with the IBAN masked, and the mandate's PDF.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use claimdesk_api::ErrorBody;
use claimdesk_api::auth::Role;
use claimdesk_api::payments::{Mandate, NewMandate};
use claimdesk_api::routes;
use claimdesk_documents::records as pdf;
use serde::Serialize;

use crate::AppState;
use crate::auth::{self, CurrentSession};
use crate::config::delta;
use crate::documents::content_disposition;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path};
use crate::idempotency::{self, Begun};
use crate::mandates;
use crate::routes::reads::visible_dossier;

/// What the idempotency hash covers: the dossier and the body, never the
/// password (a retry typing it again is the same request).
#[derive(Serialize)]
struct Hashed<'a> {
    dossier: &'a str,
    request: &'a NewMandate,
}

/// Whether `password` is the signed-in user's, under the sign-in limits of
/// the account: a stolen session cannot guess it faster than a sign-in can.
pub(crate) async fn password_matches(
    state: &AppState,
    user_id: i64,
    password: &str,
) -> AppResult<bool> {
    let config = &state.config;
    let now = config.now();
    let window = delta(config.login_failure_window);
    let mut conn = state.db.read.acquire().await?;
    let (email, hash): (String, String) =
        sqlx::query_as("SELECT email, password_hash FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?;
    drop(conn);
    let account_key = format!("account:{}", auth::normalize_email(&email));
    if let Some(wait) =
        state
            .limiter
            .blocked_for(&account_key, config.login_failures_per_account, window, now)
    {
        return Err(AppError::RateLimited {
            message: format!(
                "too many wrong passwords for this account; try again in {} minute(s)",
                wait.div_ceil(60)
            ),
            retry_after_secs: wait,
        });
    }
    let matches = auth::verify_password(hash, password.to_owned()).await?;
    if matches {
        state.limiter.clear(&account_key);
    } else {
        state.limiter.record_failure(&account_key, window, now);
    }
    Ok(matches)
}

#[utoipa::path(post, path = routes::DOSSIER_MANDATES, tag = "payments",
    security(("bearer" = [])),
    params(
        ("reference" = String, Path, description = "Dossier reference"),
        ("Idempotency-Key" = String, Header, description = "Chosen by the client, the same for every retry of this request"),
    ),
    request_body = NewMandate,
    responses(
        (status = 201, description = "The mandate, active; the one it replaces is revoked", body = Mandate),
        (status = 400, description = "No Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not a debtor or guarantor (forbidden), or new bank details without the right password (password_required)", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
        (status = 409, description = "The same key is still in progress, or the dossier cannot take a mandate", body = ErrorBody),
        (status = 422, description = "Invalid holder, IBAN, BIC, day or amount; or the key was used with another body", body = ErrorBody),
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    Path(reference): Path<String>,
    Json(request): Json<NewMandate>,
) -> AppResult<Response> {
    let viewer = &session.viewer;
    if !matches!(viewer.role, Role::Debtor | Role::Guarantor) {
        return Err(AppError::Forbidden);
    }
    let key = idempotency::key_from(&headers)?;
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, viewer, &reference).await?;
    drop(conn);
    let checked = mandates::check(&request)?;
    let hash = idempotency::request_hash(&Hashed {
        dossier: &dossier.reference,
        request: &NewMandate {
            password: None,
            ..request.clone()
        },
    })?;
    // Verified before the write transaction: a password hash takes tens of
    // milliseconds that no other writer should wait for.
    let password_ok = match request.password.as_deref() {
        Some(password) if !password.is_empty() => {
            password_matches(&state, viewer.user_id, password).await?
        }
        _ => false,
    };

    let scope = routes::DOSSIER_MANDATES;
    let now = state.config.now();
    let mut tx = state.db.write.begin().await?;
    if let Begun::Replay { status, body } =
        idempotency::begin(&mut tx, viewer.user_id, scope, &key, &hash, now).await?
    {
        return Ok(idempotency::stored_response(status, body));
    }
    let terms = mandates::dossier_terms(&mut tx, dossier.id).await?;
    if terms.active.is_some() && !password_ok {
        return Err(AppError::PasswordRequired(match request.password {
            None => {
                "new bank details replace the active mandate: confirm with your password".into()
            }
            Some(_) => "the password is wrong: new bank details need your password".into(),
        }));
    }
    let id = mandates::create(&mut tx, viewer.user_id, &terms, &checked, now).await?;
    let created = mandates::by_id(&mut tx, id).await?;
    let body = idempotency::body_json(&created)?;
    idempotency::complete(&mut tx, viewer.user_id, scope, &key, 201, &body).await?;
    tx.commit().await?;
    tracing::info!(mandate = id, dossier = dossier.id, "mandate signed");
    Ok(idempotency::stored_response(201, body))
}

#[utoipa::path(get, path = routes::DOSSIER_MANDATES, tag = "payments",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference")),
    responses(
        (status = 200, description = "The dossier's mandates, oldest first, IBANs masked", body = Vec<Mandate>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
) -> AppResult<Json<Vec<Mandate>>> {
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &reference).await?;
    Ok(Json(mandates::of_dossier(&mut conn, dossier.id).await?))
}

#[utoipa::path(get, path = routes::MANDATE_PDF, tag = "payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Mandate id")),
    responses(
        (status = 200, description = "The signed mandate (PDF)", content_type = "application/pdf"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such mandate visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn pdf(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let mut conn = state.db.read.acquire().await?;
    let stored = mandates::visible(&mut conn, &session.viewer, id).await?;
    let dossier = visible_dossier(
        &mut conn,
        &session.viewer,
        &stored.mandate.dossier_reference,
    )
    .await?;
    drop(conn);
    let bytes = pdf::mandate(&dossier.servicer, &stored.mandate, &stored.iban)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(pdf_file(
        bytes,
        &format!("mandat-sepa-{}.pdf", stored.mandate.reference),
    ))
}

/// A PDF saved under `file_name` (RFC 6266: an ASCII name and the exact one).
pub(crate) fn pdf_file(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, content_disposition(file_name)),
        ],
        bytes,
    )
        .into_response()
}
