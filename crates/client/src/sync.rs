//! The sync engine: pulls the feed page by page from the stored cursor and
//! applies each page in one transaction with the cursor that follows it, so an
//! interruption anywhere resumes from the last page on disk.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use claimdesk_api::ErrorCode;
use claimdesk_api::sync::SyncPage;
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::http::ApiClient;
use crate::store::{Applied, Counts, Store};

/// Changes per page: large pages keep the number of round trips and
/// transactions low on a first sync of tens of thousands of claims.
pub const PAGE_SIZE: u32 = 5000;

/// Reported after each page applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SyncProgress {
    pub pages: u32,
    pub changes_applied: u64,
    /// Whether more pages follow.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub pages: u32,
    pub changes_applied: u64,
    pub applied: Applied,
    /// Rows in the store once synced.
    pub counts: Counts,
    #[serde(serialize_with = "millis")]
    pub duration: Duration,
    pub synced_at: DateTime<Utc>,
    /// The server refused the stored cursor, so the store was emptied and filled again.
    pub restarted_from_scratch: bool,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// Pulls the feed until it says no more. `now` stamps the end of the sync.
pub async fn pull(
    api: &ApiClient,
    store: &Store,
    page_size: u32,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
    now: &(dyn Fn() -> DateTime<Utc> + Sync),
) -> Result<SyncReport> {
    let started = Instant::now();
    let mut restarted = false;
    let mut pages = 0u32;
    let mut applied = Applied::default();
    let mut cursor = store.cursor().await?;
    let mut pending = Prefetch::start(api, cursor.clone(), page_size);
    loop {
        let waited = Instant::now();
        let page = match pending.take().await {
            Ok(page) => page,
            Err(ClientError::Api {
                code: ErrorCode::InvalidCursor,
                ..
            }) if !restarted => {
                // Another server, a reset feed, a cursor from before a purge:
                // only a sync from scratch is sure to converge.
                tracing::warn!("the server refused the sync cursor; syncing from scratch");
                store.wipe().await?;
                restarted = true;
                cursor = None;
                pending = Prefetch::start(api, None, page_size);
                continue;
            }
            Err(e) => return Err(e),
        };
        if page.more {
            if page.changes.is_empty() && cursor.as_deref() == Some(page.next_cursor.as_str()) {
                return Err(ClientError::Protocol(
                    "the sync feed announced more changes but did not move".into(),
                ));
            }
            // Fetch the next page while this one is written.
            pending = Prefetch::start(api, Some(page.next_cursor.clone()), page_size);
        }
        let completed_at = (!page.more).then(now);
        let writing = Instant::now();
        let done = store
            .apply_page(&page.changes, &page.next_cursor, completed_at)
            .await?;
        tracing::debug!(
            page = pages + 1,
            changes = page.changes.len(),
            waited_ms = (writing - waited).as_millis() as u64,
            wrote_ms = writing.elapsed().as_millis() as u64,
            "sync page applied"
        );
        pages += 1;
        add(&mut applied, done);
        progress(SyncProgress {
            pages,
            changes_applied: applied.changes(),
            more: page.more,
        });
        if let Some(synced_at) = completed_at {
            if applied.deleted.total() > 0 || restarted {
                store.checkpoint().await?;
            }
            return Ok(SyncReport {
                pages,
                changes_applied: applied.changes(),
                applied,
                counts: store.counts().await?,
                duration: started.elapsed(),
                synced_at,
                restarted_from_scratch: restarted,
            });
        }
        cursor = Some(page.next_cursor);
    }
}

fn add(total: &mut Applied, page: Applied) {
    for (sum, part) in [
        (&mut total.upserted, page.upserted),
        (&mut total.deleted, page.deleted),
    ] {
        sum.add(part);
    }
}

/// A page being fetched in its own task, cancelled if the sync stops first.
struct Prefetch(Option<tokio::task::JoinHandle<Result<SyncPage>>>);

impl Prefetch {
    fn start(api: &ApiClient, cursor: Option<String>, page_size: u32) -> Prefetch {
        let api = api.clone();
        Prefetch(Some(tokio::spawn(async move {
            api.sync_page(cursor.as_deref(), page_size).await
        })))
    }

    async fn take(&mut self) -> Result<SyncPage> {
        let handle = self.0.take().expect("a prefetch is awaited once");
        handle
            .await
            .map_err(|e| ClientError::Protocol(format!("the page fetch stopped: {e}")))?
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.abort();
        }
    }
}
