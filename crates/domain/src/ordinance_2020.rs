//! Ordonnance n° 2020-306 du 25 mars 2020, article 4: penalty clauses falling due
//! during the health-emergency protected period take effect only after it.

use chrono::NaiveDate;

/// Start of the protected period.
pub const PROTECTED_START: NaiveDate = match NaiveDate::from_ymd_opt(2020, 3, 12) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The end of the protected period customers were told about (24 June 2020).
pub const PROTECTED_END_AS_TOLD: NaiveDate = match NaiveDate::from_ymd_opt(2020, 6, 24) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// When a penalty clause due on `due` takes effect.
///
/// A clause whose due date fell between 12 March 2020 and `protected_end` is
/// postponed to `protected_end` plus the time that remained, at 12 March or at
/// the later birth of the obligation (`born`), until the due date. Other due
/// dates are unchanged.
pub fn penalty_effect_date(due: NaiveDate, born: NaiveDate, protected_end: NaiveDate) -> NaiveDate {
    if due < PROTECTED_START || due > protected_end {
        return due;
    }
    let from = born.max(PROTECTED_START);
    let remaining = (due - from).max(chrono::TimeDelta::zero());
    protected_end + remaining
}

/// True when `due` falls in the protected period ending on `protected_end`.
pub fn is_postponed(due: NaiveDate, protected_end: NaiveDate) -> bool {
    (PROTECTED_START..=protected_end).contains(&due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_20_march_takes_effect_8_days_after_the_end() {
        let effect = penalty_effect_date(d(2020, 3, 20), d(2019, 6, 1), PROTECTED_END_AS_TOLD);
        assert_eq!(effect, d(2020, 7, 2));
        assert_eq!((effect - PROTECTED_END_AS_TOLD).num_days(), 8);
    }

    #[test]
    fn invoice_of_20_march_due_19_april_takes_effect_30_days_after_the_end() {
        let effect = penalty_effect_date(d(2020, 4, 19), d(2020, 3, 20), PROTECTED_END_AS_TOLD);
        assert_eq!((effect - PROTECTED_END_AS_TOLD).num_days(), 30);
        assert_eq!(effect, d(2020, 7, 24));
    }

    #[test]
    fn due_dates_outside_the_period_are_unchanged() {
        assert_eq!(
            penalty_effect_date(d(2020, 3, 11), d(2020, 1, 1), PROTECTED_END_AS_TOLD),
            d(2020, 3, 11)
        );
        assert_eq!(
            penalty_effect_date(d(2020, 6, 25), d(2020, 1, 1), PROTECTED_END_AS_TOLD),
            d(2020, 6, 25)
        );
        assert!(!is_postponed(d(2020, 6, 25), PROTECTED_END_AS_TOLD));
        assert!(is_postponed(d(2020, 6, 24), PROTECTED_END_AS_TOLD));
    }

    #[test]
    fn the_end_date_is_a_parameter() {
        let later_end = d(2020, 8, 10);
        assert_eq!(
            penalty_effect_date(d(2020, 7, 1), d(2020, 1, 1), later_end),
            d(2020, 11, 29)
        );
    }
}
