//! Tomorrow's true optimum: the split of the budget `B` that maximises `Σ_i R_i(s_i)` subject
//! to `Σ_i s_i = B`, `s_i ≥ 0`, for truth curves that need not be concave (a Hill curve with
//! `a > 1` is S-shaped).
//!
//! By equal marginals: at a multiplier `λ` each channel spends its demand
//! `s_i(λ) = argmax_{0 ≤ s ≤ B} R_i(s) − λ s` (found on a grid of [`GRID`] points, then by
//! golden section around the best one, so an S-shaped curve's zero-or-beyond-the-bend choice is
//! made globally). Demands fall with `λ`; bisection on `ln λ` finds where they sum to `B`, the
//! channels whose demand jumps at that `λ` take what is left, and exchanges between pairs of
//! channels polish the split (they matter only where a non-concave curve leaves a gap).

/// Points of the grid on which a channel's demand is first located.
const GRID: usize = 256;
/// Iterations of a golden-section search.
const GOLDEN: usize = 90;

/// The best split of `budget` over `channels` channels whose expected revenue is
/// `revenue(i, s)`.
pub fn best_split(channels: usize, budget: f64, revenue: impl Fn(usize, f64) -> f64) -> Vec<f64> {
    let demand = |i: usize, lambda: f64| {
        let gain = |s: f64| revenue(i, s) - lambda * s;
        argmax(&gain, 0.0, budget, GRID)
    };
    let total = |lambda: f64| (0..channels).map(|i| demand(i, lambda)).sum::<f64>();
    // Bracket: `low` spends at least the budget, `high` at most.
    let (mut low, mut high) = (0.0f64, 0.0f64);
    while total(low.exp()) < budget && low > -200.0 {
        low -= 1.0;
    }
    high = high.max(low + 1.0);
    while total(high.exp()) > budget && high < 200.0 {
        high += 1.0;
    }
    for _ in 0..100 {
        let mid = 0.5 * (low + high);
        if total(mid.exp()) >= budget {
            low = mid;
        } else {
            high = mid;
        }
    }
    let mut spend: Vec<f64> = (0..channels).map(|i| demand(i, high.exp())).collect();
    let richer: Vec<f64> = (0..channels).map(|i| demand(i, low.exp())).collect();
    let mut remainder = budget - spend.iter().sum::<f64>();
    for i in 0..channels {
        let take = (richer[i] - spend[i]).clamp(0.0, remainder.max(0.0));
        spend[i] += take;
        remainder -= take;
    }
    // Rounding leaves at most a sliver: the first channel with spend takes it.
    if let Some(i) = (0..channels).find(|&i| spend[i] + remainder >= 0.0) {
        spend[i] += remainder;
    }
    polish(&mut spend, &revenue);
    spend
}

/// Moves money between pairs of channels while that earns more (a few rounds over all pairs).
fn polish(spend: &mut [f64], revenue: &impl Fn(usize, f64) -> f64) {
    for _ in 0..3 {
        for i in 0..spend.len() {
            for j in i + 1..spend.len() {
                let (si, sj) = (spend[i], spend[j]);
                let pair = |t: f64| revenue(i, si + t) + revenue(j, sj - t);
                let t = argmax(&pair, -si, sj, 64);
                if pair(t) > pair(0.0) {
                    spend[i] = (si + t).max(0.0);
                    spend[j] = (sj - t).max(0.0);
                }
            }
        }
    }
}

/// The maximiser of `f` on `[from, to]`: the best of `points + 1` grid points, refined by
/// golden section between its neighbours.
fn argmax(f: &impl Fn(f64) -> f64, from: f64, to: f64, points: usize) -> f64 {
    let step = (to - from) / points as f64;
    let at = |k: usize| {
        if k == points {
            to
        } else {
            from + k as f64 * step
        }
    };
    let best = (0..=points)
        .map(|k| (k, f(at(k))))
        .fold(
            (0, f64::NEG_INFINITY),
            |b, (k, v)| if v > b.1 { (k, v) } else { b },
        );
    let (mut a, mut b) = (at(best.0.saturating_sub(1)), at((best.0 + 1).min(points)));
    let ratio = 0.5 * (5f64.sqrt() - 1.0);
    let (mut c, mut d) = (b - ratio * (b - a), a + ratio * (b - a));
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..GOLDEN {
        if fc >= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
    let refined = 0.5 * (a + b);
    if f(refined) >= best.1 {
        refined
    } else {
        at(best.0)
    }
}

/// The best split of `budget` over two or three channels on a grid of `steps` steps per
/// channel: the brute force the solver is checked against.
pub fn brute_force(
    channels: usize,
    budget: f64,
    steps: usize,
    revenue: impl Fn(usize, f64) -> f64,
) -> (Vec<f64>, f64) {
    assert!(
        matches!(channels, 2 | 3),
        "the grid covers two or three channels"
    );
    let step = budget / steps as f64;
    let mut best = (Vec::new(), f64::NEG_INFINITY);
    for a in 0..=steps {
        let rest = if channels == 2 { 0 } else { steps - a };
        for b in 0..=rest {
            let split = match channels {
                2 => vec![a as f64 * step, (steps - a) as f64 * step],
                _ => vec![
                    a as f64 * step,
                    b as f64 * step,
                    (steps - a - b) as f64 * step,
                ],
            };
            let value = split.iter().enumerate().map(|(i, &s)| revenue(i, s)).sum();
            if value > best.1 {
                best = (split, value);
            }
        }
    }
    best
}
