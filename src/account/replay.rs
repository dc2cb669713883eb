//! Replaying an account's history through the same bookkeeping and learners as a simulation.
//!
//! Each day of the history becomes, per channel, the [`Outcome`] the simulator would have
//! reported: the spend as both allocation and cost, and the paid units of the pricing model,
//!
//! ```text
//! units = impressions / 1000 (cpm),  clicks (cpc),  leads (cpl),  conversions (cpa)
//! ```
//!
//! with the funnel's counts and the day's conversions and revenue. Counts are rounded to whole
//! numbers (data-driven attribution reports fractional conversions). The day is recorded in
//! the shared [`Observations`] and shown to the policy exactly as the simulation's day loop
//! does, so the policy's posterior after the last day is the one it would hold in simulation.
//!
//! **Conversion lag.** An export attributes each conversion to the day of the click and holds
//! only those that arrived before it was taken. Each day's conversions are recorded as arriving
//! with their cohort, and the observations count each cohort's trials by the share of its
//! conversions expected to have arrived by the last day, `F(T − c)` (see
//! [`crate::policy::observations`]): after the last day the matured trials are those of a
//! simulation that saw the same conversions arrive over time.

use super::file::Account;
use super::history::{DayFigures, History};
use crate::channel::Pricing;
use crate::constraints::Bounds;
use crate::policy::{Arrival, Day, Memory, Observations, Policy};
use crate::scenario::{Allocation, Scenario};
use crate::simulate::Outcome;

/// Paid units of a day's figures under `pricing` (see the module docs).
pub fn units(pricing: Pricing, figures: &DayFigures) -> f64 {
    match pricing {
        Pricing::Cpm => figures.impressions.unwrap_or(0.0) / 1000.0,
        Pricing::Cpc => figures.clicks.unwrap_or(0.0),
        Pricing::Cpl => figures.leads.unwrap_or(0.0),
        Pricing::Cpa => figures.conversions,
    }
}

/// The outcome the simulator would have reported for a day's figures.
pub fn outcome(pricing: Pricing, figures: &DayFigures) -> Outcome {
    let whole = |x: f64| x.max(0.0).round() as u64;
    let mut outcome = Outcome {
        allocated: figures.spend,
        spend: figures.spend,
        units: whole(units(pricing, figures)),
        conversions: whole(figures.conversions),
        revenue: figures.revenue,
        ..Outcome::default()
    };
    match pricing {
        Pricing::Cpm => {
            outcome.impressions = whole(figures.impressions.unwrap_or(0.0));
            outcome.clicks = whole(figures.clicks.unwrap_or(0.0));
        }
        Pricing::Cpc => outcome.clicks = outcome.units,
        Pricing::Cpl => outcome.leads = outcome.units,
        Pricing::Cpa => {}
    }
    outcome
}

/// A policy and the observations after the last day of a history.
pub struct Replay {
    /// The shared observations, remembering every day.
    pub observations: Observations,
    /// The learner, having seen every day.
    pub policy: Box<dyn Policy>,
}

/// Replays `history` through `account`'s policy, built for `market` (the account's channels as
/// a scenario, see [`crate::fit`]).
pub fn replay(account: &Account, history: &History, market: &Scenario) -> Replay {
    let mut observations = market.observations(Memory::All);
    let mut policy = account.policy.build(market);
    let channels = account.channels.len();
    let bounds = Bounds::free(channels, account.daily_budget);
    let mut outcomes = vec![Outcome::default(); channels];
    let mut arrivals = Vec::with_capacity(channels);
    for index in 0..history.days {
        arrivals.clear();
        for (i, (channel, figures)) in account.channels.iter().zip(history.day(index)).enumerate() {
            outcomes[i] = outcome(channel.pricing, figures);
            if outcomes[i].conversions > 0 {
                arrivals.push(Arrival {
                    channel: i,
                    cohort: index,
                    conversions: outcomes[i].conversions,
                    revenue: outcomes[i].revenue,
                });
            }
        }
        let day = Day {
            index,
            budget: account.daily_budget,
            allocation: Allocation::Proportional,
            objective: account.objective,
            bounds: &bounds,
            truth: None,
        };
        observations.record(index, &outcomes, &arrivals);
        policy.observe(&day, &outcomes, &arrivals);
    }
    Replay {
        observations,
        policy,
    }
}
