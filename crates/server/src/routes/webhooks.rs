//! The payment providers' signed notifications. The raw body is what is
//! signed, so it is read as bytes and parsed only once verified.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use claimdesk_api::ErrorBody;
use claimdesk_api::routes;

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::payments::providers::Provider;
use crate::payments::webhooks;

#[utoipa::path(post, path = routes::WEBHOOK_SANDBOX, tag = "webhooks",
    params(("Stripe-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\"> with the sandbox's secret")),
    request_body(content = String, content_type = "application/json", description = "A Stripe-shaped event"),
    responses(
        (status = 200, description = "Applied, already applied, or ignored"),
        (status = 400, description = "Missing, forged or stale signature, or not an event", body = ErrorBody),
        (status = 404, description = "The sandbox is not this server's provider", body = ErrorBody),
    ))]
pub(crate) async fn sandbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<StatusCode> {
    match state.provider.as_ref() {
        Provider::Sandbox(_) => receive(&state, &headers, &body).await,
        Provider::Stripe(_) => Err(AppError::NotFound),
    }
}

#[utoipa::path(post, path = routes::WEBHOOK_STRIPE, tag = "webhooks",
    params(("Stripe-Signature" = String, Header, description = "As Stripe signs: t=…,v1=…")),
    request_body(content = String, content_type = "application/json", description = "A Stripe event"),
    responses(
        (status = 200, description = "Applied, already applied, or ignored"),
        (status = 400, description = "Missing, forged or stale signature, or not an event", body = ErrorBody),
        (status = 404, description = "Stripe is not this server's provider", body = ErrorBody),
    ))]
pub(crate) async fn stripe(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<StatusCode> {
    match state.provider.as_ref() {
        Provider::Stripe(_) => receive(&state, &headers, &body).await,
        Provider::Sandbox(_) => Err(AppError::NotFound),
    }
}

async fn receive(state: &AppState, headers: &HeaderMap, body: &[u8]) -> AppResult<StatusCode> {
    let now = state.config.now();
    let event = state
        .provider
        .verify_webhook(headers, body, now)
        .inspect_err(|e| tracing::warn!(error = %e, "webhook refused"))?;
    let mut tx = state.db.write.begin().await?;
    let handled = webhooks::apply(&mut tx, state.provider.name(), &event, now).await?;
    tx.commit().await?;
    tracing::debug!(event = %event.id, ?handled, "webhook");
    Ok(StatusCode::OK)
}
