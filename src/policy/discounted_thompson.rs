//! Discounted Thompson sampling: Thompson sampling for markets that change.
//!
//! The [Thompson sampler](super::thompson) runs on observations in which a day bought `a` days
//! ago weighs `γ^a` (`discount = γ`, in (0, 1)): every total — spend, units, trials,
//! conversions, revenue — is multiplied by `γ` once a day before the day's news is added. The
//! posterior therefore rests on an effective memory of about `1 / (1 − γ)` days, stays wide
//! enough to notice when a channel's return moves, and forgets a channel's glory once it
//! collapses (Raj and Kalyani, 2017, "Taming non-stationary bandits: a Bayesian approach").
//! The price is a noisier posterior in a calm market.

use super::Memory;
use super::thompson::{Thompson, ThompsonParams};
use crate::scenario::Scenario;
use serde::Serialize;

/// Parameters of discounted Thompson sampling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiscountedThompsonParams {
    /// Weight kept by each day's observations per day that passes, in (0, 1).
    pub discount: f64,
    /// The sampler's prior and draws.
    #[serde(flatten)]
    pub thompson: ThompsonParams,
}

impl DiscountedThompsonParams {
    /// The default discount, 0.95: an effective memory of about 20 days.
    pub const DEFAULT_DISCOUNT: f64 = 0.95;
}

impl Default for DiscountedThompsonParams {
    fn default() -> Self {
        DiscountedThompsonParams {
            discount: Self::DEFAULT_DISCOUNT,
            thompson: ThompsonParams::default(),
        }
    }
}

/// A fresh discounted Thompson sampler for one replication of `scenario`.
pub fn new(params: &DiscountedThompsonParams, scenario: &Scenario) -> Thompson {
    Thompson::forgetting(
        params.thompson,
        scenario,
        Memory::Discounted(params.discount),
    )
}
