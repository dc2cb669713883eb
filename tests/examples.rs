//! The example results committed under `results/` are what the code produces today: every
//! committed results folder is replayed from its own `scenario.toml` and its CSV files must
//! match byte for byte (the two largest `daily.csv` are not committed, see
//! `results/.gitignore`; where one is present it is checked too). Regenerate them with
//! `cargo run --release -- run scenarios/*.toml`; the committed sweeps' `sweep.csv` with
//! `cargo run --release -- run scenarios/sweeps/*.toml`.
//!
//! The committed recommendation (`results/default-account/`) is replayed from its own
//! `account.toml` and `history.csv` with the seed and draws its `recommendation.json` records,
//! and its `recommendation.csv` must match byte for byte. Regenerate it with
//! `cargo run --release -- history scenarios/default.toml --policy epsilon-greedy --out /tmp/h`
//! and `cargo run --release -- recommend /tmp/h/default.toml`.

mod common;

use budget_bandit::account::file::Account;
use budget_bandit::output::csv_files;
use budget_bandit::recommend::{Settings, output, recommend};
use budget_bandit::runner::{run_scenario, run_scenarios};
use budget_bandit::scenario::Overrides;
use budget_bandit::scenario::Scenario;
use budget_bandit::sweep::output::{csv as sweep_csv, rows_of};
use budget_bandit::sweep::{Study, StudyInput};
use std::fs;
use std::path::{Path, PathBuf};

/// The committed results folders: those under `results/` with a `scenario.toml`, hidden
/// staging folders aside.
fn committed_folders() -> Vec<PathBuf> {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let mut folders: Vec<PathBuf> = fs::read_dir(&results)
        .expect("results/ is committed")
        .map(|entry| entry.unwrap().path())
        .filter(|folder| {
            folder.join("scenario.toml").is_file()
                && !folder
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with('.')
        })
        .collect();
    folders.sort();
    folders
}

#[test]
fn committed_results_match_the_code() {
    let mut checked = 0;
    for folder in committed_folders() {
        let scenario = Scenario::load(&folder.join("scenario.toml")).unwrap();
        let fresh = run_scenario(&scenario, &|| {});
        for (file, bytes) in [
            ("summary.csv", Some(csv_files::summary(&fresh))),
            ("channels.csv", Some(csv_files::channels(&fresh))),
            (
                "daily.csv",
                folder
                    .join("daily.csv")
                    .is_file()
                    .then(|| csv_files::daily(&fresh)),
            ),
        ] {
            let Some(bytes) = bytes else { continue };
            let committed = fs::read(folder.join(file)).unwrap();
            assert!(
                committed == bytes,
                "{}/{file} is stale: rerun `cargo run --release -- run scenarios/*.toml` and commit results/",
                folder.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 1, "no committed results folder found");
}

/// The committed sweeps (`results/<name>/sweep.csv`, from `scenarios/sweeps/<name>.toml`) are
/// what the code produces today, byte for byte. Regenerate them with
/// `cargo run --release -- run scenarios/sweeps/*.toml`.
#[test]
fn committed_sweeps_match_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in fs::read_dir(root.join("results")).unwrap() {
        let folder = entry.unwrap().path();
        if !folder.join("sweep.csv").is_file() {
            continue;
        }
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let file = root.join("scenarios/sweeps").join(format!("{name}.toml"));
        let input = StudyInput::load(&file, &[], &Overrides::default()).unwrap();
        let Study::Sweep(sweep) = input.study().unwrap() else {
            panic!("{} holds no sweep", file.display())
        };
        let mut rows = Vec::new();
        let finished: Result<(), std::convert::Infallible> =
            run_scenarios(sweep.scenarios(), &|| {}, |_, results| {
                rows.push(rows_of(&results));
                Ok(())
            });
        let Ok(()) = finished;
        assert!(
            fs::read(folder.join("sweep.csv")).unwrap() == sweep_csv(&sweep, &rows),
            "{}/sweep.csv is stale: rerun `cargo run --release -- run scenarios/sweeps/*.toml` \
             and commit results/",
            folder.display()
        );
        checked += 1;
    }
    assert!(checked >= 1, "no committed sweep found");
}

/// The objective's mean and its 95% half-width per policy kind and name, from a committed
/// `summary.csv` (`profit` for profit scenarios, `revenue` otherwise).
fn objective_rows(folder: &Path, measure: &str) -> Vec<(String, String, f64, f64)> {
    let (mean, low, high) = (
        format!("{measure}_mean"),
        format!("{measure}_low"),
        format!("{measure}_high"),
    );
    common::csv_columns(
        &folder.join("summary.csv"),
        &["kind", "policy", &mean, &low, &high],
    )
    .into_iter()
    .map(|row| {
        let number = |i: usize| row[i].parse::<f64>().unwrap();
        let half_width = (number(4) - number(3)) / 2.0;
        (row[0].clone(), row[1].clone(), number(2), half_width)
    })
    .collect()
}

/// The oracle is a true benchmark on every committed scenario: no policy's mean objective
/// exceeds the oracle's by more than the policy's 95% half-width (with fatigue too, where the
/// benchmark plans for the channels' wear).
#[test]
fn no_policy_beats_the_oracle_beyond_its_interval() {
    let mut checked = 0;
    for folder in committed_folders() {
        let summary: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(folder.join("summary.json")).unwrap())
                .unwrap();
        let measure = match summary["scenario"]["objective"].as_str() {
            Some("profit") => "profit",
            _ => "revenue",
        };
        let rows = objective_rows(&folder, measure);
        let Some(oracle) = rows.iter().find(|r| r.0 == "oracle") else {
            continue;
        };
        for (_, policy, mean, half_width) in &rows {
            assert!(
                *mean <= oracle.2 + half_width,
                "{}: {policy}'s mean {measure} {mean} exceeds the oracle's {} by more than \
                 its half-width {half_width}",
                folder.display(),
                oracle.2
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "every committed scenario runs the oracle");
}

#[test]
fn committed_recommendations_match_the_code() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let mut checked = 0;
    for entry in fs::read_dir(&results).unwrap() {
        let folder = entry.unwrap().path();
        if !folder.join("recommendation.json").is_file() {
            continue;
        }
        let recorded: serde_json::Value =
            serde_json::from_slice(&fs::read(folder.join("recommendation.json")).unwrap()).unwrap();
        let account = Account::load(&folder.join("account.toml")).unwrap();
        let history = account.read_history().unwrap();
        let fresh = recommend(
            &account,
            &history,
            Settings {
                draws: recorded["draws"].as_u64().unwrap() as usize,
                seed: recorded["seed"].as_u64().unwrap(),
                plan_days: recorded["plan"].as_array().map_or(0, Vec::len),
            },
        )
        .unwrap();
        assert!(
            fs::read(folder.join("recommendation.csv")).unwrap() == output::csv(&fresh),
            "{}/recommendation.csv is stale: regenerate it as the module docs say",
            folder.display()
        );
        checked += 1;
    }
    assert!(checked >= 1, "no committed recommendation found");
}
