//! Dotted paths into a scenario's TOML: where a sweep axis or `--set` writes its value.
//!
//! A path is a list of keys separated by dots, read from the top of the file:
//!
//! - a key of a table (`daily_budget`, `fatigue.strength`); a missing last key is added, a
//!   missing table on the way is created (validation then says whether the field exists);
//! - in an array of tables (`channels`, `policies`, `shifts`), the element whose `name` is the
//!   next key or keys (a name may hold dots), a policy without a name by its `kind` (its default
//!   name), or the element at a zero-based index (`shifts.0`);
//! - in an array of numbers (`weekday`), the element at a zero-based index.
//!
//! `policies.epsilon-greedy.epsilon` works also in a file without `[[policies]]`: the default
//! policies are written out first.

use toml::{Table, Value};

/// Keys a path may not start with: a variant's name comes from its axes, and a sweep does not
/// sweep itself.
const UNSWEEPABLE: [(&str, &str); 2] = [
    (
        "name",
        "the variants are named from the sweep's axes (the scenario's name with their values)",
    ),
    ("sweep", "a sweep cannot change its own [sweep] table"),
];

/// Writes `value` at `path` in `table`. `default_policies` are the `[[policies]]` tables of
/// the scenario's default policies, written out when the path goes into `policies` and the
/// file names none. Returns what is wrong with the path in words.
pub(crate) fn set(
    table: &mut Table,
    path: &str,
    value: Value,
    default_policies: &dyn Fn() -> Vec<Value>,
) -> Result<(), String> {
    let keys: Vec<&str> = path.split('.').collect();
    if keys.iter().any(|k| k.trim().is_empty()) {
        return Err(format!(
            "'{path}' is not a dotted path of keys (such as channels.search.price_cv)"
        ));
    }
    if let Some((_, why)) = UNSWEEPABLE.iter().find(|(key, _)| *key == keys[0]) {
        return Err(format!("'{}' cannot be changed: {why}", keys[0]));
    }
    if keys[0] == "policies" && keys.len() > 1 && !table.contains_key("policies") {
        table.insert("policies".into(), Value::Array(default_policies()));
    }
    let mut here = table;
    let mut at = 0;
    loop {
        let key = keys[at];
        let last = at + 1 == keys.len();
        if last {
            here.insert(key.to_owned(), value);
            return Ok(());
        }
        let walked = keys[..=at].join(".");
        let entry = here
            .entry(key.to_owned())
            .or_insert_with(|| Value::Table(Table::new()));
        match entry {
            Value::Table(inner) => {
                here = inner;
                at += 1;
            }
            Value::Array(elements) => {
                let (index, used) = element(elements, &keys[at + 1..])
                    .ok_or_else(|| missing_element(&walked, elements, keys[at + 1]))?;
                at += 1 + used;
                if at == keys.len() {
                    elements[index] = value;
                    return Ok(());
                }
                match &mut elements[index] {
                    Value::Table(inner) => here = inner,
                    other => {
                        return Err(format!(
                            "'{}' is {}, which has no '{}'",
                            keys[..at].join("."),
                            kind_of(other),
                            keys[at]
                        ));
                    }
                }
            }
            other => {
                return Err(format!(
                    "'{walked}' is {}, which has no '{}'",
                    kind_of(other),
                    keys[at + 1]
                ));
            }
        }
    }
}

/// The element of `elements` the keys `rest` start with, and how many keys its name used:
/// by `name` (the longest match, names may hold dots), by `kind` for a table without a name,
/// or by index.
fn element(elements: &[Value], rest: &[&str]) -> Option<(usize, usize)> {
    for used in (1..=rest.len()).rev() {
        let wanted = rest[..used].join(".");
        let named = |field: &str| {
            elements.iter().position(|e| {
                e.as_table()
                    .and_then(|t| t.get(field))
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.trim() == wanted)
            })
        };
        if let Some(index) = named("name") {
            return Some((index, used));
        }
        let unnamed_kind = elements.iter().position(|e| {
            e.as_table().is_some_and(|t| {
                !t.contains_key("name") && t.get("kind").and_then(Value::as_str) == Some(&wanted)
            })
        });
        if let Some(index) = unnamed_kind {
            return Some((index, used));
        }
    }
    let index: usize = rest.first()?.parse().ok()?;
    (index < elements.len()).then_some((index, 1))
}

/// Why no element of `array` answers to `key`, with what does.
fn missing_element(array: &str, elements: &[Value], key: &str) -> String {
    let names: Vec<String> = elements
        .iter()
        .filter_map(|e| {
            let table = e.as_table()?;
            table
                .get("name")
                .or_else(|| table.get("kind"))
                .and_then(Value::as_str)
                .map(|n| n.trim().to_owned())
        })
        .collect();
    let count = elements.len();
    let indices = match count {
        0 => format!("'{array}' is empty"),
        1 => format!("'{array}' has one element, index 0"),
        _ => format!("'{array}' has {count} elements, indices 0 to {}", count - 1),
    };
    if names.is_empty() {
        format!("'{array}' has no element '{key}': {indices}")
    } else {
        format!(
            "'{array}' has no element named '{key}'; its names are {} ({indices})",
            names.join(", ")
        )
    }
}

/// A value's TOML type in words.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
        name = "s"
        days = 30
        daily_budget = 100.0

        [[channels]]
        name = "search"
        pricing = "cpc"
        price = 2.0
        cvr = 0.1
        value = 50.0
        weekday = [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.8]

        [[channels.shifts]]
        day = 10
        cvr = 0.5

        [[channels]]
        name = "brand.search"
        pricing = "cpa"
        price = 20.0
        value = 50.0
    "#;

    fn no_defaults() -> Vec<Value> {
        Vec::new()
    }

    fn set_in(path: &str, value: Value) -> Result<Table, String> {
        let mut table: Table = toml::from_str(FILE).unwrap();
        set(&mut table, path, value, &no_defaults).map(|()| table)
    }

    fn channel(table: &Table, index: usize) -> &Table {
        table["channels"].as_array().unwrap()[index]
            .as_table()
            .unwrap()
    }

    #[test]
    fn paths_reach_top_level_fields_channels_shifts_and_array_elements() {
        let table = set_in("daily_budget", Value::Float(5000.0)).unwrap();
        assert_eq!(table["daily_budget"].as_float(), Some(5000.0));
        let table = set_in("channels.search.price_cv", Value::Float(0.2)).unwrap();
        assert_eq!(channel(&table, 0)["price_cv"].as_float(), Some(0.2));
        let table = set_in("channels.brand.search.price", Value::Float(25.0)).unwrap();
        assert_eq!(channel(&table, 1)["price"].as_float(), Some(25.0));
        let table = set_in("channels.1.value", Value::Float(60.0)).unwrap();
        assert_eq!(channel(&table, 1)["value"].as_float(), Some(60.0));
        let table = set_in("channels.search.shifts.0.cvr", Value::Float(0.7)).unwrap();
        let shift = channel(&table, 0)["shifts"].as_array().unwrap()[0].clone();
        assert_eq!(shift["cvr"].as_float(), Some(0.7));
        let table = set_in("channels.search.weekday.5", Value::Float(1.3)).unwrap();
        assert_eq!(channel(&table, 0)["weekday"][5].as_float(), Some(1.3));
        let table = set_in("channels.search.fatigue.strength", Value::Float(0.1)).unwrap();
        assert_eq!(
            channel(&table, 0)["fatigue"]["strength"].as_float(),
            Some(0.1)
        );
    }

    #[test]
    fn policies_are_written_out_when_the_file_names_none() {
        let mut table: Table = toml::from_str(FILE).unwrap();
        let defaults = || {
            ["thompson", "epsilon-greedy"]
                .map(|kind| {
                    let mut policy = Table::new();
                    policy.insert("kind".into(), Value::String(kind.into()));
                    Value::Table(policy)
                })
                .to_vec()
        };
        set(
            &mut table,
            "policies.epsilon-greedy.epsilon",
            Value::Float(0.2),
            &defaults,
        )
        .unwrap();
        let policies = table["policies"].as_array().unwrap();
        assert_eq!(policies.len(), 2);
        assert_eq!(policies[1]["epsilon"].as_float(), Some(0.2));
    }

    #[test]
    fn missing_elements_and_scalars_on_the_way_are_named() {
        let error = set_in("channels.serch.price", Value::Float(1.0)).unwrap_err();
        assert_eq!(
            error,
            "'channels' has no element named 'serch'; its names are search, brand.search \
             ('channels' has 2 elements, indices 0 to 1)"
        );
        let error = set_in("channels.search.shifts.3.cvr", Value::Float(1.0)).unwrap_err();
        assert!(error.contains("has one element, index 0"), "{error}");
        let error = set_in("days.first", Value::Float(1.0)).unwrap_err();
        assert_eq!(error, "'days' is an integer, which has no 'first'");
        let error = set_in("channels.search.price.low", Value::Float(1.0)).unwrap_err();
        assert_eq!(
            error,
            "'channels.search.price' is a number, which has no 'low'"
        );
        let error = set_in("name", Value::String("x".into())).unwrap_err();
        assert!(error.starts_with("'name' cannot be changed"), "{error}");
        assert!(set_in("channels..price", Value::Float(1.0)).is_err());
    }
}
