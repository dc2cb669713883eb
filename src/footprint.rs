//! What a run will take, estimated before it simulates: memory and disk, from the scenarios'
//! sizes alone.
//!
//! **Memory.** A run folds replications as they stream (see [`crate::runner`]), so what grows
//! is not the replications but the daily series every aggregate carries: per policy, a share
//! and a revenue statistic per row and channel and three cumulative ones per row, 24 bytes
//! each ([`crate::stats::RunningStats`]). An aggregate of a block exists for every block being
//! simulated (one per worker thread) and for the fold and the block waiting to join it, so
//!
//! ```text
//! memory ≈ Σ_in flight policies × (2 · rows · channels + 3 · rows) × 24 B × (threads + 2)
//!          + threads × rows × channels × 64 B          (the replications being simulated)
//!          + 50 MB                                      (the program, the oracle's tables)
//! ```
//!
//! with `rows` the daily series' rows ([`Checkpoints::count`]: every day up to 2,000, log-spaced
//! buckets beyond). Sweeps run their variants one after another in block order, so the
//! largest variant sets the figure. Measured with `/usr/bin/time` on 2 threads (2026-12-07),
//! 852 channels × 2,000 days × 30 replications peaked at 638 MB with 2 policies and 3.05 GB
//! with 10; the formula gives 0.92 and 3.55 GB: an estimate on the safe side.
//!
//! **Disk.** `daily.csv` holds a line per policy, row and channel (and a total): 80 bytes each
//! at most in the shipped scenarios (`results/default/daily.csv`: 78), 52 in the run above
//! (177 and 885 MB). Charts and the report take about 0.5 MB per scenario or variant
//! (0.15-0.6 MB in `results/`).
//!
//! Past [`MEMORY_LIMIT`] or [`DISK_LIMIT`] a run stops before simulating, with the estimate
//! and how to shrink it; `--allow-large` runs it anyway. `merge` makes the same estimate for
//! the folder it would write, with one worker and every shard's blocks in memory, and stops
//! before reading a block (`merge --allow-large` merges anyway).

use crate::checkpoints::Checkpoints;
use crate::output::table::thousands;
use crate::scenario::Scenario;

/// Bytes of one running statistic.
const STATISTIC_BYTES: u64 = 24;
/// Bytes per row and channel of a replication being simulated.
const RECORD_CELL_BYTES: u64 = 64;
/// The program, its tables and buffers.
const BASE_MEMORY: u64 = 50_000_000;
/// Bytes of a `daily.csv` line.
const DAILY_LINE_BYTES: u64 = 80;
/// Charts and report of one scenario or variant.
const CHARTS_BYTES: u64 = 500_000;
/// Largest estimated memory a run may take without `--allow-large`: 4 GB.
pub const MEMORY_LIMIT: u64 = 4_000_000_000;
/// Largest estimated disk a run may write without `--allow-large`: 2 GB.
pub const DISK_LIMIT: u64 = 2_000_000_000;

/// A run's estimated peak memory and the bytes it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    /// Peak memory, bytes.
    pub memory: u64,
    /// Written, bytes.
    pub disk: u64,
    /// Of `disk`, the charts and reports.
    pub charts: u64,
    /// Scenarios and sweep variants.
    pub scenarios: usize,
    /// The daily series of the largest: rows, channels and policies.
    pub largest: (u64, u64, u64),
}

/// The estimate for running `scenarios` (each scenario and sweep variant) on `threads`
/// worker threads, with charts when `charts` (see the module docs).
pub fn estimate(scenarios: &[Scenario], threads: usize, charts: bool) -> Footprint {
    let threads = threads.max(1) as u64;
    let mut memory = 0;
    let mut disk = 0;
    let mut chart_bytes = 0;
    let mut largest = (0, 0, 0);
    for scenario in scenarios {
        let rows = Checkpoints::count(scenario.days) as u64;
        let channels = scenario.channels.len() as u64;
        let policies = scenario.policies.len() as u64;
        let series = policies.saturating_mul(2 * rows * channels + 3 * rows);
        let aggregates = series
            .saturating_mul(STATISTIC_BYTES)
            .saturating_mul(threads + 2);
        let records = threads.saturating_mul(rows * channels * RECORD_CELL_BYTES);
        let needs = aggregates.saturating_add(records);
        if needs > memory {
            memory = needs;
            largest = (rows, channels, policies);
        }
        let lines = policies.saturating_mul(rows * (channels + 1));
        disk = u64::saturating_add(disk, lines.saturating_mul(DAILY_LINE_BYTES));
        if charts {
            chart_bytes += CHARTS_BYTES;
        }
    }
    Footprint {
        memory: memory.saturating_add(BASE_MEMORY),
        disk: disk.saturating_add(chart_bytes),
        charts: chart_bytes,
        scenarios: scenarios.len(),
        largest,
    }
}

/// Bytes in words: `3.3 GB`, `520 MB`.
pub fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{} MB", thousands((b / 1e6).ceil(), 0))
    }
}

impl Footprint {
    /// Why the run should not start, with what would make it smaller; `None` within the limits.
    pub fn refusal(&self) -> Option<String> {
        let what = self.excess()?;
        let disk = self.disk > DISK_LIMIT;
        let mut smaller = Vec::new();
        // Charts are worth dropping only where they are much of the files.
        if disk && self.charts > self.disk / 4 {
            smaller.push("--no-charts");
        }
        if self.scenarios > 1 {
            smaller.push("fewer sweep values");
        }
        smaller.push("fewer policies (--policies), channels or --days");
        Some(format!(
            "this run would take {what}; make it smaller ({}), or pass --allow-large to run it \
             as it is",
            smaller.join("; ")
        ))
    }

    /// Why `merge` should not start; `None` within the limits. The run that wrote the shards
    /// set their size, so all a merge can drop is its charts.
    pub fn merge_refusal(&self) -> Option<String> {
        let what = self.excess()?;
        let charts = if self.disk > DISK_LIMIT && self.charts > self.disk / 4 {
            "merge with --no-charts, or "
        } else {
            ""
        };
        Some(format!(
            "merging these shards would take {what}; {charts}pass --allow-large to merge them \
             as they are"
        ))
    }

    /// What is past the limits, in words; `None` within them.
    fn excess(&self) -> Option<String> {
        let memory = self.memory > MEMORY_LIMIT;
        let disk = self.disk > DISK_LIMIT;
        if !memory && !disk {
            return None;
        }
        let (rows, channels, policies) = self.largest;
        let mut what = Vec::new();
        if memory {
            what.push(format!(
                "about {} of memory (the limit is {}): its daily series hold {} rows × {} \
                 channels for each of {} policies",
                size(self.memory),
                size(MEMORY_LIMIT),
                thousands(rows as f64, 0),
                thousands(channels as f64, 0),
                policies
            ));
        }
        if disk {
            what.push(format!(
                "about {} of files (the limit is {}), {} of it charts and reports of {} {}, \
                 the rest daily.csv",
                size(self.disk),
                size(DISK_LIMIT),
                size(self.charts),
                thousands(self.scenarios as f64, 0),
                if self.scenarios == 1 {
                    "scenario"
                } else {
                    "scenarios and variants"
                }
            ));
        }
        Some(what.join(", and "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario of `channels` channels, `days` days and `policies` policies.
    fn scenario(channels: usize, days: u64, policies: usize) -> Scenario {
        let mut text = format!("name = \"s\"\ndays = {days}\ndaily_budget = 1000.0\n");
        for c in 0..channels {
            text.push_str(&format!(
                "[[channels]]\nname = \"c{c}\"\npricing = \"cpc\"\nprice = 1.0\ncvr = 0.1\nvalue = 20.0\n"
            ));
        }
        for p in 0..policies {
            text.push_str(&format!(
                "[[policies]]\nkind = \"epsilon-greedy\"\nname = \"e{p}\"\n"
            ));
        }
        Scenario::from_toml("s.toml", &text).unwrap()
    }

    #[test]
    fn the_estimate_follows_the_formula() {
        let one = estimate(&[scenario(2, 10, 1)], 2, false);
        // 1 × (2·10·2 + 3·10) × 24 × 4 + 2 × 10 × 2 × 64 + 50 MB.
        assert_eq!(one.memory, 70 * 24 * 4 + 2560 + BASE_MEMORY);
        // 1 × 10 × 3 lines of 80 bytes.
        assert_eq!(one.disk, 2400);
        let charted = estimate(&[scenario(2, 10, 1), scenario(2, 10, 1)], 2, true);
        assert_eq!(charted.disk, 4800 + 2 * CHARTS_BYTES);
        assert_eq!(charted.memory, one.memory, "variants run one after another");
    }

    /// 852 channels × 2,000 days runs with 2 policies (638 MB measured) and stops with 40
    /// (which aborted on allocation).
    #[test]
    fn large_runs_stop_and_say_how_to_shrink() {
        let two = estimate(&[scenario(852, 2000, 2)], 2, true);
        assert!(two.refusal().is_none(), "{two:?}");
        let forty = estimate(&[scenario(852, 2000, 40)], 2, true);
        let why = forty.refusal().expect("40 policies are past the limit");
        assert!(why.contains("of memory"), "{why}");
        assert!(
            why.contains("--allow-large") && why.contains("--policies"),
            "{why}"
        );
    }

    /// A merge cannot change the run's size: it offers only what it can drop, the charts
    /// where they are much of the files, and --allow-large.
    #[test]
    fn large_merges_stop_and_offer_what_a_merge_can_change() {
        assert!(
            estimate(&[scenario(852, 2000, 2)], 1, true)
                .merge_refusal()
                .is_none()
        );
        let forty = estimate(&[scenario(852, 2000, 40)], 1, true);
        let why = forty
            .merge_refusal()
            .expect("40 policies are past the limit");
        assert!(
            why.starts_with("merging these shards would take about"),
            "{why}"
        );
        assert!(
            why.contains("--allow-large") && !why.contains("--policies"),
            "{why}"
        );
        assert!(
            !why.contains("--no-charts"),
            "daily.csv is most of it: {why}"
        );
        let variants: Vec<Scenario> = (0..5000).map(|_| scenario(2, 10, 1)).collect();
        let charted = estimate(&variants, 1, true);
        let why = charted
            .merge_refusal()
            .expect("5,000 variants' charts are past the limit");
        assert!(
            why.contains("merge with --no-charts, or pass --allow-large"),
            "{why}"
        );
    }
}
