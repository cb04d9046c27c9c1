//! The alarms submodule: the CloudWatch alarms on the target groups that stop (and roll back) a
//! deployment, one per `AlarmMetric` and target group.

use crate::service::expand::{AlarmMetric, AlarmTarget, ChildKey, alarm_key};

use crate::hcl::model::{Module, Node, Output};

use super::parts::{resource, submodule, tags_variable, var};

/// An alarm's resource name in the alarms submodule.
pub(super) fn alarm_resource(m: AlarmMetric, t: AlarmTarget) -> &'static str {
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

pub(super) fn alarms() -> Module {
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
