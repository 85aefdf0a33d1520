//! SEPA creditor identifier (ICS, *identifiant créancier SEPA*; EPC AT-02):
//! country (ISO 3166), two MOD 97-10 check digits, a three-character creditor
//! business code (`ZZZ` when none), then the national identifier. The check
//! digits cover the country and the national identifier only, so a creditor
//! may change its business code without changing its identifier.

use super::{
    IdentError, IdentKind, compact_alphanumeric, is_iso_country, mod97, mod97_check_digits,
};

const KIND: IdentKind = IdentKind::CreditorId;
/// Country, check digits, business code: what precedes the national part.
const HEAD: usize = 7;
/// The scheme's identifiers are at most 35 characters long.
const MAX_LEN: usize = 35;
/// The national identifier France issues (Banque de France) has six characters.
const FRENCH_NATIONAL_LEN: usize = 6;

/// A valid creditor identifier, held compact (`FR72ZZZ123456`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct CreditorId(String);

text_identifier!(
    CreditorId,
    pattern: r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$",
    description: "SEPA creditor identifier (ICS, EPC AT-02), compact",
    example: "FR72ZZZ123456"
);
canonical_string!(CreditorId);

impl CreditorId {
    /// Accepts spaces, lowercase and the separators people put in it.
    pub fn parse(text: &str) -> Result<CreditorId, IdentError> {
        let id = compact_alphanumeric(KIND, text, &['-', '.', '/'])?;
        if !(HEAD + 1..=MAX_LEN).contains(&id.len()) {
            return Err(IdentError::Length {
                kind: KIND,
                found: id.len(),
                expected: format!("{} to {MAX_LEN}", HEAD + 1),
            });
        }
        let country = &id[..2];
        if !is_iso_country(country) {
            return Err(IdentError::UnknownCountry {
                kind: KIND,
                code: country.to_owned(),
            });
        }
        if country == "FR" && id.len() != HEAD + FRENCH_NATIONAL_LEN {
            return Err(IdentError::Length {
                kind: KIND,
                found: id.len(),
                expected: format!("{} for France", HEAD + FRENCH_NATIONAL_LEN),
            });
        }
        if !id[2..4].bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentError::format(KIND, "the check digits are not digits"));
        }
        if mod97(&format!("{}{}", &id[HEAD..], &id[..4])) != 1 {
            return Err(IdentError::Checksum { kind: KIND });
        }
        Ok(CreditorId(id))
    }

    /// The identifier of `national` in `country` with `business_code`
    /// (`ZZZ` for none), its check digits computed.
    pub fn new(
        country: &str,
        business_code: &str,
        national: &str,
    ) -> Result<CreditorId, IdentError> {
        let check = mod97_check_digits(
            &country.to_ascii_uppercase(),
            &national.to_ascii_uppercase(),
        );
        CreditorId::parse(&format!("{country}{check:02}{business_code}{national}"))
    }

    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    pub fn check_digits(&self) -> &str {
        &self.0[2..4]
    }

    /// The creditor business code, `ZZZ` when the creditor uses none.
    pub fn business_code(&self) -> &str {
        &self.0[4..HEAD]
    }

    /// The part the national authority issued.
    pub fn national(&self) -> &str {
        &self.0[HEAD..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_examples() {
        // The doctests of stdnum/eu/at_02.py in python-stdnum.
        let spanish = CreditorId::parse("ES 23 ZZZ 47690558N").unwrap();
        assert_eq!(spanish.as_str(), "ES23ZZZ47690558N");
        assert_eq!(spanish.business_code(), "ZZZ");
        assert_eq!(spanish.national(), "47690558N");
        assert_eq!(CreditorId::new("ES", "ZZZ", "47690558N").unwrap(), spanish);
        // The business code is outside the check digits.
        assert!(CreditorId::parse("ES2300047690558N").is_ok());
        // The Deutsche Bundesbank's identifier for tests.
        assert!(CreditorId::parse("DE98ZZZ09999999999").is_ok());
    }

    #[test]
    fn french_identifiers_have_six_national_characters() {
        let id = CreditorId::new("FR", "ZZZ", "123456").unwrap();
        assert_eq!(id.as_str(), "FR72ZZZ123456");
        assert_eq!(id.country(), "FR");
        assert_eq!(id.check_digits(), "72");
        assert!(matches!(
            CreditorId::new("FR", "ZZZ", "1234567"),
            Err(IdentError::Length { .. })
        ));
    }

    #[test]
    fn refusals() {
        assert_eq!(
            CreditorId::parse("ES24ZZZ47690558N"),
            Err(IdentError::Checksum { kind: KIND })
        );
        assert!(matches!(
            CreditorId::parse("XX23ZZZ47690558N"),
            Err(IdentError::UnknownCountry { .. })
        ));
        assert!(matches!(
            CreditorId::parse("ESAAZZZ47690558N"),
            Err(IdentError::Format { .. })
        ));
        assert!(matches!(
            CreditorId::parse("ES23ZZZ"),
            Err(IdentError::Length { .. })
        ));
        assert!(matches!(
            CreditorId::parse("ES23ZZZ4769_558N"),
            Err(IdentError::BadCharacter { found: '_', .. })
        ));
        assert_eq!(
            CreditorId::parse("  "),
            Err(IdentError::Empty { kind: KIND })
        );
    }

    #[test]
    fn serde_is_the_compact_form() {
        let id: CreditorId = serde_json::from_str("\"fr72 zzz 123456\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"FR72ZZZ123456\"");
        assert!(serde_json::from_str::<CreditorId>("\"FR73ZZZ123456\"").is_err());
    }
}
