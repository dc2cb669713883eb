//! The numbers behind the budget-shift charts, apart from drawing: which channels get a band
//! of their own, the mean shares of buckets of days, and where the oracle's split draws its
//! reference lines on each day.
//!
//! Shares come by row of the daily series (one day, or a bucket of days on long horizons, see
//! [`crate::checkpoints`]), each the mean over its days; means over several rows weigh each
//! row by its number of days, so they are means over days.
//!
//! Up to [`MAX_CHANNEL_BANDS`] channels each get a band. Past that the
//! `MAX_CHANNEL_BANDS - 1` channels with the largest mean share of the budget over the horizon
//! (across every policy) are named and the rest are pooled as "other", so a 60-channel scenario
//! stays readable. The grouping is a function of the run's data, so every chart of a run shows
//! the same channels in the same colours, and the `channels` chart uses it too.
//!
//! The oracle's reference lines are its cumulative shares, group by group, on each day: the
//! line above group `k` sits at `Σ_{j ≤ k} oracle share_j`. They follow the oracle through
//! market shifts and weekdays (its split of each day, not of day 1), drawn as steps that change
//! between days. A line is drawn when it leaves the plot's edges on some day; lines that
//! coincide on every day are drawn once.

use crate::report::data::ReportData;
use crate::report::style::{MAX_CHANNEL_BANDS, OTHER_COLOUR, channel_colour};
use plotters::style::RGBColor;
use std::ops::Range;

/// How close two shares must be to count as the same line, or a share to an edge.
const SAME: f64 = 1e-6;

/// A band of the budget-shift chart: one channel, or the channels pooled as "other".
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelGroup {
    /// The channel's name, or `other (N channels)`.
    pub label: String,
    /// The band's colour.
    pub colour: RGBColor,
    /// Indices of the channels in scenario order.
    pub channels: Vec<usize>,
}

impl ChannelGroup {
    /// Whether this group pools several channels.
    pub fn is_other(&self) -> bool {
        self.colour == OTHER_COLOUR
    }

    /// The group's part of `values` (one per channel in scenario order): their sum.
    pub fn sum(&self, values: &[f64]) -> f64 {
        self.channels
            .iter()
            .filter_map(|&c| values.get(c))
            .sum::<f64>()
    }
}

/// Groups channels named `names`, of mean shares `weights`: each its own group up to
/// [`MAX_CHANNEL_BANDS`] channels, otherwise the largest `MAX_CHANNEL_BANDS - 1` (ties to the
/// earlier channel) in scenario order and then "other" with the rest.
pub fn channel_groups(names: &[&str], weights: &[f64]) -> Vec<ChannelGroup> {
    let single = |slot: usize, channel: usize| ChannelGroup {
        label: names[channel].to_owned(),
        colour: channel_colour(slot),
        channels: vec![channel],
    };
    if names.len() <= MAX_CHANNEL_BANDS {
        return (0..names.len()).map(|c| single(c, c)).collect();
    }
    let weight = |c: usize| weights.get(c).copied().filter(|w| w.is_finite());
    let mut by_weight: Vec<usize> = (0..names.len()).collect();
    by_weight.sort_by(|&a, &b| {
        weight(b)
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&weight(a).unwrap_or(f64::NEG_INFINITY))
            .then(a.cmp(&b))
    });
    let mut named: Vec<usize> = by_weight[..MAX_CHANNEL_BANDS - 1].to_vec();
    named.sort_unstable();
    let mut others: Vec<usize> = by_weight[MAX_CHANNEL_BANDS - 1..].to_vec();
    others.sort_unstable();
    let mut groups: Vec<ChannelGroup> = named
        .iter()
        .enumerate()
        .map(|(slot, &c)| single(slot, c))
        .collect();
    groups.push(ChannelGroup {
        label: format!("other ({} channels)", others.len()),
        colour: OTHER_COLOUR,
        channels: others,
    });
    groups
}

/// The channel groups of a run, by each channel's mean share over the horizon across every
/// policy.
pub fn run_groups(data: &ReportData) -> Vec<ChannelGroup> {
    let channels = data.scenario.channels.len();
    let mut totals = vec![0.0; channels];
    let mut days = 0usize;
    for policy in &data.daily {
        for (row, span) in policy.shares.iter().zip(&data.rows) {
            let weight = span.len() as f64;
            for (total, share) in totals.iter_mut().zip(row) {
                *total += weight * share;
            }
            days += span.len();
        }
    }
    let means: Vec<f64> = totals.iter().map(|t| t / days.max(1) as f64).collect();
    channel_groups(&data.channel_names(), &means)
}

/// `[bucket][group]`: the mean of each group's share over the days of each bucket, from
/// `daily[row][channel]` (each row's mean over its days `rows[row]`); a bucket is a range of
/// rows.
pub fn bucket_shares(
    daily: &[Vec<f64>],
    rows: &[Range<usize>],
    groups: &[ChannelGroup],
    buckets: &[Range<usize>],
) -> Vec<Vec<f64>> {
    let count = daily.len().min(rows.len());
    buckets
        .iter()
        .map(|bucket| {
            let span = bucket.start.min(count)..bucket.end.min(count);
            let days: usize = rows[span.clone()].iter().map(Range::len).sum();
            groups
                .iter()
                .map(|group| {
                    let total: f64 = span
                        .clone()
                        .map(|row| rows[row].len() as f64 * group.sum(&daily[row]))
                        .sum();
                    total / days.max(1) as f64
                })
                .collect()
        })
        .collect()
}

/// One of the oracle's reference lines: its cumulative share above a group on each bucket,
/// and on which buckets it is drawn (not where an earlier line already runs).
#[derive(Debug, Clone, PartialEq)]
pub struct OracleLine {
    /// `[bucket]`: the cumulative share.
    pub values: Vec<f64>,
    /// `[bucket]`: whether this line is drawn there.
    pub own: Vec<bool>,
}

/// The oracle's lines worth drawing, from its `[bucket][group]` shares. The line above each
/// group is kept when it is strictly inside (0, 1) on some bucket, or moves between the edges
/// (a winner-takes-all oracle that switches channel); it is drawn only where it differs from
/// every line kept before it, so no stretch of line is drawn twice (two dash patterns over
/// each other would look solid).
pub fn boundary_lines(oracle: &[Vec<f64>]) -> Vec<OracleLine> {
    let groups = oracle.first().map_or(0, Vec::len);
    let mut lines: Vec<OracleLine> = Vec::new();
    for group in 0..groups {
        let values: Vec<f64> = oracle
            .iter()
            .map(|bucket| bucket.iter().take(group + 1).sum())
            .collect();
        let inside = values.iter().any(|&v| v > SAME && v < 1.0 - SAME);
        let at_bottom = values.iter().any(|&v| v <= SAME);
        let at_top = values.iter().any(|&v| v >= 1.0 - SAME);
        if !(inside || (at_bottom && at_top)) {
            continue;
        }
        let own: Vec<bool> = values
            .iter()
            .enumerate()
            .map(|(b, v)| lines.iter().all(|kept| (kept.values[b] - v).abs() > SAME))
            .collect();
        if own.contains(&true) {
            lines.push(OracleLine { values, own });
        }
    }
    lines
}

/// The paths of `line` drawn as steps over days `1..=days`: bucket `start..end` (zero-based
/// days) holds its value from day `start + 0.5` to `end + 0.5`, so a change shows between two
/// days, and the line spans the axis `1..=max(days, 2)`. A path runs over consecutive buckets
/// the line owns, with the steps where it leaves and rejoins an earlier line.
pub fn steps(line: &OracleLine, buckets: &[Range<usize>], days: usize) -> Vec<Vec<(f64, f64)>> {
    let (first, last) = (1.0, days.max(2) as f64);
    let count = buckets.len().min(line.values.len()).min(line.own.len());
    let start_of = |b: usize| {
        if b == 0 {
            first
        } else {
            (buckets[b].start as f64 + 0.5).clamp(first, last)
        }
    };
    let mut paths = Vec::new();
    let mut path: Vec<(f64, f64)> = Vec::new();
    let push = |path: &mut Vec<(f64, f64)>, point: (f64, f64)| {
        if path.last() != Some(&point) {
            path.push(point);
        }
    };
    for b in 0..count {
        let (x, value) = (start_of(b), line.values[b]);
        let previous = b.checked_sub(1).map(|p| line.values[p]);
        if line.own[b] {
            match previous {
                // Leaving an earlier line, or a step of this one: from the previous value.
                Some(previous) if path.is_empty() || (previous - value).abs() > SAME => {
                    push(&mut path, (x, previous));
                    push(&mut path, (x, value));
                }
                Some(_) => {}
                None => push(&mut path, (x, value)),
            }
        } else if !path.is_empty() {
            // Rejoining an earlier line, which is drawn from here.
            push(&mut path, (x, previous.unwrap_or(value)));
            push(&mut path, (x, value));
            paths.push(std::mem::take(&mut path));
        }
    }
    if let Some(&(_, value)) = path.last() {
        push(&mut path, (last, value));
        paths.push(path);
    }
    paths
}

/// What the legend says about the oracle when the budget-shift chart draws no line for it.
#[derive(Debug, Clone, PartialEq)]
pub enum OracleNote {
    /// Lines are drawn: "oracle split".
    Split,
    /// The oracle puts the whole budget on one channel (or group) on every day.
    AllOn(String),
    /// The oracle spends nothing.
    NoSpend,
}

/// How the legend describes the oracle, given the lines drawn and its `[bucket][group]` shares.
pub fn oracle_note(
    lines: &[OracleLine],
    oracle: &[Vec<f64>],
    groups: &[ChannelGroup],
) -> OracleNote {
    if !lines.is_empty() {
        return OracleNote::Split;
    }
    let funded = (0..groups.len()).find(|&g| {
        oracle
            .iter()
            .all(|bucket| bucket.get(g).is_some_and(|&s| s > 0.5))
    });
    match funded {
        Some(g) => OracleNote::AllOn(groups[g].label.clone()),
        None => OracleNote::NoSpend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::day_buckets;

    /// One-day rows of `days` days.
    fn one_day_rows(days: usize) -> Vec<Range<usize>> {
        (0..days).map(|d| d..d + 1).collect()
    }

    fn names(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("campaign-{i:02}")).collect()
    }

    #[test]
    fn twelve_channels_get_a_band_each() {
        let names = names(12);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let groups = channel_groups(&refs, &[0.1; 12]);
        assert_eq!(groups.len(), 12);
        assert!(groups.iter().enumerate().all(|(i, g)| g.channels == [i]));
        assert!(!groups.iter().any(ChannelGroup::is_other));
    }

    #[test]
    fn sixty_channels_become_the_eleven_largest_and_other_with_the_shares_kept() {
        let names = names(60);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        // Channel c has weight proportional to (c * 37) % 60: the largest are scattered.
        let weights: Vec<f64> = (0..60).map(|c| ((c * 37) % 60) as f64 / 1770.0).collect();
        let groups = channel_groups(&refs, &weights);
        assert_eq!(groups.len(), 12);
        let named = &groups[..11];
        let mut largest: Vec<usize> = (0..60).collect();
        largest.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
        let mut expected: Vec<usize> = largest[..11].to_vec();
        expected.sort_unstable();
        let got: Vec<usize> = named.iter().map(|g| g.channels[0]).collect();
        assert_eq!(got, expected, "the eleven largest, in scenario order");
        for (slot, group) in named.iter().enumerate() {
            assert_eq!(group.label, names[group.channels[0]]);
            assert_eq!(group.colour, channel_colour(slot), "distinct colours");
        }
        let other = &groups[11];
        assert!(other.is_other());
        assert_eq!(other.label, "other (49 channels)");
        let mut all: Vec<usize> = groups.iter().flat_map(|g| g.channels.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..60).collect::<Vec<_>>(), "every channel once");

        let day: Vec<f64> = weights.clone();
        let grouped = bucket_shares(
            &[day.clone(), day],
            &one_day_rows(2),
            &groups,
            &day_buckets(2),
        );
        let total: f64 = grouped[0].iter().sum();
        assert!((total - weights.iter().sum::<f64>()).abs() < 1e-12);
    }

    #[test]
    fn ties_and_missing_weights_do_not_panic() {
        let names = names(20);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let groups = channel_groups(&refs, &[f64::NAN; 3]);
        assert_eq!(groups[0].channels, [0], "ties go to the earlier channel");
        assert_eq!(groups[11].channels.len(), 9);
    }

    #[test]
    fn buckets_average_their_days() {
        let groups = channel_groups(&["a", "b"], &[0.5, 0.5]);
        let daily = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.5, 0.5]];
        let grouped = bucket_shares(&daily, &one_day_rows(3), &groups, &[0..2, 2..3]);
        assert_eq!(grouped, vec![vec![0.5, 0.5], vec![0.5, 0.5]]);
        // Rows of several days weigh by their days: one day all on a, three days all on b.
        let rows = vec![0..1, 1..4];
        let grouped = bucket_shares(&daily[..2], &rows, &groups, std::slice::from_ref(&(0..2)));
        assert_eq!(grouped, vec![vec![0.25, 0.75]]);
    }

    #[test]
    fn the_oracle_lines_follow_a_shift() {
        // A shock: everything on the first channel for 45 days, then 12.5% / 50% / 37.5%.
        let mut oracle = vec![vec![1.0, 0.0, 0.0]; 45];
        oracle.extend(vec![vec![0.125, 0.5, 0.375]; 45]);
        let lines = boundary_lines(&oracle);
        assert_eq!(
            lines.len(),
            2,
            "the top line at 100% every day is not drawn"
        );
        assert_eq!(lines[0].values[44], 1.0);
        assert_eq!(lines[0].values[45], 0.125);
        assert_eq!(lines[1].values[45], 0.625);
        assert!(lines[0].own.iter().all(|&o| o));
        assert!(
            !lines[1].own[44] && lines[1].own[45],
            "drawn once where both are at 100%"
        );
        let buckets: Vec<Range<usize>> = (0..90).map(|d| d..d + 1).collect();
        assert_eq!(
            steps(&lines[0], &buckets, 90),
            vec![vec![(1.0, 1.0), (45.5, 1.0), (45.5, 0.125), (90.0, 0.125)]],
            "one step, between day 45 and day 46"
        );
        assert_eq!(
            steps(&lines[1], &buckets, 90),
            vec![vec![(45.5, 1.0), (45.5, 0.625), (90.0, 0.625)]],
            "leaves the first line at day 46"
        );
        assert_eq!(oracle_note(&lines, &oracle, &[]), OracleNote::Split);
    }

    #[test]
    fn a_line_that_meets_an_earlier_one_is_drawn_only_apart_from_it() {
        // Weekdays: the second channel is empty on the middle day, so the two lines meet.
        let oracle = vec![
            vec![0.25, 0.5, 0.25],
            vec![0.5, 0.0, 0.5],
            vec![0.25, 0.5, 0.25],
        ];
        let lines = boundary_lines(&oracle);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].own, vec![true, false, true]);
        let buckets: Vec<Range<usize>> = (0..3).map(|d| d..d + 1).collect();
        assert_eq!(
            steps(&lines[1], &buckets, 3),
            vec![
                vec![(1.0, 0.75), (1.5, 0.75), (1.5, 0.5)],
                vec![(2.5, 0.5), (2.5, 0.75), (3.0, 0.75)],
            ]
        );
    }

    #[test]
    fn a_constant_oracle_on_one_channel_draws_no_line_and_is_named() {
        let oracle = vec![vec![0.0, 1.0, 0.0]; 10];
        let lines = boundary_lines(&oracle);
        assert!(lines.is_empty());
        let groups = channel_groups(&["a", "b", "c"], &[0.0; 3]);
        assert_eq!(
            oracle_note(&lines, &oracle, &groups),
            OracleNote::AllOn("b".into())
        );
        let idle = vec![vec![0.0, 0.0, 0.0]; 10];
        assert!(boundary_lines(&idle).is_empty());
        assert_eq!(oracle_note(&[], &idle, &groups), OracleNote::NoSpend);
    }

    #[test]
    fn a_switching_winner_and_an_unspent_budget_are_drawn() {
        // Winner-takes-all switching from the first channel to the second.
        let switching = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let lines = boundary_lines(&switching);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].values, vec![1.0, 0.0]);
        // Under a profit target the oracle's total, below 100%, is a line too.
        let profit = vec![vec![0.2, 0.1, 0.0]; 3];
        let lines = boundary_lines(&profit);
        assert_eq!(
            lines.len(),
            2,
            "0.2 and 0.3, the 0.3 above the empty third drawn once"
        );
    }

    #[test]
    fn steps_of_long_horizons_use_the_buckets() {
        let line = |values: &[f64]| OracleLine {
            values: values.to_vec(),
            own: vec![true; values.len()],
        };
        let buckets = vec![0..5, 5..10];
        assert_eq!(
            steps(&line(&[0.2, 0.4]), &buckets, 10),
            vec![vec![(1.0, 0.2), (5.5, 0.2), (5.5, 0.4), (10.0, 0.4)]]
        );
        assert_eq!(
            steps(&line(&[0.3]), &day_buckets(1), 1),
            vec![vec![(1.0, 0.3), (2.0, 0.3)]]
        );
        assert!(steps(&line(&[]), &[], 0).is_empty());
        assert!(
            steps(&line(&[0.5, 0.5]), &day_buckets(1), 2).len() == 1,
            "mismatched lengths"
        );
    }
}
