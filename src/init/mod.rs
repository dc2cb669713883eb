//! New files from commented templates: `budget-bandit init scenario|account [NAME]`.
//!
//! The templates (`scenario.toml` and `account.toml` beside this module) show every field with
//! its default and meaning, on the channels of a typical web shop, and run as they are: the
//! scenario with `run`, the account with `recommend` and `fit`. An account needs a history, so
//! `init account` also writes one beside it: 60 days of the scenario template's market played
//! by its epsilon-greedy policy ([`crate::account::export`]), so the example account is the
//! example shop and its figures are believable.
//!
//! `NAME` (a path, with or without `.toml`) gives the file `NAME.toml`, and for an account the
//! history `NAME.csv` beside it; its last part becomes the file's `name` (and so the results
//! folder's). Files are staged under a hidden name and then linked into place, which fails
//! rather than replace anything: `init` never overwrites a file, and writes an account's two
//! files both or neither.
//!
//! The templates carry no `#:schema` directive: they are written into any folder, where a
//! relative path to the repository's `schema/` would not resolve. Their opening comment says
//! how to add one.
//!
//! ```
//! use budget_bandit::init::template;
//! use budget_bandit::schema::FileKind;
//! use std::path::Path;
//!
//! let files = template(FileKind::Scenario, Path::new("plans/black-friday")).unwrap();
//! assert_eq!(files[0].0, Path::new("plans/black-friday.toml"));
//! assert!(files[0].1.contains("\nname = \"black-friday\""));
//! ```

pub mod from_export;

use crate::account::export::{default_start, export_history};
use crate::account::file::Account;
use crate::error::{ScenarioError, WriteError, at_path};
use crate::results_folder::staging::{Staged, partial_name};
use crate::scenario::{Overrides, Scenario};
use crate::schema::FileKind;
use std::fs;
use std::path::{Path, PathBuf};

/// The scenario template, named [`DEFAULT_SCENARIO_NAME`].
pub const SCENARIO_TEMPLATE: &str = include_str!("scenario.toml");
/// The account template, named [`DEFAULT_ACCOUNT_NAME`], whose history is
/// `<DEFAULT_ACCOUNT_NAME>.csv`.
pub const ACCOUNT_TEMPLATE: &str = include_str!("account.toml");
/// The scenario template's `name`, and `init scenario`'s NAME when none is given.
pub const DEFAULT_SCENARIO_NAME: &str = "my-shop";
/// The account template's `name`, and `init account`'s NAME when none is given (not the
/// scenario's, so that both can be written into one folder with their defaults).
pub const DEFAULT_ACCOUNT_NAME: &str = "my-shop-account";
/// Days of the example history `init account` writes.
pub const HISTORY_DAYS: u64 = 60;
/// The policy of the scenario template that plays the example history: one that keeps
/// varying every channel's spend, so that the history shows its diminishing returns.
pub const HISTORY_POLICY: &str = "epsilon-greedy";

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// A file is in the way, or NAME does not make a valid file (bad input: exit code 2).
    #[error(transparent)]
    Input(#[from] ScenarioError),
    /// A file could not be written (exit code 1).
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The default NAME of `kind`'s template.
pub fn default_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Scenario => DEFAULT_SCENARIO_NAME,
        FileKind::Account => DEFAULT_ACCOUNT_NAME,
    }
}

/// The files `init` writes for `kind` at `name` (see the module docs), each path with its
/// text, checked as `run`, `recommend` and `validate` check them (a NAME that is no valid
/// results folder name is an error naming the file).
pub fn template(kind: FileKind, name: &Path) -> Result<Vec<(PathBuf, String)>, ScenarioError> {
    let stem = name
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix(".toml").unwrap_or(&stem).to_owned();
    let file = name.with_file_name(format!("{stem}.toml"));
    let origin = file.display().to_string();
    match kind {
        FileKind::Scenario => {
            let text = with_value(SCENARIO_TEMPLATE, "name", DEFAULT_SCENARIO_NAME, &stem);
            let text = in_comments(&text, DEFAULT_SCENARIO_NAME, &stem);
            Scenario::from_toml(&origin, &text)?;
            Ok(vec![(file, text)])
        }
        FileKind::Account => {
            let csv = name.with_file_name(format!("{stem}.csv"));
            let text = with_value(ACCOUNT_TEMPLATE, "name", DEFAULT_ACCOUNT_NAME, &stem);
            let history_file = format!("{DEFAULT_ACCOUNT_NAME}.csv");
            let text = with_value(&text, "history", &history_file, &format!("{stem}.csv"));
            let text = in_comments(&text, DEFAULT_ACCOUNT_NAME, &stem);
            Account::from_toml(&origin, &text, Path::new(""))?;
            Ok(vec![(csv, example_history()?), (file, text)])
        }
    }
}

/// The example history: [`HISTORY_DAYS`] days of the scenario template's market played by
/// its [`HISTORY_POLICY`], as the CSV `history` writes.
pub fn example_history() -> Result<String, ScenarioError> {
    let origin = "the scenario template";
    let scenario = Scenario::from_toml(origin, SCENARIO_TEMPLATE)?.with_overrides(&Overrides {
        days: Some(HISTORY_DAYS),
        ..Overrides::default()
    })?;
    let Some(policy) = scenario.policies.iter().find(|p| p.name == HISTORY_POLICY) else {
        return Err(ScenarioError::whole_file(
            origin,
            format!("has no policy '{HISTORY_POLICY}' to play the example history"),
        ));
    };
    let start = default_start(scenario.start_weekday);
    Ok(export_history(&scenario, policy, 0, start).csv)
}

/// `template` with the value of the line `key = "old"` (the first, trailing comment kept) set
/// to `new`, written as a TOML string.
fn with_value(template: &str, key: &str, old: &str, new: &str) -> String {
    let line = format!("\n{key} = {}", toml::Value::from(old));
    let replaced = format!("\n{key} = {}", toml::Value::from(new));
    template.replacen(&line, &replaced, 1)
}

/// `template` with `old` replaced by `new` in its comment lines, so that the commands a
/// template's comments show name the files `init` wrote.
fn in_comments(template: &str, old: &str, new: &str) -> String {
    template
        .split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with('#') {
                line.replace(old, new)
            } else {
                line.to_owned()
            }
        })
        .collect()
}

/// Writes `files` (from [`template`]), all or none, replacing nothing: a path that exists is an
/// error naming it, and nothing is written. Missing folders are created.
pub fn write_new(files: &[(PathBuf, String)]) -> Result<(), InitError> {
    for (path, _) in files {
        if fs::symlink_metadata(path).is_ok() {
            return Err(in_the_way(path).into());
        }
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, text) in files {
        let folder = path.parent().unwrap_or(Path::new(""));
        if !folder.as_os_str().is_empty() {
            at_path(folder, fs::create_dir_all(folder))?;
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        staged.push(Staged::file(
            folder.join(partial_name(&file_name)),
            text.as_bytes(),
        )?);
    }
    let mut placed: Vec<&Path> = Vec::new();
    for ((path, _), staging) in files.iter().zip(&staged) {
        if let Err(error) = place(staging.path(), path) {
            for earlier in placed {
                let _ = fs::remove_file(earlier);
            }
            return Err(error);
        }
        placed.push(path);
    }
    Ok(())
}

/// Puts the staged file at `target` unless something is there: a hard link fails rather than
/// replace, atomically (the staging name is removed when the staged file is dropped). Where
/// the file system has no hard links, a rename after a last look.
fn place(staged: &Path, target: &Path) -> Result<(), InitError> {
    match fs::hard_link(staged, target) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(in_the_way(target).into())
        }
        Err(_) if fs::symlink_metadata(target).is_ok() => Err(in_the_way(target).into()),
        Err(_) => Ok(at_path(target, fs::rename(staged, target))?),
    }
}

/// The error of a file in the way.
fn in_the_way(path: &Path) -> ScenarioError {
    ScenarioError::whole_file(
        &path.display().to_string(),
        "already exists; `budget-bandit init` never replaces a file, so nothing was written: \
         give another NAME, or move the file away"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::history::parse_history;

    #[test]
    fn the_scenario_template_validates_as_it_is_and_under_another_name() {
        let scenario = Scenario::from_toml("t.toml", SCENARIO_TEMPLATE).unwrap();
        assert_eq!(scenario.name, DEFAULT_SCENARIO_NAME);
        assert!(scenario.warnings().is_empty(), "{:?}", scenario.warnings());
        let files = template(FileKind::Scenario, Path::new("q4")).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, Path::new("q4.toml"));
        assert_eq!(
            Scenario::from_toml("q4.toml", &files[0].1).unwrap().name,
            "q4"
        );
        // The name changes everywhere, the commands of the comments too, and nothing else.
        assert!(files[0].1.contains("budget-bandit run q4.toml"));
        assert_eq!(files[0].1.replace("q4", "my-shop"), SCENARIO_TEMPLATE);
    }

    #[test]
    fn the_account_template_reads_its_example_history() {
        let files = template(FileKind::Account, Path::new("data/shop.toml")).unwrap();
        assert_eq!(files[0].0, Path::new("data/shop.csv"));
        assert_eq!(files[1].0, Path::new("data/shop.toml"));
        let account = Account::from_toml("shop.toml", &files[1].1, Path::new("data")).unwrap();
        assert_eq!(account.name, "shop");
        assert_eq!(account.history, Path::new("data/shop.csv"));
        assert!(files[1].1.contains("budget-bandit recommend shop.toml"));
        assert!(!files[1].1.contains(DEFAULT_ACCOUNT_NAME), "{}", files[1].1);
        let history = parse_history(
            "shop.csv",
            &files[0].1,
            &account.columns,
            &account.campaigns,
            &account.channel_specs(),
        )
        .unwrap();
        assert_eq!(history.days, HISTORY_DAYS as usize);
        // The account's channels are the scenario template's, with the same pricing.
        let scenario = Scenario::from_toml("t.toml", SCENARIO_TEMPLATE).unwrap();
        let account_channels: Vec<_> = account
            .channels
            .iter()
            .map(|c| (&c.name, c.pricing))
            .collect();
        let market: Vec<_> = scenario
            .channels
            .iter()
            .map(|c| (&c.name, c.pricing))
            .collect();
        assert_eq!(account_channels, market);
        let default = Account::from_toml("a.toml", ACCOUNT_TEMPLATE, Path::new("")).unwrap();
        assert_eq!(default.name, DEFAULT_ACCOUNT_NAME);
    }

    #[test]
    fn a_name_that_is_no_folder_name_is_refused_naming_the_file() {
        let error = template(FileKind::Scenario, Path::new("my shop")).unwrap_err();
        assert!(error.to_string().starts_with("my shop.toml:"), "{error}");
        assert!(error.to_string().contains("results folder"), "{error}");
    }
}
