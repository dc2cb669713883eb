//! The budget-shift chart: a stacked area of each channel's mean share of the daily budget,
//! day by day, with the oracle's split drawn over it as dashed lines at the oracle's
//! cumulative shares, so the eye sees how fast a policy finds the right split.

use super::{Chart, DrawResult, Mark, draw_legend, with_legend};
use crate::report::data::{PolicyDaily, ReportData};
use crate::report::style::{FONT, LABEL_SIZE, ORACLE_COLOUR, TICK_SIZE, channel_colour, percent};
use plotters::coord::Shift;
use plotters::prelude::*;

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

/// The oracle's cumulative shares strictly inside (0, 1): where its split draws a boundary.
fn oracle_boundaries(data: &ReportData) -> Vec<f64> {
    let mut cumulative = 0.0;
    let mut boundaries = Vec::new();
    for share in data
        .oracle
        .split
        .iter()
        .take(data.oracle.split.len().saturating_sub(1))
    {
        cumulative += share.share;
        if cumulative > 1e-9 && cumulative < 1.0 - 1e-9 && !boundaries.contains(&cumulative) {
            boundaries.push(cumulative);
        }
    }
    boundaries
}

fn legend_entries(data: &ReportData) -> Vec<(String, Mark)> {
    let mut entries: Vec<(String, Mark)> = data
        .channel_names()
        .iter()
        .enumerate()
        .map(|(i, name)| (name.to_string(), Mark::Swatch(channel_colour(i))))
        .collect();
    if !oracle_boundaries(data).is_empty() {
        entries.push(("oracle split".into(), Mark::Line(ORACLE_COLOUR, true)));
    } else if let Some(best) = data.oracle.split.iter().find(|s| s.share > 0.5) {
        // The oracle funds one channel: there is no boundary to draw, so say which.
        entries.push(("oracle: all on".into(), Mark::Blank));
        entries.push((best.channel.clone(), Mark::Blank));
    }
    entries
}

/// Draws one stacked-share panel; `caption` is the panel's own title (small multiples).
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ReportData,
    policy: &PolicyDaily,
    caption: Option<&str>,
    compact: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let days = data.scenario.days;
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(if compact { 8 } else { 16 })
        .x_label_area_size(if compact { 36 } else { 56 })
        .y_label_area_size(if compact { 56 } else { 80 });
    if let Some(caption) = caption {
        builder.caption(caption, (FONT, LABEL_SIZE));
    }
    let mut chart = builder.build_cartesian_2d(1f64..(days.max(2)) as f64, 0f64..1f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(if compact { "" } else { "day" })
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
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;

    // Long horizons are drawn as the mean share over buckets of days, placed at their middle.
    let buckets = super::day_buckets(days);
    let xs: Vec<f64> = buckets
        .iter()
        .map(|b| (b.start + b.end + 1) as f64 / 2.0)
        .collect();
    let mut lower = vec![0.0; buckets.len()];
    for channel in 0..data.scenario.channels.len() {
        let upper: Vec<f64> = lower
            .iter()
            .zip(&buckets)
            .map(|(low, bucket)| {
                let share = policy.shares[bucket.clone()]
                    .iter()
                    .map(|s| s[channel])
                    .sum::<f64>()
                    / bucket.len() as f64;
                (low + share).min(1.0)
            })
            .collect();
        let outline = super::band(&xs, &lower, &upper);
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            channel_colour(channel).mix(0.85).filled(),
        )))?;
        lower = upper;
    }
    for boundary in oracle_boundaries(data) {
        let line = [(1.0, boundary), (days.max(2) as f64, boundary)];
        chart.draw_series(DashedLineSeries::new(
            line,
            10,
            6,
            ORACLE_COLOUR.stroke_width(2),
        ))?;
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
        let (plot, legend) = with_legend(area);
        draw_panel(&plot, self.data, self.policy, None, false)?;
        draw_legend(&legend, "channel", &legend_entries(self.data))
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
        let (plot, legend) = with_legend(area);
        let count = self.data.daily.len();
        let columns = if count > 1 { 2 } else { 1 };
        let rows = count.div_ceil(columns);
        for (panel, policy) in plot
            .split_evenly((rows, columns))
            .iter()
            .zip(&self.data.daily)
        {
            draw_panel(panel, self.data, policy, Some(&policy.policy), true)?;
        }
        draw_legend(&legend, "channel", &legend_entries(self.data))?;
        legend.draw(&Text::new(
            "x: day, y: share".to_owned(),
            (10, legend.dim_in_pixel().1 as i32 - 40),
            (FONT, TICK_SIZE),
        ))?;
        Ok(())
    }
}
