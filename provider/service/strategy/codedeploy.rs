//! CodeDeploy blue/green (`codedeploy`): the ECS service under the CODE_DEPLOY controller, task
//! sets, a CodeDeploy application, deployment group and role, and an AppSpec deployment per
//! roll-out that moves the listener rules between the blue and the green group.

use super::{Family, LiveFrom, Peak, RolloutBy};
use crate::service::expand::ChildKey;

/// The `blue_green` block's settings, all CodeDeploy's (the deployment group's).
pub const SETTINGS: &[&str] = &[
    "deployment_config",
    "termination_wait_minutes",
    "auto_rollback_events",
    "test_traffic_wait_minutes",
    "approve_traffic",
    "hooks",
];

pub(super) static FAMILY: Family = Family {
    name: "CodeDeploy",
    controller: "CODE_DEPLOY",
    deployer: "CodeDeploy",
    rollout_failed: "Blue/green deployment did not succeed",
    own_children: &[
        ChildKey::CodeDeployRole,
        ChildKey::CodeDeployApplication,
        ChildKey::DeploymentGroup,
    ],
    target_group_pair: true,
    ecs_moves_traffic: false,
    live_from: LiveFrom::PrimaryTaskSet,
    rollout: RolloutBy::CodeDeployDeployment,
    // CodeDeploy's deployment group carries the deployment's settings.
    ecs_deployment: |_, _, _| None,
    // Leaving CodeDeploy for another controller needs a new ECS service; nothing comes back in.
    enters_in_place_from: |_| false,
    peak: Peak::FullSetBeside,
};
