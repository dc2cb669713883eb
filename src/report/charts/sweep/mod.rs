//! Charts of a sweep: how the policies fare as the swept fields change.
//!
//! What is drawn depends on the sweep's shape ([`Shape`]):
//!
//! - **One axis** (or axes zipped together, whose variants lie on one line): `sweep-objective`
//!   draws each policy's mean objective over the horizon (revenue, or profit under the profit
//!   objective) against the axis value, with its 95% band across replications shaded as in the
//!   cumulative charts; `sweep-regret` does the same for regret against the oracle
//!   ([`lines`]). Numbers sit on a numeric axis at their values; any other values (words,
//!   tables, booleans), and the variants of zipped axes, sit at even steps named by their
//!   values. An axis of a single value has a single step, where the policies stand side by
//!   side, each with its interval as a whisker.
//! - **Two axes** (their product): per policy a heatmap `sweep-heatmap-<policy>` of its mean
//!   objective, columns the first axis's values, rows the second's, on one colour scale
//!   shared by every policy so colours compare across maps, the value written in each cell;
//!   and `sweep-best`, each cell in the colour of the variant's best policy (the learner of
//!   rank 1: the oracle, which knows the market, is left out while another policy is there)
//!   with its name ([`maps`]).
//! - **More axes**: no chart; `sweep.csv` holds every figure.
//!
//! The figures come from the rows `sweep.csv` is written from; a policy missing from a
//! variant, or a figure that is not finite, leaves its point out of a line or its cell grey.
//! Policies keep the colour they have in the variants' own charts (their place in the
//! scenario's policy list, [`policy_looks`]). This module places the data; [`lines`] and
//! [`maps`] draw it.

pub mod lines;
pub mod maps;

use crate::report::style::{PolicyLook, policy_looks};
use crate::stats::Interval;
use crate::sweep::output::SweepRow;
use crate::sweep::{Axis, Mode, Sweep};
use std::ops::Range;
use toml::Value;

/// A policy of the sweep as its charts draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPolicy {
    /// Its name.
    pub name: String,
    /// Its kind (`oracle` for the oracle).
    pub kind: String,
    /// Its colour and line pattern, as in the variants' charts.
    pub look: PolicyLook,
}

/// Which figure of a row a line chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepMeasure {
    /// The objective over the horizon (revenue or profit).
    Objective,
    /// Regret against the oracle over the horizon.
    Regret,
}

impl SweepMeasure {
    /// The figure of `row`.
    pub fn of(self, row: &SweepRow) -> Interval {
        match self {
            SweepMeasure::Objective => row.objective,
            SweepMeasure::Regret => row.summary.regret,
        }
    }
}

/// The x axis of the line charts: where each variant sits and how the positions are named.
#[derive(Debug, Clone, PartialEq)]
pub struct LineAxis {
    /// The axis's description: the swept path (paths, for zipped axes).
    pub title: String,
    /// Its short name, for titles.
    pub name: String,
    /// The name of each position.
    pub labels: Vec<String>,
    /// The value of each position on a numeric axis; `None` for even steps.
    pub numbers: Option<Vec<f64>>,
    /// Per variant, its position, if it has one.
    pub positions: Vec<Option<usize>>,
}

impl LineAxis {
    /// The x coordinate of `position`: its value on a numeric axis, else the position itself.
    pub fn x(&self, position: usize) -> f64 {
        match &self.numbers {
            Some(numbers) => numbers[position],
            None => position as f64,
        }
    }

    /// The x range drawn: the values with a twentieth of their span on either side (a single
    /// value, or equal ones, in the middle of a range around it), or half a step beyond the
    /// first and last step.
    pub fn range(&self) -> Range<f64> {
        match &self.numbers {
            Some(numbers) => {
                let low = numbers.iter().copied().fold(f64::INFINITY, f64::min);
                let high = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                padded(low, high, 0.05)
            }
            None => -0.5..self.labels.len().max(1) as f64 - 0.5,
        }
    }
}

/// `low..high` (finite) with `share` of its span added on either side; around a single value
/// half of its size (or 1 around 0); `0..1` when not finite.
pub fn padded(low: f64, high: f64, share: f64) -> Range<f64> {
    if !(low.is_finite() && high.is_finite()) || low > high {
        return 0.0..1.0;
    }
    let span = high - low;
    let pad = if span > 0.0 && span.is_finite() {
        span * share
    } else if low != 0.0 {
        low.abs() * 0.5
    } else {
        1.0
    };
    let range = (low - pad)..(high + pad);
    if range.start.is_finite() && range.end.is_finite() && range.start < range.end {
        range
    } else {
        0.0..1.0
    }
}

/// The columns or rows of a heatmap: one axis's values.
#[derive(Debug, Clone, PartialEq)]
pub struct GridAxis {
    /// The swept path.
    pub title: String,
    /// Its short name, for titles.
    pub name: String,
    /// Each value as written.
    pub labels: Vec<String>,
}

/// The cells of a two-axis sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The first axis, across.
    pub columns: GridAxis,
    /// The second axis, upwards.
    pub rows: GridAxis,
    /// `cells[row][column]`: the variant of that cell, if there is one.
    pub cells: Vec<Vec<Option<usize>>>,
}

/// How a sweep's variants are laid out, which decides its charts.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Along one line: one axis, or zipped axes.
    Line(LineAxis),
    /// On a grid: two axes, every combination.
    Grid(Grid),
    /// Neither (three axes or more, or none): no chart.
    Unchartable,
}

/// A sweep and its rows, placed for charts.
pub struct SweepView<'a> {
    /// The sweep.
    pub sweep: &'a Sweep,
    rows: &'a [Vec<SweepRow>],
    /// Every policy met in the variants' scenarios or rows, in scenario order.
    pub policies: Vec<SweepPolicy>,
    /// The objective's name: `revenue` or `profit`.
    pub objective: String,
    /// The currency of money figures.
    pub currency: String,
    /// How the variants are laid out.
    pub shape: Shape,
}

impl<'a> SweepView<'a> {
    /// Places `rows` (`rows[v]`: the rows of variant `v`) of `sweep`.
    pub fn new(sweep: &'a Sweep, rows: &'a [Vec<SweepRow>]) -> Self {
        let mut named: Vec<(String, String)> = Vec::new();
        let mut meet = |name: &str, kind: &str| {
            if !named.iter().any(|(n, _)| n == name) {
                named.push((name.to_owned(), kind.to_owned()));
            }
        };
        for scenario in sweep.scenarios() {
            for policy in &scenario.policies {
                meet(&policy.name, policy.kind.as_str());
            }
        }
        for row in rows.iter().flatten() {
            meet(&row.summary.policy, &row.summary.kind);
        }
        let looks = policy_looks(named.iter().map(|(_, kind)| kind.as_str()));
        let policies = named
            .into_iter()
            .enumerate()
            .map(|(i, (name, kind))| SweepPolicy {
                look: looks[i],
                name,
                kind,
            })
            .collect();
        let first = sweep.scenarios().first();
        let objective = rows
            .iter()
            .flatten()
            .next()
            .map(|r| r.objective_name.clone())
            .or_else(|| first.map(|s| s.objective.as_str().to_owned()))
            .unwrap_or_else(|| "objective".to_owned());
        SweepView {
            sweep,
            rows,
            policies,
            objective,
            currency: first.map(|s| s.currency.clone()).unwrap_or_default(),
            shape: shape(sweep),
        }
    }

    /// The row of policy `policy` (an index into [`SweepView::policies`]) in variant
    /// `variant`, if it has one.
    pub fn row(&self, variant: usize, policy: usize) -> Option<&'a SweepRow> {
        let name = &self.policies.get(policy)?.name;
        self.rows
            .get(variant)?
            .iter()
            .find(|r| &r.summary.policy == name)
    }

    /// The points of `policy` on a line chart of `measure`, in x order: the x coordinate and
    /// the interval, for each variant on the line where the policy has a finite mean.
    pub fn line_points(
        &self,
        axis: &LineAxis,
        policy: usize,
        measure: SweepMeasure,
    ) -> Vec<(f64, Interval)> {
        let mut points: Vec<(f64, Interval)> = axis
            .positions
            .iter()
            .enumerate()
            .filter_map(|(variant, position)| {
                let x = axis.x((*position)?);
                let interval = measure.of(self.row(variant, policy)?);
                (x.is_finite() && interval.mean.is_finite()).then_some((x, interval))
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points
    }

    /// The best policy of `variant` (an index into [`SweepView::policies`]): of rank 1 among
    /// those that are not the oracle, or the oracle when it is alone; `None` without rows.
    pub fn best(&self, variant: usize) -> Option<usize> {
        self.ranked(variant).first().copied()
    }

    /// The best policy of `variant` and the runner-up, neither of them the oracle; `None`
    /// with fewer than two learners or baselines.
    pub fn best_two(&self, variant: usize) -> Option<(usize, usize)> {
        let learners: Vec<usize> = self
            .ranked(variant)
            .into_iter()
            .filter(|&p| self.policies[p].kind != "oracle")
            .collect();
        (learners.len() >= 2).then(|| (learners[0], learners[1]))
    }

    /// The policies of `variant` from the best: by rank, the oracle last.
    fn ranked(&self, variant: usize) -> Vec<usize> {
        let Some(rows) = self.rows.get(variant) else {
            return Vec::new();
        };
        let mut ranked: Vec<((bool, usize, usize), usize)> = rows
            .iter()
            .filter_map(|row| {
                let policy = self
                    .policies
                    .iter()
                    .position(|p| p.name == row.summary.policy)?;
                let oracle = row.summary.kind == "oracle";
                Some(((oracle, row.summary.rank, policy), policy))
            })
            .collect();
        ranked.sort_by_key(|(key, _)| *key);
        ranked.into_iter().map(|(_, policy)| policy).collect()
    }
}

/// The values of `axis` as numbers, when every one is a finite integer or float.
pub fn numbers(axis: &Axis) -> Option<Vec<f64>> {
    axis.values
        .iter()
        .map(|v| match v {
            Value::Integer(i) => Some(*i as f64),
            Value::Float(f) if f.is_finite() => Some(*f),
            _ => None,
        })
        .collect::<Option<Vec<f64>>>()
        .filter(|n| !n.is_empty())
}

/// The values of `axis` as a chart writes them: numbers with thousands separators and no
/// needless decimals (`5,000`, `0.05`), text as it is.
fn labels(axis: &Axis) -> Vec<String> {
    (0..axis.values.len())
        .map(|i| value_label(axis, i))
        .collect()
}

/// Value `i` of `axis` as a chart writes it (see [`labels`]).
fn value_label(axis: &Axis, i: usize) -> String {
    match &axis.values[i] {
        Value::Integer(n) => crate::output::table::thousands(*n as f64, 0),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 => {
            crate::output::table::thousands(*f, 0)
        }
        Value::Float(f) if f.is_finite() => f.to_string(),
        _ => axis.value_text(i),
    }
}

/// A swept path as a chart's words: the collection (`channels.`, `policies.`) left out, keys
/// apart and underscores as spaces, so `policies.epsilon-greedy.epsilon` reads
/// "epsilon-greedy epsilon" and `daily_budget` "daily budget".
pub fn readable(path: &str) -> String {
    let keys: Vec<&str> = path.split('.').collect();
    let keys = match keys.first() {
        Some(&"channels" | &"policies") if keys.len() > 1 => &keys[1..],
        _ => &keys[..],
    };
    keys.join(" ").replace('_', " ")
}

/// How `sweep`'s variants are laid out.
pub fn shape(sweep: &Sweep) -> Shape {
    let axes = &sweep.axes;
    let value_of = |variant: usize, axis: usize| {
        sweep.variants[variant]
            .values
            .get(axis)
            .copied()
            .filter(|&i| i < axes[axis].values.len())
    };
    match (axes.len(), sweep.mode) {
        (1, _) => {
            let axis = &axes[0];
            Shape::Line(LineAxis {
                title: readable(&axis.path),
                name: readable(&axis.label),
                labels: labels(axis),
                // One value, however often, is a single step: the policies are set apart there.
                numbers: numbers(axis).filter(|n| n.iter().any(|&x| x != n[0])),
                positions: (0..sweep.variants.len()).map(|v| value_of(v, 0)).collect(),
            })
        }
        (2.., Mode::Zip) => Shape::Line(LineAxis {
            title: axes
                .iter()
                .map(|a| readable(&a.path))
                .collect::<Vec<_>>()
                .join(" / "),
            name: axes
                .iter()
                .map(|a| readable(&a.label))
                .collect::<Vec<_>>()
                .join(" & "),
            labels: (0..sweep.variants.len())
                .map(|v| {
                    (0..axes.len())
                        .map(|a| value_of(v, a).map_or("?".into(), |i| value_label(&axes[a], i)))
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
                .collect(),
            numbers: None,
            positions: (0..sweep.variants.len()).map(Some).collect(),
        }),
        (2, Mode::Product) => {
            let grid_axis = |axis: &Axis| GridAxis {
                title: readable(&axis.path),
                name: readable(&axis.label),
                labels: labels(axis),
            };
            let mut cells = vec![vec![None; axes[0].values.len()]; axes[1].values.len()];
            for variant in 0..sweep.variants.len() {
                if let (Some(column), Some(row)) = (value_of(variant, 0), value_of(variant, 1)) {
                    cells[row][column].get_or_insert(variant);
                }
            }
            Shape::Grid(Grid {
                columns: grid_axis(&axes[0]),
                rows: grid_axis(&axes[1]),
                cells,
            })
        }
        _ => Shape::Unchartable,
    }
}

#[cfg(test)]
pub(crate) mod tests;
