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

/// Where a deployment that has not ended stands, as its service reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Waiting {
    /// The status the service answered, if any.
    pub status: Option<String>,
    /// Whether the API model documents that status. An undocumented one is waited on too,
    /// but said loudly: it is the first sign of an emulator or a new API that ends differently.
    pub documented: bool,
    /// What the deployment waits for besides time, when someone must act (a pause hook), and
    /// how to act: logged as a warning, and part of a timeout's message.
    pub needs: Option<String>,
}

impl Waiting {
    /// A status as read, and whether it is one of the SDK enum's documented values.
    pub(super) fn of(status: Option<&str>, documented: bool) -> Self {
        Self {
            status: status.map(str::to_owned),
            documented,
            needs: None,
        }
    }

    /// The same, waiting for someone to act as `needs` says.
    pub(super) fn needing(mut self, needs: Option<String>) -> Self {
        self.needs = needs;
        self
    }

    fn shown(&self) -> &str {
        self.status.as_deref().unwrap_or("(none reported)")
    }
}

/// Polls `check` until the deployment `id` ends, the stop signal fires, or `timeout` passes;
/// polls start one second apart and back off to `poll`. `check` answers the outcome once the
/// deployment has ended, or where it stands while it goes on. `ends` names the statuses the
/// wait ends on, for the log (each change of status is logged, so `TF_LOG=INFO` shows what an
/// apply waits for) and for the timeout's message.
pub(super) async fn poll_until_ended<F, Fut>(
    id: &str,
    ends: &str,
    stop: &Stop,
    poll: Duration,
    timeout: Duration,
    mut check: F,
) -> AwsResult<Outcome>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = AwsResult<Result<Outcome, Waiting>>>,
{
    let started = tokio::time::Instant::now();
    let deadline = started + timeout;
    let mut interval = poll.min(Duration::from_secs(1));
    let mut last: Option<Waiting> = None;
    loop {
        let waiting = match check().await? {
            Ok(ended) => return Ok(ended),
            Err(waiting) => waiting,
        };
        if last.as_ref() != Some(&waiting) {
            let elapsed_s = started.elapsed().as_secs();
            if let Some(needs) = &waiting.needs {
                tracing::warn!(deployment = %id, status = waiting.shown(), elapsed_s,
                    "the deployment waits for someone to act: {needs}");
            } else if waiting.documented {
                tracing::info!(deployment = %id, status = waiting.shown(), elapsed_s,
                    "deployment in progress; waiting for it to end ({ends})");
            } else {
                tracing::warn!(deployment = %id, status = waiting.shown(), elapsed_s,
                    "the deployment reports a status the API does not document; waiting for \
                     one it ends on ({ends})");
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(Outcome::Failed(format!(
                "deployment {id} did not end within {} s: its last status was {}{}{}, and the \
                 apply waits for {ends}",
                timeout.as_secs(),
                waiting.shown(),
                if waiting.documented {
                    ""
                } else {
                    " (a status the API does not document)"
                },
                waiting
                    .needs
                    .as_ref()
                    .map(|n| format!(" (it waits for someone to act: {n})"))
                    .unwrap_or_default(),
            )));
        }
        last = Some(waiting);
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
    poll_until_ended(id, CODEDEPLOY_ENDS, stop, poll, timeout, || async {
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
            other => Err(Waiting::of(
                other.map(DeploymentStatus::as_str),
                other.is_none_or(|s| DeploymentStatus::values().contains(&s.as_str())),
            )),
        })
    })
    .await
}

/// The CodeDeploy statuses [`wait`] ends on.
const CODEDEPLOY_ENDS: &str = "Succeeded, Failed or Stopped";

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

    /// The timeout says what the deployment last reported and what the wait ends on, and
    /// marks a status the API does not document (fakecloud reports a service deployment as
    /// "PRIMARY").
    #[tokio::test]
    async fn a_timeout_names_the_last_status_and_what_the_wait_ends_on() {
        let stop = Stop::default();
        let undocumented = poll_until_ended(
            "d-1",
            "SUCCESSFUL or STOPPED",
            &stop,
            Duration::from_secs(1),
            Duration::ZERO,
            || async { Ok(Err(Waiting::of(Some("PRIMARY"), false))) },
        )
        .await;
        let Ok(Outcome::Failed(text)) = undocumented else {
            panic!("a timeout fails the roll-out: {undocumented:?}");
        };
        assert_eq!(
            text,
            "deployment d-1 did not end within 0 s: its last status was PRIMARY (a status the \
             API does not document), and the apply waits for SUCCESSFUL or STOPPED"
        );

        let documented = poll_until_ended(
            "d-2",
            "Succeeded",
            &stop,
            Duration::from_secs(1),
            Duration::ZERO,
            || async { Ok(Err(Waiting::of(Some("InProgress"), true))) },
        )
        .await;
        assert_eq!(
            documented.ok(),
            Some(Outcome::Failed(
                "deployment d-2 did not end within 0 s: its last status was InProgress, and \
                 the apply waits for Succeeded"
                    .to_owned()
            ))
        );
    }

    #[test]
    fn a_status_is_documented_when_the_sdk_enum_lists_it() {
        use aws_sdk_ecs::types::ServiceDeploymentStatus;
        assert!(ServiceDeploymentStatus::values().contains(&"IN_PROGRESS"));
        assert!(!ServiceDeploymentStatus::values().contains(&"PRIMARY"));
    }
}
