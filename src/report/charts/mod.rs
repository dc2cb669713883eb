//! One module per chart; each draws on any plotters backend, so the same code writes the PNG
//! and the SVG.
//!
//! | file stem | module | what it shows |
//! |---|---|---|
//! | `allocation-<policy>` | [`allocation`] | the budget-shift chart of one policy, with the oracle's split dashed |
//! | `allocation-compare` | [`allocation`] | the same for every policy, as small multiples |
//! | `revenue` | [`series`] | cumulative revenue per policy with its 95% band |
//! | `regret` (and `regret-log`) | [`series`] | cumulative regret per policy with its 95% band |
//! | `roas` | [`roas`] | final ROAS per policy with its interval, oracle as reference |
//! | `channels` | [`channels`] | spend and ROAS per channel under each policy |
//!
//! PNGs are written by [`palette_png`].

pub mod allocation;
pub mod channels;
pub mod palette_png;
pub mod roas;
pub mod series;

use super::data::ReportData;
use super::style::{FONT, LABEL_SIZE, LEGEND_WIDTH, SIZE, TITLE_SIZE, policy_look};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::error::Error;
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

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    /// A filled square (areas and bars).
    Swatch(RGBColor),
    /// A line, dashed or solid.
    Line(RGBColor, bool),
    /// No mark: a continuation of the entry above.
    Blank,
}

/// Splits off the legend panel at the right, so that legends never cover data.
pub fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let width = area.dim_in_pixel().0;
    area.split_horizontally(width.saturating_sub(LEGEND_WIDTH))
}

/// Draws legend entries top-down in a legend panel.
pub fn draw_legend<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    heading: &str,
    entries: &[(String, Mark)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let style = (FONT, LABEL_SIZE).into_font();
    let line_height = LABEL_SIZE as i32 + 12;
    let mut y = 40;
    panel.draw(&Text::new(
        heading.to_owned(),
        (10, y),
        style.clone().style(FontStyle::Bold),
    ))?;
    y += line_height;
    for (label, mark) in entries {
        match *mark {
            Mark::Blank => {}
            Mark::Swatch(colour) => {
                panel.draw(&Rectangle::new([(10, y), (34, y + 18)], colour.filled()))?;
            }
            Mark::Line(colour, dashed) => {
                let stroke = colour.stroke_width(3);
                if dashed {
                    for x in [10, 22] {
                        panel.draw(&PathElement::new(vec![(x, y + 9), (x + 8, y + 9)], stroke))?;
                    }
                } else {
                    panel.draw(&PathElement::new(vec![(10, y + 9), (34, y + 9)], stroke))?;
                }
            }
        }
        panel.draw(&Text::new(label.clone(), (44, y), style.clone()))?;
        y += line_height;
    }
    Ok(())
}

/// Legend entries for every policy in scenario order: a line in the policy's style for
/// series charts, a swatch in its colour for bar charts.
pub fn policy_entries(data: &ReportData, as_lines: bool) -> Vec<(String, Mark)> {
    data.scenario
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let look = policy_look(i, &p.kind);
            let mark = if as_lines {
                Mark::Line(look.colour, look.dashed)
            } else {
                Mark::Swatch(look.colour)
            };
            (p.name.clone(), mark)
        })
        .collect()
}

/// The tick label of a categorical axis drawn on `-0.5..n - 0.5`: the name at a whole
/// position, nothing between.
pub fn category_label<S: AsRef<str>>(names: &[S], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
        names[i as usize].as_ref().to_owned()
    } else {
        String::new()
    }
}

/// The closed outline of a band between `low` and `high` over `xs`, for a filled polygon.
pub fn band(xs: &[f64], low: &[f64], high: &[f64]) -> Vec<(f64, f64)> {
    let upper = xs.iter().copied().zip(high.iter().copied());
    let lower = xs.iter().copied().zip(low.iter().copied()).rev();
    upper.chain(lower).collect()
}

/// Most points a series is drawn with: a chart is about 900 pixels wide, so longer horizons
/// are drawn as buckets of consecutive days.
pub const MAX_POINTS: usize = 400;

/// Consecutive day ranges (zero-based) covering `days` in at most [`MAX_POINTS`] buckets.
pub fn day_buckets(days: usize) -> Vec<std::ops::Range<usize>> {
    let step = days.div_ceil(MAX_POINTS).max(1);
    (0..days)
        .step_by(step)
        .map(|start| start..(start + step).min(days))
        .collect()
}

/// A rounded-up axis maximum with a little headroom.
pub fn axis_max(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value * 1.08
    } else {
        1.0
    }
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
}
