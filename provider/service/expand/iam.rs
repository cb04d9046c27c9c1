//! IAM documents: the roles' trust policies, the managed policies they attach and the inline
//! policies scoped to exactly what the service references, and the four roles built from them.

use serde_json::{Value as Json, json};

use std::collections::BTreeMap;

use super::{Placement, RoleDef};
use crate::service::names::ChildNames;
use crate::service::spec::ServiceSpec;

/// The description of every role the service creates, so both renderings set the same one.
pub const ROLE_DESCRIPTION: &str = "Managed by terraform-provider-fargate";

/// Names of the inline policies: the execution role's access to the container's secrets, and
/// the task role's application policy.
pub const SECRETS_POLICY_NAME: &str = "secrets";
pub const APPLICATION_POLICY_NAME: &str = "application";
/// The task role's EFS client actions on the IAM-authorized volumes, and ECS Exec's channels.
pub const EFS_POLICY_NAME: &str = "efs";
pub const EXEC_POLICY_NAME: &str = "ecs-exec";

/// The AWS-managed policies the roles attach.
pub const TASK_EXECUTION_POLICY: &str = "service-role/AmazonECSTaskExecutionRolePolicy";
pub const CODEDEPLOY_ECS_POLICY: &str = "AWSCodeDeployRoleForECS";
pub const ECS_LOAD_BALANCERS_POLICY: &str = "AmazonECSInfrastructureRolePolicyForLoadBalancers";
/// The infrastructure role's inline policy that lets ECS invoke the lifecycle hooks.
pub const HOOKS_POLICY_NAME: &str = "lifecycle-hooks";

/// The ARN of an AWS-managed policy.
pub fn managed_policy(partition: &str, name: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/{name}")
}

fn trust(principal: &str, conditions: Option<Json>) -> Json {
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": { "Service": principal },
        "Action": "sts:AssumeRole",
    });
    if let Some(c) = conditions {
        statement["Condition"] = c;
    }
    json!({ "Version": "2012-10-17", "Statement": [statement] })
}

/// Who may assume the task execution role: ECS, to pull images, write logs and read secrets.
pub fn execution_trust_policy() -> Json {
    trust("ecs-tasks.amazonaws.com", None)
}

/// Who may assume the task role: ECS tasks of this account and region only (confused-deputy
/// conditions).
pub fn task_trust_policy(placement: &Placement) -> Json {
    trust(
        "ecs-tasks.amazonaws.com",
        Some(json!({
            "ArnLike": { "aws:SourceArn": format!("arn:{}:ecs:{}:{}:*", placement.partition, placement.region, placement.account_id) },
            "StringEquals": { "aws:SourceAccount": placement.account_id },
        })),
    )
}

/// Who may assume the role ECS moves traffic with (and invokes lifecycle hooks with).
pub fn infrastructure_trust_policy() -> Json {
    trust("ecs.amazonaws.com", None)
}

/// Who may assume the role CodeDeploy deploys with.
pub fn codedeploy_trust_policy() -> Json {
    trust("codedeploy.amazonaws.com", None)
}

/// The six characters Secrets Manager appends to a secret's name in its ARN, as an IAM
/// pattern; the module renders the same.
pub const SECRET_SUFFIX_PATTERN: &str = "-??????";

/// The IAM resource that grants reading a secret referenced by `arn`. A key inside a JSON
/// secret is addressed as `<secret-arn>:<key>:<stage>:<version>`; the permission is on the
/// secret itself. A partial ARN (the name without Secrets Manager's `-XXXXXX` suffix) matches
/// nothing as it is: it gets the suffix pattern, `-??????` rather than `-*`, which would also
/// match other secrets whose names start the same (Secrets Manager user guide, "Grant
/// permissions to limited resources"). A name that itself ends in a dash and six letters or
/// digits cannot be told from a full ARN; full ARNs avoid the question.
pub fn secret_policy_resource(arn: &str) -> String {
    let secret = arn.splitn(8, ':').take(7).collect::<Vec<_>>().join(":");
    let name = secret.rsplit(':').next().unwrap_or_default();
    let has_suffix = name.rsplit_once('-').is_some_and(|(_, tail)| {
        tail.len() == 6 && tail.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if has_suffix {
        secret
    } else {
        format!("{secret}{SECRET_SUFFIX_PATTERN}")
    }
}

/// Read access to exactly the secrets and parameters the container references, and KMS
/// decryption only through those two services; never a wildcard on secrets.
fn secrets_policy(spec: &ServiceSpec, placement: &Placement) -> Option<Json> {
    let mut secret_arns: Vec<String> = Vec::new();
    let mut parameter_arns: Vec<String> = Vec::new();
    for arn in crate::service::task::secret_arns(spec) {
        if arn.contains(":secretsmanager:") {
            secret_arns.push(secret_policy_resource(arn));
        } else if arn.contains(":ssm:") {
            parameter_arns.push(arn.clone());
        }
    }
    secret_arns.sort_unstable();
    secret_arns.dedup();
    parameter_arns.sort_unstable();
    parameter_arns.dedup();
    if secret_arns.is_empty() && parameter_arns.is_empty() {
        return None;
    }
    let mut statements = Vec::new();
    let mut via = Vec::new();
    if !secret_arns.is_empty() {
        statements.push(json!({
            "Sid": "ReadReferencedSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": secret_arns,
        }));
        via.push(format!("secretsmanager.{}.amazonaws.com", placement.region));
    }
    if !parameter_arns.is_empty() {
        statements.push(json!({
            "Sid": "ReadReferencedParameters",
            "Effect": "Allow",
            "Action": ["ssm:GetParameters"],
            "Resource": parameter_arns,
        }));
        via.push(format!("ssm.{}.amazonaws.com", placement.region));
    }
    statements.push(json!({
        "Sid": "DecryptThroughSecretStores",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": format!("arn:{}:kms:{}:{}:key/*", placement.partition, placement.region, placement.account_id),
        "Condition": { "StringEquals": { "kms:ViaService": via } },
    }));
    Some(json!({ "Version": "2012-10-17", "Statement": statements }))
}

/// The task execution role: pulls images, writes logs, and reads exactly the secrets the
/// containers reference.
pub(super) fn execution_role(
    spec: &ServiceSpec,
    placement: &Placement,
    names: &ChildNames,
) -> RoleDef {
    let mut inline_policies = BTreeMap::new();
    if let Some(policy) = secrets_policy(spec, placement) {
        inline_policies.insert(SECRETS_POLICY_NAME.to_owned(), policy);
    }
    RoleDef {
        name: names.execution_role.clone(),
        trust_policy: execution_trust_policy(),
        managed_policy_arns: vec![managed_policy(&placement.partition, TASK_EXECUTION_POLICY)],
        inline_policies,
    }
}

/// The task role: the application's own policy and managed policies, the EFS client actions on
/// the IAM-authorized volumes, and ECS Exec's channels where it is enabled.
pub(super) fn task_role(spec: &ServiceSpec, placement: &Placement, names: &ChildNames) -> RoleDef {
    let mut inline_policies = BTreeMap::new();
    if let Some(doc) = &spec.task_role_policy {
        inline_policies.insert(APPLICATION_POLICY_NAME.to_owned(), doc.clone());
    }
    if let Some(doc) = crate::service::task::efs_policy(spec, placement) {
        inline_policies.insert(EFS_POLICY_NAME.to_owned(), doc);
    }
    if spec.enable_execute_command {
        inline_policies.insert(
            EXEC_POLICY_NAME.to_owned(),
            crate::service::task::exec_policy(),
        );
    }
    RoleDef {
        name: names.task_role.clone(),
        trust_policy: task_trust_policy(placement),
        managed_policy_arns: spec.task_role_managed_policy_arns.clone(),
        inline_policies,
    }
}

/// The role CodeDeploy deploys with.
pub(super) fn codedeploy_role(placement: &Placement, names: &ChildNames) -> RoleDef {
    RoleDef {
        name: names.codedeploy_role.clone(),
        trust_policy: codedeploy_trust_policy(),
        managed_policy_arns: vec![managed_policy(&placement.partition, CODEDEPLOY_ECS_POLICY)],
        inline_policies: BTreeMap::new(),
    }
}

/// The role ECS moves traffic with; under an ECS-native blue/green strategy it may also invoke
/// exactly the configured lifecycle hooks.
pub(super) fn infrastructure_role(
    spec: &ServiceSpec,
    placement: &Placement,
    names: &ChildNames,
) -> RoleDef {
    let mut hook_arns: Vec<&String> = spec.ecs_deployment.hooks.values().collect();
    hook_arns.sort_unstable();
    hook_arns.dedup();
    let mut inline_policies = BTreeMap::new();
    if spec.deployment_strategy.ecs_shifts_traffic() && !hook_arns.is_empty() {
        inline_policies.insert(
            HOOKS_POLICY_NAME.to_owned(),
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "InvokeLifecycleHooks",
                    "Effect": "Allow",
                    "Action": ["lambda:InvokeFunction"],
                    "Resource": hook_arns,
                }],
            }),
        );
    }
    RoleDef {
        name: names.infrastructure_role.clone(),
        trust_policy: infrastructure_trust_policy(),
        managed_policy_arns: vec![managed_policy(
            &placement.partition,
            ECS_LOAD_BALANCERS_POLICY,
        )],
        inline_policies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_secret_arn_gets_the_suffix_pattern() {
        let full = "arn:aws:secretsmanager:us-east-1:1:secret:checkout/db-password-AbCdEf";
        assert_eq!(secret_policy_resource(full), full);
        assert_eq!(
            secret_policy_resource(&format!("{full}:password::")),
            full,
            "a key inside the secret is read through the secret"
        );
        assert_eq!(
            secret_policy_resource(
                "arn:aws:secretsmanager:us-east-1:1:secret:checkout/db-password"
            ),
            "arn:aws:secretsmanager:us-east-1:1:secret:checkout/db-password-??????"
        );
        assert_eq!(
            secret_policy_resource("arn:aws:secretsmanager:us-east-1:1:secret:db:password::"),
            "arn:aws:secretsmanager:us-east-1:1:secret:db-??????"
        );
    }
}
