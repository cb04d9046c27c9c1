//! The codedeploy-blue-green submodule: the CodeDeploy application and the blue/green deployment
//! group of a `codedeploy` service.

use crate::service::expand::ChildKey;

use crate::hcl::model::{Module, Node, Output};

use super::parts::{resource, submodule, tags_variable, var};

/// The application's and the deployment group's resource names, the children's addresses in
/// this submodule (`child_address`).
pub(super) const APPLICATION: &str = "this";
pub(super) const DEPLOYMENT_GROUP: &str = "this";

pub(super) fn codedeploy() -> Module {
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
        resource(ChildKey::CodeDeployApplication.kind(), APPLICATION)
            .string("compute_platform", "ECS")
            .expr("name", "var.application_name")
            .expr("tags", "var.tags"),
        resource(ChildKey::DeploymentGroup.kind(), DEPLOYMENT_GROUP)
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
