//! One colour per policy kind in every committed chart of every scenario and sweep, so that a
//! deck made of several results folders reads alike: the legends of the committed SVG charts
//! are read, each policy's entry (a short line or a small swatch just before its name) gives
//! its colour, and every kind must have one colour everywhere.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn results() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("results")
}

/// The value of `name="…"` in an SVG element's line.
fn attribute<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = line[start..].find('"')? + start;
    Some(&line[start..end])
}

/// The colour of a legend mark on `line`: a level line at most 40 pixels long, or a filled
/// square of at most 24 pixels; `None` for anything else.
fn legend_mark(line: &str) -> Option<String> {
    let number = |name: &str| attribute(line, name).and_then(|v| v.parse::<f64>().ok());
    if line.starts_with("<polyline") {
        let points: Vec<(f64, f64)> = attribute(line, "points")?
            .split_whitespace()
            .filter_map(|p| {
                let (x, y) = p.split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            })
            .collect();
        let level = points.len() == 2 && points[0].1 == points[1].1;
        let short = points.len() == 2 && (points[1].0 - points[0].0).abs() <= 40.0;
        return (level && short).then(|| attribute(line, "stroke").map(str::to_owned))?;
    }
    if line.starts_with("<rect") {
        let (width, height) = (number("width")?, number("height")?);
        if width > 24.0 || height > 24.0 {
            return None;
        }
        // A hollow swatch is outlined in the policy's colour over a pale fill.
        return attribute(line, "stroke")
            .filter(|s| *s != "none")
            .or_else(|| attribute(line, "fill").filter(|f| *f != "none"))
            .map(str::to_owned);
    }
    None
}

/// Every (policy name, colour) of the legends of the SVG file `text`, for the names of
/// `policies`.
fn legend_colours(text: &str, policies: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut mark: Option<String> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("<text") {
            let content = lines.next().unwrap_or("").trim();
            if let (Some(colour), true) = (&mark, policies.contains_key(content)) {
                found.push((content.to_owned(), colour.to_uppercase()));
            }
            mark = None;
        } else if line.starts_with('<') && !line.starts_with("</") {
            mark = legend_mark(line);
        }
    }
    found
}

/// Policy name to kind, from a results folder's `summary.csv` or a sweep's `sweep.csv`.
fn kinds(folder: &Path) -> Option<BTreeMap<String, String>> {
    let table = ["summary.csv", "sweep.csv"]
        .iter()
        .map(|name| folder.join(name))
        .find(|path| path.is_file())?;
    Some(
        common::csv_columns(&table, &["policy", "kind"])
            .into_iter()
            .map(|row| (row[0].clone(), row[1].clone()))
            .collect(),
    )
}

#[test]
fn every_policy_kind_has_one_colour_in_every_committed_chart() {
    let mut colours: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    let mut folders = 0;
    for entry in fs::read_dir(results()).unwrap() {
        let folder = entry.unwrap().path();
        let Some(policies) = kinds(&folder) else {
            continue;
        };
        folders += 1;
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let charts = folder.join("charts");
        let mut files: Vec<PathBuf> = fs::read_dir(&charts)
            .unwrap_or_else(|e| panic!("{}: {e}", charts.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "svg"))
            // The budget shifts colour channels, not policies (and are not committed).
            .filter(|p| {
                !p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("allocation-")
            })
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: no SVG charts", charts.display());
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            let place = file.strip_prefix(results()).unwrap().display().to_string();
            for (name, colour) in legend_colours(&text, &policies) {
                let kind = &policies[&name];
                colours
                    .entry(kind.clone())
                    .or_default()
                    .insert((colour, place.clone()));
                seen.insert(name);
            }
        }
        // Every policy of a scenario shows in some legend, so the check cannot pass by reading
        // nothing; a sweep's map of best policies names only the policies that win a cell.
        if folder.join("summary.csv").is_file() {
            let named: BTreeSet<String> = policies.keys().cloned().collect();
            assert_eq!(
                seen,
                named,
                "{}: policies without a legend entry",
                folder.display()
            );
        } else {
            assert!(!seen.is_empty(), "{}: no legend entry", folder.display());
        }
    }
    assert!(folders >= 13, "{folders} results folders read");
    for (kind, uses) in &colours {
        let distinct: BTreeSet<&String> = uses.iter().map(|(colour, _)| colour).collect();
        assert_eq!(
            distinct.len(),
            1,
            "{kind} is drawn in several colours: {uses:?}"
        );
    }
    // The learners are told apart: no two kinds share a colour.
    let mut owners: BTreeMap<&String, &String> = BTreeMap::new();
    for (kind, uses) in &colours {
        let colour = &uses.iter().next().unwrap().0;
        if let Some(other) = owners.insert(colour, kind) {
            panic!("{kind} and {other} share the colour {colour}");
        }
    }
}
