//! The documents of a payment: its receipt once received, how to pay it
//! (transfer or cheque instructions as PDF) and the EPC QR code of a
//! transfer. Whoever sees the payment's dossier gets them.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use claimdesk_api::ErrorBody;
use claimdesk_api::payments::{Payment, PaymentInstructions, PaymentStatus, TransferInstructions};
use claimdesk_api::records::Dossier;
use claimdesk_api::routes;
use claimdesk_documents::records as pdf;
use claimdesk_documents::{DocumentError, epc_qr_png};
use claimdesk_domain::Money;
use sqlx::SqliteConnection;

use crate::AppState;
use crate::auth::CurrentSession;
use crate::error::{AppError, AppResult};
use crate::extract::Path;
use crate::payments;
use crate::routes::mandates::pdf_file;
use crate::routes::reads::visible_dossier;

fn internal(error: DocumentError) -> AppError {
    AppError::Internal(error.to_string())
}

fn today(state: &AppState) -> NaiveDate {
    state.config.now().date_naive()
}

/// The payment and its dossier, both visible to the session's user.
async fn visible(
    state: &AppState,
    session: &CurrentSession,
    id: i64,
) -> AppResult<(Payment, Dossier)> {
    let mut conn = state.db.read.acquire().await?;
    let payment = payments::visible(&mut conn, &session.viewer, id).await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &payment.dossier_reference).await?;
    Ok((payment, dossier))
}

/// What the dossier still owed right after `payment_id` was received: today's
/// balance plus what was received on it since.
async fn balance_after(
    conn: &mut SqliteConnection,
    dossier: &Dossier,
    payment_id: i64,
) -> AppResult<Money> {
    let received: Option<i64> =
        sqlx::query_scalar("SELECT received_payment_id FROM payments WHERE id = ?")
            .bind(payment_id)
            .fetch_one(&mut *conn)
            .await?;
    let Some(received) = received else {
        return Ok(dossier.balance);
    };
    let later: Vec<String> =
        sqlx::query_scalar("SELECT amount FROM received_payments WHERE dossier_id = ? AND id > ?")
            .bind(dossier.id)
            .bind(received)
            .fetch_all(&mut *conn)
            .await?;
    let mut balance = dossier.balance;
    for amount in later {
        let amount: Money = amount
            .parse()
            .map_err(|_| AppError::corrupt(format!("received payment amount {amount:?}")))?;
        balance = balance + amount;
    }
    Ok(balance)
}

#[utoipa::path(get, path = routes::PAYMENT_RECEIPT, tag = "payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The receipt of a received payment (PDF)", content_type = "application/pdf"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such payment visible to this user", body = ErrorBody),
        (status = 409, description = "The payment has not been received", body = ErrorBody),
    ))]
pub(crate) async fn receipt(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (payment, dossier) = visible(&state, &session, id).await?;
    match payment.status {
        PaymentStatus::Succeeded => {}
        PaymentStatus::Pending => {
            return Err(AppError::Conflict(format!(
                "payment {id} has not been received yet: its receipt is issued once it is"
            )));
        }
        PaymentStatus::Failed => {
            return Err(AppError::Conflict(format!(
                "payment {id} failed: there is no receipt for it"
            )));
        }
    }
    let mut conn = state.db.read.acquire().await?;
    let remaining = balance_after(&mut conn, &dossier, id).await?;
    drop(conn);
    let bytes = pdf::receipt(&dossier, &payment, remaining, today(&state)).map_err(internal)?;
    Ok(pdf_file(
        bytes,
        &format!("recu-paiement-{id}-{}.pdf", dossier.reference),
    ))
}

#[utoipa::path(get, path = routes::PAYMENT_INSTRUCTIONS, tag = "payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 200, description = "How to pay by transfer (with the EPC QR code) or by cheque (PDF)", content_type = "application/pdf"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such payment visible to this user", body = ErrorBody),
        (status = 409, description = "Not a transfer or a cheque, or the payment failed", body = ErrorBody),
    ))]
pub(crate) async fn instructions(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (payment, dossier) = visible(&state, &session, id).await?;
    if payment.status == PaymentStatus::Failed {
        return Err(AppError::Conflict(format!(
            "payment {id} failed: order a new payment to get instructions"
        )));
    }
    let on = today(&state);
    let (bytes, kind) = match &payment.instructions {
        Some(PaymentInstructions::Transfer(transfer)) => (
            pdf::transfer_instructions(&dossier.servicer, &dossier.reference, transfer, on),
            "virement",
        ),
        Some(PaymentInstructions::Cheque(cheque)) => (
            pdf::cheque_instructions(&dossier.servicer, &dossier.reference, cheque, on),
            "cheque",
        ),
        _ => {
            return Err(AppError::Conflict(format!(
                "payment {id} is paid by {}: only transfers and cheques have instructions to print",
                payment.method.as_str()
            )));
        }
    };
    Ok(pdf_file(
        bytes.map_err(internal)?,
        &format!("instructions-{kind}-{id}-{}.pdf", dossier.reference),
    ))
}

fn transfer_of(payment: &Payment) -> AppResult<&TransferInstructions> {
    match &payment.instructions {
        Some(PaymentInstructions::Transfer(transfer)) => Ok(transfer),
        _ => Err(AppError::Conflict(format!(
            "payment {} is paid by {}: only a transfer has a QR code",
            payment.id,
            payment.method.as_str()
        ))),
    }
}

#[utoipa::path(get, path = routes::PAYMENT_QR, tag = "payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The transfer's EPC QR code (EPC069-12), for a banking app to scan", content_type = "image/png"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such payment visible to this user", body = ErrorBody),
        (status = 409, description = "Not a transfer", body = ErrorBody),
    ))]
pub(crate) async fn qr(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let mut conn = state.db.read.acquire().await?;
    let payment = payments::visible(&mut conn, &session.viewer, id).await?;
    drop(conn);
    let png = epc_qr_png(&transfer_of(&payment)?.epc_payload)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        png,
    )
        .into_response())
}
