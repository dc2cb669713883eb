//! Ad fatigue learned from the days themselves: how much each channel's click-through rate
//! wears with recent delivery, and the split that is best once the wear has settled.
//!
//! Creatives shown too often lose their pull and recover when rested (see
//! [`crate::dynamics`]). A learner that ignores this reads the rate of a rested channel, moves
//! budget onto it, wears it out and pays for the move for as long as the exposure lasts: on
//! `fatigue`, saturation Thompson sampling without this model lost 40,078 over 120 days, four
//! times the even split's 10,365.
//!
//! **Where wear shows.** Strategists watch creative fatigue in the click-through rate of
//! channels bought by the impression, and that is where the learner looks: a CPM channel's
//! clicks per impression. Clicks are plentiful (about fifty per conversion on `fatigue`),
//! arrive on the day and carry none of the buyers' weekly rhythm, so a wear of a few percent is
//! told from noise within days. Channels bought per click, lead or sale are taken not to wear.
//! Learning their wear from conversions was tried and cost more than it won: conversions are
//! too few to tell wear from noise and weekly rhythm, and the wear draws unsettled good splits
//! (200 replications: `default` 69,672 against 60,486, `seasonality` 39,287 against 26,665,
//! `lagged-conversions` 73,976 against 56,506).
//!
//! **Model.** A CPM channel's clicks on day `t` are Poisson with mean `ρ · I_t · w_t`, with `ρ`
//! the rested click-through rate, `I_t` the day's impressions and a wear factor
//!
//! ```text
//! w_t = 1 / (1 + k · x_t),    x_0 = 0,    x_{t+1} = (1 − r) · x_t + r · n_t / n_ref
//! ```
//!
//! where `n_t` are the paid units the channel delivered on day `t`, `n_ref` those of its first
//! funded day (so `x` is exposure relative to an ordinary day and `k` needs no currency or
//! audience), `r` the share of exposure forgotten each day and `k` the wear strength. The
//! simulator's fatigue is this law with its reference volume in place of `n_ref`, which only
//! rescales `k`.
//!
//! `(r, k)` gets a posterior on a grid: [`RECOVERIES`] times [`STRENGTHS`] log-spaced values of
//! `k` over [`STRENGTH_RANGE`], and the point "no wear" (`k = 0`); wear of any strength has
//! prior probability [`PRIOR_WEAR`], spread evenly over the grid. With a Gamma(1, 0) prior on
//! `ρ` (flat in scale) the rate integrates out in closed form: with `C` clicks in all and
//! `S(r, k) = Σ_t I_t w_t`,
//!
//! ```text
//! ln p(clicks | r, k) = Σ_t C_t ln w_t − (1 + C) ln S(r, k) + const,
//! E[ρ | r, k]         = (1 + C) / S(r, k)
//! ```
//!
//! so a draw of `(r, k)` turns the channel's average observed rate `C / I` into the rested one
//! by the factor `I / S(r, k)` (≥ 1). Without wear `S = I` and the factor is 1. A rate that
//! falls as exposure builds up over the first days and stays low at a steady exposure is what
//! wear predicts; without it the point "no wear" gathers the evidence, as the weekday
//! learner's "no rhythm" does (see [`super::weekdays`]).
//!
//! **Planning.** A constant spend `s` settles at exposure `x = u(s) / n_ref`, so a worn
//! channel's steady revenue is
//!
//! ```text
//! R(s) = r₀ u(s) / (1 + κ u(s)),    κ = k / n_ref,    R'(s) = r₀ u'(s) / (1 + κ u(s))²
//! ```
//!
//! with `r₀` the rested revenue per unit: concave in `s`, so the best steady split has equal
//! marginal returns, solved by the oracle's `equal_marginals` with each channel's demand in
//! closed form (see [`steady_demand`]). A steady split is what the planning benchmark of
//! [`crate::benchmark`] is: the best constant split over the horizon.

use crate::channel::{Channel, Pricing};
use crate::constraints::Bounds;
use crate::objective::Objective;
use crate::oracle::equal_marginals;
use crate::scenario::Scenario;
use crate::simulate::Outcome;
use crate::streams::StreamRng;
use rand::RngExt;

/// Recovery rates `r` of the grid: the share of exposure forgotten each day.
pub const RECOVERIES: [f64; 4] = [0.05, 0.1, 0.2, 0.4];
/// Wear strengths `k` of the grid per recovery rate.
pub const STRENGTHS: usize = 12;
/// Smallest and largest wear strength `k`: steady delivery of an ordinary day divides the rate
/// by `1 + k`.
pub const STRENGTH_RANGE: (f64, f64) = (0.02, 4.0);
/// Prior probability that a channel wears at all (spread evenly over the grid).
pub const PRIOR_WEAR: f64 = 0.5;

/// Grid points: "no wear", then every `(r, k)`.
const POINTS: usize = 1 + RECOVERIES.len() * STRENGTHS;

/// One CPM channel's sufficient statistics and posterior over the wear grid.
#[derive(Debug, Clone)]
struct ChannelWear {
    /// Units of the first day that bought any (`n_ref`).
    reference: Option<f64>,
    /// Current exposure under each recovery rate, in ordinary days.
    exposure: [f64; RECOVERIES.len()],
    /// Clicks and impressions so far.
    clicks: f64,
    impressions: f64,
    /// Per grid point: `Σ C_t ln w_t`.
    log_wear: [f64; POINTS],
    /// Per grid point: `S(r, k) = Σ I_t w_t`.
    worn: [f64; POINTS],
    /// Cumulative posterior weights of the grid points (the last is the total).
    cumulative: [f64; POINTS],
}

/// One draw of a channel's wear: the factor from its average observed revenue per unit to the
/// rested one, and the wear per paid unit of steady daily delivery, `κ`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WearDraw {
    /// Rested rate over average observed rate (1 without wear).
    pub correction: f64,
    /// `κ = k / n_ref` (0 without wear).
    pub per_unit: f64,
}

impl WearDraw {
    /// No wear at all.
    pub const NONE: WearDraw = WearDraw {
        correction: 1.0,
        per_unit: 0.0,
    };
}

/// What a channel's history says about its wear ([`WearModel::summary`]); every figure but
/// the probability is given wear.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WearSummary {
    /// Posterior probability that delivery wears the channel at all.
    pub probability: f64,
    /// Posterior mean share of the exposure forgotten each day, `r`.
    pub recovery: f64,
    /// The strength `k` per ordinary day of delivery (the units of the first funded day):
    /// posterior 5% quantile, mean and 95% quantile (the quantiles on the grid of strengths).
    pub strength: [f64; 3],
    /// Posterior mean factor from the history's average click-through rate to the rested one.
    pub correction: f64,
    /// The units of the first funded day, `n_ref`, which `k` is relative to.
    pub reference: f64,
}

/// The wear learner of every channel of a scenario (see the module docs).
#[derive(Debug, Clone)]
pub struct WearModel {
    /// Per channel: its statistics if it is bought by the impression.
    channels: Vec<Option<ChannelWear>>,
    /// `(recovery index, k)` of grid points `1..`.
    grid: Vec<(usize, f64)>,
    log_prior: [f64; POINTS],
}

impl WearModel {
    /// Nothing observed yet of `scenario`'s channels.
    pub fn new(scenario: &Scenario) -> Self {
        WearModel::of(scenario.channels.iter().map(|c| c.pricing))
    }

    /// Nothing observed yet of channels with these pricing models.
    pub(crate) fn of(pricing: impl IntoIterator<Item = Pricing>) -> Self {
        let (low, high) = STRENGTH_RANGE;
        let mut grid = Vec::with_capacity(POINTS - 1);
        for r in 0..RECOVERIES.len() {
            for j in 0..STRENGTHS {
                let x = j as f64 / (STRENGTHS - 1) as f64;
                grid.push((r, (low.ln() + x * (high / low).ln()).exp()));
            }
        }
        let mut log_prior = [(PRIOR_WEAR / (POINTS - 1) as f64).ln(); POINTS];
        log_prior[0] = (1.0 - PRIOR_WEAR).ln();
        let mut cumulative = [0.0; POINTS];
        let mut total = 0.0;
        for (c, p) in cumulative.iter_mut().zip(&log_prior) {
            total += p.exp();
            *c = total;
        }
        let fresh = ChannelWear {
            reference: None,
            exposure: [0.0; RECOVERIES.len()],
            clicks: 0.0,
            impressions: 0.0,
            log_wear: [0.0; POINTS],
            worn: [0.0; POINTS],
            cumulative,
        };
        WearModel {
            channels: pricing
                .into_iter()
                .map(|p| (p == Pricing::Cpm).then(|| fresh.clone()))
                .collect(),
            grid,
            log_prior,
        }
    }

    /// Adds a day: what each channel's spend `bought`.
    pub fn observe(&mut self, bought: &[Outcome]) {
        for (wear, outcome) in self.channels.iter_mut().zip(bought) {
            let Some(wear) = wear else { continue };
            let units = outcome.units as f64;
            if units > 0.0 {
                let reference = *wear.reference.get_or_insert(units);
                let (clicks, impressions) = (outcome.clicks as f64, outcome.impressions as f64);
                wear.clicks += clicks;
                wear.impressions += impressions;
                wear.worn[0] += impressions;
                let points = wear.log_wear[1..].iter_mut().zip(&mut wear.worn[1..]);
                for ((log_wear, worn), &(r, k)) in points.zip(&self.grid) {
                    let load = k * wear.exposure[r];
                    *log_wear -= clicks * load.ln_1p();
                    *worn += impressions / (1.0 + load);
                }
                if wear.impressions > 0.0 {
                    update_posterior(wear, &self.log_prior);
                }
                for (x, r) in wear.exposure.iter_mut().zip(RECOVERIES) {
                    *x = (1.0 - r) * *x + r * units / reference;
                }
            } else {
                for (x, r) in wear.exposure.iter_mut().zip(RECOVERIES) {
                    *x *= 1.0 - r;
                }
            }
        }
    }

    /// Draws channel `channel`'s wear from its posterior (none for a channel not bought by the
    /// impression or never funded).
    pub fn draw(&self, channel: usize, rng: &mut StreamRng) -> WearDraw {
        let Some(wear) = &self.channels[channel] else {
            return WearDraw::NONE;
        };
        let Some(reference) = wear.reference else {
            return WearDraw::NONE;
        };
        if wear.impressions <= 0.0 {
            return WearDraw::NONE;
        }
        let pick = rng.random::<f64>() * wear.cumulative[POINTS - 1];
        let g = wear
            .cumulative
            .iter()
            .position(|&c| pick <= c)
            .unwrap_or(POINTS - 1);
        if g == 0 {
            return WearDraw::NONE;
        }
        WearDraw {
            correction: wear.impressions / wear.worn[g],
            per_unit: self.grid[g - 1].1 / reference,
        }
    }

    /// What channel `channel`'s history says about its wear, once it bought impressions (`None`
    /// for a channel not bought by the impression or never funded): what `fit` writes into a
    /// scenario.
    pub fn summary(&self, channel: usize) -> Option<WearSummary> {
        let wear = self.channels[channel].as_ref()?;
        let reference = wear.reference?;
        if wear.impressions <= 0.0 {
            return None;
        }
        let total = wear.cumulative[POINTS - 1];
        let weight = |g: usize| (wear.cumulative[g] - wear.cumulative[g - 1]) / total;
        let probability = 1.0 - wear.cumulative[0] / total;
        if probability <= 0.0 {
            return None;
        }
        let (mut recovery, mut strength, mut correction) = (0.0, 0.0, 0.0);
        let mut by_strength = [0.0; STRENGTHS];
        for (g, &(r, k)) in (1..POINTS).zip(&self.grid) {
            let w = weight(g) / probability;
            recovery += w * RECOVERIES[r];
            strength += w * k;
            correction += w * wear.impressions / wear.worn[g];
            by_strength[(g - 1) % STRENGTHS] += w;
        }
        let strengths: Vec<f64> = self.grid[..STRENGTHS].iter().map(|&(_, k)| k).collect();
        let quantile = |q: f64| {
            let mut below = 0.0;
            for (k, w) in strengths.iter().zip(&by_strength) {
                below += w;
                if below >= q {
                    return *k;
                }
            }
            strengths[STRENGTHS - 1]
        };
        Some(WearSummary {
            probability,
            recovery,
            // The grid's quantiles, widened to the mean where the mass sits on one grid point.
            strength: [
                quantile(0.05).min(strength),
                strength,
                quantile(0.95).max(strength),
            ],
            correction,
            reference,
        })
    }

    /// Channel `channel`'s posterior probability of wear (0 for a channel not bought by the
    /// impression).
    pub fn probability(&self, channel: usize) -> f64 {
        self.channels[channel].as_ref().map_or(0.0, |wear| {
            1.0 - wear.cumulative[0] / wear.cumulative[POINTS - 1]
        })
    }
}

/// Recomputes a channel's cumulative posterior weights from its sums (see the module docs).
fn update_posterior(wear: &mut ChannelWear, log_prior: &[f64; POINTS]) {
    let shape = 1.0 + wear.clicks;
    let mut log_weights = [0.0; POINTS];
    for (g, log_weight) in log_weights.iter_mut().enumerate() {
        *log_weight = log_prior[g] + wear.log_wear[g] - shape * wear.worn[g].ln();
    }
    let top = log_weights.iter().fold(f64::NEG_INFINITY, |m, &w| m.max(w));
    let mut total = 0.0;
    for (c, w) in wear.cumulative.iter_mut().zip(&log_weights) {
        total += (w - top).exp();
        *c = total;
    }
}

/// A channel's spend at which its steady revenue `r₀ u(s) / (1 + κ u(s))` has marginal return
/// `marginal`, within `[low, high]` (see the module docs).
///
/// With an audience `A` and `a = r₀ / (price · A)`, the marginal at units `u` is
/// `a (A − u) / (1 + κ u)²`; setting it to `μ` gives the quadratic
/// `μκ² u² + (2μκ + a) u + μ − aA = 0`, whose root in `[0, A)` is taken in the form that stays
/// exact as `κ → 0`, and `s = −price · A · ln(1 − u / A)`. Without an audience `u = s / price`
/// and `s = price (√(r₀ / (price μ)) − 1) / κ`.
pub fn steady_demand(channel: &Channel, per_unit: f64, low: f64, high: f64, marginal: f64) -> f64 {
    let initial = channel.initial_roas();
    if initial <= marginal {
        return low;
    }
    let kappa = per_unit.max(0.0);
    let spend = match channel.audience {
        Some(audience) => {
            let a = initial / audience;
            let b = 2.0 * marginal * kappa + a;
            let excess = initial - marginal;
            let units =
                2.0 * excess / (b + (b * b + 4.0 * marginal * kappa * kappa * excess).sqrt());
            -channel.price * audience * (-(units / audience).min(1.0)).ln_1p()
        }
        None if kappa > 0.0 => channel.price * ((initial / marginal).sqrt() - 1.0) / kappa,
        None => high,
    };
    spend.clamp(low, high)
}

/// The best steady split of `budget` over `channels` worn by `per_unit` (`κ` per channel), under
/// `bounds` and `objective`: equal steady marginal returns.
pub fn optimal_worn(
    channels: &[Channel],
    per_unit: &[f64],
    bounds: &Bounds,
    budget: f64,
    objective: Objective,
) -> Vec<f64> {
    let initial: Vec<f64> = channels.iter().map(Channel::initial_roas).collect();
    equal_marginals(bounds, budget, objective, &initial, |i, marginal| {
        steady_demand(
            &channels[i],
            per_unit[i],
            bounds.low[i],
            bounds.high[i],
            marginal,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::RunningStats;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Poisson};

    use crate::channel::test_curve as curve;

    /// The steady revenue `r₀ u / (1 + κ u)` of `spend`.
    fn steady_revenue(channel: &Channel, per_unit: f64, spend: f64) -> f64 {
        let units = channel.expected_units(spend);
        channel.revenue_per_unit() * units / (1.0 + per_unit * units)
    }

    /// The demand in closed form has the asked marginal return (by central differences), and
    /// without wear it is the oracle's.
    #[test]
    fn steady_demand_has_the_asked_marginal_return() {
        for channel in [curve(9.0, 30.0, Some(700.0)), curve(9.0, 30.0, None)] {
            for per_unit in [0.0, 1e-4, 1e-3, 1e-2] {
                for marginal in [0.3, 1.0, 2.0, 3.0] {
                    let s = steady_demand(&channel, per_unit, 0.0, 1e9, marginal);
                    if per_unit == 0.0 {
                        if channel.audience.is_some() {
                            let oracle = channel.spend_at_marginal(marginal);
                            assert!((s - oracle).abs() <= 1e-9 * oracle.max(1.0), "{s} {oracle}");
                        }
                        continue;
                    }
                    let h = 1e-3 * s.max(1.0);
                    let slope = (steady_revenue(&channel, per_unit, s + h)
                        - steady_revenue(&channel, per_unit, s - h))
                        / (2.0 * h);
                    assert!(
                        (slope / marginal - 1.0).abs() < 1e-5,
                        "κ {per_unit}, μ {marginal}: slope {slope} at {s}"
                    );
                }
            }
        }
    }

    /// The worn split beats every split of a fine grid in steady revenue (two and three
    /// channels, under the revenue objective).
    #[test]
    fn the_worn_split_is_optimal_by_brute_force() {
        let channels = [
            curve(45.0, 144.0, Some(250.0)),
            curve(40.0, 108.0, Some(250.0)),
            curve(7.0, 15.0, Some(900.0)),
        ];
        let per_unit = [0.006, 0.006, 0.0];
        let budget = 8000.0;
        let value = |spend: &[f64]| -> f64 {
            channels
                .iter()
                .zip(per_unit)
                .zip(spend)
                .map(|((c, k), &s)| steady_revenue(c, k, s))
                .sum()
        };
        let bounds = Bounds::free(3, budget);
        let split = optimal_worn(&channels, &per_unit, &bounds, budget, Objective::Revenue);
        assert!((split.iter().sum::<f64>() - budget).abs() < 1e-6 * budget);
        let best = value(&split);
        for s in crate::oracle::grid_splits(3, budget, 400) {
            assert!(value(&s) <= best + 1e-9 * best, "{s:?} beats {split:?}");
        }
    }

    /// `days` days of a CPM channel whose click-through rate wears with strength `k` (per
    /// ordinary day of delivery) and recovery 0.1, at spends moving ±30% around an ordinary
    /// day of 50 units.
    fn learned(k: f64, days: usize, seed: u64) -> WearModel {
        let mut rng = StreamRng::seed_from_u64(seed);
        let mut wear = WearModel::of([Pricing::Cpm]);
        let mut exposure = 0.0;
        for day in 0..days {
            let units = if day == 0 {
                50
            } else {
                (50.0 * (1.0 + 0.3 * ((day * 7 % 5) as f64 / 2.0 - 1.0))) as u64
            };
            let impressions = units * 1000;
            let rate = 0.012 / (1.0 + k * exposure);
            let clicks = Poisson::new(impressions as f64 * rate)
                .unwrap()
                .sample(&mut rng) as u64;
            let outcome = Outcome {
                allocated: units as f64 * 40.0,
                spend: units as f64 * 40.0,
                units,
                impressions,
                clicks,
                ..Outcome::default()
            };
            wear.observe(&[outcome]);
            exposure = 0.9 * exposure + 0.1 * units as f64 / 50.0;
        }
        wear
    }

    /// A known wear is believed within weeks and its strength recovered; its rested rate is
    /// the average observed rate times the drawn correction.
    #[test]
    fn a_known_wear_is_learned() {
        let k = 0.5;
        let wear = learned(k, 60, 7);
        assert!(wear.probability(0) > 0.99, "{}", wear.probability(0));
        let mut rng = StreamRng::seed_from_u64(1);
        let mut strength = RunningStats::default();
        for _ in 0..2000 {
            strength.push(wear.draw(0, &mut rng).per_unit * 50.0);
        }
        // Grid steps are 62% in k; the posterior mean within a step of the truth.
        assert!(
            (strength.mean() / k).ln().abs() < 0.5,
            "k {} vs {k}",
            strength.mean()
        );
    }

    /// The summary of a learned wear: its probability, the recovery (0.1) and the strength
    /// per ordinary day within the interval, and a correction above 1; none for a channel
    /// that is not bought by the impression.
    #[test]
    fn the_summary_of_a_known_wear_holds_it() {
        let k = 0.5;
        let summary = learned(k, 60, 7).summary(0).unwrap();
        assert!(summary.probability > 0.99, "{summary:?}");
        assert_eq!(summary.reference, 50.0);
        let [low, mean, high] = summary.strength;
        assert!(low <= mean && mean <= high, "{summary:?}");
        assert!(low <= k && k <= high, "{summary:?}");
        assert!((summary.recovery / 0.1).ln().abs() < 0.7, "{summary:?}");
        assert!(summary.correction > 1.0, "{summary:?}");
        assert!(WearModel::of([Pricing::Cpc]).summary(0).is_none());
    }

    /// Without wear few simulated accounts believe in one, and the corrections stay near 1.
    #[test]
    fn without_wear_the_rate_is_left_alone() {
        let accounts = 100;
        let mut believers = 0;
        let mut correction = RunningStats::default();
        let mut rng = StreamRng::seed_from_u64(3);
        for seed in 0..accounts {
            let wear = learned(0.0, 60, 100 + seed);
            if wear.probability(0) > 0.5 {
                believers += 1;
            }
            for _ in 0..20 {
                correction.push(wear.draw(0, &mut rng).correction);
            }
        }
        assert!(
            believers <= 10,
            "{believers} of {accounts} believed in wear"
        );
        assert!(
            (correction.mean() - 1.0).abs() < 0.02,
            "mean correction {}",
            correction.mean()
        );
    }
}
