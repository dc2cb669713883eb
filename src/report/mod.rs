//! Charts and the report page of a results folder.
//!
//! Everything is drawn from the folder's own CSV and JSON files ([`data::load`]), so `run`
//! and `chart` (which redraws an earlier run) share one path and the pictures always show
//! what the files hold. Each chart is written as PNG and SVG at 1200 × 800 under `charts/`;
//! `report.html` puts the tables and every chart (inline SVG) on one self-contained page.
//! Where they are drawn (a staging folder) and how they are moved into place is the job of
//! [`crate::results_folder`]. A sweep's folder has a page and charts of its own, across its
//! variants ([`sweep`], [`charts::sweep`]).

pub mod charts;
pub mod data;
pub mod html;
pub mod style;
pub mod sweep;

use crate::error::{WriteError, at_path};
use charts::allocation::{Allocation, AllocationCompare};
use charts::channels::Channels;
use charts::roas::Roas;
use charts::series::{Cumulative, Measure};
use charts::{Chart, save};
use data::{LoadError, ReportData};
use html::InlineChart;
use std::fs;
use std::path::Path;

/// The folder of a results folder that holds the charts.
pub const CHARTS_DIR: &str = "charts";

/// Why charts or the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The results folder is missing or damaged (bad input: exit code 2).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A chart failed to draw.
    #[error("cannot draw chart {chart}: {reason}")]
    Draw {
        /// The chart's file stem.
        chart: String,
        /// What plotters said.
        reason: String,
    },
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Characters of a name kept in a file name: with a chart's prefix (`allocation-`) and
/// suffix, well under the 255 bytes a file name may have.
pub const MAX_STEM_CHARS: usize = 100;

/// A file name made of a policy name: letters, digits, `-`, `_` and `.` kept, the rest `-`,
/// cut to [`MAX_STEM_CHARS`] characters (names that then agree get a `_` more each, as any
/// two stems that agree do).
pub fn file_stem(name: &str) -> String {
    name.chars()
        .take(MAX_STEM_CHARS)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A file-safe stem for `name` that differs from every stem in `taken` (a `_` is appended
/// until it does), recorded in `taken`.
fn unique_stem(taken: &mut Vec<String>, name: &str) -> String {
    let mut stem = file_stem(name);
    while taken.contains(&stem) {
        stem.push('_');
    }
    taken.push(stem.clone());
    stem
}

/// Draws `chart` into `folder` ([`save`]) and returns it ready to inline in a page, with
/// `explanation` as its caption.
pub fn draw_inline<C: Chart>(
    chart: &C,
    explanation: &str,
    folder: &Path,
) -> Result<InlineChart, ReportError> {
    let failed = |reason: String| ReportError::Draw {
        chart: chart.stem(),
        reason,
    };
    let svg_path = save(chart, folder).map_err(|e| failed(e.to_string()))?;
    let svg = at_path(&svg_path, fs::read_to_string(&svg_path))?;
    Ok(InlineChart {
        title: chart.title(),
        explanation: explanation.to_owned(),
        svg,
    })
}

/// A chart drawn into a folder, deferred: the charts of a report are drawn in parallel.
type ChartJob<'a> = Box<dyn Fn() -> Result<InlineChart, ReportError> + Send + Sync + 'a>;

/// The charts of a report, in page order, drawn together by [`Drawn::draw`] (a scenario's
/// report and a sweep's, [`sweep`]).
pub(crate) struct Drawn<'a> {
    folder: &'a Path,
    jobs: Vec<ChartJob<'a>>,
}

impl<'a> Drawn<'a> {
    /// No chart yet, to be drawn into `folder`.
    pub(crate) fn new(folder: &'a Path) -> Self {
        Drawn {
            folder,
            jobs: Vec::new(),
        }
    }

    /// Adds `chart` with its caption `explanation`.
    pub(crate) fn add<C: Chart + Send + Sync + 'a>(
        &mut self,
        chart: C,
        explanation: impl Into<String>,
    ) {
        let (folder, explanation) = (self.folder, explanation.into());
        self.jobs
            .push(Box::new(move || draw_inline(&chart, &explanation, folder)));
    }

    /// Draws every chart on the rayon pool (each writes its own files) and returns them in
    /// the order added.
    pub(crate) fn draw(self) -> Result<Vec<InlineChart>, ReportError> {
        use rayon::prelude::*;
        self.jobs.par_iter().map(|job| job()).collect()
    }
}

/// Reads the results files in `source` and writes `charts/` and `report.html` into `target`
/// (the same folder for `run`, a staging folder for `chart`).
pub fn draw_report(source: &Path, target: &Path) -> Result<ReportData, ReportError> {
    let data = data::load(source)?;
    style::register_fonts();
    let folder = target.join(CHARTS_DIR);
    at_path(&folder, fs::create_dir_all(&folder))?;
    let mut drawn = Drawn::new(&folder);
    drawn.add(
        AllocationCompare { data: &data },
        "Each panel stacks the channels' mean shares of the daily budget for one policy; dashed lines mark the oracle's split of each day.",
    );
    let mut stems: Vec<String> = Vec::new();
    for policy in &data.daily {
        let chart = Allocation {
            data: &data,
            policy,
        };
        let stem = unique_stem(&mut stems, &chart.stem());
        let named = Renamed { chart, stem };
        drawn.add(
            named,
            "How this policy moved the budget between channels day by day, against the oracle's split of each day (dashed).",
        );
    }
    drawn.add(
        Cumulative {
            data: &data,
            measure: Measure::Revenue,
            log_days: false,
        },
        "Revenue earned so far, day by day: the mean over replications with its 95% band.",
    );
    drawn.add(
        Cumulative {
            data: &data,
            measure: Measure::Regret,
            log_days: false,
        },
        "Expected revenue lost against the oracle so far: what learning has cost.",
    );
    if data.winner_takes_all() {
        let chart = Cumulative {
            data: &data,
            measure: Measure::Regret,
            log_days: true,
        };
        let caption = match chart.lai_robbins() {
            Some(c) => format!(
                "The same regret with days on a log scale: logarithmic regret shows as a straight line. \
                 The dashed line \"Lai-Robbins bound\" is the asymptote Σ Δ_i / KL(p_i, p*) · ln T = {} ln T \
                 of these Bernoulli arms, the least regret any consistent policy has in the long run \
                 (Lai and Robbins 1985; Chapelle and Li 2011, Figure 1): a policy whose regret runs \
                 parallel to it attains the bound.",
                crate::output::csv_files::number((c * 100.0).round() / 100.0)
            ),
            None => "The same regret with days on a log scale: logarithmic regret shows as a straight line.".to_owned(),
        };
        drawn.add(chart, caption);
    }
    if data.maximises_profit() && data.has_cumulative_profit() {
        drawn.add(
            Cumulative { data: &data, measure: Measure::Profit, log_days: false },
            "Profit so far (revenue / target ROAS − spend), day by day: the mean over replications with its 95% band.",
        );
    }
    drawn.add(
        Roas { data: &data },
        "Return on ad spend over the whole horizon per policy, with its 95% interval; the dashed line is the oracle's expected ROAS.",
    );
    drawn.add(
        Channels { data: &data },
        "Where each policy spent the money and what each channel returned under it.",
    );
    let charts = drawn.draw()?;
    let report_path = target.join("report.html");
    at_path(
        &report_path,
        fs::write(&report_path, html::report(&data, &charts)),
    )?;
    Ok(data)
}

/// A chart drawn under another file stem (a policy name made safe for file names).
struct Renamed<C> {
    chart: C,
    stem: String,
}

impl<C: Chart> Chart for Renamed<C> {
    fn stem(&self) -> String {
        self.stem.clone()
    }

    fn title(&self) -> String {
        self.chart.title()
    }

    fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    ) -> charts::DrawResult
    where
        DB::ErrorType: 'static,
    {
        self.chart.draw(area)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_file_names_are_safe_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(
            unique_stem(&mut taken, "allocation-eps 0.1/x"),
            "allocation-eps-0.1-x"
        );
        assert_eq!(unique_stem(&mut taken, "allocation-a b"), "allocation-a-b");
        assert_eq!(unique_stem(&mut taken, "allocation-a-b"), "allocation-a-b_");
    }
}
