//! The complaint's clock on the server's dates: the mediator refused before
//! two months (with the date it opens), offered after or at the agency's
//! first answer; the referral carries the whole history as a PDF filed on
//! the dossier, and the thread closes to messages.

mod common;
mod requesting;

use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use claimdesk_api::requests::Request;
use claimdesk_api::routes::{self, path};
use claimdesk_api::sync::Entity;
use claimdesk_server::demo;
use common::pdf::{assert_has, pdf_text};
use requesting::Api;
use reqwest::StatusCode;
use serde_json::json;

fn date(value: &serde_json::Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mediator_opens_two_months_after_the_complaint() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let reference = api.first_dossier(&debtor).await;
    let made = api.complaint(&debtor, &reference, "Frais contestés").await;
    let id = made["id"].as_i64().unwrap();
    let created = date(&made["created_at"]);
    let opens = created.checked_add_months(Months::new(2)).unwrap();
    assert_eq!(date(&made["mediation_from"]), opens);
    assert_eq!(created, api.now(), "the server's date, not the client's");

    let escalate = path(routes::REQUEST_ESCALATE, id);
    let refused = api
        .post(&escalate, &debtor, Some("refer-1"), &json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.code(), "conflict");
    let message = refused.body["message"].as_str().unwrap();
    assert!(
        message.contains(&opens.format("%Y-%m-%d").to_string()),
        "{message}"
    );
    // A minute before, still too early.
    let wait = (opens - api.now() - chrono::TimeDelta::minutes(1))
        .to_std()
        .unwrap();
    api.clock.advance(wait);
    let debtor = api.token(demo::DEBTORS[1]).await;
    let refused = api
        .post(&escalate, &debtor, Some("refer-2"), &json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    api.clock.advance(Duration::from_secs(120));
    let referred = api
        .post(&escalate, &debtor, Some("refer-3"), &json!({}))
        .await;
    assert_eq!(referred.status, StatusCode::OK, "{}", referred.text);
    assert_eq!(referred.body["request"]["status"], "referred_to_mediator");
    assert_eq!(date(&referred.body["request"]["referred_at"]), api.now());
    // Once, whatever the retries.
    let again = api
        .post(&escalate, &debtor, Some("refer-3"), &json!({}))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.text, referred.text);
    let twice = api
        .post(&escalate, &debtor, Some("refer-4"), &json!({}))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.text);
    assert_eq!(
        api.count(&format!(
            "SELECT COUNT(*) FROM messages WHERE request_id = {id} AND author = 'system'"
        ))
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_answer_opens_the_mediator_at_once() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let reference = api.first_dossier(&debtor).await;
    let made = api
        .complaint(&debtor, &reference, "Aucune réponse utile")
        .await;
    let id = made["id"].as_i64().unwrap();
    api.clock.advance(Duration::from_secs(3 * 86_400));
    let answer = api.answer(id, "Les frais sont contractuels.").await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let debtor = api.token(demo::DEBTORS[1]).await;
    let thread = api.get(&path(routes::REQUEST, id), &debtor).await;
    let request: Request = serde_json::from_value(thread.body["request"].clone()).unwrap();
    assert_eq!(request.answered_at, Some(api.now()));
    assert_eq!(request.mediation_from, request.answered_at);
    let referred = api
        .post(
            &path(routes::REQUEST_ESCALATE, id),
            &debtor,
            Some("unsatisfied"),
            &json!({}),
        )
        .await;
    assert_eq!(referred.status, StatusCode::OK, "{}", referred.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_referral_carries_the_whole_history() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let reference = api.first_dossier(&debtor).await;
    let (_, cursor) = api.sync_from(&debtor, None).await;
    let made = api
        .complaint(&debtor, &reference, "Je conteste les pénalités appliquées")
        .await;
    let id = made["id"].as_i64().unwrap();
    let said = api
        .say(&debtor, id, "m1", "Voici le détail de ma contestation.")
        .await;
    assert_eq!(said.status, StatusCode::CREATED, "{}", said.text);
    let answer = api.answer(id, "Nous maintenons le décompte.").await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let replied = api.say(&debtor, id, "m2", "Je ne suis pas d'accord.").await;
    assert_eq!(replied.status, StatusCode::CREATED);

    let referred = api
        .post(
            &path(routes::REQUEST_ESCALATE, id),
            &debtor,
            Some("mediator"),
            &json!({}),
        )
        .await;
    assert_eq!(referred.status, StatusCode::OK, "{}", referred.text);
    let messages = referred.body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    let system = &messages[3];
    assert_eq!(system["author"], "system");
    assert_eq!(system["text"], "Réclamation transmise au médiateur");
    let attached = system["attachments"].as_array().unwrap();
    assert_eq!(attached.len(), 1);
    let document = attached[0].as_i64().unwrap();

    // The history is a document of the dossier, read as any PDF.
    let content = api
        .get(&path(routes::DOCUMENT_CONTENT, document), &debtor)
        .await;
    assert_eq!(content.status, StatusCode::OK, "{}", content.text);
    let dir = tempfile::tempdir().unwrap();
    let text = pdf_text(&content.bytes, dir.path(), "history.pdf");
    for expected in [
        "Historique de la réclamation",
        &reference,
        "Contestation des sommes dues",
        "Je conteste les pénalités appliquées",
        "Voici le détail de ma contestation.",
        "Nous maintenons le décompte.",
        "Je ne suis pas d'accord.",
        "(agence)",
        "(client)",
    ] {
        assert_has(&text, expected);
    }
    let stored: String = sqlx::query_scalar("SELECT referral_history FROM requests WHERE id = ?")
        .bind(id)
        .fetch_one(&api.db().await)
        .await
        .unwrap();
    let history: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(history["messages"].as_array().unwrap().len(), 3);
    assert_eq!(history["request"]["status"], "answered");

    // The author's sync brings the referral, the message and the document.
    let (upserts, _) = api.sync_from(&debtor, Some(&cursor)).await;
    let Some(Entity::Request(request)) = upserts.get(&("request".to_owned(), id)) else {
        panic!("the complaint by sync");
    };
    assert_eq!(request.status.as_str(), "referred_to_mediator");
    assert!(upserts.contains_key(&("message".to_owned(), system["id"].as_i64().unwrap())));
    assert!(upserts.contains_key(&("document".to_owned(), document)));

    // With the mediator, the thread takes no more messages.
    let late = api.say(&debtor, id, "m3", "Encore un mot").await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
    let admin = api.token(demo::ADMIN_USER).await;
    let reopen = api
        .post(
            &path(routes::ADMIN_REQUEST_STATUS, id),
            &admin,
            None,
            &json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(reopen.status, StatusCode::CONFLICT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_complaints_go_to_the_mediator() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let reference = api.first_dossier(&debtor).await;
    let id = api.question(&debtor, &reference, "Simple question").await;
    let reply = api
        .post(
            &path(routes::REQUEST_ESCALATE, id),
            &debtor,
            Some("not-a-complaint"),
            &json!({}),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    let other = api.token(demo::DEBTORS[2]).await;
    let reply = api
        .post(
            &path(routes::REQUEST_ESCALATE, id),
            &other,
            Some("someone-else"),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_complaint_can_already_go_to_the_mediator() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[0]).await;
    let listed = api.get(routes::REQUESTS, &debtor).await;
    let requests: Vec<Request> = serde_json::from_slice(&listed.bytes).unwrap();
    let complaint = requests
        .iter()
        .find(|r| r.kind.as_str() == "complaint")
        .expect("the demo complaint");
    assert!(complaint.mediation_from.unwrap() <= api.now());
    assert!(complaint.referred_at.is_none());
    let question = requests
        .iter()
        .find(|r| r.kind.as_str() == "question")
        .expect("the demo question");
    assert_eq!(question.status.as_str(), "answered");
    let thread = api.get(&path(routes::REQUEST, complaint.id), &debtor).await;
    assert!(
        thread.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["author"] == "agency")
    );
}

/// `(kind, id)` of a document, as the sync helpers key entities.
fn document_key(id: i64) -> (String, i64) {
    ("document".to_owned(), id)
}

fn listed_ids(reply: &common::Reply) -> Vec<i64> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_referred_history_is_its_authors_alone() {
    let api = Api::start().await;
    let requesting::Pair {
        reference,
        debtor_email,
        guarantor_email,
        debtor,
        guarantor,
        debtor_cursor,
        guarantor_cursor,
    } = api.debtor_and_guarantor().await;
    let documents = path(routes::DOSSIER_DOCUMENTS, &reference);
    let shared_before = listed_ids(&api.get(&documents, &guarantor).await);

    let made = api
        .complaint(&debtor, &reference, "Pénalités de retard contestées")
        .await;
    let id = made["id"].as_i64().unwrap();
    let answer = api.answer(id, "Les pénalités sont dues.").await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let referred = api
        .post(
            &path(routes::REQUEST_ESCALATE, id),
            &debtor,
            Some("to-the-mediator"),
            &json!({}),
        )
        .await;
    assert_eq!(referred.status, StatusCode::OK, "{}", referred.text);
    let messages = referred.body["messages"].as_array().unwrap();
    let history = messages.last().unwrap()["attachments"][0].as_i64().unwrap();

    // The author lists it, reads it, downloads it and syncs it.
    assert!(listed_ids(&api.get(&documents, &debtor).await).contains(&history));
    let document = api.get(&path(routes::DOCUMENT, history), &debtor).await;
    assert_eq!(document.status, StatusCode::OK, "{}", document.text);
    assert_eq!(
        document.body["attached_to"]["reference"],
        reference.as_str()
    );
    let content = api
        .get(&path(routes::DOCUMENT_CONTENT, history), &debtor)
        .await;
    assert_eq!(content.status, StatusCode::OK, "{}", content.text);
    let dir = tempfile::tempdir().unwrap();
    assert_has(
        &pdf_text(&content.bytes, dir.path(), "history.pdf"),
        "Pénalités de retard contestées",
    );
    let (upserts, _) = api.sync_from(&debtor, Some(&debtor_cursor)).await;
    assert!(upserts.contains_key(&document_key(history)));
    assert!(
        api.synced(&debtor)
            .await
            .contains_key(&document_key(history))
    );

    // The guarantor of the same dossier has none of it, not even its id.
    assert_eq!(
        listed_ids(&api.get(&documents, &guarantor).await),
        shared_before,
        "the dossier's other documents stay listed, the history is not"
    );
    for route in [routes::DOCUMENT, routes::DOCUMENT_CONTENT] {
        let reply = api.get(&path(route, history), &guarantor).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{route}: {}",
            reply.text
        );
    }
    let (upserts, deletes, guarantor_cursor) =
        api.sync_changes(&guarantor, Some(&guarantor_cursor)).await;
    assert!(!upserts.contains_key(&document_key(history)));
    assert!(!deletes.contains(&document_key(history)), "{deletes:?}");
    let synced = api.synced(&guarantor).await;
    assert!(!synced.contains_key(&document_key(history)));
    assert!(!shared_before.is_empty());
    for shared in &shared_before {
        assert!(synced.contains_key(&document_key(*shared)), "{shared}");
    }
    let attach = json!({"dossier_reference": reference, "type": "question",
                        "fields": {"message": "Et ce document ?"}, "attachments": [history]});
    let reply = api.ask(&guarantor, "attach-history", &attach).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );

    // Nor when the dossier is withdrawn from them and granted again.
    let admin = api.token(demo::ADMIN_USER).await;
    let grant = json!({"subject": {"kind": "user", "email": guarantor_email},
                       "object": {"kind": "dossier", "reference": reference}});
    let revoked = api
        .post(routes::ADMIN_GRANTS_REVOKE, &admin, None, &grant)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    let granted = api.post(routes::ADMIN_GRANTS, &admin, None, &grant).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
    let (upserts, deletes, _) = api.sync_changes(&guarantor, Some(&guarantor_cursor)).await;
    assert!(
        upserts
            .values()
            .any(|e| matches!(e, Entity::Dossier(d) if d.reference == reference)),
        "the dossier comes back"
    );
    assert!(!upserts.contains_key(&document_key(history)));
    assert!(!deletes.contains(&document_key(history)), "{deletes:?}");

    // The author's own withdrawal takes it away, and a new grant brings it back.
    let grant = json!({"subject": {"kind": "user", "email": debtor_email},
                       "object": {"kind": "dossier", "reference": reference}});
    let (_, debtor_cursor) = api.sync_from(&debtor, None).await;
    let revoked = api
        .post(routes::ADMIN_GRANTS_REVOKE, &admin, None, &grant)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    let (_, deletes, debtor_cursor) = api.sync_changes(&debtor, Some(&debtor_cursor)).await;
    assert!(deletes.contains(&document_key(history)), "{deletes:?}");
    let granted = api.post(routes::ADMIN_GRANTS, &admin, None, &grant).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
    let (upserts, _, _) = api.sync_changes(&debtor, Some(&debtor_cursor)).await;
    assert!(upserts.contains_key(&document_key(history)));
}
