//! The data rows of a history: each row's figures, read and checked against its channel's
//! pricing, and the rows summed into the dense table of days and channels.

use std::ops::Range;

use super::columns::{Figure, Layout, pricing_needs};
use super::dates::{ACCEPTED_DATES, DateOrder, DateProblem, order_evidence, parse_date};
use super::numbers::{Decimal, NumberProblem, decimal_evidence, dot_or_thousands, parse_number};
use super::records::{Field, Row, Source};
use super::{ChannelSpec, ColumnNames, DayFigures, History, MAX_HISTORY_DAYS, list};
use crate::account::date::Date;
use crate::channel::Pricing;
use crate::error::ScenarioError;

/// The forms of a number the reader accepts, as messages give them.
use super::MAX_FIGURE;

const ACCEPTED_NUMBERS: &str = "a number is digits with an optional decimal point or comma, \
     thousands separators and a currency, such as 1234.5, 1,234.50, 1.234,50, $1,234 or \
     1 234,50 kr";

/// One known row's figures, before the rows of a day and channel are summed.
pub(super) struct Entry {
    pub(super) date: Date,
    pub(super) channel: usize,
    pub(super) figures: DayFigures,
    /// The date field, where an error about the span of the history points.
    pub(super) at: (Range<usize>, usize),
}

/// Reads the figures of data rows.
pub(super) struct RowReader<'a> {
    pub(super) source: &'a Source<'a>,
    pub(super) layout: &'a Layout,
    pub(super) columns: &'a ColumnNames,
    pub(super) decimal: Option<Decimal>,
    /// The file's order of day and month in slashed dates, where its dates show one.
    pub(super) dates: Option<DateOrder>,
}

/// What the reader read generously, counted for the notes of [`History`].
#[derive(Debug, Default)]
pub(super) struct Leniency {
    /// Rows with spend whose conversions, revenue or a count the pricing needs were blank.
    pub(super) blank_results: usize,
    /// Rows with more conversions than clicks (or leads): view-through conversions.
    pub(super) view_through: usize,
    /// Whether the last row read had spend and left blank a count its pricing needs.
    pub(super) needed_blank: bool,
    /// Rows without spend for a day and campaign that has another row: refunds, retracted or
    /// late conversions booked apart, netted into the day.
    pub(super) adjustments: usize,
    /// Count cells such as `1.500` in a file that writes no decimals, read as thousands, and
    /// the first one's row and text.
    pub(super) dotted_counts: usize,
    pub(super) first_dotted_count: Option<(usize, String)>,
    /// Impressions or clicks with a fraction (`1.5` clicks), read as written, and the first
    /// one's row and text.
    pub(super) fractional_counts: usize,
    pub(super) first_fractional_count: Option<(usize, String)>,
}

impl RowReader<'_> {
    /// The column as messages name it: its key, and the file's header when it differs.
    pub(super) fn label(&self, figure: Figure) -> String {
        let header = figure.header(self.columns);
        if header == figure.key() {
            figure.key().to_owned()
        } else {
            format!("{} (`{header}`)", figure.key())
        }
    }

    /// The field of a column the file has, and its one-based column; a row too short to
    /// have it is an error.
    pub(super) fn cell<'r>(
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

    pub(super) fn date(&self, field: &Field<'_>, column: usize) -> Result<Date, ScenarioError> {
        let text = field.value.as_ref();
        let problem = match parse_date(text, self.dates) {
            Ok(date) => return Ok(date),
            Err(problem) => problem,
        };
        let message = if text.is_empty() {
            format!("the date is empty: every row needs its day; {ACCEPTED_DATES}")
        } else {
            match problem {
                DateProblem::NoSuchDay => format!("`{text}` is not a day of the calendar"),
                DateProblem::Ambiguous => format!(
                    "`{text}` could be day/month or month/day, and no date of the file has a \
                     day above 12 to tell which: export the report with dates such as \
                     2025-01-06"
                ),
                DateProblem::Unknown => format!("`{text}` is not a date: {ACCEPTED_DATES}"),
            }
        };
        Err(self.source.error(field.span.clone(), column, message))
    }

    /// Whether a row is an export's total, summary or footer line rather than a day: its
    /// date cell is no date, and it says it is a total (a cell whose first word is `Total`,
    /// `Totals`, `Totalt`, `Sum`, `Summe`, `Gesamt` or `Grand`, as Google Ads writes `Total:
    /// Account`), or it has no campaign either (Meta's summary row), or it has a single
    /// filled cell (Microsoft Advertising's copyright line). A row with a date is a day,
    /// unless it has no campaign and a second, later date (Meta's summary row, from the
    /// report's first day to its last).
    pub(super) fn is_summary(&self, row: &Row<'_>) -> bool {
        let empty = |text: &str| matches!(text.trim(), "" | "-" | "--");
        let date = self
            .cell(row, Figure::Date)
            .ok()
            .map(|(f, _)| f.value.as_ref());
        if let Some(Ok(day)) = date.map(|d| parse_date(d, self.dates)) {
            let campaign = self
                .cell(row, Figure::Channel)
                .ok()
                .map(|(f, _)| f.value.as_ref());
            return campaign.is_some_and(empty)
                && row
                    .iter()
                    .any(|f| parse_date(&f.value, self.dates).is_ok_and(|other| other > day));
        }
        let says_total = |text: &str| {
            let first = text
                .split(|c: char| c.is_whitespace() || c == ':')
                .next()
                .unwrap_or("")
                .to_lowercase();
            matches!(
                first.as_str(),
                "total" | "totals" | "totalt" | "sum" | "summe" | "gesamt" | "grand"
            )
        };
        let campaign = self
            .cell(row, Figure::Channel)
            .ok()
            .map(|(f, _)| f.value.as_ref());
        row.iter().any(|f| says_total(&f.value))
            || (date.is_none_or(empty) && campaign.is_none_or(empty))
            || row.iter().filter(|f| !empty(&f.value)).count() <= 1
    }

    /// The spend of a row, 0 where it is no number (for the sums of messages).
    pub(super) fn spend(&self, row: &Row<'_>) -> f64 {
        self.cell(row, Figure::Spend)
            .ok()
            .and_then(|(f, _)| parse_number(&f.value, self.decimal).ok().flatten())
            .unwrap_or(0.0)
    }

    /// The number in a field: `None` when not reported; negative numbers are errors. In a
    /// file that writes no decimals anywhere, a cell such as `1.500` is read as thousands in a
    /// column of counts (impressions, clicks and leads are whole; `leniency` counts it for a
    /// note) and is an error in a column of money or conversions, where both readings are
    /// possible.
    fn number(
        &self,
        row: &Row<'_>,
        figure: Figure,
        leniency: &mut Leniency,
    ) -> Result<Option<f64>, ScenarioError> {
        if self.layout.get(figure).is_none() {
            return Ok(None);
        }
        let (field, column) = self.cell(row, figure)?;
        let text = field.value.as_ref();
        let fail = |message: String| Err(self.source.error(field.span.clone(), column, message));
        let label = self.label(figure);
        let mut decimal = self.decimal;
        if decimal.is_none() && dot_or_thousands(text) {
            if matches!(figure, Figure::Impressions | Figure::Clicks | Figure::Leads) {
                decimal = Some(Decimal::Comma);
                leniency.dotted_counts += 1;
                leniency.first_dotted_count.get_or_insert_with(|| {
                    (self.source.line_of(field.span.start), text.to_owned())
                });
            } else {
                return fail(format!(
                    "{label} `{text}` reads two ways, as {} with a decimal point or as {} with a \
                     thousands dot, and no other number in the file shows which its exporter \
                     writes; write it without the dot, or with the decimals it has (such as \
                     `1.50` or `1500`)",
                    parse_number(text, Some(Decimal::Point))
                        .ok()
                        .flatten()
                        .map_or_else(String::new, |v| v.to_string()),
                    parse_number(text, Some(Decimal::Comma))
                        .ok()
                        .flatten()
                        .map_or_else(String::new, |v| crate::output::table::thousands(v, 0)),
                ));
            }
        }
        let value = match parse_number(text, decimal) {
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
            Some(v) if v.abs() > MAX_FIGURE => fail(format!(
                "{label} `{text}` is beyond {}, the most one row's {} can be: a typo, or a \
                 figure in the wrong unit",
                crate::output::table::thousands(MAX_FIGURE, 0),
                figure.key()
            )),
            // Refunds and retracted conversions: netted into the day's total.
            Some(_) if matches!(figure, Figure::Revenue | Figure::Conversions) => Ok(value),
            // Impressions and clicks are whole; a fraction is read, and pointed out (leads may
            // be attributed in fractions, as conversions are).
            Some(v)
                if v >= 0.0
                    && v.fract() != 0.0
                    && matches!(figure, Figure::Impressions | Figure::Clicks) =>
            {
                leniency.fractional_counts += 1;
                leniency.first_fractional_count.get_or_insert_with(|| {
                    (
                        self.source.line_of(field.span.start),
                        format!("{label} `{text}`"),
                    )
                });
                Ok(value)
            }
            Some(v) if v < 0.0 => {
                let rule = match figure {
                    Figure::Spend => "spend cannot be below zero".to_owned(),
                    _ => format!("{} is a count and cannot be below zero", figure.key()),
                };
                fail(format!("negative {label} `{text}`: {rule}"))
            }
            _ => Ok(value),
        }
    }

    /// A known channel's row: its figures, checked against the channel's pricing.
    pub(super) fn figures(
        &self,
        row: &Row<'_>,
        channel: &ChannelSpec<'_>,
        leniency: &mut Leniency,
    ) -> Result<DayFigures, ScenarioError> {
        let at = |figure: Figure| -> Result<(Range<usize>, usize), ScenarioError> {
            let (field, column) = self.cell(row, figure)?;
            Ok((field.span.clone(), column))
        };
        let Some(spend) = self.number(row, Figure::Spend, leniency)? else {
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
        let mut impressions = self.number(row, Figure::Impressions, leniency)?;
        let mut clicks = self.number(row, Figure::Clicks, leniency)?;
        let mut leads = self.number(row, Figure::Leads, leniency)?;
        let conversions = self.number(row, Figure::Conversions, leniency)?;
        let revenue = self.number(row, Figure::Revenue, leniency)?;
        leniency.needed_blank = false;
        if spend > 0.0 {
            // An export leaves a result blank on a day without it (Meta's Purchases).
            let mut blank = revenue.is_none() || conversions.is_none();
            for (figure, value) in [
                (Figure::Impressions, &mut impressions),
                (Figure::Clicks, &mut clicks),
                (Figure::Leads, &mut leads),
            ] {
                if value.is_none() && pricing_needs(channel.pricing, figure) {
                    *value = Some(0.0);
                    blank = true;
                    leniency.needed_blank = true;
                }
            }
            if blank {
                leniency.blank_results += 1;
            }
        }
        let mut conversions = conversions.unwrap_or(0.0);
        if let (Some(c), Some(i)) = (clicks, impressions)
            && pricing_needs(channel.pricing, Figure::Impressions)
            && c > i + 1e-9 * i.max(1.0)
        {
            let (span, column) = at(Figure::Clicks)?;
            let text = |figure| {
                self.cell(row, figure)
                    .map(|(f, _)| f.value.to_string())
                    .unwrap_or_default()
            };
            return Err(self.source.error(
                span,
                column,
                format!(
                    "clicks `{}` exceed impressions `{}` on this row: channel '{}' is {}, so \
                     every click comes from an impression",
                    text(Figure::Clicks),
                    text(Figure::Impressions),
                    channel.name,
                    channel.pricing.as_str()
                ),
            ));
        }
        // Conversions above the clicks (or leads) are view-through conversions: the learners
        // count at most one conversion per click, and the revenue in full.
        let funnel = match channel.pricing {
            Pricing::Cpc | Pricing::Cpm => clicks,
            Pricing::Cpl => leads,
            Pricing::Cpa => None,
        };
        if let Some(top) = funnel
            && conversions > top + 1e-9 * top.max(1.0)
        {
            leniency.view_through += 1;
            conversions = top;
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
pub(super) fn assemble(
    source: &Source<'_>,
    entries: Vec<Entry>,
    channels: &[ChannelSpec<'_>],
    mut notes: Vec<String>,
    options: super::ReadOptions,
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
    // The history's distinct days, ascending, for the checks of dates that stand apart.
    let mut days: Vec<Date> = entries.iter().map(|e| e.date).collect();
    days.sort();
    days.dedup();
    let stray = stray_dates(&entries, &days)
        .or_else(|| options.today.and_then(|t| future_dates(&entries, &days, t)));
    if stray.is_none()
        && let Some(gap) = long_gaps(&days)
    {
        notes.push(gap);
    }
    if let Some(message) = stray {
        let (span_at, column) = message.1;
        if options.keep_stray_dates {
            notes.push(format!(
                "kept dates that stand apart ({}), as keep_stray_dates asks",
                message.2
            ));
        } else {
            return Err(source.error(span_at, column, message.0));
        }
    }
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
    let mut below_zero = Vec::new();
    for (index, day) in figures.iter_mut().enumerate() {
        if day.revenue < 0.0 || day.conversions < 0.0 {
            below_zero.push(format!(
                "{} {}",
                first.plus((index / width.max(1)) as i64),
                channels[index % width.max(1)].name
            ));
            day.revenue = day.revenue.max(0.0);
            day.conversions = day.conversions.max(0.0);
        }
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
    if !below_zero.is_empty() {
        let count = below_zero.len();
        notes.push(format!(
            "{} netted below zero after refunds or retracted conversions ({}): read as no \
             revenue that day",
            if count == 1 {
                "one day's channel total".to_owned()
            } else {
                format!("{count} days' channel totals")
            },
            list(below_zero.into_iter())
        ));
    }
    Ok(History {
        first_date: first,
        days,
        channels: width,
        figures,
        notes,
    })
}

/// How long a gap without any row must be for the few days beyond it to look mistyped.
const STRAY_GAP_DAYS: i64 = 28;
/// How many distinct days beyond such a gap still look like a typo rather than a history.
const STRAY_DAYS: usize = 3;

/// A date that stands apart from the history, as a mistyped year or month makes one: at most
/// [`STRAY_DAYS`] days at the start or the end, [`STRAY_GAP_DAYS`] or more days from the rest,
/// among `days`, the history's distinct days in ascending order. The message and where it
/// points.
fn stray_dates(
    entries: &[Entry],
    days: &[Date],
) -> Option<(String, (Range<usize>, usize), String)> {
    if days.len() <= 2 * STRAY_DAYS {
        return None;
    }
    let gap_after = |i: usize| days[i + 1].0 - days[i].0;
    let (stray, before, after) =
        if let Some(i) = (0..STRAY_DAYS).find(|&i| gap_after(i) >= STRAY_GAP_DAYS) {
            (days[0], days[i], days[i + 1])
        } else {
            let n = days.len();
            let i = (n - 1 - STRAY_DAYS..n - 1).find(|&i| gap_after(i) >= STRAY_GAP_DAYS)?;
            (days[n - 1], days[i], days[i + 1])
        };
    let at = entries.iter().find(|e| e.date == stray)?.at.clone();
    Some((
        format!(
            "{stray} stands apart from the history: no row falls between {before} and {after} \
             ({} days), and only a few days lie beyond: is {stray} mistyped? Correct it, \
             remove rows that do not belong to this history, or set keep_stray_dates = true \
             in the account file to read it as it is",
            after.0 - before.0 - 1
        ),
        at,
        format!("{stray}, {} days from the rest", after.0 - before.0 - 1),
    ))
}

/// A note on stretches of [`STRAY_GAP_DAYS`] or more without a single row (every channel
/// paused, or an export with a part missing) between the distinct ascending `days`, read as
/// days without spend: the longest, and how many there are.
fn long_gaps(days: &[Date]) -> Option<String> {
    let gaps: Vec<(Date, Date)> = days
        .windows(2)
        .filter(|pair| pair[1].0 - pair[0].0 >= STRAY_GAP_DAYS)
        .map(|pair| (pair[0], pair[1]))
        .collect();
    let &(before, after) = gaps.iter().max_by_key(|(a, b)| (b.0 - a.0, -a.0))?;
    let others = match gaps.len() {
        1 => String::new(),
        2 => " (and 1 more stretch of four weeks or more)".to_owned(),
        n => format!(" (and {} more stretches of four weeks or more)", n - 1),
    };
    Some(format!(
        "no row falls between {before} and {after} ({} days){others}: read as days without \
         spend on every channel; if the export left out a part, export it again",
        after.0 - before.0 - 1
    ))
}

/// The last days of a history that cannot have happened yet: at most [`STRAY_DAYS`] days more
/// than a day after `today` (a day for time zones ahead of UTC), after a gap of a day or more
/// without rows, as a mistyped day or month makes them (`2026-12-16` for `2026-12-06`). A
/// history that runs on without a gap into the future, as a simulated one may, is read as it
/// is. The message and where it points, as [`stray_dates`] gives them.
fn future_dates(
    entries: &[Entry],
    days: &[Date],
    today: Date,
) -> Option<(String, (Range<usize>, usize), String)> {
    let horizon = today.plus(1);
    let ahead = days.iter().rev().take_while(|d| **d > horizon).count();
    if ahead == 0 || ahead > STRAY_DAYS || ahead == days.len() {
        return None;
    }
    let (before, first_ahead) = (days[days.len() - ahead - 1], days[days.len() - ahead]);
    if first_ahead.0 - before.0 < 2 {
        return None;
    }
    let at = entries.iter().find(|e| e.date == first_ahead)?.at.clone();
    Some((
        format!(
            "{first_ahead} is after today ({today}) and follows a gap: no row falls between \
             {before} and {first_ahead} ({} days): is {first_ahead} mistyped? Correct it, \
             remove rows that do not belong to this history, or set keep_stray_dates = true \
             in the account file to read it as it is",
            first_ahead.0 - before.0 - 1
        ),
        at,
        format!(
            "{first_ahead}, after today and {} days from the rest",
            first_ahead.0 - before.0 - 1
        ),
    ))
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

/// The file's order of day and month in slashed dates (`01/06/2025`), when its dates show one
/// and only one.
pub(super) fn file_date_order(rows: &[Row<'_>], layout: &Layout) -> Option<DateOrder> {
    let (mut day_first, mut month_first) = (false, false);
    for row in rows {
        let Some(field) = layout.get(Figure::Date).and_then(|i| row.get(i)) else {
            continue;
        };
        match order_evidence(&field.value) {
            Some(DateOrder::DayFirst) => day_first = true,
            Some(DateOrder::MonthFirst) => month_first = true,
            None => {}
        }
    }
    match (day_first, month_first) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// The file's decimal separator, when its numbers show one and only one: a number such as
/// `12,5` or `1.234,56` shows a decimal comma, `12.5` or `1,234.56` a decimal point, and
/// `1,500` or `1.500` nothing.
pub(super) fn file_decimal(rows: &[Row<'_>], layout: &Layout) -> Option<Decimal> {
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
