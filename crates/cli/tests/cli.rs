//! The built `claimdesk` binary against a real server on loopback, one home per
//! test. Uses the OS keyring: run under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-cli`.

mod common;

use claimdesk_api::records::{Claim, Procedure};
use claimdesk_api::routes;
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::{claimdesk, login, server_view};

fn one_sentence(stderr: &str) -> &str {
    let line = stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "one line: {stderr:?}");
    assert!(
        !line.contains("panicked") && !line.contains("backtrace"),
        "{line}"
    );
    line
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_etude_user_logs_in_syncs_reads_and_logs_out() {
    let server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();

    let run = login(home, &server, demo::ETUDE_USER).await;
    assert!(run.stdout.contains(demo::ETUDE_USER), "{}", run.stdout);
    let api = server_view(home, &server, demo::ETUDE_USER).await;

    // No --server from here on: the profile remembers it.
    let run = claimdesk(home, None, &["sync"], None).await.ok();
    let summary = run.stdout.trim();
    assert!(summary.starts_with("synced "), "{summary}");
    assert!(
        summary.contains(" procedures, ") && summary.ends_with(" documents"),
        "{summary}"
    );
    assert!(
        run.stderr.contains("page 1"),
        "progress on stderr: {}",
        run.stderr
    );

    let server_procedures = api.procedures().await.unwrap();
    let mut first_declared = None;
    let listed = claimdesk(home, None, &["procedures", "--json"], None)
        .await
        .ok()
        .json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), server_procedures.len());
    for (item, expected) in listed.iter().zip(&server_procedures) {
        let procedure: Procedure = serde_json::from_value(item.clone()).unwrap();
        assert_eq!(&procedure, expected);
        let claims: Vec<Claim> = api
            .get(&routes::path(routes::PROCEDURE_CLAIMS, expected.id), &[])
            .await
            .unwrap();
        assert_eq!(item["claim_count"], claims.len());
        let declared: claimdesk_domain::Money = claims.iter().map(|c| c.declared.total).sum();
        assert_eq!(item["declared_total"], declared.to_string());
        first_declared.get_or_insert(declared);
    }

    let table = claimdesk(home, None, &["procedures"], None)
        .await
        .ok()
        .stdout;
    let first = &server_procedures[0];
    assert!(table.contains(&first.debtor.name), "{table}");
    let declared = first_declared.unwrap().to_french();
    assert!(declared.ends_with("\u{a0}€") && declared.contains(','));
    assert!(
        table.contains(&declared),
        "{declared} in French format: {table}"
    );

    let id = first.id.to_string();
    let claims = claimdesk(home, None, &["claims", "--procedure", &id, "--json"], None)
        .await
        .ok()
        .json();
    let claims: Vec<Claim> = serde_json::from_value(claims).unwrap();
    let expected: Vec<Claim> = api
        .get(&routes::path(routes::PROCEDURE_CLAIMS, first.id), &[])
        .await
        .unwrap();
    assert_eq!(claims, expected);
    let text = claimdesk(home, None, &["claims", "--procedure", &id], None)
        .await
        .ok()
        .stdout;
    assert!(text.contains(&expected[0].dossier_reference), "{text}");

    let reference = &expected[0].dossier_reference;
    let shown = claimdesk(home, None, &["show", reference], None)
        .await
        .ok()
        .stdout;
    assert!(shown.contains(reference), "{shown}");
    let shown = claimdesk(home, None, &["show", reference, "--json"], None)
        .await
        .ok()
        .json();
    assert!(shown.to_string().contains(reference.as_str()));
    let missing = claimdesk(home, None, &["show", "NO-SUCH-REF"], None).await;
    assert_eq!(missing.code, 1);
    assert!(one_sentence(&missing.stderr).contains("NO-SUCH-REF"));

    let status = claimdesk(home, None, &["status", "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(status["user"]["email"], demo::ETUDE_USER);
    assert_eq!(status["online"], true);
    assert_eq!(status["pending_outbox"], 0);
    assert_eq!(status["counts"]["procedures"], server_procedures.len());
    assert!(status["last_synced_at"].is_string());
    let status = claimdesk(home, None, &["status"], None).await.ok().stdout;
    assert!(
        status.contains("online") && status.contains(demo::ETUDE_USER),
        "{status}"
    );

    let run = claimdesk(home, None, &["logout"], None).await.ok();
    assert!(run.stdout.contains("logged out"), "{}", run.stdout);
    assert!(
        api.me().await.is_err(),
        "the server no longer takes the session"
    );
    let after = claimdesk(home, None, &["procedures"], None).await;
    assert_eq!(after.code, 1);
    assert!(
        one_sentence(&after.stderr).contains("claimdesk login"),
        "{}",
        after.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_sees_their_dossier() {
    let server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    login(home, &server, demo::DEBTORS[0]).await;
    claimdesk(home, None, &["sync"], None).await.ok();
    let api = server_view(home, &server, demo::DEBTORS[0]).await;
    let dossier = &api.dossiers().await.unwrap()[0];
    let text = claimdesk(home, None, &["show", &dossier.reference], None)
        .await
        .ok()
        .stdout;
    assert!(
        text.contains(&dossier.reference) && text.contains(&dossier.debtor.name),
        "{text}"
    );
    let json = claimdesk(home, None, &["show", &dossier.reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(json["view"], "dossier");
    let detail: claimdesk_api::records::DossierDetail = serde_json::from_value(json).unwrap();
    assert_eq!(detail.dossier, *dossier);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_reads_come_from_the_store_and_sync_says_so() {
    let mut server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    login(home, &server, demo::ETUDE_USER).await;
    claimdesk(home, None, &["sync"], None).await.ok();
    let online = claimdesk(home, None, &["procedures", "--json"], None)
        .await
        .ok()
        .stdout;

    server.stop().await;

    let offline = claimdesk(home, None, &["procedures", "--json"], None)
        .await
        .ok()
        .stdout;
    assert_eq!(offline, online);
    claimdesk(home, None, &["procedures"], None).await.ok();
    let run = claimdesk(home, None, &["sync"], None).await.ok();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("offline, last synced at "),
        "{}",
        run.stderr
    );
    let run = claimdesk(home, None, &["status"], None).await.ok();
    assert!(run.stdout.contains("offline"), "{}", run.stdout);
    assert!(
        run.stderr.contains("offline, last synced at "),
        "{}",
        run.stderr
    );
    let status = claimdesk(home, None, &["status", "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(status["online"], false);

    let run = claimdesk(home, None, &["logout"], None).await.ok();
    assert!(run.stderr.contains("not reached"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_synced_and_offline_is_a_clear_error() {
    let mut server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    login(home, &server, demo::GUARANTORS[0]).await;
    let run = claimdesk(home, None, &["procedures"], None).await;
    assert_eq!(run.code, 1);
    assert!(
        one_sentence(&run.stderr).contains("claimdesk sync"),
        "{}",
        run.stderr
    );
    server.stop().await;
    let run = claimdesk(home, None, &["sync"], None).await;
    assert_eq!(run.code, 1);
    let line = one_sentence(&run.stderr);
    assert!(
        line.contains("cannot be reached") && line.contains("nothing has been synced"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_one_sentence_and_exit_1() {
    let server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();

    let run = claimdesk(home, None, &["status"], None).await.ok();
    assert!(run.stdout.contains("not logged in"), "{}", run.stdout);
    let run = claimdesk(home, None, &["sync"], None).await;
    assert_eq!(run.code, 1);
    assert!(one_sentence(&run.stderr).contains("claimdesk login"));

    let run = claimdesk(
        home,
        Some(&server.base_url),
        &["login", "--email", demo::ETUDE_USER, "--password-stdin"],
        Some("wrong password\n"),
    )
    .await;
    assert_eq!(run.code, 1);
    one_sentence(&run.stderr);
    // No terminal and no --password-stdin: refused rather than hanging.
    let run = claimdesk(
        home,
        Some(&server.base_url),
        &["login", "--email", demo::ETUDE_USER],
        None,
    )
    .await;
    assert_eq!(run.code, 1);
    assert!(one_sentence(&run.stderr).contains("--password-stdin"));
    let run = claimdesk(
        home,
        Some("not a url"),
        &["login", "--email", "x@y.fr", "--password-stdin"],
        Some("x\n"),
    )
    .await;
    assert_eq!(run.code, 1);
    one_sentence(&run.stderr);

    // A session on one server does not answer for another.
    login(home, &server, demo::DEBTORS[2]).await;
    let run = claimdesk(home, Some("http://127.0.0.1:9"), &["procedures"], None).await;
    assert_eq!(run.code, 1);
    assert!(
        one_sentence(&run.stderr).contains("signed in to"),
        "{}",
        run.stderr
    );
    let run = claimdesk(home, None, &["claims", "--procedure", "abc"], None).await;
    assert_eq!(run.code, 1, "a bad argument is refused like any error");
    assert!(run.stderr.contains("--procedure"), "{}", run.stderr);
}
