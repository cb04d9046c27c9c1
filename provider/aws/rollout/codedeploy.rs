//! The CodeDeploy family (`deployment_strategy = "codedeploy"`): a new revision rolled out as
//! one CodeDeploy blue/green deployment of an AppSpec, after any deployment of the group still
//! under way has ended.

use crate::aws::clients::{AwsError, AwsResult, Clients};
use crate::aws::deployment::{self, Outcome};
use crate::aws::executor::Stop;
use crate::service::appspec::appspec;
use crate::service::expand::{ChildKey, Expansion};
use crate::service::state::ChildIds;

use super::{DEPLOYMENT_TIMEOUT, Rollout, left_running, poll_interval, recorded};

/// Starts the CodeDeploy deployment of `arn` and, with `wait`, waits for it to end.
pub(super) async fn roll_out(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    arn: String,
    wait: bool,
    stop: &Stop,
) -> AwsResult<Rollout> {
    let spec = appspec(&arn, &exp.ecs_service, &exp.deployment_group.hooks).to_string();
    let app = ids
        .id(ChildKey::CodeDeployApplication)
        .unwrap_or_else(|| exp.codedeploy_application.clone());
    let group = ids
        .id(ChildKey::DeploymentGroup)
        .unwrap_or_else(|| exp.deployment_group.name.clone());
    let poll = poll_interval();
    let timeout = DEPLOYMENT_TIMEOUT;
    // CodeDeploy runs one deployment per group at a time: one still shifting traffic (a canary
    // between its steps, one started without waiting) is waited for, then this one starts.
    let mut attempts = 0;
    let id = loop {
        match deployment::start(c, &app, &group, &spec).await {
            Err(e) if e.has_code("DeploymentLimitExceededException") && attempts < 3 => {
                attempts += 1;
                for running in deployment::active(c, &app, &group).await? {
                    tracing::info!(deployment = %running, "waiting for the deployment in progress to end");
                    if deployment::wait(c, &running, stop, poll, timeout).await?
                        == Outcome::Interrupted
                    {
                        return Err(AwsError::new(
                            "CreateDeployment",
                            format!(
                                "stopped while waiting for deployment {running}, which was in \
                                 progress, to end; nothing was deployed"
                            ),
                        ));
                    }
                }
            }
            other => break other?,
        }
    };
    ids.last_deployment_id = Some(id.clone());
    if !wait {
        return Ok(left_running(ids, arn));
    }
    let outcome = deployment::wait(c, &id, stop, poll, timeout).await?;
    Ok(recorded(ids, arn, outcome))
}
