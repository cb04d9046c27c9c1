//! What observing a service found, below the kind files that fill it in: each kind reads its
//! own children into [`Seen`] ([`ChildKind::read`](super::kind::ChildKind::read)), then judges
//! the drift that shows only against the others
//! ([`ChildKind::relate`](super::kind::ChildKind::relate)) with the live colour worked out here.

use std::sync::Mutex;

use crate::service::expand::{ChildKey, DeploymentGroupDef, Expansion, TargetGroupDef};
use crate::service::expand::{DiscoveryServiceDef, TaskDefinitionDef};
use crate::service::state::{ChildIds, Colour};
use crate::service::strategy::LiveFrom;

use super::kind::lock;
use super::{alarm, ecs_service, listener_rule, scaling_policy};

/// What exists in AWS for a service.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// The recorded identities with every child found gone cleared (and the drift found
    /// marked pending and explained).
    pub ids: ChildIds,
    pub live: Option<Colour>,
    pub service: Option<ecs_service::ObservedService>,
    pub task_definition: Option<TaskDefinitionDef>,
    /// The blue target group's settings (the green one is only checked to exist).
    pub target_group: Option<TargetGroupDef>,
    pub production_rule: Option<listener_rule::ObservedRule>,
    pub test_rule: Option<listener_rule::ObservedRule>,
    pub discovery: Option<DiscoveryServiceDef>,
    pub deployment_group: Option<DeploymentGroupDef>,
    pub scalable_target: Option<(i64, i64)>,
    pub scaling_policies: Vec<scaling_policy::ObservedPolicy>,
    pub log_retention: Option<Option<i64>>,
    pub task_role_policy: Option<serde_json::Value>,
    /// The managed policies attached to the task role; `None` when it is gone.
    pub task_role_managed_policies: Option<Vec<String>>,
    /// The ECS service exists but does not register in the service's Cloud Map service (that
    /// one deleted or replaced outside Terraform): only a new ECS service can fix it.
    pub registry_detached: bool,
    /// The service's alarms that exist.
    pub alarms: Vec<alarm::ObservedAlarm>,
}

/// What the kinds' reads, running side by side, write into.
pub struct Seen(Mutex<Observed>);

impl Seen {
    /// Starts from the recorded identities: a child stays recorded until its kind reports it
    /// gone.
    pub fn new(recorded: &ChildIds) -> Seen {
        Seen(Mutex::new(Observed {
            ids: recorded.clone(),
            ..Observed::default()
        }))
    }

    /// Writes what a read found.
    pub fn note(&self, f: impl FnOnce(&mut Observed)) {
        f(&mut lock(&self.0));
    }

    /// Clears a child AWS reports gone, so the next apply creates it again.
    pub fn gone(&self, key: ChildKey) {
        lock(&self.0).ids.clear(key);
    }

    /// Clears `key` unless `present`.
    pub fn present(&self, key: ChildKey, present: bool) {
        if !present {
            self.gone(key);
        }
    }

    pub fn into_inner(self) -> Observed {
        match self.0.into_inner() {
            Ok(o) => o,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl Observed {
    /// The colour of a target group of the service, by its ARN.
    pub fn colour_of(&self, target_group: &str) -> Option<Colour> {
        [Colour::Blue, Colour::Green]
            .into_iter()
            .find(|c| self.ids.get(super::child::target_group_key(*c)) == Some(target_group))
    }

    /// The colour serving production traffic, read where the strategy's family says
    /// ([`LiveFrom`]).
    pub fn live_colour(&self, exp: &Expansion) -> Option<Colour> {
        let by_rule = self
            .production_rule
            .as_ref()
            .and_then(|r| r.target_group_arn.as_deref())
            .and_then(|tg| self.colour_of(tg));
        match exp.strategy.family().live_from {
            LiveFrom::ProductionRule => by_rule,
            LiveFrom::PrimaryTaskSet => {
                match self.service.as_ref().and_then(|s| s.primary_target_group()) {
                    Some(tg) => self.colour_of(tg),
                    None => by_rule,
                }
            }
            LiveFrom::OnlyGroup => self
                .ids
                .has(super::child::target_group_key(Colour::Blue))
                .then_some(Colour::Blue),
        }
    }

    /// Whether a deployment is under way: traffic is where the deployment put it for now.
    pub fn deployment_in_flight(&self) -> bool {
        self.service
            .as_ref()
            .is_some_and(|s| s.deployment_in_flight())
    }
}
