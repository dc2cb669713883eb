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
const POLICIES: [&str; 5] = [
    "saturation-thompson",
    "thompson",
    "epsilon-greedy",
    "fixed",
    "oracle",
];

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
        assert_texts_apart(stem, &svg);
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
        .filter(|n| n.starts_with('.') && n != ".budget-bandit")
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

/// A text element of an SVG chart: where it is anchored, how it is placed and what it says.
#[derive(Debug)]
struct SvgText {
    x: f64,
    y: f64,
    /// plotters' text size (the SVG's font-size is this over 1.24).
    size: f64,
    anchor: String,
    dy: String,
    /// Degrees of the `rotate(...)` transform, 0 for level text.
    rotation: i32,
    text: String,
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

fn svg_texts(svg: &str) -> Vec<SvgText> {
    let mut texts = Vec::new();
    for piece in svg.split("<text").skip(1) {
        let (tag, rest) = piece.split_once('>').unwrap();
        let content = rest.split("</text>").next().unwrap().trim();
        let number = |name: &str| attribute(tag, name).unwrap().parse::<f64>().unwrap();
        let rotation = attribute(tag, "transform")
            .and_then(|t| t.strip_prefix("rotate("))
            .and_then(|t| t.split(',').next())
            .map_or(0, |d| d.trim().parse().unwrap());
        texts.push(SvgText {
            x: number("x"),
            y: number("y"),
            size: number("font-size") * 1.24,
            anchor: attribute(tag, "text-anchor").unwrap_or("start").to_owned(),
            dy: attribute(tag, "dy").unwrap_or("0").to_owned(),
            rotation,
            text: content
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">"),
        });
    }
    texts
}

/// The box a text covers, `(left, top, right, bottom)`, with DejaVu Sans' widths (about 0.48
/// of the size per character) trimmed a little, so that only real overlaps are caught.
fn text_box(t: &SvgText) -> (f64, f64, f64, f64) {
    let width = t.text.chars().count() as f64 * 0.44 * t.size;
    let height = 0.7 * t.size;
    let (x0, x1) = match t.anchor.as_str() {
        "middle" => (-width / 2.0, width / 2.0),
        "end" => (-width, 0.0),
        _ => (0.0, width),
    };
    let (y0, y1) = match t.dy.as_str() {
        "0.76em" => (0.0, height),
        "-0.5ex" => (-height, 0.0),
        _ => (-height / 2.0, height / 2.0),
    };
    // rotate(θ) about the anchor: 270 maps (dx, dy) to (dy, -dx), 90 to (-dy, dx).
    let (x0, y0, x1, y1) = match t.rotation {
        270 => (y0, -x1, y1, -x0),
        90 => (-y1, x0, -y0, x1),
        _ => (x0, y0, x1, y1),
    };
    (t.x + x0, t.y + y0, t.x + x1, t.y + y1)
}

/// Every text lies inside the chart and no two texts overlap.
fn assert_texts_apart(name: &str, svg: &str) {
    let texts: Vec<SvgText> = svg_texts(svg)
        .into_iter()
        .filter(|t| !t.text.is_empty())
        .collect();
    let boxes: Vec<_> = texts.iter().map(text_box).collect();
    for (t, b) in texts.iter().zip(&boxes) {
        assert!(
            b.0 >= -1.0 && b.1 >= -1.0 && b.2 <= 1201.0 && b.3 <= 801.0,
            "{name}: '{}' leaves the chart: {b:?}",
            t.text
        );
    }
    for i in 0..boxes.len() {
        for j in 0..i {
            let (a, b) = (boxes[i], boxes[j]);
            let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
            assert!(
                apart,
                "{name}: '{}' overlaps '{}'",
                texts[i].text, texts[j].text
            );
        }
    }
}

fn scenario_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
        .display()
        .to_string()
}

/// The 60 ad groups of `many-campaigns` run by 14 policies with long names.
fn crowded_scenario(dir: &Path) -> String {
    let text = fs::read_to_string(scenario_path("many-campaigns")).unwrap();
    let channels = text.split("[[policies]]").next().unwrap();
    let policies = [
        ("thompson", "thompson", ""),
        ("saturation-thompson", "saturation-thompson", ""),
        ("epsilon-greedy", "epsilon-greedy", ""),
        ("ucb", "ucb", ""),
        ("fixed", "fixed", ""),
        ("discounted-thompson", "discounted-thompson", ""),
        ("sliding-window-thompson", "sliding-window-thompson", ""),
        ("epsilon-greedy-0.05", "epsilon-greedy", "epsilon = 0.05"),
        ("epsilon-greedy-decaying", "epsilon-greedy", "decay = 0.5"),
        ("thompson-prior-2-2", "thompson", "prior_alpha = 2.0"),
        (
            "discounted-thompson-0.8",
            "discounted-thompson",
            "discount = 0.8",
        ),
        (
            "sliding-window-thompson-7",
            "sliding-window-thompson",
            "window = 7",
        ),
        ("ucb-loglog-3", "ucb", "loglog_factor = 3.0"),
        ("oracle", "oracle", ""),
    ];
    let mut scenario = channels.replace("name = \"many-campaigns\"", "name = \"crowded\"");
    for (name, kind, field) in policies {
        scenario.push_str(&format!(
            "[[policies]]\nname = \"{name}\"\nkind = \"{kind}\"\n{field}\n\n"
        ));
    }
    let path = dir.join("crowded.toml");
    fs::write(&path, scenario).unwrap();
    path.display().to_string()
}

#[test]
fn sixty_channels_and_fourteen_policies_keep_every_label_readable() {
    let dir = TempDir::new().unwrap();
    let scenario = crowded_scenario(dir.path());
    let out = dir.path().join("out");
    let (code, _, stderr) = budget_bandit(&[
        "run",
        &scenario,
        "--out",
        out.to_str().unwrap(),
        "--days",
        "8",
        "--replications",
        "2",
        "-q",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let charts = out.join("crowded/charts");
    let names: Vec<String> = fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    assert_eq!(names.len(), 14 + 5, "{names:?}");
    for name in &names {
        let svg = fs::read_to_string(charts.join(name)).unwrap();
        assert_texts_apart(name, &svg);
    }

    // The budget-shift charts name eleven ad groups and pool the other 49.
    let compare = fs::read_to_string(charts.join("allocation-compare.svg")).unwrap();
    let legend: Vec<String> = svg_texts(&compare)
        .into_iter()
        .filter(|t| t.x > 950.0)
        .map(|t| t.text)
        .collect();
    assert!(
        legend.contains(&"other (49 channels)".to_owned()),
        "{legend:?}"
    );
    let scenario_text = fs::read_to_string(&scenario).unwrap();
    let named = scenario_text
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter(|n| legend.contains(&n.trim_end_matches('"').to_owned()))
        .count();
    assert_eq!(named, 11, "{legend:?}");
    let channels = fs::read_to_string(charts.join("channels.svg")).unwrap();
    assert!(channels.contains("other (49 channels)"));

    // Every policy is named on the ROAS chart's axis and in its legend.
    let roas = fs::read_to_string(charts.join("roas.svg")).unwrap();
    let texts = svg_texts(&roas);
    for policy in ["thompson-prior-2-2", "ucb-loglog-3", "oracle"] {
        assert!(
            texts.iter().filter(|t| t.text == policy).count() >= 2,
            "{policy} on the axis and in the legend"
        );
    }
}

/// The oracle's dashed lines in the plot of an allocation chart (left of the legend panel,
/// which starts at x = 950): the points of each dashed piece.
fn oracle_pieces(svg: &str) -> Vec<Vec<(f64, f64)>> {
    svg.split("<polyline")
        .skip(1)
        .filter(|p| p.contains("stroke=\"#3C3C3C\""))
        .map(|p| {
            attribute(p, "points")
                .unwrap()
                .split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect::<Vec<(f64, f64)>>()
        })
        .filter(|piece| piece.iter().all(|p| p.0 < 950.0))
        .collect()
}

#[test]
fn the_oracle_lines_follow_the_shock_after_day_46() {
    let dir = TempDir::new().unwrap();
    run_into(dir.path(), &[&scenario_path("shock"), "--days", "60"]);
    let svg = fs::read_to_string(dir.path().join("shock/charts/allocation-thompson.svg")).unwrap();
    let pieces = oracle_pieces(&svg);
    let points: Vec<(f64, f64)> = pieces.iter().flatten().copied().collect();
    assert!(!points.is_empty());
    // Heights of the level stretches.
    let level: Vec<(f64, f64)> = pieces
        .iter()
        .flat_map(|piece| piece.windows(2))
        .filter(|w| w[0].1 == w[1].1)
        .map(|w| w[0])
        .collect();
    let (first, last) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    let day = |x: f64| 1.0 + (x - first) / (last - first) * 59.0;
    let heights = |from: f64, to: f64| {
        let mut ys: Vec<i64> = level
            .iter()
            .filter(|p| day(p.0) > from && day(p.0) < to)
            .map(|p| p.1 as i64)
            .collect();
        ys.sort_unstable();
        ys.dedup();
        ys
    };
    // Days 1 to 45: the oracle puts everything on search, its lines run along the top.
    let before = heights(2.0, 44.0);
    assert_eq!(before.len(), 1, "{before:?}");
    // From day 46 its split has three parts: two lines inside the plot.
    let after = heights(47.0, 59.0);
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(
        after.iter().all(|&y| y > before[0] + 20),
        "{after:?} below the top"
    );
    // The step is drawn between day 45 and day 46.
    let step: Vec<f64> = pieces
        .iter()
        .flat_map(|piece| piece.windows(2))
        .filter(|w| w[0].0 == w[1].0 && (w[0].1 - w[1].1).abs() > 1.0)
        .map(|w| day(w[0].0))
        .collect();
    assert!(
        !step.is_empty() && step.iter().all(|&d| d > 45.0 && d < 46.0),
        "{step:?}"
    );
    let legend = svg_texts(&svg);
    assert!(legend.iter().any(|t| t.text == "oracle split"));
    assert!(!legend.iter().any(|t| t.text.starts_with("oracle: all on")));
}

#[test]
fn profit_scenarios_get_a_cumulative_profit_chart_and_a_target_line() {
    let dir = TempDir::new().unwrap();
    run_into(
        dir.path(),
        &[&scenario_path("profit-target"), "--days", "10"],
    );
    run_into(dir.path(), &["--days", "10"]);
    let profit = dir.path().join("profit-target/charts");
    for ext in ["svg", "png"] {
        assert!(profit.join(format!("profit.{ext}")).is_file());
        assert!(
            !dir.path()
                .join(format!("default/charts/profit.{ext}"))
                .exists()
        );
    }
    let svg = fs::read_to_string(profit.join("profit.svg")).unwrap();
    assert!(svg.contains("cumulative profit (NOK)"));
    let roas = fs::read_to_string(profit.join("roas.svg")).unwrap();
    assert!(roas.contains("oracle, expected ROAS"));
    assert!(roas.contains("target ROAS (break-even)") && roas.contains("2.50"));
    assert!(!roas.contains("revenue / budget"));
    let default_roas = fs::read_to_string(dir.path().join("default/charts/roas.svg")).unwrap();
    assert!(!default_roas.contains("target ROAS"));

    let report = fs::read_to_string(dir.path().join("profit-target/report.html")).unwrap();
    assert!(report.contains("profit (NOK, 95% interval)"));
    assert!(report.contains("vs fixed (NOK, 95% interval)"));
    assert!(report.contains("<td>baseline</td>"));
    assert!(report.contains("a profit of"));
    assert_eq!(
        report.matches("<svg").count(),
        6 + 5,
        "the profit chart is in the report"
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

#[test]
fn a_results_folder_of_format_1_still_redraws() {
    let dir = TempDir::new().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results-v1");
    let folder = dir.path().join("default");
    fs::create_dir(&folder).unwrap();
    for file in ["summary.json", "daily.csv"] {
        fs::copy(fixture.join(file), folder.join(file)).unwrap();
    }
    let (code, _, stderr) = budget_bandit(&["chart", folder.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let charts = folder.join("charts");
    // The default scenario of that version ran four policies.
    for stem in chart_stems(&["thompson", "epsilon-greedy", "fixed", "oracle"], false) {
        let png = fs::read(charts.join(format!("{stem}.png"))).unwrap();
        assert_eq!(png_size(&png), (1200, 800), "{stem}.png");
    }
    assert!(!charts.join("profit.svg").exists());
    // Format 1 recorded the oracle's revenue per budget and its split of day 1: said so.
    let roas = fs::read_to_string(charts.join("roas.svg")).unwrap();
    assert!(roas.contains("revenue / budget 2.01"), "not called a ROAS");
    assert!(!roas.contains("oracle, expected ROAS"));
    let report = fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("oracle share on day 1"));
    assert!(report.contains("revenue per NOK of budget"));
    assert!(!report.contains("<th>vs "), "no baseline before format 2");
}

#[test]
fn the_text_check_sees_overlaps_and_overflow() {
    let text = |x: u32, y: u32, label: &str| {
        format!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"0.76em\" text-anchor=\"start\" font-size=\"16.1\">\n{label}\n</text>"
        )
    };
    let apart = format!("{}{}", text(10, 10, "thompson"), text(10, 40, "thompson"));
    assert_texts_apart("apart", &apart);
    for (name, svg) in [
        (
            "overlap",
            format!("{}{}", text(10, 10, "thompson"), text(60, 15, "fixed")),
        ),
        ("overflow", text(1150, 10, "sliding-window-thompson")),
    ] {
        let caught = std::panic::catch_unwind(|| assert_texts_apart(name, &svg));
        assert!(caught.is_err(), "{name} not seen");
    }
}

/// The shock's day is marked and labelled on the charts over days, and a market without a
/// shift has no mark.
#[test]
fn the_shock_day_is_marked_and_labelled_on_the_charts_over_days() {
    let dir = TempDir::new().unwrap();
    run_into(dir.path(), &[&scenario_path("shock"), "--days", "60"]);
    run_into(dir.path(), &["--days", "10"]);
    let label = "day 46: search price ×1.6, CVR ×0.5";
    for chart in ["revenue", "regret", "allocation-thompson"] {
        let svg = fs::read_to_string(dir.path().join(format!("shock/charts/{chart}.svg"))).unwrap();
        assert!(svg.contains(label), "{chart}: no event label");
        assert!(svg.contains("stroke=\"#8C3C28\""), "{chart}: no event line");
        let default = fs::read_to_string(dir.path().join(format!(
            "default/charts/{}.svg",
            chart.replace("thompson", "saturation-thompson")
        )))
        .unwrap();
        assert!(
            !default.contains("#8C3C28") && !default.contains("day 46"),
            "{chart}"
        );
    }
}
