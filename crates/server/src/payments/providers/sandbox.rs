//! The built-in provider: its hosted page is served by this server (see
//! `routes::sandbox`) and it notifies over real HTTP, signed as Stripe signs,
//! so the whole card flow runs offline and through the same webhook path as
//! a real provider. It keeps no state of its own: a page's id is the
//! payment's `provider_session_id`, a 128-bit random secret.

use claimdesk_api::routes;
use rand::RngCore;
use rand::rngs::OsRng;
use serde_json::json;

use super::{Checkout, CheckoutRequest, ProviderError, signature};

pub(crate) const NAME: &str = "sandbox";
/// The code the challenge step asks for; the page shows it, as a test card
/// issuer's 3-D Secure page would.
pub(crate) const CHALLENGE_CODE: &str = "123456";

#[derive(Debug)]
pub(crate) struct Sandbox {
    public_url: String,
    webhook_secret: String,
    http: reqwest::Client,
}

/// How a page ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Approved,
    Declined,
}

impl Sandbox {
    pub(crate) fn new(public_url: &str, webhook_secret: &str, http: reqwest::Client) -> Sandbox {
        Sandbox {
            public_url: public_url.trim_end_matches('/').to_owned(),
            webhook_secret: webhook_secret.to_owned(),
            http,
        }
    }

    pub(crate) fn webhook_secret(&self) -> &str {
        &self.webhook_secret
    }

    pub(crate) fn create_checkout(&self, _request: &CheckoutRequest<'_>) -> Checkout {
        let mut secret = [0u8; 16];
        OsRng.fill_bytes(&mut secret);
        let session_id = format!("sbx_{}", hex::encode(secret));
        Checkout {
            url: format!(
                "{}{}",
                self.public_url,
                routes::path(routes::SANDBOX_CHECKOUT, &session_id)
            ),
            session_id,
        }
    }

    /// Sends the event that ends a page to this server's webhook, as the
    /// provider would, retrying a few times if it does not answer 2xx.
    pub(crate) async fn notify(
        &self,
        session_id: &str,
        outcome: Outcome,
        now_unix: i64,
    ) -> Result<(), ProviderError> {
        let mut event_id = [0u8; 12];
        OsRng.fill_bytes(&mut event_id);
        let (kind, payment_status) = match outcome {
            Outcome::Approved => ("checkout.session.completed", "paid"),
            Outcome::Declined => ("checkout.session.async_payment_failed", "unpaid"),
        };
        let body = json!({
            "id": format!("evt_sbx_{}", hex::encode(event_id)),
            "object": "event",
            "type": kind,
            "created": now_unix,
            "data": {"object": {
                "id": session_id,
                "object": "checkout.session",
                "payment_status": payment_status,
            }},
        })
        .to_string();
        let url = format!("{}{}", self.public_url, routes::WEBHOOK_SANDBOX);
        let header = signature::header_value(&self.webhook_secret, now_unix, body.as_bytes());
        let mut last = None;
        for attempt in 0..3u64 {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
            }
            let sent = self
                .http
                .post(&url)
                .header(signature::HEADER, &header)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) => {
                    let status = response.status().as_u16();
                    let message = response.text().await.unwrap_or_default();
                    last = Some(ProviderError::Refused { status, message });
                }
                Err(e) => last = Some(ProviderError::Unreachable(e.to_string())),
            }
        }
        Err(last.unwrap_or_else(|| ProviderError::Unexpected("no attempt".into())))
    }
}
