//! Date cells as platform exports and spreadsheets write them.
//!
//! - **Year first** is unambiguous: `2025-01-06`, `2025/01/06`, `2025.01.06`, also with a
//!   time after it (`2025-01-06 00:00:00`, `2025-01-06T00:00:00-08:00`), as some exports
//!   write the start of the reporting day.
//! - **Dotted dates** are always day first: `06.01.2025`, `6.1.2025` (as Norwegian, German and
//!   other European spreadsheets save them).
//! - **Month names** are unambiguous: `6 Jan 2025`, `06-Jan-2025`, `January 6, 2025`,
//!   `Mon, Jan 6, 2025`, `6. januar 2025`. Names and three-letter abbreviations are read in
//!   English, the Nordic languages and German (`mai`, `okt`, `des`, `märz`, …), any case.
//! - **Slashed or dashed dates** with the year last (`01/06/2025`, `01-06-2025`) are day first
//!   in some countries and month first in others, so the file decides ([`DateOrder`]): a date
//!   whose first number is above 12 shows day first, one whose second number is above 12
//!   month first. A file that shows neither (or both) cannot be read that way, and the
//!   message says so.
//!
//! Years have four digits.

use super::super::date::Date;

/// The order of day and month in a file's slashed dates (`01/06/2025`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateOrder {
    /// `DD/MM/YYYY`.
    DayFirst,
    /// `MM/DD/YYYY`.
    MonthFirst,
}

/// Why a cell is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateProblem {
    /// No form of date the reader knows.
    Unknown,
    /// The form is known but no such day exists (`2025-02-30`).
    NoSuchDay,
    /// A slashed date whose order of day and month the file does not settle.
    Ambiguous,
}

/// The forms of a date the reader accepts, as messages give them.
pub(super) const ACCEPTED_DATES: &str = "dates are read as 2025-01-06, 06.01.2025 (day \
     first), 6 Jan 2025 or January 6, 2025, and as 01/06/2025 when the file's other dates show \
     whether the day or the month comes first";

/// Month names and abbreviations in English, the Nordic languages and German, lowercase.
const MONTHS: [&[&str]; 12] = [
    &["january", "januar", "januari", "jan"],
    &["february", "februar", "februari", "feb"],
    &["march", "mars", "märz", "marts", "mar", "mär", "maerz"],
    &["april", "apr"],
    &["may", "mai", "maj"],
    &["june", "juni", "jun"],
    &["july", "juli", "jul"],
    &["august", "augusti", "aug"],
    &["september", "sept", "sep"],
    &["october", "oktober", "oct", "okt"],
    &["november", "nov"],
    &["december", "desember", "dezember", "dec", "des", "dez"],
];

/// Weekday names that may open a date (`Mon, Jan 6, 2025`), lowercase prefixes.
const WEEKDAY_PREFIXES: [&str; 21] = [
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "man", "tir", "ons", "tor", "fre", "lør",
    "søn", "tis", "lör", "sön", "die", "mit", "don", "sam",
];

/// The month (1–12) a word names, if it is a month's name or one of its abbreviations (a
/// prefix of at least three letters of its name).
fn month_of(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    let word = word.trim_end_matches('.');
    if word.chars().count() < 3 {
        return None;
    }
    MONTHS.iter().zip(1..).find_map(|(names, month)| {
        names
            .iter()
            .any(|name| name.starts_with(word))
            .then_some(month)
    })
}

/// A date's pieces: numbers and words, split at spaces, commas, dots, dashes and slashes.
fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '-' | '/'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn number(token: &str) -> Option<u32> {
    (token.len() <= 4 && token.bytes().all(|b| b.is_ascii_digit()))
        .then(|| token.parse().ok())
        .flatten()
}

fn year(token: &str) -> Option<i64> {
    (token.len() == 4)
        .then(|| number(token))
        .flatten()
        .map(i64::from)
}

fn day_of(year: i64, month: u32, day: u32) -> Result<Date, DateProblem> {
    Date::from_ymd(year, month, day).ok_or(DateProblem::NoSuchDay)
}

/// The date part of a cell that may carry a time after it (`2025-01-06 00:00:00`,
/// `2025-01-06T00:00:00Z`).
fn without_time(text: &str) -> &str {
    let bytes = text.as_bytes();
    if bytes.len() > 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && matches!(bytes[10], b'T' | b' ')
    {
        &text[..10]
    } else {
        text
    }
}

/// The two leading numbers of a slashed or dashed date with the year last (`01/06/2025`),
/// when the cell is one.
pub(super) fn slashed(text: &str) -> Option<(u32, u32)> {
    let text = text.trim();
    if !text.contains(['/', '-']) || text.contains('.') {
        return None;
    }
    match tokens(text)[..] {
        [a, b, y] if year(y).is_some() && a.len() <= 2 && b.len() <= 2 => {
            Some((number(a)?, number(b)?))
        }
        _ => None,
    }
}

/// What a slashed date shows of the file's order of day and month.
pub(super) fn order_evidence(text: &str) -> Option<DateOrder> {
    let (first, second) = slashed(text)?;
    match (first > 12, second > 12) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// Reads a date cell; `order` is the file's order of day and month in slashed dates, where
/// its dates show one.
pub(super) fn parse_date(text: &str, order: Option<DateOrder>) -> Result<Date, DateProblem> {
    let text = without_time(text.trim());
    if let Some(date) = Date::parse(text) {
        return Ok(date);
    }
    if let Some((first, second)) = slashed(text) {
        let y = tokens(text).last().and_then(|t| year(t)).unwrap_or(0);
        return match order {
            Some(DateOrder::DayFirst) => day_of(y, second, first),
            Some(DateOrder::MonthFirst) => day_of(y, first, second),
            None if first == second => day_of(y, first, second),
            None => Err(DateProblem::Ambiguous),
        };
    }
    let mut words = tokens(text);
    if let Some(first) = words.first()
        && words.len() == 4
        && WEEKDAY_PREFIXES
            .iter()
            .any(|p| first.to_lowercase().starts_with(p))
        && month_of(first).is_none()
    {
        words.remove(0);
    }
    let [a, b, c] = words[..] else {
        return Err(DateProblem::Unknown);
    };
    // Year first: 2025-01-06 with other separators, or 2025 Jan 6.
    if let Some(y) = year(a) {
        let month = number(b).or_else(|| month_of(b));
        return match (month, number(c)) {
            (Some(m), Some(d)) => day_of(y, m, d),
            _ => Err(DateProblem::Unknown),
        };
    }
    let y = year(c).ok_or(DateProblem::Unknown)?;
    match (number(a), month_of(a), number(b), month_of(b)) {
        // 6 Jan 2025, 6. januar 2025
        (Some(d), _, _, Some(m)) => day_of(y, m, d),
        // Jan 6, 2025
        (_, Some(m), Some(d), _) => day_of(y, m, d),
        // 06.01.2025: a dotted date is day first.
        (Some(d), _, Some(m), _) if text.contains('.') => day_of(y, m, d),
        _ => Err(DateProblem::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        parse_date(text, None).map_or_else(|e| format!("{e:?}"), |d| d.to_string())
    }

    #[test]
    fn dates_are_read_in_the_forms_exports_write() {
        for text in [
            "2025-01-06",
            " 2025-01-06 ",
            "2025-01-06 00:00:00",
            "2025-01-06T00:00:00.000-08:00",
            "2025/01/06",
            "2025.01.06",
            "06.01.2025",
            "6.1.2025",
            "06.01.2025.",
            "6 Jan 2025",
            "06-Jan-2025",
            "6 January 2025",
            "January 6, 2025",
            "Jan 6, 2025",
            "Mon, Jan 6, 2025",
            "Monday, January 6, 2025",
            "6. jan. 2025",
            "6. januar 2025",
            "6 janv 2025",
        ] {
            let expected = if text == "6 janv 2025" {
                "Unknown"
            } else {
                "2025-01-06"
            };
            assert_eq!(read(text), expected, "{text}");
        }
        assert_eq!(read("17. mai 2025"), "2025-05-17");
        assert_eq!(read("24 des 2025"), "2025-12-24");
        assert_eq!(read("3. März 2025"), "2025-03-03");
        assert_eq!(read("1 okt 2025"), "2025-10-01");
        assert_eq!(read("2025-02-30"), "NoSuchDay");
        assert_eq!(read("31.02.2025"), "NoSuchDay");
        assert_eq!(read("Feb 30, 2025"), "NoSuchDay");
        for bad in [
            "",
            "yesterday",
            "2025",
            "06.01.25",
            "1/2",
            "Total: Account",
            "--",
        ] {
            assert_eq!(read(bad), "Unknown", "{bad}");
        }
    }

    #[test]
    fn slashed_dates_take_the_files_order() {
        assert_eq!(read("01/06/2025"), "Ambiguous");
        assert_eq!(read("06/06/2025"), "2025-06-06");
        assert_eq!(order_evidence("13/01/2025"), Some(DateOrder::DayFirst));
        assert_eq!(order_evidence("01/13/2025"), Some(DateOrder::MonthFirst));
        assert_eq!(order_evidence("01/06/2025"), None);
        assert_eq!(order_evidence("2025-01-13"), None);
        assert_eq!(order_evidence("13.01.2025"), None);
        let day_first = |t| parse_date(t, Some(DateOrder::DayFirst)).map(|d| d.to_string());
        let month_first = |t| parse_date(t, Some(DateOrder::MonthFirst)).map(|d| d.to_string());
        assert_eq!(day_first("01/06/2025").unwrap(), "2025-06-01");
        assert_eq!(month_first("01/06/2025").unwrap(), "2025-01-06");
        assert_eq!(month_first("1-6-2025").unwrap(), "2025-01-06");
        assert_eq!(month_first("13/01/2025"), Err(DateProblem::NoSuchDay));
        // A dotted date is day first whatever the slashes say.
        assert_eq!(
            parse_date("06.01.2025", Some(DateOrder::MonthFirst)).unwrap(),
            Date::parse("2025-01-06").unwrap()
        );
    }
}
