//! A sweep's own files: `sweep.csv` (one row per variant and policy, one column per axis, the
//! summary figures with their 95% intervals), `sweep.json` (the same with the axes described),
//! and the table `run` prints.
//!
//! `objective` is the scenario's objective: revenue, or profit (`revenue / τ − spend`) under
//! the profit objective; `vs_baseline` the paired difference in it to the baseline policy of
//! the same variant.

use super::{Sweep, Variant};
use crate::output::csv_files::{finish, interval_cells, push_row, writer};
use crate::output::json::Tool;
use crate::output::kpi::{PolicySummary, policy_summaries};
use crate::output::table::{thousands, with_sign};
use crate::runner::ScenarioResults;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of `sweep.json`'s layout.
pub const FORMAT_VERSION: u32 = 1;

/// The measures of `sweep.csv` after the axes, each written as `_mean`, `_low`, `_high`.
pub const SWEEP_MEASURES: [&str; 8] = [
    "objective",
    "regret",
    "revenue",
    "spend",
    "roas",
    "cpa",
    "profit",
    "vs_baseline",
];

/// One policy in one variant: what `sweep.csv` writes in a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// The objective's name: `revenue` or `profit`.
    pub objective_name: String,
    /// The objective over the horizon.
    pub objective: Interval,
    /// The policy's headline figures, ranked within its variant.
    #[serde(flatten)]
    pub summary: PolicySummary,
}

/// A variant's rows, from its results.
pub fn rows_of(results: &ScenarioResults) -> Vec<SweepRow> {
    let objective = results.scenario.objective;
    policy_summaries(results)
        .into_iter()
        .map(|summary| {
            let value = match objective {
                crate::objective::Objective::Revenue => summary.revenue,
                crate::objective::Objective::Profit { .. } => {
                    summary.profit.unwrap_or(summary.revenue)
                }
            };
            SweepRow {
                objective_name: objective.as_str().to_owned(),
                objective: value,
                summary,
            }
        })
        .collect()
}

/// `sweep.csv`: `rows[v]` are the rows of variant `v`.
pub fn csv(sweep: &Sweep, rows: &[Vec<SweepRow>]) -> Vec<u8> {
    let mut out = writer();
    let mut header: Vec<String> = vec!["variant".into()];
    header.extend(sweep.axes.iter().map(|a| a.path.clone()));
    header.extend(["policy", "kind", "rank", "replications", "objective"].map(String::from));
    for measure in SWEEP_MEASURES {
        for end in ["mean", "low", "high"] {
            header.push(format!("{measure}_{end}"));
        }
    }
    push_row(&mut out, &header);
    for (variant, rows) in sweep.variants.iter().zip(rows) {
        for row in rows {
            let mut cells = vec![variant.name.clone()];
            cells.extend(
                sweep
                    .axes
                    .iter()
                    .zip(&variant.values)
                    .map(|(axis, &i)| axis.value_text(i)),
            );
            let s = &row.summary;
            cells.extend([
                s.policy.clone(),
                s.kind.clone(),
                s.rank.to_string(),
                s.replications.to_string(),
                row.objective_name.clone(),
            ]);
            for interval in [
                Some(row.objective),
                Some(s.regret),
                Some(s.revenue),
                Some(s.spend),
                Some(s.roas),
                s.cpa,
                s.profit,
                s.vs_baseline,
            ] {
                cells.extend(interval_cells(interval));
            }
            push_row(&mut out, &cells);
        }
    }
    finish(out)
}

#[derive(Serialize)]
struct Document<'a> {
    format_version: u32,
    tool: Tool,
    sweep: SweepMeta<'a>,
    variants: Vec<VariantEntry<'a>>,
}

#[derive(Serialize)]
struct SweepMeta<'a> {
    name: &'a str,
    description: &'a str,
    mode: &'static str,
    axes: Vec<AxisMeta<'a>>,
}

#[derive(Serialize)]
struct AxisMeta<'a> {
    path: &'a str,
    label: &'a str,
    values: &'a [toml::Value],
}

#[derive(Serialize)]
struct VariantEntry<'a> {
    name: &'a str,
    scenario: &'a str,
    values: BTreeMap<&'a str, &'a toml::Value>,
    policies: &'a [SweepRow],
}

/// `sweep.json`, pretty-printed.
pub fn json(sweep: &Sweep, rows: &[Vec<SweepRow>]) -> Vec<u8> {
    let document = Document {
        format_version: FORMAT_VERSION,
        tool: Tool::THIS,
        sweep: SweepMeta {
            name: &sweep.name,
            description: &sweep.description,
            mode: sweep.mode.as_str(),
            axes: sweep
                .axes
                .iter()
                .map(|a| AxisMeta {
                    path: &a.path,
                    label: &a.label,
                    values: &a.values,
                })
                .collect(),
        },
        variants: sweep
            .variants
            .iter()
            .zip(sweep.scenarios())
            .zip(rows)
            .map(|((variant, scenario), rows)| VariantEntry {
                name: &variant.name,
                scenario: &scenario.name,
                values: values_of(sweep, variant),
                policies: rows,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&document).expect("the sweep serialises to JSON");
    bytes.push(b'\n');
    bytes
}

fn values_of<'a>(sweep: &'a Sweep, variant: &Variant) -> BTreeMap<&'a str, &'a toml::Value> {
    sweep
        .axes
        .iter()
        .zip(&variant.values)
        .map(|(axis, &i)| (axis.path.as_str(), &axis.values[i]))
        .collect()
}

/// The table `run` prints for a sweep: per variant, its policies from the best objective to
/// the worst, with the objective, the regret and the difference to the baseline.
pub fn table(sweep: &Sweep, rows: &[Vec<SweepRow>]) -> String {
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = sweep.axes.iter().map(|a| a.label.clone()).collect();
    let objective = rows
        .first()
        .and_then(|r| r.first())
        .map_or("objective", |r| r.objective_name.as_str());
    header.extend([
        "policy".into(),
        format!("{objective} (total)"),
        "regret".into(),
        "vs baseline".into(),
    ]);
    let interval = |i: &Interval| {
        format!(
            "{} ± {}",
            thousands(i.mean, 0),
            thousands((i.high - i.low) / 2.0, 0)
        )
    };
    for (variant, rows) in sweep.variants.iter().zip(rows) {
        let mut ranked: Vec<&SweepRow> = rows.iter().collect();
        ranked.sort_by_key(|r| r.summary.rank);
        for row in ranked {
            let mut cells: Vec<String> = sweep
                .axes
                .iter()
                .zip(&variant.values)
                .map(|(axis, &i)| axis.value_text(i))
                .collect();
            cells.push(row.summary.policy.clone());
            cells.push(interval(&row.objective));
            cells.push(interval(&row.summary.regret));
            cells.push(row.summary.vs_baseline.as_ref().map_or_else(
                || "-".into(),
                |d| {
                    format!(
                        "{} ± {}",
                        with_sign(d.mean, thousands(d.mean, 0)),
                        thousands((d.high - d.low) / 2.0, 0)
                    )
                },
            ));
            lines.push(cells);
        }
    }
    let columns = header.len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let axes = sweep.axes.len();
    let render = |cells: &[String]| {
        let mut line = String::from(" ");
        for (c, cell) in cells.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            // Axis values and policy names left, figures right.
            if c <= axes {
                line.push_str(&format!(" {cell}{}", " ".repeat(pad)));
            } else {
                line.push_str(&format!("  {}{cell}", " ".repeat(pad)));
            }
        }
        line.trim_end().to_owned()
    };
    let mut text = format!(
        "{}: sweep of {} variants ({}), {} each\n",
        sweep.name,
        sweep.variants.len(),
        sweep
            .axes
            .iter()
            .map(|a| format!("{} × {}", a.path, a.values.len()))
            .collect::<Vec<_>>()
            .join(", "),
        sweep
            .scenarios()
            .first()
            .map(|s| format!("{} replications", s.replications))
            .unwrap_or_default()
    );
    text.push_str(&render(&header));
    text.push('\n');
    for line in &lines {
        text.push_str(&render(line));
        text.push('\n');
    }
    text.push_str("  ± = 95% interval; money totalled over the horizon; regret against the oracle; vs baseline = paired difference in the objective\n");
    text
}
