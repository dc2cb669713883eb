//! Validation tests: every way a scenario can be wrong gets a message naming the field, the
//! channel or policy, what is allowed, and the position.

use super::*;

const MINIMAL: &str = r#"
name = "t"
days = 10
daily_budget = 100.0

[[channels]]
name = "search"
pricing = "cpc"
price = 2.0
cvr = 0.1
value = 50.0
"#;

fn error_of(source: &str) -> ScenarioError {
    Scenario::from_toml("t.toml", source).expect_err("the scenario should be rejected")
}

/// Replaces `from` (which must occur) with `to` in the minimal scenario.
fn minimal_with(from: &str, to: &str) -> String {
    assert!(MINIMAL.contains(from), "{from}");
    MINIMAL.replacen(from, to, 1)
}

fn assert_error(source: &str, expected_parts: &[&str], line: usize) {
    let error = error_of(source);
    let text = error.to_string();
    for part in expected_parts {
        assert!(text.contains(part), "'{part}' missing from:\n{text}");
    }
    assert_eq!(error.position.map(|p| p.0), Some(line), "{text}");
}

#[test]
fn minimal_scenario_gets_defaults() {
    let scenario = Scenario::from_toml("t.toml", MINIMAL).unwrap();
    assert_eq!(scenario.currency, "EUR");
    assert_eq!(scenario.seed, 1);
    assert_eq!(scenario.replications, 100);
    assert_eq!(scenario.allocation, Allocation::Proportional);
    assert_eq!(scenario.channels[0].ctr, 1.0);
    assert_eq!(scenario.channels[0].price_cv, 0.0);
    let names: Vec<&str> = scenario.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["thompson", "epsilon-greedy", "fixed", "oracle"]);
    assert_eq!(scenario.source(), MINIMAL);
}

#[test]
fn shipped_scenarios_are_valid() {
    let default = Scenario::builtin_default();
    assert_eq!(default.name, "default");
    assert_eq!(default.channels.len(), 5);
    let pricing: Vec<&str> = default
        .channels
        .iter()
        .map(|c| c.pricing.as_str())
        .collect();
    for model in ["cpm", "cpc", "cpl", "cpa"] {
        assert!(pricing.contains(&model), "default lacks {model}");
    }
    let classic = Scenario::from_toml(
        "classic",
        include_str!("../../scenarios/classic-bernoulli.toml"),
    )
    .unwrap();
    assert_eq!(classic.allocation, Allocation::WinnerTakesAll);
    assert_eq!(classic.channels.len(), 10);
}

#[test]
fn syntax_errors_have_line_and_column() {
    let error = error_of("name = \"t\"\ndays = = 3\n");
    assert_eq!(error.position.map(|p| p.0), Some(2));
    assert!(error.to_string().starts_with("t.toml:2:"), "{error}");
}

#[test]
fn unknown_and_missing_fields() {
    assert_error(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nbudget = 3"),
        &["unknown field `budget`", "expected one of"],
        11,
    );
    assert_error(
        &minimal_with("days = 10\n", ""),
        &["missing field `days`"],
        1,
    );
    assert_error(
        &minimal_with("value = 50.0\n", ""),
        &["missing field `value`"],
        6,
    );
}

#[test]
fn numbers_out_of_range() {
    assert_error(
        &minimal_with("days = 10", "days = 0"),
        &["days must be a whole number from 1 to 100000, got 0"],
        3,
    );
    assert_error(
        &minimal_with("price = 2.0", "price = -2.0"),
        &["channel 'search': price must be a number above 0 and at most 1e12, got -2"],
        9,
    );
    assert_error(
        &minimal_with("price = 2.0", "price = nan"),
        &["channel 'search': price", "got NaN"],
        9,
    );
    assert_error(
        &minimal_with("daily_budget = 100.0", "daily_budget = inf"),
        &["daily_budget must be a number above 0 and at most 1e12, got inf"],
        4,
    );
    assert_error(
        &minimal_with("cvr = 0.1", "cvr = 1.4"),
        &["channel 'search': cvr must be in [0, 1], got 1.4"],
        10,
    );
    assert_error(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nprice_cv = -0.1"),
        &["price_cv must be 0 (no noise) or in [1e-6, 10], got -0.1"],
        11,
    );
    assert_error(
        &minimal_with("cvr = 0.1", "cvr = 0.1\naudience = 0"),
        &["audience must be a number above 0 and at most 1e12, got 0"],
        11,
    );
    assert_error(
        &minimal_with("days = 10", "days = 10\nseed = -1"),
        &["seed must be a whole number from 0"],
        4,
    );
    assert_error(
        &minimal_with("days = 10", "days = 10\nreplications = 0"),
        &["replications must be a whole number from 1"],
        4,
    );
    assert_error(
        &minimal_with("days = 10", "days = 10.5"),
        &["invalid type: floating point"],
        3,
    );
}

#[test]
fn channel_lists_and_names() {
    let no_channels = "name = \"t\"\ndays = 3\ndaily_budget = 5.0\nchannels = []\n";
    assert_error(no_channels, &["channels must list at least one channel"], 4);
    let twice = format!(
        "{MINIMAL}\n[[channels]]\nname = \"search\"\npricing = \"cpa\"\nprice = 3.0\nvalue = 9.0\n"
    );
    assert_error(&twice, &["channel name 'search' is used twice"], 14);
    assert_error(
        &minimal_with("name = \"search\"", "name = \"total\""),
        &["'total' is reserved"],
        7,
    );
    assert_error(
        &minimal_with("name = \"t\"", "name = \"my results/../x\""),
        &["name is also the results folder"],
        2,
    );
    assert_error(
        &minimal_with("pricing = \"cpc\"", "pricing = \"cpx\""),
        &["unknown variant `cpx`", "`cpm`, `cpc`, `cpl`, `cpa`"],
        8,
    );
}

#[test]
fn pricing_specific_fields() {
    assert_error(
        &minimal_with("pricing = \"cpc\"", "pricing = \"cpa\""),
        &["channel 'search': cvr does not apply to cpa pricing"],
        10,
    );
    assert_error(
        &minimal_with("pricing = \"cpc\"", "pricing = \"cpm\""),
        &["channel 'search': ctr is required for cpm pricing"],
        7,
    );
    assert_error(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nctr = 0.02"),
        &["ctr applies only to cpm pricing, not cpc"],
        11,
    );
    assert_error(
        &minimal_with("cvr = 0.1\n", ""),
        &["channel 'search': cvr is required for cpc pricing"],
        7,
    );
}

#[test]
fn policy_errors() {
    let with_policy = |policy: &str| format!("{MINIMAL}\n[[policies]]\n{policy}\n");
    assert_error(
        &with_policy("kind = \"fixed\"\nshares = [0.5, 0.5]"),
        &["policy 'fixed': shares must have one share per channel (1, in channel order), got 2"],
        15,
    );
    let two = format!(
        "{MINIMAL}\n[[channels]]\nname = \"aff\"\npricing = \"cpa\"\nprice = 3.0\nvalue = 9.0\n\n[[policies]]\nkind = \"fixed\"\nshares = [0.5, 0.6]\n"
    );
    assert_error(&two, &["policy 'fixed': shares must sum to 1, got 1.1"], 21);
    assert_error(
        &with_policy("kind = \"epsilon-greedy\"\nepsilon = 1.5"),
        &["policy 'epsilon-greedy': epsilon must be in [0, 1], got 1.5"],
        15,
    );
    assert_error(
        &with_policy("kind = \"thompson\"\nepsilon = 0.1"),
        &[
            "policy 'thompson': `epsilon` does not apply to kind \"thompson\" (its fields: `kind`, `name`, `prior_alpha`, `prior_beta`, `draws`)",
        ],
        15,
    );
    assert_error(
        &with_policy("kind = \"thompson\"\nprior_alpha = 0"),
        &["prior_alpha must be a number above 0"],
        15,
    );
    assert_error(
        &with_policy("kind = \"ucb-9\""),
        &["unknown variant `ucb-9`"],
        14,
    );
    assert_error(
        &with_policy("kind = \"oracle\"\n[[policies]]\nkind = \"oracle\""),
        &["policy name 'oracle' is used twice"],
        15,
    );
    let empty = minimal_with(
        "daily_budget = 100.0\n",
        "daily_budget = 100.0\npolicies = []\n",
    );
    assert_error(&empty, &["policies must list at least one policy"], 5);
}

#[test]
fn overrides_are_checked_and_written_into_the_source() {
    let scenario = Scenario::from_toml("t.toml", MINIMAL).unwrap();
    let overridden = scenario
        .clone()
        .with_overrides(&Overrides {
            days: Some(7),
            replications: Some(3),
            seed: Some(99),
            policies: Some(vec!["oracle".into(), "thompson".into()]),
        })
        .unwrap();
    assert_eq!(
        (overridden.days, overridden.replications, overridden.seed),
        (7, 3, 99)
    );
    let reparsed = Scenario::from_toml("as-run", overridden.source()).unwrap();
    assert_eq!(reparsed.days, 7);
    assert_eq!(reparsed.seed, 99);
    assert_eq!(reparsed.policies, overridden.policies);
    assert_eq!(reparsed.channels, scenario.channels);

    let bad = |overrides: Overrides, part: &str| {
        let error = scenario.clone().with_overrides(&overrides).unwrap_err();
        assert!(error.to_string().contains(part), "{error}");
    };
    bad(
        Overrides {
            days: Some(0),
            ..Overrides::default()
        },
        "--days must be between 1 and",
    );
    bad(
        Overrides {
            replications: Some(0),
            ..Overrides::default()
        },
        "--replications must be between 1",
    );
    bad(
        Overrides {
            policies: Some(vec!["ucb".into()]),
            ..Overrides::default()
        },
        "no policy named 'ucb'; this scenario has: thompson, epsilon-greedy, fixed, oracle",
    );
}

#[test]
fn daily_tables_are_bounded() {
    let huge = minimal_with("days = 10", "days = 100000");
    let many_channels: String = (0..30)
        .map(|i| {
            format!(
                "\n[[channels]]\nname = \"c{i}\"\npricing = \"cpa\"\nprice = 3.0\nvalue = 9.0\n"
            )
        })
        .collect();
    assert_error(
        &format!("{huge}{many_channels}"),
        &[
            "days × channels must be at most 2000000",
            "got 100000 × 31 = 3100000",
        ],
        3,
    );
    let scenario = Scenario::from_toml("t.toml", &format!("{MINIMAL}{many_channels}")).unwrap();
    let error = scenario
        .with_overrides(&Overrides {
            days: Some(100_000),
            ..Overrides::default()
        })
        .unwrap_err();
    assert!(
        error.to_string().contains("--days 100000 with 31 channels"),
        "{error}"
    );
}
