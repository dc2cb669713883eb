//! Which channel a history row belongs to: the account's `[channel_of]` names and patterns,
//! and the campaigns it leaves out (`ignore_campaigns`).
//!
//! A row's campaign (its channel cell, spaces around it trimmed) is looked up in this order:
//!
//! 1. **Left out**: a campaign that an `ignore_campaigns` entry matches is not read at all
//!    (a test campaign, another market's, an app campaign that earns elsewhere).
//! 2. **Exact names** in `[channel_of]` (`"Brand | Exact" = "search"`), case and all.
//! 3. **Patterns** in `[channel_of]`, in the file's order, the first that matches: a key with
//!    `*` (any run of characters, also none) or `?` (one character) is a pattern, matched
//!    without regard to case (`"Google | Search | *" = "search"`).
//! 4. The campaign's **own name**: a row may name its channel directly.
//!
//! `ignore_campaigns` entries are exact names or patterns alike.

/// A pattern or an exact campaign name of the account file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignPattern {
    /// As written (trimmed).
    pub text: String,
    /// Lowercase characters of a pattern, `None` for an exact name.
    folded: Option<Vec<char>>,
}

impl CampaignPattern {
    /// A name or pattern as the account file writes it: a pattern when it has `*` or `?`.
    pub fn new(text: &str) -> CampaignPattern {
        let text = text.trim();
        CampaignPattern {
            text: text.to_owned(),
            folded: is_pattern(text).then(|| text.to_lowercase().chars().collect()),
        }
    }

    /// Whether it is a pattern (rather than an exact name).
    pub fn is_pattern(&self) -> bool {
        self.folded.is_some()
    }

    /// Whether `campaign` is this name, or matches this pattern.
    ///
    /// ```
    /// use budget_bandit::account::campaigns::CampaignPattern;
    ///
    /// let search = CampaignPattern::new("Google | Search | *");
    /// assert!(search.matches("google | search | Brand"));
    /// assert!(!search.matches("Google | PMax | All"));
    /// assert!(CampaignPattern::new("Brand").matches("Brand"));
    /// assert!(!CampaignPattern::new("Brand").matches("brand"));
    /// ```
    pub fn matches(&self, campaign: &str) -> bool {
        match &self.folded {
            None => self.text == campaign,
            Some(pattern) => {
                let name: Vec<char> = campaign.to_lowercase().chars().collect();
                glob(pattern, &name)
            }
        }
    }
}

/// Whether a name written in the account file is a pattern.
pub fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// `*` and `?` wildcard matching, by the usual backtracking over the last star: linear in
/// practice, quadratic at worst, never exponential.
fn glob(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Where a campaign's rows go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination<'a> {
    /// To this channel, through `[channel_of]`.
    Mapped(&'a str),
    /// Nowhere: `ignore_campaigns` leaves it out.
    Ignored,
    /// Nothing maps it: its own name must be a channel.
    Unmapped,
}

/// The account's rules from campaigns to channels (see the [module docs](self)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Campaigns {
    /// `[channel_of]` entries, in the file's order: a name or pattern and its channel.
    pub channel_of: Vec<(CampaignPattern, String)>,
    /// `ignore_campaigns`, in the file's order.
    pub ignore: Vec<CampaignPattern>,
}

impl Campaigns {
    /// Rules from `[channel_of]` pairs (campaign or pattern, channel) and `ignore_campaigns`.
    pub fn new<'a>(
        channel_of: impl IntoIterator<Item = (&'a str, &'a str)>,
        ignore: impl IntoIterator<Item = &'a str>,
    ) -> Campaigns {
        Campaigns {
            channel_of: channel_of
                .into_iter()
                .map(|(campaign, channel)| (CampaignPattern::new(campaign), channel.trim().into()))
                .collect(),
            ignore: ignore.into_iter().map(CampaignPattern::new).collect(),
        }
    }

    /// Where `campaign`'s rows go.
    ///
    /// ```
    /// use budget_bandit::account::campaigns::{Campaigns, Destination};
    ///
    /// let rules = Campaigns::new(
    ///     [("Brand | Exact", "brand"), ("* | Search | *", "search")],
    ///     ["Test *"],
    /// );
    /// assert_eq!(rules.destination("Brand | Exact"), Destination::Mapped("brand"));
    /// assert_eq!(rules.destination("Google | Search | Generic"), Destination::Mapped("search"));
    /// assert_eq!(rules.destination("test campaign"), Destination::Ignored);
    /// assert_eq!(rules.destination("display"), Destination::Unmapped);
    /// ```
    pub fn destination(&self, campaign: &str) -> Destination<'_> {
        let campaign = campaign.trim();
        if self.ignore.iter().any(|p| p.matches(campaign)) {
            return Destination::Ignored;
        }
        let exact = self
            .channel_of
            .iter()
            .find(|(p, _)| !p.is_pattern() && p.matches(campaign));
        let pattern = || {
            self.channel_of
                .iter()
                .find(|(p, _)| p.is_pattern() && p.matches(campaign))
        };
        match exact.or_else(pattern) {
            Some((_, channel)) => Destination::Mapped(channel),
            None => Destination::Unmapped,
        }
    }

    /// Whether any rule is a pattern or an ignore entry (the user maps by rules, so a campaign
    /// that none matches is more likely a gap in the rules than a channel of its own).
    pub fn has_rules(&self) -> bool {
        !self.ignore.is_empty() || self.channel_of.iter().any(|(p, _)| p.is_pattern())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, name: &str) -> bool {
        CampaignPattern::new(pattern).matches(name)
    }

    #[test]
    fn wildcards_match_runs_and_single_characters_without_regard_to_case() {
        assert!(matches("*", ""));
        assert!(matches("*", "anything"));
        assert!(matches("Google | *", "GOOGLE | Search"));
        assert!(matches("*brand*", "NO | Brand | Exact"));
        assert!(matches("a?c", "abc"));
        assert!(!matches("a?c", "ac"));
        assert!(matches("a*b*c", "a-b-b-c"));
        assert!(!matches("a*b*c", "a-b-b-d"));
        assert!(matches("[NO] *", "[no] Search"));
        assert!(!matches("Search *", "PMax Search x"));
        assert!(matches("ø*", "Østlandet"));
        // Worst cases stay fast.
        let long = "a".repeat(2000);
        assert!(!matches(&format!("{}b", "*a".repeat(50)), &long));
    }

    #[test]
    fn exact_names_win_over_patterns_and_patterns_go_in_file_order() {
        let rules = Campaigns::new(
            [
                ("Search | *", "search"),
                ("Search | Brand", "brand"),
                ("search | b*", "other"),
            ],
            ["* | Test"],
        );
        assert_eq!(
            rules.destination("Search | Brand"),
            Destination::Mapped("brand")
        );
        assert_eq!(
            rules.destination("Search | Bread"),
            Destination::Mapped("search")
        );
        assert_eq!(rules.destination("Search | Test"), Destination::Ignored);
        assert_eq!(rules.destination(" Display "), Destination::Unmapped);
        assert!(rules.has_rules());
        assert!(!Campaigns::new([("a", "b")], []).has_rules());
    }
}
