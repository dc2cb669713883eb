//! Variants of a scenario face the same market draws: renaming it changes no figure, and adding
//! a policy changes no other policy's figures (common random numbers keyed by seed,
//! replication, channel name and day; see `budget_bandit::streams`).

use budget_bandit::output::{csv_files, json};
use budget_bandit::runner::run_scenario;
use budget_bandit::scenario::{DEFAULT_SCENARIO, Overrides, Scenario};

fn quick(source: &str) -> Scenario {
    Scenario::from_toml("variant", source)
        .unwrap()
        .with_overrides(&Overrides {
            replications: Some(12),
            days: Some(30),
            ..Overrides::default()
        })
        .unwrap()
}

#[test]
fn renaming_a_scenario_changes_no_figure() {
    let original = run_scenario(&quick(DEFAULT_SCENARIO), &|| {});
    let renamed_source =
        DEFAULT_SCENARIO.replacen("name = \"default\"", "name = \"default-eps\"", 1);
    assert_ne!(renamed_source, DEFAULT_SCENARIO);
    let renamed = run_scenario(&quick(&renamed_source), &|| {});
    assert_eq!(csv_files::summary(&original), csv_files::summary(&renamed));
    assert_eq!(
        csv_files::channels(&original),
        csv_files::channels(&renamed)
    );
    assert_eq!(csv_files::daily(&original), csv_files::daily(&renamed));
    let json = |results| String::from_utf8(json::summary(results)).unwrap();
    assert_eq!(
        json(&original).replacen("\"name\": \"default\"", "\"name\": \"default-eps\"", 1),
        json(&renamed)
    );
}

#[test]
fn adding_a_policy_changes_no_other_policy() {
    let original = run_scenario(&quick(DEFAULT_SCENARIO), &|| {});
    let added = format!("{DEFAULT_SCENARIO}\n[[policies]]\nkind = \"ucb\"\n");
    let extended = run_scenario(&quick(&added), &|| {});
    assert_eq!(extended.policies.len(), original.policies.len() + 1);
    for (before, after) in original.policies.iter().zip(&extended.policies) {
        assert_eq!(before.spec, after.spec);
        assert_eq!(before.aggregate, after.aggregate, "{}", before.spec.name);
        assert_eq!(before.versus_baseline, after.versus_baseline);
    }
}
