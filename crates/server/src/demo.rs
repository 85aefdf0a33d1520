//! The demo data set: one étude of mandataires judiciaires and its
//! procedures, the claims declared in them, five business debtors with their
//! dossiers and plan schedules, two guarantors and an agency account.
//! Deterministic (seeded), French, plausible; loaded once per database.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use claimdesk_api::auth::Role;
use claimdesk_domain::calendar::add_months;
use claimdesk_domain::ident::CreditorId;
use claimdesk_domain::procedure::declaration_deadline;
use claimdesk_domain::statement::{Debt, DebtKind, Ledger, Payment};
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage, Siren};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

use crate::access::{self, GrantSubjectId};
use crate::auth;
use crate::changes::GrantObjectId;
use crate::db::{self, Db};
use crate::demo_ledgers::{self, DebtStyle};
use crate::error::{AppError, AppResult};
use crate::inserts::{
    self, NewClaim, NewCompany, NewDossier, NewProcedure, NewUser, ServicerDetails,
};

/// Password of every demo account (demo data only).
pub const PASSWORD: &str = "claimdesk-demo";
/// The first user of the demo étude (a mandataire).
pub const ETUDE_USER: &str = "etude@demo.claimdesk.fr";
/// The second user of the demo étude.
pub const ETUDE_USER_2: &str = "etude2@demo.claimdesk.fr";
/// Agency staff.
pub const ADMIN_USER: &str = "agence@demo.claimdesk.fr";
/// Business debtors, one company each.
pub const DEBTORS: [&str; 5] = [
    "debiteur1@demo.claimdesk.fr",
    "debiteur2@demo.claimdesk.fr",
    "debiteur3@demo.claimdesk.fr",
    "debiteur4@demo.claimdesk.fr",
    "debiteur5@demo.claimdesk.fr",
];
/// Guarantors (cautions) of some of the debtors' dossiers.
pub const GUARANTORS: [&str; 2] = ["caution1@demo.claimdesk.fr", "caution2@demo.claimdesk.fr"];

/// The étude the demo users belong to.
pub const ETUDE_NAME: &str = "SELARL Martin & Associés, mandataires judiciaires";
/// Another étude, with procedures no demo user is granted.
pub const OTHER_ETUDE_NAME: &str = "SCP Lefèvre-Garnier, mandataires judiciaires";
/// Procedures the demo étude is appointed in.
pub const ETUDE_PROCEDURES: usize = 48;
const OTHER_PROCEDURES: usize = 4;

const MARKER: &str = "demo_loaded";
const SEED: u64 = 0x00C1_A1D5;

/// Every demo account with its role, for printing and for tests.
pub fn accounts() -> Vec<(&'static str, Role)> {
    let mut all = vec![(ETUDE_USER, Role::Etude), (ETUDE_USER_2, Role::Etude)];
    all.extend(DEBTORS.iter().map(|e| (*e, Role::Debtor)));
    all.extend(GUARANTORS.iter().map(|e| (*e, Role::Guarantor)));
    all.push((ADMIN_USER, Role::Admin));
    all
}

/// The day the demo data set is "as of": plans are paid up to it and no date
/// lies after it.
pub fn as_of() -> NaiveDate {
    date(2026, 11, 2)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("constant dates are valid")
}

const CREDITORS: [(&str, CreditorKind); 5] = [
    ("Banque Régionale du Centre-Est", CreditorKind::Bank),
    ("Crédit Maritime Atlantique", CreditorKind::Bank),
    ("Société Lyonnaise de Financement", CreditorKind::Bank),
    ("Atlantique Crédit-Bail", CreditorKind::Leasing),
    ("Lumière Énergie Entreprises", CreditorKind::Energy),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CreditorKind {
    Bank,
    Leasing,
    Energy,
}

const SERVICING_ENTITIES: [&str; 2] = ["ClaimDesk Recouvrement SAS", "ClaimDesk Contentieux SAS"];

/// Letterhead and account of each servicing entity, in the order above.
pub(crate) const SERVICER_DETAILS: [ServicerDetails<'static>; 2] = [
    ServicerDetails {
        address: "12 rue de la République\n69002 Lyon",
        legal: "SAS au capital de 500 000 € — RCS Lyon 552 100 554",
        phone: "04 72 10 45 00",
        email: "recouvrement@claimdesk.fr",
        account_holder: "CLAIMDESK RECOUVREMENT SAS - COMPTE CLIENTS",
        iban: "FR7630006000011234567890189",
        bic: "AGRIFRPP",
        bank_name: "Crédit Agricole — Lyon Part-Dieu",
    },
    ServicerDetails {
        address: "8 place Bellecour\n69002 Lyon",
        legal: "SAS au capital de 250 000 € — RCS Lyon 732 829 320",
        phone: "04 72 10 46 00",
        email: "contentieux@claimdesk.fr",
        account_holder: "CLAIMDESK CONTENTIEUX SAS",
        iban: "FR7630004008280001056789054",
        bic: "BNPAFRPPXXX",
        bank_name: "BNP Paribas — Lyon Bellecour",
    },
];

/// The SEPA creditor identifier (national part, as Banque de France issues
/// it) and the cheque address of each servicing entity, in the order above.
const SERVICER_PAYMENT_DETAILS: [(&str, &str); 2] = [
    (
        "5C2A91",
        "ClaimDesk Recouvrement SAS — Service encaissements\nTSA 40112\n69441 Lyon Cedex 03",
    ),
    (
        "7B4D03",
        "ClaimDesk Contentieux SAS — Service chèques\nTSA 40113\n69441 Lyon Cedex 03",
    ),
];

/// Gives a servicing entity its ICS (computed, so always valid) and the
/// address cheques go to.
async fn payment_details(
    conn: &mut SqliteConnection,
    id: i64,
    name: &str,
    national: &str,
    cheque_address: &str,
) -> AppResult<()> {
    let ics = CreditorId::new("FR", "ZZZ", national)
        .map_err(|e| AppError::Internal(format!("demo ICS of {name}: {e}")))?;
    sqlx::query(
        "UPDATE servicing_entities SET creditor_identifier = ?, cheque_address = ? WHERE id = ?",
    )
    .bind(ics.as_str())
    .bind(cheque_address)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

const MANAGERS: [(&str, &str, &str); 4] = [
    (
        "Sophie Bernard",
        "sophie.bernard@claimdesk.fr",
        "04 72 10 45 12",
    ),
    (
        "Karim Haddad",
        "karim.haddad@claimdesk.fr",
        "04 72 10 45 27",
    ),
    (
        "Émilie Rousseau",
        "emilie.rousseau@claimdesk.fr",
        "01 53 40 88 03",
    ),
    (
        "Thomas Lemoine",
        "thomas.lemoine@claimdesk.fr",
        "01 53 40 88 19",
    ),
];

/// (registry city, tribunal, postal code, streets)
const PLACES: [(&str, &str, &str, [&str; 3]); 12] = [
    (
        "Lyon",
        "Tribunal de commerce de Lyon",
        "69003",
        ["rue Garibaldi", "cours Lafayette", "rue Servient"],
    ),
    (
        "Paris",
        "Tribunal de commerce de Paris",
        "75011",
        ["rue de la Roquette", "boulevard Voltaire", "rue Oberkampf"],
    ),
    (
        "Marseille",
        "Tribunal de commerce de Marseille",
        "13002",
        [
            "rue de la République",
            "boulevard des Dames",
            "quai du Lazaret",
        ],
    ),
    (
        "Bordeaux",
        "Tribunal de commerce de Bordeaux",
        "33000",
        [
            "cours de l'Intendance",
            "rue Sainte-Catherine",
            "quai des Chartrons",
        ],
    ),
    (
        "Lille",
        "Tribunal de commerce de Lille Métropole",
        "59000",
        ["rue Nationale", "boulevard de la Liberté", "rue Solférino"],
    ),
    (
        "Nantes",
        "Tribunal de commerce de Nantes",
        "44000",
        [
            "quai de la Fosse",
            "rue de Strasbourg",
            "boulevard Guist'hau",
        ],
    ),
    (
        "Toulouse",
        "Tribunal de commerce de Toulouse",
        "31000",
        ["rue d'Alsace-Lorraine", "allée Jean-Jaurès", "rue de Metz"],
    ),
    (
        "Grenoble",
        "Tribunal de commerce de Grenoble",
        "38000",
        [
            "cours Jean-Jaurès",
            "rue Félix-Poulat",
            "avenue Alsace-Lorraine",
        ],
    ),
    (
        "Rennes",
        "Tribunal de commerce de Rennes",
        "35000",
        [
            "rue d'Antrain",
            "boulevard de la Liberté",
            "quai Émile-Zola",
        ],
    ),
    (
        "Montpellier",
        "Tribunal de commerce de Montpellier",
        "34000",
        [
            "avenue de Toulouse",
            "rue de la Loge",
            "boulevard du Jeu-de-Paume",
        ],
    ),
    (
        "Dijon",
        "Tribunal de commerce de Dijon",
        "21000",
        [
            "rue de la Liberté",
            "boulevard de Sévigné",
            "rue Chabot-Charny",
        ],
    ),
    // Alsace-Moselle: collective procedures go to the commercial chamber of the tribunal judiciaire.
    (
        "Strasbourg",
        "Tribunal judiciaire de Strasbourg (chambre commerciale)",
        "67000",
        [
            "rue du Faubourg-de-Saverne",
            "quai Kléber",
            "avenue des Vosges",
        ],
    ),
];

const ACTIVITIES: [&str; 20] = [
    "Boulangerie",
    "Transports",
    "Menuiserie",
    "Imprimerie",
    "Charpente",
    "Plomberie",
    "Garage",
    "Hôtel",
    "Brasserie",
    "Maçonnerie",
    "Électricité",
    "Carrosserie",
    "Traiteur",
    "Textiles",
    "Meubles",
    "Fromagerie",
    "Chaudronnerie",
    "Serrurerie",
    "Paysages",
    "Librairie",
];

const SURNAMES: [&str; 24] = [
    "Moreau",
    "Girard",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clement",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fournier",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Boyer",
];

const LEGAL_FORMS: [&str; 5] = ["SAS", "SARL", "SA", "EURL", "SASU"];

const MANDATAIRES: [&str; 2] = ["Me Claire Martin", "Me Antoine Dubreuil"];
const ADMINISTRATEURS: [&str; 3] = [
    "Me Hélène Vasseur, administrateur judiciaire",
    "Me Olivier Chastel, administrateur judiciaire",
    "SELARL AJ Partenaires, administrateurs judiciaires",
];
const JUGES: [&str; 5] = [
    "M. Patrick Leroy",
    "Mme Catherine Aubert",
    "M. Jean-Marc Faure",
    "Mme Isabelle Renaud",
    "M. Bernard Collet",
];

/// Kinds and the stages they are shown at, each reached by several procedures.
const KIND_STAGES: [(ProcedureKind, ProcedureStage); 12] = [
    (ProcedureKind::Sauvegarde, ProcedureStage::Observation),
    (ProcedureKind::Sauvegarde, ProcedureStage::PlanAdopted),
    (ProcedureKind::Sauvegarde, ProcedureStage::Closed),
    (
        ProcedureKind::SauvegardeAcceleree,
        ProcedureStage::Observation,
    ),
    (
        ProcedureKind::SauvegardeAcceleree,
        ProcedureStage::PlanAdopted,
    ),
    (
        ProcedureKind::RedressementJudiciaire,
        ProcedureStage::Observation,
    ),
    (
        ProcedureKind::RedressementJudiciaire,
        ProcedureStage::PlanAdopted,
    ),
    (
        ProcedureKind::RedressementJudiciaire,
        ProcedureStage::Closed,
    ),
    (
        ProcedureKind::LiquidationJudiciaire,
        ProcedureStage::Liquidation,
    ),
    (ProcedureKind::LiquidationJudiciaire, ProcedureStage::Closed),
    (
        ProcedureKind::LiquidationJudiciaireSimplifiee,
        ProcedureStage::Liquidation,
    ),
    (
        ProcedureKind::LiquidationJudiciaireSimplifiee,
        ProcedureStage::Closed,
    ),
];

/// Which procedures (by index among the étude's) belong to the debtor
/// accounts: plan adopted in sauvegarde, sauvegarde accélérée and
/// redressement, one redressement in observation, one liquidation.
const DEBTOR_PROCEDURES: [usize; 5] = [1, 6, 4, 5, 8];

/// The guarantors, by account: name, and which debtors' dossiers they back.
const GUARANTOR_NAMES: [(&str, &[usize]); 2] =
    [("Jean-Pierre Moreau", &[0]), ("Nathalie Girard", &[1, 3])];

fn money(rng: &mut ChaCha8Rng, low_euros: i64, high_euros: i64) -> Money {
    Money::from_cents(rng.gen_range(low_euros * 100..=high_euros * 100))
}

/// `part` of `whole` in per-mille, rounded down to the cent.
fn share(whole: Money, per_mille: i64) -> Money {
    Money::from_cents(whole.cents() * per_mille / 1000)
}

fn days(rng: &mut ChaCha8Rng, low: i64, high: i64) -> Duration {
    Duration::days(rng.gen_range(low..=high))
}

struct Company {
    id: i64,
    name: String,
}

struct Refs {
    creditors: Vec<(i64, CreditorKind)>,
    servicing: Vec<i64>,
}

struct Generator {
    rng: ChaCha8Rng,
    sirens: HashSet<String>,
    names: HashSet<String>,
    next_reference: u32,
}

impl Generator {
    async fn company(&mut self, conn: &mut SqliteConnection, place: usize) -> AppResult<Company> {
        let (city, _, postal, streets) = PLACES[place];
        let name = loop {
            let activity = ACTIVITIES[self.rng.gen_range(0..ACTIVITIES.len())];
            let surname = SURNAMES[self.rng.gen_range(0..SURNAMES.len())];
            let name = match self.rng.gen_range(0..3) {
                0 => format!("{activity} {surname}"),
                1 => format!("{activity} {surname} et Fils"),
                _ => format!(
                    "{activity} du {}",
                    ["Centre", "Lac", "Parc", "Val", "Port"][self.rng.gen_range(0..5)]
                ),
            };
            if self.names.insert(name.clone()) {
                break name;
            }
        };
        let siren = loop {
            let s = Siren::from_prefix(self.rng.gen_range(30_000_000..95_000_000));
            if self.sirens.insert(s.as_str().to_owned()) {
                break s;
            }
        };
        let legal_form = LEGAL_FORMS[self.rng.gen_range(0..LEGAL_FORMS.len())];
        let address = format!(
            "{} {}, {postal} {city}",
            self.rng.gen_range(1..=140),
            streets[self.rng.gen_range(0..streets.len())]
        );
        let id = inserts::company(
            conn,
            &NewCompany {
                name: &name,
                siren: siren.as_str(),
                rcs: &siren.rcs(city),
                legal_form,
                address: &address,
            },
        )
        .await?;
        Ok(Company { id, name })
    }

    fn judgment_date(&mut self, stage: ProcedureStage) -> NaiveDate {
        let (from, to) = match stage {
            ProcedureStage::Observation => (date(2026, 1, 5), date(2026, 6, 30)),
            ProcedureStage::PlanAdopted => (date(2021, 3, 1), date(2024, 12, 15)),
            ProcedureStage::Liquidation => (date(2023, 9, 1), date(2026, 5, 31)),
            ProcedureStage::Closed => (date(2018, 6, 1), date(2022, 12, 15)),
        };
        let span = (to - from).num_days();
        from + Duration::days(self.rng.gen_range(0..=span))
    }

    fn reference(&mut self, opened_on: NaiveDate) -> String {
        self.next_reference += self.rng.gen_range(1..=37);
        format!("CD-{}-{:06}", opened_on.year(), self.next_reference)
    }

    /// Amounts of one claim as a creditor of this kind would declare it.
    fn amounts(&mut self, kind: CreditorKind) -> (Money, Money, Money, Money, Money, ClaimNature) {
        let r = &mut self.rng;
        match kind {
            CreditorKind::Bank => {
                let principal = money(r, 8_000, 380_000);
                let interest = share(principal, r.gen_range(8..=45));
                let penalties = if r.gen_bool(0.6) {
                    share(principal, r.gen_range(30..=70))
                } else {
                    Money::ZERO
                };
                let fees = money(r, 45, 1_500);
                // Loans of a year or more: capital not yet due at the judgment.
                let to_fall_due = if r.gen_bool(0.7) {
                    share(principal, r.gen_range(200..=2_400))
                } else {
                    Money::ZERO
                };
                let nature = match r.gen_range(0..20) {
                    0..=8 => ClaimNature::Secured,
                    9..=11 => ClaimNature::Privileged,
                    _ => ClaimNature::Unsecured,
                };
                (principal, interest, penalties, fees, to_fall_due, nature)
            }
            CreditorKind::Leasing => {
                let principal = money(r, 1_800, 65_000);
                let interest = share(principal, r.gen_range(5..=25));
                // Clause pénale of the lease.
                let penalties = share(principal, 100);
                let fees = money(r, 40, 600);
                let to_fall_due = share(principal, r.gen_range(500..=3_000));
                let nature = if r.gen_bool(0.2) {
                    ClaimNature::Secured
                } else {
                    ClaimNature::Unsecured
                };
                (principal, interest, penalties, fees, to_fall_due, nature)
            }
            CreditorKind::Energy => {
                let principal = money(r, 350, 42_000);
                let interest = share(principal, r.gen_range(3..=30));
                // 40 € fixed recovery indemnity per unpaid invoice.
                let penalties = Money::from_cents(4_000 * r.gen_range(1..=12));
                let fees = if r.gen_bool(0.3) {
                    money(r, 30, 250)
                } else {
                    Money::ZERO
                };
                (
                    principal,
                    interest,
                    penalties,
                    fees,
                    Money::ZERO,
                    ClaimNature::Unsecured,
                )
            }
        }
    }

    /// Declaration, admission and decision of a claim in a procedure.
    fn course(
        &mut self,
        stage: ProcedureStage,
        bodacc: NaiveDate,
        total: Money,
        late: bool,
    ) -> (NaiveDate, AdmissionStatus, Option<Money>, Option<NaiveDate>) {
        let declared = if late {
            declaration_deadline(bodacc, false) + days(&mut self.rng, 3, 45)
        } else {
            bodacc + days(&mut self.rng, 4, 55)
        };
        let roll = self.rng.gen_range(0..100);
        let admission = match stage {
            ProcedureStage::Observation => match roll {
                0..=59 => AdmissionStatus::Pending,
                60..=79 => AdmissionStatus::Admitted,
                80..=87 => AdmissionStatus::PartlyAdmitted,
                88..=93 => AdmissionStatus::Disputed,
                _ => AdmissionStatus::Rejected,
            },
            _ => match roll {
                0..=4 => AdmissionStatus::Pending,
                5..=59 => AdmissionStatus::Admitted,
                60..=79 => AdmissionStatus::PartlyAdmitted,
                80..=89 => AdmissionStatus::Rejected,
                _ => AdmissionStatus::Disputed,
            },
        };
        if admission == AdmissionStatus::Pending {
            return (declared, admission, None, None);
        }
        let decided = declared + days(&mut self.rng, 45, 320);
        if decided > as_of() {
            return (declared, AdmissionStatus::Pending, None, None);
        }
        let amount = match admission {
            AdmissionStatus::Admitted => Some(total),
            AdmissionStatus::PartlyAdmitted => Some(share(total, self.rng.gen_range(550..=960))),
            _ => None,
        };
        (declared, admission, amount, Some(decided))
    }
}

/// Loads the demo data set unless it is already there; returns whether it
/// was loaded now.
pub(crate) async fn load(db: &Db) -> AppResult<bool> {
    {
        let mut conn = db.read.acquire().await?;
        if db::meta_get(&mut conn, MARKER).await?.is_some() {
            return Ok(false);
        }
    }
    // Hash before taking the writer: each account gets its own salt.
    let mut hashes = Vec::new();
    for _ in accounts() {
        hashes.push(tokio::task::spawn_blocking(|| {
            auth::hash_password_blocking(PASSWORD)
        }));
    }
    let mut password_hashes = Vec::new();
    for h in hashes {
        password_hashes.push(
            h.await
                .map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))??,
        );
    }

    let mut tx = db.write.begin().await?;
    if db::meta_get(&mut tx, MARKER).await?.is_some() {
        return Ok(false);
    }
    write(&mut tx, &password_hashes).await?;
    db::meta_set(&mut tx, MARKER, "1").await?;
    tx.commit().await?;
    tracing::info!("demo data loaded");
    Ok(true)
}

async fn write(conn: &mut SqliteConnection, password_hashes: &[String]) -> AppResult<()> {
    let mut g = Generator {
        rng: ChaCha8Rng::seed_from_u64(SEED),
        sirens: HashSet::new(),
        names: HashSet::new(),
        next_reference: 100,
    };
    let etude = inserts::named(conn, "etudes", ETUDE_NAME).await?;
    let other_etude = inserts::named(conn, "etudes", OTHER_ETUDE_NAME).await?;
    let mut refs = Refs {
        creditors: Vec::new(),
        servicing: Vec::new(),
    };
    for (name, kind) in CREDITORS {
        refs.creditors
            .push((inserts::named(conn, "creditors", name).await?, kind));
    }
    for ((name, details), (national, cheque_address)) in SERVICING_ENTITIES
        .iter()
        .zip(&SERVICER_DETAILS)
        .zip(SERVICER_PAYMENT_DETAILS)
    {
        let id = inserts::named(conn, "servicing_entities", name).await?;
        inserts::servicer_details(conn, id, details).await?;
        payment_details(conn, id, name, national, cheque_address).await?;
        refs.servicing.push(id);
    }

    // (company, procedure id, the company's dossier ids)
    let mut debtor_companies: Vec<(Company, Vec<i64>)> = Vec::new();
    for index in 0..ETUDE_PROCEDURES + OTHER_PROCEDURES {
        let ours = index < ETUDE_PROCEDURES;
        let (kind, stage) = KIND_STAGES[index % KIND_STAGES.len()];
        let place = g.rng.gen_range(0..PLACES.len());
        let company = g.company(conn, place).await?;
        let judgment = g.judgment_date(stage);
        let bodacc = judgment + days(&mut g.rng, 8, 28);
        // Plan adopted about ten months after the judgment, for 7 to 10 years.
        let plan = (stage == ProcedureStage::PlanAdopted)
            .then(|| (add_months(judgment, 10), g.rng.gen_range(7..=10i64)));
        let plan_end = plan.map(|(adoption, years)| add_months(adoption, 12 * years as u32));
        let administrateur = (!kind.is_liquidation() && g.rng.gen_bool(0.6))
            .then(|| ADMINISTRATEURS[g.rng.gen_range(0..ADMINISTRATEURS.len())]);
        let mandataire = if ours {
            MANDATAIRES[index % MANDATAIRES.len()]
        } else {
            "Me Sylvie Lefèvre"
        };
        let procedure = inserts::procedure(
            conn,
            &NewProcedure {
                company_id: company.id,
                etude_id: if ours { etude } else { other_etude },
                kind,
                stage,
                tribunal: PLACES[place].1,
                judgment_date: judgment,
                bodacc_date: Some(bodacc),
                mandataire,
                administrateur,
                juge_commissaire: Some(JUGES[g.rng.gen_range(0..JUGES.len())]),
                plan_end_date: plan_end,
                // The list of claims is published once the mandataire has
                // verified them, some six months after the BODACC notice.
                claims_list_date: (stage != ProcedureStage::Observation)
                    .then(|| add_months(bodacc, 6))
                    .filter(|d| *d <= as_of()),
                plan_adopted_on: plan.map(|(adoption, _)| adoption),
            },
        )
        .await?;
        access::insert_grant(
            conn,
            GrantSubjectId::Etude(if ours { etude } else { other_etude }),
            GrantObjectId::Procedure(procedure),
        )
        .await?;

        let is_debtor = ours && DEBTOR_PROCEDURES.contains(&index);
        let dossier_count = g.rng.gen_range(4..=7);
        let mut dossiers = Vec::new();
        for d in 0..dossier_count {
            // The first dossier is a bank's: the loans guarantors back.
            let (creditor_id, creditor_kind) = if d == 0 {
                refs.creditors[g.rng.gen_range(0..3)]
            } else {
                refs.creditors[g.rng.gen_range(0..refs.creditors.len())]
            };
            let claim_count = match creditor_kind {
                CreditorKind::Bank => g.rng.gen_range(1..=3),
                _ => g.rng.gen_range(1..=2),
            };
            let servicing_entity_id = refs.servicing[g.rng.gen_range(0..refs.servicing.len())];
            let mut claims = Vec::new();
            // Ledgers draw from their own generator so the rest of the data
            // set stays as it was.
            let mut lr = ChaCha8Rng::seed_from_u64(SEED ^ ((index as u64) << 8 | d as u64));
            let style = debt_style(creditor_kind);
            let terms = demo_ledgers::terms(&mut lr, style);
            let mut dossier_ledger = Ledger {
                terms: terms.clone(),
                debts: Vec::new(),
                fees: Vec::new(),
                payments: Vec::new(),
            };
            for part in 0..claim_count {
                let (principal, _, _, _, to_fall_due, nature) = g.amounts(creditor_kind);
                let prefix = format!("{}{}-{}", style_prefix(style), index + 1, part + 1);
                let claim_ledger = Ledger {
                    terms: terms.clone(),
                    debts: demo_ledgers::claim_debts(
                        &mut lr,
                        style,
                        &prefix,
                        principal,
                        to_fall_due,
                        judgment,
                    ),
                    fees: demo_ledgers::claim_fee(&mut lr, style, judgment)
                        .into_iter()
                        .collect(),
                    payments: Vec::new(),
                };
                let declared = demo_ledgers::declared(&claim_ledger, judgment)
                    .map_err(|e| AppError::Internal(format!("demo ledger: {e}")))?;
                let b = &declared.breakdown;
                let (interest, penalties, fees) = (b.interest, b.penalties, b.fees);
                let total = declared.total;
                dossier_ledger
                    .debts
                    .extend(claim_ledger.debts.iter().cloned());
                dossier_ledger
                    .fees
                    .extend(claim_ledger.fees.iter().cloned());
                let late = g.rng.gen_range(0..100) < 4;
                let (declaration_date, admission, admitted_amount, decision_date) =
                    g.course(stage, bodacc, total, late);
                claims.push(NewClaim {
                    procedure_id: procedure,
                    dossier_id: 0,
                    creditor_id,
                    servicing_entity_id,
                    principal,
                    interest,
                    penalties,
                    fees,
                    to_fall_due,
                    nature,
                    provisional: g.rng.gen_range(0..100) < 15,
                    declaration_date,
                    admission,
                    admitted_amount,
                    decision_date,
                    ledger: Some(claim_ledger),
                });
            }
            let principal: Money = claims.iter().map(|c| c.principal + c.to_fall_due).sum();
            let owed: Money = claims
                .iter()
                .map(|c| match c.admission {
                    AdmissionStatus::Admitted | AdmissionStatus::PartlyAdmitted => {
                        c.admitted_amount.unwrap_or(Money::ZERO)
                    }
                    AdmissionStatus::Rejected => Money::ZERO,
                    AdmissionStatus::Pending | AdmissionStatus::Disputed => c.total(),
                })
                .sum();
            // The plan pays what was admitted, in yearly instalments from
            // the plan's first anniversary.
            let schedule = match plan {
                Some((adoption, years)) if !owed.is_zero() => {
                    plan_schedule(&mut g.rng, owed, adoption, years)
                }
                _ => Vec::new(),
            };
            dossier_ledger.payments = schedule
                .iter()
                .enumerate()
                .filter(|(_, (_, _, paid))| !paid.is_zero())
                .map(|(n, (due, _, paid))| Payment {
                    date: *due,
                    label: format!("Échéance n° {} du plan", n + 1),
                    amount: *paid,
                })
                .collect();
            let balance = demo_ledgers::at(&dossier_ledger, Some(judgment), as_of())
                .map_err(|e| AppError::Internal(format!("demo ledger: {e}")))?
                .total;
            let opened_on = judgment - days(&mut g.rng, 40, 420);
            let reference = g.reference(opened_on);
            let dossier = inserts::dossier(
                conn,
                &NewDossier {
                    reference: &reference,
                    company_id: company.id,
                    creditor_id,
                    servicing_entity_id,
                    manager: MANAGERS[g.rng.gen_range(0..MANAGERS.len())],
                    procedure_id: Some(procedure),
                    opened_on,
                    principal,
                    balance,
                    ledger: Some(&dossier_ledger),
                },
            )
            .await?;
            for payment in &dossier_ledger.payments {
                inserts::received_payment(conn, dossier, payment).await?;
            }
            for mut claim in claims {
                claim.dossier_id = dossier;
                inserts::claim(conn, &claim).await?;
            }
            for (number, (due, amount, paid)) in schedule.into_iter().enumerate() {
                inserts::installment(conn, dossier, number as i64 + 1, due, amount, paid).await?;
            }
            dossiers.push(dossier);
        }
        if is_debtor {
            // A dossier still in amicable collection, outside the procedure.
            let (creditor_id, _) = refs.creditors[4];
            let principal = money(&mut g.rng, 900, 7_500);
            let opened_on = as_of() - days(&mut g.rng, 20, 120);
            let reference = g.reference(opened_on);
            let settled = index == DEBTOR_PROCEDURES[0];
            let (ledger, balance) = amicable_ledger(&reference, principal, opened_on, settled)?;
            let dossier = inserts::dossier(
                conn,
                &NewDossier {
                    reference: &reference,
                    company_id: company.id,
                    creditor_id,
                    servicing_entity_id: refs.servicing[0],
                    manager: MANAGERS[0],
                    procedure_id: None,
                    opened_on,
                    principal,
                    balance,
                    ledger: Some(&ledger),
                },
            )
            .await?;
            for payment in &ledger.payments {
                inserts::received_payment(conn, dossier, payment).await?;
            }
            dossiers.push(dossier);
            debtor_companies.push((company, dossiers));
        }
    }

    // Accounts.
    let now = as_of()
        .and_hms_opt(9, 0, 0)
        .expect("a valid time of day")
        .and_utc();
    let mut hashes = password_hashes.iter();
    let mut next_hash = || {
        hashes
            .next()
            .cloned()
            .ok_or_else(|| AppError::Internal("one hash per demo account".to_owned()))
    };
    for (email, name) in [
        (ETUDE_USER, "Me Claire Martin"),
        (ETUDE_USER_2, "Me Antoine Dubreuil"),
    ] {
        inserts::user(
            conn,
            &NewUser {
                email,
                password_hash: &next_hash()?,
                role: Role::Etude,
                display_name: name,
                etude_id: Some(etude),
                company_id: None,
                created_at: now,
            },
        )
        .await?;
    }
    for (email, (company, dossiers)) in DEBTORS.iter().zip(&debtor_companies) {
        let user = inserts::user(
            conn,
            &NewUser {
                email,
                password_hash: &next_hash()?,
                role: Role::Debtor,
                display_name: &company.name,
                etude_id: None,
                company_id: Some(company.id),
                created_at: now,
            },
        )
        .await?;
        let procedures: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM procedures WHERE company_id = ?")
                .bind(company.id)
                .fetch_all(&mut *conn)
                .await?;
        for p in procedures {
            access::insert_grant(
                conn,
                GrantSubjectId::User(user),
                GrantObjectId::Procedure(p),
            )
            .await?;
        }
        for d in dossiers {
            access::insert_grant(conn, GrantSubjectId::User(user), GrantObjectId::Dossier(*d))
                .await?;
        }
    }
    for (email, (name, debtors)) in GUARANTORS.iter().zip(GUARANTOR_NAMES) {
        let user = inserts::user(
            conn,
            &NewUser {
                email,
                password_hash: &next_hash()?,
                role: Role::Guarantor,
                display_name: name,
                etude_id: None,
                company_id: None,
                created_at: now,
            },
        )
        .await?;
        for debtor in debtors {
            // The first one or two dossiers of the company: its bank loans.
            let guaranteed = &debtor_companies[*debtor].1;
            let count = if *debtor == 0 { 2 } else { 1 };
            for dossier in guaranteed.iter().take(count) {
                let principal: String =
                    sqlx::query_scalar("SELECT principal FROM dossiers WHERE id = ?")
                        .bind(dossier)
                        .fetch_one(&mut *conn)
                        .await?;
                let principal: Money = principal.parse().map_err(AppError::corrupt)?;
                let amount = share(principal, 500);
                let ends_on = add_months(as_of(), 12 * g.rng.gen_range(2..=8));
                inserts::guarantee(conn, *dossier, name, amount, Some(ends_on)).await?;
                access::insert_grant(
                    conn,
                    GrantSubjectId::User(user),
                    GrantObjectId::Dossier(*dossier),
                )
                .await?;
            }
        }
    }
    // A guarantee without an account: the guarantor has not activated yet.
    if let Some((_, dossiers)) = debtor_companies.get(2) {
        inserts::guarantee(
            conn,
            dossiers[0],
            "Marc Lambert",
            Money::from_cents(2_500_000),
            Some(add_months(as_of(), 36)),
        )
        .await?;
    }
    inserts::user(
        conn,
        &NewUser {
            email: ADMIN_USER,
            password_hash: &next_hash()?,
            role: Role::Admin,
            display_name: "Agence ClaimDesk — back-office",
            etude_id: None,
            company_id: None,
            created_at: now,
        },
    )
    .await?;
    Ok(())
}

fn debt_style(kind: CreditorKind) -> DebtStyle {
    match kind {
        CreditorKind::Bank => DebtStyle::Loan,
        CreditorKind::Leasing => DebtStyle::Lease,
        CreditorKind::Energy => DebtStyle::Supply,
    }
}

fn style_prefix(style: DebtStyle) -> &'static str {
    match style {
        DebtStyle::Loan => "PR",
        DebtStyle::Lease => "LY",
        DebtStyle::Supply => "FA",
    }
}

/// A dossier in amicable collection: two supply invoices, the first one
/// late. `settled`: the debtor paid everything a few days before the demo's
/// date, so the dossier has an attestation de solde.
fn amicable_ledger(
    reference: &str,
    principal: Money,
    opened_on: NaiveDate,
    settled: bool,
) -> AppResult<(Ledger, Money)> {
    let first = Money::from_cents(principal.cents() * 3 / 5);
    let issued = opened_on - Duration::days(75);
    let mut ledger = Ledger {
        terms: demo_ledgers::terms(&mut ChaCha8Rng::seed_from_u64(SEED), DebtStyle::Supply),
        debts: vec![
            Debt {
                reference: format!("{reference}-F1"),
                label: "Facture de fourniture".to_owned(),
                kind: DebtKind::Invoice,
                amount: first,
                issued_on: issued,
                due_on: issued + Duration::days(30),
                long_term: false,
            },
            Debt {
                reference: format!("{reference}-F2"),
                label: "Facture de fourniture".to_owned(),
                kind: DebtKind::Invoice,
                amount: principal - first,
                issued_on: issued + Duration::days(30),
                due_on: issued + Duration::days(60),
                long_term: false,
            },
        ],
        fees: Vec::new(),
        payments: Vec::new(),
    };
    let compute = |ledger: &Ledger, on: NaiveDate| {
        demo_ledgers::at(ledger, None, on)
            .map_err(|e| AppError::Internal(format!("demo ledger: {e}")))
    };
    if settled {
        let paid_on = as_of() - Duration::days(3);
        let owed = compute(&ledger, paid_on)?.total;
        ledger.payments.push(Payment {
            date: paid_on,
            label: "Virement reçu — solde du dossier".to_owned(),
            amount: owed,
        });
    }
    let balance = compute(&ledger, as_of())?.total;
    Ok((ledger, balance))
}

/// Yearly instalments paying `owed` in full from the year after `adoption`:
/// equal shares, the rounding cents on the last. Paid up to [`as_of`], with
/// the latest one due sometimes only partly paid.
fn plan_schedule(
    rng: &mut ChaCha8Rng,
    owed: Money,
    adoption: NaiveDate,
    years: i64,
) -> Vec<(NaiveDate, Money, Money)> {
    let share_cents = owed.cents() / years;
    let mut out = Vec::new();
    for year in 1..=years {
        let due = add_months(adoption, 12 * year as u32);
        let amount = if year == years {
            Money::from_cents(owed.cents() - share_cents * (years - 1))
        } else {
            Money::from_cents(share_cents)
        };
        let paid = if due > as_of() {
            Money::ZERO
        } else if add_months(due, 12) > as_of() && rng.gen_bool(0.3) {
            share(amount, 500)
        } else {
            amount
        };
        out.push((due, amount, paid));
    }
    out
}
