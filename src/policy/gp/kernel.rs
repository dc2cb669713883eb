//! The kernel of a channel's units curve and the rules that set its hyperparameters from the
//! data's scale (formulas and reasons in [the module docs](super)).

use super::posterior::GridData;

/// Length scale of the kernel as a fraction of the daily budget.
pub const LENGTH_SCALE: f64 = 0.4;
/// Signal standard deviation as a multiple of the largest mean units observed at a grid point.
pub const SIGNAL_SCALE: f64 = 1.0;
/// Prior guess of the day-to-day noise, as a fraction of the signal standard deviation.
pub const NOISE_GUESS: f64 = 0.1;
/// Weight of the noise guess, in days.
pub const NOISE_PRIOR_DAYS: f64 = 2.0;
/// Least signal standard deviation, in units (a channel that bought almost nothing).
const LEAST_SIGNAL: f64 = 1.0;

/// The squared-exponential kernel conditioned on `f(0) = 0`:
/// `k₀(x, y) = σ_f² [exp(−(x − y)² / 2ℓ²) − exp(−(x² + y²) / 2ℓ²)]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Kernel {
    /// `σ_f²`, in units².
    pub signal_variance: f64,
    /// `ℓ`, in currency.
    pub length_scale: f64,
}

impl Kernel {
    /// `k₀(x, y)`, written as `σ_f² exp(−(x² + y²) / 2ℓ²) (exp(x y / ℓ²) − 1)` so that it keeps
    /// full precision near zero spend.
    pub fn eval(&self, x: f64, y: f64) -> f64 {
        let l2 = self.length_scale * self.length_scale;
        self.signal_variance * (-(x * x + y * y) / (2.0 * l2)).exp() * (x * y / l2).exp_m1()
    }
}

/// The kernel and the per-day noise variance for `data` under a daily budget `budget` (see the
/// module docs): `ℓ = LENGTH_SCALE · B`, `σ_f = SIGNAL_SCALE · max_a ȳ_a`, and the noise
/// variance pooled from the scatter within grid points, shrunk towards `(NOISE_GUESS σ_f)²`.
pub(crate) fn hyperparameters(data: &GridData, budget: f64) -> (Kernel, f64) {
    let signal = (SIGNAL_SCALE * data.top_mean()).max(LEAST_SIGNAL);
    let (scatter, dof) = data.within();
    let guess = (NOISE_GUESS * signal).powi(2);
    let noise_variance = (NOISE_PRIOR_DAYS * guess + scatter) / (NOISE_PRIOR_DAYS + dof);
    (
        Kernel {
            signal_variance: signal * signal,
            length_scale: LENGTH_SCALE * budget,
        },
        noise_variance.max(1e-9 * signal * signal),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_vanishes_at_zero_and_is_the_conditioned_squared_exponential() {
        let k = Kernel {
            signal_variance: 9.0,
            length_scale: 2.0,
        };
        let se = |x: f64, y: f64| 9.0 * (-(x - y).powi(2) / 8.0).exp();
        for &(x, y) in &[(0.0, 0.0), (0.0, 3.0), (1.0, 2.5), (4.0, 4.0), (1e-6, 2e-6)] {
            // Conditioning on a noise-free f(0) = 0: k(x, y) − k(x, 0) k(0, y) / k(0, 0).
            let conditioned = se(x, y) - se(x, 0.0) * se(0.0, y) / 9.0;
            assert!(
                (k.eval(x, y) - conditioned).abs() < 1e-12,
                "{x}, {y}: {} vs {conditioned}",
                k.eval(x, y)
            );
        }
        assert_eq!(k.eval(0.0, 5.0), 0.0);
        assert_eq!(k.eval(0.0, 0.0), 0.0);
        // Near zero the variance grows like σ_f² x² / ℓ², to full precision.
        let x = 1e-6;
        assert!((k.eval(x, x) / (9.0 * x * x / 4.0) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn noise_is_pooled_within_points_and_shrunk_to_the_guess() {
        let mut data = GridData::new(5);
        data.add(2, 100.0);
        let (kernel, noise) = hyperparameters(&data, 1000.0);
        assert_eq!(kernel.signal_variance, 100.0 * 100.0);
        assert_eq!(kernel.length_scale, LENGTH_SCALE * 1000.0);
        // One day: no scatter yet, the guess alone.
        assert!((noise - (NOISE_GUESS * 100.0).powi(2)).abs() < 1e-9);
        for y in [90.0, 110.0, 100.0] {
            data.add(2, y);
        }
        let (_, noise) = hyperparameters(&data, 1000.0);
        let expected = (NOISE_PRIOR_DAYS * 100.0 + 200.0) / (NOISE_PRIOR_DAYS + 3.0);
        assert!((noise - expected).abs() < 1e-9, "{noise} vs {expected}");
    }
}
