//! Route paths, in axum's `{param}` syntax. Clients fill parameters with
//! [`path`].

pub const HEALTH: &str = "/v1/health";
pub const OPENAPI: &str = "/v1/openapi.json";

pub const LOGIN: &str = "/v1/auth/login";
pub const REFRESH: &str = "/v1/auth/refresh";
pub const LOGOUT: &str = "/v1/auth/logout";
pub const ACTIVATE: &str = "/v1/auth/activate";
pub const ME: &str = "/v1/me";

pub const SYNC: &str = "/v1/sync";

pub const PROCEDURES: &str = "/v1/procedures";
pub const PROCEDURE: &str = "/v1/procedures/{id}";
pub const PROCEDURE_CLAIMS: &str = "/v1/procedures/{id}/claims";
pub const CLAIMS: &str = "/v1/claims";
pub const CLAIM: &str = "/v1/claims/{id}";
pub const DOSSIERS: &str = "/v1/dossiers";
pub const DOSSIER: &str = "/v1/dossiers/{reference}";
pub const DOSSIER_INSTALLMENTS: &str = "/v1/dossiers/{reference}/installments";
pub const DOSSIER_STATEMENT: &str = "/v1/dossiers/{reference}/statement";
pub const DOSSIER_RIB: &str = "/v1/dossiers/{reference}/rib";
pub const DOSSIER_ATTESTATION: &str = "/v1/dossiers/{reference}/attestation";
pub const CLAIM_STATEMENT: &str = "/v1/claims/{id}/statement";
pub const CLAIM_RIB: &str = "/v1/claims/{id}/rib";

pub const UPLOADS: &str = "/v1/uploads";
pub const UPLOAD: &str = "/v1/uploads/{id}";
pub const DOCUMENTS: &str = "/v1/documents";
pub const DOCUMENT: &str = "/v1/documents/{id}";
pub const DOCUMENT_CONTENT: &str = "/v1/documents/{id}/content";
pub const DOSSIER_DOCUMENTS: &str = "/v1/dossiers/{reference}/documents";
pub const PROCEDURE_DOCUMENTS: &str = "/v1/procedures/{id}/documents";

pub const DOSSIER_DUE: &str = "/v1/dossiers/{reference}/due";
pub const DOSSIER_PAYMENTS: &str = "/v1/dossiers/{reference}/payments";
pub const DOSSIER_MANDATES: &str = "/v1/dossiers/{reference}/mandates";
pub const PAYMENTS: &str = "/v1/payments";
pub const PAYMENT: &str = "/v1/payments/{id}";
pub const PAYMENT_RECEIPT: &str = "/v1/payments/{id}/receipt";
pub const PAYMENT_INSTRUCTIONS: &str = "/v1/payments/{id}/instructions";
pub const PAYMENT_QR: &str = "/v1/payments/{id}/qr";
pub const MANDATE_PDF: &str = "/v1/mandates/{id}/pdf";
pub const CLAIM_DIVIDENDS: &str = "/v1/claims/{id}/dividends";
/// The payment provider's signed notifications, one route per provider.
pub const WEBHOOK_SANDBOX: &str = "/v1/webhooks/sandbox";
pub const WEBHOOK_STRIPE: &str = "/v1/webhooks/stripe";
/// The sandbox provider's hosted page (no session: the page's id is its secret).
pub const SANDBOX_CHECKOUT: &str = "/sandbox/checkout/{id}";
pub const SANDBOX_CHECKOUT_ACTION: &str = "/sandbox/checkout/{id}/{action}";

pub const REQUESTS: &str = "/v1/requests";
pub const REQUEST: &str = "/v1/requests/{id}";
pub const REQUEST_MESSAGES: &str = "/v1/requests/{id}/messages";
/// A complaint referred to the mediator, with its history.
pub const REQUEST_ESCALATE: &str = "/v1/requests/{id}/escalate";

pub const ADMIN_CLAIMS: &str = "/v1/admin/claims";
pub const ADMIN_CLAIM: &str = "/v1/admin/claims/{id}";
pub const ADMIN_CLAIM_DECISION: &str = "/v1/admin/claims/{id}/decision";
pub const ADMIN_PROCEDURE_STAGE: &str = "/v1/admin/procedures/{id}/stage";
pub const ADMIN_GRANTS: &str = "/v1/admin/grants";
pub const ADMIN_GRANTS_REVOKE: &str = "/v1/admin/grants/revoke";
pub const ADMIN_ACTIVATION_CODES: &str = "/v1/admin/activation-codes";
pub const ADMIN_DOCUMENTS: &str = "/v1/admin/documents";
pub const ADMIN_TRANSFERS: &str = "/v1/admin/transfers";
pub const ADMIN_REQUESTS: &str = "/v1/admin/requests";
pub const ADMIN_REQUEST_MESSAGES: &str = "/v1/admin/requests/{id}/messages";
pub const ADMIN_REQUEST_STATUS: &str = "/v1/admin/requests/{id}/status";

/// Fills the single `{…}` parameter of a route. Path segments are
/// percent-encoded so a reference can never add a segment.
pub fn path(route: &str, param: impl std::fmt::Display) -> String {
    let value = param.to_string();
    let mut encoded = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let start = route.find('{').expect("route has a parameter");
    let end = route[start..].find('}').expect("parameter is closed") + start;
    format!("{}{}{}", &route[..start], encoded, &route[end + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_encodes_parameters() {
        assert_eq!(path(PROCEDURE_CLAIMS, 12), "/v1/procedures/12/claims");
        assert_eq!(path(DOSSIER, "CD-2024/001"), "/v1/dossiers/CD-2024%2F001");
        assert_eq!(path(DOSSIER, "../x"), "/v1/dossiers/..%2Fx");
    }
}
