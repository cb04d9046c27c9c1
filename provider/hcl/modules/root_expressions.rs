//! The root module's computed values as HCL expressions — the names, what the strategy decides,
//! the alarm thresholds, the ECS deployment, the AppSpec and the `children` list — each derived
//! from `service/` the way the resource derives it, apart from the root's wiring.

use crate::service::defaults as d;
use crate::service::expand::{
    AlarmMetric, AlarmTarget, ChildKey, DeploymentStrategy, ECS_HOOK_STAGES, ScalingMetric, Shape,
};
use crate::service::names::{ChildNames, HASH_DIGITS, NameRule};
use crate::service::schema::APPSPEC_HOOK_EVENTS;

use crate::hcl::variables::{block_default, string_list, string_literal};

use super::autoscaling::{METRICS, metric_name};

/// The alarm's name as the root module's `local.names` holds it (`NameRule::field`).
pub(super) fn alarm_name_local(m: AlarmMetric, t: AlarmTarget) -> String {
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

/// A name rule as an HCL expression over `name`: the same cut-and-hash as `names::bounded`.
pub(super) fn name_expression(rule: &NameRule, name: &str) -> String {
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
pub(super) fn strategy_is(holds: impl Fn(DeploymentStrategy) -> bool) -> String {
    format!(
        "contains({}, var.deployment_strategy)",
        strategies_where(holds)
    )
}

/// `value` of the root module's `deployment_strategy`: an object from every strategy's name to
/// its value (an HCL expression), indexed by the variable.
pub(super) fn per_strategy(value: impl Fn(DeploymentStrategy) -> String) -> String {
    let entries: Vec<String> = DeploymentStrategy::ALL
        .into_iter()
        .map(|s| format!("{} = {}", s.name(), value(s)))
        .collect();
    format!("{{ {} }}[var.deployment_strategy]", entries.join(", "))
}

/// Each alarm metric's threshold: as set, or the schema's default on a service with a load
/// balancer. A service without one takes only the thresholds set, which its alarms'
/// preconditions then refuse (check `load-balancer`).
pub(super) fn alarm_thresholds_expression() -> String {
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
pub(super) fn appspec_expression() -> String {
    format!(
        "local.uses_codedeploy ? jsonencode(merge({{ version = 0, Resources = [{{ TargetService = {{ Type = \"AWS::ECS::Service\", Properties = merge({{ TaskDefinition = module.task_definition.arn, LoadBalancerInfo = {{ ContainerName = var.container.name, ContainerPort = var.container.port }}, PlatformVersion = var.platform_version, NetworkConfiguration = {{ AwsvpcConfiguration = {{ Subnets = var.network.subnets, SecurityGroups = var.network.security_groups, AssignPublicIp = var.network.assign_public_ip ? \"ENABLED\" : \"DISABLED\" }} }} }}, {{ for k, v in {{ CapacityProviderStrategy = [for c in var.capacity_provider_strategy : {{ CapacityProvider = c.capacity_provider, Base = c.base, Weight = c.weight }}] }} : k => v if length(v) > 0 }}) }} }}] }}, length(coalesce(var.blue_green.hooks, {{}})) > 0 ? {{ Hooks = [for e in {} : {{ (e) = var.blue_green.hooks[e] }} if contains(keys(coalesce(var.blue_green.hooks, {{}})), e)] }} : {{}})) : null",
        string_list(APPSPEC_HOOK_EVENTS)
    )
}

/// An HCL object expression, one attribute a line.
pub(super) fn object_expression(fields: &[(&str, String)]) -> String {
    let lines: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{\n{}\n}}", lines.join("\n"))
}

/// The ECS service's `deployment` input under an ECS-controller strategy: `EcsDeploymentDef`,
/// with the settings each strategy takes from `ecs_deployment`.
pub(super) fn ecs_deployment_expression() -> String {
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

/// The `children` output: the same list, in the same order, as `Shape::children`, for every
/// strategy. Each strategy's children keep one relative order, so the list is their union in
/// that order, each child present when the configuration (and the strategy) has it.
pub(super) fn children_expression() -> String {
    let shape = |strategy, load_balanced| Shape {
        names: ChildNames::for_service("x"),
        log_group: String::new(),
        strategy,
        load_balanced,
        test_listener: true,
        listener_default_actions: false,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::names::{NAME_RULES, bounded};

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
