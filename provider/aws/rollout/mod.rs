//! Roll-outs: a new task definition revision registered and handed to the strategy's family
//! (`codedeploy.rs`: a CodeDeploy deployment; `ecs.rs`: the ECS controller's deployment, and
//! AWS's in-place migration from CodeDeploy to it), the outcome recorded the same way for both,
//! and the request-count policy following the live target group after a swap.

use std::time::Duration;

use crate::aws::child::live_target_group;
use crate::aws::clients::{AwsError, AwsResult, Clients};
use crate::aws::deployment::Outcome;
use crate::aws::executor::Stop;
use crate::aws::{scaling_policy, task_definition};
use crate::service::expand::alb_resource_label;
use crate::service::expand::{ChildKey, Expansion, ScalingMetric};
use crate::service::facts;
use crate::service::state::{ChildIds, Colour};
use crate::service::strategy::RolloutBy;

use crate::aws::lifecycle::{ChildError, child_error};

mod codedeploy;
mod ecs;

pub use ecs::migrate_to_ecs;

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

/// How long the apply waits for one deployment of `exp`'s service: [`DEPLOYMENT_TIMEOUT`],
/// plus the longest each pause may hold it (a pause ends by someone acting or by its timeout),
/// plus the delay ECS adds to each traffic shift behind a Network Load Balancer
/// ([`facts::NLB_SHIFT_DELAY_MINUTES`]).
fn deployment_timeout(exp: &Expansion) -> Duration {
    let deployment = exp.ecs_service.deployment.as_ref();
    let paused = deployment.and_then(|d| d.pause.as_ref()).map_or(0, |p| {
        p.stages.len() as u64 * p.timeout_minutes.max(0) as u64 * 60
    });
    let delayed = match (&exp.load_balancing, deployment) {
        (Some(lb), Some(d)) if lb.production_rule.whole_listener => {
            d.traffic_shifts(lb.test_rule.is_some()) * facts::NLB_SHIFT_DELAY_MINUTES as u64 * 60
        }
        _ => 0,
    };
    DEPLOYMENT_TIMEOUT + Duration::from_secs(paused + delayed)
}

/// Registers the expansion's task definition as a new revision and rolls it out the way the
/// strategy does (CodeDeploy, or the ECS controller). On success `ids` names the new revision;
/// on failure the old one stays.
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
    match exp.strategy.family().rollout {
        RolloutBy::CodeDeployDeployment => codedeploy::roll_out(c, exp, ids, arn, wait, stop).await,
        RolloutBy::EcsServiceDeployment => ecs::roll_out(c, exp, ids, arn, wait, stop).await,
    }
}

/// Records a deployment left to go on (`wait_for_deployment = false`): the state names the
/// new revision.
fn left_running(ids: &mut ChildIds, task_definition_arn: String) -> Rollout {
    ids.set(ChildKey::TaskDefinition, task_definition_arn);
    Rollout::Started
}

/// Records how a deployment waited for ended, for either family: the state names the new
/// revision once it is live or left to go on (a stop while waiting), the old one when the
/// deployment failed, was stopped or rolled back.
fn recorded(ids: &mut ChildIds, task_definition_arn: String, outcome: Outcome) -> Rollout {
    match outcome {
        Outcome::Succeeded => {
            ids.set(ChildKey::TaskDefinition, task_definition_arn);
            Rollout::Deployed
        }
        Outcome::Interrupted => left_running(ids, task_definition_arn),
        Outcome::Failed(why) => Rollout::Failed(why),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::observed::testing::expansion;

    /// `strategy`'s expansion behind an NLB (its listeners' default actions, not rules).
    fn behind_nlb(strategy: &str) -> Expansion {
        let mut exp = expansion(strategy);
        if let Some(lb) = exp.load_balancing.as_mut() {
            lb.production_rule.whole_listener = true;
        }
        exp
    }

    #[test]
    fn each_traffic_shift_behind_an_nlb_adds_ten_minutes_to_the_wait() {
        let minutes =
            |exp: &Expansion| (deployment_timeout(exp) - DEPLOYMENT_TIMEOUT).as_secs() / 60;
        // A canary shifts twice, blue/green once, a linear deployment of 10 % steps ten times;
        // the test listener's shift adds one each.
        assert_eq!(minutes(&behind_nlb("canary")), 30);
        assert_eq!(minutes(&behind_nlb("blue_green")), 20);
        assert_eq!(minutes(&behind_nlb("linear")), 110);
        // A rolling update moves no traffic between groups; an ALB adds no delay.
        assert_eq!(minutes(&behind_nlb("rolling")), 0);
        assert_eq!(minutes(&expansion("canary")), 0);
    }
}
