//! `claimdesk statement | rib | attestation | export` against a real server,
//! and offline: the filed copies, then a provisional statement.
//! Run with `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-cli`.

mod common;

use std::path::Path;
use std::process::Command;

use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::claimdesk;

async fn signed_in(server: &TestServer, email: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    common::login(home.path(), server, email).await;
    claimdesk(home.path(), None, &["sync"], None).await.ok();
    home
}

fn pdf_checks(file: &Path) -> String {
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
async fn a_debtor_downloads_statements_and_reads_them_offline() {
    let mut server = TestServer::start_demo().await;
    let home = signed_in(&server, demo::DEBTORS[0]).await;
    let home = home.path();
    let store_dossiers: Vec<claimdesk_api::records::Dossier> = {
        let api = claimdesk_client::ApiClient::new(&server.base_url)
            .unwrap()
            .with_token(claimdesk_client::SessionToken::new(
                server.token_for(demo::DEBTORS[0]).await,
            ));
        api.dossiers().await.unwrap()
    };
    let owing = store_dossiers
        .iter()
        .find(|d| d.procedure_id.is_some())
        .unwrap();
    let settled = store_dossiers.iter().find(|d| d.balance.is_zero()).unwrap();
    let reference = owing.reference.as_str();

    let statement = claimdesk(home, None, &["statement", reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(statement["origin"], "server");
    assert_eq!(statement["statement"]["provisional"], false);
    let text = claimdesk(home, None, &["statement", reference], None)
        .await
        .ok()
        .stdout;
    let total: claimdesk_domain::Money = statement["statement"]["total"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        text.contains(&format!("Total {}", total.to_french())),
        "{text}"
    );
    assert!(text.contains("produced by the server"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("decompte.pdf");
    claimdesk(
        home,
        None,
        &["statement", reference, "--pdf", pdf.to_str().unwrap()],
        None,
    )
    .await
    .ok();
    let words = pdf_checks(&pdf);
    assert!(
        words.contains(reference) && words.contains("Décompte"),
        "{words}"
    );
    assert!(!words.contains("PROVISOIRE"));

    let rib = claimdesk(home, None, &["rib", reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(rib["rib"]["iban"], owing.rib.iban.as_str());
    let rib_pdf = dir.path().join("rib.pdf");
    claimdesk(
        home,
        None,
        &["rib", reference, "--pdf", rib_pdf.to_str().unwrap()],
        None,
    )
    .await
    .ok();
    assert!(pdf_checks(&rib_pdf).contains(&owing.rib.holder));

    let refused = claimdesk(
        home,
        None,
        &[
            "attestation",
            reference,
            "--pdf",
            dir.path().join("no.pdf").to_str().unwrap(),
        ],
        None,
    )
    .await;
    assert_eq!(refused.code, 1);
    assert!(!dir.path().join("no.pdf").exists());
    let attestation = dir.path().join("attestation.pdf");
    claimdesk(
        home,
        None,
        &[
            "attestation",
            &settled.reference,
            "--pdf",
            attestation.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    assert!(pdf_checks(&attestation).contains(&settled.reference));

    server.stop().await;

    // Offline: the filed copy, with the time it was produced.
    let cached = claimdesk(home, None, &["statement", reference, "--json"], None)
        .await
        .ok()
        .json();
    assert_eq!(cached["origin"], "cache");
    assert_eq!(cached["statement"], statement["statement"]);
    let offline_pdf = dir.path().join("offline.pdf");
    let run = claimdesk(
        home,
        None,
        &[
            "statement",
            reference,
            "--pdf",
            offline_pdf.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    assert!(run.stderr.contains("OFFLINE"));
    assert_eq!(
        std::fs::read(&offline_pdf).unwrap(),
        std::fs::read(&pdf).unwrap()
    );

    // Never fetched at that date: computed here, and marked so.
    let provisional = claimdesk(
        home,
        None,
        &["statement", reference, "--date", "2025-06-30", "--json"],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(provisional["origin"], "provisional");
    assert_eq!(provisional["statement"]["provisional"], true);
    assert_eq!(provisional["statement"]["as_of"], "2025-06-30");
    let provisional_pdf = dir.path().join("provisional.pdf");
    claimdesk(
        home,
        None,
        &[
            "statement",
            reference,
            "--date",
            "2025-06-30",
            "--pdf",
            provisional_pdf.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    assert!(pdf_checks(&provisional_pdf).contains("PROVISOIRE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mandataire_exports_a_procedure() {
    let server = TestServer::start_demo().await;
    let home = signed_in(&server, demo::ETUDE_USER).await;
    let home = home.path();
    let procedures = claimdesk(home, None, &["procedures", "--json"], None)
        .await
        .ok()
        .json();
    let id = procedures[0]["id"].as_i64().unwrap();
    let claims = claimdesk(
        home,
        None,
        &["claims", "--procedure", &id.to_string(), "--json"],
        None,
    )
    .await
    .ok()
    .json();
    let claims = claims.as_array().unwrap();
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("export");
    claimdesk(
        home,
        None,
        &[
            "export",
            "--procedure",
            &id.to_string(),
            "--out",
            folder.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    let mut csv = csv_rows(&folder.join("creances.csv"));
    let header = csv.remove(0);
    assert_eq!(header[0], "id");
    assert_eq!(csv.len(), claims.len());
    for (row, claim) in csv.iter().zip(claims) {
        assert_eq!(row[0], claim["id"].as_i64().unwrap().to_string());
        assert_eq!(row[9], claim["declared"]["total"].as_str().unwrap());
        let statement = folder.join(&row[13]);
        let words = pdf_checks(&statement);
        let total: claimdesk_domain::Money = row[9].parse().unwrap();
        assert!(
            words.contains(&total.to_french().replace(['\u{202f}', '\u{a0}'], " ")),
            "{words}"
        );
        assert!(folder.join(&row[14]).exists());
    }
    let first = claims[0]["id"].as_i64().unwrap();
    let declared = claimdesk(
        home,
        None,
        &["statement", &format!("claim:{first}"), "--json"],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(declared["statement"]["declared_claim"], true);
    assert_eq!(
        declared["statement"]["total"],
        claims[0]["declared"]["total"]
    );
}

fn csv_rows(file: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(file)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}
