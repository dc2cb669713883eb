//! Reading an account's daily history: a long CSV, one row per day and campaign.
//!
//! # The file
//!
//! ```text
//! date,channel,spend,impressions,clicks,leads,conversions,revenue
//! 2026-11-02,Brand search,120.50,,310,,14,1890.00
//! 2026-11-02,Generic search,"1,204.10",,2210,,31.5,3920.00
//! 2026-11-02,Display,80,41200,95,,2,260
//! ```
//!
//! A header line names the columns, then each row gives one campaign's figures of one day.
//! Platform exports are read as they are:
//!
//! - **Header.** The header is the first line that has the date column, among the first 50
//!   lines that are not blank, so that an export's title lines above it are skipped (failing
//!   that, the first line where the date header matches ignoring case, so that the error
//!   about its columns can point out the case; failing that, the first line that is not
//!   blank). Headers match exactly once the spaces around them are trimmed;
//!   `[columns]` in the account file renames them (`spend = "Cost"`). Columns the reader does
//!   not use are ignored.
//! - **Delimiter.** Comma, semicolon or tab: whichever splits the header into the most fields
//!   among those that find the date column. Fields may be quoted (`"1,204.10"`, `""` for a
//!   quote inside); spaces around fields are trimmed. A UTF-8 byte-order mark is skipped, and
//!   [`read_history`] also reads UTF-16 files that start with a byte-order mark.
//! - **Required columns.** `date`, `channel`, `spend`, `conversions` and `revenue` always;
//!   `clicks` when a channel of the account is cpc or cpm, `impressions` when one is cpm,
//!   `leads` when one is cpl. A count the account does not need may be absent (all `None`).
//! - **Dates** are `YYYY-MM-DD`.
//! - **Numbers** may carry a currency and thousands separators: `1,234.56`, `$1,234.56`,
//!   `€1.234,56`, `1 234,56 kr`, `NOK 1234`, `US$ 12`, `1'234.5`. A currency before or after
//!   the digits is dropped: signs, three-letter codes, a sign with letters (`US$`, `R$`) or a
//!   local abbreviation (`kr`, `zł`, `Rs.`); other letters (`12x`, `12 clicks`) are refused.
//!   A leading `-` (or parentheses) makes a number negative. Between digits, spaces (also non-breaking ones) and
//!   apostrophes separate thousands. When both `,` and `.` occur, the last one is the decimal
//!   separator. A lone kind of separator is resolved by the file's other numbers: a file
//!   that writes `12,5` or `1.234,56` anywhere (and never `12.5` or `1,234.56`) writes
//!   decimals with a comma, so its `1.500` is 1500 and its `1,500` is 1.5, and the other way
//!   round. A file that shows no convention reads a comma followed by groups of three digits
//!   (`1,234`, `12,345,678`) as thousands and any other comma (`12,5`, `0,500`) as a decimal
//!   comma; a single dot is a decimal point. Thousands groups must have three digits.
//!   Counts may be fractional (data-driven attribution).
//! - **Not reported.** An empty cell, `-`, `--` or `n/a` (any case) is a count the platform
//!   did not report (`None`); a currency with a dash (`$ -`, a zero in a spreadsheet's
//!   accounting format) is zero. Spend must be on every row. Conversions and revenue may be
//!   empty only on rows without spend (they are then zero), and so may the counts a
//!   channel's pricing needs (clicks for cpc; impressions and clicks for cpm; leads for cpl).
//! - **Consistency.** Nothing is negative; conversions do not exceed clicks (cpc, cpm) or
//!   leads (cpl), and clicks do not exceed impressions (cpm), row by row.
//! - **Channels.** A row's channel cell is looked up in `[channel_of]` (campaign → channel);
//!   a campaign not found there is itself the channel's name. Every name must be a channel
//!   of the account: all the names that are not are reported together. A day and campaign
//!   appears once; the campaigns of one channel and day are summed figure by figure (a count
//!   not reported by one campaign takes the others' sum).
//! - **Days.** The history covers every day from its first to its last date; days without
//!   rows are days without spend ([`DayFigures::default`]). It spans at most
//!   [`MAX_HISTORY_DAYS`] days, so that a mistyped year cannot ask for a giant table. Every
//!   channel of the account must have some spend in it, or nothing could be learned about it.
//!
//! Blank lines and lines whose fields are all empty are skipped. Every problem is a
//! [`ScenarioError`] at the file's line and the field's one-based column, with the line shown
//! and the field underlined; it says what was found and what is allowed.

use std::borrow::Cow;
use std::collections::{HashMap, hash_map};
use std::ops::Range;
use std::path::Path;

use super::date::Date;
use crate::channel::Pricing;
use crate::error::ScenarioError;

/// The CSV header of each figure the history reads (`[columns]` in the account file renames
/// them, so that a platform export is read as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnNames {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The campaign or channel of the row (mapped to a channel by `channel_of`).
    pub channel: String,
    /// Money spent that day.
    pub spend: String,
    /// Impressions served (needed for cpm channels).
    pub impressions: String,
    /// Clicks (needed for cpc and cpm channels).
    pub clicks: String,
    /// Leads (needed for cpl channels).
    pub leads: String,
    /// Conversions (always needed).
    pub conversions: String,
    /// Revenue of the conversions (always needed).
    pub revenue: String,
}

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            date: "date".into(),
            channel: "channel".into(),
            spend: "spend".into(),
            impressions: "impressions".into(),
            clicks: "clicks".into(),
            leads: "leads".into(),
            conversions: "conversions".into(),
            revenue: "revenue".into(),
        }
    }
}

/// One channel's figures of one day, summed over its campaigns; counts the history does not
/// report are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayFigures {
    /// Money spent.
    pub spend: f64,
    /// Impressions served, if reported.
    pub impressions: Option<f64>,
    /// Clicks, if reported.
    pub clicks: Option<f64>,
    /// Leads, if reported.
    pub leads: Option<f64>,
    /// Conversions.
    pub conversions: f64,
    /// Revenue of the conversions.
    pub revenue: f64,
}

/// An account's history as a dense table: every day from the first to the last date of the
/// file, every channel of the account (in account order); days without a row are zero.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The first day of the history.
    pub first_date: Date,
    /// Days from the first to the last date, inclusive.
    pub days: usize,
    /// Channels per day (the account's channels).
    pub channels: usize,
    /// `days × channels` figures, day-major.
    pub figures: Vec<DayFigures>,
}

impl History {
    /// The figures of zero-based day `day` (one per channel).
    pub fn day(&self, day: usize) -> &[DayFigures] {
        &self.figures[day * self.channels..(day + 1) * self.channels]
    }

    /// The last day of the history.
    pub fn last_date(&self) -> Date {
        self.first_date.plus(self.days as i64 - 1)
    }
}

/// The most days a history may span, first to last date inclusive (about 270 years): a
/// mistyped year is refused instead of allocating a giant table.
pub const MAX_HISTORY_DAYS: usize = 100_000;

/// How many non-blank lines from the top of the file are searched for the header.
const HEADER_SEARCH_LINES: usize = 50;

/// The delimiters a history may use, in the order that wins a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// How many names a message lists before it says how many more there are.
const LISTED_NAMES: usize = 20;

/// The forms of a number the reader accepts, as messages give them.
const ACCEPTED_NUMBERS: &str = "a number is digits with an optional decimal point or comma, \
     thousands separators and a currency, such as 1234.5, 1,234.50, 1.234,50, $1,234 or \
     1 234,50 kr";

/// One channel of the account as the reader needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelSpec<'a> {
    /// The channel's name, as rows (directly or through `[channel_of]`) name it.
    pub name: &'a str,
    /// Its pricing, which says which counts its rows need.
    pub pricing: Pricing,
}

/// Reads the history CSV at `path` (UTF-8, or UTF-16 with a byte-order mark) and checks it
/// against the account; errors name the file as `path.display()` shows it.
///
/// `channel_of` maps campaign names to channel names (rows whose campaign is not in it name
/// their channel directly); `channels` are the account's channels, in the order each day of
/// the history lists them. See the [module documentation](self) for the format and its rules.
pub fn read_history(
    path: &Path,
    columns: &ColumnNames,
    channel_of: &[(String, String)],
    channels: &[ChannelSpec<'_>],
) -> Result<History, ScenarioError> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read the history: {e}")))?;
    let text = decode(&origin, &bytes)?;
    parse_history(&origin, &text, columns, channel_of, channels)
}

/// Reads a history from its text; `origin` names it in errors. This is [`read_history`]
/// without the file.
///
/// ```
/// use budget_bandit::account::history::{parse_history, ChannelSpec, ColumnNames};
/// use budget_bandit::channel::Pricing;
///
/// let text = "date,channel,spend,clicks,conversions,revenue\n\
///             2026-11-02,Brand,\"$1,200.50\",900,30,4500\n\
///             2026-11-02,Generic,300,250,5.5,700\n\
///             2026-11-04,Brand,1000,700,20,3000\n";
/// let channel_of = [("Brand".to_string(), "search".to_string()),
///                   ("Generic".to_string(), "search".to_string())];
/// let channels = [ChannelSpec { name: "search", pricing: Pricing::Cpc }];
/// let history = parse_history("h.csv", text, &ColumnNames::default(), &channel_of, &channels)?;
/// assert_eq!(history.days, 3);
/// assert_eq!(history.day(0)[0].spend, 1500.5);
/// assert_eq!(history.day(0)[0].conversions, 35.5);
/// assert_eq!(history.day(1)[0].spend, 0.0); // no rows on 2026-11-03
/// # Ok::<(), budget_bandit::error::ScenarioError>(())
/// ```
pub fn parse_history(
    origin: &str,
    text: &str,
    columns: &ColumnNames,
    channel_of: &[(String, String)],
    channels: &[ChannelSpec<'_>],
) -> Result<History, ScenarioError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = Source { origin, text };
    let header = find_header(&source, &columns.date)?;
    let layout = Layout::resolve(&source, &header, columns, channels)?;
    let rows = read_rows(&source, header.next, header.delimiter)?;
    if rows.is_empty() {
        return Err(source.error(
            header.span(),
            1,
            "has a header but no data rows: a history has one row per day and campaign under \
             its header"
                .into(),
        ));
    }
    let reader = RowReader {
        source: &source,
        layout: &layout,
        columns,
        decimal: file_decimal(&rows, &layout),
    };
    let mut campaign_channel: HashMap<&str, &str> = HashMap::new();
    for (campaign, channel) in channel_of {
        campaign_channel
            .entry(campaign.trim())
            .or_insert(channel.trim());
    }
    let mut channel_index: HashMap<&str, usize> = HashMap::new();
    for (index, channel) in channels.iter().enumerate() {
        channel_index.entry(channel.name).or_insert(index);
    }

    let mut seen: HashMap<(Date, &str), usize> = HashMap::new();
    let mut unknown: Vec<UnknownChannel> = Vec::new();
    let mut unknown_index: HashMap<&str, usize> = HashMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    for row in &rows {
        let (date_field, date_column) = reader.cell(row, Figure::Date)?;
        let date = reader.date(date_field, date_column)?;
        let (channel_field, channel_column) = reader.cell(row, Figure::Channel)?;
        let campaign = channel_field.value.as_ref();
        if campaign.is_empty() {
            return Err(source.error(
                channel_field.span.clone(),
                channel_column,
                format!(
                    "{} is empty: every row names its campaign or channel",
                    reader.label(Figure::Channel)
                ),
            ));
        }
        match seen.entry((date, campaign)) {
            hash_map::Entry::Occupied(first) => {
                return Err(source.error(
                    channel_field.span.clone(),
                    channel_column,
                    format!(
                        "a second row for {date} and `{campaign}` (the first is line {}): each \
                         day and campaign appears once",
                        source.line_of(*first.get())
                    ),
                ));
            }
            hash_map::Entry::Vacant(slot) => {
                slot.insert(channel_field.span.start);
            }
        }
        let mapped = campaign_channel.get(campaign).copied();
        let name = mapped.unwrap_or(campaign);
        let Some(&channel) = channel_index.get(name) else {
            match unknown_index.get(name) {
                Some(&known) => unknown[known].rows += 1,
                None => {
                    unknown_index.insert(name, unknown.len());
                    unknown.push(UnknownChannel {
                        name: name.to_owned(),
                        campaign: mapped.map(|_| campaign.to_owned()),
                        rows: 1,
                        span: channel_field.span.clone(),
                        column: channel_column,
                    });
                }
            }
            continue;
        };
        let figures = reader.figures(row, &channels[channel])?;
        entries.push(Entry {
            date,
            channel,
            figures,
            at: (date_field.span.clone(), date_column),
        });
    }
    if let Some(first) = unknown.first() {
        return Err(source.error(
            first.span.clone(),
            first.column,
            unknown_channels_message(&unknown, channels),
        ));
    }
    assemble(&source, entries, channels)
}

/// Turns a file's bytes into text: UTF-16 when a byte-order mark says so, UTF-8 otherwise.
fn decode<'a>(origin: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>, ScenarioError> {
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| -> String {
        char::decode_utf16(rest.chunks_exact(2).map(|pair| from([pair[0], pair[1]])))
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
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
struct Source<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Source<'_> {
    /// The one-based line of byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// An error at byte range `span` of the file, in the one-based field `column`.
    fn error(&self, span: Range<usize>, column: usize, message: String) -> ScenarioError {
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
struct Field<'a> {
    value: Cow<'a, str>,
    span: Range<usize>,
}

/// A record's fields.
type Row<'a> = Vec<Field<'a>>;

/// A quote that opens a field and is never closed: its byte offset and field column.
struct Unclosed {
    at: usize,
    column: usize,
}

/// Reads the record starting at byte `start`: its fields and where the next record starts.
///
/// Fields are separated by `delimiter` and records by a line break; a field that starts with
/// a quote (after spaces) runs to the matching quote, across delimiters and line breaks, with
/// `""` standing for a quote. Anything between the closing quote and the next delimiter is
/// kept. Delimiters and quotes are ASCII, so every offset here is a character boundary.
fn read_record(text: &str, start: usize, delimiter: u8) -> Result<(Row<'_>, usize), Unclosed> {
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
struct Header<'a> {
    delimiter: u8,
    fields: Row<'a>,
    /// Where the data rows start.
    next: usize,
}

impl Header<'_> {
    /// The header's first field, where errors about the header point.
    fn span(&self) -> Range<usize> {
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
/// blank) with a field equal to the date header, read with the delimiter that gives it the
/// most fields; failing that, the first such line where the date header matches ignoring
/// case; failing that, the first line that is not blank.
fn find_header<'a>(source: &Source<'a>, date: &str) -> Result<Header<'a>, ScenarioError> {
    let text = source.text;
    let folded_date = date.to_lowercase();
    let mut first: Option<Header> = None;
    let mut folded: Option<Header> = None;
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
                        let has = |f: &Field| f.value == date;
                        let has_folded = |f: &Field| f.value.to_lowercase() == folded_date;
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
            if let Some(header) = exact {
                return Ok(header);
            }
            if first.is_none() {
                first = case.clone();
                if let Some(other) = other {
                    keep_widest(&mut first, other);
                }
            }
            if folded.is_none() {
                folded = case;
            }
        }
        pos = line_end + 1;
    }
    if let Some(header) = folded.or(first) {
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
fn read_rows<'a>(
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

/// A column of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Figure {
    Date,
    Channel,
    Spend,
    Impressions,
    Clicks,
    Leads,
    Conversions,
    Revenue,
}

impl Figure {
    const ALL: [Figure; 8] = [
        Figure::Date,
        Figure::Channel,
        Figure::Spend,
        Figure::Impressions,
        Figure::Clicks,
        Figure::Leads,
        Figure::Conversions,
        Figure::Revenue,
    ];

    /// The numeric columns.
    const NUMBERS: [Figure; 6] = [
        Figure::Spend,
        Figure::Impressions,
        Figure::Clicks,
        Figure::Leads,
        Figure::Conversions,
        Figure::Revenue,
    ];

    /// Its key under `[columns]`.
    fn key(self) -> &'static str {
        match self {
            Figure::Date => "date",
            Figure::Channel => "channel",
            Figure::Spend => "spend",
            Figure::Impressions => "impressions",
            Figure::Clicks => "clicks",
            Figure::Leads => "leads",
            Figure::Conversions => "conversions",
            Figure::Revenue => "revenue",
        }
    }

    /// The header the account gives it.
    fn header(self, columns: &ColumnNames) -> &str {
        match self {
            Figure::Date => &columns.date,
            Figure::Channel => &columns.channel,
            Figure::Spend => &columns.spend,
            Figure::Impressions => &columns.impressions,
            Figure::Clicks => &columns.clicks,
            Figure::Leads => &columns.leads,
            Figure::Conversions => &columns.conversions,
            Figure::Revenue => &columns.revenue,
        }
    }

    /// What the column holds, for messages.
    fn what(self) -> &'static str {
        match self {
            Figure::Date => "the day of each row, YYYY-MM-DD",
            Figure::Channel => "the campaign or channel of each row",
            Figure::Spend => "the money spent",
            Figure::Impressions => "the impressions served",
            Figure::Clicks => "the clicks",
            Figure::Leads => "the leads",
            Figure::Conversions => "the conversions",
            Figure::Revenue => "the revenue of the conversions",
        }
    }

    /// Headers platform exports give the column (lowercase), for the hint of a missing one.
    fn guesses(self) -> &'static [&'static str] {
        match self {
            Figure::Date => &["day", "date", "reporting starts", "date_start"],
            Figure::Channel => &["campaign", "campaign name", "channel", "source"],
            Figure::Spend => &["cost", "amount spent", "spend", "spent"],
            Figure::Impressions => &["impr.", "impressions", "impr"],
            Figure::Clicks => &["clicks", "link clicks", "clicks (all)"],
            Figure::Leads => &["leads", "lead"],
            Figure::Conversions => &["conversions", "conv.", "purchases", "results"],
            Figure::Revenue => &[
                "conv. value",
                "conversion value",
                "revenue",
                "purchase value",
                "purchases conversion value",
                "value",
            ],
        }
    }
}

/// Whether rows of a channel of this pricing need the count.
fn pricing_needs(pricing: Pricing, figure: Figure) -> bool {
    matches!(
        (pricing, figure),
        (Pricing::Cpc | Pricing::Cpm, Figure::Clicks)
            | (Pricing::Cpm, Figure::Impressions)
            | (Pricing::Cpl, Figure::Leads)
    )
}

/// Why the account needs a column: always (`Some(None)`), for a channel's pricing, or not.
fn needed_by<'a>(
    figure: Figure,
    channels: &'a [ChannelSpec<'a>],
) -> Option<Option<&'a ChannelSpec<'a>>> {
    match figure {
        Figure::Impressions | Figure::Clicks | Figure::Leads => channels
            .iter()
            .find(|c| pricing_needs(c.pricing, figure))
            .map(Some),
        _ => Some(None),
    }
}

/// The field index of each column the file has.
struct Layout {
    index: [Option<usize>; 8],
}

impl Layout {
    fn get(&self, figure: Figure) -> Option<usize> {
        self.index[figure as usize]
    }

    /// Finds the columns in the header; a column the account needs and the header lacks is
    /// an error, as is a header that names a column twice.
    fn resolve(
        source: &Source<'_>,
        header: &Header<'_>,
        columns: &ColumnNames,
        channels: &[ChannelSpec<'_>],
    ) -> Result<Layout, ScenarioError> {
        let names: Vec<&str> = header.fields.iter().map(|f| f.value.as_ref()).collect();
        let mut index = [None; 8];
        let mut missing = Vec::new();
        for figure in Figure::ALL {
            let wanted = figure.header(columns);
            let mut hits = names
                .iter()
                .enumerate()
                .filter(|(_, name)| **name == wanted);
            match (hits.next(), hits.next()) {
                (Some((first, _)), None) => index[figure as usize] = Some(first),
                (Some((first, _)), Some((second, _))) => {
                    return Err(source.error(
                        header.fields[second].span.clone(),
                        second + 1,
                        format!(
                            "the header has two columns `{wanted}` (columns {} and {}): which \
                             holds {} is unclear; rename one of them in the file",
                            first + 1,
                            second + 1,
                            figure.what()
                        ),
                    ));
                }
                (None, _) => {
                    if needed_by(figure, channels).is_some() {
                        missing.push(figure);
                    }
                }
            }
        }
        if missing.is_empty() {
            return Ok(Layout { index });
        }
        let mut offered: Vec<&str> = index.iter().flatten().map(|&i| names[i]).collect();
        let items: Vec<String> = missing
            .iter()
            .map(|&figure| {
                let wanted = figure.header(columns);
                let key = figure.key();
                let why = match needed_by(figure, channels).flatten() {
                    Some(channel) => format!(
                        "{}, needed because channel '{}' is {}",
                        figure.what(),
                        channel.name,
                        channel.pricing.as_str()
                    ),
                    None => figure.what().to_owned(),
                };
                let folded = wanted.to_lowercase();
                let hint = if let Some(same) =
                    names.iter().find(|n| n.to_lowercase() == folded)
                {
                    format!(
                        "; the file's `{same}` differs only in case: set `{key} = \"{same}\"` \
                         under [columns]"
                    )
                } else if let Some(guess) = guess_header(figure, &names, &offered) {
                    offered.push(guess);
                    format!("; if the file's `{guess}` holds it, set `{key} = \"{guess}\"` under [columns]")
                } else {
                    format!("; set `{key} = \"…\"` under [columns] to the file's header for it")
                };
                format!("`{wanted}` ({why}{hint})")
            })
            .collect();
        Err(source.error(
            header.span(),
            1,
            format!(
                "the header has no column {}; the file's columns are {}; a column is found by \
                 its exact header, spaces around it aside",
                items.join(" and no column "),
                list(names.iter().map(|n| format!("`{n}`")))
            ),
        ))
    }
}

/// A header of the file that platform exports give the figure, not already taken.
fn guess_header<'a>(figure: Figure, names: &[&'a str], taken: &[&str]) -> Option<&'a str> {
    let free = |name: &&&'a str| !taken.contains(*name);
    let folded: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let pick = |matches: &dyn Fn(&str, &str) -> bool| {
        figure.guesses().iter().find_map(|guess| {
            names
                .iter()
                .zip(&folded)
                .find(|(name, low)| free(name) && matches(low, guess))
                .map(|(name, _)| *name)
        })
    };
    pick(&|low, guess| low == guess).or_else(|| pick(&|low, guess| low.contains(guess)))
}

/// Names joined by commas, the first [`LISTED_NAMES`] of them and how many more.
fn list(names: impl Iterator<Item = String>) -> String {
    let names: Vec<String> = names.collect();
    let mut text = names
        .iter()
        .take(LISTED_NAMES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED_NAMES {
        text.push_str(&format!(" and {} more", names.len() - LISTED_NAMES));
    }
    text
}

/// A channel name rows give that the account does not list.
struct UnknownChannel {
    name: String,
    /// The first campaign `[channel_of]` maps to it, when rows name it through a campaign.
    campaign: Option<String>,
    rows: usize,
    span: Range<usize>,
    column: usize,
}

fn unknown_channels_message(unknown: &[UnknownChannel], channels: &[ChannelSpec<'_>]) -> String {
    let names = list(unknown.iter().map(|u| {
        let rows = if u.rows == 1 {
            "1 row".to_owned()
        } else {
            format!("{} rows", u.rows)
        };
        let mut text = match &u.campaign {
            Some(campaign) => format!(
                "'{}' (campaign `{campaign}` maps to it in [channel_of]; {rows})",
                u.name
            ),
            None => format!("'{}' ({rows})", u.name),
        };
        let folded = u.name.to_lowercase();
        if let Some(same) = channels.iter().find(|c| c.name.to_lowercase() == folded) {
            text.push_str(&format!(
                " differs from channel '{}' only in case",
                same.name
            ));
        }
        text
    }));
    let account = if channels.is_empty() {
        "the account has no channels".to_owned()
    } else {
        format!(
            "the account's channels are {}",
            list(channels.iter().map(|c| format!("'{}'", c.name)))
        )
    };
    let example = unknown
        .iter()
        .find(|u| u.campaign.is_none())
        .zip(channels.first())
        .map(|(u, c)| format!(", e.g. `\"{}\" = \"{}\"`", u.name, c.name))
        .unwrap_or_default();
    let (count, them, their) = if unknown.len() == 1 {
        ("a channel".to_owned(), "it", "its")
    } else {
        (format!("{} channels", unknown.len()), "each", "their")
    };
    format!(
        "rows name {count} the account does not have: {names}; {account}; list {them} under \
         [[channels]], or map {their} campaigns to a channel of the account in \
         [channel_of]{example}"
    )
}

/// One known row's figures, before the rows of a day and channel are summed.
struct Entry {
    date: Date,
    channel: usize,
    figures: DayFigures,
    /// The date field, where an error about the span of the history points.
    at: (Range<usize>, usize),
}

/// Reads the figures of data rows.
struct RowReader<'a> {
    source: &'a Source<'a>,
    layout: &'a Layout,
    columns: &'a ColumnNames,
    decimal: Option<Decimal>,
}

impl RowReader<'_> {
    /// The column as messages name it: its key, and the file's header when it differs.
    fn label(&self, figure: Figure) -> String {
        let header = figure.header(self.columns);
        if header == figure.key() {
            figure.key().to_owned()
        } else {
            format!("{} (`{header}`)", figure.key())
        }
    }

    /// The field of a column the file has, and its one-based column; a row too short to
    /// have it is an error.
    fn cell<'r>(
        &self,
        row: &'r Row<'_>,
        figure: Figure,
    ) -> Result<(&'r Field<'r>, usize), ScenarioError> {
        let index = self.layout.get(figure).unwrap_or(usize::MAX);
        match row.get(index) {
            Some(field) => Ok((field, index + 1)),
            None => {
                let end = row.last().map_or(0, |f| f.span.end);
                Err(self.source.error(
                    end..end,
                    index.saturating_add(1),
                    format!(
                        "the row ends after {} field{}, before column {} `{}` ({}): every row \
                         has the header's columns",
                        row.len(),
                        if row.len() == 1 { "" } else { "s" },
                        index.saturating_add(1),
                        figure.header(self.columns),
                        figure.what()
                    ),
                ))
            }
        }
    }

    fn date(&self, field: &Field<'_>, column: usize) -> Result<Date, ScenarioError> {
        let text = field.value.as_ref();
        if let Some(date) = Date::parse(text) {
            return Ok(date);
        }
        let message = if text.is_empty() {
            "the date is empty: every row needs its day, written YYYY-MM-DD".to_owned()
        } else {
            let shaped = text.len() == 10
                && text.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            let why = if shaped {
                "is not a day of the calendar"
            } else {
                "is not a date"
            };
            let order = if text.contains(['/', '.']) {
                " (day and month orders differ between countries, so only this form is read)"
            } else {
                ""
            };
            format!("`{text}` {why}: dates are written YYYY-MM-DD, such as 2026-11-02{order}")
        };
        Err(self.source.error(field.span.clone(), column, message))
    }

    /// The number in a field: `None` when not reported; negative numbers are errors.
    fn number(&self, row: &Row<'_>, figure: Figure) -> Result<Option<f64>, ScenarioError> {
        if self.layout.get(figure).is_none() {
            return Ok(None);
        }
        let (field, column) = self.cell(row, figure)?;
        let text = field.value.as_ref();
        let fail = |message: String| Err(self.source.error(field.span.clone(), column, message));
        let label = self.label(figure);
        let value = match parse_number(text, self.decimal) {
            Ok(value) => value,
            Err(problem) => {
                let not_reported = if figure == Figure::Spend {
                    ""
                } else {
                    "; an empty cell, -, -- or n/a is a figure not reported"
                };
                return fail(match problem {
                    NumberProblem::Malformed => format!(
                        "{label} `{text}` is not a number: {ACCEPTED_NUMBERS}{not_reported}"
                    ),
                    NumberProblem::Grouping => format!(
                        "{label} `{text}` has digits grouped unevenly: thousands separators \
                         (`,`, `.`, a space or `'`, one kind in a number) separate groups of \
                         three digits, and a number has one decimal separator, the last"
                    ),
                    NumberProblem::TooLarge => {
                        format!("{label} `{text}` is too large to be {}", figure.what())
                    }
                });
            }
        };
        match value {
            Some(v) if v < 0.0 => {
                let rule = match figure {
                    Figure::Spend => "spend cannot be below zero".to_owned(),
                    Figure::Revenue => "revenue cannot be below zero".to_owned(),
                    _ => format!("{} is a count and cannot be below zero", figure.key()),
                };
                fail(format!("negative {label} `{text}`: {rule}"))
            }
            _ => Ok(value),
        }
    }

    /// A known channel's row: its figures, checked against the channel's pricing.
    fn figures(
        &self,
        row: &Row<'_>,
        channel: &ChannelSpec<'_>,
    ) -> Result<DayFigures, ScenarioError> {
        let at = |figure: Figure| -> Result<(Range<usize>, usize), ScenarioError> {
            let (field, column) = self.cell(row, figure)?;
            Ok((field.span.clone(), column))
        };
        let Some(spend) = self.number(row, Figure::Spend)? else {
            let (span, column) = at(Figure::Spend)?;
            return Err(self.source.error(
                span,
                column,
                format!(
                    "{} is empty: every row needs its spend (0 on a day without spend)",
                    self.label(Figure::Spend)
                ),
            ));
        };
        let impressions = self.number(row, Figure::Impressions)?;
        let clicks = self.number(row, Figure::Clicks)?;
        let leads = self.number(row, Figure::Leads)?;
        let conversions = self.number(row, Figure::Conversions)?;
        let revenue = self.number(row, Figure::Revenue)?;
        if spend > 0.0 {
            for (figure, value) in [
                (Figure::Conversions, conversions),
                (Figure::Revenue, revenue),
            ] {
                if value.is_none() {
                    let (span, column) = at(figure)?;
                    return Err(self.source.error(
                        span,
                        column,
                        format!(
                            "{} is empty on a row with spend: every row with spend needs its \
                             {} (0 when there were none)",
                            self.label(figure),
                            figure.key()
                        ),
                    ));
                }
            }
            for (figure, value) in [
                (Figure::Impressions, impressions),
                (Figure::Clicks, clicks),
                (Figure::Leads, leads),
            ] {
                if value.is_none() && pricing_needs(channel.pricing, figure) {
                    let (span, column) = at(figure)?;
                    return Err(self.source.error(
                        span,
                        column,
                        format!(
                            "{} is empty on a row with spend: channel '{}' is {}, and every row \
                             of it with spend needs its {}",
                            self.label(figure),
                            channel.name,
                            channel.pricing.as_str(),
                            figure.key()
                        ),
                    ));
                }
            }
        }
        let conversions = conversions.unwrap_or(0.0);
        let checks = [
            (
                Figure::Conversions,
                Some(conversions),
                Figure::Clicks,
                clicks,
                "conversion",
                "click",
            ),
            (
                Figure::Conversions,
                Some(conversions),
                Figure::Leads,
                leads,
                "conversion",
                "lead",
            ),
            (
                Figure::Clicks,
                clicks,
                Figure::Impressions,
                impressions,
                "click",
                "impression",
            ),
        ];
        for (part, part_value, whole, whole_value, one_part, one_whole) in checks {
            if let (Some(p), Some(w)) = (part_value, whole_value)
                && pricing_needs(channel.pricing, whole)
                && p > w + 1e-9 * w.max(1.0)
            {
                let (span, column) = at(part)?;
                let text = |figure| {
                    self.cell(row, figure)
                        .map(|(f, _)| f.value.to_string())
                        .unwrap_or_default()
                };
                return Err(self.source.error(
                    span,
                    column,
                    format!(
                        "{} `{}` exceed {} `{}` on this row: channel '{}' is {}, so every \
                         {one_part} comes from a {one_whole}",
                        part.key(),
                        text(part),
                        whole.key(),
                        text(whole),
                        channel.name,
                        channel.pricing.as_str()
                    ),
                ));
            }
        }
        Ok(DayFigures {
            spend,
            impressions,
            clicks,
            leads,
            conversions,
            revenue: revenue.unwrap_or(0.0),
        })
    }
}

/// Sums the rows into the dense table and checks its span and that every channel spent.
fn assemble(
    source: &Source<'_>,
    entries: Vec<Entry>,
    channels: &[ChannelSpec<'_>],
) -> Result<History, ScenarioError> {
    let (Some(first), Some(last)) = (
        entries.iter().map(|e| e.date).min(),
        entries.iter().map(|e| e.date).max(),
    ) else {
        return Err(ScenarioError::whole_file(
            source.origin,
            "has no data rows: a history has one row per day and campaign under its header".into(),
        ));
    };
    let span = last.0 - first.0 + 1;
    if span > MAX_HISTORY_DAYS as i64 {
        let mut days: Vec<i64> = entries.iter().map(|e| e.date.0).collect();
        let middle = days.len() / 2;
        let median = *days.select_nth_unstable(middle).1;
        let outlier = if last.0 - median >= median - first.0 {
            last
        } else {
            first
        };
        let (span_at, column) = entries
            .iter()
            .find(|e| e.date == outlier)
            .map_or((0..0, 1), |e| e.at.clone());
        return Err(source.error(
            span_at,
            column,
            format!(
                "the history would span {span} days, from {first} to {last}; at most \
                 {MAX_HISTORY_DAYS} days are read: is {outlier} mistyped?"
            ),
        ));
    }
    let days = span as usize;
    let width = channels.len();
    let mut figures = vec![DayFigures::default(); days * width];
    for entry in &entries {
        let day = (entry.date.0 - first.0) as usize;
        add(&mut figures[day * width + entry.channel], &entry.figures);
    }
    let mut spent = vec![0.0; width];
    for (i, day) in figures.iter().enumerate() {
        spent[i % width.max(1)] += day.spend;
    }
    let idle: Vec<&str> = channels
        .iter()
        .zip(&spent)
        .filter(|(_, total)| **total <= 0.0)
        .map(|(c, _)| c.name)
        .collect();
    if !idle.is_empty() {
        let names = list(idle.iter().map(|n| format!("'{n}'")));
        let (who, has, them, their) = if idle.len() == 1 {
            ("channel", "has", "it", "its")
        } else {
            ("channels", "have", "them", "their")
        };
        return Err(ScenarioError::whole_file(
            source.origin,
            format!(
                "{who} {names} {has} no spend in the history ({first} to {last}): nothing can \
                 be learned about {them}; remove {them} from the account or add {their} rows"
            ),
        ));
    }
    Ok(History {
        first_date: first,
        days,
        channels: width,
        figures,
    })
}

/// Adds a campaign's figures to its channel's day; a count one side does not report takes
/// the other's value.
fn add(total: &mut DayFigures, row: &DayFigures) {
    let sum = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(x), Some(y)) => Some(x + y),
        (x, None) | (None, x) => x,
    };
    total.spend += row.spend;
    total.impressions = sum(total.impressions, row.impressions);
    total.clicks = sum(total.clicks, row.clicks);
    total.leads = sum(total.leads, row.leads);
    total.conversions += row.conversions;
    total.revenue += row.revenue;
}

/// The decimal separator a file writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decimal {
    Point,
    Comma,
}

/// The file's decimal separator, when its numbers show one and only one: a number such as
/// `12,5` or `1.234,56` shows a decimal comma, `12.5` or `1,234.56` a decimal point, and
/// `1,500` or `1.500` nothing.
fn file_decimal(rows: &[Row<'_>], layout: &Layout) -> Option<Decimal> {
    let (mut point, mut comma) = (false, false);
    for row in rows {
        for figure in Figure::NUMBERS {
            let Some(field) = layout.get(figure).and_then(|i| row.get(i)) else {
                continue;
            };
            match decimal_evidence(&field.value) {
                Some(Decimal::Point) => point = true,
                Some(Decimal::Comma) => comma = true,
                None => {}
            }
            if point && comma {
                return None;
            }
        }
    }
    match (point, comma) {
        (true, false) => Some(Decimal::Point),
        (false, true) => Some(Decimal::Comma),
        _ => None,
    }
}

/// Why a cell is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberProblem {
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
/// three-letter code (`NOK`, `eur`), a sign with up to three letters (`US$`, `R$`) or a local
/// abbreviation (`kr`, `zł`, `Rs.`). `12x` and `12 clicks` are not numbers.
fn is_currency(unit: &str) -> bool {
    let letters: String = unit
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let count = letters.chars().count();
    let signed = unit.chars().any(is_currency_symbol);
    count == 0
        || count == 3
        || (signed && count < 3)
        || LOCAL_CURRENCIES.contains(&letters.as_str())
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
fn parse_number(text: &str, decimal: Option<Decimal>) -> Result<Option<f64>, NumberProblem> {
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

/// The decimal separator a cell shows, if it shows one unambiguously and is a number.
fn decimal_evidence(text: &str) -> Option<Decimal> {
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

    const SEARCH: ChannelSpec<'static> = ChannelSpec {
        name: "search",
        pricing: Pricing::Cpc,
    };
    const DISPLAY: ChannelSpec<'static> = ChannelSpec {
        name: "display",
        pricing: Pricing::Cpm,
    };
    const FORMS: ChannelSpec<'static> = ChannelSpec {
        name: "forms",
        pricing: Pricing::Cpl,
    };
    const AFFILIATE: ChannelSpec<'static> = ChannelSpec {
        name: "affiliate",
        pricing: Pricing::Cpa,
    };

    fn parse_with(
        text: &str,
        columns: &ColumnNames,
        channel_of: &[(&str, &str)],
        channels: &[ChannelSpec<'_>],
    ) -> Result<History, ScenarioError> {
        let channel_of: Vec<(String, String)> = channel_of
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        parse_history("h.csv", text, columns, &channel_of, channels)
    }

    fn parse(text: &str, channels: &[ChannelSpec<'_>]) -> Result<History, ScenarioError> {
        parse_with(text, &ColumnNames::default(), &[], channels)
    }

    /// Asserts that reading fails at `at` (`h.csv:line:column`) with every phrase in the message.
    fn assert_fails(result: Result<History, ScenarioError>, at: &str, phrases: &[&str]) {
        let message = result
            .expect_err("the history should be refused")
            .to_string();
        assert!(message.starts_with(&format!("{at}: ")), "{message}");
        for phrase in phrases {
            assert!(message.contains(phrase), "{phrase:?} not in:\n{message}");
        }
    }

    const HEADER: &str = "date,channel,spend,impressions,clicks,leads,conversions,revenue\n";

    fn with_header(rows: &str) -> String {
        format!("{HEADER}{rows}")
    }

    #[test]
    fn campaigns_of_a_channel_are_summed_and_missing_days_are_zero() {
        let text = with_header(
            "2026-11-01,Brand,100,,200,,10,1000\n\
             2026-11-01,Generic,50.5,,100,,2.5,300\n\
             2026-11-01,display,40,20000,30,,1,90\n\
             2026-11-03,Brand,80,,150,,8,800\n\
             2026-11-03,Generic,0,,,,,\n\
             2026-11-04,display,30,15000,20,,0,0\n",
        );
        let history = parse_with(
            &text,
            &ColumnNames::default(),
            &[("Brand", "search"), ("Generic", "search")],
            &[SEARCH, DISPLAY],
        )
        .unwrap();
        assert_eq!(history.first_date, Date::parse("2026-11-01").unwrap());
        assert_eq!(history.days, 4);
        assert_eq!(history.channels, 2);
        assert_eq!(history.last_date().to_string(), "2026-11-04");
        let search = history.day(0)[0];
        assert_eq!(search.spend, 150.5);
        assert_eq!(search.clicks, Some(300.0));
        assert_eq!(search.impressions, None);
        assert_eq!(search.leads, None);
        assert_eq!(search.conversions, 12.5);
        assert_eq!(search.revenue, 1300.0);
        let display = history.day(0)[1];
        assert_eq!(display.impressions, Some(20000.0));
        assert_eq!(display.clicks, Some(30.0));
        // No rows on 2026-11-02, none for display on 2026-11-03.
        assert_eq!(history.day(1), &[DayFigures::default(); 2]);
        assert_eq!(history.day(2)[1], DayFigures::default());
        // A campaign without spend and without counts adds nothing and keeps the clicks.
        assert_eq!(
            history.day(2)[0],
            DayFigures {
                spend: 80.0,
                clicks: Some(150.0),
                conversions: 8.0,
                revenue: 800.0,
                ..DayFigures::default()
            }
        );
        assert_eq!(history.day(3)[1].spend, 30.0);
        assert_eq!(history.figures.len(), 8);
    }

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
            ("x12", NumberProblem::Malformed),
            ("1e999", NumberProblem::TooLarge),
        ];
        for &(text, problem) in refused {
            assert_eq!(parse_number(text, None), Err(problem), "{text:?}");
        }
        let huge = "9".repeat(400);
        assert_eq!(parse_number(&huge, None), Err(NumberProblem::TooLarge));
    }

    #[test]
    fn the_files_decimal_separator_settles_ambiguous_numbers() {
        assert_eq!(
            parse_number("1.500", Some(Decimal::Comma)),
            Ok(Some(1500.0))
        );
        assert_eq!(parse_number("1,500", Some(Decimal::Comma)), Ok(Some(1.5)));
        assert_eq!(
            parse_number("1,500", Some(Decimal::Point)),
            Ok(Some(1500.0))
        );
        assert_eq!(parse_number("1.500", Some(Decimal::Point)), Ok(Some(1.5)));
        assert_eq!(decimal_evidence("12,5"), Some(Decimal::Comma));
        assert_eq!(decimal_evidence("1.234,56"), Some(Decimal::Comma));
        assert_eq!(decimal_evidence("1.234.567"), Some(Decimal::Comma));
        assert_eq!(decimal_evidence("12.5"), Some(Decimal::Point));
        assert_eq!(decimal_evidence("1,234,567"), Some(Decimal::Point));
        for shows_nothing in ["1,500", "1.500", "12", "1 234", "", "n/a", "12x"] {
            assert_eq!(decimal_evidence(shows_nothing), None, "{shows_nothing:?}");
        }
        // A European export: `1.500` impressions are fifteen hundred, `2,500` conversions two
        // and a half.
        let text = "date;channel;spend;impressions;clicks;conversions;revenue\n\
                    2026-11-01;display;12,50;1.500;20;2,500;100\n";
        let history = parse(text, &[DISPLAY]).unwrap();
        let day = history.day(0)[0];
        assert_eq!(day.spend, 12.5);
        assert_eq!(day.impressions, Some(1500.0));
        assert_eq!(day.conversions, 2.5);
        // A file without a sign of either convention reads `1,500` as thousands.
        let text = with_header("2026-11-01,display,12,\"1,500\",20,,2,100\n");
        assert_eq!(
            parse(&text, &[DISPLAY]).unwrap().day(0)[0].impressions,
            Some(1500.0)
        );
    }

    #[test]
    fn the_delimiter_is_found_from_the_header() {
        let semicolon = "date;channel;spend;clicks;conversions;revenue\n\
                         2026-11-01;search;1.234,50;200;10,5;1.000\n";
        let day = parse(semicolon, &[SEARCH]).unwrap().day(0)[0];
        assert_eq!(day.spend, 1234.5);
        assert_eq!(day.conversions, 10.5);
        assert_eq!(day.revenue, 1000.0);

        let tab = "date\tchannel\tspend\tclicks\tconversions\trevenue\n\
                   2026-11-01\tsearch\t1,234.50\t200\t10\t900\n";
        let day = parse(tab, &[SEARCH]).unwrap().day(0)[0];
        assert_eq!(day.spend, 1234.5);
        assert_eq!(day.clicks, Some(200.0));

        // Commas inside quoted fields do not split them, and spaces around fields go.
        let quoted = "date , channel ,spend,clicks,conversions,revenue\r\n\
                      2026-11-01, \"search\" ,\"$1,234.50\", 200 ,10,\"9,000\"\r\n";
        let day = parse(quoted, &[SEARCH]).unwrap().day(0)[0];
        assert_eq!(day.spend, 1234.5);
        assert_eq!(day.revenue, 9000.0);
    }

    #[test]
    fn a_byte_order_mark_title_lines_and_blank_lines_are_skipped() {
        let text = "\u{feff}Campaign report\nNovember 2026\n\n\
                    Day,Campaign,Cost,Clicks,Conversions,Conv. value,Ctr\n\
                    2026-11-01,search,10,20,1,50,1%\n\
                    ,,,,,,\n\
                    \n\
                    2026-11-02,search,oops,20,1,50,1%\n";
        let columns = ColumnNames {
            date: "Day".into(),
            channel: "Campaign".into(),
            spend: "Cost".into(),
            clicks: "Clicks".into(),
            conversions: "Conversions".into(),
            revenue: "Conv. value".into(),
            ..ColumnNames::default()
        };
        assert_fails(
            parse_with(text, &columns, &[], &[SEARCH]),
            "h.csv:8:3",
            &["spend (`Cost`) `oops` is not a number", "1,234.50"],
        );
        let fixed = text.replace("oops", "12");
        let history = parse_with(&fixed, &columns, &[], &[SEARCH]).unwrap();
        assert_eq!(history.days, 2);
        assert_eq!(history.day(1)[0].spend, 12.0);
        // Only a byte-order mark is nothing.
        assert_fails(parse("\u{feff}", &[SEARCH]), "h.csv", &["is empty"]);
    }

    #[test]
    fn errors_show_the_line_and_underline_the_field() {
        let text = with_header("2026-11-01,search,12x,,20,,1,50\n");
        let message = parse(&text, &[SEARCH]).unwrap_err().to_string();
        let first_line = message.lines().next().unwrap();
        assert!(first_line.starts_with("h.csv:2:3: spend `12x` is not a number: "));
        let excerpt: Vec<&str> = message.lines().skip(1).collect();
        assert_eq!(
            excerpt,
            [
                "  |",
                "2 | 2026-11-01,search,12x,,20,,1,50",
                "  |                   ^^^"
            ]
        );
    }

    #[test]
    fn a_missing_column_names_its_key_and_the_files_headers() {
        let text = "Day,Campaign,Cost,Clicks,Conversions,Revenue\n2026-11-01,search,1,1,1,1\n";
        let columns = ColumnNames {
            date: "Day".into(),
            channel: "Campaign".into(),
            ..ColumnNames::default()
        };
        assert_fails(
            parse_with(text, &columns, &[], &[SEARCH]),
            "h.csv:1:1",
            &[
                "no column `spend` (the money spent; if the file's `Cost` holds it, set \
                 `spend = \"Cost\"` under [columns])",
                "`clicks` (the clicks, needed because channel 'search' is cpc; the file's \
                 `Clicks` differs only in case: set `clicks = \"Clicks\"` under [columns])",
                "`revenue`",
                "the file's columns are `Day`, `Campaign`, `Cost`, `Clicks`, `Conversions`, \
                 `Revenue`",
            ],
        );
        // Counts only some pricing needs.
        let base = "date,channel,spend,conversions,revenue\n2026-11-01,x,1,1,1\n";
        let only = |pricing| ChannelSpec { name: "x", pricing };
        assert!(parse(base, &[only(Pricing::Cpa)]).is_ok());
        assert_fails(
            parse(base, &[only(Pricing::Cpl)]),
            "h.csv:1:1",
            &["no column `leads`", "channel 'x' is cpl"],
        );
        assert_fails(
            parse(base, &[only(Pricing::Cpm)]),
            "h.csv:1:1",
            &["no column `impressions`", "and no column `clicks`"],
        );
        // A header named twice is ambiguous.
        let twice = "date,channel,spend,spend,conversions,revenue\n2026-11-01,x,1,1,1,1\n";
        assert_fails(
            parse(twice, &[only(Pricing::Cpa)]),
            "h.csv:1:4",
            &["two columns `spend` (columns 3 and 4)"],
        );
    }

    #[test]
    fn dates_must_be_iso() {
        for (date, phrase) in [
            (
                "11/02/2026",
                "`11/02/2026` is not a date: dates are written YYYY-MM-DD",
            ),
            ("2026-02-30", "`2026-02-30` is not a day of the calendar"),
            ("", "the date is empty"),
        ] {
            let text = with_header(&format!("{date},search,1,,1,,1,1\n"));
            assert_fails(parse(&text, &[SEARCH]), "h.csv:2:1", &[phrase]);
        }
    }

    #[test]
    fn bad_and_negative_figures_are_refused() {
        let cases = [
            (
                "2026-11-01,search,-5,,1,,1,1",
                "h.csv:2:3",
                "negative spend `-5`",
            ),
            (
                "2026-11-01,search,5,,1,,-1,1",
                "h.csv:2:7",
                "negative conversions `-1`: conversions is a count",
            ),
            (
                "2026-11-01,search,5,,1,,1,-1",
                "h.csv:2:8",
                "negative revenue",
            ),
            (
                "2026-11-01,search,5,,lots,,1,1",
                "h.csv:2:5",
                "clicks `lots` is not a number",
            ),
            (
                "2026-11-01,search,5,,1,,1,NaN",
                "h.csv:2:8",
                "`NaN` is not a number",
            ),
            ("2026-11-01,search,,,1,,1,1", "h.csv:2:3", "spend is empty"),
            (
                "2026-11-01,search,n/a,,1,,1,1",
                "h.csv:2:3",
                "spend is empty",
            ),
            (
                "2026-11-01,search,5,,1,,,1",
                "h.csv:2:7",
                "every row with spend needs its conversions",
            ),
            (
                "2026-11-01,search,5,,1,,1,--",
                "h.csv:2:8",
                "every row with spend needs its revenue",
            ),
            (
                "2026-11-01,search,5,,,,1,1",
                "h.csv:2:5",
                "clicks is empty on a row with spend: channel 'search' is cpc",
            ),
            (
                "2026-11-01,search,5,,10,,12,1",
                "h.csv:2:7",
                "conversions `12` exceed clicks `10` on this row: channel 'search' is cpc",
            ),
            (
                "2026-11-01,search,1,,1,,1",
                "h.csv:2:8",
                "the row ends after 7 fields",
            ),
            ("2026-11-01,search", "h.csv:2:3", "before column 3 `spend`"),
            (
                "2026-11-01,search,\"5,1,1,1",
                "h.csv:2:3",
                "a quote opens this field and is never closed",
            ),
            ("2026-11-01, ,5,,1,,1,1", "h.csv:2:2", "channel is empty"),
        ];
        for (row, at, phrase) in cases {
            assert_fails(parse(&with_header(row), &[SEARCH]), at, &[phrase]);
        }
        // Without spend, empty conversions and revenue are zero and empty clicks not reported.
        let text = with_header("2026-11-01,search,0,,,,,\n2026-11-02,search,1,,1,,0,0\n");
        let history = parse(&text, &[SEARCH]).unwrap();
        assert_eq!(history.day(0)[0], DayFigures::default());
        // More fields than the header are fine.
        assert!(
            parse(
                &with_header("2026-11-01,search,1,,1,,0,0,extra,more\n"),
                &[SEARCH]
            )
            .is_ok()
        );
    }

    #[test]
    fn counts_follow_each_channels_pricing() {
        let all = [SEARCH, DISPLAY, FORMS, AFFILIATE];
        let rows = "2026-11-01,search,1,,5,,1,1\n\
                    2026-11-01,display,1,1000,5,,1,1\n\
                    2026-11-01,forms,1,,,4,1,1\n\
                    2026-11-01,affiliate,1,,,,1.5,1\n";
        let history = parse(&with_header(rows), &all).unwrap();
        assert_eq!(history.day(0)[2].leads, Some(4.0));
        assert_eq!(history.day(0)[3].clicks, None);
        for (bad, good, at, phrase) in [
            (
                "2026-11-01,display,1,1000,5,,6,1",
                "2026-11-01,display,1,1000,5,,1,1",
                "h.csv:3:7",
                "conversions `6` exceed clicks `5`",
            ),
            (
                "2026-11-01,display,1,4,5,,1,1",
                "2026-11-01,display,1,1000,5,,1,1",
                "h.csv:3:5",
                "clicks `5` exceed impressions `4` on this row: channel 'display' is cpm",
            ),
            (
                "2026-11-01,display,1,,5,,1,1",
                "2026-11-01,display,1,1000,5,,1,1",
                "h.csv:3:4",
                "impressions is empty on a row with spend: channel 'display' is cpm",
            ),
            (
                "2026-11-01,forms,1,,,4,5,1",
                "2026-11-01,forms,1,,,4,1,1",
                "h.csv:4:7",
                "conversions `5` exceed leads `4` on this row: channel 'forms' is cpl",
            ),
            (
                "2026-11-01,forms,1,,,,1,1",
                "2026-11-01,forms,1,,,4,1,1",
                "h.csv:4:6",
                "leads is empty on a row with spend: channel 'forms' is cpl",
            ),
        ] {
            let text = with_header(&rows.replace(good, bad));
            assert_ne!(text, with_header(rows), "{bad}");
            assert_fails(parse(&text, &all), at, &[phrase]);
        }
        // Conversions above the clicks of a cpa channel are no contradiction.
        let rows = rows.replace("affiliate,1,,,,1.5", "affiliate,1,,1,,1.5");
        assert!(parse(&with_header(&rows), &all).is_ok());
    }

    #[test]
    fn every_unknown_channel_is_named_at_once() {
        let text = with_header(
            "2026-11-01,search,1,,1,,1,1\n\
             2026-11-01,Brand Search,1,,1,,1,1\n\
             2026-11-02,Brand Search,1,,1,,1,1\n\
             2026-11-02,YT launch,1,,1,,1,1\n\
             2026-11-02,Search,1,,1,,1,1\n",
        );
        assert_fails(
            parse_with(
                &text,
                &ColumnNames::default(),
                &[("YT launch", "video")],
                &[SEARCH],
            ),
            "h.csv:3:2",
            &[
                "rows name 3 channels the account does not have: 'Brand Search' (2 rows), \
                 'video' (campaign `YT launch` maps to it in [channel_of]; 1 row), 'Search' (1 \
                 row) differs from channel 'search' only in case",
                "the account's channels are 'search'",
                "[[channels]]",
                "[channel_of], e.g. `\"Brand Search\" = \"search\"`",
            ],
        );
    }

    #[test]
    fn a_day_and_campaign_appears_once() {
        let text = with_header(
            "2026-11-01,Brand,1,,1,,1,1\n\
             2026-11-01,Generic,1,,1,,1,1\n\
             2026-11-02,Brand,1,,1,,1,1\n\
             2026-11-01, Brand ,1,,1,,1,1\n",
        );
        assert_fails(
            parse_with(
                &text,
                &ColumnNames::default(),
                &[("Brand", "search"), ("Generic", "search")],
                &[SEARCH],
            ),
            "h.csv:5:2",
            &["a second row for 2026-11-01 and `Brand` (the first is line 2)"],
        );
    }

    #[test]
    fn histories_without_rows_spend_or_a_sane_span_are_refused() {
        assert_fails(parse("", &[SEARCH]), "h.csv", &["is empty"]);
        assert_fails(parse(" \n\n", &[SEARCH]), "h.csv", &["is empty"]);
        assert_fails(parse(HEADER, &[SEARCH]), "h.csv:1:1", &["no data rows"]);
        assert_fails(
            parse(&format!("{HEADER},,,,\n\n"), &[SEARCH]),
            "h.csv:1:1",
            &["no data rows"],
        );
        let text = with_header("2026-11-01,search,0,,,,,\n2026-11-02,display,1,5,1,,0,0\n");
        assert_fails(
            parse(&text, &[SEARCH, DISPLAY, FORMS]),
            "h.csv",
            &[
                "channels 'search', 'forms' have no spend in the history (2026-11-01 to \
                 2026-11-02): nothing can be learned about them; remove them from the account \
                 or add their rows",
            ],
        );
        let text = with_header(
            "2026-11-01,search,1,,1,,1,1\n\
             2026-11-02,search,1,,1,,1,1\n\
             9026-11-03,search,1,,1,,1,1\n",
        );
        assert_fails(
            parse(&text, &[SEARCH]),
            "h.csv:4:1",
            &[
                "from 2026-11-01 to 9026-11-03",
                "at most 100000 days",
                "is 9026-11-03 mistyped?",
            ],
        );
        let text = with_header(
            "0026-11-01,search,1,,1,,1,1\n\
             2026-11-02,search,1,,1,,1,1\n\
             2026-11-03,search,1,,1,,1,1\n",
        );
        assert_fails(
            parse(&text, &[SEARCH]),
            "h.csv:2:1",
            &["is 0026-11-01 mistyped?"],
        );
    }

    #[test]
    fn files_are_read_as_utf8_or_utf16() {
        let dir = tempfile::tempdir().unwrap();
        let text = with_header("2026-11-01,search,\"1,5\",,2,,1,10\n");
        let read = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            read_history(&path, &ColumnNames::default(), &[], &[SEARCH])
        };
        let utf8 = read("utf8.csv", text.as_bytes()).unwrap();
        assert_eq!(utf8.day(0)[0].spend, 1.5);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read("utf16.csv", &utf16).unwrap(), utf8);

        let mut latin1 = text.into_bytes();
        latin1.extend(b"2026-11-02,caf\xe9,1,,1,,1,1\n");
        let message = read("latin1.csv", &latin1).unwrap_err().to_string();
        assert!(message.ends_with("latin1.csv: is not UTF-8 text: line 3 has the byte 0xE9; save the history as UTF-8 CSV (in a spreadsheet, \"CSV UTF-8\")"), "{message}");
        let missing = dir.path().join("missing.csv");
        let message = read_history(&missing, &ColumnNames::default(), &[], &[SEARCH])
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("missing.csv: cannot read the history: "),
            "{message}"
        );
    }

    /// A deterministic stream of numbers (Knuth's MMIX linear congruential generator).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Reads the text and checks that a history it accepts is well formed.
    fn read_without_panic(text: &str, channels: &[ChannelSpec<'_>]) {
        let channel_of = [("Brand".to_string(), "search".to_string())];
        if let Ok(history) = parse_history(
            "h.csv",
            text,
            &ColumnNames::default(),
            &channel_of,
            channels,
        ) {
            assert_eq!(history.figures.len(), history.days * history.channels);
            assert!(history.days <= MAX_HISTORY_DAYS);
            assert!(
                history
                    .figures
                    .iter()
                    .all(|d| d.spend >= 0.0 && d.spend.is_finite())
            );
        }
    }

    #[test]
    fn no_input_makes_the_reader_panic() {
        let mut rng = Lcg(2026);
        let channels = [SEARCH, DISPLAY, FORMS, AFFILIATE];
        for _ in 0..300 {
            let len = rng.below(200);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            read_without_panic(&String::from_utf8_lossy(&bytes), &channels);
        }
        let valid = with_header(
            "2026-11-01,Brand,\"$1,200.50\",,900,,30,4500\n\
             2026-11-01,display,80,41200,95,,2,260\n\
             2026-11-02,forms,1.234,56,,,7,3,\"1 234,56 kr\"\n\
             2026-11-03,affiliate,12,,,,1.5,50\n",
        );
        read_without_panic(&valid, &channels);
        let pieces = [
            ",",
            ";",
            "\t",
            "\"",
            "\"\"",
            "\n",
            "\r\n",
            "-",
            ".",
            "'",
            "e",
            "$",
            "€",
            "é",
            "\u{a0}",
            "\u{feff}",
            "0",
            "9",
            "n/a",
            "2026-11-05",
            "9999-12-31",
            "0000-01-01",
            " ",
            "(",
            ")",
        ];
        for _ in 0..600 {
            let mut text: Vec<char> = valid.chars().collect();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(text.len() + 1);
                match rng.below(3) {
                    0 if at < text.len() => {
                        text.remove(at);
                    }
                    1 if at < text.len() => {
                        text[at] = pieces[rng.below(pieces.len())].chars().next().unwrap();
                    }
                    _ => {
                        for (i, c) in pieces[rng.below(pieces.len())].chars().enumerate() {
                            text.insert(at + i, c);
                        }
                    }
                }
            }
            let text: String = text.into_iter().collect();
            read_without_panic(&text, &channels);
            read_without_panic(&text, &[]);
        }
        for cell in pieces
            .iter()
            .chain(&["1,2,3.4", "'", "(1)", "$-", "1e", "e5", ".,"])
        {
            for decimal in [None, Some(Decimal::Point), Some(Decimal::Comma)] {
                let _ = parse_number(cell, decimal);
            }
            let _ = decimal_evidence(cell);
        }
    }
}
