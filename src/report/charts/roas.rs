//! Final ROAS per policy: a bar per policy with its 95% interval as a whisker, the oracle's
//! expected ROAS (revenue per money spent) as a dashed reference line and, for profit
//! scenarios, the target ROAS as a dotted one: profit is `revenue / target − spend`, so the
//! target is also where a policy breaks even.
//!
//! Results written before format version 2 recorded the oracle's revenue per budget, not per
//! money spent: the line is then labelled as such, never as a ROAS.

use super::axis::category_axis;
use super::legend::{Legend, Mark, policy_entries, with_legend};
use super::{Chart, DrawResult, axis_max, draw_bar, draw_line};
use crate::report::data::ReportData;
use crate::report::style::{
    FONT, LABEL_SIZE, ORACLE_COLOUR, Stroke, TARGET_COLOUR, TICK_SIZE, policy_looks,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Horizontal room the plot gives up to its margins and value axis.
const PLOT_FURNITURE: u32 = 112;

/// The ROAS chart.
pub struct Roas<'a> {
    /// The run's data.
    pub data: &'a ReportData,
}

impl Roas<'_> {
    /// The legend: the policies, the oracle's reference, the target and the whisker.
    fn legend(&self) -> Legend {
        let data = self.data;
        let mut entries = policy_entries(data, false);
        let oracle = data.oracle.expected_roas;
        if data.oracle_roas_is_per_spend() {
            entries.push((
                "oracle, expected ROAS".to_owned(),
                Mark::Line(ORACLE_COLOUR, Stroke::Dashed),
            ));
            entries.push((format!("{oracle:.2}"), Mark::Blank));
        } else {
            // Earlier versions recorded revenue per unit of budget, which is not a ROAS.
            entries.push((
                "oracle, expected".to_owned(),
                Mark::Line(ORACLE_COLOUR, Stroke::Dashed),
            ));
            entries.push((format!("revenue / budget {oracle:.2}"), Mark::Blank));
        }
        if let Some(target) = self.target() {
            // Profit is revenue / target − spend: a policy below this line lost money.
            entries.push((
                "target ROAS (break-even)".to_owned(),
                Mark::Line(TARGET_COLOUR, Stroke::Dotted),
            ));
            entries.push((format!("{target:.2}"), Mark::Blank));
        }
        entries.push(("95% interval".into(), Mark::Line(BLACK, Stroke::Solid)));
        Legend::new("policy", entries)
    }

    /// The target ROAS of a profit scenario.
    fn target(&self) -> Option<f64> {
        let data = self.data;
        data.scenario
            .target_roas
            .filter(|t| data.maximises_profit() && t.is_finite() && *t > 0.0)
    }
}

impl Chart for Roas<'_> {
    fn stem(&self) -> String {
        "roas".into()
    }

    fn title(&self) -> String {
        format!(
            "ROAS by policy in {} (revenue per {} spent), with 95% intervals",
            self.data.scenario.name, self.data.scenario.currency
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let data = self.data;
        let (plot, legend) = with_legend(area);
        let policies = &data.scenario.policies;
        let summaries: Vec<_> = policies
            .iter()
            .map(|p| (p, data.summary(&p.name)))
            .collect();
        let top = summaries
            .iter()
            .filter_map(|(_, s)| s.map(|s| s.roas.high))
            .chain(self.target())
            .fold(data.oracle.expected_roas, f64::max);
        let count = policies.len();
        let names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
        let axis = category_axis(&names, plot.dim_in_pixel().0.saturating_sub(PLOT_FURNITURE));
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(axis.label_area)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..count as f64 - 0.5, 0f64..axis_max(top))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_labels(count)
            .x_label_formatter(&|x| axis.label(&names, *x))
            .x_desc("policy")
            .y_desc(format!(
                "ROAS (revenue / spend, {0} per {0})",
                data.scenario.currency
            ))
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()?;
        let at: Vec<(i32, i32)> = (0..count)
            .map(|i| chart.backend_coord(&(i as f64, 0.0)))
            .collect();
        axis.draw_names(&plot, &names, &at)?;
        let looks = policy_looks(summaries.iter().map(|(p, _)| p.kind.as_str()));
        for (i, ((_, summary), &look)) in summaries.iter().zip(&looks).enumerate() {
            let Some(summary) = summary else { continue };
            let x = i as f64;
            draw_bar(
                &mut chart,
                [(x - 0.3, 0.0), (x + 0.3, summary.roas.mean)],
                look,
            )?;
            let whisker = BLACK.stroke_width(2);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, summary.roas.low), (x, summary.roas.high)],
                whisker,
            )))?;
            for y in [summary.roas.low, summary.roas.high] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x - 0.08, y), (x + 0.08, y)],
                    whisker,
                )))?;
            }
            // The value above its whisker, so a slide needs no axis to be read.
            let value = TextStyle::from((FONT, TICK_SIZE).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            chart.draw_series(std::iter::once(
                EmptyElement::at((x, summary.roas.high))
                    + Text::new(format!("{:.2}", summary.roas.mean), (0, -6), value),
            ))?;
        }
        let across = |y: f64| vec![(-0.5, y), (count as f64 - 0.5, y)];
        let oracle = data.oracle.expected_roas;
        let dashed = Stroke::Dashed.pattern();
        draw_line(
            &mut chart,
            across(oracle),
            ORACLE_COLOUR.stroke_width(2),
            dashed,
        )?;
        if let Some(target) = self.target() {
            let dotted = Stroke::Dotted.pattern();
            draw_line(
                &mut chart,
                across(target),
                TARGET_COLOUR.stroke_width(3),
                dotted,
            )?;
        }
        self.legend().draw(&legend)
    }
}
