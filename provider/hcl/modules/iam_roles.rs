//! The iam-roles submodule: the task execution role, the task role and the roles CodeDeploy or
//! ECS deploy with, with the trust and permission policies `expand` decides.

use serde_json::Value as Json;

use crate::service::expand::{
    APPLICATION_POLICY_NAME, CODEDEPLOY_ECS_POLICY, ChildKey, ECS_LOAD_BALANCERS_POLICY,
    EFS_POLICY_NAME, EXEC_POLICY_NAME, HOOKS_POLICY_NAME, Placement, ROLE_DESCRIPTION,
    SECRETS_POLICY_NAME, TASK_EXECUTION_POLICY, codedeploy_trust_policy, execution_trust_policy,
    infrastructure_trust_policy, managed_policy, task_trust_policy,
};
use crate::service::task::exec_policy;

use crate::hcl::model::{Module, Output};
use crate::hcl::variables::string_literal;

use super::parts::{resource, submodule, tags_variable, var};
use super::task_definition::{EFS_POLICY, task_role_variables};

/// The roles' resource names (`aws_iam_role.<name>`), the children's addresses in this
/// submodule (`child_address`).
pub(super) const EXECUTION_ROLE: &str = "execution";
pub(super) const TASK_ROLE: &str = "task";
pub(super) const CODEDEPLOY_ROLE: &str = "codedeploy";
pub(super) const INFRASTRUCTURE_ROLE: &str = "infrastructure";

/// A JSON document as an HCL object expression; strings may interpolate (`${var.region}`).
fn json_expression(v: &Json) -> String {
    match v {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => Json::String(s.clone()).to_string(),
        Json::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(json_expression)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Json::Object(map) => format!(
            "{{\n{}\n}}",
            map.iter()
                .map(|(k, v)| {
                    let key = if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        k.clone()
                    } else {
                        string_literal(k)
                    };
                    format!("{key} = {}", json_expression(v))
                })
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn symbolic_placement() -> Placement {
    Placement {
        partition: "${var.partition}".to_owned(),
        region: "${var.region}".to_owned(),
        account_id: "${var.account_id}".to_owned(),
        load_balancer: String::new(),
    }
}

pub(super) fn iam_roles() -> Module {
    let mut secret_arns = var(
        "secret_arns",
        "list(string)",
        "Secrets Manager secrets the container reads (whole-secret ARNs).",
    )
    .with_default("[]");
    secret_arns.non_nullable = true;
    let mut parameter_arns = var(
        "parameter_arns",
        "list(string)",
        "SSM parameters the container reads.",
    )
    .with_default("[]");
    parameter_arns.non_nullable = true;
    let mut lifecycle_hook_arns = var(
        "lifecycle_hook_arns",
        "list(string)",
        "Lambda functions ECS invokes at the deployment's lifecycle stages.",
    )
    .with_default("[]");
    lifecycle_hook_arns.non_nullable = true;
    let mut m = submodule(
        "iam-roles",
        vec![
            var(
                "execution_role_name",
                "string",
                "Name of the task execution role.",
            ),
            var("task_role_name", "string", "Name of the task role."),
            var(
                "codedeploy_role_name",
                "string",
                "Name of the role CodeDeploy deploys with.",
            ),
            var(
                "create_codedeploy_role",
                "bool",
                "Whether CodeDeploy deploys the service, so its role exists.",
            )
            .with_default("true"),
            var(
                "infrastructure_role_name",
                "string",
                "Name of the role ECS moves traffic between the target groups with (ECS-native blue/green, linear and canary).",
            )
            .with_default("null"),
            var(
                "create_infrastructure_role",
                "bool",
                "Whether ECS moves the traffic, so the infrastructure role exists.",
            )
            .with_default("false"),
            var(
                "invokes_lifecycle_hooks",
                "bool",
                "Whether the deployment has lifecycle hooks, so the infrastructure role may invoke them (known at plan time).",
            )
            .with_default("false"),
            lifecycle_hook_arns,
            var("partition", "string", "AWS partition (`aws`, `aws-cn`, …)."),
            var("region", "string", "Region the service runs in."),
            var("account_id", "string", "Account the service runs in."),
            secret_arns,
            parameter_arns,
            var(
                "reads_secrets",
                "bool",
                "Whether the container has secrets, so the execution role gets its secrets policy.",
            )
            .with_default("false"),
            var(
                "task_role_policy_json",
                "string",
                "The application's own IAM policy (JSON), inline on the task role.",
            )
            .with_default("null"),
        ]
        .into_iter()
        .chain(task_role_variables())
        .chain([tags_variable()])
        .collect(),
    );
    let placement = symbolic_placement();
    let p = &placement.partition;
    m.locals = vec![
        (
            "execution_trust_policy".to_owned(),
            json_expression(&execution_trust_policy()),
        ),
        (
            "task_trust_policy".to_owned(),
            json_expression(&task_trust_policy(&placement)),
        ),
        (
            "codedeploy_trust_policy".to_owned(),
            json_expression(&codedeploy_trust_policy()),
        ),
        (
            "infrastructure_trust_policy".to_owned(),
            json_expression(&infrastructure_trust_policy()),
        ),
        ("secrets_policy".to_owned(), SECRETS_POLICY.to_owned()),
        ("hooks_policy".to_owned(), HOOKS_POLICY.to_owned()),
        ("efs_policy".to_owned(), EFS_POLICY.to_owned()),
        ("exec_policy".to_owned(), json_expression(&exec_policy())),
    ];
    let role = ChildKey::ExecutionRole.kind();
    m.blocks = vec![
        resource(role, EXECUTION_ROLE)
            .expr("name", "var.execution_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr(
                "assume_role_policy",
                "jsonencode(local.execution_trust_policy)",
            )
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy_attachment", "execution")
            .expr("role", "aws_iam_role.execution.name")
            .expr(
                "policy_arn",
                Json::String(managed_policy(p, TASK_EXECUTION_POLICY)).to_string(),
            ),
        resource("aws_iam_role_policy", "execution_secrets")
            // Known at plan time even when the ARNs are not (secrets created in the same run).
            .expr("count", "var.reads_secrets ? 1 : 0")
            .string("name", SECRETS_POLICY_NAME)
            .expr("role", "aws_iam_role.execution.name")
            .expr("policy", "jsonencode(local.secrets_policy)"),
        resource(role, TASK_ROLE)
            .expr("name", "var.task_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr("assume_role_policy", "jsonencode(local.task_trust_policy)")
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy", "task_application")
            .expr("count", "var.task_role_policy_json == null ? 0 : 1")
            .string("name", APPLICATION_POLICY_NAME)
            .expr("role", "aws_iam_role.task.name")
            .expr("policy", "var.task_role_policy_json"),
        resource("aws_iam_role_policy_attachment", "task_managed")
            .expr("count", "length(var.task_role_managed_policy_arns)")
            .expr("role", "aws_iam_role.task.name")
            .expr(
                "policy_arn",
                "var.task_role_managed_policy_arns[count.index]",
            ),
        resource("aws_iam_role_policy", "task_efs")
            .expr("count", "var.mounts_efs ? 1 : 0")
            .string("name", EFS_POLICY_NAME)
            .expr("role", "aws_iam_role.task.name")
            .expr("policy", "jsonencode(local.efs_policy)"),
        resource("aws_iam_role_policy", "task_exec")
            .expr("count", "var.enable_execute_command ? 1 : 0")
            .string("name", EXEC_POLICY_NAME)
            .expr("role", "aws_iam_role.task.name")
            .expr("policy", "jsonencode(local.exec_policy)"),
        // Created without count by earlier versions: Terraform moves those to index 0.
        resource(role, CODEDEPLOY_ROLE)
            .expr("count", "var.create_codedeploy_role ? 1 : 0")
            .expr("name", "var.codedeploy_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr(
                "assume_role_policy",
                "jsonencode(local.codedeploy_trust_policy)",
            )
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy_attachment", "codedeploy")
            .expr("count", "var.create_codedeploy_role ? 1 : 0")
            .expr("role", "aws_iam_role.codedeploy[0].name")
            .expr(
                "policy_arn",
                Json::String(managed_policy(p, CODEDEPLOY_ECS_POLICY)).to_string(),
            ),
        resource(role, INFRASTRUCTURE_ROLE)
            .expr("count", "var.create_infrastructure_role ? 1 : 0")
            .expr("name", "var.infrastructure_role_name")
            .expr("description", string_literal(ROLE_DESCRIPTION))
            .expr(
                "assume_role_policy",
                "jsonencode(local.infrastructure_trust_policy)",
            )
            .expr("tags", "var.tags"),
        resource("aws_iam_role_policy_attachment", "infrastructure")
            .expr("count", "var.create_infrastructure_role ? 1 : 0")
            .expr("role", "aws_iam_role.infrastructure[0].name")
            .expr(
                "policy_arn",
                Json::String(managed_policy(p, ECS_LOAD_BALANCERS_POLICY)).to_string(),
            ),
        resource("aws_iam_role_policy", "infrastructure_hooks")
            .expr(
                "count",
                "var.create_infrastructure_role && var.invokes_lifecycle_hooks ? 1 : 0",
            )
            .string("name", HOOKS_POLICY_NAME)
            .expr("role", "aws_iam_role.infrastructure[0].name")
            .expr("policy", "jsonencode(local.hooks_policy)"),
    ];
    m.outputs = vec![
        Output::new(
            "execution_role_arn",
            "aws_iam_role.execution.arn",
            "ARN of the task execution role.",
        ),
        Output::new(
            "task_role_arn",
            "aws_iam_role.task.arn",
            "ARN of the task role.",
        ),
        Output::new(
            "codedeploy_role_arn",
            "one(aws_iam_role.codedeploy[*].arn)",
            "ARN of the CodeDeploy service role; null without it.",
        ),
        Output::new(
            "infrastructure_role_arn",
            "one(aws_iam_role.infrastructure[*].arn)",
            "ARN of the infrastructure role; null without it.",
        ),
    ];
    m
}

/// ECS may invoke exactly the lifecycle hooks' functions — `expand`'s hooks policy.
const HOOKS_POLICY: &str = r#"{
  Version = "2012-10-17"
  Statement = [{ Sid = "InvokeLifecycleHooks", Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = sort(distinct(var.lifecycle_hook_arns)) }]
}"#;

/// Read access to exactly the referenced secrets and parameters, and KMS decryption only
/// through those two services — `expand`'s secrets policy.
const SECRETS_POLICY: &str = r#"{
  Version = "2012-10-17"
  Statement = [for s in [
    { include = length(var.secret_arns) > 0, statement = { Sid = "ReadReferencedSecrets", Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = var.secret_arns } },
    { include = length(var.parameter_arns) > 0, statement = { Sid = "ReadReferencedParameters", Effect = "Allow", Action = ["ssm:GetParameters"], Resource = var.parameter_arns } },
    { include = true, statement = { Sid = "DecryptThroughSecretStores", Effect = "Allow", Action = ["kms:Decrypt"], Resource = "arn:${var.partition}:kms:${var.region}:${var.account_id}:key/*", Condition = { StringEquals = { "kms:ViaService" = compact([length(var.secret_arns) > 0 ? "secretsmanager.${var.region}.amazonaws.com" : "", length(var.parameter_arns) > 0 ? "ssm.${var.region}.amazonaws.com" : ""]) } } } },
  ] : s.statement if s.include]
}"#;
