//! Property tests: every policy's allocation is a valid split of the budget on every day of
//! random scenarios.

use budget_bandit::scenario::Scenario;
use budget_bandit::simulation::Simulation;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// Property tests run from fixed seeds, so every CI run checks the same cases.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(20_261_124),
        ..ProptestConfig::default()
    }
}

/// A random channel: pricing model, price, noise, rate, value and optional audience.
type ChannelParts = (usize, f64, f64, f64, f64, Option<f64>);

fn channel_toml(i: usize, (pricing, price, cv, rate, value, audience): ChannelParts) -> String {
    let pricing = ["cpm", "cpc", "cpl", "cpa"][pricing];
    let mut text = format!(
        "\n[[channels]]\nname = \"c{i}\"\npricing = \"{pricing}\"\nprice = {price}\n\
         price_cv = {cv}\nvalue = {value}\nvalue_cv = {cv}\n"
    );
    if pricing == "cpm" {
        text += &format!("ctr = {rate}\n");
    }
    if pricing != "cpa" {
        text += &format!("cvr = {rate}\n");
    }
    if let Some(audience) = audience {
        text += &format!("audience = {audience}\n");
    }
    text
}

/// A random scenario of 1 to 6 channels with mixed pricing, audiences and noise.
fn scenario_source() -> impl Strategy<Value = String> {
    let channel = (
        0usize..4,
        0.5f64..200.0,
        0.0f64..0.5,
        0.001f64..0.3,
        10.0f64..2000.0,
        proptest::option::of(1.0f64..500.0),
    );
    (
        proptest::collection::vec(channel, 1..7),
        prop_oneof![Just("proportional"), Just("winner-takes-all")],
        1.0f64..20_000.0,
    )
        .prop_map(|(channels, allocation, budget)| {
            let mut text = format!(
                "name = \"random\"\ndays = 12\ndaily_budget = {budget}\nallocation = \"{allocation}\"\n"
            );
            for (i, parts) in channels.into_iter().enumerate() {
                text += &channel_toml(i, parts);
            }
            text
        })
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn every_allocation_is_a_valid_split(source in scenario_source(), replication in 0u64..1000) {
        let scenario = Scenario::from_toml("random", &source).unwrap();
        let simulation = Simulation::new(&scenario);
        let budget = scenario.daily_budget;
        let channels = scenario.channels.len();
        let winner_takes_all = source.contains("winner-takes-all");
        for policy in &scenario.policies {
            let record = simulation.run(policy, replication);
            for day in record.share.chunks(channels) {
                prop_assert!(day.iter().all(|s| *s >= 0.0 && s.is_finite()), "{}: {:?}", policy.name, day);
                let total: f64 = day.iter().sum();
                prop_assert!((total - 1.0).abs() < 1e-9, "{}: shares sum to {}", policy.name, total);
                if winner_takes_all {
                    prop_assert_eq!(day.iter().filter(|s| **s > 0.0).count(), 1);
                }
            }
            for total in &record.totals {
                prop_assert!(total.spend <= total.allocated + 1e-9 * budget);
            }
            let tolerance = 1e-9 * simulation.oracle().expected_revenue;
            prop_assert!(record.regret.iter().all(|r| *r >= -tolerance));
        }
    }
}

/// Every policy kind, for the constraint property.
const ALL_POLICIES: &str = "
[[policies]]
kind = \"thompson\"
draws = 50
[[policies]]
kind = \"epsilon-greedy\"
[[policies]]
kind = \"fixed\"
[[policies]]
kind = \"ucb\"
[[policies]]
kind = \"discounted-thompson\"
draws = 50
[[policies]]
kind = \"sliding-window-thompson\"
window = 3
draws = 50
[[policies]]
kind = \"saturation-thompson\"
[[policies]]
kind = \"oracle\"
";

/// A random constrained scenario: 3 to 6 channels with floors, caps and sometimes fatigue, a
/// shift or lag; sometimes paced; revenue or profit.
fn constrained_source() -> impl Strategy<Value = (String, Vec<(f64, f64)>, Option<f64>, bool)> {
    let channel = (
        (
            0usize..3,
            0.5f64..200.0,
            0.0f64..0.5,
            0.001f64..0.3,
            10.0f64..2000.0,
        ),
        proptest::option::of(1.0f64..500.0),
        (0.0f64..0.15, 0.4f64..1.0),
        (0usize..4, 1usize..12),
    );
    (
        proptest::collection::vec(channel, 3..7),
        proptest::option::of(0.02f64..0.5),
        proptest::option::of(0.5f64..4.0),
        100.0f64..20_000.0,
    )
        .prop_map(|(channels, pacing, target, budget)| {
            let mut text = format!("name = \"constrained\"\ndays = 12\ndaily_budget = {budget}\n");
            if let Some(change) = pacing {
                text += &format!("max_daily_change = {change}\n");
            }
            if let Some(target) = target {
                text += &format!("objective = \"profit\"\ntarget_roas = {target}\n");
            }
            let mut limits = Vec::new();
            for (i, (parts, audience, (low, high), (dynamic, day))) in
                channels.into_iter().enumerate()
            {
                let (pricing, price, cv, rate, value) = parts;
                text += &channel_toml(i, (pricing, price, cv, rate, value, audience));
                text += &format!("min_share = {low}\nmax_share = {high}\n");
                limits.push((low, high));
                match dynamic {
                    0 => text += "fatigue = { strength = 2.0, recovery = 0.3 }\n",
                    1 => text += "lag = { mean_days = 2.0, max_days = 5 }\n",
                    2 => {
                        text +=
                            &format!("[[channels.shifts]]\nday = {day}\nprice = 1.5\nvalue = 0.5\n")
                    }
                    _ => {}
                }
            }
            text += ALL_POLICIES;
            (text, limits, pacing, target.is_some())
        })
}

proptest! {
    #![proptest_config(config(40))]

    /// Acceptance: every allocation of every policy meets every floor, cap and pacing limit on
    /// every day, spends the budget under the revenue objective and at most the budget under
    /// profit.
    #[test]
    fn every_allocation_meets_the_constraints(
        (source, limits, pacing, profit) in constrained_source(),
        replication in 0u64..1000,
    ) {
        let scenario = Scenario::from_toml("constrained", &source).unwrap();
        let simulation = Simulation::new(&scenario);
        let channels = scenario.channels.len();
        let tolerance = 1e-9;
        for policy in &scenario.policies {
            let record = simulation.run(policy, replication);
            let mut yesterday: Option<&[f64]> = None;
            for day in record.share.chunks(channels) {
                for (share, (low, high)) in day.iter().zip(&limits) {
                    prop_assert!(*share >= low - tolerance && *share <= high + tolerance,
                        "{}: share {} outside [{}, {}] in {:?}", policy.name, share, low, high, day);
                }
                let total: f64 = day.iter().sum();
                if profit {
                    prop_assert!(total <= 1.0 + tolerance, "{}: spends {}", policy.name, total);
                } else {
                    prop_assert!((total - 1.0).abs() < tolerance, "{}: spends {}", policy.name, total);
                }
                if let (Some(change), Some(before)) = (pacing, yesterday) {
                    for (now, then) in day.iter().zip(before) {
                        prop_assert!((now - then).abs() <= change + tolerance,
                            "{}: share moved from {} to {} (limit {})", policy.name, then, now, change);
                    }
                }
                yesterday = Some(day);
            }
        }
    }
}

/// Extreme but valid numbers, and arbitrary text, never make the tool panic: a scenario is
/// either rejected with an error or runs to the end.
mod no_panic {
    use super::*;
    use budget_bandit::runner::run_scenario;
    use budget_bandit::scenario::Overrides;

    /// Mostly valid extremes (so that many scenarios run), sometimes invalid numbers.
    fn extreme() -> impl Strategy<Value = f64> {
        prop_oneof![
            3 => prop_oneof![Just(1e-300), Just(1e-9), Just(1.0), Just(1e12), 0.0f64..1.0],
            1 => prop_oneof![Just(0.0), Just(-1.0), Just(1e300), Just(f64::NAN), Just(f64::INFINITY)],
        ]
    }

    proptest! {
        #![proptest_config(config(300))]

        #[test]
        fn extreme_numbers_are_rejected_or_run(
            budget in extreme(), price in extreme(), cv in extreme(), rate in extreme(),
            value in extreme(), audience in extreme(), pricing in 0usize..4,
        ) {
            let mut source = format!(
                "name = \"extreme\"\ndays = 3\nreplications = 2\ndaily_budget = {budget:?}\n"
            );
            source += &channel_toml(0, (pricing, price, cv, rate, value, Some(audience)));
            source += &channel_toml(1, (3, 5.0, 0.3, 0.1, 40.0, None));
            let source = source.replace("NaN", "nan");
            if let Ok(scenario) = Scenario::from_toml("extreme", &source) {
                let scenario = scenario.with_overrides(&Overrides::default()).unwrap();
                let results = run_scenario(&scenario, &|| {});
                prop_assert_eq!(results.policies.len(), 4);
            }
        }

        #[test]
        fn arbitrary_text_is_rejected_or_accepted_without_panic(text in ".{0,300}") {
            let _ = Scenario::from_toml("arbitrary", &text);
        }
    }
}
