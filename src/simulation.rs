//! The day loop of one replication: the market moves, the policy allocates, the channels
//! respond, conversions arrive, everything is recorded.
//!
//! For each day `t` the loop
//!
//! 1. sets every channel's parameters for the day: base times shifts, weekday and fatigue
//!    (see [`crate::dynamics`]);
//! 2. asks the policy for a split and projects it onto the day's constraints (floors, caps,
//!    pacing from yesterday's split; see [`crate::constraints`]);
//! 3. draws every funded channel's outcome from its own stream
//!    `(seed, replication, channel name, t)` (so all policies of a replication face the same
//!    draws: common random numbers; see [`crate::streams`]) and spreads its conversions over the
//!    lag;
//! 4. shows the policy what the spend bought and the conversions that arrived today;
//! 5. books the day's pseudo-regret against the benchmark,
//!
//!    ```text
//!    regret_t = V*_t − V_t(s_t),    V_t(s) = Σ_i R_{t,i}(s_i)   or   Σ_i R_{t,i}(s_i) / τ − Σ_i s_i
//!    ```
//!
//!    for the revenue or the profit objective, `V_t` taken in the day's true state and `V*_t`
//!    the benchmark's value of the day under the floors and caps (see [`crate::benchmark`]: the
//!    day's optimum, or with fatigue the best constant split over the horizon). Pacing is a rule
//!    the policies live with, so its cost shows in their regret;
//! 6. updates each fatigued channel's exposure with the day's expected delivery.
//!
//! Revenue and conversions are attributed to the day they were bought and counted in full, also
//! those arriving after the horizon. The loop owns the record; policies see nothing but their
//! observations (and the oracle, the day's truth).
//!
//! **The record is kept per row, not per day.** The daily series are recorded on the rows of
//! [`crate::checkpoints`]: every day its own row up to 2,000 days, log-spaced buckets of days
//! beyond. For row `k` covering days `D_k` the record holds, per channel `i`,
//!
//! ```text
//! share_{k,i} = Σ_{t ∈ D_k} s_{t,i} / B        revenue_{k,i} = Σ_{t ∈ D_k} revenue_{t,i}
//! ```
//!
//! and per row the spend and regret summed over `D_k` and the cumulative revenue, regret and
//! spend at the row's last day (each a running sum over every day, in day order). A day adds
//! to its row's sums, touching only the channels it funded, and allocates nothing; memory per
//! replication is `rows × channels`, whatever the horizon. A one-day row holds exactly the
//! day's figures.
//!
//! [`Simulation::run_recording`] shows an observer each day as it ends (the split, the
//! outcomes, the arrivals), for writing the history an account would have had; it is the same
//! loop, so a replication's record does not depend on whether it was watched.

use crate::benchmark::{Benchmark, advance_exposure, set_day};
use crate::checkpoints::Checkpoints;
use crate::constraints::{Bounds, project};
use crate::dynamics::fatigue_reference;
use crate::oracle::expected_revenue;
use crate::policy::{Arrival, Day, Memory, PolicySpec, Truth};
use crate::scenario::{Allocation, Scenario};
use crate::simulate::{ChannelSimulator, Outcome};
use crate::streams::{ChannelStreams, ReplicationStreams};

/// A scenario prepared for simulation: channel samplers and the benchmark regret is measured
/// against.
#[derive(Debug, Clone)]
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    simulators: Vec<ChannelSimulator>,
    /// The oracle's split and value on every day.
    benchmark: Benchmark,
    /// Fatigue's reference volume per channel.
    fatigue_reference: Vec<f64>,
    /// The rows the record keeps.
    checkpoints: Checkpoints,
}

/// Everything one replication of one policy produced, row by row of the daily series (see
/// [`crate::checkpoints`]: up to 2,000 days every row is one day, and its sums are that day's
/// figures).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationRecord {
    /// Number of channels (the row length of the daily tables).
    pub channels: usize,
    /// The horizon in days.
    pub days: usize,
    /// The daily budget, to count what was left unspent.
    pub daily_budget: f64,
    /// The scenario's objective, for profit.
    pub objective: crate::objective::Objective,
    /// Per channel, the outcomes summed over the horizon.
    pub totals: Vec<Outcome>,
    /// `rows × channels`: the share of the day's budget allocated to each channel, summed over
    /// the row's days.
    pub share: Vec<f64>,
    /// `rows × channels`: the revenue each channel's spend earned, summed over the row's days.
    pub revenue: Vec<f64>,
    /// Per row, the money spent, summed over its days.
    pub spend: Vec<f64>,
    /// Per row, the pseudo-regret, summed over its days.
    pub regret: Vec<f64>,
    /// Per row, the revenue from the first day to the row's last.
    pub cumulative_revenue: Vec<f64>,
    /// Per row, the pseudo-regret from the first day to the row's last.
    pub cumulative_regret: Vec<f64>,
    /// Per row, the money spent from the first day to the row's last.
    pub cumulative_spend: Vec<f64>,
}

/// One day of a replication as it ends, shown to the observer of
/// [`Simulation::run_recording`].
#[derive(Debug, Clone, Copy)]
pub struct RecordedDay<'a> {
    /// Zero-based day of the horizon.
    pub index: usize,
    /// Per channel, the money the policy allocated after projection onto the day's
    /// constraints.
    pub spend: &'a [f64],
    /// Per channel, what the day's spend bought: conversions and revenue of the day's cohort
    /// in full, also those that arrive on later days (or after the horizon) under lag.
    pub outcomes: &'a [Outcome],
    /// The conversions that arrived this day, of this and earlier cohorts (what the policy
    /// saw).
    pub arrivals: &'a [Arrival],
}

impl ReplicationRecord {
    /// Zeroes every figure and fits the record to `simulation`'s scenario and rows, keeping
    /// the memory where the sizes allow: one buffer of records serves the scenarios of a run
    /// one after another.
    fn reset_for(&mut self, simulation: &Simulation<'_>) {
        let scenario = simulation.scenario;
        let channels = scenario.channels.len();
        let rows = simulation.checkpoints.len();
        self.channels = channels;
        self.days = scenario.days;
        self.daily_budget = scenario.daily_budget;
        self.objective = scenario.objective;
        self.totals.resize(channels, Outcome::default());
        self.share.resize(rows * channels, 0.0);
        self.revenue.resize(rows * channels, 0.0);
        for series in [
            &mut self.spend,
            &mut self.regret,
            &mut self.cumulative_revenue,
            &mut self.cumulative_regret,
            &mut self.cumulative_spend,
        ] {
            series.resize(rows, 0.0);
        }
        self.totals.fill(Outcome::default());
        for series in [
            &mut self.share,
            &mut self.revenue,
            &mut self.spend,
            &mut self.regret,
            &mut self.cumulative_revenue,
            &mut self.cumulative_regret,
            &mut self.cumulative_spend,
        ] {
            series.fill(0.0);
        }
    }

    /// Revenue over the horizon.
    pub fn revenue_total(&self) -> f64 {
        self.totals.iter().map(|t| t.revenue).sum()
    }

    /// Money spent over the horizon.
    pub fn spend_total(&self) -> f64 {
        self.totals.iter().map(|t| t.spend).sum()
    }

    /// Budget allocated over the horizon.
    pub fn allocated_total(&self) -> f64 {
        self.totals.iter().map(|t| t.allocated).sum()
    }

    /// Budget left unallocated over the horizon (under the profit objective).
    pub fn unspent_total(&self) -> f64 {
        (self.daily_budget * self.days as f64 - self.allocated_total()).max(0.0)
    }

    /// Profit over the horizon, `revenue / τ − spend` (see [`crate::objective`]).
    pub fn profit_total(&self) -> f64 {
        self.objective
            .profit(self.revenue_total(), self.spend_total())
    }

    /// The objective's value over the horizon: revenue, or the profit under the profit
    /// objective (what policies are ranked and compared by).
    pub fn objective_total(&self) -> f64 {
        self.objective
            .value(self.revenue_total(), self.spend_total())
    }

    /// Conversions over the horizon.
    pub fn conversions_total(&self) -> u64 {
        self.totals.iter().map(|t| t.conversions).sum()
    }

    /// Cumulative pseudo-regret over the horizon.
    pub fn regret_total(&self) -> f64 {
        self.cumulative_regret.last().copied().unwrap_or(0.0)
    }
}

impl<'a> Simulation<'a> {
    /// Prepares `scenario` for simulation.
    pub fn new(scenario: &'a Scenario) -> Self {
        Self::with_checkpoints(scenario, Checkpoints::new(scenario.days))
    }

    /// Prepares `scenario` for simulation with records kept on `checkpoints` (tests use
    /// layouts with a small threshold).
    pub(crate) fn with_checkpoints(scenario: &'a Scenario, checkpoints: Checkpoints) -> Self {
        debug_assert_eq!(checkpoints.days(), scenario.days);
        Simulation {
            scenario,
            simulators: scenario
                .channels
                .iter()
                .map(ChannelSimulator::new)
                .collect(),
            benchmark: Benchmark::new(scenario),
            fatigue_reference: scenario
                .channels
                .iter()
                .map(|c| fatigue_reference(c, scenario.daily_budget))
                .collect(),
            checkpoints,
        }
    }

    /// The scenario simulated.
    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    /// The number of channels.
    pub fn channels(&self) -> usize {
        self.scenario.channels.len()
    }

    /// The rows of the daily series the records keep.
    pub fn checkpoints(&self) -> &Checkpoints {
        &self.checkpoints
    }

    /// The benchmark: the oracle's split and value on every day.
    pub fn benchmark(&self) -> &Benchmark {
        &self.benchmark
    }

    /// Runs replication `replication` of `policy` over the scenario's horizon.
    pub fn run(&self, policy: &PolicySpec, replication: u64) -> ReplicationRecord {
        self.run_recording(policy, replication, |_| {})
    }

    /// Runs replication `replication` of `policy` like [`Simulation::run`] (with exactly its
    /// results), showing `on_day` each day as it ends: the split, the channels' outcomes and
    /// the conversions that arrived (see [`RecordedDay`]). Observing draws nothing, so the
    /// record is the same whatever `on_day` does; `run` passes a closure that does nothing,
    /// which compiles away.
    ///
    /// ```
    /// use budget_bandit::scenario::Scenario;
    /// use budget_bandit::simulation::Simulation;
    ///
    /// let scenario = Scenario::builtin_default();
    /// let simulation = Simulation::new(&scenario);
    /// let policy = &scenario.policies[0];
    /// let mut revenue = 0.0;
    /// let record = simulation.run_recording(policy, 0, |day| {
    ///     revenue += day.outcomes.iter().map(|o| o.revenue).sum::<f64>();
    /// });
    /// assert_eq!(record, simulation.run(policy, 0));
    /// assert!((revenue - record.revenue_total()).abs() < 1e-6 * revenue);
    /// ```
    pub fn run_recording(
        &self,
        policy: &PolicySpec,
        replication: u64,
        on_day: impl FnMut(&RecordedDay<'_>),
    ) -> ReplicationRecord {
        let mut record = self.empty_record();
        self.simulate(policy, replication, on_day, &mut record);
        record
    }

    /// An all-zero record of the scenario's size, for [`Simulation::run_into`].
    pub fn empty_record(&self) -> ReplicationRecord {
        let scenario = self.scenario;
        let channels = scenario.channels.len();
        let rows = self.checkpoints.len();
        ReplicationRecord {
            channels,
            days: scenario.days,
            daily_budget: scenario.daily_budget,
            objective: scenario.objective,
            totals: vec![Outcome::default(); channels],
            share: vec![0.0; rows * channels],
            revenue: vec![0.0; rows * channels],
            spend: vec![0.0; rows],
            regret: vec![0.0; rows],
            cumulative_revenue: vec![0.0; rows],
            cumulative_regret: vec![0.0; rows],
            cumulative_spend: vec![0.0; rows],
        }
    }

    /// Runs replication `replication` of `policy` like [`Simulation::run`], writing into a
    /// record of this simulation's size (from [`Simulation::empty_record`] or an earlier run),
    /// so that a runner reuses its records' memory from window to window.
    pub fn run_into(&self, policy: &PolicySpec, replication: u64, record: &mut ReplicationRecord) {
        self.simulate(policy, replication, |_| {}, record);
    }

    fn simulate(
        &self,
        policy: &PolicySpec,
        replication: u64,
        mut on_day: impl FnMut(&RecordedDay<'_>),
        record: &mut ReplicationRecord,
    ) {
        let scenario = self.scenario;
        let channels = scenario.channels.len();
        let budget = scenario.daily_budget;
        let objective = scenario.objective;
        let streams = ReplicationStreams::new(scenario.seed, replication);
        let mut policy_rng = streams.policy(&policy.name);
        let channel_streams: Vec<ChannelStreams> = self
            .simulators
            .iter()
            .map(|simulator| streams.channel(simulator.key()))
            .collect();
        let mut learner = policy.build(scenario);
        let mut observed = scenario.observations(Memory::All);
        let longest_lag = scenario
            .dynamics
            .iter()
            .filter_map(|d| d.lag.as_ref().map(|l| l.max_days))
            .max()
            .unwrap_or(0);
        // Arrivals due on day t sit in slot t % (longest lag + 1).
        let mut pending: Vec<Vec<Arrival>> = vec![Vec::new(); longest_lag + 1];
        let mut arrived = Vec::new();
        let mut parts = Vec::new();
        let mut effective = scenario.channels.clone();
        let mut exposure = vec![0.0; channels];
        let mut today = Bounds::free(channels, budget);
        let mut yesterday = vec![0.0; channels];
        let mut spend = vec![0.0; channels];
        let mut outcomes = vec![Outcome::default(); channels];
        // The channels funded today, in channel order.
        let mut funded = Vec::with_capacity(channels);
        let ends = self.checkpoints.ends();
        record.reset_for(self);
        let mut row = 0;
        let (mut cumulative_revenue, mut cumulative_regret, mut cumulative_spend) = (0.0, 0.0, 0.0);
        // What a calm market without pacing or fatigue never needs to redo day by day.
        let calm = scenario.is_calm();
        let paced = scenario.constraints.max_daily_change.is_some();
        let tiring = scenario.dynamics.iter().any(|d| d.fatigue.is_some());
        scenario.constraints.today(None, budget, &mut today);
        for index in 0..scenario.days {
            if !calm {
                set_day(scenario, index, &exposure, &mut effective);
            }
            if paced && index > 0 {
                scenario
                    .constraints
                    .today(Some(yesterday.as_slice()), budget, &mut today);
            }
            let day = Day {
                index,
                budget,
                allocation: scenario.allocation,
                objective,
                bounds: &today,
                truth: policy.kind.sees_truth().then(|| Truth {
                    channels: &effective,
                    plan: self.benchmark.spend(index),
                }),
            };
            spend.fill(0.0);
            learner.allocate(&day, &observed, &mut policy_rng, &mut spend);
            debug_assert!(
                spend.iter().all(|s| *s >= 0.0),
                "{} spends below zero",
                policy.name
            );
            if scenario.allocation == Allocation::Proportional {
                project(&mut spend, &today, budget, objective.spends_all());
            }
            debug_assert!(
                spend.iter().sum::<f64>() <= budget * (1.0 + 1e-9)
                    && (!objective.spends_all()
                        || (spend.iter().sum::<f64>() - budget).abs() <= 1e-9 * budget),
                "{} does not meet the budget: {spend:?}",
                policy.name
            );
            let slots = pending.len();
            // Today's slot of arrivals (no division when nothing lags).
            let slot = if slots == 1 { 0 } else { index % slots };
            let cells = row * channels;
            let (mut day_revenue, mut day_spend) = (0.0, 0.0);
            // The day's expected revenue and allocation for its regret, summed over the funded
            // channels in channel order from −0.0 as `Iterator::sum` does (unfunded channels
            // add exactly nothing).
            let (mut expected, mut allocated) = (-0.0, -0.0);
            funded.clear();
            for (i, (simulator, outcome)) in self.simulators.iter().zip(&mut outcomes).enumerate() {
                *outcome = Outcome::default();
                if spend[i] > 0.0 {
                    funded.push(i);
                    expected += effective[i].expected_revenue(spend[i]);
                    allocated += spend[i];
                    let mut rng = channel_streams[i].day(index);
                    *outcome = simulator.day(&effective[i], spend[i], &mut rng);
                    match &scenario.dynamics[i].lag {
                        Some(lag) if outcome.conversions > 0 => {
                            simulator.spread_over_lag(
                                lag,
                                outcome.conversions,
                                outcome.revenue,
                                &mut rng,
                                &mut parts,
                            );
                            for (delay, &(conversions, revenue)) in parts.iter().enumerate() {
                                if conversions > 0 {
                                    pending[(index + delay) % slots].push(Arrival {
                                        channel: i,
                                        cohort: index,
                                        conversions,
                                        revenue,
                                    });
                                }
                            }
                        }
                        _ => pending[slot].push(Arrival {
                            channel: i,
                            cohort: index,
                            conversions: outcome.conversions,
                            revenue: outcome.revenue,
                        }),
                    }
                    // Unfunded channels add nothing: only the funded ones are touched.
                    record.totals[i].add(outcome);
                    record.share[cells + i] += spend[i] / budget;
                    record.revenue[cells + i] += outcome.revenue;
                    day_revenue += outcome.revenue;
                    day_spend += outcome.spend;
                } else {
                    outcome.allocated = spend[i];
                }
            }
            std::mem::swap(&mut arrived, &mut pending[slot]);
            pending[slot].clear();
            // Every other channel's outcome is nothing (a spend of zero).
            debug_assert!(
                outcomes
                    .iter()
                    .enumerate()
                    .all(|(i, o)| funded.contains(&i) || o.is_nothing())
            );
            observed.record_among(index, &outcomes, funded.iter().copied(), &arrived);
            learner.observe(&day, &outcomes, &arrived);
            on_day(&RecordedDay {
                index,
                spend: &spend,
                outcomes: &outcomes,
                arrivals: &arrived,
            });
            arrived.clear();

            debug_assert_eq!(
                expected.to_bits(),
                expected_revenue(&effective, &spend).to_bits()
            );
            let value = objective.value(expected, allocated);
            let regret = self.benchmark.day(index).value - value;
            record.regret[row] += regret;
            record.spend[row] += day_spend;
            cumulative_revenue += day_revenue;
            cumulative_regret += regret;
            cumulative_spend += day_spend;
            if index + 1 == ends[row] {
                record.cumulative_revenue[row] = cumulative_revenue;
                record.cumulative_regret[row] = cumulative_regret;
                record.cumulative_spend[row] = cumulative_spend;
                row += 1;
            }
            if tiring {
                advance_exposure(
                    scenario,
                    &effective,
                    &spend,
                    &self.fatigue_reference,
                    &mut exposure,
                );
            }
            if paced {
                yesterday.copy_from_slice(&spend);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::RunningStats;

    /// Every dynamic at once against its closed form: a fixed split, so each day's state is
    /// known, and the mean revenue per channel and day over many replications must match
    /// `R_{t,i}(s_i)` of the day's channels (shift from day 4, weekdays from a Saturday,
    /// fatigue's exposure recursion, and lagged conversions counted on the day they were
    /// bought).
    #[test]
    fn simulated_days_match_the_closed_forms_of_every_dynamic() {
        let scenario = Scenario::from_toml(
            "dynamics",
            r#"
            name = "dynamics"
            days = 10
            daily_budget = 2000.0
            seed = 3
            replications = 3000
            start_weekday = "saturday"

            [[channels]]
            name = "search"
            pricing = "cpc"
            price = 4.0
            price_cv = 0.2
            cvr = 0.05
            value = 100.0
            value_cv = 0.5
            audience = 400.0
            weekday = [1.0, 1.1, 1.2, 1.0, 0.9, 0.5, 0.6]
            lag = { mean_days = 2.0, max_days = 5 }

            [[channels.shifts]]
            day = 4
            cvr = 0.5
            price = 1.25

            [[channels]]
            name = "social"
            pricing = "cpm"
            price = 20.0
            price_cv = 0.2
            ctr = 0.01
            cvr = 0.03
            value = 80.0
            value_cv = 0.5
            audience = 100.0
            fatigue = { strength = 2.0, recovery = 0.3 }

            [[policies]]
            kind = "fixed"
            "#,
        )
        .unwrap();
        let simulation = Simulation::new(&scenario);
        let days = scenario.days;
        let mut revenue = vec![RunningStats::default(); days * 2];
        for replication in 0..scenario.replications {
            let record = simulation.run(&scenario.policies[0], replication);
            for (stats, value) in revenue.iter_mut().zip(&record.revenue) {
                stats.push(*value);
            }
        }
        let spend = [1000.0, 1000.0];
        let mut exposure = vec![0.0, 0.0];
        let mut effective = scenario.channels.clone();
        let reference = fatigue_reference(&scenario.channels[1], scenario.daily_budget);
        for day in 0..days {
            set_day(&scenario, day, &exposure, &mut effective);
            for i in 0..2 {
                let expected = effective[i].expected_revenue(spend[i]);
                let stats = &revenue[day * 2 + i];
                let z = (stats.mean() - expected) / stats.standard_error();
                assert!(
                    z.abs() < 4.5,
                    "day {day} channel {i}: mean {} vs closed form {expected} (z = {z:.2})",
                    stats.mean()
                );
            }
            let delivered = effective[1].expected_units(spend[1]) / reference;
            exposure[1] = 0.7 * exposure[1] + 0.3 * delivered;
        }
        // The states really moved: Saturday's search converts at half its Wednesday rate.
        set_day(&scenario, 0, &[0.0, 0.0], &mut effective);
        assert!((effective[0].cvr - 0.025).abs() < 1e-15);
        set_day(&scenario, 4, &[0.0, 0.0], &mut effective);
        assert!((effective[0].cvr - 0.05 * 1.2 * 0.5).abs() < 1e-15);
        assert!(exposure[1] > 0.1);
    }
}
