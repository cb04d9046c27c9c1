//! The AppSpec a CodeDeploy ECS deployment runs: the new task definition revision, the
//! container and port the load balancer routes to, and the network and capacity settings
//! (CodeDeploy, not UpdateService, changes those on a CODE_DEPLOY service).

use serde_json::{Value as Json, json};

use super::expand::EcsServiceDef;

/// The AppSpec of a deployment of `task_definition_arn`, with the lifecycle `hooks`
/// ((event, Lambda ARN), in the order the events run).
pub fn appspec(
    task_definition_arn: &str,
    service: &EcsServiceDef,
    hooks: &[(String, String)],
) -> Json {
    let mut properties = json!({
        "TaskDefinition": task_definition_arn,
        "LoadBalancerInfo": {
            "ContainerName": service.container_name,
            "ContainerPort": service.container_port,
        },
        "PlatformVersion": service.platform_version,
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "Subnets": service.subnets,
                "SecurityGroups": service.security_groups,
                "AssignPublicIp": if service.assign_public_ip { "ENABLED" } else { "DISABLED" },
            }
        },
    });
    if !service.capacity_provider_strategy.is_empty() {
        properties["CapacityProviderStrategy"] = Json::Array(
            service
                .capacity_provider_strategy
                .iter()
                .map(|c| json!({ "CapacityProvider": c.capacity_provider, "Base": c.base, "Weight": c.weight }))
                .collect(),
        );
    }
    let mut spec = json!({
        "version": 0.0,
        "Resources": [ { "TargetService": { "Type": "AWS::ECS::Service", "Properties": properties } } ],
    });
    if !hooks.is_empty() {
        spec["Hooks"] = hooks
            .iter()
            .map(|(event, arn)| json!({ event: arn }))
            .collect();
    }
    spec
}

/// The state's `appspec`: under CodeDeploy, the AppSpec of a deployment of the running revision
/// (a pipeline that deploys its own revisions puts its ARN in `TaskDefinition`), as JSON; null
/// under the ECS controller, where UpdateService deploys a revision.
pub fn appspec_attribute(
    exp: &super::expand::Expansion,
    task_definition_arn: Option<&str>,
) -> crate::value::Value {
    match task_definition_arn {
        Some(arn) if exp.strategy.uses_codedeploy() => crate::value::Value::string(
            appspec(arn, &exp.ecs_service, &exp.deployment_group.hooks).to_string(),
        ),
        _ => crate::value::Value::Null,
    }
}
