//! SIRET: the 14-digit identifier of a French establishment, its SIREN
//! followed by a 5-digit NIC, checked by Luhn.

use super::{IdentError, IdentKind, compact};
use crate::siren::{Siren, luhn_valid};

const KIND: IdentKind = IdentKind::Siret;

/// La Poste's SIREN: its establishments outnumber what a Luhn-checked NIC can
/// number, so INSEE checks their SIRETs by a digit sum that is a multiple of
/// 5 instead. The head office, 356 000 000 00048, passes Luhn anyway.
const LA_POSTE: &str = "356000000";

/// A valid SIRET, held as its 14 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Siret(String);

text_identifier!(
    Siret,
    pattern: r"^[0-9]{14}$",
    description: "SIRET, 14 digits",
    example: "73282932000074"
);
canonical_string!(Siret);

impl Siret {
    /// Accepts spaces and dots between digits.
    pub fn parse(text: &str) -> Result<Siret, IdentError> {
        let digits = compact(text, &['.']);
        if digits.is_empty() {
            return Err(IdentError::Empty { kind: KIND });
        }
        if let Some(found) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(IdentError::BadCharacter { kind: KIND, found });
        }
        if digits.len() != 14 {
            return Err(IdentError::Length {
                kind: KIND,
                found: digits.len(),
                expected: "14".into(),
            });
        }
        let valid = if digits.starts_with(LA_POSTE) {
            luhn_valid(&digits) || digit_sum(&digits).is_multiple_of(5)
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err(IdentError::Checksum { kind: KIND });
        }
        Siren::parse(&digits[..9])?;
        Ok(Siret(digits))
    }

    /// The company's SIREN: the first nine digits.
    pub fn siren(&self) -> Siren {
        Siren::parse(&self.0[..9]).expect("checked when the SIRET was parsed")
    }

    /// The establishment's NIC: the last five digits.
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }

    /// `732 829 320 00074`, as printed on a Kbis.
    pub fn grouped(&self) -> String {
        format!("{} {}", self.siren().grouped(), self.nic())
    }
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::siren::SirenError;

    #[test]
    fn python_stdnum_module_example() {
        // stdnum/fr/siret.py doctests of python-stdnum.
        let siret = Siret::parse("73282932000074").unwrap();
        assert_eq!(siret.grouped(), "732 829 320 00074");
        assert_eq!(siret.siren().as_str(), "732829320");
        assert_eq!(siret.nic(), "00074");
        assert_eq!(Siret::parse("732 829 320 00074").unwrap(), siret);
        assert_eq!(
            Siret::parse("73282932000079"),
            Err(IdentError::Checksum { kind: KIND })
        );
    }

    /// tests/test_fr_siret.doctest of python-stdnum: "La Poste SIRET does
    /// not use the Luhn checksum but the sum of digits must be a multiple
    /// of 5."
    #[test]
    fn la_poste_exception() {
        for number in ["356 000 000 09075", "35600000000048", "35600000049837"] {
            let siret = Siret::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(siret.siren().as_str(), "356000000");
        }
        assert_eq!(
            Siret::parse("35600000049838"),
            Err(IdentError::Checksum { kind: KIND })
        );
        // The head office passes Luhn; the others mostly do not.
        assert!(luhn_valid("35600000000048"));
        assert!(!luhn_valid("35600000009075"));
        // The digit-sum rule is La Poste's alone.
        assert_eq!(digit_sum("73282932000072") % 5, 0);
        assert_eq!(
            Siret::parse("73282932000072"),
            Err(IdentError::Checksum { kind: KIND })
        );
    }

    /// tests/test_fr_siret.doctest of python-stdnum: "These have been found
    /// online and should all be valid numbers."
    #[test]
    fn accepts_python_stdnum_valid_sirets() {
        let numbers = [
            "0 5 7 8 1 3 1 3 1 0 0 0 2 6",
            "1 800 700 39 00 110",
            "2 00 03 00 13 000 11",
            "2 101 005 33 000 12",
            "2 777 000 43 000 15",
            "3 1 0 1 8 8 4 2 0 00 0 8 0",
            "3 12 494 529 000 34",
            "3 24 34 54 20 000 40",
            "30206838200050",
            "314 901 323 00043",
            "31719324100013",
            "32228438100017",
            "32650798500058",
            "32738082000032",
            "329.338.88300153",
            "32929695800039",
            "33770320100034",
            "34530016400018",
            "380 321 430 00023",
            "38446899700034",
            "38536958200023",
            "389 011 529 00036",
            "38981890700203",
            "39039475700020",
            "39102766100050",
            "4 0 0 9 0 8 5 0 5 0 0 0 11",
            "4 0 3 3 1 4 6 6 9 0 0 0 4 1",
            "4 0 9 0 8 5 2 1 4 0 0 0 2 4",
            "4 2 0 3 0 9 6 2 7 0 0 0 3 2",
            "4 4 3 4 8 9 2 7 3 0 0 0 1 3",
            "4 4 3 5 4 9 8 7 8 0 0 0 4 1",
            "4 8 2 7 8 1 9 11 0 0 0 11",
            "40300300700032",
            "44126652500019",
            "44142526100019",
            "44796433900017",
            "479 461 675 00049",
            "5 12 326 653 000 15",
            "5 17 758 173 000 10",
            "50397442000021",
            "513 133 637 000 35",
            "52524288900042",
            "542 097 324 0006 6",
            "652 059 213 00023",
            "7 7821 0526 00019",
            "775.563.232.00104",
            "778 239 798 000 11",
            "79068156300017",
            "8 1 0 2 4 7 3 8 7 0 0 0 1 4",
            "8 1002665800015",
            "8 21 114 55000014",
        ];
        for number in numbers {
            let siret = Siret::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(siret.as_str().len(), 14);
        }
    }

    #[test]
    fn refuses_malformed_sirets() {
        assert_eq!(Siret::parse(""), Err(IdentError::Empty { kind: KIND }));
        assert_eq!(
            Siret::parse("7328293200007"),
            Err(IdentError::Length {
                kind: KIND,
                found: 13,
                expected: "14".into()
            })
        );
        assert_eq!(
            Siret::parse("7328293200007A"),
            Err(IdentError::BadCharacter {
                kind: KIND,
                found: 'A'
            })
        );
        // Passes Luhn over 14 digits, but its first nine are no SIREN.
        let bad_siren = (0..=9)
            .map(|d| format!("7328293210000{d}"))
            .find(|s| luhn_valid(s))
            .unwrap();
        assert!(matches!(
            Siret::parse(&bad_siren),
            Err(IdentError::Siren(SirenError::Checksum(_)))
        ));
    }

    #[test]
    fn serde_uses_the_digits() {
        let siret = Siret::parse("732 829 320 00074").unwrap();
        assert_eq!(serde_json::to_string(&siret).unwrap(), "\"73282932000074\"");
        let back: Siret = serde_json::from_str("\"732 829 320 00074\"").unwrap();
        assert_eq!(back, siret);
    }
}
