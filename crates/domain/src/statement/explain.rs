//! The French words of a line's computation.

use rust_decimal::Decimal;

use super::engine::Bucket;
use crate::money::Money;

/// `4,92 %`, with at least two decimals.
pub fn rate_fr(rate: Decimal) -> String {
    let mut shown = rate.normalize();
    if shown.scale() < 2 {
        shown.rescale(2);
    }
    format!("{}\u{a0}%", shown.to_string().replace('.', ","))
}

/// `5 000,00 € × 4,92 % × 184 j / 365 = 124,01 €`.
pub fn interest(basis: Money, rate: Decimal, days: i64, amount: Money) -> String {
    format!(
        "{} × {} × {days} j / 365 = {}",
        basis.to_french(),
        rate_fr(rate),
        amount.to_french()
    )
}

/// `10,00 % × 5 000,00 € = 500,00 €`.
pub fn percent_of(basis: Money, rate: Decimal, amount: Money) -> String {
    format!(
        "{} × {} = {}",
        rate_fr(rate),
        basis.to_french(),
        amount.to_french()
    )
}

/// How one payment was split.
#[derive(Debug, Default)]
pub struct Imputed {
    parts: Vec<(Bucket, Money)>,
}

impl Imputed {
    pub fn add(&mut self, bucket: Bucket, amount: Money) {
        if !amount.is_zero() {
            self.parts.push((bucket, amount));
        }
    }

    pub fn describe(&self) -> String {
        if self.parts.is_empty() {
            return "Aucune somme due à la date du règlement".into();
        }
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|(bucket, amount)| {
                let on = match bucket {
                    Bucket::Interest => "intérêts",
                    Bucket::Penalties => "pénalités et indemnités",
                    Bucket::Fees => "frais",
                    Bucket::Principal => "principal",
                };
                format!("{} sur {on}", amount.to_french())
            })
            .collect();
        format!("Imputé : {}", parts.join(", "))
    }
}
