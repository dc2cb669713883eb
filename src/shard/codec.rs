//! `blocks.bin`: the blocks of a shard, stored exactly.
//!
//! A merge must do the very arithmetic of an unsharded run, so the blocks' statistics are
//! stored bit for bit: every running statistic as its count and the IEEE-754 bits of its mean
//! and sum of squared deviations, little-endian. The file is a header line, then per block
//!
//! ```text
//! scenario, index, first, end, policies             (u64 each)
//! per policy: channels, rows, then its statistics   (u64, u64, 24 bytes each)
//! per policy: the difference to the baseline        (24 bytes each)
//! ```
//!
//! with a policy's statistics in the order of [`PolicyAggregate::figures`](crate::aggregate::PolicyAggregate::figures), each channel's
//! [`ChannelAggregate::figures`](crate::aggregate::ChannelAggregate::figures) and
//! [`PolicyAggregate::series`](crate::aggregate::PolicyAggregate::series). Reading checks every count against the scenario, so a damaged
//! or foreign file is an error, never a panic.

use crate::runner::BlockResult;
use crate::runner::blocks::Block;
use crate::simulation::Simulation;
use crate::stats::RunningStats;

/// The first bytes of `blocks.bin`.
pub const HEADER: &[u8] = b"budget-bandit blocks 1\n";

/// Appends `block` to `out`.
pub fn encode(block: &BlockResult, out: &mut Vec<u8>) {
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
    /// A reader of `bytes`, the whole file; `Err` when the header is not ours.
    pub fn new(bytes: &'a [u8]) -> Result<Self, String> {
        if !bytes.starts_with(HEADER) {
            return Err("it does not start with budget-bandit's block header".into());
        }
        Ok(Reader {
            bytes,
            at: HEADER.len(),
        })
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

    fn stats(&mut self) -> Result<RunningStats, String> {
        let count = self.word()?;
        let mean = f64::from_bits(self.word()?);
        let sum_sq_dev = f64::from_bits(self.word()?);
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
                *stats = self.stats()?;
            }
            for channel in &mut aggregate.channels {
                for stats in channel.figures_mut() {
                    *stats = self.stats()?;
                }
            }
            for series in aggregate.series_mut() {
                for stats in series {
                    *stats = self.stats()?;
                }
            }
        }
        for difference in &mut result.differences {
            *difference = self.stats()?;
        }
        Ok(result)
    }
}
