//! The expansion itself: `expand` turns a `ServiceSpec` into every child's definition.

use std::collections::BTreeMap;

use super::{
    AlarmDef, ChildKey, DISCOVERY_CUSTOM_HEALTH_CHECK, DRAIN_TIMEOUT_TAG, DeploymentGroupDef,
    DeploymentStrategy, DiscoveryServiceDef, EcsServiceDef, ListenerRuleDef, LogGroupDef,
    Placement, RoleDef, ScalableTargetDef, ScalingMetric, ScalingPolicyDef, TargetGroupDef,
    TaskDefinitionDef, cluster_name, deployment, iam,
};
use crate::service::names::ChildNames;
use crate::service::spec::{LoadBalancerKind, ServiceSpec};

/// Every child of one service, with its desired settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub names: ChildNames,
    pub strategy: DeploymentStrategy,
    pub placement: Placement,
    /// Merged provider default tags and resource tags, for every child that takes tags.
    pub tags: BTreeMap<String, String>,
    pub log_group: LogGroupDef,
    pub execution_role: RoleDef,
    pub task_role: RoleDef,
    pub codedeploy_role: RoleDef,
    pub infrastructure_role: RoleDef,
    pub task_definition: TaskDefinitionDef,
    /// The target groups and listener rules; `None` for a service without a load balancer.
    pub load_balancing: Option<LoadBalancing>,
    pub discovery: Option<DiscoveryServiceDef>,
    pub ecs_service: EcsServiceDef,
    pub codedeploy_application: String,
    pub deployment_group: DeploymentGroupDef,
    pub scalable_target: Option<ScalableTargetDef>,
    pub scaling_policies: Vec<ScalingPolicyDef>,
    pub alarms: Vec<AlarmDef>,
}

/// How traffic reaches a load-balanced service: the groups (the green one only where a strategy
/// shifts traffic) and a rule on each listener.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancing {
    pub blue_target_group: TargetGroupDef,
    pub green_target_group: TargetGroupDef,
    pub production_rule: ListenerRuleDef,
    /// `None` without a test listener (a rolling service).
    pub test_rule: Option<ListenerRuleDef>,
}

/// Expands a service. `default_tags` come from the provider configuration; the resource's
/// own tags win over them.
pub fn expand(
    spec: &ServiceSpec,
    placement: &Placement,
    default_tags: &BTreeMap<String, String>,
) -> Expansion {
    let names = ChildNames::for_service(&spec.name);
    let mut tags = default_tags.clone();
    tags.extend(spec.tags.clone());

    let load_balancing = load_balancing(spec, &names);
    let discovery = discovery(spec, &names);
    let alarms = deployment::alarms(spec, &names, load_balancing.is_some());
    let alarm_names = deployment::alarm_names(spec, &alarms);
    let ecs_service = ecs_service(spec, &names, &tags, discovery.as_ref(), &alarm_names);
    let deployment_group =
        deployment::deployment_group(spec, &names, load_balancing.as_ref(), alarm_names);

    Expansion {
        log_group: LogGroupDef {
            name: spec.container.log.group.clone(),
            retention_days: spec.container.log.retention_days,
        },
        execution_role: iam::execution_role(spec, placement, &names),
        task_role: iam::task_role(spec, placement, &names),
        codedeploy_role: iam::codedeploy_role(placement, &names),
        infrastructure_role: iam::infrastructure_role(spec, placement, &names),
        task_definition: task_definition(spec, placement, &names),
        load_balancing,
        discovery,
        ecs_service,
        codedeploy_application: names.codedeploy_application.clone(),
        deployment_group,
        scalable_target: scalable_target(spec, &names),
        scaling_policies: scaling_policies(spec, &names),
        alarms,
        placement: placement.clone(),
        tags,
        strategy: spec.deployment_strategy,
        names,
    }
}

fn task_definition(
    spec: &ServiceSpec,
    placement: &Placement,
    names: &ChildNames,
) -> TaskDefinitionDef {
    TaskDefinitionDef {
        family: names.task_family.clone(),
        cpu: spec.task.cpu,
        memory: spec.task.memory,
        cpu_architecture: spec.task.cpu_architecture.clone(),
        ephemeral_storage_gib: spec.task.ephemeral_storage_gib,
        containers: crate::service::task::containers(spec, &placement.region),
        volumes: crate::service::task::volumes(spec),
    }
}

/// The target groups and a rule on each listener; `None` without a load balancer.
fn load_balancing(spec: &ServiceSpec, names: &ChildNames) -> Option<LoadBalancing> {
    let c = &spec.container;
    let strategy = spec.deployment_strategy;
    spec.load_balancer.as_ref().map(|lb| {
        let http_check = lb.health_check.protocol != "TCP";
        let target_group = |name: &str| TargetGroupDef {
            name: name.to_owned(),
            // The `container-port` check requires a port with a load balancer.
            port: c.port.unwrap_or_default(),
            vpc_id: lb.vpc_id.clone(),
            protocol: lb.target_protocol.clone(),
            health_check_protocol: lb.health_check.protocol.clone(),
            health_check_path: http_check.then(|| lb.health_check.path.clone()),
            health_check_matcher: http_check.then(|| lb.health_check.matcher.clone()),
            health_check_interval: lb.health_check.interval,
            health_check_timeout: lb.health_check.timeout,
            healthy_threshold: lb.health_check.healthy_threshold,
            unhealthy_threshold: lb.health_check.unhealthy_threshold,
            deregistration_delay: lb.deregistration_delay,
        };
        let rule = |listener: &str| ListenerRuleDef {
            listener_arn: listener.to_owned(),
            whole_listener: lb.kind == LoadBalancerKind::Network,
            priority: lb.rule_priority(&spec.name),
            path_patterns: lb.path_patterns.clone(),
            host_headers: lb.host_headers.clone(),
            initial_target: ChildKey::BlueTargetGroup,
            weighted_pair: strategy.ecs_shifts_traffic(),
        };
        LoadBalancing {
            blue_target_group: target_group(&names.blue_target_group),
            green_target_group: target_group(&names.green_target_group),
            production_rule: rule(&lb.production_listener_arn),
            test_rule: lb.test_listener_arn.as_deref().map(rule),
        }
    })
}

/// The Cloud Map service; `None` without service discovery.
fn discovery(spec: &ServiceSpec, names: &ChildNames) -> Option<DiscoveryServiceDef> {
    spec.service_discovery
        .as_ref()
        .map(|sd| DiscoveryServiceDef {
            name: names.discovery_service.clone(),
            namespace_id: sd.namespace_id.clone(),
            dns_ttl: sd.dns_ttl,
            record_type: sd.record_type.clone(),
            routing_policy: sd.routing_policy.clone(),
            custom_health_check: DISCOVERY_CUSTOM_HEALTH_CHECK,
        })
}

/// The ECS service, with the deployment configuration its strategy gives it and `alarm_names`
/// watching its roll-outs.
fn ecs_service(
    spec: &ServiceSpec,
    names: &ChildNames,
    tags: &BTreeMap<String, String>,
    discovery: Option<&DiscoveryServiceDef>,
    alarm_names: &[String],
) -> EcsServiceDef {
    let c = &spec.container;
    EcsServiceDef {
        name: names.ecs_service.clone(),
        cluster: spec.cluster.clone(),
        desired_count: spec.desired_count,
        platform_version: spec.platform_version.clone(),
        deployment_controller: spec.deployment_strategy.deployment_controller(),
        capacity_provider_strategy: spec.capacity_provider_strategy.clone(),
        subnets: spec.network.subnets.clone(),
        security_groups: spec.network.security_groups.clone(),
        assign_public_ip: spec.network.assign_public_ip,
        health_check_grace_period: spec
            .load_balancer
            .as_ref()
            .map(|lb| lb.health_check_grace_period),
        container_name: c.name.clone(),
        container_port: c.port,
        registry_with_port: discovery.is_some_and(|d| d.record_type == "SRV"),
        tags: {
            let mut t = tags.clone();
            if let Some(drain) = c.drain_timeout {
                t.insert(DRAIN_TIMEOUT_TAG.to_owned(), drain.to_string());
            }
            t
        },
        deployment: deployment::ecs_deployment(spec, alarm_names),
        enable_execute_command: spec.enable_execute_command,
        high_resolution_metrics: high_resolution_metrics(spec),
    }
}

/// Application Auto Scaling's target for the service; `None` without autoscaling.
fn scalable_target(spec: &ServiceSpec, names: &ChildNames) -> Option<ScalableTargetDef> {
    spec.autoscaling.as_ref().map(|a| ScalableTargetDef {
        resource_id: format!(
            "service/{}/{}",
            cluster_name(&spec.cluster),
            names.ecs_service
        ),
        min: a.min,
        max: a.max,
    })
}

/// The metrics ECS must publish every 20 seconds: those a high-resolution policy tracks.
fn high_resolution_metrics(spec: &ServiceSpec) -> Vec<&'static str> {
    let Some(a) = spec.autoscaling.as_ref().filter(|a| a.high_resolution) else {
        return Vec::new();
    };
    [
        (ScalingMetric::Cpu, a.cpu_target),
        (ScalingMetric::Memory, a.memory_target),
    ]
    .into_iter()
    .filter(|(_, target)| target.is_some())
    .filter_map(|(metric, _)| metric.ecs_metric_name())
    .collect()
}

/// One target-tracking policy per metric with a target.
fn scaling_policies(spec: &ServiceSpec, names: &ChildNames) -> Vec<ScalingPolicyDef> {
    let mut scaling_policies = Vec::new();
    if let Some(a) = &spec.autoscaling {
        for (metric, target, name) in [
            (
                ScalingMetric::Requests,
                a.requests_per_target,
                &names.requests_policy,
            ),
            (ScalingMetric::Cpu, a.cpu_target, &names.cpu_policy),
            (ScalingMetric::Memory, a.memory_target, &names.memory_policy),
        ] {
            if let Some(target_value) = target {
                scaling_policies.push(ScalingPolicyDef {
                    name: name.clone(),
                    metric,
                    target_value,
                    scale_in_cooldown: a.scale_in_cooldown,
                    scale_out_cooldown: a.scale_out_cooldown,
                    high_resolution: a.high_resolution && metric.high_resolution_metric().is_some(),
                });
            }
        }
    }
    scaling_policies
}

impl Expansion {
    /// The blue or green target group's settings; `None` without a load balancer.
    pub fn target_group(&self, key: ChildKey) -> Option<&TargetGroupDef> {
        let lb = self.load_balancing.as_ref()?;
        match key {
            ChildKey::BlueTargetGroup => Some(&lb.blue_target_group),
            ChildKey::GreenTargetGroup => Some(&lb.green_target_group),
            _ => None,
        }
    }

    /// The production or test listener rule's settings; `None` without a load balancer.
    pub fn listener_rule(&self, key: ChildKey) -> Option<&ListenerRuleDef> {
        let lb = self.load_balancing.as_ref()?;
        match key {
            ChildKey::ProductionListenerRule => Some(&lb.production_rule),
            ChildKey::TestListenerRule => lb.test_rule.as_ref(),
            _ => None,
        }
    }
}
