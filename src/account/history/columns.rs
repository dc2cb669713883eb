//! The columns of a history: the figures it reads, which of them the account needs, and
//! where the header has them (with a guess at an export's header for a missing one).

use super::records::{Header, Source};
use super::{ChannelSpec, ColumnNames, list};
use crate::channel::Pricing;
use crate::error::ScenarioError;

/// A column of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Figure {
    Date,
    Channel,
    Spend,
    Impressions,
    Clicks,
    Leads,
    Conversions,
    Revenue,
}

impl Figure {
    pub(super) const ALL: [Figure; 8] = [
        Figure::Date,
        Figure::Channel,
        Figure::Spend,
        Figure::Impressions,
        Figure::Clicks,
        Figure::Leads,
        Figure::Conversions,
        Figure::Revenue,
    ];

    /// The numeric columns.
    pub(super) const NUMBERS: [Figure; 6] = [
        Figure::Spend,
        Figure::Impressions,
        Figure::Clicks,
        Figure::Leads,
        Figure::Conversions,
        Figure::Revenue,
    ];

    /// Its key under `[columns]`.
    pub(super) fn key(self) -> &'static str {
        match self {
            Figure::Date => "date",
            Figure::Channel => "channel",
            Figure::Spend => "spend",
            Figure::Impressions => "impressions",
            Figure::Clicks => "clicks",
            Figure::Leads => "leads",
            Figure::Conversions => "conversions",
            Figure::Revenue => "revenue",
        }
    }

    /// The header the account gives it.
    pub(super) fn header(self, columns: &ColumnNames) -> &str {
        match self {
            Figure::Date => &columns.date,
            Figure::Channel => &columns.channel,
            Figure::Spend => &columns.spend,
            Figure::Impressions => &columns.impressions,
            Figure::Clicks => &columns.clicks,
            Figure::Leads => &columns.leads,
            Figure::Conversions => &columns.conversions,
            Figure::Revenue => &columns.revenue,
        }
    }

    /// The header the account gives it, to set.
    pub(super) fn header_mut(self, columns: &mut ColumnNames) -> &mut String {
        match self {
            Figure::Date => &mut columns.date,
            Figure::Channel => &mut columns.channel,
            Figure::Spend => &mut columns.spend,
            Figure::Impressions => &mut columns.impressions,
            Figure::Clicks => &mut columns.clicks,
            Figure::Leads => &mut columns.leads,
            Figure::Conversions => &mut columns.conversions,
            Figure::Revenue => &mut columns.revenue,
        }
    }

    /// What the column holds, for messages.
    pub(super) fn what(self) -> &'static str {
        match self {
            Figure::Date => "the day of each row, YYYY-MM-DD",
            Figure::Channel => "the campaign or channel of each row",
            Figure::Spend => "the money spent",
            Figure::Impressions => "the impressions served",
            Figure::Clicks => "the clicks",
            Figure::Leads => "the leads",
            Figure::Conversions => "the conversions",
            Figure::Revenue => "the revenue of the conversions",
        }
    }

    /// Headers platform exports give the column (lowercase), for the hint of a missing one.
    fn guesses(self) -> &'static [&'static str] {
        match self {
            Figure::Date => &["day", "date", "reporting starts", "date_start"],
            Figure::Channel => &["campaign", "campaign name", "channel", "source"],
            Figure::Spend => &["cost", "amount spent", "spend", "spent"],
            Figure::Impressions => &["impr.", "impressions", "impr"],
            Figure::Clicks => &["clicks", "link clicks", "clicks (all)"],
            Figure::Leads => &["leads", "lead"],
            Figure::Conversions => &["conversions", "conv.", "purchases", "results"],
            Figure::Revenue => &[
                "conv. value",
                "conversion value",
                "revenue",
                "purchase value",
                "purchases conversion value",
                "value",
            ],
        }
    }
}

/// Whether rows of a channel of this pricing need the count.
pub(super) fn pricing_needs(pricing: Pricing, figure: Figure) -> bool {
    matches!(
        (pricing, figure),
        (Pricing::Cpc | Pricing::Cpm, Figure::Clicks)
            | (Pricing::Cpm, Figure::Impressions)
            | (Pricing::Cpl, Figure::Leads)
    )
}

/// Why the account needs a column: always (`Some(None)`), for a channel's pricing, or not.
fn needed_by<'a>(
    figure: Figure,
    channels: &'a [ChannelSpec<'a>],
) -> Option<Option<&'a ChannelSpec<'a>>> {
    match figure {
        Figure::Impressions | Figure::Clicks | Figure::Leads => channels
            .iter()
            .find(|c| pricing_needs(c.pricing, figure))
            .map(Some),
        _ => Some(None),
    }
}

/// The field index of each column the file has.
pub(super) struct Layout {
    index: [Option<usize>; 8],
}

impl Layout {
    /// A layout of known field indices, by figure.
    pub(super) fn from_indices(index: [Option<usize>; 8]) -> Layout {
        Layout { index }
    }

    pub(super) fn get(&self, figure: Figure) -> Option<usize> {
        self.index[figure as usize]
    }

    /// Finds the columns in the header; a column the account needs and the header lacks is
    /// an error, as is a header that names a column twice.
    pub(super) fn resolve(
        source: &Source<'_>,
        header: &Header<'_>,
        columns: &ColumnNames,
        channels: &[ChannelSpec<'_>],
    ) -> Result<Layout, ScenarioError> {
        let names: Vec<&str> = header.fields.iter().map(|f| f.value.as_ref()).collect();
        let folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
        let mut index = [None; 8];
        let mut missing = Vec::new();
        for figure in Figure::ALL {
            let wanted = fold(figure.header(columns));
            let mut hits = folded
                .iter()
                .enumerate()
                .filter(|(_, name)| **name == wanted);
            match (hits.next(), hits.next()) {
                (Some((first, _)), None) => index[figure as usize] = Some(first),
                (Some((first, _)), Some((second, _))) => {
                    return Err(source.error(
                        header.fields[second].span.clone(),
                        second + 1,
                        format!(
                            "the header has two columns `{}` and `{}` (columns {} and {}): which \
                             holds {} is unclear; rename one of them in the file",
                            names[first],
                            names[second],
                            first + 1,
                            second + 1,
                            figure.what()
                        ),
                    ));
                }
                (None, _) => {
                    if needed_by(figure, channels).is_some() {
                        missing.push(figure);
                    }
                }
            }
        }
        if missing.is_empty() {
            return Ok(Layout { index });
        }
        let mut offered: Vec<&str> = index.iter().flatten().map(|&i| names[i]).collect();
        let items: Vec<String> = missing
            .iter()
            .map(|&figure| {
                let wanted = figure.header(columns);
                let key = figure.key();
                let why = match needed_by(figure, channels).flatten() {
                    Some(channel) => format!(
                        "{}, needed because channel '{}' is {}",
                        figure.what(),
                        channel.name,
                        channel.pricing.as_str()
                    ),
                    None => figure.what().to_owned(),
                };
                let hint = if let Some(guess) = guess_header(figure, &names, &offered) {
                    offered.push(guess);
                    format!("if the file's `{guess}` holds it, set `{key} = \"{guess}\"` under [columns]")
                } else {
                    format!("set `{key} = \"…\"` under [columns] to the file's header for it")
                };
                format!("  `{wanted}`: {why}; {hint}")
            })
            .collect();
        let (count, it) = if missing.len() == 1 {
            ("a column".to_owned(), "it")
        } else {
            (format!("{} columns", missing.len()), "them")
        };
        Err(source.error(
            header.span(),
            1,
            format!(
                "the header lacks {count} the account needs (a column is found by its header, \
                 case and spaces around it aside):\n{}\nthe file's columns are {}; \
                 `budget-bandit init account --from FILE` writes an account file that maps \
                 {it}",
                items.join("\n"),
                list(names.iter().map(|n| format!("`{n}`")))
            ),
        ))
    }
}

/// A header as columns are matched: spaces around it trimmed, without regard to case.
pub(super) fn fold(header: &str) -> String {
    header.trim().to_lowercase()
}

/// A header of the file that platform exports give the figure, not already taken.
fn guess_header<'a>(figure: Figure, names: &[&'a str], taken: &[&str]) -> Option<&'a str> {
    let free = |name: &&&'a str| !taken.contains(*name);
    let folded: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let pick = |matches: &dyn Fn(&str, &str) -> bool| {
        figure.guesses().iter().find_map(|guess| {
            names
                .iter()
                .zip(&folded)
                .find(|(name, low)| free(name) && matches(low, guess))
                .map(|(name, _)| *name)
        })
    };
    pick(&|low, guess| low == guess).or_else(|| pick(&|low, guess| low.contains(guess)))
}
