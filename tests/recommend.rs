//! `recommend` and `fit` against a known truth: histories simulated from committed scenarios
//! (`budget-bandit history`), read back as an account, and the recommendation and the fitted
//! parameters compared with the scenario's own.

mod common;

use budget_bandit::account::file::Account;
use budget_bandit::account::history::History;
use budget_bandit::oracle::{expected_revenue, optimal_constrained};
use budget_bandit::recommend::{Recommendation, Settings, recommend};
use budget_bandit::stats::RunningStats;
use common::{account_history, scenario, wear_per_unit};

/// Draws of the posterior per recommendation in these tests.
const DRAWS: usize = 400;

fn recommend_for(account: &Account, history: &History, seed: u64) -> Recommendation {
    recommend(
        account,
        history,
        Settings {
            draws: DRAWS,
            seed,
            plan_days: 0,
        },
    )
    .unwrap()
}

/// The recommended spend of every channel, in account order.
fn recommended_split(recommendation: &Recommendation) -> Vec<f64> {
    recommendation
        .channels
        .iter()
        .map(|c| c.recommended_spend)
        .collect()
}

/// Acceptance: on 90-day histories played by a policy that varies its spends, the true
/// expected revenue of the recommended split is at least 97% of the oracle's on average (the
/// lower end of its 95% interval), and the 90% intervals of the optimal spends cover the true
/// optimal spends in 80–98% of channel-histories.
#[test]
fn recommendations_come_close_to_the_oracle_and_their_intervals_are_calibrated() {
    for (name, policy) in [
        ("default", "epsilon-greedy"),
        ("saturation", "epsilon-greedy"),
    ] {
        let scenario = scenario(name, 90);
        let bounds = &scenario.constraints.bounds;
        let oracle = optimal_constrained(
            &scenario.channels,
            bounds,
            scenario.daily_budget,
            scenario.objective,
        );
        let mut ratio = RunningStats::default();
        let (mut covered, mut cases) = (0, 0);
        let mut gains_covered = 0;
        for replication in 0..50 {
            let (account, history) = account_history(&scenario, policy, replication);
            let recommendation = recommend_for(&account, &history, replication);
            let spend = recommended_split(&recommendation);
            ratio.push(expected_revenue(&scenario.channels, &spend) / oracle.expected_revenue);
            // The gain over the last days' split, read draw by draw, against the true gain.
            let gain = recommendation.outlook[0].gain.as_ref().expect("a gain");
            let last = &recommendation.outlook[1].spend_per_channel;
            // Paired or not, the mean difference is the difference of the means.
            let means =
                recommendation.outlook[0].revenue.mean - recommendation.outlook[1].revenue.mean;
            assert!((gain.difference.mean - means).abs() < 1e-6 * scenario.daily_budget);
            assert!(gain.difference.low <= gain.difference.mean);
            assert!(gain.difference.mean <= gain.difference.high);
            let truth = expected_revenue(&scenario.channels, &spend)
                - expected_revenue(&scenario.channels, last);
            if gain.difference.low <= truth && truth <= gain.difference.high {
                gains_covered += 1;
            }
            for (advice, optimal) in recommendation.channels.iter().zip(&oracle.spend) {
                let tolerance = 1e-6 * scenario.daily_budget;
                cases += 1;
                if advice.spend_low - tolerance <= *optimal
                    && *optimal <= advice.spend_high + tolerance
                {
                    covered += 1;
                }
            }
        }
        let interval = ratio.interval95();
        eprintln!(
            "{name}: recommended / oracle revenue {:.4} (95% interval {:.4} to {:.4}); optimal \
             spends covered {covered} of {cases}; true gains over the last days' split \
             covered {gains_covered} of 50",
            ratio.mean(),
            interval.low,
            interval.high
        );
        assert!(
            interval.low >= 0.97,
            "{name}: recommended / oracle {:.4}, 95% interval from {:.4}",
            ratio.mean(),
            interval.low
        );
        let coverage = covered as f64 / cases as f64;
        assert!(
            (0.80..=0.98).contains(&coverage),
            "{name}: the 90% intervals cover the optimal spend in {covered} of {cases}"
        );
    }
}

/// With weekday multipliers declared, each day of a plan is solved for its weekday: on
/// `seasonality` LinkedIn converts at 1.3 on Mondays and 0.4 on Saturdays, social at 0.8 and 1.5,
/// so the plan moves money from LinkedIn to social for the weekend.
#[test]
fn a_plan_follows_the_weekday_multipliers() {
    let scenario = scenario("seasonality", 84);
    let (account, history) = account_history(&scenario, "thompson", 0);
    assert!(account.channels.iter().any(|c| c.weekday.is_some()));
    let recommendation = recommend(
        &account,
        &history,
        Settings {
            draws: DRAWS,
            seed: 1,
            plan_days: 7,
        },
    )
    .unwrap();
    let linkedin = account
        .channels
        .iter()
        .position(|c| c.name == "linkedin")
        .unwrap();
    let day = |weekday: usize| {
        recommendation
            .plan
            .iter()
            .find(|d| {
                budget_bandit::account::date::Date::parse(&d.date)
                    .unwrap()
                    .weekday()
                    == weekday
            })
            .unwrap()
    };
    let (monday, saturday) = (day(0), day(5));
    assert!(
        saturday.spend[linkedin] < 0.8 * monday.spend[linkedin],
        "LinkedIn: Monday {:.0}, Saturday {:.0}",
        monday.spend[linkedin],
        saturday.spend[linkedin]
    );
    let total: f64 = recommendation.plan.iter().map(|d| d.total).sum();
    assert!((total - 7.0 * account.daily_budget).abs() < 1e-6 * total);
}

/// A recommendation that changes nothing says why instead of returning the last split silently.
#[test]
fn an_unchanged_split_says_why() {
    let scenario = scenario("default", 30);
    let (mut account, history) = account_history(&scenario, "epsilon-greedy", 0);
    account.channels.iter_mut().for_each(|c| c.freeze = true);
    let recommendation = recommend_for(&account, &history, 1);
    for channel in &recommendation.channels {
        assert_eq!(channel.recommended_spend, channel.current_spend);
        assert_eq!(channel.note, "frozen at the last day's spend");
    }
    assert!(
        recommendation
            .warnings
            .iter()
            .any(|w| w.contains("every channel is frozen")),
        "{:?}",
        recommendation.warnings
    );
}

/// A channel frozen above tomorrow's whole budget is held at the budget, and the output says so.
#[test]
fn a_freeze_above_the_budget_is_held_at_the_budget_and_said() {
    let scenario = scenario("default", 30);
    let (mut account, history) = account_history(&scenario, "epsilon-greedy", 0);
    let last = history.day(history.days - 1)[0].spend;
    account.daily_budget = 0.5 * last;
    account.constraints.bounds = budget_bandit::constraints::Bounds::free(5, 0.5 * last);
    account.channels[0].freeze = true;
    let recommendation = recommend_for(&account, &history, 1);
    assert_eq!(recommendation.channels[0].recommended_spend, 0.5 * last);
    assert!(
        recommendation
            .warnings
            .iter()
            .any(|w| w.contains("is frozen at the last day's")),
        "{:?}",
        recommendation.warnings
    );
}

/// Under ad fatigue the recommendation is the best *steady* split: the social creatives of
/// `fatigue` wear out as delivery grows, so the split that is best for one rested day buys too
/// much of them. On 20 histories played by saturation Thompson sampling (which learns the
/// wear, and whose curves `recommend` then keeps for the worn channels), the recommended
/// split's true steady revenue is 99.67% of the best steady split's (95% interval 99.50% to
/// 99.84%; the even split earns 99.39%). Planned without the wear, the recommendation earned
/// 98.38% (97.99% to 98.77%) on the same histories, before the policy's curves were tempered:
/// the lower end must stay above 99%.
#[test]
fn under_ad_fatigue_the_recommendation_is_the_best_steady_split() {
    use budget_bandit::policy::ResponseDraw;
    let scenario = scenario("fatigue", 120);
    let truth = ResponseDraw {
        curves: scenario.channels.clone(),
        wear: (0..scenario.channels.len())
            .map(|i| wear_per_unit(&scenario, i).map_or(0.0, |(kappa, _)| kappa))
            .collect(),
        revenue_curves: Vec::new(),
        beyond: Vec::new(),
    };
    let steady = |split: &[f64]| -> f64 {
        split
            .iter()
            .enumerate()
            .map(|(i, &s)| truth.revenue(i, s))
            .sum()
    };
    let budget = scenario.daily_budget;
    let best = steady(&truth.optimal(&scenario.constraints.bounds, budget, scenario.objective));
    let even = steady(&[budget / 3.0; 3]) / best;
    let mut ratio = RunningStats::default();
    for replication in 0..20 {
        let (account, history) = account_history(&scenario, "saturation-thompson", replication);
        let recommendation = recommend_for(&account, &history, replication);
        ratio.push(steady(&recommended_split(&recommendation)) / best);
    }
    let interval = ratio.interval95();
    eprintln!(
        "fatigue: recommended / best steady revenue {:.5} (95% interval {:.5} to {:.5}); even \
         split {even:.5}",
        ratio.mean(),
        interval.low,
        interval.high
    );
    assert!(even < 0.995, "the even split earns {even:.5} of the best");
    assert!(
        interval.low > 0.99,
        "recommended / best steady {:.5}, 95% interval from {:.5}, even split {even:.5}",
        ratio.mean(),
        interval.low
    );
}

/// A policy that does not plan for ad wear is told which channels wear: on a `fatigue` history,
/// an account run by Thompson sampling gets a note for each social creative and none for
/// search; run by saturation Thompson sampling, which plans the settled split, it gets none.
#[test]
fn a_policy_that_ignores_wear_is_told_which_channels_wear() {
    use budget_bandit::policy::thompson::ThompsonParams;
    use budget_bandit::policy::{PolicyKind, PolicySpec};
    let scenario = scenario("fatigue", 120);
    let (account, history) = account_history(&scenario, "saturation-thompson", 0);
    let wear_notes = |account: &Account| -> Vec<String> {
        recommend_for(account, &history, 0)
            .warnings
            .into_iter()
            .filter(|w| w.contains("wears with delivery"))
            .collect()
    };
    assert_eq!(wear_notes(&account), Vec::<String>::new());
    let mut myopic = account.clone();
    myopic.policy = PolicySpec {
        name: "thompson".to_owned(),
        kind: PolicyKind::Thompson(ThompsonParams::default()),
    };
    myopic.policy_named = true;
    let notes = wear_notes(&myopic);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].starts_with("channel 'social-video' wears"),
        "{notes:?}"
    );
    assert!(
        notes[1].starts_with("channel 'social-carousel' wears"),
        "{notes:?}"
    );
    assert!(notes.iter().all(|n| n.contains("'thompson'")), "{notes:?}");
}

/// With `policy = "auto"` the learner is the one that loses least on the fitted market, and the
/// output says so with every learner's regret; a named learner that loses beyond the best's
/// 95% interval is kept, with a note naming the better one.
#[test]
fn the_learner_is_chosen_on_the_fitted_market_and_a_named_one_is_kept() {
    use budget_bandit::policy::epsilon_greedy::EpsilonGreedyParams;
    use budget_bandit::policy::{PolicyKind, PolicySpec};
    let scenario = scenario("default", 90);
    let (account, history) = account_history(&scenario, "epsilon-greedy", 0);
    assert!(!account.policy_named, "history writes policy = \"auto\"");
    let auto = recommend_for(&account, &history, 0);
    let choice = &auto.policy_choice;
    assert_eq!(choice.candidates.len(), 8);
    assert_eq!(choice.chosen, choice.candidates[0].policy);
    assert_eq!(auto.policy, choice.chosen);
    assert!(
        choice
            .candidates
            .windows(2)
            .all(|w| w[0].regret <= w[1].regret),
        "{choice:?}"
    );
    assert!(
        choice
            .reason
            .contains("loses least of 8 on a market fitted"),
        "{}",
        choice.reason
    );
    assert_eq!(choice.recent_split.as_ref().unwrap().policy, "recent-split");
    let mut named = account.clone();
    named.policy = PolicySpec {
        name: "epsilon-greedy".to_owned(),
        kind: PolicyKind::EpsilonGreedy(EpsilonGreedyParams::default()),
    };
    named.policy_named = true;
    let kept = recommend_for(&named, &history, 0);
    assert_eq!(kept.policy, "epsilon-greedy");
    assert!(kept.policy_choice.named);
    let notes: Vec<&String> = kept
        .warnings
        .iter()
        .filter(|w| w.starts_with("policy 'epsilon-greedy' loses more than"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", kept.warnings);
    assert!(
        notes[0].contains(&format!("'{}'", choice.chosen)),
        "{notes:?}"
    );
}

/// A channel whose return steps down is read from the step on: on `shock`, search converts at
/// half its rate from day 46, and on histories played by epsilon-greedy `recommend` finds the
/// step within a week of it and says so, in at least 8 of 10 histories.
#[test]
fn a_step_in_a_channels_return_is_found_and_read_from() {
    let scenario = scenario("shock", 90);
    let mut found = 0;
    for replication in 0..10 {
        let (account, history) = account_history(&scenario, "epsilon-greedy", replication);
        let recommendation = recommend_for(&account, &history, replication);
        let note = recommendation
            .warnings
            .iter()
            .find(|w| w.starts_with("'search' has earned"));
        if let Some(note) = note {
            let date = note
                .split("since ")
                .nth(1)
                .and_then(|rest| rest.get(..10))
                .and_then(budget_bandit::account::date::Date::parse)
                .expect("a date in the note");
            let step = history.first_date.plus(46);
            assert!(
                (date.0 - step.0).abs() <= 7,
                "{note} (the step is on {step})"
            );
            assert!(note.contains("less"), "{note}");
            found += 1;
        }
    }
    eprintln!("shock: the step was found in {found} of 10 histories");
    assert!(found >= 8, "the step was found in {found} of 10 histories");
}
