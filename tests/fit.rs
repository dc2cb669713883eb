//! `fit` against a known truth: histories simulated from committed scenarios
//! (`budget-bandit history`), read back as an account, fitted, and each channel's price, funnel
//! rates and value per conversion compared with the scenario's own.

mod common;

use budget_bandit::channel::Pricing;
use budget_bandit::fit::{Estimate, Fit, fit};
use budget_bandit::scenario::Scenario;
use common::{account_history, scenario, wear_per_unit};
use rayon::prelude::*;
use std::ops::Range;

/// The parameters the acceptance test checks, in report order.
const PARAMETERS: [&str; 4] = ["price", "ctr", "cvr", "value"];

/// One (history, channel, parameter) case: the truth and what the fit says of it.
#[derive(Debug, Clone)]
struct Case {
    scenario: String,
    policy: String,
    parameter: &'static str,
    truth: f64,
    estimate: Estimate,
}

impl Case {
    fn covered(&self) -> bool {
        self.estimate.covers(self.truth)
    }
}

/// The cases of one fitted history: price, ctr (cpm), cvr (not cpa) and value of every
/// channel.
fn cases(scenario: &Scenario, policy: &str, fitted: &Fit) -> Vec<Case> {
    let mut cases = Vec::new();
    for truth in &scenario.channels {
        let channel = fitted
            .channels
            .iter()
            .find(|c| c.name == truth.name)
            .expect("every channel is fitted");
        let mut push = |parameter: &'static str, value: f64, estimate: Estimate| {
            cases.push(Case {
                scenario: scenario.name.clone(),
                policy: policy.to_owned(),
                parameter,
                truth: value,
                estimate,
            });
        };
        push("price", truth.price, channel.price);
        if truth.pricing == Pricing::Cpm {
            push("ctr", truth.ctr, channel.ctr.expect("cpm has a ctr"));
        }
        if truth.pricing != Pricing::Cpa {
            push("cvr", truth.cvr, channel.cvr.expect("only cpa has no cvr"));
        }
        push("value", truth.value, channel.value);
    }
    cases
}

/// Every case of the 90-day histories `replications` of `policy` on scenario `name`; each
/// fitted scenario must load.
fn fitted_cases(name: &str, policy: &str, replications: Range<u64>) -> Vec<Case> {
    let scenario = scenario(name, 90);
    replications
        .into_par_iter()
        .flat_map_iter(|replication| {
            let (account, history) = account_history(&scenario, policy, replication);
            let fitted = fit(&account, &history).unwrap();
            fitted
                .scenario(&account, 90)
                .expect("the fitted scenario loads");
            cases(&scenario, policy, &fitted)
        })
        .collect()
}

/// Cases covered, and all cases.
fn coverage<'a>(cases: impl IntoIterator<Item = &'a Case>) -> (usize, usize) {
    cases.into_iter().fold((0, 0), |(covered, all), case| {
        (covered + usize::from(case.covered()), all + 1)
    })
}

fn percent((covered, all): (usize, usize)) -> f64 {
    100.0 * covered as f64 / all.max(1) as f64
}

/// Acceptance: on 90-day histories of `default` and `saturation`, 30 of each played by
/// epsilon-greedy and 12 of each by Thompson sampling (other replications, so the two policies
/// do not share their random numbers), the stated 90% intervals of price, ctr, cvr and value
/// hold the scenario's truth in at least 85% of (history, channel, parameter) cases.
#[test]
fn fitted_intervals_hold_the_truth() {
    let mut all = Vec::new();
    for name in ["default", "saturation"] {
        all.extend(fitted_cases(name, "epsilon-greedy", 0..30));
        all.extend(fitted_cases(name, "thompson", 100..112));
    }
    for parameter in PARAMETERS {
        let (covered, cases) = coverage(all.iter().filter(|c| c.parameter == parameter));
        eprintln!(
            "{parameter}: truth within the 90% interval in {covered} of {cases} cases ({:.1}%)",
            percent((covered, cases))
        );
    }
    for name in ["default", "saturation"] {
        for policy in ["epsilon-greedy", "thompson"] {
            let (covered, cases) = coverage(
                all.iter()
                    .filter(|c| c.scenario == name && c.policy == policy),
            );
            eprintln!(
                "{name} played by {policy}: {covered} of {cases} ({:.1}%)",
                percent((covered, cases))
            );
        }
    }
    let (covered, cases) = coverage(&all);
    eprintln!(
        "overall: {covered} of {cases} ({:.1}%)",
        percent((covered, cases))
    );
    assert!(
        percent((covered, cases)) >= 85.0,
        "the 90% intervals hold the truth in only {covered} of {cases} cases"
    );
}

/// On 120-day histories of `fatigue` (12 played by saturation Thompson sampling, which moves
/// the social channels' spend), the fit finds the wear of both social creatives and none on
/// search: the wear per paid unit of steady delivery, `strength / reference` (what the
/// simulator's fatigue depends on, whatever reference the fitted scenario has), within a factor
/// of 2 of the truth's, the recovery within a factor of 2, and the rested click-through rate
/// within 10%. On 20 histories of `default`, whose social channel does not wear, it writes a
/// fatigue at most once.
#[test]
fn the_fit_reads_ad_fatigue_from_the_click_through_rates() {
    let truth = scenario("fatigue", 120);
    let markets: Vec<Scenario> = (0..12)
        .into_par_iter()
        .map(|replication| {
            let (account, history) = account_history(&truth, "saturation-thompson", replication);
            fit(&account, &history)
                .unwrap()
                .scenario(&account, 120)
                .expect("the fitted scenario loads")
        })
        .collect();
    for market in &markets {
        for (i, channel) in truth.channels.iter().enumerate() {
            let fitted = wear_per_unit(market, i);
            match wear_per_unit(&truth, i) {
                Some((kappa, recovery)) => {
                    let (fitted_kappa, fitted_recovery) =
                        fitted.unwrap_or_else(|| panic!("{}: no fatigue fitted", channel.name));
                    let within = |x: f64, truth: f64, factor: f64| {
                        x >= truth / factor && x <= truth * factor
                    };
                    assert!(
                        within(fitted_kappa, kappa, 2.0),
                        "{}: wear per unit {fitted_kappa} against {kappa}",
                        channel.name
                    );
                    assert!(
                        within(fitted_recovery, recovery, 2.0),
                        "{}: recovery {fitted_recovery} against {recovery}",
                        channel.name
                    );
                    let ctr = market.channels[i].ctr;
                    assert!(
                        within(ctr, channel.ctr, 1.1),
                        "{}: rested ctr {ctr} against {}",
                        channel.name,
                        channel.ctr
                    );
                }
                None => assert!(fitted.is_none(), "{}: fatigue fitted", channel.name),
            }
        }
    }
    let calm = scenario("default", 90);
    let worn: usize = (0..20)
        .into_par_iter()
        .map(|replication| {
            let (account, history) = account_history(&calm, "saturation-thompson", replication);
            let market = fit(&account, &history)
                .unwrap()
                .scenario(&account, 90)
                .unwrap();
            market
                .dynamics
                .iter()
                .filter(|d| d.fatigue.is_some())
                .count()
        })
        .sum();
    eprintln!("default: fatigue fitted on {worn} channels of 20 histories");
    assert!(
        worn <= 1,
        "fatigue fitted on {worn} channels of 20 calm histories"
    );
}

/// Clicks bought at a steady price that convert less as spend grows (a Michaelis–Menten curve
/// of conversions, `60 s / (1500 + s)` a day): the units show no bend, the conversions do, and
/// the fitted market's revenue bends with them (within 15% of the truth from the spends tried
/// to twice the highest), where a linear market would put the whole budget on this channel. A
/// channel whose conversions grow in step with its clicks stays linear.
#[test]
fn a_bend_in_the_conversions_alone_reaches_the_fitted_market() {
    use budget_bandit::account::file::Account;
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, Poisson};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
    let truth = |s: f64| 60.0 * s / (1500.0 + s);
    let mut csv = String::from("date,channel,spend,impressions,clicks,leads,conversions,revenue\n");
    let start = budget_bandit::account::date::Date::from_ymd(2025, 1, 1).unwrap();
    for day in 0..365 {
        let date = start.plus(day);
        let search: f64 = rng.random_range(500.0..3000.0);
        let sales = Poisson::new(truth(search)).unwrap().sample(&mut rng);
        let social: f64 = rng.random_range(500.0..3000.0);
        let social_sales = Poisson::new(0.01 * social).unwrap().sample(&mut rng);
        csv.push_str(&format!(
            "{date},search,{search:.2},,{},,{sales},{:.2}\n\
             {date},social,{social:.2},,{},,{social_sales},{:.2}\n",
            (search / 2.0).round(),
            100.0 * sales,
            (social / 2.0).round(),
            100.0 * social_sales
        ));
    }
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("shop.csv"), csv).unwrap();
    let account = Account::from_toml(
        "shop.toml",
        "name = \"shop\"\ndaily_budget = 3500.0\nhistory = \"shop.csv\"\n\
         [[channels]]\nname = \"search\"\npricing = \"cpc\"\n\
         [[channels]]\nname = \"social\"\npricing = \"cpc\"\n",
        dir.path(),
    )
    .unwrap();
    let history = account.read_history().unwrap();
    let fitted = fit(&account, &history).unwrap();
    let search = &fitted.channels[0];
    assert!(search.bend_from_conversions, "{search:?}");
    assert!(search.audience.is_some());
    let social = &fitted.channels[1];
    assert!(
        !social.bend_from_conversions && social.audience.is_none(),
        "{social:?}"
    );
    let market = fitted.scenario(&account, 30).unwrap();
    for spend in [500.0, 1500.0, 3000.0, 6000.0] {
        let said = market.channels[0].expected_revenue(spend);
        let true_revenue = 100.0 * truth(spend);
        assert!(
            (said / true_revenue - 1.0).abs() < 0.15,
            "at {spend}: the fitted market says {said:.0}, the truth {true_revenue:.0}"
        );
    }
}
