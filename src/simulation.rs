//! The day loop of one replication: the policy allocates, the channels respond, everything is
//! recorded.
//!
//! For each day `t` the loop asks the policy for a split `s_t`, draws every funded channel's
//! outcome from its own stream `(seed, scenario, replication, channel, t)` (so all policies of
//! a replication face the same draws: common random numbers), records the outcomes in the
//! shared [`Observations`], shows them to the policy, and books the day's pseudo-regret
//!
//! ```text
//! regret_t = R*(B) − Σ_i R_i(s_{t,i})
//! ```
//!
//! with `R*` the oracle's expected revenue (see [`crate::oracle`]). The loop owns the record;
//! policies see nothing but their observations.

use crate::oracle::{Split, expected_revenue, optimal};
use crate::policy::{Day, Observations, PolicySpec};
use crate::scenario::Scenario;
use crate::simulate::{ChannelSimulator, Outcome};
use crate::streams::ReplicationStreams;

/// A scenario prepared for simulation: channel samplers and the oracle's split.
#[derive(Debug, Clone)]
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    simulators: Vec<ChannelSimulator>,
    oracle: Split,
}

/// Everything one replication of one policy produced, day by day.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationRecord {
    /// Number of channels (the row length of the daily tables).
    pub channels: usize,
    /// Per channel, the outcomes summed over the horizon.
    pub totals: Vec<Outcome>,
    /// `days × channels`: the share of the day's budget allocated to each channel.
    pub share: Vec<f64>,
    /// `days × channels`: the revenue each channel earned that day.
    pub revenue: Vec<f64>,
    /// Per day, the pseudo-regret of the day's allocation.
    pub regret: Vec<f64>,
}

impl ReplicationRecord {
    /// Revenue over the horizon.
    pub fn revenue_total(&self) -> f64 {
        self.totals.iter().map(|t| t.revenue).sum()
    }

    /// Money spent over the horizon.
    pub fn spend_total(&self) -> f64 {
        self.totals.iter().map(|t| t.spend).sum()
    }

    /// Conversions over the horizon.
    pub fn conversions_total(&self) -> u64 {
        self.totals.iter().map(|t| t.conversions).sum()
    }

    /// Cumulative pseudo-regret over the horizon.
    pub fn regret_total(&self) -> f64 {
        self.regret.iter().sum()
    }
}

impl<'a> Simulation<'a> {
    /// Prepares `scenario` for simulation.
    pub fn new(scenario: &'a Scenario) -> Self {
        Simulation {
            scenario,
            simulators: scenario
                .channels
                .iter()
                .map(ChannelSimulator::new)
                .collect(),
            oracle: optimal(
                &scenario.channels,
                scenario.daily_budget,
                scenario.allocation,
            ),
        }
    }

    /// The oracle's daily split and its expected revenue.
    pub fn oracle(&self) -> &Split {
        &self.oracle
    }

    /// Runs replication `replication` of `policy` over the scenario's horizon.
    pub fn run(&self, policy: &PolicySpec, replication: u64) -> ReplicationRecord {
        let scenario = self.scenario;
        let channels = scenario.channels.len();
        let streams = ReplicationStreams::new(scenario.seed, &scenario.name, replication);
        let mut policy_rng = streams.policy(&policy.name);
        let mut learner = policy.build(scenario);
        let mut observed = Observations::new(scenario.channels.iter().map(|c| c.pricing));
        let mut spend = vec![0.0; channels];
        let mut outcomes = vec![Outcome::default(); channels];
        let mut record = ReplicationRecord {
            channels,
            totals: vec![Outcome::default(); channels],
            share: Vec::with_capacity(scenario.days * channels),
            revenue: Vec::with_capacity(scenario.days * channels),
            regret: Vec::with_capacity(scenario.days),
        };
        for index in 0..scenario.days {
            let day = Day {
                index,
                budget: scenario.daily_budget,
                allocation: scenario.allocation,
            };
            spend.fill(0.0);
            learner.allocate(&day, &observed, &mut policy_rng, &mut spend);
            debug_assert!(
                spend.iter().all(|s| *s >= 0.0),
                "{} spends below zero",
                policy.name
            );
            debug_assert!(
                (spend.iter().sum::<f64>() - day.budget).abs() <= 1e-9 * day.budget,
                "{} does not spend the budget: {spend:?}",
                policy.name
            );
            for (i, (simulator, outcome)) in self.simulators.iter().zip(&mut outcomes).enumerate() {
                *outcome = if spend[i] > 0.0 {
                    simulator.day(spend[i], &mut streams.channel_day(i, index))
                } else {
                    Outcome::default()
                };
                record.totals[i].add(outcome);
                record.share.push(spend[i] / day.budget);
                record.revenue.push(outcome.revenue);
            }
            observed.record(&outcomes);
            learner.observe(&day, &outcomes);
            record
                .regret
                .push(self.oracle.expected_revenue - expected_revenue(&scenario.channels, &spend));
        }
        record
    }
}
