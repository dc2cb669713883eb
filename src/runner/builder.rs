//! [`Runner`]: a scenario's policies and the user's own, run together and written like any
//! run's results.

use super::{ScenarioResults, run_scenario};
use crate::error::ScenarioError;
use crate::output::table::{TableView, ranked_table};
use crate::policy::custom::CustomPolicy;
use crate::policy::{Policy, PolicyKind, PolicySpec};
use crate::results_folder::{Claim, FolderError};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Runs a scenario with policies given in code beside the ones its file lists.
///
/// Each added policy is built afresh for every replication by the function given to
/// [`Runner::with_policy`], and runs in the same day loop as the built-in policies: the same
/// market draws (so paired differences to the baseline stay tight), its own random stream
/// from the seed, the replication and its name, and the same constraints. The results are
/// ranked, tabled, written and charted like those of `budget-bandit run`; the policy's `kind`
/// in the results files is `custom`.
///
/// ```
/// use budget_bandit::{Day, Observations, Policy, Runner, Scenario, StreamRng};
///
/// /// Everything on the first channel.
/// struct FirstChannel;
///
/// impl Policy for FirstChannel {
///     fn allocate(&mut self, day: &Day, _: &Observations, _: &mut StreamRng, spend: &mut [f64]) {
///         spend[0] = day.budget;
///     }
/// }
///
/// let scenario = Scenario::builtin_default().with_overrides(&budget_bandit::Overrides {
///     replications: Some(4),
///     days: Some(10),
///     ..Default::default()
/// })?;
/// let results = Runner::new(&scenario)
///     .with_policy("first-channel", |_scenario| Box::new(FirstChannel))
///     .run()?;
/// let added = results.policies.last().unwrap();
/// assert_eq!(added.spec.name, "first-channel");
/// assert!(added.aggregate.revenue.mean() > 0.0);
/// println!("{}", results.table());
/// # Ok::<(), budget_bandit::ScenarioError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Runner {
    scenario: Scenario,
    added: Vec<PolicySpec>,
}

impl Runner {
    /// A runner for `scenario` with the policies its file lists.
    pub fn new(scenario: &Scenario) -> Runner {
        Runner {
            scenario: scenario.clone(),
            added: Vec::new(),
        }
    }

    /// Adds a policy named `name`, built by `build` for each replication of the scenario. It
    /// runs after the scenario's own policies. The name must not be empty or taken by another
    /// policy ([`Runner::run`] says so otherwise); it names the policy in the table, the
    /// results files and the charts.
    pub fn with_policy(
        mut self,
        name: impl Into<String>,
        build: impl Fn(&Scenario) -> Box<dyn Policy> + Send + Sync + 'static,
    ) -> Runner {
        self.added.push(PolicySpec {
            name: name.into(),
            kind: PolicyKind::Custom(CustomPolicy::new(build)),
        });
        self
    }

    /// The scenario as it will run: its own policies, then the added ones, and its
    /// `scenario.toml` noting the added policies (they cannot be replayed from the file).
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        let mut scenario = self.scenario.clone();
        for spec in &self.added {
            let name = spec.name.trim();
            let fail = |message: String| Err(ScenarioError::whole_file(&scenario.origin, message));
            if name.is_empty() || name != spec.name {
                return fail(format!(
                    "a policy added in code needs a name without surrounding spaces, got '{}'",
                    spec.name
                ));
            }
            if scenario.policies.iter().any(|p| p.name == name) {
                return fail(format!(
                    "policy name '{name}' is used twice; give the policy added in code another name"
                ));
            }
            scenario.policies.push(spec.clone());
        }
        if !self.added.is_empty() {
            let names: Vec<&str> = self.added.iter().map(|p| p.name.as_str()).collect();
            scenario.note_in_source(&format!(
                "Also run: policies given in code through budget-bandit's library, which this \
                 file cannot replay: {}.",
                names.join(", ")
            ));
        }
        Ok(scenario)
    }

    /// Simulates every policy over every replication (in parallel on the current rayon pool;
    /// the results do not depend on the thread count).
    pub fn run(&self) -> Result<ScenarioResults, ScenarioError> {
        Ok(run_scenario(&self.scenario()?, &|| {}))
    }
}

impl ScenarioResults {
    /// The ranked table `budget-bandit run` prints, with totals over the horizon.
    pub fn table(&self) -> String {
        ranked_table(self, TableView::default())
    }

    /// Writes the results folder `out/<scenario>/` as `budget-bandit run --out out` does: the
    /// data files, the charts and `report.html`, and `out/index.html`. The folder is written
    /// aside and moved into place only when complete; an earlier results folder of that name
    /// is replaced, and anything budget-bandit did not write is left alone with an error.
    /// Returns the folder's path.
    pub fn write_folder(&self, out: impl AsRef<Path>) -> Result<PathBuf, FolderError> {
        let mut claim = Claim::prepare(out.as_ref(), std::slice::from_ref(&self.scenario), true)?;
        let folder = claim.write(self)?;
        claim.finish()?;
        Ok(folder)
    }
}
