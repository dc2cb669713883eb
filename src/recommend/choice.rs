//! Which learner an account runs: the one that loses least on a market fitted to its history.
//!
//! `recommend` gives two splits. The recommended split is the posterior-best one: it reads
//! saturation Thompson sampling's posterior of the paid units with the revenue curves of the
//! history (see [`super::revenue`]), or the posterior of the policy the account names. The
//! explore split is what a learner would run tomorrow to keep learning, and learners differ in
//! what they assume (curves or none, wear or none, forgetting or none): the one that suits one
//! market loses on another. So the learner is chosen the way a strategist would settle it with
//! time to spare, on a market like the account's own.
//!
//! The two roles stay apart because the best learner from a standing start is not the best
//! reader of a long history: on the messy-history harness's clean histories the race picks
//! GP-UCB in a third of them, and reading those histories through its posterior (it holds none,
//! so Thompson sampling's without curves) lowered the mean share of tomorrow's optimum from
//! 0.980 to 0.962 and the worst from 0.939 to 0.779 (`tests/messy_histories.rs`, funnels as
//! drawn).
//!
//! **Procedure.** The market [`crate::fit`] calibrates from the history (prices, funnel rates,
//! value, audience, wear; the account's budget, limits and pacing) runs for [`CHOICE_DAYS`]
//! days, `fit`'s default horizon, in [`CHOICE_REPLICATIONS`] replications with common random
//! numbers, with every learning kind at its default parameters (the account's own policy with
//! its parameters where the file names one) and the account's recent split for reference. Each
//! learner `p` gets its mean pseudo-regret `R̄_p` against the fitted market's oracle with a
//! 95% t-interval `R̄_p ± h_p`.
//!
//! It is a race (Maron and Moore's Hoeffding races, with t-intervals): every learner runs
//! [`FIRST_ROUND`] replications; a learner whose interval lies wholly above the best one's,
//! `R̄_p − h_p > R̄_b + h_b`, leaves the race; the others run `CHOICE_REPLICATIONS −
//! FIRST_ROUND` more, from independent streams, and their figures pool both rounds. A learner
//! far behind costs a few replications instead of all of them, which keeps `recommend` on 20
//! channels and two years of history within a second. Then `b = argmin_p R̄_p`:
//!
//! - `policy = "auto"` (the default, or no `policy`): `b`, the learner that loses least,
//!   explores.
//! - A named policy is kept, as reader and learner; where `R̄_named > R̄_b + h_b` (outside the
//!   best's interval), a note names the learner that loses less and by how much.
//!
//! Where other learners' intervals overlap the best one's, the output says they are tied with
//! it: the race found no clear winner among them, and the best is the one that lost least.
//!
//! The choice is deterministic: the replications' streams derive from the recommendation's
//! seed (the account's `seed`, or `--seed`), so the same account and history choose the same
//! learner on every machine and thread count.

use crate::account::file::Account;
use crate::error::ScenarioError;
use crate::fit::Fit;
use crate::output::table::thousands;
use crate::policy::PolicySpec;
use crate::runner::run_scenario;
use crate::scenario::MAX_SEED;
use crate::scenario::Scenario;
use crate::stats::RunningStats;
use serde::Serialize;

/// Horizon of the fitted market the learners are compared on (`fit --days`' default).
pub const CHOICE_DAYS: usize = 90;
/// Replications of the first round, in which every learner runs.
pub const FIRST_ROUND: u64 = 8;
/// Replications of a learner that stays in the race: enough for intervals of a few percent of
/// regret, few enough that 20 channels over two years still recommend within a second.
pub const CHOICE_REPLICATIONS: u64 = 20;
/// The name of the account's recent split in the comparison.
const RECENT_SPLIT: &str = "recent-split";

/// One learner's result on the fitted market.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The policy's name.
    pub policy: String,
    /// Mean pseudo-regret over the horizon, against the fitted market's oracle.
    #[serde(serialize_with = "super::output::json_cents")]
    pub regret: f64,
    /// Half-width of its 95% confidence interval.
    #[serde(serialize_with = "super::output::json_cents")]
    pub regret_half_width: f64,
    /// Mean revenue over the horizon.
    #[serde(serialize_with = "super::output::json_cents")]
    pub revenue: f64,
    /// Replications it ran: [`CHOICE_REPLICATIONS`], or [`FIRST_ROUND`] where it left the race.
    pub replications: u64,
}

/// The learner `recommend` uses and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyChoice {
    /// The chosen policy's name.
    pub chosen: String,
    /// Whether the account file named it (`false`: chosen here).
    pub named: bool,
    /// Why, in a sentence.
    pub reason: String,
    /// Days of the fitted market.
    pub days: usize,
    /// Every learner, from the least regret to the most.
    pub candidates: Vec<Candidate>,
    /// The account's recent split held over the horizon, for reference.
    pub recent_split: Option<Candidate>,
    /// A note where the named policy loses to another learner beyond the best's interval.
    #[serde(skip)]
    pub note: Option<String>,
}

/// One learner's figures over the rounds it ran.
struct Tally {
    spec: PolicySpec,
    regret: RunningStats,
    revenue: RunningStats,
}

impl Tally {
    fn candidate(&self) -> Candidate {
        let interval = self.regret.interval95();
        Candidate {
            policy: self.spec.name.clone(),
            regret: interval.mean,
            regret_half_width: interval.high - interval.mean,
            revenue: self.revenue.mean(),
            replications: self.regret.count(),
        }
    }
}

/// Runs `policies` on `market` for `replications` from `seed`, one tally per policy.
fn round(market: &Scenario, policies: Vec<PolicySpec>, replications: u64, seed: u64) -> Vec<Tally> {
    let mut scenario = market.clone();
    scenario.policies = policies;
    scenario.replications = replications;
    scenario.seed = seed;
    scenario.baseline = None;
    run_scenario(&scenario, &|| {})
        .policies
        .into_iter()
        .map(|result| Tally {
            spec: result.spec,
            regret: result.aggregate.regret,
            revenue: result.aggregate.revenue,
        })
        .collect()
}

/// Simulates the learners on the market `fitted` from `account`'s history and chooses one (see
/// the module docs). Returns the choice and the chosen policy's specification.
pub fn choose(
    fitted: &Fit,
    account: &Account,
    seed: u64,
) -> Result<(PolicyChoice, PolicySpec), ScenarioError> {
    let mut market = fitted.scenario(account, CHOICE_DAYS)?;
    market.seed = seed & MAX_SEED;
    let recent = market
        .policies
        .iter()
        .find(|p| p.name == RECENT_SPLIT)
        .cloned();
    let mut learners = PolicySpec::learners();
    if account.policy_named {
        let named = account.policy.clone();
        match learners
            .iter_mut()
            .find(|l| l.kind.as_str() == named.kind.as_str())
        {
            Some(slot) => *slot = named,
            None => learners.push(named),
        }
    }
    let count = learners.len();
    let mut first = learners;
    first.extend(recent);
    let mut tallies = round(&market, first, FIRST_ROUND, market.seed);
    let recent_split = (tallies.len() > count).then(|| tallies.remove(count).candidate());
    // The race: a learner whose interval lies wholly above the best one's leaves it.
    let leader = tallies
        .iter()
        .map(|t| t.regret.interval95())
        .min_by(|a, b| a.mean.total_cmp(&b.mean))
        .map_or(f64::INFINITY, |best| best.high);
    let staying: Vec<usize> = (0..tallies.len())
        .filter(|&i| tallies[i].regret.interval95().low <= leader)
        .collect();
    if staying.len() > 1 {
        let specs = staying.iter().map(|&i| tallies[i].spec.clone()).collect();
        // Independent streams for the second round: another seed, within the seeds' range.
        let seed = (market.seed ^ 0x5eed_0fc4_01ce) & MAX_SEED;
        let second = round(&market, specs, CHOICE_REPLICATIONS - FIRST_ROUND, seed);
        for (&i, more) in staying.iter().zip(second) {
            tallies[i].regret.merge(&more.regret);
            tallies[i].revenue.merge(&more.revenue);
        }
    }
    let mut candidates: Vec<Candidate> = tallies.iter().map(Tally::candidate).collect();
    candidates.sort_by(|a, b| a.regret.total_cmp(&b.regret));
    // The best of those that finished the race.
    let finished = candidates.iter().map(|c| c.replications).max().unwrap_or(0);
    let best = candidates
        .iter()
        .find(|c| c.replications == finished)
        .cloned()
        .expect("a learner finished the race");
    let reach = best.regret + best.regret_half_width;
    // Learners whose intervals overlap the best one's: no clear winner among them.
    let tied: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| {
            c.policy != best.policy
                && c.replications == finished
                && c.regret - c.regret_half_width <= reach
        })
        .collect();
    let held = if account.policy_named {
        candidates
            .iter()
            .find(|c| c.policy == account.policy.name)
            .cloned()
            .unwrap_or_else(|| best.clone())
    } else {
        best.clone()
    };
    let days = CHOICE_DAYS;
    let versus = |c: &Candidate| {
        format!(
            "regret {} ± {} over {days} days",
            thousands(c.regret, 0),
            thousands(c.regret_half_width, 0)
        )
    };
    let ties = if tied.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = tied
            .iter()
            .map(|c| format!("'{}' ({})", c.policy, versus(c)))
            .collect();
        format!(
            "; within the 95% intervals it is tied with {}, and of those it lost least",
            names.join(", ")
        )
    };
    let reason = if !account.policy_named {
        format!(
            "it explores, as the learner that loses least of {count} on a market fitted to \
             the history: {} ({} replications){ties}",
            versus(&best),
            best.replications
        )
    } else if held.policy == best.policy {
        format!(
            "named by the account, it reads the history and explores; it also loses least of \
             {count} learners on a market fitted to the history: {}{ties}",
            versus(&best)
        )
    } else {
        format!(
            "named by the account, it reads the history and explores; on a market fitted to \
             the history it has {}, the best learner ('{}') {}",
            versus(&held),
            best.policy,
            versus(&best)
        )
    };
    let note = (held.regret > reach).then(|| {
        format!(
            "policy '{}' loses more than '{}' on a market fitted to this history ({} against \
             {}); with policy = \"auto\", '{}' would explore and the split would read \
             saturation-thompson's posterior",
            held.policy,
            best.policy,
            versus(&held),
            versus(&best),
            best.policy
        )
    });
    let spec = tallies
        .iter()
        .find(|t| t.spec.name == held.policy)
        .map_or_else(|| account.policy.clone(), |t| t.spec.clone());
    Ok((
        PolicyChoice {
            chosen: held.policy,
            named: account.policy_named,
            reason,
            days,
            candidates,
            recent_split,
            note,
        },
        spec,
    ))
}
