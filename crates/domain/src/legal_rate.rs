//! The French legal interest rate (taux de l'intérêt légal, Code monétaire et
//! financier L313-2): two rates per half-year, one for creditors who are
//! individuals not acting for professional purposes, one for all other cases.
//!
//! Each row names the arrêté that fixed it. Where the Journal officiel number or
//! publication date could not be checked, the row's `source` says so rather than
//! guess it.
//!
//! Sources the rows were checked against:
//! - Direction générale du Trésor, « Taux de l'intérêt légal » (rates 2015 S1 to
//!   2020 S1 and the arrêté du 23 décembre 2019):
//!   <https://www.tresor.economie.gouv.fr/Ressources/taux-de-linteret-legal/Rss/23022018>
//! - Légifrance, arrêté du 23 décembre 2019 (ECOT1936356A):
//!   <https://www.legifrance.gouv.fr/eli/arrete/2019/12/23/ECOT1936356A/jo/texte>
//! - Reproductions of the JORF text of the arrêtés of 26 June 2017 and 27 June
//!   2023 (<https://www.idcite.com/JORF-Taux-de-l-interet-legal-applicables-au-cours-du-second-semestre-2017_a27708.html>,
//!   <https://www.idcite.com/JORF-Taux-de-l-interet-legal-applicables-au-cours-du-second-semestre-2023-Calcul-de-l-usure-Adoption-de-mesures_a72795.html>),
//!   of 15 December 2025 (<https://juriblio.fr/arretes/arrete-du-15-decembre-2025/187383136>)
//!   and of 26 December 2022 (<https://legal.tricoteuses.fr/articles/JORFARTI000046829012>).
//! - From 2020 S2 onwards, apart from the rows above, the arrêtés' dates and
//!   rates as reported by legal publishers (Lefebvre Dalloz, LexisNexis,
//!   Bpifrance Création, law firms' notes); these rows agree with each other and
//!   with the half-year before and after, but their JORF references were not
//!   read on Légifrance itself.

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
        year: 2015,
        half: 1,
        individual: pct(406),
        other: pct(93),
        source: "Arrêté du 23 décembre 2014 relatif à la fixation du taux de l'intérêt légal, JORF du 27 décembre 2014 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2015,
        half: 2,
        individual: pct(429),
        other: pct(99),
        source: "Arrêté du 24 juin 2015 relatif à la fixation du taux de l'intérêt légal, JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2016,
        half: 1,
        individual: pct(454),
        other: pct(101),
        source: "Arrêté du 23 décembre 2015 relatif à la fixation du taux de l'intérêt légal, JORF du 27 décembre 2015, p. 24148 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2016,
        half: 2,
        individual: pct(435),
        other: pct(93),
        source: "Arrêté du 24 juin 2016 relatif à la fixation du taux de l'intérêt légal, JORF du 26 juin 2016 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2017,
        half: 1,
        individual: pct(416),
        other: pct(90),
        source: "Arrêté du 29 décembre 2016 relatif à la fixation du taux de l'intérêt légal, JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2017,
        half: 2,
        individual: pct(394),
        other: pct(90),
        source: "Arrêté du 26 juin 2017 relatif à la fixation du taux de l'intérêt légal, JORF n° 0152 du 30 juin 2017, texte n° 23",
    },
    HalfYearRates {
        year: 2018,
        half: 1,
        individual: pct(373),
        other: pct(89),
        source: "Arrêté du 28 décembre 2017 relatif à la fixation du taux de l'intérêt légal, JORF n° 0304 du 30 décembre 2017, texte n° 79",
    },
    HalfYearRates {
        year: 2018,
        half: 2,
        individual: pct(360),
        other: pct(88),
        source: "Arrêté du 27 juin 2018 relatif à la fixation du taux de l'intérêt légal, JORF du 28 juin 2018 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2019,
        half: 1,
        individual: pct(340),
        other: pct(86),
        source: "Arrêté du 21 décembre 2018 relatif à la fixation du taux de l'intérêt légal, JORF n° 0302 du 30 décembre 2018",
    },
    HalfYearRates {
        year: 2019,
        half: 2,
        individual: pct(326),
        other: pct(87),
        source: "Arrêté du 26 juin 2019 relatif à la fixation du taux de l'intérêt légal (NOR ECOT1918289A), JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2020,
        half: 1,
        individual: pct(315),
        other: pct(87),
        source: "Arrêté du 23 décembre 2019 relatif à la fixation du taux de l'intérêt légal (NOR ECOT1936356A), JORF du 26 décembre 2019 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2020,
        half: 2,
        individual: pct(311),
        other: pct(84),
        source: "Arrêté du 15 juin 2020 relatif à la fixation du taux de l'intérêt légal, JORF n° 0149 du 18 juin 2020, texte n° 20",
    },
    HalfYearRates {
        year: 2021,
        half: 1,
        individual: pct(314),
        other: pct(79),
        source: "Arrêté du 21 décembre 2020 relatif à la fixation du taux de l'intérêt légal, JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2021,
        half: 2,
        individual: pct(312),
        other: pct(76),
        source: "Arrêté du 16 juin 2021 relatif à la fixation du taux de l'intérêt légal, JORF du 25 juin 2021 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2022,
        half: 1,
        individual: pct(313),
        other: pct(76),
        source: "Arrêté du 26 décembre 2021 relatif à la fixation du taux de l'intérêt légal (NOR ECOT2138139A), JORF du 28 décembre 2021 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2022,
        half: 2,
        individual: pct(315),
        other: pct(77),
        source: "Arrêté du 27 juin 2022 relatif à la fixation du taux de l'intérêt légal (NOR ECOT2218806A), JORF du 2 juillet 2022 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2023,
        half: 1,
        individual: pct(447),
        other: pct(206),
        source: "Arrêté du 26 décembre 2022 relatif à la fixation du taux de l'intérêt légal, JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2023,
        half: 2,
        individual: pct(682),
        other: pct(422),
        source: "Arrêté du 27 juin 2023 relatif à la fixation du taux de l'intérêt légal (NOR ECOT2317028A), JORF n° 0150 du 30 juin 2023",
    },
    HalfYearRates {
        year: 2024,
        half: 1,
        individual: pct(801),
        other: pct(507),
        source: "Arrêté du 21 décembre 2023 relatif à la fixation du taux de l'intérêt légal, JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2024,
        half: 2,
        individual: pct(816),
        other: pct(492),
        source: "Arrêté du 26 juin 2024 relatif à la fixation du taux de l'intérêt légal, JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2025,
        half: 1,
        individual: pct(721),
        other: pct(371),
        source: "Arrêté du 17 décembre 2024 relatif à la fixation du taux de l'intérêt légal, JORF (numéro et date de publication non vérifiés)",
    },
    HalfYearRates {
        year: 2025,
        half: 2,
        individual: pct(665),
        other: pct(276),
        source: "Arrêté du 19 juin 2025 relatif à la fixation du taux de l'intérêt légal (NOR ECOT2516925A), JORF du 24 juin 2025 (numéro du JORF non vérifié)",
    },
    HalfYearRates {
        year: 2026,
        half: 1,
        individual: pct(667),
        other: pct(262),
        source: "Arrêté du 15 décembre 2025 relatif à la fixation du taux de l'intérêt légal, JORF n° 0302 du 26 décembre 2025",
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

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn table_is_contiguous_from_2015_h1_to_2026_h1() {
        let first = TABLE.first().unwrap();
        assert_eq!((first.year, first.half), (2015, 1));
        assert!(TABLE.len() >= 23, "at least 2015 S1 to 2026 S1");
        assert_eq!(TABLE[22].label(), "2026 S1");
        for pair in TABLE.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert_eq!(
                a.last_day().succ_opt().unwrap(),
                b.first_day(),
                "{} is not followed by the next half-year but by {}",
                a.label(),
                b.label()
            );
        }
        for row in TABLE {
            assert!(row.half == 1 || row.half == 2, "{}", row.label());
            assert!(row.individual > row.other, "{}", row.label());
            assert!(row.source.starts_with("Arrêté du "), "{}", row.label());
            assert!(row.source.contains("JORF"), "{}", row.label());
        }
    }

    #[test]
    fn rates_on_picks_the_half_year_at_its_edges() {
        assert_eq!(rates_on(d(2024, 1, 1)).unwrap().label(), "2024 S1");
        assert_eq!(rates_on(d(2024, 6, 30)).unwrap().label(), "2024 S1");
        assert_eq!(rates_on(d(2024, 7, 1)).unwrap().label(), "2024 S2");
        assert_eq!(rates_on(d(2024, 12, 31)).unwrap().label(), "2024 S2");
        assert_eq!(rates_on(d(2015, 1, 1)).unwrap().label(), "2015 S1");
        assert_eq!(rates_on(d(2026, 6, 30)).unwrap().label(), "2026 S1");
        for row in TABLE {
            assert_eq!(rates_on(row.first_day()), Some(row));
            assert_eq!(rates_on(row.last_day()), Some(row));
        }
    }

    #[test]
    fn nothing_before_2015() {
        assert_eq!(rates_on(d(2014, 12, 31)), None);
        assert_eq!(rates_on(d(2000, 3, 1)), None);
    }

    #[test]
    fn known_rows() {
        let known = [
            (d(2024, 2, 1), dec!(8.01), dec!(5.07)),
            (d(2024, 8, 1), dec!(8.16), dec!(4.92)),
            (d(2025, 2, 1), dec!(7.21), dec!(3.71)),
            (d(2025, 8, 1), dec!(6.65), dec!(2.76)),
            (d(2026, 2, 1), dec!(6.67), dec!(2.62)),
            (d(2015, 2, 1), dec!(4.06), dec!(0.93)),
            (d(2020, 8, 1), dec!(3.11), dec!(0.84)),
            (d(2023, 8, 1), dec!(6.82), dec!(4.22)),
        ];
        for (date, individual, other) in known {
            let row = rates_on(date).unwrap();
            assert_eq!(
                row.rate(LegalRateCategory::Individual),
                individual,
                "{date}"
            );
            assert_eq!(row.rate(LegalRateCategory::Other), other, "{date}");
        }
    }

    #[test]
    fn latest_is_the_last_row() {
        assert_eq!(latest(), TABLE.last().unwrap());
        assert!(latest().first_day() >= d(2026, 1, 1));
    }

    #[test]
    fn pct_keeps_two_decimals() {
        assert_eq!(pct(93), dec!(0.93));
        assert_eq!(pct(801).to_string(), "8.01");
    }
}
