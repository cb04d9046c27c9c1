//! An ECS-controller service's `deploymentConfiguration` in both directions: built from the
//! expansion's definition (strategy, steps, circuit breaker, alarms, lifecycle and pause
//! hooks) and read back in its terms, so the two compare as drift.

use aws_sdk_ecs::types::{
    CanaryConfiguration, DeploymentAlarms, DeploymentCircuitBreaker, DeploymentConfiguration,
    DeploymentLifecycleHook, DeploymentLifecycleHookAction, DeploymentLifecycleHookStage,
    DeploymentLifecycleHookTargetType, DeploymentLifecycleHookTimeoutConfiguration,
    DeploymentStrategy as EcsStrategy, LinearConfiguration, ThresholdConfiguration, ThresholdType,
};

use crate::service::expand::{EcsDeploymentDef, PauseDef};
use crate::service::spec::CircuitBreakerThreshold;

use super::super::clients::{AwsError, AwsResult};
use super::bad;

/// The circuit breaker, with rollback; its threshold and reset are sent only when it is on
/// (off, ECS has nothing to count).
fn circuit_breaker(d: &EcsDeploymentDef, op: &'static str) -> AwsResult<DeploymentCircuitBreaker> {
    let b = DeploymentCircuitBreaker::builder()
        .enable(d.circuit_breaker)
        .rollback(d.circuit_breaker);
    if !d.circuit_breaker {
        return Ok(b.build());
    }
    let t = &d.circuit_breaker_threshold;
    let threshold = ThresholdConfiguration::builder()
        .r#type(ThresholdType::from(t.kind.as_str()))
        .value(i32::try_from(t.value).map_err(|_| {
            AwsError::new(
                op,
                "the circuit breaker's threshold is beyond a 32-bit integer",
            )
        })?)
        .build()
        .map_err(bad(op))?;
    Ok(b.threshold_configuration(threshold)
        .reset_on_healthy_task(t.reset_on_healthy_task)
        .build())
}

/// The circuit breaker's threshold as AWS reports it; what ECS takes when none was given (a
/// breaker that is off, or one set by another tool) where AWS reports none.
fn breaker_threshold_of(b: Option<&DeploymentCircuitBreaker>) -> CircuitBreakerThreshold {
    let ecs = CircuitBreakerThreshold::default();
    let t = b.and_then(|b| b.threshold_configuration());
    CircuitBreakerThreshold {
        kind: t.map_or(ecs.kind, |t| t.r#type().as_str().to_owned()),
        value: t.map_or(ecs.value, |t| i64::from(t.value())),
        reset_on_healthy_task: b
            .and_then(|b| b.reset_on_healthy_task())
            .unwrap_or(ecs.reset_on_healthy_task),
    }
}

/// `deploymentConfiguration` of an ECS-controller service; `role` invokes the hooks.
pub fn deployment_configuration(
    d: &EcsDeploymentDef,
    role: Option<&str>,
    op: &'static str,
) -> AwsResult<DeploymentConfiguration> {
    let mut b = DeploymentConfiguration::builder()
        .strategy(EcsStrategy::from(d.strategy))
        .minimum_healthy_percent(d.minimum_healthy_percent as i32)
        .maximum_percent(d.maximum_percent as i32)
        .deployment_circuit_breaker(circuit_breaker(d, op)?)
        .alarms(
            DeploymentAlarms::builder()
                .set_alarm_names(Some(d.alarm_names.clone()))
                .enable(!d.alarm_names.is_empty())
                .rollback(!d.alarm_names.is_empty())
                .build()
                .map_err(bad(op))?,
        );
    if let Some(minutes) = d.bake_time_minutes {
        b = b.bake_time_in_minutes(minutes as i32);
    }
    if let Some((percent, minutes)) = d.linear {
        b = b.linear_configuration(
            LinearConfiguration::builder()
                .step_percent(percent)
                .step_bake_time_in_minutes(minutes as i32)
                .build(),
        );
    }
    if let Some((percent, minutes)) = d.canary {
        b = b.canary_configuration(
            CanaryConfiguration::builder()
                .canary_percent(percent)
                .canary_bake_time_in_minutes(minutes as i32)
                .build(),
        );
    }
    for (stage, arn) in &d.hooks {
        let mut hook = DeploymentLifecycleHook::builder()
            .hook_target_arn(arn)
            .lifecycle_stages(DeploymentLifecycleHookStage::from(stage.as_str()));
        if let Some(role) = role {
            hook = hook.role_arn(role);
        }
        b = b.lifecycle_hooks(hook.build());
    }
    if let Some(pause) = &d.pause {
        // A pause hook has no target and needs no role (API_DeploymentLifecycleHook).
        b = b.lifecycle_hooks(
            DeploymentLifecycleHook::builder()
                .target_type(DeploymentLifecycleHookTargetType::Pause)
                .set_lifecycle_stages(Some(
                    pause
                        .stages
                        .iter()
                        .map(|s| DeploymentLifecycleHookStage::from(s.as_str()))
                        .collect(),
                ))
                .timeout_configuration(
                    DeploymentLifecycleHookTimeoutConfiguration::builder()
                        .timeout_in_minutes(pause.timeout_minutes as i32)
                        .action(DeploymentLifecycleHookAction::from(
                            pause.timeout_action.as_str(),
                        ))
                        .build(),
                )
                .build(),
        );
    }
    Ok(b.build())
}

/// The deployment configuration AWS reports, in the expansion's terms.
pub(super) fn observed_deployment(d: &DeploymentConfiguration, advanced: bool) -> EcsDeploymentDef {
    let strategy = crate::service::expand::DeploymentStrategy::from_ecs(
        "ECS",
        d.strategy().map(|s| s.as_str()),
    )
    .and_then(|s| s.ecs_strategy())
    .unwrap_or("ROLLING");
    EcsDeploymentDef {
        strategy,
        bake_time_minutes: d.bake_time_in_minutes().map(i64::from),
        linear: d.linear_configuration().map(|l| {
            (
                l.step_percent().unwrap_or_default(),
                i64::from(l.step_bake_time_in_minutes().unwrap_or_default()),
            )
        }),
        canary: d.canary_configuration().map(|l| {
            (
                l.canary_percent().unwrap_or_default(),
                i64::from(l.canary_bake_time_in_minutes().unwrap_or_default()),
            )
        }),
        minimum_healthy_percent: i64::from(d.minimum_healthy_percent().unwrap_or(100)),
        maximum_percent: i64::from(d.maximum_percent().unwrap_or(200)),
        circuit_breaker: d.deployment_circuit_breaker().is_some_and(|b| b.enable()),
        circuit_breaker_threshold: breaker_threshold_of(d.deployment_circuit_breaker()),
        alarm_names: d
            .alarms()
            .filter(|a| a.enable())
            .map(|a| a.alarm_names().to_vec())
            .unwrap_or_default(),
        hooks: d
            .lifecycle_hooks()
            .iter()
            .filter(|h| h.target_type() != Some(&DeploymentLifecycleHookTargetType::Pause))
            .flat_map(|h| {
                h.lifecycle_stages().iter().map(|s| {
                    (
                        s.as_str().to_owned(),
                        h.hook_target_arn().unwrap_or_default().to_owned(),
                    )
                })
            })
            .collect(),
        pause: d
            .lifecycle_hooks()
            .iter()
            .find(|h| h.target_type() == Some(&DeploymentLifecycleHookTargetType::Pause))
            .map(|h| {
                let stages: Vec<&str> = h.lifecycle_stages().iter().map(|s| s.as_str()).collect();
                let timeout = h.timeout_configuration();
                PauseDef {
                    stages: crate::service::expand::ECS_HOOK_STAGES
                        .iter()
                        .filter(|s| stages.contains(s))
                        .map(|s| (*s).to_owned())
                        .collect(),
                    timeout_minutes: timeout
                        .and_then(|t| t.timeout_in_minutes())
                        .map_or(crate::service::defaults::PAUSE_TIMEOUT_MINUTES, i64::from),
                    timeout_action: timeout
                        .and_then(|t| t.action())
                        .map_or(crate::service::defaults::PAUSE_TIMEOUT_ACTION, |a| {
                            a.as_str()
                        })
                        .to_owned(),
                }
            }),
        advanced,
    }
}
