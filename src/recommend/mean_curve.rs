//! The posterior expected response of each channel, and the split that maximises it.
//!
//! With `M` joint posterior draws of the response curves `R_i^m`, the posterior expected
//! revenue of a split is separable,
//!
//! ```text
//! E[R(s)] ≈ Σ_i R̄_i(s_i),    R̄_i(s) = (1/M) Σ_m R_i^m(s),    R̄_i'(s) = (1/M) Σ_m R_i^m'(s)
//! ```
//!
//! and each `R̄_i` is concave (a mean of concave curves), so the best split under the floors,
//! caps and budget is again the equal-marginal split of [`crate::oracle`]: the same solver,
//! with each channel's demand `s_i(μ)` the spend at which `R̄_i'` falls to `μ`. The marginal
//! `R̄_i'` is tabulated between the channel's bounds (the channels in parallel), and the
//! demand read from the table by bisection and linear interpolation (a table step is a
//! thousandth of the channel's range: the objective it loses is of second order in it).
//!
//! Each point of the table costs a pass over the draws, so the table is built in two steps: a
//! coarse one of every 16th point, whose split says where each channel's spend lies, then the
//! fine points within two coarse steps of it. The split solved
//! on those is the one the whole table gives, wherever each channel's spend falls inside its
//! window (the fine points there are the whole table's); where one falls on its window's edge,
//! the whole table is built and the split solved again.

use crate::constraints::Bounds;
use crate::objective::Objective;
use crate::oracle::equal_marginals;
use crate::policy::ResponseDraw;
use rayon::prelude::*;

/// Points of each channel's tabulated mean marginal return.
const TABLE: usize = 1025;
/// Fine points per coarse point of the first step.
const COARSE_STRIDE: usize = 16;
/// Coarse steps on either side of the first step's spend that the fine points cover.
const WINDOW: usize = 2;

/// Mean (steady) revenue of channel `i`'s draws at `spend`.
pub fn mean_revenue(draws: &[ResponseDraw], i: usize, spend: f64) -> f64 {
    draws.iter().map(|d| d.revenue(i, spend)).sum::<f64>() / draws.len() as f64
}

/// Mean (steady) marginal revenue of channel `i`'s draws at `spend`.
pub fn mean_marginal(draws: &[ResponseDraw], i: usize, spend: f64) -> f64 {
    draws.iter().map(|d| d.marginal(i, spend)).sum::<f64>() / draws.len() as f64
}

/// One channel's mean marginal return on evenly spaced spends.
struct Table {
    low: f64,
    step: f64,
    marginal: Vec<f64>,
}

impl Table {
    /// The mean marginal at `points` spends from `low` in steps of `step`.
    fn new(draws: &[ResponseDraw], i: usize, low: f64, step: f64, points: usize) -> Table {
        let mut marginal = vec![0.0; points];
        for draw in draws {
            draw.add_marginals(i, low, step, &mut marginal);
        }
        let count = draws.len() as f64;
        marginal.iter_mut().for_each(|m| *m /= count);
        Table {
            low,
            step,
            marginal,
        }
    }

    /// The highest spend of the table.
    fn high(&self) -> f64 {
        self.low + self.step * (self.marginal.len() - 1) as f64
    }

    /// The spend at which the mean marginal return falls to `marginal` (within the table).
    fn demand(&self, marginal: f64) -> f64 {
        let table = &self.marginal;
        let last = table.len() - 1;
        if table[0] <= marginal {
            return self.low;
        }
        if table[last] >= marginal {
            return self.high();
        }
        // table[a] > marginal ≥ table[b]: the crossing lies in [a, b].
        let (mut a, mut b) = (0, last);
        while b - a > 1 {
            let mid = (a + b) / 2;
            if table[mid] > marginal {
                a = mid;
            } else {
                b = mid;
            }
        }
        let fraction = (table[a] - marginal) / (table[a] - table[b]);
        self.low + self.step * (a as f64 + fraction.clamp(0.0, 1.0))
    }
}

/// One channel's whole table between `low` and `high`, as a grid: its first spend, its step and
/// its points.
fn grid(low: f64, high: f64) -> (f64, f64, usize) {
    if high > low {
        (low, (high - low) / (TABLE - 1) as f64, TABLE)
    } else {
        (low, 0.0, 1)
    }
}

/// A channel's coarse table and the fine one around the coarse split: the demand of the fine
/// one within its range, of the coarse one outside it.
struct Windowed {
    coarse: Table,
    fine: Table,
}

impl Windowed {
    fn demand(&self, marginal: f64) -> f64 {
        let fine = &self.fine.marginal;
        if marginal > fine[0] {
            self.coarse.demand(marginal).min(self.fine.low)
        } else if marginal < fine[fine.len() - 1] {
            self.coarse.demand(marginal).max(self.fine.high())
        } else {
            self.fine.demand(marginal)
        }
    }

    /// Whether `spend` is one the fine table decides: inside it, or on an edge that is the
    /// whole table's.
    fn decides(&self, spend: f64, low: f64, high: f64) -> bool {
        (spend > self.fine.low || self.fine.low <= low)
            && (spend < self.fine.high() || self.fine.high() >= high)
    }
}

/// The split of `budget` within `bounds` that maximises the posterior expected objective over
/// the draws (`draws[m]`: draw `m` of every channel's response).
pub fn best_mean_split(
    draws: &[ResponseDraw],
    bounds: &Bounds,
    budget: f64,
    objective: Objective,
) -> Vec<f64> {
    let channels = bounds.low.len();
    let initial: Vec<f64> = (0..channels)
        .map(|i| mean_marginal(draws, i, 0.0))
        .collect();
    // The coarse step: every COARSE_STRIDE-th point of each whole table.
    let coarse: Vec<Table> = (0..channels)
        .into_par_iter()
        .map(|i| {
            let (low, step, points) = grid(bounds.low[i], bounds.high[i]);
            let coarse_points = (points - 1) / COARSE_STRIDE + 1;
            Table::new(draws, i, low, step * COARSE_STRIDE as f64, coarse_points)
        })
        .collect();
    let first = equal_marginals(bounds, budget, objective, &initial, |i, marginal| {
        coarse[i].demand(marginal)
    });
    // The fine step: the whole table's points within WINDOW coarse steps of that split.
    let windowed: Vec<Windowed> = coarse
        .into_par_iter()
        .enumerate()
        .map(|(i, coarse)| {
            let (low, step, points) = grid(bounds.low[i], bounds.high[i]);
            let at = if step > 0.0 {
                ((first[i] - low) / (step * COARSE_STRIDE as f64)).floor() as usize
            } else {
                0
            };
            let from = at.saturating_sub(WINDOW) * COARSE_STRIDE;
            let to = ((at + 1 + WINDOW) * COARSE_STRIDE).min(points - 1);
            let fine = Table::new(draws, i, low + step * from as f64, step, to - from + 1);
            Windowed { coarse, fine }
        })
        .collect();
    let split = equal_marginals(bounds, budget, objective, &initial, |i, marginal| {
        windowed[i].demand(marginal)
    });
    let decided =
        (0..channels).all(|i| windowed[i].decides(split[i], bounds.low[i], bounds.high[i]));
    if decided {
        return split;
    }
    let tables: Vec<Table> = (0..channels)
        .into_par_iter()
        .map(|i| {
            let (low, step, points) = grid(bounds.low[i], bounds.high[i]);
            Table::new(draws, i, low, step, points)
        })
        .collect();
    equal_marginals(bounds, budget, objective, &initial, |i, marginal| {
        tables[i].demand(marginal)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::{Channel, test_curve};
    use crate::oracle::{grid_splits, optimal_constrained};

    fn curve(price: f64, value: f64, audience: f64) -> Channel {
        test_curve(price, value, Some(audience))
    }

    /// With every draw the same curve, the mean curve is that curve and the split the oracle's.
    #[test]
    fn identical_draws_give_the_oracles_split() {
        let market = vec![curve(2.0, 10.0, 300.0), curve(5.0, 30.0, 100.0)];
        let bounds = Bounds::free(2, 1000.0);
        let draws = vec![ResponseDraw::unworn(market.clone()); 3];
        let split = best_mean_split(&draws, &bounds, 1000.0, Objective::Revenue);
        let oracle = optimal_constrained(&market, &bounds, 1000.0, Objective::Revenue);
        for (a, b) in split.iter().zip(&oracle.spend) {
            assert!((a - b).abs() < 1.0, "{split:?} vs {:?}", oracle.spend);
        }
    }

    /// Two equally likely curves for one channel: the best split maximises their mean, which a
    /// fine grid search finds too.
    #[test]
    fn the_split_maximises_the_mean_of_the_draws() {
        let draws = vec![
            ResponseDraw::unworn(vec![curve(2.0, 10.0, 300.0), curve(5.0, 30.0, 100.0)]),
            ResponseDraw::unworn(vec![curve(2.0, 10.0, 300.0), curve(5.0, 30.0, 20.0)]),
        ];
        let bounds = Bounds {
            low: vec![100.0, 0.0],
            high: vec![1000.0, 1000.0],
        };
        let split = best_mean_split(&draws, &bounds, 1000.0, Objective::Revenue);
        let value = |s: f64| mean_revenue(&draws, 0, s) + mean_revenue(&draws, 1, 1000.0 - s);
        let best = (100..=1000)
            .map(|s| value(s as f64))
            .fold(f64::MIN, f64::max);
        assert!((split[0] + split[1] - 1000.0).abs() < 1e-6);
        assert!(value(split[0]) >= best - 1e-3 * best, "{split:?}");
    }

    /// Draws that disagree about how fast two creatives wear: the split maximises the mean
    /// steady revenue, which a fine grid search finds too.
    #[test]
    fn with_wear_the_split_maximises_the_mean_steady_revenue() {
        let market = |video: f64, carousel: f64| ResponseDraw {
            curves: vec![
                curve(45.0, 144.0, 250.0),
                curve(40.0, 108.0, 250.0),
                curve(7.0, 15.0, 900.0),
            ],
            wear: vec![video, carousel, 0.0],
            revenue_curves: Vec::new(),
            beyond: Vec::new(),
        };
        let draws = vec![
            market(0.006, 0.006),
            market(0.002, 0.012),
            market(0.0, 0.003),
        ];
        let budget = 8000.0;
        let bounds = Bounds::free(3, budget);
        let split = best_mean_split(&draws, &bounds, budget, Objective::Revenue);
        let value = |s: &[f64]| (0..3).map(|i| mean_revenue(&draws, i, s[i])).sum::<f64>();
        let best = grid_splits(3, budget, 400)
            .map(|s| value(&s))
            .fold(f64::MIN, f64::max);
        assert!((split.iter().sum::<f64>() - budget).abs() < 1e-6 * budget);
        assert!(value(&split) >= best - 1e-6 * best, "{split:?}");
        // Planned without the wear, the split earns less.
        let unworn: Vec<ResponseDraw> = draws
            .iter()
            .map(|d| ResponseDraw::unworn(d.curves.clone()))
            .collect();
        let myopic = best_mean_split(&unworn, &bounds, budget, Objective::Revenue);
        assert!(value(&myopic) < value(&split) - 1e-4 * best, "{myopic:?}");
    }
}
