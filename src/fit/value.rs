//! One channel's value per conversion, with a 90% credible interval that allows for the
//! uncertain spread of single values.
//!
//! **Model.** As the simulator draws it (see [`crate::simulate`]), each conversion is worth a
//! Gamma-distributed amount of mean `v` and coefficient of variation `κ`, so a day `b` with
//! `c_b` conversions earns
//!
//! ```text
//! R_b ~ Gamma(shape k_b = c_b / κ², scale v κ²),      R = Σ_b R_b ~ Gamma(K = C / κ², v κ²)
//! ```
//!
//! with `C = Σ_b c_b` conversions in all.
//!
//! **Posterior.** With the scale-free prior `p(v) ∝ 1/v`, for a given `κ`
//!
//! ```text
//! v | κ = R / (κ² G),    G ~ Gamma(K, 1)
//! ```
//!
//! and `v` integrated out leaves the likelihood of `κ` in the days' shares of the revenue, a
//! Dirichlet:
//!
//! ```text
//! ln p(data | κ) = ln Γ(K) − Σ_b ln Γ(k_b) + Σ_b k_b ln(R_b / R) + const
//! ```
//!
//! `κ` gets a log-uniform prior over [`SPREAD_RANGE`] on a grid of [`SPREAD_POINTS`] values, so
//! the interval widens when few days of conversions leave the spread uncertain (a spread
//! estimated from a handful of skewed values is more often too small than too large). The
//! interval is the 5% and 95% quantiles of the mixture over `κ`, solved on its distribution
//! function `P(v ≤ x) = Σ_κ p(κ | data) Q(K, R / (κ² x))` with `Q` the regularised upper
//! incomplete gamma function (Wilson and Hilferty's normal approximation beyond `K = 20`,
//! within 10⁻³ of it there).
//! The estimate itself is `R / C`, unbiased whatever `κ`. A day whose conversions earned
//! nothing counts as earning a thousandth of their mean value (the Gamma model has no zeros).

use super::Estimate;
use statrs::function::erf::erfc;
use statrs::function::gamma::{gamma_ur, ln_gamma};

/// Smallest and largest coefficient of variation of a single value on the grid.
pub const SPREAD_RANGE: (f64, f64) = (0.02, 3.0);
/// Points of the grid.
pub const SPREAD_POINTS: usize = 60;
/// Gamma shapes beyond which the normal approximation replaces the incomplete gamma function.
const LARGE_SHAPE: f64 = 20.0;

/// The value per conversion of days with `(conversions, revenue)` (days without conversions
/// are ignored); `None` without any conversion.
pub fn value_estimate(days: &[(f64, f64)]) -> Option<Estimate> {
    let days: Vec<(f64, f64)> = days.iter().copied().filter(|(c, _)| *c > 0.0).collect();
    let conversions: f64 = days.iter().map(|d| d.0).sum();
    let revenue: f64 = days.iter().map(|d| d.1.max(0.0)).sum();
    if conversions <= 0.0 {
        return None;
    }
    let mean = revenue / conversions;
    if revenue <= 0.0 {
        return Some(Estimate {
            mean,
            low: 0.0,
            high: 0.0,
        });
    }
    let floor = 1e-3 * mean;
    let shares: Vec<(f64, f64)> = days
        .iter()
        .map(|(c, r)| (*c, (r.max(floor * c) / revenue).ln()))
        .collect();
    let (low, high) = (SPREAD_RANGE.0.ln(), SPREAD_RANGE.1.ln());
    let spreads: Vec<f64> = (0..SPREAD_POINTS)
        .map(|k| (low + (high - low) * k as f64 / (SPREAD_POINTS - 1) as f64).exp())
        .collect();
    let log_weights: Vec<f64> = spreads
        .iter()
        .map(|kappa| {
            let k2 = kappa * kappa;
            ln_gamma(conversions / k2)
                + shares
                    .iter()
                    .map(|(c, ln_share)| c / k2 * ln_share - ln_gamma(c / k2))
                    .sum::<f64>()
        })
        .collect();
    let best = log_weights
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let parts: Vec<(f64, f64)> = spreads
        .iter()
        .zip(&log_weights)
        .map(|(kappa, w)| ((w - best).exp(), kappa * kappa))
        .filter(|(w, _)| *w > 1e-12)
        .collect();
    let total: f64 = parts.iter().map(|p| p.0).sum();
    // P(v ≤ x) over the mixture.
    let cdf = |x: f64| {
        parts
            .iter()
            .map(|(w, k2)| w * upper_gamma(conversions / k2, revenue / (k2 * x)))
            .sum::<f64>()
            / total
    };
    Some(Estimate {
        mean,
        low: quantile(&cdf, 0.05, mean),
        high: quantile(&cdf, 0.95, mean),
    })
}

/// `Q(a, x) = P(G ≥ x)` for `G ~ Gamma(a, 1)`.
fn upper_gamma(a: f64, x: f64) -> f64 {
    if a > LARGE_SHAPE {
        // Wilson–Hilferty: (G / a)^{1/3} is close to normal, mean 1 − 1/(9a), variance 1/(9a).
        let s = 1.0 / (9.0 * a);
        let z = ((x / a).cbrt() - 1.0 + s) / s.sqrt();
        0.5 * erfc(z / std::f64::consts::SQRT_2)
    } else {
        gamma_ur(a, x)
    }
}

/// The `p`-quantile of an increasing distribution function of a positive quantity, by
/// bisection on the log scale, starting from a bracket around `start`.
fn quantile(cdf: &impl Fn(f64) -> f64, p: f64, start: f64) -> f64 {
    let (mut low, mut high) = (start.ln() - 1.0, start.ln() + 1.0);
    while cdf(low.exp()) > p && low > start.ln() - 700.0 {
        low -= 2.0 * (high - low);
    }
    while cdf(high.exp()) < p && high < start.ln() + 700.0 {
        high += 2.0 * (high - low);
    }
    for _ in 0..60 {
        let middle = 0.5 * (low + high);
        if cdf(middle.exp()) < p {
            low = middle;
        } else {
            high = middle;
        }
        if high - low < 1e-7 {
            break;
        }
    }
    (0.5 * (low + high)).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::StreamRng;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Gamma, Poisson};

    /// Days of Gamma-valued conversions: the interval holds the true mean value in about 90% of
    /// histories, with many conversions or few, a small spread or a large one.
    #[test]
    fn the_interval_holds_the_true_value_nine_times_in_ten() {
        let mut rng = StreamRng::seed_from_u64(5);
        for (per_day, cv) in [(0.3, 1.0), (2.0, 0.8), (40.0, 0.3)] {
            let value = 700.0;
            let mut covered = 0;
            let histories = 400;
            for _ in 0..histories {
                let days: Vec<(f64, f64)> = (0..60)
                    .map(|_| {
                        let c: f64 = Poisson::new(per_day).unwrap().sample(&mut rng);
                        let r = if c > 0.0 {
                            Gamma::new(c / (cv * cv), value * cv * cv)
                                .unwrap()
                                .sample(&mut rng)
                        } else {
                            0.0
                        };
                        (c, r)
                    })
                    .collect();
                if let Some(estimate) = value_estimate(&days) {
                    covered += usize::from(estimate.covers(value));
                }
            }
            let share = covered as f64 / histories as f64;
            assert!(
                (0.85..=0.96).contains(&share),
                "{per_day} conversions a day, cv {cv}: covered in {share}"
            );
        }
    }

    /// Wilson and Hilferty's approximation is within 10⁻³ of the incomplete gamma function
    /// where it replaces it.
    #[test]
    fn the_normal_approximation_is_close() {
        for a in [20.5, 60.0, 1000.0, 50_000.0] {
            for z in [-3.0, -1.645, -0.5, 0.0, 0.5, 1.645, 3.0] {
                let x: f64 = a + z * f64::sqrt(a);
                let exact = gamma_ur(a, x);
                assert!(
                    (upper_gamma(a, x) - exact).abs() < 1e-3,
                    "a {a}, x {x}: {} vs {exact}",
                    upper_gamma(a, x)
                );
            }
        }
    }

    #[test]
    fn equal_values_give_a_narrow_interval_and_no_conversions_none() {
        let days: Vec<(f64, f64)> = (1..30).map(|d| (d as f64, 250.0 * d as f64)).collect();
        let estimate = value_estimate(&days).unwrap();
        assert!((estimate.mean - 250.0).abs() < 1e-9);
        assert!(
            estimate.low > 249.0 && estimate.high < 251.0,
            "{estimate:?}"
        );
        assert_eq!(value_estimate(&[(0.0, 0.0), (0.0, 0.0)]), None);
    }
}
