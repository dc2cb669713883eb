//! Drawing one channel's outcome for one day.
//!
//! For spend `s` on a channel with expected units `u(s)` (see [`crate::channel`]):
//!
//! 1. **Auction noise**: the units the money buys are `x = u(s) * m`, where `m` is a mean-one
//!    log-normal factor with coefficient of variation `price_cv`
//!    (`ln m ~ Normal(-σ²/2, σ²)`, `σ² = ln(1 + price_cv²)`). The day's effective price is `s / x`.
//! 2. **Whole units**: `x` is rounded stochastically, `n = floor(x) + Bernoulli(x - floor(x))`,
//!    so `E[n] = u(s)` exactly and one currency unit at price 1 buys exactly one unit.
//!    The cost is `min(n * s / x, s)`: never more than the day's spend.
//! 3. **Funnel**: CPM: impressions `= 1000 n`, clicks `~ Binomial(impressions, ctr)`,
//!    conversions `~ Binomial(clicks, cvr)`; CPC: clicks `= n`, conversions
//!    `~ Binomial(n, cvr)`; CPL: leads `= n`, conversions `~ Binomial(n, cvr)`; CPA:
//!    conversions `= n`.
//! 4. **Revenue**: the sum of `c` conversion values, each with mean `value` and coefficient of
//!    variation `value_cv`, drawn in one step as `Gamma(shape = c / value_cv², scale =
//!    value * value_cv²)` (a sum of independent Gammas with a common scale), or `c * value` when
//!    `value_cv = 0`.
//!
//! Hence `E[conversions] = k u(s)` and `E[revenue] = value k u(s)`: the closed forms the oracle
//! and the regret use. The channel passed in is the day's (its base parameters times the day's
//! levels, see [`crate::dynamics`]).
//!
//! 5. **Lag** (optional): the day's `c` conversions are spread over delays `a = 0..=L` by
//!    sequential binomials, `n_a ~ Binomial(c − Σ_{b<a} n_b, P(a) / P(d ≥ a))`, a multinomial
//!    with the lag's probabilities. Their revenue is split the way independent Gamma values
//!    split: `R_a = R · G_a / Σ G_b` with `G_a ~ Gamma(n_a / value_cv², 1)` (a Dirichlet), so
//!    each part is distributed as the sum of its own `n_a` values.

use crate::channel::{Channel, Pricing};
use crate::dynamics::Lag;
use crate::streams::{ChannelKey, stream};
use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution, Gamma, LogNormal};
use serde::Serialize;

/// What a channel delivered in one day, or summed over several days.
///
/// Counts that a pricing model does not observe stay zero: impressions exist only for CPM,
/// clicks for CPM and CPC, leads for CPL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Outcome {
    /// Budget the policy allocated to the channel.
    pub allocated: f64,
    /// Money actually spent (the cost of the units bought), at most `allocated`.
    pub spend: f64,
    /// Paid units bought.
    pub units: u64,
    /// Impressions served (CPM).
    pub impressions: u64,
    /// Clicks (CPM, CPC).
    pub clicks: u64,
    /// Leads (CPL).
    pub leads: u64,
    /// Conversions (sales or signed deals).
    pub conversions: u64,
    /// Revenue of the conversions.
    pub revenue: f64,
}

impl Outcome {
    /// Whether every field is zero (`== Outcome::default()`, without branching field by
    /// field: most channels are unfunded on most days of a winner-takes-all run).
    pub fn is_nothing(&self) -> bool {
        (self.units | self.impressions | self.clicks | self.leads | self.conversions) == 0
            && (self.allocated == 0.0) & (self.spend == 0.0) & (self.revenue == 0.0)
    }

    /// Adds another outcome to this one, field by field.
    pub fn add(&mut self, other: &Outcome) {
        self.allocated += other.allocated;
        self.spend += other.spend;
        self.units += other.units;
        self.impressions += other.impressions;
        self.clicks += other.clicks;
        self.leads += other.leads;
        self.conversions += other.conversions;
        self.revenue += other.revenue;
    }
}

/// Draws a channel's daily outcomes; holds the distributions that do not depend on spend or
/// the day.
#[derive(Debug, Clone)]
pub struct ChannelSimulator {
    key: ChannelKey,
    auction_noise: Option<LogNormal<f64>>,
    value_cv: f64,
}

impl ChannelSimulator {
    /// Prepares the simulator of a validated channel.
    pub fn new(channel: &Channel) -> Self {
        let auction_noise = (channel.price_cv > 0.0).then(|| {
            let sigma2 = channel.price_cv.powi(2).ln_1p();
            LogNormal::new(-sigma2 / 2.0, sigma2.sqrt())
                .expect("validated price_cv gives a finite, positive sigma")
        });
        ChannelSimulator {
            key: ChannelKey::new(&channel.name),
            auction_noise,
            value_cv: channel.value_cv,
        }
    }

    /// The channel's part of its stream keys.
    pub fn key(&self) -> ChannelKey {
        self.key
    }

    /// Draws one day's outcome of spending `spend` on `channel` as it is that day (draws in a
    /// fixed order: noise, rounding, funnel, value).
    pub fn day<R: Rng + ?Sized>(&self, channel: &Channel, spend: f64, rng: &mut R) -> Outcome {
        let mut outcome = Outcome {
            allocated: spend,
            ..Outcome::default()
        };
        if spend <= 0.0 {
            return outcome;
        }
        // The funnel and the values draw from streams of their own, seeded first, so that
        // policies spending differently still share them draw for draw (common random numbers
        // stay aligned however many draws the other steps take).
        // Their seeds are taken in every case; a stream is only built when it is drawn from.
        let funnel_seed = rng.next_u64();
        let value_seed = rng.next_u64();
        let noise = self.auction_noise.map_or(1.0, |d| d.sample(rng));
        let exact_units = channel.expected_units(spend) * noise;
        let whole = exact_units.floor();
        let rounded_up = rng.random::<f64>() < exact_units - whole;
        let units = whole as u64 + u64::from(rounded_up);
        outcome.units = units;
        outcome.spend = if units == 0 {
            0.0
        } else {
            (units as f64 * spend / exact_units).min(spend)
        };
        let funnel_rng = || stream(funnel_seed);
        outcome.conversions = match channel.pricing {
            Pricing::Cpm => {
                let mut funnel_rng = funnel_rng();
                outcome.impressions = units * 1000;
                outcome.clicks = binomial(outcome.impressions, channel.ctr, &mut funnel_rng);
                binomial(outcome.clicks, channel.cvr, &mut funnel_rng)
            }
            Pricing::Cpc => {
                outcome.clicks = units;
                binomial(units, channel.cvr, &mut funnel_rng())
            }
            Pricing::Cpl => {
                outcome.leads = units;
                binomial(units, channel.cvr, &mut funnel_rng())
            }
            Pricing::Cpa => units,
        };
        outcome.revenue = self.revenue(channel.value, outcome.conversions, value_seed);
        outcome
    }

    /// Spreads a day's `conversions` and `revenue` over the lag's delays (step 5 of the module
    /// docs): `into[a]` receives the conversions and revenue arriving `a` days later.
    pub fn spread_over_lag<R: Rng + ?Sized>(
        &self,
        lag: &Lag,
        conversions: u64,
        revenue: f64,
        rng: &mut R,
        into: &mut Vec<(u64, f64)>,
    ) {
        into.clear();
        let mut remaining = conversions;
        let mut tail = 1.0;
        for &p in lag.pmf() {
            let n = if remaining == 0 {
                0
            } else if p >= tail {
                remaining
            } else {
                binomial(remaining, (p / tail).clamp(0.0, 1.0), rng)
            };
            remaining -= n;
            tail -= p;
            into.push((n, 0.0));
        }
        if let Some(last) = into.last_mut() {
            last.0 += remaining;
        }
        if conversions == 0 {
            return;
        }
        if self.value_cv == 0.0 {
            for part in into.iter_mut() {
                part.1 = revenue * part.0 as f64 / conversions as f64;
            }
            return;
        }
        let cv2 = self.value_cv * self.value_cv;
        let mut weights = 0.0;
        for part in into.iter_mut() {
            if part.0 > 0 {
                part.1 = Gamma::new(part.0 as f64 / cv2, 1.0)
                    .expect("a positive count and validated value_cv give a positive shape")
                    .sample(rng);
                weights += part.1;
            }
        }
        for part in into.iter_mut() {
            part.1 = if weights > 0.0 {
                revenue * part.1 / weights
            } else {
                revenue * part.0 as f64 / conversions as f64
            };
        }
    }

    fn revenue(&self, value: f64, conversions: u64, seed: u64) -> f64 {
        let cv = self.value_cv;
        if conversions == 0 {
            0.0
        } else if cv == 0.0 {
            conversions as f64 * value
        } else {
            let cv2 = cv * cv;
            Gamma::new(conversions as f64 / cv2, value * cv2)
                .expect("validated value and value_cv give a positive shape and scale")
                .sample(&mut stream(seed))
        }
    }
}

/// A `Binomial(trials, p)` draw: one uniform for a single trial, inversion when few successes
/// are expected (`n · min(p, 1 − p) < 10`, about `n p + 1` steps), `rand_distr`'s BTPE otherwise.
fn binomial<R: Rng + ?Sized>(trials: u64, p: f64, rng: &mut R) -> u64 {
    if trials == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return trials;
    }
    if trials == 1 {
        return u64::from(rng.random::<f64>() < p);
    }
    let q = p.min(1.0 - p);
    if (trials as f64) * q < 10.0 {
        let successes = binomial_by_inversion(trials, q, rng);
        return if q < p { trials - successes } else { successes };
    }
    Binomial::new(trials, p)
        .expect("validated rates lie in [0, 1]")
        .sample(rng)
}

/// Inversion (Kachitvichyanukul and Schmeiser's BINV): walk the probabilities
/// `P(x) = P(x − 1) · (n − x + 1) / x · p / (1 − p)` from `P(0) = (1 − p)ⁿ` until the uniform is
/// used up; for `p ≤ 1/2` and `n p < 10`.
fn binomial_by_inversion<R: Rng + ?Sized>(trials: u64, p: f64, rng: &mut R) -> u64 {
    let odds = p / (1.0 - p);
    let first = (trials as f64 * (-p).ln_1p()).exp();
    'draw: loop {
        let mut u: f64 = rng.random();
        let mut probability = first;
        let mut x = 0u64;
        while u > probability {
            u -= probability;
            x += 1;
            if x > trials {
                // Rounding left a sliver of the uniform unused: draw again.
                continue 'draw;
            }
            probability *= odds * (trials - x + 1) as f64 / x as f64;
        }
        return x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::tests::search;
    use crate::stats::RunningStats;
    use crate::streams::ReplicationStreams;

    #[test]
    fn nothing_is_the_default_outcome() {
        assert!(Outcome::default().is_nothing());
        let set: [fn(&mut Outcome); 8] = [
            |o| o.allocated = 1.0,
            |o| o.spend = 1e-300,
            |o| o.units = 1,
            |o| o.impressions = 1,
            |o| o.clicks = 1,
            |o| o.leads = 1,
            |o| o.conversions = 1,
            |o| o.revenue = f64::NAN,
        ];
        for field in set {
            let mut outcome = Outcome::default();
            field(&mut outcome);
            assert!(!outcome.is_nothing(), "{outcome:?}");
        }
    }

    /// Simulates `days` independent days and returns the running statistics of units,
    /// clicks, conversions and revenue.
    fn simulate_many(channel: &Channel, spend: f64, days: usize) -> [RunningStats; 5] {
        let simulator = ChannelSimulator::new(channel);
        let streams = ReplicationStreams::new(11, 0);
        let mut stats = [RunningStats::default(); 5];
        for day in 0..days {
            let outcome = simulator.day(
                channel,
                spend,
                &mut streams.channel_day(ChannelKey::new(&channel.name), day),
            );
            assert!(outcome.spend <= spend);
            stats[0].push(outcome.units as f64);
            stats[1].push(outcome.clicks as f64);
            stats[2].push(outcome.conversions as f64);
            stats[3].push(outcome.revenue);
            stats[4].push(outcome.impressions as f64);
        }
        stats
    }

    /// Asserts that a simulated mean is within 4.5 standard errors of its closed form
    /// (a false alarm about once in 150,000 checks).
    fn assert_mean(what: &str, stats: &RunningStats, expected: f64) {
        let z = (stats.mean() - expected) / stats.standard_error().max(1e-12);
        assert!(
            z.abs() < 4.5,
            "{what}: simulated mean {} vs closed form {expected} (z = {z:.2})",
            stats.mean()
        );
    }

    #[test]
    fn cpc_means_match_closed_forms() {
        let channel = search();
        let spend = 3000.0;
        let [units, clicks, conversions, revenue, _] = simulate_many(&channel, spend, 20_000);
        let u = channel.expected_units(spend);
        assert_mean("units", &units, u);
        assert_mean("clicks", &clicks, u);
        assert_mean("conversions", &conversions, channel.cvr * u);
        assert_mean("revenue", &revenue, channel.expected_revenue(spend));
    }

    #[test]
    fn cpm_means_match_closed_forms() {
        let channel = Channel {
            name: "social".into(),
            pricing: Pricing::Cpm,
            price: 65.0,
            price_cv: 0.25,
            ctr: 0.009,
            cvr: 0.02,
            value: 700.0,
            value_cv: 0.8,
            audience: Some(150.0),
        };
        let spend = 2500.0;
        let [units, clicks, conversions, revenue, impressions] =
            simulate_many(&channel, spend, 20_000);
        let u = channel.expected_units(spend);
        assert_mean("units", &units, u);
        assert_mean("impressions", &impressions, 1000.0 * u);
        assert_mean("clicks", &clicks, 1000.0 * channel.ctr * u);
        assert_mean(
            "conversions",
            &conversions,
            channel.conversions_per_unit() * u,
        );
        assert_mean("revenue", &revenue, channel.expected_revenue(spend));
    }

    #[test]
    fn cpa_and_cpl_means_match_closed_forms() {
        let mut channel = search();
        channel.pricing = Pricing::Cpa;
        channel.price = 380.0;
        channel.audience = Some(12.0);
        let spend = 2000.0;
        let [units, _, conversions, revenue, _] = simulate_many(&channel, spend, 20_000);
        assert_mean("cpa units", &units, channel.expected_units(spend));
        assert_mean(
            "cpa conversions",
            &conversions,
            channel.expected_units(spend),
        );
        assert_mean("cpa revenue", &revenue, channel.expected_revenue(spend));

        channel.pricing = Pricing::Cpl;
        channel.cvr = 0.12;
        let [_, _, conversions, revenue, _] = simulate_many(&channel, spend, 20_000);
        assert_mean(
            "cpl conversions",
            &conversions,
            0.12 * channel.expected_units(spend),
        );
        assert_mean("cpl revenue", &revenue, channel.expected_revenue(spend));
    }

    #[test]
    fn one_unit_at_price_one_buys_exactly_one_unit() {
        let channel = Channel {
            name: "arm".into(),
            pricing: Pricing::Cpc,
            price: 1.0,
            price_cv: 0.0,
            ctr: 1.0,
            cvr: 0.3,
            value: 1.0,
            value_cv: 0.0,
            audience: None,
        };
        let simulator = ChannelSimulator::new(&channel);
        let streams = ReplicationStreams::new(1, 0);
        for day in 0..1000 {
            let outcome = simulator.day(
                &channel,
                1.0,
                &mut streams.channel_day(ChannelKey::new(&channel.name), day),
            );
            assert_eq!((outcome.units, outcome.spend), (1, 1.0));
            assert_eq!(outcome.revenue, outcome.conversions as f64);
        }
    }

    /// Lagged arrivals: each delay's share of conversions matches the lag's probabilities, and
    /// revenue per arriving conversion keeps its mean.
    #[test]
    fn lag_spreads_conversions_with_its_probabilities() {
        let channel = search();
        let simulator = ChannelSimulator::new(&channel);
        let lag = Lag::new(2.0, 5);
        let streams = ReplicationStreams::new(3, 0);
        let mut parts = Vec::new();
        let mut share = [RunningStats::default(); 6];
        let mut value = RunningStats::default();
        for day in 0..20_000 {
            let mut rng = streams.channel_day(ChannelKey::new(&channel.name), day);
            let outcome = simulator.day(&channel, 3000.0, &mut rng);
            simulator.spread_over_lag(
                &lag,
                outcome.conversions,
                outcome.revenue,
                &mut rng,
                &mut parts,
            );
            assert_eq!(parts.iter().map(|p| p.0).sum::<u64>(), outcome.conversions);
            let revenue: f64 = parts.iter().map(|p| p.1).sum();
            assert!((revenue - outcome.revenue).abs() <= 1e-9 * (1.0 + revenue));
            for (a, part) in parts.iter().enumerate() {
                share[a].push(part.0 as f64);
                if part.0 > 0 && a == 3 {
                    value.push(part.1 / part.0 as f64);
                }
            }
        }
        let conversions = channel.cvr * channel.expected_units(3000.0);
        for (a, stats) in share.iter().enumerate() {
            assert_mean(
                &format!("arrivals after {a} days"),
                stats,
                conversions * lag.pmf()[a],
            );
        }
        // A part's revenue per conversion has mean `value` whatever its count.
        assert_mean("value per lagged conversion", &value, channel.value);
    }

    /// The binomial draws by inversion and by BTPE have the binomial's mean and variance.
    #[test]
    fn binomial_draws_have_their_moments() {
        let mut rng = ReplicationStreams::new(5, 0).policy("binomial");
        for (trials, p) in [(1, 0.3), (7, 0.2), (40, 0.1), (300, 0.99), (5000, 0.4)] {
            let mut stats = RunningStats::default();
            let mut spread = RunningStats::default();
            let mean = trials as f64 * p;
            for _ in 0..100_000 {
                let x = binomial(trials, p, &mut rng);
                assert!(x <= trials);
                stats.push(x as f64);
                spread.push((x as f64 - mean).powi(2));
            }
            assert_mean(&format!("Binomial({trials}, {p})"), &stats, mean);
            assert_mean(
                &format!("Binomial({trials}, {p}) variance"),
                &spread,
                mean * (1.0 - p),
            );
        }
    }

    #[test]
    fn zero_spend_buys_nothing() {
        let simulator = ChannelSimulator::new(&search());
        let outcome = simulator.day(
            &search(),
            0.0,
            &mut ReplicationStreams::new(1, 0).channel_day(ChannelKey::new("search"), 0),
        );
        assert_eq!(outcome, Outcome::default());
    }
}
