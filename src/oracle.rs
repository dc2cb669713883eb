//! The oracle: the allocation that maximises expected revenue when the model is known.
//!
//! With proportional allocation the oracle solves
//!
//! ```text
//! maximise  Σ_i R_i(s_i)   subject to  Σ_i s_i = B,  s_i ≥ 0
//! ```
//!
//! where each `R_i` is concave (see [`crate::channel`]). By the KKT conditions every funded
//! channel has the same marginal return `μ`: `R_i'(s_i) = μ`, i.e.
//! `s_i(μ) = price_i A_i ln(R_i'(0) / μ)` for a channel with an audience (zero when
//! `R_i'(0) ≤ μ`). A linear channel has a constant marginal `R_i'(0)`, so the best linear channel
//! puts a floor under `μ` and takes whatever the capped channels leave at that floor. The total
//! `Σ s_i(μ)` falls monotonically in `μ`, so `μ` is found by bisection on `ln μ` to machine
//! precision.
//!
//! With winner-takes-all allocation the oracle puts the whole budget on the channel whose
//! expected revenue at the full budget is highest.
//!
//! A day's regret is the oracle's expected revenue minus the expected revenue of the policy's
//! allocation: non-negative by construction, and free of the simulation noise.

use crate::channel::Channel;
use crate::scenario::Allocation;

/// An allocation of the daily budget with its expected revenue.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Spend per channel, in scenario order; sums to the budget.
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
}

/// Expected revenue of spending `spend[i]` on channel `i`.
pub fn expected_revenue(channels: &[Channel], spend: &[f64]) -> f64 {
    channels
        .iter()
        .zip(spend)
        .map(|(channel, &s)| channel.expected_revenue(s))
        .sum()
}

/// The optimal split of `budget` under the given allocation mode.
pub fn optimal(channels: &[Channel], budget: f64, allocation: Allocation) -> Split {
    match allocation {
        Allocation::Proportional => optimal_proportional(channels, budget),
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

/// The revenue-maximising split of `budget` across all channels (equal marginal returns).
pub fn optimal_proportional(channels: &[Channel], budget: f64) -> Split {
    let n = channels.len();
    let best_linear = channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.audience.is_none())
        .fold(None::<usize>, |best, (i, c)| match best {
            Some(b) if channels[b].initial_roas() >= c.initial_roas() => Some(b),
            _ => Some(i),
        });
    let floor = best_linear.map_or(0.0, |i| channels[i].initial_roas());
    let capped_spend = |marginal: f64| -> Vec<f64> {
        channels
            .iter()
            .map(|c| match c.audience {
                Some(_) => c.spend_at_marginal(marginal),
                None => 0.0,
            })
            .collect()
    };
    let top_capped = channels
        .iter()
        .filter(|c| c.audience.is_some())
        .map(Channel::initial_roas)
        .fold(0.0, f64::max);

    // No capped channel beats the best linear one (or nothing returns anything at all).
    if top_capped <= floor {
        let mut spend = vec![0.0; n];
        match best_linear {
            Some(i) if floor > 0.0 => spend[i] = budget,
            _ => spend.iter_mut().for_each(|s| *s = budget / n as f64),
        }
        return Split::new(channels, spend);
    }

    // Capped channels filled to the linear floor leave money over for the best linear one.
    if let Some(linear) = best_linear.filter(|_| floor > 0.0) {
        let mut spend = capped_spend(floor);
        let used: f64 = spend.iter().sum();
        if used <= budget {
            spend[linear] = budget - used;
            return Split::new(channels, spend);
        }
    }

    // Bisection on ln μ between a marginal that spends too much and one that spends too little.
    let total = |marginal: f64| capped_spend(marginal).iter().sum::<f64>();
    let mut high = top_capped.ln();
    let mut low = if floor > 0.0 { floor.ln() } else { high };
    while total(low.exp()) < budget {
        low -= std::f64::consts::LN_2;
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
    let mut spend = capped_spend(high.exp());
    let used: f64 = spend.iter().sum();
    if used > 0.0 {
        // Bisection leaves a remainder of a few ulps: spread it so the budget is spent exactly.
        spend.iter_mut().for_each(|s| *s *= budget / used);
    }
    Split::new(channels, spend)
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
        let step = budget / steps as f64;
        let mut best = f64::NEG_INFINITY;
        match channels.len() {
            2 => {
                for a in 0..=steps {
                    let s = [a as f64 * step, budget - a as f64 * step];
                    best = best.max(expected_revenue(channels, &s));
                }
            }
            3 => {
                for a in 0..=steps {
                    for b in 0..=steps - a {
                        let s = [
                            a as f64 * step,
                            b as f64 * step,
                            (steps - a - b) as f64 * step,
                        ];
                        best = best.max(expected_revenue(channels, &s));
                    }
                }
            }
            _ => unreachable!("brute force covers two or three channels"),
        }
        best
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
        let split = optimal(&channels, 1.0, Allocation::WinnerTakesAll);
        assert_eq!(split.spend, vec![0.0, 1.0, 0.0]);
        assert!((split.expected_revenue - 0.7).abs() < 1e-15);
    }
}
