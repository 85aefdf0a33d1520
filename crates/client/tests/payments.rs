//! Payments against a real server on loopback and a real store: orders made
//! offline and sent exactly once, the card that needs the network, what is
//! due as the agency reconciles a transfer, dividends.
//!
//! These tests use the OS keyring: run them under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-client`.

mod common;

use chrono::Local;
use claimdesk_api::payments::{
    Due, NewDividend, NewMandate, NewPayment, Payment, PaymentInstructions, PaymentMethod,
    PaymentStatus, ReceivedTransfer,
};
use claimdesk_api::routes;
use claimdesk_client::{
    ApiClient, Claimdesk, ClientCode, ClientError, Code, Home, OrderOutcome, OrderRequest,
    OutboxKind, OutboxState, RetryPolicy,
};
use claimdesk_domain::money::Money;
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::{FAST, SignedIn, sign_in};
use tempfile::TempDir;

fn eur(text: &str) -> Money {
    text.parse().unwrap()
}

/// A dossier of the debtor with something left to pay.
async fn owing(desk: &Claimdesk) -> (String, Money) {
    let dossier = desk
        .dossiers()
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.balance > eur("100.00"))
        .expect("a demo debtor owes something");
    (dossier.reference, dossier.balance)
}

/// A debtor signed in and synced, with one of their dossiers that owes.
async fn debtor_owing(server: &TestServer, email: &str) -> (TempDir, Claimdesk, String, Money) {
    let SignedIn { home, desk, .. } = sign_in(server, email).await;
    let (reference, balance) = owing(&desk).await;
    (home, desk, reference, balance)
}

fn order(reference: &str, amount: &str, method: PaymentMethod) -> NewPayment {
    NewPayment {
        dossier_reference: reference.to_owned(),
        amount: eur(amount),
        method,
        installments: Vec::new(),
    }
}

async fn server_payments(api: &ApiClient, reference: &str) -> Vec<Payment> {
    api.get(&routes::path(routes::DOSSIER_PAYMENTS, reference), &[])
        .await
        .unwrap()
}

#[tokio::test]
async fn an_order_made_offline_waits_and_is_sent_exactly_once_across_a_restart() {
    let mut server = TestServer::start_demo().await;
    let SignedIn { home, desk, api } = sign_in(&server, demo::DEBTORS[0]).await;
    let (reference, _) = owing(&desk).await;
    let before = server_payments(&api, &reference).await.len();

    server.stop().await;
    let mut desk = desk;
    let outcome = desk
        .order_payment(order(&reference, "12.34", PaymentMethod::Transfer))
        .await
        .unwrap();
    let OrderOutcome::Queued { item } = outcome else {
        panic!("offline, the order waits: {outcome:?}");
    };
    assert_eq!(item.kind, OutboxKind::PaymentOrder);
    assert_eq!(item.state, OutboxState::Pending);
    assert_eq!(
        item.order,
        Some(OrderRequest::PaymentOrder {
            payment: order(&reference, "12.34", PaymentMethod::Transfer)
        })
    );
    // Queued orders count as on their way, offline too.
    let due = desk.due(&reference).await.unwrap();
    assert_eq!(due.pending, eur("12.34"));

    // A card payment cannot wait: it says so and leaves nothing behind.
    let e = desk
        .order_payment(order(&reference, "5.00", PaymentMethod::Card))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Client(ClientCode::NeedsNetwork), "{e}");
    assert!(e.to_string().contains("card"), "{e}");
    assert_eq!(desk.outbox().await.unwrap().len(), 1);

    // The process ends; the order and its key are on disk.
    drop(desk);
    let mut desk = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    let waiting = desk.outbox().await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].key, item.key);

    // A first try reached the server but its answer was lost (the process
    // died right after): the server has the payment under that key.
    server.restart().await;
    let first: Payment = api
        .post_idempotent(
            routes::PAYMENTS,
            &item.key,
            &order(&reference, "12.34", PaymentMethod::Transfer),
        )
        .await
        .unwrap();

    let report = desk.send_outbox(|_| {}).await.unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!(report.sent[0].kind, OutboxKind::PaymentOrder);
    assert_eq!(
        report.sent[0].document_id, first.id,
        "the replay answers the first payment"
    );
    let again = desk.send_outbox(|_| {}).await.unwrap();
    assert!(again.sent.is_empty() && again.pending == 0, "{again:?}");

    let done = &desk.outbox().await.unwrap()[0];
    assert_eq!(done.state, OutboxState::Done);
    let payments = server_payments(&api, &reference).await;
    assert_eq!(payments.len(), before + 1, "one payment made");
    // The payment lists at once, before any sync, with how to pay.
    let listed = desk.payments(&reference).await.unwrap();
    assert_eq!(listed[0].id, first.id);
    assert!(matches!(
        listed[0].instructions,
        Some(PaymentInstructions::Transfer(_))
    ));
}

#[tokio::test]
async fn cash_and_amounts_above_the_balance_are_refused_before_anything_is_recorded() {
    let server = TestServer::start_demo().await;
    let (_home, mut desk, reference, balance) = debtor_owing(&server, demo::DEBTORS[0]).await;
    let e = desk
        .order_payment(order(&reference, "10.00", PaymentMethod::Cash))
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Invalid(_)), "{e:?}");
    assert!(e.to_string().contains("cash"), "{e}");
    let above = (balance + eur("0.01")).to_string();
    let e = desk
        .order_payment(order(&reference, &above, PaymentMethod::Transfer))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("more than the balance"), "{e}");
    let e = desk
        .order_payment(order(&reference, "0.00", PaymentMethod::Cheque))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("positive"), "{e}");
    assert!(desk.outbox().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_transfer_reconciled_by_the_agency_reaches_the_store_by_sync() {
    let server = TestServer::start_demo().await;
    let (_home, mut desk, reference, balance) = debtor_owing(&server, demo::DEBTORS[1]).await;
    let outcome = desk
        .order_payment(order(&reference, "25.00", PaymentMethod::Transfer))
        .await
        .unwrap();
    let payment = outcome.sent().expect("online, sent at once").clone();
    assert_eq!(payment.status, PaymentStatus::Pending);
    let Some(PaymentInstructions::Transfer(transfer)) = &payment.instructions else {
        panic!("a transfer comes with its instructions: {payment:?}");
    };
    assert_eq!(transfer.amount, eur("25.00"));
    assert!(transfer.reference.starts_with("RF"));
    let pending = desk.due(&reference).await.unwrap();
    assert_eq!(pending.pending, eur("25.00"));
    assert_eq!(pending.balance, balance);

    // The agency sees the money on its statement, under the RF reference.
    let admin =
        ApiClient::new(&server.base_url)
            .unwrap()
            .with_token(claimdesk_client::SessionToken::new(
                server.admin_token().await,
            ));
    let received = ReceivedTransfer {
        reference: transfer.reference.clone(),
        amount: eur("25.00"),
        received_on: Local::now().date_naive(),
    };
    let _: serde_json::Value = admin
        .call(
            claimdesk_client::http::Method::POST,
            routes::ADMIN_TRANSFERS,
            Some(&received),
        )
        .await
        .unwrap();

    desk.sync(|_| {}).await.unwrap();
    let listed = desk.payments(&reference).await.unwrap();
    let synced = listed.iter().find(|p| p.id == payment.id).unwrap();
    assert_eq!(synced.status, PaymentStatus::Succeeded);
    let due = desk.due(&reference).await.unwrap();
    assert_eq!(due.balance, balance - eur("25.00"));
    assert_eq!(due.pending, Money::ZERO);
    // Read offline from the store, it is what the server says.
    let token = desk.keyring_slot().unwrap().load().await.unwrap().unwrap();
    let api = ApiClient::new(&server.base_url).unwrap().with_token(token);
    let online: Due = api
        .get(&routes::path(routes::DOSSIER_DUE, &reference), &[])
        .await
        .unwrap();
    assert_eq!(due, online);
}

#[tokio::test]
async fn a_dividend_recorded_offline_is_sent_once() {
    let mut server = TestServer::start_demo().await;
    let SignedIn {
        home: _home,
        mut desk,
        ..
    } = sign_in(&server, demo::ETUDE_USER).await;
    let claim = desk
        .store()
        .unwrap()
        .claims()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.admitted_amount.is_some_and(|a| a > eur("10.00")))
        .expect("an admitted claim");
    let dividend = NewDividend {
        amount: eur("10.00"),
        date: Local::now().date_naive(),
        reference: "VIR-REP-2026-001".into(),
    };
    server.stop().await;
    let outcome = desk
        .record_dividend(claim.id, dividend.clone())
        .await
        .unwrap();
    let OrderOutcome::Queued { item } = outcome else {
        panic!("offline, the dividend waits: {outcome:?}");
    };
    assert_eq!(item.kind, OutboxKind::Dividend);
    server.restart().await;
    let report = desk.send_outbox(|_| {}).await.unwrap();
    assert_eq!(
        report.sent.len(),
        1,
        "{report:?} {:?}",
        desk.outbox().await.unwrap()[0].last_error
    );
    assert!(desk.send_outbox(|_| {}).await.unwrap().sent.is_empty());
    let done = desk.outbox().await.unwrap().remove(0);
    let Some(claimdesk_client::OrderResult::Dividend(recorded)) = done.result else {
        panic!("the dividend made: {done:?}");
    };
    assert_eq!(recorded.claim_id, claim.id);
    assert_eq!(recorded.amount, eur("10.00"));

    // A dividend in the future is refused here, before anything is recorded.
    let e = desk
        .record_dividend(
            claim.id,
            NewDividend {
                date: Local::now().date_naive() + chrono::Days::new(3),
                ..dividend
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("future"), "{e}");
    assert_eq!(desk.outbox().await.unwrap().len(), 1);
}

/// Every byte under `dir`, to look for what must never be written down.
fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            bytes.extend(all_bytes(&path));
        } else {
            bytes.extend(std::fs::read(&path).unwrap_or_default());
        }
    }
    bytes
}

#[tokio::test]
async fn a_mandate_needs_the_network_and_its_password_is_never_written_down() {
    let mut server = TestServer::start_demo().await;
    let SignedIn { home, mut desk, .. } = sign_in(&server, demo::DEBTORS[0]).await;
    let (reference, _) = owing(&desk).await;
    let mandate = |iban: &str, password: Option<&str>| NewMandate {
        holder: "Société Exemple".into(),
        iban: iban.into(),
        bic: None,
        day: 5,
        amount: eur("50.00"),
        password: password.map(str::to_owned),
    };
    let e = desk
        .create_mandate(&reference, mandate("FR7630006000011234567890188", None))
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Invalid(_)), "{e:?}");

    let first = desk
        .create_mandate(&reference, mandate("FR7630006000011234567890189", None))
        .await
        .unwrap();
    let first = first.sent().expect("online, made at once").clone();
    assert!(!first.reference.is_empty());
    let pdf = desk.mandate_pdf(first.id).await.unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF"));

    // New bank details replace the active mandate: the password again.
    let other = "DE89370400440532013000";
    let e = desk
        .create_mandate(&reference, mandate(other, None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ClientError::Api {
                code: claimdesk_api::ErrorCode::PasswordRequired,
                ..
            }
        ),
        "{e:?}"
    );
    let refused = desk.outbox().await.unwrap().pop().unwrap();
    assert_eq!(refused.state, OutboxState::Failed);
    assert_eq!(refused.last_error.unwrap().message, e.to_string());
    let replaced = desk
        .create_mandate(&reference, mandate(other, Some(demo::PASSWORD)))
        .await
        .unwrap();
    let replaced = replaced.sent().expect("made with the password").clone();
    assert_ne!(replaced.reference, first.reference);
    let recorded = desk.outbox().await.unwrap().pop().unwrap();
    assert_eq!(recorded.kind, OutboxKind::Mandate);
    let Some(OrderRequest::Mandate { mandate: kept, .. }) = recorded.order else {
        panic!("the mandate's request is kept: {recorded:?}");
    };
    assert_eq!(kept.password, None);

    server.stop().await;
    let e = desk
        .create_mandate(&reference, mandate(other, Some(demo::PASSWORD)))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Client(ClientCode::NeedsNetwork), "{e}");

    desk.store().unwrap().checkpoint().await.unwrap();
    let written = all_bytes(home.path());
    assert!(
        !written
            .windows(demo::PASSWORD.len())
            .any(|w| w == demo::PASSWORD.as_bytes()),
        "the password is nowhere on disk"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sends_of_the_same_outbox_at_once_make_one_payment() {
    let mut server = TestServer::start_demo().await;
    let SignedIn { home, desk, api } = sign_in(&server, demo::DEBTORS[1]).await;
    let (reference, _) = owing(&desk).await;
    let before = server_payments(&api, &reference).await.len();
    server.stop().await;
    let mut one = desk;
    let queued = one
        .order_payment(order(&reference, "3.21", PaymentMethod::Cheque))
        .await
        .unwrap();
    assert!(matches!(queued, OrderOutcome::Queued { .. }), "{queued:?}");
    // Another process on the same home: the desktop app beside the CLI.
    let mut two = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(RetryPolicy {
            max_tries: 6,
            ..FAST
        });
    server.restart().await;
    let (a, b) = tokio::join!(one.send_outbox(|_| {}), two.send_outbox(|_| {}));
    let (a, b) = (a.unwrap(), b.unwrap());
    let ids: std::collections::HashSet<i64> = a
        .sent
        .iter()
        .chain(&b.sent)
        .map(|s| s.document_id)
        .collect();
    assert_eq!(ids.len(), 1, "{a:?} {b:?}");
    let payments = server_payments(&api, &reference).await;
    assert_eq!(payments.len(), before + 1);
    let item = one.outbox().await.unwrap().pop().unwrap();
    assert!(
        item.state == OutboxState::Done || item.state == OutboxState::Pending,
        "{item:?}"
    );
    // Whatever the race left, one more send settles it on the same payment.
    one.send_outbox(|_| {}).await.unwrap();
    let item = one.outbox().await.unwrap().pop().unwrap();
    assert_eq!(item.state, OutboxState::Done);
    assert_eq!(item.result.map(|r| r.id()), ids.into_iter().next());
    assert_eq!(server_payments(&api, &reference).await.len(), before + 1);
}

/// The sandbox's hosted page, as a browser would use it: approve, then the
/// challenge with the code the page shows. `checkout_url`'s path is served
/// by the test server whatever address the server advertises.
async fn approve_on_the_hosted_page(server: &TestServer, checkout_url: &str) {
    let path = checkout_url
        .find("/sandbox/")
        .map(|at| &checkout_url[at..])
        .unwrap_or_else(|| panic!("a sandbox page: {checkout_url}"));
    let browser = reqwest::Client::new();
    let page = browser
        .get(server.url(path))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("approve"), "{page}");
    let challenge = browser
        .post(server.url(&format!("{path}/approve")))
        .form(&[("", "")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = challenge
        .split("<code id=\"code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the challenge shows its test code: {challenge}"));
    let done = browser
        .post(server.url(&format!("{path}/challenge")))
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    assert!(done.status().is_success(), "{:?}", done.text().await);
}

#[tokio::test]
async fn a_card_payment_approved_on_the_hosted_page_comes_back_by_sync_with_a_receipt() {
    let server = TestServer::start_demo().await;
    let (_home, mut desk, reference, balance) = debtor_owing(&server, demo::DEBTORS[0]).await;
    let due = desk.due(&reference).await.unwrap();
    let Some(unpaid) = due
        .installments
        .iter()
        .find(|i| i.paid.is_zero() && i.amount <= balance)
        .cloned()
    else {
        panic!("an unpaid instalment on {reference}: {due:?}");
    };
    let outcome = desk
        .order_payment(NewPayment {
            installments: vec![unpaid.number as u32],
            ..order(&reference, &unpaid.amount.to_string(), PaymentMethod::Card)
        })
        .await
        .unwrap();
    let OrderOutcome::Sent {
        result: payment,
        item_id: None,
    } = outcome
    else {
        panic!("a card payment is sent at once, never queued: {outcome:?}");
    };
    assert!(desk.outbox().await.unwrap().is_empty());
    let url = payment.checkout_url.clone().expect("the hosted page");
    approve_on_the_hosted_page(&server, &url).await;

    desk.sync(|_| {}).await.unwrap();
    let synced = desk
        .payments(&reference)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == payment.id)
        .unwrap();
    assert_eq!(synced.status, PaymentStatus::Succeeded, "{synced:?}");
    assert_eq!(synced.checkout_url, None);
    let due = desk.due(&reference).await.unwrap();
    let paid = due
        .installments
        .iter()
        .find(|i| i.number == unpaid.number)
        .unwrap();
    assert_eq!(paid.paid, unpaid.amount);
    assert_eq!(due.balance, balance - unpaid.amount);

    let receipt = desk.payment_receipt(payment.id).await.unwrap();
    assert!(receipt.bytes.starts_with(b"%PDF"));
}
