//! ECS-controller roll-outs (`blue_green`, `linear`, `canary`, `rolling`): UpdateService starts a
//! service deployment; DescribeServiceDeployments says how it ended, with the alarms or the
//! circuit breaker that stopped it.

use std::time::Duration;

use aws_sdk_ecs::types::{
    DeploymentLifecycleHookStatus, DeploymentLifecycleHookTargetType, ServiceDeploymentStatus,
};

use super::executor::Stop;

use super::clients::{AwsResult, Clients, err};
use super::deployment::{Outcome, Waiting, poll_until_ended};

/// The service's deployments that have not ended (a new one would supersede them).
pub async fn active(c: &Clients, cluster: &str, service: &str) -> AwsResult<Vec<String>> {
    let out = c
        .ecs
        .list_service_deployments()
        .cluster(cluster)
        .service(service)
        .set_status(Some(vec![
            ServiceDeploymentStatus::Pending,
            ServiceDeploymentStatus::InProgress,
            ServiceDeploymentStatus::StopRequested,
            ServiceDeploymentStatus::RollbackRequested,
            ServiceDeploymentStatus::RollbackInProgress,
        ]))
        .send()
        .await
        .map_err(err("ListServiceDeployments"))?;
    Ok(out
        .service_deployments()
        .iter()
        .filter_map(|d| d.service_deployment_arn().map(str::to_owned))
        .collect())
}

/// The newest deployment of the service (for an UpdateService answer that names none).
pub async fn latest(c: &Clients, cluster: &str, service: &str) -> AwsResult<Option<String>> {
    let out = c
        .ecs
        .list_service_deployments()
        .cluster(cluster)
        .service(service)
        .send()
        .await
        .map_err(err("ListServiceDeployments"))?;
    Ok(out
        .service_deployments()
        .iter()
        .max_by_key(|d| d.created_at().map(|t| (t.secs(), t.subsec_nanos())))
        .and_then(|d| d.service_deployment_arn().map(str::to_owned)))
}

/// Waits for a service deployment to end (see [`poll_until_ended`]); a failure
/// names ECS's reason, the alarms that fired and the revision ECS rolled back to.
pub async fn wait(
    c: &Clients,
    arn: &str,
    stop: &Stop,
    poll: Duration,
    timeout: Duration,
) -> AwsResult<Outcome> {
    poll_until_ended(
        arn,
        SERVICE_DEPLOYMENT_ENDS,
        stop,
        poll,
        timeout,
        || async {
            let out = c
                .ecs
                .describe_service_deployments()
                .service_deployment_arns(arn)
                .send()
                .await
                .map_err(err("DescribeServiceDeployments"))?;
            let Some(d) = out.service_deployments().first() else {
                return Ok(Ok(Outcome::Failed(format!(
                    "deployment {arn} is not listed by DescribeServiceDeployments"
                ))));
            };
            let explain = || {
                let mut why = d.status_reason().unwrap_or("no reason given").to_owned();
                for h in d.lifecycle_hook_details().iter().filter(|h| {
                    h.target_type() == Some(&DeploymentLifecycleHookTargetType::Pause)
                        && matches!(
                            h.status(),
                            Some(
                                DeploymentLifecycleHookStatus::Failed
                                    | DeploymentLifecycleHookStatus::TimedOut
                            )
                        )
                }) {
                    why.push_str(&format!(
                        " Its pause (hook {}) ended {}{}.",
                        h.hook_id().unwrap_or("(not named)"),
                        h.status().map_or("", |s| s.as_str()),
                        if h.status() == Some(&DeploymentLifecycleHookStatus::TimedOut) {
                            format!(
                                ", and ECS took its timeout action, {}",
                                h.timeout_action().map_or("ROLLBACK", |a| a.as_str())
                            )
                        } else {
                            " (rolled back with ContinueServiceDeployment)".to_owned()
                        }
                    ));
                }
                let triggered = d.alarms().map(|a| a.triggered_alarm_names().to_vec());
                if let Some(names) = triggered.filter(|n| !n.is_empty()) {
                    why.push_str(&format!(" Alarms in ALARM: {}.", names.join(", ")));
                }
                if let Some(r) = d.rollback() {
                    why.push_str(&format!(
                        " ECS rolled back to service revision {}.",
                        r.service_revision_arn().unwrap_or("(not named)")
                    ));
                }
                why
            };
            Ok(match d.status() {
                Some(ServiceDeploymentStatus::Successful) => Ok(Outcome::Succeeded),
                Some(
                    status @ (ServiceDeploymentStatus::Stopped
                    | ServiceDeploymentStatus::RollbackSuccessful
                    | ServiceDeploymentStatus::RollbackFailed),
                ) => Ok(Outcome::Failed(format!(
                    "deployment {arn} ended {}: {}",
                    status.as_str(),
                    explain()
                ))),
                other => Err(Waiting::of(
                    other.map(ServiceDeploymentStatus::as_str),
                    other.is_none_or(|s| ServiceDeploymentStatus::values().contains(&s.as_str())),
                )
                .needing(paused(arn, d))),
            })
        },
    )
    .await
}

/// What a deployment held by a pause hook waits for, and the commands that continue it or roll
/// it back (AWS's "Continuing service deployments"); `None` when nothing pauses it.
fn paused(arn: &str, d: &aws_sdk_ecs::types::ServiceDeployment) -> Option<String> {
    let h = d.lifecycle_hook_details().iter().find(|h| {
        h.target_type() == Some(&DeploymentLifecycleHookTargetType::Pause)
            && h.status() == Some(&DeploymentLifecycleHookStatus::AwaitingAction)
    })?;
    let hook = h.hook_id().unwrap_or("(not named)");
    Some(format!(
        "paused at {} until someone continues it: `aws ecs continue-service-deployment \
         --service-deployment-arn {arn} --hook-id {hook} --action CONTINUE` (or `--action \
         ROLLBACK` to roll it back); left alone, ECS takes {}{}",
        d.lifecycle_stage()
            .map_or("a lifecycle stage", |s| s.as_str()),
        h.timeout_action().map_or("ROLLBACK", |a| a.as_str()),
        h.expires_at()
            .map(|t| format!(" at {t}"))
            .unwrap_or_default(),
    ))
}

/// The ECS service deployment statuses [`wait`] ends on.
const SERVICE_DEPLOYMENT_ENDS: &str = "SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED";
