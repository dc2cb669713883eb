//! The scenario file as written: serde structs that mirror the TOML, with the source span of
//! every value so validation can point at it. Nothing here is checked beyond its TOML type;
//! [`super::validate`] turns these into a [`super::Scenario`].

use super::Allocation;
use crate::channel::Pricing;
use serde::Deserialize;
use toml::Spanned;

/// The top level of a scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub days: Spanned<i64>,
    pub daily_budget: Spanned<f64>,
    #[serde(default)]
    pub currency: Option<Spanned<String>>,
    #[serde(default)]
    pub seed: Option<Spanned<i64>>,
    #[serde(default)]
    pub replications: Option<Spanned<i64>>,
    #[serde(default)]
    pub allocation: Option<Allocation>,
    #[serde(default)]
    pub objective: Option<Spanned<RawObjective>>,
    #[serde(default)]
    pub target_roas: Option<Spanned<f64>>,
    #[serde(default)]
    pub start_weekday: Option<Spanned<Weekday>>,
    #[serde(default)]
    pub max_daily_change: Option<Spanned<f64>>,
    #[serde(default)]
    pub baseline: Option<Spanned<String>>,
    pub channels: Spanned<Vec<Spanned<RawChannel>>>,
    #[serde(default)]
    pub policies: Option<Spanned<Vec<Spanned<RawPolicy>>>>,
}

/// One `[[channels]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChannel {
    pub name: Spanned<String>,
    pub pricing: Pricing,
    pub price: Spanned<f64>,
    #[serde(default)]
    pub price_cv: Option<Spanned<f64>>,
    #[serde(default)]
    pub ctr: Option<Spanned<f64>>,
    #[serde(default)]
    pub cvr: Option<Spanned<f64>>,
    pub value: Spanned<f64>,
    #[serde(default)]
    pub value_cv: Option<Spanned<f64>>,
    #[serde(default)]
    pub audience: Option<Spanned<f64>>,
    #[serde(default)]
    pub min_share: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_share: Option<Spanned<f64>>,
    #[serde(default)]
    pub min_spend: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_spend: Option<Spanned<f64>>,
    #[serde(default)]
    pub weekday: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub fatigue: Option<Spanned<RawFatigue>>,
    #[serde(default)]
    pub lag: Option<Spanned<RawLag>>,
    #[serde(default)]
    pub shifts: Vec<Spanned<RawShift>>,
}

/// The objective names a scenario can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum RawObjective {
    Revenue,
    Profit,
}

/// Days of the week, for `start_weekday`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// A channel's `fatigue` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFatigue {
    pub strength: Spanned<f64>,
    pub recovery: Spanned<f64>,
}

/// A channel's `lag` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLag {
    pub mean_days: Spanned<f64>,
    pub max_days: Spanned<i64>,
}

/// One `[[channels.shifts]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShift {
    pub day: Spanned<i64>,
    #[serde(default)]
    pub price: Option<Spanned<f64>>,
    #[serde(default)]
    pub ctr: Option<Spanned<f64>>,
    #[serde(default)]
    pub cvr: Option<Spanned<f64>>,
    #[serde(default)]
    pub value: Option<Spanned<f64>>,
    #[serde(default)]
    pub audience: Option<Spanned<f64>>,
}

/// The policy kinds a scenario can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum RawPolicyKind {
    Fixed,
    EpsilonGreedy,
    Thompson,
    Ucb,
    DiscountedThompson,
    SlidingWindowThompson,
    SaturationThompson,
    Oracle,
}

impl RawPolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RawPolicyKind::Fixed => "fixed",
            RawPolicyKind::EpsilonGreedy => "epsilon-greedy",
            RawPolicyKind::Thompson => "thompson",
            RawPolicyKind::Ucb => "ucb",
            RawPolicyKind::DiscountedThompson => "discounted-thompson",
            RawPolicyKind::SlidingWindowThompson => "sliding-window-thompson",
            RawPolicyKind::SaturationThompson => "saturation-thompson",
            RawPolicyKind::Oracle => "oracle",
        }
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
            RawPolicyKind::Oracle => &[],
        }
    }
}

/// One `[[policies]]` table: the union of every kind's fields, checked per kind in validation
/// so that a misplaced field gets a message naming the kind and its fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    pub kind: Spanned<RawPolicyKind>,
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub shares: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub epsilon: Option<Spanned<f64>>,
    #[serde(default)]
    pub decay: Option<Spanned<f64>>,
    #[serde(default)]
    pub prior_alpha: Option<Spanned<f64>>,
    #[serde(default)]
    pub prior_beta: Option<Spanned<f64>>,
    #[serde(default)]
    pub draws: Option<Spanned<i64>>,
    #[serde(default)]
    pub loglog_factor: Option<Spanned<f64>>,
    #[serde(default)]
    pub discount: Option<Spanned<f64>>,
    #[serde(default)]
    pub window: Option<Spanned<i64>>,
}

impl RawPolicy {
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
        present
    }
}
