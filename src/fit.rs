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
//! - **Value per conversion**: the mean `v̂ = R / C`, the spread of one conversion's value `σ̂_v`
//!   from the daily totals (as Thompson sampling estimates it), the interval
//!   `v̂ ± 1.645 σ̂_v / √C`, and `value_cv = σ̂_v / v̂`.
//! - **Response curve**: saturation Thompson sampling's posterior of the units curve
//!   `u(s) = A (1 − e^{−c s})` with log-normal day-to-day noise of variance `σ²` (see
//!   [`crate::policy::saturation_thompson`]). Draws of `(c, A, σ²)` give the price at zero spend
//!   `1 / (c A)`, the audience `A` and the auction noise `price_cv = √(e^{σ²} − 1)`. A channel
//!   whose curve does not bend within the spends of its history (the posterior puts more than
//!   half its mass on `c · s_max < 0.05`) is written without an audience: linear, as far as the
//!   history can tell.
//!
//! The scenario carries the account's budget, objective, floors, caps, pacing and lags, and
//! compares the learning policies with a fixed split at the account's recent shares (its
//! baseline: what the account runs today) and the oracle of the fitted market.

use crate::account::date::Date;
use crate::account::file::Account;
use crate::account::history::History;
use crate::account::replay::{outcome, units};
use crate::channel::Pricing;
use crate::error::ScenarioError;
use crate::objective::Objective;
use crate::policy::saturation_thompson::{CurvePosterior, saturation_grid};
use crate::policy::{Memory, Observations};
use crate::scenario::Scenario;
use crate::stats::quantile;
use crate::streams::ReplicationStreams;
use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF};
use std::fmt::Write as _;

/// Posterior draws of each response curve.
const CURVE_DRAWS: usize = 4000;
/// How much a curve must bend within the history's spends to count as saturating.
const BEND: f64 = 0.05;
/// The z-value of a central 90% normal interval.
const Z90: f64 = 1.644_853_626_951_472_2;
/// Days whose average split is the account's recent split.
pub const RECENT_DAYS: usize = 7;

/// A posterior mean and its 90% credible interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Posterior mean.
    pub mean: f64,
    /// 5% quantile.
    pub low: f64,
    /// 95% quantile.
    pub high: f64,
}

impl Estimate {
    /// Whether `value` lies in the interval.
    pub fn covers(&self, value: f64) -> bool {
        (self.low..=self.high).contains(&value)
    }

    fn of_draws(draws: &mut [f64]) -> Estimate {
        draws.sort_by(f64::total_cmp);
        Estimate {
            mean: draws.iter().sum::<f64>() / draws.len() as f64,
            low: quantile(draws, 0.05),
            high: quantile(draws, 0.95),
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
    /// Coefficient of variation of the daily spend on funded days: how much the history varied
    /// the channel's spend.
    pub spend_variation: f64,
    /// The channel's mean share of the budget over the last [`RECENT_DAYS`] days.
    pub recent_share: f64,
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

/// Fits every channel of `account` to its `history`; `seed` drives the curve draws.
///
/// Fails (naming the history file) when the history holds no conversion at all: no value per
/// conversion can be estimated.
pub fn fit(account: &Account, history: &History, seed: u64) -> Result<Fit, ScenarioError> {
    let pricing: Vec<Pricing> = account.channels.iter().map(|c| c.pricing).collect();
    let lags = account
        .channels
        .iter()
        .map(|c| c.lag.as_ref().map_or_else(Vec::new, |l| l.cdf()))
        .collect();
    let mut observed = Observations::with_memory(pricing, lags, Memory::All);
    let rates = saturation_grid(account.daily_budget);
    let mut curves = vec![CurvePosterior::new(); account.channels.len()];
    let mut clicks = vec![0.0; account.channels.len()];
    let mut impressions = vec![0.0; account.channels.len()];
    let mut spends: Vec<Vec<f64>> = vec![Vec::new(); account.channels.len()];
    for day in 0..history.days {
        let outcomes: Vec<_> = account
            .channels
            .iter()
            .zip(history.day(day))
            .map(|(c, f)| outcome(c.pricing, f))
            .collect();
        observed.record_outcomes(&outcomes);
        for (i, (channel, figures)) in account.channels.iter().zip(history.day(day)).enumerate() {
            if figures.spend > 0.0 {
                let bought = units(channel.pricing, figures).max(0.0).round() as u64;
                curves[i].observe(&rates, figures.spend, bought);
                spends[i].push(figures.spend);
            }
            clicks[i] += figures.clicks.unwrap_or(0.0);
            impressions[i] += figures.impressions.unwrap_or(0.0);
        }
    }
    let Some(pooled_value) = observed.pooled_value_per_conversion() else {
        return Err(ScenarioError::whole_file(
            &account.history.display().to_string(),
            "the history has no conversions on any channel: nothing tells what a conversion is \
             worth"
                .into(),
        ));
    };
    let recent = history.days.min(RECENT_DAYS);
    let recent_spend: Vec<f64> = (0..account.channels.len())
        .map(|i| {
            (history.days - recent..history.days)
                .map(|d| history.day(d)[i].spend)
                .sum::<f64>()
        })
        .collect();
    let recent_total: f64 = recent_spend.iter().sum();
    let streams = ReplicationStreams::new(seed, 0);
    let mut channels = Vec::new();
    for (i, channel) in account.channels.iter().enumerate() {
        let totals = &observed.channels()[i];
        let mut rng = streams.policy(&format!("fit:{}", channel.name));
        let most = spends[i].iter().copied().fold(0.0, f64::max);
        let (mut prices, mut audiences, mut noise) = (Vec::new(), Vec::new(), Vec::new());
        let mut bent = 0usize;
        if curves[i].days() > 0.0 {
            for _ in 0..CURVE_DRAWS {
                let draw = curves[i].draw_curve(&rates, &mut rng);
                prices.push(1.0 / (draw.rate * draw.audience));
                audiences.push(draw.audience);
                noise.push(draw.noise_variance);
                if draw.rate * most >= BEND {
                    bent += 1;
                }
            }
        } else {
            let price = totals.spend / totals.units.max(1.0);
            prices.push(price);
            noise.push(0.0);
        }
        let price = Estimate::of_draws(&mut prices);
        let mean_noise = noise.iter().sum::<f64>() / noise.len() as f64;
        let audience = (2 * bent > CURVE_DRAWS).then(|| Estimate::of_draws(&mut audiences));
        let value_mean = totals.value_per_conversion().unwrap_or(pooled_value);
        let value_sd = totals.value_variance().map_or(0.0, f64::sqrt);
        let half = Z90 * value_sd / totals.conversions.max(1.0).sqrt();
        let (ctr, cvr) = match channel.pricing {
            Pricing::Cpm => (
                Some(Estimate::beta(clicks[i], impressions[i])),
                Some(Estimate::beta(
                    totals.conversions,
                    clicks[i] * totals.matured_trials / totals.trials.max(1.0),
                )),
            ),
            Pricing::Cpc | Pricing::Cpl => (
                None,
                Some(Estimate::beta(totals.conversions, totals.matured_trials)),
            ),
            Pricing::Cpa => (None, None),
        };
        let funded = &spends[i];
        let mean_spend = funded.iter().sum::<f64>() / funded.len().max(1) as f64;
        let spread = if funded.len() > 1 {
            (funded.iter().map(|s| (s - mean_spend).powi(2)).sum::<f64>()
                / (funded.len() - 1) as f64)
                .sqrt()
        } else {
            0.0
        };
        channels.push(ChannelFit {
            name: channel.name.clone(),
            pricing: channel.pricing,
            days_funded: funded.len(),
            spend: totals.spend,
            revenue: totals.revenue,
            price,
            price_cv: mean_noise.exp_m1().max(0.0).sqrt(),
            ctr,
            cvr,
            value: Estimate {
                mean: value_mean,
                low: value_mean - half,
                high: value_mean + half,
            },
            value_cv: value_sd / value_mean,
            audience,
            spend_variation: if mean_spend > 0.0 {
                spread / mean_spend
            } else {
                0.0
            },
            recent_share: if recent_total > 0.0 {
                recent_spend[i] / recent_total
            } else {
                1.0 / account.channels.len() as f64
            },
        });
    }
    Ok(Fit {
        first_date: history.first_date.to_string(),
        last_date: history.last_date().to_string(),
        days: history.days,
        channels,
    })
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
            const NAMES: [&str; 7] = [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
            ];
            let _ = writeln!(text, "start_weekday = \"{}\"", NAMES[weekday]);
        }
        if let Some(change) = account.constraints.max_daily_change {
            let _ = writeln!(text, "max_daily_change = {}", float(change));
        }
        let _ = writeln!(text, "baseline = \"recent-split\"");
        let interval = |e: &Estimate| format!("90% interval {} to {}", float(e.low), float(e.high));
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
                        "audience = {}    # paid units a day at most; {}",
                        float(audience.mean),
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
            if let Some(lag) = &channel.lag {
                let _ = writeln!(
                    text,
                    "lag = {{ mean_days = {}, max_days = {} }}",
                    float(lag.mean_days),
                    lag.max_days
                );
            }
        }
        let _ = writeln!(text, "\n[[policies]]\nkind = \"saturation-thompson\"");
        let _ = writeln!(text, "\n[[policies]]\nkind = \"thompson\"");
        let _ = writeln!(text, "\n[[policies]]\nkind = \"epsilon-greedy\"");
        let shares: Vec<String> = account
            .channels
            .iter()
            .zip(&self.channels)
            .map(|(c, f)| format!("{} = {}", q(&c.name), float(f.recent_share)))
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

/// Writes a fitted scenario to `path` through a staging file beside it, replacing an existing
/// file only when `fit` wrote it (its first line is [`FIT_MARK`]).
pub fn write_scenario(path: &std::path::Path, text: &str) -> Result<(), crate::cli::CliError> {
    use crate::error::at_path;
    let origin = path.display().to_string();
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        let ours = metadata.is_file()
            && std::fs::read_to_string(path).is_ok_and(|old| old.starts_with(FIT_MARK));
        if !ours {
            return Err(ScenarioError::whole_file(
                &origin,
                "is in the way and was not written by `budget-bandit fit`, so it was left as it                  is; choose another --out, or move it away"
                    .into(),
            )
            .into());
        }
    }
    let file_name = path
        .file_name()
        .map_or_else(|| "fit.toml".into(), |n| n.to_string_lossy().into_owned());
    let staging = path.with_file_name(format!(".{file_name}.partial-{}", std::process::id()));
    let result = at_path(&staging, std::fs::write(&staging, text))
        .and_then(|()| at_path(path, std::fs::rename(&staging, path)));
    if result.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    result.map_err(|e| crate::cli::CliError::Output(e.into()))
}
