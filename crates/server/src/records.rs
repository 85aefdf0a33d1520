//! Building the records users read, one loader per kind. The sync feed and
//! the read endpoints both go through these, so a client's synced copy and
//! the server's answer cannot differ.
//!
//! SQLite packs each selection into one JSON array of row arrays, which is
//! parsed here into borrowed rows: sqlx hands every column of every row over
//! on its own, and for a sync page of ten thousand claims that costs several
//! times what the query does. Each row struct lists its fields in the order
//! of its shape's `columns`.

use std::borrow::Cow;

use chrono::NaiveDate;
use claimdesk_api::documents::{Rib, Servicer};
use claimdesk_api::records::{
    Claim, Company, Contact, DeclaredAmounts, Dossier, Guarantee, Installment, InstallmentStatus,
    Procedure,
};
use claimdesk_domain::ident::RfReference;
use claimdesk_domain::procedure::{ProcedureDeadlines, declaration_deadline};
use claimdesk_domain::statement::{Ledger, Payment};
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage};
use serde::Deserialize;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::access::{GRANTED_DOSSIERS, GRANTED_PROCEDURES, Viewer};
use crate::error::{AppError, AppResult};

/// Which records to load; every field narrows the selection.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Selection<'a> {
    pub id: Option<i64>,
    /// Only what this viewer is granted.
    pub viewer: Option<&'a Viewer>,
    pub procedure_id: Option<i64>,
    pub dossier_id: Option<i64>,
    /// Ids strictly greater than this.
    pub after: Option<i64>,
    /// Only entities with an upsert in the change log within `(from, to]`.
    pub changed_between: Option<(i64, i64)>,
    pub limit: Option<u32>,
}

impl<'a> Selection<'a> {
    pub(crate) fn visible_to(viewer: &'a Viewer) -> Selection<'a> {
        Selection {
            viewer: Some(viewer),
            ..Selection::default()
        }
    }

    pub(crate) fn one(id: i64) -> Selection<'a> {
        Selection {
            id: Some(id),
            ..Selection::default()
        }
    }
}

/// How one kind is selected: its columns (in its row struct's order), its
/// tables, and the columns visibility and filters read.
struct Shape {
    kind: &'static str,
    columns: &'static str,
    from: &'static str,
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

/// The selected rows as one JSON array of row arrays, in no particular order.
async fn load(
    conn: &mut SqliteConnection,
    shape: &Shape,
    selection: Selection<'_>,
) -> AppResult<String> {
    // group_concat joins the row arrays as they are (json_group_array would
    // parse each again); its order is unspecified, so rows are sorted once
    // parsed.
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT '[' || COALESCE(group_concat(packed, ','), '') || ']' FROM (SELECT ",
    );
    qb.push(shape.id)
        .push(" AS id, json_array(")
        .push(shape.columns)
        .push(") AS packed ")
        .push(shape.from)
        .push(" WHERE 1 = 1");
    if let Some(id) = selection.id {
        qb.push(" AND ").push(shape.id).push(" = ").push_bind(id);
    }
    if let Some(viewer) = selection.viewer {
        qb.push(" AND ");
        match shape.visibility {
            Visibility::Procedure(col) => push_granted(&mut qb, col, GRANTED_PROCEDURES, viewer),
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
    if let Some((from, to)) = selection.changed_between {
        qb.push(" AND ")
            .push(shape.id)
            .push(" IN (SELECT entity_id FROM changes WHERE seq > ")
            .push_bind(from)
            .push(" AND seq <= ")
            .push_bind(to)
            .push(" AND kind = ")
            .push_bind(shape.kind)
            .push(" AND op = 'upsert')");
    }
    if let Some(after) = selection.after {
        qb.push(" AND ").push(shape.id).push(" > ").push_bind(after);
    }
    qb.push(" ORDER BY ").push(shape.id);
    if let Some(limit) = selection.limit {
        qb.push(" LIMIT ").push_bind(i64::from(limit));
    }
    qb.push(")");
    Ok(qb.build_query_scalar::<String>().fetch_one(conn).await?)
}

/// Rows parsed from [`load`]'s text, sorted by id.
fn rows<'a, R: Deserialize<'a>>(
    kind: &str,
    packed: &'a str,
    id: impl Fn(&R) -> i64,
) -> AppResult<Vec<R>> {
    let mut rows: Vec<R> =
        serde_json::from_str(packed).map_err(|e| AppError::corrupt(format!("{kind} rows: {e}")))?;
    rows.sort_unstable_by_key(id);
    Ok(rows)
}

/// Amounts are stored as `Money` writes them (`-?digits.dd`); that form is
/// read directly as cents, anything else through the full parser.
fn money(column: &str, text: &str) -> AppResult<Money> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if let Some((units, cents)) = digits.split_once('.') {
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if units.len() <= 16 && cents.len() == 2 && all_digits(units) && all_digits(cents) {
            let value = units.parse::<i64>().unwrap_or(0) * 100 + cents.parse::<i64>().unwrap_or(0);
            return Ok(Money::from_cents(if negative { -value } else { value }));
        }
    }
    text.parse()
        .map_err(|e| AppError::corrupt(format!("{column}: {e}")))
}

/// `YYYY-MM-DD`, as dates are stored; chrono's format-driven parser is
/// several times slower, which a sync page of ten thousand claims feels.
fn date(column: &str, text: &str) -> AppResult<NaiveDate> {
    let b = text.as_bytes();
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (number(0..4), number(5..7), number(8..10))
        && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
    {
        return Ok(date);
    }
    Err(AppError::corrupt(format!("{column}: not a date {text:?}")))
}

fn opt_date(column: &str, text: Option<&str>) -> AppResult<Option<NaiveDate>> {
    text.map(|t| date(column, t)).transpose()
}

fn parsed<T>(column: &str, text: &str, parse: impl Fn(&str) -> Option<T>) -> AppResult<T> {
    parse(text).ok_or_else(|| AppError::corrupt(format!("{column}: unknown value {text:?}")))
}

// Row structs borrow what is parsed (dates, amounts, codes) and own what the
// record keeps.

#[derive(Deserialize)]
struct ProcedureRow<'a> {
    id: i64,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    stage: Cow<'a, str>,
    tribunal: String,
    #[serde(borrow)]
    judgment_date: Cow<'a, str>,
    #[serde(borrow)]
    bodacc_date: Option<Cow<'a, str>>,
    mandataire: String,
    administrateur: Option<String>,
    juge_commissaire: Option<String>,
    #[serde(borrow)]
    plan_end_date: Option<Cow<'a, str>>,
    etude_name: String,
    company_name: String,
    siren: String,
    rcs: String,
    legal_form: String,
    address: String,
    #[serde(borrow)]
    claims_list_date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    plan_adopted_on: Option<Cow<'a, str>>,
}

const PROCEDURE: Shape = Shape {
    kind: "procedure",
    columns: "p.id, p.kind, p.stage, p.tribunal, p.judgment_date, p.bodacc_date, \
              p.mandataire, p.administrateur, p.juge_commissaire, p.plan_end_date, e.name, \
              co.name, co.siren, co.rcs, co.legal_form, co.address, p.claims_list_date, \
              p.plan_adopted_on",
    from: "FROM procedures p \
           JOIN companies co ON co.id = p.company_id \
           JOIN etudes e ON e.id = p.etude_id",
    id: "p.id",
    procedure: Some("p.id"),
    dossier: None,
    visibility: Visibility::Procedure("p.id"),
};

fn procedure(row: ProcedureRow<'_>) -> AppResult<Procedure> {
    let bodacc_date = opt_date("procedures.bodacc_date", row.bodacc_date.as_deref())?;
    Ok(Procedure {
        id: row.id,
        kind: parsed("procedures.kind", &row.kind, ProcedureKind::parse)?,
        stage: parsed("procedures.stage", &row.stage, ProcedureStage::parse)?,
        debtor: Company {
            name: row.company_name,
            siren: row.siren,
            rcs: row.rcs,
            legal_form: row.legal_form,
            address: row.address,
        },
        tribunal: row.tribunal,
        judgment_date: date("procedures.judgment_date", &row.judgment_date)?,
        bodacc_date,
        declaration_deadline: bodacc_date.map(|d| declaration_deadline(d, false)),
        etude_name: row.etude_name,
        mandataire: row.mandataire,
        administrateur: row.administrateur,
        juge_commissaire: row.juge_commissaire,
        plan_end_date: opt_date("procedures.plan_end_date", row.plan_end_date.as_deref())?,
        deadlines: ProcedureDeadlines::compute(
            bodacc_date,
            opt_date(
                "procedures.claims_list_date",
                row.claims_list_date.as_deref(),
            )?,
            opt_date("procedures.plan_adopted_on", row.plan_adopted_on.as_deref())?,
        ),
    })
}

pub(crate) async fn procedures(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Procedure>> {
    let packed = load(conn, &PROCEDURE, selection).await?;
    rows("procedure", &packed, |r: &ProcedureRow| r.id)?
        .into_iter()
        .map(procedure)
        .collect()
}

#[derive(Deserialize)]
struct ClaimRow<'a> {
    id: i64,
    procedure_id: i64,
    dossier_reference: String,
    creditor: String,
    servicing_entity: String,
    #[serde(borrow)]
    principal: Cow<'a, str>,
    #[serde(borrow)]
    interest: Cow<'a, str>,
    #[serde(borrow)]
    penalties: Cow<'a, str>,
    #[serde(borrow)]
    fees: Cow<'a, str>,
    #[serde(borrow)]
    to_fall_due: Cow<'a, str>,
    #[serde(borrow)]
    nature: Cow<'a, str>,
    /// 0 or 1.
    provisional: i64,
    #[serde(borrow)]
    declaration_date: Cow<'a, str>,
    #[serde(borrow)]
    admission: Cow<'a, str>,
    #[serde(borrow)]
    admitted_amount: Option<Cow<'a, str>>,
    #[serde(borrow)]
    decision_date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    bodacc_date: Option<Cow<'a, str>>,
}

const CLAIM: Shape = Shape {
    kind: "claim",
    columns: "c.id, c.procedure_id, d.reference, cr.name, se.name, c.principal, c.interest, \
              c.penalties, c.fees, c.to_fall_due, c.nature, c.provisional, c.declaration_date, \
              c.admission, c.admitted_amount, c.decision_date, p.bodacc_date",
    from: "FROM claims c \
           JOIN dossiers d ON d.id = c.dossier_id \
           JOIN procedures p ON p.id = c.procedure_id \
           JOIN creditors cr ON cr.id = c.creditor_id \
           JOIN servicing_entities se ON se.id = c.servicing_entity_id",
    id: "c.id",
    procedure: Some("c.procedure_id"),
    dossier: Some("c.dossier_id"),
    visibility: Visibility::ProcedureOrDossier("c.procedure_id", "c.dossier_id"),
};

fn claim(row: ClaimRow<'_>) -> AppResult<Claim> {
    let principal = money("claims.principal", &row.principal)?;
    let interest = money("claims.interest", &row.interest)?;
    let penalties = money("claims.penalties", &row.penalties)?;
    let fees = money("claims.fees", &row.fees)?;
    let to_fall_due = money("claims.to_fall_due", &row.to_fall_due)?;
    let declaration_date = date("claims.declaration_date", &row.declaration_date)?;
    let late = opt_date("procedures.bodacc_date", row.bodacc_date.as_deref())?
        .is_some_and(|b| declaration_date > declaration_deadline(b, false));
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
        provisional: row.provisional != 0,
        declaration_date,
        late,
        admission: parsed("claims.admission", &row.admission, AdmissionStatus::parse)?,
        admitted_amount: row
            .admitted_amount
            .as_deref()
            .map(|a| money("claims.admitted_amount", a))
            .transpose()?,
        decision_date: opt_date("claims.decision_date", row.decision_date.as_deref())?,
    })
}

pub(crate) async fn claims(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Claim>> {
    let packed = load(conn, &CLAIM, selection).await?;
    rows("claim", &packed, |r: &ClaimRow| r.id)?
        .into_iter()
        .map(claim)
        .collect()
}

#[derive(Deserialize)]
struct GuaranteeRow<'a> {
    guarantor_name: String,
    #[serde(borrow)]
    amount: Cow<'a, str>,
    #[serde(borrow)]
    ends_on: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct DossierRow<'a> {
    id: i64,
    reference: String,
    creditor: String,
    servicing_entity: String,
    manager_name: String,
    manager_email: String,
    manager_phone: String,
    procedure_id: Option<i64>,
    #[serde(borrow)]
    procedure_kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    opened_on: Cow<'a, str>,
    #[serde(borrow)]
    principal: Cow<'a, str>,
    #[serde(borrow)]
    balance: Cow<'a, str>,
    company_name: String,
    siren: String,
    rcs: String,
    legal_form: String,
    address: String,
    #[serde(borrow)]
    guarantees: Vec<GuaranteeRow<'a>>,
    #[serde(borrow)]
    judgment_date: Option<Cow<'a, str>>,
    servicer_address: String,
    servicer_legal: String,
    servicer_phone: String,
    servicer_email: String,
    servicer_cheque_address: String,
    account_holder: String,
    iban: String,
    bic: String,
    bank_name: String,
    ledger: Ledger,
    payments: Vec<Payment>,
}

const DOSSIER: Shape = Shape {
    kind: "dossier",
    columns: "d.id, d.reference, cr.name, se.name, d.manager_name, d.manager_email, \
              d.manager_phone, d.procedure_id, p.kind, d.opened_on, d.principal, d.balance, \
              co.name, co.siren, co.rcs, co.legal_form, co.address, \
              json((SELECT json_group_array(json_array(g.guarantor_name, g.amount, g.ends_on) \
                                            ORDER BY g.id) \
                    FROM guarantees g WHERE g.dossier_id = d.id)), \
              p.judgment_date, se.address, se.legal, se.phone, se.email, \
              se.cheque_address, se.account_holder, se.iban, se.bic, se.bank_name, json(d.ledger), \
              json((SELECT json_group_array(json_object('date', rp.received_on, \
                                                        'label', rp.label, 'amount', rp.amount) \
                                            ORDER BY rp.received_on, rp.id) \
                    FROM received_payments rp WHERE rp.dossier_id = d.id))",
    from: "FROM dossiers d \
           JOIN companies co ON co.id = d.company_id \
           JOIN creditors cr ON cr.id = d.creditor_id \
           JOIN servicing_entities se ON se.id = d.servicing_entity_id \
           LEFT JOIN procedures p ON p.id = d.procedure_id",
    id: "d.id",
    procedure: Some("d.procedure_id"),
    dossier: Some("d.id"),
    visibility: Visibility::Dossier("d.id"),
};

fn dossier(row: DossierRow<'_>) -> AppResult<Dossier> {
    let guarantees = row
        .guarantees
        .into_iter()
        .map(|g| {
            Ok(Guarantee {
                guarantor_name: g.guarantor_name,
                amount: money("guarantees.amount", &g.amount)?,
                ends_on: opt_date("guarantees.ends_on", g.ends_on.as_deref())?,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(Dossier {
        id: row.id,
        reference: row.reference.clone(),
        debtor: Company {
            name: row.company_name,
            siren: row.siren,
            rcs: row.rcs,
            legal_form: row.legal_form,
            address: row.address,
        },
        creditor: row.creditor,
        servicing_entity: row.servicing_entity.clone(),
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
        opened_on: date("dossiers.opened_on", &row.opened_on)?,
        principal: money("dossiers.principal", &row.principal)?,
        balance: money("dossiers.balance", &row.balance)?,
        guarantees,
        judgment_date: opt_date("procedures.judgment_date", row.judgment_date.as_deref())?,
        servicer: Servicer {
            name: row.servicing_entity,
            address: row.servicer_address.lines().map(str::to_owned).collect(),
            legal: row.servicer_legal,
            phone: row.servicer_phone,
            email: row.servicer_email,
            cheque_address: row
                .servicer_cheque_address
                .lines()
                .map(str::to_owned)
                .collect(),
        },
        rib: Rib {
            rf_reference: RfReference::for_dossier(&row.reference)
                .map(|rf| rf.as_str().to_owned())
                .map_err(|e| AppError::corrupt(format!("dossiers.reference: {e}")))?,
            dossier_reference: row.reference.clone(),
            holder: row.account_holder,
            iban: row.iban,
            bic: row.bic,
            bank_name: row.bank_name,
        },
        ledger: Ledger {
            payments: row.payments,
            ..row.ledger
        },
    })
}

pub(crate) async fn dossiers(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Dossier>> {
    let packed = load(conn, &DOSSIER, selection).await?;
    rows("dossier", &packed, |r: &DossierRow| r.id)?
        .into_iter()
        .map(dossier)
        .collect()
}

#[derive(Deserialize)]
struct InstallmentRow<'a> {
    id: i64,
    dossier_reference: String,
    number: i64,
    #[serde(borrow)]
    due_date: Cow<'a, str>,
    #[serde(borrow)]
    amount: Cow<'a, str>,
    #[serde(borrow)]
    paid: Cow<'a, str>,
}

const INSTALLMENT: Shape = Shape {
    kind: "installment",
    columns: "i.id, d.reference, i.number, i.due_date, i.amount, i.paid",
    from: "FROM installments i JOIN dossiers d ON d.id = i.dossier_id",
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

fn installment(row: InstallmentRow<'_>) -> AppResult<Installment> {
    let amount = money("installments.amount", &row.amount)?;
    let paid = money("installments.paid", &row.paid)?;
    Ok(Installment {
        id: row.id,
        dossier_reference: row.dossier_reference,
        number: row.number,
        due_date: date("installments.due_date", &row.due_date)?,
        amount,
        paid,
        status: installment_status(amount, paid),
    })
}

pub(crate) async fn installments(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> AppResult<Vec<Installment>> {
    let packed = load(conn, &INSTALLMENT, selection).await?;
    rows("installment", &packed, |r: &InstallmentRow| r.id)?
        .into_iter()
        .map(installment)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_amounts_read_back_exactly() {
        for text in ["0.00", "1234.56", "-0.05", "99999999999999.99", "12.3", "7"] {
            let fast = money("t", text).unwrap();
            assert_eq!(fast, text.parse::<Money>().unwrap(), "{text}");
        }
        assert_eq!(money("t", "-12.34").unwrap().cents(), -1234);
        for bad in ["", "abc", "1.234", "1.2.3", "--1.00", "1,00"] {
            assert!(money("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stored_dates_read_back() {
        assert_eq!(
            date("t", "2024-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "24-01-01x",
            "",
            "2024/01/01",
        ] {
            assert!(date("t", bad).is_err(), "{bad}");
        }
        assert_eq!(opt_date("t", None).unwrap(), None);
    }
}
