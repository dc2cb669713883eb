//! `report.html`: one self-contained page per scenario (no network, no scripts) with the
//! scenario, the ranked policy table, the per-channel KPIs and every chart inlined as SVG;
//! and `index.html`, which links the reports of a results folder. The building blocks
//! ([`head`], [`figure`], [`escape`]) serve the recommendation's page too
//! ([`crate::recommend::report`]).

use super::data::ReportData;
use crate::output::table::{money, thousands, with_sign};
use crate::stats::Interval;
use std::fmt::Write;

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;max-width:1240px;color:#222}\
table{border-collapse:collapse;margin:1em 0;font-size:14px;display:block;overflow-x:auto;max-width:100%}\
th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}td{white-space:nowrap}\
td.note{white-space:normal;min-width:16em;text-align:left}\
th:first-child,td:first-child,td.name{text-align:left}th{background:#f4f4f4}figure{margin:2em 0}\
figure svg{width:100%;height:auto}figcaption{color:#555;font-size:14px}.muted{color:#666}";

fn optional(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| thousands(v, decimals))
}

/// A chart to inline: its title, a one-sentence explanation and its SVG text.
pub struct InlineChart {
    /// Title, as drawn on the chart.
    pub title: String,
    /// What the chart shows, in a sentence.
    pub explanation: String,
    /// The SVG document.
    pub svg: String,
}

/// The start of a page, up to and with its `<body>` tag: the shared style sheet, `title`
/// (escaped here) and, when `generator`, the [`GENERATOR`] mark.
pub fn head(title: &str, generator: bool) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">{}<title>{}</title>\
         <style>{STYLE}</style></head><body>\n",
        if generator { GENERATOR } else { "" },
        escape(title)
    )
}

/// A chart as a `<figure>`: its SVG inline (without the XML declaration) and a caption of its
/// title and explanation.
pub fn figure(chart: &InlineChart) -> String {
    let svg = chart.svg.trim_start();
    let svg = svg
        .strip_prefix("<?xml")
        .map_or(svg, |rest| rest.split_once("?>").map_or(rest, |(_, s)| s));
    format!(
        "<figure>{}<figcaption><b>{}</b>. {}</figcaption></figure>",
        svg.trim(),
        escape(&chart.title),
        escape(&chart.explanation)
    )
}

/// The report page of one scenario.
pub fn report(data: &ReportData, charts: &[InlineChart]) -> String {
    let scenario = &data.scenario;
    let currency = escape(&scenario.currency);
    let mut page = head(&format!("{}: budget-bandit report", scenario.name), false);
    let _ = write!(
        page,
        "<h1>{name}</h1>\n<p>{description}</p>\n\
         <p class=\"muted\">{days} days × {budget} {currency} a day, {replications} replications per policy, \
         {allocation} allocation, seed {seed}. Intervals are 95% across replications.</p>\n",
        name = escape(&scenario.name),
        description = escape(&scenario.description),
        days = scenario.days,
        budget = money(scenario.daily_budget),
        replications = scenario.replications,
        allocation = escape(&scenario.allocation),
        seed = scenario.seed,
    );

    channel_table(&mut page, data);
    policy_table(&mut page, data);

    let _ = writeln!(
        page,
        "<h2>Channels under each policy</h2>\n<p class=\"muted\">Means over replications; ratios are ratios of the means. – marks a KPI the pricing model does not observe.</p>\n\
         <table><tr><th>policy</th><th>channel</th><th>share</th><th>spend</th><th>impressions</th><th>clicks</th><th>leads</th>\
         <th>conversions</th><th>revenue</th><th>CTR</th><th>CVR</th><th>CPC</th><th>CPL</th><th>CPA</th><th>ROAS</th></tr>"
    );
    for row in &data.channels {
        let rate =
            |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{:.2}%", 100.0 * v));
        let _ = writeln!(
            page,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td>{:.1}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.policy),
            escape(&row.channel),
            100.0 * row.share,
            money(row.spend),
            optional(row.impressions, 0),
            optional(row.clicks, 0),
            optional(row.leads, 1),
            thousands(row.conversions, 1),
            money(row.revenue),
            rate(row.ctr),
            rate(row.cvr),
            optional(row.cpc, 2),
            optional(row.cpl, 2),
            optional(row.cpa, 2),
            row.roas
                .map_or_else(|| "–".to_owned(), |r| format!("{r:.3}")),
        );
    }
    page += "</table>\n<h2>Charts</h2>\n";
    for chart in charts {
        let _ = writeln!(page, "{}", figure(chart));
    }
    page += "</body></html>\n";
    page
}

/// The mark in the head of the index page that says budget-bandit wrote it, so a run rewrites
/// an `index.html` only when it carries this (or starts like [`LEGACY_INDEX_START`]).
pub const GENERATOR: &str = "<meta name=\"generator\" content=\"budget-bandit\">";

/// How index pages written before [`GENERATOR`] was added begin.
pub const LEGACY_INDEX_START: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>budget-bandit results</title>";

/// What the channel table's oracle column describes, and a note on it when it needs one.
fn oracle_column(data: &ReportData) -> (&'static str, Option<&'static str>) {
    if !data.oracle_split_is_mean() {
        return (
            "oracle share on day 1",
            Some(
                "These results were written by an earlier version, which recorded the oracle's split of day 1 only.",
            ),
        );
    }
    if data.oracle.benchmark == "best-constant-split" {
        return (
            "oracle share (constant)",
            Some(
                "The oracle here is the best constant split over the horizon, with ad fatigue planned for: it rests the channels that the best split of each day on its own would wear out, and so earns more over the horizon.",
            ),
        );
    }
    if data.oracle.varies {
        (
            "oracle share, mean over the horizon",
            Some(
                "The oracle's split changes during the horizon (market shifts or weekdays): the column gives its mean over the days, and the budget-shift charts draw its split of each day.",
            ),
        )
    } else {
        ("oracle share (every day)", None)
    }
}

fn channel_table(page: &mut String, data: &ReportData) {
    let (oracle_header, oracle_note) = oracle_column(data);
    let _ = writeln!(
        page,
        "<h2>Channels</h2>\n<table><tr><th>channel</th><th>pricing</th><th>price</th><th>value</th><th>audience</th><th>{oracle_header}</th></tr>"
    );
    for (channel, oracle) in data.scenario.channels.iter().zip(&data.oracle.split) {
        let _ = writeln!(
            page,
            "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
            escape(&channel.name),
            escape(&channel.pricing),
            thousands(channel.price, 2),
            money(channel.value),
            optional(channel.audience, 0),
            100.0 * oracle.share
        );
    }
    page.push_str("</table>\n");
    if let Some(note) = oracle_note {
        let _ = writeln!(page, "<p class=\"muted\">{note}</p>");
    }
    let _ = writeln!(page, "<p>{}</p>", oracle_sentence(data));
}

/// What the oracle expects, in words: a ROAS only where it is revenue per money spent.
fn oracle_sentence(data: &ReportData) -> String {
    let oracle = &data.oracle;
    let currency = escape(&data.scenario.currency);
    let revenue = money(oracle.expected_daily_revenue);
    match oracle.expected_daily_spend {
        Some(spend) if data.oracle_roas_is_per_spend() => {
            let mut sentence = format!(
                "On average the oracle expects {revenue} {currency} of revenue a day from {} {currency} spent: a ROAS of {:.3} ({currency} of revenue per {currency} spent)",
                money(spend),
                oracle.expected_roas
            );
            if data.maximises_profit() {
                let _ = write!(
                    sentence,
                    ", and a profit of {} {currency} a day",
                    money(oracle.expected_daily_value.unwrap_or(f64::NAN))
                );
            }
            sentence + "."
        }
        _ => format!(
            "The oracle expects {revenue} {currency} of revenue a day: {:.3} {currency} of revenue per {currency} of budget.",
            oracle.expected_roas
        ),
    }
}

fn interval(value: &Interval, sign: bool) -> String {
    let number = |v: f64| {
        if sign {
            with_sign(v, money(v))
        } else {
            money(v)
        }
    };
    format!(
        "{} ({} – {})",
        number(value.mean),
        number(value.low),
        number(value.high)
    )
}

fn policy_table(page: &mut String, data: &ReportData) {
    let currency = escape(&data.scenario.currency);
    let profit = data.maximises_profit();
    let baseline = data.scenario.baseline.as_deref();
    let mut header = String::from("<tr><th>rank</th><th>policy</th>");
    if profit {
        let _ = write!(header, "<th>profit ({currency}, 95% interval)</th>");
    }
    let _ = write!(
        header,
        "<th>revenue ({currency})</th><th>95% interval</th><th>spend ({currency})</th><th>ROAS</th>\
         <th>CPA ({currency})</th><th>regret ({currency})</th><th>95% interval</th>"
    );
    if let Some(baseline) = baseline {
        let _ = write!(
            header,
            "<th>vs {} ({currency}, 95% interval)</th>",
            escape(baseline)
        );
    }
    let _ = writeln!(page, "<h2>Policies, best first</h2>\n<table>{header}</tr>");
    for row in &data.ranked {
        let mut line = format!(
            "<tr><td>{}</td><td class=\"name\">{}</td>",
            row.rank,
            escape(&row.policy)
        );
        if profit {
            let cell = row
                .profit
                .map_or_else(|| "–".to_owned(), |p| interval(&p, false));
            let _ = write!(line, "<td>{cell}</td>");
        }
        let _ = write!(
            line,
            "<td>{}</td><td>{} – {}</td><td>{}</td><td>{:.3} ({:.3} – {:.3})</td><td>{}</td><td>{}</td><td>{} – {}</td>",
            money(row.revenue.mean),
            money(row.revenue.low),
            money(row.revenue.high),
            money(row.spend.mean),
            row.roas.mean,
            row.roas.low,
            row.roas.high,
            row.cpa.map_or_else(
                || "–".to_owned(),
                |c| format!(
                    "{} ({} – {})",
                    thousands(c.mean, 2),
                    thousands(c.low, 2),
                    thousands(c.high, 2)
                )
            ),
            money(row.regret.mean),
            money(row.regret.low),
            money(row.regret.high),
        );
        if let Some(baseline) = baseline {
            let cell = if row.policy == baseline {
                "baseline".to_owned()
            } else {
                row.vs_baseline
                    .map_or_else(|| "–".to_owned(), |d| interval(&d, true))
            };
            let _ = write!(line, "<td>{cell}</td>");
        }
        let _ = writeln!(page, "{line}</tr>");
    }
    page.push_str("</table>\n");
    if let Some(baseline) = baseline {
        let objective = if profit { "profit" } else { "revenue" };
        let _ = writeln!(
            page,
            "<p class=\"muted\">vs {}: the policy's {objective} over the horizon minus the baseline's, paired by replication (both faced the same market draws), with its 95% interval.</p>",
            escape(baseline)
        );
    }
}

/// The index page linking each scenario's report.
pub fn index(scenarios: &[(String, String)]) -> String {
    let mut page = head("budget-bandit results", true);
    page += "<h1>budget-bandit results</h1>\n<ul>\n";
    for (name, description) in scenarios {
        let _ = writeln!(
            page,
            "<li><a href=\"{0}/report.html\">{0}</a>: {1}</li>",
            escape(name),
            escape(description)
        );
    }
    page += "</ul>\n</body></html>\n";
    page
}
