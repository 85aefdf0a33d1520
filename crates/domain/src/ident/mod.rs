//! Identifiers a person copies by hand: each parsed, validated and formatted.
//!
//! Every type here parses leniently (spaces, lowercase, the usual separators)
//! and holds one canonical form, which is also its `Display`, its serde form
//! and its schema type (a string).

use std::fmt;

use crate::siren::SirenError;

/// Defines serde (as the canonical string), `FromStr` (through `parse`) and,
/// with the `openapi` feature, a string schema for an identifier type.
macro_rules! text_identifier {
    ($ty:ty, pattern: $pattern:expr, description: $description:expr, example: $example:expr) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::ident::IdentError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                <$ty>::parse(&text).map_err(::serde::de::Error::custom)
            }
        }

        #[cfg(feature = "openapi")]
        impl ::utoipa::PartialSchema for $ty {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $crate::ident::string_schema($pattern, $description, $example)
            }
        }

        #[cfg(feature = "openapi")]
        impl ::utoipa::ToSchema for $ty {}
    };
}

/// `Display` and `as_str` for an identifier held as its canonical string.
macro_rules! canonical_string {
    ($ty:ty) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

mod bic;
mod iban;
mod iban_registry;
mod ics;
mod rcs;
mod rf;
mod rib;
mod siret;
mod umr;

pub use bic::Bic;
pub use iban::Iban;
pub use ics::CreditorId;
pub use rcs::RcsNumber;
pub use rf::RfReference;
pub use rib::{FRENCH_RIB_COUNTRIES, FrenchRib, rib_key, validate_rib};
pub use siret::Siret;
pub use umr::MandateReference;

/// Which identifier an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentKind {
    Iban,
    Bic,
    Rib,
    RfReference,
    Siret,
    Rcs,
    CreditorId,
    MandateReference,
}

impl fmt::Display for IdentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdentKind::Iban => "IBAN",
            IdentKind::Bic => "BIC",
            IdentKind::Rib => "RIB",
            IdentKind::RfReference => "RF creditor reference",
            IdentKind::Siret => "SIRET",
            IdentKind::Rcs => "RCS number",
            IdentKind::CreditorId => "SEPA creditor identifier",
            IdentKind::MandateReference => "mandate reference",
        })
    }
}

/// Why an identifier was refused.
///
/// No variant carries a whole IBAN: these messages end up in logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    #[error("{kind} is empty")]
    Empty { kind: IdentKind },
    #[error("{kind} may not contain {found:?}")]
    BadCharacter { kind: IdentKind, found: char },
    #[error("{kind} has {found} characters, expected {expected}")]
    Length {
        kind: IdentKind,
        found: usize,
        expected: String,
    },
    #[error("{kind}: {code:?} is not a known country code")]
    UnknownCountry { kind: IdentKind, code: String },
    #[error("{kind}: {reason}")]
    Format { kind: IdentKind, reason: String },
    #[error("{kind} fails its check digits")]
    Checksum { kind: IdentKind },
    #[error("IBANs of {country} do not hold a French RIB")]
    NotFrench { country: String },
    #[error("instalment number {0} does not fit in three digits")]
    InstallmentNumber(u32),
    #[error(transparent)]
    Siren(#[from] SirenError),
}

impl IdentError {
    fn format(kind: IdentKind, reason: impl Into<String>) -> IdentError {
        IdentError::Format {
            kind,
            reason: reason.into(),
        }
    }
}

/// Input as people type it: separators dropped, letters uppercased.
fn compact(text: &str, separators: &[char]) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !separators.contains(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Input compacted (see `compact`), refused when empty or when anything but
/// ASCII letters and digits is left.
fn compact_alphanumeric(
    kind: IdentKind,
    text: &str,
    separators: &[char],
) -> Result<String, IdentError> {
    let compacted = compact(text, separators);
    if compacted.is_empty() {
        return Err(IdentError::Empty { kind });
    }
    require_alphanumeric(kind, &compacted)?;
    Ok(compacted)
}

/// Refuses anything but ASCII letters and digits.
fn require_alphanumeric(kind: IdentKind, text: &str) -> Result<(), IdentError> {
    match text.chars().find(|c| !c.is_ascii_alphanumeric()) {
        Some(found) => Err(IdentError::BadCharacter { kind, found }),
        None => Ok(()),
    }
}

/// ISO 7064 MOD 97-10 remainder of an alphanumeric string, letters counting
/// as two digits (A = 10 … Z = 35), as IBANs and RF references use it.
fn mod97(text: &str) -> u32 {
    text.bytes().fold(0u32, |rest, b| match b {
        b'0'..=b'9' => (rest * 10 + u32::from(b - b'0')) % 97,
        b'A'..=b'Z' => (rest * 100 + u32::from(b - b'A') + 10) % 97,
        _ => rest,
    })
}

/// Whether `compact` (four leading characters: prefix and check digits)
/// passes MOD 97-10 once those four are moved to the end.
///
/// Check digits are computed as 98 − remainder, so only 02 to 98 can occur:
/// 00, 01 and 99 pass the remainder test (they are 97, 98 and 2 modulo 97)
/// yet were never issued.
fn mod97_valid(compact: &str) -> bool {
    let (head, body) = compact.split_at(4);
    let issued = head[2..]
        .parse::<u8>()
        .is_ok_and(|check| (2..=98).contains(&check));
    issued && mod97(&format!("{body}{head}")) == 1
}

/// The two check digits that make `prefix` + digits + `body` pass MOD 97-10.
fn mod97_check_digits(prefix: &str, body: &str) -> u32 {
    98 - mod97(&format!("{body}{prefix}00"))
}

/// `text` in blocks of four separated by spaces, as IBANs and RF references
/// are printed.
fn in_fours(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, ch) in text.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

#[cfg(feature = "openapi")]
fn string_schema(
    pattern: &str,
    description: &str,
    example: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .pattern(Some(pattern))
        .description(Some(description))
        .examples([example])
        .into()
}

/// Country codes of ISO 3166-1 alpha-2 (officially assigned, 249 codes), plus
/// XK, the user-assigned code SWIFT and the IBAN registry use for Kosovo.
const ISO_COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", "XK",
];

fn is_iso_country(code: &str) -> bool {
    ISO_COUNTRIES.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_list_is_the_iso_list_plus_kosovo() {
        assert_eq!(ISO_COUNTRIES.len(), 250);
        let mut sorted = ISO_COUNTRIES[..249].to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 249, "no duplicates");
        assert_eq!(sorted, ISO_COUNTRIES[..249], "kept in order");
        assert!(is_iso_country("XK"));
        assert!(!is_iso_country("IP"));
        assert!(!is_iso_country("XX"));
    }

    #[test]
    fn mod97_follows_iso_7064() {
        // The worked example of the Wikipedia article on IBANs.
        assert!(mod97_valid("GB82WEST12345698765432"));
        assert_eq!(mod97_check_digits("GB", "WEST12345698765432"), 82);
        assert!(!mod97_valid("GB83WEST12345698765432"));
        // Same remainders as 98 and 97, but never issued.
        assert_eq!(mod97("BARC20714583608387GB01"), 1);
        assert!(!mod97_valid("GB01BARC20714583608387"));
        assert_eq!(mod97("HLFX11016111455365GB00"), 1);
        assert!(!mod97_valid("GB00HLFX11016111455365"));
    }

    #[test]
    fn groups_in_fours() {
        assert_eq!(in_fours("RF18539007547034"), "RF18 5390 0754 7034");
        assert_eq!(in_fours("ABCDE"), "ABCD E");
        assert_eq!(in_fours(""), "");
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn schemas_are_patterned_strings_with_an_example_that_parses() {
        use utoipa::PartialSchema;
        fn check<T: PartialSchema + std::str::FromStr>() {
            let schema = serde_json::to_value(T::schema()).unwrap();
            assert_eq!(schema["type"], "string");
            assert!(schema["pattern"].is_string());
            let example = schema["examples"][0].as_str().unwrap();
            assert!(example.parse::<T>().is_ok(), "{example}");
        }
        check::<Iban>();
        check::<Bic>();
        check::<RfReference>();
        check::<Siret>();
        check::<RcsNumber>();
        check::<CreditorId>();
        check::<MandateReference>();
    }

    #[test]
    fn errors_read_well() {
        let error = IdentError::Length {
            kind: IdentKind::Iban,
            found: 26,
            expected: "27".into(),
        };
        assert_eq!(error.to_string(), "IBAN has 26 characters, expected 27");
        assert_eq!(
            IdentError::Checksum {
                kind: IdentKind::RfReference
            }
            .to_string(),
            "RF creditor reference fails its check digits"
        );
    }
}
