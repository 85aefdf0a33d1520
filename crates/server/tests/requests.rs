//! Requests over real HTTP: every type made once per Idempotency-Key and
//! refused with each field's problem, the password for bank details, who may
//! ask what, who sees a request, and threads reaching their author by sync
//! and nobody else.

mod common;
mod requesting;

use claimdesk_api::requests::{RequestType, check_fields};
use claimdesk_api::routes::{self, path};
use claimdesk_api::sync::Entity;
use claimdesk_api::uploads::AttachTo;
use claimdesk_server::demo;
use requesting::{Api, valid_fields};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn problems(reply: &common::Reply) -> Vec<Problem> {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.code(), "validation_failed", "{}", reply.text);
    reply.body["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("fields listed: {}", reply.text))
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap().to_owned(),
                p["problem"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A field and the code of its problem.
type Problem = (String, String);

fn pair(field: &str, problem: &str) -> Problem {
    (field.to_owned(), problem.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_is_made_once_per_key_and_each_missing_field_is_named() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let etude = api.token(demo::ETUDE_USER).await;
    let debtor_dossier = api.first_dossier(&debtor).await;
    let etude_dossier = api.etude_dossier().await;
    let today = api.now().date_naive();
    for kind in RequestType::ALL {
        let (token, reference) = if kind.for_mandataires() {
            (&etude, &etude_dossier)
        } else {
            (&debtor, &debtor_dossier)
        };
        let fields = valid_fields(kind, today);
        assert!(check_fields(kind, &fields, today).is_empty(), "{kind:?}");
        let mut body = json!({"dossier_reference": reference, "type": kind, "fields": fields});
        if kind.needs_password() {
            body["password"] = json!(demo::PASSWORD);
        }
        let key = format!("make-{}", kind.as_str());
        let first = api.ask(token, &key, &body).await;
        assert_eq!(
            first.status,
            StatusCode::CREATED,
            "{kind:?}: {}",
            first.text
        );
        assert_eq!(first.body["status"], "sent");
        assert_eq!(first.body["type"], kind.as_str());
        assert_eq!(first.body["fields"], body["fields"]);
        assert_eq!(
            first.body["mediation_from"].is_string(),
            kind == RequestType::Complaint
        );
        let again = api.ask(token, &key, &body).await;
        assert_eq!(again.status, StatusCode::OK, "{kind:?}: a replay");
        assert_eq!(again.text, first.text, "{kind:?}: the first answer again");
        let id = first.body["id"].as_i64().unwrap();
        let rows = api
            .count(&format!(
                "SELECT COUNT(*) FROM requests WHERE type = '{}' AND created_at >= \
                 (SELECT created_at FROM requests WHERE id = {id})",
                kind.as_str()
            ))
            .await;
        assert_eq!(rows, 1, "{kind:?}: one row");

        // Each required field left out (or blank) is named, and only it.
        for spec in kind.fields().iter().filter(|s| s.required) {
            let mut missing = body.clone();
            missing["fields"]
                .as_object_mut()
                .unwrap()
                .insert(spec.name.to_owned(), json!("   "));
            let reply = api
                .ask(token, &format!("{key}-no-{}", spec.name), &missing)
                .await;
            assert_eq!(
                problems(&reply),
                vec![pair(spec.name, "missing")],
                "{kind:?} without {}",
                spec.name
            );
            assert!(reply.body["message"].as_str().unwrap().contains(spec.name));
            missing["fields"].as_object_mut().unwrap().remove(spec.name);
            let reply = api
                .ask(token, &format!("{key}-absent-{}", spec.name), &missing)
                .await;
            assert_eq!(problems(&reply), vec![pair(spec.name, "missing")]);
        }
    }
    // A contact change that changes nothing says so.
    let reply = api
        .ask(
            &debtor,
            "contact-nothing",
            &json!({"dossier_reference": debtor_dossier, "type": "contact_change", "fields": {}}),
        )
        .await;
    assert_eq!(problems(&reply), vec![pair("address", "nothing_given")]);
    // Nothing refused was stored.
    assert_eq!(
        api.count(
            "SELECT COUNT(*) FROM requests r JOIN users u ON u.id = r.user_id \
                   WHERE u.email IN ('debiteur2@demo.claimdesk.fr', 'etude@demo.claimdesk.fr')"
        )
        .await,
        RequestType::ALL.len() as i64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_values_get_their_codes() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let reference = api.first_dossier(&debtor).await;
    let tomorrow = (api.now().date_naive() + chrono::Days::new(1)).to_string();
    let cases: Vec<(&str, Value, Vec<Problem>)> = vec![
        (
            "overpayment_refund",
            json!({"overpaid_amount": "12.345", "payment_date": tomorrow,
                   "refund_iban": "FR7630006000011234567890188", "refund_holder": "Dupont SARL",
                   "colour": "blue"}),
            vec![
                pair("overpaid_amount", "invalid_amount"),
                pair("payment_date", "future_date"),
                pair("refund_iban", "invalid_iban"),
                pair("colour", "unknown"),
            ],
        ),
        (
            "payment_made",
            json!({"payment_date": "2026-02-30", "amount": "-5"}),
            vec![
                pair("payment_date", "invalid_date"),
                pair("amount", "invalid_amount"),
            ],
        ),
        (
            "hardship_leave",
            json!({"situation": "holidays", "since": "2026-01-05"}),
            vec![pair("situation", "invalid_choice")],
        ),
        (
            "complaint",
            json!({"reason": "angry", "description": "x".repeat(5001)}),
            vec![
                pair("reason", "invalid_choice"),
                pair("description", "too_long"),
            ],
        ),
        (
            "contact_change",
            json!({"email": "jean@", "phone": "12"}),
            vec![
                pair("email", "invalid_email"),
                pair("phone", "invalid_phone"),
            ],
        ),
        (
            "joint_liability_release",
            json!({"co_debtor_name": "Jean\nDupont", "reason": "séparation"}),
            vec![pair("co_debtor_name", "too_long")],
        ),
    ];
    for (n, (kind, fields, expected)) in cases.into_iter().enumerate() {
        let reply = api
            .ask(
                &debtor,
                &format!("invalid-{n}"),
                &json!({"dossier_reference": reference, "type": kind, "fields": fields}),
            )
            .await;
        assert_eq!(problems(&reply), expected, "{kind}");
    }
    // Not a type at all, or a body with extra members: the body is refused.
    let reply = api
        .ask(
            &debtor,
            "no-type",
            &json!({"dossier_reference": reference, "type": "refund_everything"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "invalid_body");
    // Without a key, nothing is made.
    let reply = api
        .post(
            routes::REQUESTS,
            &debtor,
            None,
            &json!({"dossier_reference": reference, "type": "statement"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.count(
            "SELECT COUNT(*) FROM requests r JOIN users u ON u.id = r.user_id \
                   WHERE u.email = 'debiteur2@demo.claimdesk.fr'"
        )
        .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bank_details_need_the_password_which_is_never_kept() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let reference = api.first_dossier(&debtor).await;
    let mut body = json!({"dossier_reference": reference, "type": "bank_details_change",
        "fields": {"new_iban": "FR1420041010050500013M02606", "new_holder": "Dupont SARL"}});
    let reply = api.ask(&debtor, "bank-1", &body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    assert_eq!(reply.code(), "password_required");
    body["password"] = json!("not the password");
    let reply = api.ask(&debtor, "bank-1", &body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "password_required");
    assert!(reply.body["message"].as_str().unwrap().contains("wrong"));
    // Refused, the key is free again: the right password goes through.
    body["password"] = json!(demo::PASSWORD);
    let made = api.ask(&debtor, "bank-1", &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert!(!made.text.contains(demo::PASSWORD));
    // A retry typing it again is the same request.
    let again = api.ask(&debtor, "bank-1", &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.text, made.text);
    let stored: String = sqlx::query_scalar(
        "SELECT r.fields || r.attachments || k.request_hash || k.response_body \
         FROM requests r, idempotency_keys k WHERE r.type = 'bank_details_change' AND k.key = 'bank-1'",
    )
    .fetch_one(&api.db().await)
    .await
    .unwrap();
    assert!(!stored.contains(demo::PASSWORD));
    assert_eq!(
        api.count("SELECT COUNT(*) FROM requests WHERE type = 'bank_details_change'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_ask_what() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let guarantor = api.token(demo::GUARANTORS[0]).await;
    let etude = api.token(demo::ETUDE_USER).await;
    let admin = api.token(demo::ADMIN_USER).await;
    let reference = api.first_dossier(&debtor).await;
    let etude_dossier = api.etude_dossier().await;
    let documents = json!({"documents_wanted": "État des créances et décompte"});
    for (token, who) in [(&debtor, "debtor"), (&guarantor, "guarantor")] {
        let reply = api
            .ask(
                token,
                "mandataire",
                &json!({"dossier_reference": reference, "type": "mandataire_documents",
                        "fields": documents}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who}: {}", reply.text);
        assert_eq!(reply.code(), "forbidden");
        assert!(
            reply.body["message"]
                .as_str()
                .unwrap()
                .contains("mandataire")
        );
    }
    // A mandataire asks documents, a statement, the procedure's status or a
    // question, on a dossier of a claim of theirs.
    let reply = api
        .ask(
            &etude,
            "etude-refund",
            &json!({"dossier_reference": etude_dossier, "type": "guarantee_end",
                    "fields": {"message": "fin"}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    let reply = api
        .ask(
            &etude,
            "etude-status",
            &json!({"dossier_reference": etude_dossier, "type": "procedure_status"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    // A dossier the user does not see is not there.
    let reply = api
        .ask(
            &etude,
            "etude-elsewhere",
            &json!({"dossier_reference": reference, "type": "question",
                    "fields": {"message": "?"}}),
        )
        .await;
    let sees_it = api
        .count(&format!(
            "SELECT COUNT(*) FROM claims c JOIN dossiers d ON d.id = c.dossier_id \
             JOIN procedures p ON p.id = c.procedure_id JOIN etudes e ON e.id = p.etude_id \
             WHERE d.reference = '{reference}' AND e.name = '{}'",
            demo::ETUDE_NAME.replace('\'', "''")
        ))
        .await;
    assert_eq!(
        reply.status,
        if sees_it > 0 {
            StatusCode::CREATED
        } else {
            StatusCode::NOT_FOUND
        }
    );
    let reply = api
        .ask(
            &debtor,
            "nowhere",
            &json!({"dossier_reference": "CD-0000-000000", "type": "statement"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // The agency answers requests, it does not make them.
    let reply = api
        .ask(
            &admin,
            "agency",
            &json!({"dossier_reference": reference, "type": "statement"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_seen_by_their_author_and_their_etude_only() {
    let api = Api::start().await;
    let (reference, debtor_email, guarantor_email) = api.guaranteed_dossier().await;
    let debtor = api.token(debtor_email).await;
    let guarantor = api.token(guarantor_email).await;
    let id = api
        .question(&debtor, &reference, "Ma question personnelle")
        .await;
    let thread = path(routes::REQUEST, id);
    assert_eq!(api.get(&thread, &debtor).await.status, StatusCode::OK);
    // The guarantor sees the dossier, not the debtor's request.
    let hidden = api.get(&thread, &guarantor).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let listed = api
        .get(
            &format!("{}?dossier={reference}", routes::REQUESTS),
            &guarantor,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body, json!([]));
    let reply = api.say(&guarantor, id, "intrude", "moi aussi").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let listed = api
        .get(
            &format!("{}?dossier={reference}", routes::REQUESTS),
            &debtor,
        )
        .await;
    assert_eq!(listed.body[0]["id"], id);
    assert!(
        !api.synced(&guarantor)
            .await
            .contains_key(&("request".to_owned(), id))
    );

    // A mandataire's request is the étude's: the second user sees it too.
    let first = api.token(demo::ETUDE_USER).await;
    let second = api.token(demo::ETUDE_USER_2).await;
    let etude_dossier = api.etude_dossier().await;
    let made = api
        .ask(
            &first,
            "etude-docs",
            &json!({"dossier_reference": etude_dossier, "type": "mandataire_documents",
                    "fields": {"documents_wanted": "Décompte et RIB"}}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let etude_request = made.body["id"].as_i64().unwrap();
    let seen = api
        .get(&path(routes::REQUEST, etude_request), &second)
        .await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert_eq!(seen.body["request"], made.body);
    let reply = api
        .say(
            &second,
            etude_request,
            "second-says",
            "Merci d'ajouter le RIB",
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let synced = api.synced(&second).await;
    assert!(synced.contains_key(&("request".to_owned(), etude_request)));
    assert!(synced.contains_key(&("message".to_owned(), reply.body["id"].as_i64().unwrap())));
    // Neither the debtors of that dossier nor other users see it.
    for email in demo::DEBTORS.iter().chain(&demo::GUARANTORS) {
        let token = api.token(email).await;
        let reply = api.get(&path(routes::REQUEST, etude_request), &token).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{email}");
        let synced = api.synced(&token).await;
        assert!(!synced.contains_key(&("request".to_owned(), etude_request)));
        if *email != debtor_email {
            assert!(!synced.contains_key(&("request".to_owned(), id)), "{email}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_reach_the_author_by_sync_and_nobody_else() {
    let api = Api::start().await;
    let requesting::Pair {
        reference,
        debtor,
        guarantor,
        debtor_cursor,
        guarantor_cursor,
        ..
    } = api.debtor_and_guarantor().await;
    let id = api
        .question(&debtor, &reference, "Quand finit mon échéancier ?")
        .await;
    let said = api
        .say(&debtor, id, "follow-up", "Merci de me répondre.")
        .await;
    assert_eq!(said.status, StatusCode::CREATED, "{}", said.text);
    let again = api
        .say(&debtor, id, "follow-up", "Merci de me répondre.")
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.text, said.text);
    assert_eq!(
        api.count(&format!(
            "SELECT COUNT(*) FROM messages WHERE request_id = {id}"
        ))
        .await,
        1
    );
    let answer = api.answer(id, "Votre échéancier se termine en mars.").await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    assert_eq!(answer.body["author"], "agency");
    let answer_id = answer.body["id"].as_i64().unwrap();

    let (upserts, _) = api.sync_from(&debtor, Some(&debtor_cursor)).await;
    let Some(Entity::Request(request)) = upserts.get(&("request".to_owned(), id)) else {
        panic!("the request comes by sync: {upserts:?}");
    };
    assert_eq!(request.status.as_str(), "answered");
    assert!(request.answered_at.is_some());
    let Some(Entity::Message(message)) = upserts.get(&("message".to_owned(), answer_id)) else {
        panic!("the answer comes by sync");
    };
    assert_eq!(message.text, "Votre échéancier se termine en mars.");
    assert!(upserts.contains_key(&("message".to_owned(), said.body["id"].as_i64().unwrap())));

    let (upserts, _) = api.sync_from(&guarantor, Some(&guarantor_cursor)).await;
    assert!(
        upserts
            .keys()
            .all(|(kind, _)| kind != "request" && kind != "message"),
        "{upserts:?}"
    );
    for email in [demo::ETUDE_USER, demo::ADMIN_USER] {
        let token = api.token(email).await;
        let synced = api.synced(&token).await;
        assert!(!synced.contains_key(&("message".to_owned(), answer_id)));
    }
    // The agency's inbox lists it, newest first, by status.
    let admin = api.token(demo::ADMIN_USER).await;
    let inbox = api
        .get(
            &format!("{}?status=answered", routes::ADMIN_REQUESTS),
            &admin,
        )
        .await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.text);
    assert_eq!(inbox.body[0]["id"], id);
    assert!(
        inbox
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "answered")
    );
    let bad = api
        .get(&format!("{}?status=lost", routes::ADMIN_REQUESTS), &admin)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_requests_take_no_more_messages() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let reference = api.first_dossier(&debtor).await;
    let id = api.question(&debtor, &reference, "Une question").await;
    let admin = api.token(demo::ADMIN_USER).await;
    let status = path(routes::ADMIN_REQUEST_STATUS, id);
    for refused in ["answered", "referred_to_mediator", "sent"] {
        let reply = api
            .post(&status, &admin, None, &json!({"status": refused}))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{refused}: {}",
            reply.text
        );
    }
    let reply = api
        .post(&status, &admin, None, &json!({"status": "acknowledged"}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "acknowledged");
    assert!(reply.body["acknowledged_at"].is_string());
    let reply = api
        .post(&status, &admin, None, &json!({"status": "closed"}))
        .await;
    assert_eq!(reply.body["status"], "closed");
    assert!(reply.body["closed_at"].is_string());
    let reply = api.say(&debtor, id, "too-late", "Encore une chose").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text);
    assert_eq!(reply.code(), "conflict");
    assert_eq!(api.answer(id, "Réponse").await.status, StatusCode::CONFLICT);
    // Reopened, it is no longer closed and takes messages again.
    let reply = api
        .post(&status, &admin, None, &json!({"status": "in_progress"}))
        .await;
    assert_eq!(reply.body["status"], "in_progress");
    assert!(reply.body["closed_at"].is_null(), "{}", reply.text);
    let reply = api.say(&debtor, id, "reopened", "Encore une chose").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    // Messages are checked like fields.
    let open = api.question(&debtor, &reference, "Une autre").await;
    for (text, problem) in [("  ", "missing"), (&*"x".repeat(5001), "too_long")] {
        let reply = api
            .say(&debtor, open, &format!("bad-{problem}"), text)
            .await;
        assert_eq!(problems(&reply), vec![pair("text", problem)]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_documents_of_the_dossier() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[1]).await;
    let dossiers = api.get(routes::DOSSIERS, &debtor).await;
    let reference = dossiers.body[0]["reference"].as_str().unwrap().to_owned();
    let other_debtor = api.token(demo::DEBTORS[2]).await;
    let elsewhere = api.first_dossier(&other_debtor).await;
    let mine = api
        .server
        .post_agency_document(
            &AttachTo::Dossier {
                reference: reference.clone(),
            },
            &common::pdf_bytes(1),
            "preuve.pdf",
        )
        .await;
    let foreign = api
        .server
        .post_agency_document(
            &AttachTo::Dossier {
                reference: elsewhere,
            },
            &common::pdf_bytes(2),
            "autre.pdf",
        )
        .await;
    let body = |attachments: Vec<i64>| {
        json!({"dossier_reference": reference, "type": "payment_made", "attachments": attachments,
               "fields": {"payment_date": "2026-01-10", "amount": "300.00"}})
    };
    for (n, bad) in [foreign.id, 999_999].into_iter().enumerate() {
        let reply = api
            .ask(&debtor, &format!("attach-bad-{n}"), &body(vec![bad]))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.text
        );
        assert_eq!(reply.code(), "validation_failed");
    }
    let made = api.ask(&debtor, "attach-ok", &body(vec![mine.id])).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.body["attachments"], json!([mine.id]));
    let id = made.body["id"].as_i64().unwrap();
    let reply = api
        .post(
            &path(routes::REQUEST_MESSAGES, id),
            &debtor,
            Some("msg-attach"),
            &json!({"text": "Le document étranger", "attachments": [foreign.id]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_the_dossier_loses_its_requests() {
    let api = Api::start().await;
    let debtor_email = demo::DEBTORS[1];
    let debtor = api.token(debtor_email).await;
    let reference = api.first_dossier(&debtor).await;
    let id = api
        .question(&debtor, &reference, "Avant la révocation")
        .await;
    let said = api.say(&debtor, id, "before", "Un message").await;
    let (_, cursor) = api.sync_from(&debtor, None).await;
    let admin = api.token(demo::ADMIN_USER).await;
    let grant = json!({"subject": {"kind": "user", "email": debtor_email},
                       "object": {"kind": "dossier", "reference": reference}});
    let revoked = api
        .post(routes::ADMIN_GRANTS_REVOKE, &admin, None, &grant)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    let (_, deletes, cursor) = api.sync_changes(&debtor, Some(&cursor)).await;
    assert!(deletes.contains(&("request".to_owned(), id)), "{deletes:?}");
    assert!(deletes.contains(&("message".to_owned(), said.body["id"].as_i64().unwrap())));
    assert_eq!(
        api.get(&path(routes::REQUEST, id), &debtor).await.status,
        StatusCode::NOT_FOUND
    );
    // Given back, they come back.
    let granted = api.post(routes::ADMIN_GRANTS, &admin, None, &grant).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
    let (upserts, _, _) = api.sync_changes(&debtor, Some(&cursor)).await;
    assert!(upserts.contains_key(&("request".to_owned(), id)));
    // Other users of the dossier got neither.
    for email in demo::GUARANTORS {
        let token = api.token(email).await;
        let synced = api.synced(&token).await;
        assert!(!synced.contains_key(&("request".to_owned(), id)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_with_one_key_make_one_request() {
    let api = Api::start().await;
    let debtor = api.token(demo::DEBTORS[3]).await;
    let reference = api.first_dossier(&debtor).await;
    let body = json!({"dossier_reference": reference, "type": "statement"});
    let answers =
        futures_util::future::join_all((0..6).map(|_| api.ask(&debtor, "at-once", &body))).await;
    let created: Vec<_> = answers
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .collect();
    assert_eq!(created.len(), 1, "exactly one made the request");
    for reply in &answers {
        match reply.status {
            StatusCode::OK => assert_eq!(reply.text, created[0].text),
            StatusCode::CREATED => {}
            StatusCode::CONFLICT => assert_eq!(reply.code(), "request_in_progress"),
            other => panic!("{other}: {}", reply.text),
        }
    }
    assert_eq!(
        api.count(&format!(
            "SELECT COUNT(*) FROM requests r JOIN dossiers d ON d.id = r.dossier_id \
             WHERE d.reference = '{reference}' AND r.type = 'statement'"
        ))
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mandataire_request_follows_the_etude_procedure() {
    let api = Api::start().await;
    let etude = api.token(demo::ETUDE_USER).await;
    let reference = api.etude_dossier().await;
    let made = api
        .ask(
            &etude,
            "etude-question",
            &json!({"dossier_reference": reference, "type": "question",
                    "fields": {"message": "Le plan est-il respecté ?"}}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.body["id"].as_i64().unwrap();
    let procedure: i64 = sqlx::query_scalar("SELECT procedure_id FROM requests WHERE id = ?")
        .bind(id)
        .fetch_one(&api.db().await)
        .await
        .unwrap();
    let (_, cursor) = api.sync_from(&etude, None).await;
    let admin = api.token(demo::ADMIN_USER).await;
    let grant = json!({"subject": {"kind": "etude", "id": api.server.demo_etude_id().await},
                       "object": {"kind": "procedure", "id": procedure}});
    let revoked = api
        .post(routes::ADMIN_GRANTS_REVOKE, &admin, None, &grant)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    let second = api.token(demo::ETUDE_USER_2).await;
    for token in [&etude, &second] {
        assert_eq!(
            api.get(&path(routes::REQUEST, id), token).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let (_, deletes, _) = api.sync_changes(&etude, Some(&cursor)).await;
    assert!(deletes.contains(&("request".to_owned(), id)), "{deletes:?}");
}
