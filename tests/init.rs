//! `budget-bandit init`: the templates it writes run as they are (`run` for a scenario,
//! `recommend` and `fit` for an account with its example history), and it never replaces a
//! file.

mod common;

use common::budget_bandit_in;
use std::fs;
use tempfile::TempDir;

#[test]
fn the_scenario_template_runs_as_it_is() {
    let folder = TempDir::new().unwrap();
    let init = budget_bandit_in(folder.path(), &["init", "scenario"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert_eq!(init.stderr, "wrote my-shop.toml\n");
    assert!(
        fs::read_to_string(folder.path().join("my-shop.toml"))
            .unwrap()
            .contains("name = \"my-shop\"")
    );
    let run = budget_bandit_in(folder.path(), &["run", "my-shop.toml", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    for policy in [
        "saturation-thompson",
        "thompson",
        "epsilon-greedy",
        "today",
        "oracle",
    ] {
        assert!(run.stdout.contains(policy), "{policy}: {}", run.stdout);
    }
    assert!(run.stdout.contains("vs today"), "{}", run.stdout);
    assert!(folder.path().join("results/my-shop/report.html").is_file());
}

#[test]
fn the_account_template_recommends_and_fits_as_it_is() {
    let folder = TempDir::new().unwrap();
    let init = budget_bandit_in(folder.path(), &["init", "account"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert_eq!(
        init.stderr,
        "wrote my-shop-account.csv\nwrote my-shop-account.toml\n"
    );
    let recommend = budget_bandit_in(
        folder.path(),
        &[
            "recommend",
            "my-shop-account.toml",
            "--quiet",
            "--no-charts",
        ],
    );
    assert_eq!(recommend.code, 0, "{}", recommend.stderr);
    assert!(
        recommend
            .stdout
            .starts_with("What to do on 2026-03-06 (my-shop-account):\n  1. "),
        "{}",
        recommend.stdout
    );
    assert!(
        recommend.stdout.contains("\nmy-shop-account: split for "),
        "{}",
        recommend.stdout
    );
    for channel in ["search", "social", "affiliate", "newsletter"] {
        assert!(
            recommend.stdout.contains(channel),
            "{channel}: {}",
            recommend.stdout
        );
    }
    assert!(
        folder
            .path()
            .join("results/my-shop-account/recommendation.csv")
            .is_file()
    );
    let fit = budget_bandit_in(folder.path(), &["fit", "my-shop-account.toml"]);
    assert_eq!(fit.code, 0, "{}", fit.stderr);
    assert!(
        fit.stdout.contains("name = \"my-shop-account-fit\""),
        "{}",
        fit.stdout
    );
}

/// Both templates under their default names fit in one folder, and NAME may be a path, with or
/// without `.toml`, whose folders are made.
#[test]
fn names_are_paths_and_the_defaults_do_not_meet() {
    let folder = TempDir::new().unwrap();
    for args in [
        vec!["init", "scenario"],
        vec!["init", "account"],
        vec!["init", "scenario", "plans/q4.toml"],
        vec!["init", "account", "accounts/shop"],
    ] {
        let output = budget_bandit_in(folder.path(), &args);
        assert_eq!(output.code, 0, "{args:?}: {}", output.stderr);
    }
    let mut written: Vec<String> = common::files(folder.path()).into_keys().collect();
    written.sort();
    assert_eq!(
        written,
        [
            "accounts/shop.csv",
            "accounts/shop.toml",
            "my-shop-account.csv",
            "my-shop-account.toml",
            "my-shop.toml",
            "plans/q4.toml",
        ]
    );
    let account = fs::read_to_string(folder.path().join("accounts/shop.toml")).unwrap();
    assert!(account.contains("\nname = \"shop\""), "{account}");
    assert!(account.contains("\nhistory = \"shop.csv\""), "{account}");
    let validate = budget_bandit_in(
        folder.path(),
        &[
            "validate",
            "plans/q4.toml",
            "accounts/shop.toml",
            "--format",
            "csv",
        ],
    );
    assert_eq!(validate.code, 0, "{}", validate.stderr);
    assert!(
        validate.stdout.contains("plans/q4.toml,true,scenario,q4,"),
        "{}",
        validate.stdout
    );
    assert!(
        validate
            .stdout
            .contains("accounts/shop.toml,true,account,shop,"),
        "{}",
        validate.stdout
    );
}

#[test]
fn an_existing_file_is_never_replaced() {
    let folder = TempDir::new().unwrap();
    let mine = "# my own scenario\n";
    fs::write(folder.path().join("my-shop.toml"), mine).unwrap();
    let output = budget_bandit_in(folder.path(), &["init", "scenario"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert_eq!(
        output.stderr,
        "error: my-shop.toml: already exists; `budget-bandit init` never replaces a file, so \
         nothing was written: give another NAME, or move the file away\n"
    );
    assert_eq!(
        fs::read_to_string(folder.path().join("my-shop.toml")).unwrap(),
        mine
    );

    // An account writes both of its files or neither: a CSV in the way stops the account file
    // too.
    fs::write(folder.path().join("shop.csv"), "my,own\n").unwrap();
    let output = budget_bandit_in(folder.path(), &["init", "account", "shop"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.starts_with("error: shop.csv: already exists"),
        "{}",
        output.stderr
    );
    assert_eq!(
        fs::read_to_string(folder.path().join("shop.csv")).unwrap(),
        "my,own\n"
    );
    assert!(!folder.path().join("shop.toml").exists());
    let left: Vec<String> = common::files(folder.path()).into_keys().collect();
    assert_eq!(left.len(), 2, "staging left behind: {left:?}");
}

#[test]
fn a_name_that_cannot_be_a_results_folder_is_bad_input() {
    let folder = TempDir::new().unwrap();
    let output = budget_bandit_in(folder.path(), &["init", "scenario", "my shop"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.starts_with("error: my shop.toml:"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("results folder"),
        "{}",
        output.stderr
    );
    assert!(common::files(folder.path()).is_empty());
    let output = budget_bandit_in(folder.path(), &["init", "budget"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("scenario, account"),
        "{}",
        output.stderr
    );
}
