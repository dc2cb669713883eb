//! The command line end to end: exit codes, error messages, the results folder, determinism
//! across thread counts, replay from a results folder, and never clobbering earlier results.

mod common;

use common::{Output, budget_bandit, files, path_str, shipped};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Runs the binary and measures how long it took.
fn timed(args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = budget_bandit(args);
    (output, started.elapsed())
}

/// Flags that make `GOOD` take seconds to simulate (1,000 replications of a year, 4 policies),
/// so a run that returns within [`QUICK`] cannot have simulated it.
const LONG: [&str; 4] = ["--replications", "1000", "--days", "365"];

/// How fast a run that stops before simulating returns, with room for a busy machine.
const QUICK: Duration = Duration::from_secs(1);

/// The names directly in a folder, sorted.
fn entries(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

const GOOD: &str = r#"name = "shop"
days = 5
daily_budget = 1000.0
replications = 3

[[channels]]
name = "search"
pricing = "cpc"
price = 9.0
cvr = 0.035
value = 850.0

[[channels]]
name = "affiliate"
pricing = "cpa"
price = 380.0
value = 900.0
audience = 4.0
"#;

/// `GOOD` with `from` (which must occur) replaced by `to`.
fn good_with(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1)
}

/// Runs a bad scenario and checks exit code 2, the message parts, and that nothing was written.
fn assert_rejected(command: &str, source: &str, parts: &[&str]) {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(&file, source).unwrap();
    let out = dir.path().join("out");
    let output = match command {
        "run" => budget_bandit(&["run", path_str(&file), "--out", path_str(&out), "-q"]),
        _ => budget_bandit(&[command, path_str(&file)]),
    };
    assert_eq!(output.code, 2, "stderr: {}", output.stderr);
    assert!(
        output.stderr.contains(path_str(&file)),
        "file not named: {}",
        output.stderr
    );
    for part in parts {
        assert!(
            output.stderr.contains(part),
            "'{part}' missing from: {}",
            output.stderr
        );
    }
    assert!(!out.exists(), "a rejected run wrote {}", out.display());
}

#[test]
fn bad_scenarios_exit_2_with_a_message_and_write_nothing() {
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "run",
            good_with("days = 5", "days = = 5"),
            vec!["bad.toml:2:8:", "extra `=`"],
        ),
        (
            "run",
            good_with("cvr = 0.035", "cvr = 0.035\nclicks = 4"),
            vec![":11:1:", "unknown field `clicks`", "expected one of"],
        ),
        (
            "run",
            good_with("value = 850.0\n", ""),
            vec![":6:1:", "missing field `value`"],
        ),
        (
            "run",
            good_with("price = 9.0", "price = -9.0"),
            vec![
                ":9:9:",
                "channel 'search': price must be a number above 0 and at most 1e12, got -9",
            ],
        ),
        (
            "run",
            good_with("price = 9.0", "price = nan"),
            vec![
                ":9:9:",
                "channel 'search': price must be a number above 0 and at most 1e12, got NaN",
            ],
        ),
        (
            "validate",
            good_with("cvr = 0.035", "cvr = 1.4"),
            vec![":10:7:", "channel 'search': cvr must be in [0, 1], got 1.4"],
        ),
        (
            "run",
            "name = \"x\"\ndays = 3\ndaily_budget = 5.0\nchannels = []\n".into(),
            vec![":4:12:", "channels must list at least one channel"],
        ),
        (
            "run",
            good_with("name = \"affiliate\"", "name = \"search\""),
            vec![":14:8:", "channel name 'search' is used twice"],
        ),
        (
            "validate",
            good_with("value = 900.0", "value = 900.0\ncvr = 0.5"),
            vec![
                ":18:7:",
                "channel 'affiliate': cvr does not apply to cpa pricing",
            ],
        ),
        (
            "run",
            format!("{GOOD}\n[[policies]]\nkind = \"fixed\"\nshares = [1.0]\n"),
            vec![
                ":22:10:",
                "policy 'fixed': shares must have one share per channel (2, in channel order), got 1",
            ],
        ),
        (
            "run",
            good_with("cvr = 0.035", "cvr = 0.035\nmin_share = 0.7")
                .replace("audience = 4.0", "audience = 4.0\nmin_spend = 400.0"),
            vec![
                ":3:16:",
                "the channels' floors (min_share / min_spend) sum to 1100 a day, more than \
                 daily_budget 1000: search 700, affiliate 400",
            ],
        ),
        (
            "validate",
            good_with("cvr = 0.035", "cvr = 0.035\nmax_share = 0.3")
                .replace("audience = 4.0", "audience = 4.0\nmax_spend = 500.0"),
            vec![
                "caps (max_share / max_spend) sum to 800 a day, less than daily_budget 1000",
                "use objective = \"profit\"",
            ],
        ),
        (
            "run",
            good_with(
                "replications = 3",
                "replications = 3\nmax_daily_change = 0.0",
            ),
            vec![
                ":5:20:",
                "max_daily_change must be a share of the daily budget above 0",
            ],
        ),
        (
            "run",
            format!("{GOOD}\n[[policies]]\nkind = \"fixed\"\nshares = [0.5, 0.4]\n"),
            vec![":22:10:", "policy 'fixed': shares must sum to 1, got 0.9"],
        ),
        (
            "run",
            good_with("name = \"shop\"", "name = \"Index.HTML\""),
            vec![
                "bad.toml:1:8:",
                "'Index.HTML' is the index page a run writes beside the results folders",
            ],
        ),
        (
            "validate",
            good_with("name = \"shop\"", "name = \"index.html\""),
            vec!["bad.toml:1:8:", "'index.html' is the index page"],
        ),
    ];
    for (command, source, parts) in cases {
        assert_rejected(command, &source, &parts);
    }
}

#[test]
fn floors_that_cannot_hold_exit_2_naming_the_constraint_and_write_nothing() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let good = dir.path().join("shop.toml");
    fs::write(&good, GOOD).unwrap();
    let run = |file: &Path, out: &Path| {
        budget_bandit(&["run", path_str(file), "--out", path_str(out), "-q"])
    };
    assert_eq!(run(&good, &out).code, 0);
    let before = files(&out);

    // Same scenario name, floors summing to more than the daily budget.
    let floors = dir.path().join("floors.toml");
    fs::write(
        &floors,
        good_with("cvr = 0.035", "cvr = 0.035\nmin_share = 0.7")
            .replace("audience = 4.0", "audience = 4.0\nmin_spend = 400.0"),
    )
    .unwrap();
    let message = format!(
        "{}:3:16: the channels' floors (min_share / min_spend) sum to 1100 a day, more than \
         daily_budget 1000: search 700, affiliate 400; lower them\n  |\n3 | daily_budget = \
         1000.0\n  |                ^^^^^^",
        path_str(&floors)
    );
    let fresh = dir.path().join("fresh");
    for output in [
        run(&floors, &out),
        run(&floors, &fresh),
        budget_bandit(&["validate", path_str(&floors)]),
    ] {
        assert_eq!(output.code, 2, "stderr: {}", output.stderr);
        assert!(output.stderr.contains(&message), "{}", output.stderr);
        assert!(output.stdout.is_empty(), "{}", output.stdout);
    }
    assert_eq!(
        files(&out),
        before,
        "a rejected run left earlier results alone"
    );
    assert!(
        !fresh.exists(),
        "a rejected run created {}",
        fresh.display()
    );

    // One floor above the budget is pointed at where it is written.
    let floor = dir.path().join("floor.toml");
    fs::write(
        &floor,
        good_with("audience = 4.0", "audience = 4.0\nmin_spend = 1500.0"),
    )
    .unwrap();
    let output = run(&floor, &fresh);
    assert_eq!(output.code, 2, "stderr: {}", output.stderr);
    let message = format!(
        "{}:19:13: channel 'affiliate': min_spend 1500 is more than daily_budget 1000",
        path_str(&floor)
    );
    assert!(output.stderr.contains(&message), "{}", output.stderr);
    assert!(
        !fresh.exists(),
        "a rejected run created {}",
        fresh.display()
    );
}

#[test]
fn a_missing_scenario_file_exits_2() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("nowhere.toml");
    let out = dir.path().join("out");
    let output = budget_bandit(&["run", path_str(&missing), "--out", path_str(&out), "-q"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("nowhere.toml: cannot read"),
        "{}",
        output.stderr
    );
    assert!(!out.exists(), "a rejected run wrote {}", out.display());

    let output = budget_bandit(&["validate", &shipped("default.toml"), path_str(&missing)]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(output.stdout.contains("default ("), "{}", output.stdout);
    assert!(
        output.stderr.contains("nowhere.toml: cannot read"),
        "{}",
        output.stderr
    );
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let dir = TempDir::new().unwrap();
    let out = path_str(dir.path());
    for (flags, part) in [
        (vec!["--days", "0"], "--days must be between 1 and"),
        (
            vec!["--replications", "0"],
            "--replications must be between 1 and",
        ),
        (
            vec!["--policies", "thompson,nosuch"],
            "--policies: no policy named 'nosuch'",
        ),
        (vec!["--threads", "0"], "--threads"),
        (vec!["--seed=-3"], "--seed"),
        // Negative and malformed numbers, with or without `=`, explain the range.
        (
            vec!["--seed", "-1"],
            "'--seed <N>': the seed must be a whole number from 0 to 9223372036854775807 \
             (2^63 − 1), got -1",
        ),
        (
            vec!["--seed=-1"],
            "the seed must be a whole number from 0 to 9223372036854775807 (2^63 − 1), got -1",
        ),
        (
            vec!["--seed", "9223372036854775808"],
            "the seed must be a whole number from 0 to 9223372036854775807 (2^63 − 1), got \
             9223372036854775808",
        ),
        (
            vec!["--days", "-5"],
            "'--days <N>': the horizon must be a whole number of days from 1 to 10000000, got -5",
        ),
        (
            vec!["--replications=ten"],
            "'--replications <N>': the number of replications must be a whole number from 1 to \
             10000000, got ten",
        ),
    ] {
        let mut args = vec!["run", "--out", out, "-q"];
        args.extend(&flags);
        let output = budget_bandit(&args);
        assert_eq!(output.code, 2, "{flags:?}: {}", output.stderr);
        assert!(output.stderr.contains(part), "{flags:?}: {}", output.stderr);
    }
    assert!(
        fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing is written"
    );
}

#[test]
fn warnings_go_to_stderr_and_the_run_goes_on() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("shop.toml");
    let out = dir.path().join("out");
    // Shifts on days 4 (line 22) and 9 (line 26) of a 5-day horizon; shares by channel name.
    fs::write(
        &file,
        format!(
            "baseline = \"today\"\n{GOOD}\n[[channels.shifts]]\nday = 4\naudience = 0.5\n\n\
             [[channels.shifts]]\nday = 9\naudience = 2.0\n\n[[policies]]\nkind = \"thompson\"\n\n\
             [[policies]]\nkind = \"fixed\"\nname = \"today\"\nshares = {{ search = 0.7, affiliate = \
             0.3 }}\n"
        ),
    )
    .unwrap();
    let path = path_str(&file);
    let shift = |line: usize, day: usize, days: usize| {
        format!(
            "warning: {path}:{line}:7: channel 'affiliate': the shift on day {day} comes after \
             the horizon of {days} days and never takes effect\n"
        )
    };

    let output = budget_bandit(&["validate", path]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stderr, shift(26, 9, 5));
    assert!(output.stdout.contains("shop ("), "{}", output.stdout);

    // Recomputed for the horizon of --days, and printed even with --quiet.
    let output = budget_bandit(&[
        "run",
        path,
        "--out",
        path_str(&out),
        "--days",
        "3",
        "--policies",
        "thompson",
        "--no-charts",
        "-q",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        output.stderr,
        format!(
            "{}{}warning: {path}: --policies leaves out the baseline 'today'; no differences to \
             a baseline are shown\n",
            shift(22, 4, 3),
            shift(26, 9, 3)
        )
    );
    assert!(out.join("shop").join("summary.csv").exists());
}

#[test]
fn default_run_writes_every_file_and_ranks_every_policy() {
    let dir = TempDir::new().unwrap();
    let output = budget_bandit(&[
        "run",
        "--out",
        path_str(dir.path()),
        "--replications",
        "4",
        "--days",
        "10",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    for policy in [
        "saturation-thompson",
        "thompson",
        "epsilon-greedy",
        "fixed",
        "oracle",
    ] {
        assert!(
            output.stdout.contains(policy),
            "{policy} missing from:\n{}",
            output.stdout
        );
    }
    for header in [
        "money in NOK, totals over the 10 days",
        "  revenue  ",
        "  vs fixed  ",
        "  regret\n",
    ] {
        assert!(
            output.stdout.contains(header),
            "{header}: {}",
            output.stdout
        );
    }
    assert!(
        output.stdout.contains("± = 95% interval, 4 replications"),
        "{}",
        output.stdout
    );
    assert_eq!(
        entries(&dir.path().join("default")),
        [
            ".budget-bandit",
            "channels.csv",
            "charts",
            "daily.csv",
            "report.html",
            "scenario.toml",
            "summary.csv",
            "summary.json"
        ]
    );
    assert_eq!(
        entries(dir.path()),
        ["default", "index.html"],
        "no staging folder is left behind"
    );

    let summary = fs::read_to_string(dir.path().join("default/summary.csv")).unwrap();
    let header = summary.lines().next().unwrap();
    assert!(
        header.starts_with("rank,policy,kind,replications,revenue_mean,revenue_low,revenue_high")
    );
    assert_eq!(summary.lines().count(), 6);
    let daily = fs::read_to_string(dir.path().join("default/daily.csv")).unwrap();
    // 5 policies × 10 days × (5 channels + total), plus the header.
    assert_eq!(daily.lines().count(), 5 * 10 * 6 + 1);
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("default/summary.json")).unwrap())
            .unwrap();
    assert_eq!(json["scenario"]["replications"], 4);
    assert_eq!(json["policies"].as_array().unwrap().len(), 5);
}

#[test]
fn no_charts_writes_exactly_the_data_files() {
    let dir = TempDir::new().unwrap();
    let output = budget_bandit(&[
        "run",
        "--out",
        path_str(dir.path()),
        "--replications",
        "3",
        "--days",
        "5",
        "--no-charts",
        "-q",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stderr.is_empty(), "--quiet: {}", output.stderr);
    assert_eq!(
        entries(&dir.path().join("default")),
        [
            ".budget-bandit",
            "channels.csv",
            "daily.csv",
            "scenario.toml",
            "summary.csv",
            "summary.json"
        ]
    );
    assert_eq!(
        entries(dir.path()),
        ["default"],
        "no staging folder, no index"
    );
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let dir = TempDir::new().unwrap();
    let results: Vec<BTreeMap<String, Vec<u8>>> = ["1", "2"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("threads-{threads}"));
            // 70 replications × 4 policies: several parallel windows.
            let output = budget_bandit(&[
                "run",
                "--out",
                path_str(&out),
                "--replications",
                "70",
                "--days",
                "20",
                "--threads",
                threads,
                "-q",
            ]);
            assert_eq!(output.code, 0, "{}", output.stderr);
            files(&out.join("default"))
        })
        .collect();
    assert!(results[0].len() > 20, "data files, charts and report");
    for (name, bytes) in &results[0] {
        assert!(
            bytes == &results[1][name],
            "{name} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn a_results_folder_replays_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let first = dir.path().join("first");
    let output = budget_bandit(&[
        "run",
        "--out",
        path_str(&first),
        "--replications",
        "5",
        "--days",
        "12",
        "--seed",
        "3",
        "--policies",
        "thompson,oracle",
        "-q",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let replay_source: PathBuf = first.join("default/scenario.toml");
    let second = dir.path().join("second");
    let output = budget_bandit(&[
        "run",
        path_str(&replay_source),
        "--out",
        path_str(&second),
        "-q",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        files(&first.join("default")),
        files(&second.join("default"))
    );
}

#[test]
fn failed_runs_never_clobber_and_reruns_replace_whole_folders() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("shop.toml");
    fs::write(&scenario, GOOD).unwrap();
    let out = dir.path().join("out");
    let run = |file: &Path| budget_bandit(&["run", path_str(file), "--out", path_str(&out), "-q"]);
    assert_eq!(run(&scenario).code, 0);
    let before = files(&out.join("shop"));

    let broken = dir.path().join("broken.toml");
    fs::write(&broken, good_with("cvr = 0.035", "cvr = 3.5")).unwrap();
    assert_eq!(run(&broken).code, 2);
    assert_eq!(
        files(&out.join("shop")),
        before,
        "a rejected run left the results alone"
    );

    fs::write(out.join("shop/stale.txt"), "from an older version").unwrap();
    assert_eq!(run(&scenario).code, 0);
    assert_eq!(
        files(&out.join("shop")),
        before,
        "the rerun replaced the folder completely"
    );
}

#[test]
fn an_unwritable_output_exits_1() {
    let dir = TempDir::new().unwrap();
    let blocker = dir.path().join("a-file");
    fs::write(&blocker, "not a folder").unwrap();
    let output = budget_bandit(&[
        "run",
        "--out",
        path_str(&blocker.join("results")),
        "--replications",
        "2",
        "--days",
        "3",
        "-q",
    ]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(output.stderr.contains("cannot write"), "{}", output.stderr);
}

#[test]
fn validate_prints_the_oracle_split() {
    let output = budget_bandit(&[
        "validate",
        &shipped("default.toml"),
        &shipped("classic-bernoulli.toml"),
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.contains("default ("));
    assert!(output.stdout.contains("classic-bernoulli ("));
    assert_eq!(output.stdout.matches("oracle share").count(), 2);
    assert_eq!(output.stdout.matches("expected ROAS").count(), 2);
}

#[test]
fn run_help_lists_every_flag() {
    let output = budget_bandit(&["run", "--help"]);
    assert_eq!(output.code, 0);
    for flag in [
        "--out",
        "--replications",
        "--seed",
        "--days",
        "--threads",
        "--policies",
        "--quiet",
        "--set",
        "--shard",
        "--shards",
        "[sweep]",
    ] {
        assert!(
            output.stdout.contains(flag),
            "{flag} missing from:\n{}",
            output.stdout
        );
    }
}

#[test]
fn scenario_names_differing_only_in_case_exit_2_with_line_and_column() {
    let dir = TempDir::new().unwrap();
    let lower = dir.path().join("lower.toml");
    let upper = dir.path().join("upper.toml");
    fs::write(&lower, GOOD).unwrap();
    fs::write(
        &upper,
        format!("# the same shop\n{}", good_with("\"shop\"", "\"Shop\"")),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = budget_bandit(&[
        "run",
        path_str(&lower),
        path_str(&upper),
        "--out",
        path_str(&out),
        "-q",
    ]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    let message = format!(
        "{}:2:8: scenario name 'Shop' is also used by {}, as 'shop'; each scenario writes the \
         results folder of its name, and names that differ only in letter case share one folder \
         on case-insensitive file systems",
        path_str(&upper),
        path_str(&lower)
    );
    assert!(output.stderr.contains(&message), "{}", output.stderr);
    assert!(
        output.stderr.contains("2 | name = \"Shop\""),
        "{}",
        output.stderr
    );
    assert!(!out.exists(), "a rejected run wrote {}", out.display());

    let output = budget_bandit(&[
        "run",
        path_str(&lower),
        path_str(&lower),
        "--out",
        path_str(&out),
        "-q",
    ]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains(&format!(
            "{}:1:8: scenario name 'shop' is also used by",
            path_str(&lower)
        )),
        "{}",
        output.stderr
    );
    assert!(!out.exists(), "a rejected run wrote {}", out.display());
}

/// Runs `GOOD` (as scenario `shop`) with [`LONG`] into `out` and checks that it is refused at
/// once with exit code 2, naming `path` and the remedies, and that `out` did not change.
fn assert_refused_before_simulating(dir: &Path, out: &Path, path: &Path, extra: &[&str]) {
    let scenario = dir.join("shop.toml");
    fs::write(&scenario, GOOD).unwrap();
    let before = files(out);
    let names_before = entries(out);
    let mut args = vec!["run", path_str(&scenario), "--out", path_str(out)];
    args.extend(LONG);
    args.extend(extra);
    let (output, took) = timed(&args);
    assert_eq!(output.code, 2, "stderr: {}", output.stderr);
    assert!(
        output
            .stderr
            .contains(&format!("error: {} is ", path_str(path))),
        "the path is not named: {}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("budget-bandit replaces only what it wrote itself, so nothing was run"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("Give --out another folder"),
        "{}",
        output.stderr
    );
    assert!(
        output.stdout.is_empty(),
        "a table was printed: {}",
        output.stdout
    );
    assert!(took < QUICK, "refused after {took:?}: it simulated first");
    assert_eq!(
        files(out),
        before,
        "the refused run changed {}",
        out.display()
    );
    assert_eq!(entries(out), names_before, "no staging is left behind");
}

#[test]
fn a_folder_budget_bandit_did_not_write_is_kept_and_the_run_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("p");
    fs::create_dir_all(out.join("shop")).unwrap();
    fs::write(out.join("shop/notes.md"), "notes\n").unwrap();
    assert_refused_before_simulating(dir.path(), &out, &out.join("shop"), &[]);
    assert_eq!(fs::read(out.join("shop/notes.md")).unwrap(), b"notes\n");

    // A summary.json of some other tool does not make a folder ours either.
    fs::write(
        out.join("shop/summary.json"),
        r#"{"tool": {"name": "other-tool"}}"#,
    )
    .unwrap();
    assert_refused_before_simulating(dir.path(), &out, &out.join("shop"), &["--no-charts"]);
}

#[test]
fn a_file_named_like_the_scenario_is_kept_and_the_run_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("p");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("shop"), "my shop's notes").unwrap();
    assert_refused_before_simulating(dir.path(), &out, &out.join("shop"), &[]);
    assert_eq!(fs::read(out.join("shop")).unwrap(), b"my shop's notes");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_named_like_the_scenario_is_kept_and_the_run_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("p");
    fs::create_dir(&out).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("plan.txt"), "keep me").unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("shop")).unwrap();
    assert_refused_before_simulating(dir.path(), &out, &out.join("shop"), &[]);
    assert!(fs::symlink_metadata(out.join("shop")).unwrap().is_symlink());
    assert_eq!(entries(&elsewhere), ["plan.txt"]);
}

#[test]
fn an_index_page_budget_bandit_did_not_write_is_kept_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("p");
    fs::create_dir(&out).unwrap();
    let mine = b"<!DOCTYPE html>\n<title>My campaigns</title>\n\xff binary tail";
    fs::write(out.join("index.html"), mine).unwrap();
    assert_refused_before_simulating(dir.path(), &out, &out.join("index.html"), &[]);
    let (output, _) = timed(&[
        "run",
        path_str(&dir.path().join("shop.toml")),
        "--out",
        path_str(&out),
        "-q",
    ]);
    assert!(output.stderr.contains("--no-charts"), "{}", output.stderr);

    // Without charts no index is written, so the run goes ahead and leaves the page alone.
    let output = budget_bandit(&[
        "run",
        path_str(&dir.path().join("shop.toml")),
        "--out",
        path_str(&out),
        "--no-charts",
        "-q",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(fs::read(out.join("index.html")).unwrap(), mine);
    assert_eq!(entries(&out), ["index.html", "shop"]);
}

#[test]
fn results_folders_and_index_pages_of_earlier_versions_are_still_replaced() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("shop.toml");
    fs::write(&scenario, GOOD).unwrap();
    let out = dir.path().join("out");
    let run = || budget_bandit(&["run", path_str(&scenario), "--out", path_str(&out), "-q"]);
    assert_eq!(run().code, 0);
    let before = files(&out.join("shop"));
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    let generator = "<meta name=\"generator\" content=\"budget-bandit\">";
    assert!(index.contains(generator), "{index}");

    // As written before the marker: no .budget-bandit, an index page without the generator.
    fs::remove_file(out.join("shop/.budget-bandit")).unwrap();
    fs::write(out.join("shop/stale.txt"), "from an older version").unwrap();
    fs::write(out.join("index.html"), index.replace(generator, "")).unwrap();
    let output = run();
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        files(&out.join("shop")),
        before,
        "replaced whole, marked again"
    );
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), index);
    assert_eq!(entries(&out), ["index.html", "shop"]);
}

#[cfg(target_os = "linux")]
#[test]
fn staging_left_by_killed_runs_is_removed_once_their_process_is_gone() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("shop.toml");
    fs::write(&scenario, GOOD).unwrap();
    let out = dir.path().join("out");
    assert_eq!(
        budget_bandit(&["run", path_str(&scenario), "--out", path_str(&out), "-q"]).code,
        0
    );
    let marker = fs::read(out.join("shop/.budget-bandit")).unwrap();
    let mut child = Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    // Staging names carry the process id and this machine's boot and PID namespace tag.
    let dead = budget_bandit::results_folder::staging::staging_id(dead_pid);
    let live = budget_bandit::results_folder::staging::staging_id(std::process::id());
    let make = |name: String, files: &[&str]| {
        let folder = out.join(name);
        fs::create_dir(&folder).unwrap();
        for file in files {
            let bytes = if *file == ".budget-bandit" {
                marker.clone()
            } else {
                b"partial".to_vec()
            };
            fs::write(folder.join(file), bytes).unwrap();
        }
    };
    // Killed while writing, and killed between setting an earlier folder aside and moving the
    // new one in.
    make(
        format!(".shop.partial-{dead}"),
        &[".budget-bandit", "summary.csv"],
    );
    make(format!(".other.partial-{dead}"), &[]);
    make(
        format!(".old.replaced-{dead}"),
        &[".budget-bandit", "summary.csv"],
    );
    fs::write(out.join(format!(".index.html.partial-{dead}")), "").unwrap();
    // Still running, or not ours: left alone.
    make(format!(".shop.partial-{live}"), &[".budget-bandit"]);
    make(format!(".notes.partial-{dead}"), &["mine.txt"]);

    let output = budget_bandit(&["run", path_str(&scenario), "--out", path_str(&out)]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains(&format!(
            "removed {}, left by an interrupted run (process {dead_pid})",
            path_str(&out.join(format!(".shop.partial-{dead}")))
        )),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains(&format!(
            "restored {} from {}",
            path_str(&out.join("old")),
            path_str(&out.join(format!(".old.replaced-{dead}")))
        )),
        "{}",
        output.stderr
    );
    assert_eq!(
        entries(&out),
        [
            format!(".notes.partial-{dead}"),
            format!(".shop.partial-{live}"),
            "index.html".into(),
            "old".into(),
            "shop".into(),
        ]
    );
    assert_eq!(
        fs::read(out.join(format!(".notes.partial-{dead}/mine.txt"))).unwrap(),
        b"partial"
    );

    // `chart` tidies its own staging inside a results folder the same way.
    make(format!("shop/.redraw-{dead}"), &["charts.old"]);
    make(format!("shop/.redraw-{live}"), &[]);
    let output = budget_bandit(&["chart", path_str(&out.join("shop"))]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let hidden: Vec<String> = entries(&out.join("shop"))
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert_eq!(
        hidden,
        [".budget-bandit".to_owned(), format!(".redraw-{live}")]
    );
}

#[test]
fn an_unwritable_output_fails_before_simulating() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("shop.toml");
    fs::write(&scenario, GOOD).unwrap();
    let blocker = dir.path().join("a-file");
    fs::write(&blocker, "not a folder").unwrap();
    let out = blocker.join("results");
    let mut args = vec!["run", path_str(&scenario), "--out", path_str(&out), "-q"];
    args.extend(LONG);
    let (output, took) = timed(&args);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains(&format!("cannot write {}", path_str(&out))),
        "{}",
        output.stderr
    );
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    assert!(took < QUICK, "failed after {took:?}: it simulated first");
}

/// `GOOD` with a lagged search channel and two policies, for `history`.
fn history_scenario(dir: &Path) -> PathBuf {
    let source = good_with(
        "value = 850.0\n",
        "value = 850.0\nlag = { mean_days = 2.0, max_days = 4 }\n",
    ) + "\n[[policies]]\nkind = \"fixed\"\n\n[[policies]]\nkind = \"thompson\"\n";
    let path = dir.join("shop.toml");
    fs::write(&path, source).unwrap();
    path
}

#[test]
fn history_writes_the_csv_and_the_account_file_and_replaces_its_own() {
    let dir = TempDir::new().unwrap();
    let scenario = history_scenario(dir.path());
    let out = dir.path().join("accounts");
    let args = [
        "history",
        path_str(&scenario),
        "--policy",
        "thompson",
        "--days",
        "12",
        "--out",
        path_str(&out),
    ];
    let output = budget_bandit(&args);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    assert_eq!(
        output.stderr,
        format!(
            "wrote {} (12 days x 2 channels) and {}\n",
            path_str(&out.join("shop.csv")),
            path_str(&out.join("shop.toml"))
        )
    );
    assert_eq!(entries(&out), ["shop.csv", "shop.toml"]);
    let csv = fs::read_to_string(out.join("shop.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "date,channel,spend,impressions,clicks,leads,conversions,revenue"
    );
    assert_eq!(lines.len(), 1 + 12 * 2);
    // The scenario starts on a Monday by default: 2026-01-05.
    assert!(lines[1].starts_with("2026-01-05,search,"), "{}", lines[1]);
    assert!(
        lines[2].starts_with("2026-01-05,affiliate,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[24].starts_with("2026-01-16,affiliate,"),
        "{}",
        lines[24]
    );
    let account = fs::read_to_string(out.join("shop.toml")).unwrap();
    assert!(
        account.starts_with(
            "# Account file written by `budget-bandit history` from scenario 'shop' (policy \
             'thompson', replication 0).\n"
        ),
        "{account}"
    );
    assert!(account.contains("\nhistory = \"shop.csv\"\n"), "{account}");
    assert!(
        account.contains("\nlag = { mean_days = 2.0, max_days = 4 }\n"),
        "{account}"
    );

    // Again, quietly: the same files, replaced, and no staging left behind.
    let files_before = files(&out);
    let mut quiet = args.to_vec();
    quiet.push("-q");
    let output = budget_bandit(&quiet);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stderr.is_empty(), "{}", output.stderr);
    assert_eq!(files(&out), files_before);

    // Another replication and start date replace them.
    let mut other = quiet.clone();
    other.extend(["--replication", "3", "--start", "2026-11-25"]);
    let output = budget_bandit(&other);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(entries(&out), ["shop.csv", "shop.toml"]);
    let csv = fs::read_to_string(out.join("shop.csv")).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("2026-11-25,search,")
    );
    assert!(
        fs::read_to_string(out.join("shop.toml"))
            .unwrap()
            .contains("replication 3)")
    );
}

#[test]
fn history_never_replaces_a_file_it_did_not_write() {
    let dir = TempDir::new().unwrap();
    let scenario = history_scenario(dir.path());
    let out = dir.path().join("accounts");
    let run = || {
        budget_bandit(&[
            "history",
            path_str(&scenario),
            "--policy",
            "fixed",
            "--out",
            path_str(&out),
            "-q",
        ])
    };
    let refused = |path: &Path| {
        let before = files(&out);
        let output = run();
        assert_eq!(output.code, 2, "{}", output.stderr);
        assert!(
            output
                .stderr
                .starts_with(&format!("error: {} is ", path_str(path)))
                && output
                    .stderr
                    .contains("Choose another --out, or move the file away."),
            "{}",
            output.stderr
        );
        assert_eq!(files(&out), before, "nothing changed");
    };
    fs::create_dir(&out).unwrap();

    // A foreign account file.
    let account = out.join("shop.toml");
    fs::write(&account, "name = \"shop\"\nhistory = \"shop.csv\"\n").unwrap();
    refused(&account);
    fs::remove_file(&account).unwrap();

    // A CSV without our account file beside it, even with our header.
    let csv = out.join("shop.csv");
    fs::write(
        &csv,
        "date,channel,spend,impressions,clicks,leads,conversions,revenue\n",
    )
    .unwrap();
    refused(&csv);

    // Our account file beside a CSV with another header.
    assert_eq!(run().code, 2);
    fs::remove_file(&csv).unwrap();
    assert_eq!(run().code, 0);
    fs::write(&csv, "day,campaign,cost\n2026-01-05,search,100\n").unwrap();
    refused(&csv);

    // A folder in the way.
    fs::remove_file(&csv).unwrap();
    fs::create_dir(&csv).unwrap();
    refused(&csv);
    assert!(
        run().stderr.contains("is a folder;"),
        "the message says what is there"
    );
}

#[test]
fn history_of_an_unknown_policy_exits_2_listing_the_scenarios_policies() {
    let dir = TempDir::new().unwrap();
    let scenario = history_scenario(dir.path());
    let out = dir.path().join("accounts");
    let output = budget_bandit(&[
        "history",
        path_str(&scenario),
        "--policy",
        "ucb",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "--policy names no policy of this scenario: 'ucb'; its policies are fixed, thompson"
        ),
        "{}",
        output.stderr
    );
    assert!(!out.exists(), "nothing was written");

    for (flag, value, message) in [
        (
            "--start",
            "2026-02-30",
            "the start must be a date YYYY-MM-DD",
        ),
        (
            "--replication",
            "9223372036854775808",
            "the replication must be",
        ),
        ("--days", "0", "days"),
    ] {
        let output = budget_bandit(&[
            "history",
            path_str(&scenario),
            "--policy",
            "fixed",
            "--out",
            path_str(&out),
            flag,
            value,
        ]);
        assert_eq!(output.code, 2, "{flag}: {}", output.stderr);
        assert!(output.stderr.contains(message), "{flag}: {}", output.stderr);
        assert!(!out.exists(), "{flag}: nothing was written");
    }
    let output = budget_bandit(&["history", path_str(&scenario), "--out", path_str(&out)]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("--policy <NAME>"),
        "{}",
        output.stderr
    );
}

/// `--out` naming a file, or a folder under a file, fails as an unwritable output (exit 1)
/// that says which file is in the way (the claim of the output folder, which `run`, `sweep`,
/// `merge` and `recommend` share), and the file is left as it was.
#[test]
fn an_output_folder_that_is_a_file_is_said_to_be_one() {
    let temporary = TempDir::new().unwrap();
    let file = temporary.path().join("results");
    fs::write(&file, "mine").unwrap();
    for out in [file.clone(), file.join("below")] {
        let output = budget_bandit(&[
            "run",
            &shipped("default.toml"),
            "--out",
            path_str(&out),
            "--quiet",
            "--replications",
            "2",
            "--days",
            "5",
        ]);
        assert_eq!(output.code, 1, "{}", output.stderr);
        assert!(
            output.stderr.contains(&format!(
                "cannot write {}: {} is a file where a folder is needed: give --out a folder",
                out.display(),
                file.display(),
            )),
            "{}",
            output.stderr
        );
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
}

/// Standard output and standard error piped into readers that quit (`budget-bandit validate
/// x 2>&1 | true`) lose their lines; the exit code still tells the outcome, 0 or 2, and never
/// the 101 of a panic.
#[test]
fn broken_pipes_lose_lines_not_the_exit_code() {
    let broken = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        std::process::Stdio::from(writer)
    };
    let default = shipped("default.toml");
    for (file, code) in [(default.as_str(), 0), ("no-such-file.toml", 2)] {
        let status = Command::new(env!("CARGO_BIN_EXE_budget-bandit"))
            .args(["validate", file])
            .stdout(broken())
            .stderr(broken())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "validate {file}");
    }
}

/// A run larger than anyone asks for by accident stops before simulating, exit code 2,
/// with the estimate and how to shrink it: 852 channels × 2,000 days × 40 policies (which
/// aborted on allocation), and a sweep of 4,100 variants with charts (about 2 GB of them).
#[test]
fn a_run_too_large_stops_with_its_estimate_before_simulating() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let mut text = String::from("name = \"huge\"\ndays = 2000\ndaily_budget = 100000.0\n");
    for c in 0..852 {
        text.push_str(&format!(
            "[[channels]]\nname = \"c{c}\"\npricing = \"cpc\"\nprice = 1.0\ncvr = 0.1\nvalue = 20.0\n"
        ));
    }
    for p in 0..40 {
        text.push_str(&format!(
            "[[policies]]\nkind = \"epsilon-greedy\"\nname = \"e{p}\"\n"
        ));
    }
    let huge = dir.path().join("huge.toml");
    fs::write(&huge, text).unwrap();
    let output = budget_bandit(&["run", path_str(&huge), "--out", path_str(&out), "-q"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    for part in ["GB of memory", "--policies", "--allow-large"] {
        assert!(output.stderr.contains(part), "{part}: {}", output.stderr);
    }
    assert!(!out.exists());

    let budgets: Vec<String> = (1..=4100).map(|b| (1000 + b).to_string()).collect();
    let axis = format!("daily_budget={}", budgets.join(","));
    let default = shipped("default.toml");
    let sweep = [
        "run",
        default.as_str(),
        "--set",
        axis.as_str(),
        "--out",
        path_str(&out),
    ];
    let output = budget_bandit(&sweep);
    assert_eq!(output.code, 2, "{}", output.stderr);
    for part in ["of files", "charts and reports", "--no-charts"] {
        assert!(output.stderr.contains(part), "{part}: {}", output.stderr);
    }
    assert!(!out.exists());
}

/// An input read as a file is read once and to a bound: a scenario piped in (`/dev/stdin`)
/// validates, and an endless device as a scenario or history is refused at 64 MB or 1 GiB
/// instead of filling memory.
#[test]
fn inputs_are_read_once_and_to_a_bound() {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_budget-bandit"))
        .args(["validate", "/dev/stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let text = fs::read(shipped("default.toml")).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("default (/dev/stdin): ok"));

    let output = budget_bandit(&["validate", "/dev/zero"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("is larger than 64 MB"),
        "{}",
        output.stderr
    );
}
