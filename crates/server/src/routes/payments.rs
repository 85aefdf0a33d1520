//! What is due, paying it, the payments of a dossier, and transfers the
//! agency received.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use claimdesk_api::ErrorBody;
use claimdesk_api::payments::{Due, NewPayment, Payment, PaymentMethod, ReceivedTransfer};
use claimdesk_api::routes;

use crate::AppState;
use crate::access::Viewer;
use crate::auth::{AdminSession, CurrentSession};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path};
use crate::idempotency::{self, Begun};
use crate::payments::orders::{self, Order};
use crate::payments::providers::CheckoutRequest;
use crate::payments::{self};
use crate::routes::reads::visible_dossier;
use crate::routes::sandbox::CHECKOUT_RETURN;

#[utoipa::path(get, path = routes::DOSSIER_DUE, tag = "payments",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference")),
    responses(
        (status = 200, description = "The balance, what is overdue, what is on its way, the schedule", body = Due),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn dossier_due(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
) -> AppResult<Json<Due>> {
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &reference).await?;
    orders::due(
        &mut conn,
        dossier.id,
        &dossier.reference,
        dossier.balance,
        state.config.now().date_naive(),
    )
    .await
    .map(Json)
}

#[utoipa::path(get, path = routes::DOSSIER_PAYMENTS, tag = "payments",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference")),
    responses(
        (status = 200, description = "The dossier's payments, oldest first", body = Vec<Payment>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn dossier_payments(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
) -> AppResult<Json<Vec<Payment>>> {
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &reference).await?;
    payments::of_dossier(&mut conn, dossier.id).await.map(Json)
}

#[utoipa::path(get, path = routes::PAYMENT, tag = "payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The payment", body = Payment),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such payment on a dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn payment(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<Payment>> {
    let mut conn = state.db.read.acquire().await?;
    payments::visible(&mut conn, &session.viewer, id)
        .await
        .map(Json)
}

#[utoipa::path(post, path = routes::PAYMENTS, tag = "payments",
    security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Chosen by the client when the order is made; a replay answers the first response")),
    request_body = NewPayment,
    responses(
        (status = 201, description = "The payment, pending: card with its hosted page (`checkout_url`), transfer and cheque with their instructions, direct debit with its collection date", body = Payment),
        (status = 200, description = "The payment this key created before, as first answered", body = Payment),
        (status = 400, description = "No or bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not the debtor or a guarantor (étude, agency)", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
        (status = 409, description = "A request with this key is still in progress", body = ErrorBody),
        (status = 422, description = "Amount not positive, above the balance or with more than two decimals; cash; unknown instalment; no mandate for a debit; or the key was used with another body", body = ErrorBody),
    ))]
pub(crate) async fn create_payment(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    Json(new): Json<NewPayment>,
) -> AppResult<Response> {
    let viewer = &session.viewer;
    let key = idempotency::key_from(&headers)?;
    let hash = idempotency::request_hash(&new)?;
    let scope = routes::PAYMENTS;
    let now = state.config.now();
    let mut tx = state.db.write.begin().await?;
    if let Begun::Replay { body, .. } =
        idempotency::begin(&mut tx, viewer.user_id, scope, &key, &hash, now).await?
    {
        return Ok(idempotency::stored_response(StatusCode::OK.as_u16(), body));
    }
    // An error from here drops the transaction, and the key with it.
    let order = orders::prepare(&mut tx, viewer, &new, now.date_naive()).await?;
    if order.method != PaymentMethod::Card {
        let id = payments::insert(&mut tx, &order.row(viewer.user_id, None), now).await?;
        return finish(tx, viewer, &key, id).await;
    }
    // The provider's call must not hold the write transaction: the key is
    // committed in progress first, and given back if the call fails.
    tx.commit().await?;
    let checkout = match open_checkout(&state, &order, &key).await {
        Ok(checkout) => checkout,
        Err(e) => {
            let mut tx = state.db.write.begin().await?;
            idempotency::abandon(&mut tx, viewer.user_id, scope, &key).await?;
            tx.commit().await?;
            return Err(e);
        }
    };
    let mut tx = state.db.write.begin().await?;
    let row = order.row(
        viewer.user_id,
        Some((state.provider.name(), &checkout.session_id, &checkout.url)),
    );
    let id = payments::insert(&mut tx, &row, state.config.now()).await?;
    finish(tx, viewer, &key, id).await
}

async fn open_checkout(
    state: &AppState,
    order: &Order,
    key: &str,
) -> AppResult<crate::payments::providers::Checkout> {
    let base = state.config.public_url.trim_end_matches('/');
    let description = format!("Dossier {}", order.dossier_reference);
    // The provider's key is ours, per user: two users' keys never collide there.
    let provider_key = idempotency::request_hash(&(order.dossier_id, key, order.amount))?;
    let checkout = state
        .provider
        .create_checkout(&CheckoutRequest {
            client_reference: &order.reference,
            dossier_reference: &order.dossier_reference,
            amount: order.amount,
            description: &description,
            success_url: &format!("{base}{CHECKOUT_RETURN}?result=success"),
            cancel_url: &format!("{base}{CHECKOUT_RETURN}?result=cancel"),
            idempotency_key: &provider_key,
        })
        .await?;
    Ok(checkout)
}

/// Completes the key with the payment as first answered, in the
/// transaction that created it.
async fn finish(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    viewer: &Viewer,
    key: &str,
    id: i64,
) -> AppResult<Response> {
    let payment = payments::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::corrupt(format!("payment {id} just stored")))?;
    let body = idempotency::body_json(&payment)?;
    let status = StatusCode::CREATED.as_u16();
    idempotency::complete(
        &mut tx,
        viewer.user_id,
        routes::PAYMENTS,
        key,
        status,
        &body,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        payment = id,
        user = viewer.user_id,
        method = payment.method.as_str(),
        "payment ordered"
    );
    Ok(idempotency::stored_response(status, body))
}

#[utoipa::path(post, path = routes::ADMIN_TRANSFERS, tag = "admin",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Optional; when sent, a replay answers the first response")),
    request_body = ReceivedTransfer,
    responses(
        (status = 200, description = "The pending transfer order it reconciles, now succeeded", body = Payment),
        (status = 201, description = "No order quoted the reference, which is a dossier's: a new transfer received on it", body = Payment),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 409, description = "A request with this key is still in progress", body = ErrorBody),
        (status = 422, description = "Not an RF reference, or one no order and no dossier has; amount not positive; a date in the future", body = ErrorBody),
    ))]
pub(crate) async fn admin_transfer(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    headers: HeaderMap,
    Json(transfer): Json<ReceivedTransfer>,
) -> AppResult<Response> {
    let key = match headers.get(claimdesk_api::payments::IDEMPOTENCY_KEY_HEADER) {
        Some(_) => Some(idempotency::key_from(&headers)?),
        None => None,
    };
    let scope = routes::ADMIN_TRANSFERS;
    let user = admin.viewer.user_id;
    let now = state.config.now();
    let mut tx = state.db.write.begin().await?;
    if let Some(key) = &key {
        let hash = idempotency::request_hash(&transfer)?;
        if let Begun::Replay { body, .. } =
            idempotency::begin(&mut tx, user, scope, key, &hash, now).await?
        {
            return Ok(idempotency::stored_response(StatusCode::OK.as_u16(), body));
        }
    }
    let (id, created) = orders::receive_transfer(&mut tx, &transfer, now).await?;
    let payment = payments::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::corrupt(format!("payment {id} just received")))?;
    let body = idempotency::body_json(&payment)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
    .as_u16();
    if let Some(key) = &key {
        idempotency::complete(&mut tx, user, scope, key, status, &body).await?;
    }
    tx.commit().await?;
    tracing::info!(admin = user, payment = id, created, "transfer received");
    Ok(idempotency::stored_response(status, body))
}
