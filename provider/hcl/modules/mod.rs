//! The modules themselves: the root `fargate-production-service` and one submodule per group
//! of children, a file each, so a child's resources, inputs and outputs sit in one room. Resource
//! types come from `ChildKey::kind`, names from `NAME_RULES`, the deployment controller from the
//! `DeploymentStrategy`, trust policies and managed policies from `expand`, metric types from
//! `ScalingMetric`. This file lists the modules and in which submodule each child lives; the
//! submodule's file names the child's resource, beside the block that renders it.

mod alarms;
mod autoscaling;
mod cloud_map_service;
mod codedeploy;
mod ecs_service;
mod iam_roles;
mod parts;
mod root;
mod root_expressions;
mod target_group_pair;
mod task_definition;

use crate::service::expand::{ChildKey, DeploymentStrategy};

use super::model::Module;

/// The root module's directory name.
pub const ROOT_MODULE: &str = "fargate-production-service";

/// The submodules: directory name, the module block's name in the root, and what it holds.
pub const SUBMODULES: &[(&str, &str, &str)] = &[
    (
        "iam-roles",
        "iam_roles",
        "the task execution role, the task role, and the role CodeDeploy deploys with or the infrastructure role ECS moves traffic with",
    ),
    (
        "task-definition",
        "task_definition",
        "the CloudWatch log group and the Fargate task definition",
    ),
    (
        "target-group-pair",
        "target_group_pair",
        "the blue and green target groups and the service's rule on the production and test listeners (one group and one rule for a rolling service, none for a service without `load_balancer`)",
    ),
    (
        "cloud-map-service",
        "cloud_map_service",
        "the Cloud Map service tasks register in",
    ),
    (
        "ecs-service",
        "ecs_service",
        "the ECS service under the CODE_DEPLOY or the ECS deployment controller",
    ),
    (
        "codedeploy-blue-green",
        "codedeploy",
        "the CodeDeploy application and blue/green deployment group (`deployment_strategy` `codedeploy`)",
    ),
    (
        "autoscaling",
        "autoscaling",
        "the scalable target and the target-tracking policies",
    ),
    (
        "alarms",
        "alarms",
        "the CloudWatch alarms on the target groups that stop (and roll back) a deployment",
    ),
];

/// Which submodule (module block name) a child belongs to, and its resource name there, as the
/// submodule's file names it; the ECS service's resource depends on the deployment controller
/// and on whether autoscaling owns its count.
pub fn child_address(
    key: ChildKey,
    strategy: DeploymentStrategy,
    autoscaled: bool,
) -> (&'static str, &'static str) {
    match key {
        ChildKey::ExecutionRole => ("iam_roles", iam_roles::EXECUTION_ROLE),
        ChildKey::TaskRole => ("iam_roles", iam_roles::TASK_ROLE),
        ChildKey::CodeDeployRole => ("iam_roles", iam_roles::CODEDEPLOY_ROLE),
        ChildKey::InfrastructureRole => ("iam_roles", iam_roles::INFRASTRUCTURE_ROLE),
        ChildKey::LogGroup => ("task_definition", task_definition::LOG_GROUP),
        ChildKey::TaskDefinition => ("task_definition", task_definition::TASK_DEFINITION),
        ChildKey::BlueTargetGroup => ("target_group_pair", target_group_pair::BLUE_TARGET_GROUP),
        ChildKey::GreenTargetGroup => ("target_group_pair", target_group_pair::GREEN_TARGET_GROUP),
        ChildKey::ProductionListenerRule => (
            "target_group_pair",
            target_group_pair::PRODUCTION_LISTENER_RULE,
        ),
        ChildKey::TestListenerRule => ("target_group_pair", target_group_pair::TEST_LISTENER_RULE),
        ChildKey::DiscoveryService => ("cloud_map_service", cloud_map_service::DISCOVERY_SERVICE),
        ChildKey::EcsService => (
            "ecs_service",
            ecs_service::ecs_service_resource(strategy, autoscaled),
        ),
        ChildKey::CodeDeployApplication => ("codedeploy", codedeploy::APPLICATION),
        ChildKey::DeploymentGroup => ("codedeploy", codedeploy::DEPLOYMENT_GROUP),
        ChildKey::ScalableTarget => ("autoscaling", autoscaling::SCALABLE_TARGET),
        ChildKey::ScalingPolicy(m) => ("autoscaling", autoscaling::metric_name(m)),
        ChildKey::Alarm(m, t) => ("alarms", alarms::alarm_resource(m, t)),
    }
}

/// Whether the child's resource carries `count` in its submodule (it exists only for some
/// configurations), so its address ends in `[0]`.
pub fn resource_is_counted(key: ChildKey) -> bool {
    matches!(
        key,
        ChildKey::CodeDeployRole
            | ChildKey::InfrastructureRole
            | ChildKey::GreenTargetGroup
            | ChildKey::TestListenerRule
            | ChildKey::EcsService
            | ChildKey::ScalingPolicy(_)
            | ChildKey::Alarm(..)
    )
}

/// Submodules that exist only for some configurations carry `count`.
pub fn submodule_is_counted(module: &str) -> bool {
    matches!(
        module,
        "target_group_pair" | "cloud_map_service" | "codedeploy" | "autoscaling" | "alarms"
    )
}

/// Every generated module, root first.
pub fn modules() -> Vec<Module> {
    vec![
        root::root(),
        iam_roles::iam_roles(),
        task_definition::task_definition(),
        target_group_pair::target_group_pair(),
        cloud_map_service::cloud_map_service(),
        ecs_service::ecs_service(),
        codedeploy::codedeploy(),
        autoscaling::autoscaling(),
        alarms::alarms(),
    ]
}

#[cfg(test)]
mod tests {
    use super::parts::submodule_dir;
    use super::*;
    use crate::hcl::model::Item;

    #[test]
    fn every_child_kind_is_a_resource_of_its_submodule() {
        let modules = modules();
        for key in ChildKey::ALL {
            for (strategy, autoscaled) in DeploymentStrategy::ALL
                .into_iter()
                .flat_map(|s| [(s, false), (s, true)])
            {
                let (module_name, resource_name) = child_address(key, strategy, autoscaled);
                let dir = SUBMODULES
                    .iter()
                    .find(|(_, n, _)| *n == module_name)
                    .map(|(d, _, _)| submodule_dir(d));
                let module = modules.iter().find(|m| Some(&m.dir) == dir.as_ref());
                let block = module.and_then(|m| {
                    m.blocks
                        .iter()
                        .find(|b| b.ident == "resource" && b.labels == [key.kind(), resource_name])
                });
                let Some(block) = block else {
                    panic!(
                        "{key:?} ({strategy:?}) is not {module_name}.{}.{resource_name}",
                        key.kind()
                    );
                };
                let counted = block
                    .items
                    .iter()
                    .any(|i| matches!(i, Item::Expr(k, _) if k == "count"));
                assert_eq!(counted, resource_is_counted(key), "{key:?}: count");
            }
        }
    }
}
