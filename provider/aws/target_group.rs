//! The blue and green target groups: HTTP behind an Application Load Balancer, TCP or TLS
//! behind a Network Load Balancer.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetGroupAttribute, TargetTypeEnum,
};

use crate::service::expand::TargetGroupDef;

use super::clients::{AwsError, AwsResult, Clients, absent, err, gone_ok};

const DEREGISTRATION_DELAY: &str = "deregistration_delay.timeout_seconds";

pub async fn create(
    c: &Clients,
    def: &TargetGroupDef,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    let created = c
        .elbv2
        .create_target_group()
        .name(&def.name)
        .protocol(ProtocolEnum::from(def.protocol.as_str()))
        .port(def.port as i32)
        .vpc_id(&def.vpc_id)
        .target_type(TargetTypeEnum::Ip)
        .health_check_enabled(true)
        .health_check_protocol(ProtocolEnum::from(def.health_check_protocol.as_str()))
        .set_health_check_path(def.health_check_path.clone())
        .health_check_interval_seconds(def.health_check_interval as i32)
        .health_check_timeout_seconds(def.health_check_timeout as i32)
        .healthy_threshold_count(def.healthy_threshold as i32)
        .unhealthy_threshold_count(def.unhealthy_threshold as i32)
        .set_matcher(matcher(def))
        .set_tags(Some(super::tags::to_sdk(tags)))
        .send()
        .await
        .map_err(err("CreateTargetGroup"))?;
    let arn = created
        .target_groups()
        .first()
        .and_then(|t| t.target_group_arn())
        .map(str::to_owned)
        .ok_or_else(|| AwsError::new("CreateTargetGroup", "no ARN in the response"))?;
    Ok(arn)
}

/// Sets the attributes CreateTargetGroup cannot (the deregistration delay), once the group
/// is recorded.
pub async fn set_attributes(c: &Clients, arn: &str, def: &TargetGroupDef) -> AwsResult<()> {
    c.elbv2
        .modify_target_group_attributes()
        .target_group_arn(arn)
        .attributes(
            TargetGroupAttribute::builder()
                .key(DEREGISTRATION_DELAY)
                .value(def.deregistration_delay.to_string())
                .build(),
        )
        .send()
        .await
        .map_err(err("ModifyTargetGroupAttributes"))?;
    Ok(())
}

/// The matcher of an HTTP(S) health check; a TCP check takes none.
fn matcher(def: &TargetGroupDef) -> Option<Matcher> {
    def.health_check_matcher
        .as_ref()
        .map(|codes| Matcher::builder().http_code(codes).build())
}

pub async fn update(c: &Clients, arn: &str, def: &TargetGroupDef) -> AwsResult<()> {
    c.elbv2
        .modify_target_group()
        .target_group_arn(arn)
        .health_check_protocol(ProtocolEnum::from(def.health_check_protocol.as_str()))
        .set_health_check_path(def.health_check_path.clone())
        .health_check_interval_seconds(def.health_check_interval as i32)
        .health_check_timeout_seconds(def.health_check_timeout as i32)
        .healthy_threshold_count(def.healthy_threshold as i32)
        .unhealthy_threshold_count(def.unhealthy_threshold as i32)
        .set_matcher(matcher(def))
        .send()
        .await
        .map_err(err("ModifyTargetGroup"))?;
    set_attributes(c, arn, def).await
}

/// The group as AWS has it; `None` when it is gone.
pub async fn read(c: &Clients, arn: &str) -> AwsResult<Option<TargetGroupDef>> {
    // Both calls take the ARN, so they go out together; either finding it gone means gone.
    let (groups, attrs) = tokio::try_join!(
        async {
            absent(
                c.elbv2
                    .describe_target_groups()
                    .target_group_arns(arn)
                    .send()
                    .await
                    .map_err(err("DescribeTargetGroups")),
            )
        },
        async {
            absent(
                c.elbv2
                    .describe_target_group_attributes()
                    .target_group_arn(arn)
                    .send()
                    .await
                    .map_err(err("DescribeTargetGroupAttributes")),
            )
        },
    )?;
    let (Some(out), Some(attrs)) = (groups, attrs) else {
        return Ok(None);
    };
    let Some(tg) = out.target_groups().first() else {
        return Ok(None);
    };
    let delay = attrs
        .attributes()
        .iter()
        .find(|a| a.key() == Some(DEREGISTRATION_DELAY))
        .and_then(|a| a.value())
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let health_check_protocol = tg
        .health_check_protocol()
        .map_or("HTTP", |p| p.as_str())
        .to_owned();
    let http_check = health_check_protocol != "TCP";
    Ok(Some(TargetGroupDef {
        name: tg.target_group_name().unwrap_or_default().to_owned(),
        port: tg.port().map(i64::from).unwrap_or(0),
        vpc_id: tg.vpc_id().unwrap_or_default().to_owned(),
        protocol: tg.protocol().map_or("HTTP", |p| p.as_str()).to_owned(),
        health_check_path: http_check.then(|| tg.health_check_path().unwrap_or("/").to_owned()),
        health_check_matcher: http_check.then(|| {
            tg.matcher()
                .and_then(|m| m.http_code())
                .unwrap_or("200")
                .to_owned()
        }),
        health_check_protocol,
        health_check_interval: tg
            .health_check_interval_seconds()
            .map(i64::from)
            .unwrap_or(30),
        health_check_timeout: tg
            .health_check_timeout_seconds()
            .map(i64::from)
            .unwrap_or(5),
        healthy_threshold: tg.healthy_threshold_count().map(i64::from).unwrap_or(5),
        unhealthy_threshold: tg.unhealthy_threshold_count().map(i64::from).unwrap_or(2),
        deregistration_delay: delay,
    }))
}

/// ARN of the target group with this name, if any (for import).
pub async fn find_by_name(c: &Clients, name: &str) -> AwsResult<Option<String>> {
    let out = absent(
        c.elbv2
            .describe_target_groups()
            .names(name)
            .send()
            .await
            .map_err(err("DescribeTargetGroups")),
    )?;
    Ok(out.and_then(|o| {
        o.target_groups()
            .first()
            .and_then(|t| t.target_group_arn().map(str::to_owned))
    }))
}

/// The name a target group ARN carries (`…:targetgroup/<name>/<id>`).
pub fn name_in_arn(arn: &str) -> Option<&str> {
    arn.split_once(":targetgroup/")?.1.split('/').next()
}

/// The owner tag of an ELBv2 resource (target group or listener rule), when it has one.
pub async fn owner(c: &Clients, arn: &str) -> AwsResult<Option<String>> {
    let out = c
        .elbv2
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .map_err(err("DescribeTags"))?;
    Ok(super::tags::owner_in(
        out.tag_descriptions().iter().flat_map(|d| d.tags()),
    ))
}

pub async fn delete(c: &Clients, arn: &str) -> AwsResult<()> {
    gone_ok(
        c.elbv2
            .delete_target_group()
            .target_group_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteTargetGroup")),
    )
}

// --- The target groups as children of the service (see aws/kind.rs) -------------------------

use super::discover::{one, owner_of};
use super::kind::prelude::*;

/// The blue and the green group.
pub struct TargetGroupKind;

fn settings(exp: &Expansion, key: ChildKey) -> Result<&TargetGroupDef, ChildProblem> {
    exp.target_group(key)
        .ok_or(ChildProblem::Needs("the load balancer settings"))
}

#[async_trait::async_trait]
impl ChildKind for TargetGroupKind {
    /// Each group by its ARN; the blue one's settings are what the state shows.
    async fn read(&self, at: &Lookup<'_>, keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        futures::future::try_join_all(keys.iter().map(|&key| async move {
            let Some(arn) = at.known.get(key) else {
                return Ok(());
            };
            let group = read(at.c, arn).await?;
            seen.present(key, group.is_some());
            if key == ChildKey::BlueTargetGroup {
                seen.note(|o| o.target_group = group);
            }
            AwsResult::Ok(())
        }))
        .await?;
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let arn = create(cx.c, settings(cx.exp, key)?, &cx.tags()).await?;
        cx.record(key, arn);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        if let (Some(arn), Some(o), Some(n)) =
            (cx.id(key), old.target_group(key), cx.exp.target_group(key))
            && o != n
        {
            update(cx.c, &arn, n).await?;
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, key: ChildKey, fresh: bool) -> KindResult {
        let def = settings(cx.exp, key)?;
        let arn = cx.required(key, "the target group")?;
        if fresh {
            set_attributes(cx.c, &arn, def).await?;
        } else {
            update(cx.c, &arn, def).await?;
        }
        Ok(())
    }

    fn usable_once_created(&self) -> bool {
        true
    }

    async fn delete(&self, cx: &Cx<'_>, key: ChildKey) -> AwsResult<()> {
        // Nothing recorded, nothing to delete (never a request with an empty ARN).
        let Some(arn) = cx.id(key) else {
            return Ok(());
        };
        delete(cx.c, &arn).await
    }

    async fn find(&self, at: &Lookup<'_>, key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let name = if key == ChildKey::BlueTargetGroup {
            &exp.names.blue_target_group
        } else {
            &exp.names.green_target_group
        };
        let Some(arn) = find_by_name(c, name).await? else {
            return Ok(None);
        };
        let tag = owner(c, &arn).await?;
        let ids = ChildIds::from_iter([(key, arn)]);
        Ok(one(ids, tag, &owner_of(exp)))
    }
}
