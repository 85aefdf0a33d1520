//! HTTP handlers, one module per area, and the router that serves them.

pub(crate) mod admin;
pub(crate) mod auth;
pub(crate) mod dividends;
pub(crate) mod documents;
pub(crate) mod mandates;
pub(crate) mod payment_documents;
pub(crate) mod payments;
pub(crate) mod reads;
pub(crate) mod requests;
pub(crate) mod sandbox;
pub(crate) mod sync;
pub(crate) mod uploads;
pub(crate) mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, options, post};
use claimdesk_api::routes;
use serde::Serialize;
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::AppError;
use crate::extract::{Json, MAX_BODY_BYTES};

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route(routes::HEALTH, get(health))
        .route(routes::OPENAPI, get(openapi))
        .route(routes::LOGIN, post(auth::login))
        .route(routes::REFRESH, post(auth::refresh))
        .route(routes::LOGOUT, post(auth::logout))
        .route(routes::ACTIVATE, post(auth::activate))
        .route(routes::ME, get(auth::me))
        .route(routes::SYNC, get(sync::sync))
        .route(routes::PROCEDURES, get(reads::procedures))
        .route(routes::PROCEDURE, get(reads::procedure))
        .route(routes::PROCEDURE_CLAIMS, get(reads::procedure_claims))
        .route(routes::CLAIMS, get(reads::claims))
        .route(routes::CLAIM, get(reads::claim))
        .route(routes::DOSSIERS, get(reads::dossiers))
        .route(routes::DOSSIER, get(reads::dossier))
        .route(
            routes::DOSSIER_INSTALLMENTS,
            get(reads::dossier_installments),
        )
        .route(routes::DOSSIER_STATEMENT, get(documents::dossier_statement))
        .route(routes::DOSSIER_RIB, get(documents::dossier_rib))
        .route(
            routes::DOSSIER_ATTESTATION,
            get(documents::dossier_attestation),
        )
        .route(routes::CLAIM_STATEMENT, get(documents::claim_statement))
        .route(routes::CLAIM_RIB, get(documents::claim_rib))
        .route(routes::DOCUMENTS, post(uploads::create_document))
        .route(routes::DOCUMENT, get(uploads::document))
        .route(routes::DOCUMENT_CONTENT, get(uploads::document_content))
        .route(routes::DOSSIER_DOCUMENTS, get(uploads::dossier_documents))
        .route(
            routes::PROCEDURE_DOCUMENTS,
            get(uploads::procedure_documents),
        )
        .route(routes::DOSSIER_DUE, get(payments::dossier_due))
        .route(routes::DOSSIER_PAYMENTS, get(payments::dossier_payments))
        .route(routes::PAYMENTS, post(payments::create_payment))
        .route(routes::PAYMENT, get(payments::payment))
        .route(routes::WEBHOOK_SANDBOX, post(webhooks::sandbox))
        .route(routes::WEBHOOK_STRIPE, post(webhooks::stripe))
        .route(routes::SANDBOX_CHECKOUT, get(sandbox::checkout))
        .route(routes::SANDBOX_CHECKOUT_ACTION, post(sandbox::action))
        .route(sandbox::CHECKOUT_RETURN, get(sandbox::checkout_return))
        .route(
            routes::DOSSIER_MANDATES,
            get(mandates::list).post(mandates::create),
        )
        .route(routes::MANDATE_PDF, get(mandates::pdf))
        .route(routes::PAYMENT_RECEIPT, get(payment_documents::receipt))
        .route(
            routes::PAYMENT_INSTRUCTIONS,
            get(payment_documents::instructions),
        )
        .route(routes::PAYMENT_QR, get(payment_documents::qr))
        .route(
            routes::CLAIM_DIVIDENDS,
            get(dividends::list).post(dividends::create),
        )
        .merge(tus_router())
        .merge(requests::router())
        .route(routes::ADMIN_CLAIMS, post(admin::add_claim))
        .route(routes::ADMIN_CLAIM, delete(admin::delete_claim))
        .route(routes::ADMIN_CLAIM_DECISION, post(admin::decide_claim))
        .route(routes::ADMIN_PROCEDURE_STAGE, post(admin::change_stage))
        .route(routes::ADMIN_GRANTS, post(admin::grant))
        .route(routes::ADMIN_GRANTS_REVOKE, post(admin::revoke))
        .route(routes::ADMIN_ACTIVATION_CODES, post(admin::activation_code))
        .route(routes::ADMIN_DOCUMENTS, post(uploads::post_agency_document))
        .route(routes::ADMIN_TRANSFERS, post(payments::admin_transfer))
        .fallback(not_found)
        // Applies to the routes above, so it comes after them.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// tus speaks in headers on every answer, and a PATCH body is a file chunk
/// streamed to disk: no JSON body limit applies to it.
fn tus_router() -> Router<AppState> {
    Router::new()
        .route(
            routes::UPLOADS,
            options(uploads::options).post(uploads::create),
        )
        .route(
            routes::UPLOAD,
            axum::routing::head(uploads::head)
                .patch(uploads::patch)
                .delete(uploads::terminate)
                .layer(DefaultBodyLimit::disable()),
        )
        .layer(axum::middleware::from_fn(uploads::tus_headers))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    /// Always `ok` when the server answers.
    pub status: &'static str,
}

#[utoipa::path(get, path = routes::HEALTH, tag = "meta",
    responses((status = 200, description = "The server is up", body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[utoipa::path(get, path = routes::OPENAPI, tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json")))]
pub(crate) async fn openapi() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        crate::openapi::document_json(),
    )
        .into_response()
}

async fn not_found() -> AppError {
    AppError::NotFound
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
