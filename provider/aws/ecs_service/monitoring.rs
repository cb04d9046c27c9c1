//! The service's monitoring configuration: which of its CPU and memory metrics ECS publishes
//! every 20 seconds. Sent with CreateService and a roll-out's UpdateService, read back from
//! the running service revision (DescribeServices does not report it).

use aws_sdk_ecs::types::{MetricConfiguration, MonitoringConfiguration};

use crate::service::expand::{EcsServiceDef, ScalingMetric};

use super::super::clients::{AwsResult, Clients, err};
use super::{ObservedService, bad};

/// The metrics the running revision of `service` publishes every 20 seconds (its monitoring
/// configuration, [`facts::METRIC_RESOLUTION`]): read from the service revision that runs the
/// service's task definition, since DescribeServices does not report it. `None` when no such
/// revision is listed (a CODE_DEPLOY service has none).
///
/// [`facts::METRIC_RESOLUTION`]: crate::service::facts::METRIC_RESOLUTION
pub async fn high_resolution_metrics(
    c: &Clients,
    service: &ObservedService,
) -> AwsResult<Option<Vec<String>>> {
    if service.current_revisions.is_empty() {
        return Ok(None);
    }
    let out = c
        .ecs
        .describe_service_revisions()
        .set_service_revision_arns(Some(service.current_revisions.clone()))
        .send()
        .await
        .map_err(err("DescribeServiceRevisions"))?;
    let running = out
        .service_revisions()
        .iter()
        .find(|r| r.task_definition() == service.task_definition_arn.as_deref())
        .or_else(|| out.service_revisions().first());
    Ok(running.map(|r| {
        let mut names: Vec<String> = r
            .monitoring()
            .map(|m| m.metric_configurations())
            .unwrap_or_default()
            .iter()
            .filter(|m| m.resolution_seconds() == HIGH_RESOLUTION_SECONDS)
            .flat_map(|m| m.metric_names().iter().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }))
}

/// The resolution of ECS's high-resolution service metrics ([`facts::METRIC_RESOLUTION`]'s
/// lower end; the upper, 60, is ECS's default).
///
/// [`facts::METRIC_RESOLUTION`]: crate::service::facts::METRIC_RESOLUTION
const HIGH_RESOLUTION_SECONDS: i32 = crate::service::facts::METRIC_RESOLUTION.min as i32;
const DEFAULT_RESOLUTION_SECONDS: i32 = crate::service::facts::METRIC_RESOLUTION.max as i32;

/// The service's monitoring configuration: `def`'s high-resolution metrics at 20 seconds and,
/// when `every_metric`, the others at ECS's default 60 (a roll-out says both, so turning the
/// setting off takes effect); `None` when there is nothing to say.
pub(super) fn monitoring(
    def: &EcsServiceDef,
    every_metric: bool,
    op: &'static str,
) -> AwsResult<Option<MonitoringConfiguration>> {
    let high: Vec<&str> = def.high_resolution_metrics.clone();
    let rest: Vec<&str> = ScalingMetric::ALL
        .iter()
        .filter_map(|m| m.ecs_metric_name())
        .filter(|m| !high.contains(m))
        .collect();
    let mut configs = Vec::new();
    for (names, seconds) in [
        (high, HIGH_RESOLUTION_SECONDS),
        (
            if every_metric { rest } else { Vec::new() },
            DEFAULT_RESOLUTION_SECONDS,
        ),
    ] {
        if names.is_empty() {
            continue;
        }
        configs.push(
            MetricConfiguration::builder()
                .set_metric_names(Some(names.into_iter().map(str::to_owned).collect()))
                .resolution_seconds(seconds)
                .build()
                .map_err(bad(op))?,
        );
    }
    Ok((!configs.is_empty()).then(|| {
        MonitoringConfiguration::builder()
            .set_metric_configurations(Some(configs))
            .build()
    }))
}
