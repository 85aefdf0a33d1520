//! Paying over the live server: orders, what is due, and provider webhooks
//! signed per Stripe's documented scheme
//! (`t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`), computed
//! here independently of the server.

use std::fmt::Display;

use axum::http::StatusCode;
use claimdesk_api::payments::{Due, IDEMPOTENCY_KEY_HEADER, Payment};
use claimdesk_api::records::{Dossier, Installment};
use claimdesk_api::routes::{self, path};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::Reply;
use super::live::Live;

impl Reply {
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }

    pub fn payment(&self) -> Payment {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("a payment ({e}): {} {}", self.status, self.text))
    }
}

/// The body of `POST /v1/payments`: `amount` on the dossier by `method`.
pub fn order(dossier_reference: &str, amount: impl Display, method: &str) -> Value {
    json!({"dossier_reference": dossier_reference, "amount": amount.to_string(), "method": method})
}

/// An [`order`] that pays instalment `number`.
pub fn installment_order(
    dossier_reference: &str,
    amount: impl Display,
    method: &str,
    number: i64,
) -> Value {
    let mut body = order(dossier_reference, amount, method);
    body["installments"] = json!([number]);
    body
}

/// The first instalment of the dossier not fully paid.
pub fn first_unpaid(due: &Due) -> Installment {
    due.installments
        .iter()
        .find(|i| i.paid < i.amount)
        .unwrap()
        .clone()
}

impl Live {
    pub async fn pay(&self, token: &str, key: &str, body: &Value) -> Reply {
        self.post(routes::PAYMENTS, token, Some(key), body).await
    }

    /// An order that the server creates: its payment.
    pub async fn ordered(&self, token: &str, key: &str, body: &Value) -> Payment {
        let reply = self.pay(token, key, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.payment()
    }

    /// A payment as its payer reads it.
    pub async fn payment(&self, token: &str, id: i64) -> Payment {
        let reply = self.get(&path(routes::PAYMENT, id), token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.payment()
    }

    /// `n` identical orders sent at once; their answers, in no order.
    pub async fn pay_at_once(
        &self,
        token: &str,
        key: &str,
        body: &Value,
        n: usize,
    ) -> Vec<(StatusCode, String)> {
        let mut tasks = Vec::new();
        for _ in 0..n {
            let request = self
                .http
                .post(self.server.url(routes::PAYMENTS))
                .bearer_auth(token)
                .header(IDEMPOTENCY_KEY_HEADER, key)
                .json(body);
            tasks.push(tokio::spawn(async move {
                let response = request.send().await.unwrap();
                (response.status(), response.text().await.unwrap())
            }));
        }
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        answers
    }

    pub async fn due(&self, token: &str, reference: &str) -> Due {
        let reply = self.get(&path(routes::DOSSIER_DUE, reference), token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        serde_json::from_slice(&reply.bytes).unwrap()
    }

    /// A dossier of this user's with something due and an unpaid instalment.
    pub async fn dossier_to_pay(&self, token: &str) -> Due {
        let reply = self.get(routes::DOSSIERS, token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let dossiers: Vec<Dossier> = serde_json::from_slice(&reply.bytes).unwrap();
        for dossier in dossiers {
            if !dossier.balance.is_positive() {
                continue;
            }
            let due = self.due(token, &dossier.reference).await;
            if due.installments.iter().any(|i| i.paid < i.amount) {
                return due;
            }
        }
        panic!("the demo user has a dossier with an unpaid instalment")
    }

    /// A webhook as a provider posts it, with this `Stripe-Signature` if any.
    pub async fn deliver(&self, route: &str, signature: Option<String>, body: &str) -> Reply {
        let mut request = self
            .http
            .post(self.server.url(route))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("Stripe-Signature", signature);
        }
        Live::reply(request.send().await.unwrap()).await
    }

    /// A webhook signed with `secret` now, delivered.
    pub async fn webhook(&self, route: &str, secret: &str, body: &str) -> Reply {
        let t = chrono::Utc::now().timestamp();
        self.deliver(route, Some(sign(secret, t, body)), body).await
    }
}

/// The `Stripe-Signature` header of `body` sent at unix time `t`.
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// A provider's event about a Checkout Session.
pub fn event(id: &str, kind: &str, session: &str, payment_status: &str) -> String {
    json!({
        "id": id, "object": "event", "type": kind, "api_version": "2024-06-20",
        "created": chrono::Utc::now().timestamp(), "livemode": false,
        "data": {"object": {
            "id": session, "object": "checkout.session",
            "payment_status": payment_status, "status": "complete",
        }},
    })
    .to_string()
}
