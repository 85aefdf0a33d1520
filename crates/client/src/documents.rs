//! Statements, RIBs and attestations: fetched from the server and kept in the
//! store for offline reading; offline and never fetched, a statement is
//! computed here from the synced ledger and marked provisional.

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_api::documents::{self as names, Rib};
use claimdesk_api::records::Dossier;
use claimdesk_api::routes;
use claimdesk_domain::ordinance_2020::PROTECTED_END_AS_TOLD;
use claimdesk_domain::statement::{self, OpeningJudgment, Statement, StatementParams};
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, Result};
use crate::http::ApiClient;
use crate::store::{CachedDocument, Store};

/// What a document is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Dossier(String),
    Claim(i64),
}

impl Subject {
    /// How the store files documents of this subject (purged with it).
    pub fn key(&self) -> String {
        match self {
            Subject::Dossier(reference) => format!("dossier:{reference}"),
            Subject::Claim(id) => format!("claim:{id}"),
        }
    }
}

/// Where an answer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Produced by the server just now.
    Server,
    /// Produced by the server earlier, read from the store while offline.
    Cache,
    /// Computed on this machine from synced data, while offline.
    Provisional,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementAnswer {
    pub statement: Statement,
    pub origin: Origin,
    /// When the server produced it (for a provisional one: now).
    pub produced_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RibAnswer {
    pub rib: Rib,
    pub origin: Origin,
    pub produced_at: DateTime<Utc>,
}

/// A PDF and the name to save it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub filename: String,
    pub bytes: Vec<u8>,
    pub origin: Origin,
    pub produced_at: DateTime<Utc>,
}

impl DocumentFile {
    pub(crate) fn filed(doc: CachedDocument, origin: Origin) -> DocumentFile {
        DocumentFile {
            filename: doc.filename,
            bytes: doc.body,
            origin,
            produced_at: doc.produced_at,
        }
    }
}

/// One document request: what, about whom, at which date, in which format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Statement,
    Rib,
    Attestation,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Statement => "statement",
            Kind::Rib => "rib",
            Kind::Attestation => "attestation",
        }
    }
}

fn route(kind: Kind, subject: &Subject) -> Result<String> {
    Ok(match (kind, subject) {
        (Kind::Statement, Subject::Dossier(r)) => routes::path(routes::DOSSIER_STATEMENT, r),
        (Kind::Statement, Subject::Claim(id)) => routes::path(routes::CLAIM_STATEMENT, id),
        (Kind::Rib, Subject::Dossier(r)) => routes::path(routes::DOSSIER_RIB, r),
        (Kind::Rib, Subject::Claim(id)) => routes::path(routes::CLAIM_RIB, id),
        (Kind::Attestation, Subject::Dossier(r)) => routes::path(routes::DOSSIER_ATTESTATION, r),
        (Kind::Attestation, Subject::Claim(_)) => {
            return Err(ClientError::NotFound(
                "an attestation de solde is issued for a dossier, not a claim".into(),
            ));
        }
    })
}

/// The store's key of one document: kind, subject, date asked, format.
fn cache_key(kind: Kind, subject: &Subject, date: Option<NaiveDate>, pdf: bool) -> String {
    let date = date
        .map(|d| d.to_string())
        .unwrap_or_else(|| "latest".into());
    let format = if pdf { "pdf" } else { "json" };
    format!("{}|{}|{date}|{format}", kind.as_str(), subject.key())
}

fn query(date: Option<NaiveDate>, pdf: bool) -> Vec<(&'static str, String)> {
    let mut q = Vec::new();
    if let Some(date) = date {
        q.push(("date", date.to_string()));
    }
    if pdf {
        q.push(("format", "pdf".to_owned()));
    }
    q
}

/// Fetches one document from the server and files it in the store; when the
/// server is out of reach, answers the filed copy if there is one.
pub(crate) async fn fetch(
    api: Option<&ApiClient>,
    store: &Store,
    kind: Kind,
    subject: &Subject,
    date: Option<NaiveDate>,
    pdf: bool,
    filename: String,
) -> Result<Option<(CachedDocument, Origin)>> {
    let key = cache_key(kind, subject, date, pdf);
    if let Some(api) = api {
        let path = route(kind, subject)?;
        let q = query(date, pdf);
        let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
        match api.get_bytes(&path, &q).await {
            Ok(body) => {
                let document = CachedDocument {
                    key,
                    kind: kind.as_str().to_owned(),
                    subject: subject.key(),
                    as_of: date,
                    produced_at: Utc::now(),
                    content_type: if pdf {
                        "application/pdf"
                    } else {
                        "application/json"
                    }
                    .into(),
                    filename,
                    body,
                };
                store.put_document(&document).await?;
                return Ok(Some((document, Origin::Server)));
            }
            Err(e) if e.is_unreachable() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(store.document(&key).await?.map(|doc| (doc, Origin::Cache)))
}

/// A statement computed here from a synced dossier, marked provisional.
pub fn provisional_statement(dossier: &Dossier, as_of: NaiveDate) -> Result<Statement> {
    let mut computed = statement::compute(
        &dossier.ledger,
        &StatementParams {
            as_of,
            judgment: dossier.judgment_date.map(|date| OpeningJudgment { date }),
            declared_claim: false,
            protected_end: PROTECTED_END_AS_TOLD,
        },
    )
    .map_err(|e| ClientError::NotFound(format!("no statement can be computed: {e}")))?;
    computed.provisional = true;
    Ok(computed)
}

pub(crate) fn statement_filename(
    subject: &Subject,
    reference: &str,
    as_of: Option<NaiveDate>,
) -> String {
    match (subject, as_of) {
        (Subject::Dossier(_), Some(date)) => names::statement_filename(reference, date),
        (Subject::Dossier(_), None) => {
            names::statement_filename(reference, Utc::now().date_naive())
        }
        (Subject::Claim(id), Some(date)) => names::claim_statement_filename(*id, reference, date),
        (Subject::Claim(id), None) => format!("decompte-creance-{id}-declaree.pdf"),
    }
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(doc: &CachedDocument) -> Result<T> {
    serde_json::from_slice(&doc.body)
        .map_err(|e| ClientError::Protocol(format!("a stored document does not parse: {e}")))
}

pub(crate) fn render_error(e: claimdesk_documents::DocumentError) -> ClientError {
    ClientError::Protocol(format!("the document could not be rendered: {e}"))
}
