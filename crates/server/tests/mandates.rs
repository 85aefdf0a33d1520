//! SEPA direct-debit mandates over HTTP against the real server: created by
//! the debtor with a valid IBAN, replayed by key, replaced only with the
//! password, and served as a PDF that qpdf and pdftotext read.

mod common;

use axum::http::{StatusCode, header};
use claimdesk_api::routes::{self, path};
use claimdesk_domain::Money;
use claimdesk_server::demo;
use common::live::Live;
use common::pdf::{assert_has, pdf_text};
use serde_json::{Value, json};

const IBAN: &str = "FR14 2004 1010 0505 0001 3M02 606";
const NEW_IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
const HOLDER: &str = "Boulangerie Martin SARL";

fn mandate(iban: &str, amount: &str) -> Value {
    json!({"holder": HOLDER, "iban": iban, "bic": "PSSTFRPPLYO", "day": 5, "amount": amount})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_signs_a_mandate_and_gets_its_pdf() {
    let live = Live::start().await;
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::ZERO).await;
    let reference = dossier["reference"].as_str().unwrap();
    let url = path(routes::DOSSIER_MANDATES, reference);

    let created = live
        .post(&url, &token, Some("mandate-1"), &mandate(IBAN, "100.00"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let m = &created.body;
    let umr = m["reference"].as_str().unwrap();
    let compact: String = reference
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    assert_eq!(umr, format!("{}-M001", compact.to_uppercase()));
    assert!(umr.len() <= 35);
    let ics = m["creditor_identifier"].as_str().unwrap();
    claimdesk_domain::ident::CreditorId::parse(ics).expect("a valid ICS");
    assert_eq!(m["status"], "active");
    assert_eq!(m["day"], 5);
    assert_eq!(m["amount"], "100.00");
    assert_eq!(m["holder"], HOLDER);
    assert_eq!(m["creditor_name"], dossier["servicer"]["name"]);
    let masked = m["iban_masked"].as_str().unwrap();
    let compact_masked = masked.replace(' ', "");
    assert!(
        compact_masked.starts_with("FR14") && compact_masked.ends_with("2606"),
        "{masked}"
    );
    assert!(!masked.contains("0505"), "{masked}");

    // The same key again: the first answer, byte for byte, no second mandate.
    let replay = live
        .post(&url, &token, Some("mandate-1"), &mandate(IBAN, "100.00"))
        .await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.bytes, created.bytes);
    let other_body = live
        .post(&url, &token, Some("mandate-1"), &mandate(IBAN, "90.00"))
        .await;
    assert_eq!(other_body.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other_body.code(), "idempotency_key_reused");
    let listed = live.get(&url, &token).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "{}", listed.text);
    assert_eq!(listed.body[0]["iban_masked"], masked);
    assert!(!listed.text.contains("0505"), "no full IBAN in the list");

    let pdf = live
        .get(&path(routes::MANDATE_PDF, m["id"].to_string()), &token)
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = pdf.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"mandat-sepa-{umr}.pdf\"")),
        "{disposition}"
    );
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let dir = tempfile::tempdir().unwrap();
    let text = pdf_text(&pdf.bytes, dir.path(), "mandat.pdf");
    let creditor = dossier["servicer"]["name"].as_str().unwrap();
    for expected in [
        "Mandat de prélèvement SEPA",
        umr,
        ics,
        HOLDER,
        IBAN,
        "PSSTFRPPLYO",
        creditor,
        "Paiement récurrent",
        "Le 5 de chaque mois",
        "100,00 €",
        reference,
        "Vous bénéficiez du droit d'être remboursé par votre banque selon les conditions \
         décrites dans la convention que vous avez passée avec elle.",
        &format!("vous autorisez (A) {creditor} à envoyer des instructions à votre banque"),
    ] {
        assert_has(&text, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bank_details_and_amounts_are_refused_with_the_reason() {
    let live = Live::start().await;
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::ZERO).await;
    let url = path(
        routes::DOSSIER_MANDATES,
        dossier["reference"].as_str().unwrap(),
    );
    let balance: Money = dossier["balance"].as_str().unwrap().parse().unwrap();
    let above = balance + Money::from_cents(1);
    let cases = [
        (
            "bad-checksum",
            mandate("FR15 2004 1010 0505 0001 3M02 606", "10.00"),
            "IBAN",
        ),
        (
            "bad-country",
            mandate("XX14 2004 1010 0505 0001 3M02 606", "10.00"),
            "IBAN",
        ),
        (
            "bad-bic",
            json!({"holder": HOLDER, "iban": IBAN, "bic": "PSST", "day": 5, "amount": "10.00"}),
            "BIC",
        ),
        (
            "no-holder",
            json!({"holder": "  ", "iban": IBAN, "day": 5, "amount": "10.00"}),
            "holder",
        ),
        (
            "day-29",
            json!({"holder": HOLDER, "iban": IBAN, "day": 29, "amount": "10.00"}),
            "1 to 28",
        ),
        (
            "zero",
            json!({"holder": HOLDER, "iban": IBAN, "day": 5, "amount": "0.00"}),
            "positive",
        ),
        ("above", mandate(IBAN, &above.to_string()), "balance"),
    ];
    for (key, body, reason) in cases {
        let refused = live.post(&url, &token, Some(key), &body).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{key}: {}",
            refused.text
        );
        assert_eq!(refused.code(), "validation_failed", "{key}");
        assert!(
            refused.body["message"].as_str().unwrap().contains(reason),
            "{key}: {}",
            refused.text
        );
    }
    let no_key = live.post(&url, &token, None, &mandate(IBAN, "10.00")).await;
    assert_eq!(no_key.status, StatusCode::BAD_REQUEST, "{}", no_key.text);
    assert!(
        live.get(&url, &token)
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing was created"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_bank_details_need_the_password_and_revoke_the_old_mandate() {
    let live = Live::start().await;
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::ZERO).await;
    let url = path(
        routes::DOSSIER_MANDATES,
        dossier["reference"].as_str().unwrap(),
    );
    let first = live
        .post(&url, &token, Some("first"), &mandate(IBAN, "50.00"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);

    let without = live
        .post(&url, &token, Some("second"), &mandate(NEW_IBAN, "50.00"))
        .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.text);
    assert_eq!(without.code(), "password_required");
    let mut wrong = mandate(NEW_IBAN, "50.00");
    wrong["password"] = json!("not-the-password");
    let wrong = live.post(&url, &token, Some("second"), &wrong).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{}", wrong.text);
    assert_eq!(wrong.code(), "password_required");

    // The same key with the right password: the password is not part of the
    // request's hash, and the refusals kept nothing.
    let mut right = mandate(NEW_IBAN, "50.00");
    right["password"] = json!(demo::PASSWORD);
    let replaced = live.post(&url, &token, Some("second"), &right).await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{}", replaced.text);
    assert!(
        replaced.body["reference"]
            .as_str()
            .unwrap()
            .ends_with("-M002")
    );
    assert_eq!(replaced.body["status"], "active");
    assert!(!replaced.text.contains(demo::PASSWORD));

    let listed = live.get(&url, &token).await.body;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], first.body["id"]);
    assert_eq!(listed[0]["status"], "revoked");
    assert!(listed[0]["revoked_at"].is_string());
    assert_eq!(listed[1]["id"], replaced.body["id"]);
    assert_eq!(listed[1]["status"], "active");
    assert!(listed[1]["revoked_at"].is_null());

    // The old mandate's PDF says it no longer collects.
    let old = live
        .get(
            &path(routes::MANDATE_PDF, first.body["id"].to_string()),
            &token,
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    assert_has(
        &pdf_text(&old.bytes, dir.path(), "old.pdf"),
        "Mandat révoqué le",
    );
    let new = live
        .get(
            &path(routes::MANDATE_PDF, replaced.body["id"].to_string()),
            &token,
        )
        .await;
    let text = pdf_text(&new.bytes, dir.path(), "new.pdf");
    assert!(!text.contains("révoqué"));
    assert_has(&text, NEW_IBAN);
    assert!(
        listed[1]["iban_masked"]
            .as_str()
            .unwrap()
            .replace(' ', "")
            .ends_with("0189")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_dossiers_debtors_and_guarantors_sign_mandates() {
    let live = Live::start().await;
    let owner = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&owner, Money::ZERO).await;
    let url = path(
        routes::DOSSIER_MANDATES,
        dossier["reference"].as_str().unwrap(),
    );
    for email in [demo::ETUDE_USER, demo::ADMIN_USER] {
        let token = live.token(email).await;
        let refused = live
            .post(&url, &token, Some("k"), &mandate(IBAN, "10.00"))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{email}: {}",
            refused.text
        );
    }
    let stranger = live.token(demo::DEBTORS[1]).await;
    let hidden = live
        .post(&url, &stranger, Some("k"), &mandate(IBAN, "10.00"))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
    assert_eq!(
        live.get(&url, &stranger).await.status,
        StatusCode::NOT_FOUND
    );

    let created = live
        .post(&url, &owner, Some("k"), &mandate(IBAN, "10.00"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let pdf = path(routes::MANDATE_PDF, created.body["id"].to_string());
    assert_eq!(
        live.get(&pdf, &stranger).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_creditor_identifier_no_mandate_is_signed() {
    let live = Live::start().await;
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::ZERO).await;
    let reference = dossier["reference"].as_str().unwrap();
    let file = live.server.data_dir.join("claimdesk.sqlite");
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    sqlx::query(
        "UPDATE servicing_entities SET creditor_identifier = '' WHERE id = \
         (SELECT servicing_entity_id FROM dossiers WHERE reference = ?)",
    )
    .bind(reference)
    .execute(&db)
    .await
    .unwrap();
    db.close().await;

    let url = path(routes::DOSSIER_MANDATES, reference);
    let refused = live
        .post(&url, &token, Some("no-ics"), &mandate(IBAN, "10.00"))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("SEPA creditor identifier"),
        "{}",
        refused.text
    );
    assert!(
        live.get(&url, &token)
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_requests_with_one_key_sign_one_mandate() {
    let live = std::sync::Arc::new(Live::start().await);
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::ZERO).await;
    let url = path(
        routes::DOSSIER_MANDATES,
        dossier["reference"].as_str().unwrap(),
    );
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (live, token, url) = (live.clone(), token.clone(), url.clone());
            tokio::spawn(async move {
                live.post(&url, &token, Some("once"), &mandate(IBAN, "20.00"))
                    .await
            })
        })
        .collect();
    let mut created = Vec::new();
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            StatusCode::CREATED => created.push(reply.bytes),
            StatusCode::CONFLICT => assert_eq!(reply.code(), "request_in_progress"),
            other => panic!("{other}: {}", reply.text),
        }
    }
    assert!(!created.is_empty());
    assert!(created.windows(2).all(|pair| pair[0] == pair[1]));
    let listed = live.get(&url, &token).await.body;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}
