//! Defaults the resource plans when the configuration leaves a setting out. They come from
//! shared/seeds/ (the production advice) or, where the seeds are silent, from AWS's own.
//! The module generator renders the same values as variable defaults.

pub const CPU_ARCHITECTURE: &str = "X86_64";
pub const EPHEMERAL_STORAGE_GIB: i64 = 21;
pub const STOP_TIMEOUT: i64 = 30;
pub const INIT_PROCESS_ENABLED: bool = true;
pub const READONLY_ROOT_FILESYSTEM: bool = false;

pub const CONTAINER_HEALTH_INTERVAL: i64 = 30;
pub const CONTAINER_HEALTH_TIMEOUT: i64 = 5;
pub const CONTAINER_HEALTH_RETRIES: i64 = 3;
pub const CONTAINER_HEALTH_START_PERIOD: i64 = 0;

pub const LOG_RETENTION_DAYS: i64 = 30;
pub const LOG_MODE: &str = "non-blocking";
pub const LOG_MAX_BUFFER_SIZE: &str = "25m";
pub const LOG_STREAM_PREFIX: &str = "ecs";

pub const ASSIGN_PUBLIC_IP: bool = false;

/// The target groups' protocol, and their health check's, behind an Application Load Balancer.
pub const ALB_TARGET_PROTOCOL: &str = "HTTP";
/// The target groups' protocol, and their health check's, behind a Network Load Balancer:
/// AWS's own ("For Network Load Balancers and Gateway Load Balancers, the default is TCP", the
/// ELBv2 model's `CreateTargetGroupInput.HealthCheckProtocol`).
pub const NLB_TARGET_PROTOCOL: &str = "TCP";

/// The target protocol a configuration that sets none gets behind `kind`.
pub fn target_protocol(kind: crate::service::arn::LoadBalancerKind) -> &'static str {
    match kind {
        crate::service::arn::LoadBalancerKind::Application => ALB_TARGET_PROTOCOL,
        crate::service::arn::LoadBalancerKind::Network => NLB_TARGET_PROTOCOL,
    }
}

/// The health check protocol a configuration that sets none gets behind `kind` (the same).
pub fn health_check_protocol(kind: crate::service::arn::LoadBalancerKind) -> &'static str {
    target_protocol(kind)
}

/// Sets `load_balancer.target_protocol` and `load_balancer.health_check.protocol` where the
/// configuration leaves them out (`config`; `None` for a state being upgraded, where only what
/// is unset is filled) to the defaults of the production listener's load balancer; unknown while
/// that listener is. A planned value then follows the listener (an ALB service moved to an NLB
/// gets TCP, a health check changed outside Terraform is put back), and a state written before
/// the attributes existed, always behind an ALB, gets `HTTP`, what its target groups have.
pub fn fill_load_balancer_protocols(
    value: &mut crate::value::Value,
    config: Option<&crate::value::Value>,
) {
    use crate::value::Value;
    let unset = |path: &[&str]| {
        config.is_some_and(|c| {
            let mut v = c.get("load_balancer");
            for p in path {
                v = v.get(p);
            }
            v.is_null()
        })
    };
    let (reset_target, reset_check) = (
        unset(&["target_protocol"]),
        unset(&["health_check", "protocol"]),
    );
    let Value::Object(root) = value else { return };
    let Some(Value::Object(lb)) = root.get_mut("load_balancer") else {
        return;
    };
    let protocol = match lb.get("production_listener_arn") {
        Some(Value::String(arn)) => crate::service::arn::LoadBalancerKind::of_listener(arn)
            .map_or(Value::Null, |k| Value::string(target_protocol(k))),
        Some(Value::Unknown(_)) => Value::unknown(),
        _ => Value::Null,
    };
    if protocol.is_null() {
        return;
    }
    if reset_target || lb.get("target_protocol").is_none_or(Value::is_null) {
        lb.insert("target_protocol".to_owned(), protocol.clone());
    }
    if let Some(Value::Object(check)) = lb.get_mut("health_check")
        && (reset_check || check.get("protocol").is_none_or(Value::is_null))
    {
        check.insert("protocol".to_owned(), protocol);
    }
}

pub const TG_HEALTH_PATH: &str = "/";
pub const TG_HEALTH_MATCHER: &str = "200";
pub const TG_HEALTH_INTERVAL: i64 = 15;
pub const TG_HEALTH_TIMEOUT: i64 = 5;
pub const TG_HEALTHY_THRESHOLD: i64 = 2;
pub const TG_UNHEALTHY_THRESHOLD: i64 = 3;
/// AWS's own default; the checks warn when it is left there (seed 003 §5).
pub const DEREGISTRATION_DELAY: i64 = 300;
pub const HEALTH_CHECK_GRACE_PERIOD: i64 = 60;
pub const LISTENER_PATH_PATTERNS: &[&str] = &["/*"];

pub const DEPLOYMENT_CONFIG: &str = "CodeDeployDefault.ECSAllAtOnce";
pub const TERMINATION_WAIT_MINUTES: i64 = 5;
pub const AUTO_ROLLBACK_EVENTS: &[&str] = &["DEPLOYMENT_FAILURE"];
/// No wait on the test listener before production traffic moves.
pub const TEST_TRAFFIC_WAIT_MINUTES: i64 = 0;

/// A pause hook's wait and what ECS does when it runs out: ECS's own defaults (a day, then
/// roll back; API_DeploymentLifecycleHookTimeoutConfiguration).
pub const PAUSE_TIMEOUT_MINUTES: i64 = 1440;
pub const PAUSE_TIMEOUT_ACTION: &str = "ROLLBACK";

/// Scaling on the 60-second metrics ECS publishes unless told otherwise.
pub const HIGH_RESOLUTION_SCALING: bool = false;

/// How a new task definition reaches production for a service created without
/// `deployment_strategy` (`DeploymentStrategy::DEFAULT`; an existing service keeps what its
/// state records).
pub const DEPLOYMENT_STRATEGY: &str = "blue_green";
/// ECS-native strategies: minutes the new tasks serve all production traffic, the old ones
/// still up, before the deployment completes (a rollback in that time is immediate).
pub const BAKE_TIME_MINUTES: i64 = 5;
/// Linear: AWS's own defaults (10 % per step); minutes between steps.
pub const LINEAR_STEP_PERCENT: f64 = 10.0;
pub const LINEAR_STEP_MINUTES: i64 = 5;
/// Canary: the share the new tasks get first, and for how long, before the rest moves.
pub const CANARY_PERCENT: f64 = 10.0;
pub const CANARY_MINUTES: i64 = 10;
/// Rolling (seed 003): never below the desired count while new tasks start; at most twice it.
pub const MINIMUM_HEALTHY_PERCENT: i64 = 100;
pub const MAXIMUM_PERCENT: i64 = 200;
/// Rolling (seed 003): the deployment circuit breaker, with rollback.
pub const CIRCUIT_BREAKER: bool = true;
/// The circuit breaker's threshold as ECS takes it when none is given: BOUNDED_PERCENT of 50,
/// and a task reaching a healthy state resets the failure count (ECS API reference,
/// API_ThresholdConfiguration and API_DeploymentCircuitBreaker, read 2026-12-07).
pub const CIRCUIT_BREAKER_THRESHOLD_TYPE: &str = "BOUNDED_PERCENT";
pub const CIRCUIT_BREAKER_THRESHOLD: i64 = 50;
pub const CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK: bool = true;

pub const DNS_TTL: i64 = 10;
pub const DNS_RECORD_TYPE: &str = "A";
pub const DNS_ROUTING_POLICY: &str = "MULTIVALUE";

pub const DESIRED_COUNT: i64 = 2;
pub const PLATFORM_VERSION: &str = "LATEST";
pub const WAIT_FOR_DEPLOYMENT: bool = true;

pub const CAPACITY_BASE: i64 = 0;
pub const CAPACITY_WEIGHT: i64 = 1;

/// Alarms (seed 003: roll back on 5xx, latency and unhealthy targets): thresholds per period.
pub const ALARM_TARGET_5XX_COUNT: i64 = 10;
/// Off unless set: a rate alarm suits services whose traffic varies too much for a count.
pub const ALARM_TARGET_5XX_RATE_PERCENT: i64 = 0;
pub const ALARM_RESPONSE_TIME_P99_MS: i64 = 2000;
pub const ALARM_UNHEALTHY_HOSTS: i64 = 1;
pub const ALARM_PERIOD: i64 = 60;
pub const ALARM_EVALUATION_PERIODS: i64 = 3;

pub const SCALE_IN_COOLDOWN: i64 = 300;
pub const SCALE_OUT_COOLDOWN: i64 = 60;

#[cfg(test)]
mod tests {
    use super::fill_load_balancer_protocols;
    use crate::value::Value;

    const NLB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";
    const ALB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";

    fn service(listener: &str, target: Value, check: Value) -> Value {
        Value::object([(
            "load_balancer",
            Value::object([
                ("production_listener_arn", Value::string(listener)),
                ("target_protocol", target),
                ("health_check", Value::object([("protocol", check)])),
            ]),
        )])
    }

    fn protocols(v: &Value) -> (Value, Value) {
        let lb = v.get("load_balancer");
        (
            lb.get("target_protocol").clone(),
            lb.get("health_check").get("protocol").clone(),
        )
    }

    #[test]
    fn unset_protocols_follow_the_listener() {
        let unset = service(NLB, Value::Null, Value::Null);
        // A plan: what the configuration leaves out is the listener's default, whatever the
        // prior state held (an ALB service moved to an NLB, a check changed outside Terraform).
        let mut planned = service(NLB, Value::string("HTTP"), Value::string("HTTP"));
        fill_load_balancer_protocols(&mut planned, Some(&unset));
        assert_eq!(
            protocols(&planned),
            (Value::string("TCP"), Value::string("TCP"))
        );
        // What the configuration sets stays.
        let set = service(NLB, Value::string("TLS"), Value::string("HTTPS"));
        let mut planned = set.clone();
        fill_load_balancer_protocols(&mut planned, Some(&set));
        assert_eq!(protocols(&planned), protocols(&set));
        // An upgraded state written before the attributes: behind an ALB, HTTP.
        let mut old = service(ALB, Value::Null, Value::Null);
        fill_load_balancer_protocols(&mut old, None);
        assert_eq!(
            protocols(&old),
            (Value::string("HTTP"), Value::string("HTTP"))
        );
        // An unknown listener leaves them unknown.
        let mut unknown = service(NLB, Value::Null, Value::Null);
        if let Value::Object(root) = &mut unknown
            && let Some(Value::Object(lb)) = root.get_mut("load_balancer")
        {
            lb.insert("production_listener_arn".to_owned(), Value::unknown());
        }
        fill_load_balancer_protocols(&mut unknown, Some(&unset));
        assert!(protocols(&unknown).0.is_unknown());
    }
}
