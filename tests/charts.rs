//! Charts and the report end to end: every chart is written as a valid PNG and SVG of the
//! stated size, says what it shows, names every channel and policy; the report holds the
//! tables and every chart; `chart` redraws an earlier run; bad `chart` input exits 2.

use std::fs;
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

fn budget_bandit(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_budget-bandit"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn run_into(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "3",
        "-q",
    ];
    args.extend(extra);
    let (code, _, stderr) = budget_bandit(&args);
    assert_eq!(code, 0, "{stderr}");
}

fn classic() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/classic-bernoulli.toml")
        .display()
        .to_string()
}

const CHANNELS: [&str; 5] = ["search", "social", "affiliate", "native", "b2b-leads"];
const POLICIES: [&str; 4] = ["thompson", "epsilon-greedy", "fixed", "oracle"];

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

fn chart_stems(policies: &[&str], log_regret: bool) -> Vec<String> {
    let mut stems: Vec<String> = [
        "allocation-compare",
        "revenue",
        "regret",
        "roas",
        "channels",
    ]
    .map(String::from)
    .to_vec();
    stems.extend(policies.iter().map(|p| format!("allocation-{p}")));
    if log_regret {
        stems.push("regret-log".into());
    }
    stems
}

#[test]
fn every_chart_is_a_valid_png_and_svg_that_names_what_it_shows() {
    let dir = TempDir::new().unwrap();
    run_into(dir.path(), &["--days", "12"]);
    let folder = dir.path().join("default");
    let charts = folder.join("charts");
    let stems = chart_stems(&POLICIES, false);
    let mut names: Vec<String> = fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = stems
        .iter()
        .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
        .collect();
    expected.sort();
    assert_eq!(names, expected);

    for stem in &stems {
        let png = fs::read(charts.join(format!("{stem}.png"))).unwrap();
        assert_eq!(png_size(&png), (1200, 800), "{stem}.png");
        let svg = fs::read_to_string(charts.join(format!("{stem}.svg"))).unwrap();
        assert!(
            svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
            "{stem}.svg is not a whole SVG"
        );
        assert!(
            svg.contains(r#"width="1200""#) && svg.contains(r#"height="800""#),
            "{stem}.svg size"
        );
        assert!(
            svg.contains("default"),
            "{stem}: the title names the scenario"
        );
        let (must_name_channels, must_name_policies, axis_labels): (bool, bool, &[&str]) =
            match stem.as_str() {
                "allocation-compare" => (true, true, &[]),
                s if s.starts_with("allocation-") => {
                    (true, false, &["day", "share of the daily budget"])
                }
                "revenue" => (false, true, &["day", "cumulative revenue (NOK)"]),
                "regret" => (false, true, &["day", "cumulative regret (NOK)"]),
                "roas" => (
                    false,
                    true,
                    &["policy", "ROAS (revenue / spend, NOK per NOK)"],
                ),
                "channels" => (true, true, &["channel", "spend (NOK)", "revenue / spend"]),
                other => panic!("unexpected chart {other}"),
            };
        for label in axis_labels {
            assert!(svg.contains(label), "{stem}.svg lacks axis label '{label}'");
        }
        if must_name_channels {
            for channel in CHANNELS {
                assert!(svg.contains(channel), "{stem}.svg lacks channel {channel}");
            }
        }
        if must_name_policies {
            for policy in POLICIES {
                assert!(svg.contains(policy), "{stem}.svg lacks policy {policy}");
            }
        }
    }
}

#[test]
fn the_report_holds_the_tables_and_every_chart() {
    let dir = TempDir::new().unwrap();
    run_into(dir.path(), &["--days", "12"]);
    let report = fs::read_to_string(dir.path().join("default/report.html")).unwrap();
    assert!(report.starts_with("<!DOCTYPE html>"));
    assert!(!report.contains("<script"), "no scripts");
    // Self-contained: no external script, style sheet, image or font (the SVG namespace URI is
    // a name, not a fetch).
    for external in ["src=", "<link", "url(", "@import", "<img"] {
        assert!(
            !report.contains(external),
            "the report loads something: {external}"
        );
    }
    for heading in ["Policies, best first", "Channels under each policy"] {
        assert!(report.contains(heading), "{heading}");
    }
    for name in POLICIES.iter().chain(&CHANNELS) {
        assert!(report.contains(name), "{name}");
    }
    let svgs = fs::read_dir(dir.path().join("default/charts"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    assert_eq!(
        report.matches("<svg").count(),
        svgs,
        "every chart is inlined"
    );
    let index = fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(index.contains("default/report.html"));
}

#[test]
fn classic_bandits_get_a_log_day_regret_chart() {
    let dir = TempDir::new().unwrap();
    run_into(dir.path(), &[&classic(), "--days", "50"]);
    assert!(
        dir.path()
            .join("classic-bernoulli/charts/regret-log.svg")
            .is_file()
    );
    assert!(
        dir.path()
            .join("classic-bernoulli/charts/regret-log.png")
            .is_file()
    );
}

#[test]
fn no_charts_writes_only_the_files() {
    let dir = TempDir::new().unwrap();
    run_into(dir.path(), &["--days", "5", "--no-charts"]);
    assert!(!dir.path().join("default/charts").exists());
    assert!(!dir.path().join("default/report.html").exists());
    assert!(!dir.path().join("index.html").exists());
    assert!(dir.path().join("default/summary.csv").is_file());
}

#[test]
fn chart_redraws_an_earlier_run_identically() {
    let dir = TempDir::new().unwrap();
    run_into(dir.path(), &["--days", "8", "--no-charts"]);
    let folder = dir.path().join("default");
    let (code, _, stderr) = budget_bandit(&["chart", folder.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let first = fs::read(folder.join("charts/revenue.svg")).unwrap();
    let report = fs::read(folder.join("report.html")).unwrap();
    fs::write(folder.join("charts/stale.svg"), "old").unwrap();
    let (code, _, stderr) = budget_bandit(&["chart", folder.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read(folder.join("charts/revenue.svg")).unwrap(), first);
    assert_eq!(fs::read(folder.join("report.html")).unwrap(), report);
    assert!(
        !folder.join("charts/stale.svg").exists(),
        "charts/ is replaced whole"
    );
    let leftovers: Vec<_> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn bad_chart_input_exits_2_with_a_message() {
    let dir = TempDir::new().unwrap();
    let (code, _, stderr) = budget_bandit(&["chart", dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("not a budget-bandit results folder: no such folder"),
        "{stderr}"
    );

    let (code, _, stderr) = budget_bandit(&["chart", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read summary.json"), "{stderr}");

    run_into(dir.path(), &["--days", "6", "--no-charts"]);
    let folder = dir.path().join("default");
    let daily = folder.join("daily.csv");
    let mut text = fs::read_to_string(&daily).unwrap();
    text.push_str("thompson,not-a-day,search,0.5,1\n");
    fs::write(&daily, &text).unwrap();
    let (code, _, stderr) = budget_bandit(&["chart", folder.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("daily.csv:") && stderr.contains("damaged"),
        "{stderr}"
    );
    assert!(
        !folder.join("charts").exists(),
        "nothing drawn from damaged files"
    );

    let lines: Vec<&str> = text.lines().take(10).collect();
    fs::write(&daily, lines.join("\n") + "\n").unwrap();
    let (code, _, stderr) = budget_bandit(&["chart", folder.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("rows of policy") && stderr.contains("are missing"),
        "{stderr}"
    );

    fs::write(folder.join("summary.json"), "{ \"format_version\": 1 ").unwrap();
    let (code, _, stderr) = budget_bandit(&["chart", folder.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("summary.json") && stderr.contains("damaged"),
        "{stderr}"
    );
}

#[test]
fn pngs_are_palette_images_identical_run_to_run() {
    let dir = TempDir::new().unwrap();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    run_into(&first, &["--days", "12"]);
    run_into(&second, &["--days", "12"]);
    let charts = first.join("default/charts");
    for entry in fs::read_dir(&charts).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "png") {
            continue;
        }
        let bytes = fs::read(&path).unwrap();
        assert_eq!(png_size(&bytes), (1200, 800));
        assert_eq!((bytes[24], bytes[25]), (8, 3), "8-bit palette colour");
        let name = path.file_name().unwrap();
        assert_eq!(
            bytes,
            fs::read(second.join("default/charts").join(name)).unwrap(),
            "{name:?} differs between runs"
        );
        assert!(bytes.len() < 60_000, "{name:?}: {} bytes", bytes.len());
    }
}
