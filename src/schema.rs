//! JSON Schemas of scenario and account files, generated from the serde structs that read
//! them (`scenario::raw`, `account::file`), so that what an editor checks as you type cannot
//! drift from what `budget-bandit` accepts.
//!
//! The repository commits them as `schema/scenario.json` and `schema/account.json`, and
//! `budget-bandit schema scenario|account` prints the same bytes. A TOML language server
//! (taplo, as in VS Code's "Even Better TOML") picks a schema up from a first line such as
//! `#:schema ../schema/scenario.json` (a path relative to the file, or a URL). The schemas are
//! JSON Schema draft 7, the draft taplo validates with.
//!
//! The schema is the first, coarse check: fields, types, ranges, word lists and which fields
//! apply to which pricing model or policy kind. What needs the whole file (unique names, floors
//! that fit the budget, shares that sum to 1, rates that stay rates under shifts) is left to
//! `validate`, which reports it with line and column.
//!
//! ```
//! use budget_bandit::schema::{FileKind, json};
//!
//! let schema: serde_json::Value = serde_json::from_str(&json(FileKind::Scenario)).unwrap();
//! assert_eq!(schema["title"], "budget-bandit scenario");
//! assert_eq!(schema["additionalProperties"], false);
//! ```

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};

/// The two kinds of file a person writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileKind {
    /// A scenario (or sweep) file: a simulated market and the policies to compare.
    Scenario,
    /// An account file: a real account, its daily history CSV and its constraints.
    Account,
}

impl FileKind {
    /// The kind's name, as on the command line and in `schema/<name>.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Scenario => "scenario",
            FileKind::Account => "account",
        }
    }

    /// The kind of file `text` holds, as far as its top-level keys tell: an account has a
    /// `history` and no `days`; a scenario has `days`, `[[policies]]` or a `[sweep]`. `None`
    /// for text that is not a TOML table or has none of these keys, so a command can name the
    /// wrong kind of file before it reports the fields that kind lacks.
    pub fn of_text(text: &str) -> Option<FileKind> {
        let table = text.parse::<toml::Table>().ok()?;
        let has = |key: &str| table.contains_key(key);
        if has("history") && !has("days") {
            Some(FileKind::Account)
        } else if has("days") || has("policies") || has("sweep") {
            Some(FileKind::Scenario)
        } else {
            None
        }
    }
}

/// The schema of `kind`'s files as pretty-printed JSON with a final newline: the bytes of
/// `schema/<kind>.json`.
pub fn json(kind: FileKind) -> String {
    let schema = match kind {
        FileKind::Scenario => generate::<crate::scenario::raw::RawScenario>(),
        FileKind::Account => generate::<crate::account::file::RawAccount>(),
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The draft 7 schema of `T`, tidied for TOML.
fn generate<T: JsonSchema>() -> Schema {
    let settings = SchemaSettings::draft07().with_transform(RecursiveTransform(for_toml));
    settings.into_generator().into_root_schema_for::<T>()
}

/// TOML has no null and no number formats: an optional field is simply left out, so its
/// schema drops the `null` default serde's `Option` gives it, and the Rust number formats
/// (`double`, `int64`, `uint`) say nothing to someone writing the file. Descriptions are doc
/// comments wrapped for the source: their paragraphs are joined into lines, as an editor
/// shows them.
fn for_toml(schema: &mut Schema) {
    if let Some(serde_json::Value::String(text)) = schema.get_mut("description") {
        *text = text
            .split("\n\n")
            .map(|paragraph| paragraph.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    if schema
        .get("default")
        .is_some_and(serde_json::Value::is_null)
    {
        schema.remove("default");
    }
    if schema
        .get("type")
        .is_some_and(|t| t == "number" || t == "integer")
    {
        schema.remove("format");
    }
}
