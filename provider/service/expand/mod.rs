//! `expand`: a `ServiceSpec` becomes the child resources it is made of, each with its desired
//! settings and the children it depends on. The provider (aws/) creates these children and the
//! module generator renders them; neither decides on its own what a child looks like.
//!
//! One file per room, all re-exported here so every item keeps its `service::expand::` path:
//! the deployment strategy (from `service/strategy/`), the child keys, the child definitions, the IAM documents and roles,
//! where a service lives, the tags the provider keeps for itself, the expansion (`expand` and
//! its helpers per child group; the roll-out's alarms and deployment settings in `deployment`)
//! and its shape.

mod child_key;
mod definitions;
mod deployment;
mod expansion;
mod iam;
mod placement;
mod shape;
mod tags;

pub use crate::service::strategy::{DeploymentStrategy, ECS_HOOK_STAGES};
pub use child_key::{AlarmMetric, AlarmTarget, ChildKey, ScalingMetric, alarm_key};
pub use definitions::{
    AlarmDef, CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD, CapacityProviderItem, ContainerDef,
    DISCOVERY_CUSTOM_HEALTH_CHECK, DeploymentGroupDef, DiscoveryServiceDef, EcsDeploymentDef,
    EcsServiceDef, EfsSpec, FirelensDef, ListenerRuleDef, LogGroupDef, PauseDef, RoleDef,
    ScalableTargetDef, ScalingPolicyDef, TargetGroupDef, TaskDefinitionDef, VolumeSpec,
};
pub use expansion::{Expansion, LoadBalancing, expand};
pub use iam::{
    APPLICATION_POLICY_NAME, CODEDEPLOY_ECS_POLICY, ECS_LOAD_BALANCERS_POLICY, EFS_POLICY_NAME,
    EXEC_POLICY_NAME, HOOKS_POLICY_NAME, ROLE_DESCRIPTION, SECRET_SUFFIX_PATTERN,
    SECRETS_POLICY_NAME, TASK_EXECUTION_POLICY, codedeploy_trust_policy, execution_trust_policy,
    infrastructure_trust_policy, managed_policy, secret_policy_resource, task_trust_policy,
};
pub use placement::{Placement, Unplaced, alb_resource_label, cluster_name, target_group_part};
pub use shape::{Child, Shape};
pub use tags::{DRAIN_TIMEOUT_TAG, OWNER_TAG, owner_value};
