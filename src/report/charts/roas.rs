//! Final ROAS per policy: a bar per policy with its 95% interval as a whisker, and the
//! oracle's expected ROAS as a dashed reference line.

use super::{
    Chart, DrawResult, Mark, axis_max, category_label, draw_legend, policy_entries, with_legend,
};
use crate::report::data::ReportData;
use crate::report::style::{FONT, LABEL_SIZE, ORACLE_COLOUR, TICK_SIZE, policy_look};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The ROAS chart.
pub struct Roas<'a> {
    /// The run's data.
    pub data: &'a ReportData,
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
            .filter_map(|p| data.summary(&p.name))
            .collect();
        let top = summaries
            .iter()
            .map(|s| s.roas.high)
            .fold(data.oracle.expected_roas, f64::max);
        let count = policies.len();
        let names: Vec<String> = policies.iter().map(|p| p.name.clone()).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..count as f64 - 0.5, 0f64..axis_max(top))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_labels(count)
            .x_label_formatter(&|x| category_label(&names, *x))
            .x_desc("policy")
            .y_desc(format!(
                "ROAS (revenue / spend, {0} per {0})",
                data.scenario.currency
            ))
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()?;
        for (i, (policy, summary)) in policies.iter().zip(&summaries).enumerate() {
            let look = policy_look(i, &policy.kind);
            let x = i as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, 0.0), (x + 0.3, summary.roas.mean)],
                look.colour.mix(0.85).filled(),
            )))?;
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
        }
        let reference = [
            (-0.5, data.oracle.expected_roas),
            (count as f64 - 0.5, data.oracle.expected_roas),
        ];
        chart.draw_series(DashedLineSeries::new(
            reference,
            12,
            8,
            ORACLE_COLOUR.stroke_width(2),
        ))?;
        let mut entries = policy_entries(data, false);
        // Realised ROAS divides by money spent, which rounding to whole units keeps a little
        // under the budget; the reference is the oracle's expected revenue per budget.
        entries.push((
            "oracle, expected".to_owned(),
            Mark::Line(ORACLE_COLOUR, true),
        ));
        entries.push((
            format!("revenue / budget {:.2}", data.oracle.expected_roas),
            Mark::Blank,
        ));
        entries.push(("95% interval".into(), Mark::Line(BLACK, false)));
        draw_legend(&legend, "policy", &entries)
    }
}
