//! The budget-shift chart: a stacked area of each channel's mean share of the daily budget,
//! day by day, with the oracle's split of each day drawn over it as dashed lines at the
//! oracle's cumulative shares, so the eye sees how fast a policy finds the right split and
//! follows it when the market moves. Channels past [`MAX_CHANNEL_BANDS`] are pooled as
//! "other" ([`shares`]).
//!
//! Shares come by row of the daily series ([`crate::checkpoints`]). Up to 2,000 days every
//! row is a day and the axis is linear, with long horizons drawn as the mean over buckets of
//! days. Beyond, the rows are log-spaced buckets and the axis is logarithmic, so the learning of
//! the first days stays as visible as the end of a ten-million-day horizon; each bucket is drawn
//! at the middle of its days and the last one reaches the horizon's end.
//!
//! [`MAX_CHANNEL_BANDS`]: crate::report::style::MAX_CHANNEL_BANDS

use super::events::{draw_events, events};
use super::legend::{Legend, Mark, with_legend};
use super::shares::{self, ChannelGroup, OracleLine, OracleNote};
use super::{Chart, DrawResult, draw_line};
use crate::report::data::{PolicyDaily, ReportData};
use crate::report::style::{
    DASH, FONT, LABEL_SIZE, ORACLE_COLOUR, SMALL_DASH, Stroke, TICK_SIZE, UNSPENT_COLOUR,
    chars_within, day_label, percent, shorten,
};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use std::ops::Range;

/// One policy's budget-shift chart.
pub struct Allocation<'a> {
    /// The run's data.
    pub data: &'a ReportData,
    /// The policy to show.
    pub policy: &'a PolicyDaily,
}

/// Every policy's budget-shift chart as small multiples sharing axes.
pub struct AllocationCompare<'a> {
    /// The run's data.
    pub data: &'a ReportData,
}

/// What every budget-shift chart of a run shares: the bands, the buckets of rows and the
/// oracle's lines.
struct Frame {
    groups: Vec<ChannelGroup>,
    /// Consecutive rows of the daily series drawn as one point.
    buckets: Vec<Range<usize>>,
    /// The zero-based days of each bucket.
    bucket_days: Vec<Range<usize>>,
    /// Days on a logarithmic axis: the rows are buckets of days (long horizons).
    log_days: bool,
    /// The oracle's reference lines.
    oracle_lines: Vec<OracleLine>,
    oracle_note: OracleNote,
}

impl Frame {
    fn of(data: &ReportData) -> Self {
        let groups = shares::run_groups(data);
        let log_days = data.rows.iter().any(|row| row.len() > 1);
        let row_buckets = if log_days {
            super::log_row_buckets(&data.rows, data.scenario.days)
        } else {
            super::row_buckets(&data.rows, data.scenario.days)
        };
        let buckets: Vec<Range<usize>> = row_buckets.iter().map(|b| b.rows.clone()).collect();
        let bucket_days = row_buckets.into_iter().map(|b| b.days).collect();
        let oracle = shares::bucket_shares(&data.oracle_daily, &data.rows, &groups, &buckets);
        let oracle_lines = shares::boundary_lines(&oracle);
        let oracle_note = shares::oracle_note(&oracle_lines, &oracle, &groups);
        Frame {
            groups,
            buckets,
            bucket_days,
            log_days,
            oracle_lines,
            oracle_note,
        }
    }

    fn legend(&self, data: &ReportData, note: Option<String>) -> Legend {
        let mut entries: Vec<(String, Mark)> = self
            .groups
            .iter()
            .map(|g| (g.label.clone(), Mark::Swatch(g.colour)))
            .collect();
        if data.maximises_profit() {
            // A profit target can leave budget unspent: the white above the bands.
            entries.push(("unspent".into(), Mark::Outline(UNSPENT_COLOUR)));
        }
        match &self.oracle_note {
            OracleNote::Split => {
                entries.push((
                    "oracle split".into(),
                    Mark::Line(ORACLE_COLOUR, Stroke::Dashed),
                ));
            }
            OracleNote::AllOn(label) => {
                // No boundary to draw: say where the oracle puts the budget instead.
                entries.push(("oracle: all on".into(), Mark::Blank));
                entries.push((label.clone(), Mark::Blank));
            }
            OracleNote::NoSpend => entries.push(("oracle: spends nothing".into(), Mark::Blank)),
        }
        Legend {
            heading: "channel".into(),
            entries,
            note,
        }
    }
}

/// Columns of the small multiples of `count` policies: panels stay wider than tall.
fn small_multiple_columns(count: usize) -> usize {
    match count {
        0 | 1 => 1,
        2..=6 => 2,
        7..=12 => 3,
        _ => 4,
    }
}

/// Draws one stacked-share panel; `caption` is the panel's own title (small multiples).
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ReportData,
    frame: &Frame,
    policy: &PolicyDaily,
    caption: Option<&str>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let end = data.scenario.days.max(2) as f64;
    if frame.log_days {
        draw_panel_on(area, data, frame, policy, caption, (1f64..end).log_scale())
    } else {
        draw_panel_on(area, data, frame, policy, caption, 1f64..end)
    }
}

/// [`draw_panel`] on the day axis `x_range`.
fn draw_panel_on<DB, X>(
    area: &DrawingArea<DB, Shift>,
    data: &ReportData,
    frame: &Frame,
    policy: &PolicyDaily,
    caption: Option<&str>,
    x_range: X,
) -> DrawResult
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let compact = caption.is_some();
    let days = data.scenario.days;
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(if compact { 8 } else { 16 })
        // Room for half of the last day's number.
        .margin_right(if compact { 20 } else { 16 })
        .x_label_area_size(if compact { 36 } else { 56 })
        .y_label_area_size(if compact { 56 } else { 80 });
    if let Some(caption) = caption {
        builder.caption(caption, (FONT, LABEL_SIZE));
    }
    let mut chart = builder.build_cartesian_2d(x_range, 0f64..1f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(match (compact, frame.log_days) {
            (true, _) => "",
            (false, true) => "day (log scale)",
            (false, false) => "day",
        })
        .y_desc(if compact {
            ""
        } else {
            "share of the daily budget"
        })
        .axis_desc_style((FONT, LABEL_SIZE))
        .label_style((FONT, TICK_SIZE))
        .y_labels(6)
        .x_labels(8)
        .y_label_formatter(&|v| percent(*v))
        .x_label_formatter(&|v| {
            if frame.log_days {
                day_label(*v)
            } else {
                format!("{v:.0}")
            }
        })
        .draw()?;

    // Long horizons are drawn as the mean share over buckets of days, placed at their middle.
    let mut xs: Vec<f64> = frame
        .bucket_days
        .iter()
        .map(|b| (b.start + b.end + 1) as f64 / 2.0)
        .collect();
    let mut stacked =
        shares::bucket_shares(&policy.shares, &data.rows, &frame.groups, &frame.buckets);
    if frame.log_days {
        // Buckets of many days: the last one holds to the horizon's end.
        let end = days.max(2) as f64;
        if let (Some(&last_x), Some(last)) = (xs.last(), stacked.last().cloned())
            && last_x < end
        {
            xs.push(end);
            stacked.push(last);
        }
    }
    let mut lower = vec![0.0; xs.len()];
    for (index, group) in frame.groups.iter().enumerate() {
        let upper: Vec<f64> = lower
            .iter()
            .zip(&stacked)
            .map(|(low, bucket)| (low + bucket[index]).min(1.0))
            .collect();
        let outline = super::band(&xs, &lower, &upper);
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            group.colour.mix(0.85).filled(),
        )))?;
        lower = upper;
    }
    // Small multiples give a day a few pixels: finer dashes keep the steps readable.
    let (style, pattern) = if compact {
        (ORACLE_COLOUR.stroke_width(1), SMALL_DASH)
    } else {
        (ORACLE_COLOUR.stroke_width(2), DASH)
    };
    for line in &frame.oracle_lines {
        for path in shares::steps(line, &frame.bucket_days, days) {
            draw_line(&mut chart, path, style, Some(pattern))?;
        }
    }
    if !compact && !frame.log_days {
        draw_events(&mut chart, &events(data), days, 0.0..1.0)?;
    }
    Ok(())
}

impl Chart for Allocation<'_> {
    fn stem(&self) -> String {
        format!("allocation-{}", self.policy.policy)
    }

    fn title(&self) -> String {
        format!(
            "Budget shift of {} in {}",
            self.policy.policy, self.data.scenario.name
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let frame = Frame::of(self.data);
        let (plot, legend) = with_legend(area);
        draw_panel(&plot, self.data, &frame, self.policy, None)?;
        frame.legend(self.data, None).draw(&legend)
    }
}

impl Chart for AllocationCompare<'_> {
    fn stem(&self) -> String {
        "allocation-compare".into()
    }

    fn title(&self) -> String {
        format!("Budget shift by policy in {}", self.data.scenario.name)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let frame = Frame::of(self.data);
        let (plot, legend) = with_legend(area);
        let count = self.data.daily.len();
        let columns = small_multiple_columns(count);
        let rows = count.div_ceil(columns);
        for (panel, policy) in plot
            .split_evenly((rows, columns))
            .iter()
            .zip(&self.data.daily)
        {
            let room = chars_within(panel.dim_in_pixel().0.saturating_sub(16), LABEL_SIZE);
            let caption = shorten(&policy.policy, room);
            draw_panel(panel, self.data, &frame, policy, Some(&caption))?;
        }
        frame
            .legend(
                self.data,
                Some(
                    if frame.log_days {
                        "x: day (log), y: share"
                    } else {
                        "x: day, y: share"
                    }
                    .to_owned(),
                ),
            )
            .draw(&legend)
    }
}
