//! Errors a user can cause, and where they point; and the error of a file that cannot be
//! written.
//!
//! A [`ScenarioError`] names the scenario file and, where the TOML source gives it, the line and
//! column, and prints the offending line with a caret under it, the way compilers do. The
//! command-line tool exits with code 2 on these errors. A [`WriteError`] names the path the
//! file system refused (exit code 1); it lives here because the results files, the charts and
//! the results folder all write, and none of them should depend on another for that.

use std::fmt;
use std::ops::Range;
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

/// Most bytes read from a scenario, account or shard description file: far beyond any real
/// one (852 channels take 100 kB).
pub const MAX_TEXT_FILE_BYTES: u64 = 64 << 20;
/// Most bytes read from a history CSV: 1 GiB, some ten million rows.
pub const MAX_HISTORY_BYTES: u64 = 1 << 30;

/// Reads the input file `path`, at most `limit` bytes: a longer one, or an endless device
/// such as `/dev/zero`, is an error that names the limit, and nothing past it is read. A pipe
/// (`/dev/stdin`) reads as a file.
pub fn read_input(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let bytes = read_at_most(path, limit + 1)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "is larger than {} MB, more than such a file ever holds (a device, or the wrong \
             file?)",
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// The first `most` bytes of the file `path` (all of a shorter one); a folder is an error.
pub fn read_at_most(path: &Path, most: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::other("is a folder, not a file"));
    }
    let mut bytes = Vec::new();
    file.take(most).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read_input`] of a UTF-8 text.
pub fn read_input_text(path: &Path, limit: u64) -> std::io::Result<String> {
    String::from_utf8(read_input(path, limit)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// A problem with a scenario file or a command-line override of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// The file (or built-in scenario) the error is in.
    pub origin: String,
    /// One-based line and column of the offending value, where known.
    pub position: Option<(usize, usize)>,
    /// What is wrong and what is allowed.
    pub message: String,
    /// The offending source line and a caret line under it, where known.
    excerpt: Option<String>,
}

impl ScenarioError {
    /// An error at byte range `span` of `source` (or of the whole file when `span` is `None`).
    pub fn new(origin: &str, source: &str, span: Option<Range<usize>>, message: String) -> Self {
        let located = span.map(|span| locate(source, span));
        ScenarioError {
            origin: origin.to_owned(),
            position: located.as_ref().map(|l| (l.line, l.column)),
            message,
            excerpt: located.map(|l| l.excerpt),
        }
    }

    /// An error at a known one-based line (row) and column of a file that is not TOML, such
    /// as an account's history CSV, with that line of the file shown under the message and a
    /// caret under the field (`field` is the field's byte range within `line_text`).
    pub fn at(
        origin: &str,
        line: usize,
        column: usize,
        line_text: Option<(&str, Range<usize>)>,
        message: String,
    ) -> Self {
        let excerpt = line_text.map(|(text, field)| {
            let text = text.trim_end_matches(['\r', '\n']);
            let start = floor_char_boundary(text, field.start.min(text.len()));
            let end = floor_char_boundary(text, field.end.clamp(start, text.len()));
            let gutter = " ".repeat(line.to_string().len());
            format!(
                "{gutter} |\n{line} | {text}\n{gutter} | {}{}",
                " ".repeat(text[..start].chars().count()),
                "^".repeat(text[start..end].chars().count().max(1))
            )
        });
        ScenarioError {
            origin: origin.to_owned(),
            position: Some((line, column)),
            message,
            excerpt,
        }
    }

    /// An error about the file as a whole (cannot be read, or an override is out of range).
    pub fn whole_file(origin: &str, message: String) -> Self {
        ScenarioError::new(origin, "", None, message)
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.origin, self.message)?,
            None => write!(f, "{}: {}", self.origin, self.message)?,
        }
        if let Some(excerpt) = &self.excerpt {
            write!(f, "\n{excerpt}")?;
        }
        Ok(())
    }
}

struct Location {
    line: usize,
    column: usize,
    excerpt: String,
}

/// The one-based line and column (in characters) of byte `offset` of `source`.
pub(crate) fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let start = floor_char_boundary(source, offset.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = source[..start].matches('\n').count() + 1;
    let column = source[line_start..start].chars().count() + 1;
    (line, column)
}

/// Turns a byte span into a one-based line and column, and an excerpt of that line.
fn locate(source: &str, span: Range<usize>) -> Location {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line_text = source[line_start..line_end].trim_end_matches('\r');
    let (line, column) = line_and_column(source, start);
    let end = floor_char_boundary(source, span.end.clamp(start, line_end));
    let width = source[start..end].chars().count().max(1);
    let gutter = " ".repeat(line.to_string().len());
    let excerpt = format!(
        "{gutter} |\n{line} | {line_text}\n{gutter} | {}{}",
        " ".repeat(column - 1),
        "^".repeat(width)
    );
    Location {
        line,
        column,
        excerpt,
    }
}

/// The largest character boundary of `text` at or before byte `index` (at most its length).
pub(crate) fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column() {
        let source = "name = \"x\"\n[[channels]]\ncvr = 1.4\n";
        let start = source.find("1.4").unwrap();
        let error = ScenarioError::new("s.toml", source, Some(start..start + 3), "bad".into());
        assert_eq!(error.position, Some((3, 7)));
        assert_eq!(
            error.to_string(),
            "s.toml:3:7: bad\n  |\n3 | cvr = 1.4\n  |       ^^^"
        );
    }

    #[test]
    fn csv_errors_point_at_row_and_field() {
        let line = "2026-11-02,search,12x,40";
        let error = ScenarioError::at("h.csv", 3, 3, Some((line, 18..21)), "bad".into());
        assert_eq!(
            error.to_string(),
            "h.csv:3:3: bad\n  |\n3 | 2026-11-02,search,12x,40\n  |                   ^^^"
        );
    }

    #[test]
    fn whole_file_errors_have_no_position() {
        let error = ScenarioError::whole_file("s.toml", "cannot read".into());
        assert_eq!(error.to_string(), "s.toml: cannot read");
    }
}
