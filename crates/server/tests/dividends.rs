//! Dividends (répartitions) over HTTP against the real server: recorded by
//! the étude on a claim of its procedure, they lower what the claim has due
//! and appear on the dossier's statement; the rules refuse the rest.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use claimdesk_api::routes::{self, path};
use claimdesk_domain::Money;
use claimdesk_server::demo;
use common::live::Live;
use serde_json::{Value, json};

fn money(value: &Value) -> Money {
    value.as_str().unwrap().parse().unwrap()
}

/// What the claim may receive: the amount admitted, else the one declared.
fn entitlement(claim: &Value) -> Money {
    match claim["admitted_amount"].as_str() {
        Some(admitted) => admitted.parse().unwrap(),
        None => money(&claim["declared"]["total"]),
    }
}

/// Every claim `token` sees, page after page.
async fn all_claims(live: &Live, token: &str) -> Vec<Value> {
    let mut claims = Vec::new();
    let mut url = routes::CLAIMS.to_owned();
    loop {
        let page = live.get(&url, token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        claims.extend(page.body["claims"].as_array().unwrap().iter().cloned());
        match page.body["next_after"].as_i64() {
            Some(after) => url = format!("{}?after={after}", routes::CLAIMS),
            None => return claims,
        }
    }
}

/// A claim of the étude's procedures with more than 1 000 € to receive.
async fn claim(live: &Live, token: &str) -> Value {
    all_claims(live, token)
        .await
        .into_iter()
        .find(|c| entitlement(c) > Money::from_cents(100_000))
        .expect("a demo claim with something due")
}

fn yesterday() -> String {
    (Utc::now().date_naive() - Duration::days(1)).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dividend_lowers_the_claim_and_shows_on_the_dossier_statement() {
    let live = Live::start().await;
    let etude = live.token(demo::ETUDE_USER).await;
    // A claim of the étude's whose dossier a demo debtor owns: the debtor
    // reads the dossier's statement.
    let mut found = None;
    for email in demo::DEBTORS {
        let token = live.token(email).await;
        let theirs: Vec<i64> = all_claims(&live, &token)
            .await
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        if let Some(claim) = all_claims(&live, &etude).await.into_iter().find(|c| {
            theirs.contains(&c["id"].as_i64().unwrap())
                && entitlement(c) > Money::from_cents(100_000)
        }) {
            found = Some((claim, token));
            break;
        }
    }
    let (claim, debtor) = found.expect("a demo debtor's claim in the étude's procedures");
    let url = path(routes::CLAIM_DIVIDENDS, claim["id"].to_string());
    assert_eq!(live.get(&url, &etude).await.body, json!([]));
    let dossier_url = path(
        routes::DOSSIER,
        claim["dossier_reference"].as_str().unwrap(),
    );
    let before = live.get(&dossier_url, &debtor).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    let balance_before = money(&before.body["dossier"]["balance"]);

    let body = json!({"amount": "250.00", "date": yesterday(), "reference": "VIR-REP-2026-0042"});
    let created = live.post(&url, &etude, Some("rep-1"), &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let due = entitlement(&claim) - Money::from_cents(25_000);
    assert_eq!(money(&created.body["claim_balance"]), due);
    assert_eq!(created.body["claim_id"], claim["id"]);
    assert_eq!(
        created.body["dossier_reference"],
        claim["dossier_reference"]
    );
    assert_eq!(created.body["reference"], "VIR-REP-2026-0042");

    let replay = live.post(&url, &etude, Some("rep-1"), &body).await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.bytes, created.bytes);
    let listed = live.get(&url, &etude).await.body;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "the replay added nothing"
    );
    assert_eq!(listed[0], created.body);

    // A second one: the balance follows both.
    let second = json!({"amount": "100.50", "date": yesterday(), "reference": "VIR-REP-2026-0043"});
    let second = live.post(&url, &etude, Some("rep-2"), &second).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    assert_eq!(
        money(&second.body["claim_balance"]),
        due - Money::from_cents(10_050)
    );

    let balance_after = money(&live.get(&dossier_url, &debtor).await.body["dossier"]["balance"]);
    assert_eq!(balance_before - balance_after, Money::from_cents(35_050));
    // The dossier's statement, as its debtor reads it, has the répartition.
    let dossier = claim["dossier_reference"].as_str().unwrap();
    let statement = live
        .get(&path(routes::DOSSIER_STATEMENT, dossier), &debtor)
        .await;
    assert_eq!(statement.status, StatusCode::OK, "{}", statement.text);
    let line = statement.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l.to_string().contains("Répartition VIR-REP-2026-0042"))
        .unwrap_or_else(|| panic!("no répartition in {}", statement.text));
    assert!(line.to_string().contains("250.00"), "{line}");
    // The claim's dividends are listed to whoever sees the claim.
    assert_eq!(
        live.get(&url, &debtor).await.body.as_array().unwrap().len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dividends_above_what_is_due_in_the_future_or_unreferenced_are_refused() {
    let live = Live::start().await;
    let etude = live.token(demo::ETUDE_USER).await;
    let claim = claim(&live, &etude).await;
    let url = path(routes::CLAIM_DIVIDENDS, claim["id"].to_string());
    let above = entitlement(&claim) + Money::from_cents(1);
    let tomorrow = (Utc::now().date_naive() + Duration::days(2)).to_string();
    let cases = [
        (
            json!({"amount": above.to_string(), "date": yesterday(), "reference": "R"}),
            "still has due",
        ),
        (
            json!({"amount": "10.00", "date": tomorrow, "reference": "R"}),
            "future",
        ),
        (
            json!({"amount": "0.00", "date": yesterday(), "reference": "R"}),
            "positive",
        ),
        (
            json!({"amount": "10.00", "date": yesterday(), "reference": " "}),
            "reference",
        ),
        (
            json!({"amount": "10.00", "date": yesterday(), "reference": "R".repeat(141)}),
            "140",
        ),
    ];
    for (n, (body, reason)) in cases.into_iter().enumerate() {
        let refused = live
            .post(&url, &etude, Some(&format!("bad-{n}")), &body)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            refused.text
        );
        assert!(
            refused.body["message"].as_str().unwrap().contains(reason),
            "{body}: {}",
            refused.text
        );
    }
    let cents = json!({"amount": "10.001", "date": yesterday(), "reference": "R"});
    let cents = live.post(&url, &etude, Some("cents"), &cents).await;
    assert_eq!(
        cents.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        cents.text
    );

    // Exactly what is due is accepted; then nothing more is.
    let all = json!({"amount": entitlement(&claim).to_string(), "date": yesterday(), "reference": "SOLDE"});
    let all = live.post(&url, &etude, Some("all"), &all).await;
    assert_eq!(all.status, StatusCode::CREATED, "{}", all.text);
    assert_eq!(all.body["claim_balance"], "0.00");
    let more = json!({"amount": "0.01", "date": yesterday(), "reference": "R"});
    let more = live.post(&url, &etude, Some("more"), &more).await;
    assert_eq!(
        more.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        more.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_etude_of_the_procedure_records_dividends() {
    let live = Live::start().await;
    let etude = live.token(demo::ETUDE_USER).await;
    let claim = claim(&live, &etude).await;
    let url = path(routes::CLAIM_DIVIDENDS, claim["id"].to_string());
    let body = json!({"amount": "10.00", "date": yesterday(), "reference": "R"});
    for email in [demo::DEBTORS[0], demo::GUARANTORS[0], demo::ADMIN_USER] {
        let token = live.token(email).await;
        let refused = live.post(&url, &token, Some("k"), &body).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{email}: {}",
            refused.text
        );
        assert_eq!(refused.code(), "forbidden");
    }
    let no_key = live.post(&url, &etude, None, &body).await;
    assert_eq!(no_key.status, StatusCode::BAD_REQUEST, "{}", no_key.text);

    // A claim of another étude's procedure: not even there.
    let visible: Vec<i64> = all_claims(&live, &etude)
        .await
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let hidden = (1..).find(|id| !visible.contains(id)).unwrap();
    let other = path(routes::CLAIM_DIVIDENDS, hidden.to_string());
    let refused = live.post(&other, &etude, Some("k"), &body).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text);
    assert_eq!(live.get(&other, &etude).await.status, StatusCode::NOT_FOUND);

    // The étude's second user records under the same procedure.
    let colleague = live.token(demo::ETUDE_USER_2).await;
    let recorded = live.post(&url, &colleague, Some("k"), &body).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
}
