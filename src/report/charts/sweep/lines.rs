//! `sweep-objective` and `sweep-regret`: per policy, a line through its mean at each value of
//! a sweep's one axis, a dot at each value measured and its 95% band across replications
//! shaded (a whisker where the policy has a single point; on an axis of one value the
//! policies stand side by side). Numeric axes place the values at
//! their values; others at even steps named by the values ([`super::LineAxis`]).

use super::{LineAxis, SweepMeasure, SweepView, padded};
use crate::report::charts::axis::category_axis;
use crate::report::charts::legend::{Legend, Mark, with_legend};
use crate::report::charts::{Chart, DrawResult, band, draw_line};
use crate::report::style::{
    CHAR_WIDTH, FONT, LABEL_SIZE, SIZE, TICK_SIZE, TITLE_SIZE, ZERO_COLOUR, human,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;

/// Horizontal room the plot gives up to its margins and value axis.
const PLOT_FURNITURE: u32 = 122;
/// How much of a step the policies take, side by side, on an axis of a single step.
const DODGE_WIDTH: f64 = 0.7;
/// Radius of the dot at each measured value.
const DOT_RADIUS: i32 = 4;

/// A line chart of one figure of a one-axis sweep.
pub struct SweepLines<'a> {
    /// The sweep, placed.
    pub view: &'a SweepView<'a>,
    /// Its line.
    pub axis: &'a LineAxis,
    /// The objective or regret.
    pub measure: SweepMeasure,
}

/// `what in <name><tail>`, or `what<tail>` when that does not fit a chart's title line.
pub fn title_in(what: &str, name: &str, tail: &str) -> String {
    let full = format!("{what} in {name}{tail}");
    let room = (SIZE.0 - 40) as f64 / (TITLE_SIZE as f64 * CHAR_WIDTH);
    if full.chars().count() as f64 <= room {
        full
    } else {
        format!("{what}{tail}")
    }
}

/// ` (<currency>)`, or nothing without a currency.
pub fn in_currency(currency: &str) -> String {
    if currency.is_empty() {
        String::new()
    } else {
        format!(" ({currency})")
    }
}

/// A tick label of a numeric axis drawn over `range`: short (`5k`, `20k`) when the axis
/// reaches 10,000, else with the decimals its ticks (about a tenth of the range apart) need,
/// trailing zeros cut.
pub fn numeric_tick(value: f64, range: &Range<f64>) -> String {
    if range.start.abs().max(range.end.abs()) >= 1e4 {
        return human(value);
    }
    let step = (range.end - range.start) / 10.0;
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10()).ceil().clamp(0.0, 8.0) as usize
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

/// The value range drawn for figures from `low` to `high`: a little headroom either side, but
/// not below zero when no figure is.
pub fn value_range(low: f64, high: f64) -> Range<f64> {
    let range = padded(low, high, 0.08);
    if low >= 0.0 && range.start < 0.0 {
        0.0..range.end
    } else {
        range
    }
}

impl Chart for SweepLines<'_> {
    fn stem(&self) -> String {
        match self.measure {
            SweepMeasure::Objective => "sweep-objective".into(),
            SweepMeasure::Regret => "sweep-regret".into(),
        }
    }

    fn title(&self) -> String {
        let what = match self.measure {
            SweepMeasure::Objective => format!("Total {}", self.view.objective),
            SweepMeasure::Regret => "Regret".to_owned(),
        };
        title_in(
            &format!("{what} by policy across {}", self.axis.name),
            &self.view.sweep.name,
            ", with 95% bands",
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let view = self.view;
        let axis = self.axis;
        let (plot, legend) = with_legend(area);
        let series: Vec<_> = (0..view.policies.len())
            .map(|p| view.line_points(axis, p, self.measure))
            .collect();
        let (low, high) = series
            .iter()
            .flatten()
            .flat_map(|(_, i)| [i.mean, i.low, i.high])
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
        let y_range = value_range(low, high);
        let x_range = axis.range();
        let names: Vec<&str> = axis.labels.iter().map(String::as_str).collect();
        let categories = axis
            .numbers
            .is_none()
            .then(|| category_axis(&names, plot.dim_in_pixel().0.saturating_sub(PLOT_FURNITURE)));
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(categories.map_or(56, |c| c.label_area))
            .y_label_area_size(90)
            .build_cartesian_2d(x_range.clone(), y_range.clone())?;
        let y_desc = match self.measure {
            SweepMeasure::Objective => format!(
                "{} over the horizon{}",
                view.objective,
                in_currency(&view.currency)
            ),
            SweepMeasure::Regret => format!("regret vs the oracle{}", in_currency(&view.currency)),
        };
        let x_label = |x: &f64| match categories {
            Some(c) => c.label(&names, *x),
            None => numeric_tick(*x, &x_range),
        };
        let mut mesh = chart.configure_mesh();
        mesh.light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_desc(axis.title.as_str())
            .y_desc(y_desc)
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, TICK_SIZE))
            .y_label_formatter(&|v| human(*v))
            .x_label_formatter(&x_label);
        if categories.is_some() {
            mesh.x_labels(names.len().max(1));
        }
        mesh.draw()?;
        if let Some(categories) = categories {
            let at: Vec<(i32, i32)> = (0..names.len())
                .map(|i| chart.backend_coord(&(i as f64, y_range.start)))
                .collect();
            categories.draw_names(&plot, &names, &at)?;
        }
        if y_range.start < 0.0 && y_range.end > 0.0 {
            draw_line(
                &mut chart,
                vec![(x_range.start, 0.0), (x_range.end, 0.0)],
                ZERO_COLOUR.stroke_width(1),
                None,
            )?;
        }
        // On a single step the policies stand side by side, in legend order.
        let dodge = |policy: usize| {
            if axis.labels.len() == 1 {
                let n = view.policies.len().max(1) as f64;
                ((policy as f64 + 0.5) / n - 0.5) * DODGE_WIDTH
            } else {
                0.0
            }
        };
        for (index, (policy, points)) in view.policies.iter().zip(&series).enumerate() {
            let look = policy.look;
            let points: Vec<_> = points.iter().map(|(x, i)| (x + dodge(index), *i)).collect();
            let banded: Vec<_> = points
                .iter()
                .filter(|(_, i)| i.low.is_finite() && i.high.is_finite())
                .collect();
            if let [(x, i)] = banded.as_slice() {
                let whisker = look.colour.stroke_width(2);
                let cap = 0.2 * DODGE_WIDTH / view.policies.len().max(1) as f64;
                let stem = vec![(*x, i.low), (*x, i.high)];
                draw_line(&mut chart, stem, whisker, look.stroke.pattern())?;
                for y in [i.low, i.high] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x - cap, y), (x + cap, y)],
                        whisker,
                    )))?;
                }
            } else if banded.len() > 1 {
                let xs: Vec<f64> = banded.iter().map(|(x, _)| *x).collect();
                let lows: Vec<f64> = banded.iter().map(|(_, i)| i.low).collect();
                let highs: Vec<f64> = banded.iter().map(|(_, i)| i.high).collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    band(&xs, &lows, &highs),
                    look.colour.mix(0.18).filled(),
                )))?;
            }
            let line: Vec<(f64, f64)> = points.iter().map(|(x, i)| (*x, i.mean)).collect();
            if line.len() > 1 {
                let style = look.colour.stroke_width(3);
                draw_line(&mut chart, line.clone(), style, look.stroke.pattern())?;
            }
            chart.draw_series(
                line.iter()
                    .map(|&p| Circle::new(p, DOT_RADIUS, look.colour.filled())),
            )?;
        }
        let entries = view
            .policies
            .iter()
            .map(|p| (p.name.clone(), Mark::Line(p.look.colour, p.look.stroke)))
            .collect();
        Legend::new("policy (band: 95%)", entries).draw(&legend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ticks_have_the_decimals_their_steps_need() {
        assert_eq!(numeric_tick(0.05, &(0.0..0.15)), "0.05");
        assert_eq!(numeric_tick(0.1, &(0.0..0.15)), "0.1");
        assert_eq!(numeric_tick(20_000.0, &(5_000.0..20_000.0)), "20k");
        assert_eq!(numeric_tick(7_500.0, &(5_000.0..20_000.0)), "7.5k");
        assert_eq!(numeric_tick(7_500.0, &(5_000.0..9_000.0)), "7500");
        assert_eq!(numeric_tick(3.0, &(1.0..3.0)), "3");
        assert_eq!(numeric_tick(2.5, &(1.0..3.0)), "2.5");
        assert_eq!(numeric_tick(-0.0001, &(-1.0..1.0)), "0");
        assert_eq!(numeric_tick(1.0, &(1.0..1.0)), "1");
    }

    #[test]
    fn value_ranges_stay_above_zero_when_the_figures_do() {
        assert_eq!(value_range(0.0, 100.0), 0.0..108.0);
        assert_eq!(value_range(50.0, 100.0), 46.0..104.0);
        assert_eq!(value_range(-100.0, 0.0), -108.0..8.0);
        assert_eq!(value_range(5.0, 5.0), 2.5..7.5, "one value in the middle");
        assert_eq!(value_range(0.0, 0.0), 0.0..1.0);
        assert_eq!(
            value_range(f64::INFINITY, f64::NEG_INFINITY),
            0.0..1.0,
            "no value"
        );
    }

    #[test]
    fn titles_name_the_sweep_when_it_fits() {
        assert_eq!(
            title_in("Regret", "default", ", with 95% bands"),
            "Regret in default, with 95% bands"
        );
        let long = "x".repeat(64);
        assert_eq!(
            title_in(
                "Regret by policy across daily_budget",
                &long,
                ", with 95% bands"
            ),
            "Regret by policy across daily_budget, with 95% bands"
        );
        assert_eq!(in_currency(""), "");
        assert_eq!(in_currency("EUR"), " (EUR)");
    }
}
