//! ECS-native blue/green, linear and canary (`blue_green`, `linear`, `canary`): the ECS
//! controller moves production traffic itself by the listener rules' weights, through the load
//! balancer's advanced configuration and an infrastructure role, with a bake time and
//! lifecycle hooks.

use super::{DeploymentStrategy, ECS_HOOK_STAGES, Family, LiveFrom, Peak, RolloutBy, RolloutStep};
use crate::service::arn::LoadBalancerKind;
use crate::service::expand::{ChildKey, EcsDeploymentDef, PauseDef};
use crate::service::facts;
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
    steps,
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

/// The new tasks start beside the old ones; the test listener, then production traffic moves
/// (all at once, in equal steps, or a share first), each shift behind an NLB waiting the
/// minutes ECS adds; a pause holds the stages it names until someone continues; the bake keeps
/// the old tasks for a rollback.
fn steps(strategy: DeploymentStrategy, spec: &ServiceSpec) -> Vec<RolloutStep> {
    let ecs = &spec.ecs_deployment;
    let lb = spec.load_balancer.as_ref();
    let delay = if lb.is_some_and(|l| l.kind == LoadBalancerKind::Network) {
        facts::NLB_SHIFT_DELAY_MINUTES
    } else {
        0
    };
    let mut out = Vec::new();
    let pause = |out: &mut Vec<RolloutStep>, stage: &str| {
        if ecs.pause_at.iter().any(|s| s == stage) {
            out.push(RolloutStep::new(
                format!(
                    "pause at {stage} until continued (at most {} min, then {})",
                    ecs.pause_timeout_minutes, ecs.pause_timeout_action
                ),
                0,
            ));
        }
    };
    pause(&mut out, "PRE_SCALE_UP");
    out.push(RolloutStep::new(
        format!("start {} new tasks beside the old ones", spec.desired_count),
        0,
    ));
    pause(&mut out, "POST_SCALE_UP");
    if lb.is_some_and(|l| l.test_listener_arn.is_some()) {
        out.push(RolloutStep::new(
            "test listener: 100 % to the new tasks",
            delay,
        ));
        pause(&mut out, "POST_TEST_TRAFFIC_SHIFT");
    }
    pause(&mut out, "PRE_PRODUCTION_TRAFFIC_SHIFT");
    match strategy {
        DeploymentStrategy::Canary if ecs.canary_percent < 100.0 => {
            out.push(RolloutStep::new(
                format!(
                    "production: {} % for {} min",
                    ecs.canary_percent, ecs.canary_minutes
                ),
                ecs.canary_minutes + delay,
            ));
        }
        DeploymentStrategy::Linear if ecs.linear_step_percent > 0.0 => {
            let mut share = ecs.linear_step_percent;
            while share < 100.0 - 1e-9 {
                out.push(RolloutStep::new(
                    format!(
                        "production: {} % for {} min",
                        (share * 10.0).round() / 10.0,
                        ecs.linear_step_minutes
                    ),
                    ecs.linear_step_minutes + delay,
                ));
                share += ecs.linear_step_percent;
            }
        }
        _ => {}
    }
    out.push(RolloutStep::new("production: 100 %", delay));
    pause(&mut out, "POST_PRODUCTION_TRAFFIC_SHIFT");
    out.push(RolloutStep::new(
        format!(
            "bake {} min, the old tasks kept for a rollback",
            ecs.bake_time_minutes
        ),
        ecs.bake_time_minutes,
    ));
    out
}
