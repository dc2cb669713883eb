//! Summaries of many replications of one policy, folded in as replications finish.
//!
//! Every figure is a [`RunningStats`]: the mean and its 95% interval across replications.
//! Per-replication ratios (ROAS, CPA) are averaged as ratios; per-channel KPIs in the reports
//! are ratios of mean totals (e.g. CPC = mean spend / mean clicks), the way a strategist
//! reads a channel's account.
//!
//! The daily series are kept per row of [`crate::checkpoints`] (every day up to 2,000 days,
//! log-spaced buckets beyond). For row `k` of `n_k` days each replication contributes its mean
//! per day over the row, and the cumulative figures at the row's last day:
//!
//! ```text
//! share_{k,i} = (1 / n_k) Σ_{t ∈ D_k} s_{t,i} / B,      revenue_{k,i} = (1 / n_k) Σ_{t ∈ D_k} revenue_{t,i}
//! ```
//!
//! so the mean over replications of a row is the mean of its days' means, and a one-day row is
//! that day. Memory is `rows × channels` statistics per policy, whatever the horizon.

use crate::checkpoints::Checkpoints;
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

impl ChannelAggregate {
    /// The channel's figures in a fixed order (for merging and storing).
    pub fn figures(&self) -> [&RunningStats; 8] {
        [
            &self.allocated,
            &self.spend,
            &self.units,
            &self.impressions,
            &self.clicks,
            &self.leads,
            &self.conversions,
            &self.revenue,
        ]
    }

    /// The channel's figures, mutable, in the order of [`ChannelAggregate::figures`].
    pub fn figures_mut(&mut self) -> [&mut RunningStats; 8] {
        [
            &mut self.allocated,
            &mut self.spend,
            &mut self.units,
            &mut self.impressions,
            &mut self.clicks,
            &mut self.leads,
            &mut self.conversions,
            &mut self.revenue,
        ]
    }
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
    /// The rows of the daily series.
    pub checkpoints: Checkpoints,
    /// `rows × channels`: share of the day's budget, the mean per day over the row's days.
    pub daily_share: Vec<RunningStats>,
    /// `rows × channels`: revenue of a day, the mean per day over the row's days.
    pub daily_revenue: Vec<RunningStats>,
    /// Per row: revenue from the first day to the row's last.
    pub cumulative_revenue: Vec<RunningStats>,
    /// Per row: pseudo-regret from the first day to the row's last.
    pub cumulative_regret: Vec<RunningStats>,
    /// Per row: profit from the first day to the row's last, `revenue / τ − spend`.
    pub cumulative_profit: Vec<RunningStats>,
}

impl PolicyAggregate {
    /// An empty summary for the rows `checkpoints` and `channels` channels.
    pub fn new(checkpoints: Checkpoints, channels: usize) -> Self {
        let rows = checkpoints.len();
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
            checkpoints,
            daily_share: vec![RunningStats::default(); rows * channels],
            daily_revenue: vec![RunningStats::default(); rows * channels],
            cumulative_revenue: vec![RunningStats::default(); rows],
            cumulative_regret: vec![RunningStats::default(); rows],
            cumulative_profit: vec![RunningStats::default(); rows],
        }
    }

    /// Folds in the summary of other replications (Chan et al.'s update for every figure), as
    /// if they had been pushed after this summary's own. Floating-point sums depend on their
    /// order, so a caller that wants the same bits every time merges in a fixed order.
    pub fn merge(&mut self, other: &PolicyAggregate) {
        debug_assert_eq!(self.checkpoints, other.checkpoints);
        debug_assert_eq!(self.channels.len(), other.channels.len());
        for (mine, theirs) in self.figures_mut().into_iter().zip(other.figures()) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.channels.iter_mut().zip(&other.channels) {
            for (a, b) in mine.figures_mut().into_iter().zip(theirs.figures()) {
                a.merge(b);
            }
        }
        for (mine, theirs) in self.series_mut().into_iter().zip(other.series()) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                a.merge(b);
            }
        }
    }

    /// The figures over the horizon, in a fixed order (for merging and storing).
    pub fn figures(&self) -> [&RunningStats; 8] {
        [
            &self.revenue,
            &self.spend,
            &self.conversions,
            &self.roas,
            &self.cpa,
            &self.regret,
            &self.profit,
            &self.unspent,
        ]
    }

    /// The figures over the horizon, mutable, in the order of [`PolicyAggregate::figures`].
    pub fn figures_mut(&mut self) -> [&mut RunningStats; 8] {
        [
            &mut self.revenue,
            &mut self.spend,
            &mut self.conversions,
            &mut self.roas,
            &mut self.cpa,
            &mut self.regret,
            &mut self.profit,
            &mut self.unspent,
        ]
    }

    /// The daily series, in a fixed order: share and revenue (`rows × channels` each), then
    /// cumulative revenue, regret and profit (`rows` each).
    pub fn series(&self) -> [&[RunningStats]; 5] {
        [
            &self.daily_share,
            &self.daily_revenue,
            &self.cumulative_revenue,
            &self.cumulative_regret,
            &self.cumulative_profit,
        ]
    }

    /// The daily series, mutable, in the order of [`PolicyAggregate::series`].
    pub fn series_mut(&mut self) -> [&mut [RunningStats]; 5] {
        [
            &mut self.daily_share,
            &mut self.daily_revenue,
            &mut self.cumulative_revenue,
            &mut self.cumulative_regret,
            &mut self.cumulative_profit,
        ]
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
        let width = record.channels.max(1);
        let rows = self
            .daily_share
            .chunks_mut(width)
            .zip(self.daily_revenue.chunks_mut(width))
            .zip(record.share.chunks(width).zip(record.revenue.chunks(width)))
            .zip(self.checkpoints.iter());
        for (((shares, revenues), (share_sums, revenue_sums)), days) in rows {
            // Exact for one-day rows: x / 1 = x.
            let length = days.len() as f64;
            for (stats, &sum) in shares.iter_mut().zip(share_sums) {
                stats.push(sum / length);
            }
            for (stats, &sum) in revenues.iter_mut().zip(revenue_sums) {
                stats.push(sum / length);
            }
        }
        let cumulative = record
            .cumulative_revenue
            .iter()
            .zip(&record.cumulative_regret)
            .zip(&record.cumulative_spend);
        for (row, ((&revenue, &regret), &spend)) in cumulative.enumerate() {
            self.cumulative_revenue[row].push(revenue);
            self.cumulative_regret[row].push(regret);
            self.cumulative_profit[row].push(record.objective.profit(revenue, spend));
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
            days: 2,
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
            cumulative_revenue: vec![40.0, 90.0],
            cumulative_regret: vec![3.0, 4.0],
            cumulative_spend: vec![25.0, 40.0],
        };
        let mut aggregate = PolicyAggregate::new(Checkpoints::new(2), 2);
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

    /// A bucket's statistics are the means over its days: a small horizon with a tiny
    /// threshold, so most rows are buckets, against the same replications recorded day by
    /// day (every day a row).
    #[test]
    fn a_bucket_holds_the_mean_of_its_days() {
        use crate::scenario::Scenario;
        use crate::simulation::Simulation;
        let scenario = Scenario::from_toml(
            "buckets",
            r#"
            name = "buckets"
            days = 40
            daily_budget = 1000.0
            seed = 5
            start_weekday = "thursday"

            [[channels]]
            name = "search"
            pricing = "cpc"
            price = 2.0
            price_cv = 0.3
            cvr = 0.05
            value = 40.0
            value_cv = 0.5
            audience = 300.0
            weekday = [1.0, 1.2, 0.9, 1.0, 0.8, 0.6, 1.1]

            [[channels]]
            name = "social"
            pricing = "cpm"
            price = 10.0
            ctr = 0.01
            cvr = 0.04
            value = 30.0
            lag = { mean_days = 2.0, max_days = 4 }

            [[channels.shifts]]
            day = 17
            cvr = 0.5

            [[channels]]
            name = "affiliate"
            pricing = "cpa"
            price = 25.0
            value = 60.0
            "#,
        )
        .unwrap();
        let days = scenario.days;
        let channels = scenario.channels.len();
        let buckets = Checkpoints::with_layout(days, 3, 2);
        assert!(buckets.iter().any(|r| r.len() >= 4), "{buckets:?}");
        let bucketed = Simulation::with_checkpoints(&scenario, buckets.clone());
        let daily =
            Simulation::with_checkpoints(&scenario, Checkpoints::with_layout(days, days, 1));
        for policy in &scenario.policies {
            let mut by_bucket = PolicyAggregate::new(buckets.clone(), channels);
            let mut by_day = PolicyAggregate::new(Checkpoints::new(days), channels);
            for replication in 0..6 {
                let record = bucketed.run(policy, replication);
                let per_day = daily.run(policy, replication);
                assert_eq!(record.totals, per_day.totals, "{}", policy.name);
                assert_eq!(record.regret_total(), per_day.regret_total());
                by_bucket.push(&record);
                by_day.push(&per_day);
            }
            for (row, range) in buckets.iter().enumerate() {
                let last = range.end - 1;
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
                for i in 0..channels {
                    for (bucket, day) in [
                        (&by_bucket.daily_share, &by_day.daily_share),
                        (&by_bucket.daily_revenue, &by_day.daily_revenue),
                    ] {
                        let mean_of_days = range
                            .clone()
                            .map(|d| day[d * channels + i].mean())
                            .sum::<f64>()
                            / range.len() as f64;
                        let mean = bucket[row * channels + i].mean();
                        assert!(
                            close(mean, mean_of_days),
                            "{} row {row} ({range:?}) channel {i}: {mean} vs {mean_of_days}",
                            policy.name
                        );
                    }
                }
                // Cumulative figures are the day's own, at the row's last day.
                for (bucket, day) in [
                    (&by_bucket.cumulative_revenue, &by_day.cumulative_revenue),
                    (&by_bucket.cumulative_regret, &by_day.cumulative_regret),
                    (&by_bucket.cumulative_profit, &by_day.cumulative_profit),
                ] {
                    assert_eq!(bucket[row], day[last], "{} row {row}", policy.name);
                }
            }
        }
    }
}
