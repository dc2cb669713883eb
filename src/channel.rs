//! The channel model: what a day's spend buys in expectation.
//!
//! A channel sells *paid units*; what a unit is depends on its pricing model:
//!
//! | pricing | one paid unit            | conversions per unit `k` |
//! |---------|--------------------------|--------------------------|
//! | `cpm`   | a thousand impressions   | `1000 * ctr * cvr`       |
//! | `cpc`   | a click                  | `cvr`                    |
//! | `cpl`   | a lead                   | `cvr`                    |
//! | `cpa`   | an acquisition           | `1`                      |
//!
//! Spending `s` in a day buys in expectation
//!
//! ```text
//! u(s) = A * (1 - exp(-s / (price * A)))     with an audience A (diminishing returns)
//! u(s) = s / price                           without one
//! ```
//!
//! a concave curve with slope `1 / price` at zero that never exceeds `A`. Expected revenue is
//! `R(s) = value * k * u(s)` and its marginal `R'(s) = (value * k / price) * exp(-s / (price * A))`.
//! These closed forms are what the [oracle](crate::oracle) maximises and what regret is measured
//! against; the [simulator](crate::simulate) draws outcomes whose means are exactly these.

use serde::Serialize;

/// What one paid unit of a channel is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Pricing {
    /// Cost per mille: a unit is a thousand impressions.
    Cpm,
    /// Cost per click: a unit is a click.
    Cpc,
    /// Cost per lead: a unit is a lead.
    Cpl,
    /// Cost per acquisition: a unit is a conversion.
    Cpa,
}

impl Pricing {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Pricing::Cpm => "cpm",
            Pricing::Cpc => "cpc",
            Pricing::Cpl => "cpl",
            Pricing::Cpa => "cpa",
        }
    }

    /// How many conversion *trials* one paid unit gives: impressions per mille for CPM,
    /// one click, lead or acquisition otherwise. Learners model conversions per trial.
    pub fn trials_per_unit(self) -> f64 {
        match self {
            Pricing::Cpm => 1000.0,
            Pricing::Cpc | Pricing::Cpl | Pricing::Cpa => 1.0,
        }
    }
}

/// A validated channel: every rate in `[0, 1]`, every price and value positive and finite.
///
/// Built only by [`crate::scenario`] validation, so the model code never re-checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Channel {
    /// Unique name, used in results and charts.
    pub name: String,
    /// What one paid unit is.
    pub pricing: Pricing,
    /// Mean price of a paid unit (per thousand impressions for CPM), in the scenario's currency.
    pub price: f64,
    /// Coefficient of variation of the day's auction price (0 = no noise).
    pub price_cv: f64,
    /// Clicks per impression; CPM only, 1 for the others.
    pub ctr: f64,
    /// Conversions per click (CPM, CPC) or per lead (CPL); 1 for CPA.
    pub cvr: f64,
    /// Mean revenue per conversion.
    pub value: f64,
    /// Coefficient of variation of revenue per conversion (0 = every conversion is worth `value`).
    pub value_cv: f64,
    /// Most paid units a day can buy (diminishing returns); `None` for a linear channel.
    pub audience: Option<f64>,
}

impl Channel {
    /// Expected conversions per paid unit, `k` in the module formulas.
    pub fn conversions_per_unit(&self) -> f64 {
        match self.pricing {
            Pricing::Cpm => 1000.0 * self.ctr * self.cvr,
            Pricing::Cpc | Pricing::Cpl => self.cvr,
            Pricing::Cpa => 1.0,
        }
    }

    /// Expected revenue per paid unit, `value * k`.
    pub fn revenue_per_unit(&self) -> f64 {
        self.value * self.conversions_per_unit()
    }

    /// Expected return per currency unit at zero spend, `value * k / price`: the best ROAS the
    /// channel can give, and its constant ROAS when it has no audience cap.
    pub fn initial_roas(&self) -> f64 {
        self.revenue_per_unit() / self.price
    }

    /// Expected paid units bought with `spend`, `u(s)`.
    pub fn expected_units(&self, spend: f64) -> f64 {
        units_bought(self.price, self.audience, spend)
    }

    /// Extra units the next currency unit buys at `spend`, `u'(s)`.
    pub fn marginal_units(&self, spend: f64) -> f64 {
        marginal_units_bought(self.price, self.audience, spend)
    }

    /// Expected revenue from `spend`, `R(s) = value * k * u(s)`.
    pub fn expected_revenue(&self, spend: f64) -> f64 {
        self.revenue_per_unit() * self.expected_units(spend)
    }

    /// Marginal expected revenue of the next currency unit at `spend`, `R'(s)`.
    pub fn marginal_revenue(&self, spend: f64) -> f64 {
        self.revenue_per_unit() * self.marginal_units(spend)
    }

    /// The spend at which the marginal return falls to `marginal`, the inverse of
    /// [`marginal_revenue`](Self::marginal_revenue): `price * A * ln(R'(0) / marginal)`, zero when
    /// the channel never returns that much, and infinite for a linear channel that always does.
    pub fn spend_at_marginal(&self, marginal: f64) -> f64 {
        let initial = self.initial_roas();
        if initial <= marginal {
            return 0.0;
        }
        match self.audience {
            Some(audience) => self.price * audience * (initial / marginal).ln(),
            None => f64::INFINITY,
        }
    }
}

/// A curve of the oracle's family for tests: each paid unit is one conversion worth `value`
/// (`cpa`, no noise), bought at `price` up to `audience`.
#[cfg(test)]
pub(crate) fn test_curve(price: f64, value: f64, audience: Option<f64>) -> Channel {
    Channel {
        name: String::new(),
        pricing: Pricing::Cpa,
        price,
        price_cv: 0.0,
        ctr: 1.0,
        cvr: 1.0,
        value,
        value_cv: 0.0,
        audience,
    }
}

/// `u(s)` of a channel with the given price and audience (see the module docs).
pub fn units_bought(price: f64, audience: Option<f64>, spend: f64) -> f64 {
    match audience {
        // -A * expm1(-x) keeps full precision when s is small against price * A.
        Some(audience) => -audience * (-spend / (price * audience)).exp_m1(),
        None => spend / price,
    }
}

/// `u'(s) = exp(−s / (price · A)) / price` (or `1 / price` without an audience).
pub fn marginal_units_bought(price: f64, audience: Option<f64>, spend: f64) -> f64 {
    match audience {
        Some(audience) => (-spend / (price * audience)).exp() / price,
        None => 1.0 / price,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A CPC channel with an audience, shared by tests across the crate.
    pub(crate) fn search() -> Channel {
        Channel {
            name: "search".into(),
            pricing: Pricing::Cpc,
            price: 9.0,
            price_cv: 0.15,
            ctr: 1.0,
            cvr: 0.035,
            value: 850.0,
            value_cv: 0.6,
            audience: Some(600.0),
        }
    }

    #[test]
    fn units_are_concave_and_capped_by_the_audience() {
        let channel = search();
        assert_eq!(channel.expected_units(0.0), 0.0);
        let slope_at_zero = channel.expected_units(1e-6) / 1e-6;
        assert!((slope_at_zero - 1.0 / 9.0).abs() < 1e-9);
        assert!(channel.expected_units(1e9) <= 600.0);
        let (a, b, c) = (
            channel.expected_units(1000.0),
            channel.expected_units(2000.0),
            channel.expected_units(3000.0),
        );
        assert!(b - a > c - b, "diminishing returns");
    }

    #[test]
    fn marginal_is_the_derivative_and_inverts() {
        let channel = search();
        for spend in [0.0, 500.0, 4000.0, 20000.0] {
            let h = 1e-3;
            let numeric =
                (channel.expected_revenue(spend + h) - channel.expected_revenue(spend)) / h;
            assert!((numeric - channel.marginal_revenue(spend)).abs() < 1e-5);
            let back = channel.spend_at_marginal(channel.marginal_revenue(spend));
            assert!((back - spend).abs() < 1e-6 * (1.0 + spend));
        }
    }

    #[test]
    fn conversions_per_unit_follow_the_pricing_model() {
        let mut channel = search();
        channel.pricing = Pricing::Cpm;
        channel.ctr = 0.01;
        assert!((channel.conversions_per_unit() - 1000.0 * 0.01 * 0.035).abs() < 1e-12);
        channel.pricing = Pricing::Cpa;
        assert_eq!(channel.conversions_per_unit(), 1.0);
    }
}
