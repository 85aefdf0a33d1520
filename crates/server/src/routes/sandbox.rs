//! The sandbox provider's hosted page, as a browser sees it: plain HTML, no
//! session (the page's id is a 128-bit random secret), approve or decline,
//! and a challenge step standing for 3-D Secure. Ending the page makes the
//! sandbox send its signed webhook, over HTTP, to this server.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use claimdesk_api::payments::{Payment, PaymentStatus};
use claimdesk_api::routes;

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::extract::Path;
use crate::payments::providers::Provider;
use crate::payments::providers::sandbox::{CHALLENGE_CODE, NAME, Outcome, Sandbox};

/// Where the browser lands after a hosted page (any provider): a page
/// saying to go back to the app, where the result arrives by sync.
pub(crate) const CHECKOUT_RETURN: &str = "/checkout/return";

fn sandbox(state: &AppState) -> AppResult<&Sandbox> {
    match state.provider.as_ref() {
        Provider::Sandbox(s) => Ok(s),
        Provider::Stripe(_) => Err(AppError::NotFound),
    }
}

async fn payment_of_page(state: &AppState, id: &str) -> AppResult<Payment> {
    let mut conn = state.db.read.acquire().await?;
    let payment: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM payments WHERE provider = ? AND provider_session_id = ?",
    )
    .bind(NAME)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let payment = payment.ok_or(AppError::NotFound)?;
    crate::payments::by_id(&mut conn, payment)
        .await?
        .ok_or(AppError::NotFound)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title></head>\
         <body><h1>{title}</h1>\n<p><em>Sandbox — aucun paiement réel.</em></p>\n{body}\n</body></html>\n",
        title = escape(title),
    ))
}

fn summary(payment: &Payment) -> String {
    format!(
        "<p>Dossier <strong>{}</strong> — montant <strong id=\"amount\">{} €</strong></p>",
        escape(&payment.dossier_reference),
        payment.amount
    )
}

fn action_url(id: &str, action: &str) -> String {
    format!("{}/{action}", routes::path(routes::SANDBOX_CHECKOUT, id))
}

fn status_page(payment: &Payment) -> Html<String> {
    let text = match payment.status {
        PaymentStatus::Pending => "Paiement en attente",
        PaymentStatus::Succeeded => "Paiement accepté",
        PaymentStatus::Failed => "Paiement refusé",
    };
    page(
        text,
        &format!(
            "{}<p id=\"status\">{}</p><p>Vous pouvez fermer cette fenêtre et revenir à ClaimDesk.</p>",
            summary(payment),
            payment.status.as_str()
        ),
    )
}

fn challenge_page(id: &str, payment: &Payment, wrong: bool) -> Html<String> {
    let error = if wrong {
        "<p id=\"error\">Code incorrect, réessayez.</p>"
    } else {
        ""
    };
    page(
        "Authentification du porteur",
        &format!(
            "{}<p>Saisissez le code reçu par SMS. Code de test : <code id=\"code\">{CHALLENGE_CODE}</code></p>\
             {error}<form method=\"post\" action=\"{}\">\
             <input name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\">\
             <button type=\"submit\">Valider</button></form>",
            summary(payment),
            escape(&action_url(id, "challenge")),
        ),
    )
}

#[utoipa::path(get, path = routes::SANDBOX_CHECKOUT, tag = "sandbox",
    params(("id" = String, Path, description = "The page's secret id")),
    responses(
        (status = 200, description = "The hosted page (HTML): the amount, approve and decline", content_type = "text/html"),
        (status = 404, description = "No such page, or the sandbox is not this server's provider"),
    ))]
pub(crate) async fn checkout(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Response> {
    sandbox(&state)?;
    let payment = payment_of_page(&state, &id).await?;
    if payment.status != PaymentStatus::Pending {
        return Ok(status_page(&payment).into_response());
    }
    Ok(page(
        "Paiement par carte",
        &format!(
            "{}<form method=\"post\" action=\"{}\"><button type=\"submit\" id=\"approve\">Payer</button></form>\
             <form method=\"post\" action=\"{}\"><button type=\"submit\" id=\"decline\">Refuser</button></form>",
            summary(&payment),
            escape(&action_url(&id, "approve")),
            escape(&action_url(&id, "decline")),
        ),
    )
    .into_response())
}

#[utoipa::path(post, path = routes::SANDBOX_CHECKOUT_ACTION, tag = "sandbox",
    params(
        ("id" = String, Path, description = "The page's secret id"),
        ("action" = String, Path, description = "`approve` (leads to the challenge), `challenge` (with the form field `code`) or `decline`"),
    ),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`code` for the challenge; nothing otherwise"),
    responses(
        (status = 200, description = "The next page (HTML): the challenge, or the result once the webhook was sent", content_type = "text/html"),
        (status = 404, description = "No such page or action"),
        (status = 422, description = "A wrong challenge code: the challenge again", content_type = "text/html"),
    ))]
pub(crate) async fn action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let sandbox = sandbox(&state)?;
    let payment = payment_of_page(&state, &id).await?;
    if payment.status != PaymentStatus::Pending {
        return Ok(status_page(&payment).into_response());
    }
    let outcome = match action.as_str() {
        "approve" => return Ok(challenge_page(&id, &payment, false).into_response()),
        "challenge" => {
            if form.get("code").map(|c| c.trim()) != Some(CHALLENGE_CODE) {
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    challenge_page(&id, &payment, true),
                )
                    .into_response());
            }
            Outcome::Approved
        }
        "decline" => Outcome::Declined,
        _ => return Err(AppError::NotFound),
    };
    sandbox
        .notify(&id, outcome, state.config.now().timestamp())
        .await?;
    // The webhook was answered 2xx: the payment has its new status.
    let payment = payment_of_page(&state, &id).await?;
    Ok(status_page(&payment).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct ReturnQuery {
    #[serde(default)]
    result: Option<String>,
}

/// Where a hosted page sends the browser back.
pub(crate) async fn checkout_return(Query(query): Query<ReturnQuery>) -> Html<String> {
    let title = match query.result.as_deref() {
        Some("success") => "Paiement transmis",
        _ => "Paiement abandonné",
    };
    page(
        title,
        "<p>Vous pouvez fermer cette fenêtre et revenir à ClaimDesk : le résultat y arrive à la prochaine synchronisation.</p>",
    )
}
