//! The CodeDeploy application (compute platform ECS).

use std::collections::BTreeMap;

use aws_sdk_codedeploy::types::{ComputePlatform, Tag};

use super::clients::{AwsResult, Clients, absent, err, gone_ok};

pub async fn create(c: &Clients, name: &str, tags: &BTreeMap<String, String>) -> AwsResult<String> {
    let created = c
        .codedeploy
        .create_application()
        .application_name(name)
        .compute_platform(ComputePlatform::Ecs)
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
        ))
        .send()
        .await
        .map_err(err("CreateApplication"));
    match created {
        Ok(_) => Ok(name.to_owned()),
        Err(e) if e.has_code("ApplicationAlreadyExistsException") => Ok(name.to_owned()),
        Err(e) => Err(e),
    }
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
