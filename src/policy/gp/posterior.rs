//! A channel's units curve as a Gaussian process on the spend grid: observations aggregated per
//! grid point, the posterior at the grid points, and joint draws from it.
//!
//! With `m` observed grid points `x_a` (each seen `n_a` times with mean units `ȳ_a`), the kernel
//! `k₀` of [`super::kernel`] and noise variance `σ²`, the posterior at the grid points `z` is
//!
//! ```text
//! K = k₀(X, X) + diag(σ² / n_a),    μ(z) = k₀(z, X) K⁻¹ ȳ,
//! Σ(z, z') = k₀(z, z') − k₀(z, X) K⁻¹ k₀(X, z')
//! ```
//!
//! which is exactly the posterior of the GP conditioned on every single day's observation (the
//! `n_a` days at `x_a` with noise `σ²` each carry the same information about `f(x_a)` as their
//! mean with noise `σ² / n_a`; a test checks it). Everything is computed through the Cholesky
//! factor `K = L Lᵀ`: `μ = Vᵀ L⁻¹ ȳ` and `Σ = k₀(Z, Z) − Vᵀ V` with `V = L⁻¹ k₀(X, Z)`.

use super::kernel::{Kernel, KernelTable};
use crate::streams::StreamRng;
use rand_distr::{Distribution, StandardNormal};

/// Count, sum and sum of squares of the units observed at one grid point.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct PointStats {
    pub count: f64,
    pub sum: f64,
    pub sum_sq: f64,
}

impl PointStats {
    /// Mean units at the point (0 when unobserved).
    pub fn mean(&self) -> f64 {
        if self.count > 0.0 {
            self.sum / self.count
        } else {
            0.0
        }
    }

    /// `Σ (y − ȳ)²` at the point.
    pub fn scatter(&self) -> f64 {
        if self.count > 0.0 {
            (self.sum_sq - self.sum * self.sum / self.count).max(0.0)
        } else {
            0.0
        }
    }
}

/// One channel's observations, aggregated per grid point: `points[g]` holds the days whose spend
/// was snapped to `g` grid steps. At most `points.len()` distinct inputs, whatever the horizon.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GridData {
    points: Vec<PointStats>,
    /// Indices of the points observed at least once, increasing.
    observed: Vec<usize>,
}

impl GridData {
    /// No observations, on grid indices `0..len`.
    pub fn new(len: usize) -> Self {
        GridData {
            points: vec![PointStats::default(); len],
            observed: Vec::new(),
        }
    }

    /// Adds a day with `units` at grid index `g` (clamped to the last index).
    pub fn add(&mut self, g: usize, units: f64) {
        let g = g.min(self.points.len() - 1);
        let point = &mut self.points[g];
        if point.count == 0.0 {
            let at = self.observed.partition_point(|&o| o < g);
            self.observed.insert(at, g);
        }
        point.count += 1.0;
        point.sum += units;
        point.sum_sq += units * units;
    }

    /// The observed grid indices, increasing.
    pub fn observed(&self) -> &[usize] {
        &self.observed
    }

    /// The statistics at grid index `g`.
    pub fn point(&self, g: usize) -> &PointStats {
        &self.points[g]
    }

    /// Whether anything was observed.
    pub fn is_empty(&self) -> bool {
        self.observed.is_empty()
    }

    /// Within-point scatter `Σ_a Σ (y − ȳ_a)²` and its degrees of freedom `Σ_a (n_a − 1)`.
    pub fn within(&self) -> (f64, f64) {
        self.observed
            .iter()
            .map(|&g| &self.points[g])
            .fold((0.0, 0.0), |(ss, dof), p| {
                (ss + p.scatter(), dof + p.count - 1.0)
            })
    }

    /// The largest mean units at an observed point (0 when nothing was observed).
    pub fn top_mean(&self) -> f64 {
        self.observed
            .iter()
            .map(|&g| self.points[g].mean())
            .fold(0.0, f64::max)
    }
}

/// The posterior of one channel's units at grid points `1..=G` (zero at grid point 0).
#[derive(Debug, Clone, Default)]
pub(crate) struct GridPosterior {
    /// Posterior mean at grid points `0..=G`.
    pub mean: Vec<f64>,
    /// Posterior standard deviation at grid points `0..=G`.
    pub sd: Vec<f64>,
    /// Lower Cholesky factor of the posterior covariance at grid points `1..=G` (row-major,
    /// `G × G`), when joint draws are needed.
    factor: Vec<f64>,
    /// Scratch: the Gram matrix and `V = L⁻¹ k₀(X, Z)`.
    gram: Vec<f64>,
    cross: Vec<f64>,
    /// The kernel's factors between grid points, kept from fit to fit.
    table: KernelTable,
}

impl GridPosterior {
    /// Fits the posterior at grid points `z_j = j · step`, `j = 0..=steps`, to `data` with
    /// kernel `kernel` and per-day noise variance `noise_variance`; with `joint`, also the
    /// Cholesky factor of the covariance for [`draw`](Self::draw).
    pub fn fit(
        &mut self,
        data: &GridData,
        step: f64,
        steps: usize,
        kernel: &Kernel,
        noise_variance: f64,
        joint: bool,
    ) {
        let observed = data.observed();
        let m = observed.len();
        let n = steps + 1;
        // Observed points lie on the grid too, up to twice its last point (see `GridData`).
        let points = observed.iter().fold(n, |top, &g| top.max(g + 1));
        self.table.cover(kernel, step, points);
        let table = &self.table;
        // K = k₀(X, X) + diag(σ² / n_a).
        self.gram.clear();
        self.gram.resize(m * m, 0.0);
        for (a, &point) in observed.iter().enumerate() {
            for (b, &other) in observed.iter().enumerate().take(a + 1) {
                let k = table.eval(kernel, point, other);
                self.gram[a * m + b] = k;
                self.gram[b * m + a] = k;
            }
            self.gram[a * m + a] += noise_variance / data.point(point).count;
        }
        let positive = cholesky(&mut self.gram, m);
        debug_assert!(
            positive,
            "the noise keeps the Gram matrix positive definite"
        );
        // α = L⁻¹ ȳ, V = L⁻¹ k₀(X, Z) (m × n, row-major).
        let mut alpha: Vec<f64> = observed.iter().map(|&g| data.point(g).mean()).collect();
        solve_lower(&self.gram, m, &mut alpha);
        self.cross.clear();
        self.cross.resize(m * n, 0.0);
        for (a, &point) in observed.iter().enumerate() {
            for j in 0..n {
                self.cross[a * n + j] = table.eval(kernel, point, j);
            }
        }
        solve_lower_columns(&self.gram, m, &mut self.cross, n);
        self.mean.clear();
        self.sd.clear();
        for j in 0..n {
            let mut mean = 0.0;
            let mut explained = 0.0;
            for (a, weight) in alpha.iter().enumerate() {
                let v = self.cross[a * n + j];
                mean += v * weight;
                explained += v * v;
            }
            self.mean.push(mean);
            self.sd
                .push((table.eval(kernel, j, j) - explained).max(0.0).sqrt());
        }
        if joint {
            // Σ at grid points 1..=G (grid point 0 has no variance), then its factor.
            let g = steps;
            self.factor.clear();
            self.factor.resize(g * g, 0.0);
            for i in 0..g {
                for j in 0..=i {
                    let mut explained = 0.0;
                    for a in 0..m {
                        explained += self.cross[a * n + i + 1] * self.cross[a * n + j + 1];
                    }
                    let c = self.table.eval(kernel, i + 1, j + 1) - explained;
                    self.factor[i * g + j] = c;
                    self.factor[j * g + i] = c;
                }
            }
            cholesky_semidefinite(&mut self.factor, g, 1e-10 * kernel.signal_variance);
        }
    }

    /// One joint draw of the units at grid points `0..=G` from the posterior (after a `fit`
    /// with `joint`), written into `into`.
    pub fn draw(&self, rng: &mut StreamRng, normals: &mut Vec<f64>, into: &mut Vec<f64>) {
        let g = self.mean.len() - 1;
        normals.clear();
        normals.extend((0..g).map(|_| -> f64 { StandardNormal.sample(rng) }));
        into.clear();
        into.push(0.0);
        for i in 0..g {
            let row = &self.factor[i * g..i * g + i + 1];
            let noise: f64 = row.iter().zip(normals.iter()).map(|(l, e)| l * e).sum();
            into.push(self.mean[i + 1] + noise);
        }
    }
}

/// In-place lower Cholesky factor of the symmetric `n × n` matrix `a` (row-major; the upper
/// triangle is zeroed). Returns `false` if a pivot is not positive.
fn cholesky(a: &mut [f64], n: usize) -> bool {
    factor(a, n, None)
}

/// In-place lower Cholesky factor of a positive semi-definite `n × n` matrix: a pivot at most
/// `tolerance` (a direction the data already pin down, or rounding) gets a zero column, so the
/// factor `L` still gives draws `L ε` with covariance `L Lᵀ ≈ a`.
fn cholesky_semidefinite(a: &mut [f64], n: usize, tolerance: f64) {
    factor(a, n, Some(tolerance));
}

/// The Cholesky steps of [`cholesky`] and [`cholesky_semidefinite`]: a pivot that is not
/// positive fails the factorisation without a `tolerance`; with one, a pivot at most
/// `tolerance` zeroes its column. Returns whether the factorisation completed.
fn factor(a: &mut [f64], n: usize, tolerance: Option<f64>) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= tolerance.unwrap_or(0.0) || !d.is_finite() {
            if tolerance.is_none() {
                return false;
            }
            for i in j..n {
                a[i * n + j] = 0.0;
            }
        } else {
            let d = d.sqrt();
            a[j * n + j] = d;
            for i in j + 1..n {
                let mut s = a[i * n + j];
                for k in 0..j {
                    s -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = s / d;
            }
        }
        for i in 0..j {
            a[i * n + j] = 0.0;
        }
    }
    true
}

/// Solves `L x = b` in place for the lower factor `l` (`n × n`, row-major).
fn solve_lower(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// Solves `L X = B` in place for `B` with `n` rows and `columns` columns (row-major).
fn solve_lower_columns(l: &[f64], n: usize, b: &mut [f64], columns: usize) {
    for i in 0..n {
        for k in 0..i {
            let lik = l[i * n + k];
            if lik != 0.0 {
                for c in 0..columns {
                    b[i * columns + c] -= lik * b[k * columns + c];
                }
            }
        }
        let d = l[i * n + i];
        for c in 0..columns {
            b[i * columns + c] /= d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn kernel() -> Kernel {
        Kernel {
            signal_variance: 4.0,
            length_scale: 2.0,
        }
    }

    /// Two observations, by hand: with `x = (1, 2)`, noise 0.5 and one day each,
    /// `μ(z) = k(z, X) (K + 0.5 I)⁻¹ y` and `σ²(z) = k(z, z) − k(z, X) (K + 0.5 I)⁻¹ k(X, z)`,
    /// the 2 × 2 inverse written out.
    #[test]
    fn two_observations_match_the_closed_form() {
        let k = kernel();
        let mut data = GridData::new(5);
        data.add(1, 3.0);
        data.add(2, 5.0);
        let noise = 0.5;
        let mut posterior = GridPosterior::default();
        posterior.fit(&data, 1.0, 4, &k, noise, true);
        let (k11, k12, k22) = (
            k.eval(1.0, 1.0) + noise,
            k.eval(1.0, 2.0),
            k.eval(2.0, 2.0) + noise,
        );
        let det = k11 * k22 - k12 * k12;
        let inv = [[k22 / det, -k12 / det], [-k12 / det, k11 / det]];
        let y = [3.0, 5.0];
        for j in 0..=4 {
            let z = j as f64;
            let kz = [k.eval(z, 1.0), k.eval(z, 2.0)];
            let w = [
                kz[0] * inv[0][0] + kz[1] * inv[1][0],
                kz[0] * inv[0][1] + kz[1] * inv[1][1],
            ];
            let mean = w[0] * y[0] + w[1] * y[1];
            let variance = k.eval(z, z) - (w[0] * kz[0] + w[1] * kz[1]);
            assert!((posterior.mean[j] - mean).abs() < 1e-12, "mean at {z}");
            assert!(
                (posterior.sd[j] - variance.max(0.0).sqrt()).abs() < 1e-9,
                "sd at {z}"
            );
        }
    }

    /// The kernel vanishes at zero spend, so the posterior is exactly zero there, with no
    /// variance, and so is every joint draw.
    #[test]
    fn zero_spend_buys_exactly_nothing() {
        let mut data = GridData::new(6);
        data.add(2, 40.0);
        data.add(5, 61.0);
        data.add(5, 58.0);
        let mut posterior = GridPosterior::default();
        posterior.fit(&data, 100.0, 5, &kernel_at(300.0, 3600.0), 9.0, true);
        assert_eq!(posterior.mean[0], 0.0);
        assert_eq!(posterior.sd[0], 0.0);
        let mut rng = StreamRng::seed_from_u64(1);
        let (mut normals, mut draw) = (Vec::new(), Vec::new());
        for _ in 0..100 {
            posterior.draw(&mut rng, &mut normals, &mut draw);
            assert_eq!(draw[0], 0.0);
            assert_eq!(draw.len(), 6);
        }
    }

    fn kernel_at(length_scale: f64, signal_variance: f64) -> Kernel {
        Kernel {
            signal_variance,
            length_scale,
        }
    }

    /// Aggregating days at the same grid point into their mean with noise `σ² / n` gives the
    /// same posterior as the GP on every day apart (built here with the Gram matrix of all
    /// days, solved by the same Cholesky routine).
    #[test]
    fn aggregation_equals_the_gp_on_every_day() {
        let k = kernel_at(1.5, 10.0);
        let noise = 0.8;
        let days = [(1, 2.0), (1, 2.6), (3, 4.1), (1, 1.7), (3, 3.5), (4, 4.4)];
        let mut data = GridData::new(6);
        for &(g, y) in &days {
            data.add(g, y);
        }
        let mut aggregated = GridPosterior::default();
        aggregated.fit(&data, 1.0, 5, &k, noise, false);
        let n = days.len();
        let mut gram = vec![0.0; n * n];
        for a in 0..n {
            for b in 0..n {
                gram[a * n + b] = k.eval(days[a].0 as f64, days[b].0 as f64);
            }
            gram[a * n + a] += noise;
        }
        assert!(cholesky(&mut gram, n));
        let mut alpha: Vec<f64> = days.iter().map(|d| d.1).collect();
        solve_lower(&gram, n, &mut alpha);
        for j in 0..=5 {
            let z = j as f64;
            let mut v: Vec<f64> = days.iter().map(|d| k.eval(d.0 as f64, z)).collect();
            solve_lower(&gram, n, &mut v);
            let mean: f64 = v.iter().zip(&alpha).map(|(a, b)| a * b).sum();
            let variance = k.eval(z, z) - v.iter().map(|x| x * x).sum::<f64>();
            assert!((aggregated.mean[j] - mean).abs() < 1e-10, "mean at {z}");
            assert!(
                (aggregated.sd[j] - variance.max(0.0).sqrt()).abs() < 1e-7,
                "sd at {z}"
            );
        }
        let (scatter, dof) = data.within();
        let expected = [2.0, 2.6, 1.7]
            .iter()
            .map(|y: &f64| (y - 6.3 / 3.0).powi(2))
            .sum::<f64>()
            + [4.1, 3.5]
                .iter()
                .map(|y: &f64| (y - 3.8).powi(2))
                .sum::<f64>();
        assert!((scatter - expected).abs() < 1e-12);
        assert_eq!(dof, 3.0);
    }

    /// Joint draws have the posterior's mean and covariance (checked on the variances and on
    /// one covariance, 20,000 draws, within 5 standard errors).
    #[test]
    fn joint_draws_have_the_posterior_moments() {
        let k = kernel_at(2.0, 25.0);
        let mut data = GridData::new(9);
        data.add(2, 6.0);
        data.add(6, 11.0);
        let mut posterior = GridPosterior::default();
        posterior.fit(&data, 1.0, 8, &k, 1.0, true);
        let mut rng = StreamRng::seed_from_u64(7);
        let (mut normals, mut draw) = (Vec::new(), Vec::new());
        let draws = 20_000;
        let mut sums = [0.0; 9];
        let mut squares = [0.0; 9];
        let mut product = 0.0;
        for _ in 0..draws {
            posterior.draw(&mut rng, &mut normals, &mut draw);
            for j in 0..9 {
                let d = draw[j] - posterior.mean[j];
                sums[j] += d;
                squares[j] += d * d;
            }
            product += (draw[3] - posterior.mean[3]) * (draw[8] - posterior.mean[8]);
        }
        for j in 1..9 {
            let sd = posterior.sd[j];
            let mean_error = sums[j] / draws as f64;
            assert!(mean_error.abs() < 5.0 * sd / (draws as f64).sqrt());
            let variance = squares[j] / draws as f64;
            // The variance of a sample variance of normals is 2σ⁴ / n.
            let se = (2.0f64).sqrt() * sd * sd / (draws as f64).sqrt();
            assert!(
                (variance - sd * sd).abs() < 5.0 * se,
                "{j}: {variance} vs {}",
                sd * sd
            );
        }
        // Σ(3, 8) by the formula, against the draws' covariance.
        let mut cross = GridPosterior::default();
        cross.fit(&data, 1.0, 8, &k, 1.0, true);
        let l = &cross.factor;
        let covariance: f64 = (0..8).map(|c| l[2 * 8 + c] * l[7 * 8 + c]).sum();
        let sample = product / draws as f64;
        let se = posterior.sd[3] * posterior.sd[8] * 2.0 / (draws as f64).sqrt();
        assert!(
            (sample - covariance).abs() < 5.0 * se,
            "{sample} vs {covariance}"
        );
    }
}
