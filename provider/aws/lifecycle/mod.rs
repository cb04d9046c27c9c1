//! The service's children as one unit: create what is missing, change what differs, observe
//! what exists, delete everything. Every operation records the identities it creates or
//! deletes in `ChildIds` as it goes, so a failure halfway leaves an exact account of what
//! exists. Each is a loop over the kind registry (`aws/kind.rs`); what a kind does is in its
//! own file. Roll-outs are `aws/rollout/`'s.
//!
//! One file per room, all re-exported here: create, delete, observe and update in place. This
//! file holds what they share: the child error type and its reporting, and the expansion's
//! dependency graph.

mod create;
mod delete;
mod observe;
mod update;

pub use create::create_missing;
pub use delete::{delete_all, delete_dropped};
pub use observe::{Observed, observe};
pub use update::update_in_place;

use crate::service::expand::{ChildKey, Expansion};

use super::clients::AwsError;
use super::executor::WalkReport;

pub use super::child::ChildProblem;

fn graph(exp: &Expansion) -> Vec<(ChildKey, Vec<ChildKey>)> {
    exp.children()
        .into_iter()
        .map(|c| (c.key, c.depends_on))
        .collect()
}

/// A problem with one child (or, without a key, with the service as a whole), typed until it
/// becomes a diagnostic.
#[derive(Debug, Clone)]
pub struct ChildError {
    /// What was being done: "creating", "updating", "deleting", "checking".
    pub verb: &'static str,
    pub key: Option<ChildKey>,
    pub name: String,
    pub problem: ChildProblem,
}

impl std::fmt::Display for ChildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.key {
            Some(k) => write!(
                f,
                "{} {} {:?}: {}",
                self.verb,
                k.kind(),
                self.name,
                self.problem
            ),
            None => write!(f, "{}: {}", self.verb, self.problem),
        }
    }
}

/// The name of a child as `children` shows it, whether or not the expansion has it now.
fn child_name(exp: &Expansion, key: ChildKey) -> String {
    exp.children()
        .into_iter()
        .find(|c| c.key == key)
        .map(|c| c.name)
        .unwrap_or_else(|| match key {
            ChildKey::ScalingPolicy(m) => super::discover::policy_name(exp, m).clone(),
            ChildKey::DiscoveryService => exp.names.discovery_service.clone(),
            ChildKey::ScalableTarget => exp.ecs_service.name.clone(),
            _ => String::new(),
        })
}

pub(crate) fn child_error(
    exp: &Expansion,
    verb: &'static str,
    key: ChildKey,
    p: ChildProblem,
) -> ChildError {
    ChildError {
        verb,
        key: Some(key),
        name: child_name(exp, key),
        problem: p,
    }
}

/// A problem of the service as a whole (not one child's).
pub fn service_error(verb: &'static str, e: AwsError) -> ChildError {
    ChildError {
        verb,
        key: None,
        name: String::new(),
        problem: ChildProblem::Aws(e),
    }
}

/// Turns a walk's report into one error per failed child, plus one for those not attempted.
fn problems(
    exp: &Expansion,
    verb: &'static str,
    report: WalkReport<ChildKey, ChildProblem>,
) -> Vec<ChildError> {
    let mut out: Vec<ChildError> = report
        .failed
        .into_iter()
        .map(|(k, p)| child_error(exp, verb, k, p))
        .collect();
    if !report.skipped.is_empty() {
        let names: Vec<String> = report
            .skipped
            .iter()
            .map(|k| format!("{} {:?}", k.kind(), child_name(exp, *k)))
            .collect();
        out.push(ChildError {
            verb: "not attempted (a dependency failed or the operation was stopped)",
            key: None,
            name: String::new(),
            problem: ChildProblem::NotAttempted(names.join(", ")),
        });
    }
    out
}
