//! Runs every (policy, replication) of a scenario in parallel and folds the results in a fixed
//! order.
//!
//! Work is cut into windows of at most [`WINDOW`] jobs in (policy, replication) order. Rayon runs a
//! window's replications in parallel; their records are then folded into each policy's
//! [`PolicyAggregate`] in replication order. The folding order never depends on which thread
//! finished first, so the results are bit-for-bit the same for any thread count, and memory
//! holds at most one window of records however many replications are asked for.

use crate::aggregate::PolicyAggregate;
use crate::oracle::Split;
use crate::policy::PolicySpec;
use crate::scenario::Scenario;
use crate::simulation::Simulation;
use rayon::prelude::*;

/// Most jobs simulated in parallel before their records are folded.
pub const WINDOW: usize = 64;
/// Memory budget of one window's records; long horizons with many channels get a smaller
/// window (never fewer jobs than threads). The window size does not affect the results.
const WINDOW_BYTES: usize = 64 << 20;

/// Jobs per window for records of `days × channels` cells.
fn window_size(days: usize, channels: usize) -> usize {
    let record_bytes = days * (channels * 2 + 1) * std::mem::size_of::<f64>();
    (WINDOW_BYTES / record_bytes.max(1)).clamp(rayon::current_num_threads().min(WINDOW), WINDOW)
}

/// The results of one policy.
#[derive(Debug, Clone)]
pub struct PolicyResult {
    /// The policy as configured.
    pub spec: PolicySpec,
    /// Its statistics over replications.
    pub aggregate: PolicyAggregate,
}

/// The results of one scenario: every policy, and the oracle's split for reference.
#[derive(Debug, Clone)]
pub struct ScenarioResults {
    /// The scenario as run.
    pub scenario: Scenario,
    /// The oracle's daily split and its expected revenue.
    pub oracle: Split,
    /// One entry per policy, in scenario order.
    pub policies: Vec<PolicyResult>,
}

impl ScenarioResults {
    /// Indices of `policies` from the best mean objective to the worst (scenario order on
    /// ties): revenue, or `revenue − τ · spend` under the profit objective.
    pub fn ranking(&self) -> Vec<usize> {
        let objective = self.scenario.objective;
        let mut order: Vec<usize> = (0..self.policies.len()).collect();
        order.sort_by(|&a, &b| {
            let value = |i: usize| {
                let aggregate = &self.policies[i].aggregate;
                objective.value(aggregate.revenue.mean(), aggregate.spend.mean())
            };
            value(b).total_cmp(&value(a))
        });
        order
    }
}

/// Simulates every policy of `scenario` over its replications, on the current rayon pool.
/// `progress` is called once per finished replication, from worker threads.
pub fn run_scenario(scenario: &Scenario, progress: &(dyn Fn() + Sync)) -> ScenarioResults {
    let simulation = Simulation::new(scenario);
    let channels = scenario.channels.len();
    let mut aggregates: Vec<PolicyAggregate> = scenario
        .policies
        .iter()
        .map(|_| PolicyAggregate::new(scenario.days, channels))
        .collect();
    let jobs: Vec<(usize, u64)> = (0..scenario.policies.len())
        .flat_map(|p| (0..scenario.replications).map(move |r| (p, r)))
        .collect();
    for window in jobs.chunks(window_size(scenario.days, channels)) {
        let records: Vec<_> = window
            .par_iter()
            .map(|&(policy, replication)| {
                let record = simulation.run(&scenario.policies[policy], replication);
                progress();
                record
            })
            .collect();
        for (&(policy, _), record) in window.iter().zip(&records) {
            aggregates[policy].push(record);
        }
    }
    ScenarioResults {
        scenario: scenario.clone(),
        oracle: simulation.oracle().clone(),
        policies: scenario
            .policies
            .iter()
            .cloned()
            .zip(aggregates)
            .map(|(spec, aggregate)| PolicyResult { spec, aggregate })
            .collect(),
    }
}
