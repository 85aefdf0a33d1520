//! Payment orders: what a debtor or guarantor may order and with which
//! reference, what is due, and transfers the agency received, reconciled by
//! their RF reference.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use claimdesk_api::auth::Role;
use claimdesk_api::payments::{Due, NewPayment, PaymentMethod, PaymentStatus, ReceivedTransfer};
use claimdesk_domain::Money;
use claimdesk_domain::calendar::add_months;
use claimdesk_domain::ident::RfReference;
use claimdesk_domain::payment::check_amount;
use sqlx::SqliteConnection;

use super::NewPaymentRow;
use crate::access::Viewer;
use crate::error::{AppError, AppResult};
use crate::records::{self, Selection};
use crate::routes::reads::visible_dossier;

/// A checked order, ready to store.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub dossier_id: i64,
    pub dossier_reference: String,
    pub amount: Money,
    pub method: PaymentMethod,
    pub installments: Vec<u32>,
    /// RF reference, electronic form.
    pub reference: String,
    /// Direct debit: the active mandate and when it collects.
    pub mandate: Option<(i64, NaiveDate)>,
}

impl Order {
    /// The row of a pending order (card: with its checkout session).
    pub(crate) fn row<'a>(
        &'a self,
        user_id: i64,
        checkout: Option<(&'a str, &'a str, &'a str)>,
    ) -> NewPaymentRow<'a> {
        let (provider, provider_session_id, checkout_url) = match checkout {
            Some((p, s, u)) => (Some(p), Some(s), Some(u)),
            None => (None, None, None),
        };
        NewPaymentRow {
            dossier_id: self.dossier_id,
            user_id: Some(user_id),
            method: self.method,
            amount: self.amount,
            installments: &self.installments,
            reference: &self.reference,
            status: PaymentStatus::Pending,
            provider,
            provider_session_id,
            checkout_url,
            mandate_id: self.mandate.map(|(id, _)| id),
            collection_date: self.mandate.map(|(_, date)| date),
            paid_on: None,
            received_payment_id: None,
        }
    }
}

/// Checks an order of `viewer`'s: only a debtor or a guarantor who sees the
/// dossier pays it; the amount is positive and at most the balance; cash is
/// refused; the instalments named exist; a debit needs an active mandate.
pub(crate) async fn prepare(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    new: &NewPayment,
    today: NaiveDate,
) -> AppResult<Order> {
    if !matches!(viewer.role, Role::Debtor | Role::Guarantor) {
        return Err(AppError::NotAllowed(
            "only the debtor or a guarantor of a dossier pays it".into(),
        ));
    }
    let dossier = visible_dossier(conn, viewer, &new.dossier_reference).await?;
    new.method
        .accepted()
        .map_err(|e| AppError::Validation(e.to_string()))?;
    check_amount(new.amount, dossier.balance).map_err(|e| AppError::Validation(e.to_string()))?;
    let numbers: Vec<i64> =
        sqlx::query_scalar("SELECT number FROM installments WHERE dossier_id = ?")
            .bind(dossier.id)
            .fetch_all(&mut *conn)
            .await?;
    for number in &new.installments {
        if !numbers.contains(&i64::from(*number)) {
            return Err(AppError::Validation(format!(
                "dossier {} has no instalment n° {number}",
                dossier.reference
            )));
        }
    }
    let reference =
        claimdesk_api::payments::payment_reference(&dossier.reference, &new.installments).map_err(
            |e| AppError::corrupt(format!("RF reference of {}: {e}", dossier.reference)),
        )?;
    let mandate = if new.method == PaymentMethod::DirectDebit {
        let active: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, day FROM mandates WHERE dossier_id = ? AND status = 'active' \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(dossier.id)
        .fetch_optional(&mut *conn)
        .await?;
        let (id, day) = active.ok_or_else(|| {
            AppError::Validation(
                "set up a direct-debit mandate first: this dossier has no active mandate".into(),
            )
        })?;
        let day = u32::try_from(day).map_err(|_| AppError::corrupt(format!("mandate {id} day")))?;
        Some((id, next_collection(today, day)))
    } else {
        None
    };
    Ok(Order {
        dossier_id: dossier.id,
        dossier_reference: dossier.reference,
        amount: new.amount,
        method: new.method,
        installments: new.installments.clone(),
        reference: reference.as_str().to_owned(),
        mandate,
    })
}

/// The next day of the month `day` (1 to 28) strictly after `today`.
pub(crate) fn next_collection(today: NaiveDate, day: u32) -> NaiveDate {
    let day = day.clamp(1, 28);
    let this_month = today.with_day(day).unwrap_or(today);
    if this_month > today {
        this_month
    } else {
        add_months(this_month, 1)
    }
}

/// What is due on a dossier today.
pub(crate) async fn due(
    conn: &mut SqliteConnection,
    dossier_id: i64,
    dossier_reference: &str,
    balance: Money,
    today: NaiveDate,
) -> AppResult<Due> {
    let installments = records::installments(
        conn,
        Selection {
            dossier_id: Some(dossier_id),
            ..Selection::default()
        },
    )
    .await?;
    let overdue = installments
        .iter()
        .filter(|i| i.due_date < today && i.paid < i.amount)
        .map(|i| i.amount - i.paid)
        .sum();
    let pending: Vec<String> = sqlx::query_scalar(
        "SELECT amount FROM payments WHERE dossier_id = ? AND status = 'pending'",
    )
    .bind(dossier_id)
    .fetch_all(&mut *conn)
    .await?;
    let pending = pending
        .iter()
        .map(|a| {
            a.parse::<Money>()
                .map_err(|e| AppError::corrupt(format!("payments.amount {a:?}: {e}")))
        })
        .sum::<AppResult<Money>>()?;
    Ok(Due {
        dossier_reference: dossier_reference.to_owned(),
        balance,
        overdue,
        pending,
        installments,
    })
}

/// A transfer the agency received. Reconciled with the oldest pending
/// transfer order quoting its reference (one of the same amount first);
/// without one, a reference that is a dossier's or one of its instalments'
/// becomes a new transfer received on that dossier. Returns the payment and
/// whether it was created.
pub(crate) async fn receive_transfer(
    conn: &mut SqliteConnection,
    transfer: &ReceivedTransfer,
    now: DateTime<Utc>,
) -> AppResult<(i64, bool)> {
    let reference = RfReference::parse(&transfer.reference).map_err(|e| {
        AppError::Validation(format!(
            "{:?} is not a valid RF reference: {e}",
            transfer.reference
        ))
    })?;
    if !transfer.amount.is_positive() {
        return Err(AppError::Validation("the amount must be positive".into()));
    }
    if transfer.received_on > now.date_naive() {
        return Err(AppError::Validation(
            "the transfer cannot be received in the future".into(),
        ));
    }
    let order: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM payments WHERE reference = ? AND status = 'pending' AND method = 'transfer' \
         ORDER BY amount = ? DESC, created_at, id LIMIT 1",
    )
    .bind(reference.as_str())
    .bind(transfer.amount.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = order {
        // What arrived is what counts, whatever the order said.
        sqlx::query("UPDATE payments SET amount = ? WHERE id = ?")
            .bind(transfer.amount.to_string())
            .bind(id)
            .execute(&mut *conn)
            .await?;
        super::mark_succeeded(conn, id, transfer.received_on, now).await?;
        return Ok((id, false));
    }
    let (dossier_id, installment) = dossier_of(conn, &reference).await?.ok_or_else(|| {
        AppError::Validation(format!(
            "no pending transfer and no dossier has the reference {}",
            reference.as_str()
        ))
    })?;
    let installments: Vec<u32> = installment.into_iter().collect();
    let id = super::insert(
        conn,
        &NewPaymentRow {
            dossier_id,
            user_id: None,
            method: PaymentMethod::Transfer,
            amount: transfer.amount,
            installments: &installments,
            reference: reference.as_str(),
            status: PaymentStatus::Pending,
            provider: None,
            provider_session_id: None,
            checkout_url: None,
            mandate_id: None,
            collection_date: None,
            paid_on: None,
            received_payment_id: None,
        },
        now,
    )
    .await?;
    super::mark_succeeded(conn, id, transfer.received_on, now).await?;
    Ok((id, true))
}

/// The dossier whose RF reference (or one of whose instalments') this is.
async fn dossier_of(
    conn: &mut SqliteConnection,
    reference: &RfReference,
) -> AppResult<Option<(i64, Option<u32>)>> {
    let payload = reference.payload();
    // References keep their letters and digits in the payload; the
    // candidates are found on that, then checked exactly.
    let compact =
        "UPPER(REPLACE(REPLACE(REPLACE(REPLACE(reference, '-', ''), ' ', ''), '/', ''), '.', ''))";
    let candidates: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, reference FROM dossiers WHERE {compact} = ? OR {compact} = ? ORDER BY id"
    ))
    .bind(payload)
    .bind(payload.get(..payload.len().saturating_sub(3)).unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    for (id, dossier_reference) in candidates {
        if RfReference::for_dossier(&dossier_reference).is_ok_and(|rf| &rf == reference) {
            return Ok(Some((id, None)));
        }
        if let Some(number) = payload
            .get(payload.len().saturating_sub(3)..)
            .and_then(|n| n.parse::<u32>().ok())
            && RfReference::for_installment(&dossier_reference, number)
                .is_ok_and(|rf| &rf == reference)
        {
            return Ok(Some((id, Some(number))));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn collections_fall_on_the_next_chosen_day() {
        assert_eq!(next_collection(d(2026, 11, 21), 28), d(2026, 11, 28));
        assert_eq!(next_collection(d(2026, 11, 21), 21), d(2026, 12, 21));
        assert_eq!(next_collection(d(2026, 11, 21), 5), d(2026, 12, 5));
        assert_eq!(next_collection(d(2026, 12, 30), 1), d(2027, 1, 1));
    }
}
