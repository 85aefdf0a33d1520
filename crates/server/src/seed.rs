//! A large deterministic data set for benchmarks: one étude appointed in
//! every procedure, one user in it, and claims spread over the procedures.
//! Written in one transaction, through the same inserts (and so the same
//! change-log rows) as everything else.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate};
use claimdesk_api::auth::Role;
use claimdesk_domain::procedure::declaration_deadline;
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage, Siren};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::access::{self, GrantSubjectId};
use crate::auth;
use crate::changes::GrantObjectId;
use crate::config::Config;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::inserts::{self, NewClaim, NewCompany, NewDossier, NewProcedure, NewUser};

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

    let base = NaiveDate::from_ymd_opt(2022, 1, 3).expect("a valid date");
    let per_procedure = spec.claims / spec.procedures.max(1);
    let remainder = spec.claims % spec.procedures.max(1);
    let (mut dossier_count, mut claim_count) = (0u64, 0u64);
    for index in 0..spec.procedures {
        let (kind, stage) = KINDS[index as usize % KINDS.len()];
        let city = CITIES[rng.gen_range(0..CITIES.len())];
        // Below the demo's range, so both data sets fit in one database.
        let siren = Siren::from_prefix(10_000_000 + index);
        let name = format!("Entreprise d'essai {index:05}");
        let company = inserts::company(
            &mut tx,
            &NewCompany {
                name: &name,
                siren: siren.as_str(),
                rcs: &siren.rcs(city),
                legal_form: "SAS",
                address: &format!("{} rue de l'Essai, 69003 {city}", index % 200 + 1),
            },
        )
        .await?;
        let judgment = base + Days::days(rng.gen_range(0..1_200));
        let bodacc = judgment + Days::days(rng.gen_range(8..=28));
        let procedure = inserts::procedure(
            &mut tx,
            &NewProcedure {
                company_id: company,
                etude_id: etude,
                kind,
                stage,
                tribunal: &format!("Tribunal de commerce de {city}"),
                judgment_date: judgment,
                bodacc_date: Some(bodacc),
                mandataire: "Me Paul Essai",
                administrateur: None,
                juge_commissaire: Some("M. Jean Juge"),
                plan_end_date: (stage == ProcedureStage::PlanAdopted)
                    .then(|| judgment + Days::days(365 * 9)),
            },
        )
        .await?;
        access::insert_grant(
            &mut tx,
            GrantSubjectId::Etude(etude),
            GrantObjectId::Procedure(procedure),
        )
        .await?;

        let count = per_procedure + u32::from(index < remainder);
        let mut by_creditor: Vec<Vec<NewClaim>> = vec![Vec::new(); creditors.len()];
        for _ in 0..count {
            let creditor = rng.gen_range(0..creditors.len());
            let principal = Money::from_cents(rng.gen_range(50_000..40_000_000));
            let interest = Money::from_cents(principal.cents() / 50);
            let penalties = Money::from_cents(rng.gen_range(0..200_000));
            let fees = Money::from_cents(rng.gen_range(4_000..150_000));
            let to_fall_due = Money::from_cents(rng.gen_range(0..2) * principal.cents());
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
            });
        }
        for (creditor, claims) in by_creditor.into_iter().enumerate() {
            if claims.is_empty() {
                continue;
            }
            dossier_count += 1;
            let principal: Money = claims.iter().map(|c| c.principal).sum();
            let balance: Money = claims.iter().map(NewClaim::total).sum();
            let reference = format!("SD-{}-{dossier_count:07}", spec.seed);
            let dossier = inserts::dossier(
                &mut tx,
                &NewDossier {
                    reference: &reference,
                    company_id: company,
                    creditor_id: creditors[creditor],
                    servicing_entity_id: servicing,
                    manager: ("Service essais", "essais@claimdesk.fr", "04 72 00 00 00"),
                    procedure_id: Some(procedure),
                    opened_on: judgment - Days::days(90),
                    principal,
                    balance,
                },
            )
            .await?;
            for mut claim in claims {
                claim.dossier_id = dossier;
                inserts::claim(&mut tx, &claim).await?;
                claim_count += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(SeedReport {
        etude: SEED_ETUDE_NAME.to_owned(),
        user: SEED_USER.to_owned(),
        password: SEED_PASSWORD.to_owned(),
        procedures: u64::from(spec.procedures),
        dossiers: dossier_count,
        claims: claim_count,
        elapsed: started.elapsed(),
    })
}
