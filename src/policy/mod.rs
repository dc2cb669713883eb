//! Allocation policies: each decides a day's split of the budget from what it has observed.
//!
//! A policy is a plug-in to a loop it does not own (the [simulation](crate::simulation)): every
//! day it is asked to [`allocate`](Policy::allocate) the budget, given the day and the shared
//! [`Observations`] bookkeeping, and is then shown the day's outcomes through
//! [`observe`](Policy::observe). Policies never touch I/O, threads or clocks; their randomness
//! comes from the stream the loop hands them.
//!
//! | kind | module | idea |
//! |------|--------|------|
//! | `fixed` | [`fixed`] | the same split every day (equal, or given shares) |
//! | `epsilon-greedy` | [`epsilon_greedy`] | a test budget `ε` spread evenly, the rest to the best observed ROAS |
//! | `thompson` | [`thompson`] | probability matching: each channel's posterior probability of the highest ROAS, integrated ([`probability_of_best`]) |
//! | `ucb` | [`ucb`] | KL-UCB: the budget to the channel with the highest upper confidence bound |
//! | `discounted-thompson` | [`discounted_thompson`] | Thompson sampling that down-weights old days |
//! | `sliding-window-thompson` | [`sliding_window_thompson`] | Thompson sampling on the last days only |
//! | `saturation-thompson` | [`saturation_thompson`] | draws each channel's response curve and maximises the drawn curves |
//! | `gp-ucb` | [`gp`] | a Gaussian process per channel's units curve, its upper confidence bound split by a knapsack on a spend grid (AdComB) |
//! | `gp-thompson` | [`gp`] | the same with one joint posterior draw of every curve a day |
//! | `oracle` | [`oracle`] | knows the model and plays the optimal split: the benchmark for regret |
//! | `custom` | [`custom`] | the user's own [`Policy`], given in code (see [`crate::Runner`]) |
//!
//! Every policy's split is then projected onto the day's constraints by the simulation (see
//! [`crate::constraints`]); policies that optimise (the oracle, saturation Thompson sampling,
//! the GP bandits) respect them already. Under the profit objective a policy may leave budget
//! unspent.

pub mod custom;
pub mod discounted_thompson;
pub mod epsilon_greedy;
pub mod fixed;
pub mod gp;
pub mod observations;
pub mod oracle;
pub mod probability_of_best;
pub mod response;
pub mod saturation_thompson;
pub mod sliding_window_thompson;
pub mod thompson;
pub mod ucb;
pub mod wear;
pub mod weekdays;
mod winner_draw;

pub use observations::{Arrival, ChannelObservations, Memory, Observations};
pub use response::{Bend, Beyond, ResponseDraw, RevenueCurve};

use crate::channel::Channel;
use crate::constraints::Bounds;
use crate::objective::Objective;
use crate::scenario::{Allocation, Scenario};
use crate::simulate::Outcome;
use crate::streams::StreamRng;
use rand::RngExt;
use serde::Serialize;

/// What a policy knows about the day it allocates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Day<'a> {
    /// Zero-based day of the horizon.
    pub index: usize,
    /// Budget to allocate today.
    pub budget: f64,
    /// Whether the budget may be split or must go to one channel.
    pub allocation: Allocation,
    /// What the budget should maximise (and whether it may be left unspent).
    pub objective: Objective,
    /// Today's feasible spend per channel (floors, caps and pacing).
    pub bounds: &'a Bounds,
    /// The day's truth, shown to the oracle only: learning policies get `None`.
    pub truth: Option<Truth<'a>>,
}

/// What the oracle is told about a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Truth<'a> {
    /// The day's true channels.
    pub channels: &'a [Channel],
    /// The benchmark's split of the day (see [`crate::benchmark`]), before pacing.
    pub plan: &'a [f64],
}

/// A budget allocation rule.
pub trait Policy: Send {
    /// Writes today's spend per channel into `spend` (zeroed, one entry per channel). The
    /// entries must be non-negative and sum to `day.budget` (at most `day.budget` under the
    /// profit objective); with winner-takes-all allocation exactly one entry is non-zero.
    fn allocate(
        &mut self,
        day: &Day,
        observed: &Observations,
        rng: &mut StreamRng,
        spend: &mut [f64],
    );

    /// Shown each day's news after it is recorded in the shared [`Observations`]: what the
    /// day's (projected) spend `bought` and the conversions that `arrived`; for policies that
    /// keep state of their own. The default ignores it.
    fn observe(&mut self, _day: &Day, _bought: &[Outcome], _arrived: &[Arrival]) {}

    /// One joint draw of every channel's expected response from the policy's posterior,
    /// written into `draw`: a curve per channel (in scenario order, in the curve family of
    /// [`crate::channel`] that the [oracle's solver](crate::oracle) maximises; names are left
    /// empty) and, for a policy that learns ad wear, each channel's wear (see
    /// [`ResponseDraw`]). Returns `false`, leaving `draw` alone, for a policy without a
    /// posterior of its own (fixed, epsilon-greedy, UCB, the oracle).
    ///
    /// `recommend` averages many draws into the posterior expected response, and optimises
    /// each draw for the uncertainty of the optimal split.
    fn draw_curves(
        &mut self,
        _observed: &Observations,
        _rng: &mut StreamRng,
        _draw: &mut ResponseDraw,
    ) -> bool {
        false
    }

    /// Takes the evidence of the days at `1 / temper` of its face value in the curves
    /// [`Policy::draw_curves`] draws from here on (1: as learned). `recommend` reads the
    /// policy's curves with the humility it reads the revenue's (see
    /// [`crate::recommend::revenue::TEMPER`]); a policy without curves ignores it.
    fn temper_curves(&mut self, _temper: f64) {}

    /// Channel `channel`'s learned weekday multipliers of its conversion rate, by the phase of
    /// the day's index (`index mod 7`; index 0 the first day seen), relative to its rate over
    /// all days: what [`Policy::draw_curves`]' curves, which are the mean over the week, are
    /// scaled by on a day of that phase. `None` for a policy that does not learn weekdays.
    fn weekday_multipliers(&self, _channel: usize) -> Option<[f64; 7]> {
        None
    }
}

/// A channel whose expected revenue is `roas · s` (no audience cap): the curve of a posterior
/// draw of a constant return on ad spend. A draw that is not a positive number becomes the
/// smallest positive one.
pub(crate) fn linear_curve(roas: f64) -> Channel {
    Channel {
        name: String::new(),
        pricing: crate::channel::Pricing::Cpa,
        price: 1.0,
        price_cv: 0.0,
        ctr: 1.0,
        cvr: 1.0,
        value: if roas.is_finite() && roas > 0.0 {
            roas
        } else {
            f64::MIN_POSITIVE
        },
        value_cv: 0.0,
        audience: None,
    }
}

/// A named, validated policy configuration from a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicySpec {
    /// Unique name in the scenario (defaults to the kind).
    pub name: String,
    /// The policy and its parameters (flattened in JSON: `kind` and the parameters beside
    /// `name`).
    #[serde(flatten)]
    pub kind: PolicyKind,
}

/// The policy kinds and their validated parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PolicyKind {
    /// A constant split.
    Fixed(fixed::FixedParams),
    /// Epsilon-greedy on observed ROAS.
    EpsilonGreedy(epsilon_greedy::EpsilonGreedyParams),
    /// Thompson sampling on posterior ROAS.
    Thompson(thompson::ThompsonParams),
    /// KL-UCB on conversion rates.
    Ucb(ucb::UcbParams),
    /// Thompson sampling with discounted observations.
    DiscountedThompson(discounted_thompson::DiscountedThompsonParams),
    /// Thompson sampling on a sliding window of days.
    SlidingWindowThompson(sliding_window_thompson::SlidingWindowParams),
    /// Thompson sampling on response curves.
    SaturationThompson(saturation_thompson::SaturationThompsonParams),
    /// GP-UCB on each channel's units curve, split by a knapsack.
    GpUcb(gp::GpParams),
    /// GP Thompson sampling on each channel's units curve, split by a knapsack.
    GpThompson(gp::GpParams),
    /// The optimal split of the true model.
    Oracle,
    /// A policy from the user's own code (see [`crate::Runner::with_policy`]).
    Custom(custom::CustomPolicy),
}

impl PolicyKind {
    /// The name used in scenario files.
    pub fn as_str(&self) -> &'static str {
        match self {
            PolicyKind::Fixed(_) => "fixed",
            PolicyKind::EpsilonGreedy(_) => "epsilon-greedy",
            PolicyKind::Thompson(_) => "thompson",
            PolicyKind::Ucb(_) => "ucb",
            PolicyKind::DiscountedThompson(_) => "discounted-thompson",
            PolicyKind::SlidingWindowThompson(_) => "sliding-window-thompson",
            PolicyKind::SaturationThompson(_) => "saturation-thompson",
            PolicyKind::GpUcb(_) => "gp-ucb",
            PolicyKind::GpThompson(_) => "gp-thompson",
            PolicyKind::Oracle => "oracle",
            PolicyKind::Custom(_) => "custom",
        }
    }
}

impl PolicySpec {
    /// A policy named after its kind, as a scenario names one that gives no `name`.
    pub fn by_kind(kind: PolicyKind) -> PolicySpec {
        PolicySpec {
            name: kind.as_str().to_owned(),
            kind,
        }
    }

    /// The policies a scenario runs when it lists none: every kind with default parameters.
    pub fn defaults() -> Vec<PolicySpec> {
        [
            PolicyKind::Thompson(thompson::ThompsonParams::default()),
            PolicyKind::EpsilonGreedy(epsilon_greedy::EpsilonGreedyParams::default()),
            PolicyKind::Fixed(fixed::FixedParams { shares: None }),
            PolicyKind::Oracle,
        ]
        .into_iter()
        .map(PolicySpec::by_kind)
        .collect()
    }

    /// Every learning kind with its default parameters, in the order `recommend` lists them:
    /// the candidates it weighs on an account's fitted market (see
    /// [`crate::recommend::choice`]).
    pub fn learners() -> Vec<PolicySpec> {
        [
            PolicyKind::SaturationThompson(saturation_thompson::SaturationThompsonParams::default()),
            PolicyKind::Thompson(thompson::ThompsonParams::default()),
            PolicyKind::DiscountedThompson(
                discounted_thompson::DiscountedThompsonParams::default(),
            ),
            PolicyKind::SlidingWindowThompson(
                sliding_window_thompson::SlidingWindowParams::default(),
            ),
            PolicyKind::EpsilonGreedy(epsilon_greedy::EpsilonGreedyParams::default()),
            PolicyKind::Ucb(ucb::UcbParams::default()),
            PolicyKind::GpUcb(gp::GpParams::default()),
            PolicyKind::GpThompson(gp::GpParams::default()),
        ]
        .into_iter()
        .map(PolicySpec::by_kind)
        .collect()
    }

    /// A fresh policy for one replication of `scenario`.
    pub fn build(&self, scenario: &Scenario) -> Box<dyn Policy> {
        match &self.kind {
            PolicyKind::Fixed(params) => {
                Box::new(fixed::Fixed::new(params, scenario.channels.len()))
            }
            PolicyKind::EpsilonGreedy(params) => {
                Box::new(epsilon_greedy::EpsilonGreedy::new(*params))
            }
            PolicyKind::Thompson(params) => Box::new(thompson::Thompson::new(*params)),
            PolicyKind::Ucb(params) => Box::new(ucb::Ucb::new(*params)),
            PolicyKind::DiscountedThompson(params) => {
                Box::new(discounted_thompson::new(params, scenario))
            }
            PolicyKind::SlidingWindowThompson(params) => {
                Box::new(sliding_window_thompson::new(params, scenario))
            }
            PolicyKind::SaturationThompson(params) => Box::new(
                saturation_thompson::SaturationThompson::new(*params, scenario),
            ),
            PolicyKind::GpUcb(params) => {
                Box::new(gp::GpBandit::new(*params, gp::Rule::Ucb, scenario))
            }
            PolicyKind::GpThompson(params) => {
                Box::new(gp::GpBandit::new(*params, gp::Rule::Thompson, scenario))
            }
            PolicyKind::Oracle => Box::new(oracle::Oracle::new(scenario)),
            PolicyKind::Custom(custom) => custom.build(scenario),
        }
    }
}

/// The index of the largest value, ties broken uniformly at random (so that no channel is
/// favoured by its position in the file).
pub(crate) fn argmax_random_ties(values: &[f64], rng: &mut StreamRng) -> usize {
    let mut best = 0;
    let mut ties = 0u32;
    for (i, &v) in values.iter().enumerate() {
        if i == 0 || v > values[best] {
            best = i;
            ties = 1;
        } else if v == values[best] {
            // Reservoir sampling over the tied indices.
            ties += 1;
            if rng.random_range(0..ties) == 0 {
                best = i;
            }
        }
    }
    best
}

impl PolicyKind {
    /// Whether the policy is told the day's true channels.
    pub fn sees_truth(&self) -> bool {
        matches!(self, PolicyKind::Oracle)
    }
}

/// Puts the whole budget on one channel.
pub(crate) fn all_on(spend: &mut [f64], channel: usize, budget: f64) {
    spend.fill(0.0);
    spend[channel] = budget;
}

/// A day without constraints or truth for unit tests (its bounds live for the test run).
#[cfg(test)]
pub(crate) fn test_day(
    index: usize,
    budget: f64,
    allocation: Allocation,
    channels: usize,
) -> Day<'static> {
    Day {
        index,
        budget,
        allocation,
        objective: Objective::Revenue,
        bounds: Box::leak(Box::new(Bounds::free(channels, budget))),
        truth: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ties_are_broken_uniformly() {
        let mut rng = StreamRng::seed_from_u64(5);
        let mut counts = [0u32; 4];
        for _ in 0..30_000 {
            counts[argmax_random_ties(&[1.0, 3.0, 3.0, 3.0], &mut rng)] += 1;
        }
        assert_eq!(counts[0], 0);
        // Each tied index: p = 1/3, sd of the count = sqrt(30000 * 2/9) ≈ 82; allow 5 sd.
        for &c in &counts[1..] {
            assert!((c as f64 - 10_000.0).abs() < 5.0 * 82.0, "{counts:?}");
        }
    }
}
