//! How good `recommend` is on histories that its own model did not draw: Hill, power and log
//! response curves summed over campaigns, Poisson conversions, noisy basket values, weekday
//! patterns, budgets that follow demand, drifting conversion rates, tracking outages, pauses and
//! launches, and nearly flat splits (see `messy/`). Each history is written as a CSV and an
//! account file and read back through `Account::load` and `Account::read_history`, as a user's.
//!
//! The table, over [`SEEDS`] histories of each kind and three variants of the truths (the
//! funnels as drawn; every bend in the paid units; the project's own curve family as the
//! harness's control):
//! `cargo test --release --test messy_histories -- --ignored --nocapture`.

mod messy;

use budget_bandit::account::file::Account;
use messy::curve::Curve;
use messy::history::{rows, write};
use messy::market::{DAYS, Kind, Market};
use messy::optimum::{best_split, brute_force};
use messy::score::{Score, score};
use rayon::prelude::*;
use std::time::Instant;

/// Histories of each kind in the table.
const SEEDS: u64 = 20;
/// The share of tomorrow's optimum every history should earn (issue 23's bar)...
const BAR: f64 = 0.97;
/// ...and a flat split's, where the test plan is the answer.
const FLAT_BAR: f64 = 0.93;

/// The share of the optimum every history of `kind` should earn.
fn bar(kind: Kind) -> f64 {
    if kind == Kind::Flat { FLAT_BAR } else { BAR }
}

/// The equal-marginals solver finds the brute-force optimum of small cases, S-shaped Hill
/// curves included (where a channel's best spend is zero or past its bend).
#[test]
fn the_solver_matches_brute_force() {
    let cases: [(f64, Vec<Curve>); 4] = [
        (
            1000.0,
            vec![Curve::power(400.0, 3.0, 0.5), Curve::log(600.0, 4.0, 0.5)],
        ),
        (
            1000.0,
            vec![
                Curve::hill(500.0, 3.0, 2.5, 1.2),
                Curve::log(500.0, 3.5, 1.0),
            ],
        ),
        (
            3000.0,
            vec![
                Curve::hill(1000.0, 4.0, 2.0, 0.6),
                Curve::power(1000.0, 3.0, 0.7),
                Curve::log(1000.0, 5.0, 0.3),
            ],
        ),
        (
            3000.0,
            vec![
                Curve::hill(300.0, 2.0, 2.4, 1.1),
                Curve::hill(1500.0, 3.0, 1.3, 0.5),
                Curve::power(1200.0, 2.5, 0.35),
            ],
        ),
    ];
    for (budget, curves) in cases {
        let revenue = |i: usize, s: f64| curves[i].revenue(s);
        let solved = best_split(curves.len(), budget, revenue);
        let solved_value: f64 = (0..curves.len()).map(|i| revenue(i, solved[i])).sum();
        let steps = if curves.len() == 2 { 20_000 } else { 600 };
        let (grid, grid_value) = brute_force(curves.len(), budget, steps, revenue);
        let total: f64 = solved.iter().sum();
        assert!((total - budget).abs() < 1e-9 * budget, "{solved:?}");
        assert!(solved.iter().all(|s| *s >= 0.0), "{solved:?}");
        assert!(
            solved_value >= grid_value * (1.0 - 1e-12),
            "solver {solved:?} earns {solved_value}, the grid's {grid:?} {grid_value}"
        );
        let step = budget / steps as f64;
        for (s, g) in solved.iter().zip(&grid) {
            assert!(
                (s - g).abs() <= 2.0 * step,
                "solver {solved:?}, grid {grid:?}"
            );
        }
    }
}

/// Every kind's CSV, read through the account as a user's is, gives back per day and channel
/// the spend, counts and revenue the generator drew, and shows the kind's mess: tracked
/// conversions stop during the outage, a paused channel spends nothing, a new one starts late.
#[test]
fn written_histories_read_back_with_the_generated_totals() {
    for kind in Kind::ALL {
        let market = Market::new(kind, 0);
        let drawn = rows(&market);
        let folder = tempfile::tempdir().unwrap();
        let account = Account::load(&write(&market, &drawn, folder.path())).unwrap();
        let history = account.read_history().unwrap();
        assert_eq!(history.days, DAYS, "{}", kind.name());
        assert_eq!(history.first_date, market.first_date);
        assert_eq!(account.daily_budget, market.tomorrow_budget());
        let channels = market.channels.len();
        let mut spend = vec![0.0; DAYS * channels];
        let mut conversions = vec![0.0; DAYS * channels];
        let mut revenue = vec![0.0; DAYS * channels];
        let mut clicks = vec![0.0; DAYS * channels];
        for row in &drawn {
            let k = row.day * channels + row.channel;
            spend[k] += row.cents as f64 / 100.0;
            conversions[k] += row.conversions as f64;
            revenue[k] += row.revenue_cents as f64 / 100.0;
            clicks[k] += row.clicks.unwrap_or(0) as f64;
            assert!(row.clicks.is_none_or(|c| c >= row.conversions));
            assert!(row.impressions.is_none_or(|i| Some(i) >= row.clicks));
        }
        for (k, figures) in history.figures.iter().enumerate() {
            let (day, c) = (k / channels, k % channels);
            let what = format!("{} day {day} channel {c}", kind.name());
            assert!((figures.spend - spend[k]).abs() < 1e-6, "{what}");
            assert!((figures.revenue - revenue[k]).abs() < 1e-6, "{what}");
            assert_eq!(figures.conversions, conversions[k], "{what}");
            if market.channels[c].pricing != budget_bandit::channel::Pricing::Cpa {
                assert_eq!(figures.clicks.unwrap_or(0.0), clicks[k], "{what}");
            }
            assert_eq!(figures.spend > 0.0, market.funded(c, day), "{what}");
            if market.outage.contains(&day) {
                assert_eq!((figures.conversions, figures.revenue), (0.0, 0.0), "{what}");
            }
        }
        if kind == Kind::Gaps {
            assert_eq!(market.outage.len(), 7);
            assert_eq!(market.channels[2].paused.len(), 30);
            assert_eq!(market.channels[channels - 1].first_day, DAYS - 90);
        }
        // The day's spends vary around the split by the channel's jitter.
        let day_total = |t: usize| (0..channels).map(|c| spend[t * channels + c]).sum::<f64>();
        let mean = (0..DAYS).map(day_total).sum::<f64>() / DAYS as f64;
        let expected = (0..DAYS).map(|t| market.budget_on(t)).sum::<f64>() / DAYS as f64;
        if kind != Kind::Gaps {
            assert!((mean / expected - 1.0).abs() < 0.05, "{}", kind.name());
        }
    }
}

/// A history depends on its kind and seed only.
#[test]
fn histories_are_reproducible() {
    for kind in [Kind::Clean, Kind::Gaps] {
        assert_eq!(rows(&Market::new(kind, 5)), rows(&Market::new(kind, 5)));
        assert_ne!(rows(&Market::new(kind, 5)), rows(&Market::new(kind, 6)));
    }
}

/// On clean histories, with spends varied by 20–40% a day, the recommended split earns most of
/// tomorrow's optimal revenue: the table's worst of 20 is 0.965 (mean 0.989); the floor is
/// set well under it, so that it fails on a regression, not on noise.
#[test]
fn on_clean_histories_the_recommendation_earns_most_of_the_optimum() {
    for score in scores(Kind::Clean, |market| market) {
        assert!(score.problems.is_empty(), "{:?}", score.problems);
        let share = score.share.unwrap();
        assert!(share > 0.8, "clean seed {}: {share:.4}", score.seed);
    }
}

/// The harness's control: when the truth is the project's own curve family, with diminishing
/// returns in the paid units, a clean history's recommendation earns nearly all of the optimum
/// the harness solves (the table's worst of 20 is 0.956, mean 0.994). What it gives up is the
/// price of caution past the spends seen: in seed 1 a straight channel's best spend is 1.54
/// times its highest day, and the recommendation moves into those spends only as far as the
/// bend past them lets it (0.956 with the bend's mean at 0.75, 0.974 at 0.5, above 0.99
/// without the bend; the mean of 0.75 is the price of not overshooting S-shaped curves, see
/// `BEYOND_BEND`). A failure here is the harness's or the model's, not the messiness's.
#[test]
fn in_the_model_family_the_recommendation_reaches_the_optimum() {
    for score in scores(Kind::Clean, Market::in_model_family) {
        assert!(score.problems.is_empty(), "{:?}", score.problems);
        let share = score.share.unwrap();
        assert!(share > 0.95, "clean seed {}: {share:.4}", score.seed);
    }
}

/// A channel whose conversion rate drifted is read at today's level and said so: in five
/// drifting histories (the first channel's rate up 30% over the year, the second's down 30%)
/// both get a note in the right direction, of 15–45% (the truth 30%; the level at either end
/// of the year errs by 2–3%, and the curve's misfit adds its own), and no other channel does;
/// in five clean histories no channel does.
#[test]
fn a_drifting_channel_is_read_at_todays_level_and_said() {
    let notes = |kind: Kind, seed: u64| -> (Market, Vec<String>) {
        let market = Variant::Drawn.market(kind, seed);
        let recommendation = messy::score::recommend_for(&market, seed).expect("a recommendation");
        let drifts = recommendation
            .warnings
            .into_iter()
            .filter(|w| w.contains("its return drifted"))
            .collect();
        (market, drifts)
    };
    for seed in 0..5 {
        let (market, drifts) = notes(Kind::Drift, seed);
        assert_eq!(drifts.len(), 2, "drift seed {seed}: {drifts:?}");
        for (c, direction) in [(0, "more"), (1, "less")] {
            let prefix = format!("'{}' earns ", market.channels[c].name);
            let note = drifts
                .iter()
                .find(|w| w.starts_with(&prefix))
                .unwrap_or_else(|| panic!("drift seed {seed}: no note on {prefix}: {drifts:?}"));
            let percent: f64 = note[prefix.len()..]
                .split('%')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("a percentage");
            assert!(note.contains(direction), "drift seed {seed}: {note}");
            assert!(
                (15.0..=45.0).contains(&percent),
                "drift seed {seed}: {note}"
            );
        }
        let (_, clean) = notes(Kind::Clean, seed);
        assert!(clean.is_empty(), "clean seed {seed}: {clean:?}");
    }
}

/// The learner `recommend` reads a history with is one that does well on the history's own
/// market: on the market `fit` calibrates from the history (its default 90 days, 100
/// replications, every learning kind), the chosen learner's mean regret lies within the 95%
/// interval of the best learner's, in two histories of every kind.
#[test]
fn the_policy_recommend_uses_does_well_on_the_fitted_market() {
    let cases: Vec<(Kind, u64)> = Kind::ALL
        .iter()
        .flat_map(|&kind| [(kind, 0), (kind, 1)])
        .collect();
    let failures: Vec<String> = cases
        .par_iter()
        .filter_map(|&(kind, seed)| {
            let market = Market::new(kind, seed);
            let folder = tempfile::tempdir().expect("a temporary folder");
            let path = write(&market, &rows(&market), folder.path());
            let account = Account::load(&path).expect("the account loads");
            let history = account.read_history().expect("the history reads");
            let settings = budget_bandit::recommend::Settings {
                draws: 300,
                seed,
                plan_days: 0,
            };
            let used = budget_bandit::recommend(&account, &history, settings)
                .expect("a recommendation")
                .policy;
            let fitted = budget_bandit::fit::fit(&account, &history).expect("a fit");
            let mut market = fitted.scenario(&account, 90).expect("the fitted market");
            market.policies = budget_bandit::policy::PolicySpec::learners();
            market.replications = 100;
            let results = budget_bandit::runner::run_scenario(&market, &|| {});
            let regret = |name: &str| {
                results
                    .policies
                    .iter()
                    .find(|p| p.spec.name == name)
                    .map(|p| p.aggregate.regret.interval95())
                    .expect("the learner ran")
            };
            let best = results
                .policies
                .iter()
                .map(|p| (p.spec.name.clone(), p.aggregate.regret.interval95()))
                .min_by(|a, b| a.1.mean.total_cmp(&b.1.mean))
                .expect("learners");
            let chosen = regret(&used);
            (chosen.mean > best.1.high).then(|| {
                format!(
                    "{} seed {seed}: recommend used {used} (regret {:.0}), the best learner is \
                     {} ({:.0} to {:.0})",
                    kind.name(),
                    chosen.mean,
                    best.0,
                    best.1.low,
                    best.1.high
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The scores of the first three histories of `kind`, with `variant` applied to their truth.
fn scores(kind: Kind, variant: impl Fn(Market) -> Market + Sync) -> Vec<Score> {
    (0..3)
        .into_par_iter()
        .map(|seed| score(&variant(Market::new(kind, seed))))
        .collect()
}

/// How the truth of a history is set up for the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// The funnels the generator draws: cpm channels whose click-through rate falls with spend.
    Drawn,
    /// Every channel's diminishing returns in its paid units, as the project's model has them.
    InUnits,
    /// The project's own curve family, one campaign a channel: the harness's control.
    ModelFamily,
}

impl Variant {
    const ALL: [Variant; 3] = [Variant::Drawn, Variant::InUnits, Variant::ModelFamily];

    fn title(self) -> &'static str {
        match self {
            Variant::Drawn => {
                "Hill, power and log curves; funnels as drawn (cpc θ 0.7–1, cpm θ 0–0.5)"
            }
            Variant::InUnits => {
                "Hill, power and log curves; diminishing returns in paid units (θ = 1)"
            }
            Variant::ModelFamily => "Control: the project's own curve family, θ = 1",
        }
    }

    fn market(self, kind: Kind, seed: u64) -> Market {
        let market = Market::new(kind, seed);
        match self {
            Variant::Drawn => market,
            Variant::InUnits => market.bent_in_units(),
            Variant::ModelFamily => market.in_model_family(),
        }
    }
}

/// The accuracy table: per kind, the worst and mean share of tomorrow's optimal revenue, and
/// how often the 90% intervals hold the optimal spend, for each [`Variant`] of the truths.
#[test]
#[ignore = "the accuracy table: 360 recommendations on year-long histories"]
fn messy_history_table() {
    let start = Instant::now();
    let jobs: Vec<(Variant, Kind, u64)> = Variant::ALL
        .iter()
        .flat_map(|&variant| {
            Kind::ALL
                .iter()
                .flat_map(move |&kind| (0..SEEDS).map(move |seed| (variant, kind, seed)))
        })
        .collect();
    let scores: Vec<Score> = jobs
        .par_iter()
        .map(|&(variant, kind, seed)| score(&variant.market(kind, seed)))
        .collect();
    let wall = start.elapsed().as_secs_f64();
    for variant in Variant::ALL {
        let of_variant: Vec<&Score> = jobs
            .iter()
            .zip(&scores)
            .filter(|((v, _, _), _)| *v == variant)
            .map(|(_, s)| s)
            .collect();
        println!("\n{}\n", variant.title());
        print_table(&of_variant);
    }
    println!(
        "\n{} histories of {DAYS} days, {} draws each, in {wall:.1} s on {} threads",
        scores.len(),
        messy::score::DRAWS,
        rayon::current_num_threads()
    );
    for ((variant, kind, seed), score) in jobs.iter().zip(&scores) {
        if !score.problems.is_empty() {
            println!(
                "{variant:?} {} seed {seed}: {}",
                kind.name(),
                score.problems.join("; ")
            );
        }
    }
}

/// Prints the markdown table of `scores`, then each kind's timings and worst seed.
fn print_table(scores: &[&Score]) {
    println!("| history | worst | mean | below the bar | interval coverage | gain covered |");
    println!("|---|---|---|---|---|---|");
    let of_kind =
        |kind: Kind| -> Vec<&Score> { scores.iter().copied().filter(|s| s.kind == kind).collect() };
    for kind in Kind::ALL {
        let of_kind = of_kind(kind);
        let shares: Vec<f64> = of_kind.iter().filter_map(|s| s.share).collect();
        let worst = shares.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = shares.iter().sum::<f64>() / shares.len().max(1) as f64;
        let covered: usize = of_kind.iter().map(|s| s.covered).sum();
        let channels: usize = of_kind.iter().map(|s| s.channels).sum();
        let bar = bar(kind);
        let below = shares.iter().filter(|&&s| s < bar).count();
        let failed = of_kind.len() - shares.len();
        let failed = if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        };
        let gains = of_kind.iter().filter(|s| s.gain_covered).count();
        println!(
            "| {}{failed} | {worst:.3} | {mean:.3} | {below} | {:.0}% | {gains} of {} |",
            kind.name(),
            100.0 * covered as f64 / channels as f64,
            of_kind.len()
        );
    }
    println!();
    for kind in Kind::ALL {
        let of_kind = of_kind(kind);
        let seconds: Vec<f64> = of_kind.iter().map(|s| s.seconds).collect();
        let worst = of_kind
            .iter()
            .filter_map(|s| s.share.map(|share| (share, s.seed)))
            .fold((f64::INFINITY, 0), |a, b| if b.0 < a.0 { b } else { a });
        let bar = bar(kind);
        let below: Vec<String> = of_kind
            .iter()
            .filter_map(|s| {
                s.share
                    .filter(|&share| share < bar)
                    .map(|share| (share, s.seed))
            })
            .map(|(share, seed)| format!("{seed} ({share:.3})"))
            .collect();
        println!(
            "{}: recommend {:.2} s mean, {:.2} s longest; worst at seed {}; below the bar: {}",
            kind.name(),
            seconds.iter().sum::<f64>() / seconds.len().max(1) as f64,
            seconds.iter().copied().fold(0.0, f64::max),
            worst.1,
            if below.is_empty() {
                "none".to_owned()
            } else {
                below.join(", ")
            }
        );
    }
}

/// The variant, kind and seed a diagnosis names, `variant:kind:seed` (`drawn:drift:6`).
fn diagnosed(spec: &str) -> (Variant, Kind, u64) {
    let parts: Vec<&str> = spec.split(':').collect();
    let variant = match parts[0] {
        "units" => Variant::InUnits,
        "model" => Variant::ModelFamily,
        _ => Variant::Drawn,
    };
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.name() == parts.get(1).copied().unwrap_or("clean"))
        .expect("a kind of history");
    let seed: u64 = parts.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    (variant, kind, seed)
}

/// One history in detail, for a look at a bad seed: `MESSY=drawn:drift:6 cargo test --release
/// --test messy_histories one_history -- --ignored --nocapture` prints each channel's true
/// optimal spend beside the recommendation, its interval and the limit that decided it.
#[test]
#[ignore = "a diagnosis of the history named by the MESSY variable"]
fn one_history() {
    let spec = std::env::var("MESSY").unwrap_or_else(|_| "drawn:clean:0".to_owned());
    let (variant, kind, seed) = diagnosed(&spec);
    let market = variant.market(kind, seed);
    let (best, value) = messy::score::optimum(&market);
    let recommendation = messy::score::recommend_for(&market, seed).expect("a recommendation");
    let split: Vec<f64> = recommendation
        .channels
        .iter()
        .map(|c| c.recommended_spend)
        .collect();
    println!(
        "{spec}: budget {:.0}, share {:.4}",
        market.tomorrow_budget(),
        market.tomorrow_revenue(&split) / value
    );
    for ((advice, optimal), channel) in recommendation
        .channels
        .iter()
        .zip(&best)
        .zip(&market.channels)
    {
        let families: Vec<&str> = channel.campaigns.iter().map(|j| j.curve.family()).collect();
        println!(
            "{:>10} {:?} θ {:.2} {families:?}: last {:>8.0} optimal {:>8.0} recommended {:>8.0} \
             [{:>8.0}, {:>8.0}] high {:>8.0} {}; true marginal at recommended {:.3}, said {:.3}; \
             revenue there {:.0}, said {:.0}",
            advice.channel,
            advice.pricing,
            channel.delivery,
            advice.current_spend,
            optimal,
            advice.recommended_spend,
            advice.spend_low,
            advice.spend_high,
            advice.history_high,
            advice.limit_label(),
            {
                let c = recommendation
                    .channels
                    .iter()
                    .position(|a| a.channel == advice.channel)
                    .unwrap();
                let s = advice.recommended_spend;
                (market.revenue(c, DAYS, s + 1.0) - market.revenue(c, DAYS, s)) / 1.0
            },
            advice.marginal_roas_recommended,
            {
                let c = market
                    .channels
                    .iter()
                    .position(|m| m.name == advice.channel)
                    .unwrap();
                market.revenue(c, DAYS, advice.recommended_spend)
            },
            advice.roas_recommended * advice.recommended_spend,
        );
    }
    for warning in &recommendation.warnings {
        println!("  warning: {warning}");
    }
}

/// Where the intervals miss, for a look at calibration: `MESSY=drawn:clean cargo test --release
/// --test messy_histories interval_misses -- --ignored --nocapture` prints, for each of the
/// kind's histories, every channel whose 90% interval misses its true optimal spend: the
/// optimum, the interval, the recommendation, the history's highest day and the truth's curve
/// families, and the note the channel got.
#[test]
#[ignore = "a diagnosis of the kind named by the MESSY variable"]
fn interval_misses() {
    let spec = std::env::var("MESSY").unwrap_or_else(|_| "drawn:clean".to_owned());
    let (variant, kind, _) = diagnosed(&spec);
    let lines: Vec<Vec<String>> = (0..SEEDS)
        .into_par_iter()
        .map(|seed| {
            let market = variant.market(kind, seed);
            let (best, _) = messy::score::optimum(&market);
            let recommendation =
                messy::score::recommend_for(&market, seed).expect("a recommendation");
            let tolerance = messy::score::COVERAGE_TOLERANCE;
            recommendation
                .channels
                .iter()
                .zip(&best)
                .zip(&market.channels)
                .filter(|((a, o), _)| {
                    !(a.spend_low - tolerance <= **o && **o <= a.spend_high + tolerance)
                })
                .map(|((a, o), channel)| {
                    let families: Vec<&str> =
                        channel.campaigns.iter().map(|j| j.curve.family()).collect();
                    format!(
                        "seed {seed:>2} {:>12} {:?} θ {:.2} {families:?}: optimal {:>7.0} \
                         interval [{:>7.0}, {:>7.0}] recommended {:>7.0} high {:>7.0} \
                         ({:.2}× high) {}: {}",
                        a.channel,
                        a.pricing,
                        channel.delivery,
                        o,
                        a.spend_low,
                        a.spend_high,
                        a.recommended_spend,
                        a.history_high,
                        o / a.history_high.max(1e-9),
                        a.limit_label(),
                        a.note
                    )
                })
                .collect()
        })
        .collect();
    for line in lines.iter().flatten() {
        println!("{line}");
    }
}
