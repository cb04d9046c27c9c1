//! The registry of child kinds. Each kind's calls — create, the follow-up calls that settle it,
//! update in place, delete, find by its derived name, read with its drift — live beside its SDK
//! calls in its own file under aws/, as an implementation of [`ChildKind`]; the lifecycle knows
//! kinds only through [`of`]. A new kind of child is one file here plus one arm in [`of`] (and
//! its arm in the expansion, which decides when a service has it).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use crate::service::expand::{ChildKey, Expansion};
use crate::service::state::{ChildIds, Colour};

use super::child::ChildProblem;
use super::clients::{AwsResult, Clients};
use super::discover::Found;
use super::observed::{Observed, Seen};
use super::{
    alarm, codedeploy_application, deployment_group, discovery_service, ecs_service, iam_role,
    listener_rule, log_group, scalable_target, scaling_policy, target_group, task_definition,
};

/// The identities found or created so far, shared by the children created concurrently.
pub type SharedIds = Arc<Mutex<ChildIds>>;

/// Locks a mutex of the lifecycle's shared state. A poisoned one is still used: what it holds
/// records what exists in AWS, and losing that would orphan children.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// What a kind's calls work with: the clients, the whole expansion (a child's settings and the
/// names of the others), the identities recorded so far and the live colour.
pub struct Cx<'a> {
    pub c: &'a Clients,
    pub exp: &'a Expansion,
    pub ids: &'a SharedIds,
    pub live: Colour,
    /// What a destroy listed up front (see [`Listed`]); [`Listed::NONE`] elsewhere.
    pub listed: &'a Listed,
}

impl Cx<'_> {
    /// A copy of the identities recorded so far.
    pub fn ids(&self) -> ChildIds {
        lock(self.ids).clone()
    }

    /// The identity recorded so far of one child.
    pub fn id(&self, key: ChildKey) -> Option<String> {
        lock(self.ids).id(key)
    }

    /// The identity of a child this one needs; `what` names it in the error.
    pub fn required(&self, key: ChildKey, what: &'static str) -> Result<String, ChildProblem> {
        self.id(key).ok_or(ChildProblem::Needs(what))
    }

    /// Records a child's identity the moment its create call returns, pending until settled.
    pub fn record(&self, key: ChildKey, id: String) {
        let mut g = lock(self.ids);
        g.set(key, id);
        g.pending.insert(key);
    }

    /// Records what a follow-up call learnt (a new ARN, a namespace name).
    pub fn note(&self, set: impl FnOnce(&mut ChildIds)) {
        set(&mut lock(self.ids));
    }

    /// The tags a new child gets: the expansion's and the owner tag.
    pub fn tags(&self) -> BTreeMap<String, String> {
        super::child::creation_tags(self.exp)
    }
}

/// What the deletes of the roles and of the task definition family list before deleting,
/// read when a destroy starts, while the children that depend on them are deleted, so those
/// deletes start a round later into their own calls. A list that failed, or a child not
/// recorded at the start, is listed when its delete comes instead.
#[derive(Debug, Default)]
pub struct Listed {
    roles: Vec<(ChildKey, iam_role::Policies)>,
    revisions: Option<task_definition::Revisions>,
}

impl Listed {
    pub const NONE: Listed = Listed {
        roles: Vec::new(),
        revisions: None,
    };

    /// Whether the delete of `key` starts with a list this reads.
    pub fn needed_by(key: ChildKey) -> bool {
        matches!(key, ChildKey::TaskDefinition) || iam_role::is_role(key)
    }

    /// Lists what the recorded (`known`) roles and task definition family hold, concurrently.
    pub async fn read(c: &Clients, exp: &Expansion, known: &ChildIds) -> Listed {
        let roles = ChildKey::ALL
            .into_iter()
            .filter(|k| known.has(*k) && iam_role::is_role(*k));
        let roles = futures::future::join_all(roles.map(|key| async move {
            let name = &super::child::role_def(exp, key).name;
            match iam_role::policies(c, name).await {
                Ok(Some(p)) => Some((key, p)),
                _ => None,
            }
        }));
        let revisions = async {
            if known.has(ChildKey::TaskDefinition) {
                task_definition::listed(c, &exp.task_definition.family)
                    .await
                    .ok()
            } else {
                None
            }
        };
        let (roles, revisions) = tokio::join!(roles, revisions);
        Listed {
            roles: roles.into_iter().flatten().collect(),
            revisions,
        }
    }

    /// The policies listed for a role child.
    pub fn role(&self, key: ChildKey) -> Option<&iam_role::Policies> {
        self.roles.iter().find(|(k, _)| *k == key).map(|(_, p)| p)
    }

    /// The task definition family's revisions, when listed.
    pub fn revisions(&self) -> Option<&task_definition::Revisions> {
        self.revisions.as_ref()
    }
}

/// What a kind's calls end in: done, or the problem that stopped them.
pub type KindResult = Result<(), ChildProblem>;

/// What a kind finds a child with: the clients, the expansion (the derived names) and what is
/// known already (the target groups a rule forwards to, the scalable target a policy is on).
#[derive(Clone, Copy)]
pub struct Lookup<'a> {
    pub c: &'a Clients,
    pub exp: &'a Expansion,
    pub known: &'a ChildIds,
}

/// What every kind file implements [`ChildKind`] with.
pub mod prelude {
    pub use super::{ChildKind, Cx, KindResult, Lookup};
    pub use crate::aws::child::ChildProblem;
    pub use crate::aws::discover::Found;
    pub use crate::aws::observed::{Observed, Seen};
    pub use crate::service::expand::{ChildKey, Expansion};
    pub use crate::service::state::ChildIds;
}

/// The calls the lifecycle makes for one kind of child. `key` says which child of the kind
/// (the blue or green group, which role, which alarm).
#[async_trait]
pub trait ChildKind: Send + Sync + std::any::Any {
    /// The create call; records the identity through [`Cx::record`] as soon as it returns. A
    /// child the expansion does not have is no error (nothing is created).
    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult;

    /// The follow-up calls of a child just created (`fresh`), or, for one adopted or marked
    /// pending, the calls that bring all its settings to the definition.
    async fn settle(&self, cx: &Cx<'_>, key: ChildKey, fresh: bool) -> KindResult;

    /// Brings an existing child in place to its definition in `cx.exp`, given the expansion
    /// it was last brought to (`old`); nothing when its definition did not change. Called for
    /// recorded children only, in dependency order (`lifecycle::update_in_place`).
    async fn update(&self, _cx: &Cx<'_>, _key: ChildKey, _old: &Expansion) -> KindResult {
        Ok(())
    }

    /// Whether its dependents may start once its create call has returned, before its
    /// follow-up calls: they need only its identity (a role's or a target group's ARN, a log
    /// group's name), so the create graph runs at the depth of each child's own calls.
    fn usable_once_created(&self) -> bool {
        false
    }

    /// Whether its create waits for its dependencies' follow-up calls regardless: a child that
    /// starts work (the ECS service starts tasks) needs the roles' policies and the groups'
    /// settings in place.
    fn waits_for_settled(&self) -> bool {
        false
    }

    /// Deletes it; one already gone is no error.
    async fn delete(&self, cx: &Cx<'_>, key: ChildKey) -> AwsResult<()>;

    /// Finds it by its derived name; `known` supplies what a kind is found through (the target
    /// groups a rule forwards to, the scalable target a policy belongs to).
    async fn find(&self, at: &Lookup<'_>, key: ChildKey) -> AwsResult<Option<Found>>;

    /// Reads the recorded children `keys`, all of this kind (so a kind may read them in one
    /// call, as the alarms do), into `seen`: what each is, or [`Seen::gone`] when AWS reports
    /// it gone. `at.known` is what the state records. Any other error fails the read.
    async fn read(&self, at: &Lookup<'_>, keys: &[ChildKey], seen: &Seen) -> AwsResult<()>;

    /// Once every child is read and the live colour is known: the drift of this child that
    /// shows only against the others (a rule not forwarding to the live group, an alarm on
    /// another group), marked pending in `o.ids` and, where the plan cannot show it, explained
    /// in `o.ids.drift`. Called for the children still recorded, in dependency order.
    async fn relate(&self, _at: &Lookup<'_>, _key: ChildKey, _o: &mut Observed) -> AwsResult<()> {
        Ok(())
    }
}

/// The kind of a child.
pub fn of(key: ChildKey) -> &'static dyn ChildKind {
    match key {
        ChildKey::LogGroup => &log_group::LogGroupKind,
        ChildKey::ExecutionRole
        | ChildKey::TaskRole
        | ChildKey::CodeDeployRole
        | ChildKey::InfrastructureRole => &iam_role::RoleKind,
        ChildKey::TaskDefinition => &task_definition::TaskDefinitionKind,
        ChildKey::BlueTargetGroup | ChildKey::GreenTargetGroup => &target_group::TargetGroupKind,
        ChildKey::ProductionListenerRule | ChildKey::TestListenerRule => {
            &listener_rule::ListenerRuleKind
        }
        ChildKey::DiscoveryService => &discovery_service::DiscoveryServiceKind,
        ChildKey::EcsService => &ecs_service::EcsServiceKind,
        ChildKey::CodeDeployApplication => &codedeploy_application::ApplicationKind,
        ChildKey::DeploymentGroup => &deployment_group::DeploymentGroupKind,
        ChildKey::ScalableTarget => &scalable_target::ScalableTargetKind,
        ChildKey::ScalingPolicy(_) => &scaling_policy::ScalingPolicyKind,
        ChildKey::Alarm(..) => &alarm::AlarmKind,
    }
}
