//! The CodeDeploy deployment group: BLUE_GREEN with traffic control over the production and
//! test listeners and the blue/green target group pair.

use std::collections::BTreeMap;

use aws_sdk_codedeploy::types::{
    Alarm, AlarmConfiguration, AutoRollbackConfiguration, AutoRollbackEvent,
    BlueGreenDeploymentConfiguration, DeploymentOption, DeploymentReadyAction,
    DeploymentReadyOption, DeploymentStyle, DeploymentType, EcsService,
    GreenFleetProvisioningAction, GreenFleetProvisioningOption, InstanceAction, LoadBalancerInfo,
    TargetGroupInfo, TargetGroupPairInfo,
};

use crate::service::expand::DeploymentGroupDef;

use super::clients::{AwsResult, Clients, absent, err, gone_ok};

fn blue_green(def: &DeploymentGroupDef) -> BlueGreenDeploymentConfiguration {
    BlueGreenDeploymentConfiguration::builder()
        .terminate_blue_instances_on_deployment_success(
            aws_sdk_codedeploy::types::BlueInstanceTerminationOption::builder()
                .action(InstanceAction::Terminate)
                .termination_wait_time_in_minutes(def.termination_wait_minutes as i32)
                .build(),
        )
        .deployment_ready_option(
            DeploymentReadyOption::builder()
                .action_on_timeout(DeploymentReadyAction::from(def.ready_action))
                .wait_time_in_minutes(def.test_traffic_wait_minutes as i32)
                .build(),
        )
        .green_fleet_provisioning_option(
            GreenFleetProvisioningOption::builder()
                .action(GreenFleetProvisioningAction::DiscoverExisting)
                .build(),
        )
        .build()
}

fn load_balancer_info(def: &DeploymentGroupDef, blue: &str, green: &str) -> LoadBalancerInfo {
    LoadBalancerInfo::builder()
        .target_group_pair_info_list(
            TargetGroupPairInfo::builder()
                .target_groups(TargetGroupInfo::builder().name(blue).build())
                .target_groups(TargetGroupInfo::builder().name(green).build())
                .prod_traffic_route(
                    aws_sdk_codedeploy::types::TrafficRoute::builder()
                        .set_listener_arns(def.production_listener_arn.clone().map(|a| vec![a]))
                        .build(),
                )
                .test_traffic_route(
                    aws_sdk_codedeploy::types::TrafficRoute::builder()
                        .set_listener_arns(def.test_listener_arn.clone().map(|a| vec![a]))
                        .build(),
                )
                .build(),
        )
        .build()
}

fn rollback(def: &DeploymentGroupDef) -> AutoRollbackConfiguration {
    AutoRollbackConfiguration::builder()
        .enabled(!def.auto_rollback_events.is_empty())
        .set_events(Some(
            def.auto_rollback_events
                .iter()
                .map(|e| AutoRollbackEvent::from(e.as_str()))
                .collect(),
        ))
        .build()
}

/// The alarms that stop a deployment; disabled (and empty) when there are none, so an update
/// removes alarms a group had.
fn alarms(def: &DeploymentGroupDef) -> AlarmConfiguration {
    AlarmConfiguration::builder()
        .enabled(!def.alarm_names.is_empty())
        .ignore_poll_alarm_failure(false)
        .set_alarms(Some(
            def.alarm_names
                .iter()
                .map(|n| Alarm::builder().name(n).build())
                .collect(),
        ))
        .build()
}

fn style() -> DeploymentStyle {
    DeploymentStyle::builder()
        .deployment_type(DeploymentType::BlueGreen)
        .deployment_option(DeploymentOption::WithTrafficControl)
        .build()
}

fn ecs_service(def: &DeploymentGroupDef) -> EcsService {
    EcsService::builder()
        .cluster_name(&def.cluster)
        .service_name(&def.service)
        .build()
}

#[allow(clippy::too_many_arguments)]
pub async fn create(
    c: &Clients,
    def: &DeploymentGroupDef,
    service_role_arn: &str,
    blue_target_group: &str,
    green_target_group: &str,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    c.codedeploy
        .create_deployment_group()
        .application_name(&def.application)
        .deployment_group_name(&def.name)
        .deployment_config_name(&def.deployment_config)
        .service_role_arn(service_role_arn)
        .deployment_style(style())
        .blue_green_deployment_configuration(blue_green(def))
        .load_balancer_info(load_balancer_info(
            def,
            blue_target_group,
            green_target_group,
        ))
        .ecs_services(ecs_service(def))
        .auto_rollback_configuration(rollback(def))
        .set_alarm_configuration((!def.alarm_names.is_empty()).then(|| alarms(def)))
        .set_tags(Some(super::tags::to_sdk(tags)))
        .send()
        .await
        .map_err(err("CreateDeploymentGroup"))?;
    Ok(def.name.clone())
}

pub async fn update(
    c: &Clients,
    def: &DeploymentGroupDef,
    blue: &str,
    green: &str,
) -> AwsResult<()> {
    c.codedeploy
        .update_deployment_group()
        .application_name(&def.application)
        .current_deployment_group_name(&def.name)
        .deployment_config_name(&def.deployment_config)
        .deployment_style(style())
        .blue_green_deployment_configuration(blue_green(def))
        .load_balancer_info(load_balancer_info(def, blue, green))
        .ecs_services(ecs_service(def))
        .auto_rollback_configuration(rollback(def))
        .alarm_configuration(alarms(def))
        .send()
        .await
        .map_err(err("UpdateDeploymentGroup"))?;
    Ok(())
}

/// The group's deployment settings; `None` when it is gone.
pub async fn read(
    c: &Clients,
    application: &str,
    name: &str,
) -> AwsResult<Option<DeploymentGroupDef>> {
    let out = match c
        .codedeploy
        .get_deployment_group()
        .application_name(application)
        .deployment_group_name(name)
        .send()
        .await
        .map_err(err("GetDeploymentGroup"))
    {
        Err(e) if e.has_code("ApplicationDoesNotExistException") => return Ok(None),
        other => absent(other)?,
    };
    let Some(info) = out.and_then(|o| o.deployment_group_info) else {
        return Ok(None);
    };
    let pair = info
        .load_balancer_info()
        .and_then(|l| l.target_group_pair_info_list().first());
    let listener = |r: Option<&aws_sdk_codedeploy::types::TrafficRoute>| {
        r.and_then(|r| r.listener_arns().first().cloned())
    };
    let service = info.ecs_services().first();
    Ok(Some(DeploymentGroupDef {
        application: info.application_name().unwrap_or(application).to_owned(),
        name: info.deployment_group_name().unwrap_or(name).to_owned(),
        deployment_config: info.deployment_config_name().unwrap_or_default().to_owned(),
        termination_wait_minutes: info
            .blue_green_deployment_configuration()
            .and_then(|b| b.terminate_blue_instances_on_deployment_success())
            .map(|t| i64::from(t.termination_wait_time_in_minutes()))
            .unwrap_or(0),
        auto_rollback_events: info
            .auto_rollback_configuration()
            .filter(|r| r.enabled())
            .map(|r| r.events().iter().map(|e| e.as_str().to_owned()).collect())
            .unwrap_or_default(),
        production_listener_arn: listener(pair.and_then(|p| p.prod_traffic_route())),
        test_listener_arn: listener(pair.and_then(|p| p.test_traffic_route())),
        cluster: service
            .and_then(|s| s.cluster_name())
            .unwrap_or_default()
            .to_owned(),
        service: service
            .and_then(|s| s.service_name())
            .unwrap_or_default()
            .to_owned(),
        test_traffic_wait_minutes: info
            .blue_green_deployment_configuration()
            .and_then(|b| b.deployment_ready_option())
            .map(|r| i64::from(r.wait_time_in_minutes()))
            .unwrap_or(0),
        ready_action: match info
            .blue_green_deployment_configuration()
            .and_then(|b| b.deployment_ready_option())
            .and_then(|r| r.action_on_timeout())
        {
            Some(DeploymentReadyAction::StopDeployment) => "STOP_DEPLOYMENT",
            _ => "CONTINUE_DEPLOYMENT",
        },
        // Hooks are AppSpec content, not the group's: the read keeps the configured ones.
        hooks: Vec::new(),
        alarm_names: info
            .alarm_configuration()
            .filter(|a| a.enabled())
            .map(|a| {
                a.alarms()
                    .iter()
                    .filter_map(|x| x.name().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }))
}

pub async fn delete(c: &Clients, application: &str, name: &str) -> AwsResult<()> {
    match c
        .codedeploy
        .delete_deployment_group()
        .application_name(application)
        .deployment_group_name(name)
        .send()
        .await
        .map_err(err("DeleteDeploymentGroup"))
    {
        Err(e) if e.has_code("ApplicationDoesNotExistException") => Ok(()),
        other => gone_ok(other.map(|_| ())),
    }
}

// --- The deployment group as a child of the service (see aws/kind.rs) -----------------------

use super::child::{names_for, while_role_propagates};
use super::discover::{codedeploy_arn, one, owner_of};
use super::kind::prelude::*;

pub struct DeploymentGroupKind;

#[async_trait::async_trait]
impl ChildKind for DeploymentGroupKind {
    async fn read(&self, at: &Lookup<'_>, _keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let def = &at.exp.deployment_group;
        let group = read(at.c, &def.application, &def.name).await?;
        seen.present(ChildKey::DeploymentGroup, group.is_some());
        seen.note(|o| o.deployment_group = group);
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let role = cx.required(ChildKey::CodeDeployRole, "the CodeDeploy role")?;
        let (first, second) = names_for(cx.exp, cx.live);
        let tags = cx.tags();
        let def = &cx.exp.deployment_group;
        // CodeDeploy checks that it can assume its role, which IAM may not have propagated yet
        // right after the role was created ("does not have the permissions required to assume
        // the role").
        let name = while_role_propagates(
            |e| e.has_code("InvalidRoleException"),
            || create(cx.c, def, &role, &first, &second, &tags),
        )
        .await?;
        cx.record(key, name);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        if cx.exp.strategy.has_child(key) && old.deployment_group != cx.exp.deployment_group {
            let (first, second) = names_for(cx.exp, cx.live);
            update(cx.c, &cx.exp.deployment_group, &first, &second).await?;
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, _key: ChildKey, fresh: bool) -> KindResult {
        if !fresh {
            let (first, second) = names_for(cx.exp, cx.live);
            update(cx.c, &cx.exp.deployment_group, &first, &second).await?;
        }
        Ok(())
    }

    fn waits_for_settled(&self) -> bool {
        true
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        let Some(name) = cx.id(ChildKey::DeploymentGroup) else {
            return Ok(());
        };
        delete(cx.c, &cx.exp.deployment_group.application, &name).await
    }

    async fn find(&self, at: &Lookup<'_>, _key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let dg = &exp.deployment_group;
        if read(c, &dg.application, &dg.name).await?.is_none() {
            return Ok(None);
        }
        let arn = codedeploy_arn(
            exp,
            &format!("deploymentgroup:{}/{}", dg.application, dg.name),
        );
        let tag = super::codedeploy_application::owner(c, &arn).await?;
        let ids = ChildIds::from_iter([(ChildKey::DeploymentGroup, dg.name.clone())]);
        Ok(one(ids, tag, &owner_of(exp)))
    }
}
