//! The documents of payments over HTTP against the real server: the EPC QR
//! code decoded by zbarimg, as PNG and off the printed instructions; the
//! instructions and receipts checked with qpdf and pdftotext.

mod common;

use axum::http::{StatusCode, header};
use claimdesk_api::routes::{self, path};
use claimdesk_domain::Money;
use claimdesk_domain::ident::{Iban, RfReference};
use claimdesk_server::demo;
use common::Reply;
use common::live::Live;
use common::pdf::{assert_has, first_page_png, pdf_text, plain_spaces, read_qr};
use serde_json::{Value, json};

fn money(value: &Value) -> Money {
    value.as_str().unwrap().parse().unwrap()
}

fn french(amount: Money) -> String {
    plain_spaces(&amount.to_french())
}

async fn order(live: &Live, token: &str, dossier: &str, method: &str, amount: &str) -> Value {
    let ordered = live
        .post(
            routes::PAYMENTS,
            token,
            Some(&format!("{method}-{amount}")),
            &json!({"dossier_reference": dossier, "amount": amount, "method": method}),
        )
        .await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{}", ordered.text);
    ordered.body
}

fn document(payment: &Value, route: &str) -> String {
    path(route, payment["id"].to_string())
}

/// The payload's elements checked one by one against EPC069-12 and the
/// payment's own instructions.
fn assert_epc(decoded: &str, payment: &Value) {
    let transfer = &payment["instructions"];
    assert_eq!(decoded, transfer["epc_payload"].as_str().unwrap());
    let lines: Vec<&str> = decoded.split('\n').collect();
    assert_eq!(&lines[..4], ["BCD", "002", "1", "SCT"]);
    assert_eq!(lines[4], transfer["bic"].as_str().unwrap());
    assert_eq!(lines[5], transfer["holder"].as_str().unwrap());
    assert_eq!(lines[6], transfer["iban"].as_str().unwrap());
    Iban::parse(lines[6]).expect("a valid IBAN");
    let amount = money(&payment["amount"]);
    assert_eq!(
        lines[7],
        format!("EUR{}.{:02}", amount.cents() / 100, amount.cents() % 100)
    );
    assert_eq!(lines[8], "", "no purpose");
    let rf = RfReference::parse(lines[9]).expect("a valid RF reference");
    assert_eq!(rf.as_str(), payment["reference"].as_str().unwrap());
}

fn assert_pdf_file(reply: &Reply, prefix: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{prefix}")),
        "{disposition}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_has_its_qr_code_instructions_and_once_received_its_receipt() {
    let live = Live::start().await;
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::from_cents(50_000)).await;
    let reference = dossier["reference"].as_str().unwrap();
    let balance = money(&dossier["balance"]);
    let payment = order(&live, &token, reference, "transfer", "120.00").await;
    let dir = tempfile::tempdir().unwrap();

    let qr = live
        .get(&document(&payment, routes::PAYMENT_QR), &token)
        .await;
    assert_eq!(qr.status, StatusCode::OK, "{}", qr.text);
    assert_eq!(qr.headers[header::CONTENT_TYPE], "image/png");
    let png = dir.path().join("qr.png");
    std::fs::write(&png, &qr.bytes).unwrap();
    assert_epc(&read_qr(&png), &payment);

    let instructions = live
        .get(&document(&payment, routes::PAYMENT_INSTRUCTIONS), &token)
        .await;
    assert_pdf_file(&instructions, "instructions-virement-");
    let text = pdf_text(&instructions.bytes, dir.path(), "virement.pdf");
    let transfer = &payment["instructions"];
    let rf = RfReference::parse(payment["reference"].as_str().unwrap()).unwrap();
    for expected in [
        "Instructions de virement",
        transfer["holder"].as_str().unwrap(),
        &Iban::parse(transfer["iban"].as_str().unwrap())
            .unwrap()
            .grouped(),
        transfer["bank_name"].as_str().unwrap(),
        &french(Money::from_cents(12_000)),
        &rf.grouped(),
        reference,
        "Recopiez la référence exactement",
    ] {
        assert_has(&text, expected);
    }
    // The code as printed, read off the rendered page.
    let page = first_page_png(&instructions.bytes, dir.path(), "page");
    assert_epc(&read_qr(&page), &payment);

    let pending = live
        .get(&document(&payment, routes::PAYMENT_RECEIPT), &token)
        .await;
    assert_eq!(pending.status, StatusCode::CONFLICT, "{}", pending.text);
    assert!(
        pending.body["message"]
            .as_str()
            .unwrap()
            .contains("not been received")
    );

    // The agency finds the transfer on its bank statement.
    let admin = live.token(demo::ADMIN_USER).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let received = live
        .post(
            routes::ADMIN_TRANSFERS,
            &admin,
            Some("bank-line-1"),
            &json!({"reference": rf.grouped(), "amount": "120.00", "received_on": today}),
        )
        .await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.text);
    assert_eq!(received.body["status"], "succeeded");

    let receipt = live
        .get(&document(&payment, routes::PAYMENT_RECEIPT), &token)
        .await;
    assert_pdf_file(&receipt, &format!("recu-paiement-{}-", payment["id"]));
    let text = pdf_text(&receipt.bytes, dir.path(), "recu.pdf");
    let number = format!("P-{:06}", payment["id"].as_i64().unwrap());
    let on = chrono::Utc::now()
        .date_naive()
        .format("%d/%m/%Y")
        .to_string();
    for expected in [
        "Reçu de paiement",
        dossier["debtor"]["name"].as_str().unwrap(),
        "Montant reçu",
        "120,00 €",
        "Virement SEPA",
        &on,
        &rf.grouped(),
        &number,
        "Reste dû après ce paiement",
        &french(balance - Money::from_cents(12_000)),
    ] {
        assert_has(&text, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cheque_has_instructions_and_no_qr_code_a_card_neither() {
    let live = Live::start().await;
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::from_cents(50_000)).await;
    let reference = dossier["reference"].as_str().unwrap();
    let cheque = order(&live, &token, reference, "cheque", "80.00").await;
    let dir = tempfile::tempdir().unwrap();

    let instructions = live
        .get(&document(&cheque, routes::PAYMENT_INSTRUCTIONS), &token)
        .await;
    assert_pdf_file(&instructions, "instructions-cheque-");
    let text = pdf_text(&instructions.bytes, dir.path(), "cheque.pdf");
    let details = &cheque["instructions"];
    assert_has(&text, "Règlement par chèque");
    assert_has(&text, details["payee"].as_str().unwrap());
    for line in details["address"].as_str().unwrap().lines() {
        assert_has(&text, line);
    }
    assert_has(&text, details["reference"].as_str().unwrap());
    assert_has(&text, "80,00 €");
    let qr = live
        .get(&document(&cheque, routes::PAYMENT_QR), &token)
        .await;
    assert_eq!(qr.status, StatusCode::CONFLICT, "{}", qr.text);

    let card = order(&live, &token, reference, "card", "15.00").await;
    for route in [
        routes::PAYMENT_INSTRUCTIONS,
        routes::PAYMENT_QR,
        routes::PAYMENT_RECEIPT,
    ] {
        let refused = live.get(&document(&card, route), &token).await;
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{route}: {}",
            refused.text
        );
        assert!(!refused.body["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payments_documents_stay_with_those_who_see_its_dossier() {
    let live = Live::start().await;
    let token = live.token(demo::DEBTORS[0]).await;
    let dossier = live.owing_dossier(&token, Money::from_cents(50_000)).await;
    let payment = order(
        &live,
        &token,
        dossier["reference"].as_str().unwrap(),
        "transfer",
        "30.00",
    )
    .await;
    for email in [demo::DEBTORS[1], demo::ETUDE_USER] {
        let stranger = live.token(email).await;
        for route in [
            routes::PAYMENT_INSTRUCTIONS,
            routes::PAYMENT_QR,
            routes::PAYMENT_RECEIPT,
        ] {
            let hidden = live.get(&document(&payment, route), &stranger).await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{email} {route}");
        }
    }
    let missing = live.get(&path(routes::PAYMENT_QR, "999999"), &token).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
