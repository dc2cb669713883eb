//! The oracle: the allocation that maximises the expected objective when the model is known.
//!
//! With proportional allocation the oracle solves
//!
//! ```text
//! maximise  Σ_i R_i(s_i) / τ − Σ_i s_i   subject to  low_i ≤ s_i ≤ high_i,  Σ_i s_i = B  (or ≤ B)
//! ```
//!
//! where each `R_i` is concave (see [`crate::channel`]), `Σ s_i = B` and no spend term for the
//! revenue objective, and `τ` the target ROAS with `Σ s_i ≤ B` for the profit objective (see
//! [`crate::objective`]). By the KKT conditions there is one marginal return `μ` such that every
//! channel spends
//!
//! ```text
//! s_i(μ) = clamp(price_i A_i ln(R_i'(0) / μ), low_i, high_i)      (a channel with an audience)
//! s_i(μ) = high_i if R_i'(0) > μ, low_i if R_i'(0) < μ            (a linear channel)
//! ```
//!
//! with linear channels at `R_i'(0) = μ` taking whatever is left. For the profit objective
//! `μ = τ` when `Σ s_i(τ) ≤ B` (the budget does not bind); otherwise, and always for revenue,
//! `μ` is where `Σ s_i(μ) = B`. The total falls monotonically in `μ`, so `μ` is found by
//! bisection on `ln μ` to machine precision; the remainder at the bracket goes to the channels
//! whose spend jumps there (linear ones) or rounds there, best return first.
//!
//! With winner-takes-all allocation the oracle puts the whole budget on the channel whose
//! expected revenue at the full budget is highest (constraints and the profit objective need
//! proportional allocation; validation says so).
//!
//! A day's regret is the oracle's expected objective minus the expected objective of the
//! policy's split, both in the day's true state: non-negative by construction, and free of the
//! simulation noise.

use crate::channel::Channel;
use crate::constraints::{Bounds, spread_remainder};
use crate::objective::Objective;
use crate::scenario::Allocation;

/// An allocation of the daily budget with its expected revenue.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Spend per channel, in scenario order; sums to the budget (or less, for profit).
    pub spend: Vec<f64>,
    /// Expected revenue of the split, `Σ R_i(s_i)`.
    pub expected_revenue: f64,
}

impl Split {
    /// Builds a split and computes its expected revenue.
    pub fn new(channels: &[Channel], spend: Vec<f64>) -> Self {
        let expected_revenue = expected_revenue(channels, &spend);
        Split {
            spend,
            expected_revenue,
        }
    }

    /// Money the split spends, `Σ s_i`.
    pub fn total_spend(&self) -> f64 {
        self.spend.iter().sum()
    }

    /// The split's expected value under `objective`.
    pub fn value(&self, objective: Objective) -> f64 {
        objective.value(self.expected_revenue, self.total_spend())
    }
}

/// Expected revenue of spending `spend[i]` on channel `i`.
pub fn expected_revenue(channels: &[Channel], spend: &[f64]) -> f64 {
    // A channel without spend earns exactly nothing: skipping it leaves the sum as it is.
    channels
        .iter()
        .zip(spend)
        .filter(|&(_, &s)| s != 0.0)
        .map(|(channel, &s)| channel.expected_revenue(s))
        .sum()
}

/// The optimal split of `budget` within `bounds` for `objective` under the given allocation
/// mode.
pub fn optimal(
    channels: &[Channel],
    bounds: &Bounds,
    budget: f64,
    allocation: Allocation,
    objective: Objective,
) -> Split {
    match allocation {
        Allocation::Proportional => optimal_constrained(channels, bounds, budget, objective),
        Allocation::WinnerTakesAll => best_single_channel(channels, budget),
    }
}

/// The whole budget on the channel with the highest expected revenue (first one on ties).
pub fn best_single_channel(channels: &[Channel], budget: f64) -> Split {
    let mut best = 0;
    for (i, channel) in channels.iter().enumerate() {
        if channel.expected_revenue(budget) > channels[best].expected_revenue(budget) {
            best = i;
        }
    }
    let mut spend = vec![0.0; channels.len()];
    spend[best] = budget;
    Split::new(channels, spend)
}

/// The revenue-maximising split of the whole `budget` without constraints.
pub fn optimal_proportional(channels: &[Channel], budget: f64) -> Split {
    optimal_constrained(
        channels,
        &Bounds::free(channels.len(), budget),
        budget,
        Objective::Revenue,
    )
}

/// A channel's spend at marginal return `marginal` within `[low, high]`: the KKT demand
/// `s_i(μ)` of the module docs (a linear channel exactly at `μ` spends `low`).
fn demand(channel: &Channel, low: f64, high: f64, marginal: f64) -> f64 {
    match channel.audience {
        Some(_) => channel.spend_at_marginal(marginal).clamp(low, high),
        None if channel.initial_roas() > marginal => high,
        None => low,
    }
}

/// The optimal split under box constraints for either objective (equal marginal returns).
pub fn optimal_constrained(
    channels: &[Channel],
    bounds: &Bounds,
    budget: f64,
    objective: Objective,
) -> Split {
    let initial: Vec<f64> = channels.iter().map(Channel::initial_roas).collect();
    let spend = equal_marginals(bounds, budget, objective, &initial, |i, marginal| {
        demand(&channels[i], bounds.low[i], bounds.high[i], marginal)
    });
    Split::new(channels, spend)
}

/// The split at which every funded channel earns one marginal return `μ`, for any concave
/// returns: `demand(i, μ)` is channel `i`'s spend at marginal return `μ` within its bounds
/// (non-increasing in `μ`), and `initial[i]` its marginal return at zero spend (an upper bound
/// of its marginal returns, and the order in which channels take a remainder).
///
/// For the profit objective `μ = τ` when the demands at `τ` fit the budget; otherwise `μ` is
/// where the demands sum to the budget, found by bisection on `ln μ` to machine precision. The
/// remainder at the bracket goes to the channels whose spend jumps there (linear ones), best
/// initial return first. With no return anywhere, the floors (spread up to the budget for the
/// revenue objective).
pub(crate) fn equal_marginals(
    bounds: &Bounds,
    budget: f64,
    objective: Objective,
    initial: &[f64],
    demand: impl Fn(usize, f64) -> f64,
) -> Vec<f64> {
    let count = initial.len();
    let demands = |marginal: f64| -> Vec<f64> { (0..count).map(|i| demand(i, marginal)).collect() };
    if let Some(target) = objective.target_roas() {
        let spend = demands(target);
        if spend.iter().sum::<f64>() <= budget {
            return spend;
        }
    }
    let top = initial.iter().copied().fold(0.0f64, f64::max);
    let total = |marginal: f64| -> f64 { (0..count).map(|i| demand(i, marginal)).sum() };
    let mut spend = if top > 0.0 {
        // Bisection on ln μ between a marginal that spends too much and one that spends too little.
        let mut high = top.ln() + 1e-9;
        let mut low = top.ln();
        let mut halvings = 0;
        while total(low.exp()) < budget && halvings < 2000 {
            low -= std::f64::consts::LN_2;
            halvings += 1;
        }
        for _ in 0..200 {
            let mid = 0.5 * (low + high);
            if mid <= low || mid >= high {
                break;
            }
            if total(mid.exp()) > budget {
                low = mid;
            } else {
                high = mid;
            }
        }
        let mut spend = demands(high.exp());
        let richer = demands(low.exp());
        // The channels that spend more just below μ take the remainder, best return first.
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_by(|&a, &b| initial[b].total_cmp(&initial[a]));
        let mut remainder = budget - spend.iter().sum::<f64>();
        for i in order {
            if remainder <= 0.0 {
                break;
            }
            let take = (richer[i] - spend[i]).clamp(0.0, remainder);
            spend[i] += take;
            remainder -= take;
        }
        spend
    } else if objective.spends_all() {
        bounds.low.clone()
    } else {
        // Nothing returns anything: spend only the floors.
        return bounds.low.clone();
    };
    spread_remainder(&mut spend, bounds, budget);
    spend
}

/// Every split of `budget` over two or three channels on a grid of `steps` steps per channel,
/// for brute-force checks of the solvers.
#[cfg(test)]
pub(crate) fn grid_splits(
    channels: usize,
    budget: f64,
    steps: usize,
) -> impl Iterator<Item = Vec<f64>> {
    assert!(
        matches!(channels, 2 | 3),
        "the grid covers two or three channels"
    );
    let step = budget / steps as f64;
    (0..=steps).flat_map(move |a| {
        let last = if channels == 2 { 0 } else { steps - a };
        (0..=last).map(move |b| match channels {
            2 => vec![a as f64 * step, (steps - a) as f64 * step],
            _ => vec![
                a as f64 * step,
                b as f64 * step,
                (steps - a - b) as f64 * step,
            ],
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Pricing;

    fn channel(price: f64, cvr: f64, value: f64, audience: Option<f64>) -> Channel {
        Channel {
            name: format!("c{price}"),
            pricing: Pricing::Cpc,
            price,
            price_cv: 0.0,
            ctr: 1.0,
            cvr,
            value,
            value_cv: 0.0,
            audience,
        }
    }

    /// Best expected revenue over a grid of splits with `steps` steps per channel.
    fn brute_force(channels: &[Channel], budget: f64, steps: usize) -> f64 {
        grid_splits(channels.len(), budget, steps)
            .map(|s| expected_revenue(channels, &s))
            .fold(f64::NEG_INFINITY, f64::max)
    }

    fn cases() -> Vec<Vec<Channel>> {
        vec![
            vec![
                channel(9.0, 0.035, 850.0, Some(400.0)),
                channel(4.0, 0.01, 800.0, None),
            ],
            vec![
                channel(9.0, 0.035, 850.0, Some(400.0)),
                channel(3.0, 0.02, 500.0, Some(900.0)),
            ],
            vec![
                channel(9.0, 0.035, 850.0, Some(300.0)),
                channel(220.0, 0.12, 6500.0, Some(8.0)),
                channel(3.5, 0.006, 800.0, None),
            ],
            vec![
                channel(9.0, 0.035, 850.0, Some(300.0)),
                channel(220.0, 0.12, 6500.0, Some(8.0)),
                channel(50.0, 0.3, 700.0, Some(30.0)),
            ],
            vec![
                channel(2.0, 0.01, 300.0, None),
                channel(5.0, 0.02, 600.0, None),
            ],
        ]
    }

    #[test]
    fn oracle_beats_brute_force_on_small_cases() {
        for budget in [500.0, 4000.0, 20000.0] {
            for channels in cases() {
                let split = optimal_proportional(&channels, budget);
                let steps = if channels.len() == 2 { 20_000 } else { 600 };
                let grid = brute_force(&channels, budget, steps);
                assert!((split.spend.iter().sum::<f64>() - budget).abs() < 1e-9 * budget);
                assert!(split.spend.iter().all(|&s| s >= 0.0));
                // The grid can only be worse than the optimum, and only by its resolution.
                assert!(
                    split.expected_revenue >= grid - 1e-9 * grid,
                    "{split:?} vs {grid}"
                );
                assert!(
                    split.expected_revenue - grid <= 1e-3 * grid,
                    "{split:?} vs {grid}"
                );
            }
        }
    }

    #[test]
    fn funded_channels_have_equal_marginal_returns() {
        let channels = &cases()[3];
        let split = optimal_proportional(channels, 6000.0);
        let marginals: Vec<f64> = channels
            .iter()
            .zip(&split.spend)
            .filter(|(_, s)| **s > 0.0)
            .map(|(c, &s)| c.marginal_revenue(s))
            .collect();
        for m in &marginals {
            assert!((m / marginals[0] - 1.0).abs() < 1e-9, "{marginals:?}");
        }
    }

    #[test]
    fn winner_takes_all_picks_the_best_arm() {
        let channels = vec![
            channel(1.0, 0.3, 1.0, None),
            channel(1.0, 0.7, 1.0, None),
            channel(1.0, 0.5, 1.0, None),
        ];
        let split = optimal(
            &channels,
            &Bounds::free(3, 1.0),
            1.0,
            Allocation::WinnerTakesAll,
            Objective::Revenue,
        );
        assert_eq!(split.spend, vec![0.0, 1.0, 0.0]);
        assert!((split.expected_revenue - 0.7).abs() < 1e-15);
    }

    /// Best objective value over a grid of two-channel splits within `bounds`, spending exactly
    /// the budget or anything up to it.
    fn brute_force_two(
        channels: &[Channel],
        bounds: &Bounds,
        budget: f64,
        objective: Objective,
        steps: usize,
    ) -> f64 {
        let mut best = f64::NEG_INFINITY;
        let totals: Vec<f64> = if objective.spends_all() {
            vec![budget]
        } else {
            (0..=steps)
                .map(|k| budget * k as f64 / steps as f64)
                .collect()
        };
        for total in totals {
            for a in 0..=steps {
                let s = [
                    total * a as f64 / steps as f64,
                    total * (steps - a) as f64 / steps as f64,
                ];
                let inside = (0..2).all(|i| s[i] >= bounds.low[i] && s[i] <= bounds.high[i]);
                if inside {
                    best = best.max(objective.value(expected_revenue(channels, &s), total));
                }
            }
        }
        best
    }

    #[test]
    fn constrained_oracle_beats_brute_force() {
        let bounded = [
            Bounds {
                low: vec![0.0, 1500.0],
                high: vec![2500.0, 4000.0],
            },
            Bounds {
                low: vec![3000.0, 0.0],
                high: vec![4000.0, 4000.0],
            },
        ];
        for channels in cases().into_iter().filter(|c| c.len() == 2) {
            for bounds in &bounded {
                let split = optimal_constrained(&channels, bounds, 4000.0, Objective::Revenue);
                assert!((split.total_spend() - 4000.0).abs() < 1e-9 * 4000.0);
                assert!(bounds.contains(&split.spend, 4000.0), "{split:?}");
                let grid = brute_force_two(&channels, bounds, 4000.0, Objective::Revenue, 20_000);
                assert!(
                    split.expected_revenue >= grid - 1e-9 * grid,
                    "{split:?} vs {grid}"
                );
                assert!(split.expected_revenue - grid <= 1e-3 * grid);
            }
        }
    }

    #[test]
    fn profit_oracle_stops_where_the_margin_stops_paying() {
        for target in [1.0, 2.5] {
            let objective = Objective::Profit {
                target_roas: target,
            };
            for budget in [2000.0, 40_000.0] {
                for channels in cases().into_iter().filter(|c| c.len() == 2) {
                    let bounds = Bounds::free(2, budget);
                    let split = optimal_constrained(&channels, &bounds, budget, objective);
                    assert!(split.total_spend() <= budget * (1.0 + 1e-12));
                    let grid = brute_force_two(&channels, &bounds, budget, objective, 600);
                    let value = split.value(objective);
                    let scale = grid.abs().max(1.0);
                    assert!(value >= grid - 1e-9 * scale, "{split:?}: {value} vs {grid}");
                    assert!(value - grid <= 1e-2 * scale, "{split:?}: {value} vs {grid}");
                    // Budget left over means every funded capped channel sits at the target.
                    if split.total_spend() < budget * (1.0 - 1e-9) {
                        for (c, &s) in channels.iter().zip(&split.spend) {
                            if s > 0.0 && c.audience.is_some() {
                                assert!((c.marginal_revenue(s) / target - 1.0).abs() < 1e-9);
                            }
                        }
                    }
                }
            }
        }
    }
}
