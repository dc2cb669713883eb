//! Speed of the simulation loop: one replication of one policy, per policy, on `default`,
//! `many-campaigns` and `classic-bernoulli`; the sampling floor of the classic instance; and
//! the samplers behind them. `cargo bench --bench simulation`.
//!
//! Throughput is reported in channel-days (days × channels of a replication), the unit
//! `docs/benchmarks.md` quotes; criterion prints it as "elem/s".
//!
//! `floor/classic-bernoulli` is what winner-takes-all Thompson sampling cannot go below on the
//! classic instance: per day, one Beta draw per arm from its posterior (the same sampler the
//! policy uses, its constants updated for the one arm that changed), an argmax and one
//! Bernoulli outcome, with nothing else (no bookkeeping, no projection, no regret). Its time
//! per replication is the yardstick for `replication/classic-bernoulli/thompson`.
//!
//! `samplers/*` draws Beta variates three ways: `rand_distr`'s Beta (Cheng's algorithm), the
//! ratio of two `rand_distr` Gammas, and the ratio of two of this crate's Marsaglia–Tsang
//! Gammas ([`budget_bandit::sampling::BetaSampler`]).

use budget_bandit::sampling::BetaSampler;
use budget_bandit::scenario::{Allocation, Scenario};
use budget_bandit::simulation::Simulation;
use budget_bandit::streams::{ReplicationStreams, StreamRng};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution, Gamma};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn committed(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    Scenario::load(&path).expect("committed scenarios are valid")
}

fn bench_scenario(c: &mut Criterion, scenario: &Scenario) {
    let simulation = Simulation::new(scenario);
    let mut group = c.benchmark_group(format!("replication/{}", scenario.name));
    group.throughput(Throughput::Elements(
        (scenario.days * scenario.channels.len()) as u64,
    ));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    // Records are reused from replication to replication, as the runner does.
    let mut record = simulation.empty_record();
    for policy in &scenario.policies {
        let mut replication = 0;
        group.bench_function(&policy.name, |b| {
            b.iter(|| {
                replication += 1;
                simulation.run_into(policy, replication, &mut record);
                black_box(record.regret_total())
            })
        });
    }
    group.finish();
}

fn simulation_loop(c: &mut Criterion) {
    for name in ["default", "many-campaigns", "classic-bernoulli"] {
        bench_scenario(c, &committed(name));
    }
}

/// Beta-Bernoulli Thompson sampling reduced to its draws (see the module docs).
fn sampling_floor(c: &mut Criterion) {
    let scenario = committed("classic-bernoulli");
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
            let mut counts = vec![(1.0, 1.0); rates.len()];
            let mut posteriors = vec![BetaSampler::new(1.0, 1.0); rates.len()];
            for _ in 0..scenario.days {
                let mut best = (0, f64::NEG_INFINITY);
                for (arm, posterior) in posteriors.iter().enumerate() {
                    let draw = posterior.sample(&mut rng);
                    if draw > best.1 {
                        best = (arm, draw);
                    }
                }
                let arm = best.0;
                if rng.random::<f64>() < rates[arm] {
                    counts[arm].0 += 1.0;
                } else {
                    counts[arm].1 += 1.0;
                }
                posteriors[arm] = BetaSampler::new(counts[arm].0, counts[arm].1);
            }
            black_box(counts)
        })
    });
    group.finish();
}

/// One Beta draw three ways, at a small and a large posterior.
fn samplers(c: &mut Criterion) {
    let mut group = c.benchmark_group("samplers");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for (a, b) in [(3.0, 8.0), (400.0, 600.0)] {
        let mut rng = StreamRng::seed_from_u64(1);
        let beta = Beta::new(a, b).expect("positive parameters");
        group.bench_function(format!("rand_distr-beta/{a}-{b}"), |bench| {
            bench.iter(|| beta.sample(&mut rng))
        });
        let (x, y) = (
            Gamma::new(a, 1.0).expect("positive shape"),
            Gamma::new(b, 1.0).expect("positive shape"),
        );
        group.bench_function(format!("rand_distr-gamma-ratio/{a}-{b}"), |bench| {
            bench.iter(|| {
                let (x, y) = (x.sample(&mut rng), y.sample(&mut rng));
                x / (x + y)
            })
        });
        let own = BetaSampler::new(a, b);
        group.bench_function(format!("marsaglia-tsang-ratio/{a}-{b}"), |bench| {
            bench.iter(|| own.sample(&mut rng))
        });
    }
    group.finish();
}

criterion_group!(benches, simulation_loop, sampling_floor, samplers);
criterion_main!(benches);
