//! AWS facts the production checks and the generated modules encode, each in one place with
//! where it comes from and when it was read. A fact that AWS's API model also states names its
//! model shape; `tests/aws_facts.rs` compares every such fact with the pinned botocore models,
//! so an AWS change the models carry breaks a test instead of shipping a stale rule. Where the
//! model and a guide page disagree, the model (and the newest page) wins. The comparison itself
//! is in `facts/crosscheck.rs`.

/// The day the facts below were last checked against their sources.
pub const READ: &str = "2026-12-07";

/// Fargate's CPU units and the memory sizes (MiB) each allows: AWS's task-size table
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size),
/// which the ECS API model repeats in `RegisterTaskDefinitionRequest.memory`'s documentation
/// (botocore 1.44.18, read on [`READ`]), up to 16384 CPU units with 32–120 GB. Two tools added
/// 32 vCPU in 2026 citing the guide; neither the pinned model nor the copies of the guide
/// found state it, so it is not here.
pub fn valid_memory(cpu: i64) -> Option<Vec<i64>> {
    let range =
        |from: i64, to: i64, step: i64| (from..=to).step_by(step as usize).collect::<Vec<_>>();
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => range(1024, 4096, 1024),
        1024 => range(2048, 8192, 1024),
        2048 => range(4096, 16384, 1024),
        4096 => range(8192, 30720, 1024),
        8192 => range(16384, 61440, 4096),
        16384 => range(32768, 122880, 8192),
        _ => return None,
    })
}

/// The CPU units of the table above.
pub const VALID_CPU: &[i64] = &[256, 512, 1024, 2048, 4096, 8192, 16384];

/// A shape of an AWS API model: the botocore service name and the shape's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelShape {
    pub service: &'static str,
    pub shape: &'static str,
}

const fn shape(service: &'static str, shape: &'static str) -> Option<ModelShape> {
    Some(ModelShape { service, shape })
}

/// An inclusive range of whole numbers AWS accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: i64,
    pub max: i64,
    /// The model shape that states the same range (its `min` and `max`), if any.
    pub model: Option<ModelShape>,
    /// The AWS page the range comes from when the model does not state it.
    pub source: &'static str,
}

/// A set of values AWS accepts, or the part of it the provider offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enum {
    pub values: &'static [&'static str],
    /// The model's enum shape, if any.
    pub model: Option<ModelShape>,
    /// `true` when the provider offers only some of the model's values on purpose (a Fargate
    /// service takes two of ECS's eight log drivers); else the values must be the model's.
    pub subset: bool,
    pub source: &'static str,
}

/// The longest name AWS accepts for a kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameLength {
    pub max: usize,
    /// The model's string shape, when it states the `max`.
    pub model: Option<ModelShape>,
    pub source: &'static str,
}

pub(crate) const ELB_TARGET_GROUP: &str = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html";
const ECS_TASK_DEFINITION: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html";
const ECS_DEPLOYMENT_CONFIGURATION: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html";
const CODEDEPLOY_BLUE_GREEN: &str = "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueGreenDeploymentConfiguration.html";

/// Listener rule priorities (ELBv2 `RulePriority`).
pub const LISTENER_RULE_PRIORITY: Range = Range {
    min: 1,
    max: 50000,
    model: shape("elbv2", "RulePriority"),
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html",
};

/// Seconds between a target group's health checks.
pub const TARGET_HEALTH_CHECK_INTERVAL: Range = Range {
    min: 5,
    max: 300,
    model: shape("elbv2", "HealthCheckIntervalSeconds"),
    source: ELB_TARGET_GROUP,
};

/// Seconds a target group's health check waits for an answer.
pub const TARGET_HEALTH_CHECK_TIMEOUT: Range = Range {
    min: 2,
    max: 120,
    model: shape("elbv2", "HealthCheckTimeoutSeconds"),
    source: ELB_TARGET_GROUP,
};

/// Consecutive checks that make a target healthy or unhealthy.
pub const TARGET_HEALTH_CHECK_THRESHOLD: Range = Range {
    min: 2,
    max: 10,
    model: shape("elbv2", "HealthCheckThresholdCount"),
    source: ELB_TARGET_GROUP,
};

/// `deregistration_delay.timeout_seconds`, a target group attribute (a string in the model).
pub const DEREGISTRATION_DELAY: Range = Range {
    min: 0,
    max: 3600,
    model: None,
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html",
};

/// A container port.
pub const CONTAINER_PORT: Range = Range {
    min: 1,
    max: 65535,
    model: None,
    source: ECS_TASK_DEFINITION,
};

/// A container health check's interval in seconds (ECS `HealthCheck`, a plain integer in the
/// model).
pub const CONTAINER_HEALTH_CHECK_INTERVAL: Range = Range {
    min: 5,
    max: 300,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
};

/// A container health check's timeout in seconds.
pub const CONTAINER_HEALTH_CHECK_TIMEOUT: Range = Range {
    min: 2,
    max: 60,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
};

/// A container health check's retries.
pub const CONTAINER_HEALTH_CHECK_RETRIES: Range = Range {
    min: 1,
    max: 10,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
};

/// A container health check's start period in seconds.
pub const CONTAINER_HEALTH_CHECK_START_PERIOD: Range = Range {
    min: 0,
    max: 300,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
};

/// Fargate ephemeral storage in GiB (`EphemeralStorage.sizeInGiB`; 20 is the free default).
pub const EPHEMERAL_STORAGE_GIB: Range = Range {
    min: 21,
    max: 200,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html",
};

/// ECS-native deployments' bake, step and canary minutes.
pub const ECS_DEPLOYMENT_MINUTES: Range = Range {
    min: 0,
    max: 1440,
    model: None,
    source: ECS_DEPLOYMENT_CONFIGURATION,
};

/// `minimumHealthyPercent` of a Fargate service's deployments.
pub const MINIMUM_HEALTHY_PERCENT: Range = Range {
    min: 0,
    max: 100,
    model: None,
    source: ECS_DEPLOYMENT_CONFIGURATION,
};

/// `maximumPercent` of a Fargate service's rolling deployments.
pub const MAXIMUM_PERCENT: Range = Range {
    min: 100,
    max: 200,
    model: None,
    source: ECS_DEPLOYMENT_CONFIGURATION,
};

/// CodeDeploy's wait for approval, and its wait before the old tasks end, in minutes.
pub const CODEDEPLOY_WAIT_MINUTES: Range = Range {
    min: 0,
    max: 2880,
    model: None,
    source: CODEDEPLOY_BLUE_GREEN,
};

/// Task CPU architectures.
pub const CPU_ARCHITECTURES: Enum = Enum {
    values: &["X86_64", "ARM64"],
    model: shape("ecs", "CPUArchitecture"),
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html",
};

/// What a container's `dependsOn` waits for.
pub const DEPENDENCY_CONDITIONS: Enum = Enum {
    values: &["START", "COMPLETE", "SUCCESS", "HEALTHY"],
    model: shape("ecs", "ContainerCondition"),
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html",
};

/// The log drivers a Fargate service's containers use here: the service's log group, or a
/// FireLens router (ECS takes six more, which Fargate tasks do not need).
pub const LOG_DRIVERS: Enum = Enum {
    values: &["awslogs", "awsfirelens"],
    model: shape("ecs", "LogDriver"),
    subset: true,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html",
};

/// FireLens router kinds.
pub const FIRELENS_TYPES: Enum = Enum {
    values: &["fluentbit", "fluentd"],
    model: shape("ecs", "FirelensConfigurationType"),
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_FirelensConfiguration.html",
};

/// ECS lifecycle hook stages, in the order a deployment reaches them. PRE_PRODUCTION_TRAFFIC_SHIFT
/// is in the model (botocore 1.44.18) and was missing here until the cross-check found it.
pub const ECS_HOOK_STAGES: Enum = Enum {
    values: &[
        "RECONCILE_SERVICE",
        "PRE_SCALE_UP",
        "POST_SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
    ],
    model: shape("ecs", "DeploymentLifecycleHookStage"),
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html",
};

/// The stages at which a pause hook (`targetType: PAUSE`, since 2026-05-19) can hold a
/// deployment: every hook stage but the two traffic shifts themselves (AWS's pause hook page,
/// "Configuration fields": RECONCILE_SERVICE, PRE_SCALE_UP, POST_SCALE_UP,
/// POST_TEST_TRAFFIC_SHIFT, PRE_PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT). The
/// model's enum is the hook stages'; this is the part a pause takes.
pub const PAUSE_STAGES: Enum = Enum {
    values: &[
        "RECONCILE_SERVICE",
        "PRE_SCALE_UP",
        "POST_SCALE_UP",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
    ],
    model: shape("ecs", "DeploymentLifecycleHookStage"),
    subset: true,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html",
};

/// How long a lifecycle hook may wait before ECS takes its timeout action: 1 minute to 14 days
/// (`DeploymentLifecycleHookDuration`; default 1440, a day).
pub const HOOK_TIMEOUT_MINUTES: Range = Range {
    min: 1,
    max: 20160,
    model: shape("ecs", "DeploymentLifecycleHookDuration"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHookTimeoutConfiguration.html",
};

/// What ECS does when a hook times out, and what ContinueServiceDeployment asks for.
pub const HOOK_ACTIONS: Enum = Enum {
    values: &["CONTINUE", "ROLLBACK"],
    model: shape("ecs", "DeploymentLifecycleHookAction"),
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContinueServiceDeployment.html",
};

/// Cloud Map record types a service's tasks register (CNAME is not for task addresses).
pub const DNS_RECORD_TYPES: Enum = Enum {
    values: &["A", "AAAA", "SRV"],
    model: shape("servicediscovery", "RecordType"),
    subset: true,
    source: "https://docs.aws.amazon.com/cloud-map/latest/api/API_DnsRecord.html",
};

/// Cloud Map routing policies.
pub const DNS_ROUTING_POLICIES: Enum = Enum {
    values: &["MULTIVALUE", "WEIGHTED"],
    model: shape("servicediscovery", "RoutingPolicy"),
    subset: false,
    source: "https://docs.aws.amazon.com/cloud-map/latest/api/API_DnsConfig.html",
};

/// Events that roll a CodeDeploy deployment back.
pub const AUTO_ROLLBACK_EVENTS: Enum = Enum {
    values: &[
        "DEPLOYMENT_FAILURE",
        "DEPLOYMENT_STOP_ON_ALARM",
        "DEPLOYMENT_STOP_ON_REQUEST",
    ],
    model: shape("codedeploy", "AutoRollbackEvent"),
    subset: false,
    source: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AutoRollbackConfiguration.html",
};

/// How many tags one resource takes (ECS, IAM and CloudWatch Logs; Cloud Map takes more).
pub const TAGS_PER_RESOURCE: Range = Range {
    min: 0,
    max: 50,
    model: shape("ecs", "Tags"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html",
};

/// Whether a character may stand in a tag key or value: the models' pattern
/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (ECS, ELBv2, IAM and Logs `TagKey`/`TagValue`): letters,
/// separators, numbers and `_ . : / = + - @`.
pub fn tag_character_allowed(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || "_.:/=+-@".contains(c)
}

const ECS_CONTAINER_DEFINITION: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html";
const ECS_CAPACITY_PROVIDER_ITEM: &str = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html";

/// Seconds ECS waits between a Fargate container's SIGTERM and its SIGKILL (`stopTimeout`).
/// The ECS model states it only in prose: `ContainerDefinition.stopTimeout` is a plain
/// `BoxedInteger` whose documentation says "The valid values for Fargate are 2-120 seconds"
/// (botocore 1.44.18, read on [`READ`]).
pub const STOP_TIMEOUT: Range = Range {
    min: 2,
    max: 120,
    model: None,
    source: ECS_CONTAINER_DEFINITION,
};

/// A capacity provider's `base` in a service's strategy.
pub const CAPACITY_PROVIDER_BASE: Range = Range {
    min: 0,
    max: 100_000,
    model: shape("ecs", "CapacityProviderStrategyItemBase"),
    source: ECS_CAPACITY_PROVIDER_ITEM,
};

/// A capacity provider's `weight` in a service's strategy.
pub const CAPACITY_PROVIDER_WEIGHT: Range = Range {
    min: 0,
    max: 1000,
    model: shape("ecs", "CapacityProviderStrategyItemWeight"),
    source: ECS_CAPACITY_PROVIDER_ITEM,
};

/// Seconds the ECS scheduler ignores failing health checks of a new task
/// (`healthCheckGracePeriodSeconds`). The ECS model states it only in prose:
/// `UpdateServiceRequest.healthCheckGracePeriodSeconds`, a plain `BoxedInteger`, says "up to
/// 2,147,483,647 seconds (about 69 years)"; the default is 0.
pub const HEALTH_CHECK_GRACE_PERIOD: Range = Range {
    min: 0,
    max: 2_147_483_647,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html",
};

/// The TTL of the Cloud Map DNS records a service's tasks register.
pub const DNS_TTL: Range = Range {
    min: 0,
    max: 2_147_483_647,
    model: shape("servicediscovery", "RecordTTL"),
    source: "https://docs.aws.amazon.com/cloud-map/latest/api/API_DnsRecord.html",
};

/// How many tasks one ECS service runs: the default "Tasks per service" service quota (5,000), and
/// at least 0, which Application Auto Scaling's model states in prose as the lowest
/// `RegisterScalableTargetRequest.MinCapacity` of an ECS service. The model's
/// `ResourceCapacity` is a plain integer and leaves the upper bound to the service's quotas.
pub const TASKS_PER_SERVICE: Range = Range {
    min: 0,
    max: 5000,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html",
};

/// A target tracking policy's scale-in and scale-out cooldowns in seconds. The model's
/// `Cooldown` is a plain integer and the API reference states no range: 0 is the least a time
/// can be, and the upper bound of a day is the check's as it stood before it moved here, found
/// in neither source (read on [`READ`]); unverified, kept so that behaviour does not change.
pub const SCALING_COOLDOWN: Range = Range {
    min: 0,
    max: 86400,
    model: None,
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html",
};

/// A set of whole numbers AWS accepts, where no model shape lists them as an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegerSet {
    pub values: &'static [i64],
    pub source: &'static str,
}

/// The days CloudWatch Logs keeps a log group's events. The Logs model states them only in
/// prose: its `Days` shape is a plain integer whose documentation lists "Possible values are:
/// 1, 3, 5, … 3288, and 3653" (botocore 1.44.18, read on [`READ`]).
pub const LOG_RETENTION_DAYS: IntegerSet = IntegerSet {
    values: &[
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ],
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
};

/// How many alarms one CodeDeploy deployment group takes. The CodeDeploy model states it only
/// in prose: `AlarmConfiguration.alarms` ("A maximum of 10 alarms can be added"), an
/// `AlarmList` with no `max` (botocore 1.44.18, read on [`READ`]).
pub const CODEDEPLOY_ALARMS: Range = Range {
    min: 0,
    max: 10,
    model: None,
    source: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AlarmConfiguration.html",
};

const CLOUDWATCH_PUT_METRIC_ALARM: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";

/// The periods below a minute a CloudWatch alarm takes; any multiple of 60 s is valid too. The
/// CloudWatch model states it only in prose: `PutMetricAlarmInput.Period` ("Valid values are
/// 10, 20, 30, and any multiple of 60"), a `Period` shape with `min` 1 and no `max`.
pub const ALARM_SUB_MINUTE_PERIODS: IntegerSet = IntegerSet {
    values: &[10, 20, 30],
    source: CLOUDWATCH_PUT_METRIC_ALARM,
};

/// The longest time a CloudWatch alarm evaluates (`Period` × `EvaluationPeriods`), in
/// seconds: seven days, and one day for periods under an hour. The model states it only in
/// prose, on `PutMetricAlarmInput.Period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmWindow {
    pub max: i64,
    /// Periods shorter than this many seconds evaluate at most [`AlarmWindow::short_max`].
    pub short_period_below: i64,
    pub short_max: i64,
    pub source: &'static str,
}

/// See [`AlarmWindow`].
pub const ALARM_WINDOW: AlarmWindow = AlarmWindow {
    max: 604_800,
    short_period_below: 3600,
    short_max: 86_400,
    source: CLOUDWATCH_PUT_METRIC_ALARM,
};

impl AlarmWindow {
    /// The longest evaluation for alarms of `period` seconds.
    pub fn max_for(&self, period: i64) -> i64 {
        if period < self.short_period_below {
            self.short_max
        } else {
            self.max
        }
    }
}

/// The Linux capabilities a container definition names (`ALL` only to drop). The ECS model
/// states them only in prose: `KernelCapabilities.add` and `.drop` are string lists whose
/// documentation gives the "Valid values" (botocore 1.44.18, read on [`READ`]).
pub const KERNEL_CAPABILITIES: Enum = Enum {
    values: &[
        "ALL",
        "AUDIT_CONTROL",
        "AUDIT_WRITE",
        "BLOCK_SUSPEND",
        "CHOWN",
        "DAC_OVERRIDE",
        "DAC_READ_SEARCH",
        "FOWNER",
        "FSETID",
        "IPC_LOCK",
        "IPC_OWNER",
        "KILL",
        "LEASE",
        "LINUX_IMMUTABLE",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "MKNOD",
        "NET_ADMIN",
        "NET_BIND_SERVICE",
        "NET_BROADCAST",
        "NET_RAW",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_ADMIN",
        "SYS_BOOT",
        "SYS_CHROOT",
        "SYS_MODULE",
        "SYS_NICE",
        "SYS_PACCT",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_RESOURCE",
        "SYS_TIME",
        "SYS_TTY_CONFIG",
        "SYSLOG",
        "WAKE_ALARM",
    ],
    model: None,
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html",
};

/// The one capability a Fargate container may add: the model's `KernelCapabilities.add`
/// says "Tasks launched on Fargate only support adding the SYS_PTRACE kernel capability".
pub const FARGATE_ADDABLE_CAPABILITY: &str = "SYS_PTRACE";

/// The resource limits a container definition takes.
pub const ULIMIT_NAMES: Enum = Enum {
    values: &[
        "core",
        "cpu",
        "data",
        "fsize",
        "locks",
        "memlock",
        "msgqueue",
        "nice",
        "nofile",
        "nproc",
        "rss",
        "rtprio",
        "rttime",
        "sigpending",
        "stack",
    ],
    model: shape("ecs", "UlimitName"),
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html",
};

/// The highest `nofile` hard limit a Fargate container takes. Not in the model (its `Ulimit`
/// documentation gives only Fargate's 65535 defaults); the ECS guide's ceiling, kept as the
/// check stated it before it moved here and not re-read on [`READ`].
pub const FARGATE_NOFILE: Range = Range {
    min: 0,
    max: 1_048_576,
    model: None,
    source: ECS_TASK_DEFINITION,
};

/// The least memory (MiB) a container's `memory` or `memoryReservation` may name. The ECS
/// model states it only in prose, on `ContainerDefinition.memory`: "The Docker 20.10.0 or
/// later daemon reserves a minimum of 6 MiB of memory for a container. So, don't specify less
/// than 6 MiB"; there is no upper bound but the task's memory.
pub const CONTAINER_MEMORY_MIN_MIB: i64 = 6;

/// The HTTP codes an Application Load Balancer's health check matcher takes. The ELBv2 model
/// states it only in prose, on `Matcher.HttpCode`: "For Application Load Balancers, you can
/// specify values between 200 and 499".
pub const TARGET_HEALTH_CHECK_CODES: Range = Range {
    min: 200,
    max: 499,
    model: None,
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html",
};

/// A range of percentages (fractions allowed) AWS accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PercentRange {
    pub min: f64,
    pub max: f64,
    pub source: &'static str,
}

/// The share of traffic each step of an ECS linear deployment shifts. The ECS model states it
/// only in prose, on `LinearConfiguration.stepPercent` (a plain `Double`): "Valid values are
/// multiples of 0.1 from 3.0 to 100.0".
pub const LINEAR_STEP_PERCENT: PercentRange = PercentRange {
    min: 3.0,
    max: 100.0,
    source: ECS_DEPLOYMENT_CONFIGURATION,
};

/// The share of traffic an ECS canary deployment shifts first. The ECS model states it only in
/// prose, on `CanaryConfiguration.canaryPercent`: "multiples of 0.1 from 0.1 to 100.0".
pub const CANARY_PERCENT: PercentRange = PercentRange {
    min: 0.1,
    max: 100.0,
    source: ECS_DEPLOYMENT_CONFIGURATION,
};

/// How the deployment circuit breaker turns `value` into its threshold of failed tasks
/// (`ThresholdConfiguration.type`, which ECS has taken since 2026-07-01): `COUNT` is the value
/// itself; the percentages multiply it by the desired count, `BOUNDED_PERCENT` then held within
/// [`CIRCUIT_BREAKER_BOUNDS`].
pub const CIRCUIT_BREAKER_THRESHOLD_TYPES: Enum = Enum {
    values: &["COUNT", "BOUNDED_PERCENT", "UNBOUNDED_PERCENT"],
    model: shape("ecs", "ThresholdType"),
    subset: false,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ThresholdConfiguration.html",
};

/// The bounds of a `BOUNDED_PERCENT` threshold: at least 3 and at most 200 failed tasks ("a
/// minimum threshold of 3 and a maximum threshold of 200", API_ServiceDeploymentCircuitBreaker;
/// the ThresholdType enum's page: "clamping the result to a minimum of 3 and a maximum of
/// 200"). Neither says how a fraction rounds; the provider and the emulator round up.
pub const CIRCUIT_BREAKER_BOUNDS: Range = Range {
    min: 3,
    max: 200,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeploymentCircuitBreaker.html",
};

/// The predefined metrics an ECS service's target-tracking policies track: the load balancer's
/// request count, and CPU and memory at ECS's 60-second or (`…HighResolution`, since
/// 2026-06-18) 20-second resolution. The HighResolution types need the service's monitoring
/// configuration to publish that metric every 20 seconds first ("You must enable
/// high-resolution metrics in Amazon ECS before creating a scaling policy with this metric
/// type", the page below). A part of Application Auto Scaling's `MetricType`.
pub const SCALING_METRIC_TYPES: Enum = Enum {
    values: &[
        "ALBRequestCountPerTarget",
        "ECSServiceAverageCPUUtilization",
        "ECSServiceAverageMemoryUtilization",
        "ECSServiceAverageCPUUtilizationHighResolution",
        "ECSServiceAverageMemoryUtilizationHighResolution",
    ],
    model: shape("application-autoscaling", "MetricType"),
    subset: true,
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html",
};

/// The resolutions, in seconds, at which ECS publishes a service's CPUUtilization and
/// MemoryUtilization: 60 by default, or 20 (ECS `MetricConfiguration.resolutionSeconds`: "The
/// valid values are 20 and 60"; `MetricResolutionSeconds` is 20–60 in the model).
pub const METRIC_RESOLUTION: Range = Range {
    min: 20,
    max: 60,
    model: shape("ecs", "MetricResolutionSeconds"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MetricConfiguration.html",
};

/// How many managed policies one IAM role takes: the "Managed policies attached to an IAM
/// role" quota, 10 by default and at most 20 after an increase; the provider holds to the
/// ceiling. A quota, in no model.
pub const MANAGED_POLICIES_PER_ROLE: Range = Range {
    min: 0,
    max: 20,
    model: None,
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
};

/// Every set of whole numbers, by name.
pub const INTEGER_SETS: &[(&str, IntegerSet)] = &[
    ("LOG_RETENTION_DAYS", LOG_RETENTION_DAYS),
    ("ALARM_SUB_MINUTE_PERIODS", ALARM_SUB_MINUTE_PERIODS),
];

/// Every range, by name: those with a model shape for the cross-check.
pub const RANGES: &[(&str, Range)] = &[
    ("LISTENER_RULE_PRIORITY", LISTENER_RULE_PRIORITY),
    ("TARGET_HEALTH_CHECK_INTERVAL", TARGET_HEALTH_CHECK_INTERVAL),
    ("TARGET_HEALTH_CHECK_TIMEOUT", TARGET_HEALTH_CHECK_TIMEOUT),
    (
        "TARGET_HEALTH_CHECK_THRESHOLD",
        TARGET_HEALTH_CHECK_THRESHOLD,
    ),
    ("DEREGISTRATION_DELAY", DEREGISTRATION_DELAY),
    ("CONTAINER_PORT", CONTAINER_PORT),
    (
        "CONTAINER_HEALTH_CHECK_INTERVAL",
        CONTAINER_HEALTH_CHECK_INTERVAL,
    ),
    (
        "CONTAINER_HEALTH_CHECK_TIMEOUT",
        CONTAINER_HEALTH_CHECK_TIMEOUT,
    ),
    (
        "CONTAINER_HEALTH_CHECK_RETRIES",
        CONTAINER_HEALTH_CHECK_RETRIES,
    ),
    (
        "CONTAINER_HEALTH_CHECK_START_PERIOD",
        CONTAINER_HEALTH_CHECK_START_PERIOD,
    ),
    ("EPHEMERAL_STORAGE_GIB", EPHEMERAL_STORAGE_GIB),
    ("ECS_DEPLOYMENT_MINUTES", ECS_DEPLOYMENT_MINUTES),
    ("MINIMUM_HEALTHY_PERCENT", MINIMUM_HEALTHY_PERCENT),
    ("MAXIMUM_PERCENT", MAXIMUM_PERCENT),
    ("CODEDEPLOY_WAIT_MINUTES", CODEDEPLOY_WAIT_MINUTES),
    ("TAGS_PER_RESOURCE", TAGS_PER_RESOURCE),
    ("STOP_TIMEOUT", STOP_TIMEOUT),
    ("CAPACITY_PROVIDER_BASE", CAPACITY_PROVIDER_BASE),
    ("CAPACITY_PROVIDER_WEIGHT", CAPACITY_PROVIDER_WEIGHT),
    ("HEALTH_CHECK_GRACE_PERIOD", HEALTH_CHECK_GRACE_PERIOD),
    ("DNS_TTL", DNS_TTL),
    ("TASKS_PER_SERVICE", TASKS_PER_SERVICE),
    ("SCALING_COOLDOWN", SCALING_COOLDOWN),
    ("CODEDEPLOY_ALARMS", CODEDEPLOY_ALARMS),
    ("FARGATE_NOFILE", FARGATE_NOFILE),
    ("TARGET_HEALTH_CHECK_CODES", TARGET_HEALTH_CHECK_CODES),
    ("NLB_HEALTH_CHECK_CODES", NLB_HEALTH_CHECK_CODES),
    ("MANAGED_POLICIES_PER_ROLE", MANAGED_POLICIES_PER_ROLE),
    ("CIRCUIT_BREAKER_BOUNDS", CIRCUIT_BREAKER_BOUNDS),
    ("METRIC_RESOLUTION", METRIC_RESOLUTION),
    ("HOOK_TIMEOUT_MINUTES", HOOK_TIMEOUT_MINUTES),
];

/// Every enum, by name.
pub const ENUMS: &[(&str, Enum)] = &[
    ("CPU_ARCHITECTURES", CPU_ARCHITECTURES),
    ("DEPENDENCY_CONDITIONS", DEPENDENCY_CONDITIONS),
    ("LOG_DRIVERS", LOG_DRIVERS),
    ("FIRELENS_TYPES", FIRELENS_TYPES),
    ("ECS_HOOK_STAGES", ECS_HOOK_STAGES),
    ("DNS_RECORD_TYPES", DNS_RECORD_TYPES),
    ("DNS_ROUTING_POLICIES", DNS_ROUTING_POLICIES),
    ("AUTO_ROLLBACK_EVENTS", AUTO_ROLLBACK_EVENTS),
    ("KERNEL_CAPABILITIES", KERNEL_CAPABILITIES),
    ("ULIMIT_NAMES", ULIMIT_NAMES),
    (
        "CIRCUIT_BREAKER_THRESHOLD_TYPES",
        CIRCUIT_BREAKER_THRESHOLD_TYPES,
    ),
    ("SCALING_METRIC_TYPES", SCALING_METRIC_TYPES),
    ("PAUSE_STAGES", PAUSE_STAGES),
    ("HOOK_ACTIONS", HOOK_ACTIONS),
    ("ALB_TARGET_PROTOCOLS", ALB_TARGET_PROTOCOLS),
    ("NLB_TARGET_PROTOCOLS", NLB_TARGET_PROTOCOLS),
    ("NLB_HEALTH_CHECK_PROTOCOLS", NLB_HEALTH_CHECK_PROTOCOLS),
];

mod crosscheck;
mod load_balancing;
mod names;
pub mod prices;
pub use crosscheck::{Models, disagreements, model_services};
pub use load_balancing::*;
pub use names::*;

#[cfg(test)]
mod tests;
