//! The schema of how a release rolls out: CodeDeploy's blue/green settings, the ECS-native
//! deployment settings and the alarms that stop a roll-out.

use crate::tfplugin::{Attribute as A, Block};
use crate::value::{Type, Value};

use super::{ECS_HOOK_STAGES, d, one_of_code, string_map, strings, strings_value};
use crate::service::facts;

pub(super) fn blue_green_block() -> Block {
    Block::new("CodeDeploy blue/green deployment settings (`deployment_strategy = \"codedeploy\"` only; the ECS-native strategies take `ecs_deployment`).")
        .attribute(A::defaulted(
            "deployment_config",
            Type::String,
            Value::string(d::DEPLOYMENT_CONFIG),
            "CodeDeploy deployment configuration, e.g. `CodeDeployDefault.ECSCanary10Percent5Minutes`.",
        ))
        .attribute(A::defaulted(
            "termination_wait_minutes",
            Type::Number,
            Value::int(d::TERMINATION_WAIT_MINUTES),
            "Minutes the old (blue) tasks keep running after the swap, for a fast rollback (0–2880).",
        ))
        .attribute(A::defaulted(
            "auto_rollback_events",
            strings(),
            strings_value(d::AUTO_ROLLBACK_EVENTS),
            "Events that roll a deployment back: `DEPLOYMENT_FAILURE`, `DEPLOYMENT_STOP_ON_ALARM`, \
             `DEPLOYMENT_STOP_ON_REQUEST`.",
        ))
        .attribute(A::defaulted(
            "test_traffic_wait_minutes",
            Type::Number,
            Value::int(d::TEST_TRAFFIC_WAIT_MINUTES),
            "Minutes the new tasks serve only the test listener before production traffic moves \
             (0–2880): time to test them where users do not reach them.",
        ))
        .attribute(A::defaulted(
            "approve_traffic",
            Type::Bool,
            Value::Bool(false),
            "Production traffic moves only once someone approves (`aws deploy continue-deployment \
             --deployment-wait-type READY_WAIT`) within `test_traffic_wait_minutes`; otherwise the \
             deployment stops. False: it moves when the wait ends.",
        ))
        .attribute(A::optional(
            "hooks",
            string_map(),
            &format!(
                "AppSpec lifecycle hooks: Lambda function ARNs by event ({}) that validate the new \
                 tasks before and after traffic reaches them. CodeDeploy's role \
                 (AWSCodeDeployRoleForECS) may invoke only functions named `CodeDeployHook_*`.",
                one_of_code(APPSPEC_HOOK_EVENTS)
            ),
        ))
}

pub(super) fn ecs_deployment_block() -> Block {
    Block::new(
        "Settings of the ECS-controller strategies (`deployment_strategy` = `blue_green`, `linear`, `canary` \
         or `rolling`). Each strategy takes only its own settings; the service's alarms (and `alarms.names`) \
         roll a deployment back under every one of them.",
    )
    .attribute(A::defaulted(
        "bake_time_minutes",
        Type::Number,
        Value::int(d::BAKE_TIME_MINUTES),
        "`blue_green`, `linear`, `canary`: minutes the new tasks serve all production traffic, the old ones still \
         running, before the deployment completes (0–1440); a rollback in that time is immediate.",
    ))
    .attribute(A::defaulted(
        "linear_step_percent",
        Type::Number,
        Value::Number(crate::value::Number::from_f64(d::LINEAR_STEP_PERCENT)),
        "`linear`: the share of production traffic each step moves (3–100).",
    ))
    .attribute(A::defaulted(
        "linear_step_minutes",
        Type::Number,
        Value::int(d::LINEAR_STEP_MINUTES),
        "`linear`: minutes between steps (0–1440).",
    ))
    .attribute(A::defaulted(
        "canary_percent",
        Type::Number,
        Value::Number(crate::value::Number::from_f64(d::CANARY_PERCENT)),
        "`canary`: the share of production traffic the new tasks get first (0.1–100).",
    ))
    .attribute(A::defaulted(
        "canary_minutes",
        Type::Number,
        Value::int(d::CANARY_MINUTES),
        "`canary`: minutes before the rest of the traffic moves (0–1440).",
    ))
    .attribute(A::defaulted(
        "minimum_healthy_percent",
        Type::Number,
        Value::int(d::MINIMUM_HEALTHY_PERCENT),
        "`rolling`: running tasks kept during a deployment, as a percentage of the desired count (0–100).",
    ))
    .attribute(A::defaulted(
        "maximum_percent",
        Type::Number,
        Value::int(d::MAXIMUM_PERCENT),
        "`rolling`: tasks allowed during a deployment, as a percentage of the desired count (100–200, and \
         above `minimum_healthy_percent`).",
    ))
    .attribute(A::defaulted(
        "circuit_breaker",
        Type::Bool,
        Value::Bool(d::CIRCUIT_BREAKER),
        "`rolling`: the deployment circuit breaker, with rollback: tasks that keep failing to start stop the \
         deployment and the previous revision runs again.",
    ))
    .attribute(A::defaulted(
        "circuit_breaker_threshold_type",
        Type::String,
        Value::string(d::CIRCUIT_BREAKER_THRESHOLD_TYPE),
        &format!(
            "`rolling`: how the circuit breaker counts its threshold of failed tasks ({}): `COUNT` is \
             `circuit_breaker_threshold` itself; the percentages take that percentage of the desired count, \
             `BOUNDED_PERCENT` then held between 3 and 200.",
            one_of_code(crate::service::facts::CIRCUIT_BREAKER_THRESHOLD_TYPES.values)
        ),
    ))
    .attribute(A::defaulted(
        "circuit_breaker_threshold",
        Type::Number,
        Value::int(d::CIRCUIT_BREAKER_THRESHOLD),
        "`rolling`: the circuit breaker's count of failed tasks, or percentage of the desired count, that \
         stops a deployment (1 or more).",
    ))
    .attribute(A::defaulted(
        "circuit_breaker_reset_on_healthy_task",
        Type::Bool,
        Value::Bool(d::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK),
        "`rolling`: whether a task that becomes healthy sets the circuit breaker's count of failed tasks back \
         to 0.",
    ))
    .attribute(A::optional(
        "hooks",
        string_map(),
        &format!(
            "`blue_green`, `linear`, `canary`: lifecycle hooks, Lambda function ARNs by stage ({}). ECS invokes \
             them with the infrastructure role, which may invoke exactly these functions.",
            one_of_code(ECS_HOOK_STAGES)
        ),
    ))
    .attribute(A::defaulted(
        "pause_at",
        strings(),
        strings_value(&[]),
        &format!(
            "`blue_green`, `linear`, `canary`: stages at which ECS pauses each deployment until someone \
             continues it (`aws ecs continue-service-deployment --action CONTINUE`) or rolls it back, an \
             approval gate; e.g. `PRE_PRODUCTION_TRAFFIC_SHIFT`: the new tasks serve test traffic, \
             production still reaches the old ones. One of {}. The apply waits through the pause (its \
             log says how to continue) and fails keeping the running revision when the deployment is \
             rolled back.",
            one_of_code(facts::PAUSE_STAGES.values)
        ),
    ))
    .attribute(A::defaulted(
        "pause_timeout_minutes",
        Type::Number,
        Value::int(d::PAUSE_TIMEOUT_MINUTES),
        "How long a pause waits before ECS takes `pause_timeout_action` (1 to 20160, 14 days).",
    ))
    .attribute(A::defaulted(
        "pause_timeout_action",
        Type::String,
        Value::string(d::PAUSE_TIMEOUT_ACTION),
        "`ROLLBACK` or `CONTINUE`: what ECS does with a paused deployment nobody acted on.",
    ))
}

/// The AppSpec lifecycle events of an ECS deployment that take a hook, in the order they run.
pub const APPSPEC_HOOK_EVENTS: &[&str] = &[
    "BeforeInstall",
    "AfterInstall",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

pub(super) fn alarms_block() -> Block {
    Block::new(
        "CloudWatch alarms the service creates on its target groups (both of a blue/green pair, the \
         one of a rolling service), wired into the deployment: an alarm in ALARM during a roll-out \
         stops it and rolls it back (under `codedeploy`, rolled back with `DEPLOYMENT_STOP_ON_ALARM` in \
         `blue_green.auto_rollback_events`). A threshold of 0 leaves that alarm out.",
    )
    .attribute(A::defaulted(
        "target_5xx_count",
        Type::Number,
        Value::int(d::ALARM_TARGET_5XX_COUNT),
        "Alarm when the targets answer more than this many HTTP 5xx responses in a period \
         (HTTPCode_Target_5XX_Count, Sum).",
    ))
    .attribute(A::defaulted(
        "target_5xx_rate_percent",
        Type::Number,
        Value::int(d::ALARM_TARGET_5XX_RATE_PERCENT),
        "Alarm when more than this percentage of the requests in a period get an HTTP 5xx answer from \
         the targets (metric math: 100 × HTTPCode_Target_5XX_Count / RequestCount; a period without \
         requests counts as 0 %). Fractions allowed (0.5); off (0) by default. Unlike the count, the \
         threshold means the same at any traffic.",
    ))
    .attribute(A::defaulted(
        "response_time_p99_ms",
        Type::Number,
        Value::int(d::ALARM_RESPONSE_TIME_P99_MS),
        "Alarm when the 99th percentile of the target response time (TargetResponseTime) exceeds \
         this many milliseconds.",
    ))
    .attribute(A::defaulted(
        "unhealthy_hosts",
        Type::Number,
        Value::int(d::ALARM_UNHEALTHY_HOSTS),
        "Alarm when at least this many targets are unhealthy (UnHealthyHostCount, Maximum).",
    ))
    .attribute(A::defaulted(
        "period",
        Type::Number,
        Value::int(d::ALARM_PERIOD),
        "Seconds per evaluation period: 10, 20, 30 or a multiple of 60.",
    ))
    .attribute(A::defaulted(
        "evaluation_periods",
        Type::Number,
        Value::int(d::ALARM_EVALUATION_PERIODS),
        "Consecutive breaching periods before an alarm fires (at least 1; periods × period at most \
         one day).",
    ))
    .attribute(A::defaulted(
        "names",
        strings(),
        strings_value(&[]),
        "Names of alarms managed elsewhere that also stop a roll-out. Under `codedeploy`, with the \
         service's own, at most 10 (CodeDeploy's limit).",
    ))
}
