//! The truth behind one messy history: an account's channels, their campaigns' curves and how
//! the market moves over the year, for each [`Kind`] of history.
//!
//! Channel `c` spends `S_c(t)` on day `t`, split over its campaigns running that day in fixed
//! weights `w_j`; its expected revenue is
//!
//! ```text
//! R_c(S, t) = m_c(t) q_c(t) Σ_j R_j(S w_j / Σ_k w_k)
//! m_c(t) = weekday_c[d(t)] · season(t)        (traffic: clicks and conversions alike)
//! q_c(t) = 1 + drift_c · t / (days − 1)        (conversions per click only)
//! ```
//!
//! with `R_j` a [`Curve`] per campaign. The history's spend follows a split `σ_c` of a daily
//! budget `B(t)`: `S_c(t) = σ_c B(t) exp(ε − v²/2)`, `ε ~ N(0, v_c²)` with `v_c` the channel's
//! jitter (20–40%, 3% for a flat split), zero on days the channel is paused or not yet
//! running. Tomorrow is day `t = days` (the day after the history): its truth is
//! `R_c(S, days)` and its budget `B(days)`, the account's `daily_budget`.
//!
//! Each channel also has a funnel share `θ_c` (see [`super::history`]): how much of its bend
//! shows in its paid units rather than in its rates per unit. Two variants of a market isolate
//! what `recommend` meets: [`Market::bent_in_units`] puts every bend in the paid units
//! (`θ = 1`, as the project's model has it), and [`Market::in_model_family`] also replaces the
//! curves by the project's own saturating one, the control of the harness.

use super::curve::Curve;
use super::mix;
use budget_bandit::account::date::Date;
use budget_bandit::channel::Pricing;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::ops::Range;

/// Days of every history.
pub const DAYS: usize = 365;

/// A kind of history: what makes it messy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The control: spends varied around a split by 20–40% a day, nothing else moves.
    Clean,
    /// One channel converts better on weekdays, another on weekends.
    Weekday,
    /// The budget and the demand both follow the weekday and a December peak.
    DemandFollowing,
    /// One channel's conversion rate drifts up 30% over the year, another's down 30%.
    Drift,
    /// A week of lost tracking, a channel paused for a month, a channel new in the last 90
    /// days and a campaign replaced mid-year.
    Gaps,
    /// Spends barely varied: 3% a day.
    Flat,
}

impl Kind {
    /// Every kind, in the table's order.
    pub const ALL: [Kind; 6] = [
        Kind::Clean,
        Kind::Weekday,
        Kind::DemandFollowing,
        Kind::Drift,
        Kind::Gaps,
        Kind::Flat,
    ];

    /// The kind's name in the table and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Clean => "clean",
            Kind::Weekday => "weekday",
            Kind::DemandFollowing => "demand-following",
            Kind::Drift => "drift",
            Kind::Gaps => "gaps",
            Kind::Flat => "flat",
        }
    }
}

/// One campaign of a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Its name in the history's channel column.
    pub name: String,
    /// Expected revenue against its own spend.
    pub curve: Curve,
    /// Its weight in the channel's spend.
    pub weight: f64,
    /// Its usual daily spend `s₀`, where its curve was calibrated.
    pub reference: f64,
    /// The days it runs.
    pub days: Range<usize>,
}

/// One channel of the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// Its name in the account file.
    pub name: String,
    /// What it is paid by: which counts its rows carry.
    pub pricing: Pricing,
    /// Mean revenue per conversion.
    pub value: f64,
    /// Conversions per click at the start of the history (cpc, cpm).
    pub cvr: f64,
    /// Price of a thousand impressions (cpm).
    pub cpm: f64,
    /// Share `θ` of the curve's bend that the paid units carry (see [`super::history`]): 1 when
    /// clicks or impressions saturate as revenue does, 0 when they grow with spend and only the
    /// rates per unit fall.
    pub delivery: f64,
    /// Its campaigns.
    pub campaigns: Vec<Campaign>,
    /// Its share of the history's daily budget.
    pub share: f64,
    /// Standard deviation of the log of its daily spend.
    pub jitter: f64,
    /// Traffic multiplier by weekday, Monday first.
    pub weekday: [f64; 7],
    /// Relative change of its conversion rate over the history.
    pub drift: f64,
    /// The days it is funded: from the first one on, except a pause.
    pub first_day: usize,
    /// Days without spend.
    pub paused: Range<usize>,
}

/// The truth of one history.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    /// What makes the history messy.
    pub kind: Kind,
    /// The seed it was built from.
    pub seed: u64,
    /// The history's first day.
    pub first_date: Date,
    /// The base daily budget `B`.
    pub budget: f64,
    /// Whether the budget and the demand follow the season.
    pub seasonal: bool,
    /// Days when conversions are not tracked (spend, impressions and clicks still are).
    pub outage: Range<usize>,
    /// The channels, in account order.
    pub channels: Vec<Channel>,
}

/// The channels an account may have: name, pricing.
const CHANNELS: [(&str, Pricing); 5] = [
    ("search", Pricing::Cpc),
    ("social", Pricing::Cpm),
    ("shopping", Pricing::Cpc),
    ("video", Pricing::Cpm),
    ("affiliate", Pricing::Cpa),
];

impl Market {
    /// The market of history `seed` of `kind`.
    pub fn new(kind: Kind, seed: u64) -> Market {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(&[kind as u64, seed, 1]));
        let budget = (rng.random_range(5_000.0..20_000.0f64) / 100.0).round() * 100.0;
        let first_date = Date::from_ymd(2024, 1, 1)
            .expect("a valid date")
            .plus(rng.random_range(0..730));
        let count = if rng.random::<f64>() < 0.5 { 4 } else { 5 };
        let raw: Vec<f64> = (0..count).map(|_| rng.random_range(0.5..1.5)).collect();
        let sum: f64 = raw.iter().sum();
        let channels = CHANNELS[..count]
            .iter()
            .zip(&raw)
            .map(|(&(name, pricing), &r)| {
                let share = r / sum;
                let jitter = match kind {
                    Kind::Flat => 0.03,
                    _ => rng.random_range(0.2..0.4),
                };
                channel(&mut rng, name, pricing, share, budget * share, jitter)
            })
            .collect();
        let mut market = Market {
            kind,
            seed,
            first_date,
            budget,
            seasonal: kind == Kind::DemandFollowing,
            outage: 0..0,
            channels,
        };
        market.make_messy(&mut rng);
        market
    }

    /// What sets `kind` apart from the clean control.
    fn make_messy(&mut self, rng: &mut Xoshiro256PlusPlus) {
        match self.kind {
            Kind::Clean | Kind::Flat | Kind::DemandFollowing => {}
            Kind::Weekday => {
                let weekday = rng.random_range(1.15..1.35);
                let weekend = rng.random_range(0.45..0.7);
                self.channels[0].weekday = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
                    .map(|w| if w > 0.0 { weekday } else { weekend });
                let weekday = rng.random_range(0.75..0.9);
                let weekend = rng.random_range(1.4..1.7);
                self.channels[1].weekday = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
                    .map(|w| if w > 0.0 { weekday } else { weekend });
            }
            Kind::Drift => {
                self.channels[0].drift = 0.3;
                self.channels[1].drift = -0.3;
            }
            Kind::Gaps => {
                let start = rng.random_range(60..250);
                self.outage = start..start + 7;
                let start = rng.random_range(100..220);
                self.channels[2].paused = start..start + 30;
                let last = self.channels.len() - 1;
                self.channels[last].first_day = DAYS - 90;
                // The first campaign of the first channel is replaced mid-year by a new one
                // with another curve.
                let switch = rng.random_range(150..250);
                let old = &mut self.channels[0].campaigns[0];
                old.days = 0..switch;
                let mut new = old.clone();
                new.name = format!("{} (new)", old.name);
                new.days = switch..usize::MAX;
                new.reference = self.budget * self.channels[0].share * 0.5;
                new.curve = curve(rng, new.reference);
                self.channels[0].campaigns.push(new);
            }
        }
    }

    /// The same market with every channel's bend carried by its paid units (`θ = 1`), as the
    /// project's model assumes: what is left is the curves' families and the kind's mess.
    pub fn bent_in_units(mut self) -> Market {
        for channel in &mut self.channels {
            channel.delivery = 1.0;
        }
        self
    }

    /// The same market with each channel's campaigns replaced by one of the project's own
    /// saturating curve, with the level and slope of the channel's curve at its usual spend:
    /// the control that tells the harness's own errors from `recommend`'s.
    pub fn in_model_family(mut self) -> Market {
        for c in 0..self.channels.len() {
            let usual = self.budget * self.channels[c].share;
            let at = |s: f64| -> f64 {
                self.running(c, 0)
                    .iter()
                    .map(|(j, w)| j.curve.revenue(s * w))
                    .sum()
            };
            let roas = at(usual) / usual;
            let slope = (at(1.001 * usual) - at(0.999 * usual)) / (0.002 * usual) / roas;
            let channel = &mut self.channels[c];
            let mut campaign = channel.campaigns[0].clone();
            campaign.curve = Curve::saturating(usual, roas, slope);
            campaign.weight = 1.0;
            campaign.reference = usual;
            campaign.days = 0..usize::MAX;
            channel.campaigns = vec![campaign];
            channel.delivery = 1.0;
        }
        self
    }

    /// The date of day `t` (day `DAYS` is tomorrow).
    pub fn date(&self, t: usize) -> Date {
        self.first_date.plus(t as i64)
    }

    /// The season's multiplier of budget and demand on day `t`: weekdays 1.08, Saturday 0.85,
    /// Sunday 0.8, times a December peak `1 + 0.6 exp(−(Δ/12)²)` with `Δ` the days from
    /// 15 December; 1 without a season.
    pub fn season(&self, t: usize) -> f64 {
        if !self.seasonal {
            return 1.0;
        }
        let date = self.date(t);
        let week = [1.08, 1.08, 1.08, 1.08, 1.08, 0.85, 0.8][date.weekday()];
        let (year, _, _) = date.ymd();
        let distance = (year - 1..=year + 1)
            .map(|y| (date.0 - Date::from_ymd(y, 12, 15).expect("a valid date").0).abs())
            .min()
            .unwrap_or(i64::MAX) as f64;
        week * (1.0 + 0.6 * (-(distance / 12.0).powi(2)).exp())
    }

    /// The daily budget `B(t)` around which day `t`'s spends vary; tomorrow's is the account's.
    pub fn budget_on(&self, t: usize) -> f64 {
        ((self.budget * self.season(t)) * 100.0).round() / 100.0
    }

    /// Channel `c`'s traffic multiplier `m_c(t)`.
    pub fn traffic(&self, c: usize, t: usize) -> f64 {
        self.channels[c].weekday[self.date(t).weekday()] * self.season(t)
    }

    /// Channel `c`'s conversion-rate multiplier `q_c(t)`.
    pub fn rate(&self, c: usize, t: usize) -> f64 {
        1.0 + self.channels[c].drift * t as f64 / (DAYS - 1) as f64
    }

    /// Channel `c`'s campaigns running on day `t`, with their shares of its spend.
    pub fn running(&self, c: usize, t: usize) -> Vec<(&Campaign, f64)> {
        let running: Vec<&Campaign> = self.channels[c]
            .campaigns
            .iter()
            .filter(|j| j.days.contains(&t))
            .collect();
        let total: f64 = running.iter().map(|j| j.weight).sum();
        running.into_iter().map(|j| (j, j.weight / total)).collect()
    }

    /// Channel `c`'s expected revenue on day `t` at spend `s`, `R_c(s, t)`.
    pub fn revenue(&self, c: usize, t: usize, s: f64) -> f64 {
        let base: f64 = self
            .running(c, t)
            .iter()
            .map(|(j, share)| j.curve.revenue(s * share))
            .sum();
        self.traffic(c, t) * self.rate(c, t) * base
    }

    /// Whether channel `c` is funded on day `t`.
    pub fn funded(&self, c: usize, t: usize) -> bool {
        let channel = &self.channels[c];
        t >= channel.first_day && !channel.paused.contains(&t)
    }

    /// Tomorrow's budget, the account's `daily_budget`.
    pub fn tomorrow_budget(&self) -> f64 {
        self.budget_on(DAYS)
    }

    /// Tomorrow's expected revenue of `split`, `Σ_c R_c(s_c, days)`.
    pub fn tomorrow_revenue(&self, split: &[f64]) -> f64 {
        split
            .iter()
            .enumerate()
            .map(|(c, &s)| self.revenue(c, DAYS, s))
            .sum()
    }

    /// A draw of the log-normal jitter of a day's spend, `exp(ε − v²/2)`, mean 1.
    pub fn jitter(v: f64, rng: &mut Xoshiro256PlusPlus) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        (v * z - 0.5 * v * v).exp()
    }
}

/// A channel with two or three campaigns of mixed families, calibrated around its usual spend
/// `reference`: each campaign returns 2.5 to 6 at its usual share of it.
fn channel(
    rng: &mut Xoshiro256PlusPlus,
    name: &str,
    pricing: Pricing,
    share: f64,
    reference: f64,
    jitter: f64,
) -> Channel {
    let count = rng.random_range(2..=3);
    let weights: Vec<f64> = (0..count).map(|_| rng.random_range(0.5..1.5)).collect();
    let total: f64 = weights.iter().sum();
    let campaigns = weights
        .iter()
        .enumerate()
        .map(|(k, &weight)| Campaign {
            name: format!("{name} {}", k + 1),
            curve: curve(rng, reference * weight / total),
            weight,
            reference: reference * weight / total,
            days: 0..usize::MAX,
        })
        .collect();
    let value = rng.random_range(40.0..150.0);
    let cvr = match pricing {
        Pricing::Cpm => rng.random_range(0.01..0.04),
        _ => rng.random_range(0.02..0.08),
    };
    Channel {
        name: name.to_owned(),
        pricing,
        value,
        cvr,
        cpm: rng.random_range(4.0..15.0),
        delivery: match pricing {
            Pricing::Cpc => rng.random_range(0.7..1.0),
            Pricing::Cpm => rng.random_range(0.0..0.5),
            Pricing::Cpa | Pricing::Cpl => 1.0,
        },
        campaigns,
        share,
        jitter,
        weekday: [1.0; 7],
        drift: 0.0,
        first_day: 0,
        paused: 0..0,
    }
}

/// A campaign curve of a family drawn at random, with average return 2.5 to 6 at `reference`.
fn curve(rng: &mut Xoshiro256PlusPlus, reference: f64) -> Curve {
    let roas = rng.random_range(2.5..6.0);
    match rng.random_range(0..3) {
        0 => Curve::hill(
            reference,
            roas,
            rng.random_range(1.0..2.5),
            rng.random_range(0.4..1.2),
        ),
        1 => Curve::power(reference, roas, rng.random_range(0.3..0.8)),
        _ => Curve::log(reference, roas, rng.random_range(0.2..2.0)),
    }
}
