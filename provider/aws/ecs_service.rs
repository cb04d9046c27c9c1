//! The ECS service: under the CODE_DEPLOY deployment controller, or under ECS's own with the
//! strategy's deployment configuration (and, for ECS-native blue/green, the load balancer's
//! advanced configuration).

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    AdvancedConfiguration, AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem,
    DeploymentController, DeploymentControllerType, LaunchType, LoadBalancer, NetworkConfiguration,
    PropagateTags, ServiceRegistry,
};

use crate::service::expand::{EcsDeploymentDef, EcsServiceDef};

use super::clients::{AwsError, AwsResult, Clients, err};

mod deployment_configuration;
mod monitoring;
pub use deployment_configuration::deployment_configuration;
use deployment_configuration::observed_deployment;
pub use monitoring::high_resolution_metrics;
use monitoring::monitoring;

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
    /// CODE_DEPLOY or ECS.
    pub deployment_controller: Option<String>,
    /// The deployment configuration as AWS reports it, in the expansion's terms (an
    /// ECS-controller service only).
    pub deployment: Option<EcsDeploymentDef>,
    /// The load balancer's advanced configuration (members AWS leaves out are empty).
    pub advanced: Option<Advanced>,
    /// How many deployments the service lists: more than one while an ECS-controller
    /// deployment is under way.
    pub deployments: usize,
    pub enable_execute_command: bool,
    /// The service revisions with tasks (`currentServiceRevisions`): the one it runs, and
    /// during a deployment the other.
    pub current_revisions: Vec<String>,
    /// The metrics ECS publishes every 20 seconds, from the running service revision (the
    /// service's monitoring configuration, which DescribeServices does not report); `None`
    /// where not read.
    pub high_resolution_metrics: Option<Vec<String>>,
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

    /// The task definition revision the service serves production with: the PRIMARY task
    /// set's under CodeDeploy, the service's own under the ECS controller.
    pub fn running_task_definition(&self) -> Option<&str> {
        match self.task_sets.iter().find(|t| t.status == "PRIMARY") {
            Some(primary) => primary.task_definition_arn.as_deref(),
            None => self.task_definition_arn.as_deref(),
        }
    }

    /// Whether a deployment is under way or its original tasks are still there: more than one
    /// task set. Listener rules may then legitimately forward elsewhere than the primary.
    pub fn deployment_in_flight(&self) -> bool {
        self.task_sets.len() > 1 || self.deployments > 1
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
        .map_err(bad("CreateService"))?;
    Ok(NetworkConfiguration::builder()
        .awsvpc_configuration(vpc)
        .build())
}

/// What ECS-native blue/green needs besides the live target group: the idle one, the rules
/// ECS rewrites, and the role it does so with.
#[derive(Debug, Clone, PartialEq)]
pub struct Advanced {
    pub alternate_target_group: String,
    pub production_rule: String,
    pub test_rule: Option<String>,
    pub role: String,
}

fn bad(op: &'static str) -> impl Fn(aws_smithy_types::error::operation::BuildError) -> AwsError {
    move |e| AwsError::new(op, e.to_string())
}

/// The capacity provider strategy items of the definition.
fn capacity_providers(
    def: &EcsServiceDef,
    op: &'static str,
) -> AwsResult<Vec<CapacityProviderStrategyItem>> {
    def.capacity_provider_strategy
        .iter()
        .map(|item| {
            CapacityProviderStrategyItem::builder()
                .capacity_provider(&item.capacity_provider)
                .base(item.base as i32)
                .weight(item.weight as i32)
                .build()
                .map_err(bad(op))
        })
        .collect()
}

/// ECS refuses a health check grace period on a service without a load balancer.
fn grace_period(def: &EcsServiceDef) -> Option<i32> {
    def.health_check_grace_period.map(|s| s as i32)
}

fn load_balancer(
    def: &EcsServiceDef,
    target_group_arn: &str,
    advanced: Option<&Advanced>,
) -> LoadBalancer {
    let mut lb = LoadBalancer::builder()
        .target_group_arn(target_group_arn)
        .container_name(&def.container_name)
        .set_container_port(def.container_port.map(|p| p as i32));
    if let Some(a) = advanced {
        lb = lb.advanced_configuration(
            AdvancedConfiguration::builder()
                .alternate_target_group_arn(&a.alternate_target_group)
                .production_listener_rule(&a.production_rule)
                .set_test_listener_rule(a.test_rule.clone())
                .role_arn(&a.role)
                .build(),
        );
    }
    lb.build()
}

pub async fn create(
    c: &Clients,
    def: &EcsServiceDef,
    task_definition_arn: &str,
    target_group_arn: Option<&str>,
    registry_arn: Option<&str>,
    advanced: Option<&Advanced>,
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
                .map_err(bad("CreateService"))?,
        )
        .set_load_balancers(target_group_arn.map(|tg| vec![load_balancer(def, tg, advanced)]))
        .network_configuration(network(def)?)
        .platform_version(&def.platform_version)
        .set_health_check_grace_period_seconds(grace_period(def))
        .propagate_tags(PropagateTags::Service)
        .enable_ecs_managed_tags(true)
        .enable_execute_command(def.enable_execute_command)
        .set_monitoring(monitoring(def, false, "CreateService")?)
        .set_tags(Some(super::tags::to_sdk(tags)));
    if let Some(d) = &def.deployment {
        req = req.deployment_configuration(deployment_configuration(
            d,
            advanced.map(|a| a.role.as_str()),
            "CreateService",
        )?);
    }
    if def.capacity_provider_strategy.is_empty() {
        req = req.launch_type(LaunchType::Fargate);
    } else {
        req = req.set_capacity_provider_strategy(Some(capacity_providers(def, "CreateService")?));
    }
    if let Some(arn) = registry_arn {
        let mut registry = ServiceRegistry::builder().registry_arn(arn);
        if def.registry_with_port {
            registry = registry
                .container_name(&def.container_name)
                .set_container_port(def.container_port.map(|p| p as i32));
        }
        req = req.service_registries(registry.build());
    }
    let out = req.send().await.map_err(err("CreateService"))?;
    out.service()
        .and_then(|s| s.service_arn())
        .map(str::to_owned)
        .ok_or_else(|| AwsError::new("CreateService", "no ARN in the response"))
}

/// Settings that change in place without a deployment: the count, the grace period and, under
/// the ECS controller, the deployment configuration (`role` invokes the lifecycle hooks).
pub async fn update(
    c: &Clients,
    def: &EcsServiceDef,
    desired_count: Option<i64>,
    role: Option<&str>,
) -> AwsResult<()> {
    let mut req = c
        .ecs
        .update_service()
        .cluster(&def.cluster)
        .service(&def.name)
        .set_health_check_grace_period_seconds(grace_period(def));
    if let Some(n) = desired_count {
        req = req.desired_count(n as i32);
    }
    if let Some(d) = &def.deployment {
        req = req.deployment_configuration(deployment_configuration(d, role, "UpdateService")?);
    }
    req.send().await.map_err(err("UpdateService"))?;
    Ok(())
}

/// AWS's in-place migration of a CODE_DEPLOY service to the ECS controller: the controller,
/// the strategy's configuration and the load balancer with its advanced configuration in one
/// UpdateService (the rules already forward to both groups). ECS answers with a deployment.
pub async fn migrate_to_ecs(
    c: &Clients,
    def: &EcsServiceDef,
    live_target_group: &str,
    advanced: Option<&Advanced>,
) -> AwsResult<Option<String>> {
    let Some(d) = &def.deployment else {
        return Ok(None);
    };
    let out = c
        .ecs
        .update_service()
        .cluster(&def.cluster)
        .service(&def.name)
        .deployment_controller(
            DeploymentController::builder()
                .r#type(DeploymentControllerType::Ecs)
                .build()
                .map_err(bad("UpdateService"))?,
        )
        .deployment_configuration(deployment_configuration(
            d,
            advanced.map(|a| a.role.as_str()),
            "UpdateService",
        )?)
        .load_balancers(load_balancer(def, live_target_group, advanced))
        .send()
        .await
        .map_err(err("UpdateService"))?;
    Ok(out
        .service()
        .and_then(|s| s.current_service_deployment())
        .map(str::to_owned))
}

/// Starts an ECS-controller roll-out of a task definition revision (with the network, platform
/// and capacity settings a revision carries); returns the service deployment's ARN when AWS
/// names it.
pub async fn deploy(
    c: &Clients,
    def: &EcsServiceDef,
    task_definition_arn: &str,
) -> AwsResult<Option<String>> {
    let mut req = c
        .ecs
        .update_service()
        .cluster(&def.cluster)
        .service(&def.name)
        .task_definition(task_definition_arn)
        .network_configuration(network(def)?)
        .platform_version(&def.platform_version)
        // ECS Exec reaches the tasks this deployment starts.
        .enable_execute_command(def.enable_execute_command)
        // The metrics' resolution is part of the revision: said in full, so a roll-out also
        // turns 20-second metrics off.
        .set_monitoring(monitoring(def, true, "UpdateService")?);
    if !def.capacity_provider_strategy.is_empty() {
        req = req.set_capacity_provider_strategy(Some(capacity_providers(def, "UpdateService")?));
    }
    let out = req.send().await.map_err(err("UpdateService"))?;
    Ok(out
        .service()
        .and_then(|s| s.current_service_deployment())
        .map(str::to_owned))
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
        deployment_controller: s
            .deployment_controller()
            .map(|d| d.r#type().as_str().to_owned()),
        deployment: s
            .deployment_configuration()
            .filter(|_| {
                s.deployment_controller()
                    .is_none_or(|d| d.r#type() == &DeploymentControllerType::Ecs)
            })
            .map(|d| {
                observed_deployment(d, lb.is_some_and(|l| l.advanced_configuration().is_some()))
            }),
        advanced: lb
            .and_then(|l| l.advanced_configuration())
            .map(|a| Advanced {
                alternate_target_group: a
                    .alternate_target_group_arn()
                    .unwrap_or_default()
                    .to_owned(),
                production_rule: a.production_listener_rule().unwrap_or_default().to_owned(),
                test_rule: a.test_listener_rule().map(str::to_owned),
                role: a.role_arn().unwrap_or_default().to_owned(),
            }),
        deployments: s.deployments().len(),
        enable_execute_command: s.enable_execute_command(),
        current_revisions: s
            .current_service_revisions()
            .iter()
            .filter_map(|r| r.arn().map(str::to_owned))
            .collect(),
        high_resolution_metrics: None,
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
            .set_tags(Some(super::tags::to_sdk(new)))
            .send()
            .await
            .map_err(err("TagResource"))?;
    }
    Ok(())
}

/// Deletes the service, running tasks and all.
pub async fn delete(c: &Clients, cluster: &str, name: &str) -> AwsResult<()> {
    // `force` deletes a service that still runs tasks (API_DeleteService): no UpdateService to
    // zero first, which would only be a round more.
    match c
        .ecs
        .delete_service()
        .cluster(cluster)
        .service(name)
        .force(true)
        .send()
        .await
        .map(|_| ())
        .map_err(err("DeleteService"))
    {
        Err(e) if e.is_not_found() || e.has_code("ServiceNotActiveException") => Ok(()),
        other => other,
    }
}

// --- The ECS service as a child of the service (see aws/kind.rs) ----------------------------

use super::child::{
    ChildProblem, advanced_of, ecs_cannot_assume_role, live_target_group, required,
    while_role_propagates,
};
use super::discover::{one, owner_of};
use super::kind::prelude::*;
use crate::service::expand::OWNER_TAG;

pub struct EcsServiceKind;

#[async_trait::async_trait]
impl ChildKind for EcsServiceKind {
    async fn read(&self, at: &Lookup<'_>, _keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let def = &at.exp.ecs_service;
        let mut service = read(at.c, &def.cluster, &def.name).await?;
        // The metrics' resolution is read only for a service that asks for 20-second metrics
        // (its revisions carry it; DescribeServices does not): one more round of calls for
        // those only, and a service scaling on 60-second metrics plans in one round.
        if let Some(s) = service.as_mut()
            && s.deployment_controller.as_deref() == Some("ECS")
            && !at.exp.ecs_service.high_resolution_metrics.is_empty()
        {
            s.high_resolution_metrics = high_resolution_metrics(at.c, s).await?;
        }
        seen.present(ChildKey::EcsService, service.is_some());
        seen.note(|o| o.service = service);
        Ok(())
    }

    /// What only the running service tells: the revision it runs, whether it still registers
    /// in the service's Cloud Map service, and its deployment configuration.
    async fn relate(&self, at: &Lookup<'_>, key: ChildKey, o: &mut Observed) -> AwsResult<()> {
        let Some(service) = o.service.clone() else {
            return Ok(());
        };
        // A revision deployed outside Terraform (a pipeline's deployment, an UpdateService) is
        // what the service runs: the state is compared with it, so its containers show as
        // drift. One that says the same as the stored revision is no drift: an apply
        // interrupted after creating the service leaves it running the revision registered
        // then, and the apply that adopts the service registers an equal one.
        let family = format!(":task-definition/{}:", at.exp.task_definition.family);
        if let Some(running) = Some(&service)
            .filter(|s| !s.deployment_in_flight())
            .and_then(|s| s.running_task_definition())
            .filter(|arn| {
                arn.contains(&family) && Some(*arn) != at.known.get(ChildKey::TaskDefinition)
            })
            && let Some(td) = super::task_definition::read(at.c, running).await?
            && o.task_definition.as_ref() != Some(&td)
        {
            o.task_definition = Some(td);
            o.ids.set(ChildKey::TaskDefinition, running.to_owned());
        }
        o.registry_detached = at.exp.discovery.is_some()
            && (service.registry_arn.is_none()
                || service.registry_arn != o.ids.discovery_service_arn);
        // The deployment configuration of an ECS-controller service changed outside Terraform
        // (strategy, bake time, alarms, circuit breaker): the apply puts it back.
        if let Some(want) = &at.exp.ecs_service.deployment
            && service.deployment_controller.as_deref() == Some("ECS")
            && service.deployment.as_ref() != Some(want)
        {
            o.ids.pending.insert(key);
            o.ids.drift.push(
                "the ECS service's deployment configuration differs from the configuration \
                 (changed outside Terraform); the apply sets it again."
                    .to_owned(),
            );
        }
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let exp = cx.exp;
        let g = cx.ids();
        let task_def = required(&g, ChildKey::TaskDefinition, "the task definition")?;
        let target = match exp.load_balancing {
            Some(_) => Some(
                live_target_group(&g, cx.live)
                    .ok_or(ChildProblem::Needs("the live target group"))?,
            ),
            None => None,
        };
        let registry = g.discovery_service_arn.clone();
        let advanced = advanced_of(exp, &g, cx.live)?;
        let mut def = exp.ecs_service.clone();
        def.tags.insert(OWNER_TAG.to_owned(), owner_of(exp));
        // ECS checks that it can assume the infrastructure role, which IAM may not have
        // propagated yet right after it was created.
        let arn = while_role_propagates(ecs_cannot_assume_role, || {
            create(
                cx.c,
                &def,
                &task_def,
                target.as_deref(),
                registry.as_deref(),
                advanced.as_ref(),
            )
        })
        .await?;
        cx.record(key, arn);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        let (o, n) = (&old.ecs_service, &cx.exp.ecs_service);
        // With autoscaling, Application Auto Scaling owns the running count; only a configured
        // change of desired_count is pushed.
        let count = (o.desired_count != n.desired_count).then_some(n.desired_count);
        let settings = if count.is_some()
            || o.health_check_grace_period != n.health_check_grace_period
            || (o.deployment.is_some() && o.deployment != n.deployment)
        {
            let role = cx.id(ChildKey::InfrastructureRole);
            update(cx.c, n, count, role.as_deref()).await
        } else {
            Ok(())
        };
        // The tags are changed even when the settings failed, as two separate calls.
        let tags = match cx.id(key) {
            Some(arn) if o.tags != n.tags => retag(cx.c, &arn, &o.tags, &n.tags).await,
            _ => Ok(()),
        };
        settings?;
        tags?;
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, _key: ChildKey, fresh: bool) -> KindResult {
        if !fresh {
            let def = &cx.exp.ecs_service;
            let role = cx.id(ChildKey::InfrastructureRole);
            update(cx.c, def, Some(def.desired_count), role.as_deref()).await?;
        }
        Ok(())
    }

    fn waits_for_settled(&self) -> bool {
        true
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        delete(cx.c, &cx.exp.ecs_service.cluster, &cx.exp.ecs_service.name).await
    }

    async fn find(&self, at: &Lookup<'_>, _key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let Some(s) = read(c, &exp.ecs_service.cluster, &exp.ecs_service.name).await? else {
            return Ok(None);
        };
        let tag = s.tags.get(OWNER_TAG).cloned();
        // The revision the service runs, which `discover` prefers to the family's newest (a
        // roll-out that failed or was rolled back leaves a newer one unused).
        let family = format!(":task-definition/{}:", exp.task_definition.family);
        let mut ids = ChildIds::from_iter([(ChildKey::EcsService, s.arn.clone())]);
        if let Some(running) = s
            .running_task_definition()
            .filter(|arn| arn.contains(&family))
        {
            ids.set(ChildKey::TaskDefinition, running);
        }
        Ok(one(ids, tag, &owner_of(exp)))
    }
}
