//! Runs every (policy, replication) of a scenario in parallel and folds the results in a fixed
//! order.
//!
//! Work is cut into windows of whole replications, at most
//! [`WINDOW_REPLICATIONS_PER_THREAD`] per thread, every window holding every policy of its
//! replications. Rayon runs a window's jobs in parallel; their records are then folded into
//! each policy's [`PolicyAggregate`] in replication order (on one thread, while the others
//! simulate the next window), and each replication's policies are compared with the
//! baseline's: the paired difference of their objective totals, which common random numbers
//! make tight. The folding order never depends on which thread finished first, so the results
//! are bit-for-bit the same for any thread count, and memory holds at most two windows of
//! records however many replications are asked for. A record holds the rows of [`crate::checkpoints`], not days, so a window of a
//! ten-million-day horizon is no larger than one of a few thousand days.

use crate::aggregate::PolicyAggregate;
use crate::benchmark::Benchmark;
use crate::policy::PolicySpec;
use crate::scenario::Scenario;
use crate::simulation::{ReplicationRecord, Simulation};
use crate::stats::RunningStats;
use rayon::prelude::*;

/// Replications per window and thread: enough to keep every thread busy through a window
/// (every policy of a replication is in its window, and policies take different times), few
/// enough that two windows of records stay small and warm in the cache.
pub const WINDOW_REPLICATIONS_PER_THREAD: usize = 4;
/// Memory budget of one window's records (two windows are held: one simulating, one
/// folding); long horizons with many channels get a smaller window (never fewer jobs than
/// threads). The window size does not affect the results.
const WINDOW_BYTES: usize = 32 << 20;

/// Replications per window for `policies` policies with records of `rows` rows of `channels`
/// channels (two numbers per row and channel, five per row).
fn window_replications(rows: usize, channels: usize, policies: usize) -> usize {
    let record_bytes = rows * (channels * 2 + 5) * std::mem::size_of::<f64>();
    let policies = policies.max(1);
    let threads = rayon::current_num_threads();
    let fewest = threads.div_ceil(policies);
    let most = (WINDOW_REPLICATIONS_PER_THREAD * threads).max(fewest);
    (WINDOW_BYTES / (record_bytes * policies).max(1)).clamp(fewest, most)
}

/// The results of one policy.
#[derive(Debug, Clone)]
pub struct PolicyResult {
    /// The policy as configured.
    pub spec: PolicySpec,
    /// Its statistics over replications.
    pub aggregate: PolicyAggregate,
    /// Its objective total minus the baseline's in the same replication, over replications
    /// (`None` without a baseline; all zeros for the baseline itself).
    pub versus_baseline: Option<RunningStats>,
}

/// The results of one scenario: every policy, and the benchmark they are measured against.
#[derive(Debug, Clone)]
pub struct ScenarioResults {
    /// The scenario as run.
    pub scenario: Scenario,
    /// The oracle's split and value on every day.
    pub benchmark: Benchmark,
    /// One entry per policy, in scenario order.
    pub policies: Vec<PolicyResult>,
}

impl ScenarioResults {
    /// Indices of `policies` from the best mean objective to the worst (scenario order on
    /// ties): revenue, or `revenue / τ − spend` under the profit objective.
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

    /// The baseline policy's result, if the scenario has one.
    pub fn baseline(&self) -> Option<&PolicyResult> {
        self.scenario.baseline_index().map(|i| &self.policies[i])
    }
}

/// Simulates every policy of `scenario` over its replications, on the current rayon pool.
/// `progress` is called once per finished replication, from worker threads.
pub fn run_scenario(scenario: &Scenario, progress: &(dyn Fn() + Sync)) -> ScenarioResults {
    let simulation = Simulation::new(scenario);
    let channels = scenario.channels.len();
    let policies = scenario.policies.len();
    let baseline = scenario.baseline_index();
    let mut aggregates: Vec<PolicyAggregate> = (0..policies)
        .map(|_| PolicyAggregate::new(simulation.checkpoints().clone(), channels))
        .collect();
    let mut differences = vec![RunningStats::default(); policies];
    let rows = simulation.checkpoints().len();
    let per_window = window_replications(rows, channels, policies) as u64;
    // Two windows of records, allocated once and reused (large buffers handed back to the
    // system and mapped again every window cost more than the simulation on long horizons):
    // one is folded on one thread while the other thread(s) simulate the next into the other.
    let mut simulating: Vec<ReplicationRecord> = Vec::new();
    let mut folding: Vec<ReplicationRecord> = Vec::new();
    let mut folded_jobs = 0;
    let mut fold = |records: &[ReplicationRecord]| {
        for replication in records.chunks(policies) {
            for (aggregate, record) in aggregates.iter_mut().zip(replication) {
                aggregate.push(record);
            }
            if let Some(b) = baseline {
                let base = replication[b].objective_total();
                for (difference, record) in differences.iter_mut().zip(replication) {
                    difference.push(record.objective_total() - base);
                }
            }
        }
    };
    let mut first = 0;
    while first < scenario.replications {
        let last = (first + per_window).min(scenario.replications);
        let jobs: Vec<(usize, u64)> = (first..last)
            .flat_map(|r| (0..policies).map(move |p| (p, r)))
            .collect();
        if simulating.len() < jobs.len() {
            simulating.resize_with(jobs.len(), || simulation.empty_record());
        }
        let window = &mut simulating[..jobs.len()];
        rayon::join(
            || fold(&folding[..folded_jobs]),
            || {
                window
                    .par_iter_mut()
                    .zip(&jobs)
                    .for_each(|(record, &(policy, replication))| {
                        simulation.run_into(&scenario.policies[policy], replication, record);
                        progress();
                    })
            },
        );
        std::mem::swap(&mut simulating, &mut folding);
        folded_jobs = jobs.len();
        first = last;
    }
    fold(&folding[..folded_jobs]);
    ScenarioResults {
        scenario: scenario.clone(),
        benchmark: simulation.benchmark().clone(),
        policies: scenario
            .policies
            .iter()
            .cloned()
            .zip(aggregates)
            .zip(differences)
            .map(|((spec, aggregate), difference)| PolicyResult {
                spec,
                aggregate,
                versus_baseline: baseline.map(|_| difference),
            })
            .collect(),
    }
}
