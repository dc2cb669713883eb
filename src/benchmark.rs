//! The benchmark regret is measured against: the oracle's split on every day of the horizon and
//! its expected value.
//!
//! **Without fatigue** days are independent: what a split earns depends on the day's state
//! alone (base parameters times the shifts in force and the weekday). The benchmark of day `t`
//! is the best split in that state,
//!
//! ```text
//! V*_t = max_s V_t(s)    under the floors and caps, V_t(s) = Σ_i R_{t,i}(s_i)  or  Σ_i R_{t,i}(s_i) / τ − Σ_i s_i
//! ```
//!
//! solved by the [oracle](crate::oracle) once per distinct state (a shift epoch and, with weekday
//! seasonality, a weekday). No policy can earn more in expectation on any day, so every day's
//! regret is non-negative.
//!
//! **With fatigue** today's delivery lowers the rates of the following days, and the best split
//! of each day on its own is myopic: it keeps buying whatever is best today and wears it out,
//! while an even split rests channels by accident and can earn more over the horizon. The
//! benchmark is then the best *constant* split over the whole horizon. Starting rested
//! (`e_0 = 0`), a channel that spends `s` every day earns
//!
//! ```text
//! J_i(s) = Σ_t a_{t,i} u_{t,i}(s) / (1 + k_i e_{t,i}(s)),    e_{t+1,i} = (1 − r_i) e_{t,i} + r_i u_{t,i}(s) / U_i
//! ```
//!
//! over the horizon, with `a_{t,i}` the day's revenue per unit before fatigue (shifts and
//! weekday included), `u_{t,i}` its expected units, `k_i` the fatigue strength, `r_i` the
//! recovery and `U_i` the reference volume (see [`crate::dynamics`]). The plan maximises
//!
//! ```text
//! Σ_i J_i(s_i)    (revenue, Σ s_i = B)        or        Σ_i J_i(s_i) / τ − T Σ_i s_i    (profit, Σ s_i ≤ B)
//! ```
//!
//! under the same floors and caps. `u / (1 + c u)` is concave and increasing in `u` and `u(s)`
//! is concave, so without price or audience shifts each `J_i` is concave and the optimum has
//! equal marginal returns `J_i'(s_i) / T = μ`: the oracle's own equal-marginal solver
//! (`oracle::equal_marginals`) finds it, with `J_i'` from the recursion's derivative.
//! With winner-takes-all allocation the plan funds the one channel with the largest `J_i(B)`.
//!
//! By construction the plan earns at least as much over the horizon as every constant split,
//! the even split included. Its day values `V*_t = V_t(s*)` are taken in the state the plan
//! itself produces; a policy in another state (a rested channel) can beat it on a single day,
//! so with fatigue a day's regret may be negative and the horizon's regret is the one to read.

use crate::channel::{Channel, marginal_units_bought, units_bought};
use crate::constraints::Bounds;
use crate::dynamics::{Fatigue, apply_levels, fatigue_multiplier, fatigue_reference, weekday_of};
use crate::oracle::{equal_marginals, expected_revenue, optimal};
use crate::scenario::{Allocation, Scenario};
use serde::Serialize;
use std::collections::HashMap;

/// How the benchmark's splits were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BenchmarkKind {
    /// The best split of each day in that day's state (markets without fatigue).
    DailyOptimum,
    /// The best constant split over the horizon under the fatigue recursion.
    BestConstantSplit,
}

impl BenchmarkKind {
    /// A phrase for tables and reports.
    pub fn describe(self) -> &'static str {
        match self {
            BenchmarkKind::DailyOptimum => "the best split of each day",
            BenchmarkKind::BestConstantSplit => {
                "the best constant split over the horizon, with fatigue planned for"
            }
        }
    }
}

/// The benchmark's figures for one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchmarkDay {
    /// Index of the day's split in [`Benchmark::splits`].
    split: usize,
    /// Expected revenue of the day's split in the benchmark's state of the day.
    pub revenue: f64,
    /// Expected spend of the day's split.
    pub spend: f64,
    /// Its value under the scenario's objective, `V*_t`.
    pub value: f64,
}

/// The oracle's split and value on every day of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    kind: BenchmarkKind,
    /// The distinct splits, in order of first use.
    splits: Vec<Vec<f64>>,
    /// One entry per day, or a single one when every day is the same.
    days: Vec<BenchmarkDay>,
    /// The horizon in days.
    horizon: usize,
}

impl Benchmark {
    /// Solves the benchmark of `scenario` over its horizon.
    pub fn new(scenario: &Scenario) -> Benchmark {
        if scenario.dynamics.iter().any(|d| d.fatigue.is_some()) {
            planned_for_fatigue(scenario)
        } else {
            daily_optimum(scenario)
        }
    }

    /// How the splits were chosen.
    pub fn kind(&self) -> BenchmarkKind {
        self.kind
    }

    /// The figures of zero-based day `day`.
    pub fn day(&self, day: usize) -> &BenchmarkDay {
        &self.days[if self.days.len() == 1 { 0 } else { day }]
    }

    /// The benchmark's spend per channel on zero-based day `day`.
    pub fn spend(&self, day: usize) -> &[f64] {
        &self.splits[self.day(day).split]
    }

    /// Whether the split changes during the horizon.
    pub fn varies(&self) -> bool {
        self.splits.len() > 1
    }

    /// Mean spend per channel over the horizon.
    pub fn mean_spend(&self) -> Vec<f64> {
        let channels = self.splits[0].len();
        let mut mean = vec![0.0; channels];
        for day in 0..self.horizon {
            for (sum, s) in mean.iter_mut().zip(self.spend(day)) {
                *sum += s;
            }
        }
        mean.iter_mut().for_each(|m| *m /= self.horizon as f64);
        mean
    }

    /// Mean expected revenue a day over the horizon.
    pub fn mean_revenue(&self) -> f64 {
        self.mean_of(|d| d.revenue)
    }

    /// Mean expected spend a day over the horizon.
    pub fn mean_daily_spend(&self) -> f64 {
        self.mean_of(|d| d.spend)
    }

    /// Mean objective value a day over the horizon.
    pub fn mean_value(&self) -> f64 {
        self.mean_of(|d| d.value)
    }

    fn mean_of(&self, field: impl Fn(&BenchmarkDay) -> f64) -> f64 {
        (0..self.horizon).map(|d| field(self.day(d))).sum::<f64>() / self.horizon as f64
    }
}

/// Writes the channels as they are on zero-based day `day` into `effective`, given each
/// channel's fatigue exposure (empty: rested).
pub(crate) fn set_day(
    scenario: &Scenario,
    day: usize,
    exposure: &[f64],
    effective: &mut [Channel],
) {
    let weekday = weekday_of(scenario.start_weekday, day);
    for (i, (base, dynamics)) in scenario.channels.iter().zip(&scenario.dynamics).enumerate() {
        if dynamics.is_calm() {
            continue;
        }
        let levels = dynamics.scheduled_levels(day, weekday);
        let fatigue = match (&dynamics.fatigue, exposure.get(i)) {
            (Some(f), Some(&e)) => fatigue_multiplier(f, e),
            _ => 1.0,
        };
        apply_levels(base, &levels, fatigue, &mut effective[i]);
    }
}

/// The day's optimum in every day's state, solved once per distinct state.
fn daily_optimum(scenario: &Scenario) -> Benchmark {
    let objective = scenario.objective;
    let solve = |channels: &[Channel]| {
        optimal(
            channels,
            &scenario.constraints.bounds,
            scenario.daily_budget,
            scenario.allocation,
            objective,
        )
    };
    let mut effective = scenario.channels.clone();
    let mut splits: Vec<Vec<f64>> = Vec::new();
    let mut days = Vec::new();
    let horizon = if scenario.is_calm() { 1 } else { scenario.days };
    let weekly = scenario.dynamics.iter().any(|d| d.weekday.is_some());
    let mut solved: HashMap<(Vec<usize>, usize), BenchmarkDay> = HashMap::new();
    for day in 0..horizon {
        let weekday = weekday_of(scenario.start_weekday, day);
        let key = (
            scenario.dynamics.iter().map(|d| d.epoch(day)).collect(),
            if weekly { weekday } else { 0 },
        );
        let entry = *solved.entry(key).or_insert_with(|| {
            set_day(scenario, day, &[], &mut effective);
            let split = solve(&effective);
            let index = splits
                .iter()
                .position(|s| *s == split.spend)
                .unwrap_or_else(|| {
                    splits.push(split.spend.clone());
                    splits.len() - 1
                });
            BenchmarkDay {
                split: index,
                revenue: split.expected_revenue,
                spend: split.total_spend(),
                value: split.value(objective),
            }
        });
        days.push(entry);
    }
    Benchmark {
        kind: BenchmarkKind::DailyOptimum,
        splits,
        days,
        horizon: scenario.days,
    }
}

/// One channel's day-by-day curve before fatigue, for the horizon sums `J_i`.
struct HorizonCurve {
    /// Per day: revenue per unit before fatigue.
    per_unit: Vec<f64>,
    /// `per_unit` summed from each day to the end of its stretch (see `stretches`).
    per_unit_to_stretch_end: Vec<f64>,
    /// Runs of days with one price and audience: `(first day, end, price, audience)`.
    stretches: Vec<(usize, usize, f64, Option<f64>)>,
    fatigue: Option<Fatigue>,
    /// Fatigue's reference volume `U`.
    reference: f64,
}

impl HorizonCurve {
    /// A channel's curve from its day-by-day revenue per unit, price and audience.
    fn new(days: &[(f64, f64, Option<f64>)], fatigue: Option<Fatigue>, reference: f64) -> Self {
        let mut stretches: Vec<(usize, usize, f64, Option<f64>)> = Vec::new();
        for (day, &(_, price, audience)) in days.iter().enumerate() {
            match stretches.last_mut() {
                Some(last) if last.2 == price && last.3 == audience => last.1 = day + 1,
                _ => stretches.push((day, day + 1, price, audience)),
            }
        }
        let per_unit: Vec<f64> = days.iter().map(|d| d.0).collect();
        let mut per_unit_to_stretch_end = vec![0.0; days.len()];
        for &(first, end, ..) in &stretches {
            let mut sum = 0.0;
            for day in (first..end).rev() {
                sum += per_unit[day];
                per_unit_to_stretch_end[day] = sum;
            }
        }
        HorizonCurve {
            per_unit,
            per_unit_to_stretch_end,
            stretches,
            fatigue,
            reference,
        }
    }

    /// `J(s)` and `J'(s)`: revenue over the horizon of spending `s` every day, and its
    /// derivative, by the exposure recursion and its derivative. Within a stretch of one price
    /// and audience the units are the same every day, so once the exposure has settled at its
    /// fixed point the rest of the stretch is one product.
    fn value_and_slope(&self, spend: f64) -> (f64, f64) {
        let (strength, recovery) = self
            .fatigue
            .map_or((0.0, 1.0), |f| (f.strength, f.recovery));
        let (mut exposure, mut exposure_slope) = (0.0f64, 0.0f64);
        let (mut value, mut slope) = (0.0, 0.0);
        for &(first, end, price, audience) in &self.stretches {
            let units = units_bought(price, audience, spend);
            let units_slope = marginal_units_bought(price, audience, spend);
            for day in first..end {
                let rate = 1.0 / (1.0 + strength * exposure);
                let rate_slope = -strength * exposure_slope * rate * rate;
                let next = (1.0 - recovery) * exposure + recovery * units / self.reference;
                let next_slope =
                    (1.0 - recovery) * exposure_slope + recovery * units_slope / self.reference;
                // Settled: the recursion has reached its fixed point to rounding.
                let settled = (next - exposure).abs() <= 1e-14 * next.abs()
                    && (next_slope - exposure_slope).abs() <= 1e-14 * next_slope.abs();
                let weight = if settled {
                    self.per_unit_to_stretch_end[day]
                } else {
                    self.per_unit[day]
                };
                value += weight * units * rate;
                slope += weight * (units_slope * rate + units * rate_slope);
                (exposure, exposure_slope) = (next, next_slope);
                if settled {
                    break;
                }
            }
        }
        (value, slope)
    }

    /// The spend in `[low, high]` at which the mean daily marginal return `J'(s) / T` falls to
    /// `marginal` (`low` when it never reaches it, `high` when it never falls to it).
    fn demand(&self, low: f64, high: f64, marginal: f64) -> f64 {
        let days = self.per_unit.len() as f64;
        let slope = |s: f64| self.value_and_slope(s).1 / days;
        if slope(low) <= marginal {
            return low;
        }
        if slope(high) >= marginal {
            return high;
        }
        let (mut below, mut above) = (low, high);
        for _ in 0..200 {
            let mid = 0.5 * (below + above);
            if mid <= below || mid >= above {
                break;
            }
            if slope(mid) > marginal {
                below = mid;
            } else {
                above = mid;
            }
        }
        below
    }
}

/// The best constant split over the horizon under fatigue, and the days it produces.
fn planned_for_fatigue(scenario: &Scenario) -> Benchmark {
    let budget = scenario.daily_budget;
    let bounds: &Bounds = &scenario.constraints.bounds;
    let objective = scenario.objective;
    let mut effective = scenario.channels.clone();
    let mut days: Vec<Vec<(f64, f64, Option<f64>)>> =
        vec![Vec::with_capacity(scenario.days); scenario.channels.len()];
    for day in 0..scenario.days {
        set_day(scenario, day, &[], &mut effective);
        for (curve, channel) in days.iter_mut().zip(&effective) {
            curve.push((channel.revenue_per_unit(), channel.price, channel.audience));
        }
    }
    let curves: Vec<HorizonCurve> = days
        .iter()
        .zip(scenario.channels.iter().zip(&scenario.dynamics))
        .map(|(days, (channel, dynamics))| {
            HorizonCurve::new(days, dynamics.fatigue, fatigue_reference(channel, budget))
        })
        .collect();
    drop(days);
    let split = match scenario.allocation {
        Allocation::WinnerTakesAll => {
            let mut best = 0;
            let mut best_value = f64::NEG_INFINITY;
            for (i, curve) in curves.iter().enumerate() {
                let value = curve.value_and_slope(budget).0;
                if value > best_value {
                    (best, best_value) = (i, value);
                }
            }
            let mut spend = vec![0.0; curves.len()];
            spend[best] = budget;
            spend
        }
        Allocation::Proportional => {
            let days = scenario.days as f64;
            let initial: Vec<f64> = curves
                .iter()
                .map(|c| c.value_and_slope(0.0).1 / days)
                .collect();
            equal_marginals(bounds, budget, objective, &initial, |i, marginal| {
                curves[i].demand(bounds.low[i], bounds.high[i], marginal)
            })
        }
    };
    // Walk the plan's own days: its state, revenue and value.
    let mut exposure = vec![0.0; split.len()];
    let references: Vec<f64> = curves.iter().map(|c| c.reference).collect();
    let spent: f64 = split.iter().sum();
    let mut days = Vec::with_capacity(scenario.days);
    for day in 0..scenario.days {
        set_day(scenario, day, &exposure, &mut effective);
        let revenue = expected_revenue(&effective, &split);
        days.push(BenchmarkDay {
            split: 0,
            revenue,
            spend: spent,
            value: objective.value(revenue, spent),
        });
        advance_exposure(scenario, &effective, &split, &references, &mut exposure);
    }
    Benchmark {
        kind: BenchmarkKind::BestConstantSplit,
        splits: vec![split],
        days,
        horizon: scenario.days,
    }
}

/// Moves every fatigued channel's exposure on by one day of spending `spend` on the day's
/// `effective` channels: `e ← (1 − r) e + r u(s) / U`.
pub(crate) fn advance_exposure(
    scenario: &Scenario,
    effective: &[Channel],
    spend: &[f64],
    references: &[f64],
    exposure: &mut [f64],
) {
    for (i, dynamics) in scenario.dynamics.iter().enumerate() {
        if let Some(fatigue) = &dynamics.fatigue {
            let delivered = effective[i].expected_units(spend[i]) / references[i];
            exposure[i] = (1.0 - fatigue.recovery) * exposure[i] + fatigue.recovery * delivered;
        }
    }
}

/// The value of a constant split over the horizon, walked day by day like the simulation.
#[cfg(test)]
fn horizon_value(scenario: &Scenario, split: &[f64]) -> f64 {
    let references: Vec<f64> = scenario
        .channels
        .iter()
        .map(|c| fatigue_reference(c, scenario.daily_budget))
        .collect();
    let mut effective = scenario.channels.clone();
    let mut exposure = vec![0.0; split.len()];
    let mut total = 0.0;
    for day in 0..scenario.days {
        set_day(scenario, day, &exposure, &mut effective);
        total += scenario
            .objective
            .value(expected_revenue(&effective, split), split.iter().sum());
        advance_exposure(scenario, &effective, split, &references, &mut exposure);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fatigue_scenario(extra: &str, second: &str) -> Scenario {
        Scenario::from_toml(
            "fatigue",
            &format!(
                r#"
                name = "f"
                days = 60
                daily_budget = 4000.0
                {extra}

                [[channels]]
                name = "video"
                pricing = "cpm"
                price = 45.0
                ctr = 0.012
                cvr = 0.02
                value = 600.0
                audience = 120.0
                fatigue = {{ strength = 2.0, recovery = 0.1 }}

                [[channels]]
                name = "search"
                pricing = "cpc"
                price = 7.0
                cvr = 0.02
                value = 600.0
                {second}
                "#
            ),
        )
        .unwrap()
    }

    /// The plan beats every constant two-channel split on a fine grid, for both objectives,
    /// with floors and caps; its day values add up to its horizon value.
    #[test]
    fn the_fatigue_plan_beats_every_constant_split() {
        for (extra, second) in [
            ("", "audience = 500.0"),
            ("", ""),
            ("", "audience = 500.0\nmin_share = 0.3\nmax_share = 0.8"),
            (
                "objective = \"profit\"\ntarget_roas = 1.5",
                "audience = 500.0",
            ),
        ] {
            let scenario = fatigue_scenario(extra, second);
            let benchmark = Benchmark::new(&scenario);
            assert_eq!(benchmark.kind(), BenchmarkKind::BestConstantSplit);
            let plan = benchmark.spend(0).to_vec();
            let planned = horizon_value(&scenario, &plan);
            let days_sum: f64 = (0..scenario.days).map(|d| benchmark.day(d).value).sum();
            assert!((planned - days_sum).abs() <= 1e-9 * planned.abs());
            let budget = scenario.daily_budget;
            let bounds = &scenario.constraints.bounds;
            let totals: Vec<f64> = if scenario.objective.spends_all() {
                vec![budget]
            } else {
                (0..=40).map(|k| budget * k as f64 / 40.0).collect()
            };
            let mut best = f64::NEG_INFINITY;
            for total in totals {
                for step in 0..=400 {
                    let a = total * step as f64 / 400.0;
                    let split = [a, total - a];
                    if bounds.contains(&split, budget) {
                        best = best.max(horizon_value(&scenario, &split));
                    }
                }
            }
            let scale = best.abs().max(1.0);
            assert!(
                planned >= best - 1e-9 * scale,
                "{extra} {second}: {plan:?} {planned} < {best}"
            );
            assert!(planned - best <= 1e-3 * scale, "{planned} vs grid {best}");
            // The even split is a constant split too.
            if scenario.objective.spends_all() && bounds.contains(&[budget / 2.0; 2], budget) {
                assert!(planned >= horizon_value(&scenario, &[budget / 2.0; 2]));
            }
        }
    }

    /// The horizon curve's slope is the derivative of its value.
    #[test]
    fn horizon_slopes_are_derivatives() {
        let scenario = fatigue_scenario("", "audience = 500.0");
        let channel = &scenario.channels[0];
        let mut days = vec![(channel.revenue_per_unit(), channel.price, channel.audience); 60];
        // A price shift and a weekly swing, so stretches and settled exposure are exercised.
        for (day, entry) in days.iter_mut().enumerate() {
            entry.0 *= [1.0, 1.1, 0.9, 1.0, 1.2, 0.8, 1.0][day % 7];
            if day >= 30 {
                entry.1 *= 1.4;
            }
        }
        let curve = HorizonCurve::new(
            &days,
            scenario.dynamics[0].fatigue,
            fatigue_reference(channel, scenario.daily_budget),
        );
        // The closed tail of settled stretches agrees with the plain day-by-day sum.
        let plain = |spend: f64| -> f64 {
            let f = scenario.dynamics[0].fatigue.unwrap();
            let mut exposure = 0.0;
            let mut total = 0.0;
            for &(per_unit, price, audience) in &days {
                let units = units_bought(price, audience, spend);
                total += per_unit * units / (1.0 + f.strength * exposure);
                exposure = (1.0 - f.recovery) * exposure + f.recovery * units / curve.reference;
            }
            total
        };
        for spend in [0.0, 800.0, 3000.0] {
            let fast = curve.value_and_slope(spend).0;
            assert!((fast - plain(spend)).abs() <= 1e-9 * plain(spend).abs().max(1.0));
        }
        for spend in [0.0, 500.0, 3000.0] {
            let h = 1e-3;
            let numeric = (curve.value_and_slope(spend + h).0 - curve.value_and_slope(spend).0) / h;
            let exact = curve.value_and_slope(spend + h / 2.0).1;
            assert!(
                (numeric - exact).abs() <= 1e-5 * exact.abs(),
                "{numeric} vs {exact}"
            );
        }
    }

    #[test]
    fn calm_markets_have_one_day() {
        let scenario = Scenario::builtin_default();
        let benchmark = Benchmark::new(&scenario);
        assert_eq!(benchmark.kind(), BenchmarkKind::DailyOptimum);
        assert!(!benchmark.varies());
        assert_eq!(benchmark.day(0), benchmark.day(57));
        assert!((benchmark.mean_spend().iter().sum::<f64>() - 10_000.0).abs() < 1e-6);
    }
}
