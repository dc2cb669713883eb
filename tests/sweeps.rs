//! Sweeps, several scenarios in one pool, shards and merge, end to end through the binary:
//! the files a sweep writes, the byte-for-byte identity of merged shards with the unsharded
//! run (shards run as separate processes with the cluster's environment variables set), and
//! bad input that exits 2 naming it, writing nothing.

mod common;

use common::{budget_bandit, budget_bandit_with, files, path_str, shipped};
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The README's sweep, smaller: epsilon by budget on the default scenario.
const SWEEP: [&str; 6] = [
    "--set",
    "daily_budget=5000,10000,20000",
    "--set",
    "policies.epsilon-greedy.epsilon=0.05,0.2",
    "--replications",
    "24",
];

fn run(args: &[&str]) {
    let output = budget_bandit(args);
    assert_eq!(output.code, 0, "{args:?}: {}", output.stderr);
}

#[test]
fn a_sweep_writes_its_table_and_a_results_folder_per_variant() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["run", "--out", path_str(&out), "--no-charts"];
    args.extend(SWEEP);
    let output = budget_bandit(&args);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stdout.starts_with("default: sweep of 6 variants"),
        "{}",
        output.stdout
    );
    let sweep = out.join("default");
    let csv = fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..8],
        [
            "variant",
            "daily_budget",
            "policies.epsilon-greedy.epsilon",
            "policy",
            "kind",
            "rank",
            "replications",
            "objective"
        ]
    );
    assert!(header.contains(&"vs_baseline_high"));
    // Six variants of five policies.
    assert_eq!(lines.count(), 30);
    // The README's one line of Python, where Python is.
    let python = std::process::Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import csv; rows = list(csv.DictReader(open('{}'))); print(len(rows), rows[0]['policy'])",
            sweep.join("sweep.csv").display()
        ))
        .output();
    match python {
        Ok(output) => assert_eq!(String::from_utf8_lossy(&output.stdout), "30 oracle\n"),
        Err(error) => eprintln!("python3 not run ({error}): the CSV checks above stand"),
    }
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(sweep.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(json["variants"].as_array().unwrap().len(), 6);
    assert_eq!(json["sweep"]["axes"][0]["path"], "daily_budget");
    for variant in json["variants"].as_array().unwrap() {
        let folder = sweep.join(variant["name"].as_str().unwrap());
        for file in ["summary.csv", "daily.csv", "summary.json", "scenario.toml"] {
            assert!(folder.join(file).is_file(), "{}/{file}", folder.display());
        }
    }
}

#[test]
fn variants_face_common_random_numbers() {
    // Thompson sampling does not read epsilon: in variants that differ only in epsilon it
    // faces the same draws and makes the same choices, so its figures are the same.
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["run", "--out", path_str(&out), "--no-charts", "--quiet"];
    args.extend(SWEEP);
    run(&args);
    let summary = |variant: &str| {
        let text =
            fs::read_to_string(out.join("default").join(variant).join("summary.csv")).unwrap();
        text.lines()
            .find(|l| l.split(',').nth(1) == Some("thompson"))
            .unwrap()
            .split_once(',')
            .unwrap()
            .1
            .to_owned()
    };
    assert_eq!(
        summary("daily_budget-5000_epsilon-0.05"),
        summary("daily_budget-5000_epsilon-0.2")
    );
    assert_ne!(
        summary("daily_budget-5000_epsilon-0.05"),
        summary("daily_budget-10000_epsilon-0.05")
    );
}

#[test]
fn a_variants_scenario_toml_replays_it_alone_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["run", "--out", path_str(&out), "--no-charts", "--quiet"];
    args.extend(SWEEP);
    run(&args);
    let variant = out.join("default").join("daily_budget-20000_epsilon-0.2");
    let replay = dir.path().join("replay");
    let scenario = variant.join("scenario.toml");
    run(&[
        "run",
        path_str(&scenario),
        "--out",
        path_str(&replay),
        "--no-charts",
        "--quiet",
    ]);
    assert_eq!(
        files(&replay.join("default.daily_budget-20000_epsilon-0.2")),
        files(&variant)
    );
}

#[test]
fn scenarios_given_together_write_what_each_writes_alone() {
    let dir = TempDir::new().unwrap();
    let together = dir.path().join("together");
    let (shock, fatigue) = (shipped("shock.toml"), shipped("fatigue.toml"));
    let quick = [
        "--replications",
        "12",
        "--days",
        "60",
        "--no-charts",
        "--quiet",
    ];
    let mut args = vec!["run", &shock, &fatigue, "--out", path_str(&together)];
    args.extend(quick);
    run(&args);
    for (file, name) in [(&shock, "shock"), (&fatigue, "fatigue")] {
        let alone = dir.path().join(name);
        let mut args = vec![
            "run",
            file.as_str(),
            "--out",
            path_str(&alone),
            "--threads",
            "1",
        ];
        args.extend(quick);
        run(&args);
        assert_eq!(
            files(&together.join(name)),
            files(&alone.join(name)),
            "{name}"
        );
    }
}

/// Runs the shards as separate processes, each with its environment, then merges them.
fn shard_and_merge(
    dir: &Path,
    args: &[&str],
    environments: &[Vec<(&str, String)>],
    extra: &[&str],
) -> PathBuf {
    let shards = dir.join("shards");
    for environment in environments {
        let vars: Vec<(&str, &str)> = environment.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut all = vec!["run", "--out", path_str(&shards), "--quiet"];
        all.extend(args);
        all.extend(extra);
        let output = budget_bandit_with(&all, &vars);
        assert_eq!(output.code, 0, "{vars:?}: {}", output.stderr);
    }
    let mut folders: Vec<String> = fs::read_dir(&shards)
        .unwrap()
        .map(|e| path_str(&e.unwrap().path()).to_owned())
        .filter(|p| p.contains(".shard-"))
        .collect();
    folders.sort();
    let merged = dir.join("merged");
    let mut merge = vec!["merge", "--out", path_str(&merged), "--quiet"];
    merge.extend(folders.iter().map(String::as_str));
    if args.contains(&"--no-charts") {
        merge.push("--no-charts");
    }
    let output = budget_bandit(&merge);
    assert_eq!(output.code, 0, "{}", output.stderr);
    merged
}

#[test]
fn slurm_array_shards_merge_into_the_unsharded_files_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let default = shipped("default.toml");
    let args = [default.as_str(), "--replications", "45", "--days", "60"];
    let reference = dir.path().join("reference");
    let mut all = vec!["run", "--out", path_str(&reference), "--quiet"];
    all.extend(args);
    run(&all);
    let environments: Vec<Vec<(&str, String)>> = (1..=3)
        .map(|id| {
            vec![
                ("SLURM_ARRAY_TASK_ID", id.to_string()),
                ("SLURM_ARRAY_TASK_MIN", "1".to_owned()),
                ("SLURM_ARRAY_TASK_COUNT", "3".to_owned()),
            ]
        })
        .collect();
    let merged = shard_and_merge(dir.path(), &args, &environments, &[]);
    // Charts, report and index page too.
    assert_eq!(files(&merged), files(&reference));
}

#[test]
fn kubernetes_indexed_shards_of_a_sweep_merge_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let mut args = vec!["--no-charts"];
    args.extend(SWEEP);
    let reference = dir.path().join("reference");
    let mut all = vec!["run", "--out", path_str(&reference), "--quiet"];
    all.extend(&args);
    run(&all);
    let environments: Vec<Vec<(&str, String)>> = (0..7)
        .map(|index| vec![("JOB_COMPLETION_INDEX", index.to_string())])
        .collect();
    let merged = shard_and_merge(dir.path(), &args, &environments, &["--shards", "7"]);
    assert_eq!(files(&merged), files(&reference));
    // AWS Batch numbers its array jobs from 0 as well.
    let aws = dir.path().join("aws");
    fs::create_dir(&aws).unwrap();
    let environments: Vec<Vec<(&str, String)>> = (0..2)
        .map(|index| vec![("AWS_BATCH_JOB_ARRAY_INDEX", index.to_string())])
        .collect();
    let merged = shard_and_merge(&aws, &args, &environments, &["--shards", "2"]);
    assert_eq!(files(&merged), files(&reference));
}

/// Runs `args`, which must fail with exit code 2 and a message with every part of `parts`,
/// having written nothing in `out`.
fn assert_rejected(args: &[&str], out: &Path, parts: &[&str]) {
    let output = budget_bandit(args);
    assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
    for part in parts {
        assert!(
            output.stderr.contains(part),
            "{args:?}: no '{part}' in\n{}",
            output.stderr
        );
    }
    let written: Vec<String> = fs::read_dir(out)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    assert!(written.is_empty(), "{args:?} wrote {written:?}");
}

#[test]
fn bad_sweeps_exit_2_naming_the_axis_and_write_nothing() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let default = fs::read_to_string(shipped("default.toml")).unwrap();
    let cases: [(&str, &[&str]); 4] = [
        (
            "[sweep]\n\"channels.serch.price_cv\" = [0.1, 0.2]\n",
            &[
                "sweep axis 'channels.serch.price_cv'",
                "no element named 'serch'",
                ":",
            ],
        ),
        (
            "[sweep]\ndaily_budget = []\n",
            &["sweep axis 'daily_budget' is an empty list"],
        ),
        (
            "[sweep]\n\"channels.search.price_cv\" = [0.1, -0.5]\n",
            &[
                "sweep axis 'channels.search.price_cv' = -0.5",
                "price_cv must be",
            ],
        ),
        (
            "[sweep]\nmode = \"zip\"\ndaily_budget = [1.0, 2.0]\n\"policies.epsilon-greedy.epsilon\" = [0.1]\n",
            &["every axis needs as many values"],
        ),
    ];
    for (sweep, parts) in cases {
        let file = dir.path().join("sweep.toml");
        fs::write(&file, format!("{default}\n{sweep}")).unwrap();
        assert_rejected(
            &["run", path_str(&file), "--out", path_str(&out)],
            &out,
            parts,
        );
    }
    assert_rejected(
        &[
            "run",
            "--set",
            "channels.search.prize=1,2",
            "--out",
            path_str(&out),
        ],
        &out,
        &["--set channels.search.prize=1,2", "unknown field `prize`"],
    );
    assert_rejected(
        &["run", "--set", "daily_budget", "--out", path_str(&out)],
        &out,
        &["--set takes PATH=VALUE"],
    );
}

#[test]
fn missing_doubled_or_foreign_shards_exit_2_naming_them_and_write_nothing() {
    let dir = TempDir::new().unwrap();
    let shards = dir.path().join("shards");
    let default = shipped("default.toml");
    let shock = shipped("shock.toml");
    let quick = ["--replications", "30", "--days", "30", "--quiet"];
    for (file, shard) in [
        (&default, "1/3"),
        (&default, "2/3"),
        (&default, "3/3"),
        (&shock, "2/3"),
    ] {
        let mut args = vec![
            "run",
            file.as_str(),
            "--shard",
            shard,
            "--out",
            path_str(&shards),
        ];
        args.extend(quick);
        run(&args);
    }
    let mut seeded = vec!["run", default.as_str(), "--shard", "2/3", "--seed", "8"];
    let other_seed = dir.path().join("other-seed");
    seeded.extend(["--out", path_str(&other_seed)]);
    seeded.extend(quick);
    run(&seeded);
    let shard = |name: &str| path_str(&shards.join(name)).to_owned();
    let out = dir.path().join("merged");
    let merge = |folders: &[String]| {
        let mut args = vec!["merge", "--out", path_str(&out)];
        args.extend(folders.iter().map(String::as_str));
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let (one, two, three) = (
        shard("default.shard-1-of-3"),
        shard("default.shard-2-of-3"),
        shard("default.shard-3-of-3"),
    );
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            merge(&[one.clone(), three.clone()]),
            vec!["missing", "default.shard-2-of-3"],
        ),
        (
            merge(&[one.clone(), two.clone(), two.clone(), three.clone()]),
            vec!["shard 2 of 3 is given twice"],
        ),
        (
            merge(&[one.clone(), shard("shock.shard-2-of-3"), three.clone()]),
            vec!["another run", "scenario 'shock'"],
        ),
        (
            merge(&[
                one.clone(),
                path_str(&other_seed.join("default.shard-2-of-3")).to_owned(),
                three.clone(),
            ]),
            vec!["another run"],
        ),
        (
            merge(&[path_str(dir.path()).to_owned()]),
            vec!["not a shard folder"],
        ),
    ];
    for (args, parts) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_rejected(&args, &out, &parts);
    }
    // A damaged block file: nothing is written either.
    let blocks = shards.join("default.shard-3-of-3").join("blocks.bin");
    let bytes = fs::read(&blocks).unwrap();
    fs::write(&blocks, &bytes[..bytes.len() - 5]).unwrap();
    let args = merge(&[one, two, three]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_rejected(&args, &out, &["blocks.bin is damaged"]);
}

#[test]
fn bad_shard_flags_and_environments_exit_2() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 4] = [
        (&["--shard", "4/3"], &[], "the shard must be from 1 to 3"),
        (
            &["--shards", "3"],
            &[],
            "--shards 3 needs the shard's index",
        ),
        (&[], &[("JOB_COMPLETION_INDEX", "2")], "give --shards N"),
        (
            &[],
            &[("SLURM_ARRAY_TASK_ID", "2")],
            "SLURM_ARRAY_TASK_COUNT",
        ),
    ];
    for (flags, vars, part) in cases {
        let mut args = vec!["run", "--out", path_str(&out)];
        args.extend(flags);
        let output = budget_bandit_with(&args, vars);
        assert_eq!(output.code, 2, "{flags:?} {vars:?}: {}", output.stderr);
        assert!(
            output.stderr.contains(part),
            "{flags:?} {vars:?}: {}",
            output.stderr
        );
        assert!(!out.exists(), "{flags:?} {vars:?} wrote {}", out.display());
    }
}
