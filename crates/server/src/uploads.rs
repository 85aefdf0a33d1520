//! Resumable uploads as tus 1.0 defines them: a row per upload, its bytes
//! appended to a part file named by the upload's random id, and, once the
//! last byte is in, the whole-file checks before the content is kept under
//! its SHA-256.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use tokio::io::AsyncReadExt;

use crate::config::Config;
use crate::error::{AppError, AppResult};

/// Enough of a file's head for `infer` to look inside zip-based formats.
const SNIFF_BYTES: u64 = 64 * 1024;

/// A new upload id: 128 random bits, URL-safe.
pub(crate) fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `id` can be an id [`new_id`] made; anything else never reaches the
/// file system.
pub(crate) fn is_valid_id(id: &str) -> bool {
    id.len() == 22
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(crate) fn part_path(config: &Config, id: &str) -> PathBuf {
    config.uploads_dir().join(format!("{id}.part"))
}

/// Where content of this hex SHA-256 is kept.
pub(crate) fn content_path(config: &Config, sha256: &str) -> PathBuf {
    config.documents_dir().join(&sha256[..2]).join(sha256)
}

/// What `Upload-Metadata` carries that the server uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Metadata {
    pub file_name: Option<String>,
    pub sha256: String,
}

/// Parses `Upload-Metadata`: comma-separated `key base64value` pairs.
pub(crate) fn parse_metadata(header: Option<&str>) -> AppResult<Metadata> {
    let mut file_name = None;
    let mut sha256 = None;
    for pair in header.unwrap_or("").split(',') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let (key, value) = match pair.split_once(' ') {
            Some((k, v)) => (k, v.trim()),
            None => (pair, ""),
        };
        let decoded = STANDARD.decode(value).map_err(|_| {
            AppError::BadRequest(format!("Upload-Metadata: the value of {key} is not base64"))
        })?;
        let text = String::from_utf8(decoded).map_err(|_| {
            AppError::BadRequest(format!("Upload-Metadata: the value of {key} is not UTF-8"))
        })?;
        match key {
            "filename" | "name" => file_name = Some(text),
            "sha256" => sha256 = Some(text.to_ascii_lowercase()),
            _ => {}
        }
    }
    let sha256 = sha256.ok_or_else(|| {
        AppError::BadRequest(
            "Upload-Metadata must carry sha256: the hex SHA-256 of the whole file".into(),
        )
    })?;
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest(
            "Upload-Metadata: sha256 must be 64 hexadecimal digits".into(),
        ));
    }
    Ok(Metadata { file_name, sha256 })
}

/// Parses `Upload-Checksum: sha256 <base64>` into the expected digest.
pub(crate) fn parse_checksum(header: &str) -> AppResult<Vec<u8>> {
    let (algorithm, value) = header.trim().split_once(' ').ok_or_else(|| {
        AppError::BadRequest("Upload-Checksum: expected `sha256 <base64>`".into())
    })?;
    if !algorithm.eq_ignore_ascii_case("sha256") {
        return Err(AppError::BadRequest(format!(
            "Upload-Checksum: unsupported algorithm {algorithm}; use sha256"
        )));
    }
    let digest = STANDARD
        .decode(value.trim())
        .map_err(|_| AppError::BadRequest("Upload-Checksum: the digest is not base64".into()))?;
    if digest.len() != 32 {
        return Err(AppError::BadRequest(
            "Upload-Checksum: a SHA-256 digest is 32 bytes".into(),
        ));
    }
    Ok(digest)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct UploadRow {
    pub id: String,
    pub length: i64,
    pub received: i64,
    pub sha256: String,
    pub expires_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub content_type: Option<String>,
    pub gone_at: Option<DateTime<Utc>>,
    pub document_id: Option<i64>,
}

/// The caller's upload; someone else's, or none, is a 404.
pub(crate) async fn find(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: &str,
) -> AppResult<UploadRow> {
    if !is_valid_id(id) {
        return Err(AppError::NotFound);
    }
    sqlx::query_as(
        "SELECT id, length, received, sha256, expires_at, finished_at, content_type, \
         gone_at, document_id FROM uploads WHERE id = ? AND user_id = ?",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// Marks an upload gone and removes its part file.
pub(crate) async fn discard(
    conn: &mut SqliteConnection,
    config: &Config,
    id: &str,
) -> AppResult<()> {
    sqlx::query("UPDATE uploads SET gone_at = ? WHERE id = ? AND gone_at IS NULL")
        .bind(config.now())
        .bind(id)
        .execute(conn)
        .await?;
    remove_quietly(&part_path(config, id)).await;
    Ok(())
}

async fn remove_quietly(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %e, "cannot remove a part file");
    }
}

/// Removes a finished upload no document was made of: its row is marked
/// gone (freeing its quota) and its content removed unless a document or
/// another finished upload holds the same bytes.
pub(crate) async fn reclaim(
    conn: &mut SqliteConnection,
    config: &Config,
    id: &str,
    sha256: &str,
) -> AppResult<()> {
    let marked = sqlx::query(
        "UPDATE uploads SET gone_at = ? WHERE id = ? AND gone_at IS NULL AND document_id IS NULL",
    )
    .bind(config.now())
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if marked == 0 {
        return Ok(());
    }
    // Content is kept once per hash, so others may be sharing this file.
    let shared: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM documents WHERE sha256 = ?1) \
         OR EXISTS (SELECT 1 FROM uploads WHERE sha256 = ?1 AND id <> ?2 \
                    AND gone_at IS NULL AND finished_at IS NOT NULL)",
    )
    .bind(sha256)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    if !shared {
        remove_quietly(&content_path(config, sha256)).await;
    }
    Ok(())
}

/// When a finished upload no document was made of is reclaimed.
fn unused_until(config: &Config, finished_at: DateTime<Utc>) -> DateTime<Utc> {
    finished_at + crate::config::delta(config.unused_upload_expiry)
}

/// Answers 410 for an upload that is gone, removing it first if it has just
/// expired, unfinished or finished and unused.
pub(crate) async fn ensure_live(
    conn: &mut SqliteConnection,
    config: &Config,
    upload: &UploadRow,
) -> AppResult<()> {
    if upload.gone_at.is_some() {
        return Err(AppError::UploadGone);
    }
    match upload.finished_at {
        None if config.now() >= upload.expires_at => {
            discard(conn, config, &upload.id).await?;
            Err(AppError::UploadGone)
        }
        Some(finished_at)
            if upload.document_id.is_none()
                && config.now() >= unused_until(config, finished_at) =>
        {
            reclaim(conn, config, &upload.id, &upload.sha256).await?;
            Err(AppError::UploadGone)
        }
        _ => Ok(()),
    }
}

/// Removes every unfinished upload past its expiry, and every finished one
/// no document was made of past its own.
pub(crate) async fn sweep_expired(conn: &mut SqliteConnection, config: &Config) -> AppResult<()> {
    let now = config.now();
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM uploads WHERE gone_at IS NULL AND finished_at IS NULL AND expires_at <= ?",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        discard(conn, config, &id).await?;
    }
    let unused: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, sha256 FROM uploads WHERE gone_at IS NULL AND document_id IS NULL \
         AND finished_at IS NOT NULL AND finished_at <= ?",
    )
    .bind(now - crate::config::delta(config.unused_upload_expiry))
    .fetch_all(&mut *conn)
    .await?;
    for (id, sha256) in unused {
        reclaim(conn, config, &id, &sha256).await?;
    }
    Ok(())
}

/// Bytes a user holds: live uploads plus the documents they uploaded.
pub(crate) async fn used_bytes(conn: &mut SqliteConnection, user_id: i64) -> AppResult<u64> {
    let uploads: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(length), 0) FROM uploads \
         WHERE user_id = ? AND gone_at IS NULL AND document_id IS NULL",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let documents: i64 =
        sqlx::query_scalar("SELECT COALESCE(SUM(size), 0) FROM documents WHERE uploaded_by = ?")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok((uploads + documents).max(0) as u64)
}

/// Uploads whose PATCH is being written: a second writer on the same upload
/// is refused rather than interleaved. With them, the SHA-256 state of each
/// upload's bytes so far, so the last PATCH of an upload sent in several knows
/// the whole file's hash without reading it back.
#[derive(Debug, Default)]
pub(crate) struct Writers {
    busy: Mutex<HashSet<String>>,
    hashes: Mutex<HashMap<String, (u64, Sha256)>>,
}

/// Hash states kept at most; past that they are dropped and the uploads they
/// were of are read back once finished, as after a restart.
const MAX_KEPT_HASHES: usize = 4096;

pub(crate) struct WriterGuard {
    writers: Arc<Writers>,
    id: String,
}

impl Writers {
    pub(crate) fn claim(self: &Arc<Self>, id: &str) -> Option<WriterGuard> {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        busy.insert(id.to_owned()).then(|| WriterGuard {
            writers: self.clone(),
            id: id.to_owned(),
        })
    }
}

impl WriterGuard {
    /// The hash state of the upload's first `offset` bytes, if known.
    pub(crate) fn take_hash(&self, offset: u64) -> Option<Sha256> {
        let mut hashes = self
            .writers
            .hashes
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match hashes.remove(&self.id) {
            Some((at, hasher)) if at == offset => Some(hasher),
            _ => None,
        }
    }

    /// Keeps the hash state of the upload's first `offset` bytes.
    pub(crate) fn keep_hash(&self, offset: u64, hasher: Sha256) {
        let mut hashes = self
            .writers
            .hashes
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if hashes.len() >= MAX_KEPT_HASHES {
            hashes.clear();
        }
        hashes.insert(self.id.clone(), (offset, hasher));
    }
}

impl Drop for WriterGuard {
    fn drop(&mut self) {
        self.writers
            .busy
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

/// The whole file's hex SHA-256 (read from disk unless `known`) and its
/// detected content type.
pub(crate) async fn inspect(
    path: &Path,
    known: Option<String>,
) -> AppResult<(String, Option<&'static str>)> {
    let mut file = tokio::fs::File::open(path).await.map_err(io)?;
    if let Some(sha256) = known {
        let mut head = Vec::new();
        (&mut file)
            .take(SNIFF_BYTES)
            .read_to_end(&mut head)
            .await
            .map_err(io)?;
        return Ok((sha256, detect(&head)));
    }
    let mut hasher = Sha256::new();
    let mut head = Vec::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buffer).await.map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        if (head.len() as u64) < SNIFF_BYTES {
            let take = n.min(SNIFF_BYTES as usize - head.len());
            head.extend_from_slice(&buffer[..take]);
        }
    }
    Ok((hex::encode(hasher.finalize()), detect(&head)))
}

/// The allowed content type of these first bytes, if any.
pub(crate) fn detect(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    // `infer` names types as the list does.
    claimdesk_api::uploads::CONTENT_TYPES
        .into_iter()
        .map(|(content_type, _)| content_type)
        .find(|t| *t == kind.mime_type())
}

pub(crate) fn io(e: std::io::Error) -> AppError {
    AppError::Internal(format!("file system: {e}"))
}

/// Moves a checked part file to its content address; identical content
/// already there is kept as it is.
pub(crate) async fn store(config: &Config, part: &Path, sha256: &str) -> AppResult<PathBuf> {
    let target = content_path(config, sha256);
    if let Some(dir) = target.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    if tokio::fs::try_exists(&target).await.map_err(io)? {
        remove_quietly(part).await;
    } else {
        tokio::fs::rename(part, &target).await.map_err(io)?;
    }
    Ok(target)
}

/// Writes bytes already in memory to their content address (agency documents).
pub(crate) async fn store_bytes(config: &Config, bytes: &[u8]) -> AppResult<String> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let target = content_path(config, &sha256);
    if let Some(dir) = target.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    if !tokio::fs::try_exists(&target).await.map_err(io)? {
        let temp = target.with_extension("tmp");
        tokio::fs::write(&temp, bytes).await.map_err(io)?;
        tokio::fs::rename(&temp, &target).await.map_err(io)?;
    }
    Ok(sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_url_safe_and_checked() {
        let id = new_id();
        assert!(is_valid_id(&id), "{id}");
        assert_ne!(id, new_id());
        assert!(!is_valid_id("../../etc/passwd"));
        assert!(!is_valid_id("short"));
    }

    #[test]
    fn metadata_needs_a_sha256() {
        let sha = "ab".repeat(32);
        let header = format!(
            "filename {},sha256 {},flag",
            STANDARD.encode("relevé.pdf"),
            STANDARD.encode(&sha)
        );
        let meta = parse_metadata(Some(&header)).unwrap();
        assert_eq!(meta.file_name.as_deref(), Some("relevé.pdf"));
        assert_eq!(meta.sha256, sha);
        assert!(parse_metadata(Some("filename eA==")).is_err());
        assert!(parse_metadata(Some(&format!("sha256 {}", STANDARD.encode("12")))).is_err());
    }

    #[test]
    fn checksums_are_sha256_only() {
        let digest = Sha256::digest(b"x");
        let ok = format!("sha256 {}", STANDARD.encode(digest));
        assert_eq!(parse_checksum(&ok).unwrap(), digest.to_vec());
        assert!(parse_checksum("sha1 AAAA").is_err());
        assert!(parse_checksum("sha256 !!!").is_err());
    }

    #[test]
    fn types_come_from_content() {
        assert_eq!(detect(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(detect(b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(detect(b"just text"), None);
    }
}
