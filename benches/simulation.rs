//! Speed of the simulation loop: one replication of one policy, per policy.
//!
//! Throughput is reported in channel-days (days × channels of a replication), the unit the
//! README quotes: `cargo bench --bench simulation`.

use budget_bandit::scenario::Scenario;
use budget_bandit::simulation::Simulation;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn bench_scenario(c: &mut Criterion, scenario: &Scenario) {
    let simulation = Simulation::new(scenario);
    let mut group = c.benchmark_group(format!("replication/{}", scenario.name));
    group.throughput(Throughput::Elements(
        (scenario.days * scenario.channels.len()) as u64,
    ));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for policy in &scenario.policies {
        let mut replication = 0;
        group.bench_function(&policy.name, |b| {
            b.iter(|| {
                replication += 1;
                black_box(simulation.run(policy, replication))
            })
        });
    }
    group.finish();
}

fn simulation_loop(c: &mut Criterion) {
    bench_scenario(c, &Scenario::builtin_default());
    let classic = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classic-bernoulli.toml");
    bench_scenario(
        c,
        &Scenario::load(&classic).expect("the classic scenario is valid"),
    );
}

criterion_group!(benches, simulation_loop);
criterion_main!(benches);
