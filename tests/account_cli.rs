//! `recommend` and `fit` on the command line: every class of bad history exits 2 with
//! `file:row:column` and writes nothing; a good account writes its results folder; a history
//! of constant spends says which channels' diminishing returns are unknown and keeps them
//! within the pacing rule.

mod common;

use common::{budget_bandit, path_str};
use std::fs;
use std::path::Path;
use tempfile::TempDir;

const ACCOUNT: &str = r#"
name = "shop"
currency = "NOK"
daily_budget = 300.0
history = "shop.csv"

[channel_of]
"Brand" = "search"
"Generic" = "search"

[[channels]]
name = "search"
pricing = "cpc"

[[channels]]
name = "social"
pricing = "cpm"
"#;

/// A small good history: two search campaigns and social, four days with varied spends.
const HISTORY: &str = "\
date,channel,spend,impressions,clicks,leads,conversions,revenue
2026-11-01,Brand,100,,40,,3,300
2026-11-01,Generic,50,,20,,1,90
2026-11-01,social,150,20000,60,,2,180
2026-11-02,Brand,120,,45,,2,210
2026-11-02,Generic,30,,12,,1,95
2026-11-02,social,150,21000,58,,1,100
2026-11-03,Brand,60,,25,,1,100
2026-11-03,Generic,40,,15,,0,0
2026-11-03,social,200,26000,70,,3,260
2026-11-04,Brand,150,,55,,4,420
2026-11-04,Generic,60,,22,,1,80
2026-11-04,social,90,13000,40,,1,95
";

/// Writes the account and `history` into a fresh folder.
fn account_with(history: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("shop.toml"), ACCOUNT).unwrap();
    fs::write(dir.path().join("shop.csv"), history).unwrap();
    dir
}

#[test]
fn a_good_account_writes_its_recommendation() {
    let dir = account_with(HISTORY);
    let out = dir.path().join("out");
    let account = dir.path().join("shop.toml");
    let run = budget_bandit(&[
        "recommend",
        path_str(&account),
        "--out",
        path_str(&out),
        "--draws",
        "200",
        "--days",
        "3",
        "--no-charts",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("shop: split for 2026-11-05"),
        "{}",
        run.stdout
    );
    let csv = fs::read_to_string(out.join("shop/recommendation.csv")).unwrap();
    assert!(csv.starts_with(
        "channel,current_spend,recommended_spend,spend_low,spend_high,explore_spend,\
         marginal_roas_current,marginal_roas_recommended,"
    ));
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains("\nsearch,210.00,"), "{csv}");
    let plan = fs::read_to_string(out.join("shop/plan.csv")).unwrap();
    assert_eq!(plan.lines().count(), 1 + 3 * 2);
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("shop/recommendation.json")).unwrap()).unwrap();
    assert_eq!(json["account"], "shop");
    assert_eq!(json["outlook"].as_array().unwrap().len(), 3);
    assert!(out.join("shop/.budget-bandit").is_file());
}

/// Money in cents: every number of a CSV cell has at most `decimals` places.
fn at_most_decimals(cell: &str, decimals: usize) -> bool {
    cell.parse::<f64>().is_ok()
        && cell
            .split_once('.')
            .is_none_or(|(_, fraction)| fraction.len() <= decimals)
}

/// What a strategist reads: standard output opens with the action list, the files hold
/// money in cents and ratios to four places, and the report opens with the actions and
/// shows the plan.
#[test]
fn the_output_opens_with_what_to_do_and_rounds_money_to_cents() {
    let dir = account_with(HISTORY);
    let out = dir.path().join("out");
    let account = dir.path().join("shop.toml");
    let run = budget_bandit(&[
        "recommend",
        path_str(&account),
        "--out",
        path_str(&out),
        "--draws",
        "200",
        "--days",
        "3",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("What to do on 2026-11-05 (shop):"),
        "{}",
        run.stdout
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("  1. ")
            && ["Move ", "Pause ", "Start ", "Raise ", "Lower ", "Keep "]
                .iter()
                .any(|verb| first[5..].starts_with(verb)),
        "{}",
        run.stdout
    );
    assert!(first.contains(" NOK/day"), "{}", run.stdout);

    let folder = out.join("shop");
    let plan = fs::read_to_string(folder.join("plan.csv")).unwrap();
    for row in plan.lines().skip(1) {
        let spend = row.rsplit(',').next().unwrap();
        assert!(at_most_decimals(spend, 2), "plan.csv: {row}");
    }
    let csv = fs::read_to_string(folder.join("recommendation.csv")).unwrap();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        for (name, cell) in header.iter().zip(&cells) {
            let decimals = match *name {
                "marginal_roas_current"
                | "marginal_roas_recommended"
                | "roas_recommended"
                | "spend_variation" => 4,
                "channel" | "pricing" | "frozen" | "saturation_known" | "note"
                | "beyond_history" | "limited_by" => continue,
                _ => 2,
            };
            assert!(at_most_decimals(cell, decimals), "{name} = {cell} in {row}");
            assert!(!cell.starts_with("-0.00"), "{name} = {cell}");
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(folder.join("recommendation.json")).unwrap()).unwrap();
    let actions = json["actions"].as_array().unwrap();
    assert!(!actions.is_empty());
    let first_text = actions[0]["text"].as_str().unwrap();
    assert_eq!(first, format!("  1. {first_text}"));
    for spend in json["plan"][0]["spend"].as_array().unwrap() {
        let text = spend.to_string();
        assert!(at_most_decimals(&text, 2), "plan spend {text} in JSON");
    }

    let html = fs::read_to_string(folder.join("report.html")).unwrap();
    let at = |text: &str| html.find(text).unwrap_or_else(|| panic!("{text}"));
    assert!(at("<h2>What to do tomorrow</h2>") < at("<h2>Channels</h2>"));
    let escaped = first_text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(
        html.contains(&format!("<li>{escaped}</li>")),
        "{first_text}"
    );
    assert!(html.contains("<h2>Plan for the next 3 days</h2>"));
    assert!(html.contains("<tr><th>date</th><th>search</th><th>social</th><th>total</th></tr>"));
    for date in ["2026-11-05", "2026-11-06", "2026-11-07"] {
        assert!(
            html.contains(&format!("<tr><td class=\"name\">{date}</td>")),
            "{date}"
        );
    }
}

/// Every class of bad input: exit 2, the message points at `file:row:column` (or names the
/// file), and nothing is written.
#[test]
fn bad_histories_exit_2_with_row_and_column_and_write_nothing() {
    let replace = |from: &str, to: &str| HISTORY.replacen(from, to, 1);
    let cases: Vec<(String, &str, &str)> = vec![
        (
            HISTORY.replace("conversions", "orders"),
            "shop.csv:1:1",
            "conversions",
        ),
        (
            replace("2026-11-02,Brand", "2026-13-02,Brand"),
            "shop.csv:5:1",
            "2026-13-02",
        ),
        (replace("120,,45", "12o,,45"), "shop.csv:5:3", "12o"),
        (replace("120,,45", "-120,,45"), "shop.csv:5:3", "negative"),
        (
            replace("social,150,20000,60", "social,150,20,60"),
            "shop.csv:4:5",
            "clicks `60` exceed impressions `20`",
        ),
        (
            format!("{HISTORY}2026-11-04,Brand,150,,55,,4,420\n"),
            "shop.csv:14:",
            "2026-11-04",
        ),
        (
            replace("social,200", "Display,200"),
            "shop.csv:10:2",
            "Display",
        ),
        (
            HISTORY
                .lines()
                .filter(|l| !l.contains("social"))
                .collect::<Vec<_>>()
                .join("\n"),
            "shop.csv",
            "social",
        ),
        (String::new(), "shop.csv", "is empty"),
        (
            "date,channel,spend,impressions,clicks,leads,conversions,revenue\n".into(),
            "shop.csv",
            "no data rows",
        ),
    ];
    for (history, position, phrase) in cases {
        let dir = account_with(&history);
        let out = dir.path().join("out");
        let account = dir.path().join("shop.toml");
        let run = budget_bandit(&["recommend", path_str(&account), "--out", path_str(&out)]);
        assert_eq!(run.code, 2, "{position} {phrase}: {}", run.stderr);
        assert!(
            run.stderr.contains(position) && run.stderr.contains(phrase),
            "expected {position} and '{phrase}' in:\n{}",
            run.stderr
        );
        assert!(!out.exists(), "{position}: something was written");
        let fit = budget_bandit(&["fit", path_str(&account)]);
        assert_eq!(fit.code, 2, "fit, {position}: {}", fit.stderr);
        assert!(fit.stdout.is_empty());
    }
}

/// A mistyped date (a year far off, or a day that has not come yet after a gap) is refused at
/// its row, before anything is fitted; `keep_stray_dates = true` reads it as written.
#[test]
fn a_mistyped_date_is_refused_at_its_row_unless_the_account_keeps_it() {
    use budget_bandit::account::date::Date;
    let yesterday = Date::today().plus(-1);
    let mut history = String::from(HISTORY.lines().next().unwrap());
    history.push('\n');
    for back in (0..21).rev() {
        let date = yesterday.plus(-back);
        let spend = 100 + 7 * (back % 5);
        history.push_str(&format!(
            "{date},Brand,{spend},,40,,3,300\n{date},social,{spend},20000,60,,2,180\n"
        ));
    }
    let cases = [
        ("2099-01-01".to_owned(), "is 2099-01-01 mistyped?"),
        (yesterday.plus(11).to_string(), "is after today"),
    ];
    for (typo, phrase) in cases {
        let dir = account_with(&format!("{history}{typo},Brand,100,,40,,3,300\n"));
        let account = dir.path().join("shop.toml");
        let out = dir.path().join("out");
        let run = budget_bandit(&["recommend", path_str(&account), "--out", path_str(&out)]);
        assert_eq!(run.code, 2, "{typo}: {}", run.stderr);
        assert!(
            run.stderr.contains("shop.csv:44:1") && run.stderr.contains(phrase),
            "{typo}: {}",
            run.stderr
        );
        assert!(!out.exists());
        let kept = ACCOUNT.replace(
            "history = \"shop.csv\"",
            "history = \"shop.csv\"\nkeep_stray_dates = true",
        );
        fs::write(&account, kept).unwrap();
        let run = budget_bandit(&[
            "recommend",
            path_str(&account),
            "--out",
            path_str(&out),
            "--draws",
            "100",
            "--no-charts",
        ]);
        assert_eq!(run.code, 0, "{typo}: {}", run.stderr);
        assert!(
            run.stdout.contains("kept dates that stand apart"),
            "{}",
            run.stdout
        );
    }
}

/// `fit --out` replaces only its own untouched output: a file `fit` wrote and nobody edited
/// since is replaced; one edited since (its last line's checksum no longer matches), or one
/// `fit` never wrote, is left as it is with exit code 2.
#[test]
fn fit_replaces_its_own_file_but_not_one_edited_since() {
    let dir = account_with(HISTORY);
    let account = dir.path().join("shop.toml");
    let fitted = dir.path().join("fitted.toml");
    let fit = || budget_bandit(&["fit", path_str(&account), "--out", path_str(&fitted)]);
    assert_eq!(fit().code, 0);
    let written = fs::read_to_string(&fitted).unwrap();
    let last = written.lines().last().unwrap();
    assert!(last.starts_with("# budget-bandit fit checksum "), "{last}");
    let again = fit();
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(fs::read_to_string(&fitted).unwrap(), written);
    // The fitted scenario runs with its seal.
    let run = budget_bandit(&["validate", path_str(&fitted)]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let edited = written.replacen("days = ", "days =  ", 1);
    assert_ne!(edited, written);
    fs::write(&fitted, &edited).unwrap();
    let refused = fit();
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("edited since"),
        "{}",
        refused.stderr
    );
    assert_eq!(fs::read_to_string(&fitted).unwrap(), edited);
    // An edit that also removed the checksum line is no less an edit.
    let unsealed: String = written
        .lines()
        .filter(|l| !l.starts_with("# budget-bandit fit checksum"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&fitted, &unsealed).unwrap();
    assert_eq!(fit().code, 2);
    assert_eq!(fs::read_to_string(&fitted).unwrap(), unsealed);

    fs::write(&fitted, "# my own notes\n").unwrap();
    let refused = fit();
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("not written by `budget-bandit fit`"),
        "{}",
        refused.stderr
    );

    // A folder that is not there is named, with exit code 2, and nothing is left behind.
    let nowhere = dir.path().join("nodir/fitted.toml");
    let missing = budget_bandit(&["fit", path_str(&account), "--out", path_str(&nowhere)]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("nodir does not exist")
            && missing.stderr.contains("fitted.toml")
            && !missing.stderr.contains("partial"),
        "{}",
        missing.stderr
    );
    assert!(!dir.path().join("nodir").exists());
}

#[test]
fn a_bad_account_file_exits_2_with_line_and_column() {
    let dir = account_with(HISTORY);
    let account = dir.path().join("shop.toml");
    fs::write(&account, ACCOUNT.replace("\"cpm\"", "\"cpx\"")).unwrap();
    let run = budget_bandit(&["recommend", path_str(&account)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("shop.toml:17:11"), "{}", run.stderr);
    fs::write(&account, ACCOUNT.replace("shop.csv", "missing.csv")).unwrap();
    let run = budget_bandit(&["recommend", path_str(&account)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.csv"), "{}", run.stderr);
}

/// Writes a history of the `default` scenario into `folder` with `history` and its `options`;
/// returns the account file written beside it.
fn default_history(folder: &Path, options: &[&str]) -> std::path::PathBuf {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml");
    let mut args = vec!["history", path_str(&scenario)];
    args.extend_from_slice(options);
    args.extend(["--out", path_str(folder), "--quiet"]);
    let made = budget_bandit(&args);
    assert_eq!(made.code, 0, "{}", made.stderr);
    folder.join("default.toml")
}

/// Acceptance: a history of constant spends. Every channel's diminishing returns are unknown,
/// the output says so, and no channel moves by more than the pacing rule.
#[test]
fn constant_spends_leave_saturation_unknown_and_moves_within_the_pacing_rule() {
    let dir = TempDir::new().unwrap();
    let histories = dir.path().join("h");
    let account = default_history(&histories, &["--policy", "fixed", "--days", "60"]);
    let paced = fs::read_to_string(&account).unwrap().replace(
        "objective = \"revenue\"",
        "objective = \"revenue\"\nmax_daily_change = 0.03",
    );
    fs::write(&account, paced).unwrap();
    let out = dir.path().join("out");
    let run = budget_bandit(&[
        "recommend",
        path_str(&account),
        "--out",
        path_str(&out),
        "--draws",
        "200",
        "--no-charts",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("diminishing returns unknown"),
        "{}",
        run.stdout
    );
    let csv = fs::read_to_string(out.join("default-account/recommendation.csv")).unwrap();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        let number = |name: &str| cells[column(name)].parse::<f64>().unwrap();
        assert_eq!(cells[column("saturation_known")], "false", "{row}");
        let moved = (number("recommended_spend") - number("current_spend")).abs();
        assert!(moved <= 0.03 * 10_000.0 + 1e-6, "{row}");
    }
    // Each channel the history cannot judge comes with a test budget within the pacing rule:
    // two spends at most 300 apart on alternate days, priced in expected revenue.
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("default-account/recommendation.json")).unwrap())
            .unwrap();
    let plans = json["test_plans"].as_array().unwrap();
    assert!(!plans.is_empty(), "{}", run.stdout);
    for plan in plans {
        let (low, high) = (
            plan["low"].as_f64().unwrap(),
            plan["high"].as_f64().unwrap(),
        );
        assert!(low < high && high - low <= 300.0 + 1.0, "{plan}");
        assert_eq!(plan["days"].as_array().unwrap().len(), 14);
        // Tomorrow's split is the action list's; the tests start after it.
        assert!(
            plan["days"][0]["date"].as_str().unwrap() > json["date"].as_str().unwrap(),
            "{plan}"
        );
        assert!(plan["cost"].as_f64().unwrap() >= 0.0, "{plan}");
        let channel = plan["channel"].as_str().unwrap();
        assert!(
            run.stdout.contains(&format!("Test {channel} at ")),
            "{}",
            run.stdout
        );
    }
}

/// A scenario's results and an account's recommendation of the same name never replace each
/// other: the second command exits 2 and the first folder is kept byte for byte.
#[test]
fn recommendations_and_scenario_results_never_replace_each_other() {
    let dir = account_with(&HISTORY.replace("shop", "default"));
    let out = dir.path().join("out");
    let account = dir.path().join("shop.toml");
    fs::write(
        &account,
        ACCOUNT.replace("name = \"shop\"", "name = \"default\""),
    )
    .unwrap();
    let run = budget_bandit(&[
        "run",
        "--out",
        path_str(&out),
        "--replications",
        "2",
        "--days",
        "5",
        "--no-charts",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = fs::read(out.join("default/summary.csv")).unwrap();
    let recommend = budget_bandit(&["recommend", path_str(&account), "--out", path_str(&out)]);
    assert_eq!(recommend.code, 2, "{}", recommend.stderr);
    assert!(
        recommend.stderr.contains("scenario run"),
        "{}",
        recommend.stderr
    );
    assert_eq!(fs::read(out.join("default/summary.csv")).unwrap(), before);

    let other = dir.path().join("other");
    let recommend = budget_bandit(&["recommend", path_str(&account), "--out", path_str(&other)]);
    assert_eq!(recommend.code, 0, "{}", recommend.stderr);
    let run = budget_bandit(&["run", "--out", path_str(&other), "--no-charts", "-q"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("recommendation of an account"),
        "{}",
        run.stderr
    );
    assert!(other.join("default/recommendation.csv").is_file());
}

#[test]
fn validate_checks_an_account_with_its_history() {
    let dir = account_with(HISTORY);
    let account = dir.path().join("shop.toml");
    let run = budget_bandit(&["validate", path_str(&account)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("shop ("), "{}", run.stdout);
    assert!(
        run.stdout.contains("4 days, 2026-11-01 to 2026-11-04"),
        "{}",
        run.stdout
    );
    let broken = account_with(&HISTORY.replacen("120,,45", "12o,,45", 1));
    let run = budget_bandit(&["validate", path_str(&broken.path().join("shop.toml"))]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("shop.csv:5:3"), "{}", run.stderr);
}

/// Where the last week earned far more than the model expects of its split (a peak the
/// curves, read at the last weeks' demand, lag behind), the output says so; on the history as
/// simulated it does not.
#[test]
fn a_last_week_far_above_the_model_is_pointed_out() {
    let dir = TempDir::new().unwrap();
    let histories = dir.path().join("h");
    let account = default_history(&histories, &["--policy", "epsilon-greedy"]);
    let recommend = |name: &str| {
        let run = budget_bandit(&[
            "recommend",
            path_str(&account),
            "--out",
            path_str(&dir.path().join(name)),
            "--draws",
            "200",
            "--no-charts",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let said = "the last 7 days earned";
    let steady = recommend("steady");
    assert!(!steady.contains(said), "{steady}");
    // The last seven dates' revenue raised by 60%.
    let csv_path = histories.join("default.csv");
    let csv = fs::read_to_string(&csv_path).unwrap();
    let dates: Vec<&str> = csv.lines().skip(1).map(|l| &l[..10]).collect();
    let mut last: Vec<&str> = dates.clone();
    last.dedup();
    let peak = &last[last.len() - 7..];
    let raised: Vec<String> = csv
        .lines()
        .enumerate()
        .map(|(k, line)| {
            if k == 0 || !peak.contains(&&line[..10]) {
                return line.to_owned();
            }
            let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
            let revenue: f64 = cells[7].parse().unwrap();
            cells[7] = format!("{:.2}", revenue * 1.6);
            cells.join(",")
        })
        .collect();
    fs::write(&csv_path, raised.join("\n") + "\n").unwrap();
    let peaked = recommend("peaked");
    assert!(peaked.contains(said), "{peaked}");
    assert!(peaked.contains("above what the model expects"), "{peaked}");
}
