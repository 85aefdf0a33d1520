//! Requests and complaints: made by debtors, guarantors and mandataires on
//! a dossier they see, each a thread with the agency; a complaint referred
//! to the mediator with its history; the agency's inbox, answers and status.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use claimdesk_api::ErrorBody;
use claimdesk_api::auth::Role;
use claimdesk_api::payments::IDEMPOTENCY_KEY_HEADER;
use claimdesk_api::requests::{
    FieldProblem, FieldProblemKind, MAX_TEXT, Message, MessageAuthor, NewMessage, NewRequest,
    Request, RequestStatus, RequestThread, RequestType, StatusChange, check_fields,
};
use claimdesk_api::routes;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::AppState;
use crate::access::Viewer;
use crate::auth::{AdminSession, CurrentSession};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::idempotency::{self, Begun};
use crate::requests::{self, NewMessageRow, NewRow, Stored};
use crate::routes::mandates::password_matches;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(routes::REQUESTS, get(list).post(create))
        .route(routes::REQUEST, get(thread))
        .route(routes::REQUEST_MESSAGES, post(post_message))
        .route(routes::REQUEST_ESCALATE, post(escalate))
        .route(routes::ADMIN_REQUESTS, get(admin_list))
        .route(routes::ADMIN_REQUEST_MESSAGES, post(admin_answer))
        .route(routes::ADMIN_REQUEST_STATUS, post(admin_status))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        create,
        list,
        thread,
        post_message,
        escalate,
        admin_list,
        admin_answer,
        admin_status
    ),
    tags((name = "requests", description = "Typed requests and complaints about a dossier, each a \
        thread with the agency; a complaint's mediation clock runs on the server's dates")),
)]
pub(crate) struct RequestsApi;

/// Types a mandataire may ask besides documents for a mandataire.
const ETUDE_TYPES: [RequestType; 3] = [
    RequestType::Question,
    RequestType::Statement,
    RequestType::ProcedureStatus,
];

/// Who may make a request of this type, whatever the dossier.
fn may_ask(role: Role, kind: RequestType) -> AppResult<()> {
    match role {
        Role::Admin => Err(AppError::NotAllowed(
            "requests are made by debtors, guarantors and mandataires; agency staff answer them \
             through the admin endpoints"
                .into(),
        )),
        Role::Debtor | Role::Guarantor if kind.for_mandataires() => {
            Err(AppError::NotAllowed(format!(
                "{} is asked by mandataires judiciaires only (étude accounts)",
                kind.as_str()
            )))
        }
        Role::Etude if !kind.for_mandataires() && !ETUDE_TYPES.contains(&kind) => {
            Err(AppError::NotAllowed(format!(
                "a mandataire asks for documents (mandataire_documents), a statement, the \
                 procedure's status or a question; {} is asked by the debtor or a guarantor",
                kind.as_str()
            )))
        }
        _ => Ok(()),
    }
}

/// The form's values trimmed, empty ones left out: an empty field is a
/// missing one.
fn trimmed(fields: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

#[utoipa::path(post, path = routes::REQUESTS, tag = "requests",
    security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Chosen by the client when the request is written, the same for every retry")),
    request_body = NewRequest,
    responses(
        (status = 201, description = "The request, sent", body = Request),
        (status = 200, description = "The request this key created before, as first answered", body = Request),
        (status = 400, description = "No or bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "A type this role does not ask (forbidden), or bank details without the right password (password_required)", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
        (status = 409, description = "A request with this key is still in progress", body = ErrorBody),
        (status = 422, description = "The form's problems, each in `fields`; an attachment that is not a document of the dossier; or the key was used with another body", body = ErrorBody),
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    Json(new): Json<NewRequest>,
) -> AppResult<Response> {
    let viewer = &session.viewer;
    may_ask(viewer.role, new.kind)?;
    let key = idempotency::key_from(&headers)?;
    let mut conn = state.db.read.acquire().await?;
    let (dossier_id, procedure_id) =
        requests::reachable_dossier(&mut conn, viewer, &new.dossier_reference).await?;
    drop(conn);
    let now = state.config.now();
    let fields = trimmed(&new.fields);
    let problems = check_fields(new.kind, &fields, now.date_naive());
    if !problems.is_empty() {
        return Err(AppError::FieldsInvalid(problems));
    }
    // The password is no part of the request: a retry typing it again is
    // the same request.
    let hash = idempotency::request_hash(&NewRequest {
        password: None,
        ..new.clone()
    })?;
    // Verified before the write transaction, as for mandates.
    let password_ok = match new.password.as_deref() {
        Some(password) if new.kind.needs_password() && !password.is_empty() => {
            password_matches(&state, viewer.user_id, password).await?
        }
        _ => false,
    };

    let scope = routes::REQUESTS;
    let mut tx = state.db.write.begin().await?;
    if let Begun::Replay { body, .. } =
        idempotency::begin(&mut tx, viewer.user_id, scope, &key, &hash, now).await?
    {
        return Ok(idempotency::stored_response(StatusCode::OK.as_u16(), body));
    }
    // An error from here drops the transaction, and the key with it.
    if new.kind.needs_password() && !password_ok {
        return Err(AppError::PasswordRequired(match new.password.as_deref() {
            None | Some("") => "new bank details are confirmed with your password".into(),
            Some(_) => "the password is wrong: new bank details need your password".into(),
        }));
    }
    requests::check_attachments(
        &mut tx,
        Some(viewer),
        (dossier_id, procedure_id),
        &new.dossier_reference,
        &new.attachments,
    )
    .await?;
    let id = requests::insert(
        &mut tx,
        NewRow {
            dossier_id,
            procedure_id,
            user_id: viewer.user_id,
            kind: new.kind,
            fields: &fields,
            attachments: &new.attachments,
            created_at: now,
        },
    )
    .await?;
    let stored = reread(&mut tx, id).await?;
    let body = idempotency::body_json(&stored.request)?;
    let status = StatusCode::CREATED.as_u16();
    idempotency::complete(&mut tx, viewer.user_id, scope, &key, status, &body).await?;
    tx.commit().await?;
    tracing::info!(
        request = id,
        user = viewer.user_id,
        kind = new.kind.as_str(),
        "request sent"
    );
    Ok(idempotency::stored_response(status, body))
}

async fn reread(conn: &mut sqlx::SqliteConnection, id: i64) -> AppResult<Stored> {
    requests::by_id(conn, id)
        .await?
        .ok_or_else(|| AppError::corrupt(format!("request {id} just written")))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    dossier: Option<String>,
}

#[utoipa::path(get, path = routes::REQUESTS, tag = "requests",
    security(("bearer" = [])),
    params(("dossier" = Option<String>, Query, description = "Only the requests of this dossier")),
    responses(
        (status = 200, description = "The requests this user sees (theirs, and their étude's), newest first", body = Vec<Request>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<Vec<Request>>> {
    let viewer = &session.viewer;
    let mut conn = state.db.read.acquire().await?;
    let dossier = match query.dossier.as_deref().map(str::trim) {
        Some(reference) if !reference.is_empty() => Some(
            requests::reachable_dossier(&mut conn, viewer, reference)
                .await?
                .0,
        ),
        _ => None,
    };
    requests::visible_list(&mut conn, viewer, dossier)
        .await
        .map(Json)
}

#[utoipa::path(get, path = routes::REQUEST, tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request and its messages, oldest first", body = RequestThread),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such request visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn thread(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<RequestThread>> {
    let mut conn = state.db.read.acquire().await?;
    let stored = requests::visible(&mut conn, &session.viewer, id).await?;
    requests::thread(&mut conn, &stored).await.map(Json)
}

/// A message's text trimmed, or the problem with it.
fn message_text(message: &NewMessage) -> AppResult<String> {
    let text = message.text.trim();
    let problem = if text.is_empty() {
        Some(FieldProblemKind::Missing)
    } else if text.chars().count() > MAX_TEXT {
        Some(FieldProblemKind::TooLong)
    } else {
        None
    };
    match problem {
        Some(problem) => Err(AppError::FieldsInvalid(vec![FieldProblem {
            field: "text".into(),
            problem,
        }])),
        None => Ok(text.to_owned()),
    }
}

/// Threads take no more messages once closed or with the mediator.
fn open_for_messages(stored: &Stored) -> AppResult<()> {
    match stored.request.status {
        RequestStatus::Closed => Err(AppError::Conflict(format!(
            "request {} is closed: make a new request",
            stored.request.id
        ))),
        RequestStatus::ReferredToMediator => Err(AppError::Conflict(format!(
            "request {} was referred to the mediator, who now handles it",
            stored.request.id
        ))),
        _ => Ok(()),
    }
}

/// What a message's idempotency hash covers: the thread and the body.
#[derive(Serialize)]
struct HashedMessage<'a> {
    request: i64,
    message: &'a NewMessage,
}

#[utoipa::path(post, path = routes::REQUEST_MESSAGES, tag = "requests",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Request id"),
        ("Idempotency-Key" = String, Header, description = "Chosen by the client when the message is written, the same for every retry"),
    ),
    request_body = NewMessage,
    responses(
        (status = 201, description = "The message, added to the thread", body = Message),
        (status = 200, description = "The message this key added before, as first answered", body = Message),
        (status = 400, description = "No or bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such request visible to this user", body = ErrorBody),
        (status = 409, description = "The request is closed or with the mediator; or the same key is still in progress", body = ErrorBody),
        (status = 422, description = "Empty or too long text (in `fields`), an attachment that is not a document of the dossier, or the key was used with another body", body = ErrorBody),
    ))]
pub(crate) async fn post_message(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(message): Json<NewMessage>,
) -> AppResult<Response> {
    let viewer = &session.viewer;
    let key = idempotency::key_from(&headers)?;
    let text = message_text(&message)?;
    let hash = idempotency::request_hash(&HashedMessage {
        request: id,
        message: &message,
    })?;
    let scope = routes::REQUEST_MESSAGES;
    let now = state.config.now();
    let mut tx = state.db.write.begin().await?;
    let stored = requests::visible(&mut tx, viewer, id).await?;
    if let Begun::Replay { body, .. } =
        idempotency::begin(&mut tx, viewer.user_id, scope, &key, &hash, now).await?
    {
        return Ok(idempotency::stored_response(StatusCode::OK.as_u16(), body));
    }
    let message_id = write_message(&mut tx, &stored, viewer, &message, &text, now).await?;
    finish_message(tx, viewer.user_id, scope, Some(&key), message_id).await
}

/// Adds `viewer`'s message to an open thread: the agency's answer when the
/// viewer is agency staff (who may attach any document of the dossier), the
/// customer's otherwise (documents they see).
async fn write_message(
    conn: &mut sqlx::SqliteConnection,
    stored: &Stored,
    viewer: &Viewer,
    message: &NewMessage,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<i64> {
    open_for_messages(stored)?;
    let agency = viewer.role == Role::Admin;
    requests::check_attachments(
        conn,
        (!agency).then_some(viewer),
        (stored.dossier_id, stored.procedure_id),
        &stored.request.dossier_reference,
        &message.attachments,
    )
    .await?;
    let name = requests::display_name(conn, viewer.user_id).await?;
    requests::add_message(
        conn,
        stored,
        NewMessageRow {
            author: if agency {
                MessageAuthor::Agency
            } else {
                MessageAuthor::Customer
            },
            user_id: Some(viewer.user_id),
            author_name: &name,
            text,
            attachments: &message.attachments,
            created_at: now,
        },
    )
    .await
}

/// Completes the key (if any) with the message as first answered, in the
/// transaction that added it.
async fn finish_message(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    user_id: i64,
    scope: &str,
    key: Option<&str>,
    message_id: i64,
) -> AppResult<Response> {
    let message = requests::message_by_id(&mut tx, message_id)
        .await?
        .ok_or_else(|| AppError::corrupt(format!("message {message_id} just written")))?;
    let body = idempotency::body_json(&message)?;
    let status = StatusCode::CREATED.as_u16();
    if let Some(key) = key {
        idempotency::complete(&mut tx, user_id, scope, key, status, &body).await?;
    }
    tx.commit().await?;
    tracing::info!(
        message = message_id,
        request = message.request_id,
        "message added"
    );
    Ok(idempotency::stored_response(status, body))
}

#[utoipa::path(post, path = routes::REQUEST_ESCALATE, tag = "requests",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Request id (a complaint)"),
        ("Idempotency-Key" = String, Header, description = "Chosen by the client, the same for every retry"),
    ),
    responses(
        (status = 200, description = "The complaint referred to the mediator, with its thread: the last message carries the history as a PDF filed on the dossier", body = RequestThread),
        (status = 400, description = "No or bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such request visible to this user", body = ErrorBody),
        (status = 409, description = "Too early (the message gives the date from which it is possible), already referred, or the same key still in progress", body = ErrorBody),
        (status = 422, description = "Not a complaint", body = ErrorBody),
    ))]
pub(crate) async fn escalate(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let viewer = &session.viewer;
    let key = idempotency::key_from(&headers)?;
    let hash = idempotency::request_hash(&id)?;
    let scope = routes::REQUEST_ESCALATE;
    let now = state.config.now();
    let mut tx = state.db.write.begin().await?;
    let stored = requests::visible(&mut tx, viewer, id).await?;
    if let Begun::Replay { body, .. } =
        idempotency::begin(&mut tx, viewer.user_id, scope, &key, &hash, now).await?
    {
        return Ok(idempotency::stored_response(StatusCode::OK.as_u16(), body));
    }
    let request = &stored.request;
    if request.kind != RequestType::Complaint {
        return Err(AppError::Validation(format!(
            "only a complaint goes to the mediator; request {id} is a {}",
            request.kind.as_str()
        )));
    }
    if let Some(referred) = request.referred_at {
        return Err(AppError::Conflict(format!(
            "complaint {id} was already referred to the mediator on {}",
            referred.format("%Y-%m-%d")
        )));
    }
    let opens = Request::mediation_opens(request.created_at, request.answered_at);
    if now < opens {
        return Err(AppError::Conflict(format!(
            "the mediator can be asked from {} ({} UTC): two months after the complaint, or \
             as soon as the agency has answered",
            opens.format("%Y-%m-%d"),
            opens.format("%Y-%m-%d %H:%M"),
        )));
    }
    requests::referral::refer(&mut tx, &state.config, &stored, now).await?;
    let referred = stored_thread(&mut tx, id).await?;
    let body = idempotency::body_json(&referred)?;
    let status = StatusCode::OK.as_u16();
    idempotency::complete(&mut tx, viewer.user_id, scope, &key, status, &body).await?;
    tx.commit().await?;
    tracing::info!(request = id, user = viewer.user_id, "complaint referred");
    Ok(idempotency::stored_response(status, body))
}

async fn stored_thread(conn: &mut sqlx::SqliteConnection, id: i64) -> AppResult<RequestThread> {
    let stored = reread(conn, id).await?;
    requests::thread(conn, &stored).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct AdminListQuery {
    status: Option<RequestStatus>,
}

#[utoipa::path(get, path = routes::ADMIN_REQUESTS, tag = "admin",
    security(("bearer" = [])),
    params(("status" = Option<RequestStatus>, Query, description = "Only the requests in this status")),
    responses(
        (status = 200, description = "Every request, newest first", body = Vec<Request>),
        (status = 400, description = "Unknown status", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
    ))]
pub(crate) async fn admin_list(
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
    Query(query): Query<AdminListQuery>,
) -> AppResult<Json<Vec<Request>>> {
    let mut conn = state.db.read.acquire().await?;
    requests::all(&mut conn, query.status).await.map(Json)
}

async fn any_request(conn: &mut sqlx::SqliteConnection, id: i64) -> AppResult<Stored> {
    requests::by_id(conn, id).await?.ok_or(AppError::NotFound)
}

/// The agency's `Idempotency-Key`, optional as for received transfers.
fn admin_key(headers: &HeaderMap) -> AppResult<Option<String>> {
    match headers.get(IDEMPOTENCY_KEY_HEADER) {
        Some(_) => idempotency::key_from(headers).map(Some),
        None => Ok(None),
    }
}

#[utoipa::path(post, path = routes::ADMIN_REQUEST_MESSAGES, tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Request id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Optional; when sent, a replay answers the first response"),
    ),
    request_body = NewMessage,
    responses(
        (status = 201, description = "The agency's answer; the request is answered (its first answer dated)", body = Message),
        (status = 200, description = "The answer this key added before, as first answered", body = Message),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 409, description = "The request is closed or with the mediator; or the same key is still in progress", body = ErrorBody),
        (status = 422, description = "Empty or too long text, an attachment that is not a document of the dossier, or the key was used with another body", body = ErrorBody),
    ))]
pub(crate) async fn admin_answer(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(message): Json<NewMessage>,
) -> AppResult<Response> {
    let user = admin.viewer.user_id;
    let key = admin_key(&headers)?;
    let text = message_text(&message)?;
    let scope = routes::ADMIN_REQUEST_MESSAGES;
    let now = state.config.now();
    let mut tx = state.db.write.begin().await?;
    let stored = any_request(&mut tx, id).await?;
    if let Some(key) = &key {
        let hash = idempotency::request_hash(&HashedMessage {
            request: id,
            message: &message,
        })?;
        if let Begun::Replay { body, .. } =
            idempotency::begin(&mut tx, user, scope, key, &hash, now).await?
        {
            return Ok(idempotency::stored_response(StatusCode::OK.as_u16(), body));
        }
    }
    let message_id = write_message(&mut tx, &stored, &admin.viewer, &message, &text, now).await?;
    requests::set_status(&mut tx, &stored, RequestStatus::Answered, now).await?;
    finish_message(tx, user, scope, key.as_deref(), message_id).await
}

#[utoipa::path(post, path = routes::ADMIN_REQUEST_STATUS, tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The request in its new status", body = Request),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 409, description = "The request is with the mediator: it can only be closed", body = ErrorBody),
        (status = 422, description = "A status the agency does not set (sent; answered comes with an answer, referred_to_mediator with the customer's escalation)", body = ErrorBody),
    ))]
pub(crate) async fn admin_status(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<i64>,
    Json(change): Json<StatusChange>,
) -> AppResult<Json<Request>> {
    if !matches!(
        change.status,
        RequestStatus::Acknowledged | RequestStatus::InProgress | RequestStatus::Closed
    ) {
        return Err(AppError::Validation(format!(
            "the agency sets acknowledged, in_progress or closed, not {}: a request is answered \
             by answering it and referred to the mediator by its author",
            change.status.as_str()
        )));
    }
    let now = state.config.now();
    let mut tx = state.db.write.begin().await?;
    let stored = any_request(&mut tx, id).await?;
    if stored.request.status == RequestStatus::ReferredToMediator
        && change.status != RequestStatus::Closed
    {
        return Err(AppError::Conflict(format!(
            "request {id} is with the mediator: it can only be closed"
        )));
    }
    requests::set_status(&mut tx, &stored, change.status, now).await?;
    let changed = reread(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(
        request = id,
        admin = admin.viewer.user_id,
        status = change.status.as_str(),
        "request status changed"
    );
    Ok(Json(changed.request))
}
