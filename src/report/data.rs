//! What the charts and the report show, read back from a results folder's files.
//!
//! `run` draws its charts from the files it has just written, and `chart` from the files of
//! an earlier run, so both go through this one loader: what the charts show is exactly what
//! the CSV and JSON files hold. Damaged or missing files are input errors that name the file
//! (and the line, for CSV).
//!
//! `daily.csv` holds rows of days (see [`crate::checkpoints`]): each row covers days
//! `first_day` to `day`, and the rows of a file tile the horizon. Files written before long
//! horizons have no `first_day` column: every row is then one day (`first_day = day`).

use crate::output::kpi::{ChannelSummary, PolicySummary};
use crate::stats::Interval;
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A results folder that cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder is not a results folder, or a file of it is missing.
    #[error("{}: not a budget-bandit results folder: {reason}", path.display())]
    NotResults {
        /// The folder or file.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// A file is there but damaged.
    #[error("{}{}: damaged: {reason}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// One-based line, for CSV files.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
    },
}

/// The scenario settings recorded in `summary.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Horizon in days.
    pub days: usize,
    /// Daily budget.
    pub daily_budget: f64,
    /// Currency code.
    pub currency: String,
    /// Seed.
    pub seed: u64,
    /// Replications per policy.
    pub replications: u64,
    /// `proportional` or `winner-takes-all`.
    pub allocation: String,
    /// `revenue` or `profit` (absent in files written before the profit objective).
    #[serde(default = "revenue")]
    pub objective: String,
    /// The least marginal return worth buying, under the profit objective.
    #[serde(default)]
    pub target_roas: Option<f64>,
    /// The policy the others are compared with (absent before baselines).
    #[serde(default)]
    pub baseline: Option<String>,
    /// Channels in scenario order.
    pub channels: Vec<ChannelInfo>,
    /// Policies in scenario order.
    pub policies: Vec<PolicyInfo>,
}

/// A channel as recorded in `summary.json` (the fields the report shows, and those that tell
/// a classic Bernoulli arm).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChannelInfo {
    /// Name.
    pub name: String,
    /// Pricing model.
    pub pricing: String,
    /// Mean price of a paid unit.
    pub price: f64,
    /// Mean revenue per conversion.
    pub value: f64,
    /// Audience cap, if any.
    pub audience: Option<f64>,
    /// Auction noise (absent in hand-made files).
    #[serde(default)]
    pub price_cv: Option<f64>,
    /// Conversions per click or lead (absent for cpa).
    #[serde(default)]
    pub cvr: Option<f64>,
    /// Spread of a conversion's revenue (absent in hand-made files).
    #[serde(default)]
    pub value_cv: Option<f64>,
    /// Weekday multipliers (absent before format version 2, which had none).
    #[serde(default)]
    pub weekday: Option<Vec<f64>>,
    /// Ad fatigue, as recorded (absent before format version 2, which had none).
    #[serde(default)]
    pub fatigue: Option<serde_json::Value>,
    /// Conversion lag, as recorded (absent before format version 2, which had none).
    #[serde(default)]
    pub lag: Option<serde_json::Value>,
    /// Shifts, as recorded (absent before format version 2, which had none).
    #[serde(default)]
    pub shifts: Vec<serde_json::Value>,
}

impl ChannelInfo {
    /// The success rate of a classic Bernoulli arm: a cpc channel with price 1 and value 1,
    /// without noise, audience or dynamics, whose one unit of budget buys exactly one click
    /// that converts with probability `cvr` and is worth 1.
    fn bernoulli_rate(&self, daily_budget: f64) -> Option<f64> {
        let arm = self.pricing == "cpc"
            && daily_budget == 1.0
            && self.price == 1.0
            && self.price_cv == Some(0.0)
            && self.value == 1.0
            && self.value_cv == Some(0.0)
            && self.audience.is_none()
            && self.weekday.is_none()
            && self.fatigue.is_none()
            && self.lag.is_none()
            && self.shifts.is_empty();
        if arm { self.cvr } else { None }
    }
}

/// A policy as recorded in `summary.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PolicyInfo {
    /// Unique name.
    pub name: String,
    /// Kind.
    pub kind: String,
}

/// The oracle's benchmark as recorded in `summary.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OracleInfo {
    /// How its splits were chosen: `daily-optimum` or `best-constant-split` (absent before
    /// format version 2: the daily optimum).
    #[serde(default = "daily_optimum")]
    pub benchmark: String,
    /// Whether its split changes during the horizon (absent before format version 2).
    #[serde(default)]
    pub varies: bool,
    /// Expected revenue per day (the mean over the horizon).
    pub expected_daily_revenue: f64,
    /// Expected spend per day (absent before format version 2, which spent the budget).
    #[serde(default)]
    pub expected_daily_spend: Option<f64>,
    /// Expected value of the objective per day: revenue, or profit for profit scenarios
    /// (absent before format version 2).
    #[serde(default)]
    pub expected_daily_value: Option<f64>,
    /// Expected ROAS: revenue per money spent (per budget before format version 2).
    pub expected_roas: f64,
    /// Per channel, in scenario order: the mean split over the horizon (day 1's before
    /// format version 2).
    pub split: Vec<OracleShare>,
}

fn revenue() -> String {
    "revenue".into()
}

fn daily_optimum() -> String {
    "daily-optimum".into()
}

/// One channel's part of the oracle's split.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OracleShare {
    /// Channel name.
    pub channel: String,
    /// Spend per day.
    pub spend: f64,
    /// Share of the daily budget.
    pub share: f64,
}

#[derive(Deserialize)]
struct SummaryFile {
    format_version: u32,
    scenario: ScenarioInfo,
    oracle: OracleInfo,
    policies: Vec<PolicySummary>,
    channels: Vec<ChannelSummary>,
}

/// One policy's daily series from `daily.csv`, row by row ([`ReportData::rows`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDaily {
    /// Policy name.
    pub policy: String,
    /// `[row][channel]`: mean share of a day's budget over the row's days.
    pub shares: Vec<Vec<f64>>,
    /// Per row: cumulative revenue at its last day with its 95% interval.
    pub cumulative_revenue: Vec<Interval>,
    /// Per row: cumulative regret at its last day with its 95% interval.
    pub cumulative_regret: Vec<Interval>,
    /// Per row: cumulative profit at its last day with its 95% interval (empty for files
    /// written before it was recorded).
    pub cumulative_profit: Vec<Interval>,
}

/// Everything the charts and the report need.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportData {
    /// The layout version of `summary.json` (1 for folders written before the oracle's
    /// figures became means over the horizon).
    pub format_version: u32,
    /// Scenario settings.
    pub scenario: ScenarioInfo,
    /// The oracle's split.
    pub oracle: OracleInfo,
    /// Policy summaries, best first.
    pub ranked: Vec<PolicySummary>,
    /// Per policy and channel.
    pub channels: Vec<ChannelSummary>,
    /// The zero-based days of each row of the daily series, in order, tiling the horizon
    /// (one day a row for short horizons and for files written before `first_day`).
    pub rows: Vec<Range<usize>>,
    /// Daily series, in scenario policy order.
    pub daily: Vec<PolicyDaily>,
    /// `[row][channel]`: the oracle's mean share of the daily budget over the row's days (the
    /// benchmark's split).
    pub oracle_daily: Vec<Vec<f64>>,
}

impl ReportData {
    /// The summary of a policy by name.
    pub fn summary(&self, policy: &str) -> Option<&PolicySummary> {
        self.ranked.iter().find(|p| p.policy == policy)
    }

    /// The channel rows of a policy, in scenario channel order.
    pub fn channel_rows(&self, policy: &str) -> Vec<&ChannelSummary> {
        self.channels
            .iter()
            .filter(|c| c.policy == policy)
            .collect()
    }

    /// Channel names in scenario order.
    pub fn channel_names(&self) -> Vec<&str> {
        self.scenario
            .channels
            .iter()
            .map(|c| c.name.as_str())
            .collect()
    }

    /// Whether the scenario gives the whole budget to one channel a day (a classic bandit).
    pub fn winner_takes_all(&self) -> bool {
        self.scenario.allocation == "winner-takes-all"
    }

    /// The success rates of the arms when the scenario is a classic Bernoulli bandit: winner
    /// takes all, a daily budget of 1, and every channel a cpc arm of price 1 and value 1
    /// without noise, audience or dynamics. Its regret has the Lai-Robbins bound
    /// ([`crate::regret_bound`]).
    pub fn bernoulli_arms(&self) -> Option<Vec<f64>> {
        if !self.winner_takes_all() || self.maximises_profit() {
            return None;
        }
        let budget = self.scenario.daily_budget;
        self.scenario
            .channels
            .iter()
            .map(|c| c.bernoulli_rate(budget))
            .collect()
    }

    /// The Lai-Robbins constant `C` of a classic Bernoulli bandit (its asymptote is `C ln T`),
    /// `None` for any other scenario.
    pub fn lai_robbins_coefficient(&self) -> Option<f64> {
        crate::regret_bound::lai_robbins_coefficient(&self.bernoulli_arms()?)
    }

    /// Whether the scenario maximises profit rather than revenue.
    pub fn maximises_profit(&self) -> bool {
        self.scenario.objective == "profit"
    }

    /// Whether `daily.csv` holds cumulative profit (files written before it was recorded do
    /// not).
    pub fn has_cumulative_profit(&self) -> bool {
        !self.daily.is_empty() && self.daily.iter().all(|d| !d.cumulative_profit.is_empty())
    }

    /// Whether the oracle's `expected_roas` is revenue per money spent (format version 2 on);
    /// earlier versions recorded revenue per unit of budget.
    pub fn oracle_roas_is_per_spend(&self) -> bool {
        self.format_version >= 2
    }

    /// Whether the oracle's `split` is its mean over the horizon (format version 2 on);
    /// earlier versions recorded its split of day 1.
    pub fn oracle_split_is_mean(&self) -> bool {
        self.format_version >= 2
    }
}

/// Reads `summary.json` and `daily.csv` of a results folder.
pub fn load(folder: &Path) -> Result<ReportData, LoadError> {
    if !folder.is_dir() {
        return Err(LoadError::NotResults {
            path: folder.to_owned(),
            reason: "no such folder".into(),
        });
    }
    let summary_path = folder.join("summary.json");
    let text = std::fs::read_to_string(&summary_path).map_err(|e| LoadError::NotResults {
        path: summary_path.clone(),
        reason: format!("cannot read summary.json ({e}); `chart` takes a folder written by `run`, such as results/default"),
    })?;
    let summary: SummaryFile = serde_json::from_str(&text).map_err(|e| LoadError::Damaged {
        path: summary_path.clone(),
        line: Some(e.line() as u64),
        reason: e.to_string(),
    })?;
    if !(1..=crate::output::json::FORMAT_VERSION).contains(&summary.format_version) {
        return Err(LoadError::Damaged {
            path: summary_path,
            line: None,
            reason: format!(
                "format_version {} is not one this version reads (1 to {}); a newer \
                 budget-bandit wrote it",
                summary.format_version,
                crate::output::json::FORMAT_VERSION
            ),
        });
    }
    let (rows, daily, oracle_daily) = load_daily(
        &folder.join("daily.csv"),
        &summary.scenario,
        &summary.oracle,
    )?;
    Ok(ReportData {
        format_version: summary.format_version,
        scenario: summary.scenario,
        oracle: summary.oracle,
        ranked: summary.policies,
        channels: summary.channels,
        rows,
        daily,
        oracle_daily,
    })
}

/// A row of `daily.csv` (the columns the charts use; the others are ignored).
#[derive(Deserialize)]
struct DailyRow {
    policy: String,
    day: usize,
    channel: String,
    share: f64,
    cumulative_revenue_mean: Option<f64>,
    cumulative_revenue_low: Option<f64>,
    cumulative_revenue_high: Option<f64>,
    cumulative_regret_mean: Option<f64>,
    cumulative_regret_low: Option<f64>,
    cumulative_regret_high: Option<f64>,
    #[serde(default)]
    oracle_share: Option<f64>,
    #[serde(default)]
    cumulative_profit_mean: Option<f64>,
    #[serde(default)]
    cumulative_profit_low: Option<f64>,
    #[serde(default)]
    cumulative_profit_high: Option<f64>,
    /// The row's first day (absent in files written before rows of several days: `day`).
    #[serde(default)]
    first_day: Option<usize>,
}

/// The rows of the daily series, the series of every policy by row, and the oracle's shares
/// by row (from the `oracle_share` column, or the split in `summary.json` for files written
/// before it).
type DailySeries = (Vec<Range<usize>>, Vec<PolicyDaily>, Vec<Vec<f64>>);

/// Reads `daily.csv`: rows are identified by their last day, numbered in the order they come,
/// then put in day order and checked to tile the horizon.
fn load_daily(
    path: &Path,
    scenario: &ScenarioInfo,
    oracle: &OracleInfo,
) -> Result<DailySeries, LoadError> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| LoadError::NotResults {
        path: path.to_owned(),
        reason: format!("cannot read daily.csv ({e})"),
    })?;
    let channels = scenario.channels.len();
    let mut daily: Vec<PolicyDaily> = scenario
        .policies
        .iter()
        .map(|p| PolicyDaily {
            policy: p.name.clone(),
            shares: Vec::new(),
            cumulative_revenue: Vec::new(),
            cumulative_regret: Vec::new(),
            cumulative_profit: Vec::new(),
        })
        .collect();
    let mut oracle_daily: Vec<Vec<f64>> = Vec::new();
    // One-based (first day, last day) of each row, in the order first seen.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut row_ending: HashMap<usize, usize> = HashMap::new();
    let mut profit_recorded = true;
    let empty = Interval {
        mean: f64::NAN,
        low: f64::NAN,
        high: f64::NAN,
    };
    let damaged = |reason: String| LoadError::Damaged {
        path: path.to_owned(),
        line: None,
        reason,
    };
    for record in reader.deserialize::<DailyRow>() {
        let record = record.map_err(|e| LoadError::Damaged {
            path: path.to_owned(),
            line: e.position().map(|p| p.line()),
            reason: e.to_string(),
        })?;
        // Names as written: a formula-like one carries the `'` that keeps spreadsheets from
        // running it.
        let record_policy = crate::output::csv_files::unneutralised(&record.policy);
        let record_channel = crate::output::csv_files::unneutralised(&record.channel);
        let policy = daily
            .iter()
            .position(|s| s.policy == record_policy)
            .ok_or_else(|| damaged(format!("policy '{}' is not in summary.json", record.policy)))?;
        if record.day == 0 || record.day > scenario.days {
            return Err(damaged(format!(
                "day {} is outside 1..={}",
                record.day, scenario.days
            )));
        }
        let first = record.first_day.unwrap_or(record.day);
        if first == 0 || first > record.day {
            return Err(damaged(format!(
                "first_day {first} is not in 1..={} (day {})",
                record.day, record.day
            )));
        }
        let row = match row_ending.get(&record.day) {
            Some(&row) => {
                if spans[row].0 != first {
                    return Err(damaged(format!(
                        "the rows ending on day {} start on day {} and on day {first}",
                        record.day, spans[row].0
                    )));
                }
                row
            }
            None => {
                spans.push((first, record.day));
                row_ending.insert(record.day, spans.len() - 1);
                for series in &mut daily {
                    series.shares.push(vec![f64::NAN; channels]);
                    series.cumulative_revenue.push(empty);
                    series.cumulative_regret.push(empty);
                    series.cumulative_profit.push(empty);
                }
                oracle_daily.push(vec![f64::NAN; channels]);
                spans.len() - 1
            }
        };
        let series = &mut daily[policy];
        if record.channel == crate::scenario::RESERVED_CHANNEL_NAME {
            let interval =
                |mean: Option<f64>, low: Option<f64>, high: Option<f64>| match (mean, low, high) {
                    (Some(mean), Some(low), Some(high)) => Ok(Interval { mean, low, high }),
                    _ => Err(damaged(format!(
                        "the total row of '{}' day {} lacks cumulative figures",
                        record.policy, record.day
                    ))),
                };
            series.cumulative_revenue[row] = interval(
                record.cumulative_revenue_mean,
                record.cumulative_revenue_low,
                record.cumulative_revenue_high,
            )?;
            series.cumulative_regret[row] = interval(
                record.cumulative_regret_mean,
                record.cumulative_regret_low,
                record.cumulative_regret_high,
            )?;
            match (
                record.cumulative_profit_mean,
                record.cumulative_profit_low,
                record.cumulative_profit_high,
            ) {
                (Some(mean), Some(low), Some(high)) => {
                    series.cumulative_profit[row] = Interval { mean, low, high };
                }
                _ => profit_recorded = false,
            }
        } else {
            let channel = scenario
                .channels
                .iter()
                .position(|c| c.name == record_channel)
                .ok_or_else(|| {
                    damaged(format!(
                        "channel '{}' is not in summary.json",
                        record.channel
                    ))
                })?;
            series.shares[row][channel] = record.share;
            if let Some(share) = record.oracle_share {
                oracle_daily[row][channel] = share;
            }
        }
    }
    // Rows in day order.
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_unstable_by_key(|&row| spans[row].1);
    for series in &mut daily {
        reorder(&mut series.shares, &order);
        reorder(&mut series.cumulative_revenue, &order);
        reorder(&mut series.cumulative_regret, &order);
        reorder(&mut series.cumulative_profit, &order);
    }
    reorder(&mut oracle_daily, &order);
    let spans: Vec<(usize, usize)> = order.iter().map(|&row| spans[row]).collect();
    if oracle_daily.iter().flatten().any(|s| s.is_nan()) {
        // Written before the oracle's daily shares were recorded: its split on every day.
        let split: Vec<f64> = oracle.split.iter().map(|s| s.share).collect();
        oracle_daily
            .iter_mut()
            .for_each(|day| day.clone_from(&split));
    }
    if !profit_recorded {
        daily.iter_mut().for_each(|s| s.cumulative_profit.clear());
    }
    for series in &daily {
        let complete = !spans.is_empty()
            && series.shares.iter().flatten().all(|s| s.is_finite())
            && series.cumulative_revenue.iter().all(|i| i.mean.is_finite())
            && series.cumulative_regret.iter().all(|i| i.mean.is_finite());
        if !complete {
            return Err(damaged(format!(
                "rows of policy '{}' are missing",
                series.policy
            )));
        }
    }
    // The rows tile the horizon: from day 1, each after the last, to the horizon's last day.
    let mut next = 1;
    for &(first, last) in &spans {
        if first != next {
            return Err(damaged(if first > next {
                format!(
                    "rows of every policy are missing: no row covers days {next} to {}",
                    first - 1
                )
            } else {
                format!("the row of days {first} to {last} overlaps the row before it")
            }));
        }
        next = last + 1;
    }
    if next != scenario.days + 1 {
        return Err(damaged(format!(
            "rows of every policy are missing: no row covers days {next} to {}",
            scenario.days
        )));
    }
    let rows = spans.iter().map(|&(first, last)| first - 1..last).collect();
    Ok((rows, daily, oracle_daily))
}

/// Puts `values` in the order `order` (a permutation of their indices).
fn reorder<T>(values: &mut Vec<T>, order: &[usize]) {
    let mut taken: Vec<Option<T>> = values.drain(..).map(Some).collect();
    values.extend(order.iter().map(|&row| {
        taken[row]
            .take()
            .expect("a permutation takes each row once")
    }));
}

/// The description of the scenario of a results folder, read from `summary.json` alone (or a
/// sweep's, from `sweep.json`).
pub fn description(folder: &Path) -> Option<String> {
    // A scenario's results, or a sweep's (whose variants have their own folders).
    let (file, section) = if folder.join("sweep.json").is_file() {
        ("sweep.json", "sweep")
    } else {
        ("summary.json", "scenario")
    };
    let text = std::fs::read_to_string(folder.join(file)).ok()?;
    let summary: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(summary[section]["description"].as_str()?.to_owned())
}
