//! `summary.json`: the summary and channel tables of the CSV files, with the run's metadata
//! (tool version, the whole scenario as run, the policies and the oracle's benchmark), for
//! tools that read one file.
//!
//! The scenario is recorded as it ran: every channel with the fields its pricing model has
//! (no `ctr` for cpc, cpl and cpa, no `cvr` for cpa), its floor and cap in money, its weekday
//! multipliers, fatigue, lag and shifts (each shift with the multipliers it changes), and the
//! scenario's objective, start weekday, pacing and baseline.

use super::kpi::{ChannelSummary, PolicySummary, channel_summaries, policy_summaries};
use crate::account::date::WEEKDAYS;
use crate::benchmark::{Benchmark, BenchmarkKind};
use crate::channel::{Channel, Pricing};
use crate::dynamics::{Dynamics, Fatigue, Levels};
use crate::objective::Objective;
use crate::policy::PolicySpec;
use crate::runner::ScenarioResults;
use crate::scenario::Scenario;
use serde::Serialize;

/// Version of the layout of `summary.json`; bumped when a field changes meaning or goes away.
///
/// Version 2: the oracle's figures are means over the horizon (its split can change from day to
/// day) and `expected_roas` is revenue per money spent, not per budget; channels carry only the
/// fields their pricing model has.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Serialize)]
struct Summary<'a> {
    format_version: u32,
    tool: Tool,
    scenario: ScenarioMeta<'a>,
    oracle: OracleMeta,
    policies: Vec<PolicySummary>,
    channels: Vec<ChannelSummary>,
}

/// The program that wrote a JSON document: `{"name": "budget-bandit", "version": ...}`, the
/// same object in `summary.json`, `sweep.json` and what `run` and `validate` print.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Tool {
    /// This build of budget-bandit.
    pub const THIS: Tool = Tool {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
    };
}

#[derive(Serialize)]
struct ScenarioMeta<'a> {
    name: &'a str,
    description: &'a str,
    days: usize,
    daily_budget: f64,
    currency: &'a str,
    seed: u64,
    replications: u64,
    allocation: &'static str,
    #[serde(flatten)]
    objective: Objective,
    start_weekday: &'static str,
    max_daily_change: Option<f64>,
    baseline: Option<&'a str>,
    channels: Vec<ChannelMeta<'a>>,
    policies: &'a [PolicySpec],
}

/// A channel as run: its parameters, its limits and how its market moves.
#[derive(Serialize)]
struct ChannelMeta<'a> {
    name: &'a str,
    pricing: Pricing,
    price: f64,
    price_cv: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ctr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvr: Option<f64>,
    value: f64,
    value_cv: f64,
    audience: Option<f64>,
    /// The daily floor in money (0 when none).
    min_spend: f64,
    /// The daily cap in money (`null` when none).
    max_spend: Option<f64>,
    weekday: Option<[f64; 7]>,
    fatigue: Option<Fatigue>,
    lag: Option<LagMeta>,
    shifts: Vec<ShiftMeta>,
}

#[derive(Serialize)]
struct LagMeta {
    mean_days: f64,
    max_days: usize,
}

/// A shift with only the multipliers it changes.
#[derive(Serialize)]
struct ShiftMeta {
    day: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ctr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audience: Option<f64>,
}

impl ShiftMeta {
    fn new(day: usize, levels: &Levels) -> Self {
        let changed = |m: f64| (m != 1.0).then_some(m);
        ShiftMeta {
            day,
            price: changed(levels.price),
            ctr: changed(levels.ctr),
            cvr: changed(levels.cvr),
            value: changed(levels.value),
            audience: changed(levels.audience),
        }
    }
}

impl<'a> ChannelMeta<'a> {
    fn new(channel: &'a Channel, dynamics: &Dynamics, low: f64, high: f64, budget: f64) -> Self {
        ChannelMeta {
            name: &channel.name,
            pricing: channel.pricing,
            price: channel.price,
            price_cv: channel.price_cv,
            ctr: (channel.pricing == Pricing::Cpm).then_some(channel.ctr),
            cvr: (channel.pricing != Pricing::Cpa).then_some(channel.cvr),
            value: channel.value,
            value_cv: channel.value_cv,
            audience: channel.audience,
            min_spend: low,
            max_spend: (high < budget).then_some(high),
            weekday: dynamics.weekday,
            fatigue: dynamics.fatigue,
            lag: dynamics.lag.as_ref().map(|l| LagMeta {
                mean_days: l.mean_days,
                max_days: l.max_days,
            }),
            shifts: dynamics
                .shifts
                .iter()
                .map(|s| ShiftMeta::new(s.day, &s.levels))
                .collect(),
        }
    }
}

/// The benchmark's figures, as means over the horizon.
#[derive(Serialize)]
struct OracleMeta {
    /// How the benchmark's splits were chosen.
    benchmark: BenchmarkKind,
    /// Whether the split changes during the horizon (its days are in `daily.csv`).
    varies: bool,
    expected_daily_revenue: f64,
    expected_daily_spend: f64,
    expected_daily_value: f64,
    /// Expected revenue per money spent.
    expected_roas: f64,
    /// Mean spend per channel over the horizon.
    split: Vec<OracleShare>,
}

#[derive(Serialize)]
struct OracleShare {
    channel: String,
    spend: f64,
    share: f64,
}

fn scenario_meta(scenario: &Scenario) -> ScenarioMeta<'_> {
    let budget = scenario.daily_budget;
    let bounds = &scenario.constraints.bounds;
    ScenarioMeta {
        name: &scenario.name,
        description: &scenario.description,
        days: scenario.days,
        daily_budget: budget,
        currency: &scenario.currency,
        seed: scenario.seed,
        replications: scenario.replications,
        allocation: scenario.allocation.as_str(),
        objective: scenario.objective,
        start_weekday: WEEKDAYS[scenario.start_weekday],
        max_daily_change: scenario.constraints.max_daily_change,
        baseline: scenario.baseline.as_deref(),
        channels: scenario
            .channels
            .iter()
            .zip(&scenario.dynamics)
            .zip(bounds.low.iter().zip(&bounds.high))
            .map(|((c, d), (&low, &high))| ChannelMeta::new(c, d, low, high, budget))
            .collect(),
        policies: &scenario.policies,
    }
}

/// The oracle's benchmark of `scenario` over its horizon.
fn oracle_meta(scenario: &Scenario, benchmark: &Benchmark) -> OracleMeta {
    let budget = scenario.daily_budget;
    let revenue = benchmark.mean_revenue();
    let spend = benchmark.mean_daily_spend();
    OracleMeta {
        benchmark: benchmark.kind(),
        varies: benchmark.varies(),
        expected_daily_revenue: revenue,
        expected_daily_spend: spend,
        expected_daily_value: benchmark.mean_value(),
        expected_roas: if spend > 0.0 { revenue / spend } else { 0.0 },
        split: scenario
            .channels
            .iter()
            .zip(benchmark.mean_spend())
            .map(|(c, spend)| OracleShare {
                channel: c.name.clone(),
                spend,
                share: spend / budget,
            })
            .collect(),
    }
}

/// A valid scenario as `validate --format json` reports it: the scenario as it would run and
/// the oracle's benchmark, with the fields of `summary.json`'s `scenario` and `oracle`.
pub fn scenario_check(scenario: &Scenario) -> serde_json::Value {
    let benchmark = Benchmark::new(scenario);
    serde_json::json!({
        "scenario": scenario_meta(scenario),
        "oracle": oracle_meta(scenario, &benchmark),
    })
}

/// `summary.json`, pretty-printed.
pub fn summary(results: &ScenarioResults) -> Vec<u8> {
    let scenario = &results.scenario;
    let document = Summary {
        format_version: FORMAT_VERSION,
        tool: Tool::THIS,
        scenario: scenario_meta(scenario),
        oracle: oracle_meta(scenario, &results.benchmark),
        policies: policy_summaries(results),
        channels: channel_summaries(results),
    };
    let mut bytes = serde_json::to_vec_pretty(&document).expect("the summary serialises to JSON");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::run_scenario;
    use crate::scenario::Overrides;
    use serde_json::Value;

    /// `summary.json` records the whole scenario as run, and nothing a channel does not have.
    #[test]
    fn the_whole_scenario_is_recorded_and_nothing_invented() {
        let source = r#"
            name = "everything"
            days = 8
            daily_budget = 1000.0
            objective = "profit"
            target_roas = 1.5
            start_weekday = "friday"
            max_daily_change = 0.2
            baseline = "today"

            [[channels]]
            name = "search"
            pricing = "cpc"
            price = 2.0
            cvr = 0.05
            value = 90.0
            audience = 300.0
            min_share = 0.1
            weekday = [1.0, 1.0, 1.0, 1.0, 1.2, 0.8, 0.8]
            lag = { mean_days = 2.0, max_days = 5 }

            [[channels.shifts]]
            day = 4
            price = 1.5

            [[channels]]
            name = "social"
            pricing = "cpm"
            price = 20.0
            ctr = 0.01
            cvr = 0.02
            value = 80.0
            audience = 40.0
            max_spend = 600.0
            fatigue = { strength = 1.0, recovery = 0.2 }

            [[channels]]
            name = "partners"
            pricing = "cpa"
            price = 40.0
            value = 90.0

            [[policies]]
            kind = "thompson"
            [[policies]]
            kind = "fixed"
            name = "today"
            [[policies]]
            kind = "oracle"
        "#;
        let scenario = Scenario::from_toml("t.toml", source)
            .unwrap()
            .with_overrides(&Overrides {
                replications: Some(3),
                ..Overrides::default()
            })
            .unwrap();
        let results = run_scenario(&scenario, &|| {});
        let json: Value = serde_json::from_slice(&summary(&results)).unwrap();
        let meta = &json["scenario"];
        assert_eq!(json["format_version"], 2);
        assert_eq!(meta["objective"], "profit");
        assert_eq!(meta["target_roas"], 1.5);
        assert_eq!(meta["start_weekday"], "friday");
        assert_eq!(meta["max_daily_change"], 0.2);
        assert_eq!(meta["baseline"], "today");
        let [search, social, partners] = [0, 1, 2].map(|i| &meta["channels"][i]);
        assert_eq!(search["min_spend"], 100.0);
        assert_eq!(search["max_spend"], Value::Null);
        assert_eq!(search["weekday"][4], 1.2);
        assert_eq!(search["lag"]["max_days"], 5);
        assert_eq!(search["shifts"][0]["day"], 4);
        assert_eq!(search["shifts"][0]["price"], 1.5);
        assert!(
            search["shifts"][0].get("cvr").is_none(),
            "unchanged multipliers are left out"
        );
        assert!(search.get("ctr").is_none(), "cpc has no ctr");
        assert_eq!(social["ctr"], 0.01);
        assert_eq!(social["max_spend"], 600.0);
        assert_eq!(social["fatigue"]["strength"], 1.0);
        assert!(partners.get("ctr").is_none() && partners.get("cvr").is_none());
        let oracle = &json["oracle"];
        assert_eq!(oracle["benchmark"], "best-constant-split");
        let revenue = oracle["expected_daily_revenue"].as_f64().unwrap();
        let spend = oracle["expected_daily_spend"].as_f64().unwrap();
        assert!((oracle["expected_roas"].as_f64().unwrap() - revenue / spend).abs() < 1e-12);
        let policies = json["policies"].as_array().unwrap();
        let today = policies.iter().find(|p| p["policy"] == "today").unwrap();
        assert_eq!(today["vs_baseline"]["mean"], 0.0);
    }
}
