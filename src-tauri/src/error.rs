//! What every command rejects with: `{code, message}`, the code being the
//! server's or the client core's, so the UI chooses its sentence from the code
//! alone and never matches text.

use claimdesk_api::ErrorCode;
use claimdesk_client::{ClientCode, ClientError, Code};
use serde::Serialize;
use ts_rs::TS;

use crate::requesting::FieldProblemView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    pub code: Code,
    pub message: String,
    /// For `invalid_fields`: each field's problem, said in both languages.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<FieldProblemView>>")]
    pub fields: Vec<FieldProblemView>,
}

impl CommandError {
    pub fn new(code: Code, message: impl Into<String>) -> CommandError {
        CommandError {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// Input the shell refuses before anything is done with it.
    pub fn invalid(message: impl Into<String>) -> CommandError {
        CommandError::new(Code::Api(ErrorCode::ValidationFailed), message)
    }

    pub fn io(message: impl Into<String>) -> CommandError {
        CommandError::new(Code::Client(ClientCode::Io), message)
    }

    pub fn is_offline(&self) -> bool {
        self.code == Code::Client(ClientCode::Offline)
    }
}

impl From<ClientError> for CommandError {
    fn from(e: ClientError) -> CommandError {
        let mut error = CommandError::new(e.code(), e.to_string());
        if let ClientError::InvalidFields(problems) = &e {
            error.fields = problems.iter().map(FieldProblemView::from).collect();
        }
        error
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CommandError {}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_cross_as_code_and_message() {
        let json = serde_json::to_value(CommandError::from(ClientError::NotLoggedIn)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "not_logged_in", "message": "not logged in"})
        );
        let api = ClientError::Api {
            status: 401,
            code: ErrorCode::InvalidCredentials,
            message: "wrong e-mail or password".into(),
            retry_after: None,
        };
        let json = serde_json::to_value(CommandError::from(api)).unwrap();
        assert_eq!(json["code"], "invalid_credentials");
        assert!(
            CommandError::from(ClientError::Offline {
                server: "http://x".into()
            })
            .is_offline()
        );
    }
}
