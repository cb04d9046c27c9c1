//! The schema of what runs: the task's size, the application's container, its sidecars and
//! the volumes they mount, with the allowed values their checks share.

use crate::tfplugin::{Attribute as A, Block, NestedBlock};
use crate::value::{Type, Value};

use super::{d, one_of_code, string_map, strings};

pub(super) fn task_block() -> Block {
    Block::new("Task size and platform.")
        .attribute(A::required(
            "cpu",
            Type::Number,
            "CPU units (256, 512, 1024, 2048, 4096, 8192 or 16384). Checked with `memory` against Fargate's \
             valid combinations at plan time.",
        ))
        .attribute(A::required(
            "memory",
            Type::Number,
            "Memory in MiB; must be one of the values Fargate allows for `cpu` (see the \
             `provider::fargate::valid_memory` function).",
        ))
        .attribute(A::defaulted(
            "cpu_architecture",
            Type::String,
            Value::string(d::CPU_ARCHITECTURE),
            "`X86_64` or `ARM64`.",
        ))
        .attribute(A::defaulted(
            "ephemeral_storage_gib",
            Type::Number,
            Value::int(d::EPHEMERAL_STORAGE_GIB),
            "Task ephemeral storage, 21 to 200 GiB.",
        ))
}

pub(super) fn container_block() -> Block {
    let block = Block::new("The essential application container: the one the load balancer sends traffic to.")
        .attribute(
            A::required(
                "name",
                Type::String,
                "Container name; the load balancer routes to it. Changing it replaces the service.",
            )
            .forces_replacement(),
        )
        .attribute(
            A::optional(
                "port",
                Type::Number,
                "Container port the load balancer sends traffic to; required with `load_balancer` and with SRV \
                 service discovery, unset for a worker that listens on nothing. Changing it replaces the service.",
            )
            .forces_replacement(),
        )
        .attribute(A::defaulted(
            "stop_timeout",
            Type::Number,
            Value::int(d::STOP_TIMEOUT),
            "Seconds between SIGTERM and SIGKILL (Fargate allows at most 120).",
        ))
        .attribute(A::optional(
            "drain_timeout",
            Type::Number,
            "Seconds the application needs after SIGTERM to finish in-flight requests. Used by the plan-time \
             checks of the shutdown timers (it must be below `stop_timeout` and at most the deregistration delay).",
        ))
        .block(NestedBlock::optional_group("log", log_block()));
    with_container_settings(block)
}

/// What every container of the task takes, the application's and each sidecar's, described once.
fn with_container_settings(block: Block) -> Block {
    block
        .attribute(A::required(
            "image",
            Type::String,
            "Image reference. Prefer an immutable tag or a digest (`repo@sha256:…`); a change registers a new \
             task definition revision and rolls it out with the service's deployment strategy. Under \
             `image_owner = \"pipeline\"` it is only the image the service starts from: a later change \
             deploys nothing.",
        ))
        .attribute(A::optional("command", strings(), "Overrides the image's CMD."))
        .attribute(A::optional("entry_point", strings(), "Overrides the image's ENTRYPOINT."))
        .attribute(A::optional(
            "environment",
            string_map(),
            "Plain environment variables. Credentials belong in `secrets`.",
        ))
        .attribute(A::optional(
            "secrets",
            string_map(),
            "Environment variables read at task start from Secrets Manager or SSM Parameter Store: values are \
             secret or parameter ARNs, never the secrets themselves. The execution role may read exactly these.",
        ))
        .attribute(A::optional(
            "cpu",
            Type::Number,
            "CPU units reserved for this container out of `task.cpu`; the containers' reservations together may \
             not exceed it. Unset: no reservation (the container shares what the others leave).",
        ))
        .attribute(A::optional(
            "memory",
            Type::Number,
            "Hard memory limit in MiB: the container is stopped when it exceeds it. The containers' limits (or \
             reservations, for a container without a limit) together may not exceed `task.memory`.",
        ))
        .attribute(A::optional(
            "memory_reservation",
            Type::Number,
            "Soft memory limit in MiB: what the container is guaranteed; at most `memory`.",
        ))
        .attribute(A::optional(
            "user",
            Type::String,
            "User the processes run as: `uid`, `uid:gid`, `user` or `user:group`. Unset: the image's USER.",
        ))
        .attribute(A::optional(
            "depends_on",
            string_map(),
            &format!(
                "Containers of the task this one waits for, by name, with the condition: {} (the other \
                 container has started; has exited; has exited with 0; passes its health check).",
                one_of_code(DEPENDENCY_CONDITIONS)
            ),
        ))
        .attribute(A::defaulted(
            "init_process_enabled",
            Type::Bool,
            Value::Bool(d::INIT_PROCESS_ENABLED),
            "Run an init process as PID 1 that forwards signals and reaps zombies.",
        ))
        .attribute(A::defaulted(
            "readonly_root_filesystem",
            Type::Bool,
            Value::Bool(d::READONLY_ROOT_FILESYSTEM),
            "Mount the container's root filesystem read-only; give it writable paths with `mount_point`s of \
             volumes.",
        ))
        .attribute(A::optional(
            "drop_capabilities",
            strings(),
            "Linux capabilities to drop from the container runtime's default set, e.g. `[\"ALL\"]` for an \
             image that runs as a non-root user and binds no port below 1024. Unset: the default set (see the \
             resource's notes on hardening).",
        ))
        .attribute(A::optional(
            "add_capabilities",
            strings(),
            "Linux capabilities to add; Fargate allows only `SYS_PTRACE`.",
        ))
        .block(NestedBlock::optional_single("health_check", container_health_block()))
        .block(NestedBlock::list("mount_point", mount_point_block(), 0))
        .block(NestedBlock::list("ulimit", ulimit_block(), 0))
}

/// The conditions a container's `depends_on` takes, as ECS names them.
pub const DEPENDENCY_CONDITIONS: &[&str] = crate::service::facts::DEPENDENCY_CONDITIONS.values;

/// The log routers FireLens runs.
pub const FIRELENS_TYPES: &[&str] = crate::service::facts::FIRELENS_TYPES.values;

/// Where a FireLens router's configuration file is: in S3 or in the router's image.
pub const FIRELENS_CONFIG_FILE_TYPES: &[&str] = &["s3", "file"];

/// The log drivers a container takes: CloudWatch Logs directly, or through the task's FireLens
/// router.
pub const LOG_DRIVERS: &[&str] = crate::service::facts::LOG_DRIVERS.values;

fn mount_point_block() -> Block {
    Block::new("A volume of the task mounted into the container.")
        .attribute(A::required(
            "source_volume",
            Type::String,
            "Name of a `volume` of the service.",
        ))
        .attribute(A::required(
            "container_path",
            Type::String,
            "Absolute path in the container where the volume appears.",
        ))
        .attribute(A::defaulted(
            "read_only",
            Type::Bool,
            Value::Bool(false),
            "Mount it read-only.",
        ))
}

fn ulimit_block() -> Block {
    Block::new("A resource limit of the container's processes (`ulimit`).")
        .attribute(A::required(
            "name",
            Type::String,
            "The limit, e.g. `nofile`, `nproc`, `core`, `memlock`, `stack`.",
        ))
        .attribute(A::required("soft_limit", Type::Number, "Soft limit."))
        .attribute(A::required(
            "hard_limit",
            Type::Number,
            "Hard limit, at least the soft limit.",
        ))
}

pub(super) fn sidecar_block() -> Block {
    let block = Block::new(
        "A container beside the application in every task: a log router, a telemetry collector, a proxy. \
         It receives no load balancer traffic; its image and settings are part of the task definition, so a \
         change rolls out like the application's.",
    )
    .attribute(A::required(
        "name",
        Type::String,
        "Container name, unique in the task; `depends_on` refers to containers by it.",
    ))
    .attribute(A::defaulted(
        "essential",
        Type::Bool,
        Value::Bool(true),
        "Whether the task stops when this container stops. A collector whose loss the application survives \
         can be non-essential.",
    ))
    .attribute(A::optional(
        "stop_timeout",
        Type::Number,
        "Seconds between SIGTERM and SIGKILL (at most 120). Unset: ECS's 30.",
    ))
    .block(NestedBlock::list("port_mapping", port_mapping_block(), 0))
    .block(NestedBlock::optional_group("log", sidecar_log_block()))
    .block(NestedBlock::optional_single("firelens", firelens_block()));
    with_container_settings(block)
}

fn port_mapping_block() -> Block {
    Block::new(
        "A port the sidecar listens on, for the other containers of the task (awsvpc: localhost).",
    )
    .attribute(A::required(
        "container_port",
        Type::Number,
        "Port (1–65535).",
    ))
    .attribute(A::defaulted(
        "protocol",
        Type::String,
        Value::string("tcp"),
        "`tcp` or `udp`.",
    ))
}

fn sidecar_log_block() -> Block {
    Block::new("Where the sidecar's own output goes.")
        .attribute(A::defaulted(
            "driver",
            Type::String,
            Value::string(LOG_DRIVERS[0]),
            "`awslogs`: the service's log group, with the application's `log.mode` and buffer. `awsfirelens`: \
             through the task's FireLens router, with `options`.",
        ))
        .attribute(A::optional(
            "options",
            string_map(),
            "Options of the `awsfirelens` driver: the router's output plugin (`Name`) and its settings.",
        ))
}

fn firelens_block() -> Block {
    Block::new(
        "Makes this sidecar the task's FireLens log router: containers whose log driver is `awsfirelens` send \
         their output to it. Its own output goes to the service's log group.",
    )
    .attribute(A::defaulted(
        "type",
        Type::String,
        Value::string(FIRELENS_TYPES[0]),
        &format!("{}.", one_of_code(FIRELENS_TYPES)),
    ))
    .attribute(A::optional(
        "options",
        string_map(),
        "FireLens options, e.g. `enable-ecs-log-metadata`.",
    ))
    .attribute(A::optional(
        "config_file_type",
        Type::String,
        "Where the router's own configuration file is: `s3` (an object, `config_file_value` its ARN) or \
         `file` (a path in the router's image).",
    ))
    .attribute(A::optional(
        "config_file_value",
        Type::String,
        "The configuration file's S3 object ARN or path.",
    ))
}

pub(super) fn volume_block() -> Block {
    Block::new(
        "A volume containers of the task mount with `mount_point`: an EFS file system with `efs`, otherwise \
         task storage shared by the task's containers for its lifetime (bind mount).",
    )
    .attribute(A::required(
        "name",
        Type::String,
        "Volume name, unique in the task; `mount_point.source_volume` refers to it.",
    ))
    .block(NestedBlock::optional_single("efs", efs_block()))
}

fn efs_block() -> Block {
    Block::new("An Amazon EFS file system (Fargate platform version 1.4.0 or later).")
        .attribute(A::required("file_system_id", Type::String, "ID of the file system (`fs-…`)."))
        .attribute(A::optional(
            "root_directory",
            Type::String,
            "Directory of the file system mounted as the volume's root. Leave it unset with an access point, \
             whose own root directory applies.",
        ))
        .attribute(A::optional(
            "access_point_id",
            Type::String,
            "An EFS access point (`fsap-…`), which enforces its user and root directory.",
        ))
        .attribute(A::defaulted(
            "transit_encryption",
            Type::Bool,
            Value::Bool(true),
            "Encrypt the NFS traffic with TLS; required with an access point or IAM authorization.",
        ))
        .attribute(A::defaulted(
            "iam_authorization",
            Type::Bool,
            Value::Bool(true),
            "Mount as the task role, which then gets exactly the EFS client actions it needs on this file \
             system (through the access point when one is given): `ClientMount`; `ClientWrite` unless every \
             mount of the volume is read-only; `ClientRootAccess` only without an access point and with a \
             container that mounts it as root.",
        ))
}

fn container_health_block() -> Block {
    Block::new("Container health check run by the ECS agent.")
        .attribute(A::required(
            "command",
            strings(),
            "Command, e.g. `[\"CMD-SHELL\", \"curl -f http://localhost:8080/healthz || exit 1\"]`.",
        ))
        .attribute(A::defaulted(
            "interval",
            Type::Number,
            Value::int(d::CONTAINER_HEALTH_INTERVAL),
            "Seconds between checks (5–300).",
        ))
        .attribute(A::defaulted(
            "timeout",
            Type::Number,
            Value::int(d::CONTAINER_HEALTH_TIMEOUT),
            "Seconds before a check fails (2–60).",
        ))
        .attribute(A::defaulted(
            "retries",
            Type::Number,
            Value::int(d::CONTAINER_HEALTH_RETRIES),
            "Failures before unhealthy (1–10).",
        ))
        .attribute(A::defaulted(
            "start_period",
            Type::Number,
            Value::int(d::CONTAINER_HEALTH_START_PERIOD),
            "Seconds of grace after start before failures count (0–300).",
        ))
}

fn log_block() -> Block {
    Block::new("The service's log group, and where the application's output goes.")
        .attribute(A::optional_computed(
            "group",
            Type::String,
            "Log group name. Defaults to `/ecs/<name>`.",
        ))
        .attribute(A::defaulted(
            "retention_days",
            Type::Number,
            Value::int(d::LOG_RETENTION_DAYS),
            "Log retention in days.",
        ))
        .attribute(A::defaulted(
            "mode",
            Type::String,
            Value::string(d::LOG_MODE),
            "`non-blocking` (a full buffer drops log lines instead of stalling the application) or \
                 `blocking`.",
        ))
        .attribute(A::defaulted(
            "max_buffer_size",
            Type::String,
            Value::string(d::LOG_MAX_BUFFER_SIZE),
            "Buffer size in non-blocking mode.",
        ))
        .attribute(A::defaulted(
            "stream_prefix",
            Type::String,
            Value::string(d::LOG_STREAM_PREFIX),
            "awslogs' stream prefix: each task's streams are named `<prefix>/<container>/<task id>`.",
        ))
        .attribute(A::optional(
            "multiline_pattern",
            Type::String,
            "awslogs' `awslogs-multiline-pattern`: a regular expression that starts a log event, so \
             the lines that follow it (a stack trace) join it in one event. The application's container \
             only. Not with `datetime_format`.",
        ))
        .attribute(A::optional(
            "datetime_format",
            Type::String,
            "awslogs' `awslogs-datetime-format`: a strftime pattern that starts a log event (e.g. \
             `%Y-%m-%dT%H:%M:%S`), as `multiline_pattern` does with a regular expression. The \
             application's container only.",
        ))
        .attribute(A::defaulted(
            "driver",
            Type::String,
            Value::string(LOG_DRIVERS[0]),
            "`awslogs`: the application's output goes to the log group. `awsfirelens`: through the task's \
             FireLens router (a `sidecar` with `firelens`), with `options`; the log group then holds the \
             sidecars' output.",
        ))
        .attribute(A::optional(
            "options",
            string_map(),
            "Options of the `awsfirelens` driver: the router's output plugin (`Name`) and its settings.",
        ))
}
