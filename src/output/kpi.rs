//! The KPIs strategists read, computed once for every exporter.
//!
//! Per policy: revenue, spend, conversions, ROAS, CPA, regret, profit (`revenue / τ − spend`,
//! `τ` the target ROAS, 1 for the revenue objective), unspent budget and the difference to the
//! baseline in the objective (paired by replication: both faced the same market draws), each a
//! mean over replications with its 95% interval. Per policy and channel: mean totals, and ratios of mean totals:
//!
//! ```text
//! CTR = clicks / impressions        (CPM)
//! CVR = conversions / clicks        (CPM, CPC)   or conversions / leads (CPL)
//! CPC = spend / clicks              (CPM, CPC)
//! CPL = spend / leads               (CPL)
//! CPA = spend / conversions
//! ROAS = revenue / spend
//! share = allocated to the channel / allocated in total
//! ```
//!
//! A ratio whose denominator is not observed for the pricing model, or is zero, is `None`
//! (an empty cell in CSV, `null` in JSON).

use crate::channel::Pricing;
use crate::runner::ScenarioResults;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// One policy's headline figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicySummary {
    /// 1 for the highest mean revenue.
    pub rank: usize,
    /// The policy's name.
    pub policy: String,
    /// The policy's kind.
    pub kind: String,
    /// Replications behind every mean.
    pub replications: u64,
    /// Revenue over the horizon.
    pub revenue: Interval,
    /// Money spent over the horizon.
    pub spend: Interval,
    /// Conversions over the horizon.
    pub conversions: Interval,
    /// Return on ad spend.
    pub roas: Interval,
    /// Cost per acquisition (over replications with a conversion).
    pub cpa: Option<Interval>,
    /// Cumulative pseudo-regret against the oracle.
    pub regret: Interval,
    /// Profit, `revenue / target_roas − spend` (absent in files written before it was reported).
    #[serde(default)]
    pub profit: Option<Interval>,
    /// Budget left unspent (absent in files written before it was reported).
    #[serde(default)]
    pub unspent: Option<Interval>,
    /// The objective's total minus the baseline's, paired by replication (absent without a
    /// baseline, and in files written before baselines).
    #[serde(default)]
    pub vs_baseline: Option<Interval>,
}

/// One policy's figures on one channel (means over replications).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// The policy's name.
    pub policy: String,
    /// The channel's name.
    pub channel: String,
    /// The channel's pricing model.
    pub pricing: Pricing,
    /// Budget allocated.
    pub allocated: f64,
    /// Money spent.
    pub spend: f64,
    /// Impressions (CPM only).
    pub impressions: Option<f64>,
    /// Clicks (CPM, CPC).
    pub clicks: Option<f64>,
    /// Leads (CPL).
    pub leads: Option<f64>,
    /// Conversions.
    pub conversions: f64,
    /// Revenue.
    pub revenue: f64,
    /// Click-through rate.
    pub ctr: Option<f64>,
    /// Conversion rate per click or lead.
    pub cvr: Option<f64>,
    /// Cost per click.
    pub cpc: Option<f64>,
    /// Cost per lead.
    pub cpl: Option<f64>,
    /// Cost per acquisition.
    pub cpa: Option<f64>,
    /// Return on ad spend.
    pub roas: Option<f64>,
    /// Share of the policy's budget.
    pub share: f64,
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

/// Per-policy summaries in ranking order.
pub fn policy_summaries(results: &ScenarioResults) -> Vec<PolicySummary> {
    results
        .ranking()
        .into_iter()
        .enumerate()
        .map(|(rank, i)| {
            let policy = &results.policies[i];
            let a = &policy.aggregate;
            PolicySummary {
                rank: rank + 1,
                policy: policy.spec.name.clone(),
                kind: policy.spec.kind.as_str().to_owned(),
                replications: a.replications(),
                revenue: a.revenue.interval95(),
                spend: a.spend.interval95(),
                conversions: a.conversions.interval95(),
                roas: a.roas.interval95(),
                cpa: (a.cpa.count() > 0).then(|| a.cpa.interval95()),
                regret: a.regret.interval95(),
                profit: Some(a.profit.interval95()),
                unspent: Some(a.unspent.interval95()),
                vs_baseline: policy.versus_baseline.map(|d| d.interval95()),
            }
        })
        .collect()
}

/// Per-policy, per-channel summaries, policies in scenario order.
pub fn channel_summaries(results: &ScenarioResults) -> Vec<ChannelSummary> {
    let mut rows = Vec::new();
    for policy in &results.policies {
        let total_allocated: f64 = policy
            .aggregate
            .channels
            .iter()
            .map(|c| c.allocated.mean())
            .sum();
        for (channel, a) in results
            .scenario
            .channels
            .iter()
            .zip(&policy.aggregate.channels)
        {
            let pricing = channel.pricing;
            let spend = a.spend.mean();
            let conversions = a.conversions.mean();
            let impressions = (pricing == Pricing::Cpm).then(|| a.impressions.mean());
            let clicks = matches!(pricing, Pricing::Cpm | Pricing::Cpc).then(|| a.clicks.mean());
            let leads = (pricing == Pricing::Cpl).then(|| a.leads.mean());
            rows.push(ChannelSummary {
                policy: policy.spec.name.clone(),
                channel: channel.name.clone(),
                pricing,
                allocated: a.allocated.mean(),
                spend,
                impressions,
                clicks,
                leads,
                conversions,
                revenue: a.revenue.mean(),
                ctr: clicks.zip(impressions).and_then(|(c, i)| ratio(c, i)),
                cvr: clicks
                    .or(leads)
                    .and_then(|trials| ratio(conversions, trials)),
                cpc: clicks.and_then(|c| ratio(spend, c)),
                cpl: leads.and_then(|l| ratio(spend, l)),
                cpa: ratio(spend, conversions),
                roas: ratio(a.revenue.mean(), spend),
                share: ratio(a.allocated.mean(), total_allocated).unwrap_or(0.0),
            });
        }
    }
    rows
}
