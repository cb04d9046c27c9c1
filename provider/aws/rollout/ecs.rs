//! The ECS controller's family (`blue_green`, `linear`, `canary`, `rolling`): a new revision
//! given to the service with UpdateService and the service deployment ECS starts watched to
//! its end, and AWS's in-place migration of a CodeDeploy service to ECS-native blue/green.

use crate::aws::child::{
    advanced_of, ecs_cannot_assume_role, live_target_group, while_role_propagates,
};
use crate::aws::clients::{AwsError, AwsResult, Clients};
use crate::aws::deployment::Outcome;
use crate::aws::executor::Stop;
use crate::aws::{ecs_service, listener_rule, service_deployment};
use crate::service::expand::{ChildKey, Expansion};
use crate::service::state::{ChildIds, Colour};

use super::{Rollout, deployment_timeout, left_running, poll_interval, recorded};
use crate::aws::lifecycle::{ChildError, ChildProblem, child_error};

/// The ECS controller's roll-out: UpdateService with the new revision (after any deployment
/// still under way has ended), then the service deployment ECS started, until it ends.
pub(super) async fn roll_out(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    task_definition_arn: String,
    wait: bool,
    stop: &Stop,
) -> AwsResult<Rollout> {
    let (cluster, name) = (&exp.ecs_service.cluster, &exp.ecs_service.name);
    let poll = poll_interval();
    let timeout = deployment_timeout(exp);
    for running in service_deployment::active(c, cluster, name).await? {
        tracing::info!(deployment = %running, "waiting for the deployment in progress to end");
        if service_deployment::wait(c, &running, stop, poll, timeout).await? == Outcome::Interrupted
        {
            return Err(AwsError::new(
                "UpdateService",
                format!(
                    "stopped while waiting for deployment {running}, which was in progress, to \
                     end; nothing was deployed"
                ),
            ));
        }
    }
    let started = ecs_service::deploy(c, &exp.ecs_service, &task_definition_arn).await?;
    let deployment = match started {
        Some(arn) => arn,
        None => service_deployment::latest(c, cluster, name)
            .await?
            .ok_or_else(|| {
                AwsError::new("UpdateService", "ECS named no service deployment to watch")
            })?,
    };
    finish_ecs_deployment(c, exp, ids, deployment, task_definition_arn, wait, stop).await
}

/// Records the deployment and, with `wait`, waits for it: the state names the new revision
/// once it is live (or left to go on), the old one when ECS stopped or rolled it back.
async fn finish_ecs_deployment(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    deployment: String,
    task_definition_arn: String,
    wait: bool,
    stop: &Stop,
) -> AwsResult<Rollout> {
    ids.last_deployment_id = Some(deployment.clone());
    if !wait {
        return Ok(left_running(ids, task_definition_arn));
    }
    let timeout = deployment_timeout(exp);
    let outcome = service_deployment::wait(c, &deployment, stop, poll_interval(), timeout).await?;
    Ok(recorded(ids, task_definition_arn, outcome))
}

/// AWS's in-place migration from CodeDeploy to ECS-native blue/green: both rules forward to
/// the pair (live 1, idle 0), then one UpdateService moves the service to the ECS controller
/// with its strategy and advanced configuration. ECS answers with a deployment of the running
/// revision, which moves traffic to the idle group; it is waited for like a roll-out.
pub async fn migrate_to_ecs(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
    wait: bool,
    stop: &Stop,
) -> Result<Rollout, ChildError> {
    let fail = |key: ChildKey, e: AwsError| {
        child_error(exp, "moving to the ECS controller", key, e.into())
    };
    let (Some(target), Some(idle)) = (
        live_target_group(ids, live),
        live_target_group(ids, live.other()),
    ) else {
        return Err(child_error(
            exp,
            "moving to the ECS controller",
            ChildKey::EcsService,
            ChildProblem::Needs("the blue and green target groups"),
        ));
    };
    for (key, arn) in [
        (
            ChildKey::ProductionListenerRule,
            ids.id(ChildKey::ProductionListenerRule),
        ),
        (
            ChildKey::TestListenerRule,
            ids.id(ChildKey::TestListenerRule),
        ),
    ] {
        if let Some(arn) = arn {
            listener_rule::forward_to(c, &arn, &target, Some(&idle))
                .await
                .map_err(|e| fail(key, e))?;
        }
    }
    let advanced = advanced_of(exp, ids, live)
        .map_err(|p| child_error(exp, "moving to the ECS controller", ChildKey::EcsService, p))?;
    let started = while_role_propagates(ecs_cannot_assume_role, || {
        ecs_service::migrate_to_ecs(c, &exp.ecs_service, &target, advanced.as_ref())
    })
    .await
    .map_err(|e| fail(ChildKey::EcsService, e))?;
    let running = ids.id(ChildKey::TaskDefinition).unwrap_or_default();
    let deployment = match started {
        Some(arn) => arn,
        None => {
            match service_deployment::latest(c, &exp.ecs_service.cluster, &exp.ecs_service.name)
                .await
                .map_err(|e| fail(ChildKey::EcsService, e))?
            {
                Some(arn) => arn,
                None => return Ok(Rollout::Deployed),
            }
        }
    };
    finish_ecs_deployment(c, exp, ids, deployment, running, wait, stop)
        .await
        .map_err(|e| fail(ChildKey::EcsService, e))
}
