//! One item's delivery: a tus 1.0 upload (creation, termination)
//! resumed from the server's offset, then the document created with the
//! item's idempotency key.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use claimdesk_api::routes;
use claimdesk_api::uploads::{Document, NewDocument, TUS_VERSION};
use reqwest::Method;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{OutboxItem, OutboxState, UploadProgress};
use crate::error::{ClientError, Result};
use crate::http::{ApiClient, RetryPolicy};
use crate::store::Store;

/// Bytes of the first PATCH; later ones are sized on the throughput seen so
/// each takes about [`CHUNK_SECONDS`], between this and [`MAX_CHUNK`].
pub(crate) const CHUNK: u64 = 4 * 1024 * 1024;
/// Each PATCH ends with the server making its bytes durable: on a fast link,
/// larger chunks keep that from setting the pace.
const MAX_CHUNK: u64 = 64 * 1024 * 1024;
const CHUNK_SECONDS: f64 = 2.0;
/// Reads of the copy while it is sent: memory stays flat whatever the
/// chunk's size.
const READ_BUFFER: usize = 256 * 1024;
/// A chunk on a slow link may take longer than an API call.
const CHUNK_TIMEOUT: Duration = Duration::from_secs(300);
/// Offsets re-learned in a row before giving up on a server that keeps moving.
const MAX_REHEADS: u32 = 5;
/// Fresh uploads started for one item in one pass (the server lost the last).
const MAX_RESTARTS: u32 = 2;
/// Checksum refusals in a row: the copy on disk no longer is what was hashed.
const MAX_CHECKSUM_FAILURES: u32 = 2;

/// Where the delivery stands, in memory.
enum Step {
    Create,
    /// The upload exists; its offset must be asked.
    Locate,
    Send,
    Finish,
}

pub(crate) async fn deliver(
    api: &ApiClient,
    store: &Store,
    retry: RetryPolicy,
    mut item: OutboxItem,
    progress: &mut (dyn FnMut(UploadProgress) + Send),
) -> Result<i64> {
    let mut step = match (&item.upload_url, item.state) {
        (None, _) => Step::Create,
        // A crash after the upload finished: the key answers a replay, and the
        // server may have consumed the upload already.
        (Some(_), OutboxState::Creating) => Step::Finish,
        (Some(_), _) => Step::Locate,
    };
    let (mut transient, mut reheads, mut restarts, mut checksums) = (0u32, 0u32, 0u32, 0u32);
    let mut chunk_size = ChunkSize::new();
    loop {
        let outcome = match step {
            Step::Create => create(api, store, &mut item).await.map(|()| Step::Send),
            Step::Locate => locate(api, store, &mut item).await.map(|()| Step::Send),
            Step::Send if item.offset >= item.size => {
                super::set_state(store, item.id, OutboxState::Creating).await?;
                Ok(Step::Finish)
            }
            Step::Send => {
                if item.state != OutboxState::Uploading {
                    super::set_state(store, item.id, OutboxState::Uploading).await?;
                    item.state = OutboxState::Uploading;
                }
                progress(UploadProgress {
                    item_id: item.id,
                    file_name: item.file_name.clone(),
                    sent: item.offset,
                    size: item.size,
                });
                patch(api, store, &mut item, &mut chunk_size)
                    .await
                    .map(|()| Step::Send)
            }
            Step::Finish => match finish(api, &item).await {
                Ok(document) => {
                    super::mark_done(store, &item, &document).await?;
                    progress(UploadProgress {
                        item_id: item.id,
                        file_name: item.file_name.clone(),
                        sent: item.size,
                        size: item.size,
                    });
                    return Ok(document.id);
                }
                Err(e) => Err(e),
            },
        };
        let e = match outcome {
            Ok(next) => {
                // Only bytes accepted count as progress: a HEAD that works
                // before a PATCH that fails must not reset the count.
                if matches!(step, Step::Send) {
                    transient = 0;
                    reheads = 0;
                }
                step = next;
                continue;
            }
            Err(e) => e,
        };
        let status = match &e {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        };
        match status {
            // The server holds a different offset than we thought: ask it.
            Some(409) if reheads < MAX_REHEADS => {
                // Refused again: the server is most likely still winding up a
                // PATCH that was cut (its bytes made durable before its offset
                // moves), which takes a while for a large one.
                if reheads > 0 {
                    tokio::time::sleep(retry.delay(reheads + 1, None)).await;
                }
                reheads += 1;
                step = Step::Locate;
            }
            Some(460) if checksums + 1 < MAX_CHECKSUM_FAILURES => {
                checksums += 1;
                step = Step::Locate;
            }
            // The upload expired or was terminated: the bytes go again.
            Some(404 | 410) if !matches!(step, Step::Create) && restarts < MAX_RESTARTS => {
                if matches!(step, Step::Finish) && status == Some(404) {
                    // The document's target, not the upload, is unknown.
                    return Err(e);
                }
                restarts += 1;
                tracing::info!(item = item.id, "upload gone, starting again");
                item.upload_url = None;
                item.offset = 0;
                super::set_upload(store, item.id, None, 0).await?;
                step = Step::Create;
            }
            _ if e.is_permanent() => return Err(e),
            _ => {
                transient += 1;
                if transient >= retry.max_tries.max(1) {
                    return Err(e);
                }
                let retry_after = match &e {
                    ClientError::Api { retry_after, .. } => *retry_after,
                    _ => None,
                };
                let delay = retry.delay(transient + 1, retry_after);
                tracing::debug!(item = item.id, code = %e.code(), ?delay, "retrying");
                tokio::time::sleep(delay).await;
                // After a cut the server may hold more or fewer bytes than sent.
                if matches!(step, Step::Send) {
                    step = Step::Locate;
                }
            }
        }
    }
}

fn tus(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    request.header("Tus-Resumable", TUS_VERSION)
}

/// `POST /v1/uploads`; the address is recorded at once so a crash resumes it.
async fn create(api: &ApiClient, store: &Store, item: &mut OutboxItem) -> Result<()> {
    let metadata = format!(
        "filename {},sha256 {}",
        BASE64.encode(item.file_name.as_bytes()),
        BASE64.encode(item.sha256.as_bytes())
    );
    let request = tus(api.request(Method::POST, routes::UPLOADS))
        .header("Upload-Length", item.size.to_string())
        .header("Upload-Metadata", metadata);
    let response = api.execute(request).await?;
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ClientError::Protocol("an upload was created without a Location".into()))?
        .to_owned();
    let url = absolute(api, &location);
    super::set_upload(store, item.id, Some(&url), 0).await?;
    item.upload_url = Some(url);
    item.offset = 0;
    Ok(())
}

fn absolute(api: &ApiClient, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        location.to_owned()
    } else {
        format!("{}{}", api.base_url(), location)
    }
}

fn upload_url(item: &OutboxItem) -> Result<&str> {
    item.upload_url
        .as_deref()
        .ok_or_else(|| ClientError::Protocol("no upload to resume".into()))
}

fn offset_of(response: &reqwest::Response) -> Result<u64> {
    response
        .headers()
        .get("Upload-Offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| ClientError::Protocol("the upload's offset is missing".into()))
}

/// `HEAD`: the bytes the server holds.
async fn locate(api: &ApiClient, store: &Store, item: &mut OutboxItem) -> Result<()> {
    let request = tus(api.request(Method::HEAD, upload_url(item)?));
    let response = api.execute(request).await?;
    let offset = offset_of(&response)?;
    if offset > item.size {
        return Err(ClientError::Protocol(format!(
            "the server holds {offset} bytes of a {}-byte file",
            item.size
        )));
    }
    if offset != item.offset {
        super::set_offset(store, item.id, offset).await?;
        item.offset = offset;
    }
    Ok(())
}

/// One chunk from the recorded offset, streamed from the copy on disk.
///
/// It carries no `Upload-Checksum`: the server checks the whole file against
/// the SHA-256 declared at creation before keeping it, and a chunk checksum
/// would cost a hashing pass on each side and make a cut discard the whole
/// chunk instead of keeping what arrived.
async fn patch(
    api: &ApiClient,
    store: &Store,
    item: &mut OutboxItem,
    chunk_size: &mut ChunkSize,
) -> Result<()> {
    let length = chunk_size.bytes.min(item.size - item.offset);
    let context = || format!("cannot read the outbox copy of {}", item.file_name);
    let mut file = tokio::fs::File::open(&item.local_path)
        .await
        .map_err(|e| ClientError::io(context(), e))?;
    file.seek(std::io::SeekFrom::Start(item.offset))
        .await
        .map_err(|e| ClientError::io(context(), e))?;
    let body = tokio_util::io::ReaderStream::with_capacity(file.take(length), READ_BUFFER);
    let request = tus(api.request(Method::PATCH, upload_url(item)?))
        .timeout(CHUNK_TIMEOUT)
        .header(CONTENT_TYPE, "application/offset+octet-stream")
        .header(CONTENT_LENGTH, length)
        .header("Upload-Offset", item.offset.to_string())
        .body(reqwest::Body::wrap_stream(body));
    let started = Instant::now();
    let response = api.execute(request).await?;
    let offset = offset_of(&response)?;
    chunk_size.sized_on(offset.saturating_sub(item.offset), started.elapsed());
    super::set_offset(store, item.id, offset).await?;
    item.offset = offset;
    Ok(())
}

/// The size of the next PATCH.
struct ChunkSize {
    bytes: u64,
}

impl ChunkSize {
    fn new() -> ChunkSize {
        ChunkSize { bytes: CHUNK }
    }

    /// Sizes the next chunks on how long this one took.
    fn sized_on(&mut self, length: u64, took: Duration) {
        let per_second = length as f64 / took.as_secs_f64().max(0.001);
        let size = (per_second * CHUNK_SECONDS) as u64;
        self.bytes = size.clamp(CHUNK, MAX_CHUNK) / CHUNK * CHUNK;
    }
}

/// `POST /v1/documents` with the item's key: a replay answers the same document.
async fn finish(api: &ApiClient, item: &OutboxItem) -> Result<Document> {
    let url = upload_url(item)?;
    let upload_id = url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let body = NewDocument {
        upload_id,
        attach_to: item.attach_to.clone(),
        category: item.category,
        note: item.note.clone(),
        file_name: item.file_name.clone(),
    };
    let request = api
        .request(Method::POST, routes::DOCUMENTS)
        .header("Idempotency-Key", &item.key)
        .json(&body);
    let response = api.execute(request).await?;
    response
        .json()
        .await
        .map_err(|e| ClientError::Protocol(format!("{}: {e}", routes::DOCUMENTS)))
}

/// `DELETE` of an upload (tus termination).
pub(crate) async fn terminate(api: &ApiClient, url: &str) -> Result<()> {
    let request = tus(api.request(Method::DELETE, url)).timeout(Duration::from_secs(10));
    api.execute(request).await.map(drop)
}
