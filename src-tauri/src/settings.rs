//! The user's settings: server, language, sync interval, notification switches.
//! Kept by tauri-plugin-store in `settings.json` beside the client home.

use claimdesk_client::DEFAULT_SERVER;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};

/// The key of the settings in the store file.
pub const STORE_KEY: &str = "settings";
pub const STORE_FILE: &str = "settings.json";

pub const DEFAULT_SYNC_MINUTES: u32 = 15;
/// A day: past that the data shown would be too old to call synced.
pub const MAX_SYNC_MINUTES: u32 = 24 * 60;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Fr,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NotificationSettings {
    pub new_answer: bool,
    pub new_document: bool,
    pub installment_due: bool,
    pub claim_decision: bool,
    pub procedure_deadline: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            new_answer: true,
            new_document: true,
            installment_due: true,
            claim_decision: true,
            procedure_deadline: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub server_url: String,
    pub language: Language,
    pub sync_interval_minutes: u32,
    pub notifications: NotificationSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            server_url: DEFAULT_SERVER.to_owned(),
            language: Language::default(),
            sync_interval_minutes: DEFAULT_SYNC_MINUTES,
            notifications: NotificationSettings::default(),
        }
    }
}

impl Settings {
    /// What the store file holds; anything unreadable falls back to the
    /// defaults rather than keeping the app from starting.
    pub fn from_stored(value: Option<serde_json::Value>) -> Settings {
        let settings = value
            .and_then(|v| serde_json::from_value::<Settings>(v).ok())
            .unwrap_or_default();
        settings.validated().unwrap_or_default()
    }

    /// The settings in force: `server_override` (CLAIMDESK_SERVER) wins over
    /// the stored server.
    pub fn with_override(mut self, server_override: Option<&str>) -> Settings {
        if let Some(server) = server_override {
            server.clone_into(&mut self.server_url);
        }
        self
    }

    /// Refuses what cannot work, with a sentence saying what is wrong.
    pub fn validated(mut self) -> CommandResult<Settings> {
        self.server_url = self.server_url.trim().trim_end_matches('/').to_owned();
        let scheme_ok = ["http://", "https://"]
            .iter()
            .any(|s| self.server_url.starts_with(s) && self.server_url.len() > s.len());
        if !scheme_ok {
            return Err(CommandError::invalid(format!(
                "the server address must start with http:// or https://, not {:?}",
                self.server_url
            )));
        }
        if !(1..=MAX_SYNC_MINUTES).contains(&self.sync_interval_minutes) {
            return Err(CommandError::invalid(format!(
                "the sync interval must be between 1 and {MAX_SYNC_MINUTES} minutes"
            )));
        }
        Ok(self)
    }

    pub fn sync_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.sync_interval_minutes) * 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_or_broken_settings_fall_back_to_the_defaults() {
        assert_eq!(Settings::from_stored(None), Settings::default());
        assert_eq!(
            Settings::from_stored(Some(json!("not an object"))),
            Settings::default()
        );
        assert_eq!(
            Settings::from_stored(Some(json!({"sync_interval_minutes": 0}))),
            Settings::default()
        );
        let partial = Settings::from_stored(Some(json!({"language": "en"})));
        assert_eq!(partial.language, Language::En);
        assert_eq!(partial.sync_interval_minutes, DEFAULT_SYNC_MINUTES);
        assert!(partial.notifications.new_document);
    }

    #[test]
    fn bad_settings_are_refused_with_a_validation_code() {
        let bad_server = Settings {
            server_url: "ftp://x".into(),
            ..Settings::default()
        };
        let e = bad_server.validated().unwrap_err();
        assert_eq!(e.code.as_str(), "validation_failed");
        let bad_interval = Settings {
            sync_interval_minutes: MAX_SYNC_MINUTES + 1,
            ..Settings::default()
        };
        assert!(bad_interval.validated().is_err());
        let trimmed = Settings {
            server_url: " https://api.claimdesk.fr/ ".into(),
            ..Settings::default()
        }
        .validated()
        .unwrap();
        assert_eq!(trimmed.server_url, "https://api.claimdesk.fr");
    }

    #[test]
    fn the_environment_overrides_the_stored_server() {
        let s = Settings::default().with_override(Some("http://127.0.0.1:9999"));
        assert_eq!(s.server_url, "http://127.0.0.1:9999");
        assert_eq!(
            Settings::default().with_override(None).server_url,
            DEFAULT_SERVER
        );
    }

    #[test]
    fn settings_are_the_json_the_ui_sends() {
        let s: Settings = serde_json::from_value(json!({
            "server_url": "http://127.0.0.1:8620", "language": "en", "sync_interval_minutes": 5,
            "notifications": {"new_answer": false, "new_document": true, "installment_due": true,
                              "claim_decision": true, "procedure_deadline": false}
        }))
        .unwrap();
        assert_eq!(s.language, Language::En);
        assert!(!s.notifications.new_answer);
        assert_eq!(serde_json::to_value(&s).unwrap()["language"], "en");
    }
}
