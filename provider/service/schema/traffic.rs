//! The schema of how traffic reaches the service: its network, the load balancer with its
//! target groups' health check, and Cloud Map service discovery.

use crate::tfplugin::{Attribute as A, Block, NestedBlock};
use crate::value::{Type, Value};

use super::{DNS_RECORD_TYPES, d, one_of_code, strings, strings_value};

pub(super) fn network_block() -> Block {
    Block::new("Task networking (awsvpc).")
        .attribute(A::required(
            "subnets",
            strings(),
            "Subnet IDs for the tasks; use private subnets in at least two Availability Zones.",
        ))
        .attribute(A::required(
            "security_groups",
            strings(),
            "Security group IDs for the tasks.",
        ))
        .attribute(A::defaulted(
            "assign_public_ip",
            Type::Bool,
            Value::Bool(d::ASSIGN_PUBLIC_IP),
            "Give tasks public IPs.",
        ))
}

pub(super) fn load_balancer_block() -> Block {
    Block::new(
        "Load balancer routing, behind an Application or a Network Load Balancer (the production listener's \
         ARN says which). The resource creates the blue and green target groups. On an ALB it adds one \
         forwarding rule on each of the given listeners (so several services can share one ALB). An NLB \
         listener routes by port alone, so the service takes over the listener's default action: create the \
         listener forwarding to an empty target group of your own, which the resource records on its blue \
         group and hands the listener back to on destroy. The deployment moves those rules (or default \
         actions) between blue and green. Required by every strategy but `rolling`: a rolling service \
         without it (a worker or queue consumer) has no target groups or rules. Adding or removing it \
         replaces the service.",
    )
    .attribute(
        A::required(
            "vpc_id",
            Type::String,
            "VPC of the target groups. Changing it replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(
        A::required(
            "production_listener_arn",
            Type::String,
            "ARN of the ALB or NLB listener that serves production traffic. Changing it replaces the service \
             (its rules, target groups and deployment all name the listener).",
        )
        .forces_replacement(),
    )
    .attribute(
        A::optional(
            "test_listener_arn",
            Type::String,
            "ARN of the listener, on the same load balancer, that serves the new tasks to testers before \
             production traffic moves. Required behind an ALB by every strategy but `rolling`, which has one \
             target group and no test rule; optional behind an NLB (a listener on another port). Changing it \
             replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(
        A::optional_computed(
            "target_protocol",
            Type::String,
            "Protocol of the target groups: `HTTP` behind an ALB (the default there); `TCP` (the default behind \
             an NLB) or `TLS` behind an NLB. Changing it replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(A::optional(
        "listener_rule_priority",
        Type::Number,
        "Priority of the forwarding rules (1–50000, unique per listener). Defaults to a number derived from \
         `name`; set it when two services share a listener and their derived priorities collide. ALB only.",
    ))
    .attribute(A::defaulted(
            "path_patterns",
            strings(),
            strings_value(d::LISTENER_PATH_PATTERNS),
            "Path patterns the forwarding rules match (ALB only).",
        ))
    .attribute(A::optional(
        "host_headers",
        strings(),
        "Host headers the forwarding rules match, for services that share a listener by host name (ALB only).",
    ))
    .attribute(A::defaulted(
            "deregistration_delay",
            Type::Number,
            Value::int(d::DEREGISTRATION_DELAY),
            "Seconds the target groups keep draining a deregistered task (0–3600); set it just above the \
             application's drain time. The default is AWS's own, which plan warns about.",
        ))
    .attribute(A::defaulted(
            "health_check_grace_period",
            Type::Number,
            Value::int(d::HEALTH_CHECK_GRACE_PERIOD),
            "Seconds ECS ignores failing load balancer health checks after a task starts.",
        ))
    .block(NestedBlock::optional_group("health_check", target_health_block()))
}

fn target_health_block() -> Block {
    Block::new("Target group health check.")
        .attribute(A::optional_computed(
            "protocol",
            Type::String,
            "`HTTP` behind an ALB (the default there); `TCP` (the default behind an NLB: a connection that \
             opens is healthy), `HTTP` or `HTTPS` behind an NLB.",
        ))
        .attribute(A::defaulted(
            "path",
            Type::String,
            Value::string(d::TG_HEALTH_PATH),
            "HTTP path, starting with `/`; a TCP check sends none.",
        ))
        .attribute(A::defaulted(
            "matcher",
            Type::String,
            Value::string(d::TG_HEALTH_MATCHER),
            "HTTP codes meaning healthy: `200`, `200,204` or `200-299` (up to 499 behind an ALB, 599 behind an \
             NLB); a TCP check sends none.",
        ))
        .attribute(A::defaulted(
            "interval",
            Type::Number,
            Value::int(d::TG_HEALTH_INTERVAL),
            "Seconds between checks (5–300).",
        ))
        .attribute(A::defaulted(
            "timeout",
            Type::Number,
            Value::int(d::TG_HEALTH_TIMEOUT),
            "Seconds before a check fails (2–120, below `interval`).",
        ))
        .attribute(A::defaulted(
            "healthy_threshold",
            Type::Number,
            Value::int(d::TG_HEALTHY_THRESHOLD),
            "Successes before healthy (2–10).",
        ))
        .attribute(A::defaulted(
            "unhealthy_threshold",
            Type::Number,
            Value::int(d::TG_UNHEALTHY_THRESHOLD),
            "Failures before unhealthy (2–10).",
        ))
}

pub(super) fn service_discovery_block() -> Block {
    Block::new("Cloud Map service discovery, so other services reach this one by DNS name.")
        .attribute(
            A::required(
                "namespace_id",
                Type::String,
                "ID of the Cloud Map private DNS namespace. Changing it replaces the service.",
            )
            .forces_replacement(),
        )
        .attribute(A::defaulted(
            "dns_ttl",
            Type::Number,
            Value::int(d::DNS_TTL),
            "TTL of the DNS records, in seconds (0–2147483647).",
        ))
        .attribute(A::defaulted(
            "record_type",
            Type::String,
            Value::string(d::DNS_RECORD_TYPE),
            &format!("{}.", one_of_code(DNS_RECORD_TYPES)),
        ))
        .attribute(A::defaulted(
            "routing_policy",
            Type::String,
            Value::string(d::DNS_ROUTING_POLICY),
            "`MULTIVALUE` or `WEIGHTED`.",
        ))
}
