//! Card payments go through a provider's hosted page; no card number ever
//! reaches this server. Two providers: the built-in sandbox (the demo
//! default, fully offline) and Stripe Checkout. Both notify by webhooks
//! signed with Stripe's scheme and shaped as Stripe's events.

pub(crate) mod sandbox;
pub(crate) mod signature;
pub(crate) mod stripe;

use std::time::Duration;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use claimdesk_domain::Money;
use serde::Deserialize;

use crate::config::{Config, PaymentProvider};
use crate::error::{AppError, AppResult};

/// Less than the idempotency lease, so a request waiting on the provider
/// never outlives its hold on the key.
const HTTP_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug)]
pub(crate) enum Provider {
    Sandbox(sandbox::Sandbox),
    Stripe(stripe::Stripe),
}

/// What a hosted page is opened for.
#[derive(Debug, Clone)]
pub(crate) struct CheckoutRequest<'a> {
    /// Quoted back in the provider's events and dashboard.
    pub client_reference: &'a str,
    pub dossier_reference: &'a str,
    pub amount: Money,
    pub description: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    /// The provider's own idempotency key: a retried call opens no second page.
    pub idempotency_key: &'a str,
}

/// A hosted page opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checkout {
    pub session_id: String,
    pub url: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ProviderError {
    #[error("the payment provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the payment provider refused ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("the payment provider answered something unexpected: {0}")]
    Unexpected(String),
}

impl From<ProviderError> for AppError {
    fn from(e: ProviderError) -> AppError {
        AppError::ProviderUnavailable(e.to_string())
    }
}

/// A verified notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// The provider's id: a replay carries the same.
    pub id: String,
    pub kind: String,
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// The checkout session was paid.
    Paid { session_id: String },
    /// It will not be: declined, failed or expired.
    Failed { session_id: String, reason: String },
    /// Nothing to do (an event type not handled, or a session still waiting
    /// on an asynchronous payment method).
    Ignored,
}

impl Provider {
    pub(crate) fn from_config(config: &Config) -> AppResult<Provider> {
        let http = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| AppError::Internal(format!("HTTP client: {e}")))?;
        Ok(match &config.payment_provider {
            PaymentProvider::Sandbox => Provider::Sandbox(sandbox::Sandbox::new(
                &config.public_url,
                &config.sandbox_webhook_secret,
                http,
            )),
            PaymentProvider::Stripe(keys) => {
                if keys.secret_key.trim().is_empty() || keys.webhook_secret.trim().is_empty() {
                    return Err(AppError::Internal(
                        "the Stripe provider needs CLAIMDESK_STRIPE_SECRET_KEY and \
                         CLAIMDESK_STRIPE_WEBHOOK_SECRET"
                            .into(),
                    ));
                }
                Provider::Stripe(stripe::Stripe::new(keys, http))
            }
        })
    }

    /// As stored in `payments.provider` and `webhook_events.provider`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Provider::Sandbox(_) => sandbox::NAME,
            Provider::Stripe(_) => stripe::NAME,
        }
    }

    pub(crate) async fn create_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<Checkout, ProviderError> {
        match self {
            Provider::Sandbox(s) => Ok(s.create_checkout(request)),
            Provider::Stripe(s) => s.create_checkout(request).await,
        }
    }

    /// Checks the signature on the raw body, then reads the event.
    pub(crate) fn verify_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> AppResult<Event> {
        let secret = match self {
            Provider::Sandbox(s) => s.webhook_secret(),
            Provider::Stripe(s) => s.webhook_secret(),
        };
        let header = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
        signature::verify(header, body, secret, now)
            .map_err(|e| AppError::InvalidSignature(e.to_string()))?;
        parse_event(body)
    }
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: RawData,
}

#[derive(Deserialize)]
struct RawData {
    object: RawObject,
}

#[derive(Deserialize)]
struct RawObject {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    payment_status: Option<String>,
}

/// Reads a Stripe-shaped event (a signed body that is not one is refused).
pub(crate) fn parse_event(body: &[u8]) -> AppResult<Event> {
    let raw: RawEvent = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("not an event: {e}")))?;
    let session = || {
        raw.data
            .object
            .id
            .clone()
            .ok_or_else(|| AppError::BadRequest("the event's object has no id".into()))
    };
    let effect = match raw.kind.as_str() {
        "checkout.session.completed" => match raw.data.object.payment_status.as_deref() {
            Some("paid") => Effect::Paid {
                session_id: session()?,
            },
            // `unpaid`: an asynchronous method, settled by a later event.
            _ => Effect::Ignored,
        },
        "checkout.session.async_payment_succeeded" => Effect::Paid {
            session_id: session()?,
        },
        "checkout.session.async_payment_failed" => Effect::Failed {
            session_id: session()?,
            reason: "the payment was declined".into(),
        },
        "checkout.session.expired" => Effect::Failed {
            session_id: session()?,
            reason: "the payment page expired before the payment was made".into(),
        },
        _ => Effect::Ignored,
    };
    Ok(Event {
        id: raw.id,
        kind: raw.kind,
        effect,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_events_map_to_effects() {
        let event = |kind: &str, status: &str| {
            format!(
                r#"{{"id":"evt_1","object":"event","type":"{kind}","data":{{"object":{{"id":"cs_1","object":"checkout.session","payment_status":"{status}"}}}}}}"#
            )
        };
        let paid = parse_event(event("checkout.session.completed", "paid").as_bytes()).unwrap();
        assert_eq!(
            paid.effect,
            Effect::Paid {
                session_id: "cs_1".into()
            }
        );
        assert_eq!(paid.id, "evt_1");
        let waiting = parse_event(event("checkout.session.completed", "unpaid").as_bytes());
        assert_eq!(waiting.unwrap().effect, Effect::Ignored);
        let late =
            parse_event(event("checkout.session.async_payment_succeeded", "paid").as_bytes());
        assert!(matches!(late.unwrap().effect, Effect::Paid { .. }));
        for kind in [
            "checkout.session.async_payment_failed",
            "checkout.session.expired",
        ] {
            let failed = parse_event(event(kind, "unpaid").as_bytes()).unwrap();
            assert!(matches!(failed.effect, Effect::Failed { .. }), "{kind}");
        }
        let other = parse_event(event("customer.created", "").as_bytes()).unwrap();
        assert_eq!(other.effect, Effect::Ignored);
        assert!(parse_event(b"{}").is_err());
    }
}
