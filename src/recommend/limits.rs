//! Tomorrow's limits on each channel's spend, and which of them decides a recommended spend.
//!
//! The posterior says what the data know; the limits are what the account, the pacing rule
//! and prudence allow. Each channel's spend lies in `[low, high]`, tightened in this order:
//!
//! 1. the account's floor and cap (`min_share`/`min_spend`, `max_share`/`max_spend`), within
//!    the budget;
//! 2. `freeze = true`: the last day's spend, exactly;
//! 3. pacing, `max_daily_change = δ`: within `δ B` of the day before's spend;
//! 4. unknown diminishing returns: a channel whose spend barely varied stays within
//!    [`UNKNOWN_SATURATION_STEP`] of its last spend;
//! 5. the history's highest day: at most `extrapolation_factor` (default
//!    [`crate::account::file::DEFAULT_EXTRAPOLATION`]) times the channel's highest daily spend
//!    in the history, since beyond it the curve is the model's guess, not the data's; an
//!    account with `allow_extrapolation = true` goes beyond, and the output flags it.
//!
//! Each bound remembers the limit that set it ([`Limit`]), so the output can say which limit
//! decided each number. When the limits leave no split that spends tomorrow's budget, they are
//! relaxed in turn, each with a note: pacing is taken against the last day's shares of the
//! budget, then the hold of unknown returns is lifted, then the history's cap.

use crate::account::file::Account;
use crate::constraints::Bounds;
use crate::error::ScenarioError;
use crate::output::table::thousands;
use serde::Serialize;

/// How far a channel with unknown diminishing returns may move from its last spend, as a share
/// of it.
pub const UNKNOWN_SATURATION_STEP: f64 = 0.2;

/// The limit that set a bound of a channel's spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// No limit: the data decided.
    Data,
    /// The account's floor.
    Floor,
    /// The account's cap.
    Cap,
    /// `freeze = true`.
    Frozen,
    /// `max_daily_change`.
    Pacing,
    /// The hold of a channel whose diminishing returns the history does not show.
    UnknownReturns,
    /// The cap at `extrapolation_factor` times the history's highest day.
    History,
    /// The whole budget.
    Budget,
}

impl Limit {
    /// Its name in the CSV, the JSON and the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Data => "data",
            Limit::Floor => "floor",
            Limit::Cap => "cap",
            Limit::Frozen => "frozen",
            Limit::Pacing => "pacing",
            Limit::UnknownReturns => "unknown-returns",
            Limit::History => "history",
            Limit::Budget => "budget",
        }
    }

    /// What it means, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Limit::Data => "the data",
            Limit::Floor => "the account's floor",
            Limit::Cap => "the account's cap",
            Limit::Frozen => "freeze = true",
            Limit::Pacing => "the pacing rule (max_daily_change)",
            Limit::UnknownReturns => "the hold of unknown diminishing returns",
            Limit::History => "the cap at extrapolation_factor times the history's highest day",
            Limit::Budget => "the budget",
        }
    }
}

/// Tomorrow's bounds, with the limit behind each.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Each channel's least and most spend.
    pub bounds: Bounds,
    low_by: Vec<Limit>,
    high_by: Vec<Limit>,
}

impl Limits {
    /// The limit that decides channel `i`'s `spend`: the bound it sits on, or
    /// [`Limit::Data`] when it sits inside them.
    pub fn deciding(&self, i: usize, spend: f64, budget: f64) -> Limit {
        let tolerance = 1e-6 * budget + 0.005;
        let (low, high) = (self.bounds.low[i], self.bounds.high[i]);
        if self.low_by[i] == Limit::Frozen {
            Limit::Frozen
        } else if spend >= high - tolerance {
            self.high_by[i]
        } else if spend <= low + tolerance && low > tolerance {
            self.low_by[i]
        } else {
            Limit::Data
        }
    }

    /// Whether channel `i`'s most spend is set by the history's highest day.
    pub fn capped_by_history(&self, i: usize) -> bool {
        self.high_by[i] == Limit::History
    }
}

/// What shapes tomorrow's limits besides the account.
pub struct Shape<'a> {
    /// The day before's split, which pacing is taken against.
    pub previous: &'a [f64],
    /// The last day's actual spend, which freezes and holds keep.
    pub current: &'a [f64],
    /// Whether the history shows each channel's diminishing returns.
    pub known: &'a [bool],
    /// Each channel's highest daily spend in the history.
    pub history_high: &'a [f64],
}

/// Which of the prudent limits apply.
#[derive(Clone, Copy)]
struct Prudence {
    /// Hold channels of unknown returns near their last spend.
    hold: bool,
    /// Cap at the history's highest day.
    history: bool,
}

/// The limits paced from `reference` with holds around `held`.
fn build(
    account: &Account,
    shape: &Shape<'_>,
    reference: &[f64],
    held: &[f64],
    r: Prudence,
) -> Limits {
    let budget = account.daily_budget;
    let n = account.channels.len();
    let mut bounds = account.constraints.bounds.clone();
    let mut low_by = vec![Limit::Data; n];
    let mut high_by = vec![Limit::Budget; n];
    for (i, channel) in account.channels.iter().enumerate() {
        let (low, high) = (&mut bounds.low[i], &mut bounds.high[i]);
        if *low > 0.0 {
            low_by[i] = Limit::Floor;
        }
        if *high < budget {
            high_by[i] = Limit::Cap;
        }
        if channel.freeze {
            *low = shape.current[i].min(budget);
            *high = *low;
            low_by[i] = Limit::Frozen;
            high_by[i] = Limit::Frozen;
            continue;
        }
        let mut tighten = |at_least: f64, at_most: f64, by: Limit| {
            if at_least > *low {
                *low = at_least;
                low_by[i] = by;
            }
            if at_most < *high {
                *high = at_most;
                high_by[i] = by;
            }
        };
        if let Some(change) = account.constraints.max_daily_change {
            tighten(
                reference[i] - change * budget,
                reference[i] + change * budget,
                Limit::Pacing,
            );
        }
        if r.hold && !shape.known[i] {
            tighten(
                held[i] * (1.0 - UNKNOWN_SATURATION_STEP),
                held[i] * (1.0 + UNKNOWN_SATURATION_STEP),
                Limit::UnknownReturns,
            );
        }
        if r.history && !account.allow_extrapolation {
            tighten(
                f64::NEG_INFINITY,
                account.extrapolation_factor * shape.history_high[i],
                Limit::History,
            );
        }
        if *low > *high {
            *high = *low;
            high_by[i] = low_by[i];
        }
    }
    Limits {
        bounds,
        low_by,
        high_by,
    }
}

/// Tomorrow's limits (see the module docs); what had to be relaxed is added to `warnings`.
pub fn tomorrow(
    account: &Account,
    shape: &Shape<'_>,
    warnings: &mut Vec<String>,
) -> Result<Limits, ScenarioError> {
    let budget = account.daily_budget;
    let spends_all = account.objective.spends_all();
    let feasible = |b: &Bounds| {
        let low: f64 = b.low.iter().sum();
        let high: f64 = b.high.iter().sum();
        low <= budget * (1.0 + 1e-12) && (!spends_all || high >= budget * (1.0 - 1e-12))
    };
    for (channel, &spend) in account.channels.iter().zip(shape.current) {
        if channel.freeze && spend > budget {
            warnings.push(format!(
                "channel '{}' is frozen at the last day's {spend:.2}, more than tomorrow's whole \
                 budget of {budget:.2}: it is held at the budget",
                channel.name
            ));
        }
    }
    let scale = |split: &[f64]| -> Vec<f64> {
        let total: f64 = split.iter().sum();
        split
            .iter()
            .map(|s| if total > 0.0 { s * budget / total } else { 0.0 })
            .collect()
    };
    let (scaled, held) = (scale(shape.previous), scale(shape.current));
    // Paced from the day before, then from the last day's shares of the budget, lifting the
    // hold of unknown returns, then the history's cap.
    let full = Prudence {
        hold: true,
        history: true,
    };
    let attempts = [
        (false, full, None),
        (
            true,
            full,
            Some(
                "the last day's spends do not fit tomorrow's budget: pacing and holds are taken \
                 against the last day's shares of it",
            ),
        ),
        (
            true,
            Prudence {
                hold: false,
                history: true,
            },
            Some(
                "holding channels of unknown diminishing returns near their last spend does \
                 not fit tomorrow's budget: they are left free within the pacing rule",
            ),
        ),
        (
            true,
            Prudence {
                hold: false,
                history: false,
            },
            Some(
                "the channels' highest days in the history, extrapolation_factor times over, \
                 do not add up to tomorrow's budget: spends beyond them are allowed, and \
                 flagged",
            ),
        ),
    ];
    let mut limits = None;
    for (from_shares, prudence, what) in attempts {
        let (reference, held) = if from_shares {
            (scaled.as_slice(), held.as_slice())
        } else {
            (shape.previous, shape.current)
        };
        let attempt = build(account, shape, reference, held, prudence);
        if feasible(&attempt.bounds) {
            warnings.extend(what.map(str::to_owned));
            return Ok(attempt);
        }
        limits = Some(attempt);
    }
    let limits = limits.expect("at least one attempt");
    let (low, high): (f64, f64) = (
        limits.bounds.low.iter().sum(),
        limits.bounds.high.iter().sum(),
    );
    let frozen: Vec<String> = account
        .channels
        .iter()
        .zip(shape.current)
        .filter(|(c, _)| c.freeze)
        .map(|(c, s)| format!("'{}' at {}", c.name, thousands(*s, 2)))
        .collect();
    let mut causes = Vec::new();
    if !frozen.is_empty() {
        causes.push(format!("frozen: {}", frozen.join(", ")));
    }
    if let Some(change) = account.constraints.max_daily_change {
        causes.push(format!(
            "max_daily_change = {change} keeps each channel within {} of the last day's share",
            thousands(change * budget, 2)
        ));
    }
    causes.push("the channels' floors and caps".to_owned());
    Err(ScenarioError::whole_file(
        &account.origin,
        format!(
            "tomorrow's limits allow from {} to {} in all, and daily_budget is {}: no split \
             meets it ({}); unfreeze a channel, relax a limit or change the budget",
            thousands(low, 2),
            thousands(high, 2),
            thousands(budget, 2),
            causes.join("; ")
        ),
    ))
}
