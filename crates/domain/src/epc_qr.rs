//! The payload of an EPC QR code (EPC069-12, version 002): what a banking app
//! reads to prefill a SEPA credit transfer. Twelve elements, one per line, in
//! a fixed order; the empty ones at the end are left out.

use crate::ident::{Bic, Iban, RfReference};
use crate::money::Money;

/// Longest payload the guidelines allow, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 331;
const MAX_NAME: usize = 70;
const MAX_TEXT: usize = 140;
const MAX_INFO: usize = 70;
const MAX_PURPOSE: usize = 4;
/// EUR 999 999 999.99, the largest amount the guidelines allow.
const MAX_CENTS: i64 = 99_999_999_999;

/// Why a transfer cannot be put in a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    #[error("the beneficiary's name is empty")]
    EmptyName,
    #[error("{field} has {found} characters, at most {max} allowed")]
    TooLong {
        field: &'static str,
        found: usize,
        max: usize,
    },
    #[error("the amount must be between EUR 0.01 and EUR 999,999,999.99")]
    Amount,
    #[error("the purpose code has up to four letters or digits")]
    Purpose,
    #[error("{field} may not hold a line break")]
    LineBreak { field: &'static str },
    #[error("the payload has {0} bytes, at most 331 allowed")]
    Payload(usize),
}

/// What the payer quotes: a structured creditor reference, or free text,
/// never both (the guidelines forbid it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remittance {
    Reference(RfReference),
    Text(String),
}

/// A credit transfer to prefill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpcTransfer {
    /// Optional in version 002 within the EEA; given when known.
    pub bic: Option<Bic>,
    pub name: String,
    pub iban: Iban,
    /// Absent: the payer types it.
    pub amount: Option<Money>,
    pub purpose: Option<String>,
    pub remittance: Option<Remittance>,
    /// Shown to the payer, not transmitted with the transfer.
    pub info: Option<String>,
}

impl EpcTransfer {
    /// The text to encode (UTF-8, elements separated by line feeds).
    pub fn payload(&self) -> Result<String, EpcError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(EpcError::EmptyName);
        }
        let amount = match self.amount {
            Some(amount) => {
                let cents = amount.cents();
                if !(1..=MAX_CENTS).contains(&cents) {
                    return Err(EpcError::Amount);
                }
                format!("EUR{}.{:02}", cents / 100, cents % 100)
            }
            None => String::new(),
        };
        let purpose = self.purpose.as_deref().unwrap_or_default();
        if purpose.len() > MAX_PURPOSE || !purpose.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(EpcError::Purpose);
        }
        let (reference, text) = match &self.remittance {
            Some(Remittance::Reference(reference)) => (reference.to_string(), ""),
            Some(Remittance::Text(text)) => (String::new(), text.trim()),
            None => (String::new(), ""),
        };
        let info = self.info.as_deref().unwrap_or_default().trim();
        let elements = [
            "BCD",
            "002",
            // UTF-8
            "1",
            "SCT",
            self.bic.as_ref().map(Bic::as_str).unwrap_or_default(),
            bounded("the beneficiary's name", name, MAX_NAME)?,
            self.iban.as_str(),
            &amount,
            purpose,
            &reference,
            bounded("the remittance text", text, MAX_TEXT)?,
            bounded("the information to the payer", info, MAX_INFO)?,
        ];
        let last = elements
            .iter()
            .rposition(|e| !e.is_empty())
            .unwrap_or_default();
        let payload = elements[..=last].join("\n");
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(EpcError::Payload(payload.len()));
        }
        Ok(payload)
    }
}

fn bounded<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str, EpcError> {
    if value.contains(['\n', '\r']) {
        return Err(EpcError::LineBreak { field });
    }
    let found = value.chars().count();
    if found > max {
        return Err(EpcError::TooLong { field, found, max });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer() -> EpcTransfer {
        EpcTransfer {
            bic: Some(Bic::parse("BNPAFRPPXXX").unwrap()),
            name: "Recouvrement Services SAS".into(),
            iban: Iban::parse("FR76 3000 6000 0112 3456 7890 189").unwrap(),
            amount: Some(Money::from_cents(125_050)),
            purpose: None,
            remittance: Some(Remittance::Reference(
                RfReference::for_dossier("CD-2026-000123").unwrap(),
            )),
            info: Some("Dossier CD-2026-000123".into()),
        }
    }

    #[test]
    fn elements_in_the_guidelines_order() {
        let payload = transfer().payload().unwrap();
        let reference = RfReference::for_dossier("CD-2026-000123").unwrap();
        let lines: Vec<&str> = payload.split('\n').collect();
        assert_eq!(
            lines,
            [
                "BCD",
                "002",
                "1",
                "SCT",
                "BNPAFRPPXXX",
                "Recouvrement Services SAS",
                "FR7630006000011234567890189",
                "EUR1250.50",
                "",
                reference.as_str(),
                "",
                "Dossier CD-2026-000123",
            ]
        );
        assert!(!payload.ends_with('\n'));
    }

    #[test]
    fn the_segno_example_in_utf8_with_cents() {
        // segno's documented example (helpers.make_epc_qr), in UTF-8 and
        // with the amount written with its cents.
        let payload = EpcTransfer {
            bic: None,
            name: "Wikimedia Foerdergesellschaft".into(),
            iban: Iban::parse("DE33100205000001194700").unwrap(),
            amount: Some(Money::from_cents(2000)),
            purpose: None,
            remittance: Some(Remittance::Text("Spende fuer Wikipedia".into())),
            info: None,
        }
        .payload()
        .unwrap();
        assert_eq!(
            payload,
            "BCD\n002\n1\nSCT\n\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR20.00\n\n\nSpende fuer Wikipedia"
        );
    }

    #[test]
    fn empty_trailing_elements_are_left_out() {
        let mut t = transfer();
        t.amount = None;
        t.remittance = None;
        t.info = None;
        assert_eq!(
            t.payload().unwrap(),
            "BCD\n002\n1\nSCT\nBNPAFRPPXXX\nRecouvrement Services SAS\nFR7630006000011234567890189"
        );
    }

    #[test]
    fn amounts_at_the_bounds() {
        let mut t = transfer();
        t.amount = Some(Money::from_cents(1));
        assert!(t.payload().unwrap().contains("\nEUR0.01\n"));
        t.amount = Some(Money::from_cents(MAX_CENTS));
        assert!(t.payload().unwrap().contains("\nEUR999999999.99\n"));
        for cents in [0, -5, MAX_CENTS + 1] {
            t.amount = Some(Money::from_cents(cents));
            assert_eq!(t.payload(), Err(EpcError::Amount), "{cents}");
        }
    }

    #[test]
    fn refusals() {
        let mut t = transfer();
        t.name = "  ".into();
        assert_eq!(t.payload(), Err(EpcError::EmptyName));
        t.name = "é".repeat(71);
        assert!(matches!(
            t.payload(),
            Err(EpcError::TooLong {
                found: 71,
                max: 70,
                ..
            })
        ));
        t.name = "é".repeat(70);
        assert!(t.payload().is_ok(), "70 characters, not bytes");
        let mut t = transfer();
        t.purpose = Some("GDDSX".into());
        assert_eq!(t.payload(), Err(EpcError::Purpose));
        t.purpose = Some("GD S".into());
        assert_eq!(t.payload(), Err(EpcError::Purpose));
        let mut t = transfer();
        t.remittance = Some(Remittance::Text("a\nb".into()));
        assert!(matches!(t.payload(), Err(EpcError::LineBreak { .. })));
        t.remittance = Some(Remittance::Text("x".repeat(141)));
        assert!(matches!(
            t.payload(),
            Err(EpcError::TooLong { max: 140, .. })
        ));
    }

    #[test]
    fn the_whole_payload_is_bounded_in_bytes() {
        let mut t = transfer();
        t.name = "é".repeat(70);
        t.remittance = Some(Remittance::Text("é".repeat(140)));
        t.info = Some("é".repeat(70));
        assert!(matches!(t.payload(), Err(EpcError::Payload(n)) if n > MAX_PAYLOAD_BYTES));
    }
}
