//! # budget-bandit
//!
//! Decides how to split a daily marketing budget across channels, learning online with
//! multi-armed bandits, and measures what the learning costs against an oracle that knows the
//! truth.
//!
//! The pieces, in the order a run uses them:
//!
//! - [`scenario`]: TOML scenario files, validated once into a [`scenario::Scenario`];
//! - [`sweep`]: a scenario file with a `[sweep]` table (or `--set` axes) expanded into
//!   variants, each validated like a file;
//! - [`channel`]: the model of a channel's expected response to spend (closed forms);
//! - [`dynamics`]: how a channel's market moves (shifts, weekdays, fatigue, conversion lag);
//! - [`constraints`] and [`objective`]: spend floors, caps and pacing; revenue or profit;
//! - [`simulate`]: drawing a channel's daily outcome (auction noise, funnel, values);
//! - [`oracle`]: the optimal split under the true model;
//! - [`benchmark`]: the oracle's split and value on every day, which regret is measured against;
//! - [`policy`]: the allocation policies behind one [`policy::Policy`] trait;
//! - [`checkpoints`]: the rows of the daily series, every day up to 2,000 days and
//!   log-spaced buckets beyond, so that long horizons keep bounded memory and files;
//! - [`simulation`]: the day loop of one replication, recording per row;
//! - [`runner`] and [`aggregate`]: every job of an invocation in one pool, folded in fixed
//!   blocks merged in a fixed order;
//! - [`invocation`]: the scenario files of a run and the writing of their results folders as
//!   their scenarios finish;
//! - [`shard`]: a run cut at block boundaries for a cluster's array jobs, and the exact merge;
//! - [`output`]: the results files (CSV, JSON, the scenario as run) and the ranked table;
//! - [`report`]: the charts and the report page, drawn from the results files;
//! - [`regret_bound`]: the Lai-Robbins lower bound of the classic Bernoulli bandit, drawn on
//!   the log-scale regret chart;
//! - [`results_folder`]: writing a results folder all or nothing, never over what
//!   budget-bandit did not write;
//! - [`cli`]: the command-line tool.
//!
//! ```
//! use budget_bandit::runner::run_scenario;
//! use budget_bandit::scenario::{Overrides, Scenario};
//!
//! let scenario = Scenario::builtin_default().with_overrides(&Overrides {
//!     replications: Some(4),
//!     days: Some(20),
//!     ..Overrides::default()
//! })?;
//! let results = run_scenario(&scenario, &|| {});
//! let best = &results.policies[results.ranking()[0]];
//! assert!(best.aggregate.revenue.mean() > 0.0);
//! # Ok::<(), budget_bandit::error::ScenarioError>(())
//! ```

#![deny(missing_docs)]

// What most users need, at the crate root: a scenario, the runner and its results, and the
// pieces of a policy of one's own. The modules below hold the rest.
pub use account::file::Account;
pub use channel::{Channel, Pricing};
pub use error::ScenarioError;
pub use objective::Objective;
pub use policy::{Arrival, ChannelObservations, Day, Observations, Policy};
pub use recommend::{Recommendation, recommend};
pub use results_folder::FolderError;
pub use runner::{PolicyResult, Runner, ScenarioResults};
pub use scenario::{Allocation, Overrides, Scenario};
pub use simulate::Outcome;
pub use streams::StreamRng;

pub mod account;
pub mod aggregate;
pub mod benchmark;
pub mod channel;
pub mod checkpoints;
pub mod cli;
pub mod constraints;
pub mod dynamics;
pub mod error;
pub mod fit;
pub mod invocation;
pub mod objective;
pub mod oracle;
pub mod output;
pub mod policy;
pub mod recommend;
pub mod regret_bound;
pub mod report;
pub mod results_folder;
pub mod runner;
pub mod sampling;
pub mod scenario;
pub mod shard;
pub mod simulate;
pub mod simulation;
pub mod special;
pub mod stats;
pub mod streams;
pub mod sweep;
