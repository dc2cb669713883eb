//! The docs' scenario table and fatigue sweep ranges say what the committed results say, and
//! the README's terminal output is what its commands print.
//!
//! The [scenario library](../docs/scenarios.md#scenario-library) table names, for every scenario of
//! the library, its best learner and the runner-up with their regret (the mean and the 95%
//! half-width, rounded to whole currency units and grouped as the ranked table prints
//! them, by [`thousands`]). This test reads each figure back from
//! `results/<scenario>/summary.csv`, and checks that the policies named are the ones the
//! results rank there. `tests/examples.rs` keeps those files current, so a change that moves a
//! figure fails here until the page says the new one. (The figures lived in the README before
//! it became a guide; they now live in `docs/`, which the README links.)

mod common;

use budget_bandit::output::table::thousands;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One policy's line of a committed `summary.csv`.
struct Row {
    policy: String,
    kind: String,
    regret_mean: f64,
    regret_high: f64,
}

fn summary(scenario: &str) -> Vec<Row> {
    let path = root().join("results").join(scenario).join("summary.csv");
    common::csv_columns(&path, &["policy", "kind", "regret_mean", "regret_high"])
        .into_iter()
        .map(|row| Row {
            policy: row[0].clone(),
            kind: row[1].clone(),
            regret_mean: row[2].parse().unwrap(),
            regret_high: row[3].parse().unwrap(),
        })
        .collect()
}

/// A table cell `policy mean ± half-width ...` (the half-width absent where the regret does
/// not vary): the policy's name and the figures as written.
fn cell(text: &str) -> (String, String, Option<String>) {
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(words.len() >= 2, "cell '{text}' names no policy and regret");
    let half_width = (words.get(2) == Some(&"±")).then(|| words[3].to_owned());
    (words[0].to_owned(), words[1].to_owned(), half_width)
}

/// The page that holds the scenario library's table.
const SCENARIO_PAGE: &str = "docs/scenarios.md";

/// The page that quotes the ranges of the fatigue sweep.
const SWEEP_PAGE: &str = "docs/sweeps-and-clusters.md";

/// The rows of the scenario table: the scenario and its best-learner and runner-up
/// cells.
fn scenario_table(page: &str) -> Vec<(String, String, String)> {
    let mut lines = page
        .lines()
        .skip_while(|line| !line.starts_with("| scenario | what it models | best learner"));
    assert!(
        lines.next().is_some(),
        "{SCENARIO_PAGE} has no scenario table"
    );
    lines
        .skip(1)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (
                cells[1].trim_matches('`').to_owned(),
                cells[3].to_owned(),
                cells[4].to_owned(),
            )
        })
        .collect()
}

/// The library's scenarios: the files of `scenarios/` but the long horizon, which the page
/// describes in its own section.
fn library() -> BTreeSet<String> {
    fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|name| name != "million-days")
        .collect()
}

fn check_cell(scenario: &str, text: &str, expected: &Row) {
    let (policy, mean, half_width) = cell(text);
    assert_eq!(
        policy, expected.policy,
        "{SCENARIO_PAGE}, scenario table, {scenario}: '{text}' should name {}",
        expected.policy
    );
    let committed_mean = thousands(expected.regret_mean, 0);
    let committed_half_width = thousands(expected.regret_high - expected.regret_mean, 0);
    assert_eq!(
        mean, committed_mean,
        "{SCENARIO_PAGE}, scenario table, {scenario}: {policy}'s regret is {committed_mean} in results/{scenario}/summary.csv"
    );
    match half_width {
        Some(written) => assert_eq!(
            written, committed_half_width,
            "{SCENARIO_PAGE}, scenario table, {scenario}: {policy}'s half-width is {committed_half_width}"
        ),
        None => assert_eq!(
            committed_half_width, "0",
            "{SCENARIO_PAGE}, scenario table, {scenario}: {policy}'s regret varies (± {committed_half_width})"
        ),
    }
}

/// Every scenario of the library has a row; its best learner is the policy other than the
/// oracle and the even split with the least regret, its runner-up the policy ranked right
/// after it (the oracle aside, the even split included), and both figures are the committed
/// ones.
#[test]
fn the_scenario_table_matches_the_committed_results() {
    let page = fs::read_to_string(Path::new(&root()).join(SCENARIO_PAGE)).unwrap();
    let table = scenario_table(&page);
    let named: BTreeSet<String> = table.iter().map(|(name, ..)| name.clone()).collect();
    assert_eq!(named, library(), "the scenario table's rows");
    for (scenario, best, runner_up) in &table {
        let mut ranked: Vec<Row> = summary(scenario)
            .into_iter()
            .filter(|row| row.kind != "oracle")
            .collect();
        ranked.sort_by(|a, b| a.regret_mean.total_cmp(&b.regret_mean));
        let learner = ranked
            .iter()
            .position(|row| row.kind != "fixed")
            .expect("every scenario has a learner");
        check_cell(scenario, best, &ranked[learner]);
        check_cell(scenario, runner_up, &ranked[learner + 1]);
    }
}

/// The ranges the sweeps page quotes from the sweep `fatigue-by-search-audience` are those of its committed `sweep.csv`:
/// saturation Thompson sampling's regret over the fifteen markets, the even split's over the
/// fourteen besides the shipped `fatigue`, and the two Thompson samplers' over all fifteen.
#[test]
fn the_fatigue_sweep_ranges_match_the_committed_sweep() {
    let path = root().join("results/fatigue-by-search-audience/sweep.csv");
    let (mut learner, mut even, mut thompsons) = (Vec::new(), Vec::new(), Vec::new());
    for row in common::csv_columns(&path, &["variant", "policy", "regret_mean"]) {
        let value: f64 = row[2].parse().unwrap();
        match row[1].as_str() {
            "saturation-thompson" => learner.push(value),
            "fixed" if row[0] != "audience-900_strength-1.5" => even.push(value),
            "thompson" | "discounted-thompson" => thompsons.push(value),
            _ => {}
        }
    }
    assert_eq!((learner.len(), even.len(), thompsons.len()), (15, 14, 30));
    let range = |values: &[f64]| {
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{} to {}", thousands(low, 0), thousands(high, 0))
    };
    let page = fs::read_to_string(root().join(SWEEP_PAGE)).unwrap();
    let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
    for (what, quoted) in [
        ("saturation-thompson", range(&learner)),
        ("the even split (the shipped market aside)", range(&even)),
        ("the Thompson samplers", range(&thompsons)),
    ] {
        assert!(
            flat.contains(&quoted),
            "{SWEEP_PAGE}: over the fatigue sweep, the regret of {what} runs {quoted}; the page does not say so"
        );
    }
}

/// The `text` blocks of `page` (their lines, without the fences).
fn text_blocks(page: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        if line.trim_start() == "```text" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            blocks.push(block.join("\n"));
        }
    }
    blocks
}

/// The README's terminal output is the program's: the example account's action list and
/// split, and the default scenario's ranked table, each as the commands the README names
/// print them today.
#[test]
fn the_readme_shows_what_its_commands_print() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = text_blocks(&readme);
    let dir = tempfile::TempDir::new().unwrap();
    let account = root().join("results/default-account/account.toml");
    let recommended = common::budget_bandit(&[
        "recommend",
        common::path_str(&account),
        "--out",
        common::path_str(&dir.path().join("advice")),
        "--no-charts",
        "--quiet",
    ]);
    assert_eq!(recommended.code, 0, "{}", recommended.stderr);
    let ran = common::budget_bandit(&[
        "run",
        "--out",
        common::path_str(&dir.path().join("runs")),
        "--no-charts",
        "--quiet",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let shown = |start: &str, stdout: &str| {
        let block = blocks
            .iter()
            .find(|b| b.starts_with(start))
            .unwrap_or_else(|| panic!("the README has no output block starting {start:?}"));
        assert!(
            stdout.contains(block.as_str()),
            "the README's block\n{block}\nis not in what the command prints now:\n{stdout}"
        );
    };
    shown("What to do on", &recommended.stdout);
    shown("  channel ", &recommended.stdout);
    shown("default: 90 days", &ran.stdout);
}
