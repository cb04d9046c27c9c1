//! The CodeDeploy application (compute platform ECS).

use std::collections::BTreeMap;

use aws_sdk_codedeploy::types::ComputePlatform;

use super::clients::{AwsResult, Clients, absent, err, gone_ok};

pub async fn create(c: &Clients, name: &str, tags: &BTreeMap<String, String>) -> AwsResult<String> {
    c.codedeploy
        .create_application()
        .application_name(name)
        .compute_platform(ComputePlatform::Ecs)
        .set_tags(Some(super::tags::to_sdk(tags)))
        .send()
        .await
        .map_err(err("CreateApplication"))?;
    Ok(name.to_owned())
}

/// The owner tag of a CodeDeploy resource (application or deployment group) by its ARN.
pub async fn owner(c: &Clients, arn: &str) -> AwsResult<Option<String>> {
    let out = c
        .codedeploy
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(err("ListTagsForResource"))?;
    Ok(super::tags::owner_in(out.tags()))
}

pub async fn exists(c: &Clients, name: &str) -> AwsResult<bool> {
    Ok(absent(
        c.codedeploy
            .get_application()
            .application_name(name)
            .send()
            .await
            .map_err(err("GetApplication")),
    )?
    .is_some())
}

pub async fn delete(c: &Clients, name: &str) -> AwsResult<()> {
    gone_ok(
        c.codedeploy
            .delete_application()
            .application_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteApplication")),
    )
}

// --- The CodeDeploy application as a child of the service (see aws/kind.rs) -----------------

use super::discover::{codedeploy_arn, one, owner_of};
use super::kind::prelude::*;

pub struct ApplicationKind;

#[async_trait::async_trait]
impl ChildKind for ApplicationKind {
    async fn read(&self, at: &Lookup<'_>, _keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let found = exists(at.c, &at.exp.codedeploy_application).await?;
        seen.present(ChildKey::CodeDeployApplication, found);
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let name = create(cx.c, &cx.exp.codedeploy_application, &cx.tags()).await?;
        cx.record(key, name);
        Ok(())
    }

    async fn settle(&self, _cx: &Cx<'_>, _key: ChildKey, _fresh: bool) -> KindResult {
        // An application has nothing to change but its name, which is its identity.
        Ok(())
    }

    fn usable_once_created(&self) -> bool {
        true
    }

    async fn delete(&self, cx: &Cx<'_>, _key: ChildKey) -> AwsResult<()> {
        let Some(name) = cx.id(ChildKey::CodeDeployApplication) else {
            return Ok(());
        };
        delete(cx.c, &name).await
    }

    async fn find(&self, at: &Lookup<'_>, _key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let name = &exp.codedeploy_application;
        if !exists(c, name).await? {
            return Ok(None);
        }
        let tag = owner(c, &codedeploy_arn(exp, &format!("application:{name}"))).await?;
        let ids = ChildIds::from_iter([(ChildKey::CodeDeployApplication, name.clone())]);
        Ok(one(ids, tag, &owner_of(exp)))
    }
}
