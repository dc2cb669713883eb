//! What moves every channel's revenue apart from its spend: days when tracking stopped, each
//! day's demand, each channel's weekdays.
//!
//! **Tracking outages.** A day that spent and recorded no conversion and no revenue on any
//! channel, in a history whose days usually record [`OUTAGE_CONVERSIONS`] conversions or more,
//! is a day the tracking stopped (a Poisson day of that mean is empty with probability
//! `e^{−5} < 1%`), not a day the channels earned nothing: it is left out of the fit.
//!
//! **Shrinkage.** Weekday multipliers are shrunk towards 1 by empirical Bayes: with `r_j` the
//! raw multiplier of weekday `j` and `v_j` its sampling variance, the spread of
//! the true multipliers is `τ² = max(0, mean_j((r_j − 1)² − v_j))` and each multiplier is
//! `1 + τ² / (τ² + v_j) · (r_j − 1)`. A channel whose weekdays differ by no more than their
//! noise gets none; one with a real rhythm keeps it almost as measured. (A day's demand is not
//! shrunk so: the days of a December peak are few among the year's, and a spread estimated
//! over all days would pull them back towards the rest.)
//!
//! **Demand.** A budget that follows demand (more on paydays, a December peak) spends more on
//! the days that would have earned more anyway, and a curve fitted through such days is
//! straighter than the truth. Each day `t` on which three or more channels spend gets a
//! demand multiplier `D_t` shared by its channels, the Gamma–Poisson posterior mean
//!
//! ```text
//! D_t = (a_D + Σ_c y_ct / φ_c) / (a_D + Σ_c μ_ct / (D_t φ_c))
//! ```
//!
//! in count units (`φ_c` from [`super::noise`]), with `a_D = ` [`DEMAND_PRIOR`] counts of prior
//! weight at 1. Channel `c` itself is fitted at the demand of
//! the *other* channels that day, so that no channel explains its own days (a channel that
//! could would shrink its own noise to nothing). What tells the curves apart is then how each day's spends differ between the
//! channels, not how the day's total moved with demand.
//!
//! **Weekdays.** Each channel's revenue on weekday `d` is `w_c(d)` times its curve, the same
//! shrunk ratio over the weekday's days (weighted by recency), then scaled to average 1 over the week. A channel whose account
//! declares `weekday` multipliers keeps them.

/// Median conversions a day above which a day without any is a tracking outage.
pub const OUTAGE_CONVERSIONS: f64 = 5.0;
/// Prior weight of a day's demand multiplier at 1, in conversions.
pub const DEMAND_PRIOR: f64 = 20.0;
/// Channels a day needs for its own demand multiplier.
pub const DEMAND_CHANNELS: usize = 3;

use crate::account::history::History;

/// The days of `history` whose tracking stopped (see the module docs).
pub fn outage_days(history: &History) -> Vec<usize> {
    let totals: Vec<(f64, f64, f64)> = (0..history.days)
        .map(|d| {
            history.day(d).iter().fold((0.0, 0.0, 0.0), |acc, f| {
                (acc.0 + f.spend, acc.1 + f.conversions, acc.2 + f.revenue)
            })
        })
        .collect();
    let mut conversions: Vec<f64> = totals.iter().filter(|t| t.0 > 0.0).map(|t| t.1).collect();
    if conversions.is_empty() {
        return Vec::new();
    }
    conversions.sort_by(f64::total_cmp);
    let median = conversions[conversions.len() / 2];
    if median < OUTAGE_CONVERSIONS {
        return Vec::new();
    }
    totals
        .iter()
        .enumerate()
        .filter(|(_, t)| t.0 > 0.0 && t.1 <= 0.0 && t.2 <= 0.0)
        .map(|(d, _)| d)
        .collect()
}

/// The days behind one multiplier: counts observed, counts expected at multiplier 1, and the
/// variance of the observed counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ratio {
    /// Counts observed.
    pub observed: f64,
    /// Counts expected at multiplier 1.
    pub expected: f64,
    /// Variance of `observed`.
    pub variance: f64,
}

impl Ratio {
    /// The raw multiplier `observed / expected` and its sampling variance.
    fn raw(&self) -> Option<(f64, f64)> {
        (self.expected > 0.0).then(|| {
            (
                self.observed / self.expected,
                self.variance / (self.expected * self.expected),
            )
        })
    }

    /// The Gamma–Poisson posterior mean of the multiplier with `prior` counts of weight at 1,
    /// `(prior + observed) / (prior + expected)`.
    pub fn posterior(&self, prior: f64) -> f64 {
        (prior + self.observed.max(0.0)) / (prior + self.expected.max(0.0))
    }

    /// The multiplier shrunk towards 1 by the spread `τ²` of the true multipliers:
    /// `1 + τ² / (τ² + v) · (raw − 1)`, 1 without data.
    pub fn shrunk(&self, spread: f64) -> f64 {
        match self.raw() {
            Some((raw, v)) if spread > 0.0 => 1.0 + spread / (spread + v) * (raw - 1.0),
            _ => 1.0,
        }
    }
}

/// The spread `τ²` of the true multipliers behind `ratios`, by moments: the mean squared
/// distance of the raw multipliers from 1 less their mean sampling variance, at least 0.
/// Multipliers that differ no more than their noise explains are all shrunk to 1; real
/// differences, which stand out of the noise, are kept.
pub fn spread(ratios: &[Ratio]) -> f64 {
    let raw: Vec<(f64, f64)> = ratios.iter().filter_map(Ratio::raw).collect();
    if raw.len() < 3 {
        return 0.0;
    }
    let excess: f64 = raw.iter().map(|(r, v)| (r - 1.0).powi(2) - v).sum();
    (excess / raw.len() as f64).max(0.0)
}

/// `weekday` scaled to average 1 over the week (all 1 where it is not positive).
pub fn normalised(weekday: [f64; 7]) -> [f64; 7] {
    let mean = weekday.iter().sum::<f64>() / 7.0;
    if mean > 0.0 && weekday.iter().all(|w| w.is_finite() && *w >= 0.0) {
        weekday.map(|w| w / mean)
    } else {
        [1.0; 7]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::date::Date;
    use crate::account::history::DayFigures;

    fn history(days: &[[(f64, f64); 3]]) -> History {
        History {
            first_date: Date::from_ymd(2025, 1, 6).unwrap(),
            days: days.len(),
            channels: 3,
            figures: days
                .iter()
                .flat_map(|day| {
                    day.iter().map(|&(spend, conversions)| DayFigures {
                        spend,
                        conversions,
                        revenue: 40.0 * conversions,
                        ..DayFigures::default()
                    })
                })
                .collect(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn a_day_without_any_conversion_is_an_outage_only_where_days_have_many() {
        let busy = [(100.0, 4.0), (200.0, 5.0), (50.0, 1.0)];
        let empty = [(100.0, 0.0), (200.0, 0.0), (50.0, 0.0)];
        let idle = [(0.0, 0.0); 3];
        let h = history(&[busy, busy, empty, busy, idle, busy]);
        assert_eq!(outage_days(&h), vec![2]);
        let quiet = [(100.0, 1.0), (200.0, 1.0), (50.0, 0.0)];
        let h = history(&[quiet, quiet, empty, quiet]);
        assert_eq!(outage_days(&h), Vec::<usize>::new());
    }

    /// Ratios that scatter only by their noise are shrunk to 1; ratios that differ by far more
    /// keep nearly all of it.
    #[test]
    fn noise_is_shrunk_away_and_real_differences_kept() {
        let ratio = |raw: f64, v: f64| Ratio {
            observed: raw * 100.0,
            expected: 100.0,
            variance: v * 100.0 * 100.0,
        };
        let noisy = [
            ratio(1.05, 0.01),
            ratio(0.9, 0.01),
            ratio(1.1, 0.01),
            ratio(0.97, 0.01),
        ];
        assert_eq!(spread(&noisy), 0.0);
        assert!(noisy.iter().all(|r| r.shrunk(spread(&noisy)) == 1.0));
        let real = [
            ratio(1.5, 1e-4),
            ratio(0.6, 1e-4),
            ratio(1.3, 1e-4),
            ratio(0.7, 1e-4),
        ];
        let tau = spread(&real);
        assert!(
            (real[0].shrunk(tau) - 1.5).abs() < 0.01,
            "{}",
            real[0].shrunk(tau)
        );
        assert_eq!(normalised([2.0; 7]), [1.0; 7]);
        assert_eq!(normalised([0.0; 7]), [1.0; 7]);
    }
}
