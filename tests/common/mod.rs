//! Helpers shared by the integration tests: the binary run as a user runs it, and histories
//! simulated from the committed scenarios read back as accounts. Each test crate uses some of
//! them.
#![allow(dead_code)]

pub mod exports;

use budget_bandit::account::export::{default_start, export_history};
use budget_bandit::account::file::Account;
use budget_bandit::account::history::{History, parse_history};
use budget_bandit::scenario::{Overrides, Scenario};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

/// What a run of the binary printed and how it exited.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The variables from which an array job's shard is read: removed from every command a test
/// runs unless it sets them, so that tests run inside a cluster's job behave as anywhere else.
pub const CLUSTER_VARIABLES: [&str; 5] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];

/// The columns `names` of every row of the CSV file at `path`, in the order named: how the
/// tests read a committed `summary.csv` or `sweep.csv` by its header.
pub fn csv_columns(path: &Path, names: &[&str]) -> Vec<Vec<String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    let columns: Vec<usize> = names
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h == *name)
                .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
        })
        .collect();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            columns.iter().map(|&i| record[i].to_owned()).collect()
        })
        .collect()
}

/// The path of the committed scenario file `file` (such as `default.toml`).
pub fn shipped(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file)
        .display()
        .to_string()
}

/// Runs the binary with `args` (outside any array job).
pub fn budget_bandit(args: &[&str]) -> Output {
    budget_bandit_with(args, &[])
}

/// Runs the binary with `args` and the environment variables `vars` set, and none of the
/// cluster variables that would make a run a shard unless `vars` sets them.
pub fn budget_bandit_with(args: &[&str], vars: &[(&str, &str)]) -> Output {
    run_binary(
        Command::new(env!("CARGO_BIN_EXE_budget-bandit")),
        args,
        vars,
    )
}

/// Runs the binary with `args` in `folder`, as a user working in that folder would.
pub fn budget_bandit_in(folder: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_budget-bandit"));
    command.current_dir(folder);
    run_binary(command, args, &[])
}

/// Runs `command` with `args` and `vars`, outside any array job unless `vars` says otherwise.
fn run_binary(mut command: Command, args: &[&str], vars: &[(&str, &str)]) -> Output {
    for name in CLUSTER_VARIABLES {
        command.env_remove(name);
    }
    let output = command
        .args(args)
        .envs(vars.iter().copied())
        .output()
        .expect("the binary runs");
    Output {
        code: output.status.code().expect("the binary exits normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Every file below a folder, by path relative to it.
pub fn files(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![folder.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap().display().to_string();
                found.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// A temporary path as a command-line argument.
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// The committed scenario `name`, over `days` days.
pub fn scenario(name: &str, days: u64) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    Scenario::load(&path)
        .unwrap()
        .with_overrides(&Overrides {
            days: Some(days),
            ..Overrides::default()
        })
        .unwrap()
}

/// Replication `replication` of `policy` on `scenario`, as an account and its history.
pub fn account_history(scenario: &Scenario, policy: &str, replication: u64) -> (Account, History) {
    let spec = scenario
        .policies
        .iter()
        .find(|p| p.name == policy)
        .unwrap_or_else(|| panic!("{} has no policy {policy}", scenario.name));
    let exported = export_history(
        scenario,
        spec,
        replication,
        default_start(scenario.start_weekday),
    );
    let account = Account::from_toml("account.toml", &exported.account, Path::new("")).unwrap();
    let history = parse_history(
        "history.csv",
        &exported.csv,
        &account.columns,
        &account.campaigns,
        &account.channel_specs(),
    )
    .unwrap();
    (account, history)
}

/// Channel `i`'s fatigue in `scenario` as wear per paid unit of steady daily delivery,
/// `strength / reference volume`, and its recovery (`None` without fatigue): what the
/// simulator's fatigue depends on, whatever reference volume a scenario has.
pub fn wear_per_unit(scenario: &Scenario, i: usize) -> Option<(f64, f64)> {
    scenario.dynamics[i].fatigue.map(|f| {
        (
            f.strength
                / budget_bandit::dynamics::fatigue_reference(
                    &scenario.channels[i],
                    scenario.daily_budget,
                ),
            f.recovery,
        )
    })
}
