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
        &["days must be a whole number from 1 to 10000000, got 0"],
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
        &["t.toml:3:8: days must be a whole number, got 10.5"],
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
    // Control, direction and zero-width characters, which would rewrite a terminal, break an
    // SVG chart or reverse a report's text, are refused with the character and its place.
    for (escaped, code, at) in [
        ("\\u001b[31m", "U+001B", 4),
        ("\\u0007", "U+0007", 4),
        ("\\u0000", "U+0000", 4),
        ("\\u200f", "U+200F", 4),
        ("\\u202e", "U+202E", 4),
        ("\\ufeff", "U+FEFF", 4),
    ] {
        assert_error(
            &minimal_with("name = \"search\"", &format!("name = \"sea{escaped}rch\"")),
            &[
                "channel name",
                &format!(
                    "holds {code}, a control, direction or zero-width character, at character {at}"
                ),
            ],
            7,
        );
    }
    assert_error(
        &minimal_with("name = \"t\"", "name = \"t\\u0009x\""),
        &["holds U+0009"],
        2,
    );
    assert_error(
        &minimal_with("pricing = \"cpc\"", "pricing = \"cpx\""),
        &["pricing must be one of \"cpm\", \"cpc\", \"cpl\", \"cpa\", got \"cpx\""],
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
    assert_error(
        &two,
        &["policy 'fixed': shares must sum to 1, got 1.1; a sum within 0.001 of 1 is normalised"],
        21,
    );
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
    assert_error_at(
        &with_policy("kind = \"gp-ucb\"\ngrid = 1"),
        &["policy 'gp-ucb': grid must be a whole number from 2 to 400, got 1"],
        (15, 8),
    );
    assert_error_at(
        &with_policy("kind = \"gp-ucb\"\nbeta = 0.0"),
        &[
            "policy 'gp-ucb': beta must be a number above 0 and at most 10000 (the bound is \
             mean + sqrt(beta) sd), got 0",
        ],
        (15, 8),
    );
    assert_error(
        &with_policy("kind = \"gp-thompson\"\nbeta = 2.0"),
        &[
            "policy 'gp-thompson': `beta` does not apply to kind \"gp-thompson\" (its fields: `kind`, `name`, `grid`, `prior_alpha`, `prior_beta`)",
        ],
        15,
    );
    assert_error(
        &with_policy("kind = \"ucb-9\""),
        &[
            "kind must be one of \"fixed\", \"epsilon-greedy\"",
            "got \"ucb-9\"",
        ],
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
    let channels = |count: usize| -> String {
        (0..count)
            .map(|i| {
                format!(
                    "\n[[channels]]\nname = \"c{i}\"\npricing = \"cpa\"\nprice = 3.0\nvalue = 9.0\n"
                )
            })
            .collect()
    };
    // Ten million days are allowed: their daily series hold 2,346 rows.
    let long = minimal_with("days = 10", "days = 10000000");
    let scenario = Scenario::from_toml("t.toml", &format!("{long}{}", channels(30))).unwrap();
    assert_eq!(scenario.days, 10_000_000);
    assert_error(
        &minimal_with("days = 10", "days = 10000001"),
        &["days must be a whole number from 1 to 10000000, got 10000001"],
        3,
    );
    // Up to 2,000 days a row is a day: 2,000 days of 1,001 channels are too many cells.
    let short = minimal_with("days = 10", "days = 2000");
    assert_error(
        &format!("{short}{}", channels(1000)),
        &[
            "the daily series hold 2000 rows for 2000 days",
            "rows × channels must be at most 2000000, got 2000 × 1001 = 2002000",
        ],
        3,
    );
    assert_error(
        &format!("{long}{}", channels(899)),
        &["got 2346 × 900 = 2111400"],
        3,
    );
    let scenario = Scenario::from_toml("t.toml", &format!("{MINIMAL}{}", channels(899))).unwrap();
    let error = scenario
        .clone()
        .with_overrides(&Overrides {
            days: Some(10_000_000),
            ..Overrides::default()
        })
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("--days 10000000 with 900 channels gives 2346 rows × 900 channels = 2111400"),
        "{error}"
    );
    let error = scenario
        .with_overrides(&Overrides {
            days: Some(10_000_001),
            ..Overrides::default()
        })
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("--days must be between 1 and 10000000, got 10000001"),
        "{error}"
    );
}

/// `MINIMAL` with a second, cpa channel on lines 13 to 17.
fn two_channels() -> String {
    format!(
        "{MINIMAL}\n[[channels]]\nname = \"affiliate\"\npricing = \"cpa\"\nprice = 30.0\nvalue = 90.0\n"
    )
}

/// Replaces `from` (which must occur once) with `to` in `source`.
fn with(source: &str, from: &str, to: &str) -> String {
    assert_eq!(source.matches(from).count(), 1, "{from}");
    source.replacen(from, to, 1)
}

/// Checks the message parts and that the error points at `line`:`column` of `t.toml`.
fn assert_error_at(source: &str, expected_parts: &[&str], (line, column): (usize, usize)) {
    let error = error_of(source);
    let text = error.to_string();
    for part in expected_parts {
        assert!(text.contains(part), "'{part}' missing from:\n{text}");
    }
    assert_eq!(error.position, Some((line, column)), "{text}");
    assert!(
        text.starts_with(&format!("t.toml:{line}:{column}: ")),
        "{text}"
    );
}

#[test]
fn floors_that_cannot_hold() {
    let floors = with(
        &with(&two_channels(), "cvr = 0.1", "cvr = 0.1\nmin_share = 0.7"),
        "value = 90.0",
        "value = 90.0\nmin_spend = 40.0",
    );
    assert_error_at(
        &floors,
        &[
            "the channels' floors (min_share / min_spend) sum to 110 a day, more than \
             daily_budget 100: search 70, affiliate 40; lower them",
        ],
        (4, 16),
    );
    // Shares are turned into money and shown as written, not as 7.000000000000001.
    let rounded = with(
        &with(&two_channels(), "cvr = 0.1", "cvr = 0.1\nmin_share = 0.07"),
        "value = 90.0",
        "value = 90.0\nmin_spend = 95.0",
    );
    assert_error_at(
        &rounded,
        &["sum to 102 a day, more than daily_budget 100: search 7, affiliate 95;"],
        (4, 16),
    );
    // One floor above the whole budget is pointed at where it is written.
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nmin_spend = 500"),
        &["channel 'search': min_spend 500 is more than daily_budget 100: no day can spend it"],
        (11, 13),
    );
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nmin_spend = 500\nmax_spend = 600"),
        &["channel 'search': min_spend 500 is more than daily_budget 100"],
        (11, 13),
    );
}

#[test]
fn caps_below_the_budget_need_the_profit_objective() {
    let caps = with(
        &with(&two_channels(), "cvr = 0.1", "cvr = 0.1\nmax_share = 0.3"),
        "value = 90.0",
        "value = 90.0\nmax_spend = 50.0",
    );
    let message = "the channels' caps (max_share / max_spend) sum to 80 a day, less than \
                   daily_budget 100, so the revenue objective cannot spend it: search 30, \
                   affiliate 50; raise them or use objective = \"profit\"";
    assert_error_at(&caps, &[message], (4, 16));
    let revenue = with(&caps, "days = 10", "days = 10\nobjective = \"revenue\"");
    assert_error_at(&revenue, &[message], (5, 16));
    let profit = with(&caps, "days = 10", "days = 10\nobjective = \"profit\"");
    let scenario = Scenario::from_toml("t.toml", &profit).unwrap();
    assert_eq!(scenario.constraints.bounds.high, [30.0, 50.0]);
}

#[test]
fn floors_summing_to_the_budget_are_accepted() {
    let exact = with(
        &with(&two_channels(), "cvr = 0.1", "cvr = 0.1\nmin_share = 0.3"),
        "value = 90.0",
        "value = 90.0\nmin_spend = 70.0\nmax_spend = 70.0",
    );
    let scenario = Scenario::from_toml("t.toml", &exact).unwrap();
    assert_eq!(scenario.constraints.bounds.low, [30.0, 70.0]);
    assert_eq!(scenario.constraints.bounds.high, [100.0, 70.0]);
}

#[test]
fn floor_above_cap_and_limits_given_twice() {
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nmin_share = 0.5\nmax_share = 0.2"),
        &[
            "channel 'search': max_share 0.2 (20 a day) is below min_share 0.5 (50 a day): no \
             spend can meet both",
        ],
        (12, 13),
    );
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nmax_spend = 40.0\nmin_spend = 60.0"),
        &["channel 'search': max_spend 40 is below min_spend 60: no spend can meet both"],
        (11, 13),
    );
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nmin_share = 0.5\nmin_spend = 20.0"),
        &[
            "channel 'search': min_spend and min_share both given: give the limit once, as a \
             share of the daily budget or as money",
        ],
        (12, 13),
    );
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nmax_spend = 20.0\nmax_share = 0.5"),
        &["channel 'search': max_spend and max_share both given"],
        (11, 13),
    );
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nmax_share = 1.5"),
        &["channel 'search': max_share must be in [0, 1], got 1.5"],
        (11, 13),
    );
}

#[test]
fn pacing_limit_out_of_range() {
    let message = "max_daily_change must be a share of the daily budget above 0 and at most 1";
    assert_error_at(
        &minimal_with("days = 10", "days = 10\nmax_daily_change = 0"),
        &[message, "got 0 (no channel could ever move)"],
        (4, 20),
    );
    assert_error_at(
        &minimal_with("days = 10", "days = 10\nmax_daily_change = 1.5"),
        &[message, "got 1.5"],
        (4, 20),
    );
    assert_error_at(
        &minimal_with("days = 10", "days = 10\nmax_daily_change = -0.1"),
        &[message, "got -0.1"],
        (4, 20),
    );
}

#[test]
fn objective_errors() {
    let message = "target_roas applies only to objective = \"profit\" (the revenue objective \
                   spends the whole budget)";
    assert_error_at(
        &minimal_with("days = 10", "days = 10\ntarget_roas = 2.0"),
        &[message],
        (4, 15),
    );
    assert_error_at(
        &minimal_with(
            "days = 10",
            "days = 10\nobjective = \"revenue\"\ntarget_roas = 2.0",
        ),
        &[message],
        (5, 15),
    );
    assert_error_at(
        &minimal_with(
            "days = 10",
            "days = 10\nobjective = \"profit\"\ntarget_roas = 0",
        ),
        &["target_roas must be a number above 0"],
        (5, 15),
    );
    assert_error_at(
        &minimal_with("days = 10", "days = 10\nobjective = \"margin\""),
        &["objective must be \"revenue\" or \"profit\", got \"margin\""],
        (4, 13),
    );
}

#[test]
fn winner_takes_all_refuses_profit_limits_and_pacing() {
    let winner = minimal_with("days = 10", "days = 10\nallocation = \"winner-takes-all\"");
    assert_error_at(
        &with(&winner, "days = 10", "days = 10\nobjective = \"profit\""),
        &[
            "objective = \"profit\" needs allocation = \"proportional\": with winner-takes-all \
             the whole budget goes to one channel",
        ],
        (4, 13),
    );
    assert_error_at(
        &with(&winner, "cvr = 0.1", "cvr = 0.1\nmax_share = 0.5"),
        &[
            "channel 'search': max_share needs allocation = \"proportional\": winner-takes-all \
             puts the whole budget on one channel a day, so spend limits cannot hold",
        ],
        (12, 13),
    );
    assert_error_at(
        &with(&winner, "cvr = 0.1", "cvr = 0.1\nmin_spend = 5.0"),
        &["channel 'search': min_spend needs allocation = \"proportional\""],
        (12, 13),
    );
    assert_error_at(
        &with(&winner, "days = 10", "days = 10\nmax_daily_change = 0.1"),
        &[
            "max_daily_change needs allocation = \"proportional\": winner-takes-all moves the \
             whole budget from channel to channel",
        ],
        (4, 20),
    );
}

#[test]
fn weekday_errors() {
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.1\nweekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.2]",
        ),
        &["channel 'search': weekday must have 7 multipliers, Monday first, got 6"],
        (11, 11),
    );
    assert_error_at(
        &with(
            &two_channels(),
            "value = 90.0",
            "value = 90.0\nweekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 0.8]",
        ),
        &[
            "channel 'affiliate': weekday does not apply to cpa pricing",
            "use [[channels.shifts]] on its audience",
        ],
        (18, 11),
    );
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.1\nweekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 0]",
        ),
        &["channel 'search': weekday multipliers must be from 0.001 to 1000, got 0"],
        (11, 11),
    );
}

#[test]
fn fatigue_and_lag_errors() {
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.1\nfatigue = { strength = 1.0, recovery = 0 }",
        ),
        &["channel 'search': fatigue.recovery must be above 0 (0 would never recover), got 0"],
        (11, 40),
    );
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.1\nfatigue = { strength = 1.0, recovery = 0.5, halflife = 3 }",
        ),
        &["unknown field `halflife`, expected `strength` or `recovery`"],
        (11, 45),
    );
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.1\n[channels.fatigue]\nstrength = 1.0\nrecovery = 0.5\nspeed = 3",
        ),
        &["unknown field `speed`, expected `strength` or `recovery`"],
        (14, 1),
    );
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nfatigue = { strength = 1.0 }"),
        &["missing field `recovery`"],
        (11, 11),
    );
    assert_error_at(
        &with(
            &two_channels(),
            "value = 90.0",
            "value = 90.0\nfatigue = { strength = 1.0, recovery = 0.5 }",
        ),
        &["channel 'affiliate': fatigue does not apply to cpa pricing"],
        (18, 11),
    );
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.1\nlag = { mean_days = 1.0, max_days = 0 }",
        ),
        &["channel 'search': lag.max_days must be a whole number from 1 to 365, got 0"],
        (11, 37),
    );
    assert_error_at(
        &with(
            &two_channels(),
            "value = 90.0",
            "value = 90.0\nlag = { mean_days = 1.0, max_days = 4 }",
        ),
        &["channel 'affiliate': lag does not apply to cpa pricing"],
        (18, 7),
    );
}

#[test]
fn shift_errors() {
    let shifted = |fields: &str| format!("{MINIMAL}\n[[channels.shifts]]\nday = 3\n{fields}");
    assert_error_at(
        &shifted(""),
        &[
            "channel 'search': shift on day 3 changes nothing: give at least one multiplier of \
             price, ctr, cvr, value or audience",
        ],
        (14, 7),
    );
    assert_error_at(
        &shifted("ctr = 1.2\n"),
        &[
            "channel 'search': shift on day 3: ctr cannot be shifted: ctr exists only for cpm pricing",
        ],
        (15, 7),
    );
    assert_error_at(
        &shifted("audience = 2.0\n"),
        &[
            "channel 'search': shift on day 3: audience cannot be shifted: the channel has no audience",
        ],
        (15, 12),
    );
    assert_error_at(
        &shifted("price = 0\n"),
        &["channel 'search': shift on day 3: price must be a multiplier from 0.001 to 1000, got 0"],
        (15, 9),
    );
    assert_error_at(
        &shifted("clicks = 2.0\n"),
        &["unknown field `clicks`"],
        (15, 1),
    );
    assert_error_at(
        &format!("{MINIMAL}\n[[channels.shifts]]\nday = 0\nprice = 2.0\n"),
        &["channel 'search': shifts.day must be a whole number from 1 to 10000000, got 0"],
        (14, 7),
    );
}

#[test]
fn rates_pushed_above_1_by_weekday_and_shifts() {
    // The weekday alone takes cvr above 1.
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.2\nweekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 6.0]",
        ),
        &[
            "channel 'search': weekday: cvr 0.2 × the largest weekday multiplier 6 is 1.2, above \
             1: a rate cannot exceed 1",
        ],
        (11, 11),
    );
    // Weekday and shift together: the shift that crosses 1 is pointed at.
    let both = format!(
        "{}\n[[channels.shifts]]\nday = 3\ncvr = 2.0\n",
        minimal_with(
            "cvr = 0.1",
            "cvr = 0.2\nweekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 3.0]",
        )
    );
    assert_error_at(
        &both,
        &[
            "channel 'search': shift on day 3: cvr 0.2 × the cvr multipliers of the shifts up to \
             day 3 (2) × the largest weekday multiplier 3 is 1.2, above 1: a rate cannot exceed 1",
        ],
        (16, 7),
    );
    // Exactly 1 is still a rate.
    let at_one = both.replace("3.0]", "2.5]");
    assert!(Scenario::from_toml("t.toml", &at_one).is_ok());
    // Only rates in force count: a shift from day 1 replaces the base rate, and shifts of one
    // day take effect together.
    let from_day_one = format!(
        "{}\n[[channels.shifts]]\nday = 1\ncvr = 0.5\n",
        minimal_with(
            "cvr = 0.1",
            "cvr = 0.2\nweekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 6.0]",
        )
    );
    assert!(Scenario::from_toml("t.toml", &from_day_one).is_ok());
    let same_day = format!(
        "{}\n[[channels.shifts]]\nday = 4\ncvr = 3.0\n\n[[channels.shifts]]\nday = 4\ncvr = 0.2\n",
        minimal_with("cvr = 0.1", "cvr = 0.5")
    );
    assert!(Scenario::from_toml("t.toml", &same_day).is_ok());
    assert_error_at(
        &same_day.replace("cvr = 0.2\n", "value = 2.0\n"),
        &[
            "channel 'search': shift on day 4: cvr 0.5 × the cvr multipliers of the shifts up to \
             day 4 (3) is 1.5",
        ],
        (15, 7),
    );
    // Shifts compound in day order, whatever their order in the file.
    let cpm = format!(
        "{}\n[[channels.shifts]]\nday = 9\nctr = 1.5\n\n[[channels.shifts]]\nday = 4\nctr = 1.5\n",
        minimal_with("pricing = \"cpc\"", "pricing = \"cpm\"\nctr = 0.5")
    );
    assert_error_at(
        &cpm,
        &[
            "channel 'search': shift on day 9: ctr 0.5 × the ctr multipliers of the shifts up to \
             day 9 (2.25) is 1.125, above 1",
        ],
        (16, 7),
    );
}

#[test]
fn the_baseline_is_named_or_the_first_fixed_policy() {
    let scenario = Scenario::from_toml("t.toml", MINIMAL).unwrap();
    assert_eq!(scenario.baseline.as_deref(), Some("fixed"));
    assert_eq!(scenario.baseline_index(), Some(2));

    let named = format!(
        "baseline = \"today\"\n{MINIMAL}\n[[policies]]\nkind = \"thompson\"\n[[policies]]\nkind = \"fixed\"\nname = \"today\"\n"
    );
    let scenario = Scenario::from_toml("t.toml", &named).unwrap();
    assert_eq!(scenario.baseline_index(), Some(1));

    let no_fixed = format!("{MINIMAL}\n[[policies]]\nkind = \"thompson\"\n");
    assert_eq!(
        Scenario::from_toml("t.toml", &no_fixed).unwrap().baseline,
        None
    );

    assert_error(
        &format!("baseline = \"nosuch\"\n{MINIMAL}"),
        &[
            "t.toml:1:12:",
            "baseline names no policy of this scenario: 'nosuch'; its policies are thompson, \
             epsilon-greedy, fixed, oracle",
        ],
        1,
    );

    // Leaving the baseline out of --policies compares with nothing, and the source as run
    // replays without it.
    let scenario = Scenario::from_toml("t.toml", &named).unwrap();
    let only = |names: &[&str]| {
        scenario
            .clone()
            .with_overrides(&Overrides {
                policies: Some(names.iter().map(|n| n.to_string()).collect()),
                ..Overrides::default()
            })
            .unwrap()
    };
    let without = only(&["thompson"]);
    assert_eq!(without.baseline, None);
    assert_eq!(
        Scenario::from_toml("as-run", without.source())
            .unwrap()
            .baseline,
        None
    );
    assert_eq!(only(&["today", "thompson"]).baseline_index(), Some(0));
}

/// `two_channels()` with a third channel, "social", and one fixed policy whose `shares = ...`
/// is line 28 (its value at column 10).
fn three_channels_with_shares(shares: &str) -> String {
    format!(
        "{}\n[[channels]]\nname = \"social\"\npricing = \"cpc\"\nprice = 1.0\ncvr = 0.05\nvalue = 20.0\n\n[[policies]]\nkind = \"fixed\"\nshares = {shares}\n",
        two_channels()
    )
}

/// The shares of the scenario's first policy, which must be `fixed` with shares.
fn fixed_shares(scenario: &Scenario) -> Vec<f64> {
    match &scenario.policies[0].kind {
        crate::policy::PolicyKind::Fixed(params) => params.shares.clone().expect("shares given"),
        other => panic!("not a fixed policy: {other:?}"),
    }
}

#[test]
fn shares_by_channel_name_or_by_position() {
    let split = |shares: &str| {
        fixed_shares(&Scenario::from_toml("t.toml", &three_channels_with_shares(shares)).unwrap())
    };
    // By name in any order, channels not named getting 0; by position, the same split.
    assert_eq!(split("{ social = 0.25, search = 0.75 }"), [0.75, 0.0, 0.25]);
    assert_eq!(split("[0.75, 0, 0.25]"), [0.75, 0.0, 0.25]);
    assert_eq!(split("{ search = 1 }"), [1.0, 0.0, 0.0]);
    // Sums within 0.1% of 1 are normalised: three times 0.3333 is a valid split.
    for thirds in [
        split("{ search = 0.3333, affiliate = 0.3333, social = 0.3333 }"),
        split("[0.3333, 0.3333, 0.3333]"),
    ] {
        assert!(
            thirds.iter().all(|s| (s - 1.0 / 3.0).abs() < 1e-12),
            "{thirds:?}"
        );
    }
    // A [policies.shares] table reads like an inline one.
    let table = three_channels_with_shares("{}").replace(
        "shares = {}",
        "[policies.shares]\nsocial = 0.5\nsearch = 0.5",
    );
    let scenario = Scenario::from_toml("t.toml", &table).unwrap();
    assert_eq!(fixed_shares(&scenario), [0.5, 0.0, 0.5]);
    // The source as run after overrides replays to the same split.
    let overridden = Scenario::from_toml("t.toml", &three_channels_with_shares("{ social = 1 }"))
        .unwrap()
        .with_overrides(&Overrides {
            days: Some(5),
            policies: Some(vec!["fixed".into()]),
            ..Overrides::default()
        })
        .unwrap();
    let replayed = Scenario::from_toml("as-run", overridden.source()).unwrap();
    assert_eq!(fixed_shares(&replayed), [0.0, 0.0, 1.0]);
}

#[test]
fn shares_errors_name_the_policy_and_point_at_the_value() {
    let at = |shares: &str, parts: &[&str], position: (usize, usize)| {
        assert_error_at(&three_channels_with_shares(shares), parts, position);
    };
    at(
        "{ search = 0.5, socal = 0.5 }",
        &[
            "policy 'fixed': shares names no channel of this scenario: 'socal'; its channels are \
             search, affiliate, social",
        ],
        (28, 26),
    );
    at(
        "{ search = 0.5, social = 0.4 }",
        &["policy 'fixed': shares must sum to 1, got 0.9; a sum within 0.001 of 1 is normalised"],
        (28, 10),
    );
    at(
        "[0.15, 0.8, 0]",
        &["policy 'fixed': shares must sum to 1, got 0.95;"],
        (28, 10),
    );
    let shape = "policy 'fixed': shares must be a list of numbers in channel order or a table of \
                 channel = share, got";
    at("5", &[&format!("{shape} 5")], (28, 10));
    at("\"half\"", &[&format!("{shape} text \"half\"")], (28, 10));
    at("true", &[&format!("{shape} true")], (28, 10));
    at("2024-05-01", &[&format!("{shape} a date")], (28, 10));
    at(
        "{ search = { share = 1 } }",
        &[&format!("{shape} a table")],
        (28, 21),
    );
    at(
        "{ search = \"all\" }",
        &[&format!("{shape} text \"all\"")],
        (28, 21),
    );
    at("[0.5, [0.5], 0]", &[&format!("{shape} a list")], (28, 16));
    at(
        "{ search = -0.5, social = 1.5 }",
        &["policy 'fixed': shares gives 'search' -0.5, but a share must be a finite number ≥ 0"],
        (28, 21),
    );
    at(
        "[0.5, nan, 0.5]",
        &["policy 'fixed': shares gives 'affiliate' NaN, but a share must be a finite number"],
        (28, 16),
    );
    at(
        "{ search = 1, \"search \" = 0 }",
        &["policy 'fixed': shares names 'search' twice"],
        (28, 24),
    );
    at(
        "[0.5, 0.5]",
        &["policy 'fixed': shares must have one share per channel (3, in channel order), got 2"],
        (28, 10),
    );
}

#[test]
fn numbers_in_messages_read_as_written() {
    // Parsed numbers: as written, large ones in exponent form.
    assert_error_at(
        &minimal_with("price = 2.0", "price = 1e300"),
        &["channel 'search': price must be a number above 0 and at most 1e12, got 1e300"],
        (9, 9),
    );
    assert_error_at(
        &minimal_with("cvr = 0.1", "cvr = 0.1\nvalue_cv = 0.0000001"),
        &["channel 'search': value_cv must be 0 (no noise) or in [1e-6, 10], got 1e-7"],
        (11, 12),
    );
    // Computed numbers: without the noise of arithmetic (0.35 × 3 is 1.0499999999999998).
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.35\nweekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0]",
        ),
        &["weekday: cvr 0.35 × the largest weekday multiplier 3 is 1.05, above 1"],
        (11, 11),
    );
}

#[test]
fn type_errors_in_the_users_words() {
    let cases: [(&str, &str, &str, (usize, usize)); 13] = [
        (
            "price = 2.0",
            "price = \"abc\"",
            "price must be a number, got text \"abc\"",
            (9, 9),
        ),
        (
            "price = 2.0",
            "price = true",
            "price must be a number, got true",
            (9, 9),
        ),
        (
            "days = 10",
            "days = 10.5",
            "days must be a whole number, got 10.5",
            (3, 8),
        ),
        (
            "days = 10",
            "days = 2024-01-01",
            "days must be a whole number, got a date",
            (3, 8),
        ),
        (
            "name = \"t\"",
            "name = 5",
            "name must be text in quotes, got 5",
            (2, 8),
        ),
        (
            "days = 10",
            "days = 10\ndescription = [\"a\"]",
            "description must be text in quotes, got a list",
            (4, 15),
        ),
        (
            "cvr = 0.1",
            "cvr = 0.1\nweekday = [1, 1, \"high\", 1, 1, 1, 1]",
            "each value in weekday must be a number, got text \"high\"",
            (11, 18),
        ),
        (
            "cvr = 0.1",
            "cvr = 0.1\nweekday = 1.2",
            "weekday must be a list, got 1.2",
            (11, 11),
        ),
        (
            "cvr = 0.1",
            "cvr = 0.1\nfatigue = 0.5",
            "fatigue must be a table, got 0.5",
            (11, 11),
        ),
        (
            "cvr = 0.1",
            "cvr = 0.1\nlag = [3]",
            "lag must be a table, got a list",
            (11, 7),
        ),
        (
            "days = 10",
            "days = 10\nallocation = 1",
            "allocation must be \"proportional\" or \"winner-takes-all\", got 1",
            (4, 14),
        ),
        (
            "days = 10",
            "days = 10\nstart_weekday = \"someday\"",
            "start_weekday must be one of \"monday\", \"tuesday\"",
            (4, 17),
        ),
        (
            "days = 10",
            "days = 10\nseed = 99999999999999999999",
            "seed must be a whole number from -9223372036854775808 to 9223372036854775807 (the \
             whole numbers TOML can hold), got 99999999999999999999",
            (4, 8),
        ),
    ];
    for (from, to, message, position) in cases {
        assert_error_at(&minimal_with(from, to), &[message], position);
    }
    assert_error_at(
        &format!("{MINIMAL}\n[[policies]]\nkind = \"thompson\"\ndraws = 2.5\n"),
        &["draws must be a whole number, got 2.5"],
        (15, 9),
    );
    assert_error_at(
        &format!("{MINIMAL}\npolicies = 3\n"),
        &["unknown field `policies` in a [[channels]] table"],
        (13, 1),
    );
    assert_error_at(
        &minimal_with(
            "days = 10",
            "days = 10\npolicies = [{ kind = \"fixed\" }, 7]",
        ),
        &["each value in policies must be a table, got 7"],
        (4, 33),
    );
}

#[test]
fn top_level_fields_below_a_table_header_get_a_hint() {
    let hint = |table: &str, field: &str| {
        format!(
            "unknown field `{field}` in a {table} table: TOML puts every key written below a \
             table header into that table, so the scenario's `{field}` belongs above the first \
             table ([[channels]] on line 6); move this line up there"
        )
    };
    assert_error_at(
        &format!("{MINIMAL}\n[[policies]]\nkind = \"thompson\"\nseed = 5\n"),
        &[&hint("[[policies]]", "seed")],
        (15, 1),
    );
    assert_error_at(
        &format!("{MINIMAL}days = 30\n"),
        &[&hint("[[channels]]", "days")],
        (12, 1),
    );
    assert_error_at(
        &format!("{MINIMAL}\n[[channels.shifts]]\nday = 3\nprice = 2.0\n  replications = 9\n"),
        &[&hint("[[channels.shifts]]", "replications")],
        (16, 3),
    );
    // A channel's field below its shifts belongs to the channel.
    assert_error_at(
        &format!(
            "{MINIMAL}\n[[channels.shifts]]\nday = 3\nprice = 2.0\n\n[[channels.shifts]]\nday = \
             5\ncvr = 0.5\nmin_share = 0.1\n"
        ),
        &[
            "unknown field `min_share` in a [[channels.shifts]] table: TOML puts every key \
             written below a [[channels.shifts]] header into that shift, so the channel's \
             `min_share` belongs above its first shift ([[channels.shifts]] on line 13); move \
             this line up there",
        ],
        (20, 1),
    );
    // Fields that belong nowhere, or inside an inline table, keep serde's list of fields.
    assert_error_at(
        &format!("{MINIMAL}\n[[policies]]\nkind = \"thompson\"\nbudget = 5\n"),
        &["unknown field `budget`, expected one of `kind`, `name`, `shares`"],
        (15, 1),
    );
    assert_error_at(
        &minimal_with(
            "cvr = 0.1",
            "cvr = 0.1\nlag = { mean_days = 1.0, max_days = 3, seed = 1 }",
        ),
        &["unknown field `seed`, expected `mean_days` or `max_days`"],
        (11, 40),
    );
}

#[test]
fn shifts_after_the_horizon_are_warnings_recomputed_after_overrides() {
    let source = format!(
        "{MINIMAL}\n[[channels.shifts]]\nday = 8\nprice = 2.0\n\n[[channels.shifts]]\nday = 12\nprice = 0.5\n"
    );
    let scenario = Scenario::from_toml("t.toml", &source).unwrap();
    assert_eq!(
        scenario.warnings(),
        [
            "t.toml:18:7: channel 'search': the shift on day 12 comes after the horizon of 10 days \
          and never takes effect"
        ]
    );
    let days = |days: u64| {
        scenario
            .clone()
            .with_overrides(&Overrides {
                days: Some(days),
                ..Overrides::default()
            })
            .unwrap()
            .warnings()
    };
    assert_eq!(
        days(12),
        Vec::<String>::new(),
        "a shift on the last day takes effect"
    );
    assert_eq!(
        days(1),
        [
            "t.toml:14:7: channel 'search': the shift on day 8 comes after the horizon of 1 day \
             and never takes effect",
            "t.toml:18:7: channel 'search': the shift on day 12 comes after the horizon of 1 day \
             and never takes effect",
        ]
    );
    assert!(
        Scenario::from_toml("t.toml", MINIMAL)
            .unwrap()
            .warnings()
            .is_empty()
    );
}

#[test]
fn leaving_out_a_named_baseline_is_a_warning() {
    let named = format!(
        "baseline = \"today\"\n{MINIMAL}\n[[policies]]\nkind = \"thompson\"\n[[policies]]\nkind = \"fixed\"\nname = \"today\"\n"
    );
    let only = |source: &str, names: &[&str]| {
        Scenario::from_toml("t.toml", source)
            .unwrap()
            .with_overrides(&Overrides {
                policies: Some(names.iter().map(|n| n.to_string()).collect()),
                ..Overrides::default()
            })
            .unwrap()
            .warnings()
    };
    assert_eq!(
        only(&named, &["thompson"]),
        [
            "t.toml: --policies leaves out the baseline 'today'; no differences to a baseline are \
          shown"
        ]
    );
    assert!(only(&named, &["today"]).is_empty());
    // The first fixed policy, a baseline by default, may be left out silently.
    assert!(only(MINIMAL, &["thompson"]).is_empty());
}

#[test]
fn no_cut_or_stray_character_makes_validation_panic() {
    // Messages read the source around an error's position: every cut of a scenario, and every
    // stray character at every position, must give a scenario or an error.
    let source = three_channels_with_shares("{ search = 0.5, social = 0.5 }")
        + "\n[[channels.shifts]]\nday = 2\nvalue = 0.9\nseed = 4\n";
    let boundaries: Vec<usize> = (0..=source.len())
        .filter(|&i| source.is_char_boundary(i))
        .collect();
    for &cut in &boundaries {
        let _ = Scenario::from_toml("t.toml", &source[..cut]);
        for stray in ["é", "[", "\"", "=", ",", "{", "]", "1"] {
            let mut changed = source.clone();
            changed.insert_str(cut, stray);
            let _ = Scenario::from_toml("t.toml", &changed);
        }
    }
}
