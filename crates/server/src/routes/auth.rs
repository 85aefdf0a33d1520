//! Sign-in, sessions and account activation.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::StatusCode;
use claimdesk_api::ErrorBody;
use claimdesk_api::auth::{ActivateRequest, LoginRequest, Session, User};
use claimdesk_api::routes;

use crate::AppState;
use crate::activation;
use crate::auth::{self, CurrentSession};
use crate::config::delta;
use crate::error::{AppError, AppResult};
use crate::extract::{ClientAddr, Json};

fn rate_limited(what: &str, wait_secs: u64) -> AppError {
    let minutes = wait_secs.div_ceil(60);
    AppError::RateLimited {
        message: format!(
            "too many failed sign-in attempts {what}; try again in {minutes} minute{}",
            if minutes > 1 { "s" } else { "" }
        ),
        retry_after_secs: wait_secs,
    }
}

/// Checks credentials under the sign-in limits and opens a session.
pub(crate) async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: IpAddr,
) -> AppResult<Session> {
    let config = &state.config;
    let now = config.now();
    let window = delta(config.login_failure_window);
    let email = auth::normalize_email(email);
    let account_key = format!("account:{email}");
    let address_key = format!("address:{client}");
    if let Some(wait) =
        state
            .limiter
            .blocked_for(&account_key, config.login_failures_per_account, window, now)
    {
        tracing::warn!("sign-in refused: too many failures for one account");
        return Err(rate_limited("for this account", wait));
    }
    if let Some(wait) =
        state
            .limiter
            .blocked_for(&address_key, config.login_failures_per_address, window, now)
    {
        tracing::warn!(%client, "sign-in refused: too many failures from one address");
        return Err(rate_limited("from this address", wait));
    }

    let mut conn = state.db.read.acquire().await?;
    let user: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = ?")
            .bind(&email)
            .fetch_optional(&mut *conn)
            .await?;
    drop(conn);
    // An unknown account costs the same time as a wrong password.
    let (user_id, hash) = match user {
        Some((id, hash)) => (Some(id), hash),
        None => (None, state.dummy_hash().await?),
    };
    let matches = auth::verify_password(hash, password.to_owned()).await?;
    let Some(user_id) = user_id.filter(|_| matches) else {
        state.limiter.record_failure(&account_key, window, now);
        state.limiter.record_failure(&address_key, window, now);
        return Err(AppError::InvalidCredentials);
    };
    state.limiter.clear(&account_key);
    let mut conn = state.db.write.acquire().await?;
    let session = auth::open_session(&mut conn, config, user_id).await?;
    tracing::info!(user_id, "signed in");
    Ok(session)
}

#[utoipa::path(post, path = routes::LOGIN, tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the token is shown only now", body = Session),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "Too many failures for this account or address", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(request): Json<LoginRequest>,
) -> AppResult<Json<Session>> {
    sign_in(&state, &request.email, &request.password, client)
        .await
        .map(Json)
}

#[utoipa::path(post, path = routes::REFRESH, tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A new token; the old one no longer works", body = Session),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub(crate) async fn refresh(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<Session>> {
    let mut conn = state.db.write.acquire().await?;
    auth::rotate_session(&mut conn, &state.config, &session)
        .await
        .map(Json)
}

#[utoipa::path(post, path = routes::LOGOUT, tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The session is over"),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<StatusCode> {
    let mut conn = state.db.write.acquire().await?;
    auth::close_session(&mut conn, session.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = routes::ACTIVATE, tag = "auth",
    request_body = ActivateRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = Session),
        (status = 409, description = "An account already uses this email", body = ErrorBody),
        (status = 422, description = "Invalid, used or expired code (`activation_invalid`), or a weak password (`validation_failed`)", body = ErrorBody),
    ))]
pub(crate) async fn activate(
    State(state): State<AppState>,
    Json(request): Json<ActivateRequest>,
) -> AppResult<(StatusCode, Json<Session>)> {
    let session = activation::activate(&state, request).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

#[utoipa::path(get, path = routes::ME, tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = User),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub(crate) async fn me(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<User>> {
    let mut conn = state.db.read.acquire().await?;
    auth::user_record(&mut conn, session.viewer.user_id)
        .await
        .map(Json)
}
