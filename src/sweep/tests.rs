use super::*;

const SWEEP: &str = r#"name = "two"
days = 20
daily_budget = 1000.0
seed = 3
replications = 4

[[channels]]
name = "search"
pricing = "cpc"
price = 2.0
cvr = 0.05
value = 60.0

[[channels]]
name = "social"
pricing = "cpm"
price = 12.0
ctr = 0.01
cvr = 0.03
value = 50.0

[sweep]
daily_budget = [500.0, 1000, 2000.0]
"policies.epsilon-greedy.epsilon" = [0.05, 0.2]
"#;

fn study(source: &str, settings: &[&str]) -> Result<Study, ScenarioError> {
    let settings: Vec<Setting> = settings
        .iter()
        .map(|s| Setting::parse(s).unwrap())
        .collect();
    Study::from_toml("sweep.toml", source, &settings, &Overrides::default())
}

fn sweep(source: &str, settings: &[&str]) -> Sweep {
    match study(source, settings).unwrap() {
        Study::Sweep(sweep) => sweep,
        Study::Scenario(_) => panic!("a sweep was expected"),
    }
}

#[test]
fn the_product_of_the_axes_first_axis_slowest_named_from_the_values() {
    let expanded = sweep(SWEEP, &[]);
    assert_eq!(expanded.name, "two");
    let labels: Vec<&str> = expanded.axes.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["daily_budget", "epsilon"]);
    let names: Vec<&str> = expanded.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "daily_budget-500_epsilon-0.05",
            "daily_budget-500_epsilon-0.2",
            "daily_budget-1000_epsilon-0.05",
            "daily_budget-1000_epsilon-0.2",
            "daily_budget-2000_epsilon-0.05",
            "daily_budget-2000_epsilon-0.2",
        ]
    );
    let last = expanded.scenario(5);
    assert_eq!(last.name, "two.daily_budget-2000_epsilon-0.2");
    assert_eq!(last.daily_budget, 2000.0);
    let epsilon_greedy = last
        .policies
        .iter()
        .find(|p| p.name == "epsilon-greedy")
        .unwrap();
    assert!(
        format!("{:?}", epsilon_greedy.kind).contains("0.2"),
        "{epsilon_greedy:?}"
    );
    // The defaults policies are all there, written out.
    assert_eq!(last.policies.len(), 4);
}

#[test]
fn a_variants_scenario_toml_replays_it_alone() {
    let expanded = sweep(SWEEP, &[]);
    for variant in expanded.scenarios() {
        let replayed = Scenario::from_toml("sweep.toml", variant.source()).unwrap();
        assert_eq!(&replayed, variant);
        assert!(!variant.source().contains("[sweep]"));
    }
}

#[test]
fn zip_takes_the_values_together_and_needs_axes_of_one_length() {
    let zipped = SWEEP
        .replace("[sweep]", "[sweep]\nmode = \"zip\"")
        .replace("[500.0, 1000, 2000.0]", "[500.0, 1000]");
    let expanded = sweep(&zipped, &[]);
    assert_eq!(expanded.mode, Mode::Zip);
    let values: Vec<&[usize]> = expanded
        .variants
        .iter()
        .map(|v| v.values.as_slice())
        .collect();
    assert_eq!(values, [[0, 0], [1, 1]]);
    let uneven = SWEEP.replace("[sweep]", "[sweep]\nmode = \"zip\"");
    let error = study(&uneven, &[]).unwrap_err().to_string();
    assert!(
        error.contains("'daily_budget' has 3, 'policies.epsilon-greedy.epsilon' has 2"),
        "{error}"
    );
    assert!(error.starts_with("sweep.toml:22:2:"), "{error}");
}

#[test]
fn set_changes_one_field_or_adds_an_axis() {
    let plain = SWEEP.split("[sweep]").next().unwrap();
    let Study::Scenario(scenario) = study(plain, &["channels.search.price_cv=0.3"]).unwrap() else {
        panic!("one value changes a field, it makes no sweep")
    };
    assert_eq!(scenario.channels[0].price_cv, 0.3);
    assert!(scenario.source().contains("price_cv = 0.3"));
    let expanded = sweep(plain, &["channels.search.price_cv=0,0.2,0.4", "days=30"]);
    assert_eq!(expanded.variants.len(), 3);
    assert_eq!(expanded.variants[2].name, "price_cv-0.4");
    assert!(expanded.scenarios().iter().all(|s| s.days == 30));
    // A flag's axis replaces the file's axis of the same path.
    let replaced = sweep(SWEEP, &["daily_budget=100,200"]);
    assert_eq!(replaced.variants.len(), 4);
    assert_eq!(replaced.axes[0].path, "daily_budget");
}

#[test]
fn two_axes_with_one_last_key_are_labelled_apart() {
    let source = SWEEP.replace(
        "daily_budget = [500.0, 1000, 2000.0]",
        "\"channels.search.price_cv\" = [0.1]\n\"channels.social.price_cv\" = [0.2]",
    );
    let expanded = sweep(&source, &[]);
    let labels: Vec<&str> = expanded.axes.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["search.price_cv", "social.price_cv", "epsilon"]);
}

#[test]
fn nested_keys_under_sweep_are_paths_too() {
    let source = SWEEP.replace(
        "daily_budget = [500.0, 1000, 2000.0]",
        "channels.search.value = [50.0, 70.0]",
    );
    let expanded = sweep(&source, &[]);
    assert_eq!(expanded.axes[0].path, "channels.search.value");
    assert_eq!(expanded.scenario(3).channels[0].value, 70.0);
}

#[test]
fn bad_axes_are_errors_naming_the_axis_the_value_and_the_line() {
    let cases = [
        // An unknown channel: the axis's key.
        (
            "\"channels.serch.price_cv\" = [0.1]",
            "sweep.toml:23:1: sweep axis 'channels.serch.price_cv': 'channels' has no element named 'serch'",
        ),
        // An empty list.
        (
            "daily_budget = []",
            "sweep.toml:23:16: sweep axis 'daily_budget' is an empty list",
        ),
        // An invalid value: the value itself.
        (
            "daily_budget = [500.0, -1.0]",
            "sweep.toml:23:24: sweep axis 'daily_budget' = -1.0: daily_budget must be",
        ),
        // A field that does not exist.
        (
            "\"channels.search.prize\" = [1.0]",
            "sweep.toml:23:28: sweep axis 'channels.search.prize' = 1.0: unknown field `prize`",
        ),
        // Not a list.
        (
            "daily_budget = 500.0",
            "sweep.toml:23:16: sweep axis 'daily_budget' must be a list",
        ),
        ("mode = \"cross\"", "sweep.toml:23:8: sweep mode must be"),
        (
            "name = [\"a\", \"b\"]",
            "sweep.toml:23:1: sweep axis 'name': 'name' cannot be changed",
        ),
    ];
    for (axis, expected) in cases {
        let source = SWEEP.replace("daily_budget = [500.0, 1000, 2000.0]", axis);
        let error = study(&source, &[]).unwrap_err().to_string();
        assert!(error.starts_with(expected), "{axis}:\n{error}");
    }
    let error = study(SWEEP, &["channels.search.price_cv=0.1,-5"])
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(
            "sweep.toml: --set channels.search.price_cv=0.1,-5: sweep axis \
             'channels.search.price_cv' = -5: channel 'search': price_cv must be"
        ),
        "{error}"
    );
    let error = study(SWEEP, &["days=-3"]).unwrap_err().to_string();
    assert!(
        error.starts_with("sweep.toml: with --set days=-3: days must be"),
        "{error}"
    );
}

#[test]
fn a_combination_invalid_only_together_is_named_whole() {
    let source = SWEEP.replace(
        "daily_budget = [500.0, 1000, 2000.0]",
        "\"channels.search.min_share\" = [0.6]\n\"channels.social.min_share\" = [0.6]",
    );
    let error = study(&source, &[]).unwrap_err().to_string();
    assert!(
        error.starts_with(
            "sweep.toml:22:2: the sweep's variant channels.search.min_share = 0.6, \
             channels.social.min_share = 0.6, policies.epsilon-greedy.epsilon = 0.05 is invalid"
        ),
        "{error}"
    );
}
