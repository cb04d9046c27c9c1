//! The target-group-pair submodule: the blue and green target groups and the service's rules on
//! the production and test listeners, which CodeDeploy or ECS rewrite at every deployment.

use crate::service::expand::ChildKey;

use crate::hcl::model::{Module, Node, Output};

use super::parts::{resource, submodule, tags_variable, var};

/// The target groups' and the listener rules' resource names, the children's addresses in this
/// submodule (`child_address`).
pub(super) const BLUE_TARGET_GROUP: &str = "blue";
pub(super) const GREEN_TARGET_GROUP: &str = "green";
pub(super) const PRODUCTION_LISTENER_RULE: &str = "production";
pub(super) const TEST_LISTENER_RULE: &str = "test";

pub(super) fn target_group_pair() -> Module {
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
                "object({ protocol = optional(string), path = string, matcher = string, interval = number, timeout = number, healthy_threshold = number, unhealthy_threshold = number })",
                "Target group health check (HTTP: the root module refuses another protocol).",
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
        group(BLUE_TARGET_GROUP, None, "var.blue_name"),
        // Created without count by earlier versions: Terraform moves those to index 0.
        group(GREEN_TARGET_GROUP, Some("var.pair ? 1 : 0"), "var.green_name"),
        rule(
            PRODUCTION_LISTENER_RULE,
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
            TEST_LISTENER_RULE,
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
