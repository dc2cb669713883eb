//! KL-UCB: optimism in the face of uncertainty, with the Bernoulli Kullback–Leibler bound.
//!
//! Each channel's conversions per trial `ρ_i` (per impression, click or lead, as in
//! [Thompson sampling](super::thompson)) gets the upper confidence bound of KL-UCB (Garivier and
//! Cappé, 2011, "The KL-UCB algorithm for bounded stochastic bandits and beyond"):
//!
//! ```text
//! q_i = max { q ∈ [ρ̂_i, 1] : T_i · kl(ρ̂_i, q) ≤ ln t + c · ln ln t }
//! kl(p, q) = p ln(p / q) + (1 − p) ln((1 − p) / (1 − q))
//! ```
//!
//! with `ρ̂_i = C_i / T_i` the observed rate over `T_i` (matured) trials, `t` the trials of all
//! channels together and `c` the `loglog_factor` (0, as the authors recommend in practice; 3 for
//! their regret bound). The index is the optimistic ROAS `q_i · τ_i · λ̂_i · v̂_i`, with trials
//! per unit `τ`, observed units per currency unit `λ̂` and mean value per conversion `v̂` as point
//! estimates. A CPA channel's rate is 1 by construction, so its index is its observed ROAS.
//!
//! **Allocation.** The whole day's budget goes to the highest index (channels never funded
//! first, ties at random): an index policy does not split. With proportional allocation this
//! shows the cost of ignoring diminishing returns. Under the profit objective the budget stays
//! unspent when even the best index is below the target.
//!
//! **Classic bandit.** With one unit of budget a day at price 1 and value 1 this is exactly
//! Bernoulli KL-UCB, whose regret grows like `log T` with the optimal constant.

use super::{Day, Observations, Policy, all_on, argmax_random_ties};
use crate::channel::Pricing;
use crate::streams::StreamRng;
use serde::Serialize;

/// Parameters of KL-UCB.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UcbParams {
    /// Weight `c` of the `ln ln t` term of the exploration bound, ≥ 0.
    pub loglog_factor: f64,
}

impl Default for UcbParams {
    fn default() -> Self {
        UcbParams { loglog_factor: 0.0 }
    }
}

/// The KL-UCB policy.
#[derive(Debug, Clone)]
pub struct Ucb {
    params: UcbParams,
    indices: Vec<f64>,
}

impl Ucb {
    /// A fresh KL-UCB learner.
    pub fn new(params: UcbParams) -> Self {
        Ucb {
            params,
            indices: Vec::new(),
        }
    }
}

/// Bernoulli Kullback–Leibler divergence `kl(p, q)`, with `0 ln 0 = 0`, for `p`, `q` in
/// `[0, 1]`: infinite where `q` gives no chance to an outcome `p` has. KL-UCB's index and the
/// Lai-Robbins bound ([`crate::regret_bound`]) both use it.
///
/// ```
/// use budget_bandit::policy::ucb::bernoulli_kl;
///
/// assert_eq!(bernoulli_kl(0.3, 0.3), 0.0);
/// assert!((bernoulli_kl(0.0, 0.5) - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(bernoulli_kl(0.5, 1.0), f64::INFINITY);
/// ```
pub fn bernoulli_kl(p: f64, q: f64) -> f64 {
    let term = |a: f64, b: f64| if a > 0.0 { a * (a / b).ln() } else { 0.0 };
    term(p, q) + term(1.0 - p, 1.0 - q)
}

/// The largest `q ∈ [p, 1]` with `trials · kl(p, q) ≤ bound`, by bisection.
pub fn kl_upper_bound(p: f64, trials: f64, bound: f64) -> f64 {
    if trials <= 0.0 {
        return 1.0;
    }
    let limit = bound / trials;
    let (mut low, mut high) = (p, 1.0);
    if bernoulli_kl(p, high) <= limit {
        return 1.0;
    }
    for _ in 0..60 {
        let mid = 0.5 * (low + high);
        if bernoulli_kl(p, mid) > limit {
            high = mid;
        } else {
            low = mid;
        }
    }
    low
}

impl Policy for Ucb {
    fn allocate(
        &mut self,
        day: &Day,
        observed: &Observations,
        rng: &mut StreamRng,
        spend: &mut [f64],
    ) {
        let channels = observed.channels();
        let all_trials: f64 = channels.iter().map(|c| c.matured_trials).sum();
        let ln_t = all_trials.max(1.0).ln();
        let bound = ln_t + self.params.loglog_factor * ln_t.max(1.0).ln();
        let pooled_value = observed.pooled_value_per_conversion().unwrap_or(1.0);
        self.indices.clear();
        for channel in channels {
            let index = match channel.units_per_spend() {
                _ if channel.is_untried() => f64::INFINITY,
                None => 0.0,
                Some(units_per_spend) => {
                    let rate = match channel.pricing {
                        Pricing::Cpa => 1.0,
                        _ if channel.matured_trials <= 0.0 => 1.0,
                        _ => {
                            let observed_rate =
                                (channel.conversions / channel.matured_trials).min(1.0);
                            kl_upper_bound(observed_rate, channel.matured_trials, bound)
                        }
                    };
                    let value = channel.value_per_conversion().unwrap_or(pooled_value);
                    rate * channel.pricing.trials_per_unit() * units_per_spend * value
                }
            };
            self.indices.push(index);
        }
        let best = argmax_random_ties(&self.indices, rng);
        let pays = day
            .objective
            .target_roas()
            .is_none_or(|target| self.indices[best] >= target);
        if pays {
            all_on(spend, best, day.budget);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_solves_the_kl_equation() {
        let (p, n, bound) = (0.3, 50.0, 2.0_f64);
        let q = kl_upper_bound(p, n, bound);
        assert!(q > p && q < 1.0);
        assert!((n * bernoulli_kl(p, q) - bound).abs() < 1e-9);
        // More trials, a tighter bound; a zero rate still gets a positive bound.
        assert!(kl_upper_bound(p, 500.0, bound) < q);
        let from_zero = kl_upper_bound(0.0, 10.0, 1.0);
        assert!((from_zero - (1.0 - (-0.1f64).exp())).abs() < 1e-9);
        assert_eq!(kl_upper_bound(0.5, 0.0, 1.0), 1.0);
    }
}
