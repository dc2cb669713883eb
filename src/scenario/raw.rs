//! The scenario file as written: serde structs that mirror the TOML, with the source span of
//! every value so validation can point at it. Nothing here is checked beyond its TOML type;
//! [`super::validate`] turns these into a [`super::Scenario`].

use super::Allocation;
use super::messages::describe;
use crate::channel::Pricing;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use toml::{Spanned, Value};

/// The top level of a scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub days: Spanned<i64>,
    pub daily_budget: Spanned<f64>,
    #[serde(default)]
    pub currency: Option<Spanned<String>>,
    #[serde(default)]
    pub seed: Option<Spanned<i64>>,
    #[serde(default)]
    pub replications: Option<Spanned<i64>>,
    #[serde(default)]
    pub allocation: Option<Allocation>,
    #[serde(default)]
    pub objective: Option<Spanned<RawObjective>>,
    #[serde(default)]
    pub target_roas: Option<Spanned<f64>>,
    #[serde(default)]
    pub start_weekday: Option<Spanned<Weekday>>,
    #[serde(default)]
    pub max_daily_change: Option<Spanned<f64>>,
    #[serde(default)]
    pub baseline: Option<Spanned<String>>,
    pub channels: Spanned<Vec<Spanned<RawChannel>>>,
    #[serde(default)]
    pub policies: Option<Spanned<Vec<Spanned<RawPolicy>>>>,
    /// The axes of a sweep: expanded by [`crate::sweep`] before validation, ignored here.
    #[serde(default)]
    #[allow(dead_code)]
    pub sweep: Option<de::IgnoredAny>,
}

/// One `[[channels]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChannel {
    pub name: Spanned<String>,
    pub pricing: Pricing,
    pub price: Spanned<f64>,
    #[serde(default)]
    pub price_cv: Option<Spanned<f64>>,
    #[serde(default)]
    pub ctr: Option<Spanned<f64>>,
    #[serde(default)]
    pub cvr: Option<Spanned<f64>>,
    pub value: Spanned<f64>,
    #[serde(default)]
    pub value_cv: Option<Spanned<f64>>,
    #[serde(default)]
    pub audience: Option<Spanned<f64>>,
    #[serde(default)]
    pub min_share: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_share: Option<Spanned<f64>>,
    #[serde(default)]
    pub min_spend: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_spend: Option<Spanned<f64>>,
    #[serde(default)]
    pub weekday: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub fatigue: Option<Spanned<RawFatigue>>,
    #[serde(default)]
    pub lag: Option<Spanned<RawLag>>,
    #[serde(default)]
    pub shifts: Vec<Spanned<RawShift>>,
}

/// A channel's floor and cap as written: a share of the daily budget or money, each at most
/// once (shared by scenario and account files).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpendLimits<'a> {
    pub min_share: Option<&'a Spanned<f64>>,
    pub max_share: Option<&'a Spanned<f64>>,
    pub min_spend: Option<&'a Spanned<f64>>,
    pub max_spend: Option<&'a Spanned<f64>>,
}

impl RawChannel {
    /// The channel's floor and cap fields.
    pub fn limits(&self) -> SpendLimits<'_> {
        SpendLimits {
            min_share: self.min_share.as_ref(),
            max_share: self.max_share.as_ref(),
            min_spend: self.min_spend.as_ref(),
            max_spend: self.max_spend.as_ref(),
        }
    }
}

/// The objective names a scenario can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawObjective {
    Revenue,
    Profit,
}

/// Days of the week, for `start_weekday`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// A channel's `fatigue` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFatigue {
    pub strength: Spanned<f64>,
    pub recovery: Spanned<f64>,
}

/// A channel's `lag` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLag {
    pub mean_days: Spanned<f64>,
    pub max_days: Spanned<i64>,
}

/// One `[[channels.shifts]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawShift {
    pub day: Spanned<i64>,
    #[serde(default)]
    pub price: Option<Spanned<f64>>,
    #[serde(default)]
    pub ctr: Option<Spanned<f64>>,
    #[serde(default)]
    pub cvr: Option<Spanned<f64>>,
    #[serde(default)]
    pub value: Option<Spanned<f64>>,
    #[serde(default)]
    pub audience: Option<Spanned<f64>>,
}

/// The policy kinds a scenario can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawPolicyKind {
    Fixed,
    EpsilonGreedy,
    Thompson,
    Ucb,
    DiscountedThompson,
    SlidingWindowThompson,
    SaturationThompson,
    GpUcb,
    GpThompson,
    Oracle,
}

impl RawPolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RawPolicyKind::Fixed => "fixed",
            RawPolicyKind::EpsilonGreedy => "epsilon-greedy",
            RawPolicyKind::Thompson => "thompson",
            RawPolicyKind::Ucb => "ucb",
            RawPolicyKind::DiscountedThompson => "discounted-thompson",
            RawPolicyKind::SlidingWindowThompson => "sliding-window-thompson",
            RawPolicyKind::SaturationThompson => "saturation-thompson",
            RawPolicyKind::GpUcb => "gp-ucb",
            RawPolicyKind::GpThompson => "gp-thompson",
            RawPolicyKind::Oracle => "oracle",
        }
    }

    /// The parameter fields this kind accepts, besides `kind` and `name`.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            RawPolicyKind::Fixed => &["shares"],
            RawPolicyKind::EpsilonGreedy => &["epsilon", "decay"],
            RawPolicyKind::Thompson => &["prior_alpha", "prior_beta", "draws"],
            RawPolicyKind::Ucb => &["loglog_factor"],
            RawPolicyKind::DiscountedThompson => {
                &["discount", "prior_alpha", "prior_beta", "draws"]
            }
            RawPolicyKind::SlidingWindowThompson => {
                &["window", "prior_alpha", "prior_beta", "draws"]
            }
            RawPolicyKind::SaturationThompson => &["prior_alpha", "prior_beta"],
            RawPolicyKind::GpUcb => &["grid", "beta", "prior_alpha", "prior_beta"],
            RawPolicyKind::GpThompson => &["grid", "prior_alpha", "prior_beta"],
            RawPolicyKind::Oracle => &[],
        }
    }
}

/// One `[[policies]]` table: the union of every kind's fields, checked per kind in validation
/// so that a misplaced field gets a message naming the kind and its fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicy {
    pub kind: Spanned<RawPolicyKind>,
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub shares: Option<Spanned<RawShares>>,
    #[serde(default)]
    pub epsilon: Option<Spanned<f64>>,
    #[serde(default)]
    pub decay: Option<Spanned<f64>>,
    #[serde(default)]
    pub prior_alpha: Option<Spanned<f64>>,
    #[serde(default)]
    pub prior_beta: Option<Spanned<f64>>,
    #[serde(default)]
    pub draws: Option<Spanned<i64>>,
    #[serde(default)]
    pub loglog_factor: Option<Spanned<f64>>,
    #[serde(default)]
    pub discount: Option<Spanned<f64>>,
    #[serde(default)]
    pub window: Option<Spanned<i64>>,
    #[serde(default)]
    pub grid: Option<Spanned<i64>>,
    #[serde(default)]
    pub beta: Option<Spanned<f64>>,
}

impl RawPolicy {
    /// A policy of `kind` with every parameter at its default (an account's `policy = "kind"`).
    pub fn bare(kind: RawPolicyKind) -> RawPolicy {
        RawPolicy {
            kind: Spanned::new(0..0, kind),
            name: None,
            shares: None,
            epsilon: None,
            decay: None,
            prior_alpha: None,
            prior_beta: None,
            draws: None,
            loglog_factor: None,
            discount: None,
            window: None,
            grid: None,
            beta: None,
        }
    }

    /// The parameter fields present in the file, with their spans.
    pub fn present_fields(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut present = Vec::new();
        let mut note = |name: &'static str, span: Option<std::ops::Range<usize>>| {
            if let Some(span) = span {
                present.push((name, span));
            }
        };
        note("shares", self.shares.as_ref().map(Spanned::span));
        note("epsilon", self.epsilon.as_ref().map(Spanned::span));
        note("decay", self.decay.as_ref().map(Spanned::span));
        note("prior_alpha", self.prior_alpha.as_ref().map(Spanned::span));
        note("prior_beta", self.prior_beta.as_ref().map(Spanned::span));
        note("draws", self.draws.as_ref().map(Spanned::span));
        note(
            "loglog_factor",
            self.loglog_factor.as_ref().map(Spanned::span),
        );
        note("discount", self.discount.as_ref().map(Spanned::span));
        note("window", self.window.as_ref().map(Spanned::span));
        note("grid", self.grid.as_ref().map(Spanned::span));
        note("beta", self.beta.as_ref().map(Spanned::span));
        present
    }
}

/// A fixed policy's `shares` as written: by channel order, by channel name, or neither.
///
/// Read by hand rather than as an untagged enum, so that every shape reaches validation, which
/// names the policy, says both accepted forms and points at the offending value.
#[derive(Debug)]
pub(crate) enum RawShares {
    /// `shares = [0.5, 0.3, 0.2]`: one value per channel, in channel order.
    List(Vec<Spanned<Value>>),
    /// `shares = { search = 0.5, social = 0.5 }`: channel names and their values, in file order.
    Table(Vec<(Spanned<String>, Spanned<Value>)>),
    /// Anything else, described for the message ("5", "text \"half\"").
    Other(String),
}

impl<'de> Deserialize<'de> for RawShares {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SharesVisitor)
    }
}

struct SharesVisitor;

impl<'de> Visitor<'de> for SharesVisitor {
    type Value = RawShares;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of numbers in channel order or a table of channel = share")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::Boolean(v))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::Integer(v))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawShares, E> {
        Ok(RawShares::Other(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawShares, E> {
        Ok(RawShares::Other(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawShares, E> {
        Ok(RawShares::Other(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::Float(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawShares, E> {
        Ok(RawShares::Other(describe(&Value::String(v.to_owned()))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawShares, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok(RawShares::List(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawShares, A::Error> {
        let mut entries = Vec::new();
        loop {
            let key = match map.next_key::<Spanned<String>>() {
                Ok(Some(key)) => key,
                Ok(None) => break,
                // Every key of a TOML table has a position; the one thing read as a map whose
                // key has none is a date (`shares = 2024-05-01`).
                Err(_) if entries.is_empty() => return Ok(RawShares::Other("a date".into())),
                Err(error) => return Err(error),
            };
            entries.push((key, map.next_value()?));
        }
        Ok(RawShares::Table(entries))
    }
}

/// The field names of a raw table, read from its derived `Deserialize`, so that no second list
/// can drift from the struct (used to tell where a misplaced key belongs).
pub(crate) fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that only records the field names a struct asks for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only structs have field names"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The words a word-valued field accepts, as serde lists them ("one of `cpm`, `cpc`, `cpl`,
/// `cpa`" or "`revenue` or `profit`"), read from the enum itself; `None` for other fields.
pub(crate) fn choices(field: &str) -> Option<String> {
    fn of<'de, T: Deserialize<'de>>() -> Option<String> {
        let no_word = de::value::StrDeserializer::<de::value::Error>::new("");
        let message = T::deserialize(no_word).err()?.to_string();
        let (_, list) = message.split_once(", expected ")?;
        Some(list.to_owned())
    }
    match field {
        "allocation" => of::<Allocation>(),
        "objective" => of::<RawObjective>(),
        "start_weekday" => of::<Weekday>(),
        "pricing" => of::<Pricing>(),
        "kind" => of::<RawPolicyKind>(),
        _ => None,
    }
}
