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
    // Money columns say whether they are means per day; the line above the table names the
    // currency, so that the table fits [`TABLE_WIDTH`] columns.
    let money_header = |what: &str| {
        if view.per_day {
            format!("{what}/day")
        } else {
            what.to_owned()
        }
    };
    let mut header = vec!["#".to_owned(), "policy".to_owned()];
    if profit {
        header.push(money_header("profit"));
    }
    header.push(money_header("revenue"));
    if let Some(name) = baseline {
        let per = if view.per_day { "/day" } else { "" };
        header.push(format!("vs {name}{per}"));
    }
    header.push(money_header("spend"));
    if profit {
        header.push(money_header("unspent"));
    }
    header.extend(["ROAS".to_owned(), "CPA".to_owned(), money_header("regret")]);
    // Whole currency units where every CPA is 10 or more, cents where one is smaller.
    let least_cpa = rows
        .iter()
        .filter_map(|r| r.cpa.map(|c| c.mean))
        .fold(f64::INFINITY, f64::min);
    let cpa_decimals = if least_cpa >= 10.0 { 0 } else { 2 };
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
            format!("{:.2}", row.roas.mean),
            row.cpa
                .map_or("-".into(), |c| thousands(c.mean, cpa_decimals)),
            amount(&row.regret),
        ]);
        cells.push(line);
    }
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
        text.push_str(&wrap(&scenario.description, TABLE_WIDTH, ""));
    }
    let amounts = if view.per_day {
        "means per day".to_owned()
    } else {
        format!("totals over the {} days", scenario.days)
    };
    let _ = writeln!(text, "  money in {currency}, {amounts}; CPA per conversion");
    text.push_str(&in_blocks(&cells, 2, &[1], TABLE_WIDTH));
    text.push_str(&wrap(
        &reading_note(results, baseline, profit),
        TABLE_WIDTH,
        "  ",
    ));
    text
}

/// `cells` (a header row, then data rows) as text in columns as wide as their widest cell,
/// the first `keys` columns (rank and name) on every line: the other columns go left to right
/// into as many blocks, one under the other, as it takes to keep each line within `width` (as
/// R prints a wide table). The columns of `left` are left-aligned, the others right-aligned.
pub fn in_blocks(cells: &[Vec<String>], keys: usize, left: &[usize], width: usize) -> String {
    let columns = cells.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line_width =
        |columns: &[usize]| 2 + columns.iter().map(|&c| widths[c] + 2).sum::<usize>() - 2;
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    let mut block: Vec<usize> = (0..keys).collect();
    for c in keys..widths.len() {
        block.push(c);
        if block.len() > keys + 1 && line_width(&block) > width {
            block.pop();
            blocks.push(std::mem::replace(&mut block, (0..keys).collect()));
            block.push(c);
        }
    }
    blocks.push(block);
    let mut text = String::new();
    for (b, block) in blocks.iter().enumerate() {
        if b > 0 {
            text.push('\n');
        }
        for row in cells {
            let line: Vec<String> = block
                .iter()
                .map(|&c| {
                    if left.contains(&c) {
                        format!("{:<width$}", row[c], width = widths[c])
                    } else {
                        format!("{:>width$}", row[c], width = widths[c])
                    }
                })
                .collect();
            let _ = writeln!(text, "  {}", line.join("  ").trim_end());
        }
    }
    text
}

/// Columns a terminal table and its notes fit in.
pub const TABLE_WIDTH: usize = 100;

/// `text` broken at spaces into lines of at most `width` characters (a longer word has a
/// line of its own), each line starting with `indent` and ending with a newline.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let room = width.saturating_sub(indent.chars().count()).max(1);
    let mut wrapped = String::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > room {
            wrapped.push_str(indent);
            wrapped.push_str(&line);
            wrapped.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        wrapped.push_str(indent);
        wrapped.push_str(&line);
        wrapped.push('\n');
    }
    wrapped
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
    fn wrapped_lines_fit_their_width_and_keep_every_word() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let wrapped = wrap(text, 20, "  ");
        assert!(
            wrapped
                .lines()
                .all(|l| l.chars().count() <= 20 && l.starts_with("  "))
        );
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>().join(" "),
            text
        );
        assert_eq!(
            wrap("a-word-longer-than-the-width x", 10, ""),
            "a-word-longer-than-the-width\nx\n"
        );
        assert_eq!(wrap("", 10, "  "), "");
    }

    #[test]
    fn a_table_wider_than_its_width_goes_on_in_blocks_with_its_key_columns() {
        let cells: Vec<Vec<String>> = (0..3)
            .map(|r| {
                (0..6)
                    .map(|c| format!("{}{}", "x".repeat(12), r * 10 + c))
                    .collect()
            })
            .collect();
        let text = in_blocks(&cells, 2, &[1], 50);
        assert!(text.lines().all(|l| l.chars().count() <= 50), "{text}");
        // Two key columns and one more fit 50: four blocks of three rows, each with the keys.
        let blocks: Vec<&str> = text.split("\n\n").collect();
        assert_eq!(blocks.len(), 4, "{text}");
        for (b, block) in blocks.iter().enumerate() {
            let first = block.lines().next().unwrap();
            assert!(first.contains("xxxxxxxxxxxx0 ") && first.ends_with(&format!("x{}", b + 2)));
        }
        // A table that fits is one block.
        assert_eq!(in_blocks(&cells, 2, &[1], 200).lines().count(), 3);
    }

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
