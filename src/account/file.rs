//! The account file: TOML in the style of a scenario, describing a real account rather than a
//! simulated market.
//!
//! ```toml
//! name = "shop"                   # also the results folder
//! currency = "NOK"
//! daily_budget = 10000.0          # tomorrow's budget
//! objective = "revenue"           # or "profit", with target_roas
//! max_daily_change = 0.2          # pacing against the last day's split (optional)
//! history = "shop.csv"            # the daily CSV, relative to this file
//! policy = "auto"                 # or a learner: "thompson", ..., or a [policy] table
//!
//! [columns]                       # optional: the CSV's headers, when they differ
//! spend = "Cost"
//! revenue = "Conv. value"
//!
//! ignore_campaigns = ["Test *"]    # optional: campaigns left out (names or patterns)
//!
//! [channel_of]                    # optional: campaigns that belong to one channel
//! "Brand search" = "search"
//! "Google | Shopping | *" = "shopping"   # `*` and `?` make a pattern
//!
//! [[channels]]
//! name = "search"
//! pricing = "cpc"
//! min_share = 0.1                 # floors and caps as in scenarios
//! freeze = false                  # true: keep at the last day's spend
//! lag = { mean_days = 2.0, max_days = 7 }
//! weekday = [1.0, 1.0, 1.0, 1.0, 1.1, 0.8, 0.8]   # conversion rate by weekday, Monday first
//! ```
//!
//! Validation reuses the scenario checks for the shared fields (objective, floors and caps,
//! pacing, policy parameters, lag), so a message reads the same in both files and points at the
//! value's line and column.

use super::campaigns::Campaigns;
use super::history::ColumnNames;
use crate::channel::Pricing;
use crate::constraints::{Bounds, Constraints};
use crate::dynamics::Lag;
use crate::error::ScenarioError;
use crate::objective::Objective;
use crate::policy::{PolicyKind, PolicySpec};
use crate::scenario::Allocation;
use crate::scenario::MAX_SEED;
use crate::scenario::messages::toml_error;
use crate::scenario::raw::{
    RawLag, RawObjective, RawPolicy, RawPolicyKind, SpendLimits, folder_name, multipliers,
    not_blank, positive, pricing_dependencies,
};
use crate::scenario::validate::Checker;
use crate::scenario::validate::{DEFAULT_CURRENCY, DEFAULT_SEED, MAX_MAGNITUDE};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The default `extrapolation_factor`: a recommended spend stays within 1.5 times the
/// channel's highest day in the history.
pub const DEFAULT_EXTRAPOLATION: f64 = 1.5;

/// The `policy` that leaves the choice of learner to `recommend` (also the default).
pub const AUTO_POLICY: &str = "auto";

/// A validated account.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// Name, also the results folder's.
    pub name: String,
    /// Currency of spend and revenue.
    pub currency: String,
    /// Tomorrow's budget.
    pub daily_budget: f64,
    /// What the budget should maximise.
    pub objective: Objective,
    /// Floors, caps (in money) and the pacing rule.
    pub constraints: Constraints,
    /// The learning policy whose posterior is read: the one the file names, or, where it names
    /// none or `"auto"`, saturation Thompson sampling until `recommend` chooses among the
    /// learners by simulating the account's fitted market (see [`crate::recommend::choice`]).
    pub policy: PolicySpec,
    /// Whether the file names its policy (`false` for `"auto"` or no `policy` field).
    pub policy_named: bool,
    /// The history CSV, resolved against the account file's folder.
    pub history: PathBuf,
    /// The history's headers.
    pub columns: ColumnNames,
    /// Which channel each campaign's rows belong to (`[channel_of]` and `ignore_campaigns`).
    pub campaigns: Campaigns,
    /// The channels, in file order.
    pub channels: Vec<AccountChannel>,
    /// Seed of the posterior draws (`--seed` replaces it).
    pub seed: u64,
    /// How far beyond its highest day in the history a channel's recommended spend may go,
    /// as a factor of it.
    pub extrapolation_factor: f64,
    /// Whether recommended spends may go beyond `extrapolation_factor` times the history's
    /// highest day (flagged when they do).
    pub allow_extrapolation: bool,
    /// Whether the history's reader keeps dates that stand apart from the rest (see
    /// [`ReadOptions`](super::history::ReadOptions)).
    pub keep_stray_dates: bool,
    /// Where the account came from (its path).
    pub origin: String,
    /// The account file's text.
    pub source: String,
    /// Where the `history` value is written in `source`.
    history_span: std::ops::Range<usize>,
}

/// One channel of an account.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountChannel {
    /// Name, as the history (after `channel_of`) calls it.
    pub name: String,
    /// What one paid unit is.
    pub pricing: Pricing,
    /// Keep the channel at its last day's spend.
    pub freeze: bool,
    /// Conversion lag, when the account declares one.
    pub lag: Option<Lag>,
    /// Weekday multipliers of the conversion rate, Monday first, when the account declares
    /// them.
    pub weekday: Option<[f64; 7]>,
}

// The doc comments of the raw fields are also the JSON Schema's descriptions (`budget-bandit
// schema account`), which an editor shows on hover; the shared fields read as in scenarios.

/// A budget-bandit account: a real account's daily history (a CSV), its channels and the
/// constraints of tomorrow's split. `budget-bandit recommend FILE` recommends tomorrow's split;
/// `budget-bandit fit FILE` calibrates a scenario from the history.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "budget-bandit account", rename = "Account")]
pub(crate) struct RawAccount {
    /// Name of the account and of its results folder: 1 to 64 letters, digits, `-`, `_` or
    /// `.`, not starting with `.`, and not `index.html`.
    #[schemars(with = "String", transform = folder_name)]
    name: Spanned<String>,
    /// One line about the account, for people reading the file. Default: empty.
    #[serde(default)]
    #[schemars(with = "String")]
    description: Option<String>,
    /// Currency code of spend and revenue, such as `NOK` or `EUR`. Default: `EUR`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = DEFAULT_CURRENCY))]
    currency: Option<Spanned<String>>,
    /// Tomorrow's budget, in `currency`: above 0, at most 1e12.
    #[schemars(with = "f64", transform = positive)]
    daily_budget: Spanned<f64>,
    /// What the budget should maximise: `revenue` spends the whole budget; `profit` spends only
    /// what pays at `target_roas`. Default: `revenue`.
    #[serde(default)]
    #[schemars(with = "RawObjective")]
    objective: Option<Spanned<RawObjective>>,
    /// With `objective = "profit"` only: the least marginal return worth buying, above 0 (a 40%
    /// margin breaks even at 2.5). Default: 1.
    #[serde(default)]
    #[schemars(with = "f64", transform = positive, extend("default" = 1.0))]
    target_roas: Option<Spanned<f64>>,
    /// Pacing: no channel's spend moves by more than this share of the budget from the last
    /// day's; above 0, at most 1. Default: none.
    #[serde(default)]
    #[schemars(with = "f64", range(max = 1.0), extend("exclusiveMinimum" = 0.0))]
    max_daily_change: Option<Spanned<f64>>,
    /// Seed of the posterior draws, from 0 to 2^63 − 1 (`--seed` replaces it). Default: 1.
    #[serde(default)]
    #[schemars(with = "i64", range(min = 0, max = MAX_SEED), extend("default" = DEFAULT_SEED))]
    seed: Option<Spanned<i64>>,
    /// A channel's recommended spend stays within this factor of its highest daily spend in
    /// the history, where the data end and the curve is the model's guess: at least 1, at
    /// most 1000. Default: 1.5.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 1.0, max = 1000.0), extend("default" = DEFAULT_EXTRAPOLATION))]
    extrapolation_factor: Option<Spanned<f64>>,
    /// `true` lets recommended spends go beyond `extrapolation_factor` times the history's
    /// highest day; they are flagged in the output. Default: `false`.
    #[serde(default)]
    #[schemars(with = "bool", extend("default" = false))]
    allow_extrapolation: Option<bool>,
    /// `true` reads dates that stand apart from the rest of the history (at most three days,
    /// four weeks or more before or after the others, or last days after a gap that lie more
    /// than a day beyond today), which are otherwise refused as a likely mistyped year, month or
    /// day. Default: `false`.
    #[serde(default)]
    #[schemars(with = "bool", extend("default" = false))]
    keep_stray_dates: Option<bool>,
    /// The daily history CSV, relative to this file: one row per day and campaign with date,
    /// channel, spend, the paid units and conversions, and revenue (see `[columns]`).
    #[schemars(with = "String", transform = not_blank)]
    history: Spanned<String>,
    /// The learning policy that reads the history: `"auto"` (the default: `recommend`
    /// simulates a market fitted to the history and takes the learner that loses least), a
    /// kind's name, or a `[policy]` table with `kind` and its parameters as in scenarios.
    #[serde(default)]
    #[schemars(with = "AccountPolicy", extend("default" = AUTO_POLICY))]
    policy: Option<Spanned<toml::Value>>,
    /// The history CSV's headers where they differ from the defaults (`spend = "Cost"`).
    #[serde(default)]
    #[schemars(with = "RawColumns")]
    columns: Option<Spanned<RawColumns>>,
    /// Campaigns that belong to one channel, `"campaign name" = "channel"`: their rows are
    /// summed. A name with `*` (any run of characters) or `?` (one character) is a pattern,
    /// matched without regard to case: `"Google | Search | *" = "search"`. Exact names win
    /// over patterns, and patterns are tried in the file's order. Default: every row's
    /// channel column is a channel.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    channel_of: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    /// Campaigns whose rows are left out of the history: exact names or patterns (`*`, `?`),
    /// such as `["Test *", "App installs | *"]`. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    ignore_campaigns: Option<Vec<Spanned<String>>>,
    /// The account's channels, one `[[channels]]` table each; at least one.
    #[schemars(with = "Vec<RawAccountChannel>", length(min = 1))]
    channels: Spanned<Vec<Spanned<RawAccountChannel>>>,
}

/// The `[columns]` table: the history CSV's header of each column, where it differs from the
/// default (the column's own name).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Columns")]
struct RawColumns {
    /// The day, `YYYY-MM-DD`. Default: `date`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "date"))]
    date: Option<Spanned<String>>,
    /// The channel, or a campaign that `[channel_of]` maps to one. Default: `channel`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "channel"))]
    channel: Option<Spanned<String>>,
    /// Money spent that day. Default: `spend`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "spend"))]
    spend: Option<Spanned<String>>,
    /// Impressions, needed for cpm channels. Default: `impressions`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "impressions"))]
    impressions: Option<Spanned<String>>,
    /// Clicks, needed for cpc and cpm channels. Default: `clicks`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "clicks"))]
    clicks: Option<Spanned<String>>,
    /// Leads, needed for cpl channels. Default: `leads`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "leads"))]
    leads: Option<Spanned<String>>,
    /// Conversions, always needed. Default: `conversions`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "conversions"))]
    conversions: Option<Spanned<String>>,
    /// The conversions' value, always needed. Default: `revenue`.
    #[serde(default)]
    #[schemars(with = "String", transform = not_blank, extend("default" = "revenue"))]
    revenue: Option<Spanned<String>>,
}

/// One `[[channels]]` table of an account: a channel of the history and its constraints.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AccountChannel", transform = weekday_not_for_cpa)]
struct RawAccountChannel {
    /// The channel's name, as the history's channel column (after `[channel_of]`) calls it;
    /// unique.
    #[schemars(with = "String", transform = not_blank)]
    name: Spanned<String>,
    /// What one paid unit is: `cpm` a thousand impressions, `cpc` a click, `cpl` a lead, `cpa`
    /// an acquisition (a conversion). It decides which counts the history must have.
    pricing: Pricing,
    /// Floor: the least share of tomorrow's budget the channel gets, from 0 to 1. Give
    /// `min_share` or `min_spend`, not both. Default: 0.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = 1.0))]
    min_share: Option<Spanned<f64>>,
    /// Cap: the largest share of tomorrow's budget the channel gets, from 0 to 1. Give
    /// `max_share` or `max_spend`, not both. Default: none.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = 1.0))]
    max_share: Option<Spanned<f64>>,
    /// Floor in money, from 0 to 1e12. Give `min_share` or `min_spend`, not both. Default: 0.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = MAX_MAGNITUDE))]
    min_spend: Option<Spanned<f64>>,
    /// Cap in money, from 0 to 1e12. Give `max_share` or `max_spend`, not both. Default: none.
    #[serde(default)]
    #[schemars(with = "f64", range(min = 0.0, max = MAX_MAGNITUDE))]
    max_spend: Option<Spanned<f64>>,
    /// `true` keeps the channel at the last day's spend. Default: `false`.
    #[serde(default)]
    #[schemars(with = "bool", extend("default" = false))]
    freeze: Option<bool>,
    /// Conversions that arrive over the days after the spend, so that the last days of the
    /// history are read as incomplete. Default: none.
    #[serde(default)]
    #[schemars(with = "RawLag")]
    lag: Option<Spanned<RawLag>>,
    /// Seven multipliers of the conversion rate, Monday first, each from 0.001 to 1000. Not for
    /// cpa. Default: none.
    #[serde(default)]
    #[schemars(with = "[f64; 7]", transform = multipliers)]
    weekday: Option<Spanned<Vec<f64>>>,
}

/// Weekday multipliers scale a conversion rate, which a cpa channel does not have.
fn weekday_not_for_cpa(schema: &mut Schema) {
    pricing_dependencies(schema, &["weekday"]);
}

/// The `policy` field as a JSON Schema: a learning kind's name, or a `[policy]` table as in
/// scenarios whose kind learns (see [`Account::policy`]).
struct AccountPolicy;

impl JsonSchema for AccountPolicy {
    fn schema_name() -> Cow<'static, str> {
        "AccountPolicy".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let learning: Vec<&str> = RawPolicyKind::ALL
            .iter()
            .filter(|kind| kind.learns())
            .map(|kind| kind.as_str())
            .collect();
        let mut names = vec![AUTO_POLICY];
        names.extend(learning.iter().copied());
        json_schema!({
            "anyOf": [
                { "type": "string", "enum": names },
                {
                    "allOf": [
                        generator.subschema_for::<RawPolicy>(),
                        { "properties": { "kind": { "enum": learning } } },
                    ],
                },
            ],
        })
    }
}

/// The `[policy]` table, read in a second pass for its spans.
#[derive(Debug, Deserialize)]
struct PolicyTable {
    policy: Spanned<RawPolicy>,
}

impl Account {
    /// Reads, parses and validates an account file; its history path is resolved against the
    /// file's folder.
    pub fn load(path: &Path) -> Result<Account, ScenarioError> {
        let origin = path.display().to_string();
        let source = crate::error::read_input_text(path, crate::error::MAX_TEXT_FILE_BYTES)
            .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read: {e}")))?;
        let folder = path.parent().unwrap_or(Path::new(""));
        Account::from_toml(&origin, &source, folder)
    }

    /// Parses and validates account TOML; `origin` names it in messages and `folder` is where
    /// a relative history path starts.
    pub fn from_toml(origin: &str, source: &str, folder: &Path) -> Result<Account, ScenarioError> {
        let check = Checker { origin, source };
        let raw: RawAccount = toml::from_str(source)
            .map_err(|e| check.error(e.span(), toml_error(source, e.span(), e.message())))?;
        let _ = raw.description;
        let name = check.folder_name("account", &raw.name)?;
        let currency = match &raw.currency {
            Some(currency) => check.name("currency", currency)?,
            None => DEFAULT_CURRENCY.to_owned(),
        };
        let daily_budget = check.positive("daily_budget", &raw.daily_budget)?;
        let objective = check.objective(
            raw.objective.as_ref(),
            raw.target_roas.as_ref(),
            Allocation::Proportional,
        )?;
        let seed = match &raw.seed {
            Some(seed) => check.whole("seed", seed, 0, MAX_SEED as i64)? as u64,
            None => DEFAULT_SEED,
        };
        let extrapolation_factor = match &raw.extrapolation_factor {
            Some(factor) => {
                let value = *factor.get_ref();
                if !(1.0..=1000.0).contains(&value) {
                    return check.fail(
                        factor.span(),
                        format!(
                            "extrapolation_factor must be from 1 to 1000 (times a channel's \
                             highest day in the history), got {value}"
                        ),
                    );
                }
                value
            }
            None => DEFAULT_EXTRAPOLATION,
        };
        let history_name = check.name("history", &raw.history)?;
        let history = folder.join(&history_name);

        if raw.channels.get_ref().is_empty() {
            return check.fail(
                raw.channels.span(),
                "channels must list at least one channel ([[channels]] tables)".into(),
            );
        }
        let mut channels: Vec<AccountChannel> = Vec::new();
        let mut bounds = Bounds::free(0, daily_budget);
        for channel in raw.channels.get_ref() {
            let channel = channel.get_ref();
            let name = check.name("channel name", &channel.name)?;
            if channels.iter().any(|c| c.name == name) {
                return check.fail(
                    channel.name.span(),
                    format!("channel name '{name}' is used twice; names must be unique"),
                );
            }
            let limits = SpendLimits {
                min_share: channel.min_share.as_ref(),
                max_share: channel.max_share.as_ref(),
                min_spend: channel.min_spend.as_ref(),
                max_spend: channel.max_spend.as_ref(),
            };
            let (low, high) =
                check.spend_bounds(&limits, &name, daily_budget, Allocation::Proportional)?;
            bounds.low.push(low);
            bounds.high.push(high);
            let what = |field: &str| format!("channel '{name}': {field}");
            let lag = match &channel.lag {
                Some(lag) => Some(check.lag(lag.get_ref(), &what)?),
                None => None,
            };
            let weekday = check.weekday(channel.weekday.as_ref(), channel.pricing, &what)?;
            channels.push(AccountChannel {
                name,
                pricing: channel.pricing,
                freeze: channel.freeze.unwrap_or(false),
                lag,
                weekday,
            });
        }
        let names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
        let constraints = check.constraints(
            &raw.daily_budget,
            raw.max_daily_change.as_ref(),
            &names,
            bounds,
            objective,
            Allocation::Proportional,
        )?;
        let (policy, policy_named) = Account::policy(&check, raw.policy.as_ref(), &names)?;
        let columns = Account::columns(&check, raw.columns.as_ref())?;
        let campaigns = Account::campaigns(
            &check,
            raw.channel_of.as_ref(),
            raw.ignore_campaigns.as_deref(),
            &names,
        )?;
        Ok(Account {
            name,
            currency,
            daily_budget,
            objective,
            constraints,
            policy,
            policy_named,
            history,
            columns,
            campaigns,
            channels,
            seed,
            extrapolation_factor,
            allow_extrapolation: raw.allow_extrapolation.unwrap_or(false),
            keep_stray_dates: raw.keep_stray_dates.unwrap_or(false),
            origin: origin.to_owned(),
            source: source.to_owned(),
            history_span: raw.history.span(),
        })
    }

    /// The `policy` setting as the file gives it: the named policy's name, or `auto`.
    pub fn policy_setting(&self) -> &str {
        if self.policy_named {
            &self.policy.name
        } else {
            AUTO_POLICY
        }
    }

    /// The learning policy and whether the file names it: a kind's name, or a `[policy]` table
    /// with its parameters; `"auto"` or nothing leaves the choice to `recommend`.
    fn policy(
        check: &Checker<'_>,
        raw: Option<&Spanned<toml::Value>>,
        names: &[String],
    ) -> Result<(PolicySpec, bool), ScenarioError> {
        let auto = PolicySpec {
            name: "saturation-thompson".into(),
            kind: PolicyKind::SaturationThompson(Default::default()),
        };
        let Some(raw) = raw else {
            return Ok((auto, false));
        };
        let learning = "\"auto\" (the default: the learner that loses least on a market \
                        fitted to the history) or a learning policy: \"saturation-thompson\", \
                        \"thompson\", \"epsilon-greedy\", \"ucb\", \"discounted-thompson\", \
                        \"sliding-window-thompson\", \"gp-ucb\" or \"gp-thompson\", or a \
                        [policy] table with `kind` and its parameters";
        let spec = match raw.get_ref() {
            toml::Value::String(kind) if kind.trim() == AUTO_POLICY => return Ok((auto, false)),
            toml::Value::String(kind) => {
                let parsed = RawPolicyKind::deserialize(serde::de::value::StrDeserializer::<
                    serde::de::value::Error,
                >::new(kind.trim()));
                let Ok(kind) = parsed else {
                    return check.fail(
                        raw.span(),
                        format!("policy must be {learning}; got \"{kind}\""),
                    );
                };
                let table = RawPolicy::bare(kind);
                check.policy(&table, names)?
            }
            toml::Value::Table(_) => {
                let table: PolicyTable = toml::from_str(check.source).map_err(|e| {
                    check.error(e.span(), toml_error(check.source, e.span(), e.message()))
                })?;
                check.policy(table.policy.get_ref(), names)?
            }
            _ => {
                return check.fail(raw.span(), format!("policy must be {learning}"));
            }
        };
        if matches!(spec.kind, PolicyKind::Fixed(_) | PolicyKind::Oracle) {
            return check.fail(
                raw.span(),
                format!(
                    "policy must be {learning}; \"{}\" learns nothing from the history",
                    spec.kind.as_str()
                ),
            );
        }
        Ok((spec, true))
    }

    /// `[channel_of]` in the file's order (a TOML table is read sorted, so its entries are
    /// put back in the order of their values' positions) and `ignore_campaigns`.
    fn campaigns(
        check: &Checker<'_>,
        channel_of: Option<&Spanned<BTreeMap<String, Spanned<String>>>>,
        ignore: Option<&[Spanned<String>]>,
        names: &[String],
    ) -> Result<Campaigns, ScenarioError> {
        let mut pairs: Vec<(&String, &Spanned<String>)> = channel_of
            .map(|t| t.get_ref().iter().collect())
            .unwrap_or_default();
        pairs.sort_by_key(|(_, channel)| channel.span().start);
        for (campaign, channel) in &pairs {
            let target = channel.get_ref().trim();
            if campaign.trim().is_empty() {
                return check.fail(
                    channel.span(),
                    "channel_of has an empty campaign name: give the campaign's name as the \
                     history writes it, or a pattern such as \"Search | *\""
                        .into(),
                );
            }
            if !names.iter().any(|n| n == target) {
                return check.fail(
                    channel.span(),
                    format!(
                        "channel_of maps campaign '{campaign}' to '{target}', which is not a \
                         channel of this account; its channels are {}",
                        names.join(", ")
                    ),
                );
            }
        }
        let mut left_out = Vec::new();
        for entry in ignore.unwrap_or_default() {
            left_out.push(check.name("ignore_campaigns entry", entry)?);
        }
        Ok(Campaigns::new(
            pairs
                .iter()
                .map(|(c, t)| (c.as_str(), t.get_ref().as_str())),
            left_out.iter().map(String::as_str),
        ))
    }

    /// The history's headers, the defaults where `[columns]` names none.
    fn columns(
        check: &Checker<'_>,
        raw: Option<&Spanned<RawColumns>>,
    ) -> Result<ColumnNames, ScenarioError> {
        let mut columns = ColumnNames::default();
        let Some(raw) = raw else {
            return Ok(columns);
        };
        let raw = raw.get_ref();
        let fields = [
            (&raw.date, &mut columns.date, "date"),
            (&raw.channel, &mut columns.channel, "channel"),
            (&raw.spend, &mut columns.spend, "spend"),
            (&raw.impressions, &mut columns.impressions, "impressions"),
            (&raw.clicks, &mut columns.clicks, "clicks"),
            (&raw.leads, &mut columns.leads, "leads"),
            (&raw.conversions, &mut columns.conversions, "conversions"),
            (&raw.revenue, &mut columns.revenue, "revenue"),
        ];
        for (given, column, field) in fields {
            if let Some(header) = given {
                *column = check.name(&format!("columns.{field}"), header)?;
            }
        }
        Ok(columns)
    }

    /// The account file's text with its `history` naming `file` instead (comments and layout
    /// kept): the account as written into a results folder beside a copy of its history.
    pub fn source_with_history(&self, file: &str) -> String {
        let mut text = self.source.clone();
        text.replace_range(
            self.history_span.clone(),
            &toml::Value::String(file.to_owned()).to_string(),
        );
        text
    }

    /// The account's channels as the history reader needs them.
    pub fn channel_specs(&self) -> Vec<super::history::ChannelSpec<'_>> {
        self.channels
            .iter()
            .map(|c| super::history::ChannelSpec {
                name: &c.name,
                pricing: c.pricing,
            })
            .collect()
    }

    /// Reads the account's history CSV (see [`super::history`]).
    pub fn read_history(&self) -> Result<super::history::History, ScenarioError> {
        super::history::read_history_with(
            &self.history,
            &self.columns,
            &self.campaigns,
            &self.channel_specs(),
            super::history::ReadOptions {
                keep_stray_dates: self.keep_stray_dates,
                today: Some(super::date::Date::today()),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOP: &str = r#"
name = "shop"
currency = "NOK"
daily_budget = 1000.0
max_daily_change = 0.2
history = "shop.csv"

[columns]
spend = "Cost"

[channel_of]
"Brand" = "search"
"Generic" = "search"

[[channels]]
name = "search"
pricing = "cpc"
min_share = 0.1

[[channels]]
name = "social"
pricing = "cpm"
max_spend = 600.0
freeze = true
lag = { mean_days = 1.0, max_days = 5 }
"#;

    #[test]
    fn a_full_account_reads() {
        let account = Account::from_toml("shop.toml", SHOP, Path::new("data")).unwrap();
        assert_eq!(account.history, Path::new("data/shop.csv"));
        assert_eq!(account.columns.spend, "Cost");
        assert_eq!(account.columns.clicks, "clicks");
        assert_eq!(account.constraints.bounds.low, [100.0, 0.0]);
        assert_eq!(account.constraints.bounds.high, [1000.0, 600.0]);
        assert_eq!(account.constraints.max_daily_change, Some(0.2));
        assert_eq!(account.policy.kind.as_str(), "saturation-thompson");
        assert!(
            !account.policy_named,
            "no policy: recommend chooses the learner"
        );
        for (line, named) in [("policy = \"auto\"", false), ("policy = \"ucb\"", true)] {
            let source = SHOP.replace("max_daily_change = 0.2", line);
            let account = Account::from_toml("shop.toml", &source, Path::new("")).unwrap();
            assert_eq!(account.policy_named, named, "{line}");
        }
        assert!(account.channels[1].freeze);
        assert_eq!(account.channels[1].lag.as_ref().unwrap().max_days, 5);
        assert_eq!(account.campaigns.channel_of.len(), 2);
        let moved = account.source_with_history("history.csv");
        assert!(moved.contains("history = \"history.csv\"\n"), "{moved}");
        let reread = Account::from_toml("shop.toml", &moved, Path::new("r")).unwrap();
        assert_eq!(reread.history, Path::new("r/history.csv"));
        assert_eq!(reread.channels, account.channels);
    }

    #[test]
    fn channel_of_keeps_the_files_order_and_ignore_campaigns_reads() {
        let source = SHOP
            .replace(
                "history = \"shop.csv\"",
                "history = \"shop.csv\"\nignore_campaigns = [\"Test *\", \"Old brand\"]",
            )
            .replace(
                "\"Brand\" = \"search\"\n\"Generic\" = \"search\"",
                "\"Zeta | *\" = \"social\"\n\"A | *\" = \"search\"\n\"Brand\" = \"search\"",
            );
        let account = Account::from_toml("a.toml", &source, Path::new("")).unwrap();
        let order: Vec<&str> = account
            .campaigns
            .channel_of
            .iter()
            .map(|(p, _)| p.text.as_str())
            .collect();
        assert_eq!(order, ["Zeta | *", "A | *", "Brand"]);
        use crate::account::campaigns::Destination;
        assert_eq!(
            account.campaigns.destination("zeta | video"),
            Destination::Mapped("social")
        );
        assert_eq!(
            account.campaigns.destination("Old brand"),
            Destination::Ignored
        );
        assert_eq!(
            account.campaigns.destination("Test 1"),
            Destination::Ignored
        );
        let blank = source.replace("\"Old brand\"", "\" \"");
        let error = Account::from_toml("a.toml", &blank, Path::new("")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("ignore_campaigns entry must not be empty"),
            "{error}"
        );
    }

    #[test]
    fn policies_by_name_or_table() {
        let named = SHOP.replace(
            "history = \"shop.csv\"",
            "history = \"shop.csv\"\npolicy = \"thompson\"",
        );
        let account = Account::from_toml("a.toml", &named, Path::new("")).unwrap();
        assert_eq!(account.policy.kind.as_str(), "thompson");
        let table = format!("{SHOP}\n[policy]\nkind = \"discounted-thompson\"\ndiscount = 0.9\n");
        let account = Account::from_toml("a.toml", &table, Path::new("")).unwrap();
        assert_eq!(account.policy.kind.as_str(), "discounted-thompson");
    }

    #[test]
    fn bad_accounts_point_at_the_value() {
        let cases = [
            (SHOP.replace("\"cpm\"", "\"cpx\""), "a.toml:22:11"),
            (
                SHOP.replace(
                    "history = \"shop.csv\"",
                    "history = \"shop.csv\"\npolicy = \"fixed\"",
                ),
                "learns nothing",
            ),
            (
                SHOP.replace(
                    "history = \"shop.csv\"",
                    "history = \"shop.csv\"\npolicy = \"greedy\"",
                ),
                "a.toml:7:10",
            ),
            (
                SHOP.replace("\"Generic\" = \"search\"", "\"Generic\" = \"serch\""),
                "not a channel of this account",
            ),
            (
                SHOP.replace("spend = \"Cost\"", "cost = \"Cost\""),
                "a.toml:9:1",
            ),
            (
                SHOP.replace("min_share = 0.1", "min_share = 1.1"),
                "a.toml:18:13",
            ),
            (
                SHOP.replace("max_daily_change = 0.2", "max_daily_change = 0"),
                "a.toml:5:20",
            ),
            (
                SHOP.replace("name = \"shop\"", "name = \"my shop\""),
                "results folder",
            ),
        ];
        for (source, expected) in cases {
            let error = Account::from_toml("a.toml", &source, Path::new("")).unwrap_err();
            assert!(error.to_string().contains(expected), "{expected}: {error}");
        }
    }
}
