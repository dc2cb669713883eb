//! Sliding-window Thompson sampling: Thompson sampling on the last `window` days only.
//!
//! The [Thompson sampler](super::thompson) runs on observations of the most recent `window`
//! days (conversions arriving for a day that has left the window are dropped with it). After a
//! change in the market the posterior rests entirely on the new regime within `window` days
//! (Trovò et al., 2020, "Sliding-window Thompson sampling for non-stationary settings"). A
//! shorter window reacts faster and explores more.

use super::Memory;
use super::thompson::{Thompson, ThompsonParams};
use crate::scenario::Scenario;
use serde::Serialize;

/// Parameters of sliding-window Thompson sampling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SlidingWindowParams {
    /// Days of observations the posterior rests on, at least 1.
    pub window: usize,
    /// The sampler's prior and draws.
    #[serde(flatten)]
    pub thompson: ThompsonParams,
}

impl SlidingWindowParams {
    /// The default window, 14 days: two weeks, so every weekday counts twice.
    pub const DEFAULT_WINDOW: usize = 14;
}

impl Default for SlidingWindowParams {
    fn default() -> Self {
        SlidingWindowParams {
            window: Self::DEFAULT_WINDOW,
            thompson: ThompsonParams::default(),
        }
    }
}

/// A fresh sliding-window Thompson sampler for one replication of `scenario`.
pub fn new(params: &SlidingWindowParams, scenario: &Scenario) -> Thompson {
    Thompson::forgetting(params.thompson, scenario, Memory::Window(params.window))
}
