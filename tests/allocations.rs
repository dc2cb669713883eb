//! Property tests: every policy's allocation is a valid split of the budget on every day of
//! random scenarios.

use budget_bandit::scenario::Scenario;
use budget_bandit::simulation::Simulation;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// Property tests run from fixed seeds, so every CI run checks the same cases.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(20_261_124),
        ..ProptestConfig::default()
    }
}

/// A random channel: pricing model, price, noise, rate, value and optional audience.
type ChannelParts = (usize, f64, f64, f64, f64, Option<f64>);

fn channel_toml(i: usize, (pricing, price, cv, rate, value, audience): ChannelParts) -> String {
    let pricing = ["cpm", "cpc", "cpl", "cpa"][pricing];
    let mut text = format!(
        "\n[[channels]]\nname = \"c{i}\"\npricing = \"{pricing}\"\nprice = {price}\n\
         price_cv = {cv}\nvalue = {value}\nvalue_cv = {cv}\n"
    );
    if pricing == "cpm" {
        text += &format!("ctr = {rate}\n");
    }
    if pricing != "cpa" {
        text += &format!("cvr = {rate}\n");
    }
    if let Some(audience) = audience {
        text += &format!("audience = {audience}\n");
    }
    text
}

/// A random scenario of 1 to 6 channels with mixed pricing, audiences and noise.
fn scenario_source() -> impl Strategy<Value = String> {
    let channel = (
        0usize..4,
        0.5f64..200.0,
        0.0f64..0.5,
        0.001f64..0.3,
        10.0f64..2000.0,
        proptest::option::of(1.0f64..500.0),
    );
    (
        proptest::collection::vec(channel, 1..7),
        prop_oneof![Just("proportional"), Just("winner-takes-all")],
        1.0f64..20_000.0,
    )
        .prop_map(|(channels, allocation, budget)| {
            let mut text = format!(
                "name = \"random\"\ndays = 12\ndaily_budget = {budget}\nallocation = \"{allocation}\"\n"
            );
            for (i, parts) in channels.into_iter().enumerate() {
                text += &channel_toml(i, parts);
            }
            text + ALL_POLICIES
        })
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn every_allocation_is_a_valid_split(source in scenario_source(), replication in 0u64..1000) {
        let scenario = Scenario::from_toml("random", &source).unwrap();
        let simulation = Simulation::new(&scenario);
        let budget = scenario.daily_budget;
        let channels = scenario.channels.len();
        let winner_takes_all = source.contains("winner-takes-all");
        for policy in &scenario.policies {
            let record = simulation.run(policy, replication);
            for day in record.share.chunks(channels) {
                prop_assert!(day.iter().all(|s| *s >= 0.0 && s.is_finite()), "{}: {:?}", policy.name, day);
                let total: f64 = day.iter().sum();
                prop_assert!((total - 1.0).abs() < 1e-9, "{}: shares sum to {}", policy.name, total);
                if winner_takes_all {
                    prop_assert_eq!(day.iter().filter(|s| **s > 0.0).count(), 1);
                }
            }
            for total in &record.totals {
                prop_assert!(total.spend <= total.allocated + 1e-9 * budget);
            }
            let tolerance = 1e-9 * simulation.benchmark().day(0).revenue;
            prop_assert!(record.regret.iter().all(|r| *r >= -tolerance));
        }
    }
}

/// Every policy kind, for the constraint property.
const ALL_POLICIES: &str = "
[[policies]]
kind = \"thompson\"
draws = 50
[[policies]]
kind = \"epsilon-greedy\"
[[policies]]
kind = \"fixed\"
[[policies]]
kind = \"ucb\"
[[policies]]
kind = \"discounted-thompson\"
draws = 50
[[policies]]
kind = \"sliding-window-thompson\"
window = 3
draws = 50
[[policies]]
kind = \"saturation-thompson\"
[[policies]]
kind = \"gp-ucb\"
[[policies]]
kind = \"gp-thompson\"
grid = 12
[[policies]]
kind = \"oracle\"
";

/// One channel of a constrained scenario, as drawn: its market, its floor and cap, and its
/// moving parts.
#[derive(Debug, Clone)]
struct ConstrainedChannel {
    market: ChannelParts,
    /// Relative weight of the floor in the scenario's floor total (no floor when `None`).
    floor: Option<f64>,
    /// Where the cap sits between the floor (0) and the whole budget (1); no cap when `None`.
    cap: Option<f64>,
    /// Limits written as money (`min_spend` / `max_spend`) rather than shares.
    as_spend: bool,
    weekday: Option<Vec<f64>>,
    fatigue: Option<(f64, f64)>,
    lag: Option<(f64, i64)>,
    /// Day, then multipliers of price, ctr, cvr, value and audience.
    shifts: Vec<(i64, [Option<f64>; 5])>,
}

/// A drawn constrained scenario: its TOML, and per channel the floor and cap in money that the
/// file states, the pacing limit and whether the objective may leave budget unspent.
#[derive(Debug, Clone)]
struct Constrained {
    source: String,
    limits: Vec<(f64, f64)>,
    pacing: Option<f64>,
    profit: bool,
}

const CONSTRAINED_DAYS: i64 = 14;

fn constrained_channel() -> impl Strategy<Value = ConstrainedChannel> {
    let market = (
        0usize..4,
        0.5f64..200.0,
        0.0f64..0.5,
        0.001f64..0.3,
        10.0f64..2000.0,
        proptest::option::of(1.0f64..500.0),
    );
    let cap = prop_oneof![Just(0.0), 0.0f64..1.0, Just(1.0)];
    let limits = (
        proptest::option::of(0.0f64..1.0),
        proptest::option::of(cap),
        any::<bool>(),
    );
    // Rate multipliers stay at most 1.4, so 0.3 × weekday × two shifts stays below 1.
    let rate = 0.5f64..1.4;
    let shift = (
        1..=CONSTRAINED_DAYS,
        [
            proptest::option::of(0.3f64..3.0),
            proptest::option::of(rate.clone()),
            proptest::option::of(rate.clone()),
            proptest::option::of(0.3f64..3.0),
            proptest::option::of(0.3f64..3.0),
        ],
    );
    let moving = (
        proptest::option::weighted(0.3, proptest::collection::vec(rate, 7)),
        proptest::option::weighted(0.3, (0.0f64..5.0, 0.05f64..1.0)),
        proptest::option::weighted(0.3, (0.0f64..5.0, 1i64..10)),
        proptest::collection::vec(shift, 0..3),
    );
    (market, limits, moving).prop_map(
        |(market, (floor, cap, as_spend), (weekday, fatigue, lag, shifts))| ConstrainedChannel {
            market,
            floor,
            cap,
            as_spend,
            weekday,
            fatigue,
            lag,
            shifts,
        },
    )
}

/// The TOML of one constrained channel with floor `low` and cap `high` (shares of the budget),
/// leaving out whatever its pricing does not allow.
fn constrained_channel_toml(
    i: usize,
    channel: &ConstrainedChannel,
    (low, high): (Option<f64>, Option<f64>),
    budget: f64,
) -> String {
    let (pricing, ..) = channel.market;
    let cpa = pricing == 3;
    let mut text = channel_toml(i, channel.market);
    for (field, share) in [("min", low), ("max", high)] {
        match (share, channel.as_spend) {
            (Some(share), false) => text += &format!("{field}_share = {share:?}\n"),
            (Some(share), true) => text += &format!("{field}_spend = {:?}\n", share * budget),
            (None, _) => {}
        }
    }
    if let (Some(weekday), false) = (&channel.weekday, cpa) {
        text += &format!("weekday = {weekday:?}\n");
    }
    if let (Some((strength, recovery)), false) = (channel.fatigue, cpa) {
        text += &format!("fatigue = {{ strength = {strength:?}, recovery = {recovery:?} }}\n");
    }
    if let (Some((mean_days, max_days)), false) = (channel.lag, cpa) {
        text += &format!("lag = {{ mean_days = {mean_days:?}, max_days = {max_days} }}\n");
    }
    for (day, multipliers) in &channel.shifts {
        let allowed = [true, pricing == 0, !cpa, true, channel.market.5.is_some()];
        let mut fields = String::new();
        for ((name, multiplier), allowed) in ["price", "ctr", "cvr", "value", "audience"]
            .into_iter()
            .zip(multipliers)
            .zip(allowed)
        {
            if let (Some(multiplier), true) = (multiplier, allowed) {
                fields += &format!("{name} = {multiplier:?}\n");
            }
        }
        if fields.is_empty() {
            fields = "price = 1.25\n".into();
        }
        text += &format!("[[channels.shifts]]\nday = {day}\n{fields}");
    }
    text
}

/// A random feasible constrained scenario: 2 to 6 channels of every pricing model with floors
/// and caps as shares or money (floors summing to at most the budget, sometimes exactly; caps
/// from the floor up to the budget, summing to at least the budget under the revenue
/// objective), sometimes paced, revenue or profit with a random target, and sometimes weekday
/// seasonality, fatigue, conversion lag and shifts. Every policy kind runs, and a fixed split
/// that ignores every floor.
fn constrained_source() -> impl Strategy<Value = Constrained> {
    (
        proptest::collection::vec(constrained_channel(), 2..7),
        prop_oneof![Just(0.0), 0.0f64..1.0, Just(1.0)],
        proptest::option::of(prop_oneof![0.001f64..0.1, 0.1f64..1.0, Just(1.0)]),
        (0usize..4, 0.2f64..5.0),
        50.0f64..50_000.0,
        proptest::option::of(0usize..7),
    )
        .prop_map(
            |(channels, floor_total, pacing, (objective, target), budget, start)| {
                let mut text = format!(
                    "name = \"constrained\"\ndays = {CONSTRAINED_DAYS}\ndaily_budget = {budget:?}\n"
                );
                if let Some(change) = pacing {
                    text += &format!("max_daily_change = {change:?}\n");
                }
                match objective {
                    0 => {}
                    1 => text += "objective = \"revenue\"\n",
                    2 => text += "objective = \"profit\"\n",
                    _ => text += &format!("objective = \"profit\"\ntarget_roas = {target:?}\n"),
                }
                let profit = objective >= 2;
                if let Some(start) = start {
                    let names = [
                        "monday",
                        "tuesday",
                        "wednesday",
                        "thursday",
                        "friday",
                        "saturday",
                        "sunday",
                    ];
                    text += &format!("start_weekday = \"{}\"\n", names[start]);
                }
                let weights: f64 = channels.iter().filter_map(|c| c.floor).sum();
                let floors: Vec<Option<f64>> = channels
                    .iter()
                    .map(|c| {
                        c.floor
                            .map(|w| if weights > 0.0 { floor_total * w / weights } else { 0.0 })
                    })
                    .collect();
                let mut caps: Vec<Option<f64>> = channels
                    .iter()
                    .zip(&floors)
                    .map(|(c, floor)| {
                        let floor = floor.unwrap_or(0.0);
                        c.cap.map(|place| floor + place * (1.0 - floor))
                    })
                    .collect();
                let cap_total: f64 = caps.iter().map(|c| c.unwrap_or(1.0)).sum();
                if !profit && cap_total < 1.0 {
                    caps[0] = None;
                }
                let mut limits = Vec::new();
                for (i, channel) in channels.iter().enumerate() {
                    text += &constrained_channel_toml(i, channel, (floors[i], caps[i]), budget);
                    // A share is turned into money as the file's min_spend / max_spend is.
                    limits.push((
                        floors[i].map_or(0.0, |share| share * budget),
                        caps[i].map_or(budget, |share| share * budget),
                    ));
                }
                text += ALL_POLICIES;
                let all_in_first: Vec<f64> =
                    (0..channels.len()).map(|i| f64::from(i == 0)).collect();
                text += &format!(
                    "[[policies]]\nkind = \"fixed\"\nname = \"all-in-first\"\nshares = {all_in_first:?}\n"
                );
                Constrained {
                    source: text,
                    limits,
                    pacing,
                    profit,
                }
            },
        )
}

proptest! {
    #![proptest_config(config(256))]

    /// Acceptance: every allocation of every policy meets every floor and cap (up to 1e-9 of the
    /// budget) and the pacing limit on every day, spends the budget under the revenue objective
    /// and at most the budget under profit.
    #[test]
    fn every_allocation_meets_the_constraints(
        drawn in constrained_source(),
        replication in 0u64..1000,
    ) {
        let Constrained { source, limits, pacing, profit } = drawn;
        let scenario = Scenario::from_toml("constrained", &source)
            .unwrap_or_else(|e| panic!("{e}\n{source}"));
        prop_assert_eq!(scenario.objective.spends_all(), !profit);
        let simulation = Simulation::new(&scenario);
        let budget = scenario.daily_budget;
        let channels = scenario.channels.len();
        let tolerance = 1e-9;
        for policy in &scenario.policies {
            let record = simulation.run(policy, replication);
            prop_assert_eq!(record.share.len(), scenario.days * channels);
            let mut yesterday: Option<&[f64]> = None;
            for (day, shares) in record.share.chunks(channels).enumerate() {
                for (i, (share, (low, high))) in shares.iter().zip(&limits).enumerate() {
                    prop_assert!(share.is_finite() && *share >= 0.0,
                        "{} day {}: share {} of c{}", policy.name, day, share, i);
                    prop_assert!(*share >= low / budget - tolerance,
                        "{} day {}: c{} spends {} below its floor {} in {:?}",
                        policy.name, day, i, share * budget, low, shares);
                    prop_assert!(*share <= high / budget + tolerance,
                        "{} day {}: c{} spends {} above its cap {} in {:?}",
                        policy.name, day, i, share * budget, high, shares);
                }
                let total: f64 = shares.iter().sum();
                if profit {
                    prop_assert!(total <= 1.0 + tolerance,
                        "{} day {}: spends {} of the budget", policy.name, day, total);
                } else {
                    prop_assert!((total - 1.0).abs() <= tolerance,
                        "{} day {}: spends {} of the budget", policy.name, day, total);
                }
                if let (Some(change), Some(before)) = (pacing, yesterday) {
                    for (i, (now, then)) in shares.iter().zip(before).enumerate() {
                        prop_assert!((now - then).abs() <= change + tolerance,
                            "{} day {}: c{} moved from {} to {} (limit {})",
                            policy.name, day, i, then, now, change);
                    }
                }
                yesterday = Some(shares);
            }
        }
    }
}

/// Extreme but valid numbers, and arbitrary text, never make the tool panic: a scenario is
/// either rejected with an error or runs to the end.
mod no_panic {
    use super::*;
    use budget_bandit::runner::run_scenario;
    use budget_bandit::scenario::Overrides;

    /// Mostly valid extremes (so that many scenarios run), sometimes invalid numbers.
    fn extreme() -> impl Strategy<Value = f64> {
        prop_oneof![
            3 => prop_oneof![Just(1e-300), Just(1e-9), Just(1.0), Just(1e12), 0.0f64..1.0],
            1 => prop_oneof![Just(0.0), Just(-1.0), Just(1e300), Just(f64::NAN), Just(f64::INFINITY)],
        ]
    }

    proptest! {
        #![proptest_config(config(300))]

        #[test]
        fn extreme_numbers_are_rejected_or_run(
            budget in extreme(), price in extreme(), cv in extreme(), rate in extreme(),
            value in extreme(), audience in extreme(), pricing in 0usize..4,
        ) {
            let mut source = format!(
                "name = \"extreme\"\ndays = 3\nreplications = 2\ndaily_budget = {budget:?}\n"
            );
            source += &channel_toml(0, (pricing, price, cv, rate, value, Some(audience)));
            source += &channel_toml(1, (3, 5.0, 0.3, 0.1, 40.0, None));
            let source = source.replace("NaN", "nan");
            if let Ok(scenario) = Scenario::from_toml("extreme", &source) {
                let scenario = scenario.with_overrides(&Overrides::default()).unwrap();
                let results = run_scenario(&scenario, &|| {});
                prop_assert_eq!(results.policies.len(), 4);
            }
        }

        #[test]
        fn arbitrary_text_is_rejected_or_accepted_without_panic(text in ".{0,300}") {
            let _ = Scenario::from_toml("arbitrary", &text);
        }
    }
}
