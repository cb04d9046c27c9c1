//! The autoscaling submodule: the scalable target and one target-tracking policy per
//! `ScalingMetric`.

use crate::service::expand::{ChildKey, ScalingMetric};

use crate::hcl::model::{Module, Node, Output};

use super::parts::{resource, submodule, tags_variable, var};

/// The scalable target's resource name, the child's address in this submodule
/// (`child_address`); each scaling policy's is its `metric_name`.
pub(super) const SCALABLE_TARGET: &str = "this";

/// A scaling policy's resource name here, and its field in the root's `local.names`
/// (`<metric>_policy`).
pub(super) fn metric_name(m: ScalingMetric) -> &'static str {
    match m {
        ScalingMetric::Requests => "requests",
        ScalingMetric::Cpu => "cpu",
        ScalingMetric::Memory => "memory",
    }
}

pub(super) const METRICS: [ScalingMetric; 3] = [
    ScalingMetric::Requests,
    ScalingMetric::Cpu,
    ScalingMetric::Memory,
];

pub(super) fn autoscaling() -> Module {
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
        resource(ChildKey::ScalableTarget.kind(), SCALABLE_TARGET)
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
