//! The CloudWatch log group the container logs to.

use std::collections::BTreeMap;

use crate::service::expand::LogGroupDef;

use super::clients::{AwsResult, Clients, err, gone_ok};

/// Creates the group (adopting one of the same name left by an earlier failed apply) and sets
/// its retention.
pub async fn create(
    c: &Clients,
    def: &LogGroupDef,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    let created = c
        .logs
        .create_log_group()
        .log_group_name(&def.name)
        .set_tags(Some(tags.clone().into_iter().collect()))
        .send()
        .await
        .map_err(err("CreateLogGroup"));
    match created {
        Ok(_) => {}
        Err(e) if e.has_code("ResourceAlreadyExistsException") => {}
        Err(e) => return Err(e),
    }
    update(c, def).await?;
    Ok(def.name.clone())
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
