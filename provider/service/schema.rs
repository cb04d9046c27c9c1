//! The Terraform schema of `fargate_production_service`: every input and computed attribute,
//! with the markdown descriptions users see in docs and editors.

use crate::tfplugin::{Attribute as A, Block, NestedBlock, Schema};
use crate::value::{Type, Value};

use super::defaults as d;

/// The resource type name Terraform configurations use.
pub const TYPE_NAME: &str = "fargate_production_service";

/// Bumped whenever the stored state's shape changes; UpgradeResourceState migrates older ones.
pub const SCHEMA_VERSION: i64 = 0;

/// The Cloud Map record types `service_discovery.record_type` accepts: the address records an
/// awsvpc task registers, or SRV (with A records Cloud Map adds for the task's address), for
/// which the ECS service's registry names the container and its port. The resource's checks
/// and the modules' validation both read this list.
pub use super::expand::ECS_HOOK_STAGES;

pub const DNS_RECORD_TYPES: &[&str] = super::facts::DNS_RECORD_TYPES.values;

/// ECS takes at most 10 container definitions in a task definition: the application's and
/// nine sidecars.
pub const MAX_SIDECARS: i64 = 9;

/// `A or AAAA`, `A, B or C`: a list of allowed values as descriptions and messages write it.
pub fn one_of<S: AsRef<str>>(values: &[S]) -> String {
    match values.split_last() {
        Some((last, [])) => last.as_ref().to_owned(),
        Some((last, rest)) => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", rest.join(", "), last.as_ref())
        }
        None => String::new(),
    }
}

/// `` `A` or `AAAA` ``: the values as code, for descriptions in markdown.
pub fn one_of_code(values: &[&str]) -> String {
    let code: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    one_of(&code)
}

fn strings() -> Type {
    Type::list(Type::String)
}

fn strings_value(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

fn string_map() -> Type {
    Type::map(Type::String)
}

/// The kind and name of each child resource the service expands into.
pub fn child_type() -> Type {
    Type::object([("kind", Type::String), ("name", Type::String)])
}

pub fn schema() -> Schema {
    Schema {
        version: SCHEMA_VERSION,
        block: service_block(),
    }
}

fn service_block() -> Block {
    Block::new(
        "One production ECS Fargate service, managed as a unit: the task definition, the ECS service \
         (CODE_DEPLOY deployment controller), blue and green ALB target groups with listener rules, the \
         CodeDeploy application and deployment group, the Cloud Map service, IAM execution and task roles, \
         the CloudWatch log group and Application Auto Scaling. An image or task change rolls out as a \
         CodeDeploy blue/green deployment.",
    )
    .attribute(
        A::required(
            "name",
            Type::String,
            "Name of the service. Prefixes the name of every child resource; derived names are shortened \
             deterministically where AWS limits their length. Changing it replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(
        A::required(
            "cluster",
            Type::String,
            "Name or ARN of the ECS cluster the service runs in. Changing it replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(A::defaulted(
            "desired_count",
            Type::Number,
            Value::int(d::DESIRED_COUNT),
            "Number of tasks to run. Must lie within `autoscaling`'s `min` and `max` when autoscaling is set.",
        ))
    .attribute(A::defaulted(
            "platform_version",
            Type::String,
            Value::string(d::PLATFORM_VERSION),
            "Fargate platform version.",
        ))
    .attribute(A::defaulted(
            "wait_for_deployment",
            Type::Bool,
            Value::Bool(d::WAIT_FOR_DEPLOYMENT),
            "Whether apply waits for a blue/green deployment to finish, and fails if CodeDeploy stops or rolls it \
         back.",
        ))
    .attribute(A::defaulted(
            "deployment_strategy",
            Type::String,
            Value::string(d::DEPLOYMENT_STRATEGY),
            "How a new task definition reaches production. `codedeploy`: CodeDeploy blue/green (task sets, \
             the `blue_green` block). `blue_green`, `linear`, `canary`: ECS-native blue/green under the ECS \
             deployment controller, which moves production traffic between the target groups by rewriting \
             the listener rules' weights (all at once, in equal steps, or a share first; the \
             `ecs_deployment` block), with an infrastructure role and no CodeDeploy children. `rolling`: \
             an ECS rolling update with the circuit breaker, one target group and no test rule. Changing \
             `codedeploy` to `blue_green`, `linear` or `canary` (and between those three) happens in place; \
             any other change replaces the service.",
        ))
    .attribute(A::defaulted(
            "require_immutable_image",
            Type::Bool,
            Value::Bool(false),
            "Make a mutable image reference (a `:latest` tag or no tag) an error instead of a warning.",
        ))
    .attribute(A::optional(
        "task_role_policy_json",
        Type::String,
        "IAM policy document (JSON) granting the application's own AWS permissions, attached inline to the \
         task role.",
    ))
    .attribute(A::optional(
        "task_role_managed_policy_arns",
        strings(),
        "ARNs of IAM managed policies attached to the task role besides `task_role_policy_json`, e.g. \
         `arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess` for an ADOT or X-Ray collector sidecar.",
    ))
    .attribute(A::defaulted(
        "enable_execute_command",
        Type::Bool,
        Value::Bool(false),
        "ECS Exec: operators may open a shell in a running container (`aws ecs execute-command`). The task \
         role gets the four `ssmmessages` channel actions the SSM agent needs. ECS applies it to tasks it \
         starts: under the ECS-controller strategies a change rolls out a new deployment; under `codedeploy`, \
         whose services ECS does not update in place, a change replaces the service (the plan warns).",
    ))
    .attribute(A::optional(
        "tags",
        string_map(),
        "Tags for every child resource that supports them; ECS propagates the service's tags to its tasks. \
         Merged over the provider's `default_tags`.",
    ))
    .attribute(A::computed(
        "id",
        Type::String,
        "`<cluster>/<name>`, the form `tofu import` accepts.",
    ))
    .attribute(A::computed("service_arn", Type::String, "ARN of the ECS service."))
    .attribute(A::computed(
        "task_definition_arn",
        Type::String,
        "ARN of the task definition revision the service runs.",
    ))
    .attribute(A::computed(
        "task_definition_revision",
        Type::Number,
        "Revision number of the task definition the service runs.",
    ))
    .attribute(A::computed("execution_role_arn", Type::String, "ARN of the task execution role."))
    .attribute(A::computed("task_role_arn", Type::String, "ARN of the task role."))
    .attribute(A::computed(
        "infrastructure_role_arn",
        Type::String,
        "ARN of the role ECS moves traffic with (`blue_green`, `linear`, `canary`).",
    ))
    .attribute(A::computed("log_group_name", Type::String, "Name of the CloudWatch log group."))
    .attribute(A::computed("blue_target_group_arn", Type::String, "ARN of the blue target group."))
    .attribute(A::computed("green_target_group_arn", Type::String, "ARN of the green target group."))
    .attribute(A::computed(
        "production_listener_rule_arn",
        Type::String,
        "ARN of the rule on the production listener that routes to the live target group.",
    ))
    .attribute(A::computed(
        "test_listener_rule_arn",
        Type::String,
        "ARN of the rule on the test listener that routes to the target group under test.",
    ))
    .attribute(A::computed(
        "codedeploy_application_name",
        Type::String,
        "Name of the CodeDeploy application.",
    ))
    .attribute(A::computed(
        "codedeploy_deployment_group_name",
        Type::String,
        "Name of the CodeDeploy deployment group.",
    ))
    .attribute(A::computed(
        "service_discovery_arn",
        Type::String,
        "ARN of the Cloud Map service, when `service_discovery` is set.",
    ))
    .attribute(A::computed(
        "dns_name",
        Type::String,
        "The DNS name tasks register under in Cloud Map (`<name>.<namespace>`), when `service_discovery` is set.",
    ))
    .attribute(A::computed(
        "live_target_group",
        Type::String,
        "`blue` or `green`: the target group the production listener routes to, read from the listener.",
    ))
    .attribute(A::computed(
        "last_deployment_id",
        Type::String,
        "ID of the last CodeDeploy deployment this resource started, if any.",
    ))
    .attribute(A::computed(
        "children",
        Type::list(child_type()),
        "Every child resource the service expands into, with its kind and name; known at plan time, so \
         `tofu plan` shows what apply creates.",
    ))
    .block(NestedBlock::required_single("task", task_block()))
    .block(NestedBlock::required_single("container", container_block()))
    .block(NestedBlock::list("sidecar", sidecar_block(), MAX_SIDECARS))
    .block(NestedBlock::list("volume", volume_block(), 0))
    .block(NestedBlock::required_single("network", network_block()))
    .block(NestedBlock::optional_single("load_balancer", load_balancer_block()))
    .block(NestedBlock::optional_group("blue_green", blue_green_block()))
    .block(NestedBlock::optional_group("ecs_deployment", ecs_deployment_block()))
    .block(NestedBlock::optional_single("service_discovery", service_discovery_block()))
    .block(NestedBlock::list(
        "capacity_provider_strategy",
        capacity_provider_block(),
        2,
    ))
    .block(NestedBlock::optional_single("autoscaling", autoscaling_block()))
    .block(NestedBlock::optional_single("alarms", alarms_block()))
}

fn task_block() -> Block {
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

fn container_block() -> Block {
    let block = Block::new("The essential application container: the one the load balancer sends traffic to.")
        .attribute(
            A::required(
                "name",
                Type::String,
                "Container name; the load balancer and CodeDeploy route to it. Changing it replaces the service.",
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
             task definition revision and rolls it out with the service's deployment strategy.",
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
pub const DEPENDENCY_CONDITIONS: &[&str] = super::facts::DEPENDENCY_CONDITIONS.values;

/// The log routers FireLens runs.
pub const FIRELENS_TYPES: &[&str] = super::facts::FIRELENS_TYPES.values;

/// Where a FireLens router's configuration file is: in S3 or in the router's image.
pub const FIRELENS_CONFIG_FILE_TYPES: &[&str] = &["s3", "file"];

/// The log drivers a container takes: CloudWatch Logs directly, or through the task's FireLens
/// router.
pub const LOG_DRIVERS: &[&str] = super::facts::LOG_DRIVERS.values;

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

fn sidecar_block() -> Block {
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

fn volume_block() -> Block {
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

fn network_block() -> Block {
    Block::new("Task networking (awsvpc).")
        .attribute(A::required(
            "subnets",
            strings(),
            "Subnet IDs for the tasks; use private subnets in at least two Availability Zones.",
        ))
        .attribute(A::required(
            "security_groups",
            strings(),
            "Security group IDs for the tasks.",
        ))
        .attribute(A::defaulted(
            "assign_public_ip",
            Type::Bool,
            Value::Bool(d::ASSIGN_PUBLIC_IP),
            "Give tasks public IPs.",
        ))
}

fn load_balancer_block() -> Block {
    Block::new(
        "Application Load Balancer routing. The resource creates the blue and green target groups and one \
         forwarding rule on each of the given listeners (so several services can share one ALB); the \
         deployment moves those rules between blue and green. Required by every strategy but `rolling`: a \
         rolling service without it (a worker or queue consumer) has no target groups or rules. Adding or \
         removing it replaces the service.",
    )
    .attribute(
        A::required(
            "vpc_id",
            Type::String,
            "VPC of the target groups. Changing it replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(A::required(
        "production_listener_arn",
        Type::String,
        "ARN of the ALB listener that serves production traffic.",
    ))
    .attribute(A::optional(
        "test_listener_arn",
        Type::String,
        "ARN of the ALB listener that serves the new tasks to testers before production traffic moves. \
         Required by every strategy but `rolling`, which has one target group and no test rule.",
    ))
    .attribute(A::optional(
        "listener_rule_priority",
        Type::Number,
        "Priority of the forwarding rules (1–50000, unique per listener). Defaults to a number derived from \
         `name`; set it when two services share a listener and their derived priorities collide.",
    ))
    .attribute(A::defaulted(
            "path_patterns",
            strings(),
            strings_value(d::LISTENER_PATH_PATTERNS),
            "Path patterns the forwarding rules match.",
        ))
    .attribute(A::optional(
        "host_headers",
        strings(),
        "Host headers the forwarding rules match, for services that share a listener by host name.",
    ))
    .attribute(A::defaulted(
            "deregistration_delay",
            Type::Number,
            Value::int(d::DEREGISTRATION_DELAY),
            "Seconds the target groups keep draining a deregistered task (0–3600); set it just above the \
             application's drain time. The default is AWS's own, which plan warns about.",
        ))
    .attribute(A::defaulted(
            "health_check_grace_period",
            Type::Number,
            Value::int(d::HEALTH_CHECK_GRACE_PERIOD),
            "Seconds ECS ignores failing load balancer health checks after a task starts.",
        ))
    .block(NestedBlock::optional_group("health_check", target_health_block()))
}

fn target_health_block() -> Block {
    Block::new("Target group health check.")
        .attribute(A::defaulted(
            "path",
            Type::String,
            Value::string(d::TG_HEALTH_PATH),
            "HTTP path, starting with `/`.",
        ))
        .attribute(A::defaulted(
            "matcher",
            Type::String,
            Value::string(d::TG_HEALTH_MATCHER),
            "HTTP codes meaning healthy: `200`, `200,204` or `200-299`.",
        ))
        .attribute(A::defaulted(
            "interval",
            Type::Number,
            Value::int(d::TG_HEALTH_INTERVAL),
            "Seconds between checks (5–300).",
        ))
        .attribute(A::defaulted(
            "timeout",
            Type::Number,
            Value::int(d::TG_HEALTH_TIMEOUT),
            "Seconds before a check fails (2–120, below `interval`).",
        ))
        .attribute(A::defaulted(
            "healthy_threshold",
            Type::Number,
            Value::int(d::TG_HEALTHY_THRESHOLD),
            "Successes before healthy (2–10).",
        ))
        .attribute(A::defaulted(
            "unhealthy_threshold",
            Type::Number,
            Value::int(d::TG_UNHEALTHY_THRESHOLD),
            "Failures before unhealthy (2–10).",
        ))
}

fn blue_green_block() -> Block {
    Block::new("CodeDeploy blue/green deployment settings.")
        .attribute(A::defaulted(
            "deployment_config",
            Type::String,
            Value::string(d::DEPLOYMENT_CONFIG),
            "CodeDeploy deployment configuration, e.g. `CodeDeployDefault.ECSCanary10Percent5Minutes`.",
        ))
        .attribute(A::defaulted(
            "termination_wait_minutes",
            Type::Number,
            Value::int(d::TERMINATION_WAIT_MINUTES),
            "Minutes the old (blue) tasks keep running after the swap, for a fast rollback (0–2880).",
        ))
        .attribute(A::defaulted(
            "auto_rollback_events",
            strings(),
            strings_value(d::AUTO_ROLLBACK_EVENTS),
            "Events that roll a deployment back: `DEPLOYMENT_FAILURE`, `DEPLOYMENT_STOP_ON_ALARM`, \
             `DEPLOYMENT_STOP_ON_REQUEST`.",
        ))
        .attribute(A::defaulted(
            "test_traffic_wait_minutes",
            Type::Number,
            Value::int(d::TEST_TRAFFIC_WAIT_MINUTES),
            "Minutes the new tasks serve only the test listener before production traffic moves \
             (0–2880): time to test them where users do not reach them.",
        ))
        .attribute(A::defaulted(
            "approve_traffic",
            Type::Bool,
            Value::Bool(false),
            "Production traffic moves only once someone approves (`aws deploy continue-deployment \
             --deployment-wait-type READY_WAIT`) within `test_traffic_wait_minutes`; otherwise the \
             deployment stops. False: it moves when the wait ends.",
        ))
        .attribute(A::optional(
            "hooks",
            string_map(),
            &format!(
                "AppSpec lifecycle hooks: Lambda function ARNs by event ({}) that validate the new \
                 tasks before and after traffic reaches them. CodeDeploy's role \
                 (AWSCodeDeployRoleForECS) may invoke only functions named `CodeDeployHook_*`.",
                one_of_code(APPSPEC_HOOK_EVENTS)
            ),
        ))
}

fn ecs_deployment_block() -> Block {
    Block::new(
        "Settings of the ECS-controller strategies (`deployment_strategy` = `blue_green`, `linear`, `canary` \
         or `rolling`). Each strategy takes only its own settings; the service's alarms (and `alarms.names`) \
         roll a deployment back under every one of them.",
    )
    .attribute(A::defaulted(
        "bake_time_minutes",
        Type::Number,
        Value::int(d::BAKE_TIME_MINUTES),
        "`blue_green`, `linear`, `canary`: minutes the new tasks serve all production traffic, the old ones still \
         running, before the deployment completes (0–1440); a rollback in that time is immediate.",
    ))
    .attribute(A::defaulted(
        "linear_step_percent",
        Type::Number,
        Value::Number(crate::value::Number::from_f64(d::LINEAR_STEP_PERCENT)),
        "`linear`: the share of production traffic each step moves (3–100).",
    ))
    .attribute(A::defaulted(
        "linear_step_minutes",
        Type::Number,
        Value::int(d::LINEAR_STEP_MINUTES),
        "`linear`: minutes between steps (0–1440).",
    ))
    .attribute(A::defaulted(
        "canary_percent",
        Type::Number,
        Value::Number(crate::value::Number::from_f64(d::CANARY_PERCENT)),
        "`canary`: the share of production traffic the new tasks get first (0.1–100).",
    ))
    .attribute(A::defaulted(
        "canary_minutes",
        Type::Number,
        Value::int(d::CANARY_MINUTES),
        "`canary`: minutes before the rest of the traffic moves (0–1440).",
    ))
    .attribute(A::defaulted(
        "minimum_healthy_percent",
        Type::Number,
        Value::int(d::MINIMUM_HEALTHY_PERCENT),
        "`rolling`: running tasks kept during a deployment, as a percentage of the desired count (0–100).",
    ))
    .attribute(A::defaulted(
        "maximum_percent",
        Type::Number,
        Value::int(d::MAXIMUM_PERCENT),
        "`rolling`: tasks allowed during a deployment, as a percentage of the desired count (100–200, and \
         above `minimum_healthy_percent`).",
    ))
    .attribute(A::defaulted(
        "circuit_breaker",
        Type::Bool,
        Value::Bool(d::CIRCUIT_BREAKER),
        "`rolling`: the deployment circuit breaker, with rollback: tasks that keep failing to start stop the \
         deployment and the previous revision runs again.",
    ))
    .attribute(A::optional(
        "hooks",
        string_map(),
        &format!(
            "`blue_green`, `linear`, `canary`: lifecycle hooks, Lambda function ARNs by stage ({}). ECS invokes \
             them with the infrastructure role, which may invoke exactly these functions.",
            one_of_code(ECS_HOOK_STAGES)
        ),
    ))
}

/// The AppSpec lifecycle events of an ECS deployment that take a hook, in the order they run.
pub const APPSPEC_HOOK_EVENTS: &[&str] = &[
    "BeforeInstall",
    "AfterInstall",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

fn service_discovery_block() -> Block {
    Block::new("Cloud Map service discovery, so other services reach this one by DNS name.")
        .attribute(
            A::required(
                "namespace_id",
                Type::String,
                "ID of the Cloud Map private DNS namespace. Changing it replaces the service.",
            )
            .forces_replacement(),
        )
        .attribute(A::defaulted(
            "dns_ttl",
            Type::Number,
            Value::int(d::DNS_TTL),
            "TTL of the DNS records, in seconds (0–2147483647).",
        ))
        .attribute(A::defaulted(
            "record_type",
            Type::String,
            Value::string(d::DNS_RECORD_TYPE),
            &format!("{}.", one_of_code(DNS_RECORD_TYPES)),
        ))
        .attribute(A::defaulted(
            "routing_policy",
            Type::String,
            Value::string(d::DNS_ROUTING_POLICY),
            "`MULTIVALUE` or `WEIGHTED`.",
        ))
}

fn capacity_provider_block() -> Block {
    Block::new(
        "Capacity provider strategy (`FARGATE`, `FARGATE_SPOT`). Without one, tasks use the FARGATE launch type.",
    )
    .attribute(A::required("capacity_provider", Type::String, "`FARGATE` or `FARGATE_SPOT`."))
    .attribute(A::defaulted(
            "base",
            Type::Number,
            Value::int(d::CAPACITY_BASE),
            "Tasks placed on this provider before weights apply; at most one provider may have a base.",
        ))
    .attribute(A::defaulted(
            "weight",
            Type::Number,
            Value::int(d::CAPACITY_WEIGHT),
            "Relative share of tasks beyond the base.",
        ))
}

fn autoscaling_block() -> Block {
    Block::new("Application Auto Scaling of the service's desired count, with target-tracking policies.")
        .attribute(A::required("min", Type::Number, "Minimum task count."))
        .attribute(A::required("max", Type::Number, "Maximum task count."))
        .attribute(A::optional(
            "requests_per_target",
            Type::Number,
            "Target ALB requests per task (ALBRequestCountPerTarget); its ResourceLabel follows the live \
             target group.",
        ))
        .attribute(A::optional("cpu_target", Type::Number, "Target average CPU utilisation, percent."))
        .attribute(A::optional(
            "memory_target",
            Type::Number,
            "Target average memory utilisation, percent.",
        ))
        .attribute(A::defaulted(
            "scale_in_cooldown",
            Type::Number,
            Value::int(d::SCALE_IN_COOLDOWN),
            "Seconds between scale-in steps.",
        ))
        .attribute(A::defaulted(
            "scale_out_cooldown",
            Type::Number,
            Value::int(d::SCALE_OUT_COOLDOWN),
            "Seconds between scale-out steps.",
        ))
}

fn alarms_block() -> Block {
    Block::new(
        "CloudWatch alarms the service creates on its target groups (blue and green), wired into the \
         deployment: an alarm in ALARM during a roll-out stops it, and with `DEPLOYMENT_STOP_ON_ALARM` \
         in `blue_green.auto_rollback_events` rolls it back. A threshold of 0 leaves that alarm out.",
    )
    .attribute(A::defaulted(
        "target_5xx_count",
        Type::Number,
        Value::int(d::ALARM_TARGET_5XX_COUNT),
        "Alarm when the targets answer more than this many HTTP 5xx responses in a period \
         (HTTPCode_Target_5XX_Count, Sum).",
    ))
    .attribute(A::defaulted(
        "target_5xx_rate_percent",
        Type::Number,
        Value::int(d::ALARM_TARGET_5XX_RATE_PERCENT),
        "Alarm when more than this percentage of the requests in a period get an HTTP 5xx answer from \
         the targets (metric math: 100 × HTTPCode_Target_5XX_Count / RequestCount; a period without \
         requests counts as 0 %). Fractions allowed (0.5); off (0) by default. Unlike the count, the \
         threshold means the same at any traffic.",
    ))
    .attribute(A::defaulted(
        "response_time_p99_ms",
        Type::Number,
        Value::int(d::ALARM_RESPONSE_TIME_P99_MS),
        "Alarm when the 99th percentile of the target response time (TargetResponseTime) exceeds \
         this many milliseconds.",
    ))
    .attribute(A::defaulted(
        "unhealthy_hosts",
        Type::Number,
        Value::int(d::ALARM_UNHEALTHY_HOSTS),
        "Alarm when at least this many targets are unhealthy (UnHealthyHostCount, Maximum).",
    ))
    .attribute(A::defaulted(
        "period",
        Type::Number,
        Value::int(d::ALARM_PERIOD),
        "Seconds per evaluation period: 10, 30 or a multiple of 60.",
    ))
    .attribute(A::defaulted(
        "evaluation_periods",
        Type::Number,
        Value::int(d::ALARM_EVALUATION_PERIODS),
        "Consecutive breaching periods before an alarm fires (at least 1; periods × period at most \
         one day).",
    ))
    .attribute(A::defaulted(
        "names",
        strings(),
        strings_value(&[]),
        "Names of alarms managed elsewhere that also stop a roll-out. With the service's own, at \
         most 10 (CodeDeploy's limit).",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_values_read_as_a_list() {
        assert_eq!(one_of(&["A"]), "A");
        assert_eq!(one_of(&["A", "AAAA"]), "A or AAAA");
        assert_eq!(one_of(&["X", "Y", "Z"]), "X, Y or Z");
        assert_eq!(one_of_code(&["A", "AAAA"]), "`A` or `AAAA`");
    }

    fn all_blocks(b: &Block, path: &str, out: &mut Vec<(String, String)>) {
        for a in &b.attributes {
            out.push((format!("{path}{}", a.name), a.description.clone()));
            let modes = [
                a.required,
                a.optional && !a.computed,
                a.optional && a.computed,
                a.computed && !a.optional,
            ];
            assert_eq!(modes.iter().filter(|m| **m).count(), 1, "{path}{}", a.name);
        }
        for nb in &b.blocks {
            out.push((format!("{path}{}", nb.name), nb.block.description.clone()));
            all_blocks(&nb.block, &format!("{path}{}.", nb.name), out);
        }
    }

    #[test]
    fn every_attribute_and_block_is_described() {
        let mut out = Vec::new();
        all_blocks(&schema().block, "", &mut out);
        assert!(out.len() > 60, "{}", out.len());
        for (name, desc) in out {
            assert!(desc.len() > 10, "{name} has no real description");
        }
    }
}
