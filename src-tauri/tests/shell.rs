//! The shell's own behaviour without a window: what the commands answer, the
//! single sync that concurrent requests join, the events, the offline switch
//! and the return of the server, the settings, documents from selection to
//! outbox to server and back. Against a real central API on
//! loopback; signing in uses the OS keyring, so run under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-desktop`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use claimdesk_api::uploads::{AttachTo, DocumentCategory};
use claimdesk_client::OutboxState;
use claimdesk_client::{ApiClient, Home, RetryPolicy, SearchHitKind, SessionToken, Subject};
use claimdesk_desktop::background::{self, OFFLINE_PROBE};
use claimdesk_desktop::desktop::{Desktop, Events, SettingsFile};
use claimdesk_desktop::error::CommandResult;
use claimdesk_desktop::save;
use claimdesk_desktop::settings::{Language, Settings};
use claimdesk_desktop::views::{
    DocumentOrigin, DocumentSource, QueueItem, QueueProgress, SyncProgress, SyncReport, SyncState,
};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use tempfile::TempDir;

const FAST: RetryPolicy = RetryPolicy {
    max_tries: 2,
    base_delay: Duration::from_millis(20),
    max_delay: Duration::from_millis(50),
};

#[derive(Debug, Clone, PartialEq)]
enum Event {
    Progress(SyncProgress),
    State(SyncState),
    Done(SyncReport),
    Upload(QueueProgress),
    Queue(Vec<QueueItem>),
    Notify(Vec<claimdesk_client::requests::Notification>),
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Event>>>);

impl Recorder {
    fn take(&self) -> Vec<Event> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl Events for Recorder {
    fn progress(&self, progress: SyncProgress) {
        self.0.lock().unwrap().push(Event::Progress(progress));
    }
    fn state(&self, state: SyncState) {
        self.0.lock().unwrap().push(Event::State(state));
    }
    fn done(&self, report: &SyncReport) {
        self.0.lock().unwrap().push(Event::Done(report.clone()));
    }
    fn upload(&self, progress: QueueProgress) {
        self.0.lock().unwrap().push(Event::Upload(progress));
    }
    fn queue(&self, items: &[QueueItem]) {
        self.0.lock().unwrap().push(Event::Queue(items.to_vec()));
    }
    fn notify(&self, notifications: &[claimdesk_client::requests::Notification]) {
        self.0
            .lock()
            .unwrap()
            .push(Event::Notify(notifications.to_vec()));
    }
}

#[derive(Clone, Default)]
struct MemoryFile(Arc<Mutex<Option<serde_json::Value>>>);

impl SettingsFile for MemoryFile {
    fn load(&self) -> Option<serde_json::Value> {
        self.0.lock().unwrap().clone()
    }
    fn save(&self, value: serde_json::Value) -> CommandResult<()> {
        *self.0.lock().unwrap() = Some(value);
        Ok(())
    }
}

struct Shell {
    _home: TempDir,
    desktop: Arc<Desktop>,
    events: Recorder,
    file: MemoryFile,
}

async fn shell(server_override: Option<&str>) -> Shell {
    let home = tempfile::tempdir().unwrap();
    let events = Recorder::default();
    let file = MemoryFile::default();
    let desktop = Desktop::open(
        Home::new(home.path()),
        Box::new(events.clone()),
        Box::new(file.clone()),
        server_override.map(str::to_owned),
    )
    .await
    .unwrap()
    .with_retry(FAST);
    Shell {
        _home: home,
        desktop: Arc::new(desktop),
        events,
        file,
    }
}

/// A shell signed in as the first demo debtor, synced.
async fn synced_debtor(server: &TestServer) -> Shell {
    let shell = shell(None).await;
    shell
        .desktop
        .login(&server.base_url, demo::DEBTORS[0], demo::PASSWORD)
        .await
        .unwrap();
    shell.desktop.sync().await.unwrap();
    shell
}

fn dones(events: &[Event]) -> Vec<&SyncReport> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Done(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn states(events: &[Event]) -> Vec<SyncState> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::State(s) => Some(*s),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn signed_out_the_status_is_empty_and_reads_ask_to_sign_in() {
    let mut server = TestServer::start_demo().await;
    let shell = shell(Some(&server.base_url)).await;
    let status = shell.desktop.app_status().await.unwrap();
    assert_eq!(status.user, None);
    assert_eq!(status.server_url, server.base_url);
    assert!(status.online);
    assert_eq!(status.counts.procedures, 0);
    let e = shell.desktop.procedures().await.unwrap_err();
    assert_eq!(e.code.as_str(), "not_logged_in");
    let e = shell.desktop.sync().await.unwrap_err();
    assert_eq!(e.code.as_str(), "not_logged_in");

    server.stop().await;
    assert!(!shell.desktop.app_status().await.unwrap().online);
    assert_eq!(
        states(&shell.events.take()).last().map(|s| s.online),
        Some(false)
    );
}

#[tokio::test]
async fn wrong_passwords_are_refused_with_the_servers_code() {
    let server = TestServer::start_demo().await;
    let shell = shell(None).await;
    let e = shell
        .desktop
        .login(&server.base_url, demo::ETUDE_USER, "not the password")
        .await
        .unwrap_err();
    assert_eq!(e.code.as_str(), "invalid_credentials");
    assert!(!shell.desktop.signed_in().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_sync_serves_concurrent_requests_and_the_data_survives_a_cut() {
    let mut server = TestServer::start_demo().await;
    let token = server.token_for(demo::ETUDE_USER).await;
    let api = ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(SessionToken::new(token));
    let on_server = api.procedures().await.unwrap();

    let shell = shell(None).await;
    let user = shell
        .desktop
        .login(&server.base_url, demo::ETUDE_USER, demo::PASSWORD)
        .await
        .unwrap();
    assert_eq!(user.email, demo::ETUDE_USER);
    // The server signed in to becomes the one proposed next time.
    assert_eq!(shell.desktop.settings().server_url, server.base_url);
    assert_eq!(
        shell.file.load().unwrap()["server_url"],
        serde_json::json!(server.base_url)
    );
    let e = shell.desktop.procedures().await.unwrap_err();
    assert_eq!(e.code.as_str(), "never_synced");
    shell.events.take();

    let (a, b) = tokio::join!(shell.desktop.sync(), shell.desktop.sync());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert!(a.applied > 0);
    assert_eq!(a.procedures, on_server.len() as u64);
    let events = shell.events.take();
    assert_eq!(dones(&events), vec![&a], "one sync ran, announced once");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Progress(p) if !p.more))
    );
    let changes = states(&events);
    assert!(changes.first().unwrap().syncing);
    let last = changes.last().unwrap();
    assert!(!last.syncing && last.online && last.last_sync.is_some());

    // Reads.
    let procedures = shell.desktop.procedures().await.unwrap();
    assert_eq!(procedures.len(), on_server.len());
    let busiest = procedures.iter().max_by_key(|p| p.claims_count).unwrap();
    assert!(busiest.claims_count > 0);
    let detail = shell.desktop.procedure(busiest.procedure.id).await.unwrap();
    assert_eq!(detail.claims.len() as u64, busiest.claims_count);
    assert_eq!(
        shell
            .desktop
            .procedure(i64::MAX)
            .await
            .unwrap_err()
            .code
            .as_str(),
        "not_found"
    );
    let siren = &busiest.procedure.debtor.siren;
    let hits = shell.desktop.search(siren, 20).await.unwrap();
    assert!(
        hits.iter()
            .any(|h| h.kind == SearchHitKind::Procedure && h.id == busiest.procedure.id),
        "{siren} finds its procedure: {hits:?}"
    );
    let status = shell.desktop.app_status().await.unwrap();
    assert_eq!(status.user.unwrap().email, demo::ETUDE_USER);
    assert_eq!(status.counts.procedures, on_server.len() as u64);
    assert!(status.last_sync.is_some() && status.online && !status.syncing);

    // The server goes away: the sync says offline, the window is told, the data stays.
    server.stop().await;
    let e = shell.desktop.sync().await.unwrap_err();
    assert_eq!(e.code.as_str(), "offline");
    assert!(!shell.desktop.online());
    assert_eq!(
        states(&shell.events.take()).last().map(|s| s.online),
        Some(false)
    );
    assert_eq!(
        shell.desktop.procedures().await.unwrap().len(),
        on_server.len()
    );
    assert!(!shell.desktop.app_status().await.unwrap().online);
    // While it is away, the background loop only asks whether it is back.
    assert_eq!(background::step(&shell.desktop).await, OFFLINE_PROBE);
    assert!(dones(&shell.events.take()).is_empty());

    // Back: the next look finds it and syncs at once.
    server.restart().await;
    background::step(&shell.desktop).await;
    assert!(shell.desktop.online());
    let events = shell.events.take();
    assert_eq!(dones(&events).len(), 1);
    assert!(states(&events).iter().any(|s| s.online));

    shell.desktop.logout().await.unwrap();
    assert!(!shell.desktop.signed_in().await);
    assert_eq!(
        shell.desktop.procedures().await.unwrap_err().code.as_str(),
        "not_logged_in"
    );
}

#[tokio::test]
async fn settings_are_checked_kept_and_the_environment_server_wins() {
    let shell = shell(Some("http://127.0.0.1:9")).await;
    let defaults = shell.desktop.settings();
    assert_eq!(defaults.language, Language::Fr);
    assert_eq!(defaults.server_url, "http://127.0.0.1:9");

    let chosen = Settings {
        server_url: "https://api.claimdesk.fr".into(),
        language: Language::En,
        sync_interval_minutes: 5,
        ..defaults.clone()
    };
    let answered = shell.desktop.set_settings(chosen).unwrap();
    assert_eq!(answered.language, Language::En);
    assert_eq!(answered.sync_interval_minutes, 5);
    // Kept as chosen, shown with the environment's server.
    assert_eq!(answered.server_url, "http://127.0.0.1:9");
    let kept = shell.file.load().unwrap();
    assert_eq!(kept["server_url"], "https://api.claimdesk.fr");
    assert_eq!(kept["language"], "en");

    let refused = shell.desktop.set_settings(Settings {
        sync_interval_minutes: 0,
        ..answered.clone()
    });
    assert_eq!(refused.unwrap_err().code.as_str(), "validation_failed");
    assert_eq!(shell.desktop.settings().sync_interval_minutes, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_ribs_and_attestations_are_shown_and_saved_where_chosen() {
    let mut server = TestServer::start_demo().await;
    let token = server.token_for(demo::DEBTORS[0]).await;
    let api = ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(SessionToken::new(token));
    let dossiers = api.dossiers().await.unwrap();
    let owing = dossiers.iter().find(|d| !d.balance.is_zero()).unwrap();
    let settled = dossiers.iter().find(|d| d.balance.is_zero()).unwrap();

    let shell = synced_debtor(&server).await;
    let subject = Subject::Dossier(owing.reference.clone());

    let shown = shell.desktop.statement(&subject, None).await.unwrap();
    assert_eq!(shown.origin, DocumentOrigin::Server);
    assert!(!shown.statement.provisional);
    assert!(!shown.statement.lines.is_empty());
    assert!(
        shown
            .statement
            .lines
            .iter()
            .all(|l| !l.explanation.rule.is_empty() || !l.explanation.text.is_empty())
    );
    let earlier = shown.statement.as_of - chrono::Days::new(30);
    let then = shell
        .desktop
        .statement(&subject, Some(earlier))
        .await
        .unwrap();
    assert_eq!(then.statement.as_of, earlier);

    let rib = shell.desktop.rib(&subject).await.unwrap();
    assert_eq!(rib.rib.iban, owing.rib.iban);
    assert_eq!(rib.iban_grouped.replace(' ', ""), owing.rib.iban);
    assert!(rib.iban_grouped.split(' ').all(|g| g.len() <= 4));

    let folder = tempfile::tempdir().unwrap();
    let pdf = shell
        .desktop
        .statement_pdf(&subject, Some(earlier))
        .await
        .unwrap();
    let path = save::save_in(folder.path(), &pdf).unwrap();
    assert_eq!(path, folder.path().join(&pdf.filename));
    let written = std::fs::read(&path).unwrap();
    assert!(written.starts_with(b"%PDF"));
    assert_eq!(written, pdf.bytes);
    let rib_pdf = shell.desktop.rib_pdf(&subject).await.unwrap();
    assert!(
        std::fs::read(save::save_in(folder.path(), &rib_pdf).unwrap())
            .unwrap()
            .starts_with(b"%PDF")
    );

    let refused = shell
        .desktop
        .attestation_pdf(&owing.reference)
        .await
        .unwrap_err();
    assert_eq!(refused.code.as_str(), "balance_not_zero");
    let attestation = shell
        .desktop
        .attestation_pdf(&settled.reference)
        .await
        .unwrap();
    assert!(attestation.bytes.starts_with(b"%PDF"));

    // Offline: the copy fetched earlier, said to be one.
    server.stop().await;
    let cached = shell.desktop.statement(&subject, None).await.unwrap();
    assert_eq!(cached.origin, DocumentOrigin::Cache);
    assert_eq!(cached.statement, shown.statement);
    // Never fetched at that date: computed here, and marked so.
    let other = shown.statement.as_of - chrono::Days::new(3);
    let provisional = shell
        .desktop
        .statement(&subject, Some(other))
        .await
        .unwrap();
    assert_eq!(provisional.origin, DocumentOrigin::Provisional);
    assert!(provisional.statement.provisional);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_picked_go_out_once_through_the_outbox_and_come_back_to_open_and_save() {
    let mut server = TestServer::start_demo().await;
    let shell = synced_debtor(&server).await;
    let reference = shell.desktop.dossiers().await.unwrap()[0]
        .dossier
        .reference
        .clone();
    let target = AttachTo::Dossier { reference };
    let before = shell.desktop.documents_of(&target).await.unwrap().len();

    let picked = tempfile::tempdir().unwrap();
    let file = picked.path().join("virement octobre.pdf");
    let bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    std::fs::write(&file, &bytes).unwrap();

    // Offline first: added all the same, and waiting.
    server.stop().await;
    let selection = shell.desktop.select(vec![file.clone()]).unwrap();
    let add = || {
        shell.desktop.add_documents(
            selection.id,
            target.clone(),
            DocumentCategory::ProofOfPayment,
            None,
            false,
        )
    };
    let ids = add().await.unwrap();
    assert_eq!(ids.len(), 1);
    let again = add().await.unwrap_err();
    assert_eq!(
        again.code.as_str(),
        "not_found",
        "a selection is added once"
    );
    let offline = shell.desktop.send_outbox().await.unwrap();
    assert!(offline.offline);
    assert!(!shell.desktop.online());
    let queue = shell.desktop.outbox().await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].state, OutboxState::Pending);
    assert_eq!(
        (queue[0].file_name.as_str(), queue[0].size),
        ("virement octobre.pdf", bytes.len() as u64)
    );
    let json = serde_json::to_string(&queue).unwrap();
    assert!(
        !json.contains(&*picked.path().to_string_lossy()) && !json.contains("outbox/"),
        "the queue tells the window where files are: {json}"
    );

    // Back online: sent once, with progress, and the queue says so.
    server.restart().await;
    shell.events.take();
    let report = shell.desktop.send_outbox().await.unwrap();
    assert_eq!(report.sent.len(), 1);
    assert_eq!(report.sent[0].item_id, ids[0]);
    let events = shell.events.take();
    assert!(
        events.iter().any(
            |e| matches!(e, Event::Upload(p) if p.item_id == ids[0] && p.sent == bytes.len() as u64)
        ),
        "{events:?}"
    );
    let Some(Event::Queue(last)) = events.iter().rev().find(|e| matches!(e, Event::Queue(_)))
    else {
        panic!("no queue event: {events:?}");
    };
    assert_eq!(last[0].state, OutboxState::Done);
    assert_eq!(last[0].percent, 100);
    let second = shell.desktop.send_outbox().await.unwrap();
    assert!(second.sent.is_empty());

    let documents = shell.desktop.documents_of(&target).await.unwrap();
    assert_eq!(documents.len(), before + 1);
    let ours: Vec<_> = documents
        .iter()
        .filter(|d| d.file_name == "virement octobre.pdf")
        .collect();
    assert_eq!(ours.len(), 1, "sent exactly once");
    let document = ours[0];
    assert_eq!(document.origin, DocumentSource::Customer);
    assert_eq!(document.category, DocumentCategory::ProofOfPayment);

    // Opened from a copy kept on this machine; fetched once.
    let opened = shell.desktop.document_to_open(document.id).await.unwrap();
    assert_eq!(std::fs::read(&opened).unwrap(), bytes);
    assert_eq!(
        shell.desktop.document_to_open(document.id).await.unwrap(),
        opened
    );
    assert!(opened.starts_with(shell.desktop.home().root()));

    // Saved where chosen, next to what is there rather than over it.
    let folder = tempfile::tempdir().unwrap();
    let saved = shell
        .desktop
        .save_document(document.id, folder.path())
        .await
        .unwrap();
    assert_eq!(saved.parent(), Some(folder.path()));
    assert_eq!(std::fs::read(&saved).unwrap(), bytes);
    let second = shell
        .desktop
        .save_document(document.id, folder.path())
        .await
        .unwrap();
    assert_ne!(second, saved);
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 2);

    // Offline: listed and saved from what this machine keeps.
    server.stop().await;
    let offline = shell.desktop.documents_of(&target).await.unwrap();
    assert_eq!(offline, documents);
    let kept = tempfile::tempdir().unwrap();
    let saved = shell
        .desktop
        .save_document(document.id, kept.path())
        .await
        .unwrap();
    assert_eq!(std::fs::read(saved).unwrap(), bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_file_says_why_and_can_be_retried_or_cancelled() {
    let server = TestServer::start_demo().await;
    let shell = synced_debtor(&server).await;
    let picked = tempfile::tempdir().unwrap();
    let file = picked.path().join("programme.exe");
    std::fs::write(&file, b"MZ\x90\x00 not a document at all").unwrap();
    let selection = shell.desktop.select(vec![file]).unwrap();
    // A dossier of somebody else: refused for good, not retried forever.
    let ids = shell
        .desktop
        .add_documents(
            selection.id,
            AttachTo::Dossier {
                reference: "D-NOT-MINE".into(),
            },
            DocumentCategory::Charges,
            None,
            false,
        )
        .await
        .unwrap();
    let report = shell.desktop.send_outbox().await.unwrap();
    assert_eq!(report.failed, ids);
    let item = &shell.desktop.outbox().await.unwrap()[0];
    assert_eq!(item.state, OutboxState::Failed);
    assert!(item.error.is_some());
    let retried = shell.desktop.retry_outbox_item(ids[0]).await.unwrap();
    assert_eq!(retried.state, OutboxState::Pending);
    assert_eq!(retried.error, None);
    let cancelled = shell.desktop.cancel_outbox_item(ids[0]).await.unwrap();
    assert_eq!(cancelled.state, OutboxState::Cancelled);
    assert!(shell.desktop.send_outbox().await.unwrap().sent.is_empty());
}

/// The first dossier of the first demo debtor with something to pay.
async fn payable_dossier(shell: &Shell) -> String {
    for dossier in shell.desktop.dossiers().await.unwrap() {
        let due = shell.desktop.due(&dossier.dossier.reference).await.unwrap();
        if due.balance.is_positive() {
            return dossier.dossier.reference;
        }
    }
    panic!("the demo debtor owes nothing");
}

/// Orders 12.34 € by `method` with the server stopped, then sends the order
/// once it is back: the instructions shown offline and those the server gave.
async fn ordered_offline(
    method: claimdesk_api::payments::PaymentMethod,
) -> (
    claimdesk_api::payments::PaymentInstructions,
    claimdesk_api::payments::PaymentInstructions,
) {
    use claimdesk_api::payments::NewPayment;

    let mut server = TestServer::start_demo().await;
    let shell = synced_debtor(&server).await;
    let reference = payable_dossier(&shell).await;
    let order = NewPayment {
        dossier_reference: reference.clone(),
        amount: "12.34".parse().unwrap(),
        method,
        installments: vec![],
    };

    server.stop().await;
    let queued = shell.desktop.order_payment(order.clone()).await.unwrap();
    assert_eq!(queued.payment, None);
    let item = queued.outbox_item.expect("the order waits in the outbox");
    let offline = queued.instructions.expect("no instructions offline");
    let waiting = shell.desktop.outbox().await.unwrap();
    let row = waiting.iter().find(|i| i.id == item).unwrap();
    assert_eq!(row.kind, claimdesk_client::OutboxKind::PaymentOrder);

    server.restart().await;
    let report = shell.desktop.send_outbox().await.unwrap();
    assert!(report.sent.iter().any(|s| s.item_id == item), "{report:?}");
    // Sent again: nothing more goes out.
    assert!(shell.desktop.send_outbox().await.unwrap().sent.is_empty());
    shell.desktop.sync().await.unwrap();
    let payments = shell.desktop.payments(&reference).await.unwrap();
    assert_eq!(payments.len(), 1, "{payments:?}");
    let due = shell.desktop.due(&reference).await.unwrap();
    assert_eq!(due.pending, order.amount);
    let online = payments[0]
        .instructions
        .clone()
        .expect("the server gave no instructions");
    (offline, online)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_prepared_offline_shows_the_instructions_the_server_then_gives() {
    use claimdesk_api::payments::{PaymentInstructions, PaymentMethod};

    let (offline, online) = ordered_offline(PaymentMethod::Transfer).await;
    let PaymentInstructions::Transfer(transfer) = &offline else {
        panic!("no transfer instructions offline: {offline:?}");
    };
    assert!(transfer.epc_payload.contains("EUR12.34"));
    // What was shown offline is what the agency reconciles by.
    assert_eq!(online, offline);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cheque_prepared_offline_goes_where_the_server_then_says() {
    use claimdesk_api::payments::{PaymentInstructions, PaymentMethod};

    let (offline, online) = ordered_offline(PaymentMethod::Cheque).await;
    let PaymentInstructions::Cheque(cheque) = &offline else {
        panic!("no cheque instructions offline: {offline:?}");
    };
    // The demo servicers take cheques at a TSA box, not at their letterhead.
    assert!(cheque.address.contains("TSA"), "{cheque:?}");
    assert_eq!(online, offline);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_payment_needs_the_network_and_gives_a_web_page() {
    use claimdesk_api::payments::{NewPayment, PaymentMethod};
    use claimdesk_desktop::paying;

    let mut server = TestServer::start_demo().await;
    let shell = synced_debtor(&server).await;
    let reference = payable_dossier(&shell).await;
    let order = NewPayment {
        dossier_reference: reference.clone(),
        amount: "10.00".parse().unwrap(),
        method: PaymentMethod::Card,
        installments: vec![],
    };
    let view = shell.desktop.order_payment(order.clone()).await.unwrap();
    let payment = view.payment.expect("a card payment is sent at once");
    assert_eq!(view.outbox_item, None);
    let url = paying::checkout_url(&payment).unwrap();
    assert!(url.starts_with(&server.base_url), "{url}");
    let page = reqwest_get(url).await;
    assert!(page.contains("10.00"), "{page}");

    server.stop().await;
    let refused = shell.desktop.order_payment(order).await.unwrap_err();
    assert_eq!(refused.code.as_str(), "needs_network", "{refused:?}");
    assert!(
        shell
            .desktop
            .outbox()
            .await
            .unwrap()
            .iter()
            .all(|i| i.kind != claimdesk_client::OutboxKind::PaymentOrder),
        "a card payment is never queued"
    );
    assert!(paying::transfer_qr_svg("not\nan epc payload").is_ok());
}

async fn reqwest_get(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response.text().await.unwrap()
}

fn notifications(events: &[Event]) -> Vec<&claimdesk_client::requests::Notification> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Notify(n) => Some(n),
            _ => None,
        })
        .flatten()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_checked_here_answered_there_and_its_answer_notified_once() {
    use claimdesk_api::requests::{NewRequest, RequestType};
    use claimdesk_client::requests::NotificationKind;

    let server = TestServer::start_demo().await;
    let shell = synced_debtor(&server).await;
    let reference = payable_dossier(&shell).await;
    let mut request = NewRequest {
        dossier_reference: reference.clone(),
        kind: RequestType::PaymentMade,
        fields: Default::default(),
        attachments: vec![],
        password: None,
    };

    // Missing fields are said in both languages, and nothing is sent.
    let problems = shell.desktop.check_request(&request);
    let missing: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(missing, ["payment_date", "amount"]);
    assert!(problems[0].text.fr.contains("obligatoire"), "{problems:?}");
    assert!(problems[0].text.en.contains("required"), "{problems:?}");
    let refused = shell
        .desktop
        .send_request(request.clone(), None)
        .await
        .unwrap_err();
    assert_eq!(refused.code.as_str(), "invalid_fields");
    assert_eq!(refused.fields.len(), 2);

    request
        .fields
        .insert("payment_date".into(), "2026-01-15".into());
    request.fields.insert("amount".into(), "120.00".into());
    let sent = shell.desktop.send_request(request, None).await.unwrap();
    let made = sent.request.expect("sent at once while online");
    shell.events.take();

    // The agency answers; the next sync brings it, says it once, counts it unread.
    let admin = server.admin_token().await;
    let answered = reqwest::Client::new()
        .post(server.url(&claimdesk_api::routes::path(
            claimdesk_api::routes::ADMIN_REQUEST_MESSAGES,
            made.id,
        )))
        .bearer_auth(admin)
        .json(&serde_json::json!({"text": "Paiement bien reçu, merci."}))
        .send()
        .await
        .unwrap();
    assert!(answered.status().is_success(), "{}", answered.status());
    shell.desktop.sync().await.unwrap();
    let events = shell.events.take();
    let news = notifications(&events);
    assert_eq!(news.len(), 1, "{news:?}");
    assert_eq!(news[0].kind, NotificationKind::NewAnswer);
    assert_eq!(news[0].request_id, Some(made.id));
    let listed = shell.desktop.requests(Some(&reference)).await.unwrap();
    assert_eq!(listed[0].unread, 1);
    let thread = shell.desktop.thread(made.id).await.unwrap();
    assert!(
        thread
            .messages
            .iter()
            .any(|m| m.text == "Paiement bien reçu, merci.")
    );
    assert_eq!(
        shell.desktop.requests(Some(&reference)).await.unwrap()[0].unread,
        0
    );
    shell.desktop.sync().await.unwrap();
    assert!(notifications(&shell.events.take()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_switched_off_in_the_settings_is_not_notified() {
    use claimdesk_api::requests::{NewRequest, RequestType};

    let server = TestServer::start_demo().await;
    let shell = synced_debtor(&server).await;
    let mut settings = shell.desktop.settings();
    settings.notifications.new_answer = false;
    shell.desktop.set_settings(settings).unwrap();
    let reference = payable_dossier(&shell).await;
    let mut request = NewRequest {
        dossier_reference: reference,
        kind: RequestType::Question,
        fields: Default::default(),
        attachments: vec![],
        password: None,
    };
    request
        .fields
        .insert("message".into(), "Quand se termine mon plan ?".into());
    let made = shell
        .desktop
        .send_request(request, None)
        .await
        .unwrap()
        .request
        .unwrap();
    reqwest::Client::new()
        .post(server.url(&claimdesk_api::routes::path(
            claimdesk_api::routes::ADMIN_REQUEST_MESSAGES,
            made.id,
        )))
        .bearer_auth(server.admin_token().await)
        .json(&serde_json::json!({"text": "En 2031."}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    shell.events.take();
    shell.desktop.sync().await.unwrap();
    let news = shell.events.take();
    assert!(
        notifications(&news)
            .iter()
            .all(|n| n.kind != claimdesk_client::requests::NotificationKind::NewAnswer),
        "{news:?}"
    );
}
