//! The look shared by every chart: size, font, palettes, number formats.
//!
//! Channels take colours from the Okabe–Ito palette followed by Paul Tol's muted palette, both
//! designed to stay distinguishable with colour-vision deficiencies; a channel keeps its colour
//! (by scenario order) in every chart of a run. Policies take Paul Tol's bright palette by
//! scenario order, and the oracle is always a dark grey dashed line.

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

const POLICY_COLOURS: [RGBColor; 6] = [
    RGBColor(68, 119, 170),  // blue
    RGBColor(238, 102, 119), // red
    RGBColor(34, 136, 51),   // green
    RGBColor(204, 187, 68),  // yellow
    RGBColor(102, 204, 238), // cyan
    RGBColor(170, 51, 119),  // purple
];

/// The oracle's colour.
pub const ORACLE_COLOUR: RGBColor = RGBColor(60, 60, 60);

/// The colour of the channel at `index` in scenario order.
pub fn channel_colour(index: usize) -> RGBColor {
    CHANNEL_COLOURS[index % CHANNEL_COLOURS.len()]
}

/// How a policy is drawn: its colour, and whether its lines are dashed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolicyLook {
    /// Line and bar colour.
    pub colour: RGBColor,
    /// Dashed lines (the oracle) or solid (the learners).
    pub dashed: bool,
}

/// The look of the policy at `index` in scenario order, of the given kind.
pub fn policy_look(index: usize, kind: &str) -> PolicyLook {
    if kind == "oracle" {
        PolicyLook {
            colour: ORACLE_COLOUR,
            dashed: true,
        }
    } else {
        PolicyLook {
            colour: POLICY_COLOURS[index % POLICY_COLOURS.len()],
            dashed: false,
        }
    }
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

/// A share as a percentage: `0.25` → `25%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn colours_are_stable_and_distinct() {
        assert_eq!(channel_colour(0), channel_colour(15));
        for i in 0..15 {
            for j in 0..i {
                assert_ne!(channel_colour(i), channel_colour(j));
            }
        }
        assert!(policy_look(3, "oracle").dashed);
        assert!(!policy_look(0, "thompson").dashed);
    }
}
