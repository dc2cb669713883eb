//! Raw scenario structs to a [`Scenario`] that cannot be invalid.
//!
//! Each check names the channel or policy and the field, says what is allowed, and points at
//! the value's line and column.

use super::Scenario;
use super::raw::{RawChannel, RawPolicy, RawPolicyKind, RawScenario};
use crate::channel::{Channel, Pricing};
use crate::error::ScenarioError;
use crate::policy::epsilon_greedy::EpsilonGreedyParams;
use crate::policy::fixed::FixedParams;
use crate::policy::thompson::ThompsonParams;
use crate::policy::{PolicyKind, PolicySpec};
use std::ops::Range;
use toml::Spanned;

/// Longest horizon a scenario may have, in days.
pub(super) const MAX_DAYS: u64 = 100_000;
/// Most replications a scenario may ask for.
pub(super) const MAX_REPLICATIONS: u64 = 10_000_000;
/// Most paid units one day's budget may buy on one channel (keeps counts exact in `f64`).
const MAX_UNITS_PER_DAY: f64 = 1e12;
/// Most cells (days × channels) of a scenario's daily tables, which are held in memory per
/// policy and written to `daily.csv`.
pub(super) const MAX_DAY_CHANNELS: u64 = 2_000_000;
/// Largest budget, price, value, audience or prior accepted: far beyond any market, and small
/// enough that sums of a whole horizon stay finite.
const MAX_MAGNITUDE: f64 = 1e12;
/// Largest coefficient of variation accepted for prices and values.
const MAX_CV: f64 = 10.0;
/// Smallest positive coefficient of variation accepted.
const MIN_CV: f64 = 1e-6;
/// Most posterior draws per day for Thompson sampling's probability matching.
const MAX_DRAWS: i64 = 1_000_000;
/// How far `shares` may sum from 1.
const SHARE_SUM_TOLERANCE: f64 = 1e-6;
/// Name reserved for the per-day totals rows of `daily.csv`.
pub const RESERVED_CHANNEL_NAME: &str = "total";

/// Parses and validates `source`.
pub(super) fn parse(origin: &str, source: &str) -> Result<Scenario, ScenarioError> {
    let check = Checker { origin, source };
    let raw: RawScenario = toml::from_str(source)
        .map_err(|e| check.error(e.span(), e.message().trim_end().to_owned()))?;
    check.scenario(raw)
}

struct Checker<'a> {
    origin: &'a str,
    source: &'a str,
}

impl Checker<'_> {
    fn error(&self, span: Option<Range<usize>>, message: String) -> ScenarioError {
        ScenarioError::new(self.origin, self.source, span, message)
    }

    fn fail<T>(&self, span: Range<usize>, message: String) -> Result<T, ScenarioError> {
        Err(self.error(Some(span), message))
    }

    /// A finite number in `[low, high]`; `what` names it in the message.
    fn number(
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
            self.fail(value.span(), format!("{what} must be {allowed}, got {v}"))
        }
    }

    /// A number above 0 and at most [`MAX_MAGNITUDE`].
    fn positive(&self, what: &str, value: &Spanned<f64>) -> Result<f64, ScenarioError> {
        let allowed = format!("a number above 0 and at most {MAX_MAGNITUDE:e}");
        let v = self.number(what, value, 0.0, MAX_MAGNITUDE, &allowed)?;
        if v > 0.0 {
            Ok(v)
        } else {
            self.fail(value.span(), format!("{what} must be {allowed}, got {v}"))
        }
    }

    fn rate(&self, what: &str, value: &Spanned<f64>) -> Result<f64, ScenarioError> {
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
            self.fail(value.span(), format!("{what} must be {allowed}, got {v:e}"))
        }
    }

    fn whole(
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

    fn name(&self, what: &str, value: &Spanned<String>) -> Result<String, ScenarioError> {
        let name = value.get_ref().trim();
        if name.is_empty() {
            self.fail(value.span(), format!("{what} must not be empty"))
        } else {
            Ok(name.to_owned())
        }
    }

    fn scenario(&self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        let name = self.name("name", &raw.name)?;
        let folder_safe = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !folder_safe || name.starts_with('.') || name.len() > 64 {
            return self.fail(
                raw.name.span(),
                format!(
                    "name is also the results folder: use up to 64 letters, digits, '-', '_' \
                     or '.', not starting with '.', got '{name}'"
                ),
            );
        }
        let days = self.whole("days", &raw.days, 1, MAX_DAYS as i64)? as usize;
        let daily_budget = self.positive("daily_budget", &raw.daily_budget)?;
        let currency = match &raw.currency {
            Some(currency) => self.name("currency", currency)?,
            None => "EUR".to_owned(),
        };
        let seed = match &raw.seed {
            Some(seed) => self.whole("seed", seed, 0, i64::MAX)? as u64,
            None => 1,
        };
        let replications = match &raw.replications {
            Some(r) => self.whole("replications", r, 1, MAX_REPLICATIONS as i64)? as u64,
            None => 100,
        };
        let allocation = raw.allocation.unwrap_or_default();

        if raw.channels.get_ref().is_empty() {
            return self.fail(
                raw.channels.span(),
                "channels must list at least one channel ([[channels]] tables)".into(),
            );
        }
        let mut channels: Vec<Channel> = Vec::new();
        for channel in raw.channels.get_ref() {
            let checked = self.channel(channel.get_ref(), daily_budget)?;
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

        let cells = days as u64 * channels.len() as u64;
        if cells > MAX_DAY_CHANNELS {
            return self.fail(
                raw.days.span(),
                format!(
                    "days × channels must be at most {MAX_DAY_CHANNELS} (one row per day and \
                     channel is kept for the daily tables), got {days} × {} = {cells}",
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
                for policy in policies.get_ref() {
                    let spec = self.policy(policy.get_ref(), channels.len())?;
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

        Ok(Scenario {
            name,
            description: raw.description.unwrap_or_default().trim().to_owned(),
            days,
            daily_budget,
            currency,
            seed,
            replications,
            allocation,
            channels,
            policies,
            origin: self.origin.to_owned(),
            source: self.source.to_owned(),
        })
    }

    fn channel(&self, raw: &RawChannel, daily_budget: f64) -> Result<Channel, ScenarioError> {
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
        Ok(Channel {
            name,
            pricing: raw.pricing,
            price,
            price_cv,
            ctr,
            cvr,
            value,
            value_cv,
            audience,
        })
    }

    fn policy(&self, raw: &RawPolicy, channel_count: usize) -> Result<PolicySpec, ScenarioError> {
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
                    Some(shares) => Some(self.shares(&what("shares"), shares, channel_count)?),
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
            RawPolicyKind::Thompson => {
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
                    Some(d) => self.whole(&what("draws"), d, 1, MAX_DRAWS)? as usize,
                    None => defaults.draws,
                };
                PolicyKind::Thompson(ThompsonParams {
                    prior_alpha,
                    prior_beta,
                    draws,
                })
            }
        };
        Ok(PolicySpec { name, kind })
    }

    fn shares(
        &self,
        what: &str,
        shares: &Spanned<Vec<f64>>,
        channel_count: usize,
    ) -> Result<Vec<f64>, ScenarioError> {
        let values = shares.get_ref();
        if values.len() != channel_count {
            return self.fail(
                shares.span(),
                format!(
                    "{what} must have one share per channel ({channel_count}, in channel order), got {}",
                    values.len()
                ),
            );
        }
        if let Some(bad) = values.iter().find(|s| !(s.is_finite() && **s >= 0.0)) {
            return self.fail(
                shares.span(),
                format!("{what} must all be finite and ≥ 0, got {bad}"),
            );
        }
        let sum: f64 = values.iter().sum();
        if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
            return self.fail(shares.span(), format!("{what} must sum to 1, got {sum}"));
        }
        Ok(values.iter().map(|s| s / sum).collect())
    }
}
