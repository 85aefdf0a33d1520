//! Requests and complaints about a dossier and their threads: the stored
//! rows, who sees them, and every write with its sync change, in the
//! caller's transaction.
//!
//! A request is personal: its author sees it, and so do the other users of
//! the author's étude, while they still see its dossier (or, for a
//! mandataire's request, the procedure through which they see it). Other
//! users of the same dossier do not.

pub(crate) mod demo;
pub(crate) mod referral;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use claimdesk_api::requests::{
    Message, MessageAuthor, Request, RequestStatus, RequestThread, RequestType,
};
use claimdesk_api::sync::EntityKind;
use sqlx::SqliteConnection;

use crate::access::{GRANTED_DOSSIERS, GRANTED_PROCEDURES, Viewer};
use crate::changes::{self, Change, Scope};
use crate::error::{AppError, AppResult};

/// Requests whose author is the viewer or of the viewer's étude, and whose
/// scope the viewer still sees. Binds: user, étude, then user, étude twice
/// for the grants.
fn visible_filter() -> String {
    format!(
        "(r.user_id = ? OR r.user_id IN (SELECT u2.id FROM users u2 WHERE u2.etude_id = ?)) \
         AND (r.dossier_id IN {GRANTED_DOSSIERS} \
              OR COALESCE(r.procedure_id IN {GRANTED_PROCEDURES}, 0))"
    )
}

fn visible_binds(viewer: &Viewer) -> [Option<i64>; 6] {
    binds_for(Some(viewer.user_id), viewer.etude_id)
}

fn binds_for(user: Option<i64>, etude: Option<i64>) -> [Option<i64>; 6] {
    [user, etude, user, etude, user, etude]
}

/// Documents of `alias` (a `documents` row) that are no request's, or that
/// belong to a request the viewer sees: a request's own documents are as
/// personal as the request. Binds: those of [`document_binds`].
pub(crate) fn document_filter(alias: &str) -> String {
    format!(
        "({alias}.request_id IS NULL OR {alias}.request_id IN \
         (SELECT r.id FROM requests r WHERE {}))",
        visible_filter()
    )
}

/// The binds of [`document_filter`] for `viewer`.
pub(crate) fn document_binds(viewer: &Viewer) -> [Option<i64>; 6] {
    visible_binds(viewer)
}

#[derive(Debug, sqlx::FromRow)]
struct RequestRow {
    id: i64,
    dossier_id: i64,
    procedure_id: Option<i64>,
    dossier_reference: String,
    kind: String,
    fields: String,
    attachments: String,
    status: String,
    author: String,
    created_at: DateTime<Utc>,
    acknowledged_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    referred_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT r.id, r.dossier_id, r.procedure_id, \
     d.reference AS dossier_reference, r.type AS kind, r.fields, r.attachments, r.status, \
     u.display_name AS author, r.created_at, r.acknowledged_at, r.answered_at, r.closed_at, \
     r.referred_at FROM requests r JOIN dossiers d ON d.id = r.dossier_id \
     JOIN users u ON u.id = r.user_id";

/// A request with what the server needs of it besides its record.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub request: Request,
    pub dossier_id: i64,
    pub procedure_id: Option<i64>,
}

impl Stored {
    /// Where its changes live: the dossier, and for a mandataire's request
    /// the procedure the étude sees it through.
    pub(crate) fn scope(&self) -> Scope {
        Scope {
            procedure_id: self.procedure_id,
            dossier_id: Some(self.dossier_id),
        }
    }
}

fn json_column<T: serde::de::DeserializeOwned>(what: &str, id: i64, text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|e| AppError::corrupt(format!("{what} of {id}: {e}")))
}

impl RequestRow {
    fn into_stored(self) -> AppResult<Stored> {
        let kind = RequestType::parse(&self.kind)
            .ok_or_else(|| AppError::corrupt(format!("requests.type: {:?}", self.kind)))?;
        let status = RequestStatus::parse(&self.status)
            .ok_or_else(|| AppError::corrupt(format!("requests.status: {:?}", self.status)))?;
        let fields: BTreeMap<String, String> =
            json_column("requests.fields", self.id, &self.fields)?;
        let attachments: Vec<i64> =
            json_column("requests.attachments", self.id, &self.attachments)?;
        let mediation_from = (kind == RequestType::Complaint)
            .then(|| Request::mediation_opens(self.created_at, self.answered_at));
        Ok(Stored {
            request: Request {
                id: self.id,
                dossier_reference: self.dossier_reference,
                kind,
                fields,
                attachments,
                status,
                author: self.author,
                created_at: self.created_at,
                acknowledged_at: self.acknowledged_at,
                answered_at: self.answered_at,
                closed_at: self.closed_at,
                mediation_from,
                referred_at: self.referred_at,
            },
            dossier_id: self.dossier_id,
            procedure_id: self.procedure_id,
        })
    }
}

/// The requests matching `filter` (its placeholders bound to `binds`), by id.
async fn select(
    conn: &mut SqliteConnection,
    filter: &str,
    binds: &[Option<i64>],
) -> AppResult<Vec<Stored>> {
    let sql = format!("{SELECT} WHERE {filter} ORDER BY r.id");
    let mut query = sqlx::query_as::<_, RequestRow>(&sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(RequestRow::into_stored).collect()
}

pub(crate) async fn by_id(conn: &mut SqliteConnection, id: i64) -> AppResult<Option<Stored>> {
    Ok(select(conn, "r.id = ?", &[Some(id)]).await?.pop())
}

/// A request `viewer` sees; 404 otherwise.
pub(crate) async fn visible(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Stored> {
    let mut binds = vec![Some(id)];
    binds.extend(visible_binds(viewer));
    select(conn, &format!("r.id = ? AND {}", visible_filter()), &binds)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The requests `viewer` sees, newest first, of one dossier when given.
pub(crate) async fn visible_list(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    dossier_id: Option<i64>,
) -> AppResult<Vec<Request>> {
    let mut binds = visible_binds(viewer).to_vec();
    let mut filter = visible_filter();
    if let Some(id) = dossier_id {
        filter.push_str(" AND r.dossier_id = ?");
        binds.push(Some(id));
    }
    let mut found: Vec<Request> = select(conn, &filter, &binds)
        .await?
        .into_iter()
        .map(|s| s.request)
        .collect();
    found.reverse();
    Ok(found)
}

/// Every request, newest first, in one status when given: the agency's inbox.
pub(crate) async fn all(
    conn: &mut SqliteConnection,
    status: Option<RequestStatus>,
) -> AppResult<Vec<Request>> {
    let sql =
        format!("{SELECT} WHERE ? IS NULL OR r.status = ? ORDER BY r.created_at DESC, r.id DESC");
    let status = status.map(RequestStatus::as_str);
    let rows: Vec<RequestRow> = sqlx::query_as(&sql)
        .bind(status)
        .bind(status)
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|row| row.into_stored().map(|s| s.request))
        .collect()
}

/// The requests `viewer` sees with an upsert in the change log within
/// `(from, to]`: the requests of a sync page.
pub(crate) async fn changed_between(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    (from, to): (i64, i64),
) -> AppResult<Vec<Request>> {
    let mut binds = vec![Some(from), Some(to)];
    binds.extend(visible_binds(viewer));
    let filter = format!(
        "r.id IN (SELECT entity_id FROM changes WHERE seq > ? AND seq <= ? \
         AND kind = 'request' AND op = 'upsert') AND {}",
        visible_filter()
    );
    Ok(select(conn, &filter, &binds)
        .await?
        .into_iter()
        .map(|s| s.request)
        .collect())
}

#[derive(Debug, sqlx::FromRow)]
struct MessageRow {
    id: i64,
    request_id: i64,
    author: String,
    author_name: String,
    text: String,
    attachments: String,
    created_at: DateTime<Utc>,
}

const SELECT_MESSAGES: &str = "SELECT m.id, m.request_id, m.author, m.author_name, m.text, \
     m.attachments, m.created_at FROM messages m";

impl MessageRow {
    fn into_message(self) -> AppResult<Message> {
        let author = match self.author.as_str() {
            "customer" => MessageAuthor::Customer,
            "agency" => MessageAuthor::Agency,
            "system" => MessageAuthor::System,
            other => return Err(AppError::corrupt(format!("messages.author: {other:?}"))),
        };
        Ok(Message {
            id: self.id,
            request_id: self.request_id,
            author,
            author_name: self.author_name,
            attachments: json_column("messages.attachments", self.id, &self.attachments)?,
            text: self.text,
            created_at: self.created_at,
        })
    }
}

fn author_str(author: MessageAuthor) -> &'static str {
    match author {
        MessageAuthor::Customer => "customer",
        MessageAuthor::Agency => "agency",
        MessageAuthor::System => "system",
    }
}

async fn select_messages(
    conn: &mut SqliteConnection,
    filter: &str,
    binds: &[Option<i64>],
) -> AppResult<Vec<Message>> {
    let sql = format!("{SELECT_MESSAGES} WHERE {filter} ORDER BY m.id");
    let mut query = sqlx::query_as::<_, MessageRow>(&sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(MessageRow::into_message).collect()
}

pub(crate) async fn message_by_id(
    conn: &mut SqliteConnection,
    id: i64,
) -> AppResult<Option<Message>> {
    Ok(select_messages(conn, "m.id = ?", &[Some(id)]).await?.pop())
}

/// A request and its messages, oldest first.
pub(crate) async fn thread(
    conn: &mut SqliteConnection,
    stored: &Stored,
) -> AppResult<RequestThread> {
    Ok(RequestThread {
        request: stored.request.clone(),
        messages: select_messages(conn, "m.request_id = ?", &[Some(stored.request.id)]).await?,
    })
}

/// The messages `viewer` sees with an upsert in the change log within
/// `(from, to]`: the messages of a sync page.
pub(crate) async fn messages_changed_between(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    (from, to): (i64, i64),
) -> AppResult<Vec<Message>> {
    let mut binds = vec![Some(from), Some(to)];
    binds.extend(visible_binds(viewer));
    let filter = format!(
        "m.id IN (SELECT entity_id FROM changes WHERE seq > ? AND seq <= ? \
         AND kind = 'message' AND op = 'upsert') \
         AND m.request_id IN (SELECT r.id FROM requests r WHERE {})",
        visible_filter()
    );
    select_messages(conn, &filter, &binds).await
}

/// The requests and messages a grant on a dossier (`dossier_id`) or a
/// procedure (`procedure_id`) opens, with their scopes.
pub(crate) async fn opened_by(
    conn: &mut SqliteConnection,
    dossier_id: Option<i64>,
    procedure_id: Option<i64>,
) -> AppResult<Vec<(EntityKind, i64, Scope)>> {
    let found: Vec<(i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT r.id, r.dossier_id, r.procedure_id, NULL FROM requests r \
         WHERE r.dossier_id = ?1 OR r.procedure_id = ?2 \
         UNION ALL SELECT r.id, r.dossier_id, r.procedure_id, m.id FROM messages m \
         JOIN requests r ON r.id = m.request_id \
         WHERE r.dossier_id = ?1 OR r.procedure_id = ?2 ORDER BY 1, 4",
    )
    .bind(dossier_id)
    .bind(procedure_id)
    .fetch_all(conn)
    .await?;
    let mut out = Vec::with_capacity(found.len());
    for (request, dossier, procedure, message) in found {
        let scope = Scope {
            procedure_id: procedure,
            dossier_id: Some(dossier),
        };
        out.push(match message {
            None => (EntityKind::Request, request, scope),
            Some(message) => (EntityKind::Message, message, scope),
        });
    }
    Ok(out)
}

/// A request to store, its fields checked.
pub(crate) struct NewRow<'a> {
    pub dossier_id: i64,
    pub procedure_id: Option<i64>,
    pub user_id: i64,
    pub kind: RequestType,
    pub fields: &'a BTreeMap<String, String>,
    pub attachments: &'a [i64],
    pub created_at: DateTime<Utc>,
}

fn to_json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.to_string()))
}

/// Stores a request, sent, and tells its audience.
pub(crate) async fn insert(conn: &mut SqliteConnection, row: NewRow<'_>) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO requests (dossier_id, user_id, procedure_id, type, fields, attachments, \
         status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'sent', ?) RETURNING id",
    )
    .bind(row.dossier_id)
    .bind(row.user_id)
    .bind(row.procedure_id)
    .bind(row.kind.as_str())
    .bind(to_json(row.fields)?)
    .bind(to_json(&row.attachments)?)
    .bind(row.created_at)
    .fetch_one(&mut *conn)
    .await?;
    let scope = Scope {
        procedure_id: row.procedure_id,
        dossier_id: Some(row.dossier_id),
    };
    changes::append(conn, Change::upsert(EntityKind::Request, id, scope)).await?;
    Ok(id)
}

/// A message to add to a thread.
pub(crate) struct NewMessageRow<'a> {
    pub author: MessageAuthor,
    /// The user who wrote it; none for the server's own messages.
    pub user_id: Option<i64>,
    pub author_name: &'a str,
    pub text: &'a str,
    pub attachments: &'a [i64],
    pub created_at: DateTime<Utc>,
}

/// Adds a message to `request`'s thread and tells its audience.
pub(crate) async fn add_message(
    conn: &mut SqliteConnection,
    request: &Stored,
    row: NewMessageRow<'_>,
) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO messages (request_id, author, user_id, author_name, text, attachments, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(request.request.id)
    .bind(author_str(row.author))
    .bind(row.user_id)
    .bind(row.author_name)
    .bind(row.text)
    .bind(to_json(&row.attachments)?)
    .bind(row.created_at)
    .fetch_one(&mut *conn)
    .await?;
    changes::append(
        conn,
        Change::upsert(EntityKind::Message, id, request.scope()),
    )
    .await?;
    Ok(id)
}

/// Moves a request to `status` at `now`, stamping the dates that status
/// marks the first time (a request reopened is no longer closed), and tells
/// its audience.
pub(crate) async fn set_status(
    conn: &mut SqliteConnection,
    request: &Stored,
    status: RequestStatus,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let stamp = |wanted: RequestStatus| (status == wanted).then_some(now);
    sqlx::query(
        "UPDATE requests SET status = ?, \
         acknowledged_at = COALESCE(acknowledged_at, ?), \
         answered_at = COALESCE(answered_at, ?), \
         closed_at = ?, \
         referred_at = COALESCE(referred_at, ?) WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(stamp(RequestStatus::Acknowledged))
    .bind(stamp(RequestStatus::Answered))
    .bind(stamp(RequestStatus::Closed))
    .bind(stamp(RequestStatus::ReferredToMediator))
    .bind(request.request.id)
    .execute(&mut *conn)
    .await?;
    changes::record(
        conn,
        Change::upsert(EntityKind::Request, request.request.id, request.scope()),
    )
    .await
}

/// The display name of a user, as threads show authors.
pub(crate) async fn display_name(conn: &mut SqliteConnection, user_id: i64) -> AppResult<String> {
    Ok(
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_one(conn)
            .await?,
    )
}

/// The most documents one request or message carries.
pub(crate) const MAX_ATTACHMENTS: usize = 20;

/// The dossier `reference` as `viewer` may write about it: `(dossier id,
/// procedure id)`. A debtor or a guarantor sees it through their grant; a
/// mandataire through a claim of it in a procedure of theirs, which then
/// scopes the request. 404 otherwise.
pub(crate) async fn reachable_dossier(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    reference: &str,
) -> AppResult<(i64, Option<i64>)> {
    match crate::routes::reads::visible_dossier(conn, viewer, reference).await {
        Ok(dossier) => return Ok((dossier.id, None)),
        Err(AppError::NotFound) if viewer.etude_id.is_some() => {}
        Err(e) => return Err(e),
    }
    let dossier = crate::records::dossier_id(conn, reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let procedure: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MIN(c.procedure_id) FROM claims c WHERE c.dossier_id = ? \
         AND c.procedure_id IN {GRANTED_PROCEDURES}"
    ))
    .bind(dossier)
    .bind(viewer.user_id)
    .bind(viewer.etude_id)
    .fetch_one(conn)
    .await?;
    procedure
        .map(|p| (dossier, Some(p)))
        .ok_or(AppError::NotFound)
}

/// Refuses attachments that are not documents of the request's dossier (or,
/// for a mandataire's request, of its procedure) that `viewer` sees; the
/// agency (`None`) may attach any of them.
pub(crate) async fn check_attachments(
    conn: &mut SqliteConnection,
    viewer: Option<&Viewer>,
    (dossier_id, procedure_id): (i64, Option<i64>),
    reference: &str,
    ids: &[i64],
) -> AppResult<()> {
    if ids.len() > MAX_ATTACHMENTS {
        return Err(AppError::Validation(format!(
            "at most {MAX_ATTACHMENTS} documents can be attached at once"
        )));
    }
    let agency = viewer.is_none();
    let (user, etude) = viewer.map_or((None, None), |v| (Some(v.user_id), v.etude_id));
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM documents doc WHERE doc.id = ? AND ( \
           (doc.dossier_id = ? AND (? OR COALESCE(doc.dossier_id IN {GRANTED_DOSSIERS}, 0))) \
           OR (doc.procedure_id = ? \
               AND (? OR COALESCE(doc.procedure_id IN {GRANTED_PROCEDURES}, 0)))) \
           AND (? OR {}))",
        document_filter("doc")
    );
    for id in ids {
        let mut query = sqlx::query_scalar(&sql)
            .bind(id)
            .bind(dossier_id)
            .bind(agency)
            .bind(user)
            .bind(etude)
            .bind(procedure_id)
            .bind(agency)
            .bind(user)
            .bind(etude)
            .bind(agency);
        for bind in binds_for(user, etude) {
            query = query.bind(bind);
        }
        let attachable: bool = query.fetch_one(&mut *conn).await?;
        if !attachable {
            return Err(AppError::Validation(format!(
                "document {id} cannot be attached: only documents filed on dossier {reference} \
                 that you can see can be; upload it first"
            )));
        }
    }
    Ok(())
}
