//! ECS task definition revisions of the service's family.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    Compatibility, ContainerDefinition, CpuArchitecture, EphemeralStorage, HealthCheck,
    KeyValuePair, LinuxParameters, LogConfiguration, LogDriver, NetworkMode, OsFamily, PortMapping,
    RuntimePlatform, Secret, SortOrder, Tag, TaskDefinitionStatus, TransportProtocol,
};

use crate::service::expand::{ContainerDef, OWNER_TAG, TaskDefinitionDef};
use crate::service::spec::ContainerHealthCheck;

use super::clients::{AwsResult, Clients, absent, err, gone_ok};

/// Registers a new revision; returns its ARN.
pub async fn register(
    c: &Clients,
    def: &TaskDefinitionDef,
    execution_role_arn: &str,
    task_role_arn: &str,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    let ct = &def.container;
    let mut container = ContainerDefinition::builder()
        .name(&ct.name)
        .image(&ct.image)
        .essential(true)
        .port_mappings(
            PortMapping::builder()
                .container_port(ct.port as i32)
                .protocol(TransportProtocol::Tcp)
                .build(),
        )
        .set_command(ct.command.clone())
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
        .stop_timeout(ct.stop_timeout as i32)
        .readonly_root_filesystem(ct.readonly_root_filesystem)
        .linux_parameters(
            LinuxParameters::builder()
                .init_process_enabled(ct.init_process_enabled)
                .build(),
        );
    if let Some(h) = &ct.health_check {
        container = container.health_check(health_check(h)?);
    }
    let log = LogConfiguration::builder()
        .log_driver(LogDriver::Awslogs)
        .set_options(Some(ct.log_options.clone().into_iter().collect()))
        .build()
        .map_err(|e| super::clients::AwsError::new("RegisterTaskDefinition", e.to_string()))?;
    container = container.log_configuration(log);
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
        .container_definitions(container.build())
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
        ))
        .send()
        .await
        .map_err(err("RegisterTaskDefinition"))?;
    out.task_definition()
        .and_then(|t| t.task_definition_arn())
        .map(str::to_owned)
        .ok_or_else(|| {
            super::clients::AwsError::new("RegisterTaskDefinition", "no ARN in the response")
        })
}

fn health_check(h: &ContainerHealthCheck) -> AwsResult<HealthCheck> {
    HealthCheck::builder()
        .set_command(Some(h.command.clone()))
        .interval(h.interval as i32)
        .timeout(h.timeout as i32)
        .retries(h.retries as i32)
        .start_period(h.start_period as i32)
        .build()
        .map_err(|e| super::clients::AwsError::new("RegisterTaskDefinition", e.to_string()))
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
    if td.status() == Some(&TaskDefinitionStatus::Inactive) {
        return Ok(None);
    }
    let Some(ct) = td.container_definitions().first() else {
        return Ok(None);
    };
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
        container: ContainerDef {
            name: ct.name().unwrap_or_default().to_owned(),
            image: ct.image().unwrap_or_default().to_owned(),
            port: ct
                .port_mappings()
                .first()
                .and_then(|p| p.container_port())
                .map(i64::from)
                .unwrap_or(0),
            command: (!ct.command().is_empty()).then(|| ct.command().to_vec()),
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
            stop_timeout: ct.stop_timeout().map(i64::from).unwrap_or(30),
            init_process_enabled: ct
                .linux_parameters()
                .and_then(|l| l.init_process_enabled())
                .unwrap_or(false),
            readonly_root_filesystem: ct.readonly_root_filesystem().unwrap_or(false),
            health_check: ct.health_check().map(|h| ContainerHealthCheck {
                command: h.command().to_vec(),
                interval: h.interval().map(i64::from).unwrap_or(30),
                timeout: h.timeout().map(i64::from).unwrap_or(5),
                retries: h.retries().map(i64::from).unwrap_or(3),
                start_period: h.start_period().map(i64::from).unwrap_or(0),
            }),
            log_options: ct
                .log_configuration()
                .and_then(|l| l.options())
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        },
    }))
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
    let mut arns = Vec::new();
    for status in [TaskDefinitionStatus::Active, TaskDefinitionStatus::Inactive] {
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
    Ok(out.and_then(|o| {
        o.tags()
            .iter()
            .find(|t| t.key() == Some(OWNER_TAG))
            .and_then(|t| t.value().map(str::to_owned))
    }))
}

/// Deregisters and deletes every revision of exactly this family.
pub async fn delete_family(c: &Clients, family: &str) -> AwsResult<()> {
    let arns = revisions(c, family).await?;
    for arn in &arns {
        gone_ok(
            c.ecs
                .deregister_task_definition()
                .task_definition(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(err("DeregisterTaskDefinition")),
        )?;
    }
    for chunk in arns.chunks(10) {
        gone_ok(
            c.ecs
                .delete_task_definitions()
                .set_task_definitions(Some(chunk.to_vec()))
                .send()
                .await
                .map(|_| ())
                .map_err(err("DeleteTaskDefinitions")),
        )?;
    }
    Ok(())
}

// --- The task definition as a child of the service (see aws/kind.rs) ------------------------

use super::discover::{Found, one, owner_of};
use super::kind::{ChildKind, Cx};
use super::lifecycle::{ChildProblem, required};
use crate::service::expand::{ChildKey, Expansion};
use crate::service::state::ChildIds;

pub struct TaskDefinitionKind;

#[async_trait::async_trait]
impl ChildKind for TaskDefinitionKind {
    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> Result<(), ChildProblem> {
        let g = cx.ids();
        let exec = required(&g.execution_role_arn, "the execution role")?;
        let task = required(&g.task_role_arn, "the task role")?;
        let arn = register(cx.c, &cx.exp.task_definition, &exec, &task, &cx.tags()).await?;
        cx.record(key, |g| g.task_definition_arn = Some(arn));
        Ok(())
    }

    async fn settle(&self, _cx: &Cx<'_>, _key: ChildKey, _fresh: bool) -> Result<(), ChildProblem> {
        // A revision never changes; a new one is a roll-out.
        Ok(())
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        delete_family(cx.c, &cx.exp.task_definition.family).await
    }

    async fn find(
        &self,
        c: &Clients,
        exp: &Expansion,
        _key: ChildKey,
        _known: &ChildIds,
    ) -> AwsResult<Option<Found>> {
        let Some(arn) = latest(c, &exp.task_definition.family).await? else {
            return Ok(None);
        };
        let tag = owner(c, &arn).await?;
        let ids = ChildIds {
            task_definition_arn: Some(arn),
            ..ChildIds::default()
        };
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
