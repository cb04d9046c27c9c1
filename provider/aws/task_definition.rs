//! ECS task definition revisions of the service's family.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    Compatibility, ContainerCondition, ContainerDefinition, ContainerDependency, CpuArchitecture,
    EfsAuthorizationConfig, EfsAuthorizationConfigIam, EfsTransitEncryption,
    EfsVolumeConfiguration, EphemeralStorage, FirelensConfiguration, FirelensConfigurationType,
    HealthCheck, KernelCapabilities, KeyValuePair, LinuxParameters, LogConfiguration, LogDriver,
    MountPoint, NetworkMode, OsFamily, PortMapping, RuntimePlatform, Secret, SortOrder,
    TaskDefinitionStatus, TransportProtocol, Ulimit, UlimitName, Volume,
};

use crate::service::expand::{ContainerDef, EfsSpec, FirelensDef, TaskDefinitionDef, VolumeSpec};
use crate::service::spec::ContainerHealthCheck;

use super::clients::{AwsError, AwsResult, Clients, absent, err, gone_ok};

/// Registers a new revision; returns its ARN.
pub async fn register(
    c: &Clients,
    def: &TaskDefinitionDef,
    execution_role_arn: &str,
    task_role_arn: &str,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    let containers = def
        .containers
        .iter()
        .map(container_definition)
        .collect::<AwsResult<Vec<_>>>()?;
    let volumes = def
        .volumes
        .iter()
        .map(volume)
        .collect::<AwsResult<Vec<_>>>()?;
    let out = c
        .ecs
        .register_task_definition()
        .family(&def.family)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu(def.cpu.to_string())
        .memory(def.memory.to_string())
        .runtime_platform(
            RuntimePlatform::builder()
                .cpu_architecture(CpuArchitecture::from(def.cpu_architecture.as_str()))
                .operating_system_family(OsFamily::Linux)
                .build(),
        )
        .ephemeral_storage(
            EphemeralStorage::builder()
                .size_in_gib(def.ephemeral_storage_gib as i32)
                .build(),
        )
        .execution_role_arn(execution_role_arn)
        .task_role_arn(task_role_arn)
        .set_container_definitions(Some(containers))
        .set_volumes((!volumes.is_empty()).then_some(volumes))
        .set_tags(Some(super::tags::to_sdk(tags)))
        .send()
        .await
        .map_err(err("RegisterTaskDefinition"))?;
    out.task_definition()
        .and_then(|t| t.task_definition_arn())
        .map(str::to_owned)
        .ok_or_else(|| invalid("no ARN in the response"))
}

fn invalid(message: impl std::fmt::Display) -> AwsError {
    AwsError::new("RegisterTaskDefinition", message.to_string())
}

/// One container definition as ECS takes it; what is unset stays out.
fn container_definition(ct: &ContainerDef) -> AwsResult<ContainerDefinition> {
    let mut linux = LinuxParameters::builder().init_process_enabled(ct.init_process_enabled);
    if !ct.drop_capabilities.is_empty() || !ct.add_capabilities.is_empty() {
        linux = linux.capabilities(
            KernelCapabilities::builder()
                .set_add((!ct.add_capabilities.is_empty()).then(|| ct.add_capabilities.clone()))
                .set_drop((!ct.drop_capabilities.is_empty()).then(|| ct.drop_capabilities.clone()))
                .build(),
        );
    }
    let mut container = ContainerDefinition::builder()
        .name(&ct.name)
        .image(&ct.image)
        .essential(ct.essential)
        .set_port_mappings(Some(
            ct.port_mappings
                .iter()
                .map(|(port, protocol)| {
                    PortMapping::builder()
                        .container_port(*port as i32)
                        .protocol(TransportProtocol::from(protocol.as_str()))
                        .build()
                })
                .collect(),
        ))
        .set_command(ct.command.clone())
        .set_entry_point(ct.entry_point.clone())
        .set_environment(Some(
            ct.environment
                .iter()
                .map(|(k, v)| KeyValuePair::builder().name(k).value(v).build())
                .collect(),
        ))
        .set_secrets(Some(
            ct.secrets
                .iter()
                .filter_map(|(k, v)| Secret::builder().name(k).value_from(v).build().ok())
                .collect(),
        ))
        .set_cpu(ct.cpu.map(|n| n as i32))
        .set_memory(ct.memory.map(|n| n as i32))
        .set_memory_reservation(ct.memory_reservation.map(|n| n as i32))
        .set_user(ct.user.clone())
        .set_stop_timeout(ct.stop_timeout.map(|n| n as i32))
        .readonly_root_filesystem(ct.readonly_root_filesystem)
        .linux_parameters(linux.build());
    for (name, condition) in &ct.depends_on {
        container = container.depends_on(
            ContainerDependency::builder()
                .container_name(name)
                .condition(ContainerCondition::from(condition.as_str()))
                .build()
                .map_err(invalid)?,
        );
    }
    for m in &ct.mount_points {
        container = container.mount_points(
            MountPoint::builder()
                .source_volume(&m.source_volume)
                .container_path(&m.container_path)
                .read_only(m.read_only)
                .build(),
        );
    }
    for u in &ct.ulimits {
        container = container.ulimits(
            Ulimit::builder()
                .name(UlimitName::from(u.name.as_str()))
                .soft_limit(u.soft_limit as i32)
                .hard_limit(u.hard_limit as i32)
                .build()
                .map_err(invalid)?,
        );
    }
    if let Some(h) = &ct.health_check {
        container = container.health_check(health_check(h)?);
    }
    if let Some(f) = &ct.firelens {
        container = container.firelens_configuration(
            FirelensConfiguration::builder()
                .r#type(FirelensConfigurationType::from(f.kind.as_str()))
                .set_options(
                    (!f.options.is_empty()).then(|| f.options.clone().into_iter().collect()),
                )
                .build()
                .map_err(invalid)?,
        );
    }
    let log = LogConfiguration::builder()
        .log_driver(LogDriver::from(ct.log_driver.as_str()))
        .set_options(Some(ct.log_options.clone().into_iter().collect()))
        .build()
        .map_err(invalid)?;
    Ok(container.log_configuration(log).build())
}

fn volume(v: &VolumeSpec) -> AwsResult<Volume> {
    let mut volume = Volume::builder().name(&v.name);
    if let Some(e) = &v.efs {
        let enabled = |on: bool| {
            if on {
                EfsTransitEncryption::Enabled
            } else {
                EfsTransitEncryption::Disabled
            }
        };
        let efs = EfsVolumeConfiguration::builder()
            .file_system_id(&e.file_system_id)
            .set_root_directory(e.root_directory.clone())
            .transit_encryption(enabled(e.transit_encryption))
            .authorization_config(
                EfsAuthorizationConfig::builder()
                    .set_access_point_id(e.access_point_id.clone())
                    .iam(if e.iam_authorization {
                        EfsAuthorizationConfigIam::Enabled
                    } else {
                        EfsAuthorizationConfigIam::Disabled
                    })
                    .build(),
            );
        volume = volume.efs_volume_configuration(efs.build().map_err(invalid)?);
    }
    Ok(volume.build())
}

fn health_check(h: &ContainerHealthCheck) -> AwsResult<HealthCheck> {
    HealthCheck::builder()
        .set_command(Some(h.command.clone()))
        .interval(h.interval as i32)
        .timeout(h.timeout as i32)
        .retries(h.retries as i32)
        .start_period(h.start_period as i32)
        .build()
        .map_err(invalid)
}

/// What a registered revision says, in the expansion's terms; `None` when it is gone or
/// deregistered.
pub async fn read(c: &Clients, arn: &str) -> AwsResult<Option<TaskDefinitionDef>> {
    let Some(out) = described(
        c.ecs
            .describe_task_definition()
            .task_definition(arn)
            .send()
            .await
            .map_err(err("DescribeTaskDefinition")),
    )?
    else {
        return Ok(None);
    };
    let Some(td) = out.task_definition() else {
        return Ok(None);
    };
    if td.status() == Some(&TaskDefinitionStatus::Inactive) || td.container_definitions().is_empty()
    {
        return Ok(None);
    }
    let num = |s: Option<&str>| s.and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    Ok(Some(TaskDefinitionDef {
        family: td.family().unwrap_or_default().to_owned(),
        cpu: num(td.cpu()),
        memory: num(td.memory()),
        cpu_architecture: td
            .runtime_platform()
            .and_then(|p| p.cpu_architecture())
            .map(|a| a.as_str().to_owned())
            .unwrap_or_else(|| "X86_64".to_owned()),
        ephemeral_storage_gib: td
            .ephemeral_storage()
            .map(|e| i64::from(e.size_in_gib()))
            .unwrap_or(21),
        containers: td.container_definitions().iter().map(observed).collect(),
        volumes: td.volumes().iter().map(observed_volume).collect(),
    }))
}

/// A container definition as ECS reports it. ECS fills some fields in (a `cpu` of 0, empty
/// lists, a host port equal to the container port): those read as unset.
fn observed(ct: &ContainerDefinition) -> ContainerDef {
    let non_empty = |v: &[String]| (!v.is_empty()).then(|| v.to_vec());
    let capabilities = ct.linux_parameters().and_then(|l| l.capabilities());
    let mut depends_on: Vec<(String, String)> = ct
        .depends_on()
        .iter()
        .map(|d| {
            (
                d.container_name().to_owned(),
                d.condition().as_str().to_owned(),
            )
        })
        .collect();
    depends_on.sort();
    ContainerDef {
        name: ct.name().unwrap_or_default().to_owned(),
        image: ct.image().unwrap_or_default().to_owned(),
        essential: ct.essential().unwrap_or(true),
        port_mappings: ct
            .port_mappings()
            .iter()
            .filter_map(|p| {
                Some((
                    i64::from(p.container_port()?),
                    p.protocol().map_or("tcp", |t| t.as_str()).to_owned(),
                ))
            })
            .collect(),
        command: non_empty(ct.command()),
        entry_point: non_empty(ct.entry_point()),
        environment: ct
            .environment()
            .iter()
            .filter_map(|kv| Some((kv.name()?.to_owned(), kv.value()?.to_owned())))
            .collect(),
        secrets: ct
            .secrets()
            .iter()
            .map(|s| (s.name().to_owned(), s.value_from().to_owned()))
            .collect(),
        cpu: Some(i64::from(ct.cpu())).filter(|n| *n > 0),
        memory: ct.memory().map(i64::from),
        memory_reservation: ct.memory_reservation().map(i64::from),
        user: ct.user().filter(|u| !u.is_empty()).map(str::to_owned),
        depends_on,
        stop_timeout: ct.stop_timeout().map(i64::from),
        init_process_enabled: ct
            .linux_parameters()
            .and_then(|l| l.init_process_enabled())
            .unwrap_or(false),
        readonly_root_filesystem: ct.readonly_root_filesystem().unwrap_or(false),
        drop_capabilities: capabilities.map(|c| c.drop().to_vec()).unwrap_or_default(),
        add_capabilities: capabilities.map(|c| c.add().to_vec()).unwrap_or_default(),
        health_check: ct.health_check().map(|h| ContainerHealthCheck {
            command: h.command().to_vec(),
            interval: h.interval().map(i64::from).unwrap_or(30),
            timeout: h.timeout().map(i64::from).unwrap_or(5),
            retries: h.retries().map(i64::from).unwrap_or(3),
            start_period: h.start_period().map(i64::from).unwrap_or(0),
        }),
        mount_points: ct
            .mount_points()
            .iter()
            .map(|m| crate::service::spec::MountPoint {
                source_volume: m.source_volume().unwrap_or_default().to_owned(),
                container_path: m.container_path().unwrap_or_default().to_owned(),
                read_only: m.read_only().unwrap_or(false),
            })
            .collect(),
        ulimits: ct
            .ulimits()
            .iter()
            .map(|u| crate::service::spec::Ulimit {
                name: u.name().as_str().to_owned(),
                soft_limit: i64::from(u.soft_limit()),
                hard_limit: i64::from(u.hard_limit()),
            })
            .collect(),
        log_driver: ct
            .log_configuration()
            .map_or("awslogs", |l| l.log_driver().as_str())
            .to_owned(),
        log_options: ct
            .log_configuration()
            .and_then(|l| l.options())
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        firelens: ct.firelens_configuration().map(|f| FirelensDef {
            kind: f.r#type().as_str().to_owned(),
            options: f
                .options()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        }),
    }
}

fn observed_volume(v: &Volume) -> VolumeSpec {
    VolumeSpec {
        name: v.name().unwrap_or_default().to_owned(),
        efs: v.efs_volume_configuration().map(|e| {
            let auth = e.authorization_config();
            EfsSpec {
                file_system_id: e.file_system_id().to_owned(),
                root_directory: e
                    .root_directory()
                    .filter(|r| *r != "/" && !r.is_empty())
                    .map(str::to_owned),
                access_point_id: auth.and_then(|a| a.access_point_id()).map(str::to_owned),
                transit_encryption: e.transit_encryption() == Some(&EfsTransitEncryption::Enabled),
                iam_authorization: auth.and_then(|a| a.iam())
                    == Some(&EfsAuthorizationConfigIam::Enabled),
            }
        }),
    }
}

/// `Ok(None)` when the revision does not exist: ECS answers a revision it has deleted (or never
/// had) with ClientException "Unable to describe task definition.", not a not-found code.
fn described<T>(r: AwsResult<T>) -> AwsResult<Option<T>> {
    match absent(r) {
        Err(e) if e.has_code("ClientException") && e.message.contains("Unable to describe") => {
            Ok(None)
        }
        other => other,
    }
}

/// The family part of `…:task-definition/<family>:<revision>`.
fn family_of(arn: &str) -> Option<&str> {
    arn.rsplit_once(":task-definition/")?
        .1
        .rsplit_once(':')
        .map(|(f, _)| f)
}

/// Every revision of exactly this family that AWS still lists (ACTIVE or INACTIVE), newest
/// first.
pub async fn revisions(c: &Clients, family: &str) -> AwsResult<Vec<String>> {
    let listed = listed(c, family).await?;
    Ok([listed.active, listed.inactive].concat())
}

/// A family's revisions by status, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revisions {
    pub active: Vec<String>,
    pub inactive: Vec<String>,
}

/// The family's ACTIVE and INACTIVE revisions, both listed at once.
pub async fn listed(c: &Clients, family: &str) -> AwsResult<Revisions> {
    let (active, inactive) = tokio::try_join!(
        with_status(c, family, TaskDefinitionStatus::Active),
        with_status(c, family, TaskDefinitionStatus::Inactive),
    )?;
    Ok(Revisions { active, inactive })
}

async fn with_status(
    c: &Clients,
    family: &str,
    status: TaskDefinitionStatus,
) -> AwsResult<Vec<String>> {
    let mut arns = Vec::new();
    let mut pages = c
        .ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(status)
        .sort(SortOrder::Desc)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(err("ListTaskDefinitions"))?;
        arns.extend(
            page.task_definition_arns()
                .iter()
                .filter(|a| family_of(a) == Some(family))
                .cloned(),
        );
    }
    Ok(arns)
}

/// The newest revision of the family, when any is left.
pub async fn latest(c: &Clients, family: &str) -> AwsResult<Option<String>> {
    Ok(revisions(c, family).await?.into_iter().next())
}

/// A revision's owner tag, when it has one.
pub async fn owner(c: &Clients, arn: &str) -> AwsResult<Option<String>> {
    let out = described(
        c.ecs
            .describe_task_definition()
            .task_definition(arn)
            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(err("DescribeTaskDefinition")),
    )?;
    Ok(out.and_then(|o| super::tags::owner_in(o.tags())))
}

/// How many revisions are deregistered at once (a family can have hundreds).
const DEREGISTER_AT_ONCE: usize = 10;

/// Deregisters and deletes every revision of exactly this family.
pub async fn delete_family(c: &Clients, family: &str) -> AwsResult<()> {
    delete_listed(c, &listed(c, family).await?).await
}

/// Deregisters the ACTIVE revisions listed (earlier, while the service using them was being
/// deleted), then deletes every revision listed (DeleteTaskDefinitions takes only INACTIVE
/// ones, ten a call); the calls of each step go out together. Destroy's final check lists
/// the family again, so a revision registered since is reported, not missed.
pub async fn delete_listed(c: &Clients, listed: &Revisions) -> AwsResult<()> {
    use futures::stream::{self, StreamExt, TryStreamExt};
    let Revisions { active, inactive } = listed;
    let deregisters: Vec<_> = active.iter().map(|arn| deregister(c, arn)).collect();
    stream::iter(deregisters)
        .buffer_unordered(DEREGISTER_AT_ONCE)
        .try_collect::<()>()
        .await?;
    let every = [active.as_slice(), inactive.as_slice()].concat();
    futures::future::try_join_all(every.chunks(10).map(|chunk| delete_revisions(c, chunk))).await?;
    Ok(())
}

async fn deregister(c: &Clients, arn: &str) -> AwsResult<()> {
    gone_ok(
        c.ecs
            .deregister_task_definition()
            .task_definition(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeregisterTaskDefinition")),
    )
}

async fn delete_revisions(c: &Clients, arns: &[String]) -> AwsResult<()> {
    gone_ok(
        c.ecs
            .delete_task_definitions()
            .set_task_definitions(Some(arns.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteTaskDefinitions")),
    )
}

// --- The task definition as a child of the service (see aws/kind.rs) ------------------------

use super::child::required;
use super::discover::{one, owner_of};
use super::kind::prelude::*;

pub struct TaskDefinitionKind;

#[async_trait::async_trait]
impl ChildKind for TaskDefinitionKind {
    /// The recorded revision; the one the service runs instead is the ECS service's to tell
    /// (its [`relate`](ChildKind::relate)).
    async fn read(&self, at: &Lookup<'_>, _keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let Some(arn) = at.known.get(ChildKey::TaskDefinition) else {
            return Ok(());
        };
        let revision = read(at.c, arn).await?;
        seen.present(ChildKey::TaskDefinition, revision.is_some());
        seen.note(|o| o.task_definition = revision);
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let g = cx.ids();
        let exec = required(&g, ChildKey::ExecutionRole, "the execution role")?;
        let task = required(&g, ChildKey::TaskRole, "the task role")?;
        let arn = register(cx.c, &cx.exp.task_definition, &exec, &task, &cx.tags()).await?;
        cx.record(key, arn);
        Ok(())
    }

    async fn settle(&self, _cx: &Cx<'_>, _key: ChildKey, _fresh: bool) -> KindResult {
        // A revision never changes; a new one is a roll-out.
        Ok(())
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        match cx.listed.revisions() {
            Some(revisions) => delete_listed(cx.c, revisions).await,
            None => delete_family(cx.c, &cx.exp.task_definition.family).await,
        }
    }

    async fn find(&self, at: &Lookup<'_>, _key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let Some(arn) = latest(c, &exp.task_definition.family).await? else {
            return Ok(None);
        };
        let tag = owner(c, &arn).await?;
        let ids = ChildIds::from_iter([(ChildKey::TaskDefinition, arn)]);
        Ok(one(ids, tag, &owner_of(exp)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_revision_ecs_cannot_describe_is_gone() {
        use super::super::clients::AwsError;
        let gone = AwsError {
            operation: "DescribeTaskDefinition",
            code: Some("ClientException".into()),
            message: "ClientException: Unable to describe task definition.".into(),
        };
        assert!(matches!(super::described::<()>(Err(gone)), Ok(None)));
        let denied = AwsError {
            operation: "DescribeTaskDefinition",
            code: Some("ClientException".into()),
            message: "ClientException: not authorized".into(),
        };
        assert!(super::described::<()>(Err(denied)).is_err());
    }

    #[test]
    fn family_is_matched_exactly() {
        let arn = "arn:aws:ecs:us-east-1:1:task-definition/checkout-api:3";
        assert_eq!(super::family_of(arn), Some("checkout-api"));
        assert_eq!(
            super::family_of("arn:aws:ecs:us-east-1:1:task-definition/checkout-api-v2:1"),
            Some("checkout-api-v2")
        );
    }
}
