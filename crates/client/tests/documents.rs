//! Documents through sync and their content cached for offline use, against a
//! real server on loopback: what the agency posts reaches the store, content
//! is read from the cache offline, a cut download resumes with `Range`, a
//! damaged cache is fetched again, and nothing lands outside its folder.
//!
//! These tests use the OS keyring: run them under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-client`.

mod common;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Duration;

use claimdesk_api::routes;
use claimdesk_api::uploads::{AttachTo, DocumentCategory, DocumentOrigin};
use claimdesk_client::{Claimdesk, Home, Origin, RetryPolicy, SyncOutcome};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::{CuttingProxy, pdf_bytes};
use serde_json::json;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const FAST: RetryPolicy = RetryPolicy {
    max_tries: 3,
    base_delay: Duration::from_millis(20),
    max_delay: Duration::from_millis(50),
};

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct SignedIn {
    _home: TempDir,
    desk: Claimdesk,
    reference: String,
}

/// Signs in at `url` as the first demo debtor and syncs.
async fn signed_in(url: &str) -> SignedIn {
    let home = tempfile::tempdir().unwrap();
    let mut desk = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    desk.login(url, demo::DEBTORS[0], demo::PASSWORD)
        .await
        .unwrap();
    synced(&mut desk).await;
    let reference = desk.dossiers().await.unwrap().remove(0).reference;
    SignedIn {
        _home: home,
        desk,
        reference,
    }
}

async fn synced(desk: &mut Claimdesk) {
    let outcome = desk.sync(|_| {}).await.unwrap();
    assert!(matches!(outcome, SyncOutcome::Synced(_)), "{outcome:?}");
}

fn dossier(reference: &str) -> AttachTo {
    AttachTo::Dossier {
        reference: reference.to_owned(),
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn agency_documents_arrive_by_sync_and_open_offline_from_the_cache() {
    let mut server = TestServer::start_demo().await;
    let mut me = signed_in(&server.base_url).await;
    let before = me.desk.documents(&dossier(&me.reference)).await.unwrap();
    assert!(
        before.iter().any(|d| d.origin == DocumentOrigin::Agency),
        "the demo's statement came with the first sync"
    );
    let bytes = pdf_bytes(200_000, 1);
    let id = server
        .post_agency_document(&dossier(&me.reference), &bytes, "mise en demeure.pdf")
        .await
        .id;
    assert!(
        !me.desk
            .documents(&dossier(&me.reference))
            .await
            .unwrap()
            .iter()
            .any(|d| d.id == id),
        "not before a sync"
    );
    synced(&mut me.desk).await;
    let listed = me.desk.documents(&dossier(&me.reference)).await.unwrap();
    assert_eq!(listed.len(), before.len() + 1);
    assert_eq!(listed[0].id, id, "newest first");
    assert_eq!(listed[0].origin, DocumentOrigin::Agency);
    assert_eq!(listed[0].sha256, sha_hex(&bytes));
    assert!(me.desk.status().await.unwrap().counts.documents as usize >= listed.len());

    let fetched = me.desk.document_file(id).await.unwrap();
    assert_eq!(fetched.origin, Origin::Server);
    assert_eq!(std::fs::read(&fetched.path).unwrap(), bytes);
    assert_eq!(
        fetched.path.file_name().unwrap().to_str().unwrap(),
        sha_hex(&bytes),
        "named by its hash, not by its name"
    );
    let again = me.desk.document_file(id).await.unwrap();
    assert_eq!(again.origin, Origin::Cache);
    assert_eq!(again.path, fetched.path);

    server.stop().await;
    let offline = me.desk.documents(&dossier(&me.reference)).await.unwrap();
    assert_eq!(offline, listed);
    let cached = me.desk.document_file(id).await.unwrap();
    assert_eq!(cached.origin, Origin::Cache);
    let out = tempfile::tempdir().unwrap();
    let saved = me.desk.download_document(id, out.path()).await.unwrap();
    assert_eq!(saved.path, out.path().join("mise en demeure.pdf"));
    assert_eq!(std::fs::read(&saved.path).unwrap(), bytes);
    // Never fetched: nothing to open offline.
    let never = listed.iter().find(|d| d.id != id).unwrap();
    let e = me.desk.document_file(never.id).await.unwrap_err();
    assert_eq!(e.code().to_string(), "offline", "{e}");
    assert_eq!(names_in(out.path()).len(), 1, "nothing else written");

    // Signing out takes the downloaded content along.
    let content_dir = cached.path.parent().unwrap().to_path_buf();
    me.desk.logout().await.unwrap();
    assert!(!content_dir.exists(), "{:?}", names_in(&content_dir));
}

#[tokio::test]
async fn a_download_cut_midway_resumes_with_a_range() {
    let server = TestServer::start_demo().await;
    let proxy = CuttingProxy::downstream(server.addr).await;
    let mut me = signed_in(&proxy.base_url).await;
    let size = 3 * 1024 * 1024;
    let bytes = pdf_bytes(size, 2);
    let id = server
        .post_agency_document(&dossier(&me.reference), &bytes, "grand-livre.pdf")
        .await
        .id;
    synced(&mut me.desk).await;

    proxy.arm(size as i64 / 2);
    let fetched = me.desk.document_file(id).await.unwrap();
    assert_eq!(fetched.origin, Origin::Server);
    assert_eq!(
        sha_hex(&std::fs::read(&fetched.path).unwrap()),
        sha_hex(&bytes)
    );
    let received = proxy.bytes.load(Ordering::SeqCst);
    assert!(proxy.cut(), "the download was cut");
    // Resumed, not fetched again from the start (headers aside).
    assert!(
        received < size as u64 + 64 * 1024,
        "{received} bytes came for a {size}-byte document"
    );
    let dir = fetched.path.parent().unwrap();
    assert_eq!(names_in(dir), vec![sha_hex(&bytes)], "no part file left");
}

#[tokio::test]
async fn a_damaged_cache_is_fetched_again_and_hostile_names_stay_in_their_folder() {
    let server = TestServer::start_demo().await;
    let mut me = signed_in(&server.base_url).await;
    let bytes = pdf_bytes(50_000, 3);
    let id = server
        .post_agency_document(&dossier(&me.reference), &bytes, "../../../escape.pdf")
        .await
        .id;
    synced(&mut me.desk).await;
    let fetched = me.desk.document_file(id).await.unwrap();
    std::fs::write(&fetched.path, b"%PDF-1.7 not what the agency sent").unwrap();
    let again = me.desk.document_file(id).await.unwrap();
    assert_eq!(again.origin, Origin::Server, "a damaged copy is not served");
    assert_eq!(std::fs::read(&again.path).unwrap(), bytes);
    // A part file of other bytes is not trusted either.
    std::fs::remove_file(&again.path).unwrap();
    std::fs::write(again.path.with_extension("part"), b"%PDF-1.7 garbage").unwrap();
    let third = me.desk.document_file(id).await.unwrap();
    assert_eq!(std::fs::read(&third.path).unwrap(), bytes);

    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    for _ in 0..2 {
        let saved = me.desk.download_document(id, &out).await.unwrap();
        assert_eq!(saved.path.parent(), Some(out.as_path()));
    }
    let mut inside = names_in(&out);
    inside.sort();
    assert_eq!(inside, vec!["escape (2).pdf", "escape.pdf"]);
    assert_eq!(
        names_in(root.path()),
        vec!["out"],
        "nothing beside the folder"
    );
}

#[tokio::test]
async fn a_sent_document_lists_at_once_and_revoked_documents_leave_the_disk() {
    let server = TestServer::start_demo().await;
    let mut me = signed_in(&server.base_url).await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("avis d'imposition.pdf");
    let bytes = pdf_bytes(80_000, 4);
    std::fs::write(&file, &bytes).unwrap();
    me.desk
        .add_document(
            dossier(&me.reference),
            std::slice::from_ref(&file),
            DocumentCategory::ProofOfIncome,
            None,
            false,
        )
        .await
        .unwrap();
    let report = me.desk.send_outbox(|_| {}).await.unwrap();
    let id = report.sent[0].document_id;
    let listed = me.desk.documents(&dossier(&me.reference)).await.unwrap();
    assert_eq!(listed[0].id, id, "listed before any sync");
    assert_eq!(listed[0].origin, DocumentOrigin::Customer);
    let cached = me.desk.document_file(id).await.unwrap();
    assert_eq!(
        cached.origin,
        Origin::Cache,
        "the copy sent is the cached content"
    );
    assert_eq!(std::fs::read(&cached.path).unwrap(), bytes);
    let opened = me.desk.document_to_open(id).await.unwrap();
    assert_eq!(opened.file_name().unwrap(), "avis d'imposition.pdf");
    assert_eq!(std::fs::read(&opened).unwrap(), bytes);
    // A viewer that saves over its file does not touch the cached content.
    std::fs::write(&opened, b"annotated").unwrap();
    assert_eq!(
        me.desk.document_file(id).await.unwrap().origin,
        Origin::Cache
    );
    assert_eq!(std::fs::read(&cached.path).unwrap(), bytes);
    let reopened = me.desk.document_to_open(id).await.unwrap();
    assert_eq!(reopened, opened, "the same name each time");
    assert_eq!(std::fs::read(&reopened).unwrap(), bytes, "a fresh copy");
    synced(&mut me.desk).await;
    assert_eq!(
        me.desk.documents(&dossier(&me.reference)).await.unwrap(),
        listed,
        "the feed brings the same record"
    );

    // The debtor loses the dossier: its documents and their content go.
    let admin = server.admin_token().await;
    let revoked = reqwest::Client::new()
        .post(server.url(routes::ADMIN_GRANTS_REVOKE))
        .bearer_auth(admin)
        .json(
            &json!({"subject": {"kind": "user", "email": demo::DEBTORS[0]},
                      "object": {"kind": "dossier", "reference": me.reference}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    synced(&mut me.desk).await;
    assert!(
        me.desk
            .documents(&dossier(&me.reference))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!cached.path.exists(), "the content went with its document");
    assert!(!opened.exists(), "and so did the copy opened in a viewer");
}
