//! The Application Auto Scaling target for the service's desired count.

use std::collections::BTreeMap;

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};

use crate::service::expand::ScalableTargetDef;

use super::clients::{AwsResult, Clients, err, gone_ok};

/// Registers (or re-registers with new bounds) the target; returns its resource ID. Tags are
/// given at the first registration only: AWS tags a target when it creates it.
pub async fn register(
    c: &Clients,
    def: &ScalableTargetDef,
    tags: Option<&BTreeMap<String, String>>,
) -> AwsResult<String> {
    c.autoscaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(&def.resource_id)
        .min_capacity(def.min as i32)
        .max_capacity(def.max as i32)
        .set_tags(tags.map(|t| t.clone().into_iter().collect()))
        .send()
        .await
        .map_err(err("RegisterScalableTarget"))?;
    Ok(def.resource_id.clone())
}

/// `(min, max)`, or `None` when the target is not registered.
pub async fn read(c: &Clients, resource_id: &str) -> AwsResult<Option<(i64, i64)>> {
    let out = c
        .autoscaling
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(resource_id)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .send()
        .await
        .map_err(err("DescribeScalableTargets"))?;
    Ok(out
        .scalable_targets()
        .first()
        .map(|t| (i64::from(t.min_capacity()), i64::from(t.max_capacity()))))
}

pub async fn deregister(c: &Clients, resource_id: &str) -> AwsResult<()> {
    gone_ok(
        c.autoscaling
            .deregister_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(resource_id)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeregisterScalableTarget")),
    )
}

// --- The scalable target as a child of the service (see aws/kind.rs) ------------------------

use super::discover::Ownership;
use super::kind::prelude::*;
use crate::service::expand::cluster_name;

pub struct ScalableTargetKind;

#[async_trait::async_trait]
impl ChildKind for ScalableTargetKind {
    /// The target's bounds, and alongside them the policies on it (one call for all of them,
    /// which the policies' [`relate`](ChildKind::relate) finds by name).
    async fn read(&self, at: &Lookup<'_>, _keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let Some(id) = at.known.get(ChildKey::ScalableTarget) else {
            return Ok(());
        };
        let (bounds, policies) =
            tokio::try_join!(read(at.c, id), super::scaling_policy::read_all(at.c, id),)?;
        seen.present(ChildKey::ScalableTarget, bounds.is_some());
        seen.note(|o| {
            o.scalable_target = bounds;
            o.scaling_policies = policies;
        });
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let Some(def) = &cx.exp.scalable_target else {
            return Ok(());
        };
        let id = register(cx.c, def, Some(&cx.tags())).await?;
        cx.record(key, id);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, _key: ChildKey, old: &Expansion) -> KindResult {
        if let Some(def) = &cx.exp.scalable_target
            && old.scalable_target.as_ref() != Some(def)
        {
            register(cx.c, def, None).await?;
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, _key: ChildKey, fresh: bool) -> KindResult {
        if !fresh && let Some(def) = &cx.exp.scalable_target {
            register(cx.c, def, None).await?;
        }
        Ok(())
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        // Nothing recorded, nothing to deregister (never a request with an empty ID).
        let Some(id) = cx.id(ChildKey::ScalableTarget) else {
            return Ok(());
        };
        deregister(cx.c, &id).await
    }

    async fn find(&self, at: &Lookup<'_>, _key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let resource_id = resource_id(exp);
        if read(c, &resource_id).await?.is_none() {
            return Ok(None);
        }
        // Its identity is this very ECS service's desired count.
        Ok(Some(Found {
            ids: ChildIds::from_iter([(ChildKey::ScalableTarget, resource_id)]),
            ownership: Ownership::Ours,
        }))
    }
}

/// The scalable target's identity: the ECS service's desired count, derived from the service's
/// cluster and name (so its policies can be looked up without reading it first).
pub fn resource_id(exp: &Expansion) -> String {
    format!(
        "service/{}/{}",
        cluster_name(&exp.ecs_service.cluster),
        exp.ecs_service.name
    )
}
