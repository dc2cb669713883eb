//! Speed of the simulation loop: one replication of one policy, per policy.
//!
//! Throughput is reported in channel-days (days × channels of a replication), the unit the
//! README quotes: `cargo bench --bench simulation`.
//!
//! `floor/classic-bernoulli` is what winner-takes-all Thompson sampling cannot go below on the
//! classic instance: per day, one Beta draw per arm from its posterior, an argmax and one
//! Bernoulli outcome, with nothing else (no bookkeeping, no projection, no regret). Its time
//! per replication is the yardstick for `replication/classic-bernoulli/thompson`.

use budget_bandit::scenario::{Allocation, Scenario};
use budget_bandit::simulation::Simulation;
use budget_bandit::streams::ReplicationStreams;
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

/// Beta-Bernoulli Thompson sampling reduced to its draws (see the module docs).
fn sampling_floor(c: &mut Criterion) {
    use rand::RngExt;
    use rand_distr::{Beta, Distribution};
    let classic = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classic-bernoulli.toml");
    let scenario = Scenario::load(&classic).expect("the classic scenario is valid");
    assert_eq!(scenario.allocation, Allocation::WinnerTakesAll);
    let rates: Vec<f64> = scenario.channels.iter().map(|c| c.cvr).collect();
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements((scenario.days * rates.len()) as u64));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    let mut replication = 0;
    group.bench_function("classic-bernoulli", |b| {
        b.iter(|| {
            replication += 1;
            let mut rng = ReplicationStreams::new(scenario.seed, replication).policy("floor");
            let mut successes = vec![0u32; rates.len()];
            let mut failures = vec![0u32; rates.len()];
            for _ in 0..scenario.days {
                let mut best = (0, f64::NEG_INFINITY);
                for arm in 0..rates.len() {
                    let draw = Beta::new(
                        1.0 + f64::from(successes[arm]),
                        1.0 + f64::from(failures[arm]),
                    )
                    .expect("positive parameters")
                    .sample(&mut rng);
                    if draw > best.1 {
                        best = (arm, draw);
                    }
                }
                if rng.random::<f64>() < rates[best.0] {
                    successes[best.0] += 1;
                } else {
                    failures[best.0] += 1;
                }
            }
            black_box((successes, failures))
        })
    });
    group.finish();
}

criterion_group!(benches, simulation_loop, sampling_floor);
criterion_main!(benches);
