//! The expansion in hashicorp/aws terms, and every difference between it and the evaluated
//! modules. For each child the expansion lists, its `*Def` becomes the attributes and nested
//! blocks (lists of objects) of the resource the modules render it as, and that whole object is
//! compared with the module's resource: a setting one rendering makes and the other does not
//! is a difference, unless `ALLOWED_DIFFERENCES` names it. Each `*Def` is destructured without
//! `..`, so a field added to one does not compile here until it is compared.
//!
//! Settings that are fixed in both renderings (the target type, the deployment style…) are
//! written out here as the constants they are in `aws/` and in the generator.

use std::collections::BTreeSet;

use fargate_provider::hcl::{child_address, resource_is_counted, submodule_is_counted};
use fargate_provider::service::expand::{
    AlarmDef, CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD, CapacityProviderItem, ChildKey, ContainerDef,
    DeploymentGroupDef, DeploymentStrategy, DiscoveryServiceDef, EcsDeploymentDef, EcsServiceDef,
    EfsSpec, Expansion, ListenerRuleDef, LogGroupDef, ROLE_DESCRIPTION, RoleDef, ScalableTargetDef,
    ScalingMetric, ScalingPolicyDef, TargetGroupDef, TaskDefinitionDef, VolumeSpec,
    alb_resource_label,
};
use fargate_provider::service::spec::ContainerHealthCheck;
use serde_json::{Map, Value as Json, json};

use super::module_eval::{Evaluated, PLACEHOLDER_ID, PLACEHOLDER_REVISION, Resource};

/// What legitimately differs, by resource type and attribute path (`*`: every list element;
/// JSON documents are compared decoded). Nothing else may.
pub const ALLOWED_DIFFERENCES: &[(&str, &str)] = &[
    // awsvpc tasks listen on the container port: AWS stores hostPort = containerPort. The
    // module states it, or hashicorp/aws would plan a new revision after every read; the
    // resource leaves it to AWS.
    (
        "aws_ecs_task_definition",
        "container_definitions/*/portMappings/*/hostPort",
    ),
];

/// Attributes hashicorp/aws takes as JSON strings.
const JSON_DOCUMENTS: &[&str] = &["assume_role_policy", "policy", "container_definitions"];

/// Every difference between the modules' evaluation and the expansion of the same settings;
/// empty when the two renderings agree.
pub fn differences(exp: &Expansion, ev: &Evaluated) -> Vec<String> {
    let autoscaled = exp.scalable_target.is_some();
    let mut out = Vec::new();
    let mut compared = BTreeSet::new();
    for child in exp.children() {
        let Some(resource) = module_resource(ev, child.key, exp.strategy, autoscaled) else {
            out.push(format!(
                "{:?} ({} {}): not in the modules",
                child.key,
                child.key.kind(),
                child.name
            ));
            continue;
        };
        compared.insert(resource.address.clone());
        let expected = Children { exp, ev }.settings(child.key);
        diff(
            &resource.address,
            &comparable(&resource.kind, resource.attrs.clone()),
            &comparable(&resource.kind, expected),
            &mut out,
        );
    }
    // A role's managed and inline policies are resources of their own in hashicorp/aws.
    for kind in ["aws_iam_role_policy_attachment", "aws_iam_role_policy"] {
        let mut module: Vec<Json> = Vec::new();
        for r in ev.of_kind(kind) {
            compared.insert(r.address.clone());
            module.push(comparable(kind, r.attrs.clone()));
        }
        let mut expansion: Vec<Json> = role_policies(exp)
            .into_iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, attrs)| comparable(kind, attrs))
            .collect();
        module.sort_by_key(Json::to_string);
        expansion.sort_by_key(Json::to_string);
        diff(kind, &Json::from(module), &Json::from(expansion), &mut out);
    }
    for r in &ev.resources {
        if !compared.contains(&r.address) {
            out.push(format!(
                "{}: the modules create it, the expansion has no such child",
                r.address
            ));
        }
    }
    out
}

/// The module resource that renders a child (for a strategy, and an owner of the count).
pub fn module_resource(
    ev: &Evaluated,
    key: ChildKey,
    strategy: DeploymentStrategy,
    autoscaled: bool,
) -> Option<&Resource> {
    let (module, name) = child_address(key, strategy, autoscaled);
    let counted = |yes| if yes { "[0]" } else { "" };
    ev.find(&format!(
        "module.{module}{}.{}.{name}{}",
        counted(submodule_is_counted(module)),
        key.kind(),
        counted(resource_is_counted(key))
    ))
}

/// The children of one expansion, in hashicorp/aws terms.
struct Children<'a> {
    exp: &'a Expansion,
    ev: &'a Evaluated,
}

impl Children<'_> {
    fn settings(&self, key: ChildKey) -> Json {
        let exp = self.exp;
        match key {
            ChildKey::LogGroup => self.log_group(&exp.log_group),
            ChildKey::ExecutionRole => self.role(&exp.execution_role),
            ChildKey::TaskRole => self.role(&exp.task_role),
            ChildKey::CodeDeployRole => self.role(&exp.codedeploy_role),
            ChildKey::InfrastructureRole => self.role(&exp.infrastructure_role),
            ChildKey::TaskDefinition => self.task_definition(&exp.task_definition),
            ChildKey::BlueTargetGroup | ChildKey::GreenTargetGroup => exp
                .target_group(key)
                .map_or(Json::Null, |def| self.target_group(def)),
            ChildKey::ProductionListenerRule | ChildKey::TestListenerRule => exp
                .listener_rule(key)
                .map_or(Json::Null, |def| self.listener_rule(def)),
            ChildKey::DiscoveryService => match &exp.discovery {
                Some(def) => self.discovery_service(def),
                None => Json::Null,
            },
            ChildKey::EcsService => self.ecs_service(&exp.ecs_service),
            ChildKey::CodeDeployApplication => json!({
                "name": exp.codedeploy_application,
                "compute_platform": "ECS",
                "tags": exp.tags,
            }),
            ChildKey::DeploymentGroup => self.deployment_group(&exp.deployment_group),
            ChildKey::ScalableTarget => match &exp.scalable_target {
                Some(def) => self.scalable_target(def),
                None => Json::Null,
            },
            ChildKey::ScalingPolicy(metric) => {
                match exp.scaling_policies.iter().find(|p| p.metric == metric) {
                    Some(def) => self.scaling_policy(def),
                    None => Json::Null,
                }
            }
            ChildKey::Alarm(metric, target) => {
                match exp
                    .alarms
                    .iter()
                    .find(|a| a.metric == metric && a.target == target)
                {
                    Some(def) => self.alarm(def),
                    None => Json::Null,
                }
            }
        }
    }

    fn alarm(&self, def: &AlarmDef) -> Json {
        let AlarmDef {
            name,
            metric: _,
            target,
            namespace,
            metric_name,
            statistic,
            expression,
            threshold,
            comparison,
            period,
            evaluation_periods,
            description,
        } = def;
        let group = self.arn(target.target_group());
        let suffix = group
            .as_str()
            .and_then(|a| a.find("targetgroup/").map(|i| a[i..].to_owned()))
            .unwrap_or_default();
        let dimensions = json!({
            "TargetGroup": suffix,
            "LoadBalancer": self.exp.placement.load_balancer,
        });
        let mut alarm = json!({
            "alarm_name": name,
            "alarm_description": description,
            "threshold": threshold,
            "comparison_operator": comparison,
            "evaluation_periods": evaluation_periods,
            "treat_missing_data": "notBreaching",
            "tags": self.exp.tags,
        });
        if let Some(expression) = expression {
            // A rate: metric math over two sums that carry the period and dimensions.
            let sum = |id: &str, metric: &str| {
                json!({
                    "id": id,
                    "return_data": false,
                    "metric": [{
                        "namespace": namespace,
                        "metric_name": metric,
                        "stat": statistic,
                        "period": period,
                        "dimensions": dimensions,
                    }],
                })
            };
            alarm["metric_query"] = json!([
                sum("errors", metric_name),
                sum("requests", "RequestCount"),
                {
                    "id": "rate",
                    "expression": expression,
                    "label": "HTTP 5xx (% of requests)",
                    "return_data": true,
                },
            ]);
            return alarm;
        }
        alarm["namespace"] = json!(namespace);
        alarm["metric_name"] = json!(metric_name);
        alarm["period"] = json!(period);
        alarm["dimensions"] = dimensions;
        if statistic.starts_with('p') {
            alarm["extended_statistic"] = json!(statistic);
        } else {
            alarm["statistic"] = json!(statistic);
        }
        alarm
    }

    /// The group the production rule first forwards to; none without a load balancer.
    fn initial_target(&self) -> Option<ChildKey> {
        self.exp
            .listener_rule(ChildKey::ProductionListenerRule)
            .map(|r| r.initial_target)
    }

    /// The ARN another child's resource refers to, as the evaluator names it: AWS assigns it,
    /// so this checks which child a setting points at.
    fn arn(&self, key: ChildKey) -> Json {
        let p = &self.exp.placement;
        match key {
            ChildKey::BlueTargetGroup | ChildKey::GreenTargetGroup => {
                let name = match key {
                    ChildKey::BlueTargetGroup => &self.exp.names.blue_target_group,
                    _ => &self.exp.names.green_target_group,
                };
                json!(format!(
                    "arn:{}:elasticloadbalancing:{}:{}:targetgroup/{name}/{PLACEHOLDER_ID}",
                    p.partition, p.region, p.account_id
                ))
            }
            _ => match module_resource(
                self.ev,
                key,
                self.exp.strategy,
                self.exp.scalable_target.is_some(),
            ) {
                Some(r) => json!(format!("<{}.arn>", r.address)),
                None => json!(format!("<the ARN of {key:?}, which the modules lack>")),
            },
        }
    }

    fn log_group(&self, def: &LogGroupDef) -> Json {
        let LogGroupDef {
            name,
            retention_days,
        } = def;
        json!({ "name": name, "retention_in_days": retention_days, "tags": self.exp.tags })
    }

    /// The role itself; its policies are `role_policies`.
    fn role(&self, def: &RoleDef) -> Json {
        let RoleDef {
            name,
            trust_policy,
            managed_policy_arns: _,
            inline_policies: _,
        } = def;
        json!({
            "name": name,
            "description": ROLE_DESCRIPTION,
            "assume_role_policy": trust_policy,
            "tags": self.exp.tags,
        })
    }

    fn task_definition(&self, def: &TaskDefinitionDef) -> Json {
        let TaskDefinitionDef {
            family,
            cpu,
            memory,
            cpu_architecture,
            ephemeral_storage_gib,
            containers,
            volumes,
        } = def;
        let mut definition = json!({
            "family": family,
            "requires_compatibilities": ["FARGATE"],
            "network_mode": "awsvpc",
            // hashicorp/aws takes the task size as strings.
            "cpu": cpu.to_string(),
            "memory": memory.to_string(),
            "execution_role_arn": self.arn(ChildKey::ExecutionRole),
            "task_role_arn": self.arn(ChildKey::TaskRole),
            "container_definitions": containers.iter().map(container_definition).collect::<Vec<_>>(),
            "runtime_platform": [{ "operating_system_family": "LINUX", "cpu_architecture": cpu_architecture }],
            "ephemeral_storage": [{ "size_in_gib": ephemeral_storage_gib }],
            "tags": self.exp.tags,
        });
        // hashicorp/aws takes volumes as repeated blocks: none is no block.
        if !volumes.is_empty() {
            definition["volume"] = volumes.iter().map(volume).collect();
        }
        definition
    }

    fn target_group(&self, def: &TargetGroupDef) -> Json {
        let TargetGroupDef {
            name,
            port,
            vpc_id,
            protocol,
            health_check_protocol,
            health_check_path,
            health_check_matcher,
            health_check_interval,
            health_check_timeout,
            healthy_threshold,
            unhealthy_threshold,
            deregistration_delay,
        } = def;
        json!({
            "name": name,
            "port": port,
            "protocol": protocol,
            "target_type": "ip",
            "vpc_id": vpc_id,
            "deregistration_delay": deregistration_delay,
            "health_check": [{
                "enabled": true,
                "protocol": health_check_protocol,
                "path": health_check_path,
                "matcher": health_check_matcher,
                "interval": health_check_interval,
                "timeout": health_check_timeout,
                "healthy_threshold": healthy_threshold,
                "unhealthy_threshold": unhealthy_threshold,
            }],
            "tags": self.exp.tags,
        })
    }

    fn listener_rule(&self, def: &ListenerRuleDef) -> Json {
        let ListenerRuleDef {
            listener_arn,
            whole_listener,
            priority,
            path_patterns,
            host_headers,
            initial_target,
            weighted_pair,
        } = def;
        // The modules refuse NLB listeners: every rule here is an ALB rule.
        assert!(!whole_listener, "an NLB listener in a module parity case");
        // A plain forward, or (ECS-native blue/green) a weighted one naming both groups, the
        // initial one at weight 1 and the other at 0.
        let action = if *weighted_pair {
            let idle = match initial_target {
                ChildKey::BlueTargetGroup => ChildKey::GreenTargetGroup,
                _ => ChildKey::BlueTargetGroup,
            };
            json!({
                "type": "forward",
                "target_group_arn": null,
                "forward": [{ "target_group": [
                    { "arn": self.arn(*initial_target), "weight": 1 },
                    { "arn": self.arn(idle), "weight": 0 },
                ] }],
            })
        } else {
            json!({ "type": "forward", "target_group_arn": self.arn(*initial_target) })
        };
        let mut rule = json!({
            "listener_arn": listener_arn,
            "priority": priority,
            "action": [action],
            "tags": self.exp.tags,
        });
        let mut conditions = Vec::new();
        if !path_patterns.is_empty() {
            conditions.push(json!({ "path_pattern": [{ "values": path_patterns }] }));
        }
        if !host_headers.is_empty() {
            conditions.push(json!({ "host_header": [{ "values": host_headers }] }));
        }
        if !conditions.is_empty() {
            rule["condition"] = Json::from(conditions);
        }
        rule
    }

    fn discovery_service(&self, def: &DiscoveryServiceDef) -> Json {
        let DiscoveryServiceDef {
            name,
            namespace_id,
            dns_ttl,
            record_type,
            routing_policy,
            custom_health_check,
        } = def;
        let mut service = json!({
            "name": name,
            "dns_config": [{
                "namespace_id": namespace_id,
                "routing_policy": routing_policy,
                "dns_records": [{ "ttl": dns_ttl, "type": record_type }],
            }],
            "tags": self.exp.tags,
        });
        if *custom_health_check {
            service["health_check_custom_config"] =
                json!([{ "failure_threshold": CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD }]);
        }
        service
    }

    fn ecs_service(&self, def: &EcsServiceDef) -> Json {
        let EcsServiceDef {
            name,
            cluster,
            desired_count,
            platform_version,
            deployment_controller,
            capacity_provider_strategy,
            subnets,
            security_groups,
            assign_public_ip,
            health_check_grace_period,
            container_name,
            container_port,
            registry_with_port,
            tags,
            deployment,
            enable_execute_command,
            high_resolution_metrics,
        } = def;
        // hashicorp/aws cannot set a service's monitoring configuration; the modules refuse
        // 20-second scaling (check `high-resolution`), so no case here asks for it.
        assert!(
            high_resolution_metrics.is_empty(),
            "the modules cannot render 20-second metrics"
        );
        let p = &self.exp.placement;
        // hashicorp/aws reads the cluster back as an ARN, so the module names it so.
        let cluster_arn = if cluster.starts_with("arn:") {
            cluster.clone()
        } else {
            format!(
                "arn:{}:ecs:{}:{}:cluster/{cluster}",
                p.partition, p.region, p.account_id
            )
        };
        let mut service = json!({
            "name": name,
            "cluster": cluster_arn,
            // The modules' own revision, as `family:revision` (what hashicorp/aws reads back
            // after an import).
            "task_definition": format!("{}:{PLACEHOLDER_REVISION}", self.exp.task_definition.family),
            "desired_count": desired_count,
            "platform_version": platform_version,
            "health_check_grace_period_seconds": health_check_grace_period,
            "propagate_tags": "SERVICE",
            "enable_ecs_managed_tags": true,
            "enable_execute_command": enable_execute_command,
            "deployment_controller": [{ "type": deployment_controller }],
            // No capacity providers: the FARGATE launch type.
            "launch_type": if capacity_provider_strategy.is_empty() { json!("FARGATE") } else { Json::Null },
            "network_configuration": [{
                "subnets": subnets,
                "security_groups": security_groups,
                "assign_public_ip": assign_public_ip,
            }],
            "tags": tags,
        });
        // The service starts on the group the production rule first forwards to; a service
        // without a load balancer has none.
        if let Some(group) = self.initial_target() {
            service["load_balancer"] = json!([{
                "target_group_arn": self.arn(group),
                "container_name": container_name,
                "container_port": container_port,
            }]);
        }
        if !capacity_provider_strategy.is_empty() {
            service["capacity_provider_strategy"] = capacity_provider_strategy
                .iter()
                .map(|item| {
                    let CapacityProviderItem {
                        capacity_provider,
                        base,
                        weight,
                    } = item;
                    json!({ "capacity_provider": capacity_provider, "base": base, "weight": weight })
                })
                .collect();
        }
        if let Some(deployment) = deployment {
            self.ecs_deployment(deployment, &mut service);
        }
        if self.exp.discovery.is_some() {
            // SRV records: the registry names the container and port; address records need
            // neither.
            let (name, port) = if *registry_with_port {
                (json!(container_name), json!(container_port))
            } else {
                (Json::Null, Json::Null)
            };
            service["service_registries"] = json!([{
                "registry_arn": self.arn(ChildKey::DiscoveryService),
                "container_name": name,
                "container_port": port,
            }]);
        }
        service
    }

    /// An ECS-controller service's deployment configuration, as hashicorp/aws spreads it over
    /// the service: the percents at the top, the circuit breaker and the alarms as blocks of
    /// their own, the rest (minutes as strings, one lifecycle hook per stage) in
    /// `deployment_configuration`, and the advanced configuration in the load balancer.
    fn ecs_deployment(&self, def: &EcsDeploymentDef, service: &mut Json) {
        let EcsDeploymentDef {
            strategy,
            bake_time_minutes,
            linear,
            canary,
            minimum_healthy_percent,
            maximum_percent,
            circuit_breaker,
            // hashicorp/aws's deployment_circuit_breaker has no threshold or reset yet (PR
            // #48752, open in late 2026): the modules refuse any but ECS's defaults, which is
            // what ECS takes when none is sent.
            circuit_breaker_threshold: _,
            alarm_names,
            hooks,
            pause,
            advanced,
        } = def;
        // The modules refuse a pause (check `strategy`): no case here has one.
        assert!(pause.is_none(), "the modules do not render pause hooks");
        let role = self.arn(ChildKey::InfrastructureRole);
        service["deployment_minimum_healthy_percent"] = json!(minimum_healthy_percent);
        service["deployment_maximum_percent"] = json!(maximum_percent);
        service["deployment_circuit_breaker"] =
            json!([{ "enable": circuit_breaker, "rollback": circuit_breaker }]);
        // Sent disabled without alarms, as the resource sends it.
        let alarms = !alarm_names.is_empty();
        service["alarms"] =
            json!([{ "alarm_names": alarm_names, "enable": alarms, "rollback": alarms }]);
        let mut configuration = json!({
            "strategy": strategy,
            "bake_time_in_minutes": bake_time_minutes.map(|m| m.to_string()),
        });
        if let Some((percent, minutes)) = linear {
            configuration["linear_configuration"] = json!([{
                "step_percent": percent,
                "step_bake_time_in_minutes": minutes.to_string(),
            }]);
        }
        if let Some((percent, minutes)) = canary {
            configuration["canary_configuration"] = json!([{
                "canary_percent": percent,
                "canary_bake_time_in_minutes": minutes.to_string(),
            }]);
        }
        if !hooks.is_empty() {
            // ECS invokes the hooks with the role of the advanced configuration.
            let hook_role = if *advanced { role.clone() } else { Json::Null };
            configuration["lifecycle_hook"] = hooks
                .iter()
                .map(|(stage, arn)| {
                    json!({ "hook_target_arn": arn, "lifecycle_stages": [stage], "role_arn": hook_role })
                })
                .collect();
        }
        service["deployment_configuration"] = json!([configuration]);
        if *advanced && let Some(live) = self.initial_target() {
            let idle = match live {
                ChildKey::BlueTargetGroup => ChildKey::GreenTargetGroup,
                _ => ChildKey::BlueTargetGroup,
            };
            service["load_balancer"][0]["advanced_configuration"] = json!([{
                "alternate_target_group_arn": self.arn(idle),
                "production_listener_rule": self.arn(ChildKey::ProductionListenerRule),
                "test_listener_rule": self.arn(ChildKey::TestListenerRule),
                "role_arn": role,
            }]);
        }
    }

    fn deployment_group(&self, def: &DeploymentGroupDef) -> Json {
        let DeploymentGroupDef {
            application,
            name,
            deployment_config,
            termination_wait_minutes,
            auto_rollback_events,
            production_listener_arn,
            test_listener_arn,
            cluster,
            service,
            alarm_names,
            test_traffic_wait_minutes,
            ready_action,
            // AppSpec content; compared through the `appspec` output.
            hooks: _,
        } = def;
        let mut group = json!({
            "app_name": application,
            "deployment_group_name": name,
            "service_role_arn": self.arn(ChildKey::CodeDeployRole),
            "deployment_config_name": deployment_config,
            "deployment_style": [{ "deployment_option": "WITH_TRAFFIC_CONTROL", "deployment_type": "BLUE_GREEN" }],
            "blue_green_deployment_config": [{
                "deployment_ready_option": [{
                    "action_on_timeout": ready_action,
                    "wait_time_in_minutes": test_traffic_wait_minutes,
                }],
                "terminate_blue_instances_on_deployment_success": [{
                    "action": "TERMINATE",
                    "termination_wait_time_in_minutes": termination_wait_minutes,
                }],
            }],
            "ecs_service": [{ "cluster_name": cluster, "service_name": service }],
            "load_balancer_info": [{
                "target_group_pair_info": [{
                    "prod_traffic_route": [{ "listener_arns": [production_listener_arn] }],
                    "test_traffic_route": [{ "listener_arns": [test_listener_arn] }],
                    "target_group": [
                        { "name": self.exp.names.blue_target_group },
                        { "name": self.exp.names.green_target_group },
                    ],
                }],
            }],
            "tags": self.exp.tags,
        });
        // Without events the resource sends a disabled configuration, which hashicorp/aws
        // does not read back: the module then has no block.
        if !auto_rollback_events.is_empty() {
            group["auto_rollback_configuration"] =
                json!([{ "enabled": true, "events": auto_rollback_events }]);
        }
        // Likewise the alarms: the resource sends none when there are none.
        if !alarm_names.is_empty() {
            group["alarm_configuration"] = json!([{ "enabled": true, "alarms": alarm_names }]);
        }
        group
    }

    fn scalable_target(&self, def: &ScalableTargetDef) -> Json {
        let ScalableTargetDef {
            resource_id,
            min,
            max,
        } = def;
        json!({
            "service_namespace": "ecs",
            "scalable_dimension": "ecs:service:DesiredCount",
            "resource_id": resource_id,
            "min_capacity": min,
            "max_capacity": max,
            "tags": self.exp.tags,
        })
    }

    fn scaling_policy(&self, def: &ScalingPolicyDef) -> Json {
        let ScalingPolicyDef {
            name,
            metric,
            target_value,
            scale_in_cooldown,
            scale_out_cooldown,
            high_resolution: _,
        } = def;
        let mut predefined = json!({ "predefined_metric_type": def.predefined_metric_type() });
        // The group that takes production traffic when the service is created.
        if *metric == ScalingMetric::Requests
            && let Some(live) = self.initial_target()
        {
            let group = self.arn(live);
            predefined["resource_label"] = json!(alb_resource_label(
                &self.exp.placement.load_balancer,
                group.as_str().unwrap_or_default()
            ));
        }
        json!({
            "name": name,
            "policy_type": "TargetTrackingScaling",
            "service_namespace": "ecs",
            "scalable_dimension": "ecs:service:DesiredCount",
            "resource_id": self.exp.scalable_target.as_ref().map(|t| &t.resource_id),
            "target_tracking_scaling_policy_configuration": [{
                "target_value": target_value,
                "scale_in_cooldown": scale_in_cooldown,
                "scale_out_cooldown": scale_out_cooldown,
                "predefined_metric_specification": [predefined],
            }],
        })
    }
}

/// A container, as ECS's container definition JSON: what is unset is left out.
fn container_definition(def: &ContainerDef) -> Json {
    let ContainerDef {
        name,
        image,
        essential,
        port_mappings,
        command,
        entry_point,
        environment,
        secrets,
        cpu,
        memory,
        memory_reservation,
        user,
        depends_on,
        stop_timeout,
        init_process_enabled,
        readonly_root_filesystem,
        drop_capabilities,
        add_capabilities,
        health_check,
        mount_points,
        ulimits,
        log_driver,
        log_options,
        firelens,
    } = def;
    let mut container = json!({
        "name": name,
        "image": image,
        "essential": essential,
        "portMappings": port_mappings.iter().map(|(port, protocol)| json!({ "containerPort": port, "protocol": protocol })).collect::<Vec<_>>(),
        "environment": environment.iter().map(|(k, v)| json!({ "name": k, "value": v })).collect::<Vec<_>>(),
        "secrets": secrets.iter().map(|(k, v)| json!({ "name": k, "valueFrom": v })).collect::<Vec<_>>(),
        "readonlyRootFilesystem": readonly_root_filesystem,
        "linuxParameters": { "initProcessEnabled": init_process_enabled },
        "logConfiguration": { "logDriver": log_driver, "options": log_options },
    });
    for (key, value) in [
        ("command", command.as_ref().map(|c| json!(c))),
        ("entryPoint", entry_point.as_ref().map(|c| json!(c))),
        ("cpu", cpu.map(|n| json!(n))),
        ("memory", memory.map(|n| json!(n))),
        ("memoryReservation", memory_reservation.map(|n| json!(n))),
        ("user", user.as_ref().map(|u| json!(u))),
        ("stopTimeout", stop_timeout.map(|n| json!(n))),
        (
            "dependsOn",
            (!depends_on.is_empty()).then(|| {
                depends_on
                    .iter()
                    .map(|(c, condition)| json!({ "containerName": c, "condition": condition }))
                    .collect()
            }),
        ),
        (
            "mountPoints",
            (!mount_points.is_empty()).then(|| {
                mount_points
                    .iter()
                    .map(|m| json!({ "sourceVolume": m.source_volume, "containerPath": m.container_path, "readOnly": m.read_only }))
                    .collect()
            }),
        ),
        (
            "ulimits",
            (!ulimits.is_empty()).then(|| {
                ulimits
                    .iter()
                    .map(|u| json!({ "name": u.name, "softLimit": u.soft_limit, "hardLimit": u.hard_limit }))
                    .collect()
            }),
        ),
        (
            "firelensConfiguration",
            firelens.as_ref().map(|f| {
                let mut c = json!({ "type": f.kind });
                if !f.options.is_empty() {
                    c["options"] = json!(f.options);
                }
                c
            }),
        ),
    ] {
        if let Some(v) = value {
            container[key] = v;
        }
    }
    if !drop_capabilities.is_empty() || !add_capabilities.is_empty() {
        let mut caps = json!({});
        if !add_capabilities.is_empty() {
            caps["add"] = json!(add_capabilities);
        }
        if !drop_capabilities.is_empty() {
            caps["drop"] = json!(drop_capabilities);
        }
        container["linuxParameters"]["capabilities"] = caps;
    }
    if let Some(check) = health_check {
        let ContainerHealthCheck {
            command,
            interval,
            timeout,
            retries,
            start_period,
        } = check;
        container["healthCheck"] = json!({
            "command": command,
            "interval": interval,
            "timeout": timeout,
            "retries": retries,
            "startPeriod": start_period,
        });
    }
    container
}

/// A volume as hashicorp/aws's `volume` block: an EFS file system (its root `/` when none is
/// given, as AWS reports it) or task storage.
fn volume(def: &VolumeSpec) -> Json {
    let VolumeSpec { name, efs } = def;
    let Some(efs) = efs else {
        return json!({ "name": name });
    };
    let EfsSpec {
        file_system_id,
        root_directory,
        access_point_id,
        transit_encryption,
        iam_authorization,
    } = efs;
    let enabled = |on: bool| if on { "ENABLED" } else { "DISABLED" };
    json!({
        "name": name,
        "efs_volume_configuration": [{
            "file_system_id": file_system_id,
            "root_directory": root_directory.as_deref().unwrap_or("/"),
            "transit_encryption": enabled(*transit_encryption),
            "authorization_config": [{
                "access_point_id": access_point_id,
                "iam": enabled(*iam_authorization),
            }],
        }],
    })
}

/// The roles' managed policies (attachments) and inline policies, by resource type: of the
/// roles the strategy's children include.
fn role_policies(exp: &Expansion) -> Vec<(&'static str, Json)> {
    let mut out = Vec::new();
    let children: Vec<ChildKey> = exp.children().iter().map(|c| c.key).collect();
    for (key, role) in [
        (ChildKey::ExecutionRole, &exp.execution_role),
        (ChildKey::TaskRole, &exp.task_role),
        (ChildKey::CodeDeployRole, &exp.codedeploy_role),
        (ChildKey::InfrastructureRole, &exp.infrastructure_role),
    ] {
        if !children.contains(&key) {
            continue;
        }
        for arn in &role.managed_policy_arns {
            out.push((
                "aws_iam_role_policy_attachment",
                json!({ "role": role.name, "policy_arn": arn }),
            ));
        }
        for (name, document) in &role.inline_policies {
            out.push((
                "aws_iam_role_policy",
                json!({ "name": name, "role": role.name, "policy": document }),
            ));
        }
    }
    out
}

/// Attributes as they compare: JSON documents decoded, numbers by value (Terraform has one
/// number type), the allowed differences left out.
fn comparable(kind: &str, attrs: Json) -> Json {
    let mut attrs = numbers_by_value(attrs);
    if let Json::Object(map) = &mut attrs {
        for key in JSON_DOCUMENTS {
            if let Some(Json::String(text)) = map.get(*key)
                && let Ok(document) = serde_json::from_str::<Json>(text)
            {
                map.insert((*key).to_owned(), numbers_by_value(document));
            }
        }
    }
    for (allowed_kind, path) in ALLOWED_DIFFERENCES {
        if *allowed_kind == kind {
            remove(&mut attrs, &path.split('/').collect::<Vec<_>>());
        }
    }
    attrs
}

/// JSON numbers compared by value: Terraform has one number type (and writes 0.0 as 0).
pub fn numbers_by_value(v: Json) -> Json {
    match v {
        Json::Number(n) => json!(n.as_f64()),
        Json::Array(items) => items.into_iter().map(numbers_by_value).collect(),
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_by_value(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

fn remove(v: &mut Json, path: &[&str]) {
    match (v, path) {
        (Json::Object(map), [last]) => {
            map.remove(*last);
        }
        (Json::Array(items), ["*", rest @ ..]) => {
            for item in items {
                remove(item, rest);
            }
        }
        (Json::Object(map), [key, rest @ ..]) => {
            if let Some(inner) = map.get_mut(*key) {
                remove(inner, rest);
            }
        }
        _ => {}
    }
}

/// Records where `module` and `expansion` differ, by path.
fn diff(path: &str, module: &Json, expansion: &Json, out: &mut Vec<String>) {
    match (module, expansion) {
        (Json::Object(m), Json::Object(e)) => {
            let keys: BTreeSet<&String> = m.keys().chain(e.keys()).collect();
            for key in keys {
                let child = format!("{path}.{key}");
                match (m.get(key), e.get(key)) {
                    (Some(a), Some(b)) => diff(&child, a, b, out),
                    (Some(a), None) => out.push(format!(
                        "{child}: the modules set {a}, the expansion does not"
                    )),
                    (None, Some(b)) => out.push(format!(
                        "{child}: the expansion sets {b}, the modules do not"
                    )),
                    (None, None) => {}
                }
            }
        }
        (Json::Array(m), Json::Array(e)) if m.len() == e.len() => {
            for (i, (a, b)) in m.iter().zip(e).enumerate() {
                diff(&format!("{path}[{i}]"), a, b, out);
            }
        }
        (a, b) if a != b => out.push(format!("{path}: the modules set {a}, the expansion {b}")),
        _ => {}
    }
}
