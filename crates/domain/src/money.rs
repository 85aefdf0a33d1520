//! Euro amounts, exact to the cent.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount: {0:?}")]
    NotAnAmount(String),
    #[error("an amount has at most two decimals: {0:?}")]
    TooPrecise(String),
}

/// An amount in euros, always held at exactly two decimals.
///
/// Construction from a raw decimal rounds half-up (away from zero at the
/// midpoint) to the cent, which is the rule for every statement line; parsing
/// text refuses sub-cent digits instead, because input with them is a mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
// On the wire a string ("1234.56"), never a JSON number.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Money(Decimal);

impl Money {
    /// `0.00`: zero at the cent, as every amount.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Rounds half-up to the cent.
    pub fn from_decimal(value: Decimal) -> Money {
        let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(2);
        Money(rounded)
    }

    /// For constants: the caller gives a decimal already at two decimals.
    pub const fn from_decimal_const(value: Decimal) -> Money {
        Money(value)
    }

    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    pub fn cents(&self) -> i64 {
        // Always two decimals, so the mantissa is the number of cents.
        i64::try_from(self.0.mantissa()).unwrap_or(if self.0.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }

    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_positive(&self) -> bool {
        !self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Multiplies by a rate or ratio and rounds the result half-up to the cent.
    pub fn mul_round(&self, factor: Decimal) -> Money {
        Money::from_decimal(self.0 * factor)
    }

    /// French display: `1 234,56 €` (narrow no-break space between thousands).
    pub fn to_french(&self) -> String {
        let cents = self.cents().unsigned_abs();
        let euros = (cents / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push('\u{202f}');
            }
            grouped.push(ch);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}{grouped},{:02}\u{a0}€", cents % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let value =
            Decimal::from_str_exact(trimmed).map_err(|_| MoneyError::NotAnAmount(s.to_owned()))?;
        if value.normalize().scale() > 2 {
            return Err(MoneyError::TooPrecise(s.to_owned()));
        }
        Ok(Money::from_decimal(value))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money::from_decimal(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money::from_decimal(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::from_decimal(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
mod openapi {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

    impl utoipa::PartialSchema for super::Money {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .pattern(Some(r"^-?[0-9]+\.[0-9]{2}$"))
                .description(Some("Euros, exactly two decimals, as a string"))
                .examples(["1234.56"])
                .into()
        }
    }

    impl utoipa::ToSchema for super::Money {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_up_to_the_cent() {
        assert_eq!(Money::from_decimal(dec!(1.005)).to_string(), "1.01");
        assert_eq!(Money::from_decimal(dec!(1.004)).to_string(), "1.00");
        assert_eq!(Money::from_decimal(dec!(-1.005)).to_string(), "-1.01");
        assert_eq!(Money::from_decimal(dec!(2)).to_string(), "2.00");
    }

    #[test]
    fn arithmetic_is_exact() {
        let tenth: Money = "0.10".parse().unwrap();
        let total: Money = std::iter::repeat_n(tenth, 10).sum();
        assert_eq!(total, Money::from_cents(100));
        let a: Money = "1234.56".parse().unwrap();
        let b: Money = "0.44".parse().unwrap();
        assert_eq!((a + b).to_string(), "1235.00");
        assert_eq!((b - a).to_string(), "-1234.12");
        assert_eq!(a.cents(), 123_456);
    }

    #[test]
    fn parsing_refuses_garbage_and_sub_cents() {
        assert!(matches!(
            "12.345".parse::<Money>(),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            "abc".parse::<Money>(),
            Err(MoneyError::NotAnAmount(_))
        ));
        assert!(matches!(
            "1e3".parse::<Money>(),
            Err(MoneyError::NotAnAmount(_))
        ));
        assert_eq!("12.300".parse::<Money>().unwrap().to_string(), "12.30");
    }

    #[test]
    fn multiplies_and_rounds_per_line() {
        let principal: Money = "1000.00".parse().unwrap();
        assert_eq!(
            principal
                .mul_round(dec!(0.0507) * dec!(31) / dec!(365))
                .to_string(),
            "4.31"
        );
    }

    #[test]
    fn wire_form_is_a_string() {
        let m: Money = "1234.5".parse().unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1234.50\"");
        let back: Money = serde_json::from_str("\"1234.50\"").unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<Money>("1234.5").is_err());
    }

    #[test]
    fn french_format() {
        assert_eq!(
            "1234.56".parse::<Money>().unwrap().to_french(),
            "1\u{202f}234,56\u{a0}€"
        );
        assert_eq!("-5".parse::<Money>().unwrap().to_french(), "-5,00\u{a0}€");
        assert_eq!(
            "1234567.8".parse::<Money>().unwrap().to_french(),
            "1\u{202f}234\u{202f}567,80\u{a0}€"
        );
    }
}
