//! Money received on a dossier: the statement's row, the instalments it
//! pays and the balance it lowers, with their sync changes, in the caller's
//! transaction.

use chrono::NaiveDate;
use claimdesk_api::sync::EntityKind;
use claimdesk_domain::Money;
use claimdesk_domain::statement::Payment;
use sqlx::SqliteConnection;

use crate::changes::{self, Change, Scope};
use crate::error::{AppError, AppResult};
use crate::inserts;

/// Records `amount` received on `dossier_id`: a `received_payments` row (the
/// statement imputes it), the instalments named in `preferred_installments`
/// paid first in that order, then the oldest unpaid, and the balance lowered.
/// Returns the `received_payments` id.
pub(crate) async fn receive(
    conn: &mut SqliteConnection,
    dossier_id: i64,
    amount: Money,
    paid_on: NaiveDate,
    label: &str,
    preferred_installments: &[u32],
) -> AppResult<i64> {
    if !amount.is_positive() {
        return Err(AppError::Validation("the amount must be positive".into()));
    }
    let received = inserts::received_payment(
        conn,
        dossier_id,
        &Payment {
            date: paid_on,
            label: label.to_owned(),
            amount,
        },
    )
    .await?;
    let scope = Scope::dossier(dossier_id);
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, number, amount, paid FROM installments WHERE dossier_id = ? ORDER BY number",
    )
    .bind(dossier_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut schedule = Vec::with_capacity(rows.len());
    for (id, number, due, paid) in rows {
        schedule.push((id, number, parse(&due)?, parse(&paid)?));
    }
    let order = imputation_order(&schedule, preferred_installments);
    let mut left = amount;
    for index in order {
        if !left.is_positive() {
            break;
        }
        let (id, _, due, paid) = schedule[index];
        let open = due - paid;
        if !open.is_positive() {
            continue;
        }
        let part = if left < open { left } else { open };
        left = left - part;
        sqlx::query("UPDATE installments SET paid = ? WHERE id = ?")
            .bind((paid + part).to_string())
            .bind(id)
            .execute(&mut *conn)
            .await?;
        changes::record(conn, Change::upsert(EntityKind::Installment, id, scope)).await?;
    }
    let balance: String = sqlx::query_scalar("SELECT balance FROM dossiers WHERE id = ?")
        .bind(dossier_id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("UPDATE dossiers SET balance = ? WHERE id = ?")
        .bind((parse(&balance)? - amount).to_string())
        .bind(dossier_id)
        .execute(&mut *conn)
        .await?;
    changes::record(conn, Change::upsert(EntityKind::Dossier, dossier_id, scope)).await?;
    Ok(received)
}

fn parse(text: &str) -> AppResult<Money> {
    text.parse()
        .map_err(|e| AppError::corrupt(format!("stored amount {text:?}: {e}")))
}

/// Indexes into `schedule` (sorted by number): the named numbers first, in
/// the order given, then every other instalment by number.
fn imputation_order(schedule: &[(i64, i64, Money, Money)], preferred: &[u32]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(schedule.len());
    for number in preferred {
        if let Some(index) = schedule
            .iter()
            .position(|(_, n, _, _)| *n == i64::from(*number))
            && !order.contains(&index)
        {
            order.push(index);
        }
    }
    let rest: Vec<usize> = (0..schedule.len()).filter(|i| !order.contains(i)).collect();
    order.extend(rest);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_instalments_come_first_then_the_oldest() {
        let m = Money::from_cents;
        let schedule = [
            (10, 1, m(100), m(100)),
            (11, 2, m(100), m(0)),
            (12, 3, m(100), m(0)),
            (13, 4, m(100), m(0)),
        ];
        assert_eq!(
            imputation_order(&schedule, &[4, 3, 4, 99]),
            vec![3, 2, 0, 1]
        );
        assert_eq!(imputation_order(&schedule, &[]), vec![0, 1, 2, 3]);
    }
}
