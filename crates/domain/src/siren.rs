//! SIREN: the 9-digit French company identifier, checked by Luhn.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SirenError {
    #[error("a SIREN has 9 digits: {0:?}")]
    Length(String),
    #[error("SIREN {0} fails its Luhn check")]
    Checksum(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

/// Luhn checksum over ASCII digits.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, ch) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(ch - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// The digit that makes `prefix` followed by it pass Luhn.
pub fn luhn_check_digit(prefix: &str) -> u8 {
    (0..=9u8)
        .find(|d| luhn_valid(&format!("{prefix}{d}")))
        .expect("one of ten digits always completes a Luhn sum")
}

impl Siren {
    pub fn parse(text: &str) -> Result<Siren, SirenError> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SirenError::Length(text.to_owned()));
        }
        if !luhn_valid(&digits) {
            return Err(SirenError::Checksum(digits));
        }
        Ok(Siren(digits))
    }

    /// Builds a valid SIREN from its first eight digits.
    pub fn from_prefix(first_eight: u32) -> Siren {
        let prefix = format!("{:08}", first_eight % 100_000_000);
        let check = luhn_check_digit(&prefix);
        Siren(format!("{prefix}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `123 456 789`, as printed on a Kbis or an RCS number.
    pub fn grouped(&self) -> String {
        format!("{} {} {}", &self.0[0..3], &self.0[3..6], &self.0[6..9])
    }

    /// "RCS Lyon 123 456 789".
    pub fn rcs(&self, registry_city: &str) -> String {
        format!("RCS {registry_city} {}", self.grouped())
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Siren {
    type Err = SirenError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Siren::parse(s)
    }
}

impl TryFrom<String> for Siren {
    type Error = SirenError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Siren::parse(&value)
    }
}

impl From<Siren> for String {
    fn from(value: Siren) -> String {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_sirens() {
        // Published SIRENs: Danone, La Poste's head office, Renault.
        for s in ["552032534", "356000000", "441639465"] {
            assert!(Siren::parse(s).is_ok(), "{s}");
        }
        assert_eq!(Siren::parse("552 032 534").unwrap().as_str(), "552032534");
    }

    #[test]
    fn refuses_bad_ones() {
        assert!(matches!(
            Siren::parse("552032535"),
            Err(SirenError::Checksum(_))
        ));
        assert!(matches!(
            Siren::parse("55203253"),
            Err(SirenError::Length(_))
        ));
        assert!(matches!(
            Siren::parse("55203253a"),
            Err(SirenError::Length(_))
        ));
    }

    #[test]
    fn generated_ones_are_valid() {
        for p in [0u32, 1, 12_345_678, 99_999_999, 55_203_253] {
            let s = Siren::from_prefix(p);
            assert!(Siren::parse(s.as_str()).is_ok(), "{s}");
        }
        assert_eq!(Siren::from_prefix(55_203_253).as_str(), "552032534");
    }

    #[test]
    fn formats_for_rcs() {
        assert_eq!(
            Siren::parse("552032534").unwrap().rcs("Paris"),
            "RCS Paris 552 032 534"
        );
    }
}
