//! ECS rolling update (`rolling`): one target group (or none, for a worker), the deployment
//! circuit breaker, and minimum healthy and maximum percent bounding the replacement.

use super::{DeploymentStrategy, Family, LiveFrom, RolloutBy};
use crate::service::expand::EcsDeploymentDef;
use crate::service::spec::ServiceSpec;

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
    // One target group cannot become a pair in place, nor a pair one.
    enters_in_place_from: |_| false,
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
        alarm_names: alarm_names.to_vec(),
        hooks: Vec::new(),
        advanced: false,
    })
}
