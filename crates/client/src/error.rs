//! The one error type of the client core: every failure carries a stable
//! machine code (the server's, or one of ours) and a sentence for people, so a
//! command line and a desktop window can both show it without matching text.

use std::time::Duration;

use claimdesk_api::ErrorCode;
use claimdesk_api::requests::FieldProblem;
use serde::{Serialize, Serializer};

/// Codes for failures that happen on this side of the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClientCode {
    /// The server could not be reached at all.
    Offline,
    /// The server was reached but the exchange broke (reset, closed early).
    Network,
    Timeout,
    /// The server answered something that is not the wire contract.
    Protocol,
    InvalidServer,
    NotLoggedIn,
    /// A sync was never completed, so there is nothing to read yet.
    NeverSynced,
    KeyringUnavailable,
    Store,
    Io,
    /// The local store holds no such record.
    NotFound,
    /// Only possible online (a card payment), and the server is out of reach.
    NeedsNetwork,
    /// Refused before any network call, by the product's rules (an amount
    /// above the balance, cash).
    Invalid,
    /// A request's form has problems, field by field (checked here before
    /// any network call, or answered so by the server); the error carries
    /// them as `fields` for a form to show each beside its field.
    InvalidFields,
}

impl ClientCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientCode::Offline => "offline",
            ClientCode::Network => "network",
            ClientCode::Timeout => "timeout",
            ClientCode::Protocol => "protocol",
            ClientCode::InvalidServer => "invalid_server",
            ClientCode::NotLoggedIn => "not_logged_in",
            ClientCode::NeverSynced => "never_synced",
            ClientCode::KeyringUnavailable => "keyring_unavailable",
            ClientCode::Store => "store",
            ClientCode::Io => "io",
            ClientCode::NotFound => "not_found",
            ClientCode::NeedsNetwork => "needs_network",
            ClientCode::Invalid => "invalid",
            ClientCode::InvalidFields => "invalid_fields",
        }
    }
}

/// The machine code of an error: the server's when it answered one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
// Serialised as the bare code string of either side (see `impl Serialize`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(untagged))]
pub enum Code {
    Api(ErrorCode),
    Client(ClientCode),
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Api(code) => code.as_str(),
            Code::Client(code) => code.as_str(),
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the server {server} cannot be reached")]
    Offline { server: String },
    #[error("the connection to the server broke: {detail}")]
    Network { detail: String },
    #[error("the server took too long to answer")]
    Timeout,
    /// An error answered by the server in its `{code, message}` body.
    #[error("{message}")]
    Api {
        status: u16,
        code: ErrorCode,
        message: String,
        /// From `Retry-After`, when the server said how long to wait.
        retry_after: Option<Duration>,
    },
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    #[error("not a server address: {0}")]
    InvalidServer(String),
    #[error("not logged in")]
    NotLoggedIn,
    #[error("nothing has been synced yet")]
    NeverSynced,
    #[error("the OS keyring is unavailable ({0}); the session token is only ever kept there")]
    KeyringUnavailable(String),
    #[error("local store: {0}")]
    Store(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{what} needs the network, and the server {server} cannot be reached")]
    NeedsNetwork { what: String, server: String },
    #[error("{0}")]
    Invalid(String),
    /// Said in the user's language with [`crate::requests::problems_sentence`].
    #[error("the form cannot be sent: {}", crate::requests::problems_sentence(.0, crate::requests::Lang::En))]
    InvalidFields(Vec<FieldProblem>),
}

impl ClientError {
    pub fn code(&self) -> Code {
        match self {
            ClientError::Api { code, .. } => Code::Api(*code),
            ClientError::Offline { .. } => Code::Client(ClientCode::Offline),
            ClientError::Network { .. } => Code::Client(ClientCode::Network),
            ClientError::Timeout => Code::Client(ClientCode::Timeout),
            ClientError::Protocol(_) => Code::Client(ClientCode::Protocol),
            ClientError::InvalidServer(_) => Code::Client(ClientCode::InvalidServer),
            ClientError::NotLoggedIn => Code::Client(ClientCode::NotLoggedIn),
            ClientError::NeverSynced => Code::Client(ClientCode::NeverSynced),
            ClientError::KeyringUnavailable(_) => Code::Client(ClientCode::KeyringUnavailable),
            ClientError::Store(_) => Code::Client(ClientCode::Store),
            ClientError::Io { .. } => Code::Client(ClientCode::Io),
            ClientError::NotFound(_) => Code::Client(ClientCode::NotFound),
            ClientError::NeedsNetwork { .. } => Code::Client(ClientCode::NeedsNetwork),
            ClientError::Invalid(_) => Code::Client(ClientCode::Invalid),
            ClientError::InvalidFields(_) => Code::Client(ClientCode::InvalidFields),
        }
    }

    /// Whether trying the same request again cannot help. Everything that is
    /// not known to be transient is permanent, so nothing loops on a bug.
    pub fn is_permanent(&self) -> bool {
        match self {
            ClientError::Offline { .. } | ClientError::Network { .. } | ClientError::Timeout => {
                false
            }
            ClientError::Api { status, .. } => !(*status >= 500 || *status == 429),
            _ => true,
        }
    }

    /// Whether the failure means the server is out of reach (as opposed to
    /// reached and refusing): reads then fall back to the local store.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            ClientError::Offline { .. } | ClientError::Network { .. } | ClientError::Timeout
        )
    }

    /// Whether the session is missing, expired or refused, so signing in again is the way out.
    pub fn needs_login(&self) -> bool {
        match self {
            ClientError::NotLoggedIn => true,
            ClientError::Api { code, .. } => {
                matches!(code, ErrorCode::Unauthenticated | ErrorCode::SessionExpired)
            }
            _ => false,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> ClientError {
        ClientError::Io {
            context: context.into(),
            source,
        }
    }
}

impl From<sqlx::Error> for ClientError {
    fn from(e: sqlx::Error) -> Self {
        ClientError::Store(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for ClientError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        ClientError::Store(format!("cannot migrate the local store: {e}"))
    }
}

/// Errors cross to a UI as `{code, message}`, and `fields` (each field's
/// problem) for [`ClientError::InvalidFields`].
impl Serialize for ClientError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let fields = match self {
            ClientError::InvalidFields(fields) => Some(fields),
            _ => None,
        };
        let mut s =
            serializer.serialize_struct("ClientError", 2 + usize::from(fields.is_some()))?;
        s.serialize_field("code", &self.code())?;
        s.serialize_field("message", &self.to_string())?;
        if let Some(fields) = fields {
            s.serialize_field("fields", fields)?;
        }
        s.end()
    }
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: ErrorCode) -> ClientError {
        ClientError::Api {
            status,
            code,
            message: "m".into(),
            retry_after: None,
        }
    }

    #[test]
    fn transient_failures_are_retryable_and_the_rest_permanent() {
        assert!(!ClientError::Offline { server: "s".into() }.is_permanent());
        assert!(!ClientError::Timeout.is_permanent());
        assert!(
            !ClientError::Network {
                detail: "reset".into()
            }
            .is_permanent()
        );
        assert!(!api(503, ErrorCode::Internal).is_permanent());
        assert!(!api(429, ErrorCode::RateLimited).is_permanent());
        assert!(api(404, ErrorCode::NotFound).is_permanent());
        assert!(api(401, ErrorCode::SessionExpired).is_permanent());
        assert!(api(400, ErrorCode::InvalidCursor).is_permanent());
        assert!(ClientError::Protocol("x".into()).is_permanent());
    }

    #[test]
    fn codes_are_the_servers_or_ours() {
        assert_eq!(
            api(400, ErrorCode::InvalidCursor).code().as_str(),
            "invalid_cursor"
        );
        assert_eq!(ClientError::NotLoggedIn.code().as_str(), "not_logged_in");
        let json = serde_json::to_value(api(404, ErrorCode::NotFound)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "m"})
        );
        assert!(api(401, ErrorCode::Unauthenticated).needs_login());
        let form = ClientError::InvalidFields(vec![FieldProblem {
            field: "message".into(),
            problem: claimdesk_api::requests::FieldProblemKind::Missing,
        }]);
        assert!(form.is_permanent());
        assert_eq!(
            serde_json::to_value(&form).unwrap(),
            serde_json::json!({
                "code": "invalid_fields",
                "message": "the form cannot be sent: “message” is required",
                "fields": [{"field": "message", "problem": "missing"}],
            })
        );
        assert!(!api(403, ErrorCode::Forbidden).needs_login());
    }
}
