//! `Idempotency-Key` for every route that creates: the key, the user, the
//! route and the request's hash are stored with the first response in the
//! transaction of the effect, so a replay answers that response and never
//! repeats the effect.
//!
//! A request that must call out (a payment provider) before its effect
//! cannot hold the write transaction that long: it takes the key in
//! progress and commits ([`begin`]), makes its call, then completes the key
//! with its effect in one transaction ([`complete`]), or gives the key back
//! when the call failed ([`abandon`]). The lease bounds how long a crashed
//! request keeps the key.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use claimdesk_api::payments::{IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_RETENTION_DAYS};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use crate::error::{AppError, AppResult};

/// How long a request in progress holds its key before another may take it.
pub(crate) const LEASE: TimeDelta = TimeDelta::seconds(60);

/// What [`begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Begun {
    /// The key is this request's now: make the effect, then [`complete`].
    Fresh,
    /// The same request completed before: answer this.
    Replay { status: u16, body: String },
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    request_hash: String,
    locked_until: Option<DateTime<Utc>>,
    response_status: Option<i64>,
    response_body: Option<String>,
}

/// The `Idempotency-Key` header, required.
pub(crate) fn key_from(headers: &HeaderMap) -> AppResult<String> {
    let key = headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .ok_or_else(|| AppError::BadRequest("the Idempotency-Key header is required".into()))?
        .to_str()
        .map_err(|_| AppError::BadRequest("idempotency-key is not ASCII".into()))?;
    let len = key.chars().count();
    if !(1..=200).contains(&len) {
        return Err(AppError::BadRequest(
            "Idempotency-Key must be 1 to 200 characters".into(),
        ));
    }
    Ok(key.to_owned())
}

/// Hex SHA-256 of the request's canonical JSON (object keys sorted), so two
/// clients writing the same body differently hash the same.
pub(crate) fn request_hash<T: Serialize>(request: &T) -> AppResult<String> {
    // `Value` keeps object keys sorted: serializing it is the canonical form.
    let value = serde_json::to_value(request).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(value.to_string().as_bytes())))
}

/// Takes `key` for this request, or says why not: a completed request with
/// the same hash is answered again ([`Begun::Replay`]); one in progress is
/// [`AppError::RequestInProgress`]; another body is
/// [`AppError::IdempotencyKeyReused`]. A lease that ran out is taken over.
pub(crate) async fn begin(
    conn: &mut SqliteConnection,
    user_id: i64,
    scope: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Begun> {
    // Opportunistic: the index on expires_at keeps it cheap.
    sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= ?")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let found: Option<KeyRow> = sqlx::query_as(
        "SELECT request_hash, locked_until, response_status, response_body \
         FROM idempotency_keys WHERE user_id = ? AND scope = ? AND key = ?",
    )
    .bind(user_id)
    .bind(scope)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    let locked_until = now + LEASE;
    let Some(KeyRow {
        request_hash: hash,
        locked_until: held_until,
        response_status: status,
        response_body: body,
    }) = found
    else {
        sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, scope, request_hash, locked_until, \
             created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(user_id)
        .bind(key)
        .bind(scope)
        .bind(request_hash)
        .bind(locked_until)
        .bind(now)
        .bind(now + TimeDelta::days(IDEMPOTENCY_KEY_RETENTION_DAYS))
        .execute(&mut *conn)
        .await?;
        return Ok(Begun::Fresh);
    };
    if hash != request_hash {
        return Err(AppError::IdempotencyKeyReused);
    }
    if let (Some(status), Some(body)) = (status, body) {
        let status = u16::try_from(status)
            .map_err(|_| AppError::corrupt(format!("idempotency_keys.response_status {status}")))?;
        return Ok(Begun::Replay { status, body });
    }
    if held_until.is_some_and(|until| until > now) {
        return Err(AppError::RequestInProgress);
    }
    // The request that held it stopped without completing (a crash).
    sqlx::query(
        "UPDATE idempotency_keys SET locked_until = ? WHERE user_id = ? AND scope = ? AND key = ?",
    )
    .bind(locked_until)
    .bind(user_id)
    .bind(scope)
    .bind(key)
    .execute(&mut *conn)
    .await?;
    Ok(Begun::Fresh)
}

/// Stores the first response; call it in the transaction of the effect.
pub(crate) async fn complete(
    conn: &mut SqliteConnection,
    user_id: i64,
    scope: &str,
    key: &str,
    status: u16,
    body_json: &str,
) -> AppResult<()> {
    let done = sqlx::query(
        "UPDATE idempotency_keys SET response_status = ?, response_body = ?, locked_until = NULL \
         WHERE user_id = ? AND scope = ? AND key = ? AND response_status IS NULL",
    )
    .bind(i64::from(status))
    .bind(body_json)
    .bind(user_id)
    .bind(scope)
    .bind(key)
    .execute(conn)
    .await?;
    if done.rows_affected() != 1 {
        // Purged or completed by another request after a lease ran out: the
        // effect must not be committed twice.
        return Err(AppError::RequestInProgress);
    }
    Ok(())
}

/// Gives back a key taken in progress whose effect failed, so that a retry
/// goes through.
pub(crate) async fn abandon(
    conn: &mut SqliteConnection,
    user_id: i64,
    scope: &str,
    key: &str,
) -> AppResult<()> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = ? AND scope = ? AND key = ? \
         AND response_status IS NULL",
    )
    .bind(user_id)
    .bind(scope)
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored JSON response, answered as it was first sent.
pub(crate) fn stored_response(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Serializes a first response for [`complete`] and for the answer itself,
/// so the replay is byte-identical.
pub(crate) fn body_json<T: Serialize>(body: &T) -> AppResult<String> {
    serde_json::to_string(body).map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_how_the_body_was_written() {
        let a: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":"x"}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{ "a": "x", "b": 1 }"#).unwrap();
        assert_eq!(request_hash(&a).unwrap(), request_hash(&b).unwrap());
        let c: serde_json::Value = serde_json::from_str(r#"{"a":"y","b":1}"#).unwrap();
        assert_ne!(request_hash(&a).unwrap(), request_hash(&c).unwrap());
        assert_eq!(request_hash(&a).unwrap().len(), 64);
    }

    #[test]
    fn keys_are_required_and_bounded() {
        let mut headers = HeaderMap::new();
        assert!(key_from(&headers).is_err());
        headers.insert(IDEMPOTENCY_KEY_HEADER, HeaderValue::from_static("k-1"));
        assert_eq!(key_from(&headers).unwrap(), "k-1");
        headers.insert(
            IDEMPOTENCY_KEY_HEADER,
            HeaderValue::from_str(&"x".repeat(201)).unwrap(),
        );
        assert!(key_from(&headers).is_err());
    }

    #[tokio::test]
    async fn keys_are_held_replayed_taken_over_and_purged() {
        let dir = tempfile::tempdir().unwrap();
        let app = crate::App::open(crate::Config::new(dir.path()))
            .await
            .unwrap();
        let mut conn = app.state.db.write.acquire().await.unwrap();
        let user: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, role, display_name, created_at) \
             VALUES ('u@example.org', 'x', 'debtor', 'U', '2027-01-15 08:00:00') RETURNING id",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(
            super::begin(&mut conn, user, "s", "k", "h1", t0)
                .await
                .unwrap(),
            Begun::Fresh
        );
        assert!(matches!(
            super::begin(&mut conn, user, "s", "k", "h1", t0 + TimeDelta::seconds(59)).await,
            Err(AppError::RequestInProgress)
        ));
        assert!(matches!(
            super::begin(&mut conn, user, "s", "k", "h2", t0).await,
            Err(AppError::IdempotencyKeyReused)
        ));
        // Another route, the same key: another key.
        assert_eq!(
            super::begin(&mut conn, user, "other", "k", "h2", t0)
                .await
                .unwrap(),
            Begun::Fresh
        );
        // The holder crashed: once the lease ran out, the key is taken over.
        let later = t0 + LEASE + TimeDelta::seconds(1);
        assert_eq!(
            super::begin(&mut conn, user, "s", "k", "h1", later)
                .await
                .unwrap(),
            Begun::Fresh
        );
        complete(&mut conn, user, "s", "k", 201, r#"{"id":1}"#)
            .await
            .unwrap();
        assert!(matches!(
            complete(&mut conn, user, "s", "k", 201, r#"{"id":2}"#).await,
            Err(AppError::RequestInProgress)
        ));
        let replay = Begun::Replay {
            status: 201,
            body: r#"{"id":1}"#.into(),
        };
        let day_89 = t0 + TimeDelta::days(IDEMPOTENCY_KEY_RETENTION_DAYS - 1);
        assert_eq!(
            super::begin(&mut conn, user, "s", "k", "h1", day_89)
                .await
                .unwrap(),
            replay
        );
        // Abandoning a completed key changes nothing.
        abandon(&mut conn, user, "s", "k").await.unwrap();
        assert_eq!(
            super::begin(&mut conn, user, "s", "k", "h1", day_89)
                .await
                .unwrap(),
            replay
        );
        // After the retention, the key is forgotten.
        let day_91 = t0 + TimeDelta::days(IDEMPOTENCY_KEY_RETENTION_DAYS + 1);
        assert_eq!(
            super::begin(&mut conn, user, "s", "k", "h2", day_91)
                .await
                .unwrap(),
            Begun::Fresh
        );
        // An abandoned key in progress is free at once.
        abandon(&mut conn, user, "s", "k").await.unwrap();
        assert_eq!(
            super::begin(&mut conn, user, "s", "k", "h3", day_91)
                .await
                .unwrap(),
            Begun::Fresh
        );
    }
}
