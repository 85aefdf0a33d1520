//! The demo and benchmark data sets, and the loopback test server.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use claimdesk_api::records::{Claim, Dossier, Installment, InstallmentStatus, Procedure};
use claimdesk_api::routes::{self, path};
use claimdesk_domain::procedure::declaration_deadline;
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage, Siren};
use claimdesk_server::seed::{SEED_PASSWORD, SEED_USER};
use claimdesk_server::testing::TestServer;
use claimdesk_server::{App, AppError, Config, SeedSpec, TestClock, demo};
use common::Harness;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn all_claims(h: &Harness, token: &str) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = h
            .get(
                &format!("{}?after={after}&limit=200", routes::CLAIMS),
                token,
            )
            .await;
        let page: claimdesk_api::records::ClaimPage = serde_json::from_value(page.body).unwrap();
        out.extend(page.claims);
        match page.next_after {
            Some(a) => after = a,
            None => return out,
        }
    }
}

fn valid_rcs(company: &claimdesk_api::records::Company) {
    let siren = Siren::parse(&company.siren).expect("a valid SIREN");
    assert!(
        company.rcs.starts_with("RCS ") && company.rcs.ends_with(&siren.grouped()),
        "{}",
        company.rcs
    );
    assert!(["SAS", "SARL", "SA", "EURL", "SASU"].contains(&company.legal_form.as_str()));
    assert!(
        company.address.chars().filter(char::is_ascii_digit).count() >= 5,
        "{}",
        company.address
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_etude_has_a_realistic_portfolio() {
    let h = Harness::demo().await;
    let token = h.token(demo::ETUDE_USER).await;
    let procedures: Vec<Procedure> =
        serde_json::from_value(h.get(routes::PROCEDURES, &token).await.body).unwrap();
    assert!(procedures.len() >= 40, "{}", procedures.len());
    let mut stages: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in &procedures {
        assert_eq!(p.etude_name, demo::ETUDE_NAME);
        assert!(
            p.kind.allows_stage(p.stage),
            "{:?} at {:?}",
            p.kind,
            p.stage
        );
        stages
            .entry(p.kind.as_str())
            .or_default()
            .insert(p.stage.as_str());
        let bodacc = p.bodacc_date.unwrap();
        let gap = (bodacc - p.judgment_date).num_days();
        assert!(
            (3..=45).contains(&gap),
            "BODACC {gap} days after the judgment"
        );
        assert_eq!(
            p.declaration_deadline,
            Some(declaration_deadline(bodacc, false))
        );
        assert!(p.tribunal.starts_with("Tribunal "), "{}", p.tribunal);
        assert_eq!(
            p.plan_end_date.is_some(),
            p.stage == ProcedureStage::PlanAdopted
        );
        valid_rcs(&p.debtor);
    }
    for kind in ProcedureKind::ALL {
        assert!(stages.contains_key(kind.as_str()), "{kind:?} missing");
    }
    let all_stages: BTreeSet<&str> = stages.values().flatten().copied().collect();
    for stage in ProcedureStage::ALL {
        assert!(all_stages.contains(stage.as_str()), "{stage:?} missing");
    }

    let claims = all_claims(&h, &token).await;
    assert!(claims.len() >= 300, "{}", claims.len());
    let by_id: BTreeMap<i64, &Procedure> = procedures.iter().map(|p| (p.id, p)).collect();
    let creditors: BTreeSet<&str> = claims.iter().map(|c| c.creditor.as_str()).collect();
    let servicing: BTreeSet<&str> = claims.iter().map(|c| c.servicing_entity.as_str()).collect();
    assert!(creditors.len() >= 3 && servicing.len() >= 2);
    let statuses: BTreeSet<&str> = claims.iter().map(|c| c.admission.as_str()).collect();
    assert_eq!(statuses.len(), AdmissionStatus::ALL.len(), "{statuses:?}");
    let natures: BTreeSet<&str> = claims.iter().map(|c| c.nature.as_str()).collect();
    assert_eq!(natures.len(), ClaimNature::ALL.len());
    assert!(claims.iter().any(|c| c.provisional) && claims.iter().any(|c| !c.provisional));
    for column in 0..5 {
        assert!(
            claims.iter().any(|c| {
                let d = &c.declared;
                ![d.principal, d.interest, d.penalties, d.fees, d.to_fall_due][column].is_zero()
            }),
            "declared column {column} is always zero"
        );
    }
    let late = claims.iter().filter(|c| c.late).count();
    assert!(
        late >= 3 && late * 10 < claims.len(),
        "{late} late of {}",
        claims.len()
    );
    for c in &claims {
        let d = &c.declared;
        assert_eq!(
            d.total,
            d.principal + d.interest + d.penalties + d.fees + d.to_fall_due
        );
        let p = by_id[&c.procedure_id];
        assert!(c.declaration_date > p.bodacc_date.unwrap());
        assert_eq!(c.late, c.declaration_date > p.declaration_deadline.unwrap());
        assert!(c.dossier_reference.starts_with("CD-20") && c.dossier_reference.len() == 14);
        match c.admission {
            AdmissionStatus::Pending => {
                assert!(c.decision_date.is_none() && c.admitted_amount.is_none())
            }
            status => {
                assert!(c.decision_date.unwrap() > c.declaration_date, "{c:?}");
                assert!(c.decision_date.unwrap() <= demo::as_of());
                match status {
                    AdmissionStatus::Admitted => assert_eq!(c.admitted_amount, Some(d.total)),
                    AdmissionStatus::PartlyAdmitted => {
                        let a = c.admitted_amount.unwrap();
                        assert!(a < d.total && !a.is_zero());
                    }
                    _ => assert!(c.admitted_amount.is_none()),
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_debtors_and_guarantors_have_dossiers_plans_and_guarantees() {
    let h = Harness::demo().await;
    let mut plans = 0;
    for email in demo::DEBTORS {
        let token = h.token(email).await;
        let me = h.get(routes::ME, &token).await.body;
        let dossiers: Vec<Dossier> =
            serde_json::from_value(h.get(routes::DOSSIERS, &token).await.body).unwrap();
        assert!(dossiers.len() >= 2, "{email}");
        assert!(
            dossiers.iter().any(|d| d.procedure_id.is_none()),
            "{email}: amicable dossier"
        );
        for d in &dossiers {
            assert_eq!(me["company_name"], d.debtor.name.as_str());
            valid_rcs(&d.debtor);
            assert!(d.manager.email.ends_with("@claimdesk.fr"));
            let installments: Vec<Installment> = serde_json::from_value(
                h.get(&path(routes::DOSSIER_INSTALLMENTS, &d.reference), &token)
                    .await
                    .body,
            )
            .unwrap();
            let plan_adopted = match d.procedure_id {
                Some(id) => {
                    let p: Procedure = serde_json::from_value(
                        h.get(&path(routes::PROCEDURE, id), &token).await.body,
                    )
                    .unwrap();
                    p.stage == ProcedureStage::PlanAdopted
                }
                None => false,
            };
            if !installments.is_empty() {
                assert!(plan_adopted, "instalments only under an adopted plan");
                plans += 1;
                check_plan(&installments, d);
            }
        }
    }
    assert!(plans >= 3, "{plans} plan schedules");

    for (email, name) in demo::GUARANTORS
        .iter()
        .zip(["Jean-Pierre Moreau", "Nathalie Girard"])
    {
        let token = h.token(email).await;
        let dossiers: Vec<Dossier> =
            serde_json::from_value(h.get(routes::DOSSIERS, &token).await.body).unwrap();
        assert!(!dossiers.is_empty(), "{email}");
        for d in dossiers {
            let mine: Vec<_> = d
                .guarantees
                .iter()
                .filter(|g| g.guarantor_name == name)
                .collect();
            assert_eq!(mine.len(), 1, "{email} guarantees {}", d.reference);
            assert!(!mine[0].amount.is_zero() && mine[0].amount <= d.principal);
            assert!(mine[0].ends_on.unwrap() > demo::as_of());
        }
    }
}

fn check_plan(installments: &[Installment], dossier: &Dossier) {
    let mut previous: Option<NaiveDate> = None;
    for (n, i) in installments.iter().enumerate() {
        assert_eq!(i.number, n as i64 + 1);
        assert!(previous.is_none_or(|p| p < i.due_date));
        previous = Some(i.due_date);
        let expected = if i.paid.is_zero() {
            InstallmentStatus::Unpaid
        } else if i.paid < i.amount {
            InstallmentStatus::PartlyPaid
        } else {
            InstallmentStatus::Paid
        };
        assert_eq!(i.status, expected);
        if i.due_date > demo::as_of() {
            assert_eq!(i.status, InstallmentStatus::Unpaid);
        }
    }
    assert!(installments.len() >= 7 && installments.len() <= 10);
    // What the plan received is what the dossier's ledger imputes, and the
    // balance is its statement at the demo's date.
    let paid: Money = installments.iter().map(|i| i.paid).sum();
    let received: Money = dossier.ledger.payments.iter().map(|p| p.amount).sum();
    assert_eq!(received, paid, "{}", dossier.reference);
    let statement = claimdesk_domain::statement::compute(
        &dossier.ledger,
        &claimdesk_domain::statement::StatementParams {
            as_of: demo::as_of(),
            judgment: dossier
                .judgment_date
                .map(|date| claimdesk_domain::statement::OpeningJudgment { date }),
            declared_claim: false,
            protected_end: claimdesk_domain::ordinance_2020::PROTECTED_END_AS_TOLD,
        },
    )
    .unwrap();
    assert_eq!(dossier.balance, statement.total, "{}", dossier.reference);
}

#[tokio::test]
async fn the_demo_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new(dir.path()).with_clock(TestClock::starting_now());
    let app = App::open(config.clone()).await.unwrap();
    assert!(app.load_demo().await.unwrap());
    let count = || async {
        let db = sqlx::SqlitePool::connect(&format!(
            "sqlite://{}",
            dir.path().join("claimdesk.sqlite").display()
        ))
        .await
        .unwrap();
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM procedures), (SELECT COUNT(*) FROM claims), \
             (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM changes)",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        db.close().await;
        counts
    };
    let first = count().await;
    assert!(first.0 >= 40 && first.1 >= 300 && first.2 == 10);
    assert!(!app.load_demo().await.unwrap());
    app.close().await;
    let reopened = App::open(config).await.unwrap();
    assert!(!reopened.load_demo().await.unwrap());
    assert_eq!(count().await, first);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulk_seed_writes_what_it_says_and_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting_now();
    let app = App::open(Config::new(dir.path()).with_clock(clock.clone()))
        .await
        .unwrap();
    let spec = SeedSpec {
        procedures: 60,
        claims: 1_003,
        seed: 7,
        ledgers: true,
    };
    let report = app.seed_bulk(spec).await.unwrap();
    assert_eq!((report.procedures, report.claims), (60, 1_003));
    assert_eq!(report.user, SEED_USER);
    assert!(matches!(
        app.seed_bulk(spec).await,
        Err(AppError::Conflict(_))
    ));

    let h = Harness::around(app, clock, dir);
    let token = h.app.login(SEED_USER, SEED_PASSWORD).await.unwrap().token;
    let procedures = h.get(routes::PROCEDURES, &token).await.body;
    assert_eq!(procedures.as_array().unwrap().len(), 60);
    let claims = all_claims(&h, &token).await;
    assert_eq!(claims.len(), 1_003);
    let sync = h
        .get(&format!("{}?limit=10000", routes::SYNC), &token)
        .await
        .body;
    assert_eq!(sync["changes"].as_array().unwrap().len(), 1_063);
    assert_eq!(sync["more"], false);
    // With ledgers, each claim's statement gives back what it declares.
    for claim in claims.iter().step_by(97) {
        let id = claim.id;
        let statement = h
            .get(
                &claimdesk_api::routes::path(routes::CLAIM_STATEMENT, id),
                &token,
            )
            .await;
        assert_eq!(
            statement.body["total"],
            claim.declared.total.to_string(),
            "claim {id}"
        );
        assert!(!statement.body["lines"].as_array().unwrap().is_empty());
        let rib = h
            .get(&claimdesk_api::routes::path(routes::CLAIM_RIB, id), &token)
            .await;
        assert_eq!(rib.status, axum::http::StatusCode::OK);
    }

    // Deterministic: the same seed writes the same claims.
    let dir2 = tempfile::tempdir().unwrap();
    let clock2 = TestClock::starting_now();
    let app2 = App::open(Config::new(dir2.path()).with_clock(clock2.clone()))
        .await
        .unwrap();
    app2.seed_bulk(spec).await.unwrap();
    let h2 = Harness::around(app2, clock2, dir2);
    let token2 = h2.app.login(SEED_USER, SEED_PASSWORD).await.unwrap().token;
    assert_eq!(all_claims(&h2, &token2).await, claims);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulk_seed_fits_beside_the_demo() {
    let h = Harness::demo().await;
    let etude = h.token(demo::ETUDE_USER).await;
    let before = h.get(routes::SYNC, &etude).await.body;
    let report = h
        .app
        .seed_bulk(SeedSpec {
            procedures: 10,
            claims: 95,
            seed: 3,
            ledgers: false,
        })
        .await
        .unwrap();
    assert_eq!(report.claims, 95);
    let bench = h.app.login(SEED_USER, SEED_PASSWORD).await.unwrap().token;
    assert_eq!(all_claims(&h, &bench).await.len(), 95);
    let cursor = before["next_cursor"].as_str().unwrap();
    let after = h
        .get(&format!("{}?cursor={cursor}", routes::SYNC), &etude)
        .await
        .body;
    assert!(
        after["changes"].as_array().unwrap().is_empty(),
        "the demo étude sees none of it"
    );
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_server_serves_on_loopback_and_survives_a_restart() {
    let mut server = TestServer::start_demo().await;
    assert!(server.base_url.starts_with("http://127.0.0.1:"));
    assert!(server.data_dir.join("claimdesk.sqlite").exists());
    let response = http_get(server.addr, routes::HEALTH).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"status":"ok"}"#), "{response}");
    let token = server.admin_token().await;
    assert!(!token.is_empty());

    server.stop().await;
    assert!(tokio::net::TcpStream::connect(server.addr).await.is_err());
    server.restart().await;
    let response = http_get(server.addr, "/v1/nowhere").await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    assert!(response.contains(r#""code":"not_found""#));
    // Same data: the demo is not loaded twice and accounts still sign in.
    assert!(!server.app().load_demo().await.unwrap());
    assert!(!server.token_for(demo::DEBTORS[0]).await.is_empty());
}
