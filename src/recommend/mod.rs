//! Tomorrow's split from a real account's history, with its uncertainty.
//!
//! The account's learning policy (saturation Thompson sampling unless the account names
//! another) is shown the history day by day, exactly as in simulation (see
//! [`crate::account::replay`]), and each channel's revenue curve is fitted to the history's
//! days (see [`revenue`]: six curve families and the policy's own curve weighed by
//! how well each explains the revenue, the days' demand, the channels' weekdays, recent days
//! weighing more where the history drifted). Their joint posterior then answers four questions
//! for tomorrow, with `M` joint posterior draws `R^m` of every channel's curve:
//!
//! - **`recommended_spend`**: the split that maximises the posterior expected objective,
//!   `argmax_s (1/M) Σ_m V(R^m, s)` under tomorrow's bounds (see [`mean_curve`]);
//! - **`explore_spend`**: the learner's own randomised split for tomorrow, for an account that
//!   keeps learning: the policy the account names, or with `policy = "auto"` the learner that
//!   loses least on a market fitted to the history (see [`choice`]);
//! - **`spend_low` / `spend_high`**: the 5% and 95% quantiles of each channel's spend in the
//!   optimal splits of the single draws, `argmax_s V(R^m, s)`: a 90% credible interval of the
//!   optimal spend;
//! - **outlook**: the expected revenue, ROAS (and profit) of the recommended split, of the last
//!   [`RECENT_DAYS`] days' average split and of an even split, each with the 5% and 95%
//!   quantiles of its value over the draws.
//!
//! **Beyond the spends seen.** Every draw's curve holds as drawn up to the spend `h` where the
//! channel's history thins out (the [`SEEN_QUANTILE`] of its funded days' spends); past it,
//! money buys the curve at the falling rate `e^{−r (s − h)}` (see [`crate::policy::Beyond`]),
//! with `r = λ / ŝ`, `ŝ` the channel's highest day and `λ` exponential of mean
//! [`BEYOND_BEND`], drawn afresh for each channel of each draw. A family fitted to the
//! history's days continues its bend past them with a confidence the days do not give: on the
//! messy-history harness (funnels as drawn, 120 year-long histories) the recommendation went
//! up to the extrapolation cap on channels whose curves turned just past their busiest days,
//! and 17 histories earned under 97% of tomorrow's optimum; with the bend, 6. A rate of
//! `λ / h`, or a mean of 1, left 4, but on `default`'s epsilon-greedy histories, whose
//! channels sat at a small test spend on most days, it held them near it (92.7% of the oracle
//! instead of 98.2%) or narrowed `saturation`'s intervals to 76% coverage.
//!
//! The mean is 0.75 (it was 0.5): in a new user's trial of 72 exports whose channels follow
//! Hill, capped power and piecewise-linear curves (`benches/reference/new_user_trial`), brand
//! channels with S-shaped curves were recommended past their busiest day and past the
//! optimum. With the policy's curve at its prior of 0.2, from 0.5 to 0.75: the trial's
//! histories under 97% of tomorrow's optimum (not counting flat splits) fell from 10 to 7, the
//! mean share rose in clean (0.980 to 0.982), weekday-rhythm and demand-following histories
//! (0.976 to 0.979), the coverage held at 92%; the messy-history harness (funnels as drawn)
//! kept every history above the bar, with coverage 88-97%. It costs the markets of the
//! project's own family, whose optimum often lies past the busiest day: `saturation` 99.12%
//! of the oracle to 98.96% with coverage 86% to 82%, `default` 98.11% to 98.08%, and the
//! harness's control histories under the bar 3 to 4 (not counting flat splits). A mean of 1
//! left the trial at 7 and cost those more (the control's worst gaps history 0.926 to 0.903,
//! the weekday histories with the bends in the units down to 0.970).
//!
//! **Tomorrow's bounds.** The account's floors and caps; `freeze = true` holds a channel at the
//! last day's spend; the pacing rule `max_daily_change = δ` keeps each channel within `δ B` of
//! the last day's spend. A channel whose daily spend barely varied in the history (coefficient
//! of variation below [`IDENTIFIED_VARIATION`]) has unknown diminishing returns: the history
//! cannot tell how its return falls as spend grows, so it is held within
//! [`UNKNOWN_SATURATION_STEP`] of its last spend, and the output says so. Where the last day's
//! spends make these bounds infeasible for tomorrow's budget, the pacing is taken against the
//! last day's shares of tomorrow's budget, and a warning says so.
//!
//! **Weekdays.** Each channel's draws are scaled on each weekday by its multiplier: for a
//! channel fitted from its revenue, the weekday effect the fit found (the account's `weekday`
//! multipliers where it declares them) times the account's recent demand on that weekday
//! (see [`revenue`]); for a channel left to the policy, its declared multipliers `w_d / w̄`
//! (with `w̄ = Σ_t s_t w_{d(t)} / Σ_t s_t` the spend-weighted mean multiplier of the days the
//! posterior learned from), or those the policy learned ([`Policy::weekday_multipliers`], see
//! [`crate::policy::weekdays`]). The output names the channels tomorrow's weekday moves by 5%
//! or more, and tomorrow's split and each day of a plan are solved for their weekday.
//!
//! **Ad wear.** A policy that learns how delivery wears a channel (saturation Thompson
//! sampling, see [`crate::policy::wear`]) draws each channel's rested curve and its wear `κ`
//! ([`ResponseDraw`]). Every figure is then the *steady* one, what a split earns each day once
//! the exposure it sets has settled, `R(s) = r u(s) / (1 + κ u(s))`: the recommended split,
//! the intervals of the optimal spends, the outlook and the response bands. A split that is
//! best for one rested day buys too much of a tiring creative; on `fatigue` histories the
//! steady recommendation earned 99.67% of the best steady revenue, the rested-day one 98.38%
//! (measured before the policy's curves were tempered), less than the even split's 99.39%
//! (`tests/recommend.rs`). An account whose policy does not
//! learn wear gets a note for each channel that [`fit`] finds wearing (probability
//! [`crate::fit::FATIGUE_PROBABILITY`] or more), naming the policy that plans for it.
//!
//! **The policy's curves, tempered.** The policy's posterior is drawn with the days' evidence
//! at a third of its face value ([`revenue::TEMPER`], [`Policy::temper_curves`]), as the
//! revenue's curves are: its curve family is no more the truth of a real account than theirs.
//! On the messy-history harness (funnels as drawn) the histories under the bar fell from 5 to
//! 4 (clean 0.969 to 0.972, demand-following 0.941 to 0.951) and the coverage rose in weekday
//! (88% to 90%) and demand-following (75% to 78%); on `fatigue` the steady recommendation
//! rose from 99.53% to 99.67% of the best, on `saturation` the coverage from 81% to 88%, and
//! `default` held at 98.1%. The control's drifting histories (the project's own family, whose
//! policy does not forget) are then covered 100% of the time, from 97%.
//!
//! Policies without a posterior of their own (epsilon-greedy, UCB) explore by their rule; their
//! recommendation and intervals come from Thompson sampling's posterior of the same history.
//!
//! **What to do.** The recommended split is also read as a short list of actions against the
//! last day's split, in whole currency units ("Move 1,100 NOK/day from competitors to
//! brand", "Pause native (200 NOK/day): move it to b2b-leads"; see [`actions`]), which the
//! table and the report show first.

pub mod actions;
pub mod choice;
pub mod limits;
pub mod mean_curve;
pub mod output;
pub mod report;
pub mod revenue;
pub mod test_plan;

use crate::account::file::Account;
use crate::account::history::History;
use crate::account::replay::{Replay, replay};
use crate::channel::Pricing;
use crate::constraints::{Bounds, project};
use crate::error::ScenarioError;
use crate::fit::{Estimate, Fit, RECENT_DAYS, fit};
use crate::objective::Objective;
use crate::output::table::thousands;
use crate::policy::thompson::{Thompson, ThompsonParams};
use crate::policy::{Beyond, Day, Policy, PolicyKind, PolicySpec, ResponseDraw};
use crate::scenario::Allocation;
use crate::stats::quantile;
use crate::streams::{ReplicationStreams, StreamRng};
use actions::Action;
pub use limits::UNKNOWN_SATURATION_STEP;
use limits::{Limit, Shape};
use mean_curve::{best_mean_split, mean_marginal, mean_revenue};
use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;

/// Default number of joint posterior draws.
pub const DEFAULT_DRAWS: usize = 1000;
/// A channel whose funded days' spend varies by less than this coefficient of variation has
/// unknown diminishing returns.
pub const IDENTIFIED_VARIATION: f64 = 0.1;
/// How far a learned weekday multiplier of tomorrow must be from 1 for the output to say so.
const WEEKDAY_NOTE: f64 = 0.05;
/// Draws of the policy's posterior averaged into the reference curve of the revenue fit.
const REFERENCE_DRAWS: usize = 200;
/// Share of its rested revenue at the history's highest spend that a channel's steady curve
/// must lose, by the policy's posterior, to be left to the policy (see [`revenue`]).
const WORN: f64 = 0.1;
/// Points of each channel's response band for the charts.
const BAND_POINTS: usize = 61;

/// How to recommend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Joint posterior draws.
    pub draws: usize,
    /// Seed of the draws and of the policy's own randomness.
    pub seed: u64,
    /// Days of the plan after tomorrow's split (0: tomorrow only).
    pub plan_days: usize,
}

/// What `recommend` says about one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelAdvice {
    /// The channel.
    pub channel: String,
    /// Its pricing model.
    pub pricing: Pricing,
    /// The last day's spend.
    #[serde(serialize_with = "output::json_cents")]
    pub current_spend: f64,
    /// The split that maximises the posterior expected objective.
    #[serde(serialize_with = "output::json_cents")]
    pub recommended_spend: f64,
    /// 5% quantile of the optimal spend over the posterior.
    #[serde(serialize_with = "output::json_cents")]
    pub spend_low: f64,
    /// 95% quantile of the optimal spend over the posterior.
    #[serde(serialize_with = "output::json_cents")]
    pub spend_high: f64,
    /// The policy's own randomised split for tomorrow.
    #[serde(serialize_with = "output::json_cents")]
    pub explore_spend: f64,
    /// Posterior mean of the return on the next currency unit at the current spend.
    #[serde(serialize_with = "output::json_ratio")]
    pub marginal_roas_current: f64,
    /// Posterior mean of the return on the next currency unit at the recommended spend.
    #[serde(serialize_with = "output::json_ratio")]
    pub marginal_roas_recommended: f64,
    /// Mean daily spend over the last days.
    #[serde(serialize_with = "output::json_cents")]
    pub recent_spend: f64,
    /// Tomorrow's least spend (floors, freeze, pacing).
    #[serde(serialize_with = "output::json_cents")]
    pub min_spend: f64,
    /// Tomorrow's most spend (caps, freeze, pacing).
    #[serde(serialize_with = "output::json_cents")]
    pub max_spend: f64,
    /// Held at the last day's spend by the account.
    pub frozen: bool,
    /// Whether the history varied the channel's spend enough to show its diminishing returns.
    pub saturation_known: bool,
    /// Coefficient of variation of the channel's daily spend on funded days.
    #[serde(serialize_with = "output::json_ratio")]
    pub spend_variation: f64,
    /// Posterior mean ROAS of the recommended spend.
    #[serde(serialize_with = "output::json_ratio")]
    pub roas_recommended: f64,
    /// A plain statement of what the history tells and what was done.
    pub note: String,
    /// The channel's highest daily spend in the history.
    #[serde(serialize_with = "output::json_cents")]
    pub history_high: f64,
    /// Whether the recommended spend reaches `extrapolation_factor` times the history's
    /// highest day (capped there, or beyond it where the account allows extrapolation).
    pub beyond_history: bool,
    /// What decided the recommended spend: the data (inside tomorrow's limits) or the limit it
    /// sits on.
    pub limited_by: Limit,
}

impl ChannelAdvice {
    /// What decided the recommended spend, as the table and the report show it: the limit's
    /// name, or `beyond history` where the data put it past `extrapolation_factor` times the
    /// history's highest day.
    pub fn limit_label(&self) -> &'static str {
        match (self.limited_by, self.beyond_history) {
            (Limit::Data, true) => "beyond history",
            (limit, _) => limit.as_str(),
        }
    }
}

/// The expected outcome of one split tomorrow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlook {
    /// Which split: `recommended`, `last 7 days` or `even`.
    pub split: String,
    /// Money it spends.
    #[serde(serialize_with = "output::json_cents")]
    pub spend: f64,
    /// Expected revenue, with its 90% credible interval.
    #[serde(serialize_with = "output::json_cents_estimate")]
    pub revenue: Estimate,
    /// Expected ROAS.
    #[serde(serialize_with = "output::json_ratio_estimate")]
    pub roas: Estimate,
    /// Expected profit `revenue / τ − spend` under the profit objective.
    #[serde(serialize_with = "output::json_cents_estimate_option")]
    pub profit: Option<Estimate>,
    /// Spend per channel.
    #[serde(serialize_with = "output::json_cents_all")]
    pub spend_per_channel: Vec<f64>,
    /// What it is expected to earn beyond the last days' split, read draw by draw; `None`
    /// for that split itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gain: Option<Gain>,
}

/// How much more one split is expected to earn than another, read draw by draw: both splits
/// are scored on the same posterior draws, so what the draws share (the level of every curve,
/// tomorrow's demand) cancels, and the interval is that of the difference itself, not of
/// either split's revenue. A gain whose interval reaches below zero is a change the history
/// does not yet support.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gain {
    /// The split compared against.
    pub over: String,
    /// The expected difference in the objective (revenue, or profit under a profit
    /// objective), with its 90% credible interval.
    #[serde(serialize_with = "output::json_cents_estimate")]
    pub difference: Estimate,
    /// Share of the draws in which this split earns more.
    #[serde(serialize_with = "output::json_ratio")]
    pub probability_higher: f64,
}

/// One channel's posterior expected revenue against spend, with its 90% band, for the charts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseBand {
    /// Spends at which the curve is given.
    pub spend: Vec<f64>,
    /// Posterior mean revenue.
    pub mean: Vec<f64>,
    /// 5% quantile.
    pub low: Vec<f64>,
    /// 95% quantile.
    pub high: Vec<f64>,
    /// The history's days: spend and revenue.
    pub history: Vec<(f64, f64)>,
}

/// One day of a plan: the posterior-best split of that day, paced from the day before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDay {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Spend per channel, in account order.
    #[serde(serialize_with = "output::json_cents_all")]
    pub spend: Vec<f64>,
    /// The day's total spend.
    #[serde(serialize_with = "output::json_cents")]
    pub total: f64,
}

/// Tomorrow's recommendation for an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The account's name.
    pub account: String,
    /// Its currency.
    pub currency: String,
    /// The learning policy.
    pub policy: String,
    /// Whose posterior the recommendation reads.
    pub posterior: String,
    /// How the learning policy was chosen: the learners' regret on a market fitted to the
    /// history.
    pub policy_choice: choice::PolicyChoice,
    /// The first day of the history.
    pub first_date: String,
    /// The last day of the history.
    pub last_date: String,
    /// Days of history.
    pub history_days: usize,
    /// The day recommended for.
    pub date: String,
    /// Tomorrow's budget.
    #[serde(serialize_with = "output::json_cents")]
    pub daily_budget: f64,
    /// `revenue` or `profit`.
    pub objective: String,
    /// The target ROAS of the profit objective.
    pub target_roas: Option<f64>,
    /// Joint posterior draws.
    pub draws: usize,
    /// Seed.
    pub seed: u64,
    /// What to do tomorrow, against the last day's split, then the test budgets.
    pub actions: Vec<Action>,
    /// A test budget for each channel whose returns the history does not show.
    pub test_plans: Vec<test_plan::TestPlan>,
    /// Per channel, in account order.
    pub channels: Vec<ChannelAdvice>,
    /// The recommended, recent and even splits' expected outcomes.
    pub outlook: Vec<Outlook>,
    /// Per channel, the posterior response for the charts.
    #[serde(skip)]
    pub bands: Vec<ResponseBand>,
    /// What was relaxed or assumed.
    pub warnings: Vec<String>,
    /// The plan for the next days (`recommend --days N`), empty without one.
    pub plan: Vec<PlanDay>,
    /// The fit of the history (estimates per channel).
    #[serde(skip)]
    pub fit: Fit,
}

/// Recommends tomorrow's split for `account` from its `history`.
///
/// The steps: the history's usable days (`usable_history`); the market fitted to them
/// ([`fit`]); the learner race on that market ([`choice::choose`]) beside the policy's posterior
/// and the revenue curves of the history (`read_posterior`); tomorrow's limits
/// ([`limits::tomorrow`]) and weekday; the posterior-best split ([`best_mean_split`]) and each
/// draw's own optimum (`optimal_spends`); the learner's split (`explore_split`); what each
/// split is expected to earn (`outlooks`); each channel's advice (`Advising`); the action
/// list and test plans; and the `--days` plan (`plan_days`).
pub fn recommend(
    account: &Account,
    history: &History,
    settings: Settings,
) -> Result<Recommendation, ScenarioError> {
    let mut warnings = history.notes.clone();
    // Tomorrow is the day after the file's last date.
    let first = history.last_date().plus(1);
    let full_days = history.days;
    let history = usable_history(history, &mut warnings);
    let history = history.as_ref();
    let fitted = fit(account, history)?;
    let market = fitted.scenario(account, history.days.clamp(1, 100_000))?;
    let history_high = highest_spends(history);
    // The learner race and the reading of the history are independent: each runs on its own
    // streams, so running them side by side changes no figure.
    let (chosen, read) = rayon::join(
        || choice::choose(&fitted, account, settings.seed),
        || read_posterior(account, history, &market, &history_high, settings),
    );
    let (policy_choice, learner) = chosen?;
    let Posterior {
        mut learned,
        draws,
        name: posterior,
        model,
    } = read;
    warnings.extend(policy_choice.note.clone());
    let channels = account.channels.len();
    let budget = account.daily_budget;
    let current: Vec<f64> = history
        .day(history.days - 1)
        .iter()
        .map(|f| f.spend)
        .collect();
    let (recent_days, recent) = recent_split(history);
    warnings.extend(wear_notes(account, &fitted));
    let known: Vec<bool> = fitted
        .channels
        .iter()
        .map(|c| c.spend_variation >= IDENTIFIED_VARIATION)
        .collect();
    let limits = limits::tomorrow(
        account,
        &Shape {
            previous: &current,
            current: &current,
            known: &known,
            history_high: &history_high,
        },
        &mut warnings,
    )?;
    let bounds = limits.bounds.clone();
    let names: Vec<&str> = account.channels.iter().map(|c| c.name.as_str()).collect();
    warnings.extend(model_notes(&model, history, &names));

    // Tomorrow's curves: each channel's weekday rhythm, the fitted one where the revenue
    // curves were fitted.
    let mut scales = weekday_scales(account, history, learned.policy.as_ref());
    for ((scale, curves), fitted) in scales.iter_mut().zip(&model.channels).zip(&model.scales) {
        if curves.is_some() {
            *scale = *fitted;
        }
    }
    let tomorrow_weekday = first.weekday();
    warnings.extend(weekday_note(account, &scales, tomorrow_weekday));
    let unscaled = draws;
    let draws = on_weekday(&unscaled, &scales, tomorrow_weekday);
    let objective = account.objective;
    let recommended = best_mean_split(&draws, &bounds, budget, objective);
    let optimal = optimal_spends(&draws, budget, objective);
    warnings.extend(kept_split_note(&recommended, &current, &bounds, budget));

    let learners_split = explore_split(
        account,
        history,
        &market,
        &learner,
        &mut learned,
        &bounds,
        settings.seed,
    );
    let explore = toward(&recommended, &learners_split, EXPLORE_SHARE * budget);
    let outlook = outlooks(account, &recommended, (recent_days, &recent), &draws);
    if let Some(note) = even_beats_recommended(&outlook, &account.currency) {
        warnings.push(note);
    }
    warnings.extend(recent_revenue_note(
        history,
        (recent_days, &recent),
        &unscaled,
        &scales,
        &account.currency,
    ));

    let advising = Advising {
        account,
        fitted: &fitted,
        model: &model,
        draws: &draws,
        known: &known,
        limits: &limits,
        history_high: &history_high,
        current: &current,
        recent: &recent,
        recommended: &recommended,
        optimal: &optimal,
        explore: &explore,
    };
    let advice = (0..channels).map(|i| advising.advice(i)).collect();
    let mut actions = actions::actions(&names, &current, &recommended, budget, &account.currency);
    // Tomorrow runs the split the action list gives; the tests start the day after.
    let test_plans = test_plan::test_plans(account, &unscaled, &recommended, &known, first.plus(1));
    actions.extend(test_plans.iter().map(|plan| actions::Action::Test {
        channel: plan.channel.clone(),
        low: plan.low,
        high: plan.high,
        days: plan.days.len(),
        cost: crate::output::csv_files::round_to(plan.cost, 0),
        text: plan.text.clone(),
    }));
    let bands = (0..channels)
        .into_par_iter()
        .map(|i| {
            let reach = recommended[i].max(quantile(&optimal[i], 0.95));
            band(&draws, i, history, &bounds, reach, budget)
        })
        .collect();
    let plan = plan_days(
        account,
        &Planning {
            unscaled: &unscaled,
            scales: &scales,
            recommended: &recommended,
            current: &current,
            known: &known,
            history_high: &history_high,
            first,
        },
        settings.plan_days,
    )?;
    Ok(Recommendation {
        account: account.name.clone(),
        currency: account.currency.clone(),
        policy: learner.name.clone(),
        posterior,
        policy_choice,
        first_date: fitted.first_date.clone(),
        last_date: first.plus(-1).to_string(),
        history_days: full_days,
        date: first.to_string(),
        daily_budget: budget,
        objective: objective.as_str().to_owned(),
        target_roas: objective.target_roas(),
        draws: draws.len(),
        seed: settings.seed,
        actions,
        test_plans,
        channels: advice,
        outlook,
        bands,
        warnings,
        plan,
        fit: fitted,
    })
}

/// What tomorrow is expected to earn (mean and 90% interval over the draws) under the
/// recommended split, the last `recent.0` days' mean split (`recent.1`) and the even split
/// (within the account's floors and caps), with the recommended and even splits' gains over
/// the recent one.
fn outlooks(
    account: &Account,
    recommended: &[f64],
    recent: (usize, &[f64]),
    draws: &[ResponseDraw],
) -> Vec<Outlook> {
    let (budget, objective) = (account.daily_budget, account.objective);
    let channels = recommended.len();
    let (recent_days, recent) = recent;
    let mut even = vec![budget / channels as f64; channels];
    project(
        &mut even,
        &account.constraints.bounds,
        budget,
        objective.spends_all(),
    );
    let recent_name = format!("last {recent_days} days");
    let recent_revenue = revenue_per_draw(recent, draws);
    let baseline = Baseline {
        name: &recent_name,
        spend: recent.iter().sum(),
        revenue: &recent_revenue,
    };
    vec![
        outlook("recommended", recommended, draws, objective, Some(baseline)),
        outlook(&recent_name, recent, draws, objective, None),
        outlook("even", &even, draws, objective, Some(baseline)),
    ]
}

/// The history the recommendation reads: without a trailing stretch of days with no spend on
/// any channel (a paused account, a declined card, or today's empty row), which says nothing
/// of the channels, and without a last day that spent far less than the week before it (most
/// likely exported before it ended); each left out with a note, so the split to pace from is
/// the last full day's.
fn usable_history<'a>(history: &'a History, warnings: &mut Vec<String>) -> Cow<'a, History> {
    let idle = history.idle_tail();
    let mut usable = Cow::Borrowed(history);
    if idle > 0 {
        let last_funded = history.last_date().plus(-(idle as i64));
        let from = last_funded.plus(1);
        warnings.push(format!(
            "{} no spend on any channel (a paused account, a declined card, or a day exported \
             before it ran): the split to pace from is {last_funded}'s, the last day with spend",
            if idle == 1 {
                format!("{from} has")
            } else {
                format!(
                    "the last {idle} days, {from} to {}, have",
                    history.last_date()
                )
            }
        ));
        usable = Cow::Owned(history.first_days(history.days - idle));
    }
    if let Some((last, median)) = crate::account::history::partial_last_day(&usable.daily_spend()) {
        warnings.push(format!(
            "the last day, {}, spent {} against a median of {} over the 7 days before it: \
             read as a day exported before it ended and left out, so the split to pace from \
             is {}'s; export the history up to the day before to drop this note",
            usable.last_date(),
            thousands(last, 2),
            thousands(median, 2),
            usable.last_date().plus(-1)
        ));
        usable = Cow::Owned(usable.first_days(usable.days - 1));
    }
    usable
}

/// The last [`RECENT_DAYS`] days (or fewer) of the history and each channel's mean spend over
/// them: the split the recommendation is compared with.
fn recent_split(history: &History) -> (usize, Vec<f64>) {
    let days = history.days.min(RECENT_DAYS);
    let split = history
        .recent_spend(days)
        .into_iter()
        .map(|total| total / days as f64)
        .collect();
    (days, split)
}

/// A note for each channel the fit finds worn by its own delivery, where the account's policy
/// does not plan for wear.
fn wear_notes(account: &Account, fitted: &Fit) -> Vec<String> {
    if matches!(account.policy.kind, PolicyKind::SaturationThompson(_)) {
        return Vec::new();
    }
    fitted
        .channels
        .iter()
        .filter(|c| c.fatigue.is_some())
        .map(|channel| {
            let chance = channel.fatigue.map_or(0.0, |f| f.probability);
            format!(
                "channel '{}' wears with delivery: its click-through rate falls as its \
                 impressions grow ({:.0}% likely). Policy '{}' does not plan for wear; policy = \
                 \"saturation-thompson\" plans the split that is best once the wear has settled",
                channel.name,
                100.0 * chance,
                account.policy.name
            )
        })
        .collect()
}

/// Each draw's own optimum within the budget alone (what the data say; the limits are shown
/// apart, see `limited_by`), solved in parallel and collected in draw order: per channel, its
/// optimal spends sorted, whose quantiles are the interval of its optimal spend.
fn optimal_spends(draws: &[ResponseDraw], budget: f64, objective: Objective) -> Vec<Vec<f64>> {
    let channels = draws.first().map_or(0, |d| d.curves.len());
    let free = Bounds::free(channels, budget);
    let splits: Vec<Vec<f64>> = draws
        .par_iter()
        .map(|draw| draw.optimal(&free, budget, objective))
        .collect();
    let mut optimal: Vec<Vec<f64>> = vec![Vec::with_capacity(draws.len()); channels];
    for split in &splits {
        for (spends, s) in optimal.iter_mut().zip(split) {
            spends.push(*s);
        }
    }
    for spends in &mut optimal {
        spends.sort_by(f64::total_cmp);
    }
    optimal
}

/// A note where the recommendation keeps the last day's split, saying why: every channel held
/// by its limits, or the last split already the posterior-best one.
fn kept_split_note(
    recommended: &[f64],
    current: &[f64],
    bounds: &Bounds,
    budget: f64,
) -> Option<String> {
    let largest_move = recommended
        .iter()
        .zip(current)
        .map(|(r, c)| (r - c).abs())
        .fold(0.0, f64::max);
    if largest_move > 1e-3 * budget {
        return None;
    }
    let pinned = (0..recommended.len()).all(|i| bounds.high[i] - bounds.low[i] <= 1e-9 * budget);
    Some(if pinned {
        "the recommendation keeps the last day's split: every channel is frozen or held by its \
         limits"
            .to_owned()
    } else {
        "the recommendation keeps the last day's split: within tomorrow's limits it is already \
         the posterior-best split"
            .to_owned()
    })
}

/// The split the chosen `learner` would run tomorrow to keep learning, within `bounds`: the
/// account's own policy as replayed (`learned`), or the learner shown the history in turn.
fn explore_split(
    account: &Account,
    history: &History,
    market: &crate::scenario::Scenario,
    learner: &PolicySpec,
    learned: &mut Replay,
    bounds: &Bounds,
    seed: u64,
) -> Vec<f64> {
    let budget = account.daily_budget;
    let objective = account.objective;
    let mut explore = vec![0.0; account.channels.len()];
    let day = Day {
        index: history.days,
        budget,
        allocation: Allocation::Proportional,
        objective,
        bounds,
        truth: None,
    };
    let mut policy_rng = ReplicationStreams::new(seed, 0).policy(&learner.name);
    if learner.name == account.policy.name {
        learned
            .policy
            .allocate(&day, &learned.observations, &mut policy_rng, &mut explore);
    } else {
        let mut explorer = account.clone();
        explorer.policy = learner.clone();
        let mut explored = replay(&explorer, history, market);
        explored
            .policy
            .allocate(&day, &explored.observations, &mut policy_rng, &mut explore);
    }
    project(&mut explore, bounds, budget, objective.spends_all());
    explore
}

/// The most money a day the explore split moves away from the recommended split, as a share
/// of the daily budget: the test budget of an account that keeps learning.
///
/// The learner's own split can be extreme: GP-UCB's optimism put the whole budget on one
/// channel in 7 of the 72 histories of a new user's trial (`docs/recommend.md`), where the
/// recommended split spread it over three or four. A split a strategist would not run teaches
/// nothing; so the explore split moves from the recommended one in the learner's direction by
/// at most this share, the way marketers set aside a test budget.
pub const EXPLORE_SHARE: f64 = 0.2;

/// `from` moved towards `to` by at most `most` money in all (half the sum of the absolute
/// changes: what the moves take from some channels and give to others): `to` itself where it
/// lies within that, else the point of the segment between them that moves exactly `most`.
/// Both splits within the same bounds and of the same total, so is the result.
fn toward(from: &[f64], to: &[f64], most: f64) -> Vec<f64> {
    let moved = from.iter().zip(to).map(|(f, t)| (t - f).abs()).sum::<f64>() / 2.0;
    if moved <= most {
        return to.to_vec();
    }
    let step = most / moved;
    from.iter()
        .zip(to)
        .map(|(f, t)| f + step * (t - f))
        .collect()
}

/// What each channel's advice is read from.
struct Advising<'a> {
    account: &'a Account,
    fitted: &'a Fit,
    model: &'a revenue::RevenueModel,
    /// Tomorrow's draws.
    draws: &'a [ResponseDraw],
    /// Whether each channel's diminishing returns are identified.
    known: &'a [bool],
    limits: &'a limits::Limits,
    history_high: &'a [f64],
    current: &'a [f64],
    recent: &'a [f64],
    recommended: &'a [f64],
    /// Each channel's optimal spends over the draws, sorted.
    optimal: &'a [Vec<f64>],
    explore: &'a [f64],
}

impl Advising<'_> {
    /// Channel `i`'s advice: its spends, interval, marginal returns, what limited it and a
    /// note of how well its returns are known.
    fn advice(&self, i: usize) -> ChannelAdvice {
        let channel = &self.account.channels[i];
        let budget = self.account.daily_budget;
        let recommended = self.recommended[i];
        let bounds = &self.limits.bounds;
        let spend_variation = self.fitted.channels[i].spend_variation;
        let mut note = self.note(i);
        let revenue = mean_revenue(self.draws, i, recommended);
        let limited_by = self.limits.deciding(i, recommended, budget);
        let history_high = self.history_high[i];
        let reach = self.account.extrapolation_factor * history_high;
        let beyond_history = recommended >= reach - 1e-6 * budget - 0.005;
        if limited_by == Limit::History {
            note.push_str(&format!(
                "; capped at {} times its highest day in the history ({}): beyond it the curve \
                 is the model's guess, not the data's (allow_extrapolation = true lifts the cap)",
                self.account.extrapolation_factor,
                thousands(history_high, 2)
            ));
        } else if beyond_history {
            note.push_str(&format!(
                "; {:.1} times its highest day in the history ({}): beyond the spends the curve \
                 was learned from",
                recommended / history_high.max(f64::MIN_POSITIVE),
                thousands(history_high, 2)
            ));
        } else if recommended >= history_high + 0.5 {
            note.push_str(&format!(
                "; above its highest day in the history ({}): few days show the curve there",
                thousands(history_high, 2)
            ));
        }
        ChannelAdvice {
            channel: channel.name.clone(),
            pricing: channel.pricing,
            current_spend: self.current[i],
            recommended_spend: recommended,
            spend_low: quantile(&self.optimal[i], 0.05),
            spend_high: quantile(&self.optimal[i], 0.95),
            explore_spend: self.explore[i],
            marginal_roas_current: mean_marginal(self.draws, i, self.current[i]),
            marginal_roas_recommended: mean_marginal(self.draws, i, recommended),
            recent_spend: self.recent[i],
            min_spend: bounds.low[i],
            max_spend: bounds.high[i],
            frozen: channel.freeze,
            saturation_known: self.known[i],
            spend_variation,
            roas_recommended: if recommended > 0.0 {
                revenue / recommended
            } else {
                0.0
            },
            note,
            history_high,
            beyond_history,
            limited_by,
        }
    }

    /// How well channel `i`'s returns are known: frozen, unknown (its spend barely varied),
    /// no clear bend within the spends seen, or diminishing returns identified.
    fn note(&self, i: usize) -> String {
        let spend_variation = self.fitted.channels[i].spend_variation;
        if self.account.channels[i].freeze {
            return "frozen at the last day's spend".to_owned();
        }
        if !self.known[i] {
            return format!(
                "diminishing returns unknown: its daily spend barely varied (±{:.0}%), so the \
                 history cannot tell how its return falls as spend grows; kept within {:.0}% of \
                 its last spend",
                100.0 * spend_variation,
                100.0 * UNKNOWN_SATURATION_STEP
            );
        }
        match &self.model.channels[i] {
            Some(curves) if curves.straight() >= 0.5 => format!(
                "no clear diminishing returns within the spends of the history (a straight line \
                 is {:.0}% likely): beyond them its return is uncertain",
                100.0 * curves.straight()
            ),
            Some(_) => "diminishing returns identified from the history".to_owned(),
            None if self.fitted.channels[i].audience.is_some() => {
                "diminishing returns identified from the history".to_owned()
            }
            None => "no diminishing returns within the spends of the history".to_owned(),
        }
    }
}

/// What the `--days` plan is solved from.
struct Planning<'a> {
    /// The draws before any weekday's scale.
    unscaled: &'a [ResponseDraw],
    /// Each channel's weekday multipliers.
    scales: &'a [[f64; 7]],
    recommended: &'a [f64],
    current: &'a [f64],
    known: &'a [bool],
    history_high: &'a [f64],
    /// Tomorrow.
    first: crate::account::date::Date,
}

/// The plan of `days` days from tomorrow: tomorrow's recommended split, then each day's
/// posterior-best split for its weekday, paced from the plan's day before; channels of unknown
/// returns stay held near their last actual spend, as nothing new is learned about them.
fn plan_days(
    account: &Account,
    planning: &Planning,
    days: usize,
) -> Result<Vec<PlanDay>, ScenarioError> {
    let budget = account.daily_budget;
    let mut plan = Vec::with_capacity(days);
    let mut previous = planning.recommended.to_vec();
    for k in 0..days {
        let spend = if k == 0 {
            planning.recommended.to_vec()
        } else {
            let bounds = limits::tomorrow(
                account,
                &Shape {
                    previous: &previous,
                    current: planning.current,
                    known: planning.known,
                    history_high: planning.history_high,
                },
                &mut Vec::new(),
            )?
            .bounds;
            let weekday = (planning.first.weekday() + k) % 7;
            best_mean_split(
                &on_weekday(planning.unscaled, planning.scales, weekday),
                &bounds,
                budget,
                account.objective,
            )
        };
        plan.push(PlanDay {
            date: planning.first.plus(k as i64).to_string(),
            total: spend.iter().sum(),
            spend: spend.clone(),
        });
        previous = spend;
    }
    Ok(plan)
}

/// The history read through the policy's posterior and the revenue curves of its days.
struct Posterior {
    /// The policy replayed over the history.
    learned: Replay,
    /// Joint draws of every channel's curve: the policy's, each channel's replaced by a draw of
    /// its revenue curves where those were fitted, and bent past the spends seen.
    draws: Vec<ResponseDraw>,
    /// What the draws read: the policy's posterior with the history's revenue curves.
    name: String,
    /// The revenue curves fitted to the history.
    model: revenue::RevenueModel,
}

/// Replays `account`'s policy over `history` in the fitted `market`, draws its posterior and
/// the revenue curves of the history (see [`revenue`]), and bends each draw past the highest
/// spend each channel has seen (`history_high`).
fn read_posterior(
    account: &Account,
    history: &History,
    market: &crate::scenario::Scenario,
    history_high: &[f64],
    settings: Settings,
) -> Posterior {
    let channels = account.channels.len();
    let mut learned = replay(account, history, market);
    let streams = ReplicationStreams::new(settings.seed, 0);
    let mut draw_rng = streams.policy("recommend:posterior");
    let mut fallback: Option<Thompson> = None;
    let mut draw = ResponseDraw::default();
    let mut draws: Vec<ResponseDraw> = Vec::with_capacity(settings.draws);
    let mut posterior = account.policy.name.clone();
    // The policy's curves are read with the revenue's humility (see the module docs).
    learned.policy.temper_curves(revenue::TEMPER);
    for _ in 0..settings.draws.max(1) {
        let drawn = learned
            .policy
            .draw_curves(&learned.observations, &mut draw_rng, &mut draw);
        if !drawn {
            let thompson = fallback.get_or_insert_with(|| Thompson::new(ThompsonParams::default()));
            thompson.draw_curves(&learned.observations, &mut draw_rng, &mut draw);
            posterior = format!(
                "thompson (policy '{}' holds no posterior)",
                account.policy.name
            );
        }
        draws.push(draw.clone());
    }
    learned.policy.temper_curves(1.0);
    // The policy's posterior mean curve, learned from the paid units, is weighed against the
    // curves the revenue shows; each draw then takes each channel's curve from one or the other.
    let sample = &draws[..draws.len().min(REFERENCE_DRAWS)];
    let reference = |i: usize, spend: f64| mean_revenue(sample, i, spend);
    // A channel whose curve the policy finds worn by its own delivery is left to the policy:
    // the days' revenue against their spend mixes rested and tired days and shows no steady
    // curve. (The revenue fit keeps those whose click-through rate falls within the day
    // instead, see `revenue`.)
    let worn: Vec<bool> = (0..channels)
        .map(|i| {
            let high = history_high[i];
            let loss = sample
                .iter()
                .map(|d| {
                    let rested = d.curves[i].expected_revenue(high);
                    if rested > 0.0 {
                        1.0 - d.revenue(i, high) / rested
                    } else {
                        0.0
                    }
                })
                .sum::<f64>()
                / sample.len().max(1) as f64;
            loss >= WORN
        })
        .collect();
    let model = revenue::fit(account, history, Some(&reference), &worn);
    let mut model_rng = streams.policy("recommend:revenue");
    for draw in &mut draws {
        model.draw_into(&mut model_rng, draw);
    }
    let seen = seen_spends(history);
    let mut beyond_rng = streams.policy("recommend:beyond");
    for draw in &mut draws {
        draw_beyond(&seen, history_high, &mut beyond_rng, draw);
    }
    Posterior {
        learned,
        draws,
        name: format!("{posterior} with the history's revenue curves"),
        model,
    }
}

/// Each channel's highest spend of the history.
fn highest_spends(history: &History) -> Vec<f64> {
    (0..history.channels)
        .map(|i| {
            (0..history.days)
                .map(|d| history.day(d)[i].spend)
                .fold(0.0, f64::max)
        })
        .collect()
}

/// What the revenue model left out or chose, in words: tracking outages, the half-life.
fn model_notes(model: &revenue::RevenueModel, history: &History, names: &[&str]) -> Vec<String> {
    let mut notes = Vec::new();
    if !model.outages.is_empty() {
        let dates: Vec<String> = model
            .outages
            .iter()
            .take(10)
            .map(|&t| history.first_date.plus(t as i64).to_string())
            .collect();
        let more = model.outages.len().saturating_sub(dates.len());
        notes.push(format!(
            "{} day(s) spent but recorded no conversion on any channel ({}{}): read as a \
             tracking outage and left out of the curves",
            model.outages.len(),
            dates.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    // A drift of a few percent is read and used, but not worth a strategist's attention.
    for (c, drift) in model.drifts.iter().enumerate() {
        if let Some((first, ratio)) = drift.filter(|(_, ratio)| (ratio - 1.0).abs() >= DRIFT_NOTE) {
            notes.push(format!(
                "'{}' earns {:.0}% {} per unit of spend than on {}: its return drifted over the \
                 history, and its curve is read at today's level",
                names[c],
                100.0 * (ratio - 1.0).abs(),
                if ratio < 1.0 { "less" } else { "more" },
                history.first_date.plus(first as i64)
            ));
        }
    }
    for (c, shift) in model.shifts.iter().enumerate() {
        if let Some(shift) = shift {
            notes.push(format!(
                "'{}' has earned {:.0}% {} per unit of spend since {} than before: its curve is \
                 read from that day on",
                names[c],
                100.0 * (shift.ratio - 1.0).abs(),
                if shift.ratio < 1.0 { "less" } else { "more" },
                history.first_date.plus(shift.day as i64)
            ));
        }
    }
    if let Some(h) = model.half_life {
        notes.push(format!(
            "recent days weigh more: with a half-life of {h:.0} days the curves predicted the \
             last {} days of the history better than with every day alike",
            revenue::HOLDOUT
        ));
    }
    notes
}

/// Per channel, the multiplier of each calendar weekday (Monday first) relative to the
/// history's average day (see the module docs): the account's `weekday` multipliers where it
/// declares them, otherwise those the policy learned from the history, otherwise all 1.
fn weekday_scales(account: &Account, history: &History, policy: &dyn Policy) -> Vec<[f64; 7]> {
    let first = history.first_date.weekday();
    account
        .channels
        .iter()
        .enumerate()
        .map(
            |(i, channel)| match (channel.weekday, policy.weekday_multipliers(i)) {
                (Some(weekday), _) => {
                    let average = history.mean_multiplier(i, &weekday);
                    weekday.map(|w| w / average)
                }
                // Day index 0 is the history's first date: weekday `d` is phase `d − first`.
                (None, Some(phases)) => std::array::from_fn(|d| phases[(d + 7 - first) % 7]),
                (None, None) => [1.0; 7],
            },
        )
        .collect()
}

/// The note of tomorrow's learned weekday effects of the channels that declare none, where one
/// moves a channel's return by [`WEEKDAY_NOTE`] or more.
fn weekday_note(account: &Account, scales: &[[f64; 7]], weekday: usize) -> Option<String> {
    let moved: Vec<String> = account
        .channels
        .iter()
        .zip(scales)
        .filter(|(c, s)| c.weekday.is_none() && (s[weekday] - 1.0).abs() >= WEEKDAY_NOTE)
        .map(|(c, s)| format!("'{}' earns {:.2}×", c.name, s[weekday]))
        .collect();
    (!moved.is_empty()).then(|| {
        let day = crate::account::date::WEEKDAYS[weekday];
        format!(
            "tomorrow is a {}{}: by the weekday effects learned from the history, {} of its \
             average day's return; the split and each day of a plan are solved for their \
             weekday",
            day[..1].to_uppercase(),
            &day[1..],
            moved.join(", ")
        )
    })
}

/// The least drift of a channel's return over the history, as a share, that `recommend` notes
/// (it reads and uses any drift the days show beyond their noise).
pub const DRIFT_NOTE: f64 = 0.05;

/// Mean of the bend past the spends seen, `λ` with `r = λ / ŝ` (see the module docs).
pub const BEYOND_BEND: f64 = 0.75;
/// Quantile of a channel's funded days' spends past which the history is thin.
pub const SEEN_QUANTILE: f64 = 0.9;

/// Per channel, the spend past which its history is thin: the [`SEEN_QUANTILE`] of its funded
/// days' spends (`None` for a channel never funded).
fn seen_spends(history: &History) -> Vec<Option<f64>> {
    (0..history.channels)
        .map(|c| {
            let mut spends: Vec<f64> = (0..history.days)
                .map(|t| history.day(t)[c].spend)
                .filter(|&s| s > 0.0)
                .collect();
            spends.sort_by(f64::total_cmp);
            (!spends.is_empty()).then(|| quantile(&spends, SEEN_QUANTILE))
        })
        .collect()
}

/// Gives each funded channel of `draw` a bend past the spends seen (see
/// [`crate::policy::Beyond`]): from the spend `h` where its history thins out (`seen`), at the
/// rate `r = λ / ŝ` with `ŝ` its highest day (`highest`) and `λ` exponential of mean
/// [`BEYOND_BEND`], drawn afresh for each channel of each draw.
fn draw_beyond(
    seen: &[Option<f64>],
    highest: &[f64],
    rng: &mut StreamRng,
    draw: &mut ResponseDraw,
) {
    draw.beyond = seen
        .iter()
        .zip(highest)
        .map(|(seen, &highest)| {
            seen.map(|thin| {
                let u: f64 = rng.random();
                let bend = -BEYOND_BEND * (1.0 - u).ln();
                Beyond {
                    from: thin,
                    rate: bend.max(1e-9) / highest,
                }
            })
        })
        .collect();
}

/// The draws as they respond on `weekday`: each channel's value scaled by its multiplier.
fn on_weekday(draws: &[ResponseDraw], scales: &[[f64; 7]], weekday: usize) -> Vec<ResponseDraw> {
    let mut scaled = draws.to_vec();
    if scales.iter().all(|s| s[weekday] == 1.0) {
        return scaled;
    }
    for draw in &mut scaled {
        for (curve, scale) in draw.curves.iter_mut().zip(scales) {
            curve.value *= scale[weekday];
        }
        for (curve, scale) in draw.revenue_curves.iter_mut().zip(scales) {
            if let Some(curve) = curve {
                curve.beta *= scale[weekday];
            }
        }
    }
    scaled
}

/// `split`'s revenue in each draw.
fn revenue_per_draw(split: &[f64], draws: &[ResponseDraw]) -> Vec<f64> {
    draws
        .iter()
        .map(|draw| {
            split
                .iter()
                .enumerate()
                .map(|(i, &s)| draw.revenue(i, s))
                .sum()
        })
        .collect()
}

/// How far outside the 90% interval of what the model expects of the last days' split (as a
/// share of its mean) those days' actual revenue must lie to be noted: the interval holds the
/// posterior's uncertainty, not the days' own scatter, which this allows for.
pub const RECENT_CHECK: f64 = 0.1;

/// A note where the last `recent.0` days earned, on average, well outside what the model
/// expects their mean split (`recent.1`) to earn on those days' weekdays: demand moved faster
/// than the model follows (a peak season, a sale, a tracking change), and tomorrow's figures,
/// read at the last weeks' demand, are off by as much.
fn recent_revenue_note(
    history: &History,
    recent: (usize, &[f64]),
    unscaled: &[ResponseDraw],
    scales: &[[f64; 7]],
    currency: &str,
) -> Option<String> {
    let (days, split) = recent;
    if days == 0 || unscaled.is_empty() {
        return None;
    }
    let span = history.days - days..history.days;
    let actual = span
        .clone()
        .map(|d| history.day(d).iter().map(|f| f.revenue).sum::<f64>())
        .sum::<f64>()
        / days as f64;
    // A channel's revenue scales with its weekday's multiplier (see `on_weekday`), so the mean
    // over the days is each channel's mean multiplier times its unscaled revenue.
    let mut multiplier = vec![0.0; split.len()];
    for d in span {
        let weekday = history.first_date.plus(d as i64).weekday();
        for (m, scale) in multiplier.iter_mut().zip(scales) {
            *m += scale[weekday] / days as f64;
        }
    }
    let mut expected: Vec<f64> = unscaled
        .iter()
        .map(|draw| {
            split
                .iter()
                .zip(&multiplier)
                .enumerate()
                .map(|(i, (&s, m))| m * draw.revenue(i, s))
                .sum()
        })
        .collect();
    let mean = expected.iter().sum::<f64>() / expected.len() as f64;
    expected.sort_by(f64::total_cmp);
    let (low, high) = (quantile(&expected, 0.05), quantile(&expected, 0.95));
    let slack = RECENT_CHECK * mean;
    let (side, tomorrow) = if actual > high + slack {
        ("above", "low")
    } else if actual < low - slack {
        ("below", "high")
    } else {
        return None;
    };
    Some(format!(
        "the last {days} days earned {} {currency} a day, {side} what the model expects of their \
         split on those days ({} to {}, 90% interval): demand moved faster than the model \
         follows (a peak season, a sale, a tracking change), so tomorrow's expected revenue may \
         be too {tomorrow}; where every channel's demand moved alike, the split is not \
         affected",
        thousands(actual, 0),
        thousands(low, 0),
        thousands(high, 0)
    ))
}

/// The split a gain is read against: its name, its spend and its revenue in each draw.
#[derive(Clone, Copy)]
struct Baseline<'a> {
    name: &'a str,
    spend: f64,
    revenue: &'a [f64],
}

/// The expected outcome of `split` over the draws, and its gain over `baseline` where one is
/// given.
/// The note for an even split expected to earn more than the recommended one (the outlook's
/// first and last splits): the limits the recommendation keeps (the hold on channels whose
/// returns the history does not show, pacing) cost more there than the curves gain, and the
/// strategist should know it rather than read it off the outlook.
fn even_beats_recommended(outlook: &[Outlook], currency: &str) -> Option<String> {
    let (recommended, even) = (outlook.first()?, outlook.last()?);
    let (what, value) = match (&recommended.profit, &even.profit) {
        (Some(r), Some(e)) => ("profit", (r.mean, e.mean)),
        _ => ("revenue", (recommended.revenue.mean, even.revenue.mean)),
    };
    (even.split == "even" && value.1 > value.0).then(|| {
        format!(
            "the even split is expected to earn more {what} than the recommended split ({} \
             against {} {currency}): the recommendation keeps within the limits of its `limited \
             by` column (a channel whose returns the history does not show is held within {:.0}% \
             of its last spend, and pacing), which the even split does not; the test budgets \
             in the actions are how to learn whether to move further",
            thousands(value.1, 0),
            thousands(value.0, 0),
            100.0 * limits::UNKNOWN_SATURATION_STEP,
        )
    })
}

fn outlook(
    name: &str,
    split: &[f64],
    draws: &[ResponseDraw],
    objective: Objective,
    baseline: Option<Baseline>,
) -> Outlook {
    let spend: f64 = split.iter().sum();
    let mut revenue = revenue_per_draw(split, draws);
    // Mean and 90% interval of values sorted in place.
    let estimate = |values: &mut [f64]| {
        values.sort_by(f64::total_cmp);
        Estimate {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            low: quantile(values, 0.05),
            high: quantile(values, 0.95),
        }
    };
    let gain = baseline.map(|baseline| {
        let value = |r: f64, spend: f64| match objective.target_roas() {
            Some(_) => objective.profit(r, spend),
            None => r,
        };
        let mut difference: Vec<f64> = revenue
            .iter()
            .zip(baseline.revenue)
            .map(|(&r, &o)| value(r, spend) - value(o, baseline.spend))
            .collect();
        let higher = difference.iter().filter(|d| **d > 0.0).count();
        Gain {
            over: baseline.name.to_owned(),
            probability_higher: higher as f64 / difference.len() as f64,
            difference: estimate(&mut difference),
        }
    });
    let per_spend = |x: f64| if spend > 0.0 { x / spend } else { 0.0 };
    let revenue_estimate = estimate(&mut revenue);
    Outlook {
        split: name.to_owned(),
        spend,
        roas: Estimate {
            mean: per_spend(revenue_estimate.mean),
            low: per_spend(revenue_estimate.low),
            high: per_spend(revenue_estimate.high),
        },
        profit: objective.target_roas().map(|_| {
            let profit = |r: f64| objective.profit(r, spend);
            Estimate {
                mean: profit(revenue_estimate.mean),
                low: profit(revenue_estimate.low),
                high: profit(revenue_estimate.high),
            }
        }),
        revenue: revenue_estimate,
        spend_per_channel: split.to_vec(),
        gain,
    }
}

/// Channel `i`'s posterior response from zero to beyond every spend of interest: its days,
/// its bounds within the budget and `reach` (the recommended spend and the top of the optimal
/// spend's interval, which the chart shades).
fn band(
    draws: &[ResponseDraw],
    i: usize,
    history: &History,
    bounds: &Bounds,
    reach: f64,
    budget: f64,
) -> ResponseBand {
    let points: Vec<(f64, f64)> = (0..history.days)
        .map(|d| history.day(d)[i])
        .filter(|f| f.spend > 0.0)
        .map(|f| (f.spend, f.revenue))
        .collect();
    let most = points
        .iter()
        .map(|p| p.0)
        .fold(bounds.high[i].min(budget).max(reach), f64::max);
    let top = 1.2 * most.max(f64::MIN_POSITIVE);
    let mut band = ResponseBand {
        spend: Vec::with_capacity(BAND_POINTS),
        mean: Vec::with_capacity(BAND_POINTS),
        low: Vec::with_capacity(BAND_POINTS),
        high: Vec::with_capacity(BAND_POINTS),
        history: points,
    };
    let mut values = Vec::with_capacity(draws.len());
    for k in 0..BAND_POINTS {
        let spend = top * k as f64 / (BAND_POINTS - 1) as f64;
        values.clear();
        values.extend(draws.iter().map(|d| d.revenue(i, spend)));
        values.sort_by(f64::total_cmp);
        band.spend.push(spend);
        band.mean
            .push(values.iter().sum::<f64>() / values.len() as f64);
        band.low.push(quantile(&values, 0.05));
        band.high.push(quantile(&values, 0.95));
    }
    band
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The explore split keeps the learner's direction and moves at most its test budget.
    #[test]
    fn the_explore_split_moves_at_most_the_test_budget() {
        let recommended = [5000.0, 3000.0, 2000.0];
        // A learner that would put everything on the third channel: 8,000 moved.
        let learner = [0.0, 0.0, 10_000.0];
        let explore = toward(&recommended, &learner, 2000.0);
        assert_eq!(explore, [3750.0, 2250.0, 4000.0]);
        let moved: f64 = explore
            .iter()
            .zip(&recommended)
            .map(|(e, r)| (e - r).abs())
            .sum::<f64>()
            / 2.0;
        assert!((moved - 2000.0).abs() < 1e-9);
        assert!((explore.iter().sum::<f64>() - 10_000.0).abs() < 1e-9);
        // Within the test budget the learner's split is kept as it is.
        let near = [4500.0, 3300.0, 2200.0];
        assert_eq!(toward(&recommended, &near, 2000.0), near);
    }

    fn split(name: &str, revenue: f64) -> Outlook {
        let estimate = Estimate {
            mean: revenue,
            low: revenue * 0.9,
            high: revenue * 1.1,
        };
        Outlook {
            split: name.to_owned(),
            spend: 1000.0,
            revenue: estimate,
            roas: estimate,
            profit: None,
            spend_per_channel: vec![500.0, 500.0],
            gain: None,
        }
    }

    #[test]
    fn an_even_split_that_earns_more_than_the_recommendation_is_pointed_out() {
        let outlook = [
            split("recommended", 39_955.0),
            split("last 7 days", 39_000.0),
            split("even", 41_514.0),
        ];
        let note = even_beats_recommended(&outlook, "NOK").unwrap();
        assert!(
            note.starts_with(
                "the even split is expected to earn more revenue than the recommended split \
                 (41,514 against 39,955 NOK)"
            ) && note.contains("within 20% of its last spend"),
            "{note}"
        );
        let outlook = [split("recommended", 42_000.0), split("even", 41_514.0)];
        assert_eq!(even_beats_recommended(&outlook, "NOK"), None);
    }
}
