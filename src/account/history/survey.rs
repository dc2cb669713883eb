//! What an ad platform's export holds, found without an account file: its header line and
//! delimiter, which column holds each figure, the platform that wrote it, and every campaign
//! with its totals. `budget-bandit init account --from EXPORT` writes an account file from it
//! ([`crate::init::from_export`]).
//!
//! **Columns.** The header is the first line (of the first 50 that are not blank) that has a
//! known header of the date and of the spend, read with the delimiter that finds the most
//! known headers. Each figure takes the first of its known headers ([`KNOWN_HEADERS`]) that
//! the file has, without regard to case: the names of the daily campaign reports of Google
//! Ads, Microsoft Advertising, Meta Ads Manager, LinkedIn Campaign Manager, TikTok Ads
//! Manager and Snapchat Ads Manager (English, and Google Ads' Nordic and German ones), and
//! budget-bandit's own. Meta's `Amount spent (NOK)` is found by its beginning.
//!
//! **Rows** are read exactly as [`super::parse_history`] reads them (numbers, dates, blanks,
//! total rows skipped), so a file the survey reads is a file `recommend` reads.

use std::collections::HashMap;

use super::columns::{Figure, Layout, fold};
use super::dates::DateOrder;
use super::numbers::Decimal;
use super::records::{Header, Source, decode, read_record, read_rows};
use super::rows::{Leniency, RowReader, file_date_order, file_decimal};
use super::{ChannelSpec, ColumnNames};
use crate::account::date::Date;
use crate::channel::Pricing;
use crate::error::ScenarioError;

/// Headers each figure has in platform exports, lowercase, the preferred first.
pub const KNOWN_HEADERS: [(&str, &[&str]); 8] = [
    (
        "date",
        &[
            "date",
            "day",
            "by day",
            "start date (in utc)",
            "start date",
            "start time",
            "gregorian date",
            "time period",
            "reporting starts",
            "date_start",
            "stat_time_day",
            "dag",
            "dato",
            "datum",
            "tag",
        ],
    ),
    (
        "channel",
        &[
            "channel",
            "campaign",
            "campaign name",
            "campaign_name",
            "kampanje",
            "kampagne",
            "kampanj",
            "kampagnenname",
        ],
    ),
    (
        "spend",
        &[
            "spend",
            "cost",
            "amount spent",
            "total spent",
            "spent",
            "kostnad",
            "kostnader",
            "omkostninger",
            "kosten",
        ],
    ),
    (
        "impressions",
        &[
            "impressions",
            "impr.",
            "impr",
            "paid impressions",
            "visn.",
            "visninger",
            "visningar",
            "impressionen",
            "impr. (gesamt)",
        ],
    ),
    (
        "clicks",
        &[
            "clicks",
            "link clicks",
            "clicks (destination)",
            "clicks (all)",
            "swipe ups",
            "klikk",
            "klik",
            "klick",
            "klicks",
        ],
    ),
    ("leads", &["leads", "lead", "leads (form)"]),
    (
        "conversions",
        &[
            "conversions",
            "conv.",
            "purchases",
            "website purchases",
            "results",
            "konverteringer",
            "konverteringar",
            "konv.",
            "conversions (all)",
            "all conv.",
        ],
    ),
    (
        "revenue",
        &[
            "revenue",
            "conv. value",
            "conversion value",
            "purchases conversion value",
            "total conversion value",
            "total purchase value",
            "purchases value",
            "purchase value",
            "website purchases conversion value",
            "konv.verdi",
            "konverteringsverdi",
            "konv.-wert",
            "all conv. value",
        ],
    ),
];

/// Headers known by their beginning, with the figure they hold (Meta writes the currency
/// after the spend's name).
const KNOWN_PREFIXES: [(&str, Figure); 3] = [
    ("amount spent (", Figure::Spend),
    ("cost (", Figure::Spend),
    ("purchases conversion value (", Figure::Revenue),
];

/// The ad platform that wrote an export, as its headers and title lines tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Google Ads.
    GoogleAds,
    /// Microsoft Advertising (Bing).
    MicrosoftAds,
    /// Meta Ads Manager (Facebook, Instagram).
    Meta,
    /// LinkedIn Campaign Manager.
    LinkedIn,
    /// TikTok Ads Manager.
    TikTok,
    /// Snapchat Ads Manager.
    Snapchat,
    /// budget-bandit's own columns, or a platform not recognised.
    Other,
}

impl Platform {
    /// Its name for people.
    pub fn label(self) -> &'static str {
        match self {
            Platform::GoogleAds => "Google Ads",
            Platform::MicrosoftAds => "Microsoft Advertising",
            Platform::Meta => "Meta Ads Manager",
            Platform::LinkedIn => "LinkedIn Campaign Manager",
            Platform::TikTok => "TikTok Ads Manager",
            Platform::Snapchat => "Snapchat Ads Manager",
            Platform::Other => "an export",
        }
    }

    /// The start of its channels' names (`google-search`).
    pub fn prefix(self) -> &'static str {
        match self {
            Platform::GoogleAds => "google",
            Platform::MicrosoftAds => "microsoft",
            Platform::Meta => "meta",
            Platform::LinkedIn => "linkedin",
            Platform::TikTok => "tiktok",
            Platform::Snapchat => "snapchat",
            Platform::Other => "",
        }
    }
}

/// One campaign of an export, with its totals over the history.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSurvey {
    /// Its name, as the export writes it.
    pub name: String,
    /// The platform's campaign type, where the export has a column for it (Google Ads'
    /// `Campaign type`).
    pub kind: Option<String>,
    /// Rows (days) of it.
    pub rows: usize,
    /// Money spent.
    pub spend: f64,
    /// Impressions, clicks and leads, where reported.
    pub impressions: f64,
    /// Clicks.
    pub clicks: f64,
    /// Leads.
    pub leads: f64,
    /// Conversions.
    pub conversions: f64,
    /// Revenue.
    pub revenue: f64,
    /// Whether its rows with spend report impressions, clicks and leads (most of them do):
    /// what its pricing can be.
    pub reports: Reports,
}

/// Which counts a campaign's rows with spend report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reports {
    /// Impressions.
    pub impressions: bool,
    /// Clicks.
    pub clicks: bool,
    /// Leads.
    pub leads: bool,
}

/// What an export holds (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSurvey {
    /// The platform that wrote it.
    pub platform: Platform,
    /// Its delimiter.
    pub delimiter: char,
    /// Its decimal separator, where its numbers show one.
    pub decimal: Option<char>,
    /// `day first` or `month first` where its dates are slashed and show which.
    pub date_order: Option<&'static str>,
    /// The header of each figure the export has, by `[columns]` key, in key order.
    pub columns: Vec<(&'static str, String)>,
    /// The currency, from a currency column or a header such as `Amount spent (NOK)`.
    pub currency: Option<String>,
    /// The first and last day.
    pub first_date: Date,
    /// The last day.
    pub last_date: Date,
    /// Total spend of each day, first to last.
    pub daily_spend: Vec<f64>,
    /// Every campaign, in the order the file first names them.
    pub campaigns: Vec<CampaignSurvey>,
    /// Total and summary rows skipped.
    pub summary_rows: usize,
}

impl ExportSurvey {
    /// The header of a figure, by its `[columns]` key, where the export has one.
    pub fn column(&self, key: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, h)| h.as_str())
    }
}

/// The figure a header names, if it is a known header.
fn known(header: &str) -> Option<Figure> {
    let folded = fold(header);
    KNOWN_HEADERS
        .iter()
        .zip(Figure::ALL)
        .find(|((_, names), _)| names.contains(&folded.as_str()))
        .map(|(_, figure)| figure)
        .or_else(|| {
            KNOWN_PREFIXES
                .iter()
                .find(|(prefix, _)| folded.starts_with(prefix))
                .map(|(_, figure)| *figure)
        })
}

/// The header line: the first with a known date and spend header, with the delimiter that
/// finds the most known headers.
fn find_export_header<'a>(source: &Source<'a>) -> Option<Header<'a>> {
    let text = source.text;
    let mut pos = 0;
    let mut lines = 0;
    while pos < text.len() && lines < 50 {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if !text[pos..line_end].trim().is_empty() {
            lines += 1;
            let mut best: Option<(usize, Header<'a>)> = None;
            for delimiter in [b',', b';', b'\t'] {
                let Ok((fields, next)) = read_record(text, pos, delimiter) else {
                    continue;
                };
                let figures: Vec<Figure> = fields.iter().filter_map(|f| known(&f.value)).collect();
                let score = figures.len();
                if figures.contains(&Figure::Date)
                    && figures.contains(&Figure::Spend)
                    && best.as_ref().is_none_or(|(s, _)| score > *s)
                {
                    best = Some((
                        score,
                        Header {
                            delimiter,
                            fields,
                            next,
                        },
                    ));
                }
            }
            if let Some((_, header)) = best {
                return Some(header);
            }
        }
        pos = line_end + 1;
    }
    None
}

/// The platform, from the header's names and the lines above it.
fn platform(above: &str, names: &[String]) -> Platform {
    let has = |name: &str| names.iter().any(|n| n == name);
    let starts = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    let above = above.to_lowercase();
    if has("swipe ups") || has("paid impressions") {
        Platform::Snapchat
    } else if has("start date (in utc)") || has("total spent") {
        Platform::LinkedIn
    } else if has("by day") || has("clicks (destination)") || has("total purchase value") {
        Platform::TikTok
    } else if starts("amount spent") || has("reporting starts") || has("link clicks") {
        Platform::Meta
    } else if above.contains("report name:") || has("gregorian date") || has("time period") {
        Platform::MicrosoftAds
    } else if has("impr.") || has("conv. value") || has("visn.") || has("konv.verdi") {
        Platform::GoogleAds
    } else {
        Platform::Other
    }
}

/// Surveys the export at `origin` from its bytes (UTF-8, or UTF-16 with a byte-order mark).
pub fn survey_export(origin: &str, bytes: &[u8]) -> Result<ExportSurvey, ScenarioError> {
    let text = decode(origin, bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let source = Source { origin, text };
    let Some(header) = find_export_header(&source) else {
        let known_dates = KNOWN_HEADERS[0].1.join("`, `");
        let known_spend = KNOWN_HEADERS[2].1.join("`, `");
        return Err(ScenarioError::whole_file(
            origin,
            format!(
                "has no header line with a known date and spend column among its first 50 \
                 lines: dates are found under `{known_dates}`, spend under `{known_spend}`; \
                 export a daily campaign report, or write the account file by hand \
                 (`budget-bandit init account`) with [columns] naming the file's headers"
            ),
        ));
    };
    let names: Vec<String> = header.fields.iter().map(|f| fold(&f.value)).collect();
    let mut index = [None; 8];
    let mut columns = ColumnNames::default();
    let mut found = Vec::new();
    for (figure, (key, headers)) in Figure::ALL.into_iter().zip(KNOWN_HEADERS) {
        let by_name = headers
            .iter()
            .find_map(|known| names.iter().position(|n| n == known));
        let by_prefix = || {
            KNOWN_PREFIXES
                .iter()
                .filter(|(_, f)| *f == figure)
                .find_map(|(prefix, _)| names.iter().position(|n| n.starts_with(prefix)))
        };
        if let Some(i) = by_name.or_else(by_prefix) {
            index[figure as usize] = Some(i);
            let header_text = header.fields[i].value.trim().to_owned();
            *figure.header_mut(&mut columns) = header_text.clone();
            found.push((key, header_text));
        }
    }
    let missing: Vec<&str> = [Figure::Channel, Figure::Conversions, Figure::Revenue]
        .into_iter()
        .filter(|f| index[*f as usize].is_none())
        .map(|f| f.key())
        .collect();
    if !missing.is_empty() {
        return Err(source.error(
            header.span(),
            1,
            format!(
                "the header has no known column for {}: the file's columns are {}; write the \
                 account file by hand (`budget-bandit init account`) with [columns] naming the \
                 file's headers",
                missing.join(", "),
                header
                    .fields
                    .iter()
                    .map(|f| format!("`{}`", f.value))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let layout = Layout::from_indices(index);
    let rows = read_rows(&source, header.next, header.delimiter)?;
    let decimal = file_decimal(&rows, &layout);
    let dates = file_date_order(&rows, &layout);
    let reader = RowReader {
        source: &source,
        layout: &layout,
        columns: &columns,
        decimal,
        dates,
    };
    let kind_column = names.iter().position(|n| {
        matches!(
            n.as_str(),
            "campaign type" | "advertising channel type" | "kampanjetype" | "kampagnentyp"
        )
    });
    let currency_column = names
        .iter()
        .position(|n| matches!(n.as_str(), "currency code" | "currency" | "valutakode"));
    let mut currency = names.iter().find_map(|n| {
        let inside = n.strip_suffix(')')?.rsplit_once('(')?.1;
        (inside.len() == 3 && inside.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| inside.to_uppercase())
    });
    let any = ChannelSpec {
        name: "",
        pricing: Pricing::Cpa,
    };
    let mut campaigns: Vec<CampaignSurvey> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut days: Vec<(Date, f64)> = Vec::new();
    let mut summary_rows = 0;
    let mut leniency = Leniency::default();
    // Per campaign: funded rows, and of them those reporting impressions, clicks and leads.
    let mut reported: Vec<[usize; 4]> = Vec::new();
    for row in &rows {
        if reader.is_summary(row) {
            summary_rows += 1;
            continue;
        }
        let (date_field, date_column) = reader.cell(row, Figure::Date)?;
        let date = reader.date(date_field, date_column)?;
        let (name_field, _) = reader.cell(row, Figure::Channel)?;
        let name = name_field.value.trim().to_owned();
        let figures = reader.figures(row, &any, &mut leniency)?;
        let cell = |column: Option<usize>| {
            column
                .and_then(|i| row.get(i))
                .map(|f| f.value.trim().to_owned())
                .filter(|v| !v.is_empty() && v != "--")
        };
        if currency.is_none() {
            currency = cell(currency_column)
                .filter(|c| c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic()));
        }
        let at = *by_name.entry(name.clone()).or_insert_with(|| {
            campaigns.push(CampaignSurvey {
                name,
                kind: cell(kind_column),
                rows: 0,
                spend: 0.0,
                impressions: 0.0,
                clicks: 0.0,
                leads: 0.0,
                conversions: 0.0,
                revenue: 0.0,
                reports: Reports::default(),
            });
            reported.push([0; 4]);
            campaigns.len() - 1
        });
        if figures.spend > 0.0 {
            let counts = &mut reported[at];
            counts[0] += 1;
            for (k, value) in [figures.impressions, figures.clicks, figures.leads]
                .into_iter()
                .enumerate()
            {
                counts[k + 1] += usize::from(value.is_some());
            }
        }
        let campaign = &mut campaigns[at];
        campaign.rows += 1;
        campaign.spend += figures.spend;
        campaign.impressions += figures.impressions.unwrap_or(0.0);
        campaign.clicks += figures.clicks.unwrap_or(0.0);
        campaign.leads += figures.leads.unwrap_or(0.0);
        campaign.conversions += figures.conversions;
        campaign.revenue += figures.revenue;
        days.push((date, figures.spend));
    }
    let (Some(first), Some(last)) = (
        days.iter().map(|d| d.0).min(),
        days.iter().map(|d| d.0).max(),
    ) else {
        return Err(source.error(
            header.span(),
            1,
            "has a header but no data rows: a daily campaign report has one row per day and \
             campaign under its header"
                .into(),
        ));
    };
    let span = (last.0 - first.0 + 1) as usize;
    if span > super::MAX_HISTORY_DAYS {
        return Err(ScenarioError::whole_file(
            origin,
            format!("spans {span} days, from {first} to {last}: is a date mistyped?"),
        ));
    }
    for (campaign, [funded, impressions, clicks, leads]) in campaigns.iter_mut().zip(reported) {
        let most = |n: usize| funded > 0 && 2 * n > funded;
        campaign.reports = Reports {
            impressions: most(impressions),
            clicks: most(clicks),
            leads: most(leads),
        };
    }
    let mut daily_spend = vec![0.0; span];
    for (date, spend) in days {
        daily_spend[(date.0 - first.0) as usize] += spend;
    }
    let above = &text[..header.fields.first().map_or(0, |f| f.span.start)];
    Ok(ExportSurvey {
        platform: platform(above, &names),
        delimiter: char::from(header.delimiter),
        decimal: decimal.map(|d| match d {
            Decimal::Point => '.',
            Decimal::Comma => ',',
        }),
        date_order: dates.map(|d| match d {
            DateOrder::DayFirst => "day first",
            DateOrder::MonthFirst => "month first",
        }),
        columns: found,
        currency,
        first_date: first,
        last_date: last,
        daily_spend,
        campaigns,
        summary_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_headers_are_listed_in_the_order_of_the_figures() {
        let keys: Vec<&str> = KNOWN_HEADERS.iter().map(|(key, _)| *key).collect();
        let figures: Vec<&str> = Figure::ALL.iter().map(|f| f.key()).collect();
        assert_eq!(keys, figures);
    }

    #[test]
    fn a_google_ads_report_is_surveyed() {
        let text = "Campaign report\n\"January 6, 2025 - January 7, 2025\"\n\
                    Day,Campaign,Campaign type,Currency code,Cost,Impr.,Clicks,Conversions,Conv. value\n\
                    2025-01-06,Brand,Search,NOK,\"1,200.00\",\"10,000\",300,12.00,\"9,000.00\"\n\
                    2025-01-06,PMax,Performance Max,NOK,800.00,\"20,000\",200,4.00,\"3,000.00\"\n\
                    2025-01-07,Brand,Search,NOK,\"1,000.00\",\"9,000\",250,10.00,\"8,000.00\"\n\
                    Total: Account,--,--,NOK,\"3,000.00\",\"39,000\",750,26.00,\"20,000.00\"\n";
        let survey = survey_export("g.csv", text.as_bytes()).unwrap();
        assert_eq!(survey.platform, Platform::GoogleAds);
        assert_eq!(survey.column("date"), Some("Day"));
        assert_eq!(survey.column("spend"), Some("Cost"));
        assert_eq!(survey.column("impressions"), Some("Impr."));
        assert_eq!(survey.column("revenue"), Some("Conv. value"));
        assert_eq!(survey.column("leads"), None);
        assert_eq!(survey.currency.as_deref(), Some("NOK"));
        assert_eq!(survey.summary_rows, 1);
        assert_eq!(survey.daily_spend, [2000.0, 1000.0]);
        assert_eq!(survey.campaigns.len(), 2);
        assert_eq!(survey.campaigns[0].name, "Brand");
        assert_eq!(survey.campaigns[0].spend, 2200.0);
        assert_eq!(survey.campaigns[1].kind.as_deref(), Some("Performance Max"));
    }

    #[test]
    fn metas_spend_is_found_by_its_beginning_and_its_currency_read() {
        let text = "\u{feff}Day,Campaign name,Amount spent (SEK),Impressions,Link clicks,\
                    Purchases,Purchases conversion value\n\
                    2025-01-06,Prospecting,100,5000,40,,\n";
        let survey = survey_export("m.csv", text.as_bytes()).unwrap();
        assert_eq!(survey.platform, Platform::Meta);
        assert_eq!(survey.column("spend"), Some("Amount spent (SEK)"));
        assert_eq!(survey.column("clicks"), Some("Link clicks"));
        assert_eq!(survey.currency.as_deref(), Some("SEK"));
    }

    #[test]
    fn a_file_without_known_headers_says_what_is_looked_for() {
        let error = survey_export("x.csv", b"when,what,money\n2025-01-06,a,1\n").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no header line with a known date"),
            "{error}"
        );
        let error = survey_export("x.csv", b"date,campaign,cost\n2025-01-06,a,1\n").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no known column for conversions, revenue"),
            "{error}"
        );
    }
}
