//! Raw scenario structs to a [`Scenario`] that cannot be invalid.
//!
//! Each check names the channel or policy and the field, says what is allowed, and points at
//! the value's line and column.

use super::messages::{describe, shown, toml_error};
use super::raw::{
    RawChannel, RawFatigue, RawLag, RawObjective, RawPolicy, RawPolicyKind, RawScenario, RawShares,
    RawShift, SpendLimits,
};
use super::{Allocation, Scenario, ShiftSite};
use crate::channel::{Channel, Pricing};
use crate::checkpoints::Checkpoints;
use crate::constraints::{Bounds, Constraints};
use crate::dynamics::{Dynamics, Fatigue, Lag, Levels, Shift};
use crate::error::{ScenarioError, line_and_column};
use crate::objective::Objective;
use crate::policy::discounted_thompson::DiscountedThompsonParams;
use crate::policy::epsilon_greedy::EpsilonGreedyParams;
use crate::policy::fixed::FixedParams;
use crate::policy::gp::GpParams;
use crate::policy::saturation_thompson::SaturationThompsonParams;
use crate::policy::sliding_window_thompson::SlidingWindowParams;
use crate::policy::thompson::ThompsonParams;
use crate::policy::ucb::UcbParams;
use crate::policy::{PolicyKind, PolicySpec};
use std::ops::Range;
use toml::{Spanned, Value};

/// Longest horizon a scenario may have, in days. Memory and files do not grow with days (see
/// [`crate::checkpoints`]); only the simulation's time does.
pub const MAX_DAYS: u64 = 10_000_000;
/// Most replications a scenario may ask for.
pub const MAX_REPLICATIONS: u64 = 10_000_000;
/// Replications of a scenario that names none.
pub(crate) const DEFAULT_REPLICATIONS: u64 = 100;
/// Seed of a scenario or account that names none.
pub(crate) const DEFAULT_SEED: u64 = 1;
/// Currency of a scenario or account that names none.
pub(crate) const DEFAULT_CURRENCY: &str = "EUR";
/// Largest seed: 2^63 − 1, the largest whole number a TOML file can hold, so that the seed of
/// any run can be written into the scenario file next to its results.
pub const MAX_SEED: u64 = i64::MAX as u64;
/// Most paid units one day's budget may buy on one channel (keeps counts exact in `f64`).
const MAX_UNITS_PER_DAY: f64 = 1e12;
/// Most cells (rows × channels) of a scenario's daily series, which are held in memory per
/// replication and per policy and written to `daily.csv`; rows are the days up to 2,000 and
/// log-spaced buckets beyond ([`crate::checkpoints`]).
pub(crate) const MAX_ROW_CHANNELS: u64 = 2_000_000;
/// Longest channel, policy or campaign name, in characters: far beyond any real one, and short
/// enough for the tables' column widths and the charts' file names (cut to
/// [`crate::report::MAX_STEM_CHARS`]).
pub(crate) const MAX_NAME_CHARS: usize = 1_000;
/// Largest budget, price, value, audience or prior accepted: far beyond any market, and small
/// enough that sums of a whole horizon stay finite.
pub(crate) const MAX_MAGNITUDE: f64 = 1e12;
/// Largest coefficient of variation accepted for prices and values.
pub(crate) const MAX_CV: f64 = 10.0;
/// Smallest positive coefficient of variation accepted.
const MIN_CV: f64 = 1e-6;
/// Most posterior draws per day for Thompson sampling's probability matching.
pub(crate) const MAX_DRAWS: i64 = 1_000_000;
/// How far `shares` may sum from 1 and still be normalised: 0.1%, so that three times 0.3333
/// is a valid split.
pub(crate) const SHARE_SUM_TOLERANCE: f64 = 1e-3;
/// Range of a shift's or a weekday's multiplier.
pub(crate) const MULTIPLIER_RANGE: (f64, f64) = (1e-3, 1e3);
/// Longest conversion lag, in days.
pub(crate) const MAX_LAG_DAYS: i64 = 365;
/// Most steps of a GP bandit's spend grid (a day costs `O(grid³)` per channel).
pub(crate) const MAX_GRID: i64 = 400;
/// Largest constant `beta` of GP-UCB.
pub(crate) const MAX_BETA: f64 = 1e4;
/// Longest sliding window, in days.
pub(crate) const MAX_WINDOW: i64 = 100_000;
/// Name reserved for the totals rows of `daily.csv` (one per policy and row of days).
pub const RESERVED_CHANNEL_NAME: &str = "total";
/// The index page a run writes into the output folder, beside the results folders: no
/// scenario may be named like it, in any letter case (case-insensitive file systems would
/// merge the two).
pub const INDEX_PAGE: &str = "index.html";

/// The span of the top-level `name` of a scenario's source, which parsed before.
pub(super) fn name_span(source: &str) -> Option<Range<usize>> {
    #[derive(serde::Deserialize)]
    struct NameOnly {
        name: Spanned<String>,
    }
    toml::from_str::<NameOnly>(source)
        .ok()
        .map(|n| n.name.span())
}

/// Parses and validates `source`.
pub(super) fn parse(origin: &str, source: &str) -> Result<Scenario, ScenarioError> {
    let check = Checker { origin, source };
    let raw: RawScenario = toml::from_str(source)
        .map_err(|e| check.error(e.span(), toml_error(source, e.span(), e.message())))?;
    check.scenario(raw)
}

/// The checks of a file's values, each pointing at the value's line and column: shared by
/// scenario and account files.
pub(crate) struct Checker<'a> {
    pub origin: &'a str,
    pub source: &'a str,
}

impl Checker<'_> {
    pub(crate) fn error(&self, span: Option<Range<usize>>, message: String) -> ScenarioError {
        ScenarioError::new(self.origin, self.source, span, message)
    }

    pub(crate) fn fail<T>(&self, span: Range<usize>, message: String) -> Result<T, ScenarioError> {
        Err(self.error(Some(span), message))
    }

    /// A finite number in `[low, high]`; `what` names it in the message.
    pub(crate) fn number(
        &self,
        what: &str,
        value: &Spanned<f64>,
        low: f64,
        high: f64,
        allowed: &str,
    ) -> Result<f64, ScenarioError> {
        let v = *value.get_ref();
        if v.is_finite() && (low..=high).contains(&v) {
            Ok(v)
        } else {
            self.fail(
                value.span(),
                format!("{what} must be {allowed}, got {}", shown(v)),
            )
        }
    }

    /// A number above 0 and at most [`MAX_MAGNITUDE`].
    pub(crate) fn positive(&self, what: &str, value: &Spanned<f64>) -> Result<f64, ScenarioError> {
        let allowed = format!("a number above 0 and at most {MAX_MAGNITUDE:e}");
        let v = self.number(what, value, 0.0, MAX_MAGNITUDE, &allowed)?;
        if v > 0.0 {
            Ok(v)
        } else {
            self.fail(
                value.span(),
                format!("{what} must be {allowed}, got {}", shown(v)),
            )
        }
    }

    pub(crate) fn rate(&self, what: &str, value: &Spanned<f64>) -> Result<f64, ScenarioError> {
        self.number(what, value, 0.0, 1.0, "in [0, 1]")
    }

    /// 0 (no noise) or a coefficient of variation in `[MIN_CV, MAX_CV]`: smaller positive
    /// values would underflow the noise distributions' parameters.
    fn coefficient_of_variation(
        &self,
        what: &str,
        value: Option<&Spanned<f64>>,
    ) -> Result<f64, ScenarioError> {
        let Some(value) = value else { return Ok(0.0) };
        let allowed = format!("0 (no noise) or in [{MIN_CV:e}, {MAX_CV}]");
        let v = self.number(what, value, 0.0, MAX_CV, &allowed)?;
        if v == 0.0 || v >= MIN_CV {
            Ok(v)
        } else {
            self.fail(
                value.span(),
                format!("{what} must be {allowed}, got {}", shown(v)),
            )
        }
    }

    pub(crate) fn whole(
        &self,
        what: &str,
        value: &Spanned<i64>,
        low: i64,
        high: i64,
    ) -> Result<i64, ScenarioError> {
        let v = *value.get_ref();
        if (low..=high).contains(&v) {
            Ok(v)
        } else {
            self.fail(
                value.span(),
                format!("{what} must be a whole number from {low} to {high}, got {v}"),
            )
        }
    }

    /// The `name` of a scenario or account (`kind`), which is also its results folder's: up to
    /// 64 letters, digits, `-`, `_` or `.`, not starting with `.`, and not the index page.
    pub(crate) fn folder_name(
        &self,
        kind: &str,
        value: &Spanned<String>,
    ) -> Result<String, ScenarioError> {
        let name = self.name("name", value)?;
        let folder_safe = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !folder_safe || name.starts_with('.') || name.len() > 64 {
            return self.fail(
                value.span(),
                format!(
                    "name is also the results folder: use up to 64 letters, digits, '-', '_' \
                     or '.', not starting with '.', got '{name}'"
                ),
            );
        }
        if name.eq_ignore_ascii_case(INDEX_PAGE) {
            return self.fail(
                value.span(),
                format!(
                    "name is also the results folder, and '{name}' is the index page a run \
                     writes beside the results folders (letter case aside); give the {kind} \
                     another name"
                ),
            );
        }
        Ok(name)
    }

    pub(crate) fn name(
        &self,
        what: &str,
        value: &Spanned<String>,
    ) -> Result<String, ScenarioError> {
        let name = value.get_ref().trim();
        if name.is_empty() {
            return self.fail(value.span(), format!("{what} must not be empty"));
        }
        let length = name.chars().count();
        if length > MAX_NAME_CHARS {
            return self.fail(
                value.span(),
                format!(
                    "{what} is {length} characters long; names are at most {MAX_NAME_CHARS} \
                     (they head table columns and chart legends, and name files)"
                ),
            );
        }
        if let Some((position, c)) = name.chars().enumerate().find(|(_, c)| unprintable(*c)) {
            return self.fail(
                value.span(),
                format!(
                    "{what} {:?} holds U+{:04X}, a control, direction or zero-width \
                     character, at character {}: names are printed to terminals and written \
                     into charts, reports and CSV files, where such a character can rewrite \
                     what is shown; use visible characters only",
                    name,
                    u32::from(c),
                    position + 1
                ),
            );
        }
        Ok(name.to_owned())
    }

    /// The scenario's description, trimmed: one or more lines of visible text (a tab or a line
    /// break is kept; other control, direction or zero-width characters are refused, as in
    /// names, since the description is printed to terminals and reports).
    fn description(&self, value: &Spanned<String>) -> Result<String, ScenarioError> {
        let text = value.get_ref().trim();
        let hidden = text
            .chars()
            .enumerate()
            .find(|(_, c)| unprintable(*c) && !matches!(c, '\n' | '\t'));
        if let Some((position, c)) = hidden {
            return self.fail(
                value.span(),
                format!(
                    "description holds U+{:04X}, a control, direction or zero-width character, \
                     at character {}: the description is printed to terminals and written into \
                     reports, where such a character can rewrite what is shown; use visible \
                     characters, line breaks and tabs only",
                    u32::from(c),
                    position + 1
                ),
            );
        }
        Ok(text.to_owned())
    }

    fn scenario(&self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        let name = self.folder_name("scenario", &raw.name)?;
        let days = self.whole("days", &raw.days, 1, MAX_DAYS as i64)? as usize;
        let daily_budget = self.positive("daily_budget", &raw.daily_budget)?;
        let currency = match &raw.currency {
            Some(currency) => self.name("currency", currency)?,
            None => DEFAULT_CURRENCY.to_owned(),
        };
        let seed = match &raw.seed {
            Some(seed) => self.whole("seed", seed, 0, MAX_SEED as i64)? as u64,
            None => DEFAULT_SEED,
        };
        let replications = match &raw.replications {
            Some(r) => self.whole("replications", r, 1, MAX_REPLICATIONS as i64)? as u64,
            None => DEFAULT_REPLICATIONS,
        };
        let allocation = raw.allocation.unwrap_or_default();
        let objective =
            self.objective(raw.objective.as_ref(), raw.target_roas.as_ref(), allocation)?;
        let start_weekday = raw
            .start_weekday
            .as_ref()
            .map_or(0, |w| *w.get_ref() as usize);

        if raw.channels.get_ref().is_empty() {
            return self.fail(
                raw.channels.span(),
                "channels must list at least one channel ([[channels]] tables)".into(),
            );
        }
        let mut channels: Vec<Channel> = Vec::new();
        let mut dynamics = Vec::new();
        let mut bounds = Bounds::free(0, daily_budget);
        for channel in raw.channels.get_ref() {
            let (checked, market, low, high) =
                self.channel(channel.get_ref(), daily_budget, allocation)?;
            dynamics.push(market);
            bounds.low.push(low);
            bounds.high.push(high);
            if channels.iter().any(|c| c.name == checked.name) {
                return self.fail(
                    channel.get_ref().name.span(),
                    format!(
                        "channel name '{}' is used twice; names must be unique",
                        checked.name
                    ),
                );
            }
            channels.push(checked);
        }

        let names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
        let constraints = self.constraints(
            &raw.daily_budget,
            raw.max_daily_change.as_ref(),
            &names,
            bounds,
            objective,
            allocation,
        )?;

        let rows = Checkpoints::count(days) as u64;
        let cells = rows * channels.len() as u64;
        if cells > MAX_ROW_CHANNELS {
            return self.fail(
                raw.days.span(),
                format!(
                    "the daily series hold {rows} rows for {days} days (every day up to {}, \
                     log-spaced buckets beyond), and rows × channels must be at most \
                     {MAX_ROW_CHANNELS}, got {rows} × {} = {cells}; use fewer channels or days",
                    crate::checkpoints::EVERY_DAY_UP_TO,
                    channels.len()
                ),
            );
        }

        let policies = match &raw.policies {
            Some(policies) if policies.get_ref().is_empty() => {
                return self.fail(
                    policies.span(),
                    "policies must list at least one policy, or be left out for the default \
                     four (thompson, epsilon-greedy, fixed, oracle)"
                        .into(),
                );
            }
            Some(policies) => {
                let mut checked: Vec<PolicySpec> = Vec::new();
                let names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
                for policy in policies.get_ref() {
                    let spec = self.policy(policy.get_ref(), &names)?;
                    if checked.iter().any(|p| p.name == spec.name) {
                        let span = policy
                            .get_ref()
                            .name
                            .as_ref()
                            .map_or(policy.span(), Spanned::span);
                        return self.fail(
                            span,
                            format!(
                                "policy name '{}' is used twice; give one of them another `name`",
                                spec.name
                            ),
                        );
                    }
                    checked.push(spec);
                }
                checked
            }
            None => PolicySpec::defaults(),
        };
        let baseline = match &raw.baseline {
            Some(name) => {
                let wanted = name.get_ref().trim();
                if !policies.iter().any(|p| p.name == wanted) {
                    let known: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
                    return self.fail(
                        name.span(),
                        format!(
                            "baseline names no policy of this scenario: '{wanted}'; its policies \
                             are {}",
                            known.join(", ")
                        ),
                    );
                }
                Some(wanted.to_owned())
            }
            None => super::default_baseline(&policies),
        };

        let shift_sites = self.shift_sites(&raw, &channels);
        Ok(Scenario {
            name,
            description: match &raw.description {
                Some(text) => self.description(text)?,
                None => String::new(),
            },
            days,
            daily_budget,
            currency,
            seed,
            replications,
            allocation,
            objective,
            start_weekday,
            channels,
            dynamics,
            constraints,
            policies,
            baseline,
            origin: self.origin.to_owned(),
            source: self.source.to_owned(),
            shift_sites,
            left_out_baseline: None,
        })
    }

    /// Where each channel's shifts are written, in file order, for warnings about shifts the
    /// horizon never reaches (recomputed when `--days` changes it).
    fn shift_sites(&self, raw: &RawScenario, channels: &[Channel]) -> Vec<ShiftSite> {
        let mut sites = Vec::new();
        for (raw_channel, channel) in raw.channels.get_ref().iter().zip(channels) {
            for shift in &raw_channel.get_ref().shifts {
                let day = &shift.get_ref().day;
                let (line, column) = line_and_column(self.source, day.span().start);
                sites.push(ShiftSite {
                    channel: channel.name.clone(),
                    day: *day.get_ref() as usize,
                    line,
                    column,
                });
            }
        }
        sites
    }

    /// A channel, its market dynamics and its spend floor and cap.
    fn channel(
        &self,
        raw: &RawChannel,
        daily_budget: f64,
        allocation: Allocation,
    ) -> Result<(Channel, Dynamics, f64, f64), ScenarioError> {
        let name = self.name("channel name", &raw.name)?;
        if name == RESERVED_CHANNEL_NAME {
            return self.fail(
                raw.name.span(),
                format!("channel name '{RESERVED_CHANNEL_NAME}' is reserved for daily totals"),
            );
        }
        let what = |field: &str| format!("channel '{name}': {field}");
        let price = self.positive(&what("price"), &raw.price)?;
        if daily_budget / price > MAX_UNITS_PER_DAY {
            return self.fail(
                raw.price.span(),
                format!(
                    "{} is too small: daily_budget / price must be at most {MAX_UNITS_PER_DAY:e} \
                     paid units a day, got {:e}",
                    what("price"),
                    daily_budget / price
                ),
            );
        }
        let price_cv = self.coefficient_of_variation(&what("price_cv"), raw.price_cv.as_ref())?;
        let ctr = match (raw.pricing, &raw.ctr) {
            (Pricing::Cpm, Some(ctr)) => self.rate(&what("ctr"), ctr)?,
            (Pricing::Cpm, None) => {
                return self.fail(
                    raw.name.span(),
                    format!(
                        "{} is required for cpm pricing (clicks per impression, in [0, 1])",
                        what("ctr")
                    ),
                );
            }
            (other, Some(ctr)) => {
                return self.fail(
                    ctr.span(),
                    format!(
                        "{} applies only to cpm pricing, not {}: a paid unit of {} is already a \
                         click or later in the funnel",
                        what("ctr"),
                        other.as_str(),
                        other.as_str()
                    ),
                );
            }
            (_, None) => 1.0,
        };
        let cvr = match (raw.pricing, &raw.cvr) {
            (Pricing::Cpa, Some(cvr)) => {
                return self.fail(
                    cvr.span(),
                    format!(
                        "{} does not apply to cpa pricing: each paid unit is a conversion; \
                         remove it",
                        what("cvr")
                    ),
                );
            }
            (Pricing::Cpa, None) => 1.0,
            (_, Some(cvr)) => self.rate(&what("cvr"), cvr)?,
            (other, None) => {
                return self.fail(
                    raw.name.span(),
                    format!(
                        "{} is required for {} pricing (conversions per {}, in [0, 1])",
                        what("cvr"),
                        other.as_str(),
                        if other == Pricing::Cpl {
                            "lead"
                        } else {
                            "click"
                        }
                    ),
                );
            }
        };
        let value = self.positive(&what("value"), &raw.value)?;
        let value_cv = self.coefficient_of_variation(&what("value_cv"), raw.value_cv.as_ref())?;
        let audience = match &raw.audience {
            Some(audience) => Some(self.positive(&what("audience"), audience)?),
            None => None,
        };
        let channel = Channel {
            name,
            pricing: raw.pricing,
            price,
            price_cv,
            ctr,
            cvr,
            value,
            value_cv,
            audience,
        };
        let dynamics = self.dynamics(raw, &channel, daily_budget)?;
        let (low, high) =
            self.spend_bounds(&raw.limits(), &channel.name, daily_budget, allocation)?;
        Ok((channel, dynamics, low, high))
    }

    /// The objective and its target return.
    pub(crate) fn objective(
        &self,
        objective: Option<&Spanned<RawObjective>>,
        target_roas: Option<&Spanned<f64>>,
        allocation: Allocation,
    ) -> Result<Objective, ScenarioError> {
        let kind = objective.map(|o| (*o.get_ref(), o.span()));
        match (kind, target_roas) {
            (None | Some((RawObjective::Revenue, _)), Some(target)) => self.fail(
                target.span(),
                "target_roas applies only to objective = \"profit\" (the revenue objective spends \
                 the whole budget)"
                    .into(),
            ),
            (None | Some((RawObjective::Revenue, _)), None) => Ok(Objective::Revenue),
            (Some((RawObjective::Profit, span)), target) => {
                if allocation == Allocation::WinnerTakesAll {
                    return self.fail(
                        span,
                        "objective = \"profit\" needs allocation = \"proportional\": with \
                         winner-takes-all the whole budget goes to one channel"
                            .into(),
                    );
                }
                let target_roas = match target {
                    Some(t) => self.positive("target_roas", t)?,
                    None => 1.0,
                };
                Ok(Objective::Profit { target_roas })
            }
        }
    }

    /// A channel's spend floor and cap from `min_share`/`min_spend` and `max_share`/`max_spend`.
    pub(crate) fn spend_bounds(
        &self,
        raw: &SpendLimits<'_>,
        name: &str,
        daily_budget: f64,
        allocation: Allocation,
    ) -> Result<(f64, f64), ScenarioError> {
        let what = |field: &str| format!("channel '{name}': {field}");
        // The limit in money, how the file gave it, and its span.
        let limit = |share: Option<&Spanned<f64>>,
                     spend: Option<&Spanned<f64>>,
                     share_name: &'static str,
                     spend_name: &'static str|
         -> Result<Option<(f64, String, Range<usize>)>, ScenarioError> {
            match (share, spend) {
                (Some(_), Some(spend)) => self.fail(
                    spend.span(),
                    format!(
                        "{} and {share_name} both given: give the limit once, as a share of the \
                         daily budget or as money",
                        what(spend_name)
                    ),
                ),
                (Some(share), None) => {
                    let money = self.rate(&what(share_name), share)? * daily_budget;
                    let given = format!(
                        "{share_name} {} ({} a day)",
                        shown(*share.get_ref()),
                        shown(money)
                    );
                    Ok(Some((money, given, share.span())))
                }
                (None, Some(spend)) => {
                    let money = self.number(
                        &what(spend_name),
                        spend,
                        0.0,
                        MAX_MAGNITUDE,
                        &format!("a number from 0 to {MAX_MAGNITUDE:e}"),
                    )?;
                    Ok(Some((
                        money,
                        format!("{spend_name} {}", shown(money)),
                        spend.span(),
                    )))
                }
                (None, None) => Ok(None),
            }
        };
        let low = limit(raw.min_share, raw.min_spend, "min_share", "min_spend")?;
        let high = limit(raw.max_share, raw.max_spend, "max_share", "max_spend")?;
        if let (Allocation::WinnerTakesAll, Some((_, given, span))) =
            (allocation, low.as_ref().or(high.as_ref()))
        {
            let field = given.split(' ').next().unwrap_or_default();
            return self.fail(
                span.clone(),
                format!(
                    "{} needs allocation = \"proportional\": winner-takes-all puts the whole \
                     budget on one channel a day, so spend limits cannot hold",
                    what(field)
                ),
            );
        }
        if let Some((floor, given, span)) = &low
            && *floor > daily_budget
        {
            return self.fail(
                span.clone(),
                format!(
                    "{} is more than daily_budget {}: no day can spend it; lower it",
                    what(given),
                    shown(daily_budget)
                ),
            );
        }
        let low_value = low.as_ref().map_or(0.0, |(v, ..)| *v);
        let high_value = high
            .as_ref()
            .map_or(daily_budget, |(v, ..)| v.min(daily_budget));
        if let (Some((_, low_given, _)), Some((_, high_given, span))) = (&low, &high)
            && low_value > high_value
        {
            return self.fail(
                span.clone(),
                format!(
                    "{} is below {low_given}: no spend can meet both",
                    what(high_given)
                ),
            );
        }
        Ok((low_value, high_value))
    }

    /// The scenario's constraints, checked for feasibility as a whole.
    pub(crate) fn constraints(
        &self,
        budget_field: &Spanned<f64>,
        max_daily_change: Option<&Spanned<f64>>,
        channels: &[String],
        bounds: Bounds,
        objective: Objective,
        allocation: Allocation,
    ) -> Result<Constraints, ScenarioError> {
        let daily_budget = *budget_field.get_ref();
        let floors: f64 = bounds.low.iter().sum();
        let caps: f64 = bounds.high.iter().sum();
        let named = |values: &[f64], skip: f64| -> String {
            channels
                .iter()
                .zip(values)
                .filter(|(_, v)| **v != skip)
                .map(|(c, v)| format!("{c} {}", shown(*v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if floors > daily_budget * (1.0 + 1e-12) {
            let (floors, budget) = amounts_apart(floors, daily_budget);
            return self.fail(
                budget_field.span(),
                format!(
                    "the channels' floors (min_share / min_spend) sum to {floors} a day, more \
                     than daily_budget {budget}: {}; lower them",
                    named(&bounds.low, 0.0)
                ),
            );
        }
        if objective.spends_all() && caps < daily_budget * (1.0 - 1e-12) {
            let (caps, budget) = amounts_apart(caps, daily_budget);
            return self.fail(
                budget_field.span(),
                format!(
                    "the channels' caps (max_share / max_spend) sum to {caps} a day, less than \
                     daily_budget {budget}, so the revenue objective cannot spend it: {}; \
                     raise them or use objective = \"profit\"",
                    named(&bounds.high, daily_budget)
                ),
            );
        }
        let max_daily_change = match max_daily_change {
            None => None,
            Some(change) => {
                if allocation == Allocation::WinnerTakesAll {
                    return self.fail(
                        change.span(),
                        "max_daily_change needs allocation = \"proportional\": winner-takes-all \
                         moves the whole budget from channel to channel"
                            .into(),
                    );
                }
                let v = self.number(
                    "max_daily_change",
                    change,
                    0.0,
                    1.0,
                    "a share of the daily budget above 0 and at most 1",
                )?;
                if v <= 0.0 {
                    return self.fail(
                        change.span(),
                        "max_daily_change must be a share of the daily budget above 0 and at \
                         most 1, got 0 (no channel could ever move)"
                            .into(),
                    );
                }
                Some(v)
            }
        };
        Ok(Constraints {
            bounds,
            max_daily_change,
        })
    }

    /// A multiplier of a shift or weekday, in [`MULTIPLIER_RANGE`].
    fn multiplier(&self, what: &str, value: &Spanned<f64>) -> Result<f64, ScenarioError> {
        let (low, high) = MULTIPLIER_RANGE;
        self.number(
            what,
            value,
            low,
            high,
            &format!("a multiplier from {low} to {high}"),
        )
    }

    /// A channel's `weekday` multipliers: seven, Monday first, each in [`MULTIPLIER_RANGE`];
    /// not for cpa channels, whose every paid unit is a conversion.
    pub(crate) fn weekday(
        &self,
        raw: Option<&Spanned<Vec<f64>>>,
        pricing: Pricing,
        what: &dyn Fn(&str) -> String,
    ) -> Result<Option<[f64; 7]>, ScenarioError> {
        match raw {
            None => Ok(None),
            Some(values) if pricing == Pricing::Cpa => self.fail(
                values.span(),
                format!(
                    "{} does not apply to cpa pricing: weekday seasonality scales the conversion \
                     rate, and every paid unit of a cpa channel is a conversion (use \
                     [[channels.shifts]] on its audience)",
                    what("weekday")
                ),
            ),
            Some(values) => {
                let list = values.get_ref();
                if list.len() != 7 {
                    return self.fail(
                        values.span(),
                        format!(
                            "{} must have 7 multipliers, Monday first, got {}",
                            what("weekday"),
                            list.len()
                        ),
                    );
                }
                let (low, high) = MULTIPLIER_RANGE;
                if let Some(bad) = list
                    .iter()
                    .find(|v| !(v.is_finite() && (low..=high).contains(*v)))
                {
                    return self.fail(
                        values.span(),
                        format!(
                            "{} multipliers must be from {low} to {high}, got {}",
                            what("weekday"),
                            shown(*bad)
                        ),
                    );
                }
                Ok(Some(std::array::from_fn(|i| list[i])))
            }
        }
    }

    /// A channel's shifts, weekday seasonality, fatigue and lag.
    fn dynamics(
        &self,
        raw: &RawChannel,
        channel: &Channel,
        daily_budget: f64,
    ) -> Result<Dynamics, ScenarioError> {
        let name = &channel.name;
        let what = |field: &str| format!("channel '{name}': {field}");
        let cpa_refusal = |field: &str, why: &str| {
            format!("{} does not apply to cpa pricing: {why}", what(field))
        };
        // Each shift with its table in the file, in the order they take effect.
        let mut shifts = Vec::new();
        for shift in &raw.shifts {
            shifts.push((self.shift(shift.get_ref(), channel)?, shift.get_ref()));
        }
        shifts.sort_by_key(|(s, _): &(Shift, &RawShift)| s.day);

        let weekday = self.weekday(raw.weekday.as_ref(), channel.pricing, &what)?;

        let fatigue = match &raw.fatigue {
            None => None,
            Some(f) if channel.pricing == Pricing::Cpa => {
                return self.fail(
                    f.span(),
                    cpa_refusal(
                        "fatigue",
                        "fatigue lowers click or conversion rates, and a cpa channel pays per \
                         conversion",
                    ),
                );
            }
            Some(f) => Some(self.fatigue(f.get_ref(), &what)?),
        };
        let lag = match &raw.lag {
            None => None,
            Some(l) if channel.pricing == Pricing::Cpa => {
                return self.fail(
                    l.span(),
                    cpa_refusal(
                        "lag",
                        "a cpa channel is charged when the conversion happens, so it has no \
                         conversion lag",
                    ),
                );
            }
            Some(l) => Some(self.lag(l.get_ref(), &what)?),
        };

        // Rates stay rates: base × the shifts in force × the largest weekday multiplier must
        // stay at most 1 on every day.
        let weekday_peak =
            weekday.map_or(1.0, |w: [f64; 7]| w.iter().fold(0.0f64, |m, &v| m.max(v)));
        let has_cvr = channel.pricing != Pricing::Cpa;
        // The base rates hold until the first shift (never, when one starts on day 1).
        let base_in_force = shifts.first().is_none_or(|(s, _)| s.day > 1);
        if let (Some(values), true, true) = (&raw.weekday, has_cvr, base_in_force) {
            let reached = channel.cvr * weekday_peak;
            if reached > 1.0 {
                return self.fail(
                    values.span(),
                    format!(
                        "{}: cvr {} × the largest weekday multiplier {} is {}, above 1: a \
                         rate cannot exceed 1; lower the multipliers or the cvr",
                        what("weekday"),
                        shown(channel.cvr),
                        shown(weekday_peak),
                        shown(reached)
                    ),
                );
            }
        }
        let weekday_factor = if raw.weekday.is_some() {
            format!(" × the largest weekday multiplier {}", shown(weekday_peak))
        } else {
            String::new()
        };
        let mut level = Levels::default();
        let mut cheapest = if base_in_force { 1.0 } else { f64::INFINITY };
        // The last cvr and ctr multipliers given so far: where a rate crossing 1 is pointed at.
        let (mut cvr_at, mut ctr_at) = (None, None);
        for (index, (shift, raw_shift)) in shifts.iter().enumerate() {
            level = level.then(&shift.levels);
            cvr_at = raw_shift.cvr.as_ref().map(Spanned::span).or(cvr_at);
            ctr_at = raw_shift.ctr.as_ref().map(Spanned::span).or(ctr_at);
            if shifts
                .get(index + 1)
                .is_some_and(|(next, _)| next.day == shift.day)
            {
                // Shifts of one day take effect together.
                continue;
            }
            cheapest = cheapest.min(level.price);
            let above_one = |rate: &str, base: f64, multiplier: f64, factor: &str, reached| {
                format!(
                    "{}: {rate} {} × the {rate} multipliers of the shifts up to day {day} \
                     ({}){factor} is {}, above 1: a rate cannot exceed 1; lower the multipliers \
                     or the {rate}",
                    what(&format!("shift on day {}", shift.day)),
                    shown(base),
                    shown(multiplier),
                    shown(reached),
                    day = shift.day,
                )
            };
            let at = |value: &Option<Range<usize>>| value.clone().unwrap_or(raw_shift.day.span());
            let cvr = channel.cvr * level.cvr * weekday_peak;
            if has_cvr && cvr > 1.0 {
                let message = above_one("cvr", channel.cvr, level.cvr, &weekday_factor, cvr);
                return self.fail(at(&cvr_at), message);
            }
            let ctr = channel.ctr * level.ctr;
            if channel.pricing == Pricing::Cpm && ctr > 1.0 {
                let message = above_one("ctr", channel.ctr, level.ctr, "", ctr);
                return self.fail(at(&ctr_at), message);
            }
        }
        if daily_budget / (channel.price * cheapest) > MAX_UNITS_PER_DAY {
            let span = raw
                .shifts
                .first()
                .map_or_else(|| raw.price.span(), Spanned::span);
            return self.fail(
                span,
                format!(
                    "{}: after its shifts the price is too small: daily_budget / price must stay \
                     at most {MAX_UNITS_PER_DAY:e} paid units a day",
                    what("shifts")
                ),
            );
        }
        Ok(Dynamics {
            shifts: shifts.into_iter().map(|(shift, _)| shift).collect(),
            weekday,
            fatigue,
            lag,
        })
    }

    fn shift(&self, raw: &RawShift, channel: &Channel) -> Result<Shift, ScenarioError> {
        let name = &channel.name;
        let day = self.whole(
            &format!("channel '{name}': shifts.day"),
            &raw.day,
            1,
            MAX_DAYS as i64,
        )? as usize;
        let what = |field: &str| format!("channel '{name}': shift on day {day}: {field}");
        let mut levels = Levels::default();
        let fields: [(&str, &Option<Spanned<f64>>, &mut f64); 5] = [
            ("price", &raw.price, &mut levels.price),
            ("ctr", &raw.ctr, &mut levels.ctr),
            ("cvr", &raw.cvr, &mut levels.cvr),
            ("value", &raw.value, &mut levels.value),
            ("audience", &raw.audience, &mut levels.audience),
        ];
        let mut any = false;
        for (field, value, slot) in fields {
            let Some(value) = value else { continue };
            let refusal = match field {
                "ctr" if channel.pricing != Pricing::Cpm => Some("ctr exists only for cpm pricing"),
                "cvr" if channel.pricing == Pricing::Cpa => {
                    Some("a cpa channel has no conversion rate")
                }
                "audience" if channel.audience.is_none() => {
                    Some("the channel has no audience to scale; give it one")
                }
                _ => None,
            };
            if let Some(why) = refusal {
                return self.fail(
                    value.span(),
                    format!("{} cannot be shifted: {why}", what(field)),
                );
            }
            *slot = self.multiplier(&what(field), value)?;
            any = true;
        }
        if !any {
            return self.fail(
                raw.day.span(),
                format!(
                    "channel '{name}': shift on day {day} changes nothing: give at least one \
                     multiplier of price, ctr, cvr, value or audience"
                ),
            );
        }
        Ok(Shift { day, levels })
    }

    fn fatigue(
        &self,
        raw: &RawFatigue,
        what: &dyn Fn(&str) -> String,
    ) -> Result<Fatigue, ScenarioError> {
        let strength = self.number(
            &what("fatigue.strength"),
            &raw.strength,
            0.0,
            1e6,
            "a number from 0 (no fatigue) to 1e6",
        )?;
        let recovery = self.number(
            &what("fatigue.recovery"),
            &raw.recovery,
            0.0,
            1.0,
            "a share of exposure forgotten per day, above 0 and at most 1",
        )?;
        if recovery <= 0.0 {
            return self.fail(
                raw.recovery.span(),
                format!(
                    "{} must be above 0 (0 would never recover), got 0",
                    what("fatigue.recovery")
                ),
            );
        }
        Ok(Fatigue { strength, recovery })
    }

    pub(crate) fn lag(
        &self,
        raw: &RawLag,
        what: &dyn Fn(&str) -> String,
    ) -> Result<Lag, ScenarioError> {
        let mean_days = self.number(
            &what("lag.mean_days"),
            &raw.mean_days,
            0.0,
            MAX_LAG_DAYS as f64,
            &format!("a number of days from 0 to {MAX_LAG_DAYS}"),
        )?;
        let max_days = self.whole(&what("lag.max_days"), &raw.max_days, 1, MAX_LAG_DAYS)? as usize;
        Ok(Lag::new(mean_days, max_days))
    }

    /// A policy table; `channels` are the channel names, for a fixed split's shares.
    pub(crate) fn policy(
        &self,
        raw: &RawPolicy,
        channels: &[String],
    ) -> Result<PolicySpec, ScenarioError> {
        let kind = *raw.kind.get_ref();
        let name = match &raw.name {
            Some(name) => self.name("policy name", name)?,
            None => kind.as_str().to_owned(),
        };
        for (field, span) in raw.present_fields() {
            if !kind.fields().contains(&field) {
                let allowed = match kind.fields() {
                    [] => "none besides `kind` and `name`".to_owned(),
                    fields => format!("`kind`, `name`, `{}`", fields.join("`, `")),
                };
                return self.fail(
                    span,
                    format!(
                        "policy '{name}': `{field}` does not apply to kind \"{}\" (its fields: {allowed})",
                        kind.as_str()
                    ),
                );
            }
        }
        let what = |field: &str| format!("policy '{name}': {field}");
        let kind = match kind {
            RawPolicyKind::Oracle => PolicyKind::Oracle,
            RawPolicyKind::Fixed => {
                let shares = match &raw.shares {
                    None => None,
                    Some(shares) => Some(self.shares(&what("shares"), shares, channels)?),
                };
                PolicyKind::Fixed(FixedParams { shares })
            }
            RawPolicyKind::EpsilonGreedy => {
                let epsilon = match &raw.epsilon {
                    Some(e) => self.rate(&what("epsilon"), e)?,
                    None => EpsilonGreedyParams::DEFAULT_EPSILON,
                };
                let decay = match &raw.decay {
                    Some(d) => self.number(
                        &what("decay"),
                        d,
                        0.0,
                        f64::MAX,
                        "a finite number ≥ 0 (0 = no decay)",
                    )?,
                    None => 0.0,
                };
                PolicyKind::EpsilonGreedy(EpsilonGreedyParams { epsilon, decay })
            }
            RawPolicyKind::Thompson => PolicyKind::Thompson(self.thompson(raw, &what)?),
            RawPolicyKind::Ucb => {
                let loglog_factor = match &raw.loglog_factor {
                    Some(c) => self.number(
                        &what("loglog_factor"),
                        c,
                        0.0,
                        100.0,
                        "a number from 0 to 100 (0 as in practice, 3 for the regret bound)",
                    )?,
                    None => UcbParams::default().loglog_factor,
                };
                PolicyKind::Ucb(UcbParams { loglog_factor })
            }
            RawPolicyKind::DiscountedThompson => {
                let discount = match &raw.discount {
                    Some(d) => {
                        let v = self.number(
                            &what("discount"),
                            d,
                            0.0,
                            1.0,
                            "a weight kept per day, above 0 and below 1",
                        )?;
                        if v <= 0.0 || v >= 1.0 {
                            return self.fail(
                                d.span(),
                                format!(
                                    "{} must be above 0 and below 1 (1 would never forget), got {}",
                                    what("discount"),
                                    shown(v)
                                ),
                            );
                        }
                        v
                    }
                    None => DiscountedThompsonParams::DEFAULT_DISCOUNT,
                };
                PolicyKind::DiscountedThompson(DiscountedThompsonParams {
                    discount,
                    thompson: self.thompson(raw, &what)?,
                })
            }
            RawPolicyKind::SlidingWindowThompson => {
                let window = match &raw.window {
                    Some(w) => self.whole(&what("window"), w, 1, MAX_WINDOW)? as usize,
                    None => SlidingWindowParams::DEFAULT_WINDOW,
                };
                PolicyKind::SlidingWindowThompson(SlidingWindowParams {
                    window,
                    thompson: self.thompson(raw, &what)?,
                })
            }
            RawPolicyKind::SaturationThompson => {
                PolicyKind::SaturationThompson(SaturationThompsonParams {
                    thompson: self.thompson(raw, &what)?,
                })
            }
            RawPolicyKind::GpUcb => {
                let params = self.gp(raw, &what)?;
                PolicyKind::GpUcb(GpParams {
                    beta: params.beta.or(Some(GpParams::DEFAULT_BETA)),
                    ..params
                })
            }
            RawPolicyKind::GpThompson => PolicyKind::GpThompson(self.gp(raw, &what)?),
        };
        Ok(PolicySpec { name, kind })
    }

    /// The parameters of the GP bandits (`beta` only reaches here for `gp-ucb`).
    fn gp(
        &self,
        raw: &RawPolicy,
        what: &dyn Fn(&str) -> String,
    ) -> Result<GpParams, ScenarioError> {
        let grid = match &raw.grid {
            Some(g) => self.whole(&what("grid"), g, 2, MAX_GRID)? as usize,
            None => GpParams::DEFAULT_GRID,
        };
        let beta = match &raw.beta {
            Some(b) => {
                let allowed = format!(
                    "a number above 0 and at most {MAX_BETA} (the bound is mean + sqrt(beta) sd)"
                );
                let v = self.number(&what("beta"), b, 0.0, MAX_BETA, &allowed)?;
                if v <= 0.0 {
                    return self.fail(
                        b.span(),
                        format!("{} must be {allowed}, got {}", what("beta"), shown(v)),
                    );
                }
                Some(v)
            }
            None => None,
        };
        let thompson = self.thompson(raw, what)?;
        Ok(GpParams {
            grid,
            beta,
            thompson: ThompsonParams {
                draws: None,
                ..thompson
            },
        })
    }

    /// The Thompson sampling parameters shared by its variants.
    fn thompson(
        &self,
        raw: &RawPolicy,
        what: &dyn Fn(&str) -> String,
    ) -> Result<ThompsonParams, ScenarioError> {
        let defaults = ThompsonParams::default();
        let prior_alpha = match &raw.prior_alpha {
            Some(a) => self.positive(&what("prior_alpha"), a)?,
            None => defaults.prior_alpha,
        };
        let prior_beta = match &raw.prior_beta {
            Some(b) => self.positive(&what("prior_beta"), b)?,
            None => defaults.prior_beta,
        };
        let draws = match &raw.draws {
            Some(d) => Some(self.whole(&what("draws"), d, 1, MAX_DRAWS)? as usize),
            None => defaults.draws,
        };
        Ok(ThompsonParams {
            prior_alpha,
            prior_beta,
            draws,
        })
    }

    /// A fixed split, by channel order or by channel name (channels not named get 0), summing
    /// to 1 within [`SHARE_SUM_TOLERANCE`] and normalised.
    fn shares(
        &self,
        what: &str,
        shares: &Spanned<RawShares>,
        channels: &[String],
    ) -> Result<Vec<f64>, ScenarioError> {
        let values = match shares.get_ref() {
            RawShares::Other(given) => {
                return self.fail(shares.span(), shares_shape(what, given));
            }
            RawShares::List(list) => {
                if list.len() != channels.len() {
                    return self.fail(
                        shares.span(),
                        format!(
                            "{what} must have one share per channel ({}, in channel order), got {}",
                            channels.len(),
                            list.len()
                        ),
                    );
                }
                list.iter()
                    .zip(channels)
                    .map(|(value, channel)| self.share(what, channel, value))
                    .collect::<Result<Vec<f64>, _>>()?
            }
            RawShares::Table(entries) => {
                let mut values = vec![0.0; channels.len()];
                let mut named = vec![false; channels.len()];
                for (key, value) in entries {
                    let name = key.get_ref().trim();
                    let Some(index) = channels.iter().position(|c| c == name) else {
                        let known: Vec<&str> = channels.iter().map(String::as_str).collect();
                        return self.fail(
                            key.span(),
                            format!(
                                "{what} names no channel of this scenario: '{name}'; its \
                                 channels are {}",
                                known.join(", ")
                            ),
                        );
                    };
                    if named[index] {
                        return self.fail(key.span(), format!("{what} names '{name}' twice"));
                    }
                    named[index] = true;
                    values[index] = self.share(what, name, value)?;
                }
                values
            }
        };
        let sum: f64 = values.iter().sum();
        if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
            return self.fail(
                shares.span(),
                format!(
                    "{what} must sum to 1, got {}; a sum within {SHARE_SUM_TOLERANCE} of 1 is \
                     normalised",
                    shown(sum)
                ),
            );
        }
        Ok(values.iter().map(|s| s / sum).collect())
    }

    /// The share of `channel` in a fixed split: a finite number ≥ 0. `what` names the split.
    fn share(
        &self,
        what: &str,
        channel: &str,
        value: &Spanned<Value>,
    ) -> Result<f64, ScenarioError> {
        let v = match value.get_ref() {
            Value::Float(v) => *v,
            Value::Integer(v) => *v as f64,
            other => return self.fail(value.span(), shares_shape(what, &describe(other))),
        };
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            self.fail(
                value.span(),
                format!(
                    "{what} gives '{channel}' {}, but a share must be a finite number ≥ 0",
                    shown(v)
                ),
            )
        }
    }
}

/// The message for `shares` of the wrong shape.
fn shares_shape(what: &str, given: &str) -> String {
    format!(
        "{what} must be a list of numbers in channel order or a table of channel = share, got \
         {given}"
    )
}

/// Two amounts that differ, each rounded unless rounding would make them read the same.
fn amounts_apart(a: f64, b: f64) -> (String, String) {
    let (a_text, b_text) = (shown(a), shown(b));
    if a != b && a_text == b_text {
        (a.to_string(), b.to_string())
    } else {
        (a_text, b_text)
    }
}

/// Whether `c` is a control character (C0, C1, DEL) or one that changes how text around it is
/// shown: the direction marks and embeddings, the zero-width characters and the byte order
/// mark. Such a character in a name could move a terminal's cursor, break an SVG chart's XML
/// or reverse a report's text.
pub(crate) fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}
