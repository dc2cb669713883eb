//! The recommendation's files and its table: `recommendation.csv`, `recommendation.json` and
//! the ranked table printed on standard output.
//!
//! `recommendation.csv` has one row per channel, its first columns fixed as a promise to
//! spreadsheets and scripts: `channel`, `current_spend`, `recommended_spend`, `spend_low`,
//! `spend_high`, `explore_spend`, `marginal_roas_current`, `marginal_roas_recommended`; then
//! `recent_spend`, `min_spend`, `max_spend`, `change`, `roas_recommended`, `pricing`, `frozen`,
//! `saturation_known`, `spend_variation`, `note`, `history_high` (the channel's highest day in
//! the history), `beyond_history` (the recommended spend reaches `extrapolation_factor` times
//! it) and `limited_by` (what decided the recommended spend: `data` where it lies inside
//! tomorrow's limits, else the limit it sits on: `floor`, `cap`, `frozen`, `pacing`,
//! `unknown-returns`, `history` or `budget`). Money is in the account's currency per day.
//!
//! Money (spends, revenue, profit, change) is rounded to cents ([`MONEY_DECIMALS`]) and ratios
//! (ROAS, marginal ROAS, `spend_variation`) to [`RATIO_DECIMALS`] places, in
//! `recommendation.csv` and `plan.csv` (written with exactly that many places) and in
//! `recommendation.json` (as numbers); a value that rounds to −0 is written as 0.

use super::{Outlook, Recommendation};
use crate::fit::Estimate;
use crate::output::csv_files::{fixed, neutralised, round_to};
use crate::output::table::{TABLE_WIDTH, in_blocks, money, thousands, with_sign, wrap};
use serde::{Serialize, Serializer};
use std::fmt::Write as _;

/// Decimal places of money in the recommendation's files: cents.
pub const MONEY_DECIMALS: usize = 2;
/// Decimal places of ratios (ROAS, marginal ROAS, spend variation) in the recommendation's
/// files.
pub const RATIO_DECIMALS: usize = 4;

/// A CSV cell of money: cents.
fn cents(value: f64) -> String {
    fixed(value, MONEY_DECIMALS)
}

/// A CSV cell of a ratio.
fn ratio(value: f64) -> String {
    fixed(value, RATIO_DECIMALS)
}

/// Serialises money rounded to cents (`#[serde(serialize_with)]`).
pub(crate) fn json_cents<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(round_to(*value, MONEY_DECIMALS as i32))
}

/// Serialises a ratio rounded to [`RATIO_DECIMALS`] places.
pub(crate) fn json_ratio<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(round_to(*value, RATIO_DECIMALS as i32))
}

/// Serialises amounts of money rounded to cents.
pub(crate) fn json_cents_all<S: Serializer>(
    values: &[f64],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(values.iter().map(|v| round_to(*v, MONEY_DECIMALS as i32)))
}

fn rounded(estimate: &Estimate, decimals: usize) -> Estimate {
    let round = |v: f64| round_to(v, decimals as i32);
    Estimate {
        mean: round(estimate.mean),
        low: round(estimate.low),
        high: round(estimate.high),
    }
}

/// Serialises an estimate of money rounded to cents.
pub(crate) fn json_cents_estimate<S: Serializer>(
    estimate: &Estimate,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    rounded(estimate, MONEY_DECIMALS).serialize(serializer)
}

/// Serialises an optional estimate of money rounded to cents.
pub(crate) fn json_cents_estimate_option<S: Serializer>(
    estimate: &Option<Estimate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    estimate
        .as_ref()
        .map(|e| rounded(e, MONEY_DECIMALS))
        .serialize(serializer)
}

/// Serialises an estimate of a ratio rounded to [`RATIO_DECIMALS`] places.
pub(crate) fn json_ratio_estimate<S: Serializer>(
    estimate: &Estimate,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    rounded(estimate, RATIO_DECIMALS).serialize(serializer)
}

/// The header of `recommendation.csv`.
pub const CSV_HEADER: [&str; 21] = [
    "channel",
    "current_spend",
    "recommended_spend",
    "spend_low",
    "spend_high",
    "explore_spend",
    "marginal_roas_current",
    "marginal_roas_recommended",
    "recent_spend",
    "min_spend",
    "max_spend",
    "change",
    "roas_recommended",
    "pricing",
    "frozen",
    "saturation_known",
    "spend_variation",
    "note",
    "history_high",
    "beyond_history",
    "limited_by",
];

/// Version of `recommendation.json`'s layout.
pub const JSON_FORMAT: u32 = 1;

/// `recommendation.csv`.
pub fn csv(recommendation: &Recommendation) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        writer
            .write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
            .expect("writing CSV into memory cannot fail");
    };
    write(
        &mut writer,
        &CSV_HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    for c in &recommendation.channels {
        write(
            &mut writer,
            &[
                c.channel.clone(),
                cents(c.current_spend),
                cents(c.recommended_spend),
                cents(c.spend_low),
                cents(c.spend_high),
                cents(c.explore_spend),
                ratio(c.marginal_roas_current),
                ratio(c.marginal_roas_recommended),
                cents(c.recent_spend),
                cents(c.min_spend),
                cents(c.max_spend),
                cents(c.recommended_spend - c.current_spend),
                ratio(c.roas_recommended),
                c.pricing.as_str().to_owned(),
                c.frozen.to_string(),
                c.saturation_known.to_string(),
                ratio(c.spend_variation),
                c.note.clone(),
                cents(c.history_high),
                c.beyond_history.to_string(),
                c.limited_by.as_str().to_owned(),
            ],
        );
    }
    writer
        .into_inner()
        .expect("flushing CSV into memory cannot fail")
}

#[derive(Serialize)]
struct Document<'a> {
    format: u32,
    generator: &'static str,
    #[serde(flatten)]
    recommendation: &'a Recommendation,
    estimates: &'a [crate::fit::ChannelFit],
}

/// `recommendation.json`: the recommendation, its outlooks and the history's estimates.
pub fn json(recommendation: &Recommendation) -> Vec<u8> {
    let document = Document {
        format: JSON_FORMAT,
        generator: concat!("budget-bandit ", env!("CARGO_PKG_VERSION")),
        recommendation,
        estimates: &recommendation.fit.channels,
    };
    let mut text = serde_json::to_vec_pretty(&document).expect("the recommendation serialises");
    text.push(b'\n');
    text
}

fn interval(estimate: &Estimate, format: impl Fn(f64) -> String) -> String {
    format!(
        "{} ({} to {})",
        format(estimate.mean),
        format(estimate.low),
        format(estimate.high)
    )
}

fn outlook_line(outlook: &Outlook, currency: &str) -> String {
    let mut line = format!(
        "  {:<13} spends {:>9} {currency}: revenue {}, ROAS {}",
        outlook.split,
        money(outlook.spend),
        interval(&outlook.revenue, money),
        interval(&outlook.roas, |x| thousands(x, 2)),
    );
    if let Some(profit) = &outlook.profit {
        let _ = write!(line, ", profit {}", interval(profit, money));
    }
    line
}

/// The split's gain over the last days' split, draw by draw, in words: "the recommended split
/// against the last 7 days' split: +1,234 NOK of revenue (90% interval -200 to +2,600), more
/// in 87% of the posterior draws: the history does not rule out a loss" (the last clause
/// where the interval reaches below zero).
pub fn gain_line(outlook: &Outlook, currency: &str) -> Option<String> {
    let gain = outlook.gain.as_ref()?;
    let signed = |x: f64| with_sign(x, money(x));
    let what = if outlook.profit.is_some() {
        "profit"
    } else {
        "revenue"
    };
    let caution = if gain.difference.low < 0.0 {
        ": the history does not rule out a loss"
    } else {
        ""
    };
    Some(format!(
        "the {} split against the {}' split: {} {currency} of {what} (90% interval {} to {}), \
         more in {:.0}% of the posterior draws{caution}",
        outlook.split,
        gain.over,
        signed(gain.difference.mean),
        signed(gain.difference.low),
        signed(gain.difference.high),
        100.0 * gain.probability_higher
    ))
}

/// The action list as printed first by `recommend`: a heading line, then one numbered action
/// a line (see [`super::actions`]).
pub fn action_list(recommendation: &Recommendation) -> String {
    let r = recommendation;
    let mut text = format!("What to do on {} ({}):\n", r.date, r.account);
    for (k, action) in r.actions.iter().enumerate() {
        text.push_str(&wrap(
            &format!("{}. {}", k + 1, action.text()),
            TABLE_WIDTH,
            "  ",
        ));
    }
    text
}

/// Decimals of the spends `recommend` prints under a daily budget of `budget`: whole currency
/// units for budgets of a thousand or more a day, where cents tell nothing; cents below.
pub fn spend_decimals(budget: f64) -> usize {
    if budget >= 1000.0 { 0 } else { 2 }
}

/// The table printed by `recommend`: first the action list, then the channels ranked by
/// recommended spend, each with its 90% interval, the change from the last day and the
/// marginal returns; then the outlooks and the notes.
pub fn table(recommendation: &Recommendation) -> String {
    let r = recommendation;
    let mut text = action_list(r);
    text.push('\n');
    let heading = format!(
        "{}: split for {} of {} {} ({} objective), from {} days of history ({} to {})",
        r.account,
        r.date,
        money(r.daily_budget),
        r.currency,
        r.objective,
        r.history_days,
        r.first_date,
        r.last_date,
    );
    text.push_str(&wrap(&heading, TABLE_WIDTH, ""));
    let policy = format!("policy {}: {}", r.policy, r.policy_choice.reason);
    text.push_str(&wrap(&policy, TABLE_WIDTH, ""));
    let reads = format!(
        "the split reads: {}{}",
        r.posterior,
        if r.policy_choice.named {
            ""
        } else {
            " (the best reader of a long history; the learner above gives the explore column)"
        }
    );
    text.push_str(&wrap(&reads, TABLE_WIDTH, ""));
    let amount = |x: f64| thousands(x, spend_decimals(r.daily_budget));
    let mut cells: Vec<Vec<String>> = vec![
        [
            "channel",
            "current",
            "recommended",
            "change",
            "90% optimal interval",
            "explore",
            "mROAS now→rec",
            "limited by",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut order: Vec<usize> = (0..r.channels.len()).collect();
    order.sort_by(|&a, &b| {
        r.channels[b]
            .recommended_spend
            .total_cmp(&r.channels[a].recommended_spend)
    });
    for i in order {
        let c = &r.channels[i];
        let change = c.recommended_spend - c.current_spend;
        let marker = if c.frozen {
            " (frozen)"
        } else if !c.saturation_known {
            " *"
        } else {
            ""
        };
        cells.push(vec![
            c.channel.clone(),
            amount(c.current_spend),
            amount(c.recommended_spend),
            with_sign(change, amount(change)),
            format!("{} – {}", amount(c.spend_low), amount(c.spend_high)),
            amount(c.explore_spend),
            format!(
                "{}→{}",
                thousands(c.marginal_roas_current, 2),
                thousands(c.marginal_roas_recommended, 2)
            ),
            format!("{}{marker}", c.limit_label()),
        ]);
    }
    // The channel's name is the key column; the figures are right-aligned, the limit (words)
    // left-aligned.
    let last = cells[0].len() - 1;
    text.push_str(&in_blocks(&cells, 1, &[0, last], TABLE_WIDTH));
    let _ = writeln!(text, "  expected tomorrow (mean, 90% interval):");
    for outlook in &r.outlook {
        let _ = writeln!(text, "{}", outlook_line(outlook, &r.currency));
    }
    if let Some(line) = r.outlook.first().and_then(|o| gain_line(o, &r.currency)) {
        text.push_str(&wrap(&line, TABLE_WIDTH, "  "));
    }
    for c in r
        .channels
        .iter()
        .filter(|c| (!c.saturation_known && !c.frozen) || c.beyond_history)
    {
        text.push_str(&wrap(
            &format!("* {}: {}", c.channel, c.note),
            TABLE_WIDTH,
            "  ",
        ));
    }
    for warning in &r.warnings {
        text.push_str(&wrap(&format!("note: {warning}"), TABLE_WIDTH, "  "));
    }
    if let (Some(first), Some(last)) = (r.plan.first(), r.plan.last()) {
        let total: f64 = r.plan.iter().map(|d| d.total).sum();
        let _ = writeln!(
            text,
            "  plan: {} days from {} to {} spend {} {} in total (plan.csv)",
            r.plan.len(),
            first.date,
            last.date,
            money(total),
            r.currency
        );
    }
    text
}

/// `plan.csv`: one row per planned day and channel, `date,channel,spend`, in the history's
/// default columns (the spends of `recommend --days N`, in cents).
pub fn plan_csv(recommendation: &Recommendation) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut write = |row: [String; 3]| {
        writer
            .write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
            .expect("writing CSV into memory cannot fail");
    };
    write(["date".into(), "channel".into(), "spend".into()]);
    for day in &recommendation.plan {
        for (channel, spend) in recommendation.channels.iter().zip(&day.spend) {
            write([day.date.clone(), channel.channel.clone(), cents(*spend)]);
        }
    }
    writer
        .into_inner()
        .expect("flushing CSV into memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::Gain;

    fn outlook(low: f64, mean: f64, high: f64) -> Outlook {
        let estimate = Estimate {
            mean: 1000.0,
            low: 900.0,
            high: 1100.0,
        };
        Outlook {
            split: "recommended".into(),
            spend: 500.0,
            revenue: estimate,
            roas: estimate,
            profit: None,
            spend_per_channel: vec![250.0, 250.0],
            gain: Some(Gain {
                over: "last 7 days".into(),
                difference: Estimate { mean, low, high },
                probability_higher: 0.874,
            }),
        }
    }

    /// The gain reads with its signs, and warns where its interval reaches below zero.
    #[test]
    fn a_gain_reads_with_its_signs_and_a_possible_loss_is_said() {
        let uncertain = gain_line(&outlook(-200.0, 1234.0, 2600.0), "NOK").unwrap();
        assert_eq!(
            uncertain,
            "the recommended split against the last 7 days' split: +1,234 NOK of revenue (90% \
             interval -200 to +2,600), more in 87% of the posterior draws: the history does not \
             rule out a loss"
        );
        let sure = gain_line(&outlook(150.0, 1234.0, 2600.0), "NOK").unwrap();
        assert!(
            sure.ends_with("more in 87% of the posterior draws"),
            "{sure}"
        );
        let mut none = outlook(0.0, 0.0, 0.0);
        none.gain = None;
        assert_eq!(gain_line(&none, "NOK"), None);
    }
}
