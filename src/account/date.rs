//! Calendar dates as day numbers: `YYYY-MM-DD` in and out, and the weekday of a day.
//!
//! A date is stored as the number of days since 1970-01-01 in the proleptic Gregorian calendar
//! (Howard Hinnant's `days_from_civil` and `civil_from_days`), so that consecutive days are
//! consecutive numbers and a history's days index a dense table.

use std::fmt;

/// Weekday names, Monday first, as scenario and account files write them.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A calendar day: days since 1970-01-01 (negative before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

impl Date {
    /// The date of a year, month (1–12) and day of the month, when it exists.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let m = i64::from(month);
        let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Some(Date(era * 146_097 + day_of_era - 719_468))
    }

    /// Parses `YYYY-MM-DD` (a four-digit year; surrounding spaces allowed).
    ///
    /// ```
    /// use budget_bandit::account::date::Date;
    ///
    /// let day = Date::parse("2026-11-25").unwrap();
    /// assert_eq!(day.to_string(), "2026-11-25");
    /// assert_eq!(day.weekday(), 2); // a Wednesday
    /// assert!(Date::parse("2026-02-30").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let year = digits(0..4)?;
        let month = digits(5..7)?;
        let day = digits(8..10)?;
        Date::from_ymd(i64::from(year), month, day)
    }

    /// Year, month (1–12) and day of the month.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> usize {
        (self.0 + 3).rem_euclid(7) as usize
    }

    /// The day `days` later.
    pub fn plus(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    /// Today's date in UTC, from the system clock (1970-01-01 where the clock reads earlier).
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        Date((seconds / 86_400) as i64)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.ymd();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_count_consecutively() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        assert_eq!(
            Date::parse("2000-03-01").unwrap().0 - Date::parse("2000-02-28").unwrap().0,
            2
        );
        assert_eq!(
            Date::parse("1900-03-01").unwrap().0 - Date::parse("1900-02-28").unwrap().0,
            1
        );
        let mut previous = Date::parse("1899-12-25").unwrap();
        for n in 1..200_000 {
            let day = previous.plus(1);
            assert_eq!(Date::parse(&day.to_string()), Some(day), "day {n}");
            assert_eq!(day.weekday(), (previous.weekday() + 1) % 7);
            previous = day;
        }
    }

    #[test]
    fn malformed_dates_are_refused() {
        for text in [
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2025-02-29",
            "26-11-25",
            "2026/11/25",
            "2026-1-05",
            "25.11.2026",
            "",
            "2026-11-2x",
        ] {
            assert_eq!(Date::parse(text), None, "{text}");
        }
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.ymd()),
            Some((2024, 2, 29))
        );
        assert_eq!(Date::parse("2026-11-23").unwrap().weekday(), 0);
    }
}
