//! Target-tracking scaling policies: ALB requests per target (its ResourceLabel follows the
//! live target group), CPU and memory.

use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};

use crate::service::expand::{ScalingMetric, ScalingPolicyDef};

use super::clients::{AwsError, AwsResult, Clients, err, gone_ok};

/// Creates or updates the policy; returns its ARN.
pub async fn put(
    c: &Clients,
    resource_id: &str,
    def: &ScalingPolicyDef,
    label: Option<&str>,
) -> AwsResult<String> {
    let mut metric = PredefinedMetricSpecification::builder()
        .predefined_metric_type(MetricType::from(def.predefined_metric_type()));
    if def.metric == ScalingMetric::Requests {
        let label = label.ok_or_else(|| {
            AwsError::new(
                "PutScalingPolicy",
                "no resource label for the request metric",
            )
        })?;
        metric = metric.resource_label(label);
    }
    let config = TargetTrackingScalingPolicyConfiguration::builder()
        .target_value(def.target_value)
        .predefined_metric_specification(
            metric
                .build()
                .map_err(|e| AwsError::new("PutScalingPolicy", e.to_string()))?,
        )
        .scale_in_cooldown(def.scale_in_cooldown as i32)
        .scale_out_cooldown(def.scale_out_cooldown as i32)
        .build()
        .map_err(|e| AwsError::new("PutScalingPolicy", e.to_string()))?;
    let out = c
        .autoscaling
        .put_scaling_policy()
        .policy_name(&def.name)
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id)
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(config)
        .send()
        .await
        .map_err(err("PutScalingPolicy"))?;
    Ok(out.policy_arn().to_owned())
}

/// A policy as AWS has it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedPolicy {
    pub name: String,
    pub arn: String,
    pub metric: Option<String>,
    pub target_value: f64,
    pub resource_label: Option<String>,
    pub scale_in_cooldown: Option<i64>,
    pub scale_out_cooldown: Option<i64>,
}

/// The policies on the target.
pub async fn read_all(c: &Clients, resource_id: &str) -> AwsResult<Vec<ObservedPolicy>> {
    let out = c
        .autoscaling
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource_id)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .send()
        .await
        .map_err(err("DescribeScalingPolicies"))?;
    Ok(out
        .scaling_policies()
        .iter()
        .map(|p| {
            let cfg = p.target_tracking_scaling_policy_configuration();
            let metric = cfg.and_then(|c| c.predefined_metric_specification());
            ObservedPolicy {
                name: p.policy_name().to_owned(),
                arn: p.policy_arn().to_owned(),
                metric: metric.map(|m| m.predefined_metric_type().as_str().to_owned()),
                target_value: cfg.map(|c| c.target_value()).unwrap_or(0.0),
                resource_label: metric.and_then(|m| m.resource_label().map(str::to_owned)),
                scale_in_cooldown: cfg.and_then(|c| c.scale_in_cooldown()).map(i64::from),
                scale_out_cooldown: cfg.and_then(|c| c.scale_out_cooldown()).map(i64::from),
            }
        })
        .collect())
}

pub async fn delete(c: &Clients, resource_id: &str, name: &str) -> AwsResult<()> {
    gone_ok(
        c.autoscaling
            .delete_scaling_policy()
            .policy_name(name)
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(resource_id)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteScalingPolicy")),
    )
}

// --- The scaling policies as children of the service (see aws/kind.rs) ----------------------

use super::child::live_target_group;
use super::discover::{Ownership, policy_name};
use super::kind::prelude::*;
use crate::service::expand::alb_resource_label;

/// One policy per metric the service scales on.
pub struct ScalingPolicyKind;

/// The metric of a policy's key.
fn metric_of(key: ChildKey) -> Option<ScalingMetric> {
    match key {
        ChildKey::ScalingPolicy(m) => Some(m),
        _ => None,
    }
}

/// Puts the expansion's policy for `metric`, measuring the live group's requests; its ARN.
/// A HighResolution policy goes in that form only once the service publishes the metric every
/// 20 seconds, which AWS requires first ([`facts::SCALING_METRIC_TYPES`]); until then (the
/// roll-out that turns the 20-second metrics on has not run yet) it tracks the standard form,
/// and the roll-out's end puts it again ([`settle_high_resolution`]).
///
/// [`facts::SCALING_METRIC_TYPES`]: crate::service::facts::SCALING_METRIC_TYPES
async fn put_policy(cx: &Cx<'_>, metric: ScalingMetric, target: &str) -> AwsResult<Option<String>> {
    let Some(def) = cx.exp.scaling_policies.iter().find(|p| p.metric == metric) else {
        return Ok(None);
    };
    let mut def = def.clone();
    if def.high_resolution {
        let service = &cx.exp.ecs_service;
        let published =
            match super::ecs_service::read(cx.c, &service.cluster, &service.name).await? {
                Some(s) => super::ecs_service::high_resolution_metrics(cx.c, &s)
                    .await?
                    .unwrap_or_default(),
                None => Vec::new(),
            };
        def.high_resolution = metric.published_in(&published);
    }
    let label = live_target_group(&cx.ids(), cx.live)
        .and_then(|tg| alb_resource_label(&cx.exp.placement.load_balancer, &tg));
    put(cx.c, target, &def, label.as_deref()).await.map(Some)
}

/// After a roll-out: puts again each HighResolution policy AWS has in the standard form while
/// the service now publishes its metric every 20 seconds (what `observed` read), so a
/// roll-out that turns the 20-second metrics on ends with the policies on them. Returns the
/// policies put, with their ARNs.
pub async fn settle_high_resolution(
    c: &Clients,
    exp: &Expansion,
    target: &str,
    observed: &Observed,
) -> AwsResult<Vec<(ChildKey, String)>> {
    let published = observed
        .service
        .as_ref()
        .and_then(|s| s.high_resolution_metrics.clone())
        .unwrap_or_default();
    let mut put_again = Vec::new();
    for def in exp.scaling_policies.iter().filter(|d| d.high_resolution) {
        let has = observed
            .scaling_policies
            .iter()
            .find(|p| p.name == def.name)
            .and_then(|p| p.metric.as_deref());
        if has != Some(def.predefined_metric_type()) && def.metric.published_in(&published) {
            let arn = put(c, target, def, None).await?;
            put_again.push((ChildKey::ScalingPolicy(def.metric), arn));
        }
    }
    Ok(put_again)
}

#[async_trait::async_trait]
impl ChildKind for ScalingPolicyKind {
    /// Read with the scalable target they are on (see [`relate`](ChildKind::relate)).
    async fn read(&self, _at: &Lookup<'_>, _keys: &[ChildKey], _seen: &Seen) -> AwsResult<()> {
        Ok(())
    }

    /// Found by name among the scalable target's policies (PutScalingPolicy may give an
    /// updated policy a new ARN). The request-count policy measuring the idle target group (a
    /// follow-up that failed after a swap, or a change out of band) is drift only the provider
    /// sees: pending, so the plan shows a change and the apply points it at the live group.
    async fn relate(&self, at: &Lookup<'_>, key: ChildKey, o: &mut Observed) -> AwsResult<()> {
        let Some(metric) = metric_of(key) else {
            return Ok(());
        };
        let name = policy_name(at.exp, metric);
        let Some(p) = o.scaling_policies.iter().find(|p| &p.name == name) else {
            o.ids.clear(key);
            return Ok(());
        };
        let (arn, label) = (p.arn.clone(), p.resource_label.clone());
        o.ids.set(key, arn);
        if metric == ScalingMetric::Requests
            && let Some(live) = o.live
        {
            let wanted = live_target_group(&o.ids, live)
                .and_then(|tg| alb_resource_label(&at.exp.placement.load_balancer, &tg));
            if wanted.is_some() && label != wanted {
                o.ids.pending.insert(key);
            }
        }
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let Some(metric) = metric_of(key) else {
            return Ok(());
        };
        let target = cx.required(ChildKey::ScalableTarget, "the scalable target")?;
        if let Some(arn) = put_policy(cx, metric, &target).await? {
            cx.record(key, arn);
        }
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        // A policy is put on the scalable target; without one recorded there is none to change.
        let (Some(metric), Some(target)) = (metric_of(key), cx.id(ChildKey::ScalableTarget)) else {
            return Ok(());
        };
        let def = cx.exp.scaling_policies.iter().find(|p| p.metric == metric);
        let before = old.scaling_policies.iter().find(|p| p.metric == metric);
        if def.is_some()
            && before != def
            && let Some(arn) = put_policy(cx, metric, &target).await?
        {
            cx.note(|g| g.set(key, arn));
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, key: ChildKey, fresh: bool) -> KindResult {
        let (Some(metric), false, Some(target)) =
            (metric_of(key), fresh, cx.id(ChildKey::ScalableTarget))
        else {
            return Ok(());
        };
        if let Some(arn) = put_policy(cx, metric, &target).await? {
            cx.note(|g| g.set(key, arn));
        }
        Ok(())
    }

    async fn delete(&self, cx: &Cx<'_>, key: ChildKey) -> AwsResult<()> {
        let Some(metric) = metric_of(key) else {
            return Ok(());
        };
        // A policy belongs to the service's scalable target, whose identity the expansion
        // derives when it is not recorded.
        let target = cx
            .id(ChildKey::ScalableTarget)
            .unwrap_or_else(|| super::scalable_target::resource_id(cx.exp));
        delete(cx.c, &target, policy_name(cx.exp, metric)).await
    }

    async fn find(&self, at: &Lookup<'_>, key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, known } = *at;
        let (Some(metric), Some(target)) = (metric_of(key), known.get(ChildKey::ScalableTarget))
        else {
            return Ok(None);
        };
        let name = policy_name(exp, metric);
        let Some(p) = read_all(c, target)
            .await?
            .into_iter()
            .find(|p| &p.name == name)
        else {
            return Ok(None);
        };
        Ok(Some(Found {
            ids: ChildIds::from_iter([(key, p.arn)]),
            ownership: Ownership::Ours,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::observed::testing::{BLUE, GREEN, clients, expansion, observed};
    use crate::service::state::Colour;

    fn policy(name: &str, arn: &str, group: &str) -> ObservedPolicy {
        let exp = expansion("codedeploy");
        ObservedPolicy {
            name: name.to_owned(),
            arn: arn.to_owned(),
            metric: Some("ALBRequestCountPerTarget".to_owned()),
            target_value: 500.0,
            resource_label: alb_resource_label(&exp.placement.load_balancer, group),
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        }
    }

    async fn relate(o: &mut Observed) {
        let (c, exp) = (clients(), expansion("codedeploy"));
        let known = o.ids.clone();
        let at = Lookup {
            c: &c,
            exp: &exp,
            known: &known,
        };
        let Ok(()) = ScalingPolicyKind
            .relate(&at, ChildKey::ScalingPolicy(ScalingMetric::Requests), o)
            .await
        else {
            panic!("relate makes no call")
        };
    }

    #[tokio::test]
    async fn a_policy_is_found_by_name_and_one_on_the_idle_group_is_drift() {
        let key = ChildKey::ScalingPolicy(ScalingMetric::Requests);
        let name = expansion("codedeploy").names.requests_policy.clone();
        // Found under a new ARN, measuring the live group: recorded, no drift.
        let mut o = observed(&[(key, "arn:old")]);
        o.live = Some(Colour::Blue);
        o.scaling_policies = vec![policy(&name, "arn:new", BLUE)];
        relate(&mut o).await;
        assert_eq!(o.ids.get(key), Some("arn:new"));
        assert!(o.ids.pending.is_empty());
        // Measuring the idle group: pending, so the apply points it at the live one.
        o.scaling_policies = vec![policy(&name, "arn:new", GREEN)];
        relate(&mut o).await;
        assert!(o.ids.pending.contains(&key));
        // Gone: cleared, so the apply puts it again.
        o.scaling_policies.clear();
        relate(&mut o).await;
        assert!(!o.ids.has(key));
    }
}
