//! A policy from the user's own code, run through [`Runner`] beside the built-in policies: the
//! same day loop, market draws, results files and charts.

use budget_bandit::{Day, Observations, Overrides, Policy, Runner, Scenario, StreamRng};
use std::fs;

/// The even split, written as a user would: the same split as the built-in `fixed` policy.
struct Even;

impl Policy for Even {
    fn allocate(&mut self, day: &Day, _: &Observations, _: &mut StreamRng, spend: &mut [f64]) {
        let share = day.budget / spend.len() as f64;
        spend.fill(share);
    }
}

fn small_default() -> Scenario {
    Scenario::builtin_default()
        .with_overrides(&Overrides {
            replications: Some(12),
            days: Some(15),
            ..Overrides::default()
        })
        .unwrap()
}

#[test]
fn a_custom_even_split_earns_exactly_what_the_built_in_even_split_earns() {
    let results = Runner::new(&small_default())
        .with_policy("my-even", |_| Box::new(Even))
        .run()
        .unwrap();
    let mine = results.policies.last().unwrap();
    assert_eq!(mine.spec.name, "my-even");
    assert_eq!(mine.spec.kind.as_str(), "custom");
    let fixed = results
        .policies
        .iter()
        .find(|p| p.spec.name == "fixed")
        .unwrap();
    // Same market draws in every replication: the paired difference is zero, not just small.
    let paired = mine.versus_baseline.as_ref().unwrap();
    assert_eq!(paired.mean(), 0.0);
    assert_eq!(paired.variance(), 0.0);
    assert_eq!(
        mine.aggregate.revenue.mean(),
        fixed.aggregate.revenue.mean()
    );
    assert_eq!(mine.aggregate.regret.mean(), fixed.aggregate.regret.mean());
}

#[test]
fn adding_a_policy_leaves_every_built_in_policy_bit_for_bit_alone() {
    let scenario = small_default();
    let alone = Runner::new(&scenario).run().unwrap();
    let beside = Runner::new(&scenario)
        .with_policy("my-even", |_| Box::new(Even))
        .run()
        .unwrap();
    assert_eq!(beside.policies.len(), alone.policies.len() + 1);
    for (a, b) in alone.policies.iter().zip(&beside.policies) {
        assert_eq!(a.spec, b.spec);
        assert_eq!(a.aggregate.revenue.mean(), b.aggregate.revenue.mean());
        assert_eq!(
            a.aggregate.revenue.variance(),
            b.aggregate.revenue.variance()
        );
        assert_eq!(a.aggregate.regret.mean(), b.aggregate.regret.mean());
    }
}

#[test]
fn a_custom_policy_is_ranked_tabled_written_and_charted() {
    let out = tempfile::tempdir().unwrap();
    let results = Runner::new(&small_default())
        .with_policy("my-even", |_| Box::new(Even))
        .run()
        .unwrap();
    assert!(results.table().contains("my-even"));
    let mine = results.policies.len() - 1;
    let rank = results.ranking().iter().position(|&i| i == mine).unwrap();
    assert!(rank > 0, "the oracle ranks first");
    let folder = results.write_folder(out.path()).unwrap();
    assert_eq!(folder, out.path().join("default"));
    let summary = fs::read_to_string(folder.join("summary.csv")).unwrap();
    let row = summary
        .lines()
        .find(|l| l.contains(",my-even,"))
        .expect("the custom policy has a summary row");
    assert!(
        row.starts_with(&format!("{},my-even,custom,12,", rank + 1)),
        "{row}"
    );
    assert!(folder.join("charts/allocation-my-even.png").is_file());
    assert!(folder.join("charts/allocation-my-even.svg").is_file());
    let report = fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("my-even"));
    let scenario = fs::read_to_string(folder.join("scenario.toml")).unwrap();
    let note: String = scenario
        .lines()
        .skip_while(|l| !l.starts_with("# Also run: policies given in code"))
        .map(|l| l.trim_start_matches('#'))
        .collect();
    assert!(note.ends_with("cannot replay: my-even."), "{scenario}");
    // The copy is still a valid scenario: the note is a comment.
    Scenario::from_toml("scenario.toml", &scenario).unwrap();
    assert!(out.path().join("index.html").is_file());
}

#[test]
fn a_custom_policy_needs_a_name_of_its_own() {
    let taken = Runner::new(&small_default())
        .with_policy("thompson", |_| Box::new(Even))
        .run()
        .unwrap_err();
    assert!(
        taken.to_string().contains("'thompson' is used twice"),
        "{taken}"
    );
    let twice = Runner::new(&small_default())
        .with_policy("mine", |_| Box::new(Even))
        .with_policy("mine", |_| Box::new(Even))
        .run()
        .unwrap_err();
    assert!(
        twice.to_string().contains("'mine' is used twice"),
        "{twice}"
    );
    let empty = Runner::new(&small_default())
        .with_policy(" ", |_| Box::new(Even))
        .run()
        .unwrap_err();
    assert!(empty.to_string().contains("needs a name"), "{empty}");
}
