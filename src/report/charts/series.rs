//! Cumulative revenue, regret and profit per policy over days, each a mean line with its 95%
//! band across replications. `regret-log` puts days on a logarithmic axis, where logarithmic
//! regret (Thompson sampling on a classic bandit) becomes a straight line. Profit
//! (`revenue / target ROAS − spend`) is drawn for profit scenarios, and can go below zero.
//!
//! Points sit at the last day of rows of the daily series (every day up to 2,000 days, log-
//! spaced buckets beyond; see [`crate::checkpoints`]), where the cumulative figures are taken:
//! on a linear axis the last row ending in each of at most 400 equal stretches of days, on the
//! log axis the last row ending in each of 400 equal stretches of `ln day`.
//!
//! On `regret-log` of a classic Bernoulli bandit (winner takes all, every channel a noiseless
//! cpc arm of price 1 and value 1 under a budget of 1) the Lai-Robbins asymptote
//! `Σ_i Δ_i / KL(p_i, p*) · ln T` is drawn dashed beside the policies ([`crate::regret_bound`]):
//! the least regret any consistent policy has in the long run.

use super::events::{draw_events, events};
use super::legend::{Legend, Mark, policy_entries, with_legend};
use super::{Chart, DrawResult, axis_range, band, draw_line};
use crate::report::data::ReportData;
use crate::report::style::{
    BOUND_COLOUR, FONT, LABEL_SIZE, Stroke, TICK_SIZE, ZERO_COLOUR, day_label, human, policy_looks,
};
use crate::stats::Interval;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

/// Which cumulative series to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Cumulative revenue.
    Revenue,
    /// Cumulative pseudo-regret.
    Regret,
    /// Cumulative profit (empty for files written before it was recorded).
    Profit,
}

/// A cumulative series chart.
pub struct Cumulative<'a> {
    /// The run's data.
    pub data: &'a ReportData,
    /// Revenue or regret.
    pub measure: Measure,
    /// Days on a logarithmic axis.
    pub log_days: bool,
}

/// The legend's name of the Lai-Robbins asymptote.
pub const BOUND_LABEL: &str = "Lai-Robbins bound";

impl Cumulative<'_> {
    /// The Lai-Robbins constant `C` when this chart draws the asymptote `C ln T`: regret on a
    /// log axis of a classic Bernoulli bandit.
    pub fn lai_robbins(&self) -> Option<f64> {
        (self.measure == Measure::Regret && self.log_days)
            .then(|| self.data.lai_robbins_coefficient())
            .flatten()
    }

    fn series<'b>(&self, daily: &'b crate::report::data::PolicyDaily) -> &'b [Interval] {
        match self.measure {
            Measure::Revenue => &daily.cumulative_revenue,
            Measure::Regret => &daily.cumulative_regret,
            Measure::Profit => &daily.cumulative_profit,
        }
    }

    fn draw_on<DB, X>(&self, area: &DrawingArea<DB, Shift>, x_range: X) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
        X: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
    {
        let data = self.data;
        let days = data.scenario.days;
        // Cumulative series are smooth: long horizons are drawn at the end of each bucket.
        let buckets = if self.log_days {
            super::log_row_buckets(&data.rows, days)
        } else {
            super::row_buckets(&data.rows, days)
        };
        let ends: Vec<usize> = buckets.iter().map(|b| b.rows.end - 1).collect();
        let xs: Vec<f64> = buckets.iter().map(|b| b.days.end as f64).collect();
        let bound: Option<Vec<(f64, f64)>> = self.lai_robbins().map(|c| {
            std::iter::once(1.0)
                .chain(xs.iter().copied().filter(|&x| x > 1.0))
                .map(|x| (x, c * x.ln()))
                .collect()
        });
        let y_range = axis_range(
            data.daily
                .iter()
                .flat_map(|d| self.series(d).iter().flat_map(|i| [i.low, i.high]))
                .chain(bound.iter().flatten().map(|&(_, y)| y)),
        );
        let below_zero = y_range.start < 0.0;
        let mut chart = ChartBuilder::on(area)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(x_range, y_range.clone())?;
        let what = match self.measure {
            Measure::Revenue => "cumulative revenue",
            Measure::Regret => "cumulative regret",
            Measure::Profit => "cumulative profit",
        };
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_desc(if self.log_days {
                "day (log scale)"
            } else {
                "day"
            })
            .y_desc(format!("{what} ({})", data.scenario.currency))
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .y_label_formatter(&|v| human(*v))
            .x_label_formatter(&|v| {
                if self.log_days {
                    day_label(*v)
                } else {
                    format!("{v:.0}")
                }
            })
            .draw()?;
        if below_zero {
            // Where a loss turns into a gain.
            let (first, last) = (1.0, days.max(2) as f64);
            draw_line(
                &mut chart,
                vec![(first, 0.0), (last, 0.0)],
                ZERO_COLOUR.stroke_width(1),
                None,
            )?;
        }
        if !self.log_days {
            draw_events(&mut chart, &events(data), days, y_range)?;
        }
        let looks = policy_looks(data.scenario.policies.iter().map(|p| p.kind.as_str()));
        for (daily, &look) in data.daily.iter().zip(&looks) {
            let all = self.series(daily);
            let series: Vec<Interval> = ends.iter().filter_map(|&d| all.get(d).copied()).collect();
            if series.len() != ends.len() {
                continue;
            }
            let low: Vec<f64> = series.iter().map(|i| i.low).collect();
            let high: Vec<f64> = series.iter().map(|i| i.high).collect();
            chart.draw_series(std::iter::once(Polygon::new(
                band(&xs, &low, &high),
                look.colour.mix(0.18).filled(),
            )))?;
            let line = xs.iter().copied().zip(series.iter().map(|i| i.mean));
            let style = look.colour.stroke_width(3);
            draw_line(&mut chart, line.collect(), style, look.stroke.pattern())?;
        }
        if let Some(bound) = bound {
            let style = BOUND_COLOUR.stroke_width(2);
            draw_line(&mut chart, bound, style, Stroke::Dashed.pattern())?;
        }
        Ok(())
    }
}

impl Chart for Cumulative<'_> {
    fn stem(&self) -> String {
        match (self.measure, self.log_days) {
            (Measure::Revenue, _) => "revenue".into(),
            (Measure::Regret, false) => "regret".into(),
            (Measure::Regret, true) => "regret-log".into(),
            (Measure::Profit, _) => "profit".into(),
        }
    }

    fn title(&self) -> String {
        let name = &self.data.scenario.name;
        match self.measure {
            Measure::Revenue => format!("Cumulative revenue by policy in {name}, with 95% bands"),
            Measure::Regret if self.log_days => {
                format!(
                    "Cumulative regret by policy in {name}, days on a log scale, with 95% bands"
                )
            }
            Measure::Regret => {
                format!("Cumulative regret by policy in {name} (vs the oracle), with 95% bands")
            }
            Measure::Profit => format!("Cumulative profit by policy in {name}, with 95% bands"),
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (plot, legend) = with_legend(area);
        let end = self.data.scenario.days.max(2) as f64;
        if self.log_days {
            self.draw_on(&plot, (1f64..end).log_scale())?;
        } else {
            self.draw_on(&plot, 1f64..end)?;
        }
        let mut entries = policy_entries(self.data, true);
        if self.lai_robbins().is_some() {
            entries.push((
                BOUND_LABEL.to_owned(),
                Mark::Line(BOUND_COLOUR, Stroke::Dashed),
            ));
        }
        Legend::new("policy (band: 95%)", entries).draw(&legend)
    }
}
