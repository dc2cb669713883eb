//! Long horizons end to end: a run of 200,000 days writes a `daily.csv` of a bounded number of
//! rows whose `first_day` and `day` tile the horizon, and `chart` draws it; `chart` still reads
//! a `daily.csv` written before rows of several days (no `first_day` column), and refuses rows
//! that do not tile the horizon.

mod common;

use common::{budget_bandit, path_str};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// Two Bernoulli arms over 200,000 days.
const LONG: &str = r#"
name = "long"
days = 200000
daily_budget = 1.0
seed = 3
replications = 3
allocation = "winner-takes-all"

[[channels]]
name = "good"
pricing = "cpc"
price = 1.0
cvr = 0.5
value = 1.0

[[channels]]
name = "worse"
pricing = "cpc"
price = 1.0
cvr = 0.4
value = 1.0

[[policies]]
kind = "thompson"

[[policies]]
kind = "oracle"
"#;

/// The rows of a `daily.csv` by policy and channel: `(first_day, day)` in file order.
fn spans(daily: &str) -> BTreeMap<(String, String), Vec<(usize, usize)>> {
    let mut lines = daily.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (policy, channel, day, first) = (
        column("policy"),
        column("channel"),
        column("day"),
        column("first_day"),
    );
    let mut spans: BTreeMap<(String, String), Vec<(usize, usize)>> = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        spans
            .entry((cells[policy].to_owned(), cells[channel].to_owned()))
            .or_default()
            .push((cells[first].parse().unwrap(), cells[day].parse().unwrap()));
    }
    spans
}

#[test]
fn a_long_horizon_writes_bounded_rows_that_tile_it_and_draws_them() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("long.toml");
    fs::write(&scenario, LONG).unwrap();
    let out = dir.path().join("out");
    let run = budget_bandit(&[
        "run",
        path_str(&scenario),
        "--out",
        path_str(&out),
        "-q",
        "--no-charts",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let folder = out.join("long");
    let daily = fs::read_to_string(folder.join("daily.csv")).unwrap();
    let header = daily.lines().next().unwrap();
    assert!(header.ends_with(",first_day"), "{header}");
    let spans = spans(&daily);
    assert_eq!(
        spans.len(),
        2 * 3,
        "two policies, two channels and the total"
    );
    let rows = &spans[&("thompson".to_owned(), "total".to_owned())];
    // Every day up to 2,000, then log-spaced buckets: 2,159 rows, not 200,000.
    assert!(rows.len() <= 2_200, "{} rows", rows.len());
    assert_eq!(rows[1999], (2000, 2000));
    assert_eq!(rows[2000], (2001, 2050));
    for (key, spans) in &spans {
        assert_eq!(spans, rows, "{key:?} has the same rows");
        let mut next = 1;
        for &(first, last) in spans {
            assert_eq!(first, next, "{key:?}: rows tile the horizon");
            assert!(last >= first);
            next = last + 1;
        }
        assert_eq!(next, 200_001, "{key:?}: up to the last day");
    }
    // Under a megabyte and a half, where one row a day would take about 80 MB.
    assert!(daily.len() < 1_500_000, "{} bytes", daily.len());
    // The oracle funds the better arm on every day of the last bucket, and so do its
    // benchmark's shares.
    let last = daily
        .lines()
        .find(|line| line.starts_with("oracle,200000,good,"))
        .unwrap();
    let cells: Vec<&str> = last.split(',').collect();
    assert_eq!((cells[3], cells[11]), ("1", "1"), "{last}");

    let chart = budget_bandit(&["chart", path_str(&folder)]);
    assert_eq!(chart.code, 0, "{}", chart.stderr);
    let regret_log = fs::read_to_string(folder.join("charts/regret-log.svg")).unwrap();
    assert!(
        regret_log.contains("Lai-Robbins bound"),
        "the bound is drawn"
    );
    let report = fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("Lai-Robbins"));
    let allocation = fs::read_to_string(folder.join("charts/allocation-thompson.svg")).unwrap();
    assert!(
        allocation.contains("day (log scale)"),
        "bucketed rows on a log axis"
    );
}

/// Removes the last column of every line of a CSV without quoted commas.
fn without_last_column(csv: &str) -> String {
    csv.lines()
        .map(|line| line.rsplit_once(',').unwrap().0.to_owned() + "\n")
        .collect()
}

fn default_run(out: &Path, days: &str) -> std::path::PathBuf {
    let run = budget_bandit(&[
        "run",
        "--out",
        path_str(out),
        "--days",
        days,
        "--replications",
        "3",
        "-q",
        "--no-charts",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    out.join("default")
}

#[test]
fn a_daily_csv_without_first_day_still_draws() {
    let dir = TempDir::new().unwrap();
    let folder = default_run(dir.path(), "30");
    let daily = folder.join("daily.csv");
    let text = fs::read_to_string(&daily).unwrap();
    assert!(text.lines().all(|line| {
        let cells: Vec<&str> = line.split(',').collect();
        cells[0] == "policy" || cells[1] == cells[15]
    }));
    let old = without_last_column(&text);
    assert!(old.starts_with("policy,day,channel,") && !old.contains("first_day"));
    fs::write(&daily, &old).unwrap();
    let chart = budget_bandit(&["chart", path_str(&folder)]);
    assert_eq!(chart.code, 0, "{}", chart.stderr);
    for stem in ["allocation-compare", "revenue", "regret"] {
        assert!(
            folder.join(format!("charts/{stem}.png")).is_file(),
            "{stem}"
        );
    }
    // The same charts as from the file with the column: one-day rows either way.
    let with_column = TempDir::new().unwrap();
    let fresh = default_run(with_column.path(), "30");
    assert_eq!(budget_bandit(&["chart", path_str(&fresh)]).code, 0);
    for stem in ["allocation-compare", "revenue", "regret"] {
        let name = format!("charts/{stem}.svg");
        assert_eq!(
            fs::read(folder.join(&name)).unwrap(),
            fs::read(fresh.join(&name)).unwrap(),
            "{stem}"
        );
    }
}

#[test]
fn rows_that_do_not_tile_the_horizon_are_damaged() {
    let dir = TempDir::new().unwrap();
    let folder = default_run(dir.path(), "6");
    let daily = folder.join("daily.csv");
    let text = fs::read_to_string(&daily).unwrap();
    // Day 3's rows claim to start on day 2, over day 2's own rows.
    let overlapping: String = text
        .lines()
        .map(|line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            if cells[1] == "3" {
                cells[15] = "2";
            }
            cells.join(",") + "\n"
        })
        .collect();
    fs::write(&daily, overlapping).unwrap();
    let chart = budget_bandit(&["chart", path_str(&folder)]);
    assert_eq!(chart.code, 2, "{}", chart.stderr);
    assert!(
        chart.stderr.contains("daily.csv") && chart.stderr.contains("overlaps"),
        "{}",
        chart.stderr
    );
    // A first day after the day.
    let backwards = text.replacen(",1\n", ",2\n", 1);
    fs::write(&daily, backwards).unwrap();
    let chart = budget_bandit(&["chart", path_str(&folder)]);
    assert_eq!(chart.code, 2, "{}", chart.stderr);
    assert!(chart.stderr.contains("first_day 2"), "{}", chart.stderr);
}
