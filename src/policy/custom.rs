//! Policies from the user's own code, run beside the built-in ones.
//!
//! A researcher implements [`Policy`] in their own crate and hands the runner a function that
//! builds a fresh instance for each replication (see [`crate::Runner::with_policy`]). The
//! policy then runs in the same day loop as every built-in policy: the same market draws
//! (common random numbers), its own random stream derived from the seed, the replication and
//! its name, the same constraints, and the same results files, ranking and charts. Its `kind`
//! in the results files is `custom`.

use super::Policy;
use crate::scenario::Scenario;
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// Builds one replication's instance of a policy from the scenario it runs on.
pub type BuildPolicy = dyn Fn(&Scenario) -> Box<dyn Policy> + Send + Sync;

/// A policy given as code rather than by a scenario file: the function that builds it.
///
/// Two `CustomPolicy` values are equal when they share the same function (clones of one
/// another).
#[derive(Clone)]
pub struct CustomPolicy {
    build: Arc<BuildPolicy>,
}

impl CustomPolicy {
    /// A policy built by `build` for each replication.
    pub fn new(build: impl Fn(&Scenario) -> Box<dyn Policy> + Send + Sync + 'static) -> Self {
        CustomPolicy {
            build: Arc::new(build),
        }
    }

    /// A fresh instance for one replication of `scenario`.
    pub fn build(&self, scenario: &Scenario) -> Box<dyn Policy> {
        (self.build)(scenario)
    }
}

impl fmt::Debug for CustomPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustomPolicy")
    }
}

impl PartialEq for CustomPolicy {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.build, &other.build)
    }
}

/// Written as no parameters: the results files name the policy and its kind, `custom`.
impl Serialize for CustomPolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        serializer.serialize_struct("CustomPolicy", 0)?.end()
    }
}
