//! Per channel, spend and ROAS under each policy: two panels of grouped bars, channels along
//! the axis and one bar per policy in the policy's colour.
//!
//! The channels are those of the budget-shift charts ([`shares::run_groups`]): past
//! [`MAX_CHANNEL_BANDS`] the largest are shown and the rest pooled as one "other" bar (their
//! summed spend, and their revenue over that spend). Names too wide for their slot are turned,
//! and then written under the lower panel only, which both panels share.
//!
//! [`MAX_CHANNEL_BANDS`]: crate::report::style::MAX_CHANNEL_BANDS

use super::axis::{CategoryAxis, Placement, category_axis};
use super::legend::{Legend, policy_entries, with_legend};
use super::shares::{self, ChannelGroup};
use super::{Chart, DrawResult, axis_max, draw_bar};
use crate::report::data::ReportData;
use crate::report::style::{FONT, LABEL_SIZE, TICK_SIZE, human, policy_looks};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Horizontal room a panel gives up to its margins and value axis.
const PLOT_FURNITURE: u32 = 100;
/// Height of the label area of the upper panel when the names are written below the lower.
const TICKS_ONLY: u32 = 12;

/// The per-channel chart.
pub struct Channels<'a> {
    /// The run's data.
    pub data: &'a ReportData,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    Spend,
    Roas,
}

/// `[policy][group]`: spend and ROAS of each channel group under each policy.
struct Figures {
    spend: Vec<Vec<f64>>,
    roas: Vec<Vec<f64>>,
}

impl Figures {
    fn of(data: &ReportData, groups: &[ChannelGroup]) -> Self {
        let names = data.channel_names();
        let mut spend = Vec::new();
        let mut roas = Vec::new();
        for policy in &data.scenario.policies {
            let rows = data.channel_rows(&policy.name);
            let column = |value: &dyn Fn(&crate::output::kpi::ChannelSummary) -> f64| {
                names
                    .iter()
                    .map(|name| {
                        rows.iter()
                            .find(|r| r.channel == *name)
                            .map_or(0.0, |r| value(r))
                    })
                    .collect::<Vec<f64>>()
            };
            let spent = column(&|r| r.spend);
            let earned = column(&|r| r.revenue);
            spend.push(groups.iter().map(|g| g.sum(&spent)).collect());
            roas.push(
                groups
                    .iter()
                    .map(|g| {
                        let cost = g.sum(&spent);
                        if cost > 0.0 {
                            g.sum(&earned) / cost
                        } else {
                            0.0
                        }
                    })
                    .collect(),
            );
        }
        Figures { spend, roas }
    }

    fn get(&self, panel: Panel) -> &[Vec<f64>] {
        match panel {
            Panel::Spend => &self.spend,
            Panel::Roas => &self.roas,
        }
    }
}

impl Channels<'_> {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: Panel,
        groups: &[ChannelGroup],
        figures: &Figures,
        axis: &CategoryAxis,
        names_below: bool,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let data = self.data;
        let names: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        let values = figures.get(panel);
        let top = values.iter().flatten().copied().fold(0.0, f64::max);
        let pooled = groups.iter().any(ChannelGroup::is_other);
        let (caption, y_desc) = match panel {
            Panel::Spend if pooled => (
                format!(
                    "Spend over the horizon: the {} largest channels, the rest pooled",
                    groups.len() - 1
                ),
                format!("spend ({})", data.scenario.currency),
            ),
            Panel::Spend => (
                "Spend over the horizon".to_owned(),
                format!("spend ({})", data.scenario.currency),
            ),
            Panel::Roas => ("ROAS".to_owned(), "revenue / spend".to_owned()),
        };
        let count = names.len();
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, LABEL_SIZE))
            .margin(12)
            .x_label_area_size(if names_below {
                axis.label_area
            } else {
                TICKS_ONLY
            })
            .y_label_area_size(76)
            .build_cartesian_2d(-0.5f64..count as f64 - 0.5, 0f64..axis_max(top))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_labels(count)
            .x_label_formatter(&|x| {
                if names_below {
                    axis.label(&names, *x)
                } else {
                    String::new()
                }
            })
            .x_desc(if names_below { "channel" } else { "" })
            .y_desc(y_desc)
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .y_label_formatter(&|v| match panel {
                Panel::Spend => human(*v),
                Panel::Roas => format!("{v:.2}"),
            })
            .draw()?;
        if names_below {
            let at: Vec<(i32, i32)> = (0..count)
                .map(|i| chart.backend_coord(&(i as f64, 0.0)))
                .collect();
            axis.draw_names(area, &names, &at)?;
        }
        let policies = &data.scenario.policies;
        let width = 0.8 / policies.len().max(1) as f64;
        let looks = policy_looks(policies.iter().map(|p| p.kind.as_str()));
        for (p, (&look, values)) in looks.iter().zip(values).enumerate() {
            for (c, &value) in values.iter().enumerate() {
                let left = c as f64 - 0.4 + p as f64 * width;
                draw_bar(&mut chart, [(left, 0.0), (left + width * 0.9, value)], look)?;
            }
        }
        Ok(())
    }
}

impl Chart for Channels<'_> {
    fn stem(&self) -> String {
        "channels".into()
    }

    fn title(&self) -> String {
        format!(
            "Spend and ROAS by channel and policy in {}",
            self.data.scenario.name
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let groups = shares::run_groups(self.data);
        let figures = Figures::of(self.data, &groups);
        let (plot, legend) = with_legend(area);
        let names: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        let axis = category_axis(&names, plot.dim_in_pixel().0.saturating_sub(PLOT_FURNITURE));
        if axis.placement != Placement::Level {
            // Names once, under the lower panel; the upper gives its label room to the lower
            // so both plots keep the same height.
            let height = plot.dim_in_pixel().1;
            let upper = height.saturating_sub(axis.label_area.saturating_sub(TICKS_ONLY)) / 2;
            let (top, bottom) = plot.split_vertically(upper);
            self.draw_panel(&top, Panel::Spend, &groups, &figures, &axis, false)?;
            self.draw_panel(&bottom, Panel::Roas, &groups, &figures, &axis, true)?;
        } else {
            let panels = plot.split_evenly((2, 1));
            self.draw_panel(&panels[0], Panel::Spend, &groups, &figures, &axis, true)?;
            self.draw_panel(&panels[1], Panel::Roas, &groups, &figures, &axis, true)?;
        }
        Legend::new("policy", policy_entries(self.data, false)).draw(&legend)
    }
}
