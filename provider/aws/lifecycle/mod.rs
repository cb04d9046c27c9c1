//! The service's children as one unit: create what is missing, change what differs, roll out
//! new task definitions through CodeDeploy, observe what exists, delete everything. Every
//! operation records the identities it creates or deletes in `ChildIds` as it goes, so a
//! failure halfway leaves an exact account of what exists.

mod delete;
mod observe;
mod rollout;
mod update;

pub use delete::{delete_all, delete_dropped};
pub use observe::{Observed, observe};
pub use rollout::{Rollout, follow_live_target_group, migrate_to_ecs, roll_out, switches_in_place};
pub use update::update_in_place;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::service::expand::{ChildKey, Expansion, OWNER_TAG};
use crate::service::state::{ChildIds, Colour};

use super::clients::{AwsError, Clients};
use super::executor::{Stop, WalkReport, walk};
use super::listener_rule;

pub use super::child::ChildProblem;
use super::child::rule_def;
use super::kind::{self, Cx, Listed, SharedIds, lock};

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

fn child_error(exp: &Expansion, verb: &'static str, key: ChildKey, p: ChildProblem) -> ChildError {
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

/// AWS's answers that say a child of that name (or that priority) is already there.
fn already_exists(e: &AwsError) -> bool {
    matches!(
        e.code.as_deref(),
        Some(
            "EntityAlreadyExists"
                | "ResourceAlreadyExistsException"
                | "DuplicateTargetGroupName"
                | "ServiceAlreadyExists"
                | "ApplicationAlreadyExistsException"
                | "DeploymentGroupAlreadyExistsException"
                | "PriorityInUse"
        )
    ) || (e.has_code("InvalidParameterException") && e.message.contains("idempotent"))
}

/// Creates every child of the expansion that `ids` does not have, and brings up to date every
/// child marked pending, concurrently where the dependencies allow. A child is recorded (and
/// marked pending) the moment its create call returns, before its follow-up calls; a child of
/// the same name left by an interrupted apply is adopted when it carries this service's owner
/// tag and refused otherwise. Returns the problems; `ids` holds what exists either way.
pub async fn create_missing(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
    stop: &Stop,
) -> Vec<ChildError> {
    let service_existed = ids.has(ChildKey::EcsService);
    let registry_before = ids.discovery_service_arn.clone();
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    // The children whose create call ran in this walk: their follow-up calls are a fresh
    // child's, not an adopted or pending one's.
    let created: Mutex<HashSet<ChildKey>> = Mutex::new(HashSet::new());
    let report = walk(&phased(&graph(exp)), stop, |(key, phase)| {
        let shared = shared.clone();
        let created = &created;
        async move {
            match phase {
                Phase::Create => {
                    if lock(&shared).has(key) {
                        return Ok(());
                    }
                    match create_child(c, exp, key, &shared, live).await {
                        Ok(()) => {
                            lock(created).insert(key);
                            Ok(())
                        }
                        Err(ChildProblem::Aws(e)) if already_exists(&e) => {
                            adopt(c, exp, key, &shared, e).await
                        }
                        Err(p) => Err(p),
                    }
                }
                Phase::Settle => {
                    if !lock(&shared).pending.contains(&key) {
                        return Ok(());
                    }
                    let fresh = lock(created).contains(&key);
                    settle(c, exp, key, &shared, live, fresh).await?;
                    lock(&shared).pending.remove(&key);
                    Ok(())
                }
            }
        }
    })
    .await;
    let report = by_child(report);
    *ids = lock(&shared).clone();
    let mut out = problems(exp, "creating", report);
    // A Cloud Map service recreated under an existing ECS service (deleted between plan and
    // apply): ECS cannot take the new registry in place, the next plan replaces the service.
    if service_existed
        && let Some(arn) = &ids.discovery_service_arn
        && registry_before.as_ref() != Some(arn)
    {
        out.push(child_error(
            exp,
            "pointing the ECS service at the recreated Cloud Map service",
            ChildKey::EcsService,
            AwsError::new(
                "UpdateService",
                "ECS does not change the service registries of a CODE_DEPLOY service in place; \
                 the next plan replaces the service",
            )
            .into(),
        ));
    }
    out
}

/// The two steps of bringing a child into being: its create call, then its follow-up calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Phase {
    Create,
    Settle,
}

/// One step of one child.
type Step = (ChildKey, Phase);

/// The create graph at the depth of each child's calls: a child's follow-up calls wait for its
/// create; its create waits for each dependency's create when the dependency is usable once
/// created (its dependents need only its identity), and for its follow-up calls otherwise or
/// when the child itself needs its dependencies settled (the ECS service starts tasks).
fn phased(graph: &[(ChildKey, Vec<ChildKey>)]) -> Vec<(Step, Vec<Step>)> {
    let mut out = Vec::with_capacity(graph.len() * 2);
    for (key, deps) in graph {
        let waits = kind::of(*key).waits_for_settled();
        let create_deps = deps
            .iter()
            .map(|d| {
                if !waits && kind::of(*d).usable_once_created() {
                    (*d, Phase::Create)
                } else {
                    (*d, Phase::Settle)
                }
            })
            .collect();
        out.push(((*key, Phase::Create), create_deps));
        out.push(((*key, Phase::Settle), vec![(*key, Phase::Create)]));
    }
    out
}

/// A phased walk's report by child: a child failed if either step failed, and was not
/// attempted if its create was not.
fn by_child(report: WalkReport<Step, ChildProblem>) -> WalkReport<ChildKey, ChildProblem> {
    let failed: Vec<(ChildKey, ChildProblem)> = report
        .failed
        .into_iter()
        .map(|((k, _), p)| (k, p))
        .collect();
    let mut skipped: Vec<ChildKey> = Vec::new();
    for (k, _) in report.skipped {
        if !skipped.contains(&k) && !failed.iter().any(|(f, _)| *f == k) {
            skipped.push(k);
        }
    }
    WalkReport { failed, skipped }
}

/// The create call of one child (its kind's, see aws/kind.rs); on success its identity is
/// recorded at once and marked pending until [`settle`] has made the follow-up calls.
async fn create_child(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    ids: &SharedIds,
    live: Colour,
) -> Result<(), ChildProblem> {
    let cx = Cx {
        c,
        exp,
        ids,
        live,
        listed: &Listed::NONE,
    };
    kind::of(key).create(&cx, key).await
}

/// A create call said the child is already there: take it over when it is this service's
/// (left by an interrupted apply), refuse it otherwise. Adopted children are marked pending,
/// so [`settle`] brings them up to date.
async fn adopt(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    ids: &SharedIds,
    refused: AwsError,
) -> Result<(), ChildProblem> {
    let known = lock(ids).clone();
    // A rule forwarding to groups this service does not record is not taken over: the
    // priority check below says whose it is.
    let found = super::discover::find(c, exp, key, &known)
        .await?
        .filter(|f| !matches!(f.ownership, super::discover::Ownership::Via(_)));
    match found {
        Some(f) => match f.ownership {
            super::discover::Ownership::Ours => {
                let mut g = lock(ids);
                g.merge_missing(&f.ids);
                g.pending.insert(key);
                Ok(())
            }
            super::discover::Ownership::Untagged | super::discover::Ownership::Via(_) => {
                Err(ChildProblem::NotOurs {
                    owner: "it has no fargate:service owner tag".to_owned(),
                })
            }
            super::discover::Ownership::Other(owner) => Err(ChildProblem::NotOurs {
                owner: format!("its {OWNER_TAG} tag names {owner}"),
            }),
        },
        None if refused.has_code("PriorityInUse") => {
            let def = rule_def(exp, key)?;
            match listener_rule::holding_priority(c, &def.listener_arn, def.priority).await? {
                Some((rule, targets)) => Err(ChildProblem::PriorityTaken {
                    priority: def.priority,
                    listener: def.listener_arn.clone(),
                    rule,
                    targets: targets.join(", "),
                }),
                None => Err(refused.into()),
            }
        }
        None => Err(refused.into()),
    }
}

/// The follow-up calls of a child just created (`fresh`), or, for one adopted or marked
/// pending, the calls that bring all its settings to the definition (its kind's).
async fn settle(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    ids: &SharedIds,
    live: Colour,
    fresh: bool,
) -> Result<(), ChildProblem> {
    let cx = Cx {
        c,
        exp,
        ids,
        live,
        listed: &Listed::NONE,
    };
    kind::of(key).settle(&cx, key, fresh).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::expand::{AlarmMetric, DeploymentStrategy, ScalingMetric, Shape};
    use crate::service::names::ChildNames;

    fn create_graph(strategy: DeploymentStrategy) -> Vec<(Step, Vec<Step>)> {
        let shape = Shape {
            names: ChildNames::for_service("web"),
            log_group: "/ecs/web".to_owned(),
            strategy,
            load_balanced: true,
            discovery: true,
            autoscaling: true,
            scaling_metrics: ScalingMetric::ALL.to_vec(),
            alarm_metrics: AlarmMetric::ALL.to_vec(),
        };
        let graph: Vec<_> = shape
            .children()
            .into_iter()
            .map(|c| (c.key, c.depends_on))
            .collect();
        phased(&graph)
    }

    fn deps(graph: &[(Step, Vec<Step>)], step: Step) -> &[Step] {
        graph
            .iter()
            .find(|(s, _)| *s == step)
            .map(|(_, d)| d.as_slice())
            .unwrap_or_default()
    }

    #[test]
    fn a_dependent_needing_only_an_identity_starts_after_the_create_call() {
        for strategy in DeploymentStrategy::ALL {
            let g = create_graph(strategy);
            let rule = deps(&g, (ChildKey::ProductionListenerRule, Phase::Create));
            assert!(rule.contains(&(ChildKey::BlueTargetGroup, Phase::Create)));
            let task = deps(&g, (ChildKey::TaskDefinition, Phase::Create));
            assert!(task.contains(&(ChildKey::ExecutionRole, Phase::Create)));
            assert!(task.contains(&(ChildKey::LogGroup, Phase::Create)));
            // Every follow-up waits for its own create.
            assert_eq!(
                deps(&g, (ChildKey::BlueTargetGroup, Phase::Settle)),
                &[(ChildKey::BlueTargetGroup, Phase::Create)]
            );
        }
    }

    #[test]
    fn the_ecs_service_starts_tasks_only_once_its_dependencies_are_settled() {
        for strategy in DeploymentStrategy::ALL {
            let g = create_graph(strategy);
            let service = deps(&g, (ChildKey::EcsService, Phase::Create));
            for role in [ChildKey::ExecutionRole, ChildKey::TaskRole] {
                assert!(service.contains(&(role, Phase::Settle)), "{strategy:?}");
            }
            assert!(service.contains(&(ChildKey::BlueTargetGroup, Phase::Settle)));
            assert!(service.iter().all(|(_, p)| *p == Phase::Settle));
        }
    }
}
