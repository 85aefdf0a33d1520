//! The client's data directory: the profile (non-secret facts of the current
//! session) and one store per server and per user.
//!
//! ```text
//! <home>/profile.json
//! <home>/servers/<server slug>/<user id>/store.sqlite
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use claimdesk_api::auth::{Role, Session, User};
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, Result};

pub const HOME_ENV: &str = "CLAIMDESK_HOME";
const PROFILE_FILE: &str = "profile.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    root: PathBuf,
}

/// What is known of the signed-in user without asking the server. The token
/// itself is not here: it lives in the OS keyring only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFacts {
    pub server: String,
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub display_name: String,
    pub etude_name: Option<String>,
    pub company_name: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
}

impl SessionFacts {
    pub fn from_session(server: &str, session: &Session) -> SessionFacts {
        let user = &session.user;
        SessionFacts {
            server: server.to_owned(),
            user_id: user.id,
            email: user.email.clone(),
            role: user.role,
            display_name: user.display_name.clone(),
            etude_name: user.etude_name.clone(),
            company_name: user.company_name.clone(),
            expires_at: session.expires_at,
            idle_expires_at: session.idle_expires_at,
        }
    }

    pub fn user(&self) -> User {
        User {
            id: self.user_id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            etude_name: self.etude_name.clone(),
            company_name: self.company_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The server last signed in to, the default for the next time.
    pub server: Option<String>,
    pub session: Option<SessionFacts>,
}

impl Home {
    pub fn new(root: impl Into<PathBuf>) -> Home {
        Home { root: root.into() }
    }

    /// `explicit` (a `--home` flag), else `CLAIMDESK_HOME`, else the OS's
    /// per-user data directory.
    pub fn locate(explicit: Option<PathBuf>) -> Result<Home> {
        if let Some(root) = explicit {
            return Ok(Home::new(root));
        }
        if let Some(root) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            return Ok(Home::new(root));
        }
        Home::os_default()
    }

    pub fn os_default() -> Result<Home> {
        directories::ProjectDirs::from("fr", "claimdesk", "claimdesk")
            .map(|dirs| Home::new(dirs.data_dir()))
            .ok_or_else(|| {
                ClientError::io(
                    "no per-user data directory on this system",
                    std::io::Error::from(std::io::ErrorKind::NotFound),
                )
            })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn profile_path(&self) -> PathBuf {
        self.root.join(PROFILE_FILE)
    }

    pub fn store_path(&self, server: &str, user_id: i64) -> PathBuf {
        self.root
            .join("servers")
            .join(server_slug(server))
            .join(user_id.to_string())
            .join("store.sqlite")
    }

    pub fn create(&self) -> Result<()> {
        std::fs::create_dir_all(&self.root)
            .map_err(|e| ClientError::io(format!("cannot create {}", self.root.display()), e))
    }

    pub fn load_profile(&self) -> Result<Profile> {
        let path = self.profile_path();
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                ClientError::io(
                    format!("unreadable profile {}", path.display()),
                    std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Profile::default()),
            Err(e) => Err(ClientError::io(
                format!("cannot read {}", path.display()),
                e,
            )),
        }
    }

    /// Written to a temporary file then renamed, so a crash never leaves half a profile.
    pub fn save_profile(&self, profile: &Profile) -> Result<()> {
        self.create()?;
        let path = self.profile_path();
        let json = serde_json::to_vec_pretty(profile).expect("a profile always serializes");
        let write = || -> std::io::Result<()> {
            let mut file = tempfile_in(&self.root)?;
            file.1.write_all(&json)?;
            file.1.sync_all()?;
            std::fs::rename(&file.0, &path)
        };
        write().map_err(|e| ClientError::io(format!("cannot write {}", path.display()), e))
    }
}

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = dir.join(format!(".{PROFILE_FILE}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path)?;
    Ok((path, file))
}

/// A directory name for a server address: `http://127.0.0.1:8620` → `http-127.0.0.1-8620`.
pub fn server_slug(server: &str) -> String {
    let mut slug = String::with_capacity(server.len());
    for ch in server.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() || ch == '.' {
            slug.push(ch);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches(|c| c == '-' || c == '.').to_owned();
    if slug.is_empty() {
        "server".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_directory_names() {
        assert_eq!(server_slug("http://127.0.0.1:8620"), "http-127.0.0.1-8620");
        assert_eq!(
            server_slug("https://API.claimdesk.fr/base/"),
            "https-api.claimdesk.fr-base"
        );
        assert_eq!(server_slug("http://../..:1"), "http-..-..-1");
        assert!(!server_slug("http://../..").contains('/'));
    }

    #[test]
    fn stores_are_per_server_and_user() {
        let home = Home::new("/h");
        assert_eq!(
            home.store_path("http://127.0.0.1:8620", 7),
            PathBuf::from("/h/servers/http-127.0.0.1-8620/7/store.sqlite")
        );
        assert_ne!(
            home.store_path("http://a:1", 7),
            home.store_path("http://a:1", 8)
        );
    }

    #[test]
    fn profile_round_trips_and_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("nested"));
        assert_eq!(home.load_profile().unwrap(), Profile::default());
        let profile = Profile {
            server: Some("http://x:1".into()),
            session: None,
        };
        home.save_profile(&profile).unwrap();
        assert_eq!(home.load_profile().unwrap(), profile);
    }
}
