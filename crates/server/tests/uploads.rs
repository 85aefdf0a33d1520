//! tus 1.0 uploads, documents made from them and their downloads, against the
//! real server on loopback.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use claimdesk_api::routes::{self, path};
use claimdesk_server::testing::TestServer;
use claimdesk_server::{Config, TestClock, demo};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const TUS: &str = "1.0.0";

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A small but real PDF head: enough for detection by content.
fn pdf_bytes(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut i = 0u32;
    while bytes.len() < size {
        bytes.push((i.wrapping_mul(2_654_435_761) >> 24) as u8);
        i += 1;
    }
    bytes.truncate(size);
    bytes
}

struct Caller {
    http: Client,
    base: String,
    token: String,
}

impl Caller {
    async fn new(server: &TestServer, email: &str) -> Caller {
        Caller {
            http: Client::new(),
            base: server.base_url.clone(),
            token: server.token_for(email).await,
        }
    }

    fn request(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.base)
        };
        self.http
            .request(method, url)
            .bearer_auth(&self.token)
            .header("Tus-Resumable", TUS)
    }

    async fn create(&self, length: u64, sha256: &str, name: &str) -> Response {
        let metadata = format!(
            "filename {},sha256 {}",
            STANDARD.encode(name),
            STANDARD.encode(sha256)
        );
        self.request(Method::POST, routes::UPLOADS)
            .header("Upload-Length", length)
            .header("Upload-Metadata", metadata)
            .send()
            .await
            .unwrap()
    }

    /// A new upload's location.
    async fn start(&self, bytes: &[u8], name: &str) -> String {
        let reply = self.create(bytes.len() as u64, &sha_hex(bytes), name).await;
        assert_eq!(reply.status(), StatusCode::CREATED);
        assert_eq!(reply.headers()["tus-resumable"], TUS);
        assert!(reply.headers().contains_key("upload-expires"));
        reply.headers()["location"].to_str().unwrap().to_owned()
    }

    async fn patch(&self, location: &str, offset: u64, chunk: &[u8]) -> Response {
        self.request(Method::PATCH, location)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset)
            .body(chunk.to_vec())
            .send()
            .await
            .unwrap()
    }

    async fn head(&self, location: &str) -> Response {
        self.request(Method::HEAD, location).send().await.unwrap()
    }

    /// Sends `bytes` in `chunks` PATCHes; the last answer.
    async fn send_all(&self, location: &str, bytes: &[u8], chunks: usize) -> Response {
        let size = bytes.len().div_ceil(chunks);
        let mut offset = 0;
        loop {
            let end = (offset + size).min(bytes.len());
            let reply = self
                .patch(location, offset as u64, &bytes[offset..end])
                .await;
            if end == bytes.len() || reply.status() != StatusCode::NO_CONTENT {
                return reply;
            }
            assert_eq!(reply.headers()["upload-offset"], end.to_string().as_str());
            offset = end;
        }
    }

    async fn create_document(&self, key: &str, body: &Value) -> Response {
        self.request(Method::POST, routes::DOCUMENTS)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn json(&self, url: &str) -> (StatusCode, Value) {
        let reply = self.request(Method::GET, url).send().await.unwrap();
        let status = reply.status();
        (status, reply.json().await.unwrap_or(Value::Null))
    }
}

fn upload_id(location: &str) -> &str {
    location.rsplit('/').next().unwrap()
}

async fn code(reply: Response) -> String {
    let body: Value = reply.json().await.unwrap();
    body["code"].as_str().unwrap_or("").to_owned()
}

/// The references of the dossiers this user sees.
async fn dossier_refs(caller: &Caller) -> Vec<String> {
    let (status, body) = caller.json(routes::DOSSIERS).await;
    assert_eq!(status, StatusCode::OK);
    body.as_array()
        .unwrap()
        .iter()
        .map(|d| d["reference"].as_str().unwrap().to_owned())
        .collect()
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn stored_files(server: &TestServer) -> Vec<std::path::PathBuf> {
    files_under(&server.data_dir.join("documents"))
}

fn part_files(server: &TestServer) -> Vec<std::path::PathBuf> {
    files_under(&server.data_dir.join("uploads"))
}

#[tokio::test]
async fn options_tell_what_the_server_supports() {
    let server = TestServer::start_demo().await;
    let reply = Client::new()
        .request(Method::OPTIONS, server.url(routes::UPLOADS))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::NO_CONTENT);
    let h = reply.headers();
    assert_eq!(h["tus-resumable"], TUS);
    assert_eq!(h["tus-version"], TUS);
    assert_eq!(h["tus-extension"], claimdesk_api::uploads::TUS_EXTENSIONS);
    assert_eq!(
        h["tus-max-size"],
        claimdesk_api::uploads::DEFAULT_MAX_UPLOAD_BYTES
            .to_string()
            .as_str()
    );
    assert_eq!(h["tus-checksum-algorithm"], "sha256");

    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let other_version = caller
        .http
        .post(server.url(routes::UPLOADS))
        .bearer_auth(&caller.token)
        .header("Tus-Resumable", "0.2.2")
        .header("Upload-Length", 10)
        .send()
        .await
        .unwrap();
    assert_eq!(other_version.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(other_version.headers()["tus-version"], TUS);
    assert_eq!(other_version.headers()["tus-resumable"], TUS);
}

#[tokio::test]
async fn a_file_in_chunks_becomes_a_document_that_downloads_with_etag_and_ranges() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let reference = dossier_refs(&caller).await.remove(0);
    let bytes = pdf_bytes(300_000);
    let hostile = "../../etc/passwd\u{0007}.pdf";
    let location = caller.start(&bytes, hostile).await;
    assert!(location.starts_with("/v1/uploads/"), "{location}");
    assert!(!location.contains("passwd"));

    // A chunk with its checksum, then the rest in plain chunks.
    let first = &bytes[..100_000];
    let reply = caller
        .request(Method::PATCH, &location)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", 0)
        .header(
            "Upload-Checksum",
            format!("sha256 {}", STANDARD.encode(Sha256::digest(first))),
        )
        .body(first.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::NO_CONTENT);
    assert_eq!(reply.headers()["upload-offset"], "100000");
    let head = caller.head(&location).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["upload-offset"], "100000");
    assert_eq!(head.headers()["upload-length"], "300000");
    assert_eq!(head.headers()["cache-control"], "no-store");
    assert_eq!(head.headers()["tus-resumable"], TUS);
    for (start, end) in [(100_000, 200_000), (200_000, 300_000)] {
        let reply = caller
            .patch(&location, start, &bytes[start as usize..end])
            .await;
        assert_eq!(reply.status(), StatusCode::NO_CONTENT);
        assert_eq!(reply.headers()["upload-offset"], end.to_string().as_str());
    }
    assert!(part_files(&server).is_empty(), "{:?}", part_files(&server));
    let sha = sha_hex(&bytes);
    let stored = server.data_dir.join("documents").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(&stored).unwrap(), bytes);

    let body = json!({
        "upload_id": upload_id(&location),
        "attach_to": {"kind": "dossier", "reference": reference},
        "category": "proof_of_payment",
        "note": null,
        "file_name": hostile,
    });
    let created = caller.create_document("key-1", &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let document: Value = created.json().await.unwrap();
    assert_eq!(document["file_name"], "passwd_.pdf");
    assert_eq!(document["content_type"], "application/pdf");
    assert_eq!(document["size"], 300_000);
    assert_eq!(document["sha256"], sha.as_str());
    assert_eq!(document["origin"], "customer");
    let id = document["id"].as_i64().unwrap();

    let (status, listed) = caller
        .json(&path(routes::DOSSIER_DOCUMENTS, &reference))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(listed.as_array().unwrap().contains(&document));
    let (status, one) = caller.json(&path(routes::DOCUMENT, id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, document);

    let content_url = path(routes::DOCUMENT_CONTENT, id);
    let full = caller
        .request(Method::GET, &content_url)
        .send()
        .await
        .unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    let etag = format!("\"{sha}\"");
    assert_eq!(full.headers()["etag"], etag.as_str());
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    assert_eq!(full.headers()["content-type"], "application/pdf");
    assert_eq!(
        full.headers()["content-disposition"],
        "attachment; filename=\"passwd_.pdf\"; filename*=UTF-8''passwd_.pdf"
    );
    assert_eq!(full.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let cached = caller
        .request(Method::GET, &content_url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert!(cached.bytes().await.unwrap().is_empty());

    for (range, from, to) in [
        ("bytes=10-19", 10, 19),
        ("bytes=299990-", 299_990, 299_999),
        ("bytes=-5", 299_995, 299_999),
    ] {
        let part = caller
            .request(Method::GET, &content_url)
            .header("Range", range)
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            part.headers()["content-range"],
            format!("bytes {from}-{to}/300000").as_str()
        );
        assert_eq!(
            part.bytes().await.unwrap().as_ref(),
            &bytes[from..=to],
            "{range}"
        );
    }
    let beyond = caller
        .request(Method::GET, &content_url)
        .header("Range", "bytes=300000-")
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()["content-range"], "bytes */300000");

    // Another debtor sees none of it.
    let stranger = Caller::new(&server, demo::DEBTORS[1]).await;
    assert_eq!(
        stranger.json(&path(routes::DOCUMENT, id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(stranger.json(&content_url).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_interrupted_upload_resumes_from_the_servers_offset() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let bytes = pdf_bytes(50_000);
    let location = caller.start(&bytes, "bilan.pdf").await;
    assert_eq!(
        caller.patch(&location, 0, &bytes[..12_345]).await.status(),
        StatusCode::NO_CONTENT
    );
    // The client forgot where it was: it asks.
    let head = caller.head(&location).await;
    let offset: usize = head.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(offset, 12_345);

    // A wrong offset is refused and changes nothing.
    let wrong = caller.patch(&location, 0, &bytes[..100]).await;
    assert_eq!(wrong.status(), StatusCode::CONFLICT);
    assert_eq!(wrong.headers()["tus-resumable"], TUS);
    assert_eq!(code(wrong).await, "offset_mismatch");
    assert_eq!(
        caller.head(&location).await.headers()["upload-offset"],
        "12345"
    );

    let reply = caller
        .patch(&location, offset as u64, &bytes[offset..])
        .await;
    assert_eq!(reply.status(), StatusCode::NO_CONTENT);
    assert_eq!(reply.headers()["upload-offset"], "50000");
    let sha = sha_hex(&bytes);
    let stored = server.data_dir.join("documents").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(stored).unwrap(), bytes);
}

#[tokio::test]
async fn a_chunk_that_fails_its_checksum_is_discarded() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let bytes = pdf_bytes(20_000);
    let location = caller.start(&bytes, "a.pdf").await;
    let reply = caller
        .request(Method::PATCH, &location)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", 0)
        .header(
            "Upload-Checksum",
            format!("sha256 {}", STANDARD.encode(Sha256::digest(b"other"))),
        )
        .body(bytes[..10_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 460);
    assert_eq!(code(reply).await, "checksum_mismatch");
    assert_eq!(caller.head(&location).await.headers()["upload-offset"], "0");
    let unknown = caller
        .request(Method::PATCH, &location)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", 0)
        .header("Upload-Checksum", "md5 AAAA")
        .body(bytes[..10].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_file_whose_sha256_is_not_the_declared_one_is_not_kept() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let before = stored_files(&server);
    let bytes = pdf_bytes(10_000);
    let reply = caller
        .create(bytes.len() as u64, &sha_hex(b"something else"), "a.pdf")
        .await;
    let location = reply.headers()["location"].to_str().unwrap().to_owned();
    let last = caller.send_all(&location, &bytes, 2).await;
    assert_eq!(last.status().as_u16(), 460);
    let body: Value = last.json().await.unwrap();
    assert_eq!(body["code"], "checksum_mismatch");
    assert_eq!(stored_files(&server), before);
    assert!(part_files(&server).is_empty());
    assert_eq!(caller.head(&location).await.status(), StatusCode::GONE);
}

#[tokio::test]
async fn an_executable_named_pdf_is_refused_by_its_content() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let before = stored_files(&server);
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    bytes.resize(4096, 0);
    let location = caller.start(&bytes, "facture.pdf").await;
    let reply = caller.send_all(&location, &bytes, 1).await;
    assert_eq!(reply.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(code(reply).await, "unsupported_media_type");
    assert_eq!(stored_files(&server), before);
    assert!(part_files(&server).is_empty());
}

#[tokio::test]
async fn oversize_files_and_quotas_are_refused_at_creation() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.max_upload_bytes = 1_000_000;
    config.user_quota_bytes = 1_500_000;
    let server = TestServer::start_with(config).await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let sha = sha_hex(b"x");
    let big = caller.create(1_000_001, &sha, "big.pdf").await;
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = big.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    assert!(
        body["message"].as_str().unwrap().contains("1000000"),
        "{body}"
    );
    assert_eq!(
        caller.create(900_000, &sha, "a.pdf").await.status(),
        StatusCode::CREATED
    );
    let over = caller.create(900_000, &sha, "b.pdf").await;
    assert_eq!(over.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(over).await, "quota_exceeded");
    // The quota is per user.
    let other = Caller::new(&server, demo::DEBTORS[1]).await;
    assert_eq!(
        other.create(900_000, &sha, "b.pdf").await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn another_users_upload_and_dossier_are_not_found() {
    let server = TestServer::start_demo().await;
    let owner = Caller::new(&server, demo::DEBTORS[0]).await;
    let stranger = Caller::new(&server, demo::DEBTORS[1]).await;
    let bytes = pdf_bytes(5_000);
    let location = owner.start(&bytes, "a.pdf").await;
    assert_eq!(
        stranger.head(&location).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger.patch(&location, 0, &bytes).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger
            .request(Method::DELETE, &location)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner.send_all(&location, &bytes, 1).await.status(),
        StatusCode::NO_CONTENT
    );
    let theirs = dossier_refs(&stranger).await.remove(0);
    assert!(!dossier_refs(&owner).await.contains(&theirs));
    let body = json!({
        "upload_id": upload_id(&location),
        "attach_to": {"kind": "dossier", "reference": theirs},
        "category": "judgment",
        "note": null,
        "file_name": "a.pdf",
    });
    let refused = owner.create_document("k", &body).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    // Nor can the stranger use the owner's upload on their own dossier.
    let refused = stranger.create_document("k", &body).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let (_, listed) = stranger
        .json(&path(routes::DOSSIER_DOCUMENTS, &theirs))
        .await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["origin"] == "agency"),
        "{listed}"
    );
}

#[tokio::test]
async fn a_replayed_document_request_answers_the_first_document() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let reference = dossier_refs(&caller).await.remove(0);
    let bytes = pdf_bytes(8_000);
    let location = caller.start(&bytes, "preuve.pdf").await;
    caller.send_all(&location, &bytes, 3).await;
    let body = json!({
        "upload_id": upload_id(&location),
        "attach_to": {"kind": "dossier", "reference": reference},
        "category": "other",
        "note": "courrier de la banque",
        "file_name": "preuve.pdf",
    });
    let first = caller.create_document("same-key", &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = caller.create_document("same-key", &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let (_, listed) = caller
        .json(&path(routes::DOSSIER_DOCUMENTS, &reference))
        .await;
    assert_eq!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file_name"] == "preuve.pdf")
            .count(),
        1
    );
    let mut changed = body.clone();
    changed["note"] = json!("autre chose");
    let conflict = caller.create_document("same-key", &changed).await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    // Another key cannot make a second document of the same upload.
    let reused = caller.create_document("other-key", &body).await;
    assert_eq!(reused.status(), StatusCode::CONFLICT);
    let no_key = caller
        .request(Method::POST, routes::DOCUMENTS)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn categories_and_notes_are_checked() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let reference = dossier_refs(&caller).await.remove(0);
    let bytes = pdf_bytes(3_000);
    let location = caller.start(&bytes, "x.pdf").await;
    caller.send_all(&location, &bytes, 1).await;
    let mut body = json!({
        "upload_id": upload_id(&location),
        "attach_to": {"kind": "dossier", "reference": reference},
        "category": "list_of_claims",
        "note": null,
        "file_name": "x.pdf",
    });
    let refused = caller.create_document("a", &body).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().await.unwrap().contains("mandataires"),
        "the message says why"
    );
    body["category"] = json!("other");
    let refused = caller.create_document("b", &body).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An étude files mandataire documents on its procedures.
    let etude = Caller::new(&server, demo::ETUDE_USER).await;
    let (_, procedures) = etude.json(routes::PROCEDURES).await;
    let procedure = procedures[0]["id"].as_i64().unwrap();
    let location = etude.start(&bytes, "etat.pdf").await;
    etude.send_all(&location, &bytes, 1).await;
    let created = etude
        .create_document(
            "c",
            &json!({
                "upload_id": upload_id(&location),
                "attach_to": {"kind": "procedure", "id": procedure},
                "category": "list_of_claims",
                "note": null,
                "file_name": "etat.pdf",
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let (status, listed) = etude
        .json(&path(routes::PROCEDURE_DOCUMENTS, procedure))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file_name"] == "etat.pdf")
    );
}

#[tokio::test]
async fn a_terminated_upload_is_gone() {
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let bytes = pdf_bytes(5_000);
    let location = caller.start(&bytes, "a.pdf").await;
    caller.patch(&location, 0, &bytes[..100]).await;
    let reply = caller
        .request(Method::DELETE, &location)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::NO_CONTENT);
    assert_eq!(reply.headers()["tus-resumable"], TUS);
    let head = caller.head(&location).await;
    assert_eq!(head.status(), StatusCode::GONE);
    let patch = caller.patch(&location, 100, &bytes[100..]).await;
    assert_eq!(patch.status(), StatusCode::GONE);
    assert_eq!(code(patch).await, "upload_gone");
    assert!(part_files(&server).is_empty());
}

#[tokio::test]
async fn an_upload_left_unfinished_expires() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting_now();
    let mut config = Config::new(dir.path()).with_clock(clock.clone());
    // The session must outlive the upload for the test to see the expiry.
    config.session_idle_timeout = Duration::from_secs(72 * 3600);
    let server = TestServer::start_with(config).await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let bytes = pdf_bytes(5_000);
    let location = caller.start(&bytes, "a.pdf").await;
    caller.patch(&location, 0, &bytes[..100]).await;
    clock.advance(Duration::from_secs(23 * 3600));
    assert_eq!(caller.head(&location).await.status(), StatusCode::OK);
    clock.advance(Duration::from_secs(3600));
    let patch = caller.patch(&location, 100, &bytes[100..]).await;
    assert_eq!(patch.status(), StatusCode::GONE);
    assert_eq!(code(patch).await, "upload_gone");
    assert_eq!(caller.head(&location).await.status(), StatusCode::GONE);
    assert!(part_files(&server).is_empty());
}

#[tokio::test]
async fn a_finished_upload_no_document_was_made_of_expires() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting_now();
    let mut config = Config::new(dir.path()).with_clock(clock.clone());
    config.session_idle_timeout = Duration::from_secs(72 * 3600);
    config.unused_upload_expiry = Duration::from_secs(48 * 3600);
    config.user_quota_bytes = 50_000;
    let server = TestServer::start_with(config).await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let reference = dossier_refs(&caller).await.remove(0);
    let document_body = |location: &str| {
        json!({
            "upload_id": upload_id(location),
            "attach_to": {"kind": "dossier", "reference": reference},
            "category": "proof_of_payment",
            "note": null,
            "file_name": "f.pdf",
        })
    };
    let content = |bytes: &[u8]| {
        let sha = sha_hex(bytes);
        server.data_dir.join("documents").join(&sha[..2]).join(sha)
    };

    // Left unused, and alone with its content.
    let unused = pdf_bytes(20_000);
    let left = caller.start(&unused, "left.pdf").await;
    assert_eq!(
        caller.send_all(&left, &unused, 2).await.status(),
        StatusCode::NO_CONTENT
    );
    // Made a document.
    let kept = pdf_bytes(10_000);
    let used = caller.start(&kept, "used.pdf").await;
    caller.send_all(&used, &kept, 1).await;
    let reply = caller.create_document("used", &document_body(&used)).await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    let document: Value = reply.json().await.unwrap();
    // The same bytes again, left unused: they share the document's content.
    let twin = caller.start(&kept, "twin.pdf").await;
    caller.send_all(&twin, &kept, 1).await;
    assert!(content(&unused).exists() && content(&kept).exists());

    // 40 000 of 50 000 bytes are held.
    let later = pdf_bytes(20_000 - 1);
    let refused = caller.create(19_999, &sha_hex(&later), "later.pdf").await;
    assert_eq!(code(refused).await, "quota_exceeded");

    clock.advance(Duration::from_secs(47 * 3600));
    assert_eq!(caller.head(&left).await.status(), StatusCode::OK);
    assert_eq!(caller.head(&twin).await.status(), StatusCode::OK);
    clock.advance(Duration::from_secs(3600));

    let reply = caller.create_document("left", &document_body(&left)).await;
    assert_eq!(reply.status(), StatusCode::GONE);
    assert_eq!(code(reply).await, "upload_gone");
    assert!(!content(&unused).exists(), "its bytes are removed");
    // The upload creation sweeps the twin too, and the quota they held is free.
    let later_location = caller.start(&later, "later.pdf").await;
    assert_eq!(
        caller.send_all(&later_location, &later, 1).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(caller.head(&twin).await.status(), StatusCode::GONE);
    assert_eq!(caller.head(&left).await.status(), StatusCode::GONE);
    let reply = caller.create_document("twin", &document_body(&twin)).await;
    assert_eq!(code(reply).await, "upload_gone");

    // The upload that became a document is untouched, and so is its content.
    assert_eq!(caller.head(&used).await.status(), StatusCode::OK);
    let reply = caller
        .request(
            Method::GET,
            &path(routes::DOCUMENT_CONTENT, document["id"].as_i64().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(reply.bytes().await.unwrap().as_ref(), kept.as_slice());
    assert!(part_files(&server).is_empty());
}

#[tokio::test]
async fn the_agencys_documents_download_to_those_who_see_them() {
    let server = TestServer::start_demo().await;
    let debtor = Caller::new(&server, demo::DEBTORS[0]).await;
    let reference = dossier_refs(&debtor).await.remove(0);
    let (status, listed) = debtor
        .json(&path(routes::DOSSIER_DOCUMENTS, &reference))
        .await;
    assert_eq!(status, StatusCode::OK);
    let statement = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["origin"] == "agency")
        .expect("the demo posts a statement on each debtor dossier")
        .clone();
    assert_eq!(statement["content_type"], "application/pdf");
    let content = debtor
        .request(
            Method::GET,
            &path(routes::DOCUMENT_CONTENT, &statement["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), StatusCode::OK);
    let bytes = content.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(sha_hex(&bytes), statement["sha256"].as_str().unwrap());

    let etude = Caller::new(&server, demo::ETUDE_USER).await;
    let (_, procedures) = etude.json(routes::PROCEDURES).await;
    let mut judgments = 0;
    for procedure in procedures.as_array().unwrap() {
        let (_, docs) = etude
            .json(&path(routes::PROCEDURE_DOCUMENTS, &procedure["id"]))
            .await;
        judgments += docs
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["category"] == "judgment" && d["origin"] == "agency")
            .count();
    }
    assert_eq!(judgments, 1);
    // A restart does not post them twice.
    let mut server = server;
    server.restart().await;
    server.app().load_demo().await.unwrap();
    let (_, again) = debtor
        .json(&path(routes::DOSSIER_DOCUMENTS, &reference))
        .await;
    assert_eq!(again, listed);
}

/// Uploads `file` with tuspy, an independent tus client; prints the upload URL.
const TUSPY_UPLOAD: &str = r#"
import hashlib, sys
try:
    from tusclient import client
except ImportError as e:
    print("tuspy is not importable: %s" % e)
    sys.exit(3)
base, token, path = sys.argv[1:4]
with open(path, "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
tus = client.TusClient(base + "/v1/uploads", headers={"Authorization": "Bearer " + token})
uploader = tus.uploader(path, chunk_size=40000, metadata={"filename": "bilan 2024.pdf", "sha256": digest})
uploader.upload()
print(uploader.url)
"#;

#[tokio::test]
async fn an_independent_tus_client_uploads_a_document() {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/py");
    let server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let reference = dossier_refs(&caller).await.remove(0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bilan.pdf");
    let bytes = pdf_bytes(150_000);
    std::fs::write(&file, &bytes).unwrap();
    let output = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(TUSPY_UPLOAD)
        .arg(&server.base_url)
        .arg(&caller.token)
        .arg(&file)
        .env("PYTHONPATH", &tools)
        .output()
        .await
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_ne!(
        output.status.code(),
        Some(3),
        "{stdout}\n`make deps` installs tuspy into .tools/py"
    );
    assert!(
        output.status.success(),
        "tuspy failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let url = stdout.trim().to_owned();
    assert!(url.starts_with(&server.url("/v1/uploads/")), "{url}");
    let created = caller
        .create_document(
            "tuspy-1",
            &json!({
                "upload_id": upload_id(&url),
                "attach_to": {"kind": "dossier", "reference": reference},
                "category": "balance_sheet",
                "note": null,
                "file_name": "bilan 2024.pdf",
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let document: Value = created.json().await.unwrap();
    assert_eq!(document["sha256"], sha_hex(&bytes).as_str());
    let content = caller
        .request(
            Method::GET,
            &path(routes::DOCUMENT_CONTENT, &document["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(content.bytes().await.unwrap().as_ref(), bytes.as_slice());
}

/// Sends the rest of `bytes` from the server's offset, asking again while a
/// cut request is still being wound up on the server.
async fn resume(caller: &Caller, location: &str, bytes: &[u8]) {
    for _ in 0..100 {
        let head = caller.head(location).await;
        assert_eq!(head.status(), StatusCode::OK);
        let offset: usize = head.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let reply = caller
            .patch(location, offset as u64, &bytes[offset..])
            .await;
        if reply.status() == StatusCode::NO_CONTENT {
            assert_eq!(
                reply.headers()["upload-offset"],
                bytes.len().to_string().as_str()
            );
            return;
        }
        assert_eq!(
            reply.status(),
            StatusCode::CONFLICT,
            "only a race may refuse"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the upload never resumed");
}

#[tokio::test]
async fn a_cut_connection_and_a_restart_keep_what_arrived() {
    let mut server = TestServer::start_demo().await;
    let caller = Caller::new(&server, demo::DEBTORS[0]).await;
    let bytes = pdf_bytes(400_000);
    let location = caller.start(&bytes, "coupé.pdf").await;

    // The body stops with an error after 150 000 bytes, once the server had
    // time to read them: the request dies.
    use futures_util::StreamExt;
    let sent = bytes[..150_000].to_vec();
    let stream = futures_util::stream::iter(vec![
        Ok::<Vec<u8>, std::io::Error>(sent[..100_000].to_vec()),
        Ok(sent[100_000..].to_vec()),
    ])
    .chain(futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Err(std::io::Error::other("cable pulled"))
    }));
    let cut = caller
        .request(Method::PATCH, &location)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", 0)
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await;
    let cut = cut.map(|r| r.status());

    assert!(cut.is_err(), "{cut:?}");
    let offset_of = |reply: Response| -> u64 {
        reply.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    // What arrived before the cut is recorded, even though the client never
    // heard back.
    let mut offset = 0;
    for _ in 0..100 {
        offset = offset_of(caller.head(&location).await);
        if offset == 150_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(offset, 150_000);
    server.restart().await;
    assert_eq!(offset_of(caller.head(&location).await), 150_000);
    resume(&caller, &location, &bytes).await;
    let sha = sha_hex(&bytes);
    let stored = server.data_dir.join("documents").join(&sha[..2]).join(&sha);
    assert_eq!(sha_hex(&std::fs::read(stored).unwrap()), sha);
}
