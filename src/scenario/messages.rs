//! Messages in the words of the people who write scenarios: numbers as they write them, and
//! the TOML reader's errors said plainly.
//!
//! serde reports a wrong type as "invalid type: string \"abc\", expected f64"; a strategist
//! reads "price must be a number, got text \"abc\"". The key is read from the source just
//! before the error's position. An unknown field that is really a top-level field written
//! below a `[[channels]]` or `[[policies]]` header (or a channel's field written below a
//! `[[channels.shifts]]` header) gets a hint, since TOML puts every key below a header into
//! that table.

use super::raw::{RawChannel, RawScenario, choices, field_names};
use crate::error::floor_char_boundary;
use std::ops::Range;
use toml::Value;

/// A number as people write it, for every message: rounded to 15 significant digits, which
/// drops the noise of arithmetic (a sum of shares reads 0.95, not 0.9500000000000001) and keeps
/// every digit a person writes; very large and very small numbers in exponent form (1e300,
/// 1e-7).
pub(crate) fn shown(value: f64) -> String {
    let rounded = match format!("{value:.14e}").parse::<f64>() {
        Ok(rounded) if rounded.is_finite() => rounded,
        _ => return value.to_string(),
    };
    let size = rounded.abs();
    if size != 0.0 && !(1e-5..1e16).contains(&size) {
        format!("{rounded:e}")
    } else {
        rounded.to_string()
    }
}

/// What a TOML value is, for "got ..." in a message.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::String(text) => format!("text {text:?}"),
        Value::Integer(n) => n.to_string(),
        Value::Float(x) => shown(*x),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(_) => "a date".into(),
        Value::Array(_) => "a list".into(),
        Value::Table(_) => "a table".into(),
    }
}

/// The message of a TOML reading error at `span` of `source`, in the user's words where it is
/// one of the errors serde words for programmers; otherwise as the reader gave it.
pub(crate) fn toml_error(source: &str, span: Option<Range<usize>>, message: &str) -> String {
    let message = message.trim_end();
    span.and_then(|span| reworded(source, span, message))
        .unwrap_or_else(|| message.to_owned())
}

fn reworded(source: &str, span: Range<usize>, message: &str) -> Option<String> {
    let at = floor_char_boundary(source, span.start.min(source.len()));
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, _) = rest.split_once('`')?;
        let hint = misplaced_key(source, at, field)?;
        return Some(format!("unknown field `{field}` {hint}"));
    }
    let place = Place::of(source, at);
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (given, expected) = rest.rsplit_once(", expected ")?;
        if let Some(number) = given.strip_prefix("integer `") {
            let (digits, width) = number.split_once('`')?;
            if width.contains("128") {
                let range = format!(
                    "a whole number from {} to {} (the whole numbers TOML can hold)",
                    i64::MIN,
                    i64::MAX
                );
                return Some(place.must_be(&range, digits));
            }
        }
        let given = given_words(given, source, at);
        return Some(place.must_be(&expected_words(expected), &given));
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        // A list where a table was expected: serde reads a struct from a list of its fields.
        let (_, expected) = rest.split_once(", expected ")?;
        return expected
            .starts_with("struct ")
            .then(|| place.must_be("a table", "a list"));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (word, expected) = rest.split_once("`, expected ")?;
        return Some(place.must_be(&quoted(expected), &format!("{word:?}")));
    }
    if message == "wanted string or table" {
        // A word-valued field given something other than text.
        let list = choices(place.key.as_deref()?)?;
        let end = floor_char_boundary(source, span.end.clamp(at, source.len()));
        let given = source[at..end].trim();
        return Some(place.must_be(&quoted(&list), given));
    }
    None
}

/// serde's name of the type a field has, as a strategist would say it.
fn expected_words(expected: &str) -> String {
    let words = match expected {
        "f64" | "f32" => "a number",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => "a whole number",
        "a string" | "a borrowed string" => "text in quotes",
        "a sequence" => "a list",
        "a boolean" => "true or false",
        other if other.starts_with("struct ") || other == "a map" => "a table",
        other => other,
    };
    words.to_owned()
}

/// serde's description of the value given (`string "abc"`, ``floating point `10.5` ``), as a
/// strategist would say it.
fn given_words(given: &str, source: &str, at: usize) -> String {
    if let Some(text) = given.strip_prefix("string ") {
        return format!("text {text}");
    }
    let quoted_value = given
        .split_once('`')
        .and_then(|(_, rest)| rest.split_once('`'));
    if let Some((value, _)) = quoted_value {
        return match value.parse::<f64>() {
            Ok(number) if given.starts_with("floating point") => shown(number),
            _ => value.to_owned(),
        };
    }
    match given {
        "sequence" => "a list".into(),
        // TOML hands a date to serde as a table of one private field.
        "map" if looks_like_date(&source[at..]) => "a date".into(),
        "map" => "a table".into(),
        other => other.into(),
    }
}

fn looks_like_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |n: usize| bytes.len() > n && bytes[..n].iter().all(u8::is_ascii_digit);
    (digits(4) && bytes[4] == b'-') || (digits(2) && bytes[2] == b':')
}

/// serde's list of words (`` one of `a`, `b` `` or `` `a` or `b` ``) as TOML text is written.
fn quoted(list: &str) -> String {
    list.replace('`', "\"")
}

/// The key whose value an error points at, read from the source before it.
struct Place {
    /// The key, when the value follows `key =` directly or is an element of `key = [...]`.
    key: Option<String>,
    /// Whether the value is an element of a list.
    element: bool,
}

impl Place {
    fn of(source: &str, at: usize) -> Place {
        let before = source[..at].trim_end();
        if let Some(rest) = before.strip_suffix('=') {
            return Place {
                key: key_ending(rest.trim_end()),
                element: false,
            };
        }
        if before.ends_with(',') || before.ends_with('[') {
            let list_key = list_start(before)
                .and_then(|open| before[..open].trim_end().strip_suffix('='))
                .and_then(|rest| key_ending(rest.trim_end()));
            return Place {
                element: list_key.is_some(),
                key: list_key,
            };
        }
        Place {
            key: None,
            element: false,
        }
    }

    fn must_be(&self, expected: &str, given: &str) -> String {
        match (&self.key, self.element) {
            (Some(key), false) => format!("{key} must be {expected}, got {given}"),
            (Some(key), true) => format!("each value in {key} must be {expected}, got {given}"),
            (None, _) => format!("this value must be {expected}, got {given}"),
        }
    }
}

/// The byte index of the `[` that opens the list `text` ends inside of.
fn list_start(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' if depth == 0 => return Some(i),
            '[' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The key `text` ends with: bare (`price`, `lag.mean_days`) or quoted (`"price"`).
fn key_ending(text: &str) -> Option<String> {
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_suffix(quote) {
            let start = inner.rfind(quote)?;
            return Some(inner[start + 1..].to_owned());
        }
    }
    let bare = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !bare(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let key = &text[start..];
    (!key.is_empty()).then(|| key.to_owned())
}

/// A table header line: `[[channels]]`, `[policies.shares]`.
struct Header {
    /// One-based line number.
    line: usize,
    /// The header as written, trimmed.
    text: String,
    /// The table's dotted name without spaces (`channels.shifts`).
    name: String,
}

/// The table headers of `text`, in order.
fn headers(text: &str) -> Vec<Header> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let written = line.split('#').next().unwrap_or_default().trim();
        let inner = written
            .strip_prefix("[[")
            .and_then(|rest| rest.strip_suffix("]]"))
            .or_else(|| written.strip_prefix('[')?.strip_suffix(']'));
        let Some(inner) = inner else { continue };
        let name: Vec<&str> = inner.split('.').map(str::trim).collect();
        let is_key = |part: &&str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '"' | '\''))
        };
        if name.iter().all(is_key) {
            found.push(Header {
                line: index + 1,
                text: written.to_owned(),
                name: name.join("."),
            });
        }
    }
    found
}

/// Why `field`, unknown where it is written at byte `at`, is there: a top-level field written
/// below a `[[channels]]` or `[[policies]]` header, or a channel's field below a
/// `[[channels.shifts]]` header. `None` when it is simply unknown.
fn misplaced_key(source: &str, at: usize, field: &str) -> Option<String> {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    if !source[line_start..at].trim().is_empty() {
        // Inside an inline table: no header decides where the key goes.
        return None;
    }
    let headers = headers(&source[..line_start]);
    let table = headers.last()?;
    let array_table = table.text.starts_with("[[");
    if array_table
        && matches!(
            table.name.as_str(),
            "channels" | "policies" | "channels.shifts"
        )
        && field_names::<RawScenario>().contains(&field)
    {
        let first = headers.first()?;
        return Some(format!(
            "in a {} table: TOML puts every key written below a table header into that table, \
             so the scenario's `{field}` belongs above the first table ({} on line {}); move \
             this line up there",
            table.text, first.text, first.line
        ));
    }
    if array_table
        && table.name == "channels.shifts"
        && field_names::<RawChannel>().contains(&field)
    {
        // The channel's first shift: the earliest shift header since its [[channels]].
        let first_shift = headers
            .iter()
            .rev()
            .take_while(|h| h.name != "channels")
            .last()?;
        return Some(format!(
            "in a {} table: TOML puts every key written below a [[channels.shifts]] header into \
             that shift, so the channel's `{field}` belongs above its first shift ({} on line \
             {}); move this line up there",
            table.text, first_shift.text, first_shift.line
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(shown(0.1 + 0.2), "0.3");
        assert_eq!(shown(0.95 + 1e-16), "0.95");
        assert_eq!(shown(-2.0), "-2");
        assert_eq!(shown(1e300), "1e300");
        assert_eq!(shown(1.5e-7), "1.5e-7");
        assert_eq!(shown(0.0001), "0.0001");
        assert_eq!(shown(f64::NAN), "NaN");
        assert_eq!(shown(f64::INFINITY), "inf");
        assert_eq!(shown(1234567.891), "1234567.891");
        assert_eq!(shown(7.000000000000001), "7");
        assert_eq!(shown(1.00000000001), "1.00000000001");
    }

    #[test]
    fn keys_are_read_before_the_value() {
        let key = |source: &str| {
            let place = Place::of(source, source.len());
            (place.key, place.element)
        };
        assert_eq!(key("price = "), (Some("price".into()), false));
        assert_eq!(key("a = 1\n\"odd key\" ="), (Some("odd key".into()), false));
        assert_eq!(
            key("lag = { mean_days ="),
            (Some("mean_days".into()), false)
        );
        assert_eq!(key("weekday = [1, [2], "), (Some("weekday".into()), true));
        assert_eq!(key("weekday = [\n  "), (Some("weekday".into()), true));
        assert_eq!(key("é = {"), (None, false));
        assert_eq!(key(""), (None, false));
    }
}
