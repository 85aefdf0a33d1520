//! The one error type of the server: every failure becomes `{code, message}`
//! with the status its code carries; internal details are logged, never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use claimdesk_api::requests::{FieldProblem, FieldProblemKind};
use claimdesk_api::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    InvalidBody(String),
    #[error("the body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the body is larger than the 1 MiB allowed")]
    PayloadTooLarge,
    #[error("the file is {size} bytes; the largest accepted is {limit} bytes ({} MiB)", limit / (1024 * 1024))]
    FileTooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    UnsupportedType(String),
    #[error("{0}")]
    OffsetMismatch(String),
    #[error("{0}")]
    ChecksumMismatch(String),
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("this upload expired or was terminated; start a new one")]
    UploadGone,
    #[error("{0}")]
    Validation(String),
    /// A request's form with problems: each is listed in the body's
    /// `fields`, for the client to say in the user's language.
    #[error("{}", fields_message(.0))]
    FieldsInvalid(Vec<FieldProblem>),
    #[error("sign in first: no valid session token was sent")]
    Unauthenticated,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("the session has expired; sign in again")]
    SessionExpired,
    #[error("this action is reserved to agency staff")]
    Forbidden,
    #[error("no such resource")]
    NotFound,
    #[error("this method is not allowed on this resource")]
    MethodNotAllowed,
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    InvalidCursor(String),
    #[error("this activation code is invalid, already used or expired")]
    ActivationInvalid,
    #[error("{0}")]
    Conflict(String),
    #[error("the dossier still owes {0}: no attestation de solde before it is paid in full")]
    BalanceNotZero(String),
    #[error("{0}")]
    StatementUnavailable(String),
    #[error("a request with this Idempotency-Key is still being processed; retry in a moment")]
    RequestInProgress,
    #[error("this Idempotency-Key was already used for a request with another body; use a new key")]
    IdempotencyKeyReused,
    #[error("{0}")]
    PasswordRequired(String),
    /// A role that may not do this (the message says who may).
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}; nothing was charged, try again later")]
    ProviderUnavailable(String),
    #[error("{0}")]
    InvalidSignature(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::InvalidBody(_) => ErrorCode::InvalidBody,
            AppError::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            AppError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            AppError::FileTooLarge { .. } => ErrorCode::PayloadTooLarge,
            AppError::UnsupportedType(_) => ErrorCode::UnsupportedMediaType,
            AppError::OffsetMismatch(_) => ErrorCode::OffsetMismatch,
            AppError::ChecksumMismatch(_) => ErrorCode::ChecksumMismatch,
            AppError::QuotaExceeded(_) => ErrorCode::QuotaExceeded,
            AppError::UploadGone => ErrorCode::UploadGone,
            AppError::Validation(_) | AppError::FieldsInvalid(_) => ErrorCode::ValidationFailed,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::InvalidCredentials => ErrorCode::InvalidCredentials,
            AppError::SessionExpired => ErrorCode::SessionExpired,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::InvalidCursor(_) => ErrorCode::InvalidCursor,
            AppError::ActivationInvalid => ErrorCode::ActivationInvalid,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::BalanceNotZero(_) => ErrorCode::BalanceNotZero,
            AppError::StatementUnavailable(_) => ErrorCode::StatementUnavailable,
            AppError::RequestInProgress => ErrorCode::RequestInProgress,
            AppError::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            AppError::PasswordRequired(_) => ErrorCode::PasswordRequired,
            AppError::NotAllowed(_) => ErrorCode::Forbidden,
            AppError::InvalidSignature(_) => ErrorCode::InvalidSignature,
            AppError::Database(_)
            | AppError::ProviderUnavailable(_)
            | AppError::Migration(_)
            | AppError::Corrupt(_)
            | AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub(crate) fn corrupt(what: impl std::fmt::Display) -> AppError {
        AppError::Corrupt(what.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let code = self.code();
        let message = if code == ErrorCode::Internal {
            tracing::error!(error = %self, "request failed");
            "internal error; it has been logged".to_owned()
        } else {
            self.to_string()
        };
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let fields = match &self {
            AppError::FieldsInvalid(problems) => problems.clone(),
            _ => Vec::new(),
        };
        let mut response = (
            status,
            axum::Json(ErrorBody {
                code,
                message,
                fields,
            }),
        )
            .into_response();
        match &self {
            AppError::RateLimited {
                retry_after_secs, ..
            } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            AppError::RequestInProgress => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            AppError::Unauthenticated | AppError::SessionExpired => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// "the form is not valid: refund_iban is not a valid IBAN; proposal is missing"
fn fields_message(problems: &[FieldProblem]) -> String {
    let each: Vec<String> = problems
        .iter()
        .map(|p| {
            let what = match p.problem {
                FieldProblemKind::Missing => "is missing",
                FieldProblemKind::Unknown => "is not a field of this request type",
                FieldProblemKind::TooLong => "is too long (or not one line)",
                FieldProblemKind::InvalidDate => "is not a date (YYYY-MM-DD)",
                FieldProblemKind::FutureDate => "is in the future",
                FieldProblemKind::InvalidAmount => {
                    "is not a positive amount with at most two decimals"
                }
                FieldProblemKind::InvalidIban => "is not a valid IBAN",
                FieldProblemKind::InvalidEmail => "is not a valid email address",
                FieldProblemKind::InvalidPhone => "is not a valid phone number",
                FieldProblemKind::InvalidChoice => "is not one of the accepted values",
                FieldProblemKind::NothingGiven => {
                    "and the other fields are empty: give at least one"
                }
            };
            format!("{} {what}", p.field)
        })
        .collect();
    format!("the form is not valid: {}", each.join("; "))
}
