//! Platform exports as they come (`tests/common/exports.rs`): each reads without hand editing
//! and gives a recommendation that spends the budget, with the notes of what the reader passed
//! over or read generously on its way.

mod common;

use common::exports::{self, Export};
use common::{budget_bandit, csv_columns, path_str};
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// Writes the export and its account file into `dir`.
fn write(dir: &Path, export: &Export) -> std::path::PathBuf {
    fs::write(dir.join(format!("{}.csv", export.name)), &export.bytes).unwrap();
    let account = dir.join(format!("{}.toml", export.name));
    fs::write(&account, &export.account).unwrap();
    account
}

/// Runs `recommend` on an account file and returns the recommended spend per channel, after
/// checking that it exits 0 and spends the budget.
fn recommended(account: &Path, out: &Path, export: &Export) -> (Vec<(String, f64)>, String) {
    let run = budget_bandit(&[
        "recommend",
        path_str(account),
        "--out",
        path_str(out),
        "--draws",
        "200",
        "--no-charts",
    ]);
    assert_eq!(run.code, 0, "{}: {}", export.name, run.stderr);
    let rows = csv_columns(
        &out.join(export.name).join("recommendation.csv"),
        &["channel", "recommended_spend"],
    );
    let split: Vec<(String, f64)> = rows
        .iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect();
    let total: f64 = split.iter().map(|(_, s)| s).sum();
    assert!(
        (total - export.budget).abs() <= 0.01 * split.len() as f64,
        "{}: the split spends {total}, the budget is {}",
        export.name,
        export.budget
    );
    let channels: Vec<&str> = split.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(channels, export.channels, "{}", export.name);
    (split, run.stdout)
}

#[test]
fn every_export_reads_as_exported_and_spends_the_budget() {
    let dir = TempDir::new().unwrap();
    for export in exports::all() {
        let account = write(dir.path(), &export);
        let (_, stdout) = recommended(&account, &dir.path().join("out"), &export);
        // What the reader passed over is said where the strategist reads the split.
        let expected: &[&str] = match export.name {
            "google-ads" => &["skipped 4 total or summary rows"],
            "meta" => &[
                "skipped 1 total or summary row (line 2)",
                "left a result blank",
                "more conversions than clicks",
            ],
            "norwegian-excel" => &[
                "left out 120 rows of 1 campaign that ignore_campaigns names: `TEST | Ny struktur`",
                "2025-05-05 has no spend on any channel",
            ],
            "microsoft-ads" => &["skipped 2 total or summary rows"],
            "tiktok" => &["skipped 1 total or summary row"],
            "snapchat" => &["left a result blank"],
            _ => &[],
        };
        for phrase in expected {
            assert!(
                stdout.contains(phrase),
                "{}: no `{phrase}` in\n{stdout}",
                export.name
            );
        }
    }
}

#[test]
fn the_norwegian_resave_reads_its_dates_day_first_and_paces_from_the_last_funded_day() {
    let dir = TempDir::new().unwrap();
    let export = exports::norwegian_excel();
    let account = write(dir.path(), &export);
    let out = dir.path().join("out");
    let (split, stdout) = recommended(&account, &out, &export);
    assert!(stdout.contains("split for 2025-05-06"), "{stdout}");
    // Pacing (max_daily_change = 0.1) holds each channel within 10% of the budget of the last
    // day that spent, not of the empty last row.
    let current = csv_columns(
        &out.join("norwegian-excel/recommendation.csv"),
        &["current_spend"],
    );
    for ((channel, spend), current) in split.iter().zip(&current) {
        let current: f64 = current[0].parse().unwrap();
        assert!(current > 0.0, "{channel} paces from a day without spend");
        assert!(
            (spend - current).abs() <= 0.1 * export.budget + 0.01,
            "{channel}: {current} to {spend}"
        );
    }
}

#[test]
fn a_campaign_no_rule_matches_is_named_with_every_other() {
    let dir = TempDir::new().unwrap();
    let mut export = exports::google_ads();
    export.account = export
        .account
        .replace("\"PMax | *\" = \"shopping\"\n", "")
        .replace("\"Display | *\" = \"display\"\n", "");
    let account = write(dir.path(), &export);
    let run = budget_bandit(&["recommend", path_str(&account), "--no-charts"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for phrase in [
        "google-ads.csv:6:2: rows name 2 channels the account does not have (no name or \
         pattern of [channel_of] matches them):\n",
        "\n  'PMax | All products' (120 rows, ",
        "\n  'Display | Remarketing' (120 rows, ",
        "ignore_campaigns",
    ] {
        assert!(
            run.stderr.contains(phrase),
            "no `{phrase}` in {}",
            run.stderr
        );
    }
}

#[test]
fn init_from_every_export_writes_an_account_that_recommends_unchanged() {
    let dir = TempDir::new().unwrap();
    let mut currencies = (0, 0);
    for export in exports::all() {
        let csv = dir.path().join(format!("{}.csv", export.name));
        fs::write(&csv, &export.bytes).unwrap();
        let run = budget_bandit(&["init", "account", "--from", path_str(&csv)]);
        assert_eq!(run.code, 0, "{}: {}", export.name, run.stderr);
        let account = dir.path().join(format!("{}.toml", export.name));
        let text = fs::read_to_string(&account).unwrap();
        // An export that names no currency leaves EUR to be reviewed, and says so.
        let named = text.lines().any(|l| l.starts_with("currency = "));
        if named {
            currencies.0 += 1;
        } else {
            currencies.1 += 1;
        }
        let said = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(
            said.contains("the export names no currency"),
            !named,
            "{}: {said}",
            export.name
        );
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
        assert_eq!(run.code, 0, "{}: {}\n{text}", export.name, run.stderr);
        let budget: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("daily_budget = "))
            .and_then(|v| v.split_whitespace().next())
            .unwrap()
            .parse()
            .unwrap();
        let spends = csv_columns(
            &out.join(export.name).join("recommendation.csv"),
            &["recommended_spend"],
        );
        let total: f64 = spends.iter().map(|r| r[0].parse::<f64>().unwrap()).sum();
        assert!(
            (total - budget).abs() <= 0.01 * spends.len() as f64,
            "{}: spends {total} of {budget}",
            export.name
        );
        // Never replaces: a second run exits 2 and leaves the file as it was.
        let again = budget_bandit(&["init", "account", "--from", path_str(&csv)]);
        assert_eq!(again.code, 2, "{}", again.stderr);
        assert_eq!(fs::read_to_string(&account).unwrap(), text);
    }
    assert!(
        currencies.0 > 0 && currencies.1 > 0,
        "exports with and without a currency: {currencies:?}"
    );
}

#[test]
fn init_from_groups_campaigns_by_platform_and_type() {
    let dir = TempDir::new().unwrap();
    let cases: [(Export, &[&str]); 4] = [
        (
            exports::google_ads(),
            &[
                "\n[channel_of]\n",
                "\"Search | Brand | *\" = \"google-brand\"\n",
                "\"Search | Generic | Broad\" = \"google-search\"\n",
                "name = \"google-pmax\"\npricing = \"cpc\"",
                "name = \"google-display\"\npricing = \"cpm\"",
                "currency = \"NOK\"",
                "date = \"Day\"\nchannel = \"Campaign\"\nspend = \"Cost\"\nimpressions = \"Impr.\"\n",
                "(4 total rows skipped)",
            ],
        ),
        (
            exports::meta(),
            &[
                "\"Retargeting | 30 days\" = \"meta-retargeting\"",
                "name = \"meta-prospecting\"\npricing = \"cpm\"",
                "spend = \"Amount spent (NOK)\"",
                "clicks = \"Link clicks\"",
            ],
        ),
        (
            exports::norwegian_excel(),
            &[
                "semicolon-separated, decimal comma",
                "\"Søk | Merkevare\" = \"google-brand\"",
                "\"Søk | Konkurrenter\" = \"google-competitors\"",
                "\"TEST | Ny struktur\" = \"google-search\"",
            ],
        ),
        (
            exports::linkedin(),
            &[
                "tab-separated",
                "dates month first",
                "name = \"linkedin-lead-forms\"\npricing = \"cpl\"",
                "name = \"linkedin-prospecting\"\npricing = \"cpm\"",
            ],
        ),
    ];
    for (export, phrases) in cases {
        let csv = dir.path().join(format!("{}.csv", export.name));
        fs::write(&csv, &export.bytes).unwrap();
        let toml = dir
            .path()
            .join("reviewed")
            .join(format!("{}.toml", export.name));
        let run = budget_bandit(&["init", "account", path_str(&toml), "--from", path_str(&csv)]);
        assert_eq!(run.code, 0, "{}: {}", export.name, run.stderr);
        let text = fs::read_to_string(&toml).unwrap();
        for phrase in phrases {
            assert!(
                text.contains(phrase),
                "{}: no `{phrase}` in\n{text}",
                export.name
            );
        }
    }
}

#[test]
fn init_from_budget_bandits_own_history_prices_each_channel_by_what_its_rows_report() {
    let dir = TempDir::new().unwrap();
    let run = budget_bandit(&[
        "history",
        &common::shipped("default.toml"),
        "--policy",
        "epsilon-greedy",
        "--out",
        path_str(dir.path()),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reviewed = dir.path().join("reviewed.toml");
    let run = budget_bandit(&[
        "init",
        "account",
        path_str(&reviewed),
        "--from",
        path_str(&dir.path().join("default.csv")),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = fs::read_to_string(&reviewed).unwrap();
    let shipped = fs::read_to_string(dir.path().join("default.toml")).unwrap();
    let channels = |text: &str| -> Vec<(String, String)> {
        let lines: Vec<&str> = text.lines().collect();
        lines
            .windows(2)
            .filter_map(|w| {
                let name = w[0].strip_prefix("name = ")?;
                let pricing = w[1].strip_prefix("pricing = ")?;
                Some((
                    name.trim_matches('"').to_owned(),
                    pricing.split('"').nth(1)?.to_owned(),
                ))
            })
            .collect()
    };
    assert_eq!(channels(&written), channels(&shipped), "{written}");
    assert!(written.contains("# [columns]: the export has the default headers"));
}

/// A budget well above the history's days: no channel is recommended beyond 1.5 times its
/// highest day unless the account allows it, and the output says which limit decided.
#[test]
fn spends_beyond_the_history_are_capped_and_flagged() {
    let dir = TempDir::new().unwrap();
    let mut export = exports::google_ads();
    let budget = (export.budget * 1.8).round();
    export.account = export.account.replace(
        &format!("daily_budget = {:.1}", export.budget),
        &format!("daily_budget = {budget:.1}"),
    );
    export.budget = budget;
    let account = write(dir.path(), &export);
    let out = dir.path().join("capped");
    let (split, stdout) = recommended(&account, &out, &export);
    let rows = csv_columns(
        &out.join("google-ads/recommendation.csv"),
        &["history_high", "beyond_history", "limited_by", "spend_high"],
    );
    let mut capped = 0;
    for ((channel, spend), row) in split.iter().zip(&rows) {
        let high: f64 = row[0].parse().unwrap();
        assert!(
            *spend <= 1.5 * high + 0.01,
            "{channel}: {spend} above 1.5 × {high}"
        );
        if row[2] == "history" {
            capped += 1;
            assert_eq!(row[1], "true", "{channel}");
            assert!(
                (spend - 1.5 * high).abs() <= 0.01,
                "{channel}: {spend} vs {high}"
            );
        }
    }
    assert!(capped > 0, "no channel reached its cap:\n{stdout}");
    assert!(stdout.contains("history"), "{stdout}");

    // Allowed, the spends go where the posterior says, and those beyond are flagged.
    let allowed = export.account.replace(
        "history = \"google-ads.csv\"",
        "history = \"google-ads.csv\"\nallow_extrapolation = true",
    );
    fs::write(&account, allowed).unwrap();
    let out = dir.path().join("allowed");
    let (split, _) = recommended(&account, &out, &export);
    let rows = csv_columns(
        &out.join("google-ads/recommendation.csv"),
        &["history_high", "beyond_history", "limited_by"],
    );
    let beyond: Vec<bool> = split
        .iter()
        .zip(&rows)
        .map(|((_, spend), row)| {
            let high: f64 = row[0].parse().unwrap();
            assert_ne!(row[2], "history");
            assert_eq!(row[1] == "true", *spend >= 1.5 * high - 0.01);
            *spend > 1.5 * high
        })
        .collect();
    assert!(beyond.iter().any(|b| *b), "{rows:?}");
}

/// Today's unfinished row, exported before the day ended: the output says so, leaves it out
/// and paces from the day before, and `init account --from` leaves it out of the budget.
#[test]
fn a_partial_last_day_is_pointed_out_and_left_out() {
    let dir = TempDir::new().unwrap();
    let mut export = exports::meta();
    let whole = dir.path().join("whole");
    fs::create_dir(&whole).unwrap();
    fs::write(whole.join("meta.csv"), &export.bytes).unwrap();
    let init = |csv: &Path| {
        let run = budget_bandit(&["init", "account", "--from", path_str(csv)]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        fs::read_to_string(csv.with_extension("toml")).unwrap()
    };
    let budget = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("daily_budget = "))
            .and_then(|l| l.split_whitespace().next())
            .unwrap()
            .to_owned()
    };
    let whole_budget = budget(&init(&whole.join("meta.csv")));
    let mut text = String::from_utf8(export.bytes.clone()).unwrap();
    for campaign in [
        "Prospecting | Broad | ASC",
        "Retargeting | 30 days",
        "Video views | Reels",
    ] {
        text.push_str(&format!(
            "2025-05-06,2025-05-06,2025-05-06,{campaign},active,90.00,4000,30,,\r\n"
        ));
    }
    export.bytes = text.into_bytes();
    let account = write(dir.path(), &export);
    let (_, stdout) = recommended(&account, &dir.path().join("out"), &export);
    // The notes wrap at 100 columns: read them as one line.
    let stdout = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        stdout.contains("the last day, 2025-05-06, spent 270.00 against a median of")
            && stdout.contains("left out, so the split to pace from is 2025-05-05's"),
        "{stdout}"
    );
    assert!(!stdout.contains("the total from 270"), "{stdout}");
    let partial = dir.path().join("partial");
    fs::create_dir(&partial).unwrap();
    fs::write(partial.join("meta.csv"), &export.bytes).unwrap();
    let text = init(&partial.join("meta.csv"));
    assert!(text.contains("left out of the budget below"), "{text}");
    assert_eq!(budget(&text), whole_budget);
}
