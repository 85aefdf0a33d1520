//! The one error body every endpoint answers with: `{code, message}`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Stable machine codes. Clients match on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed request: bad query string, bad path parameter, syntax error in JSON.
    BadRequest,
    /// Well-formed JSON that does not fit the expected body (unknown field, wrong type, missing field).
    InvalidBody,
    /// A body was sent with a content type other than application/json.
    UnsupportedMediaType,
    PayloadTooLarge,
    /// The body fits the schema but a value is refused (e.g. a negative amount).
    ValidationFailed,
    /// No or unknown session token.
    Unauthenticated,
    InvalidCredentials,
    SessionExpired,
    /// Authenticated, but the action is reserved to another role.
    Forbidden,
    NotFound,
    MethodNotAllowed,
    RateLimited,
    /// A sync cursor that is garbage or belongs to another user.
    InvalidCursor,
    ActivationInvalid,
    Conflict,
    /// An attestation de solde was asked for a dossier that still owes something.
    BalanceNotZero,
    /// The statement cannot be computed at that date (e.g. no legal rate known then).
    StatementUnavailable,
    /// tus: the `Upload-Offset` sent is not where the upload stands.
    OffsetMismatch,
    /// tus checksum extension: the chunk, or the whole file, is not what was declared.
    ChecksumMismatch,
    /// The user's storage quota would be exceeded.
    QuotaExceeded,
    /// The upload expired or was terminated.
    UploadGone,
    /// A request with this Idempotency-Key is still being processed: retry later.
    RequestInProgress,
    /// This Idempotency-Key was used for a request with another body.
    IdempotencyKeyReused,
    /// The action needs the user's password again (e.g. new bank details).
    PasswordRequired,
    /// A payment provider's notification whose signature is wrong or stale.
    InvalidSignature,
    Internal,
    /// A code this client does not know (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status each code is answered with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::InvalidCursor | ErrorCode::InvalidSignature => 400,
            ErrorCode::Unauthenticated
            | ErrorCode::InvalidCredentials
            | ErrorCode::SessionExpired => 401,
            ErrorCode::Forbidden | ErrorCode::PasswordRequired => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict
            | ErrorCode::BalanceNotZero
            | ErrorCode::OffsetMismatch
            | ErrorCode::RequestInProgress => 409,
            ErrorCode::UploadGone => 410,
            ErrorCode::ChecksumMismatch => 460,
            ErrorCode::PayloadTooLarge | ErrorCode::QuotaExceeded => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::InvalidBody
            | ErrorCode::ValidationFailed
            | ErrorCode::ActivationInvalid
            | ErrorCode::StatementUnavailable
            | ErrorCode::IdempotencyKeyReused => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::InvalidCursor => "invalid_cursor",
            ErrorCode::ActivationInvalid => "activation_invalid",
            ErrorCode::Conflict => "conflict",
            ErrorCode::BalanceNotZero => "balance_not_zero",
            ErrorCode::StatementUnavailable => "statement_unavailable",
            ErrorCode::OffsetMismatch => "offset_mismatch",
            ErrorCode::ChecksumMismatch => "checksum_mismatch",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::UploadGone => "upload_gone",
            ErrorCode::RequestInProgress => "request_in_progress",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::PasswordRequired => "password_required",
            ErrorCode::InvalidSignature => "invalid_signature",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// A sentence for people; never parsed.
    pub message: String,
    /// For `validation_failed` on a request's form: each field's problem, for
    /// the client to say in the user's language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<crate::requests::FieldProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_unknown_ones_are_tolerated() {
        let body = ErrorBody {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            fields: Vec::new(),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"code":"rate_limited","message":"slow down"}"#
        );
        let newer: ErrorBody =
            serde_json::from_str(r#"{"code":"brand_new","message":"x"}"#).unwrap();
        assert_eq!(newer.code, ErrorCode::Unknown);
        assert_eq!(ErrorCode::InvalidCursor.status(), 400);
        assert_eq!(
            serde_json::to_string(&ErrorCode::InvalidCursor).unwrap(),
            format!("\"{}\"", ErrorCode::InvalidCursor.as_str())
        );
    }
}
