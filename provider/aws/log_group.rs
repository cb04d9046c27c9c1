//! The CloudWatch log group the container logs to.

use std::collections::BTreeMap;

use crate::service::expand::{LogGroupDef, OWNER_TAG};

use super::clients::{AwsResult, Clients, err, gone_ok};

/// Creates the group; its retention is set by [`update`] once the group is recorded.
pub async fn create(
    c: &Clients,
    def: &LogGroupDef,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    c.logs
        .create_log_group()
        .log_group_name(&def.name)
        .set_tags(Some(tags.clone().into_iter().collect()))
        .send()
        .await
        .map_err(err("CreateLogGroup"))?;
    Ok(def.name.clone())
}

/// The group's owner tag, when it has one.
pub async fn owner(c: &Clients, name: &str) -> AwsResult<Option<String>> {
    #[allow(deprecated)]
    let out = c
        .logs
        .list_tags_log_group()
        .log_group_name(name)
        .send()
        .await
        .map_err(err("ListTagsLogGroup"))?;
    Ok(out.tags().and_then(|t| t.get(OWNER_TAG)).cloned())
}

pub async fn update(c: &Clients, def: &LogGroupDef) -> AwsResult<()> {
    c.logs
        .put_retention_policy()
        .log_group_name(&def.name)
        .retention_in_days(def.retention_days as i32)
        .send()
        .await
        .map_err(err("PutRetentionPolicy"))?;
    Ok(())
}

/// The group's retention, or `None` when the group is gone.
pub async fn read(c: &Clients, name: &str) -> AwsResult<Option<Option<i64>>> {
    let out = c
        .logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .map_err(err("DescribeLogGroups"))?;
    Ok(out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .map(|g| g.retention_in_days().map(i64::from)))
}

pub async fn delete(c: &Clients, name: &str) -> AwsResult<()> {
    gone_ok(
        c.logs
            .delete_log_group()
            .log_group_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteLogGroup")),
    )
}

// --- The log group as a child of the service (see aws/kind.rs) ------------------------------

use super::discover::{one, owner_of};
use super::kind::prelude::*;

pub struct LogGroupKind;

#[async_trait::async_trait]
impl ChildKind for LogGroupKind {
    async fn read(&self, at: &Lookup<'_>, _keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let Some(name) = at.known.get(ChildKey::LogGroup) else {
            return Ok(());
        };
        let retention = read(at.c, name).await?;
        seen.present(ChildKey::LogGroup, retention.is_some());
        seen.note(|o| o.log_retention = retention);
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let name = create(cx.c, &cx.exp.log_group, &cx.tags()).await?;
        cx.record(key, name);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, _key: ChildKey, old: &Expansion) -> KindResult {
        if old.log_group != cx.exp.log_group {
            update(cx.c, &cx.exp.log_group).await?;
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, _key: ChildKey, _fresh: bool) -> KindResult {
        Ok(update(cx.c, &cx.exp.log_group).await?)
    }

    fn usable_once_created(&self) -> bool {
        true
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        let Some(name) = cx.id(ChildKey::LogGroup) else {
            return Ok(());
        };
        delete(cx.c, &name).await
    }

    async fn find(&self, at: &Lookup<'_>, _key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        if read(c, &exp.log_group.name).await?.is_none() {
            return Ok(None);
        }
        let ids = ChildIds::from_iter([(ChildKey::LogGroup, exp.log_group.name.clone())]);
        Ok(one(
            ids,
            owner(c, &exp.log_group.name).await?,
            &owner_of(exp),
        ))
    }
}
