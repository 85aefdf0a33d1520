//! The search box answered by the local store: what it finds, that it follows
//! every write of the sync (upserts, replacements, deletions, wipes), and that
//! it stays instant on 50,000 claims.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use claimdesk_api::records::{Claim, Company, Contact, DeclaredAmounts, Dossier, Procedure};
use claimdesk_api::sync::{Change, Entity, EntityKind};
use claimdesk_client::search::search;
use claimdesk_client::{SearchHitKind, Store};
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage};

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn company(name: &str, siren: &str) -> Company {
    Company {
        name: name.into(),
        siren: siren.into(),
        rcs: format!("RCS Lyon {siren}"),
        legal_form: "SAS".into(),
        address: "1 rue de la République, 69002 Lyon".into(),
    }
}

fn procedure(id: i64, name: &str, siren: &str, tribunal: &str) -> Change {
    Change::Upsert {
        entity: Entity::Procedure(Procedure {
            id,
            kind: ProcedureKind::RedressementJudiciaire,
            stage: ProcedureStage::Observation,
            debtor: company(name, siren),
            tribunal: tribunal.into(),
            judgment_date: date(),
            bodacc_date: Some(date()),
            declaration_deadline: None,
            etude_name: "SELARL Martin".into(),
            mandataire: "Me Martin".into(),
            administrateur: None,
            juge_commissaire: None,
            plan_end_date: None,
            deadlines: Default::default(),
        }),
    }
}

fn claim(id: i64, procedure_id: i64, reference: &str, creditor: &str) -> Change {
    let m = Money::from_cents(id * 100 + 1);
    Change::Upsert {
        entity: Entity::Claim(Claim {
            id,
            procedure_id,
            dossier_reference: reference.into(),
            creditor: creditor.into(),
            servicing_entity: "Recouvrement Services SAS".into(),
            declared: DeclaredAmounts {
                principal: m,
                interest: Money::ZERO,
                penalties: Money::ZERO,
                fees: Money::ZERO,
                to_fall_due: Money::ZERO,
                total: m,
            },
            nature: ClaimNature::Unsecured,
            provisional: false,
            declaration_date: date(),
            late: false,
            admission: AdmissionStatus::Pending,
            admitted_amount: None,
            decision_date: None,
        }),
    }
}

fn dossier(id: i64, reference: &str, name: &str, siren: &str) -> Change {
    Change::Upsert {
        entity: Entity::Dossier(Dossier {
            id,
            reference: reference.into(),
            debtor: company(name, siren),
            creditor: "Banque Populaire".into(),
            servicing_entity: "Recouvrement Services SAS".into(),
            manager: Contact {
                name: "Julie Bernard".into(),
                email: "j.bernard@example.fr".into(),
                phone: "04 72 00 00 00".into(),
            },
            procedure_id: Some(1),
            procedure_kind: Some(ProcedureKind::RedressementJudiciaire),
            opened_on: date(),
            principal: Money::from_cents(100_000),
            balance: Money::from_cents(50_000),
            guarantees: vec![],
            judgment_date: None,
            servicer: Default::default(),
            rib: Default::default(),
            ledger: Default::default(),
        }),
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store.sqlite")).await.unwrap();
    (dir, store)
}

fn kinds_and_ids(hits: &[claimdesk_client::SearchHit]) -> Vec<(SearchHitKind, i64)> {
    hits.iter().map(|h| (h.kind, h.id)).collect()
}

#[tokio::test]
async fn finds_names_sirens_tribunals_references_and_creditors_whatever_the_case_and_accents() {
    let (_dir, store) = store().await;
    store
        .apply_page(
            &[
                procedure(
                    1,
                    "Société Générale d'Éclairage",
                    "552100554",
                    "Tribunal de commerce de Lyon",
                ),
                procedure(
                    2,
                    "Boulangerie Martin",
                    "732829320",
                    "Tribunal judiciaire de Créteil",
                ),
                dossier(10, "CD-2026-000123", "Boulangerie Martin", "732829320"),
                claim(100, 1, "CD-2026-000777", "Crédit Agricole Centre-Est"),
                claim(101, 2, "CD-2026-000123", "Banque Populaire"),
            ],
            "c1",
            None,
        )
        .await
        .unwrap();

    let found = |q: &'static str| {
        let store = &store;
        async move { kinds_and_ids(&search(store, q, 50).await.unwrap()) }
    };
    assert_eq!(
        found("societe generale").await,
        vec![(SearchHitKind::Procedure, 1)]
    );
    assert_eq!(
        found("ÉCLAIRAGE").await,
        vec![(SearchHitKind::Procedure, 1)]
    );
    assert_eq!(found("eclair").await, vec![(SearchHitKind::Procedure, 1)]);
    assert_eq!(
        found("552100554").await,
        vec![(SearchHitKind::Procedure, 1)]
    );
    assert_eq!(
        found("552 100 554").await,
        vec![(SearchHitKind::Procedure, 1)]
    );
    assert_eq!(found("creteil").await, vec![(SearchHitKind::Procedure, 2)]);
    assert_eq!(
        found("732829320").await,
        vec![(SearchHitKind::Procedure, 2), (SearchHitKind::Dossier, 10)]
    );
    assert_eq!(
        found("CD-2026-000123").await,
        vec![(SearchHitKind::Dossier, 10), (SearchHitKind::Claim, 101)]
    );
    assert_eq!(
        found("credit agricole").await,
        vec![(SearchHitKind::Claim, 100)]
    );
    assert_eq!(found("martin boulangerie").await.len(), 2);
    assert!(found("nowhere").await.is_empty());
    assert!(found("  ").await.is_empty());
    // FTS5 syntax typed by a user is just text.
    assert!(found("\"unterminated OR NEAR(").await.is_empty());

    let hits = search(&store, "552100554", 10).await.unwrap();
    assert_eq!(hits[0].title, "Société Générale d'Éclairage");
    assert_eq!(hits[0].procedure_id, Some(1));
    assert_eq!(
        hits[0].subtitle,
        "SIREN 552100554 · Tribunal de commerce de Lyon"
    );
    let hits = search(&store, "credit", 10).await.unwrap();
    assert_eq!(hits[0].reference.as_deref(), Some("CD-2026-000777"));
    assert_eq!(hits[0].procedure_id, Some(1));
    assert_eq!(hits[0].subtitle, "Crédit Agricole Centre-Est");
}

#[tokio::test]
async fn the_index_follows_replacements_deletions_and_wipes() {
    let (_dir, store) = store().await;
    store
        .apply_page(
            &[
                procedure(1, "Ancien Nom SARL", "552100554", "TC Lyon"),
                claim(100, 1, "CD-1", "Banque Populaire"),
            ],
            "c1",
            None,
        )
        .await
        .unwrap();
    // The same records again, renamed: the old words must no longer match.
    store
        .apply_page(
            &[
                procedure(1, "Nouveau Nom SAS", "552100554", "TC Lyon"),
                claim(100, 1, "CD-1", "Caisse d'Épargne"),
            ],
            "c2",
            None,
        )
        .await
        .unwrap();
    assert!(search(&store, "ancien", 10).await.unwrap().is_empty());
    assert_eq!(search(&store, "nouveau", 10).await.unwrap().len(), 1);
    assert!(search(&store, "populaire", 10).await.unwrap().is_empty());
    assert_eq!(search(&store, "epargne", 10).await.unwrap().len(), 1);

    store
        .apply_page(
            &[Change::Delete {
                kind: EntityKind::Claim,
                id: 100,
            }],
            "c3",
            None,
        )
        .await
        .unwrap();
    assert!(search(&store, "epargne", 10).await.unwrap().is_empty());
    store.wipe().await.unwrap();
    assert!(search(&store, "nouveau", 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn fifty_thousand_claims_answer_at_once() {
    let (_dir, store) = store().await;
    let creditors = [
        "Banque Populaire Auvergne Rhône Alpes",
        "Crédit Lyonnais",
        "Société Générale",
        "URSSAF Rhône-Alpes",
    ];
    let procedures: Vec<Change> = (1..=500)
        .map(|id| {
            procedure(
                id,
                &format!("Entreprise {id} SAS"),
                &format!("{:09}", 100_000_000 + id),
                "Tribunal de commerce de Lyon",
            )
        })
        .collect();
    store.apply_page(&procedures, "p", None).await.unwrap();
    for page in 0..10 {
        let claims: Vec<Change> = (0..5000)
            .map(|i| {
                let id = page * 5000 + i + 1;
                claim(
                    id,
                    id % 500 + 1,
                    &format!("CD-2026-{id:06}"),
                    creditors[(id % 4) as usize],
                )
            })
            .collect();
        store
            .apply_page(&claims, &format!("c{page}"), None)
            .await
            .unwrap();
    }
    assert_eq!(store.counts().await.unwrap().claims, 50_000);

    for (query, at_least) in [
        ("banque populaire", 50),
        ("CD-2026-031337", 1),
        ("100000250", 1),
        ("entreprise 42", 1),
        ("rhone", 50),
    ] {
        // Warm once, then time: the first query pays for opening the index.
        search(&store, query, 50).await.unwrap();
        let started = Instant::now();
        let hits = search(&store, query, 50).await.unwrap();
        let took = started.elapsed();
        assert!(hits.len() >= at_least, "{query}: {} hits", hits.len());
        assert!(hits.len() <= 50);
        assert!(
            took < Duration::from_millis(100),
            "{query} took {took:?} on 50,000 claims"
        );
    }
}
