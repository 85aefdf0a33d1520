//! The claimdesk client core: everything a client does without a window.
//!
//! [`Claimdesk`] is the facade the command line and the desktop app both drive;
//! underneath, [`http::ApiClient`] talks to the central API, [`store::Store`]
//! keeps the local copy, [`sync`] fills it, and [`credentials`] keeps the
//! session token in the OS keyring. Nothing here prints.

pub mod content;
pub mod credentials;
pub mod documents;
pub mod error;
pub mod home;
pub mod http;
pub mod outbox;
pub mod payments;
pub mod photos;
pub mod requests;
pub mod search;
pub mod store;
pub mod sync;

use std::path::PathBuf;

use chrono::{DateTime, Local, NaiveDate, Utc};
use claimdesk_api::auth::{ActivateRequest, Session, User};
use claimdesk_api::payments::{
    Dividend, Due, Mandate, NewDividend, NewMandate, NewPayment, Payment, PaymentMethod,
};
use claimdesk_api::records::{Claim, Dossier, DossierDetail, Procedure};
use claimdesk_api::requests::{Message, NewMessage, NewRequest, Request, RequestThread};
use claimdesk_api::uploads::{AttachTo, Document, DocumentCategory};
use claimdesk_domain::statement::Statement;
use serde::Serialize;

pub use content::CachedFile;
pub use credentials::{KeyringSlot, SessionToken};
pub use documents::{DocumentFile, Origin, RibAnswer, StatementAnswer, Subject};
pub use error::{ClientCode, ClientError, Code, Result};
pub use home::{Home, Profile, SessionFacts};
pub use http::{ApiClient, RetryPolicy};
pub use outbox::{
    Downloaded, OrderRequest, OrderResult, OutboxError, OutboxItem, OutboxKind, OutboxState,
    SendReport, SentItem, UploadProgress,
};
pub use payments::OrderOutcome;
pub use requests::{
    FieldInfo, Lang, Localized, Notification, NotificationKind, RequestSummary, RequestTypeInfo,
};
pub use search::{SearchHit, SearchHitKind};
pub use store::{Applied, Counts, ProcedureSummary, Store};
pub use sync::{SyncProgress, SyncReport};

/// The server used when none is given nor remembered.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8620";

/// A session this close to its idle expiry is refreshed before use.
const REFRESH_MARGIN: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// How a sync ended when it did not fail.
// Made once per sync and moved a few times: boxing the report would only
// change its callers.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SyncOutcome {
    Synced(SyncReport),
    /// The server was out of reach; the store holds what the last sync brought
    /// (and any pages applied before the cut).
    Offline {
        server: String,
        last_synced_at: Option<DateTime<Utc>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub server: String,
    /// Absent when nobody is signed in.
    pub user: Option<User>,
    pub online: bool,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub counts: Counts,
    /// Changes prepared offline and not yet sent.
    pub pending_outbox: u64,
    pub session_expires_at: Option<DateTime<Utc>>,
    pub store_path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogoutOutcome {
    pub server: String,
    /// False when the server could not be told; the token is forgotten anyway
    /// and the server session ends at its expiry.
    pub server_reached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimWithProcedure {
    pub claim: Claim,
    pub procedure: Option<Procedure>,
}

/// What a dossier reference leads to in the local store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum Shown {
    /// The dossier itself, as debtors and guarantors see it.
    Dossier(Box<DossierDetail>),
    /// The claims declared under that reference, as an étude sees them.
    Claims {
        reference: String,
        claims: Vec<ClaimWithProcedure>,
    },
}

/// One home: its profile, the signed-in user's store, and the operations of a client.
#[derive(Debug)]
pub struct Claimdesk {
    home: Home,
    profile: Profile,
    store: Option<Store>,
    retry: RetryPolicy,
    page_size: u32,
}

impl Claimdesk {
    /// Opens a home, and the store of the user signed in there if any. Touches
    /// neither the network nor the keyring.
    pub async fn open(home: Home) -> Result<Claimdesk> {
        let profile = home.load_profile()?;
        let store = match &profile.session {
            Some(facts) => Some(open_store(&home, facts).await?),
            None => None,
        };
        Ok(Claimdesk {
            home,
            profile,
            store,
            retry: RetryPolicy::default(),
            page_size: sync::PAGE_SIZE,
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Claimdesk {
        self.retry = retry;
        self
    }

    pub fn with_page_size(mut self, page_size: u32) -> Claimdesk {
        self.page_size = page_size;
        self
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    pub fn session(&self) -> Option<&SessionFacts> {
        self.profile.session.as_ref()
    }

    /// The signed-in server, else the last one used.
    pub fn server(&self) -> Option<&str> {
        self.profile
            .session
            .as_ref()
            .map(|s| s.server.as_str())
            .or(self.profile.server.as_deref())
    }

    /// The store of the signed-in user.
    pub fn store(&self) -> Result<&Store> {
        self.store.as_ref().ok_or(ClientError::NotLoggedIn)
    }

    /// Where the signed-in user's token is kept.
    pub fn keyring_slot(&self) -> Option<KeyringSlot> {
        self.profile
            .session
            .as_ref()
            .map(|s| KeyringSlot::new(&s.server, &s.email, self.home.root()))
    }

    pub async fn login(&mut self, server: &str, email: &str, password: &str) -> Result<User> {
        let api = self.api(server)?;
        let session = api.login(email, password).await?;
        self.start_session(api, session).await
    }

    /// First sign-in of a debtor or guarantor with the code from their letter.
    pub async fn activate(
        &mut self,
        server: &str,
        reference: &str,
        code: &str,
        email: &str,
        password: &str,
    ) -> Result<User> {
        let api = self.api(server)?;
        let request = ActivateRequest {
            reference: reference.to_owned(),
            code: code.to_owned(),
            email: email.to_owned(),
            password: password.to_owned(),
        };
        let session = api.activate(&request).await?;
        self.start_session(api, session).await
    }

    async fn start_session(&mut self, api: ApiClient, session: Session) -> Result<User> {
        let server = api.base_url().to_owned();
        if let Some(previous) = self.keyring_slot() {
            previous.delete().await?;
        }
        let token = SessionToken::new(session.token.clone());
        let slot = KeyringSlot::new(&server, &session.user.email, self.home.root());
        self.home.create()?;
        if let Err(e) = slot.store(&token).await {
            // A session nobody can use again should not stay open on the server.
            let _ = api
                .with_token(token)
                .with_retry(RetryPolicy::NONE)
                .logout()
                .await;
            return Err(e);
        }
        let facts = SessionFacts::from_session(&server, &session);
        if let Some(store) = self.store.take() {
            store.close().await;
        }
        let store = open_store(&self.home, &facts).await?;
        store.set_owner(&server, &session.user).await?;
        self.profile = Profile {
            server: Some(server),
            session: Some(facts),
        };
        self.home.save_profile(&self.profile)?;
        self.store = Some(store);
        tracing::info!(user = session.user.id, "signed in");
        Ok(session.user)
    }

    /// Ends the session on the server and forgets the token. Offline, the token
    /// is forgotten all the same and the outcome says the server was not reached.
    pub async fn logout(&mut self) -> Result<LogoutOutcome> {
        let facts = self
            .profile
            .session
            .clone()
            .ok_or(ClientError::NotLoggedIn)?;
        let slot = KeyringSlot::new(&facts.server, &facts.email, self.home.root());
        let token = slot.load().await?;
        let server_reached = match token {
            Some(token) => match self.api(&facts.server)?.with_token(token).logout().await {
                Ok(()) => true,
                Err(e) if e.is_unreachable() => false,
                // Refused (already expired, unknown): reached, and the session is over.
                Err(_) => true,
            },
            None => false,
        };
        slot.delete().await?;
        self.profile.session = None;
        self.home.save_profile(&self.profile)?;
        if let Some(store) = self.store.take() {
            // What was downloaded goes with the session that could see it.
            let purged = store.purge_content().await;
            store.close().await;
            purged?;
        }
        Ok(LogoutOutcome {
            server: facts.server,
            server_reached,
        })
    }

    /// Pulls every change since the last sync into the store. Out of reach of
    /// the server, answers [`SyncOutcome::Offline`] rather than an error.
    pub async fn sync(
        &mut self,
        mut progress: impl FnMut(SyncProgress) + Send,
    ) -> Result<SyncOutcome> {
        let facts = self
            .profile
            .session
            .clone()
            .ok_or(ClientError::NotLoggedIn)?;
        let api = match self.authorized_api(&facts).await {
            Ok(api) => api,
            Err(e) if e.is_unreachable() => return offline(&facts, self.store()?).await,
            Err(e) => return Err(e),
        };
        let store = self.store()?;
        match sync::pull(&api, store, self.page_size, &mut progress, &Utc::now).await {
            Ok(report) => Ok(SyncOutcome::Synced(report)),
            Err(e) if e.is_unreachable() => offline(&facts, store).await,
            Err(e) => Err(e),
        }
    }

    /// An API client with the session token, refreshed first if it is about
    /// to expire for lack of use.
    async fn authorized_api(&mut self, facts: &SessionFacts) -> Result<ApiClient> {
        let slot = KeyringSlot::new(&facts.server, &facts.email, self.home.root());
        let token = slot.load().await?.ok_or(ClientError::NotLoggedIn)?;
        let api = self.api(&facts.server)?.with_token(token);
        if facts.idle_expires_at - Utc::now() > REFRESH_MARGIN {
            return Ok(api);
        }
        let session = api.refresh().await?;
        let token = SessionToken::new(session.token.clone());
        if Some(&token) != api.token() {
            slot.store(&token).await?;
        }
        let refreshed = SessionFacts::from_session(&facts.server, &session);
        self.profile.session = Some(refreshed);
        self.home.save_profile(&self.profile)?;
        Ok(api.with_token(token))
    }

    /// Who and where, whether the server answers, and what the store holds.
    pub async fn status(&self) -> Result<Status> {
        let server = self.server().unwrap_or(DEFAULT_SERVER).to_owned();
        let probe = ApiClient::with_timeouts(
            &server,
            std::time::Duration::from_secs(2),
            std::time::Duration::from_secs(5),
        )?
        .with_retry(RetryPolicy::NONE);
        let online = probe.health().await.is_ok();
        let (last_synced_at, counts, pending_outbox) = match &self.store {
            Some(store) => (
                store.last_sync().await?,
                store.counts().await?,
                outbox::waiting_count(store).await?,
            ),
            None => (None, Counts::default(), 0),
        };
        Ok(Status {
            server,
            user: self.profile.session.as_ref().map(SessionFacts::user),
            online,
            last_synced_at,
            counts,
            pending_outbox,
            session_expires_at: self.profile.session.as_ref().map(|s| s.expires_at),
            store_path: self.store.as_ref().map(|s| s.path().to_path_buf()),
        })
    }

    /// The store, once something was synced into it.
    async fn synced_store(&self) -> Result<&Store> {
        let store = self.store()?;
        if store.cursor().await?.is_none() {
            return Err(ClientError::NeverSynced);
        }
        Ok(store)
    }

    pub async fn procedures(&self) -> Result<Vec<ProcedureSummary>> {
        let today = chrono::Local::now().date_naive();
        self.synced_store().await?.procedure_summaries(today).await
    }

    pub async fn claims(&self, procedure_id: i64) -> Result<Vec<Claim>> {
        let store = self.synced_store().await?;
        if store.procedure(procedure_id).await?.is_none() {
            return Err(ClientError::NotFound(format!(
                "no procedure {procedure_id} in the local store"
            )));
        }
        store.claims_of_procedure(procedure_id).await
    }

    pub async fn dossiers(&self) -> Result<Vec<Dossier>> {
        self.synced_store().await?.dossiers().await
    }

    /// A dossier by its reference: the dossier when it is synced here, else the
    /// claims declared under that reference with their procedures.
    pub async fn show(&self, reference: &str) -> Result<Shown> {
        let store = self.synced_store().await?;
        if let Some(detail) = store.dossier(reference).await? {
            return Ok(Shown::Dossier(Box::new(detail)));
        }
        let claims = store.claims_of_dossier(reference).await?;
        if claims.is_empty() {
            return Err(ClientError::NotFound(format!(
                "no dossier or claim with reference {reference} in the local store"
            )));
        }
        let mut shown = Vec::with_capacity(claims.len());
        for claim in claims {
            let procedure = store.procedure(claim.procedure_id).await?;
            shown.push(ClaimWithProcedure { claim, procedure });
        }
        Ok(Shown::Claims {
            reference: reference.to_owned(),
            claims: shown,
        })
    }

    /// The signed-in API client, or `None` when the server is out of reach.
    async fn reachable_api(&mut self) -> Result<Option<ApiClient>> {
        let facts = self
            .profile
            .session
            .clone()
            .ok_or(ClientError::NotLoggedIn)?;
        match self.authorized_api(&facts).await {
            Ok(api) => Ok(Some(api)),
            Err(e) if e.is_unreachable() => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn offline_error(&self) -> ClientError {
        ClientError::Offline {
            server: self.server().unwrap_or(DEFAULT_SERVER).to_owned(),
        }
    }

    /// One document from the server, filed in the store; out of reach, the
    /// filed copy if there is one.
    async fn fetch_document(
        &mut self,
        kind: documents::Kind,
        subject: &Subject,
        date: Option<NaiveDate>,
        pdf: bool,
        filename: String,
    ) -> Result<Option<(store::CachedDocument, Origin)>> {
        let api = self.reachable_api().await?;
        documents::fetch(
            api.as_ref(),
            self.store()?,
            kind,
            subject,
            date,
            pdf,
            filename,
        )
        .await
    }

    /// The reference documents of a subject are filed under.
    async fn reference_of(&self, subject: &Subject) -> Result<String> {
        Ok(match subject {
            Subject::Dossier(reference) => reference.clone(),
            Subject::Claim(id) => match self.store()?.claim(*id).await? {
                Some(claim) => claim.dossier_reference,
                None => format!("creance-{id}"),
            },
        })
    }

    /// A statement at `date` (default: today; for a claim, as declared).
    /// Offline: the copy filed when it was last fetched, else for a dossier a
    /// provisional statement computed from synced data.
    pub async fn statement(
        &mut self,
        subject: &Subject,
        date: Option<NaiveDate>,
    ) -> Result<StatementAnswer> {
        let filed = self
            .fetch_document(
                documents::Kind::Statement,
                subject,
                date,
                false,
                String::new(),
            )
            .await?;
        if let Some((doc, origin)) = filed {
            return Ok(StatementAnswer {
                statement: documents::parse_json(&doc)?,
                origin,
                produced_at: doc.produced_at,
            });
        }
        let (_, statement) = self.provisional(subject, date).await?;
        Ok(StatementAnswer {
            statement,
            origin: Origin::Provisional,
            produced_at: Utc::now(),
        })
    }

    /// A dossier's statement computed here from synced data, with the dossier.
    async fn provisional(
        &self,
        subject: &Subject,
        date: Option<NaiveDate>,
    ) -> Result<(Dossier, Statement)> {
        let Subject::Dossier(reference) = subject else {
            return Err(self.offline_error());
        };
        let detail = self
            .store()?
            .dossier(reference)
            .await?
            .ok_or_else(|| self.offline_error())?;
        let statement = documents::provisional_statement(
            &detail.dossier,
            date.unwrap_or_else(|| Local::now().date_naive()),
        )?;
        Ok((detail.dossier, statement))
    }

    /// The statement as a PDF; offline, the filed copy or a provisional one.
    pub async fn statement_pdf(
        &mut self,
        subject: &Subject,
        date: Option<NaiveDate>,
    ) -> Result<DocumentFile> {
        let reference = self.reference_of(subject).await?;
        let filename = documents::statement_filename(subject, &reference, date);
        let filed = self
            .fetch_document(documents::Kind::Statement, subject, date, true, filename)
            .await?;
        if let Some((doc, origin)) = filed {
            return Ok(DocumentFile::filed(doc, origin));
        }
        let (dossier, statement) = self.provisional(subject, date).await?;
        let today = Local::now().date_naive();
        let bytes = claimdesk_documents::records::dossier_statement(&dossier, &statement, today)
            .map_err(documents::render_error)?;
        Ok(DocumentFile {
            filename: documents::statement_filename(subject, &reference, Some(statement.as_of))
                .replace(".pdf", "-provisoire.pdf"),
            bytes,
            origin: Origin::Provisional,
            produced_at: Utc::now(),
        })
    }

    /// Where to pay; offline, the filed copy or the synced dossier's.
    pub async fn rib(&mut self, subject: &Subject) -> Result<RibAnswer> {
        let filed = self
            .fetch_document(documents::Kind::Rib, subject, None, false, String::new())
            .await?;
        if let Some((doc, origin)) = filed {
            return Ok(RibAnswer {
                rib: documents::parse_json(&doc)?,
                origin,
                produced_at: doc.produced_at,
            });
        }
        let reference = self.reference_of(subject).await?;
        let store = self.store()?;
        let detail = store
            .dossier(&reference)
            .await?
            .ok_or_else(|| self.offline_error())?;
        Ok(RibAnswer {
            rib: detail.dossier.rib,
            origin: Origin::Cache,
            produced_at: store.last_sync().await?.unwrap_or_else(Utc::now),
        })
    }

    /// The RIB as a PDF; offline, the filed copy or one made from synced data.
    pub async fn rib_pdf(&mut self, subject: &Subject) -> Result<DocumentFile> {
        let reference = self.reference_of(subject).await?;
        let filename = claimdesk_api::documents::rib_filename(&reference);
        let filed = self
            .fetch_document(documents::Kind::Rib, subject, None, true, filename.clone())
            .await?;
        if let Some((doc, origin)) = filed {
            return Ok(DocumentFile::filed(doc, origin));
        }
        let detail = self
            .store()?
            .dossier(&reference)
            .await?
            .ok_or_else(|| self.offline_error())?;
        let bytes = claimdesk_documents::records::rib(
            &detail.dossier.rib,
            &detail.dossier.servicer,
            Local::now().date_naive(),
        )
        .map_err(documents::render_error)?;
        Ok(DocumentFile {
            filename,
            bytes,
            origin: Origin::Cache,
            produced_at: Utc::now(),
        })
    }

    /// The attestation de solde of a dossier paid in full. Only the server
    /// issues one; offline, the copy filed when it was last fetched.
    pub async fn attestation_pdf(&mut self, reference: &str) -> Result<DocumentFile> {
        let subject = Subject::Dossier(reference.to_owned());
        let filename = claimdesk_api::documents::attestation_filename(reference);
        let filed = self
            .fetch_document(documents::Kind::Attestation, &subject, None, true, filename)
            .await?;
        match filed {
            Some((doc, origin)) => Ok(DocumentFile::filed(doc, origin)),
            None => Err(self.offline_error()),
        }
    }

    /// Puts documents in the outbox (copied, hashed, each with its idempotency
    /// key) without touching the network; `as_pdf` makes one PDF of images
    /// first. Answers the new items' ids.
    pub async fn add_document(
        &self,
        attach_to: AttachTo,
        files: &[PathBuf],
        category: DocumentCategory,
        note: Option<String>,
        as_pdf: bool,
    ) -> Result<Vec<i64>> {
        outbox::add(self.store()?, attach_to, files, category, note, as_pdf).await
    }

    /// Every outbox item, oldest first, done and cancelled ones included.
    pub async fn outbox(&self) -> Result<Vec<OutboxItem>> {
        outbox::items(self.store()?).await
    }

    /// Sends what waits in the outbox. Offline, the report says so and the
    /// items keep waiting.
    pub async fn send_outbox(
        &mut self,
        mut progress: impl FnMut(UploadProgress) + Send,
    ) -> Result<SendReport> {
        let Some(api) = self.reachable_api().await? else {
            let store = self.store()?;
            return Ok(SendReport {
                pending: outbox::waiting_count(store).await?,
                offline: true,
                ..SendReport::default()
            });
        };
        outbox::send(&api, self.store()?, self.retry, &mut progress).await
    }

    /// A failed outbox item back to pending, for the next send.
    pub async fn retry_outbox_item(&self, id: i64) -> Result<OutboxItem> {
        outbox::retry(self.store()?, id).await
    }

    /// Gives up an outbox item: its upload is terminated when the server can be
    /// reached and its local copy removed.
    pub async fn cancel_outbox_item(&mut self, id: i64) -> Result<OutboxItem> {
        let api = self.reachable_api().await.ok().flatten();
        outbox::cancel(self.store()?, api.as_ref(), id).await
    }

    /// The documents of a dossier or a procedure, newest first, as synced
    /// (and as sent from here since): offline too.
    pub async fn documents(&mut self, of: &AttachTo) -> Result<Vec<Document>> {
        self.store()?.filed_documents(of).await
    }

    /// A document's content on this machine, to open in a viewer: from the
    /// cache when it holds it intact, else fetched (resuming after a cut).
    /// Offline and never fetched, the offline error.
    pub async fn document_file(&mut self, id: i64) -> Result<CachedFile> {
        if let Some(hit) = content::from_cache(self.store()?, id).await? {
            return Ok(hit);
        }
        let api = self.reachable_api().await?;
        let server = self.server().unwrap_or(DEFAULT_SERVER).to_owned();
        let offline = move || ClientError::Offline {
            server: server.clone(),
        };
        content::fetched(api.as_ref(), self.store()?, id, offline).await
    }

    /// Saves a document's content inside `dir` (never outside it, whatever
    /// its name), through the cache: offline too once fetched.
    pub async fn download_document(
        &mut self,
        id: i64,
        dir: &std::path::Path,
    ) -> Result<Downloaded> {
        let cached = self.document_file(id).await?;
        outbox::download::save_copy(cached, dir).await
    }

    /// A document's content under its own name, for the system viewer. The
    /// copy lives in the cache folder (`opened/<id>/`), so signing out or
    /// losing sight of the document removes it with the cached content; a
    /// viewer that edits it leaves the cached content intact.
    pub async fn document_to_open(&mut self, id: i64) -> Result<PathBuf> {
        let cached = self.document_file(id).await?;
        let dir = self.store()?.opened_dir(id);
        // A fresh folder each time: the last copy may have been changed by a viewer.
        let _ = tokio::fs::remove_dir_all(&dir).await;
        Ok(outbox::download::copy_for_viewer(cached, &dir).await?.path)
    }

    /// A dossier's payments, newest first, as synced (and as ordered from
    /// here since): offline too.
    pub async fn payments(&self, reference: &str) -> Result<Vec<Payment>> {
        let store = self.synced_store().await?;
        if store.dossier(reference).await?.is_none() {
            return Err(ClientError::NotFound(format!(
                "no dossier {reference} in the local store"
            )));
        }
        store.payments_of(reference).await
    }

    /// What is due on a dossier today, computed from the store: offline too.
    pub async fn due(&self, reference: &str) -> Result<Due> {
        let store = self.synced_store().await?;
        payments::due(store, reference, Local::now().date_naive()).await
    }

    /// Orders a payment, checked first by the product's rules (cash refused,
    /// amount positive and at most the balance, instalments of the schedule).
    /// A card payment needs the server at once and is never queued: offline,
    /// [`ClientError::NeedsNetwork`]. A transfer, cheque or direct debit is
    /// recorded in the outbox with its idempotency key before any network
    /// call, then sent when the server can be reached, else queued.
    pub async fn order_payment(&mut self, order: NewPayment) -> Result<OrderOutcome<Payment>> {
        payments::check_payment(self.synced_store().await?, &order).await?;
        let api = self.reachable_api().await?;
        if order.method == PaymentMethod::Card {
            let api = api.ok_or_else(|| self.needs_network("a card payment"))?;
            // Not queued, but still keyed: a try cut mid-way is repeated
            // under the same key and cannot open a second payment.
            let key = uuid::Uuid::new_v4().to_string();
            let payment: Payment = api
                .post_idempotent(claimdesk_api::routes::PAYMENTS, &key, &order)
                .await
                .map_err(|e| {
                    if e.is_unreachable() {
                        self.needs_network("a card payment")
                    } else {
                        e
                    }
                })?;
            payments::keep(self.store()?, &payment).await?;
            return Ok(OrderOutcome::Sent {
                result: payment,
                item_id: None,
            });
        }
        let store = self.store()?;
        let target = AttachTo::Dossier {
            reference: order.dossier_reference.clone(),
        };
        let request = OrderRequest::PaymentOrder { payment: order };
        let id = outbox::orders::record(store, &request, &target).await?;
        let outcome = payments::send_now(api.as_ref(), store, id, None).await?;
        narrow(outcome, |r| match r {
            OrderResult::Payment(x) => Some(x),
            _ => None,
        })
    }

    /// Records a dividend paid on a claim, exactly once: in the outbox with
    /// its key first, then sent when the server can be reached.
    pub async fn record_dividend(
        &mut self,
        claim_id: i64,
        dividend: NewDividend,
    ) -> Result<OrderOutcome<Dividend>> {
        let today = Local::now().date_naive();
        let claim =
            payments::check_dividend(self.synced_store().await?, claim_id, &dividend, today)
                .await?;
        let api = self.reachable_api().await?;
        let store = self.store()?;
        let target = AttachTo::Procedure {
            id: claim.procedure_id,
        };
        let request = OrderRequest::Dividend { claim_id, dividend };
        let id = outbox::orders::record(store, &request, &target).await?;
        let outcome = payments::send_now(api.as_ref(), store, id, None).await?;
        narrow(outcome, |r| match r {
            OrderResult::Dividend(x) => Some(x),
            _ => None,
        })
    }

    /// Sets up a SEPA direct-debit mandate. It needs the server (offline,
    /// [`ClientError::NeedsNetwork`]); it goes through the outbox under its
    /// key all the same, so a cut mid-way cannot make two. The password,
    /// asked to replace an active mandate's bank details, goes with this one
    /// request and is never written down.
    pub async fn create_mandate(
        &mut self,
        reference: &str,
        mut mandate: NewMandate,
    ) -> Result<OrderOutcome<Mandate>> {
        payments::check_mandate(self.synced_store().await?, reference, &mandate).await?;
        // Asked before anything is recorded: a mandate is made online or not
        // at all (a cut after this point leaves it to the outbox, under its key).
        let api = self.online_now("a direct-debit mandate").await?;
        let password = mandate.password.take();
        let store = self.store()?;
        let target = AttachTo::Dossier {
            reference: reference.to_owned(),
        };
        let request = OrderRequest::Mandate {
            dossier_reference: reference.to_owned(),
            mandate,
        };
        let id = outbox::orders::record(store, &request, &target).await?;
        let outcome = payments::send_now(Some(&api), store, id, password.as_deref()).await?;
        narrow(outcome, |r| match r {
            OrderResult::Mandate(x) => Some(x),
            _ => None,
        })
    }

    /// Requests of a dossier, or all, newest first, each with its unread
    /// count and last message: offline too.
    pub async fn requests(&self, dossier: Option<&str>) -> Result<Vec<RequestSummary>> {
        requests::summaries(self.synced_store().await?, dossier).await
    }

    /// A request and its messages, oldest first, as synced: offline too.
    pub async fn thread(&self, request_id: i64) -> Result<RequestThread> {
        requests::thread(self.synced_store().await?, request_id).await
    }

    /// Marks a request's messages read on this machine (never sent);
    /// answers how many of the agency's were unread.
    pub async fn mark_read(&self, request_id: i64) -> Result<u64> {
        requests::mark_read(self.synced_store().await?, request_id).await
    }

    /// The agency's messages not yet read here, in every thread.
    pub async fn unread_total(&self) -> Result<u64> {
        requests::unread_total(self.synced_store().await?).await
    }

    /// Sends a request or a complaint, exactly once. Its fields are checked
    /// first, on today's date ([`ClientError::InvalidFields`], nothing
    /// recorded); files to attach go to the documents outbox, and the
    /// request waits there with its key until they are delivered, then goes
    /// with their ids. Offline, it all waits ([`OrderOutcome::Queued`]). A
    /// type that needs the password (bank details) needs the server at once
    /// ([`ClientError::NeedsNetwork`]) and the password is never written down.
    pub async fn send_request(
        &mut self,
        mut request: NewRequest,
        attach: Vec<PathBuf>,
    ) -> Result<OrderOutcome<Request>> {
        let today = Local::now().date_naive();
        for value in request.fields.values_mut() {
            *value = value.trim().to_owned();
        }
        request.fields.retain(|_, v| !v.is_empty());
        request.dossier_reference = request.dossier_reference.trim().to_owned();
        let problems = claimdesk_api::requests::check_fields(request.kind, &request.fields, today);
        if !problems.is_empty() {
            return Err(ClientError::InvalidFields(problems));
        }
        let reference = request.dossier_reference.clone();
        // Known here, or nothing is recorded.
        requests::attach_target(self.synced_store().await?, &reference).await?;
        let password = request.password.take();
        let api = if request.kind.needs_password() {
            if password.as_deref().is_none_or(str::is_empty) {
                return Err(ClientError::Invalid(format!(
                    "a request “{}” needs your password",
                    requests::type_label(request.kind, Lang::En)
                )));
            }
            Some(self.online_now("a change of bank details").await?)
        } else {
            self.reachable_api().await?
        };
        let (category, note) = requests::attachment_category(request.kind);
        let order = OrderRequest::Request { request };
        let outcome = self
            .order_with_attachments(api, &reference, &attach, category, note, &order, password)
            .await?;
        narrow(outcome, |r| match r {
            OrderResult::Request(x) => Some(x),
            _ => None,
        })
    }

    /// Writes in a request's thread, exactly once, attachments first, as
    /// [`send_request`](Self::send_request) does; offline, it waits.
    pub async fn reply(
        &mut self,
        request_id: i64,
        text: String,
        attach: Vec<PathBuf>,
    ) -> Result<OrderOutcome<Message>> {
        let text = text.trim().to_owned();
        let problem = if text.is_empty() {
            Some(claimdesk_api::requests::FieldProblemKind::Missing)
        } else if text.chars().count() > claimdesk_api::requests::MAX_TEXT {
            Some(claimdesk_api::requests::FieldProblemKind::TooLong)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ClientError::InvalidFields(vec![
                claimdesk_api::requests::FieldProblem {
                    field: "text".into(),
                    problem,
                },
            ]));
        }
        let request = requests::request(self.synced_store().await?, request_id).await?;
        let api = self.reachable_api().await?;
        let (category, note) = requests::attachment_category(request.kind);
        let order = OrderRequest::Message {
            request_id,
            message: NewMessage {
                text,
                attachments: Vec::new(),
            },
        };
        let outcome = self
            .order_with_attachments(
                api,
                &request.dossier_reference,
                &attach,
                category,
                note,
                &order,
                None,
            )
            .await?;
        narrow(outcome, |r| match r {
            OrderResult::Message(x) => Some(x),
            _ => None,
        })
    }

    /// Records `attach` in the documents outbox and `order` after them,
    /// waiting for them; then, with `api`, delivers the attachments and the
    /// order. Nothing touches the network before all is recorded.
    #[allow(clippy::too_many_arguments)]
    async fn order_with_attachments(
        &self,
        api: Option<ApiClient>,
        reference: &str,
        attach: &[PathBuf],
        category: DocumentCategory,
        note: Option<String>,
        order: &OrderRequest,
        password: Option<String>,
    ) -> Result<OrderOutcome<OrderResult>> {
        let store = self.store()?;
        let target = requests::attach_target(store, reference).await?;
        let attachments = if attach.is_empty() {
            Vec::new()
        } else {
            outbox::add(store, target.clone(), attach, category, note, false).await?
        };
        let id = match outbox::orders::record_after(store, order, &target, &attachments).await {
            Ok(id) => id,
            Err(e) => {
                // Attachments of nothing: given up rather than sent alone.
                for item in &attachments {
                    let _ = outbox::cancel(store, None, *item).await;
                }
                return Err(e);
            }
        };
        if let Some(api) = &api
            && !attachments.is_empty()
        {
            outbox::send_some(api, store, self.retry, &mut |_| {}, Some(&attachments)).await?;
        }
        payments::send_now(api.as_ref(), store, id, password.as_deref()).await
    }

    /// Refers a complaint to the mediator, with its history (the thread's
    /// last message carries it as a PDF filed on the dossier). Only the
    /// server decides, on its own dates, whether the time has come:
    /// offline, [`ClientError::NeedsNetwork`]; refused too early, the
    /// error says from which date.
    pub async fn escalate(&mut self, request_id: i64) -> Result<RequestThread> {
        let request = requests::request(self.synced_store().await?, request_id).await?;
        if request.kind != claimdesk_api::requests::RequestType::Complaint {
            return Err(ClientError::Invalid(format!(
                "request {request_id} is not a complaint: only a complaint goes to the mediator"
            )));
        }
        const WHAT: &str = "referring a complaint to the mediator";
        let api = self
            .reachable_api()
            .await?
            .ok_or_else(|| self.needs_network(WHAT))?;
        let path = claimdesk_api::routes::path(claimdesk_api::routes::REQUEST_ESCALATE, request_id);
        // Keyed so a try cut mid-way and repeated refers it once.
        let key = uuid::Uuid::new_v4().to_string();
        match api
            .post_idempotent::<_, RequestThread>(&path, &key, &())
            .await
        {
            Ok(referred) => {
                let store = self.store()?;
                store.put_request(&referred.request).await?;
                for message in &referred.messages {
                    store.put_message(message).await?;
                }
                Ok(referred)
            }
            Err(e) if e.is_unreachable() => Err(self.needs_network(WHAT)),
            Err(e) => Err(requests::with_mediation_date(e, &request)),
        }
    }

    /// The notifications the store holds that were not raised yet (each is
    /// raised once), as of `today`: new agency answers and documents,
    /// instalments due within 7 days, claims admitted or rejected,
    /// procedure deadlines within 15 days. Taken after each sync; the
    /// first time, what the store already held is not news.
    pub async fn take_notifications(&self, today: NaiveDate) -> Result<Vec<Notification>> {
        requests::take(self.synced_store().await?, today).await
    }

    /// The server, reached now, for what cannot wait.
    async fn online_now(&mut self, what: &str) -> Result<ApiClient> {
        let api = self
            .reachable_api()
            .await?
            .ok_or_else(|| self.needs_network(what))?;
        if let Err(e) = api.clone().with_retry(RetryPolicy::NONE).health().await {
            return Err(if e.is_unreachable() {
                self.needs_network(what)
            } else {
                e
            });
        }
        Ok(api)
    }

    /// A signed mandate as a PDF, from the server.
    pub async fn mandate_pdf(&mut self, mandate_id: i64) -> Result<DocumentFile> {
        let bytes = self
            .online_bytes(&claimdesk_api::routes::path(
                claimdesk_api::routes::MANDATE_PDF,
                mandate_id,
            ))
            .await?;
        Ok(server_file(format!("mandat-{mandate_id}.pdf"), bytes))
    }

    /// A payment's receipt as a PDF, from the server.
    pub async fn payment_receipt(&mut self, payment_id: i64) -> Result<DocumentFile> {
        let bytes = self
            .online_bytes(&claimdesk_api::routes::path(
                claimdesk_api::routes::PAYMENT_RECEIPT,
                payment_id,
            ))
            .await?;
        Ok(server_file(format!("recu-{payment_id}.pdf"), bytes))
    }

    /// A transfer's instructions (holder, IBAN, BIC, amount, RF reference,
    /// QR code) as a PDF, from the server.
    pub async fn transfer_instructions_pdf(&mut self, payment_id: i64) -> Result<DocumentFile> {
        let bytes = self
            .online_bytes(&claimdesk_api::routes::path(
                claimdesk_api::routes::PAYMENT_INSTRUCTIONS,
                payment_id,
            ))
            .await?;
        Ok(server_file(format!("virement-{payment_id}.pdf"), bytes))
    }

    /// A transfer's EPC QR code (EPC069-12) as a PNG, from the server.
    pub async fn transfer_qr_png(&mut self, payment_id: i64) -> Result<Vec<u8>> {
        self.online_bytes(&claimdesk_api::routes::path(
            claimdesk_api::routes::PAYMENT_QR,
            payment_id,
        ))
        .await
    }

    async fn online_bytes(&mut self, path: &str) -> Result<Vec<u8>> {
        let api = self
            .reachable_api()
            .await?
            .ok_or_else(|| self.offline_error())?;
        api.get_bytes(path, &[]).await
    }

    fn needs_network(&self, what: &str) -> ClientError {
        ClientError::NeedsNetwork {
            what: what.to_owned(),
            server: self.server().unwrap_or(DEFAULT_SERVER).to_owned(),
        }
    }

    fn api(&self, server: &str) -> Result<ApiClient> {
        Ok(ApiClient::new(server)?.with_retry(self.retry))
    }
}

fn server_file(filename: String, bytes: Vec<u8>) -> DocumentFile {
    DocumentFile {
        filename,
        bytes,
        origin: Origin::Server,
        produced_at: Utc::now(),
    }
}

/// An order's outcome with the kind of record it makes; another kind from
/// the server breaks the contract.
fn narrow<T>(
    outcome: OrderOutcome<OrderResult>,
    pick: fn(OrderResult) -> Option<T>,
) -> Result<OrderOutcome<T>> {
    match outcome {
        OrderOutcome::Sent { result, item_id } => {
            let id = result.id();
            match pick(result) {
                Some(result) => Ok(OrderOutcome::Sent { result, item_id }),
                None => Err(ClientError::Protocol(format!(
                    "the order was answered with another kind of record (id {id})"
                ))),
            }
        }
        OrderOutcome::Queued { item } => Ok(OrderOutcome::Queued { item }),
    }
}

async fn offline(facts: &SessionFacts, store: &Store) -> Result<SyncOutcome> {
    Ok(SyncOutcome::Offline {
        server: facts.server.clone(),
        last_synced_at: store.last_sync().await?,
    })
}

async fn open_store(home: &Home, facts: &SessionFacts) -> Result<Store> {
    Store::open(&home.store_path(&facts.server, facts.user_id)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// A desktop shell runs these on a multi-threaded runtime: their futures must be `Send`.
    #[allow(dead_code)]
    fn facade_futures_are_send(desk: &mut Claimdesk) {
        assert_send(&Claimdesk::open(Home::new("/nowhere")));
        assert_send(&desk.login("http://x", "e", "p"));
        assert_send(&desk.activate("http://x", "r", "c", "e", "p"));
        assert_send(&desk.sync(|_| {}));
        assert_send(&desk.logout());
        assert_send(&desk.status());
        assert_send(&desk.procedures());
        assert_send(&desk.claims(1));
        assert_send(&desk.dossiers());
        assert_send(&desk.show("r"));
        assert_send(&desk.send_outbox(|_| {}));
        assert_send(&desk.cancel_outbox_item(1));
        assert_send(&desk.document_file(1));
        assert_send(&desk.download_document(1, std::path::Path::new("/nowhere")));
        assert_send(&desk.due("r"));
        assert_send(&desk.payments("r"));
        assert_send(&desk.transfer_qr_png(1));
        assert_send(&desk.requests(None));
        assert_send(&desk.thread(1));
        assert_send(&desk.mark_read(1));
        assert_send(&desk.unread_total());
        assert_send(&desk.send_request(
            NewRequest {
                dossier_reference: "r".into(),
                kind: claimdesk_api::requests::RequestType::Question,
                fields: Default::default(),
                attachments: Vec::new(),
                password: None,
            },
            Vec::new(),
        ));
        assert_send(&desk.reply(1, String::new(), Vec::new()));
        assert_send(&desk.escalate(1));
        assert_send(&desk.take_notifications(Local::now().date_naive()));
    }
}
