//! What is budget-bandit's to replace, and what is somebody else's.
//!
//! A run replaces `<out>/<scenario>/` whole and rewrites `<out>/index.html`; `chart` replaces
//! `charts/` and `report.html` inside a results folder. None of them may touch a user's own
//! files, so each checks first what is there:
//!
//! - a **results folder** is ours when it is a real folder (not a symbolic link) holding the
//!   marker file [`MARKER`], which is written first into every results folder; or, for folders
//!   written by versions before the marker, a `summary.json` whose `tool.name` is
//!   `budget-bandit`;
//! - an **index page** is ours when it is a regular file whose first bytes carry
//!   [`GENERATOR`] (or begin as the index pages of earlier versions did,
//!   [`LEGACY_INDEX_START`]).
//!
//! Anything else of that name (a folder without the marker, a file, a symbolic link, a device)
//! is foreign, and the caller refuses to replace it.

use crate::error::{WriteError, at_path};
use crate::report::html::{GENERATOR, LEGACY_INDEX_START};
use serde::Deserialize;
use std::fs;
use std::io::Read;
use std::path::Path;

/// The marker file of a results folder: its presence says budget-bandit wrote the folder and
/// may replace it.
pub const MARKER: &str = ".budget-bandit";

/// The first line of [`MARKER_TEXT`], which recognises the marker.
const MARKER_FIRST_LINE: &str = "budget-bandit results folder\n";

/// The contents of the marker file: the same in every folder and every version, so results
/// stay byte-identical across reruns.
pub(super) const MARKER_TEXT: &str = "budget-bandit results folder\n\
This folder was written by budget-bandit. Running the same scenario into the same --out again\n\
replaces the whole folder, so keep your own files elsewhere.\n";

/// How many bytes of an `index.html` are read to recognise it.
pub(super) const INDEX_HEAD_BYTES: u64 = 4096;

/// What is at a path a run would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Occupant {
    /// Nothing: the path is free.
    Absent,
    /// Something budget-bandit wrote: it may be replaced.
    Ours,
    /// Something else: it must be left alone.
    Foreign(Foreign),
}

/// The kind of thing budget-bandit did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Foreign {
    /// A folder without the marker.
    Folder,
    /// A regular file.
    File,
    /// A symbolic link (never followed: replacing it would replace the link, not its target).
    Link,
    /// A device, socket or pipe.
    Other,
}

/// What is at `path`, where a results folder would go.
pub(super) fn results_folder_at(path: &Path) -> Result<Occupant, WriteError> {
    let Some(kind) = kind_at(path)? else {
        return Ok(Occupant::Absent);
    };
    Ok(match kind {
        Foreign::Folder if is_results_folder(path) => Occupant::Ours,
        kind => Occupant::Foreign(kind),
    })
}

/// What is at `path`, where the index page would go.
pub(super) fn index_at(path: &Path) -> Result<Occupant, WriteError> {
    let Some(kind) = kind_at(path)? else {
        return Ok(Occupant::Absent);
    };
    Ok(match kind {
        Foreign::File if is_our_index(&head(path, INDEX_HEAD_BYTES)) => Occupant::Ours,
        kind => Occupant::Foreign(kind),
    })
}

/// Whether `folder` (followed if a link: `chart` and the index read through links) holds the
/// marker, or a `summary.json` written by budget-bandit.
pub(crate) fn is_results_folder(folder: &Path) -> bool {
    has_marker(folder) || written_by_us(&folder.join("summary.json"))
}

/// Whether `folder` holds the marker file.
pub(super) fn has_marker(folder: &Path) -> bool {
    let marker = folder.join(MARKER);
    is_regular_file(&marker)
        && head(&marker, MARKER_FIRST_LINE.len() as u64) == MARKER_FIRST_LINE.as_bytes()
}

/// Whether the head of an index page says budget-bandit wrote it.
pub(super) fn is_our_index(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    text.contains(GENERATOR) || text.starts_with(LEGACY_INDEX_START)
}

/// The first `limit` bytes of a regular file (empty when it cannot be read).
pub(super) fn head(path: &Path, limit: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Ok(file) = fs::File::open(path) {
        let _ = file.take(limit).read_to_end(&mut bytes);
    }
    bytes
}

/// Whether `path` is a regular file, not following links.
pub(super) fn is_regular_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// The kind of thing at `path` (not following links), `None` when there is nothing.
fn kind_at(path: &Path) -> Result<Option<Foreign>, WriteError> {
    let metadata = match fs::symlink_metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        other => at_path(path, other)?,
    };
    let kind = metadata.file_type();
    Ok(Some(if kind.is_symlink() {
        Foreign::Link
    } else if kind.is_dir() {
        Foreign::Folder
    } else if kind.is_file() {
        Foreign::File
    } else {
        Foreign::Other
    }))
}

/// Whether `summary` is a `summary.json` whose `tool.name` is budget-bandit's (how results
/// folders were recognised before the marker).
fn written_by_us(summary: &Path) -> bool {
    #[derive(Deserialize)]
    struct Tool {
        name: String,
    }
    #[derive(Deserialize)]
    struct Written {
        tool: Tool,
    }
    if !is_regular_file(summary) {
        return false;
    }
    fs::File::open(summary)
        .ok()
        .and_then(|file| serde_json::from_reader::<_, Written>(std::io::BufReader::new(file)).ok())
        .is_some_and(|written| written.tool.name == env!("CARGO_PKG_NAME"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tempfile::TempDir;

    #[test]
    fn a_folder_is_ours_by_its_marker_or_an_earlier_summary() {
        let dir = TempDir::new().unwrap();
        let folder = dir.path().join("shop");
        assert_eq!(results_folder_at(&folder).unwrap(), Occupant::Absent);
        fs::create_dir(&folder).unwrap();
        assert_eq!(
            results_folder_at(&folder).unwrap(),
            Occupant::Foreign(Foreign::Folder)
        );
        fs::write(folder.join(MARKER), "somebody else's\n").unwrap();
        assert_eq!(
            results_folder_at(&folder).unwrap(),
            Occupant::Foreign(Foreign::Folder),
            "a marker must say what it is"
        );
        fs::write(folder.join(MARKER), MARKER_TEXT).unwrap();
        assert_eq!(results_folder_at(&folder).unwrap(), Occupant::Ours);

        let old = dir.path().join("old");
        fs::create_dir(&old).unwrap();
        fs::write(old.join("summary.json"), r#"{"tool": {"name": "other"}}"#).unwrap();
        assert!(!is_results_folder(&old));
        fs::write(
            old.join("summary.json"),
            r#"{"format_version": 1, "tool": {"name": "budget-bandit", "version": "0.1.0"}}"#,
        )
        .unwrap();
        assert_eq!(results_folder_at(&old).unwrap(), Occupant::Ours);

        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        assert_eq!(
            results_folder_at(&file).unwrap(),
            Occupant::Foreign(Foreign::File)
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_never_ours_even_to_a_results_folder() {
        let dir = TempDir::new().unwrap();
        let folder = dir.path().join("shop");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join(MARKER), MARKER_TEXT).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&folder, &link).unwrap();
        assert_eq!(
            results_folder_at(&link).unwrap(),
            Occupant::Foreign(Foreign::Link)
        );
        assert!(is_results_folder(&link), "chart reads through links");
    }

    #[test]
    fn an_index_is_ours_by_its_generator_mark() {
        let page = crate::report::html::index(&[]);
        assert!(is_our_index(page.as_bytes()));
        let before_the_mark = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>budget-bandit results</title><style>";
        assert!(is_our_index(before_the_mark.as_bytes()));
        assert!(!is_our_index(b"<!DOCTYPE html>\n<title>My notes</title>"));
        assert!(!is_our_index(b""));
    }
}
