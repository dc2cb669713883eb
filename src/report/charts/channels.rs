//! Per channel, spend and ROAS under each policy: two panels of grouped bars, channels along
//! the axis and one bar per policy in the policy's colour.

use super::{
    Chart, DrawResult, axis_max, category_label, draw_legend, policy_entries, with_legend,
};
use crate::report::data::ReportData;
use crate::report::style::{FONT, LABEL_SIZE, TICK_SIZE, human, policy_look};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The per-channel chart.
pub struct Channels<'a> {
    /// The run's data.
    pub data: &'a ReportData,
}

#[derive(Clone, Copy)]
enum Panel {
    Spend,
    Roas,
}

impl Channels<'_> {
    fn value(&self, policy: &str, channel: usize, panel: Panel) -> f64 {
        let rows = self.data.channel_rows(policy);
        rows.get(channel).map_or(0.0, |row| match panel {
            Panel::Spend => row.spend,
            Panel::Roas => row.roas.unwrap_or(0.0),
        })
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: Panel,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let data = self.data;
        let names = data.channel_names();
        let policies = &data.scenario.policies;
        let top = policies
            .iter()
            .flat_map(|p| (0..names.len()).map(move |c| (p, c)))
            .map(|(p, c)| self.value(&p.name, c, panel))
            .fold(0.0, f64::max);
        let (caption, y_desc) = match panel {
            Panel::Spend => (
                "Spend over the horizon",
                format!("spend ({})", data.scenario.currency),
            ),
            Panel::Roas => ("ROAS", "revenue / spend".to_owned()),
        };
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, LABEL_SIZE))
            .margin(12)
            .x_label_area_size(56)
            .y_label_area_size(76)
            .build_cartesian_2d(-0.5f64..names.len() as f64 - 0.5, 0f64..axis_max(top))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_labels(names.len())
            .x_label_formatter(&|x| category_label(&names, *x))
            .x_desc("channel")
            .y_desc(y_desc)
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .y_label_formatter(&|v| match panel {
                Panel::Spend => human(*v),
                Panel::Roas => format!("{v:.2}"),
            })
            .draw()?;
        let width = 0.8 / policies.len().max(1) as f64;
        for (p, policy) in policies.iter().enumerate() {
            let colour = policy_look(p, &policy.kind).colour;
            chart.draw_series((0..names.len()).map(|c| {
                let left = c as f64 - 0.4 + p as f64 * width;
                Rectangle::new(
                    [
                        (left, 0.0),
                        (left + width * 0.9, self.value(&policy.name, c, panel)),
                    ],
                    colour.mix(0.85).filled(),
                )
            }))?;
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
        let (plot, legend) = with_legend(area);
        let panels = plot.split_evenly((2, 1));
        self.draw_panel(&panels[0], Panel::Spend)?;
        self.draw_panel(&panels[1], Panel::Roas)?;
        let entries = policy_entries(self.data, false);
        draw_legend(&legend, "policy", &entries)
    }
}
