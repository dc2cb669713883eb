//! The oracle: knows every channel's true response curve and plays the optimal split every day
//! (see [`crate::oracle`] for the solver). No real policy can do better in expectation; its
//! results are the yardstick that regret is measured against.

use super::{Day, Observations, Policy};
use crate::oracle::optimal;
use crate::scenario::Scenario;
use crate::streams::StreamRng;

/// The oracle policy.
#[derive(Debug, Clone)]
pub struct Oracle {
    spend: Vec<f64>,
}

impl Oracle {
    /// The oracle of a scenario (its optimal split is computed once: the model is stationary).
    pub fn new(scenario: &Scenario) -> Self {
        let split = optimal(
            &scenario.channels,
            scenario.daily_budget,
            scenario.allocation,
        );
        Oracle { spend: split.spend }
    }
}

impl Policy for Oracle {
    fn allocate(&mut self, _: &Day, _: &Observations, _: &mut StreamRng, spend: &mut [f64]) {
        spend.copy_from_slice(&self.spend);
    }
}
