//! Category axes (policies, channels): names written level when each fits its slot, level on
//! two staggered rows when each fits two slots, otherwise turned to read upwards and ending at
//! the axis, shortened past [`MAX_ROTATED_LABEL_HEIGHT`]; so twelve or more names never
//! overlap. Planned from estimated text widths, so the choice is tested without a font.

use crate::report::style::{
    FONT, LABEL_SIZE, MAX_ROTATED_LABEL_HEIGHT, MIN_TEXT_SIZE, TICK_SIZE, TURNED_TEXT_SIZE,
    chars_within, shorten, text_width,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;

/// Height of the label area under an axis with level labels (labels and the axis name).
const LEVEL_LABEL_AREA: u32 = 56;
/// Gap between the axis and the names written by [`CategoryAxis::draw_names`].
const GAP: u32 = 8;
/// Height of a row of staggered names.
const ROW: u32 = TICK_SIZE + 6;
/// Room under the names for the axis description.
const DESCRIPTION: u32 = LABEL_SIZE + 20;

/// How the names of a category axis are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Level, one row (written by the chart's mesh).
    Level,
    /// Level, on two rows alternately, so each name has two slots.
    Staggered,
    /// Turned to read upwards, ending under the axis.
    Turned,
}

/// How the names of a category axis are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryAxis {
    /// Where the names go.
    pub placement: Placement,
    /// Text size of the names.
    pub text_size: u32,
    /// Longest name written whole; longer ones end in `…`.
    pub max_chars: usize,
    /// Height of the area under the axis: the names and the axis description.
    pub label_area: u32,
}

/// Plans the names of `names.len()` categories spread over `plot_width` pixels.
pub fn category_axis(names: &[&str], plot_width: u32) -> CategoryAxis {
    let slot = plot_width / names.len().max(1) as u32;
    let fits = |room: u32| names.iter().all(|n| text_width(n, TICK_SIZE) + 6 <= room);
    if fits(slot) {
        return CategoryAxis {
            placement: Placement::Level,
            text_size: TICK_SIZE,
            max_chars: usize::MAX,
            label_area: LEVEL_LABEL_AREA,
        };
    }
    if fits(2 * slot) {
        return CategoryAxis {
            placement: Placement::Staggered,
            text_size: TICK_SIZE,
            max_chars: usize::MAX,
            label_area: GAP + 2 * ROW + DESCRIPTION,
        };
    }
    // A turned name is as wide as a line of text: shrink it if the slots are narrower.
    let text_size = TURNED_TEXT_SIZE
        .min(slot.saturating_sub(2))
        .max(MIN_TEXT_SIZE);
    let max_chars = chars_within(MAX_ROTATED_LABEL_HEIGHT, text_size);
    let longest = names
        .iter()
        .map(|n| text_width(&shorten(n, max_chars), text_size))
        .max()
        .unwrap_or(0);
    CategoryAxis {
        placement: Placement::Turned,
        text_size,
        max_chars,
        label_area: longest + GAP + DESCRIPTION,
    }
}

impl CategoryAxis {
    /// The tick label the chart's mesh writes at position `x` of an axis drawn on
    /// `-0.5..n - 0.5`: the name when level, nothing otherwise ([`CategoryAxis::draw_names`]
    /// writes staggered and turned names).
    pub fn label<S: AsRef<str>>(&self, names: &[S], x: f64) -> String {
        match self.placement {
            Placement::Level => category_label(names, x),
            Placement::Staggered | Placement::Turned => String::new(),
        }
    }

    /// Writes staggered or turned names on `area`, under the axis points `at[i]` (in backend
    /// pixels, as `ChartContext::backend_coord` gives them): staggered names centred on their
    /// point, a row lower every other name; turned names reading upwards, ending just under it.
    pub fn draw_names<DB: DrawingBackend, S: AsRef<str>>(
        &self,
        area: &DrawingArea<DB, Shift>,
        names: &[S],
        at: &[(i32, i32)],
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (base_x, base_y) = area.get_base_pixel();
        let font = (FONT, self.text_size).into_font();
        let style = match self.placement {
            Placement::Level => return Ok(()),
            Placement::Staggered => font
                .into_text_style(area)
                .pos(Pos::new(HPos::Center, VPos::Top)),
            Placement::Turned => font
                .transform(FontTransform::Rotate270)
                .into_text_style(area)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        };
        for (i, (name, &(x, y))) in names.iter().zip(at).enumerate() {
            let row = if self.placement == Placement::Staggered {
                (i % 2) as i32 * ROW as i32
            } else {
                0
            };
            area.draw(&Text::new(
                shorten(name.as_ref(), self.max_chars),
                (x - base_x, y - base_y + GAP as i32 + row),
                style.clone(),
            ))?;
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_stay_level() {
        let axis = category_axis(&["thompson", "fixed", "oracle"], 800);
        assert_eq!(axis.placement, Placement::Level);
        assert_eq!(axis.label(&["a", "b"], 1.0), "b");
        assert_eq!(axis.label(&["a", "b"], 0.5), "");
    }

    const SIX: [&str; 6] = [
        "thompson",
        "discounted-thompson",
        "sliding-window-thompson",
        "fixed",
        "oracle",
        "epsilon-greedy",
    ];

    #[test]
    fn names_wider_than_their_slot_take_two_rows() {
        let axis = category_axis(&SIX, 830);
        assert_eq!(axis.placement, Placement::Staggered);
        assert_eq!(axis.label(&SIX, 1.0), "", "written by draw_names instead");
        let two_slots = 2 * 830 / 6;
        assert!(
            SIX.iter()
                .all(|n| text_width(n, axis.text_size) < two_slots)
        );
        assert!(axis.label_area >= GAP + 2 * ROW);
    }

    #[test]
    fn twelve_and_more_names_are_turned_and_shortened() {
        let fourteen: Vec<String> = (0..14).map(|i| format!("{}-{i}", SIX[i % 6])).collect();
        let refs: Vec<&str> = fourteen.iter().map(String::as_str).collect();
        let axis = category_axis(&refs, 830);
        assert_eq!(axis.placement, Placement::Turned);
        assert!(
            axis.text_size <= 830 / 14,
            "a turned name is no wider than its slot"
        );
        let written = shorten("sliding-window-thompson-2", axis.max_chars);
        assert!(text_width(&written, axis.text_size) <= MAX_ROTATED_LABEL_HEIGHT);
        assert!(axis.label_area >= text_width(&written, axis.text_size) + GAP);

        let sixty: Vec<String> = (0..60).map(|i| format!("lamp-long-tail-{i}")).collect();
        let refs: Vec<&str> = sixty.iter().map(String::as_str).collect();
        let axis = category_axis(&refs, 830);
        assert_eq!(axis.placement, Placement::Turned);
        assert_eq!(
            axis.text_size, MIN_TEXT_SIZE,
            "13-pixel slots take the smallest text"
        );
        assert!(category_axis(&[], 0).label_area > 0, "no names: no panic");
    }
}
