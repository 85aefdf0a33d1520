//! Stripe Checkout: a Checkout Session per card payment, created by a form
//! POST to `/v1/checkout/sessions` with the secret key as bearer and our
//! idempotency key as Stripe's, and settled by Stripe's signed webhooks.

use serde::Deserialize;

use super::{Checkout, CheckoutRequest, ProviderError};
use crate::config::StripeKeys;

pub(crate) const NAME: &str = "stripe";

#[derive(Debug)]
pub(crate) struct Stripe {
    secret_key: String,
    webhook_secret: String,
    api_base: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Session {
    id: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: Option<String>,
}

impl Stripe {
    pub(crate) fn new(keys: &StripeKeys, http: reqwest::Client) -> Stripe {
        Stripe {
            secret_key: keys.secret_key.clone(),
            webhook_secret: keys.webhook_secret.clone(),
            api_base: keys.api_base.trim_end_matches('/').to_owned(),
            http,
        }
    }

    pub(crate) fn webhook_secret(&self) -> &str {
        &self.webhook_secret
    }

    /// The form fields of a one-line payment in euros.
    fn form(request: &CheckoutRequest<'_>) -> Vec<(&'static str, String)> {
        vec![
            ("mode", "payment".into()),
            ("payment_method_types[0]", "card".into()),
            ("line_items[0][quantity]", "1".into()),
            ("line_items[0][price_data][currency]", "eur".into()),
            (
                "line_items[0][price_data][unit_amount]",
                request.amount.cents().to_string(),
            ),
            (
                "line_items[0][price_data][product_data][name]",
                request.description.to_owned(),
            ),
            ("client_reference_id", request.client_reference.to_owned()),
            (
                "metadata[dossier_reference]",
                request.dossier_reference.to_owned(),
            ),
            ("success_url", request.success_url.to_owned()),
            ("cancel_url", request.cancel_url.to_owned()),
        ]
    }

    pub(crate) async fn create_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<Checkout, ProviderError> {
        let response = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.api_base))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", request.idempotency_key)
            .form(&Stripe::form(request))
            .send()
            .await
            .map_err(|e| ProviderError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| ProviderError::Unreachable(e.without_url().to_string()))?;
        if !status.is_success() {
            let message = serde_json::from_str::<ErrorEnvelope>(&text)
                .ok()
                .and_then(|e| e.error.message)
                .unwrap_or_else(|| text.chars().take(200).collect());
            return Err(ProviderError::Refused {
                status: status.as_u16(),
                message,
            });
        }
        let session: Session = serde_json::from_str(&text)
            .map_err(|e| ProviderError::Unexpected(format!("checkout session: {e}")))?;
        let url = session
            .url
            .ok_or_else(|| ProviderError::Unexpected("the checkout session has no url".into()))?;
        Ok(Checkout {
            session_id: session.id,
            url,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use axum::{Form, Router};
    use claimdesk_domain::Money;

    use super::*;

    /// A Checkout Session as Stripe's API reference shows one (trimmed of
    /// fields nothing reads, the ones read kept as documented).
    const RECORDED_SESSION: &str = r#"{
      "id": "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
      "object": "checkout.session",
      "amount_subtotal": 12550,
      "amount_total": 12550,
      "cancel_url": "http://127.0.0.1:8620/checkout/return?result=cancel",
      "client_reference_id": "CD-2026-000100",
      "currency": "eur",
      "expires_at": 1700086400,
      "livemode": false,
      "metadata": {"dossier_reference": "CD-2026-000100"},
      "mode": "payment",
      "payment_intent": null,
      "payment_method_types": ["card"],
      "payment_status": "unpaid",
      "status": "open",
      "success_url": "http://127.0.0.1:8620/checkout/return?result=success",
      "url": "https://checkout.stripe.com/c/pay/cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY#fidkdWxOYHwnPyd1blpxYHZxWjA0"
    }"#;

    /// The headers and form of one request the fake API received.
    type Received = (HeaderMap, HashMap<String, String>);

    #[derive(Default, Clone)]
    struct Seen {
        requests: Arc<Mutex<Vec<Received>>>,
    }

    async fn fake_stripe(refuse: bool) -> (String, Seen) {
        let seen = Seen::default();
        let recorded = seen.clone();
        let app = Router::new().route(
            "/v1/checkout/sessions",
            post(move |headers: HeaderMap, Form(form): Form<HashMap<String, String>>| {
                let recorded = recorded.clone();
                async move {
                    recorded.requests.lock().unwrap().push((headers, form));
                    if refuse {
                        (
                            StatusCode::UNAUTHORIZED,
                            r#"{"error":{"message":"Invalid API Key provided: sk_test_****","type":"invalid_request_error"}}"#,
                        )
                    } else {
                        (StatusCode::OK, RECORDED_SESSION)
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}"), seen)
    }

    fn stripe(api_base: &str) -> Stripe {
        Stripe::new(
            &StripeKeys {
                secret_key: "sk_test_fake".into(),
                webhook_secret: "whsec_fake".into(),
                api_base: api_base.into(),
            },
            reqwest::Client::new(),
        )
    }

    fn request() -> CheckoutRequest<'static> {
        CheckoutRequest {
            client_reference: "CD-2026-000100",
            dossier_reference: "CD-2026-000100",
            amount: "125.50".parse::<Money>().unwrap(),
            description: "Dossier CD-2026-000100",
            success_url: "http://127.0.0.1:8620/checkout/return?result=success",
            cancel_url: "http://127.0.0.1:8620/checkout/return?result=cancel",
            idempotency_key: "k-42",
        }
    }

    #[tokio::test]
    async fn a_session_is_created_with_the_documented_form_and_headers() {
        let (base, seen) = fake_stripe(false).await;
        let checkout = stripe(&base).create_checkout(&request()).await.unwrap();
        assert_eq!(
            checkout.session_id,
            "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY"
        );
        assert!(
            checkout
                .url
                .starts_with("https://checkout.stripe.com/c/pay/cs_test_")
        );
        let requests = seen.requests.lock().unwrap();
        assert_eq!(requests.len(), 1);
        let (headers, form) = &requests[0];
        assert_eq!(headers["authorization"], "Bearer sk_test_fake");
        assert_eq!(headers["idempotency-key"], "k-42");
        assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
        let field = |name: &str| form.get(name).map(String::as_str);
        assert_eq!(field("mode"), Some("payment"));
        assert_eq!(field("line_items[0][price_data][currency]"), Some("eur"));
        assert_eq!(
            field("line_items[0][price_data][unit_amount]"),
            Some("12550")
        );
        assert_eq!(field("line_items[0][quantity]"), Some("1"));
        assert_eq!(
            field("line_items[0][price_data][product_data][name]"),
            Some("Dossier CD-2026-000100")
        );
        assert_eq!(field("client_reference_id"), Some("CD-2026-000100"));
        assert_eq!(field("metadata[dossier_reference]"), Some("CD-2026-000100"));
        assert_eq!(
            field("success_url"),
            Some("http://127.0.0.1:8620/checkout/return?result=success")
        );
        assert_eq!(
            field("cancel_url"),
            Some("http://127.0.0.1:8620/checkout/return?result=cancel")
        );
    }

    #[tokio::test]
    async fn a_refusal_carries_stripes_message() {
        let (base, _) = fake_stripe(true).await;
        let err = stripe(&base).create_checkout(&request()).await.unwrap_err();
        match err {
            ProviderError::Refused { status, message } => {
                assert_eq!(status, 401);
                assert!(message.starts_with("Invalid API Key"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_unreachable_api_is_an_error_not_a_hang() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let err = stripe(&base).create_checkout(&request()).await.unwrap_err();
        assert!(matches!(err, ProviderError::Unreachable(_)), "{err:?}");
    }
}
