//! Payments of dossiers: the stored rows, the records users read and sync,
//! and every status change with its sync change, in the caller's transaction.

pub(crate) mod ledger;
pub(crate) mod orders;
pub(crate) mod providers;
pub(crate) mod webhooks;

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_api::documents::{Rib, Servicer};
use claimdesk_api::payments::{
    ChequeInstructions, DebitInstructions, Payment, PaymentInstructions, PaymentMethod,
    PaymentStatus, TransferInstructions,
};
use claimdesk_api::sync::EntityKind;
use claimdesk_domain::Money;
use claimdesk_domain::ident::RfReference;
use sqlx::SqliteConnection;

use crate::access::{GRANTED_DOSSIERS, Viewer};
use crate::changes::{self, Change, Scope};
use crate::error::{AppError, AppResult};

#[derive(Debug, sqlx::FromRow)]
struct PaymentRow {
    id: i64,
    dossier_reference: String,
    method: String,
    amount: String,
    installments: String,
    reference: String,
    status: String,
    failure_reason: Option<String>,
    created_at: DateTime<Utc>,
    paid_on: Option<NaiveDate>,
    checkout_url: Option<String>,
    collection_date: Option<NaiveDate>,
    mandate_reference: Option<String>,
    servicer_name: String,
    servicer_address: String,
    cheque_address: String,
    account_holder: String,
    iban: String,
    bic: String,
    bank_name: String,
    creditor_identifier: String,
}

const SELECT: &str = "SELECT p.id, d.reference AS dossier_reference, p.method, p.amount, \
     p.installments, p.reference, p.status, p.failure_reason, p.created_at, p.paid_on, \
     p.checkout_url, p.collection_date, m.reference AS mandate_reference, \
     se.name AS servicer_name, se.address AS servicer_address, se.cheque_address, \
     se.account_holder, se.iban, se.bic, se.bank_name, se.creditor_identifier \
     FROM payments p JOIN dossiers d ON d.id = p.dossier_id \
     JOIN servicing_entities se ON se.id = d.servicing_entity_id \
     LEFT JOIN mandates m ON m.id = p.mandate_id";

impl PaymentRow {
    fn into_payment(self) -> AppResult<Payment> {
        let corrupt = |what: &str, e: &dyn std::fmt::Display| {
            AppError::corrupt(format!("payment {}: {what}: {e}", self.id))
        };
        let method =
            PaymentMethod::parse(&self.method).ok_or_else(|| corrupt("method", &self.method))?;
        let status =
            PaymentStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))?;
        let amount: Money = self.amount.parse().map_err(|e| corrupt("amount", &e))?;
        let installments: Vec<u32> =
            serde_json::from_str(&self.installments).map_err(|e| corrupt("installments", &e))?;
        let instructions = match method {
            PaymentMethod::Transfer => Some(PaymentInstructions::Transfer(self.transfer(amount)?)),
            PaymentMethod::Cheque => Some(PaymentInstructions::Cheque(ChequeInstructions::new(
                &self.servicer(),
                amount,
                &self.dossier_reference,
            ))),
            PaymentMethod::DirectDebit => match (&self.mandate_reference, self.collection_date) {
                (Some(mandate), Some(collection_date)) => {
                    Some(PaymentInstructions::DirectDebit(DebitInstructions {
                        mandate_reference: mandate.clone(),
                        creditor_identifier: self.creditor_identifier.clone(),
                        collection_date,
                    }))
                }
                _ => None,
            },
            PaymentMethod::Card | PaymentMethod::Cash => None,
        };
        Ok(Payment {
            id: self.id,
            dossier_reference: self.dossier_reference,
            method,
            amount,
            installments,
            reference: self.reference,
            status,
            failure_reason: self.failure_reason,
            created_at: self.created_at,
            paid_on: self.paid_on,
            checkout_url: self
                .checkout_url
                .filter(|_| status == PaymentStatus::Pending),
            instructions,
        })
    }

    /// The servicing entity's account, the amount and the RF reference, and
    /// the same as an EPC QR payload: built as the clients build it for an
    /// order still in their outbox.
    fn transfer(&self, amount: Money) -> AppResult<TransferInstructions> {
        let reference = RfReference::parse(&self.reference)
            .map_err(|e| AppError::corrupt(format!("payment reference: {e}")))?;
        let rib = Rib {
            dossier_reference: self.dossier_reference.clone(),
            holder: self.account_holder.clone(),
            iban: self.iban.clone(),
            bic: self.bic.clone(),
            bank_name: self.bank_name.clone(),
            rf_reference: reference.as_str().to_owned(),
        };
        TransferInstructions::new(&rib, amount, &reference)
            .map_err(|e| AppError::corrupt(format!("payment {}: {e}", self.id)))
    }

    /// Only what a cheque's instructions read of the servicing entity.
    fn servicer(&self) -> Servicer {
        let lines = |text: &str| text.lines().map(str::to_owned).collect();
        Servicer {
            name: self.servicer_name.clone(),
            address: lines(&self.servicer_address),
            cheque_address: lines(&self.cheque_address),
            ..Servicer::default()
        }
    }
}

/// The payments matching `filter`, its placeholders bound to `binds` (ids,
/// NULL for a viewer without an étude).
async fn select(
    conn: &mut SqliteConnection,
    filter: &str,
    binds: &[Option<i64>],
) -> AppResult<Vec<Payment>> {
    let sql = format!("{SELECT} WHERE {filter} ORDER BY p.id");
    let mut query = sqlx::query_as::<_, PaymentRow>(&sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(PaymentRow::into_payment).collect()
}

/// A payment, whoever asks.
pub(crate) async fn by_id(conn: &mut SqliteConnection, id: i64) -> AppResult<Option<Payment>> {
    Ok(select(conn, "p.id = ?", &[Some(id)]).await?.pop())
}

/// A payment of a dossier `viewer` sees; 404 otherwise.
pub(crate) async fn visible(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Payment> {
    select(
        conn,
        &format!("p.id = ? AND p.dossier_id IN {GRANTED_DOSSIERS}"),
        &[Some(id), Some(viewer.user_id), viewer.etude_id],
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound)
}

/// The payments of a dossier, oldest first.
pub(crate) async fn of_dossier(
    conn: &mut SqliteConnection,
    dossier_id: i64,
) -> AppResult<Vec<Payment>> {
    select(conn, "p.dossier_id = ?", &[Some(dossier_id)]).await
}

/// The payments `viewer` sees with an upsert in the change log within
/// `(from, to]`: the payments of a sync page.
pub(crate) async fn changed_between(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    (from, to): (i64, i64),
) -> AppResult<Vec<Payment>> {
    select(
        conn,
        &format!(
            "p.id IN (SELECT entity_id FROM changes WHERE seq > ? AND seq <= ? \
             AND kind = 'payment' AND op = 'upsert') AND p.dossier_id IN {GRANTED_DOSSIERS}"
        ),
        &[Some(from), Some(to), Some(viewer.user_id), viewer.etude_id],
    )
    .await
}

/// The ids of a dossier's payments: what a grant on it opens.
pub(crate) async fn ids_of_dossier(
    conn: &mut SqliteConnection,
    dossier_id: i64,
) -> AppResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM payments WHERE dossier_id = ? ORDER BY id")
            .bind(dossier_id)
            .fetch_all(conn)
            .await?,
    )
}

/// A payment to store.
#[derive(Debug, Clone)]
pub(crate) struct NewPaymentRow<'a> {
    pub dossier_id: i64,
    /// Who ordered it; `None` when the agency recorded it.
    pub user_id: Option<i64>,
    pub method: PaymentMethod,
    pub amount: Money,
    pub installments: &'a [u32],
    /// RF reference, electronic form.
    pub reference: &'a str,
    pub status: PaymentStatus,
    pub provider: Option<&'a str>,
    pub provider_session_id: Option<&'a str>,
    pub checkout_url: Option<&'a str>,
    pub mandate_id: Option<i64>,
    pub collection_date: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub received_payment_id: Option<i64>,
}

/// Stores a payment and tells the dossier's audience. Returns its id.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    row: &NewPaymentRow<'_>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    if row.method == PaymentMethod::Cash {
        return Err(AppError::Validation(
            claimdesk_domain::payment::PaymentError::CashRefused.to_string(),
        ));
    }
    let installments =
        serde_json::to_string(row.installments).map_err(|e| AppError::Internal(e.to_string()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payments (dossier_id, user_id, method, amount, installments, reference, \
         status, provider, provider_session_id, checkout_url, mandate_id, collection_date, \
         created_at, updated_at, paid_on, received_payment_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(row.dossier_id)
    .bind(row.user_id)
    .bind(row.method.as_str())
    .bind(row.amount.to_string())
    .bind(installments)
    .bind(row.reference)
    .bind(row.status.as_str())
    .bind(row.provider)
    .bind(row.provider_session_id)
    .bind(row.checkout_url)
    .bind(row.mandate_id)
    .bind(row.collection_date)
    .bind(now)
    .bind(now)
    .bind(row.paid_on)
    .bind(row.received_payment_id)
    .fetch_one(&mut *conn)
    .await?;
    changes::append(
        conn,
        Change::upsert(EntityKind::Payment, id, Scope::dossier(row.dossier_id)),
    )
    .await?;
    Ok(id)
}

/// A pending payment received: `ledger::receive` books it (instalments,
/// balance, statement) and the payment becomes succeeded. Returns false,
/// changing nothing, when it was not pending (already handled).
pub(crate) async fn mark_succeeded(
    conn: &mut SqliteConnection,
    payment_id: i64,
    paid_on: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let found: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT dossier_id, amount, installments, method, status FROM payments WHERE id = ?",
    )
    .bind(payment_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((dossier_id, amount, installments, method, status)) = found else {
        return Err(AppError::NotFound);
    };
    if status != PaymentStatus::Pending.as_str() {
        return Ok(false);
    }
    let amount: Money = amount
        .parse()
        .map_err(|e| AppError::corrupt(format!("payment {payment_id} amount: {e}")))?;
    let installments: Vec<u32> = serde_json::from_str(&installments)
        .map_err(|e| AppError::corrupt(format!("payment {payment_id} installments: {e}")))?;
    let label = format!("Paiement n° {payment_id} ({})", method_label(&method));
    let received =
        ledger::receive(conn, dossier_id, amount, paid_on, &label, &installments).await?;
    sqlx::query(
        "UPDATE payments SET status = 'succeeded', paid_on = ?, received_payment_id = ?, \
         updated_at = ? WHERE id = ?",
    )
    .bind(paid_on)
    .bind(received)
    .bind(now)
    .bind(payment_id)
    .execute(&mut *conn)
    .await?;
    changes::record(
        conn,
        Change::upsert(EntityKind::Payment, payment_id, Scope::dossier(dossier_id)),
    )
    .await?;
    Ok(true)
}

/// A pending payment that will not come (declined, expired). Returns false,
/// changing nothing, when it was not pending.
pub(crate) async fn mark_failed(
    conn: &mut SqliteConnection,
    payment_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let dossier_id: Option<i64> = sqlx::query_scalar(
        "UPDATE payments SET status = 'failed', failure_reason = ?, updated_at = ? \
         WHERE id = ? AND status = 'pending' RETURNING dossier_id",
    )
    .bind(reason)
    .bind(now)
    .bind(payment_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(dossier_id) = dossier_id else {
        return Ok(false);
    };
    changes::record(
        conn,
        Change::upsert(EntityKind::Payment, payment_id, Scope::dossier(dossier_id)),
    )
    .await?;
    Ok(true)
}

/// How the statement names a method (the label of its received payment).
fn method_label(method: &str) -> &'static str {
    match PaymentMethod::parse(method) {
        Some(PaymentMethod::Card) => "carte bancaire",
        Some(PaymentMethod::Transfer) => "virement",
        Some(PaymentMethod::DirectDebit) => "prélèvement",
        Some(PaymentMethod::Cheque) => "chèque",
        Some(PaymentMethod::Cash) | None => "autre",
    }
}
