//! A market's year as an ad platform exports it: one row per day and campaign, written with
//! an account file beside it.
//!
//! A campaign with usual spend `s₀` spending `s` (two decimals) on day `t` of channel `c` has
//! expected base conversions `n̄ = m_c(t) R_j(s) / value_c` (see [`super::market`]) and a
//! productivity relative to its usual day `π = m_c(t) (R_j(s)/s) / (R_j(s₀)/s₀)`; then
//!
//! ```text
//! paid units   ū = (s / p_j) π^θ_c                       clicks (cpc), impressions (cpm)
//! conversions  n ~ Poisson(q_c(t) n̄)
//! revenue      n · value_c · exp(η − 0.2²/2),   η ~ N(0, 0.2²)     (the day's basket sizes)
//! clicks       n + Poisson(max(ū − q_c(t) n̄, 0))         (cpc)
//!              n + Poisson(max(n̄ / cvr_c − q_c(t) n̄, 0))  (cpm)
//! impressions  max(Poisson(ū), clicks)                    (cpm)
//! ```
//!
//! with `p_j = value_c cvr_c s₀ / R_j(s₀)` a click's price (cpc: conversions per click are
//! `cvr_c` on the usual day) and `cpm_c / 1000` an impression's (cpm). `θ_c` is the share of the
//! curve's bend that the paid units carry: at 1 they saturate as revenue does and the rates per
//! unit stay put (the project's own model), at 0 they grow in proportion to spend and the
//! click-through and conversion rates fall instead (frequency, on a cpm buy). The generator
//! draws `θ` from 0.7–1 for cpc channels, where limited search volume raises the price of a
//! click, and from 0–0.5 for cpm channels, where impressions are bought at a steady price.
//!
//! During a tracking outage the conversions and revenue of every row are written as zero,
//! spend, impressions and clicks as they were. Counts a pricing does not observe are empty
//! cells; a campaign without spend that day has no row.

use super::market::{DAYS, Market};
use super::mix;
use budget_bandit::channel::Pricing;
use rand::SeedableRng;
use rand_distr::{Distribution, Poisson, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Standard deviation of the log of a day's mean value per conversion.
const VALUE_NOISE: f64 = 0.2;

/// One row of the CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Zero-based day.
    pub day: usize,
    /// Channel index.
    pub channel: usize,
    /// Campaign name.
    pub campaign: String,
    /// Spend, in cents.
    pub cents: u64,
    /// Impressions (cpm).
    pub impressions: Option<u64>,
    /// Clicks (cpc, cpm).
    pub clicks: Option<u64>,
    /// Conversions.
    pub conversions: u64,
    /// Revenue, in cents.
    pub revenue_cents: u64,
}

/// The rows of `market`'s history, day by day, in channel and campaign order.
pub fn rows(market: &Market) -> Vec<Row> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(&[market.kind as u64, market.seed, 2]));
    let mut rows = Vec::new();
    for t in 0..DAYS {
        let day_budget = market.budget_on(t);
        for (c, channel) in market.channels.iter().enumerate() {
            if !market.funded(c, t) {
                continue;
            }
            let spend = channel.share * day_budget * Market::jitter(channel.jitter, &mut rng);
            for (campaign, share) in market.running(c, t) {
                let cents = (spend * share * 100.0).round() as u64;
                if cents == 0 {
                    continue;
                }
                let s = cents as f64 / 100.0;
                let base = market.traffic(c, t) * campaign.curve.revenue(s) / channel.value;
                let expected = market.rate(c, t) * base;
                let productivity = market.traffic(c, t) * (campaign.curve.revenue(s) / s)
                    / (campaign.curve.revenue(campaign.reference) / campaign.reference);
                let price = match channel.pricing {
                    Pricing::Cpm => channel.cpm / 1000.0,
                    _ => {
                        channel.value * channel.cvr * campaign.reference
                            / campaign.curve.revenue(campaign.reference)
                    }
                };
                let units = s / price * productivity.powf(channel.delivery);
                let conversions = poisson(expected, &mut rng);
                let eta: f64 = StandardNormal.sample(&mut rng);
                let value = channel.value * (VALUE_NOISE * eta - 0.5 * VALUE_NOISE.powi(2)).exp();
                let (impressions, clicks) = match channel.pricing {
                    Pricing::Cpm => {
                        let clicks = conversions + poisson(base / channel.cvr - expected, &mut rng);
                        (Some(poisson(units, &mut rng).max(clicks)), Some(clicks))
                    }
                    Pricing::Cpc => (
                        None,
                        Some(conversions + poisson(units - expected, &mut rng)),
                    ),
                    // No cpl channel is generated; a cpa row has conversions only.
                    Pricing::Cpa | Pricing::Cpl => (None, None),
                };
                let tracked = !market.outage.contains(&t);
                rows.push(Row {
                    day: t,
                    channel: c,
                    campaign: campaign.name.clone(),
                    cents,
                    impressions,
                    clicks,
                    conversions: if tracked { conversions } else { 0 },
                    revenue_cents: if tracked {
                        (conversions as f64 * value * 100.0).round() as u64
                    } else {
                        0
                    },
                });
            }
        }
    }
    rows
}

/// A Poisson draw of mean `mean`, zero for a mean that is not positive.
fn poisson(mean: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    if mean > 0.0 {
        Poisson::new(mean)
            .expect("a finite positive mean")
            .sample(rng) as u64
    } else {
        0
    }
}

/// Writes `rows` as `history.csv` and the account file `account.toml` reading it into
/// `folder`, and returns the account file's path. The account has tomorrow's budget, no
/// pacing, floors or caps, and the default policy.
pub fn write(market: &Market, rows: &[Row], folder: &Path) -> PathBuf {
    let mut csv = String::from("date,channel,spend,impressions,clicks,conversions,revenue\n");
    let count = |n: Option<u64>| n.map_or_else(String::new, |n| n.to_string());
    for row in rows {
        writeln!(
            csv,
            "{},{},{}.{:02},{},{},{},{}.{:02}",
            market.date(row.day),
            row.campaign,
            row.cents / 100,
            row.cents % 100,
            count(row.impressions),
            count(row.clicks),
            row.conversions,
            row.revenue_cents / 100,
            row.revenue_cents % 100,
        )
        .expect("writing to a string");
    }
    let mut toml = format!(
        "name = \"messy-{}-{}\"\ncurrency = \"EUR\"\ndaily_budget = {:.2}\nhistory = \
         \"history.csv\"\n\n[channel_of]\n",
        market.kind.name(),
        market.seed,
        market.tomorrow_budget()
    );
    for channel in &market.channels {
        for campaign in &channel.campaigns {
            writeln!(toml, "\"{}\" = \"{}\"", campaign.name, channel.name).expect("to a string");
        }
    }
    for channel in &market.channels {
        write!(
            toml,
            "\n[[channels]]\nname = \"{}\"\npricing = \"{}\"\n",
            channel.name,
            channel.pricing.as_str()
        )
        .expect("to a string");
    }
    std::fs::write(folder.join("history.csv"), csv).expect("the history is written");
    let path = folder.join("account.toml");
    std::fs::write(&path, toml).expect("the account is written");
    path
}
