//! A sequential colour scale for values drawn as colours (the cells of a heatmap), and its
//! colour bar, drawn in a chart's legend panel.
//!
//! The scale is viridis (van der Walt and Smith, for matplotlib): it runs from dark violet
//! (lowest) to yellow (highest), grows lighter all the way, so it reads in grey too, and stays
//! ordered with colour-vision deficiencies. It is interpolated between nine anchors. A scale
//! whose values are all equal is flat: every value takes the middle colour and the bar says
//! so. Values that are not finite take no colour of the scale; the chart marks them apart.

use crate::output::table::thousands;
use crate::report::style::{
    FONT, LABEL_SIZE, TICK_SIZE, bold_text_width, chars_within, human, shorten,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::legend::Mark;

/// Nine colours along viridis, lowest first.
const VIRIDIS: [RGBColor; 9] = [
    RGBColor(68, 1, 84),
    RGBColor(71, 45, 123),
    RGBColor(59, 82, 139),
    RGBColor(44, 114, 142),
    RGBColor(33, 145, 140),
    RGBColor(40, 174, 128),
    RGBColor(94, 201, 98),
    RGBColor(173, 220, 48),
    RGBColor(253, 231, 37),
];

/// How many bands the colour bar is drawn with (a PNG keeps at most 256 colours).
const BAR_STEPS: usize = 64;
/// How many values the colour bar names, lowest and highest included.
const BAR_TICKS: usize = 5;
/// Left edge of the bar in its panel.
const BAR_LEFT: i32 = 10;
/// Width of the bar.
const BAR_WIDTH: i32 = 28;
/// Top of the bar, below the heading.
const BAR_TOP: i32 = 80;
/// Tallest the bar is drawn.
const BAR_HEIGHT: i32 = 420;

/// The colour at `t` along the scale, `0` lowest and `1` highest (clamped; NaN is the middle).
pub fn sequential(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
    let at = t * (VIRIDIS.len() - 1) as f64;
    let i = (at.floor() as usize).min(VIRIDIS.len() - 2);
    let f = at - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `background` (by its relative luminance).
pub fn text_colour(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luminance = 0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64;
    if luminance < 140.0 { WHITE } else { BLACK }
}

/// Values from `low` to `high` mapped onto [`sequential`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColourScale {
    /// The lowest value (the darkest colour).
    pub low: f64,
    /// The highest value (the lightest colour).
    pub high: f64,
}

impl ColourScale {
    /// The scale spanning the finite values of `values`, or `None` when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<ColourScale> {
        values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(None, |scale: Option<ColourScale>, v| {
                Some(match scale {
                    None => ColourScale { low: v, high: v },
                    Some(s) => ColourScale {
                        low: s.low.min(v),
                        high: s.high.max(v),
                    },
                })
            })
    }

    /// Whether every value is the same.
    pub fn is_flat(&self) -> bool {
        self.high - self.low <= 0.0 || !(self.high - self.low).is_finite()
    }

    /// Where `value` sits along the scale, from 0 to 1 (the middle on a flat scale or for NaN).
    pub fn fraction(&self, value: f64) -> f64 {
        if self.is_flat() || value.is_nan() {
            0.5
        } else {
            ((value - self.low) / (self.high - self.low)).clamp(0.0, 1.0)
        }
    }

    /// The colour of `value`.
    pub fn colour(&self, value: f64) -> RGBColor {
        sequential(self.fraction(value))
    }

    /// The values the colour bar names: five evenly spaced, or the one value of a
    /// flat scale.
    pub fn ticks(&self) -> Vec<f64> {
        if self.is_flat() {
            return vec![self.low];
        }
        let step = (self.high - self.low) / (BAR_TICKS - 1) as f64;
        (0..BAR_TICKS)
            .map(|i| {
                if i == BAR_TICKS - 1 {
                    self.high
                } else {
                    self.low + step * i as f64
                }
            })
            .collect()
    }
}

/// A figure written whole: thousands separated, with two decimals below 100 (`1,612,345`,
/// `45.20`).
pub fn whole_figure(value: f64) -> String {
    thousands(value, if value.abs() >= 100.0 { 0 } else { 2 })
}

/// Labels of `values` (in order) that differ from their neighbours where the values do: short
/// (`1.6M`) when that tells them apart, else with digits enough.
pub fn distinct_labels(values: &[f64]) -> Vec<String> {
    let distinct = |labels: &[String]| {
        labels
            .windows(2)
            .zip(values.windows(2))
            .all(|(l, v)| v[0] == v[1] || l[0] != l[1])
    };
    let short: Vec<String> = values.iter().map(|&v| human(v)).collect();
    if distinct(&short) {
        return short;
    }
    for decimals in 0..6 {
        let long: Vec<String> = values.iter().map(|&v| thousands(v, decimals)).collect();
        if distinct(&long) {
            return long;
        }
    }
    values.iter().map(|&v| thousands(v, 6)).collect()
}

/// A colour bar: a heading, the scale from the highest value (top) to the lowest, and entries
/// under it (such as what a grey cell means).
#[derive(Debug, Clone, PartialEq)]
pub struct ColourBar {
    /// What the colours measure, with its unit.
    pub heading: String,
    /// The scale, or `None` when no value is finite.
    pub scale: Option<ColourScale>,
    /// Marked entries under the bar.
    pub entries: Vec<(String, Mark)>,
}

impl ColourBar {
    /// Draws the bar in `panel` (a chart's legend panel).
    pub fn draw<DB: DrawingBackend>(&self, panel: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (width, height) = panel.dim_in_pixel();
        let heading_size = if bold_text_width(&self.heading, LABEL_SIZE) + 14 <= width {
            LABEL_SIZE
        } else {
            TICK_SIZE
        };
        panel.draw(&Text::new(
            shorten(
                &self.heading,
                chars_within(width.saturating_sub(14), heading_size),
            ),
            (BAR_LEFT, 40),
            (FONT, heading_size).into_font().style(FontStyle::Bold),
        ))?;
        let label_style = (FONT, TICK_SIZE)
            .into_font()
            .into_text_style(panel)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let label_x = BAR_LEFT + BAR_WIDTH + 10;
        let label_chars = chars_within(width.saturating_sub(label_x as u32 + 4), TICK_SIZE);
        let bar_height = BAR_HEIGHT
            .min(height as i32 - BAR_TOP - 40 - 30 * self.entries.len() as i32)
            .max(40);
        let bottom = BAR_TOP + bar_height;
        match self.scale {
            None => {
                panel.draw(&Text::new(
                    "no finite value",
                    (BAR_LEFT, BAR_TOP + 10),
                    label_style.clone(),
                ))?;
            }
            Some(scale) if scale.is_flat() => {
                panel.draw(&Rectangle::new(
                    [(BAR_LEFT, BAR_TOP), (BAR_LEFT + BAR_WIDTH, bottom)],
                    sequential(0.5).filled(),
                ))?;
                let label = format!("all {}", whole_figure(scale.low));
                panel.draw(&Text::new(
                    shorten(&label, label_chars),
                    (label_x, (BAR_TOP + bottom) / 2),
                    label_style.clone(),
                ))?;
            }
            Some(scale) => {
                for step in 0..BAR_STEPS {
                    // Top band highest.
                    let t = 1.0 - (step as f64 + 0.5) / BAR_STEPS as f64;
                    let top = BAR_TOP + bar_height * step as i32 / BAR_STEPS as i32;
                    let end = BAR_TOP + bar_height * (step as i32 + 1) / BAR_STEPS as i32;
                    panel.draw(&Rectangle::new(
                        [(BAR_LEFT, top), (BAR_LEFT + BAR_WIDTH, end)],
                        sequential(t).filled(),
                    ))?;
                }
                let ticks = scale.ticks();
                for (value, label) in ticks.iter().zip(distinct_labels(&ticks)) {
                    let y = bottom - (scale.fraction(*value) * bar_height as f64).round() as i32;
                    panel.draw(&PathElement::new(
                        vec![(BAR_LEFT + BAR_WIDTH, y), (BAR_LEFT + BAR_WIDTH + 6, y)],
                        BLACK.stroke_width(1),
                    ))?;
                    panel.draw(&Text::new(
                        shorten(&label, label_chars),
                        (label_x, y),
                        label_style.clone(),
                    ))?;
                }
            }
        }
        if self.scale.is_some() {
            panel.draw(&Rectangle::new(
                [(BAR_LEFT, BAR_TOP), (BAR_LEFT + BAR_WIDTH, bottom)],
                BLACK.mix(0.4).stroke_width(1),
            ))?;
        }
        for (i, (label, mark)) in self.entries.iter().enumerate() {
            let y = bottom + 30 + 30 * i as i32;
            let swatch = [(BAR_LEFT, y - 9), (BAR_LEFT + BAR_WIDTH, y + 9)];
            match *mark {
                Mark::Swatch(c) => panel.draw(&Rectangle::new(swatch, c.filled()))?,
                Mark::Outline(c) | Mark::HollowSwatch(c) | Mark::Dot(c) | Mark::Line(c, _) => {
                    panel.draw(&Rectangle::new(swatch, c.stroke_width(1)))?
                }
                Mark::Blank => {}
            }
            panel.draw(&Text::new(
                shorten(label, label_chars),
                (label_x, y),
                label_style.clone(),
            ))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_runs_dark_to_light_and_clamps() {
        assert_eq!(sequential(0.0), VIRIDIS[0]);
        assert_eq!(sequential(1.0), VIRIDIS[8]);
        assert_eq!(sequential(-3.0), VIRIDIS[0]);
        assert_eq!(sequential(7.0), VIRIDIS[8]);
        assert_eq!(sequential(0.5), VIRIDIS[4]);
        assert_eq!(sequential(f64::NAN), VIRIDIS[4]);
        assert_eq!(text_colour(sequential(0.0)), WHITE);
        assert_eq!(text_colour(sequential(1.0)), BLACK);
    }

    #[test]
    fn a_scale_spans_the_finite_values() {
        let scale = ColourScale::of([3.0, f64::NAN, -1.0, f64::INFINITY, 7.0]).unwrap();
        assert_eq!((scale.low, scale.high), (-1.0, 7.0));
        assert_eq!(scale.fraction(3.0), 0.5);
        assert_eq!(scale.fraction(f64::INFINITY), 1.0);
        assert_eq!(scale.fraction(f64::NEG_INFINITY), 0.0);
        assert_eq!(scale.fraction(f64::NAN), 0.5);
        assert_eq!(scale.ticks(), vec![-1.0, 1.0, 3.0, 5.0, 7.0]);
        assert!(ColourScale::of([f64::NAN]).is_none());
        assert!(ColourScale::of([]).is_none());
    }

    #[test]
    fn a_flat_scale_takes_the_middle_colour() {
        let scale = ColourScale::of([5.0, 5.0]).unwrap();
        assert!(scale.is_flat());
        assert_eq!(scale.colour(5.0), sequential(0.5));
        assert_eq!(scale.ticks(), vec![5.0]);
        let huge = ColourScale {
            low: -f64::MAX,
            high: f64::MAX,
        };
        assert!(huge.is_flat(), "a span that overflows is not divided by");
        assert_eq!(huge.fraction(0.0), 0.5);
    }

    #[test]
    fn labels_grow_digits_until_they_differ() {
        assert_eq!(whole_figure(1_612_345.4), "1,612,345");
        assert_eq!(whole_figure(45.2), "45.20");
        assert_eq!(distinct_labels(&[1.0e6, 2.0e6]), ["1M", "2M"]);
        assert_eq!(
            distinct_labels(&[1_600_000.0, 1_620_000.0]),
            ["1,600,000", "1,620,000"]
        );
        assert_eq!(distinct_labels(&[0.5, 0.5]), ["0.50", "0.50"]);
        assert_eq!(distinct_labels(&[0.1, 0.1001]), ["0.1000", "0.1001"]);
    }
}
