//! The ecs-service submodule: the ECS service, one resource block per deployment controller and
//! per owner of the desired count, since `ignore_changes` cannot depend on a variable.

use crate::service::expand::{ChildKey, DeploymentStrategy};

use crate::hcl::model::{Module, Node, Output};
use crate::hcl::variables::string_literal;

use super::parts::{resource, submodule, tags_variable, var};

/// The ECS service's resource names in its submodule. `ignore_changes` cannot depend on a
/// variable, so there is one resource block per deployment controller (CodeDeploy owns the
/// task definition, load balancer and network of a CODE_DEPLOY service; nothing of an ECS
/// service's own settings changes behind Terraform under the ECS controller) and per owner of
/// the desired count (Application Auto Scaling, or the configuration).
pub(super) const ECS_SERVICE_FIXED_COUNT: &str = "this";
pub(super) const ECS_SERVICE_AUTOSCALED: &str = "autoscaled";
pub(super) const ECS_SERVICE_ECS_CONTROLLER: &str = "ecs_controller";
pub(super) const ECS_SERVICE_ECS_CONTROLLER_AUTOSCALED: &str = "ecs_controller_autoscaled";

/// The ECS service's resource for a strategy and an owner of the count.
pub(super) fn ecs_service_resource(strategy: DeploymentStrategy, autoscaled: bool) -> &'static str {
    match (strategy.uses_codedeploy(), autoscaled) {
        (true, false) => ECS_SERVICE_FIXED_COUNT,
        (true, true) => ECS_SERVICE_AUTOSCALED,
        (false, false) => ECS_SERVICE_ECS_CONTROLLER,
        (false, true) => ECS_SERVICE_ECS_CONTROLLER_AUTOSCALED,
    }
}

pub(super) fn ecs_service() -> Module {
    let mut strategy = var(
        "capacity_provider_strategy",
        "list(object({ capacity_provider = string, base = number, weight = number }))",
        "Capacity providers; empty for the FARGATE launch type.",
    )
    .with_default("[]");
    strategy.non_nullable = true;
    let mut m = submodule(
        "ecs-service",
        vec![
            var("name", "string", "Name of the ECS service."),
            var("cluster", "string", "ARN of the cluster."),
            var(
                "task_definition",
                "string",
                "Task definition the service starts with (and, under the ECS controller, rolls out): `family:revision` or an ARN.",
            ),
            var("desired_count", "number", "Tasks to start with."),
            var("platform_version", "string", "Fargate platform version."),
            strategy,
            var("subnets", "list(string)", "Subnets of the tasks."),
            var(
                "security_groups",
                "list(string)",
                "Security groups of the tasks.",
            ),
            var("assign_public_ip", "bool", "Give tasks public IPs."),
            var(
                "health_check_grace_period",
                "number",
                "Seconds ECS ignores failing health checks of new tasks; null without a load balancer (ECS refuses one then).",
            )
            .with_default("null"),
            var(
                "load_balanced",
                "bool",
                "Whether the service sits behind the load balancer (known at plan time); only a rolling service (a worker or queue consumer) may not.",
            )
            .with_default("true"),
            var(
                "target_group_arn",
                "string",
                "Target group the service starts on (blue); null without a load balancer.",
            )
            .with_default("null"),
            var(
                "container_name",
                "string",
                "Container the target groups route to.",
            ),
            var("container_port", "number", "Its port."),
            var(
                "service_registry_arn",
                "string",
                "Cloud Map service; null for none.",
            )
            .with_default("null"),
            var(
                "service_registry_with_port",
                "bool",
                "Whether the registry names the container and port (SRV records need them).",
            )
            .with_default("false"),
            var(
                "autoscaled",
                "bool",
                "Whether Application Auto Scaling owns the desired count (then later changes of desired_count are not applied).",
            )
            .with_default("false"),
            var(
                "deployment_controller",
                "string",
                "`CODE_DEPLOY` (CodeDeploy rolls out new revisions) or `ECS` (a changed task definition rolls out).",
            )
            .with_default(&string_literal(
                DeploymentStrategy::CodeDeployBlueGreen.deployment_controller(),
            )),
            var(
                "deployment",
                "object({ strategy = string, bake_time_minutes = optional(number), linear = optional(object({ step_percent = number, step_minutes = number })), canary = optional(object({ percent = number, minutes = number })), minimum_healthy_percent = optional(number, 100), maximum_percent = optional(number, 200), circuit_breaker = optional(bool, false), alarm_names = optional(list(string), []), hooks = optional(list(object({ stage = string, arn = string })), []) })",
                "Deployment configuration under the ECS controller: ROLLING, BLUE_GREEN, LINEAR or CANARY, the bake time, the steps, the percents, the circuit breaker (with rollback), the alarms that roll back, and the lifecycle hooks (which need `advanced`: ECS invokes them with its role).",
            )
            .with_default("null"),
            var(
                "advanced",
                "object({ alternate_target_group_arn = string, production_listener_rule = string, test_listener_rule = optional(string), role_arn = string })",
                "ECS-native blue/green: the idle (green) target group, the rules ECS rewrites and the infrastructure role it does so with; null otherwise.",
            )
            .with_default("null"),
            var(
                "enable_execute_command",
                "bool",
                "ECS Exec for the tasks ECS starts. Under CODE_DEPLOY, ECS does not change it in place: replace the service to change it.",
            )
            .with_default("false"),
            tags_variable(),
        ],
    );
    // `ignore_changes` cannot depend on a variable, so the service comes in four variants: one
    // per deployment controller (under CODE_DEPLOY, CodeDeploy owns the task definition, load
    // balancer, network, platform and capacity providers; under ECS, a changed task definition
    // is how a new revision rolls out, and ECS rewrites only the listener rules' weights, which
    // the rules ignore), and one per owner of the desired count (Application Auto Scaling, or
    // the configuration).
    // Only a rolling update needs no target group (`DeploymentStrategy::Rolling`).
    let rolling_or_load_balanced = format!(
        "var.load_balanced || (var.deployment == null ? false : var.deployment.strategy == {})",
        DeploymentStrategy::Rolling
            .ecs_strategy()
            .map_or("null".to_owned(), string_literal)
    );
    let service = |name: &str, count: &str, ecs_controller: bool, ignored: &str| {
        let mut service = resource(ChildKey::EcsService.kind(), name)
            .expr("count", count)
            .expr("name", "var.name")
            .expr("cluster", "var.cluster")
            .expr("task_definition", "var.task_definition")
            .expr("desired_count", "var.desired_count")
            .expr(
                "launch_type",
                "length(var.capacity_provider_strategy) == 0 ? \"FARGATE\" : null",
            )
            .expr("platform_version", "var.platform_version")
            .expr(
                "health_check_grace_period_seconds",
                "var.health_check_grace_period",
            )
            .string("propagate_tags", "SERVICE")
            .expr("enable_ecs_managed_tags", "true")
            .expr("enable_execute_command", "var.enable_execute_command")
            .expr("tags", "var.tags");
        if ecs_controller {
            service = service
                .expr(
                    "deployment_minimum_healthy_percent",
                    "var.deployment == null ? null : var.deployment.minimum_healthy_percent",
                )
                .expr(
                    "deployment_maximum_percent",
                    "var.deployment == null ? null : var.deployment.maximum_percent",
                );
        }
        service = service.block(
            Node::new("deployment_controller", &[]).expr("type", "var.deployment_controller"),
        );
        if ecs_controller {
            service = service
                .block(ecs_deployment_configuration())
                .block(
                    Node::new("dynamic", &["deployment_circuit_breaker"])
                        .expr(
                            "for_each",
                            "var.deployment == null ? [] : [var.deployment.circuit_breaker]",
                        )
                        .block(
                            Node::new("content", &[])
                                .expr("enable", "deployment_circuit_breaker.value")
                                .expr("rollback", "deployment_circuit_breaker.value"),
                        ),
                )
                // Disabled without alarms, as the resource sends it, so removing the last
                // alarm turns the rollback off instead of leaving it as it was.
                .block(
                    Node::new("dynamic", &["alarms"])
                        .expr(
                            "for_each",
                            "var.deployment == null ? [] : [var.deployment.alarm_names]",
                        )
                        .block(
                            Node::new("content", &[])
                                .expr("alarm_names", "alarms.value")
                                .expr("enable", "length(alarms.value) > 0")
                                .expr("rollback", "length(alarms.value) > 0"),
                        ),
                );
        }
        let mut load_balancer = Node::new("content", &[])
            .expr("target_group_arn", "load_balancer.value")
            .expr("container_name", "var.container_name")
            .expr("container_port", "var.container_port");
        if ecs_controller {
            load_balancer = load_balancer.block(
                Node::new("dynamic", &["advanced_configuration"])
                    .expr("for_each", "var.advanced == null ? [] : [var.advanced]")
                    .block(
                        Node::new("content", &[])
                            .expr(
                                "alternate_target_group_arn",
                                "advanced_configuration.value.alternate_target_group_arn",
                            )
                            .expr(
                                "production_listener_rule",
                                "advanced_configuration.value.production_listener_rule",
                            )
                            .expr(
                                "test_listener_rule",
                                "advanced_configuration.value.test_listener_rule",
                            )
                            .expr("role_arn", "advanced_configuration.value.role_arn"),
                    ),
            );
        }
        let mut lifecycle = Node::new("lifecycle", &[]);
        if !ignored.is_empty() {
            lifecycle = lifecycle.expr("ignore_changes", format!("[{ignored}]"));
        }
        service
            .block(
                Node::new("dynamic", &["capacity_provider_strategy"])
                    .expr("for_each", "var.capacity_provider_strategy")
                    .block(
                        Node::new("content", &[])
                            .expr(
                                "capacity_provider",
                                "capacity_provider_strategy.value.capacity_provider",
                            )
                            .expr("base", "capacity_provider_strategy.value.base")
                            .expr("weight", "capacity_provider_strategy.value.weight"),
                    ),
            )
            .block(
                Node::new("network_configuration", &[])
                    .expr("subnets", "var.subnets")
                    .expr("security_groups", "var.security_groups")
                    .expr("assign_public_ip", "var.assign_public_ip"),
            )
            .block(
                Node::new("dynamic", &["load_balancer"])
                    .expr(
                        "for_each",
                        "var.load_balanced ? [var.target_group_arn] : []",
                    )
                    .block(load_balancer),
            )
            .block(
                Node::new("dynamic", &["service_registries"])
                    .expr(
                        "for_each",
                        "var.service_registry_arn == null ? [] : [var.service_registry_arn]",
                    )
                    .block(
                        Node::new("content", &[])
                            .expr("registry_arn", "service_registries.value")
                            .expr(
                                "container_name",
                                "var.service_registry_with_port ? var.container_name : null",
                            )
                            .expr(
                                "container_port",
                                "var.service_registry_with_port ? var.container_port : null",
                            ),
                    ),
            )
            .block(
                lifecycle
                    .block(
                        Node::new("precondition", &[])
                            .expr(
                                "condition",
                                "var.container_port != null || !(var.load_balanced || var.service_registry_with_port)",
                            )
                            .string(
                                "error_message",
                                "container.port is required with load_balancer (it sends traffic to that port) and with SRV service discovery (the records carry it); only a worker without either may leave it unset (check container-port).",
                            ),
                    )
                    .block(
                        Node::new("precondition", &[])
                            .expr("condition", &rolling_or_load_balanced)
                            .string(
                                "error_message",
                                "load_balancer is required by every deployment_strategy but rolling: the others move traffic between two target groups behind it. Only a rolling service (a worker or queue consumer) may go without one (check load-balancer).",
                            ),
                    ),
            )
    };
    let controller =
        string_literal(DeploymentStrategy::CodeDeployBlueGreen.deployment_controller());
    let codedeploy = format!("var.deployment_controller == {controller}");
    let ecs = format!("var.deployment_controller != {controller}");
    // CodeDeploy owns these on a CODE_DEPLOY service.
    let codedeploy_owns = "task_definition, load_balancer, network_configuration, platform_version, capacity_provider_strategy";
    m.blocks = vec![
        service(
            ECS_SERVICE_FIXED_COUNT,
            &format!("{codedeploy} && !var.autoscaled ? 1 : 0"),
            false,
            codedeploy_owns,
        ),
        service(
            ECS_SERVICE_AUTOSCALED,
            &format!("{codedeploy} && var.autoscaled ? 1 : 0"),
            false,
            &format!("{codedeploy_owns}, desired_count"),
        ),
        service(
            ECS_SERVICE_ECS_CONTROLLER,
            &format!("{ecs} && !var.autoscaled ? 1 : 0"),
            true,
            "",
        ),
        service(
            ECS_SERVICE_ECS_CONTROLLER_AUTOSCALED,
            &format!("{ecs} && var.autoscaled ? 1 : 0"),
            true,
            "desired_count",
        ),
    ];
    let every = |attribute: &str| {
        format!(
            "one(concat({}))",
            [
                ECS_SERVICE_FIXED_COUNT,
                ECS_SERVICE_AUTOSCALED,
                ECS_SERVICE_ECS_CONTROLLER,
                ECS_SERVICE_ECS_CONTROLLER_AUTOSCALED
            ]
            .map(|r| format!("aws_ecs_service.{r}[*].{attribute}"))
            .join(", ")
        )
    };
    m.outputs = vec![
        Output::new("arn", &every("id"), "ARN of the ECS service."),
        Output::new("name", &every("name"), "Name of the ECS service."),
    ];
    m
}

/// The deployment configuration of an ECS-controller service (`EcsDeploymentDef`); hashicorp/aws
/// takes the minutes as strings, and each lifecycle stage as a hook of its own, as the resource
/// sends them. ECS invokes the hooks with the infrastructure role.
fn ecs_deployment_configuration() -> Node {
    let minutes = |value: &str| format!("{value} == null ? null : tostring({value})");
    Node::new("dynamic", &["deployment_configuration"])
        .expr("for_each", "var.deployment == null ? [] : [var.deployment]")
        .block(
            Node::new("content", &[])
                .expr("strategy", "deployment_configuration.value.strategy")
                .expr(
                    "bake_time_in_minutes",
                    minutes("deployment_configuration.value.bake_time_minutes"),
                )
                .block(
                    Node::new("dynamic", &["linear_configuration"])
                        .expr(
                            "for_each",
                            "deployment_configuration.value.linear == null ? [] : [deployment_configuration.value.linear]",
                        )
                        .block(
                            Node::new("content", &[])
                                .expr("step_percent", "linear_configuration.value.step_percent")
                                .expr(
                                    "step_bake_time_in_minutes",
                                    "tostring(linear_configuration.value.step_minutes)",
                                ),
                        ),
                )
                .block(
                    Node::new("dynamic", &["canary_configuration"])
                        .expr(
                            "for_each",
                            "deployment_configuration.value.canary == null ? [] : [deployment_configuration.value.canary]",
                        )
                        .block(
                            Node::new("content", &[])
                                .expr("canary_percent", "canary_configuration.value.percent")
                                .expr(
                                    "canary_bake_time_in_minutes",
                                    "tostring(canary_configuration.value.minutes)",
                                ),
                        ),
                )
                .block(
                    Node::new("dynamic", &["lifecycle_hook"])
                        .expr("for_each", "deployment_configuration.value.hooks")
                        .block(
                            Node::new("content", &[])
                                .expr("hook_target_arn", "lifecycle_hook.value.arn")
                                .expr("lifecycle_stages", "[lifecycle_hook.value.stage]")
                                .expr("role_arn", "var.advanced.role_arn"),
                        ),
                ),
        )
}
