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
//! noise gets none; one with a real rhythm keeps it almost as measured.
//!
//! **Demand.** A budget that follows demand (more on paydays, a December peak) spends more on
//! the days that would have earned more anyway, and a curve fitted through such days is
//! straighter than the truth. Each day `t` on which three or more channels spend has a raw
//! demand ratio, the Gamma–Poisson posterior mean
//!
//! ```text
//! r_t = (a_D + Σ_c y_ct / φ_c) / (a_D + e_t),   e_t = Σ_c μ_ct / (D_t φ_c)
//! v_t = Var(Σ_c y_ct / φ_c) / (a_D + e_t)²
//! ```
//!
//! in count units (`φ_c` from [`super::noise`], `e_t` the counts expected at demand 1, `v_t`
//! the ratio's sampling variance), with `a_D = ` [`DEMAND_PRIOR`] counts of prior weight at 1.
//! One day's ratio errs by about `1/√(counts)`, as much as demand itself moves on
//! most accounts, so the day's multiplier `D_t` is read through its neighbours ([`demand`]):
//!
//! - the **trend** `m_t = L_t · p(weekday_t)` is a smooth level `L_t`, the Gaussian-kernel mean
//!   (σ = [`DEMAND_BANDWIDTH`] days) of the nearby days' ratios divided by their weekday's
//!   profile, times a weekday profile `p` (the mean of `r_t / L_t` by weekday, scaled to average
//!   1), alternated three times; from the second turn a day counts towards its neighbours' level
//!   at most [`DEMAND_OUTLIER`] standard deviations `√(v_t + τ²)` from the trend, so a sale day
//!   does not lift the days around it;
//! - the **spread** `τ²` of the days' true departures from the trend is read robustly, as the
//!   median of `(r_t − m_t)² / 0.455 − v_t` (0.455 the median of χ²₁), so that a few sale days
//!   do not count as every day's spread;
//! - each day keeps its own departure shrunk by empirical Bayes,
//!   `D_t = m_t + τ² / (τ² + v_t) · (r_t − m_t)`, moved at most [`DEMAND_TRANSLATION`] standard
//!   errors `√v_t` from its own ratio (Efron and Morris's limited translation, 1972), so a real
//!   sale day or the first day of a peak is never explained away. A day without a ratio takes
//!   the trend; a history without any, 1.
//!
//! Channel `c` itself is fitted at the demand read from the *other* channels' ratios, so that
//! no channel explains its own days (a channel that could would shrink its own noise to
//! nothing). What tells the curves apart is then how each day's spends differ between the
//! channels, not how the day's total moved with demand.
//!
//! **Weekdays.** Each channel's revenue on weekday `d` is `w_c(d)` times its curve, the same
//! shrunk ratio over the weekday's days (weighted by recency), then scaled to average 1 over the week. A channel whose account
//! declares `weekday` multipliers keeps them.

/// Median conversions a day above which a day without any is a tracking outage.
pub const OUTAGE_CONVERSIONS: f64 = 5.0;
/// Prior weight of a day's demand multiplier at 1, in conversions.
pub const DEMAND_PRIOR: f64 = 20.0;
/// Standard deviation, in days, of the Gaussian kernel that reads the smooth level of demand.
pub const DEMAND_BANDWIDTH: f64 = 3.5;
/// Standard errors of its own ratio by which a day's demand may be moved towards the trend.
pub const DEMAND_TRANSLATION: f64 = 2.0;
/// Turns of the level and the weekday profile.
const DEMAND_ROUNDS: usize = 3;
/// Standard deviations from the trend beyond which a day's ratio is held at the band when
/// its neighbours' level is read.
pub const DEMAND_OUTLIER: f64 = 3.0;
/// The median of a squared standard normal variable.
const CHI_SQUARE_MEDIAN: f64 = 0.454_936_423_119_572_7;
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

/// Each day's demand multiplier from the days' ratios of observed to expected counts (`None`
/// for a day with too few channels to tell): a smooth level times a weekday profile, the
/// trend, plus each day's own departure from it shrunk by empirical Bayes (see the module
/// docs). A day far from any day with a ratio gets 1.
pub fn demand(ratios: &[Option<Ratio>], weekday: &[usize]) -> Vec<f64> {
    let days = ratios.len();
    let raw: Vec<Option<(f64, f64)>> = ratios
        .iter()
        .map(|r| {
            r.filter(|r| r.expected > 0.0).map(|r| {
                let scale = DEMAND_PRIOR + r.expected;
                (
                    r.posterior(DEMAND_PRIOR),
                    r.variance.max(0.0) / (scale * scale),
                )
            })
        })
        .collect();
    let reach = (4.0 * DEMAND_BANDWIDTH).ceil() as usize;
    let kernel: Vec<f64> = (0..=reach)
        .map(|k| (-0.5 * (k as f64 / DEMAND_BANDWIDTH).powi(2)).exp())
        .collect();
    let mut profile = [1.0; 7];
    let mut trend: Vec<Option<f64>> = vec![None; days];
    let mut spread = 0.0;
    for round in 0..DEMAND_ROUNDS {
        // From the second round on, a day counts towards its neighbours' level at most
        // `DEMAND_OUTLIER` standard deviations from the trend, so a sale day does not lift
        // the days around it.
        let counted: Vec<Option<f64>> = (0..days)
            .map(|t| {
                let (r, v) = raw[t]?;
                Some(match trend[t] {
                    Some(m) if round > 0 => {
                        let band = DEMAND_OUTLIER * (v + spread).sqrt();
                        r.clamp(m - band, m + band)
                    }
                    _ => r,
                })
            })
            .collect();
        let deseasoned: Vec<Option<f64>> = (0..days)
            .map(|t| counted[t].map(|r| r / profile[weekday[t]]))
            .collect();
        let level = smoothed(&deseasoned, &kernel);
        let mut by_day = [(0.0, 0.0); 7];
        for t in 0..days {
            if let (Some(r), Some(l)) = (counted[t], level[t]) {
                by_day[weekday[t]].0 += r / l;
                by_day[weekday[t]].1 += 1.0;
            }
        }
        profile = if by_day.iter().all(|(_, n)| *n > 0.0) {
            normalised(by_day.map(|(sum, n)| sum / n))
        } else {
            [1.0; 7]
        };
        trend = (0..days)
            .map(|t| level[t].map(|l| l * profile[weekday[t]]))
            .collect();
        spread = robust_spread(&raw, &trend);
    }
    (0..days)
        .map(|t| match (raw[t], trend[t]) {
            (Some((r, v)), Some(m)) if spread + v > 0.0 => {
                let shrunk = m + spread / (spread + v) * (r - m);
                let cap = DEMAND_TRANSLATION * v.sqrt();
                shrunk.clamp(r - cap, r + cap)
            }
            (_, Some(m)) => m,
            _ => 1.0,
        })
        .collect()
}

/// The kernel-weighted mean of the values around each day (`kernel[k]` the weight of a day
/// `k` days away, none beyond its length), over the days that have one; `None` where no day
/// within reach has.
fn smoothed(values: &[Option<f64>], kernel: &[f64]) -> Vec<Option<f64>> {
    let (days, reach) = (values.len(), kernel.len() - 1);
    (0..days)
        .map(|t| {
            let (mut sum, mut mass) = (0.0, 0.0);
            for s in t.saturating_sub(reach)..(t + reach + 1).min(days) {
                if let Some(value) = values[s] {
                    let k = kernel[t.abs_diff(s)];
                    sum += k * value;
                    mass += k;
                }
            }
            (mass > 0.0).then(|| sum / mass)
        })
        .collect()
}

/// The spread `τ²` of the days' true departures from the trend, read robustly: the median of
/// `e_t² / 0.455 − v_t` (0.455 the median of a squared standard normal variable, so that the
/// median of `e² ∼ (τ² + v) χ²₁` gives `τ² + v`), so that a few sale days do not count as
/// spread of every day. At least 0.
fn robust_spread(raw: &[Option<(f64, f64)>], trend: &[Option<f64>]) -> f64 {
    let mut excess: Vec<f64> = raw
        .iter()
        .zip(trend)
        .filter_map(|(r, m)| {
            let ((r, v), m) = (r.as_ref()?, m.as_ref()?);
            Some((r - m) * (r - m) / CHI_SQUARE_MEDIAN - v)
        })
        .collect();
    if excess.is_empty() {
        return 0.0;
    }
    excess.sort_by(f64::total_cmp);
    crate::stats::quantile(&excess, 0.5).max(0.0)
}

/// The account's weekday profile from each weekday's demands relative to the recent level
/// (`of_weekday[d]`, one value a week): each weekday's mean `p̄_d`, shrunk towards the mean
/// of the seven `p̄` by empirical Bayes, `p̄ + τ² / (τ² + v_d) · (p̄_d − p̄)`, with `v_d` the
/// sampling variance of `p̄_d` (the weeks' scatter over their number) and `τ²` the spread of
/// the true weekday effects by moments ([`spread`] about `p̄`). An account without a weekday
/// rhythm gets a flat profile rather than its noise (a Tuesday that earned 6% more by chance
/// is not a Tuesday effect); one with a rhythm well above its noise keeps it. A weekday with
/// fewer than two weeks keeps `p̄` (1 where no day has a value).
pub fn shrunk_profile(of_weekday: &[Vec<f64>; 7]) -> [f64; 7] {
    let stats: Vec<Option<(f64, f64)>> = of_weekday
        .iter()
        .map(|values| {
            let n = values.len();
            (n >= 2).then(|| {
                let mean = values.iter().sum::<f64>() / n as f64;
                let scatter =
                    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
                (mean, scatter / n as f64)
            })
        })
        .collect();
    let known: Vec<(f64, f64)> = stats.iter().flatten().copied().collect();
    if known.is_empty() {
        return [1.0; 7];
    }
    let centre = known.iter().map(|(m, _)| m).sum::<f64>() / known.len() as f64;
    let tau = if known.len() < 3 {
        0.0
    } else {
        let excess: f64 = known.iter().map(|(m, v)| (m - centre).powi(2) - v).sum();
        // Seven means about their own mean: the spread of one is (k − 1)/k of the truth's.
        (excess / (known.len() - 1) as f64).max(0.0)
    };
    std::array::from_fn(|d| match stats[d] {
        Some((mean, v)) if tau > 0.0 => centre + tau / (tau + v) * (mean - centre),
        _ => centre,
    })
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

    #[test]
    fn a_weekday_profile_is_kept_where_it_stands_out_of_its_noise_and_flat_where_not() {
        // Eight weeks of each weekday, scattering by ±15% about their truth (a standard error
        // of 4% for a weekday's mean).
        let noise = [-0.15, 0.15, 0.1, -0.1, 0.0, 0.12, -0.12, 0.0];
        let weeks = |truth: [f64; 7]| -> [Vec<f64>; 7] {
            std::array::from_fn(|d| noise.iter().map(|e| truth[d] * (1.0 + e)).collect())
        };
        // A weekend dip of 30% well above the noise: kept within two points.
        let rhythm = [1.1, 1.1, 1.1, 1.1, 1.1, 0.8, 0.7];
        let profile = shrunk_profile(&weeks(rhythm));
        for d in 0..7 {
            assert!((profile[d] - rhythm[d]).abs() < 0.02, "{profile:?}");
        }
        // No rhythm, one weekday 6% up by chance, within its noise: flat.
        let mut chance: [Vec<f64>; 7] = weeks([1.0; 7]);
        chance[1] = chance[1].iter().map(|v| v + 0.06).collect();
        let shrunk = shrunk_profile(&chance);
        let raw = chance[1].iter().sum::<f64>() / 8.0;
        assert!(raw > 1.05 && shrunk[1] - shrunk[0] < 0.01, "{shrunk:?}");
        // Too few weeks: the mean.
        let mut thin: [Vec<f64>; 7] = std::array::from_fn(|_| vec![1.0]);
        thin[0] = vec![];
        assert_eq!(shrunk_profile(&thin), [1.0; 7]);
    }
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

    /// A year of days whose demand follows the weekday, a December-like peak and one sale day
    /// at twice the trend, seen through 200 Poisson counts a day: the smooth level with its
    /// weekday profile reads the demand with less than half the raw ratios' error, and the
    /// sale day keeps nearly all of its jump.
    #[test]
    fn demand_is_read_through_the_noise_and_a_sale_day_is_kept() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Poisson};
        let days = 365;
        let weekday: Vec<usize> = (0..days).map(|t| t % 7).collect();
        let truth: Vec<f64> = (0..days)
            .map(|t| {
                let week = [1.08, 1.08, 1.08, 1.08, 1.08, 0.85, 0.8][t % 7];
                let peak = 1.0 + 0.6 * (-((t as f64 - 300.0) / 12.0).powi(2)).exp();
                let sale = if t == 100 { 2.0 } else { 1.0 };
                week * peak * sale
            })
            .collect();
        let expected = 200.0;
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let ratios: Vec<Option<Ratio>> = truth
            .iter()
            .map(|d| {
                let observed: f64 = Poisson::new(expected * d).unwrap().sample(&mut rng);
                Some(Ratio {
                    observed,
                    expected,
                    variance: expected * d,
                })
            })
            .collect();
        let read = demand(&ratios, &weekday);
        let raw: Vec<f64> = ratios
            .iter()
            .map(|r| r.unwrap().posterior(DEMAND_PRIOR))
            .collect();
        let rms = |estimate: &[f64]| {
            let squares: f64 = (0..days)
                .filter(|&t| t != 100)
                .map(|t| (estimate[t] - truth[t]).powi(2))
                .sum();
            (squares / (days - 1) as f64).sqrt()
        };
        let (smoothed, noisy) = (rms(&read), rms(&raw));
        // The raw ratios err by about their standard error, 1/√200 ≈ 0.07 of the demand.
        assert!((0.05..0.1).contains(&noisy), "raw {noisy}");
        assert!(smoothed < 0.5 * noisy, "smoothed {smoothed}, raw {noisy}");
        // The sale day moves at most two of its standard errors from its own ratio, and
        // keeps most of its jump from the trend's 1.08 to 2.16 (its ratio's standard error
        // is 0.09).
        let r = ratios[100].unwrap();
        let error = r.variance.sqrt() / (DEMAND_PRIOR + r.expected);
        assert!(
            (read[100] - raw[100]).abs() <= DEMAND_TRANSLATION * error + 1e-12,
            "{} against {}",
            read[100],
            raw[100]
        );
        assert!(read[100] > 1.5, "{}", read[100]);
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
