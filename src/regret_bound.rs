//! The Lai-Robbins lower bound on the regret of the classic Bernoulli bandit, the line the
//! `regret-log` chart draws beside the policies' regret.
//!
//! With arms whose success rates are `p_i` and the best rate `p*`, every policy whose regret
//! grows more slowly than any power of `T` on every instance (a *consistent* policy) has
//! (Lai and Robbins, 1985)
//!
//! ```text
//! liminf_{T→∞} R(T) / ln T ≥ C = Σ_{i: p_i < p*} Δ_i / KL(p_i, p*),    Δ_i = p* − p_i
//! KL(p, q) = p ln(p / q) + (1 − p) ln((1 − p) / (1 − q))
//! ```
//!
//! with `KL` the Kullback-Leibler divergence of Bernoulli distributions (`0 ln 0 = 0`). The
//! asymptote `C ln T` is what Chapelle and Li (2011, Figure 1) draw beside Thompson sampling's
//! regret: Thompson sampling attains the bound (Kaufmann, Korda and Munos, 2012), so on a log
//! axis its regret runs parallel to the asymptote in the long run. The bound is asymptotic:
//! over a short horizon a policy's regret can be below `C ln T`.
//!
//! ```
//! use budget_bandit::regret_bound::lai_robbins_regret;
//!
//! // One arm at 0.5 and nine at 0.4: each costs 0.1 / KL(0.4, 0.5) ≈ 4.97 pulls' worth.
//! let rates = [0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4];
//! let bound = lai_robbins_regret(&rates, 1_000_000.0).unwrap();
//! assert!((bound - 617.51).abs() < 0.01);
//! ```

use crate::policy::ucb::bernoulli_kl;

/// The Lai-Robbins constant `C = Σ_i Δ_i / KL(p_i, p*)` over the arms below the best, for
/// success rates `rates` in `[0, 1]`; `None` without arms or with a rate outside `[0, 1]`.
/// Arms that tie with the best cost nothing; an arm the best one can never be confused with
/// (`p* = 1`) costs nothing either.
pub fn lai_robbins_coefficient(rates: &[f64]) -> Option<f64> {
    if rates.is_empty() || rates.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return None;
    }
    let best = rates.iter().copied().fold(0.0, f64::max);
    Some(
        rates
            .iter()
            .filter(|&&p| p < best)
            .map(|&p| (best - p) / bernoulli_kl(p, best))
            .filter(|cost| cost.is_finite())
            .sum(),
    )
}

/// The Lai-Robbins asymptote `C ln T` of the regret after `days` pulls (see
/// [`lai_robbins_coefficient`]).
pub fn lai_robbins_regret(rates: &[f64], days: f64) -> Option<f64> {
    lai_robbins_coefficient(rates).map(|c| c * days.max(1.0).ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against a hand computation: arms 0.5, 0.2 and 0.1.
    ///
    /// ```text
    /// KL(0.2, 0.5) = 0.2 ln 0.4 + 0.8 ln 1.6 = −0.1832581 + 0.3760029 = 0.1927448
    /// KL(0.1, 0.5) = 0.1 ln 0.2 + 0.9 ln 1.8 = −0.1609438 + 0.5290080 = 0.3680642
    /// C = 0.3 / 0.1927448 + 0.4 / 0.3680642 = 1.5564626 + 1.0867668 = 2.6432295
    /// ```
    #[test]
    fn the_constant_matches_a_hand_computation() {
        assert!((bernoulli_kl(0.2, 0.5) - 0.192_744_8).abs() < 1e-7);
        assert!((bernoulli_kl(0.1, 0.5) - 0.368_064_2).abs() < 1e-7);
        let c = lai_robbins_coefficient(&[0.5, 0.2, 0.1]).unwrap();
        assert!((c - 2.643_229_5).abs() < 1e-6, "{c}");
        // The order of the arms does not matter, and the asymptote is C ln T.
        assert_eq!(lai_robbins_coefficient(&[0.1, 0.5, 0.2]), Some(c));
        let t = 2f64.exp();
        assert!((lai_robbins_regret(&[0.1, 0.2, 0.5], t).unwrap() - 2.0 * c).abs() < 1e-12);
        assert_eq!(lai_robbins_regret(&[0.1, 0.2, 0.5], 1.0), Some(0.0));
    }

    #[test]
    fn ties_certain_arms_and_bad_rates() {
        assert_eq!(lai_robbins_coefficient(&[0.4, 0.4]), Some(0.0));
        assert_eq!(lai_robbins_coefficient(&[1.0, 0.3]), Some(0.0));
        assert_eq!(lai_robbins_coefficient(&[]), None);
        assert_eq!(lai_robbins_coefficient(&[0.5, 1.2]), None);
        assert_eq!(lai_robbins_coefficient(&[0.5, f64::NAN]), None);
        // An arm that never converts against one at 0.5: Δ = 0.5, KL = ln 2.
        let c = lai_robbins_coefficient(&[0.5, 0.0]).unwrap();
        assert!((c - 0.5 / 2f64.ln()).abs() < 1e-15);
    }
}
