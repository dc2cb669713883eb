//! The CSV files of a results folder.
//!
//! - `summary.csv`: one row per policy in ranking order; every figure as `_mean`, `_low` and
//!   `_high` (the 95% interval across replications).
//! - `channels.csv`: one row per policy and channel, means and KPI ratios (see
//!   [`super::kpi`]); a KPI the pricing model does not observe is an empty cell.
//! - `daily.csv`: the daily series, one row per policy, row of days and channel, and one per
//!   policy and row of days with channel `total`. The rows of days are those of
//!   [`crate::checkpoints`]: every day its own row up to 2,000 days, then log-spaced buckets of
//!   days. A row covers days `first_day` to `day` (numbered from 1; the same day for a one-day
//!   row; `first_day` is the last column) and holds each channel's mean share of the budget
//!   and mean revenue per day over its days, and the oracle's mean share over its days (the
//!   benchmark's split, see [`crate::benchmark`]). The `total` row's shares and revenue are
//!   the sums over channels, and it carries the cumulative revenue, regret and profit at the
//!   row's last day (`day`) with their 95% intervals. For a bucket `D` of `n` days,
//!
//!   ```text
//!   share = (1/n) Σ_{t ∈ D} mean share_t,   revenue = (1/n) Σ_{t ∈ D} mean revenue_t,   oracle_share = (1/n) Σ_{t ∈ D} s*_t / B
//!   ```
//!
//! Numbers are rounded to ten significant digits and written in their shortest form, so files
//! are byte-identical whenever the results are.

use super::kpi::{channel_summaries, policy_summaries};
use crate::runner::ScenarioResults;
use crate::scenario::RESERVED_CHANNEL_NAME;
use crate::stats::{Interval, RunningStats};
use rayon::prelude::*;

/// Significant digits written to CSV: far beyond the precision of any mean over replications,
/// and half the size of full `f64` precision.
pub const SIGNIFICANT_DIGITS: usize = 10;

/// Formats a number for CSV: rounded to [`SIGNIFICANT_DIGITS`], in the shortest form that
/// reads back to the rounded value; empty when undefined.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    // A value whose shortest form has at most SIGNIFICANT_DIGITS digits is its own rounding:
    // that decimal lies within half an ulp of the value, far inside its rounding interval.
    let shortest = format!("{value}");
    if significant_digits(&shortest) <= SIGNIFICANT_DIGITS {
        return shortest;
    }
    let rounded: f64 = format!("{:.*e}", SIGNIFICANT_DIGITS - 1, value)
        .parse()
        .expect("a formatted float parses");
    format!("{rounded}")
}

/// Rounds `value` to `decimals` places, a result of −0 read as 0 (for JSON, which would
/// write `-0.0`); undefined values are returned as they are. The recommendation's files round
/// money to cents and ratios to four places with it; the scenario files keep [`number`].
pub fn round_to(value: f64, decimals: i32) -> f64 {
    if !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// Formats a number for CSV with exactly `decimals` places (`894.46`, `0.00`, never
/// `-0.00`); empty when undefined.
pub fn fixed(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let text = format!("{:.*}", decimals, value);
    match text.strip_prefix('-') {
        Some(positive) if positive.bytes().all(|b| b == b'0' || b == b'.') => positive.to_owned(),
        _ => text,
    }
}

/// Digits of a plain decimal from its first to its last non-zero digit.
fn significant_digits(decimal: &str) -> usize {
    let (mut position, mut first, mut last) = (0, None, 0);
    for byte in decimal.bytes().filter(u8::is_ascii_digit) {
        if byte != b'0' {
            first.get_or_insert(position);
            last = position;
        }
        position += 1;
    }
    first.map_or(0, |first| last - first + 1)
}

fn optional(value: Option<f64>) -> String {
    value.map_or_else(String::new, number)
}

pub(crate) fn interval_cells(interval: Option<Interval>) -> [String; 3] {
    match interval {
        Some(i) => [number(i.mean), number(i.low), number(i.high)],
        None => [String::new(), String::new(), String::new()],
    }
}

pub(crate) fn finish(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
    writer
        .into_inner()
        .expect("writing CSV to memory cannot fail")
}

pub(crate) fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

pub(crate) fn push_row(writer: &mut csv::Writer<Vec<u8>>, row: &[String]) {
    writer
        .write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
        .expect("writing CSV to memory cannot fail");
}

/// Characters a spreadsheet reads, at the start of a cell, as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as written to a CSV file: a text that a spreadsheet would read as a formula (it
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number), such as a
/// channel named `=HYPERLINK("http://x","y")`, gets a leading `'`, which spreadsheets show as
/// text and budget-bandit's history reader takes off again (OWASP's advice on CSV injection).
/// Numbers, negative ones too, are written as they are.
///
/// ```
/// use budget_bandit::output::csv_files::neutralised;
///
/// assert_eq!(neutralised("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
/// assert_eq!(neutralised("@search"), "'@search");
/// assert_eq!(neutralised("-12.50"), "-12.50");
/// assert_eq!(neutralised("search"), "search");
/// ```
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A cell read back from a CSV file budget-bandit wrote: the `'` [`neutralised`] put before a
/// formula-like text taken off.
pub fn unneutralised(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// One CSV field, quoted where it needs to be (a scenario name with a comma or a quote).
pub(crate) fn field(text: &str) -> String {
    let mut out = writer();
    push_row(&mut out, &[text.to_owned()]);
    let bytes = finish(out);
    String::from_utf8_lossy(&bytes)
        .trim_end_matches(['\r', '\n'])
        .to_owned()
}

/// The measures of `summary.csv`, each written as `_mean`, `_low`, `_high`.
pub const SUMMARY_MEASURES: [&str; 9] = [
    "revenue",
    "spend",
    "conversions",
    "roas",
    "cpa",
    "regret",
    "profit",
    "unspent",
    "vs_baseline",
];

/// `summary.csv`.
pub fn summary(results: &ScenarioResults) -> Vec<u8> {
    let mut out = writer();
    let mut header: Vec<String> = ["rank", "policy", "kind", "replications"]
        .map(String::from)
        .to_vec();
    for measure in SUMMARY_MEASURES {
        for end in ["mean", "low", "high"] {
            header.push(format!("{measure}_{end}"));
        }
    }
    push_row(&mut out, &header);
    for row in policy_summaries(results) {
        let mut cells = vec![
            row.rank.to_string(),
            row.policy,
            row.kind,
            row.replications.to_string(),
        ];
        for interval in [
            Some(row.revenue),
            Some(row.spend),
            Some(row.conversions),
            Some(row.roas),
            row.cpa,
            Some(row.regret),
            row.profit,
            row.unspent,
            row.vs_baseline,
        ] {
            cells.extend(interval_cells(interval));
        }
        push_row(&mut out, &cells);
    }
    finish(out)
}

/// The columns of `channels.csv`.
pub const CHANNEL_COLUMNS: [&str; 18] = [
    "policy",
    "channel",
    "pricing",
    "allocated",
    "spend",
    "impressions",
    "clicks",
    "leads",
    "conversions",
    "revenue",
    "ctr",
    "cvr",
    "cpc",
    "cpl",
    "cpa",
    "roas",
    "share",
    "days",
];

/// `channels.csv`.
pub fn channels(results: &ScenarioResults) -> Vec<u8> {
    let mut out = writer();
    push_row(&mut out, &CHANNEL_COLUMNS.map(String::from));
    let days = results.scenario.days.to_string();
    for row in channel_summaries(results) {
        push_row(
            &mut out,
            &[
                row.policy,
                row.channel,
                row.pricing.as_str().to_owned(),
                number(row.allocated),
                number(row.spend),
                optional(row.impressions),
                optional(row.clicks),
                optional(row.leads),
                number(row.conversions),
                number(row.revenue),
                optional(row.ctr),
                optional(row.cvr),
                optional(row.cpc),
                optional(row.cpl),
                optional(row.cpa),
                optional(row.roas),
                number(row.share),
                days.clone(),
            ],
        );
    }
    finish(out)
}

/// The columns of `daily.csv`.
pub const DAILY_COLUMNS: [&str; 16] = [
    "policy",
    "day",
    "channel",
    "share",
    "revenue",
    "cumulative_revenue_mean",
    "cumulative_revenue_low",
    "cumulative_revenue_high",
    "cumulative_regret_mean",
    "cumulative_regret_low",
    "cumulative_regret_high",
    "oracle_share",
    "cumulative_profit_mean",
    "cumulative_profit_low",
    "cumulative_profit_high",
    "first_day",
];

/// `daily.csv`.
pub fn daily(results: &ScenarioResults) -> Vec<u8> {
    let mut out = writer();
    push_row(&mut out, &DAILY_COLUMNS.map(String::from));
    let Some(first) = results.policies.first() else {
        return finish(out);
    };
    let checkpoints = &first.aggregate.checkpoints;
    // The oracle's mean spend over each row, the same for every policy.
    let oracle: Vec<Vec<f64>> = checkpoints
        .iter()
        .map(|days| results.benchmark.mean_spend_over(days))
        .collect();
    // Blocks of rows are formatted in parallel and joined in order: rows are written
    // independently, so the bytes are those of one writer going through them all.
    const ROWS_PER_BLOCK: usize = 256;
    let rows = checkpoints.len();
    let blocks: Vec<(usize, usize)> = (0..results.policies.len())
        .flat_map(|policy| {
            (0..rows)
                .step_by(ROWS_PER_BLOCK)
                .map(move |row| (policy, row))
        })
        .collect();
    let formatted: Vec<Vec<u8>> = blocks
        .par_iter()
        .map(|&(policy, start)| {
            let mut block = writer();
            let end = (start + ROWS_PER_BLOCK).min(rows);
            for (row, oracle) in (start..end).zip(&oracle[start..end]) {
                daily_rows(results, policy, row, oracle, &mut block);
            }
            finish(block)
        })
        .collect();
    let mut bytes = finish(out);
    for block in formatted {
        bytes.extend_from_slice(&block);
    }
    bytes
}

/// The rows of one checkpoint row of one policy: one per channel, then the total.
fn daily_rows(
    results: &ScenarioResults,
    policy: usize,
    row: usize,
    oracle: &[f64],
    out: &mut csv::Writer<Vec<u8>>,
) {
    let channels = &results.scenario.channels;
    let budget = results.scenario.daily_budget;
    let blank = || [String::new(), String::new(), String::new()];
    let policy = &results.policies[policy];
    let a = &policy.aggregate;
    let days = a.checkpoints.days_of(row);
    let cells_of = row * channels.len()..(row + 1) * channels.len();
    let shares = &a.daily_share[cells_of.clone()];
    let revenues = &a.daily_revenue[cells_of];
    let (first_day, day) = ((days.start + 1).to_string(), days.end.to_string());
    for (i, channel) in channels.iter().enumerate() {
        let mut cells = vec![
            policy.spec.name.clone(),
            day.clone(),
            channel.name.clone(),
            number(shares[i].mean()),
            number(revenues[i].mean()),
        ];
        cells.extend(blank());
        cells.extend(blank());
        cells.push(number(oracle[i] / budget));
        cells.extend(blank());
        cells.push(first_day.clone());
        push_row(out, &cells);
    }
    let mut cells = vec![
        policy.spec.name.clone(),
        day,
        RESERVED_CHANNEL_NAME.to_owned(),
        number(shares.iter().map(RunningStats::mean).sum()),
        number(revenues.iter().map(RunningStats::mean).sum()),
    ];
    cells.extend(interval_cells(Some(a.cumulative_revenue[row].interval95())));
    cells.extend(interval_cells(Some(a.cumulative_regret[row].interval95())));
    cells.push(number(oracle.iter().sum::<f64>() / budget));
    cells.extend(interval_cells(Some(a.cumulative_profit[row].interval95())));
    cells.push(first_day);
    push_row(out, &cells);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_blank_when_undefined() {
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1_784_011.715_584_728_6), "1784011.716");
        assert_eq!(number(-2.5e-12), "-0.0000000000025");
        assert_eq!(number(1500.0), "1500");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(optional(None), "");
    }

    #[test]
    fn fixed_places_never_write_a_negative_zero() {
        assert_eq!(fixed(894.456_587_6, 2), "894.46");
        assert_eq!(fixed(0.000_000_000_000_607_250_784_6, 2), "0.00");
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(-0.0, 4), "0.0000");
        assert_eq!(fixed(-2_093.350_867, 2), "-2093.35");
        assert_eq!(fixed(1.207_296_664, 4), "1.2073");
        assert_eq!(fixed(f64::INFINITY, 2), "");
        assert_eq!(round_to(894.456_587_6, 2), 894.46);
        assert_eq!(round_to(-0.004, 2).to_string(), "0");
        assert_eq!(round_to(1.207_296_664, 4), 1.2073);
        assert!(round_to(f64::NAN, 2).is_nan());
    }

    /// The shortcut for short values gives what rounding does, on values of every length.
    #[test]
    fn short_values_are_their_own_rounding() {
        use rand::{RngExt, SeedableRng};
        let rounded = |value: f64| {
            let r: f64 = format!("{:.*e}", SIGNIFICANT_DIGITS - 1, value)
                .parse()
                .unwrap();
            format!("{r}")
        };
        let mut rng = crate::streams::StreamRng::seed_from_u64(4);
        for _ in 0..100_000 {
            let digits = rng.random_range(1..=17);
            let mantissa = rng.random_range(0..10u64.pow(digits));
            let exponent = rng.random_range(-12..12);
            let value = mantissa as f64 * 10f64.powi(exponent);
            let value = if rng.random::<bool>() { -value } else { value };
            assert_eq!(number(value), rounded(value), "{value:e}");
        }
        assert_eq!(significant_digits("0.000120"), 2);
        assert_eq!(significant_digits("1500"), 2);
        assert_eq!(significant_digits("0"), 0);
    }
}
