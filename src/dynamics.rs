//! How a channel's market moves over the horizon: shifts, weekday seasonality, ad fatigue and
//! conversion lag.
//!
//! A channel's parameters on day `t` (zero-based here, one-based in files and results) are its
//! base parameters times *levels*, multipliers that are 1 in a calm market:
//!
//! ```text
//! price_t    = price    · Π shifts.price        (over the shifts whose day has come)
//! ctr_t      = ctr      · Π shifts.ctr          · f_t   (cpm: fatigue acts on clicks)
//! cvr_t      = cvr      · Π shifts.cvr · w_t    · f_t   (cpc, cpl: fatigue acts on conversions)
//! value_t    = value    · Π shifts.value
//! audience_t = audience · Π shifts.audience
//! ```
//!
//! - **Shifts** (`[[channels.shifts]]`): from its `day` on, a shift multiplies the channel's
//!   price, rates, value or audience (a tracking change, a competitor's entry, an algorithm
//!   update). Shifts compound.
//! - **Weekday seasonality** (`weekday = [7 multipliers, Monday first]`): `w_t` is the multiplier
//!   of day `t`'s weekday, counted from the scenario's `start_weekday`. It scales the conversion
//!   rate, the propensity to buy that strategists see swing from Monday to Sunday.
//! - **Ad fatigue** (`fatigue = { strength, recovery }`): the channel's exposure `e_t` is an
//!   exponentially weighted average of its daily delivery relative to a reference volume `U`
//!   (its audience, or the units the whole daily budget buys at base price when it has none):
//!
//!   ```text
//!   e_0 = 0,    e_{t+1} = (1 − r) · e_t + r · u_t / U,    f_t = 1 / (1 + strength · e_t)
//!   ```
//!
//!   with `u_t` the expected paid units bought on day `t` and `r` the `recovery` rate (the share
//!   of exposure forgotten each day; the half-life is `ln 2 / −ln(1 − r)` days). Steady delivery
//!   of the whole reference volume divides the rate by `1 + strength`; resting the channel
//!   restores it. Exposure follows *expected* delivery, so the day's state is a deterministic
//!   function of the allocations, and the oracle can be told it exactly.
//! - **Conversion lag** (`lag = { mean_days, max_days }`): a conversion bought on day `t` arrives
//!   on day `t + d` with `d` geometric on `0, 1, …` with mean `m`, truncated at `max_days` (the
//!   tail's mass arrives on the last day):
//!
//!   ```text
//!   P(d = a) = (1 − q) q^a  for a < L,    P(d = L) = q^L,    q = m / (1 + m)
//!   ```
//!
//!   Policies learn only from what has arrived; results attribute every conversion to the day
//!   it was bought, and count all of them (all arrive within the horizon plus `max_days`).
//!
//! Every level is known to the oracle day by day, so regret stays exact: the expected revenue of
//! the best split in the day's true state minus that of the policy's split in the same state.

use crate::channel::{Channel, Pricing};
use serde::Serialize;

/// Multipliers on a channel's base parameters; all 1 in a calm market.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Levels {
    /// Multiplier on the price of a paid unit.
    pub price: f64,
    /// Multiplier on clicks per impression (cpm).
    pub ctr: f64,
    /// Multiplier on conversions per click or lead.
    pub cvr: f64,
    /// Multiplier on revenue per conversion.
    pub value: f64,
    /// Multiplier on the audience (paid units a day can buy at most).
    pub audience: f64,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            price: 1.0,
            ctr: 1.0,
            cvr: 1.0,
            value: 1.0,
            audience: 1.0,
        }
    }
}

impl Levels {
    /// These levels followed by `other`: the products of the multipliers.
    pub fn then(&self, other: &Levels) -> Levels {
        Levels {
            price: self.price * other.price,
            ctr: self.ctr * other.ctr,
            cvr: self.cvr * other.cvr,
            value: self.value * other.value,
            audience: self.audience * other.audience,
        }
    }
}

/// A lasting change of a channel's market from a given day on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shift {
    /// First day (one-based, as in the results) on which the shift holds.
    pub day: usize,
    /// The multipliers it applies.
    pub levels: Levels,
}

/// Ad fatigue: rates fall with recent delivery and recover with rest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fatigue {
    /// How far rates fall at full steady exposure: they are divided by `1 + strength`.
    pub strength: f64,
    /// Share of exposure forgotten each day, in (0, 1].
    pub recovery: f64,
}

/// Conversion lag: a truncated geometric delay between purchase of a unit and its conversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lag {
    /// Mean delay of the untruncated geometric, in days.
    pub mean_days: f64,
    /// Longest delay, in days; later conversions arrive on this day.
    pub max_days: usize,
    /// `P(d = a)` for `a = 0..=max_days`.
    #[serde(skip)]
    pmf: Vec<f64>,
}

impl Lag {
    /// The lag distribution with the given geometric mean and cap.
    pub fn new(mean_days: f64, max_days: usize) -> Lag {
        let q = mean_days / (1.0 + mean_days);
        let mut pmf: Vec<f64> = (0..max_days)
            .map(|a| (1.0 - q) * q.powi(a as i32))
            .collect();
        pmf.push(q.powi(max_days as i32));
        Lag {
            mean_days,
            max_days,
            pmf,
        }
    }

    /// `P(d = a)` for `a = 0..=max_days`: sums to 1.
    pub fn pmf(&self) -> &[f64] {
        &self.pmf
    }

    /// `P(d ≤ a)` for `a = 0..=max_days`: the share of a day's conversions that has arrived
    /// `a` days later.
    pub fn cdf(&self) -> Vec<f64> {
        self.pmf
            .iter()
            .scan(0.0, |sum, p| {
                *sum += p;
                Some(sum.min(1.0))
            })
            .collect()
    }

    /// Expected delay of the truncated distribution, `Σ a · P(d = a)`.
    pub fn expected_delay(&self) -> f64 {
        self.pmf.iter().enumerate().map(|(a, p)| a as f64 * p).sum()
    }
}

/// Everything that moves one channel's market; the default is a calm market.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dynamics {
    /// Shifts in day order.
    pub shifts: Vec<Shift>,
    /// Conversion-rate multipliers by weekday, Monday first.
    pub weekday: Option<[f64; 7]>,
    /// Ad fatigue.
    pub fatigue: Option<Fatigue>,
    /// Conversion lag.
    pub lag: Option<Lag>,
}

impl Dynamics {
    /// Whether the channel's expected response is the same every day whatever the policy does
    /// (conversion lag delays outcomes but does not change them).
    pub fn is_calm(&self) -> bool {
        self.shifts.is_empty() && self.weekday.is_none() && self.fatigue.is_none()
    }

    /// The levels on zero-based day `day` without fatigue: shifts and seasonality, which do not
    /// depend on the policy. `weekday` is the day's weekday, 0 = Monday.
    pub fn scheduled_levels(&self, day: usize, weekday: usize) -> Levels {
        let mut levels = Levels::default();
        for shift in self.shifts.iter().take_while(|s| s.day <= day + 1) {
            levels = levels.then(&shift.levels);
        }
        if let Some(multipliers) = &self.weekday {
            levels.cvr *= multipliers[weekday];
        }
        levels
    }

    /// The index of the last shift in force on zero-based day `day` (0 = none yet): with the
    /// weekday, a key to the scheduled state.
    pub fn epoch(&self, day: usize) -> usize {
        self.shifts.iter().take_while(|s| s.day <= day + 1).count()
    }
}

/// The rate multiplier `1 / (1 + strength · exposure)` of ad fatigue.
pub fn fatigue_multiplier(fatigue: &Fatigue, exposure: f64) -> f64 {
    1.0 / (1.0 + fatigue.strength * exposure)
}

/// The reference volume `U` of fatigue: the audience, or the units the daily budget buys at the
/// base price.
pub fn fatigue_reference(channel: &Channel, daily_budget: f64) -> f64 {
    channel.audience.unwrap_or(daily_budget / channel.price)
}

/// Writes `base` scaled by `levels` into `into` (numeric fields only, so a day's channels are
/// rebuilt without allocating). Rates are capped at 1; validation keeps scheduled levels below
/// that, and fatigue only lowers them.
pub fn apply_levels(base: &Channel, levels: &Levels, fatigue: f64, into: &mut Channel) {
    into.price = base.price * levels.price;
    into.value = base.value * levels.value;
    into.audience = base.audience.map(|a| a * levels.audience);
    match base.pricing {
        Pricing::Cpm => {
            into.ctr = (base.ctr * levels.ctr * fatigue).min(1.0);
            into.cvr = (base.cvr * levels.cvr).min(1.0);
        }
        Pricing::Cpc | Pricing::Cpl => {
            into.ctr = base.ctr;
            into.cvr = (base.cvr * levels.cvr * fatigue).min(1.0);
        }
        Pricing::Cpa => {
            into.ctr = base.ctr;
            into.cvr = base.cvr;
        }
    }
}

/// The weekday (0 = Monday) of zero-based day `day` when day 0 is `start`.
pub fn weekday_of(start: usize, day: usize) -> usize {
    (start + day) % 7
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::tests::search;

    #[test]
    fn lag_pmf_sums_to_one_with_the_geometric_mean() {
        let lag = Lag::new(3.0, 400);
        assert!((lag.pmf().iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Far from the cap, the truncated mean is the geometric mean q / (1 − q) = m.
        assert!((lag.expected_delay() - 3.0).abs() < 1e-9);
        let capped = Lag::new(3.0, 2);
        let q: f64 = 0.75;
        assert_eq!(capped.pmf().len(), 3);
        assert!((capped.pmf()[2] - q * q).abs() < 1e-15);
        assert!((capped.cdf()[2] - 1.0).abs() < 1e-15);
        assert!((Lag::new(0.0, 5).cdf()[0] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn shifts_compound_from_their_day_and_weekdays_scale_the_rate() {
        let dynamics = Dynamics {
            shifts: vec![
                Shift {
                    day: 3,
                    levels: Levels {
                        cvr: 0.5,
                        ..Levels::default()
                    },
                },
                Shift {
                    day: 5,
                    levels: Levels {
                        cvr: 0.5,
                        price: 2.0,
                        ..Levels::default()
                    },
                },
            ],
            weekday: Some([1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 1.2]),
            ..Dynamics::default()
        };
        // Zero-based day 1 is file day 2: no shift yet.
        assert_eq!(dynamics.scheduled_levels(1, 0), Levels::default());
        assert_eq!(dynamics.scheduled_levels(2, 0).cvr, 0.5);
        let late = dynamics.scheduled_levels(4, 6);
        assert!((late.cvr - 0.25 * 1.2).abs() < 1e-15);
        assert_eq!(late.price, 2.0);
        assert_eq!(
            (dynamics.epoch(1), dynamics.epoch(2), dynamics.epoch(9)),
            (0, 1, 2)
        );
    }

    #[test]
    fn fatigue_acts_on_the_rate_the_pricing_model_pays_before() {
        let base = search();
        let mut day = base.clone();
        apply_levels(&base, &Levels::default(), 0.5, &mut day);
        assert_eq!(day.cvr, base.cvr * 0.5);
        assert!((day.initial_roas() - 0.5 * base.initial_roas()).abs() < 1e-12);
        let fatigue = Fatigue {
            strength: 1.0,
            recovery: 0.2,
        };
        assert_eq!(fatigue_multiplier(&fatigue, 1.0), 0.5);
        assert_eq!(weekday_of(5, 3), 1);
    }
}
