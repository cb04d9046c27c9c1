//! The expansion itself: `expand` turns a `ServiceSpec` into every child's definition.

use std::collections::BTreeMap;

use serde_json::json;

use super::iam::secrets_policy;
use super::*;
use crate::service::names::ChildNames;
use crate::service::spec::ServiceSpec;

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
    let strategy = spec.deployment_strategy;
    let mut tags = default_tags.clone();
    tags.extend(spec.tags.clone());
    let p = &placement.partition;

    let mut execution_inline = BTreeMap::new();
    if let Some(policy) = secrets_policy(spec, placement) {
        execution_inline.insert(SECRETS_POLICY_NAME.to_owned(), policy);
    }
    let execution_role = RoleDef {
        name: names.execution_role.clone(),
        trust_policy: execution_trust_policy(),
        managed_policy_arns: vec![managed_policy(p, TASK_EXECUTION_POLICY)],
        inline_policies: execution_inline,
    };
    let mut task_inline = BTreeMap::new();
    if let Some(doc) = &spec.task_role_policy {
        task_inline.insert(APPLICATION_POLICY_NAME.to_owned(), doc.clone());
    }
    if let Some(doc) = crate::service::task::efs_policy(spec, placement) {
        task_inline.insert(EFS_POLICY_NAME.to_owned(), doc);
    }
    if spec.enable_execute_command {
        task_inline.insert(
            EXEC_POLICY_NAME.to_owned(),
            crate::service::task::exec_policy(),
        );
    }
    let task_role = RoleDef {
        name: names.task_role.clone(),
        trust_policy: task_trust_policy(placement),
        managed_policy_arns: spec.task_role_managed_policy_arns.clone(),
        inline_policies: task_inline,
    };
    let codedeploy_role = RoleDef {
        name: names.codedeploy_role.clone(),
        trust_policy: codedeploy_trust_policy(),
        managed_policy_arns: vec![managed_policy(p, CODEDEPLOY_ECS_POLICY)],
        inline_policies: BTreeMap::new(),
    };

    let mut hook_arns: Vec<&String> = spec.ecs_deployment.hooks.values().collect();
    hook_arns.sort_unstable();
    hook_arns.dedup();
    let mut infrastructure_inline = BTreeMap::new();
    if strategy.ecs_shifts_traffic() && !hook_arns.is_empty() {
        infrastructure_inline.insert(
            HOOKS_POLICY_NAME.to_owned(),
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "InvokeLifecycleHooks",
                    "Effect": "Allow",
                    "Action": ["lambda:InvokeFunction"],
                    "Resource": hook_arns,
                }],
            }),
        );
    }
    let infrastructure_role = RoleDef {
        name: names.infrastructure_role.clone(),
        trust_policy: infrastructure_trust_policy(),
        managed_policy_arns: vec![managed_policy(p, ECS_LOAD_BALANCERS_POLICY)],
        inline_policies: infrastructure_inline,
    };

    let c = &spec.container;
    let task_definition = TaskDefinitionDef {
        family: names.task_family.clone(),
        cpu: spec.task.cpu,
        memory: spec.task.memory,
        cpu_architecture: spec.task.cpu_architecture.clone(),
        ephemeral_storage_gib: spec.task.ephemeral_storage_gib,
        containers: crate::service::task::containers(spec, &placement.region),
        volumes: crate::service::task::volumes(spec),
    };

    let load_balancing = spec.load_balancer.as_ref().map(|lb| {
        let target_group = |name: &str| TargetGroupDef {
            name: name.to_owned(),
            // The `container-port` check requires a port with a load balancer.
            port: c.port.unwrap_or_default(),
            vpc_id: lb.vpc_id.clone(),
            health_check_path: lb.health_check.path.clone(),
            health_check_matcher: lb.health_check.matcher.clone(),
            health_check_interval: lb.health_check.interval,
            health_check_timeout: lb.health_check.timeout,
            healthy_threshold: lb.health_check.healthy_threshold,
            unhealthy_threshold: lb.health_check.unhealthy_threshold,
            deregistration_delay: lb.deregistration_delay,
        };
        let rule = |listener: &str| ListenerRuleDef {
            listener_arn: listener.to_owned(),
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
    });

    let discovery = spec
        .service_discovery
        .as_ref()
        .map(|sd| DiscoveryServiceDef {
            name: names.discovery_service.clone(),
            namespace_id: sd.namespace_id.clone(),
            dns_ttl: sd.dns_ttl,
            record_type: sd.record_type.clone(),
            routing_policy: sd.routing_policy.clone(),
            custom_health_check: DISCOVERY_CUSTOM_HEALTH_CHECK,
        });

    let ecs_service = EcsServiceDef {
        name: names.ecs_service.clone(),
        cluster: spec.cluster.clone(),
        desired_count: spec.desired_count,
        platform_version: spec.platform_version.clone(),
        deployment_controller: strategy.deployment_controller(),
        capacity_provider_strategy: spec
            .capacity_provider_strategy
            .iter()
            .map(|c| CapacityProviderDef {
                capacity_provider: c.capacity_provider.clone(),
                base: c.base,
                weight: c.weight,
            })
            .collect(),
        subnets: spec.network.subnets.clone(),
        security_groups: spec.network.security_groups.clone(),
        assign_public_ip: spec.network.assign_public_ip,
        health_check_grace_period: spec
            .load_balancer
            .as_ref()
            .map(|lb| lb.health_check_grace_period),
        container_name: c.name.clone(),
        container_port: c.port,
        registry_with_port: discovery.as_ref().is_some_and(|d| d.record_type == "SRV"),
        tags: {
            let mut t = tags.clone();
            if let Some(drain) = c.drain_timeout {
                t.insert(DRAIN_TIMEOUT_TAG.to_owned(), drain.to_string());
            }
            t
        },
        deployment: None,
        enable_execute_command: spec.enable_execute_command,
    };

    let mut alarms = Vec::new();
    // The service's own alarms watch its target groups: a service without any has none.
    if let Some(a) = spec.alarms.as_ref().filter(|_| load_balancing.is_some()) {
        for metric in AlarmMetric::ALL {
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
    let mut alarm_names: Vec<String> = alarms.iter().map(|a| a.name.clone()).collect();
    if let Some(a) = &spec.alarms {
        alarm_names.extend(a.names.iter().cloned());
    }

    let ecs = &spec.ecs_deployment;
    let mut ecs_service = ecs_service;
    ecs_service.deployment = strategy
        .ecs_strategy()
        .map(|ecs_strategy| EcsDeploymentDef {
            strategy: ecs_strategy,
            bake_time_minutes: strategy
                .ecs_shifts_traffic()
                .then_some(ecs.bake_time_minutes),
            linear: (strategy == DeploymentStrategy::Linear)
                .then_some((ecs.linear_step_percent, ecs.linear_step_minutes)),
            canary: (strategy == DeploymentStrategy::Canary)
                .then_some((ecs.canary_percent, ecs.canary_minutes)),
            // Blue/green strategies run the new tasks beside the old: AWS's defaults apply.
            minimum_healthy_percent: if strategy == DeploymentStrategy::Rolling {
                ecs.minimum_healthy_percent
            } else {
                crate::service::defaults::MINIMUM_HEALTHY_PERCENT
            },
            maximum_percent: if strategy == DeploymentStrategy::Rolling {
                ecs.maximum_percent
            } else {
                crate::service::defaults::MAXIMUM_PERCENT
            },
            circuit_breaker: strategy == DeploymentStrategy::Rolling && ecs.circuit_breaker,
            alarm_names: alarm_names.clone(),
            hooks: if strategy.ecs_shifts_traffic() {
                ECS_HOOK_STAGES
                    .iter()
                    .filter_map(|stage| {
                        ecs.hooks
                            .get(*stage)
                            .map(|arn| ((*stage).to_owned(), arn.clone()))
                    })
                    .collect()
            } else {
                Vec::new()
            },
            advanced: strategy.ecs_shifts_traffic(),
        });

    let deployment_group = DeploymentGroupDef {
        application: names.codedeploy_application.clone(),
        name: names.deployment_group.clone(),
        deployment_config: spec.blue_green.deployment_config.clone(),
        termination_wait_minutes: spec.blue_green.termination_wait_minutes,
        auto_rollback_events: spec.blue_green.auto_rollback_events.clone(),
        production_listener_arn: load_balancing
            .as_ref()
            .map(|l| l.production_rule.listener_arn.clone()),
        test_listener_arn: load_balancing
            .as_ref()
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
    };

    let scalable_target = spec.autoscaling.as_ref().map(|a| ScalableTargetDef {
        resource_id: format!(
            "service/{}/{}",
            cluster_name(&spec.cluster),
            names.ecs_service
        ),
        min: a.min,
        max: a.max,
    });
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
                });
            }
        }
    }

    Expansion {
        log_group: LogGroupDef {
            name: c.log.group.clone(),
            retention_days: c.log.retention_days,
        },
        execution_role,
        task_role,
        codedeploy_role,
        infrastructure_role,
        task_definition,
        load_balancing,
        discovery,
        ecs_service,
        codedeploy_application: names.codedeploy_application.clone(),
        deployment_group,
        scalable_target,
        scaling_policies,
        alarms,
        placement: placement.clone(),
        tags,
        strategy,
        names,
    }
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
