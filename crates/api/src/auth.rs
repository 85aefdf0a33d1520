//! Sign-in, sessions and account activation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A user of an étude of mandataires judiciaires / liquidateurs.
    Etude,
    /// A user of a business debtor.
    Debtor,
    /// A guarantor (caution).
    Guarantor,
    /// Agency staff.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Etude => "etude",
            Role::Debtor => "debtor",
            Role::Guarantor => "guarantor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Etude, Role::Debtor, Role::Guarantor, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct User {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The étude an étude user belongs to.
    pub etude_name: Option<String>,
    /// The company a debtor user acts for.
    pub company_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// A session: the token is shown once, the server keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub token: String,
    /// The session ends at this instant whatever the activity.
    pub expires_at: DateTime<Utc>,
    /// The session ends at this instant unless used (or refreshed) before.
    pub idle_expires_at: DateTime<Utc>,
    pub user: User,
}

/// Activation of a debtor's or guarantor's account with the code from their letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateRequest {
    /// The dossier reference printed on the letter.
    pub reference: String,
    /// The single-use activation code printed on the letter.
    pub code: String,
    pub email: String,
    pub password: String,
}
