//! One module per chart; each draws on any plotters backend, so the same code writes the PNG
//! and the SVG.
//!
//! | file stem | module | what it shows |
//! |---|---|---|
//! | `allocation-<policy>` | [`allocation`] | the budget-shift chart of one policy, with the oracle's split dashed |
//! | `allocation-compare` | [`allocation`] | the same for every policy, as small multiples |
//! | `revenue` | [`series`] | cumulative revenue per policy with its 95% band |
//! | `regret` (and `regret-log`) | [`series`] | cumulative regret per policy with its 95% band |
//! | `profit` | [`series`] | cumulative profit per policy with its 95% band (profit scenarios) |
//! | `roas` | [`roas`] | final ROAS per policy with its interval, oracle (and target) as reference |
//! | `channels` | [`channels`] | spend and ROAS per channel under each policy |
//!
//! A sweep's folder has charts of its own, across its variants ([`sweep`]):
//!
//! | file stem | module | what it shows |
//! |---|---|---|
//! | `sweep-objective` | [`sweep::lines`] | one axis: each policy's mean objective against the axis value, with its 95% band |
//! | `sweep-regret` | [`sweep::lines`] | one axis: each policy's mean regret against the axis value, with its 95% band |
//! | `sweep-heatmap-<policy>` | [`sweep::maps`] | two axes: the policy's mean objective in each cell, as a colour and a number |
//! | `sweep-best` | [`sweep::maps`] | two axes: the best policy of each cell, in its colour |
//!
//! Shared parts: [`legend`] (legends fitted to their panel), [`axis`] (category names level or
//! turned), [`shares`] (channel groups and the oracle's lines, computed apart from drawing),
//! [`colour_scale`] (a sequential scale and its colour bar) and [`palette_png`] (the PNG
//! encoding).

pub mod allocation;
pub mod axis;
pub mod channels;
pub mod colour_scale;
pub mod events;
pub mod legend;
pub mod palette_png;
pub mod roas;
pub mod series;
pub mod shares;
pub mod sweep;

use super::style::{FONT, PolicyLook, SIZE, TITLE_SIZE};
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use std::error::Error;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What drawing returns: plotters' errors boxed, whatever the backend.
pub type DrawResult = Result<(), Box<dyn Error>>;

/// A chart that can draw itself on any backend.
pub trait Chart {
    /// The file name without extension.
    fn stem(&self) -> String;
    /// The title drawn at the top (and used as the report's caption).
    fn title(&self) -> String;
    /// Draws the chart below its title, on `area`.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Draws `chart` as `<stem>.svg` and `<stem>.png` in `folder`; returns the SVG's path. The PNG
/// is drawn into a buffer and written as a palette image ([`palette_png`]).
pub fn save<C: Chart>(chart: &C, folder: &Path) -> Result<PathBuf, Box<dyn Error>> {
    let svg = folder.join(format!("{}.svg", chart.stem()));
    {
        let root = SVGBackend::new(&svg, SIZE).into_drawing_area();
        draw_titled(chart, &root)?;
        root.present()?;
    }
    let (width, height) = SIZE;
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        draw_titled(chart, &root)?;
        root.present()?;
    }
    let png = folder.join(format!("{}.png", chart.stem()));
    std::fs::write(&png, palette_png::encode(&rgb, width, height)?)?;
    Ok(svg)
}

fn draw_titled<C: Chart, DB: DrawingBackend>(chart: &C, root: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let body = root.titled(
        &chart.title(),
        (FONT, TITLE_SIZE).into_font().style(FontStyle::Bold),
    )?;
    chart.draw(&body)
}

/// The closed outline of a band between `low` and `high` over `xs`, for a filled polygon.
pub fn band(xs: &[f64], low: &[f64], high: &[f64]) -> Vec<(f64, f64)> {
    let upper = xs.iter().copied().zip(high.iter().copied());
    let lower = xs.iter().copied().zip(low.iter().copied()).rev();
    upper.chain(lower).collect()
}

/// Most points a series is drawn with: a chart is about 900 pixels wide, so longer horizons
/// are drawn as buckets of consecutive rows of the daily series.
pub const MAX_POINTS: usize = 400;

/// Consecutive day ranges (zero-based) covering `days` in at most [`MAX_POINTS`] buckets.
pub fn day_buckets(days: usize) -> Vec<Range<usize>> {
    let step = days.div_ceil(MAX_POINTS).max(1);
    (0..days)
        .step_by(step)
        .map(|start| start..(start + step).min(days))
        .collect()
}

/// Consecutive rows of the daily series drawn as one point: which rows, and the zero-based
/// days they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Indices of the rows.
    pub rows: Range<usize>,
    /// The days the rows cover.
    pub days: Range<usize>,
}

/// Buckets of `rows` (zero-based days, tiling the horizon) for a linear day axis: the rows
/// whose last day falls in one of the [`day_buckets`] of the horizon. With one row a day they
/// are those buckets; a row longer than a bucket of days is a bucket of its own, drawn at its
/// own days.
pub fn row_buckets(rows: &[Range<usize>], days: usize) -> Vec<Bucket> {
    let step = days.div_ceil(MAX_POINTS).max(1);
    group_rows(rows, |row| (row.end - 1) / step)
}

/// Buckets of `rows` for a logarithmic day axis: the rows whose last day falls in one of
/// [`MAX_POINTS`] equal parts of `[ln 1, ln days]`, so early days are drawn one by one and late
/// ones in log-spaced buckets.
pub fn log_row_buckets(rows: &[Range<usize>], days: usize) -> Vec<Bucket> {
    let span = (days.max(2) as f64).ln();
    group_rows(rows, |row| {
        (MAX_POINTS as f64 * (row.end as f64).ln() / span).floor() as usize
    })
}

/// Consecutive rows with the same `key` as buckets.
fn group_rows(rows: &[Range<usize>], key: impl Fn(&Range<usize>) -> usize) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut last_key = None;
    for (index, row) in rows.iter().enumerate() {
        let k = key(row);
        match buckets.last_mut() {
            Some(bucket) if last_key == Some(k) => {
                bucket.rows.end = index + 1;
                bucket.days.end = row.end;
            }
            _ => buckets.push(Bucket {
                rows: index..index + 1,
                days: row.clone(),
            }),
        }
        last_key = Some(k);
    }
    buckets
}

/// A rounded-up axis maximum with a little headroom.
pub fn axis_max(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value * 1.08
    } else {
        1.0
    }
}

/// An axis range holding 0 and every value of `values` (finite ones), with a little headroom
/// at the ends away from 0: cumulative profit and regret can go below 0.
pub fn axis_range(values: impl IntoIterator<Item = f64>) -> std::ops::Range<f64> {
    let (low, high) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
    let span = high - low;
    if span <= 0.0 {
        return 0.0..1.0;
    }
    let low = if low < 0.0 { low - 0.08 * span } else { 0.0 };
    let high = if high > 0.0 { high + 0.08 * span } else { 0.0 };
    low..high
}

/// Draws a policy's bar between two corners: filled in its colour, or hollow (an outline over
/// a pale fill) for policies that share a colour with an earlier one.
pub fn draw_bar<DB, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    corners: [(f64, f64); 2],
    look: PolicyLook,
) -> DrawResult
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    CT: CoordTranslate<From = (f64, f64)>,
{
    if look.hollow_bars() {
        chart.draw_series(std::iter::once(Rectangle::new(
            corners,
            look.colour.mix(0.3).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            corners,
            look.colour.stroke_width(2),
        )))?;
    } else {
        chart.draw_series(std::iter::once(Rectangle::new(
            corners,
            look.colour.mix(0.85).filled(),
        )))?;
    }
    Ok(())
}

/// Draws a line through `points` in `style`, dashed with `(dash, gap)` pixels (see
/// [`crate::report::style::Stroke::pattern`]) or solid.
pub fn draw_line<DB, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    points: Vec<(f64, f64)>,
    style: ShapeStyle,
    pattern: Option<(u32, u32)>,
) -> DrawResult
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    CT: CoordTranslate<From = (f64, f64)>,
{
    match pattern {
        None => {
            chart.draw_series(LineSeries::new(points, style))?;
        }
        Some((dash, gap)) => {
            chart.draw_series(DashedLineSeries::new(points, dash, gap, style))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_day_once() {
        for days in [1, 90, 400, 401, 2000, 100_000] {
            let buckets = day_buckets(days);
            assert!(buckets.len() <= MAX_POINTS);
            assert_eq!(buckets[0].start, 0);
            assert_eq!(buckets.last().unwrap().end, days);
            assert!(buckets.windows(2).all(|w| w[0].end == w[1].start));
        }
        assert_eq!(day_buckets(90).len(), 90);
    }

    /// One row a day: the row buckets are the day buckets; long rows are buckets of their own,
    /// and every bucket is whole rows, in order.
    #[test]
    fn row_buckets_follow_the_days() {
        use crate::checkpoints::Checkpoints;
        for days in [1, 90, 2_000] {
            let rows: Vec<Range<usize>> = Checkpoints::new(days).iter().collect();
            let buckets = row_buckets(&rows, days);
            let expected: Vec<Range<usize>> = day_buckets(days);
            assert_eq!(
                buckets.iter().map(|b| b.days.clone()).collect::<Vec<_>>(),
                expected
            );
            assert!(buckets.iter().all(|b| b.rows == b.days));
        }
        for days in [2_001, 1_000_000, 10_000_000] {
            let rows: Vec<Range<usize>> = Checkpoints::new(days).iter().collect();
            for buckets in [row_buckets(&rows, days), log_row_buckets(&rows, days)] {
                assert!(buckets.len() <= MAX_POINTS + 1, "{days}: {}", buckets.len());
                assert_eq!(buckets[0].rows.start, 0);
                assert_eq!(buckets.last().unwrap().rows.end, rows.len());
                assert!(buckets.windows(2).all(|w| w[0].rows.end == w[1].rows.start));
                assert!(buckets.iter().all(|b| {
                    b.days.start == rows[b.rows.start].start
                        && b.days.end == rows[b.rows.end - 1].end
                }));
            }
            // On a log axis the first days are points of their own.
            let log = log_row_buckets(&rows, days);
            assert_eq!(log[0].days, 0..1);
            assert_eq!(log[1].days, 1..2);
        }
    }

    #[test]
    fn axis_ranges_hold_zero_and_negative_values() {
        assert_eq!(axis_range([0.0, 100.0]), 0.0..108.0);
        assert_eq!(axis_range([-50.0, 50.0]), -58.0..58.0);
        assert_eq!(axis_range([-10.0]), -10.8..0.0);
        assert_eq!(axis_range([f64::NAN]), 0.0..1.0);
        assert_eq!(axis_range([]), 0.0..1.0);
    }
}
