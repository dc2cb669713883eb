//! # budget-bandit
//!
//! Decides how to split a daily marketing budget across channels, learning online with
//! multi-armed bandits, and measures what the learning costs against an oracle that knows the
//! truth.
//!
//! ## Start here
//!
//! What most users need is re-exported at the crate root:
//!
//! - a [`Scenario`] (loaded from a TOML file, or [`Scenario::builtin_default`]) with
//!   [`Overrides`] for its horizon, replications, seed or policies;
//! - a [`Runner`] that simulates its policies, and policies of your own beside them
//!   ([`Runner::with_policy`]), into [`ScenarioResults`]: each [`PolicyResult`], the ranking,
//!   the table ([`ScenarioResults::table`]) and the results folder with its charts
//!   ([`ScenarioResults::write_folder`]);
//! - the pieces of a policy of your own: the [`Policy`] trait, the [`Day`] it splits, the
//!   shared [`Observations`] (one [`ChannelObservations`] per channel), what a day's spend
//!   bought ([`Outcome`]), conversions arriving late ([`Arrival`]), its random stream
//!   ([`StreamRng`]) and, for `recommend`, a draw of its posterior ([`ResponseDraw`]);
//! - tomorrow's split of a real [`Account`] from its history: [`recommend()`] and its
//!   [`Recommendation`];
//! - the model's vocabulary: [`Channel`], [`Pricing`], [`Allocation`], [`Objective`], and the
//!   errors, [`ScenarioError`] (bad input, with file, line and column) and [`FolderError`].
//!
//! A run, ranked:
//!
//! ```
//! use budget_bandit::{Overrides, Runner, Scenario};
//!
//! let scenario = Scenario::builtin_default().with_overrides(&Overrides {
//!     replications: Some(4),
//!     days: Some(20),
//!     ..Overrides::default()
//! })?;
//! let results = Runner::new(&scenario).run()?;
//! let best = &results.policies[results.ranking()[0]];
//! assert_eq!(best.spec.name, "oracle");
//! assert!(best.aggregate.revenue.mean() > 0.0);
//! # Ok::<(), budget_bandit::ScenarioError>(())
//! ```
//!
//! A policy of your own beside the built-in ones: see [`Runner`], and
//! `examples/custom_policy.rs` for a complete one. Tomorrow's split of an account:
//!
//! ```
//! use budget_bandit::recommend::{DEFAULT_DRAWS, Settings};
//! use budget_bandit::{Account, recommend};
//!
//! let account = Account::load("results/default-account/account.toml".as_ref())?;
//! let history = account.read_history()?;
//! let settings = Settings { draws: 200, seed: 1, plan_days: 0 };
//! let advice = recommend(&account, &history, settings)?;
//! let spend: f64 = advice.channels.iter().map(|c| c.recommended_spend).sum();
//! assert!(spend <= account.daily_budget * (1.0 + 1e-9));
//! # let _ = DEFAULT_DRAWS;
//! # Ok::<(), budget_bandit::ScenarioError>(())
//! ```
//!
//! ## The modules
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
//! - [`output`]: the results files (CSV, JSON, the scenario as run) and the ranked table;
//! - [`report`]: the charts and the report page, drawn from the results files;
//! - [`regret_bound`]: the Lai-Robbins lower bound of the classic Bernoulli bandit, drawn on
//!   the log-scale regret chart;
//! - [`results_folder`]: writing a results folder all or nothing, never over what
//!   budget-bandit did not write;
//! - [`account`], [`fit`] and [`recommend`](mod@recommend): an account's files, a scenario
//!   calibrated from its history, and tomorrow's split;
//! - [`schema`]: the JSON Schemas of scenario and account files, for editors that check TOML
//!   as you type;
//! - [`init`]: commented templates of a scenario and an account that run as they are.
//!
//! The command-line tool's own plumbing (`cli`, `invocation`: the writing of a run's results
//! folders as its scenarios finish, `shard`: a run cut for a cluster's array jobs and the
//! exact merge) is public for the binary only and left out of these pages: use the
//! `budget-bandit` command for what it does.

#![deny(missing_docs)]

// What most users need, at the crate root: a scenario, the runner and its results, and the
// pieces of a policy of one's own. The modules below hold the rest.
pub use account::file::Account;
pub use channel::{Channel, Pricing};
pub use error::ScenarioError;
pub use objective::Objective;
pub use policy::{Arrival, ChannelObservations, Day, Observations, Policy, ResponseDraw};
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
#[doc(hidden)]
pub mod cli;
pub mod constraints;
pub mod dynamics;
pub mod error;
pub mod fit;
pub mod footprint;
pub mod init;
#[doc(hidden)]
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
pub mod schema;
#[doc(hidden)]
pub mod shard;
pub mod simulate;
pub mod simulation;
pub mod special;
pub mod stats;
pub mod streams;
pub mod sweep;
pub mod toml_text;
