//! Passwords, session tokens and the extractors that turn a bearer token into
//! the user a request is answered for.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use claimdesk_api::auth::{Role, Session, User};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use crate::AppState;
use crate::access::Viewer;
use crate::config::{Config, delta};
use crate::error::{AppError, AppResult};

/// OWASP's argon2id baseline: 19 MiB, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub(crate) fn hash_password_blocking(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub(crate) fn verify_password_blocking(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing is deliberately slow: keep it off the async workers.
pub(crate) async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))?
}

pub(crate) async fn verify_password(hash: String, password: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || verify_password_blocking(&hash, &password))
        .await
        .map_err(|e| AppError::Internal(format!("verification task failed: {e}")))
}

/// 256 bits from the OS's CSPRNG, base64url.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token or a code.
pub(crate) fn secret_hash(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

pub(crate) fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    etude_name: Option<String>,
    company_name: Option<String>,
}

pub(crate) async fn user_record(conn: &mut SqliteConnection, user_id: i64) -> AppResult<User> {
    let row: UserRow = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.role, e.name AS etude_name, \
         c.name AS company_name FROM users u \
         LEFT JOIN etudes e ON e.id = u.etude_id \
         LEFT JOIN companies c ON c.id = u.company_id WHERE u.id = ?",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(User {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role: Role::parse(&row.role)
            .ok_or_else(|| AppError::corrupt(format!("users.role: {:?}", row.role)))?,
        etude_name: row.etude_name,
        company_name: row.company_name,
    })
}

/// Opens a session for a user whose credentials were checked.
pub(crate) async fn open_session(
    conn: &mut SqliteConnection,
    config: &Config,
    user_id: i64,
) -> AppResult<Session> {
    let now = config.now();
    let expires_at = now + delta(config.session_absolute_timeout);
    let idle_expires_at = (now + delta(config.session_idle_timeout)).min(expires_at);
    // Ended sessions are kept a week, so that their tokens still answer
    // `session_expired` rather than `unauthenticated`, then dropped here.
    sqlx::query("DELETE FROM sessions WHERE idle_expires_at < ? OR expires_at < ?")
        .bind(now - TimeDelta::days(7))
        .bind(now - TimeDelta::days(7))
        .execute(&mut *conn)
        .await?;
    let token = new_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_used_at, idle_expires_at, \
         expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(secret_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(idle_expires_at)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(Session {
        token,
        expires_at,
        idle_expires_at,
        user: user_record(conn, user_id).await?,
    })
}

/// Replaces a session's token; the old one stops working at once. The
/// absolute expiry stays: refreshing cannot make a session immortal.
pub(crate) async fn rotate_session(
    conn: &mut SqliteConnection,
    config: &Config,
    session: &CurrentSession,
) -> AppResult<Session> {
    let now = config.now();
    let idle_expires_at = (now + delta(config.session_idle_timeout)).min(session.expires_at);
    let token = new_token();
    sqlx::query(
        "UPDATE sessions SET token_hash = ?, last_used_at = ?, idle_expires_at = ? WHERE id = ?",
    )
    .bind(secret_hash(&token))
    .bind(now)
    .bind(idle_expires_at)
    .bind(session.id)
    .execute(&mut *conn)
    .await?;
    Ok(Session {
        token,
        expires_at: session.expires_at,
        idle_expires_at,
        user: user_record(conn, session.viewer.user_id).await?,
    })
}

pub(crate) async fn close_session(conn: &mut SqliteConnection, session_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id = ?")
        .bind(session_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The session a request carries, checked and touched.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub(crate) id: i64,
    pub(crate) expires_at: DateTime<Utc>,
    pub viewer: Viewer,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    user_id: i64,
    idle_expires_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    role: String,
    etude_id: Option<i64>,
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case(claimdesk_api::AUTHORIZATION_SCHEME) {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let token = bearer(parts).ok_or(AppError::Unauthenticated)?;
        let mut conn = state.db.write.acquire().await?;
        let row: SessionRow = sqlx::query_as(
            "SELECT s.id, s.user_id, s.idle_expires_at, s.expires_at, u.role, u.etude_id \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
        )
        .bind(secret_hash(token))
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::Unauthenticated)?;
        let now = state.config.now();
        if now >= row.expires_at || now >= row.idle_expires_at {
            return Err(AppError::SessionExpired);
        }
        let idle_expires_at = (now + delta(state.config.session_idle_timeout)).min(row.expires_at);
        sqlx::query("UPDATE sessions SET last_used_at = ?, idle_expires_at = ? WHERE id = ?")
            .bind(now)
            .bind(idle_expires_at)
            .bind(row.id)
            .execute(&mut *conn)
            .await?;
        Ok(CurrentSession {
            id: row.id,
            expires_at: row.expires_at,
            viewer: Viewer {
                user_id: row.user_id,
                etude_id: row.etude_id,
                role: Role::parse(&row.role)
                    .ok_or_else(|| AppError::corrupt(format!("users.role: {:?}", row.role)))?,
            },
        })
    }
}

/// A signed-in agency staff member; anyone else is refused before the request
/// is looked at, so a non-admin learns nothing from the answer.
#[derive(Debug, Clone)]
pub struct AdminSession(pub CurrentSession);

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let session = CurrentSession::from_request_parts(parts, state).await?;
        if session.viewer.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        Ok(AdminSession(session))
    }
}

/// Why a password is refused, if it is.
pub(crate) fn password_weakness(password: &str, name: &str, email: &str) -> Option<String> {
    const MIN: usize = 12;
    if password.chars().count() < MIN {
        return Some(format!("the password must have at least {MIN} characters"));
    }
    let lowered = password.to_lowercase();
    let mut parts: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect();
    let compact: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    if compact.chars().count() >= 4 {
        parts.push(compact);
    }
    if let Some(local) = email.split('@').next() {
        parts.extend(
            local
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_lowercase),
        );
    }
    if parts.iter().any(|part| lowered.contains(part.as_str())) {
        return Some("the password must not contain the account's name or email".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(secret_hash(&a).len(), 64);
    }

    #[test]
    fn weak_passwords_are_named() {
        assert!(password_weakness("short", "Jean Dupont", "j@x.fr").is_some());
        assert!(password_weakness("Dupont-2024-secure", "Jean Dupont", "j@x.fr").is_some());
        assert!(password_weakness("jeandupont!!99", "Jean Dupont", "j@x.fr").is_some());
        assert!(
            password_weakness("correct horse battery", "Jean Dupont", "jdupont@x.fr").is_none()
        );
        assert!(password_weakness("jdupont-is-me-2024", "Jean Dupont", "jdupont@x.fr").is_some());
    }

    #[test]
    fn hashes_verify() {
        let hash = hash_password_blocking("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password_blocking(&hash, "correct horse battery"));
        assert!(!verify_password_blocking(&hash, "wrong"));
        assert!(!verify_password_blocking("garbage", "wrong"));
    }
}
