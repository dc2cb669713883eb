//! Platform exports as they come: the bytes of daily campaign reports of Google Ads, Meta Ads
//! Manager, Microsoft Advertising, LinkedIn Campaign Manager, TikTok Ads Manager and Snapchat
//! Ads Manager, and a Norwegian Excel re-save, each over a small market whose campaigns respond
//! with diminishing returns.
//!
//! Each export carries the quirks of its platform: title lines above the header, a UTF-8 or
//! UTF-16 byte-order mark, quoted thousands, `Total:` rows, a summary row, a copyright footer,
//! blank results on days without them, view-through purchases above the link clicks, refunds,
//! dotted and slashed dates, decimal commas with `kr`, and a last day without spend.
//!
//! A campaign's day: spend `s = base · (1 + 0.35 u)` with `u` uniform in `[−1, 1]`; paid units
//! `n = a (1 − e^{−s / (a c)})` (at price `c` per unit at low spend, saturating at `a`);
//! conversions `round(n · cvr · (0.7 + 0.6 v))`; revenue `conversions · value · (0.8 + 0.4 w)`.

use std::fmt::Write as _;

/// One export and the account file a user would write for it by hand.
pub struct Export {
    /// Short name, also the file stem.
    pub name: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// An account file that reads it, naming the history `<name>.csv`.
    pub account: String,
    /// The account's daily budget.
    pub budget: f64,
    /// The account's channels.
    pub channels: Vec<&'static str>,
}

/// Days of every export.
pub const DAYS: usize = 120;
/// The first day: Monday 2025-01-06 as days since 1970-01-01.
const FIRST_DAY: i64 = 20_094;

/// A deterministic stream of uniform numbers (Knuth's MMIX linear congruential generator).
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A campaign of the market.
struct Campaign {
    name: &'static str,
    /// Mean daily spend.
    base: f64,
    /// Price of a paid unit at low spend (a click; for `impressions`, a thousand).
    price: f64,
    /// Most units a day.
    audience: f64,
    /// Conversions per click.
    cvr: f64,
    /// Value per conversion.
    value: f64,
    /// Clicks per impression, for campaigns bought by the thousand impressions.
    ctr: Option<f64>,
}

/// A campaign's figures of one day.
#[derive(Clone, Copy, Default)]
struct Row {
    day: usize,
    spend: f64,
    impressions: f64,
    clicks: f64,
    conversions: f64,
    revenue: f64,
}

fn simulate(campaigns: &[Campaign], seed: u64) -> Vec<Vec<Row>> {
    let mut rng = Lcg(seed);
    (0..DAYS)
        .map(|day| {
            campaigns
                .iter()
                .map(|c| {
                    let spend = (c.base * (1.0 + 0.35 * (2.0 * rng.uniform() - 1.0)) * 100.0)
                        .round()
                        / 100.0;
                    let units = c.audience * (1.0 - (-spend / (c.audience * c.price)).exp());
                    let (impressions, clicks) = match c.ctr {
                        Some(ctr) => ((units * 1000.0).round(), (units * 1000.0 * ctr).round()),
                        None => ((units * 30.0).round(), units.round()),
                    };
                    let conversions = (clicks * c.cvr * (0.7 + 0.6 * rng.uniform())).round();
                    let revenue = (conversions * c.value * (0.8 + 0.4 * rng.uniform()) * 100.0)
                        .round()
                        / 100.0;
                    Row {
                        day,
                        spend,
                        impressions,
                        clicks,
                        conversions,
                        revenue,
                    }
                })
                .collect()
        })
        .collect()
}

fn ymd(day: usize) -> (i64, u32, u32) {
    // Howard Hinnant's civil_from_days.
    let z = FIRST_DAY + day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn iso(day: usize) -> String {
    let (y, m, d) = ymd(day);
    format!("{y}-{m:02}-{d:02}")
}

/// `1,234.56` (two decimals) or `12,345` (none), as English-language exports write money and
/// counts.
fn grouped(value: f64, decimals: usize, separator: &str) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(c);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{out}")
    } else {
        format!("{sign}{out}.{fraction}")
    }
}

/// A CSV field, quoted when it holds the delimiter or a quote.
fn field(text: &str, delimiter: char) -> String {
    if text.contains([delimiter, '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn line(fields: &[String], delimiter: char) -> String {
    let mut text = fields
        .iter()
        .map(|f| field(f, delimiter))
        .collect::<Vec<_>>()
        .join(&delimiter.to_string());
    text.push_str("\r\n");
    text
}

fn totals(days: &[Vec<Row>], keep: impl Fn(usize) -> bool) -> Row {
    let mut total = Row::default();
    for day in days {
        for (i, row) in day.iter().enumerate().filter(|(i, _)| keep(*i)) {
            let _ = i;
            total.spend += row.spend;
            total.impressions += row.impressions;
            total.clicks += row.clicks;
            total.conversions += row.conversions;
            total.revenue += row.revenue;
        }
    }
    total
}

/// Mean daily spend of the last week, rounded to hundreds: the budget a user would set.
fn budget_of(days: &[Vec<Row>]) -> f64 {
    let week: f64 = days[days.len() - 8..days.len() - 1]
        .iter()
        .flatten()
        .map(|r| r.spend)
        .sum();
    (week / 7.0 / 100.0).round() * 100.0
}

fn account(name: &str, budget: f64, extra: &str, channels: &[(&str, &str)]) -> String {
    let mut text = format!(
        "name = \"{name}\"\ncurrency = \"NOK\"\ndaily_budget = {budget:.1}\nhistory = \"{name}.csv\"\n{extra}\n"
    );
    for (channel, pricing) in channels {
        let _ = write!(
            text,
            "\n[[channels]]\nname = \"{channel}\"\npricing = \"{pricing}\"\n"
        );
    }
    text
}

fn search_campaign(name: &'static str, base: f64, cvr: f64, value: f64) -> Campaign {
    Campaign {
        name,
        base,
        price: 6.0,
        audience: base / 4.0,
        cvr,
        value,
        ctr: None,
    }
}

fn social_campaign(name: &'static str, base: f64, ctr: f64, cvr: f64, value: f64) -> Campaign {
    Campaign {
        name,
        base,
        price: 60.0,
        audience: base / 40.0,
        cvr,
        value,
        ctr: Some(ctr),
    }
}

/// Google Ads, a daily campaign report downloaded as CSV: two title lines, `Day` first,
/// quoted thousands, `--` for what does not apply, a conversion retraction, and `Total:` rows.
pub fn google_ads() -> Export {
    let campaigns = [
        search_campaign("Search | Brand | Exact", 1500.0, 0.12, 900.0),
        search_campaign("Search | Generic | Broad", 2500.0, 0.04, 800.0),
        search_campaign("PMax | All products", 2000.0, 0.05, 700.0),
        search_campaign("Display | Remarketing", 300.0, 0.02, 600.0),
    ];
    let days = simulate(&campaigns, 11);
    let mut text = String::from("Campaign report\r\n\"January 6, 2025 - May 5, 2025\"\r\n");
    text.push_str(
        "Day,Campaign,Campaign type,Currency code,Cost,Impr.,Clicks,Conversions,Conv. value\r\n",
    );
    let kinds = ["Search", "Search", "Performance Max", "Display"];
    for day in &days {
        for (row, (c, kind)) in day.iter().zip(campaigns.iter().zip(kinds)) {
            text.push_str(&line(
                &[
                    iso(row.day),
                    c.name.into(),
                    kind.into(),
                    "NOK".into(),
                    grouped(row.spend, 2, ","),
                    grouped(row.impressions, 0, ","),
                    grouped(row.clicks, 0, ","),
                    format!("{:.2}", row.conversions),
                    grouped(row.revenue, 2, ","),
                ],
                ',',
            ));
        }
    }
    // A retracted purchase, reported on a day without spend of its own.
    text.push_str(&line(
        &[
            iso(40),
            "Search | Brand | Refunds".into(),
            "Search".into(),
            "NOK".into(),
            "0.00".into(),
            "0".into(),
            "0".into(),
            "-1.00".into(),
            "-1,250.00".into(),
        ],
        ',',
    ));
    let all = totals(&days, |_| true);
    for label in [
        "Total: Account",
        "Total: Search",
        "Total: Performance Max",
        "Total: Campaigns",
    ] {
        text.push_str(&line(
            &[
                label.into(),
                "--".into(),
                "--".into(),
                "NOK".into(),
                grouped(all.spend, 2, ","),
                grouped(all.impressions, 0, ","),
                grouped(all.clicks, 0, ","),
                format!("{:.2}", all.conversions),
                grouped(all.revenue, 2, ","),
            ],
            ',',
        ));
    }
    let budget = budget_of(&days);
    let extra = "\n[columns]\ndate = \"Day\"\nchannel = \"Campaign\"\nspend = \"Cost\"\n\
                 impressions = \"Impr.\"\nconversions = \"Conversions\"\nrevenue = \"Conv. value\"\n\n\
                 [channel_of]\n\"Search | *\" = \"search\"\n\"PMax | *\" = \"shopping\"\n\
                 \"Display | *\" = \"display\"\n";
    Export {
        name: "google-ads",
        bytes: text.into_bytes(),
        account: account(
            "google-ads",
            budget,
            extra,
            &[("search", "cpc"), ("shopping", "cpc"), ("display", "cpc")],
        ),
        budget,
        channels: vec!["search", "shopping", "display"],
    }
}

/// Meta Ads Manager, campaigns broken down by day, exported as CSV: a UTF-8 byte-order mark,
/// the summary row first, `Purchases` left blank on days without them, and view-through
/// purchases above the link clicks.
pub fn meta() -> Export {
    let campaigns = [
        social_campaign("Prospecting | Broad | ASC", 3000.0, 0.012, 0.03, 750.0),
        social_campaign("Retargeting | 30 days", 800.0, 0.02, 0.08, 650.0),
        social_campaign("Video views | Reels", 400.0, 0.004, 0.01, 500.0),
    ];
    let mut days = simulate(&campaigns, 12);
    // View-through purchases: more purchases than link clicks on some days.
    for day in days.iter_mut().step_by(17) {
        day[1].conversions = day[1].clicks + 3.0;
        day[1].revenue += 3.0 * 650.0;
    }
    let mut text = String::from("\u{feff}");
    text.push_str(&line(
        &[
            "Reporting starts".into(),
            "Reporting ends".into(),
            "Day".into(),
            "Campaign name".into(),
            "Campaign delivery".into(),
            "Amount spent (NOK)".into(),
            "Impressions".into(),
            "Link clicks".into(),
            "Purchases".into(),
            "Purchases conversion value".into(),
        ],
        ',',
    ));
    let all = totals(&days, |_| true);
    text.push_str(&line(
        &[
            iso(0),
            iso(DAYS - 1),
            String::new(),
            String::new(),
            String::new(),
            format!("{:.2}", all.spend),
            format!("{}", all.impressions),
            format!("{}", all.clicks),
            format!("{}", all.conversions),
            format!("{:.2}", all.revenue),
        ],
        ',',
    ));
    let blank = |x: f64, text: String| if x == 0.0 { String::new() } else { text };
    for day in &days {
        for (row, c) in day.iter().zip(&campaigns) {
            text.push_str(&line(
                &[
                    iso(row.day),
                    iso(row.day),
                    iso(row.day),
                    c.name.into(),
                    "active".into(),
                    format!("{:.2}", row.spend),
                    format!("{}", row.impressions),
                    blank(row.clicks, format!("{}", row.clicks)),
                    blank(row.conversions, format!("{}", row.conversions)),
                    blank(row.revenue, format!("{:.2}", row.revenue)),
                ],
                ',',
            ));
        }
    }
    let budget = budget_of(&days);
    let extra = "\n[columns]\ndate = \"Day\"\nchannel = \"Campaign name\"\n\
                 spend = \"Amount spent (NOK)\"\nclicks = \"Link clicks\"\n\
                 conversions = \"Purchases\"\nrevenue = \"Purchases conversion value\"\n\n\
                 [channel_of]\n\"Prospecting | *\" = \"prospecting\"\n\
                 \"Retargeting | *\" = \"retargeting\"\n\"Video views | *\" = \"video\"\n";
    Export {
        name: "meta",
        bytes: text.into_bytes(),
        account: account(
            "meta",
            budget,
            extra,
            &[
                ("prospecting", "cpm"),
                ("retargeting", "cpm"),
                ("video", "cpm"),
            ],
        ),
        budget,
        channels: vec!["prospecting", "retargeting", "video"],
    }
}

/// A Norwegian Google Ads export re-saved by Excel: a UTF-8 byte-order mark, semicolons,
/// Norwegian headers, dotted dates, `kr 1 234,56` with a non-breaking space, a test campaign
/// to leave out, and a last day without spend (a paused account).
pub fn norwegian_excel() -> Export {
    let campaigns = [
        search_campaign("Søk | Merkevare", 1200.0, 0.12, 1100.0),
        search_campaign("Søk | Konkurrenter", 900.0, 0.03, 900.0),
        search_campaign("Shopping | Alle produkter", 2200.0, 0.05, 800.0),
        search_campaign("TEST | Ny struktur", 100.0, 0.05, 800.0),
    ];
    let mut days = simulate(&campaigns, 13);
    for row in days.last_mut().unwrap() {
        *row = Row {
            day: row.day,
            ..Row::default()
        };
    }
    let kroner = |x: f64| {
        let text = grouped(x, 2, "\u{a0}");
        let (whole, fraction) = text.rsplit_once('.').unwrap();
        format!("kr {whole},{fraction}")
    };
    let mut text =
        String::from("\u{feff}Dag;Kampanje;Kostnad;Visn.;Klikk;Konverteringer;Konv.verdi\r\n");
    for day in &days {
        let (y, m, d) = ymd(day[0].day);
        for (row, c) in day.iter().zip(&campaigns) {
            text.push_str(&line(
                &[
                    format!("{d:02}.{m:02}.{y}"),
                    c.name.into(),
                    kroner(row.spend),
                    format!("{}", row.impressions),
                    format!("{}", row.clicks),
                    format!("{},00", row.conversions),
                    kroner(row.revenue),
                ],
                ';',
            ));
        }
    }
    let budget = budget_of(&days[..DAYS - 1]);
    let extra = "max_daily_change = 0.1\nignore_campaigns = [\"TEST | *\"]\n\n[columns]\n\
                 date = \"Dag\"\nchannel = \"Kampanje\"\nspend = \"Kostnad\"\n\
                 impressions = \"Visn.\"\nclicks = \"Klikk\"\nconversions = \"Konverteringer\"\n\
                 revenue = \"Konv.verdi\"\n\n[channel_of]\n\"Søk | *\" = \"search\"\n\
                 \"Shopping | *\" = \"shopping\"\n";
    Export {
        name: "norwegian-excel",
        bytes: text.into_bytes(),
        account: account(
            "norwegian-excel",
            budget,
            extra,
            &[("search", "cpc"), ("shopping", "cpc")],
        ),
        budget,
        channels: vec!["search", "shopping"],
    }
}

/// Microsoft Advertising, a campaign performance report downloaded as CSV: report lines above
/// the header, US dates (month first), a total row and the copyright line at the end.
pub fn microsoft_ads() -> Export {
    let campaigns = [
        search_campaign("Bing - Brand", 400.0, 0.1, 900.0),
        search_campaign("Bing - Generic", 700.0, 0.035, 800.0),
    ];
    let days = simulate(&campaigns, 14);
    let mut text = String::from(
        "\u{feff}\"Report Name: Campaign performance\"\r\n\"Report Time: 1/6/2025 - 5/5/2025\"\r\n\
         \"Time Zone: (GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\"\r\n\
         \"Last Completed Available Day: 5/5/2025 11:59:59 PM (GMT+01:00)\"\r\n\"Rows: 240\"\r\n\r\n",
    );
    text.push_str("\"Date\",\"Campaign name\",\"Impressions\",\"Clicks\",\"Spend\",\"Conversions\",\"Revenue\"\r\n");
    for day in &days {
        let (y, m, d) = ymd(day[0].day);
        for (row, c) in day.iter().zip(&campaigns) {
            text.push_str(&format!(
                "\"{m}/{d}/{y}\",\"{}\",\"{}\",\"{}\",\"{:.2}\",\"{}\",\"{:.2}\"\r\n",
                c.name, row.impressions, row.clicks, row.spend, row.conversions, row.revenue
            ));
        }
    }
    let all = totals(&days, |_| true);
    text.push_str(&format!(
        "\"Total\",\"\",\"{}\",\"{}\",\"{:.2}\",\"{}\",\"{:.2}\"\r\n\r\n\
         \"©2025 Microsoft Corporation. All rights reserved. \"\r\n",
        all.impressions, all.clicks, all.spend, all.conversions, all.revenue
    ));
    let budget = budget_of(&days);
    let extra =
        "\n[columns]\nchannel = \"Campaign name\"\n\n[channel_of]\n\"Bing - *\" = \"bing\"\n";
    Export {
        name: "microsoft-ads",
        bytes: text.into_bytes(),
        account: account("microsoft-ads", budget, extra, &[("bing", "cpc")]),
        budget,
        channels: vec!["bing"],
    }
}

/// LinkedIn Campaign Manager, a campaign performance report: UTF-16 (little-endian, with its
/// byte-order mark), tab-separated, title lines, US dates, and lead-form campaigns.
pub fn linkedin() -> Export {
    let mut lead = social_campaign("Lead gen | CFO | Norway", 900.0, 0.006, 0.15, 0.0);
    lead.value = 2500.0;
    let campaigns = [
        lead,
        social_campaign("Website visits | IT managers", 600.0, 0.005, 0.02, 3000.0),
    ];
    let days = simulate(&campaigns, 15);
    let mut text = String::from(
        "Campaign Performance Report (in UTC)\r\nReport Start: 1/6/2025, 12:00 AM\r\n\
         Report End: 5/5/2025, 11:59 PM\r\nDate Generated: 5/6/2025, 8:12 AM\r\n",
    );
    let header = [
        "Start Date (in UTC)",
        "Account Name",
        "Campaign Group Name",
        "Campaign Name",
        "Campaign ID",
        "Currency",
        "Total Spent",
        "Impressions",
        "Clicks",
        "Leads",
        "Conversions",
        "Total Conversion Value",
    ];
    text.push_str(&header.join("\t"));
    text.push_str("\r\n");
    for day in &days {
        let (y, m, d) = ymd(day[0].day);
        for (i, (row, c)) in day.iter().zip(&campaigns).enumerate() {
            // Lead forms: every lead is a conversion; a website campaign has no leads.
            let leads = if i == 0 { row.conversions } else { 0.0 };
            text.push_str(&format!(
                "{m}/{d}/{y}\tNordic Shop AS\tB2B\t{}\t{}\tNOK\t{:.2}\t{}\t{}\t{}\t{}\t{:.2}\r\n",
                c.name,
                7_000_001 + i,
                row.spend,
                row.impressions,
                row.clicks,
                leads,
                row.conversions,
                row.revenue
            ));
        }
    }
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let budget = budget_of(&days);
    let extra = "\n[columns]\ndate = \"Start Date (in UTC)\"\nchannel = \"Campaign Name\"\n\
                 spend = \"Total Spent\"\nrevenue = \"Total Conversion Value\"\n\n[channel_of]\n\
                 \"Lead gen | *\" = \"lead-forms\"\n\"Website visits | *\" = \"linkedin\"\n";
    Export {
        name: "linkedin",
        bytes,
        account: account(
            "linkedin",
            budget,
            extra,
            &[("lead-forms", "cpm"), ("linkedin", "cpm")],
        ),
        budget,
        channels: vec!["lead-forms", "linkedin"],
    }
}

/// TikTok Ads Manager, a campaign report by day exported as CSV.
pub fn tiktok() -> Export {
    let campaigns = [
        social_campaign("TT_Conversions_NO_Broad", 1200.0, 0.008, 0.02, 600.0),
        social_campaign("TT_Spark_Ads_Creators", 500.0, 0.01, 0.02, 600.0),
    ];
    let days = simulate(&campaigns, 16);
    let mut text = String::from(
        "Campaign name,By Day,Currency,Cost,Impressions,Clicks (destination),Conversions,Total purchase value\n",
    );
    for day in &days {
        for (row, c) in day.iter().zip(&campaigns) {
            text.push_str(&format!(
                "{},{},NOK,{:.2},{},{},{},{:.2}\n",
                c.name,
                iso(row.day),
                row.spend,
                row.impressions,
                row.clicks,
                row.conversions,
                row.revenue
            ));
        }
    }
    let all = totals(&days, |_| true);
    text.push_str(&format!(
        "Total of 2 campaigns,-,NOK,{:.2},{},{},{},{:.2}\n",
        all.spend, all.impressions, all.clicks, all.conversions, all.revenue
    ));
    let budget = budget_of(&days);
    let extra = "\n[columns]\ndate = \"By Day\"\nchannel = \"Campaign name\"\nspend = \"Cost\"\n\
                 clicks = \"Clicks (destination)\"\nrevenue = \"Total purchase value\"\n\n\
                 [channel_of]\n\"TT_*\" = \"tiktok\"\n";
    Export {
        name: "tiktok",
        bytes: text.into_bytes(),
        account: account("tiktok", budget, extra, &[("tiktok", "cpm")]),
        budget,
        channels: vec!["tiktok"],
    }
}

/// Snapchat Ads Manager, a campaign report by day: start and end times with a clock, swipe
/// ups as clicks, and `Purchases` left blank on days without them.
pub fn snapchat() -> Export {
    let campaigns = [
        social_campaign("Snap | Prospecting | 18-34", 700.0, 0.006, 0.02, 550.0),
        social_campaign("Snap | Catalog | DPA", 400.0, 0.009, 0.03, 550.0),
    ];
    let mut days = simulate(&campaigns, 17);
    // Days without purchases, whose cells Snapchat leaves blank.
    for day in days.iter_mut().step_by(9) {
        day[0].conversions = 0.0;
        day[0].revenue = 0.0;
    }
    let mut text = String::from(
        "Start time,End time,Campaign Name,Spend,Paid Impressions,Swipe Ups,Purchases,Purchases Value\n",
    );
    let blank = |x: f64, text: String| if x == 0.0 { String::new() } else { text };
    for day in &days {
        for (row, c) in day.iter().zip(&campaigns) {
            text.push_str(&format!(
                "{} 00:00:00,{} 00:00:00,{},{:.2},{},{},{},{}\n",
                iso(row.day),
                iso(row.day + 1),
                c.name,
                row.spend,
                row.impressions,
                row.clicks,
                blank(row.conversions, format!("{}", row.conversions)),
                blank(row.revenue, format!("{:.2}", row.revenue)),
            ));
        }
    }
    let budget = budget_of(&days);
    let extra = "\n[columns]\ndate = \"Start time\"\nchannel = \"Campaign Name\"\n\
                 impressions = \"Paid Impressions\"\nclicks = \"Swipe Ups\"\n\
                 conversions = \"Purchases\"\nrevenue = \"Purchases Value\"\n\n[channel_of]\n\
                 \"Snap | Prospecting | *\" = \"snap-prospecting\"\n\
                 \"Snap | Catalog | *\" = \"snap-catalog\"\n";
    Export {
        name: "snapchat",
        bytes: text.into_bytes(),
        account: account(
            "snapchat",
            budget,
            extra,
            &[("snap-prospecting", "cpm"), ("snap-catalog", "cpm")],
        ),
        budget,
        channels: vec!["snap-prospecting", "snap-catalog"],
    }
}

/// Every export.
pub fn all() -> Vec<Export> {
    vec![
        google_ads(),
        meta(),
        norwegian_excel(),
        microsoft_ads(),
        linkedin(),
        tiktok(),
        snapchat(),
    ]
}
