//! Reading an account's daily history: a long CSV, one row per day and campaign.
//!
//! (The reader is being written; these are the types the rest of the account room uses.)

use super::date::Date;

/// The CSV header of each figure the history reads (`[columns]` in the account file renames
/// them, so that a platform export is read as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnNames {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The campaign or channel of the row (mapped to a channel by `channel_of`).
    pub channel: String,
    /// Money spent that day.
    pub spend: String,
    /// Impressions served (needed for cpm channels).
    pub impressions: String,
    /// Clicks (needed for cpc and cpm channels).
    pub clicks: String,
    /// Leads (needed for cpl channels).
    pub leads: String,
    /// Conversions (always needed).
    pub conversions: String,
    /// Revenue of the conversions (always needed).
    pub revenue: String,
}

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            date: "date".into(),
            channel: "channel".into(),
            spend: "spend".into(),
            impressions: "impressions".into(),
            clicks: "clicks".into(),
            leads: "leads".into(),
            conversions: "conversions".into(),
            revenue: "revenue".into(),
        }
    }
}

/// One channel's figures of one day, summed over its campaigns; counts the history does not
/// report are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayFigures {
    /// Money spent.
    pub spend: f64,
    /// Impressions served, if reported.
    pub impressions: Option<f64>,
    /// Clicks, if reported.
    pub clicks: Option<f64>,
    /// Leads, if reported.
    pub leads: Option<f64>,
    /// Conversions.
    pub conversions: f64,
    /// Revenue of the conversions.
    pub revenue: f64,
}

/// An account's history as a dense table: every day from the first to the last date of the
/// file, every channel of the account (in account order); days without a row are zero.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The first day of the history.
    pub first_date: Date,
    /// Days from the first to the last date, inclusive.
    pub days: usize,
    /// Channels per day (the account's channels).
    pub channels: usize,
    /// `days × channels` figures, day-major.
    pub figures: Vec<DayFigures>,
}

impl History {
    /// The figures of zero-based day `day` (one per channel).
    pub fn day(&self, day: usize) -> &[DayFigures] {
        &self.figures[day * self.channels..(day + 1) * self.channels]
    }

    /// The last day of the history.
    pub fn last_date(&self) -> Date {
        self.first_date.plus(self.days as i64 - 1)
    }
}
