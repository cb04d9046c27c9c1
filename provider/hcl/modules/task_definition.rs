//! The task-definition submodule and what the root derives from the task's containers: every
//! container (the application's and the sidecars) rendered as ECS's container definition JSON
//! the way `service::task` builds it, the volumes, the secrets the execution role may read and
//! the EFS client actions the task role gets.

use crate::service::expand::ChildKey;
use crate::service::schema::schema;
use crate::service::task::{EFS_MOUNT, EFS_ROOT_ACCESS, EFS_SID_PREFIX, EFS_WRITE};

use crate::hcl::model::{Module, Node, Output, Variable};
use crate::hcl::variables::object_type;

use super::parts::{resource, submodule, tags_variable, var};

/// The log group's and the task definition's resource names, the children's addresses in this
/// submodule (`child_address`).
pub(super) const LOG_GROUP: &str = "this";
pub(super) const TASK_DEFINITION: &str = "this";

/// `x`, or an empty list when it is null (Terraform's `&&` does not short-circuit, so
/// `x != null && length(x) > 0` cannot guard).
fn list_or_empty(x: &str) -> String {
    format!("({x} == null ? [] : {x})")
}

/// A container block's value as an ECS container definition, in the order and shape
/// `aws::task_definition` registers it: unset settings left out, empty lists left out.
/// `c` is the expression of the block's value; `app` says whether it is the application's
/// (the load balancer's target: always essential, its port, its stop timeout).
pub fn container_expression(c: &str, app: bool) -> String {
    let (essential, ports) = if app {
        (
            "true".to_owned(),
            // A worker's application may listen on nothing (no port).
            format!(
                "[for p in [{c}.port] : {{ containerPort = p, hostPort = p, protocol = \"tcp\" }} if p != null]"
            ),
        )
    } else {
        (
            format!("{c}.essential"),
            format!(
                "[for p in {c}.port_mapping : {{ containerPort = p.container_port, hostPort = p.container_port, protocol = p.protocol }}]"
            ),
        )
    };
    let capabilities = format!(
        "{{ for k, v in {{ add = {add}, drop = {drop} }} : k => v if length(v) > 0 }}",
        add = list_or_empty(&format!("{c}.add_capabilities")),
        drop = list_or_empty(&format!("{c}.drop_capabilities")),
    );
    let awslogs = if app {
        "local.app_awslogs_options"
    } else {
        "local.awslogs_options"
    };
    let firelens = if app {
        String::new()
    } else {
        format!(
            ", {{ for k, v in {{ firelensConfiguration = {c}.firelens }} : k => merge({{ type = v.type }}, {{ for k2, v2 in {{ options = merge(v.options, {{ for k3, v3 in {{ \"config-file-type\" = v.config_file_type, \"config-file-value\" = v.config_file_value }} : k3 => v3 if v3 != null }}) }} : k2 => v2 if length(v2) > 0 }}) if v != null }}"
        )
    };
    format!(
        "merge({{ name = {c}.name, image = {c}.image, essential = {essential}, portMappings = {ports}, \
         environment = [for k in sort(keys({c}.environment)) : {{ name = k, value = {c}.environment[k] }}], \
         secrets = [for k in sort(keys({c}.secrets)) : {{ name = k, valueFrom = {c}.secrets[k] }}], \
         readonlyRootFilesystem = {c}.readonly_root_filesystem, \
         linuxParameters = merge({{ initProcessEnabled = {c}.init_process_enabled }}, {{ for k, v in {{ capabilities = {capabilities} }} : k => v if length(v) > 0 }}), \
         logConfiguration = {{ logDriver = {c}.log.driver == \"awsfirelens\" ? \"awsfirelens\" : \"awslogs\", options = {c}.log.driver == \"awsfirelens\" ? tomap({c}.log.options) : tomap({awslogs}) }} }}, \
         {{ for k, v in {{ command = {c}.command, entryPoint = {c}.entry_point, cpu = {c}.cpu, memory = {c}.memory, memoryReservation = {c}.memory_reservation, user = {c}.user, stopTimeout = {c}.stop_timeout }} : k => v if v != null }}, \
         {{ for k, v in {{ dependsOn = [for n in sort(keys({c}.depends_on)) : {{ containerName = n, condition = {c}.depends_on[n] }}], mountPoints = [for m in {c}.mount_point : {{ sourceVolume = m.source_volume, containerPath = m.container_path, readOnly = m.read_only }}], ulimits = [for u in {c}.ulimit : {{ name = u.name, softLimit = u.soft_limit, hardLimit = u.hard_limit }}] }} : k => v if length(v) > 0 }}, \
         {{ for k, v in {{ healthCheck = {c}.health_check }} : k => {{ command = v.command, interval = v.interval, timeout = v.timeout, retries = v.retries, startPeriod = v.start_period }} if v != null }}{firelens})"
    )
}

fn block_type(name: &str) -> String {
    let block = schema().block;
    block
        .get_block(name)
        .map(|b| object_type(&b.block, name))
        .unwrap_or_else(|| "any".to_owned())
}

pub fn task_definition() -> Module {
    let mut sidecars = var(
        "sidecars",
        &format!("list({})", block_type("sidecar")),
        "Containers beside the application's, as the root module's `sidecar`.",
    )
    .with_default("[]");
    sidecars.non_nullable = true;
    let mut volumes = var(
        "volumes",
        &format!("list({})", block_type("volume")),
        "Volumes the containers mount, as the root module's `volume`.",
    )
    .with_default("[]");
    volumes.non_nullable = true;
    let mut m = submodule(
        "task-definition",
        vec![
            var("family", "string", "Task definition family."),
            var(
                "log_group_name",
                "string",
                "CloudWatch log group of the containers that log through awslogs.",
            ),
            var("log_retention_days", "number", "Days the logs are kept."),
            var("region", "string", "Region of the log group."),
            var("cpu", "number", "Task CPU units."),
            var("memory", "number", "Task memory (MiB)."),
            var("cpu_architecture", "string", "`X86_64` or `ARM64`."),
            var(
                "ephemeral_storage_gib",
                "number",
                "Task ephemeral storage (GiB).",
            ),
            var(
                "container",
                &block_type("container"),
                "The application container, as the root module's `container` (the load balancer's target).",
            ),
            sidecars,
            volumes,
            var(
                "execution_role_arn",
                "string",
                "ARN of the task execution role.",
            ),
            var("task_role_arn", "string", "ARN of the task role."),
            var(
                "require_immutable_image",
                "bool",
                "Refuse an image with a `:latest` tag or no tag.",
            )
            .with_default("false"),
            tags_variable(),
        ],
    );
    m.locals = vec![
        (
            "awslogs_options".to_owned(),
            "merge({ \"awslogs-group\" = var.log_group_name, \"awslogs-region\" = var.region, \"awslogs-stream-prefix\" = var.container.log.stream_prefix, mode = var.container.log.mode }, { for k, v in { \"max-buffer-size\" = var.container.log.max_buffer_size } : k => v if var.container.log.mode == \"non-blocking\" })".to_owned(),
        ),
        (
            // The application's container only: how awslogs joins a multiline message.
            "app_awslogs_options".to_owned(),
            "merge(local.awslogs_options, { for k, v in { \"awslogs-multiline-pattern\" = var.container.log.multiline_pattern, \"awslogs-datetime-format\" = var.container.log.datetime_format } : k => v if v != null })".to_owned(),
        ),
        (
            "container_definitions".to_owned(),
            format!(
                "concat([{}], [for s in var.sidecars : {}])",
                container_expression("var.container", true),
                container_expression("s", false)
            ),
        ),
        (
            "images".to_owned(),
            "concat([var.container.image], [for s in var.sidecars : s.image])".to_owned(),
        ),
        (
            "containers".to_owned(),
            "concat([var.container], var.sidecars)".to_owned(),
        ),
    ];
    let efs = Node::new("dynamic", &["efs_volume_configuration"])
        .expr(
            "for_each",
            "volume.value.efs == null ? [] : [volume.value.efs]",
        )
        .block(
            Node::new("content", &[])
                .expr("file_system_id", "efs_volume_configuration.value.file_system_id")
                // ECS reports `/` when no root directory is given.
                .expr(
                    "root_directory",
                    "coalesce(efs_volume_configuration.value.root_directory, \"/\")",
                )
                .expr(
                    "transit_encryption",
                    "efs_volume_configuration.value.transit_encryption ? \"ENABLED\" : \"DISABLED\"",
                )
                .block(
                    Node::new("authorization_config", &[])
                        .expr(
                            "access_point_id",
                            "efs_volume_configuration.value.access_point_id",
                        )
                        .expr(
                            "iam",
                            "efs_volume_configuration.value.iam_authorization ? \"ENABLED\" : \"DISABLED\"",
                        ),
                ),
        );
    m.blocks = vec![
        resource(ChildKey::LogGroup.kind(), LOG_GROUP)
            .expr("name", "var.log_group_name")
            .expr("retention_in_days", "var.log_retention_days")
            .expr("tags", "var.tags"),
        resource(ChildKey::TaskDefinition.kind(), TASK_DEFINITION)
            .expr("family", "var.family")
            .expr("requires_compatibilities", "[\"FARGATE\"]")
            .string("network_mode", "awsvpc")
            .expr("cpu", "tostring(var.cpu)")
            .expr("memory", "tostring(var.memory)")
            .expr("execution_role_arn", "var.execution_role_arn")
            .expr("task_role_arn", "var.task_role_arn")
            .expr("container_definitions", "jsonencode(local.container_definitions)")
            .expr("tags", "var.tags")
            .block(
                Node::new("runtime_platform", &[])
                    .string("operating_system_family", "LINUX")
                    .expr("cpu_architecture", "var.cpu_architecture"),
            )
            .block(Node::new("ephemeral_storage", &[]).expr("size_in_gib", "var.ephemeral_storage_gib"))
            .block(
                Node::new("dynamic", &["volume"])
                    .expr("for_each", "var.volumes")
                    .block(
                        Node::new("content", &[])
                            .expr("name", "volume.value.name")
                            .block(efs),
                    ),
            )
            // The log group exists before a task can write to it.
            .expr("depends_on", "[aws_cloudwatch_log_group.this]")
            .block(
                Node::new("lifecycle", &[])
                    // A new revision is registered before the old one is deregistered.
                    .expr("create_before_destroy", "true")
                    .block(
                        Node::new("precondition", &[])
                            .expr("condition", immutable_images_condition())
                            .string(
                                "error_message",
                                "require_immutable_image is set: use images with a version tag or a digest, not :latest, a moving tag (:stable, :main, …) or no tag (check mutable-image).",
                            ),
                    )
                    // The rules that involve several containers, as `service::checks::tasks`
                    // states them.
                    .block(precondition(
                        "sum(concat([0], [for c in local.containers : coalesce(c.cpu, 0)])) <= var.cpu && sum(concat([0], [for c in local.containers : c.memory != null ? c.memory : coalesce(c.memory_reservation, 0)])) <= var.memory",
                        "the containers' cpu and memory (the reservation where no limit is set) together must fit the task's size (check container-size).",
                    ))
                    .block(precondition(
                        "alltrue([for c in local.containers : alltrue([for n in keys(c.depends_on) : n != c.name && contains([for o in local.containers : o.name], n)])])",
                        "depends_on must name other containers of the task (check depends-on).",
                    ))
                    .block(precondition(
                        "length([for s in var.sidecars : s if s.firelens != null]) > 0 || alltrue([for c in local.containers : c.log.driver != \"awsfirelens\"])",
                        "the awsfirelens log driver needs a sidecar with firelens, the task's log router (check firelens).",
                    ))
                    .block(precondition(
                        "alltrue(flatten([for c in local.containers : [for m in c.mount_point : contains([for v in var.volumes : v.name], m.source_volume)]]))",
                        "each mount_point.source_volume must name a volume of the service (check volumes).",
                    )),
            ),
    ];
    m.outputs = vec![
        Output::new(
            "arn",
            "aws_ecs_task_definition.this.arn",
            "ARN of the task definition revision.",
        ),
        Output::new(
            "family",
            "aws_ecs_task_definition.this.family",
            "Its family.",
        ),
        Output::new(
            "revision",
            "aws_ecs_task_definition.this.revision",
            "Its revision number.",
        ),
        Output::new(
            "log_group_name",
            "aws_cloudwatch_log_group.this.name",
            "Name of the log group.",
        ),
    ];
    m
}

fn precondition(condition: &str, error_message: &str) -> Node {
    Node::new("precondition", &[])
        .expr("condition", condition)
        .string("error_message", error_message)
}

/// Every secret or parameter ARN a container of the task reads (the root's `var.container`
/// and `var.sidecar`).
pub const SECRET_VALUES: &str =
    "concat(values(var.container.secrets), flatten([for s in var.sidecar : values(s.secrets)]))";

/// Whether a container's `user` runs as root (none given: the image's, taken as root), as
/// `service::task::runs_as_root` decides.
fn runs_as_root(user: &str) -> String {
    format!("{user} == null ? true : contains([\"\", \"0\", \"root\"], split(\":\", {user})[0])")
}

/// The root's locals for the task role's EFS permissions: every mount point of every
/// container, and for each IAM-authorized EFS volume its statement's inputs (the client
/// actions as `service::task::efs_actions` decides them).
pub fn efs_locals() -> Vec<(String, String)> {
    let mounts = format!(
        "concat([for m in var.container.mount_point : {{ volume = m.source_volume, read_only = m.read_only, root = {} }}], flatten([for s in var.sidecar : [for m in s.mount_point : {{ volume = m.source_volume, read_only = m.read_only, root = {} }}]]))",
        runs_as_root("var.container.user"),
        runs_as_root("s.user"),
    );
    let efs = format!(
        "[for i, v in var.volume : {{ sid = \"{EFS_SID_PREFIX}${{i}}\", file_system_arn = \"arn:${{local.partition}}:elasticfilesystem:${{local.region}}:${{local.account_id}}:file-system/${{v.efs.file_system_id}}\", access_point_arn = v.efs.access_point_id == null ? null : \"arn:${{local.partition}}:elasticfilesystem:${{local.region}}:${{local.account_id}}:access-point/${{v.efs.access_point_id}}\", actions = concat([\"{EFS_MOUNT}\"], length([for m in local.task_mounts : m if m.volume == v.name && !m.read_only]) > 0 ? [\"{EFS_WRITE}\"] : [], v.efs.access_point_id == null && length([for m in local.task_mounts : m if m.volume == v.name && m.root]) > 0 ? [\"{EFS_ROOT_ACCESS}\"] : []) }} if v.efs == null ? false : v.efs.iam_authorization]"
    );
    vec![
        ("task_mounts".to_owned(), mounts),
        ("efs_mounts".to_owned(), efs),
    ]
}

/// The iam-roles submodule's inputs for the task role's permissions beyond the application's
/// policy.
pub fn task_role_variables() -> Vec<Variable> {
    let mut managed = var(
        "task_role_managed_policy_arns",
        "list(string)",
        "Managed policies attached to the task role.",
    )
    .with_default("[]");
    managed.non_nullable = true;
    let mut efs = var(
        "efs_mounts",
        "list(object({ sid = string, file_system_arn = string, access_point_arn = string, actions = list(string) }))",
        "For each EFS volume mounted with IAM authorization: the statement's ID, the file system, the access point (null for none) and the client actions the task role gets.",
    )
    .with_default("[]");
    efs.non_nullable = true;
    vec![
        managed,
        efs,
        var(
            "mounts_efs",
            "bool",
            "Whether some EFS volume is mounted with IAM authorization, so the task role gets its EFS policy (known at plan time).",
        )
        .with_default("false"),
        var(
            "enable_execute_command",
            "bool",
            "ECS Exec: the task role may open the SSM agent's channels.",
        )
        .with_default("false"),
    ]
}

/// The EFS policy document of the iam-roles submodule — `service::task::efs_policy`.
pub const EFS_POLICY: &str = r#"{
  Version = "2012-10-17"
  Statement = [for v in var.efs_mounts : merge({ Sid = v.sid, Effect = "Allow", Action = v.actions, Resource = v.file_system_arn }, { for k, c in { Condition = { StringEquals = { "elasticfilesystem:AccessPointArn" = v.access_point_arn } } } : k => c if v.access_point_arn != null })]
}"#;

/// The `mutable-image` rule under `require_immutable_image`, as the checks state it: every
/// image a digest, or a tag that is neither `latest` nor one of the tags that move by
/// convention (no tag means `latest`).
fn immutable_images_condition() -> String {
    let tags: Vec<String> = std::iter::once("latest")
        .chain(crate::service::checks::MOVING_TAGS.iter().copied())
        .map(|t| format!("\"{t}\""))
        .collect();
    format!(
        "!var.require_immutable_image || alltrue([for image in local.images : strcontains(image, \"@sha256:\") || (can(regex(\":[^/:]+$\", image)) && !anytrue([for tag in [{}] : endswith(image, \":${{tag}}\")]))])",
        tags.join(", ")
    )
}
