//! One channel's response curve fitted to its daily spends and paid units: the price at zero
//! spend, the audience and the day-to-day noise, with 90% credible intervals.
//!
//! **Mean.** The simulator's curve (see [`crate::channel`]): a day that spends `s_t` buys in
//! expectation
//!
//! ```text
//! μ_t = A g_t(c),    g_t(c) = 1 − e^{−c s_t},    c = 1 / (price · A)
//! ```
//!
//! so the price at zero spend is `1 / (c A)`. Every funded day counts, those that bought no
//! unit too: dropping them would leave only the lucky days of a channel that buys less than a
//! unit a day, and overstate what its spend buys.
//!
//! **Variance.** Paid units are counts with the auction's noise on top:
//!
//! ```text
//! Var n_t = φ μ_t + κ² μ_t²
//! ```
//!
//! a count term (`φ = 1` for Poisson counts; below one when counts are more regular than
//! Poisson, as whole units rounded from a nearly fixed amount are) and the auction's
//! multiplicative noise of coefficient of variation `κ`, the channel's `price_cv` (the
//! simulator's `u(s) · m` with `m` of mean one and variance `κ²`). Both terms matter: the count
//! term rules small counts, the auction term large ones, and a single dispersion factor on the
//! Poisson variance would weigh a channel's high-spend days as if their noise grew like `μ`
//! rather than `μ²`, and give intervals too narrow when the spend varies.
//!
//! **Quasi-likelihood.** For this variance function the quasi-likelihood `Σ ∫^μ (n − t) / V(t)
//! dt` is, up to terms free of `μ`, a negative binomial log-likelihood of size `r = φ / κ²`
//! tempered by `1 / φ`:
//!
//! ```text
//! ℓ(c, A) = (1/φ) Σ_t [ n_t ln μ_t − (n_t + r) ln(1 + μ_t / r) ]
//! ```
//!
//! (the tempered Poisson `(1/φ) Σ_t [n_t ln μ_t − μ_t]` as `κ → 0`), concave in `η = ln A` for
//! every `c`.
//!
//! **Posterior.** For each saturation rate `c_k` of a grid, a Laplace approximation in `η`
//! under a flat prior (nothing depends on the unit of money): `η̂_k` maximises `ℓ` (Newton's
//! method), `H_k = −∂²ℓ/∂η²` there, and
//!
//! ```text
//! η | c_k ≈ N(η̂_k, 1 / H_k),      p(c_k | data) ∝ π(c_k) · exp ℓ(c_k, e^{η̂_k}) · √(2π / H_k)
//! ```
//!
//! Then `ln A` and `ln price = −ln c − η` have posteriors that are mixtures of normals over the
//! grid: their means are `Σ_k p_k e^{m_k + v_k/2}` and their 5% and 95% quantiles are solved on
//! the mixture's distribution function (no sampling: the fit is deterministic).
//!
//! **Prior of `c`.** Jeffreys' rule on `ln c` with `η` estimated: `π(c) ∝ √I(c)`, where
//!
//! ```text
//! I(c) = Σ_t w_t (x_t − β y_t)²,   x_t = ∂μ_t/∂ln c = A c s_t e^{−c s_t},   y_t = ∂μ_t/∂η = μ_t,
//! w_t = 1 / V(μ_t),   β = Σ w x y / Σ w y²
//! ```
//!
//! at `A = e^{η̂}`: the information the spends carry about the bend once the level is fitted.
//! It vanishes like `c` where the curve is still straight over the spends and like `e^{−c
//! s_min}` where it is flat over them, so these ends, where the data cannot tell values of `c`
//! apart, do not outweigh the bend the data show by their mere width on the log scale (a
//! log-uniform prior pulls a mildly bent curve towards a straight line and gives intervals that
//! miss its true price). With a single spend nothing is learned about `c` and the prior is flat
//! in `ln c`.
//!
//! **Grid and its ends.** `ln c` runs from `c · s_max = 10⁻³` (no bend within the history's
//! largest spend: linear) to `c · s_min = 30` (every funded day saturated), first in steps of
//! 0.2, then, over the part where the posterior is within `e^{−20}` of its best, in steps of
//! an eighth of the posterior's standard deviation in `ln c` (read from the first pass; at
//! least 0.005 and at most 0.1, and at most 1,000 points): a grid that resolves the posterior
//! whatever its width, where a fixed fine step spent a thousand points on a channel whose
//! history shows no bend. An end of the grid is *plausible* when its quasi-likelihood is
//! within 1.35 of the best (a one-sided 95% likelihood-ratio bound):
//!
//! - a plausible saturated end: every day may have bought the whole audience, steeper curves
//!   cannot be told apart and their price `1 / (c A)` falls without bound, so the price's
//!   interval reaches down to 0;
//! - a plausible linear end: a straight line fits as well, so the price's interval reaches up
//!   at least to the linear fit's 95% bound (the price that line gives converges as `c → 0`),
//!   and the history shows no diminishing returns ([`CurveFit::bends`] is false).
//!
//! **Dispersion.** `(φ, κ²)` are estimated by Gaussian pseudo-likelihood: iteratively reweighted
//! least squares of the squared residuals `e_t² = (n_t − μ̂_t)²` at the best-fitting `(c, A)` on
//! `(1 − h_t) μ̂_t` and `(1 − h_t) μ̂_t²` with weights `1 / V̂_t²`, where `h_t` is day `t`'s
//! leverage in the fit of `(ln c, η)` (`E e_t² = (1 − h_t) V_t`: a day the curve is fitted
//! through tells nothing of its noise). `κ²` has a prior worth two days ruled by the auction's
//! noise at `κ² = 0.04` (a ridge in the least squares), which matters only where few days have
//! counts large enough to show it. Extra-Poisson variation is the auction's: `0.01 ≤ φ ≤ 1`,
//! `κ² ≥ 0`. The fit and the estimate alternate three times, starting from Poisson. With fewer
//! than five funded days nothing is estimated: `φ = 1`, `κ² = 0.04`.

use super::Estimate;
use statrs::distribution::{ContinuousCDF, Gamma};
use statrs::function::erf::erfc;

/// Smallest `c · s_max` of the grid: no bend within the history.
const LINEAR_END: f64 = 1e-3;
/// Largest `c · s_min` of the grid: every funded day saturated.
const SATURATED_END: f64 = 30.0;
/// Step in `ln c` of the first pass.
const COARSE_STEP: f64 = 0.2;
/// Coarse points on either side of the best fit recomputed in each round of the dispersion's
/// estimate: 3 in `ln c`.
const ROUND_WINDOW: usize = 15;
/// Points per coarse step on either side of the best fit where the rounds refine it.
const REFINE_POINTS: usize = 8;
/// Points of the final pass per standard deviation of the posterior of `ln c`.
const POINTS_PER_SD: f64 = 8.0;
/// Least and largest step in `ln c` of the final pass, and its most points.
const FINE_STEP: f64 = 0.005;
const FINE_STEP_MOST: f64 = 0.1;
const FINE_POINTS: usize = 1000;
/// How far below its best the log posterior may be and the final pass still cover it.
const FINE_SPAN: f64 = 20.0;
/// Log quasi-likelihood ratio under which an end of the grid stays plausible (one-sided 95%).
const PLAUSIBLE: f64 = 1.35;
/// The 95% quantile of the standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;
/// Least count dispersion `φ`.
const MIN_COUNT_DISPERSION: f64 = 0.01;
/// Funded days needed to estimate the dispersion; with fewer, [`PRIOR`] is assumed.
const MIN_DAYS: usize = 5;
/// Poisson counts and a 20% auction noise: the prior of `κ²`, and the dispersion assumed
/// without enough days to estimate it.
const PRIOR: Dispersion = Dispersion {
    count: 1.0,
    auction: 0.04,
};
/// The weight of the prior of `κ²`, in days ruled by the auction's noise.
const PRIOR_DAYS: f64 = 2.0;
/// Rounds of fit and dispersion estimate.
const ROUNDS: usize = 3;
/// The 5% and 95% quantiles of a 90% interval.
const LOW: f64 = 0.05;
const HIGH: f64 = 0.95;

/// The variance function `Var n = φ μ + κ² μ²`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dispersion {
    /// `φ`, the count term (1 for Poisson counts).
    pub count: f64,
    /// `κ²`, the auction's squared coefficient of variation.
    pub auction: f64,
}

impl Dispersion {
    fn variance(&self, mean: f64) -> f64 {
        self.count * mean + self.auction * mean * mean
    }

    /// The negative binomial size `r = φ / κ²` (infinite without auction noise).
    fn size(&self) -> f64 {
        if self.auction > 0.0 {
            self.count / self.auction
        } else {
            f64::INFINITY
        }
    }
}

/// One grid point: the saturation rate, the log quasi-likelihood with `η` integrated out, the
/// log prior, and the Laplace approximation `N(ln_audience, 1 / precision)` of `η` given it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    rate: f64,
    ln_likelihood: f64,
    ln_prior: f64,
    ln_audience: f64,
    precision: f64,
}

impl Point {
    /// The unnormalised log posterior weight.
    fn ln_weight(&self) -> f64 {
        self.ln_likelihood + self.ln_prior
    }

    /// The normal approximation `(mean, sd)` of `ln price = −ln c − η` given this `c`.
    fn ln_price(&self) -> (f64, f64) {
        (
            -self.rate.ln() - self.ln_audience,
            1.0 / self.precision.sqrt(),
        )
    }
}

/// A fitted response curve (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct CurveFit {
    points: Vec<Point>,
    /// Normalised posterior weights of `points`.
    weights: Vec<f64>,
    dispersion: Dispersion,
    /// The grid's linear end, and whether a linear curve fits within [`PLAUSIBLE`].
    linear: Point,
    linear_plausible: bool,
    /// Whether the grid's saturated end fits within [`PLAUSIBLE`].
    steeper_plausible: bool,
}

/// The funded days of a channel: spends and paid units.
struct Days {
    spend: Vec<f64>,
    units: Vec<f64>,
    total: f64,
    /// Whether the spends differ: with a single spend the prior of `c` is flat.
    varied: bool,
}

/// What a rate `c` makes of the days, whatever the dispersion: `g_t(c)`, their sum and
/// `Σ_t n_t ln g_t` (the only use of `ln g_t`, so it is kept summed). The coarse grid's are
/// computed once and reused by every round of the dispersion's estimate: the logarithms and
/// exponentials are most of a fit's time.
struct Shape {
    g: Vec<f64>,
    sum_g: f64,
    units_ln_g: f64,
}

impl Days {
    /// `g_t(c)` and its sums for the rate `c`.
    fn shape(&self, rate: f64) -> Shape {
        let g: Vec<f64> = self.spend.iter().map(|s| -(-rate * s).exp_m1()).collect();
        let units_ln_g = self
            .units
            .iter()
            .zip(&g)
            .filter(|(n, _)| **n > 0.0)
            .map(|(n, g)| n * g.ln())
            .sum();
        Shape {
            sum_g: g.iter().sum(),
            g,
            units_ln_g,
        }
    }

    /// The Laplace approximation at rate `c`, whose [`Shape`] is `shape` (see the module docs).
    fn point(&self, rate: f64, shape: &Shape, dispersion: Dispersion) -> Point {
        let r = dispersion.size();
        // The Poisson estimate, exact when κ = 0, starts Newton's method.
        let mut eta = (self.total / shape.sum_g).ln();
        let slope_and_curvature = |eta: f64| {
            let audience = eta.exp();
            let (mut slope, mut curvature) = (0.0, 0.0);
            for (n, g) in self.units.iter().zip(&shape.g) {
                let mu = audience * g;
                if r.is_finite() {
                    slope += r * (n - mu) / (r + mu);
                    curvature += (n + r) * r * mu / ((r + mu) * (r + mu));
                } else {
                    slope += n - mu;
                    curvature += mu;
                }
            }
            (slope, curvature)
        };
        let (mut slope, mut curvature) = slope_and_curvature(eta);
        if r.is_finite() {
            for _ in 0..100 {
                let step = (slope / curvature).clamp(-2.0, 2.0);
                eta += step;
                (slope, curvature) = slope_and_curvature(eta);
                if step.abs() < 1e-10 {
                    break;
                }
            }
        }
        let audience = eta.exp();
        // Σ n (η + ln g) over the days that bought, less each day's spread.
        let mut log_likelihood = self.total * eta + shape.units_ln_g;
        for (n, g) in self.units.iter().zip(&shape.g) {
            let mu = audience * g;
            log_likelihood -= if r.is_finite() {
                (n + r) * (mu / r).ln_1p()
            } else {
                mu
            };
        }
        let precision = curvature / dispersion.count;
        // A point whose arithmetic failed (absurd spends or counts) gets no weight.
        let or_none = |x: f64| if x.is_nan() { f64::NEG_INFINITY } else { x };
        Point {
            rate,
            ln_likelihood: or_none(
                log_likelihood / dispersion.count + 0.5 * (std::f64::consts::TAU / precision).ln(),
            ),
            ln_prior: if self.varied {
                or_none(0.5 * self.information(rate, &shape.g, audience, dispersion).ln())
            } else {
                0.0
            },
            ln_audience: eta,
            precision,
        }
    }

    /// The information on `ln c` left once `η` is estimated, at `(c, A)` (see the module docs):
    /// `Σ w (x − β y)²` with `x_t = ∂μ_t/∂ln c = A c s_t e^{−c s_t}`, `y_t = ∂μ_t/∂η = μ_t`,
    /// `w_t = 1 / V(μ_t)` and `β = Σ w x y / Σ w y²`, with `g` the days' `g_t(c)`.
    fn information(&self, rate: f64, g: &[f64], audience: f64, dispersion: Dispersion) -> f64 {
        let (mut xy, mut yy) = (0.0, 0.0);
        let terms = || {
            self.spend.iter().zip(g).map(|(s, g)| {
                let mu = audience * g;
                let x = audience * rate * s * (1.0 - g);
                (x, mu, 1.0 / dispersion.variance(mu).max(f64::MIN_POSITIVE))
            })
        };
        for (x, y, w) in terms() {
            xy += w * x * y;
            yy += w * y * y;
        }
        let beta = xy / yy;
        terms()
            .map(|(x, y, w)| w * (x - beta * y) * (x - beta * y))
            .sum::<f64>()
            .max(f64::MIN_POSITIVE)
    }

    /// The points of `rates`, each [`Shape`] computed afresh.
    fn points(&self, rates: &[f64], dispersion: Dispersion) -> Vec<Point> {
        rates
            .iter()
            .map(|&c| self.point(c, &self.shape(c), dispersion))
            .collect()
    }

    /// The best fit within a coarse step of `best`, on a grid [`REFINE_POINTS`] times finer:
    /// the rate the dispersion is estimated at, whose residuals should be the days' noise and
    /// not the coarse grid's misfit.
    fn refined(&self, best: Point, dispersion: Dispersion) -> Point {
        let (from, to) = (
            best.rate * (-COARSE_STEP).exp(),
            best.rate * COARSE_STEP.exp(),
        );
        let near = self.points(&log_grid(from, to, 2 * REFINE_POINTS + 1), dispersion);
        *best_fit(&near)
    }

    /// The points of `rates`, whose [`Shape`]s are `shapes`.
    fn points_of(&self, rates: &[f64], shapes: &[Shape], dispersion: Dispersion) -> Vec<Point> {
        rates
            .iter()
            .zip(shapes)
            .map(|(&c, shape)| self.point(c, shape, dispersion))
            .collect()
    }

    /// The dispersion of the days around the curve `(c, A)` (see the module docs), starting
    /// the reweighting from `start`.
    fn dispersion(&self, rate: f64, audience: f64, start: Dispersion) -> Dispersion {
        // Expected units and their derivatives in ln c and η.
        let days: Vec<(f64, f64, f64)> = self
            .spend
            .iter()
            .zip(&self.units)
            .map(|(s, n)| {
                let g = -(-rate * s).exp_m1();
                let mu = audience * g;
                (mu, audience * rate * s * (1.0 - g), (n - mu) * (n - mu))
            })
            .collect();
        let mut estimate = start;
        for _ in 0..50 {
            let leverage = leverages(&days, estimate);
            let (mut s11, mut s12, mut s22, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for ((mu, _, e2), h) in days.iter().zip(&leverage) {
                let v = estimate.variance(*mu).max(1e-12);
                let w = 1.0 / (v * v);
                // E e² = (1 − h) V(μ): regress on (1 − h) μ and (1 − h) μ².
                let (u1, u2) = ((1.0 - h) * mu, (1.0 - h) * mu * mu);
                s11 += w * u1 * u1;
                s12 += w * u1 * u2;
                s22 += w * u2 * u2;
                y1 += w * u1 * e2;
                y2 += w * u2 * e2;
            }
            // The prior of κ², worth PRIOR_DAYS days ruled by the auction's noise.
            let ridge = PRIOR_DAYS / (PRIOR.auction * PRIOR.auction);
            s22 += ridge;
            y2 += ridge * PRIOR.auction;
            let det = s11 * s22 - s12 * s12;
            let (mut count, mut auction) =
                ((s22 * y1 - s12 * y2) / det, (s11 * y2 - s12 * y1) / det);
            if auction < 0.0 {
                auction = 0.0;
                count = y1 / s11;
            }
            if !(MIN_COUNT_DISPERSION..=1.0).contains(&count) {
                count = count.clamp(MIN_COUNT_DISPERSION, 1.0);
                auction = ((y2 - count * s12) / s22).max(0.0);
            }
            let next = Dispersion { count, auction };
            let converged = (next.count - estimate.count).abs() < 1e-9 * next.count
                && (next.auction - estimate.auction).abs() <= 1e-9 * next.auction;
            estimate = next;
            if converged {
                break;
            }
        }
        estimate
    }
}

/// The leverage `h_t = w_t z_tᵀ (Σ w z zᵀ)⁻¹ z_t` of each day `(μ, ∂μ/∂ln c, e²)` in the fit of
/// `(ln c, η)`, `z_t = (∂μ_t/∂ln c, μ_t)`, `w_t = 1 / V(μ_t)`; with a single spend (a singular
/// matrix) the leverage in `η` alone.
fn leverages(days: &[(f64, f64, f64)], dispersion: Dispersion) -> Vec<f64> {
    let (mut xx, mut xy, mut yy) = (0.0, 0.0, 0.0);
    for (mu, x, _) in days {
        let w = 1.0 / dispersion.variance(*mu).max(1e-12);
        xx += w * x * x;
        xy += w * x * mu;
        yy += w * mu * mu;
    }
    let det = xx * yy - xy * xy;
    let regular = det > 1e-9 * xx * yy;
    days.iter()
        .map(|(mu, x, _)| {
            let w = 1.0 / dispersion.variance(*mu).max(1e-12);
            let h = if regular {
                w * (yy * x * x - 2.0 * xy * x * mu + xx * mu * mu) / det
            } else {
                w * mu * mu / yy
            };
            h.clamp(0.0, 1.0 - 1e-9)
        })
        .collect()
}

/// `n` log-spaced values from `low` to `high`.
fn log_grid(low: f64, high: f64, n: usize) -> Vec<f64> {
    let (a, b) = (low.ln(), high.ln());
    (0..n)
        .map(|k| (a + (b - a) * k as f64 / (n - 1).max(1) as f64).exp())
        .collect()
}

/// The posterior standard deviation of `ln c` over the grid `points` of step `step` in `ln c`,
/// with the grid's own resolution (`step / √12`) added: what the final pass must resolve.
fn spread_of_ln_rate(points: &[Point], step: f64) -> f64 {
    let best = points
        .iter()
        .map(Point::ln_weight)
        .fold(f64::NEG_INFINITY, f64::max);
    let (mut total, mut sum, mut squares) = (0.0, 0.0, 0.0);
    for p in points {
        let w = (p.ln_weight() - best).exp();
        let x = p.rate.ln();
        total += w;
        sum += w * x;
        squares += w * x * x;
    }
    if total.is_nan() || total <= 0.0 {
        return step;
    }
    let mean = sum / total;
    let variance = (squares / total - mean * mean).max(0.0) + step * step / 12.0;
    variance.sqrt()
}

/// The grid point of highest quasi-likelihood.
fn best_fit(points: &[Point]) -> &Point {
    points
        .iter()
        .max_by(|a, b| a.ln_likelihood.total_cmp(&b.ln_likelihood))
        .expect("the grid has points")
}

impl CurveFit {
    /// Fits the curve to the days with positive `spends` and their paid `units` (see the
    /// module docs); `None` when no day was funded or nothing was ever bought.
    pub fn new(spends: &[f64], units: &[f64]) -> Option<CurveFit> {
        let (spend, units): (Vec<f64>, Vec<f64>) = spends
            .iter()
            .zip(units)
            .filter(|(s, n)| **s > 0.0 && s.is_finite() && n.is_finite())
            .map(|(s, n)| (*s, n.max(0.0)))
            .unzip();
        let total: f64 = units.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let most = spend.iter().copied().fold(0.0, f64::max);
        let least = spend.iter().copied().fold(f64::INFINITY, f64::min);
        let (low, high) = (LINEAR_END / most, SATURATED_END / least);
        let n = spend.len();
        let days = Days {
            spend,
            units,
            total,
            varied: most > least * (1.0 + 1e-9),
        };
        let coarse = log_grid(
            low,
            high,
            ((high / low).ln() / COARSE_STEP).ceil() as usize + 1,
        );
        let mut dispersion = PRIOR;
        let mut points = if n >= MIN_DAYS {
            dispersion = Dispersion {
                count: 1.0,
                auction: 0.0,
            };
            // The dispersion is re-estimated at the best fit; between rounds only the coarse
            // points near the best are recomputed (the best moves little as the dispersion
            // settles), and the whole grid once the dispersion is final.
            let shapes: Vec<Shape> = coarse.iter().map(|&c| days.shape(c)).collect();
            let points = days.points_of(&coarse, &shapes, dispersion);
            let mut best = days.refined(*best_fit(&points), dispersion);
            for _ in 0..ROUNDS {
                dispersion = days.dispersion(best.rate, best.ln_audience.exp(), dispersion);
                let at = coarse.partition_point(|&c| c < best.rate);
                let window = at.saturating_sub(ROUND_WINDOW)..(at + ROUND_WINDOW).min(coarse.len());
                let nearest = *best_fit(&days.points_of(
                    &coarse[window.clone()],
                    &shapes[window],
                    dispersion,
                ));
                best = days.refined(nearest, dispersion);
            }
            days.points_of(&coarse, &shapes, dispersion)
        } else {
            days.points(&coarse, dispersion)
        };
        // The final pass: a fine grid over the coarse points of posterior weight near the best.
        let weight = |p: &Point| p.ln_weight();
        let best = points.iter().map(weight).fold(f64::NEG_INFINITY, f64::max);
        let near: Vec<usize> = (0..points.len())
            .filter(|&k| weight(&points[k]) >= best - FINE_SPAN)
            .collect();
        let first = near[0].saturating_sub(1);
        let last = (near[near.len() - 1] + 1).min(points.len() - 1);
        let (linear, top) = (points[0], points[points.len() - 1]);
        let coarse_fit = best_fit(&points).ln_likelihood;
        let (from, to) = (points[first].rate, points[last].rate);
        let step = (spread_of_ln_rate(&points, COARSE_STEP) / POINTS_PER_SD)
            .clamp(FINE_STEP, FINE_STEP_MOST);
        let fine = ((to / from).ln() / step).ceil() as usize + 1;
        points = days.points(&log_grid(from, to, fine.clamp(2, FINE_POINTS)), dispersion);
        let best = points.iter().map(weight).fold(f64::NEG_INFINITY, f64::max);
        let mut weights: Vec<f64> = points.iter().map(|p| (weight(p) - best).exp()).collect();
        let sum: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= sum);
        let best_fit = best_fit(&points).ln_likelihood.max(coarse_fit);
        Some(CurveFit {
            points,
            weights,
            dispersion,
            linear,
            linear_plausible: best_fit - linear.ln_likelihood < PLAUSIBLE,
            steeper_plausible: best_fit - top.ln_likelihood < PLAUSIBLE,
        })
    }

    /// The price at zero spend, `1 / (c A)`. The interval reaches down to 0 when steeper curves
    /// than the grid's stay plausible, and up to the linear curve's 95% quantile when a linear
    /// curve does.
    pub fn price(&self) -> Estimate {
        let mut estimate = self.mixture(Point::ln_price);
        if self.steeper_plausible {
            estimate.low = 0.0;
        }
        if self.linear_plausible {
            let (mean, sd) = self.linear.ln_price();
            estimate.high = estimate.high.max((mean + Z95 * sd).exp());
        }
        estimate
    }

    /// Whether the history shows diminishing returns: a linear curve fits worse than the best
    /// by more than 1.35 (see the module docs).
    pub fn bends(&self) -> bool {
        !self.linear_plausible
    }

    /// The audience `A`, most paid units a day.
    pub fn audience(&self) -> Estimate {
        self.mixture(|p| (p.ln_audience, 1.0 / p.precision.sqrt()))
    }

    /// The day-to-day coefficient of variation of what a spend buys, `κ`.
    pub fn price_cv(&self) -> f64 {
        self.dispersion.auction.sqrt()
    }

    /// The variance function fitted.
    pub fn dispersion(&self) -> Dispersion {
        self.dispersion
    }

    /// Mean and 90% interval of `e^x` where `x | c_k ~ N(normal(c_k))`, `normal` giving the
    /// mean and standard deviation.
    fn mixture(&self, normal: impl Fn(&Point) -> (f64, f64)) -> Estimate {
        let parts: Vec<(f64, f64, f64)> = self
            .points
            .iter()
            .zip(&self.weights)
            .filter(|(_, w)| **w > 1e-12)
            .map(|(p, w)| {
                let (mean, sd) = normal(p);
                (*w, mean, sd)
            })
            .collect();
        let total: f64 = parts.iter().map(|(w, _, _)| w).sum();
        let mean = parts
            .iter()
            .map(|(w, m, sd)| w * (m + 0.5 * sd * sd).exp())
            .sum::<f64>()
            / total;
        Estimate {
            mean,
            low: mixture_quantile(&parts, total, LOW).exp(),
            high: mixture_quantile(&parts, total, HIGH).exp(),
        }
    }
}

/// The `p`-quantile of a mixture of normals `(weight, mean, sd)` of total weight `total`, by
/// Newton's method safeguarded by bisection.
fn mixture_quantile(parts: &[(f64, f64, f64)], total: f64, p: f64) -> f64 {
    let cdf_pdf = |x: f64| {
        let (mut cdf, mut pdf) = (0.0, 0.0);
        for (w, m, sd) in parts {
            let z = (x - m) / sd;
            cdf += w * 0.5 * erfc(-z / std::f64::consts::SQRT_2);
            pdf += w * (-0.5 * z * z).exp() / (sd * (std::f64::consts::TAU).sqrt());
        }
        (cdf / total - p, pdf / total)
    };
    let mut low = parts
        .iter()
        .map(|(_, m, sd)| m - 10.0 * sd)
        .fold(f64::INFINITY, f64::min);
    let mut high = parts
        .iter()
        .map(|(_, m, sd)| m + 10.0 * sd)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut x = parts.iter().map(|(w, m, _)| w * m).sum::<f64>() / total;
    for _ in 0..200 {
        let (f, density) = cdf_pdf(x);
        if f > 0.0 {
            high = x;
        } else {
            low = x;
        }
        let mut next = x - f / density;
        if !next.is_finite() || next <= low || next >= high {
            next = 0.5 * (low + high);
        }
        if (next - x).abs() < 1e-10 * (1.0 + x.abs()) || high - low < 1e-12 * (1.0 + x.abs()) {
            return next;
        }
        x = next;
    }
    x
}

/// The price when a funded channel bought nothing at all: under a linear curve with the
/// Jeffreys prior, `1 / price ~ Gamma(1/2, Σ s)`, so the price is `Σ s / G` with
/// `G ~ Gamma(1/2, 1)`; its mean is infinite, so the estimate is its median.
pub fn price_without_units(spend: f64) -> Estimate {
    let gamma = Gamma::new(0.5, 1.0).expect("a valid shape and rate");
    Estimate {
        mean: spend / gamma.inverse_cdf(0.5),
        low: spend / gamma.inverse_cdf(HIGH),
        high: spend / gamma.inverse_cdf(LOW),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::{Channel, Pricing};
    use crate::simulate::ChannelSimulator;
    use crate::streams::StreamRng;
    use rand::{RngExt, SeedableRng};

    /// A channel paid per acquisition: its paid units are what the tests fit.
    fn channel(price: f64, audience: Option<f64>, price_cv: f64) -> Channel {
        Channel {
            name: "test".into(),
            pricing: Pricing::Cpa,
            price,
            price_cv,
            ctr: 1.0,
            cvr: 1.0,
            value: 1.0,
            value_cv: 0.0,
            audience,
        }
    }

    /// Fits of `histories` histories of `channel`, each with the spends `spends` draws and the
    /// units the simulator buys with them.
    fn fits(
        channel: &Channel,
        spends: impl Fn(&mut StreamRng) -> Vec<f64>,
        histories: usize,
    ) -> Vec<CurveFit> {
        let simulator = ChannelSimulator::new(channel);
        let mut rng = StreamRng::seed_from_u64(11);
        (0..histories)
            .map(|_| {
                let spend = spends(&mut rng);
                let units: Vec<f64> = spend
                    .iter()
                    .map(|&s| simulator.day(channel, s, &mut rng).units as f64)
                    .collect();
                CurveFit::new(&spend, &units).expect("units were bought")
            })
            .collect()
    }

    /// Share of `fits` whose price interval holds `price`.
    fn price_coverage(fits: &[CurveFit], price: f64) -> f64 {
        let covered = fits.iter().filter(|f| f.price().covers(price)).count();
        covered as f64 / fits.len() as f64
    }

    /// The expected units of a known curve at varied spends, without noise: price, audience and
    /// a bend recovered to well within a percent or two.
    #[test]
    fn a_noise_free_curve_is_recovered() {
        let (price, audience) = (9.0, 700.0);
        let spend: Vec<f64> = (0..60).map(|d| 500.0 + 150.0 * d as f64).collect();
        let units: Vec<f64> = spend
            .iter()
            .map(|&s| crate::channel::units_bought(price, Some(audience), s))
            .collect();
        let fit = CurveFit::new(&spend, &units).unwrap();
        let (p, a) = (fit.price(), fit.audience());
        assert!((p.mean / price - 1.0).abs() < 0.005, "{p:?}");
        assert!((a.mean / audience - 1.0).abs() < 0.02, "{a:?}");
        assert!(p.covers(price) && a.covers(audience), "{p:?} {a:?}");
        assert!(fit.bends());
        assert!(fit.price_cv() < 0.01, "{}", fit.price_cv());
    }

    /// Hundreds of paid units a day at spends from 500 to 6,000, a curve that bends by a third
    /// at the largest: the price interval holds the truth about nine times in ten, and the
    /// auction's noise is recovered.
    #[test]
    fn large_counts_give_calibrated_prices_and_the_auction_noise() {
        let truth = channel(4.0, Some(4000.0), 0.1);
        let fits = fits(
            &truth,
            |rng| (0..90).map(|_| rng.random_range(500.0..6000.0)).collect(),
            120,
        );
        let share = price_coverage(&fits, truth.price);
        assert!((0.83..=0.97).contains(&share), "covered in {share}");
        let cv = fits.iter().map(CurveFit::price_cv).sum::<f64>() / fits.len() as f64;
        assert!((cv / 0.1 - 1.0).abs() < 0.1, "price_cv {cv}");
    }

    /// Less than one unit a day on most days (a test budget of 200 on a channel whose first
    /// unit costs 220), the whole budget on a tenth of them: days without a unit count, and the
    /// price interval holds the truth about nine times in ten.
    #[test]
    fn days_without_a_unit_count() {
        let truth = channel(220.0, Some(8.0), 0.1);
        let fits = fits(
            &truth,
            |rng| {
                (0..90)
                    .map(|_| {
                        if rng.random::<f64>() < 0.1 {
                            9200.0
                        } else {
                            200.0
                        }
                    })
                    .collect()
            },
            120,
        );
        let share = price_coverage(&fits, truth.price);
        assert!((0.83..=0.97).contains(&share), "covered in {share}");
        let mean = fits.iter().map(|f| f.price().mean).sum::<f64>() / fits.len() as f64;
        assert!((mean / truth.price - 1.0).abs() < 0.03, "mean price {mean}");
    }

    /// Every day the same spend: nothing tells how the curve bends, so the price interval
    /// runs from 0 (a curve saturated within the spend) to the linear curve's upper end, and
    /// holds the truth.
    #[test]
    fn a_single_spend_leaves_the_bend_open() {
        let truth = channel(380.0, Some(6.0), 0.05);
        let fits = fits(&truth, |_| vec![200.0; 90], 60);
        for fit in &fits {
            assert_eq!(fit.price().low, 0.0);
            assert!(!fit.bends());
        }
        assert!(price_coverage(&fits, truth.price) >= 0.9);
    }

    /// Spends all far beyond saturation: the audience is known, the initial slope is not, and
    /// the price interval says so.
    #[test]
    fn saturated_spends_bound_the_price_only_from_above() {
        let truth = channel(2.0, Some(600.0), 0.1);
        let fits = fits(
            &truth,
            |rng| {
                (0..90)
                    .map(|_| rng.random_range(40_000.0..80_000.0))
                    .collect()
            },
            30,
        );
        // The flat end is rejected at the one-sided 5% level by chance alone now and then.
        let open = fits.iter().filter(|f| f.price().low == 0.0).count();
        assert!(open >= 25, "the price unbounded below in {open} of 30");
        let covered = fits
            .iter()
            .filter(|f| f.price().covers(truth.price))
            .count();
        assert!(covered >= 25, "price covered in {covered} of 30");
        let covered = fits.iter().filter(|f| f.audience().covers(600.0)).count();
        assert!(covered >= 24, "audience covered in {covered} of 30");
    }

    /// A channel without an audience: the price interval holds the truth and the fit seldom
    /// claims diminishing returns.
    #[test]
    fn a_linear_channel_stays_linear() {
        let truth = channel(3.5, None, 0.2);
        let fits = fits(
            &truth,
            |rng| (0..90).map(|_| rng.random_range(200.0..3000.0)).collect(),
            120,
        );
        let share = price_coverage(&fits, truth.price);
        assert!((0.83..=0.99).contains(&share), "covered in {share}");
        let bent = fits.iter().filter(|f| f.bends()).count();
        assert!(bent <= 15, "bent in {bent} of 120");
    }

    #[test]
    fn nothing_bought_is_no_curve() {
        assert_eq!(CurveFit::new(&[100.0, 200.0], &[0.0, 0.0]), None);
        assert_eq!(CurveFit::new(&[0.0, 0.0], &[1.0, 2.0]), None);
        let estimate = price_without_units(1000.0);
        assert!(
            estimate.low < 1000.0 && estimate.high > 100_000.0,
            "{estimate:?}"
        );
    }
}
