//! Paying a dossier, direct-debit mandates and dividends: the bodies of the
//! payment routes. Every request that creates something carries an
//! `Idempotency-Key` header: a replay answers the first response, the same key
//! still in progress answers 409 `request_in_progress`, the same key with
//! another body 422 `idempotency_key_reused`.

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_domain::money::Money;
pub use claimdesk_domain::payment::PaymentMethod;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use claimdesk_domain::epc_qr::{EpcError, EpcTransfer, Remittance};
use claimdesk_domain::ident::{Bic, Iban, IdentError, RfReference};

use crate::documents::{Rib, Servicer};
use crate::records::Installment;

/// Header carrying the key a client chose for a request that creates.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Keys are kept at least this long: clients may stay offline for weeks.
pub const IDEMPOTENCY_KEY_RETENTION_DAYS: i64 = 90;

/// What is due on a dossier today (`GET /v1/dossiers/{reference}/due`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Due {
    pub dossier_reference: String,
    /// What remains due on the dossier, plan or not.
    pub balance: Money,
    /// Unpaid parts of the instalments whose due date has passed.
    pub overdue: Money,
    /// Payment orders sent but not received yet (transfers, cheques, debits).
    pub pending: Money,
    /// The plan's schedule, in order; empty without a plan.
    pub installments: Vec<Installment>,
}

/// `POST /v1/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    pub dossier_reference: String,
    /// Positive, cents only, at most the balance.
    pub amount: Money,
    /// `cash` is refused with the reason.
    pub method: PaymentMethod,
    /// The instalments (numbers) this pays first; empty: the oldest unpaid.
    #[serde(default)]
    pub installments: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Ordered, not received yet (card page not completed, transfer or cheque
    /// on its way, debit not collected).
    Pending,
    /// Received: the instalments and the balance count it.
    Succeeded,
    /// Declined or abandoned; `failure_reason` says why.
    Failed,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentStatus> {
        [
            PaymentStatus::Pending,
            PaymentStatus::Succeeded,
            PaymentStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// A payment of a dossier, ordered by its debtor or guarantor or recorded by
/// the agency. Synced as the `payment` entity.
// Named apart in TypeScript from the statement's ledger payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DossierPayment"))]
pub struct Payment {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub dossier_reference: String,
    pub method: PaymentMethod,
    pub amount: Money,
    /// The instalments it was asked to pay first.
    pub installments: Vec<u32>,
    /// The RF creditor reference (ISO 11649) to quote, electronic form.
    pub reference: String,
    pub status: PaymentStatus,
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it was received.
    pub paid_on: Option<NaiveDate>,
    /// Card, while pending: the provider's hosted page, to open in the system
    /// browser.
    pub checkout_url: Option<String>,
    /// How to pay, for the methods where the payer acts outside the app.
    pub instructions: Option<PaymentInstructions>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentInstructions {
    Transfer(TransferInstructions),
    Cheque(ChequeInstructions),
    DirectDebit(DebitInstructions),
}

/// A SEPA credit transfer to make, and its EPC QR code's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferInstructions {
    pub holder: String,
    /// Electronic form (no spaces).
    pub iban: String,
    pub bic: String,
    pub bank_name: String,
    pub amount: Money,
    /// RF creditor reference, electronic form.
    pub reference: String,
    /// The EPC069-12 payload a banking app reads from the QR code.
    pub epc_payload: String,
}

/// Why transfer instructions cannot be made of a dossier's RIB.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstructionsError {
    #[error("the servicing entity's bank details are invalid: {0}")]
    BankDetails(#[from] IdentError),
    #[error("the transfer cannot be put in a QR code: {0}")]
    Qr(#[from] EpcError),
}

/// The RF reference a payment quotes: the instalment's when it pays exactly
/// one, else the dossier's. Server and clients compute it alike, so an order
/// prepared offline shows the reference the agency will reconcile.
pub fn payment_reference(
    dossier_reference: &str,
    installments: &[u32],
) -> Result<RfReference, IdentError> {
    match installments {
        [one] => RfReference::for_installment(dossier_reference, *one),
        _ => RfReference::for_dossier(dossier_reference),
    }
}

impl TransferInstructions {
    /// The transfer of `amount` to the account of `rib`, quoting `reference`,
    /// with its EPC QR payload.
    pub fn new(
        rib: &Rib,
        amount: Money,
        reference: &RfReference,
    ) -> Result<TransferInstructions, InstructionsError> {
        let iban = Iban::parse(&rib.iban)?;
        let bic = if rib.bic.trim().is_empty() {
            None
        } else {
            Some(Bic::parse(&rib.bic)?)
        };
        let epc_payload = EpcTransfer {
            bic: bic.clone(),
            name: rib.holder.clone(),
            iban: iban.clone(),
            amount: Some(amount),
            purpose: None,
            remittance: Some(Remittance::Reference(reference.clone())),
            info: Some(format!("Dossier {}", rib.dossier_reference)),
        }
        .payload()?;
        Ok(TransferInstructions {
            holder: rib.holder.clone(),
            iban: iban.as_str().to_owned(),
            bic: bic.map(|b| b.as_str().to_owned()).unwrap_or_default(),
            bank_name: rib.bank_name.clone(),
            amount,
            reference: reference.as_str().to_owned(),
            epc_payload,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChequeInstructions {
    /// Whom to make the cheque out to.
    pub payee: String,
    /// Where to send it.
    pub address: String,
    pub amount: Money,
    /// To write on the back of the cheque.
    pub reference: String,
}

impl ChequeInstructions {
    /// A cheque of `amount` to `servicer`, sent to its cheque address (its
    /// postal address when it has none), quoting the dossier's reference.
    pub fn new(servicer: &Servicer, amount: Money, dossier_reference: &str) -> ChequeInstructions {
        let lines = if servicer.cheque_address.iter().all(|l| l.trim().is_empty()) {
            &servicer.address
        } else {
            &servicer.cheque_address
        };
        ChequeInstructions {
            payee: servicer.name.clone(),
            address: lines.join("\n"),
            amount,
            reference: dossier_reference.to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DebitInstructions {
    /// The mandate's unique reference (UMR).
    pub mandate_reference: String,
    /// The creditor identifier (ICS).
    pub creditor_identifier: String,
    /// When the amount will be collected.
    pub collection_date: NaiveDate,
}

/// `POST /v1/dossiers/{reference}/mandates`: a SEPA direct-debit mandate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewMandate {
    /// The account holder's name.
    pub holder: String,
    /// Validated (checksum, country format); spaces allowed.
    pub iban: String,
    /// Optional within the SEPA area.
    #[serde(default)]
    pub bic: Option<String>,
    /// Day of the month the instalment is collected, 1 to 28.
    pub day: u8,
    /// Collected each month; at most the balance.
    pub amount: Money,
    /// Required to replace an active mandate's bank details: the user's
    /// password again. Not part of the request's idempotency hash.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MandateStatus {
    Active,
    /// Replaced by a newer mandate or cancelled.
    Revoked,
}

impl MandateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MandateStatus::Active => "active",
            MandateStatus::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<MandateStatus> {
        [MandateStatus::Active, MandateStatus::Revoked]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mandate {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub dossier_reference: String,
    /// Unique mandate reference (UMR).
    pub reference: String,
    /// The creditor identifier (ICS) of the servicing entity.
    pub creditor_identifier: String,
    pub creditor_name: String,
    pub creditor_address: String,
    pub holder: String,
    /// Masked but for the country, check digits and last four characters.
    pub iban_masked: String,
    pub bic: Option<String>,
    pub day: u8,
    pub amount: Money,
    pub status: MandateStatus,
    pub signed_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// `POST /v1/claims/{id}/dividends`: a répartition paid by the mandataire on
/// a claim of a procedure they administer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewDividend {
    /// Positive, cents only, at most what the claim still has due.
    pub amount: Money,
    /// The day the transfer was made; not in the future.
    pub date: NaiveDate,
    /// The transfer's reference, as on the étude's bank statement.
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dividend {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub claim_id: i64,
    pub dossier_reference: String,
    pub amount: Money,
    pub date: NaiveDate,
    pub reference: String,
    pub recorded_at: DateTime<Utc>,
    /// What the claim still has due after it.
    pub claim_balance: Money,
}

/// `POST /v1/admin/transfers`: a transfer the agency received, reconciled
/// by its RF reference with the pending order that quoted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ReceivedTransfer {
    /// RF reference as read on the bank statement (spaces allowed).
    pub reference: String,
    pub amount: Money,
    pub received_on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_tagged_by_kind() {
        let cheque = PaymentInstructions::Cheque(ChequeInstructions {
            payee: "Recouvra Services".into(),
            address: "1 rue X".into(),
            amount: "10.00".parse().unwrap(),
            reference: "RF18CD1".into(),
        });
        let json = serde_json::to_value(&cheque).unwrap();
        assert_eq!(json["kind"], "cheque");
        assert_eq!(json["payee"], "Recouvra Services");
    }

    #[test]
    fn transfer_instructions_quote_the_reference_in_the_qr_payload() {
        let rib = Rib {
            dossier_reference: "CD-2026-000123".into(),
            holder: "Recouvra Services".into(),
            iban: "FR7630006000011234567890189".into(),
            bic: "AGRIFRPP".into(),
            bank_name: "Banque".into(),
            rf_reference: "RF15CD2026000123".into(),
        };
        let reference = payment_reference("CD-2026-000123", &[7]).unwrap();
        assert_eq!(reference.as_str(), "RF48CD2026000123007");
        assert_eq!(
            payment_reference("CD-2026-000123", &[1, 2])
                .unwrap()
                .as_str(),
            "RF15CD2026000123"
        );
        let t = TransferInstructions::new(&rib, "125.40".parse().unwrap(), &reference).unwrap();
        let lines: Vec<&str> = t.epc_payload.lines().collect();
        assert_eq!(lines[6], "FR7630006000011234567890189");
        assert_eq!(lines[7], "EUR125.40");
        assert_eq!(lines[9], "RF48CD2026000123007");
        let bad = Rib {
            iban: "FR7630006000011234567890188".into(),
            ..rib
        };
        assert!(matches!(
            TransferInstructions::new(&bad, "1.00".parse().unwrap(), &reference),
            Err(InstructionsError::BankDetails(_))
        ));
    }

    #[test]
    fn a_payment_with_an_unknown_field_is_refused() {
        let body =
            r#"{"dossier_reference":"A","amount":"1.00","method":"card","card_number":"4242"}"#;
        assert!(serde_json::from_str::<NewPayment>(body).is_err());
        let ok = r#"{"dossier_reference":"A","amount":"1.00","method":"transfer"}"#;
        assert_eq!(
            serde_json::from_str::<NewPayment>(ok).unwrap().installments,
            Vec::<u32>::new()
        );
    }
}
