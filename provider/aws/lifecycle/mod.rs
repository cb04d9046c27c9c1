//! The service's children as one unit: create what is missing, change what differs, roll out
//! new task definitions through CodeDeploy, observe what exists, delete everything. Every
//! operation records the identities it creates or deletes in `ChildIds` as it goes, so a
//! failure halfway leaves an exact account of what exists.

mod rollout;
mod update;

pub use rollout::{Rollout, follow_live_target_group, migrate_to_ecs, roll_out, switches_in_place};
pub use update::update_in_place;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::service::expand::alb_resource_label;
use crate::service::expand::{
    AlarmMetric, AlarmTarget, ChildKey, DeploymentGroupDef, Expansion, OWNER_TAG, ScalingMetric,
    TargetGroupDef, TaskDefinitionDef,
};
use crate::service::state::{ChildIds, Colour};

use super::clients::{AwsError, AwsResult, Clients};
use super::executor::{Stop, WalkReport, reversed, walk};
use super::listener_rule::ObservedRule;
use super::{
    alarm, codedeploy_application, deployment_group, discovery_service, ecs_service, iam_role,
    listener_rule, log_group, scalable_target, scaling_policy, target_group, task_definition,
};

pub use super::child::ChildProblem;
use super::child::{alarm_def, live_target_group, rule_def};
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

/// The graph of every child any expansion of this service can have, for deletes: children
/// the current expansion no longer has (autoscaling removed, …) are still deleted in order.
fn full_graph(exp: &Expansion) -> Vec<(ChildKey, Vec<ChildKey>)> {
    let mut full = graph(exp);
    let mut every = exp.shape();
    every.discovery = true;
    every.autoscaling = true;
    every.scaling_metrics = ScalingMetric::ALL.to_vec();
    every.alarm_metrics = AlarmMetric::ALL.to_vec();
    for strategy in crate::service::expand::DeploymentStrategy::ALL {
        every.strategy = strategy;
        for child in every.children() {
            match full.iter_mut().find(|(k, _)| *k == child.key) {
                Some((_, deps)) => {
                    for d in child.depends_on {
                        if !deps.contains(&d) {
                            deps.push(d);
                        }
                    }
                }
                None => full.push((child.key, child.depends_on)),
            }
        }
    }
    full
}

/// Deletes the service: every child recorded in `ids` and every child of this service that
/// discovery finds by name (a replacement's delete half and an interrupted apply have no
/// private state), dependents first; then looks again, and reports anything of the service
/// still there. `ids` holds what is left either way.
///
/// Discovery looks only for what `ids` does not record, alongside the deletes: a recorded
/// child is deleted as soon as its dependents are gone, one not recorded waits for discovery
/// first, so the order holds without a round of lookups before the first delete.
pub async fn delete_all(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    stop: &Stop,
) -> Vec<ChildError> {
    let known = ids.clone();
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    let discovery = tokio::sync::OnceCell::new();
    let listed = tokio::sync::OnceCell::new();
    let graph = reversed(&full_graph(exp));
    let walk = walk(&graph, stop, |key| {
        let shared = shared.clone();
        let (discovery, known, listed) = (&discovery, &known, &listed);
        async move {
            if !known.has(key)
                && discovery
                    .get_or_init(|| discover_missing_into(c, exp, known, &shared))
                    .await
                    .is_err()
            {
                return Err(ChildProblem::NotAttempted(
                    "not deleted: finding it by name failed".to_owned(),
                ));
            }
            if !lock(&shared).has(key) {
                return Ok(());
            }
            let listed = if Listed::needed_by(key) {
                listed.get_or_init(|| Listed::read(c, exp, known)).await
            } else {
                &Listed::NONE
            };
            delete_child(c, exp, key, &shared, listed).await?;
            lock(&shared).clear(key);
            Ok(())
        }
    });
    // The lists start with the first deletes (the walk reaches their children rounds later).
    let (_, report) = tokio::join!(listed.get_or_init(|| Listed::read(c, exp, &known)), walk);
    *ids = lock(&shared).clone();
    let mut out = problems(exp, "deleting", report);
    if let Some(Err(e)) = discovery.get() {
        out.insert(
            0,
            service_error("finding the service's children", e.clone()),
        );
    }
    if !out.is_empty() {
        return out;
    }
    // Destroy proves itself: nothing of the service may be left, and every revision of the
    // family is gone, not only the one discovery reports (both looked up in one round).
    let (found, revisions) = tokio::join!(
        super::discover::discover(c, exp),
        task_definition::revisions(c, &exp.task_definition.family),
    );
    match found {
        Ok(found) => {
            for key in found.ours.keys() {
                out.push(child_error(
                    exp,
                    "checking",
                    key,
                    ChildProblem::StillThere(
                        "it still exists after being deleted; the state keeps it, so the next \
                         destroy tries again"
                            .to_owned(),
                    ),
                ));
            }
            ids.merge_missing(&found.ours);
        }
        Err(e) => out.push(service_error("checking that nothing is left", e)),
    }
    if out.is_empty() {
        match revisions {
            Ok(left) if !left.is_empty() => out.push(child_error(
                exp,
                "checking",
                ChildKey::TaskDefinition,
                ChildProblem::StillThere(format!(
                    "{} revision(s) are still listed after the family was deleted: {}",
                    left.len(),
                    left.join(", ")
                )),
            )),
            Ok(_) => {}
            Err(e) => out.push(service_error("checking that nothing is left", e)),
        }
    }
    out
}

/// Finds what `known` does not record and adds what is this service's to `ids`.
async fn discover_missing_into(
    c: &Clients,
    exp: &Expansion,
    known: &ChildIds,
    ids: &SharedIds,
) -> AwsResult<()> {
    let found = super::discover::discover_missing(c, exp, known).await?;
    lock(ids).merge_missing(&found.ours);
    Ok(())
}

async fn delete_child(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    ids: &SharedIds,
    listed: &Listed,
) -> AwsResult<()> {
    // The live colour plays no part in a delete.
    let cx = Cx {
        c,
        exp,
        ids,
        live: Colour::Blue,
        listed,
    };
    kind::of(key).delete(&cx, key).await
}

/// What exists in AWS for a service, read concurrently.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// `ids` with every child found gone cleared.
    pub ids: ChildIds,
    pub live: Option<Colour>,
    pub service: Option<ecs_service::ObservedService>,
    pub task_definition: Option<TaskDefinitionDef>,
    pub target_group: Option<TargetGroupDef>,
    pub production_rule: Option<ObservedRule>,
    pub discovery: Option<crate::service::expand::DiscoveryServiceDef>,
    pub deployment_group: Option<DeploymentGroupDef>,
    pub scalable_target: Option<(i64, i64)>,
    pub scaling_policies: Vec<scaling_policy::ObservedPolicy>,
    pub log_retention: Option<Option<i64>>,
    pub task_role_policy: Option<serde_json::Value>,
    /// The managed policies attached to the task role; `None` when it is gone.
    pub task_role_managed_policies: Option<Vec<String>>,
    /// The ECS service exists but does not register in the service's Cloud Map service (that
    /// one deleted or replaced outside Terraform): only a new ECS service can fix it.
    pub registry_detached: bool,
    /// The service's alarms that exist.
    pub alarms: Vec<alarm::ObservedAlarm>,
}

/// Reads every child in `ids`. A child AWS reports as gone is cleared from the returned ids;
/// any other error fails the read.
pub async fn observe(c: &Clients, exp: &Expansion, ids: &ChildIds) -> AwsResult<Observed> {
    let (blue, green, prod_rule, test_rule) = (
        ids.id(ChildKey::BlueTargetGroup),
        ids.id(ChildKey::GreenTargetGroup),
        ids.id(ChildKey::ProductionListenerRule),
        ids.id(ChildKey::TestListenerRule),
    );
    // Every read is independent of the others: one concurrent round.
    let first = async {
        tokio::try_join!(
            ecs_service::read(c, &exp.ecs_service.cluster, &exp.ecs_service.name),
            async {
                match ids.get(ChildKey::TaskDefinition) {
                    Some(arn) => task_definition::read(c, arn).await,
                    None => Ok(None),
                }
            },
            async {
                match &blue {
                    Some(arn) => target_group::read(c, arn).await,
                    None => Ok(None),
                }
            },
            async {
                match &green {
                    Some(arn) => Ok(target_group::read(c, arn).await?.is_some()),
                    None => Ok(false),
                }
            },
            async {
                match &prod_rule {
                    Some(arn) => listener_rule::read(c, arn).await,
                    None => Ok(None),
                }
            },
            async {
                match &test_rule {
                    Some(arn) => listener_rule::read(c, arn).await,
                    None => Ok(None),
                }
            },
        )
    };
    let alarm_names: Vec<String> = ids
        .keys()
        .into_iter()
        .filter_map(|k| match k {
            ChildKey::Alarm(m, t) => Some(exp.names.alarm(m, t).to_owned()),
            _ => None,
        })
        .collect();
    let second = async {
        tokio::try_join!(
            async {
                tokio::try_join!(
                    iam_role::read(c, &exp.names.execution_role),
                    iam_role::read(c, &exp.names.task_role),
                    iam_role::read(c, &exp.names.codedeploy_role),
                    iam_role::read(c, &exp.names.infrastructure_role),
                )
            },
            async {
                match ids.get(ChildKey::DiscoveryService) {
                    Some(id) => {
                        let namespace = exp.discovery.as_ref().map(|d| d.namespace_id.as_str());
                        discovery_service::read(c, id, namespace).await
                    }
                    None => Ok(None),
                }
            },
            codedeploy_application::exists(c, &exp.codedeploy_application),
            deployment_group::read(
                c,
                &exp.deployment_group.application,
                &exp.deployment_group.name
            ),
            async {
                match ids.get(ChildKey::ScalableTarget) {
                    Some(id) => Ok(Some(tokio::try_join!(
                        scalable_target::read(c, id),
                        scaling_policy::read_all(c, id),
                    )?)),
                    None => Ok(None),
                }
            },
            async {
                match ids.get(ChildKey::LogGroup) {
                    Some(name) => log_group::read(c, name).await,
                    None => Ok(None),
                }
            },
            async {
                tokio::try_join!(
                    iam_role::read_inline_policy(
                        c,
                        &exp.names.task_role,
                        crate::service::expand::APPLICATION_POLICY_NAME,
                    ),
                    iam_role::attached_policies(c, &exp.names.task_role),
                )
            },
            alarm::read(c, &alarm_names),
        )
    };
    let (
        (service, task_def, blue_tg, green_exists, prod, test),
        (
            roles,
            discovery,
            app_exists,
            dg,
            scaling,
            log_retention,
            (task_policy, task_managed),
            alarms,
        ),
    ) = tokio::try_join!(first, second)?;
    let mut seen = ids.clone();
    // A revision deployed outside Terraform (a pipeline's deployment, an UpdateService) is what
    // the service runs: the state is compared with it, so its containers show as drift. One
    // that says the same as the stored revision is no drift: an apply interrupted after
    // creating the service leaves it running the revision registered then, and the apply
    // that adopts the service registers an equal one.
    let family = format!(":task-definition/{}:", exp.task_definition.family);
    let mut task_def = task_def;
    if let Some(running) = service
        .as_ref()
        .filter(|s| !s.deployment_in_flight())
        .and_then(|s| s.running_task_definition())
        .filter(|arn| arn.contains(&family) && Some(*arn) != ids.get(ChildKey::TaskDefinition))
        && let Some(td) = task_definition::read(c, running).await?
        && task_def.as_ref() != Some(&td)
    {
        task_def = Some(td);
        seen.set(ChildKey::TaskDefinition, running.to_owned());
    }
    let mut gone = |present: bool, key: ChildKey| {
        if !present {
            seen.clear(key);
        }
    };
    gone(service.is_some(), ChildKey::EcsService);
    gone(task_def.is_some(), ChildKey::TaskDefinition);
    gone(blue_tg.is_some(), ChildKey::BlueTargetGroup);
    gone(green_exists, ChildKey::GreenTargetGroup);
    gone(prod.is_some(), ChildKey::ProductionListenerRule);
    gone(test.is_some(), ChildKey::TestListenerRule);
    gone(roles.0.is_some(), ChildKey::ExecutionRole);
    gone(roles.1.is_some(), ChildKey::TaskRole);
    gone(roles.2.is_some(), ChildKey::CodeDeployRole);
    gone(roles.3.is_some(), ChildKey::InfrastructureRole);
    gone(discovery.is_some(), ChildKey::DiscoveryService);
    gone(app_exists, ChildKey::CodeDeployApplication);
    gone(dg.is_some(), ChildKey::DeploymentGroup);
    gone(log_retention.is_some(), ChildKey::LogGroup);
    let (target_bounds, policies) = match scaling {
        Some((bounds, policies)) => (bounds, policies),
        None => (None, Vec::new()),
    };
    gone(target_bounds.is_some(), ChildKey::ScalableTarget);
    // Policies are known by name: PutScalingPolicy may give an updated policy a new ARN.
    for metric in ScalingMetric::ALL {
        let name = super::discover::policy_name(exp, metric);
        let key = ChildKey::ScalingPolicy(metric);
        if !seen.has(key) {
            continue;
        }
        match policies.iter().find(|p| &p.name == name) {
            Some(p) => seen.set(key, p.arn.clone()),
            None => seen.clear(key),
        }
    }
    // Alarms are known by name; one changed outside Terraform (threshold, period, group) is
    // drift only the provider sees: pending, so the plan shows it and the apply puts it back.
    for metric in AlarmMetric::ALL {
        for target in AlarmTarget::ALL {
            let key = ChildKey::Alarm(metric, target);
            if !seen.has(key) {
                continue;
            }
            match alarms
                .iter()
                .find(|a| a.name == exp.names.alarm(metric, target))
            {
                None => seen.clear(key),
                Some(a) => {
                    seen.set(key, a.arn.clone());
                    let group = match target {
                        AlarmTarget::Blue => seen.get(ChildKey::BlueTargetGroup),
                        AlarmTarget::Green => seen.get(ChildKey::GreenTargetGroup),
                    }
                    .and_then(alarm::target_group_dimension);
                    if let Some(def) = alarm_def(exp, metric, target)
                        && !a.matches(def, group)
                    {
                        seen.pending.insert(key);
                    }
                }
            }
        }
    }
    if let Some((_, d)) = &discovery {
        seen.namespace_name = d.namespace_name.clone();
    }
    let registry_detached = exp.discovery.is_some()
        && service.as_ref().is_some_and(|s| {
            s.registry_arn.is_none() || s.registry_arn != seen.discovery_service_arn
        });
    let (blue_arn, green_arn) = (
        seen.id(ChildKey::BlueTargetGroup),
        seen.id(ChildKey::GreenTargetGroup),
    );
    let colour_of = |tg: &str| {
        if Some(tg) == blue_arn.as_deref() {
            Some(Colour::Blue)
        } else if Some(tg) == green_arn.as_deref() {
            Some(Colour::Green)
        } else {
            None
        }
    };
    let prod_live = prod
        .as_ref()
        .and_then(|r| r.target_group_arn.as_deref())
        .and_then(colour_of);
    let live = if exp.strategy.ecs_shifts_traffic() {
        // ECS moves traffic by the rules' weights and keeps the service's load balancer as it
        // was created: the production rule's heaviest group is live.
        prod_live
    } else if exp.strategy.shifts_traffic() {
        // The PRIMARY task set's group, as CodeDeploy sees it; the production rule only stands
        // in when AWS reports no service.
        match service.as_ref().and_then(|s| s.primary_target_group()) {
            Some(tg) => colour_of(tg),
            None => prod_live,
        }
    } else {
        // Rolling: one group.
        seen.has(ChildKey::BlueTargetGroup).then_some(Colour::Blue)
    };
    // With no deployment under way, every rule must forward to the live group: CodeDeploy
    // refuses to deploy otherwise, and traffic goes to tasks the service does not count as
    // serving. A rule that does not is drift: pending, explained, and repaired by the apply.
    seen.drift.clear();
    let in_flight = service.as_ref().is_some_and(|s| s.deployment_in_flight());
    if let Some(live) = live
        && !in_flight
    {
        for (key, rule, listener) in [
            (ChildKey::ProductionListenerRule, &prod, "production"),
            (ChildKey::TestListenerRule, &test, "test"),
        ] {
            let Some(rule) = rule else { continue };
            let Some(target) = rule.target_group_arn.as_deref() else {
                continue;
            };
            let pair_lost = exp.strategy.ecs_shifts_traffic()
                && super::discover::target_groups(&seen)
                    .iter()
                    .any(|g| !rule.names(g));
            if pair_lost {
                seen.pending.insert(key);
                seen.drift.push(format!(
                    "the {listener} listener rule no longer forwards to both target groups: \
                     changed outside Terraform. ECS-native blue/green needs both (the idle one at \
                     weight 0) or its next deployment fails; the apply restores the pair."
                ));
                continue;
            }
            if rule.split() || colour_of(target) == Some(live) {
                continue;
            }
            let now =
                colour_of(target).map_or_else(|| target.to_owned(), |c| c.as_str().to_owned());
            seen.pending.insert(key);
            seen.drift.push(format!(
                "the {listener} listener rule forwards to {now}, but the service serves {live}: \
                 changed outside Terraform. The apply points the rule back at the {live} target \
                 group.",
                live = live.as_str()
            ));
        }
    }
    // The deployment configuration of an ECS-controller service changed outside Terraform
    // (strategy, bake time, alarms, circuit breaker): the apply puts it back.
    if let (Some(want), Some(svc)) = (&exp.ecs_service.deployment, &service)
        && svc.deployment_controller.as_deref() == Some("ECS")
        && svc.deployment.as_ref() != Some(want)
    {
        seen.pending.insert(ChildKey::EcsService);
        seen.drift.push(
            "the ECS service's deployment configuration differs from the configuration \
             (changed outside Terraform); the apply sets it again."
                .to_owned(),
        );
    }
    // A request-count policy measuring the idle target group (a follow-up that failed after a
    // swap, or a change out of band) is drift only the provider sees: marked pending, the plan
    // shows a change and the apply points it at the live group.
    if let (Some(live), Some(p)) = (
        live,
        policies
            .iter()
            .find(|p| p.name == exp.names.requests_policy),
    ) && seen.has(ChildKey::ScalingPolicy(ScalingMetric::Requests))
    {
        let wanted = live_target_group(&seen, live)
            .and_then(|tg| alb_resource_label(&exp.placement.load_balancer, &tg));
        if wanted.is_some() && p.resource_label != wanted {
            seen.pending
                .insert(ChildKey::ScalingPolicy(ScalingMetric::Requests));
        }
    }
    Ok(Observed {
        ids: seen,
        live,
        service,
        task_definition: task_def,
        target_group: blue_tg,
        production_rule: prod,
        discovery: discovery.map(|(d, _)| d),
        deployment_group: dg,
        scalable_target: target_bounds,
        scaling_policies: policies,
        log_retention,
        task_role_policy: task_policy,
        task_role_managed_policies: task_managed,
        registry_detached,
        alarms,
    })
}

/// Deletes the recorded children `new` no longer has (a strategy change: CodeDeploy's
/// application, group and role, the infrastructure role; a test listener, an alarm, a scaling
/// policy or autoscaling removed), dependents first, through each kind's delete. A change that
/// drops a child no update can do without (the load balancer, service discovery) is planned as
/// a replacement, so it never reaches this.
pub async fn delete_dropped(
    c: &Clients,
    old: &Expansion,
    new: &Expansion,
    ids: &mut ChildIds,
    stop: &Stop,
) -> Vec<ChildError> {
    let kept: HashSet<ChildKey> = new.children().into_iter().map(|c| c.key).collect();
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    let graph = reversed(&full_graph(old));
    let report = walk(&graph, stop, |key| {
        let shared = shared.clone();
        let kept = &kept;
        async move {
            if kept.contains(&key) || !lock(&shared).has(key) {
                return Ok(());
            }
            delete_child(c, old, key, &shared, &Listed::NONE).await?;
            lock(&shared).clear(key);
            Ok(())
        }
    })
    .await;
    *ids = lock(&shared).clone();
    problems(old, "deleting", report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::expand::{DeploymentStrategy, Shape};
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
