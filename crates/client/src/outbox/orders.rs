//! Orders in the outbox: payment orders, mandates, dividends, requests and
//! their messages. They ride the
//! documents' machinery (one row with its idempotency key written before any
//! network call, retries, failures with their reason, cancel) but carry a JSON
//! request instead of a file, delivered with one POST under the row's key, so
//! a replay after a cut or a crash answers the first response. A request or a
//! message may wait for documents of the outbox (its attachments): it goes
//! once they are all delivered, carrying their document ids.

use claimdesk_api::payments::{Dividend, Mandate, NewDividend, NewMandate, NewPayment, Payment};
use claimdesk_api::requests::{Message, NewMessage, NewRequest, Request};
use claimdesk_api::routes;
use claimdesk_api::uploads::{AttachTo, DocumentCategory};
use serde::{Deserialize, Serialize};

use super::{OutboxItem, OutboxState};
use crate::error::{ClientError, Result};
use crate::http::ApiClient;
use crate::store::Store;

/// What an outbox item delivers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    /// A file, uploaded then filed (every item before orders existed).
    #[default]
    Document,
    PaymentOrder,
    Mandate,
    Dividend,
    /// A request or complaint.
    Request,
    /// A message in a request's thread.
    Message,
}

impl OutboxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Document => "document",
            OutboxKind::PaymentOrder => "payment_order",
            OutboxKind::Mandate => "mandate",
            OutboxKind::Dividend => "dividend",
            OutboxKind::Request => "request",
            OutboxKind::Message => "message",
        }
    }

    pub(crate) fn parse(text: &str) -> Result<OutboxKind> {
        [
            OutboxKind::Document,
            OutboxKind::PaymentOrder,
            OutboxKind::Mandate,
            OutboxKind::Dividend,
            OutboxKind::Request,
            OutboxKind::Message,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or_else(|| ClientError::Store(format!("unknown outbox kind {text}")))
    }
}

/// The request an order sends, as recorded. A mandate's or a request's
/// password is never part of it. The attachments of a request or a message
/// are the documents already filed; those still in the outbox are added when
/// they are delivered (see [`OutboxItem::waits_for`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrderRequest {
    PaymentOrder {
        payment: NewPayment,
    },
    Mandate {
        dossier_reference: String,
        mandate: NewMandate,
    },
    Dividend {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        claim_id: i64,
        dividend: NewDividend,
    },
    Request {
        request: NewRequest,
    },
    Message {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        request_id: i64,
        message: NewMessage,
    },
}

impl OrderRequest {
    pub fn kind(&self) -> OutboxKind {
        match self {
            OrderRequest::PaymentOrder { .. } => OutboxKind::PaymentOrder,
            OrderRequest::Mandate { .. } => OutboxKind::Mandate,
            OrderRequest::Dividend { .. } => OutboxKind::Dividend,
            OrderRequest::Request { .. } => OutboxKind::Request,
            OrderRequest::Message { .. } => OutboxKind::Message,
        }
    }

    /// A line for lists: what is ordered, for how much, on what.
    pub fn label(&self) -> String {
        match self {
            OrderRequest::PaymentOrder { payment } => format!(
                "{} {} {}",
                payment.method.as_str(),
                payment.amount,
                payment.dossier_reference
            ),
            OrderRequest::Mandate {
                dossier_reference,
                mandate,
            } => format!("mandate {} {dossier_reference}", mandate.amount),
            OrderRequest::Dividend { claim_id, dividend } => {
                format!("dividend {} claim {claim_id}", dividend.amount)
            }
            OrderRequest::Request { request } => format!(
                "request {} {}",
                request.kind.as_str(),
                request.dossier_reference
            ),
            OrderRequest::Message { request_id, .. } => format!("message request {request_id}"),
        }
    }

    /// The same request without what must never be written down.
    fn to_record(&self) -> OrderRequest {
        let mut kept = self.clone();
        match &mut kept {
            OrderRequest::Mandate { mandate, .. } => mandate.password = None,
            OrderRequest::Request { request } => request.password = None,
            _ => {}
        }
        kept
    }
}

/// What the server made of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrderResult {
    Payment(Payment),
    Mandate(Mandate),
    Dividend(Dividend),
    Request(Request),
    Message(Message),
}

impl OrderResult {
    pub fn id(&self) -> i64 {
        match self {
            OrderResult::Payment(p) => p.id,
            OrderResult::Mandate(m) => m.id,
            OrderResult::Dividend(d) => d.id,
            OrderResult::Request(r) => r.id,
            OrderResult::Message(m) => m.id,
        }
    }
}

/// Records an order with a fresh idempotency key, before any network call,
/// filed against the dossier or procedure it concerns.
pub(crate) async fn record(
    store: &Store,
    request: &OrderRequest,
    attach_to: &AttachTo,
) -> Result<i64> {
    record_after(store, request, attach_to, &[]).await
}

/// Records an order that goes only once the outbox items `waits_for` (its
/// attachments) are delivered.
pub(crate) async fn record_after(
    store: &Store,
    request: &OrderRequest,
    attach_to: &AttachTo,
    waits_for: &[i64],
) -> Result<i64> {
    let kept = request.to_record();
    let attach = serde_json::to_string(attach_to).expect("a target always serializes");
    let body = serde_json::to_string(&kept).expect("an order always serializes");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (key, kind, request, attach_to, category, file_name, local_path, \
         size, sha256, created_at, waits_for) VALUES (?, ?, ?, ?, ?, ?, '', 0, '', ?, ?) \
         RETURNING id",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(kept.kind().as_str())
    .bind(body)
    .bind(attach)
    .bind(DocumentCategory::ProofOfPayment.as_str())
    .bind(kept.label())
    .bind(chrono::Utc::now().to_rfc3339())
    .bind(serde_json::to_string(waits_for).expect("ids always serialize"))
    .fetch_one(store.pool())
    .await?;
    Ok(id)
}

/// Whether an order's attachments still in the outbox are all delivered.
pub(crate) enum Readiness {
    /// Delivered (or none): the order can go, with these document ids.
    Ready(Vec<i64>),
    /// One is still on its way.
    Waiting,
    /// One failed or was cancelled: the order cannot go as it was made.
    Broken(ClientError),
}

pub(crate) async fn readiness(store: &Store, item: &OutboxItem) -> Result<Readiness> {
    let mut documents = Vec::with_capacity(item.waits_for.len());
    for id in &item.waits_for {
        let attachment = super::item(store, *id).await?;
        match (attachment.state, attachment.document_id) {
            (OutboxState::Done, Some(document)) => documents.push(document),
            (OutboxState::Failed | OutboxState::Cancelled, _) | (OutboxState::Done, None) => {
                let why = attachment
                    .last_error
                    .map(|e| format!(": {}", e.message))
                    .unwrap_or_else(|| format!(" ({})", attachment.state.as_str()));
                return Ok(Readiness::Broken(ClientError::Invalid(format!(
                    "its attachment {} (outbox item {id}) was not sent{why}",
                    attachment.file_name
                ))));
            }
            _ => return Ok(Readiness::Waiting),
        }
    }
    Ok(Readiness::Ready(documents))
}

/// Sends one order under its key. `password` goes with a mandate's or a
/// request's body in memory only (an order sent again from the outbox has
/// none). Its attachments must be delivered first (see [`readiness`]).
pub(crate) async fn deliver(
    api: &ApiClient,
    store: &Store,
    item: &OutboxItem,
    password: Option<&str>,
) -> Result<OrderResult> {
    let request = item
        .order
        .clone()
        .ok_or_else(|| ClientError::Store(format!("outbox item {} has no request", item.id)))?;
    super::set_state(store, item.id, OutboxState::Creating).await?;
    let key = item.key.as_str();
    let result = match request {
        OrderRequest::PaymentOrder { payment } => {
            OrderResult::Payment(api.post_idempotent(routes::PAYMENTS, key, &payment).await?)
        }
        OrderRequest::Mandate {
            dossier_reference,
            mut mandate,
        } => {
            mandate.password = password.map(str::to_owned);
            let path = routes::path(routes::DOSSIER_MANDATES, &dossier_reference);
            OrderResult::Mandate(api.post_idempotent(&path, key, &mandate).await?)
        }
        OrderRequest::Dividend { claim_id, dividend } => {
            let path = routes::path(routes::CLAIM_DIVIDENDS, claim_id);
            OrderResult::Dividend(api.post_idempotent(&path, key, &dividend).await?)
        }
        OrderRequest::Request { mut request } => {
            request.attachments.extend(delivered(store, item).await?);
            request.password = password.map(str::to_owned);
            OrderResult::Request(api.post_idempotent(routes::REQUESTS, key, &request).await?)
        }
        OrderRequest::Message {
            request_id,
            mut message,
        } => {
            message.attachments.extend(delivered(store, item).await?);
            let path = routes::path(routes::REQUEST_MESSAGES, request_id);
            OrderResult::Message(api.post_idempotent(&path, key, &message).await?)
        }
    };
    mark_done(store, item.id, &result).await?;
    Ok(result)
}

/// The document ids of an order's delivered attachments.
async fn delivered(store: &Store, item: &OutboxItem) -> Result<Vec<i64>> {
    match readiness(store, item).await? {
        Readiness::Ready(documents) => Ok(documents),
        Readiness::Broken(e) => Err(e),
        Readiness::Waiting => Err(ClientError::Store(format!(
            "outbox item {} was sent before its attachments",
            item.id
        ))),
    }
}

/// The order went through: its result is kept with it, and a payment, a
/// request or a message lists at once, before the next sync.
async fn mark_done(store: &Store, id: i64, result: &OrderResult) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET state = 'done', result = ?, result_id = ?, \
         error_code = NULL, error_message = NULL WHERE id = ?",
    )
    .bind(serde_json::to_string(result).expect("a result always serializes"))
    .bind(result.id())
    .bind(id)
    .execute(store.pool())
    .await?;
    match result {
        OrderResult::Payment(payment) => store.put_payment(payment).await?,
        OrderResult::Request(request) => store.put_request(request).await?,
        OrderResult::Message(message) => store.put_message(message).await?,
        OrderResult::Mandate(_) | OrderResult::Dividend(_) => {}
    }
    Ok(())
}

/// Payment orders of a dossier still waiting to be sent.
pub(crate) async fn queued_payments(store: &Store, reference: &str) -> Result<Vec<NewPayment>> {
    let requests: Vec<String> = sqlx::query_scalar(
        "SELECT request FROM outbox WHERE kind = 'payment_order' \
         AND state IN ('pending', 'uploading', 'creating') ORDER BY id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut queued = Vec::new();
    for text in requests {
        if let OrderRequest::PaymentOrder { payment } = parse_request(&text)?
            && payment.dossier_reference == reference
        {
            queued.push(payment);
        }
    }
    Ok(queued)
}

pub(crate) fn parse_request(text: &str) -> Result<OrderRequest> {
    serde_json::from_str(text).map_err(|e| ClientError::Store(format!("outbox order: {e}")))
}

pub(crate) fn parse_result(text: &str) -> Result<OrderResult> {
    serde_json::from_str(text).map_err(|e| ClientError::Store(format!("outbox result: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::{cancel, item, items, waiting_count};

    #[tokio::test]
    async fn orders_are_recorded_with_a_key_without_a_password_and_listed_with_their_kind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("u").join("store.sqlite"))
            .await
            .unwrap();
        let target = AttachTo::Dossier {
            reference: "D-1".into(),
        };
        let mandate = OrderRequest::Mandate {
            dossier_reference: "D-1".into(),
            mandate: NewMandate {
                holder: "X".into(),
                iban: "FR7630006000011234567890189".into(),
                bic: None,
                day: 5,
                amount: "50.00".parse().unwrap(),
                password: Some("s3cret-pass".into()),
            },
        };
        let payment = OrderRequest::PaymentOrder {
            payment: NewPayment {
                dossier_reference: "D-1".into(),
                amount: "12.00".parse().unwrap(),
                method: claimdesk_api::payments::PaymentMethod::Cheque,
                installments: vec![2],
            },
        };
        let m = record(&store, &mandate, &target).await.unwrap();
        let p = record(&store, &payment, &target).await.unwrap();
        let all = items(&store).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].kind, OutboxKind::Mandate);
        assert_eq!(all[1].kind, OutboxKind::PaymentOrder);
        assert_ne!(all[0].key, all[1].key);
        assert_eq!(all[1].order.as_ref(), Some(&payment));
        assert_eq!(all[1].file_name, "cheque 12.00 D-1");
        assert_eq!(all[1].percent(), 0);
        let Some(OrderRequest::Mandate { mandate: kept, .. }) = &all[0].order else {
            panic!("{:?}", all[0]);
        };
        assert_eq!(kept.password, None);
        let rows: Vec<String> = sqlx::query_scalar("SELECT request FROM outbox")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert!(rows.iter().all(|r| !r.contains("s3cret-pass")));
        assert_eq!(waiting_count(&store).await.unwrap(), 2);
        assert_eq!(
            queued_payments(&store, "D-1").await.unwrap(),
            vec![match payment {
                OrderRequest::PaymentOrder { payment } => payment,
                _ => unreachable!(),
            }]
        );

        // Sent without an answer: only sending again under its key tells.
        crate::outbox::set_state(&store, p, OutboxState::Creating)
            .await
            .unwrap();
        assert!(cancel(&store, None, p).await.is_err());
        let cancelled = cancel(&store, None, m).await.unwrap();
        assert_eq!(cancelled.state, OutboxState::Cancelled);
        assert_eq!(item(&store, p).await.unwrap().state, OutboxState::Creating);
        assert_eq!(waiting_count(&store).await.unwrap(), 1);
    }
}
