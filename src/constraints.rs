//! Budget constraints: per-channel floors and caps, and the pacing rule on daily changes.
//!
//! A scenario may bound each channel's daily spend, `low_i ≤ s_i ≤ high_i` (from `min_share` /
//! `max_share` times the daily budget, or `min_spend` / `max_spend`), and limit how far any
//! channel's share may move from one day to the next, `|s_{t,i} − s_{t−1,i}| ≤ δ B`
//! (`max_daily_change = δ`). The day's feasible box is the intersection:
//!
//! ```text
//! low_{t,i}  = max(low_i,  s_{t−1,i} − δ B)        high_{t,i} = min(high_i, s_{t−1,i} + δ B)
//! ```
//!
//! Yesterday's split lies in yesterday's box, so `Σ low_{t,i} ≤ Σ s_{t−1,i} ≤ Σ high_{t,i}`:
//! once the static constraints are feasible (checked at validation) every day's are.
//!
//! Every policy's wish is [projected](project) onto the feasible set `{low ≤ s ≤ high, Σ s = B}`
//! (or `Σ s ≤ B` when the objective may leave budget unspent): the Euclidean projection
//! `s_i = clamp(p_i − ν, low_i, high_i)` with the shift `ν` chosen to meet the budget.

/// A day's feasible spend per channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// Least spend per channel.
    pub low: Vec<f64>,
    /// Most spend per channel.
    pub high: Vec<f64>,
}

impl Bounds {
    /// No bounds beyond `0 ≤ s_i ≤ budget`.
    pub fn free(channels: usize, budget: f64) -> Bounds {
        Bounds {
            low: vec![0.0; channels],
            high: vec![budget; channels],
        }
    }

    /// Whether `spend` lies in the box (up to a relative rounding tolerance of the budget).
    pub fn contains(&self, spend: &[f64], budget: f64) -> bool {
        let tolerance = 1e-9 * budget;
        spend
            .iter()
            .zip(self.low.iter().zip(&self.high))
            .all(|(&s, (&low, &high))| s >= low - tolerance && s <= high + tolerance)
    }
}

/// A scenario's validated budget constraints, in currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraints {
    /// The static box, from the channels' floors and caps.
    pub bounds: Bounds,
    /// The largest change of a channel's share from one day to the next, if paced.
    pub max_daily_change: Option<f64>,
}

impl Constraints {
    /// No constraints.
    pub fn none(channels: usize, budget: f64) -> Constraints {
        Constraints {
            bounds: Bounds::free(channels, budget),
            max_daily_change: None,
        }
    }

    /// Whether any channel has a floor or a cap, or the budget is paced.
    pub fn is_constrained(&self, budget: f64) -> bool {
        self.max_daily_change.is_some()
            || self.bounds.low.iter().any(|&l| l > 0.0)
            || self.bounds.high.iter().any(|&h| h < budget)
    }

    /// Writes the day's box into `today`, given yesterday's split (`None` on the first day).
    pub fn today(&self, yesterday: Option<&[f64]>, budget: f64, today: &mut Bounds) {
        today.low.clone_from(&self.bounds.low);
        today.high.clone_from(&self.bounds.high);
        if let (Some(change), Some(yesterday)) = (self.max_daily_change, yesterday) {
            let step = change * budget;
            for ((low, high), &s) in today.low.iter_mut().zip(&mut today.high).zip(yesterday) {
                *low = low.max(s - step);
                *high = high.min(s + step);
                if *low > *high {
                    // Only rounding can cross them: yesterday was feasible.
                    *high = *low;
                }
            }
        }
    }
}

/// Projects `spend` onto `{bounds.low ≤ s ≤ bounds.high, Σ s = budget}`, or onto
/// `Σ s ≤ budget` when `spend_all` is false. A split that is already feasible is left exactly
/// as it is. The box must allow the budget: `Σ low ≤ budget`, and `Σ high ≥ budget` when
/// `spend_all`.
pub fn project(spend: &mut [f64], bounds: &Bounds, budget: f64, spend_all: bool) {
    let total: f64 = spend.iter().sum();
    let sum_ok = if spend_all {
        (total - budget).abs() <= 1e-9 * budget
    } else {
        total <= budget * (1.0 + 1e-9)
    };
    if sum_ok && bounds.contains(spend, budget) {
        return;
    }
    let clamped = |nu: f64, i: usize, s: f64| (s - nu).clamp(bounds.low[i], bounds.high[i]);
    let sum_at = |nu: f64, spend: &[f64]| -> f64 {
        spend
            .iter()
            .enumerate()
            .map(|(i, &s)| clamped(nu, i, s))
            .sum()
    };
    if !spend_all && sum_at(0.0, spend) <= budget {
        for (i, s) in spend.iter_mut().enumerate() {
            *s = clamped(0.0, i, *s);
        }
        return;
    }
    // g(ν) = Σ clamp(p_i − ν, low_i, high_i) falls from Σ high to Σ low as ν grows.
    let widest = spend.iter().fold(0.0f64, |m, s| m.max(s.abs())) + budget;
    let (mut low, mut high) = (-widest, widest);
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            break;
        }
        if sum_at(mid, spend) > budget {
            low = mid;
        } else {
            high = mid;
        }
    }
    // Solve exactly on the active set at the bracket: free coordinates move with ν.
    let nu_guess = 0.5 * (low + high);
    let mut fixed_sum = 0.0;
    let mut free_sum = 0.0;
    let mut free = 0usize;
    for (i, &s) in spend.iter().enumerate() {
        let shifted = s - nu_guess;
        if shifted <= bounds.low[i] {
            fixed_sum += bounds.low[i];
        } else if shifted >= bounds.high[i] {
            fixed_sum += bounds.high[i];
        } else {
            free_sum += s;
            free += 1;
        }
    }
    let nu = if free > 0 {
        (free_sum + fixed_sum - budget) / free as f64
    } else {
        nu_guess
    };
    for (i, s) in spend.iter_mut().enumerate() {
        *s = clamped(nu, i, *s);
    }
    spread_remainder(spend, bounds, budget);
}

/// Spreads what rounding left between `Σ spend` and `budget` over channels with room, so
/// the budget is met to the last few ulps without leaving the box.
pub(crate) fn spread_remainder(spend: &mut [f64], bounds: &Bounds, budget: f64) {
    let remainder = budget - spend.iter().sum::<f64>();
    let room: f64 = if remainder > 0.0 {
        spend.iter().zip(&bounds.high).map(|(s, h)| h - s).sum()
    } else {
        spend.iter().zip(&bounds.low).map(|(s, l)| s - l).sum()
    };
    if remainder == 0.0 || room <= 0.0 {
        return;
    }
    let fraction = (remainder.abs() / room).min(1.0);
    for (i, s) in spend.iter_mut().enumerate() {
        *s = if remainder > 0.0 {
            *s + fraction * (bounds.high[i] - *s)
        } else {
            *s - fraction * (*s - bounds.low[i])
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(low: &[f64], high: &[f64]) -> Bounds {
        Bounds {
            low: low.to_vec(),
            high: high.to_vec(),
        }
    }

    #[test]
    fn feasible_splits_are_left_untouched() {
        let b = bounds(&[0.0, 0.0], &[10.0, 10.0]);
        let mut spend = [3.0, 7.0];
        project(&mut spend, &b, 10.0, true);
        assert_eq!(spend, [3.0, 7.0]);
    }

    #[test]
    fn projection_is_the_closest_feasible_split() {
        let b = bounds(&[1.0, 0.0, 0.0], &[10.0, 4.0, 10.0]);
        let mut spend = [0.0, 9.0, 1.0];
        project(&mut spend, &b, 10.0, true);
        // Channel 1 is cut to its cap; the other two rise by the same 2.5 to meet the budget.
        for (s, expected) in spend.iter().zip([2.5, 4.0, 3.5]) {
            assert!((s - expected).abs() < 1e-12, "{spend:?}");
        }

        // Without bounds binding the projection shifts every channel equally.
        let free = Bounds::free(3, 12.0);
        let mut spend = [2.0, 3.0, 4.0];
        project(&mut spend, &free, 12.0, true);
        for (s, expected) in spend.iter().zip([3.0, 4.0, 5.0]) {
            assert!((s - expected).abs() < 1e-12, "{spend:?}");
        }
    }

    #[test]
    fn projection_matches_brute_force_on_a_grid() {
        // The projection minimises the distance to the wish among feasible splits.
        let b = bounds(&[0.5, 0.0, 1.0], &[3.0, 2.5, 6.0]);
        let wish = [4.0, 0.2, 0.3];
        let mut spend = wish;
        project(&mut spend, &b, 6.0, true);
        let distance =
            |s: &[f64]| -> f64 { s.iter().zip(&wish).map(|(a, w)| (a - w).powi(2)).sum() };
        let steps = 600;
        let mut best = f64::INFINITY;
        for i in 0..=steps {
            for j in 0..=steps {
                let s0 = 0.5 + 2.5 * i as f64 / steps as f64;
                let s1 = 2.5 * j as f64 / steps as f64;
                let s2 = 6.0 - s0 - s1;
                if (1.0..=6.0).contains(&s2) {
                    best = best.min(distance(&[s0, s1, s2]));
                }
            }
        }
        assert!((spend.iter().sum::<f64>() - 6.0).abs() < 1e-12);
        assert!(b.contains(&spend, 6.0));
        assert!(distance(&spend) <= best + 1e-9, "{spend:?}");
        assert!(best - distance(&spend) < 1e-2);
    }

    #[test]
    fn unspent_budget_is_allowed_when_not_spending_all() {
        let b = bounds(&[1.0, 0.0], &[10.0, 3.0]);
        let mut spend = [0.0, 5.0];
        project(&mut spend, &b, 10.0, false);
        assert_eq!(spend, [1.0, 3.0]);
        let mut over = [9.0, 3.0];
        project(&mut over, &b, 10.0, false);
        assert!((over.iter().sum::<f64>() - 10.0).abs() < 1e-12, "{over:?}");
    }

    #[test]
    fn pacing_keeps_shares_within_the_daily_change() {
        let constraints = Constraints {
            bounds: bounds(&[0.0, 0.0], &[100.0, 60.0]),
            max_daily_change: Some(0.1),
        };
        let mut today = Bounds::free(2, 100.0);
        constraints.today(Some(&[50.0, 50.0]), 100.0, &mut today);
        assert_eq!(today.low, vec![40.0, 40.0]);
        assert_eq!(today.high, vec![60.0, 60.0]);
        let mut spend = [100.0, 0.0];
        project(&mut spend, &today, 100.0, true);
        assert_eq!(spend, [60.0, 40.0]);
        constraints.today(None, 100.0, &mut today);
        assert_eq!(today, constraints.bounds);
    }
}
