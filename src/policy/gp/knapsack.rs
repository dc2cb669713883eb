//! The day's split on the spend grid: a multiple-choice knapsack solved by dynamic programming.
//!
//! Channel `i` spends `j_i` grid steps, `lo_i ≤ j_i ≤ hi_i`, worth `v_i(j_i)`; the split
//! maximises `Σ_i v_i(j_i)` subject to `Σ_i j_i = G` (the whole budget) or `Σ_i j_i ≤ G`. With
//! `V_k(t)` the best value of the first `k` channels spending `t` steps,
//!
//! ```text
//! V_0(0) = 0,   V_0(t > 0) = −∞,   V_k(t) = max_{lo_k ≤ j ≤ min(hi_k, t)} V_{k−1}(t − j) + v_k(j)
//! ```
//!
//! and the answer is `V_K(G)` (or `max_t V_K(t)`), the choices read back from the argmax table:
//! `O(K G²)` a day.

/// Reusable tables of the dynamic programme.
#[derive(Debug, Clone, Default)]
pub(crate) struct Knapsack {
    best: Vec<f64>,
    next: Vec<f64>,
    /// `choice[k · (G + 1) + t]`: channel `k`'s steps in the best `V_k(t)`.
    choice: Vec<usize>,
}

impl Knapsack {
    /// Writes into `steps` the best number of grid steps per channel, where `values[i][j]` is
    /// channel `i`'s value of `j` steps, `lo[i] ..= hi[i]` its allowed steps and `total` the
    /// budget in steps (spent exactly when `exact`, at most otherwise). Ties go to the first
    /// choice found (fewer steps on later channels). Returns the best value, or `None` when no
    /// choice meets the bounds.
    pub fn solve(
        &mut self,
        values: &[Vec<f64>],
        lo: &[usize],
        hi: &[usize],
        total: usize,
        exact: bool,
        steps: &mut [usize],
    ) -> Option<f64> {
        let width = total + 1;
        let channels = values.len();
        self.best.clear();
        self.best.resize(width, f64::NEG_INFINITY);
        self.best[0] = 0.0;
        self.choice.clear();
        self.choice.resize(channels * width, 0);
        for (k, value) in values.iter().enumerate() {
            self.next.clear();
            self.next.resize(width, f64::NEG_INFINITY);
            let top = hi[k].min(total).min(value.len() - 1);
            for t in lo[k]..width {
                let mut best = f64::NEG_INFINITY;
                let mut arg = 0;
                let choices = value.iter().enumerate().take(top.min(t) + 1).skip(lo[k]);
                for (j, &worth) in choices {
                    let before = self.best[t - j];
                    if before == f64::NEG_INFINITY {
                        continue;
                    }
                    let candidate = before + worth;
                    if candidate > best {
                        best = candidate;
                        arg = j;
                    }
                }
                self.next[t] = best;
                self.choice[k * width + t] = arg;
            }
            std::mem::swap(&mut self.best, &mut self.next);
        }
        let (mut t, value) = if exact {
            (total, self.best[total])
        } else {
            self.best
                .iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |(bt, bv), (t, &v)| {
                    if v > bv { (t, v) } else { (bt, bv) }
                })
        };
        if value == f64::NEG_INFINITY {
            return None;
        }
        for k in (0..channels).rev() {
            let j = self.choice[k * width + t];
            steps[k] = j;
            t -= j;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// Every combination of steps, by enumeration.
    fn brute_force(
        values: &[Vec<f64>],
        lo: &[usize],
        hi: &[usize],
        total: usize,
        exact: bool,
    ) -> Option<f64> {
        let channels = values.len();
        let mut steps = vec![0usize; channels];
        let mut best: Option<f64> = None;
        loop {
            let sum: usize = steps.iter().sum();
            let inside = (0..channels).all(|i| steps[i] >= lo[i] && steps[i] <= hi[i]);
            if inside && (sum == total || (!exact && sum <= total)) {
                let v: f64 = (0..channels).map(|i| values[i][steps[i]]).sum();
                best = Some(best.map_or(v, |b: f64| b.max(v)));
            }
            // Next combination, as an odometer over 0..=total per channel.
            let mut i = 0;
            loop {
                if i == channels {
                    return best;
                }
                steps[i] += 1;
                if steps[i] <= total {
                    break;
                }
                steps[i] = 0;
                i += 1;
            }
        }
    }

    #[test]
    fn the_programme_matches_brute_force_on_small_cases() {
        let mut rng = crate::streams::StreamRng::seed_from_u64(3);
        let mut knapsack = Knapsack::default();
        for case in 0..400 {
            let channels = rng.random_range(1..5usize);
            let total = rng.random_range(1..8usize);
            let values: Vec<Vec<f64>> = (0..channels)
                .map(|_| {
                    let mut v: Vec<f64> = (0..=total)
                        .map(|_| rng.random_range(-3.0..10.0f64))
                        .collect();
                    v[0] = if case % 2 == 0 { 0.0 } else { v[0] };
                    v
                })
                .collect();
            let lo: Vec<usize> = (0..channels)
                .map(|_| {
                    if rng.random::<f64>() < 0.3 {
                        rng.random_range(0..3usize)
                    } else {
                        0
                    }
                })
                .collect();
            let hi: Vec<usize> = lo
                .iter()
                .map(|&l| {
                    if rng.random::<f64>() < 0.3 {
                        l + rng.random_range(0..4usize)
                    } else {
                        total
                    }
                })
                .collect();
            for exact in [true, false] {
                let mut steps = vec![0; channels];
                let found = knapsack.solve(&values, &lo, &hi, total, exact, &mut steps);
                let expected = brute_force(&values, &lo, &hi, total, exact);
                match (found, expected) {
                    (None, None) => {}
                    (Some(found), Some(expected)) => {
                        assert!((found - expected).abs() < 1e-12, "case {case}");
                        let sum: usize = steps.iter().sum();
                        assert!(if exact { sum == total } else { sum <= total });
                        let value: f64 = (0..channels).map(|i| values[i][steps[i]]).sum();
                        assert!((value - found).abs() < 1e-12, "case {case}: {steps:?}");
                        for i in 0..channels {
                            assert!(steps[i] >= lo[i] && steps[i] <= hi[i]);
                        }
                    }
                    other => panic!("case {case}: {other:?}"),
                }
            }
        }
    }
}
