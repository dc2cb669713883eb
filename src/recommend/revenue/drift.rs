//! How a channel's return per unit of money drifts over the months, apart from its spend.
//!
//! A conversion rate that creeps up as a landing page improves, or down as an audience tires,
//! moves the level of a channel's curve, not its shape. Weighting recent days more (the
//! half-life [`super`] chooses by a predictive check) follows such a drift but forgets, with
//! the old days, the spends that showed where the curve bends. So each channel's curve carries
//! a slow level `L_c(t)`:
//!
//! ```text
//! y_ct ≈ L_c(t) · D_t · w_c(d(t)) · β_c g_c(s_ct; k_c)
//! ```
//!
//! read from the days' ratios of observed to expected revenue `r_t` (in count units, with
//! sampling variance `v_t`) by a local linear regression with a Gaussian kernel of
//! [`BANDWIDTH`] days: at each day `t`, `L(t) = a` of the weighted least squares fit of
//! `r_s ≈ a + b (s − t)` with weights `K(s − t) / v_s`. A local linear fit follows a steady
//! drift to the history's last day without the lag of a local mean, whose window at the end
//! reaches only backwards. The level is set to 1 at the channel's last funded day, so `β_c` is
//! today's level and tomorrow's curve needs no further scale. A channel without a drift gets a
//! level within its noise of 1 everywhere; each day's level is held within [`LEAST`] and
//! [`MOST`] of today's.

use super::calendar::Ratio;

/// Standard deviation, in days, of the kernel that reads a channel's level.
pub const BANDWIDTH: f64 = 45.0;
/// Funded days a channel needs for its level to be read; fewer keep a level of 1.
pub const MIN_DAYS: usize = 120;
/// The lowest level of any day relative to the last funded day's.
pub const LEAST: f64 = 0.5;
/// The highest level of any day relative to the last funded day's.
pub const MOST: f64 = 2.0;

/// A channel's drift: each day's level relative to its last funded day's, and how well that
/// day's level is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// `L(t) / L(last)` per day of the history.
    pub levels: Vec<f64>,
    /// The sampling variance of `L(last)` relative to its square: the uncertainty of today's
    /// level, which the draws carry.
    pub today_variance: f64,
}

/// Each day's level from the days' ratios (`None` on days the channel did not fund), relative
/// to the level of the last day that has a ratio; `None` where the days show no drift beyond
/// their noise or are fewer than [`MIN_DAYS`].
pub fn level(ratios: &[Option<Ratio>]) -> Option<Drift> {
    let days = ratios.len();
    let points: Vec<Point> = ratios
        .iter()
        .enumerate()
        .filter_map(|(t, r)| {
            let r = r.as_ref()?;
            (r.expected > 0.0 && r.variance > 0.0).then(|| Point {
                day: t as f64,
                ratio: r.observed / r.expected,
                precision: r.expected * r.expected / r.variance,
            })
        })
        .collect();
    if points.len() < MIN_DAYS {
        return None;
    }
    let last = points.last()?.day;
    // Each day's fit; days after the last funded one take its level.
    let fits: Vec<Option<LocalFit>> = (0..days)
        .map(|t| local_line(&points, (t as f64).min(last)))
        .collect();
    let today = fits[last as usize]?.level;
    if today <= 0.0 {
        return None;
    }
    // What the level explains beyond one constant, against the smoother's degrees of freedom.
    let total: f64 = points.iter().map(|p| p.precision).sum();
    let mean = points.iter().map(|p| p.precision * p.ratio).sum::<f64>() / total;
    let (mut explained, mut freedom) = (0.0, 0.0);
    for p in &points {
        let fit = fits[p.day as usize]?;
        explained += p.precision * ((p.ratio - mean).powi(2) - (p.ratio - fit.level).powi(2));
        freedom += fit.own_weight;
    }
    if explained <= freedom * (points.len() as f64).ln() {
        return None;
    }
    Some(Drift {
        levels: fits
            .iter()
            .map(|fit| fit.map_or(1.0, |fit| (fit.level / today).clamp(LEAST, MOST)))
            .collect(),
        today_variance: level_variance(&points, last) / (today * today),
    })
}

/// A funded day: its ratio of observed to expected revenue and that ratio's precision.
#[derive(Debug, Clone, Copy)]
struct Point {
    day: f64,
    ratio: f64,
    precision: f64,
}

/// The local line's fit at one day.
#[derive(Debug, Clone, Copy)]
struct LocalFit {
    /// The line's level at the day.
    level: f64,
    /// The weight of the day's own ratio in its level, `∂L(t) / ∂r_t` (0 for a day without
    /// one): summed over the days, the smoother's degrees of freedom.
    own_weight: f64,
}

/// Days within which the kernel reaches: four bandwidths.
const REACH: usize = (4.0 * BANDWIDTH) as usize;

/// The points (in day order) within [`REACH`] days of day `t`.
fn near(points: &[Point], t: f64) -> &[Point] {
    let reach = REACH as f64;
    let from = points.partition_point(|p| p.day < t - reach);
    let to = points.partition_point(|p| p.day <= t + reach);
    &points[from..to]
}

/// The Gaussian kernel `exp(−x² / 2h²)` at a whole number of days `x` (`h` the
/// [`BANDWIDTH`]), from a table computed once.
fn kernel(x: f64) -> f64 {
    static TABLE: std::sync::LazyLock<Vec<f64>> = std::sync::LazyLock::new(|| {
        (0..=REACH)
            .map(|k| (-0.5 * (k as f64 / BANDWIDTH).powi(2)).exp())
            .collect()
    });
    TABLE[(x.abs() as usize).min(REACH)]
}

/// The sampling variance of the local line's level at day `t`: day `s` weighs
/// `l_s = w_s (W₂ − W₁ x_s) / det` in it (`x_s = s − t`, `W_k = Σ w x^k`), so the variance is
/// `Σ_s l_s² / precision_s`.
fn level_variance(points: &[Point], t: f64) -> f64 {
    let near: Vec<(f64, f64, f64)> = near(points, t)
        .iter()
        .map(|p| {
            let x = p.day - t;
            (x, kernel(x) * p.precision, p.precision)
        })
        .collect();
    let (w0, w1, w2) = near.iter().fold((0.0, 0.0, 0.0), |a, &(x, w, _)| {
        (a.0 + w, a.1 + w * x, a.2 + w * x * x)
    });
    let det = w0 * w2 - w1 * w1;
    if det <= 0.0 {
        return f64::INFINITY;
    }
    near.iter()
        .map(|&(x, w, precision)| (w * (w2 - w1 * x) / det).powi(2) / precision)
        .sum()
}

/// The weighted least squares line `r_s ≈ a + b (s − t)` through the points within four
/// bandwidths of day `t`, weights `K(s − t) · precision_s`.
fn local_line(points: &[Point], t: f64) -> Option<LocalFit> {
    let (mut w0, mut w1, mut w2, mut y0, mut y1, mut own) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for p in near(points, t) {
        let x = p.day - t;
        let w = kernel(x) * p.precision;
        w0 += w;
        w1 += w * x;
        w2 += w * x * x;
        y0 += w * p.ratio;
        y1 += w * x * p.ratio;
        if x == 0.0 {
            own = w;
        }
    }
    let det = w0 * w2 - w1 * w1;
    (det > 0.0).then(|| LocalFit {
        level: (w2 * y0 - w1 * y1) / det,
        own_weight: own * w2 / det,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Poisson};

    fn ratios(truth: &[f64], expected: f64, seed: u64) -> Vec<Option<Ratio>> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        truth
            .iter()
            .map(|l| {
                let observed: f64 = Poisson::new(expected * l).unwrap().sample(&mut rng);
                Some(Ratio {
                    observed,
                    expected,
                    variance: expected * l,
                })
            })
            .collect()
    }

    /// A conversion rate rising 30% over a year, seen through 100 Poisson counts a day (each
    /// day's ratio errs by 10%), read in 40 histories: the drift is found in every one, and at
    /// the first day, a quarter, half and three quarters of the year the level relative to
    /// today's is the truth's without a bias beyond three standard errors of the mean of the
    /// 40, and errs by less than 5% (the standard deviation over the histories). A steady
    /// channel's days explain about the smoother's 4.6 degrees of freedom by chance, far from
    /// the `4.6 ln 365 = 27` a drift needs: none of 40 finds one.
    #[test]
    fn a_drift_is_followed_to_the_last_day_and_a_steady_channel_keeps_its_level() {
        let days = 365;
        let rising: Vec<f64> = (0..days)
            .map(|t| 1.0 + 0.3 * t as f64 / (days - 1) as f64)
            .collect();
        let histories = 40;
        let checked = [0, 91, 182, 273];
        let errors: Vec<Vec<f64>> = (0..histories)
            .map(|seed| {
                let read = level(&ratios(&rising, 100.0, seed))
                    .expect("a drift found")
                    .levels;
                checked
                    .iter()
                    .map(|&t| read[t] / (rising[t] / rising[days - 1]) - 1.0)
                    .collect()
            })
            .collect();
        for (k, day) in checked.iter().enumerate() {
            let e: Vec<f64> = errors.iter().map(|e| e[k]).collect();
            let mean = e.iter().sum::<f64>() / histories as f64;
            let sd =
                (e.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (histories - 1) as f64).sqrt();
            assert!(
                mean.abs() < 3.0 * sd / (histories as f64).sqrt(),
                "day {day}: bias {mean}, sd {sd}"
            );
            assert!(sd < 0.05, "day {day}: sd {sd}");
        }
        let steady = (0..histories)
            .filter(|&seed| level(&ratios(&vec![1.0; days], 100.0, 100 + seed)).is_some())
            .count();
        assert_eq!(steady, 0);
    }

    /// Today's level, read in 200 histories of a steady channel at 100 counts a day: its
    /// spread over the histories is the variance [`level_variance`] gives (the ratio of the two
    /// within 30%, where the sample variance of 200 errs by 10%).
    #[test]
    fn todays_level_varies_as_its_variance_says() {
        let days = 365;
        let histories = 200;
        let mut levels = Vec::new();
        let mut variances = Vec::new();
        for seed in 0..histories {
            let read = ratios(&vec![1.0; days], 100.0, 1000 + seed);
            let points: Vec<Point> = read
                .iter()
                .enumerate()
                .map(|(t, r)| {
                    let r = r.unwrap();
                    Point {
                        day: t as f64,
                        ratio: r.observed / r.expected,
                        precision: r.expected * r.expected / r.variance,
                    }
                })
                .collect();
            let last = (days - 1) as f64;
            levels.push(local_line(&points, last).unwrap().level);
            variances.push(level_variance(&points, last));
        }
        let mean = levels.iter().sum::<f64>() / histories as f64;
        let spread =
            levels.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (histories - 1) as f64;
        let said = variances.iter().sum::<f64>() / histories as f64;
        assert!(
            (spread / said - 1.0).abs() < 0.3,
            "spread {spread}, said {said}"
        );
    }

    #[test]
    fn too_few_days_keep_a_level_of_one() {
        assert_eq!(level(&ratios(&vec![1.2; 60], 100.0, 5)), None);
    }
}
