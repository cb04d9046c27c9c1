//! Finds a service's children in AWS on their own, each by its derived name (and its owner tag
//! where the kind takes tags), never only through another child: what a lost or empty private
//! state, an interrupted apply or the delete half of a replacement relies on.

use crate::service::expand::{ChildKey, Expansion, ScalingMetric};
use crate::service::state::{ChildIds, metric_key};

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
    super::kind::of(key).find(c, exp, key, known).await
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
