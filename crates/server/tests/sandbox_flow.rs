//! The card flow end to end on the sandbox provider, as a debtor's browser
//! and client would go through it: the order, the hosted page over HTTP,
//! approve, the challenge, the signed webhook the sandbox sends over HTTP,
//! then sync showing the payment received and the instalment paid.

mod common;

use claimdesk_api::payments::PaymentStatus;
use claimdesk_api::records::InstallmentStatus;
use claimdesk_api::routes::{self, path};
use claimdesk_api::sync::Entity;
use claimdesk_server::demo;
use common::live::Live;
use common::paying::{first_unpaid, installment_order, order};
use reqwest::StatusCode;

/// The `action` of the form whose button has this id.
fn form_action(html: &str, button: &str) -> String {
    let at = html
        .find(&format!("id=\"{button}\""))
        .unwrap_or_else(|| panic!("a {button} button in {html}"));
    let form = html[..at].rfind("<form").unwrap();
    let action = &html[form..at];
    let start = action.find("action=\"").unwrap() + "action=\"".len();
    action[start..start + action[start..].find('"').unwrap()].to_owned()
}

fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("{open} in {html}"))
        + open.len();
    &html[start..start + html[start..].find(close).unwrap()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_payment_approved_on_the_hosted_page_reaches_the_payer_by_sync() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let installment = first_unpaid(&due);
    let open = installment.amount - installment.paid;
    assert!(open <= due.balance);
    let card = installment_order(&due.dossier_reference, open, "card", installment.number);
    let payment = api.ordered(&token, "card-flow-1", &card).await;
    let page_url = payment.checkout_url.clone().unwrap();

    // A browser: no session, no cookies, only the page's secret address.
    let browser = reqwest::Client::new();
    let page = browser.get(&page_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert_eq!(
        between(&html, "<strong id=\"amount\">", "</strong>"),
        format!("{open} €")
    );
    assert!(html.contains(&due.dossier_reference));
    // A guessed page id finds nothing.
    let guessed = browser
        .get(api.server.url(&path(
            routes::SANDBOX_CHECKOUT,
            "sbx_00000000000000000000000000000000",
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(guessed.status(), StatusCode::NOT_FOUND);

    let challenge = browser
        .post(api.server.url(&form_action(&html, "approve")))
        .form(&[("", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.status(), StatusCode::OK);
    let challenge = challenge.text().await.unwrap();
    let code = between(&challenge, "<code id=\"code\">", "</code>").to_owned();
    let submit = {
        let start = challenge.find("<form").unwrap();
        between(&challenge[start..], "action=\"", "\"").to_owned()
    };
    // Approving alone pays nothing: the challenge is still to answer.
    assert_eq!(
        api.payment(&token, payment.id).await.status,
        PaymentStatus::Pending
    );
    let wrong = browser
        .post(api.server.url(&submit))
        .form(&[("code", "000000")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("Code incorrect"));
    assert_eq!(
        api.payment(&token, payment.id).await.status,
        PaymentStatus::Pending
    );

    let done = browser
        .post(api.server.url(&submit))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let done = done.text().await.unwrap();
    // The page answers once the sandbox's webhook was accepted.
    assert_eq!(between(&done, "<p id=\"status\">", "</p>"), "succeeded");

    let synced = api.sync_all(&token).await;
    let Entity::Payment(synced_payment) = &synced[&("payment".to_owned(), payment.id)] else {
        panic!("the payment is synced");
    };
    assert_eq!(synced_payment.status, PaymentStatus::Succeeded);
    assert_eq!(synced_payment.checkout_url, None);
    assert!(synced_payment.paid_on.is_some());
    let Entity::Installment(synced_installment) =
        &synced[&("installment".to_owned(), installment.id)]
    else {
        panic!("the instalment is synced");
    };
    assert_eq!(synced_installment.status, InstallmentStatus::Paid);
    assert_eq!(synced_installment.paid, installment.amount);
    let after = api.due(&token, &due.dossier_reference).await;
    assert_eq!(after.balance, due.balance - open);

    // Once settled, the page only says so; its actions do nothing more.
    let again = browser
        .post(api.server.url(&submit))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        between(&again.text().await.unwrap(), "<p id=\"status\">", "</p>"),
        "succeeded"
    );
    let received = api
        .count("SELECT COUNT(*) FROM payments WHERE received_payment_id IS NOT NULL")
        .await;
    assert_eq!(received, 1);

    // The receipt of a received payment downloads as a PDF.
    let receipt = api
        .http
        .get(api.server.url(&path(routes::PAYMENT_RECEIPT, payment.id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(receipt.status(), StatusCode::OK);
    assert!(receipt.bytes().await.unwrap().starts_with(b"%PDF-"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_payment_declined_on_the_hosted_page_fails_with_its_reason() {
    let api = Live::start().await;
    let token = api.token(demo::DEBTORS[0]).await;
    let due = api.dossier_to_pay(&token).await;
    let payment = api
        .ordered(
            &token,
            "card-flow-2",
            &order(&due.dossier_reference, "5.00", "card"),
        )
        .await;
    let browser = reqwest::Client::new();
    let html = browser
        .get(payment.checkout_url.clone().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let declined = browser
        .post(api.server.url(&form_action(&html, "decline")))
        .form(&[("", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(declined.status(), StatusCode::OK);
    assert_eq!(
        between(&declined.text().await.unwrap(), "<p id=\"status\">", "</p>"),
        "failed"
    );
    let synced = api.sync_all(&token).await;
    let Entity::Payment(failed) = &synced[&("payment".to_owned(), payment.id)] else {
        panic!("the payment is synced");
    };
    assert_eq!(failed.status, PaymentStatus::Failed);
    assert!(
        failed
            .failure_reason
            .as_deref()
            .unwrap()
            .contains("declined")
    );
    assert_eq!(
        api.due(&token, &due.dossier_reference).await.balance,
        due.balance
    );
}
