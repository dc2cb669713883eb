//! The editor schemas: `budget-bandit schema` prints the committed `schema/*.json`, every file
//! the project commits or writes validates against them with an independent JSON Schema
//! validator, documented bad inputs are refused by the schema as by budget-bandit, and where
//! the schema states a rule of its own (which fields apply to which pricing model or policy
//! kind) it agrees with validation field by field.

mod common;

use budget_bandit::account::export::{default_start, export_history};
use budget_bandit::account::file::Account;
use budget_bandit::init::template;
use budget_bandit::scenario::{Overrides, Scenario};
use budget_bandit::schema::{FileKind, json};
use budget_bandit::sweep::StudyInput;
use common::budget_bandit;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator(kind: FileKind) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&json(kind)).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// The schema's complaints about TOML `text`, one line each (empty when it validates).
fn complaints(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let instance: Value = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    validator
        .iter_errors(&instance)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// Whether budget-bandit accepts scenario (or sweep) TOML, as `run` reads it.
fn run_accepts(text: &str) -> Result<(), String> {
    StudyInput::new("s.toml".into(), text.into(), &[], &Overrides::default())
        .study()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Whether budget-bandit accepts account TOML (the history is not read).
fn recommend_accepts(text: &str) -> Result<(), String> {
    Account::from_toml("a.toml", text, Path::new(""))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The `.toml` files below `folder`, sorted.
fn toml_files(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = common::files(folder)
        .into_keys()
        .filter(|file| file.ends_with(".toml"))
        .map(|file| folder.join(file))
        .collect();
    found.sort();
    found
}

#[test]
fn the_schema_command_prints_the_committed_schemas_byte_for_byte() {
    for kind in ["scenario", "account"] {
        let output = budget_bandit(&["schema", kind]);
        assert_eq!(output.code, 0, "{kind}: {}", output.stderr);
        let committed = fs::read_to_string(root().join(format!("schema/{kind}.json"))).unwrap();
        assert!(
            output.stdout == committed,
            "schema/{kind}.json is not what `budget-bandit schema {kind}` prints; regenerate it \
             with `cargo run --release -- schema {kind} > schema/{kind}.json`"
        );
        assert!(committed.ends_with("}\n"));
    }
    let output = budget_bandit(&["schema", "results"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("scenario, account"),
        "{}",
        output.stderr
    );
}

#[test]
fn the_schemas_are_valid_draft_7_schemas() {
    for kind in [FileKind::Scenario, FileKind::Account] {
        let schema: Value = serde_json::from_str(&json(kind)).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(jsonschema::meta::is_valid(&schema), "{}", kind.as_str());
        assert_eq!(schema["additionalProperties"], false);
    }
    // The kinds an account's policy may name are "auto" and the enum's own, less those that do
    // not learn.
    let kinds = |kind: FileKind, pointer: &str| -> Vec<Value> {
        let schema: Value = serde_json::from_str(&json(kind)).unwrap();
        schema.pointer(pointer).unwrap().as_array().unwrap().clone()
    };
    let mut learning = kinds(FileKind::Scenario, "/definitions/PolicyKind/enum");
    learning.retain(|kind| kind != "fixed" && kind != "oracle");
    learning.insert(0, Value::from("auto"));
    assert_eq!(
        kinds(FileKind::Account, "/definitions/AccountPolicy/anyOf/0/enum"),
        learning
    );
}

/// Every scenario the repository holds (the library, the sweeps, the copies in results
/// folders, the benchmark's) and its account file validate, and every committed scenario starts
/// with a `#:schema` directive that resolves to schema/scenario.json.
#[test]
fn every_committed_scenario_and_account_validates() {
    let scenarios = validator(FileKind::Scenario);
    let accounts = validator(FileKind::Account);
    let mut files = toml_files(&root().join("scenarios"));
    let library = files.len();
    assert!(library >= 12, "{files:?}");
    files.extend(toml_files(&root().join("results")));
    files.extend(toml_files(&root().join("benches")));
    let mut seen_accounts = 0;
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let is_account = toml::from_str::<toml::Table>(&text)
            .unwrap()
            .contains_key("history");
        let (validator, accepted) = if is_account {
            seen_accounts += 1;
            (&accounts, recommend_accepts(&text))
        } else {
            (&scenarios, run_accepts(&text))
        };
        assert_eq!(accepted, Ok(()), "{}", file.display());
        let errors = complaints(validator, &text);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
    assert!(seen_accounts >= 1, "no committed account file was found");
    for file in &files[..library] {
        let first = fs::read_to_string(file).unwrap();
        let first = first.lines().next().unwrap();
        let target = first
            .strip_prefix("#:schema ")
            .unwrap_or_else(|| panic!("{} starts with {first:?}", file.display()));
        let resolved = file.parent().unwrap().join(target);
        assert_eq!(
            fs::canonicalize(&resolved).unwrap(),
            fs::canonicalize(root().join("schema/scenario.json")).unwrap(),
            "{}",
            file.display()
        );
    }
}

/// What budget-bandit writes validates too: `history`'s account files (each scenario of the
/// library, so every objective, lag and weekday), `fit`'s scenarios, and `init`'s templates
/// under their own and other names.
#[test]
fn the_files_budget_bandit_writes_validate() {
    let scenarios = validator(FileKind::Scenario);
    let accounts = validator(FileKind::Account);
    for file in toml_files(&root().join("scenarios")) {
        // A sweep loads as the scenario its variants are made from.
        let scenario = Scenario::load(&file)
            .unwrap()
            .with_overrides(&Overrides {
                days: Some(30),
                ..Overrides::default()
            })
            .unwrap();
        let learner = scenario
            .policies
            .iter()
            .find(|p| p.kind.as_str() != "oracle")
            .unwrap();
        let exported = export_history(&scenario, learner, 0, default_start(0));
        let errors = complaints(&accounts, &exported.account);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
    for (kind, name) in [
        (FileKind::Scenario, "my-shop"),
        (FileKind::Scenario, "q4.v2"),
        (FileKind::Account, "my-shop-account"),
        (FileKind::Account, "Shop_1"),
    ] {
        let files = template(kind, Path::new(name)).unwrap();
        let (_, text) = files.last().unwrap();
        let validator = match kind {
            FileKind::Scenario => &scenarios,
            FileKind::Account => &accounts,
        };
        let errors = complaints(validator, text);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let folder = tempfile::TempDir::new().unwrap();
    let out = folder.path().join("fit.toml");
    for account in [
        root().join("results/default-account/account.toml"),
        init_account(folder.path()),
    ] {
        let output = budget_bandit(&[
            "fit",
            common::path_str(&account),
            "--out",
            common::path_str(&out),
        ]);
        assert_eq!(output.code, 0, "{}", output.stderr);
        let fitted = fs::read_to_string(&out).unwrap();
        let errors = complaints(&scenarios, &fitted);
        assert!(
            errors.is_empty(),
            "fit of {}: {errors:#?}",
            account.display()
        );
    }
}

/// `init account` into `folder`: the account file's path.
fn init_account(folder: &Path) -> PathBuf {
    let name = folder.join("shop");
    let output = budget_bandit(&["init", "account", common::path_str(&name)]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    folder.join("shop.toml")
}

/// Mistakes the README documents (Errors, and the tables' allowed values): the schema refuses
/// each, as budget-bandit does. Each is a committed file with one text replaced.
#[test]
fn the_schema_refuses_documented_mistakes_as_budget_bandit_does() {
    let shift = "[[channels.shifts]]\nday = 10\nprice = 0.0\n\n[[policies]]";
    let scenario_mistakes = [
        ("an unknown field", "seed = 7", "seed = 7\nbudget = 5"),
        (
            "an unknown field of a channel",
            "cvr = 0.035",
            "cvr = 0.035\nclicks = 40",
        ),
        ("a share above 1", "value_cv = 0.6", "min_share = 1.4"),
        ("a negative price", "price = 9.0", "price = -9.0"),
        ("a price of 0", "price = 9.0", "price = 0.0"),
        ("a rate above 1", "cvr = 0.035", "cvr = 1.4"),
        ("an unknown pricing model", "\"cpc\"", "\"cpx\""),
        ("an unknown policy kind", "\"epsilon-greedy\"", "\"greedy\""),
        ("days = 0", "days = 90", "days = 0"),
        ("days as text", "days = 90", "days = \"90\""),
        ("no replications", "replications = 200", "replications = 0"),
        ("a seed below 0", "seed = 7", "seed = -1"),
        ("a name with a space", "\"default\"", "\"my shop\""),
        ("the index page's name", "\"default\"", "\"Index.HTML\""),
        ("an unknown allocation", "\"proportional\"", "\"greedy\""),
        (
            "a parameter of another kind",
            "\"thompson\"",
            "\"thompson\"\nepsilon = 0.1",
        ),
        (
            "ctr on a cpc channel",
            "cvr = 0.035",
            "cvr = 0.035\nctr = 0.01",
        ),
        ("a cpm channel without ctr", "ctr = 0.009\n", ""),
        ("a cpc channel without cvr", "cvr = 0.035 ", "#"),
        (
            "cvr on a cpa channel",
            "price = 380.0",
            "price = 380.0\ncvr = 0.5",
        ),
        (
            "six weekday multipliers",
            "value_cv = 0.6",
            "weekday = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]",
        ),
        ("a shift multiplier of 0", "[[policies]]", shift),
        (
            "a fixed share above 1",
            "\"fixed\"",
            "\"fixed\"\nshares = { search = 1.5 }",
        ),
    ];
    let sweep_mistakes = [
        (
            "an unknown sweep mode",
            "[sweep]",
            "[sweep]\nmode = \"cross\"",
        ),
        ("an empty sweep axis", "[sweep]", "[sweep]\nseed = []"),
    ];
    let account_mistakes = [
        ("an unknown field", "currency", "budget = 5\ncurrency"),
        ("no history", "history = \"history.csv\"", ""),
        (
            "a policy that learns nothing",
            "policy = \"auto\"",
            "policy = \"fixed\"",
        ),
        (
            "an unknown policy",
            "policy = \"auto\"",
            "policy = \"greedy\"",
        ),
        ("an unknown pricing model", "\"cpc\"", "\"cpx\""),
        (
            "pacing of 0",
            "currency",
            "max_daily_change = 0.0\ncurrency",
        ),
        (
            "a share above 1",
            "pricing = \"cpc\"",
            "pricing = \"cpc\"\nmin_share = 1.5",
        ),
    ];
    for (file, kind, mistakes) in [
        (
            "scenarios/default.toml",
            FileKind::Scenario,
            &scenario_mistakes[..],
        ),
        (
            "scenarios/sweeps/epsilon-by-budget.toml",
            FileKind::Scenario,
            &sweep_mistakes,
        ),
        (
            "results/default-account/account.toml",
            FileKind::Account,
            &account_mistakes,
        ),
    ] {
        let text = fs::read_to_string(root().join(file)).unwrap();
        let validator = validator(kind);
        for (what, from, to) in mistakes {
            assert!(text.contains(from), "{file} has no {from:?} to replace");
            let wrong = text.replacen(from, to, 1);
            let accepted = match kind {
                FileKind::Scenario => run_accepts(&wrong),
                FileKind::Account => recommend_accepts(&wrong),
            };
            assert!(accepted.is_err(), "budget-bandit accepts {what} in {file}");
            let complaints = complaints(&validator, &wrong);
            assert!(
                !complaints.is_empty(),
                "the schema accepts {what} in {file}"
            );
        }
    }
}

/// A one-channel scenario of `pricing` with the rate fields it needs, `extra` lines added to
/// the channel, and `policy` lines as its one policy.
fn one_channel(pricing: &str, drop: &str, extra: &str, policy: &str) -> String {
    let mut channel = format!("name = \"c\"\npricing = \"{pricing}\"\nprice = 2.0\nvalue = 50.0\n");
    if pricing == "cpm" {
        channel.push_str("ctr = 0.01\n");
    }
    if pricing != "cpa" {
        channel.push_str("cvr = 0.05\n");
    }
    let channel: String = channel
        .lines()
        .filter(|line| drop.is_empty() || !line.starts_with(drop))
        .map(|line| format!("{line}\n"))
        .collect();
    format!(
        "name = \"s\"\ndays = 10\ndaily_budget = 100.0\n\n[[channels]]\n{channel}{extra}\n\n\
         [[policies]]\n{policy}\n"
    )
}

/// A valid value of each channel field that some pricing models refuse.
const CHANNEL_FIELDS: [(&str, &str); 5] = [
    ("ctr", "0.01"),
    ("cvr", "0.05"),
    ("weekday", "[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]"),
    ("fatigue", "{ strength = 0.5, recovery = 0.3 }"),
    ("lag", "{ mean_days = 1.0, max_days = 5 }"),
];

/// For every pricing model: leaving out each rate field, and giving each field that depends on
/// the pricing, is accepted by the schema exactly when budget-bandit accepts it.
#[test]
fn the_schema_and_validation_agree_on_which_fields_each_pricing_takes() {
    let scenarios = validator(FileKind::Scenario);
    let policy = "kind = \"thompson\"";
    for pricing in ["cpm", "cpc", "cpl", "cpa"] {
        let mut variants = vec![("as needed".to_owned(), one_channel(pricing, "", "", policy))];
        for drop in ["ctr", "cvr"] {
            variants.push((
                format!("without {drop}"),
                one_channel(pricing, drop, "", policy),
            ));
        }
        for (field, value) in CHANNEL_FIELDS {
            let without = one_channel(pricing, field, "", policy);
            variants.push((
                format!("with {field}"),
                without.replace(
                    "value = 50.0\n",
                    &format!("value = 50.0\n{field} = {value}\n"),
                ),
            ));
        }
        for (what, text) in variants {
            let tool = run_accepts(&text).is_ok();
            let schema = complaints(&scenarios, &text).is_empty();
            assert_eq!(
                schema, tool,
                "{pricing} {what}: schema {schema}, budget-bandit {tool}\n{text}"
            );
        }
    }
}

/// A valid value of every policy parameter.
const POLICY_FIELDS: [(&str, &str); 11] = [
    ("shares", "[1.0]"),
    ("epsilon", "0.2"),
    ("decay", "0.1"),
    ("prior_alpha", "2.0"),
    ("prior_beta", "2.0"),
    ("draws", "100"),
    ("loglog_factor", "1.0"),
    ("discount", "0.9"),
    ("window", "7"),
    ("grid", "20"),
    ("beta", "1.0"),
];

/// For every policy kind the schema lists and every parameter it lists: the schema accepts the
/// parameter on the kind exactly when budget-bandit does.
#[test]
fn the_schema_and_validation_agree_on_which_parameters_each_kind_takes() {
    let schema: Value = serde_json::from_str(&json(FileKind::Scenario)).unwrap();
    let definitions = &schema["definitions"];
    let kinds = definitions["PolicyKind"]["enum"].as_array().unwrap();
    let parameters: Vec<&String> = definitions["Policy"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|key| *key != "kind" && *key != "name")
        .collect();
    assert_eq!(parameters.len(), POLICY_FIELDS.len(), "{parameters:?}");
    let scenarios = validator(FileKind::Scenario);
    for kind in kinds {
        let kind = kind.as_str().unwrap();
        for parameter in &parameters {
            let (_, value) = POLICY_FIELDS
                .iter()
                .find(|(field, _)| field == parameter)
                .unwrap_or_else(|| panic!("no test value for {parameter}"));
            let text = one_channel(
                "cpc",
                "",
                "",
                &format!("kind = \"{kind}\"\n{parameter} = {value}"),
            );
            let tool = run_accepts(&text).is_ok();
            let schema = complaints(&scenarios, &text).is_empty();
            assert_eq!(
                schema, tool,
                "{kind} with {parameter}: schema {schema}, budget-bandit {tool}"
            );
        }
    }
}
