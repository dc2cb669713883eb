//! Names written to hurt whoever opens the results: a channel or policy name that a
//! spreadsheet would run as a formula is written to every CSV file as text, and read back
//! from a history as the name it is; names with control characters never get that far.

mod common;

use common::{budget_bandit, files, path_str};
use std::fs;

const HOSTILE: &str = r#"
name = "hostile"
days = 20
daily_budget = 100.0
replications = 3

[[channels]]
name = '=HYPERLINK("http://x","y")'
pricing = "cpc"
price = 1.0
cvr = 0.1
value = 10.0

[[channels]]
name = "+plain"
pricing = "cpc"
price = 1.0
cvr = 0.05
value = 10.0

[[channels]]
name = "-minus"
pricing = "cpc"
price = 1.0
cvr = 0.07
value = 10.0

[[policies]]
kind = "thompson"
name = "@ts"
"#;

/// Every cell of every CSV file below `folder`: none may begin as a formula does unless it is
/// a number.
fn formula_cells(folder: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in files(folder) {
        if !path.ends_with(".csv") {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_slice());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                if cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                    && cell.trim().parse::<f64>().is_err()
                {
                    found.push(format!("{path}: {cell}"));
                }
            }
        }
    }
    found
}

/// `run`, `history` and `recommend` on channels and a policy named like formulas: every CSV
/// they write holds the names as text (`'=HYPERLINK(...)`), and the history written with
/// them is read back by `recommend` under the names the account gives.
#[test]
fn formula_names_are_written_as_text_and_read_back_as_names() {
    let folder = tempfile::tempdir().unwrap();
    let scenario = folder.path().join("hostile.toml");
    fs::write(&scenario, HOSTILE).unwrap();
    let out = folder.path().join("out");
    let run = budget_bandit(&[
        "run",
        path_str(&scenario),
        "--out",
        path_str(&out),
        "--quiet",
        "--no-charts",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let channels = fs::read_to_string(out.join("hostile/channels.csv")).unwrap();
    assert!(
        channels.contains(r#""'=HYPERLINK(""http://x"",""y"")""#),
        "{channels}"
    );
    assert!(channels.contains("'@ts,'+plain,"), "{channels}");
    // The charts read daily.csv back under the names as written.
    let charted = budget_bandit(&["chart", path_str(&out.join("hostile"))]);
    assert_eq!(charted.code, 0, "{}", charted.stderr);
    assert!(out.join("hostile/report.html").is_file());

    let history = folder.path().join("history");
    let written = budget_bandit(&[
        "history",
        path_str(&scenario),
        "--policy",
        "@ts",
        "--out",
        path_str(&history),
        "--quiet",
    ]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let recommended = folder.path().join("recommended");
    let recommend = budget_bandit(&[
        "recommend",
        path_str(&history.join("hostile.toml")),
        "--out",
        path_str(&recommended),
        "--quiet",
        "--days",
        "3",
    ]);
    assert_eq!(recommend.code, 0, "{}", recommend.stderr);
    let advice =
        fs::read_to_string(recommended.join("hostile-account/recommendation.csv")).unwrap();
    assert!(advice.contains("\n'-minus,"), "{advice}");

    for written in [&out, &history, &recommended] {
        let formulas = formula_cells(written);
        assert!(formulas.is_empty(), "{formulas:#?}");
    }
}

/// A channel named with both kinds of quote, and a policy name of 250 characters, pass
/// validation and then every command: `history`, `recommend` and `fit` (whose generated
/// scenario names the channel as a key of the recent split's shares) and `run` of the fitted
/// scenario; the long name's charts are written under a file name cut to fit.
#[test]
fn names_that_pass_validation_pass_every_command() {
    let long = "p".repeat(250);
    let scenario = format!(
        "name = \"quotes\"\ndays = 40\ndaily_budget = 100.0\nreplications = 3\n\n\
         [[channels]]\nname = \"\"\"it's \"quoted\" \"\"\"\npricing = \"cpc\"\nprice = 1.0\n\
         cvr = 0.1\nvalue = 10.0\n\n\
         [[channels]]\nname = \"plain\"\npricing = \"cpc\"\nprice = 1.0\ncvr = 0.05\n\
         value = 10.0\n\n[[policies]]\nkind = \"thompson\"\nname = \"{long}\"\n"
    );
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("quotes.toml");
    fs::write(&path, scenario).unwrap();
    let at = |name: &str| folder.path().join(name);
    let steps: Vec<Vec<String>> = vec![
        vec!["validate".into(), path_str(&path).into()],
        vec![
            "run".into(),
            path_str(&path).into(),
            "--out".into(),
            path_str(&at("runs")).into(),
            "--quiet".into(),
        ],
        vec![
            "history".into(),
            path_str(&path).into(),
            "--policy".into(),
            long.clone(),
            "--out".into(),
            path_str(&at("history")).into(),
            "--quiet".into(),
        ],
        vec![
            "recommend".into(),
            path_str(&at("history").join("quotes.toml")).into(),
            "--out".into(),
            path_str(&at("recommended")).into(),
            "--quiet".into(),
        ],
        vec![
            "fit".into(),
            path_str(&at("history").join("quotes.toml")).into(),
            "--out".into(),
            path_str(&at("fitted.toml")).into(),
        ],
        vec![
            "run".into(),
            path_str(&at("fitted.toml")).into(),
            "--out".into(),
            path_str(&at("fitted-runs")).into(),
            "--quiet".into(),
            "--no-charts".into(),
        ],
    ];
    for step in steps {
        let args: Vec<&str> = step.iter().map(String::as_str).collect();
        let output = budget_bandit(&args);
        assert_eq!(output.code, 0, "{}: {}", step[0], output.stderr);
    }
    let charts = files(&at("runs").join("quotes/charts"));
    let cut = format!("allocation-{}.png", "p".repeat(89));
    assert!(charts.contains_key(&cut), "{:?}", charts.keys());
}

/// Names too long for a table column (65,536 characters once panicked in formatting) are
/// refused at validation with their length, and a description with a terminal escape is
/// refused like a name with one.
#[test]
fn overlong_names_and_escapes_in_descriptions_are_refused_at_validation() {
    let folder = tempfile::tempdir().unwrap();
    let default = fs::read_to_string(common::shipped("default.toml")).unwrap();
    let long = "x".repeat(70_000);
    let cases = [
        (
            default.replacen("name = \"search\"", &format!("name = \"{long}\""), 1),
            "channel name is 70000 characters long; names are at most 1000",
        ),
        (
            default.replacen(
                "description = \"Five",
                "description = \"clears\\u001b[2J Five",
                1,
            ),
            "description holds U+001B",
        ),
    ];
    for (text, part) in cases {
        let file = folder.path().join("long.toml");
        fs::write(&file, text).unwrap();
        let output = budget_bandit(&["validate", path_str(&file)]);
        assert_eq!(output.code, 2, "{}", output.stderr);
        assert!(output.stderr.contains(part), "{part}: {}", output.stderr);
    }
}
