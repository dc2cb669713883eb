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
//!   the digits is dropped: signs, three-letter codes in capitals, a sign with letters (`US$`, `R$`) or a
//!   local abbreviation (`kr`, `zł`, `Rs.`); other letters (`12x`, `12 clicks`) are refused.
//!   A leading `-` (or parentheses) makes a number negative. Between digits, spaces (also non-breaking ones) and
//!   apostrophes separate thousands. When both `,` and `.` occur, the last one is the decimal
//!   separator. A lone kind of separator is resolved by the file's other numbers: a file
//!   that writes `12,5` or `1.234,56` anywhere (and never `12.5` or `1,234.56`) writes
//!   decimals with a comma, so its `1.500` is 1500 and its `1,500` is 1.5, and the other way
//!   round. A file that shows no convention reads a comma followed by groups of three digits
//!   (`1,234`, `12,345,678`) as thousands and any other comma (`12,5`, `0,500`) as a decimal
//!   comma; a single dot is a decimal point, except one followed by three digits (`1.500`),
//!   which a Nordic or German exporter writes for fifteen hundred: thousands in a count
//!   column (impressions, clicks and leads are whole; a note says how many), an error that
//!   gives both readings in spend, conversions or revenue. Thousands groups must have three
//!   digits.
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
//!   spends on one row; further rows of it without spend (a refund, a retracted or late
//!   conversion booked apart) are netted into the day, with a note. The campaigns of one
//!   channel and day are summed figure by figure (a count not reported by one campaign takes
//!   the others' sum).
//! - **Days.** The history covers every day from its first to its last date; days without
//!   rows are days without spend ([`DayFigures::default`]). It spans at most
//!   [`MAX_HISTORY_DAYS`] days, so that a mistyped year cannot ask for a giant table. Every
//!   channel of the account must have some spend in it, or nothing could be learned about it.
//!
//! Blank lines and lines whose fields are all empty are skipped. Every problem is a
//! [`ScenarioError`] at the file's line and the field's one-based column, with the line shown
//! and the field underlined; it says what was found and what is allowed.

mod columns;
mod dates;
mod numbers;
mod records;
mod rows;
pub mod survey;

use std::collections::{HashMap, hash_map};
use std::ops::Range;
use std::path::Path;

use self::columns::{Figure, Layout};
use self::numbers::{Decimal, parse_number};
use self::records::{Source, decode, find_header, read_rows};
use self::rows::{Entry, Leniency, RowReader, assemble, file_date_order, file_decimal};
use super::campaigns::{Campaigns, Destination};
use super::date::Date;
use crate::channel::Pricing;
use crate::error::ScenarioError;
use crate::output::table::thousands;

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
    /// What the reader passed over or read generously (total rows skipped, campaigns left
    /// out, blank results read as 0, view-through conversions, refunds below zero), in words
    /// for the user to check.
    pub notes: Vec<String>,
}

/// How far below the days before it the last day's total spend must fall to be read as a day
/// exported before it ended.
pub const PARTIAL_DAY: f64 = 0.5;

/// Whether the last of `daily_spend` (a history's total spend per day, in date order, at
/// least 8 days) looks like a day exported before it ended: it spent less than
/// [`PARTIAL_DAY`] of the median of the 7 days before it, and more than nothing (a day without
/// spend is an idle day). Its spend and that median.
pub fn partial_last_day(daily_spend: &[f64]) -> Option<(f64, f64)> {
    let n = daily_spend.len();
    if n < 8 {
        return None;
    }
    let mut week = daily_spend[n - 8..n - 1].to_vec();
    week.sort_by(f64::total_cmp);
    let (last, median) = (daily_spend[n - 1], week[3]);
    (last > 0.0 && last < PARTIAL_DAY * median).then_some((last, median))
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

    /// How many days at the end of the history spent nothing on any channel (a paused
    /// account, a declined card, today's row exported before the day began).
    pub fn idle_tail(&self) -> usize {
        (0..self.days)
            .rev()
            .take_while(|&d| self.day(d).iter().all(|f| f.spend <= 0.0))
            .count()
    }

    /// Each day's total spend over the channels, in date order.
    pub fn daily_spend(&self) -> Vec<f64> {
        (0..self.days)
            .map(|d| self.day(d).iter().map(|f| f.spend).sum())
            .collect()
    }

    /// Each channel's total spend over the history's last `days` days (all of them when it has
    /// fewer), in account order.
    pub fn recent_spend(&self, days: usize) -> Vec<f64> {
        let from = self.days - days.min(self.days);
        (0..self.channels)
            .map(|i| (from..self.days).map(|d| self.day(d)[i].spend).sum())
            .collect()
    }

    /// The history's first `days` days (all of it when it has no more).
    pub fn first_days(&self, days: usize) -> History {
        let days = days.min(self.days);
        History {
            first_date: self.first_date,
            days,
            channels: self.channels,
            figures: self.figures[..days * self.channels].to_vec(),
            notes: self.notes.clone(),
        }
    }

    /// Channel `channel`'s weekday multipliers averaged over the history's days, weighted by
    /// the day's spend, `w̄ = Σ_t s_t w_{d(t)} / Σ_t s_t` (the plain mean without spend): what a
    /// rate learned from the whole history is relative to.
    pub fn mean_multiplier(&self, channel: usize, weekday: &[f64; 7]) -> f64 {
        let (mut weighted, mut spend) = (0.0, 0.0);
        for day in 0..self.days {
            let s = self.day(day)[channel].spend;
            weighted += s * weekday[self.first_date.plus(day as i64).weekday()];
            spend += s;
        }
        if spend > 0.0 {
            weighted / spend
        } else {
            weekday.iter().sum::<f64>() / 7.0
        }
    }
}

/// The most days a history may span, first to last date inclusive (about 270 years): a
/// mistyped year is refused instead of allocating a giant table.
pub const MAX_HISTORY_DAYS: usize = 100_000;
/// The largest figure one row may hold, money or count: ten trillion, beyond any account's
/// day in any currency, and small enough that every sum and fitted value stays a readable
/// number.
pub const MAX_FIGURE: f64 = 1e13;

/// How many names a message lists before it says how many more there are.
const LISTED_NAMES: usize = 20;

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
    campaigns: &Campaigns,
    channels: &[ChannelSpec<'_>],
) -> Result<History, ScenarioError> {
    read_history_with(path, columns, campaigns, channels, ReadOptions::default())
}

/// How generously a history is read, beyond its format: the account file's settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Keep dates that stand apart from the rest of the history (at most three days, four
    /// weeks or more before or after the others, or after a gap and beyond `today`), which are
    /// otherwise refused as a likely mistyped year, month or day (`keep_stray_dates` in the
    /// account file).
    pub keep_stray_dates: bool,
    /// Today's date, where the reader should know it: a few last days that follow a gap and
    /// lie more than a day beyond it (a day for time zones ahead of UTC) cannot have happened
    /// yet and are refused as mistyped. `None` (the default) reads a history as if written
    /// on its last day, as a simulated history from `budget-bandit history` is.
    pub today: Option<Date>,
}

/// [`read_history`] with `options`.
pub fn read_history_with(
    path: &Path,
    columns: &ColumnNames,
    campaigns: &Campaigns,
    channels: &[ChannelSpec<'_>],
    options: ReadOptions,
) -> Result<History, ScenarioError> {
    let origin = path.display().to_string();
    let bytes = crate::error::read_input(path, crate::error::MAX_HISTORY_BYTES)
        .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read the history: {e}")))?;
    let text = decode(&origin, &bytes)?;
    parse_history_with(&origin, &text, columns, campaigns, channels, options)
}

/// Reads a history from its text; `origin` names it in errors. This is [`read_history`]
/// without the file.
///
/// ```
/// use budget_bandit::account::campaigns::Campaigns;
/// use budget_bandit::account::history::{parse_history, ChannelSpec, ColumnNames};
/// use budget_bandit::channel::Pricing;
///
/// let text = "Date,Campaign,Spend,Clicks,Conversions,Revenue\n\
///             06.11.2026,Brand,\"$1,200.50\",900,30,4500\n\
///             06.11.2026,Generic,300,250,5.5,700\n\
///             08.11.2026,Brand,1000,700,20,3000\n\
///             Total,,2500.50,1850,55.5,8200\n";
/// let columns = ColumnNames { channel: "campaign".into(), ..ColumnNames::default() };
/// let campaigns = Campaigns::new([("Brand", "search"), ("Gen*", "search")], []);
/// let channels = [ChannelSpec { name: "search", pricing: Pricing::Cpc }];
/// let history = parse_history("h.csv", text, &columns, &campaigns, &channels)?;
/// assert_eq!(history.days, 3);
/// assert_eq!(history.first_date.to_string(), "2026-11-06");
/// assert_eq!(history.day(0)[0].spend, 1500.5);
/// assert_eq!(history.day(0)[0].conversions, 35.5);
/// assert_eq!(history.day(1)[0].spend, 0.0); // no rows on 2026-11-07
/// assert!(history.notes[0].starts_with("skipped 1 total or summary row"));
/// # Ok::<(), budget_bandit::error::ScenarioError>(())
/// ```
pub fn parse_history(
    origin: &str,
    text: &str,
    columns: &ColumnNames,
    campaigns: &Campaigns,
    channels: &[ChannelSpec<'_>],
) -> Result<History, ScenarioError> {
    parse_history_with(
        origin,
        text,
        columns,
        campaigns,
        channels,
        ReadOptions::default(),
    )
}

/// [`parse_history`] with `options`.
pub fn parse_history_with(
    origin: &str,
    text: &str,
    columns: &ColumnNames,
    campaigns: &Campaigns,
    channels: &[ChannelSpec<'_>],
    options: ReadOptions,
) -> Result<History, ScenarioError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = Source { origin, text };
    let header = find_header(&source, &columns.date)?;
    let layout = Layout::resolve(&source, &header, columns, channels)?;
    let rows = read_rows(&source, header.next, header.delimiter)?;
    if rows.is_empty() {
        return Err(no_data_rows(&source, &header));
    }
    let reader = RowReader {
        source: &source,
        layout: &layout,
        columns,
        decimal: file_decimal(&rows, &layout),
        dates: file_date_order(&rows, &layout),
    };
    let mut channel_index: HashMap<&str, usize> = HashMap::new();
    for (index, channel) in channels.iter().enumerate() {
        channel_index.entry(channel.name).or_insert(index);
    }

    // Per day and campaign: where its first row starts, that row's index, and whether any of
    // its rows spent (read only once a second row comes, so most rows parse their spend once).
    let mut seen: HashMap<(Date, &str), (usize, usize, Option<bool>)> = HashMap::new();
    let mut unknown: Vec<UnknownChannel> = Vec::new();
    let mut unknown_index: HashMap<&str, usize> = HashMap::new();
    let mut summaries: Vec<usize> = Vec::new();
    let mut ignored: Vec<(&str, usize)> = Vec::new();
    let mut leniency = Leniency::default();
    // Per channel: rows with spend, and of them those whose counts the pricing needs are blank.
    let mut funded = vec![(0usize, 0usize); channels.len()];
    let mut entries: Vec<Entry> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if reader.is_summary(row) {
            summaries.push(source.line_of(row.first().map_or(0, |f| f.span.start)));
            continue;
        }
        let (date_field, date_column) = reader.cell(row, Figure::Date)?;
        let date = reader.date(date_field, date_column)?;
        let (channel_field, channel_column) = reader.cell(row, Figure::Channel)?;
        let campaign = crate::output::csv_files::unneutralised(channel_field.value.as_ref());
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
        let destination = campaigns.destination(campaign);
        if destination == Destination::Ignored {
            match ignored.iter_mut().find(|(name, _)| *name == campaign) {
                Some((_, rows)) => *rows += 1,
                None => ignored.push((campaign, 1)),
            }
            continue;
        }
        match seen.entry((date, campaign)) {
            hash_map::Entry::Occupied(mut first) => {
                let (at, first_index, spent) = *first.get();
                let spent = spent.unwrap_or_else(|| reader.spend(&rows[first_index]) > 0.0);
                let spends = reader.spend(row) > 0.0;
                if spent && spends {
                    return Err(source.error(
                        channel_field.span.clone(),
                        channel_column,
                        format!(
                            "a second row with spend for {date} and `{campaign}` (the first is \
                             line {}): each day and campaign spends on one row (a refund or a \
                             retracted conversion may come on a row of its own without spend); \
                             is the export in the file twice?",
                            source.line_of(at)
                        ),
                    ));
                }
                first.insert((at, first_index, Some(spent || spends)));
                leniency.adjustments += 1;
            }
            hash_map::Entry::Vacant(slot) => {
                slot.insert((channel_field.span.start, index, None));
            }
        }
        let mapped = match destination {
            Destination::Mapped(channel) => Some(channel),
            _ => None,
        };
        let name = mapped.unwrap_or(campaign);
        let Some(&channel) = channel_index.get(name) else {
            let spend = reader.spend(row);
            match unknown_index.get(name) {
                Some(&known) => {
                    unknown[known].rows += 1;
                    unknown[known].spend += spend;
                }
                None => {
                    unknown_index.insert(name, unknown.len());
                    unknown.push(UnknownChannel {
                        name: name.to_owned(),
                        campaign: mapped.map(|_| campaign.to_owned()),
                        rows: 1,
                        spend,
                        span: channel_field.span.clone(),
                        column: channel_column,
                    });
                }
            }
            continue;
        };
        let figures = reader.figures(row, &channels[channel], &mut leniency)?;
        if figures.spend > 0.0 {
            funded[channel].0 += 1;
            funded[channel].1 += usize::from(leniency.needed_blank);
        }
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
            unknown_channels_message(&unknown, channels, campaigns),
        ));
    }
    let never: Vec<String> = channels
        .iter()
        .zip(&funded)
        .filter(|(_, (rows, blank))| *rows > 0 && blank == rows)
        .map(|(c, _)| format!("'{}' ({})", c.name, c.pricing.as_str()))
        .collect();
    if !never.is_empty() {
        return Err(ScenarioError::whole_file(
            origin,
            format!(
                "{} never report the counts their pricing is bought by (cpm: impressions and \
                 clicks; cpc: clicks; cpl: leads) on a day with spend: set each channel's \
                 pricing to what its rows report (cpa needs no count)",
                if never.len() == 1 {
                    format!("the rows of channel {}", never[0])
                } else {
                    format!("the rows of channels {}", list(never.into_iter()))
                }
            ),
        ));
    }
    if entries.is_empty() && (!summaries.is_empty() || !ignored.is_empty()) {
        return Err(no_data_rows(&source, &header));
    }
    let notes = read_notes(&summaries, &ignored, &leniency);
    assemble(&source, entries, channels, notes, options)
}

/// The error of a history whose header has no data rows under it.
fn no_data_rows(source: &Source<'_>, header: &records::Header<'_>) -> ScenarioError {
    source.error(
        header.span(),
        1,
        "has a header but no data rows: a history has one row per day and campaign under its \
         header"
            .into(),
    )
}

/// What the reader passed over or read generously, in words.
fn read_notes(summaries: &[usize], ignored: &[(&str, usize)], leniency: &Leniency) -> Vec<String> {
    let mut notes = Vec::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if !summaries.is_empty() {
        notes.push(format!(
            "skipped {} (line{} {}): totals are not days",
            plural(
                summaries.len(),
                "total or summary row",
                "total or summary rows"
            ),
            if summaries.len() == 1 { "" } else { "s" },
            list(summaries.iter().map(usize::to_string))
        ));
    }
    if !ignored.is_empty() {
        let rows: usize = ignored.iter().map(|(_, rows)| rows).sum();
        notes.push(format!(
            "left out {} of {} that ignore_campaigns names: {}",
            plural(rows, "row", "rows"),
            plural(ignored.len(), "campaign", "campaigns"),
            list(ignored.iter().map(|(name, _)| format!("`{name}`")))
        ));
    }
    if leniency.blank_results > 0 {
        notes.push(format!(
            "{} with spend left a result blank (conversions, revenue, or a count the pricing \
             needs): read as 0, as exports leave a day without results blank",
            plural(leniency.blank_results, "row", "rows")
        ));
    }
    if leniency.adjustments > 0 {
        notes.push(format!(
            "{} without spend add to a day and campaign that has another row (refunds, retracted \
             or late conversions booked apart): netted into the day",
            plural(leniency.adjustments, "row", "rows")
        ));
    }
    if let Some((line, text)) = &leniency.first_dotted_count {
        notes.push(format!(
            "read {} such as `{text}` (line {line}) as thousands, {}: impressions, clicks and \
             leads are whole, and no number in the file writes decimals",
            plural(leniency.dotted_counts, "count", "counts"),
            parse_number(text, Some(Decimal::Comma))
                .ok()
                .flatten()
                .map_or_else(String::new, |v| thousands(v, 0))
        ));
    }
    if let Some((line, example)) = &leniency.first_fractional_count {
        notes.push(format!(
            "{} a fraction, such as {example} (line {line}): impressions and clicks are whole \
             counts, so check that the column holds what its header says (not an average or a \
             rate); read as written",
            if leniency.fractional_counts == 1 {
                "1 impression or click cell holds".to_owned()
            } else {
                format!(
                    "{} impression or click cells hold",
                    leniency.fractional_counts
                )
            }
        ));
    }
    if leniency.view_through > 0 {
        notes.push(format!(
            "{} more conversions than clicks (or leads), view-through conversions most \
             likely: each counts at most one conversion per click, with its revenue in full",
            plural(leniency.view_through, "row reports", "rows report")
        ));
    }
    notes
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
    /// The money its rows spent (0 where a cell is no number).
    spend: f64,
    span: Range<usize>,
    column: usize,
}

fn unknown_channels_message(
    unknown: &[UnknownChannel],
    channels: &[ChannelSpec<'_>],
    campaigns: &Campaigns,
) -> String {
    let lines: Vec<String> = unknown
        .iter()
        .map(|u| {
            let rows = if u.rows == 1 {
                "1 row".to_owned()
            } else {
                format!("{} rows", u.rows)
            };
            let spent = thousands(u.spend, 2);
            let mut text = match &u.campaign {
                Some(campaign) => format!(
                    "  '{}' (campaign `{campaign}` maps to it in [channel_of]; {rows}, {spent} \
                     spent)",
                    u.name
                ),
                None => format!("  '{}' ({rows}, {spent} spent)", u.name),
            };
            let folded = u.name.to_lowercase();
            if let Some(same) = channels.iter().find(|c| c.name.to_lowercase() == folded) {
                text.push_str(&format!(
                    " differs from channel '{}' only in case",
                    same.name
                ));
            }
            text
        })
        .collect();
    let account = if channels.is_empty() {
        "the account has no channels".to_owned()
    } else {
        format!(
            "the account's channels are {}",
            list(channels.iter().map(|c| format!("'{}'", c.name)))
        )
    };
    // The example maps the first unknown name to the channel whose name shares most words with
    // it (`Retargeting | DPA` to `meta-retargeting`), or to a blank to fill in where none does.
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 1)
            .map(str::to_lowercase)
            .collect()
    };
    let example = unknown
        .iter()
        .find(|u| u.campaign.is_none())
        .map(|u| {
            let named = words(&u.name);
            let channel = channels
                .iter()
                .rev()
                .map(|c| {
                    (
                        words(c.name).iter().filter(|w| named.contains(w)).count(),
                        c,
                    )
                })
                .filter(|(shared, _)| *shared > 0)
                .max_by_key(|(shared, _)| *shared)
                .map_or("…", |(_, c)| c.name);
            format!(", e.g. `\"{}\" = \"{channel}\"`", u.name)
        })
        .unwrap_or_default();
    let (count, them, their) = if unknown.len() == 1 {
        ("a channel".to_owned(), "it", "its")
    } else {
        (format!("{} channels", unknown.len()), "each", "their")
    };
    let rules = if campaigns.has_rules() {
        " (no name or pattern of [channel_of] matches them)"
    } else {
        ""
    };
    format!(
        "rows name {count} the account does not have{rules}:\n{}\n{account}; list {them} \
         under [[channels]], map {their} campaigns to a channel of the account in [channel_of] \
         (by name, or by a pattern such as `\"Search | *\" = \"search\"`){example}, or leave \
         {them} out with ignore_campaigns = [\"…\"]",
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::numbers::{Decimal, decimal_evidence, parse_number};
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
        let campaigns = Campaigns::new(channel_of.iter().copied(), []);
        parse_history("h.csv", text, columns, &campaigns, channels)
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

    /// In a file of whole numbers, `1.500` is a decimal point to an English reader and a
    /// thousands dot to a Nordic one: in a count it can only be thousands, and is read so with
    /// a note; in money or conversions it is an error that gives both readings.
    #[test]
    fn a_dotted_thousand_in_a_file_of_whole_numbers_is_not_taken_for_decimals() {
        let text = with_header(
            "2026-11-01,display,12,1.500,20,,2,100\n\
             2026-11-02,display,14,22.250,25,,3,120\n",
        );
        let history = parse(&text, &[DISPLAY]).unwrap();
        assert_eq!(history.day(0)[0].impressions, Some(1500.0));
        assert_eq!(history.day(1)[0].impressions, Some(22250.0));
        assert_eq!(
            history.notes,
            [
                "read 2 counts such as `1.500` (line 2) as thousands, 1,500: impressions, clicks \
              and leads are whole, and no number in the file writes decimals"
            ]
        );
        assert_fails(
            parse(
                &with_header("2026-11-01,display,1.500,2000,20,,2,100\n"),
                &[DISPLAY],
            ),
            "h.csv:2:3",
            &["spend `1.500` reads two ways", "1.5", "1,500"],
        );
        // Where the file writes decimals, its convention settles it and nothing is said.
        let text = with_header(
            "2026-11-01,display,12.50,2000,20,,2,100\n\
             2026-11-02,display,1.500,2000,20,,2,100\n",
        );
        let history = parse(&text, &[DISPLAY]).unwrap();
        assert_eq!(history.day(1)[0].spend, 1.5);
        assert!(history.notes.is_empty(), "{:?}", history.notes);
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
        let text = "Day,Campaign,Cost,Taps,Conversions,Revenue\n2026-11-01,search,1,1,1,1\n";
        let columns = ColumnNames {
            date: "Day".into(),
            channel: "Campaign".into(),
            ..ColumnNames::default()
        };
        assert_fails(
            parse_with(text, &columns, &[], &[SEARCH]),
            "h.csv:1:1",
            &[
                "the header lacks 2 columns the account needs (a column is found by its header, \
                 case and spaces around it aside):\n  \
                 `spend`: the money spent; if the file's `Cost` holds it, set `spend = \"Cost\"` \
                 under [columns]\n  \
                 `clicks`: the clicks, needed because channel 'search' is cpc; set `clicks = \
                 \"…\"` under [columns] to the file's header for it\n\
                 the file's columns are `Day`, `Campaign`, `Cost`, `Taps`, `Conversions`, \
                 `Revenue`; `budget-bandit init account --from FILE`",
            ],
        );
        // Headers match without regard to case and surrounding spaces.
        let text = "DAY , campaign,Cost,CLICKS,conversions,Revenue\n2026-11-01,search,1,1,1,1\n";
        let columns = ColumnNames {
            date: "day".into(),
            channel: "Campaign ".into(),
            spend: "cost".into(),
            ..ColumnNames::default()
        };
        assert_eq!(parse_with(text, &columns, &[], &[SEARCH]).unwrap().days, 1);
        // Counts only some pricing needs.
        let base = "date,channel,spend,conversions,revenue\n2026-11-01,x,1,1,1\n";
        let only = |pricing| ChannelSpec { name: "x", pricing };
        assert!(parse(base, &[only(Pricing::Cpa)]).is_ok());
        assert_fails(
            parse(base, &[only(Pricing::Cpl)]),
            "h.csv:1:1",
            &["`leads`: the leads, needed because channel 'x' is cpl"],
        );
        assert_fails(
            parse(base, &[only(Pricing::Cpm)]),
            "h.csv:1:1",
            &["lacks 2 columns", "\n  `impressions`: ", "\n  `clicks`: "],
        );
        // A header named twice is ambiguous.
        let twice = "date,channel,spend,spend,conversions,revenue\n2026-11-01,x,1,1,1,1\n";
        let folded = "date,channel,Spend,SPEND,conversions,revenue\n2026-11-01,x,1,1,1,1\n";
        assert_fails(
            parse(folded, &[only(Pricing::Cpa)]),
            "h.csv:1:4",
            &["two columns `Spend` and `SPEND` (columns 3 and 4)"],
        );
        assert_fails(
            parse(twice, &[only(Pricing::Cpa)]),
            "h.csv:1:4",
            &["two columns `spend` and `spend` (columns 3 and 4)"],
        );
    }

    #[test]
    fn dates_are_read_in_every_unambiguous_form() {
        for (date, phrase) in [
            (
                "11/02/2026",
                "`11/02/2026` could be day/month or month/day, and no date of the file has a day \
                 above 12",
            ),
            ("2026-02-30", "`2026-02-30` is not a day of the calendar"),
            ("30.02.2026", "`30.02.2026` is not a day of the calendar"),
            (
                "yesterday",
                "`yesterday` is not a date: dates are read as 2025-01-06, 06.01.2025",
            ),
            ("", "the date is empty"),
        ] {
            let text = with_header(&format!("{date},search,1,,1,,1,1\n"));
            assert_fails(parse(&text, &[SEARCH]), "h.csv:2:1", &[phrase]);
        }
        let day = |text: &str| parse(&with_header(text), &[SEARCH]).unwrap();
        let rows = "02.11.2026,search,1,,1,,1,1\n3 Nov 2026,search,1,,1,,1,1\n\
                    \"November 4, 2026\",search,1,,1,,1,1\n";
        let history = day(rows);
        assert_eq!(history.first_date.to_string(), "2026-11-02");
        assert_eq!(history.days, 3);
        assert!(history.figures.iter().all(|f| f.spend == 1.0));
        // Slashed dates: the file's day above 12 settles the order.
        let us = day("11/02/2026,search,1,,1,,1,1\n11/13/2026,search,1,,1,,1,1\n");
        assert_eq!(us.first_date.to_string(), "2026-11-02");
        assert_eq!(us.days, 12);
        let european = day("02/11/2026,search,1,,1,,1,1\n13/11/2026,search,1,,1,,1,1\n");
        assert_eq!(european.first_date.to_string(), "2026-11-02");
        assert_eq!(european.days, 12);
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
                "2026-11-01,search,5,-1,1,,1,1",
                "h.csv:2:4",
                "negative impressions `-1`: impressions is a count",
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
    fn exports_are_read_as_exported() {
        // Blank results on days with spend are 0; a count a pricing needs too.
        let text = with_header(
            "2026-11-01,search,5,,,,,\n\
             2026-11-02,search,5,,7,,,12.5\n\
             2026-11-03,search,5,,7,,2,--\n",
        );
        let history = parse(&text, &[SEARCH]).unwrap();
        let day = |d: usize| history.day(d)[0];
        assert_eq!(
            (day(0).clicks, day(0).conversions, day(0).revenue),
            (Some(0.0), 0.0, 0.0)
        );
        assert_eq!((day(1).conversions, day(1).revenue), (0.0, 12.5));
        assert_eq!((day(2).conversions, day(2).revenue), (2.0, 0.0));
        assert_eq!(history.notes.len(), 1, "{:?}", history.notes);
        assert!(history.notes[0].starts_with("3 rows with spend left a result blank"));

        // Refunds and retractions net into the day; a day below zero reads as none.
        let text = with_header(
            "2026-11-01,Brand,5,,7,,3,300\n\
             2026-11-01,Generic,0,,,,-1,-120\n\
             2026-11-02,Brand,5,,7,,0,-80\n",
        );
        let history = parse_with(
            &text,
            &ColumnNames::default(),
            &[("Brand", "search"), ("Generic", "search")],
            &[SEARCH],
        )
        .unwrap();
        assert_eq!(
            (history.day(0)[0].conversions, history.day(0)[0].revenue),
            (2.0, 180.0)
        );
        assert_eq!(history.day(1)[0].revenue, 0.0);
        assert_eq!(
            history.notes,
            [
                "one day's channel total netted below zero after refunds or retracted conversions \
              (2026-11-02 search): read as no revenue that day"
            ]
        );

        // View-through conversions above the clicks count up to the clicks, revenue in full.
        let text = with_header("2026-11-01,search,5,,10,,12,600\n");
        let history = parse(&text, &[SEARCH]).unwrap();
        assert_eq!(
            (history.day(0)[0].conversions, history.day(0)[0].revenue),
            (10.0, 600.0)
        );
        assert!(history.notes[0].starts_with("1 row reports more conversions than clicks"));

        // A fraction of a click, in a file that writes decimals, is read and pointed out.
        let text =
            with_header("2026-11-01,search,5.50,,1.5,,3,600\n2026-11-02,search,5.50,,2.5,,1,60\n");
        let history = parse(&text, &[SEARCH]).unwrap();
        assert_eq!(history.day(0)[0].clicks, Some(1.5));
        assert_eq!(
            history.notes[0],
            "2 impression or click cells hold a fraction, such as clicks `1.5` (line 2): \
             impressions and clicks are whole counts, so check that the column holds what its \
             header says (not an average or a rate); read as written"
        );
        assert!(history.notes[1].starts_with("1 row reports more conversions than clicks"));

        // Total and summary rows, and footers, are skipped and counted.
        let text = "Campaign report\nJanuary 1, 2026 - January 31, 2026\n\
                    Day,Campaign,Cost,Clicks,Conversions,Conv. value\n\
                    ,,15.00,21,4,240\n\
                    2026-11-01,search,5.00,7,2,120\n\
                    2026-11-02,search,10.00,14,2,120\n\
                    Total: Account,--,15.00,21,4,240\n\
                    --,Total: Search,15.00,21,4,240\n\
                    ©2026 Microsoft Corporation. All rights reserved.\n";
        let columns = ColumnNames {
            date: "day".into(),
            channel: "CAMPAIGN".into(),
            spend: " cost ".into(),
            conversions: "Conversions".into(),
            revenue: "conv. VALUE".into(),
            ..ColumnNames::default()
        };
        let history = parse_with(text, &columns, &[], &[SEARCH]).unwrap();
        assert_eq!(history.days, 2);
        assert_eq!(history.day(1)[0].spend, 10.0);
        assert_eq!(
            history.notes,
            ["skipped 4 total or summary rows (lines 4, 7, 8, 9): totals are not days"]
        );

        // Meta's summary row: the report's first and last days, no campaign.
        let text = "Reporting starts,Reporting ends,Campaign name,Amount spent (NOK),Link clicks,Purchases,Value\n\
                    2026-11-01,2026-11-02,,15.00,21,4,240\n\
                    2026-11-01,2026-11-01,search,5.00,7,2,120\n\
                    2026-11-02,2026-11-02,search,10.00,14,2,120\n";
        let columns = ColumnNames {
            date: "Reporting starts".into(),
            channel: "Campaign name".into(),
            spend: "Amount spent (NOK)".into(),
            clicks: "Link clicks".into(),
            conversions: "Purchases".into(),
            revenue: "Value".into(),
            ..ColumnNames::default()
        };
        let history = parse_with(text, &columns, &[], &[SEARCH]).unwrap();
        assert_eq!((history.days, history.day(1)[0].spend), (2, 10.0));
        assert_eq!(
            history.notes,
            ["skipped 1 total or summary row (line 2): totals are not days"]
        );
        // A dated row without a campaign and without a later date is a day, and an error.
        let text = "Reporting starts,Reporting ends,Campaign name,Amount spent (NOK),Link clicks,Purchases,Value\n\
                    2026-11-01,2026-11-01,,15.00,21,4,240\n";
        assert!(parse_with(text, &columns, &[], &[SEARCH]).is_err());

        // Campaigns left out, and patterns.
        let text = with_header(
            "2026-11-01,Search | Brand,5,,7,,2,120\n\
             2026-11-01,Search | Generic,5,,7,,2,120\n\
             2026-11-01,Test | Search,50,,70,,2,120\n\
             2026-11-02,Test | Search,50,,70,,2,120\n",
        );
        let campaigns = Campaigns::new([("search | *", "search")], ["Test*"]);
        let history = parse_history(
            "h.csv",
            &text,
            &ColumnNames::default(),
            &campaigns,
            &[SEARCH],
        )
        .unwrap();
        assert_eq!(history.days, 1);
        assert_eq!(history.day(0)[0].spend, 10.0);
        assert_eq!(
            history.notes,
            ["left out 2 rows of 1 campaign that ignore_campaigns names: `Test | Search`"]
        );
        // A history of nothing but left-out rows has no data rows.
        let campaigns = Campaigns::new([], ["*"]);
        let error = parse_history(
            "h.csv",
            &text,
            &ColumnNames::default(),
            &campaigns,
            &[SEARCH],
        )
        .unwrap_err();
        assert!(error.to_string().contains("no data rows"), "{error}");
    }

    #[test]
    fn a_date_apart_from_the_history_is_called_mistyped() {
        let days: String = (1..=20)
            .map(|d| format!("2025-03-{d:02},search,1,,1,,1,1\n"))
            .collect();
        let typo = with_header(&format!("{days}2024-03-21,search,1,,1,,1,1\n"));
        assert_fails(
            parse(&typo, &[SEARCH]),
            "h.csv:22:1",
            &[
                "2024-03-21 stands apart from the history: no row falls between 2024-03-21 and \
               2025-03-01 (344 days)",
                "is 2024-03-21 mistyped?",
            ],
        );
        // Kept where the account asks, with a note.
        let campaigns = Campaigns::new([], []);
        let kept = parse_history_with(
            "h.csv",
            &typo,
            &ColumnNames::default(),
            &campaigns,
            &[SEARCH],
            ReadOptions {
                keep_stray_dates: true,
                today: None,
            },
        )
        .unwrap();
        assert_eq!(kept.first_date.to_string(), "2024-03-21");
        assert_eq!(
            kept.notes,
            [
                "kept dates that stand apart (2024-03-21, 344 days from the rest), as \
              keep_stray_dates asks"
            ]
        );
        let future = with_header(&format!("{days}2025-05-21,search,1,,1,,1,1\n"));
        assert_fails(
            parse(&future, &[SEARCH]),
            "h.csv:22:1",
            &["is 2025-05-21 mistyped?"],
        );
        // A pause of a month inside a history is no typo.
        let paused = with_header(&format!(
            "{days}{}",
            (1..=10)
                .map(|d| format!("2025-05-{d:02},search,1,,1,,1,1\n"))
                .collect::<String>()
        ));
        let read = parse(&paused, &[SEARCH]).unwrap();
        assert_eq!(read.days, 71);
        assert_eq!(
            read.notes,
            [
                "no row falls between 2025-03-20 and 2025-05-01 (41 days): read as days without \
              spend on every channel; if the export left out a part, export it again"
            ]
        );
    }

    #[test]
    fn a_last_day_after_today_and_a_gap_is_called_mistyped() {
        let days: String = (1..=20)
            .map(|d| format!("2025-03-{d:02},search,1,,1,,1,1\n"))
            .collect();
        let read = |text: &str, today: &str| {
            parse_history_with(
                "h.csv",
                text,
                &ColumnNames::default(),
                &Campaigns::new([], []),
                &[SEARCH],
                ReadOptions {
                    keep_stray_dates: false,
                    today: Date::parse(today),
                },
            )
        };
        // 2025-03-30 for 2025-03-20, read on 2025-03-21: nine days too late.
        let typo = with_header(&format!("{days}2025-03-30,search,1,,1,,1,1\n"));
        assert_fails(
            read(&typo, "2025-03-21"),
            "h.csv:22:1",
            &[
                "2025-03-30 is after today (2025-03-21) and follows a gap: no row falls between \
                 2025-03-20 and 2025-03-30 (9 days)",
                "is 2025-03-30 mistyped?",
                "keep_stray_dates = true",
            ],
        );
        // Read ten days later, the same history is a gap in the past, not a typo.
        assert_eq!(read(&typo, "2025-03-31").unwrap().days, 30);
        // Tomorrow is allowed for time zones ahead of UTC.
        let tomorrow = with_header(&format!("{days}2025-03-22,search,1,,1,,1,1\n"));
        assert_eq!(read(&tomorrow, "2025-03-21").unwrap().days, 22);
        // A history that runs into the future without a gap is read as written (a simulated one).
        let running = with_header(&format!(
            "{days}{}",
            (21..=31)
                .map(|d| format!("2025-03-{d:02},search,1,,1,,1,1\n"))
                .collect::<String>()
        ));
        assert_eq!(read(&running, "2025-03-10").unwrap().days, 31);
        // Without a clock, or where the account keeps stray dates, the gap is read.
        let unclocked = parse(&typo, &[SEARCH]).unwrap();
        assert_eq!(unclocked.days, 30);
        let kept = parse_history_with(
            "h.csv",
            &typo,
            &ColumnNames::default(),
            &Campaigns::new([], []),
            &[SEARCH],
            ReadOptions {
                keep_stray_dates: true,
                today: Date::parse("2025-03-21"),
            },
        )
        .unwrap();
        assert_eq!(
            kept.notes,
            [
                "kept dates that stand apart (2025-03-30, after today and 9 days from the rest), \
              as keep_stray_dates asks"
            ]
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
        let text = with_header(&rows.replace(
            "2026-11-01,display,1,1000,5,,1,1",
            "2026-11-01,display,1,4,5,,1,1",
        ));
        assert_fails(
            parse(&text, &all),
            "h.csv:3:5",
            &["clicks `5` exceed impressions `4` on this row: channel 'display' is cpm"],
        );
        // A cpm row with spend and blank impressions and clicks reads them as none...
        let blank = rows.replace("display,1,1000,5,,1", "display,1,,,,0");
        let text = with_header(&format!("{blank}2026-11-02,display,1,900,4,,1,1\n"));
        let history = parse(&text, &all).unwrap();
        assert_eq!(history.day(0)[1].impressions, Some(0.0));
        assert_eq!(history.day(0)[1].clicks, Some(0.0));
        // ...but a channel whose rows never report them is priced by something else.
        assert_fails(
            parse(&with_header(&blank), &all),
            "h.csv",
            &[
                "the rows of channel 'display' (cpm) never report the counts their pricing is \
               bought by",
            ],
        );
        // Conversions above the leads count up to the leads.
        let text = with_header(&rows.replace("forms,1,,,4,1,1", "forms,1,,,4,5,1"));
        assert_eq!(parse(&text, &all).unwrap().day(0)[2].conversions, 4.0);
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
                "rows name 3 channels the account does not have:\n  \
                 'Brand Search' (2 rows, 2.00 spent)\n  \
                 'video' (campaign `YT launch` maps to it in [channel_of]; 1 row, 1.00 spent)\n  \
                 'Search' (1 row, 1.00 spent) differs from channel 'search' only in case\n",
                "the account's channels are 'search'",
                "[[channels]]",
                "e.g. `\"Brand Search\" = \"search\"`",
                "ignore_campaigns",
            ],
        );
        // The example's channel is the one sharing most words with the name, or a blank.
        let text = with_header("2026-11-01,Retargeting | DPA,1,,1,,1,1\n");
        let channels = [
            SEARCH,
            ChannelSpec {
                name: "meta-retargeting",
                pricing: Pricing::Cpm,
            },
        ];
        assert_fails(
            parse_with(&text, &ColumnNames::default(), &[], &channels),
            "h.csv:2:2",
            &["e.g. `\"Retargeting | DPA\" = \"meta-retargeting\"`"],
        );
        let text = with_header("2026-11-01,Spring sale,1,,1,,1,1\n");
        assert_fails(
            parse_with(&text, &ColumnNames::default(), &[], &channels),
            "h.csv:2:2",
            &["e.g. `\"Spring sale\" = \"…\"`"],
        );
    }

    /// A figure beyond ten trillion, a typo or a unit mixed up, is refused where it stands
    /// instead of reaching the fitted scenario as a 300-digit number.
    #[test]
    fn figures_beyond_ten_trillion_are_refused() {
        for (row, column) in [
            ("2026-11-01,search,1,,1,,1,1e300\n", 8),
            ("2026-11-01,search,20000000000000,,1,,1,1\n", 3),
            ("2026-11-01,search,1,,1,,1,-2e13\n", 8),
        ] {
            assert_fails(
                parse(&with_header(row), &[SEARCH]),
                &format!("h.csv:2:{column}"),
                &["is beyond 10,000,000,000,000, the most one row's"],
            );
        }
        let history = parse(
            &with_header("2026-11-01,search,1,,1,,1,9999999999999\n"),
            &[SEARCH],
        );
        assert!(history.is_ok());
    }

    #[test]
    fn a_day_and_campaign_spends_on_one_row_and_rows_without_spend_are_netted_into_it() {
        let text = with_header(
            "2026-11-01,Brand,1,,1,,1,1\n\
             2026-11-01,Generic,1,,1,,1,1\n\
             2026-11-02,Brand,1,,1,,1,1\n\
             2026-11-01, Brand ,1,,1,,1,1\n",
        );
        let map = [("Brand", "search"), ("Generic", "search")];
        assert_fails(
            parse_with(&text, &ColumnNames::default(), &map, &[SEARCH]),
            "h.csv:5:2",
            &[
                "a second row with spend for 2026-11-01 and `Brand` (the first is line 2)",
                "is the export in the file twice?",
            ],
        );
        // A refund and a late conversion booked on rows of their own, before and after the
        // day's row with spend.
        let text = with_header(
            "2026-11-01,Brand,0,,,,-1,-40\n\
             2026-11-01,Brand,10,,5,,2,100\n\
             2026-11-01,Brand,0,,,,1,15\n\
             2026-11-02,Brand,10,,5,,1,50\n",
        );
        let history = parse_with(&text, &ColumnNames::default(), &map, &[SEARCH]).unwrap();
        let day = history.day(0)[0];
        assert_eq!((day.spend, day.conversions, day.revenue), (10.0, 2.0, 75.0));
        assert!(
            history
                .notes
                .iter()
                .any(|n| n.starts_with("2 rows without spend add to a day")),
            "{:?}",
            history.notes
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
            read_history(
                &path,
                &ColumnNames::default(),
                &Campaigns::default(),
                &[SEARCH],
            )
        };
        let utf8 = read("utf8.csv", text.as_bytes()).unwrap();
        assert_eq!(utf8.day(0)[0].spend, 1.5);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read("utf16.csv", &utf16).unwrap(), utf8);
        utf16.push(b'\n');
        let message = read("odd.csv", &utf16).unwrap_err().to_string();
        assert!(message.contains("odd number of bytes"), "{message}");

        let mut latin1 = text.into_bytes();
        latin1.extend(b"2026-11-02,caf\xe9,1,,1,,1,1\n");
        let message = read("latin1.csv", &latin1).unwrap_err().to_string();
        assert!(message.ends_with("latin1.csv: is not UTF-8 text: line 3 has the byte 0xE9; save the history as UTF-8 CSV (in a spreadsheet, \"CSV UTF-8\")"), "{message}");
        let missing = dir.path().join("missing.csv");
        let message = read_history(
            &missing,
            &ColumnNames::default(),
            &Campaigns::default(),
            &[SEARCH],
        )
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
        let campaigns = Campaigns::new([("Brand", "search"), ("Gen*", "search")], ["Test*"]);
        if let Ok(history) =
            parse_history("h.csv", text, &ColumnNames::default(), &campaigns, channels)
        {
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
