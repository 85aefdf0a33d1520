//! What a user reads: only what their grants open; anything else is a 404
//! that says nothing of the resource.

use axum::extract::State;
use claimdesk_api::ErrorBody;
use claimdesk_api::records::{
    Claim, ClaimListQuery, ClaimPage, Dossier, DossierDetail, Installment, Procedure,
};
use claimdesk_api::routes;
use claimdesk_api::sync::DEFAULT_PAGE;

use crate::AppState;
use crate::access::Viewer;
use crate::auth::CurrentSession;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::records::{self, Selection};

fn one<T>(mut found: Vec<T>) -> AppResult<T> {
    if found.len() == 1 {
        Ok(found.remove(0))
    } else {
        Err(AppError::NotFound)
    }
}

pub(crate) async fn visible_procedure(
    conn: &mut sqlx::SqliteConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Procedure> {
    one(records::procedures(
        conn,
        Selection {
            id: Some(id),
            viewer: Some(viewer),
            ..Selection::default()
        },
    )
    .await?)
}

pub(crate) async fn visible_dossier(
    conn: &mut sqlx::SqliteConnection,
    viewer: &Viewer,
    reference: &str,
) -> AppResult<Dossier> {
    let id = records::dossier_id(conn, reference)
        .await?
        .ok_or(AppError::NotFound)?;
    one(records::dossiers(
        conn,
        Selection {
            id: Some(id),
            viewer: Some(viewer),
            ..Selection::default()
        },
    )
    .await?)
}

#[utoipa::path(get, path = routes::PROCEDURES, tag = "records",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every procedure the user sees, by id", body = Vec<Procedure>),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub(crate) async fn procedures(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<Vec<Procedure>>> {
    let mut conn = state.db.read.acquire().await?;
    records::procedures(&mut conn, Selection::visible_to(&session.viewer))
        .await
        .map(Json)
}

#[utoipa::path(get, path = routes::PROCEDURE, tag = "records",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Procedure id")),
    responses(
        (status = 200, description = "The procedure", body = Procedure),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such procedure visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn procedure(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<Procedure>> {
    let mut conn = state.db.read.acquire().await?;
    visible_procedure(&mut conn, &session.viewer, id)
        .await
        .map(Json)
}

#[utoipa::path(get, path = routes::PROCEDURE_CLAIMS, tag = "records",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Procedure id")),
    responses(
        (status = 200, description = "The claims declared in the procedure, by id", body = Vec<Claim>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such procedure visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn procedure_claims(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Claim>>> {
    let mut conn = state.db.read.acquire().await?;
    visible_procedure(&mut conn, &session.viewer, id).await?;
    records::claims(
        &mut conn,
        Selection {
            viewer: Some(&session.viewer),
            procedure_id: Some(id),
            ..Selection::default()
        },
    )
    .await
    .map(Json)
}

#[utoipa::path(get, path = routes::CLAIMS, tag = "records",
    security(("bearer" = [])),
    params(
        ("after" = Option<i64>, Query, description = "Only claims with a greater id"),
        ("limit" = Option<u32>, Query, description = "Claims per page, 1 to 10 000 (default 1 000)"),
    ),
    responses(
        (status = 200, description = "A page of the claims the user sees, by id", body = ClaimPage),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub(crate) async fn claims(
    State(state): State<AppState>,
    session: CurrentSession,
    Query(query): Query<ClaimListQuery>,
) -> AppResult<Json<ClaimPage>> {
    let limit = page_limit(query.limit, state.config.max_sync_page)?;
    let mut conn = state.db.read.acquire().await?;
    let mut claims = records::claims(
        &mut conn,
        Selection {
            viewer: Some(&session.viewer),
            after: query.after,
            limit: Some(limit + 1),
            ..Selection::default()
        },
    )
    .await?;
    let next_after = if claims.len() > limit as usize {
        claims.truncate(limit as usize);
        claims.last().map(|c| c.id)
    } else {
        None
    };
    Ok(Json(ClaimPage { claims, next_after }))
}

/// A page size from a query, refusing 0 and anything above `max`.
pub(crate) fn page_limit(asked: Option<u32>, max: u32) -> AppResult<u32> {
    match asked {
        None => Ok(DEFAULT_PAGE.min(max)),
        Some(n) if n >= 1 && n <= max => Ok(n),
        Some(n) => Err(AppError::BadRequest(format!(
            "limit must be between 1 and {max}, not {n}"
        ))),
    }
}

#[utoipa::path(get, path = routes::CLAIM, tag = "records",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Claim id")),
    responses(
        (status = 200, description = "The claim", body = Claim),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such claim visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn claim(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> AppResult<Json<Claim>> {
    let mut conn = state.db.read.acquire().await?;
    visible_claim(&mut conn, &session.viewer, id)
        .await
        .map(Json)
}

pub(crate) async fn visible_claim(
    conn: &mut sqlx::SqliteConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Claim> {
    one(records::claims(
        conn,
        Selection {
            id: Some(id),
            viewer: Some(viewer),
            ..Selection::default()
        },
    )
    .await?)
}

#[utoipa::path(get, path = routes::DOSSIERS, tag = "records",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every dossier the user sees, by id", body = Vec<Dossier>),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub(crate) async fn dossiers(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<Vec<Dossier>>> {
    let mut conn = state.db.read.acquire().await?;
    records::dossiers(&mut conn, Selection::visible_to(&session.viewer))
        .await
        .map(Json)
}

#[utoipa::path(get, path = routes::DOSSIER, tag = "records",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference, e.g. CD-2024-000123")),
    responses(
        (status = 200, description = "The dossier with its instalments and claims", body = DossierDetail),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn dossier(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
) -> AppResult<Json<DossierDetail>> {
    let mut conn = state.db.read.acquire().await?;
    let viewer = &session.viewer;
    let dossier = visible_dossier(&mut conn, viewer, &reference).await?;
    let within = Selection {
        viewer: Some(viewer),
        dossier_id: Some(dossier.id),
        ..Selection::default()
    };
    let installments = records::installments(&mut conn, within).await?;
    let claims = records::claims(&mut conn, within).await?;
    Ok(Json(DossierDetail {
        dossier,
        installments,
        claims,
    }))
}

#[utoipa::path(get, path = routes::DOSSIER_INSTALLMENTS, tag = "records",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "Dossier reference")),
    responses(
        (status = 200, description = "The dossier's plan schedule", body = Vec<Installment>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "No such dossier visible to this user", body = ErrorBody),
    ))]
pub(crate) async fn dossier_installments(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(reference): Path<String>,
) -> AppResult<Json<Vec<Installment>>> {
    let mut conn = state.db.read.acquire().await?;
    let viewer = &session.viewer;
    let dossier = visible_dossier(&mut conn, viewer, &reference).await?;
    records::installments(
        &mut conn,
        Selection {
            viewer: Some(viewer),
            dossier_id: Some(dossier.id),
            ..Selection::default()
        },
    )
    .await
    .map(Json)
}
