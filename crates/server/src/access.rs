//! Who sees what. Visibility comes only from grants: a user sees a procedure
//! granted to them or to their étude, a dossier likewise, a claim when they
//! see its procedure or its dossier, an instalment when they see its dossier.

use claimdesk_api::auth::Role;
use sqlx::SqliteConnection;

use crate::changes::{self, Audience, Change, GrantObjectId, Op};
use crate::error::AppResult;

/// The signed-in user a request is answered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub etude_id: Option<i64>,
    pub role: Role,
}

/// `IN (…)` operands selecting what a viewer is granted. Each takes two binds:
/// the user id, then the étude id (NULL when none).
pub(crate) const GRANTED_PROCEDURES: &str = "(SELECT g.procedure_id FROM grants g \
     WHERE g.procedure_id IS NOT NULL AND (g.subject_user_id = ? OR g.subject_etude_id = ?))";
pub(crate) const GRANTED_DOSSIERS: &str = "(SELECT g.dossier_id FROM grants g \
     WHERE g.dossier_id IS NOT NULL AND (g.subject_user_id = ? OR g.subject_etude_id = ?))";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantSubjectId {
    Etude(i64),
    User(i64),
}

impl GrantSubjectId {
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            GrantSubjectId::Etude(id) => (Some(id), None),
            GrantSubjectId::User(id) => (None, Some(id)),
        }
    }

    fn audience(self) -> Audience {
        match self {
            GrantSubjectId::Etude(id) => Audience::Etude(id),
            GrantSubjectId::User(id) => Audience::User(id),
        }
    }
}

impl GrantObjectId {
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            GrantObjectId::Procedure(id) => (Some(id), None),
            GrantObjectId::Dossier(id) => (None, Some(id)),
        }
    }
}

async fn existing_grant(
    conn: &mut SqliteConnection,
    subject: GrantSubjectId,
    object: GrantObjectId,
) -> AppResult<Option<i64>> {
    let (etude, user) = subject.columns();
    let (procedure, dossier) = object.columns();
    Ok(sqlx::query_scalar(
        "SELECT id FROM grants WHERE subject_etude_id IS ? AND subject_user_id IS ? \
         AND procedure_id IS ? AND dossier_id IS ?",
    )
    .bind(etude)
    .bind(user)
    .bind(procedure)
    .bind(dossier)
    .fetch_optional(conn)
    .await?)
}

/// Inserts a grant without telling the feed: only for entities created in the
/// same transaction, whose creation already recorded their upserts.
pub(crate) async fn insert_grant(
    conn: &mut SqliteConnection,
    subject: GrantSubjectId,
    object: GrantObjectId,
) -> AppResult<i64> {
    if let Some(id) = existing_grant(conn, subject, object).await? {
        return Ok(id);
    }
    let (etude, user) = subject.columns();
    let (procedure, dossier) = object.columns();
    Ok(sqlx::query_scalar(
        "INSERT INTO grants (subject_etude_id, subject_user_id, procedure_id, dossier_id) \
         VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(etude)
    .bind(user)
    .bind(procedure)
    .bind(dossier)
    .fetch_one(conn)
    .await?)
}

/// Opens an object to a subject and re-announces everything it opens, so
/// clients already past those entities' rows in the log receive them.
pub(crate) async fn grant(
    conn: &mut SqliteConnection,
    subject: GrantSubjectId,
    object: GrantObjectId,
) -> AppResult<i64> {
    let id = insert_grant(conn, subject, object).await?;
    for (kind, entity_id, scope) in changes::opened_by(conn, object).await? {
        changes::record(conn, Change::upsert(kind, entity_id, scope)).await?;
    }
    Ok(id)
}

/// Withdraws a grant; the subject's clients drop what it no longer sees.
/// Returns false when there was no such grant.
pub(crate) async fn revoke(
    conn: &mut SqliteConnection,
    subject: GrantSubjectId,
    object: GrantObjectId,
) -> AppResult<bool> {
    let Some(id) = existing_grant(conn, subject, object).await? else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM grants WHERE id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (kind, entity_id, scope) in changes::opened_by(conn, object).await? {
        changes::record(
            conn,
            Change {
                kind,
                entity_id,
                op: Op::Revoke,
                scope,
                audience: subject.audience(),
            },
        )
        .await?;
    }
    Ok(true)
}
