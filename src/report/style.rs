//! The look shared by every chart: sizes, font, palettes, line patterns, number formats.
//!
//! Channels take colours from the Okabe–Ito palette followed by Paul Tol's muted palette, both
//! designed to stay distinguishable with colour-vision deficiencies; a channel keeps its colour
//! in every chart of a run. Past [`MAX_CHANNEL_BANDS`] channels the budget-shift charts name the
//! largest ones and pool the rest as "other" in [`OTHER_COLOUR`], a neutral grey. Policies take
//! twelve distinct colours (Paul Tol's bright palette, then colours of his vibrant, muted, light
//! YlOrBr and dark palettes) by scenario order; a thirteenth policy reuses the first colour with a
//! dotted line (and a hollow bar), so 24 policies still look different. The oracle is always a
//! dark grey dashed line.

use plotters::style::{FontStyle, RGBColor, register_font};
use std::sync::Once;

/// Pixel size of every chart (the SVG's nominal size too).
pub const SIZE: (u32, u32) = (1200, 800);
/// Width of the legend panel at the right of a chart, outside the plotting area.
pub const LEGEND_WIDTH: u32 = 250;
/// The font family every text uses; DejaVu Sans is embedded for bitmaps.
pub const FONT: &str = "sans-serif";
/// Title size in pixels.
pub const TITLE_SIZE: u32 = 30;
/// Axis label and legend size in pixels.
pub const LABEL_SIZE: u32 = 20;
/// Tick label size in pixels.
pub const TICK_SIZE: u32 = 16;
/// Size of category names turned to read upwards (a little smaller than level ones, so
/// longer names fit).
pub const TURNED_TEXT_SIZE: u32 = 14;
/// Smallest text a legend or an axis shrinks to before it leaves entries out or shortens them.
pub const MIN_TEXT_SIZE: u32 = 12;
/// Width of an average character as a fraction of the text size, for planning layouts without
/// a font: DejaVu Sans (which bitmaps use) averages about 0.48 on names such as
/// `saturation-thompson` (browsers draw SVG text smaller still), so names of ordinary letters
/// fit the room planned for them (a test checks typical names against the font).
pub const CHAR_WIDTH: f64 = 0.52;
/// The same for bold text (legend headings): DejaVu Sans Bold is about a tenth wider.
pub const BOLD_CHAR_WIDTH: f64 = 0.58;
/// Most channel bands a budget-shift chart stacks: past it, the largest
/// `MAX_CHANNEL_BANDS - 1` channels are named and the rest pooled as "other".
pub const MAX_CHANNEL_BANDS: usize = 12;
/// Most pixels rotated category labels may take below an axis; longer names are shortened.
pub const MAX_ROTATED_LABEL_HEIGHT: u32 = 150;
/// Dash and gap of the oracle's dashed lines, in pixels.
pub const DASH: (u32, u32) = (12, 8);
/// Dash and gap of dotted lines, in pixels.
pub const DOT: (u32, u32) = (3, 6);
/// Dash and gap of the oracle's lines in small multiples, where a day is a few pixels wide.
pub const SMALL_DASH: (u32, u32) = (5, 3);

const CHANNEL_COLOURS: [RGBColor; 15] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(51, 34, 136),   // indigo
    RGBColor(136, 204, 238), // cyan
    RGBColor(68, 170, 153),  // teal
    RGBColor(17, 119, 51),   // green
    RGBColor(153, 153, 51),  // olive
    RGBColor(221, 204, 119), // sand
    RGBColor(204, 102, 119), // rose
    RGBColor(136, 34, 85),   // wine
];

/// The colour of the channels pooled as "other" in the budget-shift charts.
pub const OTHER_COLOUR: RGBColor = RGBColor(187, 187, 187);
/// The outline of the legend entry for budget left unspent (white in the budget-shift charts).
pub const UNSPENT_COLOUR: RGBColor = RGBColor(150, 150, 150);

/// Twelve colours at least 28 apart (CIE76) from each other and from the oracle's grey.
const POLICY_COLOURS: [RGBColor; 12] = [
    RGBColor(68, 119, 170),  // blue (Tol bright)
    RGBColor(238, 102, 119), // red (Tol bright)
    RGBColor(34, 136, 51),   // green (Tol bright)
    RGBColor(204, 187, 68),  // yellow (Tol bright)
    RGBColor(102, 204, 238), // cyan (Tol bright)
    RGBColor(170, 51, 119),  // purple (Tol bright)
    RGBColor(238, 119, 51),  // orange (Tol vibrant)
    RGBColor(51, 34, 136),   // indigo (Tol muted)
    RGBColor(68, 170, 153),  // teal (Tol muted)
    RGBColor(255, 170, 187), // pink (Tol light)
    RGBColor(153, 52, 4),    // brown (Tol YlOrBr)
    RGBColor(34, 85, 34),    // dark green (Tol dark)
];

/// Line patterns of successive rounds through [`POLICY_COLOURS`].
const POLICY_STROKES: [Stroke; 2] = [Stroke::Solid, Stroke::Dotted];

/// The oracle's colour.
pub const ORACLE_COLOUR: RGBColor = RGBColor(60, 60, 60);

/// The colour of the zero line of charts whose values can go below zero.
pub const ZERO_COLOUR: RGBColor = RGBColor(110, 110, 110);

/// The colour of the target-ROAS reference line of profit scenarios.
pub const TARGET_COLOUR: RGBColor = RGBColor(136, 34, 85);

/// The colour of the Lai-Robbins asymptote on the log-scale regret chart of a classic
/// Bernoulli bandit: a reference line, in the target line's colour (the two never share a
/// chart), apart from the oracle's grey.
pub const BOUND_COLOUR: RGBColor = TARGET_COLOUR;

/// The colour of the channel band at `index` (scenario order, or rank among the named channels
/// when some are pooled as "other").
pub fn channel_colour(index: usize) -> RGBColor {
    CHANNEL_COLOURS[index % CHANNEL_COLOURS.len()]
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    /// A solid line (the learners of the first round of colours).
    Solid,
    /// Long dashes (the oracle, and reference lines).
    Dashed,
    /// Short dots (the learners of the second round of colours).
    Dotted,
}

impl Stroke {
    /// Dash and gap in pixels, or `None` for a solid line.
    pub fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Stroke::Solid => None,
            Stroke::Dashed => Some(DASH),
            Stroke::Dotted => Some(DOT),
        }
    }
}

/// How a policy is drawn: its colour and its line pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolicyLook {
    /// Line and bar colour.
    pub colour: RGBColor,
    /// Line pattern: dashed for the oracle, dotted for policies past the twelfth colour.
    pub stroke: Stroke,
}

impl PolicyLook {
    /// Whether bars of this policy are drawn hollow (an outline over a pale fill), which tells
    /// apart two policies sharing a colour where lines have no pattern.
    pub fn hollow_bars(&self) -> bool {
        self.stroke == Stroke::Dotted
    }
}

/// The slot in [`POLICY_COLOURS`] of each policy kind: a kind has its colour in every chart
/// of every scenario and sweep, so a deck's charts read alike. The two last colours are for
/// kinds added later.
const KIND_SLOTS: [(&str, usize); 10] = [
    ("saturation-thompson", 0),
    ("thompson", 1),
    ("epsilon-greedy", 2),
    ("fixed", 3),
    ("discounted-thompson", 4),
    ("sliding-window-thompson", 5),
    ("ucb", 6),
    ("gp-ucb", 7),
    ("gp-thompson", 8),
    ("custom", 9),
];

/// The look of the first policy of `kind` in a scenario: the kind's colour, solid (the oracle
/// dashed grey), the same in every chart of every scenario and sweep.
pub fn kind_look(kind: &str) -> PolicyLook {
    if kind == "oracle" {
        return PolicyLook {
            colour: ORACLE_COLOUR,
            stroke: Stroke::Dashed,
        };
    }
    PolicyLook {
        colour: POLICY_COLOURS[kind_slot(kind)],
        stroke: Stroke::Solid,
    }
}

/// The slot of `kind` in [`POLICY_COLOURS`]; an unknown kind takes the last.
fn kind_slot(kind: &str) -> usize {
    KIND_SLOTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(POLICY_COLOURS.len() - 1, |(_, slot)| *slot)
}

/// The looks of a scenario's policies of `kinds`, in scenario order. The first of each kind
/// has its [`kind_look`]; a later one of a kind already drawn (a second Thompson sampler with
/// another prior) takes the first look no policy of the scenario has yet, dotted lines (and
/// hollow bars) in the colours after its kind's first, then solid lines in colours no kind of
/// the scenario uses: 24 policies of one kind look different, and the first of each kind
/// keeps its colour.
pub fn policy_looks<'a>(kinds: impl IntoIterator<Item = &'a str>) -> Vec<PolicyLook> {
    let kinds: Vec<&str> = kinds.into_iter().collect();
    let mut used: Vec<PolicyLook> = Vec::new();
    let mut first = vec![true; kinds.len()];
    for (i, kind) in kinds.iter().enumerate() {
        first[i] = !kinds[..i].contains(kind);
        if first[i] {
            used.push(kind_look(kind));
        }
    }
    kinds
        .iter()
        .zip(first)
        .map(|(&kind, first)| {
            if first {
                return kind_look(kind);
            }
            let slot = kind_slot(kind);
            let n = POLICY_COLOURS.len();
            let candidates = POLICY_STROKES.iter().rev().flat_map(|&stroke| {
                (0..n).map(move |k| PolicyLook {
                    colour: POLICY_COLOURS[(slot + 1 + k) % n],
                    stroke,
                })
            });
            let look = candidates
                .clone()
                .find(|look| !used.contains(look))
                .unwrap_or_else(|| {
                    let repeat = used.len() % (2 * n);
                    candidates.clone().nth(repeat).unwrap_or(kind_look(kind))
                });
            used.push(look);
            look
        })
        .collect()
}

/// Makes the embedded DejaVu Sans the font of bitmap charts (once per process), so text
/// renders on a machine with no fonts installed.
pub fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // The embedded fonts are valid TrueType (a test draws with them); were one not, text
        // would fall back to no glyphs rather than stop the run.
        let _ = register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// The width in pixels that `text` is planned to take at `size`, from [`CHAR_WIDTH`]: an
/// estimate that needs no font, so layouts are computed (and tested) without one.
pub fn text_width(text: &str, size: u32) -> u32 {
    (text.chars().count() as f64 * size as f64 * CHAR_WIDTH).ceil() as u32
}

/// The same as [`text_width`] for bold text.
pub fn bold_text_width(text: &str, size: u32) -> u32 {
    (text.chars().count() as f64 * size as f64 * BOLD_CHAR_WIDTH).ceil() as u32
}

/// The characters of text at `size` that fit in `width` pixels (at least one).
pub fn chars_within(width: u32, size: u32) -> usize {
    ((width as f64 / (size.max(1) as f64 * CHAR_WIDTH)).floor() as usize).max(1)
}

/// `text` cut to at most `max_chars` characters, ending in `…` when cut.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

/// A whole amount for a label drawn in a chart, `4 014` with a narrow no-break space between
/// the thousands: the charts' glyph layout places a comma by its outline rather than its
/// advance, which renders `4,014` as `4, 014`, and a space has no outline to misplace.
///
/// ```
/// use budget_bandit::report::style::chart_amount;
///
/// assert_eq!(chart_amount(4014.4), "4\u{202f}014");
/// assert_eq!(chart_amount(1_234_567.0), "1\u{202f}234\u{202f}567");
/// assert_eq!(chart_amount(931.0), "931");
/// ```
pub fn chart_amount(value: f64) -> String {
    crate::output::table::thousands(value, 0).replace(',', "\u{202f}")
}

/// A number for an axis: `1.2M`, `45k`, `3,400`, `12`, `0.45`.
pub fn human(value: f64) -> String {
    let magnitude = value.abs();
    let text = if magnitude >= 1e9 {
        format!("{:.1}G", value / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.0}k", value / 1e3)
    } else if magnitude >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else if magnitude >= 10.0 || magnitude == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    };
    text.replace(".0k", "k")
        .replace(".0M", "M")
        .replace(".0G", "G")
}

/// A day on a logarithmic day axis, short enough for small panels: `1`, `100`, `1k`, `10k`,
/// `1M`.
///
/// ```
/// use budget_bandit::report::style::day_label;
///
/// assert_eq!(day_label(100.0), "100");
/// assert_eq!(day_label(1000.0), "1k");
/// assert_eq!(day_label(1_000_000.0), "1M");
/// ```
pub fn day_label(day: f64) -> String {
    if day.abs() >= 1000.0 {
        human(day)
    } else {
        format!("{day:.0}")
    }
}

/// A share as a percentage: `0.25` → `25%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::IntoFont;

    #[test]
    fn numbers_are_human() {
        assert_eq!(human(1_804_828.0), "1.8M");
        assert_eq!(human(2_000_000.0), "2M");
        assert_eq!(human(45_300.0), "45k");
        assert_eq!(human(3_400.0), "3.4k");
        assert_eq!(human(12.4), "12");
        assert_eq!(human(0.456), "0.46");
        assert_eq!(human(0.0), "0");
        assert_eq!(percent(0.255), "26%");
    }

    #[test]
    fn channel_colours_are_stable_and_distinct() {
        assert_eq!(channel_colour(0), channel_colour(15));
        for i in 0..15 {
            for j in 0..i {
                assert_ne!(channel_colour(i), channel_colour(j));
            }
            assert_ne!(channel_colour(i), OTHER_COLOUR);
        }
    }

    #[test]
    fn twenty_four_policies_look_different_and_the_oracle_stays_grey_dashed() {
        let looks = policy_looks(["thompson"; 24]);
        for i in 0..looks.len() {
            for j in 0..i {
                assert_ne!(looks[i], looks[j], "policies {i} and {j}");
            }
            assert_ne!(looks[i].colour, ORACLE_COLOUR);
            assert_ne!(looks[i].stroke, Stroke::Dashed, "dashes are the oracle's");
        }
        // The first keeps its kind's look; the next twelve are dotted, with hollow bars.
        assert_eq!(looks[0], kind_look("thompson"));
        assert!((1..13).all(|i| looks[i].hollow_bars()));
        let oracle = policy_looks(["thompson", "oracle"])[1];
        assert_eq!(
            (oracle.colour, oracle.stroke),
            (ORACLE_COLOUR, Stroke::Dashed)
        );
    }

    #[test]
    fn a_kind_has_its_colour_whatever_the_order_and_company() {
        let one = policy_looks(["fixed", "thompson", "oracle"]);
        let other = policy_looks(["saturation-thompson", "thompson", "ucb", "fixed"]);
        assert_eq!((one[0], one[1]), (other[3], other[1]));
        // The ten kinds have ten colours.
        let kinds = KIND_SLOTS.map(|(kind, _)| kind_look(kind).colour);
        for i in 0..kinds.len() {
            for j in 0..i {
                assert_ne!(kinds[i], kinds[j]);
            }
        }
    }

    #[test]
    fn text_is_shortened_with_an_ellipsis() {
        assert_eq!(shorten("thompson", 8), "thompson");
        assert_eq!(shorten("sliding-window-thompson", 10), "sliding-w…");
        assert_eq!(shorten("x", 0), "…");
        assert_eq!(chars_within(112, 20), 10);
        assert_eq!(chars_within(0, 0), 1);
        assert_eq!(text_width("", 20), 0);
    }

    #[test]
    fn planned_widths_cover_the_embedded_font() {
        register_fonts();
        for size in [12, 16, 20] {
            for text in [
                "sliding-window-thompson",
                "saturation-thompson",
                "oracle, expected ROAS",
                "other (49 channels)",
                "sofa-competitor",
                "b2b-leads",
                "policy (band: 95%)",
            ] {
                let font = (FONT, size).into_font();
                let (width, _) = font.box_size(text).unwrap();
                assert!(width <= text_width(text, size), "{text} at {size}: {width}");
                let (bold, _) = font.style(FontStyle::Bold).box_size(text).unwrap();
                assert!(bold <= bold_text_width(text, size), "{text} bold: {bold}");
            }
        }
    }
}
