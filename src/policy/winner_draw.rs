//! The channel whose posterior draw is highest, drawing only the channels that could win.
//!
//! Winner-takes-all Thompson sampling funds `argmax_i X_i` for independent posterior draws.
//! When every channel's ROAS is a known scale times a Beta rate, `X_i = c_i ρ_i` with
//! `ρ_i ~ Beta(a_i, b_i)` (the classic Bernoulli bandit is `c_i = 1`), the winner can be drawn
//! exactly without drawing every channel: once a market is learned, most channels sit so far
//! below the leader that their draw cannot matter. The draw proceeds as follows.
//!
//! 1. The leader `L`, the highest posterior mean `c_i a_i / (a_i + b_i)` (the first of equals),
//!    is drawn in full; the running maximum is `m = X_L`.
//! 2. Every other channel `j`, in channel order, has a ceiling on its rate, `q_j = μ_j + z σ_j`
//!    (its posterior mean plus `z = 2` posterior standard deviations). If `c_j q_j > m`, or the
//!    ceiling cannot be used (below), the channel is drawn in full (the Marsaglia–Tsang ratio
//!    of [`crate::sampling::BetaSampler`]). Otherwise only its upper tail beyond `q_j` could
//!    win, and the draw decides, with the probability `ε = P(ρ > q)` of that tail and without
//!    computing it, whether the rate lies there and where:
//!
//!    - For `a, b ≥ 1` the Beta density `f` is log-concave, so beyond `q` it lies below the
//!      exponential tangent to it at `q`,
//!
//!      ```text
//!      g(x) = f(q) · e^{s (x − q)},   s = (a − 1) / q − (b − 1) / (1 − q) < 0,   mass G = f(q) / (−s) ≥ ε.
//!      ```
//!
//!    - With probability `G` (one uniform) a point `x = q + E / (−s)` is proposed (`E`
//!      exponential) and accepted with probability `f(x) / g(x)`,
//!
//!      ```text
//!      ln f(x)/g(x) = (a − 1) [ln(1 + δ/q) − δ/q] + (b − 1) [ln(1 − δ/(1 − q)) + δ/(1 − q)],   δ = x − q.
//!      ```
//!
//!      An accepted `x` has density `G · g(x)/G · f(x)/g(x) = f(x)`: with probability `ε` in
//!      all, the rate is drawn from its upper tail. It is compared with `m`.
//!    - Otherwise (probability `1 − ε`) the rate lies below `q`, its draw at most
//!      `c_j q_j ≤ m`: it cannot win and is never computed.
//!
//!    A channel whose draw exceeds `m` becomes the running winner and raises `m`.
//!
//! Whatever the branch, each channel's draw has its exact Beta distribution given the others',
//! and a draw is skipped only when it is certainly below the running maximum, so the winner is
//! distributed exactly as the argmax of `K` independent draws (ties have probability zero).
//! Only the random numbers consumed differ. A ceiling is used when `a, b ≥ 1` (log-concave),
//! `q < 1`, `s < 0` and `G < 1`; `f(q)` (with `ln B(a, b)`) is computed once per posterior, when
//! first needed. Channels that cannot win are the ones rarely funded, so their posteriors rarely
//! change.
//!
//! On the classic instance (ten arms at 0.05 to 0.50, 100 replications) this draws 3.0 Betas a
//! day in full over 2,000 days and 1.7 over 10,000, instead of ten; the other channels mostly
//! cost a uniform and a comparison.

use super::thompson::{Belief, Beliefs};
use crate::sampling::BetaSampler;
use crate::streams::StreamRng;
use rand::RngExt;
use rand_distr::Exp1;
use statrs::function::beta::ln_beta;

/// Posterior standard deviations from a channel's mean rate to its ceiling `q`.
const CEILING_SDS: f64 = 2.0;

/// What the winner draw keeps of each channel's posterior between days: its scale, sampler,
/// ceiling and the tangent envelope of its tail beyond it, refreshed only for the channels
/// whose beliefs were rebuilt.
#[derive(Debug, Clone, Default)]
pub(crate) struct WinnerDraw {
    arms: Vec<Option<Arm>>,
    /// The [`Beliefs::epoch`] the arms reflect.
    epoch: Option<u64>,
    /// How many channels are not a positive scale times a Beta rate.
    ineligible: usize,
}

/// One channel as the winner draw needs it; `None` when its posterior is not a positive
/// scale times a Beta rate.
#[derive(Debug, Clone, Copy)]
struct Arm {
    scale: f64,
    /// `c a / (a + b)`.
    mean: f64,
    sampler: BetaSampler,
    tail: RateTail,
}

impl Arm {
    fn of(belief: &Belief) -> Option<Arm> {
        let (scale, (a, b), &sampler) = belief.scaled_beta()?;
        if !(scale > 0.0 && scale.is_finite()) {
            return None;
        }
        let tail = RateTail::new(a, b);
        Some(Arm {
            scale,
            mean: scale * tail.mean,
            sampler,
            tail,
        })
    }
}

/// A Beta rate's mean, ceiling and the exponential envelope of its tail beyond the ceiling.
#[derive(Debug, Clone, Copy)]
struct RateTail {
    a: f64,
    b: f64,
    mean: f64,
    /// `q = μ + z σ`; NaN until first needed (the leader, drawn in full, never needs it).
    ceiling: f64,
    /// The envelope's tangent slope `s` at `q` and mass `G` beyond it; `None` until first
    /// needed, `Some(None)` when the ceiling cannot be used.
    envelope: Option<Option<Envelope>>,
}

#[derive(Debug, Clone, Copy)]
struct Envelope {
    slope: f64,
    mass: f64,
}

impl RateTail {
    fn new(a: f64, b: f64) -> RateTail {
        RateTail {
            a,
            b,
            mean: a / (a + b),
            ceiling: f64::NAN,
            envelope: None,
        }
    }

    /// `q = μ + z σ`, computed once.
    fn ceiling(&mut self) -> f64 {
        if self.ceiling.is_nan() {
            let n = self.a + self.b;
            let sd = (self.a * self.b / (n * n * (n + 1.0))).sqrt();
            self.ceiling = self.mean + CEILING_SDS * sd;
        }
        self.ceiling
    }

    /// The tangent envelope at the ceiling, when the density is log-concave and the envelope
    /// is a proper probability (see the module docs).
    fn envelope(&mut self) -> Option<Envelope> {
        let (a, b, q) = (self.a, self.b, self.ceiling());
        *self.envelope.get_or_insert_with(|| {
            if a < 1.0 || b < 1.0 || q >= 1.0 {
                return None;
            }
            let slope = (a - 1.0) / q - (b - 1.0) / (1.0 - q);
            let ln_density = (a - 1.0) * q.ln() + (b - 1.0) * (-q).ln_1p() - ln_beta(a, b);
            let mass = ln_density.exp() / -slope;
            (slope < 0.0 && mass < 1.0).then_some(Envelope { slope, mass })
        })
    }

    /// One trial of the envelope's rejection step: the rate drawn from the tail beyond the
    /// ceiling, or `None` when it lies below (see the module docs). Call after
    /// [`RateTail::envelope`] gave `envelope`.
    fn above_ceiling(&self, envelope: Envelope, rng: &mut StreamRng) -> Option<f64> {
        let (a, b, q) = (self.a, self.b, self.ceiling);
        let proposal: f64 = rng.sample(Exp1);
        let delta = proposal / -envelope.slope;
        if q + delta >= 1.0 {
            return None;
        }
        let (up, down) = (delta / q, delta / (1.0 - q));
        let ln_ratio = (a - 1.0) * (up.ln_1p() - up) + (b - 1.0) * ((-down).ln_1p() + down);
        let acceptance: f64 = rng.sample(Exp1);
        (acceptance > -ln_ratio).then_some(q + delta)
    }
}

impl WinnerDraw {
    /// The channel with the highest of one independent draw from each posterior (see the
    /// module docs), or `None` when some posterior is not a positive scale times a Beta rate:
    /// then the caller draws every channel.
    pub(crate) fn choose(&mut self, beliefs: &Beliefs, rng: &mut StreamRng) -> Option<usize> {
        self.refresh(beliefs);
        if self.ineligible > 0 || self.arms.is_empty() {
            return None;
        }
        // Every arm is eligible from here on.
        let (mut leader, mut best) = (0, f64::NEG_INFINITY);
        for (i, arm) in self.arms.iter().flatten().enumerate() {
            if arm.mean > best {
                (leader, best) = (i, arm.mean);
            }
        }
        let mut winner = leader;
        let mut top = {
            let arm = self.arms[leader].as_ref()?;
            arm.scale * arm.sampler.sample(rng)
        };
        for (j, arm) in self.arms.iter_mut().flatten().enumerate() {
            if j == leader {
                continue;
            }
            let envelope = if arm.scale * arm.tail.ceiling() <= top {
                arm.tail.envelope()
            } else {
                None
            };
            let rate = match envelope {
                Some(envelope) => {
                    let u: f64 = rng.random();
                    if u >= envelope.mass {
                        continue;
                    }
                    match arm.tail.above_ceiling(envelope, rng) {
                        Some(rate) => rate,
                        None => continue,
                    }
                }
                None => arm.sampler.sample(rng),
            };
            let draw = arm.scale * rate;
            if draw > top {
                top = draw;
                winner = j;
            }
        }
        Some(winner)
    }

    /// Brings the arms up to the beliefs' current epoch, rebuilding only the channels rebuilt
    /// since when the arms are one update behind.
    fn refresh(&mut self, beliefs: &Beliefs) {
        let epoch = beliefs.epoch();
        if self.epoch == Some(epoch) {
            return;
        }
        let slice = beliefs.as_slice();
        if self.epoch.map(|e| e + 1) == Some(epoch) && self.arms.len() == slice.len() {
            for &i in beliefs.rebuilt() {
                self.arms[i] = Arm::of(&slice[i]);
            }
        } else {
            self.arms.clear();
            self.arms.extend(slice.iter().map(Arm::of));
        }
        self.ineligible = self.arms.iter().filter(|arm| arm.is_none()).count();
        self.epoch = Some(epoch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::argmax_random_ties;
    use rand::SeedableRng;
    use statrs::function::beta::beta_reg;

    /// Win frequencies of the lazy draw against drawing every channel, both from 200,000
    /// days, per channel within 4.5 standard errors of the difference of two proportions.
    fn agrees_with_drawing_everything(posteriors: &[(f64, f64, f64)]) {
        let beliefs = Beliefs::of(
            posteriors
                .iter()
                .map(|&(scale, a, b)| Belief::scaled_beta_belief(scale, a, b))
                .collect(),
        );
        let days = 200_000;
        let mut lazy = vec![0u64; posteriors.len()];
        let mut full = vec![0u64; posteriors.len()];
        let mut winner = WinnerDraw::default();
        let mut rng = StreamRng::seed_from_u64(41);
        let mut draws = vec![0.0; posteriors.len()];
        for _ in 0..days {
            lazy[winner.choose(&beliefs, &mut rng).unwrap()] += 1;
            for (draw, belief) in draws.iter_mut().zip(beliefs.as_slice()) {
                *draw = belief.draw(&mut rng);
            }
            full[argmax_random_ties(&draws, &mut rng)] += 1;
        }
        for (i, (&l, &f)) in lazy.iter().zip(&full).enumerate() {
            let (pl, pf) = (l as f64 / days as f64, f as f64 / days as f64);
            let pooled = (pl + pf) / 2.0;
            let se = (2.0 * pooled * (1.0 - pooled) / days as f64).sqrt();
            assert!(
                (pl - pf).abs() <= 4.5 * se.max(1e-9),
                "{posteriors:?}: channel {i} wins {pl} lazily, {pf} drawing everything"
            );
        }
    }

    #[test]
    fn winners_are_distributed_as_the_argmax_of_every_draw() {
        // Fresh priors: no channel can be skipped.
        agrees_with_drawing_everything(&[(1.0, 1.0, 1.0); 5]);
        // The classic instance after a while: a clear leader, one close rival, far laggards.
        let mut classic = vec![(1.0, 2501.0, 2501.0), (1.0, 90.0, 110.0)];
        for p in [0.05, 0.10, 0.2, 0.3, 0.35, 0.40] {
            let n = 60.0;
            classic.push((1.0, 1.0 + p * n, 1.0 + (1.0 - p) * n));
        }
        agrees_with_drawing_everything(&classic);
        // Close channels with scales: the upper components decide often.
        agrees_with_drawing_everything(&[
            (2.0, 30.0, 70.0),
            (1.0, 55.0, 45.0),
            (4.0, 3.0, 30.0),
            (0.5, 900.0, 100.0),
        ]);
        // Skewed small-count rates far apart.
        agrees_with_drawing_everything(&[(1.0, 2.0, 40.0), (1.0, 1.0, 12.0), (1.0, 30.0, 30.0)]);
    }

    /// A channel skipped on its ceiling still wins with the probability of its upper tail:
    /// the leader is a point just below a laggard's ceiling, so the laggard wins exactly when
    /// its draw clears that point.
    #[test]
    fn skipped_channels_win_through_their_upper_tail() {
        let (a, b) = (20.0, 80.0);
        let mut tail = RateTail::new(a, b);
        // The leader's Beta is so narrow that its draw is within 1e-6 of its mean.
        let leader_mean = tail.ceiling() + 0.002;
        let n = 1e13;
        let beliefs = Beliefs::of(vec![
            Belief::scaled_beta_belief(1.0, leader_mean * n, (1.0 - leader_mean) * n),
            Belief::scaled_beta_belief(1.0, a, b),
        ]);
        let mut winner = WinnerDraw::default();
        let mut rng = StreamRng::seed_from_u64(5);
        let days = 2_000_000;
        let wins = (0..days)
            .filter(|_| winner.choose(&beliefs, &mut rng) == Some(1))
            .count();
        let exact = beta_reg(b, a, 1.0 - leader_mean);
        let se = (exact * (1.0 - exact) / days as f64).sqrt();
        let share = wins as f64 / days as f64;
        assert!(exact > 1e-4, "the test needs wins to count: {exact}");
        assert!(
            (share - exact).abs() < 4.5 * se,
            "share {share}, exact {exact} ± {se}"
        );
    }

    /// The envelope's single trial accepts with the tail's probability `ε / G`, and what it
    /// accepts is distributed as the tail: its mean against the closed form
    /// `E[ρ | ρ > q] = q + ∫_q^1 P(ρ > x) dx / ε`.
    #[test]
    fn the_envelope_draws_the_tail_beyond_the_ceiling() {
        for (a, b) in [
            (3.0, 30.0),
            (1.0, 4.0),
            (200.0, 300.0),
            (2e5, 3e5),
            (40.0, 4.0),
        ] {
            let mut tail = RateTail::new(a, b);
            let envelope = tail.envelope().expect("log-concave with a proper envelope");
            let q = tail.ceiling();
            let beyond = beta_reg(b, a, 1.0 - q);
            assert!(envelope.mass >= beyond && envelope.mass < 1.0);
            let mut rng = StreamRng::seed_from_u64(9);
            let trials = 400_000;
            let mut accepted = crate::stats::RunningStats::default();
            for _ in 0..trials {
                if let Some(rate) = tail.above_ceiling(envelope, &mut rng) {
                    assert!(rate > q && rate < 1.0);
                    accepted.push(rate);
                }
            }
            let share = accepted.count() as f64 / trials as f64;
            let expected = beyond / envelope.mass;
            let se = (expected * (1.0 - expected) / trials as f64).sqrt();
            assert!(
                (share - expected).abs() < 4.5 * se,
                "Beta({a}, {b}): accepts {share}, ε / G = {expected}"
            );
            let steps = 20_000;
            let width = (1.0 - q) / steps as f64;
            let integral: f64 = (0..steps)
                .map(|k| beta_reg(b, a, 1.0 - (q + (k as f64 + 0.5) * width)) * width)
                .sum();
            let mean = q + integral / beyond;
            let z = (accepted.mean() - mean) / accepted.standard_error();
            assert!(
                z.abs() < 4.5,
                "Beta({a}, {b}): tail mean {} vs {mean}",
                accepted.mean()
            );
        }
    }

    #[test]
    fn the_ceiling_is_left_unused_where_the_envelope_does_not_hold() {
        // Not log-concave, and a ceiling above 1.
        assert!(RateTail::new(0.5, 20.0).envelope().is_none());
        assert!(RateTail::new(1.0, 1.0).envelope().is_none());
    }

    #[test]
    fn other_posteriors_are_left_to_the_caller() {
        let beliefs = Beliefs::of(vec![
            Belief::scaled_beta_belief(1.0, 2.0, 3.0),
            Belief::scaled_beta_belief(0.0, 2.0, 3.0),
        ]);
        let mut rng = StreamRng::seed_from_u64(1);
        assert_eq!(WinnerDraw::default().choose(&beliefs, &mut rng), None);
    }

    /// Arms kept from day to day choose exactly as arms built afresh from the same beliefs,
    /// through a classic run where the funded channel's belief changes every day.
    #[test]
    fn kept_arms_choose_as_arms_built_afresh() {
        use crate::channel::Pricing;
        use crate::policy::Observations;
        use crate::policy::thompson::{ThompsonParams, tests::bernoulli_day};
        let rates = [0.1, 0.3, 0.5, 0.45];
        let mut observed = Observations::new([Pricing::Cpc; 4]);
        let mut beliefs = Beliefs::default();
        let mut kept = WinnerDraw::default();
        let mut rng = StreamRng::seed_from_u64(2);
        for day in 0..3000 {
            beliefs.update(&ThompsonParams::default(), &observed);
            let mut fresh_rng = rng.clone();
            let chosen = kept.choose(&beliefs, &mut rng).unwrap();
            let fresh = WinnerDraw::default().choose(&beliefs, &mut fresh_rng);
            assert_eq!(Some(chosen), fresh, "day {day}");
            assert_eq!(rng, fresh_rng);
            let converted = rng.random::<f64>() < rates[chosen];
            observed.record_outcomes(&bernoulli_day(chosen, rates.len(), converted));
        }
    }
}
