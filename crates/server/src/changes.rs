//! The change log behind the sync feed. Every write records its changes here
//! in the same transaction, so the feed can never miss or invent one.
//!
//! The log is compacted: a change first removes the older row of the same
//! (kind, entity, audience), so it never holds two rows for one entity and
//! audience, and a client replaying from any cursor gets each entity's latest
//! state once.

use claimdesk_api::sync::EntityKind;
use sqlx::SqliteConnection;

use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// The entity was created or changed: whoever sees its scope gets it.
    Upsert,
    /// The entity is gone: whoever sees one of its scopes removes it.
    Delete,
    /// A grant was withdrawn: the audience removes the entity unless it still
    /// sees it through another grant.
    Revoke,
}

impl Op {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
            Op::Revoke => "revoke",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Op> {
        [Op::Upsert, Op::Delete, Op::Revoke]
            .into_iter()
            .find(|op| op.as_str() == text)
    }
}

/// Where an entity lives, for visibility: a procedure, a dossier or both (a claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Scope {
    pub procedure_id: Option<i64>,
    pub dossier_id: Option<i64>,
}

impl Scope {
    pub(crate) fn procedure(id: i64) -> Scope {
        Scope {
            procedure_id: Some(id),
            dossier_id: None,
        }
    }

    pub(crate) fn dossier(id: i64) -> Scope {
        Scope {
            procedure_id: None,
            dossier_id: Some(id),
        }
    }

    pub(crate) fn claim(procedure_id: i64, dossier_id: i64) -> Scope {
        Scope {
            procedure_id: Some(procedure_id),
            dossier_id: Some(dossier_id),
        }
    }
}

/// Who a revocation speaks to; `Everyone` for upserts and deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    Everyone,
    Etude(i64),
    User(i64),
}

impl Audience {
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Audience::Everyone => (None, None),
            Audience::Etude(id) => (Some(id), None),
            Audience::User(id) => (None, Some(id)),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Change {
    pub kind: EntityKind,
    pub entity_id: i64,
    pub op: Op,
    pub scope: Scope,
    pub audience: Audience,
}

impl Change {
    pub(crate) fn upsert(kind: EntityKind, entity_id: i64, scope: Scope) -> Change {
        Change {
            kind,
            entity_id,
            op: Op::Upsert,
            scope,
            audience: Audience::Everyone,
        }
    }
}

/// Records a change, replacing the older row of the same entity and audience.
pub(crate) async fn record(conn: &mut SqliteConnection, change: Change) -> AppResult<()> {
    let (etude, user) = change.audience.columns();
    sqlx::query(
        "DELETE FROM changes WHERE kind = ? AND entity_id = ? \
         AND audience_etude_id IS ? AND audience_user_id IS ?",
    )
    .bind(change.kind.as_str())
    .bind(change.entity_id)
    .bind(etude)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    append(conn, change).await
}

/// Inserts without compaction: only for entities that were just created and
/// so cannot have an older row.
pub(crate) async fn append(conn: &mut SqliteConnection, change: Change) -> AppResult<()> {
    let (etude, user) = change.audience.columns();
    sqlx::query(
        "INSERT INTO changes (kind, entity_id, op, scope_procedure_id, scope_dossier_id, \
         audience_etude_id, audience_user_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(change.kind.as_str())
    .bind(change.entity_id)
    .bind(change.op.as_str())
    .bind(change.scope.procedure_id)
    .bind(change.scope.dossier_id)
    .bind(etude)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// The entities a grant on a procedure or a dossier opens, with their scopes:
/// what a grant upserts and a revocation withdraws.
pub(crate) async fn opened_by(
    conn: &mut SqliteConnection,
    object: GrantObjectId,
) -> AppResult<Vec<(EntityKind, i64, Scope)>> {
    let mut out = Vec::new();
    match object {
        GrantObjectId::Procedure(id) => {
            out.push((EntityKind::Procedure, id, Scope::procedure(id)));
            let claims: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, dossier_id FROM claims WHERE procedure_id = ? ORDER BY id",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            out.extend(
                claims
                    .into_iter()
                    .map(|(claim, dossier)| (EntityKind::Claim, claim, Scope::claim(id, dossier))),
            );
            documents_in(conn, Scope::procedure(id), &mut out).await?;
            out.extend(crate::requests::opened_by(conn, None, Some(id)).await?);
        }
        GrantObjectId::Dossier(id) => {
            let dossier_scope = Scope::dossier(id);
            out.push((EntityKind::Dossier, id, dossier_scope));
            let claims: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, procedure_id FROM claims WHERE dossier_id = ? ORDER BY id",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            out.extend(
                claims.into_iter().map(|(claim, procedure)| {
                    (EntityKind::Claim, claim, Scope::claim(procedure, id))
                }),
            );
            let installments: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM installments WHERE dossier_id = ? ORDER BY id")
                    .bind(id)
                    .fetch_all(&mut *conn)
                    .await?;
            out.extend(
                installments
                    .into_iter()
                    .map(|i| (EntityKind::Installment, i, dossier_scope)),
            );
            documents_in(conn, dossier_scope, &mut out).await?;
            let payments = crate::payments::ids_of_dossier(conn, id).await?;
            out.extend(
                payments
                    .into_iter()
                    .map(|p| (EntityKind::Payment, p, dossier_scope)),
            );
            out.extend(crate::requests::opened_by(conn, Some(id), None).await?);
        }
    }
    Ok(out)
}

/// The documents attached to a procedure or a dossier (the scope names one),
/// a request's own documents included: the feed passes those on to that
/// request's audience only, as it does the request.
async fn documents_in(
    conn: &mut SqliteConnection,
    scope: Scope,
    out: &mut Vec<(EntityKind, i64, Scope)>,
) -> AppResult<()> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM documents WHERE procedure_id IS ? AND dossier_id IS ? ORDER BY id",
    )
    .bind(scope.procedure_id)
    .bind(scope.dossier_id)
    .fetch_all(&mut *conn)
    .await?;
    out.extend(ids.into_iter().map(|d| (EntityKind::Document, d, scope)));
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantObjectId {
    Procedure(i64),
    Dossier(i64),
}
