//! What each fuzz target does with one input, shared by the targets (`cargo fuzz run <target>`)
//! and by `tests/fuzz_corpus.rs`, which replays every committed corpus file on stable Rust so
//! that an input that once crashed stays a test. Every function must return, whatever the
//! bytes: no panic, no hang, no allocation the input alone decides.

use budget_bandit::account::file::Account;
use budget_bandit::account::history::parse_history;
use budget_bandit::runner::blocks::blocks;
use budget_bandit::scenario::Scenario;
use budget_bandit::shard::codec::{HEADER, Owner, Reader};
use budget_bandit::simulation::Simulation;
use std::sync::OnceLock;

/// The scenario parser and validator.
pub fn scenario(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Scenario::from_toml("fuzz.toml", text);
    }
}

/// The account file.
pub fn account(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Account::from_toml("fuzz.toml", text, std::path::Path::new(""));
    }
}

/// Four channels, one of each pricing model; campaigns mapped exactly and by pattern.
const ACCOUNT: &str = r#"
name = "fuzz"
daily_budget = 1000.0
currency = "NOK"
history = "fuzz.csv"
ignore_campaigns = ["Old *"]

[channel_of]
"Google | Search | *" = "search"
"Brand" = "search"
"Meta *" = "social"

[[channels]]
name = "search"
pricing = "cpc"

[[channels]]
name = "social"
pricing = "cpm"

[[channels]]
name = "affiliate"
pricing = "cpa"

[[channels]]
name = "leads"
pricing = "cpl"
"#;

fn history_account() -> &'static Account {
    static ACCOUNT_FILE: OnceLock<Account> = OnceLock::new();
    ACCOUNT_FILE.get_or_init(|| {
        Account::from_toml("fuzz.toml", ACCOUNT, std::path::Path::new(""))
            .expect("the fuzz account is valid")
    })
}

/// The history CSV reader under [`ACCOUNT`]. (Bytes that are not UTF-8 are refused before it,
/// by the file reader's decoding.)
pub fn history(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let account = history_account();
    let _ = parse_history(
        "fuzz.csv",
        text,
        &account.columns,
        &account.campaigns,
        &account.channel_specs(),
    );
}

/// `scenarios/default.toml` cut to 30 days and 30 replications: three blocks.
fn shard_scenario() -> &'static Scenario {
    static SCENARIO: OnceLock<Scenario> = OnceLock::new();
    SCENARIO.get_or_init(|| {
        let text = include_str!("../../scenarios/default.toml")
            .replacen("days = 90", "days = 30", 1)
            .replacen("replications = 200", "replications = 30", 1);
        Scenario::from_toml("default.toml", &text).expect("the shipped scenario is valid")
    })
}

/// Reads every block of `bytes` as `merge` does: each must be one of the scenario's, in order.
fn read_blocks(bytes: &[u8], owner: Owner) {
    let scenario = shard_scenario();
    let Ok(mut reader) = Reader::new(bytes, owner) else {
        return;
    };
    let simulation = Simulation::new(scenario);
    for expected in blocks(std::slice::from_ref(scenario)) {
        let Ok(block) = reader.next_block() else {
            return;
        };
        if block != expected {
            return;
        }
        if reader.block_body(block, &simulation).is_err() {
            return;
        }
    }
    let _ = reader.is_done();
}

/// The shard decoder: the input as it is, then sealed with its own checksum and owner, as a
/// forger would, so that the block decoder and its count checks are reached.
pub fn shard_blocks(data: &[u8]) {
    let any = Owner {
        fingerprint: 0,
        shard: 1,
        shards: 1,
    };
    read_blocks(data, any);
    // Sealed with its own owner and checksum.
    let words = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
    };
    let start = HEADER.len();
    let (Some(fingerprint), Some(shard), Some(shards)) =
        (words(start), words(start + 8), words(start + 16))
    else {
        return;
    };
    let mut sealed = data.to_vec();
    sealed.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    read_blocks(
        &sealed,
        Owner {
            fingerprint,
            shard,
            shards,
        },
    );
}
