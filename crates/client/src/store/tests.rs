use chrono::{NaiveDate, Utc};
use claimdesk_api::records::{
    Claim, Company, Contact, DeclaredAmounts, Dossier, Guarantee, Installment, InstallmentStatus,
    Procedure,
};
use claimdesk_api::sync::{Change, Entity, EntityKind};
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage};

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

fn company(n: i64) -> Company {
    Company {
        name: format!("Société {n} SAS"),
        siren: "552032534".into(),
        rcs: "RCS Lyon 552 032 534".into(),
        legal_form: "SAS".into(),
        address: format!("{n} rue de la République, 69002 Lyon"),
    }
}

fn procedure(id: i64) -> Procedure {
    Procedure {
        id,
        kind: ProcedureKind::RedressementJudiciaire,
        stage: ProcedureStage::Observation,
        debtor: company(id),
        tribunal: "Tribunal de commerce de Lyon".into(),
        judgment_date: d(2026, 3, 2),
        bodacc_date: Some(d(2026, 3, 15)),
        declaration_deadline: Some(d(2026, 5, 15)),
        etude_name: "Étude Martin & Associés".into(),
        mandataire: "Me Claire Martin".into(),
        administrateur: None,
        juge_commissaire: Some("M. Durand".into()),
        plan_end_date: None,
        deadlines: Default::default(),
    }
}

fn claim(id: i64, procedure_id: i64, principal: &str) -> Claim {
    let principal = m(principal);
    let interest = m("12.34");
    let penalties = m("0.01");
    let fees = m("150.00");
    let to_fall_due = m("1000.99");
    Claim {
        id,
        procedure_id,
        dossier_reference: format!("CD-{id:05}"),
        creditor: "Banque Rhône-Alpes".into(),
        servicing_entity: "Recouvrement Services".into(),
        declared: DeclaredAmounts {
            principal,
            interest,
            penalties,
            fees,
            to_fall_due,
            total: principal + interest + penalties + fees + to_fall_due,
        },
        nature: ClaimNature::Secured,
        provisional: id % 2 == 0,
        declaration_date: d(2026, 4, 1),
        late: false,
        admission: AdmissionStatus::PartlyAdmitted,
        admitted_amount: Some(m("999.99")),
        decision_date: Some(d(2026, 9, 30)),
    }
}

fn dossier(id: i64, reference: &str, procedure_id: Option<i64>) -> Dossier {
    Dossier {
        id,
        reference: reference.into(),
        debtor: company(id),
        creditor: "Banque Rhône-Alpes".into(),
        servicing_entity: "Recouvrement Services".into(),
        manager: Contact {
            name: "Julie Petit".into(),
            email: "julie.petit@example.fr".into(),
            phone: "+33 4 72 00 00 00".into(),
        },
        procedure_id,
        procedure_kind: procedure_id.map(|_| ProcedureKind::Sauvegarde),
        opened_on: d(2025, 1, 10),
        principal: m("120000.00"),
        balance: m("80000.50"),
        guarantees: vec![
            Guarantee {
                guarantor_name: "Paul Bernard".into(),
                amount: m("50000.00"),
                ends_on: Some(d(2030, 12, 31)),
            },
            Guarantee {
                guarantor_name: "Anne Bernard".into(),
                amount: m("25000.00"),
                ends_on: None,
            },
        ],
        judgment_date: procedure_id.map(|_| d(2025, 3, 1)),
        servicer: Default::default(),
        rib: Default::default(),
        ledger: Default::default(),
    }
}

fn installment(id: i64, reference: &str, number: i64, due: NaiveDate, paid: bool) -> Installment {
    Installment {
        id,
        dossier_reference: reference.into(),
        number,
        due_date: due,
        amount: m("1234.56"),
        paid: if paid { m("1234.56") } else { Money::ZERO },
        status: if paid {
            InstallmentStatus::Paid
        } else {
            InstallmentStatus::Unpaid
        },
    }
}

fn up(entity: Entity) -> Change {
    Change::Upsert { entity }
}

fn del(kind: EntityKind, id: i64) -> Change {
    Change::Delete { kind, id }
}

async fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("a/b/store.sqlite"))
        .await
        .unwrap();
    (dir, store)
}

#[tokio::test]
async fn upserts_read_back_exactly_as_sent() {
    let (_dir, store) = fresh().await;
    let mut p2 = procedure(2);
    p2.bodacc_date = None;
    p2.declaration_deadline = None;
    p2.administrateur = Some("Me Leroy".into());
    let mut c = claim(11, 1, "0.10");
    c.admitted_amount = None;
    c.decision_date = None;
    c.admission = AdmissionStatus::Pending;
    let mut dossier_without = dossier(8, "CD-B", None);
    dossier_without.guarantees.clear();
    let changes = vec![
        up(Entity::Procedure(procedure(1))),
        up(Entity::Procedure(p2.clone())),
        up(Entity::Claim(c.clone())),
        up(Entity::Claim(claim(12, 2, "98765432.10"))),
        up(Entity::Dossier(dossier(7, "CD-A", Some(1)))),
        up(Entity::Dossier(dossier_without.clone())),
        up(Entity::Installment(installment(
            3,
            "CD-A",
            1,
            d(2026, 1, 5),
            true,
        ))),
    ];
    let applied = store.apply_page(&changes, "c1", None).await.unwrap();
    assert_eq!(applied.changes(), 7);
    assert_eq!(applied.upserted.claims, 2);
    assert_eq!(store.procedures().await.unwrap(), vec![procedure(1), p2]);
    assert_eq!(
        store.claims().await.unwrap(),
        vec![c, claim(12, 2, "98765432.10")]
    );
    assert_eq!(
        store.dossiers().await.unwrap(),
        vec![dossier(7, "CD-A", Some(1)), dossier_without]
    );
    assert_eq!(
        store.installments().await.unwrap(),
        vec![installment(3, "CD-A", 1, d(2026, 1, 5), true)]
    );
    let detail = store.dossier("CD-A").await.unwrap().unwrap();
    assert_eq!(detail.dossier, dossier(7, "CD-A", Some(1)));
    assert_eq!(detail.installments.len(), 1);
    assert!(store.dossier("CD-Z").await.unwrap().is_none());
}

#[tokio::test]
async fn a_replayed_page_changes_nothing() {
    let (_dir, store) = fresh().await;
    let changes: Vec<Change> = (1..=250)
        .map(|i| up(Entity::Claim(claim(i, 1, "100.00"))))
        .chain([up(Entity::Dossier(dossier(1, "CD-A", None)))])
        .collect();
    store.apply_page(&changes, "c1", None).await.unwrap();
    let before = (
        store.claims().await.unwrap(),
        store.dossiers().await.unwrap(),
    );
    store.apply_page(&changes, "c1", None).await.unwrap();
    assert_eq!(
        (
            store.claims().await.unwrap(),
            store.dossiers().await.unwrap()
        ),
        before
    );
    assert_eq!(store.counts().await.unwrap().claims, 250);
    // Guarantees are replaced with their dossier, not appended.
    assert_eq!(store.dossiers().await.unwrap()[0].guarantees.len(), 2);
}

#[tokio::test]
async fn upserts_replace_and_deletes_remove() {
    let (_dir, store) = fresh().await;
    store
        .apply_page(
            &[
                up(Entity::Procedure(procedure(1))),
                up(Entity::Claim(claim(1, 1, "10.00"))),
                up(Entity::Claim(claim(2, 1, "20.00"))),
                up(Entity::Dossier(dossier(5, "CD-A", Some(1)))),
                up(Entity::Installment(installment(
                    9,
                    "CD-A",
                    1,
                    d(2026, 1, 5),
                    false,
                ))),
            ],
            "c1",
            None,
        )
        .await
        .unwrap();
    let mut admitted = claim(1, 1, "10.00");
    admitted.admission = AdmissionStatus::Admitted;
    admitted.admitted_amount = Some(admitted.declared.total);
    let mut fewer_guarantees = dossier(5, "CD-A", Some(1));
    fewer_guarantees.guarantees.truncate(1);
    let applied = store
        .apply_page(
            &[
                up(Entity::Claim(admitted.clone())),
                del(EntityKind::Claim, 2),
                del(EntityKind::Claim, 404),
                up(Entity::Dossier(fewer_guarantees.clone())),
                del(EntityKind::Installment, 9),
            ],
            "c2",
            None,
        )
        .await
        .unwrap();
    assert_eq!(applied.deleted.claims, 2);
    assert_eq!(store.claims().await.unwrap(), vec![admitted]);
    assert_eq!(store.dossiers().await.unwrap(), vec![fewer_guarantees]);
    assert!(store.installments().await.unwrap().is_empty());

    store
        .apply_page(
            &[
                del(EntityKind::Dossier, 5),
                del(EntityKind::Claim, 1),
                del(EntityKind::Procedure, 1),
            ],
            "c3",
            None,
        )
        .await
        .unwrap();
    assert_eq!(store.counts().await.unwrap(), Counts::default());
    let leftovers: i64 = sqlx::query_scalar("SELECT count(*) FROM guarantees")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(leftovers, 0, "a removed dossier takes its guarantees along");
}

#[tokio::test]
async fn changes_apply_in_feed_order_within_a_page() {
    let (_dir, store) = fresh().await;
    let mut second = claim(1, 1, "20.00");
    second.creditor = "Autre créancier".into();
    store
        .apply_page(
            &[
                up(Entity::Claim(claim(1, 1, "10.00"))),
                del(EntityKind::Claim, 1),
                up(Entity::Claim(second.clone())),
                up(Entity::Claim(claim(2, 1, "1.00"))),
                del(EntityKind::Claim, 2),
            ],
            "c1",
            None,
        )
        .await
        .unwrap();
    assert_eq!(store.claims().await.unwrap(), vec![second]);
}

#[tokio::test]
async fn the_cursor_commits_with_its_page_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let store = Store::open(&path).await.unwrap();
    assert_eq!(store.cursor().await.unwrap(), None);
    assert_eq!(store.last_sync().await.unwrap(), None);
    store
        .apply_page(&[up(Entity::Claim(claim(1, 1, "1.00")))], "c1", None)
        .await
        .unwrap();
    assert_eq!(store.cursor().await.unwrap().as_deref(), Some("c1"));
    assert_eq!(store.last_sync().await.unwrap(), None, "not finished yet");

    // A write that fails in the middle of a page must take the page's other
    // rows and its cursor down with it.
    sqlx::query(
        "CREATE TRIGGER refuse_666 BEFORE INSERT ON claims WHEN NEW.id = 666 \
         BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .execute(&store.pool)
    .await
    .unwrap();
    let failing = [
        up(Entity::Claim(claim(2, 1, "2.00"))),
        del(EntityKind::Claim, 1),
        up(Entity::Claim(claim(666, 1, "6.66"))),
    ];
    assert!(store.apply_page(&failing, "c2", None).await.is_err());
    assert_eq!(store.cursor().await.unwrap().as_deref(), Some("c1"));
    assert_eq!(store.claims().await.unwrap(), vec![claim(1, 1, "1.00")]);

    let at = chrono::DateTime::parse_from_rfc3339("2026-11-21T09:02:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    store
        .apply_page(&[del(EntityKind::Claim, 1)], "c3", Some(at))
        .await
        .unwrap();
    store.close().await;

    let reopened = Store::open(&path).await.unwrap();
    assert_eq!(reopened.cursor().await.unwrap().as_deref(), Some("c3"));
    assert_eq!(reopened.last_sync().await.unwrap(), Some(at));
    assert!(reopened.claims().await.unwrap().is_empty());
}

#[tokio::test]
async fn wiping_forgets_rows_and_cursor_but_not_the_owner() {
    let (_dir, store) = fresh().await;
    let user = claimdesk_api::auth::User {
        id: 3,
        email: "etude@demo.claimdesk.fr".into(),
        display_name: "Me Martin".into(),
        role: claimdesk_api::auth::Role::Etude,
        etude_name: Some("Étude Martin".into()),
        company_name: None,
    };
    store.set_owner("http://127.0.0.1:1", &user).await.unwrap();
    store
        .apply_page(
            &[
                up(Entity::Procedure(procedure(1))),
                up(Entity::Dossier(dossier(1, "CD-A", Some(1)))),
            ],
            "c1",
            Some(chrono::Utc::now()),
        )
        .await
        .unwrap();
    store.wipe().await.unwrap();
    assert_eq!(store.counts().await.unwrap(), Counts::default());
    assert_eq!(store.cursor().await.unwrap(), None);
    assert_eq!(store.last_sync().await.unwrap(), None);
    assert_eq!(
        store.owner().await.unwrap(),
        Some(("http://127.0.0.1:1".to_owned(), user))
    );
}

#[tokio::test]
async fn summaries_add_amounts_exactly_and_find_the_next_deadline() {
    let (_dir, store) = fresh().await;
    let mut pending = claim(3, 1, "0.20");
    pending.admission = AdmissionStatus::Pending;
    pending.admitted_amount = None;
    let changes = vec![
        up(Entity::Procedure(procedure(1))),
        up(Entity::Procedure(procedure(2))),
        up(Entity::Claim(claim(1, 1, "0.10"))),
        up(Entity::Claim(claim(2, 1, "0.10"))),
        up(Entity::Claim(pending)),
        up(Entity::Dossier(dossier(1, "CD-A", Some(2)))),
        up(Entity::Installment(installment(
            1,
            "CD-A",
            1,
            d(2026, 4, 1),
            true,
        ))),
        up(Entity::Installment(installment(
            2,
            "CD-A",
            2,
            d(2026, 5, 1),
            false,
        ))),
        up(Entity::Installment(installment(
            3,
            "CD-A",
            3,
            d(2026, 6, 1),
            false,
        ))),
    ];
    store.apply_page(&changes, "c1", None).await.unwrap();
    let summaries = store.procedure_summaries(d(2026, 4, 10)).await.unwrap();
    assert_eq!(summaries.len(), 2);
    let first = &summaries[0];
    assert_eq!(first.claim_count, 3);
    // Three claims of 0.10 + 0.10 + 0.20 principal, each with 1163.34 of other lines.
    assert_eq!(first.declared_total, m("3490.42"));
    assert_eq!(first.admitted_total, m("1999.98"));
    assert_eq!(first.next_deadline, Some(d(2026, 5, 15)));
    let second = &summaries[1];
    assert_eq!(second.claim_count, 0);
    assert_eq!(second.declared_total, Money::ZERO);
    // The unpaid instalment of 1 May comes before the declaration deadline.
    assert_eq!(second.next_deadline, Some(d(2026, 5, 1)));
    // Once everything is past, nothing is ahead.
    let later = store.procedure_summaries(d(2026, 7, 1)).await.unwrap();
    assert_eq!(later[0].next_deadline, None);
    // The summary carries the procedure's own fields flat, for --json readers.
    let json = serde_json::to_value(first).unwrap();
    assert_eq!(json["id"], 1);
    assert_eq!(json["declared_total"], "3490.42");
}

#[tokio::test]
async fn large_interleaved_pages_land_whole() {
    let (_dir, store) = fresh().await;
    // Claims interleaved with their procedures, as a feed ordered by change
    // sequence delivers them; more than one batch of each, plus a remainder.
    let mut changes = Vec::new();
    for i in 1..=1203 {
        changes.push(up(Entity::Claim(claim(i, i % 401 + 1, "1.00"))));
        if i % 3 == 0 {
            changes.push(up(Entity::Procedure(procedure(i / 3))));
        }
        if i % 100 == 0 {
            changes.push(up(Entity::Installment(installment(
                i,
                "CD-A",
                i / 100,
                d(2027, 1, 1),
                false,
            ))));
        }
    }
    let applied = store.apply_page(&changes, "c1", None).await.unwrap();
    assert_eq!(applied.upserted.claims, 1203);
    assert_eq!(applied.upserted.procedures, 401);
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.claims, counts.procedures, counts.installments),
        (1203, 401, 12)
    );
    let expected: Vec<Claim> = (1..=1203).map(|i| claim(i, i % 401 + 1, "1.00")).collect();
    assert_eq!(store.claims().await.unwrap(), expected);

    // Deletions in bulk, and records coming back later in the same page.
    let mut changes: Vec<Change> = (1..=600).map(|i| del(EntityKind::Claim, i)).collect();
    changes.extend((1..=10).map(|i| up(Entity::Claim(claim(i, 1, "2.00")))));
    changes.push(del(EntityKind::Procedure, 5));
    changes.push(del(EntityKind::Installment, 100));
    let applied = store.apply_page(&changes, "c2", None).await.unwrap();
    assert_eq!(applied.deleted.claims, 600);
    assert_eq!(applied.upserted.claims, 10);
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.claims, counts.procedures, counts.installments),
        (613, 400, 11)
    );
    assert_eq!(
        store.claims_of_procedure(1).await.unwrap()[..10],
        (1..=10).map(|i| claim(i, 1, "2.00")).collect::<Vec<_>>()[..]
    );
}

#[tokio::test]
async fn search_indexes_keep_one_entry_per_record_through_replays_and_deletes() {
    let (_dir, store) = fresh().await;
    let mut first: Vec<Change> = (1..=3)
        .map(|i| up(Entity::Procedure(procedure(i))))
        .collect();
    first.extend((1..=700).map(|i| up(Entity::Claim(claim(i, i % 3 + 1, "1.00")))));
    first.push(up(Entity::Dossier(dossier(1, "CD-A", Some(1)))));
    first.push(up(Entity::Dossier(dossier(2, "CD-B", None))));
    store.apply_page(&first, "c1", None).await.unwrap();
    store.apply_page(&first, "c1", None).await.unwrap();
    let mut renamed = procedure(2);
    renamed.debtor.name = "Nouveau Nom SAS".into();
    let mut second: Vec<Change> = (1..=300).map(|i| del(EntityKind::Claim, i)).collect();
    second.push(up(Entity::Procedure(renamed)));
    second.push(del(EntityKind::Dossier, 2));
    second.push(up(Entity::Claim(claim(5, 1, "5.00"))));
    store.apply_page(&second, "c2", None).await.unwrap();

    for (table, index) in [
        ("procedures", "procedures_search"),
        ("claims", "claims_search"),
        ("dossiers", "dossiers_search"),
    ] {
        let (rows, entries, orphans): (i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM {index}), \
             (SELECT count(*) FROM {index} i LEFT JOIN {table} t ON t.id = i.rowid \
              WHERE t.id IS NULL)"
        ))
        .fetch_one(&store.pool)
        .await
        .unwrap();
        assert_eq!((entries, orphans), (rows, 0), "{index}");
        sqlx::query(&format!(
            "INSERT INTO {index} ({index}) VALUES ('integrity-check')"
        ))
        .execute(&store.pool)
        .await
        .unwrap_or_else(|e| panic!("{index}: {e}"));
    }
    let hits = crate::search::search(&store, "nouveau", 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, 2);
    store.wipe().await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM claims_search")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

fn filed(subject: &str, key: &str) -> CachedDocument {
    CachedDocument {
        key: key.into(),
        kind: "statement".into(),
        subject: subject.into(),
        as_of: None,
        produced_at: Utc::now(),
        content_type: "application/pdf".into(),
        filename: "decompte.pdf".into(),
        body: b"%PDF-1.7 private".to_vec(),
    }
}

#[tokio::test]
async fn filed_documents_go_when_their_dossier_or_claim_goes() {
    let (_dir, store) = fresh().await;
    store
        .apply_page(
            &[
                up(Entity::Dossier(dossier(1, "CD-1", Some(1)))),
                up(Entity::Dossier(dossier(2, "CD-2", Some(1)))),
                up(Entity::Claim(claim(7, 1, "10.00"))),
            ],
            "c1",
            None,
        )
        .await
        .unwrap();
    for (subject, key) in [
        ("dossier:CD-1", "a"),
        ("dossier:CD-2", "b"),
        ("claim:7", "c"),
    ] {
        store.put_document(&filed(subject, key)).await.unwrap();
    }
    // Replacing a record keeps its documents; deleting it takes them along.
    store
        .apply_page(
            &[up(Entity::Dossier(dossier(1, "CD-1", Some(1))))],
            "c2",
            None,
        )
        .await
        .unwrap();
    assert_eq!(store.document_count("dossier:CD-1").await.unwrap(), 1);
    store
        .apply_page(
            &[del(EntityKind::Dossier, 1), del(EntityKind::Claim, 7)],
            "c3",
            None,
        )
        .await
        .unwrap();
    assert_eq!(store.document_count("dossier:CD-1").await.unwrap(), 0);
    assert_eq!(store.document_count("claim:7").await.unwrap(), 0);
    assert!(store.document("a").await.unwrap().is_none());
    assert_eq!(
        store.document("b").await.unwrap().unwrap().body,
        b"%PDF-1.7 private"
    );
    store.wipe().await.unwrap();
    assert_eq!(store.document_count("dossier:CD-2").await.unwrap(), 0);
}

fn payment(id: i64, reference: &str, status: claimdesk_api::payments::PaymentStatus) -> Payment {
    Payment {
        id,
        dossier_reference: reference.into(),
        method: claimdesk_api::payments::PaymentMethod::Transfer,
        amount: m("100.00"),
        installments: vec![1],
        reference: "RF18CD1".into(),
        status,
        failure_reason: None,
        created_at: Utc::now() + chrono::TimeDelta::seconds(id),
        paid_on: None,
        checkout_url: None,
        instructions: None,
    }
}

#[tokio::test]
async fn payments_are_synced_listed_newest_first_and_purged_with_their_dossier() {
    use claimdesk_api::payments::PaymentStatus;
    let (_dir, store) = fresh().await;
    let received = payment(10, "D-1", PaymentStatus::Succeeded);
    let page = [
        up(Entity::Dossier(dossier(1, "D-1", None))),
        up(Entity::Dossier(dossier(2, "D-2", None))),
        up(Entity::Payment(payment(10, "D-1", PaymentStatus::Pending))),
        up(Entity::Payment(payment(11, "D-1", PaymentStatus::Pending))),
        up(Entity::Payment(payment(12, "D-2", PaymentStatus::Pending))),
        // Received later in the same page: the last change counts.
        up(Entity::Payment(received.clone())),
    ];
    let applied = store.apply_page(&page, "c1", None).await.unwrap();
    assert_eq!(applied.upserted.payments, 4);
    assert_eq!(store.counts().await.unwrap().payments, 3);
    let listed = store.payments_of("D-1").await.unwrap();
    assert_eq!(listed.iter().map(|p| p.id).collect::<Vec<_>>(), [11, 10]);
    assert_eq!(listed[1], received);
    assert_eq!(store.payment(10).await.unwrap(), Some(received));

    store
        .apply_page(&[del(EntityKind::Payment, 11)], "c2", None)
        .await
        .unwrap();
    assert_eq!(store.payments_of("D-1").await.unwrap().len(), 1);
    // Access to D-1 revoked: its payments go with it, even if the feed
    // does not name them.
    store
        .apply_page(&[del(EntityKind::Dossier, 1)], "c3", None)
        .await
        .unwrap();
    assert!(store.payments_of("D-1").await.unwrap().is_empty());
    assert_eq!(store.payments_of("D-2").await.unwrap().len(), 1);
    store.wipe().await.unwrap();
    assert_eq!(store.counts().await.unwrap().payments, 0);
}

fn request(id: i64, reference: &str) -> claimdesk_api::requests::Request {
    use claimdesk_api::requests::{RequestStatus, RequestType};
    claimdesk_api::requests::Request {
        id,
        dossier_reference: reference.into(),
        kind: RequestType::Question,
        fields: [("message".to_owned(), "Quand finit mon plan ?".to_owned())].into(),
        attachments: Vec::new(),
        status: RequestStatus::Sent,
        author: "Jean Dupont".into(),
        created_at: Utc::now(),
        acknowledged_at: None,
        answered_at: None,
        closed_at: None,
        mediation_from: None,
        referred_at: None,
    }
}

fn message(
    id: i64,
    request_id: i64,
    author: claimdesk_api::requests::MessageAuthor,
) -> claimdesk_api::requests::Message {
    claimdesk_api::requests::Message {
        id,
        request_id,
        author,
        author_name: "Agence".into(),
        text: format!("message {id}"),
        attachments: Vec::new(),
        created_at: Utc::now(),
    }
}

#[tokio::test]
async fn threads_keep_their_local_reads_through_the_feed_and_go_with_their_dossier() {
    use claimdesk_api::requests::MessageAuthor::{Agency, Customer};
    let (_dir, store) = fresh().await;
    let page = [
        up(Entity::Dossier(dossier(1, "D-1", None))),
        up(Entity::Dossier(dossier(2, "D-2", None))),
        up(Entity::Request(request(5, "D-1"))),
        up(Entity::Request(request(6, "D-2"))),
        up(Entity::Message(message(50, 5, Customer))),
        up(Entity::Message(message(51, 5, Agency))),
        up(Entity::Message(message(60, 6, Agency))),
    ];
    let applied = store.apply_page(&page, "c1", None).await.unwrap();
    assert_eq!(
        (applied.upserted.requests, applied.upserted.messages),
        (2, 3)
    );
    let counts = store.counts().await.unwrap();
    assert_eq!((counts.requests, counts.messages), (2, 3));
    assert_eq!(crate::requests::unread_total(&store).await.unwrap(), 2);
    let listed = crate::requests::summaries(&store, Some("D-1"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].unread, 1);
    assert_eq!(listed[0].last_message.as_ref().map(|m| m.id), Some(51));
    assert_eq!(crate::requests::mark_read(&store, 5).await.unwrap(), 1);
    assert_eq!(crate::requests::mark_read(&store, 5).await.unwrap(), 0);
    // The feed brings the message again (edited): it stays read here.
    let mut edited = message(51, 5, Agency);
    edited.text = "corrigé".into();
    store
        .apply_page(&[up(Entity::Message(edited))], "c2", None)
        .await
        .unwrap();
    let thread = crate::requests::thread(&store, 5).await.unwrap();
    assert_eq!(thread.messages.len(), 2);
    assert_eq!(thread.messages[1].text, "corrigé");
    assert_eq!(crate::requests::unread_total(&store).await.unwrap(), 1);
    // Access to D-2 revoked: its requests and their threads go with it.
    store
        .apply_page(&[del(EntityKind::Dossier, 2)], "c3", None)
        .await
        .unwrap();
    assert!(crate::requests::thread(&store, 6).await.is_err());
    assert_eq!(crate::requests::unread_total(&store).await.unwrap(), 0);
    let counts = store.counts().await.unwrap();
    assert_eq!((counts.requests, counts.messages), (1, 2));
    store
        .apply_page(&[del(EntityKind::Request, 5)], "c4", None)
        .await
        .unwrap();
    assert_eq!(store.counts().await.unwrap().messages, 0);
    store
        .apply_page(&[up(Entity::Request(request(7, "D-1")))], "c5", None)
        .await
        .unwrap();
    store.wipe().await.unwrap();
    assert_eq!(store.counts().await.unwrap().requests, 0);
}

#[tokio::test]
async fn notifications_are_raised_once_and_what_was_there_first_is_not_news() {
    use crate::requests::{NotificationKind, take};
    use claimdesk_api::requests::MessageAuthor::Agency;
    let (_dir, store) = fresh().await;
    let today = d(2026, 5, 5);
    let mut decided = claim(3, 1, "100.00");
    decided.admission = AdmissionStatus::Pending;
    // Decided before the first take: not news, then or later.
    let mut old_decision = claim(4, 1, "50.00");
    old_decision.admission = AdmissionStatus::Admitted;
    let mut deadline = procedure(1);
    deadline.deadlines.declaration = Some(d(2026, 5, 15));
    deadline.deadlines.relief_from_foreclosure = Some(d(2026, 11, 15));
    let page = [
        up(Entity::Procedure(deadline)),
        up(Entity::Claim(decided.clone())),
        up(Entity::Claim(old_decision)),
        up(Entity::Dossier(dossier(1, "D-1", None))),
        up(Entity::Installment(installment(
            20,
            "D-1",
            1,
            d(2026, 5, 12),
            false,
        ))),
        up(Entity::Installment(installment(
            21,
            "D-1",
            2,
            d(2026, 5, 13),
            false,
        ))),
        up(Entity::Installment(installment(
            22,
            "D-1",
            3,
            d(2026, 5, 1),
            false,
        ))),
        up(Entity::Installment(installment(
            23,
            "D-1",
            4,
            d(2026, 5, 6),
            true,
        ))),
        up(Entity::Request(request(5, "D-1"))),
        up(Entity::Message(message(51, 5, Agency))),
    ];
    store.apply_page(&page, "c1", None).await.unwrap();
    let first = take(&store, today).await.unwrap();
    let kinds: Vec<_> = first.iter().map(|n| (n.kind, n.key.as_str())).collect();
    // The answer already there is not news; dates coming up are.
    assert_eq!(
        kinds,
        [
            (
                NotificationKind::InstallmentDue,
                "installment:20:2026-05-12"
            ),
            (
                NotificationKind::ProcedureDeadline,
                "deadline:1:declaration:2026-05-15"
            ),
        ],
    );
    assert_eq!(first[0].title.en, "Instalment due in 7 days");
    assert_eq!(first[0].title.fr, "Échéance dans 7 jours");
    assert_eq!(first[0].dossier_reference.as_deref(), Some("D-1"));
    assert_eq!(first[1].procedure_id, Some(1));
    assert!(take(&store, today).await.unwrap().is_empty());

    decided.admission = AdmissionStatus::Rejected;
    decided.admitted_amount = None;
    store
        .apply_page(
            &[
                up(Entity::Claim(decided.clone())),
                up(Entity::Message(message(52, 5, Agency))),
            ],
            "c2",
            None,
        )
        .await
        .unwrap();
    let next = take(&store, d(2026, 5, 6)).await.unwrap();
    let kinds: Vec<_> = next.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [
            NotificationKind::NewAnswer,
            NotificationKind::InstallmentDue,
            NotificationKind::ClaimDecision,
        ]
    );
    assert_eq!(next[0].request_id, Some(5));
    assert_eq!(next[1].key, "installment:21:2026-05-13");
    assert_eq!(next[2].title.fr, "Créance rejetée");
    assert_eq!(next[2].claim_id, Some(3));
    assert!(take(&store, d(2026, 5, 6)).await.unwrap().is_empty());
}
