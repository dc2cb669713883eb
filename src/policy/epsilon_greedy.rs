//! Epsilon-greedy: a test budget for exploration, the rest on the best channel so far.
//!
//! On day `t` (from 0) the exploration share is `ε_t = ε / (1 + decay · t)`:
//!
//! - **proportional**: `ε_t · B` is spread evenly over all channels (the *test budget*) and
//!   `(1 − ε_t) · B` goes to the channel with the highest observed ROAS, `revenue / spend`
//!   (corrected for conversions still to arrive under lag, see
//!   [`ChannelObservations::matured_roas`](super::ChannelObservations::matured_roas)); under the
//!   profit objective that share stays unspent while the best ROAS is below the target;
//! - **winner-takes-all**: with probability `ε_t` the whole budget goes to a channel chosen
//!   uniformly, otherwise to the best observed channel (the classic ε-greedy bandit).
//!
//! Channels never funded are tried first: while any remain, the budget goes to them (split
//! evenly, or to one of them at random). Ties in observed ROAS are broken at random.

use super::{Day, Observations, Policy, all_on, argmax_random_ties};
use crate::scenario::Allocation;
use crate::streams::StreamRng;
use rand::RngExt;
use serde::Serialize;

/// Parameters of epsilon-greedy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EpsilonGreedyParams {
    /// Share of the budget (or probability of a random channel) spent on exploration, in [0, 1].
    pub epsilon: f64,
    /// Decay rate of `epsilon` per day, ≥ 0 (0 keeps it constant).
    pub decay: f64,
}

impl EpsilonGreedyParams {
    /// The default test budget, 10%.
    pub const DEFAULT_EPSILON: f64 = 0.1;

    /// The exploration share on day `day` (zero-based): `ε / (1 + decay · day)`.
    pub fn epsilon_on(&self, day: usize) -> f64 {
        self.epsilon / (1.0 + self.decay * day as f64)
    }
}

impl Default for EpsilonGreedyParams {
    fn default() -> Self {
        EpsilonGreedyParams {
            epsilon: Self::DEFAULT_EPSILON,
            decay: 0.0,
        }
    }
}

/// The epsilon-greedy policy.
#[derive(Debug, Clone)]
pub struct EpsilonGreedy {
    params: EpsilonGreedyParams,
    roas: Vec<f64>,
}

impl EpsilonGreedy {
    /// A fresh epsilon-greedy learner.
    pub fn new(params: EpsilonGreedyParams) -> Self {
        EpsilonGreedy {
            params,
            roas: Vec::new(),
        }
    }
}

impl EpsilonGreedy {
    /// The channel with the highest observed ROAS, ties at random.
    fn best_observed(&mut self, observed: &Observations, rng: &mut StreamRng) -> usize {
        self.roas.clear();
        self.roas
            .extend(observed.channels().iter().map(|c| c.matured_roas()));
        argmax_random_ties(&self.roas, rng)
    }
}

impl Policy for EpsilonGreedy {
    fn allocate(
        &mut self,
        day: &Day,
        observed: &Observations,
        rng: &mut StreamRng,
        spend: &mut [f64],
    ) {
        let channels = observed.channels();
        let untried: Vec<usize> = (0..channels.len())
            .filter(|&i| channels[i].is_untried())
            .collect();
        let epsilon = self.params.epsilon_on(day.index);
        match day.allocation {
            Allocation::Proportional if !untried.is_empty() => {
                for &i in &untried {
                    spend[i] = day.budget / untried.len() as f64;
                }
            }
            Allocation::WinnerTakesAll if !untried.is_empty() => {
                let pick = untried[rng.random_range(0..untried.len())];
                all_on(spend, pick, day.budget);
            }
            Allocation::Proportional => {
                let best = self.best_observed(observed, rng);
                let test_budget = epsilon * day.budget;
                spend.fill(test_budget / channels.len() as f64);
                let pays = day
                    .objective
                    .target_roas()
                    .is_none_or(|target| self.roas[best] >= target);
                if pays {
                    spend[best] += day.budget - test_budget;
                }
            }
            Allocation::WinnerTakesAll => {
                let pick = if rng.random::<f64>() < epsilon {
                    rng.random_range(0..channels.len())
                } else {
                    self.best_observed(observed, rng)
                };
                all_on(spend, pick, day.budget);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Pricing;
    use crate::simulate::Outcome;
    use rand::SeedableRng;

    fn day(index: usize, allocation: Allocation) -> Day<'static> {
        super::super::test_day(index, 100.0, allocation, 4)
    }

    fn observed(revenues: &[f64]) -> Observations {
        let mut observed = Observations::new(revenues.iter().map(|_| Pricing::Cpc));
        let outcomes: Vec<Outcome> = revenues
            .iter()
            .map(|&revenue| Outcome {
                allocated: 10.0,
                spend: 10.0,
                conversions: 1,
                revenue,
                ..Outcome::default()
            })
            .collect();
        observed.record_outcomes(&outcomes);
        observed
    }

    #[test]
    fn untried_channels_come_first() {
        let mut policy = EpsilonGreedy::new(EpsilonGreedyParams::default());
        let mut rng = StreamRng::seed_from_u64(1);
        let mut spend = vec![0.0; 3];
        let fresh = Observations::new([Pricing::Cpc; 3]);
        policy.allocate(
            &day(0, Allocation::Proportional),
            &fresh,
            &mut rng,
            &mut spend,
        );
        assert_eq!(spend, vec![100.0 / 3.0; 3]);
    }

    #[test]
    fn test_budget_is_spread_and_the_rest_goes_to_the_best() {
        let params = EpsilonGreedyParams {
            epsilon: 0.2,
            decay: 1.0,
        };
        let mut policy = EpsilonGreedy::new(params);
        let mut rng = StreamRng::seed_from_u64(1);
        let mut spend = vec![0.0; 4];
        let history = observed(&[10.0, 40.0, 20.0, 0.0]);
        policy.allocate(
            &day(0, Allocation::Proportional),
            &history,
            &mut rng,
            &mut spend,
        );
        assert_eq!(spend, vec![5.0, 85.0, 5.0, 5.0]);
        // Day 3: ε = 0.2 / 4 = 0.05.
        spend.fill(0.0);
        policy.allocate(
            &day(3, Allocation::Proportional),
            &history,
            &mut rng,
            &mut spend,
        );
        assert_eq!(spend, vec![1.25, 96.25, 1.25, 1.25]);
    }

    #[test]
    fn winner_takes_all_explores_with_probability_epsilon() {
        let mut policy = EpsilonGreedy::new(EpsilonGreedyParams {
            epsilon: 0.3,
            decay: 0.0,
        });
        let mut rng = StreamRng::seed_from_u64(9);
        let history = observed(&[10.0, 40.0, 20.0]);
        let trials = 30_000;
        let mut best = 0;
        for _ in 0..trials {
            let mut spend = vec![0.0; 3];
            policy.allocate(
                &day(5, Allocation::WinnerTakesAll),
                &history,
                &mut rng,
                &mut spend,
            );
            assert_eq!(spend.iter().filter(|&&s| s > 0.0).count(), 1);
            best += usize::from(spend[1] > 0.0);
        }
        // P(best) = 0.7 + 0.3/3 = 0.8; sd of the share = sqrt(0.8 * 0.2 / n).
        let share = best as f64 / trials as f64;
        let sd = (0.8f64 * 0.2 / trials as f64).sqrt();
        assert!((share - 0.8).abs() < 5.0 * sd, "{share}");
    }
}
