//! `blocks.bin`: the blocks of a shard, stored exactly, and sealed.
//!
//! A merge must do the very arithmetic of an unsharded run, so the blocks' statistics are
//! stored bit for bit: every running statistic as its count and the IEEE-754 bits of its mean
//! and sum of squared deviations, little-endian. The file is
//!
//! ```text
//! "budget-bandit blocks 2\n"
//! fingerprint, shard, shards                       (u64 each: whose blocks these are)
//! per block:
//!   scenario, index, first, end, policies          (u64 each)
//!   per policy: channels, rows, then its statistics   (u64, u64, 24 bytes each)
//!   per policy: the difference to the baseline        (24 bytes each)
//! CRC-32 of every byte before it                   (u32)
//! ```
//!
//! with a policy's statistics in the order of [`PolicyAggregate::figures`](crate::aggregate::PolicyAggregate::figures), each channel's
//! [`ChannelAggregate::figures`](crate::aggregate::ChannelAggregate::figures) and
//! [`PolicyAggregate::series`](crate::aggregate::PolicyAggregate::series).
//!
//! **What reading checks**, before a block is decoded: the checksum (a flipped bit, a cut or
//! an appended byte), then that the fingerprint and shard are those of the `shard.json` beside
//! it (a `blocks.bin` copied from another run or shard). Then, block by block and before
//! anything is allocated from them, every count against what the scenario allows: policies,
//! channels and rows as the scenario has them, no statistic over more replications than its
//! block holds, every mean and spread finite and no spread negative. So a damaged, foreign or
//! forged file is an error naming what is wrong, never a panic, a hang or a silent change to
//! an interval. The checksum guards against accidents, not against someone who rewrites it
//! too; the count checks hold either way.

use crate::runner::BlockResult;
use crate::runner::blocks::Block;
use crate::simulation::Simulation;
use crate::stats::RunningStats;
use std::io::Write;

/// The first bytes of `blocks.bin`.
pub const HEADER: &[u8] = b"budget-bandit blocks 2\n";
/// The first bytes of the format before the seal, which has no checksum or owner.
const HEADER_1: &[u8] = b"budget-bandit blocks 1\n";
/// Bytes after [`HEADER`]: fingerprint, shard and shards.
const OWNER_BYTES: usize = 24;
/// Bytes of the checksum at the end.
const CHECKSUM_BYTES: usize = 4;

/// Whose blocks a `blocks.bin` holds: the run's fingerprint and the shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    /// The run's fingerprint (see `shard.json`).
    pub fingerprint: u64,
    /// The shard, from 1.
    pub shard: u64,
    /// Of this many.
    pub shards: u64,
}

/// Writes a `blocks.bin`: the header and owner, blocks as they come, the checksum at the end.
pub struct Writer<W: Write> {
    out: W,
    checksum: crc32fast::Hasher,
}

impl<W: Write> Writer<W> {
    /// Starts the file of `owner` on `out`.
    pub fn new(mut out: W, owner: Owner) -> std::io::Result<Self> {
        let mut checksum = crc32fast::Hasher::new();
        let mut head = HEADER.to_vec();
        for word in [owner.fingerprint, owner.shard, owner.shards] {
            head.extend_from_slice(&word.to_le_bytes());
        }
        checksum.update(&head);
        out.write_all(&head)?;
        Ok(Writer { out, checksum })
    }

    /// Appends `block`; `scratch` is reused between blocks.
    pub fn block(&mut self, block: &BlockResult, scratch: &mut Vec<u8>) -> std::io::Result<()> {
        scratch.clear();
        encode(block, scratch);
        self.checksum.update(scratch);
        self.out.write_all(scratch)
    }

    /// Seals the file with its checksum and hands back the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        let checksum = self.checksum.finalize();
        self.out.write_all(&checksum.to_le_bytes())?;
        Ok(self.out)
    }
}

/// The length of a `blocks.bin` of blocks of `(policies, channels, rows)` each: what
/// [`Writer`] writes for them, so a file can be checked before it is read.
pub fn file_bytes(blocks: impl IntoIterator<Item = (usize, usize, usize)>) -> u64 {
    let stats = STATISTIC_BYTES as u64;
    let body: u64 = blocks
        .into_iter()
        .map(|(policies, channels, rows)| {
            let (p, c, r) = (policies as u64, channels as u64, rows as u64);
            // Place and policies; per policy its sizes, figures, channels' figures and series;
            // the differences.
            let per_policy = 16 + stats * (8 + 8 * c + 2 * r * c + 3 * r);
            40 + p * per_policy + p * stats
        })
        .sum();
    (HEADER.len() + OWNER_BYTES + CHECKSUM_BYTES) as u64 + body
}

/// Bytes of one statistic: count, mean and sum of squared deviations.
const STATISTIC_BYTES: usize = 24;

/// Appends `block` to `out`.
fn encode(block: &BlockResult, out: &mut Vec<u8>) {
    let b = &block.block;
    for word in [
        b.scenario as u64,
        b.index,
        b.first,
        b.end,
        block.policies.len() as u64,
    ] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    for aggregate in &block.policies {
        out.extend_from_slice(&(aggregate.channels.len() as u64).to_le_bytes());
        out.extend_from_slice(&(aggregate.checkpoints.len() as u64).to_le_bytes());
        for stats in aggregate.figures() {
            push_stats(stats, out);
        }
        for channel in &aggregate.channels {
            for stats in channel.figures() {
                push_stats(stats, out);
            }
        }
        for series in aggregate.series() {
            for stats in series {
                push_stats(stats, out);
            }
        }
    }
    for stats in &block.differences {
        push_stats(stats, out);
    }
}

fn push_stats(stats: &RunningStats, out: &mut Vec<u8>) {
    let (count, mean, sum_sq_dev) = stats.parts();
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&mean.to_bits().to_le_bytes());
    out.extend_from_slice(&sum_sq_dev.to_bits().to_le_bytes());
}

/// Reads blocks from a `blocks.bin` after its header.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes`, the whole file, which must be `owner`'s: `Err` when the header is
    /// not ours, the checksum does not match or the owner differs (see the module docs).
    pub fn new(bytes: &'a [u8], owner: Owner) -> Result<Self, String> {
        if bytes.starts_with(HEADER_1) {
            return Err(
                "it was written by an earlier version of budget-bandit, without a \
                        checksum; run the shards again with this version"
                    .into(),
            );
        }
        if !bytes.starts_with(HEADER) {
            return Err("it does not start with budget-bandit's block header".into());
        }
        let body = HEADER.len() + OWNER_BYTES;
        if bytes.len() < body + CHECKSUM_BYTES {
            return Err(format!("it ends early, at byte {}", bytes.len()));
        }
        let (sealed, seal) = bytes.split_at(bytes.len() - CHECKSUM_BYTES);
        let stored = u32::from_le_bytes(seal.try_into().expect("four bytes"));
        let computed = crc32fast::hash(sealed);
        if stored != computed {
            return Err(format!(
                "its checksum does not match its contents (stored {stored:08x}, computed \
                 {computed:08x}): it was changed, cut short or damaged after it was written"
            ));
        }
        let mut reader = Reader {
            bytes: sealed,
            at: HEADER.len(),
        };
        let found = Owner {
            fingerprint: reader.word()?,
            shard: reader.word()?,
            shards: reader.word()?,
        };
        if found.fingerprint != owner.fingerprint {
            return Err(format!(
                "it holds blocks of another run (fingerprint {:016x}, where this shard's \
                 shard.json has {:016x}): a blocks.bin belongs beside the shard.json it was \
                 written with",
                found.fingerprint, owner.fingerprint
            ));
        }
        if (found.shard, found.shards) != (owner.shard, owner.shards) {
            return Err(format!(
                "it holds shard {} of {} of this run, where shard.json says shard {} of {}",
                found.shard, found.shards, owner.shard, owner.shards
            ));
        }
        Ok(reader)
    }

    /// Whether every block was read.
    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn word(&mut self) -> Result<u64, String> {
        let end = self.at + 8;
        let bytes = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| format!("it ends early, at byte {}", self.bytes.len()))?;
        self.at = end;
        Ok(u64::from_le_bytes(bytes.try_into().expect("eight bytes")))
    }

    /// A statistic of a block of `replications`, checked (see the module docs).
    fn stats(&mut self, replications: u64) -> Result<RunningStats, String> {
        let at = self.at;
        let count = self.word()?;
        let mean = f64::from_bits(self.word()?);
        let sum_sq_dev = f64::from_bits(self.word()?);
        if count > replications {
            return Err(format!(
                "a statistic at byte {at} counts {count} replications where its block holds \
                 {replications}"
            ));
        }
        if !mean.is_finite() || !sum_sq_dev.is_finite() || sum_sq_dev < 0.0 {
            return Err(format!(
                "a statistic at byte {at} has mean {mean} and sum of squared deviations \
                 {sum_sq_dev}; both must be finite, the second not negative"
            ));
        }
        Ok(RunningStats::from_parts(count, mean, sum_sq_dev))
    }

    /// The next block's place: its scenario, index, first and end replication.
    pub fn next_block(&mut self) -> Result<Block, String> {
        let scenario = self.word()?;
        let index = self.word()?;
        let first = self.word()?;
        let end = self.word()?;
        Ok(Block {
            scenario: usize::try_from(scenario).map_err(|_| "a scenario index is too large")?,
            index,
            first,
            end,
        })
    }

    /// The statistics of `block`, just read by [`Reader::next_block`], whose scenario
    /// `simulation` runs.
    pub fn block_body(
        &mut self,
        block: Block,
        simulation: &Simulation<'_>,
    ) -> Result<BlockResult, String> {
        let policies = simulation.scenario().policies.len();
        let channels = simulation.channels();
        let rows = simulation.checkpoints().len();
        let stored = self.word()?;
        if stored != policies as u64 {
            return Err(format!(
                "a block holds {stored} policies where the scenario has {policies}"
            ));
        }
        let replications = block.end.saturating_sub(block.first);
        let mut result = BlockResult::empty(block, simulation);
        for aggregate in &mut result.policies {
            let (c, r) = (self.word()?, self.word()?);
            if c != channels as u64 || r != rows as u64 {
                return Err(format!(
                    "a block holds {c} channels × {r} rows where the scenario has {channels} × \
                     {rows}"
                ));
            }
            for stats in aggregate.figures_mut() {
                *stats = self.stats(replications)?;
            }
            for channel in &mut aggregate.channels {
                for stats in channel.figures_mut() {
                    *stats = self.stats(replications)?;
                }
            }
            for series in aggregate.series_mut() {
                for stats in series {
                    *stats = self.stats(replications)?;
                }
            }
        }
        for difference in &mut result.differences {
            *difference = self.stats(replications)?;
        }
        Ok(result)
    }
}
