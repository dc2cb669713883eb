//! The ranked table printed after each scenario: what a strategist reads first.

use super::kpi::policy_summaries;
use crate::benchmark::BenchmarkKind;
use crate::runner::ScenarioResults;
use crate::stats::Interval;
use std::fmt::Write;

/// Formats a number with thousands separators and `decimals` decimals: `1234567.8` → `1,234,567.8`.
pub fn thousands(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "-".to_owned();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(w, f)| (w, f));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// The width of a table's name column: its longest name, and at least 7 (`channel`).
pub fn name_width<'a>(names: impl IntoIterator<Item = &'a str>) -> usize {
    names.into_iter().map(str::len).max().unwrap_or(0).max(7)
}

/// Formats an amount of money: whole units with thousands separators, or cents below 100
/// (so the one-unit budgets of classic bandit scenarios stay readable).
pub fn money(value: f64) -> String {
    thousands(value, if value.abs() < 100.0 { 2 } else { 0 })
}

fn with_interval(interval: &Interval, decimals: usize) -> String {
    format!(
        "{} ± {}",
        thousands(interval.mean, decimals),
        thousands((interval.high - interval.low) / 2.0, decimals)
    )
}

/// `text`, a number as formatted, with a `+` in front when it is positive and does not read as
/// zero, so that a difference shows its sign either way (a negative one has its `-` already).
pub fn with_sign(value: f64, text: String) -> String {
    if value > 0.0 && text.chars().any(|c| matches!(c, '1'..='9')) {
        format!("+{text}")
    } else {
        text
    }
}

/// A difference with its sign always shown: `+106,000 ± 9,000`.
fn signed_with_interval(interval: &Interval, decimals: usize) -> String {
    format!(
        "{} ± {}",
        with_sign(interval.mean, thousands(interval.mean, decimals)),
        thousands((interval.high - interval.low) / 2.0, decimals)
    )
}

/// How the ranked table shows money.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableView {
    /// Money per day (the horizon's mean) instead of totals over the horizon.
    pub per_day: bool,
}

/// The ranked policy table of one scenario, as printed by `run`: totals over the horizon (or
/// means per day) with 95% intervals, each policy's paired difference to the baseline, and a
/// line that says how to read regret and the intervals.
pub fn ranked_table(results: &ScenarioResults, view: TableView) -> String {
    let scenario = &results.scenario;
    let currency = &scenario.currency;
    let rows = policy_summaries(results);
    let profit = scenario.objective.target_roas().is_some();
    let baseline = results.baseline().map(|b| b.spec.name.as_str());
    let scale = if view.per_day {
        1.0 / scenario.days as f64
    } else {
        1.0
    };
    let money_decimals = if scenario.daily_budget * scale * scenario.days as f64 >= 100.0 {
        0
    } else {
        2
    };
    let scaled = |i: &Interval| Interval {
        mean: i.mean * scale,
        low: i.low * scale,
        high: i.high * scale,
    };
    let amount = |i: &Interval| with_interval(&scaled(i), money_decimals);
    // Money columns say whether they are totals over the horizon or means per day.
    let money_header = |what: &str| {
        if view.per_day {
            format!("{what}/day ({currency})")
        } else {
            format!("total {what} ({currency})")
        }
    };
    let mut header = vec!["rank".to_owned(), "policy".to_owned()];
    if profit {
        header.push(money_header("profit"));
    }
    header.push(money_header("revenue"));
    if let Some(name) = baseline {
        let per = if view.per_day { "/day" } else { "" };
        header.push(format!("vs {name} ({currency}{per})"));
    }
    header.push(money_header("spend"));
    if profit {
        header.push(money_header("unspent"));
    }
    header.extend([
        "ROAS".to_owned(),
        format!("CPA ({currency})"),
        money_header("regret"),
    ]);
    let columns = header.len();
    let mut cells: Vec<Vec<String>> = vec![header];
    for row in &rows {
        let mut line = vec![row.rank.to_string(), row.policy.clone()];
        if profit {
            line.push(row.profit.as_ref().map_or("-".into(), amount));
        }
        line.push(amount(&row.revenue));
        if baseline.is_some() {
            line.push(if Some(row.policy.as_str()) == baseline {
                "baseline".into()
            } else {
                row.vs_baseline.map_or("-".into(), |d| {
                    signed_with_interval(&scaled(&d), money_decimals)
                })
            });
        }
        line.push(thousands(row.spend.mean * scale, money_decimals));
        if profit {
            line.push(
                row.unspent
                    .map_or("-".into(), |u| thousands(u.mean * scale, money_decimals)),
            );
        }
        line.extend([
            format!("{:.3}", row.roas.mean),
            row.cpa.map_or("-".into(), |c| thousands(c.mean, 2)),
            amount(&row.regret),
        ]);
        cells.push(line);
    }
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: {} days x {} {currency}/day, {} replications, {} allocation",
        scenario.name,
        scenario.days,
        money(scenario.daily_budget),
        scenario.replications,
        scenario.allocation.as_str()
    );
    if !scenario.description.is_empty() {
        let _ = writeln!(text, "{}", scenario.description);
    }
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 1 {
                    format!("{cell:<width$}", width = widths[c])
                } else {
                    format!("{cell:>width$}", width = widths[c])
                }
            })
            .collect();
        let _ = writeln!(text, "  {}", line.join("  "));
    }
    let _ = writeln!(text, "  {}", reading_note(results, baseline, profit));
    text
}

/// The line under the table: what `±`, regret and the baseline column mean.
fn reading_note(results: &ScenarioResults, baseline: Option<&str>, profit: bool) -> String {
    let objective = if profit { "profit" } else { "revenue" };
    let kind = results.benchmark.kind();
    let oracle = match kind {
        BenchmarkKind::DailyOptimum => "it knows every true response".to_owned(),
        BenchmarkKind::BestConstantSplit => kind.describe().to_owned(),
    };
    let mut note = format!(
        "± = 95% interval, {} replications; regret = expected {objective} lost against the \
         oracle ({oracle})",
        results.scenario.replications
    );
    if let Some(name) = baseline {
        note += &format!("; vs {name} = paired difference, same market draws");
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(-1000.0, 0), "-1,000");
        assert_eq!(thousands(-0.0001, 2), "0.00");
        assert_eq!(thousands(f64::NAN, 0), "-");
    }

    #[test]
    fn differences_show_their_sign_unless_they_read_as_zero() {
        assert_eq!(with_sign(1234.0, thousands(1234.0, 0)), "+1,234");
        assert_eq!(with_sign(0.5, thousands(0.5, 2)), "+0.50");
        assert_eq!(with_sign(0.001, thousands(0.001, 2)), "0.00");
        assert_eq!(with_sign(-3.0, thousands(-3.0, 0)), "-3");
    }
}
