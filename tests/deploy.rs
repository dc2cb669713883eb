//! The cluster files under `deploy/` do what they say: the Slurm batch scripts and the
//! commands of the Kubernetes Indexed Job run here as separate processes with the variables
//! their scheduler sets, and the merge of their shards is the unsharded run byte for byte.
//! (`deploy/slurm/check.sh` runs the same on a real Slurm cluster in CI.)

mod common;

use common::{CLUSTER_VARIABLES, budget_bandit, budget_bandit_with, files, path_str};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

fn repository(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

const BINARY: &str = env!("CARGO_BIN_EXE_budget-bandit");

/// Runs `program` with `args` in `folder` with `vars`, outside any array job but for them;
/// it must succeed.
fn run_in(folder: &Path, program: &str, args: &[&str], vars: &[(&str, String)]) {
    let mut command = Command::new(program);
    for name in CLUSTER_VARIABLES {
        command.env_remove(name);
    }
    let output = command
        .args(args)
        .current_dir(folder)
        .env("BUDGET_BANDIT", BINARY)
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} {vars:?}:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_slurm_scripts_shard_and_merge_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let scenario = repository("scenarios/sweeps/epsilon-by-budget.toml");
    let quick = ["--replications", "12", "--days", "30"];
    let reference = dir.path().join("reference");
    let mut args = vec![
        "run",
        path_str(&scenario),
        "--out",
        path_str(&reference),
        "--quiet",
    ];
    args.extend(quick);
    let output = budget_bandit(&args);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let sweep = repository("deploy/slurm/sweep.sbatch");
    let merge = repository("deploy/slurm/merge.sbatch");
    for task in 1..=3 {
        let mut args = vec![path_str(&sweep), path_str(&scenario), "shards"];
        args.extend(quick);
        let vars = [
            ("SLURM_ARRAY_TASK_ID", task.to_string()),
            ("SLURM_ARRAY_TASK_MIN", "1".to_owned()),
            ("SLURM_ARRAY_TASK_COUNT", "3".to_owned()),
        ];
        run_in(dir.path(), "bash", &args, &vars);
    }
    run_in(
        dir.path(),
        "bash",
        &[path_str(&merge), "shards", "merged", "epsilon-by-budget"],
        &[],
    );
    assert_eq!(
        files(&dir.path().join("merged/epsilon-by-budget")),
        files(&reference.join("epsilon-by-budget"))
    );
}

/// The `args` of every container in the Kubernetes file, in order (each on one line, a
/// flow sequence of quoted strings, which is JSON).
fn container_args(yaml: &str) -> Vec<Vec<String>> {
    yaml.lines()
        .filter_map(|line| line.trim().strip_prefix("args:"))
        .map(|list| serde_json::from_str(list.trim()).expect("args are a one-line list"))
        .collect()
}

#[test]
fn the_kubernetes_indexed_job_shards_and_merges_byte_for_byte() {
    let yaml = fs::read_to_string(repository("deploy/k8s/sweep-job.yaml")).unwrap();
    let completions: u32 = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("completions:"))
        .expect("the Indexed Job has completions")
        .trim()
        .parse()
        .unwrap();
    let all = container_args(&yaml);
    let [shard, merge] = all.as_slice() else {
        panic!("a shard job and a merge job: {all:?}")
    };
    let count = completions.to_string();
    assert!(
        shard
            .windows(2)
            .any(|w| w[0] == "--shards" && w[1] == count),
        "{shard:?}"
    );
    assert!(
        merge[1].contains(&format!("-of-{completions}")),
        "{merge:?}"
    );
    let dir = TempDir::new().unwrap();
    let data = path_str(dir.path()).to_owned();
    let scenario = repository("scenarios/sweeps/epsilon-by-budget.toml");
    let place = |arg: &str| {
        arg.replace("/scenario/scenario.toml", path_str(&scenario))
            .replace("/data", &data)
    };
    let shard: Vec<String> = shard.iter().map(|a| place(a)).collect();
    let shard: Vec<&str> = shard.iter().map(String::as_str).collect();
    for index in 0..completions {
        let output = budget_bandit_with(&shard, &[("JOB_COMPLETION_INDEX", &index.to_string())]);
        assert_eq!(output.code, 0, "index {index}: {}", output.stderr);
    }
    let merge: Vec<String> = merge
        .iter()
        .map(|a| place(a).replace("budget-bandit merge", &format!("{BINARY} merge")))
        .collect();
    let merge: Vec<&str> = merge.iter().map(String::as_str).collect();
    run_in(dir.path(), "sh", &merge, &[]);
    let reference = dir.path().join("reference");
    let output = budget_bandit(&[
        "run",
        path_str(&scenario),
        "--out",
        path_str(&reference),
        "--quiet",
    ]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        files(&dir.path().join("results/epsilon-by-budget")),
        files(&reference.join("epsilon-by-budget"))
    );
}
