//! The sync feed: pages, order, cursors, deletions and revoked access.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use claimdesk_api::routes::{self, path};
use claimdesk_api::sync::{Change, Entity, EntityKind, SyncPage};
use claimdesk_server::demo;
use common::Harness;
use serde_json::{Value, json};

type Key = (EntityKind, i64);

async fn page(h: &Harness, token: &str, cursor: &str, limit: u32) -> SyncPage {
    let reply = h
        .get(
            &format!("{}?cursor={cursor}&limit={limit}", routes::SYNC),
            token,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    serde_json::from_value(reply.body).unwrap()
}

/// Every change from `cursor` to the end, and the final cursor.
async fn drain(h: &Harness, token: &str, cursor: &str, limit: u32) -> (Vec<Change>, String) {
    let mut cursor = cursor.to_owned();
    let mut all = Vec::new();
    loop {
        let p = page(h, token, &cursor, limit).await;
        assert!(p.changes.len() <= limit as usize);
        all.extend(p.changes);
        cursor = p.next_cursor;
        if !p.more {
            return (all, cursor);
        }
    }
}

fn key(change: &Change) -> Key {
    match change {
        Change::Upsert { entity } => (entity.kind(), entity.id()),
        Change::Delete { kind, id } => (*kind, *id),
    }
}

fn deletes(changes: &[Change]) -> BTreeSet<Key> {
    changes
        .iter()
        .filter(|c| matches!(c, Change::Delete { .. }))
        .map(key)
        .collect()
}

fn upserts(changes: &[Change]) -> BTreeMap<Key, Entity> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Upsert { entity } => Some((key(c), entity.clone())),
            Change::Delete { .. } => None,
        })
        .collect()
}

/// The ids a list endpoint answers.
async fn listed_ids(h: &Harness, token: &str, url: &str) -> BTreeSet<i64> {
    let reply = h.get(url, token).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

async fn claims_of(h: &Harness, token: &str, procedure: i64) -> BTreeSet<i64> {
    listed_ids(h, token, &path(routes::PROCEDURE_CLAIMS, procedure)).await
}

async fn documents_of(h: &Harness, token: &str, procedure: i64) -> BTreeSet<i64> {
    listed_ids(h, token, &path(routes::PROCEDURE_DOCUMENTS, procedure)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_cover_everything_once_in_a_stable_order() {
    let h = Harness::demo().await;
    let token = h.token(demo::ETUDE_USER).await;
    let (small, end_small) = drain(&h, &token, "", 7).await;
    let (large, end_large) = drain(&h, &token, "", 10_000).await;
    let default = {
        let reply = h.get(routes::SYNC, &token).await;
        let p: SyncPage = serde_json::from_value(reply.body).unwrap();
        assert_eq!(p.changes.len(), large.len().min(1000), "default page size");
        assert_eq!(p.more, large.len() > 1000);
        p.changes
    };
    assert_eq!(small, large, "the order does not depend on the page size");
    assert_eq!(&large[..default.len()], &default[..]);
    assert_eq!(end_small, end_large);
    let keys: Vec<Key> = large.iter().map(key).collect();
    let unique: BTreeSet<Key> = keys.iter().copied().collect();
    assert_eq!(keys.len(), unique.len(), "each entity once");
    let procedures = unique
        .iter()
        .filter(|k| k.0 == EntityKind::Procedure)
        .count();
    let claims = unique.iter().filter(|k| k.0 == EntityKind::Claim).count();
    assert!(procedures >= 40 && claims >= 300, "{procedures} {claims}");

    // At the end: nothing more, and the cursor stays put.
    let last = page(&h, &token, &end_large, 100).await;
    assert!(last.changes.is_empty() && !last.more);
    assert_eq!(last.next_cursor, end_large);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_deletions_and_additions_reach_those_who_see_them() {
    let h = Harness::demo().await;
    let admin = h.token(demo::ADMIN_USER).await;
    let etude = h.token(demo::ETUDE_USER).await;
    let debtor = h.token(demo::DEBTORS[0]).await;
    let other_debtor = h.token(demo::DEBTORS[1]).await;
    let (_, etude_cursor) = drain(&h, &etude, "", 1000).await;
    let (debtor_first, debtor_cursor) = drain(&h, &debtor, "", 1000).await;
    let (_, other_cursor) = drain(&h, &other_debtor, "", 1000).await;

    // Pick two claims of the first debtor's procedure.
    let procedure = upserts(&debtor_first)
        .into_keys()
        .find(|k| k.0 == EntityKind::Procedure)
        .unwrap()
        .1;
    let claims: Vec<i64> = claims_of(&h, &debtor, procedure)
        .await
        .into_iter()
        .collect();
    let (doomed, decided) = (claims[0], claims[1]);
    let reply = h
        .call(
            Method::DELETE,
            &path(routes::ADMIN_CLAIM, doomed),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let claim: serde_json::Value = h.get(&path(routes::CLAIM, decided), &debtor).await.body;
    let reply = h
        .post(
            &path(routes::ADMIN_CLAIM_DECISION, decided),
            Some(&admin),
            json!({"admission": "disputed", "admitted_amount": null,
                   "decision_date": claim["declaration_date"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = h
        .post(
            routes::ADMIN_CLAIMS,
            Some(&admin),
            json!({
                "procedure_id": procedure, "dossier_reference": claim["dossier_reference"],
                "principal": "1234.56", "interest": "0.00", "penalties": "40.00",
                "fees": "0.00", "to_fall_due": "0.00", "nature": "privileged",
                "provisional": true, "declaration_date": claim["declaration_date"],
            }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let added = reply.body["id"].as_i64().unwrap();

    for (token, cursor) in [(&etude, &etude_cursor), (&debtor, &debtor_cursor)] {
        let (changes, _) = drain(&h, token, cursor, 2).await;
        assert_eq!(
            deletes(&changes),
            BTreeSet::from([(EntityKind::Claim, doomed)])
        );
        let up = upserts(&changes);
        assert_eq!(
            up.keys().copied().collect::<BTreeSet<_>>(),
            BTreeSet::from([(EntityKind::Claim, decided), (EntityKind::Claim, added)])
        );
        let Entity::Claim(c) = &up[&(EntityKind::Claim, decided)] else {
            panic!("a claim")
        };
        assert_eq!(c.admission.as_str(), "disputed");
        let Entity::Claim(c) = &up[&(EntityKind::Claim, added)] else {
            panic!("a claim")
        };
        assert_eq!(c.declared.total.to_string(), "1274.56");
        assert!(c.provisional);
        // The feed's record is the endpoint's record.
        let served = h.get(&path(routes::CLAIM, added), token).await.body;
        assert_eq!(serde_json::to_value(c).unwrap(), served);
    }
    let gone = h.get(&path(routes::CLAIM, doomed), &etude).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);

    // Another debtor sees none of it, yet its cursor moves past it.
    let p = page(&h, &other_debtor, &other_cursor, 1000).await;
    assert!(p.changes.is_empty(), "{:?}", p.changes);
    assert!(!p.more);
    assert_ne!(
        p.next_cursor, other_cursor,
        "the cursor skips what was scanned"
    );

    // A fresh sync no longer carries the deleted claim, at most its deletion.
    let (fresh, _) = drain(&h, &etude, "", 1000).await;
    assert!(!upserts(&fresh).contains_key(&(EntityKind::Claim, doomed)));
    assert_eq!(
        fresh
            .iter()
            .filter(|c| key(c) == (EntityKind::Claim, decided))
            .count(),
        1,
        "a changed entity is in the log once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_access_deletes_and_granting_it_again_upserts() {
    let h = Harness::demo().await;
    let admin = h.token(demo::ADMIN_USER).await;
    let etude = h.token(demo::ETUDE_USER).await;
    let colleague = h.token(demo::ETUDE_USER_2).await;
    let (first, etude_cursor) = drain(&h, &etude, "", 1000).await;
    let (_, colleague_cursor) = drain(&h, &colleague, "", 1000).await;
    let procedure = upserts(&first)
        .into_keys()
        .find(|k| k.0 == EntityKind::Procedure)
        .unwrap()
        .1;
    let claims = claims_of(&h, &etude, procedure).await;
    assert!(!claims.is_empty());
    let documents = documents_of(&h, &etude, procedure).await;
    let me = h.get(routes::ME, &etude).await.body;
    let etude_id: i64 = sqlx::query_scalar("SELECT id FROM etudes WHERE name = ?")
        .bind(me["etude_name"].as_str().unwrap())
        .fetch_one(
            &sqlx::SqlitePool::connect(&format!(
                "sqlite://{}",
                h.dir.path().join("claimdesk.sqlite").display()
            ))
            .await
            .unwrap(),
        )
        .await
        .unwrap();
    let grant = json!({
        "subject": {"kind": "etude", "id": etude_id},
        "object": {"kind": "procedure", "id": procedure},
    });
    let reply = h
        .post(routes::ADMIN_GRANTS_REVOKE, Some(&admin), grant.clone())
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let again = h
        .post(routes::ADMIN_GRANTS_REVOKE, Some(&admin), grant.clone())
        .await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "no such grant any more"
    );

    let mut removed: BTreeSet<Key> = claims.iter().map(|c| (EntityKind::Claim, *c)).collect();
    removed.insert((EntityKind::Procedure, procedure));
    removed.extend(documents.iter().map(|d| (EntityKind::Document, *d)));
    let mut after_revoke = Vec::new();
    for (token, cursor) in [(&etude, &etude_cursor), (&colleague, &colleague_cursor)] {
        let (changes, end) = drain(&h, token, cursor, 3).await;
        assert!(upserts(&changes).is_empty());
        assert_eq!(deletes(&changes), removed);
        after_revoke.push(end);
        let reply = h.get(&path(routes::PROCEDURE, procedure), token).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    // A fresh client gets none of it.
    let (fresh, _) = drain(&h, &etude, "", 1000).await;
    assert!(upserts(&fresh).keys().all(|k| !removed.contains(k)));

    // Granting again announces everything anew to both colleagues.
    let reply = h.post(routes::ADMIN_GRANTS, Some(&admin), grant).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    for (token, cursor) in [(&etude, &after_revoke[0]), (&colleague, &after_revoke[1])] {
        let (changes, _) = drain(&h, token, cursor, 1000).await;
        assert!(deletes(&changes).is_empty(), "{changes:?}");
        assert_eq!(
            upserts(&changes).into_keys().collect::<BTreeSet<_>>(),
            removed
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_one_grant_keeps_what_another_still_opens() {
    let h = Harness::demo().await;
    let admin = h.token(demo::ADMIN_USER).await;
    let debtor = h.token(demo::DEBTORS[0]).await;
    let (first, cursor) = drain(&h, &debtor, "", 1000).await;
    let procedure = upserts(&first)
        .into_keys()
        .find(|k| k.0 == EntityKind::Procedure)
        .unwrap()
        .1;
    let documents = documents_of(&h, &debtor, procedure).await;
    let reply = h
        .post(
            routes::ADMIN_GRANTS_REVOKE,
            Some(&admin),
            json!({"subject": {"kind": "user", "email": demo::DEBTORS[0]},
                   "object": {"kind": "procedure", "id": procedure}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let (changes, _) = drain(&h, &debtor, &cursor, 1000).await;
    // Its claims stay: the debtor's dossier grants open them too. The
    // procedure's documents go with it.
    let mut removed = BTreeSet::from([(EntityKind::Procedure, procedure)]);
    removed.extend(documents.iter().map(|d| (EntityKind::Document, *d)));
    assert_eq!(deletes(&changes), removed);
    assert!(upserts(&changes).is_empty());
}

#[tokio::test]
async fn garbage_foreign_and_stale_cursors_are_refused() {
    let h = Harness::demo().await;
    let etude = h.token(demo::ETUDE_USER).await;
    let colleague = h.token(demo::ETUDE_USER_2).await;
    let p = page(&h, &etude, "", 5).await;
    let foreign = h
        .get(
            &format!("{}?cursor={}", routes::SYNC, p.next_cursor),
            &colleague,
        )
        .await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST);
    assert_eq!(foreign.body["code"], "invalid_cursor");
    assert!(
        foreign.body["message"]
            .as_str()
            .unwrap()
            .contains("another user")
    );
    let other_database = URL_SAFE_NO_PAD.encode("c1:someotherdb:1:5");
    for garbage in ["garbage", "%00%01", "Zm9vOmJhcg", other_database.as_str()] {
        let reply = h
            .get(&format!("{}?cursor={garbage}", routes::SYNC), &etude)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{garbage}");
        assert_eq!(reply.body["code"], "invalid_cursor", "{garbage}");
    }
    for limit in ["0", "10001", "-1", "abc", ""] {
        let reply = h
            .get(&format!("{}?limit={limit}", routes::SYNC), &etude)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "limit={limit}");
        assert_eq!(reply.body["code"], "bad_request");
    }
    let reply = h
        .get(&format!("{}?limit=10000", routes::SYNC), &etude)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = h.get(&format!("{}?since=3", routes::SYNC), &etude).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "unknown parameter");
}

/// A document posted by the agency through `POST /v1/admin/documents`.
async fn post_agency_document(h: &Harness, admin: &str, attach_to: Value, seed: u32) -> i64 {
    let upload = h
        .upload(admin, &common::pdf_bytes(seed), "courrier.pdf")
        .await;
    let reply = h
        .post(
            routes::ADMIN_DOCUMENTS,
            Some(admin),
            json!({"upload_id": upload, "attach_to": attach_to, "category": "judgment",
                   "note": null, "file_name": format!("courrier-{seed}.pdf")}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["origin"], "agency");
    reply.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agency_documents_reach_those_who_see_their_dossier_or_procedure() {
    let h = Harness::demo().await;
    let admin = h.token(demo::ADMIN_USER).await;
    let etude = h.token(demo::ETUDE_USER).await;
    let debtor = h.token(demo::DEBTORS[0]).await;
    let other_debtor = h.token(demo::DEBTORS[1]).await;
    let (debtor_first, debtor_cursor) = drain(&h, &debtor, "", 1000).await;
    let (_, etude_cursor) = drain(&h, &etude, "", 1000).await;
    let (_, other_cursor) = drain(&h, &other_debtor, "", 1000).await;
    // The demo's own documents are in a first sync already.
    assert!(
        upserts(&debtor_first)
            .keys()
            .any(|k| k.0 == EntityKind::Document)
    );
    let first = upserts(&debtor_first);
    let procedure = first
        .keys()
        .find(|k| k.0 == EntityKind::Procedure)
        .unwrap()
        .1;
    let Some(Entity::Dossier(dossier)) = first.values().find(|e| e.kind() == EntityKind::Dossier)
    else {
        panic!("the debtor has a dossier")
    };
    let reference = dossier.reference.clone();

    let on_dossier = post_agency_document(
        &h,
        &admin,
        json!({"kind": "dossier", "reference": reference}),
        1,
    )
    .await;
    let on_procedure =
        post_agency_document(&h, &admin, json!({"kind": "procedure", "id": procedure}), 2).await;

    // The debtor sees both; the étude the procedure's only, as its document
    // lists say; another debtor neither.
    let (changes, debtor_cursor) = drain(&h, &debtor, &debtor_cursor, 1000).await;
    let up = upserts(&changes);
    assert_eq!(
        up.keys().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            (EntityKind::Document, on_dossier),
            (EntityKind::Document, on_procedure)
        ])
    );
    for id in [on_dossier, on_procedure] {
        let served = h.get(&path(routes::DOCUMENT, id), &debtor).await.body;
        let Entity::Document(synced) = &up[&(EntityKind::Document, id)] else {
            panic!("a document")
        };
        assert_eq!(serde_json::to_value(synced).unwrap(), served);
    }
    let (changes, _) = drain(&h, &etude, &etude_cursor, 1000).await;
    assert_eq!(
        upserts(&changes).into_keys().collect::<BTreeSet<_>>(),
        BTreeSet::from([(EntityKind::Document, on_procedure)])
    );
    let hidden = h.get(&path(routes::DOCUMENT, on_dossier), &etude).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let p = page(&h, &other_debtor, &other_cursor, 1000).await;
    assert!(p.changes.is_empty(), "{:?}", p.changes);

    // The debtor loses the dossier: its documents leave their disk with it.
    let reply = h
        .post(
            routes::ADMIN_GRANTS_REVOKE,
            Some(&admin),
            json!({"subject": {"kind": "user", "email": demo::DEBTORS[0]},
                   "object": {"kind": "dossier", "reference": reference}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let (changes, _) = drain(&h, &debtor, &debtor_cursor, 1000).await;
    let gone = deletes(&changes);
    assert!(
        gone.contains(&(EntityKind::Document, on_dossier)),
        "{gone:?}"
    );
    assert!(!gone.contains(&(EntityKind::Document, on_procedure)));
}
