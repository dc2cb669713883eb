//! Runs every (scenario, policy, replication) of an invocation in one rayon pool and folds
//! the results in a fixed order.
//!
//! The replications of each scenario are cut into [`blocks`] (every policy of
//! [`blocks::BLOCK_REPLICATIONS`] consecutive replications), the unit of folding, sharding and
//! merging. Work is cut into windows of whole replications taken in order across the
//! scenarios, at most [`WINDOW_REPLICATIONS_PER_THREAD`] per thread: a window may end one
//! scenario and begin the next, so several scenarios, or the variants of a sweep, keep every
//! core busy until the last job. Rayon runs a window's jobs in parallel; their records are
//! then folded (on one thread, while the others simulate the next window) into their block's
//! [`PolicyAggregate`]s in replication order, each replication's policies compared with the
//! baseline's: the paired difference of their objective totals, which common random numbers
//! make tight. A finished block is handed on ([`run_blocks`]); a scenario's blocks are merged
//! in block order ([`ScenarioFold`]), the same order whether they were simulated here or in
//! the shards of a cluster.
//!
//! The folding order never depends on which thread finished first, so the results are bit
//! for bit the same for any thread count or shard count, and memory holds at most two windows
//! of records and the folds of the scenarios they touch, however many replications and
//! scenarios are asked for. A record holds the rows of [`crate::checkpoints`], not days, so a
//! window of a ten-million-day horizon is no larger than one of a few thousand days.

pub mod blocks;
mod builder;

pub use builder::Runner;

use crate::aggregate::PolicyAggregate;
use crate::benchmark::Benchmark;
use crate::checkpoints::Checkpoints;
use crate::policy::PolicySpec;
use crate::scenario::Scenario;
use crate::simulation::{ReplicationRecord, Simulation};
use crate::stats::RunningStats;
use blocks::Block;
use rayon::prelude::*;

/// Replications per window and thread: enough to keep every thread busy through a window
/// (every policy of a replication is in its window, and policies take different times), few
/// enough that two windows of records stay small and warm in the cache.
pub const WINDOW_REPLICATIONS_PER_THREAD: usize = 4;
/// Memory budget of one window's records (two windows are held: one simulating, one
/// folding); long horizons with many channels get a smaller window (never fewer jobs than
/// threads). The window size does not affect the results.
const WINDOW_BYTES: usize = 32 << 20;

/// The bytes of one replication's records (every policy): two numbers per row and channel,
/// five per row.
fn replication_bytes(simulation: &Simulation<'_>, policies: usize) -> usize {
    let rows = simulation.checkpoints().len();
    let channels = simulation.channels();
    rows * (channels * 2 + 5) * std::mem::size_of::<f64>() * policies.max(1)
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

/// The folded replications of one block: each policy's statistics over them and the paired
/// differences to the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockResult {
    /// Which replications of which scenario.
    pub block: Block,
    /// One per policy, in scenario order.
    pub policies: Vec<PolicyAggregate>,
    /// Per policy, its objective total minus the baseline's in the same replication (all
    /// empty without a baseline).
    pub differences: Vec<RunningStats>,
}

impl BlockResult {
    /// An empty block of `simulation`'s scenario.
    pub fn empty(block: Block, simulation: &Simulation<'_>) -> Self {
        let (policies, differences) =
            empty_figures(simulation.scenario(), simulation.checkpoints());
        BlockResult {
            block,
            policies,
            differences,
        }
    }

    /// Folds in one replication's records, one per policy in scenario order.
    fn push(&mut self, records: &[ReplicationRecord], baseline: Option<usize>) {
        for (aggregate, record) in self.policies.iter_mut().zip(records) {
            aggregate.push(record);
        }
        if let Some(b) = baseline {
            let base = records[b].objective_total();
            for (difference, record) in self.differences.iter_mut().zip(records) {
                difference.push(record.objective_total() - base);
            }
        }
    }
}

/// No replication yet of each policy of `scenario`, whose records have the rows of
/// `checkpoints`: its statistics and its differences to the baseline.
fn empty_figures(
    scenario: &Scenario,
    checkpoints: &Checkpoints,
) -> (Vec<PolicyAggregate>, Vec<RunningStats>) {
    let policies = scenario.policies.len();
    let aggregates = (0..policies)
        .map(|_| PolicyAggregate::new(checkpoints.clone(), scenario.channels.len()))
        .collect();
    (aggregates, vec![RunningStats::default(); policies])
}

/// A scenario's blocks merged in block order (see [`blocks`]): the same bits whether the
/// blocks were simulated in this process or in shards.
#[derive(Debug, Clone)]
pub struct ScenarioFold {
    policies: Vec<PolicyAggregate>,
    differences: Vec<RunningStats>,
    merged: u64,
    blocks: u64,
}

impl ScenarioFold {
    /// An empty fold of `scenario`'s blocks, whose records have the rows of `checkpoints`.
    pub fn new(scenario: &Scenario, checkpoints: &Checkpoints) -> Self {
        let (policies, differences) = empty_figures(scenario, checkpoints);
        ScenarioFold {
            policies,
            differences,
            merged: 0,
            blocks: blocks::block_count(scenario.replications),
        }
    }

    /// The index of the block this fold merges next.
    pub fn next_block(&self) -> u64 {
        self.merged
    }

    /// Whether every block of the scenario is merged.
    pub fn is_complete(&self) -> bool {
        self.merged == self.blocks
    }

    /// Merges the next block. Blocks come in order: block `i` after blocks `0..i`.
    pub fn merge(&mut self, block: &BlockResult) {
        assert_eq!(block.block.index, self.merged, "blocks are merged in order");
        for (mine, theirs) in self.policies.iter_mut().zip(&block.policies) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.differences.iter_mut().zip(&block.differences) {
            mine.merge(theirs);
        }
        self.merged += 1;
    }

    /// The scenario's results, measured against `benchmark` (its oracle).
    pub fn finish(self, scenario: &Scenario, benchmark: Benchmark) -> ScenarioResults {
        let baseline = scenario.baseline_index();
        ScenarioResults {
            scenario: scenario.clone(),
            benchmark,
            policies: scenario
                .policies
                .iter()
                .cloned()
                .zip(self.policies)
                .zip(self.differences)
                .map(|((spec, aggregate), difference)| PolicyResult {
                    spec,
                    aggregate,
                    versus_baseline: baseline.map(|_| difference),
                })
                .collect(),
        }
    }
}

/// Simulates every policy of `scenario` over its replications, on the current rayon pool.
/// `progress` is called once per finished (policy, replication) job, from worker threads.
pub fn run_scenario(scenario: &Scenario, progress: &(dyn Fn() + Sync)) -> ScenarioResults {
    let mut results = None;
    let outcome: Result<(), std::convert::Infallible> =
        run_scenarios(std::slice::from_ref(scenario), progress, |_, finished| {
            results = Some(finished);
            Ok(())
        });
    let Ok(()) = outcome;
    results.expect("a scenario has at least one replication")
}

/// Simulates every policy and replication of `scenarios` together on the current rayon pool,
/// calling `finished(index, results)` as each scenario completes, in scenario order, on one
/// thread while the others simulate on. The first error `finished` returns stops the run.
pub fn run_scenarios<E: Send>(
    scenarios: &[Scenario],
    progress: &(dyn Fn() + Sync),
    mut finished: impl FnMut(usize, ScenarioResults) -> Result<(), E> + Send,
) -> Result<(), E> {
    let all = blocks::blocks(scenarios);
    let mut folds = Folds::new(scenarios);
    run_blocks(scenarios, &all, progress, |block, simulation| {
        match folds.absorb(&block, simulation) {
            Some((index, results)) => finished(index, results),
            None => Ok(()),
        }
    })
}

/// The folds of a run's scenarios: each scenario's blocks merged as they come, in order.
#[derive(Debug, Clone)]
pub struct Folds<'s> {
    scenarios: &'s [Scenario],
    folds: Vec<Option<ScenarioFold>>,
}

impl<'s> Folds<'s> {
    /// No block merged yet.
    pub fn new(scenarios: &'s [Scenario]) -> Self {
        Folds {
            scenarios,
            folds: vec![None; scenarios.len()],
        }
    }

    /// The index of the block scenario `index` merges next.
    pub fn next_block(&self, index: usize) -> u64 {
        self.folds[index]
            .as_ref()
            .map_or(0, ScenarioFold::next_block)
    }

    /// Merges `block` (the next of its scenario, whose simulation is `simulation`); returns
    /// the scenario's results when it was its last block.
    pub fn absorb(
        &mut self,
        block: &BlockResult,
        simulation: &Simulation<'_>,
    ) -> Option<(usize, ScenarioResults)> {
        let at = block.block.scenario;
        let scenario = &self.scenarios[at];
        let fold = self.folds[at]
            .get_or_insert_with(|| ScenarioFold::new(scenario, simulation.checkpoints()));
        fold.merge(block);
        if !fold.is_complete() {
            return None;
        }
        let fold = self.folds[at].take().expect("the fold just merged");
        Some((at, fold.finish(scenario, simulation.benchmark().clone())))
    }
}

/// The replications of a window, in order: the block (by position in the run's list) and
/// replication of each.
type WindowReplications = Vec<(usize, u64)>;

/// Simulates `blocks` of `scenarios` (in the order given) on the current rayon pool, calling
/// `done` with each block as it completes, in that order, on one thread while the others
/// simulate on, with the simulation of its scenario (its rows and oracle). `progress` is
/// called once per finished (policy, replication) job, from worker threads. The first error
/// `done` returns stops the run.
pub fn run_blocks<E: Send>(
    scenarios: &[Scenario],
    blocks: &[Block],
    progress: &(dyn Fn() + Sync),
    mut done: impl FnMut(BlockResult, &Simulation<'_>) -> Result<(), E> + Send,
) -> Result<(), E> {
    let threads = rayon::current_num_threads();
    let most = WINDOW_REPLICATIONS_PER_THREAD * threads;
    // The simulation of every scenario in the window being simulated or folded, built as its
    // first window comes and dropped once it is folded.
    let mut simulations: Vec<Option<Simulation<'_>>> = scenarios.iter().map(|_| None).collect();
    // Two windows of records, allocated once and reused (large buffers handed back to the
    // system and mapped again every window cost more than the simulation on long horizons):
    // one is folded on one thread while the other thread(s) simulate the next into the other.
    let mut simulating: Vec<ReplicationRecord> = Vec::new();
    let mut folding: Vec<ReplicationRecord> = Vec::new();
    let mut folding_window: WindowReplications = Vec::new();
    let mut open: Option<BlockResult> = None;
    let mut failure: Option<E> = None;
    // Where the next window starts: a block (by position) and a replication in it.
    let mut cursor = blocks.first().map(|b| (0, b.first));
    let mut fold = |window: &WindowReplications,
                    records: &[ReplicationRecord],
                    simulations: &[Option<Simulation<'_>>]|
     -> Result<(), E> {
        let mut at = 0;
        for &(position, replication) in window {
            let block = blocks[position];
            let simulation = simulations[block.scenario]
                .as_ref()
                .expect("a window's scenarios are simulated until folded");
            let scenario = simulation.scenario();
            let policies = scenario.policies.len();
            let current = match &mut open {
                Some(current) if current.block == block => current,
                _ => open.insert(BlockResult::empty(block, simulation)),
            };
            current.push(&records[at..at + policies], scenario.baseline_index());
            at += policies;
            if replication + 1 == block.end {
                done(open.take().expect("the block just folded"), simulation)?;
            }
        }
        Ok(())
    };
    while let Some((mut position, mut replication)) = cursor {
        // The next window: whole replications in order, up to `most` of them and the memory
        // budget (never fewer jobs than threads while there are any).
        let mut window: WindowReplications = Vec::new();
        let (mut jobs, mut bytes) = (0, 0);
        cursor = None;
        loop {
            let block = blocks[position];
            let at = block.scenario;
            if simulations[at].is_none() {
                simulations[at] = Some(Simulation::new(&scenarios[at]));
            }
            let simulation = simulations[at].as_ref().expect("just built");
            let policies = scenarios[at].policies.len();
            let cost = replication_bytes(simulation, policies);
            if !window.is_empty()
                && (window.len() >= most || (jobs >= threads && bytes + cost > WINDOW_BYTES))
            {
                cursor = Some((position, replication));
                break;
            }
            window.push((position, replication));
            jobs += policies;
            bytes += cost;
            replication += 1;
            if replication == block.end {
                position += 1;
                match blocks.get(position) {
                    Some(next) => replication = next.first,
                    None => break,
                }
            }
        }
        let jobs: Vec<(usize, usize, u64)> = window
            .iter()
            .flat_map(|&(position, replication)| {
                let at = blocks[position].scenario;
                (0..scenarios[at].policies.len()).map(move |policy| (at, policy, replication))
            })
            .collect();
        while simulating.len() < jobs.len() {
            let simulation = simulations[jobs[0].0].as_ref().expect("built above");
            simulating.push(simulation.empty_record());
        }
        let records = &mut simulating[..jobs.len()];
        let (folded, ()) = rayon::join(
            || fold(&folding_window, &folding, &simulations),
            || {
                records.par_iter_mut().zip(&jobs).for_each(
                    |(record, &(at, policy, replication))| {
                        let simulation = simulations[at].as_ref().expect("built above");
                        simulation.run_into(&scenarios[at].policies[policy], replication, record);
                        progress();
                    },
                )
            },
        );
        if let Err(error) = folded {
            failure = Some(error);
            break;
        }
        // Scenarios before this window's first are folded in full: drop their simulations.
        let first = blocks[window[0].0].scenario;
        for simulation in &mut simulations[..first] {
            *simulation = None;
        }
        std::mem::swap(&mut simulating, &mut folding);
        folding_window = window;
    }
    if let Some(error) = failure {
        return Err(error);
    }
    let jobs: usize = folding_window
        .iter()
        .map(|&(position, _)| scenarios[blocks[position].scenario].policies.len())
        .sum();
    fold(&folding_window, &folding[..jobs], &simulations)
}
