//! RF creditor reference (ISO 11649): `RF`, two MOD 97-10 check digits, then
//! 1 to 21 letters or digits chosen by the creditor. A debtor quotes it with
//! a transfer so the payment is matched without reading free text.

use super::{
    IdentError, IdentKind, compact_alphanumeric, in_fours, mod97_check_digits, mod97_valid,
};

const KIND: IdentKind = IdentKind::RfReference;
const MAX_PAYLOAD: usize = 21;
/// Instalment numbers take exactly three digits so that one dossier's
/// references never collide.
const MAX_INSTALLMENT: u32 = 999;

/// A valid creditor reference, held compact (`RF18539007547034`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct RfReference(String);

text_identifier!(
    RfReference,
    pattern: r"^RF[0-9]{2}[A-Z0-9]{1,21}$",
    description: "RF creditor reference (ISO 11649), compact",
    example: "RF18539007547034"
);
canonical_string!(RfReference);

impl RfReference {
    /// Parses a reference as quoted by a debtor: lowercase and the
    /// separators people put in it (spaces, `-`, `.`, `,`, `/`, `:`) allowed.
    pub fn parse(text: &str) -> Result<RfReference, IdentError> {
        let reference = compact_alphanumeric(KIND, text, &['-', '.', ',', '/', ':'])?;
        if !(5..=4 + MAX_PAYLOAD).contains(&reference.len()) {
            return Err(IdentError::Length {
                kind: KIND,
                found: reference.len(),
                expected: format!("5 to {}", 4 + MAX_PAYLOAD),
            });
        }
        if !reference.starts_with("RF") {
            return Err(IdentError::format(KIND, "it starts with RF"));
        }
        if !reference[2..4].bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentError::format(KIND, "the check digits are not digits"));
        }
        if !mod97_valid(&reference) {
            return Err(IdentError::Checksum { kind: KIND });
        }
        Ok(RfReference(reference))
    }

    /// The reference of a payload: its letters and digits, uppercased, other
    /// separators dropped. Refuses a payload left empty, longer than 21
    /// characters, or holding a letter outside A–Z (which would otherwise be
    /// lost without a word).
    pub fn generate(payload: &str) -> Result<RfReference, IdentError> {
        let mut kept = String::with_capacity(payload.len());
        for ch in payload.chars() {
            if ch.is_ascii_alphanumeric() {
                kept.push(ch.to_ascii_uppercase());
            } else if ch.is_alphanumeric() {
                return Err(IdentError::BadCharacter {
                    kind: KIND,
                    found: ch,
                });
            }
        }
        if kept.is_empty() {
            return Err(IdentError::Empty { kind: KIND });
        }
        if kept.len() > MAX_PAYLOAD {
            return Err(IdentError::Length {
                kind: KIND,
                found: kept.len(),
                expected: format!("at most {MAX_PAYLOAD} letters or digits"),
            });
        }
        let check = mod97_check_digits("RF", &kept);
        Ok(RfReference(format!("RF{check:02}{kept}")))
    }

    /// The reference a debtor quotes to pay a dossier: the dossier reference's
    /// letters and digits ("CD-2026-000123" → payload "CD2026000123").
    pub fn for_dossier(reference: &str) -> Result<RfReference, IdentError> {
        RfReference::generate(reference)
    }

    /// The reference of one instalment of a dossier: the dossier reference's
    /// letters and digits followed by the instalment number on three digits
    /// ("CD-2026-000123", 7 → payload "CD2026000123007").
    pub fn for_installment(reference: &str, number: u32) -> Result<RfReference, IdentError> {
        if number > MAX_INSTALLMENT {
            return Err(IdentError::InstallmentNumber(number));
        }
        RfReference::generate(&format!("{reference}{number:03}"))
    }

    pub fn check_digits(&self) -> &str {
        &self.0[2..4]
    }

    /// The creditor's part, after `RF` and the check digits.
    pub fn payload(&self) -> &str {
        &self.0[4..]
    }

    /// Printed form, in blocks of four: `RF18 5390 0754 7034`.
    pub fn grouped(&self) -> String {
        in_fours(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_example() {
        // ISO 11649's example; with the next ones, the doctests of
        // stdnum/iso11649.py in python-stdnum.
        let reference = RfReference::parse("RF18 5390 0754 7034").unwrap();
        assert_eq!(reference.to_string(), "RF18539007547034");
        assert_eq!(reference.grouped(), "RF18 5390 0754 7034");
        assert_eq!(reference.payload(), "539007547034");
        assert_eq!(RfReference::generate("539007547034").unwrap(), reference);
        assert_eq!(RfReference::generate("5390 0754 7034").unwrap(), reference);
        // Leading zeros leave the remainder unchanged: the same check digits.
        assert!(RfReference::parse("RF18 0000 0000 0539 0075 4703 4").is_ok());
        assert_eq!(
            RfReference::parse("RF18 5390 0754 70Y").unwrap().as_str(),
            "RF185390075470Y"
        );
        assert_eq!(
            RfReference::parse("RF17 5390 0754 7034"),
            Err(IdentError::Checksum { kind: KIND })
        );
        assert_eq!(
            RfReference::parse("RF18-5390-0754-7034"),
            Ok(reference.clone())
        );
    }

    /// tests/test_iso11649.doctest of python-stdnum
    /// (https://github.com/arthurdejong/python-stdnum): references generated
    /// at mobilefish.com, "They should all be valid".
    #[test]
    fn accepts_python_stdnum_valid_references() {
        let numbers = "
            RF03SW3EZRUFBK RF20QQHM7PAW61EOWO RF206KCJWVH20 RF97XX5ZIC RF66A4E7BF6OI8F23P9
            RF888F7P5VQ8TOFTY3LZ RF41778UFIFX6LGFHAX RF8676YM2Q3UWC9 RF056TXFK RF800PAG6O89TAU8M5H
            RF20AN1IJBLFGA RF23EF4UHBVNPLHKG3HZ9SGGT RF79KDFLO48OJW9TSCUP7L RF72YW RF14GE30YOI8
            RF95SVO25ZY0J RF38W1PAA2QLIPIQVMAYLOH RF80A0CPH RF15O27ZC6D86DZGO RF30VXZSLA8
            RF87PBDPC22JTUPL98AYLOCK RF14QS8OSM0SGZJHDAJI2S1 RF724P RF0717UP2X0DO9UF6JGIPG8
            RF42J8H8Y0VB5MXP1T24RHM3 RF70JNR RF949BJ0SHL5OELQ0M16 RF75TR2ACY3PGL
            RF0891RPECRY4EKAIWQK4UZUP RF95079AYKHK4C6D8SF RF63RPP1PYBH4K RF28JGS RF80I4
            RF55IJ37T88JU5D0XUR6Z3N RF08P RF315S3SM4CXHLHPCCJULF36 RF25GKZ943I RF10XHXROQ2ZS1
            RF032KW3MG RF03Z55N RF93SYT6JCX9BF8STKZTF RF910KN RF4480GWBS4ON16IRYL7T5VN2
            RF02YFL1INOWMIYT2AN RF23PCSFK51V1XJALP RF37K91OEQE0FMBZSBN RF96QP1V07AYT
            RF2939KX5US7LX3PAN1BNWC0H RF02RLPTC78WPBRBZFWSU RF85QEZRRD82 RF529 RF813OATFTW
            RF02MT56MM6RK3NSA88RKVK RF81WGYFUZZ0TWXHQK RF21FYKWJSLDSEV5P8XGPE2
            RF75B2UCA8B3KLEP4PNTJA RF401ETPTNN0E83ASNVVNPWU RF11JB RF48T7F6BF5F4H9F9JG RF68C
            RF53AVDW8QM7M6A62 RF382LJGQV501HHZQ6ZS1 RF097 RF73XJXLAL RF95B RF57G
            RF25282M4CZ5GHSGY3G85G RF498F8Q7S17 RF701XP4QUW0YV62EI5DQ RF16V1A2WFZ6U8RMNVLE
            RF78DB1FAB RF7522DRITKFXLL97L45F RF11A8Z RF04X2OY4TYLNF RF607WBLIGJT8FLEPYJ
            RF07YDRKBYAAJTZ9IEMA RF186L RF409UF6078QP RF82K6F RF28AGC RF1492GE4TE5I7
            RF12EMD86TLG46QZT9Z0WA3I RF056PZYKELS9JY35QWH11 RF288UQN77O6QWX5565 RF12Z7WS5GR9S4
            RF17B6V83RKUJCKYSIV RF489L8GK4 RF41FWLX RF98FIKGWHA2AK04NMI RF86V26RQ3Z RF72813
            RF59OG39OS05B0RBMT RF67B3TIEBWV82 RF73UYAE6PKWKA7MMR62S0B RF92DIALM RF04J4
            RF60OG76HU1XGBIHRU94K RF22EM RF67J7L
        ";
        for number in numbers.split_whitespace() {
            let reference = RfReference::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
            // Generating from the payload gives the same check digits back.
            assert_eq!(
                RfReference::generate(reference.payload()).unwrap(),
                reference
            );
        }
    }

    #[test]
    fn refuses_malformed_references() {
        assert_eq!(
            RfReference::parse(""),
            Err(IdentError::Empty { kind: KIND })
        );
        assert!(matches!(
            RfReference::parse("RF18"),
            Err(IdentError::Length { found: 4, .. })
        ));
        assert!(matches!(
            RfReference::parse("RF23EF4UHBVNPLHKG3HZ9SGGTX"),
            Err(IdentError::Length { found: 26, .. })
        ));
        assert!(matches!(
            RfReference::parse("XX18539007547034"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert!(matches!(
            RfReference::parse("RFAB539007547034"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert_eq!(
            RfReference::parse("RF18_5390_0754_7034"),
            Err(IdentError::BadCharacter {
                kind: KIND,
                found: '_'
            })
        );
    }

    #[test]
    fn generation_limits() {
        assert_eq!(RfReference::generate("1").unwrap().as_str(), "RF741");
        let longest = "A".repeat(21);
        assert_eq!(
            RfReference::generate(&longest).unwrap().as_str(),
            format!("RF47{longest}")
        );
        assert_eq!(
            RfReference::generate(&"A".repeat(22)),
            Err(IdentError::Length {
                kind: KIND,
                found: 22,
                expected: "at most 21 letters or digits".into()
            })
        );
        assert_eq!(
            RfReference::generate(" - / "),
            Err(IdentError::Empty { kind: KIND })
        );
        assert_eq!(
            RfReference::generate("DOSSIER-É1"),
            Err(IdentError::BadCharacter {
                kind: KIND,
                found: 'É'
            })
        );
    }

    #[test]
    fn one_reference_per_dossier_and_per_instalment() {
        // Check digits computed by hand with MOD 97-10 (and re-checked by
        // parsing them back).
        let dossier = RfReference::for_dossier("CD-2026-000123").unwrap();
        assert_eq!(dossier.as_str(), "RF15CD2026000123");
        assert_eq!(dossier.grouped(), "RF15 CD20 2600 0123");
        let seventh = RfReference::for_installment("CD-2026-000123", 7).unwrap();
        assert_eq!(seventh.as_str(), "RF48CD2026000123007");
        assert_eq!(
            RfReference::for_installment("D-2026-000123", 7)
                .unwrap()
                .as_str(),
            "RF78D2026000123007"
        );
        for reference in [&dossier, &seventh] {
            assert_eq!(
                &RfReference::parse(&reference.grouped()).unwrap(),
                reference
            );
        }
        assert_ne!(
            RfReference::for_installment("CD-2026-000123", 1).unwrap(),
            RfReference::for_installment("CD-2026-000123", 10).unwrap()
        );
        assert_eq!(
            RfReference::for_installment("CD-2026-000123", 1000),
            Err(IdentError::InstallmentNumber(1000))
        );
        // 18 characters of reference plus 3 of instalment fill the 21; one
        // more is refused, not cut.
        assert!(RfReference::for_installment("ABCDEFGHIJ-12345678", 999).is_ok());
        assert!(matches!(
            RfReference::for_installment("ABCDEFGHIJ-123456789", 999),
            Err(IdentError::Length { found: 22, .. })
        ));
    }

    #[test]
    fn serde_uses_the_compact_form() {
        let reference = RfReference::parse("rf18 5390 0754 7034").unwrap();
        assert_eq!(
            serde_json::to_string(&reference).unwrap(),
            "\"RF18539007547034\""
        );
        let back: RfReference = serde_json::from_str("\"RF18 5390 0754 7034\"").unwrap();
        assert_eq!(back, reference);
        assert!(serde_json::from_str::<RfReference>("\"RF17539007547034\"").is_err());
    }
}
