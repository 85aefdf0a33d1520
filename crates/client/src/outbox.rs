//! Documents prepared on this machine, offline included, and delivered to the
//! server exactly once.
//!
//! Adding a document copies it next to the store (hashing it on the way) and
//! records it with its idempotency key in one transaction, before any network
//! call. Sending uploads it with tus from the offset the server reports,
//! recording each acknowledged offset, then creates the document with the
//! recorded key, so a replay after a cut or a crash answers the same document.

pub mod download;
pub mod orders;
mod tus;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use claimdesk_api::uploads::{AttachTo, Document, DocumentCategory};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::error::{ClientError, Result};
use crate::http::{ApiClient, RetryPolicy};
use crate::photos;
use crate::store::Store;

pub use download::{Downloaded, sanitize_file_name};
pub use orders::{OrderRequest, OrderResult, OutboxKind};

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent (possibly part-uploaded).
    Pending,
    /// Its bytes are being sent.
    Uploading,
    /// Uploaded; the document is being created from it.
    Creating,
    Done,
    /// Refused by the server for a reason a retry cannot mend as such.
    Failed,
    Cancelled,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Uploading => "uploading",
            OutboxState::Creating => "creating",
            OutboxState::Done => "done",
            OutboxState::Failed => "failed",
            OutboxState::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Result<OutboxState> {
        Ok(match text {
            "pending" => OutboxState::Pending,
            "uploading" => OutboxState::Uploading,
            "creating" => OutboxState::Creating,
            "done" => OutboxState::Done,
            "failed" => OutboxState::Failed,
            "cancelled" => OutboxState::Cancelled,
            other => return Err(ClientError::Store(format!("unknown outbox state {other}"))),
        })
    }

    /// Still to be delivered: a send picks it up (an interrupted one included).
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            OutboxState::Pending | OutboxState::Uploading | OutboxState::Creating
        )
    }
}

/// The last failure of an item: the server's code and message, or ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutboxError {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutboxItem {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// The idempotency key of the document's creation.
    pub key: String,
    pub attach_to: AttachTo,
    pub category: DocumentCategory,
    pub note: Option<String>,
    pub file_name: String,
    /// The copy sent from; gone once done or cancelled.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub local_path: PathBuf,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Hex SHA-256 of the copy.
    pub sha256: String,
    pub state: OutboxState,
    pub upload_url: Option<String>,
    /// Bytes the server acknowledged.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub offset: u64,
    pub last_error: Option<OutboxError>,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub document_id: Option<i64>,
    /// What the item delivers. For an order, the file fields hold a label
    /// (`file_name`), an empty path and hash, and a size of zero.
    pub kind: OutboxKind,
    /// An order's request, as it is sent (never with a password).
    pub order: Option<OrderRequest>,
    /// What the server made of an order, once done.
    pub result: Option<OrderResult>,
    /// Outbox items (a request's or a message's attachments) to be delivered
    /// before this one; their document ids go with it.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub waits_for: Vec<i64>,
}

impl OutboxItem {
    /// Share of the bytes the server holds, 0 to 100.
    pub fn percent(&self) -> u8 {
        if self.state == OutboxState::Done {
            return 100;
        }
        if self.kind != OutboxKind::Document {
            return 0;
        }
        if self.size == 0 {
            return 0;
        }
        (self.offset.min(self.size) * 100 / self.size) as u8
    }
}

/// Sent while an item uploads: after it starts and after each chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UploadProgress {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub item_id: i64,
    pub file_name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SentItem {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub item_id: i64,
    /// The document made; for an order, the id of what it created (payment,
    /// mandate, dividend).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub document_id: i64,
    pub file_name: String,
    pub kind: OutboxKind,
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SendReport {
    pub sent: Vec<SentItem>,
    /// Items refused for good in this pass, with their reason in the outbox.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub failed: Vec<i64>,
    /// Items still waiting after the pass.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pending: u64,
    /// The server was out of reach: waiting items stay for the next pass.
    pub offline: bool,
}

/// The folder of the copies, next to the store they are recorded in.
fn folder(store: &Store) -> PathBuf {
    store
        .path()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join("outbox")
}

/// A file copied into the outbox folder.
struct Copy {
    path: PathBuf,
    file_name: String,
    size: u64,
    sha256: String,
}

/// Records `files` (or one PDF made of them) for sending. Nothing touches the
/// network; on failure nothing is recorded and no copy is left.
pub(crate) async fn add(
    store: &Store,
    attach_to: AttachTo,
    files: &[PathBuf],
    category: DocumentCategory,
    note: Option<String>,
    as_pdf: bool,
) -> Result<Vec<i64>> {
    if files.is_empty() {
        return Err(invalid_input("no file to add"));
    }
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if category == DocumentCategory::Other && note.is_none() {
        return Err(invalid_input(
            "a document of category `other` needs a note saying what it is",
        ));
    }
    let dir = folder(store);
    let files = files.to_vec();
    let copies = tokio::task::spawn_blocking(move || copy_all(&dir, &files, as_pdf))
        .await
        .map_err(|e| ClientError::Store(format!("copy interrupted: {e}")))??;
    match record(store, &attach_to, category, note.as_deref(), &copies).await {
        Ok(ids) => Ok(ids),
        Err(e) => {
            for copy in &copies {
                let _ = std::fs::remove_file(&copy.path);
            }
            Err(e)
        }
    }
}

fn copy_all(dir: &Path, files: &[PathBuf], as_pdf: bool) -> Result<Vec<Copy>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ClientError::io(format!("cannot create {}", dir.display()), e))?;
    let mut copies = Vec::new();
    let result = (|| -> Result<()> {
        if as_pdf {
            let pdf = photos::images_to_pdf(files)?;
            let stem = files[0]
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "photos".to_owned());
            copies.push(copy_into(dir, &mut pdf.as_slice(), format!("{stem}.pdf"))?);
        } else {
            for file in files {
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| invalid_input(&format!("{} is not a file", file.display())))?;
                let mut source = std::fs::File::open(file)
                    .map_err(|e| ClientError::io(format!("cannot read {}", file.display()), e))?;
                if !source.metadata().is_ok_and(|m| m.is_file()) {
                    return Err(invalid_input(&format!("{} is not a file", file.display())));
                }
                copies.push(copy_into(dir, &mut source, name)?);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        for copy in &copies {
            let _ = std::fs::remove_file(&copy.path);
        }
        return Err(e);
    }
    Ok(copies)
}

/// Copies `source` to a fresh name in `dir`, hashing it on the way, and makes
/// it durable before it is recorded.
fn copy_into(dir: &Path, source: &mut dyn Read, file_name: String) -> Result<Copy> {
    let path = dir.join(uuid::Uuid::new_v4().to_string());
    let fail = |e| ClientError::io(format!("cannot copy {file_name} into the outbox"), e);
    let copy = (|| -> std::io::Result<(u64, String)> {
        let mut target = std::fs::File::create(&path)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = source.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            target.write_all(&buffer[..n])?;
            size += n as u64;
        }
        target.sync_all()?;
        Ok((size, hex::encode(hasher.finalize())))
    })();
    match copy {
        Ok((size, sha256)) => Ok(Copy {
            path,
            file_name,
            size,
            sha256,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            Err(fail(e))
        }
    }
}

async fn record(
    store: &Store,
    attach_to: &AttachTo,
    category: DocumentCategory,
    note: Option<&str>,
    copies: &[Copy],
) -> Result<Vec<i64>> {
    let attach = serde_json::to_string(attach_to).expect("a target always serializes");
    let now = Utc::now().to_rfc3339();
    let mut tx = store.pool().begin().await?;
    let mut ids = Vec::with_capacity(copies.len());
    for copy in copies {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (key, attach_to, category, note, file_name, local_path, size, \
             sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&attach)
        .bind(category.as_str())
        .bind(note)
        .bind(&copy.file_name)
        .bind(copy.path.to_string_lossy().into_owned())
        .bind(copy.size as i64)
        .bind(&copy.sha256)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

fn invalid_input(message: &str) -> ClientError {
    ClientError::io(
        message,
        std::io::Error::from(std::io::ErrorKind::InvalidInput),
    )
}

const COLUMNS: &str = "id, key, attach_to, category, note, file_name, local_path, size, sha256, \
     state, upload_url, \"offset\", error_code, error_message, attempts, created_at, document_id, \
     kind, request, result, waits_for";

fn item_of(row: &SqliteRow) -> Result<OutboxItem> {
    let attach: String = row.try_get("attach_to")?;
    let category: String = row.try_get("category")?;
    let created_at: String = row.try_get("created_at")?;
    let code: Option<String> = row.try_get("error_code")?;
    let message: Option<String> = row.try_get("error_message")?;
    let local_path: String = row.try_get("local_path")?;
    let request: Option<String> = row.try_get("request")?;
    let result: Option<String> = row.try_get("result")?;
    let waits_for: String = row.try_get("waits_for")?;
    Ok(OutboxItem {
        id: row.try_get("id")?,
        key: row.try_get("key")?,
        attach_to: serde_json::from_str(&attach)
            .map_err(|e| ClientError::Store(format!("outbox target: {e}")))?,
        category: DocumentCategory::parse(&category)
            .ok_or_else(|| ClientError::Store(format!("unknown category {category}")))?,
        note: row.try_get("note")?,
        file_name: row.try_get("file_name")?,
        local_path: PathBuf::from(local_path),
        size: row.try_get::<i64, _>("size")? as u64,
        sha256: row.try_get("sha256")?,
        state: OutboxState::parse(&row.try_get::<String, _>("state")?)?,
        upload_url: row.try_get("upload_url")?,
        offset: row.try_get::<i64, _>("offset")? as u64,
        last_error: code.map(|code| OutboxError {
            code,
            message: message.unwrap_or_default(),
        }),
        attempts: row.try_get::<i64, _>("attempts")? as u32,
        created_at: DateTime::parse_from_rfc3339(&created_at)
            .map_err(|e| ClientError::Store(format!("outbox date: {e}")))?
            .with_timezone(&Utc),
        document_id: row.try_get("document_id")?,
        kind: OutboxKind::parse(&row.try_get::<String, _>("kind")?)?,
        order: request.as_deref().map(orders::parse_request).transpose()?,
        result: result.as_deref().map(orders::parse_result).transpose()?,
        waits_for: serde_json::from_str(&waits_for)
            .map_err(|e| ClientError::Store(format!("outbox dependencies: {e}")))?,
    })
}

/// Every item, oldest first.
pub(crate) async fn items(store: &Store) -> Result<Vec<OutboxItem>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(item_of).collect()
}

pub(crate) async fn item(store: &Store, id: i64) -> Result<OutboxItem> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| ClientError::NotFound(format!("no item {id} in the outbox")))?;
    item_of(&row)
}

/// Items still to be delivered.
pub(crate) async fn waiting_count(store: &Store) -> Result<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'uploading', 'creating')",
    )
    .fetch_one(store.pool())
    .await?;
    Ok(n as u64)
}

async fn set_state(store: &Store, id: i64, state: OutboxState) -> Result<()> {
    sqlx::query("UPDATE outbox SET state = ? WHERE id = ?")
        .bind(state.as_str())
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

async fn set_upload(store: &Store, id: i64, url: Option<&str>, offset: u64) -> Result<()> {
    sqlx::query("UPDATE outbox SET upload_url = ?, \"offset\" = ? WHERE id = ?")
        .bind(url)
        .bind(offset as i64)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

async fn set_offset(store: &Store, id: i64, offset: u64) -> Result<()> {
    sqlx::query("UPDATE outbox SET \"offset\" = ? WHERE id = ?")
        .bind(offset as i64)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

async fn set_error(store: &Store, id: i64, e: &ClientError, state: OutboxState) -> Result<()> {
    sqlx::query("UPDATE outbox SET error_code = ?, error_message = ?, state = ? WHERE id = ?")
        .bind(e.code().as_str())
        .bind(e.to_string())
        .bind(state.as_str())
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// The server made the document: it lists at once, before the next sync, and
/// the copy sent becomes its cached content (the server checked it has the
/// document's hash) rather than being thrown away.
async fn mark_done(store: &Store, item: &OutboxItem, document: &Document) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET state = 'done', document_id = ?, \"offset\" = size, \
         error_code = NULL, error_message = NULL WHERE id = ?",
    )
    .bind(document.id)
    .bind(item.id)
    .execute(store.pool())
    .await?;
    store.put_filed_document(document).await?;
    if document.sha256 == item.sha256 && keep_as_content(store, &item.local_path, &item.sha256) {
        store
            .set_cached_content(document.id, &document.sha256)
            .await?;
    }
    remove_copy(&item.local_path);
    Ok(())
}

/// Moves a delivered copy into the content cache; false when it cannot.
fn keep_as_content(store: &Store, copy: &Path, sha256: &str) -> bool {
    let dir = store.content_dir();
    let moved =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::rename(copy, dir.join(sha256)));
    if let Err(e) = &moved {
        tracing::debug!(error = %e, "delivered copy not kept as cached content");
    }
    moved.is_ok()
}

fn remove_copy(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(path = %path.display(), error = %e, "outbox copy left behind"),
    }
}

/// A failed item back in the queue.
pub(crate) async fn retry(store: &Store, id: i64) -> Result<OutboxItem> {
    let current = item(store, id).await?;
    if current.state != OutboxState::Failed {
        return Err(invalid_input(&format!(
            "item {id} is {}, only a failed item can be retried",
            current.state.as_str()
        )));
    }
    sqlx::query(
        "UPDATE outbox SET state = 'pending', error_code = NULL, error_message = NULL WHERE id = ?",
    )
    .bind(id)
    .execute(store.pool())
    .await?;
    item(store, id).await
}

/// Gives an item up: its upload is terminated on the server when it can be
/// reached (an unterminated one expires there anyway) and its copy removed.
pub(crate) async fn cancel(store: &Store, api: Option<&ApiClient>, id: i64) -> Result<OutboxItem> {
    let current = item(store, id).await?;
    if matches!(current.state, OutboxState::Done | OutboxState::Cancelled) {
        return Err(invalid_input(&format!(
            "item {id} is {}, there is nothing to cancel",
            current.state.as_str()
        )));
    }
    if current.kind != OutboxKind::Document && current.state == OutboxState::Creating {
        // Sent without an answer yet: the server may have made it already,
        // and only sending it again under its key tells.
        return Err(invalid_input(&format!(
            "item {id} may have reached the server: send the outbox to learn its outcome"
        )));
    }
    if let (Some(api), Some(url)) = (api, current.upload_url.as_deref())
        && let Err(e) = tus::terminate(api, url).await
    {
        tracing::info!(item = id, code = %e.code(), "upload not terminated");
    }
    set_state(store, id, OutboxState::Cancelled).await?;
    remove_copy(&current.local_path);
    item(store, id).await
}

/// Where a failed delivery leaves its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settled {
    /// Waiting, and the session must be opened again before any other send.
    NeedsLogin,
    /// Waiting: the server is out of reach.
    Offline,
    /// Waiting for the next pass, the reason shown.
    Waiting,
    /// Refused for good, with the server's reason.
    Failed,
}

/// Records why an item's delivery failed and whether it waits or failed.
pub(crate) async fn settle(store: &Store, id: i64, e: &ClientError) -> Result<Settled> {
    let settled = if e.needs_login() {
        Settled::NeedsLogin
    } else if e.is_unreachable() {
        Settled::Offline
    } else if !e.is_permanent()
        || matches!(e, ClientError::Io { .. })
        || crate::http::is_in_progress(e)
    {
        // A server in trouble, a local copy unreadable right now, or the same
        // key still being processed: another pass can mend it.
        Settled::Waiting
    } else {
        Settled::Failed
    };
    let state = if settled == Settled::Failed {
        tracing::info!(item = id, code = %e.code(), "item refused");
        OutboxState::Failed
    } else {
        OutboxState::Pending
    };
    set_error(store, id, e, state).await?;
    Ok(settled)
}

/// Counts a try of an item, before it is made.
pub(crate) async fn count_attempt(store: &Store, id: i64) -> Result<()> {
    sqlx::query("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?")
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Sends every waiting item, oldest first. Out of reach of the server, stops
/// and leaves them waiting; a session refused ends the pass with its error.
pub(crate) async fn send(
    api: &ApiClient,
    store: &Store,
    retry: RetryPolicy,
    progress: &mut (dyn FnMut(UploadProgress) + Send),
) -> Result<SendReport> {
    send_some(api, store, retry, progress, None).await
}

/// [`send`], limited to the items `only` names when given.
pub(crate) async fn send_some(
    api: &ApiClient,
    store: &Store,
    retry: RetryPolicy,
    progress: &mut (dyn FnMut(UploadProgress) + Send),
    only: Option<&[i64]>,
) -> Result<SendReport> {
    let mut report = SendReport::default();
    for item in items(store).await? {
        if only.is_some_and(|ids| !ids.contains(&item.id)) {
            continue;
        }
        if !item.state.is_waiting() {
            // A crash between "done" and the removal of the copy leaves it behind.
            if matches!(item.state, OutboxState::Done | OutboxState::Cancelled)
                && item.kind == OutboxKind::Document
            {
                remove_copy(&item.local_path);
            }
            continue;
        }
        match orders::readiness(store, &item).await? {
            orders::Readiness::Ready(_) => {}
            orders::Readiness::Waiting => continue,
            orders::Readiness::Broken(e) => {
                settle(store, item.id, &e).await?;
                report.failed.push(item.id);
                continue;
            }
        }
        count_attempt(store, item.id).await?;
        let delivered = match item.kind {
            OutboxKind::Document => tus::deliver(api, store, retry, item.clone(), progress).await,
            _ => orders::deliver(api, store, &item, None)
                .await
                .map(|result| result.id()),
        };
        match delivered {
            Ok(document_id) => report.sent.push(SentItem {
                item_id: item.id,
                document_id,
                file_name: item.file_name.clone(),
                kind: item.kind,
            }),
            Err(e) => match settle(store, item.id, &e).await? {
                Settled::NeedsLogin => return Err(e),
                Settled::Offline => {
                    report.offline = true;
                    break;
                }
                Settled::Waiting => {}
                Settled::Failed => report.failed.push(item.id),
            },
        }
    }
    report.pending = waiting_count(store).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &Path) -> Store {
        Store::open(&dir.join("u").join("store.sqlite"))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn adding_copies_hashes_and_records_before_any_network() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let a = dir.path().join("bilan.pdf");
        std::fs::write(&a, b"%PDF-1.4 hello").unwrap();
        let b = dir.path().join("jugement.pdf");
        std::fs::write(&b, vec![7u8; 3 << 20]).unwrap();
        let target = AttachTo::Dossier {
            reference: "D-1".into(),
        };
        let ids = add(
            &store,
            target.clone(),
            &[a.clone(), b.clone()],
            DocumentCategory::BalanceSheet,
            None,
            false,
        )
        .await
        .unwrap();
        assert_eq!(ids.len(), 2);
        let all = items(&store).await.unwrap();
        assert_eq!(all.len(), 2);
        let first = &all[0];
        assert_eq!(first.file_name, "bilan.pdf");
        assert_eq!(first.size, 14);
        assert_eq!(first.sha256, hex::encode(Sha256::digest(b"%PDF-1.4 hello")));
        assert_eq!(first.state, OutboxState::Pending);
        assert_eq!(first.attach_to, target);
        assert!(first.local_path.starts_with(folder(&store)));
        assert_eq!(std::fs::read(&first.local_path).unwrap(), b"%PDF-1.4 hello");
        assert_ne!(all[0].key, all[1].key);
        assert_eq!(all[1].size, 3 << 20);
        assert_eq!(waiting_count(&store).await.unwrap(), 2);
        // The copy stands on its own: the original may go.
        std::fs::remove_file(&a).unwrap();
        assert!(all[0].local_path.exists());
    }

    #[tokio::test]
    async fn a_bad_file_records_nothing_and_leaves_no_copy() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let good = dir.path().join("ok.pdf");
        std::fs::write(&good, b"%PDF").unwrap();
        let missing = dir.path().join("missing.pdf");
        let target = AttachTo::Procedure { id: 3 };
        let e = add(
            &store,
            target.clone(),
            &[good.clone(), missing],
            DocumentCategory::Judgment,
            None,
            false,
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("missing.pdf"), "{e}");
        assert!(items(&store).await.unwrap().is_empty());
        let left = std::fs::read_dir(folder(&store)).unwrap().count();
        assert_eq!(left, 0);
        let e = add(
            &store,
            target,
            &[good],
            DocumentCategory::Other,
            Some("  ".into()),
            false,
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("note"), "{e}");
    }

    #[tokio::test]
    async fn photos_become_one_item_and_failed_items_can_be_retried_or_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let one = dir.path().join("page1.png");
        let two = dir.path().join("page2.png");
        image::RgbImage::from_pixel(300, 400, image::Rgb([255, 255, 255]))
            .save(&one)
            .unwrap();
        image::RgbImage::from_pixel(400, 300, image::Rgb([0, 0, 0]))
            .save(&two)
            .unwrap();
        let ids = add(
            &store,
            AttachTo::Dossier {
                reference: "D-2".into(),
            },
            &[one, two],
            DocumentCategory::ProofOfPayment,
            Some("reçu".into()),
            true,
        )
        .await
        .unwrap();
        assert_eq!(ids.len(), 1);
        let pdf = item(&store, ids[0]).await.unwrap();
        assert_eq!(pdf.file_name, "page1.pdf");
        assert!(std::fs::read(&pdf.local_path).unwrap().starts_with(b"%PDF"));

        assert!(retry(&store, pdf.id).await.is_err(), "only failed items");
        let refused = ClientError::Api {
            status: 415,
            code: claimdesk_api::ErrorCode::UnsupportedMediaType,
            message: "not an allowed type".into(),
            retry_after: None,
        };
        set_error(&store, pdf.id, &refused, OutboxState::Failed)
            .await
            .unwrap();
        assert_eq!(waiting_count(&store).await.unwrap(), 0);
        let failed = item(&store, pdf.id).await.unwrap();
        assert_eq!(
            failed.last_error.as_ref().map(|e| e.code.as_str()),
            Some("unsupported_media_type")
        );
        let back = retry(&store, pdf.id).await.unwrap();
        assert_eq!(back.state, OutboxState::Pending);
        assert_eq!(back.last_error, None);
        let cancelled = cancel(&store, None, pdf.id).await.unwrap();
        assert_eq!(cancelled.state, OutboxState::Cancelled);
        assert!(!pdf.local_path.exists());
        assert!(cancel(&store, None, pdf.id).await.is_err());
        assert_eq!(waiting_count(&store).await.unwrap(), 0);
    }
}
