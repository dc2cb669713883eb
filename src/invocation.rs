//! One invocation of `run` or `merge`: its studies (scenario files, each a scenario or a
//! sweep), the scenarios they run as one list for the runner, and the writing of each study's
//! results folder as its scenarios finish.
//!
//! A plain scenario's folder is written and moved into place as soon as its scenario
//! finishes. A sweep's variants are written into the sweep's staging folder one by one as
//! they finish (so memory holds one variant's statistics at a time, not the sweep's), and the
//! sweep's own files, `sweep.csv`, `sweep.json` and with charts its charts and `report.html`,
//! once its last variant is in; then the whole folder moves into place. `run` and `merge` both
//! write through [`Writer`], so a merge writes the very bytes of a run.

use crate::output::write_files;
use crate::report::{ReportError, draw_report};
use crate::results_folder::{Claim, FolderError, Source, create_inner};
use crate::runner::ScenarioResults;
use crate::scenario::Scenario;
use crate::sweep::output::{SweepRow, rows_of};
use crate::sweep::{Study, Sweep};
use std::path::{Path, PathBuf};

/// The studies of an invocation and the scenarios they run.
#[derive(Debug, Clone)]
pub struct Invocation {
    studies: Vec<Study>,
    scenarios: Vec<Scenario>,
    /// Per scenario: its study and its place among the study's scenarios.
    owners: Vec<(usize, usize)>,
}

impl Invocation {
    /// The invocation of `studies`, whose names differ.
    pub fn new(studies: Vec<Study>) -> Self {
        let mut scenarios = Vec::new();
        let mut owners = Vec::new();
        for (s, study) in studies.iter().enumerate() {
            for (v, scenario) in study.scenarios().iter().enumerate() {
                scenarios.push(scenario.clone());
                owners.push((s, v));
            }
        }
        Invocation {
            studies,
            scenarios,
            owners,
        }
    }

    /// The studies, in the order given.
    pub fn studies(&self) -> &[Study] {
        &self.studies
    }

    /// Every scenario of every study, study by study: what the runner runs.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The study of scenario `index`, and the scenario's place in it.
    pub fn owner(&self, index: usize) -> (usize, usize) {
        self.owners[index]
    }

    /// The index among [`Invocation::scenarios`] of study `study`'s first scenario.
    pub fn first_scenario(&self, study: usize) -> usize {
        self.studies[..study]
            .iter()
            .map(|s| s.scenarios().len())
            .sum()
    }

    /// The results folder sources of the studies.
    pub fn sources(&self) -> Vec<Source> {
        self.studies.iter().map(study_source).collect()
    }

    /// (Replications × policies) jobs of all scenarios.
    pub fn jobs(&self) -> u64 {
        self.scenarios
            .iter()
            .map(|s| s.replications * s.policies.len() as u64)
            .sum()
    }
}

/// The results folder of a study.
pub fn study_source(study: &Study) -> Source {
    Source {
        kind: "scenario",
        name: study.name().to_owned(),
        origin: study.origin().to_owned(),
    }
}

/// What a finished scenario completed.
#[derive(Debug)]
pub enum Written {
    /// A plain scenario's results folder, moved into place.
    Scenario {
        /// Its results.
        results: Box<ScenarioResults>,
        /// Where it went.
        folder: PathBuf,
    },
    /// A variant of a sweep, written into the sweep's staging folder.
    Variant,
    /// A sweep's last variant: the sweep's folder, moved into place.
    Sweep {
        /// The study's index.
        study: usize,
        /// The variants' rows of `sweep.csv`.
        rows: Vec<Vec<SweepRow>>,
        /// Where it went.
        folder: PathBuf,
    },
}

/// Writes the results folders of an invocation as its scenarios finish.
#[derive(Debug)]
pub struct Writer<'a> {
    invocation: &'a Invocation,
    claim: Claim,
    charts: bool,
    /// Per study (sweeps only), the rows of the variants written so far.
    rows: Vec<Vec<Vec<SweepRow>>>,
}

impl<'a> Writer<'a> {
    /// A writer of `invocation`'s folders through `claim` (prepared for its studies).
    pub fn new(invocation: &'a Invocation, claim: Claim, charts: bool) -> Self {
        Writer {
            invocation,
            claim,
            charts,
            rows: vec![Vec::new(); invocation.studies.len()],
        }
    }

    /// The claim, for what it tidied.
    pub fn claim(&self) -> &Claim {
        &self.claim
    }

    /// Writes scenario `index`'s results (scenarios finish in order).
    pub fn finished(
        &mut self,
        index: usize,
        results: ScenarioResults,
    ) -> Result<Written, FolderError> {
        let (s, v) = self.invocation.owner(index);
        let study = &self.invocation.studies[s];
        match study {
            Study::Scenario(_) => {
                let folder = self.claim.write(&results)?;
                Ok(Written::Scenario {
                    results: Box::new(results),
                    folder,
                })
            }
            Study::Sweep(sweep) => {
                let staging = self
                    .claim
                    .staging(&sweep.name)
                    .expect("a sweep's folder is staged until its last variant")
                    .to_owned();
                write_variant(
                    &staging.join(&sweep.variants[v].name),
                    &results,
                    self.charts,
                )?;
                self.rows[s].push(rows_of(&results));
                if v + 1 < sweep.variants.len() {
                    return Ok(Written::Variant);
                }
                let rows = std::mem::take(&mut self.rows[s]);
                let charts = self.charts;
                let folder = self.claim.write_with(&study_source(study), |folder| {
                    write_sweep(folder, sweep, &rows, charts)
                })?;
                Ok(Written::Sweep {
                    study: s,
                    rows,
                    folder,
                })
            }
        }
    }

    /// Ends the invocation (the index page, with charts).
    pub fn finish(self) -> Result<(), FolderError> {
        self.claim.finish()
    }
}

/// A variant's ordinary results folder, inside its sweep's.
fn write_variant(
    folder: &Path,
    results: &ScenarioResults,
    charts: bool,
) -> Result<(), FolderError> {
    create_inner(folder)?;
    write_files(folder, results)?;
    if charts {
        draw_report(folder, folder)?;
    }
    Ok(())
}

/// A sweep's own files.
fn write_sweep(
    folder: &Path,
    sweep: &Sweep,
    rows: &[Vec<SweepRow>],
    charts: bool,
) -> Result<(), FolderError> {
    use crate::error::at_path;
    let write = |file: &str, bytes: Vec<u8>| {
        let path = folder.join(file);
        at_path(&path, std::fs::write(&path, bytes)).map_err(ReportError::from)
    };
    write("sweep.csv", crate::sweep::output::csv(sweep, rows))?;
    write("sweep.json", crate::sweep::output::json(sweep, rows))?;
    if charts {
        crate::report::sweep::draw(folder, sweep, rows)?;
    }
    Ok(())
}
