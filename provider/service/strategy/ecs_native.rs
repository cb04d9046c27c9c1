//! ECS-native blue/green, linear and canary (`blue_green`, `linear`, `canary`): the ECS
//! controller moves production traffic itself by the listener rules' weights, through the load
//! balancer's advanced configuration and an infrastructure role, with a bake time and
//! lifecycle hooks.

use super::{DeploymentStrategy, ECS_HOOK_STAGES, Family, LiveFrom, Peak, RolloutBy};
use crate::service::expand::{ChildKey, EcsDeploymentDef, PauseDef};
use crate::service::spec::{CircuitBreakerThreshold, ServiceSpec};

pub(super) static FAMILY: Family = Family {
    name: "ECS-native blue/green",
    controller: "ECS",
    deployer: "ECS",
    rollout_failed: "Deployment did not succeed",
    own_children: &[ChildKey::InfrastructureRole],
    target_group_pair: true,
    ecs_moves_traffic: true,
    live_from: LiveFrom::ProductionRule,
    rollout: RolloutBy::EcsServiceDeployment,
    ecs_deployment,
    // AWS documents the move from CodeDeploy blue/green to the ECS-native strategies as an
    // UpdateService of the running service (deploymentController ECS, the advanced
    // configuration): https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-codedeploy-to-ecs-bluegreen.html
    enters_in_place_from: |from| from.rollout == RolloutBy::CodeDeployDeployment,
    peak: Peak::FullSetBeside,
};

/// A bake time, the strategy's own steps (linear or canary), the lifecycle hooks in stage order
/// and the load balancer's advanced configuration; the new tasks run beside the old, so the
/// healthy and maximum percents are AWS's defaults and the circuit breaker is off (the alarms
/// and the hooks judge the new revision).
fn ecs_deployment(
    strategy: DeploymentStrategy,
    spec: &ServiceSpec,
    alarm_names: &[String],
) -> Option<EcsDeploymentDef> {
    let ecs = &spec.ecs_deployment;
    Some(EcsDeploymentDef {
        strategy: strategy.ecs_strategy()?,
        bake_time_minutes: Some(ecs.bake_time_minutes),
        linear: (strategy == DeploymentStrategy::Linear)
            .then_some((ecs.linear_step_percent, ecs.linear_step_minutes)),
        canary: (strategy == DeploymentStrategy::Canary)
            .then_some((ecs.canary_percent, ecs.canary_minutes)),
        minimum_healthy_percent: crate::service::defaults::MINIMUM_HEALTHY_PERCENT,
        maximum_percent: crate::service::defaults::MAXIMUM_PERCENT,
        circuit_breaker: false,
        circuit_breaker_threshold: CircuitBreakerThreshold::default(),
        alarm_names: alarm_names.to_vec(),
        hooks: ECS_HOOK_STAGES
            .iter()
            .filter_map(|stage| {
                ecs.hooks
                    .get(*stage)
                    .map(|arn| ((*stage).to_owned(), arn.clone()))
            })
            .collect(),
        pause: (!ecs.pause_at.is_empty()).then(|| PauseDef {
            stages: ECS_HOOK_STAGES
                .iter()
                .filter(|s| ecs.pause_at.iter().any(|p| p == *s))
                .map(|s| (*s).to_owned())
                .collect(),
            timeout_minutes: ecs.pause_timeout_minutes,
            timeout_action: ecs.pause_timeout_action.clone(),
        }),
        advanced: true,
    })
}
