//! The command line in a shell and a pipeline: completion scripts and man pages generated from
//! the command line's own definition, and a reader that closes the pipe early.

mod common;

use common::{budget_bandit, path_str};
use std::process::{Command, Stdio};
use tempfile::TempDir;

/// Every subcommand, as `--help` lists them.
const SUBCOMMANDS: [&str; 11] = [
    "run",
    "validate",
    "chart",
    "recommend",
    "fit",
    "history",
    "merge",
    "completions",
    "man",
    "schema",
    "init",
];

#[test]
fn every_shell_gets_a_completion_script_of_every_subcommand_and_flag() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = budget_bandit(&["completions", shell]);
        assert_eq!(output.code, 0, "{shell}: {}", output.stderr);
        for name in SUBCOMMANDS {
            assert!(output.stdout.contains(name), "{shell} lacks {name}");
        }
        for flag in ["replications", "no-charts", "shard", "draws"] {
            assert!(output.stdout.contains(flag), "{shell} lacks --{flag}");
        }
    }
}

/// bash parses its script (`bash -n`), and sourcing it registers the completion function.
#[test]
fn the_bash_script_is_valid_bash() {
    let script = budget_bandit(&["completions", "bash"]).stdout;
    let folder = TempDir::new().unwrap();
    let file = folder.path().join("budget-bandit.bash");
    std::fs::write(&file, &script).unwrap();
    let Ok(status) = Command::new("bash")
        .args([
            "-c",
            &format!("source {} && complete -p budget-bandit", path_str(&file)),
        ])
        .stdout(Stdio::piped())
        .output()
    else {
        eprintln!("no bash on this machine: skipped");
        return;
    };
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(String::from_utf8_lossy(&status.stdout).contains("budget-bandit"));
}

#[test]
fn an_unknown_shell_is_bad_input() {
    let output = budget_bandit(&["completions", "tcsh"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("bash, elvish, fish, powershell, zsh"),
        "{}",
        output.stderr
    );
}

#[test]
fn the_man_page_lists_every_subcommand_and_each_has_its_own() {
    let page = budget_bandit(&["man"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(
        page.stdout.contains(".TH budget-bandit 1"),
        "{}",
        &page.stdout[..200]
    );
    for name in SUBCOMMANDS {
        assert!(page.stdout.contains(name), "the page lacks {name}");
        let own = budget_bandit(&["man", name]);
        assert_eq!(own.code, 0, "{name}: {}", own.stderr);
        assert!(
            own.stdout.contains(&format!(".TH budget-bandit-{name} 1")),
            "{name}: {}",
            &own.stdout[..200]
        );
    }
    let run = budget_bandit(&["man", "run"]).stdout;
    assert!(
        run.contains(r"\-\-replications"),
        "run's page lacks --replications"
    );
}

/// groff formats every page without a warning (`-ww`), reading UTF-8 as `man` has it read
/// (`-k`), where groff is installed.
#[test]
fn groff_formats_every_page_without_a_warning() {
    let folder = TempDir::new().unwrap();
    for name in [""].into_iter().chain(SUBCOMMANDS) {
        let args: Vec<&str> = ["man"]
            .into_iter()
            .chain((!name.is_empty()).then_some(name))
            .collect();
        let file = folder.path().join("page.1");
        std::fs::write(&file, budget_bandit(&args).stdout).unwrap();
        let Ok(output) = Command::new("groff")
            .args(["-k", "-man", "-ww", "-z", path_str(&file)])
            .output()
        else {
            eprintln!("no groff on this machine: skipped");
            return;
        };
        let warnings = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && warnings.is_empty(),
            "{args:?}: {warnings}"
        );
    }
}

#[test]
fn the_man_page_of_an_unknown_subcommand_is_bad_input() {
    let output = budget_bandit(&["man", "simulate"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("no subcommand simulate"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("run, validate"), "{}", output.stderr);
}

/// `budget-bandit run | head -0`: the reader is gone before the table is written, which is
/// success and says nothing (the results folder is still written).
#[test]
fn a_closed_pipe_is_success() {
    let folder = TempDir::new().unwrap();
    let out = path_str(folder.path());
    for args in [
        vec![
            "run",
            "--replications",
            "4",
            "--days",
            "20",
            "--no-charts",
            "--quiet",
            "--out",
            &out,
        ],
        vec!["completions", "zsh"],
        vec!["man"],
        vec!["schema", "scenario"],
        vec!["validate", "scenarios/default.toml"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_budget-bandit"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
    assert!(folder.path().join("default/summary.csv").is_file());
}

/// Parses `text` with Python's `json` module, as a pipeline would; `None` without python3.
fn python_parses(text: &str) -> Option<bool> {
    use std::io::Write;
    let mut child = Command::new("python3")
        .args(["-c", "import json, sys; json.load(sys.stdin)"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap().status.success())
}

/// `text` as JSON, after checking that Python's `json` module parses it too (where there is a
/// python3).
fn parsed(text: &str) -> serde_json::Value {
    assert_ne!(python_parses(text), Some(false), "{text}");
    serde_json::from_str(text).unwrap()
}

/// `run` of `default` and `fatigue` (10 replications of 20 days) into `out`, printing
/// `format`.
fn run_two_scenarios(format: &str, out: &std::path::Path) -> common::Output {
    budget_bandit(&[
        "run",
        "scenarios/default.toml",
        "scenarios/fatigue.toml",
        "--replications",
        "10",
        "--days",
        "20",
        "--no-charts",
        "--quiet",
        "--format",
        format,
        "--out",
        path_str(out),
    ])
}

/// `run --format json`: one document for the whole invocation, every scenario's summary.json
/// in order, and nothing else on standard output.
#[test]
fn run_prints_one_json_document_for_the_invocation() {
    let folder = TempDir::new().unwrap();
    let output = run_two_scenarios("json", folder.path());
    assert_eq!(output.code, 0, "{}", output.stderr);
    let document = parsed(&output.stdout);
    assert_eq!(document["format"], 1);
    let scenarios = document["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);
    for (scenario, name) in scenarios.iter().zip(["default", "fatigue"]) {
        let written: serde_json::Value = serde_json::from_slice(
            &std::fs::read(folder.path().join(name).join("summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(scenario, &written, "{name}");
    }
}

/// `run --format csv`: one header, then every scenario's summary.csv rows behind its name.
#[test]
fn run_prints_the_summary_rows_of_every_scenario_as_one_csv() {
    let folder = TempDir::new().unwrap();
    let output = run_two_scenarios("csv", folder.path());
    assert_eq!(output.code, 0, "{}", output.stderr);
    let mut expected = String::new();
    for name in ["default", "fatigue"] {
        let summary =
            std::fs::read_to_string(folder.path().join(name).join("summary.csv")).unwrap();
        let mut lines = summary.lines();
        let header = lines.next().unwrap();
        if expected.is_empty() {
            expected.push_str(&format!("scenario,{header}\n"));
        }
        for line in lines {
            expected.push_str(&format!("{name},{line}\n"));
        }
    }
    assert_eq!(output.stdout, expected);
}

/// `recommend --format json|csv` prints what it wrote to recommendation.json and .csv.
#[test]
fn recommend_prints_its_json_or_csv_files() {
    let folder = TempDir::new().unwrap();
    let history = folder.path().join("history");
    let made = budget_bandit(&[
        "history",
        "scenarios/default.toml",
        "--policy",
        "epsilon-greedy",
        "--days",
        "30",
        "--quiet",
        "--out",
        path_str(&history),
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let account = history.join("default.toml");
    for (format, file) in [
        ("json", "recommendation.json"),
        ("csv", "recommendation.csv"),
    ] {
        let out = folder.path().join(format);
        let output = budget_bandit(&[
            "recommend",
            path_str(&account),
            "--draws",
            "50",
            "--no-charts",
            "--quiet",
            "--format",
            format,
            "--out",
            path_str(&out),
        ]);
        assert_eq!(output.code, 0, "{format}: {}", output.stderr);
        let written = std::fs::read_to_string(out.join("default-account").join(file)).unwrap();
        assert_eq!(output.stdout, written, "{format}");
        if format == "json" {
            assert_ne!(python_parses(&output.stdout), Some(false));
        }
    }
}

#[test]
fn an_unknown_format_is_bad_input() {
    let output = budget_bandit(&["run", "--format", "yaml"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("table, json, csv"),
        "{}",
        output.stderr
    );
    // A shard has no summaries to print: it says to merge, and writes nothing.
    let folder = TempDir::new().unwrap();
    let out = folder.path().join("out");
    let output = budget_bandit(&[
        "run",
        "--shard",
        "1/2",
        "--format",
        "json",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("`merge`"), "{}", output.stderr);
    assert!(!out.exists());
}

/// `validate --format json`: one document with every file's verdict, valid or not, and what a
/// valid one holds; `--format csv`: one row per file. Bad input still exits 2.
#[test]
fn validate_reports_every_file_as_json_or_csv() {
    let folder = TempDir::new().unwrap();
    let bad = folder.path().join("bad.toml");
    std::fs::write(&bad, "name = 3\n").unwrap();
    let files = [
        "scenarios/fatigue.toml",
        "scenarios/sweeps/epsilon-by-budget.toml",
        path_str(&bad),
    ];
    let mut args = vec!["validate", "--format", "json"];
    args.extend(files);
    let output = budget_bandit(&args);
    assert_eq!(output.code, 2, "{}", output.stderr);
    let document = parsed(&output.stdout);
    let verdicts = document["files"].as_array().unwrap();
    assert_eq!(verdicts.len(), 3);
    assert_eq!(verdicts[0]["kind"], "scenario");
    assert_eq!(verdicts[0]["scenario"]["name"], "fatigue");
    assert_eq!(verdicts[0]["oracle"]["benchmark"], "best-constant-split");
    assert_eq!(verdicts[1]["kind"], "sweep");
    assert!(verdicts[1]["variants"].as_array().unwrap().len() > 1);
    assert_eq!(verdicts[2]["ok"], false);
    assert!(
        verdicts[2]["error"]
            .as_str()
            .unwrap()
            .contains("bad.toml:1:8")
    );

    let mut args = vec!["validate", "--format", "csv"];
    args.extend(files);
    let output = budget_bandit(&args);
    assert_eq!(output.code, 2);
    let mut reader = csv::Reader::from_reader(output.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["file", "ok", "kind", "name", "error"]
    );
    assert_eq!(rows.len(), 3);
    let cells =
        |row: &csv::StringRecord| -> Vec<String> { (1..4).map(|i| row[i].to_string()).collect() };
    assert_eq!(cells(&rows[0]), ["true", "scenario", "fatigue"]);
    assert_eq!(cells(&rows[1]), ["true", "sweep", "epsilon-by-budget"]);
    assert_eq!(&rows[2][1], "false");
    assert!(rows[2][4].contains("name must be text"), "{:?}", rows[2]);
}
