//! Legal dates: month arithmetic and the French way of writing a date.

use chrono::{Datelike, Months, NaiveDate};

/// Adds whole months; a day that does not exist in the target month falls on
/// that month's last day (31 January + 1 month = 28 or 29 February), which is
/// how délais computed in months are counted.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .expect("legal deadlines stay far inside chrono's range")
}

/// `21/11/2026`.
pub fn french_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(add_months(d(2025, 1, 31), 1), d(2025, 2, 28));
        assert_eq!(add_months(d(2025, 11, 15), 2), d(2026, 1, 15));
    }

    #[test]
    fn formats_the_french_way() {
        assert_eq!(french_date(d(2026, 11, 21)), "21/11/2026");
        assert_eq!(french_date(d(2026, 1, 5)), "05/01/2026");
    }
}
