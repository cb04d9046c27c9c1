//! The ECS service, under the CODE_DEPLOY deployment controller.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, DeploymentController,
    DeploymentControllerType, LaunchType, LoadBalancer, NetworkConfiguration, PropagateTags,
    ServiceRegistry, Tag,
};

use crate::service::expand::EcsServiceDef;

use super::clients::{AwsError, AwsResult, Clients, err, gone_ok};

/// What the ECS service looks like in AWS.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedService {
    pub arn: String,
    pub desired_count: i64,
    pub task_definition_arn: Option<String>,
    pub health_check_grace_period: Option<i64>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: bool,
    pub registry_arn: Option<String>,
    pub load_balancer_target_group: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i64>,
    pub capacity_provider_strategy: Vec<(String, i64, i64)>,
    pub platform_version: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// The task sets of a CODE_DEPLOY service: one PRIMARY, and during and just after a
    /// deployment the other (ACTIVE, then DRAINING).
    pub task_sets: Vec<ObservedTaskSet>,
}

/// A task set as DescribeServices reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedTaskSet {
    /// PRIMARY, ACTIVE or DRAINING.
    pub status: String,
    pub task_definition_arn: Option<String>,
    pub target_group_arn: Option<String>,
}

impl ObservedService {
    /// The target group production traffic is meant for: the PRIMARY task set's, which is what
    /// CodeDeploy itself goes by; the service's own load balancer when AWS reports no task sets.
    pub fn primary_target_group(&self) -> Option<&str> {
        match self.task_sets.iter().find(|t| t.status == "PRIMARY") {
            Some(primary) => primary.target_group_arn.as_deref(),
            None if self.task_sets.is_empty() => self.load_balancer_target_group.as_deref(),
            None => None,
        }
    }

    /// Whether a deployment is under way or its original tasks are still there: more than one
    /// task set. Listener rules may then legitimately forward elsewhere than the primary.
    pub fn deployment_in_flight(&self) -> bool {
        self.task_sets.len() > 1
    }
}

pub fn network(def: &EcsServiceDef) -> AwsResult<NetworkConfiguration> {
    let vpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(def.subnets.clone()))
        .set_security_groups(Some(def.security_groups.clone()))
        .assign_public_ip(if def.assign_public_ip {
            AssignPublicIp::Enabled
        } else {
            AssignPublicIp::Disabled
        })
        .build()
        .map_err(|e| AwsError::new("CreateService", e.to_string()))?;
    Ok(NetworkConfiguration::builder()
        .awsvpc_configuration(vpc)
        .build())
}

pub async fn create(
    c: &Clients,
    def: &EcsServiceDef,
    task_definition_arn: &str,
    target_group_arn: &str,
    registry_arn: Option<&str>,
) -> AwsResult<String> {
    let tags = &def.tags;
    let mut req = c
        .ecs
        .create_service()
        .cluster(&def.cluster)
        .service_name(&def.name)
        .task_definition(task_definition_arn)
        .desired_count(def.desired_count as i32)
        .deployment_controller(
            DeploymentController::builder()
                .r#type(DeploymentControllerType::from(def.deployment_controller))
                .build()
                .map_err(|e| AwsError::new("CreateService", e.to_string()))?,
        )
        .load_balancers(
            LoadBalancer::builder()
                .target_group_arn(target_group_arn)
                .container_name(&def.container_name)
                .container_port(def.container_port as i32)
                .build(),
        )
        .network_configuration(network(def)?)
        .platform_version(&def.platform_version)
        .health_check_grace_period_seconds(def.health_check_grace_period as i32)
        .propagate_tags(PropagateTags::Service)
        .enable_ecs_managed_tags(true)
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
        ));
    if def.capacity_provider_strategy.is_empty() {
        req = req.launch_type(LaunchType::Fargate);
    } else {
        for item in &def.capacity_provider_strategy {
            req = req.capacity_provider_strategy(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider(&item.capacity_provider)
                    .base(item.base as i32)
                    .weight(item.weight as i32)
                    .build()
                    .map_err(|e| AwsError::new("CreateService", e.to_string()))?,
            );
        }
    }
    if let Some(arn) = registry_arn {
        let mut registry = ServiceRegistry::builder().registry_arn(arn);
        if def.registry_with_port {
            registry = registry
                .container_name(&def.container_name)
                .container_port(def.container_port as i32);
        }
        req = req.service_registries(registry.build());
    }
    let out = req.send().await.map_err(err("CreateService"))?;
    out.service()
        .and_then(|s| s.service_arn())
        .map(str::to_owned)
        .ok_or_else(|| AwsError::new("CreateService", "no ARN in the response"))
}

/// Settings ECS lets a CODE_DEPLOY service change in place.
pub async fn update(c: &Clients, def: &EcsServiceDef, desired_count: Option<i64>) -> AwsResult<()> {
    let mut req = c
        .ecs
        .update_service()
        .cluster(&def.cluster)
        .service(&def.name)
        .health_check_grace_period_seconds(def.health_check_grace_period as i32);
    if let Some(n) = desired_count {
        req = req.desired_count(n as i32);
    }
    req.send().await.map_err(err("UpdateService"))?;
    Ok(())
}

/// The service; `None` when it is gone (or draining/inactive after a delete).
pub async fn read(c: &Clients, cluster: &str, name: &str) -> AwsResult<Option<ObservedService>> {
    let out = match c
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(name)
        .include(aws_sdk_ecs::types::ServiceField::Tags)
        .send()
        .await
        .map_err(err("DescribeServices"))
    {
        Ok(out) => out,
        Err(e) if e.has_code("ClusterNotFoundException") => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(s) = out.services().iter().find(|s| s.status() == Some("ACTIVE")) else {
        return Ok(None);
    };
    let vpc = s
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration());
    let lb = s.load_balancers().first();
    Ok(Some(ObservedService {
        arn: s.service_arn().unwrap_or_default().to_owned(),
        desired_count: i64::from(s.desired_count()),
        task_definition_arn: s.task_definition().map(str::to_owned),
        health_check_grace_period: s.health_check_grace_period_seconds().map(i64::from),
        subnets: vpc.map(|v| v.subnets().to_vec()).unwrap_or_default(),
        security_groups: vpc
            .map(|v| v.security_groups().to_vec())
            .unwrap_or_default(),
        assign_public_ip: vpc.and_then(|v| v.assign_public_ip()) == Some(&AssignPublicIp::Enabled),
        registry_arn: s
            .service_registries()
            .first()
            .and_then(|r| r.registry_arn().map(str::to_owned)),
        load_balancer_target_group: lb.and_then(|l| l.target_group_arn().map(str::to_owned)),
        container_name: lb.and_then(|l| l.container_name().map(str::to_owned)),
        container_port: lb.and_then(|l| l.container_port()).map(i64::from),
        capacity_provider_strategy: s
            .capacity_provider_strategy()
            .iter()
            .map(|c| {
                (
                    c.capacity_provider().to_owned(),
                    i64::from(c.base()),
                    i64::from(c.weight()),
                )
            })
            .collect(),
        platform_version: s.platform_version().map(str::to_owned),
        tags: s
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
            .collect(),
        task_sets: s
            .task_sets()
            .iter()
            .map(|t| ObservedTaskSet {
                status: t.status().unwrap_or_default().to_owned(),
                task_definition_arn: t.task_definition().map(str::to_owned),
                target_group_arn: t
                    .load_balancers()
                    .first()
                    .and_then(|l| l.target_group_arn().map(str::to_owned)),
            })
            .collect(),
    }))
}

/// Replaces the service's tags with `tags`.
pub async fn retag(
    c: &Clients,
    arn: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> AwsResult<()> {
    let removed: Vec<String> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        c.ecs
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(err("UntagResource"))?;
    }
    if !new.is_empty() {
        c.ecs
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(
                new.iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .send()
            .await
            .map_err(err("TagResource"))?;
    }
    Ok(())
}

/// Scales the service in and deletes it.
pub async fn delete(c: &Clients, cluster: &str, name: &str) -> AwsResult<()> {
    let scaled = c
        .ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .desired_count(0)
        .send()
        .await
        .map(|_| ())
        .map_err(err("UpdateService"));
    match scaled {
        Err(e) if e.is_not_found() || e.has_code("ServiceNotActiveException") => return Ok(()),
        other => other?,
    }
    gone_ok(
        c.ecs
            .delete_service()
            .cluster(cluster)
            .service(name)
            .force(true)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteService")),
    )
}
