//! Create: every child the expansion has and the state does not, concurrently where the
//! dependencies allow, each recorded the moment its create call returns; a child of the same
//! name left by an interrupted apply is adopted when it is this service's. The create graph
//! runs at the depth of each child's calls (create, then its follow-up calls).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::aws::child::rule_def;
use crate::aws::clients::{AwsError, Clients};
use crate::aws::executor::{Stop, WalkReport, walk};
use crate::aws::kind::{self, Cx, Listed, SharedIds, lock};
use crate::aws::listener_rule;
use crate::service::expand::{ChildKey, Expansion, OWNER_TAG};
use crate::service::state::{ChildIds, Colour};

use super::{ChildError, ChildProblem, child_error, graph, problems};

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
    let found = crate::aws::discover::find(c, exp, key, &known)
        .await?
        .filter(|f| !matches!(f.ownership, crate::aws::discover::Ownership::Via(_)));
    match found {
        Some(f) => match f.ownership {
            crate::aws::discover::Ownership::Ours => {
                let mut g = lock(ids);
                g.merge_missing(&f.ids);
                g.pending.insert(key);
                Ok(())
            }
            crate::aws::discover::Ownership::Untagged | crate::aws::discover::Ownership::Via(_) => {
                Err(ChildProblem::NotOurs {
                    owner: "it has no fargate:service owner tag".to_owned(),
                })
            }
            crate::aws::discover::Ownership::Other(owner) => Err(ChildProblem::NotOurs {
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
            test_listener: true,
            listener_default_actions: false,
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
