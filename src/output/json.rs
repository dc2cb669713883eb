//! `summary.json`: the summary and channel tables of the CSV files, with the run's metadata
//! (tool version, scenario settings, channels, policies and the oracle's split), for tools
//! that read one file.

use super::kpi::{ChannelSummary, PolicySummary, channel_summaries, policy_summaries};
use crate::channel::Channel;
use crate::objective::Objective;
use crate::policy::PolicySpec;
use crate::runner::ScenarioResults;
use serde::Serialize;

/// Version of the layout of `summary.json`; bumped when a field changes meaning or goes away.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Summary<'a> {
    format_version: u32,
    tool: Tool,
    scenario: ScenarioMeta<'a>,
    oracle: OracleMeta,
    policies: Vec<PolicySummary>,
    channels: Vec<ChannelSummary>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
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
    channels: &'a [Channel],
    policies: &'a [PolicySpec],
}

#[derive(Serialize)]
struct OracleMeta {
    expected_daily_revenue: f64,
    expected_roas: f64,
    split: Vec<OracleShare>,
}

#[derive(Serialize)]
struct OracleShare {
    channel: String,
    spend: f64,
    share: f64,
}

/// `summary.json`, pretty-printed.
pub fn summary(results: &ScenarioResults) -> Vec<u8> {
    let scenario = &results.scenario;
    let budget = scenario.daily_budget;
    let document = Summary {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        scenario: ScenarioMeta {
            name: &scenario.name,
            description: &scenario.description,
            days: scenario.days,
            daily_budget: budget,
            currency: &scenario.currency,
            seed: scenario.seed,
            replications: scenario.replications,
            allocation: scenario.allocation.as_str(),
            objective: scenario.objective,
            channels: &scenario.channels,
            policies: &scenario.policies,
        },
        oracle: OracleMeta {
            expected_daily_revenue: results.oracle.expected_revenue,
            expected_roas: results.oracle.expected_revenue / budget,
            split: scenario
                .channels
                .iter()
                .zip(&results.oracle.spend)
                .map(|(c, &spend)| OracleShare {
                    channel: c.name.clone(),
                    spend,
                    share: spend / budget,
                })
                .collect(),
        },
        policies: policy_summaries(results),
        channels: channel_summaries(results),
    };
    let mut bytes = serde_json::to_vec_pretty(&document).expect("the summary serialises to JSON");
    bytes.push(b'\n');
    bytes
}
