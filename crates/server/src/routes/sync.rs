//! The sync feed endpoint.

use axum::extract::State;
use claimdesk_api::ErrorBody;
use claimdesk_api::routes;
use claimdesk_api::sync::{SyncPage, SyncQuery};

use crate::AppState;
use crate::auth::CurrentSession;
use crate::error::AppResult;
use crate::extract::{Json, Query};
use crate::feed;
use crate::routes::reads::page_limit;

#[utoipa::path(get, path = routes::SYNC, tag = "sync",
    security(("bearer" = [])),
    params(
        ("cursor" = Option<String>, Query, description = "Opaque cursor from the previous page; absent for a first sync"),
        ("limit" = Option<u32>, Query, description = "Changes per page, 1 to 10 000 (default 1 000)"),
    ),
    responses(
        (status = 200, description = "The user's changes after the cursor, in order", body = SyncPage),
        (status = 400, description = "Bad limit (`bad_request`) or a garbage or foreign cursor (`invalid_cursor`)", body = ErrorBody),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub(crate) async fn sync(
    State(state): State<AppState>,
    session: CurrentSession,
    Query(query): Query<SyncQuery>,
) -> AppResult<Json<SyncPage>> {
    let limit = page_limit(query.limit, state.config.max_sync_page)?;
    let mut conn = state.db.read.acquire().await?;
    feed::page(
        &mut conn,
        &session.viewer,
        &state.instance,
        query.cursor.as_deref(),
        limit,
    )
    .await
    .map(Json)
}
