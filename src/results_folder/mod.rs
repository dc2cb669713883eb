//! Results folders: written all or nothing, and never over what budget-bandit did not write.
//!
//! This module is the one owner of the output folder. `run` goes through a [`Claim`], `chart`
//! through [`redraw`]; the files themselves come from [`crate::output`] (data) and
//! [`crate::report`] (charts and report page), which know nothing about staging.
//!
//! A run, in order:
//!
//! 1. [`Claim::prepare`], before any simulation: creates the output folder if needed, checks
//!    that each scenario's `<out>/<name>` is free or a results folder of ours and that
//!    `<out>/index.html` is free or ours (see [`ownership`] for what "ours" means), tidies what
//!    killed runs left behind ([`staging`]), and creates each scenario's staging folder
//!    `.<name>.partial-<id>` with the marker file in it (`<id>` is the [`staging::staging_id`]). Something foreign in the way is a
//!    [`NotOurs`] error (exit code 2); a folder that cannot be created or written is a
//!    [`WriteError`] (exit code 1). Either way nothing was simulated.
//! 2. [`Claim::write`], per scenario once simulated: writes the data files, the charts and the
//!    report into the staging folder, then moves it into place, setting the earlier folder
//!    aside and removing it only once the new one is there.
//! 3. [`Claim::finish`]: writes `index.html` (when charts are drawn) through a staging file.
//!
//! Staging that is not moved into place is removed when the claim is dropped, on every error
//! path; only a killed process leaves some, which the next run removes.

pub mod ownership;
pub mod staging;

pub use staging::Tidied;

use crate::error::{WriteError, at_path};
use crate::output::write_files;
use crate::report::data::{self, LoadError};
use crate::report::{CHARTS_DIR, ReportError, draw_report, html};
use crate::runner::ScenarioResults;
use crate::scenario::{INDEX_PAGE, Scenario};
use ownership::{Foreign, MARKER, MARKER_TEXT, Occupant};
use staging::{Move, Place, Staged, replace_all, tidy};
use std::fs;
use std::path::{Path, PathBuf};

/// The report page of a results folder.
const REPORT_PAGE: &str = "report.html";

/// Something in the way of a run that budget-bandit did not write, and so will not replace
/// (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{} is {found}, and {purpose}; budget-bandit replaces only what it wrote itself{outcome}. {hint}", path.display())]
pub struct NotOurs {
    /// The path in the way.
    pub path: PathBuf,
    /// What is there.
    found: String,
    /// What the run would have written there.
    purpose: String,
    /// What happened instead.
    outcome: &'static str,
    /// What to do.
    hint: &'static str,
}

/// Why a results folder could not be written or redrawn.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// Something foreign is in the way (bad input: exit code 2).
    #[error(transparent)]
    NotOurs(#[from] NotOurs),
    /// The files could not be read, drawn or written.
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl From<WriteError> for FolderError {
    fn from(error: WriteError) -> Self {
        FolderError::Report(error.into())
    }
}

impl From<LoadError> for FolderError {
    fn from(error: LoadError) -> Self {
        FolderError::Report(error.into())
    }
}

/// What is at a foreign path, in words.
fn describe(kind: Foreign, page: bool) -> String {
    match kind {
        Foreign::Folder if page => "a folder".into(),
        Foreign::Folder => format!(
            "a folder budget-bandit did not write (it holds no {MARKER} file and no \
             summary.json of budget-bandit)"
        ),
        Foreign::File if page => format!(
            "a file budget-bandit did not write (its head lacks {})",
            html::GENERATOR
        ),
        Foreign::File => "a file".into(),
        Foreign::Link => "a symbolic link".into(),
        Foreign::Other => "neither a folder nor a file".into(),
    }
}

/// What a results folder is written for: a scenario run or an account's recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// `scenario` or `account`.
    pub kind: &'static str,
    /// Its name, the results folder's.
    pub name: String,
    /// Where it came from (a path).
    pub origin: String,
}

impl Source {
    /// The results folder of a scenario.
    pub fn scenario(scenario: &Scenario) -> Source {
        Source {
            kind: "scenario",
            name: scenario.name.clone(),
            origin: scenario.origin.clone(),
        }
    }
}

/// Where a results folder goes, checked: `Err` when something foreign is there.
fn check_results_target(
    out: &Path,
    source: &Source,
    outcome: &'static str,
) -> Result<PathBuf, FolderError> {
    let Source {
        kind: source_kind,
        name: scenario,
        origin,
    } = source;
    let target = out.join(scenario);
    // A scenario's results and an account's recommendation are both ours, but neither
    // replaces the other: that would lose a run's results to a same-named account.
    let other = match *source_kind {
        "scenario" => (
            "recommendation.json",
            "the recommendation of an account (not a scenario's results)",
        ),
        _ => (
            "summary.json",
            "the results folder of a scenario run (not an account's recommendation)",
        ),
    };
    let refusal = |found: String| -> FolderError {
        NotOurs {
            found,
            purpose: format!(
                "the results folder of {source_kind} '{scenario}' ({origin}) would replace it"
            ),
            path: target.clone(),
            outcome,
            hint: if *source_kind == "scenario" {
                "Give --out another folder, or the scenario another name."
            } else {
                "Give --out another folder, or the account another name."
            },
        }
        .into()
    };
    match ownership::results_folder_at(&target)? {
        Occupant::Ours if target.join(other.0).exists() => Err(refusal(other.1.to_owned())),
        Occupant::Absent | Occupant::Ours => Ok(target),
        Occupant::Foreign(kind) => Err(refusal(describe(kind, false))),
    }
}

/// Where the index page goes, checked: `Err` when something foreign is there.
fn check_index_target(out: &Path, outcome: &'static str) -> Result<PathBuf, FolderError> {
    let index = out.join(INDEX_PAGE);
    match ownership::index_at(&index)? {
        Occupant::Absent | Occupant::Ours => Ok(index),
        Occupant::Foreign(kind) => Err(NotOurs {
            found: describe(kind, true),
            purpose: "a run with charts rewrites it as the index of the results folders".into(),
            path: index,
            outcome,
            hint: "Give --out another folder, or pass --no-charts (which writes no index.html).",
        }
        .into()),
    }
}

const BEFORE_RUNNING: &str = ", so nothing was run";
const RESULTS_KEPT_OUT: &str = ", so these results were not moved there";

/// A run's claim on its output folder: checked, tidied and staged before any simulation, so
/// that a run that cannot write its results fails at once.
#[derive(Debug)]
pub struct Claim {
    out: PathBuf,
    charts: bool,
    /// Staging folders by scenario name, in scenario order; taken by [`Claim::write`].
    staged: Vec<(String, Staged)>,
    tidied: Vec<Tidied>,
}

impl Claim {
    /// Claims `out` for `scenarios` (whose names differ, letter case aside): see the module
    /// docs. With `charts`, `index.html` is claimed too.
    pub fn prepare(out: &Path, scenarios: &[Scenario], charts: bool) -> Result<Claim, FolderError> {
        let sources: Vec<Source> = scenarios.iter().map(Source::scenario).collect();
        Claim::prepare_for(out, &sources, charts)
    }

    /// Claims `out` for the results folders of `sources` (scenarios or accounts).
    pub fn prepare_for(out: &Path, sources: &[Source], charts: bool) -> Result<Claim, FolderError> {
        // A file where the output folder (or a folder above it) should be is the user's to
        // move, said as such rather than as the system's "File exists".
        if let Some(file) = out
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .find(|p| p.exists() && !p.is_dir())
        {
            let problem = std::io::Error::other(format!(
                "{} is a file where a folder is needed: give --out a folder (it is made if \
                 missing), or move the file",
                file.display()
            ));
            return Err(WriteError {
                path: out.to_owned(),
                source: problem,
            }
            .into());
        }
        at_path(out, fs::create_dir_all(out))?;
        for source in sources {
            check_results_target(out, source, BEFORE_RUNNING)?;
        }
        if charts {
            check_index_target(out, BEFORE_RUNNING)?;
        }
        let tidied = tidy(out, Place::Output);
        let mut staged = Vec::new();
        for source in sources {
            staged.push((source.name.clone(), stage(out, &source.name)?));
        }
        Ok(Claim {
            out: out.to_owned(),
            charts,
            staged,
            tidied,
        })
    }

    /// The staging folder of `name`, prepared and not yet moved into place: where a sweep
    /// writes its variants' folders as they finish, before its own files.
    pub fn staging(&self, name: &str) -> Option<&Path> {
        self.staged
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, staged)| staged.path())
    }

    /// What was tidied up after killed runs.
    pub fn tidied(&self) -> &[Tidied] {
        &self.tidied
    }

    /// Writes a simulated scenario's results folder (data files, and with charts the charts
    /// and the report) and moves it into place, replacing an earlier results folder of that
    /// name only once the new one is complete. Returns the folder's path.
    pub fn write(&mut self, results: &ScenarioResults) -> Result<PathBuf, FolderError> {
        let charts = self.charts;
        self.write_with(&Source::scenario(&results.scenario), |folder| {
            write_files(folder, results)?;
            if charts {
                draw_report(folder, folder)?;
            }
            Ok(())
        })
    }

    /// Writes the results folder of `source` with `fill`, which writes every file into the
    /// staging folder it is given, and moves it into place once `fill` succeeded.
    pub fn write_with(
        &mut self,
        source: &Source,
        fill: impl FnOnce(&Path) -> Result<(), FolderError>,
    ) -> Result<PathBuf, FolderError> {
        let name = source.name.clone();
        let staged = match self.staged.iter().position(|(n, _)| *n == name) {
            Some(at) => self.staged.remove(at).1,
            // A folder the claim was not prepared for is checked and staged now.
            None => {
                check_results_target(&self.out, source, BEFORE_RUNNING)?;
                stage(&self.out, &name)?
            }
        };
        fill(staged.path())?;
        // Checked again: something may have appeared while the folder was being written.
        let target = check_results_target(&self.out, source, RESULTS_KEPT_OUT)?;
        let aside = self.out.join(staging::replaced_name(&name));
        replace_all(&[Move {
            new: staged.path(),
            target: &target,
            aside: &aside,
        }])?;
        if fs::symlink_metadata(&aside).is_ok() {
            at_path(&aside, fs::remove_dir_all(&aside))?;
        }
        Ok(target)
    }

    /// Ends the run: with charts, writes `index.html`, linking the report of every results
    /// folder in the output folder.
    pub fn finish(self) -> Result<(), FolderError> {
        if self.charts {
            write_index(&self.out)?;
        }
        Ok(())
    }
}

/// Creates the results folder `folder` inside a staging folder (a sweep's variant), the
/// marker first, so that `chart` can redraw it like any other.
pub fn create_inner(folder: &Path) -> Result<(), WriteError> {
    at_path(folder, fs::create_dir(folder))?;
    let marker = folder.join(MARKER);
    at_path(&marker, fs::write(&marker, MARKER_TEXT))
}

/// Creates the staging folder of scenario `name` in `out`, the marker first.
fn stage(out: &Path, name: &str) -> Result<Staged, WriteError> {
    let folder = Staged::folder(out.join(staging::partial_name(name)))?;
    let marker = folder.path().join(MARKER);
    at_path(&marker, fs::write(&marker, MARKER_TEXT))?;
    Ok(folder)
}

/// Writes `index.html` in `out` through a staging file, linking every results folder there
/// that has a report.
fn write_index(out: &Path) -> Result<(), FolderError> {
    let index = check_index_target(out, ", so it was left as it is")?;
    let mut scenarios = Vec::new();
    for entry in at_path(out, fs::read_dir(out))? {
        let path = at_path(out, entry)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.')
            || !path.join(REPORT_PAGE).is_file()
            || !ownership::is_results_folder(&path)
        {
            continue;
        }
        let description = data::description(&path).unwrap_or_default();
        scenarios.push((name.to_owned(), description));
    }
    scenarios.sort();
    let staged = Staged::file(
        out.join(staging::partial_name(INDEX_PAGE)),
        html::index(&scenarios).as_bytes(),
    )?;
    at_path(&index, fs::rename(staged.path(), &index))?;
    Ok(())
}

/// Redraws `charts/` and `report.html` of an earlier results folder from its files, replacing
/// the old ones only once every new one is drawn, both or neither. Returns what was tidied up
/// after killed redraws.
pub fn redraw(folder: &Path) -> Result<Vec<Tidied>, FolderError> {
    // Check the folder before making anything in it.
    data::load(folder)?;
    replace_drawn(
        folder,
        |staged| Ok(draw_report(folder, staged).map(|_| ())?),
    )
}

/// Redraws `charts/` and `report.html` of a folder written by `recommend`, from
/// `recommendation` (recomputed from the folder's own account and history), as [`redraw`]
/// does a run's.
pub fn redraw_recommendation(
    folder: &Path,
    recommendation: &crate::recommend::Recommendation,
) -> Result<Vec<Tidied>, FolderError> {
    replace_drawn(folder, |staged| {
        Ok(crate::recommend::report::draw_report(
            staged,
            recommendation,
        )?)
    })
}

/// Draws `charts/` and `report.html` into a staging folder inside the results folder `folder`
/// with `draw`, then puts both in place of the old ones, both or neither.
fn replace_drawn(
    folder: &Path,
    draw: impl FnOnce(&Path) -> Result<(), FolderError>,
) -> Result<Vec<Tidied>, FolderError> {
    if !ownership::is_results_folder(folder) {
        return Err(NotOurs {
            path: folder.to_owned(),
            found: describe(Foreign::Folder, false),
            purpose: "`chart` would replace its charts/ and report.html".into(),
            outcome: ", so nothing was drawn",
            hint: "`chart` redraws folders written by `budget-bandit run` and `recommend`.",
        }
        .into());
    }
    let tidied = tidy(folder, Place::ResultsFolder);
    let staged = Staged::folder(folder.join(staging::redraw_name()))?;
    draw(staged.path())?;
    let part = |name: &str| {
        (
            staged.path().join(name),
            folder.join(name),
            staged.path().join(format!("{name}.old")),
        )
    };
    let (charts, report) = (part(CHARTS_DIR), part(REPORT_PAGE));
    replace_all(&[
        Move {
            new: &charts.0,
            target: &charts.1,
            aside: &charts.2,
        },
        Move {
            new: &report.0,
            target: &report.1,
            aside: &report.2,
        },
    ])?;
    Ok(tidied)
}
