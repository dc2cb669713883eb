//! How well `recommend` does on one history, judged by the truth it never saw.
//!
//! The history is written to a temporary folder and read the way a user's is
//! (`Account::load`, `Account::read_history`); the recommendation for tomorrow is scored by
//!
//! ```text
//! share     = Σ_c R_c(r_c, days) / max_{Σ s = B} Σ_c R_c(s_c, days)     (r: recommended split)
//! covered_c = spend_low_c − 1 ≤ s*_c ≤ spend_high_c + 1                (s*: the true optimum)
//! ```

use super::history::{rows, write};
use super::market::{DAYS, Kind, Market};
use super::optimum::best_split;
use budget_bandit::account::file::Account;
use budget_bandit::recommend::limits::Limit;
use budget_bandit::recommend::{Recommendation, Settings, recommend};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

/// Posterior draws per recommendation.
pub const DRAWS: usize = 300;
/// How far, in currency units, an interval may miss the optimal spend and still hold it.
pub const COVERAGE_TOLERANCE: f64 = 1.0;

/// The score of one history.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The kind of history.
    pub kind: Kind,
    /// Its seed.
    pub seed: u64,
    /// Share of tomorrow's optimal expected revenue the recommendation earns (`None` when
    /// `recommend` failed).
    pub share: Option<f64>,
    /// Channels whose 90% interval holds the optimal spend.
    pub covered: usize,
    /// Channels.
    pub channels: usize,
    /// Whether the 90% interval of the gain over the last days' split holds the true gain.
    pub gain_covered: bool,
    /// Seconds `recommend` took.
    pub seconds: f64,
    /// What went wrong or looked wrong, if anything.
    pub problems: Vec<String>,
}

/// Tomorrow's true optimal split of `market` and its expected revenue.
pub fn optimum(market: &Market) -> (Vec<f64>, f64) {
    let split = best_split(market.channels.len(), market.tomorrow_budget(), |c, s| {
        market.revenue(c, DAYS, s)
    });
    let value = market.tomorrow_revenue(&split);
    (split, value)
}

/// Writes `market`'s history, loads it as a user would and recommends tomorrow's split.
pub fn recommend_for(market: &Market, seed: u64) -> Result<Recommendation, String> {
    let folder = tempfile::tempdir().expect("a temporary folder");
    // `MESSY_KEEP=DIR` keeps the account and its history in DIR, to run the command on.
    let kept = std::env::var_os("MESSY_KEEP").map(std::path::PathBuf::from);
    if let Some(dir) = &kept {
        std::fs::create_dir_all(dir).expect("the folder MESSY_KEEP names");
    }
    let path = write(
        market,
        &rows(market),
        kept.as_deref().unwrap_or(folder.path()),
    );
    let account = Account::load(&path).map_err(|e| format!("account: {e}"))?;
    let history = account
        .read_history()
        .map_err(|e| format!("history: {e}"))?;
    let settings = Settings {
        draws: DRAWS,
        seed,
        plan_days: 0,
    };
    match catch_unwind(AssertUnwindSafe(|| recommend(&account, &history, settings))) {
        Ok(Ok(recommendation)) => Ok(recommendation),
        Ok(Err(e)) => Err(format!("recommend: {e}")),
        Err(panic) => Err(format!(
            "recommend panicked: {}",
            panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
        )),
    }
}

/// The score of `market`'s history, recommended with the history's seed.
pub fn score(market: &Market) -> Score {
    let (kind, seed) = (market.kind, market.seed);
    let (best, best_value) = optimum(market);
    let start = Instant::now();
    let recommended = recommend_for(market, seed);
    let seconds = start.elapsed().as_secs_f64();
    let mut score = Score {
        kind,
        seed,
        share: None,
        covered: 0,
        channels: market.channels.len(),
        gain_covered: false,
        seconds,
        problems: Vec::new(),
    };
    let recommendation = match recommended {
        Ok(r) => r,
        Err(problem) => {
            score.problems.push(problem);
            return score;
        }
    };
    let split: Vec<f64> = recommendation
        .channels
        .iter()
        .map(|c| c.recommended_spend)
        .collect();
    let budget = market.tomorrow_budget();
    let total: f64 = split.iter().sum();
    if split.iter().any(|s| !s.is_finite() || *s < 0.0) || (total - budget).abs() > 1e-6 * budget {
        score.problems.push(format!(
            "the split {split:?} does not spend the budget {budget}"
        ));
    }
    let share = market.tomorrow_revenue(&split) / best_value;
    if share > 1.0 + 1e-9 {
        score
            .problems
            .push(format!("the recommendation beats the optimum: {share}"));
    }
    score.share = Some(share);
    if let (Some(gain), Some(last)) = (
        recommendation.outlook[0].gain.as_ref(),
        recommendation.outlook.get(1),
    ) {
        let truth =
            market.tomorrow_revenue(&split) - market.tomorrow_revenue(&last.spend_per_channel);
        score.gain_covered = gain.difference.low <= truth && truth <= gain.difference.high;
    }
    for (advice, optimal) in recommendation.channels.iter().zip(&best) {
        // The recommended spend maximises the posterior mean, the interval holds the single
        // draws' optima: where the draws disagree in shape the first may sit just outside the
        // second, and a limit may set it anywhere. Only a data-decided spend well outside is a
        // problem.
        let slack = 0.01 * budget;
        if advice.limited_by == Limit::Data
            && !(advice.spend_low - slack <= advice.recommended_spend
                && advice.recommended_spend <= advice.spend_high + slack)
        {
            score.problems.push(format!(
                "channel '{}': recommended {:.2} outside its interval {:.2}..{:.2}",
                advice.channel, advice.recommended_spend, advice.spend_low, advice.spend_high
            ));
        }
        if advice.spend_low - COVERAGE_TOLERANCE <= *optimal
            && *optimal <= advice.spend_high + COVERAGE_TOLERANCE
        {
            score.covered += 1;
        }
    }
    score
}
