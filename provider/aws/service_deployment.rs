//! ECS-controller roll-outs (`blue_green`, `linear`, `canary`, `rolling`): UpdateService starts a
//! service deployment; DescribeServiceDeployments says how it ended, with the alarms or the
//! circuit breaker that stopped it.

use std::time::Duration;

use aws_sdk_ecs::types::ServiceDeploymentStatus;

use crate::tfplugin::StopSignal;

use super::clients::{AwsResult, Clients, err};
use super::deployment::{Outcome, next_poll};

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

/// Polls until the deployment ends, the stop signal fires, or `timeout` passes; polls start
/// one second apart and back off to `poll`.
pub async fn wait(
    c: &Clients,
    arn: &str,
    stop: &StopSignal,
    poll: Duration,
    timeout: Duration,
) -> AwsResult<Outcome> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut interval = poll.min(Duration::from_secs(1));
    loop {
        let out = c
            .ecs
            .describe_service_deployments()
            .service_deployment_arns(arn)
            .send()
            .await
            .map_err(err("DescribeServiceDeployments"))?;
        let deployment = out.service_deployments().first();
        let status = deployment.and_then(|d| d.status()).cloned();
        let explain = || {
            let Some(d) = deployment else {
                return String::new();
            };
            let mut why = d.status_reason().unwrap_or("no reason given").to_owned();
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
        match &status {
            Some(ServiceDeploymentStatus::Successful) => return Ok(Outcome::Succeeded),
            Some(
                ServiceDeploymentStatus::Stopped
                | ServiceDeploymentStatus::RollbackSuccessful
                | ServiceDeploymentStatus::RollbackFailed,
            ) => {
                return Ok(Outcome::Failed(format!(
                    "deployment {arn} ended {}: {}",
                    status.as_ref().map_or("", |s| s.as_str()),
                    explain()
                )));
            }
            None if deployment.is_none() => {
                return Ok(Outcome::Failed(format!(
                    "deployment {arn} is not listed by DescribeServiceDeployments"
                )));
            }
            _ => {}
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(Outcome::Failed(format!(
                "deployment {arn} did not finish within {} s (status {:?})",
                timeout.as_secs(),
                status.map(|s| s.as_str().to_owned())
            )));
        }
        tokio::select! {
            () = stop.stopped() => return Ok(Outcome::Interrupted),
            () = tokio::time::sleep(interval) => {}
        }
        interval = next_poll(interval, poll);
    }
}
