//! The `budget-bandit` command: see `budget-bandit --help` and the README.

fn main() -> std::process::ExitCode {
    budget_bandit::cli::main()
}
