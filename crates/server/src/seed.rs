//! A large deterministic data set for benchmarks: one étude appointed in
//! every procedure, one user in it, and claims spread over the procedures.
//! Written in one transaction, through the same inserts (and so the same
//! change-log rows) as everything else.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate};
use claimdesk_api::auth::Role;
use claimdesk_domain::procedure::declaration_deadline;
use claimdesk_domain::statement::Ledger;
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage, Siren};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use claimdesk_api::sync::EntityKind;
use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::auth;
use crate::changes::{Op, Scope};
use crate::config::Config;
use crate::db::Db;
use crate::demo_ledgers::{self, DebtStyle};
use crate::error::{AppError, AppResult};
use crate::inserts::{self, NewClaim, NewUser};

/// The seeded étude's user.
pub const SEED_USER: &str = "bench@seed.claimdesk.fr";
/// Its password (benchmark data only).
pub const SEED_PASSWORD: &str = crate::demo::PASSWORD;
pub const SEED_ETUDE_NAME: &str = "SELARL Banc d'Essai, mandataires judiciaires";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSpec {
    pub procedures: u32,
    pub claims: u32,
    pub seed: u64,
    /// Give each claim the debts, terms and fees its statement is computed
    /// from (declared amounts then follow from them), as the demo does.
    pub ledgers: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub etude: String,
    pub user: String,
    pub password: String,
    pub procedures: u64,
    pub dossiers: u64,
    pub claims: u64,
    pub elapsed: Duration,
}

const CREDITORS: [&str; 5] = [
    "Banque Régionale du Centre-Est",
    "Crédit Maritime Atlantique",
    "Société Lyonnaise de Financement",
    "Atlantique Crédit-Bail",
    "Lumière Énergie Entreprises",
];

const KINDS: [(ProcedureKind, ProcedureStage); 6] = [
    (ProcedureKind::Sauvegarde, ProcedureStage::PlanAdopted),
    (
        ProcedureKind::RedressementJudiciaire,
        ProcedureStage::Observation,
    ),
    (
        ProcedureKind::RedressementJudiciaire,
        ProcedureStage::PlanAdopted,
    ),
    (
        ProcedureKind::LiquidationJudiciaire,
        ProcedureStage::Liquidation,
    ),
    (
        ProcedureKind::LiquidationJudiciaireSimplifiee,
        ProcedureStage::Closed,
    ),
    (
        ProcedureKind::SauvegardeAcceleree,
        ProcedureStage::Observation,
    ),
];

const CITIES: [&str; 6] = ["Lyon", "Paris", "Marseille", "Bordeaux", "Lille", "Nantes"];

/// Rows per multi-row INSERT: far below SQLite's 32 766 bound parameters
/// for the widest table (claims, 16 columns).
const BATCH: usize = 500;

/// The first id free in `table`, never one a deleted row had.
async fn next_id(conn: &mut SqliteConnection, table: &str) -> AppResult<i64> {
    // `table` is one of a few constants, never input.
    let sql = format!(
        "SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), \
         COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)) + 1"
    );
    Ok(sqlx::query_scalar(&sql).fetch_one(conn).await?)
}

/// Inserts `rows` with one statement per batch; each batch of full size is
/// the same statement, so it is prepared once.
async fn insert_all<T>(
    conn: &mut SqliteConnection,
    head: &str,
    rows: &[T],
    bind: impl Fn(&mut Separated<'_, '_, Sqlite, &'static str>, &T),
) -> AppResult<()> {
    for chunk in rows.chunks(BATCH) {
        let mut qb = QueryBuilder::<Sqlite>::new(head);
        qb.push_values(chunk, |mut row, item| bind(&mut row, item));
        qb.build().persistent(true).execute(&mut *conn).await?;
    }
    Ok(())
}

struct Company {
    id: i64,
    name: String,
    siren: String,
    rcs: String,
    address: String,
}

struct Procedure {
    id: i64,
    company_id: i64,
    kind: ProcedureKind,
    stage: ProcedureStage,
    tribunal: String,
    judgment_date: NaiveDate,
    bodacc_date: NaiveDate,
    plan_end_date: Option<NaiveDate>,
}

struct Dossier {
    id: i64,
    reference: String,
    company_id: i64,
    creditor_id: i64,
    procedure_id: i64,
    opened_on: NaiveDate,
    principal: Money,
    balance: Money,
}

pub(crate) async fn run(db: &Db, config: &Config, spec: SeedSpec) -> AppResult<SeedReport> {
    if spec.procedures == 0 && spec.claims > 0 {
        return Err(AppError::Validation(
            "claims need at least one procedure".to_owned(),
        ));
    }
    let started = Instant::now();
    let password_hash = auth::hash_password(SEED_PASSWORD.to_owned()).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut tx = db.write.begin().await?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = ?")
        .bind(SEED_USER)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        return Err(AppError::Conflict(format!(
            "{} is already seeded; use a fresh data directory",
            config.data_dir.display()
        )));
    }
    let etude = inserts::named(&mut tx, "etudes", SEED_ETUDE_NAME).await?;
    let mut creditors = Vec::new();
    for name in CREDITORS {
        creditors.push(inserts::named(&mut tx, "creditors", name).await?);
    }
    let servicing =
        inserts::named(&mut tx, "servicing_entities", "ClaimDesk Recouvrement SAS").await?;
    inserts::servicer_details(&mut tx, servicing, &crate::demo::SERVICER_DETAILS[0]).await?;
    inserts::user(
        &mut tx,
        &NewUser {
            email: SEED_USER,
            password_hash: &password_hash,
            role: Role::Etude,
            display_name: "Banc d'essai",
            etude_id: Some(etude),
            company_id: None,
            created_at: config.now(),
        },
    )
    .await?;

    // Everything is generated first, with ids taken past every id in use,
    // then written in multi-row batches.
    let mut next_company = next_id(&mut tx, "companies").await?;
    let mut next_procedure = next_id(&mut tx, "procedures").await?;
    let mut next_dossier = next_id(&mut tx, "dossiers").await?;
    let mut next_claim = next_id(&mut tx, "claims").await?;
    let mut companies = Vec::with_capacity(spec.procedures as usize);
    let mut procedures = Vec::with_capacity(spec.procedures as usize);
    let mut dossiers = Vec::new();
    let mut claims: Vec<(i64, NewClaim)> = Vec::with_capacity(spec.claims as usize);
    let mut log: Vec<(EntityKind, i64, Scope)> = Vec::new();

    let base = NaiveDate::from_ymd_opt(2022, 1, 3).expect("a valid date");
    let per_procedure = spec.claims / spec.procedures.max(1);
    let remainder = spec.claims % spec.procedures.max(1);
    for index in 0..spec.procedures {
        let (kind, stage) = KINDS[index as usize % KINDS.len()];
        let city = CITIES[rng.gen_range(0..CITIES.len())];
        // Below the demo's range, so both data sets fit in one database.
        let siren = Siren::from_prefix(10_000_000 + index);
        let company = Company {
            id: next_company,
            name: format!("Entreprise d'essai {index:05}"),
            rcs: siren.rcs(city),
            siren: siren.as_str().to_owned(),
            address: format!("{} rue de l'Essai, 69003 {city}", index % 200 + 1),
        };
        next_company += 1;
        let judgment = base + Days::days(rng.gen_range(0..1_200));
        let bodacc = judgment + Days::days(rng.gen_range(8..=28));
        let procedure = next_procedure;
        next_procedure += 1;
        procedures.push(Procedure {
            id: procedure,
            company_id: company.id,
            kind,
            stage,
            tribunal: format!("Tribunal de commerce de {city}"),
            judgment_date: judgment,
            bodacc_date: bodacc,
            plan_end_date: (stage == ProcedureStage::PlanAdopted)
                .then(|| judgment + Days::days(365 * 9)),
        });
        log.push((
            EntityKind::Procedure,
            procedure,
            Scope::procedure(procedure),
        ));

        let count = per_procedure + u32::from(index < remainder);
        let mut by_creditor: Vec<Vec<NewClaim>> = vec![Vec::new(); creditors.len()];
        for _ in 0..count {
            let creditor = rng.gen_range(0..creditors.len());
            let principal = Money::from_cents(rng.gen_range(50_000..40_000_000));
            let mut interest = Money::from_cents(principal.cents() / 50);
            let mut penalties = Money::from_cents(rng.gen_range(0..200_000));
            let mut fees = Money::from_cents(rng.gen_range(4_000..150_000));
            let to_fall_due = Money::from_cents(rng.gen_range(0..2) * principal.cents());
            let ledger = if spec.ledgers {
                let ledger = seed_ledger(&mut rng, claims.len(), principal, to_fall_due, judgment);
                let declared = demo_ledgers::declared(&ledger, judgment)
                    .map_err(|e| AppError::Internal(format!("seed ledger: {e}")))?;
                (interest, penalties, fees) = (
                    declared.breakdown.interest,
                    declared.breakdown.penalties,
                    declared.breakdown.fees,
                );
                Some(ledger)
            } else {
                None
            };
            let total = principal + interest + penalties + fees + to_fall_due;
            let declared = if rng.gen_range(0..100) < 5 {
                declaration_deadline(bodacc, false) + Days::days(rng.gen_range(1..30))
            } else {
                bodacc + Days::days(rng.gen_range(3..55))
            };
            let admission = AdmissionStatus::ALL[rng.gen_range(0..AdmissionStatus::ALL.len())];
            let admitted_amount = match admission {
                AdmissionStatus::Admitted => Some(total),
                AdmissionStatus::PartlyAdmitted => Some(Money::from_cents(total.cents() * 3 / 4)),
                _ => None,
            };
            by_creditor[creditor].push(NewClaim {
                procedure_id: procedure,
                dossier_id: 0,
                creditor_id: creditors[creditor],
                servicing_entity_id: servicing,
                principal,
                interest,
                penalties,
                fees,
                to_fall_due,
                nature: ClaimNature::ALL[rng.gen_range(0..ClaimNature::ALL.len())],
                provisional: rng.gen_range(0..10) == 0,
                declaration_date: declared,
                admission,
                admitted_amount,
                decision_date: admission
                    .is_decided()
                    .then(|| declared + Days::days(rng.gen_range(30..300))),
                ledger,
            });
        }
        for (creditor, group) in by_creditor.into_iter().enumerate() {
            if group.is_empty() {
                continue;
            }
            let dossier = next_dossier;
            next_dossier += 1;
            dossiers.push(Dossier {
                id: dossier,
                reference: format!("SD-{}-{:07}", spec.seed, dossiers.len() + 1),
                company_id: company.id,
                creditor_id: creditors[creditor],
                procedure_id: procedure,
                opened_on: judgment - Days::days(90),
                principal: group.iter().map(|c| c.principal).sum(),
                balance: group.iter().map(NewClaim::total).sum(),
            });
            log.push((EntityKind::Dossier, dossier, Scope::dossier(dossier)));
            for mut claim in group {
                claim.dossier_id = dossier;
                log.push((
                    EntityKind::Claim,
                    next_claim,
                    Scope::claim(procedure, dossier),
                ));
                claims.push((next_claim, claim));
                next_claim += 1;
            }
        }
        companies.push(company);
    }

    insert_all(
        &mut tx,
        "INSERT INTO companies (id, name, siren, rcs, legal_form, address) ",
        &companies,
        |row, c| {
            row.push_bind(c.id)
                .push_bind(c.name.clone())
                .push_bind(c.siren.clone())
                .push_bind(c.rcs.clone())
                .push_bind("SAS")
                .push_bind(c.address.clone());
        },
    )
    .await?;
    insert_all(
        &mut tx,
        "INSERT INTO procedures (id, company_id, etude_id, kind, stage, tribunal, judgment_date, \
         bodacc_date, mandataire, administrateur, juge_commissaire, plan_end_date) ",
        &procedures,
        |row, p| {
            row.push_bind(p.id)
                .push_bind(p.company_id)
                .push_bind(etude)
                .push_bind(p.kind.as_str())
                .push_bind(p.stage.as_str())
                .push_bind(p.tribunal.clone())
                .push_bind(p.judgment_date)
                .push_bind(p.bodacc_date)
                .push_bind("Me Paul Essai")
                .push_bind(None::<String>)
                .push_bind("M. Jean Juge")
                .push_bind(p.plan_end_date);
        },
    )
    .await?;
    insert_all(
        &mut tx,
        "INSERT INTO grants (subject_etude_id, procedure_id) ",
        &procedures,
        |row, p| {
            row.push_bind(etude).push_bind(p.id);
        },
    )
    .await?;
    insert_all(
        &mut tx,
        "INSERT INTO dossiers (id, reference, company_id, creditor_id, servicing_entity_id, \
         manager_name, manager_email, manager_phone, procedure_id, opened_on, principal, balance) ",
        &dossiers,
        |row, d| {
            row.push_bind(d.id)
                .push_bind(d.reference.clone())
                .push_bind(d.company_id)
                .push_bind(d.creditor_id)
                .push_bind(servicing)
                .push_bind("Service essais")
                .push_bind("essais@claimdesk.fr")
                .push_bind("04 72 00 00 00")
                .push_bind(d.procedure_id)
                .push_bind(d.opened_on)
                .push_bind(d.principal.to_string())
                .push_bind(d.balance.to_string());
        },
    )
    .await?;
    insert_all(
        &mut tx,
        "INSERT INTO claims (id, procedure_id, dossier_id, creditor_id, servicing_entity_id, \
         principal, interest, penalties, fees, to_fall_due, nature, provisional, \
         declaration_date, admission, admitted_amount, decision_date, ledger) ",
        &claims,
        |row, (id, c)| {
            row.push_bind(*id)
                .push_bind(c.procedure_id)
                .push_bind(c.dossier_id)
                .push_bind(c.creditor_id)
                .push_bind(c.servicing_entity_id)
                .push_bind(c.principal.to_string())
                .push_bind(c.interest.to_string())
                .push_bind(c.penalties.to_string())
                .push_bind(c.fees.to_string())
                .push_bind(c.to_fall_due.to_string())
                .push_bind(c.nature.as_str())
                .push_bind(c.provisional)
                .push_bind(c.declaration_date)
                .push_bind(c.admission.as_str())
                .push_bind(c.admitted_amount.map(|a| a.to_string()))
                .push_bind(c.decision_date)
                .push_bind(
                    c.ledger
                        .as_ref()
                        .map(|l| serde_json::to_string(l).unwrap_or_default()),
                );
        },
    )
    .await?;
    // The feed's rows, parents first, as each entity was created.
    insert_all(
        &mut tx,
        "INSERT INTO changes (kind, entity_id, op, scope_procedure_id, scope_dossier_id) ",
        &log,
        |row, (kind, id, scope)| {
            row.push_bind(kind.as_str())
                .push_bind(*id)
                .push_bind(Op::Upsert.as_str())
                .push_bind(scope.procedure_id)
                .push_bind(scope.dossier_id);
        },
    )
    .await?;
    tx.commit().await?;
    Ok(SeedReport {
        etude: SEED_ETUDE_NAME.to_owned(),
        user: SEED_USER.to_owned(),
        password: SEED_PASSWORD.to_owned(),
        procedures: procedures.len() as u64,
        dossiers: dossiers.len() as u64,
        claims: claims.len() as u64,
        elapsed: started.elapsed(),
    })
}

/// A bank loan's ledger for one seeded claim: its unpaid and future
/// instalments, at a contractual rate.
fn seed_ledger(
    rng: &mut ChaCha8Rng,
    index: usize,
    due: Money,
    to_fall_due: Money,
    judgment: NaiveDate,
) -> Ledger {
    Ledger {
        terms: demo_ledgers::terms(rng, DebtStyle::Loan),
        debts: demo_ledgers::claim_debts(
            rng,
            DebtStyle::Loan,
            &format!("SP{index}"),
            due,
            to_fall_due,
            judgment,
        ),
        fees: demo_ledgers::claim_fee(rng, DebtStyle::Loan, judgment)
            .into_iter()
            .collect(),
        payments: Vec::new(),
    }
}
