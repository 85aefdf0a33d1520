//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The session token from /v1/auth/login, as `Authorization: Bearer …`",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "claimdesk central API",
        description = "Dossiers, procedures and claims for études, debtors and guarantors, \
                       and the sync feed their clients replicate. Every error answers \
                       `{code, message}` with a stable code.",
        license(name = "MIT"),
    ),
    paths(
        routes::health,
        routes::openapi,
        routes::auth::login,
        routes::auth::refresh,
        routes::auth::logout,
        routes::auth::activate,
        routes::auth::me,
        routes::sync::sync,
        routes::reads::procedures,
        routes::reads::procedure,
        routes::reads::procedure_claims,
        routes::reads::claims,
        routes::reads::claim,
        routes::reads::dossiers,
        routes::reads::dossier,
        routes::reads::dossier_installments,
        routes::documents::dossier_statement,
        routes::documents::claim_statement,
        routes::documents::dossier_rib,
        routes::documents::claim_rib,
        routes::documents::dossier_attestation,
        routes::uploads::create_document,
        routes::uploads::document,
        routes::uploads::document_content,
        routes::uploads::dossier_documents,
        routes::uploads::procedure_documents,
        routes::admin::add_claim,
        routes::admin::delete_claim,
        routes::admin::decide_claim,
        routes::admin::change_stage,
        routes::admin::grant,
        routes::admin::revoke,
        routes::admin::activation_code,
        routes::uploads::post_agency_document,
        routes::mandates::create,
        routes::mandates::list,
        routes::mandates::pdf,
        routes::payment_documents::receipt,
        routes::payment_documents::instructions,
        routes::payment_documents::qr,
        routes::dividends::create,
        routes::dividends::list,
        routes::payments::dossier_due,
        routes::payments::dossier_payments,
        routes::payments::payment,
        routes::payments::create_payment,
        routes::payments::admin_transfer,
        routes::webhooks::sandbox,
        routes::webhooks::stripe,
        routes::sandbox::checkout,
        routes::sandbox::action,
    ),
    components(schemas(claimdesk_api::ErrorBody, claimdesk_api::ErrorCode)),
    modifiers(&BearerAuth),
    tags(
        (name = "meta", description = "Health and this document"),
        (name = "auth", description = "Sign-in, sessions and account activation"),
        (name = "sync", description = "The change feed clients replicate"),
        (name = "records", description = "Procedures, claims and dossiers the user sees"),
        (name = "documents", description = "Statements, RIBs and attestations de solde, as JSON or PDF"),
        (name = "uploads", description = "Documents exchanged with the agency: created from tus 1.0 uploads under /v1/uploads (OPTIONS, POST, HEAD, PATCH, DELETE), listed and downloaded with ETag and Range"),
        (name = "payments", description = "What is due and paying it: card on the provider's hosted page, SEPA transfer with its RF reference and EPC QR payload, direct debit under a mandate, cheque; every order carries an Idempotency-Key"),
        (name = "webhooks", description = "The payment providers' signed notifications (Stripe's signature scheme)"),
        (name = "sandbox", description = "The built-in sandbox provider's hosted page (HTML), for demos and tests"),
        (name = "admin", description = "Agency-side changes, reserved to agency staff"),
    )
)]
pub struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(routes::requests::RequestsApi::openapi());
    doc
}

/// The document as served and as committed in `docs/openapi.json`.
pub fn document_json() -> String {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut text = document()
            .to_pretty_json()
            .expect("the OpenAPI document serializes");
        text.push('\n');
        text
    })
    .clone()
}
