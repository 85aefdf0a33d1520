//! `claimdesk request | requests | thread | reply | complaint | escalate |
//! request-types` against a real server.
//! Run with `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-cli`.

mod common;

use std::path::Path;

use claimdesk_api::requests::NewMessage;
use claimdesk_api::routes;
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::{Run, claimdesk};

/// The binary in a language of `LANG`'s choosing.
async fn in_lang(home: &Path, lang: &str, args: &[&str]) -> Run {
    let mut command = common::command(home, args);
    command.env("LANG", lang).env_remove("LC_ALL");
    let out = command.output().await.expect("the claimdesk binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A debtor signed in and synced, with the reference of their first dossier.
async fn debtor(server: &TestServer) -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().unwrap();
    common::login(home.path(), server, demo::DEBTORS[0]).await;
    claimdesk(home.path(), None, &["sync"], None).await.ok();
    let api = common::server_view(home.path(), server, demo::DEBTORS[0]).await;
    let reference = api.dossiers().await.unwrap()[0].reference.clone();
    (home, reference)
}

/// A thread as `thread --json` prints it (which marks it read).
async fn thread_json(home: &Path, id: i64) -> serde_json::Value {
    claimdesk(home, None, &["thread", &id.to_string(), "--json"], None)
        .await
        .ok()
        .json()
}

fn id_of(run: &Run) -> i64 {
    run.stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("an id: {:?} / {:?}", run.stdout, run.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_missing_a_field_is_refused_in_the_users_language_and_a_valid_one_prints_its_id()
{
    let server = TestServer::start_demo().await;
    let (home, reference) = debtor(&server).await;
    let home = home.path();
    let offer = [
        "request",
        reference.as_str(),
        "--type",
        "settlement_offer",
        "--field",
        "offered_amount=abc",
    ];
    let en = in_lang(home, "C.UTF-8", &offer).await;
    assert_eq!(en.code, 1, "{}", en.stderr);
    assert!(en.stdout.is_empty(), "{}", en.stdout);
    assert_eq!(
        en.stderr.trim(),
        "claimdesk: the request cannot be sent: “amount offered” must be a positive amount in \
         euros with at most two decimals; “proposal” is required"
    );
    let fr = in_lang(home, "fr_FR.UTF-8", &offer).await;
    assert_eq!(fr.code, 1, "{}", fr.stderr);
    assert_eq!(
        fr.stderr.trim(),
        "claimdesk: la demande ne peut pas être envoyée : « montant proposé » doit être un \
         montant positif en euros, avec au plus deux décimales; « proposition » est obligatoire"
    );
    let unknown = in_lang(home, "C", &["request", &reference, "--type", "nope"]).await;
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("still_chased"),
        "{}",
        unknown.stderr
    );
    // Nothing was queued.
    let outbox = claimdesk(home, None, &["outbox", "--json"], None)
        .await
        .ok();
    assert_eq!(
        outbox.json().as_array().map(Vec::len),
        Some(0),
        "{}",
        outbox.stdout
    );

    let paid = |amount: &str| {
        [
            "request",
            reference.as_str(),
            "--type",
            "payment_made",
            "--field",
            "payment_date=2026-01-15",
            "--field",
            &format!("amount={amount}"),
            "--field",
            "message=Payé par virement",
        ]
        .map(str::to_owned)
    };
    let refused = paid("80,00");
    let refused: Vec<&str> = refused.iter().map(String::as_str).collect();
    let sent = in_lang(home, "C", &refused).await;
    // The CLI passes values as typed: a comma is not an amount.
    assert_eq!(sent.code, 1);
    assert!(sent.stderr.contains("“amount”"), "{}", sent.stderr);
    let valid = paid("80.00");
    let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
    let sent = claimdesk(home, None, &valid, None).await.ok();
    let id = id_of(&sent);
    let listed = claimdesk(home, None, &["requests", &reference], None)
        .await
        .ok();
    let row = listed
        .stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(&id.to_string()))
        .unwrap_or_else(|| panic!("{id} listed: {}", listed.stdout));
    assert!(
        row.contains("payment_made") && row.contains("sent"),
        "{row}"
    );
    let json = claimdesk(home, None, &["requests", "--json"], None)
        .await
        .ok()
        .json();
    let mine = json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["request"]["id"] == id)
        .unwrap();
    assert_eq!(mine["request"]["fields"]["amount"], "80.00");
    assert_eq!(mine["unread"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_shows_the_agencys_answer_once_read_and_takes_a_reply() {
    let server = TestServer::start_demo().await;
    let (home, reference) = debtor(&server).await;
    let home = home.path();
    let sent = claimdesk(
        home,
        None,
        &[
            "request",
            &reference,
            "--type",
            "question",
            "--field",
            "message=Quand se termine mon plan ?",
        ],
        None,
    )
    .await
    .ok();
    let id = id_of(&sent);
    let admin = claimdesk_client::ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(claimdesk_client::SessionToken::new(
            server.admin_token().await,
        ));
    let _: claimdesk_api::requests::Message = admin
        .call(
            claimdesk_client::http::Method::POST,
            &routes::path(routes::ADMIN_REQUEST_MESSAGES, id),
            Some(&NewMessage {
                text: "Le 15/03/2027.".into(),
                attachments: Vec::new(),
            }),
        )
        .await
        .unwrap();
    claimdesk(home, None, &["sync"], None).await.ok();
    let unread = |json: serde_json::Value| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|s| s["request"]["id"] == id)
            .map(|s| s["unread"].as_u64().unwrap())
            .unwrap()
    };
    let listed = claimdesk(home, None, &["requests", &reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(unread(listed), 1);
    let thread = claimdesk(home, None, &["thread", &id.to_string()], None)
        .await
        .ok();
    assert!(
        thread.stdout.contains("Quand se termine mon plan ?"),
        "{}",
        thread.stdout
    );
    assert!(thread.stdout.contains("(agency)"), "{}", thread.stdout);
    assert!(
        thread.stdout.contains("Le 15/03/2027."),
        "{}",
        thread.stdout
    );
    let listed = claimdesk(home, None, &["requests", &reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(unread(listed), 0, "read once shown");

    let file = home.join("releve.pdf");
    std::fs::write(&file, claimdesk_server::testing::pdf_bytes(4_000, 9)).unwrap();
    let reply = claimdesk(
        home,
        None,
        &[
            "reply",
            &id.to_string(),
            "--text",
            "Merci !",
            "--attach",
            file.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    let message_id = id_of(&reply);
    let thread = thread_json(home, id).await;
    let last = thread["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["id"], message_id);
    assert_eq!(last["text"], "Merci !");
    assert_eq!(last["attachments"].as_array().unwrap().len(), 1);
    let empty = claimdesk(home, None, &["reply", &id.to_string(), "--text", " "], None).await;
    assert_eq!(empty.code, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_is_made_and_its_escalation_refused_before_two_months_with_the_date() {
    let mut server = TestServer::start_demo().await;
    let (home, reference) = debtor(&server).await;
    let home = home.path();
    let made = claimdesk(
        home,
        None,
        &[
            "complaint",
            &reference,
            "--reason",
            "disputed_amount",
            "--text",
            "Mon versement de mars n'apparaît pas.",
        ],
        None,
    )
    .await
    .ok();
    let id = id_of(&made);
    let thread = thread_json(home, id).await;
    assert_eq!(thread["request"]["type"], "complaint");
    let opens: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(thread["request"]["mediation_from"].clone()).unwrap();
    let refused = claimdesk(home, None, &["escalate", &id.to_string()], None).await;
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    assert!(
        refused
            .stderr
            .contains(&opens.format("%Y-%m-%d").to_string()),
        "says from when: {}",
        refused.stderr
    );
    let bad = claimdesk(
        home,
        None,
        &["complaint", &reference, "--reason", "angry", "--text", "x"],
        None,
    )
    .await;
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("blocked_situation"), "{}", bad.stderr);

    // Offline, a request waits and is sent once the server is back.
    server.stop().await;
    let queued = claimdesk(
        home,
        None,
        &["request", &reference, "--type", "statement"],
        None,
    )
    .await
    .ok();
    assert_eq!(queued.stdout.trim(), "queued");
    let offline = claimdesk(home, None, &["escalate", &id.to_string()], None).await;
    assert_eq!(offline.code, 1);
    assert!(
        offline.stderr.contains("needs the network"),
        "{}",
        offline.stderr
    );
    server.restart().await;
    claimdesk(home, None, &["outbox"], None).await.ok();
    let json = claimdesk(home, None, &["requests", &reference, "--json"], None)
        .await
        .ok()
        .json();
    let statements = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["request"]["type"] == "statement")
        .count();
    assert_eq!(statements, 1);
}

#[tokio::test]
async fn request_types_list_every_type_with_its_fields() {
    let home = tempfile::tempdir().unwrap();
    let text = claimdesk(home.path(), None, &["request-types"], None)
        .await
        .ok();
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines.len(), 22);
    assert!(
        lines.contains(
            &"overpayment_refund\toverpaid_amount:amount* payment_date:past_date* \
              refund_iban:iban* refund_holder:line*"
        ),
        "{}",
        text.stdout
    );
    let json = claimdesk(home.path(), None, &["request-types", "--json"], None)
        .await
        .ok()
        .json();
    let complaint = json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "complaint")
        .unwrap();
    assert_eq!(complaint["label"]["fr"], "Réclamation");
    assert_eq!(complaint["fields"][0]["choices"][0], "blocked_situation");
}
