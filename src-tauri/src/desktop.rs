//! The app's state between the window and the client core: one home, the
//! signed-in user's store for reads, the settings, and the sync that runs once
//! at a time however many ask for it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use claimdesk_api::auth::User;
use claimdesk_api::records::DossierDetail;
use claimdesk_api::uploads::{AttachTo, DocumentCategory};
use claimdesk_client::{
    ApiClient, Claimdesk, ClientCode, ClientError, Code, DocumentFile, Home, RetryPolicy,
    SearchHit, SendReport, Shown, Subject, SyncOutcome,
};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use tokio::sync::{Notify, RwLock};

use crate::error::{CommandError, CommandResult};
use crate::files::{Selection, Selections};
use crate::settings::Settings;
use crate::views::{
    AppStatus, DocumentView, DossierSummary, ProcedureDetail, ProcedureSummary, QueueItem,
    QueueProgress, RibView, StatementView, SyncProgress, SyncReport, SyncState,
};

/// Where the sync's news go: the window's events in the app, a recorder in tests.
pub trait Events: Send + Sync + 'static {
    fn progress(&self, progress: SyncProgress);
    fn state(&self, state: SyncState);
    fn done(&self, report: &SyncReport);
    /// A file of the outbox is uploading: bytes acknowledged so far.
    fn upload(&self, progress: QueueProgress);
    /// The outbox changed: every item, as `outbox` answers.
    fn queue(&self, items: &[QueueItem]);
    /// A sync brought news the user wants to hear of (each once).
    fn notify(&self, notifications: &[claimdesk_client::requests::Notification]);
}

/// Where the settings are kept: tauri-plugin-store in the app, memory in tests.
pub trait SettingsFile: Send + Sync + 'static {
    fn load(&self) -> Option<serde_json::Value>;
    fn save(&self, value: serde_json::Value) -> CommandResult<()>;
}

type RunningSync = Shared<BoxFuture<'static, CommandResult<SyncReport>>>;

pub struct Desktop {
    home: Home,
    /// Reads share it; sign-in and sign-out take it alone. A sync works on a
    /// handle of its own, so reads go on while it runs.
    desk: RwLock<Claimdesk>,
    /// Held by sign-in, sign-out and each sync, so that none runs inside another.
    session_gate: tokio::sync::Mutex<()>,
    running: Mutex<Option<RunningSync>>,
    online: AtomicBool,
    syncing: AtomicBool,
    last_sync: Mutex<Option<DateTime<Utc>>>,
    /// When the last sync ended, whoever asked for it: the timer counts from there.
    last_attempt: Mutex<Option<Instant>>,
    settings: Mutex<Settings>,
    settings_file: Box<dyn SettingsFile>,
    /// CLAIMDESK_SERVER: wins over the stored server.
    server_override: Option<String>,
    /// Wakes the background loop: sign-in, new settings.
    pub(crate) wake: Notify,
    events: Box<dyn Events>,
    retry: RetryPolicy,
    /// Files picked or dropped, until added to the outbox.
    pub(crate) selections: Selections,
    /// Wakes the sender of the outbox (see [`background::send`]): files added,
    /// a retry, a sync that reached the server. A wake during a pass makes one
    /// more pass after it.
    pub(crate) outbox_wake: Notify,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing holding these locks can leave the data half-changed.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Desktop {
    pub async fn open(
        home: Home,
        events: Box<dyn Events>,
        settings_file: Box<dyn SettingsFile>,
        server_override: Option<String>,
    ) -> CommandResult<Desktop> {
        let desk = Claimdesk::open(home.clone()).await?;
        let last_sync = match desk.store() {
            Ok(store) => store.last_sync().await?,
            Err(_) => None,
        };
        let settings = Settings::from_stored(settings_file.load());
        Ok(Desktop {
            home,
            desk: RwLock::new(desk),
            session_gate: tokio::sync::Mutex::new(()),
            running: Mutex::new(None),
            online: AtomicBool::new(true),
            syncing: AtomicBool::new(false),
            last_sync: Mutex::new(last_sync),
            last_attempt: Mutex::new(None),
            settings: Mutex::new(settings),
            settings_file,
            server_override,
            wake: Notify::new(),
            events,
            retry: RetryPolicy::default(),
            selections: Selections::default(),
            outbox_wake: Notify::new(),
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Desktop {
        self.retry = retry;
        self
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    pub fn online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    pub fn syncing(&self) -> bool {
        self.syncing.load(Ordering::SeqCst)
    }

    pub async fn signed_in(&self) -> bool {
        self.desk.read().await.session().is_some()
    }

    fn state(&self) -> SyncState {
        SyncState {
            online: self.online(),
            syncing: self.syncing(),
            last_sync: *lock(&self.last_sync),
        }
    }

    /// Records whether the server answers, telling the window when it changed.
    pub fn set_online(&self, online: bool) {
        if self.online.swap(online, Ordering::SeqCst) != online {
            self.events.state(self.state());
        }
    }

    pub async fn app_status(&self) -> CommandResult<AppStatus> {
        let desk = self.desk.read().await;
        let status = if desk.session().is_some() {
            AppStatus::from_status(desk.status().await?, self.syncing())
        } else {
            let server = self.settings().server_url;
            let online = reachable(&server).await;
            AppStatus::signed_out(server, online)
        };
        drop(desk);
        self.set_online(status.online);
        Ok(status)
    }

    /// Asks the server whether it answers; true when it does.
    pub async fn probe(&self) -> bool {
        let server = {
            let desk = self.desk.read().await;
            desk.session().map(|s| s.server.clone())
        };
        let online = reachable(&server.unwrap_or_else(|| self.settings().server_url)).await;
        self.set_online(online);
        online
    }

    pub async fn login(&self, server: &str, email: &str, password: &str) -> CommandResult<User> {
        let _gate = self.session_gate.lock().await;
        let user = self
            .desk
            .write()
            .await
            .login(server, email, password)
            .await?;
        self.signed_in_at(server);
        Ok(user)
    }

    pub async fn activate(
        &self,
        server: &str,
        reference: &str,
        code: &str,
        email: &str,
        password: &str,
    ) -> CommandResult<User> {
        let _gate = self.session_gate.lock().await;
        let user = self
            .desk
            .write()
            .await
            .activate(server, reference, code, email, password)
            .await?;
        self.signed_in_at(server);
        Ok(user)
    }

    /// A new session: its store has its own last sync, the server answered,
    /// and the server used becomes the one the next sign-in proposes.
    fn signed_in_at(&self, server: &str) {
        *lock(&self.last_sync) = None;
        *lock(&self.last_attempt) = None;
        self.set_online(true);
        let mut settings = self.settings();
        if self.server_override.is_none() && settings.server_url != server {
            server.clone_into(&mut settings.server_url);
            if let Err(e) = self.store_settings(settings) {
                tracing::warn!(error = %e, "cannot remember the server");
            }
        }
        self.wake.notify_one();
    }

    pub async fn logout(&self) -> CommandResult<()> {
        let _gate = self.session_gate.lock().await;
        self.desk.write().await.logout().await?;
        *lock(&self.last_sync) = None;
        Ok(())
    }

    pub async fn procedures(&self) -> CommandResult<Vec<ProcedureSummary>> {
        let desk = self.desk.read().await;
        Ok(desk
            .procedures()
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    pub async fn procedure(&self, id: i64) -> CommandResult<ProcedureDetail> {
        let desk = self.desk.read().await;
        let claims = desk.claims(id).await?;
        let procedure = desk.store()?.procedure(id).await?.ok_or_else(|| {
            ClientError::NotFound(format!("no procedure {id} in the local store"))
        })?;
        Ok(ProcedureDetail { procedure, claims })
    }

    pub async fn dossiers(&self) -> CommandResult<Vec<DossierSummary>> {
        let desk = self.desk.read().await;
        let store = desk.store()?;
        let mut summaries = Vec::new();
        for dossier in desk.dossiers().await? {
            let schedule = store.installments_of(&dossier.reference).await?;
            summaries.push(DossierSummary::new(dossier, schedule));
        }
        Ok(summaries)
    }

    pub async fn dossier(&self, reference: &str) -> CommandResult<DossierDetail> {
        match self.desk.read().await.show(reference).await? {
            Shown::Dossier(detail) => Ok(*detail),
            Shown::Claims { .. } => Err(ClientError::NotFound(format!(
                "{reference} is a claim reference, not a dossier of yours"
            ))
            .into()),
        }
    }

    pub async fn search(&self, query: &str, limit: u32) -> CommandResult<Vec<SearchHit>> {
        Ok(self.desk.read().await.search(query, limit).await?)
    }

    /// A client of its own, for an operation that may take a while and
    /// refresh the session while reads go on meanwhile.
    pub(crate) async fn client(&self) -> CommandResult<Claimdesk> {
        Ok(Claimdesk::open(self.home.clone())
            .await?
            .with_retry(self.retry))
    }

    pub async fn statement(
        &self,
        subject: &Subject,
        date: Option<NaiveDate>,
    ) -> CommandResult<StatementView> {
        let answer = self.client().await?.statement(subject, date).await?;
        Ok(answer.into())
    }

    pub async fn statement_pdf(
        &self,
        subject: &Subject,
        date: Option<NaiveDate>,
    ) -> CommandResult<DocumentFile> {
        Ok(self.client().await?.statement_pdf(subject, date).await?)
    }

    pub async fn rib(&self, subject: &Subject) -> CommandResult<RibView> {
        Ok(self.client().await?.rib(subject).await?.into())
    }

    pub async fn rib_pdf(&self, subject: &Subject) -> CommandResult<DocumentFile> {
        Ok(self.client().await?.rib_pdf(subject).await?)
    }

    pub async fn attestation_pdf(&self, reference: &str) -> CommandResult<DocumentFile> {
        Ok(self.client().await?.attestation_pdf(reference).await?)
    }

    /// The settings in force (the environment's server first).
    pub fn settings(&self) -> Settings {
        lock(&self.settings)
            .clone()
            .with_override(self.server_override.as_deref())
    }

    pub fn set_settings(&self, settings: Settings) -> CommandResult<Settings> {
        self.store_settings(settings.validated()?)?;
        // The timer may have changed.
        self.wake.notify_one();
        Ok(self.settings())
    }

    fn store_settings(&self, settings: Settings) -> CommandResult<()> {
        let value = serde_json::to_value(&settings)
            .map_err(|e| CommandError::io(format!("cannot write the settings: {e}")))?;
        self.settings_file.save(value)?;
        *lock(&self.settings) = settings;
        Ok(())
    }

    /// Whether the timer says it is time to sync.
    pub fn sync_due(&self) -> bool {
        match *lock(&self.last_attempt) {
            None => true,
            Some(at) => at.elapsed() >= self.settings().sync_interval(),
        }
    }

    /// Time left until the timer's next sync.
    pub fn until_next_sync(&self) -> Duration {
        match *lock(&self.last_attempt) {
            None => Duration::ZERO,
            Some(at) => self.settings().sync_interval().saturating_sub(at.elapsed()),
        }
    }

    /// Brings the store up to date. Asked while a sync runs, waits for that
    /// one and answers its outcome instead of starting another.
    pub async fn sync(self: &Arc<Self>) -> CommandResult<SyncReport> {
        let running = {
            let mut slot = lock(&self.running);
            match &*slot {
                Some(running) => running.clone(),
                None => {
                    let run = Arc::clone(self).sync_once().boxed().shared();
                    *slot = Some(run.clone());
                    run
                }
            }
        };
        running.await
    }

    async fn sync_once(self: Arc<Self>) -> CommandResult<SyncReport> {
        let gate = self.session_gate.lock().await;
        self.syncing.store(true, Ordering::SeqCst);
        self.events.state(self.state());
        let result = self.pull().await;
        drop(gate);
        match &result {
            Ok(report) => {
                self.online.store(true, Ordering::SeqCst);
                tracing::info!(applied = report.applied, "synced");
                // The server answers: what waits in the outbox can go.
                self.outbox_wake.notify_one();
            }
            Err(e) if e.is_offline() => self.online.store(false, Ordering::SeqCst),
            Err(e) => tracing::warn!(error = %e, "sync failed"),
        }
        *lock(&self.last_attempt) = Some(Instant::now());
        self.syncing.store(false, Ordering::SeqCst);
        // Whoever asks from now on gets a new sync, not this one's outcome.
        *lock(&self.running) = None;
        self.events.state(self.state());
        if let Ok(report) = &result {
            self.events.done(report);
            match self.take_notifications().await {
                Ok(news) if !news.is_empty() => self.events.notify(&news),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot read what is new"),
            }
        }
        result
    }

    async fn pull(&self) -> CommandResult<SyncReport> {
        let mut desk = Claimdesk::open(self.home.clone())
            .await?
            .with_retry(self.retry);
        let events = &self.events;
        match desk.sync(|p| events.progress(p.into())).await? {
            SyncOutcome::Synced(report) => {
                *lock(&self.last_sync) = Some(report.synced_at);
                Ok(SyncReport::from(&report))
            }
            SyncOutcome::Offline { server, .. } => Err(ClientError::Offline { server }.into()),
        }
    }
}

impl Desktop {
    /// Remembers files picked or dropped; the window gets an id, names and sizes.
    pub fn select(&self, paths: Vec<PathBuf>) -> Option<Selection> {
        self.selections.remember(paths)
    }

    /// Copies a selection into the outbox (no network: offline is fine), then
    /// wakes the sender. Answers the new items' ids.
    pub async fn add_documents(
        &self,
        selection: u64,
        attach_to: AttachTo,
        category: DocumentCategory,
        note: Option<String>,
        as_pdf: bool,
    ) -> CommandResult<Vec<i64>> {
        let paths = self.selections.paths(selection).ok_or_else(|| {
            CommandError::new(
                Code::Client(ClientCode::NotFound),
                format!("no selection {selection}: pick or drop the files again"),
            )
        })?;
        let ids = self
            .desk
            .read()
            .await
            .add_document(attach_to, &paths, category, note, as_pdf)
            .await?;
        self.selections.forget(selection);
        self.announce_queue().await;
        self.outbox_wake.notify_one();
        Ok(ids)
    }

    /// Every outbox item, oldest first, as the queue shows them.
    pub async fn outbox(&self) -> CommandResult<Vec<QueueItem>> {
        let items = self.desk.read().await.outbox().await?;
        Ok(items.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn announce_queue(&self) {
        match self.outbox().await {
            Ok(items) => self.events.queue(&items),
            Err(e) => tracing::warn!(error = %e, "cannot read the outbox"),
        }
    }

    /// One pass over the outbox, telling the window each file's progress and
    /// each change of the queue. Offline, the items keep waiting and the
    /// background loop watches for the server's return.
    pub async fn send_outbox(&self) -> CommandResult<SendReport> {
        if !self.signed_in().await {
            return Ok(SendReport::default());
        }
        // Not inside a sync nor a sign-out: a pass may refresh the session.
        let gate = self.session_gate.lock().await;
        let mut desk = Claimdesk::open(self.home.clone())
            .await?
            .with_retry(self.retry);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let send = async move {
            desk.send_outbox(move |p| {
                let _ = tx.send(p);
            })
            .await
        };
        let forward = async {
            let mut current = None;
            while let Some(progress) = rx.recv().await {
                // A new file started: the one before is done or waits again.
                if current != Some(progress.item_id) {
                    current = Some(progress.item_id);
                    self.announce_queue().await;
                }
                self.events.upload(progress.into());
            }
        };
        let (result, ()) = tokio::join!(send, forward);
        drop(gate);
        self.announce_queue().await;
        match &result {
            Ok(report) if report.offline => self.went_offline(),
            Ok(report) => {
                if !report.sent.is_empty() {
                    tracing::info!(sent = report.sent.len(), "documents sent");
                }
            }
            Err(e) if e.is_unreachable() => self.went_offline(),
            Err(e) => tracing::warn!(error = %e, "sending the outbox failed"),
        }
        Ok(result?)
    }

    fn went_offline(&self) {
        self.set_online(false);
        // The background loop then asks every few seconds whether the server is back.
        self.wake.notify_one();
    }

    pub async fn retry_outbox_item(&self, id: i64) -> CommandResult<QueueItem> {
        let item = self.desk.read().await.retry_outbox_item(id).await?;
        self.announce_queue().await;
        self.outbox_wake.notify_one();
        Ok(item.into())
    }

    pub async fn cancel_outbox_item(&self, id: i64) -> CommandResult<QueueItem> {
        let item = self.client().await?.cancel_outbox_item(id).await?;
        self.announce_queue().await;
        Ok(item.into())
    }

    /// The documents of a dossier or a procedure, newest first, as synced:
    /// offline too.
    pub async fn documents_of(&self, of: &AttachTo) -> CommandResult<Vec<DocumentView>> {
        let documents = self.client().await?.documents(of).await?;
        Ok(documents.into_iter().map(Into::into).collect())
    }

    /// A document's content under its own name, for the system viewer: from
    /// the cache, fetched the first time.
    pub async fn document_to_open(&self, id: i64) -> CommandResult<PathBuf> {
        Ok(self.client().await?.document_to_open(id).await?)
    }

    /// Saves a document's content in `folder`, under a name that cannot lead
    /// out of it and that takes no existing file's place; from the cache, so
    /// offline too once fetched.
    pub async fn save_document(&self, id: i64, folder: &Path) -> CommandResult<PathBuf> {
        Ok(self
            .client()
            .await?
            .download_document(id, folder)
            .await?
            .path)
    }
}

/// Whether the central API at `server` answers its health check, quickly.
async fn reachable(server: &str) -> bool {
    let Ok(api) = ApiClient::with_timeouts(server, Duration::from_secs(2), Duration::from_secs(5))
    else {
        return false;
    };
    api.with_retry(RetryPolicy::NONE).health().await.is_ok()
}
