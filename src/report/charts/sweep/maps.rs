//! The maps of a two-axis sweep: a cell per combination of the first axis's values (columns)
//! and the second's (rows, the first value at the bottom).
//!
//! - `sweep-heatmap-<policy>`: the policy's mean objective over the horizon as a colour
//!   ([`super::super::colour_scale`]), its value written in the cell. The scale spans every
//!   policy's cells, so one colour is one value on every map of the sweep.
//! - `sweep-best`: each cell in the colour of the variant's best policy ([`SweepView::best`]),
//!   its name written in the cell.
//!
//! A cell with no result (no variant, no row, or a mean that is not finite) is light grey
//! with a dash. Every cell's text is written in one size and form: the whole value at the
//! largest size down to 14 pixels at which every cell's fits, else the short form (`1.6M` for
//! `1,612,345`), else shortened at the smallest size; cells too small to hold three
//! characters are left without text.

use super::super::colour_scale::{ColourBar, ColourScale, text_colour, whole_figure};
use super::lines::{in_currency, title_in};
use super::{Grid, SweepView};
use crate::report::charts::axis::{category_axis, category_label};
use crate::report::charts::legend::{Legend, Mark, with_legend};
use crate::report::charts::{Chart, DrawResult};
use crate::report::style::{
    CHAR_WIDTH, FONT, LABEL_SIZE, MIN_TEXT_SIZE, TICK_SIZE, chars_within, human, shorten,
    text_width,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The fill of a cell with no result.
pub const MISSING_COLOUR: RGBColor = RGBColor(232, 232, 232);
/// Text sizes a cell's text is tried at, largest first, before the smallest.
const CELL_SIZES: [u32; 3] = [LABEL_SIZE, TICK_SIZE, 14];
/// Room a cell's text leaves to the cell's edges, on either side.
const CELL_PAD: u32 = 5;
/// Widest the names of the rows are written, in pixels, before they are shortened.
const MAX_ROW_NAME: u32 = 160;
/// Room for the margins of the plot.
const MARGINS: u32 = 32;

/// How the texts of a map's cells are written: one size and one form for every cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellText {
    /// Text size.
    pub size: u32,
    /// Which of each cell's forms (the last one where a cell has fewer).
    pub form: usize,
    /// Longest text written whole; longer ones end in `…`.
    pub max_chars: usize,
}

impl CellText {
    /// The text written for a cell of `forms`.
    pub fn text(&self, forms: &[String]) -> Option<String> {
        let last = forms.len().checked_sub(1)?;
        Some(shorten(&forms[self.form.min(last)], self.max_chars))
    }
}

/// Plans the texts of cells `width` × `height` pixels large, each with its forms from the
/// preferred to the shortest: the earliest form that every cell's text fits at a readable size
/// (the largest such size), else the shortest form at the smallest size, shortened where it
/// does not fit; `None` when cells cannot hold three characters.
pub fn fit_cell_texts(cells: &[Vec<String>], width: u32, height: u32) -> Option<CellText> {
    let room = width.saturating_sub(2 * CELL_PAD);
    let forms = cells.iter().map(Vec::len).max().unwrap_or(0);
    let fits = |form: usize, size: u32| {
        size + 2 * CELL_PAD <= height
            && cells
                .iter()
                .all(|c| c.is_empty() || text_width(&c[form.min(c.len() - 1)], size) <= room)
    };
    for form in 0..forms {
        for size in CELL_SIZES {
            if fits(form, size) {
                return Some(CellText {
                    size,
                    form,
                    max_chars: usize::MAX,
                });
            }
        }
    }
    let max_chars = chars_within(room, MIN_TEXT_SIZE);
    let enough = room as f64 >= 3.0 * MIN_TEXT_SIZE as f64 * CHAR_WIDTH;
    // Lazily: with no forms, `forms - 1` would underflow.
    (forms > 0 && MIN_TEXT_SIZE + 2 * CELL_PAD <= height && enough).then(|| CellText {
        size: MIN_TEXT_SIZE,
        form: forms - 1,
        max_chars,
    })
}

/// How a cell is painted.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Its fill.
    pub fill: RGBColor,
    /// An outline inside the cell (policies drawn hollow), if any.
    pub outline: Option<RGBColor>,
    /// Its text in forms from the preferred to the shortest.
    pub forms: Vec<String>,
    /// A second, smaller line under the text (the best policy's margin), where the cell has
    /// room for it.
    pub note: Option<String>,
}

impl Cell {
    fn missing() -> Cell {
        Cell {
            fill: MISSING_COLOUR,
            outline: None,
            forms: vec!["–".to_owned()],
            note: None,
        }
    }
}

/// The colour scale shared by every policy's heatmap: the finite mean objectives of the
/// grid's cells.
pub fn shared_scale(view: &SweepView<'_>, grid: &Grid) -> Option<ColourScale> {
    ColourScale::of(
        grid.cells
            .iter()
            .flatten()
            .flatten()
            .flat_map(|&variant| (0..view.policies.len()).filter_map(move |p| view.row(variant, p)))
            .map(|row| row.objective.mean),
    )
}

/// Draws `cells` (`cells[row][column]`) of `grid` on `plot`, with its axes.
fn draw_cells<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    grid: &Grid,
    cells: &[Vec<Cell>],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let columns: Vec<&str> = grid.columns.labels.iter().map(String::as_str).collect();
    let row_chars = chars_within(MAX_ROW_NAME, TICK_SIZE);
    let rows: Vec<String> = grid
        .rows
        .labels
        .iter()
        .map(|l| shorten(l, row_chars))
        .collect();
    let longest = rows
        .iter()
        .map(|r| text_width(r, TICK_SIZE))
        .max()
        .unwrap_or(0);
    let y_area = (longest + 16).max(40) + LABEL_SIZE + 16;
    let x_axis = category_axis(
        &columns,
        plot.dim_in_pixel().0.saturating_sub(y_area + MARGINS),
    );
    let (n_columns, n_rows) = (columns.len().max(1), rows.len().max(1));
    let mut chart = ChartBuilder::on(plot)
        .margin(16)
        .x_label_area_size(x_axis.label_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            -0.5f64..n_columns as f64 - 0.5,
            -0.5f64..n_rows as f64 - 0.5,
        )?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(n_columns)
        .y_labels(n_rows)
        .x_label_formatter(&|x| x_axis.label(&columns, *x))
        .y_label_formatter(&|y| category_label(&rows, *y))
        .x_desc(grid.columns.title.as_str())
        .y_desc(grid.rows.title.as_str())
        .axis_desc_style((FONT, LABEL_SIZE))
        .label_style((FONT, TICK_SIZE))
        .draw()?;
    let at: Vec<(i32, i32)> = (0..columns.len())
        .map(|i| chart.backend_coord(&(i as f64, -0.5)))
        .collect();
    x_axis.draw_names(plot, &columns, &at)?;
    let (left, bottom) = chart.backend_coord(&(-0.5, -0.5));
    let (right, top) = chart.backend_coord(&(0.5, 0.5));
    let (width, height) = ((right - left).unsigned_abs(), (bottom - top).unsigned_abs());
    let forms: Vec<Vec<String>> = cells.iter().flatten().map(|c| c.forms.clone()).collect();
    let text = fit_cell_texts(&forms, width, height);
    for (r, row) in cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (x, y) = (c as f64, r as f64);
            let corners = [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)];
            chart.draw_series(std::iter::once(Rectangle::new(corners, cell.fill.filled())))?;
            if let Some(outline) = cell.outline {
                let inset = 3.0 / width.max(1) as f64;
                let inset_y = 3.0 / height.max(1) as f64;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [
                        (x - 0.5 + inset, y - 0.5 + inset_y),
                        (x + 0.5 - inset, y + 0.5 - inset_y),
                    ],
                    outline.stroke_width(3),
                )))?;
            }
            chart.draw_series(std::iter::once(Rectangle::new(
                corners,
                WHITE.stroke_width(2),
            )))?;
            if let Some(written) = text.and_then(|t| t.text(&cell.forms)) {
                let size = text.map_or(MIN_TEXT_SIZE, |t| t.size);
                let colour = text_colour(cell.fill);
                let style = |size: u32| {
                    (FONT, size)
                        .into_font()
                        .color(&colour)
                        .pos(Pos::new(HPos::Center, VPos::Center))
                };
                // A note goes under the text where the cell holds both lines, at the tick size
                // where it fits, else the smallest.
                let room = width.saturating_sub(2 * CELL_PAD);
                let note_size = match &cell.note {
                    Some(n)
                        if size + TICK_SIZE + 3 * CELL_PAD <= height
                            && text_width(n, TICK_SIZE) <= room =>
                    {
                        TICK_SIZE
                    }
                    _ => MIN_TEXT_SIZE,
                };
                let note = cell
                    .note
                    .as_ref()
                    .filter(|_| size + note_size + 3 * CELL_PAD <= height)
                    .map(|n| {
                        shorten(
                            n,
                            chars_within(width.saturating_sub(2 * CELL_PAD), note_size),
                        )
                    });
                let lift = if note.is_some() {
                    (note_size as i32 + 4) / 2
                } else {
                    0
                };
                chart.draw_series(std::iter::once(
                    EmptyElement::at((x, y)) + Text::new(written, (0, -lift), style(size)),
                ))?;
                if let Some(note) = note {
                    let drop = (size as i32 + 4) / 2;
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((x, y)) + Text::new(note, (0, drop), style(note_size)),
                    ))?;
                }
            }
        }
    }
    Ok(())
}

/// The heatmap of one policy's mean objective.
pub struct Heatmap<'a> {
    /// The sweep, placed.
    pub view: &'a SweepView<'a>,
    /// Its grid.
    pub grid: &'a Grid,
    /// The policy (an index into [`SweepView::policies`]).
    pub policy: usize,
    /// The file stem (`sweep-heatmap-<policy>`, made unique).
    pub stem: String,
    /// The colour scale, shared by every policy's map ([`shared_scale`]).
    pub scale: Option<ColourScale>,
}

impl Heatmap<'_> {
    /// The cells, `[row][column]`.
    pub fn cells(&self) -> Vec<Vec<Cell>> {
        self.grid
            .cells
            .iter()
            .map(|row| {
                row.iter()
                    .map(|variant| {
                        let mean = variant
                            .and_then(|v| self.view.row(v, self.policy))
                            .map(|r| r.objective.mean)
                            .filter(|m| m.is_finite());
                        match (mean, self.scale) {
                            (Some(mean), Some(scale)) => Cell {
                                fill: scale.colour(mean),
                                outline: None,
                                forms: vec![whole_figure(mean), human(mean)],
                                note: None,
                            },
                            _ => Cell::missing(),
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

impl Chart for Heatmap<'_> {
    fn stem(&self) -> String {
        self.stem.clone()
    }

    fn title(&self) -> String {
        let policy = self
            .view
            .policies
            .get(self.policy)
            .map_or("?", |p| p.name.as_str());
        title_in(
            &format!(
                "Total {} of {policy} by {} and {}",
                self.view.objective, self.grid.columns.name, self.grid.rows.name
            ),
            &self.view.sweep.name,
            "",
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (plot, legend) = with_legend(area);
        let cells = self.cells();
        draw_cells(&plot, self.grid, &cells)?;
        let missing = cells.iter().flatten().any(|c| c.fill == MISSING_COLOUR);
        ColourBar {
            heading: format!(
                "mean {}{}",
                self.view.objective,
                in_currency(&self.view.currency)
            ),
            scale: self.scale,
            entries: if missing {
                vec![("no result".to_owned(), Mark::Swatch(MISSING_COLOUR))]
            } else {
                Vec::new()
            },
        }
        .draw(&legend)
    }
}

/// The map of the best policy in each cell.
pub struct BestMap<'a> {
    /// The sweep, placed.
    pub view: &'a SweepView<'a>,
    /// Its grid.
    pub grid: &'a Grid,
}

impl BestMap<'_> {
    /// The best policy of each cell, `[row][column]`.
    pub fn winners(&self) -> Vec<Vec<Option<usize>>> {
        self.grid
            .cells
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| v.and_then(|v| self.view.best(v)))
                    .collect()
            })
            .collect()
    }

    /// What the best policy of `variant` wins by: "+12.3k (2.1%) over thompson", or "tied
    /// with thompson" where the two policies' 95% intervals overlap; `None` without a
    /// runner-up.
    pub fn margin(&self, variant: usize) -> Option<String> {
        let (best, second) = self.view.best_two(variant)?;
        let (best, second) = (
            self.view.row(variant, best)?,
            self.view.row(variant, second)?,
        );
        let (a, b) = (best.objective, second.objective);
        if !(a.mean.is_finite() && b.mean.is_finite()) {
            return None;
        }
        let runner_up = &second.summary.policy;
        Some(if a.low <= b.high {
            format!("tied with {runner_up}")
        } else {
            let share = if b.mean.abs() > 0.0 {
                format!(" ({:.1}%)", 100.0 * (a.mean - b.mean) / b.mean.abs())
            } else {
                String::new()
            };
            format!("+{}{share} over {runner_up}", human(a.mean - b.mean))
        })
    }

    /// The cells, `[row][column]`.
    pub fn cells(&self) -> Vec<Vec<Cell>> {
        let winners = self.winners();
        let notes: Vec<Vec<Option<String>>> = self
            .grid
            .cells
            .iter()
            .map(|row| row.iter().map(|v| v.and_then(|v| self.margin(v))).collect())
            .collect();
        winners
            .iter()
            .zip(&notes)
            .map(|(row, notes)| {
                row.iter()
                    .zip(notes)
                    .map(
                        |(winner, note)| match winner.and_then(|p| self.view.policies.get(p)) {
                            Some(policy) => {
                                let colour = policy.look.colour;
                                if policy.look.hollow_bars() {
                                    // As the hollow bars: a pale fill, outlined.
                                    let pale = |c: u8| (0.3 * c as f64 + 0.7 * 255.0).round() as u8;
                                    Cell {
                                        fill: RGBColor(
                                            pale(colour.0),
                                            pale(colour.1),
                                            pale(colour.2),
                                        ),
                                        outline: Some(colour),
                                        forms: vec![policy.name.clone()],
                                        note: note.clone(),
                                    }
                                } else {
                                    Cell {
                                        fill: colour,
                                        outline: None,
                                        forms: vec![policy.name.clone()],
                                        note: note.clone(),
                                    }
                                }
                            }
                            None => Cell::missing(),
                        },
                    )
                    .collect()
            })
            .collect()
    }
}

impl Chart for BestMap<'_> {
    fn stem(&self) -> String {
        "sweep-best".into()
    }

    fn title(&self) -> String {
        title_in(
            &format!(
                "Best policy by {} and {}",
                self.grid.columns.name, self.grid.rows.name
            ),
            &self.view.sweep.name,
            "",
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (plot, legend) = with_legend(area);
        let winners = self.winners();
        draw_cells(&plot, self.grid, &self.cells())?;
        let won = |p: usize| winners.iter().flatten().any(|w| *w == Some(p));
        let mut entries: Vec<(String, Mark)> = self
            .view
            .policies
            .iter()
            .enumerate()
            .filter(|(p, _)| won(*p))
            .map(|(_, policy)| {
                let mark = if policy.look.hollow_bars() {
                    Mark::HollowSwatch(policy.look.colour)
                } else {
                    Mark::Swatch(policy.look.colour)
                };
                (policy.name.clone(), mark)
            })
            .collect();
        if winners.iter().flatten().any(Option::is_none) {
            entries.push(("no result".to_owned(), Mark::Swatch(MISSING_COLOUR)));
        }
        let mut legend_box = Legend::new(&format!("best by {}", self.view.objective), entries);
        let has_oracle = self.view.policies.iter().any(|p| p.kind == "oracle");
        let learners = self.view.policies.iter().any(|p| p.kind != "oracle");
        if has_oracle && learners {
            legend_box.note = Some("the oracle left out".to_owned());
        }
        legend_box.draw(&legend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(texts: &[&[&str]]) -> Vec<Vec<String>> {
        texts
            .iter()
            .map(|t| t.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn cell_texts_take_the_largest_size_then_shorter_forms_then_shorten() {
        let cells = forms(&[&["1,612,345", "1.6M"], &["998,001", "998k"], &["–"]]);
        let wide = fit_cell_texts(&cells, 300, 200).unwrap();
        assert_eq!((wide.size, wide.form), (LABEL_SIZE, 0));
        assert_eq!(wide.text(&cells[0]).unwrap(), "1,612,345");
        assert_eq!(
            wide.text(&cells[2]).unwrap(),
            "–",
            "one form for every cell"
        );
        let narrow = fit_cell_texts(&cells, 100, 200).unwrap();
        assert_eq!(
            (narrow.size, narrow.form),
            (TICK_SIZE, 0),
            "smaller, but whole"
        );
        let narrower = fit_cell_texts(&cells, 70, 200).unwrap();
        assert_eq!((narrower.size, narrower.form), (LABEL_SIZE, 1));
        assert_eq!(narrower.text(&cells[0]).unwrap(), "1.6M");
        let names = forms(&[&["sliding-window-thompson"]]);
        let short = fit_cell_texts(&names, 80, 40).unwrap();
        assert_eq!(short.size, MIN_TEXT_SIZE);
        let written = short.text(&names[0]).unwrap();
        assert!(written.ends_with('…') && text_width(&written, MIN_TEXT_SIZE) <= 70);
        assert_eq!(fit_cell_texts(&names, 20, 40), None, "too narrow");
        assert_eq!(fit_cell_texts(&names, 200, 15), None, "too low");
        assert_eq!(
            fit_cell_texts(&[], 10, 10),
            None,
            "no cells, nothing written"
        );
    }
}
