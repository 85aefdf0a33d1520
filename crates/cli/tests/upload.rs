//! `upload`, `outbox`, `documents` and `download` of the built binary against a
//! real server on loopback. Uses the OS keyring: run under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-cli`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use claimdesk_api::routes;
use claimdesk_client::ApiClient;
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::{claimdesk, command};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Signs in as `email`; answers the same session's API client and a dossier reference.
async fn login(home: &Path, server: &TestServer, email: &str) -> (ApiClient, String) {
    common::login(home, server, email).await;
    let api = common::server_view(home, server, email).await;
    let reference = api.dossiers().await.unwrap().remove(0).reference;
    (api, reference)
}

fn pdf_file(dir: &Path, name: &str, size: usize) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, claimdesk_server::testing::pdf_bytes(size, 0)).unwrap();
    path
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn documents_of(home: &Path, reference: &str) -> Vec<Value> {
    claimdesk(home, None, &["documents", reference, "--json"], None)
        .await
        .ok()
        .json()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn an_upload_killed_mid_way_completes_on_the_next_run_once() {
    let server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let (_, reference) = login(home.path(), &server, demo::DEBTORS[0]).await;
    let files = tempfile::tempdir().unwrap();
    let size = 64 * 1024 * 1024;
    let file = pdf_file(files.path(), "grand-livre.pdf", size);
    let expected = sha_hex(&std::fs::read(&file).unwrap());
    let before = documents_of(home.path(), &reference).await.len();

    let mut child = command(
        home.path(),
        &[
            "upload",
            &reference,
            file.to_str().unwrap(),
            "--category",
            "balance_sheet",
        ],
    )
    .spawn()
    .unwrap();
    drop(child.stdin.take());
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let killed_after = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            // The second progress line: a chunk is on the server.
            if line.starts_with("uploading") && !line.contains("(0%)") {
                child.start_kill().unwrap();
                return line;
            }
        }
        panic!("the upload ended without progress");
    })
    .await
    .expect("progress within two minutes");
    let status = child.wait().await.unwrap();
    assert!(!status.success(), "killed: {status:?}");
    assert!(!killed_after.contains("(100%)"), "{killed_after}");

    let outbox = claimdesk(home.path(), None, &["outbox", "--json"], None)
        .await
        .ok();
    let items = outbox.json();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["state"], "done", "{items:?}");
    assert_eq!(items[0]["percent"], 100);
    // It resumed where the server stood, not from the first byte.
    let first = outbox
        .stderr
        .lines()
        .find(|l| l.starts_with("uploading"))
        .unwrap_or_default();
    assert!(
        !first.contains("(0%)"),
        "resumed from the server's offset: {}",
        outbox.stderr
    );

    let listed = documents_of(home.path(), &reference).await;
    assert_eq!(listed.len(), before + 1);
    let ours: Vec<&Value> = listed.iter().filter(|d| d["sha256"] == expected).collect();
    assert_eq!(ours.len(), 1, "one document: {listed:?}");
    assert_eq!(ours[0]["size"], size);
    // Nothing left to send: a further run creates nothing.
    claimdesk(home.path(), None, &["outbox"], None).await.ok();
    assert_eq!(
        documents_of(home.path(), &reference).await.len(),
        before + 1
    );
}

/// A document with the given file name, straight through the API (tus then create).
async fn document_named(api: &ApiClient, base: &str, reference: &str, name: &str) -> i64 {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
    let bytes = format!("%PDF-1.7\n% {name:?}\n").into_bytes();
    let http = reqwest::Client::new();
    let token = api.token().unwrap().expose().to_owned();
    let created = http
        .post(format!("{base}{}", routes::UPLOADS))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header(
            "Upload-Metadata",
            format!("filename {},sha256 {}", b64("x.pdf"), b64(&sha_hex(&bytes))),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let url = if location.starts_with("http") {
        location.clone()
    } else {
        format!("{base}{location}")
    };
    let patched = http
        .patch(&url)
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status().as_u16(), 204);
    let document: Value = http
        .post(format!("{base}{}", routes::DOCUMENTS))
        .bearer_auth(&token)
        .header("Idempotency-Key", uuid_like(name))
        .json(&json!({
            "upload_id": location.rsplit('/').next().unwrap(),
            "attach_to": {"kind": "dossier", "reference": reference},
            "category": "claim_evidence",
            "note": null,
            "file_name": name,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    document["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{document}"))
}

fn uuid_like(seed: &str) -> String {
    let digest = sha_hex(seed.as_bytes());
    format!(
        "{}-{}-{}-{}-{}",
        &digest[..8],
        &digest[8..12],
        &digest[12..16],
        &digest[16..20],
        &digest[20..32]
    )
}

#[tokio::test]
async fn hostile_document_names_cannot_leave_the_chosen_folder() {
    let server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let (api, reference) = login(home.path(), &server, demo::DEBTORS[0]).await;
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    for name in [
        "../../escape.pdf",
        "/etc/passwd",
        "..\\..\\windows.pdf",
        "CON",
        "nul.pdf",
        "bad\u{1}\u{7f}name.pdf",
        "..",
    ] {
        let id = document_named(&api, &server.base_url, &reference, name).await;
        let run = claimdesk(
            home.path(),
            None,
            &["download", &id.to_string(), "--out", out.to_str().unwrap()],
            None,
        )
        .await
        .ok();
        let saved = PathBuf::from(run.stdout.trim());
        assert_eq!(saved.parent(), Some(out.as_path()), "{name:?} → {saved:?}");
        let file_name = saved.file_name().unwrap().to_str().unwrap();
        assert!(
            !file_name.chars().any(char::is_control) && !file_name.starts_with('.'),
            "{file_name:?}"
        );
        let stem = file_name.split('.').next().unwrap().to_ascii_uppercase();
        assert!(!matches!(stem.as_str(), "CON" | "NUL"), "{file_name:?}");
        assert!(std::fs::read(&saved).unwrap().starts_with(b"%PDF"));
    }
    // Everything landed in the folder, nothing beside it or in temporaries.
    let beside: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
    assert_eq!(beside.len(), 1);
    let inside: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(inside.len(), 7, "{inside:?}");
    assert!(inside.iter().all(|n| !n.ends_with(".part")), "{inside:?}");
}

#[tokio::test]
async fn a_refused_file_is_reported_and_can_be_cancelled() {
    let server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let (_, reference) = login(home.path(), &server, demo::DEBTORS[0]).await;
    let files = tempfile::tempdir().unwrap();
    let exe = files.path().join("facture.pdf");
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec();
    bytes.resize(4096, 0);
    std::fs::write(&exe, bytes).unwrap();
    let run = claimdesk(
        home.path(),
        None,
        &[
            "upload",
            &reference,
            exe.to_str().unwrap(),
            "--category",
            "proof_of_payment",
        ],
        None,
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("unsupported_media_type"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("outbox retry 1"), "{}", run.stderr);
    let listed = claimdesk(home.path(), None, &["outbox"], None).await.ok();
    assert!(listed.stdout.contains("failed"), "{}", listed.stdout);
    let run = claimdesk(home.path(), None, &["outbox", "cancel", "1"], None)
        .await
        .ok();
    assert!(run.stdout.contains("cancelled"), "{}", run.stdout);
    let items = claimdesk(home.path(), None, &["outbox", "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(items[0]["state"], "cancelled");
    let run = claimdesk(
        home.path(),
        None,
        &["upload", &reference, "x.pdf", "--category", "nonsense"],
        None,
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("proof_of_income"), "{}", run.stderr);
}

#[tokio::test]
async fn after_a_sync_documents_list_and_download_offline() {
    let mut server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let (_, reference) = login(home.path(), &server, demo::DEBTORS[0]).await;
    claimdesk(home.path(), None, &["sync"], None).await.ok();
    let online = documents_of(home.path(), &reference).await;
    let statement = online
        .iter()
        .find(|d| d["origin"] == "agency")
        .expect("the demo's statement came with the sync")
        .clone();
    let id = statement["id"].as_i64().unwrap().to_string();
    let out = tempfile::tempdir().unwrap();
    let first = claimdesk(
        home.path(),
        None,
        &["download", &id, "--out", out.path().to_str().unwrap()],
        None,
    )
    .await
    .ok();

    server.stop().await;
    assert_eq!(documents_of(home.path(), &reference).await, online);
    let again = tempfile::tempdir().unwrap();
    let offline = claimdesk(
        home.path(),
        None,
        &["download", &id, "--out", again.path().to_str().unwrap()],
        None,
    )
    .await
    .ok();
    let (first, offline) = (
        PathBuf::from(first.stdout.trim()),
        PathBuf::from(offline.stdout.trim()),
    );
    assert_eq!(offline.parent(), Some(again.path()));
    assert_eq!(first.file_name(), offline.file_name());
    let bytes = std::fs::read(&offline).unwrap();
    assert_eq!(bytes, std::fs::read(&first).unwrap());
    assert_eq!(sha_hex(&bytes), statement["sha256"].as_str().unwrap());
}
