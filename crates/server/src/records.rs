//! Building the records users read, one loader per kind. The sync feed and
//! the read endpoints both go through these, so a client's synced copy and
//! the server's answer cannot differ.

use std::collections::HashMap;

use chrono::NaiveDate;
use claimdesk_api::records::{
    Claim, Company, Contact, DeclaredAmounts, Dossier, Guarantee, Installment, InstallmentStatus,
    Procedure,
};
use claimdesk_domain::procedure::declaration_deadline;
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage};
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, QueryBuilder, Sqlite, SqliteConnection};

use crate::access::{GRANTED_DOSSIERS, GRANTED_PROCEDURES, Viewer};
use crate::error::{AppError, AppResult};

/// Ids per statement: well under every engine's limit on bound parameters.
const ID_CHUNK: usize = 900;

/// Which records to load; every field narrows the selection.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Selection<'a> {
    pub ids: Option<&'a [i64]>,
    /// Only what this viewer is granted.
    pub viewer: Option<&'a Viewer>,
    pub procedure_id: Option<i64>,
    pub dossier_id: Option<i64>,
    /// Ids strictly greater than this.
    pub after: Option<i64>,
    pub limit: Option<u32>,
}

impl<'a> Selection<'a> {
    pub(crate) fn visible_to(viewer: &'a Viewer) -> Selection<'a> {
        Selection {
            viewer: Some(viewer),
            ..Selection::default()
        }
    }

    pub(crate) fn ids(ids: &'a [i64]) -> Selection<'a> {
        Selection {
            ids: Some(ids),
            ..Selection::default()
        }
    }
}

/// Table aliases and how visibility reads for one kind.
struct Shape {
    base: &'static str,
    id: &'static str,
    procedure: Option<&'static str>,
    dossier: Option<&'static str>,
    visibility: Visibility,
}

enum Visibility {
    Procedure(&'static str),
    Dossier(&'static str),
    ProcedureOrDossier(&'static str, &'static str),
}

fn push_granted(qb: &mut QueryBuilder<'_, Sqlite>, column: &str, set: &str, viewer: &Viewer) {
    // `set` holds two placeholders; bind them in order through the builder.
    let (head, rest) = set.split_once('?').expect("user placeholder");
    let (middle, tail) = rest.split_once('?').expect("étude placeholder");
    qb.push(column)
        .push(" IN ")
        .push(head)
        .push_bind(viewer.user_id)
        .push(middle)
        .push_bind(viewer.etude_id)
        .push(tail);
}

async fn load<R>(
    conn: &mut SqliteConnection,
    shape: &Shape,
    selection: Selection<'_>,
) -> AppResult<Vec<R>>
where
    R: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
{
    let mut sorted;
    let chunks: Vec<Option<&[i64]>> = match selection.ids {
        Some(ids) => {
            sorted = ids.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.is_empty() {
                return Ok(Vec::new());
            }
            sorted.chunks(ID_CHUNK).map(Some).collect()
        }
        None => vec![None],
    };
    let mut out = Vec::new();
    for chunk in chunks {
        let mut qb = QueryBuilder::<Sqlite>::new(shape.base);
        qb.push(" WHERE 1 = 1");
        if let Some(ids) = chunk {
            qb.push(" AND ").push(shape.id).push(" IN (");
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            qb.push(")");
        }
        if let Some(viewer) = selection.viewer {
            qb.push(" AND ");
            match shape.visibility {
                Visibility::Procedure(col) => {
                    push_granted(&mut qb, col, GRANTED_PROCEDURES, viewer)
                }
                Visibility::Dossier(col) => push_granted(&mut qb, col, GRANTED_DOSSIERS, viewer),
                Visibility::ProcedureOrDossier(p, d) => {
                    qb.push("(");
                    push_granted(&mut qb, p, GRANTED_PROCEDURES, viewer);
                    qb.push(" OR ");
                    push_granted(&mut qb, d, GRANTED_DOSSIERS, viewer);
                    qb.push(")");
                }
            }
        }
        if let (Some(id), Some(col)) = (selection.procedure_id, shape.procedure) {
            qb.push(" AND ").push(col).push(" = ").push_bind(id);
        }
        if let (Some(id), Some(col)) = (selection.dossier_id, shape.dossier) {
            qb.push(" AND ").push(col).push(" = ").push_bind(id);
        }
        if let Some(after) = selection.after {
            qb.push(" AND ").push(shape.id).push(" > ").push_bind(after);
        }
        qb.push(" ORDER BY ").push(shape.id);
        if let Some(limit) = selection.limit {
            qb.push(" LIMIT ").push_bind(i64::from(limit));
        }
        out.extend(qb.build_query_as::<R>().fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

fn money(column: &str, text: &str) -> AppResult<Money> {
    text.parse()
        .map_err(|e| AppError::corrupt(format!("{column}: {e}")))
}

fn parsed<T>(column: &str, text: &str, parse: impl Fn(&str) -> Option<T>) -> AppResult<T> {
    parse(text).ok_or_else(|| AppError::corrupt(format!("{column}: unknown value {text:?}")))
}

#[derive(FromRow)]
struct CompanyRow {
    company_name: String,
    siren: String,
    rcs: String,
    legal_form: String,
    address: String,
}

impl From<CompanyRow> for Company {
    fn from(row: CompanyRow) -> Company {
        Company {
            name: row.company_name,
            siren: row.siren,
            rcs: row.rcs,
            legal_form: row.legal_form,
            address: row.address,
        }
    }
}

#[derive(FromRow)]
struct ProcedureRow {
    id: i64,
    kind: String,
    stage: String,
    tribunal: String,
    judgment_date: NaiveDate,
    bodacc_date: Option<NaiveDate>,
    mandataire: String,
    administrateur: Option<String>,
    juge_commissaire: Option<String>,
    plan_end_date: Option<NaiveDate>,
    etude_name: String,
    #[sqlx(flatten)]
    company: CompanyRow,
}

const PROCEDURE: Shape = Shape {
    base: "SELECT p.id, p.kind, p.stage, p.tribunal, p.judgment_date, p.bodacc_date, \
           p.mandataire, p.administrateur, p.juge_commissaire, p.plan_end_date, \
           e.name AS etude_name, co.name AS company_name, co.siren, co.rcs, co.legal_form, \
           co.address \
           FROM procedures p \
           JOIN companies co ON co.id = p.company_id \
           JOIN etudes e ON e.id = p.etude_id",
    id: "p.id",
    procedure: Some("p.id"),
    dossier: None,
    visibility: Visibility::Procedure("p.id"),
};

pub(crate) async fn procedures(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Procedure>> {
    let rows: Vec<ProcedureRow> = load(conn, &PROCEDURE, selection).await?;
    rows.into_iter()
        .map(|row| {
            Ok(Procedure {
                id: row.id,
                kind: parsed("procedures.kind", &row.kind, ProcedureKind::parse)?,
                stage: parsed("procedures.stage", &row.stage, ProcedureStage::parse)?,
                debtor: row.company.into(),
                tribunal: row.tribunal,
                judgment_date: row.judgment_date,
                bodacc_date: row.bodacc_date,
                declaration_deadline: row.bodacc_date.map(|d| declaration_deadline(d, false)),
                etude_name: row.etude_name,
                mandataire: row.mandataire,
                administrateur: row.administrateur,
                juge_commissaire: row.juge_commissaire,
                plan_end_date: row.plan_end_date,
            })
        })
        .collect()
}

#[derive(FromRow)]
struct ClaimRow {
    id: i64,
    procedure_id: i64,
    dossier_reference: String,
    creditor: String,
    servicing_entity: String,
    principal: String,
    interest: String,
    penalties: String,
    fees: String,
    to_fall_due: String,
    nature: String,
    provisional: bool,
    declaration_date: NaiveDate,
    admission: String,
    admitted_amount: Option<String>,
    decision_date: Option<NaiveDate>,
    bodacc_date: Option<NaiveDate>,
}

const CLAIM: Shape = Shape {
    base: "SELECT c.id, c.procedure_id, d.reference AS dossier_reference, \
           cr.name AS creditor, se.name AS servicing_entity, c.principal, c.interest, \
           c.penalties, c.fees, c.to_fall_due, c.nature, c.provisional, c.declaration_date, \
           c.admission, c.admitted_amount, c.decision_date, p.bodacc_date \
           FROM claims c \
           JOIN dossiers d ON d.id = c.dossier_id \
           JOIN procedures p ON p.id = c.procedure_id \
           JOIN creditors cr ON cr.id = c.creditor_id \
           JOIN servicing_entities se ON se.id = c.servicing_entity_id",
    id: "c.id",
    procedure: Some("c.procedure_id"),
    dossier: Some("c.dossier_id"),
    visibility: Visibility::ProcedureOrDossier("c.procedure_id", "c.dossier_id"),
};

pub(crate) async fn claims(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Claim>> {
    let rows: Vec<ClaimRow> = load(conn, &CLAIM, selection).await?;
    rows.into_iter()
        .map(|row| {
            let principal = money("claims.principal", &row.principal)?;
            let interest = money("claims.interest", &row.interest)?;
            let penalties = money("claims.penalties", &row.penalties)?;
            let fees = money("claims.fees", &row.fees)?;
            let to_fall_due = money("claims.to_fall_due", &row.to_fall_due)?;
            let late = row
                .bodacc_date
                .is_some_and(|b| row.declaration_date > declaration_deadline(b, false));
            Ok(Claim {
                id: row.id,
                procedure_id: row.procedure_id,
                dossier_reference: row.dossier_reference,
                creditor: row.creditor,
                servicing_entity: row.servicing_entity,
                declared: DeclaredAmounts {
                    principal,
                    interest,
                    penalties,
                    fees,
                    to_fall_due,
                    total: principal + interest + penalties + fees + to_fall_due,
                },
                nature: parsed("claims.nature", &row.nature, ClaimNature::parse)?,
                provisional: row.provisional,
                declaration_date: row.declaration_date,
                late,
                admission: parsed("claims.admission", &row.admission, AdmissionStatus::parse)?,
                admitted_amount: row
                    .admitted_amount
                    .as_deref()
                    .map(|a| money("claims.admitted_amount", a))
                    .transpose()?,
                decision_date: row.decision_date,
            })
        })
        .collect()
}

#[derive(FromRow)]
struct DossierRow {
    id: i64,
    reference: String,
    creditor: String,
    servicing_entity: String,
    manager_name: String,
    manager_email: String,
    manager_phone: String,
    procedure_id: Option<i64>,
    procedure_kind: Option<String>,
    opened_on: NaiveDate,
    principal: String,
    balance: String,
    #[sqlx(flatten)]
    company: CompanyRow,
}

const DOSSIER: Shape = Shape {
    base: "SELECT d.id, d.reference, cr.name AS creditor, se.name AS servicing_entity, \
           d.manager_name, d.manager_email, d.manager_phone, d.procedure_id, \
           p.kind AS procedure_kind, d.opened_on, d.principal, d.balance, \
           co.name AS company_name, co.siren, co.rcs, co.legal_form, co.address \
           FROM dossiers d \
           JOIN companies co ON co.id = d.company_id \
           JOIN creditors cr ON cr.id = d.creditor_id \
           JOIN servicing_entities se ON se.id = d.servicing_entity_id \
           LEFT JOIN procedures p ON p.id = d.procedure_id",
    id: "d.id",
    procedure: Some("d.procedure_id"),
    dossier: Some("d.id"),
    visibility: Visibility::Dossier("d.id"),
};

#[derive(FromRow)]
struct GuaranteeRow {
    dossier_id: i64,
    guarantor_name: String,
    amount: String,
    ends_on: Option<NaiveDate>,
}

pub(crate) async fn dossiers(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Dossier>> {
    let rows: Vec<DossierRow> = load(conn, &DOSSIER, selection).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut guarantees: HashMap<i64, Vec<Guarantee>> = HashMap::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT g.dossier_id, g.guarantor_name, g.amount, g.ends_on FROM guarantees g \
             WHERE g.dossier_id IN (",
        );
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(") ORDER BY g.dossier_id, g.id");
        for row in qb
            .build_query_as::<GuaranteeRow>()
            .fetch_all(&mut *conn)
            .await?
        {
            guarantees
                .entry(row.dossier_id)
                .or_default()
                .push(Guarantee {
                    guarantor_name: row.guarantor_name,
                    amount: money("guarantees.amount", &row.amount)?,
                    ends_on: row.ends_on,
                });
        }
    }
    rows.into_iter()
        .map(|row| {
            Ok(Dossier {
                id: row.id,
                guarantees: guarantees.remove(&row.id).unwrap_or_default(),
                reference: row.reference,
                debtor: row.company.into(),
                creditor: row.creditor,
                servicing_entity: row.servicing_entity,
                manager: Contact {
                    name: row.manager_name,
                    email: row.manager_email,
                    phone: row.manager_phone,
                },
                procedure_id: row.procedure_id,
                procedure_kind: row
                    .procedure_kind
                    .as_deref()
                    .map(|k| parsed("procedures.kind", k, ProcedureKind::parse))
                    .transpose()?,
                opened_on: row.opened_on,
                principal: money("dossiers.principal", &row.principal)?,
                balance: money("dossiers.balance", &row.balance)?,
            })
        })
        .collect()
}

#[derive(FromRow)]
struct InstallmentRow {
    id: i64,
    dossier_reference: String,
    number: i64,
    due_date: NaiveDate,
    amount: String,
    paid: String,
}

const INSTALLMENT: Shape = Shape {
    base: "SELECT i.id, d.reference AS dossier_reference, i.number, i.due_date, i.amount, i.paid \
           FROM installments i JOIN dossiers d ON d.id = i.dossier_id",
    id: "i.id",
    procedure: None,
    dossier: Some("i.dossier_id"),
    visibility: Visibility::Dossier("i.dossier_id"),
};

pub(crate) fn installment_status(amount: Money, paid: Money) -> InstallmentStatus {
    if paid.is_zero() || paid.is_negative() {
        InstallmentStatus::Unpaid
    } else if paid < amount {
        InstallmentStatus::PartlyPaid
    } else {
        InstallmentStatus::Paid
    }
}

pub(crate) async fn installments(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Installment>> {
    let rows: Vec<InstallmentRow> = load(conn, &INSTALLMENT, selection).await?;
    rows.into_iter()
        .map(|row| {
            let amount = money("installments.amount", &row.amount)?;
            let paid = money("installments.paid", &row.paid)?;
            Ok(Installment {
                id: row.id,
                dossier_reference: row.dossier_reference,
                number: row.number,
                due_date: row.due_date,
                amount,
                paid,
                status: installment_status(amount, paid),
            })
        })
        .collect()
}

/// A dossier's id from its reference, whoever asks.
pub(crate) async fn dossier_id(
    conn: &mut SqliteConnection,
    reference: &str,
) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM dossiers WHERE reference = ?")
            .bind(reference)
            .fetch_optional(conn)
            .await?,
    )
}
