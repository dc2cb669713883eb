//! The history an account would have had: one replication of a policy on a scenario, written
//! as the daily CSV an ad platform exports and an account file that reads it
//! (`budget-bandit history`).
//!
//! Why: a scenario knows the truth, an account does not. Writing a simulated replication as an
//! account's files lets `recommend` and `fit` be tried on data whose truth is known, and lets
//! tests check that what they recover is that truth.
//!
//! ## The CSV (`<scenario>.csv`)
//!
//! The default columns of [`ColumnNames`], `date,channel,spend,impressions,clicks,leads,
//! conversions,revenue`: one row per day and channel, in the scenario's channel order, every
//! day of the horizon (a channel the policy did not fund has a row of zeros). Dates start at
//! the `start` given, by default on the first date from 2026-01-05 whose weekday is the
//! scenario's `start_weekday` ([`default_start`]), so weekday effects fall on the same days.
//!
//! - `spend` is the money the day's split put on the channel (the policy's allocation after
//!   projection onto floors, caps and pacing), not the cost of the units bought: the two differ
//!   only by the rounding of the last paid unit, and the learners fit their response curves to
//!   the allocation in simulation, so a history read back gives them the same figures.
//! - Counts the pricing model does not observe are empty cells, as a platform leaves them
//!   out: `cpm` rows have impressions and clicks, `cpc` rows clicks, `cpl` rows leads, `cpa`
//!   rows none of the three.
//! - `conversions` and `revenue` are those of the day's cohort (the conversions the day's spend
//!   bought, attributed to that day, as a platform attributes them to the day of the click)
//!   that have arrived by the end of the history. Without conversion lag that is all of them;
//!   under lag the last days are still incomplete, as in a real export taken that day.
//! - Money has two decimals, counts are whole numbers.
//!
//! ## The account file (`<scenario>.toml`)
//!
//! Its first line says it was written by `budget-bandit history` ([`ACCOUNT_FILE_MARK`]); then
//! the scenario's name, currency, daily budget, objective (with `target_roas` under the profit
//! objective), `max_daily_change` when the scenario paces, the CSV (`history`, relative to the
//! account file) and the policy to recommend with; then each channel's name and pricing, its
//! floor (`min_spend`) and cap (`max_spend`) in money when it has them, its conversion lag and
//! its weekday multipliers.
//!
//! ## Writing
//!
//! [`write_history`] writes both files all or nothing: each is written to a hidden staging name
//! beside its target, and both are moved into place once both are complete. It replaces only
//! files it wrote itself: an account file is ours when its first line is the mark, a CSV when
//! the account file beside it is ours and its first line is the default header. Anything else
//! in the way is a [`ForeignFile`], and nothing is written.

use super::date::Date;
use super::history::ColumnNames;
use crate::channel::Pricing;
use crate::error::{WriteError, at_path};
use crate::objective::Objective;
use crate::policy::PolicySpec;
use crate::results_folder::staging::{Move, Staged, partial_name, replace_all, replaced_name};
use crate::scenario::Scenario;
use crate::simulate::Outcome;
use crate::simulation::{ReplicationRecord, Simulation};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How the first line of every account file `budget-bandit history` writes begins: what
/// marks the file (and the CSV beside it) as one it may replace.
pub const ACCOUNT_FILE_MARK: &str = "# Account file written by `budget-bandit history`";

/// The policy the account file names for `recommend`: `auto`, the learner that loses least on
/// a market fitted to the history (see [`crate::recommend::choice`]).
pub const RECOMMENDING_POLICY: &str = crate::account::file::AUTO_POLICY;

/// The Monday the default start date is counted from.
const FIRST_MONDAY: (i64, u32, u32) = (2026, 1, 5);

/// The header line of the CSV: the default column names, comma-separated.
pub fn csv_header() -> String {
    let c = ColumnNames::default();
    [
        c.date,
        c.channel,
        c.spend,
        c.impressions,
        c.clicks,
        c.leads,
        c.conversions,
        c.revenue,
    ]
    .join(",")
}

/// The first date on or after 2026-01-05 (a Monday) whose weekday is `start_weekday`
/// (0 = Monday), so that a history's weekdays are the scenario's.
///
/// ```
/// use budget_bandit::account::export::default_start;
///
/// assert_eq!(default_start(0).to_string(), "2026-01-05");
/// assert_eq!(default_start(5).to_string(), "2026-01-10"); // a Saturday
/// assert_eq!(default_start(5).weekday(), 5);
/// ```
pub fn default_start(start_weekday: usize) -> Date {
    let (year, month, day) = FIRST_MONDAY;
    Date::from_ymd(year, month, day)
        .expect("the first Monday is a date")
        .plus((start_weekday % 7) as i64)
}

/// The name of the account a scenario's history belongs to: `<scenario>-account` (the
/// scenario's name cut to 56 characters), so that its recommendation's results folder does not
/// meet the scenario's own results folder in one `--out`.
pub fn account_name(scenario: &str) -> String {
    let cut: String = scenario.chars().take(56).collect();
    format!("{cut}-account")
}

/// One replication's history as an account's files, and the replication it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedHistory {
    /// File name of the CSV: `<scenario>.csv`.
    pub csv_name: String,
    /// File name of the account file: `<scenario>.toml`.
    pub account_name: String,
    /// The daily CSV (see the module docs).
    pub csv: String,
    /// The account file's TOML, naming `csv_name` as its history.
    pub account: String,
    /// The date of the first day.
    pub start: Date,
    /// Days of history (the scenario's horizon).
    pub days: usize,
    /// Channels per day.
    pub channels: usize,
    /// The replication as the simulation recorded it (conversions and revenue counted in
    /// full, also those arriving after the horizon).
    pub record: ReplicationRecord,
}

/// Simulates replication `replication` of `policy` on `scenario` and writes its history as an
/// account's CSV and account file, the first day dated `start` (see the module docs).
///
/// ```
/// use budget_bandit::account::export::{default_start, export_history};
/// use budget_bandit::scenario::Scenario;
///
/// let scenario = Scenario::builtin_default();
/// let policy = &scenario.policies[0];
/// let history = export_history(&scenario, policy, 0, default_start(scenario.start_weekday));
/// let mut lines = history.csv.lines();
/// assert_eq!(
///     lines.next(),
///     Some("date,channel,spend,impressions,clicks,leads,conversions,revenue")
/// );
/// assert!(lines.next().unwrap().starts_with("2026-01-05,search,"));
/// assert_eq!(history.csv.lines().count(), 1 + scenario.days * scenario.channels.len());
/// assert!(history.account.contains("history = \"default.csv\""));
/// ```
pub fn export_history(
    scenario: &Scenario,
    policy: &PolicySpec,
    replication: u64,
    start: Date,
) -> ExportedHistory {
    let channels = scenario.channels.len();
    let days = scenario.days;
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(days * channels);
    // Per day and channel, the cohort's conversions and revenue that arrived within the
    // horizon.
    let mut arrived = vec![(0u64, 0.0f64); days * channels];
    let record = Simulation::new(scenario).run_recording(policy, replication, |day| {
        outcomes.extend_from_slice(day.outcomes);
        for arrival in day.arrivals {
            let cell = &mut arrived[arrival.cohort * channels + arrival.channel];
            cell.0 += arrival.conversions;
            cell.1 += arrival.revenue;
        }
    });
    let csv_name = format!("{}.csv", scenario.name);
    let account_name = format!("{}.toml", scenario.name);
    ExportedHistory {
        csv: history_csv(scenario, start, &outcomes, &arrived),
        account: account_toml(scenario, &policy.name, replication, &csv_name),
        csv_name,
        account_name,
        start,
        days,
        channels,
        record,
    }
}

/// The CSV of a replication's `outcomes` (`days × channels`, day-major) and the conversions
/// and revenue of each cohort that `arrived` within the horizon.
fn history_csv(
    scenario: &Scenario,
    start: Date,
    outcomes: &[Outcome],
    arrived: &[(u64, f64)],
) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header = ColumnNames::default();
    let mut push = |row: [&str; 8]| {
        writer
            .write_record(row.map(|cell| crate::output::csv_files::neutralised(cell).into_owned()))
            .expect("writing CSV to memory cannot fail");
    };
    push([
        &header.date,
        &header.channel,
        &header.spend,
        &header.impressions,
        &header.clicks,
        &header.leads,
        &header.conversions,
        &header.revenue,
    ]);
    let channels = scenario.channels.len();
    for (at, (outcome, (conversions, revenue))) in outcomes.iter().zip(arrived).enumerate() {
        let (day, i) = (at / channels, at % channels);
        let channel = &scenario.channels[i];
        let count = |observed: bool, value: u64| {
            if observed {
                value.to_string()
            } else {
                String::new()
            }
        };
        let pricing = channel.pricing;
        let date = start.plus(day as i64).to_string();
        let spend = format!("{:.2}", outcome.allocated);
        let impressions = count(pricing == Pricing::Cpm, outcome.impressions);
        let clicks = count(
            matches!(pricing, Pricing::Cpm | Pricing::Cpc),
            outcome.clicks,
        );
        let leads = count(pricing == Pricing::Cpl, outcome.leads);
        let conversions = conversions.to_string();
        let revenue = format!("{revenue:.2}");
        push([
            &date,
            &channel.name,
            &spend,
            &impressions,
            &clicks,
            &leads,
            &conversions,
            &revenue,
        ]);
    }
    let bytes = writer
        .into_inner()
        .expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("the CSV is made of UTF-8 strings")
}

/// A TOML value as it is written in a file (strings quoted and escaped).
fn toml_value(value: impl Into<toml::Value>) -> String {
    value.into().to_string()
}

/// The account file of a scenario's history (see the module docs).
fn account_toml(scenario: &Scenario, policy: &str, replication: u64, csv_name: &str) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    // Policy names are free text; escaped, one cannot end the comment line.
    let _ = writeln!(
        text,
        "{ACCOUNT_FILE_MARK} from scenario '{}' (policy '{}', replication {replication}).",
        scenario.name.escape_debug(),
        policy.escape_debug(),
    );
    let _ = writeln!(
        text,
        "# Its history is what one replication of that policy would have produced; \
         `budget-bandit recommend <this file>` reads it."
    );
    let mut line = |key: &str, value: String| {
        let _ = writeln!(text, "{key} = {value}");
    };
    line("name", toml_value(account_name(&scenario.name).as_str()));
    line("currency", toml_value(scenario.currency.as_str()));
    line("daily_budget", toml_value(scenario.daily_budget));
    line("objective", toml_value(scenario.objective.as_str()));
    if let Objective::Profit { target_roas } = scenario.objective {
        line("target_roas", toml_value(target_roas));
    }
    if let Some(change) = scenario.constraints.max_daily_change {
        line("max_daily_change", toml_value(change));
    }
    line("history", toml_value(csv_name));
    line("policy", toml_value(RECOMMENDING_POLICY));
    let bounds = &scenario.constraints.bounds;
    for (i, (channel, dynamics)) in scenario.channels.iter().zip(&scenario.dynamics).enumerate() {
        let _ = write!(
            text,
            "\n[[channels]]\nname = {}\npricing = {}\n",
            toml_value(channel.name.as_str()),
            toml_value(channel.pricing.as_str())
        );
        if bounds.low[i] > 0.0 {
            let _ = writeln!(text, "min_spend = {}", toml_value(bounds.low[i]));
        }
        if bounds.high[i] < scenario.daily_budget {
            let _ = writeln!(text, "max_spend = {}", toml_value(bounds.high[i]));
        }
        if let Some(lag) = &dynamics.lag {
            let _ = writeln!(
                text,
                "lag = {{ mean_days = {}, max_days = {} }}",
                toml_value(lag.mean_days),
                toml_value(lag.max_days as i64)
            );
        }
        if let Some(weekday) = &dynamics.weekday {
            let values: Vec<String> = weekday.iter().map(|w| toml_value(*w).to_string()).collect();
            let _ = writeln!(text, "weekday = [{}]", values.join(", "));
        }
    }
    text
}

/// The files [`write_history`] put in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenHistory {
    /// The CSV.
    pub csv: PathBuf,
    /// The account file.
    pub account: PathBuf,
}

/// A file in the way of `history` that budget-bandit did not write, and so will not replace
/// (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error(
    "{} is {found}; `budget-bandit history` replaces only files it wrote itself, so nothing \
     was written. Choose another --out, or move the file away.",
    path.display()
)]
pub struct ForeignFile {
    /// The path in the way.
    pub path: PathBuf,
    /// What is there, in words.
    found: String,
}

/// Why [`write_history`] wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum HistoryWriteError {
    /// Something budget-bandit did not write is in the way (bad input: exit code 2).
    #[error(transparent)]
    Foreign(#[from] ForeignFile),
    /// The folder or a file could not be written (exit code 1).
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Bytes read to find a file's first line.
const HEAD_BYTES: u64 = 4096;

/// What sits at a target path.
enum Occupant {
    Absent,
    /// A regular file, with its first line (without the line end), or why it cannot be read.
    File(Result<String, std::io::Error>),
    /// Something else, in words.
    Other(&'static str),
}

fn occupant(path: &Path) -> Result<Occupant, WriteError> {
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Occupant::Absent),
        Err(source) => {
            return Err(WriteError {
                path: path.to_owned(),
                source,
            });
        }
    };
    let kind = metadata.file_type();
    if kind.is_symlink() {
        return Ok(Occupant::Other("a symbolic link"));
    }
    if kind.is_dir() {
        return Ok(Occupant::Other("a folder"));
    }
    if !kind.is_file() {
        return Ok(Occupant::Other("neither a file nor a folder"));
    }
    let first_line = fs::File::open(path).and_then(|file| {
        let mut head = Vec::new();
        file.take(HEAD_BYTES).read_to_end(&mut head)?;
        let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Ok(String::from_utf8_lossy(line).into_owned())
    });
    Ok(Occupant::File(first_line))
}

/// Checks that the CSV and the account file may be written at `csv` and `account`: each is
/// absent or ours (see the module docs).
fn check_targets(csv: &Path, account: &Path) -> Result<(), HistoryWriteError> {
    let foreign = |path: &Path, found: String| ForeignFile {
        path: path.to_owned(),
        found,
    };
    let unreadable = |error: &std::io::Error| {
        format!("a file that cannot be read ({error}), so budget-bandit cannot tell it wrote it")
    };
    let account_is_ours = match occupant(account)? {
        Occupant::Absent => false,
        Occupant::File(Ok(line)) if line.starts_with(ACCOUNT_FILE_MARK) => true,
        Occupant::File(Ok(_)) => {
            return Err(foreign(
                account,
                format!(
                    "a file budget-bandit did not write (its first line is not the comment \
                     that begins {ACCOUNT_FILE_MARK})"
                ),
            )
            .into());
        }
        Occupant::File(Err(error)) => return Err(foreign(account, unreadable(&error)).into()),
        Occupant::Other(what) => return Err(foreign(account, what.to_owned()).into()),
    };
    match occupant(csv)? {
        Occupant::Absent => Ok(()),
        Occupant::File(Ok(_)) if !account_is_ours => Err(foreign(
            csv,
            format!(
                "a file budget-bandit did not write (no account file written by \
                 `budget-bandit history` is beside it as {})",
                account.display()
            ),
        )
        .into()),
        Occupant::File(Ok(line)) if line == csv_header() => Ok(()),
        Occupant::File(Ok(_)) => Err(foreign(
            csv,
            format!(
                "a file budget-bandit did not write (its first line is not the header {})",
                csv_header()
            ),
        )
        .into()),
        Occupant::File(Err(error)) => Err(foreign(csv, unreadable(&error)).into()),
        Occupant::Other(what) => Err(foreign(csv, what.to_owned()).into()),
    }
}

/// Writes `history`'s CSV and account file into `folder` (created if missing), both or
/// neither, replacing earlier files only when `budget-bandit history` wrote them (see the
/// module docs).
pub fn write_history(
    folder: &Path,
    history: &ExportedHistory,
) -> Result<WrittenHistory, HistoryWriteError> {
    at_path(folder, fs::create_dir_all(folder))?;
    let csv = folder.join(&history.csv_name);
    let account = folder.join(&history.account_name);
    check_targets(&csv, &account)?;
    let staged_csv = Staged::file(
        folder.join(partial_name(&history.csv_name)),
        history.csv.as_bytes(),
    )?;
    let staged_account = Staged::file(
        folder.join(partial_name(&history.account_name)),
        history.account.as_bytes(),
    )?;
    // Checked again: something may have appeared while the files were staged.
    check_targets(&csv, &account)?;
    let csv_aside = folder.join(replaced_name(&history.csv_name));
    let account_aside = folder.join(replaced_name(&history.account_name));
    replace_all(&[
        Move {
            new: staged_csv.path(),
            target: &csv,
            aside: &csv_aside,
        },
        Move {
            new: staged_account.path(),
            target: &account,
            aside: &account_aside,
        },
    ])?;
    for aside in [&csv_aside, &account_aside] {
        if fs::symlink_metadata(aside).is_ok() {
            at_path(aside, fs::remove_file(aside))?;
        }
    }
    Ok(WrittenHistory { csv, account })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::Simulation;

    /// One channel per pricing model, no lag.
    const FOUR_PRICINGS: &str = r#"
        name = "four"
        days = 30
        daily_budget = 4000.0
        seed = 11
        replications = 1

        [[channels]]
        name = "social"
        pricing = "cpm"
        price = 40.0
        price_cv = 0.2
        ctr = 0.01
        cvr = 0.03
        value = 500.0
        value_cv = 0.5
        audience = 80.0

        [[channels]]
        name = "search"
        pricing = "cpc"
        price = 5.0
        price_cv = 0.1
        cvr = 0.04
        value = 400.0
        value_cv = 0.5
        audience = 500.0

        [[channels]]
        name = "forms"
        pricing = "cpl"
        price = 100.0
        cvr = 0.2
        value = 2000.0
        value_cv = 0.8

        [[channels]]
        name = "partners"
        pricing = "cpa"
        price = 200.0
        value = 500.0
        value_cv = 0.3
        audience = 3.0

        [[policies]]
        kind = "epsilon-greedy"

        [[policies]]
        kind = "fixed"

        [[policies]]
        name = "two-channels"
        kind = "fixed"
        shares = { social = 0.5, search = 0.5 }
    "#;

    struct Row {
        date: String,
        channel: String,
        spend: f64,
        impressions: Option<u64>,
        clicks: Option<u64>,
        leads: Option<u64>,
        conversions: u64,
        revenue: f64,
    }

    fn rows(csv: &str) -> Vec<Row> {
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(csv_header().as_str()));
        let count = |cell: &str| (!cell.is_empty()).then(|| cell.parse().unwrap());
        lines
            .map(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                assert_eq!(cells.len(), 8, "{line}");
                Row {
                    date: cells[0].into(),
                    channel: cells[1].into(),
                    spend: cells[2].parse().unwrap(),
                    impressions: count(cells[3]),
                    clicks: count(cells[4]),
                    leads: count(cells[5]),
                    conversions: cells[6].parse().unwrap(),
                    revenue: cells[7].parse().unwrap(),
                }
            })
            .collect()
    }

    fn scenario(source: &str) -> Scenario {
        Scenario::from_toml("test", source).unwrap()
    }

    #[test]
    fn every_day_and_channel_has_a_row_with_the_counts_its_pricing_observes() {
        let scenario = scenario(FOUR_PRICINGS);
        let start = Date::parse("2026-03-30").unwrap();
        for policy in &scenario.policies {
            let history = export_history(&scenario, policy, 3, start);
            assert_eq!((history.days, history.channels), (30, 4));
            assert_rows_have_the_pricings_shape(&scenario, start, &rows(&history.csv));
        }
        // A split that leaves channels out still has their rows, of zeros.
        let two = export_history(&scenario, &scenario.policies[2], 0, start);
        let rows = rows(&two.csv);
        assert_eq!(
            rows[..4].iter().map(|r| r.spend).collect::<Vec<_>>(),
            [2000.0, 2000.0, 0.0, 0.0]
        );
        assert_eq!((rows[2].leads, rows[2].conversions), (Some(0), 0));
        assert!(rows.iter().any(|r| r.impressions > Some(0)));
    }

    fn assert_rows_have_the_pricings_shape(scenario: &Scenario, start: Date, rows: &[Row]) {
        assert_eq!(rows.len(), 30 * 4);
        for (at, row) in rows.iter().enumerate() {
            assert_eq!(row.date, start.plus((at / 4) as i64).to_string());
            assert_eq!(row.channel, scenario.channels[at % 4].name);
            let shape = (
                row.impressions.is_some(),
                row.clicks.is_some(),
                row.leads.is_some(),
            );
            let expected = match scenario.channels[at % 4].pricing {
                Pricing::Cpm => (true, true, false),
                Pricing::Cpc => (false, true, false),
                Pricing::Cpl => (false, false, true),
                Pricing::Cpa => (false, false, false),
            };
            assert_eq!(shape, expected, "row {at}");
            if row.spend == 0.0 {
                assert_eq!(row.conversions, 0);
                assert_eq!(row.revenue, 0.0);
                for count in [row.impressions, row.clicks, row.leads]
                    .into_iter()
                    .flatten()
                {
                    assert_eq!(count, 0);
                }
            }
        }
    }

    #[test]
    fn without_lag_the_csv_sums_to_the_replications_totals_and_spend_is_the_split() {
        let scenario = scenario(FOUR_PRICINGS);
        let history = export_history(&scenario, &scenario.policies[0], 0, default_start(0));
        let record = &history.record;
        assert_eq!(
            *record,
            Simulation::new(&scenario).run(&scenario.policies[0], 0)
        );
        let rows = rows(&history.csv);
        for (i, totals) in record.totals.iter().enumerate() {
            let of_channel = || rows.iter().skip(i).step_by(4);
            let sum = |f: fn(&Row) -> Option<u64>| of_channel().filter_map(f).sum::<u64>();
            assert_eq!(
                sum(|r| Some(r.conversions)),
                totals.conversions,
                "channel {i}"
            );
            assert_eq!(sum(|r| r.impressions), totals.impressions, "channel {i}");
            assert_eq!(sum(|r| r.clicks), totals.clicks, "channel {i}");
            assert_eq!(sum(|r| r.leads), totals.leads, "channel {i}");
            let revenue: f64 = of_channel().map(|r| r.revenue).sum();
            assert!(
                (revenue - totals.revenue).abs() <= 0.005 * 30.0 + 1e-9,
                "{revenue} {}",
                totals.revenue
            );
            let spend: f64 = of_channel().map(|r| r.spend).sum();
            assert!((spend - totals.allocated).abs() <= 0.005 * 30.0 + 1e-9);
        }
        for (row, share) in rows.iter().zip(&record.share) {
            assert!(
                (row.spend - share * scenario.daily_budget).abs() <= 0.005 + 1e-9,
                "{} vs {share}",
                row.spend
            );
        }
    }

    #[test]
    fn under_lag_the_last_days_are_incomplete_and_the_earlier_ones_complete() {
        let source = FOUR_PRICINGS.replace(
            "audience = 500.0",
            "audience = 500.0\n        lag = { mean_days = 2.0, max_days = 6 }",
        );
        let scenario = scenario(&source);
        let policy = &scenario.policies[1];
        let history = export_history(&scenario, policy, 0, default_start(0));
        let mut bought = Vec::new();
        Simulation::new(&scenario).run_recording(policy, 0, |day| bought.push(day.outcomes[1]));
        let search: Vec<Row> = rows(&history.csv).into_iter().skip(1).step_by(4).collect();
        let complete_until = 30 - 6;
        for (day, (row, outcome)) in search.iter().zip(&bought).enumerate() {
            if day < complete_until {
                assert_eq!(row.conversions, outcome.conversions, "day {day}");
                assert!((row.revenue - outcome.revenue).abs() <= 0.005 + 1e-6 * outcome.revenue);
            } else {
                assert!(row.conversions <= outcome.conversions, "day {day}");
            }
        }
        let late: u64 = search[complete_until..].iter().map(|r| r.conversions).sum();
        let late_bought: u64 = bought[complete_until..].iter().map(|o| o.conversions).sum();
        assert!(
            late < late_bought,
            "the last days lack what arrives after the horizon: {late} of {late_bought}"
        );
        // The last day has only what arrived on it, about a third of its cohort.
        assert!(search[29].conversions < bought[29].conversions);
        // The record still counts every conversion bought.
        let total: u64 = bought.iter().map(|o| o.conversions).sum();
        assert_eq!(history.record.totals[1].conversions, total);
    }

    #[test]
    fn the_same_arguments_give_the_same_text() {
        let scenario = scenario(FOUR_PRICINGS);
        let start = default_start(scenario.start_weekday);
        let once = export_history(&scenario, &scenario.policies[0], 5, start);
        let again = export_history(&scenario, &scenario.policies[0], 5, start);
        assert_eq!(once, again);
        let other = export_history(&scenario, &scenario.policies[0], 6, start);
        assert_ne!(once.csv, other.csv);
    }

    #[test]
    fn the_default_start_has_the_scenarios_weekday() {
        assert_eq!(default_start(0).to_string(), "2026-01-05");
        for weekday in 0..7 {
            let start = default_start(weekday);
            assert_eq!(start.weekday(), weekday);
            assert!(start.0 - default_start(0).0 < 7);
        }
        let saturday = scenario(&FOUR_PRICINGS.replace(
            "replications = 1",
            "replications = 1\n        start_weekday = \"saturday\"",
        ));
        let history = export_history(
            &saturday,
            &saturday.policies[0],
            0,
            default_start(saturday.start_weekday),
        );
        assert!(
            history
                .csv
                .lines()
                .nth(1)
                .unwrap()
                .starts_with("2026-01-10,")
        );
    }

    #[test]
    fn the_account_file_names_the_history_the_limits_and_the_lag() {
        let source = FOUR_PRICINGS
            .replace(
                "replications = 1",
                "replications = 1\n        objective = \"profit\"\n        target_roas = 1.5\n        \
                 max_daily_change = 0.2\n        currency = \"EUR\"",
            )
            .replace(
                "audience = 500.0",
                "audience = 500.0\n        min_spend = 500.0\n        max_spend = 3000.0\n        \
                 lag = { mean_days = 2.5, max_days = 7 }",
            );
        let scenario = scenario(&source);
        let history = export_history(&scenario, &scenario.policies[1], 2, default_start(0));
        let text = &history.account;
        assert!(text.starts_with(
            "# Account file written by `budget-bandit history` from scenario 'four' (policy \
             'fixed', replication 2).\n"
        ));
        let account: toml::Table = toml::from_str(text).unwrap();
        assert_eq!(account["name"].as_str(), Some("four-account"));
        assert_eq!(account["currency"].as_str(), Some("EUR"));
        assert_eq!(account["daily_budget"].as_float(), Some(4000.0));
        assert_eq!(account["objective"].as_str(), Some("profit"));
        assert_eq!(account["target_roas"].as_float(), Some(1.5));
        assert_eq!(account["max_daily_change"].as_float(), Some(0.2));
        assert_eq!(account["history"].as_str(), Some("four.csv"));
        assert_eq!(account["policy"].as_str(), Some(RECOMMENDING_POLICY));
        let channels = account["channels"].as_array().unwrap();
        assert_eq!(channels.len(), 4);
        let search = channels[1].as_table().unwrap();
        assert_eq!(search["name"].as_str(), Some("search"));
        assert_eq!(search["pricing"].as_str(), Some("cpc"));
        assert_eq!(search["min_spend"].as_float(), Some(500.0));
        assert_eq!(search["max_spend"].as_float(), Some(3000.0));
        let lag = search["lag"].as_table().unwrap();
        assert_eq!(lag["mean_days"].as_float(), Some(2.5));
        assert_eq!(lag["max_days"].as_integer(), Some(7));
        assert!(text.contains("lag = { mean_days = 2.5, max_days = 7 }\n"));
        let social = channels[0].as_table().unwrap();
        assert_eq!(social.len(), 2, "no floor, cap or lag: {social:?}");
        // Without those, the file has no such keys.
        let scenario = self::scenario(FOUR_PRICINGS);
        let plain = export_history(&scenario, &scenario.policies[0], 0, default_start(0)).account;
        assert!(!plain.contains("target_roas") && !plain.contains("max_daily_change"));
        assert!(plain.contains("objective = \"revenue\"\n"));
    }

    #[test]
    fn the_header_is_the_readers_default_columns() {
        assert_eq!(
            csv_header(),
            "date,channel,spend,impressions,clicks,leads,conversions,revenue"
        );
    }
}
