//! The authorization matrix: every role × every endpoint × a resource the
//! role may see and one it may not. What each role should see is derived
//! here from the demo's business facts (appointment, company, guarantee),
//! not from the grants the server reads, so the two are checked against each
//! other.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use claimdesk_api::auth::Role;
use claimdesk_api::routes::{self, path};
use claimdesk_domain::ident::RfReference;
use claimdesk_server::demo;
use common::{Harness, Reply};
use serde_json::{Value, json};
use sqlx::SqlitePool;

#[derive(Debug, Default)]
struct Expected {
    procedures: BTreeSet<i64>,
    claims: BTreeSet<i64>,
    dossiers: BTreeSet<String>,
    installments: BTreeSet<i64>,
}

async fn oracle(h: &Harness) -> SqlitePool {
    let file = h.dir.path().join("claimdesk.sqlite");
    SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap()
}

async fn ids(db: &SqlitePool, sql: &str, bind: Option<&str>) -> BTreeSet<i64> {
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    if let Some(b) = bind {
        q = q.bind(b.to_owned());
    }
    q.fetch_all(db).await.unwrap().into_iter().collect()
}

async fn refs(db: &SqlitePool, sql: &str, bind: Option<&str>) -> BTreeSet<String> {
    let mut q = sqlx::query_scalar::<_, String>(sql);
    if let Some(b) = bind {
        q = q.bind(b.to_owned());
    }
    q.fetch_all(db).await.unwrap().into_iter().collect()
}

/// What a demo account sees by the business rules.
async fn expected(db: &SqlitePool, email: &str) -> Expected {
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE email = ?")
        .bind(email)
        .fetch_one(db)
        .await
        .unwrap();
    let e = Some(email);
    match role.as_str() {
        "etude" => Expected {
            procedures: ids(db, "SELECT p.id FROM procedures p JOIN users u ON u.etude_id = p.etude_id WHERE u.email = ?", e).await,
            claims: ids(db, "SELECT c.id FROM claims c JOIN procedures p ON p.id = c.procedure_id JOIN users u ON u.etude_id = p.etude_id WHERE u.email = ?", e).await,
            ..Expected::default()
        },
        "debtor" => Expected {
            procedures: ids(db, "SELECT p.id FROM procedures p JOIN users u ON u.company_id = p.company_id WHERE u.email = ?", e).await,
            claims: ids(db, "SELECT c.id FROM claims c JOIN dossiers d ON d.id = c.dossier_id JOIN users u ON u.company_id = d.company_id WHERE u.email = ?", e).await,
            dossiers: refs(db, "SELECT d.reference FROM dossiers d JOIN users u ON u.company_id = d.company_id WHERE u.email = ?", e).await,
            installments: ids(db, "SELECT i.id FROM installments i JOIN dossiers d ON d.id = i.dossier_id JOIN users u ON u.company_id = d.company_id WHERE u.email = ?", e).await,
        },
        "guarantor" => {
            let guaranteed = "SELECT g.dossier_id FROM guarantees g JOIN users u ON u.display_name = g.guarantor_name WHERE u.email = ?";
            Expected {
                claims: ids(db, &format!("SELECT id FROM claims WHERE dossier_id IN ({guaranteed})"), e).await,
                dossiers: refs(db, &format!("SELECT reference FROM dossiers WHERE id IN ({guaranteed})"), e).await,
                installments: ids(db, &format!("SELECT id FROM installments WHERE dossier_id IN ({guaranteed})"), e).await,
                ..Expected::default()
            }
        }
        _ => Expected::default(),
    }
}

async fn everything(db: &SqlitePool) -> Expected {
    Expected {
        procedures: ids(db, "SELECT id FROM procedures", None).await,
        claims: ids(db, "SELECT id FROM claims", None).await,
        dossiers: refs(db, "SELECT reference FROM dossiers", None).await,
        installments: ids(db, "SELECT id FROM installments", None).await,
    }
}

/// A few of the elements of `all` not in `seen`, spread over the range.
fn some_outside<T: Ord + Clone>(all: &BTreeSet<T>, seen: &BTreeSet<T>) -> Vec<T> {
    let outside: Vec<T> = all.difference(seen).cloned().collect();
    let step = (outside.len() / 4).max(1);
    outside.into_iter().step_by(step).take(5).collect()
}

fn some_inside<T: Ord + Clone>(seen: &BTreeSet<T>) -> Vec<T> {
    let step = (seen.len() / 4).max(1);
    seen.iter().step_by(step).take(5).cloned().collect()
}

/// 404 with the fixed body: nothing of the resource leaks.
fn assert_hidden(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::NOT_FOUND,
        "{what}: {}",
        reply.text
    );
    assert_eq!(
        reply.body,
        json!({"code": "not_found", "message": "no such resource"}),
        "{what}"
    );
}

fn ok<'a>(reply: &'a Reply, what: &str) -> &'a Value {
    assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.text);
    &reply.body
}

async fn all_claims(h: &Harness, token: &str) -> BTreeMap<i64, Value> {
    let mut out = BTreeMap::new();
    let mut after: Option<i64> = None;
    loop {
        let url = match after {
            Some(a) => format!("{}?limit=97&after={a}", routes::CLAIMS),
            None => format!("{}?limit=97", routes::CLAIMS),
        };
        let page = h.get(&url, token).await;
        let body = ok(&page, "claims page").clone();
        for c in body["claims"].as_array().unwrap() {
            assert!(out.insert(c["id"].as_i64().unwrap(), c.clone()).is_none());
        }
        match body["next_after"].as_i64() {
            Some(a) => after = Some(a),
            None => return out,
        }
    }
}

async fn full_sync(h: &Harness, token: &str) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let page = h
            .get(
                &format!("{}?limit=250&cursor={cursor}", routes::SYNC),
                token,
            )
            .await;
        let body = ok(&page, "sync").clone();
        for change in body["changes"].as_array().unwrap() {
            assert_eq!(change["op"], "upsert", "a first sync only upserts");
            let entity = &change["entity"];
            let key = (
                entity["kind"].as_str().unwrap().to_owned(),
                entity["data"]["id"].to_string(),
            );
            assert!(
                out.insert(key.clone(), entity["data"].clone()).is_none(),
                "{key:?} twice"
            );
        }
        cursor = body["next_cursor"].as_str().unwrap().to_owned();
        if body["more"] == false {
            return out;
        }
    }
}

/// Checks every read endpoint for one signed-in role.
async fn check_reads(email: &str) {
    let h = Harness::demo().await;
    let token = h.token(email).await;
    let db = oracle(&h).await;
    let want = expected(&db, email).await;
    let all = everything(&db).await;
    let t = token.as_str();

    let me = h.get(routes::ME, t).await;
    assert_eq!(ok(&me, "me")["email"], email);
    // The matrix only means something if each role sees something and misses something.
    match me.body["role"].as_str().unwrap() {
        "etude" => assert!(want.procedures.len() >= 40 && want.claims.len() >= 300),
        "debtor" => assert!(!want.procedures.is_empty() && want.dossiers.len() >= 2),
        "guarantor" => assert!(!want.dossiers.is_empty() && want.procedures.is_empty()),
        _ => assert!(want.procedures.is_empty() && want.dossiers.is_empty()),
    }
    assert!(all.procedures.len() > want.procedures.len());
    assert!(all.claims.len() > want.claims.len());
    assert!(all.dossiers.len() > want.dossiers.len());

    // Procedures.
    let list = h.get(routes::PROCEDURES, t).await;
    let procedures: BTreeMap<i64, Value> = ok(&list, "procedures")
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_i64().unwrap(), p.clone()))
        .collect();
    assert_eq!(
        procedures.keys().copied().collect::<BTreeSet<_>>(),
        want.procedures,
        "{email}: procedures"
    );
    for id in some_inside(&want.procedures) {
        let one = h.get(&path(routes::PROCEDURE, id), t).await;
        assert_eq!(ok(&one, "procedure"), &procedures[&id]);
        let claims = h.get(&path(routes::PROCEDURE_CLAIMS, id), t).await;
        let got: BTreeSet<i64> = ok(&claims, "procedure claims")
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        let there = ids(
            &db,
            &format!("SELECT id FROM claims WHERE procedure_id = {id}"),
            None,
        )
        .await;
        assert_eq!(got, there, "{email}: claims of procedure {id}");
    }
    for id in some_outside(&all.procedures, &want.procedures) {
        assert_hidden(&h.get(&path(routes::PROCEDURE, id), t).await, "procedure");
        assert_hidden(
            &h.get(&path(routes::PROCEDURE_CLAIMS, id), t).await,
            "procedure claims",
        );
    }
    assert_hidden(
        &h.get(&path(routes::PROCEDURE, 999_999), t).await,
        "no procedure",
    );

    // Claims.
    let claims = all_claims(&h, t).await;
    assert_eq!(
        claims.keys().copied().collect::<BTreeSet<_>>(),
        want.claims,
        "{email}: claims"
    );
    for id in some_inside(&want.claims) {
        let one = h.get(&path(routes::CLAIM, id), t).await;
        assert_eq!(ok(&one, "claim"), &claims[&id]);
    }
    for id in some_outside(&all.claims, &want.claims) {
        assert_hidden(&h.get(&path(routes::CLAIM, id), t).await, "claim");
    }

    // Dossiers and instalments.
    let list = h.get(routes::DOSSIERS, t).await;
    let dossiers: BTreeMap<String, Value> = ok(&list, "dossiers")
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["reference"].as_str().unwrap().to_owned(), d.clone()))
        .collect();
    assert_eq!(
        dossiers.keys().cloned().collect::<BTreeSet<_>>(),
        want.dossiers,
        "{email}: dossiers"
    );
    let mut installments = BTreeMap::new();
    for reference in &want.dossiers {
        let detail = h.get(&path(routes::DOSSIER, reference), t).await;
        let detail = ok(&detail, "dossier").clone();
        assert_eq!(detail["dossier"], dossiers[reference]);
        for c in detail["claims"].as_array().unwrap() {
            assert_eq!(c, &claims[&c["id"].as_i64().unwrap()]);
        }
        let list = h
            .get(&path(routes::DOSSIER_INSTALLMENTS, reference), t)
            .await;
        assert_eq!(ok(&list, "installments"), &detail["installments"]);
        for i in detail["installments"].as_array().unwrap() {
            installments.insert(i["id"].as_i64().unwrap(), i.clone());
        }
    }
    assert_eq!(
        installments.keys().copied().collect::<BTreeSet<_>>(),
        want.installments,
        "{email}: installments"
    );
    for reference in some_outside(&all.dossiers, &want.dossiers) {
        assert_hidden(
            &h.get(&path(routes::DOSSIER, &reference), t).await,
            "dossier",
        );
        assert_hidden(
            &h.get(&path(routes::DOSSIER_INSTALLMENTS, &reference), t)
                .await,
            "installments",
        );
    }
    assert_hidden(
        &h.get(&path(routes::DOSSIER, "CD-0000-000000"), t).await,
        "no dossier",
    );

    // Statements, RIBs and attestations follow the dossier or the claim.
    for reference in some_inside(&want.dossiers) {
        let statement = h.get(&path(routes::DOSSIER_STATEMENT, &reference), t).await;
        assert!(ok(&statement, "statement")["lines"].is_array());
        let rib = h.get(&path(routes::DOSSIER_RIB, &reference), t).await;
        assert_eq!(ok(&rib, "rib")["dossier_reference"], reference.as_str());
    }
    for reference in some_outside(&all.dossiers, &want.dossiers) {
        for route in [
            routes::DOSSIER_STATEMENT,
            routes::DOSSIER_RIB,
            routes::DOSSIER_ATTESTATION,
        ] {
            assert_hidden(&h.get(&path(route, &reference), t).await, route);
            let pdf = format!("{}?format=pdf", path(route, &reference));
            if route != routes::DOSSIER_ATTESTATION {
                assert_hidden(&h.get(&pdf, t).await, route);
            }
        }
    }
    for id in some_inside(&want.claims) {
        let statement = h.get(&path(routes::CLAIM_STATEMENT, id), t).await;
        assert_eq!(
            ok(&statement, "claim statement")["total"],
            claims[&id]["declared"]["total"],
            "a claim's statement at the judgment date is what was declared"
        );
        assert!(ok(&h.get(&path(routes::CLAIM_RIB, id), t).await, "claim rib")["iban"].is_string());
    }
    for id in some_outside(&all.claims, &want.claims) {
        assert_hidden(
            &h.get(&path(routes::CLAIM_STATEMENT, id), t).await,
            "claim statement",
        );
        assert_hidden(&h.get(&path(routes::CLAIM_RIB, id), t).await, "claim rib");
    }

    // What is due and the payments follow the dossier.
    for reference in some_inside(&want.dossiers) {
        let due = h.get(&path(routes::DOSSIER_DUE, &reference), t).await;
        let due = ok(&due, "due");
        assert_eq!(due["balance"], dossiers[&reference]["balance"]);
        let listed = h.get(&path(routes::DOSSIER_PAYMENTS, &reference), t).await;
        assert!(ok(&listed, "dossier payments").is_array());
    }
    for reference in some_outside(&all.dossiers, &want.dossiers) {
        for route in [routes::DOSSIER_DUE, routes::DOSSIER_PAYMENTS] {
            assert_hidden(&h.get(&path(route, &reference), t).await, route);
        }
    }

    // Documents follow their dossier or procedure, listed and one by one.
    for reference in some_inside(&want.dossiers) {
        let listed = h.get(&path(routes::DOSSIER_DOCUMENTS, &reference), t).await;
        assert!(ok(&listed, "dossier documents").is_array());
    }
    for reference in some_outside(&all.dossiers, &want.dossiers) {
        assert_hidden(
            &h.get(&path(routes::DOSSIER_DOCUMENTS, &reference), t).await,
            "dossier documents",
        );
    }
    for id in some_inside(&want.procedures) {
        let listed = h.get(&path(routes::PROCEDURE_DOCUMENTS, id), t).await;
        assert!(ok(&listed, "procedure documents").is_array());
    }
    for id in some_outside(&all.procedures, &want.procedures) {
        assert_hidden(
            &h.get(&path(routes::PROCEDURE_DOCUMENTS, id), t).await,
            "procedure documents",
        );
    }
    let documents: Vec<(i64, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT doc.id, d.reference, doc.procedure_id FROM documents doc \
         LEFT JOIN dossiers d ON d.id = doc.dossier_id ORDER BY doc.id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(!documents.is_empty(), "the demo has documents");
    let mut visible_documents = BTreeMap::new();
    for (id, reference, procedure) in documents {
        let visible = reference.is_some_and(|r| want.dossiers.contains(&r))
            || procedure.is_some_and(|p| want.procedures.contains(&p));
        let meta = h.get(&path(routes::DOCUMENT, id), t).await;
        let content = h.get(&path(routes::DOCUMENT_CONTENT, id), t).await;
        if visible {
            assert_eq!(ok(&meta, "document")["id"], id);
            assert_eq!(content.status, StatusCode::OK, "{email}: document {id}");
            visible_documents.insert(id, meta.body.clone());
        } else {
            assert_hidden(&meta, "document");
            assert_hidden(&content, "document content");
        }
    }

    // The feed carries exactly the same records.
    let synced = full_sync(&h, t).await;
    let mut served: BTreeMap<(String, String), Value> = BTreeMap::new();
    for (id, p) in procedures {
        served.insert(("procedure".into(), id.to_string()), p);
    }
    for (id, c) in claims {
        served.insert(("claim".into(), id.to_string()), c);
    }
    for d in dossiers.into_values() {
        served.insert(("dossier".into(), d["id"].to_string()), d);
    }
    for (id, i) in installments {
        served.insert(("installment".into(), id.to_string()), i);
    }
    for (id, d) in visible_documents {
        served.insert(("document".into(), id.to_string()), d);
    }
    // Requests are personal: the user's own (and their étude's) threads.
    let listed = h.get(routes::REQUESTS, t).await;
    for request in ok(&listed, "requests").as_array().unwrap() {
        let id = request["id"].as_i64().unwrap();
        let thread = h.get(&path(routes::REQUEST, id), t).await;
        let thread = ok(&thread, "request thread");
        assert_eq!(&thread["request"], request);
        served.insert(("request".into(), id.to_string()), request.clone());
        for m in thread["messages"].as_array().unwrap() {
            served.insert(("message".into(), m["id"].to_string()), m.clone());
        }
    }
    assert_eq!(synced.len(), served.len(), "{email}: sync size");
    assert!(synced == served, "{email}: the feed differs from the reads");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etude_users_see_their_procedures_and_claims_only() {
    check_reads(demo::ETUDE_USER).await;
    check_reads(demo::ETUDE_USER_2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debtors_see_their_company_only() {
    for email in demo::DEBTORS {
        check_reads(email).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guarantors_see_what_they_guarantee_only() {
    for email in demo::GUARANTORS {
        check_reads(email).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agency_staff_read_nothing_through_user_endpoints() {
    check_reads(demo::ADMIN_USER).await;
}

fn read_routes(procedure: i64, claim: i64, reference: &str) -> Vec<String> {
    vec![
        routes::ME.to_owned(),
        routes::SYNC.to_owned(),
        routes::PROCEDURES.to_owned(),
        path(routes::PROCEDURE, procedure),
        path(routes::PROCEDURE_CLAIMS, procedure),
        routes::CLAIMS.to_owned(),
        path(routes::CLAIM, claim),
        routes::DOSSIERS.to_owned(),
        path(routes::DOSSIER, reference),
        path(routes::DOSSIER_INSTALLMENTS, reference),
        path(routes::DOSSIER_STATEMENT, reference),
        path(routes::DOSSIER_RIB, reference),
        path(routes::DOSSIER_ATTESTATION, reference),
        path(routes::CLAIM_STATEMENT, claim),
        path(routes::CLAIM_RIB, claim),
        path(routes::DOSSIER_DOCUMENTS, reference),
        path(routes::PROCEDURE_DOCUMENTS, procedure),
        path(routes::DOCUMENT, 1),
        path(routes::DOCUMENT_CONTENT, 1),
        path(routes::DOSSIER_DUE, reference),
        path(routes::DOSSIER_PAYMENTS, reference),
        path(routes::PAYMENT, 1),
        routes::REQUESTS.to_owned(),
        path(routes::REQUEST, 1),
    ]
}

/// One valid request per admin endpoint, against demo data.
async fn admin_requests(
    h: &Harness,
    db: &SqlitePool,
) -> Vec<(Method, String, Option<Value>, StatusCode)> {
    let (claim, procedure, reference): (i64, i64, String) = sqlx::query_as(
        "SELECT c.id, c.procedure_id, d.reference FROM claims c \
         JOIN dossiers d ON d.id = c.dossier_id WHERE c.admission = 'pending' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let (doomed,): (i64,) =
        sqlx::query_as("SELECT id FROM claims WHERE id <> ? ORDER BY id DESC LIMIT 1")
            .bind(claim)
            .fetch_one(db)
            .await
            .unwrap();
    let (declared,): (String,) = sqlx::query_as("SELECT declaration_date FROM claims WHERE id = ?")
        .bind(claim)
        .fetch_one(db)
        .await
        .unwrap();
    let (sauvegarde,): (i64,) = sqlx::query_as(
        "SELECT id FROM procedures WHERE kind = 'Sauvegarde' AND stage = 'observation' LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let (guaranteed, guarantor): (String, String) = sqlx::query_as(
        "SELECT d.reference, g.guarantor_name FROM guarantees g JOIN dossiers d ON d.id = g.dossier_id LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let grant = json!({
        "subject": {"kind": "user", "email": demo::DEBTORS[0]},
        "object": {"kind": "procedure", "id": procedure},
    });
    let (request,): (i64,) =
        sqlx::query_as("SELECT id FROM requests WHERE status <> 'closed' ORDER BY id LIMIT 1")
            .fetch_one(db)
            .await
            .unwrap();
    let admin = h.token(demo::ADMIN_USER).await;
    let upload = h.upload(&admin, &common::pdf_bytes(7), "relance.pdf").await;
    let received_on = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    vec![
        (
            Method::POST,
            routes::ADMIN_TRANSFERS.to_owned(),
            Some(json!({
                "reference": RfReference::for_dossier(&reference).unwrap().grouped(),
                "amount": "1.00", "received_on": received_on,
            })),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            routes::ADMIN_DOCUMENTS.to_owned(),
            Some(json!({
                "upload_id": upload, "attach_to": {"kind": "dossier", "reference": reference},
                "category": "other", "note": "Lettre de relance", "file_name": "relance.pdf",
            })),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            routes::ADMIN_CLAIMS.to_owned(),
            Some(json!({
                "procedure_id": procedure, "dossier_reference": reference,
                "principal": "1000.00", "interest": "12.50", "penalties": "0.00",
                "fees": "40.00", "to_fall_due": "0.00", "nature": "unsecured",
                "provisional": false, "declaration_date": declared,
            })),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            path(routes::ADMIN_CLAIM_DECISION, claim),
            Some(
                json!({"admission": "rejected", "admitted_amount": null, "decision_date": declared}),
            ),
            StatusCode::OK,
        ),
        (
            Method::POST,
            path(routes::ADMIN_PROCEDURE_STAGE, sauvegarde),
            Some(json!({"stage": "plan_adopted"})),
            StatusCode::OK,
        ),
        (
            Method::POST,
            routes::ADMIN_GRANTS.to_owned(),
            Some(grant.clone()),
            StatusCode::OK,
        ),
        (
            Method::POST,
            routes::ADMIN_GRANTS_REVOKE.to_owned(),
            Some(grant),
            StatusCode::NO_CONTENT,
        ),
        (
            Method::POST,
            routes::ADMIN_ACTIVATION_CODES.to_owned(),
            Some(json!({"reference": guaranteed, "role": "guarantor", "display_name": guarantor})),
            StatusCode::CREATED,
        ),
        (
            Method::GET,
            format!("{}?status=answered", routes::ADMIN_REQUESTS),
            None,
            StatusCode::OK,
        ),
        (
            Method::POST,
            path(routes::ADMIN_REQUEST_MESSAGES, request),
            Some(json!({"text": "Réponse de l'agence"})),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            path(routes::ADMIN_REQUEST_STATUS, request),
            Some(json!({"status": "in_progress"})),
            StatusCode::OK,
        ),
        (
            Method::DELETE,
            path(routes::ADMIN_CLAIM, doomed),
            None,
            StatusCode::NO_CONTENT,
        ),
    ]
}

async fn change_count(db: &SqlitePool) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM changes), (SELECT COALESCE(MAX(seq), 0) FROM changes), \
         (SELECT COUNT(*) FROM claims), (SELECT COUNT(*) FROM activation_codes)",
    )
    .fetch_one(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_endpoints_refuse_everyone_but_agency_staff() {
    let h = Harness::demo().await;
    let db = oracle(&h).await;
    let requests = admin_requests(&h, &db).await;
    let before = change_count(&db).await;
    let users = [demo::ETUDE_USER, demo::DEBTORS[0], demo::GUARANTORS[0]];
    for email in users {
        let token = h.token(email).await;
        for (method, url, body, _) in &requests {
            for body in [
                body.clone(),
                Some(json!({"garbage": true})),
                Some(json!(42)),
            ] {
                let reply = h
                    .call(method.clone(), url, Some(&token), body.clone())
                    .await;
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{email} {method} {url}"
                );
                assert_eq!(reply.code(), "forbidden");
                assert_eq!(reply.body.as_object().unwrap().len(), 2);
            }
        }
        // Unknown ids answer the same: no way to probe what exists.
        let reply = h
            .call(
                Method::DELETE,
                &path(routes::ADMIN_CLAIM, 999_999),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    for (method, url, body, _) in &requests {
        let reply = h.call(method.clone(), url, None, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {url}"
        );
        assert_eq!(reply.code(), "unauthenticated");
    }
    assert_eq!(change_count(&db).await, before, "nothing was written");

    let admin = h.token(demo::ADMIN_USER).await;
    for (method, url, body, status) in &requests {
        let reply = h
            .call(method.clone(), url, Some(&admin), body.clone())
            .await;
        assert_eq!(
            reply.status, *status,
            "admin {method} {url}: {}",
            reply.text
        );
    }
    assert_ne!(change_count(&db).await, before);
    for url in [
        path(routes::ADMIN_CLAIM_DECISION, 999_999),
        path(routes::ADMIN_PROCEDURE_STAGE, 999_999),
    ] {
        let reply = h.post(&url, Some(&admin), json!({"stage": "closed"})).await;
        assert!(
            matches!(
                reply.status,
                StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{url}: {}",
            reply.text
        );
    }
    let reply = h
        .call(
            Method::DELETE,
            &path(routes::ADMIN_CLAIM, 999_999),
            Some(&admin),
            None,
        )
        .await;
    assert_hidden(&reply, "unknown claim");
}

#[tokio::test]
async fn anonymous_callers_get_401_everywhere_but_health_and_the_document() {
    let h = Harness::demo().await;
    for url in read_routes(1, 1, "CD-2024-000123") {
        for token in [None, Some("not-a-session-token")] {
            let reply = h.call(Method::GET, &url, token, None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{url}");
            assert_eq!(reply.code(), "unauthenticated");
            assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
        }
    }
    for url in [
        routes::REFRESH,
        routes::LOGOUT,
        routes::DOCUMENTS,
        routes::UPLOADS,
        routes::PAYMENTS,
        routes::REQUESTS,
        &path(routes::REQUEST_MESSAGES, 1),
        &path(routes::REQUEST_ESCALATE, 1),
    ] {
        let reply = h.call(Method::POST, url, None, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{url}");
    }
    let health = h.call(Method::GET, routes::HEALTH, None, None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, json!({"status": "ok"}));
    let doc = h.call(Method::GET, routes::OPENAPI, None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
}

/// Paying: only a debtor or a guarantor, on a dossier they see; a payment is
/// read by whoever sees its dossier; the provider's routes take no session
/// and answer on their own terms (a signature, a page's secret id).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_by_role() {
    let h = Harness::demo().await;
    let db = oracle(&h).await;
    let all = everything(&db).await;
    let mut created: Vec<(i64, String)> = Vec::new();
    for (n, (email, role)) in demo::accounts().into_iter().enumerate() {
        let token = h.token(email).await;
        let want = expected(&db, email).await;
        for (reference, visible, balance) in order_dossiers(&db, &all, &want).await {
            let reply = post_keyed(
                &h,
                routes::PAYMENTS,
                &token,
                &format!("matrix-{n}-{reference}"),
                json!({"dossier_reference": reference, "amount": "0.01", "method": "cheque"}),
            )
            .await;
            let expected_status = order_status(role, visible, &balance);
            assert_eq!(
                reply.status, expected_status,
                "{email} pays {reference}: {}",
                reply.text
            );
            if reply.status == StatusCode::CREATED {
                created.push((reply.body["id"].as_i64().unwrap(), reference.clone()));
            }
        }
    }
    assert!(created.len() >= 2, "debtors and guarantors paid");
    for (email, _) in demo::accounts() {
        let token = h.token(email).await;
        let want = expected(&db, email).await;
        for (id, reference) in &created {
            let reply = h.get(&path(routes::PAYMENT, id), &token).await;
            if want.dossiers.contains(reference) {
                assert_eq!(ok(&reply, "payment")["id"], *id, "{email}");
                let listed = h
                    .get(&path(routes::DOSSIER_PAYMENTS, reference), &token)
                    .await;
                assert!(
                    ok(&listed, "dossier payments")
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["id"] == *id)
                );
            } else {
                assert_hidden(&reply, "payment");
            }
        }
    }
    // No session needed, none helps: a webhook needs its signature, a page
    // its secret id.
    let admin = h.token(demo::ADMIN_USER).await;
    for token in [None, Some(admin.as_str())] {
        for route in [routes::WEBHOOK_SANDBOX] {
            let reply = h
                .call(Method::POST, route, token, Some(json!({"id": "evt_1"})))
                .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{route}");
            assert_eq!(reply.code(), "invalid_signature");
        }
        let reply = h
            .call(
                Method::POST,
                routes::WEBHOOK_STRIPE,
                token,
                Some(json!({"id": "evt_1"})),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "stripe is not the demo's provider"
        );
        let page = path(
            routes::SANDBOX_CHECKOUT,
            "sbx_0123456789abcdef0123456789abcdef",
        );
        assert_eq!(
            h.call(Method::GET, &page, token, None).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

/// A POST carrying an `Idempotency-Key`.
/// A dossier `want` sees (if any) and one it does not, with their balances:
/// where a role's orders are tried.
async fn order_dossiers(
    db: &SqlitePool,
    all: &Expected,
    want: &Expected,
) -> Vec<(String, bool, String)> {
    let inside = want.dossiers.iter().next().cloned();
    let outside = some_outside(&all.dossiers, &want.dossiers)[0].clone();
    let mut out = Vec::new();
    for (reference, visible) in inside
        .map(|r| (r, true))
        .into_iter()
        .chain([(outside, false)])
    {
        let balance: String =
            sqlx::query_scalar("SELECT balance FROM dossiers WHERE reference = ?")
                .bind(&reference)
                .fetch_one(db)
                .await
                .unwrap();
        out.push((reference, visible, balance));
    }
    out
}

/// What an order on a dossier (a payment, a mandate) answers: only a debtor
/// or a guarantor orders, on a dossier they see, while something is due.
fn order_status(role: Role, visible: bool, balance: &str) -> StatusCode {
    match (matches!(role, Role::Debtor | Role::Guarantor), visible) {
        (false, _) => StatusCode::FORBIDDEN,
        (true, false) => StatusCode::NOT_FOUND,
        (true, true) if balance.starts_with('-') || balance == "0.00" => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        (true, true) => StatusCode::CREATED,
    }
}

async fn post_keyed(h: &Harness, url: &str, token: &str, key: &str, body: Value) -> Reply {
    let request = Request::post(url)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    h.send(request).await
}

/// Mandates: signed by a debtor or a guarantor on a dossier they see, read
/// by whoever sees it. Dividends: recorded by the étude of the claim's
/// procedure, read by whoever sees the claim. A payment's documents follow
/// its dossier.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mandates_dividends_and_payment_documents_by_role() {
    let h = Harness::demo().await;
    let db = oracle(&h).await;
    let all = everything(&db).await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    let mut mandates: Vec<(i64, String)> = Vec::new();
    for (n, (email, role)) in demo::accounts().into_iter().enumerate() {
        let token = h.token(email).await;
        let want = expected(&db, email).await;
        for (reference, visible, balance) in order_dossiers(&db, &all, &want).await {
            let url = path(routes::DOSSIER_MANDATES, &reference);
            let body = json!({"holder": "Titulaire", "iban": "FR1420041010050500013M02606",
                "day": 10, "amount": "0.01", "password": demo::PASSWORD});
            let reply = post_keyed(&h, &url, &token, &format!("mandate-{n}"), body).await;
            let expected_status = order_status(role, visible, &balance);
            assert_eq!(
                reply.status, expected_status,
                "{email} signs on {reference}: {}",
                reply.text
            );
            if reply.status == StatusCode::CREATED {
                mandates.push((reply.body["id"].as_i64().unwrap(), reference.clone()));
            }
            let listed = h.get(&url, &token).await;
            if visible {
                assert!(ok(&listed, "mandates").is_array(), "{email}");
            } else {
                assert_hidden(&listed, "mandates");
            }
        }

        let inside = want.claims.iter().next().copied();
        let outside = some_outside(&all.claims, &want.claims)[0];
        for (claim, visible) in inside
            .map(|c| (c, true))
            .into_iter()
            .chain([(outside, false)])
        {
            let url = path(routes::CLAIM_DIVIDENDS, claim);
            let body = json!({"amount": "0.01", "date": yesterday, "reference": "VIR-MATRICE"});
            let reply = post_keyed(&h, &url, &token, &format!("dividend-{n}"), body).await;
            let expected_status = match (role, visible) {
                (Role::Etude, true) => StatusCode::CREATED,
                (Role::Etude, false) => StatusCode::NOT_FOUND,
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(
                reply.status, expected_status,
                "{email} pays a dividend on claim {claim}: {}",
                reply.text
            );
            let listed = h.get(&url, &token).await;
            if visible {
                assert!(ok(&listed, "dividends").is_array(), "{email}");
            } else {
                assert_hidden(&listed, "dividends");
            }
        }
    }
    assert!(mandates.len() >= 2, "debtors and guarantors signed");

    // A transfer ordered by a debtor, its documents asked for by everyone.
    let debtor = h.token(demo::DEBTORS[0]).await;
    let reference = expected(&db, demo::DEBTORS[0])
        .await
        .dossiers
        .into_iter()
        .next()
        .unwrap();
    let ordered = post_keyed(
        &h,
        routes::PAYMENTS,
        &debtor,
        "matrix-transfer",
        json!({"dossier_reference": reference, "amount": "0.01", "method": "transfer"}),
    )
    .await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{}", ordered.text);
    let payment = ordered.body["id"].as_i64().unwrap();
    for (email, _) in demo::accounts() {
        let token = h.token(email).await;
        let want = expected(&db, email).await;
        for (id, reference) in &mandates {
            let reply = h.get(&path(routes::MANDATE_PDF, id), &token).await;
            if want.dossiers.contains(reference) {
                assert_eq!(reply.status, StatusCode::OK, "{email}: {}", reply.text);
                assert_eq!(reply.headers[header::CONTENT_TYPE], "application/pdf");
            } else {
                assert_hidden(&reply, "mandate pdf");
            }
        }
        for route in [routes::PAYMENT_QR, routes::PAYMENT_INSTRUCTIONS] {
            let reply = h.get(&path(route, payment), &token).await;
            if want.dossiers.contains(&reference) {
                assert_eq!(
                    reply.status,
                    StatusCode::OK,
                    "{email} {route}: {}",
                    reply.text
                );
            } else {
                assert_hidden(&reply, route);
            }
        }
        let receipt = h.get(&path(routes::PAYMENT_RECEIPT, payment), &token).await;
        let expected_status = if want.dossiers.contains(&reference) {
            StatusCode::CONFLICT
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(receipt.status, expected_status, "{email} receipt");
    }

    // Without a session, nothing.
    for (method, url) in [
        (Method::GET, path(routes::DOSSIER_MANDATES, &reference)),
        (Method::POST, path(routes::DOSSIER_MANDATES, &reference)),
        (Method::GET, path(routes::MANDATE_PDF, 1)),
        (Method::GET, path(routes::PAYMENT_RECEIPT, payment)),
        (Method::GET, path(routes::PAYMENT_INSTRUCTIONS, payment)),
        (Method::GET, path(routes::PAYMENT_QR, payment)),
        (Method::GET, path(routes::CLAIM_DIVIDENDS, 1)),
        (Method::POST, path(routes::CLAIM_DIVIDENDS, 1)),
    ] {
        let reply = h.call(method, &url, None, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{url}");
    }
}

/// A dossier `email` may write about, if any, and one they may not: a
/// debtor's or guarantor's own dossier, a mandataire's through a claim.
async fn request_dossiers(
    db: &SqlitePool,
    all: &Expected,
    want: &Expected,
) -> (Option<String>, String) {
    let through_claims = refs(
        db,
        &format!(
            "SELECT d.reference FROM claims c JOIN dossiers d ON d.id = c.dossier_id \
             WHERE c.id IN ({})",
            want.claims
                .iter()
                .map(i64::to_string)
                .chain(["0".to_owned()])
                .collect::<Vec<_>>()
                .join(",")
        ),
        None,
    )
    .await;
    let reachable: BTreeSet<String> = want.dossiers.union(&through_claims).cloned().collect();
    let inside = want
        .dossiers
        .iter()
        .next()
        .or(through_claims.iter().next())
        .cloned();
    (inside, some_outside(&all.dossiers, &reachable)[0].clone())
}

/// Requests: made by debtors, guarantors and mandataires on a dossier they
/// see (the agency answers, it does not ask); a thread is seen, written to
/// and escalated by its author and their étude only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_by_role() {
    let h = Harness::demo().await;
    let db = oracle(&h).await;
    let all = everything(&db).await;
    let etude_of = |email: &str| email == demo::ETUDE_USER || email == demo::ETUDE_USER_2;
    let mut made: Vec<(i64, &str)> = Vec::new();
    for (n, (email, role)) in demo::accounts().into_iter().enumerate() {
        let token = h.token(email).await;
        let want = expected(&db, email).await;
        let (inside, outside) = request_dossiers(&db, &all, &want).await;
        let question = |reference: &str| {
            json!({"dossier_reference": reference, "type": "question",
                   "fields": {"message": "Une question"}})
        };
        if let Some(reference) = &inside {
            let reply = post_keyed(
                &h,
                routes::REQUESTS,
                &token,
                &format!("ask-{n}"),
                question(reference),
            )
            .await;
            let expected_status = match role {
                Role::Admin => StatusCode::FORBIDDEN,
                _ => StatusCode::CREATED,
            };
            assert_eq!(reply.status, expected_status, "{email}: {}", reply.text);
            if reply.status == StatusCode::CREATED {
                made.push((reply.body["id"].as_i64().unwrap(), email));
            }
            let documents = json!({"dossier_reference": reference, "type": "mandataire_documents",
                "fields": {"documents_wanted": "Décompte"}});
            let reply = post_keyed(
                &h,
                routes::REQUESTS,
                &token,
                &format!("docs-{n}"),
                documents,
            )
            .await;
            let expected_status = match role {
                Role::Etude => StatusCode::CREATED,
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(reply.status, expected_status, "{email}: {}", reply.text);
        }
        let reply = post_keyed(
            &h,
            routes::REQUESTS,
            &token,
            &format!("ask-outside-{n}"),
            question(&outside),
        )
        .await;
        let expected_status = match role {
            Role::Admin => StatusCode::FORBIDDEN,
            _ => StatusCode::NOT_FOUND,
        };
        assert_eq!(
            reply.status, expected_status,
            "{email} on {outside}: {}",
            reply.text
        );
    }
    assert!(made.len() >= 8, "every customer asked");

    for (n, (email, _)) in demo::accounts().into_iter().enumerate() {
        let token = h.token(email).await;
        let listed = h.get(routes::REQUESTS, &token).await;
        let listed: BTreeSet<i64> = ok(&listed, "requests")
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        for (id, author) in &made {
            let sees = *author == email || (etude_of(author) && etude_of(email));
            assert_eq!(listed.contains(id), sees, "{email} lists {author}'s {id}");
            let thread = h.get(&path(routes::REQUEST, id), &token).await;
            let said = post_keyed(
                &h,
                &path(routes::REQUEST_MESSAGES, id),
                &token,
                &format!("say-{n}-{id}"),
                json!({"text": "Un message"}),
            )
            .await;
            let escalated = post_keyed(
                &h,
                &path(routes::REQUEST_ESCALATE, id),
                &token,
                &format!("escalate-{n}-{id}"),
                json!({}),
            )
            .await;
            if sees {
                assert_eq!(ok(&thread, "thread")["request"]["id"], *id);
                assert_eq!(said.status, StatusCode::CREATED, "{email}: {}", said.text);
                // A question is no complaint.
                assert_eq!(escalated.status, StatusCode::UNPROCESSABLE_ENTITY);
            } else {
                assert_hidden(&thread, "request");
                assert_hidden(&said, "request messages");
                assert_hidden(&escalated, "request escalation");
            }
        }
    }
}
