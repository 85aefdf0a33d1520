//! A verified provider event applied once: its id is stored in the
//! transaction of its effect, so a replay (the provider retries until it
//! gets a 2xx) changes nothing.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::providers::{Effect, Event};
use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handled {
    /// The payment changed status.
    Applied,
    /// Seen before, or the payment was already settled.
    AlreadyDone,
    /// An event type this server does not act on.
    Ignored,
    /// A session no payment of ours has.
    UnknownSession,
}

pub(crate) async fn apply(
    conn: &mut SqliteConnection,
    provider: &str,
    event: &Event,
    now: DateTime<Utc>,
) -> AppResult<Handled> {
    let first = sqlx::query(
        "INSERT INTO webhook_events (provider, event_id, received_at) VALUES (?, ?, ?) \
         ON CONFLICT (provider, event_id) DO NOTHING",
    )
    .bind(provider)
    .bind(&event.id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !first {
        return Ok(Handled::AlreadyDone);
    }
    let session_id = match &event.effect {
        Effect::Paid { session_id } | Effect::Failed { session_id, .. } => session_id,
        Effect::Ignored => {
            tracing::info!(provider, event = %event.id, kind = %event.kind, "webhook event ignored");
            return Ok(Handled::Ignored);
        }
    };
    let payment: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM payments WHERE provider = ? AND provider_session_id = ?",
    )
    .bind(provider)
    .bind(session_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(payment) = payment else {
        tracing::warn!(provider, event = %event.id, session = %session_id, "webhook for an unknown checkout session");
        return Ok(Handled::UnknownSession);
    };
    let changed = match &event.effect {
        Effect::Paid { .. } => super::mark_succeeded(conn, payment, now.date_naive(), now).await?,
        Effect::Failed { reason, .. } => super::mark_failed(conn, payment, reason, now).await?,
        Effect::Ignored => false,
    };
    tracing::info!(provider, event = %event.id, payment, changed, "webhook applied");
    Ok(if changed {
        Handled::Applied
    } else {
        Handled::AlreadyDone
    })
}
