//! The outbox against a real server on loopback: offline then back, a network
//! cut mid-upload, replays, and a file the server refuses.
//!
//! These tests use the OS keyring: run them under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-client`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use claimdesk_api::routes;
use claimdesk_api::uploads::{AttachTo, Document, DocumentCategory};
use claimdesk_client::{ApiClient, Claimdesk, Home, OutboxState, RetryPolicy};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::CuttingProxy;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const FAST: RetryPolicy = RetryPolicy {
    max_tries: 3,
    base_delay: Duration::from_millis(20),
    max_delay: Duration::from_millis(50),
};

struct SignedIn {
    _home: TempDir,
    desk: Claimdesk,
    api: ApiClient,
    reference: String,
}

async fn sign_in(server_url: &str, email: &str) -> SignedIn {
    let home = tempfile::tempdir().unwrap();
    let mut desk = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    desk.login(server_url, email, demo::PASSWORD).await.unwrap();
    let token = desk.keyring_slot().unwrap().load().await.unwrap().unwrap();
    let api = ApiClient::new(server_url)
        .unwrap()
        .with_token(token)
        .with_retry(FAST);
    let reference = api.dossiers().await.unwrap().remove(0).reference;
    SignedIn {
        _home: home,
        desk,
        api,
        reference,
    }
}

/// A PDF of `size` bytes at `dir/name`.
fn pdf_file(dir: &Path, name: &str, size: usize) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, common::pdf_bytes(size, 0)).unwrap();
    path
}

fn sha_of(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

async fn documents(api: &ApiClient, reference: &str) -> Vec<Document> {
    api.get(&routes::path(routes::DOSSIER_DOCUMENTS, reference), &[])
        .await
        .unwrap()
}

async fn content(api: &ApiClient, id: i64) -> Vec<u8> {
    api.get_bytes(&routes::path(routes::DOCUMENT_CONTENT, id), &[])
        .await
        .unwrap()
}

/// Adds `file` to the outbox for the signed-in user's dossier.
async fn add_to_dossier(me: &mut SignedIn, file: &Path, category: DocumentCategory) -> Vec<i64> {
    me.desk
        .add_document(
            AttachTo::Dossier {
                reference: me.reference.clone(),
            },
            &[file.to_path_buf()],
            category,
            None,
            false,
        )
        .await
        .unwrap()
}

/// The document `id` holds `file`'s bytes, and it alone in the dossier does.
async fn assert_delivered_once(me: &SignedIn, id: i64, file: &Path) {
    let listed = documents(&me.api, &me.reference).await;
    let document = listed.iter().find(|d| d.id == id).unwrap();
    assert_eq!(document.sha256, sha_of(file));
    assert_eq!(document.size, std::fs::metadata(file).unwrap().len());
    let stored = content(&me.api, id).await;
    assert_eq!(hex::encode(Sha256::digest(&stored)), sha_of(file));
    assert_eq!(
        listed
            .iter()
            .filter(|d| d.sha256 == document.sha256)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_document_added_offline_is_sent_once_when_the_server_is_back() {
    let mut server = TestServer::start_demo().await;
    let mut me = sign_in(&server.base_url, demo::DEBTORS[0]).await;
    let files = tempfile::tempdir().unwrap();
    let file = pdf_file(files.path(), "avis d'imposition.pdf", 300_000);
    let before = documents(&me.api, &me.reference).await.len();

    server.stop().await;
    let ids = add_to_dossier(&mut me, &file, DocumentCategory::ProofOfIncome).await;
    let report = me.desk.send_outbox(|_| {}).await.unwrap();
    assert!(report.offline, "{report:?}");
    assert_eq!(report.pending, 1);
    assert!(report.sent.is_empty());
    let item = me.desk.outbox().await.unwrap().remove(0);
    assert_eq!(item.id, ids[0]);
    assert!(item.state.is_waiting());
    assert_eq!(item.last_error.as_ref().unwrap().code, "offline");
    assert_eq!(me.desk.status().await.unwrap().pending_outbox, 1);

    server.restart().await;
    let mut progress = Vec::new();
    let report = me
        .desk
        .send_outbox(|p| progress.push((p.sent, p.size)))
        .await
        .unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert!(!report.offline);
    assert_eq!(report.pending, 0);
    assert_eq!(progress.last(), Some(&(300_000, 300_000)));
    let item = me.desk.outbox().await.unwrap().remove(0);
    assert_eq!(item.state, OutboxState::Done);
    assert_eq!(item.document_id, Some(report.sent[0].document_id));
    assert!(!item.local_path.exists(), "the copy goes once delivered");
    assert_eq!(me.desk.status().await.unwrap().pending_outbox, 0);

    let listed = documents(&me.api, &me.reference).await;
    assert_eq!(listed.len(), before + 1);
    let document = listed
        .iter()
        .find(|d| d.id == report.sent[0].document_id)
        .unwrap();
    assert_eq!(document.sha256, sha_of(&file));
    assert_eq!(document.file_name, "avis d'imposition.pdf");
    assert_eq!(document.category, DocumentCategory::ProofOfIncome);

    // Sending again, even with the item forced back, creates nothing new.
    let again = me.desk.send_outbox(|_| {}).await.unwrap();
    assert!(again.sent.is_empty() && again.failed.is_empty());
    assert_eq!(documents(&me.api, &me.reference).await.len(), before + 1);
}

#[tokio::test]
async fn a_cut_mid_upload_resumes_from_the_servers_offset() {
    let server = TestServer::start_demo().await;
    let size: usize = 18 * 1024 * 1024;
    // Cut in the middle of the third 4 MiB chunk.
    let proxy = CuttingProxy::upstream(server.addr, 10 * 1024 * 1024).await;
    let mut me = sign_in(&proxy.base_url, demo::DEBTORS[0]).await;
    let files = tempfile::tempdir().unwrap();
    let file = pdf_file(files.path(), "bilan-2024.pdf", size);
    add_to_dossier(&mut me, &file, DocumentCategory::BalanceSheet).await;
    let sent_before = proxy.bytes.load(Ordering::SeqCst);
    let report = me.desk.send_outbox(|_| {}).await.unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    let sent = proxy.bytes.load(Ordering::SeqCst) - sent_before;
    // Resumed, not restarted: at most the cut chunk goes twice (plus headers).
    assert!(sent > size as u64, "the cut happened: {sent}");
    assert!(
        sent < size as u64 + 4 * 1024 * 1024 + 64 * 1024,
        "{sent} bytes went for a {size}-byte file"
    );
    assert_delivered_once(&me, report.sent[0].document_id, &file).await;
}

#[tokio::test]
async fn an_executable_named_pdf_fails_with_its_reason_and_can_be_retried_or_cancelled() {
    let server = TestServer::start_demo().await;
    let mut me = sign_in(&server.base_url, demo::DEBTORS[0]).await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("facture.pdf");
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    bytes.resize(8192, 0);
    std::fs::write(&file, &bytes).unwrap();
    let target = AttachTo::Dossier {
        reference: me.reference.clone(),
    };
    let before = documents(&me.api, &me.reference).await.len();
    let id = me
        .desk
        .add_document(
            target,
            &[file],
            DocumentCategory::ProofOfPayment,
            None,
            false,
        )
        .await
        .unwrap()[0];
    let report = me.desk.send_outbox(|_| {}).await.unwrap();
    assert_eq!(report.failed, vec![id], "{report:?}");
    assert_eq!(report.pending, 0);
    let item = me.desk.outbox().await.unwrap().remove(0);
    assert_eq!(item.state, OutboxState::Failed);
    let error = item.last_error.clone().unwrap();
    assert_eq!(error.code, "unsupported_media_type");
    assert!(!error.message.is_empty());
    assert!(item.local_path.exists(), "kept for a retry");

    let back = me.desk.retry_outbox_item(id).await.unwrap();
    assert_eq!(back.state, OutboxState::Pending);
    let report = me.desk.send_outbox(|_| {}).await.unwrap();
    assert_eq!(report.failed, vec![id]);

    let cancelled = me.desk.cancel_outbox_item(id).await.unwrap();
    assert_eq!(cancelled.state, OutboxState::Cancelled);
    assert!(!item.local_path.exists());
    assert_eq!(me.desk.status().await.unwrap().pending_outbox, 0);
    assert_eq!(documents(&me.api, &me.reference).await.len(), before);
    if let Some(url) = &item.upload_url {
        // Terminated: the server no longer knows the upload.
        let status = reqwest::Client::new()
            .head(url)
            .header("Tus-Resumable", "1.0.0")
            .bearer_auth(
                me.desk
                    .keyring_slot()
                    .unwrap()
                    .load()
                    .await
                    .unwrap()
                    .unwrap()
                    .expose(),
            )
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!(matches!(status, 404 | 410), "{status}");
    }
}

/// The server's offset of an upload, asked with tus `HEAD`.
async fn server_offset(api: &ApiClient, url: &str) -> u64 {
    let reply = reqwest::Client::new()
        .head(url)
        .header("Tus-Resumable", "1.0.0")
        .bearer_auth(api.token().unwrap().expose())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    reply.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_server_restarted_mid_upload_is_resumed_from_its_offset() {
    let mut server = TestServer::start_demo().await;
    // More than the first chunk (4 MiB) and the largest after it (64 MiB):
    // the chunk in flight when the server stops, which it still finishes,
    // cannot be the last.
    let size: u64 = 72 * 1024 * 1024;
    // Never cuts: it counts what goes to the server.
    let proxy = CuttingProxy::upstream(server.addr, i64::MAX).await;
    let mut me = sign_in(&proxy.base_url, demo::DEBTORS[0]).await;
    let files = tempfile::tempdir().unwrap();
    let file = pdf_file(files.path(), "relevé de compte.pdf", size as usize);
    let before = documents(&me.api, &me.reference).await.len();
    add_to_dossier(&mut me, &file, DocumentCategory::ProofOfIncome).await;

    // The server stops once it acknowledged a first chunk; the send goes on
    // meanwhile and finds it gone.
    let acknowledged = tokio::sync::Notify::new();
    let sending = me.desk.send_outbox(|p| {
        if p.sent > 0 && p.sent < p.size {
            acknowledged.notify_one();
        }
    });
    let stopping = async {
        acknowledged.notified().await;
        server.stop().await;
    };
    let (report, ()) = tokio::join!(sending, stopping);
    let report = report.unwrap();
    assert!(report.offline, "{report:?}");
    assert_eq!(report.pending, 1);
    let item = me.desk.outbox().await.unwrap().remove(0);
    assert!(item.state.is_waiting(), "{item:?}");
    assert!(item.offset > 0 && item.offset < size, "{}", item.offset);
    let url = item.upload_url.clone().unwrap();
    let id = url.rsplit('/').next().unwrap();
    let part = server.data_dir.join("uploads").join(format!("{id}.part"));

    // Same data directory, same port: what arrived was kept on disk.
    server.restart().await;
    let held = server_offset(&me.api, &url).await;
    assert!(held >= item.offset && held < size, "{held} of {size}");
    assert!(std::fs::metadata(&part).unwrap().len() >= held);
    let stored = std::fs::read(&part).unwrap();
    let original = std::fs::read(&file).unwrap();
    assert!(
        stored[..held as usize] == original[..held as usize],
        "the bytes held are the file's"
    );
    drop((stored, original));

    let sent_before = proxy.bytes.load(Ordering::SeqCst);
    let mut resumed_from = None;
    let report = me
        .desk
        .send_outbox(|p| {
            resumed_from.get_or_insert(p.sent);
        })
        .await
        .unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!(resumed_from, Some(held));
    let sent = proxy.bytes.load(Ordering::SeqCst) - sent_before;
    assert!(
        sent >= size - held && sent < size - held + 64 * 1024,
        "{sent} bytes went for the {} missing",
        size - held
    );

    assert_eq!(documents(&me.api, &me.reference).await.len(), before + 1);
    assert_delivered_once(&me, report.sent[0].document_id, &file).await;
}
