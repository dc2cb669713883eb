//! How much a channel's daily revenue scatters around its expectation.
//!
//! Revenue is a count of conversions times their values, with the day's own swings on top:
//!
//! ```text
//! V(μ) = φ max(μ, φ/2) + κ² μ²
//! ```
//!
//! a count term (`φ` is about the value of a conversion, times `1 + cv²` of the basket) and a
//! multiplicative term of coefficient of variation `κ` (basket sizes that move together in a
//! day, auctions, tracking). The floor `φ/2` keeps a day expected to bring half a conversion
//! from weighing as if it could not scatter at all. Both are estimated by weighted least
//! squares of the squared residuals on `μ` and `μ²` (weights `1 / V²` at the previous
//! estimate), the usual moment estimate of a variance function.

/// The variance function of one channel's daily revenue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// `φ`, the count term.
    pub count: f64,
    /// `κ²`, the squared coefficient of variation of the day's multiplicative swings.
    pub swing: f64,
}

/// The least `φ` an estimate may reach, as a share of the one before: a channel's revenue
/// is counts of conversions, and a fit that seems to explain every day exactly (as one channel
/// can, by the demand it shares with the others) must not shrink its scatter to nothing.
const LEAST_COUNT: f64 = 0.5;
/// The largest `κ²` the estimate may reach (a day's revenue swinging by ±200%).
const MAX_SWING: f64 = 4.0;

impl Noise {
    /// The start of the estimate: counts of the channel's mean value per conversion (from
    /// `revenue` and `conversions` over its days), a 20% swing.
    pub fn initial(revenue: f64, conversions: f64) -> Noise {
        let count = if conversions >= 1.0 && revenue > 0.0 {
            revenue / conversions
        } else {
            (revenue / conversions.max(1.0)).max(1e-6)
        };
        Noise {
            count: count.max(1e-9),
            swing: 0.04,
        }
    }

    /// `V(μ)`.
    pub fn variance(&self, mean: f64) -> f64 {
        self.count * mean.max(0.5 * self.count) + self.swing * mean * mean
    }

    /// The estimate from days of expected revenue `means` and residuals `residuals`, weighted
    /// at the variance `self` gives (the previous estimate).
    pub fn estimate(&self, means: &[f64], residuals: &[f64]) -> Noise {
        if means.len() < 5 {
            return *self;
        }
        let (mut a11, mut a12, mut a22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&m, &r) in means.iter().zip(residuals) {
            let m = m.max(0.5 * self.count);
            let v = self.variance(m);
            let w = 1.0 / (v * v);
            let (x1, x2, e) = (m, m * m, r * r);
            a11 += w * x1 * x1;
            a12 += w * x1 * x2;
            a22 += w * x2 * x2;
            b1 += w * x1 * e;
            b2 += w * x2 * e;
        }
        let det = a11 * a22 - a12 * a12;
        let (mut count, mut swing) = if det > 1e-12 * a11 * a22 {
            ((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det)
        } else {
            (b1 / a11, 0.0)
        };
        let least = LEAST_COUNT * self.count;
        if swing < 0.0 {
            swing = 0.0;
            count = b1 / a11;
        }
        if count < least {
            count = least;
            swing = ((b2 - a12 * count) / a22).max(0.0);
        }
        Noise {
            count: count.max(least),
            swing: swing.min(MAX_SWING),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Gamma, Poisson};

    /// Revenue drawn as Poisson conversions of value 50 times a day's Gamma swing of 25%:
    /// the estimate finds `φ` near 50 and `κ²` near 0.0625.
    #[test]
    fn the_estimate_finds_counts_and_swings() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        let (value, cv) = (50.0, 0.25);
        let swing = Gamma::new(1.0 / (cv * cv), cv * cv).unwrap();
        let (mut means, mut residuals) = (Vec::new(), Vec::new());
        for t in 0..3000 {
            let conversions = 2.0 + 60.0 * (t % 50) as f64 / 49.0;
            let mean = value * conversions;
            let n = Poisson::new(conversions).unwrap().sample(&mut rng);
            let y = value * n * swing.sample(&mut rng);
            means.push(mean);
            residuals.push(y - mean);
        }
        let mut noise = Noise::initial(1.0, 1.0);
        for _ in 0..4 {
            noise = noise.estimate(&means, &residuals);
        }
        assert!((noise.count / value - 1.0).abs() < 0.25, "{noise:?}");
        assert!((noise.swing / (cv * cv) - 1.0).abs() < 0.25, "{noise:?}");
    }
}
