//! A whole state built for a service found in AWS (import): everything a configuration can
//! say, read back from what the service's children report.

use std::collections::BTreeMap;

use crate::aws::lifecycle::Observed;
use crate::service::defaults as d;
use crate::service::expand::{
    AlarmMetric, AlarmTarget, DRAIN_TIMEOUT_TAG, DeploymentStrategy, OWNER_TAG, ScalingMetric,
};
use crate::service::expand::{ContainerDef, TaskDefinitionDef};
use crate::service::names::{ChildNames, derived_rule_priority};
use crate::value::Value;

use super::observed_state::{high_resolution_of, number, policy_target, string_map, strings};
use super::observed_task::{app_fields, app_log_driver, sidecars_value, volumes_value};

/// Where an imported service's traffic comes from: its strategy and the production and test
/// listeners (a rolling service has no test listener).
pub struct ImportedRouting {
    pub strategy: DeploymentStrategy,
    /// `None` for a rolling service without a load balancer.
    pub production_listener: Option<String>,
    pub test_listener: Option<String>,
}

/// The `ecs_deployment` block as AWS reports it; settings the strategy does not use (and a
/// CodeDeploy service's whole block) take their defaults, as a plan fills them.
fn ecs_deployment_value(strategy: DeploymentStrategy, o: &Observed) -> Value {
    let seen = o.service.as_ref().and_then(|s| s.deployment.as_ref());
    let rolling = strategy == DeploymentStrategy::Rolling;
    let pause = seen.and_then(|d| d.pause.as_ref());
    let hooks: BTreeMap<String, String> = seen
        .map(|d| d.hooks.iter().cloned().collect())
        .unwrap_or_default();
    Value::object([
        (
            "bake_time_minutes",
            Value::int(
                seen.and_then(|d| d.bake_time_minutes)
                    .unwrap_or(d::BAKE_TIME_MINUTES),
            ),
        ),
        (
            "linear_step_percent",
            number(
                seen.and_then(|d| d.linear)
                    .map_or(d::LINEAR_STEP_PERCENT, |l| l.0),
            ),
        ),
        (
            "linear_step_minutes",
            Value::int(
                seen.and_then(|d| d.linear)
                    .map_or(d::LINEAR_STEP_MINUTES, |l| l.1),
            ),
        ),
        (
            "canary_percent",
            number(
                seen.and_then(|d| d.canary)
                    .map_or(d::CANARY_PERCENT, |c| c.0),
            ),
        ),
        (
            "canary_minutes",
            Value::int(
                seen.and_then(|d| d.canary)
                    .map_or(d::CANARY_MINUTES, |c| c.1),
            ),
        ),
        (
            "minimum_healthy_percent",
            Value::int(
                seen.filter(|_| rolling)
                    .map_or(d::MINIMUM_HEALTHY_PERCENT, |d| d.minimum_healthy_percent),
            ),
        ),
        (
            "maximum_percent",
            Value::int(
                seen.filter(|_| rolling)
                    .map_or(d::MAXIMUM_PERCENT, |d| d.maximum_percent),
            ),
        ),
        (
            "circuit_breaker",
            Value::Bool(
                seen.filter(|_| rolling)
                    .map_or(d::CIRCUIT_BREAKER, |d| d.circuit_breaker),
            ),
        ),
        (
            "circuit_breaker_threshold_type",
            Value::string(
                seen.filter(|_| rolling)
                    .map_or(d::CIRCUIT_BREAKER_THRESHOLD_TYPE, |d| {
                        d.circuit_breaker_threshold.kind.as_str()
                    }),
            ),
        ),
        (
            "circuit_breaker_threshold",
            Value::int(
                seen.filter(|_| rolling)
                    .map_or(d::CIRCUIT_BREAKER_THRESHOLD, |d| {
                        d.circuit_breaker_threshold.value
                    }),
            ),
        ),
        (
            "circuit_breaker_reset_on_healthy_task",
            Value::Bool(
                seen.filter(|_| rolling)
                    .map_or(d::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK, |d| {
                        d.circuit_breaker_threshold.reset_on_healthy_task
                    }),
            ),
        ),
        (
            "hooks",
            if hooks.is_empty() {
                Value::Null
            } else {
                string_map(&hooks)
            },
        ),
        (
            "pause_at",
            strings(pause.map_or(&[][..], |p| p.stages.as_slice())),
        ),
        (
            "pause_timeout_minutes",
            Value::int(pause.map_or(d::PAUSE_TIMEOUT_MINUTES, |p| p.timeout_minutes)),
        ),
        (
            "pause_timeout_action",
            Value::string(pause.map_or(d::PAUSE_TIMEOUT_ACTION, |p| p.timeout_action.as_str())),
        ),
    ])
}

/// The `container` block of an imported service. The log group is the one the containers
/// that log through awslogs write to (the application's, or its sidecars' when the
/// application logs through FireLens).
fn imported_container(
    td: &TaskDefinitionDef,
    ct: &ContainerDef,
    o: &Observed,
    drain: Value,
) -> Value {
    let awslogs = td
        .containers
        .iter()
        .find(|c| c.log_driver == "awslogs")
        .map(|c| &c.log_options);
    let option = |key: &str| awslogs.and_then(|opts| opts.get(key)).cloned();
    let (driver, options) = app_log_driver(ct, &Value::Null);
    let mode = option("mode").unwrap_or_else(|| {
        // awslogs without a mode is AWS's blocking; no awslogs at all leaves the default.
        if awslogs.is_some() {
            "blocking".into()
        } else {
            d::LOG_MODE.to_owned()
        }
    });
    let log = Value::object([
        (
            "group",
            option("awslogs-group").map_or(Value::Null, Value::string),
        ),
        (
            "retention_days",
            o.log_retention
                .flatten()
                .map(Value::int)
                .unwrap_or(Value::int(d::LOG_RETENTION_DAYS)),
        ),
        ("mode", Value::string(mode)),
        (
            "max_buffer_size",
            Value::string(
                option("max-buffer-size").unwrap_or_else(|| d::LOG_MAX_BUFFER_SIZE.to_owned()),
            ),
        ),
        (
            "stream_prefix",
            Value::string(
                option("awslogs-stream-prefix").unwrap_or_else(|| d::LOG_STREAM_PREFIX.to_owned()),
            ),
        ),
        (
            "multiline_pattern",
            option("awslogs-multiline-pattern").map_or(Value::Null, Value::string),
        ),
        (
            "datetime_format",
            option("awslogs-datetime-format").map_or(Value::Null, Value::string),
        ),
        ("driver", driver),
        ("options", options),
    ]);
    let mut fields: BTreeMap<String, Value> = app_fields(ct, &Value::Null)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    fields.insert("name".into(), Value::string(ct.name.clone()));
    fields.insert(
        "port".into(),
        ct.port_mappings
            .first()
            .map_or(Value::Null, |(p, _)| Value::int(*p)),
    );
    fields.insert(
        "stop_timeout".into(),
        Value::int(ct.stop_timeout.unwrap_or(d::STOP_TIMEOUT)),
    );
    fields.insert("drain_timeout".into(), drain);
    fields.insert("log".into(), log);
    Value::Object(fields)
}

/// A complete state for a service found in AWS: everything a configuration can say, read back,
/// with provider-only settings at their defaults (or, for drain_timeout, from its service tag).
pub fn imported_state(
    cluster: &str,
    name: &str,
    o: &Observed,
    default_tags: &BTreeMap<String, String>,
    routing: &ImportedRouting,
) -> Value {
    let names = ChildNames::for_service(name);
    let mut root: BTreeMap<String, Value> = BTreeMap::new();
    let mut put = |k: &str, v: Value| {
        root.insert(k.to_owned(), v);
    };
    put("name", Value::string(name));
    put("cluster", Value::string(cluster));
    put("wait_for_deployment", Value::Bool(d::WAIT_FOR_DEPLOYMENT));
    put(
        "deployment_strategy",
        Value::string(routing.strategy.name()),
    );
    put("ecs_deployment", ecs_deployment_value(routing.strategy, o));
    put("require_immutable_image", Value::Bool(false));
    // Who deploys the images is not in AWS: the default, as a plan fills it in.
    put(
        "image_owner",
        Value::string(crate::service::image_owner::TERRAFORM),
    );
    if let Some(doc) = &o.task_role_policy {
        put("task_role_policy_json", Value::string(doc.to_string()));
    }
    if let Some(arns) = o
        .task_role_managed_policies
        .as_ref()
        .filter(|a| !a.is_empty())
    {
        put("task_role_managed_policy_arns", strings(arns));
    }
    put(
        "enable_execute_command",
        Value::Bool(o.service.as_ref().is_some_and(|s| s.enable_execute_command)),
    );
    let mut drain = Value::Null;
    if let Some(s) = &o.service {
        put("desired_count", Value::int(s.desired_count));
        put(
            "platform_version",
            Value::string(
                s.platform_version
                    .clone()
                    .unwrap_or_else(|| d::PLATFORM_VERSION.to_owned()),
            ),
        );
        let user_tags: BTreeMap<String, String> = s
            .tags
            .iter()
            .filter(|(k, v)| {
                !k.starts_with("aws:")
                    && k.as_str() != DRAIN_TIMEOUT_TAG
                    && k.as_str() != OWNER_TAG
                    && default_tags.get(*k) != Some(*v)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !user_tags.is_empty() {
            put("tags", string_map(&user_tags));
        }
        if let Some(n) = s
            .tags
            .get(DRAIN_TIMEOUT_TAG)
            .and_then(|v| v.parse::<i64>().ok())
        {
            drain = Value::int(n);
        }
        put(
            "network",
            Value::object([
                ("subnets", strings(&s.subnets)),
                ("security_groups", strings(&s.security_groups)),
                ("assign_public_ip", Value::Bool(s.assign_public_ip)),
            ]),
        );
        if !s.capacity_provider_strategy.is_empty() {
            put(
                "capacity_provider_strategy",
                Value::List(
                    s.capacity_provider_strategy
                        .iter()
                        .map(|(p, b, w)| {
                            Value::object([
                                ("capacity_provider", Value::string(p.clone())),
                                ("base", Value::int(*b)),
                                ("weight", Value::int(*w)),
                            ])
                        })
                        .collect(),
                ),
            );
        }
    }
    if let Some(td) = &o.task_definition {
        put(
            "task",
            Value::object([
                ("cpu", Value::int(td.cpu)),
                ("memory", Value::int(td.memory)),
                (
                    "cpu_architecture",
                    Value::string(td.cpu_architecture.clone()),
                ),
                (
                    "ephemeral_storage_gib",
                    Value::int(td.ephemeral_storage_gib),
                ),
            ]),
        );
        if let Some(ct) = td.app() {
            put("container", imported_container(td, ct, o, drain.clone()));
        }
        put(
            "sidecar",
            sidecars_value(td.containers.get(1..).unwrap_or_default(), &Value::Null),
        );
        put("volume", volumes_value(&td.volumes));
        put(
            "running_images",
            crate::service::image_owner::images_value(&crate::service::image_owner::images_of(td)),
        );
    }
    if let (Some(tg), Some(production_listener)) = (&o.target_group, &routing.production_listener) {
        let priority = o
            .production_rule
            .as_ref()
            .and_then(|r| r.priority)
            .filter(|p| *p != derived_rule_priority(name))
            .map(Value::int)
            .unwrap_or(Value::Null);
        // An NLB listener has no rule: its conditions stay at their defaults.
        let rule = o.production_rule.as_ref().filter(|r| !r.whole_listener);
        put(
            "load_balancer",
            Value::object([
                ("vpc_id", Value::string(tg.vpc_id.clone())),
                ("target_protocol", Value::string(tg.protocol.clone())),
                (
                    "production_listener_arn",
                    Value::string(production_listener.clone()),
                ),
                (
                    "test_listener_arn",
                    routing
                        .test_listener
                        .clone()
                        .map(Value::string)
                        .unwrap_or(Value::Null),
                ),
                ("listener_rule_priority", priority),
                (
                    "path_patterns",
                    match rule {
                        Some(r) => strings(&r.path_patterns),
                        None => crate::service::schema::strings_value(d::LISTENER_PATH_PATTERNS),
                    },
                ),
                (
                    "host_headers",
                    rule.filter(|r| !r.host_headers.is_empty())
                        .map(|r| strings(&r.host_headers))
                        .unwrap_or(Value::Null),
                ),
                ("deregistration_delay", Value::int(tg.deregistration_delay)),
                (
                    "health_check_grace_period",
                    Value::int(
                        o.service
                            .as_ref()
                            .and_then(|s| s.health_check_grace_period)
                            .unwrap_or(d::HEALTH_CHECK_GRACE_PERIOD),
                    ),
                ),
                (
                    "health_check",
                    Value::object([
                        ("protocol", Value::string(tg.health_check_protocol.clone())),
                        (
                            "path",
                            Value::string(
                                tg.health_check_path.as_deref().unwrap_or(d::TG_HEALTH_PATH),
                            ),
                        ),
                        (
                            "matcher",
                            Value::string(
                                tg.health_check_matcher
                                    .as_deref()
                                    .unwrap_or(d::TG_HEALTH_MATCHER),
                            ),
                        ),
                        ("interval", Value::int(tg.health_check_interval)),
                        ("timeout", Value::int(tg.health_check_timeout)),
                        ("healthy_threshold", Value::int(tg.healthy_threshold)),
                        ("unhealthy_threshold", Value::int(tg.unhealthy_threshold)),
                    ]),
                ),
            ]),
        );
    }
    if let Some(dg) = &o.deployment_group {
        put(
            "blue_green",
            Value::object([
                (
                    "deployment_config",
                    Value::string(dg.deployment_config.clone()),
                ),
                (
                    "termination_wait_minutes",
                    Value::int(dg.termination_wait_minutes),
                ),
                ("auto_rollback_events", strings(&dg.auto_rollback_events)),
                (
                    "test_traffic_wait_minutes",
                    Value::int(dg.test_traffic_wait_minutes),
                ),
                (
                    "approve_traffic",
                    Value::Bool(dg.ready_action == "STOP_DEPLOYMENT"),
                ),
                // AppSpec content, which the group does not hold: none until configured.
                ("hooks", Value::Null),
            ]),
        );
    }
    if let Some(sd) = &o.discovery {
        put(
            "service_discovery",
            Value::object([
                ("namespace_id", Value::string(sd.namespace_id.clone())),
                ("dns_ttl", Value::int(sd.dns_ttl)),
                ("record_type", Value::string(sd.record_type.clone())),
                ("routing_policy", Value::string(sd.routing_policy.clone())),
            ]),
        );
    }
    if o.deployment_group.is_none() {
        // Not CodeDeploy's: the block's defaults, as a plan fills them.
        let bg = crate::service::spec::BlueGreenSpec::default();
        put(
            "blue_green",
            Value::object([
                ("deployment_config", Value::string(bg.deployment_config)),
                (
                    "termination_wait_minutes",
                    Value::int(bg.termination_wait_minutes),
                ),
                ("auto_rollback_events", strings(&bg.auto_rollback_events)),
                (
                    "test_traffic_wait_minutes",
                    Value::int(bg.test_traffic_wait_minutes),
                ),
                ("approve_traffic", Value::Bool(bg.approve_traffic)),
                ("hooks", Value::Null),
            ]),
        );
    }
    let alarm_names = match &o.deployment_group {
        Some(g) => g.alarm_names.clone(),
        None => o
            .service
            .as_ref()
            .and_then(|s| s.deployment.as_ref())
            .map(|d| d.alarm_names.clone())
            .unwrap_or_default(),
    };
    if !o.alarms.is_empty() || !alarm_names.is_empty() {
        // The blue group's alarm carries each threshold; a metric without one was left out (0).
        // Without a load balancer there is no group to alarm on: the thresholds keep the
        // defaults a plan fills in, which create nothing.
        // Behind an NLB the HTTP metrics' thresholds keep their defaults too: an NLB publishes
        // no such metric, so they create nothing there.
        let kind = routing
            .production_listener
            .as_deref()
            .and_then(crate::service::arn::LoadBalancerKind::of_listener);
        let threshold = |metric: AlarmMetric, scale: f64| {
            if !kind.is_some_and(|k| metric.published_behind(k)) {
                return Value::int(metric.default_threshold());
            }
            o.alarms
                .iter()
                .find(|a| a.name == names.alarm(metric, AlarmTarget::Blue))
                .map(|a| match metric {
                    // A rate may be a fraction of a percent.
                    AlarmMetric::Target5xxRate => number(a.threshold * scale),
                    _ => Value::int((a.threshold * scale).round() as i64),
                })
                .unwrap_or(Value::int(0))
        };
        let derived: Vec<&str> = AlarmMetric::ALL
            .iter()
            .flat_map(|m| AlarmTarget::ALL.iter().map(|t| names.alarm(*m, *t)))
            .collect();
        let any = o.alarms.first();
        put(
            "alarms",
            Value::object([
                ("target_5xx_count", threshold(AlarmMetric::Target5xx, 1.0)),
                (
                    "target_5xx_rate_percent",
                    threshold(AlarmMetric::Target5xxRate, 1.0),
                ),
                (
                    "response_time_p99_ms",
                    threshold(AlarmMetric::ResponseTime, 1000.0),
                ),
                (
                    "unhealthy_hosts",
                    threshold(AlarmMetric::UnhealthyHosts, 1.0),
                ),
                (
                    "period",
                    Value::int(any.map_or(d::ALARM_PERIOD, |a| a.period)),
                ),
                (
                    "evaluation_periods",
                    Value::int(any.map_or(d::ALARM_EVALUATION_PERIODS, |a| a.evaluation_periods)),
                ),
                (
                    "names",
                    strings(
                        &alarm_names
                            .iter()
                            .filter(|n| !derived.contains(&n.as_str()))
                            .cloned()
                            .collect::<Vec<_>>(),
                    ),
                ),
            ]),
        );
    }
    if let Some((min, max)) = o.scalable_target {
        let target = |m| {
            policy_target(o, &names, m)
                .map(|p| number(p.target_value))
                .unwrap_or(Value::Null)
        };
        let any = o.scaling_policies.first();
        put(
            "autoscaling",
            Value::object([
                ("min", Value::int(min)),
                ("max", Value::int(max)),
                ("requests_per_target", target(ScalingMetric::Requests)),
                ("cpu_target", target(ScalingMetric::Cpu)),
                ("memory_target", target(ScalingMetric::Memory)),
                (
                    "scale_in_cooldown",
                    Value::int(
                        any.and_then(|p| p.scale_in_cooldown)
                            .unwrap_or(d::SCALE_IN_COOLDOWN),
                    ),
                ),
                (
                    "scale_out_cooldown",
                    Value::int(
                        any.and_then(|p| p.scale_out_cooldown)
                            .unwrap_or(d::SCALE_OUT_COOLDOWN),
                    ),
                ),
                (
                    "high_resolution",
                    Value::Bool(
                        o.service
                            .as_ref()
                            .and_then(|s| s.high_resolution_metrics.as_ref())
                            .and_then(|published| high_resolution_of(o, &names, published))
                            .unwrap_or(d::HIGH_RESOLUTION_SCALING),
                    ),
                ),
            ]),
        );
    }
    Value::Object(root)
}
