//! What watches and shapes a roll-out: the service's alarms on its target groups, the ECS
//! deployment configuration and CodeDeploy's deployment group.

use super::{
    AlarmDef, AlarmMetric, AlarmTarget, DeploymentGroupDef, EcsDeploymentDef, LoadBalancing,
    cluster_name,
};
use crate::service::names::ChildNames;
use crate::service::spec::ServiceSpec;

/// The service's own alarms: one per metric with a threshold above 0, on each target group the
/// strategy watches.
pub(super) fn alarms(spec: &ServiceSpec, names: &ChildNames, load_balanced: bool) -> Vec<AlarmDef> {
    let strategy = spec.deployment_strategy;
    let mut alarms = Vec::new();
    // The service's own alarms watch its target groups: a service without any has none.
    let kind = spec.load_balancer.as_ref().map(|lb| lb.kind);
    if let (Some(a), Some(kind)) = (spec.alarms.as_ref().filter(|_| load_balanced), kind) {
        for metric in AlarmMetric::ALL
            .into_iter()
            .filter(|m| m.published_behind(kind))
        {
            let (configured, threshold, what) = match metric {
                AlarmMetric::Target5xx => (
                    a.target_5xx_count as f64,
                    a.target_5xx_count as f64,
                    format!("more than {} HTTP 5xx answers", a.target_5xx_count),
                ),
                AlarmMetric::Target5xxRate => (
                    a.target_5xx_rate_percent,
                    a.target_5xx_rate_percent,
                    format!(
                        "more than {} % of the requests answered with HTTP 5xx",
                        a.target_5xx_rate_percent
                    ),
                ),
                AlarmMetric::ResponseTime => (
                    a.response_time_p99_ms as f64,
                    a.response_time_p99_ms as f64 / 1000.0,
                    format!("a p99 response time over {} ms", a.response_time_p99_ms),
                ),
                AlarmMetric::UnhealthyHosts => (
                    a.unhealthy_hosts as f64,
                    a.unhealthy_hosts as f64,
                    format!("{} or more unhealthy targets", a.unhealthy_hosts),
                ),
            };
            if configured <= 0.0 {
                continue;
            }
            for &target in strategy.alarm_targets() {
                let group = match target {
                    AlarmTarget::Blue => &names.blue_target_group,
                    AlarmTarget::Green => &names.green_target_group,
                };
                alarms.push(AlarmDef {
                    name: names.alarm(metric, target).to_owned(),
                    metric,
                    target,
                    namespace: kind.metrics_namespace(),
                    metric_name: metric.metric_name(),
                    statistic: metric.statistic(),
                    expression: metric.expression(),
                    threshold,
                    comparison: metric.comparison(),
                    period: a.period,
                    evaluation_periods: a.evaluation_periods,
                    description: format!(
                        "{}: {what} on target group {group} in {} of {} periods of {} s; stops a \
                         roll-out of the service.",
                        names.ecs_service, a.evaluation_periods, a.evaluation_periods, a.period
                    ),
                });
            }
        }
    }
    alarms
}

/// The alarms that stop a roll-out: the service's own, then the user's.
pub(super) fn alarm_names(spec: &ServiceSpec, alarms: &[AlarmDef]) -> Vec<String> {
    let mut alarm_names: Vec<String> = alarms.iter().map(|a| a.name.clone()).collect();
    if let Some(a) = &spec.alarms {
        alarm_names.extend(a.names.iter().cloned());
    }
    alarm_names
}

/// The deployment configuration of an ECS-controller service, as the strategy's family
/// builds it; `None` under CodeDeploy.
pub(super) fn ecs_deployment(
    spec: &ServiceSpec,
    alarm_names: &[String],
) -> Option<EcsDeploymentDef> {
    let strategy = spec.deployment_strategy;
    (strategy.family().ecs_deployment)(strategy, spec, alarm_names)
}

/// CodeDeploy's deployment group: its listeners are the load balancer's, its alarms
/// `alarm_names`.
pub(super) fn deployment_group(
    spec: &ServiceSpec,
    names: &ChildNames,
    load_balancing: Option<&LoadBalancing>,
    alarm_names: Vec<String>,
) -> DeploymentGroupDef {
    DeploymentGroupDef {
        application: names.codedeploy_application.clone(),
        name: names.deployment_group.clone(),
        deployment_config: spec.blue_green.deployment_config.clone(),
        termination_wait_minutes: spec.blue_green.termination_wait_minutes,
        auto_rollback_events: spec.blue_green.auto_rollback_events.clone(),
        production_listener_arn: load_balancing.map(|l| l.production_rule.listener_arn.clone()),
        test_listener_arn: load_balancing
            .and_then(|l| l.test_rule.as_ref())
            .map(|r| r.listener_arn.clone()),
        cluster: cluster_name(&spec.cluster).to_owned(),
        service: names.ecs_service.clone(),
        alarm_names,
        test_traffic_wait_minutes: spec.blue_green.test_traffic_wait_minutes,
        ready_action: if spec.blue_green.approve_traffic {
            "STOP_DEPLOYMENT"
        } else {
            "CONTINUE_DEPLOYMENT"
        },
        hooks: crate::service::schema::APPSPEC_HOOK_EVENTS
            .iter()
            .filter_map(|e| {
                spec.blue_green
                    .hooks
                    .get(*e)
                    .map(|arn| ((*e).to_owned(), arn.clone()))
            })
            .collect(),
    }
}
