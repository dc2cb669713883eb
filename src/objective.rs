//! What a day's split is worth: all revenue, or profit at a target return.
//!
//! - `objective = "revenue"`: spend the whole budget, maximise expected revenue `Σ R_i(s_i)`.
//! - `objective = "profit"` with `target_roas = τ` (default 1): maximise the profit
//!   `Σ R_i(s_i) / τ − Σ s_i` with `Σ s_i ≤ B`. Money is spent only while the marginal return
//!   `R_i'(s_i)` is at least `τ`: the flexible budget of performance marketing, where profitable
//!   channels scale and unprofitable money stays unspent. A shop that keeps a margin `m` of
//!   revenue breaks even at `τ = 1 / m`, and then `R / τ − S = m R − S` is exactly its margin
//!   after ad spend; with `τ = 1` it is revenue minus spend.
//!
//! Regret is measured in the objective's units (for `profit`, money of margin after ad spend).

use serde::Serialize;

/// The quantity the budget should maximise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "objective", rename_all = "kebab-case")]
pub enum Objective {
    /// Spend the whole budget for the most revenue.
    Revenue,
    /// Spend only while the marginal return reaches `target_roas`.
    Profit {
        /// The least marginal return worth buying, `τ > 0`.
        target_roas: f64,
    },
}

impl Objective {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Objective::Revenue => "revenue",
            Objective::Profit { .. } => "profit",
        }
    }

    /// The target return, when budget may be left unspent.
    pub fn target_roas(self) -> Option<f64> {
        match self {
            Objective::Revenue => None,
            Objective::Profit { target_roas } => Some(target_roas),
        }
    }

    /// Whether every day's budget must be spent in full.
    pub fn spends_all(self) -> bool {
        matches!(self, Objective::Revenue)
    }

    /// The objective's value of `revenue` earned with `spend`: `revenue`, or the profit
    /// `revenue / τ − spend`.
    pub fn value(self, revenue: f64, spend: f64) -> f64 {
        match self {
            Objective::Revenue => revenue,
            Objective::Profit { target_roas } => revenue / target_roas - spend,
        }
    }

    /// Profit of `revenue` earned with `spend`, `revenue / τ − spend` (with `τ = 1` for the
    /// revenue objective): the margin after ad spend when `τ` is the break-even ROAS.
    pub fn profit(self, revenue: f64, spend: f64) -> f64 {
        revenue / self.target_roas().unwrap_or(1.0) - spend
    }
}
