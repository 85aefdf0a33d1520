//! Documents' content, cached next to the store for offline reading.
//!
//! Each content is a file named by its SHA-256 in [`Store::content_dir`],
//! never by the name a user or the server gave the document, so no name can
//! lead out of that folder. A content is fetched when it is not held or no
//! longer matches its hash: into a part file that a cut leaves behind and the
//! next attempt resumes with `Range`, checked against the hash before it takes
//! its place.

use std::path::{Path, PathBuf};

use claimdesk_api::routes;
use claimdesk_api::uploads::Document;
use reqwest::Method;
use reqwest::header::{IF_NONE_MATCH, IF_RANGE, RANGE};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::documents::Origin;
use crate::error::{ClientError, Result};
use crate::http::ApiClient;
use crate::store::Store;

/// A document's content on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CachedFile {
    pub document: Document,
    /// In the cache folder, to open read-only in a viewer.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    /// `server` when fetched (or confirmed) just now, `cache` when read from disk.
    pub origin: Origin,
}

/// Cuts survived by one fetch before it gives up; each resumes where the
/// previous one stopped.
const MAX_RESUMES: u32 = 4;

/// The content of document `id` when the cache holds it intact; no network.
pub(crate) async fn from_cache(store: &Store, id: i64) -> Result<Option<CachedFile>> {
    let Some(document) = store.filed_document(id).await? else {
        return Ok(None);
    };
    let path = content_path(&store.content_dir(), &document.sha256)?;
    if !matches_hash(&path, &document.sha256).await? {
        return Ok(None);
    }
    if store.cached_content(id).await?.as_deref() != Some(document.sha256.as_str()) {
        store.set_cached_content(id, &document.sha256).await?;
    }
    Ok(Some(CachedFile {
        document,
        path,
        origin: Origin::Cache,
    }))
}

/// The content of document `id` once [`from_cache`] found it missing or
/// damaged: fetched from the server (`api`, `None` when out of reach).
pub(crate) async fn fetched(
    api: Option<&ApiClient>,
    store: &Store,
    id: i64,
    offline: impl Fn() -> ClientError,
) -> Result<CachedFile> {
    let document = match (store.filed_document(id).await?, api) {
        (Some(document), _) => document,
        // Not synced yet: the server knows it if this user may see it.
        (None, Some(api)) => {
            let document: Document = api.get(&routes::path(routes::DOCUMENT, id), &[]).await?;
            store.put_filed_document(&document).await?;
            if let Some(hit) = from_cache(store, id).await? {
                return Ok(hit);
            }
            document
        }
        (None, None) => return Err(offline()),
    };
    let dir = store.content_dir();
    let path = content_path(&dir, &document.sha256)?;
    remove_if_present(&path).await?;
    let Some(api) = api else {
        return Err(offline());
    };
    // An earlier content of this document, still intact, is worth keeping if
    // the server says it has not changed after all.
    let held = match store.cached_content(id).await? {
        Some(sha256) if sha256 != document.sha256 => {
            let earlier = content_path(&dir, &sha256)?;
            matches_hash(&earlier, &sha256)
                .await?
                .then_some((sha256, earlier))
        }
        _ => None,
    };
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ClientError::io(format!("cannot create {}", dir.display()), e))?;
    match fetch(
        api,
        &document,
        held.as_ref().map(|(sha, _)| sha.as_str()),
        &path,
    )
    .await?
    {
        Fetched::Content => {
            store.set_cached_content(id, &document.sha256).await?;
            Ok(CachedFile {
                document,
                path,
                origin: Origin::Server,
            })
        }
        Fetched::NotModified => {
            let Some((sha256, earlier)) = held else {
                return Err(ClientError::Protocol(format!(
                    "document {id}: 304 Not Modified to a request without If-None-Match"
                )));
            };
            // The metadata on disk is ahead of the server's content: take the
            // server's word for both.
            let current: Document = api.get(&routes::path(routes::DOCUMENT, id), &[]).await?;
            if current.sha256 != sha256 {
                return Err(ClientError::Protocol(format!(
                    "document {id}: the server confirmed content {sha256} but describes {}",
                    current.sha256
                )));
            }
            store.put_filed_document(&current).await?;
            store.set_cached_content(id, &sha256).await?;
            Ok(CachedFile {
                document: current,
                path: earlier,
                origin: Origin::Server,
            })
        }
    }
}

/// `dir/<sha256>`, once the hash is checked to be one: it comes from the
/// server and must not be able to name anything else.
fn content_path(dir: &Path, sha256: &str) -> Result<PathBuf> {
    let is_hash = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !is_hash {
        return Err(ClientError::Protocol(format!(
            "a document's SHA-256 is not 64 hex digits: {sha256:?}"
        )));
    }
    Ok(dir.join(sha256))
}

fn part_path(path: &Path) -> PathBuf {
    path.with_extension("part")
}

async fn remove_if_present(path: &Path) -> Result<()> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ClientError::io(
            format!("cannot remove {}", path.display()),
            e,
        )),
    }
}

/// Whether the file is there and hashes to `sha256`.
async fn matches_hash(path: &Path, sha256: &str) -> Result<bool> {
    let read_error = |e| ClientError::io(format!("cannot read {}", path.display()), e);
    let mut file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(read_error(e)),
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).await.map_err(read_error)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()) == sha256)
}

enum Fetched {
    /// The content is at its place, checked.
    Content,
    /// The server answered 304 to the held content's ETag.
    NotModified,
}

/// Fetches the content into its part file, resuming after cuts, then checks
/// it and renames it into `path`.
async fn fetch(
    api: &ApiClient,
    document: &Document,
    held: Option<&str>,
    path: &Path,
) -> Result<Fetched> {
    let part = part_path(path);
    let mut resumes = 0;
    // A part file left by an earlier attempt may hold bytes that are not this
    // content's: if the whole does not match, it is fetched once more from
    // nothing before giving up.
    let mut from_scratch = tokio::fs::metadata(&part).await.is_err();
    loop {
        match fetch_once(api, document, held, &part).await {
            Ok(Fetched::NotModified) => return Ok(Fetched::NotModified),
            Ok(Fetched::Content) if matches_hash(&part, &document.sha256).await? => break,
            Ok(Fetched::Content) => {
                remove_if_present(&part).await?;
                if from_scratch {
                    return Err(ClientError::Protocol(format!(
                        "document {} arrived damaged: its SHA-256 is not {}",
                        document.id, document.sha256
                    )));
                }
                from_scratch = true;
            }
            Err(e) if resumable(&e) && resumes < MAX_RESUMES => {
                resumes += 1;
                tracing::info!(document = document.id, resumes, "content cut, resuming");
            }
            Err(e) => return Err(e),
        }
    }
    tokio::fs::rename(&part, path)
        .await
        .map_err(|e| ClientError::io(format!("cannot write {}", path.display()), e))?;
    Ok(Fetched::Content)
}

/// A cut the part file can resume from.
fn resumable(e: &ClientError) -> bool {
    matches!(e, ClientError::Network { .. } | ClientError::Timeout)
}

/// One request: the rest of the part file (`Range` from its length, valid
/// only for this content through `If-Range`), or all of it.
async fn fetch_once(
    api: &ApiClient,
    document: &Document,
    held: Option<&str>,
    part: &Path,
) -> Result<Fetched> {
    let write_error = |e| ClientError::io(format!("cannot write {}", part.display()), e);
    let have = match tokio::fs::metadata(part).await {
        Ok(meta) => meta.len(),
        Err(_) => 0,
    };
    let etag = format!("\"{}\"", document.sha256);
    let mut request = api.request(
        Method::GET,
        &routes::path(routes::DOCUMENT_CONTENT, document.id),
    );
    if let Some(sha256) = held {
        request = request.header(IF_NONE_MATCH, format!("\"{sha256}\""));
    }
    if have > 0 && have < document.size {
        request = request
            .header(RANGE, format!("bytes={have}-"))
            .header(IF_RANGE, &etag);
    }
    let mut response = match api.execute(request).await {
        Ok(response) => response,
        Err(ClientError::Api { status: 304, .. }) if held.is_some() => {
            return Ok(Fetched::NotModified);
        }
        // The part file is longer than the content: start again.
        Err(ClientError::Api { status: 416, .. }) => {
            remove_if_present(part).await?;
            return Err(ClientError::Network {
                detail: "the partial content did not fit; fetching it whole".into(),
            });
        }
        Err(e) => return Err(e),
    };
    let mut file = if response.status() == reqwest::StatusCode::PARTIAL_CONTENT {
        let starts_at = response
            .headers()
            .get(reqwest::header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split('-').next())
            .and_then(|v| v.parse::<u64>().ok());
        if starts_at != Some(have) {
            return Err(ClientError::Protocol(format!(
                "document {}: asked for bytes from {have}, got {starts_at:?}",
                document.id
            )));
        }
        tokio::fs::OpenOptions::new()
            .append(true)
            .open(part)
            .await
            .map_err(write_error)?
    } else {
        tokio::fs::File::create(part).await.map_err(write_error)?
    };
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => break,
            Err(e) => {
                // Keep what arrived: the next attempt asks for the rest.
                file.flush().await.map_err(write_error)?;
                return Err(ClientError::Network {
                    detail: crate::http::root_cause(&e),
                });
            }
        };
        file.write_all(&chunk).await.map_err(write_error)?;
    }
    file.sync_all().await.map_err(write_error)?;
    Ok(Fetched::Content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hash_names_a_cached_file() {
        let dir = Path::new("/cache");
        let sha = "ab".repeat(32);
        assert_eq!(content_path(dir, &sha).unwrap(), dir.join(&sha));
        for hostile in [
            "../../etc/passwd".to_owned(),
            format!("../{}", &sha[3..]),
            sha.to_uppercase(),
            format!("{}/", &sha[1..]),
            String::new(),
        ] {
            assert!(content_path(dir, &hostile).is_err(), "{hostile:?}");
        }
        assert_eq!(part_path(&dir.join(&sha)), dir.join(format!("{sha}.part")));
    }
}
