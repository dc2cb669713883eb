//! Text written into the TOML files budget-bandit generates (fitted scenarios, account files):
//! names quoted so that any visible name reads back as itself.
//!
//! A value is quoted by the `toml` crate, which writes a name holding both `'` and `"` as a
//! multi-line string (`"""it's "quoted" """`). That is a valid value but not a valid key, so
//! a key (a channel in `shares = { ... }`, a campaign under `[channel_of]`) is written as a
//! basic string with its `\` and `"` escaped instead.

/// `text` as a TOML string value.
///
/// ```
/// use budget_bandit::toml_text::value;
///
/// assert_eq!(value("search"), "\"search\"");
/// ```
pub fn value(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// `text` as a TOML key: as [`value`] writes it where that is a one-line string, otherwise a
/// basic string with escapes.
///
/// ```
/// use budget_bandit::toml_text::key;
///
/// assert_eq!(key("search"), "\"search\"");
/// assert_eq!(key(r#"it's "quoted""#), r#""it's \"quoted\"""#);
/// ```
pub fn key(text: &str) -> String {
    let quoted = value(text);
    if !quoted.starts_with("\"\"\"") && !quoted.starts_with("'''") {
        return quoted;
    }
    let mut basic = String::with_capacity(text.len() + 2);
    basic.push('"');
    for c in text.chars() {
        match c {
            '"' => basic.push_str("\\\""),
            '\\' => basic.push_str("\\\\"),
            c if c.is_control() => basic.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => basic.push(c),
        }
    }
    basic.push('"');
    basic
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key reads back as the name it was made of, in a table TOML parses.
    #[test]
    fn keys_read_back_as_their_names() {
        for name in [
            "search",
            "it's",
            r#"say "hi""#,
            r#"it's "quoted""#,
            r#"back\slash "and" 'both'"#,
            "æøå | Søk",
        ] {
            let text = format!("shares = {{ {} = 1.0 }}", key(name));
            let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            let shares = table["shares"].as_table().unwrap();
            assert!(shares.contains_key(name), "{text}");
        }
    }
}
