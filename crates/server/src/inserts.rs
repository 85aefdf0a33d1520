//! Row inserts shared by the demo and the benchmark seed. Inserting an entity
//! users can see also records its upsert for the feed, so no data set can
//! bypass the change log.

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_api::auth::Role;
use claimdesk_api::sync::EntityKind;
use claimdesk_domain::statement::{Ledger, Payment};
use claimdesk_domain::{AdmissionStatus, ClaimNature, Money, ProcedureKind, ProcedureStage};
use sqlx::SqliteConnection;

use crate::changes::{self, Change, Scope};
use crate::error::{AppError, AppResult};

pub(crate) async fn named(conn: &mut SqliteConnection, table: &str, name: &str) -> AppResult<i64> {
    // `table` is one of a few constants, never input.
    let existing: Option<i64> =
        sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE name = ?"))
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO {table} (name) VALUES (?) RETURNING id"
    ))
    .bind(name)
    .fetch_one(conn)
    .await?)
}

pub(crate) struct NewCompany<'a> {
    pub name: &'a str,
    pub siren: &'a str,
    pub rcs: &'a str,
    pub legal_form: &'a str,
    pub address: &'a str,
}

pub(crate) async fn company(conn: &mut SqliteConnection, c: &NewCompany<'_>) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO companies (name, siren, rcs, legal_form, address) VALUES (?, ?, ?, ?, ?) \
         RETURNING id",
    )
    .bind(c.name)
    .bind(c.siren)
    .bind(c.rcs)
    .bind(c.legal_form)
    .bind(c.address)
    .fetch_one(conn)
    .await?)
}

pub(crate) struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub display_name: &'a str,
    pub etude_id: Option<i64>,
    pub company_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub(crate) async fn user(conn: &mut SqliteConnection, u: &NewUser<'_>) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, display_name, etude_id, company_id, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(u.email)
    .bind(u.password_hash)
    .bind(u.role.as_str())
    .bind(u.display_name)
    .bind(u.etude_id)
    .bind(u.company_id)
    .bind(u.created_at)
    .fetch_one(conn)
    .await?)
}

pub(crate) struct NewProcedure<'a> {
    pub company_id: i64,
    pub etude_id: i64,
    pub kind: ProcedureKind,
    pub stage: ProcedureStage,
    pub tribunal: &'a str,
    pub judgment_date: NaiveDate,
    pub bodacc_date: Option<NaiveDate>,
    pub mandataire: &'a str,
    pub administrateur: Option<&'a str>,
    pub juge_commissaire: Option<&'a str>,
    pub plan_end_date: Option<NaiveDate>,
    /// Publication of the list of claims (the objection deadline runs from it).
    pub claims_list_date: Option<NaiveDate>,
    pub plan_adopted_on: Option<NaiveDate>,
}

pub(crate) async fn procedure(conn: &mut SqliteConnection, p: &NewProcedure<'_>) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO procedures (company_id, etude_id, kind, stage, tribunal, judgment_date, \
         bodacc_date, mandataire, administrateur, juge_commissaire, plan_end_date, \
         claims_list_date, plan_adopted_on) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(p.company_id)
    .bind(p.etude_id)
    .bind(p.kind.as_str())
    .bind(p.stage.as_str())
    .bind(p.tribunal)
    .bind(p.judgment_date)
    .bind(p.bodacc_date)
    .bind(p.mandataire)
    .bind(p.administrateur)
    .bind(p.juge_commissaire)
    .bind(p.plan_end_date)
    .bind(p.claims_list_date)
    .bind(p.plan_adopted_on)
    .fetch_one(&mut *conn)
    .await?;
    changes::append(
        conn,
        Change::upsert(EntityKind::Procedure, id, Scope::procedure(id)),
    )
    .await?;
    Ok(id)
}

pub(crate) struct NewDossier<'a> {
    pub reference: &'a str,
    pub company_id: i64,
    pub creditor_id: i64,
    pub servicing_entity_id: i64,
    pub manager: (&'a str, &'a str, &'a str),
    pub procedure_id: Option<i64>,
    pub opened_on: NaiveDate,
    pub principal: Money,
    pub balance: Money,
    /// Terms, debts and fees; payments go to `received_payments`.
    pub ledger: Option<&'a Ledger>,
}

pub(crate) async fn dossier(conn: &mut SqliteConnection, d: &NewDossier<'_>) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO dossiers (reference, company_id, creditor_id, servicing_entity_id, \
         manager_name, manager_email, manager_phone, procedure_id, opened_on, principal, balance, \
         ledger) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(d.reference)
    .bind(d.company_id)
    .bind(d.creditor_id)
    .bind(d.servicing_entity_id)
    .bind(d.manager.0)
    .bind(d.manager.1)
    .bind(d.manager.2)
    .bind(d.procedure_id)
    .bind(d.opened_on)
    .bind(d.principal.to_string())
    .bind(d.balance.to_string())
    .bind(match d.ledger {
        Some(ledger) => stored_ledger(ledger)?,
        None => EMPTY_LEDGER.to_owned(),
    })
    .fetch_one(&mut *conn)
    .await?;
    changes::append(
        conn,
        Change::upsert(EntityKind::Dossier, id, Scope::dossier(id)),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub(crate) struct NewClaim {
    pub procedure_id: i64,
    pub dossier_id: i64,
    pub creditor_id: i64,
    pub servicing_entity_id: i64,
    pub principal: Money,
    pub interest: Money,
    pub penalties: Money,
    pub fees: Money,
    pub to_fall_due: Money,
    pub nature: ClaimNature,
    pub provisional: bool,
    pub declaration_date: NaiveDate,
    pub admission: AdmissionStatus,
    pub admitted_amount: Option<Money>,
    pub decision_date: Option<NaiveDate>,
    /// What the claim declares, when it is not the dossier's whole ledger.
    pub ledger: Option<Ledger>,
}

impl NewClaim {
    pub(crate) fn total(&self) -> Money {
        self.principal + self.interest + self.penalties + self.fees + self.to_fall_due
    }
}

pub(crate) async fn claim(conn: &mut SqliteConnection, c: &NewClaim) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO claims (procedure_id, dossier_id, creditor_id, servicing_entity_id, \
         principal, interest, penalties, fees, to_fall_due, nature, provisional, \
         declaration_date, admission, admitted_amount, decision_date, ledger) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(c.procedure_id)
    .bind(c.dossier_id)
    .bind(c.creditor_id)
    .bind(c.servicing_entity_id)
    .bind(c.principal.to_string())
    .bind(c.interest.to_string())
    .bind(c.penalties.to_string())
    .bind(c.fees.to_string())
    .bind(c.to_fall_due.to_string())
    .bind(c.nature.as_str())
    .bind(c.provisional)
    .bind(c.declaration_date)
    .bind(c.admission.as_str())
    .bind(c.admitted_amount.map(|a| a.to_string()))
    .bind(c.decision_date)
    .bind(c.ledger.as_ref().map(stored_ledger).transpose()?)
    .fetch_one(&mut *conn)
    .await?;
    changes::append(
        conn,
        Change::upsert(
            EntityKind::Claim,
            id,
            Scope::claim(c.procedure_id, c.dossier_id),
        ),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn installment(
    conn: &mut SqliteConnection,
    dossier_id: i64,
    number: i64,
    due_date: NaiveDate,
    amount: Money,
    paid: Money,
) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO installments (dossier_id, number, due_date, amount, paid) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(dossier_id)
    .bind(number)
    .bind(due_date)
    .bind(amount.to_string())
    .bind(paid.to_string())
    .fetch_one(&mut *conn)
    .await?;
    changes::append(
        conn,
        Change::upsert(EntityKind::Installment, id, Scope::dossier(dossier_id)),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn guarantee(
    conn: &mut SqliteConnection,
    dossier_id: i64,
    guarantor_name: &str,
    amount: Money,
    ends_on: Option<NaiveDate>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO guarantees (dossier_id, guarantor_name, amount, ends_on) VALUES (?, ?, ?, ?)",
    )
    .bind(dossier_id)
    .bind(guarantor_name)
    .bind(amount.to_string())
    .bind(ends_on)
    .execute(&mut *conn)
    .await?;
    // The guarantee is part of the dossier record.
    changes::record(
        conn,
        Change::upsert(EntityKind::Dossier, dossier_id, Scope::dossier(dossier_id)),
    )
    .await
}

/// The ledger of a dossier nothing is known of yet (as the migration's default).
const EMPTY_LEDGER: &str = r#"{"terms":{"interest":{"kind":"none"},"penalty_rate":null,"professional":false,"imputation":"interest_first"},"debts":[],"fees":[],"payments":[]}"#;

/// A ledger as stored: its terms, debts and fees (payments have their table).
fn stored_ledger(ledger: &Ledger) -> AppResult<String> {
    let without_payments = Ledger {
        payments: Vec::new(),
        ..ledger.clone()
    };
    serde_json::to_string(&without_payments).map_err(|e| AppError::Internal(e.to_string()))
}

/// A payment received on a dossier. The caller records the dossier's change.
pub(crate) async fn received_payment(
    conn: &mut SqliteConnection,
    dossier_id: i64,
    payment: &Payment,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO received_payments (dossier_id, received_on, label, amount) \
         VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(dossier_id)
    .bind(payment.date)
    .bind(&payment.label)
    .bind(payment.amount.to_string())
    .fetch_one(&mut *conn)
    .await?)
}

/// The letterhead and bank account of a servicing entity.
pub(crate) struct ServicerDetails<'a> {
    pub address: &'a str,
    pub legal: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub account_holder: &'a str,
    pub iban: &'a str,
    pub bic: &'a str,
    pub bank_name: &'a str,
}

pub(crate) async fn servicer_details(
    conn: &mut SqliteConnection,
    id: i64,
    s: &ServicerDetails<'_>,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE servicing_entities SET address = ?, legal = ?, phone = ?, email = ?, \
         account_holder = ?, iban = ?, bic = ?, bank_name = ? WHERE id = ?",
    )
    .bind(s.address)
    .bind(s.legal)
    .bind(s.phone)
    .bind(s.email)
    .bind(s.account_holder)
    .bind(s.iban)
    .bind(s.bic)
    .bind(s.bank_name)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
