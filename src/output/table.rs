//! The ranked table printed after each scenario: what a strategist reads first.

use super::kpi::policy_summaries;
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

/// The ranked policy table of one scenario, as printed by `run`.
pub fn ranked_table(results: &ScenarioResults) -> String {
    let scenario = &results.scenario;
    let currency = &scenario.currency;
    let rows = policy_summaries(results);
    let profit = scenario.objective.target_roas().is_some();
    let mut header = vec![
        "rank".into(),
        "policy".into(),
        format!("revenue ({currency}, 95% CI)"),
        format!("spend ({currency})"),
        "ROAS".into(),
        format!("CPA ({currency})"),
        format!("regret ({currency}, 95% CI)"),
    ];
    if profit {
        header.push(format!("profit ({currency}, 95% CI)"));
        header.push(format!("unspent ({currency})"));
    }
    let columns = header.len();
    let mut cells: Vec<Vec<String>> = vec![header];
    for row in &rows {
        let mut line = vec![
            row.rank.to_string(),
            row.policy.clone(),
            with_interval(&row.revenue, 0),
            thousands(row.spend.mean, 0),
            format!("{:.3}", row.roas.mean),
            row.cpa.map_or("-".into(), |c| thousands(c.mean, 2)),
            with_interval(&row.regret, 0),
        ];
        if profit {
            line.push(row.profit.map_or("-".into(), |p| with_interval(&p, 0)));
            line.push(row.unspent.map_or("-".into(), |u| thousands(u.mean, 0)));
        }
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
    text
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
}
