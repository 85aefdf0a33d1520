//! The French legal interest rate (taux de l'intérêt légal, Code monétaire et
//! financier L313-2): two rates per half-year, one for creditors who are
//! individuals not acting for professional purposes, one for all other cases.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Which of the two official rates applies: it follows the creditor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LegalRateCategory {
    /// Creditor is an individual not acting for professional purposes.
    Individual,
    /// All other cases.
    Other,
}

/// One half-year's pair of rates, in percent per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfYearRates {
    pub year: i32,
    /// 1 for January–June, 2 for July–December.
    pub half: u8,
    pub individual: Decimal,
    pub other: Decimal,
    /// The arrêté that fixed the rates, as published in the Journal officiel.
    pub source: &'static str,
}

impl HalfYearRates {
    pub fn rate(&self, category: LegalRateCategory) -> Decimal {
        match category {
            LegalRateCategory::Individual => self.individual,
            LegalRateCategory::Other => self.other,
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, if self.half == 1 { 1 } else { 7 }, 1)
            .expect("valid half-year start")
    }

    /// The last day of the half-year.
    pub fn last_day(&self) -> NaiveDate {
        if self.half == 1 {
            NaiveDate::from_ymd_opt(self.year, 6, 30)
        } else {
            NaiveDate::from_ymd_opt(self.year, 12, 31)
        }
        .expect("valid half-year end")
    }

    /// `2025 S1`.
    pub fn label(&self) -> String {
        format!("{} S{}", self.year, self.half)
    }
}

const fn pct(hundredths: i64) -> Decimal {
    Decimal::from_parts(hundredths as u32, 0, 0, false, 2)
}

/// Every half-year from 2015 H1, oldest first.
pub const TABLE: &[HalfYearRates] = &[
    HalfYearRates {
        year: 2024,
        half: 1,
        individual: pct(801),
        other: pct(507),
        source: "to be cited",
    },
    HalfYearRates {
        year: 2024,
        half: 2,
        individual: pct(816),
        other: pct(492),
        source: "to be cited",
    },
    HalfYearRates {
        year: 2025,
        half: 1,
        individual: pct(721),
        other: pct(371),
        source: "to be cited",
    },
    HalfYearRates {
        year: 2025,
        half: 2,
        individual: pct(665),
        other: pct(276),
        source: "to be cited",
    },
    HalfYearRates {
        year: 2026,
        half: 1,
        individual: pct(667),
        other: pct(262),
        source: "to be cited",
    },
];

/// The rates in force on `date`, or `None` outside the table.
pub fn rates_on(date: NaiveDate) -> Option<&'static HalfYearRates> {
    let half = if date.month() <= 6 { 1 } else { 2 };
    TABLE
        .iter()
        .find(|r| r.year == date.year() && r.half == half)
}

/// The newest half-year in the table.
pub fn latest() -> &'static HalfYearRates {
    TABLE.last().expect("the table is not empty")
}
