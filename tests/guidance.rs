//! Commands that guide: each friction a new user met on the way to an answer, as a test. The
//! wrong kind of file is named with the command that reads it, account errors speak of
//! accounts, `init` templates use the given name, `chart` redraws a `recommend` folder, help
//! shows the defaults, and terminal tables fit 100 columns.

mod common;

use common::{budget_bandit, budget_bandit_in, files, path_str, shipped};
use std::fs;
use tempfile::TempDir;

/// The longest line of `text`, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// An account and its history, written by `history` from the default scenario, in `folder`.
fn account_in(folder: &std::path::Path) -> std::path::PathBuf {
    let out = folder.join("history");
    let written = budget_bandit(&[
        "history",
        &shipped("default.toml"),
        "--policy",
        "epsilon-greedy",
        "--days",
        "60",
        "--out",
        path_str(&out),
        "--quiet",
    ]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    out.join("default.toml")
}

#[test]
fn a_scenario_given_to_recommend_or_fit_is_named_with_the_commands_that_read_it() {
    let scenario = shipped("default.toml");
    for command in ["recommend", "fit"] {
        let output = budget_bandit(&[command, &scenario]);
        assert_eq!(output.code, 2, "{}", output.stderr);
        assert!(
            output.stderr.contains(&format!(
                "this is a scenario file (a simulated market with `days` and `[[policies]]`), \
                 and `{command}` reads an account file"
            )) && output
                .stderr
                .contains(&format!("`budget-bandit run {scenario}`"))
                && !output.stderr.contains("unknown field"),
            "{}",
            output.stderr
        );
    }
}

#[test]
fn an_account_given_to_run_or_history_is_named_with_the_commands_that_read_it() {
    let dir = TempDir::new().unwrap();
    let account = account_in(dir.path());
    let account = path_str(&account);
    for args in [
        vec!["run", account],
        vec!["history", account, "--policy", "fixed"],
    ] {
        let output = budget_bandit(&args);
        assert_eq!(output.code, 2, "{}", output.stderr);
        assert!(
            output.stderr.contains(&format!(
                "this is an account file (it names a `history` CSV), and `{}` reads a scenario \
                 file",
                args[0]
            )) && output
                .stderr
                .contains(&format!("`budget-bandit recommend {account}`"))
                && !output.stderr.contains("missing field"),
            "{}",
            output.stderr
        );
    }
}

#[test]
fn a_file_of_neither_kind_keeps_its_own_error() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("odd.toml");
    fs::write(&path, "name = \"odd\"\n").unwrap();
    let output = budget_bandit(&["recommend", path_str(&path)]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("missing field") && !output.stderr.contains("this is a"),
        "{}",
        output.stderr
    );
}

#[test]
fn account_errors_speak_of_files_not_scenarios() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("shop.toml");
    fs::write(
        &path,
        "name = \"shop\"\ndaily_budget = -1\nhistory = \"shop.csv\"\n",
    )
    .unwrap();
    let output = budget_bandit(&["validate", path_str(&path)]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.ends_with("error: 1 file has errors\n")
            && !output.stderr.contains("scenario"),
        "{}",
        output.stderr
    );
}

#[test]
fn init_templates_name_the_files_they_wrote_in_their_comments() {
    let dir = TempDir::new().unwrap();
    let output = budget_bandit_in(dir.path(), &["init", "account", "shop"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let text = fs::read_to_string(dir.path().join("shop.toml")).unwrap();
    assert!(
        text.contains("budget-bandit recommend shop.toml") && !text.contains("my-shop"),
        "{text}"
    );
    let output = budget_bandit_in(dir.path(), &["init", "scenario", "q4"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let text = fs::read_to_string(dir.path().join("q4.toml")).unwrap();
    assert!(
        text.contains("budget-bandit run q4.toml") && !text.contains("my-shop"),
        "{text}"
    );
}

#[test]
fn chart_redraws_a_recommend_folder_byte_for_byte_and_points_into_a_parent() {
    let dir = TempDir::new().unwrap();
    let account = account_in(dir.path());
    let out = dir.path().join("out");
    let output = budget_bandit(&[
        "recommend",
        path_str(&account),
        "--out",
        path_str(&out),
        "--days",
        "3",
        "--draws",
        "200",
        "--quiet",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let folder = out.join("default-account");
    let before = files(&folder);
    fs::remove_dir_all(folder.join("charts")).unwrap();
    fs::write(folder.join("report.html"), "stale").unwrap();
    let output = budget_bandit(&["chart", path_str(&folder)]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(!output.stderr.contains("warning"), "{}", output.stderr);
    assert_eq!(files(&folder), before, "the redrawn folder differs");

    // The folder above it holds results folders: `chart` names them.
    let output = budget_bandit(&["chart", path_str(&out)]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("holds results folders rather than being one")
            && output.stderr.contains(path_str(&folder)),
        "{}",
        output.stderr
    );
}

#[test]
fn help_shows_the_defaults_and_no_default_as_required() {
    let output = budget_bandit(&["history", "--help"]);
    assert_eq!(output.code, 0);
    let usage = output
        .stdout
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .unwrap();
    assert!(!usage.contains("--out"), "{usage}");
    assert!(
        output.stdout.contains("[default: history]"),
        "{}",
        output.stdout
    );
}

#[test]
fn terminal_tables_and_their_notes_fit_100_columns() {
    let dir = TempDir::new().unwrap();
    for scenario in ["default.toml", "profit-target.toml", "many-campaigns.toml"] {
        let output = budget_bandit(&[
            "run",
            &shipped(scenario),
            "--days",
            "10",
            "--replications",
            "2",
            "--out",
            path_str(&dir.path().join("runs")),
            "--no-charts",
            "--quiet",
        ]);
        assert_eq!(output.code, 0, "{}", output.stderr);
        assert!(
            widest(&output.stdout) <= 100,
            "{scenario}:\n{}",
            output.stdout
        );
    }
    let account = account_in(dir.path());
    let output = budget_bandit(&[
        "recommend",
        path_str(&account),
        "--out",
        path_str(&dir.path().join("advice")),
        "--draws",
        "200",
        "--no-charts",
        "--quiet",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(widest(&output.stdout) <= 100, "{}", output.stdout);
}
