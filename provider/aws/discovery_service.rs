//! The Cloud Map service tasks register in, for DNS-based discovery.

use std::collections::BTreeMap;

use aws_sdk_servicediscovery::types::{
    DnsConfig, DnsConfigChange, DnsRecord, FilterCondition, HealthCheckCustomConfig, RecordType,
    RoutingPolicy, ServiceChange, ServiceFilter, ServiceFilterName,
};

use crate::service::expand::{CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD, DiscoveryServiceDef};

use super::clients::{AwsError, AwsResult, Clients, absent, err, gone_ok};

/// Identity of a created Cloud Map service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryIds {
    pub id: String,
    pub arn: String,
    pub namespace_name: Option<String>,
}

fn records(def: &DiscoveryServiceDef) -> AwsResult<DnsRecord> {
    DnsRecord::builder()
        .r#type(RecordType::from(def.record_type.as_str()))
        .ttl(def.dns_ttl)
        .build()
        .map_err(|e| AwsError::new("CreateService", e.to_string()))
}

/// The custom health check, with the threshold AWS keeps anyway, so a service ejected to the
/// modules (which set it) imports without a change.
#[allow(deprecated)]
fn health_check() -> HealthCheckCustomConfig {
    HealthCheckCustomConfig::builder()
        .failure_threshold(CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD)
        .build()
}

pub async fn create(
    c: &Clients,
    def: &DiscoveryServiceDef,
    tags: &BTreeMap<String, String>,
) -> AwsResult<DiscoveryIds> {
    // DnsConfig.NamespaceId is deprecated in favour of the service's own NamespaceId, but
    // hashicorp/aws reads it back (and replaces the service when it is missing), so a service
    // ejected to the modules must carry it.
    #[allow(deprecated)]
    let dns = DnsConfig::builder()
        .namespace_id(&def.namespace_id)
        .routing_policy(RoutingPolicy::from(def.routing_policy.as_str()))
        .dns_records(records(def)?)
        .build()
        .map_err(|e| AwsError::new("CreateService", e.to_string()))?;
    let out = c
        .discovery
        .create_service()
        .name(&def.name)
        .namespace_id(&def.namespace_id)
        .dns_config(dns)
        .set_health_check_custom_config(def.custom_health_check.then(health_check))
        .set_tags(Some(super::tags::to_sdk(tags)))
        .send()
        .await
        .map_err(err("CreateService"))?;
    let service = out
        .service()
        .ok_or_else(|| AwsError::new("CreateService", "no service in the response"))?;
    Ok(DiscoveryIds {
        id: service.id().unwrap_or_default().to_owned(),
        arn: service.arn().unwrap_or_default().to_owned(),
        namespace_name: None,
    })
}

/// The services named `name` in the namespace, with their owner tags: Cloud Map refuses a
/// second service of the same name, so a service left by an interrupted apply is found here.
pub async fn find_by_name(
    c: &Clients,
    namespace_id: &str,
    name: &str,
) -> AwsResult<Vec<(DiscoveryIds, Option<String>)>> {
    let filter = ServiceFilter::builder()
        .name(ServiceFilterName::NamespaceId)
        .values(namespace_id)
        .condition(FilterCondition::Eq)
        .build()
        .map_err(|e| AwsError::new("ListServices", e.to_string()))?;
    let mut pages = c
        .discovery
        .list_services()
        .filters(filter)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(err("ListServices"))?;
        for s in page.services().iter().filter(|s| s.name() == Some(name)) {
            let (Some(id), Some(arn)) = (s.id(), s.arn()) else {
                continue;
            };
            let ids = DiscoveryIds {
                id: id.to_owned(),
                arn: arn.to_owned(),
                namespace_name: None,
            };
            let owner = owner(c, arn).await?;
            out.push((ids, owner));
        }
    }
    Ok(out)
}

/// The service's owner tag, when it has one.
pub async fn owner(c: &Clients, arn: &str) -> AwsResult<Option<String>> {
    let out = absent(
        c.discovery
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(err("ListTagsForResource")),
    )?;
    Ok(out.and_then(|o| super::tags::owner_in(o.tags())))
}

/// The DNS name of the namespace, for `dns_name`.
pub async fn namespace_name(c: &Clients, namespace_id: &str) -> AwsResult<Option<String>> {
    let out = absent(
        c.discovery
            .get_namespace()
            .id(namespace_id)
            .send()
            .await
            .map_err(err("GetNamespace")),
    )?;
    Ok(out.and_then(|o| o.namespace().and_then(|n| n.name().map(str::to_owned))))
}

/// Sends the whole DNS configuration (Cloud Map drops what an update leaves out).
pub async fn update(c: &Clients, id: &str, def: &DiscoveryServiceDef) -> AwsResult<()> {
    let change = DnsConfigChange::builder()
        .dns_records(records(def)?)
        .build()
        .map_err(|e| AwsError::new("UpdateService", e.to_string()))?;
    c.discovery
        .update_service()
        .id(id)
        .service(ServiceChange::builder().dns_config(change).build())
        .send()
        .await
        .map_err(err("UpdateService"))?;
    Ok(())
}

/// The service as Cloud Map has it; `None` when it is gone. Its namespace's name is looked up
/// alongside, in `expected_namespace` (the configured one); only a service found in another
/// namespace costs a second lookup after it.
pub async fn read(
    c: &Clients,
    id: &str,
    expected_namespace: Option<&str>,
) -> AwsResult<Option<(DiscoveryServiceDef, DiscoveryIds)>> {
    let (out, expected_name) = tokio::try_join!(
        async {
            absent(
                c.discovery
                    .get_service()
                    .id(id)
                    .send()
                    .await
                    .map_err(err("GetService")),
            )
        },
        async {
            match expected_namespace {
                Some(ns) => namespace_name(c, ns).await,
                None => Ok(None),
            }
        },
    )?;
    let Some(out) = out else {
        return Ok(None);
    };
    let Some(s) = out.service() else {
        return Ok(None);
    };
    let dns = s.dns_config();
    let record = dns.and_then(|d| d.dns_records().first());
    let namespace_id = s.namespace_id().unwrap_or_default().to_owned();
    let def = DiscoveryServiceDef {
        name: s.name().unwrap_or_default().to_owned(),
        dns_ttl: record.map(|r| r.ttl()).unwrap_or(0),
        record_type: record
            .map(|r| r.r#type().as_str().to_owned())
            .unwrap_or_default(),
        routing_policy: dns
            .and_then(|d| d.routing_policy())
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        namespace_id: namespace_id.clone(),
        custom_health_check: s.health_check_custom_config().is_some(),
    };
    let ids = DiscoveryIds {
        id: s.id().unwrap_or_default().to_owned(),
        arn: s.arn().unwrap_or_default().to_owned(),
        namespace_name: if expected_namespace == Some(namespace_id.as_str()) {
            expected_name
        } else {
            namespace_name(c, &namespace_id).await?
        },
    };
    Ok(Some((def, ids)))
}

/// The ID of the service registered under a registry ARN (for import).
pub fn id_from_arn(arn: &str) -> Option<&str> {
    arn.rsplit_once(":service/").map(|(_, id)| id)
}

pub async fn delete(c: &Clients, id: &str) -> AwsResult<()> {
    gone_ok(
        c.discovery
            .delete_service()
            .id(id)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteService")),
    )
}

// --- The Cloud Map service as a child of the service (see aws/kind.rs) ----------------------

use super::discover::{one, owner_of};
use super::kind::prelude::*;

pub struct DiscoveryServiceKind;

#[async_trait::async_trait]
impl ChildKind for DiscoveryServiceKind {
    async fn read(&self, at: &Lookup<'_>, _keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let key = ChildKey::DiscoveryService;
        let Some(id) = at.known.get(key) else {
            return Ok(());
        };
        let namespace = at.exp.discovery.as_ref().map(|d| d.namespace_id.as_str());
        let found = read(at.c, id, namespace).await?;
        seen.present(key, found.is_some());
        seen.note(|o| {
            if let Some((def, ids)) = found {
                o.ids.namespace_name = ids.namespace_name;
                o.discovery = Some(def);
            }
        });
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let Some(def) = &cx.exp.discovery else {
            return Ok(());
        };
        let created = create(cx.c, def, &cx.tags()).await?;
        cx.note(|g| g.discovery_service_arn = Some(created.arn));
        cx.record(key, created.id);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        if let (Some(id), Some(n)) = (cx.id(key), &cx.exp.discovery)
            && old.discovery.as_ref() != Some(n)
        {
            update(cx.c, &id, n).await?;
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, _key: ChildKey, fresh: bool) -> KindResult {
        let (Some(def), Some(id)) = (&cx.exp.discovery, cx.id(ChildKey::DiscoveryService)) else {
            return Ok(());
        };
        if !fresh {
            update(cx.c, &id, def).await?;
        }
        let namespace = namespace_name(cx.c, &def.namespace_id).await?;
        cx.note(|g| g.namespace_name = namespace);
        Ok(())
    }

    fn usable_once_created(&self) -> bool {
        true
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        // Cloud Map refuses while ECS is still deregistering the tasks' instances.
        let Some(id) = cx.id(ChildKey::DiscoveryService) else {
            return Ok(());
        };
        let mut attempt = 0;
        loop {
            match delete(cx.c, &id).await {
                Err(e) if e.has_code("ResourceInUse") && attempt < 24 => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
                other => return other,
            }
        }
    }

    async fn find(&self, at: &Lookup<'_>, _key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let ours = owner_of(exp);
        let mut ids = ChildIds::default();
        let Some(def) = &exp.discovery else {
            // Without a namespace to look in (an import knows none yet), the ECS service's
            // registry is the only lead.
            let Some(arn) =
                super::ecs_service::read(c, &exp.ecs_service.cluster, &exp.ecs_service.name)
                    .await?
                    .and_then(|s| s.registry_arn)
            else {
                return Ok(None);
            };
            let Some(id) = id_from_arn(&arn).map(str::to_owned) else {
                return Ok(None);
            };
            let tag = owner(c, &arn).await?;
            ids.set(ChildKey::DiscoveryService, id);
            ids.discovery_service_arn = Some(arn);
            return Ok(one(ids, tag, &ours));
        };
        let found = find_by_name(c, &def.namespace_id, &def.name).await?;
        // Prefer ours when Cloud Map (or an emulator) holds more than one.
        let Some((d, tag)) = found
            .iter()
            .find(|(_, t)| t.as_deref() == Some(ours.as_str()))
            .or_else(|| found.first())
            .cloned()
        else {
            return Ok(None);
        };
        ids.set(ChildKey::DiscoveryService, d.id);
        ids.discovery_service_arn = Some(d.arn);
        Ok(one(ids, tag, &ours))
    }
}
