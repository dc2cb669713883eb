//! An account file from an ad platform's export: `budget-bandit init account --from EXPORT`.
//!
//! The export is surveyed ([`survey_export`]): its delimiter, decimal mark, date form, the
//! columns of each figure and every campaign with its totals. The account file then
//!
//! - maps the export's headers under `[columns]` (only those that differ from the defaults);
//! - groups campaigns into channels by platform and campaign type ([`channel_of`]): Google
//!   Ads and Microsoft Advertising campaigns into brand, competitors, search, shopping,
//!   Performance Max, display, video and demand-gen by the report's `Campaign type` or the
//!   campaign's name; social campaigns (Meta, TikTok, Snapchat, LinkedIn) into prospecting
//!   and retargeting (and LinkedIn's lead forms, Meta's Advantage+ shopping), by name;
//! - writes `[channel_of]` as patterns where the campaigns of a channel share a beginning no
//!   other campaign has (`"Search | *" = "google-search"`), and as exact names otherwise;
//! - leaves out campaigns that spent nothing (`ignore_campaigns`);
//! - guesses each channel's pricing from what its platform sells and the columns the export
//!   has (search: `cpc`; social and display: `cpm` with impressions; `cpa` without clicks);
//! - sets `daily_budget` to the mean daily spend of the export's last 7 days with spend.
//!
//! Every guess is a commented line to review. The file is read back as `recommend` reads it
//! before it is written, history and all, so it runs unchanged.

use super::write_new;
use crate::account::campaigns::Campaigns;
use crate::account::file::Account;
use crate::account::history::partial_last_day;
use crate::account::history::survey::{
    CampaignSurvey, ExportSurvey, Platform, Reports, survey_export,
};
use crate::error::ScenarioError;
use crate::output::table::thousands;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Days whose mean spend sets `daily_budget`.
const BUDGET_DAYS: usize = 7;

/// A proposed channel: its name, its campaigns and why it has its pricing.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposedChannel {
    /// The channel's name (`google-search`).
    pub name: String,
    /// `cpm`, `cpc`, `cpl` or `cpa`.
    pub pricing: &'static str,
    /// Why: what the platform sells and what the export reports.
    pub why: String,
    /// Its campaigns, in the export's order.
    pub campaigns: Vec<CampaignSurvey>,
}

/// What kind of campaign a name or type names, for grouping.
fn campaign_type(platform: Platform, campaign: &CampaignSurvey) -> &'static str {
    let name = campaign.name.to_lowercase();
    let kind = campaign.kind.as_deref().unwrap_or("").to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w) || kind.contains(w));
    match platform {
        Platform::GoogleAds | Platform::MicrosoftAds => {
            if has(&["performance max", "pmax", "p-max"]) {
                "pmax"
            } else if has(&["shopping", "product listing"]) {
                "shopping"
            } else if has(&["display", "gdn"]) {
                "display"
            } else if has(&["video", "youtube"]) {
                "video"
            } else if has(&["demand gen", "discovery"]) {
                "demand-gen"
            } else if has(&["brand", "merkevare", "varumärke", "marke"]) {
                "brand"
            } else if has(&["competitor", "konkurrent", "wettbewerb"]) {
                "competitors"
            } else {
                "search"
            }
        }
        Platform::Meta | Platform::TikTok | Platform::Snapchat | Platform::LinkedIn => {
            if platform == Platform::LinkedIn && has(&["lead gen", "leadgen", "lead form"]) {
                "lead-forms"
            } else if platform == Platform::Meta
                && has(&["advantage+", "advantage plus", "advantage shopping"])
            {
                // Advantage+ shopping campaigns find their own audience, new and returning
                // alike: a line of their own, neither prospecting nor retargeting.
                "advantage-plus"
            } else if has(&[
                "retarget",
                "remarketing",
                "dpa",
                "catalog",
                "katalog",
                "dynamic",
            ]) {
                "retargeting"
            } else {
                "prospecting"
            }
        }
        Platform::Other => "",
    }
}

/// The pricing of a channel of `kind` on `platform`, given the counts its campaigns report,
/// and why.
fn pricing(platform: Platform, kind: &str, campaigns: &[CampaignSurvey]) -> (&'static str, String) {
    let all = |count: fn(&Reports) -> bool| campaigns.iter().all(|c| count(&c.reports));
    let (impressions, clicks, leads) =
        (all(|r| r.impressions), all(|r| r.clicks), all(|r| r.leads));
    if platform == Platform::Other {
        // budget-bandit's own columns report the counts of each channel's pricing.
        return if impressions && clicks {
            ("cpm", "its rows report impressions and clicks".into())
        } else if clicks {
            ("cpc", "its rows report clicks".into())
        } else if leads {
            ("cpl", "its rows report leads".into())
        } else {
            ("cpa", "its rows report neither clicks nor leads".into())
        };
    }
    let search = matches!(platform, Platform::GoogleAds | Platform::MicrosoftAds)
        && !matches!(kind, "display" | "video" | "demand-gen");
    if kind == "lead-forms" && leads {
        return (
            "cpl",
            "lead-form campaigns: their leads are the paid result".into(),
        );
    }
    if !clicks {
        return (
            "cpa",
            "the export has no clicks, so the conversions are the paid units".into(),
        );
    }
    if search || !impressions {
        let why = if search {
            "search and shopping ads are bought by the click"
        } else {
            "the export has clicks but no impressions"
        };
        return ("cpc", why.into());
    }
    (
        "cpm",
        "social, display and video ads are bought by the thousand impressions".into(),
    )
}

/// Campaigns grouped into channels (see the [module docs](self)), in the order of their
/// first campaign; campaigns without spend are left out and returned apart.
pub fn channel_of(survey: &ExportSurvey) -> (Vec<ProposedChannel>, Vec<CampaignSurvey>) {
    let mut groups: Vec<(String, &'static str, Vec<CampaignSurvey>)> = Vec::new();
    let mut idle = Vec::new();
    let platform = survey.platform;
    let types: Vec<&str> = survey
        .campaigns
        .iter()
        .map(|c| campaign_type(platform, c))
        .collect();
    let one_type = types.windows(2).all(|w| w[0] == w[1]);
    for (campaign, kind) in survey.campaigns.iter().zip(&types) {
        // A campaign without spend or results says nothing; one with results alone (refunds,
        // late conversions) belongs with its channel.
        if campaign.spend <= 0.0 && campaign.revenue == 0.0 && campaign.conversions == 0.0 {
            idle.push(campaign.clone());
            continue;
        }
        let name = match platform {
            Platform::Other => campaign.name.clone(),
            _ if one_type && !matches!(platform, Platform::GoogleAds | Platform::MicrosoftAds) => {
                platform.prefix().to_owned()
            }
            _ => format!("{}-{kind}", platform.prefix()),
        };
        match groups.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, _, campaigns)) => campaigns.push(campaign.clone()),
            None => groups.push((name, kind, vec![campaign.clone()])),
        }
    }
    // A channel needs spend to be learned: one without is left out whole.
    let (groups, unfunded): (Vec<_>, Vec<_>) = groups
        .into_iter()
        .partition(|(_, _, campaigns)| campaigns.iter().any(|c| c.spend > 0.0));
    idle.extend(unfunded.into_iter().flat_map(|(_, _, campaigns)| campaigns));
    let channels = groups
        .into_iter()
        .map(|(name, kind, campaigns)| {
            let (pricing, why) = pricing(platform, kind, &campaigns);
            ProposedChannel {
                name,
                pricing,
                why,
                campaigns,
            }
        })
        .collect();
    (channels, idle)
}

/// The longest beginning all `names` share, cut after its last separator (`" | "`, `" - "`,
/// `_`, `:` or a space), so that a pattern names a family of campaigns and not half a word.
fn shared_beginning(names: &[&str]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    let mut end = first.len();
    for name in &names[1..] {
        end = first
            .char_indices()
            .zip(name.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(name.len().min(first.len())), |((i, _), _)| i)
            .min(end);
    }
    let prefix = &first[..end];
    match prefix.rfind(['|', '-', '_', ':', ' ']) {
        Some(cut) => {
            let cut = cut + 1;
            let kept = &prefix[..cut];
            kept.trim_end().to_owned() + &prefix[kept.trim_end().len()..cut]
        }
        None => String::new(),
    }
}

/// `[channel_of]` entries for the proposed channels: a pattern per channel where its campaigns
/// share a beginning that no other campaign has, their exact names otherwise. Checked: every
/// campaign goes to its channel.
fn rules(channels: &[ProposedChannel], idle: &[CampaignSurvey]) -> Vec<(String, String)> {
    let all: Vec<&str> = channels
        .iter()
        .flat_map(|c| c.campaigns.iter().map(|k| k.name.as_str()))
        .chain(idle.iter().map(|c| c.name.as_str()))
        .collect();
    let mut entries = Vec::new();
    for channel in channels {
        let names: Vec<&str> = channel.campaigns.iter().map(|c| c.name.as_str()).collect();
        let beginning = shared_beginning(&names);
        let pattern = format!("{beginning}*");
        let own = |name: &str| names.contains(&name);
        let candidate = Campaigns::new([(pattern.as_str(), channel.name.as_str())], []);
        let clean = names.len() > 1
            && beginning.trim().chars().count() >= 3
            && all.iter().all(|name| {
                own(name)
                    != matches!(
                        candidate.destination(name),
                        crate::account::campaigns::Destination::Unmapped
                    )
            });
        if clean {
            entries.push((pattern, channel.name.clone()));
        } else if names != [channel.name.as_str()] {
            entries.extend(names.iter().map(|n| (n.to_string(), channel.name.clone())));
        }
    }
    entries
}

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A name that can be a results folder: letters, digits, `-`, `_` and `.`, other characters
/// as `-`, at most 64.
fn folder_name(stem: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    name = name
        .trim_start_matches(['.', '-'])
        .chars()
        .take(64)
        .collect();
    if name.is_empty() || name.eq_ignore_ascii_case("index.html") {
        "account".into()
    } else {
        name
    }
}

/// The mean daily spend of the last [`BUDGET_DAYS`] days with spend, in whole units, leaving
/// out a last day exported before it ended ([`partial_last_day`]), whose spend and the
/// median of the week before it come second.
fn recent_budget(survey: &ExportSurvey) -> (f64, Option<(f64, f64)>) {
    let mut days: Vec<f64> = survey.daily_spend.clone();
    while days.last().is_some_and(|s| *s <= 0.0) {
        days.pop();
    }
    let partial = partial_last_day(&days);
    if partial.is_some() {
        days.pop();
    }
    let recent: Vec<f64> = days
        .iter()
        .rev()
        .copied()
        .filter(|s| *s > 0.0)
        .take(BUDGET_DAYS)
        .collect();
    let mean = recent.iter().sum::<f64>() / recent.len().max(1) as f64;
    (mean.round().max(1.0), partial)
}

/// The account file's text for the export `history` (as the file names it) surveyed as
/// `survey`, named `name`.
pub fn account_text(survey: &ExportSurvey, name: &str, history: &str, origin: &str) -> String {
    let (channels, idle) = channel_of(survey);
    let (budget, partial) = recent_budget(survey);
    let spent: f64 = survey.campaigns.iter().map(|c| c.spend).sum();
    let days = survey.daily_spend.len();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# Account file written by `budget-bandit init account --from {origin}`: review each\n\
         # guess (the channels, their pricing and the budget), then\n\
         #\n\
         #     budget-bandit recommend {name}.toml\n\
         #\n\
         # The export: {platform}, {delimiter}-separated{decimal}{order}; {days} days from \
         {first} to {last}, {campaigns} campaigns, {spent} spent{summary}.",
        platform = match survey.platform {
            Platform::Other => "columns of no known ad platform",
            platform => platform.label(),
        },
        delimiter = match survey.delimiter {
            '\t' => "tab".to_owned(),
            ';' => "semicolon".to_owned(),
            _ => "comma".to_owned(),
        },
        decimal = match survey.decimal {
            Some(',') => ", decimal comma",
            Some(_) => ", decimal point",
            None => "",
        },
        order = survey
            .date_order
            .map(|o| format!(", dates {o}"))
            .unwrap_or_default(),
        first = survey.first_date,
        last = survey.last_date,
        campaigns = survey.campaigns.len(),
        spent = thousands(spent, 2),
        summary = if survey.summary_rows > 0 {
            format!(
                " ({} total row{} skipped)",
                survey.summary_rows,
                if survey.summary_rows == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        },
    );
    let _ = writeln!(text, "name = {}", quoted(name));
    match &survey.currency {
        Some(currency) => {
            let _ = writeln!(text, "currency = {}", quoted(currency));
        }
        None => text
            .push_str("# currency = \"EUR\"              # the export does not say; default EUR\n"),
    }
    if let Some((last, median)) = partial {
        let _ = writeln!(
            text,
            "# The last day with spend spent {} against a median of {} over the week before it: \
             read as\n# a day exported before it ended, and left out of the budget below.",
            thousands(last, 2),
            thousands(median, 2)
        );
    }
    let _ = writeln!(
        text,
        "daily_budget = {budget:.1}              # the mean daily spend of the last {BUDGET_DAYS} days with spend: set tomorrow's budget"
    );
    let _ = writeln!(text, "history = {}", quoted(history));
    text.push_str(
        "policy = \"auto\"                 # the learner that loses least on a market fitted to the history explores; or name one\n\
         # max_daily_change = 0.2         # pacing: no channel moves more than 20% of the budget a day\n\
         # objective = \"profit\"           # spend only what pays, with target_roas = 2.5\n",
    );
    if !idle.is_empty() {
        text.push_str(
            "# Campaigns without spend in the export (or whose channel has none), left out:\n\
             ignore_campaigns = [\n",
        );
        for campaign in &idle {
            let _ = writeln!(text, "    {},", quoted(&campaign.name));
        }
        text.push_str("]\n");
    }
    // A default header (`spend` for spend) needs no line.
    let renamed: Vec<&(&str, String)> = survey
        .columns
        .iter()
        .filter(|(key, header)| !header.trim().eq_ignore_ascii_case(key))
        .collect();
    if renamed.is_empty() {
        text.push_str("\n# [columns]: the export has the default headers\n");
    } else {
        text.push_str("\n[columns]                        # the export's headers\n");
        for (key, header) in renamed {
            let _ = writeln!(text, "{key} = {}", quoted(header));
        }
    }
    let entries = rules(&channels, &idle);
    if !entries.is_empty() {
        text.push_str(
            "\n# Campaigns by platform and type: exact names win over patterns (* any run of\n\
             # characters, ? one), and patterns are tried in this order.\n[channel_of]\n",
        );
        for (campaign, channel) in &entries {
            let _ = writeln!(
                text,
                "{} = {}",
                crate::toml_text::key(campaign),
                quoted(channel)
            );
        }
    }
    for channel in &channels {
        let spend: f64 = channel.campaigns.iter().map(|c| c.spend).sum();
        let revenue: f64 = channel.campaigns.iter().map(|c| c.revenue).sum();
        let _ = writeln!(
            text,
            "\n# {} spent, ROAS {:.2}; its campaigns:",
            thousands(spend, 2),
            if spend > 0.0 { revenue / spend } else { 0.0 }
        );
        for campaign in &channel.campaigns {
            let _ = writeln!(
                text,
                "#   {} ({} days, {} spent)",
                campaign.name,
                campaign.rows,
                thousands(campaign.spend, 2)
            );
        }
        let _ = writeln!(
            text,
            "[[channels]]\nname = {}\npricing = {}                # {}",
            quoted(&channel.name),
            quoted(channel.pricing),
            channel.why
        );
    }
    text
}

/// The account file for `export` written at `name` (NAME.toml; by default beside the export,
/// named after it), checked by reading the export through it as `recommend` does; then
/// written, never replacing a file. Returns what it wrote.
pub fn write_from_export(export: &Path, name: Option<&Path>) -> Result<Written, super::InitError> {
    let origin = export.display().to_string();
    let bytes = std::fs::read(export)
        .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read the export: {e}")))?;
    let survey = survey_export(&origin, &bytes)?;
    let stem = |path: &Path| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let file = match name {
        Some(name) => {
            let stem = stem(name);
            let stem = stem.strip_suffix(".toml").unwrap_or(&stem).to_owned();
            name.with_file_name(format!("{stem}.toml"))
        }
        None => {
            let stem = stem(export);
            let stem = stem.rsplit_once('.').map_or(stem.as_str(), |(s, _)| s);
            export.with_file_name(format!("{}.toml", folder_name(stem)))
        }
    };
    let account_name = folder_name(
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .as_str(),
    );
    let history = relative(export, &file);
    let text = account_text(&survey, &account_name, &history, &stem(export));
    let folder = file.parent().unwrap_or(Path::new(""));
    let account = Account::from_toml(&file.display().to_string(), &text, folder)?;
    account.read_history()?;
    write_new(&[(file.clone(), text)])?;
    Ok(Written {
        path: file,
        currency: survey.currency.clone(),
    })
}

/// The account file [`write_from_export`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Where.
    pub path: PathBuf,
    /// The currency the export names, `None` where it names none (the file then leaves the
    /// account's default, EUR, to be reviewed).
    pub currency: Option<String>,
}

/// The export's path as the account file at `file` names it: relative to the account file's
/// folder (with `..` where the export lies beside it and that folder exists), absolute where
/// the two share no folder but the root.
fn relative(export: &Path, file: &Path) -> String {
    use std::ffi::OsString;
    use std::path::Component;
    // Absolute and without `.` or `..`, lexically (the export need not be reached through
    // links the way it was named): the root, then the folders' names.
    let normal = |p: &Path| -> Vec<OsString> {
        let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut parts: Vec<OsString> = Vec::new();
        for part in absolute.components() {
            match part {
                Component::CurDir => {}
                Component::ParentDir => {
                    if parts.len() > 1 {
                        parts.pop();
                    }
                }
                other => parts.push(other.as_os_str().to_os_string()),
            }
        }
        parts
    };
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (export_parts, folder_parts) = (normal(export), normal(folder));
    let shared = export_parts
        .iter()
        .zip(&folder_parts)
        .take_while(|(a, b)| a == b)
        .count();
    // Only the root in common: the absolute path. Otherwise relative, so that the account
    // file and its history move together; with `..` only from a folder that exists (the
    // system resolves `..` through it).
    let climbs = folder_parts.len() > shared;
    if shared < 2 || (climbs && !folder.is_dir()) {
        let path: PathBuf = export_parts.iter().collect();
        return path.to_string_lossy().into_owned();
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); folder_parts.len() - shared];
    parts.extend(
        export_parts[shared..]
            .iter()
            .map(|c| c.to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The history is named from the account file's folder: inside it as a plain relative
    /// path, beside it with `..`, and only outside any shared folder as an absolute path.
    #[test]
    fn the_history_is_named_relative_to_the_account_file() {
        let temporary = tempfile::tempdir().unwrap();
        let base = temporary.path();
        std::fs::create_dir(base.join("work")).unwrap();
        let file = base.join("work").join("shop.toml");
        assert_eq!(relative(&base.join("work/ads.csv"), &file), "ads.csv");
        assert_eq!(relative(&base.join("work/in/ads.csv"), &file), "in/ads.csv");
        assert_eq!(
            relative(&base.join("work/../exports/./ads.csv"), &file),
            "../exports/ads.csv"
        );
        assert_eq!(
            relative(Path::new("ads.csv"), Path::new("shop.toml")),
            "ads.csv"
        );
        assert_eq!(
            relative(Path::new("../ads.csv"), Path::new("shop.toml")),
            "../ads.csv"
        );
        assert_eq!(relative(Path::new("/ads.csv"), &file), "/ads.csv");
        // From a folder not made yet, `..` cannot be resolved: the absolute path.
        let unmade = base.join("later").join("shop.toml");
        let absolute = base.join("exports/ads.csv").to_string_lossy().into_owned();
        assert_eq!(relative(&base.join("exports/ads.csv"), &unmade), absolute);
    }

    #[test]
    fn shared_beginnings_stop_at_a_separator() {
        assert_eq!(
            shared_beginning(&["Search | Brand | Exact", "Search | Brand | Broad"]),
            "Search | Brand | "
        );
        assert_eq!(
            shared_beginning(&["Search | Brand", "Search | Bread"]),
            "Search | "
        );
        assert_eq!(shared_beginning(&["TT_Conv_A", "TT_Spark"]), "TT_");
        assert_eq!(shared_beginning(&["Alpha", "Beta"]), "");
        assert_eq!(shared_beginning(&["Søk | A", "Søk | B"]), "Søk | ");
    }

    /// Meta's campaigns group by their names: Advantage+ shopping apart from prospecting and
    /// retargeting; on another platform the same words are prospecting.
    #[test]
    fn meta_campaigns_group_into_prospecting_retargeting_and_advantage_plus() {
        let campaign = |name: &str| CampaignSurvey {
            name: name.to_owned(),
            kind: None,
            rows: 1,
            spend: 1.0,
            impressions: 1.0,
            clicks: 1.0,
            leads: 0.0,
            conversions: 0.0,
            revenue: 0.0,
            reports: Reports::default(),
        };
        for (name, kind) in [
            ("Prospecting | Broad", "prospecting"),
            ("Retargeting | DPA", "retargeting"),
            ("Advantage+ Shopping", "advantage-plus"),
            ("ASC | Advantage plus | NO", "advantage-plus"),
        ] {
            assert_eq!(
                campaign_type(Platform::Meta, &campaign(name)),
                kind,
                "{name}"
            );
        }
        assert_eq!(
            campaign_type(Platform::TikTok, &campaign("Advantage+ Shopping")),
            "prospecting"
        );
    }

    #[test]
    fn folder_names_are_made_safe() {
        assert_eq!(
            folder_name("Google Ads (NOK) 2025"),
            "Google-Ads--NOK--2025"
        );
        assert_eq!(folder_name(".hidden"), "hidden");
        assert_eq!(folder_name("æøå"), "account");
        assert_eq!(folder_name("index.html"), "account");
    }
}
