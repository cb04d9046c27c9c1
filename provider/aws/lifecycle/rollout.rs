//! Roll-outs: a new task definition revision rolled out through CodeDeploy or the ECS
//! controller and waited for, AWS's in-place migration from CodeDeploy to ECS-native
//! blue/green, which strategy changes are in place, and the request-count policy following the
//! live target group after a swap.

use std::time::Duration;

use crate::aws::child::{
    advanced_of, ecs_cannot_assume_role, live_target_group, while_role_propagates,
};
use crate::aws::clients::{AwsError, AwsResult, Clients};
use crate::aws::deployment::{self, Outcome};
use crate::aws::executor::Stop;
use crate::aws::{ecs_service, listener_rule, scaling_policy, service_deployment, task_definition};
use crate::service::appspec::appspec;
use crate::service::expand::alb_resource_label;
use crate::service::expand::{ChildKey, Expansion, ScalingMetric};
use crate::service::state::{ChildIds, Colour};

use super::{ChildError, ChildProblem, child_error};

/// How a rollout ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// The new revision is live.
    Deployed,
    /// Started, not waited for (wait_for_deployment = false) or interrupted by a stop.
    Started,
    Failed(String),
}

/// How long the apply waits for one deployment, CodeDeploy's or ECS's.
const DEPLOYMENT_TIMEOUT: Duration = Duration::from_secs(3 * 3600);

/// Registers the expansion's task definition as a new revision and rolls it out through
/// CodeDeploy. On success `ids` names the new revision; on failure the old one stays.
pub async fn roll_out(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    wait: bool,
    stop: &Stop,
) -> AwsResult<Rollout> {
    let exec = ids.id(ChildKey::ExecutionRole).ok_or_else(|| {
        AwsError::new(
            "RegisterTaskDefinition",
            "the execution role does not exist",
        )
    })?;
    let task = ids
        .id(ChildKey::TaskRole)
        .ok_or_else(|| AwsError::new("RegisterTaskDefinition", "the task role does not exist"))?;
    let arn = task_definition::register(c, &exp.task_definition, &exec, &task, &exp.tags).await?;
    if !exp.strategy.uses_codedeploy() {
        return roll_out_ecs(c, exp, ids, arn, wait, stop).await;
    }
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
        ids.set(ChildKey::TaskDefinition, arn);
        return Ok(Rollout::Started);
    }
    match deployment::wait(c, &id, stop, poll, timeout).await? {
        Outcome::Succeeded => {
            ids.set(ChildKey::TaskDefinition, arn);
            Ok(Rollout::Deployed)
        }
        Outcome::Interrupted => {
            ids.set(ChildKey::TaskDefinition, arn);
            Ok(Rollout::Started)
        }
        Outcome::Failed(why) => Ok(Rollout::Failed(why)),
    }
}

fn poll_interval() -> Duration {
    Duration::from_millis(
        std::env::var("FARGATE_DEPLOYMENT_POLL_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(15_000),
    )
}

/// The ECS controller's roll-out: UpdateService with the new revision (after any deployment
/// still under way has ended), then the service deployment ECS started, until it ends.
async fn roll_out_ecs(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    task_definition_arn: String,
    wait: bool,
    stop: &Stop,
) -> AwsResult<Rollout> {
    let (cluster, name) = (&exp.ecs_service.cluster, &exp.ecs_service.name);
    let poll = poll_interval();
    let timeout = DEPLOYMENT_TIMEOUT;
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
    finish_ecs_deployment(c, ids, deployment, task_definition_arn, wait, stop).await
}

/// Records the deployment and, with `wait`, waits for it: the state names the new revision
/// once it is live (or left to go on), the old one when ECS stopped or rolled it back.
async fn finish_ecs_deployment(
    c: &Clients,
    ids: &mut ChildIds,
    deployment: String,
    task_definition_arn: String,
    wait: bool,
    stop: &Stop,
) -> AwsResult<Rollout> {
    ids.last_deployment_id = Some(deployment.clone());
    if !wait {
        ids.set(ChildKey::TaskDefinition, task_definition_arn);
        return Ok(Rollout::Started);
    }
    let timeout = DEPLOYMENT_TIMEOUT;
    match service_deployment::wait(c, &deployment, stop, poll_interval(), timeout).await? {
        Outcome::Succeeded => {
            ids.set(ChildKey::TaskDefinition, task_definition_arn);
            Ok(Rollout::Deployed)
        }
        Outcome::Interrupted => {
            ids.set(ChildKey::TaskDefinition, task_definition_arn);
            Ok(Rollout::Started)
        }
        Outcome::Failed(why) => Ok(Rollout::Failed(why)),
    }
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
    finish_ecs_deployment(c, ids, deployment, running, wait, stop)
        .await
        .map_err(|e| fail(ChildKey::EcsService, e))
}

/// Moves the request-count policy's ResourceLabel to the live target group after a swap.
pub async fn follow_live_target_group(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
) -> Result<(), ChildError> {
    let (Some(target), Some(def)) = (
        ids.id(ChildKey::ScalableTarget),
        exp.scaling_policies
            .iter()
            .find(|p| p.metric == ScalingMetric::Requests),
    ) else {
        return Ok(());
    };
    let label = live_target_group(ids, live)
        .and_then(|tg| alb_resource_label(&exp.placement.load_balancer, &tg));
    match scaling_policy::put(c, &target, def, label.as_deref()).await {
        Ok(arn) => {
            ids.set(ChildKey::ScalingPolicy(ScalingMetric::Requests), arn);
            ids.pending
                .remove(&ChildKey::ScalingPolicy(ScalingMetric::Requests));
            Ok(())
        }
        Err(e) => {
            // Remembered, so the next plan shows the policy still measuring the idle group.
            ids.pending
                .insert(ChildKey::ScalingPolicy(ScalingMetric::Requests));
            Err(child_error(
                exp,
                "pointing the request-count policy at the live target group",
                ChildKey::ScalingPolicy(ScalingMetric::Requests),
                e.into(),
            ))
        }
    }
}
