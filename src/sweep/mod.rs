//! Sweeps: one scenario made into many, each with a few fields changed, run side by side.
//!
//! A scenario file may carry a `[sweep]` table whose keys are dotted paths into the scenario
//! (see [`path`]) and whose values are lists; `run --set PATH=a,b,c` adds an axis from the
//! command line, `--set PATH=VALUE` changes one field of every variant. With axes
//! `a_1 … a_m` of `n_1 … n_m` values the variants are
//!
//! ```text
//! product (default):  n_1 × n_2 × … × n_m variants, the first axis varying slowest
//! zip:                n variants (every axis has n values), variant i takes value i of each
//! ```
//!
//! A sweep is expanded on the TOML before validation: each variant is the file with its
//! values written in and the `[sweep]` table taken out, validated like a file of its own, so a
//! value that is invalid for its field is an error pointing at the value in the `[sweep]`
//! table. The file without its axes must be valid as it stands. Every variant is checked
//! before anything runs.
//!
//! A variant's scenario is named `<scenario>.<variant>`, the variant being named from its
//! values (`daily_budget-5000_epsilon-0.05`); its results folder `<variant>/` sits in the
//! sweep's, and the `scenario.toml` written there replays it alone. Variants face common
//! random numbers: random streams are keyed by seed, replication, channel name, day and
//! policy name (see [`crate::streams`]), never by the scenario, so every variant draws the
//! same numbers wherever it did not change the channel, and differences between variants are
//! paired.

pub mod output;
pub mod path;
pub mod setting;

pub use setting::Setting;

use crate::error::ScenarioError;
use crate::scenario::{Overrides, Scenario};
use std::ops::Range;
use std::path::Path;
use toml::Value;

/// At most this many variants in one sweep.
pub const MAX_VARIANTS: usize = 10_000;

/// How the axes of a sweep combine into variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every combination of the axes' values.
    #[default]
    Product,
    /// The i-th value of every axis together; every axis has as many values.
    Zip,
}

impl Mode {
    /// The name used in `[sweep]` tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Product => "product",
            Mode::Zip => "zip",
        }
    }
}

/// The `[sweep]` table as a JSON Schema (for the scenario file's schema): `mode`, and axes
/// whose keys are dotted paths and whose values are non-empty lists (see [`file_axes`]).
pub(crate) struct SweepTable;

impl schemars::JsonSchema for SweepTable {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Sweep".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let modes = [Mode::Product.as_str(), Mode::Zip.as_str()];
        schemars::json_schema!({
            "type": "object",
            "properties": {
                "mode": {
                    "description": "How the axes combine: `product` (every combination of \
                                    their values, the first axis varying slowest) or `zip` \
                                    (variant i takes value i of every axis, all axes of one \
                                    length). Default: `product`.",
                    "enum": modes,
                    "default": Mode::default().as_str(),
                },
            },
            "additionalProperties": generator.subschema_for::<SweepAxis>(),
        })
    }
}

/// One key of a `[sweep]` table other than `mode`: a list of values, or a table of axes when
/// the key is unquoted and dotted (TOML reads `channels.search.value = [...]` as nested
/// tables, which [`file_axes`] joins back into the path).
struct SweepAxis;

impl schemars::JsonSchema for SweepAxis {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SweepAxis".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An axis: a dotted path into the scenario and the values it takes, \
                            such as `daily_budget = [5000.0, 10000.0]` or \
                            `\"channels.search.price_cv\" = [0.0, 0.2]` (a channel or policy \
                            by name, lists by zero-based index).",
            "anyOf": [
                { "type": "array", "minItems": 1 },
                {
                    "type": "object",
                    "additionalProperties": generator.subschema_for::<SweepAxis>(),
                },
            ],
        })
    }
}

/// Where an axis was given: for messages.
#[derive(Debug, Clone, PartialEq)]
enum AxisSite {
    /// In the `[sweep]` table: the key's and each value's byte range in the file.
    File {
        key: Range<usize>,
        values: Vec<Range<usize>>,
    },
    /// On the command line, `--set` with this text.
    Flag(String),
}

/// One axis of a sweep: a field and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The dotted path into the scenario.
    pub path: String,
    /// Its short name in variant names and charts: the path's last key, or more of it where
    /// two axes share a last key.
    pub label: String,
    /// The values, in the order given.
    pub values: Vec<Value>,
    site: AxisSite,
}

impl Axis {
    /// Value `index` as written in a table cell (numbers as numbers, strings without quotes).
    pub fn value_text(&self, index: usize) -> String {
        match &self.values[index] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

/// One variant of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The variant's folder name, from its values.
    pub name: String,
    /// Per axis, the index of the variant's value.
    pub values: Vec<usize>,
}

/// A scenario file with a `[sweep]` table (or `--set` axes), expanded and validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The scenario's name, the sweep's results folder.
    pub name: String,
    /// The scenario's description.
    pub description: String,
    /// Where it came from.
    pub origin: String,
    /// The axes, in file order, then those of `--set`.
    pub axes: Vec<Axis>,
    /// How the axes combine.
    pub mode: Mode,
    /// The variants, the first axis varying slowest.
    pub variants: Vec<Variant>,
    /// The variants' scenarios, in variant order (what the runner runs; see
    /// [`Sweep::scenario`]).
    scenarios: Vec<Scenario>,
    /// The file's warnings, with the run's overrides (positions in the file as written).
    warnings: Vec<String>,
}

impl Sweep {
    /// The variants' scenarios, in variant order.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The scenario variant `index` runs.
    pub fn scenario(&self, index: usize) -> &Scenario {
        &self.scenarios[index]
    }
}

/// A scenario file's text and origin with the command-line changes of a run (`--set`,
/// `--days`, `--replications`, `--seed`, `--policies`): everything a study is made from, so
/// that a merge of shards rebuilds the study of the run that wrote them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StudyInput {
    /// Where the file came from (a path, or the built-in default).
    pub origin: String,
    /// The file's text.
    pub source: String,
    /// The `--set` flags' texts, in order.
    pub set: Vec<String>,
    /// `--days`.
    pub days: Option<u64>,
    /// `--replications`.
    pub replications: Option<u64>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--policies`.
    pub policies: Option<Vec<String>>,
}

impl StudyInput {
    /// Reads the file at `path`, with the run's `settings` and `overrides`.
    pub fn load(
        path: &Path,
        settings: &[Setting],
        overrides: &Overrides,
    ) -> Result<StudyInput, ScenarioError> {
        let origin = path.display().to_string();
        let source = crate::error::read_input_text(path, crate::error::MAX_TEXT_FILE_BYTES)
            .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read: {e}")))?;
        Ok(StudyInput::new(origin, source, settings, overrides))
    }

    /// The input of `source` from `origin`, with the run's `settings` and `overrides`.
    pub fn new(
        origin: String,
        source: String,
        settings: &[Setting],
        overrides: &Overrides,
    ) -> StudyInput {
        StudyInput {
            origin,
            source,
            set: settings.iter().map(|s| s.text.clone()).collect(),
            days: overrides.days,
            replications: overrides.replications,
            seed: overrides.seed,
            policies: overrides.policies.clone(),
        }
    }

    /// The study: the file expanded and validated with the changes applied.
    pub fn study(&self) -> Result<Study, ScenarioError> {
        let settings = self
            .set
            .iter()
            .map(|text| Setting::parse(text))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|why| ScenarioError::whole_file(&self.origin, why))?;
        let overrides = Overrides {
            days: self.days,
            replications: self.replications,
            seed: self.seed,
            policies: self.policies.clone(),
        };
        Study::from_toml(&self.origin, &self.source, &settings, &overrides)
    }
}

/// What one scenario file of a run becomes: a scenario, or a sweep of variants.
#[derive(Debug, Clone, PartialEq)]
pub enum Study {
    /// A scenario without axes.
    Scenario(Box<Scenario>),
    /// A sweep.
    Sweep(Sweep),
}

impl Study {
    /// Parses, expands and validates scenario TOML; `origin` names it in messages.
    pub fn from_toml(
        origin: &str,
        source: &str,
        settings: &[Setting],
        overrides: &Overrides,
    ) -> Result<Study, ScenarioError> {
        let file = Scenario::from_toml(origin, source)?;
        let (mut axes, mode) = file_axes(origin, source)?;
        let flag_error = |setting: &Setting, why: String| {
            ScenarioError::whole_file(origin, format!("--set {}: {why}", setting.text))
        };
        let mut base: toml::Table =
            toml::from_str(source).expect("a validated scenario parses as a TOML table");
        base.remove("sweep");
        let defaults = || file.kind_tables();
        let mut changed = false;
        for setting in settings {
            if let [value] = setting.values.as_slice() {
                path::set(&mut base, &setting.path, value.clone(), &defaults)
                    .map_err(|why| flag_error(setting, why))?;
                changed = true;
            } else {
                let axis = Axis {
                    path: setting.path.clone(),
                    label: String::new(),
                    values: setting.values.clone(),
                    site: AxisSite::Flag(setting.text.clone()),
                };
                match axes.iter().position(|a| a.path == axis.path) {
                    Some(at) => axes[at] = axis,
                    None => axes.push(axis),
                }
            }
        }
        // The file with its single `--set` values must be valid on its own.
        let set_once = if changed {
            let text = toml::to_string(&base).expect("a TOML table serialises");
            Some(Scenario::from_toml(origin, &text).map_err(|error| {
                ScenarioError::whole_file(
                    origin,
                    format!("with --set {}: {}", set_list(settings), error.message),
                )
            })?)
        } else {
            None
        };
        if axes.is_empty() {
            let scenario = set_once.unwrap_or(file);
            return Ok(Study::Scenario(Box::new(
                scenario.with_overrides(overrides)?,
            )));
        }
        label_axes(&mut axes);
        let combinations = combinations(&axes, mode)
            .map_err(|why| ScenarioError::new(origin, source, sweep_span(source), why))?;
        let names = variant_names(&axes, &combinations);
        let mut variants = Vec::with_capacity(combinations.len());
        let mut scenarios = Vec::with_capacity(combinations.len());
        for (values, folder) in combinations.into_iter().zip(names) {
            let scenario_name = variant_scenario_name(&file.name, &folder);
            let mut table = base.clone();
            for (axis, &index) in axes.iter().zip(&values) {
                path::set(
                    &mut table,
                    &axis.path,
                    axis.values[index].clone(),
                    &defaults,
                )
                .map_err(|why| axis_error(origin, source, axis, None, &why))?;
            }
            table.insert("name".into(), Value::String(scenario_name));
            let text = toml::to_string(&table).expect("a TOML table serialises");
            let scenario = match Scenario::from_toml(origin, &text) {
                Ok(scenario) => scenario,
                Err(error) => {
                    return Err(blame(
                        origin, source, &base, &axes, &values, &defaults, &error,
                    ));
                }
            };
            scenarios.push(scenario.with_overrides(overrides)?);
            variants.push(Variant {
                name: folder,
                values,
            });
        }
        // Variants are validated from rewritten text; the file's own positions are the ones
        // to show.
        let warnings = file
            .clone()
            .with_overrides(overrides)
            .map(|base| base.warnings())
            .unwrap_or_default();
        Ok(Study::Sweep(Sweep {
            name: file.name.clone(),
            description: file.description.clone(),
            origin: origin.to_owned(),
            axes,
            mode,
            variants,
            scenarios,
            warnings,
        }))
    }

    /// The name of its results folder.
    pub fn name(&self) -> &str {
        match self {
            Study::Scenario(scenario) => &scenario.name,
            Study::Sweep(sweep) => &sweep.name,
        }
    }

    /// Where it came from.
    pub fn origin(&self) -> &str {
        match self {
            Study::Scenario(scenario) => &scenario.origin,
            Study::Sweep(sweep) => &sweep.origin,
        }
    }

    /// The scenarios it runs: itself, or its variants.
    pub fn scenarios(&self) -> &[Scenario] {
        match self {
            Study::Scenario(scenario) => std::slice::from_ref(scenario),
            Study::Sweep(sweep) => sweep.scenarios(),
        }
    }

    /// The study's warnings (see [`Scenario::warnings`]): the scenario's, or for a sweep the
    /// file's with the run's overrides, at their place in the file.
    pub fn warnings(&self) -> Vec<String> {
        match self {
            Study::Scenario(scenario) => scenario.warnings(),
            Study::Sweep(sweep) => sweep.warnings.clone(),
        }
    }
}

/// The `--set` flags, for a message.
fn set_list(settings: &[Setting]) -> String {
    settings
        .iter()
        .filter(|s| s.values.len() == 1)
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(", --set ")
}

/// The byte range of the `[sweep]` table's header or key in `source`.
fn sweep_span(source: &str) -> Option<Range<usize>> {
    let table = toml::de::DeTable::parse(source).ok()?;
    table
        .get_ref()
        .iter()
        .find(|(key, _)| key.get_ref() == "sweep")
        .map(|(key, _)| key.span())
}

/// The axes and mode of the file's `[sweep]` table, in file order.
fn file_axes(origin: &str, source: &str) -> Result<(Vec<Axis>, Mode), ScenarioError> {
    use toml::de::{DeTable, DeValue};
    let fail = |span: Range<usize>, message: String| {
        Err(ScenarioError::new(origin, source, Some(span), message))
    };
    let Ok(table) = DeTable::parse(source) else {
        return Ok((Vec::new(), Mode::Product));
    };
    let Some((key, sweep)) = table
        .get_ref()
        .iter()
        .find(|(key, _)| key.get_ref() == "sweep")
    else {
        return Ok((Vec::new(), Mode::Product));
    };
    let DeValue::Table(sweep) = sweep.get_ref() else {
        return fail(
            key.span(),
            "sweep must be a table of axes: dotted paths with lists of values, such as \
             daily_budget = [5000.0, 10000.0]"
                .into(),
        );
    };
    let mut mode = Mode::Product;
    let mut axes = Vec::new();
    // Tables under [sweep] are paths written as nested keys: flatten them.
    let mut pending: Vec<(String, &DeTable)> = vec![(String::new(), sweep)];
    while let Some((prefix, table)) = pending.pop() {
        for (key, value) in table.iter() {
            let path = format!("{prefix}{}", key.get_ref());
            match value.get_ref() {
                DeValue::String(text) if path == "mode" => {
                    mode = match text.as_ref() {
                        "product" => Mode::Product,
                        "zip" => Mode::Zip,
                        other => {
                            return fail(
                                value.span(),
                                format!(
                                    "sweep mode must be \"product\" (every combination of the \
                                     axes' values) or \"zip\" (the i-th values together), got \
                                     \"{other}\""
                                ),
                            );
                        }
                    }
                }
                DeValue::Table(inner) => pending.push((format!("{path}."), inner)),
                DeValue::Array(values) => {
                    if values.is_empty() {
                        return fail(
                            value.span(),
                            format!(
                                "sweep axis '{path}' is an empty list; give it at least one value"
                            ),
                        );
                    }
                    let mut parsed = Vec::with_capacity(values.len());
                    for element in values.iter() {
                        let text = &source[element.span()];
                        let Ok(mut one) = toml::from_str::<toml::Table>(&format!("value = {text}"))
                        else {
                            return fail(
                                element.span(),
                                format!("sweep axis '{path}': cannot read this value"),
                            );
                        };
                        parsed.push(one.remove("value").expect("parsed above"));
                    }
                    if axes.iter().any(|a: &Axis| a.path == path) {
                        return fail(key.span(), format!("sweep axis '{path}' is given twice"));
                    }
                    axes.push(Axis {
                        path,
                        label: String::new(),
                        values: parsed,
                        site: AxisSite::File {
                            key: key.span(),
                            values: values.iter().map(|v| v.span()).collect(),
                        },
                    });
                }
                _ => {
                    return fail(
                        value.span(),
                        format!(
                            "sweep axis '{path}' must be a list of values, such as \
                             {path} = [0.1, 0.2]; `mode` is the only other key"
                        ),
                    );
                }
            }
        }
    }
    axes.sort_by_key(|axis| match &axis.site {
        AxisSite::File { key, .. } => key.start,
        AxisSite::Flag(_) => usize::MAX,
    });
    Ok((axes, mode))
}

/// Gives every axis its label: the last key of its path, with more keys where two axes would
/// share one.
fn label_axes(axes: &mut [Axis]) {
    let keys: Vec<Vec<&str>> = axes.iter().map(|a| a.path.split('.').collect()).collect();
    let mut labels = Vec::with_capacity(axes.len());
    for (i, own) in keys.iter().enumerate() {
        let mut take = 1;
        let label = |take: usize, keys: &[&str]| keys[keys.len().saturating_sub(take)..].join(".");
        while take < own.len()
            && keys
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && label(take, other) == label(take, own))
        {
            take += 1;
        }
        labels.push(label(take, own));
    }
    for (axis, label) in axes.iter_mut().zip(labels) {
        axis.label = label;
    }
}

/// The variants' value indices, the first axis varying slowest.
fn combinations(axes: &[Axis], mode: Mode) -> Result<Vec<Vec<usize>>, String> {
    match mode {
        Mode::Zip => {
            let n = axes[0].values.len();
            if let Some(other) = axes.iter().find(|a| a.values.len() != n) {
                return Err(format!(
                    "sweep mode \"zip\" takes the i-th value of every axis together, so every \
                     axis needs as many values: '{}' has {n}, '{}' has {}",
                    axes[0].path,
                    other.path,
                    other.values.len()
                ));
            }
            Ok((0..n).map(|i| vec![i; axes.len()]).collect())
        }
        Mode::Product => {
            let count = axes
                .iter()
                .try_fold(1usize, |n, a| n.checked_mul(a.values.len()))
                .filter(|&n| n <= MAX_VARIANTS);
            let Some(count) = count else {
                let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
                return Err(format!(
                    "the sweep's axes make {} variants; at most {MAX_VARIANTS} are allowed",
                    sizes.join(" × ")
                ));
            };
            Ok((0..count)
                .map(|mut i| {
                    let mut values = vec![0; axes.len()];
                    for (slot, axis) in values.iter_mut().zip(axes).rev() {
                        *slot = i % axis.values.len();
                        i /= axis.values.len();
                    }
                    values
                })
                .collect())
        }
    }
}

/// A value as part of a folder name, where it can be one: numbers in their shortest form,
/// words with characters outside `A-Z a-z 0-9 - _ .` made `-`.
fn value_label(value: &Value) -> Option<String> {
    match value {
        Value::Integer(i) => Some(i.to_string()),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => {
            Some(format!("{}", *f as i64))
        }
        Value::Float(f) if f.is_finite() => Some(format!("{f}")),
        Value::Boolean(b) => Some(b.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(
            s.trim()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '-'
                    }
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The variants' folder names: `label-value` per axis joined by `_` (a value that is not a
/// number or word by its position, from 1), or `variant-N` where that would be too long or
/// taken; unique, letter case aside.
fn variant_names(axes: &[Axis], combinations: &[Vec<usize>]) -> Vec<String> {
    let width = combinations.len().to_string().len();
    let mut names: Vec<String> = Vec::with_capacity(combinations.len());
    for (n, values) in combinations.iter().enumerate() {
        let parts: Vec<String> = axes
            .iter()
            .zip(values)
            .map(|(axis, &i)| {
                let value = value_label(&axis.values[i]).unwrap_or_else(|| (i + 1).to_string());
                format!("{}-{value}", axis.label)
            })
            .collect();
        let mut name = parts.join("_");
        let taken = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        if name.len() > 48 || name.starts_with('.') || taken(&name) {
            name = format!("variant-{:0width$}", n + 1);
        }
        names.push(name);
    }
    names
}

/// A variant's scenario name: `<scenario>.<variant>`, or the variant's alone where that
/// would pass the 64 characters a name may have.
fn variant_scenario_name(scenario: &str, variant: &str) -> String {
    let full = format!("{scenario}.{variant}");
    if full.len() <= 64 {
        full
    } else {
        variant.to_owned()
    }
}

/// An error about value `index` of `axis` (or the axis as a whole).
fn axis_error(
    origin: &str,
    source: &str,
    axis: &Axis,
    index: Option<usize>,
    why: &str,
) -> ScenarioError {
    let value = index
        .map(|i| format!(" = {}", axis.values[i]))
        .unwrap_or_default();
    match &axis.site {
        AxisSite::File { key, values } => {
            let span = index.map_or(key.clone(), |i| values[i].clone());
            ScenarioError::new(
                origin,
                source,
                Some(span),
                format!("sweep axis '{}'{value}: {why}", axis.path),
            )
        }
        AxisSite::Flag(text) => ScenarioError::whole_file(
            origin,
            format!("--set {text}: sweep axis '{}'{value}: {why}", axis.path),
        ),
    }
}

/// The error of an invalid variant, pinned on the axis whose value alone makes the file
/// invalid, or on the combination when no value alone does.
fn blame(
    origin: &str,
    source: &str,
    base: &toml::Table,
    axes: &[Axis],
    values: &[usize],
    defaults: &dyn Fn() -> Vec<Value>,
    error: &ScenarioError,
) -> ScenarioError {
    for (axis, &index) in axes.iter().zip(values) {
        let mut alone = base.clone();
        if path::set(&mut alone, &axis.path, axis.values[index].clone(), defaults).is_err() {
            continue;
        }
        let text = toml::to_string(&alone).expect("a TOML table serialises");
        if let Err(own) = Scenario::from_toml(origin, &text) {
            return axis_error(origin, source, axis, Some(index), &own.message);
        }
    }
    let combination: Vec<String> = axes
        .iter()
        .zip(values)
        .map(|(axis, &i)| format!("{} = {}", axis.path, axis.values[i]))
        .collect();
    ScenarioError::new(
        origin,
        source,
        sweep_span(source),
        format!(
            "the sweep's variant {} is invalid: {}",
            combination.join(", "),
            error.message
        ),
    )
}

#[cfg(test)]
mod tests;
