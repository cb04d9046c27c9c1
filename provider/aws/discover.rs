//! Finds a service's children in AWS on their own, each by its derived name (and its owner tag
//! where the kind takes tags), never only through another child: what a lost or empty private
//! state, an interrupted apply or the delete half of a replacement relies on.

use crate::service::expand::{ChildKey, Expansion, ScalingMetric};
use crate::service::state::ChildIds;

use super::clients::{AwsResult, Clients};
use super::scaling_policy;

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
    /// It takes no owner tag of its own and is whose the target groups it forwards to (these
    /// ARNs) are: a listener rule found by the names its groups' ARNs carry.
    Via(Vec<String>),
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

pub(crate) fn codedeploy_arn(exp: &Expansion, resource: &str) -> String {
    let p = &exp.placement;
    format!(
        "arn:{}:codedeploy:{}:{}:{resource}",
        p.partition, p.region, p.account_id
    )
}

pub(crate) fn one(ids: ChildIds, tag: Option<String>, ours: &str) -> Option<Found> {
    Some(Found {
        ids,
        ownership: Ownership::of(tag, ours),
    })
}

/// Finds one child by its derived name (its kind's, see aws/kind.rs). `known` supplies what a
/// kind is found through (the target groups a rule forwards to, the scalable target a policy
/// belongs to).
pub async fn find(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    known: &ChildIds,
) -> AwsResult<Option<Found>> {
    super::kind::of(key)
        .find(&super::kind::Lookup { c, exp, known }, key)
        .await
}

/// The name of the expansion's policy for a metric (whether or not the expansion has it).
pub fn policy_name(exp: &Expansion, metric: ScalingMetric) -> &String {
    match metric {
        ScalingMetric::Requests => &exp.names.requests_policy,
        ScalingMetric::Cpu => &exp.names.cpu_policy,
        ScalingMetric::Memory => &exp.names.memory_policy,
    }
}

/// Every child of the service found by name.
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
    discover_missing(c, exp, &ChildIds::default()).await
}

/// Finds the children `known` does not hold, all in one round of lookups by name (plus one of
/// owner tags for what is found). Rules are found by the names their target groups' ARNs
/// carry and policies by the scalable target's derived identity, so neither waits for the
/// lookups of the children they hang off.
pub async fn discover_missing(
    c: &Clients,
    exp: &Expansion,
    known: &ChildIds,
) -> AwsResult<Discovery> {
    // One DescribeScalingPolicies finds every policy, so policies are not looked up one by one.
    let keys: Vec<ChildKey> = ChildKey::ALL
        .into_iter()
        .filter(|k| !known.has(*k) && !matches!(k, ChildKey::ScalingPolicy(_)))
        .collect();
    let policies_missing = ScalingMetric::ALL
        .into_iter()
        .any(|m| !known.has(ChildKey::ScalingPolicy(m)));
    let (found, policies) = tokio::try_join!(find_all(c, exp, &keys, known), async {
        if policies_missing {
            policies_of(c, exp).await
        } else {
            Ok(ChildIds::default())
        }
    })?;
    let mut out = Discovery::default();
    let mut via = Vec::new();
    for (key, found) in keys.iter().zip(found) {
        let Some(f) = found else { continue };
        if *key == ChildKey::EcsService
            && f.ownership == Ownership::Ours
            && let Some(running) = f.ids.id(ChildKey::TaskDefinition)
            && !known.has(ChildKey::TaskDefinition)
        {
            out.ours.set(ChildKey::TaskDefinition, running);
        }
        match f.ownership {
            Ownership::Ours => out.ours.merge_missing(&f.ids),
            Ownership::Untagged => out.untagged.merge_missing(&f.ids),
            Ownership::Other(owner) => out.others.push((*key, owner)),
            Ownership::Via(groups) => via.push((f.ids, groups)),
        }
    }
    // A rule is whose its target groups are: forwarding to ours (known or found) it is ours;
    // to untagged ones, untagged; to another service's groups of the same name, not ours.
    let ours_groups = [target_groups(known), target_groups(&out.ours)].concat();
    let untagged_groups = target_groups(&out.untagged);
    for (ids, groups) in via {
        if groups.iter().any(|g| ours_groups.contains(g)) {
            out.ours.merge_missing(&ids);
        } else if groups.iter().any(|g| untagged_groups.contains(g)) {
            out.untagged.merge_missing(&ids);
        }
    }
    // The scalable target is this service's by its identity, so its policies are too.
    if known.has(ChildKey::ScalableTarget) || out.ours.has(ChildKey::ScalableTarget) {
        let mut policies = policies;
        for metric in ScalingMetric::ALL {
            if known.has(ChildKey::ScalingPolicy(metric)) {
                policies.clear(ChildKey::ScalingPolicy(metric));
            }
        }
        out.ours.merge_missing(&policies);
    }
    Ok(out)
}

/// The target groups `ids` records.
pub(crate) fn target_groups(ids: &ChildIds) -> Vec<String> {
    [ChildKey::BlueTargetGroup, ChildKey::GreenTargetGroup]
        .into_iter()
        .filter_map(|k| ids.id(k))
        .collect()
}

/// The expansion's policies on the service's scalable target, by name, in one call.
async fn policies_of(c: &Clients, exp: &Expansion) -> AwsResult<ChildIds> {
    let mut ids = ChildIds::default();
    let policies = scaling_policy::read_all(c, &super::scalable_target::resource_id(exp)).await?;
    for metric in ScalingMetric::ALL {
        if let Some(p) = policies
            .iter()
            .find(|p| &p.name == policy_name(exp, metric))
        {
            ids.set(ChildKey::ScalingPolicy(metric), p.arn.clone());
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
