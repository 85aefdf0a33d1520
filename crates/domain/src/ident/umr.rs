//! Unique mandate reference (UMR, *référence unique de mandat*; EPC AT-01):
//! the creditor's name for a direct-debit mandate, quoted with every
//! collection. Up to 35 characters of the SEPA Latin set, without `/` at
//! either end or `//` inside (the rulebook's identifier rules).

use super::{IdentError, IdentKind};

const KIND: IdentKind = IdentKind::MandateReference;
const MAX_LEN: usize = 35;
/// Mandates of one dossier are numbered on three digits.
const MAX_SEQUENCE: u32 = 999;

/// A valid mandate reference, as issued (case kept: it is quoted verbatim).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct MandateReference(String);

text_identifier!(
    MandateReference,
    pattern: r"^[A-Za-z0-9?:().,'+ -]([A-Za-z0-9/?:().,'+ -]{0,33}[A-Za-z0-9?:().,'+ -])?$",
    description: "Unique mandate reference (UMR), up to 35 SEPA characters",
    example: "CD2026000123-M001"
);
canonical_string!(MandateReference);

impl MandateReference {
    /// Accepts a reference exactly as issued; surrounding spaces are dropped.
    pub fn parse(text: &str) -> Result<MandateReference, IdentError> {
        let reference = text.trim();
        if reference.is_empty() {
            return Err(IdentError::Empty { kind: KIND });
        }
        if let Some(found) = reference.chars().find(|c| !is_sepa_character(*c)) {
            return Err(IdentError::BadCharacter { kind: KIND, found });
        }
        if reference.len() > MAX_LEN {
            return Err(IdentError::Length {
                kind: KIND,
                found: reference.len(),
                expected: format!("at most {MAX_LEN}"),
            });
        }
        if reference.starts_with('/') || reference.ends_with('/') || reference.contains("//") {
            return Err(IdentError::format(
                KIND,
                "a slash may not open or close it, nor follow another",
            ));
        }
        Ok(MandateReference(reference.to_owned()))
    }

    /// The reference of a dossier's `sequence`-th mandate: the dossier
    /// reference's letters and digits, `-M`, the number on three digits
    /// ("CD-2026-000123", 1 → "CD2026000123-M001"). A new mandate (new bank
    /// details) takes the next number, so references are never reused.
    pub fn for_dossier(reference: &str, sequence: u32) -> Result<MandateReference, IdentError> {
        if sequence == 0 || sequence > MAX_SEQUENCE {
            return Err(IdentError::format(
                KIND,
                format!("mandates are numbered 1 to {MAX_SEQUENCE}"),
            ));
        }
        let kept: String = reference
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if kept.is_empty() {
            return Err(IdentError::Empty { kind: KIND });
        }
        MandateReference::parse(&format!("{kept}-M{sequence:03}"))
    }
}

/// The characters every SEPA scheme accepts (EPC217-08, the Latin set).
fn is_sepa_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_s_mandates() {
        let first = MandateReference::for_dossier("CD-2026-000123", 1).unwrap();
        assert_eq!(first.as_str(), "CD2026000123-M001");
        assert_eq!(
            MandateReference::for_dossier("cd-2026-000123", 12)
                .unwrap()
                .as_str(),
            "CD2026000123-M012"
        );
        assert!(MandateReference::for_dossier("CD-2026-000123", 0).is_err());
        assert!(MandateReference::for_dossier("CD-2026-000123", 1000).is_err());
        assert_eq!(
            MandateReference::for_dossier("--", 1),
            Err(IdentError::Empty { kind: KIND })
        );
        let long = "A".repeat(31);
        assert!(matches!(
            MandateReference::for_dossier(&long, 1),
            Err(IdentError::Length { found: 36, .. })
        ));
    }

    #[test]
    fn the_rulebook_s_identifier_rules() {
        assert!(MandateReference::parse("RUM/2026 (a),b'c+d?e:f.g").is_ok());
        assert_eq!(
            MandateReference::parse(" x ").unwrap().as_str(),
            "x",
            "case and inner text kept, ends trimmed"
        );
        for bad in ["/ABC", "ABC/", "AB//C"] {
            assert!(
                matches!(MandateReference::parse(bad), Err(IdentError::Format { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            MandateReference::parse("RUM_1"),
            Err(IdentError::BadCharacter {
                kind: KIND,
                found: '_'
            })
        );
        assert!(matches!(
            MandateReference::parse("référence"),
            Err(IdentError::BadCharacter { found: 'é', .. })
        ));
        assert!(MandateReference::parse(&"A".repeat(35)).is_ok());
        assert!(matches!(
            MandateReference::parse(&"A".repeat(36)),
            Err(IdentError::Length { found: 36, .. })
        ));
        assert_eq!(
            MandateReference::parse("   "),
            Err(IdentError::Empty { kind: KIND })
        );
    }
}
