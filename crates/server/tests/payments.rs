//! Paying a dossier over real HTTP: exactly once per Idempotency-Key, the
//! amount rules with their messages, who may pay, and a transfer the agency
//! receives reconciled by its RF reference and seen by the payer's sync.

mod common;

use chrono::Datelike;
use claimdesk_api::payments::{PaymentInstructions, PaymentMethod, PaymentStatus};
use claimdesk_api::records::InstallmentStatus;
use claimdesk_api::routes::{self, path};
use claimdesk_api::sync::Entity;
use claimdesk_domain::Money;
use claimdesk_domain::ident::RfReference;
use claimdesk_server::demo;
use common::live::Live;
use common::paying::{first_unpaid, installment_order, order};
use reqwest::StatusCode;
use serde_json::json;

fn eur(text: &str) -> Money {
    text.parse().unwrap()
}

async fn payments_of(api: &Live, reference: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE d.reference = ?",
    )
    .bind(reference)
    .fetch_one(&api.db().await)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_orders_with_one_key_make_one_payment() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let body = order(&due.dossier_reference, "25.00", "transfer");
    let answers = api.pay_at_once(&token, "order-1", &body, 10).await;
    let mut created = Vec::new();
    let mut replayed = Vec::new();
    for (status, text) in answers {
        match status {
            StatusCode::CREATED => created.push(text),
            StatusCode::OK => replayed.push(text),
            StatusCode::CONFLICT => {
                let body: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(body["code"], "request_in_progress");
            }
            other => panic!("{other}: {text}"),
        }
    }
    assert_eq!(created.len(), 1, "exactly one request made the payment");
    for text in &replayed {
        assert_eq!(
            text, &created[0],
            "a replay answers the first response, byte for byte"
        );
    }
    assert_eq!(payments_of(&api, &due.dossier_reference).await, 1);

    // Later, the same key and body: the first response again.
    let again = api.pay(&token, "order-1", &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.text, created[0]);
    // The same key with another body is a client's mistake.
    let other = order(&due.dossier_reference, "26.00", "transfer");
    let reused = api.pay(&token, "order-1", &other).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");
    assert_eq!(payments_of(&api, &due.dossier_reference).await, 1);
    // Without a key, nothing is created.
    let keyless = api.post(routes::PAYMENTS, &token, None, &other).await;
    assert_eq!(keyless.status, StatusCode::BAD_REQUEST);
    assert!(
        keyless.message().contains("Idempotency-Key"),
        "{}",
        keyless.text
    );
    assert_eq!(payments_of(&api, &due.dossier_reference).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amounts_and_methods_are_checked_with_clear_messages() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let above = (due.balance + eur("0.01")).to_string();
    let cases = [
        ("0.00", "transfer", "validation_failed", "positive"),
        ("-5.00", "transfer", "validation_failed", "positive"),
        (
            above.as_str(),
            "transfer",
            "validation_failed",
            "more than the balance",
        ),
        ("10.001", "transfer", "invalid_body", "two decimals"),
        ("10.00", "cash", "validation_failed", "cash"),
        (
            "10.00",
            "direct_debit",
            "validation_failed",
            "set up a direct-debit mandate first",
        ),
        ("10.00", "bitcoin", "invalid_body", "unknown variant"),
    ];
    for (n, (amount, method, code, words)) in cases.into_iter().enumerate() {
        let reply = api
            .pay(
                &token,
                &format!("bad-{n}"),
                &order(&due.dossier_reference, amount, method),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{amount} {method}: {}",
            reply.text
        );
        assert_eq!(reply.code(), code, "{amount} {method}");
        assert!(
            reply.message().contains(words),
            "{amount} {method}: {}",
            reply.message()
        );
    }
    let unknown = api
        .pay(
            &token,
            "bad-installment",
            &installment_order(&due.dossier_reference, "1.00", "transfer", 999),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.message().contains("no instalment n° 999"),
        "{}",
        unknown.text
    );
    assert_eq!(payments_of(&api, &due.dossier_reference).await, 0);

    // A refused request leaves its key free: corrected, it goes through.
    let fixed = api
        .pay(
            &token,
            "bad-0",
            &order(&due.dossier_reference, "0.00", "transfer"),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fixed.code(), "validation_failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_debtor_or_a_guarantor_who_sees_the_dossier_pays() {
    let api = Live::start().await;
    let owner = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&owner).await;
    let body = order(&due.dossier_reference, "10.00", "cheque");
    let stranger = api.token(demo::DEBTORS[1]).await;
    let hidden = api.pay(&stranger, "k", &body).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
    assert_eq!(hidden.code(), "not_found");
    let hidden_due = api
        .get(
            &path(routes::DOSSIER_DUE, &due.dossier_reference),
            &stranger,
        )
        .await;
    assert_eq!(hidden_due.status, StatusCode::NOT_FOUND);
    for email in [demo::ETUDE_USER, demo::ADMIN_USER] {
        let token = api.token(email).await;
        let refused = api.pay(&token, "k", &body).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{email}: {}",
            refused.text
        );
        assert_eq!(refused.code(), "forbidden");
    }
    assert_eq!(payments_of(&api, &due.dossier_reference).await, 0);

    // Keys are per user: the key others tried is still free for the owner.
    let cheque = api.ordered(&owner, "k", &body).await;
    assert_eq!(cheque.status, PaymentStatus::Pending);
    let Some(PaymentInstructions::Cheque(instructions)) = &cheque.instructions else {
        panic!("cheque instructions: {:?}", cheque.instructions);
    };
    assert_eq!(instructions.reference, due.dossier_reference);
    assert!(
        instructions.address.contains("Lyon"),
        "{}",
        instructions.address
    );
    assert!(
        instructions.payee.starts_with("ClaimDesk"),
        "{}",
        instructions.payee
    );
    let hidden_payment = api.get(&path(routes::PAYMENT, cheque.id), &stranger).await;
    assert_eq!(hidden_payment.status, StatusCode::NOT_FOUND);
    let listed = api
        .get(
            &path(routes::DOSSIER_PAYMENTS, &due.dossier_reference),
            &owner,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let listed: Vec<claimdesk_api::payments::Payment> = serde_json::from_str(&listed.text).unwrap();
    assert_eq!(listed, vec![cheque.clone()]);
    let due_after = api.due(&owner, &due.dossier_reference).await;
    assert_eq!(due_after.pending, eur("10.00"));
    assert_eq!(
        due_after.balance, due.balance,
        "a cheque on its way is not received"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_received_transfer_reconciles_by_reference_and_reaches_the_payer() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let installment = first_unpaid(&due);
    let open = installment.amount - installment.paid;
    let amount = if open < due.balance {
        open
    } else {
        due.balance
    };
    let body = installment_order(
        &due.dossier_reference,
        amount,
        "transfer",
        installment.number,
    );
    let ordered = api.ordered(&token, "transfer-1", &body).await;
    let rf =
        RfReference::for_installment(&due.dossier_reference, installment.number as u32).unwrap();
    assert_eq!(ordered.reference, rf.as_str());
    let Some(PaymentInstructions::Transfer(transfer)) = &ordered.instructions else {
        panic!("transfer instructions: {:?}", ordered.instructions);
    };
    assert_eq!(transfer.reference, rf.as_str());
    assert_eq!(transfer.amount, amount);
    assert!(
        transfer.epc_payload.starts_with("BCD\n002\n1\nSCT\n"),
        "{}",
        transfer.epc_payload
    );
    assert!(
        transfer
            .epc_payload
            .contains(&format!("\n{}\n", transfer.iban))
    );
    // EPC069-12's tenth element is the structured creditor reference.
    assert_eq!(
        transfer.epc_payload.split('\n').nth(9),
        Some(rf.as_str()),
        "{}",
        transfer.epc_payload
    );

    let admin = api.token(demo::ADMIN_USER).await;
    let today = chrono::Utc::now().date_naive();
    // As read on a bank statement: grouped and in lowercase.
    let received = api
        .post(
            routes::ADMIN_TRANSFERS,
            &admin,
            Some("statement-line-1"),
            &json!({"reference": rf.grouped().to_lowercase(), "amount": amount.to_string(), "received_on": today}),
        )
        .await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.text);
    let received = received.payment();
    assert_eq!(received.id, ordered.id);
    assert_eq!(received.status, PaymentStatus::Succeeded);
    assert_eq!(received.paid_on, Some(today));
    // The bank line imported twice books nothing twice.
    let again = api
        .post(
            routes::ADMIN_TRANSFERS,
            &admin,
            Some("statement-line-1"),
            &json!({"reference": rf.grouped().to_lowercase(), "amount": amount.to_string(), "received_on": today}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.payment(), received);

    let after = api.due(&token, &due.dossier_reference).await;
    assert_eq!(after.balance, due.balance - amount);
    assert_eq!(after.pending, Money::ZERO);
    let paid = after
        .installments
        .iter()
        .find(|i| i.number == installment.number)
        .unwrap();
    assert_eq!(paid.paid, installment.paid + amount);

    // The payer's client learns all of it by sync.
    let synced = api.sync_all(&token).await;
    let Entity::Payment(payment) = &synced[&("payment".to_owned(), ordered.id)] else {
        panic!("a payment");
    };
    assert_eq!(payment.status, PaymentStatus::Succeeded);
    assert_eq!(payment.method, PaymentMethod::Transfer);
    let Entity::Installment(synced_installment) =
        &synced[&("installment".to_owned(), installment.id)]
    else {
        panic!("an instalment");
    };
    assert_eq!(synced_installment.paid, installment.paid + amount);
    if amount == open {
        assert_eq!(synced_installment.status, InstallmentStatus::Paid);
    }
    let dossier = synced
        .values()
        .find_map(|e| match e {
            Entity::Dossier(d) if d.reference == due.dossier_reference => Some(d),
            _ => None,
        })
        .unwrap();
    assert_eq!(dossier.balance, due.balance - amount);
    assert!(
        dossier
            .ledger
            .payments
            .iter()
            .any(|p| p.amount == amount && p.date == today),
        "the statement counts the payment"
    );

    // A reference no order quotes but which is the dossier's: a new
    // transfer the agency records. Anything else is refused.
    let direct = api
        .post(
            routes::ADMIN_TRANSFERS,
            &admin,
            None,
            &json!({"reference": RfReference::for_dossier(&due.dossier_reference).unwrap().as_str(), "amount": "1.00", "received_on": today}),
        )
        .await;
    assert_eq!(direct.status, StatusCode::CREATED, "{}", direct.text);
    assert_eq!(direct.payment().status, PaymentStatus::Succeeded);
    for reference in ["RF18539007547034", "not a reference"] {
        let refused = api
            .post(
                routes::ADMIN_TRANSFERS,
                &admin,
                None,
                &json!({"reference": reference, "amount": "1.00", "received_on": today}),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{reference}: {}",
            refused.text
        );
    }
    let debtor_refused = api
        .post(
            routes::ADMIN_TRANSFERS,
            &token,
            None,
            &json!({"reference": rf.as_str(), "amount": "1.00", "received_on": today}),
        )
        .await;
    assert_eq!(debtor_refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_order_opens_the_hosted_page() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let card = order(&due.dossier_reference, "12.34", "card");
    let payment = api.ordered(&token, "card-1", &card).await;
    assert_eq!(payment.status, PaymentStatus::Pending);
    let url = payment.checkout_url.clone().unwrap();
    assert!(
        url.starts_with(&format!("{}/sandbox/checkout/sbx_", api.server.base_url)),
        "{url}"
    );
    // 128 random bits, in hex.
    assert_eq!(url.rsplit("sbx_").next().unwrap().len(), 32);
    assert!(payment.instructions.is_none());
    let replay = api.pay(&token, "card-1", &card).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(replay.payment().checkout_url, Some(url));
    assert_eq!(payments_of(&api, &due.dossier_reference).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_brings_a_dossiers_payments_and_a_revocation_takes_them_back() {
    let api = Live::start().await;
    let owner = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&owner).await;
    let payment = api
        .ordered(
            &owner,
            "shared-1",
            &order(&due.dossier_reference, "3.00", "transfer"),
        )
        .await;
    let other = api.token(demo::DEBTORS[1]).await;
    let key = ("payment".to_owned(), payment.id);
    assert!(!api.sync_all(&other).await.contains_key(&key));

    let admin = api.token(demo::ADMIN_USER).await;
    let grant = json!({
        "subject": {"kind": "user", "email": demo::DEBTORS[1]},
        "object": {"kind": "dossier", "reference": due.dossier_reference},
    });
    let granted = api.post(routes::ADMIN_GRANTS, &admin, None, &grant).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
    let synced = api.sync_all(&other).await;
    let Entity::Payment(seen) = &synced[&key] else {
        panic!("a payment");
    };
    assert_eq!(seen, &payment);
    let revoked = api
        .post(routes::ADMIN_GRANTS_REVOKE, &admin, None, &grant)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    assert!(!api.sync_all(&other).await.contains_key(&key));
    assert!(
        api.sync_all(&owner).await.contains_key(&key),
        "the owner keeps it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_card_orders_with_one_key_open_one_page() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let body = order(&due.dossier_reference, "7.00", "card");
    let mut answers = Vec::new();
    for (status, text) in api.pay_at_once(&token, "card-order-1", &body, 10).await {
        match status {
            StatusCode::CREATED | StatusCode::OK => answers.push((status, text)),
            StatusCode::CONFLICT => {
                let body: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(body["code"], "request_in_progress");
            }
            other => panic!("{other}: {text}"),
        }
    }
    assert_eq!(
        answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count(),
        1
    );
    assert!(answers.iter().all(|(_, text)| text == &answers[0].1));
    assert_eq!(payments_of(&api, &due.dossier_reference).await, 1);
    // Once completed, nothing is in progress any more: the first answer.
    let replay = api.pay(&token, "card-order-1", &body).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(replay.text, answers[0].1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_debit_is_collected_under_the_active_mandate_on_its_day() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let debit = order(&due.dossier_reference, "20.00", "direct_debit");
    let refused = api.pay(&token, "debit-1", &debit).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .message()
            .contains("set up a direct-debit mandate first")
    );

    let signed = api
        .post(
            &path(routes::DOSSIER_MANDATES, &due.dossier_reference),
            &token,
            Some("mandate-1"),
            &json!({"holder": "Boulangerie Martin SARL", "iban": "FR14 2004 1010 0505 0001 3M02 606",
                    "day": 5, "amount": "20.00"}),
        )
        .await;
    assert_eq!(signed.status, StatusCode::CREATED, "{}", signed.text);
    let mandate = signed.body;
    // The refused order left its key free.
    let debit = api.ordered(&token, "debit-1", &debit).await;
    assert_eq!(debit.status, PaymentStatus::Pending);
    let Some(PaymentInstructions::DirectDebit(instructions)) = &debit.instructions else {
        panic!("debit instructions: {:?}", debit.instructions);
    };
    assert_eq!(instructions.mandate_reference, mandate["reference"]);
    let ics = claimdesk_domain::ident::CreditorId::parse(&instructions.creditor_identifier)
        .expect("the servicing entity's ICS is valid");
    assert_eq!(ics.country(), "FR");
    let today = chrono::Utc::now().date_naive();
    assert_eq!(instructions.collection_date.day(), 5);
    assert!(instructions.collection_date > today);
    assert!(instructions.collection_date <= today + chrono::Duration::days(31));
    assert_eq!(
        api.due(&token, &due.dossier_reference).await.pending,
        eur("20.00")
    );
}
