//! Activation of debtor and guarantor accounts with the single-use code
//! printed on their letter.

use chrono::TimeDelta;
use claimdesk_api::admin::{ActivationCode, ActivationCodeRequest};
use claimdesk_api::auth::{ActivateRequest, Role, Session};
use rand::RngCore;
use rand::rngs::OsRng;

use crate::AppState;
use crate::access::{self, GrantSubjectId};
use crate::auth;
use crate::changes::GrantObjectId;
use crate::error::{AppError, AppResult};

/// How long a letter's code stays valid.
pub const CODE_VALIDITY_DAYS: i64 = 30;

/// Crockford's base32: no I, L, O or U to misread on paper.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// 160 random bits as 32 base32 characters, grouped by four for the letter.
pub(crate) fn new_code() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    let mut bits: u64 = 0;
    let mut held = 0;
    let mut chars = Vec::with_capacity(32);
    for byte in bytes {
        bits = (bits << 8) | u64::from(byte);
        held += 8;
        while held >= 5 {
            held -= 5;
            chars.push(ALPHABET[((bits >> held) & 31) as usize] as char);
        }
    }
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a person may type for a code: any case, with or without dashes and
/// spaces, and the letters Crockford maps to digits.
pub(crate) fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

pub(crate) async fn create_code(
    state: &AppState,
    request: ActivationCodeRequest,
) -> AppResult<ActivationCode> {
    if !matches!(request.role, Role::Debtor | Role::Guarantor) {
        return Err(AppError::Validation(
            "activation codes are for debtor and guarantor accounts only".to_owned(),
        ));
    }
    let display_name = request.display_name.trim().to_owned();
    if display_name.is_empty() {
        return Err(AppError::Validation(
            "the account needs a display name".to_owned(),
        ));
    }
    let mut tx = state.db.write.begin().await?;
    let dossier_id = crate::records::dossier_id(&mut tx, &request.reference)
        .await?
        .ok_or_else(|| AppError::Validation(format!("no dossier {:?}", request.reference)))?;
    if request.role == Role::Guarantor {
        let guarantees: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM guarantees WHERE dossier_id = ? AND guarantor_name = ?",
        )
        .bind(dossier_id)
        .bind(&display_name)
        .fetch_one(&mut *tx)
        .await?;
        if guarantees == 0 {
            return Err(AppError::Validation(format!(
                "{display_name:?} guarantees nothing on dossier {}",
                request.reference
            )));
        }
    }
    let now = state.config.now();
    let expires_at = now + TimeDelta::days(CODE_VALIDITY_DAYS);
    let code = new_code();
    sqlx::query(
        "INSERT INTO activation_codes (code_hash, dossier_id, role, display_name, created_at, \
         expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(auth::secret_hash(&normalize_code(&code)))
    .bind(dossier_id)
    .bind(request.role.as_str())
    .bind(&display_name)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ActivationCode {
        reference: request.reference,
        code,
        expires_at,
    })
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    id: i64,
    dossier_id: i64,
    role: String,
    display_name: String,
    expires_at: chrono::DateTime<chrono::Utc>,
    used_at: Option<chrono::DateTime<chrono::Utc>>,
    company_id: i64,
}

async fn usable_code(
    conn: &mut sqlx::SqliteConnection,
    reference: &str,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<CodeRow> {
    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT ac.id, ac.dossier_id, ac.role, ac.display_name, ac.expires_at, ac.used_at, \
         d.company_id FROM activation_codes ac JOIN dossiers d ON d.id = ac.dossier_id \
         WHERE ac.code_hash = ? AND d.reference = ?",
    )
    .bind(auth::secret_hash(&normalize_code(code)))
    .bind(reference.trim())
    .fetch_optional(conn)
    .await?;
    match row {
        Some(row) if row.used_at.is_none() && now < row.expires_at => Ok(row),
        _ => Err(AppError::ActivationInvalid),
    }
}

pub(crate) async fn activate(state: &AppState, request: ActivateRequest) -> AppResult<Session> {
    let now = state.config.now();
    let email = auth::normalize_email(&request.email);
    let code = {
        let mut conn = state.db.read.acquire().await?;
        usable_code(&mut conn, &request.reference, &request.code, now).await?
    };
    if !valid_email(&email) {
        return Err(AppError::Validation(format!(
            "{:?} is not an email address",
            request.email
        )));
    }
    if let Some(problem) = auth::password_weakness(&request.password, &code.display_name, &email) {
        return Err(AppError::Validation(problem));
    }
    let role = Role::parse(&code.role)
        .ok_or_else(|| AppError::corrupt(format!("activation_codes.role: {:?}", code.role)))?;
    let hash = auth::hash_password(request.password).await?;

    let mut tx = state.db.write.begin().await?;
    // Checked again under the writer: two activations of one code race here.
    let code = usable_code(&mut tx, &request.reference, &request.code, now).await?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = ?")
        .bind(&email)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        return Err(AppError::Conflict(
            "an account already uses this email address".to_owned(),
        ));
    }
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, display_name, company_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&email)
    .bind(&hash)
    .bind(role.as_str())
    .bind(&code.display_name)
    .bind((role == Role::Debtor).then_some(code.company_id))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE activation_codes SET used_at = ? WHERE id = ?")
        .bind(now)
        .bind(code.id)
        .execute(&mut *tx)
        .await?;
    let subject = GrantSubjectId::User(user_id);
    match role {
        Role::Debtor => {
            let procedures: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM procedures WHERE company_id = ? ORDER BY id")
                    .bind(code.company_id)
                    .fetch_all(&mut *tx)
                    .await?;
            for id in procedures {
                access::grant(&mut tx, subject, GrantObjectId::Procedure(id)).await?;
            }
            let dossiers: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM dossiers WHERE company_id = ? ORDER BY id")
                    .bind(code.company_id)
                    .fetch_all(&mut *tx)
                    .await?;
            for id in dossiers {
                access::grant(&mut tx, subject, GrantObjectId::Dossier(id)).await?;
            }
        }
        _ => {
            access::grant(&mut tx, subject, GrantObjectId::Dossier(code.dossier_id)).await?;
        }
    }
    let session = auth::open_session(&mut tx, &state.config, user_id).await?;
    tx.commit().await?;
    tracing::info!(user_id, role = role.as_str(), "account activated");
    Ok(session)
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_160_bits_and_survive_retyping() {
        let code = new_code();
        assert_eq!(code.len(), 32 + 7);
        assert_ne!(code, new_code());
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalize_code(&typed), code.replace('-', ""));
        assert_eq!(normalize_code("oil-0"), "0110");
    }

    #[test]
    fn emails_are_checked_loosely() {
        assert!(valid_email("a@b.fr"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("ab.fr"));
        assert!(!valid_email("a b@c.fr"));
        assert!(!valid_email("a@b@c.fr"));
    }
}
