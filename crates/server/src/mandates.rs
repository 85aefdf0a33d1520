//! SEPA direct-debit mandates: one active per dossier at most; new bank
//! details make a new mandate (a new UMR) and revoke the one before, in the
//! same transaction.

use chrono::{DateTime, Utc};
use claimdesk_api::payments::{Mandate, MandateStatus, NewMandate};
use claimdesk_domain::Money;
use claimdesk_domain::ident::{Bic, CreditorId, Iban, MandateReference};
use claimdesk_domain::payment::check_amount;
use sqlx::SqliteConnection;

use crate::access::{GRANTED_DOSSIERS, Viewer};
use crate::error::{AppError, AppResult};
use crate::validate::one_line;

/// The most a holder's name may have: the rulebook's debtor name (AT-14).
const MAX_HOLDER: usize = 70;

#[derive(Debug, sqlx::FromRow)]
struct MandateRow {
    id: i64,
    dossier_reference: String,
    reference: String,
    creditor_identifier: String,
    creditor_name: String,
    creditor_address: String,
    holder: String,
    iban: String,
    bic: Option<String>,
    day: i64,
    amount: String,
    status: String,
    signed_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT m.id, d.reference AS dossier_reference, m.reference, \
     m.creditor_identifier, se.name AS creditor_name, se.address AS creditor_address, \
     m.holder, m.iban, m.bic, m.day, m.amount, m.status, m.signed_at, m.revoked_at \
     FROM mandates m JOIN dossiers d ON d.id = m.dossier_id \
     JOIN servicing_entities se ON se.id = d.servicing_entity_id";

/// A mandate as stored: the record users read, and the IBAN in full for the
/// mandate's own PDF.
#[derive(Debug, Clone)]
pub(crate) struct StoredMandate {
    pub mandate: Mandate,
    pub iban: String,
}

impl MandateRow {
    fn into_stored(self) -> AppResult<StoredMandate> {
        let id = self.id;
        let corrupt = |what: &str| AppError::corrupt(format!("mandate {id}: {what}"));
        let iban = Iban::parse(&self.iban).map_err(|e| corrupt(&e.to_string()))?;
        let mandate = Mandate {
            id,
            dossier_reference: self.dossier_reference,
            reference: self.reference,
            creditor_identifier: self.creditor_identifier,
            creditor_name: self.creditor_name,
            creditor_address: self.creditor_address,
            holder: self.holder,
            iban_masked: iban.masked(),
            bic: self.bic,
            day: u8::try_from(self.day).map_err(|_| corrupt("day"))?,
            amount: self.amount.parse().map_err(|_| corrupt("amount"))?,
            status: MandateStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            signed_at: self.signed_at,
            revoked_at: self.revoked_at,
        };
        Ok(StoredMandate {
            mandate,
            iban: iban.as_str().to_owned(),
        })
    }
}

async fn select(
    conn: &mut SqliteConnection,
    filter: &str,
    binds: &[Option<i64>],
) -> AppResult<Vec<StoredMandate>> {
    let sql = format!("{SELECT} WHERE {filter} ORDER BY m.id");
    let mut query = sqlx::query_as::<_, MandateRow>(&sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(MandateRow::into_stored).collect()
}

/// The mandates of a dossier, oldest first.
pub(crate) async fn of_dossier(
    conn: &mut SqliteConnection,
    dossier_id: i64,
) -> AppResult<Vec<Mandate>> {
    Ok(select(conn, "m.dossier_id = ?", &[Some(dossier_id)])
        .await?
        .into_iter()
        .map(|stored| stored.mandate)
        .collect())
}

/// A mandate of a dossier `viewer` sees; 404 otherwise.
pub(crate) async fn visible(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<StoredMandate> {
    select(
        conn,
        &format!("m.id = ? AND m.dossier_id IN {GRANTED_DOSSIERS}"),
        &[Some(id), Some(viewer.user_id), viewer.etude_id],
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound)
}

/// A mandate request checked for what does not depend on the dossier: the
/// holder's name, the IBAN's checksum and format, the BIC, the day.
#[derive(Debug, Clone)]
pub(crate) struct CheckedMandate {
    pub holder: String,
    pub iban: Iban,
    pub bic: Option<Bic>,
    pub day: u8,
    pub amount: Money,
}

pub(crate) fn check(request: &NewMandate) -> AppResult<CheckedMandate> {
    let holder = one_line(&request.holder, "the account holder's name", MAX_HOLDER)?;
    let iban = Iban::parse(&request.iban)
        .map_err(|e| AppError::Validation(format!("this IBAN is not valid: {e}")))?;
    let bic = match request.bic.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(bic) => Some(
            Bic::parse(bic)
                .map_err(|e| AppError::Validation(format!("this BIC is not valid: {e}")))?,
        ),
    };
    if !(1..=28).contains(&request.day) {
        return Err(AppError::Validation(format!(
            "the collection day is 1 to 28 (every month has it), not {}",
            request.day
        )));
    }
    if !request.amount.is_positive() {
        return Err(AppError::Validation(
            "the amount collected each month must be positive".into(),
        ));
    }
    Ok(CheckedMandate {
        holder,
        iban,
        bic,
        day: request.day,
        amount: request.amount,
    })
}

/// What the dossier brings to a new mandate.
#[derive(Debug, Clone)]
pub(crate) struct DossierTerms {
    pub dossier_id: i64,
    pub reference: String,
    pub balance: Money,
    /// The servicing entity's ICS, empty until it has one.
    pub creditor_identifier: String,
    /// The dossier's active mandate, if any.
    pub active: Option<i64>,
}

pub(crate) async fn dossier_terms(
    conn: &mut SqliteConnection,
    dossier_id: i64,
) -> AppResult<DossierTerms> {
    let (reference, balance, creditor_identifier): (String, String, String) = sqlx::query_as(
        "SELECT d.reference, d.balance, se.creditor_identifier FROM dossiers d \
         JOIN servicing_entities se ON se.id = d.servicing_entity_id WHERE d.id = ?",
    )
    .bind(dossier_id)
    .fetch_one(&mut *conn)
    .await?;
    let active: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM mandates WHERE dossier_id = ? AND status = 'active' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(dossier_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(DossierTerms {
        dossier_id,
        reference,
        balance: balance
            .parse()
            .map_err(|_| AppError::corrupt(format!("dossier {dossier_id} balance")))?,
        creditor_identifier,
        active,
    })
}

/// Stores the mandate, revoking the active one it replaces; the caller has
/// checked the password when there was one to replace. Returns the new
/// mandate's id.
pub(crate) async fn create(
    conn: &mut SqliteConnection,
    user_id: i64,
    terms: &DossierTerms,
    checked: &CheckedMandate,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    check_amount(checked.amount, terms.balance).map_err(|e| AppError::Validation(e.to_string()))?;
    let ics = CreditorId::parse(&terms.creditor_identifier).map_err(|_| {
        AppError::Conflict(
            "direct debit is not available on this dossier yet: its servicing entity has no \
             SEPA creditor identifier; pay by transfer or card, or contact your case manager"
                .into(),
        )
    })?;
    if let Some(active) = terms.active {
        sqlx::query("UPDATE mandates SET status = 'revoked', revoked_at = ? WHERE id = ?")
            .bind(now)
            .bind(active)
            .execute(&mut *conn)
            .await?;
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mandates WHERE dossier_id = ?")
        .bind(terms.dossier_id)
        .fetch_one(&mut *conn)
        .await?;
    let sequence = u32::try_from(count + 1).unwrap_or(u32::MAX);
    let reference = MandateReference::for_dossier(&terms.reference, sequence).map_err(|e| {
        AppError::Conflict(format!(
            "no new mandate can be numbered on this dossier: {e}"
        ))
    })?;
    Ok(sqlx::query_scalar(
        "INSERT INTO mandates (dossier_id, user_id, reference, creditor_identifier, holder, \
         iban, bic, day, amount, status, signed_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?) RETURNING id",
    )
    .bind(terms.dossier_id)
    .bind(user_id)
    .bind(reference.as_str())
    .bind(ics.as_str())
    .bind(&checked.holder)
    .bind(checked.iban.as_str())
    .bind(checked.bic.as_ref().map(Bic::as_str))
    .bind(i64::from(checked.day))
    .bind(checked.amount.to_string())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// A mandate by id, whoever asks (the caller has checked visibility).
pub(crate) async fn by_id(conn: &mut SqliteConnection, id: i64) -> AppResult<Mandate> {
    select(conn, "m.id = ?", &[Some(id)])
        .await?
        .pop()
        .map(|stored| stored.mandate)
        .ok_or(AppError::NotFound)
}
