//! PDF documents rendered from domain values: the statement of what is owed
//! (*décompte*), the creditor's bank details (RIB), the certificate that a
//! debt is settled (*attestation de solde*), and the payment documents: how
//! to pay by transfer (with its EPC QR code) or cheque, the SEPA direct-debit
//! mandate, the receipt of a payment.
//!
//! Each document is an input struct of borrowed values and one function that
//! returns the PDF's bytes. Layout is French and A4: amounts as
//! `1 234,56 €`, dates as `21/11/2026`, the servicing entity's letterhead on
//! top, page numbers as `Page 2 / 5`. DejaVu Sans is embedded (as subsets),
//! so the files print the same everywhere and their text can be extracted.
//!
//! ```no_run
//! # use claimdesk_documents::*;
//! # fn demo(doc: &StatementDocument) -> Result<(), DocumentError> {
//! let pdf: Vec<u8> = statement_pdf(doc)?;
//! # Ok(()) }
//! ```

mod attestation;
mod blocks;
mod complaint_history;
mod fonts;
mod layout;
mod mandate;
pub mod qr;
mod receipt;
#[cfg(feature = "records")]
pub mod records;
mod render;
mod rib;
mod statement;
mod transfer;

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_domain::Money;
use claimdesk_domain::ident::{Bic, CreditorId, Iban, MandateReference, RfReference};
use claimdesk_domain::payment::PaymentMethod;
use claimdesk_domain::statement::Statement;

pub use attestation::attestation_pdf;
pub use complaint_history::{
    ComplaintHistoryDocument, HistoryMessage, complaint_history_pdf, french_date_time,
};
pub use mandate::{mandate_authorisation, mandate_pdf};
pub use qr::{QrError, epc_qr_png, epc_qr_svg};
pub use receipt::{method_label, receipt_pdf};
pub use rib::rib_pdf;
pub use statement::{PROVISIONAL_BANNER, statement_pdf};
pub use transfer::{cheque_pdf, transfer_pdf};

/// The servicing entity whose documents these are, printed at the top of
/// every first page and, for its legal line, in every footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    pub name: String,
    pub address: Vec<String>,
    /// Legal form, capital and registration, as the law wants it on
    /// commercial documents: "SAS au capital de 50 000 € — RCS Lyon 123 456 789".
    pub legal: String,
    pub phone: String,
    pub email: String,
}

/// A creditor or a debtor, as it is named on the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Name or company name (dénomination sociale).
    pub name: String,
    pub address: Vec<String>,
    /// SIREN, SIRET or RCS number, printed as given.
    pub identifier: Option<String>,
}

/// A statement (décompte) to render.
#[derive(Debug, Clone, Copy)]
pub struct StatementDocument<'a> {
    pub letterhead: &'a Letterhead,
    /// The creditor the sums are owed to (CPCE R124-4: its name and address).
    pub creditor: &'a Party,
    pub debtor: &'a Party,
    pub dossier_reference: &'a str,
    /// The basis of the claim (fondement de la créance): contract, invoices,
    /// judgment.
    pub basis: &'a str,
    /// The reference to quote when paying, if the dossier has one.
    pub rf_reference: Option<&'a RfReference>,
    pub produced_on: NaiveDate,
    /// Its `provisional` flag puts [`PROVISIONAL_BANNER`] on every page.
    pub statement: &'a Statement,
}

/// Bank details (relevé d'identité bancaire) to pay a dossier into.
#[derive(Debug, Clone, Copy)]
pub struct RibDocument<'a> {
    pub letterhead: &'a Letterhead,
    /// Exactly as the account is held: a transfer to another name may bounce.
    pub holder: &'a str,
    pub iban: &'a Iban,
    pub bic: &'a Bic,
    pub bank_name: &'a str,
    /// The creditor reference the payer quotes, so the payment is matched.
    pub rf_reference: &'a RfReference,
    pub dossier_reference: &'a str,
    pub produced_on: NaiveDate,
}

/// The certificate that a dossier's debt is fully paid.
#[derive(Debug, Clone, Copy)]
pub struct AttestationDocument<'a> {
    pub letterhead: &'a Letterhead,
    pub creditor: &'a Party,
    pub debtor: &'a Party,
    pub dossier_reference: &'a str,
    /// The basis of the settled claim.
    pub basis: &'a str,
    /// The dossier's statement: its total must be zero and it must not be
    /// provisional.
    pub statement: &'a Statement,
    pub produced_on: NaiveDate,
    /// Where it is signed: "Fait à Lyon, le …".
    pub place: &'a str,
}

/// How to pay a dossier by SEPA credit transfer: the account, the amount,
/// the reference to quote, and the EPC QR code that prefills all of it.
#[derive(Debug, Clone, Copy)]
pub struct TransferDocument<'a> {
    pub letterhead: &'a Letterhead,
    pub holder: &'a str,
    pub iban: &'a Iban,
    /// Optional within the SEPA area, as in the QR code.
    pub bic: Option<&'a Bic>,
    pub bank_name: &'a str,
    pub amount: Money,
    pub rf_reference: &'a RfReference,
    pub dossier_reference: &'a str,
    /// The EPC069-12 payload of these same details
    /// (`claimdesk_domain::epc_qr::EpcTransfer::payload`).
    pub epc_payload: &'a str,
    pub produced_on: NaiveDate,
}

/// How to pay a dossier by cheque.
#[derive(Debug, Clone, Copy)]
pub struct ChequeDocument<'a> {
    pub letterhead: &'a Letterhead,
    /// Whom the cheque is made out to.
    pub payee: &'a str,
    /// Where to post it, line by line.
    pub address: &'a [String],
    pub amount: Money,
    /// Written on the back of the cheque, as given.
    pub reference: &'a str,
    pub dossier_reference: &'a str,
    pub produced_on: NaiveDate,
}

/// A SEPA direct-debit mandate (*mandat de prélèvement SEPA*), recurrent,
/// signed electronically by the debtor in the app.
#[derive(Debug, Clone, Copy)]
pub struct MandateDocument<'a> {
    pub letterhead: &'a Letterhead,
    /// Unique mandate reference (UMR).
    pub reference: &'a MandateReference,
    /// The creditor's SEPA identifier (ICS).
    pub creditor_identifier: &'a CreditorId,
    pub creditor_name: &'a str,
    pub creditor_address: &'a [String],
    /// The account holder, as the debtor typed it.
    pub holder: &'a str,
    /// In full: the mandate is the debtor's own document.
    pub iban: &'a Iban,
    pub bic: Option<&'a Bic>,
    /// Day of the month of each collection, 1 to 28.
    pub day: u8,
    /// Collected each month.
    pub amount: Money,
    pub dossier_reference: &'a str,
    pub signed_at: DateTime<Utc>,
    /// When it was replaced or cancelled: no collection is made under it
    /// from then on.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The receipt of a payment received on a dossier (*reçu de paiement*).
#[derive(Debug, Clone, Copy)]
pub struct ReceiptDocument<'a> {
    pub letterhead: &'a Letterhead,
    pub dossier_reference: &'a str,
    /// The debtor company the payment was made for.
    pub payer: &'a Party,
    pub payment_id: i64,
    pub method: PaymentMethod,
    pub amount: Money,
    pub received_on: NaiveDate,
    pub rf_reference: &'a RfReference,
    /// What the dossier still has due once the payment is counted.
    pub remaining_balance: Money,
    pub produced_on: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// An attestation de solde certifies a zero balance, nothing else.
    #[error("the balance is {} ({}), not zero: no attestation de solde", balance.to_french(), balance)]
    BalanceNotZero { balance: Money },
    /// Computed offline from synced data: only the creditor's own statement
    /// can back a certificate.
    #[error("a provisional statement cannot back an attestation de solde")]
    ProvisionalStatement,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    /// An IBAN, BIC or RF reference that does not validate.
    #[error("invalid identifier: {0}")]
    Identifier(String),
    #[error(transparent)]
    Qr(#[from] QrError),
    /// A field the document cannot print as given.
    #[error("{0}")]
    Invalid(String),
}
