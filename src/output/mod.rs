//! The data files of a results folder and the ranked table.
//!
//! `<out>/<scenario>/` holds `summary.csv`, `channels.csv`, `daily.csv`, `summary.json` and
//! `scenario.toml` (the scenario as run); [`write_files`] writes them into a folder. Making that
//! folder, staging it and moving it into place all or nothing, with the charts and the report,
//! is the job of [`crate::results_folder`].

pub mod csv_files;
pub mod json;
pub mod kpi;
pub mod table;

pub use crate::error::WriteError;
use crate::error::at_path;
use crate::runner::ScenarioResults;
use std::fs;
use std::path::Path;

/// The data files of a results folder, in writing order.
pub const RESULT_FILES: [&str; 5] = [
    "summary.csv",
    "channels.csv",
    "daily.csv",
    "summary.json",
    "scenario.toml",
];

/// Writes the data files of `results` ([`RESULT_FILES`]) into `folder`, which must exist.
pub fn write_files(folder: &Path, results: &ScenarioResults) -> Result<(), WriteError> {
    let write = |file: &str, bytes: Vec<u8>| {
        let path = folder.join(file);
        at_path(&path, fs::write(&path, bytes))
    };
    // The daily table is the largest by far; the others are formatted beside it.
    let (daily, (summary, (channels, json))) = rayon::join(
        || csv_files::daily(results),
        || {
            rayon::join(
                || csv_files::summary(results),
                || rayon::join(|| csv_files::channels(results), || json::summary(results)),
            )
        },
    );
    write("summary.csv", summary)?;
    write("channels.csv", channels)?;
    write("daily.csv", daily)?;
    write("summary.json", json)?;
    write(
        "scenario.toml",
        results.scenario.source().as_bytes().to_vec(),
    )?;
    Ok(())
}
