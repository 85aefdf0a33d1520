//! The French RIB (relevé d'identité bancaire): bank code (5 digits), branch
//! code (code guichet, 5 digits), account number (11 letters or digits) and
//! the two-digit clé RIB, which is also the BBAN of French IBANs.

use std::fmt;

use serde::Serialize;

use super::iban::Iban;
use super::{IdentError, IdentKind, compact, mod97_check_digits};

const KIND: IdentKind = IdentKind::Rib;

/// IBAN countries whose BBAN is a French RIB: France, its overseas
/// departments and territories (which the SWIFT registry lists under FR), and
/// Monaco, whose banks use the same RIB and key.
pub const FRENCH_RIB_COUNTRIES: &[&str] = &[
    "FR", "GF", "GP", "MQ", "RE", "PF", "TF", "YT", "NC", "BL", "MF", "PM", "WF", "MC",
];

/// The clé RIB of a bank code, branch code and account number:
/// 97 − ((89 × bank + 15 × branch + 3 × account) mod 97), letters of the
/// account counting as digits (A–I → 1–9, J–R → 1–9, S–Z → 2–9).
pub fn rib_key(bank: &str, branch: &str, account: &str) -> Result<u8, IdentError> {
    let (bank, branch, account) = checked_parts(bank, branch, account)?;
    Ok(key_of(&bank, &branch, &account))
}

/// Checks a RIB's key against its bank code, branch code and account number.
pub fn validate_rib(bank: &str, branch: &str, account: &str, key: &str) -> Result<(), IdentError> {
    FrenchRib::new(bank, branch, account, key).map(|_| ())
}

/// A French RIB whose key has been checked, each part as printed on the RIB.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FrenchRib {
    bank: String,
    branch: String,
    account: String,
    key: String,
}

impl FrenchRib {
    pub fn new(
        bank: &str,
        branch: &str,
        account: &str,
        key: &str,
    ) -> Result<FrenchRib, IdentError> {
        let (bank, branch, account) = checked_parts(bank, branch, account)?;
        let key = compact(key, &[]);
        if key.len() != 2 || !key.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentError::format(KIND, "the key has two digits"));
        }
        if key.parse::<u8>() != Ok(key_of(&bank, &branch, &account)) {
            return Err(IdentError::Checksum { kind: KIND });
        }
        Ok(FrenchRib {
            bank,
            branch,
            account,
            key,
        })
    }

    pub fn bank(&self) -> &str {
        &self.bank
    }

    pub fn branch(&self) -> &str {
        &self.branch
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// Two digits, as printed ("06").
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The RIB as a BBAN: the four parts run together.
    pub fn bban(&self) -> String {
        format!("{}{}{}{}", self.bank, self.branch, self.account, self.key)
    }

    /// The French (FR) IBAN of this RIB.
    pub fn iban(&self) -> Iban {
        let bban = self.bban();
        let check = mod97_check_digits("FR", &bban);
        Iban::parse(&format!("FR{check:02}{bban}"))
            .expect("a RIB with a valid key makes a valid French IBAN")
    }
}

impl fmt::Display for FrenchRib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.bank, self.branch, self.account, self.key
        )
    }
}

fn checked_parts(
    bank: &str,
    branch: &str,
    account: &str,
) -> Result<(String, String, String), IdentError> {
    let digits = |text: &str, name: &str| {
        let text = compact(text, &[]);
        if text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(text)
        } else {
            Err(IdentError::format(
                KIND,
                format!("the {name} code has five digits"),
            ))
        }
    };
    let bank = digits(bank, "bank")?;
    let branch = digits(branch, "branch")?;
    let account = compact(account, &[]);
    if account.len() != 11 || !account.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(IdentError::format(
            KIND,
            "the account number has eleven letters or digits",
        ));
    }
    Ok((bank, branch, account))
}

/// Expects parts already checked by `checked_parts`.
fn key_of(bank: &str, branch: &str, account: &str) -> u8 {
    let value = |text: &str| {
        text.bytes().fold(0u64, |acc, b| {
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'A'..=b'I' => b - b'A' + 1,
                b'J'..=b'R' => b - b'J' + 1,
                _ => b - b'S' + 2,
            };
            acc * 10 + u64::from(digit)
        })
    };
    let sum = 89 * value(bank) + 15 * value(branch) + 3 * value(account);
    // 97 − (sum mod 97) lies in 1..=97.
    (97 - sum % 97) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_the_registry_examples() {
        // SWIFT IBAN registry examples for France and Monaco, and the French
        // one of python-stdnum's tests/test_iban.doctest (lowercase letter in
        // the account): their last two digits are the clé RIB.
        for (bank, branch, account, key) in [
            ("20041", "01005", "0500013M026", 6),
            ("11222", "00001", "01234567890", 30),
            ("12739", "00070", "0011111000H", 79),
            ("30006", "00001", "12345678901", 89),
        ] {
            assert_eq!(rib_key(bank, branch, account), Ok(key), "{account}");
        }
    }

    #[test]
    fn letters_count_as_the_rib_table_says() {
        // A–I → 1–9, J–R → 1–9, S–Z → 2–9: A, J and S are worth 1, 1 and 2.
        for (letter, digit) in [
            ('A', '1'),
            ('I', '9'),
            ('J', '1'),
            ('R', '9'),
            ('r', '9'),
            ('S', '2'),
            ('Z', '9'),
        ] {
            assert_eq!(
                rib_key("12345", "67890", &format!("0000000000{letter}")),
                rib_key("12345", "67890", &format!("0000000000{digit}")),
                "{letter}"
            );
        }
        // An all-zero RIB has the key 97, not 0.
        assert_eq!(rib_key("00000", "00000", "00000000000"), Ok(97));
    }

    #[test]
    fn validates_keys() {
        assert_eq!(validate_rib("30006", "00001", "12345678901", "89"), Ok(()));
        assert_eq!(
            validate_rib("30006", "00001", "12345678901", "88"),
            Err(IdentError::Checksum { kind: KIND })
        );
        assert!(matches!(
            validate_rib("30006", "00001", "12345678901", "8"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert!(matches!(
            rib_key("3000", "00001", "12345678901"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert!(matches!(
            rib_key("30006", "0000A", "12345678901"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert!(matches!(
            rib_key("30006", "00001", "1234567890-"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
    }

    #[test]
    fn rib_to_iban_and_back() {
        let rib = FrenchRib::new("30006", "00001", "12345678901", "89").unwrap();
        assert_eq!(rib.to_string(), "30006 00001 12345678901 89");
        let iban = rib.iban();
        assert_eq!(iban.grouped(), "FR76 3000 6000 0112 3456 7890 189");
        assert_eq!(iban.french_rib(), Ok(rib));
        assert_eq!(
            Iban::from_french_rib("20041", "01005", "0500013m026", "06")
                .unwrap()
                .as_str(),
            "FR1420041010050500013M02606"
        );
        assert_eq!(
            Iban::from_french_rib("20041", "01005", "0500013M026", "07"),
            Err(IdentError::Checksum { kind: KIND })
        );
    }

    #[test]
    fn french_rib_of_french_and_monaco_ibans_only() {
        let monaco = Iban::parse("MC58 1122 2000 0101 2345 6789 030").unwrap();
        let rib = monaco.french_rib().unwrap();
        assert_eq!(
            (rib.bank(), rib.branch(), rib.account(), rib.key()),
            ("11222", "00001", "01234567890", "30")
        );
        let guadeloupe = Iban::from_bban("GP", "20041010050500013M02606").unwrap();
        assert_eq!(guadeloupe.french_rib().unwrap().key(), "06");
        assert_eq!(
            Iban::parse("DE89370400440532013000").unwrap().french_rib(),
            Err(IdentError::NotFrench {
                country: "DE".into()
            })
        );
        // Valid for ISO 13616, but its RIB key reads 15 where 89 is due.
        let bad_key = Iban::from_bban("FR", "30006000011234567890115").unwrap();
        assert_eq!(
            bad_key.french_rib(),
            Err(IdentError::Checksum { kind: KIND })
        );
    }

    #[test]
    fn serialises_its_parts() {
        let rib = FrenchRib::new("20041", "01005", "0500013M026", "06").unwrap();
        assert_eq!(
            serde_json::to_value(&rib).unwrap(),
            serde_json::json!({"bank": "20041", "branch": "01005", "account": "0500013M026", "key": "06"})
        );
    }
}
