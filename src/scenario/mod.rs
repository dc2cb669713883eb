//! Scenarios: what a strategist describes in a TOML file, parsed once and validated at the
//! border.
//!
//! A file is read into raw serde structs that keep every value's position (module `raw`), then
//! module `validate` turns them into a [`Scenario`] that cannot be invalid: nothing downstream checks
//! again. Every error names the file, the channel or policy, the field, the line and column, and
//! what is allowed (see [`ScenarioError`]). The format is documented field by field in
//! `docs/scenarios.md`.
//!
//! ```
//! use budget_bandit::scenario::Scenario;
//!
//! let scenario = Scenario::from_toml("inline", r#"
//!     name = "two-channels"
//!     days = 30
//!     daily_budget = 1000.0
//!
//!     [[channels]]
//!     name = "search"
//!     pricing = "cpc"
//!     price = 9.0
//!     cvr = 0.035
//!     value = 850.0
//!
//!     [[channels]]
//!     name = "affiliate"
//!     pricing = "cpa"
//!     price = 380.0
//!     value = 900.0
//!     audience = 10.0
//! "#).unwrap();
//! assert_eq!(scenario.channels.len(), 2);
//! assert_eq!(scenario.policies.len(), 4); // thompson, epsilon-greedy, fixed, oracle
//!
//! let source = "name = \"x\"\ndays = 0\ndaily_budget = 1.0\nchannels = []\n";
//! let error = Scenario::from_toml("inline", source).unwrap_err();
//! assert!(error.to_string().starts_with("inline:2:8: days must be"));
//! ```

pub(crate) mod messages;
pub(crate) mod raw;
pub(crate) mod validate;

pub use validate::{INDEX_PAGE, MAX_DAYS, MAX_REPLICATIONS, MAX_SEED, RESERVED_CHANNEL_NAME};

use crate::channel::Channel;
use crate::constraints::Constraints;
use crate::dynamics::Dynamics;
use crate::error::ScenarioError;
use crate::objective::Objective;
use crate::policy::{Memory, Observations, PolicySpec};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The built-in default scenario, the same text as `scenarios/default.toml`.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.toml");

/// How a day's budget may be split.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Allocation {
    /// Any split of the budget across channels.
    #[default]
    Proportional,
    /// Each day the whole budget goes to one channel: the classic bandit setting.
    WinnerTakesAll,
}

impl Allocation {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Allocation::Proportional => "proportional",
            Allocation::WinnerTakesAll => "winner-takes-all",
        }
    }
}

/// A validated scenario: channels, budget, horizon and the policies to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name, also the name of the results folder.
    pub name: String,
    /// One-line description for reports.
    pub description: String,
    /// Horizon in days.
    pub days: usize,
    /// Budget to allocate each day, in `currency`.
    pub daily_budget: f64,
    /// Currency code of prices, values and budgets.
    pub currency: String,
    /// Master seed of every random stream.
    pub seed: u64,
    /// Independent replications per policy.
    pub replications: u64,
    /// Whether the budget may be split or goes to one channel a day.
    pub allocation: Allocation,
    /// What the budget should maximise.
    pub objective: Objective,
    /// Weekday of the first day, 0 = Monday.
    pub start_weekday: usize,
    /// The channels, in file order, with their base parameters.
    pub channels: Vec<Channel>,
    /// How each channel's market moves (same order as `channels`).
    pub dynamics: Vec<Dynamics>,
    /// Spend floors, caps and pacing.
    pub constraints: Constraints,
    /// The policies to compare, in file order; names are unique.
    pub policies: Vec<PolicySpec>,
    /// The name of the policy every other is compared with (what the account runs today): the
    /// scenario's `baseline`, or its first `fixed` policy; `None` when there is neither.
    pub baseline: Option<String>,
    /// Where the scenario came from (a path, or "built-in default").
    pub origin: String,
    /// The scenario's TOML text as run: the file itself, or with overrides applied.
    source: String,
    /// Where each shift's day is written in the file, for [`Scenario::warnings`].
    shift_sites: Vec<ShiftSite>,
    /// The baseline the file names, when `--policies` left it out.
    left_out_baseline: Option<String>,
}

/// A shift's channel and day, and where its day is written in the scenario file: positions in
/// the file as the user wrote it, which a source rewritten by overrides no longer has.
#[derive(Debug, Clone, PartialEq)]
struct ShiftSite {
    channel: String,
    day: usize,
    line: usize,
    column: usize,
}

/// Command-line changes to a scenario, applied after validation of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Replace `days`.
    pub days: Option<u64>,
    /// Replace `replications`.
    pub replications: Option<u64>,
    /// Replace `seed`.
    pub seed: Option<u64>,
    /// Keep only these policies (by name), in this order.
    pub policies: Option<Vec<String>>,
}

impl Overrides {
    /// Whether any override is set.
    pub fn is_empty(&self) -> bool {
        *self == Overrides::default()
    }
}

impl Scenario {
    /// Parses and validates scenario TOML; `origin` names the source in error messages.
    pub fn from_toml(origin: &str, source: &str) -> Result<Scenario, ScenarioError> {
        validate::parse(origin, source)
    }

    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let origin = path.display().to_string();
        let source = std::fs::read_to_string(path)
            .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read: {e}")))?;
        Scenario::from_toml(&origin, &source)
    }

    /// The built-in default scenario (five channels of a Nordic web shop).
    pub fn builtin_default() -> Scenario {
        Scenario::from_toml("built-in default scenario", DEFAULT_SCENARIO)
            .expect("the built-in default scenario is valid (tested)")
    }

    /// Whether every channel's expected response is the same every day whatever the policy
    /// does, so the oracle's split is computed once.
    pub fn is_calm(&self) -> bool {
        self.dynamics.iter().all(Dynamics::is_calm)
    }

    /// Empty observations of the scenario's channels (pricing models and lag) with `memory`.
    pub fn observations(&self, memory: Memory) -> Observations {
        Observations::with_memory(
            self.channels.iter().map(|c| c.pricing).collect(),
            self.lag_cdfs(),
            memory,
        )
    }

    /// Per channel, the lag CDF `F(a)` for `a = 0..L`: the share of a day's conversions
    /// arrived `a` days later (empty for a channel without lag).
    pub fn lag_cdfs(&self) -> Vec<Vec<f64>> {
        self.dynamics
            .iter()
            .map(|d| d.lag.as_ref().map_or_else(Vec::new, |l| l.cdf()))
            .collect()
    }

    /// An error about the scenario's `name`, pointing at its line and column. Call it on the
    /// scenario as loaded: overrides rewrite [`Scenario::source`], where the name is looked up.
    pub fn name_error(&self, message: String) -> ScenarioError {
        ScenarioError::new(
            &self.origin,
            &self.source,
            validate::name_span(&self.source),
            message,
        )
    }

    /// The scenario's TOML text as run. Written next to the results so the folder alone
    /// replays the run; identical to the file when no override was applied.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Appends `note` to the scenario's TOML text as a comment block, wrapped at 95 columns:
    /// what a results folder's `scenario.toml` should tell its reader about the run that the
    /// file's fields do not.
    pub(crate) fn note_in_source(&mut self, note: &str) {
        if !self.source.ends_with('\n') && !self.source.is_empty() {
            self.source.push('\n');
        }
        self.source.push('\n');
        let mut line = String::from("#");
        for word in note.split_whitespace() {
            if line.len() + 1 + word.len() > 95 && line.len() > 1 {
                self.source.push_str(&line);
                self.source.push('\n');
                line = String::from("#");
            }
            line.push(' ');
            line.push_str(word);
        }
        self.source.push_str(&line);
        self.source.push('\n');
    }

    /// Applies command-line overrides, checking them like the fields they replace.
    pub fn with_overrides(mut self, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
        if overrides.is_empty() {
            return Ok(self);
        }
        let origin = self.origin.clone();
        let fail = |message: String| Err(ScenarioError::whole_file(&origin, message));
        let mut table: toml::Table = toml::from_str(&self.source)
            .expect("a validated scenario's source parses as a TOML table");
        if let Some(days) = overrides.days {
            if !(1..=validate::MAX_DAYS).contains(&days) {
                return fail(format!(
                    "--days must be between 1 and {}, got {days}",
                    validate::MAX_DAYS
                ));
            }
            let rows = crate::checkpoints::Checkpoints::count(days as usize) as u64;
            let cells = rows * self.channels.len() as u64;
            if cells > validate::MAX_ROW_CHANNELS {
                return fail(format!(
                    "--days {days} with {} channels gives {rows} rows × {} channels = {cells} \
                     cells of daily series; at most {} are allowed",
                    self.channels.len(),
                    self.channels.len(),
                    validate::MAX_ROW_CHANNELS
                ));
            }
            self.days = days as usize;
            table.insert("days".into(), toml::Value::Integer(days as i64));
        }
        if let Some(replications) = overrides.replications {
            if !(1..=validate::MAX_REPLICATIONS).contains(&replications) {
                return fail(format!(
                    "--replications must be between 1 and {}, got {replications}",
                    validate::MAX_REPLICATIONS
                ));
            }
            self.replications = replications;
            table.insert(
                "replications".into(),
                toml::Value::Integer(replications as i64),
            );
        }
        if let Some(seed) = overrides.seed {
            let Ok(as_toml) = i64::try_from(seed) else {
                return fail(format!("--seed: {}", seed_range_message(seed)));
            };
            self.seed = seed;
            table.insert("seed".into(), toml::Value::Integer(as_toml));
        }
        if let Some(names) = &overrides.policies {
            let mut kept = Vec::new();
            let mut kept_tables = Vec::new();
            let policy_tables = self.policy_tables(&table);
            for name in names {
                match self.policies.iter().position(|p| &p.name == name) {
                    Some(i) if !kept.iter().any(|p: &PolicySpec| &p.name == name) => {
                        kept.push(self.policies[i].clone());
                        kept_tables.push(policy_tables[i].clone());
                    }
                    Some(_) => return fail(format!("--policies names '{name}' twice")),
                    None => {
                        let known: Vec<&str> =
                            self.policies.iter().map(|p| p.name.as_str()).collect();
                        return fail(format!(
                            "--policies: no policy named '{name}'; this scenario has: {}",
                            known.join(", ")
                        ));
                    }
                }
            }
            if kept.is_empty() {
                return fail("--policies must name at least one policy".into());
            }
            self.policies = kept;
            table.insert("policies".into(), toml::Value::Array(kept_tables));
            let named = table.get("baseline").and_then(toml::Value::as_str);
            if let Some(left_out) =
                named.filter(|b| !self.policies.iter().any(|p| p.name == b.trim()))
            {
                // The baseline was left out: compare with nothing rather than a stranger.
                self.left_out_baseline = Some(left_out.trim().to_owned());
                table.remove("baseline");
                self.baseline = None;
            } else if named.is_none() {
                self.baseline = default_baseline(&self.policies);
            }
        }
        self.source = toml::to_string(&table).expect("a TOML table serialises");
        Ok(self)
    }

    /// What is allowed but probably not meant, each as `file:line:column: what` (or
    /// `file: what`): shifts dated after the horizon, which never take effect, and a baseline
    /// named by the file but left out by `--policies`. Computed for the scenario as it stands,
    /// so after `--days` has shortened or lengthened the horizon.
    ///
    /// ```
    /// use budget_bandit::scenario::{Overrides, Scenario};
    ///
    /// let source = "name = \"s\"\ndays = 30\ndaily_budget = 100.0\n\n[[channels]]\n\
    ///     name = \"search\"\npricing = \"cpc\"\nprice = 2.0\ncvr = 0.1\nvalue = 50.0\n\n\
    ///     [[channels.shifts]]\nday = 20\nprice = 1.5\n";
    /// let scenario = Scenario::from_toml("s.toml", source).unwrap();
    /// assert!(scenario.warnings().is_empty());
    /// let two_weeks = Overrides { days: Some(14), ..Overrides::default() };
    /// assert_eq!(
    ///     scenario.with_overrides(&two_weeks).unwrap().warnings(),
    ///     ["s.toml:13:7: channel 'search': the shift on day 20 comes after the horizon of 14 \
    ///       days and never takes effect"]
    /// );
    /// ```
    pub fn warnings(&self) -> Vec<String> {
        let days = match self.days {
            1 => "1 day".to_owned(),
            n => format!("{n} days"),
        };
        let mut warnings: Vec<String> = self
            .shift_sites
            .iter()
            .filter(|site| site.day > self.days)
            .map(|site| {
                format!(
                    "{}:{}:{}: channel '{}': the shift on day {} comes after the horizon of {days} \
                     and never takes effect",
                    self.origin, site.line, site.column, site.channel, site.day
                )
            })
            .collect();
        if let Some(baseline) = &self.left_out_baseline {
            warnings.push(format!(
                "{}: --policies leaves out the baseline '{baseline}'; no differences to a \
                 baseline are shown",
                self.origin
            ));
        }
        warnings
    }

    /// The index of the baseline policy in `policies`.
    pub fn baseline_index(&self) -> Option<usize> {
        let name = self.baseline.as_deref()?;
        self.policies.iter().position(|p| p.name == name)
    }

    /// The `[[policies]]` tables of the source, one per policy (the defaults when the file
    /// names none).
    fn policy_tables(&self, table: &toml::Table) -> Vec<toml::Value> {
        match table.get("policies").and_then(toml::Value::as_array) {
            Some(tables) => tables.clone(),
            None => self.kind_tables(),
        }
    }

    /// A `[[policies]]` table of each policy's kind alone: what the file would say for the
    /// default policies it does not name.
    pub(crate) fn kind_tables(&self) -> Vec<toml::Value> {
        self.policies
            .iter()
            .map(|p| {
                let mut policy = toml::Table::new();
                policy.insert("kind".into(), toml::Value::String(p.kind.as_str().into()));
                toml::Value::Table(policy)
            })
            .collect()
    }
}

/// Why a seed is out of range, for `--seed` and the library's overrides alike: the seed must
/// fit a TOML integer, so that the scenario as run can be written next to its results.
pub fn seed_range_message(given: impl std::fmt::Display) -> String {
    format!("the seed must be a whole number from 0 to {MAX_SEED} (2^63 − 1), got {given}")
}

/// The baseline of a scenario that names none: its first `fixed` policy.
fn default_baseline(policies: &[PolicySpec]) -> Option<String> {
    policies
        .iter()
        .find(|p| matches!(p.kind, crate::policy::PolicyKind::Fixed(_)))
        .map(|p| p.name.clone())
}

#[cfg(test)]
mod tests;
