//! Weekday effects learned from the days themselves: each channel's conversion rate on each day
//! of the week, relative to its rate over all days.
//!
//! Buyers keep weekly rhythms (B2B converts Monday to Friday, consumers at the weekend), so a
//! channel's revenue per paid unit on weekday `w` is `m_{i,w} · r_i`, with `r_i` its rate over
//! all days. The learner does not need the calendar: days whose zero-based index agrees modulo
//! 7 share a weekday, whatever the first one was.
//!
//! **Model.** A channel's conversions on the days of phase `w` are Poisson with mean
//! `m_{i,w} · ρ_i · M_{i,w}`, where `M_{i,w}` counts the phase's matured trials (each cohort's
//! trials times the share of its conversions expected to have arrived, as in
//! [`Observations`](super::Observations)) and `ρ_i = C_i / M_i` is the channel's conversion rate over all days. A
//! Gamma prior centred on no effect, `m_{i,w} ~ Gamma(α₀, α₀)` (mean 1, worth `α₀` conversions),
//! is conjugate:
//!
//! ```text
//! m_{i,w} | data ~ Gamma(α₀ + C_{i,w}, α₀ + ρ_i M_{i,w}),    E[m_{i,w}] = (α₀ + C_{i,w}) / (α₀ + ρ_i M_{i,w})
//! ```
//!
//! **Is there a rhythm at all?** Each weekday's estimate carries sampling noise of about
//! `1/√C_{i,w}`, and in a market without a weekly rhythm that noise alone would move the split
//! from day to day. So the multiplier is averaged over two models, "weekday effects" (the Gamma
//! prior above) and "none" (`m_{i,w} = 1`), by their posterior probabilities. With
//! `λ_w = ρ_i M_{i,w}` the Bayes factor of effects against none is a product of
//! Gamma-Poisson marginal likelihoods over Poisson ones,
//!
//! ```text
//! BF_i = Π_w  α₀^α₀ Γ(α₀ + C_{i,w}) e^{λ_w} / (Γ(α₀) (α₀ + λ_w)^(α₀ + C_{i,w}))
//! P_i  = π BF_i / (π BF_i + 1 − π),        m̂_{i,w} = P_i · E[m_{i,w}] + (1 − P_i)
//! ```
//!
//! with prior probability `π` = [`PRIOR_EFFECT`]. A rhythm like `seasonality`'s (B2B at 1.3 on
//! weekdays and 0.4 at the weekend) is believed within days; without one the probability falls
//! and the multipliers stay near 1 (in the unit tests, 2 of 200 simulated accounts without a
//! rhythm believed in one after 12 weeks, and the averaged multipliers were within 0.9% of 1,
//! root mean square).
//!
//! The policies use the averaged posterior mean rather than a draw: the rate `r_i` is drawn
//! already, and the weekdays are learned on every day a channel is funded anyway. With
//! [`PRIOR_CONVERSIONS`] = 20 a weekday's effect, once believed, is half learned when it has 20
//! conversions of its own.

use super::Arrival;
use super::observations::trials;
use crate::channel::Pricing;
use crate::scenario::Scenario;
use crate::simulate::Outcome;
use statrs::function::gamma::ln_gamma;
use std::collections::VecDeque;

/// Days in the weekly cycle.
pub const WEEK: usize = 7;
/// Prior weight `α₀` of "no weekday effect", in conversions (see the module docs).
pub const PRIOR_CONVERSIONS: f64 = 20.0;
/// Prior probability that a channel has weekday effects at all.
pub const PRIOR_EFFECT: f64 = 0.5;

/// Trials of one recent cohort, per channel, kept while their conversions may still arrive.
#[derive(Debug, Clone)]
struct Pending {
    day: usize,
    trials: Vec<f64>,
}

/// Conversions and trials of every channel by phase of the week (see the module docs).
#[derive(Debug, Clone)]
pub struct WeekdayEffects {
    /// Per channel: its pricing model (what counts as a trial).
    pricing: Vec<Pricing>,
    /// Per channel: the lag CDF, `F(a)` for `a = 0..L` (empty without lag).
    lags: Vec<Vec<f64>>,
    /// Per channel and phase: conversions arrived for cohorts of that phase.
    conversions: Vec<[f64; WEEK]>,
    /// Per channel and phase: trials of cohorts whose conversions have all arrived.
    matured: Vec<[f64; WEEK]>,
    /// Cohorts still within some channel's lag, oldest first.
    pending: VecDeque<Pending>,
    /// The last day observed.
    today: usize,
}

impl WeekdayEffects {
    /// Nothing observed yet of `scenario`'s channels.
    pub fn new(scenario: &Scenario) -> Self {
        WeekdayEffects::of(
            scenario.channels.iter().map(|c| c.pricing).collect(),
            scenario.lag_cdfs(),
        )
    }

    /// Nothing observed yet of channels with these pricing models and lag CDFs.
    pub(crate) fn of(pricing: Vec<Pricing>, lags: Vec<Vec<f64>>) -> Self {
        let channels = pricing.len();
        WeekdayEffects {
            pricing,
            lags,
            conversions: vec![[0.0; WEEK]; channels],
            matured: vec![[0.0; WEEK]; channels],
            pending: VecDeque::new(),
            today: 0,
        }
    }

    /// Adds zero-based day `day` (days come in order): the trials its spend `bought` and the
    /// conversions that `arrived`, each counted on its cohort's phase.
    pub fn observe(&mut self, day: usize, bought: &[Outcome], arrived: &[Arrival]) {
        let trials = bought
            .iter()
            .zip(&self.pricing)
            .map(|(outcome, &pricing)| trials(pricing, outcome))
            .collect();
        self.pending.push_back(Pending { day, trials });
        for arrival in arrived {
            self.conversions[arrival.channel][arrival.cohort % WEEK] += arrival.conversions as f64;
        }
        // A cohort beyond every channel's lag has matured for good.
        let longest = self.lags.iter().map(Vec::len).max().unwrap_or(0);
        while let Some(oldest) = self.pending.front() {
            if day - oldest.day < longest {
                break;
            }
            let oldest = self.pending.pop_front().expect("front exists");
            for (matured, trials) in self.matured.iter_mut().zip(&oldest.trials) {
                matured[oldest.day % WEEK] += trials;
            }
        }
        self.today = day;
    }

    /// The posterior mean multiplier of channel `channel`'s conversion rate on the day with
    /// zero-based index `day`, averaged over "weekday effects" and "none" (see the module
    /// docs).
    pub fn multiplier(&self, channel: usize, day: usize) -> f64 {
        let (effect, means) = self.posterior(channel);
        effect * means[day % WEEK] + (1.0 - effect)
    }

    /// Channel `channel`'s posterior probability of weekday effects and, given effects, the
    /// posterior mean multiplier of each phase.
    pub(crate) fn posterior(&self, channel: usize) -> (f64, [f64; WEEK]) {
        let mut matured = self.matured[channel];
        let cdf = &self.lags[channel];
        for cohort in &self.pending {
            let share = cdf.get(self.today - cohort.day).copied().unwrap_or(1.0);
            matured[cohort.day % WEEK] += cohort.trials[channel] * share;
        }
        let conversions = &self.conversions[channel];
        let (all_conversions, all_matured): (f64, f64) =
            (conversions.iter().sum(), matured.iter().sum());
        if all_conversions <= 0.0 || all_matured <= 0.0 {
            return (0.0, [1.0; WEEK]);
        }
        let rate = all_conversions / all_matured;
        let alpha = PRIOR_CONVERSIONS;
        let mut means = [1.0; WEEK];
        let mut log_evidence = 0.0;
        for ((mean, &c), &m) in means.iter_mut().zip(conversions).zip(&matured) {
            let expected = rate * m;
            *mean = (alpha + c) / (alpha + expected);
            log_evidence += alpha * alpha.ln() + ln_gamma(alpha + c) - ln_gamma(alpha) + expected
                - (alpha + c) * (alpha + expected).ln();
        }
        let effect = PRIOR_EFFECT / (PRIOR_EFFECT + (1.0 - PRIOR_EFFECT) * (-log_evidence).exp());
        (effect, means)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::StreamRng;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Poisson};

    fn clicks(clicks: u64) -> Outcome {
        Outcome {
            allocated: 100.0,
            spend: 100.0,
            units: clicks,
            clicks,
            ..Outcome::default()
        }
    }

    /// `weeks` weeks of 1,000 clicks a day converting at 2% times `profile[day % 7]`.
    fn learned(profile: [f64; WEEK], weeks: usize, seed: u64) -> WeekdayEffects {
        let mut rng = StreamRng::seed_from_u64(seed);
        let mut effects = WeekdayEffects::of(vec![Pricing::Cpc], vec![Vec::new()]);
        for day in 0..weeks * WEEK {
            let rate = 1000.0 * 0.02 * profile[day % WEEK];
            let conversions = Poisson::new(rate).unwrap().sample(&mut rng) as u64;
            let arrival = Arrival {
                channel: 0,
                cohort: day,
                conversions,
                revenue: 0.0,
            };
            effects.observe(day, &[clicks(1000)], &[arrival]);
        }
        effects
    }

    #[test]
    fn a_weekly_rhythm_is_learned() {
        let profile = [1.3, 1.3, 1.2, 1.1, 0.9, 0.6, 0.6];
        let mean = profile.iter().sum::<f64>() / 7.0;
        let effects = learned(profile, 12, 3);
        for (day, truth) in profile.iter().enumerate() {
            // 12 days of about 20 conversions per weekday: the estimate's standard error is
            // about 1/sqrt(240) of the multiplier (6.5%), and the prior of 20 conversions
            // pulls it towards 1 by a twelfth at most. Allow four standard errors.
            let estimate = effects.multiplier(0, day + 7 * 20);
            let relative = truth / mean;
            assert!(
                (estimate / relative - 1.0).abs() < 4.0 * 0.065 + (relative - 1.0).abs() / 12.0,
                "weekday {day}: {estimate} against {relative}"
            );
        }
    }

    #[test]
    fn a_weekly_rhythm_is_believed_and_its_absence_too() {
        let rhythm = [1.3, 1.3, 1.2, 1.1, 0.9, 0.6, 0.6];
        let mut believed = 0;
        let mut shrunk = crate::stats::RunningStats::default();
        for seed in 0..200 {
            assert!(
                learned(rhythm, 12, seed).posterior(0).0 > 0.99,
                "seed {seed}"
            );
            let (effect, means) = learned([1.0; WEEK], 12, seed).posterior(0);
            believed += usize::from(effect > 0.5);
            for (day, mean) in means.iter().enumerate() {
                let m = learned([1.0; WEEK], 12, seed).multiplier(0, day);
                // Model averaging moves every multiplier towards 1.
                assert!((m - 1.0).abs() <= (mean - 1.0).abs() + 1e-12);
                shrunk.push((m - 1.0).powi(2));
            }
        }
        // Without a rhythm the evidence says so in most accounts: fewer than 10% believe in
        // one (2 of 200 did when this was written; 10% is far above any plausible rate).
        assert!(
            believed < 20,
            "{believed} of 200 accounts believe in a rhythm"
        );
        // The averaged multipliers' root mean square distance from 1 (0.9% when this was
        // written) is well below the estimates' own sampling noise (about 6.5%).
        assert!(shrunk.mean().sqrt() < 0.03, "rms {}", shrunk.mean().sqrt());
    }

    #[test]
    fn cohorts_count_their_matured_trials_only() {
        // Half of a cohort's conversions arrive the same day, all the next. Day 0 (phase 0)
        // bought 1,000 clicks and 20 conversions arrived; day 1 (phase 1) bought 1,000 and 10
        // arrived: both convert at 2% once matured, so no weekday looks better.
        let mut effects = WeekdayEffects::of(vec![Pricing::Cpc], vec![vec![0.5, 1.0]]);
        let arrival = |cohort, conversions| Arrival {
            channel: 0,
            cohort,
            conversions,
            revenue: 0.0,
        };
        effects.observe(0, &[clicks(1000)], &[arrival(0, 10)]);
        effects.observe(1, &[clicks(1000)], &[arrival(0, 10), arrival(1, 10)]);
        // Matured: 1,000 for day 0, 500 for day 1; 30 conversions in 1,500 matured trials.
        assert_eq!(effects.multiplier(0, 0), effects.multiplier(0, 1));
        assert!((effects.multiplier(0, 0) - 1.0).abs() < 1e-12);
    }
}
