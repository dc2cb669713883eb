//! The rows of the daily series: which days each row of a replication's record, of a policy's
//! statistics and of `daily.csv` covers.
//!
//! Short horizons keep every day: up to `T` = [`EVERY_DAY_UP_TO`] days each day is a row of its
//! own, so every horizon of up to 2,000 days is recorded day by day. Beyond `T` the rows are
//! buckets of consecutive days whose lengths grow geometrically: each bucket spans a
//! `1/G` part (`G` = [`GROWTH_DIVISOR`]) of the days before it, so the rows' last days are
//! log-spaced. With `e_k` the number of days covered by the first `k` rows and `N` the horizon,
//!
//! ```text
//! e_k = k                                        for k ≤ min(T, N)
//! e_{k+1} = min(N, e_k + max(1, ⌊e_k / G⌋))      beyond T, until e_k = N
//! ```
//!
//! Row `k` (from 0) covers the zero-based days `e_k ≤ t < e_{k+1}`; in files its `first_day`
//! is `e_k + 1` and its `day` is `e_{k+1}` (days numbered from 1). A bucket is about 2.5% of the
//! days before it, about `ln 10 / ln(1 + 1/G)` ≈ 93 rows a decade, so the number of rows is
//!
//! ```text
//! rows(N) = N                                    for N ≤ T
//! rows(N) ≈ T + ln(N / T) / ln(1 + 1/G)          beyond T
//! ```
//!
//! 2,066 rows for 10^4 days, 2,159 for 10^5, 2,253 for 10^6 and 2,346 for 10^7: a long
//! horizon costs a few hundred rows more than 2,000 days do, whatever its length. Everything
//! layered on rows (the record of one replication, the statistics over replications,
//! `daily.csv` and the charts) therefore grows with `rows(N) × channels`, never with
//! `N × channels`.
//!
//! ```
//! use budget_bandit::checkpoints::Checkpoints;
//!
//! let short = Checkpoints::new(90);
//! assert_eq!(short.len(), 90);
//! assert_eq!(short.days_of(89), 89..90);
//!
//! let long = Checkpoints::new(10_000_000);
//! assert_eq!(long.len(), 2_346);
//! assert_eq!(long.days_of(2_000), 2_000..2_050); // 2,000 / 40 = 50 days
//! assert_eq!(long.days_of(long.len() - 1).end, 10_000_000);
//! ```

use std::ops::Range;

/// Horizons up to this many days are recorded day by day; longer ones from this day on in
/// buckets.
pub const EVERY_DAY_UP_TO: usize = 2_000;

/// Beyond [`EVERY_DAY_UP_TO`] each bucket spans the days before it divided by this (rounded
/// down, at least one day): buckets grow by 2.5% a row.
pub const GROWTH_DIVISOR: usize = 40;

/// The rows of a horizon's daily series (see the [module docs](self) for the layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoints {
    /// Zero-based exclusive end of each row, increasing; the last is the horizon.
    ends: Vec<usize>,
}

impl Checkpoints {
    /// The rows of a horizon of `days` days.
    pub fn new(days: usize) -> Self {
        Self::with_layout(days, EVERY_DAY_UP_TO, GROWTH_DIVISOR)
    }

    /// The rows of `days` days with every day a row up to `threshold` and buckets of
    /// `1 / divisor` of the days before them after it (tests use small ones).
    pub(crate) fn with_layout(days: usize, threshold: usize, divisor: usize) -> Self {
        let mut ends = Vec::with_capacity(Self::count_with(days, threshold, divisor));
        Self::each_end(days, threshold, divisor, |end| ends.push(end));
        Checkpoints { ends }
    }

    /// The number of rows of a horizon of `days` days, without building them.
    ///
    /// ```
    /// use budget_bandit::checkpoints::Checkpoints;
    ///
    /// assert_eq!(Checkpoints::count(2_000), 2_000);
    /// assert_eq!(Checkpoints::count(1_000_000), 2_253);
    /// ```
    pub fn count(days: usize) -> usize {
        Self::count_with(days, EVERY_DAY_UP_TO, GROWTH_DIVISOR)
    }

    fn count_with(days: usize, threshold: usize, divisor: usize) -> usize {
        let mut count = 0;
        Self::each_end(days, threshold, divisor, |_| count += 1);
        count
    }

    /// Calls `end` with each row's zero-based exclusive end, in order.
    fn each_end(days: usize, threshold: usize, divisor: usize, mut end: impl FnMut(usize)) {
        let divisor = divisor.max(1);
        let mut covered = 0;
        while covered < days {
            let length = if covered < threshold {
                1
            } else {
                (covered / divisor).max(1)
            };
            covered = (covered + length).min(days);
            end(covered);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no rows (a horizon of no days).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The horizon in days.
    pub fn days(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }

    /// The zero-based days of row `row`.
    pub fn days_of(&self, row: usize) -> Range<usize> {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        start..self.ends[row]
    }

    /// Each row's zero-based exclusive end, in order: row `k` ends before day `ends()[k]`.
    pub fn ends(&self) -> &[usize] {
        &self.ends
    }

    /// The rows' zero-based days, in order.
    pub fn iter(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        (0..self.len()).map(|row| self.days_of(row))
    }

    /// The row holding zero-based day `day` (the last row for days past the horizon).
    pub fn row_of(&self, day: usize) -> usize {
        self.ends
            .partition_point(|&end| end <= day)
            .min(self.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows tile the horizon: they start at day 0, each begins where the last ended, none is
    /// empty, and the last ends at the horizon.
    fn assert_tiles(checkpoints: &Checkpoints, days: usize) {
        let mut next = 0;
        for (row, range) in checkpoints.iter().enumerate() {
            assert_eq!(range.start, next, "row {row} of {days} days");
            assert!(range.end > range.start, "row {row} of {days} days is empty");
            for day in range.clone() {
                assert_eq!(checkpoints.row_of(day), row);
            }
            next = range.end;
        }
        assert_eq!(next, days);
        assert_eq!(checkpoints.days(), days);
    }

    #[test]
    fn rows_cover_every_day_once_in_order() {
        for days in [
            1, 2, 7, 90, 1_999, 2_000, 2_001, 2_049, 2_050, 2_051, 10_000, 123_457,
        ] {
            let checkpoints = Checkpoints::new(days);
            assert_tiles(&checkpoints, days);
            assert_eq!(checkpoints.len(), Checkpoints::count(days));
        }
        for (days, threshold, divisor) in [(50, 0, 1), (50, 3, 2), (300, 5, 4), (17, 40, 2)] {
            assert_tiles(&Checkpoints::with_layout(days, threshold, divisor), days);
        }
        assert!(Checkpoints::new(0).is_empty());
    }

    #[test]
    fn every_day_is_a_row_up_to_the_threshold() {
        for days in [1, 90, 2_000] {
            let checkpoints = Checkpoints::new(days);
            assert_eq!(checkpoints.len(), days);
            assert!(checkpoints.iter().enumerate().all(|(d, r)| r == (d..d + 1)));
        }
        let long = Checkpoints::new(5_000);
        assert!((0..EVERY_DAY_UP_TO).all(|d| long.days_of(d) == (d..d + 1)));
        // The first bucket is a fortieth of the 2,000 days before it, and each grows.
        assert_eq!(long.days_of(EVERY_DAY_UP_TO), 2_000..2_050);
        let lengths: Vec<usize> = long.iter().skip(EVERY_DAY_UP_TO).map(|r| r.len()).collect();
        assert!(
            lengths[..lengths.len() - 1]
                .windows(2)
                .all(|w| w[0] <= w[1])
        );
        // A small threshold and divisor, as the aggregation tests use.
        let small = Checkpoints::with_layout(20, 3, 2);
        let ranges: Vec<Range<usize>> = small.iter().collect();
        assert_eq!(
            ranges,
            [0..1, 1..2, 2..3, 3..4, 4..6, 6..9, 9..13, 13..19, 19..20]
        );
    }

    /// Rows grow at least by the factor `1 + (1 − 1/50) / G` beyond the threshold (the
    /// rounding down of `e_k / G` loses less than a day of at least 50), so their count is
    /// bounded by `T + ln(N / T) / ln(1 + 0.98 / G) + 1`, a few thousand for any horizon
    /// the scenarios allow.
    #[test]
    fn the_number_of_rows_is_bounded() {
        let growth = (1.0 + 0.98 / GROWTH_DIVISOR as f64).ln();
        for days in [2_001, 10_000, 1_000_000, 10_000_000, 100_000_000] {
            let rows = Checkpoints::count(days);
            let bound =
                EVERY_DAY_UP_TO as f64 + (days as f64 / EVERY_DAY_UP_TO as f64).ln() / growth + 1.0;
            assert!((rows as f64) <= bound, "{days} days: {rows} rows > {bound}");
        }
        assert_eq!(Checkpoints::count(10_000), 2_066);
        assert_eq!(Checkpoints::count(1_000_000), 2_253);
        assert_eq!(Checkpoints::count(10_000_000), 2_346);
        assert!(Checkpoints::count(10_000_000) < 2_500);
    }
}
