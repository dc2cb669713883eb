//! Shards that cannot be mixed up or tampered with unnoticed, and runs on a shared disk that
//! never touch each other's staging: through the binary, as a cluster runs it.
//!
//! - `merge` refuses, with exit code 2, naming the shard and what is wrong and writing
//!   nothing, a `blocks.bin` of another run, one with a flipped bit, one whose counts were
//!   forged (its checksum rewritten to match), and a `shard.json` whose copy of the scenario
//!   was changed;
//! - two runs in two PID namespaces (`unshare`, as two pods or two nodes: each may be process
//!   1 of its own) write shards into one `--out` at once, and both finish.

mod common;

use common::{budget_bandit, path_str, shipped};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A small run of the default scenario.
const QUICK: [&str; 5] = ["--replications", "30", "--days", "30", "--quiet"];
/// Bytes before the first block: the header line, then fingerprint, shard and shards.
const BLOCKS_START: usize = b"budget-bandit blocks 2\n".len() + 24;
/// Bytes from a block's start to its first policy's first count: scenario, index, first, end,
/// policies, then the policy's channels and rows.
const FIRST_COUNT: usize = 7 * 8;

/// Runs shard `shard` of the default scenario into `out`, with `extra` flags.
fn shard_run(out: &Path, shard: &str, extra: &[&str]) {
    let default = shipped("default.toml");
    let mut args = vec![
        "run",
        default.as_str(),
        "--shard",
        shard,
        "--out",
        path_str(out),
    ];
    args.extend(QUICK);
    args.extend(extra);
    let output = budget_bandit(&args);
    assert_eq!(output.code, 0, "{args:?}: {}", output.stderr);
}

/// The three shards of the default scenario, written into `dir/shards`.
fn three_shards(dir: &Path) -> [PathBuf; 3] {
    let shards = dir.join("shards");
    for shard in ["1/3", "2/3", "3/3"] {
        shard_run(&shards, shard, &[]);
    }
    [1, 2, 3].map(|k| shards.join(format!("default.shard-{k}-of-3")))
}

/// `merge` of `folders` into `out` exits 2 within a few seconds, its message holding each of
/// `parts`, and writes nothing.
fn assert_refused(folders: &[PathBuf], out: &Path, parts: &[&str]) {
    let mut args = vec!["merge", "--out", path_str(out)];
    args.extend(folders.iter().map(|f| path_str(f)));
    let start = Instant::now();
    let output = budget_bandit(&args);
    let took = start.elapsed();
    assert_eq!(output.code, 2, "{parts:?}: {}", output.stderr);
    for part in parts {
        assert!(
            output.stderr.contains(part),
            "no '{part}' in\n{}",
            output.stderr
        );
    }
    // A hang was the failure this guards against; the bound is far above the milliseconds a
    // refusal takes, so that a loaded machine does not fail it.
    assert!(took < Duration::from_secs(20), "{parts:?} took {took:?}");
    assert!(!out.exists(), "{parts:?}: {} was written", out.display());
}

/// `blocks.bin` of `folder` with `change` applied and its checksum recomputed, as a forger
/// would.
fn forge(folder: &Path, change: impl FnOnce(&mut Vec<u8>)) {
    let path = folder.join("blocks.bin");
    let mut bytes = fs::read(&path).unwrap();
    bytes.truncate(bytes.len() - 4);
    change(&mut bytes);
    let checksum = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    fs::write(&path, bytes).unwrap();
}

#[test]
fn merge_refuses_foreign_damaged_and_forged_shards_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("merged");
    let shards = three_shards(dir.path());
    let blocks = |k: usize| shards[k].join("blocks.bin");
    let original = fs::read(blocks(1)).unwrap();
    let restore = || fs::write(blocks(1), &original).unwrap();

    // The shards as written merge.
    let mut args = vec!["merge", "--out", path_str(&out), "--no-charts", "--quiet"];
    args.extend(shards.iter().map(|f| path_str(f)));
    let output = budget_bandit(&args);
    assert_eq!(output.code, 0, "{}", output.stderr);
    fs::remove_dir_all(&out).unwrap();

    // Another seed's blocks beside this run's shard.json.
    let other = dir.path().join("other-seed");
    shard_run(&other, "2/3", &["--seed", "8"]);
    fs::copy(other.join("default.shard-2-of-3/blocks.bin"), blocks(1)).unwrap();
    assert_refused(
        &shards,
        &out,
        &[
            "default.shard-2-of-3",
            "blocks.bin is damaged",
            "another run",
        ],
    );
    restore();

    // Another shard's blocks of the same run.
    fs::copy(blocks(2), blocks(1)).unwrap();
    assert_refused(
        &shards,
        &out,
        &["shard 3 of 3", "shard.json says shard 2 of 3"],
    );
    restore();

    // One flipped bit anywhere: the checksum.
    for at in [30, BLOCKS_START + FIRST_COUNT + 9, original.len() / 2] {
        let mut bytes = original.clone();
        bytes[at] ^= 0x10;
        fs::write(blocks(1), bytes).unwrap();
        assert_refused(&shards, &out, &["checksum does not match"]);
    }
    restore();

    // Counts forged with the checksum rewritten: a count that would shrink an interval, and
    // one that used to make the t quantile spin for ever.
    for count in [1_000_000_u64, 1 << 62] {
        forge(&shards[1], |bytes| {
            let at = BLOCKS_START + FIRST_COUNT;
            bytes[at..at + 8].copy_from_slice(&count.to_le_bytes());
        });
        assert_refused(
            &shards,
            &out,
            &[&format!(
                "counts {count} replications where its block holds 10"
            )],
        );
        restore();
    }
    // A mean forged to infinity.
    forge(&shards[1], |bytes| {
        let at = BLOCKS_START + FIRST_COUNT + 8;
        bytes[at..at + 8].copy_from_slice(&f64::INFINITY.to_bits().to_le_bytes());
    });
    assert_refused(&shards, &out, &["must be finite"]);
    restore();

    // The format before the seal.
    let mut old = b"budget-bandit blocks 1\n".to_vec();
    old.extend_from_slice(&original[BLOCKS_START..]);
    fs::write(blocks(1), old).unwrap();
    assert_refused(&shards, &out, &["earlier version", "run the shards again"]);
    restore();

    // Files that are no shard's: an endless device, a pipe without a writer, a sparse file of
    // 20 GB. Each is refused from its metadata, before a byte is read.
    let swap = |make: &dyn Fn(&Path)| {
        fs::remove_file(blocks(1)).unwrap();
        make(&blocks(1));
    };
    swap(&|p| std::os::unix::fs::symlink("/dev/zero", p).unwrap());
    assert_refused(&shards, &out, &["not a regular file"]);
    swap(&|p| {
        let made = Command::new("mkfifo").arg(p).status().unwrap();
        assert!(made.success());
    });
    assert_refused(&shards, &out, &["not a regular file"]);
    swap(&|p| {
        fs::File::create(p).unwrap().set_len(20 << 30).unwrap();
    });
    assert_refused(&shards, &out, &["bytes where this shard's blocks take"]);
    fs::remove_file(blocks(1)).unwrap();
    restore();
    // Cut short by a byte: the length says so before the checksum is computed.
    fs::write(blocks(1), &original[..original.len() - 1]).unwrap();
    assert_refused(&shards, &out, &["blocks.bin is damaged", "cut short"]);
    restore();
    let manifest = shards[1].join("shard.json");
    let kept = fs::read(&manifest).unwrap();
    fs::remove_file(&manifest).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &manifest).unwrap();
    assert_refused(&shards, &out, &["not a regular file"]);
    fs::remove_file(&manifest).unwrap();
    fs::write(&manifest, kept).unwrap();

    // A changed letter in shard.json's copy of the scenario is shard.json's fault, not the
    // user's scenario file's.
    let text = fs::read_to_string(&manifest).unwrap();
    let changed = text.replacen("daily_budget = 10000", "daily_budget = 10001", 1);
    assert_ne!(changed, text, "the manifest holds the scenario's text");
    fs::write(&manifest, changed).unwrap();
    assert_refused(
        &shards,
        &out,
        &[
            "default.shard-2-of-3",
            "shard.json is damaged",
            "fingerprint",
        ],
    );
    fs::write(&manifest, &text).unwrap();

    // A shard number out of range is a damaged shard.json, not a shard reported missing.
    let renumbered = text.replacen("\"shard\": 2,", "\"shard\": 0,", 1);
    assert_ne!(renumbered, text, "the manifest holds its shard number");
    fs::write(&manifest, renumbered).unwrap();
    assert_refused(
        &shards,
        &out,
        &[
            "default.shard-2-of-3",
            "shard.json is damaged: it says shard 0 of 3",
        ],
    );
}

/// Whether this machine lets the tests run a process in a PID namespace of its own.
fn can_unshare() -> bool {
    Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Two runs in two PID namespaces share one `--out`, as two pods or two nodes would; each is
/// process 1 of its namespace. The second starts while the first is simulating, and tidies
/// the output folder before it stages: the first's staging must survive it.
#[test]
fn runs_in_two_pid_namespaces_share_an_output_folder() {
    if !can_unshare() {
        eprintln!(
            "skipped: `unshare --pid --fork --mount-proc` cannot run here (it needs util-linux \
             and the right to make namespaces, as root or in a user namespace)"
        );
        return;
    }
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let binary = env!("CARGO_BIN_EXE_budget-bandit");
    let in_namespace = |scenario: &str, replications: &str| {
        let scenario = shipped(scenario);
        let mut command = Command::new("unshare");
        command
            .args(["--pid", "--fork", "--mount-proc", binary, "run"])
            .args([scenario.as_str(), "--shard", "1/2", "--out", path_str(&out)])
            .args(["--replications", replications, "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    };
    let mut first = in_namespace("million-days.toml", "40").spawn().unwrap();
    // Wait until the first has staged its folder (and so is simulating).
    let start = Instant::now();
    let staged = || {
        fs::read_dir(&out).is_ok_and(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .any(|n| n.starts_with(".million-days.shard-1-of-2.partial-"))
        })
    };
    while !staged() {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first run ended before it was seen staging"
        );
        assert!(start.elapsed() < Duration::from_secs(60), "nothing staged");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = in_namespace("shock.toml", "20").output().unwrap();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let first_running = first.try_wait().unwrap().is_none();
    let first = first.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(
        first_running,
        "the first run ended before the second tidied; give it more replications"
    );
    let second_stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second_stderr.contains("removed"), "{second_stderr}");
    for name in ["million-days", "shock"] {
        let folder = out.join(format!("{name}.shard-1-of-2"));
        assert!(folder.join("shard.json").is_file(), "{}", folder.display());
        assert!(folder.join("blocks.bin").is_file(), "{}", folder.display());
    }
    let hidden: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}
