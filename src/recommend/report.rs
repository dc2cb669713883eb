//! The recommendation's charts and its report page: `charts/response.{svg,png}`,
//! `charts/split.{svg,png}` and `report.html`, written by [`draw_report`].
//!
//! | file stem | what it shows |
//! |---|---|
//! | `response` | per channel, the posterior expected daily revenue against daily spend with its 90% band, the history's days as dots, the current and recommended spends and the 90% interval of the optimal spend |
//! | `split` | per channel, ranked by recommended spend, the current and recommended daily spends, the 90% interval of the optimal spend as a whisker and the explore spend (the recommended split moved towards the learner's) |
//!
//! **Response panels.** One panel per channel, as many columns as give the largest panels of
//! about [`PANEL_ASPECT`] (width / height) ([`grid`]). The spend axis reaches [`SPEND_SPAN`]
//! times the largest spend the panel marks ([`spend_top`]), so the curve is seen a little
//! beyond the spends it was learnt from. Single days' revenue is noisy, so the history's dots
//! scatter around the curve; the revenue axis ends at the larger of
//! [`HEADROOM`] times the band's top and the 99th percentile of the dots (the lower order
//! statistic, so of fewer than a hundred days the highest is left out), but never above
//! [`MAX_HEADROOM`] times the band's top ([`revenue_top`]), so outlying days do not flatten
//! the curve: days above the top are drawn as small triangles on it.
//!
//! The page reuses the scenario report's building blocks ([`crate::report::html`]): the same
//! style sheet, escaping and inline charts, with the generator mark in its head.

use super::{ChannelAdvice, Recommendation, ResponseBand};
use crate::error::at_path;
use crate::fit::Estimate;
use crate::output::table::{money, thousands, with_sign};
use crate::report::charts::axis::category_label;
use crate::report::charts::legend::{Legend, Mark, draw_rows, row_layout, with_legend};
use crate::report::charts::{Chart, DrawResult, axis_max, band, draw_line};
use crate::report::html::{InlineChart, escape, figure, head};
use crate::report::style::{
    DASH, FONT, LABEL_SIZE, MIN_TEXT_SIZE, SMALL_DASH, Stroke, TICK_SIZE, chars_within,
    chart_amount, human, register_fonts, shorten, text_width,
};
use crate::report::{CHARTS_DIR, ReportError, draw_inline};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The posterior mean response and its band.
const CURVE_COLOUR: RGBColor = RGBColor(0, 114, 178);
/// The recommended spend, its bar and the interval of the optimal spend.
const ACCENT_COLOUR: RGBColor = RGBColor(213, 94, 0);
/// The current spend's marker.
const CURRENT_COLOUR: RGBColor = RGBColor(110, 110, 110);
/// The current spend's bar.
const CURRENT_BAR_COLOUR: RGBColor = RGBColor(170, 170, 170);
/// The history's days.
const DOT_COLOUR: RGBColor = RGBColor(30, 30, 30);
/// The explore spend's marker.
const EXPLORE_COLOUR: RGBColor = RGBColor(0, 158, 115);
/// The recommended spend written beside its bar.
const VALUE_COLOUR: RGBColor = RGBColor(40, 40, 40);
/// Pixels between the right end of a row's marks and the recommended spend written there.
const VALUE_GAP: u32 = 8;
/// Opacity of the 90% band of the response.
const BAND_OPACITY: f64 = 0.22;
/// Opacity of the strip of the optimal spend's 90% interval.
const STRIP_OPACITY: f64 = 0.14;
/// Opacity of a day's dot.
const DOT_OPACITY: f64 = 0.3;
/// Width over height the response panels are planned for.
pub const PANEL_ASPECT: f64 = 1.4;
/// The spend axis reaches this multiple of the largest spend a response panel marks.
pub const SPEND_SPAN: f64 = 1.5;
/// The revenue axis reaches at least this multiple of the band's top.
pub const HEADROOM: f64 = 1.3;
/// The revenue axis reaches at most this multiple of the band's top.
pub const MAX_HEADROOM: f64 = 2.5;
/// The share of the days whose revenue the axis tries to hold.
const DOT_QUANTILE: f64 = 0.99;
/// Width of the strip at the left of the response chart that holds the revenue axis's name.
const Y_DESC_WIDTH: u32 = 32;
/// Height of the line under the response panels that holds the spend axis's name.
const X_DESC_HEIGHT: u32 = 30;

/// `colour` at `opacity` over white, for legend marks of translucent areas.
fn over_white(colour: RGBColor, opacity: f64) -> RGBColor {
    let blend = |c: u8| (f64::from(c) * opacity + 255.0 * (1.0 - opacity)).round() as u8;
    RGBColor(blend(colour.0), blend(colour.1), blend(colour.2))
}

/// Rows and columns of the response panels of `count` channels on an area of `width` ×
/// `height` pixels: the grid whose panels, cut to [`PANEL_ASPECT`], are largest (ties to
/// fewer columns).
pub fn grid(count: usize, (width, height): (u32, u32)) -> (usize, usize) {
    let count = count.max(1);
    let mut best = (1, 1);
    let mut best_size = f64::NEG_INFINITY;
    for columns in 1..=count {
        let rows = count.div_ceil(columns);
        let panel_width = f64::from(width) / columns as f64;
        let panel_height = f64::from(height) / rows as f64;
        let size = panel_width.min(panel_height * PANEL_ASPECT);
        if size > best_size + 1e-9 {
            best_size = size;
            best = (rows, columns);
        }
    }
    best
}

/// A response band's points `[spend, mean, low, high]` up to `x_top`, the last one
/// interpolated at `x_top`.
pub fn band_until(band: &ResponseBand, x_top: f64) -> Vec<[f64; 4]> {
    let count = band
        .spend
        .len()
        .min(band.mean.len())
        .min(band.low.len())
        .min(band.high.len());
    let point = |k: usize| [band.spend[k], band.mean[k], band.low[k], band.high[k]];
    let mut points = Vec::with_capacity(count);
    for k in 0..count {
        let here = point(k);
        if here[0] <= x_top {
            points.push(here);
            continue;
        }
        if let Some(before) = points.last().copied().filter(|b| b[0] < x_top) {
            let t = (x_top - before[0]) / (here[0] - before[0]);
            let mut at = [x_top; 4];
            for v in 1..4 {
                at[v] = before[v] + t * (here[v] - before[v]);
            }
            points.push(at);
        }
        break;
    }
    points
}

/// Where the revenue axis of a response panel whose spend axis ends at `x_top` ends (see the
/// module docs).
pub fn revenue_top(band: Option<&ResponseBand>, x_top: f64) -> f64 {
    let band_top = band
        .map(|b| {
            band_until(b, x_top)
                .iter()
                .flat_map(|p| [p[1], p[3]])
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max)
        })
        .unwrap_or(0.0);
    let mut days: Vec<f64> = band
        .map(|b| {
            b.history
                .iter()
                .map(|p| p.1)
                .filter(|v| v.is_finite())
                .collect()
        })
        .unwrap_or_default();
    days.sort_by(f64::total_cmp);
    // The lower order statistic at the quantile: of fewer than a hundred days, the highest
    // is left out, so one outlying day cannot set the axis.
    let most_days = days
        .get(((days.len().saturating_sub(1)) as f64 * DOT_QUANTILE).floor() as usize)
        .copied()
        .unwrap_or(0.0);
    let top = if band_top > 0.0 {
        (HEADROOM * band_top).max(most_days.min(MAX_HEADROOM * band_top))
    } else {
        axis_max(most_days)
    };
    if top > 0.0 { top } else { 1.0 }
}

/// Where the spend axis of a response panel ends: [`SPEND_SPAN`] times the largest spend the
/// panel marks (a day of the history, the current and recommended spends, the top of the
/// optimal spend's interval), within the band's spends.
pub fn spend_top(advice: &ChannelAdvice, band: Option<&ResponseBand>) -> f64 {
    let band_end = band
        .and_then(|b| b.spend.last().copied())
        .filter(|v| v.is_finite())
        .unwrap_or(0.0);
    let days = band
        .map(|b| b.history.iter().map(|p| p.0).fold(0.0, f64::max))
        .unwrap_or(0.0);
    let marked = [
        advice.current_spend,
        advice.recommended_spend,
        advice.spend_high,
        days,
    ]
    .into_iter()
    .filter(|v| v.is_finite())
    .fold(0.0, f64::max);
    if marked <= 0.0 {
        if band_end > 0.0 { band_end } else { 1.0 }
    } else if band_end >= marked {
        band_end.min(SPEND_SPAN * marked)
    } else {
        axis_max(marked)
    }
}

/// What a channel's panel says after its name; `short` for a narrow panel, where a frozen
/// channel (held at its spend whatever its returns) says only that.
fn panel_suffix(advice: &ChannelAdvice, short: bool) -> &'static str {
    match (advice.saturation_known, advice.frozen, short) {
        (true, false, _) => "",
        (true, true, _) | (false, true, true) => " (frozen)",
        (false, true, false) => " (diminishing returns unknown) (frozen)",
        (false, false, false) => " (diminishing returns unknown)",
        (false, false, true) => " (returns unknown)",
    }
}

/// The title of a channel's panel fitted to `width` pixels, with its text size: the channel's
/// name, then " (diminishing returns unknown)" and " (frozen)" where they apply; the text
/// shrinks to [`MIN_TEXT_SIZE`], then the note is shortened (`panel_suffix`), then the
/// name.
pub fn panel_title(advice: &ChannelAdvice, width: u32) -> (String, u32) {
    for short in [false, true] {
        let title = format!("{}{}", advice.channel, panel_suffix(advice, short));
        for size in [LABEL_SIZE, 18, TICK_SIZE, 14, MIN_TEXT_SIZE] {
            if text_width(&title, size) <= width {
                return (title, size);
            }
        }
    }
    let suffix = panel_suffix(advice, true);
    let room = chars_within(width, MIN_TEXT_SIZE).saturating_sub(suffix.chars().count());
    let name = shorten(&advice.channel, room.max(4));
    (format!("{name}{suffix}"), MIN_TEXT_SIZE)
}

/// Channel indices by recommended spend, largest first (ties in account order).
pub fn ranked(recommendation: &Recommendation) -> Vec<usize> {
    let channels = &recommendation.channels;
    let mut order: Vec<usize> = (0..channels.len()).collect();
    order.sort_by(|&a, &b| {
        channels[b]
            .recommended_spend
            .total_cmp(&channels[a].recommended_spend)
            .then(a.cmp(&b))
    });
    order
}

/// Each channel's posterior response to its daily spend, as small multiples.
pub struct Response<'a> {
    /// The recommendation.
    pub recommendation: &'a Recommendation,
}

impl Response<'_> {
    fn legend_entries() -> Vec<(String, Mark)> {
        vec![
            (
                "expected revenue".into(),
                Mark::Line(CURVE_COLOUR, Stroke::Solid),
            ),
            (
                "90% band".into(),
                Mark::Swatch(over_white(CURVE_COLOUR, BAND_OPACITY)),
            ),
            (
                "days of history".into(),
                Mark::Dot(over_white(DOT_COLOUR, 0.6)),
            ),
            (
                "current spend".into(),
                Mark::Line(CURRENT_COLOUR, Stroke::Dashed),
            ),
            (
                "recommended spend".into(),
                Mark::Line(ACCENT_COLOUR, Stroke::Solid),
            ),
            (
                "90% interval of optimal spend".into(),
                Mark::Swatch(over_white(ACCENT_COLOUR, STRIP_OPACITY)),
            ),
        ]
    }
}

/// Draws one channel's response panel.
fn draw_response_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    advice: &ChannelAdvice,
    band_of: Option<&ResponseBand>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (width, height) = area.dim_in_pixel();
    let compact = width < 420 || height < 300;
    let (title, title_size) = panel_title(advice, width.saturating_sub(16));
    let tick = if compact { MIN_TEXT_SIZE } else { TICK_SIZE };
    let x_top = spend_top(advice, band_of);
    let y_top = revenue_top(band_of, x_top);
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, title_size))
        .margin(6)
        .margin_right(if compact { 14 } else { 20 })
        .x_label_area_size(if compact { 20 } else { 28 })
        .y_label_area_size(if compact { 40 } else { 56 })
        .build_cartesian_2d(0f64..x_top, 0f64..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.07))
        .x_labels(if compact { 4 } else { 6 })
        .y_labels(if compact { 4 } else { 6 })
        .label_style((FONT, tick))
        .x_label_formatter(&|v| human(*v))
        .y_label_formatter(&|v| human(*v))
        .draw()?;

    let (low, high) = (advice.spend_low.max(0.0), advice.spend_high.min(x_top));
    if low.is_finite() && high.is_finite() && high >= low {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(low, 0.0), (high, y_top)],
            ACCENT_COLOUR.mix(STRIP_OPACITY).filled(),
        )))?;
    }
    if let Some(b) = band_of {
        let points = band_until(b, x_top);
        let column = |v: usize| points.iter().map(|p| p[v]).collect::<Vec<f64>>();
        if points.len() > 1 {
            let outline = band(&column(0), &column(2), &column(3));
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                CURVE_COLOUR.mix(BAND_OPACITY).filled(),
            )))?;
        }
        let radius = if compact { 2 } else { 3 };
        let dot = DOT_COLOUR.mix(DOT_OPACITY).filled();
        let days = b
            .history
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite());
        chart.draw_series(
            days.clone()
                .filter(|p| p.1 <= y_top)
                .map(|&(s, r)| Circle::new((s, r.max(0.0)), radius, dot)),
        )?;
        // Days beyond the revenue axis: a triangle on its top edge.
        chart.draw_series(
            days.filter(|p| p.1 > y_top)
                .map(|&(s, _)| TriangleMarker::new((s, y_top), radius + 2, dot)),
        )?;
        let mean: Vec<(f64, f64)> = points.iter().map(|p| (p[0], p[1])).collect();
        draw_line(&mut chart, mean, CURVE_COLOUR.stroke_width(2), None)?;
    }
    let across = |x: f64| vec![(x, 0.0), (x, y_top)];
    let dashes = if compact { SMALL_DASH } else { DASH };
    draw_line(
        &mut chart,
        across(advice.current_spend),
        CURRENT_COLOUR.stroke_width(2),
        Some(dashes),
    )?;
    draw_line(
        &mut chart,
        across(advice.recommended_spend),
        ACCENT_COLOUR.stroke_width(2),
        None,
    )?;
    Ok(())
}

impl Chart for Response<'_> {
    fn stem(&self) -> String {
        "response".into()
    }

    fn title(&self) -> String {
        format!(
            "Expected daily revenue against daily spend in {}, with 90% bands",
            self.recommendation.account
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let r = self.recommendation;
        let (width, height) = area.dim_in_pixel();
        let entries = Self::legend_entries();
        let labels: Vec<&str> = entries.iter().map(|(l, _)| l.as_str()).collect();
        let legend_height = row_layout(&labels, width.saturating_sub(20)).height() + 8;
        let (upper, lower) =
            area.split_vertically(height.saturating_sub(X_DESC_HEIGHT + legend_height));
        let (y_desc, panels) = upper.split_horizontally(Y_DESC_WIDTH);
        let (x_desc, legend) = lower.split_vertically(X_DESC_HEIGHT);
        let (y_width, y_height) = y_desc.dim_in_pixel();
        y_desc.draw(&Text::new(
            format!("daily revenue ({})", r.currency),
            (y_width as i32 / 2, y_height as i32 / 2),
            (FONT, LABEL_SIZE)
                .into_font()
                .transform(FontTransform::Rotate270)
                .into_text_style(&y_desc)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        let (x_width, _) = x_desc.dim_in_pixel();
        x_desc.draw(&Text::new(
            format!("daily spend ({})", r.currency),
            (
                (Y_DESC_WIDTH + x_width) as i32 / 2,
                X_DESC_HEIGHT as i32 / 2,
            ),
            (FONT, LABEL_SIZE)
                .into_font()
                .into_text_style(&x_desc)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        let (rows, columns) = grid(r.channels.len(), panels.dim_in_pixel());
        for (i, (panel, advice)) in panels
            .split_evenly((rows, columns))
            .iter()
            .zip(&r.channels)
            .enumerate()
        {
            draw_response_panel(panel, advice, r.bands.get(i))?;
        }
        draw_rows(&legend.margin(0, 0, 10, 10), &entries)
    }
}

/// Current and recommended daily spend per channel, ranked by recommended spend.
pub struct Split<'a> {
    /// The recommendation.
    pub recommendation: &'a Recommendation,
}

impl Split<'_> {
    fn legend() -> Legend {
        Legend::new(
            "daily spend",
            vec![
                (
                    "current (last day)".into(),
                    Mark::Swatch(CURRENT_BAR_COLOUR),
                ),
                ("recommended".into(), Mark::Swatch(ACCENT_COLOUR)),
                ("90% interval of".into(), Mark::Line(BLACK, Stroke::Solid)),
                ("the optimal spend".into(), Mark::Blank),
                ("explore (a test budget".into(), Mark::Dot(EXPLORE_COLOUR)),
                ("towards the learner)".into(), Mark::Blank),
            ],
        )
    }
}

impl Chart for Split<'_> {
    fn stem(&self) -> String {
        "split".into()
    }

    fn title(&self) -> String {
        format!(
            "Daily spend per channel in {}, ranked by recommended spend",
            self.recommendation.account
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let r = self.recommendation;
        let (plot, legend) = with_legend(area);
        let order = ranked(r);
        let count = order.len();
        let (plot_width, plot_height) = plot.dim_in_pixel();
        // Plenty of room a row: at most two lines of text high, at least small text.
        let tick = (plot_height / (count.max(1) as u32 * 2)).clamp(MIN_TEXT_SIZE, TICK_SIZE);
        let name_room = plot_width / 3;
        let max_chars = chars_within(name_room.saturating_sub(16), tick);
        // Category `y` is drawn from the top: the largest recommended spend first.
        let names: Vec<String> = order
            .iter()
            .rev()
            .map(|&i| {
                let c = &r.channels[i];
                let name = if c.frozen {
                    format!("{} (frozen)", c.channel)
                } else {
                    c.channel.clone()
                };
                shorten(&name, max_chars)
            })
            .collect();
        let label_area = names
            .iter()
            .map(|n| text_width(n, tick))
            .max()
            .unwrap_or(0)
            .clamp(40, name_room)
            + 16;
        let top = r
            .channels
            .iter()
            .flat_map(|c| {
                [
                    c.current_spend,
                    c.recommended_spend,
                    c.spend_high,
                    c.explore_spend,
                ]
            })
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        // The explore marker fits in its bar (a third of a row): 3 to 6 pixels of radius.
        let marker = (plot_height / (8 * count.max(1) as u32)).clamp(3, 6) as i32;
        // Each recommended spend is written right of its row's marks (bar, whisker, explore
        // marker), so the axis reaches far enough for the widest value to fit after them.
        let values: Vec<String> = r
            .channels
            .iter()
            .map(|c| chart_amount(c.recommended_spend))
            .collect();
        let room = f64::from(
            VALUE_GAP
                + marker as u32
                + values
                    .iter()
                    .map(|v| text_width(v, tick))
                    .max()
                    .unwrap_or(0),
        );
        let drawing = f64::from(plot_width.saturating_sub(label_area + 16 + 28)).max(2.0 * room);
        let reach = r
            .channels
            .iter()
            .map(|c| marks_end(c) * drawing / (drawing - room))
            .fold(top, f64::max);
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .margin_right(28)
            .x_label_area_size(56)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0f64..axis_max(reach), -0.5f64..count as f64 - 0.5)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .y_labels(count.max(1))
            .y_label_formatter(&|y| category_label(&names, *y))
            .x_label_formatter(&|x| human(*x))
            .x_desc(format!("daily spend ({})", r.currency))
            .axis_desc_style((FONT, LABEL_SIZE))
            .label_style((FONT, tick))
            .draw()?;
        let value_style = (FONT, tick)
            .into_font()
            .color(&VALUE_COLOUR)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (rank, &i) in order.iter().enumerate() {
            let c = &r.channels[i];
            let y = (count - 1 - rank) as f64;
            let (current, recommended) = (y + 0.2, y - 0.2);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, current - 0.17), (c.current_spend, current + 0.17)],
                CURRENT_BAR_COLOUR.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [
                    (0.0, recommended - 0.17),
                    (c.recommended_spend, recommended + 0.17),
                ],
                ACCENT_COLOUR.mix(0.85).filled(),
            )))?;
            let whisker = BLACK.stroke_width(2);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(c.spend_low, recommended), (c.spend_high, recommended)],
                whisker,
            )))?;
            for x in [c.spend_low, c.spend_high] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, recommended - 0.1), (x, recommended + 0.1)],
                    whisker,
                )))?;
            }
            let at = (c.explore_spend, recommended);
            chart.draw_series([
                Circle::new(at, marker, EXPLORE_COLOUR.filled()),
                Circle::new(at, marker, BLACK.stroke_width(1)),
            ])?;
            let gap = (VALUE_GAP as i32 + marker, 0);
            chart.draw_series(std::iter::once(
                EmptyElement::at((marks_end(c), recommended))
                    + Text::new(values[i].clone(), gap, value_style.clone()),
            ))?;
        }
        Self::legend().draw(&legend)
    }
}

/// Where a channel's marks on the split chart end on the right: its recommended bar, the
/// whisker of the optimal spend and the explore marker.
fn marks_end(advice: &ChannelAdvice) -> f64 {
    [
        advice.recommended_spend,
        advice.spend_high,
        advice.explore_spend,
    ]
    .into_iter()
    .filter(|v| v.is_finite())
    .fold(0.0, f64::max)
}

/// A mean with its 90% interval: `1,234 (1,100 – 1,380)`.
fn estimate(value: &Estimate, format: impl Fn(f64) -> String) -> String {
    format!(
        "{} ({} – {})",
        format(value.mean),
        format(value.low),
        format(value.high)
    )
}

/// The report page of a recommendation, with `charts` inlined.
pub fn page(recommendation: &Recommendation, charts: &[InlineChart]) -> String {
    let r = recommendation;
    let currency = escape(&r.currency);
    let mut page = head(&format!("{}: split for {}", r.account, r.date), true);
    let objective = match r.target_roas {
        Some(target) if r.objective == "profit" => format!(
            "profit at a target ROAS of {} (revenue / {} − spend)",
            thousands(target, 2),
            thousands(target, 2)
        ),
        _ => escape(&r.objective),
    };
    let _ = writeln!(
        page,
        "<h1>{account}: split for {date}</h1>\n<h2>What to do tomorrow</h2>\n<ol class=\"actions\">",
        account = escape(&r.account),
        date = escape(&r.date),
    );
    for action in &r.actions {
        let _ = writeln!(page, "<li>{}</li>", escape(action.text()));
    }
    let _ = writeln!(
        page,
        "</ol>\n<p>Budget {budget} {currency} a day; objective: {objective}. From {days} days of \
         history, {first} to {last}.</p>",
        days = r.history_days,
        first = escape(&r.first_date),
        last = escape(&r.last_date),
        budget = money(r.daily_budget),
    );

    let _ = writeln!(
        page,
        "<h2>Channels</h2>\n<p class=\"muted\">Money is in {currency} a day. Intervals are 90% \
         credible intervals over the posterior. The recommended split maximises the posterior \
         expected objective; the interval of the optimal spend is where the best split of a \
         single posterior draw puts the channel within the budget alone, what the data say; \
         <em>limited by</em> names the limit that decided the recommended spend where one did \
         (the account's floor or cap, a freeze, pacing, the hold of unknown returns, or the cap \
         at extrapolation_factor times the history's highest day); explore is a split for an \
         account that keeps learning: the recommended split moved towards the learner's own by at \
         most 20% of the budget.</p>\n\
         <table><tr><th>channel</th><th>current ({currency})</th>\
         <th>recommended ({currency})</th><th>change</th><th>optimal spend, 90% interval</th>\
         <th>limited by</th><th>explore</th><th>marginal ROAS now</th>\
         <th>marginal ROAS recommended</th><th>note</th></tr>"
    );
    // As the terminal table writes them.
    let amount = |x: f64| thousands(x, super::output::spend_decimals(r.daily_budget));
    for c in &r.channels {
        let change = c.recommended_spend - c.current_spend;
        let _ = writeln!(
            page,
            "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td>\
             <td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>",
            escape(&c.channel),
            amount(c.current_spend),
            amount(c.recommended_spend),
            with_sign(change, amount(change)),
            amount(c.spend_low),
            amount(c.spend_high),
            c.limit_label(),
            amount(c.explore_spend),
            thousands(c.marginal_roas_current, 2),
            thousands(c.marginal_roas_recommended, 2),
            escape(&c.note),
        );
    }
    page.push_str("</table>\n");

    let profit = r.outlook.iter().any(|o| o.profit.is_some());
    let mut header = format!(
        "<tr><th>split</th><th>spend ({currency})</th><th>revenue ({currency}, 90% interval)</th>\
         <th>ROAS (90% interval)</th>"
    );
    if profit {
        let _ = write!(header, "<th>profit ({currency}, 90% interval)</th>");
    }
    let _ = writeln!(page, "<h2>Expected tomorrow</h2>\n<table>{header}</tr>");
    for outlook in &r.outlook {
        let mut line = format!(
            "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&outlook.split),
            money(outlook.spend),
            estimate(&outlook.revenue, money),
            estimate(&outlook.roas, |x| thousands(x, 2)),
        );
        if profit {
            let cell = outlook
                .profit
                .as_ref()
                .map_or_else(|| "–".to_owned(), |p| estimate(p, money));
            let _ = write!(line, "<td>{cell}</td>");
        }
        let _ = writeln!(page, "{line}</tr>");
    }
    page.push_str("</table>\n");
    if let Some(line) = r
        .outlook
        .first()
        .and_then(|o| super::output::gain_line(o, &r.currency))
    {
        let line = format!("{}{}", line[..1].to_uppercase(), &line[1..]);
        let _ = writeln!(page, "<p>{}</p>", escape(&line));
    }
    plan_table(&mut page, r);

    if !r.warnings.is_empty() {
        page.push_str("<h2>Notes</h2>\n<ul>\n");
        for warning in &r.warnings {
            let _ = writeln!(page, "<li>{}</li>", escape(warning));
        }
        page.push_str("</ul>\n");
    }
    if !charts.is_empty() {
        page.push_str("<h2>Charts</h2>\n");
        for chart in charts {
            let _ = writeln!(page, "{}", figure(chart));
        }
    }
    let _ = writeln!(
        page,
        "<h2>Method</h2>\n<p class=\"muted\">The history was replayed day by day through the \
         learners. The recommendation reads the posterior of {posterior} in {draws} joint draws \
         (seed {seed}): each channel's curve is weighed between the policy's, learned from the \
         paid units, and curves fitted to the channel's revenue (six families, concave and \
         S-shaped, with the days' demand, the weekdays, steps in a channel's return and more \
         weight on recent days where the history drifted), by how well each explains the \
         history's days. The explore split is the learner {policy}'s own for tomorrow.</p>",
        policy = escape(&r.policy),
        posterior = escape(&r.posterior),
        draws = r.draws,
        seed = r.seed,
    );
    policy_table(&mut page, r);
    page += "</body></html>\n";
    page
}

/// How the race went: which learners left it after the first round, and how many replications
/// the others ran (the best alone left: the race ended there).
fn race_sentence(choice: &crate::recommend::choice::PolicyChoice) -> String {
    let first = crate::recommend::choice::FIRST_ROUND;
    let all = crate::recommend::choice::CHOICE_REPLICATIONS;
    if choice.candidates.iter().any(|c| c.replications > first) {
        format!(
            "Learners clearly behind after {first} replications left the race; the others ran \
             {all}."
        )
    } else {
        format!(
            "After {first} replications every learner but the best was clearly behind it, so \
             the race ended there."
        )
    }
}

/// The learners on the market fitted to the history, and why the policy was chosen.
fn policy_table(page: &mut String, r: &Recommendation) {
    let choice = &r.policy_choice;
    let currency = escape(&r.currency);
    let _ = writeln!(
        page,
        "<h3>Which learner explores</h3>\n<p class=\"muted\">Policy {}: {}. Each \
         learner ran on a market fitted to the history ({} days, the account's budget and \
         limits); regret is the expected revenue it lost against the best split of that market \
         (the lower the better), with its 95% interval; revenue is what it earned in the \
         simulation, noisier than regret. {race}</p>\n<table><tr><th>learner</th><th>regret ({currency}, 95% interval)</th>\
         <th>revenue over {days} days ({currency})</th><th>replications</th></tr>",
        escape(&choice.chosen),
        escape(&choice.reason),
        choice.days,
        days = choice.days,
        race = race_sentence(choice),
    );
    for candidate in &choice.candidates {
        let _ = writeln!(
            page,
            "<tr><td class=\"name\">{}{}</td><td>{} ± {}</td><td>{}</td><td>{}</td></tr>",
            escape(&candidate.policy),
            if candidate.policy == choice.chosen {
                " (explores)"
            } else {
                ""
            },
            money(candidate.regret),
            money(candidate.regret_half_width),
            money(candidate.revenue),
            candidate.replications,
        );
    }
    if let Some(recent) = &choice.recent_split {
        let _ = writeln!(
            page,
            "<tr><td class=\"name\">for reference: the last {recent_days} days' split, held \
             (no learning)</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            money(recent.regret),
            money(recent.revenue),
            recent.replications,
            recent_days = crate::fit::RECENT_DAYS,
        );
    }
    page.push_str("</table>\n");
}

/// The plan of `recommend --days N`, one row a day and one column a channel, with the day's
/// total; nothing without a plan.
fn plan_table(page: &mut String, r: &Recommendation) {
    if r.plan.is_empty() {
        return;
    }
    let _ = write!(
        page,
        "<h2>Plan for the next {} days</h2>\n<p class=\"muted\">Each day's posterior-best \
         split in {} a day, solved for its weekday and, where the account sets \
         <code>max_daily_change</code>, paced from the day before (also in plan.csv).</p>\n<table><tr><th>date</th>",
        r.plan.len(),
        escape(&r.currency)
    );
    for c in &r.channels {
        let _ = write!(page, "<th>{}</th>", escape(&c.channel));
    }
    page.push_str("<th>total</th></tr>\n");
    for day in &r.plan {
        let _ = write!(page, "<tr><td class=\"name\">{}</td>", escape(&day.date));
        for spend in &day.spend {
            let _ = write!(page, "<td>{}</td>", money(*spend));
        }
        let _ = writeln!(page, "<td>{}</td></tr>", money(day.total));
    }
    page.push_str("</table>\n");
}

/// Writes `charts/response.{svg,png}`, `charts/split.{svg,png}` and `report.html` of
/// `recommendation` into `folder`, which exists.
pub fn draw_report(folder: &Path, recommendation: &Recommendation) -> Result<(), ReportError> {
    register_fonts();
    let charts = folder.join(CHARTS_DIR);
    at_path(&charts, fs::create_dir_all(&charts))?;
    let drawn = [
        draw_inline(
            &Response { recommendation },
            "One panel per channel: the line is the posterior mean of the revenue a day's \
             spend is expected to bring, the shaded band its 90% interval, and the dots the \
             history's days (single days are noisy, so they scatter around the curve; days \
             above the panel are triangles on its top edge); the grey dashed line is the last \
             day's spend, the orange line the recommended spend, and the light orange strip \
             where the optimal spend lies with 90% probability.",
            &charts,
        )?,
        draw_inline(
            &Split { recommendation },
            "Channels ranked by recommended spend, largest at the top: the grey bar is the \
             last day's spend and the orange bar the recommended one, its whisker the 90% \
             interval of the optimal spend and the green dot the spend of the learner's own \
             randomised split, for an account that keeps learning.",
            &charts,
        )?,
    ];
    let path = folder.join("report.html");
    at_path(&path, fs::write(&path, page(recommendation, &drawn)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Pricing;
    use crate::fit::Fit;
    use crate::recommend::Outlook;

    fn advice(name: &str, current: f64, recommended: f64) -> ChannelAdvice {
        ChannelAdvice {
            channel: name.to_owned(),
            pricing: Pricing::Cpc,
            current_spend: current,
            recommended_spend: recommended,
            spend_low: recommended * 0.8,
            spend_high: recommended * 1.25,
            explore_spend: recommended * 1.1,
            marginal_roas_current: 1.8,
            marginal_roas_recommended: 1.4,
            recent_spend: current,
            min_spend: 0.0,
            max_spend: 1000.0,
            frozen: false,
            saturation_known: true,
            spend_variation: 0.3,
            roas_recommended: 2.1,
            note: "diminishing returns identified from the history".to_owned(),
            history_high: current.max(recommended),
            beyond_history: false,
            limited_by: crate::recommend::limits::Limit::Data,
        }
    }

    /// A saturating curve `a (1 − e^{−s/k})` with a band of ±15% and noisy days around it.
    fn response(a: f64, k: f64, spends: &[f64]) -> ResponseBand {
        let top = 1.2 * spends.iter().copied().fold(0.0, f64::max);
        let spend: Vec<f64> = (0..9).map(|i| top * i as f64 / 8.0).collect();
        let mean: Vec<f64> = spend.iter().map(|s| a * (1.0 - (-s / k).exp())).collect();
        let history = spends
            .iter()
            .enumerate()
            .map(|(d, &s)| {
                let noise = 1.0 + 0.3 * ((d * 37 % 11) as f64 / 5.0 - 1.0);
                (s, a * (1.0 - (-s / k).exp()) * noise)
            })
            .collect();
        ResponseBand {
            low: mean.iter().map(|m| 0.85 * m).collect(),
            high: mean.iter().map(|m| 1.15 * m).collect(),
            spend,
            mean,
            history,
        }
    }

    fn around(mean: f64) -> Estimate {
        Estimate {
            mean,
            low: 0.9 * mean,
            high: 1.1 * mean,
        }
    }

    fn recommendation(channels: usize) -> Recommendation {
        let names = ["search", "social", "display"];
        let mut advice: Vec<ChannelAdvice> = (0..channels)
            .map(|i| {
                let name = names
                    .get(i)
                    .map_or_else(|| format!("campaign-{i:02}"), |n| (*n).to_owned());
                advice(
                    &name,
                    300.0 + 10.0 * i as f64,
                    250.0 + 25.0 * (i % 5) as f64,
                )
            })
            .collect();
        if channels > 1 {
            advice[1].saturation_known = false;
            advice[1].note = "diminishing returns unknown".to_owned();
        }
        if channels > 2 {
            advice[2].frozen = true;
            advice[2].recommended_spend = advice[2].current_spend;
            advice[2].note = "frozen at the last day's spend".to_owned();
        }
        let bands = advice
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let spends: Vec<f64> = (0..60)
                    .map(|d| c.current_spend * (0.6 + 0.8 * ((d * 7 + i) % 13) as f64 / 12.0))
                    .collect();
                let mut band = response(900.0 + 50.0 * i as f64, 350.0, &spends);
                // One outlying day, which must not flatten the curve.
                band.history.push((c.current_spend, 20_000.0));
                band
            })
            .collect();
        let outlook = |split: &str, revenue: f64| Outlook {
            split: split.to_owned(),
            spend: 1000.0,
            revenue: around(revenue),
            roas: around(revenue / 1000.0),
            profit: Some(around(revenue / 2.0 - 1000.0)),
            spend_per_channel: vec![1000.0 / channels as f64; channels],
            gain: None,
        };
        Recommendation {
            account: "Lamps & <Co>".to_owned(),
            currency: "EUR".to_owned(),
            policy: "saturation-thompson".to_owned(),
            posterior: "saturation-thompson".to_owned(),
            policy_choice: crate::recommend::choice::PolicyChoice {
                chosen: "saturation-thompson".to_owned(),
                named: false,
                reason: "it loses least of 2 learners on a market fitted to the history".to_owned(),
                days: 90,
                candidates: ["saturation-thompson", "<thompson>"]
                    .iter()
                    .enumerate()
                    .map(|(i, name)| crate::recommend::choice::Candidate {
                        policy: (*name).to_owned(),
                        regret: 1000.0 * (i + 1) as f64,
                        regret_half_width: 100.0,
                        revenue: 90_000.0,
                        replications: 20,
                    })
                    .collect(),
                recent_split: None,
                note: None,
            },
            first_date: "2025-01-01".to_owned(),
            last_date: "2025-03-01".to_owned(),
            history_days: 60,
            date: "2025-03-02".to_owned(),
            daily_budget: 1000.0,
            objective: "profit".to_owned(),
            target_roas: Some(2.0),
            draws: 200,
            seed: 7,
            actions: vec![crate::recommend::actions::Action::Pause {
                channel: "<display>".to_owned(),
                from: 300.0,
                moves: Vec::new(),
                text: "Pause <display> (was 300 EUR/day)".to_owned(),
            }],
            test_plans: Vec::new(),
            channels: advice,
            outlook: vec![
                outlook("recommended", 2400.0),
                outlook("last 7 days", 2200.0),
                outlook("even", 2100.0),
            ],
            bands,
            warnings: vec!["pacing taken against the last day's shares <of> the budget".into()],
            plan: Vec::new(),
            fit: Fit {
                first_date: "2025-01-01".to_owned(),
                last_date: "2025-03-01".to_owned(),
                days: 60,
                channels: Vec::new(),
            },
        }
    }

    fn is_png(path: &Path) -> bool {
        fs::read(path).unwrap().starts_with(b"\x89PNG\r\n\x1a\n")
    }

    #[test]
    fn the_report_holds_both_charts_the_tables_and_the_notes() {
        let folder = tempfile::tempdir().unwrap();
        let r = recommendation(3);
        draw_report(folder.path(), &r).unwrap();
        for stem in ["response", "split"] {
            let charts = folder.path().join(CHARTS_DIR);
            assert!(is_png(&charts.join(format!("{stem}.png"))), "{stem}");
            let svg = fs::read_to_string(charts.join(format!("{stem}.svg"))).unwrap();
            assert!(svg.contains("<svg"), "{stem}");
        }
        let html = fs::read_to_string(folder.path().join("report.html")).unwrap();
        assert!(html.contains("<title>Lamps &amp; &lt;Co&gt;: split for 2025-03-02</title>"));
        assert!(html.contains("<h1>Lamps &amp; &lt;Co&gt;: split for 2025-03-02</h1>"));
        assert!(!html.contains("Lamps & <Co>"), "the account is escaped");
        assert!(html.contains(crate::report::html::GENERATOR));
        for name in ["search", "social", "display"] {
            assert!(
                html.contains(&format!("<td class=\"name\">{name}</td>")),
                "{name}"
            );
        }
        assert!(html.contains("social (diminishing returns unknown)"));
        assert!(html.contains("display (frozen)"));
        assert!(html.contains("shares &lt;of&gt; the budget"));
        assert!(html.contains("<td class=\"name\">last 7 days</td>"));
        assert!(
            html.contains("profit ("),
            "profit column of a profit objective"
        );
        assert_eq!(html.matches("<figure><svg").count(), 2);
        assert!(!html.contains("<?xml"));
    }

    #[test]
    fn the_page_opens_with_the_actions_and_shows_the_plan() {
        let mut r = recommendation(2);
        let html = page(&r, &[]);
        let at = |text: &str| {
            html.find(text)
                .unwrap_or_else(|| panic!("{text} in {html}"))
        };
        assert!(at("<h2>What to do tomorrow</h2>") < at("<h2>Channels</h2>"));
        assert!(html.contains("<li>Pause &lt;display&gt; (was 300 EUR/day)</li>"));
        assert!(at("<h2>Method</h2>") > at("<h2>Expected tomorrow</h2>"));
        assert!(html.contains("The explore split is the learner saturation-thompson"));
        assert!(at("<h3>Which learner explores</h3>") > at("<h2>Method</h2>"));
        assert!(html.contains("<td class=\"name\">saturation-thompson (explores)</td>"));
        assert!(html.contains("<td class=\"name\">&lt;thompson&gt;</td><td>2,000 ± 100</td>"));
        assert!(!html.contains("<h2>Plan"), "no plan, no table");
        r.plan = (0..3)
            .map(|k| crate::recommend::PlanDay {
                date: format!("2025-03-0{}", k + 2),
                spend: vec![600.0 + 10.0 * k as f64, 400.0 - 10.0 * k as f64],
                total: 1000.0,
            })
            .collect();
        let html = page(&r, &[]);
        assert!(html.contains("<h2>Plan for the next 3 days</h2>"));
        assert!(
            html.contains("<tr><th>date</th><th>search</th><th>social</th><th>total</th></tr>")
        );
        assert!(html.contains(
            "<tr><td class=\"name\">2025-03-04</td><td>620</td><td>380</td><td>1,000</td></tr>"
        ));
    }

    #[test]
    fn the_split_chart_writes_each_recommended_spend() {
        let folder = tempfile::tempdir().unwrap();
        let mut r = recommendation(3);
        r.channels[0].recommended_spend = 1234.4;
        draw_report(folder.path(), &r).unwrap();
        let svg = fs::read_to_string(folder.path().join("charts/split.svg")).unwrap();
        for value in ["1\u{202f}234", "275", "320"] {
            assert!(svg.contains(&format!(">\n{value}\n</text>")), "{value}");
        }
    }

    #[test]
    fn twenty_channels_draw() {
        let folder = tempfile::tempdir().unwrap();
        let r = recommendation(20);
        draw_report(folder.path(), &r).unwrap();
        let charts = folder.path().join(CHARTS_DIR);
        assert!(is_png(&charts.join("response.png")));
        assert!(is_png(&charts.join("split.png")));
        let html = fs::read_to_string(folder.path().join("report.html")).unwrap();
        assert!(html.contains("campaign-19"));
    }

    #[test]
    fn a_recommendation_without_bands_or_channels_still_draws() {
        let folder = tempfile::tempdir().unwrap();
        let mut r = recommendation(2);
        r.bands.clear();
        r.outlook.iter_mut().for_each(|o| o.profit = None);
        draw_report(folder.path(), &r).unwrap();
        let html = fs::read_to_string(folder.path().join("report.html")).unwrap();
        assert!(!html.contains("profit ("), "no profit column");
        r.channels.clear();
        draw_report(folder.path(), &r).unwrap();
    }

    /// A shop whose search and social spends varied and whose display spend barely did, over
    /// 90 days of saturating, noisy days.
    fn recommended() -> Recommendation {
        use crate::account::date::Date;
        use crate::account::file::Account;
        use crate::account::history::{DayFigures, History};
        const SHOP: &str = r#"
name = "shop"
currency = "NOK"
daily_budget = 1000.0
history = "shop.csv"

[[channels]]
name = "search"
pricing = "cpc"

[[channels]]
name = "social"
pricing = "cpc"

[[channels]]
name = "display"
pricing = "cpc"
"#;
        let account = Account::from_toml("shop.toml", SHOP, Path::new("")).unwrap();
        // (price per click, clicks at saturation, conversion rate, value per conversion)
        let channels = [
            (1.0, 800.0, 0.05, 60.0),
            (0.5, 1500.0, 0.02, 50.0),
            (0.8, 2000.0, 0.03, 40.0),
        ];
        let days = 90;
        let mut figures = Vec::new();
        for day in 0..days {
            let wave = |period: usize| ((day % period) as f64 / period as f64 - 0.5) * 2.0;
            let spends = [
                400.0 + 150.0 * wave(11),
                350.0 + 120.0 * wave(7),
                250.0 + 5.0 * wave(5),
            ];
            for (c, (&(price, audience, cvr, value), spend)) in
                channels.iter().zip(spends).enumerate()
            {
                let clicks = audience * (1.0 - (-spend / price / audience).exp());
                let noise = 1.0 + 0.4 * (((day * 7 + c * 3) % 13) as f64 / 6.0 - 1.0);
                let conversions = (clicks * cvr * noise).round();
                figures.push(DayFigures {
                    spend,
                    clicks: Some(clicks.round()),
                    conversions,
                    revenue: conversions * value,
                    ..DayFigures::default()
                });
            }
        }
        let history = History {
            first_date: Date::parse("2025-01-01").unwrap(),
            days,
            channels: channels.len(),
            figures,
            notes: Vec::new(),
        };
        let settings = crate::recommend::Settings {
            draws: 200,
            seed: 3,
            plan_days: 0,
        };
        crate::recommend::recommend(&account, &history, settings).unwrap()
    }

    #[test]
    fn a_recommendation_from_a_history_draws() {
        let r = recommended();
        assert!(r.bands.iter().all(|b| b.history.len() == 90));
        assert!(!r.channels[2].saturation_known, "display barely varied");
        let folder = tempfile::tempdir().unwrap();
        draw_report(folder.path(), &r).unwrap();
        let svg = fs::read_to_string(folder.path().join("charts/response.svg")).unwrap();
        assert!(svg.contains("display (diminishing returns unknown)"));
        assert!(svg.contains("daily spend (NOK)") && svg.contains("daily revenue (NOK)"));
        let svg = fs::read_to_string(folder.path().join("charts/split.svg")).unwrap();
        assert!(svg.contains("ranked by recommended spend"));
    }

    #[test]
    fn grids_keep_panels_wide_and_hold_every_channel() {
        let area = (1130, 650);
        assert_eq!(grid(1, area), (1, 1));
        assert_eq!(grid(2, area), (1, 2));
        assert_eq!(grid(4, area), (2, 2));
        assert_eq!(grid(20, area), (4, 5));
        assert_eq!(grid(0, area), (1, 1));
        for count in 1..=30 {
            let (rows, columns) = grid(count, area);
            assert!(rows * columns >= count, "{count}");
            assert!(rows * columns < count + columns, "{count}: no empty row");
        }
    }

    #[test]
    fn an_outlying_day_does_not_flatten_the_curve() {
        let mut band = response(1000.0, 300.0, &[100.0, 200.0, 300.0, 400.0]);
        let band_top = band.high.iter().copied().fold(0.0, f64::max);
        let x_top = 480.0;
        assert_eq!(revenue_top(Some(&band), x_top), HEADROOM * band_top);
        band.history.push((250.0, 1e6));
        assert_eq!(
            revenue_top(Some(&band), x_top),
            HEADROOM * band_top,
            "one outlying day is left out"
        );
        band.history.push((260.0, 1e6));
        assert_eq!(revenue_top(Some(&band), x_top), MAX_HEADROOM * band_top);
        // Many high days are data, not outliers: the axis holds 99% of them.
        band.history = (0..100)
            .map(|d| (200.0, 1.5 * band_top + d as f64))
            .collect();
        let top = revenue_top(Some(&band), x_top);
        assert!(
            top > 1.5 * band_top && top < MAX_HEADROOM * band_top,
            "{top}"
        );
        assert_eq!(revenue_top(None, x_top), 1.0);
    }

    #[test]
    fn the_spend_axis_shows_the_curve_a_little_beyond_the_marked_spends() {
        let c = advice("search", 200.0, 240.0);
        // The band reaches 1.2 × 1000 (a cap far above every spend of the history).
        let band = response(1000.0, 300.0, &[100.0, 1000.0]);
        let short = ResponseBand {
            history: vec![(150.0, 400.0), (250.0, 600.0)],
            ..band.clone()
        };
        assert_eq!(
            spend_top(&c, Some(&short)),
            SPEND_SPAN * 300.0,
            "spend_high"
        );
        assert_eq!(spend_top(&c, Some(&band)), 1200.0, "the band's end");
        assert_eq!(spend_top(&c, None), axis_max(300.0));
        let points = band_until(&short, 450.0);
        let last = points.last().unwrap();
        assert_eq!(last[0], 450.0);
        assert!(points.windows(2).all(|w| w[0][0] < w[1][0]));
        let (mean, low, high) = (last[1], last[2], last[3]);
        let expected = 1000.0 * (1.0 - (-450.0f64 / 300.0).exp());
        assert!(
            (mean - expected).abs() < 0.02 * expected,
            "{mean} ~ {expected}"
        );
        assert!(low < mean && mean < high);
        assert!(band_until(&short, 0.0).len() == 1);
    }

    #[test]
    fn panel_titles_say_what_is_unknown_or_frozen_and_fit() {
        let mut c = advice("search", 100.0, 120.0);
        assert_eq!(panel_title(&c, 800), ("search".to_owned(), LABEL_SIZE));
        c.saturation_known = false;
        assert_eq!(
            panel_title(&c, 800).0,
            "search (diminishing returns unknown)"
        );
        c.frozen = true;
        c.saturation_known = true;
        assert_eq!(panel_title(&c, 800).0, "search (frozen)");
        c.saturation_known = false;
        c.channel = "a-rather-long-campaign-name".to_owned();
        for width in [200, 150, 60] {
            let (title, size) = panel_title(&c, width);
            assert!(size >= MIN_TEXT_SIZE);
            assert!(title.ends_with("(frozen)"), "{title}");
            if width >= 150 {
                assert!(text_width(&title, size) <= width, "{title} in {width}");
            }
        }
    }

    #[test]
    fn channels_rank_by_recommended_spend_ties_in_account_order() {
        let mut r = recommendation(3);
        r.channels[0].recommended_spend = 100.0;
        r.channels[1].recommended_spend = 300.0;
        r.channels[2].recommended_spend = 100.0;
        assert_eq!(ranked(&r), vec![1, 0, 2]);
    }
}
