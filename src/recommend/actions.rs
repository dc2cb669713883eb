//! What to do tomorrow, as a short list a strategist can act on: the recommended split read as
//! changes to the last day's, in whole currency units.
//!
//! **The rule.** Every figure is in whole currency units: the last day's spends and the
//! recommended spends are each rounded by largest remainder, so that each split's rounded
//! spends add up to its rounded total, and a channel's change is `Δ_i = recommended_i −
//! current_i` in those units. A change smaller than the threshold `τ = max(round(s B), 1)`,
//! with `s` = [`SHARE`] (1%) and `B` the daily budget (100 of a budget of 10,000), is left
//! out: such a channel gets no action and takes part in no move. Then, in this order:
//!
//! 1. **Total.** Where the recommended total differs from the last day's by `τ` or more:
//!    "Raise the total from 9,000 to 10,000 NOK/day" (or "Lower").
//! 2. **Pause / start.** A channel recommended 0 that spent on the last day, with where its
//!    money goes: "Pause native (200 NOK/day): move it to b2b-leads", "Pause competitors
//!    (2,000 NOK/day): move 1,500 to snapchat, 500 to brand", "…: cut 300 from the total"; a
//!    channel that spent nothing and is recommended some, with where its money comes from:
//!    "Start snapchat at 1,500 NOK/day, from competitors", "Start tiktok at 500 NOK/day: 300
//!    from search, 200 from the raised total".
//! 3. **Transfers**, largest first. Decreases are paired with increases greedily: the largest
//!    remaining decrease gives to the largest remaining increase as much as both have left,
//!    until one side is used up. A change of the total takes part as one more side: a raise
//!    gives to the increases ("Add 600 NOK/day to brand"), a cut takes from the decreases
//!    ("Cut 400 NOK/day from display"); between two channels it is a move ("Move 1,100 NOK/day
//!    from competitors to brand"). A transfer from a paused channel or to a started one is
//!    said in its pause or start (and in both, where it goes from one to the other), not again
//!    as an action of its own: "Pause native" followed by "Move 200 NOK/day from native to
//!    b2b-leads" read as two changes of the same money.
//!
//! So the transfers add up exactly to every listed channel's change and to the change of the
//! total; what a left-out channel takes or gives (less than `τ` each) is the only amount by
//! which the transfers of a listed channel can fall short of its change. Where nothing is
//! left, the list is one action: "Keep the split as it is".

use crate::output::table::thousands;
use serde::Serialize;

/// A change smaller than this share of the daily budget (and than one currency unit) is left
/// out of the action list.
pub const SHARE: f64 = 0.01;

/// One thing to do tomorrow. Amounts are whole currency units a day; `text` is the sentence
/// the table and the report print.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// Nothing changes by the threshold or more.
    Keep {
        /// The threshold: the least change that is listed.
        threshold: f64,
        /// "Keep the split as it is …".
        text: String,
    },
    /// The total daily spend changes.
    Total {
        /// The last day's total.
        from: f64,
        /// The recommended total.
        to: f64,
        /// "Raise the total from 9,000 to 10,000 NOK/day".
        text: String,
    },
    /// A channel that spent on the last day is recommended nothing.
    Pause {
        /// The channel.
        channel: String,
        /// Its last day's spend.
        from: f64,
        /// Where its money goes, largest first.
        moves: Vec<Part>,
        /// "Pause native (200 NOK/day): move it to b2b-leads".
        text: String,
    },
    /// A channel that spent nothing on the last day is recommended some.
    Start {
        /// The channel.
        channel: String,
        /// Its recommended spend.
        to: f64,
        /// Where its money comes from, largest first.
        moves: Vec<Part>,
        /// "Start tiktok at 500 NOK/day, from search".
        text: String,
    },
    /// Money moves from one channel to another.
    Move {
        /// The channel that gives.
        from: String,
        /// The channel that takes.
        to: String,
        /// How much a day.
        amount: f64,
        /// "Move 1,100 NOK/day from competitors to brand".
        text: String,
    },
    /// A channel gets part of a raised total.
    Add {
        /// The channel.
        channel: String,
        /// How much a day.
        amount: f64,
        /// "Add 600 NOK/day to brand".
        text: String,
    },
    /// A channel gives up part of a lowered total.
    Cut {
        /// The channel.
        channel: String,
        /// How much a day.
        amount: f64,
        /// "Cut 400 NOK/day from display".
        text: String,
    },
    /// A test budget for a channel the history cannot judge (see
    /// [`super::test_plan`]).
    Test {
        /// The channel.
        channel: String,
        /// Its low spend, on the first, third, … day.
        low: f64,
        /// Its high spend, on the other days.
        high: f64,
        /// Days of the test.
        days: usize,
        /// Expected revenue given up over the test.
        cost: f64,
        /// "Test meta at 500 / 1,500 NOK/day on alternate days for 14 days …".
        text: String,
    },
}

/// One share of a paused channel's money (where it goes) or of a started one's (where it
/// comes from).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// The other channel; `None` (`null` in JSON) for the total, lowered by a pause's share or
    /// raised by a start's.
    pub channel: Option<String>,
    /// How much a day, in whole units.
    pub amount: f64,
}

impl Action {
    /// The sentence to print.
    pub fn text(&self) -> &str {
        match self {
            Action::Keep { text, .. }
            | Action::Total { text, .. }
            | Action::Pause { text, .. }
            | Action::Start { text, .. }
            | Action::Move { text, .. }
            | Action::Add { text, .. }
            | Action::Cut { text, .. }
            | Action::Test { text, .. } => text,
        }
    }
}

/// The least change listed for a daily budget of `budget`, in whole units (see the module
/// docs).
pub fn threshold(budget: f64) -> i64 {
    ((SHARE * budget).round() as i64).max(1)
}

/// `values` in whole units by largest remainder: each rounded down, then the units still
/// missing to the rounded total go to the largest remainders (ties to the first).
pub fn whole_units(values: &[f64]) -> Vec<i64> {
    let values: Vec<f64> = values
        .iter()
        .map(|v| if v.is_finite() { v.max(0.0) } else { 0.0 })
        .collect();
    let mut units: Vec<i64> = values.iter().map(|v| v.floor() as i64).collect();
    let total = values.iter().sum::<f64>().round() as i64;
    let missing = (total - units.iter().sum::<i64>()).max(0) as usize;
    let mut order: Vec<usize> = (0..values.len()).collect();
    let remainder = |i: usize| values[i] - values[i].floor();
    order.sort_by(|&a, &b| remainder(b).total_cmp(&remainder(a)).then(a.cmp(&b)));
    for &i in order.iter().take(missing) {
        units[i] += 1;
    }
    units
}

/// The action list that takes the last day's split `current` to `recommended` (spends per
/// channel in the order of `channels`) under a daily budget of `budget` (see the module docs).
pub fn actions(
    channels: &[&str],
    current: &[f64],
    recommended: &[f64],
    budget: f64,
    currency: &str,
) -> Vec<Action> {
    let amount = |units: i64| format!("{} {currency}/day", thousands(units as f64, 0));
    let threshold = threshold(budget);
    let (now, then) = (whole_units(current), whole_units(recommended));
    let change: Vec<i64> = now.iter().zip(&then).map(|(n, t)| t - n).collect();
    let listed: Vec<bool> = change.iter().map(|c| c.abs() >= threshold).collect();
    let (total_now, total_then) = (now.iter().sum::<i64>(), then.iter().sum::<i64>());
    let total_change = total_then - total_now;
    let total_listed = total_change.abs() >= threshold;
    let mut list = Vec::new();
    if total_listed {
        let verb = if total_change > 0 { "Raise" } else { "Lower" };
        list.push(Action::Total {
            from: total_now as f64,
            to: total_then as f64,
            text: format!(
                "{verb} the total from {} to {}",
                thousands(total_now as f64, 0),
                amount(total_then)
            ),
        });
    }
    // Sides of the pairing: `None` is the total, which gives what it is raised by and takes
    // what it is lowered by.
    let mut givers: Vec<(Option<usize>, i64)> = Vec::new();
    let mut takers: Vec<(Option<usize>, i64)> = Vec::new();
    for (i, &c) in change.iter().enumerate().filter(|&(i, _)| listed[i]) {
        if c < 0 {
            givers.push((Some(i), -c));
        } else {
            takers.push((Some(i), c));
        }
    }
    if total_listed {
        if total_change > 0 {
            givers.push((None, total_change));
        } else {
            takers.push((None, -total_change));
        }
    }
    let mut transfers: Vec<(Option<usize>, Option<usize>, i64)> = Vec::new();
    loop {
        // Largest remaining on each side, ties to the channel first in account order (the
        // total after the channels).
        let largest = |side: &[(Option<usize>, i64)]| {
            side.iter()
                .enumerate()
                .filter(|(_, s)| s.1 > 0)
                .max_by(|(a, x), (b, y)| {
                    x.1.cmp(&y.1)
                        .then(y.0.unwrap_or(usize::MAX).cmp(&x.0.unwrap_or(usize::MAX)))
                        .then(b.cmp(a))
                })
                .map(|(k, _)| k)
        };
        let (Some(g), Some(t)) = (largest(&givers), largest(&takers)) else {
            break;
        };
        let moved = givers[g].1.min(takers[t].1);
        givers[g].1 -= moved;
        takers[t].1 -= moved;
        transfers.push((givers[g].0, takers[t].0, moved));
    }
    transfers.sort_by_key(|t| std::cmp::Reverse(t.2));
    let paused = |i: usize| listed[i] && then[i] == 0;
    let started = |i: usize| listed[i] && now[i] == 0;
    // The other side of every transfer `i` takes part in as giver (`gives`) or taker.
    let parts = |i: usize, gives: bool| -> Vec<Part> {
        transfers
            .iter()
            .filter(|t| {
                if gives {
                    t.0 == Some(i)
                } else {
                    t.1 == Some(i)
                }
            })
            .map(|t| Part {
                channel: (if gives { t.1 } else { t.0 }).map(|c| channels[c].to_owned()),
                amount: t.2 as f64,
            })
            .collect()
    };
    for (i, name) in channels.iter().enumerate().filter(|&(i, _)| paused(i)) {
        let moves = parts(i, true);
        list.push(Action::Pause {
            channel: (*name).to_owned(),
            from: now[i] as f64,
            text: pause_text(name, now[i], &moves, &amount),
            moves,
        });
    }
    for (i, name) in channels.iter().enumerate().filter(|&(i, _)| started(i)) {
        let moves = parts(i, false);
        list.push(Action::Start {
            channel: (*name).to_owned(),
            to: then[i] as f64,
            text: start_text(name, then[i], &moves, &amount),
            moves,
        });
    }
    let said = |c: Option<usize>| c.is_some_and(|c| paused(c) || started(c));
    for (from, to, units) in transfers.into_iter().filter(|t| !said(t.0) && !said(t.1)) {
        list.push(match (from, to) {
            (Some(f), Some(t)) => Action::Move {
                from: channels[f].to_owned(),
                to: channels[t].to_owned(),
                amount: units as f64,
                text: format!(
                    "Move {} from {} to {}",
                    amount(units),
                    channels[f],
                    channels[t]
                ),
            },
            (None, Some(t)) => Action::Add {
                channel: channels[t].to_owned(),
                amount: units as f64,
                text: format!("Add {} to {}", amount(units), channels[t]),
            },
            (Some(f), None) => Action::Cut {
                channel: channels[f].to_owned(),
                amount: units as f64,
                text: format!("Cut {} from {}", amount(units), channels[f]),
            },
            (None, None) => unreachable!("the total is on one side only"),
        });
    }
    if list.is_empty() {
        list.push(Action::Keep {
            threshold: threshold as f64,
            text: format!(
                "Keep the split as it is: no channel changes by {} or more",
                amount(threshold)
            ),
        });
    }
    list
}

/// "Pause native (200 NOK/day): move it to b2b-leads", "…: move 1,500 to snapchat, 500 to
/// brand", "…: cut 300 from the total"; "Pause native (was 200 NOK/day)" where its money moves
/// by less than the threshold to each channel.
fn pause_text(name: &str, from: i64, moves: &[Part], amount: &dyn Fn(i64) -> String) -> String {
    let head = format!("Pause {name} ({})", amount(from));
    let whole = moves.len() == 1 && moves[0].amount as i64 == from;
    match moves {
        [] => format!("Pause {name} (was {})", amount(from)),
        [
            Part {
                channel: Some(to), ..
            },
        ] if whole => format!("{head}: move it to {to}"),
        [Part { channel: None, .. }] if whole => format!("{head}: cut it from the total"),
        _ => {
            let mut verb = "move ";
            let parts: Vec<String> = moves
                .iter()
                .map(|p| match &p.channel {
                    Some(to) => {
                        let part = format!("{verb}{} to {to}", thousands(p.amount, 0));
                        verb = "";
                        part
                    }
                    None => format!("cut {} from the total", thousands(p.amount, 0)),
                })
                .collect();
            format!("{head}: {}", parts.join(", "))
        }
    }
}

/// "Start snapchat at 1,500 NOK/day, from competitors", "Start tiktok at 500 NOK/day: 300
/// from search, 200 from the raised total"; "Start tiktok at 500 NOK/day" where its money
/// comes by less than the threshold from each channel.
fn start_text(name: &str, to: i64, moves: &[Part], amount: &dyn Fn(i64) -> String) -> String {
    let head = format!("Start {name} at {}", amount(to));
    let source = |p: &Part| match &p.channel {
        Some(from) => from.clone(),
        None => "the raised total".to_owned(),
    };
    match moves {
        [] => head,
        [part] if part.amount as i64 == to => format!("{head}, from {}", source(part)),
        _ => {
            let parts: Vec<String> = moves
                .iter()
                .map(|p| format!("{} from {}", thousands(p.amount, 0), source(p)))
                .collect();
            format!("{head}: {}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 5] = ["brand", "competitors", "meta", "snapchat", "tiktok"];

    fn list(current: &[f64], recommended: &[f64], budget: f64) -> Vec<Action> {
        actions(&NAMES[..current.len()], current, recommended, budget, "NOK")
    }

    fn texts(actions: &[Action]) -> Vec<&str> {
        actions.iter().map(Action::text).collect()
    }

    /// Per channel, what the transfers give (negative) and take, and what the total changes
    /// by through them.
    fn transferred(actions: &[Action]) -> (Vec<i64>, i64) {
        let mut per_channel = vec![0; NAMES.len()];
        let mut total = 0;
        let index = |name: &str| NAMES.iter().position(|n| *n == name).unwrap();
        for action in actions {
            match action {
                Action::Move {
                    from, to, amount, ..
                } => {
                    per_channel[index(from)] -= *amount as i64;
                    per_channel[index(to)] += *amount as i64;
                }
                Action::Add {
                    channel, amount, ..
                } => {
                    per_channel[index(channel)] += *amount as i64;
                    total += *amount as i64;
                }
                Action::Cut {
                    channel, amount, ..
                } => {
                    per_channel[index(channel)] -= *amount as i64;
                    total -= *amount as i64;
                }
                Action::Pause { channel, moves, .. } => {
                    for part in moves {
                        per_channel[index(channel)] -= part.amount as i64;
                        match &part.channel {
                            Some(to) => per_channel[index(to)] += part.amount as i64,
                            None => total -= part.amount as i64,
                        }
                    }
                }
                Action::Start { channel, moves, .. } => {
                    // A move from a paused channel is counted with its pause.
                    let paused = |name: &str| {
                        actions
                            .iter()
                            .any(|a| matches!(a, Action::Pause { channel, .. } if channel == name))
                    };
                    for part in moves {
                        match &part.channel {
                            Some(from) if paused(from) => {}
                            Some(from) => {
                                per_channel[index(from)] -= part.amount as i64;
                                per_channel[index(channel)] += part.amount as i64;
                            }
                            None => {
                                per_channel[index(channel)] += part.amount as i64;
                                total += part.amount as i64;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        (per_channel, total)
    }

    #[test]
    fn moves_pair_the_largest_decrease_with_the_largest_increase() {
        let actions = list(
            &[3000.0, 3000.0, 2000.0, 1000.0, 1000.0],
            &[4100.0, 1900.0, 2600.0, 1000.0, 400.0],
            10_000.0,
        );
        assert_eq!(
            texts(&actions),
            [
                "Move 1,100 NOK/day from competitors to brand",
                "Move 600 NOK/day from tiktok to meta",
            ]
        );
        assert_eq!(
            actions[0],
            Action::Move {
                from: "competitors".into(),
                to: "brand".into(),
                amount: 1100.0,
                text: "Move 1,100 NOK/day from competitors to brand".into(),
            }
        );
    }

    #[test]
    fn moves_add_up_exactly_to_the_changes_in_whole_units() {
        // Spends with cents and optimiser dust; each split sums to the budget.
        let current = [3333.33, 3333.33, 3333.34, 0.0, 0.0];
        let recommended = [
            5123.456,
            0.000_000_000_000_607_250_784_6,
            2210.211,
            894.456_587_6,
            1_771.876_412_4 - 0.000_000_000_000_607_250_784_6,
        ];
        let actions = list(&current, &recommended, 10_000.0);
        let (now, then) = (whole_units(&current), whole_units(&recommended));
        assert_eq!(now.iter().sum::<i64>(), 10_000);
        assert_eq!(then.iter().sum::<i64>(), 10_000);
        let (moved, total) = transferred(&actions);
        let change: Vec<i64> = now.iter().zip(&then).map(|(n, t)| t - n).collect();
        assert_eq!(moved, change, "{:#?}", texts(&actions));
        assert_eq!(total, 0);
        assert!(
            actions.iter().all(|a| !matches!(a, Action::Total { .. })),
            "the total does not change"
        );
    }

    #[test]
    fn a_channel_recommended_nothing_is_paused_and_one_that_spent_nothing_is_started() {
        let actions = list(
            &[5000.0, 2000.0, 3000.0, 0.0],
            &[5500.0, 0.0, 3000.0, 1500.0],
            10_000.0,
        );
        assert_eq!(
            texts(&actions),
            [
                "Pause competitors (2,000 NOK/day): move 1,500 to snapchat, 500 to brand",
                "Start snapchat at 1,500 NOK/day, from competitors",
            ]
        );
        let (moved, total) = transferred(&actions);
        assert_eq!(moved[..4], [500, -2000, 0, 1500], "each move counted once");
        assert_eq!(total, 0);
        assert!(matches!(
            &actions[1],
            Action::Start { channel, to, .. } if channel == "snapchat" && *to == 1500.0
        ));
        assert!(matches!(
            &actions[0],
            Action::Pause { channel, from, moves, .. }
                if channel == "competitors" && *from == 2000.0 && moves.len() == 2
        ));
    }

    #[test]
    fn a_pause_or_start_says_where_its_money_goes_or_comes_from() {
        // All of a paused channel's money to one channel.
        let actions = list(&[5000.0, 1000.0, 4000.0], &[6000.0, 0.0, 4000.0], 10_000.0);
        assert_eq!(
            texts(&actions),
            ["Pause competitors (1,000 NOK/day): move it to brand"]
        );
        // A pause within a lowered total, and a start out of a raised one.
        let actions = list(&[5000.0, 1000.0, 4000.0], &[5000.0, 0.0, 4000.0], 9_000.0);
        assert_eq!(
            texts(&actions),
            [
                "Lower the total from 10,000 to 9,000 NOK/day",
                "Pause competitors (1,000 NOK/day): cut it from the total",
            ]
        );
        let actions = list(
            &[6000.0, 3000.0, 0.0, 0.0],
            &[5700.0, 3000.0, 0.0, 1300.0],
            10_000.0,
        );
        assert_eq!(
            texts(&actions),
            [
                "Raise the total from 9,000 to 10,000 NOK/day",
                "Start snapchat at 1,300 NOK/day: 1,000 from the raised total, 300 from brand",
            ]
        );
        let (moved, total) = transferred(&actions);
        assert_eq!(moved[..4], [-300, 0, 0, 1300]);
        assert_eq!(total, 1000);
        // Money that moves to a channel by less than the threshold is not a destination.
        let actions = list(&[5000.0, 150.0, 4850.0], &[5080.0, 0.0, 4920.0], 10_000.0);
        assert_eq!(texts(&actions), ["Pause competitors (was 150 NOK/day)"]);
    }

    #[test]
    fn changes_below_the_threshold_are_left_out() {
        assert_eq!(threshold(10_000.0), 100);
        assert_eq!(threshold(50.0), 1, "never below one unit");
        // Meta moves by 99 (below 1% of 10,000): no action names it.
        let actions = list(
            &[5000.0, 3000.0, 2000.0],
            &[5601.0, 2300.0, 2099.0],
            10_000.0,
        );
        assert_eq!(
            texts(&actions),
            ["Move 601 NOK/day from competitors to brand"],
            "competitors gives 700, of which the 99 meta takes is left out"
        );
        assert!(texts(&actions).iter().all(|t| !t.contains("meta")));
        // Only dust and small moves: keep.
        let actions = list(
            &[5000.0, 3000.0, 2000.0],
            &[5099.4, 2900.6, 2000.0],
            10_000.0,
        );
        assert_eq!(
            actions,
            [Action::Keep {
                threshold: 100.0,
                text: "Keep the split as it is: no channel changes by 100 NOK/day or more".into(),
            }]
        );
        // A change of exactly the threshold is listed.
        let actions = list(&[5000.0, 5000.0], &[5100.0, 4900.0], 10_000.0);
        assert_eq!(
            texts(&actions),
            ["Move 100 NOK/day from competitors to brand"]
        );
    }

    #[test]
    fn a_changed_total_is_said_first_and_its_money_placed() {
        let actions = list(
            &[4000.0, 3000.0, 2000.0],
            &[4600.0, 2500.0, 2900.0],
            10_000.0,
        );
        assert_eq!(
            texts(&actions),
            [
                "Raise the total from 9,000 to 10,000 NOK/day",
                "Add 900 NOK/day to meta",
                "Move 500 NOK/day from competitors to brand",
                "Add 100 NOK/day to brand",
            ]
        );
        let (moved, total) = transferred(&actions);
        assert_eq!(moved[..3], [600, -500, 900]);
        assert_eq!(total, 1000);
        assert!(matches!(
            actions[0],
            Action::Total { from, to, .. } if from == 9000.0 && to == 10_000.0
        ));

        let actions = list(
            &[4000.0, 3000.0, 3000.0],
            &[4000.0, 2000.0, 3000.0],
            9_000.0,
        );
        assert_eq!(
            texts(&actions),
            [
                "Lower the total from 10,000 to 9,000 NOK/day",
                "Cut 1,000 NOK/day from competitors",
            ]
        );
        // A total that moves by less than the threshold is not an action.
        let actions = list(
            &[4000.0, 3000.0, 2950.0],
            &[4000.0, 3000.0, 3000.0],
            10_000.0,
        );
        assert!(matches!(actions[..], [Action::Keep { .. }]));
    }

    #[test]
    fn whole_units_keep_the_total() {
        assert_eq!(whole_units(&[0.4, 0.4, 0.2]), [1, 0, 0]);
        assert_eq!(whole_units(&[1.5, 2.5, 3.0]), [2, 2, 3]);
        assert_eq!(whole_units(&[f64::NAN, -0.0, 7.0]), [0, 0, 7]);
        let spends = [7106.649, 258.980, 1423.913, 0.0, 1210.458];
        assert_eq!(whole_units(&spends).iter().sum::<i64>(), 10_000);
    }

    #[test]
    fn actions_serialise_with_their_kind_numbers_and_text() {
        let actions = list(&[5000.0, 0.0], &[4000.0, 1000.0], 10_000.0);
        let json = serde_json::to_value(&actions).unwrap();
        assert_eq!(json[0]["action"], "start");
        assert_eq!(json[0]["to"], 1000.0);
        assert_eq!(json[0]["moves"][0]["channel"], "brand");
        assert_eq!(json[0]["moves"][0]["amount"], 1000.0);
        assert_eq!(
            json[0]["text"],
            "Start competitors at 1,000 NOK/day, from brand"
        );
        let actions = list(
            &[5000.0, 3000.0, 2000.0],
            &[6100.0, 1900.0, 2000.0],
            10_000.0,
        );
        let json = serde_json::to_value(&actions).unwrap();
        assert_eq!(json[0]["action"], "move");
        assert_eq!(json[0]["from"], "competitors");
        assert_eq!(json[0]["amount"], 1100.0);
        assert_eq!(
            json[0]["text"],
            "Move 1,100 NOK/day from competitors to brand"
        );
        let actions = list(&[5000.0, 1000.0], &[5000.0, 0.0], 5_000.0);
        let json = serde_json::to_value(&actions).unwrap();
        assert_eq!(json[1]["action"], "pause");
        assert_eq!(json[1]["moves"][0]["channel"], serde_json::Value::Null);
    }
}
