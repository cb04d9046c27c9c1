//! Blue/green rollouts: a CodeDeploy deployment of a new task definition revision, and waiting
//! for its outcome.

use std::time::Duration;

use aws_sdk_codedeploy::types::{DeploymentStatus, RevisionLocation, RevisionLocationType};

use super::executor::Stop;

use super::clients::{AwsError, AwsResult, Clients, err};

/// How a deployment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// Failed, stopped or rolled back, with CodeDeploy's explanation.
    Failed(String),
    /// StopProvider arrived while waiting; the deployment goes on without us.
    Interrupted,
}

/// Starts a deployment with the given AppSpec (YAML or JSON); returns its ID.
pub async fn start(
    c: &Clients,
    application: &str,
    group: &str,
    appspec: &str,
) -> AwsResult<String> {
    let revision = RevisionLocation::builder()
        .revision_type(RevisionLocationType::AppSpecContent)
        .app_spec_content(
            aws_sdk_codedeploy::types::AppSpecContent::builder()
                .content(appspec)
                .build(),
        )
        .build();
    let out = c
        .codedeploy
        .create_deployment()
        .application_name(application)
        .deployment_group_name(group)
        .revision(revision)
        .description("terraform-provider-fargate: new task definition revision")
        .send()
        .await
        .map_err(err("CreateDeployment"))?;
    out.deployment_id()
        .map(str::to_owned)
        .ok_or_else(|| AwsError::new("CreateDeployment", "no deployment ID in the response"))
}

/// The deployments of a group that have not ended (CodeDeploy runs one at a time per group).
pub async fn active(c: &Clients, application: &str, group: &str) -> AwsResult<Vec<String>> {
    let out = c
        .codedeploy
        .list_deployments()
        .application_name(application)
        .deployment_group_name(group)
        .set_include_only_statuses(Some(vec![
            DeploymentStatus::Created,
            DeploymentStatus::Queued,
            DeploymentStatus::InProgress,
            DeploymentStatus::Baking,
            DeploymentStatus::Ready,
        ]))
        .send()
        .await
        .map_err(err("ListDeployments"))?;
    Ok(out.deployments().to_vec())
}

/// The wait between two polls: short at first, because most deployments the provider starts
/// end within a few polls of an emulator and within minutes on AWS, then up to `max`.
fn next_poll(current: Duration, max: Duration) -> Duration {
    (current * 2).min(max)
}

/// Polls `check` until the deployment `id` ends, the stop signal fires, or `timeout` passes;
/// polls start one second apart and back off to `poll`. `check` answers the outcome once the
/// deployment has ended, or its status while it goes on.
pub(super) async fn poll_until_ended<F, Fut>(
    id: &str,
    stop: &Stop,
    poll: Duration,
    timeout: Duration,
    mut check: F,
) -> AwsResult<Outcome>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = AwsResult<Result<Outcome, Option<String>>>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut interval = poll.min(Duration::from_secs(1));
    loop {
        let status = match check().await? {
            Ok(ended) => return Ok(ended),
            Err(status) => status,
        };
        if tokio::time::Instant::now() >= deadline {
            return Ok(Outcome::Failed(format!(
                "deployment {id} did not finish within {} s (status {status:?})",
                timeout.as_secs(),
            )));
        }
        tokio::select! {
            () = stop.stopped() => return Ok(Outcome::Interrupted),
            () = tokio::time::sleep(interval) => {}
        }
        interval = next_poll(interval, poll);
    }
}

/// Waits for a CodeDeploy deployment to end (see [`poll_until_ended`]).
pub async fn wait(
    c: &Clients,
    id: &str,
    stop: &Stop,
    poll: Duration,
    timeout: Duration,
) -> AwsResult<Outcome> {
    poll_until_ended(id, stop, poll, timeout, || async {
        let out = c
            .codedeploy
            .get_deployment()
            .deployment_id(id)
            .send()
            .await
            .map_err(err("GetDeployment"))?;
        let info = out.deployment_info();
        let status = info.and_then(|i| i.status());
        let explain = || {
            let e = info.and_then(|i| i.error_information());
            let rolled_back = info
                .and_then(|i| i.rollback_info())
                .and_then(|r| r.rollback_message())
                .map(|m| format!(" Rollback: {m}"))
                .unwrap_or_default();
            format!(
                "{} {}{}",
                e.and_then(|e| e.code())
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
                e.and_then(|e| e.message())
                    .unwrap_or("no error information"),
                rolled_back
            )
            .trim()
            .to_owned()
        };
        Ok(match status {
            Some(DeploymentStatus::Succeeded) => Ok(Outcome::Succeeded),
            Some(DeploymentStatus::Failed) => Ok(Outcome::Failed(format!(
                "deployment {id} failed: {}",
                explain()
            ))),
            Some(DeploymentStatus::Stopped) => Ok(Outcome::Failed(format!(
                "deployment {id} was stopped: {}",
                explain()
            ))),
            other => Err(other.map(|s| s.as_str().to_owned())),
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_back_off_to_the_configured_interval() {
        let max = Duration::from_secs(15);
        let mut d = Duration::from_secs(1);
        let mut seen = vec![d.as_secs()];
        for _ in 0..6 {
            d = next_poll(d, max);
            seen.push(d.as_secs());
        }
        assert_eq!(seen, [1, 2, 4, 8, 15, 15, 15]);
    }
}
