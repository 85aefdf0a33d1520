//! Bad input gets a clear `{code, message}` and the right status, never a 500.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use claimdesk_api::routes::{self, path};
use claimdesk_server::demo;
use common::{Harness, Reply};
use serde_json::json;

fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.code(), code, "{}", reply.text);
    assert!(
        reply.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let message = reply.body["message"].as_str().unwrap();
    assert!(!message.is_empty());
    assert_eq!(reply.body.as_object().unwrap().len(), 2);
}

fn raw(
    method: Method,
    uri: &str,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        request = request.header(header::CONTENT_TYPE, ct);
    }
    request.body(body.into()).unwrap()
}

#[tokio::test]
async fn json_bodies_are_checked_before_anything_else() {
    let h = Harness::demo().await;
    let json_ct = Some("application/json");
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            raw(Method::POST, routes::LOGIN, json_ct, "{\"email\": "),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            raw(Method::POST, routes::LOGIN, json_ct, "not json"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            raw(Method::POST, routes::LOGIN, json_ct, ""),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            raw(
                Method::POST,
                routes::LOGIN,
                json_ct,
                r#"{"email":"a@b.fr","password":"x","admin":true}"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            raw(
                Method::POST,
                routes::LOGIN,
                json_ct,
                r#"{"email":5,"password":"x"}"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            raw(
                Method::POST,
                routes::LOGIN,
                json_ct,
                r#"{"email":"a@b.fr"}"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            raw(Method::POST, routes::LOGIN, json_ct, "[1, 2]"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            raw(
                Method::POST,
                routes::LOGIN,
                None,
                r#"{"email":"a@b.fr","password":"x"}"#,
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            raw(
                Method::POST,
                routes::LOGIN,
                Some("text/plain"),
                r#"{"email":"a@b.fr","password":"x"}"#,
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            raw(
                Method::POST,
                routes::ACTIVATE,
                json_ct,
                format!(
                    r#"{{"reference":"{}","code":"x","email":"a@b.fr","password":"y"}}"#,
                    "x".repeat(2 * 1024 * 1024)
                ),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (request, status, code) in cases {
        let reply = h.send(request).await;
        assert_error(&reply, status, code);
    }
}

#[tokio::test]
async fn routes_methods_paths_and_queries_are_checked() {
    let h = Harness::demo().await;
    let token = h.token(demo::ETUDE_USER).await;
    let t = Some(token.as_str());
    let cases: Vec<(Method, String, StatusCode, &str)> = vec![
        (
            Method::GET,
            "/v1/nothing-here".into(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (Method::GET, "/".into(), StatusCode::NOT_FOUND, "not_found"),
        (
            Method::DELETE,
            routes::PROCEDURES.into(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Method::GET,
            routes::LOGIN.into(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Method::GET,
            path(routes::PROCEDURE, "abc"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            path(routes::CLAIM, "99999999999999999999999"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            format!("{}?limit=0", routes::CLAIMS),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            format!("{}?limit=10001", routes::CLAIMS),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            format!("{}?limit=x", routes::CLAIMS),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            format!("{}?after=x", routes::CLAIMS),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            format!("{}?offset=3", routes::CLAIMS),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            format!("{}?limit=0", routes::SYNC),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
    ];
    for (method, url, status, code) in cases {
        let reply = h.call(method.clone(), &url, t, None).await;
        assert_error(&reply, status, code);
    }
    // A dossier reference with a slash in it is one segment, not a new route.
    let reply = h.get(&path(routes::DOSSIER, "../procedures"), &token).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn tokens_that_are_not_sessions_are_refused() {
    let h = Harness::demo().await;
    for value in [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer nope",
        "bearer  \t",
    ] {
        let request = Request::builder()
            .uri(routes::ME)
            .header(header::AUTHORIZATION, value)
            .body(Body::empty())
            .unwrap();
        let reply = h.send(request).await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}

#[tokio::test]
async fn admin_bodies_are_validated_without_partial_writes() {
    let h = Harness::demo().await;
    let admin = h.token(demo::ADMIN_USER).await;
    let a = Some(admin.as_str());
    let etude = h.token(demo::ETUDE_USER).await;
    let procedures = h.get(routes::PROCEDURES, &etude).await.body;
    let liquidation = procedures
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "LiquidationJudiciaire")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let claims = h
        .get(&path(routes::PROCEDURE_CLAIMS, liquidation), &etude)
        .await
        .body;
    let claim = &claims.as_array().unwrap()[0];
    let claim_id = claim["id"].as_i64().unwrap();
    let good = json!({
        "procedure_id": liquidation, "dossier_reference": claim["dossier_reference"],
        "principal": "100.00", "interest": "0.00", "penalties": "0.00", "fees": "0.00",
        "to_fall_due": "0.00", "nature": "unsecured", "provisional": false,
        "declaration_date": claim["declaration_date"],
    });
    let with = |field: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let before = h
        .get(&path(routes::PROCEDURE_CLAIMS, liquidation), &etude)
        .await
        .body;
    let cases = [
        (
            with("principal", json!("-5.00")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            with("principal", json!("1.234")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            with("principal", json!(100)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            with("nature", json!("golden")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            with("declaration_date", json!("31/12/2024")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            with("declaration_date", json!("1990-01-01")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            with("procedure_id", json!(999_999)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            with("dossier_reference", json!("CD-0000-000000")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            with("extra", json!(1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let reply = h.post(routes::ADMIN_CLAIMS, a, body.clone()).await;
        assert_error(&reply, status, code);
    }
    assert_eq!(
        h.get(&path(routes::PROCEDURE_CLAIMS, liquidation), &etude)
            .await
            .body,
        before,
        "nothing was written"
    );

    let decision = path(routes::ADMIN_CLAIM_DECISION, claim_id);
    let total = claim["declared"]["total"].as_str().unwrap();
    for body in [
        json!({"admission": "pending", "admitted_amount": null, "decision_date": "2026-01-01"}),
        json!({"admission": "partly_admitted", "admitted_amount": null, "decision_date": "2026-01-01"}),
        json!({"admission": "partly_admitted", "admitted_amount": total, "decision_date": "2026-01-01"}),
        json!({"admission": "rejected", "admitted_amount": "1.00", "decision_date": "2026-01-01"}),
        json!({"admission": "admitted", "admitted_amount": null, "decision_date": "1990-01-01"}),
    ] {
        let reply = h.post(&decision, a, body).await;
        assert_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let stage = path(routes::ADMIN_PROCEDURE_STAGE, liquidation);
    let reply = h.post(&stage, a, json!({"stage": "plan_adopted"})).await;
    assert_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let reply = h.post(&stage, a, json!({"stage": "dissolved"})).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    let reply = h.post(&stage, a, json!({"stage": "closed"})).await;
    assert_eq!(reply.status, StatusCode::OK);
    let grant = json!({"subject": {"kind": "etude", "id": 999}, "object": {"kind": "procedure", "id": liquidation}});
    let reply = h.post(routes::ADMIN_GRANTS, a, grant).await;
    assert_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let grant = json!({"subject": {"kind": "team", "id": 1}, "object": {"kind": "procedure", "id": liquidation}});
    let reply = h.post(routes::ADMIN_GRANTS, a, grant).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
}
