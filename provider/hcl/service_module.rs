//! The modules themselves: the root `fargate-production-service` and one submodule per group
//! of children. Resource types come from `ChildKey::kind`, names from `NAME_RULES`, the
//! deployment controller from the `DeploymentStrategy`, trust policies and managed policies
//! from `expand`, metric types from `ScalingMetric`.

use std::path::PathBuf;

use serde_json::Value as Json;

use crate::service::defaults as d;
use crate::service::expand::{
    APPLICATION_POLICY_NAME, AlarmMetric, AlarmTarget, CODEDEPLOY_ECS_POLICY,
    CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD, ChildKey, DISCOVERY_CUSTOM_HEALTH_CHECK,
    DeploymentStrategy, ECS_HOOK_STAGES, ECS_LOAD_BALANCERS_POLICY, EFS_POLICY_NAME,
    EXEC_POLICY_NAME, HOOKS_POLICY_NAME, Placement, ROLE_DESCRIPTION, SECRET_SUFFIX_PATTERN,
    SECRETS_POLICY_NAME, ScalingMetric, Shape, TASK_EXECUTION_POLICY, alarm_key,
    codedeploy_trust_policy, execution_trust_policy, infrastructure_trust_policy, managed_policy,
    task_trust_policy,
};
use crate::service::names::{
    ChildNames, DERIVED_PRIORITY_BASE, DERIVED_PRIORITY_SPAN, HASH_DIGITS, NAME_RULES, NameRule,
};
use crate::service::schema::{APPSPEC_HOOK_EVENTS, DNS_RECORD_TYPES, one_of_code};
use crate::service::task::exec_policy;

use super::model::{Module, Node, Output, Variable};
use super::task_module::{EFS_POLICY, SECRET_VALUES, task_role_variables};
use super::variables::{block_default, root_variables, string_list, string_literal};

/// The root module's directory name.
pub const ROOT_MODULE: &str = "fargate-production-service";

/// The submodules: directory name, the module block's name in the root, and what it holds.
pub const SUBMODULES: &[(&str, &str, &str)] = &[
    (
        "iam-roles",
        "iam_roles",
        "the task execution role, the task role, and the role CodeDeploy deploys with or the infrastructure role ECS moves traffic with",
    ),
    (
        "task-definition",
        "task_definition",
        "the CloudWatch log group and the Fargate task definition",
    ),
    (
        "target-group-pair",
        "target_group_pair",
        "the blue and green target groups and the service's rule on the production and test listeners (one group and one rule for a rolling service, none for a service without `load_balancer`)",
    ),
    (
        "cloud-map-service",
        "cloud_map_service",
        "the Cloud Map service tasks register in",
    ),
    (
        "ecs-service",
        "ecs_service",
        "the ECS service under the CODE_DEPLOY or the ECS deployment controller",
    ),
    (
        "codedeploy-blue-green",
        "codedeploy",
        "the CodeDeploy application and blue/green deployment group (`deployment_strategy` `codedeploy`)",
    ),
    (
        "autoscaling",
        "autoscaling",
        "the scalable target and the target-tracking policies",
    ),
    (
        "alarms",
        "alarms",
        "the CloudWatch alarms on the target groups that stop (and roll back) a deployment",
    ),
];

/// Which submodule (module block name) a child belongs to, and its resource name there; the
/// ECS service's resource depends on the deployment controller and on whether autoscaling owns
/// its count.
pub fn child_address(
    key: ChildKey,
    strategy: DeploymentStrategy,
    autoscaled: bool,
) -> (&'static str, &'static str) {
    match key {
        ChildKey::ExecutionRole => ("iam_roles", "execution"),
        ChildKey::TaskRole => ("iam_roles", "task"),
        ChildKey::CodeDeployRole => ("iam_roles", "codedeploy"),
        ChildKey::InfrastructureRole => ("iam_roles", "infrastructure"),
        ChildKey::LogGroup => ("task_definition", "this"),
        ChildKey::TaskDefinition => ("task_definition", "this"),
        ChildKey::BlueTargetGroup => ("target_group_pair", "blue"),
        ChildKey::GreenTargetGroup => ("target_group_pair", "green"),
        ChildKey::ProductionListenerRule => ("target_group_pair", "production"),
        ChildKey::TestListenerRule => ("target_group_pair", "test"),
        ChildKey::DiscoveryService => ("cloud_map_service", "this"),
        ChildKey::EcsService => ("ecs_service", ecs_service_resource(strategy, autoscaled)),
        ChildKey::CodeDeployApplication => ("codedeploy", "this"),
        ChildKey::DeploymentGroup => ("codedeploy", "this"),
        ChildKey::ScalableTarget => ("autoscaling", "this"),
        ChildKey::ScalingPolicy(m) => ("autoscaling", metric_name(m)),
        ChildKey::Alarm(m, t) => ("alarms", alarm_resource(m, t)),
    }
}

/// Whether the child's resource carries `count` in its submodule (it exists only for some
/// configurations), so its address ends in `[0]`.
pub fn resource_is_counted(key: ChildKey) -> bool {
    matches!(
        key,
        ChildKey::CodeDeployRole
            | ChildKey::InfrastructureRole
            | ChildKey::GreenTargetGroup
            | ChildKey::TestListenerRule
            | ChildKey::EcsService
            | ChildKey::ScalingPolicy(_)
            | ChildKey::Alarm(..)
    )
}

/// An alarm's resource name in the alarms submodule.
fn alarm_resource(m: AlarmMetric, t: AlarmTarget) -> &'static str {
    match (m, t) {
        (AlarmMetric::Target5xx, AlarmTarget::Blue) => "target_5xx_blue",
        (AlarmMetric::Target5xx, AlarmTarget::Green) => "target_5xx_green",
        (AlarmMetric::Target5xxRate, AlarmTarget::Blue) => "target_5xx_rate_blue",
        (AlarmMetric::Target5xxRate, AlarmTarget::Green) => "target_5xx_rate_green",
        (AlarmMetric::ResponseTime, AlarmTarget::Blue) => "response_time_blue",
        (AlarmMetric::ResponseTime, AlarmTarget::Green) => "response_time_green",
        (AlarmMetric::UnhealthyHosts, AlarmTarget::Blue) => "unhealthy_hosts_blue",
        (AlarmMetric::UnhealthyHosts, AlarmTarget::Green) => "unhealthy_hosts_green",
    }
}

/// The alarm's name as the root module's `local.names` holds it (`NameRule::field`).
fn alarm_name_local(m: AlarmMetric, t: AlarmTarget) -> String {
    let metric = match m {
        AlarmMetric::Target5xx => "5xx",
        AlarmMetric::Target5xxRate => "5xx_rate",
        AlarmMetric::ResponseTime => "latency",
        AlarmMetric::UnhealthyHosts => "unhealthy",
    };
    let colour = match t {
        AlarmTarget::Blue => "blue",
        AlarmTarget::Green => "green",
    };
    format!("local.names.alarm_{metric}_{colour}")
}

/// The ECS service's resource names in its submodule. `ignore_changes` cannot depend on a
/// variable, so there is one resource block per deployment controller (CodeDeploy owns the
/// task definition, load balancer and network of a CODE_DEPLOY service; nothing of an ECS
/// service's own settings changes behind Terraform under the ECS controller) and per owner of
/// the desired count (Application Auto Scaling, or the configuration).
pub const ECS_SERVICE_FIXED_COUNT: &str = "this";
pub const ECS_SERVICE_AUTOSCALED: &str = "autoscaled";
pub const ECS_SERVICE_ECS_CONTROLLER: &str = "ecs_controller";
pub const ECS_SERVICE_ECS_CONTROLLER_AUTOSCALED: &str = "ecs_controller_autoscaled";

/// The ECS service's resource for a strategy and an owner of the count.
pub fn ecs_service_resource(strategy: DeploymentStrategy, autoscaled: bool) -> &'static str {
    match (strategy.uses_codedeploy(), autoscaled) {
        (true, false) => ECS_SERVICE_FIXED_COUNT,
        (true, true) => ECS_SERVICE_AUTOSCALED,
        (false, false) => ECS_SERVICE_ECS_CONTROLLER,
        (false, true) => ECS_SERVICE_ECS_CONTROLLER_AUTOSCALED,
    }
}

/// Submodules that exist only for some configurations carry `count`.
pub fn submodule_is_counted(module: &str) -> bool {
    matches!(
        module,
        "target_group_pair" | "cloud_map_service" | "codedeploy" | "autoscaling" | "alarms"
    )
}

fn metric_name(m: ScalingMetric) -> &'static str {
    match m {
        ScalingMetric::Requests => "requests",
        ScalingMetric::Cpu => "cpu",
        ScalingMetric::Memory => "memory",
    }
}

const METRICS: [ScalingMetric; 3] = [
    ScalingMetric::Requests,
    ScalingMetric::Cpu,
    ScalingMetric::Memory,
];

/// Every generated module, root first.
pub fn modules() -> Vec<Module> {
    vec![
        root(),
        iam_roles(),
        super::task_module::task_definition(),
        target_group_pair(),
        cloud_map_service(),
        ecs_service(),
        codedeploy(),
        autoscaling(),
        alarms(),
    ]
}

fn submodule_dir(name: &str) -> PathBuf {
    PathBuf::from(ROOT_MODULE).join("modules").join(name)
}

/// A name rule as an HCL expression over `name`: the same cut-and-hash as `names::bounded`.
fn name_expression(rule: &NameRule, name: &str) -> String {
    let plain = format!("\"{}${{{name}}}{}\"", rule.prefix, rule.suffix);
    match (rule.limit, rule.kept_characters()) {
        (Some(limit), Some(keep)) => format!(
            "length({name}) + {} <= {limit} ? {plain} : \"${{replace(substr({name}, 0, {keep}), \"/-+$/\", \"\")}}-${{substr(sha256({name}), 0, {HASH_DIGITS})}}{}\"",
            rule.suffix.len(),
            rule.suffix
        ),
        _ => plain,
    }
}

/// A JSON document as an HCL object expression; strings may interpolate (`${var.region}`).
fn json_expression(v: &Json) -> String {
    match v {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => Json::String(s.clone()).to_string(),
        Json::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(json_expression)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Json::Object(map) => format!(
            "{{\n{}\n}}",
            map.iter()
                .map(|(k, v)| {
                    let key = if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        k.clone()
                    } else {
                        string_literal(k)
                    };
                    format!("{key} = {}", json_expression(v))
                })
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The names of the strategies for which `holds` is true, as an HCL list.
fn strategies_where(holds: impl Fn(DeploymentStrategy) -> bool) -> String {
    let names: Vec<&str> = DeploymentStrategy::ALL
        .into_iter()
        .filter(|s| holds(*s))
        .map(DeploymentStrategy::name)
        .collect();
    string_list(&names)
}

/// Whether the root module's `deployment_strategy` is one for which `holds` is true.
fn strategy_is(holds: impl Fn(DeploymentStrategy) -> bool) -> String {
    format!(
        "contains({}, var.deployment_strategy)",
        strategies_where(holds)
    )
}

/// `value` of the root module's `deployment_strategy`: an object from every strategy's name to
/// its value (an HCL expression), indexed by the variable.
fn per_strategy(value: impl Fn(DeploymentStrategy) -> String) -> String {
    let entries: Vec<String> = DeploymentStrategy::ALL
        .into_iter()
        .map(|s| format!("{} = {}", s.name(), value(s)))
        .collect();
    format!("{{ {} }}[var.deployment_strategy]", entries.join(", "))
}

fn symbolic_placement() -> Placement {
    Placement {
        partition: "${var.partition}".to_owned(),
        region: "${var.region}".to_owned(),
        account_id: "${var.account_id}".to_owned(),
        load_balancer: String::new(),
    }
}

pub(super) fn var(name: &str, ty: &str, description: &str) -> Variable {
    Variable::required(name, ty, description)
}

pub(super) fn tags_variable() -> Variable {
    let mut v = var(
        "tags",
        "map(string)",
        "Tags for every resource of this module that takes tags.",
    )
    .with_default("{}");
    v.non_nullable = true;
    v
}

pub(super) fn resource(kind: &str, name: &str) -> Node {
    Node::new("resource", &[kind, name])
}

fn module_call(name: &str, dir: &str) -> Node {
    Node::new("module", &[name]).string("source", format!("./modules/{dir}"))
}

fn usage(module: &str, source: &str, args: &[(&str, &str)]) -> String {
    let mut text = format!("module \"{module}\" {{\n  source = \"{source}\"\n\n");
    for (k, v) in args {
        text.push_str(&format!("  {k} = {v}\n"));
    }
    text.push('}');
    super::align_attributes(&text).trim_end().to_owned()
}

// ---------------------------------------------------------------------------------------------
// Root module
// ---------------------------------------------------------------------------------------------

fn root() -> Module {
    let mut names = String::from("{\n");
    for rule in NAME_RULES {
        names.push_str(&format!(
            "{} = {}\n",
            rule.field,
            name_expression(rule, "var.name")
        ));
    }
    names.push('}');
    let locals = vec![
        ("names".to_owned(), names),
        (
            "log_group".to_owned(),
            "coalesce(var.container.log.group, local.names.log_group)".to_owned(),
        ),
        // Where the service lives: the production listener's ARN tells, or for a service
        // without a load balancer its cluster's (the provider's region and the credentials'
        // account, where the resource places it).
        (
            "placement_arn".to_owned(),
            format!(
                "split(\":\", var.load_balancer != null ? var.load_balancer.production_listener_arn : one(data.{CLUSTER_DATA}[*].arn))"
            ),
        ),
        ("partition".to_owned(), "local.placement_arn[1]".to_owned()),
        ("region".to_owned(), "local.placement_arn[3]".to_owned()),
        ("account_id".to_owned(), "local.placement_arn[4]".to_owned()),
        (
            "load_balancer".to_owned(),
            "var.load_balancer == null ? null : join(\"/\", slice(split(\"/\", local.placement_arn[5]), 1, 4))".to_owned(),
        ),
        (
            "cluster_arn".to_owned(),
            "startswith(var.cluster, \"arn:\") ? var.cluster : \"arn:${local.partition}:ecs:${local.region}:${local.account_id}:cluster/${var.cluster}\"".to_owned(),
        ),
        (
            "cluster_name".to_owned(),
            "reverse(split(\"/\", var.cluster))[0]".to_owned(),
        ),
        (
            "rule_priority".to_owned(),
            format!(
                "var.load_balancer == null ? null : var.load_balancer.listener_rule_priority != null ? var.load_balancer.listener_rule_priority : {DERIVED_PRIORITY_BASE} + parseint(substr(sha256(var.name), 0, 8), 16) % {DERIVED_PRIORITY_SPAN}"
            ),
        ),
        (
            "secret_arns".to_owned(),
            // The secret itself (a key inside it is read through it), with Secrets Manager's
            // six-character suffix as a pattern when the ARN is partial (expand.rs,
            // secret_policy_resource).
            format!(
                "sort(distinct([for arn in {SECRET_VALUES} : length(regexall(\"-[0-9A-Za-z]{{6}}$\", join(\":\", slice(split(\":\", arn), 0, 7)))) > 0 ? join(\":\", slice(split(\":\", arn), 0, 7)) : \"${{join(\":\", slice(split(\":\", arn), 0, 7))}}{SECRET_SUFFIX_PATTERN}\" if strcontains(arn, \":secretsmanager:\")]))"
            ),
        ),
        (
            "parameter_arns".to_owned(),
            format!("sort(distinct([for arn in {SECRET_VALUES} : arn if strcontains(arn, \":ssm:\")]))"),
        ),
        (
            "service_tags".to_owned(),
            format!(
                "merge(var.tags, {{ for k, v in {{ {} = var.container.drain_timeout }} : k => tostring(v) if v != null }})",
                string_literal(crate::service::expand::DRAIN_TIMEOUT_TAG)
            ),
        ),
        // What the strategy decides, from `DeploymentStrategy`.
        (
            "uses_codedeploy".to_owned(),
            strategy_is(DeploymentStrategy::uses_codedeploy),
        ),
        (
            "shifts_traffic".to_owned(),
            strategy_is(DeploymentStrategy::shifts_traffic),
        ),
        (
            "ecs_shifts_traffic".to_owned(),
            strategy_is(DeploymentStrategy::ecs_shifts_traffic),
        ),
        (
            "deployment_controller".to_owned(),
            per_strategy(|s| string_literal(s.deployment_controller())),
        ),
        (
            "ecs_strategy".to_owned(),
            per_strategy(|s| s.ecs_strategy().map_or("null".to_owned(), string_literal)),
        ),
        ("alarm_thresholds".to_owned(), alarm_thresholds_expression()),
        // The alarms that stop a deployment: the service's own, then the user's.
        (
            "alarm_names".to_owned(),
            "var.alarms == null ? [] : concat(module.alarms[0].names, var.alarms.names)"
                .to_owned(),
        ),
        // The ECS-controller strategies' deployment configuration and, for ECS-native
        // blue/green, the load balancer's advanced configuration.
        ("ecs_deployment".to_owned(), ecs_deployment_expression()),
        (
            "advanced_configuration".to_owned(),
            object_expression(&[
                ("alternate_target_group_arn", pair_output("green_arn")),
                ("production_listener_rule", pair_output("production_rule_arn")),
                ("test_listener_rule", pair_output("test_rule_arn")),
                (
                    "role_arn",
                    "module.iam_roles.infrastructure_role_arn".to_owned(),
                ),
            ]),
        ),
        ("children".to_owned(), children_expression()),
    ];
    let locals = [locals, super::task_module::efs_locals()].concat();

    let blocks = vec![
        Node::new("data", &CLUSTER_DATA.split('.').collect::<Vec<_>>())
            .expr("count", "var.load_balancer == null ? 1 : 0")
            .expr("cluster_name", "local.cluster_name"),
        // Created without count by earlier versions, when every service had a load balancer.
        Node::new("moved", &[])
            .expr("from", "module.target_group_pair")
            .expr("to", "module.target_group_pair[0]"),
        module_call("iam_roles", "iam-roles")
            .expr("execution_role_name", "local.names.execution_role")
            .expr("task_role_name", "local.names.task_role")
            .expr("codedeploy_role_name", "local.names.codedeploy_role")
            .expr("create_codedeploy_role", "local.uses_codedeploy")
            .expr("infrastructure_role_name", "local.names.infrastructure_role")
            .expr("create_infrastructure_role", "local.ecs_shifts_traffic")
            // Known at plan time even when the ARNs are not.
            .expr(
                "invokes_lifecycle_hooks",
                "local.ecs_shifts_traffic && length(var.ecs_deployment.hooks) > 0",
            )
            .expr(
                "lifecycle_hook_arns",
                "local.ecs_shifts_traffic ? values(var.ecs_deployment.hooks) : []",
            )
            .expr("partition", "local.partition")
            .expr("region", "local.region")
            .expr("account_id", "local.account_id")
            .expr("secret_arns", "local.secret_arns")
            .expr("parameter_arns", "local.parameter_arns")
            .expr("reads_secrets", format!("length({SECRET_VALUES}) > 0"))
            .expr("task_role_policy_json", "var.task_role_policy_json")
            .expr(
                "task_role_managed_policy_arns",
                "var.task_role_managed_policy_arns == null ? [] : var.task_role_managed_policy_arns",
            )
            .expr("efs_mounts", "local.efs_mounts")
            // Known at plan time even when the file systems are not.
            .expr(
                "mounts_efs",
                "length([for v in var.volume : v if v.efs == null ? false : v.efs.iam_authorization]) > 0",
            )
            .expr("enable_execute_command", "var.enable_execute_command")
            .expr("tags", "var.tags"),
        module_call("task_definition", "task-definition")
            .expr("family", "local.names.task_family")
            .expr("log_group_name", "local.log_group")
            .expr("log_retention_days", "var.container.log.retention_days")
            .expr("region", "local.region")
            .expr("cpu", "var.task.cpu")
            .expr("memory", "var.task.memory")
            .expr("cpu_architecture", "var.task.cpu_architecture")
            .expr("ephemeral_storage_gib", "var.task.ephemeral_storage_gib")
            .expr("container", "var.container")
            .expr("sidecars", "var.sidecar")
            .expr("volumes", "var.volume")
            .expr("execution_role_arn", "module.iam_roles.execution_role_arn")
            .expr("task_role_arn", "module.iam_roles.task_role_arn")
            .expr("require_immutable_image", "var.require_immutable_image")
            .expr("tags", "var.tags"),
        module_call("target_group_pair", "target-group-pair")
            .expr("count", "var.load_balancer == null ? 0 : 1")
            .expr("blue_name", "local.names.blue_target_group")
            .expr("green_name", "local.names.green_target_group")
            .expr("port", "var.container.port")
            .expr("vpc_id", "var.load_balancer.vpc_id")
            .expr("health_check", "var.load_balancer.health_check")
            .expr(
                "deregistration_delay",
                "var.load_balancer.deregistration_delay",
            )
            .expr(
                "production_listener_arn",
                "var.load_balancer.production_listener_arn",
            )
            .expr("test_listener_arn", "var.load_balancer.test_listener_arn")
            .expr("rule_priority", "local.rule_priority")
            .expr("path_patterns", "var.load_balancer.path_patterns")
            .expr("host_headers", "var.load_balancer.host_headers")
            .expr("pair", "local.shifts_traffic")
            .expr("weighted", "local.ecs_shifts_traffic")
            .expr("tags", "var.tags"),
        module_call("cloud_map_service", "cloud-map-service")
            .expr("count", "var.service_discovery == null ? 0 : 1")
            .expr("name", "local.names.discovery_service")
            .expr("namespace_id", "var.service_discovery.namespace_id")
            .expr("dns_ttl", "var.service_discovery.dns_ttl")
            .expr("record_type", "var.service_discovery.record_type")
            .expr("routing_policy", "var.service_discovery.routing_policy")
            .expr("tags", "var.tags"),
        module_call("ecs_service", "ecs-service")
            .expr("name", "local.names.ecs_service")
            // hashicorp/aws reads the cluster back as an ARN and replaces a service whose
            // configuration names it otherwise.
            .expr("cluster", "local.cluster_arn")
            // As `family:revision`, the form hashicorp/aws reads back after an import (eject),
            // so an imported ECS-controller service plans no change.
            .expr(
                "task_definition",
                "\"${module.task_definition.family}:${module.task_definition.revision}\"",
            )
            .expr("desired_count", "var.desired_count")
            .expr("platform_version", "var.platform_version")
            .expr(
                "capacity_provider_strategy",
                "var.capacity_provider_strategy",
            )
            .expr("subnets", "var.network.subnets")
            .expr("security_groups", "var.network.security_groups")
            .expr("assign_public_ip", "var.network.assign_public_ip")
            // ECS refuses a grace period for a service without a load balancer.
            .expr(
                "health_check_grace_period",
                "var.load_balancer == null ? null : var.load_balancer.health_check_grace_period",
            )
            .expr("load_balanced", "var.load_balancer != null")
            .expr("target_group_arn", pair_output("blue_arn"))
            .expr("container_name", "var.container.name")
            .expr("container_port", "var.container.port")
            .expr(
                "service_registry_arn",
                "one(module.cloud_map_service[*].arn)",
            )
            .expr(
                "service_registry_with_port",
                "var.service_discovery == null ? false : var.service_discovery.record_type == \"SRV\"",
            )
            .expr("autoscaled", "var.autoscaling != null")
            .expr("enable_execute_command", "var.enable_execute_command")
            .expr("tags", "local.service_tags")
            .expr("deployment_controller", "local.deployment_controller")
            .expr(
                "deployment",
                "local.uses_codedeploy ? null : local.ecs_deployment",
            )
            .expr(
                "advanced",
                "local.ecs_shifts_traffic ? local.advanced_configuration : null",
            )
            // ECS accepts a target group only once a listener rule routes to it, and assumes
            // the infrastructure role only once its policies are attached.
            .expr("depends_on", "[module.target_group_pair, module.iam_roles]"),
        module_call("codedeploy", "codedeploy-blue-green")
            .expr("count", "local.uses_codedeploy ? 1 : 0")
            .expr("application_name", "local.names.codedeploy_application")
            .expr("deployment_group_name", "local.names.deployment_group")
            .expr("service_role_arn", "module.iam_roles.codedeploy_role_arn")
            .expr("deployment_config", "var.blue_green.deployment_config")
            .expr(
                "termination_wait_minutes",
                "var.blue_green.termination_wait_minutes",
            )
            .expr(
                "auto_rollback_events",
                "var.blue_green.auto_rollback_events",
            )
            // Without a load balancer the ECS service's precondition stops the plan first.
            .expr(
                "production_listener_arn",
                "var.load_balancer == null ? null : var.load_balancer.production_listener_arn",
            )
            .expr(
                "test_listener_arn",
                "var.load_balancer == null ? null : var.load_balancer.test_listener_arn",
            )
            .expr("blue_target_group_name", pair_output("blue_name"))
            .expr("green_target_group_name", pair_output("green_name"))
            .expr("cluster_name", "local.cluster_name")
            .expr("service_name", "module.ecs_service.name")
            .expr("alarm_names", "local.alarm_names")
            .expr(
                "test_traffic_wait_minutes",
                "var.blue_green.test_traffic_wait_minutes",
            )
            .expr(
                "ready_action",
                "var.blue_green.approve_traffic ? \"STOP_DEPLOYMENT\" : \"CONTINUE_DEPLOYMENT\"",
            )
            .expr("tags", "var.tags"),
        module_call("alarms", "alarms")
            .expr("count", "var.alarms == null ? 0 : 1")
            .expr(
                "names",
                format!(
                    "{{ {} }}",
                    AlarmMetric::ALL
                        .iter()
                        .flat_map(|m| AlarmTarget::ALL.iter().map(move |t| (*m, *t)))
                        .map(|(m, t)| format!(
                            "\"{}\" = {}",
                            alarm_key(m, t),
                            alarm_name_local(m, t)
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .expr("service_name", "local.names.ecs_service")
            .expr("target_5xx_count", "local.alarm_thresholds.target_5xx_count")
            .expr(
                "target_5xx_rate_percent",
                "local.alarm_thresholds.target_5xx_rate_percent",
            )
            .expr(
                "response_time_p99_ms",
                "local.alarm_thresholds.response_time_p99_ms",
            )
            .expr("unhealthy_hosts", "local.alarm_thresholds.unhealthy_hosts")
            .expr("period", "var.alarms.period")
            .expr("evaluation_periods", "var.alarms.evaluation_periods")
            .expr("load_balanced", "var.load_balancer != null")
            .expr("load_balancer", "local.load_balancer")
            .expr("blue_target_group_name", pair_output("blue_name"))
            .expr("green_target_group_name", pair_output("green_name"))
            .expr("blue_target_group", pair_output("blue_arn_suffix"))
            .expr("green_target_group", pair_output("green_arn_suffix"))
            .expr("pair", "local.shifts_traffic")
            .expr("tags", "var.tags"),
        module_call("autoscaling", "autoscaling")
            .expr("count", "var.autoscaling == null ? 0 : 1")
            .expr(
                "resource_id",
                "\"service/${local.cluster_name}/${module.ecs_service.name}\"",
            )
            .expr("min_capacity", "var.autoscaling.min")
            .expr("max_capacity", "var.autoscaling.max")
            .expr("desired_count", "var.desired_count")
            .expr("requests_policy_name", "local.names.requests_policy")
            .expr("cpu_policy_name", "local.names.cpu_policy")
            .expr("memory_policy_name", "local.names.memory_policy")
            .expr("requests_per_target", "var.autoscaling.requests_per_target")
            .expr("cpu_target", "var.autoscaling.cpu_target")
            .expr("memory_target", "var.autoscaling.memory_target")
            .expr("scale_in_cooldown", "var.autoscaling.scale_in_cooldown")
            .expr("scale_out_cooldown", "var.autoscaling.scale_out_cooldown")
            .expr("load_balanced", "var.load_balancer != null")
            .expr(
                "resource_label",
                format!(
                    "var.load_balancer == null ? null : \"${{local.load_balancer}}/${{{}}}\"",
                    pair_output("blue_arn_suffix")
                ),
            )
            .expr("tags", "var.tags"),
    ];

    let outputs = vec![
        Output::new(
            "id",
            "\"${local.cluster_name}/${module.ecs_service.name}\"",
            "`<cluster>/<name>`, as the resource's `id`.",
        ),
        Output::new(
            "service_arn",
            "module.ecs_service.arn",
            "ARN of the ECS service.",
        ),
        Output::new(
            "task_definition_arn",
            "module.task_definition.arn",
            "ARN of the task definition revision this configuration registers; CodeDeploy deploys it (see `appspec`), ECS rolls it out under the other strategies.",
        ),
        Output::new(
            "task_definition_revision",
            "module.task_definition.revision",
            "Revision number of that task definition.",
        ),
        Output::new(
            "execution_role_arn",
            "module.iam_roles.execution_role_arn",
            "ARN of the task execution role.",
        ),
        Output::new(
            "task_role_arn",
            "module.iam_roles.task_role_arn",
            "ARN of the task role.",
        ),
        Output::new(
            "log_group_name",
            "module.task_definition.log_group_name",
            "Name of the CloudWatch log group.",
        ),
        Output::new(
            "blue_target_group_arn",
            &pair_output("blue_arn"),
            "ARN of the blue target group; null without `load_balancer`.",
        ),
        Output::new(
            "green_target_group_arn",
            &pair_output("green_arn"),
            "ARN of the green target group; null with `rolling`.",
        ),
        Output::new(
            "production_listener_rule_arn",
            &pair_output("production_rule_arn"),
            "ARN of the service's rule on the production listener; null without `load_balancer`.",
        ),
        Output::new(
            "test_listener_rule_arn",
            &pair_output("test_rule_arn"),
            "ARN of the service's rule on the test listener; null with `rolling`.",
        ),
        Output::new(
            "infrastructure_role_arn",
            "module.iam_roles.infrastructure_role_arn",
            "ARN of the role ECS moves traffic with (`blue_green`, `linear`, `canary`); null otherwise.",
        ),
        Output::new(
            "codedeploy_application_name",
            "one(module.codedeploy[*].application_name)",
            "Name of the CodeDeploy application; null unless `deployment_strategy` is `codedeploy`.",
        ),
        Output::new(
            "codedeploy_deployment_group_name",
            "one(module.codedeploy[*].deployment_group_name)",
            "Name of the CodeDeploy deployment group; null unless `deployment_strategy` is `codedeploy`.",
        ),
        Output::new(
            "service_discovery_arn",
            "one(module.cloud_map_service[*].arn)",
            "ARN of the Cloud Map service; null without `service_discovery`.",
        ),
        Output::new(
            "children",
            "[for c in local.children : c.child if c.present]",
            "The kind (hashicorp/aws resource type) and name of every child, as the resource's `children` lists them.",
        ),
        Output::new(
            "appspec",
            &appspec_expression(),
            "The AppSpec (JSON) of a CodeDeploy deployment of `task_definition_arn`: what the resource sends on an image change, and what a pipeline sends with `aws deploy create-deployment` when using these modules; null unless `deployment_strategy` is `codedeploy`.",
        ),
    ];

    let mut usage_args: Vec<(&str, &str)> = vec![
        ("name", "\"checkout-api\""),
        ("cluster", "\"prod-cluster\""),
        ("task", "{ cpu = 512, memory = 1024 }"),
        (
            "container",
            "{ name = \"app\", image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.42.0\", port = 8080 }",
        ),
        (
            "network",
            "{ subnets = [\"subnet-aaa\", \"subnet-bbb\"], security_groups = [\"sg-123\"] }",
        ),
    ];
    usage_args.push((
        "load_balancer",
        "{ vpc_id = \"vpc-123\", production_listener_arn = \"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2\", test_listener_arn = \"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/0467ef3c8400ae65\", deregistration_delay = 30 }",
    ));
    Module {
        dir: PathBuf::from(ROOT_MODULE),
        title: ROOT_MODULE.to_owned(),
        summary: "One production ECS Fargate service as plain Terraform on the hashicorp/aws provider: the same children, names, defaults and checks as the `fargate_production_service` resource of terraform-provider-fargate, generated from the same expansion.".to_owned(),
        notes: ROOT_NOTES.to_owned(),
        usage: usage(
            "checkout",
            "./modules/fargate-production-service",
            &usage_args,
        ),
        variables: root_variables(),
        locals,
        blocks,
        outputs,
    }
}

/// The data source that places a service without a load balancer (`<type>.<name>`).
const CLUSTER_DATA: &str = "aws_ecs_cluster.this";

/// An output of the target-group-pair submodule, which exists only with a load balancer: null
/// without one.
fn pair_output(name: &str) -> String {
    format!("one(module.target_group_pair[*].{name})")
}

/// Each alarm metric's threshold: as set, or the schema's default on a service with a load
/// balancer. A service without one takes only the thresholds set, which its alarms'
/// preconditions then refuse (check `load-balancer`).
fn alarm_thresholds_expression() -> String {
    let fields: Vec<(&str, String)> = AlarmMetric::ALL
        .iter()
        .map(|m| {
            let attribute = m.attribute();
            let default = block_default("alarms", attribute).unwrap_or_else(|| "0".to_owned());
            (
                attribute,
                format!(
                    "coalesce(var.alarms.{attribute}, var.load_balancer == null ? 0 : {default})"
                ),
            )
        })
        .collect();
    let zero: Vec<(&str, String)> = AlarmMetric::ALL
        .iter()
        .map(|m| (m.attribute(), "0".to_owned()))
        .collect();
    format!(
        "var.alarms == null ? {} : {}",
        object_expression(&zero),
        object_expression(&fields)
    )
}

/// The `appspec` output; the hook events are `APPSPEC_HOOK_EVENTS`, in the order they run.
fn appspec_expression() -> String {
    format!(
        "local.uses_codedeploy ? jsonencode(merge({{ version = 0, Resources = [{{ TargetService = {{ Type = \"AWS::ECS::Service\", Properties = merge({{ TaskDefinition = module.task_definition.arn, LoadBalancerInfo = {{ ContainerName = var.container.name, ContainerPort = var.container.port }}, PlatformVersion = var.platform_version, NetworkConfiguration = {{ AwsvpcConfiguration = {{ Subnets = var.network.subnets, SecurityGroups = var.network.security_groups, AssignPublicIp = var.network.assign_public_ip ? \"ENABLED\" : \"DISABLED\" }} }} }}, {{ for k, v in {{ CapacityProviderStrategy = [for c in var.capacity_provider_strategy : {{ CapacityProvider = c.capacity_provider, Base = c.base, Weight = c.weight }}] }} : k => v if length(v) > 0 }}) }} }}] }}, length(coalesce(var.blue_green.hooks, {{}})) > 0 ? {{ Hooks = [for e in {} : {{ (e) = var.blue_green.hooks[e] }} if contains(keys(coalesce(var.blue_green.hooks, {{}})), e)] }} : {{}})) : null",
        string_list(APPSPEC_HOOK_EVENTS)
    )
}

/// An HCL object expression, one attribute a line.
fn object_expression(fields: &[(&str, String)]) -> String {
    let lines: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{\n{}\n}}", lines.join("\n"))
}

/// The ECS service's `deployment` input under an ECS-controller strategy: `EcsDeploymentDef`,
/// with the settings each strategy takes from `ecs_deployment`.
fn ecs_deployment_expression() -> String {
    let only = |strategy: DeploymentStrategy, value: &str, otherwise: &str| {
        format!(
            "var.deployment_strategy == {} ? {value} : {otherwise}",
            string_literal(strategy.name())
        )
    };
    let rolling =
        |value: &str, otherwise: &str| only(DeploymentStrategy::Rolling, value, otherwise);
    // Blue/green strategies run the new tasks beside the old: AWS's defaults apply.
    let (min, max) = (
        d::MINIMUM_HEALTHY_PERCENT.to_string(),
        d::MAXIMUM_PERCENT.to_string(),
    );
    object_expression(&[
        ("strategy", "local.ecs_strategy".to_owned()),
        (
            "bake_time_minutes",
            "local.ecs_shifts_traffic ? var.ecs_deployment.bake_time_minutes : null".to_owned(),
        ),
        (
            "linear",
            only(
                DeploymentStrategy::Linear,
                "{ step_percent = var.ecs_deployment.linear_step_percent, step_minutes = var.ecs_deployment.linear_step_minutes }",
                "null",
            ),
        ),
        (
            "canary",
            only(
                DeploymentStrategy::Canary,
                "{ percent = var.ecs_deployment.canary_percent, minutes = var.ecs_deployment.canary_minutes }",
                "null",
            ),
        ),
        (
            "minimum_healthy_percent",
            rolling("var.ecs_deployment.minimum_healthy_percent", &min),
        ),
        (
            "maximum_percent",
            rolling("var.ecs_deployment.maximum_percent", &max),
        ),
        (
            "circuit_breaker",
            rolling("var.ecs_deployment.circuit_breaker", "false"),
        ),
        ("alarm_names", "local.alarm_names".to_owned()),
        (
            "hooks",
            format!(
                "local.ecs_shifts_traffic ? [for s in {} : {{ stage = s, arn = var.ecs_deployment.hooks[s] }} if contains(keys(var.ecs_deployment.hooks), s)] : []",
                string_list(ECS_HOOK_STAGES)
            ),
        ),
    ])
}

const ROOT_NOTES: &str = r#"## Deployments

`deployment_strategy` decides how a new task definition reaches production, as on the resource:

- `codedeploy` (the default): the ECS service runs under the `CODE_DEPLOY` deployment
  controller, and CodeDeploy shifts traffic from the blue target group to the green one through
  the production and test listener rules.
- `blue_green`, `linear`, `canary`: ECS-native blue/green under the `ECS` controller. The rules
  forward to both target groups (blue at weight 1, green at 0), an infrastructure role lets ECS
  rewrite their weights, and ECS moves production traffic all at once, in equal steps or a share
  first, then bakes (`ecs_deployment`). There is no CodeDeploy application, group or role.
- `rolling`: an ECS rolling update with the deployment circuit breaker; one target group, one
  rule on the production listener, no test listener needed.

With `codedeploy`, Terraform does not roll out new task definitions: CodeDeploy does. The module
therefore tells Terraform to leave alone what CodeDeploy owns — the service's `task_definition`,
`load_balancer`, `network_configuration`, `platform_version` and `capacity_provider_strategy`,
and the listener rules' `action` — which is why a plan after a deployment is empty instead of
showing the drift other modules show. An image (or environment, secrets, cpu, memory) change
registers a new task definition revision on `tofu apply`. Deploy it with the `appspec` output,
as the resource does:

```sh
aws deploy create-deployment \
  --application-name "$(tofu output -raw codedeploy_application_name)" \
  --deployment-group-name "$(tofu output -raw codedeploy_deployment_group_name)" \
  --revision "$(jq -n --arg content "$(tofu output -raw appspec)" \
      '{revisionType: "AppSpecContent", appSpecContent: {content: $content}}')"
```

(with the module's outputs passed through your root module's outputs). The AppSpec names the new revision, the container and port the target groups route to, and
the network settings (CodeDeploy, not UpdateService, changes those on such a service).

Under the other strategies `tofu apply` of a new revision is the deployment: the service takes
the new task definition and ECS rolls it out, rolling it back when a circuit breaker or one of
the alarms trips. ECS rewrites only the listener rules' weights, which the rules ignore, so the
plan after a deployment is empty too.

`ignore_changes` cannot depend on a variable, so the ECS service is one of four resource blocks:
one per deployment controller, and one per owner of the desired count. With `autoscaling`,
Application Auto Scaling owns the desired count, so the service (then an `autoscaled` variant)
ignores later changes of `desired_count`; without it, a changed `desired_count` is applied.

## Workers

A `rolling` service may leave `load_balancer` out (null): a worker or queue consumer. The
`target-group-pair` submodule is then not created (`count = 0`), nor the target-group alarms or
a request-count scaling policy; the ECS service has no `load_balancer` block and no health
check grace period (ECS refuses one without a load balancer). The alarms in `alarms.names`
still roll a deployment back. With no listener ARN to tell where the service lives, the module
reads its cluster (`data.aws_ecs_cluster`) for the partition, region and account its policies
and log configuration name.

The resource's checks hold as preconditions, so the plan stops before anything is created:
every strategy but `rolling` needs `load_balancer`; without one, `autoscaling.requests_per_target`
(it counts the load balancer's requests) and an alarm threshold (`target_5xx_count`,
`response_time_p99_ms`, `unhealthy_hosts`: they watch target groups) are refused. Thresholds
left unset take their defaults on a load-balanced service and mean no alarm on a worker.

## What differs from the resource

- The resource waits for the deployment and fails the apply when CodeDeploy or ECS rolls it
  back, naming the alarm; with modules your pipeline runs and watches the deployment
  (`wait_for_deployment` has no counterpart). Under the ECS strategies the module does not set
  hashicorp/aws's `wait_for_steady_state`: `tofu apply` of a new image returns, reporting
  success, once ECS has taken the update. When an alarm (or the circuit breaker) then rolls the
  deployment back, ECS runs the previous revision again, and the next plan shows the service's
  `task_definition` change still wanted; applying it retries the roll-out. Under `codedeploy`
  the plan after a rolled-back deployment is empty (the new revision is registered, and the
  service leaves its roll-out to CodeDeploy): the pipeline must notice the stopped deployment
  and deploy the `appspec` again.
- `blue_green`, `linear` and `canary` change into one another in place. Changing
  `deployment_strategy` between `codedeploy`, `rolling` and those three is a replacement with
  the modules: the ECS service moves to another resource block (which Terraform does not order
  after the old one's deletion) and the listener rules keep the action they were created with.
  Destroy them first (`tofu destroy -target=module.<name>.module.target_group_pair`, which takes
  the service and what refers to the target groups along), then apply. The resource moves a
  CodeDeploy service to ECS blue/green in place.
- The ALBRequestCountPerTarget policy measures the blue target group. After a deployment
  moves traffic to green the resource re-points it; with modules, re-apply with the live
  target group or scale on CPU.
- Checks that need AWS (free IPs in the subnets) or span variables run as preconditions
  (`autoscaling.min <= desired_count <= autoscaling.max`, an immutable image when
  `require_immutable_image` is set, Fargate Spot with ARM64, a test listener unless `rolling`,
  and none with it, `load_balancer` unless `rolling`, and no request scaling or alarm threshold
  without it)
  or only in the resource (warnings such as a deregistration delay left at 300 s: Terraform
  variables cannot warn).
- `task_role_policy_json` decides whether the task role gets an inline policy, so it must be
  known at plan time (a policy document built from values known at plan time is); the
  container's secrets may be created in the same run.
- ECS Exec (`enable_execute_command`) under `codedeploy`: ECS does not change it on a
  CODE_DEPLOY service in place, so change it by replacing the service
  (`tofu apply -replace=module.<name>.module.ecs_service.aws_ecs_service.<variant>[0]`); the
  resource plans that replacement itself. Under the other strategies a change rolls out with the
  next deployment.
- The EFS volumes' platform version (1.4.0 or LATEST) is checked only by the resource.
- Replacing the task definition deregisters the previous revision once the new one exists;
  running tasks keep it, but a later deployment back to that revision needs it re-registered.
"#;

/// The `children` output: the same list, in the same order, as `Shape::children`, for every
/// strategy. Each strategy's children keep one relative order, so the list is their union in
/// that order, each child present when the configuration (and the strategy) has it.
fn children_expression() -> String {
    let shape = |strategy, load_balanced| Shape {
        names: ChildNames::for_service("x"),
        log_group: String::new(),
        strategy,
        load_balanced,
        discovery: true,
        autoscaling: true,
        scaling_metrics: METRICS.to_vec(),
        alarm_metrics: AlarmMetric::ALL.to_vec(),
    };
    let children_of = |strategy| -> Vec<ChildKey> {
        shape(strategy, true)
            .children()
            .into_iter()
            .map(|c| c.key)
            .collect()
    };
    let mut union: Vec<ChildKey> = Vec::new();
    for strategy in DeploymentStrategy::ALL {
        let mut at = 0;
        for key in children_of(strategy) {
            at = match union.iter().position(|k| *k == key) {
                Some(i) => i + 1,
                None => {
                    union.insert(at, key);
                    at + 1
                }
            };
        }
    }
    let mut items = Vec::new();
    for key in union {
        let has = |s| children_of(s).contains(&key);
        let strategy_condition =
            (!DeploymentStrategy::ALL.into_iter().all(has)).then(|| strategy_is(has));
        // Children that only a service behind a load balancer has (under any strategy).
        let needs_load_balancer = !DeploymentStrategy::ALL
            .into_iter()
            .any(|s| shape(s, false).children().iter().any(|c| c.key == key));
        let name = match key {
            ChildKey::LogGroup => "local.log_group".to_owned(),
            ChildKey::ExecutionRole => "local.names.execution_role".to_owned(),
            ChildKey::TaskRole => "local.names.task_role".to_owned(),
            ChildKey::CodeDeployRole => "local.names.codedeploy_role".to_owned(),
            ChildKey::InfrastructureRole => "local.names.infrastructure_role".to_owned(),
            ChildKey::TaskDefinition => "local.names.task_family".to_owned(),
            ChildKey::BlueTargetGroup => "local.names.blue_target_group".to_owned(),
            ChildKey::GreenTargetGroup => "local.names.green_target_group".to_owned(),
            ChildKey::ProductionListenerRule => {
                "\"${local.names.ecs_service} (production listener)\"".to_owned()
            }
            ChildKey::TestListenerRule => {
                "\"${local.names.ecs_service} (test listener)\"".to_owned()
            }
            ChildKey::DiscoveryService => "local.names.discovery_service".to_owned(),
            ChildKey::EcsService => "local.names.ecs_service".to_owned(),
            ChildKey::CodeDeployApplication => "local.names.codedeploy_application".to_owned(),
            ChildKey::DeploymentGroup => "local.names.deployment_group".to_owned(),
            ChildKey::ScalableTarget => "\"service/${local.names.ecs_service}\"".to_owned(),
            ChildKey::ScalingPolicy(m) => format!("local.names.{}_policy", metric_name(m)),
            ChildKey::Alarm(m, t) => alarm_name_local(m, t),
        };
        let present = match key {
            ChildKey::DiscoveryService => "var.service_discovery != null".to_owned(),
            ChildKey::ScalableTarget => "var.autoscaling != null".to_owned(),
            ChildKey::ScalingPolicy(m) => format!(
                "var.autoscaling != null ? var.autoscaling.{} != null : false",
                match m {
                    ScalingMetric::Requests => "requests_per_target",
                    ScalingMetric::Cpu => "cpu_target",
                    ScalingMetric::Memory => "memory_target",
                }
            ),
            ChildKey::Alarm(m, _) => format!("local.alarm_thresholds.{} > 0", m.attribute()),
            _ => "true".to_owned(),
        };
        let conditions: Vec<String> = [
            (present != "true").then_some(present),
            needs_load_balancer.then(|| "var.load_balancer != null".to_owned()),
            strategy_condition,
        ]
        .into_iter()
        .flatten()
        .collect();
        let present = match conditions.as_slice() {
            [] => "true".to_owned(),
            [one] => one.clone(),
            all => all
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" && "),
        };
        items.push(format!(
            "{{ present = {present}, child = {{ kind = \"{}\", name = {name} }} }}",
            key.kind()
        ));
    }
    format!("[{}]", items.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Submodules
// ---------------------------------------------------------------------------------------------

pub(super) fn submodule(dir: &str, variables: Vec<Variable>) -> Module {
    let (_, block_name, holds) = SUBMODULES
        .iter()
        .find(|(d, _, _)| *d == dir)
        .copied()
        .unwrap_or((dir, dir, ""));
    let args: Vec<(String, String)> = variables
        .iter()
        .filter(|v| v.default.is_none())
        .map(|v| (v.name.clone(), "…".to_owned()))
        .collect();
    let args_ref: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Module {
        dir: submodule_dir(dir),
        title: format!("{ROOT_MODULE}/modules/{dir}"),
        summary: format!(
            "Part of the `{ROOT_MODULE}` module: {holds}. The root module calls it as `module.{block_name}`; use it directly only to assemble a service differently."
        ),
        notes: String::new(),
        usage: usage(
            block_name,
            &format!("./modules/{ROOT_MODULE}/modules/{dir}"),
            &args_ref,
        ),
        variables,
        locals: Vec::new(),
        blocks: Vec::new(),
        outputs: Vec::new(),
    }
}

fn iam_roles() -> Module {
    let mut secret_arns = var(
        "secret_arns",
        "list(string)",
        "Secrets Manager secrets the container reads (whole-secret ARNs).",
    )
    .with_default("[]");
    secret_arns.non_nullable = true;
    let mut parameter_arns = var(
        "parameter_arns",
        "list(string)",
        "SSM parameters the container reads.",
    )
    .with_default("[]");
    parameter_arns.non_nullable = true;
    let mut lifecycle_hook_arns = var(
        "lifecycle_hook_arns",
        "list(string)",
        "Lambda functions ECS invokes at the deployment's lifecycle stages.",
    )
    .with_default("[]");
    lifecycle_hook_arns.non_nullable = true;
    let mut m = submodule(
        "iam-roles",
        vec![
            var(
                "execution_role_name",
                "string",
                "Name of the task execution role.",
            ),
            var("task_role_name", "string", "Name of the task role."),
            var(
                "codedeploy_role_name",
                "string",
                "Name of the role CodeDeploy deploys with.",
            ),
            var(
                "create_codedeploy_role",
                "bool",
                "Whether CodeDeploy deploys the service, so its role exists.",
            )
            .with_default("true"),
            var(
                "infrastructure_role_name",
                "string",
                "Name of the role ECS moves traffic between the target groups with (ECS-native blue/green, linear and canary).",
            )
            .with_default("null"),
            var(
                "create_infrastructure_role",
                "bool",
                "Whether ECS moves the traffic, so the infrastructure role exists.",
            )
            .with_default("false"),
            var(
                "invokes_lifecycle_hooks",
                "bool",
                "Whether the deployment has lifecycle hooks, so the infrastructure role may invoke them (known at plan time).",
            )
            .with_default("false"),
            lifecycle_hook_arns,
            var("partition", "string", "AWS partition (`aws`, `aws-cn`, …)."),
            var("region", "string", "Region the service runs in."),
            var("account_id", "string", "Account the service runs in."),
            secret_arns,
            parameter_arns,
            var(
                "reads_secrets",
                "bool",
                "Whether the container has secrets, so the execution role gets its secrets policy.",
            )
            .with_default("false"),
            var(
                "task_role_policy_json",
                "string",
                "The application's own IAM policy (JSON), inline on the task role.",
            )
            .with_default("null"),
        ]
        .into_iter()
        .chain(task_role_variables())
        .chain([tags_variable()])
        .collect(),
    );
    let placement = symbolic_placement();
    let p = &placement.partition;
    m.locals = vec![
        (
            "execution_trust_policy".to_owned(),
            json_expression(&execution_trust_policy()),
        ),
        (
            "task_trust_policy".to_owned(),
            json_expression(&task_trust_policy(&placement)),
        ),
        (
            "codedeploy_trust_policy".to_owned(),
            json_expression(&codedeploy_trust_policy()),
        ),
        (
            "infrastructure_trust_policy".to_owned(),
            json_expression(&infrastructure_trust_policy()),
        ),
        ("secrets_policy".to_owned(), SECRETS_POLICY.to_owned()),
        ("hooks_policy".to_owned(), HOOKS_POLICY.to_owned()),
        ("efs_policy".to_owned(), EFS_POLICY.to_owned()),
        ("exec_policy".to_owned(), json_expression(&exec_policy())),
    ];
    let role = ChildKey::ExecutionRole.kind();
    m.blocks = vec![
        resource(role, "execution")
            .expr("name", "var.execution_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr(
                "assume_role_policy",
                "jsonencode(local.execution_trust_policy)",
            )
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy_attachment", "execution")
            .expr("role", "aws_iam_role.execution.name")
            .expr(
                "policy_arn",
                Json::String(managed_policy(p, TASK_EXECUTION_POLICY)).to_string(),
            ),
        resource("aws_iam_role_policy", "execution_secrets")
            // Known at plan time even when the ARNs are not (secrets created in the same run).
            .expr("count", "var.reads_secrets ? 1 : 0")
            .string("name", SECRETS_POLICY_NAME)
            .expr("role", "aws_iam_role.execution.name")
            .expr("policy", "jsonencode(local.secrets_policy)"),
        resource(role, "task")
            .expr("name", "var.task_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr("assume_role_policy", "jsonencode(local.task_trust_policy)")
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy", "task_application")
            .expr("count", "var.task_role_policy_json == null ? 0 : 1")
            .string("name", APPLICATION_POLICY_NAME)
            .expr("role", "aws_iam_role.task.name")
            .expr("policy", "var.task_role_policy_json"),
        resource("aws_iam_role_policy_attachment", "task_managed")
            .expr("count", "length(var.task_role_managed_policy_arns)")
            .expr("role", "aws_iam_role.task.name")
            .expr(
                "policy_arn",
                "var.task_role_managed_policy_arns[count.index]",
            ),
        resource("aws_iam_role_policy", "task_efs")
            .expr("count", "var.mounts_efs ? 1 : 0")
            .string("name", EFS_POLICY_NAME)
            .expr("role", "aws_iam_role.task.name")
            .expr("policy", "jsonencode(local.efs_policy)"),
        resource("aws_iam_role_policy", "task_exec")
            .expr("count", "var.enable_execute_command ? 1 : 0")
            .string("name", EXEC_POLICY_NAME)
            .expr("role", "aws_iam_role.task.name")
            .expr("policy", "jsonencode(local.exec_policy)"),
        // Created without count by earlier versions: Terraform moves those to index 0.
        resource(role, "codedeploy")
            .expr("count", "var.create_codedeploy_role ? 1 : 0")
            .expr("name", "var.codedeploy_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr(
                "assume_role_policy",
                "jsonencode(local.codedeploy_trust_policy)",
            )
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy_attachment", "codedeploy")
            .expr("count", "var.create_codedeploy_role ? 1 : 0")
            .expr("role", "aws_iam_role.codedeploy[0].name")
            .expr(
                "policy_arn",
                Json::String(managed_policy(p, CODEDEPLOY_ECS_POLICY)).to_string(),
            ),
        resource(role, "infrastructure")
            .expr("count", "var.create_infrastructure_role ? 1 : 0")
            .expr("name", "var.infrastructure_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr(
                "assume_role_policy",
                "jsonencode(local.infrastructure_trust_policy)",
            )
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy_attachment", "infrastructure")
            .expr("count", "var.create_infrastructure_role ? 1 : 0")
            .expr("role", "aws_iam_role.infrastructure[0].name")
            .expr(
                "policy_arn",
                Json::String(managed_policy(p, ECS_LOAD_BALANCERS_POLICY)).to_string(),
            ),
        resource("aws_iam_role_policy", "infrastructure_hooks")
            .expr(
                "count",
                "var.create_infrastructure_role && var.invokes_lifecycle_hooks ? 1 : 0",
            )
            .string("name", HOOKS_POLICY_NAME)
            .expr("role", "aws_iam_role.infrastructure[0].name")
            .expr("policy", "jsonencode(local.hooks_policy)"),
    ];
    m.outputs = vec![
        Output::new(
            "execution_role_arn",
            "aws_iam_role.execution.arn",
            "ARN of the task execution role.",
        ),
        Output::new(
            "task_role_arn",
            "aws_iam_role.task.arn",
            "ARN of the task role.",
        ),
        Output::new(
            "codedeploy_role_arn",
            "one(aws_iam_role.codedeploy[*].arn)",
            "ARN of the CodeDeploy service role; null without it.",
        ),
        Output::new(
            "infrastructure_role_arn",
            "one(aws_iam_role.infrastructure[*].arn)",
            "ARN of the infrastructure role; null without it.",
        ),
    ];
    m
}

/// ECS may invoke exactly the lifecycle hooks' functions — `expand`'s hooks policy.
const HOOKS_POLICY: &str = r#"{
  Version = "2012-10-17"
  Statement = [{ Sid = "InvokeLifecycleHooks", Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = sort(distinct(var.lifecycle_hook_arns)) }]
}"#;

/// Read access to exactly the referenced secrets and parameters, and KMS decryption only
/// through those two services — `expand`'s secrets policy.
const SECRETS_POLICY: &str = r#"{
  Version = "2012-10-17"
  Statement = [for s in [
    { include = length(var.secret_arns) > 0, statement = { Sid = "ReadReferencedSecrets", Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = var.secret_arns } },
    { include = length(var.parameter_arns) > 0, statement = { Sid = "ReadReferencedParameters", Effect = "Allow", Action = ["ssm:GetParameters"], Resource = var.parameter_arns } },
    { include = true, statement = { Sid = "DecryptThroughSecretStores", Effect = "Allow", Action = ["kms:Decrypt"], Resource = "arn:${var.partition}:kms:${var.region}:${var.account_id}:key/*", Condition = { StringEquals = { "kms:ViaService" = compact([length(var.secret_arns) > 0 ? "secretsmanager.${var.region}.amazonaws.com" : "", length(var.parameter_arns) > 0 ? "ssm.${var.region}.amazonaws.com" : ""]) } } } },
  ] : s.statement if s.include]
}"#;

fn target_group_pair() -> Module {
    let mut host_headers = var(
        "host_headers",
        "list(string)",
        "Host headers the listener rules match; empty for any host.",
    )
    .with_default("[]");
    host_headers.non_nullable = true;
    let mut m = submodule(
        "target-group-pair",
        vec![
            var("blue_name", "string", "Name of the blue target group."),
            var("green_name", "string", "Name of the green target group."),
            var("port", "number", "Container port the groups route to."),
            var("vpc_id", "string", "VPC of the load balancer."),
            var(
                "health_check",
                "object({ path = string, matcher = string, interval = number, timeout = number, healthy_threshold = number, unhealthy_threshold = number })",
                "Target group health check.",
            ),
            var(
                "deregistration_delay",
                "number",
                "Seconds a deregistering target keeps its connections.",
            ),
            var(
                "production_listener_arn",
                "string",
                "Listener serving production traffic.",
            ),
            var(
                "test_listener_arn",
                "string",
                "Listener that serves the new tasks to testers before production traffic moves; null without the pair.",
            )
            .with_default("null"),
            var(
                "pair",
                "bool",
                "Whether traffic moves between a blue and a green group: the green group and the test listener's rule exist (all strategies but rolling).",
            )
            .with_default("true"),
            var(
                "weighted",
                "bool",
                "Whether the rules forward to both groups, blue at weight 1 and green at 0, as ECS-native blue/green needs.",
            )
            .with_default("false"),
            var(
                "rule_priority",
                "number",
                "Priority of the rules on both listeners.",
            ),
            var(
                "path_patterns",
                "list(string)",
                "Path patterns the listener rules match.",
            ),
            host_headers,
            tags_variable(),
        ],
    );
    let tg = ChildKey::BlueTargetGroup.kind();
    let group = |name: &str, count: Option<&str>, var_name: &str| {
        let mut group = resource(tg, name);
        if let Some(count) = count {
            group = group.expr("count", count);
        }
        group
            .expr("name", var_name)
            .expr("port", "var.port")
            .string("protocol", "HTTP")
            .string("target_type", "ip")
            .expr("vpc_id", "var.vpc_id")
            .expr("deregistration_delay", "var.deregistration_delay")
            .expr("tags", "var.tags")
            .block(
                Node::new("health_check", &[])
                    .expr("enabled", "true")
                    .string("protocol", "HTTP")
                    .expr("path", "var.health_check.path")
                    .expr("matcher", "var.health_check.matcher")
                    .expr("interval", "var.health_check.interval")
                    .expr("timeout", "var.health_check.timeout")
                    .expr("healthy_threshold", "var.health_check.healthy_threshold")
                    .expr(
                        "unhealthy_threshold",
                        "var.health_check.unhealthy_threshold",
                    ),
            )
    };
    // The rules are created forwarding to blue (under ECS-native blue/green, to both groups,
    // green at weight 0); CodeDeploy or ECS then rewrites the action at every deployment, so
    // it is ignored. `ignore_changes` cannot depend on the strategy: a rolling service's rule,
    // which nobody rewrites, ignores it too. Both groups outlive the rules, whichever is live.
    let rule =
        |name: &str, count: Option<&str>, listener: &str, lifecycle: Node| {
            let mut rule = resource(ChildKey::ProductionListenerRule.kind(), name);
            if let Some(count) = count {
                rule = rule.expr("count", count);
            }
            rule.expr("listener_arn", listener)
                .expr("priority", "var.rule_priority")
                .expr("tags", "var.tags")
                .block(
                    Node::new("action", &[])
                        .string("type", "forward")
                        .expr(
                            "target_group_arn",
                            "var.weighted ? null : aws_lb_target_group.blue.arn",
                        )
                        .block(
                            Node::new("dynamic", &["forward"])
                                .expr(
                                    "for_each",
                                    "var.weighted ? aws_lb_target_group.green[*].arn : []",
                                )
                                .block(
                                    Node::new("content", &[])
                                        .block(
                                            Node::new("target_group", &[])
                                                .expr("arn", "aws_lb_target_group.blue.arn")
                                                .expr("weight", "1"),
                                        )
                                        .block(
                                            Node::new("target_group", &[])
                                                .expr("arn", "forward.value")
                                                .expr("weight", "0"),
                                        ),
                                ),
                        ),
                )
                .block(
                    Node::new("dynamic", &["condition"])
                        .expr(
                            "for_each",
                            "length(var.path_patterns) > 0 ? [var.path_patterns] : []",
                        )
                        .block(Node::new("content", &[]).block(
                            Node::new("path_pattern", &[]).expr("values", "condition.value"),
                        )),
                )
                .block(
                    Node::new("dynamic", &["condition"])
                        .expr(
                            "for_each",
                            "length(var.host_headers) > 0 ? [var.host_headers] : []",
                        )
                        .block(Node::new("content", &[]).block(
                            Node::new("host_header", &[]).expr("values", "condition.value"),
                        )),
                )
                .expr("depends_on", "[aws_lb_target_group.green]")
                .block(lifecycle)
        };
    let ignore_action = || Node::new("lifecycle", &[]).expr("ignore_changes", "[action]");
    m.blocks = vec![
        group("blue", None, "var.blue_name"),
        // Created without count by earlier versions: Terraform moves those to index 0.
        group("green", Some("var.pair ? 1 : 0"), "var.green_name"),
        rule(
            "production",
            None,
            "var.production_listener_arn",
            ignore_action().block(
                Node::new("precondition", &[])
                    .expr("condition", "var.pair == (var.test_listener_arn != null)")
                    .string(
                        "error_message",
                        "load_balancer.test_listener_arn is required by every deployment_strategy but rolling, which takes none (check strategy).",
                    ),
            ),
        ),
        rule(
            "test",
            Some("var.pair ? 1 : 0"),
            "var.test_listener_arn",
            ignore_action(),
        ),
    ];
    m.outputs = vec![
        Output::new(
            "blue_arn",
            "aws_lb_target_group.blue.arn",
            "ARN of the blue target group.",
        ),
        Output::new(
            "green_arn",
            "one(aws_lb_target_group.green[*].arn)",
            "ARN of the green target group; null without the pair.",
        ),
        Output::new(
            "blue_name",
            "aws_lb_target_group.blue.name",
            "Name of the blue target group.",
        ),
        Output::new(
            "green_name",
            "one(aws_lb_target_group.green[*].name)",
            "Name of the green target group; null without the pair.",
        ),
        Output::new(
            "blue_arn_suffix",
            "aws_lb_target_group.blue.arn_suffix",
            "`targetgroup/<name>/<id>` of the blue group, for ALBRequestCountPerTarget.",
        ),
        Output::new(
            "green_arn_suffix",
            "one(aws_lb_target_group.green[*].arn_suffix)",
            "`targetgroup/<name>/<id>` of the green group, for its alarms; null without the pair.",
        ),
        Output::new(
            "production_rule_arn",
            "aws_lb_listener_rule.production.arn",
            "ARN of the rule on the production listener.",
        ),
        Output::new(
            "test_rule_arn",
            "one(aws_lb_listener_rule.test[*].arn)",
            "ARN of the rule on the test listener; null without the pair.",
        ),
    ];
    m
}

fn cloud_map_service() -> Module {
    let mut m = submodule(
        "cloud-map-service",
        vec![
            var("name", "string", "Name of the Cloud Map service."),
            var("namespace_id", "string", "Private DNS namespace."),
            var("dns_ttl", "number", "TTL of the DNS records."),
            var(
                "record_type",
                "string",
                &format!("{}.", one_of_code(DNS_RECORD_TYPES)),
            ),
            var("routing_policy", "string", "`MULTIVALUE` or `WEIGHTED`."),
            tags_variable(),
        ],
    );
    let mut service = resource(ChildKey::DiscoveryService.kind(), "this")
        .expr("name", "var.name")
        .expr("tags", "var.tags")
        .block(
            Node::new("dns_config", &[])
                .expr("namespace_id", "var.namespace_id")
                .expr("routing_policy", "var.routing_policy")
                .block(
                    Node::new("dns_records", &[])
                        .expr("ttl", "var.dns_ttl")
                        .expr("type", "var.record_type"),
                ),
        );
    if DISCOVERY_CUSTOM_HEALTH_CHECK {
        // hashicorp/aws sends no custom health check for an empty block.
        service = service.block(Node::new("health_check_custom_config", &[]).expr(
            "failure_threshold",
            CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD.to_string(),
        ));
    }
    m.blocks = vec![service];
    m.outputs = vec![
        Output::new(
            "arn",
            "aws_service_discovery_service.this.arn",
            "ARN of the Cloud Map service.",
        ),
        Output::new(
            "id",
            "aws_service_discovery_service.this.id",
            "ID of the Cloud Map service.",
        ),
    ];
    m
}

fn ecs_service() -> Module {
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

fn codedeploy() -> Module {
    let mut m = submodule(
        "codedeploy-blue-green",
        vec![
            var(
                "application_name",
                "string",
                "Name of the CodeDeploy application.",
            ),
            var(
                "deployment_group_name",
                "string",
                "Name of the deployment group.",
            ),
            var(
                "service_role_arn",
                "string",
                "Role CodeDeploy deploys with.",
            ),
            var(
                "deployment_config",
                "string",
                "How traffic shifts, e.g. `CodeDeployDefault.ECSAllAtOnce`.",
            ),
            var(
                "termination_wait_minutes",
                "number",
                "Minutes the old tasks stay after the shift (rollback window).",
            ),
            var(
                "auto_rollback_events",
                "list(string)",
                "Events that roll a deployment back.",
            ),
            var("production_listener_arn", "string", "Production listener."),
            var("test_listener_arn", "string", "Test listener."),
            var("blue_target_group_name", "string", "Blue target group."),
            var("green_target_group_name", "string", "Green target group."),
            var("cluster_name", "string", "Cluster of the ECS service."),
            var("service_name", "string", "The ECS service."),
            var(
                "alarm_names",
                "list(string)",
                "Alarms that stop a deployment (at most 10).",
            )
            .with_default("[]"),
            var(
                "test_traffic_wait_minutes",
                "number",
                "Minutes on the test listener before production traffic moves.",
            )
            .with_default("0"),
            var(
                "ready_action",
                "string",
                "CONTINUE_DEPLOYMENT after the wait, or STOP_DEPLOYMENT unless approved within it.",
            )
            .with_default("\"CONTINUE_DEPLOYMENT\""),
            tags_variable(),
        ],
    );
    m.blocks = vec![
        resource(ChildKey::CodeDeployApplication.kind(), "this")
            .string("compute_platform", "ECS")
            .expr("name", "var.application_name")
            .expr("tags", "var.tags"),
        resource(ChildKey::DeploymentGroup.kind(), "this")
            .expr("app_name", "aws_codedeploy_app.this.name")
            .expr("deployment_group_name", "var.deployment_group_name")
            .expr("service_role_arn", "var.service_role_arn")
            .expr("deployment_config_name", "var.deployment_config")
            .expr("tags", "var.tags")
            // hashicorp/aws does not read back a disabled configuration without events, so
            // the block exists only when there are events.
            .block(
                Node::new("dynamic", &["auto_rollback_configuration"])
                    .expr(
                        "for_each",
                        "length(var.auto_rollback_events) > 0 ? [var.auto_rollback_events] : []",
                    )
                    .block(
                        Node::new("content", &[])
                            .expr("enabled", "true")
                            .expr("events", "auto_rollback_configuration.value"),
                    ),
            )
            .block(
                Node::new("dynamic", &["alarm_configuration"])
                    .expr(
                        "for_each",
                        "length(var.alarm_names) > 0 ? [var.alarm_names] : []",
                    )
                    .block(
                        Node::new("content", &[])
                            .expr("enabled", "true")
                            .expr("alarms", "alarm_configuration.value"),
                    ),
            )
            .block(
                Node::new("blue_green_deployment_config", &[])
                    .block(
                        Node::new("deployment_ready_option", &[])
                            .expr("action_on_timeout", "var.ready_action")
                            .expr("wait_time_in_minutes", "var.test_traffic_wait_minutes"),
                    )
                    .block(
                        Node::new("terminate_blue_instances_on_deployment_success", &[])
                            .string("action", "TERMINATE")
                            .expr(
                                "termination_wait_time_in_minutes",
                                "var.termination_wait_minutes",
                            ),
                    ),
            )
            .block(
                Node::new("deployment_style", &[])
                    .string("deployment_option", "WITH_TRAFFIC_CONTROL")
                    .string("deployment_type", "BLUE_GREEN"),
            )
            .block(
                Node::new("ecs_service", &[])
                    .expr("cluster_name", "var.cluster_name")
                    .expr("service_name", "var.service_name"),
            )
            .block(
                Node::new("load_balancer_info", &[]).block(
                    Node::new("target_group_pair_info", &[])
                        .block(
                            Node::new("prod_traffic_route", &[])
                                .expr("listener_arns", "[var.production_listener_arn]"),
                        )
                        .block(
                            Node::new("test_traffic_route", &[])
                                .expr("listener_arns", "[var.test_listener_arn]"),
                        )
                        .block(
                            Node::new("target_group", &[])
                                .expr("name", "var.blue_target_group_name"),
                        )
                        .block(
                            Node::new("target_group", &[])
                                .expr("name", "var.green_target_group_name"),
                        ),
                ),
            ),
    ];
    m.outputs = vec![
        Output::new(
            "application_name",
            "aws_codedeploy_app.this.name",
            "Name of the CodeDeploy application.",
        ),
        Output::new(
            "deployment_group_name",
            "aws_codedeploy_deployment_group.this.deployment_group_name",
            "Name of the deployment group.",
        ),
    ];
    m
}

fn autoscaling() -> Module {
    let mut variables = vec![
        var("resource_id", "string", "`service/<cluster>/<service>`."),
        var("min_capacity", "number", "Fewest tasks."),
        var("max_capacity", "number", "Most tasks."),
        var(
            "desired_count",
            "number",
            "The service's desired count, checked against the bounds.",
        ),
    ];
    for m in METRICS {
        variables.push(var(
            &format!("{}_policy_name", metric_name(m)),
            "string",
            &format!("Name of the {} policy.", m.predefined_metric()),
        ));
    }
    variables.extend([
        var(
            "requests_per_target",
            "number",
            "ALB requests per target to hold; null for no request policy.",
        )
        .with_default("null"),
        var(
            "cpu_target",
            "number",
            "Average CPU % to hold; null for no CPU policy.",
        )
        .with_default("null"),
        var(
            "memory_target",
            "number",
            "Average memory % to hold; null for no memory policy.",
        )
        .with_default("null"),
        var(
            "scale_in_cooldown",
            "number",
            "Seconds between scale-in steps.",
        ),
        var(
            "scale_out_cooldown",
            "number",
            "Seconds between scale-out steps.",
        ),
        var(
            "load_balanced",
            "bool",
            "Whether the service sits behind a load balancer (known at plan time); without one a request policy stops the plan (check `load-balancer`).",
        )
        .with_default("true"),
        var(
            "resource_label",
            "string",
            "`app/<lb>/<id>/targetgroup/<tg>/<id>` the request policy measures; null without a load balancer.",
        )
        .with_default("null"),
        tags_variable(),
    ]);
    let mut module = submodule("autoscaling", variables);
    let mut blocks = vec![
        resource(ChildKey::ScalableTarget.kind(), "this")
            .string("service_namespace", "ecs")
            .string("scalable_dimension", "ecs:service:DesiredCount")
            .expr("resource_id", "var.resource_id")
            .expr("min_capacity", "var.min_capacity")
            .expr("max_capacity", "var.max_capacity")
            .expr("tags", "var.tags")
            .block(
                Node::new("lifecycle", &[]).block(
                    Node::new("precondition", &[])
                        .expr(
                            "condition",
                            "var.min_capacity <= var.desired_count && var.desired_count <= var.max_capacity",
                        )
                        .string(
                            "error_message",
                            "autoscaling.min <= desired_count <= autoscaling.max: Application Auto Scaling would otherwise clamp the count silently (check scaling-bounds).",
                        ),
                ),
            ),
    ];
    for m in METRICS {
        let name = metric_name(m);
        let target = match m {
            ScalingMetric::Requests => "var.requests_per_target",
            ScalingMetric::Cpu => "var.cpu_target",
            ScalingMetric::Memory => "var.memory_target",
        };
        let mut metric = Node::new("predefined_metric_specification", &[])
            .string("predefined_metric_type", m.predefined_metric());
        if m == ScalingMetric::Requests {
            metric = metric.expr("resource_label", "var.resource_label");
        }
        let mut policy = resource(ChildKey::ScalingPolicy(m).kind(), name)
            .expr("count", format!("{target} == null ? 0 : 1"))
            .expr("name", format!("var.{name}_policy_name"))
            .string("policy_type", "TargetTrackingScaling")
            .expr(
                "service_namespace",
                "aws_appautoscaling_target.this.service_namespace",
            )
            .expr(
                "scalable_dimension",
                "aws_appautoscaling_target.this.scalable_dimension",
            )
            .expr("resource_id", "aws_appautoscaling_target.this.resource_id")
            .block(
                Node::new("target_tracking_scaling_policy_configuration", &[])
                    .expr("target_value", target)
                    .expr("scale_in_cooldown", "var.scale_in_cooldown")
                    .expr("scale_out_cooldown", "var.scale_out_cooldown")
                    .block(metric),
            );
        if m == ScalingMetric::Requests {
            policy = policy.block(Node::new("lifecycle", &[]).block(
                Node::new("precondition", &[])
                    .expr("condition", "var.load_balanced")
                    .string(
                        "error_message",
                        "autoscaling.requests_per_target tracks the load balancer's requests per target, and this service has no load_balancer: scale on cpu_target or memory_target (check load-balancer).",
                    ),
            ));
        }
        blocks.push(policy);
    }
    module.blocks = blocks;
    module.outputs = vec![Output::new(
        "policy_arns",
        "{ for p in concat(aws_appautoscaling_policy.requests, aws_appautoscaling_policy.cpu, aws_appautoscaling_policy.memory) : p.name => p.arn }",
        "ARNs of the scaling policies by name.",
    )];
    module
}

fn alarms() -> Module {
    let mut module = submodule(
        "alarms",
        vec![
            var(
                "names",
                "map(string)",
                "Alarm names by key (`5xx-blue`, `p99-green`, …).",
            ),
            var(
                "service_name",
                "string",
                "The ECS service, for the descriptions.",
            ),
            var(
                "target_5xx_count",
                "number",
                "HTTP 5xx answers per period that fire the 5xx alarms; 0 for none.",
            ),
            var(
                "target_5xx_rate_percent",
                "number",
                "Percent of requests answered with HTTP 5xx that fires the 5xx rate alarms; 0 for none.",
            ),
            var(
                "response_time_p99_ms",
                "number",
                "p99 response time (ms) that fires the latency alarms; 0 for none.",
            ),
            var(
                "unhealthy_hosts",
                "number",
                "Unhealthy targets that fire the health alarms; 0 for none.",
            ),
            var("period", "number", "Seconds per evaluation period."),
            var(
                "evaluation_periods",
                "number",
                "Breaching periods before an alarm fires.",
            ),
            var(
                "load_balanced",
                "bool",
                "Whether the service has target groups to watch (known at plan time); without them an alarm with a threshold stops the plan (check `load-balancer`).",
            )
            .with_default("true"),
            var(
                "load_balancer",
                "string",
                "`app/<name>/<id>` of the load balancer; null without one.",
            )
            .with_default("null"),
            var(
                "blue_target_group_name",
                "string",
                "Blue target group; null without a load balancer.",
            )
            .with_default("null"),
            var(
                "green_target_group_name",
                "string",
                "Green target group; null without the pair.",
            )
            .with_default("null"),
            var(
                "blue_target_group",
                "string",
                "`targetgroup/<name>/<id>` of the blue group; null without a load balancer.",
            )
            .with_default("null"),
            var(
                "green_target_group",
                "string",
                "`targetgroup/<name>/<id>` of the green group; null without the pair.",
            )
            .with_default("null"),
            var(
                "pair",
                "bool",
                "Whether the service has a green target group (all strategies but rolling), so its alarms exist too.",
            )
            .with_default("true"),
            tags_variable(),
        ],
    );
    let mut blocks = Vec::new();
    let mut resources = Vec::new();
    for m in AlarmMetric::ALL {
        let threshold_var = m.attribute();
        let (metric_name, statistic, comparison) = (m.metric_name(), m.statistic(), m.comparison());
        let (threshold, what) = match m {
            AlarmMetric::Target5xx => (
                "var.target_5xx_count",
                "more than ${var.target_5xx_count} HTTP 5xx answers",
            ),
            AlarmMetric::Target5xxRate => (
                "var.target_5xx_rate_percent",
                "more than ${var.target_5xx_rate_percent} % of the requests answered with HTTP 5xx",
            ),
            AlarmMetric::ResponseTime => (
                "var.response_time_p99_ms / 1000",
                "a p99 response time over ${var.response_time_p99_ms} ms",
            ),
            AlarmMetric::UnhealthyHosts => (
                "var.unhealthy_hosts",
                "${var.unhealthy_hosts} or more unhealthy targets",
            ),
        };
        for t in AlarmTarget::ALL {
            let colour = match t {
                AlarmTarget::Blue => "blue",
                AlarmTarget::Green => "green",
            };
            let name = alarm_resource(m, t);
            resources.push(format!("aws_cloudwatch_metric_alarm.{name}"));
            // A rolling service has one target group: alarms on blue only.
            let count = match t {
                AlarmTarget::Blue => format!("var.{threshold_var} > 0 ? 1 : 0"),
                AlarmTarget::Green => format!("var.{threshold_var} > 0 && var.pair ? 1 : 0"),
            };
            let mut alarm = resource(ChildKey::Alarm(m, t).kind(), name)
                .expr("count", count)
                .expr("alarm_name", format!("var.names[\"{}\"]", alarm_key(m, t)))
                .expr(
                    "alarm_description",
                    format!(
                        "\"${{var.service_name}}: {what} on target group ${{var.{colour}_target_group_name}} in ${{var.evaluation_periods}} of ${{var.evaluation_periods}} periods of ${{var.period}} s; stops a roll-out of the service.\""
                    ),
                )
                .expr("threshold", threshold)
                .string("comparison_operator", comparison)
                .expr("evaluation_periods", "var.evaluation_periods")
                .string("treat_missing_data", "notBreaching");
            let dimensions = format!(
                "{{ TargetGroup = var.{colour}_target_group, LoadBalancer = var.load_balancer }}"
            );
            alarm = match m.expression() {
                // A rate: metric math over the two sums, which carry the period themselves.
                Some(expression) => {
                    let metric = |id: &str, name: &str| {
                        Node::new("metric_query", &[])
                            .string("id", id)
                            .expr("return_data", "false")
                            .block(
                                Node::new("metric", &[])
                                    .string("namespace", "AWS/ApplicationELB")
                                    .string("metric_name", name)
                                    .string("stat", statistic)
                                    .expr("period", "var.period")
                                    .expr("dimensions", dimensions.clone()),
                            )
                    };
                    alarm
                        .block(metric("errors", metric_name))
                        .block(metric("requests", "RequestCount"))
                        .block(
                            Node::new("metric_query", &[])
                                .string("id", "rate")
                                .string("expression", expression)
                                .string("label", "HTTP 5xx (% of requests)")
                                .expr("return_data", "true"),
                        )
                }
                None => {
                    alarm = alarm
                        .string("namespace", "AWS/ApplicationELB")
                        .string("metric_name", metric_name)
                        .expr("period", "var.period")
                        .expr("dimensions", dimensions);
                    if statistic.starts_with('p') {
                        alarm.string("extended_statistic", statistic)
                    } else {
                        alarm.string("statistic", statistic)
                    }
                }
            };
            blocks.push(
                alarm
                    .expr("tags", "var.tags")
                    // Checked before the alarm's settings, which name the target group.
                    .block(Node::new("lifecycle", &[]).block(
                        Node::new("precondition", &[])
                            .expr("condition", "var.load_balanced")
                            .string(
                                "error_message",
                                format!(
                                    "alarms.{threshold_var} watches the service's target group, and a service without load_balancer has none: leave it unset (alarms.names still stop and roll back a deployment) (check load-balancer)."
                                ),
                            ),
                    )),
            );
        }
    }
    module.blocks = blocks;
    module.outputs = vec![Output::new(
        "names",
        &format!("concat({})[*].alarm_name", resources.join(", ")),
        "Names of the alarms, in the order the deployment group lists them.",
    )];
    module
}

#[cfg(test)]
mod tests {
    use super::super::model::Item;
    use super::*;
    use crate::service::names::bounded;

    #[test]
    fn every_child_kind_is_a_resource_of_its_submodule() {
        let modules = modules();
        for key in ChildKey::ALL {
            for (strategy, autoscaled) in DeploymentStrategy::ALL
                .into_iter()
                .flat_map(|s| [(s, false), (s, true)])
            {
                let (module_name, resource_name) = child_address(key, strategy, autoscaled);
                let dir = SUBMODULES
                    .iter()
                    .find(|(_, n, _)| *n == module_name)
                    .map(|(d, _, _)| submodule_dir(d));
                let module = modules.iter().find(|m| Some(&m.dir) == dir.as_ref());
                let block = module.and_then(|m| {
                    m.blocks
                        .iter()
                        .find(|b| b.ident == "resource" && b.labels == [key.kind(), resource_name])
                });
                let Some(block) = block else {
                    panic!(
                        "{key:?} ({strategy:?}) is not {module_name}.{}.{resource_name}",
                        key.kind()
                    );
                };
                let counted = block
                    .items
                    .iter()
                    .any(|i| matches!(i, Item::Expr(k, _) if k == "count"));
                assert_eq!(counted, resource_is_counted(key), "{key:?}: count");
            }
        }
    }

    #[test]
    fn name_expressions_follow_the_rules() {
        // The generated expression's constants are the rule's.
        let rule = NAME_RULES
            .iter()
            .find(|r| r.field == "green_target_group")
            .copied();
        let Some(rule) = rule else {
            panic!("no green_target_group rule");
        };
        let e = name_expression(&rule, "var.name");
        assert!(e.starts_with("length(var.name) + 6 <= 32"), "{e}");
        assert!(e.contains("substr(var.name, 0, 19)"), "{e}");
        let long = "a-very-long-service-name-for-tests";
        assert_eq!(bounded(long, "-green", 32).len(), 32);
    }
}
