//! ECS rolling update (`rolling`): one target group (or none, for a worker), the deployment
//! circuit breaker, and minimum healthy and maximum percent bounding the replacement.

use super::{DeploymentStrategy, Family, LiveFrom, Peak, RolloutBy, RolloutStep};
use crate::service::expand::EcsDeploymentDef;
use crate::service::spec::{CircuitBreakerThreshold, ServiceSpec};

pub(super) static FAMILY: Family = Family {
    name: "rolling",
    controller: "ECS",
    deployer: "ECS",
    rollout_failed: "Deployment did not succeed",
    own_children: &[],
    target_group_pair: false,
    ecs_moves_traffic: false,
    live_from: LiveFrom::OnlyGroup,
    rollout: RolloutBy::EcsServiceDeployment,
    ecs_deployment,
    steps: |_, spec| {
        let ecs = &spec.ecs_deployment;
        vec![RolloutStep::new(
            format!(
                "replace the tasks: at least {} % healthy, at most {} % running",
                ecs.minimum_healthy_percent, ecs.maximum_percent
            ),
            0,
        )]
    },
    // One target group cannot become a pair in place, nor a pair one.
    enters_in_place_from: |_| false,
    peak: Peak::MaximumPercent,
};

/// The healthy and maximum percents bounding the replacement and the circuit breaker, as the
/// service sets them; no bake time, steps, hooks or advanced configuration (one group).
fn ecs_deployment(
    strategy: DeploymentStrategy,
    spec: &ServiceSpec,
    alarm_names: &[String],
) -> Option<EcsDeploymentDef> {
    let ecs = &spec.ecs_deployment;
    Some(EcsDeploymentDef {
        strategy: strategy.ecs_strategy()?,
        bake_time_minutes: None,
        linear: None,
        canary: None,
        minimum_healthy_percent: ecs.minimum_healthy_percent,
        maximum_percent: ecs.maximum_percent,
        circuit_breaker: ecs.circuit_breaker,
        // With the breaker off nothing is sent, and ECS keeps its defaults.
        circuit_breaker_threshold: if ecs.circuit_breaker {
            ecs.circuit_breaker_threshold.clone()
        } else {
            CircuitBreakerThreshold::default()
        },
        alarm_names: alarm_names.to_vec(),
        hooks: Vec::new(),
        pause: None,
        advanced: false,
    })
}

/// How many failed tasks stop a deployment of `desired` tasks, by the circuit breaker's
/// threshold type and value (facts::CIRCUIT_BREAKER_THRESHOLD_TYPES): `COUNT` is the value; a
/// percentage is that share of the desired count, rounded up (AWS does not say how it rounds;
/// the emulator rounds the same way), `BOUNDED_PERCENT` held within
/// facts::CIRCUIT_BREAKER_BOUNDS. Never below one failed task.
pub fn breaker_threshold(kind: &str, value: i64, desired: i64) -> i64 {
    let share = (value.saturating_mul(desired.max(0)) + 99) / 100;
    let bounds = crate::service::facts::CIRCUIT_BREAKER_BOUNDS;
    match kind {
        "COUNT" => value,
        "UNBOUNDED_PERCENT" => share,
        _ => share.clamp(bounds.min, bounds.max),
    }
    .max(1)
}

#[cfg(test)]
mod tests {
    use super::breaker_threshold;

    #[test]
    fn the_threshold_follows_the_type_at_each_desired_count() {
        // AWS's default, BOUNDED_PERCENT 50: half the desired count within 3 and 200.
        assert_eq!(breaker_threshold("BOUNDED_PERCENT", 50, 2), 3);
        assert_eq!(breaker_threshold("BOUNDED_PERCENT", 50, 25), 13);
        assert_eq!(breaker_threshold("BOUNDED_PERCENT", 50, 1000), 200);
        // Unbounded: the same share without the bounds.
        assert_eq!(breaker_threshold("UNBOUNDED_PERCENT", 50, 2), 1);
        assert_eq!(breaker_threshold("UNBOUNDED_PERCENT", 50, 1000), 500);
        assert_eq!(breaker_threshold("UNBOUNDED_PERCENT", 10, 0), 1);
        // A count is the count, whatever the desired count.
        assert_eq!(breaker_threshold("COUNT", 5, 2), 5);
        assert_eq!(breaker_threshold("COUNT", 5, 400), 5);
    }
}
