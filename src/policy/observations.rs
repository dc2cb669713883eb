//! What every policy may know: each channel's pricing model and the running totals of what it
//! delivered. The simulation records each day here once, for all policies to read.

use crate::channel::Pricing;
use crate::simulate::Outcome;

/// Running totals of one channel's observed outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelObservations {
    /// The channel's pricing model (public knowledge, not a model parameter).
    pub pricing: Pricing,
    /// Days the channel was given budget.
    pub days_funded: u64,
    /// Money spent.
    pub spend: f64,
    /// Paid units bought.
    pub units: f64,
    /// Conversion trials: impressions (CPM), clicks (CPC), leads (CPL) or conversions (CPA).
    pub trials: f64,
    /// Conversions.
    pub conversions: f64,
    /// Revenue.
    pub revenue: f64,
    /// Days with at least one conversion.
    pub conversion_days: u64,
    /// `Σ revenue_d² / conversions_d` over days with conversions: with `revenue` and
    /// `conversions` a sufficient statistic for the spread of value per conversion.
    pub revenue_sq_per_conversion: f64,
}

impl ChannelObservations {
    fn new(pricing: Pricing) -> Self {
        ChannelObservations {
            pricing,
            days_funded: 0,
            spend: 0.0,
            units: 0.0,
            trials: 0.0,
            conversions: 0.0,
            revenue: 0.0,
            conversion_days: 0,
            revenue_sq_per_conversion: 0.0,
        }
    }

    fn record(&mut self, outcome: &Outcome) {
        if outcome.allocated > 0.0 {
            self.days_funded += 1;
        }
        self.spend += outcome.spend;
        self.units += outcome.units as f64;
        self.trials += match self.pricing {
            Pricing::Cpm => outcome.impressions,
            Pricing::Cpc => outcome.clicks,
            Pricing::Cpl => outcome.leads,
            Pricing::Cpa => outcome.conversions,
        } as f64;
        self.conversions += outcome.conversions as f64;
        self.revenue += outcome.revenue;
        if outcome.conversions > 0 {
            self.conversion_days += 1;
            self.revenue_sq_per_conversion += outcome.revenue.powi(2) / outcome.conversions as f64;
        }
    }

    /// Observed return on ad spend, `revenue / spend` (0 before anything was spent).
    pub fn roas(&self) -> f64 {
        if self.spend > 0.0 {
            self.revenue / self.spend
        } else {
            0.0
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

    /// Estimated variance of a single conversion's value, once conversions were seen on two
    /// days or more.
    ///
    /// Day `d`'s revenue `R_d` sums `c_d` values of mean `v` and variance `σ²`, so
    /// `Σ (R_d − c_d v̂)² / c_d = Σ R_d²/c_d − R²/C` has expectation `(D − 1) σ²` over `D` days
    /// with conversions, `R = Σ R_d`, `C = Σ c_d`, `v̂ = R / C`.
    pub fn value_variance(&self) -> Option<f64> {
        (self.conversion_days >= 2).then(|| {
            let spread = self.revenue_sq_per_conversion - self.revenue.powi(2) / self.conversions;
            spread.max(0.0) / (self.conversion_days - 1) as f64
        })
    }
}

/// The observation bookkeeping shared by all policies.
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    channels: Vec<ChannelObservations>,
    days: usize,
}

impl Observations {
    /// Empty observations of channels with these pricing models.
    pub fn new(pricing: impl IntoIterator<Item = Pricing>) -> Self {
        Observations {
            channels: pricing.into_iter().map(ChannelObservations::new).collect(),
            days: 0,
        }
    }

    /// Records one day's outcomes, one per channel.
    pub fn record(&mut self, outcomes: &[Outcome]) {
        for (channel, outcome) in self.channels.iter_mut().zip(outcomes) {
            channel.record(outcome);
        }
        self.days += 1;
    }

    /// Per-channel totals, in scenario order.
    pub fn channels(&self) -> &[ChannelObservations] {
        &self.channels
    }

    /// Days recorded so far.
    pub fn days(&self) -> usize {
        self.days
    }

    /// Mean revenue per conversion over all channels, once any channel converted.
    pub fn pooled_value_per_conversion(&self) -> Option<f64> {
        let conversions: f64 = self.channels.iter().map(|c| c.conversions).sum();
        let revenue: f64 = self.channels.iter().map(|c| c.revenue).sum();
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
            observed.record(&[outcome]);
        }
        let channel = &observed.channels()[0];
        assert_eq!(channel.value_per_conversion(), Some(20.0));
        // Σ R²/c − R²/C = 800 + 400 + 800 − 100²/5 = 0: daily means are all 20.
        assert_eq!(channel.value_variance(), Some(0.0));
        observed.record(&[day(1, 50.0)]);
        let channel = &observed.channels()[0];
        let mean = 150.0 / 6.0;
        let expected = (800.0 + 400.0 + 800.0 + 2500.0 - 150.0f64.powi(2) / 6.0) / 3.0;
        assert_eq!(channel.value_per_conversion(), Some(mean));
        assert!((channel.value_variance().unwrap() - expected).abs() < 1e-9);
        assert_eq!(channel.days_funded, 4);
        assert_eq!(channel.trials, 20.0);
    }
}
