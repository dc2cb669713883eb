//! The accuracy test: integrated shares against 10⁶-draw Monte Carlo estimates.

use super::*;
use crate::streams::StreamRng;
use rand::SeedableRng;
use rand_distr::{Beta, Distribution, Gamma};

/// Monte Carlo estimate of each channel's probability of the highest draw (at least `target`).
fn monte_carlo(posteriors: &[RoasPosterior], target: Option<f64>, draws: usize) -> Vec<f64> {
    let mut rng = StreamRng::seed_from_u64(2026);
    let samplers: Vec<_> = posteriors
        .iter()
        .map(|p| {
            (
                p.scale,
                p.rate.map(|(a, b)| Beta::new(a, b).unwrap()),
                p.value.map(|(k, w)| Gamma::new(k, w).unwrap()),
            )
        })
        .collect();
    let mut wins = vec![0u64; posteriors.len()];
    let mut ties = Vec::new();
    for _ in 0..draws {
        let mut best = f64::NEG_INFINITY;
        ties.clear();
        for (i, (scale, rate, value)) in samplers.iter().enumerate() {
            let draw = scale
                * rate.as_ref().map_or(1.0, |r| r.sample(&mut rng))
                * value.as_ref().map_or(1.0, |v| v.sample(&mut rng));
            if draw > best {
                best = draw;
                ties.clear();
                ties.push(i);
            } else if draw == best {
                ties.push(i);
            }
        }
        if target.is_none_or(|t| best >= t) {
            let pick = ties[(rand::Rng::next_u64(&mut rng) % ties.len() as u64) as usize];
            wins[pick] += 1;
        }
    }
    wins.iter().map(|&w| w as f64 / draws as f64).collect()
}

/// A channel seen through `trials` trials with `conversions` conversions under a `Beta(1, 1)`
/// prior, worth `value` a conversion with relative spread `cv` (the value's posterior as
/// Thompson sampling builds it: shape `C / cv²`, mean `value`).
fn seen(conversions: f64, trials: f64, value: f64, cv: f64, scale: f64) -> RoasPosterior {
    RoasPosterior {
        scale,
        rate: Some((1.0 + conversions, 1.0 + trials - conversions)),
        value: (conversions > 0.0 && cv > 0.0).then(|| {
            let shape = conversions / (cv * cv);
            (shape, value / shape)
        }),
    }
}

fn untried(scale: f64) -> RoasPosterior {
    RoasPosterior {
        scale,
        rate: Some((1.0, 1.0)),
        value: None,
    }
}

fn assert_agrees(case: &str, posteriors: &[RoasPosterior], target: Option<f64>) {
    let mut integral = vec![0.0; posteriors.len()];
    BestProbabilities::default().compute(posteriors, target, &mut integral);
    let sampled = monte_carlo(posteriors, target, 1_000_000);
    for (i, (a, b)) in integral.iter().zip(&sampled).enumerate() {
        assert!(
            (a - b).abs() < 0.005,
            "{case}: channel {i} integrates to {a:.5}, 10^6 draws give {b:.5}\n{integral:?}\n{sampled:?}"
        );
    }
}

/// A small deterministic generator of test posteriors.
fn spread(n: usize, seed: u64) -> impl Iterator<Item = f64> {
    let mut state = seed;
    (0..n).map(move |_| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[test]
fn two_channels_close_and_far_few_and_many_observations() {
    assert_agrees(
        "close, thousands of conversions",
        &[
            seen(3000.0, 100_000.0, 80.0, 0.6, 1.0),
            seen(3080.0, 100_000.0, 80.0, 0.6, 1.0),
        ],
        None,
    );
    assert_agrees(
        "close, a few conversions",
        &[
            seen(2.0, 60.0, 100.0, 0.6, 1.0),
            seen(3.0, 70.0, 90.0, 0.6, 1.0),
        ],
        None,
    );
    assert_agrees(
        "far apart",
        &[
            seen(40.0, 1000.0, 100.0, 0.5, 1.0),
            seen(90.0, 1000.0, 100.0, 0.5, 1.0),
        ],
        None,
    );
    assert_agrees(
        "many against few",
        &[
            seen(900.0, 30_000.0, 60.0, 0.8, 1.0),
            seen(1.0, 30.0, 60.0, 0.8, 1.0),
        ],
        None,
    );
    assert_agrees(
        "untried against known",
        &[untried(4.0), seen(50.0, 1000.0, 60.0, 0.5, 1.0)],
        None,
    );
}

#[test]
fn rates_alone_and_values_alone() {
    // Bernoulli arms: a handful of trials (the exact Beta) and many.
    assert_agrees(
        "Bernoulli, few trials",
        &[
            seen(0.0, 1.0, 1.0, 0.0, 1.0),
            seen(1.0, 3.0, 1.0, 0.0, 1.0),
            seen(2.0, 4.0, 1.0, 0.0, 1.0),
            untried(1.0),
        ],
        None,
    );
    assert_agrees(
        "Bernoulli, many trials",
        &[
            seen(480.0, 1000.0, 1.0, 0.0, 1.0),
            seen(205.0, 400.0, 1.0, 0.0, 1.0),
            seen(30.0, 80.0, 1.0, 0.0, 1.0),
        ],
        None,
    );
    // Cost per acquisition: the rate is 1, only the value is uncertain; and a point mass.
    let value_only = |conversions: f64, value: f64| RoasPosterior {
        scale: 0.01,
        rate: None,
        value: Some((conversions / 0.36, value * 0.36 / conversions)),
    };
    assert_agrees(
        "values alone, with a point mass",
        &[
            value_only(3.0, 100.0),
            value_only(12.0, 95.0),
            RoasPosterior {
                scale: 0.97,
                rate: None,
                value: None,
            },
        ],
        None,
    );
}

#[test]
fn many_channels() {
    for channels in [10, 60] {
        let posteriors: Vec<RoasPosterior> = spread(channels, channels as u64)
            .zip(spread(channels, 99))
            .map(|(u, w)| {
                let trials = 20.0 + 3000.0 * u * u;
                let conversions = (trials * (0.01 + 0.04 * w)).floor();
                seen(conversions, trials, 80.0, 0.6, 0.5)
            })
            .collect();
        assert_agrees(&format!("{channels} channels, mixed"), &posteriors, None);
        let similar: Vec<RoasPosterior> = spread(channels, 7)
            .map(|u| seen((1.0 + 5.0 * u).floor(), 100.0, 80.0, 0.6, 0.5))
            .chain([untried(2.0)])
            .collect();
        assert_agrees(&format!("{channels} similar channels"), &similar, None);
    }
}

#[test]
fn a_target_leaves_the_share_below_it_unspent() {
    let posteriors = [
        seen(20.0, 1000.0, 100.0, 0.6, 1.0),
        seen(30.0, 1000.0, 100.0, 0.6, 1.0),
        seen(2.0, 100.0, 100.0, 0.6, 1.0),
    ];
    for target in [1.5, 3.0, 5.0] {
        assert_agrees(&format!("target {target}"), &posteriors, Some(target));
    }
    let mut shares = vec![0.0; 3];
    BestProbabilities::default().compute(&posteriors, Some(1e6), &mut shares);
    assert_eq!(shares, vec![0.0; 3]);
}

#[test]
fn identical_channels_share_evenly_and_ties_split() {
    let mut shares = vec![0.0; 7];
    BestProbabilities::default().compute(&[seen(5.0, 200.0, 80.0, 0.6, 1.0); 7], None, &mut shares);
    for share in &shares {
        assert!((share - 1.0 / 7.0).abs() < 1e-12, "{shares:?}");
    }
    let atom = RoasPosterior {
        scale: 2.0,
        rate: None,
        value: None,
    };
    let mut shares = vec![0.0; 3];
    BestProbabilities::default().compute(&[atom, atom, untried(1.0)], None, &mut shares);
    assert_eq!(shares, vec![0.5, 0.5, 0.0]);
}
