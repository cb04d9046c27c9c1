//! What every child kind shares, below the kind files and the lifecycle that drives them: the
//! problem a child's calls can end in, the identities and definitions a kind reads from the
//! expansion and the recorded children, the tags a new child gets, and the wait for IAM to
//! propagate a new role. Kind files import from here, never from the lifecycle.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::service::expand::{
    AlarmDef, AlarmMetric, AlarmTarget, ChildKey, Expansion, ListenerRuleDef, OWNER_TAG, RoleDef,
};
use crate::service::state::{ChildIds, Colour};

use super::clients::{AwsError, AwsResult};
use super::ecs_service;

/// Why one child could not be created, brought up to date or deleted.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ChildProblem {
    /// What AWS answered, with its operation and code.
    #[error("{0}")]
    Aws(#[from] AwsError),
    /// A child of the derived name exists and is not this service's.
    #[error(
        "it already exists and is not this service's ({owner}). If it is this service, import the \
         service (`tofu import <address> <cluster>/<name>`); otherwise delete or rename it"
    )]
    NotOurs { owner: String },
    /// A listener rule priority held by a rule of someone else.
    #[error(
        "priority {priority} on listener {listener} is held by rule {rule} (forwarding to {targets}); set \
         load_balancer.listener_rule_priority to a free priority"
    )]
    PriorityTaken {
        priority: i64,
        listener: String,
        rule: String,
        targets: String,
    },
    /// A Network Load Balancer listener that already serves someone else's targets.
    #[error(
        "the listener {listener} forwards to target group {group}, which has {targets} registered targets: \
         it serves another service. An NLB listener serves one service; give this one a listener of its own, \
         created forwarding to an empty target group"
    )]
    ListenerServesOthers {
        listener: String,
        group: String,
        targets: usize,
    },
    /// A child this one needs does not exist (its own failure is reported separately).
    #[error("{0} does not exist")]
    Needs(&'static str),
    /// Children never started because a dependency failed or the operation was stopped.
    #[error("{0}")]
    NotAttempted(String),
    /// A child still there after it was deleted.
    #[error("{0}")]
    StillThere(String),
}

/// The identity of a child another one needs; `what` names it in the error.
pub fn required(ids: &ChildIds, key: ChildKey, what: &'static str) -> Result<String, ChildProblem> {
    ids.id(key).ok_or(ChildProblem::Needs(what))
}

/// The target group of a colour.
pub fn target_group_key(colour: Colour) -> ChildKey {
    match colour {
        Colour::Blue => ChildKey::BlueTargetGroup,
        Colour::Green => ChildKey::GreenTargetGroup,
    }
}

pub fn live_target_group(ids: &ChildIds, live: Colour) -> Option<String> {
    ids.id(target_group_key(live))
}

pub fn names_for(exp: &Expansion, live: Colour) -> (String, String) {
    let (b, g) = (
        exp.names.blue_target_group.clone(),
        exp.names.green_target_group.clone(),
    );
    match live {
        Colour::Blue => (b, g),
        Colour::Green => (g, b),
    }
}

/// The tags a new child gets: the expansion's, plus the owner tag that lets it be found and
/// adopted (or refused) by name later.
pub fn creation_tags(exp: &Expansion) -> BTreeMap<String, String> {
    let mut tags = exp.tags.clone();
    tags.insert(OWNER_TAG.to_owned(), super::discover::owner_of(exp));
    tags
}

/// The load balancer's advanced configuration of an ECS-native blue/green service: the idle
/// group, the rules and the infrastructure role; `None` for other strategies.
pub fn advanced_of(
    exp: &Expansion,
    ids: &ChildIds,
    live: Colour,
) -> Result<Option<ecs_service::Advanced>, ChildProblem> {
    if !exp.strategy.ecs_shifts_traffic() {
        return Ok(None);
    }
    Ok(Some(ecs_service::Advanced {
        alternate_target_group: live_target_group(ids, live.other())
            .ok_or(ChildProblem::Needs("the idle target group"))?,
        production_rule: required(
            ids,
            ChildKey::ProductionListenerRule,
            "the production listener rule",
        )?,
        test_rule: ids.id(ChildKey::TestListenerRule),
        role: required(ids, ChildKey::InfrastructureRole, "the infrastructure role")?,
    }))
}

pub fn alarm_def(exp: &Expansion, metric: AlarmMetric, target: AlarmTarget) -> Option<&AlarmDef> {
    exp.alarms
        .iter()
        .find(|a| a.metric == metric && a.target == target)
}

pub fn alarm_target_group(ids: &ChildIds, target: AlarmTarget) -> Result<String, ChildProblem> {
    match target {
        AlarmTarget::Blue => required(ids, ChildKey::BlueTargetGroup, "the blue target group"),
        AlarmTarget::Green => required(ids, ChildKey::GreenTargetGroup, "the green target group"),
    }
}

pub fn role_def(exp: &Expansion, key: ChildKey) -> &RoleDef {
    match key {
        ChildKey::ExecutionRole => &exp.execution_role,
        ChildKey::TaskRole => &exp.task_role,
        ChildKey::InfrastructureRole => &exp.infrastructure_role,
        _ => &exp.codedeploy_role,
    }
}

pub fn rule_def(exp: &Expansion, key: ChildKey) -> Result<&ListenerRuleDef, ChildProblem> {
    exp.listener_rule(key)
        .ok_or(ChildProblem::Needs("the load balancer settings"))
}

/// Calls `call` again while AWS answers that it cannot assume a role yet (`refused`): for about
/// two minutes, first after one second, backing off.
pub async fn while_role_propagates<T, F, Fut>(
    refused: impl Fn(&AwsError) -> bool,
    call: F,
) -> AwsResult<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = AwsResult<T>>,
{
    let mut pause = Duration::from_secs(1);
    let mut waited = Duration::ZERO;
    loop {
        match call().await {
            Err(e) if refused(&e) && waited < ROLE_PROPAGATION => {
                tracing::debug!(error = %e, "the role cannot be assumed yet; retrying");
                tokio::time::sleep(pause).await;
                waited += pause;
                pause = (pause * 2).min(Duration::from_secs(10));
            }
            other => return other,
        }
    }
}

/// ECS's answer while it cannot assume the infrastructure role yet (IAM propagation).
pub fn ecs_cannot_assume_role(e: &AwsError) -> bool {
    e.has_code("InvalidParameterException") && e.message.contains("Unable to assume role")
}

/// How long a new role may take to become assumable before its refusal is reported.
const ROLE_PROPAGATION: Duration = Duration::from_secs(120);
