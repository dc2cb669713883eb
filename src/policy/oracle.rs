//! The oracle: is told every channel's true response curve for the day and plays the optimal
//! split within the day's constraints (see [`crate::oracle`] for the solver). No real policy
//! can do better in expectation on a day; its results are the yardstick regret is measured
//! against.

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
            .expect("the simulation tells the oracle the day's true channels");
        let split = match day.allocation {
            Allocation::Proportional => {
                optimal_constrained(truth, day.bounds, day.budget, day.objective)
            }
            Allocation::WinnerTakesAll => best_single_channel(truth, day.budget),
        };
        spend.copy_from_slice(&split.spend);
    }
}
