//! Shards and merge: a run cut for a cluster's array jobs at the runner's fixed block
//! boundaries, and put back together exactly.
//!
//! `run --shard K/N` (or an array job's index, see [`cluster`]) runs only shard `K` of `N`:
//! of each scenario file's blocks (see [`crate::runner::blocks`]: every policy of 10
//! consecutive replications of one scenario or variant) the contiguous run that
//! [`shard_range`] gives it, balanced by cost. It writes the shard folder
//! `OUT/<name>.shard-K-of-N/`:
//!
//! - `shard.json`: the file's text and origin with the run's `--set`, `--days`,
//!   `--replications`, `--seed` and `--policies` (so a merge rebuilds the very scenarios), a
//!   fingerprint of all that, `K`, `N` and the blocks it holds;
//! - `blocks.bin`: the blocks' statistics, bit for bit ([`codec`]).
//!
//! `merge` checks that the folders are the shards `1..N` of one run, each once, rebuilds the
//! run's scenarios from `shard.json`, and merges the blocks in block order, the order an
//! unsharded run merges them in. Its files go through the same writer as `run`'s, so they are
//! byte for byte those of the unsharded run, for any `N`.

pub mod cluster;
pub mod codec;

use crate::error::{ScenarioError, at_path};
use crate::invocation::{Invocation, Writer, Written};
use crate::results_folder::{Claim, FolderError, Source};
use crate::runner::blocks::{Block, blocks, shard_range};
use crate::runner::{Folds, run_blocks};
use crate::simulation::Simulation;
use crate::sweep::StudyInput;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Version of the shard folder's layout.
pub const FORMAT_VERSION: u32 = 2;
/// The shard folder's description of itself.
pub const MANIFEST: &str = "shard.json";
/// The shard folder's blocks.
pub const BLOCKS: &str = "blocks.bin";
/// At most this many shards.
pub const MAX_SHARDS: u64 = 100_000;

/// Shard `index` of `count` (`1 ≤ index ≤ count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shard {
    /// From 1.
    pub index: u32,
    /// The number of shards.
    pub count: u32,
}

impl Shard {
    /// Shard `k` of `n`, checked.
    pub fn new(k: u64, n: u64) -> Result<Shard, String> {
        if n == 0 || n > MAX_SHARDS {
            return Err(format!(
                "the number of shards must be from 1 to {MAX_SHARDS}, got {n}"
            ));
        }
        if k == 0 || k > n {
            return Err(format!("the shard must be from 1 to {n}, got {k}"));
        }
        Ok(Shard {
            index: k as u32,
            count: n as u32,
        })
    }

    /// The shard folder of the results folder `name`.
    pub fn folder_name(&self, name: &str) -> String {
        format!("{name}.shard-{}-of-{}", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let parsed = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
        let Some((k, n)) = parsed else {
            return Err(format!(
                "--shard takes K/N, shard K of N (such as 2/3), got '{text}'"
            ));
        };
        Shard::new(k, n)
    }
}

/// What a shard folder says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The version of budget-bandit that wrote it (part of the fingerprint: another version
    /// may simulate differently).
    pub tool_version: String,
    /// The results folder's name: the scenario's.
    pub scenario: String,
    /// This shard, from 1.
    pub shard: u32,
    /// The number of shards.
    pub shards: u32,
    /// A hash of `input` and `tool_version`: shards of one run share it.
    pub fingerprint: String,
    /// The positions of its blocks among the file's blocks, and how many the file has.
    pub blocks: Range<usize>,
    /// Of the file's blocks in all.
    pub of_blocks: usize,
    /// What the run was made of.
    pub input: StudyInput,
}

/// The fingerprint of a run's input written by budget-bandit `version`: a 64-bit FNV-1a hash
/// of the input's JSON and the version (in `shard.json` as 16 hex digits).
fn fingerprint(input: &StudyInput, version: &str) -> u64 {
    let text = serde_json::to_string(input).expect("the input serialises");
    crate::streams::fnv1a(text.bytes().chain(version.bytes()))
}

/// Why a shard run or a merge failed.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// Bad input: the shard folders given, or the scenarios they hold (exit code 2).
    #[error(transparent)]
    Input(#[from] ScenarioError),
    /// The folders could not be written (or something foreign is in the way).
    #[error(transparent)]
    Folder(#[from] FolderError),
}

/// The blocks of each study of `invocation` that `shard` runs, with their positions among
/// the study's blocks.
fn shard_blocks(invocation: &Invocation, shard: Shard) -> Vec<(Vec<Block>, Range<usize>, usize)> {
    invocation
        .studies()
        .iter()
        .enumerate()
        .map(|(at, study)| {
            let scenarios = study.scenarios();
            let own = blocks(scenarios);
            let range = shard_range(&own, scenarios, shard.index, shard.count);
            let offset = invocation.first_scenario(at);
            let global = own[range.clone()]
                .iter()
                .map(|b| Block {
                    scenario: b.scenario + offset,
                    ..*b
                })
                .collect();
            (global, range, own.len())
        })
        .collect()
}

/// The (policy, replication) jobs `shard` runs of `invocation`: for its progress bar.
pub fn shard_jobs(invocation: &Invocation, shard: Shard) -> u64 {
    let scenarios = invocation.scenarios();
    shard_blocks(invocation, shard)
        .iter()
        .flat_map(|(blocks, _, _)| blocks)
        .map(|b| (b.end - b.first) * scenarios[b.scenario].policies.len() as u64)
        .sum()
}

/// What a shard run wrote, per scenario file: its shard folder, and its blocks of all.
#[derive(Debug)]
pub struct ShardWritten {
    /// The shard folder.
    pub folder: PathBuf,
    /// Blocks run.
    pub blocks: usize,
    /// Of the file's blocks in all.
    pub of_blocks: usize,
}

/// Runs `shard` of `invocation` (made of `inputs`, one per study) and writes a shard folder
/// per study in `out`, each all or nothing. `progress` is called once per job.
pub fn run_shard(
    inputs: &[StudyInput],
    invocation: &Invocation,
    shard: Shard,
    out: &Path,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<ShardWritten>, ShardError> {
    let parts = shard_blocks(invocation, shard);
    let sources: Vec<Source> = invocation
        .studies()
        .iter()
        .map(|study| Source {
            kind: "scenario",
            name: shard.folder_name(study.name()),
            origin: study.origin().to_owned(),
        })
        .collect();
    let mut claim = Claim::prepare_for(out, &sources, false)?;
    let version = env!("CARGO_PKG_VERSION");
    let mut files = Vec::new();
    for (source, input) in sources.iter().zip(inputs) {
        let path = claim
            .staging(&source.name)
            .expect("prepared above")
            .join(BLOCKS);
        let file = std::io::BufWriter::new(
            at_path(&path, std::fs::File::create(&path)).map_err(FolderError::from)?,
        );
        let owner = codec::Owner {
            fingerprint: fingerprint(input, version),
            shard: shard.index.into(),
            shards: shard.count.into(),
        };
        let file = at_path(&path, codec::Writer::new(file, owner)).map_err(FolderError::from)?;
        files.push((path, file));
    }
    let all: Vec<Block> = parts.iter().flat_map(|(b, _, _)| b.clone()).collect();
    let mut scratch = Vec::new();
    run_blocks(
        invocation.scenarios(),
        &all,
        progress,
        |mut block, _| -> Result<(), FolderError> {
            let (study, _) = invocation.owner(block.block.scenario);
            block.block.scenario -= invocation.first_scenario(study);
            let (path, file) = &mut files[study];
            at_path(path, file.block(&block, &mut scratch))?;
            Ok(())
        },
    )?;
    let mut written = Vec::new();
    let studies = invocation.studies().iter();
    for ((((source, (path, file)), input), (_, range, of_blocks)), study) in sources
        .iter()
        .zip(files)
        .zip(inputs)
        .zip(parts)
        .zip(studies)
    {
        let file = at_path(&path, file.finish()).map_err(FolderError::from)?;
        let file = file.into_inner().map_err(|e| {
            FolderError::from(crate::error::WriteError {
                path: path.clone(),
                source: e.into_error(),
            })
        })?;
        at_path(&path, file.sync_all()).map_err(FolderError::from)?;
        drop(file);
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            scenario: study.name().to_owned(),
            shard: shard.index,
            shards: shard.count,
            fingerprint: format!("{:016x}", fingerprint(input, version)),
            blocks: range.clone(),
            of_blocks,
            input: input.clone(),
        };
        let folder = claim.write_with(source, |folder| {
            let path = folder.join(MANIFEST);
            let mut text =
                serde_json::to_vec_pretty(&manifest).expect("the manifest serialises to JSON");
            text.push(b'\n');
            at_path(&path, std::fs::write(&path, text))?;
            Ok(())
        })?;
        written.push(ShardWritten {
            folder,
            blocks: range.len(),
            of_blocks,
        });
    }
    Ok(written)
}

/// A shard folder read back: its manifest and where it is.
struct ShardFolder {
    path: PathBuf,
    manifest: Manifest,
}

fn input_error(folder: &Path, message: String) -> ShardError {
    ScenarioError::whole_file(&folder.display().to_string(), message).into()
}

fn read_shard(folder: &Path) -> Result<ShardFolder, ShardError> {
    let path = folder.join(MANIFEST);
    let text = our_file(&path, crate::error::MAX_TEXT_FILE_BYTES)
        .and_then(|()| crate::error::read_input_text(&path, crate::error::MAX_TEXT_FILE_BYTES));
    let text = text.map_err(|e| {
        input_error(
            folder,
            format!(
                "not a shard folder: cannot read {MANIFEST} ({e}); give the folders that \
                 `run --shard K/N` wrote, named <scenario>.shard-K-of-N"
            ),
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        input_error(
            folder,
            format!("{MANIFEST} is not a shard description of budget-bandit: {e}"),
        )
    })?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(input_error(
            folder,
            format!(
                "{MANIFEST} has format version {}, this budget-bandit reads {FORMAT_VERSION}{}",
                manifest.format_version,
                if manifest.format_version < FORMAT_VERSION {
                    "; run the shards again with this version"
                } else {
                    ""
                }
            ),
        ));
    }
    // The fingerprint seals the run's description: a change to its scenario text or flags
    // after it was written is found here, not reported later against the user's own file.
    let stored = u64::from_str_radix(&manifest.fingerprint, 16).ok();
    let computed = fingerprint(&manifest.input, &manifest.tool_version);
    if stored != Some(computed) || manifest.fingerprint.len() != 16 {
        return Err(input_error(
            folder,
            format!(
                "{MANIFEST} is damaged: its fingerprint '{}' is not that of the run it describes \
                 ({computed:016x}); its scenario text, flags or version were changed after it \
                 was written",
                manifest.fingerprint
            ),
        ));
    }
    // A shard's number is not sealed by the fingerprint (every shard of a run shares it); one
    // out of range is a damaged file, said as such, not a shard reported missing.
    if manifest.shard == 0 || manifest.shard > manifest.shards {
        return Err(input_error(
            folder,
            format!(
                "{MANIFEST} is damaged: it says shard {} of {}, where shards are numbered 1 to \
                 {}; it was changed after it was written",
                manifest.shard,
                manifest.shards,
                manifest.shards.max(1)
            ),
        ));
    }
    Ok(ShardFolder {
        path: folder.to_owned(),
        manifest,
    })
}

impl ShardFolder {
    /// Whose blocks its `blocks.bin` must hold.
    fn owner(&self) -> codec::Owner {
        codec::Owner {
            fingerprint: u64::from_str_radix(&self.manifest.fingerprint, 16)
                .expect("checked by read_shard"),
            shard: self.manifest.shard.into(),
            shards: self.manifest.shards.into(),
        }
    }
}

/// Checks that `path` is a regular file (not a pipe, a device or a folder, which a shard
/// folder never holds) of at most `limit` bytes, before it is opened for reading.
fn our_file(path: &Path, limit: u64) -> std::io::Result<()> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a shard folder holds only files run --shard wrote)",
        ));
    }
    if metadata.len() > limit {
        return Err(std::io::Error::other(format!(
            "it holds {} bytes where this shard's blocks take {limit}",
            metadata.len()
        )));
    }
    Ok(())
}

/// What differs between the runs of two manifests, in words.
fn differences(a: &Manifest, b: &Manifest) -> Vec<&'static str> {
    let (x, y) = (&a.input, &b.input);
    let mut differ = Vec::new();
    for (name, same) in [
        ("the scenario file's origin", x.origin == y.origin),
        ("the scenario file's text", x.source == y.source),
        ("--set", x.set == y.set),
        ("--days", x.days == y.days),
        ("--replications", x.replications == y.replications),
        ("--seed", x.seed == y.seed),
        ("--policies", x.policies == y.policies),
        ("budget-bandit's version", a.tool_version == b.tool_version),
    ] {
        if !same {
            differ.push(name);
        }
    }
    differ
}

/// Checks that `shards` are shards 1..N of one run, each once; returns them in shard order.
fn check_set(mut shards: Vec<ShardFolder>) -> Result<Vec<ShardFolder>, ShardError> {
    let first = &shards[0];
    let (first_path, first_manifest) = (first.path.clone(), first.manifest.clone());
    let whole = |s: &ShardFolder| {
        format!(
            "scenario '{}' ({}, shard {} of {})",
            s.manifest.scenario, s.manifest.input.origin, s.manifest.shard, s.manifest.shards
        )
    };
    for other in &shards[1..] {
        if other.manifest.fingerprint != first.manifest.fingerprint {
            return Err(input_error(
                &other.path,
                format!(
                    "this shard is of another run than {}: it holds {}, that one {} ({} \
                     differ); shards of one run have one scenario file, --set, seed and flags",
                    first.path.display(),
                    whole(other),
                    whole(first),
                    differences(&first.manifest, &other.manifest).join(", ")
                ),
            ));
        }
        if other.manifest.shards != first.manifest.shards {
            return Err(input_error(
                &other.path,
                format!(
                    "this is shard {} of {}, but {} is shard {} of {}: shards of one \
                     partition share their count",
                    other.manifest.shard,
                    other.manifest.shards,
                    first.path.display(),
                    first.manifest.shard,
                    first.manifest.shards
                ),
            ));
        }
    }
    shards.sort_by_key(|s| s.manifest.shard);
    for pair in shards.windows(2) {
        if pair[0].manifest.shard == pair[1].manifest.shard {
            return Err(input_error(
                &pair[1].path,
                format!(
                    "shard {} of {} is given twice: here and in {}",
                    pair[1].manifest.shard,
                    pair[1].manifest.shards,
                    pair[0].path.display()
                ),
            ));
        }
    }
    let (first, first_path) = (&first_manifest, &first_path);
    let n = first.shards;
    let missing: Vec<String> = (1..=n)
        .filter(|k| !shards.iter().any(|s| s.manifest.shard == *k))
        .map(|k| Shard { index: k, count: n }.folder_name(&first.scenario))
        .collect();
    if !missing.is_empty() {
        return Err(input_error(
            first_path,
            format!(
                "{} of the {n} shards of scenario '{}' are missing: {}",
                missing.len(),
                first.scenario,
                missing.join(", ")
            ),
        ));
    }
    Ok(shards)
}

/// Merges the shard folders `folders` into the results folder of their run in `out`, with
/// charts and the report when `charts`. `written` sees each finished scenario or sweep (for
/// the tables). Nothing is written unless every shard is there and reads back whole, and
/// nothing is read past the limits of [`crate::footprint`] unless `allow_large`.
pub fn merge(
    folders: &[PathBuf],
    out: &Path,
    charts: bool,
    allow_large: bool,
    mut written: impl FnMut(&Invocation, &Written),
) -> Result<(), ShardError> {
    let shards = folders
        .iter()
        .map(|f| read_shard(f))
        .collect::<Result<Vec<_>, _>>()?;
    let shards = check_set(shards)?;
    let input = shards[0].manifest.input.clone();
    let study = input.study()?;
    let invocation = Invocation::new(vec![study]);
    let scenarios = invocation.scenarios();
    let all = blocks(scenarios);
    let length_of = |range: Range<usize>| {
        codec::file_bytes(all[range].iter().map(|b| {
            let scenario = &scenarios[b.scenario];
            (
                scenario.policies.len(),
                scenario.channels.len(),
                crate::checkpoints::Checkpoints::count(scenario.days),
            )
        }))
    };
    // Before a block is read: a merge of a size no one asks for by accident. It holds every
    // shard's blocks and folds them one at a time (a fold and a block: one worker's worth).
    let mut footprint = crate::footprint::estimate(scenarios, 1, charts);
    footprint.memory = footprint.memory.saturating_add(length_of(0..all.len()));
    if let Some(why) = footprint.merge_refusal().filter(|_| !allow_large) {
        return Err(ScenarioError::whole_file("merge", why).into());
    }
    // Every shard holds the blocks the partition gives it, and its file reads back whole,
    // before anything is written.
    let mut contents = Vec::with_capacity(shards.len());
    for shard in &shards {
        let expected = shard_range(&all, scenarios, shard.manifest.shard, shard.manifest.shards);
        if shard.manifest.blocks != expected || shard.manifest.of_blocks != all.len() {
            return Err(input_error(
                &shard.path,
                format!(
                    "{MANIFEST} lists blocks {:?} of {}, where shard {} of {} holds {:?} of {}",
                    shard.manifest.blocks,
                    shard.manifest.of_blocks,
                    shard.manifest.shard,
                    shard.manifest.shards,
                    expected,
                    all.len()
                ),
            ));
        }
        let path = shard.path.join(BLOCKS);
        // Its length is known before a byte is read: the header, each block's statistics as
        // the scenario sizes them, the checksum.
        let length = length_of(expected.clone());
        our_file(&path, length)
            .map_err(|e| input_error(&shard.path, format!("cannot read {BLOCKS}: {e}")))?;
        let bytes = crate::error::read_at_most(&path, length + 1)
            .map_err(|e| input_error(&shard.path, format!("cannot read {BLOCKS}: {e}")))?;
        // (Another header is the decoder's to name.)
        if bytes.starts_with(codec::HEADER) && bytes.len() as u64 != length {
            return Err(input_error(
                &shard.path,
                format!(
                    "{BLOCKS} is damaged: it holds {} bytes where this shard's blocks take \
                     {length} (cut short or lengthened after it was written)",
                    bytes.len()
                ),
            ));
        }
        contents.push((shard, expected, bytes));
    }
    // Every block reads back whole before anything is written.
    each_block(&contents, scenarios, &all, |_, _| Ok(()))?;
    let claim = Claim::prepare_for(out, &invocation.sources(), charts)?;
    let mut writer = Writer::new(&invocation, claim, charts);
    let mut folds = Folds::new(scenarios);
    each_block(&contents, scenarios, &all, |result, simulation| {
        debug_assert_eq!(folds.next_block(result.block.scenario), result.block.index);
        if let Some((index, results)) = folds.absorb(&result, simulation) {
            let done = writer.finished(index, results)?;
            written(&invocation, &done);
        }
        Ok(())
    })?;
    writer.finish()?;
    Ok(())
}

/// Reads every block of the shards' `contents` (shard order: block order), checking each
/// against the partition `all`, and hands it to `absorb` with its scenario's simulation.
fn each_block(
    contents: &[(&ShardFolder, Range<usize>, Vec<u8>)],
    scenarios: &[crate::scenario::Scenario],
    all: &[Block],
    mut absorb: impl FnMut(crate::runner::BlockResult, &Simulation<'_>) -> Result<(), ShardError>,
) -> Result<(), ShardError> {
    let mut simulation: Option<Simulation<'_>> = None;
    for (shard, expected, bytes) in contents {
        let damaged = |why: String| input_error(&shard.path, format!("{BLOCKS} is damaged: {why}"));
        let mut reader = codec::Reader::new(bytes, shard.owner()).map_err(damaged)?;
        for position in expected.clone() {
            let block = reader.next_block().map_err(damaged)?;
            if block != all[position] {
                return Err(damaged(format!(
                    "it holds {block:?} where {:?} belongs",
                    all[position]
                )));
            }
            if simulation
                .as_ref()
                .is_none_or(|s| !std::ptr::eq(s.scenario(), &scenarios[block.scenario]))
            {
                simulation = Some(Simulation::new(&scenarios[block.scenario]));
            }
            let simulation = simulation.as_ref().expect("just built");
            let result = reader.block_body(block, simulation).map_err(damaged)?;
            absorb(result, simulation)?;
        }
        if !reader.is_done() {
            return Err(damaged("it has bytes after its last block".into()));
        }
    }
    Ok(())
}
