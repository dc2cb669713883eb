//! The README and the pages of `docs/` hold together: their links lead somewhere, and the
//! commands they show are commands budget-bandit accepts.
//!
//! - Every relative link and image of `README.md` and `docs/*.md` names a file of the
//!   repository, and every `#anchor` (on the page itself or on `page.md#anchor`) is a heading
//!   of that page, by GitHub's rules for heading anchors. Web links are not followed.
//! - Every line of a `sh`, `bash` or `console` block that starts with `budget-bandit `,
//!   `$ budget-bandit ` or `cargo run --release -- ` names a subcommand that exists and only
//!   flags that its `--help` lists. The quick ones that write nothing outside a folder of
//!   their own (`validate`, `schema`, `completions`, `man`, `init`, `history`) are run, and
//!   must exit with code 0.
//!
//! A failure names the page and the line.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `README.md` and every page of `docs/`.
fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.insert(0, root().join("README.md"));
    pages
}

/// The page's path as a reader names it: relative to the repository.
fn shown(page: &Path) -> String {
    page.strip_prefix(root())
        .unwrap_or(page)
        .display()
        .to_string()
}

/// One line of a page, with its number (from 1) and the fenced block it sits in: `None` for
/// prose, else the block's info string (`sh`, `text`, or empty).
struct Line<'a> {
    number: usize,
    text: &'a str,
    block: Option<&'a str>,
}

fn lines(page: &str) -> Vec<Line<'_>> {
    let mut block: Option<&str> = None;
    let mut out = Vec::new();
    for (i, text) in page.lines().enumerate() {
        let trimmed = text.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            block = match block {
                None => Some(info.trim()),
                Some(_) => None,
            };
            continue;
        }
        out.push(Line {
            number: i + 1,
            text,
            block,
        });
    }
    out
}

/// The anchor GitHub gives a heading: lower case, spaces to `-`, every character but letters,
/// digits, `-` and `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a page's headings (outside code blocks); a heading met again gets `-1`,
/// `-2`, ... as on GitHub.
fn anchors(page: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for line in lines(page) {
        if line.block.is_some() {
            continue;
        }
        let hashes = line.text.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line.text[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(&line.text[hashes..]);
        let count = seen.entry(base.clone()).or_insert(0);
        out.insert(if *count == 0 {
            base.clone()
        } else {
            format!("{base}-{count}")
        });
        *count += 1;
    }
    out
}

/// The line without its code spans, whose brackets are not links.
fn without_code(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
    }
    out
}

/// The targets of the inline links and images `[text](target)` and of reference definitions
/// `[name]: target` on a line of prose.
fn targets(text: &str) -> Vec<String> {
    let text = without_code(text);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        if let Some(end) = after.find(')') {
            let target = after[..end].split_whitespace().next().unwrap_or("");
            out.push(target.trim_matches(|c| c == '<' || c == '>').to_owned());
        }
        rest = after;
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('[')
        && let Some(at) = trimmed.find("]:")
        && let Some(target) = trimmed[at + 2..].split_whitespace().next()
    {
        out.push(target.to_owned());
    }
    out
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        for line in lines(&text) {
            if line.block.is_some() {
                continue;
            }
            for target in targets(line.text) {
                if target.is_empty()
                    || target.starts_with("http://")
                    || target.starts_with("https://")
                    || target.starts_with("mailto:")
                {
                    continue;
                }
                checked += 1;
                let (file, anchor) = match target.split_once('#') {
                    Some((file, anchor)) => (file, Some(anchor)),
                    None => (target.as_str(), None),
                };
                let linked = if file.is_empty() {
                    page.clone()
                } else {
                    page.parent().unwrap().join(file)
                };
                let at = format!("{}:{}", shown(&page), line.number);
                if !linked.exists() {
                    broken.push(format!("{at}: `{target}`: no file {}", linked.display()));
                    continue;
                }
                if let Some(anchor) = anchor {
                    if linked.extension().is_none_or(|e| e != "md") {
                        continue;
                    }
                    let headings = anchors(&fs::read_to_string(&linked).unwrap());
                    if !headings.contains(anchor) {
                        broken.push(format!(
                            "{at}: `{target}`: {} has no heading with the anchor #{anchor}",
                            shown(&linked)
                        ));
                    }
                }
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} links found: the parser lost them"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// A command shown in a page: where it is, and its words after `budget-bandit`.
struct Shown {
    at: String,
    words: Vec<String>,
}

/// The words of a shell line, quotes removed, up to its first `#` comment, pipe, redirection
/// or `&&`.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, '#') if word.is_empty() && !started => break,
            (None, '|' | '>' | '<' | ';' | '&') if word.is_empty() && !started => break,
            (None, c) => word.push(c),
        }
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    words
}

/// Every budget-bandit command in a shell block of the pages, continuation lines joined.
fn shown_commands() -> Vec<Shown> {
    let mut out = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        let all = lines(&text);
        let mut i = 0;
        while i < all.len() {
            let line = &all[i];
            i += 1;
            if !matches!(line.block, Some("sh" | "bash" | "console")) {
                continue;
            }
            let trimmed = line.text.trim_start();
            let trimmed = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
            let rest = if let Some(rest) = trimmed.strip_prefix("budget-bandit ") {
                rest
            } else if let Some(rest) = trimmed.strip_prefix("cargo run --release -- ") {
                rest
            } else {
                continue;
            };
            let mut command = rest.to_owned();
            while command.trim_end().ends_with('\\') && i < all.len() {
                command = command.trim_end().trim_end_matches('\\').to_owned();
                command.push(' ');
                command.push_str(all[i].text.trim());
                i += 1;
            }
            out.push(Shown {
                at: format!("{}:{}", shown(&page), line.number),
                words: shell_words(&command),
            });
        }
    }
    out
}

/// Every flag a help text names: `--long` and `-s`.
fn flags_in(help: &str) -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    for token in help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']') {
        let token = token.split(['=', '<']).next().unwrap();
        let name = token.trim_start_matches('-');
        let dashes = token.len() - name.len();
        if (dashes == 1 || dashes == 2)
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            flags.insert(token.to_owned());
        }
    }
    flags
}

/// The subcommands `budget-bandit --help` lists.
fn subcommands() -> BTreeSet<String> {
    let help = common::budget_bandit(&["--help"]);
    assert_eq!(help.code, 0, "budget-bandit --help: {}", help.stderr);
    help.stdout
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Copies `relative` from the repository into `folder` at the same relative path.
fn copy_in(folder: &Path, relative: &str) {
    let to = folder.join(relative);
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    fs::copy(root().join(relative), to).unwrap();
}

#[test]
fn every_command_shown_is_one_budget_bandit_accepts() {
    let commands = shown_commands();
    assert!(
        commands.len() > 10,
        "only {} commands found: the parser lost them",
        commands.len()
    );
    let known = subcommands();
    assert!(known.contains("recommend"), "subcommands: {known:?}");
    let mut help: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut ran = 0;
    for Shown { at, words } in &commands {
        let Some(subcommand) = words.first() else {
            wrong.push(format!("{at}: no subcommand"));
            continue;
        };
        if subcommand.starts_with('-') {
            continue;
        }
        if !known.contains(subcommand) {
            wrong.push(format!(
                "{at}: `{subcommand}` is no subcommand of budget-bandit (they are {known:?})"
            ));
            continue;
        }
        let flags = help.entry(subcommand.clone()).or_insert_with(|| {
            let out = common::budget_bandit(&[subcommand, "--help"]);
            assert_eq!(
                out.code, 0,
                "budget-bandit {subcommand} --help: {}",
                out.stderr
            );
            flags_in(&out.stdout)
        });
        for word in &words[1..] {
            let flag = word.split('=').next().unwrap();
            if flag.starts_with('-') && flag != "-" && !flags.contains(flag) {
                wrong.push(format!(
                    "{at}: `budget-bandit {subcommand} --help` lists no flag `{flag}`"
                ));
            }
        }
        // Run the quick ones that write nothing outside a folder of their own.
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let exists = |word: &str| root().join(word).is_file();
        let outcome = match subcommand.as_str() {
            "schema" | "completions" | "man" => Some(common::budget_bandit_in(&root(), &args)),
            "validate" => {
                // Run where every file it names is in the repository (not a placeholder).
                let mut files = args[1..]
                    .iter()
                    .filter(|word| word.ends_with(".toml") || word.ends_with(".csv"));
                files
                    .all(|word| exists(word))
                    .then(|| common::budget_bandit_in(&root(), &args))
            }
            "init" | "history" => {
                // Inputs the command reads: the file after `--from`, or `history`'s scenario.
                let inputs: Vec<&str> = match subcommand.as_str() {
                    "init" => args
                        .windows(2)
                        .filter(|pair| pair[0] == "--from")
                        .map(|pair| pair[1])
                        .collect(),
                    _ => args.get(1).copied().into_iter().collect(),
                };
                inputs.iter().all(|word| exists(word)).then(|| {
                    let folder = tempfile::TempDir::new().unwrap();
                    for input in &inputs {
                        copy_in(folder.path(), input);
                    }
                    common::budget_bandit_in(folder.path(), &args)
                })
            }
            _ => None,
        };
        if let Some(out) = outcome {
            ran += 1;
            if out.code != 0 {
                wrong.push(format!(
                    "{at}: `budget-bandit {}` exits with code {}: {}",
                    args.join(" "),
                    out.code,
                    out.stderr.trim()
                ));
            }
        }
    }
    assert!(ran > 3, "only {ran} commands were run");
    assert!(
        wrong.is_empty(),
        "commands in the docs that budget-bandit does not accept:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_slugs_follow_githubs_rules() {
    assert_eq!(
        slug("Recommend: tomorrow's split from an account's history"),
        "recommend-tomorrows-split-from-an-accounts-history"
    );
    assert_eq!(slug("`[[policies]]`"), "policies");
    assert_eq!(
        slug("What split should I run tomorrow?"),
        "what-split-should-i-run-tomorrow"
    );
    assert_eq!(slug("Sweeps and clusters"), "sweeps-and-clusters");
    let twice = anchors("# A\n\n```sh\n# not a heading\n```\n## A\n");
    assert_eq!(twice, BTreeSet::from(["a".to_owned(), "a-1".to_owned()]));
    assert_eq!(
        targets("see [x](a.md#b), `[y](not.md)` and ![i](../c.png \"t\")"),
        ["a.md#b", "../c.png"]
    );
    assert_eq!(
        shell_words("run a.toml --out 'x y' # comment"),
        ["run", "a.toml", "--out", "x y"]
    );
    assert_eq!(shell_words("man > page.1 && man ./page.1"), ["man"]);
}
