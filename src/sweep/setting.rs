//! `--set PATH=VALUE`: one field of the scenario changed from the command line, or, with
//! `PATH=a,b,c`, a sweep axis.

use toml::Value;

/// A `--set` flag: a dotted path (see [`super::path`]) and one value, or several (an axis).
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The dotted path into the scenario.
    pub path: String,
    /// The values, as TOML; more than one makes the setting a sweep axis.
    pub values: Vec<Value>,
    /// The flag's text after `--set`, for messages.
    pub text: String,
}

impl Setting {
    /// Reads `PATH=VALUE` or `PATH=a,b,c`. Each value is TOML (`0.2`, `"cpc"`, `[1.0, 1.2]`,
    /// `{ strength = 0.1, recovery = 0.5 }`); a bare word that is not TOML is taken as a
    /// string (`allocation=winner-takes-all`). Commas inside brackets, braces or quotes do not
    /// separate values.
    pub fn parse(text: &str) -> Result<Setting, String> {
        let Some((path, value)) = text.split_once('=') else {
            return Err(format!(
                "--set takes PATH=VALUE (such as channels.search.price_cv=0.2, or \
                 daily_budget=5000,10000 for a sweep axis), got '{text}'"
            ));
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(format!("--set {text}: the path before '=' is empty"));
        }
        let values = split_top_level(value)
            .into_iter()
            .map(|piece| parse_value(piece).map_err(|why| format!("--set {text}: {why}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Setting {
            path: path.to_owned(),
            values,
            text: text.to_owned(),
        })
    }
}

/// The pieces of `text` between commas that are not inside brackets, braces or quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                pieces.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// One value: TOML, or a bare word as a string.
fn parse_value(piece: &str) -> Result<Value, String> {
    let piece = piece.trim();
    if piece.is_empty() {
        return Err("a value is empty".into());
    }
    if let Ok(mut table) = toml::from_str::<toml::Table>(&format!("value = {piece}"))
        && let Some(value) = table.remove("value")
    {
        return Ok(value);
    }
    let bare = piece
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | ':'));
    if bare {
        Ok(Value::String(piece.to_owned()))
    } else {
        Err(format!(
            "'{piece}' is not a TOML value (numbers as 0.2, strings as \"cpc\" or a bare word, \
             arrays as [1.0, 1.2], tables as {{ strength = 0.1 }})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_or_a_list_of_values() {
        let one = Setting::parse("channels.search.price_cv=0.2").unwrap();
        assert_eq!(one.path, "channels.search.price_cv");
        assert_eq!(one.values, [Value::Float(0.2)]);
        let axis = Setting::parse("daily_budget=5000,10000.0, 20000").unwrap();
        assert_eq!(
            axis.values,
            [
                Value::Integer(5000),
                Value::Float(10000.0),
                Value::Integer(20000)
            ]
        );
        let words = Setting::parse("allocation=winner-takes-all").unwrap();
        assert_eq!(words.values, [Value::String("winner-takes-all".into())]);
    }

    #[test]
    fn commas_inside_brackets_braces_and_quotes_stay_in_their_value() {
        let arrays =
            Setting::parse("channels.search.weekday=[1,1,1,1,1,1.2,1.2],[1,1,1,1,1,1,1]").unwrap();
        assert_eq!(arrays.values.len(), 2);
        assert_eq!(arrays.values[0].as_array().unwrap().len(), 7);
        let tables = Setting::parse(
            "channels.social.fatigue={ strength = 0.1, recovery = 0.5 },{ strength = 0.2, recovery = 0.5 }",
        )
        .unwrap();
        assert_eq!(tables.values.len(), 2);
        let quoted = Setting::parse("description=\"a, b\"").unwrap();
        assert_eq!(quoted.values, [Value::String("a, b".into())]);
    }

    #[test]
    fn malformed_flags_say_what_is_expected() {
        assert!(
            Setting::parse("daily_budget")
                .unwrap_err()
                .contains("PATH=VALUE")
        );
        assert!(
            Setting::parse("=5")
                .unwrap_err()
                .contains("path before '=' is empty")
        );
        assert!(
            Setting::parse("days=1,,2")
                .unwrap_err()
                .contains("a value is empty")
        );
        assert!(
            Setting::parse("x=[1,")
                .unwrap_err()
                .contains("not a TOML value")
        );
    }
}
