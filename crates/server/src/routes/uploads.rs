//! tus 1.0 under `/v1/uploads` (core, creation, checksum, expiration,
//! termination), documents created from finished uploads, and document
//! downloads with ETag and Range.

use std::io::SeekFrom;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use claimdesk_api::auth::Role;
use claimdesk_api::routes;
use claimdesk_api::uploads::{
    AttachTo, Document, DocumentCategory, DocumentOrigin, NewDocument, TUS_CHECKSUM_ALGORITHMS,
    TUS_EXTENSIONS, TUS_VERSION,
};
use claimdesk_api::{ErrorBody, ErrorCode};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::AppState;
use crate::auth::{AdminSession, CurrentSession};
use crate::documents::{self, NewRow};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path};
use crate::routes::reads::{visible_dossier, visible_procedure};
use crate::uploads::{self, io};

const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const TUS_VERSION_HEADER: HeaderName = HeaderName::from_static("tus-version");
const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
const TUS_CHECKSUM_ALGORITHM: HeaderName = HeaderName::from_static("tus-checksum-algorithm");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

/// Every tus response says which version it speaks; a request in another
/// version is refused before anything else.
pub(crate) async fn tus_headers(request: Request, next: Next) -> Response {
    let speaks = request
        .headers()
        .get(&TUS_RESUMABLE)
        .map(|v| v.as_bytes() == TUS_VERSION.as_bytes());
    let mut response = if request.method() != axum::http::Method::OPTIONS && speaks == Some(false) {
        let mut refused = (
            StatusCode::PRECONDITION_FAILED,
            axum::Json(ErrorBody {
                code: ErrorCode::BadRequest,
                message: format!("this server speaks tus {TUS_VERSION} only"),
                fields: Vec::new(),
            }),
        )
            .into_response();
        refused
            .headers_mut()
            .insert(TUS_VERSION_HEADER, HeaderValue::from_static(TUS_VERSION));
        refused
    } else {
        next.run(request).await
    };
    response
        .headers_mut()
        .insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    response
}

fn http_date(instant: DateTime<Utc>) -> HeaderValue {
    HeaderValue::from_str(&instant.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> AppResult<Option<&'a str>> {
    headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map_err(|_| AppError::BadRequest(format!("{name} is not ASCII")))
        })
        .transpose()
}

fn header_u64(headers: &HeaderMap, name: &HeaderName) -> AppResult<u64> {
    header_text(headers, name)?
        .ok_or_else(|| AppError::BadRequest(format!("{name} is required")))?
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest(format!("{name} must be a non-negative integer")))
}

/// `OPTIONS /v1/uploads`: what this tus server supports.
pub(crate) async fn options(State(state): State<AppState>) -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (TUS_VERSION_HEADER, HeaderValue::from_static(TUS_VERSION)),
            (TUS_EXTENSION, HeaderValue::from_static(TUS_EXTENSIONS)),
            (
                TUS_MAX_SIZE,
                HeaderValue::from(state.config.max_upload_bytes),
            ),
            (
                TUS_CHECKSUM_ALGORITHM,
                HeaderValue::from_static(TUS_CHECKSUM_ALGORITHMS),
            ),
        ],
    )
        .into_response()
}

/// `POST /v1/uploads`: a new upload of `Upload-Length` bytes.
pub(crate) async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
) -> AppResult<Response> {
    let config = &state.config;
    let length = header_u64(&headers, &UPLOAD_LENGTH)?;
    if length == 0 {
        return Err(AppError::BadRequest(
            "Upload-Length is 0: an empty file is not a document".into(),
        ));
    }
    if length > config.max_upload_bytes {
        return Err(AppError::FileTooLarge {
            size: length,
            limit: config.max_upload_bytes,
        });
    }
    let metadata = uploads::parse_metadata(header_text(&headers, &UPLOAD_METADATA)?)?;
    let user_id = session.viewer.user_id;
    let mut tx = state.db.write.begin().await?;
    uploads::sweep_expired(&mut tx, config).await?;
    let used = uploads::used_bytes(&mut tx, user_id).await?;
    if used.saturating_add(length) > config.user_quota_bytes {
        return Err(AppError::QuotaExceeded(format!(
            "this file ({length} bytes) would exceed your storage quota: \
             {used} of {} bytes are used",
            config.user_quota_bytes
        )));
    }
    let id = uploads::new_id();
    let now = config.now();
    let expires_at = now + crate::config::delta(config.upload_expiry);
    tokio::fs::create_dir_all(config.uploads_dir())
        .await
        .map_err(io)?;
    tokio::fs::File::create(uploads::part_path(config, &id))
        .await
        .map_err(io)?;
    sqlx::query(
        "INSERT INTO uploads (id, user_id, length, received, sha256, file_name, created_at, \
         expires_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(length as i64)
    .bind(&metadata.sha256)
    .bind(&metadata.file_name)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        [
            (
                header::LOCATION,
                HeaderValue::from_str(&routes::path(routes::UPLOAD, &id))
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            ),
            (UPLOAD_EXPIRES, http_date(expires_at)),
            (UPLOAD_OFFSET, HeaderValue::from(0u64)),
        ],
    )
        .into_response())
}

fn offset_headers(upload: &uploads::UploadRow, response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(UPLOAD_OFFSET, HeaderValue::from(upload.received.max(0)));
    headers.insert(UPLOAD_LENGTH, HeaderValue::from(upload.length.max(0)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if upload.finished_at.is_none() {
        headers.insert(UPLOAD_EXPIRES, http_date(upload.expires_at));
    }
}

/// `HEAD /v1/uploads/{id}`: where the upload stands.
pub(crate) async fn head(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let mut conn = state.db.write.acquire().await?;
    let upload = uploads::find(&mut conn, session.viewer.user_id, &id).await?;
    uploads::ensure_live(&mut conn, &state.config, &upload).await?;
    let mut response = StatusCode::OK.into_response();
    offset_headers(&upload, &mut response);
    Ok(response)
}

/// `DELETE /v1/uploads/{id}`: termination.
pub(crate) async fn terminate(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let mut conn = state.db.write.acquire().await?;
    let upload = uploads::find(&mut conn, session.viewer.user_id, &id).await?;
    uploads::ensure_live(&mut conn, &state.config, &upload).await?;
    if upload.finished_at.is_some() {
        return Err(AppError::Conflict(
            "this upload is finished; its content is kept".into(),
        ));
    }
    // Removing the part file under a PATCH still writing it would leave that
    // PATCH finishing a file that is gone.
    let Some(_writing) = state.upload_writers.claim(&id) else {
        return Err(AppError::Conflict(
            "a request is writing to this upload; terminate it after that ends".into(),
        ));
    };
    uploads::discard(&mut conn, &state.config, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PATCH /v1/uploads/{id}`: appends the body at `Upload-Offset`.
pub(crate) async fn patch(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let config = &state.config;
    let content_type = header_text(&headers, &header::CONTENT_TYPE)?.unwrap_or("");
    if !content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case(OFFSET_OCTET_STREAM)
    {
        return Err(AppError::UnsupportedType(format!(
            "a PATCH body must be sent as {OFFSET_OCTET_STREAM}"
        )));
    }
    let offset = header_u64(&headers, &UPLOAD_OFFSET)?;
    let expected_digest = header_text(&headers, &UPLOAD_CHECKSUM)?
        .map(uploads::parse_checksum)
        .transpose()?;
    let mut conn = state.db.write.acquire().await?;
    // Someone else's upload is a 404 before anything tells it is busy.
    uploads::find(&mut conn, session.viewer.user_id, &id).await?;
    let Some(writing) = state.upload_writers.claim(&id) else {
        return Err(AppError::Conflict(
            "another request is writing to this upload; retry after it ends".into(),
        ));
    };
    // Read again now that no other request can change it.
    let upload = uploads::find(&mut conn, session.viewer.user_id, &id).await?;
    uploads::ensure_live(&mut conn, config, &upload).await?;
    drop(conn);
    if offset != upload.received as u64 {
        return Err(AppError::OffsetMismatch(format!(
            "Upload-Offset is {offset} but the upload stands at {}",
            upload.received
        )));
    }
    if upload.finished_at.is_some() {
        let mut response = StatusCode::NO_CONTENT.into_response();
        offset_headers(&upload, &mut response);
        return Ok(response);
    }
    // A client that goes away drops this handler; the bytes it did send are
    // still written and recorded by a task of their own, so it resumes from
    // there.
    tokio::spawn(receive(
        state.clone(),
        upload,
        offset,
        expected_digest,
        body,
        writing,
    ))
    .await
    .map_err(|e| AppError::Internal(format!("receiving an upload: {e}")))?
}

async fn receive(
    state: AppState,
    upload: uploads::UploadRow,
    offset: u64,
    expected_digest: Option<Vec<u8>>,
    body: Body,
    writing: uploads::WriterGuard,
) -> AppResult<Response> {
    let config = &state.config;
    let id = upload.id.clone();
    let length = upload.length as u64;
    let part = uploads::part_path(config, &id);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&part)
        .await
        .map_err(io)?;
    // Bytes past the recorded offset come from a request that died before
    // recording them: they are not part of the upload.
    file.set_len(offset).await.map_err(io)?;
    file.seek(SeekFrom::Start(offset)).await.map_err(io)?;
    // The whole file's hash goes on from the bytes already received when this
    // server saw them; a separate hash checks the chunk unless it starts the
    // file, where both are the same.
    let before = writing
        .take_hash(offset)
        .or_else(|| (offset == 0).then(Sha256::new));
    let mut whole = before.clone();
    let mut chunk_hasher = (expected_digest.is_some() && offset > 0).then(Sha256::new);
    let mut written = 0u64;
    let mut stream = body.into_data_stream();
    let mut failure = None;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                tracing::info!(upload = %id, error = %e, "upload body cut");
                failure = Some(AppError::BadRequest("the body was cut".into()));
                break;
            }
        };
        if offset + written + chunk.len() as u64 > length {
            failure = Some(AppError::BadRequest(format!(
                "the body goes past Upload-Length ({length} bytes)"
            )));
            break;
        }
        if let Some(hasher) = &mut whole {
            hasher.update(&chunk);
        }
        if let Some(hasher) = &mut chunk_hasher {
            hasher.update(&chunk);
        }
        file.write_all(&chunk).await.map_err(io)?;
        written += chunk.len() as u64;
    }
    let mut keep = match (&failure, &expected_digest) {
        // A cut keeps what arrived, so the client resumes from there, unless
        // the chunk was to be checked as a whole.
        (Some(_), Some(_)) => 0,
        (Some(AppError::BadRequest(m)), None) if m.starts_with("the body goes past") => 0,
        (Some(_), None) => written,
        (None, _) => written,
    };
    if failure.is_none()
        && let Some(expected) = &expected_digest
    {
        let digest = match (&chunk_hasher, &whole) {
            (Some(hasher), _) | (None, Some(hasher)) => hasher.clone().finalize().to_vec(),
            (None, None) => Vec::new(),
        };
        if digest != *expected {
            keep = 0;
            failure = Some(AppError::ChecksumMismatch(
                "the chunk's SHA-256 is not the one in Upload-Checksum; it was discarded".into(),
            ));
        }
    }
    // The hash state matches the bytes kept: all of this body's or none.
    let whole = if keep == written { whole } else { before };
    file.set_len(offset + keep).await.map_err(io)?;
    file.sync_data().await.map_err(io)?;
    drop(file);
    let received = offset + keep;
    let mut conn = state.db.write.acquire().await?;
    sqlx::query("UPDATE uploads SET received = ? WHERE id = ?")
        .bind(received as i64)
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    if let Some(failure) = failure {
        if let Some(hasher) = whole {
            writing.keep_hash(received, hasher);
        }
        return Err(failure);
    }
    let mut upload = upload;
    upload.received = received as i64;
    if received == length {
        let whole = whole.map(|hasher| hex::encode(hasher.finalize()));
        finish(&state, &mut conn, &mut upload, whole).await?;
    } else if let Some(hasher) = whole {
        writing.keep_hash(received, hasher);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    offset_headers(&upload, &mut response);
    Ok(response)
}

/// The last byte is in: check the whole file, then keep it under its hash.
async fn finish(
    state: &AppState,
    conn: &mut sqlx::SqliteConnection,
    upload: &mut uploads::UploadRow,
    whole_file_sha256: Option<String>,
) -> AppResult<()> {
    let config = &state.config;
    let part = uploads::part_path(config, &upload.id);
    let (sha256, content_type) = uploads::inspect(&part, whole_file_sha256).await?;
    if sha256 != upload.sha256 {
        uploads::discard(conn, config, &upload.id).await?;
        return Err(AppError::ChecksumMismatch(format!(
            "the file's SHA-256 is {sha256}, not the {} declared; it was discarded",
            upload.sha256
        )));
    }
    let Some(content_type) = content_type else {
        uploads::discard(conn, config, &upload.id).await?;
        return Err(AppError::UnsupportedType(
            "this file is not one of the accepted types (PDF, JPEG, PNG, TIFF, HEIC, DOCX, \
             XLSX, ODT, ODS), whatever its name says; it was discarded"
                .into(),
        ));
    };
    uploads::store(config, &part, &sha256).await?;
    let now = config.now();
    sqlx::query("UPDATE uploads SET finished_at = ?, content_type = ? WHERE id = ?")
        .bind(now)
        .bind(content_type)
        .bind(&upload.id)
        .execute(&mut *conn)
        .await?;
    upload.finished_at = Some(now);
    upload.content_type = Some(content_type.to_owned());
    Ok(())
}

#[utoipa::path(post, path = routes::DOCUMENTS, tag = "uploads",
    security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Chosen by the client before the upload; a replay answers the first document")),
    request_body = NewDocument,
    responses(
        (status = 201, description = "The document, created", body = Document),
        (status = 200, description = "The document this key created before", body = Document),
        (status = 400, description = "No or bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such upload of this user, or no such dossier or procedure visible to them", body = ErrorBody),
        (status = 409, description = "The upload is not finished or already used, or the key was used for another request", body = ErrorBody),
        (status = 410, description = "The upload expired or was terminated", body = ErrorBody),
        (status = 422, description = "A category this user may not file, or `other` without a note", body = ErrorBody),
    ))]
pub(crate) async fn create_document(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    Json(new): Json<NewDocument>,
) -> AppResult<Response> {
    let key = crate::idempotency::key_from(&headers)?;
    file_document(
        &state,
        &session.viewer,
        Some(key),
        new,
        DocumentOrigin::Customer,
    )
    .await
}

#[utoipa::path(post, path = routes::ADMIN_DOCUMENTS, tag = "admin",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Optional; when sent, a replay answers the first document")),
    request_body = NewDocument,
    responses(
        (status = 201, description = "The agency's document, created; it reaches whoever sees its dossier or procedure at their next sync", body = Document),
        (status = 200, description = "The document this key created before", body = Document),
        (status = 400, description = "A bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 404, description = "No such upload of this user", body = ErrorBody),
        (status = 409, description = "The upload is not finished or already used, or the key was used for another request", body = ErrorBody),
        (status = 410, description = "The upload expired or was terminated", body = ErrorBody),
        (status = 422, description = "No such dossier or procedure, or `other` without a note", body = ErrorBody),
    ))]
pub(crate) async fn post_agency_document(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    headers: HeaderMap,
    Json(new): Json<NewDocument>,
) -> AppResult<Response> {
    let key = match header_text(&headers, &IDEMPOTENCY_KEY)? {
        Some(_) => Some(crate::idempotency::key_from(&headers)?),
        None => None,
    };
    let response = file_document(&state, &admin.viewer, key, new, DocumentOrigin::Agency).await?;
    tracing::info!(admin = admin.viewer.user_id, "agency document posted");
    Ok(response)
}

/// The dossier or procedure a new document goes to: for a customer, one they
/// see (404 otherwise); the agency may post to any that exists.
async fn target(
    conn: &mut sqlx::SqliteConnection,
    viewer: &crate::access::Viewer,
    attach_to: &AttachTo,
    origin: DocumentOrigin,
) -> AppResult<(Option<i64>, Option<i64>)> {
    match (attach_to, origin) {
        (AttachTo::Dossier { reference }, DocumentOrigin::Customer) => Ok((
            Some(visible_dossier(conn, viewer, reference).await?.id),
            None,
        )),
        (AttachTo::Procedure { id }, DocumentOrigin::Customer) => {
            Ok((None, Some(visible_procedure(conn, viewer, *id).await?.id)))
        }
        (AttachTo::Dossier { reference }, DocumentOrigin::Agency) => {
            match crate::records::dossier_id(conn, reference).await? {
                Some(id) => Ok((Some(id), None)),
                None => Err(AppError::Validation(format!("no dossier {reference:?}"))),
            }
        }
        (AttachTo::Procedure { id }, DocumentOrigin::Agency) => {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM procedures WHERE id = ?")
                .bind(id)
                .fetch_optional(conn)
                .await?;
            found
                .map(|id| (None, Some(id)))
                .ok_or_else(|| AppError::Validation(format!("no procedure {id}")))
        }
    }
}

/// Makes a document of a finished upload of `viewer`'s. With a key, a replay
/// answers the document first created.
async fn file_document(
    state: &AppState,
    viewer: &crate::access::Viewer,
    key: Option<String>,
    new: NewDocument,
    origin: DocumentOrigin,
) -> AppResult<Response> {
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&new).map_err(|e| AppError::Internal(e.to_string()))?,
    ));
    let mut tx = state.db.write.begin().await?;
    let earlier: Option<(String, i64)> = match &key {
        Some(key) => {
            sqlx::query_as(
                "SELECT request_hash, document_id FROM document_requests \
                 WHERE user_id = ? AND key = ?",
            )
            .bind(viewer.user_id)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?
        }
        None => None,
    };
    if let Some((hash, document_id)) = earlier {
        if hash != request_hash {
            return Err(AppError::Conflict(
                "this Idempotency-Key was already used for another document".into(),
            ));
        }
        let document = documents::by_id(&mut tx, document_id)
            .await?
            .ok_or_else(|| AppError::corrupt(format!("document {document_id}")))?;
        return Ok((StatusCode::OK, Json(document)).into_response());
    }
    if new.category.for_mandataires_only()
        && origin == DocumentOrigin::Customer
        && viewer.role != Role::Etude
    {
        return Err(AppError::Validation(format!(
            "the category {} is for mandataires judiciaires only",
            new.category.as_str()
        )));
    }
    let note = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if new.category == DocumentCategory::Other && note.is_none() {
        return Err(AppError::Validation(
            "a document of category other needs a note saying what it is".into(),
        ));
    }
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(AppError::Validation(
            "the note is longer than 1000 characters".into(),
        ));
    }
    let (dossier_id, procedure_id) = target(&mut tx, viewer, &new.attach_to, origin).await?;
    let upload = uploads::find(&mut tx, viewer.user_id, &new.upload_id).await?;
    if let Err(gone) = uploads::ensure_live(&mut tx, &state.config, &upload).await {
        // An upload found expired here is removed for good, not only for
        // this request.
        tx.commit().await?;
        return Err(gone);
    }
    let (Some(_), Some(content_type)) = (upload.finished_at, upload.content_type.as_deref()) else {
        return Err(AppError::Conflict(format!(
            "the upload is not finished: {} of {} bytes received",
            upload.received, upload.length
        )));
    };
    if upload.document_id.is_some() {
        return Err(AppError::Conflict(
            "this upload already made a document".into(),
        ));
    }
    let fallback = format!(
        "document.{}",
        claimdesk_api::uploads::extension_of(content_type).unwrap_or("bin")
    );
    let file_name = documents::sanitize_file_name(&new.file_name, &fallback);
    let document_id = documents::insert(
        &mut tx,
        NewRow {
            dossier_id,
            procedure_id,
            category: new.category,
            note,
            file_name: &file_name,
            content_type,
            size: upload.length as u64,
            sha256: &upload.sha256,
            origin,
            uploaded_by: Some(viewer.user_id),
            request_id: None,
            created_at: state.config.now(),
        },
    )
    .await?;
    sqlx::query("UPDATE uploads SET document_id = ? WHERE id = ?")
        .bind(document_id)
        .bind(&upload.id)
        .execute(&mut *tx)
        .await?;
    if let Some(key) = &key {
        sqlx::query(
            "INSERT INTO document_requests (user_id, key, request_hash, document_id) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(viewer.user_id)
        .bind(key)
        .bind(&request_hash)
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
    }
    let document = documents::by_id(&mut tx, document_id)
        .await?
        .ok_or_else(|| AppError::corrupt(format!("document {document_id}")))?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(document)).into_response())
}

/// A document the viewer sees through its dossier or procedure (and, for a
/// request's own document, through that request).
async fn visible_document(
    conn: &mut sqlx::SqliteConnection,
    viewer: &crate::access::Viewer,
    id: i64,
) -> AppResult<Document> {
    let document = documents::for_viewer(conn, viewer, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match &document.attached_to {
        AttachTo::Dossier { reference } => visible_dossier(conn, viewer, reference).await?,
        AttachTo::Procedure { id } => {
            visible_procedure(conn, viewer, *id).await?;
            return Ok(document);
        }
    };
    Ok(document)
}

#[utoipa::path(get, path = routes::DOCUMENT, tag = "uploads",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document's metadata", body = Document),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such document visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn document(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<Document>> {
    let mut conn = state.db.read.acquire().await?;
    visible_document(&mut conn, &session.viewer, id)
        .await
        .map(Json)
}

#[utoipa::path(get, path = routes::DOSSIER_DOCUMENTS, tag = "uploads",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference")),
    responses(
        (status = 200, description = "The dossier's documents, by id", body = Vec<Document>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn dossier_documents(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
) -> AppResult<Json<Vec<Document>>> {
    let mut conn = state.db.read.acquire().await?;
    let dossier = visible_dossier(&mut conn, &session.viewer, &reference).await?;
    documents::attached(&mut conn, &session.viewer, Some(dossier.id), None)
        .await
        .map(Json)
}

#[utoipa::path(get, path = routes::PROCEDURE_DOCUMENTS, tag = "uploads",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Procedure id")),
    responses(
        (status = 200, description = "The procedure's documents, by id", body = Vec<Document>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such procedure visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn procedure_documents(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Document>>> {
    let mut conn = state.db.read.acquire().await?;
    let procedure = visible_procedure(&mut conn, &session.viewer, id).await?;
    documents::attached(&mut conn, &session.viewer, None, Some(procedure.id))
        .await
        .map(Json)
}

/// One satisfiable range of a `size`-byte content, or why not.
#[derive(Debug, PartialEq, Eq)]
enum Wanted {
    All,
    Part(u64, u64),
    Unsatisfiable,
}

fn wanted_range(header: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Wanted::All;
    };
    // Several ranges would need multipart/byteranges; the whole body is a
    // valid answer to them.
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::All;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        (true, false) => match parsed(last) {
            Some(0) => Wanted::Unsatisfiable,
            Some(n) if size > 0 => Wanted::Part(size.saturating_sub(n), size - 1),
            Some(_) => Wanted::Unsatisfiable,
            None => Wanted::All,
        },
        (false, _) => {
            let Some(a) = parsed(first) else {
                return Wanted::All;
            };
            let b = if last.is_empty() {
                Some(size.saturating_sub(1))
            } else {
                parsed(last)
            };
            match b {
                None => Wanted::All,
                Some(_) if a >= size => Wanted::Unsatisfiable,
                Some(b) if b < a => Wanted::All,
                Some(b) => Wanted::Part(a, b.min(size - 1)),
            }
        }
        (true, true) => Wanted::All,
    }
}

fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.trim() == "*"
        || if_none_match
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag)
}

#[utoipa::path(get, path = routes::DOCUMENT_CONTENT, tag = "uploads",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Document id"),
        ("Range" = Option<String>, Header, description = "One range: bytes=a-b, bytes=a- or bytes=-n"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag held: 304 when unchanged"),
    ),
    responses(
        (status = 200, description = "The content, with ETag and Content-Disposition", content_type = "application/octet-stream"),
        (status = 206, description = "The range asked for, with Content-Range", content_type = "application/octet-stream"),
        (status = 304, description = "The ETag sent is still the content's"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such document visible to this user", body = ErrorBody),
        (status = 416, description = "The range is outside the content"),
    ))]
pub(crate) async fn document_content(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let document = {
        let mut conn = state.db.read.acquire().await?;
        visible_document(&mut conn, &session.viewer, id).await?
    };
    let etag = format!("\"{}\"", document.sha256);
    let etag_value = HeaderValue::from_str(&etag).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(inm) = header_text(&headers, &header::IF_NONE_MATCH)?
        && etag_matches(inm, &etag)
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
            ],
        )
            .into_response());
    }
    let size = document.size;
    let wanted = match header_text(&headers, &header::IF_RANGE)? {
        Some(if_range) if if_range.trim() != etag => Wanted::All,
        _ => wanted_range(header_text(&headers, &header::RANGE)?, size),
    };
    let mut response_headers = HeaderMap::new();
    response_headers.insert(header::ETAG, etag_value);
    response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    let (status, start, len) = match wanted {
        Wanted::All => (StatusCode::OK, 0, size),
        Wanted::Part(a, b) => {
            response_headers.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {a}-{b}/{size}"))
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            );
            (StatusCode::PARTIAL_CONTENT, a, b - a + 1)
        }
        Wanted::Unsatisfiable => {
            response_headers.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{size}"))
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            );
            return Ok((StatusCode::RANGE_NOT_SATISFIABLE, response_headers).into_response());
        }
    };
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&document.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&documents::content_disposition(&document.file_name))
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    response_headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    let mut file = tokio::fs::File::open(uploads::content_path(&state.config, &document.sha256))
        .await
        .map_err(io)?;
    file.seek(SeekFrom::Start(start)).await.map_err(io)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file.take(len)));
    Ok((status, response_headers, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(wanted_range(None, 10), Wanted::All);
        assert_eq!(wanted_range(Some("bytes=0-3"), 10), Wanted::Part(0, 3));
        assert_eq!(wanted_range(Some("bytes=4-"), 10), Wanted::Part(4, 9));
        assert_eq!(wanted_range(Some("bytes=-3"), 10), Wanted::Part(7, 9));
        assert_eq!(wanted_range(Some("bytes=-30"), 10), Wanted::Part(0, 9));
        assert_eq!(wanted_range(Some("bytes=5-100"), 10), Wanted::Part(5, 9));
        assert_eq!(wanted_range(Some("bytes=10-"), 10), Wanted::Unsatisfiable);
        assert_eq!(wanted_range(Some("bytes=-0"), 10), Wanted::Unsatisfiable);
        assert_eq!(wanted_range(Some("bytes=0-1,4-5"), 10), Wanted::All);
        assert_eq!(wanted_range(Some("items=0-1"), 10), Wanted::All);
    }

    #[test]
    fn etags() {
        assert!(etag_matches("\"ab\"", "\"ab\""));
        assert!(etag_matches("W/\"x\", \"ab\"", "\"ab\""));
        assert!(etag_matches("*", "\"ab\""));
        assert!(!etag_matches("\"cd\"", "\"ab\""));
    }
}
