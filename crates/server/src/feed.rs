//! Reading the change log for one user: one indexed scan per page, then the
//! current records of the page fetched in bulk, one query per kind.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use claimdesk_api::sync::{Change, Entity, EntityKind, SyncPage};
use sqlx::{Connection, SqliteConnection};

use crate::access::Viewer;
use crate::changes::Op;
use crate::documents;
use crate::error::{AppError, AppResult};
use crate::payments;
use crate::records::{self, Selection};
use crate::requests;

/// Rows after `?1` up to `?2` that concern user `?3` (of étude `?4`), at most
/// `?5`, packed as one JSON array of `[seq, kind, entity_id, op]` in no
/// particular order (see `records` for why).
///
/// Upserts and deletes reach whoever sees the entity's scope now; a
/// revocation reaches its audience only if nothing else still opens the
/// entity to them. Requests, their messages and their own documents are
/// personal: of those, only the ones by the user or by a user of their étude
/// (or of such a request) reach them at all, grants and revocations alike.
const FEED: &str = "\
WITH granted_procedures AS (SELECT g.procedure_id AS id FROM grants g \
        WHERE g.procedure_id IS NOT NULL AND (g.subject_user_id = ?3 OR g.subject_etude_id = ?4)), \
     granted_dossiers AS (SELECT g.dossier_id AS id FROM grants g \
        WHERE g.dossier_id IS NOT NULL AND (g.subject_user_id = ?3 OR g.subject_etude_id = ?4)), \
     personal_requests AS (SELECT r.id FROM requests r WHERE r.user_id = ?3 \
        OR r.user_id IN (SELECT u.id FROM users u WHERE u.etude_id = ?4)) \
SELECT '[' || COALESCE(group_concat(json_array(seq, kind, entity_id, op), ','), '') || ']' FROM ( \
SELECT seq, kind, entity_id, op FROM changes \
WHERE seq > ?1 AND seq <= ?2 AND CASE \
    WHEN op = 'revoke' THEN \
        (audience_user_id = ?3 OR audience_etude_id = ?4) \
        AND NOT (COALESCE(scope_procedure_id IN (SELECT id FROM granted_procedures), 0) \
                 OR COALESCE(scope_dossier_id IN (SELECT id FROM granted_dossiers), 0)) \
    ELSE \
        COALESCE(scope_procedure_id IN (SELECT id FROM granted_procedures), 0) \
        OR COALESCE(scope_dossier_id IN (SELECT id FROM granted_dossiers), 0) \
    END \
AND CASE kind \
    WHEN 'request' THEN entity_id IN (SELECT id FROM personal_requests) \
    WHEN 'message' THEN entity_id IN (SELECT m.id FROM messages m \
        WHERE m.request_id IN (SELECT id FROM personal_requests)) \
    WHEN 'document' THEN entity_id NOT IN (SELECT doc.id FROM documents doc \
        WHERE doc.request_id IS NOT NULL \
        AND doc.request_id NOT IN (SELECT id FROM personal_requests)) \
    ELSE 1 \
    END \
ORDER BY seq LIMIT ?5)";

const CURSOR_VERSION: &str = "c1";

/// `base64url("c1:<database instance>:<user>:<seq>")`: tied to one database
/// and one user so that neither a reset server nor a borrowed cursor can
/// silently skip changes.
pub(crate) fn encode_cursor(instance: &str, user_id: i64, seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}:{instance}:{user_id}:{seq}"))
}

pub(crate) fn decode_cursor(text: &str, instance: &str, user_id: i64) -> AppResult<i64> {
    let garbage = || {
        AppError::InvalidCursor(
            "this sync cursor is not one this server issued; sync again without a cursor"
                .to_owned(),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| garbage())?;
    let plain = String::from_utf8(bytes).map_err(|_| garbage())?;
    let mut parts = plain.split(':');
    let (Some(version), Some(cursor_instance), Some(user), Some(seq), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(garbage());
    };
    if version != CURSOR_VERSION {
        return Err(garbage());
    }
    let user: i64 = user.parse().map_err(|_| garbage())?;
    let seq: i64 = seq.parse().map_err(|_| garbage())?;
    if seq < 0 {
        return Err(garbage());
    }
    if cursor_instance != instance {
        return Err(AppError::InvalidCursor(
            "this sync cursor comes from another server database; sync again without a cursor"
                .to_owned(),
        ));
    }
    if user != user_id {
        return Err(AppError::InvalidCursor(
            "this sync cursor belongs to another user".to_owned(),
        ));
    }
    Ok(seq)
}

#[derive(serde::Deserialize)]
struct FeedRow<'a> {
    seq: i64,
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
    entity_id: i64,
    #[serde(borrow)]
    op: std::borrow::Cow<'a, str>,
}

pub(crate) async fn page(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    instance: &str,
    cursor: Option<&str>,
    limit: u32,
) -> AppResult<SyncPage> {
    // An empty cursor is a first sync, as an absent one.
    let after = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        Some(text) => decode_cursor(text, instance, viewer.user_id)?,
        None => 0,
    };
    // One snapshot for the bound, the scan and the records.
    let mut tx = conn.begin().await?;
    let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes")
        .fetch_one(&mut *tx)
        .await?;
    let packed: String = sqlx::query_scalar(FEED)
        .bind(after)
        .bind(last)
        .bind(viewer.user_id)
        .bind(viewer.etude_id)
        .bind(i64::from(limit) + 1)
        .fetch_one(&mut *tx)
        .await?;
    let mut rows: Vec<FeedRow> = serde_json::from_str(&packed)
        .map_err(|e| AppError::corrupt(format!("change rows: {e}")))?;
    rows.sort_unstable_by_key(|r| r.seq);
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map_or(after, |r| r.seq)
    } else {
        last.max(after)
    };

    let mut parsed = Vec::with_capacity(rows.len());
    let mut kinds: Vec<EntityKind> = Vec::new();
    for row in &rows {
        let kind = EntityKind::parse(&row.kind)
            .ok_or_else(|| AppError::corrupt(format!("changes.kind: {:?}", row.kind)))?;
        let op = Op::parse(&row.op)
            .ok_or_else(|| AppError::corrupt(format!("changes.op: {:?}", row.op)))?;
        if op == Op::Upsert && !kinds.contains(&kind) {
            kinds.push(kind);
        }
        parsed.push((kind, row.entity_id, op));
    }
    // The page's upserts are the visible entities with an upsert in its
    // range: one query per kind fetches them all.
    let selection = Selection {
        viewer: Some(viewer),
        changed_between: Some((after, next)),
        ..Selection::default()
    };
    let mut entities: HashMap<(EntityKind, i64), Entity> = HashMap::with_capacity(parsed.len());
    for kind in kinds {
        match kind {
            EntityKind::Procedure => {
                for p in records::procedures(&mut tx, selection).await? {
                    entities.insert((kind, p.id), Entity::Procedure(p));
                }
            }
            EntityKind::Claim => {
                for c in records::claims(&mut tx, selection).await? {
                    entities.insert((kind, c.id), Entity::Claim(c));
                }
            }
            EntityKind::Dossier => {
                for d in records::dossiers(&mut tx, selection).await? {
                    entities.insert((kind, d.id), Entity::Dossier(d));
                }
            }
            EntityKind::Installment => {
                for i in records::installments(&mut tx, selection).await? {
                    entities.insert((kind, i.id), Entity::Installment(i));
                }
            }
            EntityKind::Document => {
                for d in documents::changed_between(&mut tx, viewer, (after, next)).await? {
                    entities.insert((kind, d.id), Entity::Document(d));
                }
            }
            EntityKind::Payment => {
                for p in payments::changed_between(&mut tx, viewer, (after, next)).await? {
                    entities.insert((kind, p.id), Entity::Payment(p));
                }
            }
            EntityKind::Request => {
                for r in requests::changed_between(&mut tx, viewer, (after, next)).await? {
                    entities.insert((kind, r.id), Entity::Request(r));
                }
            }
            EntityKind::Message => {
                let range = (after, next);
                for m in requests::messages_changed_between(&mut tx, viewer, range).await? {
                    entities.insert((kind, m.id), Entity::Message(m));
                }
            }
        }
    }
    tx.rollback().await?;

    let changes = parsed
        .into_iter()
        .map(|(kind, id, op)| match op {
            Op::Upsert => match entities.remove(&(kind, id)) {
                Some(entity) => Change::Upsert { entity },
                // Cannot happen within one snapshot; if it did, the entity is
                // gone and the client should drop it.
                None => Change::Delete { kind, id },
            },
            Op::Delete | Op::Revoke => Change::Delete { kind, id },
        })
        .collect();
    Ok(SyncPage {
        changes,
        next_cursor: encode_cursor(instance, viewer.user_id, next),
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_strangers() {
        let c = encode_cursor("abc", 7, 42);
        assert_eq!(decode_cursor(&c, "abc", 7).unwrap(), 42);
        assert!(matches!(
            decode_cursor(&c, "abc", 8),
            Err(AppError::InvalidCursor(m)) if m.contains("another user")
        ));
        assert!(decode_cursor(&c, "xyz", 7).is_err());
        for junk in ["", "!!!", "Zm9v", &URL_SAFE_NO_PAD.encode("c1:abc:7:-1")] {
            assert!(decode_cursor(junk, "abc", 7).is_err(), "{junk}");
        }
    }
}
