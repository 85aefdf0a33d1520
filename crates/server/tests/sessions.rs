//! Sign-in limits, session expiry, refresh and logout, and account activation.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode, header};
use claimdesk_api::routes;
use claimdesk_server::demo;
use common::Harness;
use serde_json::{Value, json};

fn login_body(email: &str, password: &str) -> Value {
    json!({"email": email, "password": password})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_is_locked_after_five_failures_for_a_while() {
    let h = Harness::demo().await;
    for _ in 0..5 {
        let reply = h
            .post(
                routes::LOGIN,
                None,
                login_body(demo::ETUDE_USER, "wrong-password"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.code(), "invalid_credentials");
    }
    // Even the right password waits now.
    let reply = h
        .post(
            routes::LOGIN,
            None,
            login_body(demo::ETUDE_USER, demo::PASSWORD),
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.code(), "rate_limited");
    let wait: u64 = reply.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    let message = reply.body["message"].as_str().unwrap();
    assert!(
        message.contains("this account") && message.contains("minute"),
        "{message}"
    );
    // Another account from the same address is not affected.
    let reply = h
        .post(
            routes::LOGIN,
            None,
            login_body(demo::ETUDE_USER_2, demo::PASSWORD),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    // Case and spaces do not make a new account.
    let reply = h
        .post(
            routes::LOGIN,
            None,
            login_body(" Etude@Demo.Claimdesk.fr ", demo::PASSWORD),
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);

    h.clock.advance(Duration::from_secs(15 * 60 + 1));
    let reply = h
        .post(
            routes::LOGIN,
            None,
            login_body(demo::ETUDE_USER, demo::PASSWORD),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_locked_after_thirty_failures() {
    let h = Harness::demo().await;
    for i in 0..30 {
        // Spread over unknown accounts so no single account reaches its limit.
        let reply = h
            .post(
                routes::LOGIN,
                None,
                login_body(&format!("nobody{i}@example.fr"), "guess"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert_eq!(
            reply.code(),
            "invalid_credentials",
            "unknown accounts look like wrong passwords"
        );
    }
    let reply = h
        .post(
            routes::LOGIN,
            None,
            login_body(demo::DEBTORS[0], demo::PASSWORD),
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        reply.body["message"]
            .as_str()
            .unwrap()
            .contains("this address")
    );
    assert!(reply.headers.contains_key(header::RETRY_AFTER));
    h.clock.advance(Duration::from_secs(15 * 60));
    let reply = h
        .post(
            routes::LOGIN,
            None,
            login_body(demo::DEBTORS[0], demo::PASSWORD),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn idle_sessions_expire_and_use_keeps_them_alive() {
    let h = Harness::demo().await;
    let login = h
        .post(
            routes::LOGIN,
            None,
            login_body(demo::DEBTORS[2], demo::PASSWORD),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let token = login.body["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 43, "256 bits");
    for _ in 0..3 {
        h.clock.advance(Duration::from_secs(11 * 3600));
        assert_eq!(h.get(routes::ME, &token).await.status, StatusCode::OK);
    }
    h.clock.advance(Duration::from_secs(12 * 3600 + 1));
    let reply = h.get(routes::ME, &token).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "session_expired");
}

#[tokio::test]
async fn sessions_end_after_thirty_days_whatever_the_activity() {
    let h = Harness::demo().await;
    let first = h.token(demo::GUARANTORS[0]).await;
    let refreshed = h
        .call(Method::POST, routes::REFRESH, Some(&first), None)
        .await;
    assert_eq!(refreshed.status, StatusCode::OK);
    // Refreshing rotates the token: the old one is dead at once.
    let reply = h.get(routes::ME, &first).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthenticated");
    let expires = refreshed.body["expires_at"].clone();
    let mut token = refreshed.body["token"].as_str().unwrap().to_owned();
    let mut hours = 0;
    while hours + 11 < 30 * 24 {
        h.clock.advance(Duration::from_secs(11 * 3600));
        hours += 11;
        assert_eq!(
            h.get(routes::ME, &token).await.status,
            StatusCode::OK,
            "{hours} h"
        );
        let refreshed = h
            .call(Method::POST, routes::REFRESH, Some(&token), None)
            .await;
        assert_eq!(refreshed.status, StatusCode::OK, "{hours} h");
        // ... but never the absolute end.
        assert_eq!(refreshed.body["expires_at"], expires);
        token = refreshed.body["token"].as_str().unwrap().to_owned();
    }
    h.clock.advance(Duration::from_secs(11 * 3600));
    let reply = h.get(routes::ME, &token).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "session_expired");
    let reply = h
        .call(Method::POST, routes::REFRESH, Some(&token), None)
        .await;
    assert_eq!(reply.code(), "session_expired");
}

#[tokio::test]
async fn logout_ends_the_session_and_only_it() {
    let h = Harness::demo().await;
    let one = h.token(demo::ETUDE_USER).await;
    let two = h.token(demo::ETUDE_USER).await;
    assert_ne!(one, two);
    let reply = h.call(Method::POST, routes::LOGOUT, Some(&one), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = h.get(routes::ME, &one).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthenticated");
    let reply = h.call(Method::POST, routes::LOGOUT, Some(&one), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(h.get(routes::ME, &two).await.status, StatusCode::OK);
}

#[tokio::test]
async fn tokens_are_stored_hashed() {
    let h = Harness::demo().await;
    let token = h.token(demo::ETUDE_USER).await;
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        h.dir.path().join("claimdesk.sqlite").display()
    ))
    .await
    .unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|s| s != &token && s.len() == 64));
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(
        hashes
            .iter()
            .all(|h| h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"))
    );
    let distinct: std::collections::BTreeSet<_> = hashes.iter().collect();
    assert_eq!(distinct.len(), hashes.len(), "one salt per account");
}

/// A dossier of a company that has no account yet, and one of its guarantors.
async fn unclaimed(h: &Harness) -> (String, String, Option<(String, String)>) {
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        h.dir.path().join("claimdesk.sqlite").display()
    ))
    .await
    .unwrap();
    let (reference, company): (String, String) = sqlx::query_as(
        "SELECT d.reference, c.name FROM dossiers d JOIN companies c ON c.id = d.company_id \
         WHERE d.company_id NOT IN (SELECT company_id FROM users WHERE company_id IS NOT NULL) \
         ORDER BY d.id LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let guarantee: Option<(String, String)> = sqlx::query_as(
        "SELECT d.reference, g.guarantor_name FROM guarantees g JOIN dossiers d ON d.id = g.dossier_id \
         WHERE g.guarantor_name NOT IN (SELECT display_name FROM users) LIMIT 1",
    )
    .fetch_optional(&db)
    .await
    .unwrap();
    (reference, company, guarantee)
}

async fn new_code(h: &Harness, admin: &str, reference: &str, role: &str, name: &str) -> Value {
    let reply = h
        .post(
            routes::ADMIN_ACTIVATION_CODES,
            Some(admin),
            json!({"reference": reference, "role": role, "display_name": name}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

fn activation(reference: &str, code: &str, email: &str, password: &str) -> Value {
    json!({"reference": reference, "code": code, "email": email, "password": password})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_activates_once_with_the_code_from_the_letter() {
    let h = Harness::demo().await;
    let admin = h.token(demo::ADMIN_USER).await;
    let (reference, company, _) = unclaimed(&h).await;
    let code = new_code(&h, &admin, &reference, "debtor", &company).await;
    let letter = code["code"].as_str().unwrap().to_owned();
    assert!(
        letter.replace('-', "").len() >= 26,
        "at least 128 bits: {letter}"
    );
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(code["expires_at"].clone()).unwrap();
    let days = (expires - h.clock_now()).num_days();
    assert!((29..=30).contains(&days), "{days}");

    let email = "gerance@exemple-debiteur.fr";
    // Weak passwords are refused and do not use the code up.
    let surname = company.split_whitespace().last().unwrap().to_lowercase();
    for weak in ["court", &format!("{surname}-2026-secret")] {
        let reply = h
            .post(
                routes::ACTIVATE,
                None,
                activation(&reference, &letter, email, weak),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert_eq!(reply.code(), "validation_failed", "{weak}");
    }
    let reply = h
        .post(
            routes::ACTIVATE,
            None,
            activation(
                &reference,
                "0000-0000-0000-0000-0000-0000-0000-0000",
                email,
                "un mot de passe solide",
            ),
        )
        .await;
    assert_eq!(reply.code(), "activation_invalid");
    let reply = h
        .post(
            routes::ACTIVATE,
            None,
            activation("CD-2000-000001", &letter, email, "un mot de passe solide"),
        )
        .await;
    assert_eq!(
        reply.code(),
        "activation_invalid",
        "the code belongs to its dossier"
    );

    // Typed from the letter: lower case, spaces instead of dashes.
    let typed = letter.to_lowercase().replace('-', " ");
    let reply = h
        .post(
            routes::ACTIVATE,
            None,
            activation(&reference, &typed, email, "un mot de passe solide"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["user"]["role"], "debtor");
    assert_eq!(reply.body["user"]["company_name"], company.as_str());
    let token = reply.body["token"].as_str().unwrap().to_owned();
    let dossiers = h.get(routes::DOSSIERS, &token).await.body;
    let refs: Vec<&str> = dossiers
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reference"].as_str().unwrap())
        .collect();
    assert!(refs.contains(&reference.as_str()));
    assert!(
        dossiers
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["debtor"]["name"] == company.as_str())
    );
    let procedures = h.get(routes::PROCEDURES, &token).await.body;
    assert_eq!(procedures.as_array().unwrap().len(), 1);
    assert_eq!(procedures[0]["debtor"]["name"], company.as_str());
    // The new account's first sync carries what it now sees.
    let sync = h.get(routes::SYNC, &token).await.body;
    assert!(sync["changes"].as_array().unwrap().len() > refs.len());

    let reply = h
        .post(
            routes::ACTIVATE,
            None,
            activation(
                &reference,
                &letter,
                "autre@exemple.fr",
                "un mot de passe solide",
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "activation_invalid", "single use");
    let reply = h
        .post(
            routes::LOGIN,
            None,
            login_body(email, "un mot de passe solide"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);

    // One account per email.
    let again = new_code(&h, &admin, &reference, "debtor", &company).await;
    let reply = h
        .post(
            routes::ACTIVATE,
            None,
            activation(
                &reference,
                again["code"].as_str().unwrap(),
                email,
                "un autre mot de passe",
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "conflict");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_expire_and_guarantors_see_only_their_dossier() {
    let h = Harness::demo().await;
    let admin = h.token(demo::ADMIN_USER).await;
    let (reference, company, guarantee) = unclaimed(&h).await;
    let code = new_code(&h, &admin, &reference, "debtor", &company).await;
    h.clock.advance(Duration::from_secs(31 * 24 * 3600));
    let reply = h
        .post(
            routes::ACTIVATE,
            None,
            activation(
                &reference,
                code["code"].as_str().unwrap(),
                "tard@exemple.fr",
                "un mot de passe solide",
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "activation_invalid");

    let admin = h.token(demo::ADMIN_USER).await;
    let (guaranteed, guarantor) = guarantee.expect("the demo has a guarantor without an account");
    let reply = h
        .post(
            routes::ADMIN_ACTIVATION_CODES,
            Some(&admin),
            json!({"reference": guaranteed, "role": "guarantor", "display_name": "Quelqu'un d'autre"}),
        )
        .await;
    assert_eq!(
        reply.code(),
        "validation_failed",
        "not a guarantor of this dossier"
    );
    let reply = h
        .post(
            routes::ADMIN_ACTIVATION_CODES,
            Some(&admin),
            json!({"reference": guaranteed, "role": "admin", "display_name": guarantor}),
        )
        .await;
    assert_eq!(reply.code(), "validation_failed");
    let code = new_code(&h, &admin, &guaranteed, "guarantor", &guarantor).await;
    let reply = h
        .post(
            routes::ACTIVATE,
            None,
            activation(
                &guaranteed,
                code["code"].as_str().unwrap(),
                "caution@exemple.fr",
                "une phrase de passe longue",
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let token = reply.body["token"].as_str().unwrap().to_owned();
    let dossiers = h.get(routes::DOSSIERS, &token).await.body;
    assert_eq!(dossiers.as_array().unwrap().len(), 1);
    assert_eq!(dossiers[0]["reference"], guaranteed.as_str());
    assert!(
        h.get(routes::PROCEDURES, &token)
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn ended_sessions_are_swept_a_week_later() {
    let h = Harness::demo().await;
    let old = h.token(demo::DEBTORS[3]).await;
    h.clock.advance(Duration::from_secs(13 * 3600));
    assert_eq!(h.get(routes::ME, &old).await.code(), "session_expired");
    h.clock.advance(Duration::from_secs(8 * 24 * 3600));
    let _fresh = h.token(demo::DEBTORS[3]).await;
    let reply = h.get(routes::ME, &old).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthenticated", "the ended session is gone");
}
