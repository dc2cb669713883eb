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
//!
//! **Storage.** A horizon may run to ten million days, so nothing is kept per day where days
//! repeat. Shifts cut the horizon into *stretches* (a new stretch begins on every day a shift
//! of some channel takes effect); within a stretch a day's scheduled state depends on its
//! weekday alone (or on nothing, without weekday seasonality). Days map to their figures
//! through runs, each repeating a pattern from its first day on:
//!
//! ```text
//! figures(t) = entries[pattern_r[(t − start_r) mod |pattern_r|]],    r the run holding t
//! ```
//!
//! Without fatigue every stretch is one run whose pattern is its first 7 days (1 without
//! weekdays): `7 × stretches` entries at most. With fatigue the plan's exposure moves day by
//! day, so its days are kept one by one until the exposure of every channel has settled to the
//! last bit (the recursion is monotone, so it reaches its floating-point fixed point); from
//! there the rest of the stretch repeats its weekly pattern. The horizon sums `J_i` of the plan
//! read each channel's revenue per unit by state the same way. Means over the horizon are
//! summed day by day up to 100,000 days (as they always were), and beyond that weighted by each
//! entry's count of days, so they take no time whatever the horizon.

use crate::channel::{Channel, marginal_units_bought, units_bought};
use crate::constraints::Bounds;
use crate::dynamics::{Fatigue, apply_levels, fatigue_multiplier, fatigue_reference, weekday_of};
use crate::oracle::{equal_marginals, expected_revenue, optimal};
use crate::scenario::{Allocation, Scenario};
use serde::Serialize;
use std::ops::Range;

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

/// Horizons up to this many days take their means day by day, in day order (exactly as
/// before horizons grew longer); longer ones weight each entry by its count of days.
const DAY_BY_DAY_MEANS: usize = 100_000;

/// The oracle's split and value on every day of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    kind: BenchmarkKind,
    /// The distinct splits, in order of first use.
    splits: Vec<Vec<f64>>,
    /// The distinct figures of days.
    entries: Vec<BenchmarkDay>,
    /// Which entry holds on each day.
    map: DayMap,
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
        if self.entries.len() == 1 {
            // One state all horizon long (a calm market): no need to look the day up.
            return &self.entries[0];
        }
        &self.entries[self.map.index(day)]
    }

    /// The benchmark's spend per channel on zero-based day `day`.
    pub fn spend(&self, day: usize) -> &[f64] {
        &self.splits[self.day(day).split]
    }

    /// Whether the split changes during the horizon.
    pub fn varies(&self) -> bool {
        self.splits.len() > 1
    }

    /// How many distinct days the benchmark keeps: what its memory grows with (at most 7 per
    /// stretch between shifts without fatigue).
    pub fn stored_days(&self) -> usize {
        self.entries.len()
    }

    /// Mean spend per channel over the horizon.
    pub fn mean_spend(&self) -> Vec<f64> {
        if self.horizon > DAY_BY_DAY_MEANS {
            return self.mean_spend_over(0..self.horizon);
        }
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

    /// Mean spend per channel over the zero-based days `days` (a row of the daily series),
    /// each split weighted by its count of days: one day's spend exactly for a one-day range.
    ///
    /// ```
    /// use budget_bandit::benchmark::Benchmark;
    /// use budget_bandit::scenario::Scenario;
    ///
    /// let benchmark = Benchmark::new(&Scenario::builtin_default());
    /// assert_eq!(benchmark.mean_spend_over(3..4), benchmark.spend(3));
    /// ```
    pub fn mean_spend_over(&self, days: Range<usize>) -> Vec<f64> {
        let mut counts = vec![0usize; self.splits.len()];
        self.map.for_counts(days.clone(), |entry, count| {
            counts[self.entries[entry].split] += count;
        });
        let mut mean = vec![0.0; self.splits[0].len()];
        for (split, &count) in self.splits.iter().zip(&counts) {
            if count > 0 {
                for (sum, s) in mean.iter_mut().zip(split) {
                    *sum += count as f64 * s;
                }
            }
        }
        let length = days.len().max(1) as f64;
        mean.iter_mut().for_each(|m| *m /= length);
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
        if self.horizon > DAY_BY_DAY_MEANS {
            let mut sum = 0.0;
            self.map.for_counts(0..self.horizon, |entry, count| {
                sum += count as f64 * field(&self.entries[entry]);
            });
            return sum / self.horizon as f64;
        }
        (0..self.horizon).map(|d| field(self.day(d))).sum::<f64>() / self.horizon as f64
    }
}

/// Which of a list of entries holds on each day of a horizon: runs of consecutive days, each
/// repeating a pattern of entries from its first day on (a weekly cycle, one entry, or one
/// entry a day when the pattern is as long as the run).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct DayMap {
    /// First day of each run, increasing from 0.
    starts: Vec<usize>,
    /// Per run: where its pattern begins in `pattern`, and its length.
    runs: Vec<(usize, usize)>,
    /// The runs' patterns, one after the other: indices of entries.
    pattern: Vec<u32>,
    /// Whether the last run lists one entry a day and may grow.
    open: bool,
    /// The horizon: where the last run ends.
    horizon: usize,
}

impl DayMap {
    /// Starts a run on `start` that repeats `pattern` (ending the run before it).
    fn push_cycle(&mut self, start: usize, pattern: &[u32]) {
        self.starts.push(start);
        self.runs.push((self.pattern.len(), pattern.len()));
        self.pattern.extend_from_slice(pattern);
        self.open = false;
        self.horizon = self.horizon.max(start + pattern.len());
    }

    /// Gives `day` (the day after the last one mapped) the entry `entry`.
    fn push_day(&mut self, day: usize, entry: u32) {
        match self.runs.last_mut() {
            Some((_, length)) if self.open => *length += 1,
            _ => {
                self.starts.push(day);
                self.runs.push((self.pattern.len(), 1));
                self.open = true;
            }
        }
        self.pattern.push(entry);
        self.horizon = self.horizon.max(day + 1);
    }

    /// Ends the last run at `horizon`.
    fn finish(&mut self, horizon: usize) {
        self.open = false;
        self.horizon = horizon;
    }

    /// The run holding `day`.
    fn run_of(&self, day: usize) -> usize {
        self.starts.partition_point(|&s| s <= day).max(1) - 1
    }

    /// Where run `run` ends.
    fn end_of(&self, run: usize) -> usize {
        self.starts.get(run + 1).copied().unwrap_or(self.horizon)
    }

    /// The entry of zero-based day `day`.
    pub(crate) fn index(&self, day: usize) -> usize {
        let run = self.run_of(day);
        let (offset, length) = self.runs[run];
        self.pattern[offset + (day - self.starts[run]) % length] as usize
    }

    /// Calls `count(entry, days)` with how many of the days of `range` each entry holds, run
    /// by run (an entry may come more than once).
    pub(crate) fn for_counts(&self, range: Range<usize>, mut count: impl FnMut(usize, usize)) {
        if range.is_empty() || self.starts.is_empty() {
            return;
        }
        let mut run = self.run_of(range.start);
        while run < self.starts.len() && self.starts[run] < range.end {
            let start = self.starts[run];
            let (from, to) = (range.start.max(start), range.end.min(self.end_of(run)));
            if from < to {
                let (offset, length) = self.runs[run];
                let days = to - from;
                let (whole, rest) = (days / length, days % length);
                let first = (from - start) % length;
                for k in 0..days.min(length) {
                    let entry = self.pattern[offset + (first + k) % length] as usize;
                    count(entry, whole + usize::from(k < rest));
                }
            }
            run += 1;
        }
    }
}

/// The scheduled states of a horizon: stretches of days between shifts (a stretch begins on
/// every day a shift of some channel takes effect), and within a stretch the weekday when
/// some channel has weekday multipliers.
struct Calendar {
    /// First day of each stretch, increasing from 0.
    starts: Vec<usize>,
    horizon: usize,
    /// Days of a stretch's pattern: 7 with weekday seasonality, else 1.
    period: usize,
}

impl Calendar {
    fn new(scenario: &Scenario) -> Self {
        let horizon = scenario.days;
        let mut starts: Vec<usize> = std::iter::once(0)
            .chain(
                scenario
                    .dynamics
                    .iter()
                    .flat_map(|d| d.shifts.iter().map(|s| s.day.saturating_sub(1)))
                    .filter(|&day| day < horizon),
            )
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let weekly = scenario.dynamics.iter().any(|d| d.weekday.is_some());
        Calendar {
            starts,
            horizon,
            period: if weekly { 7 } else { 1 },
        }
    }

    /// The stretches, in order.
    fn stretches(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        (0..self.starts.len()).map(|k| {
            let end = self.starts.get(k + 1).copied().unwrap_or(self.horizon);
            self.starts[k]..end
        })
    }

    /// The days of `stretch` that make its pattern: every state it has, from its first day.
    fn pattern_days(&self, stretch: &Range<usize>) -> Range<usize> {
        stretch.start..stretch.start + self.period.min(stretch.len())
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
    let calendar = Calendar::new(scenario);
    let mut effective = scenario.channels.clone();
    let mut splits: Vec<Vec<f64>> = Vec::new();
    let mut entries = Vec::new();
    let mut map = DayMap::default();
    let mut pattern = Vec::new();
    for stretch in calendar.stretches() {
        pattern.clear();
        for day in calendar.pattern_days(&stretch) {
            set_day(scenario, day, &[], &mut effective);
            let split = solve(&effective);
            let index = splits
                .iter()
                .position(|s| *s == split.spend)
                .unwrap_or_else(|| {
                    splits.push(split.spend.clone());
                    splits.len() - 1
                });
            pattern.push(entries.len() as u32);
            entries.push(BenchmarkDay {
                split: index,
                revenue: split.expected_revenue,
                spend: split.total_spend(),
                value: split.value(objective),
            });
        }
        map.push_cycle(stretch.start, &pattern);
    }
    map.finish(scenario.days);
    Benchmark {
        kind: BenchmarkKind::DailyOptimum,
        splits,
        entries,
        map,
        horizon: scenario.days,
    }
}

/// A run of days with one price and audience: `(first day, end, price, audience)`.
type Stretch = (usize, usize, f64, Option<f64>);

/// Days between the stored sums of a stretch's tail (see [`HorizonCurve::tail`]).
const TAIL_STEP: usize = 1024;

/// One channel's curve over the horizon before fatigue, for the horizon sums `J_i`.
struct HorizonCurve {
    /// The horizon in days.
    days: usize,
    /// Which of `per_unit` holds on each day.
    map: DayMap,
    /// Revenue per unit before fatigue, by entry of `map`.
    per_unit: Vec<f64>,
    /// Runs of days with one price and audience.
    stretches: Vec<Stretch>,
    /// Per stretch: the revenue per unit summed from every [`TAIL_STEP`]-th day of the stretch
    /// (counted from its first) to its end.
    tails: Vec<Vec<f64>>,
    fatigue: Option<Fatigue>,
    /// Fatigue's reference volume `U`.
    reference: f64,
}

impl HorizonCurve {
    /// A channel's curve from its revenue per unit by day (`per_unit[map.index(day)]`) and its
    /// stretches of one price and audience.
    fn new(
        map: DayMap,
        per_unit: Vec<f64>,
        stretches: Vec<Stretch>,
        fatigue: Option<Fatigue>,
        reference: f64,
    ) -> Self {
        let days = stretches.last().map_or(0, |s| s.1);
        let mut curve = HorizonCurve {
            days,
            map,
            per_unit,
            stretches,
            tails: Vec::new(),
            fatigue,
            reference,
        };
        curve.tails = curve
            .stretches
            .iter()
            .map(|&(first, end, ..)| {
                let mut tails = vec![0.0; (end - first).div_ceil(TAIL_STEP)];
                let mut sum = 0.0;
                for day in (first..end).rev() {
                    sum += curve.per_unit(day);
                    if (day - first) % TAIL_STEP == 0 {
                        tails[(day - first) / TAIL_STEP] = sum;
                    }
                }
                tails
            })
            .collect();
        curve
    }

    /// Revenue per unit before fatigue on zero-based day `day`.
    fn per_unit(&self, day: usize) -> f64 {
        self.per_unit[self.map.index(day)]
    }

    /// The revenue per unit summed from `day` to the end of stretch `stretch`, added from the
    /// stretch's end backwards (from the nearest stored tail), so the sum is the same to the
    /// last bit wherever it starts.
    fn tail(&self, stretch: usize, day: usize) -> f64 {
        let (first, end, ..) = self.stretches[stretch];
        let step = (day - first).div_ceil(TAIL_STEP);
        let stored = first + step * TAIL_STEP;
        let (mut sum, from) = if stored < end {
            (self.tails[stretch][step], stored)
        } else {
            (0.0, end)
        };
        for d in (day..from).rev() {
            sum += self.per_unit(d);
        }
        sum
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
        for (stretch, &(first, end, price, audience)) in self.stretches.iter().enumerate() {
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
                    self.tail(stretch, day)
                } else {
                    self.per_unit(day)
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
        let days = self.days as f64;
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
    let channels = scenario.channels.len();
    let calendar = Calendar::new(scenario);
    let mut effective = scenario.channels.clone();
    // Each state's revenue per unit, and the stretches of one price and audience, per channel.
    let mut map = DayMap::default();
    let mut per_unit: Vec<Vec<f64>> = vec![Vec::new(); channels];
    let mut stretches: Vec<Vec<Stretch>> = vec![Vec::new(); channels];
    let mut pattern = Vec::new();
    for stretch in calendar.stretches() {
        pattern.clear();
        for day in calendar.pattern_days(&stretch) {
            set_day(scenario, day, &[], &mut effective);
            pattern.push(per_unit[0].len() as u32);
            for (values, channel) in per_unit.iter_mut().zip(&effective) {
                values.push(channel.revenue_per_unit());
            }
        }
        map.push_cycle(stretch.start, &pattern);
        // Weekdays move rates only, so the stretch's first day has its price and audience.
        set_day(scenario, stretch.start, &[], &mut effective);
        for (runs, channel) in stretches.iter_mut().zip(&effective) {
            match runs.last_mut() {
                Some(last) if last.2 == channel.price && last.3 == channel.audience => {
                    last.1 = stretch.end;
                }
                _ => runs.push((stretch.start, stretch.end, channel.price, channel.audience)),
            }
        }
    }
    map.finish(scenario.days);
    let curves: Vec<HorizonCurve> = per_unit
        .into_iter()
        .zip(stretches)
        .zip(scenario.channels.iter().zip(&scenario.dynamics))
        .map(|((per_unit, stretches), (channel, dynamics))| {
            HorizonCurve::new(
                map.clone(),
                per_unit,
                stretches,
                dynamics.fatigue,
                fatigue_reference(channel, budget),
            )
        })
        .collect();
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
    // Walk the plan's own days: its state, revenue and value. Once every channel's exposure
    // is at its fixed point (to the bit), the rest of the stretch repeats its weekly pattern.
    let references: Vec<f64> = curves.iter().map(|c| c.reference).collect();
    drop(curves);
    let spent: f64 = split.iter().sum();
    let mut exposure = vec![0.0; split.len()];
    let mut before = exposure.clone();
    let mut entries = Vec::new();
    let mut map = DayMap::default();
    let entry = |day: usize,
                 exposure: &[f64],
                 effective: &mut [Channel],
                 entries: &mut Vec<BenchmarkDay>| {
        set_day(scenario, day, exposure, effective);
        let revenue = expected_revenue(effective, &split);
        entries.push(BenchmarkDay {
            split: 0,
            revenue,
            spend: spent,
            value: objective.value(revenue, spent),
        });
        (entries.len() - 1) as u32
    };
    for stretch in calendar.stretches() {
        let mut day = stretch.start;
        while day < stretch.end {
            let index = entry(day, &exposure, &mut effective, &mut entries);
            map.push_day(day, index);
            before.copy_from_slice(&exposure);
            advance_exposure(scenario, &effective, &split, &references, &mut exposure);
            day += 1;
            let settled = exposure
                .iter()
                .zip(&before)
                .all(|(now, then)| now.to_bits() == then.to_bits());
            if settled && day < stretch.end {
                pattern.clear();
                for d in calendar.pattern_days(&(day..stretch.end)) {
                    pattern.push(entry(d, &exposure, &mut effective, &mut entries));
                }
                map.push_cycle(day, &pattern);
                break;
            }
        }
    }
    map.finish(scenario.days);
    Benchmark {
        kind: BenchmarkKind::BestConstantSplit,
        splits: vec![split],
        entries,
        map,
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

#[cfg(test)]
impl HorizonCurve {
    /// A channel's curve from its day-by-day revenue per unit, price and audience, one entry a
    /// day.
    fn from_days(
        days: &[(f64, f64, Option<f64>)],
        fatigue: Option<Fatigue>,
        reference: f64,
    ) -> Self {
        let mut map = DayMap::default();
        let mut stretches: Vec<Stretch> = Vec::new();
        for (day, &(_, price, audience)) in days.iter().enumerate() {
            map.push_day(day, day as u32);
            match stretches.last_mut() {
                Some(last) if last.2 == price && last.3 == audience => last.1 = day + 1,
                _ => stretches.push((day, day + 1, price, audience)),
            }
        }
        map.finish(days.len());
        let per_unit = days.iter().map(|d| d.0).collect();
        HorizonCurve::new(map, per_unit, stretches, fatigue, reference)
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
        let curve = HorizonCurve::from_days(
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

    /// A horizon of ten million days with weekdays and a shift keeps one entry per state, and
    /// every day's figures are those of the day's own optimum.
    #[test]
    fn long_horizons_keep_a_state_not_a_day() {
        let scenario = Scenario::from_toml(
            "long",
            r#"
            name = "long"
            days = 10000000
            daily_budget = 1000.0
            start_weekday = "wednesday"

            [[channels]]
            name = "search"
            pricing = "cpc"
            price = 2.0
            cvr = 0.05
            value = 40.0
            audience = 300.0
            weekday = [1.0, 1.2, 0.9, 1.0, 0.8, 0.6, 1.1]

            [[channels.shifts]]
            day = 5000001
            cvr = 0.5

            [[channels]]
            name = "social"
            pricing = "cpa"
            price = 25.0
            value = 60.0
            "#,
        )
        .unwrap();
        let benchmark = Benchmark::new(&scenario);
        assert_eq!(benchmark.stored_days(), 14);
        let mut effective = scenario.channels.clone();
        for day in [0, 1, 6, 7, 4_999_999, 5_000_000, 5_000_006, 9_999_999] {
            set_day(&scenario, day, &[], &mut effective);
            let split = optimal(
                &effective,
                &scenario.constraints.bounds,
                scenario.daily_budget,
                scenario.allocation,
                scenario.objective,
            );
            assert_eq!(benchmark.spend(day), split.spend, "day {day}");
            assert_eq!(
                benchmark.day(day).revenue,
                split.expected_revenue,
                "day {day}"
            );
        }
        // Means weighted by days equal the day-by-day sums.
        let days = scenario.days as f64;
        let by_day = (0..scenario.days)
            .map(|d| benchmark.day(d).value)
            .sum::<f64>()
            / days;
        assert!((benchmark.mean_value() - by_day).abs() <= 1e-9 * by_day);
        let spend: f64 = (0..scenario.days)
            .map(|d| benchmark.spend(d)[0])
            .sum::<f64>()
            / days;
        assert!((benchmark.mean_spend()[0] - spend).abs() <= 1e-9 * spend);
        // A bucket's mean split over its days.
        let bucket = 4_999_990..5_000_010;
        let expected: f64 = bucket.clone().map(|d| benchmark.spend(d)[0]).sum::<f64>() / 20.0;
        assert!((benchmark.mean_spend_over(bucket)[0] - expected).abs() <= 1e-12 * expected);
    }

    /// With fatigue the plan's days are kept one by one only until its exposure settles; they
    /// are the day-by-day walk's to the last bit, across weekdays and a price shift.
    #[test]
    fn the_fatigue_plan_settles_and_keeps_every_days_figures() {
        let scenario = Scenario::from_toml(
            "fatigue",
            r#"
            name = "f"
            days = 5000
            daily_budget = 4000.0

            [[channels]]
            name = "video"
            pricing = "cpm"
            price = 45.0
            ctr = 0.012
            cvr = 0.02
            value = 600.0
            audience = 120.0
            fatigue = { strength = 2.0, recovery = 0.1 }
            weekday = [1.0, 1.1, 1.2, 0.9, 0.8, 0.7, 1.0]

            [[channels.shifts]]
            day = 2500
            price = 1.3

            [[channels]]
            name = "search"
            pricing = "cpc"
            price = 7.0
            cvr = 0.02
            value = 600.0
            audience = 500.0
            "#,
        )
        .unwrap();
        let benchmark = Benchmark::new(&scenario);
        assert!(
            benchmark.stored_days() < 2_000,
            "{}",
            benchmark.stored_days()
        );
        let split = benchmark.spend(0).to_vec();
        let references: Vec<f64> = scenario
            .channels
            .iter()
            .map(|c| fatigue_reference(c, scenario.daily_budget))
            .collect();
        let mut effective = scenario.channels.clone();
        let mut exposure = vec![0.0; split.len()];
        for day in 0..scenario.days {
            set_day(&scenario, day, &exposure, &mut effective);
            let revenue = expected_revenue(&effective, &split);
            assert_eq!(
                benchmark.day(day).revenue.to_bits(),
                revenue.to_bits(),
                "day {day}"
            );
            advance_exposure(&scenario, &effective, &split, &references, &mut exposure);
        }
    }

    /// The sums of a stretch's tail from the stored ones equal the plain backward sums.
    #[test]
    fn tails_are_the_backward_sums() {
        let days: Vec<(f64, f64, Option<f64>)> = (0..3_000)
            .map(|d| (1.0 + 0.1 * (d % 7) as f64 + 1e-3 * d as f64, 2.0, None))
            .collect();
        let curve = HorizonCurve::from_days(&days, None, 1.0);
        for day in [0, 1, 1023, 1024, 1025, 2047, 2048, 2999] {
            let plain = (day..3_000).rev().fold(0.0, |sum, d| sum + days[d].0);
            assert_eq!(curve.tail(0, day).to_bits(), plain.to_bits(), "day {day}");
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
