//! The local store: one SQLite file per server and per user, holding what that
//! user may see, in typed columns so lists, counts and sums run offline.
//!
//! Writes come only from the sync feed, one page per transaction together with
//! the cursor that follows it, so the file is always at a page boundary.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_api::auth::User;
use claimdesk_api::payments::Payment;
use claimdesk_api::records::{
    Claim, Company, Contact, DeclaredAmounts, Dossier, DossierDetail, Guarantee, Installment,
    InstallmentStatus, Procedure,
};
use claimdesk_api::requests::{Message, MessageAuthor, Request};
use claimdesk_api::sync::{Change, Entity, EntityKind};
use claimdesk_api::uploads::{AttachTo, Document};
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, SqliteConnection, SqlitePool};

use crate::error::{ClientError, Result};

type Query<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

/// Rows per multi-row INSERT: one round trip to SQLite's thread for many rows
/// (each statement crosses to sqlx's worker thread and back), far below
/// SQLite's limit of 32 766 bound parameters.
const ROWS_PER_INSERT: usize = 500;

const PROCEDURE_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "stage",
    "debtor_name",
    "debtor_siren",
    "debtor_rcs",
    "debtor_legal_form",
    "debtor_address",
    "tribunal",
    "judgment_date",
    "bodacc_date",
    "declaration_deadline",
    "etude_name",
    "mandataire",
    "administrateur",
    "juge_commissaire",
    "plan_end_date",
    "deadlines",
];

const CLAIM_COLUMNS: &[&str] = &[
    "id",
    "procedure_id",
    "dossier_reference",
    "creditor",
    "servicing_entity",
    "principal",
    "interest",
    "penalties",
    "fees",
    "to_fall_due",
    "total",
    "nature",
    "provisional",
    "declaration_date",
    "late",
    "admission",
    "admitted_amount",
    "decision_date",
];

const DOSSIER_COLUMNS: &[&str] = &[
    "id",
    "reference",
    "debtor_name",
    "debtor_siren",
    "debtor_rcs",
    "debtor_legal_form",
    "debtor_address",
    "creditor",
    "servicing_entity",
    "manager_name",
    "manager_email",
    "manager_phone",
    "procedure_id",
    "procedure_kind",
    "opened_on",
    "principal",
    "balance",
    "judgment_date",
    "servicer",
    "rib",
    "ledger",
];

const INSTALLMENT_COLUMNS: &[&str] = &[
    "id",
    "dossier_reference",
    "number",
    "due_date",
    "amount",
    "paid",
    "status",
];

const META_CURSOR: &str = "cursor";
const META_LAST_SYNC: &str = "last_sync_at";
const META_SERVER: &str = "server";
const META_USER: &str = "user";
/// Set once the events already in the store are recorded as notified.
pub(crate) const META_NOTIFIED_BASELINE: &str = "notified_baseline";
/// The folder, inside the content folder, of copies opened in a viewer.
const OPENED: &str = "opened";

/// Rows of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counts {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub procedures: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub claims: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dossiers: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub installments: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub documents: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    #[serde(default)]
    pub payments: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    #[serde(default)]
    pub requests: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    #[serde(default)]
    pub messages: u64,
}

impl Counts {
    fn bump(&mut self, kind: EntityKind, by: u64) {
        match kind {
            EntityKind::Procedure => self.procedures += by,
            EntityKind::Claim => self.claims += by,
            EntityKind::Dossier => self.dossiers += by,
            EntityKind::Installment => self.installments += by,
            EntityKind::Document => self.documents += by,
            EntityKind::Payment => self.payments += by,
            EntityKind::Request => self.requests += by,
            EntityKind::Message => self.messages += by,
        }
    }

    pub fn total(&self) -> u64 {
        self.procedures
            + self.claims
            + self.dossiers
            + self.installments
            + self.documents
            + self.payments
            + self.requests
            + self.messages
    }

    /// Adds another's figures, kind by kind.
    pub fn add(&mut self, other: Counts) {
        for kind in EntityKind::ALL {
            self.bump(kind, other.of(kind));
        }
    }

    pub fn of(&self, kind: EntityKind) -> u64 {
        match kind {
            EntityKind::Procedure => self.procedures,
            EntityKind::Claim => self.claims,
            EntityKind::Dossier => self.dossiers,
            EntityKind::Installment => self.installments,
            EntityKind::Document => self.documents,
            EntityKind::Payment => self.payments,
            EntityKind::Request => self.requests,
            EntityKind::Message => self.messages,
        }
    }
}

/// What one page did to the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub upserted: Counts,
    pub deleted: Counts,
}

impl Applied {
    pub fn changes(&self) -> u64 {
        self.upserted.total() + self.deleted.total()
    }
}

/// A procedure with the figures of its claims, as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    #[serde(flatten)]
    pub procedure: Procedure,
    pub claim_count: u64,
    pub declared_total: Money,
    pub admitted_total: Money,
    /// The earliest date still ahead: declaration deadline or unpaid instalment.
    pub next_deadline: Option<NaiveDate>,
}

/// SQL built once per store for the batched writes.
#[derive(Debug)]
struct Statements {
    procedures_many: String,
    claims_many: String,
    dossiers_one: String,
    installments_many: String,
}

impl Statements {
    fn new() -> Statements {
        Statements {
            procedures_many: insert_sql("procedures", PROCEDURE_COLUMNS, ROWS_PER_INSERT),
            claims_many: insert_sql("claims", CLAIM_COLUMNS, ROWS_PER_INSERT),
            dossiers_one: insert_sql("dossiers", DOSSIER_COLUMNS, 1),
            installments_many: insert_sql("installments", INSTALLMENT_COLUMNS, ROWS_PER_INSERT),
        }
    }
}

/// What a page leaves behind: for each record it touches, only its last
/// change counts, since an upsert replaces the whole row and a delete removes
/// it. Records of different kinds or ids are independent, so the survivors
/// can be written grouped by kind, in batches, whatever their order in the feed.
struct PageOutcome<'p> {
    procedures: Vec<&'p Procedure>,
    claims: Vec<&'p Claim>,
    dossiers: Vec<&'p Dossier>,
    installments: Vec<&'p Installment>,
    documents: Vec<&'p Document>,
    payments: Vec<&'p Payment>,
    requests: Vec<&'p Request>,
    messages: Vec<&'p Message>,
    deleted: Vec<(EntityKind, i64)>,
}

impl<'p> PageOutcome<'p> {
    fn of(changes: &'p [Change]) -> PageOutcome<'p> {
        let key = |c: &Change| match c {
            Change::Upsert { entity } => (entity.kind(), entity.id()),
            Change::Delete { kind, id } => (*kind, *id),
        };
        let mut last: HashMap<(EntityKind, i64), usize> = HashMap::with_capacity(changes.len());
        for (i, change) in changes.iter().enumerate() {
            last.insert(key(change), i);
        }
        let mut outcome = PageOutcome {
            procedures: Vec::new(),
            claims: Vec::new(),
            dossiers: Vec::new(),
            installments: Vec::new(),
            documents: Vec::new(),
            payments: Vec::new(),
            requests: Vec::new(),
            messages: Vec::new(),
            deleted: Vec::new(),
        };
        for (i, change) in changes.iter().enumerate() {
            if last[&key(change)] != i {
                continue;
            }
            match change {
                Change::Upsert { entity } => match entity {
                    Entity::Procedure(p) => outcome.procedures.push(p),
                    Entity::Claim(c) => outcome.claims.push(c),
                    Entity::Dossier(d) => outcome.dossiers.push(d),
                    Entity::Installment(i) => outcome.installments.push(i),
                    Entity::Document(d) => outcome.documents.push(d),
                    Entity::Payment(p) => outcome.payments.push(p),
                    Entity::Request(r) => outcome.requests.push(r),
                    Entity::Message(m) => outcome.messages.push(m),
                },
                Change::Delete { kind, id } => outcome.deleted.push((*kind, *id)),
            }
        }
        outcome
    }

    fn deleted(&self, kind: EntityKind) -> Vec<i64> {
        self.deleted
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .collect()
    }

    fn upserted(&self, kind: EntityKind) -> Vec<i64> {
        match kind {
            EntityKind::Procedure => self.procedures.iter().map(|p| p.id).collect(),
            EntityKind::Claim => self.claims.iter().map(|c| c.id).collect(),
            EntityKind::Dossier => self.dossiers.iter().map(|d| d.id).collect(),
            EntityKind::Installment => self.installments.iter().map(|i| i.id).collect(),
            EntityKind::Document => self.documents.iter().map(|d| d.id).collect(),
            EntityKind::Payment => self.payments.iter().map(|p| p.id).collect(),
            EntityKind::Request => self.requests.iter().map(|r| r.id).collect(),
            EntityKind::Message => self.messages.iter().map(|m| m.id).collect(),
        }
    }

    /// Every record of `kind` the page replaces or removes.
    fn touched(&self, kind: EntityKind) -> Vec<i64> {
        let mut ids = self.upserted(kind);
        ids.extend(self.deleted(kind));
        ids
    }
}

/// A full-text index of the search box over one table (migration 0002),
/// kept by the store in bulk rather than by per-row triggers.
struct SearchIndex {
    kind: EntityKind,
    table: &'static str,
    index: &'static str,
    columns: &'static str,
}

const SEARCH_INDEXES: [SearchIndex; 3] = [
    SearchIndex {
        kind: EntityKind::Procedure,
        table: "procedures",
        index: "procedures_search",
        columns: "debtor_name, debtor_siren, tribunal",
    },
    SearchIndex {
        kind: EntityKind::Dossier,
        table: "dossiers",
        index: "dossiers_search",
        columns: "reference, debtor_name, debtor_siren",
    },
    SearchIndex {
        kind: EntityKind::Claim,
        table: "claims",
        index: "claims_search",
        columns: "dossier_reference, creditor",
    },
];

impl SearchIndex {
    /// Removes the entries of those records that are on disk; a record seen
    /// for the first time (all of them on a first sync) costs nothing here.
    async fn unindex(&self, conn: &mut SqliteConnection, ids: &[i64]) -> Result<()> {
        let sql = format!(
            "DELETE FROM {index} WHERE rowid IN \
             (SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?)))",
            index = self.index,
            table = self.table
        );
        sqlx::query(&sql)
            .bind(json_ids(ids))
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Indexes those records as they now are on disk.
    async fn index(&self, conn: &mut SqliteConnection, ids: &[i64]) -> Result<()> {
        let sql = format!(
            "INSERT INTO {index} (rowid, {columns}) SELECT id, {columns} FROM {table} \
             WHERE id IN (SELECT value FROM json_each(?))",
            index = self.index,
            table = self.table,
            columns = self.columns
        );
        sqlx::query(&sql)
            .bind(json_ids(ids))
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

fn json_ids(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("ids always serialize")
}

fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let tuple = format!("({})", vec!["?"; columns.len()].join(","));
    format!(
        "INSERT OR REPLACE INTO {table} ({}) VALUES {}",
        columns.join(","),
        vec![tuple; rows].join(",")
    )
}

#[derive(Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    sql: Statements,
}

impl Store {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ClientError::io(format!("cannot create {}", parent.display()), e))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL survives a crash of the process; a power cut may lose
            // the last page, which the cursor then fetches again.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            // Purged rows (revoked access) are overwritten, not left in free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A desktop app stays open all day, mostly idle: connections left
            // unused close, and with them their page caches and threads.
            .min_connections(0)
            .idle_timeout(Duration::from_secs(20))
            .connect_with(options)
            .await?;
        sqlx::migrate!().run(&pool).await?;
        Ok(Store {
            pool,
            path: path.to_path_buf(),
            sql: Statements::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// For the queries of sibling modules (search) that read the same file.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Applies one page of the sync feed and records `next_cursor` in the same
    /// transaction; `completed_at` marks the end of a sync (the feed said no more).
    /// Re-applying a page leaves the store as it was.
    pub async fn apply_page(
        &self,
        changes: &[Change],
        next_cursor: &str,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<Applied> {
        let mut applied = Applied::default();
        for change in changes {
            match change {
                Change::Upsert { entity } => applied.upserted.bump(entity.kind(), 1),
                Change::Delete { kind, .. } => applied.deleted.bump(*kind, 1),
            }
        }
        let last = PageOutcome::of(changes);
        let mut tx = self.pool.begin().await?;
        if let Err(e) = self
            .write_page(&mut tx, &last, next_cursor, completed_at)
            .await
        {
            // Rolled back here and waited for: left to the drop, the page's
            // write lock could outlive the error and make the next writer busy.
            if let Err(rollback) = tx.rollback().await {
                tracing::warn!(error = %rollback, "cannot roll a failed page back");
            }
            return Err(e);
        }
        tx.commit().await?;
        if applied.deleted.documents > 0 {
            self.purge_unreferenced_content().await?;
        }
        Ok(applied)
    }

    /// Everything of one page, cursor included, inside the caller's transaction.
    async fn write_page(
        &self,
        tx: &mut SqliteConnection,
        last: &PageOutcome<'_>,
        next_cursor: &str,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        // Index entries of records already on disk go before the records change.
        for index in SEARCH_INDEXES {
            let touched = last.touched(index.kind);
            if !touched.is_empty() {
                index.unindex(tx, &touched).await?;
            }
        }
        for kind in EntityKind::ALL {
            let ids = last.deleted(kind);
            if !ids.is_empty() {
                delete(tx, kind, &ids).await?;
            }
        }
        self.insert_batched(
            &mut *tx,
            &last.procedures,
            &self.sql.procedures_many,
            PROCEDURE_COLUMNS,
            bind_procedure,
        )
        .await?;
        self.insert_batched(
            &mut *tx,
            &last.claims,
            &self.sql.claims_many,
            CLAIM_COLUMNS,
            bind_claim,
        )
        .await?;
        self.insert_batched(
            &mut *tx,
            &last.installments,
            &self.sql.installments_many,
            INSTALLMENT_COLUMNS,
            bind_installment,
        )
        .await?;
        for dossier in &last.dossiers {
            self.upsert_dossier(tx, dossier).await?;
        }
        for document in &last.documents {
            upsert_filed_document(tx, document).await?;
        }
        for payment in &last.payments {
            upsert_payment(tx, payment).await?;
        }
        for request in &last.requests {
            upsert_request(tx, request).await?;
        }
        for message in &last.messages {
            upsert_message(tx, message).await?;
        }
        for index in SEARCH_INDEXES {
            let written = last.upserted(index.kind);
            if !written.is_empty() {
                index.index(tx, &written).await?;
            }
        }
        set_meta(tx, META_CURSOR, next_cursor).await?;
        if let Some(at) = completed_at {
            set_meta(tx, META_LAST_SYNC, &at.to_rfc3339()).await?;
        }
        Ok(())
    }

    /// Writes rows with as few statements as possible: full batches share one
    /// prepared statement, the rest go in one statement of their own.
    async fn insert_batched<T: Sync>(
        &self,
        conn: &mut SqliteConnection,
        rows: &[&T],
        many: &str,
        columns: &[&str],
        bind: for<'a> fn(Query<'a>, &'a T) -> Query<'a>,
    ) -> Result<()> {
        let mut chunks = rows.chunks_exact(ROWS_PER_INSERT);
        for chunk in &mut chunks {
            let mut query = sqlx::query(many);
            for row in chunk {
                query = bind(query, row);
            }
            query.execute(&mut *conn).await?;
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let table = match many.split_whitespace().nth(4) {
                Some(table) => table,
                None => unreachable!("built by insert_sql"),
            };
            let sql = insert_sql(table, columns, rest.len());
            // Sized to this page: not worth a place in the statement cache.
            let mut query = sqlx::query(&sql).persistent(false);
            for row in rest {
                query = bind(query, row);
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }

    async fn upsert_dossier(&self, conn: &mut SqliteConnection, d: &Dossier) -> Result<()> {
        bind_dossier(sqlx::query(&self.sql.dossiers_one), d)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM guarantees WHERE dossier_id = ?")
            .bind(d.id)
            .execute(&mut *conn)
            .await?;
        for (position, g) in d.guarantees.iter().enumerate() {
            sqlx::query(
                "INSERT INTO guarantees (dossier_id, position, guarantor_name, amount, ends_on) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(d.id)
            .bind(position as i64)
            .bind(&g.guarantor_name)
            .bind(g.amount.to_string())
            .bind(g.ends_on)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Empties the store and forgets the cursor, for a sync from scratch.
    pub async fn wipe(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for table in [
            "procedures",
            "claims",
            "dossiers",
            "guarantees",
            "installments",
            "filed_documents",
            "payments",
            "requests",
            "messages",
            // A store synced again from scratch raises again what it holds.
            "notified",
        ]
        .into_iter()
        .chain(SEARCH_INDEXES.iter().map(|i| i.index))
        {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM meta WHERE key IN (?, ?, ?)")
            .bind(META_CURSOR)
            .bind(META_LAST_SYNC)
            .bind(META_NOTIFIED_BASELINE)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.purge_unreferenced_content().await
    }

    /// The folder of documents' content, next to the store: each file named
    /// by its SHA-256, never by a name a user or the server chose.
    pub fn content_dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .join("content")
    }

    /// Where copies of a document's content opened in a viewer are put.
    pub fn opened_dir(&self, id: i64) -> PathBuf {
        self.content_dir().join(OPENED).join(id.to_string())
    }

    /// Removes every cached content, as when the user signs out.
    pub async fn purge_content(&self) -> Result<()> {
        sqlx::query("DELETE FROM cached_contents")
            .execute(&self.pool)
            .await?;
        let dir = self.content_dir();
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ClientError::io(
                format!("cannot remove {}", dir.display()),
                e,
            )),
        }
    }

    /// Removes the content no document on disk names any more: what went
    /// with a document deleted or no longer visible. Part files of documents
    /// still here stay, for a download to resume.
    async fn purge_unreferenced_content(&self) -> Result<()> {
        let dir = self.content_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(ClientError::io(format!("cannot read {}", dir.display()), e)),
        };
        let kept: std::collections::HashSet<String> = sqlx::query_scalar(
            "SELECT sha256 FROM filed_documents UNION SELECT sha256 FROM cached_contents",
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .collect();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == OPENED {
                continue;
            }
            let sha256 = name.strip_suffix(".part").unwrap_or(&name);
            if !kept.contains(sha256) {
                let path = entry.path();
                if let Err(e) = std::fs::remove_file(&path) {
                    tracing::warn!(path = %path.display(), error = %e, "content left behind");
                }
            }
        }
        self.purge_unreferenced_opened().await
    }

    /// Removes the viewer copies of documents no longer on disk.
    async fn purge_unreferenced_opened(&self) -> Result<()> {
        let dir = self.content_dir().join(OPENED);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(());
        };
        let kept: std::collections::HashSet<i64> =
            sqlx::query_scalar("SELECT id FROM filed_documents")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .collect();
        for entry in entries.flatten() {
            let id = entry.file_name().to_string_lossy().parse::<i64>().ok();
            if id.is_none_or(|id| !kept.contains(&id)) {
                let path = entry.path();
                if let Err(e) = std::fs::remove_dir_all(&path) {
                    tracing::warn!(path = %path.display(), error = %e, "viewer copy left behind");
                }
            }
        }
        Ok(())
    }

    /// A document's metadata, as the feed or the server's answer to an upload
    /// carried it, so it lists before the next sync.
    pub async fn put_filed_document(&self, d: &Document) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        upsert_filed_document(&mut conn, d).await
    }

    pub async fn filed_document(&self, id: i64) -> Result<Option<Document>> {
        let record: Option<String> =
            sqlx::query_scalar("SELECT record FROM filed_documents WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        record
            .map(|r| serde_json::from_str(&r).map_err(|e| corrupt("document", e)))
            .transpose()
    }

    /// The documents of a dossier or a procedure, newest first.
    pub async fn filed_documents(&self, of: &AttachTo) -> Result<Vec<Document>> {
        let query = match of {
            AttachTo::Dossier { reference } => sqlx::query_scalar(
                "SELECT record FROM filed_documents WHERE dossier_reference = ? \
                 ORDER BY created_at DESC, id DESC",
            )
            .bind(reference.as_str()),
            AttachTo::Procedure { id } => sqlx::query_scalar(
                "SELECT record FROM filed_documents WHERE procedure_id = ? \
                 ORDER BY created_at DESC, id DESC",
            )
            .bind(*id),
        };
        let records: Vec<String> = query.fetch_all(&self.pool).await?;
        records
            .iter()
            .map(|r| serde_json::from_str(r).map_err(|e| corrupt("document", e)))
            .collect()
    }

    /// A payment as the server answered it, so it lists before the next sync.
    pub async fn put_payment(&self, p: &Payment) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        upsert_payment(&mut conn, p).await
    }

    /// A request as the server answered it, so it lists before the next sync.
    pub async fn put_request(&self, r: &Request) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        upsert_request(&mut conn, r).await
    }

    /// A message as the server answered it, so it lists before the next sync.
    pub async fn put_message(&self, m: &Message) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        upsert_message(&mut conn, m).await
    }

    /// A dossier's payments, newest first.
    pub async fn payments_of(&self, reference: &str) -> Result<Vec<Payment>> {
        let records: Vec<String> = sqlx::query_scalar(
            "SELECT record FROM payments WHERE dossier_reference = ? \
             ORDER BY created_at DESC, id DESC",
        )
        .bind(reference)
        .fetch_all(&self.pool)
        .await?;
        records
            .iter()
            .map(|r| serde_json::from_str(r).map_err(|e| corrupt("payment", e)))
            .collect()
    }

    pub async fn payment(&self, id: i64) -> Result<Option<Payment>> {
        let record: Option<String> = sqlx::query_scalar("SELECT record FROM payments WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        record
            .map(|r| serde_json::from_str(&r).map_err(|e| corrupt("payment", e)))
            .transpose()
    }

    /// The SHA-256 of the content held for a document, if any.
    pub(crate) async fn cached_content(&self, document_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT sha256 FROM cached_contents WHERE document_id = ?")
                .bind(document_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Records the content now held for a document, and lets go of the one it
    /// replaces.
    pub(crate) async fn set_cached_content(&self, document_id: i64, sha256: &str) -> Result<()> {
        sqlx::query("INSERT OR REPLACE INTO cached_contents (document_id, sha256) VALUES (?, ?)")
            .bind(document_id)
            .bind(sha256)
            .execute(&self.pool)
            .await?;
        self.purge_unreferenced_content().await
    }

    /// Folds the write-ahead log into the database file, so purged rows do not
    /// linger in it.
    pub async fn checkpoint(&self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn cursor(&self) -> Result<Option<String>> {
        self.meta(META_CURSOR).await
    }

    pub async fn last_sync(&self) -> Result<Option<DateTime<Utc>>> {
        match self.meta(META_LAST_SYNC).await? {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(&text)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|e| corrupt("last sync time", e)),
        }
    }

    /// Records whose store this is, for a human reading the file and for checks.
    pub async fn set_owner(&self, server: &str, user: &User) -> Result<()> {
        let user = serde_json::to_string(user).map_err(|e| corrupt("user", e))?;
        let mut tx = self.pool.begin().await?;
        set_meta(&mut tx, META_SERVER, server).await?;
        set_meta(&mut tx, META_USER, &user).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn owner(&self) -> Result<Option<(String, User)>> {
        let (Some(server), Some(user)) =
            (self.meta(META_SERVER).await?, self.meta(META_USER).await?)
        else {
            return Ok(None);
        };
        let user = serde_json::from_str(&user).map_err(|e| corrupt("user", e))?;
        Ok(Some((server, user)))
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn counts(&self) -> Result<Counts> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM procedures), (SELECT count(*) FROM claims), \
             (SELECT count(*) FROM dossiers), (SELECT count(*) FROM installments), \
             (SELECT count(*) FROM filed_documents), (SELECT count(*) FROM payments), \
             (SELECT count(*) FROM requests), (SELECT count(*) FROM messages)",
        )
        .fetch_one(&self.pool)
        .await?;
        let n = |i: usize| -> Result<u64> { Ok(row.try_get::<i64, _>(i)? as u64) };
        Ok(Counts {
            procedures: n(0)?,
            claims: n(1)?,
            dossiers: n(2)?,
            installments: n(3)?,
            documents: n(4)?,
            payments: n(5)?,
            requests: n(6)?,
            messages: n(7)?,
        })
    }

    pub async fn procedures(&self) -> Result<Vec<Procedure>> {
        self.procedures_matching("1 = 1", &[]).await
    }

    /// Procedures meeting an SQL condition over `procedures`, its `?` bound
    /// to `binds` in order; by id.
    pub(crate) async fn procedures_matching(
        &self,
        condition: &str,
        binds: &[String],
    ) -> Result<Vec<Procedure>> {
        let sql = format!("procedures WHERE {condition}");
        self.matching(&sql, PROCEDURE_COLUMNS, binds, procedure_from_row)
            .await
    }

    /// Claims meeting an SQL condition over `claims`; by id.
    pub(crate) async fn claims_matching(&self, condition: &str) -> Result<Vec<Claim>> {
        let sql = format!("claims WHERE {condition}");
        self.matching(&sql, CLAIM_COLUMNS, &[], claim_from_row)
            .await
    }

    /// Instalments meeting an SQL condition over `installments`, its `?`
    /// bound to `binds` in order; by id.
    pub(crate) async fn installments_matching(
        &self,
        condition: &str,
        binds: &[String],
    ) -> Result<Vec<Installment>> {
        let sql = format!("installments WHERE {condition}");
        self.matching(&sql, INSTALLMENT_COLUMNS, binds, installment_from_row)
            .await
    }

    /// `columns` of the rows of `from` (a table and its condition), by id,
    /// each read by `from_row`: only the rows asked for are ever decoded.
    async fn matching<T>(
        &self,
        from: &str,
        columns: &[&str],
        binds: &[String],
        from_row: fn(&SqliteRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let sql = format!("SELECT {} FROM {from} ORDER BY id", columns.join(","));
        let mut query = sqlx::query(&sql);
        for bind in binds {
            query = query.bind(bind);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn procedure(&self, id: i64) -> Result<Option<Procedure>> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM procedures WHERE id = ?",
            PROCEDURE_COLUMNS.join(",")
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(procedure_from_row).transpose()
    }

    /// Every claim, by id.
    pub async fn claims(&self) -> Result<Vec<Claim>> {
        self.claims_where(ClaimFilter::All).await
    }

    pub async fn claims_of_procedure(&self, procedure_id: i64) -> Result<Vec<Claim>> {
        self.claims_where(ClaimFilter::Procedure(procedure_id))
            .await
    }

    pub async fn claims_of_dossier(&self, reference: &str) -> Result<Vec<Claim>> {
        self.claims_where(ClaimFilter::Dossier(reference)).await
    }

    pub async fn claim(&self, id: i64) -> Result<Option<Claim>> {
        Ok(self.claims_where(ClaimFilter::Id(id)).await?.pop())
    }

    /// Files a document for offline reading, replacing one of the same key.
    pub async fn put_document(&self, d: &CachedDocument) -> Result<()> {
        sqlx::query(
            "INSERT OR REPLACE INTO documents \
             (key, kind, subject, as_of, produced_at, content_type, filename, body) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&d.key)
        .bind(&d.kind)
        .bind(&d.subject)
        .bind(d.as_of)
        .bind(d.produced_at)
        .bind(&d.content_type)
        .bind(&d.filename)
        .bind(&d.body)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn document(&self, key: &str) -> Result<Option<CachedDocument>> {
        let row = sqlx::query(
            "SELECT key, kind, subject, as_of, produced_at, content_type, filename, body \
             FROM documents WHERE key = ?",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(CachedDocument {
                key: row.try_get("key")?,
                kind: row.try_get("kind")?,
                subject: row.try_get("subject")?,
                as_of: row.try_get("as_of")?,
                produced_at: row.try_get("produced_at")?,
                content_type: row.try_get("content_type")?,
                filename: row.try_get("filename")?,
                body: row.try_get("body")?,
            })
        })
        .transpose()
    }

    /// How many documents are filed for a subject (`dossier:REF`, `claim:ID`).
    pub async fn document_count(&self, subject: &str) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM documents WHERE subject = ?")
                .bind(subject)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn claims_where(&self, filter: ClaimFilter<'_>) -> Result<Vec<Claim>> {
        let condition = match filter {
            ClaimFilter::All => "1 = 1",
            ClaimFilter::Procedure(_) => "procedure_id = ?",
            ClaimFilter::Dossier(_) => "dossier_reference = ?",
            ClaimFilter::Id(_) => "id = ?",
        };
        let sql = format!(
            "SELECT {} FROM claims WHERE {condition} ORDER BY id",
            CLAIM_COLUMNS.join(",")
        );
        let query = sqlx::query(&sql);
        let query = match filter {
            ClaimFilter::All => query,
            ClaimFilter::Procedure(id) => query.bind(id),
            ClaimFilter::Dossier(reference) => query.bind(reference),
            ClaimFilter::Id(id) => query.bind(id),
        };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(claim_from_row).collect()
    }

    /// Every dossier with its guarantees, by id.
    pub async fn dossiers(&self) -> Result<Vec<Dossier>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM dossiers ORDER BY id",
            DOSSIER_COLUMNS.join(",")
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut guarantees = self.guarantees(None).await?;
        rows.iter()
            .map(|row| {
                let mut dossier = dossier_from_row(row)?;
                dossier.guarantees = guarantees.remove(&dossier.id).unwrap_or_default();
                Ok(dossier)
            })
            .collect()
    }

    pub async fn dossier(&self, reference: &str) -> Result<Option<DossierDetail>> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM dossiers WHERE reference = ? ORDER BY id LIMIT 1",
            DOSSIER_COLUMNS.join(",")
        ))
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut dossier = dossier_from_row(&row)?;
        dossier.guarantees = self
            .guarantees(Some(dossier.id))
            .await?
            .remove(&dossier.id)
            .unwrap_or_default();
        Ok(Some(DossierDetail {
            installments: self.installments_of(reference).await?,
            claims: self.claims_of_dossier(reference).await?,
            dossier,
        }))
    }

    async fn guarantees(&self, dossier_id: Option<i64>) -> Result<HashMap<i64, Vec<Guarantee>>> {
        let rows = sqlx::query(
            "SELECT dossier_id, guarantor_name, amount, ends_on FROM guarantees \
             WHERE ?1 IS NULL OR dossier_id = ?1 ORDER BY dossier_id, position",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_dossier: HashMap<i64, Vec<Guarantee>> = HashMap::new();
        for row in &rows {
            by_dossier
                .entry(row.try_get("dossier_id")?)
                .or_default()
                .push(Guarantee {
                    guarantor_name: row.try_get("guarantor_name")?,
                    amount: money(row, "amount")?,
                    ends_on: row.try_get("ends_on")?,
                });
        }
        Ok(by_dossier)
    }

    /// Every instalment, by id.
    pub async fn installments(&self) -> Result<Vec<Installment>> {
        self.installments_matching("1 = 1", &[]).await
    }

    /// A dossier's schedule, by échéance number.
    pub async fn installments_of(&self, reference: &str) -> Result<Vec<Installment>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM installments WHERE dossier_reference = ? ORDER BY number, id",
            INSTALLMENT_COLUMNS.join(",")
        ))
        .bind(reference)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(installment_from_row).collect()
    }

    /// Procedures with their claims' figures; `today` decides which deadlines are still ahead.
    pub async fn procedure_summaries(&self, today: NaiveDate) -> Result<Vec<ProcedureSummary>> {
        #[derive(Default)]
        struct Figures {
            count: u64,
            declared: Money,
            admitted: Money,
        }
        let mut figures: HashMap<i64, Figures> = HashMap::new();
        // Streamed: tens of thousands of rows are summed, never held at once.
        let mut rows = sqlx::query("SELECT procedure_id, total, admitted_amount FROM claims")
            .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let row = &row;
            let f = figures.entry(row.try_get("procedure_id")?).or_default();
            f.count += 1;
            // Summed as exact decimals: SQLite's SUM would go through floats.
            f.declared = f.declared + money(row, "total")?;
            if let Some(admitted) = opt_money(row, "admitted_amount")? {
                f.admitted = f.admitted + admitted;
            }
        }
        // Gives its connection back before the next queries.
        drop(rows);
        let due: Vec<(i64, NaiveDate)> = sqlx::query_as(
            "SELECT d.procedure_id, MIN(i.due_date) FROM installments i \
             JOIN dossiers d ON d.reference = i.dossier_reference \
             WHERE d.procedure_id IS NOT NULL AND i.status != 'paid' AND i.due_date >= ? \
             GROUP BY d.procedure_id",
        )
        .bind(today)
        .fetch_all(&self.pool)
        .await?;
        let next_due: HashMap<i64, NaiveDate> = due.into_iter().collect();
        let procedures = self.procedures().await?;
        Ok(procedures
            .into_iter()
            .map(|procedure| {
                let f = figures.remove(&procedure.id).unwrap_or_default();
                let declaration = procedure.declaration_deadline.filter(|d| *d >= today);
                let next_deadline = match (declaration, next_due.get(&procedure.id).copied()) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                ProcedureSummary {
                    procedure,
                    claim_count: f.count,
                    declared_total: f.declared,
                    admitted_total: f.admitted,
                    next_deadline,
                }
            })
            .collect())
    }
}

/// A document as the server produced it, filed for offline reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedDocument {
    pub key: String,
    pub kind: String,
    /// `dossier:REF` or `claim:ID`: purged with its subject.
    pub subject: String,
    pub as_of: Option<chrono::NaiveDate>,
    pub produced_at: chrono::DateTime<chrono::Utc>,
    pub content_type: String,
    pub filename: String,
    pub body: Vec<u8>,
}

#[derive(Clone, Copy)]
enum ClaimFilter<'a> {
    All,
    Procedure(i64),
    Dossier(&'a str),
    Id(i64),
}

async fn set_meta(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes records (and, for dossiers, their guarantees) by id, in one
/// statement per table whatever their number.
async fn delete(conn: &mut SqliteConnection, kind: EntityKind, ids: &[i64]) -> Result<()> {
    let statements: &[&str] = match kind {
        EntityKind::Procedure => {
            &["DELETE FROM procedures WHERE id IN (SELECT value FROM json_each(?))"]
        }
        EntityKind::Claim => &["DELETE FROM claims WHERE id IN (SELECT value FROM json_each(?))"],
        EntityKind::Dossier => &[
            "DELETE FROM guarantees WHERE dossier_id IN (SELECT value FROM json_each(?))",
            // A dossier out of sight takes its payments with it, whatever the
            // order of the deletes in the feed.
            "DELETE FROM payments WHERE dossier_reference IN \
             (SELECT reference FROM dossiers WHERE id IN (SELECT value FROM json_each(?)))",
            // And its requests with their threads.
            "DELETE FROM messages WHERE request_id IN (SELECT id FROM requests \
             WHERE dossier_reference IN (SELECT reference FROM dossiers \
             WHERE id IN (SELECT value FROM json_each(?))))",
            "DELETE FROM requests WHERE dossier_reference IN \
             (SELECT reference FROM dossiers WHERE id IN (SELECT value FROM json_each(?)))",
            "DELETE FROM dossiers WHERE id IN (SELECT value FROM json_each(?))",
        ],
        EntityKind::Installment => {
            &["DELETE FROM installments WHERE id IN (SELECT value FROM json_each(?))"]
        }
        EntityKind::Document => {
            &["DELETE FROM filed_documents WHERE id IN (SELECT value FROM json_each(?))"]
        }
        EntityKind::Payment => {
            &["DELETE FROM payments WHERE id IN (SELECT value FROM json_each(?))"]
        }
        EntityKind::Request => &[
            "DELETE FROM messages WHERE request_id IN (SELECT value FROM json_each(?))",
            "DELETE FROM requests WHERE id IN (SELECT value FROM json_each(?))",
        ],
        EntityKind::Message => {
            &["DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))"]
        }
    };
    let ids = json_ids(ids);
    for sql in statements {
        sqlx::query(sql).bind(&ids).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn upsert_filed_document(conn: &mut SqliteConnection, d: &Document) -> Result<()> {
    let (reference, procedure) = match &d.attached_to {
        AttachTo::Dossier { reference } => (Some(reference.as_str()), None),
        AttachTo::Procedure { id } => (None, Some(*id)),
    };
    sqlx::query(
        "INSERT OR REPLACE INTO filed_documents \
         (id, dossier_reference, procedure_id, sha256, created_at, record) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(d.id)
    .bind(reference)
    .bind(procedure)
    .bind(&d.sha256)
    .bind(d.created_at)
    .bind(to_json(d))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn upsert_payment(conn: &mut SqliteConnection, p: &Payment) -> Result<()> {
    sqlx::query(
        "INSERT OR REPLACE INTO payments \
         (id, dossier_reference, method, amount, status, created_at, record) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(p.id)
    .bind(&p.dossier_reference)
    .bind(p.method.as_str())
    .bind(p.amount.to_string())
    .bind(p.status.as_str())
    .bind(p.created_at)
    .bind(to_json(p))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn upsert_request(conn: &mut SqliteConnection, r: &Request) -> Result<()> {
    sqlx::query(
        "INSERT OR REPLACE INTO requests \
         (id, dossier_reference, type, status, created_at, record) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(r.id)
    .bind(&r.dossier_reference)
    .bind(r.kind.as_str())
    .bind(r.status.as_str())
    .bind(r.created_at)
    .bind(to_json(r))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps the message's local `read_at` when the feed brings it again.
async fn upsert_message(conn: &mut SqliteConnection, m: &Message) -> Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, request_id, author, created_at, record) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET request_id = excluded.request_id, \
         author = excluded.author, created_at = excluded.created_at, record = excluded.record",
    )
    .bind(m.id)
    .bind(m.request_id)
    .bind(author_str(m.author))
    .bind(m.created_at)
    .bind(to_json(m))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) fn author_str(author: MessageAuthor) -> &'static str {
    match author {
        MessageAuthor::Customer => "customer",
        MessageAuthor::Agency => "agency",
        MessageAuthor::System => "system",
    }
}

fn bind_company<'q>(query: Query<'q>, c: &'q Company) -> Query<'q> {
    query
        .bind(&c.name)
        .bind(&c.siren)
        .bind(&c.rcs)
        .bind(&c.legal_form)
        .bind(&c.address)
}

fn bind_procedure<'q>(query: Query<'q>, p: &'q Procedure) -> Query<'q> {
    let query = query
        .bind(p.id)
        .bind(p.kind.as_str())
        .bind(p.stage.as_str());
    bind_company(query, &p.debtor)
        .bind(&p.tribunal)
        .bind(p.judgment_date)
        .bind(p.bodacc_date)
        .bind(p.declaration_deadline)
        .bind(&p.etude_name)
        .bind(&p.mandataire)
        .bind(&p.administrateur)
        .bind(&p.juge_commissaire)
        .bind(p.plan_end_date)
        .bind(to_json(&p.deadlines))
}

fn bind_claim<'q>(query: Query<'q>, c: &'q Claim) -> Query<'q> {
    query
        .bind(c.id)
        .bind(c.procedure_id)
        .bind(&c.dossier_reference)
        .bind(&c.creditor)
        .bind(&c.servicing_entity)
        .bind(c.declared.principal.to_string())
        .bind(c.declared.interest.to_string())
        .bind(c.declared.penalties.to_string())
        .bind(c.declared.fees.to_string())
        .bind(c.declared.to_fall_due.to_string())
        .bind(c.declared.total.to_string())
        .bind(c.nature.as_str())
        .bind(c.provisional)
        .bind(c.declaration_date)
        .bind(c.late)
        .bind(c.admission.as_str())
        .bind(c.admitted_amount.map(|m| m.to_string()))
        .bind(c.decision_date)
}

fn bind_dossier<'q>(query: Query<'q>, d: &'q Dossier) -> Query<'q> {
    let query = query.bind(d.id).bind(&d.reference);
    bind_company(query, &d.debtor)
        .bind(&d.creditor)
        .bind(&d.servicing_entity)
        .bind(&d.manager.name)
        .bind(&d.manager.email)
        .bind(&d.manager.phone)
        .bind(d.procedure_id)
        .bind(d.procedure_kind.map(|k| k.as_str()))
        .bind(d.opened_on)
        .bind(d.principal.to_string())
        .bind(d.balance.to_string())
        .bind(d.judgment_date)
        .bind(to_json(&d.servicer))
        .bind(to_json(&d.rib))
        .bind(to_json(&d.ledger))
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("records always serialize")
}

fn from_json<T: serde::de::DeserializeOwned>(row: &SqliteRow, column: &str) -> Result<T> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| corrupt(column, e))
}

fn bind_installment<'q>(query: Query<'q>, i: &'q Installment) -> Query<'q> {
    query
        .bind(i.id)
        .bind(&i.dossier_reference)
        .bind(i.number)
        .bind(i.due_date)
        .bind(i.amount.to_string())
        .bind(i.paid.to_string())
        .bind(installment_status_str(i.status))
}

fn installment_status_str(status: InstallmentStatus) -> &'static str {
    match status {
        InstallmentStatus::Unpaid => "unpaid",
        InstallmentStatus::PartlyPaid => "partly_paid",
        InstallmentStatus::Paid => "paid",
    }
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> ClientError {
    ClientError::Store(format!("unreadable {what} in the local store: {detail}"))
}

fn money(row: &SqliteRow, column: &str) -> Result<Money> {
    let text: String = row.try_get(column)?;
    Money::from_str(&text).map_err(|e| corrupt(column, e))
}

fn opt_money(row: &SqliteRow, column: &str) -> Result<Option<Money>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| Money::from_str(&t).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn parsed<T>(row: &SqliteRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| corrupt(column, text))
}

fn company(row: &SqliteRow) -> Result<Company> {
    Ok(Company {
        name: row.try_get("debtor_name")?,
        siren: row.try_get("debtor_siren")?,
        rcs: row.try_get("debtor_rcs")?,
        legal_form: row.try_get("debtor_legal_form")?,
        address: row.try_get("debtor_address")?,
    })
}

fn procedure_from_row(row: &SqliteRow) -> Result<Procedure> {
    Ok(Procedure {
        id: row.try_get("id")?,
        kind: parsed(row, "kind", ProcedureKind::parse)?,
        stage: parsed(row, "stage", ProcedureStage::parse)?,
        debtor: company(row)?,
        tribunal: row.try_get("tribunal")?,
        judgment_date: row.try_get("judgment_date")?,
        bodacc_date: row.try_get("bodacc_date")?,
        declaration_deadline: row.try_get("declaration_deadline")?,
        etude_name: row.try_get("etude_name")?,
        mandataire: row.try_get("mandataire")?,
        administrateur: row.try_get("administrateur")?,
        juge_commissaire: row.try_get("juge_commissaire")?,
        plan_end_date: row.try_get("plan_end_date")?,
        deadlines: from_json(row, "deadlines")?,
    })
}

fn claim_from_row(row: &SqliteRow) -> Result<Claim> {
    Ok(Claim {
        id: row.try_get("id")?,
        procedure_id: row.try_get("procedure_id")?,
        dossier_reference: row.try_get("dossier_reference")?,
        creditor: row.try_get("creditor")?,
        servicing_entity: row.try_get("servicing_entity")?,
        declared: DeclaredAmounts {
            principal: money(row, "principal")?,
            interest: money(row, "interest")?,
            penalties: money(row, "penalties")?,
            fees: money(row, "fees")?,
            to_fall_due: money(row, "to_fall_due")?,
            total: money(row, "total")?,
        },
        nature: parsed(row, "nature", ClaimNature::parse)?,
        provisional: row.try_get("provisional")?,
        declaration_date: row.try_get("declaration_date")?,
        late: row.try_get("late")?,
        admission: parsed(row, "admission", AdmissionStatus::parse)?,
        admitted_amount: opt_money(row, "admitted_amount")?,
        decision_date: row.try_get("decision_date")?,
    })
}

fn dossier_from_row(row: &SqliteRow) -> Result<Dossier> {
    let procedure_kind: Option<String> = row.try_get("procedure_kind")?;
    Ok(Dossier {
        id: row.try_get("id")?,
        reference: row.try_get("reference")?,
        debtor: company(row)?,
        creditor: row.try_get("creditor")?,
        servicing_entity: row.try_get("servicing_entity")?,
        manager: Contact {
            name: row.try_get("manager_name")?,
            email: row.try_get("manager_email")?,
            phone: row.try_get("manager_phone")?,
        },
        procedure_id: row.try_get("procedure_id")?,
        procedure_kind: procedure_kind
            .map(|k| ProcedureKind::parse(&k).ok_or_else(|| corrupt("procedure_kind", k)))
            .transpose()?,
        opened_on: row.try_get("opened_on")?,
        principal: money(row, "principal")?,
        balance: money(row, "balance")?,
        guarantees: Vec::new(),
        judgment_date: row.try_get("judgment_date")?,
        servicer: from_json(row, "servicer")?,
        rib: from_json(row, "rib")?,
        ledger: from_json(row, "ledger")?,
    })
}

fn installment_from_row(row: &SqliteRow) -> Result<Installment> {
    Ok(Installment {
        id: row.try_get("id")?,
        dossier_reference: row.try_get("dossier_reference")?,
        number: row.try_get("number")?,
        due_date: row.try_get("due_date")?,
        amount: money(row, "amount")?,
        paid: money(row, "paid")?,
        status: parsed(row, "status", |s| {
            [
                InstallmentStatus::Unpaid,
                InstallmentStatus::PartlyPaid,
                InstallmentStatus::Paid,
            ]
            .into_iter()
            .find(|st| installment_status_str(*st) == s)
        })?,
    })
}

#[cfg(test)]
mod tests;
