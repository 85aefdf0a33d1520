//! Provider webhooks over real HTTP, signed per Stripe's documented scheme
//! (`t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`), computed
//! here independently of the server: forged, tampered or stale ones change
//! nothing, a replay changes nothing, unknown events are acknowledged.

mod common;

use std::collections::HashMap;

use axum::routing::post;
use axum::{Form, Router};
use claimdesk_api::payments::{Payment, PaymentStatus};
use claimdesk_api::routes;
use claimdesk_server::{Config, PaymentProvider, StripeKeys, demo};
use common::live::Live;
use common::paying::{event, order, sign};
use reqwest::StatusCode;
use serde_json::json;

const SANDBOX_SECRET: &str = "whsec_sandbox_test_secret";
const STRIPE_SECRET: &str = "whsec_stripe_test_secret";

async fn card_payment(api: &Live, token: &str, key: &str) -> (Payment, String) {
    let due = api.dossier_to_pay(token).await;
    let payment = api
        .ordered(token, key, &order(&due.dossier_reference, "10.00", "card"))
        .await;
    let session: String =
        sqlx::query_scalar("SELECT provider_session_id FROM payments WHERE id = ?")
            .bind(payment.id)
            .fetch_one(&api.db().await)
            .await
            .unwrap();
    (payment, session)
}

async fn received_count(api: &Live) -> i64 {
    api.count("SELECT COUNT(*) FROM received_payments").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_tampered_and_stale_webhooks_change_nothing() {
    let api = Live::start_with(|c| c.sandbox_webhook_secret = SANDBOX_SECRET.into()).await;
    let token = api.token(demo::DEBTORS[0]).await;
    let (payment, session) = card_payment(&api, &token, "card-1").await;
    let before = received_count(&api).await;
    let now = chrono::Utc::now().timestamp();
    let body = event("evt_1", "checkout.session.completed", &session, "paid");
    let tampered = body.replace("\"paid\"", "\"paid\" ");
    let attempts = [
        (
            "forged",
            Some(sign("whsec_guess", now, &body)),
            body.clone(),
        ),
        ("tampered", Some(sign(SANDBOX_SECRET, now, &body)), tampered),
        (
            "stale",
            Some(sign(SANDBOX_SECRET, now - 301, &body)),
            body.clone(),
        ),
        (
            "future",
            Some(sign(SANDBOX_SECRET, now + 301, &body)),
            body.clone(),
        ),
        ("unsigned", None, body.clone()),
        ("no v1", Some(format!("t={now}")), body.clone()),
    ];
    for (what, signature, body) in attempts {
        let reply = api.deliver(routes::WEBHOOK_SANDBOX, signature, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "invalid_signature", "{what}");
    }
    assert_eq!(received_count(&api).await, before);
    assert_eq!(
        api.payment(&token, payment.id).await.status,
        PaymentStatus::Pending
    );
    let events = api.count("SELECT COUNT(*) FROM webhook_events").await;
    assert_eq!(events, 0, "a refused event is not remembered");
    // Within the tolerance, from either side, a signature verifies; with a
    // rolled secret, any of several v1 signatures may match.
    let rolled = format!(
        "{},v1={}",
        sign(SANDBOX_SECRET, now - 290, &body),
        sign("whsec_old", now - 290, &body)
            .rsplit("v1=")
            .next()
            .unwrap()
    );
    let reply = api
        .deliver(routes::WEBHOOK_SANDBOX, Some(rolled), &body)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        api.payment(&token, payment.id).await.status,
        PaymentStatus::Succeeded
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_webhook_changes_nothing_and_unknown_events_are_acknowledged() {
    let api = Live::start_with(|c| c.sandbox_webhook_secret = SANDBOX_SECRET.into()).await;
    let token = api.token(demo::DEBTORS[0]).await;
    let (paid, paid_session) = card_payment(&api, &token, "card-1").await;
    let (declined, declined_session) = card_payment(&api, &token, "card-2").await;
    let before = received_count(&api).await;
    let due_before = api.due(&token, &paid.dossier_reference).await;

    let body = event(
        "evt_paid",
        "checkout.session.completed",
        &paid_session,
        "paid",
    );
    for _ in 0..2 {
        let reply = api
            .webhook(routes::WEBHOOK_SANDBOX, SANDBOX_SECRET, &body)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
    // Another event saying the same (the provider's async success after its
    // completion): still one receipt.
    let late = event(
        "evt_late",
        "checkout.session.async_payment_succeeded",
        &paid_session,
        "paid",
    );
    let reply = api
        .webhook(routes::WEBHOOK_SANDBOX, SANDBOX_SECRET, &late)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        received_count(&api).await,
        before + 1,
        "one received payment"
    );
    let succeeded = api.payment(&token, paid.id).await;
    assert_eq!(succeeded.status, PaymentStatus::Succeeded);
    assert_eq!(
        succeeded.checkout_url, None,
        "a settled payment has no page to open"
    );
    let due_after = api.due(&token, &paid.dossier_reference).await;
    assert_eq!(due_after.balance, due_before.balance - paid.amount);

    let failed = event(
        "evt_failed",
        "checkout.session.async_payment_failed",
        &declined_session,
        "unpaid",
    );
    let reply = api
        .webhook(routes::WEBHOOK_SANDBOX, SANDBOX_SECRET, &failed)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let declined = api.payment(&token, declined.id).await;
    assert_eq!(declined.status, PaymentStatus::Failed);
    assert!(declined.failure_reason.unwrap().contains("declined"));
    // A success after the failure does not resurrect it.
    let resurrect = event(
        "evt_resurrect",
        "checkout.session.completed",
        &declined_session,
        "paid",
    );
    api.webhook(routes::WEBHOOK_SANDBOX, SANDBOX_SECRET, &resurrect)
        .await;
    assert_eq!(
        api.payment(&token, declined.id).await.status,
        PaymentStatus::Failed
    );
    assert_eq!(received_count(&api).await, before + 1);

    for (id, kind, session) in [
        ("evt_other", "customer.created", "cus_1"),
        ("evt_stranger", "checkout.session.completed", "cs_not_ours"),
    ] {
        let body = event(id, kind, session, "paid");
        let reply = api
            .webhook(routes::WEBHOOK_SANDBOX, SANDBOX_SECRET, &body)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{kind}: {}", reply.text);
    }
    assert_eq!(received_count(&api).await, before + 1);
    // The other provider's route is not this server's.
    let reply = api
        .webhook(routes::WEBHOOK_STRIPE, SANDBOX_SECRET, &body)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

/// Stripe's API on loopback: answers a Checkout Session as its reference
/// documents one, and remembers the forms it was sent.
async fn fake_stripe() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<HashMap<String, String>>>>,
) {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = seen.clone();
    let app = Router::new().route(
        "/v1/checkout/sessions",
        post(move |Form(form): Form<HashMap<String, String>>| {
            let recorded = recorded.clone();
            async move {
                let n = {
                    let mut seen = recorded.lock().unwrap();
                    seen.push(form.clone());
                    seen.len()
                };
                axum::Json(json!({
                    "id": format!("cs_test_a1b2c3d4e5f6g7h8i9j0k{n}"),
                    "object": "checkout.session",
                    "amount_total": form["line_items[0][price_data][unit_amount]"].parse::<i64>().unwrap(),
                    "client_reference_id": form["client_reference_id"],
                    "currency": "eur",
                    "livemode": false,
                    "mode": "payment",
                    "payment_status": "unpaid",
                    "status": "open",
                    "success_url": form["success_url"],
                    "cancel_url": form["cancel_url"],
                    "url": format!("https://checkout.stripe.com/c/pay/cs_test_a1b2c3d4e5f6g7h8i9j0k{n}#fidkdWxOYHwnPyd1blpxYHZxWjA0"),
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_stripe_a_checkout_session_is_opened_and_its_webhook_settles_the_payment() {
    let (stripe, seen) = fake_stripe().await;
    let api = Live::start_with(|c| {
        c.payment_provider = PaymentProvider::Stripe(StripeKeys {
            secret_key: "sk_test_fake".into(),
            webhook_secret: STRIPE_SECRET.into(),
            api_base: stripe.clone(),
        })
    })
    .await;
    let token = api.token(demo::DEBTORS[0]).await;
    let (payment, session) = card_payment(&api, &token, "card-1").await;
    assert!(
        payment
            .checkout_url
            .unwrap()
            .starts_with("https://checkout.stripe.com/c/pay/")
    );
    assert_eq!(session, "cs_test_a1b2c3d4e5f6g7h8i9j0k1");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0]["line_items[0][price_data][unit_amount]"], "1000");
        assert_eq!(seen[0]["line_items[0][price_data][currency]"], "eur");
        assert_eq!(seen[0]["mode"], "payment");
        assert_eq!(
            seen[0]["metadata[dossier_reference]"],
            payment.dossier_reference
        );
        assert!(seen[0]["success_url"].starts_with(&api.server.base_url));
    }
    // The sandbox's page and webhook are not served with Stripe.
    let page = api
        .http
        .get(api.server.url("/sandbox/checkout/sbx_0"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);

    let body = event(
        "evt_1NG8Du2eZvKYlo2CUI79vXWy",
        "checkout.session.completed",
        &session,
        "paid",
    );
    let forged = api
        .webhook(routes::WEBHOOK_STRIPE, SANDBOX_SECRET, &body)
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    let reply = api
        .webhook(routes::WEBHOOK_STRIPE, STRIPE_SECRET, &body)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        api.payment(&token, payment.id).await.status,
        PaymentStatus::Succeeded
    );
    let expired = event(
        "evt_expired",
        "checkout.session.expired",
        &session,
        "unpaid",
    );
    let reply = api
        .webhook(routes::WEBHOOK_STRIPE, STRIPE_SECRET, &expired)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        api.payment(&token, payment.id).await.status,
        PaymentStatus::Succeeded
    );
}

#[tokio::test]
async fn stripe_without_keys_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.payment_provider = PaymentProvider::Stripe(StripeKeys {
        secret_key: String::new(),
        webhook_secret: String::new(),
        api_base: "https://api.stripe.com".into(),
    });
    let err = claimdesk_server::App::open(config).await.err().unwrap();
    assert!(
        err.to_string().contains("CLAIMDESK_STRIPE_SECRET_KEY"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_fails_gives_the_key_back_for_a_retry() {
    // Refuses the first call, as an outage would, then answers.
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let app = Router::new().route(
        "/v1/checkout/sessions",
        post(move || {
            let counted = counted.clone();
            async move {
                if counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                    (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        r#"{"error":{"message":"Stripe is temporarily unavailable"}}"#.to_owned(),
                    )
                } else {
                    (
                        axum::http::StatusCode::OK,
                        json!({"id": "cs_test_retry", "object": "checkout.session",
                               "url": "https://checkout.stripe.com/c/pay/cs_test_retry"})
                        .to_string(),
                    )
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stripe = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let api = Live::start_with(|c| {
        c.payment_provider = PaymentProvider::Stripe(StripeKeys {
            secret_key: "sk_test_fake".into(),
            webhook_secret: STRIPE_SECRET.into(),
            api_base: stripe,
        })
    })
    .await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let body = order(&due.dossier_reference, "10.00", "card");
    let failed = api.pay(&token, "card-1", &body).await;
    assert_eq!(
        failed.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        failed.text
    );
    let count = "SELECT COUNT(*) FROM payments";
    assert_eq!(api.count(count).await, 0);
    let retried = api.pay(&token, "card-1", &body).await;
    assert_eq!(retried.status, StatusCode::CREATED, "{}", retried.text);
    assert_eq!(
        retried.payment().checkout_url.as_deref(),
        Some("https://checkout.stripe.com/c/pay/cs_test_retry")
    );
    assert_eq!(api.count(count).await, 1);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
}
