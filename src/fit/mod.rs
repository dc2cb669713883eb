//! Calibrating a scenario from an account's history: each channel's price, funnel rates, value
//! and audience as posterior means with 90% credible intervals, so that `run` compares policies
//! on a market like the user's own.
//!
//! Per channel, from the history replayed into the shared [`Observations`] (see
//! [`crate::account::replay`]):
//!
//! - **Funnel rates** have Beta posteriors under a uniform prior: `ctr ~ Beta(1 + K, 1 + I − K)`
//!   from clicks `K` of impressions `I` (cpm), and `cvr ~ Beta(1 + C, 1 + T − C)` from
//!   conversions `C` of trials `T` (clicks or leads; under lag the matured trials). The mean is
//!   `(1 + C) / (2 + T)`, the interval the Beta's 5% and 95% quantiles.
//! - **Value per conversion** (see [`value`]): each conversion's value is Gamma with mean `v`
//!   and coefficient of variation `κ_v`, so a day's revenue `R_b` from `c_b` conversions is
//!   `Gamma(c_b / κ_v², v κ_v²)`. Under the prior `p(v) ∝ 1/v`, `v | κ_v = R / (κ_v² G)` with
//!   `G ~ Gamma(C / κ_v², 1)`; `κ_v` is integrated over a log grid by the likelihood of the
//!   days' revenue shares (a Dirichlet), so few days of conversions widen the interval. The
//!   estimate is `R / C`, and `value_cv = σ̂_v / v̂` with `σ̂_v` from the daily totals (as
//!   Thompson sampling estimates it). A channel that never converted gets the account's mean
//!   value per conversion and an interval from 0 without upper bound.
//! - **Response curve** (see [`curve`]): the expected paid units `μ_t = A (1 − e^{−c s_t})` of
//!   every funded day, those without a unit included, with variance `φ μ_t + κ² μ_t²` (counts
//!   and the auction's noise), fitted by quasi-likelihood on a grid of saturation rates `c`
//!   with `ln A` integrated out (Laplace). The price at zero spend `1 / (c A)` and the audience
//!   `A` have mixture-of-normal posteriors on the log scale; `price_cv = κ`. Where the history
//!   cannot rule out a curve saturated at every spend, the price interval reaches down to 0;
//!   where it cannot rule out a linear curve, up to the linear fit's 95% bound, and the channel
//!   is written without an audience: linear, as far as the history can tell, unless its
//!   conversions bend (see below). A channel that
//!   was funded but never bought a unit gets the price of a linear curve under the Jeffreys
//!   prior, `Σ s / G` with `G ~ Gamma(1/2, 1)` (its median as the estimate).
//! - **A bend in the conversions alone.** Where the units show no bend but the day's
//!   conversions do (clicks bought at a steady price that convert less as spend grows), the
//!   same curve is fitted to the conversions, `A_c (1 − e^{−s / (p_c A_c)})`, and put into
//!   the units, the scenario's only place for a bend: audience `A_c / r` and price at zero
//!   spend `r p_c`, with `r` the history's conversions per unit. The fitted market's revenue
//!   then bends as the history's does (its units, not its conversion rate); without it the
//!   market is linear in that channel and its oracle puts the whole budget there.
//!
//! - **Ad fatigue** (cpm): the click-through rates go through the wear learner of saturation
//!   Thompson sampling ([`crate::policy::wear`]). Where it believes in wear with probability
//!   [`FATIGUE_PROBABILITY`] or more, the channel gets `fatigue = { strength, recovery }` from
//!   the posterior given wear, and its `ctr` is the rested rate, the history's times the
//!   posterior mean factor `I / S(r, k)`. The learner's strength is per day of the first funded
//!   day's units `n_ref`; the simulator's is per its reference volume `U` (the fitted audience,
//!   or a day's budget at the fitted price), so `strength = k U / n_ref`, and the fitted market
//!   wears each unit as the history did. The interval of the strength is read off the
//!   learner's grid of strengths (steps of 62%) and ignores the uncertainty of `U`.
//!
//! The fit is deterministic: no draws.
//!
//! The scenario carries the account's budget, objective, floors, caps, pacing, lags and weekday
//! multipliers (with them, `cvr` is the base rate: the history's rate divided by the
//! multipliers' spend-weighted mean over its days), and compares every learning policy (those
//! `recommend` races, see [`crate::recommend::choice`]) with a fixed split at the account's
//! recent shares (its baseline: what the account runs today) and the oracle of the fitted
//! market.

use crate::account::date::Date;
use crate::account::file::Account;
use crate::account::history::History;
use crate::account::replay::{outcome, units};
use crate::channel::Pricing;
use crate::error::ScenarioError;
use crate::objective::Objective;
use crate::policy::wear::WearModel;
use crate::policy::{Memory, Observations};
use crate::scenario::Scenario;
use curve::{CurveFit, price_without_units};
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF};
use std::fmt::Write as _;
use value::value_estimate;

pub mod curve;
pub mod value;

/// Days whose average split is the account's recent split.
pub const RECENT_DAYS: usize = 7;

/// Least posterior probability of wear for which `fit` writes a channel's fatigue.
pub const FATIGUE_PROBABILITY: f64 = 0.95;

/// An estimate and its 90% credible interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The estimate: the posterior mean, except for the value per conversion (`R / C`) and the
    /// price of a channel that never bought a unit (the posterior median).
    pub mean: f64,
    /// 5% quantile (0 where the history sets no lower bound).
    pub low: f64,
    /// 95% quantile (infinite where the history sets no upper bound; JSON writes it as null).
    pub high: f64,
}

impl Estimate {
    /// Whether `value` lies in the interval.
    pub fn covers(&self, value: f64) -> bool {
        (self.low..=self.high).contains(&value)
    }

    /// The estimate times `factor`, capped at 1 (a rate).
    fn scaled(self, factor: f64) -> Estimate {
        Estimate {
            mean: (self.mean * factor).min(1.0),
            low: (self.low * factor).min(1.0),
            high: (self.high * factor).min(1.0),
        }
    }

    fn beta(successes: f64, trials: f64) -> Estimate {
        let (a, b) = (1.0 + successes, 1.0 + (trials - successes).max(0.0));
        let beta = Beta::new(a, b).expect("posterior parameters are positive");
        Estimate {
            mean: a / (a + b),
            low: beta.inverse_cdf(0.05),
            high: beta.inverse_cdf(0.95),
        }
    }
}

/// A channel's units curve in the scenario's terms: the price of a unit at zero spend, its
/// noise, the audience, and whether the bend came from the conversions.
#[derive(Debug, Clone, Copy, PartialEq)]
struct UnitsCurve {
    price: Estimate,
    price_cv: f64,
    audience: Option<Estimate>,
    from_conversions: bool,
}

/// The units curve of a channel's funded days (`spends`, units `bought`). Where the units show
/// no bend but the day's `converted` do (conversions per unit fall as spend grows: broader
/// matches, colder audiences), the scenario's only bend, the units' audience, is set so that
/// its conversions bend as the history's: with `r` the history's conversions per unit and the
/// conversions' curve `A_c (1 − e^{−s / (p_c A_c)})`, the audience is `A_c / r` and the price
/// at zero spend `r p_c`. Without it the fitted market would be linear in that channel and its
/// oracle would put the whole budget on it.
fn units_curve(spends: &[f64], bought: &[f64], converted: Option<&[f64]>) -> Option<UnitsCurve> {
    let units = CurveFit::new(spends, bought)?;
    let from_units = UnitsCurve {
        price: units.price(),
        price_cv: units.price_cv(),
        audience: units.bends().then(|| units.audience()),
        from_conversions: false,
    };
    let Some(converted) = converted.filter(|_| !units.bends()) else {
        return Some(from_units);
    };
    let rate = converted.iter().sum::<f64>() / bought.iter().sum::<f64>();
    if !(rate.is_finite() && rate > 0.0) {
        return Some(from_units);
    }
    match CurveFit::new(spends, converted).filter(CurveFit::bends) {
        Some(sales) => {
            let scale = |e: Estimate, by: f64| Estimate {
                mean: e.mean * by,
                low: e.low * by,
                high: e.high * by,
            };
            Some(UnitsCurve {
                price: scale(sales.price(), rate),
                price_cv: from_units.price_cv,
                audience: Some(scale(sales.audience(), 1.0 / rate)),
                from_conversions: true,
            })
        }
        None => Some(from_units),
    }
}

/// What the history says about one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelFit {
    /// The channel's name.
    pub name: String,
    /// Its pricing model.
    pub pricing: Pricing,
    /// Days with spend.
    pub days_funded: usize,
    /// Spend over the history.
    pub spend: f64,
    /// Revenue over the history.
    pub revenue: f64,
    /// Price of a paid unit at zero spend.
    pub price: Estimate,
    /// Day-to-day coefficient of variation of units bought at a given spend.
    pub price_cv: f64,
    /// Clicks per impression (cpm only).
    pub ctr: Option<Estimate>,
    /// Conversions per click or lead (not cpa).
    pub cvr: Option<Estimate>,
    /// Revenue per conversion.
    pub value: Estimate,
    /// Coefficient of variation of one conversion's value.
    pub value_cv: f64,
    /// Most paid units a day (`None`: no bend within the history's spends).
    pub audience: Option<Estimate>,
    /// Whether the audience (and the price at zero spend) come from the bend of the
    /// conversions, the units bought showing none (see the module docs).
    pub bend_from_conversions: bool,
    /// Coefficient of variation of the daily spend on funded days: how much the history varied
    /// the channel's spend.
    pub spend_variation: f64,
    /// The channel's mean share of the budget over the last [`RECENT_DAYS`] days.
    pub recent_share: f64,
    /// Ad fatigue, where the history shows it (cpm only; see the module docs).
    pub fatigue: Option<FatigueFit>,
}

/// Ad fatigue read from a cpm channel's click-through rates, in the simulator's terms (see
/// [`crate::dynamics`]): rates divided by `1 + strength · e`, the exposure `e` moving towards
/// the day's units over the reference volume at `recovery` a day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FatigueFit {
    /// Posterior probability that delivery wears the channel at all.
    pub probability: f64,
    /// The strength, given wear (its interval from the learner's grid of strengths).
    pub strength: Estimate,
    /// Posterior mean share of the exposure forgotten each day, given wear.
    pub recovery: f64,
}

/// A fitted account: one [`ChannelFit`] per channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The first day of the history.
    pub first_date: String,
    /// The last day of the history.
    pub last_date: String,
    /// Days of history.
    pub days: usize,
    /// Per channel, in account order.
    pub channels: Vec<ChannelFit>,
}

/// Fits every channel of `account` to its `history` (see the module docs); deterministic.
///
/// Fails (naming the history file) when the history holds no conversion at all: no value per
/// conversion can be estimated.
pub fn fit(account: &Account, history: &History) -> Result<Fit, ScenarioError> {
    let read = ReadDays::of(account, history);
    let Some(pooled_value) = read.observed.pooled_value_per_conversion() else {
        return Err(ScenarioError::whole_file(
            &account.history.display().to_string(),
            "the history has no conversions on any channel: nothing tells what a conversion is \
             worth"
                .into(),
        ));
    };
    let recent_shares = recent_shares(history);
    // The response curves are fitted independently, one channel per core.
    let curves: Vec<Option<UnitsCurve>> = (0..account.channels.len())
        .into_par_iter()
        .map(|i| {
            let days = &read.channels[i];
            units_curve(
                &days.spends,
                &days.bought,
                (account.channels[i].pricing != Pricing::Cpa).then_some(&days.converted[..]),
            )
        })
        .collect();
    let mut channels = Vec::new();
    for (i, channel) in account.channels.iter().enumerate() {
        let totals = &read.observed.channels()[i];
        let days = &read.channels[i];
        let UnitsCurve {
            price,
            price_cv,
            audience,
            from_conversions: bend_from_conversions,
        } = curves[i].unwrap_or_else(|| UnitsCurve {
            price: price_without_units(totals.spend),
            price_cv: 0.0,
            audience: None,
            from_conversions: false,
        });
        // Nothing converted: the account's value, and nothing known about this channel's.
        let value = value_estimate(&days.sales).unwrap_or(Estimate {
            mean: pooled_value,
            low: 0.0,
            high: f64::INFINITY,
        });
        let value_cv = match (totals.value_variance(), totals.value_per_conversion()) {
            (Some(variance), Some(mean)) if mean > 0.0 => variance.sqrt() / mean,
            _ => 0.0,
        };
        // The wear's strength is relative to the reference volume: the audience, or a day's
        // budget at the price.
        let reference = audience.map_or(account.daily_budget / price.mean, |a| a.mean);
        let (fatigue, rested) = fatigue_fit(&read.wear, i, reference);
        // With weekday multipliers the history's rate is the base rate times their
        // spend-weighted mean over its days.
        let base = channel
            .weekday
            .map_or(1.0, |weekday| history.mean_multiplier(i, &weekday));
        let (ctr, cvr) = funnel_rates(channel.pricing, days, totals, rested, base);
        channels.push(ChannelFit {
            name: channel.name.clone(),
            pricing: channel.pricing,
            days_funded: days.spends.len(),
            spend: totals.spend,
            revenue: totals.revenue,
            price,
            price_cv,
            ctr,
            cvr,
            value,
            value_cv,
            audience,
            bend_from_conversions,
            spend_variation: spend_variation(&days.spends),
            recent_share: recent_shares[i],
            fatigue,
        });
    }
    Ok(Fit {
        first_date: history.first_date.to_string(),
        last_date: history.last_date().to_string(),
        days: history.days,
        channels,
    })
}

/// One channel's days as the fit reads them.
#[derive(Debug, Clone, Default)]
struct ChannelDays {
    /// Spend of each funded day.
    spends: Vec<f64>,
    /// Paid units of each funded day (see [`units`]).
    bought: Vec<f64>,
    /// Conversions of each funded day.
    converted: Vec<f64>,
    /// `(conversions, revenue)` of each day that converted.
    sales: Vec<(f64, f64)>,
    /// Clicks and impressions over the history.
    clicks: f64,
    impressions: f64,
}

/// The history replayed day by day: the observations a learner would hold after it (the
/// funnel's totals, matured for lags), the wear model's view of it, and each channel's days.
struct ReadDays {
    observed: Observations,
    wear: WearModel,
    channels: Vec<ChannelDays>,
}

impl ReadDays {
    fn of(account: &Account, history: &History) -> ReadDays {
        let pricing: Vec<Pricing> = account.channels.iter().map(|c| c.pricing).collect();
        let lags = account
            .channels
            .iter()
            .map(|c| c.lag.as_ref().map_or_else(Vec::new, |l| l.cdf()))
            .collect();
        let mut wear = WearModel::of(pricing.iter().copied());
        let mut observed = Observations::with_memory(pricing, lags, Memory::All);
        let mut channels = vec![ChannelDays::default(); account.channels.len()];
        for day in 0..history.days {
            let outcomes: Vec<_> = account
                .channels
                .iter()
                .zip(history.day(day))
                .map(|(c, f)| outcome(c.pricing, f))
                .collect();
            observed.record_outcomes(&outcomes);
            wear.observe(&outcomes);
            for ((channel, figures), days) in account
                .channels
                .iter()
                .zip(history.day(day))
                .zip(&mut channels)
            {
                if figures.spend > 0.0 {
                    days.spends.push(figures.spend);
                    days.bought.push(units(channel.pricing, figures).max(0.0));
                    days.converted.push(figures.conversions.max(0.0));
                }
                if figures.conversions > 0.0 {
                    days.sales.push((figures.conversions, figures.revenue));
                }
                days.clicks += figures.clicks.unwrap_or(0.0);
                days.impressions += figures.impressions.unwrap_or(0.0);
            }
        }
        ReadDays {
            observed,
            wear,
            channels,
        }
    }
}

/// Each channel's share of the last [`RECENT_DAYS`] days' spend (an even share where nothing
/// was spent).
fn recent_shares(history: &History) -> Vec<f64> {
    let spend = history.recent_spend(RECENT_DAYS);
    let total: f64 = spend.iter().sum();
    spend
        .iter()
        .map(|s| {
            if total > 0.0 {
                s / total
            } else {
                1.0 / history.channels as f64
            }
        })
        .collect()
}

/// Channel `i`'s wear, where the history believes in it, and the factor that turns the
/// history's click-through rate into the rested one (1 without wear). The simulator's strength
/// is relative to `reference` (the audience, or a day's budget at the price), the learner's to
/// the first funded day's units.
fn fatigue_fit(wear: &WearModel, i: usize, reference: f64) -> (Option<FatigueFit>, f64) {
    let fatigue = wear
        .summary(i)
        .filter(|w| w.probability >= FATIGUE_PROBABILITY && reference.is_finite())
        .map(|w| {
            let scale = reference / w.reference;
            let fitted = FatigueFit {
                probability: w.probability,
                strength: Estimate {
                    mean: w.strength[1] * scale,
                    low: w.strength[0] * scale,
                    high: w.strength[2] * scale,
                },
                recovery: w.recovery,
            };
            (fitted, w.correction)
        });
    let rested = fatigue.map_or(1.0, |(_, correction)| correction);
    (fatigue.map(|(fitted, _)| fitted), rested)
}

/// The click-through rate (cpm only, made rested by `rested`) and the conversion rate (not
/// cpa, divided by the weekday multipliers' mean `base`) of a channel's days.
fn funnel_rates(
    pricing: Pricing,
    days: &ChannelDays,
    totals: &crate::policy::observations::ChannelObservations,
    rested: f64,
    base: f64,
) -> (Option<Estimate>, Option<Estimate>) {
    let (ctr, cvr) = match pricing {
        Pricing::Cpm => (
            Some(Estimate::beta(days.clicks, days.impressions).scaled(rested)),
            Some(Estimate::beta(
                totals.conversions,
                days.clicks * totals.matured_trials / totals.trials.max(1.0),
            )),
        ),
        Pricing::Cpc | Pricing::Cpl => (
            None,
            Some(Estimate::beta(totals.conversions, totals.matured_trials)),
        ),
        Pricing::Cpa => (None, None),
    };
    let cvr = cvr.map(|e| Estimate {
        mean: (e.mean / base).min(1.0),
        low: (e.low / base).min(1.0),
        high: (e.high / base).min(1.0),
    });
    (ctr, cvr)
}

/// The coefficient of variation of a channel's funded days' spends (0 with fewer than two).
fn spend_variation(funded: &[f64]) -> f64 {
    let mean = funded.iter().sum::<f64>() / funded.len().max(1) as f64;
    if mean <= 0.0 || funded.len() < 2 {
        return 0.0;
    }
    let variance =
        funded.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (funded.len() - 1) as f64;
    variance.sqrt() / mean
}

/// A number for a scenario file: enough significant digits, always a TOML float.
fn float(x: f64) -> String {
    let text = format!("{}", (x * 1e6).round() / 1e6);
    let text = if x != 0.0 && x.abs() < 1e-3 {
        format!("{x:.3e}")
    } else {
        text
    };
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A coefficient of variation a scenario accepts: 0, or within validation's range.
fn coefficient(cv: f64) -> f64 {
    if cv < 1e-6 { 0.0 } else { cv.min(10.0) }
}

impl Fit {
    /// The scenario TOML of the fitted market: `days` days from the day after the history,
    /// with comments giving each estimate's interval.
    pub fn scenario_toml(&self, account: &Account, days: usize) -> String {
        let mut text = String::new();
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let _ = writeln!(
            text,
            "# Scenario fitted by `budget-bandit fit` from account '{}' ({} days of history, {} \
             to {}).\n# Each figure is a posterior mean; its comment gives the 90% credible \
             interval.",
            account.name, self.days, self.first_date, self.last_date
        );
        let _ = writeln!(text, "name = {}", q(&format!("{}-fit", account.name)));
        let _ = writeln!(
            text,
            "description = {}",
            q(&format!(
                "Fitted from {} days of account '{}' ({} to {})",
                self.days, account.name, self.first_date, self.last_date
            ))
        );
        let _ = writeln!(text, "days = {days}");
        let _ = writeln!(text, "daily_budget = {}", float(account.daily_budget));
        let _ = writeln!(text, "currency = {}", q(&account.currency));
        let _ = writeln!(text, "seed = {}", account.seed);
        let _ = writeln!(text, "replications = 100");
        if let Objective::Profit { target_roas } = account.objective {
            let _ = writeln!(
                text,
                "objective = \"profit\"\ntarget_roas = {}",
                float(target_roas)
            );
        }
        if let Some(weekday) = Date::parse(&self.last_date).map(|d| d.plus(1).weekday()) {
            let _ = writeln!(
                text,
                "start_weekday = \"{}\"",
                crate::account::date::WEEKDAYS[weekday]
            );
        }
        if let Some(change) = account.constraints.max_daily_change {
            let _ = writeln!(text, "max_daily_change = {}", float(change));
        }
        let _ = writeln!(text, "baseline = \"recent-split\"");
        let interval = |e: &Estimate| {
            if e.high.is_finite() {
                format!("90% interval {} to {}", float(e.low), float(e.high))
            } else {
                format!("90% interval from {}, unbounded above", float(e.low))
            }
        };
        for (i, (channel, fit)) in account.channels.iter().zip(&self.channels).enumerate() {
            let _ = writeln!(text, "\n[[channels]]");
            let _ = writeln!(text, "name = {}", q(&channel.name));
            let _ = writeln!(text, "pricing = \"{}\"", channel.pricing.as_str());
            let _ = writeln!(
                text,
                "price = {}    # at zero spend; {}",
                float(fit.price.mean),
                interval(&fit.price)
            );
            let _ = writeln!(
                text,
                "price_cv = {}    # day-to-day spread of what the same spend buys",
                float(coefficient(fit.price_cv))
            );
            if let Some(ctr) = &fit.ctr {
                let _ = writeln!(text, "ctr = {}    # {}", float(ctr.mean), interval(ctr));
            }
            if let Some(cvr) = &fit.cvr {
                let _ = writeln!(text, "cvr = {}    # {}", float(cvr.mean), interval(cvr));
            }
            if let Some(weekday) = &channel.weekday {
                let values: Vec<String> = weekday.iter().map(|w| float(*w)).collect();
                let _ = writeln!(
                    text,
                    "weekday = [{}]    # the account's; cvr is the base rate they multiply",
                    values.join(", ")
                );
            }
            let _ = writeln!(
                text,
                "value = {}    # {}",
                float(fit.value.mean),
                interval(&fit.value)
            );
            let _ = writeln!(text, "value_cv = {}", float(coefficient(fit.value_cv)));
            match &fit.audience {
                Some(audience) => {
                    let _ = writeln!(
                        text,
                        "audience = {}    # paid units a day at most{}; {}",
                        float(audience.mean),
                        if fit.bend_from_conversions {
                            ", from the bend of the conversions (the units bought show none)"
                        } else {
                            ""
                        },
                        interval(audience)
                    );
                }
                None => {
                    let _ = writeln!(
                        text,
                        "# no audience: returns do not diminish within the spends of the history"
                    );
                }
            }
            let (low, high) = (
                account.constraints.bounds.low[i],
                account.constraints.bounds.high[i],
            );
            if low > 0.0 {
                let _ = writeln!(text, "min_spend = {}", float(low));
            }
            if high < account.daily_budget {
                let _ = writeln!(text, "max_spend = {}", float(high));
            }
            if let Some(fatigue) = &fit.fatigue {
                let _ = writeln!(
                    text,
                    "fatigue = {{ strength = {}, recovery = {} }}    # wear {:.0}% likely; strength {}; \
                     ctr is the rested rate",
                    float(fatigue.strength.mean),
                    float(fatigue.recovery),
                    100.0 * fatigue.probability,
                    interval(&fatigue.strength)
                );
            }
            if let Some(lag) = &channel.lag {
                let _ = writeln!(
                    text,
                    "lag = {{ mean_days = {}, max_days = {} }}",
                    float(lag.mean_days),
                    lag.max_days
                );
            }
        }
        // Every learner, as `recommend` races them on this market (see
        // [`crate::recommend::choice`]).
        for learner in crate::policy::PolicySpec::learners() {
            let _ = writeln!(text, "\n[[policies]]\nkind = \"{}\"", learner.kind.as_str());
        }
        let shares: Vec<String> = account
            .channels
            .iter()
            .zip(&self.channels)
            .map(|(c, f)| {
                format!(
                    "{} = {}",
                    crate::toml_text::key(&c.name),
                    float(f.recent_share)
                )
            })
            .collect();
        let _ = writeln!(
            text,
            "\n[[policies]]    # the account's split over its last {} days\nkind = \"fixed\"\n\
             name = \"recent-split\"\nshares = {{ {} }}",
            RECENT_DAYS.min(self.days),
            shares.join(", ")
        );
        let _ = writeln!(text, "\n[[policies]]\nkind = \"oracle\"");
        text
    }

    /// The fitted market as a validated scenario of `days` days.
    pub fn scenario(&self, account: &Account, days: usize) -> Result<Scenario, ScenarioError> {
        let origin = format!("{} (fitted)", account.origin);
        Scenario::from_toml(&origin, &self.scenario_toml(account, days))
    }
}

/// How the first line of every scenario `fit` writes begins: what lets it replace its own
/// earlier output and nothing else.
pub const FIT_MARK: &str = "# Scenario fitted by `budget-bandit fit`";

/// How the last line of every scenario `fit` writes begins; a checksum of everything above it
/// follows, so a later `fit` tells its own untouched output from one edited since.
pub const FIT_SEAL: &str = "# budget-bandit fit checksum ";

/// `text` with its seal: a last line of [`FIT_SEAL`] and the FNV-1a hash of the text above it.
fn sealed(text: &str) -> String {
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let checksum = crate::streams::fnv1a(text.bytes());
    text.push_str(&format!("{FIT_SEAL}{checksum:016x}\n"));
    text
}

/// Whether a file that begins like `fit`'s is provably untouched: its last line is the seal
/// and its checksum matches the text above it. A file without the seal (its line removed, or
/// written before there was one) cannot be told from one edited since.
fn untouched_since_fit(text: &str) -> bool {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let Some(at) = body.rfind(FIT_SEAL) else {
        return false;
    };
    if at > 0 && !body[..at].ends_with('\n') {
        return false;
    }
    let stored = &body[at + FIT_SEAL.len()..];
    u64::from_str_radix(stored, 16).ok() == Some(crate::streams::fnv1a(body[..at].bytes()))
}

/// Why [`write_scenario`] wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum WriteScenarioError {
    /// A file `fit` may not replace is in the way, or the folder is missing (the user's to
    /// fix: exit code 2).
    #[error(transparent)]
    Refused(#[from] ScenarioError),
    /// The file could not be written (exit code 1).
    #[error(transparent)]
    Write(#[from] crate::error::WriteError),
}

/// Writes a fitted scenario to `path` through a staging file beside it, sealed (see
/// [`FIT_SEAL`]), replacing an existing file only when `fit` wrote it (its first line is
/// [`FIT_MARK`]) and its seal shows nobody edited it since.
pub fn write_scenario(path: &std::path::Path, text: &str) -> Result<(), WriteScenarioError> {
    use crate::error::at_path;
    let origin = path.display().to_string();
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        let old = metadata
            .is_file()
            .then(|| std::fs::read_to_string(path).ok())
            .flatten();
        let refusal = match old {
            Some(old) if old.starts_with(FIT_MARK) => (!untouched_since_fit(&old)).then_some(
                "was written by `budget-bandit fit` and edited since (its last line's checksum \
                 no longer matches, or the line is gone), so it was left as it is; choose \
                 another --out, or move it away to fit again",
            ),
            _ => Some(
                "is in the way and was not written by `budget-bandit fit`, so it was left as it \
                 is; choose another --out, or move it away",
            ),
        };
        if let Some(refusal) = refusal {
            return Err(ScenarioError::whole_file(&origin, refusal.into()).into());
        }
    }
    // A folder that is not there is the user's to create: an input error naming it.
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty())
        && !folder.is_dir()
    {
        let what = if folder.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(ScenarioError::whole_file(
            &origin,
            format!(
                "cannot be written: {} {what}; create the folder or choose another --out",
                folder.display()
            ),
        )
        .into());
    }
    let text = sealed(text);
    let text = text.as_str();
    let file_name = path
        .file_name()
        .map_or_else(|| "fit.toml".into(), |n| n.to_string_lossy().into_owned());
    let staging = path.with_file_name(format!(".{file_name}.partial-{}", std::process::id()));
    // Errors name the file the user asked for, not the staging file beside it.
    let result = at_path(path, std::fs::write(&staging, text))
        .and_then(|()| at_path(path, std::fs::rename(&staging, path)));
    if result.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    result.map_err(WriteScenarioError::Write)
}
