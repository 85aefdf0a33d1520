//! Statements, RIBs and attestations: as JSON for screens, as PDF to keep.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The servicing entity that writes to the debtor: its letterhead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Servicer {
    pub name: String,
    /// Postal address, one line per entry.
    pub address: Vec<String>,
    /// Legal form, capital and registration: "SAS au capital de … — RCS Lyon …".
    pub legal: String,
    pub phone: String,
    pub email: String,
    /// Where cheques go, one line per entry, when not to the postal address.
    #[serde(default)]
    pub cheque_address: Vec<String>,
}

/// Where to pay a dossier, and the reference to quote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rib {
    pub dossier_reference: String,
    /// Exactly as the bank holds the account.
    pub holder: String,
    /// Compact form: "FR7630006000011234567890189".
    pub iban: String,
    pub bic: String,
    pub bank_name: String,
    /// ISO 11649 creditor reference of the dossier, compact: "RF18CD2026000123".
    pub rf_reference: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    #[default]
    Json,
    Pdf,
}

/// Query of the statement endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The date of the statement (YYYY-MM-DD). Default: today; for a claim,
    /// the opening-judgment date (the statement of the claim as declared).
    pub date: Option<NaiveDate>,
    /// `json` (default) or `pdf`.
    pub format: Option<DocumentFormat>,
}

/// Query of the RIB endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default) or `pdf`.
    pub format: Option<DocumentFormat>,
}

/// File names the server gives its PDFs (Content-Disposition).
pub fn statement_filename(reference: &str, date: NaiveDate) -> String {
    format!("decompte-{}-{date}.pdf", safe(reference))
}

pub fn claim_statement_filename(claim_id: i64, reference: &str, date: NaiveDate) -> String {
    format!("decompte-creance-{claim_id}-{}-{date}.pdf", safe(reference))
}

pub fn rib_filename(reference: &str) -> String {
    format!("rib-{}.pdf", safe(reference))
}

pub fn attestation_filename(reference: &str) -> String {
    format!("attestation-solde-{}.pdf", safe(reference))
}

/// Keeps a file name to letters, digits and dashes whatever a reference holds.
fn safe(reference: &str) -> String {
    reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_hold_no_path() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(
            statement_filename("CD-2026-000123", d),
            "decompte-CD-2026-000123-2026-11-21.pdf"
        );
        assert_eq!(rib_filename("../../etc/x"), "rib-______etc_x.pdf");
        assert_eq!(attestation_filename("a b"), "attestation-solde-a_b.pdf");
    }
}
