//! ECS-native blue/green, linear and canary (`blue_green`, `linear`, `canary`): the ECS
//! controller moves production traffic itself by the listener rules' weights, through the load
//! balancer's advanced configuration and an infrastructure role, with a bake time and
//! lifecycle hooks.

use super::{Family, LiveFrom, RolloutBy};
use crate::service::expand::ChildKey;

pub(super) static FAMILY: Family = Family {
    name: "ECS-native blue/green",
    controller: "ECS",
    deployer: "ECS",
    rollout_failed: "Deployment did not succeed",
    own_children: &[ChildKey::InfrastructureRole],
    target_group_pair: true,
    ecs_moves_traffic: true,
    live_from: LiveFrom::ProductionRule,
    rollout: RolloutBy::EcsServiceDeployment,
    // AWS documents the move from CodeDeploy blue/green to the ECS-native strategies as an
    // UpdateService of the running service (deploymentController ECS, the advanced
    // configuration): https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-codedeploy-to-ecs-bluegreen.html
    enters_in_place_from: |from| from.rollout == RolloutBy::CodeDeployDeployment,
};
