//! The client core against a real server on loopback with the demo data:
//! what a sync leaves on disk must be what the server shows that user.
//!
//! These tests use the OS keyring: run them under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-client`.

use std::path::Path;
use std::time::Duration;

use claimdesk_api::ErrorCode;
use claimdesk_api::records::{Claim, DossierDetail, Installment};
use claimdesk_client::http::Method;
use claimdesk_client::{
    ApiClient, Claimdesk, ClientError, Home, RetryPolicy, Shown, Store, SyncOutcome, SyncReport,
};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use tempfile::TempDir;

/// Loopback failures are immediate; no need to wait long between tries.
const FAST: RetryPolicy = RetryPolicy {
    max_tries: 2,
    base_delay: Duration::from_millis(20),
    max_delay: Duration::from_millis(50),
};

struct SignedIn {
    home: TempDir,
    desk: Claimdesk,
    /// The same session, to read the server's own view.
    api: ApiClient,
}

async fn sign_in(server: &TestServer, email: &str) -> SignedIn {
    let home = tempfile::tempdir().unwrap();
    let mut desk = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    desk.login(&server.base_url, email, demo::PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("{email} signs in: {e}"));
    let token = desk
        .keyring_slot()
        .unwrap()
        .load()
        .await
        .unwrap()
        .expect("the token is in the keyring");
    let api = ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(token)
        .with_retry(FAST);
    SignedIn { home, desk, api }
}

async fn synced(desk: &mut Claimdesk) -> SyncReport {
    match desk.sync(|_| {}).await.unwrap() {
        SyncOutcome::Synced(report) => report,
        offline => panic!("expected a sync, got {offline:?}"),
    }
}

async fn server_claims(api: &ApiClient) -> Vec<Claim> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = api.claims_page(after, 1000).await.unwrap();
        all.extend(page.claims);
        match page.next_after {
            Some(next) => after = Some(next),
            None => return all,
        }
    }
}

fn by_id<T>(mut rows: Vec<T>, id: impl Fn(&T) -> i64) -> Vec<T> {
    rows.sort_by_key(|r| id(r));
    rows
}

/// The store holds exactly the server's view for this user, row for row.
async fn assert_converged(store: &Store, api: &ApiClient) {
    assert_eq!(
        store.procedures().await.unwrap(),
        api.procedures().await.unwrap(),
        "procedures"
    );
    assert_eq!(
        store.claims().await.unwrap(),
        server_claims(api).await,
        "claims"
    );
    let dossiers = api.dossiers().await.unwrap();
    assert_eq!(store.dossiers().await.unwrap(), dossiers, "dossiers");
    let mut installments: Vec<Installment> = Vec::new();
    for d in &dossiers {
        installments.extend(api.installments(&d.reference).await.unwrap());
        let server: DossierDetail = api.dossier(&d.reference).await.unwrap();
        let local = store.dossier(&d.reference).await.unwrap().unwrap();
        assert_eq!(local.dossier, server.dossier);
        assert_eq!(
            by_id(local.installments, |i| i.id),
            by_id(server.installments, |i| i.id),
            "installments of {}",
            d.reference
        );
        assert_eq!(
            by_id(local.claims, |c| c.id),
            by_id(server.claims, |c| c.id),
            "claims of {}",
            d.reference
        );
    }
    assert_eq!(
        store.installments().await.unwrap(),
        by_id(installments, |i| i.id),
        "installments"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_syncs_exactly_what_the_server_shows_it() {
    let server = TestServer::start_demo().await;
    let mut users = vec![demo::ETUDE_USER, demo::ETUDE_USER_2];
    users.extend(demo::DEBTORS.iter().take(2));
    users.extend(demo::GUARANTORS.iter());
    for email in users {
        let SignedIn {
            home: _home,
            mut desk,
            api,
        } = sign_in(&server, email).await;
        let mut pages_seen = Vec::new();
        let report = match desk.sync(|p| pages_seen.push(p)).await.unwrap() {
            SyncOutcome::Synced(report) => report,
            other => panic!("{other:?}"),
        };
        assert!(report.changes_applied > 0, "{email} gets something");
        assert_eq!(pages_seen.len() as u32, report.pages);
        assert!(!pages_seen.last().unwrap().more);
        assert_eq!(
            pages_seen.last().unwrap().changes_applied,
            report.changes_applied
        );
        assert_eq!(report.counts, desk.store().unwrap().counts().await.unwrap());
        assert_converged(desk.store().unwrap(), &api).await;

        let counts = report.counts;
        if email.starts_with("etude") {
            assert!(counts.procedures >= 40, "{email}: {counts:?}");
            assert!(counts.claims >= 300, "{email}: {counts:?}");
            let summaries = desk.procedures().await.unwrap();
            assert_eq!(summaries.len() as u64, counts.procedures);
            let claim_count: u64 = summaries.iter().map(|s| s.claim_count).sum();
            assert_eq!(claim_count, counts.claims);
            let first = &summaries[0];
            let server_claims = api
                .get::<Vec<Claim>>(
                    &claimdesk_api::routes::path(
                        claimdesk_api::routes::PROCEDURE_CLAIMS,
                        first.procedure.id,
                    ),
                    &[],
                )
                .await
                .unwrap();
            assert_eq!(
                desk.claims(first.procedure.id).await.unwrap(),
                server_claims
            );
            let declared = server_claims.iter().map(|c| c.declared.total).sum();
            assert_eq!(first.declared_total, declared);
            // An étude reads a dossier reference as the claims declared under it.
            let reference = &server_claims[0].dossier_reference;
            match desk.show(reference).await.unwrap() {
                Shown::Claims { claims, .. } => {
                    assert!(
                        claims
                            .iter()
                            .all(|c| &c.claim.dossier_reference == reference)
                    );
                    assert!(claims.iter().all(|c| c.procedure.is_some()));
                }
                Shown::Dossier(d) => assert_eq!(&d.dossier.reference, reference),
            }
        } else {
            assert!(counts.dossiers >= 1, "{email}: {counts:?}");
            let dossier = &desk.dossiers().await.unwrap()[0];
            match desk.show(&dossier.reference).await.unwrap() {
                Shown::Dossier(detail) => {
                    assert_eq!(detail.dossier, *dossier);
                }
                other => panic!("{other:?}"),
            }
        }

        // Nothing new: a second sync applies nothing and changes nothing.
        let again = synced(&mut desk).await;
        assert_eq!(again.changes_applied, 0, "{email}");
        assert_eq!(again.counts, counts);
    }
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_lives_in_the_keyring_only_and_logout_ends_it() {
    let server = TestServer::start_demo().await;
    let SignedIn {
        home,
        mut desk,
        api,
    } = sign_in(&server, demo::DEBTORS[0]).await;
    synced(&mut desk).await;
    let token = api.token().unwrap().expose().to_owned();
    let slot = desk.keyring_slot().unwrap();

    // Another process reads it from the Secret Service under our names.
    let lookup = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "claimdesk", "username", slot.account()])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    assert!(lookup.status.success(), "{lookup:?}");
    assert_eq!(String::from_utf8_lossy(&lookup.stdout).trim(), token);

    // Not in any file of the home (profile, store, its WAL), not in debug output.
    let files = files_under(home.path());
    assert!(files.iter().any(|f| f.ends_with("profile.json")));
    assert!(files.iter().any(|f| f.ends_with("store.sqlite")));
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !contains(&bytes, token.as_bytes()),
            "{} holds the token",
            file.display()
        );
    }
    assert!(!format!("{desk:?} {api:?}").contains(&token));

    let outcome = desk.logout().await.unwrap();
    assert!(outcome.server_reached);
    assert_eq!(slot.load().await.unwrap(), None, "logout deletes the token");
    match api.me().await {
        Err(ClientError::Api { status: 401, .. }) => {}
        other => panic!("the server still takes the old token: {other:?}"),
    }
    assert!(desk.session().is_none());
    assert!(matches!(
        desk.procedures().await,
        Err(ClientError::NotLoggedIn)
    ));
    let reopened = Claimdesk::open(Home::new(home.path())).await.unwrap();
    assert!(reopened.session().is_none());
    assert!(matches!(
        Claimdesk::open(Home::new(home.path()))
            .await
            .unwrap()
            .sync(|_| {})
            .await,
        Err(ClientError::NotLoggedIn)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_synced_reads_offline_and_sync_says_offline() {
    let mut server = TestServer::start_demo().await;
    let SignedIn { home, mut desk, .. } = sign_in(&server, demo::ETUDE_USER).await;
    let report = synced(&mut desk).await;
    let procedures = desk.procedures().await.unwrap();
    let first = procedures[0].procedure.id;
    let claims = desk.claims(first).await.unwrap();
    assert!(desk.status().await.unwrap().online);

    server.stop().await;

    // A fresh process: everything from the disk, nothing from the network.
    let mut offline = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    assert_eq!(offline.procedures().await.unwrap(), procedures);
    assert_eq!(offline.claims(first).await.unwrap(), claims);
    let reference = claims[0].dossier_reference.clone();
    assert!(offline.show(&reference).await.is_ok());
    match offline.sync(|_| {}).await.unwrap() {
        SyncOutcome::Offline {
            server: s,
            last_synced_at,
        } => {
            assert_eq!(s, server.base_url);
            assert_eq!(last_synced_at, Some(report.synced_at));
        }
        other => panic!("{other:?}"),
    }
    let status = offline.status().await.unwrap();
    assert!(!status.online);
    assert_eq!(status.last_synced_at, Some(report.synced_at));
    assert_eq!(status.counts, report.counts);
    assert_eq!(status.pending_outbox, 0);

    server.restart().await;
    let back = synced(&mut offline).await;
    assert_eq!(back.changes_applied, 0);
    assert!(back.synced_at > report.synced_at);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_offline_still_forgets_the_token() {
    let mut server = TestServer::start_demo().await;
    let SignedIn {
        home: _home,
        mut desk,
        api,
    } = sign_in(&server, demo::GUARANTORS[0]).await;
    let slot = desk.keyring_slot().unwrap();
    server.stop().await;
    let outcome = desk.logout().await.unwrap();
    assert!(!outcome.server_reached);
    assert_eq!(slot.load().await.unwrap(), None);
    // The server was not told: the session is still open there until it expires.
    server.restart().await;
    assert!(api.me().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_sync_resumes_from_its_last_page() {
    let server = TestServer::start_demo().await;
    let SignedIn { home, desk, api } = sign_in(&server, demo::ETUDE_USER).await;
    let mut desk = desk.with_page_size(40);

    // Stop the sync (as a crash or a closed window would) once three pages are on disk.
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut stop_tx = Some(stop_tx);
    tokio::select! {
        outcome = desk.sync(move |p| {
            if p.pages == 3 && let Some(tx) = stop_tx.take() {
                let _ = tx.send(());
            }
        }) => panic!("the sync ran to its end: {outcome:?}"),
        _ = stop_rx => {}
    }
    let store = desk.store().unwrap();
    assert!(store.cursor().await.unwrap().is_some());
    assert_eq!(store.last_sync().await.unwrap(), None);
    let partial = store.counts().await.unwrap().total();
    assert!(
        (120..200).contains(&partial),
        "{partial} rows after 3 pages of 40"
    );

    // A new process picks it up from the cursor on disk.
    let mut resumed = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_page_size(40);
    let report = synced(&mut resumed).await;
    assert!(!report.restarted_from_scratch);
    assert_eq!(
        report.counts.total(),
        partial + report.applied.upserted.total() - report.applied.deleted.total(),
        "only what was missing is fetched again"
    );
    assert_converged(resumed.store().unwrap(), &api).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_cursor_syncs_again_from_scratch() {
    let server = TestServer::start_demo().await;
    let SignedIn {
        home: _home,
        mut desk,
        api,
    } = sign_in(&server, demo::DEBTORS[1]).await;
    synced(&mut desk).await;
    // A cursor this server never issued (a reset server, another user's).
    desk.store()
        .unwrap()
        .apply_page(&[], "not-a-cursor-of-this-server", None)
        .await
        .unwrap();
    let report = synced(&mut desk).await;
    assert!(report.restarted_from_scratch);
    assert_converged(desk.store().unwrap(), &api).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agency_changes_reach_the_store_at_the_next_sync() {
    use claimdesk_api::admin::{
        Changed, ClaimDecision, Grant, GrantObject, GrantSubject, NewClaim,
    };
    use claimdesk_api::routes;
    use claimdesk_domain::{AdmissionStatus, ClaimNature, Money};

    let server = TestServer::start_demo().await;
    let SignedIn {
        home: _home,
        mut desk,
        api,
    } = sign_in(&server, demo::ETUDE_USER).await;
    synced(&mut desk).await;
    let admin =
        ApiClient::new(&server.base_url)
            .unwrap()
            .with_token(claimdesk_client::SessionToken::new(
                server.admin_token().await,
            ));
    let claims = desk.store().unwrap().claims().await.unwrap();
    let pending = claims
        .iter()
        .find(|c| c.admission == AdmissionStatus::Pending)
        .expect("a pending claim in the demo")
        .clone();
    let doomed = claims.iter().find(|c| c.id != pending.id).unwrap().clone();

    let _: Changed = admin
        .call(
            Method::POST,
            &routes::path(routes::ADMIN_CLAIM_DECISION, pending.id),
            Some(&ClaimDecision {
                admission: AdmissionStatus::Admitted,
                admitted_amount: None,
                decision_date: pending.declaration_date + chrono::Days::new(60),
            }),
        )
        .await
        .unwrap();
    let added: Changed = admin
        .call(
            Method::POST,
            routes::ADMIN_CLAIMS,
            Some(&NewClaim {
                procedure_id: pending.procedure_id,
                dossier_reference: pending.dossier_reference.clone(),
                principal: "1234.56".parse::<Money>().unwrap(),
                interest: Money::ZERO,
                penalties: Money::ZERO,
                fees: "0.44".parse::<Money>().unwrap(),
                to_fall_due: Money::ZERO,
                nature: ClaimNature::Unsecured,
                provisional: true,
                declaration_date: pending.declaration_date,
            }),
        )
        .await
        .unwrap();
    admin
        .call_no_content::<()>(
            Method::DELETE,
            &routes::path(routes::ADMIN_CLAIM, doomed.id),
            None,
        )
        .await
        .unwrap();

    let report = synced(&mut desk).await;
    assert!(report.applied.deleted.claims >= 1);
    let store = desk.store().unwrap();
    let local = store.claims().await.unwrap();
    assert!(local.iter().all(|c| c.id != doomed.id), "deleted on disk");
    let new = local.iter().find(|c| c.id == added.id).expect("added");
    assert_eq!(new.declared.total, "1235.00".parse::<Money>().unwrap());
    let decided = local.iter().find(|c| c.id == pending.id).unwrap();
    assert_eq!(decided.admission, AdmissionStatus::Admitted);
    assert_converged(store, &api).await;

    // The étude loses a procedure: it and its claims leave the disk.
    let procedures = store.procedures().await.unwrap();
    let revoked = procedures
        .iter()
        .filter(|p| p.id != pending.procedure_id)
        .find(|p| {
            procedures
                .iter()
                .filter(|q| q.debtor.name == p.debtor.name)
                .count()
                == 1
        })
        .unwrap()
        .clone();
    assert!(
        !store
            .claims_of_procedure(revoked.id)
            .await
            .unwrap()
            .is_empty()
    );
    let store_dir = store.path().parent().unwrap().to_path_buf();
    let on_disk = |needle: &str| {
        files_under(&store_dir)
            .iter()
            .any(|f| contains(&std::fs::read(f).unwrap(), needle.as_bytes()))
    };
    assert!(on_disk(&revoked.debtor.name));
    admin
        .call_no_content(
            Method::POST,
            routes::ADMIN_GRANTS_REVOKE,
            Some(&Grant {
                subject: GrantSubject::Etude {
                    id: server.demo_etude_id().await,
                },
                object: GrantObject::Procedure { id: revoked.id },
            }),
        )
        .await
        .expect("the demo étude had this procedure");
    let report = synced(&mut desk).await;
    assert_eq!(report.applied.deleted.procedures, 1);
    let store = desk.store().unwrap();
    assert!(store.procedure(revoked.id).await.unwrap().is_none());
    assert!(
        store
            .claims_of_procedure(revoked.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_converged(store, &api).await;
    assert!(
        !on_disk(&revoked.debtor.name),
        "purged rows are overwritten, not left in free pages or the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_activates_with_the_code_of_their_letter() {
    use claimdesk_api::admin::{ActivationCode, ActivationCodeRequest};
    use claimdesk_api::auth::Role;

    let server = TestServer::start_demo().await;
    let debtor =
        ApiClient::new(&server.base_url)
            .unwrap()
            .with_token(claimdesk_client::SessionToken::new(
                server.token_for(demo::DEBTORS[0]).await,
            ));
    let dossier = debtor.dossiers().await.unwrap().remove(0);
    let admin =
        ApiClient::new(&server.base_url)
            .unwrap()
            .with_token(claimdesk_client::SessionToken::new(
                server.admin_token().await,
            ));
    let letter: ActivationCode = admin
        .call(
            Method::POST,
            claimdesk_api::routes::ADMIN_ACTIVATION_CODES,
            Some(&ActivationCodeRequest {
                reference: dossier.reference.clone(),
                role: Role::Debtor,
                display_name: dossier.debtor.name.clone(),
            }),
        )
        .await
        .unwrap();

    let home = tempfile::tempdir().unwrap();
    let mut desk = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    let user = desk
        .activate(
            &server.base_url,
            &dossier.reference,
            &letter.code,
            "comptabilite@nouveau-debiteur.fr",
            "une phrase de passe assez longue",
        )
        .await
        .unwrap();
    assert_eq!(user.role, Role::Debtor);
    assert!(desk.keyring_slot().unwrap().load().await.unwrap().is_some());
    synced(&mut desk).await;
    assert!(
        desk.dossiers()
            .await
            .unwrap()
            .iter()
            .any(|d| d.reference == dossier.reference)
    );
    // The code was single-use.
    let mut other = Claimdesk::open(Home::new(tempfile::tempdir().unwrap().path()))
        .await
        .unwrap();
    let e = other
        .activate(
            &server.base_url,
            &dossier.reference,
            &letter.code,
            "autre@nouveau-debiteur.fr",
            "une autre phrase de passe longue",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code().as_str(), "activation_invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_close_to_idle_expiry_is_refreshed_before_syncing() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = claimdesk_server::Config::new(dir.path());
    // Shorter than the client's refresh margin: every use refreshes first.
    config.session_idle_timeout = Duration::from_secs(120);
    let server = TestServer::start_with(config).await;
    let SignedIn {
        home: _home,
        mut desk,
        api,
    } = sign_in(&server, demo::DEBTORS[0]).await;
    let slot = desk.keyring_slot().unwrap();
    let before = desk.session().unwrap().idle_expires_at;
    synced(&mut desk).await;
    let rotated = slot.load().await.unwrap().unwrap();
    assert_ne!(Some(&rotated), api.token(), "a refresh rotates the token");
    assert!(desk.session().unwrap().idle_expires_at >= before);
    assert!(matches!(
        api.me().await,
        Err(ClientError::Api { status: 401, .. })
    ));
    let fresh = ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(rotated);
    assert_eq!(fresh.me().await.unwrap().email, demo::DEBTORS[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_and_dead_servers_give_typed_errors() {
    let mut server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let mut desk = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    let e = desk
        .login(&server.base_url, demo::ETUDE_USER, "not-the-password")
        .await
        .unwrap_err();
    assert_eq!(e.code().as_str(), ErrorCode::InvalidCredentials.as_str());
    assert!(e.is_permanent());
    assert!(desk.session().is_none());
    server.stop().await;
    let e = desk
        .login(&server.base_url, demo::ETUDE_USER, demo::PASSWORD)
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Offline { .. }), "{e:?}");
    assert!(!e.is_permanent());
    assert_eq!(e.code().as_str(), "offline");
}
