//! The session token and the only place it is kept: the OS keyring.

use std::fmt;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{ClientError, Result};

/// Keyring service name every entry of claimdesk is filed under.
pub const KEYRING_SERVICE: &str = "claimdesk";

/// A bearer token. It never prints: `Debug` shows a placeholder and there is
/// no `Display`, so it cannot slip into a log line or an error message.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn new(token: impl Into<String>) -> SessionToken {
        SessionToken(token.into())
    }

    /// The secret itself, for the `Authorization` header and the keyring.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// One keyring entry: the token of one user on one server for one home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringSlot {
    account: String,
}

impl KeyringSlot {
    /// The home's hash keeps two homes of the same user on the same server
    /// (side-by-side installs, tests) from sharing or deleting each other's token.
    pub fn new(server: &str, email: &str, home: &Path) -> KeyringSlot {
        let home = home.canonicalize().unwrap_or_else(|_| home.to_path_buf());
        let digest = Sha256::digest(home.to_string_lossy().as_bytes());
        let short = hex::encode(&digest[..6]);
        KeyringSlot {
            account: format!("{email} @ {server} #{short}"),
        }
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    fn entry(&self) -> Result<keyring::Entry> {
        platform_entry(&self.account).map_err(keyring_error)
    }

    /// Blocking (the keyring talks D-Bus or a system API); call it off the async runtime.
    pub fn store_blocking(&self, token: &SessionToken) -> Result<()> {
        self.entry()?
            .set_password(token.expose())
            .map_err(keyring_error)
    }

    pub fn load_blocking(&self) -> Result<Option<SessionToken>> {
        match self.entry()?.get_password() {
            Ok(secret) => Ok(Some(SessionToken(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    /// Whether an entry was there to delete.
    pub fn delete_blocking(&self) -> Result<bool> {
        match self.entry()?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error(e)),
        }
    }

    pub async fn store(&self, token: &SessionToken) -> Result<()> {
        let (slot, token) = (self.clone(), token.clone());
        blocking(move || slot.store_blocking(&token)).await
    }

    pub async fn load(&self) -> Result<Option<SessionToken>> {
        let slot = self.clone();
        blocking(move || slot.load_blocking()).await
    }

    pub async fn delete(&self) -> Result<bool> {
        let slot = self.clone();
        blocking(move || slot.delete_blocking()).await
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ClientError::KeyringUnavailable(format!("keyring call failed: {e}")))?
}

// The keyring crate falls back to an in-memory mock when no backend feature
// matches; that would lose the token silently, so the backend is named here.
#[cfg(target_os = "linux")]
fn platform_entry(account: &str) -> keyring::Result<keyring::Entry> {
    let credential =
        keyring::secret_service::SsCredential::new_with_target(None, KEYRING_SERVICE, account)?;
    Ok(keyring::Entry::new_with_credential(Box::new(credential)))
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
fn platform_entry(account: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, account)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_entry(_account: &str) -> keyring::Result<keyring::Entry> {
    Err(keyring::Error::NoStorageAccess(
        "no supported OS keyring on this platform".into(),
    ))
}

fn keyring_error(e: keyring::Error) -> ClientError {
    let detail = match &e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            if cfg!(target_os = "linux") {
                format!(
                    "no Secret Service reachable over D-Bus ({inner}); start a keyring such as \
                     gnome-keyring in this session"
                )
            } else {
                inner.to_string()
            }
        }
        other => other.to_string(),
    };
    ClientError::KeyringUnavailable(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print() {
        let token = SessionToken::new("s3cr3t-t0ken-value");
        let shown = format!("{token:?} {:?}", Some(&token));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("redacted"));
        assert_eq!(token.expose(), "s3cr3t-t0ken-value");
    }

    #[test]
    fn slots_differ_per_home_server_and_user() {
        let a = KeyringSlot::new("http://h:1", "a@x.fr", Path::new("/tmp/home-a"));
        let b = KeyringSlot::new("http://h:1", "a@x.fr", Path::new("/tmp/home-b"));
        let c = KeyringSlot::new("http://h:2", "a@x.fr", Path::new("/tmp/home-a"));
        let d = KeyringSlot::new("http://h:1", "b@x.fr", Path::new("/tmp/home-a"));
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert!(a.account().starts_with("a@x.fr @ http://h:1 #"));
        assert_eq!(
            a,
            KeyringSlot::new("http://h:1", "a@x.fr", Path::new("/tmp/home-a"))
        );
    }
}
