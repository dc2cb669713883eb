//! Policies against known behaviour, with tolerances from standard errors.
//!
//! Every run here is seeded, so each assertion is deterministic; the margins are stated in
//! standard errors so that a pass is not one lucky stream.

use budget_bandit::aggregate::PolicyAggregate;
use budget_bandit::runner::{ScenarioResults, run_scenario};
use budget_bandit::scenario::{Overrides, Scenario};
use budget_bandit::simulation::Simulation;
use budget_bandit::stats::RunningStats;
use budget_bandit::sweep::{Study, StudyInput};
use std::path::Path;

fn classic() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classic-bernoulli.toml");
    Scenario::load(&path).expect("the shipped classic scenario is valid")
}

fn only(scenario: Scenario, policies: &[&str]) -> Scenario {
    scenario
        .with_overrides(&Overrides {
            policies: Some(policies.iter().map(|p| p.to_string()).collect()),
            ..Overrides::default()
        })
        .expect("the shipped scenarios have these policies")
}

fn policy<'a>(results: &'a ScenarioResults, name: &str) -> &'a PolicyAggregate {
    &results
        .policies
        .iter()
        .find(|p| p.spec.name == name)
        .unwrap_or_else(|| panic!("no policy {name}"))
        .aggregate
}

/// Acceptance: on the default scenario, Thompson sampling earns more than the fixed split, and
/// the two 95% intervals (over the scenario's 200 replications) do not overlap.
#[test]
fn thompson_beats_the_fixed_split_on_the_default_scenario() {
    let scenario = only(Scenario::builtin_default(), &["thompson", "fixed"]);
    assert_eq!(scenario.replications, 200);
    let results = run_scenario(&scenario, &|| {});
    let thompson = policy(&results, "thompson").revenue.interval95();
    let fixed = policy(&results, "fixed").revenue.interval95();
    assert!(
        thompson.low > fixed.high,
        "thompson {thompson:?} should beat fixed {fixed:?} beyond the intervals"
    );
    let thompson_regret = policy(&results, "thompson").regret.interval95();
    let fixed_regret = policy(&results, "fixed").regret.interval95();
    assert!(thompson_regret.high < fixed_regret.low);
}

/// Regret of the first and of the second half of the horizon, per replication.
fn regret_halves(scenario: &Scenario, policy: &str) -> (RunningStats, RunningStats) {
    let simulation = Simulation::new(scenario);
    let spec = scenario.policies.iter().find(|p| p.name == policy).unwrap();
    let (mut first, mut second) = (RunningStats::default(), RunningStats::default());
    for replication in 0..scenario.replications {
        let record = simulation.run(spec, replication);
        let (early, late) = record.regret.split_at(scenario.days / 2);
        first.push(early.iter().sum());
        second.push(late.iter().sum());
    }
    (first, second)
}

/// Acceptance: on the classic 10-armed Bernoulli bandit Thompson sampling's regret grows
/// sub-linearly: over 200 replications the regret of the last 1000 days is less than half
/// that of the first 1000, by more than 3 standard errors on each side. Constant-ε greedy
/// keeps paying `ε` times the mean gap every day, so its regret grows linearly and Thompson's
/// late regret is below its.
#[test]
fn thompson_regret_is_sublinear_on_the_classic_bandit() {
    let scenario = classic();
    assert_eq!((scenario.days, scenario.replications), (2000, 200));
    let (first, second) = regret_halves(&scenario, "thompson");
    let (first_mean, first_se) = (first.mean(), first.standard_error());
    let (second_mean, second_se) = (second.mean(), second.standard_error());
    assert!(
        second_mean + 3.0 * second_se < 0.5 * (first_mean - 3.0 * first_se),
        "thompson regret: first half {first_mean:.2} ± {first_se:.2}, \
         second half {second_mean:.2} ± {second_se:.2}"
    );
    let (_, greedy) = regret_halves(&scenario, "epsilon-greedy");
    assert!(
        second_mean + 3.0 * second_se < greedy.mean() - 3.0 * greedy.standard_error(),
        "thompson second half {second_mean:.2} ± {second_se:.2} vs epsilon-greedy {:.2} ± {:.2}",
        greedy.mean(),
        greedy.standard_error()
    );
}

/// Acceptance: no day's regret is ever negative, for every policy, on both shipped scenarios.
#[test]
fn no_day_has_negative_regret() {
    for scenario in [Scenario::builtin_default(), classic()] {
        let simulation = Simulation::new(&scenario);
        let tolerance = 1e-9 * simulation.benchmark().day(0).revenue;
        for policy in &scenario.policies {
            for replication in 0..20 {
                let record = simulation.run(policy, replication);
                for (day, regret) in record.regret.iter().enumerate() {
                    assert!(
                        *regret >= -tolerance,
                        "{} / {}: day {day} regret {regret}",
                        scenario.name,
                        policy.name
                    );
                }
            }
        }
    }
}

/// The oracle's realised revenue averages its expected revenue: the simulator and the closed
/// forms agree end to end (within 4 standard errors over 200 replications).
#[test]
fn oracle_revenue_matches_its_expected_revenue() {
    let scenario = only(Scenario::builtin_default(), &["oracle"]);
    let results = run_scenario(&scenario, &|| {});
    let revenue = &policy(&results, "oracle").revenue;
    let expected = results.benchmark.mean_revenue() * scenario.days as f64;
    let z = (revenue.mean() - expected) / revenue.standard_error();
    assert!(
        z.abs() < 4.0,
        "mean {} vs expected {expected}, z = {z:.2}",
        revenue.mean()
    );
}

fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    Scenario::load(&path).expect("the shipped scenarios are valid")
}

/// Per-replication regret summed over zero-based days `days`.
fn regret_over(scenario: &Scenario, policy: &str, days: std::ops::Range<usize>) -> RunningStats {
    let simulation = Simulation::new(scenario);
    let spec = scenario.policies.iter().find(|p| p.name == policy).unwrap();
    let mut stats = RunningStats::default();
    for replication in 0..scenario.replications {
        let record = simulation.run(spec, replication);
        stats.push(record.regret[days.clone()].iter().sum());
    }
    stats
}

/// Acceptance: under diminishing returns, learning the response curve halves the regret of
/// proportional Thompson sampling at least, with 95% intervals apart.
#[test]
fn saturation_thompson_halves_thompson_regret_under_saturation() {
    let scenario = shipped("saturation");
    assert_eq!(scenario.replications, 200);
    let curve = regret_over(&scenario, "saturation-thompson", 0..scenario.days);
    let flat = regret_over(&scenario, "thompson", 0..scenario.days);
    let (curve_ci, flat_ci) = (curve.interval95(), flat.interval95());
    assert!(
        curve.mean() < 0.5 * flat.mean(),
        "saturation-thompson {curve_ci:?} vs thompson {flat_ci:?}"
    );
    assert!(curve_ci.high < flat_ci.low, "{curve_ci:?} vs {flat_ci:?}");
}

/// Under diminishing returns the curve learner's opening is safe and its regret small: over
/// 200 replications of `saturation`, its regret over the first 10 days is below the even
/// split's (which is the same in every replication: pseudo-regret is an expectation) with 95%
/// confidence, and its regret over the 90 days is below 30,000 with 95% confidence.
#[test]
fn saturation_thompson_opens_safely_and_learns_the_curves() {
    let scenario = shipped("saturation");
    assert_eq!(scenario.replications, 200);
    let opening = regret_over(&scenario, "saturation-thompson", 0..10);
    let even = regret_over(&scenario, "fixed", 0..10);
    assert!(even.variance() < 1e-6 * even.mean().powi(2), "{even:?}");
    let opening_ci = opening.interval95();
    eprintln!(
        "first 10 days: saturation-thompson {opening_ci:?}, even split {}",
        even.mean()
    );
    assert!(
        opening_ci.high < even.mean(),
        "first 10 days: saturation-thompson {opening_ci:?} vs the even split {}",
        even.mean()
    );
    let whole = regret_over(&scenario, "saturation-thompson", 0..scenario.days).interval95();
    eprintln!("90 days: saturation-thompson {whole:?}");
    assert!(whole.high < 30_000.0, "90 days: {whole:?}");
}

/// No loss elsewhere: on `default`, `profit-target` and `many-campaigns` saturation Thompson
/// sampling's regret is below what it was before the averaged draws and the weekday
/// multipliers (the committed figures of that version: 70,317, 33,899 and 274,559) with 95%
/// confidence; on `b2b-leads`, whose small volumes leave a wide interval, its mean is below the
/// old 42,239 and the interval reaches below it.
#[test]
fn saturation_thompson_loses_nothing_elsewhere() {
    for (name, before) in [
        ("default", 70_317.0),
        ("profit-target", 33_899.0),
        ("many-campaigns", 274_559.0),
        ("b2b-leads", 42_239.0),
    ] {
        let scenario = only(shipped(name), &["saturation-thompson", "oracle"]);
        assert!(scenario.replications >= 100);
        let results = run_scenario(&scenario, &|| {});
        let now = policy(&results, "saturation-thompson").regret.interval95();
        eprintln!("{name}: {now:?}, before {before}");
        if name == "b2b-leads" {
            assert!(
                now.mean < before && now.low < before,
                "{name}: {now:?} vs {before}"
            );
        } else {
            assert!(now.high < before, "{name}: {now:?} vs {before}");
        }
    }
}

/// Weekly rhythms are learned: on `seasonality` (200 replications) saturation Thompson
/// sampling, which learns each channel's weekday multipliers, has at least 30% less regret than
/// the even split with 95% confidence.
#[test]
fn weekday_learning_cuts_the_even_split_regret_by_a_third_on_seasonality() {
    let scenario = only(shipped("seasonality"), &["saturation-thompson", "fixed"]);
    assert_eq!(scenario.replications, 200);
    let results = run_scenario(&scenario, &|| {});
    let learner = policy(&results, "saturation-thompson").regret.interval95();
    let even = policy(&results, "fixed").regret.mean();
    eprintln!("seasonality: saturation-thompson {learner:?}, even split {even}");
    assert!(learner.high < 0.7 * even, "{learner:?} vs 0.7 × {even}");
}

/// Wear is learned: on `fatigue` (200 replications) saturation Thompson sampling, which learns
/// how delivery wears each CPM channel's click-through rate and plans the steady split, loses
/// less than a third of the 40,078 it lost when it read the rested rates (95% upper bound).
#[test]
fn learning_the_wear_cuts_saturation_thompson_regret_by_two_thirds_on_fatigue() {
    let scenario = only(shipped("fatigue"), &["saturation-thompson", "fixed"]);
    assert_eq!(scenario.replications, 200);
    let results = run_scenario(&scenario, &|| {});
    let learner = policy(&results, "saturation-thompson").regret.interval95();
    let even = policy(&results, "fixed").regret.mean();
    eprintln!("fatigue: saturation-thompson {learner:?}, even split {even}");
    assert!(learner.high < 40_078.0 / 3.0, "{learner:?}");
}

/// Learning pays in markets that tire: over the fifteen variants of
/// `scenarios/sweeps/fatigue-by-search-audience.toml` (search's audience 110 to 5,000 clicks a
/// day, the video creative's wear strength 0.5 to 4; 200 replications each), saturation
/// Thompson sampling's regret is below the even split's with its 95% interval in every
/// variant but the shipped `fatigue`, where the even split is within 0.6% of the benchmark and
/// the two are level (printed, not asserted; see `docs/experiments.md`). The shipped variant
/// must be in the sweep and must be the one market where the even split loses least.
#[test]
fn saturation_thompson_beats_the_even_split_across_tiring_markets() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/sweeps/fatigue-by-search-audience.toml");
    let overrides = Overrides {
        policies: Some(vec!["saturation-thompson".into(), "fixed".into()]),
        ..Overrides::default()
    };
    let input = StudyInput::load(&file, &[], &overrides).unwrap();
    let Study::Sweep(sweep) = input.study().unwrap() else {
        panic!("{} holds no sweep", file.display())
    };
    let shipped = only(shipped("fatigue"), &["saturation-thompson", "fixed"]);
    let mut shipped_seen = false;
    let mut least_even_regret = (f64::INFINITY, String::new());
    for (variant, scenario) in sweep.variants.iter().zip(sweep.scenarios()) {
        assert_eq!(scenario.replications, 200);
        let results = run_scenario(scenario, &|| {});
        let learner = policy(&results, "saturation-thompson").regret.interval95();
        let even = policy(&results, "fixed").regret.mean();
        eprintln!(
            "{}: saturation-thompson {learner:?}, even split {even:.0}",
            variant.name
        );
        if even < least_even_regret.0 {
            least_even_regret = (even, variant.name.clone());
        }
        if scenario.channels == shipped.channels {
            shipped_seen = true;
            continue;
        }
        assert!(
            learner.high < even,
            "{}: {learner:?} vs {even}",
            variant.name
        );
    }
    assert!(shipped_seen, "the shipped fatigue market is a variant");
    assert_eq!(least_even_regret.1, "audience-900_strength-1.5");
}

/// Acceptance: after the best channel collapses (day 46), discounted and sliding-window
/// Thompson sampling lose less over the next 30 days than Thompson sampling that remembers all.
#[test]
fn forgetting_recovers_faster_after_a_shock() {
    let scenario = shipped("shock");
    let after_shock = 45..75;
    let plain = regret_over(&scenario, "thompson", after_shock.clone());
    for forgetting in ["discounted-thompson", "sliding-window-thompson"] {
        let quick = regret_over(&scenario, forgetting, after_shock.clone());
        let (quick_ci, plain_ci) = (quick.interval95(), plain.interval95());
        assert!(
            quick_ci.high < plain_ci.low,
            "{forgetting} {quick_ci:?} vs thompson {plain_ci:?} over the 30 days after the shock"
        );
    }
}

/// A sliding window does not re-test a starved channel each time its last funded day leaves
/// the window: on `shock` (window 14, 200 replications) no day before the shock has a mean
/// regret above 1,000 from day 15 on (a calendar window paid about 12,000 on days 16 and 31,
/// when the affiliate's first day left it), and after the shock discounted Thompson sampling,
/// the best forgetting learner, keeps its lead over the sliding window.
#[test]
fn a_sliding_window_does_not_re_explore_starved_channels() {
    let scenario = shipped("shock");
    assert_eq!(scenario.replications, 200);
    let simulation = Simulation::new(&scenario);
    let spec = |name: &str| scenario.policies.iter().find(|p| p.name == name).unwrap();
    let mut days: Vec<RunningStats> = vec![RunningStats::default(); scenario.days];
    let mut after = [RunningStats::default(), RunningStats::default()];
    for replication in 0..scenario.replications {
        let window = simulation.run(spec("sliding-window-thompson"), replication);
        for (stats, regret) in days.iter_mut().zip(&window.regret) {
            stats.push(*regret);
        }
        after[0].push(window.regret[45..].iter().sum());
        let discounted = simulation.run(spec("discounted-thompson"), replication);
        after[1].push(discounted.regret[45..].iter().sum());
    }
    for (day, stats) in days.iter().enumerate().take(45).skip(15) {
        let interval = stats.interval95();
        assert!(interval.high < 1_000.0, "day {}: {interval:?}", day + 1);
    }
    let (window, discounted) = (after[0].interval95(), after[1].interval95());
    eprintln!("after the shock: sliding window {window:?}, discounted {discounted:?}");
    assert!(discounted.high < window.low, "{discounted:?} vs {window:?}");
}

/// Under the profit objective the oracle leaves budget unspent and every policy's regret is
/// non-negative; saturation Thompson sampling beats the fixed split that spends it all.
#[test]
fn the_profit_objective_leaves_unprofitable_money_unspent() {
    let scenario = only(
        shipped("profit-target"),
        &["saturation-thompson", "fixed", "oracle"],
    )
    .with_overrides(&Overrides {
        replications: Some(40),
        ..Overrides::default()
    })
    .unwrap();
    let results = run_scenario(&scenario, &|| {});
    let budget = scenario.daily_budget * scenario.days as f64;
    let oracle = policy(&results, "oracle");
    assert!(
        oracle.spend.mean() < 0.5 * budget,
        "the oracle spends {}",
        oracle.spend.mean()
    );
    let learner = policy(&results, "saturation-thompson").regret.interval95();
    let fixed = policy(&results, "fixed").regret.interval95();
    assert!(learner.high < fixed.low, "{learner:?} vs {fixed:?}");
    assert!(oracle.regret.mean().abs() < 1e-6 * budget);
}

/// Under fatigue the benchmark plans for the wear: the oracle earns more than the even split
/// over the horizon, paired by replication with its 95% interval above zero (the myopic oracle
/// of earlier versions earned less than it).
#[test]
fn the_fatigue_benchmark_beats_the_even_split() {
    let scenario = only(shipped("fatigue"), &["fixed", "oracle"]);
    assert_eq!(scenario.baseline.as_deref(), Some("fixed"));
    let results = run_scenario(&scenario, &|| {});
    let oracle = results
        .policies
        .iter()
        .find(|p| p.spec.name == "oracle")
        .unwrap();
    let difference = oracle.versus_baseline.unwrap().interval95();
    assert!(difference.low > 0.0, "oracle minus fixed: {difference:?}");
    assert!(policy(&results, "fixed").regret.mean() > 0.0);
}

/// `scenario`'s file with its policies replaced by `policies` (kinds, in order).
fn shipped_with_policies(name: &str, policies: &[&str]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    let source = std::fs::read_to_string(&path).expect("the shipped scenario is readable");
    let cut = source.find("[[policies]]").unwrap_or(source.len());
    let mut text = source[..cut].to_owned();
    for kind in policies {
        text += &format!("\n[[policies]]\nkind = \"{kind}\"\n");
    }
    Scenario::from_toml(&format!("{name}.toml"), &text).expect("the policies are valid")
}

/// The GP bandits (AdComB) against the parametric curve learner under diminishing returns:
/// over the 200 replications of `saturation`, saturation Thompson sampling's regret is below
/// gp-ucb's and gp-thompson's with 95% intervals apart (it knows the curve family, the GPs
/// learn the curve point by point), and gp-ucb's regret is below 60% of the even split's with
/// its 95% interval (the even split's regret is the same in every replication).
#[test]
fn the_gp_bandits_learn_the_curves_but_trail_the_parametric_learner() {
    let scenario = shipped_with_policies(
        "saturation",
        &["gp-ucb", "gp-thompson", "saturation-thompson", "fixed"],
    );
    assert_eq!(scenario.replications, 200);
    let results = run_scenario(&scenario, &|| {});
    let regret = |name: &str| policy(&results, name).regret.interval95();
    let (curve, ucb, thompson) = (
        regret("saturation-thompson"),
        regret("gp-ucb"),
        regret("gp-thompson"),
    );
    let even = policy(&results, "fixed").regret.mean();
    eprintln!(
        "saturation-thompson {curve:?}, gp-ucb {ucb:?}, gp-thompson {thompson:?}, even {even}"
    );
    assert!(curve.high < ucb.low, "{curve:?} vs gp-ucb {ucb:?}");
    assert!(
        curve.high < thompson.low,
        "{curve:?} vs gp-thompson {thompson:?}"
    );
    assert!(
        ucb.high < 0.6 * even,
        "gp-ucb {ucb:?} vs the even split {even}"
    );
}
