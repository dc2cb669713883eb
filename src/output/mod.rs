//! Writing a scenario's results folder, all or nothing.
//!
//! `<out>/<scenario>/` holds `summary.csv`, `channels.csv`, `daily.csv`, `summary.json`,
//! `scenario.toml` (the scenario as run) and, unless charts are skipped, `charts/` and
//! `report.html` (see [`crate::report`]). Files are written into a hidden staging folder beside
//! the target and moved into place only when every file is complete, so a failed run never
//! leaves half a result and never clobbers the previous one.

pub mod csv_files;
pub mod json;
pub mod kpi;
pub mod table;

use crate::report::{ReportError, draw_report};
use crate::runner::ScenarioResults;
use std::fs;
use std::path::{Path, PathBuf};

/// A results file or folder that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The path being written.
    pub path: PathBuf,
    /// What the file system said.
    #[source]
    pub source: std::io::Error,
}

/// Adds the path to an I/O error.
pub(crate) fn at_path<T>(path: &Path, result: std::io::Result<T>) -> Result<T, WriteError> {
    result.map_err(|source| WriteError {
        path: path.to_owned(),
        source,
    })
}

/// The files of a results folder, in writing order.
pub const RESULT_FILES: [&str; 5] = [
    "summary.csv",
    "channels.csv",
    "daily.csv",
    "summary.json",
    "scenario.toml",
];

/// Writes `results` to `<out_root>/<scenario name>/`, with charts and the report when
/// `charts` is set, replacing an earlier folder of that name only once the new one is
/// complete. Returns the folder's path.
pub fn write_results(
    out_root: &Path,
    results: &ScenarioResults,
    charts: bool,
) -> Result<PathBuf, ReportError> {
    let name = &results.scenario.name;
    let pid = std::process::id();
    at_path(out_root, fs::create_dir_all(out_root))?;
    let staging = out_root.join(format!(".{name}.partial-{pid}"));
    if staging.exists() {
        at_path(&staging, fs::remove_dir_all(&staging))?;
    }
    at_path(&staging, fs::create_dir(&staging))?;
    let written = write_files(&staging, results)
        .map_err(ReportError::from)
        .and_then(|()| {
            if charts {
                draw_report(&staging, &staging).map(|_| ())
            } else {
                Ok(())
            }
        });
    if let Err(error) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    let target = out_root.join(name);
    if fs::symlink_metadata(&target).is_ok() {
        let replaced = out_root.join(format!(".{name}.replaced-{pid}"));
        at_path(&target, fs::rename(&target, &replaced))?;
        if let Err(source) = fs::rename(&staging, &target) {
            let _ = fs::rename(&replaced, &target);
            let _ = fs::remove_dir_all(&staging);
            return Err(WriteError {
                path: target,
                source,
            }
            .into());
        }
        let removed = if replaced.is_dir() {
            fs::remove_dir_all(&replaced)
        } else {
            fs::remove_file(&replaced)
        };
        at_path(&replaced, removed)?;
    } else {
        at_path(&target, fs::rename(&staging, &target))?;
    }
    Ok(target)
}

/// Swaps `staging/<name>` into `folder/<name>` (a file or a folder), removing the old one only
/// after the new one is in place.
pub(crate) fn swap_into(staging: &Path, folder: &Path, name: &str) -> Result<(), WriteError> {
    let source = staging.join(name);
    let target = folder.join(name);
    if fs::symlink_metadata(&target).is_ok() {
        let old = staging.join(format!("{name}.old"));
        at_path(&target, fs::rename(&target, &old))?;
        at_path(&target, fs::rename(&source, &target))?;
    } else {
        at_path(&target, fs::rename(&source, &target))?;
    }
    Ok(())
}

fn write_files(folder: &Path, results: &ScenarioResults) -> Result<(), WriteError> {
    let write = |file: &str, bytes: Vec<u8>| {
        let path = folder.join(file);
        at_path(&path, fs::write(&path, bytes))
    };
    write("summary.csv", csv_files::summary(results))?;
    write("channels.csv", csv_files::channels(results))?;
    write("daily.csv", csv_files::daily(results))?;
    write("summary.json", json::summary(results))?;
    write(
        "scenario.toml",
        results.scenario.source().as_bytes().to_vec(),
    )?;
    Ok(())
}
