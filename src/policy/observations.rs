//! What every policy may know: each channel's pricing model and the totals of what it
//! delivered, as far as it has arrived.
//!
//! The simulation records each day here once, for all policies to read; policies for changing
//! markets keep their own copy with a [`Memory`] that forgets. A day brings two kinds of news:
//!
//! - what the day's spend **bought** (money spent, paid units, impressions, clicks, leads),
//!   known the same day;
//! - **arrivals**: conversions and their revenue, each attributed to the day it was bought (its
//!   *cohort*), as ad platforms report them. Without conversion lag they arrive the same day.
//!
//! Under lag, the latest cohorts have not converted yet, so counting their trials in full would
//! make every channel look worse the more recently it was funded. The *matured trials* count
//! each cohort's trials by the share of its conversions expected to have arrived,
//! `Σ_c trials_c · F(t − c)` with `F` the lag's CDF (strategists know their attribution delay
//! from the platform's reports), so `conversions / matured_trials` estimates the conversion rate
//! without that bias.
//!
//! Memory: `All` sums every cohort; `Discounted(γ)` weighs a cohort bought `a` days ago by
//! `γ^a` (arrivals take their cohort's weight); `Window(w)` keeps each channel's last `w`
//! cohorts that bought something.
//!
//! A window counts each channel's own days, not the calendar's. A channel that is funded every
//! day sees exactly the last `w` days; a channel starved of budget keeps the last `w` days on
//! which it did buy something, however old. A calendar window would empty a starved channel's
//! memory the day its last funded day left it, and the sampler would treat it as never tried
//! and test it again with a large share: on `shock` (window 14) that happened every 15 days,
//! each time costing about 12,000 in a day. The old days stay until the channel is funded
//! again, which it is as soon as its (stale) posterior wins a draw.

use crate::channel::Pricing;
use crate::simulate::Outcome;
use std::collections::VecDeque;

/// How much of the past the observations keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Memory {
    /// Every day ever recorded, with equal weight.
    All,
    /// Each day's weight is multiplied by the factor, in (0, 1), once a day.
    Discounted(f64),
    /// Only the last this many days (at least 1).
    Window(usize),
}

/// Conversions of one channel and cohort that arrived on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrival {
    /// Channel index, in scenario order.
    pub channel: usize,
    /// Zero-based day on which the conversions were bought.
    pub cohort: usize,
    /// Conversions arriving.
    pub conversions: u64,
    /// Their revenue.
    pub revenue: f64,
}

/// Totals of one channel's observed outcomes (weighted by the [`Memory`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelObservations {
    /// The channel's pricing model (public knowledge, not a model parameter).
    pub pricing: Pricing,
    /// Days the channel was given budget.
    pub days_funded: f64,
    /// Money spent.
    pub spend: f64,
    /// Paid units bought.
    pub units: f64,
    /// Conversion trials: impressions (CPM), clicks (CPC), leads (CPL) or conversions (CPA).
    pub trials: f64,
    /// Trials whose conversions are expected to have arrived (equal to `trials` without lag).
    pub matured_trials: f64,
    /// Conversions arrived.
    pub conversions: f64,
    /// Revenue arrived.
    pub revenue: f64,
    /// Arrival batches with at least one conversion.
    pub conversion_batches: f64,
    /// `Σ revenue_b² / conversions_b` over arrival batches: with `revenue` and `conversions` a
    /// sufficient statistic for the spread of value per conversion.
    pub revenue_sq_per_conversion: f64,
}

impl ChannelObservations {
    fn new(pricing: Pricing) -> Self {
        ChannelObservations {
            pricing,
            days_funded: 0.0,
            spend: 0.0,
            units: 0.0,
            trials: 0.0,
            matured_trials: 0.0,
            conversions: 0.0,
            revenue: 0.0,
            conversion_batches: 0.0,
            revenue_sq_per_conversion: 0.0,
        }
    }

    fn clear(&mut self) {
        *self = ChannelObservations::new(self.pricing);
    }

    /// Adds what `outcome`'s spend bought (not its conversions: those come as arrivals).
    fn record_bought(&mut self, outcome: &Outcome) {
        if outcome.allocated > 0.0 {
            self.days_funded += 1.0;
        }
        self.spend += outcome.spend;
        self.units += outcome.units as f64;
        self.trials += trials(self.pricing, outcome);
    }

    fn record_arrival(&mut self, conversions: u64, revenue: f64, weight: f64) {
        if conversions == 0 {
            return;
        }
        self.conversions += weight * conversions as f64;
        self.revenue += weight * revenue;
        self.conversion_batches += weight;
        self.revenue_sq_per_conversion += weight * revenue.powi(2) / conversions as f64;
    }

    fn scale(&mut self, factor: f64) {
        self.days_funded *= factor;
        self.spend *= factor;
        self.units *= factor;
        self.trials *= factor;
        self.matured_trials *= factor;
        self.conversions *= factor;
        self.revenue *= factor;
        self.conversion_batches *= factor;
        self.revenue_sq_per_conversion *= factor;
    }

    fn add(&mut self, other: &ChannelObservations) {
        self.days_funded += other.days_funded;
        self.spend += other.spend;
        self.units += other.units;
        self.trials += other.trials;
        self.conversions += other.conversions;
        self.revenue += other.revenue;
        self.conversion_batches += other.conversion_batches;
        self.revenue_sq_per_conversion += other.revenue_sq_per_conversion;
    }

    /// Whether the channel was ever funded (within the memory).
    pub fn is_untried(&self) -> bool {
        self.days_funded <= 0.0
    }

    /// Observed return on ad spend, `revenue / spend` (0 before anything was spent). Under lag
    /// this counts only what has arrived.
    pub fn roas(&self) -> f64 {
        if self.spend > 0.0 {
            self.revenue / self.spend
        } else {
            0.0
        }
    }

    /// Return on ad spend corrected for conversions still to arrive:
    /// `revenue / spend · trials / matured_trials`.
    pub fn matured_roas(&self) -> f64 {
        if self.matured_trials > 0.0 {
            self.roas() * self.trials / self.matured_trials
        } else {
            self.roas()
        }
    }

    /// Observed paid units per currency unit, `units / spend`, once a unit was bought.
    pub fn units_per_spend(&self) -> Option<f64> {
        (self.units > 0.0 && self.spend > 0.0).then(|| self.units / self.spend)
    }

    /// Observed mean revenue per conversion, once there was a conversion.
    pub fn value_per_conversion(&self) -> Option<f64> {
        (self.conversions > 0.0).then(|| self.revenue / self.conversions)
    }

    /// Estimated variance of a single conversion's value, once conversions arrived in two
    /// batches or more.
    ///
    /// Batch `b`'s revenue `R_b` sums `c_b` values of mean `v` and variance `σ²`, so
    /// `Σ (R_b − c_b v̂)² / c_b = Σ R_b²/c_b − R²/C` has expectation `(D − 1) σ²` over `D`
    /// batches, `R = Σ R_b`, `C = Σ c_b`, `v̂ = R / C`.
    pub fn value_variance(&self) -> Option<f64> {
        (self.conversion_batches >= 2.0).then(|| {
            let spread = self.revenue_sq_per_conversion - self.revenue.powi(2) / self.conversions;
            spread.max(0.0) / (self.conversion_batches - 1.0)
        })
    }
}

/// The conversion trials in `outcome` for a channel priced by `pricing`: impressions (CPM),
/// clicks (CPC), leads (CPL) or conversions (CPA).
pub(crate) fn trials(pricing: Pricing, outcome: &Outcome) -> f64 {
    (match pricing {
        Pricing::Cpm => outcome.impressions,
        Pricing::Cpc => outcome.clicks,
        Pricing::Cpl => outcome.leads,
        Pricing::Cpa => outcome.units,
    }) as f64
}

/// One cohort's contribution, kept while it may still matter (lag or window).
#[derive(Debug, Clone, PartialEq)]
struct Cohort {
    day: usize,
    channels: Vec<ChannelObservations>,
}

/// One day of one channel in a sliding window.
#[derive(Debug, Clone, PartialEq)]
struct WindowDay {
    day: usize,
    observed: ChannelObservations,
}

/// The observation bookkeeping shared by all policies.
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    memory: Memory,
    /// Per channel, `F(a)` for `a = 0..L` (empty without lag).
    arrived_share: Vec<Vec<f64>>,
    totals: Vec<ChannelObservations>,
    cohorts: VecDeque<Cohort>,
    keep: usize,
    /// With a sliding window: per channel, its last days that bought something, oldest first.
    windows: Vec<VecDeque<WindowDay>>,
    days: usize,
    /// Per channel, how many times its totals changed: a policy that caches what it derives
    /// from a channel's totals rebuilds it only when this moves.
    generations: Vec<u64>,
}

impl Observations {
    /// Empty observations of channels with these pricing models, without lag, remembering all.
    pub fn new(pricing: impl IntoIterator<Item = Pricing>) -> Self {
        let pricing: Vec<Pricing> = pricing.into_iter().collect();
        let lags = vec![Vec::new(); pricing.len()];
        Observations::with_memory(pricing, lags, Memory::All)
    }

    /// Empty observations with a memory and, per channel, the lag CDF `F(0..=L)` (empty for a
    /// channel without lag).
    pub fn with_memory(pricing: Vec<Pricing>, lag_cdfs: Vec<Vec<f64>>, memory: Memory) -> Self {
        let longest_lag = lag_cdfs.iter().map(Vec::len).max().unwrap_or(0);
        let pricing_count = pricing.len();
        let (keep, windows) = match memory {
            // A window keeps its days per channel, lag or not (see the module docs).
            Memory::Window(window) => (0, vec![VecDeque::with_capacity(window + 1); pricing_count]),
            Memory::All | Memory::Discounted(_) => (longest_lag, Vec::new()),
        };
        Observations {
            memory,
            arrived_share: lag_cdfs,
            totals: pricing.into_iter().map(ChannelObservations::new).collect(),
            cohorts: VecDeque::with_capacity(keep + 1),
            keep,
            windows,
            days: 0,
            generations: vec![0; pricing_count],
        }
    }

    /// Records zero-based day `day`: what its spend `bought` (one outcome per channel; their
    /// conversions and revenue are ignored) and the conversions `arrived` that day.
    pub fn record(&mut self, day: usize, bought: &[Outcome], arrived: &[Arrival]) {
        self.record_among(day, bought, 0..bought.len(), arrived);
    }

    /// [`Observations::record`] told that only the channels `funded` (in channel order) bought
    /// anything, so that a day of one funded channel among many does not look at the others.
    pub(crate) fn record_among(
        &mut self,
        day: usize,
        bought: &[Outcome],
        funded: impl Iterator<Item = usize>,
        arrived: &[Arrival],
    ) {
        debug_assert!(bought.len() == self.totals.len());
        if let Memory::Window(window) = self.memory {
            self.record_windowed(day, bought, funded, arrived, window);
            self.days += 1;
            return;
        }
        if let Memory::Discounted(factor) = self.memory {
            // Every total moves: weights decay.
            self.generations.iter_mut().for_each(|g| *g += 1);
            self.totals.iter_mut().for_each(|c| c.scale(factor));
            for cohort in &mut self.cohorts {
                cohort.channels.iter_mut().for_each(|c| c.scale(factor));
            }
        }
        if self.keep > 0 {
            let mut cohort = Cohort {
                day,
                channels: self.totals.clone(),
            };
            cohort
                .channels
                .iter_mut()
                .for_each(ChannelObservations::clear);
            for (channel, outcome) in cohort.channels.iter_mut().zip(bought) {
                channel.record_bought(outcome);
            }
            self.cohorts.push_back(cohort);
        }
        let lagless = self.keep == 0;
        for i in funded {
            let (channel, outcome, generation) =
                (&mut self.totals[i], &bought[i], &mut self.generations[i]);
            if !outcome.is_nothing() {
                channel.record_bought(outcome);
                if lagless {
                    // No lag and no window: every trial has matured.
                    channel.matured_trials = channel.trials;
                }
                *generation += 1;
            }
        }
        for arrival in arrived {
            let age = day - arrival.cohort;
            let weight = match self.memory {
                Memory::All => 1.0,
                Memory::Discounted(factor) => factor.powi(age as i32),
                Memory::Window(_) => unreachable!("windows are recorded apart"),
            };
            self.totals[arrival.channel].record_arrival(
                arrival.conversions,
                arrival.revenue,
                weight,
            );
            if arrival.conversions > 0 {
                self.generations[arrival.channel] += 1;
            }
            if let Some(cohort) = self.cohorts.iter_mut().find(|c| c.day == arrival.cohort) {
                cohort.channels[arrival.channel].record_arrival(
                    arrival.conversions,
                    arrival.revenue,
                    weight,
                );
            }
        }
        while self.cohorts.len() > self.keep {
            self.cohorts.pop_front();
        }
        if self.keep > 0 {
            self.mature(day);
        }
        self.days += 1;
    }

    /// [`Observations::record_among`] for a sliding window of `window` days per channel: the
    /// funded channels' days that bought something join their windows, arrivals join their
    /// cohort's day while it is in the window, and each channel's totals are its window's.
    fn record_windowed(
        &mut self,
        day: usize,
        bought: &[Outcome],
        funded: impl Iterator<Item = usize>,
        arrived: &[Arrival],
        window: usize,
    ) {
        for i in funded {
            let outcome = &bought[i];
            if outcome.spend <= 0.0 && outcome.units == 0 {
                continue;
            }
            let mut observed = ChannelObservations::new(self.totals[i].pricing);
            observed.record_bought(outcome);
            let days = &mut self.windows[i];
            days.push_back(WindowDay { day, observed });
            if days.len() > window {
                days.pop_front();
            }
        }
        for arrival in arrived {
            let days = &mut self.windows[arrival.channel];
            if let Some(cohort) = days.iter_mut().rev().find(|d| d.day == arrival.cohort) {
                cohort
                    .observed
                    .record_arrival(arrival.conversions, arrival.revenue, 1.0);
            }
        }
        for (i, days) in self.windows.iter().enumerate() {
            let mut total = ChannelObservations::new(self.totals[i].pricing);
            let mut pending = 0.0;
            for cohort in days {
                total.add(&cohort.observed);
                if let Some(share) = self.arrived_share[i].get(day - cohort.day) {
                    pending += cohort.observed.trials * (1.0 - share);
                }
            }
            total.matured_trials = (total.trials - pending).max(0.0);
            if total != self.totals[i] {
                self.totals[i] = total;
                self.generations[i] += 1;
            }
        }
    }

    /// Sets each channel's matured trials: its trials less the expected share of recent
    /// cohorts' conversions still to arrive.
    fn mature(&mut self, day: usize) {
        for (i, total) in self.totals.iter_mut().enumerate() {
            let arrived_share = &self.arrived_share[i];
            let mut pending = 0.0;
            for cohort in &self.cohorts {
                let age = day - cohort.day;
                if let Some(share) = arrived_share.get(age) {
                    pending += cohort.channels[i].trials * (1.0 - share);
                }
            }
            let matured = (total.trials - pending).max(0.0);
            if matured != total.matured_trials {
                total.matured_trials = matured;
                self.generations[i] += 1;
            }
        }
    }

    /// Records the next day from complete outcomes, their conversions arriving the same day
    /// (a market without lag).
    pub fn record_outcomes(&mut self, outcomes: &[Outcome]) {
        let day = self.days;
        let arrivals: Vec<Arrival> = outcomes
            .iter()
            .enumerate()
            .map(|(channel, o)| Arrival {
                channel,
                cohort: day,
                conversions: o.conversions,
                revenue: o.revenue,
            })
            .collect();
        self.record(day, outcomes, &arrivals);
    }

    /// Per-channel totals, in scenario order.
    pub fn channels(&self) -> &[ChannelObservations] {
        &self.totals
    }

    /// Per channel, a count that moves whenever its totals change (see [`Observations`]).
    pub fn generations(&self) -> &[u64] {
        &self.generations
    }

    /// Days recorded so far.
    pub fn days(&self) -> usize {
        self.days
    }

    /// Mean revenue per conversion over all channels, once any channel converted.
    pub fn pooled_value_per_conversion(&self) -> Option<f64> {
        let conversions: f64 = self.totals.iter().map(|c| c.conversions).sum();
        let revenue: f64 = self.totals.iter().map(|c| c.revenue).sum();
        (conversions > 0.0).then(|| revenue / conversions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(conversions: u64, revenue: f64) -> Outcome {
        Outcome {
            allocated: 10.0,
            spend: 10.0,
            units: 5,
            clicks: 5,
            conversions,
            revenue,
            ..Outcome::default()
        }
    }

    #[test]
    fn value_variance_estimates_per_conversion_spread() {
        let mut observed = Observations::new([Pricing::Cpc]);
        // Values per conversion: day 1 two conversions of 10 and 30, day 2 one of 20, day 3 two of 20.
        for outcome in [day(2, 40.0), day(1, 20.0), day(2, 40.0)] {
            observed.record_outcomes(&[outcome]);
        }
        let channel = &observed.channels()[0];
        assert_eq!(channel.value_per_conversion(), Some(20.0));
        // Σ R²/c − R²/C = 800 + 400 + 800 − 100²/5 = 0: daily means are all 20.
        assert_eq!(channel.value_variance(), Some(0.0));
        observed.record_outcomes(&[day(1, 50.0)]);
        let channel = &observed.channels()[0];
        let mean = 150.0 / 6.0;
        let expected = (800.0 + 400.0 + 800.0 + 2500.0 - 150.0f64.powi(2) / 6.0) / 3.0;
        assert_eq!(channel.value_per_conversion(), Some(mean));
        assert!((channel.value_variance().unwrap() - expected).abs() < 1e-9);
        assert_eq!(channel.days_funded, 4.0);
        assert_eq!(channel.trials, 20.0);
        assert_eq!(channel.matured_trials, 20.0);
    }

    #[test]
    fn matured_trials_discount_conversions_still_to_arrive() {
        // Lag CDF: half arrive the same day, 80% by the next, all by the day after.
        let cdf = vec![0.5, 0.8, 1.0];
        let mut observed = Observations::with_memory(vec![Pricing::Cpc], vec![cdf], Memory::All);
        observed.record(0, &[day(0, 0.0)], &[]);
        assert_eq!(observed.channels()[0].matured_trials, 2.5);
        observed.record(1, &[day(0, 0.0)], &[]);
        // Day 0's five clicks are 80% matured, day 1's 50%.
        assert!((observed.channels()[0].matured_trials - (4.0 + 2.5)).abs() < 1e-12);
        let arrival = Arrival {
            channel: 0,
            cohort: 0,
            conversions: 2,
            revenue: 100.0,
        };
        observed.record(2, &[day(0, 0.0)], &[arrival]);
        let channel = &observed.channels()[0];
        assert!((channel.matured_trials - (5.0 + 4.0 + 2.5)).abs() < 1e-12);
        assert_eq!((channel.trials, channel.conversions), (15.0, 2.0));
        assert!((channel.matured_roas() - 100.0 / 30.0 * 15.0 / 11.5).abs() < 1e-12);
    }

    #[test]
    fn a_window_keeps_a_starved_channels_last_funded_days() {
        let mut window = Observations::with_memory(
            vec![Pricing::Cpc, Pricing::Cpc],
            vec![Vec::new(), Vec::new()],
            Memory::Window(2),
        );
        window.record_outcomes(&[day(3, 30.0), day(1, 10.0)]);
        for conversions in [2, 4, 6, 8] {
            window.record_outcomes(&[Outcome::default(), day(conversions, 1.0)]);
        }
        // Channel 0 was funded on day 0 only: four days later its window still holds it.
        let starved = &window.channels()[0];
        assert!(!starved.is_untried());
        assert_eq!((starved.conversions, starved.trials), (3.0, 5.0));
        // Channel 1, funded every day, holds the last two days.
        let funded = &window.channels()[1];
        assert_eq!((funded.conversions, funded.days_funded), (14.0, 2.0));
    }

    #[test]
    fn a_window_counts_lagged_conversions_of_its_cohorts_only() {
        // Half of a cohort's conversions arrive the same day, the rest the next day.
        let mut window =
            Observations::with_memory(vec![Pricing::Cpc], vec![vec![0.5, 1.0]], Memory::Window(1));
        let arrival = |cohort, conversions| Arrival {
            channel: 0,
            cohort,
            conversions,
            revenue: 10.0 * conversions as f64,
        };
        window.record(0, &[day(0, 0.0)], &[arrival(0, 2)]);
        assert_eq!(window.channels()[0].matured_trials, 2.5);
        // Day 1 pushes day 0 out of the one-day window: its late conversions are dropped.
        window.record(1, &[day(0, 0.0)], &[arrival(0, 2), arrival(1, 1)]);
        let channel = &window.channels()[0];
        assert_eq!((channel.conversions, channel.trials), (1.0, 5.0));
        assert_eq!(channel.matured_trials, 2.5);
    }

    #[test]
    fn discounted_and_windowed_memories_forget() {
        let mut discounted = Observations::with_memory(
            vec![Pricing::Cpc],
            vec![Vec::new()],
            Memory::Discounted(0.5),
        );
        let mut window =
            Observations::with_memory(vec![Pricing::Cpc], vec![Vec::new()], Memory::Window(2));
        for observed in [&mut discounted, &mut window] {
            for conversions in [4, 2, 1] {
                observed.record_outcomes(&[day(conversions, 10.0 * conversions as f64)]);
            }
        }
        // Weights 1/4, 1/2, 1 for days 0, 1, 2.
        let d = &discounted.channels()[0];
        assert!((d.conversions - (1.0 + 1.0 + 1.0)).abs() < 1e-12);
        assert!((d.trials - 5.0 * 1.75).abs() < 1e-12);
        assert!((d.days_funded - 1.75).abs() < 1e-12);
        // The window keeps days 1 and 2 only.
        let w = &window.channels()[0];
        assert_eq!((w.conversions, w.trials, w.days_funded), (3.0, 10.0, 2.0));
        assert_eq!(w.revenue, 30.0);
    }
}
