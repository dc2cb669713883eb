//! Blocks: the fixed cut of a run's replications that sharding and merging rest on.
//!
//! Each scenario's replications are cut into blocks of [`BLOCK_REPLICATIONS`] consecutive
//! replications (the last one shorter), every block holding every policy of its replications,
//! so that a block's paired differences to the baseline are complete in it. A block is folded
//! on its own, then the blocks of a scenario are merged into its totals in block order:
//!
//! ```text
//! total = (((b_0 ⊕ b_1) ⊕ b_2) ⊕ …) ⊕ b_{m−1}
//! ```
//!
//! with `⊕` Chan et al.'s merge of running statistics. The cut depends on nothing but the
//! replication count: not on threads, windows or shards. So a run on one machine and the
//! merge of any number of shards do the same arithmetic in the same order, and their files
//! are the same byte for byte.
//!
//! A shard takes a contiguous run of blocks, cut where the running sum of the blocks' cost
//! (days × channels × policies × replications) crosses `k/N` of the whole: every shard gets
//! its share of the work within one block.

use crate::scenario::Scenario;
use std::ops::Range;

/// Replications per block (the last block of a scenario may hold fewer).
pub const BLOCK_REPLICATIONS: u64 = 10;

/// Consecutive replications of one scenario (every policy of each), the unit of folding,
/// sharding and merging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block {
    /// The scenario's index among the scenarios of the run.
    pub scenario: usize,
    /// The block's index among the scenario's blocks.
    pub index: u64,
    /// First replication.
    pub first: u64,
    /// One past the last replication.
    pub end: u64,
}

impl Block {
    /// Replications in the block.
    pub fn replications(&self) -> Range<u64> {
        self.first..self.end
    }
}

/// The number of blocks of `replications` replications.
pub fn block_count(replications: u64) -> u64 {
    replications.div_ceil(BLOCK_REPLICATIONS)
}

/// Every block of `scenarios`, scenario by scenario, each in replication order.
pub fn blocks(scenarios: &[Scenario]) -> Vec<Block> {
    scenarios
        .iter()
        .enumerate()
        .flat_map(|(scenario, s)| {
            (0..block_count(s.replications)).map(move |index| {
                let first = index * BLOCK_REPLICATIONS;
                Block {
                    scenario,
                    index,
                    first,
                    end: (first + BLOCK_REPLICATIONS).min(s.replications),
                }
            })
        })
        .collect()
}

/// The work of a block, in channel-days: what shards balance.
fn cost(block: &Block, scenarios: &[Scenario]) -> u128 {
    let s = &scenarios[block.scenario];
    (block.end - block.first) as u128
        * s.policies.len() as u128
        * s.days as u128
        * s.channels.len().max(1) as u128
}

/// The blocks of shard `k` of `n` (`1 ≤ k ≤ n`): a contiguous run of `blocks`, cut where the
/// cumulative cost crosses `(k − 1)/n` and `k/n` of the total (a block goes to the shard that
/// holds its cost's midpoint). Every block belongs to exactly one shard.
pub fn shard_range(blocks: &[Block], scenarios: &[Scenario], k: u32, n: u32) -> Range<usize> {
    let costs: Vec<u128> = blocks.iter().map(|b| cost(b, scenarios)).collect();
    let total: u128 = costs.iter().sum();
    // Block i goes to the shard s with (s − 1)/n ≤ midpoint_i / total < s/n, i.e.
    // s = ⌊n · midpoint_i / total⌋ + 1, in integers: midpoints doubled to stay whole.
    let mut before = 0u128;
    let shard_of: Vec<u32> = costs
        .iter()
        .map(|&c| {
            let doubled_midpoint = 2 * before + c;
            before += c;
            if total == 0 {
                return 1;
            }
            (doubled_midpoint * n as u128 / (2 * total)) as u32 + 1
        })
        .collect();
    let start = shard_of
        .iter()
        .position(|&s| s >= k)
        .unwrap_or(blocks.len());
    let end = shard_of.iter().position(|&s| s > k).unwrap_or(blocks.len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(replications: u64, days: usize) -> Scenario {
        let source = format!(
            "name = \"s\"\ndays = {days}\ndaily_budget = 100.0\nreplications = {replications}\n\
             [[channels]]\nname = \"a\"\npricing = \"cpc\"\nprice = 1.0\ncvr = 0.1\nvalue = 20.0\n"
        );
        Scenario::from_toml("s", &source).unwrap()
    }

    #[test]
    fn blocks_cover_every_replication_once_in_order() {
        let scenarios = [scenario(25, 10), scenario(10, 10), scenario(3, 10)];
        let all = blocks(&scenarios);
        let ranges: Vec<(usize, Range<u64>)> =
            all.iter().map(|b| (b.scenario, b.replications())).collect();
        assert_eq!(
            ranges,
            [(0, 0..10), (0, 10..20), (0, 20..25), (1, 0..10), (2, 0..3)]
        );
        assert_eq!(all[2].index, 2);
    }

    #[test]
    fn shards_partition_the_blocks_and_balance_their_cost() {
        let scenarios = [scenario(200, 90), scenario(35, 400), scenario(7, 30)];
        let all = blocks(&scenarios);
        let total: u128 = all.iter().map(|b| cost(b, &scenarios)).sum();
        let largest = all.iter().map(|b| cost(b, &scenarios)).max().unwrap();
        for n in 1..=30u32 {
            let mut next = 0;
            for k in 1..=n {
                let range = shard_range(&all, &scenarios, k, n);
                assert_eq!(range.start, next, "n = {n}, k = {k}");
                next = range.end;
                let work: u128 = all[range].iter().map(|b| cost(b, &scenarios)).sum();
                // Within one block of the even share.
                let even = total / n as u128;
                assert!(
                    work.abs_diff(even) <= largest,
                    "n = {n}, k = {k}: {work} vs {even}"
                );
            }
            assert_eq!(next, all.len(), "n = {n}");
        }
    }
}
