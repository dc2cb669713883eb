//! The oracle: is told the day's true channels and the benchmark's split of the day (see
//! [`crate::benchmark`]) and plays that split. When pacing forbids it today, it plays the best
//! split within today's box instead (see [`crate::oracle`] for the solver). Its results are the
//! yardstick regret is measured against.

use super::{Day, Observations, Policy};
use crate::oracle::{best_single_channel, optimal_constrained};
use crate::scenario::{Allocation, Scenario};
use crate::streams::StreamRng;

/// The oracle policy.
#[derive(Debug, Clone, Default)]
pub struct Oracle;

impl Oracle {
    /// The oracle of a scenario.
    pub fn new(_scenario: &Scenario) -> Self {
        Oracle
    }
}

impl Policy for Oracle {
    fn allocate(&mut self, day: &Day, _: &Observations, _: &mut StreamRng, spend: &mut [f64]) {
        let truth = day
            .truth
            .expect("the simulation tells the oracle the day's truth");
        if day.bounds.contains(truth.plan, day.budget) {
            spend.copy_from_slice(truth.plan);
            return;
        }
        let split = match day.allocation {
            Allocation::Proportional => {
                optimal_constrained(truth.channels, day.bounds, day.budget, day.objective)
            }
            Allocation::WinnerTakesAll => best_single_channel(truth.channels, day.budget),
        };
        spend.copy_from_slice(&split.spend);
    }
}
