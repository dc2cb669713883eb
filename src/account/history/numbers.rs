//! Number cells as platform exports write them.
//!
//! - **Not reported.** An empty cell, `-`, `--`, an en or em dash, or `n/a` (any case).
//! - **Currency.** A currency before or after the digits is dropped: signs (`$`, `€`), a
//!   three-letter code (`NOK`), a sign with letters (`US$`, `R$`) or a local
//!   abbreviation (`kr`, `zł`, `Rs.`). Other letters (`12x`, `12 clicks`) are no number.
//! - **Sign.** A leading `-` or `−` (before or after the currency) or parentheses make a
//!   number negative, `+` is allowed; a currency with a dash (`$ -`) is zero.
//! - **Separators.** Between digits, spaces (also non-breaking ones) and apostrophes separate
//!   thousands. When both `,` and `.` occur, the last one is the decimal separator. Otherwise
//!   the file's convention ([`Decimal`], from the [`decimal_evidence`] of its cells) settles
//!   it; a file that shows none reads a comma followed by groups of three digits as
//!   thousands and any other comma as a decimal comma, and a dot as a decimal point unless
//!   several dots group thousands. Thousands groups have three digits, after a first group of
//!   one to three that does not start with 0.
//! - **Scientific notation** (`1.2E+05`) is read, as spreadsheets write large numbers.

/// The decimal separator a file writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decimal {
    Point,
    Comma,
}

/// Why a cell is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberProblem {
    /// Characters or an arrangement no number has.
    Malformed,
    /// Thousands separators that do not separate groups of three digits.
    Grouping,
    /// Beyond the range of a float.
    TooLarge,
}

/// A number cell once its currency and sign are set apart.
enum Lexed<'a> {
    /// Empty, `-`, `--` or `n/a`.
    NotReported,
    /// A currency with a dash: a spreadsheet's accounting zero (`$ -`).
    Zero,
    /// The digits and separators of a number, and its sign.
    Number { negative: bool, body: &'a str },
}

fn is_currency_symbol(c: char) -> bool {
    matches!(
        c,
        '$' | '€'
            | '£'
            | '¥'
            | '₹'
            | '₩'
            | '₽'
            | '₺'
            | '₪'
            | '₫'
            | '₴'
            | '₦'
            | '₱'
            | '฿'
            | '¢'
            | '₣'
            | '₡'
            | '₲'
            | '₵'
            | '₸'
            | '₼'
            | '₾'
            | '¤'
            | '﷼'
    )
}

/// Whether `c` belongs to a currency or unit around a number (`US$`, `kr.`, `NOK`).
fn is_unit(c: char) -> bool {
    c.is_whitespace() || c.is_alphabetic() || is_currency_symbol(c)
}

/// Currencies written with letters other than a three-letter code (lowercase).
const LOCAL_CURRENCIES: [&str; 16] = [
    "kr", "kn", "zł", "zl", "kč", "kc", "ft", "lv", "rs", "rp", "rm", "tl", "fr", "sfr", "lei",
    "din",
];

/// Splits a leading currency from `text` (a dot after a letter included: `Rs. 12`).
fn split_unit_prefix(text: &str) -> (&str, &str) {
    let mut after_letter = false;
    for (i, c) in text.char_indices() {
        if !(is_unit(c) || (c == '.' && after_letter)) {
            return text.split_at(i);
        }
        after_letter = c.is_alphabetic();
    }
    (text, "")
}

/// Splits a trailing currency from `text` (a dot after a letter included: `12 kr.`).
fn split_unit_suffix(text: &str) -> (&str, &str) {
    let mut end = text.len();
    for (i, c) in text.char_indices().rev() {
        let dot_after_letter = c == '.'
            && text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
        if !(is_unit(c) || dot_after_letter) {
            break;
        }
        end = i;
    }
    text.split_at(end)
}

/// Whether the letters and signs around a number name a currency: signs alone, a
/// three-letter code in capitals (`NOK`, `EUR`), a sign with up to three letters (`US$`, `R$`) or a local
/// abbreviation (`kr`, `zł`, `Rs.`). `12x` and `12 clicks` are not numbers.
fn is_currency(unit: &str) -> bool {
    let original: String = unit.chars().filter(|c| c.is_alphabetic()).collect();
    let letters = original.to_lowercase();
    let count = letters.chars().count();
    let signed = unit.chars().any(is_currency_symbol);
    // A three-letter code is written in capitals (ISO 4217: NOK, EUR), so that `12 pcs` or
    // `12 box` is not read as 12.
    let code = count == 3 && original.chars().all(char::is_uppercase);
    count == 0 || code || (signed && count < 3) || LOCAL_CURRENCIES.contains(&letters.as_str())
}

/// Sets a number's currency and sign apart from its digits.
fn lex_number(text: &str) -> Result<Lexed<'_>, NumberProblem> {
    let text = text.trim();
    if text.is_empty() || matches!(text, "-" | "--" | "–" | "—") || text.eq_ignore_ascii_case("n/a")
    {
        return Ok(Lexed::NotReported);
    }
    let (mut negative, inner) = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => (false, text),
    };
    let after_currency = |text| match split_unit_prefix(text) {
        (unit, rest) if is_currency(unit) => Ok(rest),
        _ => Err(NumberProblem::Malformed),
    };
    let mut body = after_currency(inner)?;
    if let Some(sign) = body.chars().next().filter(|c| matches!(c, '-' | '−' | '+')) {
        if negative {
            return Err(NumberProblem::Malformed);
        }
        negative = sign != '+';
        body = after_currency(&body[sign.len_utf8()..])?;
        if body.is_empty() && negative && text.chars().any(is_currency_symbol) {
            return Ok(Lexed::Zero);
        }
    }
    let (body, suffix) = split_unit_suffix(body);
    if !is_currency(suffix) || !body.bytes().any(|b| b.is_ascii_digit()) {
        return Err(NumberProblem::Malformed);
    }
    Ok(Lexed::Number { negative, body })
}

/// A piece of a number: a run of digits, or a separator (`,`, `.`, or `' '` for a space or
/// an apostrophe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    Digits(&'a str),
    Separator(char),
}

/// Splits a number into digit runs and single separators (alternating, digits last).
fn pieces(body: &str) -> Result<Vec<Piece<'_>>, NumberProblem> {
    let mut pieces = Vec::new();
    let mut digits_from = None;
    for (i, c) in body.char_indices() {
        if c.is_ascii_digit() {
            digits_from.get_or_insert(i);
            continue;
        }
        if let Some(from) = digits_from.take() {
            pieces.push(Piece::Digits(&body[from..i]));
        }
        let separator = match c {
            ',' | '.' => c,
            '\'' | '’' => ' ',
            c if c.is_whitespace() => ' ',
            _ => return Err(NumberProblem::Malformed),
        };
        if matches!(pieces.last(), Some(Piece::Separator(_))) {
            return Err(NumberProblem::Malformed);
        }
        pieces.push(Piece::Separator(separator));
    }
    if let Some(from) = digits_from {
        pieces.push(Piece::Digits(&body[from..]));
    }
    match (pieces.first(), pieces.last()) {
        (Some(Piece::Separator(' ')), _) | (_, Some(Piece::Separator(_)) | None) => {
            Err(NumberProblem::Malformed)
        }
        _ => Ok(pieces),
    }
}

/// Whether `separator` is a thousands separator of the whole number: a first group of one to
/// three digits not starting with 0, then groups of exactly three, and no other separator.
fn grouped_by(pieces: &[Piece<'_>], separator: char) -> bool {
    pieces.len() >= 3
        && pieces.iter().enumerate().all(|(i, piece)| match piece {
            Piece::Digits(d) if i == 0 => (1..=3).contains(&d.len()) && !d.starts_with('0'),
            Piece::Digits(d) => d.len() == 3,
            Piece::Separator(s) => *s == separator,
        })
}

fn count(pieces: &[Piece<'_>], separator: char) -> usize {
    pieces
        .iter()
        .filter(|p| **p == Piece::Separator(separator))
        .count()
}

/// The decimal separator of a number read on its own (no convention of the file): the last
/// of `,` and `.` when both occur; a lone `,` unless it groups thousands; a lone `.` unless
/// several of them group thousands.
fn own_decimal(pieces: &[Piece<'_>]) -> Option<char> {
    match (count(pieces, ','), count(pieces, '.')) {
        (0, 0) => None,
        (_, 0) => (!grouped_by(pieces, ',')).then_some(','),
        (0, points) => (points < 2 || !grouped_by(pieces, '.')).then_some('.'),
        _ => pieces.iter().rev().find_map(|p| match p {
            Piece::Separator(c @ (',' | '.')) => Some(*c),
            _ => None,
        }),
    }
}

/// The value of a number given its decimal separator (`None`: every separator groups
/// thousands).
fn value_of(pieces: &[Piece<'_>], decimal: Option<char>) -> Result<f64, NumberProblem> {
    let split = decimal.and_then(|d| pieces.iter().position(|p| *p == Piece::Separator(d)));
    let (integer, fraction) = match split {
        Some(at) => match &pieces[at + 1..] {
            [Piece::Digits(fraction)] => (&pieces[..at], *fraction),
            _ => return Err(NumberProblem::Malformed),
        },
        None => (pieces, ""),
    };
    let separators: Vec<char> = integer
        .iter()
        .filter_map(|p| match p {
            Piece::Separator(s) => Some(*s),
            Piece::Digits(_) => None,
        })
        .collect();
    if let Some(&first) = separators.first()
        && (separators.iter().any(|s| *s != first) || !grouped_by(integer, first))
    {
        return Err(NumberProblem::Grouping);
    }
    let mut digits: String = integer
        .iter()
        .filter_map(|p| match p {
            Piece::Digits(d) => Some(*d),
            Piece::Separator(_) => None,
        })
        .collect();
    if digits.is_empty() {
        digits.push('0');
    }
    if !fraction.is_empty() {
        digits.push('.');
        digits.push_str(fraction);
    }
    let value: f64 = digits.parse().map_err(|_| NumberProblem::Malformed)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(NumberProblem::TooLarge)
    }
}

/// A number in scientific notation, as spreadsheets write large ones (`1.2E+05`).
fn scientific(body: &str) -> Result<f64, NumberProblem> {
    let (mantissa, power) = body
        .split_once(['e', 'E'])
        .ok_or(NumberProblem::Malformed)?;
    let power = power.strip_prefix(['+', '-']).unwrap_or(power);
    let well_formed = mantissa.bytes().any(|b| b.is_ascii_digit())
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && mantissa.matches('.').count() <= 1
        && !power.is_empty()
        && power.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(NumberProblem::Malformed);
    }
    let value: f64 = body.parse().map_err(|_| NumberProblem::Malformed)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(NumberProblem::TooLarge)
    }
}

/// Reads a number cell: `Ok(None)` when it is not reported. `decimal` is the file's decimal
/// separator when its numbers show one, which settles `1,500` and `1.500`.
pub(super) fn parse_number(
    text: &str,
    decimal: Option<Decimal>,
) -> Result<Option<f64>, NumberProblem> {
    let (negative, body) = match lex_number(text)? {
        Lexed::NotReported => return Ok(None),
        Lexed::Zero => return Ok(Some(0.0)),
        Lexed::Number { negative, body } => (negative, body),
    };
    let magnitude = if body.contains(['e', 'E']) {
        scientific(body)?
    } else {
        let pieces = pieces(body)?;
        let separator = match decimal {
            Some(Decimal::Point) => Some('.'),
            Some(Decimal::Comma) => Some(','),
            None => own_decimal(&pieces),
        };
        value_of(&pieces, separator)?
    };
    Ok(Some(if negative { -magnitude } else { magnitude }))
}

/// Whether a cell reads two ways when the file shows no decimal convention: one `.` followed
/// by three digits (`1.500`, `12.345`), a decimal point to an English reader and a thousands
/// dot to a Nordic or German one. (A lone `,` so placed is read as thousands, as both
/// conventions' exports write counts and money with it, and is not asked about.)
pub(super) fn dot_or_thousands(text: &str) -> bool {
    let Ok(Lexed::Number { body, .. }) = lex_number(text) else {
        return false;
    };
    pieces(body).is_ok_and(|pieces| {
        count(&pieces, '.') == 1 && count(&pieces, ',') == 0 && grouped_by(&pieces, '.')
    })
}

/// The decimal separator a cell shows, if it shows one unambiguously and is a number.
pub(super) fn decimal_evidence(text: &str) -> Option<Decimal> {
    let Ok(Lexed::Number { body, .. }) = lex_number(text) else {
        return None;
    };
    let pieces = pieces(body).ok()?;
    let (commas, points) = (count(&pieces, ','), count(&pieces, '.'));
    let ambiguous =
        commas + points == 1 && grouped_by(&pieces, if commas == 1 { ',' } else { '.' });
    let decimal = own_decimal(&pieces);
    if ambiguous || value_of(&pieces, decimal).is_err() {
        return None;
    }
    match (decimal, commas, points) {
        (Some(','), ..) => Some(Decimal::Comma),
        (Some(_), ..) => Some(Decimal::Point),
        (None, 2.., 0) => Some(Decimal::Point),
        (None, 0, 2..) => Some(Decimal::Comma),
        (None, ..) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_in_the_forms_exports_write() {
        let cases: &[(&str, Option<f64>)] = &[
            ("12", Some(12.0)),
            ("0", Some(0.0)),
            ("12.5", Some(12.5)),
            (".5", Some(0.5)),
            ("1,234.56", Some(1234.56)),
            ("$1,234.56", Some(1234.56)),
            ("US$ 12", Some(12.0)),
            ("NOK 1234", Some(1234.0)),
            ("NOK1234", Some(1234.0)),
            ("12EUR", Some(12.0)),
            ("R$ 12,50", Some(12.5)),
            ("12 zł", Some(12.0)),
            ("1 234,56 kr", Some(1234.56)),
            ("12 kr.", Some(12.0)),
            ("Rs. 1,234", Some(1234.0)),
            ("€1.234,56", Some(1234.56)),
            ("1.234,56 €", Some(1234.56)),
            ("1\u{a0}234,56", Some(1234.56)),
            ("1\u{202f}234", Some(1234.0)),
            ("1'234.5", Some(1234.5)),
            ("CHF 1’234.50", Some(1234.5)),
            ("1,234", Some(1234.0)),
            ("12,345,678", Some(12_345_678.0)),
            ("1.234.567", Some(1_234_567.0)),
            ("12,5", Some(12.5)),
            ("0,500", Some(0.5)),
            ("1,5", Some(1.5)),
            ("12.345", Some(12.345)),
            ("1.2E+05", Some(120_000.0)),
            ("-12", Some(-12.0)),
            ("−12", Some(-12.0)),
            ("-$12.50", Some(-12.5)),
            ("$-12.50", Some(-12.5)),
            ("(1,200)", Some(-1200.0)),
            ("+3", Some(3.0)),
            ("$ -", Some(0.0)),
            ("  42  ", Some(42.0)),
            ("", None),
            ("-", None),
            ("--", None),
            ("n/a", None),
            ("N/A", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(parse_number(text, None), Ok(expected), "{text:?}");
        }
        let refused: &[(&str, NumberProblem)] = &[
            ("12x", NumberProblem::Malformed),
            ("abc", NumberProblem::Malformed),
            ("NaN", NumberProblem::Malformed),
            ("inf", NumberProblem::Malformed),
            ("-inf", NumberProblem::Malformed),
            ("1,,2", NumberProblem::Malformed),
            ("1.2.3", NumberProblem::Malformed),
            ("12%", NumberProblem::Malformed),
            ("--5", NumberProblem::Malformed),
            ("(-5)", NumberProblem::Malformed),
            ("1,2.5", NumberProblem::Grouping),
            ("12 34", NumberProblem::Grouping),
            ("1 234.567,8", NumberProblem::Grouping),
            ("12 clicks", NumberProblem::Malformed),
            ("12 pcs", NumberProblem::Malformed),
            ("12 Box", NumberProblem::Malformed),
            ("x12", NumberProblem::Malformed),
            ("1e999", NumberProblem::TooLarge),
        ];
        for &(text, problem) in refused {
            assert_eq!(parse_number(text, None), Err(problem), "{text:?}");
        }
        let huge = "9".repeat(400);
        assert_eq!(parse_number(&huge, None), Err(NumberProblem::TooLarge));
    }
}
