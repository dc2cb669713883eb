//! Events on the time axis: the days a channel's market shifts (a competitor enters, the
//! tracking breaks), marked on the charts over days with a dashed vertical line and a label
//! that says what changed, so a chart put on a slide explains its own kinks.

use super::DrawResult;
use crate::report::data::ReportData;
use crate::report::style::{FONT, TICK_SIZE};
use plotters::coord::CoordTranslate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;

/// The colour of event lines and labels: a muted red-brown, apart from the policies' colours
/// and the oracle's grey.
pub const EVENT_COLOUR: RGBColor = RGBColor(140, 60, 40);

/// One day on which something changed, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The day (1-based, as the scenario counts them).
    pub day: usize,
    /// "day 46: search price ×1.6, CVR ×0.5".
    pub label: String,
}

/// The shift multipliers of a recorded shift, in the order and words a strategist reads.
const CHANGES: [(&str, &str); 6] = [
    ("price", "price"),
    ("cvr", "CVR"),
    ("ctr", "CTR"),
    ("value", "value"),
    ("audience", "audience"),
    ("lead_to_sale", "lead-to-sale"),
];

/// The events of a run: every channel's shifts, those of one day in one label.
pub fn events(data: &ReportData) -> Vec<Event> {
    let mut by_day: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for channel in &data.scenario.channels {
        for shift in &channel.shifts {
            let Some(day) = shift.get("day").and_then(serde_json::Value::as_u64) else {
                continue;
            };
            let changes: Vec<String> = CHANGES
                .iter()
                .filter_map(|(key, word)| {
                    let factor = shift.get(*key)?.as_f64()?;
                    Some(format!("{word} ×{}", factor_text(factor)))
                })
                .collect();
            let what = if changes.is_empty() {
                "shifts".to_owned()
            } else {
                changes.join(", ")
            };
            by_day
                .entry(day as usize)
                .or_default()
                .push(format!("{} {what}", channel.name));
        }
    }
    by_day
        .into_iter()
        .filter(|(day, _)| *day >= 1 && *day <= data.scenario.days)
        .map(|(day, what)| Event {
            day,
            label: format!("day {day}: {}", what.join("; ")),
        })
        .collect()
}

/// A multiplier with at most two decimals and no trailing zeros: `1.6`, `0.5`, `2`.
fn factor_text(factor: f64) -> String {
    let text = format!("{factor:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// Draws `events` on a chart over days whose value axis spans `y`: a dashed vertical line at
/// the start of each day and its label at the top, right of the line (left of it in the last third of the
/// days, so it stays inside the plot).
pub fn draw_events<DB, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    events: &[Event],
    days: usize,
    y: std::ops::Range<f64>,
) -> DrawResult
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    CT: CoordTranslate<From = (f64, f64)>,
{
    for event in events {
        // At the start of the day, where the oracle's split steps.
        let x = event.day as f64 - 0.5;
        chart.draw_series(DashedLineSeries::new(
            vec![(x, y.start), (x, y.end)],
            6,
            4,
            EVENT_COLOUR.stroke_width(2),
        ))?;
        let late = x > days as f64 * 2.0 / 3.0;
        let anchor = if late {
            Pos::new(HPos::Right, VPos::Top)
        } else {
            Pos::new(HPos::Left, VPos::Top)
        };
        let style = TextStyle::from((FONT, TICK_SIZE).into_font())
            .color(&EVENT_COLOUR)
            .pos(anchor);
        let offset = if late { -6 } else { 6 };
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y.end)) + Text::new(event.label.clone(), (offset, 6), style),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_read_without_needless_decimals() {
        assert_eq!(factor_text(1.6), "1.6");
        assert_eq!(factor_text(0.5), "0.5");
        assert_eq!(factor_text(2.0), "2");
        assert_eq!(factor_text(1.25), "1.25");
    }
}
