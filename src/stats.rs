//! Streaming summary statistics: running mean and variance that merge exactly.
//!
//! Replications are folded in as they finish (Welford's update) and partial results are merged
//! with Chan et al.'s parallel formula, so memory does not grow with the replication count.
//! Floating-point sums depend on their order; callers merge partial results in a fixed order to
//! keep outputs identical whatever the thread count.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Running count, mean and sum of squared deviations of a stream of numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningStats {
    count: u64,
    mean: f64,
    sum_sq_dev: f64,
}

impl RunningStats {
    /// Adds one observation (Welford's update).
    pub fn push(&mut self, value: f64) {
        self.count += 1;
        let delta = value - self.mean;
        self.mean += delta / self.count as f64;
        self.sum_sq_dev += delta * (value - self.mean);
    }

    /// Merges another summary into this one (Chan, Golub and LeVeque's pairwise update).
    pub fn merge(&mut self, other: &RunningStats) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let count = self.count + other.count;
        let delta = other.mean - self.mean;
        let weight = other.count as f64 / count as f64;
        self.mean += delta * weight;
        self.sum_sq_dev += other.sum_sq_dev + delta * delta * self.count as f64 * weight;
        self.count = count;
    }

    /// The summary from its parts: count, mean and sum of squared deviations from the mean
    /// (as [`RunningStats::parts`] gives them), for summaries stored and read back exactly.
    pub fn from_parts(count: u64, mean: f64, sum_sq_dev: f64) -> Self {
        RunningStats {
            count,
            mean,
            sum_sq_dev,
        }
    }

    /// The summary's parts: count, mean and sum of squared deviations from the mean.
    pub fn parts(&self) -> (u64, f64, f64) {
        (self.count, self.mean, self.sum_sq_dev)
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sample mean (0 when empty).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Unbiased sample variance (0 with fewer than two observations).
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            self.sum_sq_dev / (self.count - 1) as f64
        }
    }

    /// Standard error of the mean.
    pub fn standard_error(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            (self.variance() / self.count as f64).sqrt()
        }
    }

    /// Two-sided 95% confidence interval of the mean, from Student's t with `n - 1` degrees of
    /// freedom (the normal limit is too narrow for the few replications of a quick run).
    pub fn interval95(&self) -> Interval {
        let half_width = if self.count < 2 {
            0.0
        } else {
            t_quantile_975(self.count - 1) * self.standard_error()
        };
        Interval {
            mean: self.mean,
            low: self.mean - half_width,
            high: self.mean + half_width,
        }
    }
}

/// A mean with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Sample mean.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

impl Interval {
    /// Whether the two intervals have no point in common.
    pub fn disjoint_from(&self, other: &Interval) -> bool {
        self.high < other.low || other.high < self.low
    }
}

/// The 97.5% quantile of Student's t distribution with `degrees` degrees of freedom,
/// remembered per thread for the last degrees asked (a results table asks for the same count
/// of replications thousands of times).
fn t_quantile_975(degrees: u64) -> f64 {
    thread_local! {
        static LAST: std::cell::Cell<(u64, f64)> = const { std::cell::Cell::new((0, f64::NAN)) };
    }
    let (remembered, quantile) = LAST.get();
    if remembered == degrees {
        return quantile;
    }
    let quantile = match StudentsT::new(0.0, 1.0, degrees as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => 1.959_963_984_540_054,
    };
    LAST.set((degrees, quantile));
    quantile
}

/// The `p`-quantile of sorted values by linear interpolation between order statistics
/// (type 7 of Hyndman and Fan, as R and NumPy default to); `NaN` for no values.
///
/// ```
/// use budget_bandit::stats::quantile;
///
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
/// assert_eq!(quantile(&[1.0, 2.0], 0.25), 1.25);
/// ```
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let position = p.clamp(0.0, 1.0) * (n - 1) as f64;
            let below = position.floor() as usize;
            let above = (below + 1).min(n - 1);
            let weight = position - below as f64;
            sorted[below] + weight * (sorted[above] - sorted[below])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_two_pass_formulas() {
        let data = [3.0, 1.5, 4.0, 1.0, 5.5, 9.0, 2.5];
        let mut stats = RunningStats::default();
        data.iter().for_each(|&x| stats.push(x));
        let mean = data.iter().sum::<f64>() / data.len() as f64;
        let var = data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (data.len() - 1) as f64;
        assert!((stats.mean() - mean).abs() < 1e-12);
        assert!((stats.variance() - var).abs() < 1e-12);
    }

    #[test]
    fn merging_equals_pushing_everything() {
        let data: Vec<f64> = (0..50)
            .map(|i| ((i * 37) % 11) as f64 * 0.7 - 2.0)
            .collect();
        let mut whole = RunningStats::default();
        data.iter().for_each(|&x| whole.push(x));
        let mut merged = RunningStats::default();
        for chunk in data.chunks(8) {
            let mut part = RunningStats::default();
            chunk.iter().for_each(|&x| part.push(x));
            merged.merge(&part);
        }
        assert_eq!(merged.count(), whole.count());
        assert!((merged.mean() - whole.mean()).abs() < 1e-12);
        assert!((merged.variance() - whole.variance()).abs() < 1e-10);
    }

    #[test]
    fn interval_uses_student_t() {
        let mut stats = RunningStats::default();
        [1.0, 2.0, 3.0].iter().for_each(|&x| stats.push(x));
        let interval = stats.interval95();
        // t(0.975, 2) = 4.302652729911275, sd = 1, se = 1/sqrt(3)
        let half = 4.302_652_729_911_275 / 3f64.sqrt();
        assert!((interval.high - 2.0 - half).abs() < 1e-9);
        assert!((interval.low - 2.0 + half).abs() < 1e-9);
    }
}
