//! The sync story end to end: a real server on loopback with the demo data,
//! the real client core, and agency-side changes in between.

mod common;

use chrono::NaiveDate;
use claimdesk_api::admin::{ClaimDecision, NewClaim};
use claimdesk_client::SyncOutcome;
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use common::proxy::CuttingProxy;
use common::{Agency, server_view, sign_in, store_view};

fn money(text: &str) -> Money {
    text.parse().expect("amount")
}

async fn synced(client: &mut claimdesk_client::Claimdesk) -> claimdesk_client::SyncReport {
    match client.sync(|_| {}).await.expect("sync") {
        SyncOutcome::Synced(report) => report,
        other => panic!("expected a sync, got {other:?}"),
    }
}

#[tokio::test]
async fn every_role_converges_with_its_server_view() {
    let server = TestServer::start_demo().await;
    let mut seen = Vec::new();
    for email in [
        demo::ETUDE_USER,
        demo::ETUDE_USER_2,
        demo::DEBTORS[0],
        demo::DEBTORS[4],
        demo::GUARANTORS[0],
    ] {
        let mut user = sign_in(&server.base_url, email, 100).await;
        let report = synced(&mut user.client).await;
        let local = store_view(user.client.store().unwrap()).await;
        let remote = server_view(&user.api).await;
        assert!(remote.len() > 0, "{email} sees nothing");
        assert_eq!(
            local, remote,
            "{email}: store differs from the server's view"
        );
        assert_eq!(
            report.changes_applied as usize,
            local.len(),
            "{email}: a first sync applies each record once"
        );
        seen.push((email, remote));
    }
    let etude = &seen[0].1;
    assert!(
        etude.procedures.len() >= 40 && etude.claims.len() >= 300,
        "the demo étude's portfolio"
    );
    assert_eq!(
        seen[0].1, seen[1].1,
        "both users of the étude see the same records"
    );
    let debtor = &seen[2].1;
    assert!(!debtor.dossiers.is_empty());
    assert!(debtor.procedures.len() < etude.procedures.len());
    let guarantor = &seen[4].1;
    assert!(!guarantor.dossiers.is_empty());
    assert!(
        guarantor.procedures.is_empty(),
        "a guarantor sees only the dossiers it guarantees"
    );
    for claim in guarantor.claims.values() {
        assert!(
            guarantor
                .dossiers
                .values()
                .any(|d| d.reference == claim.dossier_reference),
            "guarantor sees claim {} outside its dossiers",
            claim.id
        );
    }
}

#[tokio::test]
async fn agency_changes_converge_and_revoked_access_is_purged_from_disk() {
    let server = TestServer::start_demo().await;
    let agency = Agency::new(&server).await;
    let mut etude = sign_in(&server.base_url, demo::ETUDE_USER, 50).await;
    synced(&mut etude.client).await;
    let before = store_view(etude.client.store().unwrap()).await;

    let pending = before
        .claims
        .values()
        .find(|c| c.admission == AdmissionStatus::Pending)
        .expect("a pending claim")
        .clone();
    let doomed = before
        .claims
        .values()
        .find(|c| c.id != pending.id)
        .expect("another claim")
        .clone();
    let revoked = before
        .procedures
        .values()
        .find(|p| p.id != pending.procedure_id && p.id != doomed.procedure_id)
        .expect("a third procedure")
        .clone();
    let revoked_claims: Vec<i64> = before
        .claims
        .values()
        .filter(|c| c.procedure_id == revoked.id)
        .map(|c| c.id)
        .collect();

    agency
        .decide(
            pending.id,
            ClaimDecision {
                admission: AdmissionStatus::Admitted,
                admitted_amount: None,
                decision_date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            },
        )
        .await;
    let added = agency
        .add_claim(NewClaim {
            procedure_id: pending.procedure_id,
            dossier_reference: pending.dossier_reference.clone(),
            principal: money("12345.67"),
            interest: money("210.03"),
            penalties: money("0.00"),
            fees: money("40.00"),
            to_fall_due: money("5000.00"),
            nature: ClaimNature::Unsecured,
            provisional: true,
            declaration_date: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
        })
        .await;
    agency.delete_claim(doomed.id).await;
    agency
        .revoke_etude(server.demo_etude_id().await, revoked.id)
        .await;

    synced(&mut etude.client).await;
    let store = etude.client.store().unwrap();
    let after = store_view(store).await;
    assert_eq!(
        after,
        server_view(&etude.api).await,
        "store differs from the server after the changes"
    );
    assert_eq!(
        after.claims[&pending.id].admission,
        AdmissionStatus::Admitted
    );
    assert_eq!(
        after.claims[&pending.id].admitted_amount,
        Some(pending.declared.total)
    );
    let new_claim = &after.claims[&added];
    assert_eq!(
        new_claim.declared.total,
        money("17595.70"),
        "declared lines add up to the cent"
    );
    assert!(
        !after.claims.contains_key(&doomed.id),
        "a deleted claim stays on disk"
    );
    assert!(
        !after.procedures.contains_key(&revoked.id),
        "a revoked procedure stays visible"
    );
    for id in &revoked_claims {
        assert!(
            !after.claims.contains_key(id),
            "claim {id} of a revoked procedure stays visible"
        );
    }

    // Purged means gone from the files, not only hidden from queries.
    store.checkpoint().await.expect("checkpoint");
    let mut bytes = std::fs::read(store.path()).expect("store file");
    if let Ok(wal) = std::fs::read(store.path().with_extension("sqlite-wal")) {
        bytes.extend(wal);
    }
    let needle = revoked.debtor.name.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "the revoked debtor's name {:?} is still in the store's files",
        revoked.debtor.name
    );

    // Access given back: everything returns.
    agency
        .grant_etude(server.demo_etude_id().await, revoked.id)
        .await;
    synced(&mut etude.client).await;
    let regranted = store_view(etude.client.store().unwrap()).await;
    assert_eq!(regranted, server_view(&etude.api).await);
    assert!(regranted.procedures.contains_key(&revoked.id));
    for id in &revoked_claims {
        assert!(regranted.claims.contains_key(id));
    }
}

#[tokio::test]
async fn a_sync_cut_between_pages_resumes_without_duplicates() {
    let server = TestServer::start_demo().await;
    let proxy = CuttingProxy::start(server.addr).await;
    let mut etude = sign_in(&proxy.base_url, demo::ETUDE_USER, 40).await;

    // Enough for a few pages of 40 records, not for all of them.
    proxy.cut_after(60_000);
    let first = etude.client.sync(|_| {}).await;
    assert!(
        matches!(first, Ok(SyncOutcome::Offline { .. }))
            || matches!(&first, Err(e) if !e.is_permanent()),
        "a cut is reported as offline or as a retryable error, got {first:?}"
    );
    let store = etude.client.store().unwrap();
    let partial = store_view(store).await;
    assert!(
        store.cursor().await.unwrap().is_some(),
        "pages before the cut were committed"
    );
    assert!(partial.len() > 0, "pages before the cut were kept");

    proxy.heal();
    let report = synced(&mut etude.client).await;
    let full = store_view(etude.client.store().unwrap()).await;
    assert!(partial.len() < full.len(), "the cut came before the end");
    assert_eq!(
        full,
        server_view(&etude.api).await,
        "resumed sync converges"
    );
    assert!(!report.restarted_from_scratch);
    assert!(
        (report.changes_applied as usize) < full.len(),
        "the resumed sync starts at the last committed cursor, not from the beginning ({} applied, {} records)",
        report.changes_applied,
        full.len()
    );
}

#[tokio::test]
async fn offline_the_synced_data_stays_readable() {
    let mut server = TestServer::start_demo().await;
    let mut debtor = sign_in(&server.base_url, demo::DEBTORS[1], 500).await;
    let report = synced(&mut debtor.client).await;
    let online = store_view(debtor.client.store().unwrap()).await;

    server.stop().await;
    match debtor
        .client
        .sync(|_| {})
        .await
        .expect("offline is not an error")
    {
        SyncOutcome::Offline { last_synced_at, .. } => {
            assert_eq!(last_synced_at, Some(report.synced_at))
        }
        other => panic!("expected offline, got {other:?}"),
    }
    assert_eq!(store_view(debtor.client.store().unwrap()).await, online);
    let dossiers = debtor.client.dossiers().await.expect("dossiers offline");
    assert_eq!(dossiers.len(), online.dossiers.len());
    let status = debtor.client.status().await.expect("status offline");
    assert!(!status.online);

    server.restart().await;
    assert!(debtor.client.status().await.unwrap().online);
}
