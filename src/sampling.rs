//! Samplers of the hot loops, with their constants computed once per posterior.
//!
//! **Gamma.** Marsaglia and Tsang (2000): for shape `α ≥ 1` let `d = α − 1/3`,
//! `c = 1 / √(9d)`; draw `x ~ N(0, 1)` and `u ~ U(0, 1)`, set `v = (1 + c x)³`, and accept
//! `d v` when `v > 0` and `u < 1 − 0.0331 x⁴` (the squeeze, taken about 98% of the time) or
//! `ln u < x²/2 + d (1 − v + ln v)`. For `α < 1` a draw of shape `α + 1` is boosted by
//! `u^{1/α}`. A Beta draw is the ratio `X / (X + Y)` of two such draws.
//!
//! `cargo bench --bench simulation -- samplers` measures about 16 ns a Beta draw this way,
//! as fast as the ratio of two `rand_distr` Gammas and 2.5 times faster than `rand_distr`'s Beta
//! (Cheng's algorithm, about 40 ns). Its constants are cheaper to build than `rand_distr`'s
//! (a posterior changes every day it is funded): the sampling floor of the classic instance
//! takes 264 µs per replication with it and 339 µs with `rand_distr`'s Gammas.

use crate::streams::StreamRng;
use rand::RngExt;
use rand_distr::StandardNormal;

/// A `Gamma(shape, scale)` sampler (Marsaglia–Tsang, see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaSampler {
    shape: f64,
    d: f64,
    c: f64,
    /// `1 / shape` when the shape is below one (the boost's exponent), else 0.
    boost: f64,
    scale: f64,
}

impl GammaSampler {
    /// A sampler of `Gamma(shape, scale)`; `shape` and `scale` must be positive and finite.
    pub fn new(shape: f64, scale: f64) -> Self {
        debug_assert!(shape > 0.0 && scale > 0.0, "Gamma({shape}, {scale})");
        let (base, boost) = if shape < 1.0 {
            (shape + 1.0, 1.0 / shape)
        } else {
            (shape, 0.0)
        };
        let d = base - 1.0 / 3.0;
        GammaSampler {
            shape,
            d,
            c: 1.0 / (9.0 * d).sqrt(),
            boost,
            scale,
        }
    }

    /// One draw.
    #[inline(always)]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        let draw = loop {
            let x: f64 = rng.sample(StandardNormal);
            let v = 1.0 + self.c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u: f64 = rng.random();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + self.d * (1.0 - v + v.ln()) {
                break self.d * v;
            }
        };
        let draw = if self.boost > 0.0 {
            draw * rng.random::<f64>().powf(self.boost)
        } else {
            draw
        };
        draw * self.scale
    }
}

/// A `Beta(a, b)` sampler as the ratio of two Gamma draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaSampler {
    successes: GammaSampler,
    failures: GammaSampler,
}

impl BetaSampler {
    /// A sampler of `Beta(a, b)`, `a, b > 0`.
    pub fn new(a: f64, b: f64) -> Self {
        BetaSampler {
            successes: GammaSampler::new(a, 1.0),
            failures: GammaSampler::new(b, 1.0),
        }
    }

    /// A sampler of `Beta(a, b)` that keeps this one's constants for a shape that did not
    /// change (a Bernoulli arm's posterior moves one shape a day).
    pub fn renewed(&self, a: f64, b: f64) -> Self {
        let renew = |gamma: &GammaSampler, shape: f64| {
            if gamma.shape == shape {
                *gamma
            } else {
                GammaSampler::new(shape, 1.0)
            }
        };
        BetaSampler {
            successes: renew(&self.successes, a),
            failures: renew(&self.failures, b),
        }
    }

    /// One draw (0.5 in the rare case that both Gamma draws underflow to zero).
    #[inline(always)]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        let x = self.successes.sample(rng);
        let y = self.failures.sample(rng);
        if x + y > 0.0 { x / (x + y) } else { 0.5 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::RunningStats;
    use rand::SeedableRng;

    /// Mean and variance of 200,000 draws against the closed forms, within 4.5 standard errors
    /// (the variance's standard error from the fourth moment).
    fn check(name: &str, mut draw: impl FnMut(&mut StreamRng) -> f64, mean: f64, variance: f64) {
        let mut rng = StreamRng::seed_from_u64(17);
        let mut first = RunningStats::default();
        let mut second = RunningStats::default();
        for _ in 0..200_000 {
            let x = draw(&mut rng);
            assert!(x.is_finite() && x >= 0.0);
            first.push(x);
            second.push((x - mean).powi(2));
        }
        let z = (first.mean() - mean) / first.standard_error();
        assert!(z.abs() < 4.5, "{name}: mean {} vs {mean}", first.mean());
        let z = (second.mean() - variance) / second.standard_error();
        assert!(
            z.abs() < 4.5,
            "{name}: variance {} vs {variance}",
            second.mean()
        );
    }

    #[test]
    fn gamma_draws_have_their_mean_and_variance() {
        for (shape, scale) in [
            (0.3, 2.0),
            (1.0, 1.0),
            (2.5, 0.1),
            (40.0, 3.0),
            (5000.0, 1.0),
        ] {
            let sampler = GammaSampler::new(shape, scale);
            check(
                &format!("Gamma({shape}, {scale})"),
                |rng| sampler.sample(rng),
                shape * scale,
                shape * scale * scale,
            );
        }
    }

    #[test]
    fn renewed_samplers_equal_new_ones() {
        let old = BetaSampler::new(3.0, 40.0);
        for (a, b) in [(3.0, 41.0), (4.0, 40.0), (3.0, 40.0), (0.5, 2.0)] {
            assert_eq!(old.renewed(a, b), BetaSampler::new(a, b));
        }
    }

    #[test]
    fn beta_draws_have_their_mean_and_variance() {
        for (a, b) in [(1.0, 1.0), (2.0, 30.0), (0.5, 0.5), (300.0, 700.0)] {
            let sampler = BetaSampler::new(a, b);
            let n = a + b;
            check(
                &format!("Beta({a}, {b})"),
                |rng| sampler.sample(rng),
                a / n,
                a * b / (n * n * (n + 1.0)),
            );
        }
    }
}
