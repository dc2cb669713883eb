//! A test budget for a channel the history cannot judge: which spends to run on which days to
//! learn how its return falls as spend grows, what the test costs, and what it will tell.
//!
//! A channel whose daily spend barely varied (coefficient of variation below
//! [`super::IDENTIFIED_VARIATION`]) shows one point of its curve, many times: the level of its
//! return, not its bend. The recommendation holds it near its last spend, which caps what the
//! account can gain. The way out is a test: for [`TEST_DAYS`] days, alternate the channel
//! between `r (1 − TEST_STEP)` and `r (1 + TEST_STEP)` around its recommended spend `r`
//! (spends three times apart with the default step of one half), within the account's floor,
//! cap and budget, and within the pacing rule: where `max_daily_change = δ` allows a daily
//! swing of less than `r · 2 TEST_STEP`, the two spends are `r ± δ B / 2`. The other channels
//! take up or give back the difference in proportion to their recommended spends, so every
//! test day spends the budget. Several channels are tested one after the other, the one with
//! the largest recommended spend first, so that each test reads clean. The first test starts
//! the day after tomorrow: tomorrow runs the split of the action list, so no channel is told
//! two spends for one day.
//!
//! **Cost.** Over the posterior draws `R^m` of an average day, the expected revenue given up
//! is `Σ_days (1/M) Σ_m [Σ_j R_j^m(r_j) − Σ_j R_j^m(t_j)]`, with `t` the test day's split: the
//! price of the information, usually small, since the curve is flat near its optimum.
//!
//! **What it tells.** Two spends that far apart give the history a slope as well as a level,
//! the channel's diminishing returns, whose absence is why the interval of its marginal return
//! at the recommended spend (quoted) is as wide as it is.

use crate::account::date::Date;
use crate::account::file::Account;
use crate::output::csv_files::round_to;
use crate::output::table::thousands;
use crate::policy::ResponseDraw;
use crate::stats::quantile;
use serde::Serialize;

/// Days of a test.
pub const TEST_DAYS: usize = 14;
/// How far a test day moves the channel from its recommended spend, as a share of it.
pub const TEST_STEP: f64 = 0.5;

/// One day of a test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestDay {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The channel's spend that day, in whole units.
    pub spend: f64,
}

/// A test budget for one channel (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestPlan {
    /// The channel.
    pub channel: String,
    /// The low spend, whole units a day.
    pub low: f64,
    /// The high spend, whole units a day.
    pub high: f64,
    /// The days, low first, alternating.
    pub days: Vec<TestDay>,
    /// Expected revenue given up over the test, against the recommended split every day.
    pub cost: f64,
    /// 5% and 95% quantiles of the channel's marginal ROAS at the recommended spend today.
    pub marginal_roas: (f64, f64),
    /// "Test meta at 500 / 1,500 NOK/day on alternate days for 14 days …".
    pub text: String,
}

/// The split of a test day: channel `i` at `spend`, the other channels that are free to move
/// taking up the difference in proportion to their recommended spends.
fn test_split(recommended: &[f64], movable: &[bool], i: usize, spend: f64) -> Vec<f64> {
    let mut split = recommended.to_vec();
    let difference = spend - recommended[i];
    split[i] = spend;
    let others: f64 = (0..split.len())
        .filter(|&j| j != i && movable[j])
        .map(|j| recommended[j])
        .sum();
    if others > 0.0 {
        for j in (0..split.len()).filter(|&j| j != i && movable[j]) {
            split[j] = (recommended[j] - difference * recommended[j] / others).max(0.0);
        }
    }
    split
}

/// Mean revenue of `split` over the draws.
fn revenue(draws: &[ResponseDraw], split: &[f64]) -> f64 {
    draws
        .iter()
        .map(|d| {
            split
                .iter()
                .enumerate()
                .map(|(j, &s)| d.revenue(j, s))
                .sum::<f64>()
        })
        .sum::<f64>()
        / draws.len().max(1) as f64
}

/// The test plans of the channels whose returns the history does not show (`known` false),
/// one after the other from `first`, the channel with the largest recommended spend first;
/// `draws` are an average day's.
pub fn test_plans(
    account: &Account,
    draws: &[ResponseDraw],
    recommended: &[f64],
    known: &[bool],
    first: Date,
) -> Vec<TestPlan> {
    let budget = account.daily_budget;
    let bounds = &account.constraints.bounds;
    let movable: Vec<bool> = account.channels.iter().map(|c| !c.freeze).collect();
    let baseline = revenue(draws, recommended);
    let mut plans = Vec::new();
    // One test at a time, so that each reads clean: the channel with the most money at stake
    // first, each test starting the day after the one before ends.
    let mut order: Vec<usize> = (0..account.channels.len()).collect();
    order.sort_by(|&a, &b| recommended[b].total_cmp(&recommended[a]));
    let mut start = first;
    for i in order {
        let channel = &account.channels[i];
        let r = recommended[i];
        if known[i] || channel.freeze || r <= 0.0 {
            continue;
        }
        let mut step = TEST_STEP * r;
        if let Some(change) = account.constraints.max_daily_change {
            step = step.min(change * budget / 2.0);
        }
        let low = (r - step).max(bounds.low[i]).round();
        let high = (r + step).min(bounds.high[i]).min(budget).round();
        if high - low < 1.0 {
            continue;
        }
        let days: Vec<TestDay> = (0..TEST_DAYS)
            .map(|k| TestDay {
                date: start.plus(k as i64).to_string(),
                spend: if k % 2 == 0 { low } else { high },
            })
            .collect();
        let lost =
            |spend: f64| baseline - revenue(draws, &test_split(recommended, &movable, i, spend));
        let cost = (TEST_DAYS / 2) as f64 * (lost(low) + lost(high));
        let mut marginal: Vec<f64> = draws.iter().map(|d| d.marginal(i, r)).collect();
        marginal.sort_by(f64::total_cmp);
        let marginal_roas = (quantile(&marginal, 0.05), quantile(&marginal, 0.95));
        let end = start.plus(TEST_DAYS as i64 - 1);
        let text = format!(
            "Test {} at {} / {} {currency}/day on alternate days, {start} to {end}, to learn how \
             its return falls as spend grows (expected cost {} {currency}; its marginal ROAS is \
             now {:.2} to {:.2})",
            channel.name,
            thousands(low, 0),
            thousands(high, 0),
            thousands(cost.max(0.0), 0),
            marginal_roas.0,
            marginal_roas.1,
            currency = account.currency,
        );
        start = end.plus(1);
        plans.push(TestPlan {
            channel: channel.name.clone(),
            low,
            high,
            days,
            cost: round_to(cost, 2),
            marginal_roas: (round_to(marginal_roas.0, 4), round_to(marginal_roas.1, 4)),
            text,
        });
    }
    plans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_day_spends_the_budget_and_moves_only_free_channels() {
        let recommended = [600.0, 300.0, 100.0];
        let split = test_split(&recommended, &[true, true, false], 0, 900.0);
        assert_eq!(split, [900.0, 0.0, 100.0]);
        let split = test_split(&recommended, &[true, true, true], 0, 300.0);
        assert!(
            (split.iter().sum::<f64>() - 1000.0).abs() < 1e-9,
            "{split:?}"
        );
        assert!((split[1] - 525.0).abs() < 1e-9 && (split[2] - 175.0).abs() < 1e-9);
    }
}
