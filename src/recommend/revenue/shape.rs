//! One channel's revenue curve and how sure the history is of its shape.
//!
//! A day that spends `s` earns in expectation `μ = o · β · g(s; k)`, with `o` the day's known
//! multiplier (its demand and weekday, see [`super::calendar`]), `β` the return on the first
//! currency unit and `g` one of two concave families with `g(0) = 0`, `g'(0) = 1` and a knee
//! `k` (both tend to the straight line `g = s` as `k → ∞`):
//!
//! ```text
//! exponential   g(s; k) = k (1 − e^{−s/k})       ceiling β k, marginal β e^{−s/k}
//! hyperbolic    g(s; k) = k s / (k + s)          ceiling β k, marginal β k² / (k + s)²
//! ```
//!
//! The two agree near the spends the history shows and part beyond them: the exponential
//! curve's return dies off quickly past its knee, the hyperbolic one's slowly. Which one holds
//! is what the history cannot always tell, so both are kept, weighted by how well each
//! explains it.
//!
//! **Posterior.** Given the variance `V_t` of each day's revenue (see [`super::Noise`]) and the
//! day's recency weight `ω_t`, the weighted least-squares criterion
//!
//! ```text
//! Q(β, k) = Σ_t ω_t (y_t − o_t β g(s_t; k))² / V_t
//! ```
//!
//! is minimised in `β` in closed form for each knee `k` of a grid (`β̂_k = Σ ω y x / V ÷
//! Σ ω x² / V` with `x_t = o_t g(s_t; k)`, information `H_k = Σ ω x² / V`). With `−Q/2` as the
//! log quasi-likelihood, a flat prior on `ln β` and a flat prior on `ln k` over the grid, each
//! family equally likely, the Laplace approximation in `ln β` gives
//!
//! ```text
//! β | k ≈ N(β̂_k, 1 / H_k),      p(family, k | data) ∝ exp(−Q(β̂_k, k) / 2) · (β̂_k² H_k)^{−1/2}
//! ```
//!
//! (the prior on `ln β` leaves the evidence free of the unit of money and of how a curve is
//! scaled, so a curve of another source, see [`super::Reference`], can be weighed beside
//! these).
//!
//! The grid of `ln k` runs from a twentieth of the channel's low spends (every day past the
//! knee: the return does not grow with spend) to [`LINEAR_KNEE`] times its high ones (a
//! straight line over the history), so where the spends the history tried cannot show a bend,
//! the straight lines keep their weight and the interval of the best spend stays wide.

use crate::channel::{Channel, Pricing};

/// Knee of the straightest curves of the grid, in multiples of the channel's high spend.
pub const LINEAR_KNEE: f64 = 30.0;
/// Knee of the most saturated curves of the grid, in multiples of the channel's low spend.
const SATURATED_KNEE: f64 = 0.05;
/// Points of the grid of `ln k` per family.
pub const KNEES: usize = 96;

/// A family of concave revenue curves (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `k (1 − e^{−s/k})`.
    Exponential,
    /// `k s / (k + s)`.
    Hyperbolic,
}

impl Family {
    /// Both families.
    pub const ALL: [Family; 2] = [Family::Exponential, Family::Hyperbolic];

    /// `g(s; k)`.
    pub fn shape(self, spend: f64, knee: f64) -> f64 {
        match self {
            Family::Exponential => -knee * (-spend / knee).exp_m1(),
            Family::Hyperbolic => knee * spend / (knee + spend),
        }
    }

    /// The family's name in notes.
    pub fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Hyperbolic => "hyperbolic",
        }
    }

    /// The curve `β g(s; k)` as the simulator's channel, with its wear per unit: the
    /// exponential one is a channel with an audience (`A = β k`, price `1 / β`, value 1); the
    /// hyperbolic one a linear channel (price `1 / β`) worn by `κ = 1 / (β k)` per unit, whose
    /// steady return `u / (1 + κ u)` with `u = β s` is `β k s / (k + s)`.
    pub fn channel(self, beta: f64, knee: f64) -> (Channel, f64) {
        let beta = beta.max(1e-12);
        let curve = |audience| Channel {
            name: String::new(),
            pricing: Pricing::Cpa,
            price: 1.0 / beta,
            price_cv: 0.0,
            ctr: 1.0,
            cvr: 1.0,
            value: 1.0,
            value_cv: 0.0,
            audience,
        };
        match self {
            Family::Exponential => (curve(Some(beta * knee)), 0.0),
            Family::Hyperbolic => (curve(None), 1.0 / (beta * knee)),
        }
    }
}

/// One channel's days as the fit sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Days {
    /// Spend of each day used.
    pub spend: Vec<f64>,
    /// Revenue.
    pub revenue: Vec<f64>,
    /// Known multiplier `o_t` (demand and weekday).
    pub offset: Vec<f64>,
    /// Recency weight `ω_t`.
    pub weight: Vec<f64>,
    /// Variance `V_t` of the day's revenue.
    pub variance: Vec<f64>,
}

/// One point of the posterior: a family, a knee and the level's normal posterior there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The family.
    pub family: Family,
    /// The knee `k`.
    pub knee: f64,
    /// `β̂_k`.
    pub beta: f64,
    /// `1 / H_k`, the variance of `β` given the knee.
    pub beta_variance: f64,
    /// `Q(β̂_k, k)`.
    pub misfit: f64,
    /// Posterior probability of the point.
    pub probability: f64,
}

impl Point {
    /// `ln p(data | family, k)` up to a constant: `−Q/2 − ln(β̂² H) / 2`, the Laplace
    /// approximation under a flat prior on `ln β` (which makes it free of the unit of money and
    /// of how the curve is scaled).
    pub fn log_evidence(&self) -> f64 {
        Level {
            beta: self.beta,
            beta_variance: self.beta_variance,
            misfit: self.misfit,
        }
        .log_evidence()
    }

    /// Expected revenue at `spend` on a day with multiplier 1.
    pub fn revenue(&self, spend: f64) -> f64 {
        self.beta * self.family.shape(spend, self.knee)
    }
}

/// The grid of knees for spends between `low` and `high` (a channel's low and high funded
/// spends), ascending.
pub fn knees(low: f64, high: f64, points: usize) -> Vec<f64> {
    let from = (SATURATED_KNEE * low.max(1e-9)).ln();
    let to = (LINEAR_KNEE * high.max(low).max(1e-9)).ln();
    (0..points)
        .map(|j| (from + (to - from) * j as f64 / (points - 1).max(1) as f64).exp())
        .collect()
}

/// The best level at `knee` of `family` and what is left unexplained.
pub fn point(days: &Days, family: Family, knee: f64) -> Point {
    let level = level(days, |t| days.offset[t] * family.shape(days.spend[t], knee));
    Point {
        family,
        knee,
        beta: level.beta,
        beta_variance: level.beta_variance,
        misfit: level.misfit,
        probability: 0.0,
    }
}

/// The weighted least-squares fit of `y_t ≈ β x_t` over the days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// `β̂` (not below 0).
    pub beta: f64,
    /// `1 / H`.
    pub beta_variance: f64,
    /// `Q(β̂)`.
    pub misfit: f64,
}

impl Level {
    /// As [`Point::log_evidence`].
    pub fn log_evidence(&self) -> f64 {
        let information = self.beta * self.beta / self.beta_variance;
        -0.5 * self.misfit - 0.5 * information.max(1e-300).ln()
    }
}

/// The best `β` for the curve whose day-`t` value (offset included) is `x(t)`.
pub fn level(days: &Days, x: impl Fn(usize) -> f64) -> Level {
    let (mut xy, mut xx, mut yy) = (0.0, 0.0, 0.0);
    for t in 0..days.spend.len() {
        let w = days.weight[t] / days.variance[t];
        let x = x(t);
        let y = days.revenue[t];
        xy += w * x * y;
        xx += w * x * x;
        yy += w * y * y;
    }
    let beta = if xx > 0.0 { (xy / xx).max(0.0) } else { 0.0 };
    Level {
        beta,
        beta_variance: if xx > 0.0 { 1.0 / xx } else { f64::INFINITY },
        misfit: (yy - 2.0 * beta * xy + beta * beta * xx).max(0.0),
    }
}

/// The posterior over both families and the grid of knees, each point with its probability.
pub fn posterior(days: &Days, knees: &[f64]) -> Vec<Point> {
    let mut points: Vec<Point> = Family::ALL
        .iter()
        .flat_map(|&family| knees.iter().map(move |&knee| (family, knee)))
        .map(|(family, knee)| point(days, family, knee))
        .collect();
    let best = points
        .iter()
        .map(Point::log_evidence)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for p in &mut points {
        p.probability = if p.beta_variance.is_finite() {
            (p.log_evidence() - best).exp()
        } else {
            0.0
        };
        total += p.probability;
    }
    if total > 0.0 {
        points.iter_mut().for_each(|p| p.probability /= total);
    }
    points
}

/// The posterior's most probable point.
pub fn best(points: &[Point]) -> Point {
    *points
        .iter()
        .max_by(|a, b| a.probability.total_cmp(&b.probability))
        .expect("a grid of at least one point")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_families_start_at_slope_one_and_bend_below_the_line() {
        for family in Family::ALL {
            let k = 500.0;
            let h = 1e-4;
            assert!((family.shape(h, k) / h - 1.0).abs() < 1e-3);
            for s in [10.0, 300.0, 2000.0] {
                assert!(family.shape(s, k) < s);
                assert!(family.shape(s, k) < k);
            }
            // Straight as the knee grows.
            assert!((family.shape(100.0, 1e9) / 100.0 - 1.0).abs() < 1e-6);
        }
    }

    /// The channel (and wear) a point becomes earns what the point does, at every spend.
    #[test]
    fn a_point_as_a_channel_earns_its_curve() {
        use crate::policy::ResponseDraw;
        for family in Family::ALL {
            let (beta, knee) = (3.5, 800.0);
            let (channel, wear) = family.channel(beta, knee);
            let draw = ResponseDraw {
                curves: vec![channel],
                wear: vec![wear],
            };
            for s in [0.0, 50.0, 800.0, 5000.0] {
                let want = beta * family.shape(s, knee);
                assert!(
                    (draw.revenue(0, s) - want).abs() <= 1e-9 * want.max(1.0),
                    "{family:?} {s}"
                );
            }
        }
    }

    /// Days drawn from an exponential curve: the posterior puts the true knee inside its
    /// bulk and the level's estimate within a few standard errors.
    #[test]
    fn the_posterior_finds_a_known_curve() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let (beta, knee) = (4.0, 1000.0);
        let mut days = Days::default();
        for t in 0..200 {
            let s = 300.0 + 1500.0 * (t as f64 / 199.0);
            let mean = beta * Family::Exponential.shape(s, knee);
            let sd = 0.05 * mean;
            days.spend.push(s);
            days.revenue
                .push(mean + Normal::new(0.0, sd).unwrap().sample(&mut rng));
            days.offset.push(1.0);
            days.weight.push(1.0);
            days.variance.push(sd * sd);
        }
        let points = posterior(&days, &knees(300.0, 1800.0, KNEES));
        let exponential: f64 = points
            .iter()
            .filter(|p| p.family == Family::Exponential)
            .map(|p| p.probability)
            .sum();
        assert!(exponential > 0.95, "{exponential}");
        let top = best(&points);
        assert!((top.knee / knee - 1.0).abs() < 0.1, "{top:?}");
        // The posterior of ln k holds the truth within three of its standard deviations (or a
        // step of the grid, where the posterior is narrower than one).
        let exponential_points: Vec<&Point> = points
            .iter()
            .filter(|p| p.family == Family::Exponential)
            .collect();
        let mass: f64 = exponential_points.iter().map(|p| p.probability).sum();
        let mean = exponential_points
            .iter()
            .map(|p| p.probability * p.knee.ln())
            .sum::<f64>()
            / mass;
        let sd = (exponential_points
            .iter()
            .map(|p| p.probability * (p.knee.ln() - mean).powi(2))
            .sum::<f64>()
            / mass)
            .sqrt();
        let grid = knees(300.0, 1800.0, KNEES);
        let step = grid[1].ln() - grid[0].ln();
        assert!(
            (mean - knee.ln()).abs() <= (3.0 * sd).max(step),
            "ln k {mean:.3} ± {sd:.3}, truth {:.3}",
            knee.ln()
        );
    }
}
