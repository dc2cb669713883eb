//! The scenario file as written: serde structs that mirror the TOML, with the source span of
//! every value so validation can point at it. Nothing here is checked beyond its TOML type;
//! [`super::validate`] turns these into a [`super::Scenario`].

use super::Allocation;
use super::messages::describe;
use super::validate::{
    DEFAULT_CURRENCY, DEFAULT_REPLICATIONS, DEFAULT_SEED, MAX_BETA, MAX_CV, MAX_DAYS, MAX_DRAWS,
    MAX_GRID, MAX_LAG_DAYS, MAX_MAGNITUDE, MAX_REPLICATIONS, MAX_SEED, MAX_WINDOW,
    MULTIPLIER_RANGE, SHARE_SUM_TOLERANCE,
};
use crate::channel::Pricing;
use crate::policy::discounted_thompson::DiscountedThompsonParams;
use crate::policy::epsilon_greedy::EpsilonGreedyParams;
use crate::policy::gp::GpParams;
use crate::policy::sliding_window_thompson::SlidingWindowParams;
use crate::policy::thompson::ThompsonParams;
use crate::policy::ucb::UcbParams;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use toml::{Spanned, Value};

// The doc comments of the fields below are also the JSON Schema's descriptions (`budget-bandit
// schema scenario`), which an editor shows on hover: they speak to the person writing the file.
// Ranges and word lists in `#[schemars(...)]` come from the constants validation checks
// against, so the schema cannot promise more or less than `validate` enforces.

/// A budget-bandit scenario: a simulated market of advertising channels, a daily budget and a
/// horizon, and the policies that compete to split the budget. `budget-bandit run FILE`
/// simulates it; a `[sweep]` table makes it a sweep of variants.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "budget-bandit scenario", rename = "Scenario")]
pub(crate) struct RawScenario {
    /// Name of the scenario and of its results folder: 1 to 64 letters, digits, `-`, `_` or
    /// `.`, not starting with `.`, and not `index.html`.
    #[schemars(with = "String", transform = folder_name)]
    pub name: Spanned<String>,
    /// One line shown in tables and reports. Default: empty.
    #[serde(default)]
    #[schemars(with = "String")]
    pub description: Option<Spanned<String>>,
    /// Horizon in days, from 1 to 10,000,000 (at most 2,000,000 rows of the daily series ×
    /// channels: every day up to 2,000 days, log-spaced buckets beyond).
    #[schemars(with = "i64", range(min = 1, max = MAX_DAYS))]
    pub days: Spanned<i64>,
    /// Budget to allocate each day, in `currency`: above 0, at most 1e12.
    #[schemars(with = "f64", transform = positive)]
    pub daily_budget: Spanned<f64>,
    /// Currency code of every money field, such as `NOK` or `EUR`. Default: `EUR`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = DEFAULT_CURRENCY))]
    pub currency: Option<Spanned<String>>,
    /// Master seed of every random stream, from 0 to 2^63 − 1: the same seed gives the same
    /// results. Default: 1.
    #[serde(default)]
    #[schemars(with = "i64", range(min = 0, max = MAX_SEED), extend("default" = DEFAULT_SEED))]
    pub seed: Option<Spanned<i64>>,
    /// Independent runs per policy, from 1 to 10,000,000; the tables show 95% intervals over
    /// them. Default: 100.
    #[serde(default)]
    #[schemars(
        with = "i64",
        range(min = 1, max = MAX_REPLICATIONS),
        extend("default" = DEFAULT_REPLICATIONS)
    )]
    pub replications: Option<Spanned<i64>>,
    /// How a day's budget may be split: `proportional` (any split across channels) or
    /// `winner-takes-all` (the whole budget to one channel a day, the classic bandit).
    /// Default: `proportional`.
    #[serde(default)]
    #[schemars(with = "Allocation")]
    pub allocation: Option<Allocation>,
    /// What the budget should maximise: `revenue` spends the whole budget; `profit` spends only
    /// what pays at `target_roas` (proportional allocation only). Default: `revenue`.
    #[serde(default)]
    #[schemars(with = "RawObjective")]
    pub objective: Option<Spanned<RawObjective>>,
    /// With `objective = "profit"` only: the least marginal return worth buying, above 0 (a 40%
    /// margin breaks even at 2.5); profit is `revenue / target_roas − spend`. Default: 1.
    #[serde(default)]
    #[schemars(with = "f64", transform = positive, extend("default" = 1.0))]
    pub target_roas: Option<Spanned<f64>>,
    /// Weekday of day 1, for the channels' `weekday` multipliers. Default: `monday`.
    #[serde(default)]
    #[schemars(with = "Weekday")]
    pub start_weekday: Option<Spanned<Weekday>>,
    /// Largest change of any channel's share of the daily budget from one day to the next:
    /// above 0, at most 1 (proportional allocation only). Default: none.
    #[serde(default)]
    #[schemars(with = "f64", range(max = 1.0), extend("exclusiveMinimum" = 0.0))]
    pub max_daily_change: Option<Spanned<f64>>,
    /// Name of the policy every other is compared with: what the account runs today. The
    /// tables show each policy's difference to it with a paired 95% interval. Default: the
    /// first `fixed` policy.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank)]
    pub baseline: Option<Spanned<String>>,
    /// The advertising channels, one `[[channels]]` table each; at least one.
    #[schemars(with = "Vec<RawChannel>", length(min = 1))]
    pub channels: Spanned<Vec<Spanned<RawChannel>>>,
    /// The policies to compare, one `[[policies]]` table each. Default: `thompson`,
    /// `epsilon-greedy`, `fixed` and `oracle`.
    #[serde(default)]
    #[schemars(with = "Vec<RawPolicy>", length(min = 1))]
    pub policies: Option<Spanned<Vec<Spanned<RawPolicy>>>>,
    /// Makes the file a sweep: dotted paths into the scenario, each with the list of values it
    /// takes (`daily_budget = [5000.0, 10000.0]`, `"policies.epsilon-greedy.epsilon" = [0.05,
    /// 0.1]`), and `mode`. Every variant is validated like a file of its own.
    #[serde(default)]
    #[allow(dead_code)]
    #[schemars(with = "crate::sweep::SweepTable")]
    pub sweep: Option<de::IgnoredAny>,
}

/// One `[[channels]]` table: an advertising channel and its market.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Channel", transform = pricing_rules)]
pub(crate) struct RawChannel {
    /// Channel name in results: unique, not `total`.
    #[schemars(with = "String", transform = not_blank, extend("not" = { "const": "total" }))]
    pub name: Spanned<String>,
    /// What one paid unit is: `cpm` a thousand impressions, `cpc` a click, `cpl` a lead, `cpa`
    /// an acquisition (a conversion).
    pub pricing: Pricing,
    /// Mean price of a paid unit in `currency` (per thousand impressions for cpm): above 0, at
    /// most 1e12.
    #[schemars(with = "f64", transform = positive)]
    pub price: Spanned<f64>,
    /// Day-to-day noise of the auction price, as a coefficient of variation: 0 (none) or from
    /// 1e-6 to 10. Default: 0.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = MAX_CV), extend("default" = 0.0))]
    pub price_cv: Option<Spanned<f64>>,
    /// Clicks per impression, from 0 to 1: required for cpm pricing, and for cpm only.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = 1.0))]
    pub ctr: Option<Spanned<f64>>,
    /// Conversions per click (cpm, cpc) or per lead (cpl), from 0 to 1: required for those, not
    /// given for cpa, whose paid unit is a conversion.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = 1.0))]
    pub cvr: Option<Spanned<f64>>,
    /// Mean revenue per conversion, in `currency`: above 0, at most 1e12.
    #[schemars(with = "f64", transform = positive)]
    pub value: Spanned<f64>,
    /// Spread of a conversion's revenue, as a coefficient of variation: 0 (every conversion is
    /// worth `value`) or from 1e-6 to 10. Default: 0.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = MAX_CV), extend("default" = 0.0))]
    pub value_cv: Option<Spanned<f64>>,
    /// Most paid units a day can buy, which sets the diminishing returns: above 0, at most
    /// 1e12. Default: none (every unit costs the same).
    #[serde(default)]
    #[schemars(with = "f64", transform = positive)]
    pub audience: Option<Spanned<f64>>,
    /// Floor: the least share of the daily budget the channel gets each day, from 0 to 1 (a
    /// brand that must stay visible). Give `min_share` or `min_spend`, not both; proportional
    /// allocation only. Default: 0.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = 1.0))]
    pub min_share: Option<Spanned<f64>>,
    /// Cap: the largest share of the daily budget the channel gets each day, from 0 to 1. Give
    /// `max_share` or `max_spend`, not both; proportional allocation only. Default: none.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = 1.0))]
    pub max_share: Option<Spanned<f64>>,
    /// Floor in money: the least the channel gets each day, from 0 to 1e12. Give `min_share`
    /// or `min_spend`, not both; proportional allocation only. Default: 0.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = MAX_MAGNITUDE))]
    pub min_spend: Option<Spanned<f64>>,
    /// Cap in money: the most the channel gets each day, from 0 to 1e12. Give `max_share` or
    /// `max_spend`, not both; proportional allocation only. Default: none.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = MAX_MAGNITUDE))]
    pub max_spend: Option<Spanned<f64>>,
    /// Seven multipliers of the conversion rate, Monday first, each from 0.001 to 1000 (the
    /// scenario's `start_weekday` is day 1's). Not for cpa. Default: none.
    #[serde(default)]
    #[schemars(with = "[f64; 7]", transform = multipliers)]
    pub weekday: Option<Spanned<Vec<f64>>>,
    /// Ad fatigue: click and conversion rates fall with recent delivery and recover with rest.
    /// Not for cpa. Default: none.
    #[serde(default)]
    #[schemars(with = "RawFatigue")]
    pub fatigue: Option<Spanned<RawFatigue>>,
    /// Conversion lag: conversions arrive over the days after the spend, and learners see
    /// only those that have arrived. Not for cpa. Default: none.
    #[serde(default)]
    #[schemars(with = "RawLag")]
    pub lag: Option<Spanned<RawLag>>,
    /// Lasting changes of the channel's market from a given day on, one `[[channels.shifts]]`
    /// table each; their multipliers compound. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<RawShift>")]
    pub shifts: Vec<Spanned<RawShift>>,
}

/// A channel's floor and cap as written: a share of the daily budget or money, each at most
/// once (shared by scenario and account files).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpendLimits<'a> {
    pub min_share: Option<&'a Spanned<f64>>,
    pub max_share: Option<&'a Spanned<f64>>,
    pub min_spend: Option<&'a Spanned<f64>>,
    pub max_spend: Option<&'a Spanned<f64>>,
}

impl RawChannel {
    /// The channel's floor and cap fields.
    pub fn limits(&self) -> SpendLimits<'_> {
        SpendLimits {
            min_share: self.min_share.as_ref(),
            max_share: self.max_share.as_ref(),
            min_spend: self.min_spend.as_ref(),
            max_spend: self.max_spend.as_ref(),
        }
    }
}

/// The objective names a scenario can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "Objective")]
pub(crate) enum RawObjective {
    Revenue,
    Profit,
}

/// Days of the week, for `start_weekday`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// A channel's `fatigue` table: exposure is a moving average of delivery relative to the
/// audience (or to what the whole budget buys), and rates are divided by
/// `1 + strength × exposure`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Fatigue")]
pub(crate) struct RawFatigue {
    /// How far rates fall under steady delivery of the whole reference volume: they are
    /// divided by `1 + strength`. From 0 (no fatigue) to 1e6.
    #[schemars(with = "f64", range(min = 0.0, max = 1e6))]
    pub strength: Spanned<f64>,
    /// Share of the exposure forgotten each day, above 0 and at most 1: the half-life is
    /// `ln 2 / −ln(1 − recovery)` days.
    #[schemars(with = "f64", range(max = 1.0), extend("exclusiveMinimum" = 0.0))]
    pub recovery: Spanned<f64>,
}

/// A channel's `lag` table: the delay from a paid unit to its conversion is geometric with
/// mean `mean_days`, truncated at `max_days`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Lag")]
pub(crate) struct RawLag {
    /// Mean delay of a conversion in days, from 0 to 365.
    #[schemars(with = "f64", range(min = 0.0, max = MAX_LAG_DAYS))]
    pub mean_days: Spanned<f64>,
    /// Longest delay in days, from 1 to 365: conversions later than that arrive on that day.
    #[schemars(with = "i64", range(min = 1, max = MAX_LAG_DAYS))]
    pub max_days: Spanned<i64>,
}

/// One `[[channels.shifts]]` table: from `day` on, the channel's parameters are multiplied by
/// the multipliers given (at least one), each from 0.001 to 1000. Shifts compound.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Shift", extend("minProperties" = 2))]
pub(crate) struct RawShift {
    /// First day on which the shift holds, from 1 to 10,000,000, numbered as in the results.
    #[schemars(with = "i64", range(min = 1, max = MAX_DAYS))]
    pub day: Spanned<i64>,
    /// Multiplies the price of a paid unit.
    #[serde(default)]
    #[schemars(with = "f64", transform = multiplier)]
    pub price: Option<Spanned<f64>>,
    /// Multiplies the click-through rate (cpm channels only).
    #[serde(default)]
    #[schemars(with = "f64", transform = multiplier)]
    pub ctr: Option<Spanned<f64>>,
    /// Multiplies the conversion rate (not cpa channels); the rate must stay at most 1.
    #[serde(default)]
    #[schemars(with = "f64", transform = multiplier)]
    pub cvr: Option<Spanned<f64>>,
    /// Multiplies the mean revenue per conversion.
    #[serde(default)]
    #[schemars(with = "f64", transform = multiplier)]
    pub value: Option<Spanned<f64>>,
    /// Multiplies the audience (channels with an audience only).
    #[serde(default)]
    #[schemars(with = "f64", transform = multiplier)]
    pub audience: Option<Spanned<f64>>,
}

/// The policy kinds a scenario can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "PolicyKind")]
pub(crate) enum RawPolicyKind {
    Fixed,
    EpsilonGreedy,
    Thompson,
    Ucb,
    DiscountedThompson,
    SlidingWindowThompson,
    SaturationThompson,
    GpUcb,
    GpThompson,
    Oracle,
}

impl RawPolicyKind {
    /// Every kind, for the schema's per-kind rules (`tests/schema.rs` checks it against the
    /// kinds the enum's own schema lists).
    pub const ALL: [RawPolicyKind; 10] = [
        RawPolicyKind::Fixed,
        RawPolicyKind::EpsilonGreedy,
        RawPolicyKind::Thompson,
        RawPolicyKind::Ucb,
        RawPolicyKind::DiscountedThompson,
        RawPolicyKind::SlidingWindowThompson,
        RawPolicyKind::SaturationThompson,
        RawPolicyKind::GpUcb,
        RawPolicyKind::GpThompson,
        RawPolicyKind::Oracle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RawPolicyKind::Fixed => "fixed",
            RawPolicyKind::EpsilonGreedy => "epsilon-greedy",
            RawPolicyKind::Thompson => "thompson",
            RawPolicyKind::Ucb => "ucb",
            RawPolicyKind::DiscountedThompson => "discounted-thompson",
            RawPolicyKind::SlidingWindowThompson => "sliding-window-thompson",
            RawPolicyKind::SaturationThompson => "saturation-thompson",
            RawPolicyKind::GpUcb => "gp-ucb",
            RawPolicyKind::GpThompson => "gp-thompson",
            RawPolicyKind::Oracle => "oracle",
        }
    }

    /// Whether the kind learns from what it observes (an account's policy must).
    pub fn learns(self) -> bool {
        !matches!(self, RawPolicyKind::Fixed | RawPolicyKind::Oracle)
    }

    /// The parameter fields this kind accepts, besides `kind` and `name`.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            RawPolicyKind::Fixed => &["shares"],
            RawPolicyKind::EpsilonGreedy => &["epsilon", "decay"],
            RawPolicyKind::Thompson => &["prior_alpha", "prior_beta", "draws"],
            RawPolicyKind::Ucb => &["loglog_factor"],
            RawPolicyKind::DiscountedThompson => {
                &["discount", "prior_alpha", "prior_beta", "draws"]
            }
            RawPolicyKind::SlidingWindowThompson => {
                &["window", "prior_alpha", "prior_beta", "draws"]
            }
            RawPolicyKind::SaturationThompson => &["prior_alpha", "prior_beta"],
            RawPolicyKind::GpUcb => &["grid", "beta", "prior_alpha", "prior_beta"],
            RawPolicyKind::GpThompson => &["grid", "prior_alpha", "prior_beta"],
            RawPolicyKind::Oracle => &[],
        }
    }
}

// The union of every kind's fields, checked per kind in validation so that a misplaced field
// gets a message naming the kind and its fields.
/// One `[[policies]]` table: a policy that competes for the budget. Its `kind` decides which
/// parameters apply.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Policy", transform = fields_by_kind)]
pub(crate) struct RawPolicy {
    /// The policy: `fixed` (a constant split: what the account runs today), `epsilon-greedy`,
    /// `thompson`, `ucb` (KL-UCB), `discounted-thompson` and `sliding-window-thompson` (for
    /// markets that move), `saturation-thompson` (learns each channel's response curve),
    /// `gp-ucb` and `gp-thompson` (Gaussian-process bandits on a spend grid), or `oracle`
    /// (knows the true market: the benchmark for regret).
    #[schemars(with = "RawPolicyKind")]
    pub kind: Spanned<RawPolicyKind>,
    /// Name in the results and for `baseline`. Default: the kind. Names must be unique, so two
    /// policies of one kind need names.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank)]
    pub name: Option<Spanned<String>>,
    /// `fixed` only: the split, by channel name (`{ search = 0.6, social = 0.4 }`, channels not
    /// named get 0) or one share per channel in channel order (`[0.6, 0.4]`); shares ≥ 0
    /// summing to 1 (within 0.001, then scaled to 1). Default: an equal split.
    #[serde(default)]
    #[schemars(with = "RawShares")]
    pub shares: Option<Spanned<RawShares>>,
    /// `epsilon-greedy` only: the test budget, the share of each day's budget spread over all
    /// channels, from 0 to 1. Default: 0.1.
    #[serde(default)]
    #[schemars(
        with = "f64",
        range(min = 0.0, max = 1.0),
        extend("default" = EpsilonGreedyParams::DEFAULT_EPSILON)
    )]
    pub epsilon: Option<Spanned<f64>>,
    /// `epsilon-greedy` only: epsilon on day `t` is `epsilon / (1 + decay × t)`; ≥ 0.
    /// Default: 0 (no decay).
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0), extend("default" = 0.0))]
    pub decay: Option<Spanned<f64>>,
    /// Thompson sampling and its variants, and the GP bandits: the Beta prior's alpha of every
    /// conversion rate, above 0. Default: 1.
    #[serde(default)]
    #[schemars(
        with = "f64",
        transform = positive,
        extend("default" = ThompsonParams::default().prior_alpha)
    )]
    pub prior_alpha: Option<Spanned<f64>>,
    /// Thompson sampling and its variants, and the GP bandits: the Beta prior's beta of every
    /// conversion rate, above 0. Default: 1.
    #[serde(default)]
    #[schemars(
        with = "f64",
        transform = positive,
        extend("default" = ThompsonParams::default().prior_beta)
    )]
    pub prior_beta: Option<Spanned<f64>>,
    /// `thompson`, `discounted-thompson`, `sliding-window-thompson`: posterior draws a day
    /// for the shares, from 1 to 1,000,000. Default: none (the shares are integrated
    /// numerically).
    #[serde(default)]
    #[schemars(with = "i64", range(min = 1, max = MAX_DRAWS))]
    pub draws: Option<Spanned<i64>>,
    /// `ucb` only: the `c` of the `log t + c log log t` exploration term, from 0 to 100 (0 as
    /// in practice, 3 for the regret bound). Default: 0.
    #[serde(default)]
    #[schemars(
        with = "f64",
        range(min = 0.0, max = 100.0),
        extend("default" = UcbParams::default().loglog_factor)
    )]
    pub loglog_factor: Option<Spanned<f64>>,
    /// `discounted-thompson` only: the weight a day's evidence keeps per day, above 0 and
    /// below 1. Default: 0.95.
    #[serde(default)]
    #[schemars(
        with = "f64",
        extend(
            "exclusiveMinimum" = 0.0,
            "exclusiveMaximum" = 1.0,
            "default" = DiscountedThompsonParams::DEFAULT_DISCOUNT
        )
    )]
    pub discount: Option<Spanned<f64>>,
    /// `sliding-window-thompson` only: the days of evidence kept, from 1 to 100,000.
    /// Default: 14.
    #[serde(default)]
    #[schemars(
        with = "i64",
        range(min = 1, max = MAX_WINDOW),
        extend("default" = SlidingWindowParams::DEFAULT_WINDOW)
    )]
    pub window: Option<Spanned<i64>>,
    /// `gp-ucb` and `gp-thompson`: the steps of the spend grid each channel's curve is learnt
    /// on, from 2 to 400. Default: 40.
    #[serde(default)]
    #[schemars(
        with = "i64",
        range(min = 2, max = MAX_GRID),
        extend("default" = GpParams::DEFAULT_GRID)
    )]
    pub grid: Option<Spanned<i64>>,
    /// `gp-ucb` only: the bound is the posterior mean + sqrt(beta) standard deviations; above
    /// 0, at most 10,000. Default: 2.
    #[serde(default)]
    #[schemars(
        with = "f64",
        range(max = MAX_BETA),
        extend("exclusiveMinimum" = 0.0, "default" = GpParams::DEFAULT_BETA)
    )]
    pub beta: Option<Spanned<f64>>,
}

impl RawPolicy {
    /// A policy of `kind` with every parameter at its default (an account's `policy = "kind"`).
    pub fn bare(kind: RawPolicyKind) -> RawPolicy {
        RawPolicy {
            kind: Spanned::new(0..0, kind),
            name: None,
            shares: None,
            epsilon: None,
            decay: None,
            prior_alpha: None,
            prior_beta: None,
            draws: None,
            loglog_factor: None,
            discount: None,
            window: None,
            grid: None,
            beta: None,
        }
    }

    /// The parameter fields present in the file, with their spans.
    pub fn present_fields(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut present = Vec::new();
        let mut note = |name: &'static str, span: Option<std::ops::Range<usize>>| {
            if let Some(span) = span {
                present.push((name, span));
            }
        };
        note("shares", self.shares.as_ref().map(Spanned::span));
        note("epsilon", self.epsilon.as_ref().map(Spanned::span));
        note("decay", self.decay.as_ref().map(Spanned::span));
        note("prior_alpha", self.prior_alpha.as_ref().map(Spanned::span));
        note("prior_beta", self.prior_beta.as_ref().map(Spanned::span));
        note("draws", self.draws.as_ref().map(Spanned::span));
        note(
            "loglog_factor",
            self.loglog_factor.as_ref().map(Spanned::span),
        );
        note("discount", self.discount.as_ref().map(Spanned::span));
        note("window", self.window.as_ref().map(Spanned::span));
        note("grid", self.grid.as_ref().map(Spanned::span));
        note("beta", self.beta.as_ref().map(Spanned::span));
        present
    }
}

/// A fixed policy's `shares` as written: by channel order, by channel name, or neither.
///
/// Read by hand rather than as an untagged enum, so that every shape reaches validation, which
/// names the policy, says both accepted forms and points at the offending value.
#[derive(Debug)]
pub(crate) enum RawShares {
    /// `shares = [0.5, 0.3, 0.2]`: one value per channel, in channel order.
    List(Vec<Spanned<Value>>),
    /// `shares = { search = 0.5, social = 0.5 }`: channel names and their values, in file order.
    Table(Vec<(Spanned<String>, Spanned<Value>)>),
    /// Anything else, described for the message ("5", "text \"half\"").
    Other(String),
}

impl<'de> Deserialize<'de> for RawShares {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SharesVisitor)
    }
}

/// What validation accepts: a list or a table of numbers; each share is at most 1 plus the
/// tolerance of the sum, since shares ≥ 0 sum to 1 within it.
impl JsonSchema for RawShares {
    fn schema_name() -> Cow<'static, str> {
        "Shares".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let share = json_schema!({
            "type": "number",
            "minimum": 0.0,
            "maximum": 1.0 + SHARE_SUM_TOLERANCE,
        });
        json_schema!({
            "anyOf": [
                { "type": "array", "items": share, "minItems": 1 },
                { "type": "object", "additionalProperties": share, "minProperties": 1 },
            ]
        })
    }
}

struct SharesVisitor;

impl<'de> Visitor<'de> for SharesVisitor {
    type Value = RawShares;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of numbers in channel order or a table of channel = share")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::Boolean(v))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::Integer(v))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawShares, E> {
        Ok(RawShares::Other(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawShares, E> {
        Ok(RawShares::Other(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawShares, E> {
        Ok(RawShares::Other(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::Float(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::String(v.to_owned()))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawShares, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok(RawShares::List(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawShares, A::Error> {
        let mut entries = Vec::new();
        loop {
            let key = match map.next_key::<Spanned<String>>() {
                Ok(Some(key)) => key,
                Ok(None) => break,
                // Every key of a TOML table has a position; the one thing read as a map whose
                // key has none is a date (`shares = 2024-05-01`).
                Err(_) if entries.is_empty() => return Ok(RawShares::Other("a date".into())),
                Err(error) => return Err(error),
            };
            entries.push((key, map.next_value()?));
        }
        Ok(RawShares::Table(entries))
    }
}

/// The field names of a raw table, read from its derived `Deserialize`, so that no second list
/// can drift from the struct (used to tell where a misplaced key belongs).
pub(crate) fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that only records the field names a struct asks for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only structs have field names"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The words a word-valued field accepts, as serde lists them ("one of `cpm`, `cpc`, `cpl`,
/// `cpa`" or "`revenue` or `profit`"), read from the enum itself; `None` for other fields.
pub(crate) fn choices(field: &str) -> Option<String> {
    fn of<'de, T: Deserialize<'de>>() -> Option<String> {
        let no_word = de::value::StrDeserializer::<de::value::Error>::new("");
        let message = T::deserialize(no_word).err()?.to_string();
        let (_, list) = message.split_once(", expected ")?;
        Some(list.to_owned())
    }
    match field {
        "allocation" => of::<Allocation>(),
        "objective" => of::<RawObjective>(),
        "start_weekday" => of::<Weekday>(),
        "pricing" => of::<Pricing>(),
        "kind" => of::<RawPolicyKind>(),
        _ => None,
    }
}

// The schema transforms named in `#[schemars(transform = ...)]` above.

/// A number above 0 and at most [`MAX_MAGNITUDE`], as [`super::validate::Checker::positive`].
pub(crate) fn positive(schema: &mut Schema) {
    schema.insert("exclusiveMinimum".into(), 0.0.into());
    schema.insert("maximum".into(), MAX_MAGNITUDE.into());
}

/// A multiplier of a shift or weekday.
fn multiplier(schema: &mut Schema) {
    let (low, high) = MULTIPLIER_RANGE;
    schema.insert("minimum".into(), low.into());
    schema.insert("maximum".into(), high.into());
}

/// Seven multipliers.
pub(crate) fn multipliers(schema: &mut Schema) {
    let mut each = json_schema!({ "type": "number" });
    multiplier(&mut each);
    schema.insert("items".into(), each.into());
}

/// Text with something besides white space (names are trimmed, then must not be empty).
pub(crate) fn not_blank(schema: &mut Schema) {
    schema.insert("pattern".into(), r"\S".into());
}

/// A scenario's or account's name, also its results folder's (see
/// [`super::validate::Checker::folder_name`]); white space around it is trimmed.
pub(crate) fn folder_name(schema: &mut Schema) {
    schema.insert(
        "pattern".into(),
        r"^\s*[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\s*$".into(),
    );
    schema.insert(
        "not".into(),
        serde_json::json!({ "pattern": r"^\s*[iI][nN][dD][eE][xX]\.[hH][tT][mM][lL]\s*$" }),
    );
}

/// The pricing models under which each optional rate field applies: cpm needs `ctr` and `cvr`,
/// cpc and cpl need `cvr`, and a cpa channel, whose paid unit is a conversion, takes neither,
/// nor the fields that scale a conversion rate (see `Checker::channel` and `Checker::dynamics`;
/// a test holds the two to each other).
pub(crate) const PRICING_FIELDS: [(&str, &[Pricing], &[Pricing]); 5] = [
    ("ctr", &[Pricing::Cpm], &[Pricing::Cpm]),
    (
        "cvr",
        &[Pricing::Cpm, Pricing::Cpc, Pricing::Cpl],
        &[Pricing::Cpm, Pricing::Cpc, Pricing::Cpl],
    ),
    ("weekday", &[Pricing::Cpm, Pricing::Cpc, Pricing::Cpl], &[]),
    ("fatigue", &[Pricing::Cpm, Pricing::Cpc, Pricing::Cpl], &[]),
    ("lag", &[Pricing::Cpm, Pricing::Cpc, Pricing::Cpl], &[]),
];

/// Per field of [`PRICING_FIELDS`], the pricing models it applies to (`dependencies`: a field
/// given needs one of them) and those that require it (`if`/`then` on `pricing`).
///
/// Neither uses `allOf`: taplo offers no completions for a table whose schema has one.
fn pricing_rules(schema: &mut Schema) {
    let fields: Vec<&str> = PRICING_FIELDS.iter().map(|(field, ..)| *field).collect();
    pricing_dependencies(schema, &fields);
    // if pricing = p then required [fields p requires], else (the next pricing...).
    let mut rule = serde_json::Value::Bool(true);
    for pricing in [Pricing::Cpa, Pricing::Cpl, Pricing::Cpc, Pricing::Cpm] {
        let required: Vec<&str> = PRICING_FIELDS
            .iter()
            .filter(|(_, _, requires)| requires.contains(&pricing))
            .map(|(field, ..)| *field)
            .collect();
        if required.is_empty() {
            continue;
        }
        rule = serde_json::json!({
            "if": { "properties": { "pricing": { "const": pricing.as_str() } } },
            "then": { "required": required },
            "else": rule,
        });
    }
    if let serde_json::Value::Object(rule) = rule {
        schema.ensure_object().extend(rule);
    }
}

/// For each of `fields` (of [`PRICING_FIELDS`]), the pricing models it applies to, as
/// `dependencies`: a field given needs one of them.
pub(crate) fn pricing_dependencies(schema: &mut Schema, fields: &[&str]) {
    let mut dependencies = serde_json::Map::new();
    for (field, applies, _) in PRICING_FIELDS {
        if fields.contains(&field) {
            let names: Vec<&str> = applies.iter().map(|p| p.as_str()).collect();
            dependencies.insert(
                field.into(),
                serde_json::json!({ "properties": { "pricing": { "enum": names } } }),
            );
        }
    }
    schema.insert("dependencies".into(), dependencies.into());
}

/// Per parameter field, the policy kinds it applies to (`dependencies`: a field given needs
/// one of them), read from [`RawPolicyKind::fields`] so that the schema and validation agree.
fn fields_by_kind(schema: &mut Schema) {
    let mut dependencies = serde_json::Map::new();
    for kind in RawPolicyKind::ALL {
        for field in kind.fields() {
            let kinds = RawPolicyKind::ALL
                .iter()
                .filter(|k| k.fields().contains(field))
                .map(|k| k.as_str())
                .collect::<Vec<_>>();
            dependencies.insert(
                (*field).into(),
                serde_json::json!({ "properties": { "kind": { "enum": kinds } } }),
            );
        }
    }
    schema.insert("dependencies".into(), dependencies.into());
}
