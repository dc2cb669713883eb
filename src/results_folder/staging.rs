//! Staging: where new results are made before they are moved into place, the all-or-none move,
//! and tidying what killed runs left behind.
//!
//! Every name a process stages under carries its *staging id*, `<pid>-<host>`: its process id
//! and a tag of the machine's boot and the PID namespace it runs in, so two runs never share
//! one, whether on one machine, in two containers (each perhaps process 1 of its own
//! namespace) or on two nodes of a cluster that share a disk:
//!
//! | name | where | what |
//! |---|---|---|
//! | `.<scenario>.partial-<id>` | the output folder | a results folder being written |
//! | `.<scenario>.replaced-<id>` | the output folder | the earlier results folder, set aside while the new one moves in |
//! | `.index.html.partial-<id>` | the output folder | the index page being written |
//! | `.redraw-<id>` | a results folder | charts and report being redrawn by `chart` |
//! | `.<scenario>.csv.partial-<id>`, `.<scenario>.toml.partial-<id>` | `history`'s folder | an account history and its account file being written ([`crate::account::export`]) |
//! | `.<scenario>.csv.replaced-<id>`, `.<scenario>.toml.replaced-<id>` | `history`'s folder | the earlier files, set aside while the new ones move in |
//! | `.<NAME>.toml.partial-<id>`, `.<NAME>.csv.partial-<id>` | `init`'s folder | a template and an example history being written ([`crate::init`]) |
//!
//! A staged path is removed when it is dropped, so every error return (and a panic) takes
//! its staging with it; once moved into place there is nothing left to remove. A process that
//! is killed leaves its staging behind; the next run in that place removes it (`tidy`),
//! but only when the leftover is provably of a process that is gone and recognisably ours. A
//! results folder set aside by a killed run is moved back when nothing replaced it. `history`
//! and `init` stage small files for an instant and do not tidy: what a killed one leaves is
//! hidden and never read.
//!
//! **Whether a process is gone** is read from `/proc` on Linux, and `/proc` speaks only for
//! the processes of its own machine, boot and PID namespace. So the host tag is 12 hex digits
//! of a hash of `/proc/sys/kernel/random/boot_id` (new at every boot of every machine) and the
//! PID namespace's identity (`/proc/self/ns/pid`), and only a leftover whose tag is this
//! process's own is judged: another container's or node's staging, live or not, is never
//! touched (a killed one's stays hidden and harmless; remove it by hand). Where the tag cannot
//! be read (no `/proc`, another system) nothing is judged gone, and names carry the process id
//! alone, as older versions named them: such names are never tidied.

use super::ownership::{
    INDEX_HEAD_BYTES, has_marker, head, is_our_index, is_regular_file, is_results_folder,
};
use crate::error::{WriteError, at_path};
use crate::scenario::INDEX_PAGE;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// The staging name of `name` (a scenario, or the index page) for this process.
pub(crate) fn partial_name(name: &str) -> String {
    format!(".{name}.{PARTIAL}-{}", own_id())
}

/// The name the earlier results folder `name` is set aside under while the new one moves in.
pub(crate) fn replaced_name(name: &str) -> String {
    format!(".{name}.{REPLACED}-{}", own_id())
}

/// The staging folder of `chart` inside a results folder, for this process.
pub(super) fn redraw_name() -> String {
    format!(".{REDRAW}-{}", own_id())
}

/// This process's staging id.
fn own_id() -> String {
    staging_id(std::process::id())
}

/// The staging id of process `pid` of this machine's boot and this process's PID namespace:
/// `<pid>-<host>` (see the module docs), or `<pid>` where the host tag cannot be read.
pub fn staging_id(pid: u32) -> String {
    match host_tag() {
        Some(tag) => format!("{pid}-{tag}"),
        None => pid.to_string(),
    }
}

/// The tag of this machine's boot and PID namespace: 12 hex digits of a 64-bit FNV-1a hash of
/// the boot id and the namespace's identity, read once. `None` where either cannot be read.
fn host_tag() -> Option<&'static str> {
    static TAG: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let (boot, namespace) = boot_and_namespace()?;
        let hash = crate::streams::fnv1a(boot.trim().bytes().chain([0]).chain(namespace.bytes()));
        Some(format!("{:012x}", hash >> 16))
    })
    .as_deref()
}

#[cfg(target_os = "linux")]
fn boot_and_namespace() -> Option<(String, String)> {
    let boot = fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let namespace = fs::read_link("/proc/self/ns/pid").ok()?;
    let namespace = namespace.to_str()?.to_owned();
    (!boot.trim().is_empty() && !namespace.is_empty()).then_some((boot, namespace))
}

#[cfg(not(target_os = "linux"))]
fn boot_and_namespace() -> Option<(String, String)> {
    None
}

const PARTIAL: &str = "partial";
const REPLACED: &str = "replaced";
const REDRAW: &str = "redraw";

/// A staging folder or file, removed when dropped unless it has been moved away.
#[derive(Debug)]
pub(crate) struct Staged {
    path: PathBuf,
}

impl Staged {
    /// Creates the staging folder `path`, which must not exist yet.
    pub(super) fn folder(path: PathBuf) -> Result<Staged, WriteError> {
        at_path(&path, fs::create_dir(&path))?;
        Ok(Staged { path })
    }

    /// Writes the staging file `path`; it is removed again if writing fails.
    pub(crate) fn file(path: PathBuf, bytes: &[u8]) -> Result<Staged, WriteError> {
        let staged = Staged { path };
        at_path(&staged.path, fs::write(&staged.path, bytes))?;
        Ok(staged)
    }

    /// The staged path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = remove(&self.path);
    }
}

/// Removes a folder with everything in it, or a file; a link is removed, not followed.
fn remove(path: &Path) -> std::io::Result<()> {
    let metadata = fs::symlink_metadata(path)?;
    if metadata.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// One replacement: `new` goes where `target` is, and the old `target` (if any) is first moved
/// to `aside`.
pub(crate) struct Move<'a> {
    /// The complete new folder or file.
    pub new: &'a Path,
    /// Where it goes.
    pub target: &'a Path,
    /// Where the old one waits until the caller removes it.
    pub aside: &'a Path,
}

/// Moves every `new` into place, all or none: the old targets are set aside first, then the
/// new ones moved in; if any step fails, what was moved is moved back and the error names the
/// path that failed. Renames within one folder, so each step is atomic.
pub(crate) fn replace_all(moves: &[Move]) -> Result<(), WriteError> {
    let mut set_aside: Vec<&Move> = Vec::new();
    let undo_asides = |set_aside: &[&Move]| {
        for step in set_aside.iter().rev() {
            let _ = fs::rename(step.aside, step.target);
        }
    };
    for step in moves {
        if fs::symlink_metadata(step.target).is_ok() {
            if let Err(source) = fs::rename(step.target, step.aside) {
                undo_asides(&set_aside);
                return Err(WriteError {
                    path: step.target.to_owned(),
                    source,
                });
            }
            set_aside.push(step);
        }
    }
    for (done, step) in moves.iter().enumerate() {
        if let Err(source) = fs::rename(step.new, step.target) {
            for placed in moves[..done].iter().rev() {
                let _ = fs::rename(placed.target, placed.new);
            }
            undo_asides(&set_aside);
            return Err(WriteError {
                path: step.target.to_owned(),
                source,
            });
        }
    }
    Ok(())
}

/// Something the tidying of stale staging cleaned up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tidied {
    /// A staging folder or file of a process that is gone was removed.
    Removed {
        /// What was removed.
        path: PathBuf,
        /// The process that left it.
        pid: u32,
    },
    /// A results folder a killed run had set aside was moved back to its name.
    Restored {
        /// Where it was.
        from: PathBuf,
        /// Where it is again.
        to: PathBuf,
        /// The process that set it aside.
        pid: u32,
    },
}

impl fmt::Display for Tidied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tidied::Removed { path, pid } => write!(
                f,
                "removed {}, left by an interrupted run (process {pid})",
                path.display()
            ),
            Tidied::Restored { from, to, pid } => write!(
                f,
                "restored {} from {}, set aside by an interrupted run (process {pid})",
                to.display(),
                from.display()
            ),
        }
    }
}

/// A staging name of some process, read back from a file name.
#[derive(Debug, PartialEq, Eq)]
struct Leftover<'a> {
    /// The scenario or page it was for (empty for a redraw).
    name: &'a str,
    kind: &'a str,
    pid: u32,
    /// The host tag of the process's machine and PID namespace (`None` in a name of the pid
    /// alone).
    host: Option<&'a str>,
}

fn leftover(file_name: &str) -> Option<Leftover<'_>> {
    let rest = file_name.strip_prefix('.')?;
    let (name, tail) = match rest.strip_prefix(REDRAW) {
        Some(tail) if tail.starts_with('-') => ("", rest),
        _ => rest.rsplit_once('.')?,
    };
    let (kind, id) = tail.split_once('-')?;
    let (pid, host) = match id.split_once('-') {
        Some((pid, host)) => (pid, Some(host)),
        None => (id, None),
    };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if host.is_some_and(|h| h.is_empty() || !h.bytes().all(|b| b.is_ascii_hexdigit())) {
        return None;
    }
    let pid = pid.parse().ok()?;
    let known = match kind {
        PARTIAL | REPLACED => !name.is_empty(),
        REDRAW => name.is_empty(),
        _ => false,
    };
    known.then_some(Leftover {
        name,
        kind,
        pid,
        host,
    })
}

/// Where [`tidy`] looks, and so which staging it expects there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// An output folder: partial and set-aside results folders, partial index pages.
    Output,
    /// A results folder: `chart`'s redraw folders.
    ResultsFolder,
}

/// Removes the staging that processes which are gone left in `folder`, and moves back a
/// results folder a killed run had set aside when nothing took its place. Only what is
/// recognisably ours goes: a partial results folder holding the marker (or nothing yet), a
/// set-aside results folder, an index page of ours (or an empty one), a redraw folder inside a
/// results folder. Best effort: what cannot be removed stays.
///
/// Call it before this process stages anything in `folder`: a leftover with this process's
/// staging id is then from an earlier process of this namespace that had the same pid.
pub(super) fn tidy(folder: &Path, place: Place) -> Vec<Tidied> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with('.'))
        .collect();
    // Set-aside folders first: a killed run's partial folder is removed only after its
    // set-aside predecessor is back.
    names.sort_by_key(|n| !n.contains(&format!(".{REPLACED}-")));
    let mut tidied = Vec::new();
    for file_name in &names {
        let Some(left) = leftover(file_name) else {
            continue;
        };
        let expected = match place {
            Place::Output => left.kind != REDRAW,
            Place::ResultsFolder => left.kind == REDRAW,
        };
        // Only this machine's boot and PID namespace's own: `/proc` speaks for no other.
        let judged = left.host.is_some() && left.host == host_tag();
        if !expected || !judged || !process_is_gone(left.pid) {
            continue;
        }
        let path = folder.join(file_name);
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let pid = left.pid;
        let removed = |path: PathBuf| remove(&path).ok().map(|()| Tidied::Removed { path, pid });
        let done = match left.kind {
            REPLACED if is_dir && is_results_folder(&path) => {
                let original = folder.join(left.name);
                if fs::symlink_metadata(&original).is_ok() {
                    removed(path)
                } else {
                    fs::rename(&path, &original)
                        .ok()
                        .map(|()| Tidied::Restored {
                            from: path,
                            to: original,
                            pid,
                        })
                }
            }
            PARTIAL if is_dir && (has_marker(&path) || is_empty(&path)) => removed(path),
            PARTIAL if left.name == INDEX_PAGE && is_regular_file(&path) => {
                let head = head(&path, INDEX_HEAD_BYTES);
                (head.is_empty() || is_our_index(&head))
                    .then(|| removed(path))
                    .flatten()
            }
            REDRAW if is_dir => removed(path),
            _ => None,
        };
        tidied.extend(done);
    }
    tidied
}

fn is_empty(folder: &Path) -> bool {
    fs::read_dir(folder).is_ok_and(|mut entries| entries.next().is_none())
}

/// Whether the process `pid` has ended (see the module docs for other platforms).
fn process_is_gone(pid: u32) -> bool {
    if pid == std::process::id() {
        // [`tidy`] runs before this process stages anything, so this is an earlier process.
        return true;
    }
    process_has_ended(pid)
}

#[cfg(target_os = "linux")]
fn process_has_ended(pid: u32) -> bool {
    // Without /proc (a sandbox) nothing can be told; keep everything.
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_has_ended(_pid: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_are_read_back() {
        let read = |n| leftover(n).map(|l| (l.name, l.kind, l.pid, l.host));
        assert_eq!(read(".shop.partial-42"), Some(("shop", PARTIAL, 42, None)));
        assert_eq!(
            read(".shop.partial-42-0a1b2c3d4e5f"),
            Some(("shop", PARTIAL, 42, Some("0a1b2c3d4e5f")))
        );
        assert_eq!(read(".a.b.replaced-7"), Some(("a.b", REPLACED, 7, None)));
        assert_eq!(
            read(".index.html.partial-9-ff"),
            Some(("index.html", PARTIAL, 9, Some("ff")))
        );
        assert_eq!(read(".redraw-12-abc"), Some(("", REDRAW, 12, Some("abc"))));
        for other in [
            "shop.partial-1",
            ".shop.partial-",
            ".shop.partial-1x",
            ".shop.partial-+1",
            ".shop.partial-1-",
            ".shop.partial--ab",
            ".shop.partial-1-xyz",
            ".shop.partial-1-ab-cd",
            "..partial-1",
            ".shop.other-1",
            ".shop.redraw-1",
            ".redraw.partial-",
            ".git",
            ".budget-bandit",
        ] {
            assert_eq!(read(other), None, "{other}");
        }
    }

    #[test]
    fn a_failed_move_puts_everything_back() {
        let dir = tempfile::TempDir::new().unwrap();
        let at = |n: &str| dir.path().join(n);
        fs::write(at("old-a"), "old a").unwrap();
        fs::write(at("new-a"), "new a").unwrap();
        fs::write(at("old-b"), "old b").unwrap();
        // `new-b` is missing, so the second move fails after the first succeeded.
        let moves = [
            Move {
                new: &at("new-a"),
                target: &at("old-a"),
                aside: &at("aside-a"),
            },
            Move {
                new: &at("new-b"),
                target: &at("old-b"),
                aside: &at("aside-b"),
            },
        ];
        let error = replace_all(&moves).unwrap_err();
        assert_eq!(error.path, at("old-b"));
        assert_eq!(fs::read_to_string(at("old-a")).unwrap(), "old a");
        assert_eq!(fs::read_to_string(at("new-a")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(at("old-b")).unwrap(), "old b");
        assert!(!at("aside-a").exists() && !at("aside-b").exists());

        fs::write(at("new-b"), "new b").unwrap();
        replace_all(&moves).unwrap();
        assert_eq!(fs::read_to_string(at("old-a")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(at("old-b")).unwrap(), "new b");
        assert_eq!(fs::read_to_string(at("aside-b")).unwrap(), "old b");
    }

    #[test]
    fn a_dropped_staging_is_removed() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(partial_name("shop"));
        {
            let staged = Staged::folder(path.clone()).unwrap();
            fs::write(staged.path().join("summary.csv"), "x").unwrap();
        }
        assert!(!path.exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn staging_names_carry_the_host_tag_and_read_back() {
        let tag = host_tag().expect("Linux with /proc has a boot id and a PID namespace");
        assert_eq!(tag.len(), 12);
        let name = partial_name("shop");
        let left = leftover(&name).unwrap();
        assert_eq!((left.pid, left.host), (std::process::id(), Some(tag)));
        assert_eq!(staging_id(7), format!("7-{tag}"));
    }

    /// Another machine's or namespace's leftover is never judged, its process id dead here or
    /// not; nor is a name of the pid alone.
    #[cfg(target_os = "linux")]
    #[test]
    fn only_this_namespaces_leftovers_are_tidied() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let tag = host_tag().unwrap();
        let ours = format!(".shop.partial-{dead}-{tag}");
        let foreign = format!(".shop.partial-{dead}-000000000000");
        let bare = format!(".shop.partial-{dead}");
        for name in [&ours, &foreign, &bare] {
            fs::create_dir(dir.path().join(name)).unwrap();
        }
        let tidied = tidy(dir.path(), Place::Output);
        assert_eq!(
            tidied,
            [Tidied::Removed {
                path: dir.path().join(&ours),
                pid: dead
            }]
        );
        assert!(dir.path().join(&foreign).exists() && dir.path().join(&bare).exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_alive_and_an_ended_child_is_gone() {
        assert!(!process_has_ended(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(process_has_ended(pid));
    }
}
