//! `claimdesk due | pay | payments | mandate | dividend | receipt` against a
//! real server; the EPC QR code read back by a real decoder (zbarimg).
//! Run with `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-cli`.

mod common;

use std::process::Command;

use claimdesk_api::records::Dossier;
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::claimdesk;

async fn signed_in(server: &TestServer, email: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    common::login(home.path(), server, email).await;
    claimdesk(home.path(), None, &["sync"], None).await.ok();
    home
}

/// A dossier of the debtor with something left to pay, with a plan.
async fn owing(server: &TestServer, email: &str) -> Dossier {
    let api = claimdesk_client::ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(claimdesk_client::SessionToken::new(
            server.token_for(email).await,
        ));
    for d in api.dossiers().await.unwrap() {
        if d.balance > "100.00".parse().unwrap()
            && !api.installments(&d.reference).await.unwrap().is_empty()
        {
            return d;
        }
    }
    panic!("a demo debtor owes something on a plan")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_sees_what_is_due_pays_by_transfer_with_the_qr_code_and_lists_payments() {
    let server = TestServer::start_demo().await;
    let home = signed_in(&server, demo::DEBTORS[0]).await;
    let home = home.path();
    let dossier = owing(&server, demo::DEBTORS[0]).await;
    let reference = dossier.reference.as_str();

    let due = claimdesk(home, None, &["due", reference], None).await.ok();
    for word in [
        "due on", "amount", "paid", "status", "overdue", "balance", "pending",
    ] {
        assert!(due.stdout.contains(word), "{word}: {}", due.stdout);
    }
    assert!(
        due.stdout.replace(['\u{202f}', '\u{a0}'], " ").contains(
            &dossier
                .balance
                .to_french()
                .replace(['\u{202f}', '\u{a0}'], " ")
        ),
        "{}",
        due.stdout
    );
    let due_json = claimdesk(home, None, &["due", reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(due_json["balance"], dossier.balance.to_string());

    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("out.png");
    let paid = claimdesk(
        home,
        None,
        &[
            "pay",
            reference,
            "--amount",
            "15.50",
            "--method",
            "transfer",
            "--qr",
            png.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    for word in ["holder", "IBAN", "BIC", "amount", "reference  RF", "15,50"] {
        assert!(paid.stdout.contains(word), "{word}: {}", paid.stdout);
    }
    let listed = claimdesk(home, None, &["payments", reference, "--json"], None)
        .await
        .ok()
        .json();
    let payment = &listed[0];
    assert_eq!(payment["method"], "transfer");
    assert_eq!(payment["amount"], "15.50");
    assert_eq!(payment["status"], "pending");
    let instructions = &payment["instructions"];
    assert_eq!(instructions["kind"], "transfer");
    // The IBAN as printed, in groups of four.
    let iban = instructions["iban"].as_str().unwrap();
    let grouped: Vec<String> = iban
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    assert!(paid.stdout.contains(&grouped.join(" ")), "{}", paid.stdout);

    let decoded = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&png)
        .output()
        .expect("zbarimg decodes QR codes (make deps installs zbar-tools)");
    assert!(decoded.status.success(), "zbarimg read {}", png.display());
    let text = String::from_utf8(decoded.stdout).unwrap();
    let expected = instructions["epc_payload"].as_str().unwrap();
    let lines: Vec<&str> = text.trim_end_matches('\n').lines().collect();
    assert_eq!(lines, expected.lines().collect::<Vec<_>>());
    assert_eq!(lines[0], "BCD");
    assert!(lines.contains(&"EUR15.50"), "{lines:?}");
    assert!(lines.contains(&iban), "{lines:?}");

    let table = claimdesk(home, None, &["payments", reference], None)
        .await
        .ok();
    assert!(table.stdout.contains("transfer"), "{}", table.stdout);
    assert!(table.stdout.contains("pending"), "{}", table.stdout);
    let due_json = claimdesk(home, None, &["due", reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(due_json["pending"], "15.50");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cash_is_refused_with_the_reason_and_a_card_prints_its_page_offline_it_needs_the_network() {
    let mut server = TestServer::start_demo().await;
    let home = signed_in(&server, demo::DEBTORS[1]).await;
    let home = home.path();
    let dossier = owing(&server, demo::DEBTORS[1]).await;
    let reference = dossier.reference.as_str();

    let cash = claimdesk(
        home,
        None,
        &["pay", reference, "--amount", "10", "--method", "cash"],
        None,
    )
    .await;
    assert_eq!(cash.code, 1);
    assert!(
        cash.stderr.contains("cash") && cash.stderr.contains("not accepted"),
        "{}",
        cash.stderr
    );

    let card = claimdesk(
        home,
        None,
        &["pay", reference, "--amount", "10.00", "--method", "card"],
        None,
    )
    .await
    .ok();
    assert!(
        card.stdout.contains("pay on the card page: http"),
        "{}",
        card.stdout
    );

    server.stop().await;
    let offline_card = claimdesk(
        home,
        None,
        &["pay", reference, "--amount", "10.00", "--method", "card"],
        None,
    )
    .await;
    assert_eq!(offline_card.code, 1);
    assert!(
        offline_card.stderr.contains("needs the network"),
        "{}",
        offline_card.stderr
    );
    let queued = claimdesk(
        home,
        None,
        &["pay", reference, "--amount", "10.00", "--method", "debit"],
        None,
    )
    .await
    .ok();
    assert!(
        queued.stdout.contains("queued in the outbox"),
        "{}",
        queued.stdout
    );
    // On its way: the card payment not completed, and the debit order
    // waiting in the outbox.
    let due_json = claimdesk(home, None, &["due", reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(due_json["pending"], "20.00");

    // Back online, the outbox sends it; without a mandate the server
    // refuses a debit, and the reason stays with the order.
    server.restart().await;
    let sent = claimdesk(home, None, &["outbox"], None).await;
    assert!(sent.stdout.contains("payment_order"), "{}", sent.stdout);
    let listed = claimdesk(home, None, &["outbox", "--json"], None)
        .await
        .ok()
        .json();
    let order = &listed.as_array().unwrap()[0];
    assert_eq!(order["kind"], "payment_order");
    assert_eq!(order["order"]["payment"]["method"], "direct_debit");
    assert!(
        order["state"] == "done" || order["state"] == "failed",
        "{order}"
    );
    if order["state"] == "failed" {
        assert!(
            sent.stdout
                .contains(order["last_error"]["message"].as_str().unwrap())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mandataire_records_a_dividend() {
    let server = TestServer::start_demo().await;
    let home = signed_in(&server, demo::ETUDE_USER).await;
    let home = home.path();
    let api = claimdesk_client::ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(claimdesk_client::SessionToken::new(
            server.token_for(demo::ETUDE_USER).await,
        ));
    let claim = api
        .claims_page(None, 500)
        .await
        .unwrap()
        .claims
        .into_iter()
        .find(|c| {
            c.admitted_amount
                .is_some_and(|a| a > "10.00".parse().unwrap())
        })
        .expect("an admitted claim");
    let today = chrono::Local::now().date_naive().to_string();
    let id = claim.id.to_string();
    let recorded = claimdesk(
        home,
        None,
        &[
            "dividend",
            &id,
            "--amount",
            "7.25",
            "--date",
            &today,
            "--reference",
            "VIR-REP-42",
        ],
        None,
    )
    .await
    .ok();
    assert!(recorded.stdout.contains("7,25"), "{}", recorded.stdout);
    assert!(
        recorded.stdout.contains(&format!("claim {id}")),
        "{}",
        recorded.stdout
    );
    let outbox = claimdesk(home, None, &["outbox", "--json"], None)
        .await
        .ok()
        .json();
    assert!(
        outbox
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "dividend" && i["state"] == "done"),
        "{outbox}"
    );

    let refused = claimdesk(
        home,
        None,
        &[
            "dividend",
            &id,
            "--amount",
            "0",
            "--date",
            &today,
            "--reference",
            "VIR-REP-43",
        ],
        None,
    )
    .await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("positive"), "{}", refused.stderr);
}

fn pdf_text(file: &std::path::Path) -> String {
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(file)
        .output()
        .expect("qpdf checks PDFs (make deps installs it)");
    assert!(check.status.success(), "qpdf --check {}", file.display());
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext reads PDFs (make deps installs it)");
    String::from_utf8(text.stdout)
        .unwrap()
        .replace(['\u{202f}', '\u{a0}'], " ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_sets_up_a_mandate_and_downloads_a_receipt_once_the_transfer_is_received() {
    let server = TestServer::start_demo().await;
    let home = signed_in(&server, demo::DEBTORS[0]).await;
    let home = home.path();
    let dossier = owing(&server, demo::DEBTORS[0]).await;
    let reference = dossier.reference.as_str();
    let dir = tempfile::tempdir().unwrap();

    let bad = claimdesk(
        home,
        None,
        &[
            "mandate",
            reference,
            "--iban",
            "FR7630006000011234567890188",
            "--holder",
            "Société X",
            "--day",
            "5",
        ],
        None,
    )
    .await;
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("IBAN"), "{}", bad.stderr);

    let pdf = dir.path().join("mandat.pdf");
    let mandate = claimdesk(
        home,
        None,
        &[
            "mandate",
            reference,
            "--iban",
            "FR76 3000 6000 0112 3456 7890 189",
            "--holder",
            "Société X",
            "--day",
            "5",
            "--amount",
            "50.00",
            "--pdf",
            pdf.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    let umr = mandate
        .stdout
        .lines()
        .find_map(|l| l.split("UMR ").nth(1))
        .unwrap_or_else(|| panic!("the UMR is printed: {}", mandate.stdout))
        .trim()
        .to_owned();
    assert!(
        pdf_text(&pdf).contains(&umr),
        "the PDF names the mandate {umr}"
    );

    let paid = claimdesk(
        home,
        None,
        &[
            "pay", reference, "--amount", "20.00", "--method", "transfer", "--json",
        ],
        None,
    )
    .await
    .ok()
    .json();
    let admin = claimdesk_client::ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(claimdesk_client::SessionToken::new(
            server.admin_token().await,
        ));
    let received = claimdesk_api::payments::ReceivedTransfer {
        reference: paid["reference"].as_str().unwrap().to_owned(),
        amount: "20.00".parse().unwrap(),
        received_on: chrono::Local::now().date_naive(),
    };
    let _: serde_json::Value = admin
        .call(
            claimdesk_client::http::Method::POST,
            claimdesk_api::routes::ADMIN_TRANSFERS,
            Some(&received),
        )
        .await
        .unwrap();
    claimdesk(home, None, &["sync"], None).await.ok();
    let listed = claimdesk(home, None, &["payments", reference, "--json"], None)
        .await
        .ok()
        .json();
    let id = paid["id"].as_i64().unwrap();
    let synced = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap();
    assert_eq!(synced["status"], "succeeded");
    let receipt = dir.path().join("recu.pdf");
    claimdesk(
        home,
        None,
        &[
            "receipt",
            &id.to_string(),
            "--output",
            receipt.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    let text = pdf_text(&receipt);
    assert!(text.contains("20,00"), "{text}");
}
