//! The history file as records: its text (UTF-8, or UTF-16 after a byte-order mark), the
//! header line and the delimiter it is read with, and each record's fields (quote-aware,
//! trimmed) with their byte ranges in the file, so that errors can point at them.

use std::borrow::Cow;
use std::ops::Range;

use crate::error::ScenarioError;

/// How many non-blank lines from the top of the file are searched for the header.
const HEADER_SEARCH_LINES: usize = 50;

/// The delimiters a history may use, in the order that wins a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Turns a file's bytes into text: UTF-16 when a byte-order mark says so, UTF-8 otherwise.
pub(super) fn decode<'a>(origin: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>, ScenarioError> {
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| -> String {
        char::decode_utf16(rest.chunks_exact(2).map(|pair| from([pair[0], pair[1]])))
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    let utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16_bom && bytes.len() % 2 == 1 {
        return Err(ScenarioError::whole_file(
            origin,
            format!(
                "starts as UTF-16 text (its byte-order mark says so) but has an odd number of \
                 bytes ({}), so its last character is cut off; export the file again, as UTF-8 \
                 or UTF-16",
                bytes.len()
            ),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(Cow::Owned(utf16(rest, u16::from_le_bytes)));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(Cow::Owned(utf16(rest, u16::from_be_bytes)));
    }
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        ScenarioError::whole_file(
            origin,
            format!(
                "is not UTF-8 text: line {line} has the byte 0x{:02X}; save the history as \
                 UTF-8 CSV (in a spreadsheet, \"CSV UTF-8\")",
                bytes[at]
            ),
        )
    })
}

/// The file being read, for errors at a byte range of it.
pub(super) struct Source<'a> {
    pub(super) origin: &'a str,
    pub(super) text: &'a str,
}

impl Source<'_> {
    /// The one-based line of byte `offset`.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// An error at byte range `span` of the file, in the one-based field `column`.
    pub(super) fn error(
        &self,
        span: Range<usize>,
        column: usize,
        message: String,
    ) -> ScenarioError {
        let text = self.text;
        let start = crate::error::floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = span.end.clamp(start, line_end);
        ScenarioError::at(
            self.origin,
            self.line_of(start),
            column,
            Some((
                &text[line_start..line_end],
                start - line_start..end - line_start,
            )),
            message,
        )
    }
}

/// One field of a record: its value (unquoted, trimmed) and where it is in the file.
#[derive(Debug, Clone)]
pub(super) struct Field<'a> {
    pub(super) value: Cow<'a, str>,
    pub(super) span: Range<usize>,
}

/// A record's fields.
pub(super) type Row<'a> = Vec<Field<'a>>;

/// A quote that opens a field and is never closed: its byte offset and field column.
pub(super) struct Unclosed {
    at: usize,
    column: usize,
}

/// Reads the record starting at byte `start`: its fields and where the next record starts.
///
/// Fields are separated by `delimiter` and records by a line break; a field that starts with
/// a quote (after spaces) runs to the matching quote, across delimiters and line breaks, with
/// `""` standing for a quote. Anything between the closing quote and the next delimiter is
/// kept. Delimiters and quotes are ASCII, so every offset here is a character boundary.
pub(super) fn read_record(
    text: &str,
    start: usize,
    delimiter: u8,
) -> Result<(Row<'_>, usize), Unclosed> {
    let bytes = text.as_bytes();
    let field_end = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| b == delimiter || b == b'\n')
            .map_or(bytes.len(), |i| from + i)
    };
    let mut fields = Vec::new();
    let mut pos = start;
    loop {
        pos += text[pos..]
            .char_indices()
            .find(|&(_, c)| !c.is_whitespace() || c == '\n' || c == char::from(delimiter))
            .map_or(text.len() - pos, |(i, _)| i);
        if bytes.get(pos) == Some(&b'"') {
            let open = pos;
            let mut value = String::new();
            pos += 1;
            loop {
                let Some(quote) = text[pos..].find('"') else {
                    return Err(Unclosed {
                        at: open,
                        column: fields.len() + 1,
                    });
                };
                value.push_str(&text[pos..pos + quote]);
                pos += quote + 1;
                if bytes.get(pos) == Some(&b'"') {
                    value.push('"');
                    pos += 1;
                } else {
                    break;
                }
            }
            let end = field_end(pos);
            let rest = text[pos..end].trim_end();
            value.push_str(rest);
            fields.push(Field {
                value: Cow::Owned(value.trim().to_owned()),
                span: open..pos + rest.len(),
            });
            pos = end;
        } else {
            let end = field_end(pos);
            let value = text[pos..end].trim_end();
            fields.push(Field {
                value: Cow::Borrowed(value),
                span: pos..pos + value.len(),
            });
            pos = end;
        }
        match bytes.get(pos) {
            Some(&b) if b == delimiter => pos += 1,
            Some(_) => return Ok((fields, pos + 1)),
            None => return Ok((fields, pos)),
        }
    }
}

/// The header record and the delimiter it was read with.
#[derive(Debug, Clone)]
pub(super) struct Header<'a> {
    pub(super) delimiter: u8,
    pub(super) fields: Row<'a>,
    /// Where the data rows start.
    pub(super) next: usize,
}

impl Header<'_> {
    /// The header's first field, where errors about the header point.
    pub(super) fn span(&self) -> Range<usize> {
        self.fields.first().map_or(0..0, |f| f.span.clone())
    }
}

/// Keeps the candidate with more fields (the earlier one on a tie).
fn keep_widest<'a>(best: &mut Option<Header<'a>>, candidate: Header<'a>) {
    if best
        .as_ref()
        .is_none_or(|b| candidate.fields.len() > b.fields.len())
    {
        *best = Some(candidate);
    }
}

/// Finds the header: the first line (of the first [`HEADER_SEARCH_LINES`] that are not
/// blank) with a field equal to the date header (exactly, or failing that without regard to
/// case), read with the delimiter that gives it the most fields; failing that, the first line
/// that is not blank.
pub(super) fn find_header<'a>(
    source: &Source<'a>,
    date: &str,
) -> Result<Header<'a>, ScenarioError> {
    let text = source.text;
    let folded_date = super::columns::fold(date);
    let mut first: Option<Header> = None;
    let mut unclosed: Option<Unclosed> = None;
    let mut pos = 0;
    let mut lines = 0;
    while pos < text.len() && lines < HEADER_SEARCH_LINES {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if !text[pos..line_end].trim().is_empty() {
            lines += 1;
            let (mut exact, mut case, mut other) = (None, None, None);
            for delimiter in DELIMITERS {
                match read_record(text, pos, delimiter) {
                    Ok((fields, next)) => {
                        let has = |f: &Field| f.value == date.trim();
                        let has_folded = |f: &Field| super::columns::fold(&f.value) == folded_date;
                        let bucket = if fields.iter().any(has) {
                            &mut exact
                        } else if fields.iter().any(has_folded) {
                            &mut case
                        } else {
                            &mut other
                        };
                        let candidate = Header {
                            delimiter,
                            fields,
                            next,
                        };
                        keep_widest(bucket, candidate);
                    }
                    Err(open) => {
                        unclosed.get_or_insert(open);
                    }
                }
            }
            if let Some(header) = exact.or(case) {
                return Ok(header);
            }
            if first.is_none() {
                first = other;
            }
        }
        pos = line_end + 1;
    }
    if let Some(header) = first {
        return Ok(header);
    }
    if let Some(open) = unclosed {
        return Err(source.error(
            open.at..open.at + 1,
            open.column,
            "a quote opens this field and is never closed: end a quoted field with `\"` (and \
             write a quote inside one as `\"\"`)"
                .into(),
        ));
    }
    Err(ScenarioError::whole_file(
        source.origin,
        "is empty: a history is a CSV with a header line (date, channel, spend, conversions, \
         revenue, …) and one row per day and campaign"
            .into(),
    ))
}

/// The data rows after the header, without blank lines and lines of empty fields.
pub(super) fn read_rows<'a>(
    source: &Source<'a>,
    start: usize,
    delimiter: u8,
) -> Result<Vec<Row<'a>>, ScenarioError> {
    let mut rows = Vec::new();
    let mut pos = start;
    while pos < source.text.len() {
        let (fields, next) = read_record(source.text, pos, delimiter).map_err(|open| {
            source.error(
                open.at..open.at + 1,
                open.column,
                "a quote opens this field and is never closed: end a quoted field with `\"` \
                 (and write a quote inside one as `\"\"`)"
                    .into(),
            )
        })?;
        if fields.iter().any(|f| !f.value.is_empty()) {
            rows.push(fields);
        }
        pos = next;
    }
    Ok(rows)
}
