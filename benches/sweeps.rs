//! Several scenarios in one pool against one after another: `cargo bench --bench sweeps`.
//!
//! `two-scenarios/together` runs `budget-bandit run shock.toml fatigue.toml --quiet` (one
//! invocation: every job of both scenarios in one rayon pool, the first scenario's files and
//! charts written while the second simulates); `two-scenarios/one-after-another` runs the two
//! files as two invocations, as a shell loop would. Both write their results folders, charts
//! and reports into a temporary folder, as a user's run does.

use budget_bandit::cli::{Cli, run};
use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;
use std::time::Duration;

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("scenarios/{name}.toml"))
        .display()
        .to_string()
}

fn invoke(files: &[&str], out: &Path) {
    let mut args = vec!["budget-bandit", "run"];
    args.extend(files);
    let out = out.display().to_string();
    args.extend(["--out", &out, "--quiet"]);
    let cli = Cli::try_parse_from(args).expect("the bench's flags parse");
    run(cli).expect("the committed scenarios run");
}

fn two_scenarios(c: &mut Criterion) {
    let (shock, fatigue) = (scenario("shock"), scenario("fatigue"));
    let out = tempfile::TempDir::new().expect("a temporary folder");
    let mut group = c.benchmark_group("two-scenarios");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("together", |b| {
        b.iter(|| invoke(&[&shock, &fatigue], out.path()))
    });
    group.bench_function("one-after-another", |b| {
        b.iter(|| {
            invoke(&[&shock], out.path());
            invoke(&[&fatigue], out.path());
        })
    });
    group.finish();
}

criterion_group!(benches, two_scenarios);
criterion_main!(benches);
