//! ECS rolling update (`rolling`): one target group (or none, for a worker), the deployment
//! circuit breaker, and minimum healthy and maximum percent bounding the replacement.

use super::{Family, LiveFrom, RolloutBy};

pub(super) static FAMILY: Family = Family {
    name: "rolling",
    controller: "ECS",
    deployer: "ECS",
    rollout_failed: "Deployment did not succeed",
    own_children: &[],
    target_group_pair: false,
    ecs_moves_traffic: false,
    live_from: LiveFrom::OnlyGroup,
    rollout: RolloutBy::EcsServiceDeployment,
    // One target group cannot become a pair in place, nor a pair one.
    enters_in_place_from: |_| false,
};
