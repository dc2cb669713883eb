//! Legends: a panel at the right of every chart, never over data, whose entries are fitted to
//! the panel: the largest text that fits in one column, then two columns of smaller text, then
//! shortened labels, and as a last resort the entries that fit and a row saying how many more
//! there are. Small multiples that need the whole width write theirs in centred rows under
//! the panels instead ([`draw_rows`]). The layout is planned from estimated text widths
//! ([`text_width`]), so it is computed, and tested, without a font.

use crate::report::data::ReportData;
use crate::report::style::{
    FONT, LABEL_SIZE, LEGEND_WIDTH, MIN_TEXT_SIZE, Stroke, TICK_SIZE, bold_text_width,
    chars_within, policy_looks, shorten, text_width,
};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::DrawResult;

/// Where the legend's heading starts, from the top of the panel.
const TOP: u32 = 40;
/// Left margin of the panel and of each column.
const LEFT: u32 = 10;
/// Room kept at the bottom of the panel for a note.
const NOTE_ROOM: u32 = 50;
/// Text sizes tried in one column, largest first.
const ONE_COLUMN_SIZES: [u32; 4] = [LABEL_SIZE, 18, TICK_SIZE, 14];
/// Text sizes tried in two columns, largest first.
const TWO_COLUMN_SIZES: [u32; 2] = [14, MIN_TEXT_SIZE];

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// A filled square (areas and bars).
    Swatch(RGBColor),
    /// An outlined square over a pale fill (the hollow bars of a second round of colours).
    HollowSwatch(RGBColor),
    /// An empty square with a thin outline (what white means in a chart).
    Outline(RGBColor),
    /// A line in a pattern.
    Line(RGBColor, Stroke),
    /// A filled dot (points of a scatter, markers).
    Dot(RGBColor),
    /// No mark: a continuation of the entry above.
    Blank,
}

/// A legend: a bold heading, marked entries, and an optional note at the bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    /// What the entries are (`channel`, `policy`).
    pub heading: String,
    /// Label and mark of each entry, top-down.
    pub entries: Vec<(String, Mark)>,
    /// A line at the bottom of the panel (such as what the axes of small multiples are).
    pub note: Option<String>,
}

/// How a legend is placed in its panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegendLayout {
    /// Text size of the entries (and the heading).
    pub text_size: u32,
    /// Height of a row.
    pub row_height: u32,
    /// Columns of entries (1 or 2), filled top-down then left to right.
    pub columns: u32,
    /// Width of a column.
    pub column_width: u32,
    /// Entries drawn; when fewer than there are, one more row says how many are left out.
    pub shown: usize,
    /// Longest label drawn whole; longer ones end in `…`.
    pub max_chars: usize,
}

impl LegendLayout {
    /// Rows in a column.
    pub fn rows(&self, entries: usize) -> usize {
        let drawn = if self.shown < entries {
            self.shown + 1
        } else {
            entries
        };
        drawn.div_ceil(self.columns as usize)
    }

    /// Height taken from the top of the panel to the bottom of the last row.
    pub fn height(&self, entries: usize) -> u32 {
        TOP + (1 + self.rows(entries) as u32) * self.row_height
    }

    /// Left edge of a column.
    fn column_x(&self, column: u32) -> i32 {
        (LEFT + column * self.column_width) as i32
    }

    /// Where a label starts, from the left edge of its column.
    fn text_offset(&self) -> u32 {
        self.text_size + 14
    }
}

fn row_height(size: u32) -> u32 {
    (size * 8).div_ceil(5)
}

/// Fits `labels` under `heading` into a panel of `width` × `height` pixels, keeping
/// `reserved_bottom` pixels free at the bottom.
pub fn legend_layout(
    heading: &str,
    labels: &[&str],
    (width, height): (u32, u32),
    reserved_bottom: u32,
) -> LegendLayout {
    let room = height.saturating_sub(reserved_bottom);
    let candidates: Vec<(u32, u32)> = ONE_COLUMN_SIZES
        .iter()
        .map(|&s| (1, s))
        .chain(TWO_COLUMN_SIZES.iter().map(|&s| (2, s)))
        .collect();
    let layout = |columns: u32, size: u32| {
        let column_width = width.saturating_sub(LEFT) / columns;
        let mut layout = LegendLayout {
            text_size: size,
            row_height: row_height(size),
            columns,
            column_width,
            shown: labels.len(),
            max_chars: 0,
        };
        let label_room = column_width.saturating_sub(layout.text_offset() + 4);
        layout.max_chars = chars_within(label_room, size);
        layout
    };
    let fits_height = |l: &LegendLayout| l.height(labels.len()) <= room;
    let fits_width = |l: &LegendLayout| {
        let label_room = l.column_width.saturating_sub(l.text_offset() + 4);
        labels
            .iter()
            .all(|t| text_width(t, l.text_size) <= label_room)
            && bold_text_width(heading, l.text_size) <= width.saturating_sub(LEFT + 4)
    };
    let layouts: Vec<LegendLayout> = candidates.iter().map(|&(c, s)| layout(c, s)).collect();
    if let Some(found) = layouts
        .iter()
        .find(|l| fits_height(l) && fits_width(l))
        .or_else(|| layouts.iter().find(|l| fits_height(l)))
    {
        return *found;
    }
    // Even two columns of the smallest text do not hold every entry: draw those that fit and
    // a row saying how many more there are.
    let mut last = *layouts.last().unwrap_or(&layout(2, MIN_TEXT_SIZE));
    let rows = (room.saturating_sub(TOP) / last.row_height).saturating_sub(1) as usize;
    last.shown = (rows * last.columns as usize)
        .saturating_sub(1)
        .min(labels.len());
    last
}

impl Legend {
    /// A legend with no note.
    pub fn new(heading: &str, entries: Vec<(String, Mark)>) -> Self {
        Legend {
            heading: heading.to_owned(),
            entries,
            note: None,
        }
    }

    /// How this legend fits a panel of `size` pixels.
    pub fn layout(&self, size: (u32, u32)) -> LegendLayout {
        let labels: Vec<&str> = self.entries.iter().map(|(l, _)| l.as_str()).collect();
        let reserved = if self.note.is_some() { NOTE_ROOM } else { 0 };
        legend_layout(&self.heading, &labels, size, reserved)
    }

    /// Draws the legend in `panel`.
    pub fn draw<DB: DrawingBackend>(&self, panel: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (width, height) = panel.dim_in_pixel();
        let layout = self.layout((width, height));
        let size = layout.text_size;
        let style = (FONT, size).into_font();
        let heading_chars = chars_within(width.saturating_sub(LEFT + 4), size);
        panel.draw(&Text::new(
            shorten(&self.heading, heading_chars),
            (LEFT as i32, TOP as i32),
            style.clone().style(FontStyle::Bold),
        ))?;
        let rows = layout.rows(self.entries.len()).max(1);
        let hidden = self.entries.len() - layout.shown;
        let mut cells: Vec<(String, Mark)> = self.entries[..layout.shown]
            .iter()
            .map(|(label, mark)| (shorten(label, layout.max_chars), *mark))
            .collect();
        if hidden > 0 {
            cells.push((format!("… and {hidden} more"), Mark::Blank));
        }
        for (index, (label, mark)) in cells.iter().enumerate() {
            let column = (index / rows) as u32;
            let row = (index % rows) as u32;
            let x = layout.column_x(column);
            let y = (TOP + (1 + row) * layout.row_height) as i32;
            draw_mark(panel, *mark, (x, y), size)?;
            panel.draw(&Text::new(
                label.clone(),
                (x + layout.text_offset() as i32, y),
                style.clone(),
            ))?;
        }
        if let Some(note) = &self.note {
            panel.draw(&Text::new(
                shorten(note, chars_within(width.saturating_sub(LEFT), TICK_SIZE)),
                (LEFT as i32, height as i32 - 40),
                (FONT, TICK_SIZE),
            ))?;
        }
        Ok(())
    }
}

/// Draws an entry's mark with its top-left corner at `(x, y)`, sized for text of `size`.
fn draw_mark<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    mark: Mark,
    (x, y): (i32, i32),
    size: u32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let width = size as i32 + 4;
    let height = (size as i32 * 9) / 10;
    let middle = y + height / 2;
    match mark {
        Mark::Blank => {}
        Mark::Swatch(colour) => {
            panel.draw(&Rectangle::new(
                [(x, y), (x + width, y + height)],
                colour.filled(),
            ))?;
        }
        Mark::Outline(colour) => {
            panel.draw(&Rectangle::new(
                [(x, y), (x + width, y + height)],
                colour.stroke_width(1),
            ))?;
        }
        Mark::HollowSwatch(colour) => {
            panel.draw(&Rectangle::new(
                [(x, y), (x + width, y + height)],
                colour.mix(0.3).filled(),
            ))?;
            panel.draw(&Rectangle::new(
                [(x + 1, y + 1), (x + width - 1, y + height - 1)],
                colour.stroke_width(2),
            ))?;
        }
        Mark::Dot(colour) => {
            let radius = (size as i32 / 3).max(2);
            panel.draw(&Circle::new(
                (x + width / 2, middle),
                radius,
                colour.filled(),
            ))?;
        }
        Mark::Line(colour, stroke) => {
            let style = colour.stroke_width(3);
            // The legend's mark is short: dashes at two thirds, so two of them fit.
            let (dash, gap) = match stroke.pattern() {
                None => (width as u32, 0),
                Some((dash, gap)) if stroke == Stroke::Dashed => (dash * 2 / 3, gap / 2),
                Some(pattern) => pattern,
            };
            let mut start = x;
            while start < x + width {
                let end = (start + dash as i32).min(x + width);
                panel.draw(&PathElement::new(
                    vec![(start, middle), (end, middle)],
                    style,
                ))?;
                start = end + gap as i32;
            }
        }
    }
    Ok(())
}

/// Text sizes tried for a legend written in rows, largest first.
const ROW_SIZES: [u32; 3] = [TICK_SIZE, 14, MIN_TEXT_SIZE];
/// Room between two entries of a legend written in rows.
const ENTRY_GAP: u32 = 24;

/// How a legend written in rows under a chart is placed: entries left to right, each row
/// centred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowLayout {
    /// Text size of the entries.
    pub text_size: u32,
    /// Height of a row.
    pub row_height: u32,
    /// The entries of each row, as indices.
    pub rows: Vec<std::ops::Range<usize>>,
}

impl RowLayout {
    /// Height of every row together.
    pub fn height(&self) -> u32 {
        self.rows.len() as u32 * self.row_height
    }
}

/// The width an entry labelled `label` takes in a row legend of text `size`, with the gap
/// after it.
fn row_entry_width(label: &str, size: u32) -> u32 {
    size + 14 + text_width(label, size) + ENTRY_GAP
}

/// Fits `labels` in rows of `width` pixels: one row of the largest text that fits, else rows
/// of about equal length at the smallest text that lets no row be longer than `width`.
pub fn row_layout(labels: &[&str], width: u32) -> RowLayout {
    let rows_of = |size: u32, per_row: usize| -> Option<Vec<std::ops::Range<usize>>> {
        let rows: Vec<std::ops::Range<usize>> = (0..labels.len())
            .step_by(per_row.max(1))
            .map(|start| start..(start + per_row.max(1)).min(labels.len()))
            .collect();
        rows.iter()
            .all(|row| {
                labels[row.clone()]
                    .iter()
                    .map(|l| row_entry_width(l, size))
                    .sum::<u32>()
                    <= width + ENTRY_GAP
            })
            .then_some(rows)
    };
    for rows in 1..=labels.len().max(1) {
        let per_row = labels.len().div_ceil(rows);
        for size in ROW_SIZES {
            if let Some(rows) = rows_of(size, per_row) {
                return RowLayout {
                    text_size: size,
                    row_height: row_height(size),
                    rows,
                };
            }
        }
    }
    // A label wider than the panel on its own: one entry a row, cut by the panel's edge.
    RowLayout {
        text_size: MIN_TEXT_SIZE,
        row_height: row_height(MIN_TEXT_SIZE),
        rows: (0..labels.len()).map(|i| i..i + 1).collect(),
    }
}

/// Draws `entries` as a legend in rows ([`row_layout`]), from the top of `panel`.
pub fn draw_rows<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    entries: &[(String, Mark)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (width, _) = panel.dim_in_pixel();
    let labels: Vec<&str> = entries.iter().map(|(l, _)| l.as_str()).collect();
    let layout = row_layout(&labels, width);
    let size = layout.text_size;
    let style = (FONT, size).into_font();
    for (r, row) in layout.rows.iter().enumerate() {
        let length = labels[row.clone()]
            .iter()
            .map(|l| row_entry_width(l, size))
            .sum::<u32>()
            .saturating_sub(ENTRY_GAP);
        let mut x = (width.saturating_sub(length) / 2) as i32;
        let y = (r as u32 * layout.row_height + 4) as i32;
        for (label, mark) in &entries[row.clone()] {
            draw_mark(panel, *mark, (x, y), size)?;
            panel.draw(&Text::new(
                label.clone(),
                (x + size as i32 + 14, y),
                style.clone(),
            ))?;
            x += row_entry_width(label, size) as i32;
        }
    }
    Ok(())
}

/// Splits off the legend panel at the right, so that legends never cover data.
pub fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let width = area.dim_in_pixel().0;
    area.split_horizontally(width.saturating_sub(LEGEND_WIDTH))
}

/// Legend entries for every policy in scenario order: a line in the policy's style for
/// series charts, a swatch in its colour for bar charts.
pub fn policy_entries(data: &ReportData, as_lines: bool) -> Vec<(String, Mark)> {
    let looks = policy_looks(data.scenario.policies.iter().map(|p| p.kind.as_str()));
    data.scenario
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let look = looks[i];
            let mark = if as_lines {
                Mark::Line(look.colour, look.stroke)
            } else if look.hollow_bars() {
                Mark::HollowSwatch(look.colour)
            } else {
                Mark::Swatch(look.colour)
            };
            (p.name.clone(), mark)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The legend panel of a chart: 250 pixels wide, the body's height below the title.
    const PANEL: (u32, u32) = (LEGEND_WIDTH, 755);

    fn names(count: usize, stem: &str) -> Vec<String> {
        (0..count).map(|i| format!("{stem}-{i:02}")).collect()
    }

    fn fits(layout: &LegendLayout, labels: &[String], reserved: u32) {
        assert!(
            layout.height(labels.len()) <= PANEL.1 - reserved,
            "{layout:?} overflows"
        );
        assert!(layout.columns * layout.column_width + LEFT <= PANEL.0);
        let room = layout.column_width - layout.text_offset() - 4;
        for label in labels.iter().take(layout.shown) {
            let drawn = shorten(label, layout.max_chars);
            assert!(text_width(&drawn, layout.text_size) <= room, "{drawn}");
        }
    }

    #[test]
    fn a_few_short_entries_keep_the_full_size() {
        let labels = names(5, "search");
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let layout = legend_layout("channel", &refs, PANEL, 0);
        assert_eq!((layout.columns, layout.text_size), (1, LABEL_SIZE));
        assert_eq!(layout.shown, 5);
        fits(&layout, &labels, 0);
    }

    #[test]
    fn a_long_name_shrinks_the_text_rather_than_overflowing() {
        let labels: Vec<String> = ["thompson", "sliding-window-thompson", "fixed"]
            .map(String::from)
            .to_vec();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let layout = legend_layout("policy (band: 95%)", &refs, PANEL, 0);
        assert_eq!(layout.columns, 1);
        assert!(layout.text_size < LABEL_SIZE);
        assert!(layout.max_chars >= "sliding-window-thompson".len());
        fits(&layout, &labels, 0);
    }

    #[test]
    fn fourteen_policies_and_the_oracle_fit_one_column() {
        let mut labels = names(14, "saturation-thompson");
        labels.push("oracle, expected ROAS".into());
        labels.push("95% interval".into());
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let layout = legend_layout("policy", &refs, PANEL, 0);
        assert_eq!(layout.shown, labels.len());
        fits(&layout, &labels, 0);
    }

    #[test]
    fn many_entries_go_to_two_columns_then_say_how_many_are_left_out() {
        let labels = names(30, "ch");
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let layout = legend_layout("channel", &refs, PANEL, NOTE_ROOM);
        assert_eq!(layout.columns, 2);
        assert_eq!(layout.shown, 30);
        fits(&layout, &labels, NOTE_ROOM);

        let labels = names(80, "lamp-long-tail");
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let layout = legend_layout("channel", &refs, PANEL, NOTE_ROOM);
        assert_eq!((layout.columns, layout.text_size), (2, MIN_TEXT_SIZE));
        assert!(layout.shown < 80 && layout.shown > 60, "{layout:?}");
        assert!(
            layout.height(80) <= PANEL.1 - NOTE_ROOM,
            "the last row included"
        );
        fits(&layout, &labels, NOTE_ROOM);
        assert!(
            layout.max_chars < "lamp-long-tail-00".len(),
            "labels shortened"
        );
    }

    #[test]
    fn row_legends_take_one_row_when_they_fit_and_more_when_not() {
        let labels = [
            "mean",
            "90% band",
            "days of history",
            "current",
            "recommended",
        ];
        let layout = row_layout(&labels, 1200);
        assert_eq!((layout.text_size, layout.rows.len()), (TICK_SIZE, 1));
        assert_eq!(layout.rows[0], 0..5);
        let layout = row_layout(&labels, 400);
        assert!(layout.rows.len() > 1);
        for row in &layout.rows {
            let width: u32 = labels[row.clone()]
                .iter()
                .map(|l| row_entry_width(l, layout.text_size))
                .sum();
            assert!(width <= 400 + ENTRY_GAP, "{row:?}");
        }
        assert_eq!(
            layout.rows.iter().map(|r| r.len()).sum::<usize>(),
            5,
            "every entry once"
        );
        assert_eq!(row_layout(&["a very long label indeed"], 10).rows.len(), 1);
        assert!(row_layout(&[], 100).rows.is_empty());
    }

    #[test]
    fn a_tiny_panel_draws_nothing_rather_than_failing() {
        let labels = names(3, "x");
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let layout = legend_layout("channel", &refs, (20, 30), 0);
        assert_eq!(layout.shown, 0);
        assert_eq!(legend_layout("", &[], (0, 0), 0).shown, 0);
    }
}
