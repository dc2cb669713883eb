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
    /// full precision near zero spend: the reference that [`KernelTable`] tabulates.
    #[cfg(test)]
    pub fn eval(&self, x: f64, y: f64) -> f64 {
        let l2 = self.length_scale * self.length_scale;
        self.signal_variance * (-(x * x + y * y) / (2.0 * l2)).exp() * (x * y / l2).exp_m1()
    }
}

/// The two factors of `k₀` between the points of a spend grid, `x_a = a · step`, computed once
/// for a length scale: `k₀(x_a, x_b) = σ_f² · e_ab · m_ab` with `e_ab = exp(−(x_a² + x_b²) / 2ℓ²)`
/// and `m_ab = exp(x_a x_b / ℓ²) − 1`. A channel's posterior is refitted whenever its data
/// change, with a new `σ_f` but the same grid and `ℓ`; the table spares those refits their
/// exponentials, and multiplies in [`Kernel::eval`]'s order, so the values are the same to the
/// bit.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct KernelTable {
    length_scale: f64,
    step: f64,
    points: usize,
    /// `e_ab` and `m_ab`, row-major over `points × points`.
    exp: Vec<f64>,
    exp_m1: Vec<f64>,
}

impl KernelTable {
    /// Makes the table cover grid points `0..points` of `step` for `kernel`'s length scale,
    /// unless it already does.
    pub fn cover(&mut self, kernel: &Kernel, step: f64, points: usize) {
        if self.length_scale == kernel.length_scale && self.step == step && self.points >= points {
            return;
        }
        let l2 = kernel.length_scale * kernel.length_scale;
        self.length_scale = kernel.length_scale;
        self.step = step;
        self.points = points;
        self.exp.clear();
        self.exp_m1.clear();
        for a in 0..points {
            let x = a as f64 * step;
            for b in 0..points {
                let y = b as f64 * step;
                self.exp.push((-(x * x + y * y) / (2.0 * l2)).exp());
                self.exp_m1.push((x * y / l2).exp_m1());
            }
        }
    }

    /// `k₀(x_a, x_b)` for `kernel` (whose length scale the table covers).
    pub fn eval(&self, kernel: &Kernel, a: usize, b: usize) -> f64 {
        let at = a * self.points + b;
        kernel.signal_variance * self.exp[at] * self.exp_m1[at]
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

    /// The table gives `eval`'s values to the bit, also once it is re-covered for a longer grid
    /// or another length scale.
    #[test]
    fn the_table_is_the_kernel_to_the_bit() {
        let mut table = KernelTable::default();
        for (length_scale, step, points) in
            [(3200.0, 200.0, 81), (3200.0, 200.0, 41), (40.0, 3.5, 12)]
        {
            let kernel = Kernel {
                signal_variance: 123.456,
                length_scale,
            };
            table.cover(&kernel, step, points);
            for a in 0..points {
                for b in 0..points {
                    let (x, y) = (a as f64 * step, b as f64 * step);
                    assert_eq!(
                        table.eval(&kernel, a, b).to_bits(),
                        kernel.eval(x, y).to_bits(),
                        "{a}, {b}"
                    );
                }
            }
        }
    }
}
