//! Speed of `recommend` on an account of realistic size: two years of daily history for twenty
//! channels (`benches/twenty-channels.toml` played by epsilon-greedy), the figure of
//! `docs/benchmarks.md`:
//! `cargo bench --bench recommend`.
//!
//! Three steps are timed apart: reading the history CSV (14,600 rows), the recommendation with
//! the default 1,000 posterior draws (fit, replay, draws, solves, outlooks), and the whole
//! command's work without writing files.

use budget_bandit::account::export::{default_start, export_history};
use budget_bandit::account::file::Account;
use budget_bandit::account::history::parse_history;
use budget_bandit::recommend::{DEFAULT_DRAWS, Settings, recommend};
use budget_bandit::scenario::Scenario;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn recommend_two_years(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/twenty-channels.toml");
    let scenario = Scenario::load(&path).expect("the benchmark scenario is valid");
    let policy = &scenario.policies[0];
    let exported = export_history(&scenario, policy, 0, default_start(scenario.start_weekday));
    let account = Account::from_toml("twenty-channels.toml", &exported.account, Path::new(""))
        .expect("the exported account is valid");
    let read = || {
        parse_history(
            "twenty-channels.csv",
            &exported.csv,
            &account.columns,
            &account.campaigns,
            &account.channel_specs(),
        )
        .expect("the exported history is valid")
    };
    let history = read();
    let settings = Settings {
        draws: DEFAULT_DRAWS,
        seed: 1,
        plan_days: 0,
    };
    let mut group = c.benchmark_group("recommend/730-days-20-channels");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("read history", |b| b.iter(|| black_box(read())));
    group.bench_function("recommend", |b| {
        b.iter(|| black_box(recommend(&account, &history, settings).expect("recommends")))
    });
    group.bench_function("read and recommend", |b| {
        b.iter(|| black_box(recommend(&account, &read(), settings).expect("recommends")))
    });
    group.finish();
}

criterion_group!(benches, recommend_two_years);
criterion_main!(benches);
