//! Finds a service's children in AWS on their own, each by its derived name (and its owner tag
//! where the kind takes tags), never only through another child: what a lost or empty private
//! state, an interrupted apply or the delete half of a replacement relies on.

use crate::service::expand::{
    ChildKey, Expansion, OWNER_TAG, ScalingMetric, alarm_key, cluster_name,
};
use crate::service::state::{ChildIds, metric_key};

use super::clients::{AwsResult, Clients};
use super::{
    alarm, codedeploy_application, deployment_group, discovery_service, ecs_service, iam_role,
    listener_rule, log_group, scalable_target, scaling_policy, target_group, task_definition,
};

/// Whose a child found by its name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// It carries this service's owner tag (or its identity names this very service, as a
    /// scalable target's `service/<cluster>/<name>` does).
    Ours,
    /// It has no owner tag: made before owner tags, or by someone else.
    Untagged,
    /// Its owner tag names another service.
    Other(String),
}

impl Ownership {
    fn of(tag: Option<String>, ours: &str) -> Ownership {
        match tag {
            Some(t) if t == ours => Ownership::Ours,
            Some(t) => Ownership::Other(t),
            None => Ownership::Untagged,
        }
    }
}

/// One child found by its derived name: its identity (a `ChildIds` holding just it) and whose
/// it is.
#[derive(Debug, Clone)]
pub struct Found {
    pub ids: ChildIds,
    pub ownership: Ownership,
}

/// The owner tag value of the expansion's service.
pub fn owner_of(exp: &Expansion) -> String {
    crate::service::expand::owner_value(&exp.ecs_service.cluster, &exp.ecs_service.name)
}

fn codedeploy_arn(exp: &Expansion, resource: &str) -> String {
    let p = &exp.placement;
    format!(
        "arn:{}:codedeploy:{}:{}:{resource}",
        p.partition, p.region, p.account_id
    )
}

fn one(ids: ChildIds, tag: Option<String>, ours: &str) -> Option<Found> {
    Some(Found {
        ids,
        ownership: Ownership::of(tag, ours),
    })
}

/// Finds one child by its derived name. `known` supplies what a kind is found through (the
/// target groups a rule forwards to, the scalable target a policy belongs to).
pub async fn find(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    known: &ChildIds,
) -> AwsResult<Option<Found>> {
    let ours = owner_of(exp);
    let mut ids = ChildIds::default();
    Ok(match key {
        ChildKey::LogGroup => {
            if log_group::read(c, &exp.log_group.name).await?.is_none() {
                return Ok(None);
            }
            ids.log_group = Some(exp.log_group.name.clone());
            one(ids, log_group::owner(c, &exp.log_group.name).await?, &ours)
        }
        ChildKey::ExecutionRole
        | ChildKey::TaskRole
        | ChildKey::CodeDeployRole
        | ChildKey::InfrastructureRole => {
            let name = match key {
                ChildKey::ExecutionRole => &exp.names.execution_role,
                ChildKey::TaskRole => &exp.names.task_role,
                ChildKey::InfrastructureRole => &exp.names.infrastructure_role,
                _ => &exp.names.codedeploy_role,
            };
            let Some((arn, tag)) = iam_role::read_with_owner(c, name).await? else {
                return Ok(None);
            };
            match key {
                ChildKey::ExecutionRole => ids.execution_role_arn = Some(arn),
                ChildKey::TaskRole => ids.task_role_arn = Some(arn),
                ChildKey::InfrastructureRole => ids.infrastructure_role_arn = Some(arn),
                _ => ids.codedeploy_role_arn = Some(arn),
            }
            one(ids, tag, &ours)
        }
        ChildKey::TaskDefinition => {
            let Some(arn) = task_definition::latest(c, &exp.task_definition.family).await? else {
                return Ok(None);
            };
            let tag = task_definition::owner(c, &arn).await?;
            ids.task_definition_arn = Some(arn);
            one(ids, tag, &ours)
        }
        ChildKey::BlueTargetGroup | ChildKey::GreenTargetGroup => {
            let name = if key == ChildKey::BlueTargetGroup {
                &exp.names.blue_target_group
            } else {
                &exp.names.green_target_group
            };
            let Some(arn) = target_group::find_by_name(c, name).await? else {
                return Ok(None);
            };
            let tag = target_group::owner(c, &arn).await?;
            if key == ChildKey::BlueTargetGroup {
                ids.blue_target_group_arn = Some(arn);
            } else {
                ids.green_target_group_arn = Some(arn);
            }
            one(ids, tag, &ours)
        }
        ChildKey::ProductionListenerRule | ChildKey::TestListenerRule => {
            let groups: Vec<&str> = [&known.blue_target_group_arn, &known.green_target_group_arn]
                .into_iter()
                .filter_map(|a| a.as_deref())
                .collect();
            if groups.is_empty() {
                return Ok(None);
            }
            let Some(def) = exp.listener_rule(key) else {
                return Ok(None);
            };
            if def.listener_arn.is_empty() {
                // A rolling service without a test listener.
                return Ok(None);
            }
            let Some(arn) =
                listener_rule::find_forwarding_to(c, &def.listener_arn, &groups).await?
            else {
                return Ok(None);
            };
            // A rule that forwards to this service's target groups is this service's.
            if key == ChildKey::ProductionListenerRule {
                ids.production_rule_arn = Some(arn);
            } else {
                ids.test_rule_arn = Some(arn);
            }
            Some(Found {
                ids,
                ownership: Ownership::Ours,
            })
        }
        ChildKey::DiscoveryService => {
            let Some(def) = &exp.discovery else {
                // Without a namespace to look in (an import knows none yet), the ECS service's
                // registry is the only lead.
                let Some(arn) =
                    ecs_service::read(c, &exp.ecs_service.cluster, &exp.ecs_service.name)
                        .await?
                        .and_then(|s| s.registry_arn)
                else {
                    return Ok(None);
                };
                let Some(id) = discovery_service::id_from_arn(&arn).map(str::to_owned) else {
                    return Ok(None);
                };
                let tag = discovery_service::owner(c, &arn).await?;
                ids.discovery_service_id = Some(id);
                ids.discovery_service_arn = Some(arn);
                return Ok(one(ids, tag, &ours));
            };
            let found = discovery_service::find_by_name(c, &def.namespace_id, &def.name).await?;
            // Prefer ours when Cloud Map (or an emulator) holds more than one.
            let Some((d, tag)) = found
                .iter()
                .find(|(_, t)| t.as_deref() == Some(ours.as_str()))
                .or_else(|| found.first())
                .cloned()
            else {
                return Ok(None);
            };
            ids.discovery_service_id = Some(d.id);
            ids.discovery_service_arn = Some(d.arn);
            one(ids, tag, &ours)
        }
        ChildKey::EcsService => {
            let Some(s) =
                ecs_service::read(c, &exp.ecs_service.cluster, &exp.ecs_service.name).await?
            else {
                return Ok(None);
            };
            let tag = s.tags.get(OWNER_TAG).cloned();
            // The revision the service runs, which `discover` prefers to the family's newest
            // (a roll-out that failed or was rolled back leaves a newer one unused).
            let family = format!(":task-definition/{}:", exp.task_definition.family);
            ids.task_definition_arn = s
                .running_task_definition()
                .filter(|arn| arn.contains(&family))
                .map(str::to_owned);
            ids.service_arn = Some(s.arn);
            one(ids, tag, &ours)
        }
        ChildKey::CodeDeployApplication => {
            let name = &exp.codedeploy_application;
            if !codedeploy_application::exists(c, name).await? {
                return Ok(None);
            }
            let tag = codedeploy_application::owner(
                c,
                &codedeploy_arn(exp, &format!("application:{name}")),
            )
            .await?;
            ids.codedeploy_application = Some(name.clone());
            one(ids, tag, &ours)
        }
        ChildKey::DeploymentGroup => {
            let dg = &exp.deployment_group;
            if deployment_group::read(c, &dg.application, &dg.name)
                .await?
                .is_none()
            {
                return Ok(None);
            }
            let arn = codedeploy_arn(
                exp,
                &format!("deploymentgroup:{}/{}", dg.application, dg.name),
            );
            let tag = codedeploy_application::owner(c, &arn).await?;
            ids.deployment_group = Some(dg.name.clone());
            one(ids, tag, &ours)
        }
        ChildKey::ScalableTarget => {
            let resource_id = format!(
                "service/{}/{}",
                cluster_name(&exp.ecs_service.cluster),
                exp.ecs_service.name
            );
            if scalable_target::read(c, &resource_id).await?.is_none() {
                return Ok(None);
            }
            // Its identity is this very ECS service's desired count.
            ids.scalable_target = Some(resource_id);
            Some(Found {
                ids,
                ownership: Ownership::Ours,
            })
        }
        ChildKey::ScalingPolicy(metric) => {
            let Some(target) = &known.scalable_target else {
                return Ok(None);
            };
            let name = policy_name(exp, metric);
            let Some(p) = scaling_policy::read_all(c, target)
                .await?
                .into_iter()
                .find(|p| &p.name == name)
            else {
                return Ok(None);
            };
            ids.scaling_policies
                .insert(metric_key(metric).to_owned(), p.arn);
            Some(Found {
                ids,
                ownership: Ownership::Ours,
            })
        }
        ChildKey::Alarm(metric, target) => {
            let name = exp.names.alarm(metric, target).to_owned();
            let Some(a) = alarm::read(c, std::slice::from_ref(&name))
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let tag = alarm::owner(c, &a.arn).await?;
            ids.alarms
                .insert(alarm_key(metric, target).to_owned(), a.arn);
            one(ids, tag, &ours)
        }
    })
}

/// The name of the expansion's policy for a metric (whether or not the expansion has it).
pub fn policy_name(exp: &Expansion, metric: ScalingMetric) -> &String {
    match metric {
        ScalingMetric::Requests => &exp.names.requests_policy,
        ScalingMetric::Cpu => &exp.names.cpu_policy,
        ScalingMetric::Memory => &exp.names.memory_policy,
    }
}

/// Every child of the service found by name, in two passes (rules and policies are found
/// through the target groups and the scalable target of the first).
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// What is this service's.
    pub ours: ChildIds,
    /// What has the derived name but no owner tag.
    pub untagged: ChildIds,
    /// What has the derived name and another service's owner tag.
    pub others: Vec<(ChildKey, String)>,
}

/// Finds every child any expansion of this service can have, concurrently.
pub async fn discover(c: &Clients, exp: &Expansion) -> AwsResult<Discovery> {
    let (first, second): (Vec<ChildKey>, Vec<ChildKey>) =
        ChildKey::ALL.into_iter().partition(|k| {
            !matches!(
                k,
                ChildKey::ProductionListenerRule
                    | ChildKey::TestListenerRule
                    | ChildKey::ScalingPolicy(_)
            )
        });
    let mut out = Discovery::default();
    for (key, found) in first
        .iter()
        .zip(find_all(c, exp, &first, &ChildIds::default()).await?)
    {
        let Some(f) = found else { continue };
        if *key == ChildKey::EcsService
            && f.ownership == Ownership::Ours
            && let Some(running) = &f.ids.task_definition_arn
        {
            out.ours.task_definition_arn = Some(running.clone());
        }
        match f.ownership {
            Ownership::Ours => out.ours.merge_missing(&f.ids),
            Ownership::Untagged => out.untagged.merge_missing(&f.ids),
            Ownership::Other(owner) => out.others.push((*key, owner)),
        }
    }
    // Rules and policies are whose their target groups and target are: found through ours
    // they are ours; found through untagged ones, untagged.
    // The scalable target is this service's by its identity, so its policies are too: one
    // DescribeScalingPolicies finds them all.
    let second: Vec<ChildKey> = second
        .into_iter()
        .filter(|k| !matches!(k, ChildKey::ScalingPolicy(_)))
        .collect();
    let (via_ours, via_untagged, policies) = tokio::try_join!(
        find_all(c, exp, &second, &out.ours),
        find_all(c, exp, &second, &out.untagged),
        policies_of(c, exp, &out.ours),
    )?;
    let (mut ours, mut untagged) = (out.ours.clone(), out.untagged.clone());
    ours.merge_missing(&policies);
    for (a, b) in via_ours.into_iter().zip(via_untagged) {
        match (a, b) {
            (Some(f), _) => ours.merge_missing(&f.ids),
            (None, Some(f)) => untagged.merge_missing(&f.ids),
            (None, None) => {}
        }
    }
    out.ours = ours;
    out.untagged = untagged;
    Ok(out)
}

/// The expansion's policies on the scalable target `known` has, by name, in one call.
async fn policies_of(c: &Clients, exp: &Expansion, known: &ChildIds) -> AwsResult<ChildIds> {
    let mut ids = ChildIds::default();
    let Some(target) = &known.scalable_target else {
        return Ok(ids);
    };
    let policies = scaling_policy::read_all(c, target).await?;
    for metric in ScalingMetric::ALL {
        if let Some(p) = policies
            .iter()
            .find(|p| &p.name == policy_name(exp, metric))
        {
            ids.scaling_policies
                .insert(metric_key(metric).to_owned(), p.arn.clone());
        }
    }
    Ok(ids)
}

async fn find_all(
    c: &Clients,
    exp: &Expansion,
    keys: &[ChildKey],
    known: &ChildIds,
) -> AwsResult<Vec<Option<Found>>> {
    futures::future::try_join_all(keys.iter().map(|k| find(c, exp, *k, known))).await
}
