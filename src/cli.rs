//! The command-line interface: arguments become checked settings, then the library does the
//! work. `main` only calls [`main`] here.
//!
//! Exit codes: 0 on success, 2 for bad input (a scenario file, a flag value, something in the
//! output folder that budget-bandit did not write), 1 when results cannot be written. A closed
//! standard output (`budget-bandit run | head`) is not an error, nor is a closed or broken
//! standard error: its lines are lost, the exit code stays (see the `say!` macro).

/// `eprintln!` that never fails: a standard error closed or piped into a reader that quit
/// (`budget-bandit validate x 2>&1 | true`) loses the line instead of panicking (exit code
/// 101); the run's own exit code is what tells the outcome.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use crate::account::date::Date;
use crate::account::export::{
    ForeignFile, HistoryWriteError, default_start, export_history, write_history,
};
use crate::benchmark::{Benchmark, BenchmarkKind};
use crate::error::ScenarioError;
use crate::invocation::{Invocation, Writer, Written};
use crate::output::json::Tool;
use crate::output::table::{TableView, money, name_width, ranked_table, thousands};
use crate::report::ReportError;
use crate::report::data::LoadError;
use crate::results_folder::{Claim, FolderError, NotOurs, redraw};
use crate::runner::run_scenarios;
use crate::scenario::{
    DEFAULT_SCENARIO, MAX_DAYS, MAX_REPLICATIONS, MAX_SEED, Overrides, Scenario, seed_range_message,
};
use crate::schema::FileKind;
use crate::shard::cluster::shard_of;
use crate::shard::{Shard, ShardError, merge, run_shard, shard_jobs};
use crate::sweep::{Setting, Study, StudyInput};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The scenario file reference printed after `--help` (the README has the full tables).
pub const SCENARIO_REFERENCE: &str = "\
Scenario files (TOML; full reference in the README):
  top level   name, description, days, daily_budget, currency, seed, replications,
              allocation = proportional | winner-takes-all,
              objective = revenue | profit, target_roas (profit: least marginal ROAS worth
              buying, default 1), start_weekday = monday..sunday,
              max_daily_change (largest day-to-day change of a channel's share, 0-1),
              baseline (the policy the others are compared with; default: the first
              fixed policy, what the account runs today); all above the first [[...]]
  [[channels]] name, pricing = cpm | cpc | cpl | cpa, price, price_cv, ctr (cpm), cvr (not cpa),
              value, value_cv, audience (diminishing returns),
              min_share / min_spend, max_share / max_spend (floors and caps),
              weekday = [7 cvr multipliers, Monday first],
              fatigue = { strength, recovery }, lag = { mean_days, max_days }
  [[channels.shifts]] day (from 1), and multipliers price, ctr, cvr, value, audience
  [[policies]] kind = fixed (shares = { search = 0.6, social = 0.4 }, channels not named
              get 0, or [0.6, 0.4] in channel order) | epsilon-greedy (epsilon, decay) |
              thompson (prior_alpha, prior_beta, draws) | ucb (loglog_factor) |
              discounted-thompson (discount, + thompson's) |
              sliding-window-thompson (window, + thompson's) |
              saturation-thompson (prior_alpha, prior_beta) |
              gp-ucb (grid, beta, prior_alpha, prior_beta) |
              gp-thompson (grid, prior_alpha, prior_beta) | oracle; optional name
  [sweep]     axes: dotted paths with lists, e.g. daily_budget = [5000.0, 10000.0],
              \"channels.search.price_cv\" = [0.0, 0.2], \"policies.epsilon-greedy.epsilon\" =
              [0.05, 0.1]; mode = product (default) | zip. Same as --set PATH=a,b,c

Start from `budget-bandit init scenario` (a commented template that runs as it is); editors
check the file as you type with `budget-bandit schema scenario` (JSON Schema, for taplo).

Warnings (stderr, also with --quiet; the run goes on): a shift dated after the horizon
(after --days), and --policies leaving out the baseline the file names.

Exit codes: 0 success; 2 bad input, or something in --out that budget-bandit did not write
(nothing is run or written); 1 results could not be written.";

/// The account file and history reference printed after `recommend --help` and `fit --help`
/// (the README has the full tables).
pub const ACCOUNT_REFERENCE: &str = "\
Account files (TOML; full reference in the README):
  top level   name, daily_budget (tomorrow's), history (the CSV, relative to the account
              file), currency, objective = revenue | profit, target_roas,
              max_daily_change (pacing against the last day's split), seed,
              policy = auto (default: the learner that loses least on the fitted
              market) | saturation-thompson | thompson | discounted-thompson |
              sliding-window-thompson | epsilon-greedy | ucb | gp-ucb | gp-thompson, or a
              [policy] table with kind and parameters
  [columns]   the CSV's headers: date, channel, spend, impressions, clicks, leads,
              conversions, revenue (e.g. spend = \"Cost\")
  [channel_of] campaign = channel, for campaigns that belong to one channel
  [[channels]] name, pricing = cpm | cpc | cpl | cpa, min_share / min_spend,
              max_share / max_spend, freeze = true (keep the last day's spend),
              lag = { mean_days, max_days }, weekday = [7 multipliers, Monday first]

Start from `budget-bandit init account` (a commented template and an example history);
editors check the file as you type with `budget-bandit schema account`.

History CSV: one row per day and campaign; dates YYYY-MM-DD; numbers may carry thousands
separators and a currency; an empty cell is not reported; days without rows are no spend.

Exit codes: 0 success; 2 bad input (account file, history CSV with file:row:column, flag
values, or something in --out that budget-bandit did not write; nothing is written);
1 results could not be written.";

/// Split a daily marketing budget across channels with multi-armed bandits, and measure what
/// learning costs against an oracle that knows the truth.
#[derive(Debug, Parser)]
#[command(name = "budget-bandit", version, about, long_about = None, after_help = SCENARIO_REFERENCE)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate every policy of each scenario, print a ranked table and write
    /// `OUT/<scenario>/` (summary.csv, channels.csv, daily.csv, summary.json, scenario.toml).
    ///
    /// An earlier results folder of that name is replaced whole once the new one is complete.
    /// Anything there that budget-bandit did not write (a folder without its .budget-bandit
    /// marker, a file, a link), or an index.html it did not write, stops the run before any
    /// simulation.
    #[command(after_help = SCENARIO_REFERENCE)]
    Run(RunArgs),
    /// Check scenario files and print each one's channels, oracle split and expected ROAS;
    /// account files (those with a `history`) are checked with their history CSV, and their
    /// history summarised per channel.
    #[command(after_help = SCENARIO_REFERENCE)]
    Validate(ValidateArgs),
    /// Redraw the charts and report.html of earlier runs from their CSV and JSON files,
    /// without simulating again.
    Chart(ChartArgs),
    /// Recommend tomorrow's split of a real account from its daily history: the split that
    /// maximises the posterior expected objective, the learner's exploring split, and a 90%
    /// interval of each channel's optimal spend. Writes `OUT/<account>/` (recommendation.csv,
    /// recommendation.json, account.toml, history.csv, charts/, report.html) all or nothing.
    #[command(after_help = ACCOUNT_REFERENCE)]
    Recommend(RecommendArgs),
    /// Calibrate a scenario from an account's history (price, rates, value, audience: posterior
    /// means, each with its 90% interval in a comment), so that `run` compares policies on a
    /// market like the account's own. Prints the scenario TOML, or writes it with --out.
    #[command(after_help = ACCOUNT_REFERENCE)]
    Fit(FitArgs),
    /// Write the daily history one replication of a policy would have produced on a scenario,
    /// as an account's files: `OUT/<scenario>.csv` (date, channel, spend, impressions, clicks,
    /// leads, conversions, revenue) and the account file `OUT/<scenario>.toml` that reads it.
    ///
    /// Conversions are those of each day's spend that arrived by the last day, so under
    /// conversion lag the last days are incomplete, as in a real export. Earlier files of that
    /// name are replaced only if `history` wrote them.
    History(HistoryArgs),
    /// Merge the shard folders of a sharded run (`run --shard K/N`, or an array job on a
    /// cluster) into the results folder the unsharded run writes, byte for byte.
    ///
    /// The folders must be the shards 1 to N of one run (one scenario file, seed, --set and
    /// flags), each once; otherwise nothing is written and the exit code is 2.
    Merge(MergeArgs),
    /// Print the completion script of a shell to standard output.
    ///
    /// bash: `budget-bandit completions bash > ~/.local/share/bash-completion/completions/budget-bandit`;
    /// zsh: `budget-bandit completions zsh > _budget-bandit` in a folder on `$fpath`;
    /// fish: `budget-bandit completions fish > ~/.config/fish/completions/budget-bandit.fish`;
    /// PowerShell: `budget-bandit completions powershell | Out-String | Invoke-Expression` in
    /// the profile.
    Completions(CompletionsArgs),
    /// Print the man page (roff) of budget-bandit, or of one of its subcommands, to standard
    /// output: `budget-bandit man > budget-bandit.1`, then `man ./budget-bandit.1`.
    Man(ManArgs),
    /// Print the JSON Schema of scenario or account files to standard output, for editors that
    /// check TOML as you type (taplo, VS Code's "Even Better TOML"): the same bytes as the
    /// repository's schema/scenario.json and schema/account.json.
    ///
    /// `budget-bandit schema scenario > scenario.schema.json`, then make `#:schema
    /// ./scenario.schema.json` the first line of a scenario file in that folder.
    Schema(SchemaArgs),
    /// Write a commented template of a scenario or an account file: every field with its
    /// default and meaning, on the channels of a typical web shop, ready to run as it is.
    ///
    /// `init scenario` writes NAME.toml (default my-shop.toml) for `run`; `init account` writes
    /// NAME.toml (default my-shop-account.toml) and an example history NAME.csv beside it for
    /// `recommend` and `fit`. NAME may be a path; it never replaces a file that exists (exit
    /// code 2, nothing written).
    Init(InitArgs),
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Which file to write.
    #[arg(value_enum)]
    pub kind: FileKind,
    /// The file to write, NAME.toml, with or without `.toml` (and for an account also
    /// NAME.csv); its file name is also the `name` in the file and of the results folder.
    /// With `--from`, the default is the export's name beside it, and no CSV is written.
    #[arg(value_name = "NAME")]
    pub name: Option<PathBuf>,
    /// `init account` only: write the account file for this daily campaign export (Google
    /// Ads, Microsoft Advertising, Meta, LinkedIn, TikTok, Snapchat, or budget-bandit's own
    /// columns): its columns, its campaigns grouped into channels by platform and type, each
    /// channel's pricing and the recent daily budget, as commented TOML to review.
    #[arg(long, value_name = "EXPORT")]
    pub from: Option<PathBuf>,
}

/// Options of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which files the schema describes.
    #[arg(value_enum)]
    pub kind: FileKind,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (e.g. run); without it, the page of budget-bandit.
    #[arg(value_name = "SUBCOMMAND", value_parser = subcommand_name)]
    pub subcommand: Option<String>,
}

/// What a command prints on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The aligned table for people.
    #[default]
    Table,
    /// One JSON document for the whole invocation (see the README for its fields).
    Json,
    /// CSV with one header: the rows of the results folders' CSV files.
    Csv,
}

/// A subcommand's name, checked against the command line's own.
fn subcommand_name(text: &str) -> Result<String, String> {
    let command = <Cli as clap::CommandFactory>::command();
    let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    if names.contains(&text) {
        Ok(text.to_string())
    } else {
        Err(format!("no subcommand {text}; one of {}", names.join(", ")))
    }
}

/// Options of `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The scenario TOML file whose market the history comes from.
    pub scenario: PathBuf,
    /// The policy of the scenario that spends the budget, by name.
    #[arg(long, value_name = "NAME")]
    pub policy: String,
    /// Which replication of the policy (its random draws), from 0 to 2^63 − 1.
    #[arg(long, value_name = "R", default_value_t = 0, allow_negative_numbers = true, value_parser = replication_flag)]
    pub replication: u64,
    /// Days of history, replacing the scenario's `days`.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = days_flag)]
    pub days: Option<u64>,
    /// Date of the first day, YYYY-MM-DD (default: the first date from 2026-01-05 on the
    /// scenario's `start_weekday`).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_flag)]
    pub start: Option<Date>,
    /// Folder that receives the two files; created if missing.
    #[arg(long, value_name = "DIR", default_value = "history")]
    pub out: PathBuf,
    /// Say nothing on stderr about what was written (warnings and errors still show).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `recommend`.
#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// The account TOML file (its `history` CSV is read relative to it).
    pub account: PathBuf,
    /// Folder that receives the results folder `<account name>/`; created if missing.
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub out: PathBuf,
    /// Seed of the posterior draws, replacing the account's `seed`.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = seed_flag)]
    pub seed: Option<u64>,
    /// Joint posterior draws of the response curves.
    #[arg(long, value_name = "N", default_value_t = crate::recommend::DEFAULT_DRAWS,
          value_parser = draws_flag)]
    pub draws: usize,
    /// Also plan the next N days (plan.csv): each day's posterior-best split, paced from the
    /// day before, and the total budget it spends.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=3660))]
    pub days: Option<u16>,
    /// No status lines on stderr (the table still goes to stdout, warnings and errors to
    /// stderr).
    #[arg(long, short)]
    pub quiet: bool,
    /// Write only the CSV and JSON files: no charts/ or report.html.
    #[arg(long)]
    pub no_charts: bool,
    /// What to print on standard output: the table, the recommendation.json document, or the
    /// rows of recommendation.csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The account TOML file (its `history` CSV is read relative to it).
    pub account: PathBuf,
    /// Write the scenario to this file instead of standard output (a file `fit` did not
    /// write is never replaced).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Horizon of the fitted scenario, in days.
    #[arg(long, value_name = "N", default_value_t = 90, value_parser = days_flag)]
    pub days: u64,
}

/// `--draws`: a whole number from 10 to 100,000.
fn draws_flag(text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| (10..=100_000).contains(n))
        .ok_or_else(|| {
            format!("the posterior draws must be a whole number from 10 to 100000, got {text}")
        })
}

/// Options of `chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Results folders written by `run`, such as results/default.
    #[arg(required = true, value_name = "RESULTS_DIR")]
    pub folders: Vec<PathBuf>,
}

/// Options of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario TOML files; without any, the built-in default scenario
    /// (the same as scenarios/default.toml).
    pub scenarios: Vec<PathBuf>,
    /// Folder that receives one results folder per scenario, and index.html; created if
    /// missing.
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub out: PathBuf,
    /// Replications per policy, replacing the scenario's `replications`.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = replications_flag)]
    pub replications: Option<u64>,
    /// Master seed, replacing the scenario's `seed`.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = seed_flag)]
    pub seed: Option<u64>,
    /// Horizon in days, replacing the scenario's `days`.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = days_flag)]
    pub days: Option<u64>,
    /// Worker threads (default: one per core). Results are identical for any value.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Run only these policies, by name, comma-separated (e.g. thompson,oracle).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub policies: Option<Vec<String>>,
    /// No progress bar and no status lines on stderr (the ranked table still goes to stdout,
    /// warnings and errors to stderr).
    #[arg(long, short)]
    pub quiet: bool,
    /// Write only the CSV and JSON files: no charts/, report.html or index.html.
    #[arg(long)]
    pub no_charts: bool,
    /// Run even when the estimate of memory (over 4 GB) or of files written (over 2 GB) says
    /// the run is larger than a run should be by accident.
    #[arg(long)]
    pub allow_large: bool,
    /// Show money in the table per day (the horizon's mean) instead of totals over the
    /// horizon. The files always hold totals.
    #[arg(long)]
    pub per_day: bool,
    /// Change one field of every scenario, PATH=VALUE (a dotted path such as
    /// channels.search.price_cv=0.2 or policies.epsilon-greedy.epsilon=0.1); PATH=a,b,c makes
    /// it a sweep axis. Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = setting_flag)]
    pub set: Vec<Setting>,
    /// Run only shard K of N of the jobs (whole blocks of replications, balanced by work) and
    /// write the shard folder `OUT/<scenario>.shard-K-of-N/` for `merge`. Without it, a Slurm
    /// array task (SLURM_ARRAY_TASK_ID), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with
    /// --shards) or an AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX, with --shards) runs its
    /// own shard.
    #[arg(long, value_name = "K/N", value_parser = shard_flag)]
    pub shard: Option<Shard>,
    /// The number of shards, for array jobs whose environment gives only the index
    /// (Kubernetes, AWS Batch).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=crate::shard::MAX_SHARDS as i64))]
    pub shards: Option<u32>,
    /// What to print on standard output: the ranked tables, one JSON document with every
    /// scenario's summary, or the summary rows of every scenario as one CSV.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders of one run, `OUT/<scenario>.shard-K-of-N`, every K from 1 to N once.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Folder that receives the results folder `<scenario>/` (and index.html); created if
    /// missing.
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub out: PathBuf,
    /// No status lines on stderr (the table still goes to stdout).
    #[arg(long, short)]
    pub quiet: bool,
    /// Write only the CSV and JSON files: no charts/, report.html or index.html.
    #[arg(long)]
    pub no_charts: bool,
    /// Show money in the table per day instead of totals over the horizon.
    #[arg(long)]
    pub per_day: bool,
    /// Merge even where the estimated memory or files exceed the limits (4 GB of memory, 2 GB
    /// of files), as `run --allow-large` runs.
    #[arg(long)]
    pub allow_large: bool,
}

/// `--shard`: K/N.
fn shard_flag(text: &str) -> Result<Shard, String> {
    text.parse()
}

/// `--set`: PATH=VALUE or PATH=a,b,c.
fn setting_flag(text: &str) -> Result<Setting, String> {
    Setting::parse(text)
}

/// `--seed`: a whole number from 0 to 2^63 − 1, the seeds a scenario file can hold.
fn seed_flag(text: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .ok()
        .filter(|seed| *seed <= MAX_SEED)
        .ok_or_else(|| seed_range_message(text))
}

/// `--replication`: a whole number from 0 to 2^63 − 1, as replication streams are keyed.
fn replication_flag(text: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .ok()
        .filter(|replication| *replication <= MAX_SEED)
        .ok_or_else(|| {
            format!(
                "the replication must be a whole number from 0 to {MAX_SEED} (2^63 − 1), got {text}"
            )
        })
}

/// `--start`: a calendar date.
fn date_flag(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("the start must be a date YYYY-MM-DD, got {text}"))
}

/// `--days`: a whole number. Its range is checked with the scenario, which also bounds the
/// daily series' rows × channels.
fn days_flag(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| {
        format!("the horizon must be a whole number of days from 1 to {MAX_DAYS}, got {text}")
    })
}

/// `--replications`: a whole number, range-checked with the scenario.
fn replications_flag(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| {
        format!(
            "the number of replications must be a whole number from 1 to {MAX_REPLICATIONS}, \
             got {text}"
        )
    })
}

/// Prints a scenario's warnings on standard error, even with `--quiet`: they concern the
/// user's input.
fn print_warnings(scenario: &Scenario) {
    for warning in scenario.warnings() {
        say!("warning: {warning}");
    }
}

/// Options of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario or account TOML files to check.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// What to print on standard output: the descriptions, one JSON document with every
    /// file's verdict and what it holds, or one CSV row per file (file, ok, kind, name, error).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Why a command failed, and so its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: exit code 2.
    #[error("{0}")]
    Input(#[from] ScenarioError),
    /// Several bad inputs, already reported: exit code 2.
    #[error("{} {} errors", .0, if *.0 == 1 { "file has" } else { "files have" })]
    InputsReported(usize),
    /// A results folder given to `chart` is missing or damaged: exit code 2.
    #[error("{0}")]
    Results(#[from] LoadError),
    /// Something budget-bandit did not write is where results would go: exit code 2.
    #[error("{0}")]
    NotOurs(#[from] NotOurs),
    /// A file budget-bandit did not write is where a history would go: exit code 2.
    #[error("{0}")]
    ForeignFile(#[from] ForeignFile),
    /// Results, charts or the report could not be written or drawn: exit code 1.
    #[error("{0}")]
    Output(ReportError),
    /// The worker threads could not start: exit code 1.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

impl From<crate::fit::WriteScenarioError> for CliError {
    fn from(error: crate::fit::WriteScenarioError) -> Self {
        match error {
            crate::fit::WriteScenarioError::Refused(e) => CliError::Input(e),
            crate::fit::WriteScenarioError::Write(e) => CliError::Output(e.into()),
        }
    }
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_)
            | CliError::InputsReported(_)
            | CliError::Results(_)
            | CliError::NotOurs(_)
            | CliError::ForeignFile(_) => 2,
            CliError::Output(_) | CliError::Threads(_) => 1,
        }
    }
}

impl From<FolderError> for CliError {
    fn from(error: FolderError) -> Self {
        match error {
            FolderError::NotOurs(error) => CliError::NotOurs(error),
            FolderError::Report(ReportError::Load(error)) => CliError::Results(error),
            FolderError::Report(error) => CliError::Output(error),
        }
    }
}

impl From<ShardError> for CliError {
    fn from(error: ShardError) -> Self {
        match error {
            ShardError::Input(error) => CliError::Input(error),
            ShardError::Folder(error) => error.into(),
        }
    }
}

impl From<HistoryWriteError> for CliError {
    fn from(error: HistoryWriteError) -> Self {
        match error {
            HistoryWriteError::Foreign(error) => CliError::ForeignFile(error),
            HistoryWriteError::Write(error) => CliError::Output(error.into()),
        }
    }
}

/// Parses the command line, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            say!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// Runs a parsed command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run_command(args),
        Command::Validate(args) => validate_command(args),
        Command::Chart(args) => chart_command(args),
        Command::History(args) => history_command(args),
        Command::Recommend(args) => recommend_command(args),
        Command::Fit(args) => fit_command(args),
        Command::Merge(args) => merge_command(args),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "budget-bandit", &mut script);
            print(&String::from_utf8_lossy(&script));
            Ok(())
        }
        Command::Man(args) => {
            print(&man_page(args.subcommand.as_deref()));
            Ok(())
        }
        Command::Schema(args) => {
            print(&crate::schema::json(args.kind));
            Ok(())
        }
        Command::Init(args) => init_command(args),
    }
}

/// The man page (roff) of budget-bandit, or of its subcommand named `subcommand` (the whole
/// command's page when there is no such subcommand).
pub fn man_page(subcommand: Option<&str>) -> String {
    let mut command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    command.build();
    let page = match subcommand.and_then(|name| command.find_subcommand(name)) {
        Some(sub) => clap_mangen::Man::new(sub.clone()),
        None => clap_mangen::Man::new(command),
    }
    .source(concat!("budget-bandit ", env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    page.render(&mut roff)
        .expect("rendering into memory does not fail");
    String::from_utf8_lossy(&roff).into_owned()
}

/// Writes to stdout; a closed pipe ends output quietly instead of failing.
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

fn init_command(args: InitArgs) -> Result<(), CliError> {
    use crate::init::{InitError, default_name, template, write_new};
    let failed = |error| match error {
        InitError::Input(error) => CliError::Input(error),
        InitError::Write(error) => CliError::Output(error.into()),
    };
    if let Some(export) = &args.from {
        if args.kind != FileKind::Account {
            return Err(CliError::Input(ScenarioError::whole_file(
                "--from",
                "reads an export into an account file: use `init account --from EXPORT`".into(),
            )));
        }
        let written = crate::init::from_export::write_from_export(export, args.name.as_deref())
            .map_err(failed)?;
        let path = written.path.display();
        say!(
            "wrote {path}: review its channels, pricing and budget, then `budget-bandit recommend \
             {path}`"
        );
        if written.currency.is_none() {
            say!(
                "note: the export names no currency, so every amount will read EUR: set \
                 `currency` in {path} (for example currency = \"NOK\")"
            );
        }
        return Ok(());
    }
    let name = args
        .name
        .unwrap_or_else(|| PathBuf::from(default_name(args.kind)));
    let files = template(args.kind, &name)?;
    write_new(&files).map_err(failed)?;
    for (path, _) in &files {
        say!("wrote {}", path.display());
    }
    Ok(())
}

fn load_studies(args: &RunArgs) -> Result<(Vec<StudyInput>, Vec<Study>), CliError> {
    let overrides = Overrides {
        days: args.days,
        replications: args.replications,
        seed: args.seed,
        policies: args.policies.clone(),
    };
    let inputs = if args.scenarios.is_empty() {
        vec![StudyInput::new(
            "built-in default scenario".into(),
            DEFAULT_SCENARIO.into(),
            &args.set,
            &overrides,
        )]
    } else {
        args.scenarios
            .iter()
            .map(|path| StudyInput::load(path, &args.set, &overrides))
            .collect::<Result<Vec<_>, _>>()?
    };
    let loaded = inputs
        .iter()
        .map(|input| {
            input.study().map_err(|error| {
                guide_kind(
                    &input.origin,
                    &input.source,
                    FileKind::Scenario,
                    "run",
                    error,
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut studies: Vec<Study> = Vec::new();
    for study in loaded {
        // Names are ASCII (checked in validation); case-insensitive file systems would put
        // `Shop` and `shop` in one folder.
        let clash = studies
            .iter()
            .find(|s| s.name().eq_ignore_ascii_case(study.name()));
        if let Some(earlier) = clash {
            let message = if earlier.name() == study.name() {
                format!(
                    "scenario name '{}' is also used by {}; each scenario writes the results \
                     folder of its name, so names must differ",
                    study.name(),
                    earlier.origin()
                )
            } else {
                format!(
                    "scenario name '{}' is also used by {}, as '{}'; each scenario writes the \
                     results folder of its name, and names that differ only in letter case \
                     share one folder on case-insensitive file systems",
                    study.name(),
                    earlier.origin(),
                    earlier.name()
                )
            };
            let file = Scenario::load(std::path::Path::new(study.origin()))
                .unwrap_or_else(|_| study.scenarios()[0].clone());
            return Err(file.name_error(message).into());
        }
        for warning in study.warnings() {
            say!("warning: {warning}");
        }
        studies.push(study);
    }
    Ok((inputs, studies))
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>16} [{bar:40}] {pos}/{len} jobs ({per_sec}), {eta} left",
        )
        .expect("the progress template is valid")
        .progress_chars("=> "),
    );
    bar
}

fn run_command(args: RunArgs) -> Result<(), CliError> {
    let (inputs, studies) = load_studies(&args)?;
    let invocation = Invocation::new(studies);
    let shard = shard_of(args.shard, args.shards, &|name| std::env::var(name).ok())
        .map_err(|why| ScenarioError::whole_file("run", why))?;
    // Before anything is written or simulated: a run of a size no one asks for by accident.
    let threads = args
        .threads
        .map_or_else(rayon::current_num_threads, usize::from);
    let mut footprint = crate::footprint::estimate(
        invocation.scenarios(),
        threads,
        !args.no_charts && shard.is_none(),
    );
    if shard.is_some() {
        // A shard writes its blocks, not daily series.
        footprint.disk = 0;
    }
    if let Some(why) = footprint.refusal().filter(|_| !args.allow_large) {
        return Err(ScenarioError::whole_file("run", why).into());
    }
    if let Some((shard, from)) = shard {
        if args.format != Format::Table {
            return Err(ScenarioError::whole_file(
                "run",
                "--format json and csv print a whole run's summaries, which a shard does not \
                 have: run `merge` on the shards, then read the merged folder's summary.json"
                    .to_owned(),
            )
            .into());
        }
        return shard_command(&args, &inputs, &invocation, shard, &from);
    }
    // Before any simulation: the output folder is writable and nothing foreign is in the way.
    let claim = Claim::prepare_for(&args.out, &invocation.sources(), !args.no_charts)?;
    if !args.quiet {
        for tidied in claim.tidied() {
            say!("{tidied}");
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()?;
    let bar = progress_bar(invocation.jobs(), args.quiet);
    bar.set_message(match invocation.studies() {
        [one] => one.name().to_owned(),
        all => format!("{} scenarios", all.len()),
    });
    let started = Instant::now();
    let mut writer = Writer::new(&invocation, claim, !args.no_charts);
    let view = TableView {
        per_day: args.per_day,
    };
    let mut listing = Listing::new(args.format);
    pool.install(|| {
        run_scenarios(
            invocation.scenarios(),
            &|| bar.inc(1),
            |index, results| -> Result<(), CliError> {
                listing.add(&results);
                let written = writer.finished(index, results)?;
                bar.suspend(|| {
                    if args.format == Format::Table {
                        report_written(&invocation, &written, view, started, args.quiet);
                    } else if !args.quiet {
                        report_folder(&written, started);
                    }
                });
                Ok(())
            },
        )
    })?;
    bar.finish_and_clear();
    writer.finish()?;
    listing.finish();
    Ok(())
}

/// What `run --format json|csv` prints: every simulated scenario's summary (a sweep's
/// variants each as a scenario), as the CSV rows of `summary.csv` behind a `scenario` column,
/// or as one JSON document `{"format": 1, "tool": ..., "scenarios": [...]}` of their
/// `summary.json` documents as written (no float is parsed and printed again). Both stream as
/// scenarios finish, so memory does not grow with a sweep's variants; a run that fails
/// midway leaves the document unfinished and exits non-zero.
struct Listing {
    format: Format,
    /// Scenarios printed so far.
    printed: usize,
}

/// The version of the documents `run --format json` and `validate --format json` print.
const DOCUMENT_FORMAT: u32 = 1;

impl Listing {
    fn new(format: Format) -> Self {
        Listing { format, printed: 0 }
    }

    /// Adds a finished scenario.
    fn add(&mut self, results: &crate::runner::ScenarioResults) {
        match self.format {
            Format::Table => {}
            Format::Json => {
                let summary = crate::output::json::summary(results);
                let opening = if self.printed == 0 {
                    Self::opening()
                } else {
                    ",\n".to_owned()
                };
                print(&format!(
                    "{opening}{}",
                    String::from_utf8_lossy(&summary).trim_end()
                ));
            }
            Format::Csv => {
                let summary = crate::output::csv_files::summary(results);
                let text = String::from_utf8_lossy(&summary);
                let mut lines = text.lines();
                let header = lines.next().unwrap_or_default();
                let mut out = String::new();
                if self.printed == 0 {
                    out.push_str(&format!("scenario,{header}\n"));
                }
                let name = crate::output::csv_files::field(&results.scenario.name);
                for line in lines {
                    out.push_str(&format!("{name},{line}\n"));
                }
                print(&out);
            }
        }
        self.printed += 1;
    }

    /// The JSON document up to its first scenario.
    fn opening() -> String {
        let tool = serde_json::to_string(&Tool::THIS).expect("the tool object serialises");
        format!("{{\"format\": {DOCUMENT_FORMAT}, \"tool\": {tool}, \"scenarios\": [\n")
    }

    /// Closes the JSON document, if that is the format.
    fn finish(self) {
        if self.format == Format::Json {
            let opening = if self.printed == 0 {
                Self::opening()
            } else {
                String::new()
            };
            print(&format!("{opening}\n]}}\n"));
        }
    }
}

/// Says on stderr where a finished scenario's folder went (variants go with their sweep).
fn report_folder(written: &Written, started: Instant) {
    let folder = match written {
        Written::Variant => return,
        Written::Scenario { folder, .. } | Written::Sweep { folder, .. } => folder,
    };
    say!(
        "wrote {} at {:.1} s",
        folder.display(),
        started.elapsed().as_secs_f64()
    );
}

/// `run` of one shard: its blocks of every scenario file, into shard folders.
fn shard_command(
    args: &RunArgs,
    inputs: &[StudyInput],
    invocation: &Invocation,
    shard: Shard,
    from: &str,
) -> Result<(), CliError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()?;
    let bar = progress_bar(shard_jobs(invocation, shard), args.quiet);
    bar.set_message(format!("shard {shard}"));
    let started = Instant::now();
    let written =
        pool.install(|| run_shard(inputs, invocation, shard, &args.out, &|| bar.inc(1)))?;
    bar.finish_and_clear();
    for part in written {
        print(&format!(
            "shard {shard} ({from}): {} of {} blocks of 10 replications -> {}\n",
            part.blocks,
            part.of_blocks,
            part.folder.display()
        ));
    }
    if !args.quiet {
        say!(
            "shard {shard} done in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn merge_command(args: MergeArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let view = TableView {
        per_day: args.per_day,
    };
    merge(
        &args.shards,
        &args.out,
        !args.no_charts,
        args.allow_large,
        |invocation, written| {
            report_written(invocation, written, view, started, args.quiet);
        },
    )?;
    Ok(())
}

/// Prints what a finished scenario completed: a scenario's ranked table, or a sweep's table,
/// and where its folder went.
fn report_written(
    invocation: &Invocation,
    written: &Written,
    view: TableView,
    started: Instant,
    quiet: bool,
) {
    match written {
        Written::Variant => return,
        Written::Scenario { results, .. } => print(&ranked_table(results, view)),
        Written::Sweep { study, rows, .. } => {
            if let Study::Sweep(sweep) = &invocation.studies()[*study] {
                print(&crate::sweep::output::table(sweep, rows));
            }
        }
    }
    print("\n");
    if !quiet {
        report_folder(written, started);
    }
}

fn chart_command(args: ChartArgs) -> Result<(), CliError> {
    for folder in &args.folders {
        if folder.join("sweep.json").is_file() && !folder.join("summary.json").exists() {
            return Err(ScenarioError::whole_file(
                &folder.display().to_string(),
                "a sweep's folder: `chart` redraws the results folder of each of its variants \
                 (such as this folder's <variant>/); the sweep's own charts come with its run"
                    .into(),
            )
            .into());
        }
        if !folder.join("summary.json").exists() && !folder.join("recommendation.json").exists() {
            let inside = results_folders_in(folder);
            if !inside.is_empty() {
                let shown: Vec<String> = inside
                    .iter()
                    .map(|f| shell_word(&f.display().to_string()))
                    .collect();
                return Err(ScenarioError::whole_file(
                    &folder.display().to_string(),
                    format!(
                        "holds results folders rather than being one: redraw them with \
                         `budget-bandit chart {}`",
                        shown.join(" ")
                    ),
                )
                .into());
            }
        }
        let tidied = if folder.join("recommendation.json").is_file()
            && !folder.join("summary.json").exists()
        {
            redraw_recommendation(folder)?
        } else {
            redraw(folder)?
        };
        for tidied in tidied {
            say!("{tidied}");
        }
        say!("redrew {}", folder.join("report.html").display());
    }
    Ok(())
}

/// The folders directly inside `folder` written by `run` or `recommend`, sorted.
fn results_folders_in(folder: &std::path::Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.join("summary.json").is_file() || path.join("recommendation.json").is_file()
        })
        .collect();
    found.sort();
    found
}

/// Redraws the charts and report of a folder written by `recommend`: the recommendation is
/// recomputed from the folder's own `account.toml` and `history.csv` with the draws, seed
/// and plan days its `recommendation.json` records, so the charts show what its files say
/// (a warning says so where this version computes a different recommendation).
fn redraw_recommendation(
    folder: &std::path::Path,
) -> Result<Vec<crate::results_folder::Tidied>, CliError> {
    use crate::recommend::{Settings, output, recommend};
    let recorded_path = folder.join("recommendation.json");
    let origin = recorded_path.display().to_string();
    let recorded = crate::error::read_input_text(&recorded_path, crate::error::MAX_TEXT_FILE_BYTES)
        .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read: {e}")))?;
    let value: serde_json::Value = serde_json::from_str(&recorded).map_err(|e| {
        ScenarioError::whole_file(&origin, format!("not a recommendation's JSON: {e}"))
    })?;
    let whole = |key: &str| value.get(key).and_then(serde_json::Value::as_u64);
    let (Some(draws), Some(seed)) = (whole("draws"), whole("seed")) else {
        return Err(ScenarioError::whole_file(
            &origin,
            "has no `draws` and `seed` to redraw the recommendation with; run `recommend` \
             on the account again"
                .into(),
        )
        .into());
    };
    let plan_days = value
        .get("plan")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    let account = load_account(&folder.join("account.toml"), "chart")?;
    let history = account.read_history()?;
    let settings = Settings {
        draws: usize::try_from(draws).unwrap_or(usize::MAX),
        seed,
        plan_days,
    };
    let recommendation = recommend(&account, &history, settings)?;
    if output::json(&recommendation) != recorded.as_bytes() {
        say!(
            "warning: {origin}: this version of budget-bandit recommends differently from the \
             one that wrote the folder; the charts show this version's recommendation, so run \
             `budget-bandit recommend` on the account again to bring its CSV and JSON files \
             in line"
        );
    }
    Ok(crate::results_folder::redraw_recommendation(
        folder,
        &recommendation,
    )?)
}

fn history_command(args: HistoryArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.scenario, "history")?.with_overrides(&Overrides {
        days: args.days,
        ..Overrides::default()
    })?;
    let Some(policy) = scenario.policies.iter().find(|p| p.name == args.policy) else {
        let names: Vec<&str> = scenario.policies.iter().map(|p| p.name.as_str()).collect();
        return Err(ScenarioError::whole_file(
            &scenario.origin,
            format!(
                "--policy names no policy of this scenario: '{}'; its policies are {}",
                args.policy,
                names.join(", ")
            ),
        )
        .into());
    };
    print_warnings(&scenario);
    let start = args
        .start
        .unwrap_or_else(|| default_start(scenario.start_weekday));
    let history = export_history(&scenario, policy, args.replication, start);
    let written = write_history(&args.out, &history)?;
    if !args.quiet {
        say!(
            "wrote {} ({} days x {} channels) and {}",
            written.csv.display(),
            history.days,
            history.channels,
            written.account.display()
        );
    }
    Ok(())
}

fn recommend_command(args: RecommendArgs) -> Result<(), CliError> {
    use crate::recommend::{Settings, output, recommend};
    use crate::results_folder::Source;
    let started = Instant::now();
    let account = load_account(&args.account, "recommend")?;
    let history = account.read_history()?;
    let source = Source {
        kind: "account",
        name: account.name.clone(),
        origin: account.origin.clone(),
    };
    // Before any work: the output folder is writable and nothing foreign is in the way.
    let mut claim = Claim::prepare_for(&args.out, std::slice::from_ref(&source), false)?;
    if !args.quiet {
        for tidied in claim.tidied() {
            say!("{tidied}");
        }
    }
    let settings = Settings {
        draws: args.draws,
        seed: args.seed.unwrap_or(account.seed),
        plan_days: args.days.map_or(0, usize::from),
    };
    let recommendation = recommend(&account, &history, settings)?;
    let charts = !args.no_charts;
    let folder = claim.write_with(&source, |folder| {
        let write = |name: &str, bytes: &[u8]| {
            let path = folder.join(name);
            crate::error::at_path(&path, std::fs::write(&path, bytes))
        };
        write("recommendation.csv", &output::csv(&recommendation))?;
        write("recommendation.json", &output::json(&recommendation))?;
        // The account as run beside a copy of its history: the folder alone replays it.
        write(
            "account.toml",
            account.source_with_history("history.csv").as_bytes(),
        )?;
        let history_text =
            std::fs::read(&account.history).map_err(|source| crate::error::WriteError {
                path: account.history.clone(),
                source,
            })?;
        write("history.csv", &history_text)?;
        if !recommendation.plan.is_empty() {
            write("plan.csv", &output::plan_csv(&recommendation))?;
        }
        if charts {
            crate::recommend::report::draw_report(folder, &recommendation)?;
        }
        Ok(())
    })?;
    claim.finish()?;
    match args.format {
        Format::Table => print(&output::table(&recommendation)),
        Format::Json => print(&String::from_utf8_lossy(&output::json(&recommendation))),
        Format::Csv => print(&String::from_utf8_lossy(&output::csv(&recommendation))),
    }
    if !args.quiet {
        say!(
            "wrote {} in {:.1} s",
            folder.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// What the history reader passed over or read generously, on standard error.
fn history_notes(
    account: &crate::account::file::Account,
    history: &crate::account::history::History,
) {
    for note in &history.notes {
        say!("note: {}: {note}", account.history.display());
    }
}

fn fit_command(args: FitArgs) -> Result<(), CliError> {
    let account = load_account(&args.account, "fit")?;
    let history = account.read_history()?;
    history_notes(&account, &history);
    let fitted = crate::fit::fit(&account, &history)?;
    let text = fitted.scenario_toml(&account, args.days as usize);
    // The scenario must load as written (the history's figures could fall outside what a
    // scenario accepts).
    Scenario::from_toml(&format!("{} (fitted)", account.origin), &text)?;
    match &args.out {
        None => print(&text),
        Some(path) => {
            crate::fit::write_scenario(path, &text)?;
            say!("wrote {}", path.display());
        }
    }
    Ok(())
}

fn validate_command(args: ValidateArgs) -> Result<(), CliError> {
    let format = args.format;
    let mut failures = 0;
    let mut verdicts = Vec::new();
    if format == Format::Csv {
        print("file,ok,kind,name,error\n");
    }
    for path in &args.scenarios {
        // What the file holds, as (kind, name, JSON): computed only for `--format json`.
        // Read once: a pipe (`/dev/stdin`) cannot be read twice.
        let origin = path.display().to_string();
        let text = crate::error::read_input_text(path, crate::error::MAX_TEXT_FILE_BYTES)
            .map_err(|e| ScenarioError::whole_file(&origin, format!("cannot read: {e}")));
        let checked = if text.as_deref().is_ok_and(is_account_text) {
            let text = text.as_deref().unwrap_or_default();
            let folder = path.parent().unwrap_or(std::path::Path::new(""));
            crate::account::file::Account::from_toml(&origin, text, folder).and_then(|account| {
                let history = account.read_history()?;
                history_notes(&account, &history);
                if format == Format::Table {
                    print(&describe_account(&account, &history));
                }
                let json = (format == Format::Json).then(|| account_check(&account, &history));
                Ok(("account", account.name.clone(), json))
            })
        } else {
            text.map(|text| StudyInput::new(origin, text, &[], &Overrides::default()))
                .and_then(|input| input.study())
                .map(|study| {
                    for warning in study.warnings() {
                        say!("warning: {warning}");
                    }
                    let json = format == Format::Json;
                    match &study {
                        Study::Scenario(scenario) => {
                            if format == Format::Table {
                                print(&describe(scenario));
                            }
                            let check = json.then(|| crate::output::json::scenario_check(scenario));
                            ("scenario", scenario.name.clone(), check)
                        }
                        Study::Sweep(sweep) => {
                            if format == Format::Table {
                                print(&describe_sweep(sweep));
                            }
                            let check = json.then(|| sweep_check(sweep));
                            ("sweep", sweep.name.clone(), check)
                        }
                    }
                })
        };
        let file = path.display().to_string();
        match checked {
            Ok((kind, name, json)) => match format {
                Format::Table => {}
                Format::Csv => print(&format!(
                    "{},true,{kind},{},\n",
                    crate::output::csv_files::field(&file),
                    crate::output::csv_files::field(&name)
                )),
                Format::Json => {
                    let mut verdict = serde_json::json!({"file": file, "ok": true, "kind": kind});
                    if let (Some(fields), Some(map)) = (
                        json.and_then(|j| j.as_object().cloned()),
                        verdict.as_object_mut(),
                    ) {
                        map.extend(fields);
                    }
                    verdicts.push(verdict);
                }
            },
            Err(error) => {
                failures += 1;
                say!("error: {error}");
                let message = error.to_string();
                match format {
                    Format::Table => {}
                    Format::Csv => print(&format!(
                        "{},false,,,{}\n",
                        crate::output::csv_files::field(&file),
                        crate::output::csv_files::field(&message)
                    )),
                    Format::Json => verdicts
                        .push(serde_json::json!({"file": file, "ok": false, "error": message})),
                }
            }
        }
    }
    if format == Format::Json {
        let document = serde_json::json!({
            "format": DOCUMENT_FORMAT,
            "tool": Tool::THIS,
            "files": verdicts,
        });
        let mut text = serde_json::to_string_pretty(&document).expect("JSON values print");
        text.push('\n');
        print(&text);
    }
    match failures {
        0 => Ok(()),
        n => Err(CliError::InputsReported(n)),
    }
}

/// A valid sweep as `validate --format json` reports it: its name, its mode and each
/// variant's scenario as [`scenario_check`](crate::output::json::scenario_check) has it.
fn sweep_check(sweep: &crate::sweep::Sweep) -> serde_json::Value {
    serde_json::json!({
        "name": sweep.name,
        "mode": sweep.mode.as_str(),
        "variants": sweep
            .scenarios()
            .iter()
            .map(crate::output::json::scenario_check)
            .collect::<Vec<_>>(),
    })
}

/// A valid account as `validate --format json` reports it: its name, currency, budget and
/// policy, its history's dates, and per channel the days funded, spend, revenue and ROAS.
fn account_check(
    account: &crate::account::file::Account,
    history: &crate::account::history::History,
) -> serde_json::Value {
    let channels: Vec<serde_json::Value> = account
        .channels
        .iter()
        .enumerate()
        .map(|(i, channel)| {
            let (funded, spend, revenue) = channel_totals(history, i);
            serde_json::json!({
                "channel": channel.name,
                "pricing": channel.pricing.as_str(),
                "days_funded": funded,
                "spend": spend,
                "revenue": revenue,
                "roas": (spend > 0.0).then(|| revenue / spend),
            })
        })
        .collect();
    serde_json::json!({
        "name": account.name,
        "currency": account.currency,
        "daily_budget": account.daily_budget,
        "policy": account.policy_setting(),
        "history": {
            "file": account.history.display().to_string(),
            "days": history.days,
            "first_date": history.first_date.to_string(),
            "last_date": history.last_date().to_string(),
        },
        "channels": channels,
    })
}

/// A sweep as printed by `validate`: its axes and variants (each checked like a file).
fn describe_sweep(sweep: &crate::sweep::Sweep) -> String {
    let mut text = format!(
        "{} ({}): ok, a sweep of {} variants ({}), every one valid\n",
        sweep.name,
        sweep.origin,
        sweep.variants.len(),
        sweep.mode.as_str()
    );
    for axis in &sweep.axes {
        let values: Vec<String> = (0..axis.values.len()).map(|i| axis.value_text(i)).collect();
        text.push_str(&format!("  {} = {}\n", axis.path, values.join(", ")));
    }
    text.push('\n');
    text
}

/// The account file at `path`, read for `command`; a scenario file is named as such.
fn load_account(
    path: &std::path::Path,
    command: &str,
) -> Result<crate::account::file::Account, ScenarioError> {
    crate::account::file::Account::load(path)
        .map_err(|error| guide_kind_of_file(path, FileKind::Account, command, error))
}

/// The scenario file at `path`, read for `command`; an account file is named as such.
fn load_scenario(path: &std::path::Path, command: &str) -> Result<Scenario, ScenarioError> {
    Scenario::load(path)
        .map_err(|error| guide_kind_of_file(path, FileKind::Scenario, command, error))
}

/// [`guide_kind`] for the file at `path`, read again only now that it failed; `error` as it
/// is where the file cannot be read.
fn guide_kind_of_file(
    path: &std::path::Path,
    wanted: FileKind,
    command: &str,
    error: ScenarioError,
) -> ScenarioError {
    match crate::error::read_input_text(path, crate::error::MAX_TEXT_FILE_BYTES) {
        Ok(text) => guide_kind(&path.display().to_string(), &text, wanted, command, error),
        Err(_) => error,
    }
}

/// Whether `text` is an account file (see [`FileKind::of_text`]).
fn is_account_text(text: &str) -> bool {
    FileKind::of_text(text) == Some(FileKind::Account)
}

/// `error` of a `command` that reads `wanted` files, replaced by one that names the kind of
/// file `text` holds and the commands that read it, when it holds the other kind: a scenario
/// given to `recommend` would otherwise be reported as an account with unknown fields.
fn guide_kind(
    origin: &str,
    text: &str,
    wanted: FileKind,
    command: &str,
    error: ScenarioError,
) -> ScenarioError {
    let Some(found) = FileKind::of_text(text).filter(|&kind| kind != wanted) else {
        return error;
    };
    let path = shell_word(origin);
    let message = match found {
        FileKind::Account => format!(
            "this is an account file (it names a `history` CSV), and `{command}` reads a \
             scenario file, a simulated market: for tomorrow's split of this account run \
             `budget-bandit recommend {path}`; for a scenario of its market, \
             `budget-bandit fit {path}`, then `budget-bandit {command}` the file it writes"
        ),
        FileKind::Scenario => format!(
            "this is a scenario file (a simulated market with `days` and `[[policies]]`), and \
             `{command}` reads an account file, a real account with its daily history CSV: \
             simulate this scenario with `budget-bandit run {path}`, or write an account and \
             its history from it with `budget-bandit history --policy NAME {path}`; \
             `budget-bandit init account NAME` writes an account to fill in"
        ),
    };
    ScenarioError::whole_file(origin, message)
}

/// `text` as one word of a POSIX shell: as it is when it holds only characters no shell
/// reads specially, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:,@=".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Channel `i`'s days funded, spend and revenue over an account's history.
fn channel_totals(history: &crate::account::history::History, i: usize) -> (usize, f64, f64) {
    let days = (0..history.days).map(|d| history.day(d)[i]);
    let funded = days.clone().filter(|f| f.spend > 0.0).count();
    let spend: f64 = days.clone().map(|f| f.spend).sum();
    let revenue: f64 = days.map(|f| f.revenue).sum();
    (funded, spend, revenue)
}

/// An account and its history per channel, as printed by `validate`.
fn describe_account(
    account: &crate::account::file::Account,
    history: &crate::account::history::History,
) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} ({}): ok\n  history {}: {} days, {} to {}; tomorrow's budget {} {}, policy {}",
        account.name,
        account.origin,
        account.history.display(),
        history.days,
        history.first_date,
        history.last_date(),
        money(account.daily_budget),
        account.currency,
        account.policy_setting()
    );
    let width = name_width(account.channels.iter().map(|c| c.name.as_str()));
    let _ = writeln!(
        text,
        "  {:<width$}  pricing  {:>11}  {:>12}  {:>12}  {:>6}",
        "channel", "days funded", "spend", "revenue", "ROAS"
    );
    for (i, channel) in account.channels.iter().enumerate() {
        let (funded, spend, revenue) = channel_totals(history, i);
        let _ = writeln!(
            text,
            "  {:<width$}  {:<7}  {:>11}  {:>12}  {:>12}  {:>6.2}",
            channel.name,
            channel.pricing.as_str(),
            funded,
            money(spend),
            money(revenue),
            if spend > 0.0 { revenue / spend } else { 0.0 }
        );
    }
    text
}

/// One phrase per moving part of the scenario's market, for `validate`.
fn market_summary(scenario: &Scenario) -> Vec<String> {
    let mut parts = Vec::new();
    for (channel, dynamics) in scenario.channels.iter().zip(&scenario.dynamics) {
        let name = &channel.name;
        for shift in &dynamics.shifts {
            parts.push(format!("{name} shifts on day {}", shift.day));
        }
        if dynamics.weekday.is_some() {
            parts.push(format!("{name} has weekday seasonality"));
        }
        if let Some(f) = &dynamics.fatigue {
            parts.push(format!(
                "{name} fatigues (strength {}, recovery {})",
                f.strength, f.recovery
            ));
        }
        if let Some(lag) = &dynamics.lag {
            parts.push(format!(
                "{name} converts with a lag (mean {:.1} days, at most {})",
                lag.expected_delay(),
                lag.max_days
            ));
        }
    }
    parts
}

/// The scenario's floors, caps and pacing in one line, for `validate`.
fn constraint_summary(scenario: &Scenario) -> String {
    let budget = scenario.daily_budget;
    let bounds = &scenario.constraints.bounds;
    let mut parts: Vec<String> = scenario
        .channels
        .iter()
        .zip(bounds.low.iter().zip(&bounds.high))
        .filter(|(_, (low, high))| **low > 0.0 || **high < budget)
        .map(|(c, (low, high))| format!("{} {}–{}", c.name, money(*low), money(*high)))
        .collect();
    if let Some(change) = scenario.constraints.max_daily_change {
        parts.push(format!(
            "shares move at most {:.1} points a day",
            100.0 * change
        ));
    }
    parts.join(", ")
}

/// A scenario's channels and the oracle's split, as printed by `validate`.
pub fn describe(scenario: &Scenario) -> String {
    use std::fmt::Write as _;
    let benchmark = Benchmark::new(scenario);
    let first = benchmark.spend(0);
    let mean = benchmark.mean_spend();
    let currency = &scenario.currency;
    let budget = scenario.daily_budget;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} ({}): ok\n  {} days x {} {currency}/day, {} allocation, {} replications, seed {}",
        scenario.name,
        scenario.origin,
        scenario.days,
        money(budget),
        scenario.allocation.as_str(),
        scenario.replications,
        scenario.seed
    );
    let width = name_width(scenario.channels.iter().map(|c| c.name.as_str()));
    let varies = benchmark.varies();
    // When the oracle's split moves, the first columns are day 1's and the last the mean.
    let (share, spend) = if varies {
        ("oracle day 1", "spend day 1")
    } else {
        ("oracle share", "oracle spend")
    };
    let _ = write!(
        text,
        "  {:<width$}  pricing  {:>10}  {:>9}  {share:>12}  {spend:>12}",
        "channel", "price", "ROAS at 0"
    );
    let _ = writeln!(text, "{}", if varies { "  oracle, mean" } else { "" });
    for ((channel, spend), mean) in scenario.channels.iter().zip(first).zip(&mean) {
        let _ = write!(
            text,
            "  {:<width$}  {:<7}  {:>10}  {:>9.3}  {:>11.1}%  {:>12}",
            channel.name,
            channel.pricing.as_str(),
            thousands(channel.price, 2),
            channel.initial_roas(),
            100.0 * spend / budget,
            money(*spend)
        );
        if varies {
            let _ = write!(text, "  {:>11.1}%", 100.0 * mean / budget);
        }
        text.push('\n');
    }
    let day = benchmark.day(0);
    let _ = writeln!(
        text,
        "  oracle on day 1: spends {} {currency}, expected revenue {} {currency}, expected ROAS {:.3}",
        money(day.spend),
        money(day.revenue),
        if day.spend > 0.0 {
            day.revenue / day.spend
        } else {
            0.0
        }
    );
    if varies {
        let _ = writeln!(
            text,
            "  the oracle's split changes during the horizon: a mean of {} {currency} revenue a day",
            money(benchmark.mean_revenue())
        );
    }
    if benchmark.kind() == BenchmarkKind::BestConstantSplit {
        let _ = writeln!(
            text,
            "  benchmark: {}: {} {currency} revenue a day on average",
            benchmark.kind().describe(),
            money(benchmark.mean_revenue())
        );
    }
    if let Some(target) = scenario.objective.target_roas() {
        let _ = writeln!(
            text,
            "  objective: profit at target ROAS {target}: expected value {} {currency}/day, {} {currency} left unspent",
            money(benchmark.mean_value()),
            money(budget - benchmark.mean_daily_spend())
        );
    }
    let market = market_summary(scenario);
    if !market.is_empty() {
        let _ = writeln!(text, "  market: {}", market.join("; "));
    }
    if scenario.constraints.is_constrained(budget) {
        let _ = writeln!(text, "  constraints: {}", constraint_summary(scenario));
    }
    let policies: Vec<&str> = scenario.policies.iter().map(|p| p.name.as_str()).collect();
    let _ = writeln!(text, "  policies: {}", policies.join(", "));
    text
}
