//! Paying a dossier from this machine: what is due, read offline from the
//! store; payment orders, mandates and dividends checked here by the product's
//! rules before anything is recorded or sent. Amounts are cents by type:
//! `Money` holds two decimals, and text with more never parses.

use chrono::NaiveDate;
use claimdesk_api::payments::{Due, NewDividend, NewMandate, NewPayment, Payment, PaymentStatus};
use claimdesk_api::records::{Claim, InstallmentStatus};
use claimdesk_domain::ident::{Bic, Iban};
use claimdesk_domain::money::Money;
use claimdesk_domain::payment::check_amount;
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::outbox::{self, OutboxItem, orders};
use crate::store::Store;

/// What became of an order made from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OrderOutcome<T> {
    /// The server took it and answered this (a card payment's hosted page,
    /// a transfer's instructions, the mandate's UMR...).
    Sent {
        result: T,
        /// The outbox item that carried it; none for a card payment, which
        /// never waits.
        #[cfg_attr(feature = "ts", ts(type = "number | null"))]
        item_id: Option<i64>,
    },
    /// The server is out of reach (or busy): the order waits in the outbox
    /// with its key and goes, once, with the next send.
    Queued { item: Box<OutboxItem> },
}

impl<T> OrderOutcome<T> {
    pub fn sent(&self) -> Option<&T> {
        match self {
            OrderOutcome::Sent { result, .. } => Some(result),
            OrderOutcome::Queued { .. } => None,
        }
    }
}

/// What is due on a dossier on `today`, from the store: the balance synced
/// with the dossier, the unpaid parts of instalments past their due date, and
/// what is on its way (payments pending, as the server counts them, and
/// orders still in the outbox).
pub(crate) async fn due(store: &Store, reference: &str, today: NaiveDate) -> Result<Due> {
    let detail = store
        .dossier(reference)
        .await?
        .ok_or_else(|| no_dossier(reference))?;
    let overdue = detail
        .installments
        .iter()
        .filter(|i| i.due_date < today && i.status != InstallmentStatus::Paid)
        .map(|i| i.amount - i.paid)
        .filter(Money::is_positive)
        .sum();
    let on_its_way: Money = store
        .payments_of(reference)
        .await?
        .iter()
        .filter(|p| p.status == PaymentStatus::Pending)
        .map(|p| p.amount)
        .sum();
    let queued: Money = orders::queued_payments(store, reference)
        .await?
        .iter()
        .map(|p| p.amount)
        .sum();
    Ok(Due {
        dossier_reference: reference.to_owned(),
        balance: detail.dossier.balance,
        overdue,
        pending: on_its_way + queued,
        installments: detail.installments,
    })
}

/// The product's rules on a payment, checked against the synced dossier.
pub(crate) async fn check_payment(store: &Store, order: &NewPayment) -> Result<()> {
    order.method.accepted().map_err(invalid)?;
    let detail = store
        .dossier(&order.dossier_reference)
        .await?
        .ok_or_else(|| no_dossier(&order.dossier_reference))?;
    check_amount(order.amount, detail.dossier.balance).map_err(invalid)?;
    for number in &order.installments {
        if !detail
            .installments
            .iter()
            .any(|i| i.number == i64::from(*number))
        {
            return Err(ClientError::Invalid(format!(
                "the dossier {} has no instalment number {number}",
                order.dossier_reference
            )));
        }
    }
    Ok(())
}

pub(crate) async fn check_mandate(store: &Store, reference: &str, m: &NewMandate) -> Result<()> {
    let detail = store
        .dossier(reference)
        .await?
        .ok_or_else(|| no_dossier(reference))?;
    if m.holder.trim().is_empty() {
        return Err(ClientError::Invalid(
            "the account holder's name is missing".into(),
        ));
    }
    Iban::parse(&m.iban).map_err(|e| ClientError::Invalid(format!("IBAN {}: {e}", m.iban)))?;
    if let Some(bic) = &m.bic {
        Bic::parse(bic).map_err(|e| ClientError::Invalid(format!("BIC {bic}: {e}")))?;
    }
    if !(1..=28).contains(&m.day) {
        return Err(ClientError::Invalid(format!(
            "the day of the month must be between 1 and 28, not {}",
            m.day
        )));
    }
    check_amount(m.amount, detail.dossier.balance).map_err(invalid)
}

/// The claim a dividend is paid on, as synced, once the dividend is checked.
pub(crate) async fn check_dividend(
    store: &Store,
    claim_id: i64,
    d: &NewDividend,
    today: NaiveDate,
) -> Result<Claim> {
    let claim = store
        .claim(claim_id)
        .await?
        .ok_or_else(|| ClientError::NotFound(format!("no claim {claim_id} in the local store")))?;
    if !d.amount.is_positive() {
        return Err(invalid(
            claimdesk_domain::payment::PaymentError::NotPositive,
        ));
    }
    if d.date > today {
        return Err(ClientError::Invalid(format!(
            "a dividend is recorded once paid: {} is in the future",
            d.date
        )));
    }
    if d.reference.trim().is_empty() {
        return Err(ClientError::Invalid(
            "the transfer's reference is missing".into(),
        ));
    }
    Ok(claim)
}

/// An order recorded in the outbox, sent now when `api` is there. The
/// `password` of a mandate travels with this one try only.
pub(crate) async fn send_now(
    api: Option<&crate::http::ApiClient>,
    store: &Store,
    item_id: i64,
    password: Option<&str>,
) -> Result<OrderOutcome<orders::OrderResult>> {
    let item = outbox::item(store, item_id).await?;
    let Some(api) = api else {
        return Ok(OrderOutcome::Queued {
            item: Box::new(item),
        });
    };
    match orders::readiness(store, &item).await? {
        orders::Readiness::Ready(_) => {}
        orders::Readiness::Waiting => {
            return Ok(OrderOutcome::Queued {
                item: Box::new(item),
            });
        }
        orders::Readiness::Broken(e) => {
            outbox::settle(store, item_id, &e).await?;
            return Err(e);
        }
    }
    outbox::count_attempt(store, item_id).await?;
    match orders::deliver(api, store, &item, password).await {
        Ok(result) => Ok(OrderOutcome::Sent {
            result,
            item_id: Some(item_id),
        }),
        Err(e) => match outbox::settle(store, item_id, &e).await? {
            outbox::Settled::Offline | outbox::Settled::Waiting => Ok(OrderOutcome::Queued {
                item: Box::new(outbox::item(store, item_id).await?),
            }),
            outbox::Settled::NeedsLogin | outbox::Settled::Failed => Err(e),
        },
    }
}

/// A payment as the server answered it, kept so it lists at once.
pub(crate) async fn keep(store: &Store, payment: &Payment) -> Result<()> {
    store.put_payment(payment).await
}

fn no_dossier(reference: &str) -> ClientError {
    ClientError::NotFound(format!("no dossier {reference} in the local store"))
}

fn invalid(e: claimdesk_domain::payment::PaymentError) -> ClientError {
    ClientError::Invalid(e.to_string())
}
