//! The committed OpenAPI document is the one the code generates and serves.
//! `UPDATE_OPENAPI=1 cargo test -p claimdesk-server --test openapi` rewrites it.

mod common;

use std::path::PathBuf;

use axum::http::StatusCode;
use claimdesk_api::routes;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[tokio::test]
async fn committed_document_matches_the_code_and_the_served_one() {
    let generated = claimdesk_server::openapi::document_json();
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json differs from the code; regenerate it with \
         UPDATE_OPENAPI=1 cargo test -p claimdesk-server --test openapi"
    );

    let h = common::Harness::demo().await;
    let served = h
        .call(axum::http::Method::GET, routes::OPENAPI, None, None)
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.text, generated);
}

#[test]
fn every_route_is_documented_with_bearer_security() {
    let doc: serde_json::Value =
        serde_json::from_str(&claimdesk_server::openapi::document_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let public = [
        routes::HEALTH,
        routes::OPENAPI,
        routes::LOGIN,
        routes::ACTIVATE,
    ];
    for route in [
        routes::HEALTH,
        routes::OPENAPI,
        routes::LOGIN,
        routes::REFRESH,
        routes::LOGOUT,
        routes::ACTIVATE,
        routes::ME,
        routes::SYNC,
        routes::PROCEDURES,
        routes::PROCEDURE,
        routes::PROCEDURE_CLAIMS,
        routes::CLAIMS,
        routes::CLAIM,
        routes::DOSSIERS,
        routes::DOSSIER,
        routes::DOSSIER_INSTALLMENTS,
        routes::ADMIN_CLAIMS,
        routes::ADMIN_CLAIM,
        routes::ADMIN_CLAIM_DECISION,
        routes::ADMIN_PROCEDURE_STAGE,
        routes::ADMIN_GRANTS,
        routes::ADMIN_GRANTS_REVOKE,
        routes::ADMIN_ACTIVATION_CODES,
    ] {
        let item = &doc["paths"][route];
        assert!(item.is_object(), "{route} is not documented");
        for (method, operation) in item.as_object().unwrap() {
            let secured = operation["security"].is_array();
            assert_eq!(
                secured,
                !public.contains(&route),
                "{method} {route}: security"
            );
            assert!(
                operation["responses"].is_object(),
                "{method} {route}: responses"
            );
        }
    }
    for schema in [
        "Session",
        "SyncPage",
        "Claim",
        "DossierDetail",
        "ErrorBody",
        "Money",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema} is missing"
        );
    }
}
