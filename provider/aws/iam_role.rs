//! IAM roles: the task execution role, the task role and CodeDeploy's service role.

use std::collections::BTreeMap;

use crate::service::expand::RoleDef;

use super::clients::{AwsResult, Clients, absent, err, gone_ok};

/// Creates the role with its trust policy and returns its ARN; [`configure`] attaches its
/// policies once the role is recorded.
pub async fn create(
    c: &Clients,
    def: &RoleDef,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    let tag_list: Vec<aws_sdk_iam::types::Tag> = super::tags::to_sdk(tags);
    let out = c
        .iam
        .create_role()
        .role_name(&def.name)
        .assume_role_policy_document(def.trust_policy.to_string())
        .description(crate::service::expand::ROLE_DESCRIPTION)
        .set_tags(Some(tag_list))
        .send()
        .await
        .map_err(err("CreateRole"))?;
    out.role()
        .map(|r| r.arn().to_owned())
        .ok_or_else(|| super::clients::AwsError::new("CreateRole", "no role in the response"))
}

/// Attaches and puts the policies of a role just created (it has none yet, so nothing is
/// listed first); both calls are idempotent, so a retry after a partial failure is safe.
pub async fn configure(c: &Clients, def: &RoleDef) -> AwsResult<()> {
    // Attaching and writing policies do not depend on each other: one round.
    tokio::try_join!(attach_missing(c, def, &[]), put_inline(c, def))?;
    Ok(())
}

/// Attaches the definition's managed policies that are not in `attached`, concurrently.
async fn attach_missing(c: &Clients, def: &RoleDef, attached: &[String]) -> AwsResult<()> {
    let missing = def
        .managed_policy_arns
        .iter()
        .filter(|a| !attached.contains(a));
    futures::future::try_join_all(missing.map(|arn| {
        c.iam
            .attach_role_policy()
            .role_name(&def.name)
            .policy_arn(arn)
            .send()
    }))
    .await
    .map_err(err("AttachRolePolicy"))?;
    Ok(())
}

/// Writes every inline policy of the definition (PutRolePolicy creates or replaces),
/// concurrently.
async fn put_inline(c: &Clients, def: &RoleDef) -> AwsResult<()> {
    futures::future::try_join_all(def.inline_policies.iter().map(|(name, doc)| {
        c.iam
            .put_role_policy()
            .role_name(&def.name)
            .policy_name(name)
            .policy_document(doc.to_string())
            .send()
    }))
    .await
    .map_err(err("PutRolePolicy"))?;
    Ok(())
}

/// Brings trust, managed and inline policies to the definition.
pub async fn update(c: &Clients, def: &RoleDef) -> AwsResult<()> {
    c.iam
        .update_assume_role_policy()
        .role_name(&def.name)
        .policy_document(def.trust_policy.to_string())
        .send()
        .await
        .map_err(err("UpdateAssumeRolePolicy"))?;
    let attached = c
        .iam
        .list_attached_role_policies()
        .role_name(&def.name)
        .send()
        .await
        .map_err(err("ListAttachedRolePolicies"))?;
    let attached: Vec<String> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_owned))
        .collect();
    attach_missing(c, def, &attached).await?;
    for arn in attached
        .iter()
        .filter(|a| !def.managed_policy_arns.contains(a))
    {
        c.iam
            .detach_role_policy()
            .role_name(&def.name)
            .policy_arn(arn)
            .send()
            .await
            .map_err(err("DetachRolePolicy"))?;
    }
    put_inline(c, def).await?;
    let inline = c
        .iam
        .list_role_policies()
        .role_name(&def.name)
        .send()
        .await
        .map_err(err("ListRolePolicies"))?;
    for name in inline
        .policy_names()
        .iter()
        .filter(|n| !def.inline_policies.contains_key(*n))
    {
        c.iam
            .delete_role_policy()
            .role_name(&def.name)
            .policy_name(name)
            .send()
            .await
            .map_err(err("DeleteRolePolicy"))?;
    }
    Ok(())
}

/// The role's ARN, or `None` when it is gone.
pub async fn read(c: &Clients, name: &str) -> AwsResult<Option<String>> {
    Ok(read_with_owner(c, name).await?.map(|(arn, _)| arn))
}

/// The role's ARN and its owner tag (when it has one), or `None` when it is gone.
pub async fn read_with_owner(
    c: &Clients,
    name: &str,
) -> AwsResult<Option<(String, Option<String>)>> {
    let out = absent(
        c.iam
            .get_role()
            .role_name(name)
            .send()
            .await
            .map_err(err("GetRole")),
    )?;
    Ok(out.and_then(|o| {
        o.role()
            .map(|r| (r.arn().to_owned(), super::tags::owner_in(r.tags())))
    }))
}

/// The ARNs of the managed policies attached to the role; `None` when the role is gone.
pub async fn attached_policies(c: &Clients, name: &str) -> AwsResult<Option<Vec<String>>> {
    let out = absent(
        c.iam
            .list_attached_role_policies()
            .role_name(name)
            .send()
            .await
            .map_err(err("ListAttachedRolePolicies")),
    )?;
    Ok(out.map(|o| {
        o.attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_owned))
            .collect()
    }))
}

/// The role's inline policy `name` as JSON, if present.
pub async fn read_inline_policy(
    c: &Clients,
    role: &str,
    name: &str,
) -> AwsResult<Option<serde_json::Value>> {
    let out = absent(
        c.iam
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(err("GetRolePolicy")),
    )?;
    Ok(out.and_then(|o| {
        let doc = o.policy_document();
        let decoded = percent_decode(doc);
        serde_json::from_str(&decoded).ok()
    }))
}

/// IAM returns policy documents URL-encoded.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A role's policies, listed before it is deleted: the managed ones attached (ARNs) and the
/// inline ones (names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policies {
    pub attached: Vec<String>,
    pub inline: Vec<String>,
}

/// The role's policies, both lists read at once; `None` when the role is gone.
pub async fn policies(c: &Clients, name: &str) -> AwsResult<Option<Policies>> {
    let lists = tokio::try_join!(
        async {
            c.iam
                .list_attached_role_policies()
                .role_name(name)
                .send()
                .await
                .map_err(err("ListAttachedRolePolicies"))
        },
        async {
            c.iam
                .list_role_policies()
                .role_name(name)
                .send()
                .await
                .map_err(err("ListRolePolicies"))
        },
    );
    let Some((attached, inline)) = absent(lists)? else {
        return Ok(None);
    };
    Ok(Some(Policies {
        attached: attached
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_owned))
            .collect(),
        inline: inline.policy_names().to_vec(),
    }))
}

/// Detaches and deletes the role's policies, then the role.
pub async fn delete(c: &Clients, name: &str) -> AwsResult<()> {
    match policies(c, name).await? {
        Some(listed) => delete_once(c, name, &listed).await,
        None => Ok(()),
    }
}

/// Deletes the role with the policies listed earlier (`listed`, read while its dependents were
/// being deleted). A policy added since makes IAM refuse the role (DeleteConflict); it is then
/// listed again and deleted the long way.
pub async fn delete_listed(c: &Clients, name: &str, listed: &Policies) -> AwsResult<()> {
    match delete_once(c, name, listed).await {
        Err(e) if e.has_code("DeleteConflict") => delete(c, name).await,
        other => other,
    }
}

/// Every detach and inline policy delete at once, then the role.
async fn delete_once(c: &Clients, name: &str, listed: &Policies) -> AwsResult<()> {
    let detaches = listed.attached.iter().map(|arn| detach(c, name, arn));
    let deletes = listed.inline.iter().map(|p| delete_inline(c, name, p));
    tokio::try_join!(
        futures::future::try_join_all(detaches),
        futures::future::try_join_all(deletes),
    )?;
    gone_ok(
        c.iam
            .delete_role()
            .role_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteRole")),
    )
}

async fn detach(c: &Clients, name: &str, arn: &str) -> AwsResult<()> {
    gone_ok(
        c.iam
            .detach_role_policy()
            .role_name(name)
            .policy_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DetachRolePolicy")),
    )
}

async fn delete_inline(c: &Clients, name: &str, policy: &str) -> AwsResult<()> {
    gone_ok(
        c.iam
            .delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteRolePolicy")),
    )
}

// --- The roles as children of the service (see aws/kind.rs) ---------------------------------

use super::child::role_def;
use super::discover::{one, owner_of};
use super::kind::prelude::*;

/// The execution, task, CodeDeploy and infrastructure roles.
pub struct RoleKind;

/// Whether `key` is one of the roles.
pub fn is_role(key: ChildKey) -> bool {
    matches!(
        key,
        ChildKey::ExecutionRole
            | ChildKey::TaskRole
            | ChildKey::CodeDeployRole
            | ChildKey::InfrastructureRole
    )
}

#[async_trait::async_trait]
impl ChildKind for RoleKind {
    /// Each role by its name; the task role with the application's inline policy and its
    /// managed policies, which the configuration sets.
    async fn read(&self, at: &Lookup<'_>, keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let Lookup { c, exp, .. } = *at;
        futures::future::try_join_all(keys.iter().map(|&key| async move {
            let name = &role_def(exp, key).name;
            if key != ChildKey::TaskRole {
                seen.present(key, read(c, name).await?.is_some());
                return Ok(());
            }
            let (role, policy, managed) = tokio::try_join!(
                read(c, name),
                read_inline_policy(c, name, crate::service::expand::APPLICATION_POLICY_NAME),
                attached_policies(c, name),
            )?;
            seen.present(key, role.is_some());
            seen.note(|o| {
                o.task_role_policy = policy;
                o.task_role_managed_policies = managed;
            });
            Ok(())
        }))
        .await?;
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let arn = create(cx.c, role_def(cx.exp, key), &cx.tags()).await?;
        cx.record(key, arn);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        let def = role_def(cx.exp, key);
        if role_def(old, key) != def {
            update(cx.c, def).await?;
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, key: ChildKey, fresh: bool) -> KindResult {
        if fresh {
            configure(cx.c, role_def(cx.exp, key)).await?;
        } else {
            update(cx.c, role_def(cx.exp, key)).await?;
        }
        Ok(())
    }

    fn usable_once_created(&self) -> bool {
        true
    }

    async fn delete(&self, cx: &Cx<'_>, key: ChildKey) -> AwsResult<()> {
        let name = &role_def(cx.exp, key).name;
        match cx.listed.role(key) {
            Some(policies) => delete_listed(cx.c, name, policies).await,
            None => delete(cx.c, name).await,
        }
    }

    async fn find(&self, at: &Lookup<'_>, key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let Some((arn, tag)) = read_with_owner(c, &role_def(exp, key).name).await? else {
            return Ok(None);
        };
        let ids = ChildIds::from_iter([(key, arn)]);
        Ok(one(ids, tag, &owner_of(exp)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn policy_documents_are_url_decoded() {
        assert_eq!(super::percent_decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(super::percent_decode("{\"a\":1}"), "{\"a\":1}");
        assert_eq!(super::percent_decode("100%"), "100%");
    }
}
