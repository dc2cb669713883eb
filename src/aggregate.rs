//! Summaries of many replications of one policy, folded in as replications finish.
//!
//! Every figure is a [`RunningStats`]: the mean and its 95% interval across replications.
//! Per-replication ratios (ROAS, CPA) are averaged as ratios; per-channel KPIs in the reports
//! are ratios of mean totals (e.g. CPC = mean spend / mean clicks), the way a strategist
//! reads a channel's account.

use crate::simulation::ReplicationRecord;
use crate::stats::RunningStats;

/// Running statistics of one channel's totals over the horizon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelAggregate {
    /// Budget allocated.
    pub allocated: RunningStats,
    /// Money spent.
    pub spend: RunningStats,
    /// Paid units bought.
    pub units: RunningStats,
    /// Impressions (CPM).
    pub impressions: RunningStats,
    /// Clicks (CPM, CPC).
    pub clicks: RunningStats,
    /// Leads (CPL).
    pub leads: RunningStats,
    /// Conversions.
    pub conversions: RunningStats,
    /// Revenue.
    pub revenue: RunningStats,
}

/// Running statistics of one policy over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyAggregate {
    /// Revenue over the horizon.
    pub revenue: RunningStats,
    /// Money spent over the horizon.
    pub spend: RunningStats,
    /// Conversions over the horizon.
    pub conversions: RunningStats,
    /// Return on ad spend, `revenue / spend`, per replication.
    pub roas: RunningStats,
    /// Cost per acquisition, `spend / conversions`, over replications with a conversion.
    pub cpa: RunningStats,
    /// Cumulative pseudo-regret over the horizon.
    pub regret: RunningStats,
    /// Profit over the horizon, `revenue / τ − spend` (τ = 1 for the revenue objective).
    pub profit: RunningStats,
    /// Budget left unspent over the horizon.
    pub unspent: RunningStats,
    /// Per channel, in scenario order.
    pub channels: Vec<ChannelAggregate>,
    /// `days × channels`: share of the day's budget.
    pub daily_share: Vec<RunningStats>,
    /// `days × channels`: revenue of the day.
    pub daily_revenue: Vec<RunningStats>,
    /// Per day: revenue from day 0 to this day.
    pub cumulative_revenue: Vec<RunningStats>,
    /// Per day: pseudo-regret from day 0 to this day.
    pub cumulative_regret: Vec<RunningStats>,
    /// Per day: profit from day 0 to this day, `revenue / τ − spend`.
    pub cumulative_profit: Vec<RunningStats>,
}

impl PolicyAggregate {
    /// An empty summary for `days` days and `channels` channels.
    pub fn new(days: usize, channels: usize) -> Self {
        PolicyAggregate {
            revenue: RunningStats::default(),
            spend: RunningStats::default(),
            conversions: RunningStats::default(),
            roas: RunningStats::default(),
            cpa: RunningStats::default(),
            regret: RunningStats::default(),
            profit: RunningStats::default(),
            unspent: RunningStats::default(),
            channels: vec![ChannelAggregate::default(); channels],
            daily_share: vec![RunningStats::default(); days * channels],
            daily_revenue: vec![RunningStats::default(); days * channels],
            cumulative_revenue: vec![RunningStats::default(); days],
            cumulative_regret: vec![RunningStats::default(); days],
            cumulative_profit: vec![RunningStats::default(); days],
        }
    }

    /// Replications folded in.
    pub fn replications(&self) -> u64 {
        self.revenue.count()
    }

    /// Folds in one replication.
    pub fn push(&mut self, record: &ReplicationRecord) {
        let revenue = record.revenue_total();
        let spend = record.spend_total();
        let conversions = record.conversions_total();
        self.revenue.push(revenue);
        self.spend.push(spend);
        self.conversions.push(conversions as f64);
        if spend > 0.0 {
            self.roas.push(revenue / spend);
        }
        if conversions > 0 {
            self.cpa.push(spend / conversions as f64);
        }
        self.regret.push(record.regret_total());
        self.profit.push(record.profit_total());
        self.unspent.push(record.unspent_total());
        for (aggregate, total) in self.channels.iter_mut().zip(&record.totals) {
            aggregate.allocated.push(total.allocated);
            aggregate.spend.push(total.spend);
            aggregate.units.push(total.units as f64);
            aggregate.impressions.push(total.impressions as f64);
            aggregate.clicks.push(total.clicks as f64);
            aggregate.leads.push(total.leads as f64);
            aggregate.conversions.push(total.conversions as f64);
            aggregate.revenue.push(total.revenue);
        }
        for (stats, &share) in self.daily_share.iter_mut().zip(&record.share) {
            stats.push(share);
        }
        for (stats, &revenue) in self.daily_revenue.iter_mut().zip(&record.revenue) {
            stats.push(revenue);
        }
        let mut cumulative_revenue = 0.0;
        let mut cumulative_regret = 0.0;
        let mut cumulative_spend = 0.0;
        let daily_revenue = record.revenue.chunks(record.channels.max(1));
        let days = record.regret.iter().zip(&record.spend).zip(daily_revenue);
        for (day, ((regret, spend), revenue)) in days.enumerate() {
            cumulative_revenue += revenue.iter().sum::<f64>();
            cumulative_regret += regret;
            cumulative_spend += spend;
            self.cumulative_revenue[day].push(cumulative_revenue);
            self.cumulative_regret[day].push(cumulative_regret);
            self.cumulative_profit[day].push(
                record
                    .objective
                    .profit(cumulative_revenue, cumulative_spend),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::Outcome;

    #[test]
    fn push_accumulates_totals_and_cumulative_series() {
        let record = ReplicationRecord {
            channels: 2,
            daily_budget: 25.0,
            objective: crate::objective::Objective::Revenue,
            totals: vec![
                Outcome {
                    spend: 30.0,
                    conversions: 2,
                    revenue: 90.0,
                    ..Outcome::default()
                },
                Outcome {
                    spend: 10.0,
                    conversions: 0,
                    revenue: 0.0,
                    ..Outcome::default()
                },
            ],
            share: vec![0.5, 0.5, 1.0, 0.0],
            revenue: vec![40.0, 0.0, 50.0, 0.0],
            spend: vec![25.0, 15.0],
            regret: vec![3.0, 1.0],
        };
        let mut aggregate = PolicyAggregate::new(2, 2);
        aggregate.push(&record);
        assert_eq!(aggregate.revenue.mean(), 90.0);
        assert_eq!(aggregate.roas.mean(), 90.0 / 40.0);
        assert_eq!(aggregate.cpa.mean(), 20.0);
        assert_eq!(aggregate.regret.mean(), 4.0);
        assert_eq!(aggregate.profit.mean(), 50.0);
        // Two days of 25 budgeted, nothing allocated in this hand-made record.
        assert_eq!(aggregate.unspent.mean(), 50.0);
        assert_eq!(aggregate.cumulative_revenue[1].mean(), 90.0);
        assert_eq!(aggregate.cumulative_regret[0].mean(), 3.0);
        assert_eq!(aggregate.cumulative_profit[0].mean(), 40.0 - 25.0);
        assert_eq!(aggregate.cumulative_profit[1].mean(), 50.0);
        assert_eq!(aggregate.daily_share[2].mean(), 1.0);
    }
}
