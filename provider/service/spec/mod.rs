//! `ServiceSpec`: the typed desired state of one service, decoded from a planned or stored
//! value in which the provider has already filled every default.
//!
//! The types and their defaults are here; reading them out of a value is in `decode`.

pub use crate::service::arn::LoadBalancerKind;
use std::collections::BTreeMap;

use crate::value::AttributePath;

use super::defaults as d;
use super::expand::DeploymentStrategy;
use super::names::derived_rule_priority;
use super::schema::LOG_DRIVERS;

mod decode;

/// A value that is missing, unknown or of the wrong shape where the spec needs it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SpecError {
    pub path: AttributePath,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSpec {
    pub name: String,
    pub cluster: String,
    pub desired_count: i64,
    pub platform_version: String,
    pub wait_for_deployment: bool,
    pub require_immutable_image: bool,
    /// The application's policy document, parsed: a text that is not JSON is an error here,
    /// never a task role left silently without its permissions.
    pub task_role_policy: Option<serde_json::Value>,
    pub tags: BTreeMap<String, String>,
    pub task: TaskSpec,
    pub container: ContainerSpec,
    pub sidecars: Vec<SidecarSpec>,
    pub volumes: Vec<VolumeSpec>,
    pub enable_execute_command: bool,
    /// Managed policies the task role has besides `task_role_policy`.
    pub task_role_managed_policy_arns: Vec<String>,
    pub network: NetworkSpec,
    /// `None` only for a `rolling` service that serves no HTTP traffic (a worker or queue
    /// consumer): no target groups, no listener rules.
    pub load_balancer: Option<LoadBalancerSpec>,
    pub deployment_strategy: DeploymentStrategy,
    pub blue_green: BlueGreenSpec,
    pub ecs_deployment: EcsDeploymentSpec,
    pub service_discovery: Option<DiscoverySpec>,
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    pub autoscaling: Option<AutoscalingSpec>,
    pub alarms: Option<AlarmsSpec>,
}

/// The alarms that stop (and roll back) a roll-out. A threshold of 0 leaves that alarm out.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmsSpec {
    pub target_5xx_count: i64,
    /// Percent of requests; fractions allowed.
    pub target_5xx_rate_percent: f64,
    pub response_time_p99_ms: i64,
    pub unhealthy_hosts: i64,
    pub period: i64,
    pub evaluation_periods: i64,
    /// Alarms managed elsewhere that also stop a roll-out.
    pub names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    pub cpu: i64,
    pub memory: i64,
    pub cpu_architecture: String,
    pub ephemeral_storage_gib: i64,
}

/// The application container: the one the load balancer sends traffic to.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerSpec {
    pub name: String,
    /// Unset for a worker without a load balancer: it listens on nothing.
    pub port: Option<i64>,
    pub stop_timeout: i64,
    pub drain_timeout: Option<i64>,
    pub log: LogSpec,
    pub settings: ContainerSettings,
}

/// What every container of the task takes, the application's and each sidecar's.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerSettings {
    pub image: String,
    pub command: Option<Vec<String>>,
    pub entry_point: Option<Vec<String>>,
    pub environment: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, String>,
    pub cpu: Option<i64>,
    pub memory: Option<i64>,
    pub memory_reservation: Option<i64>,
    pub user: Option<String>,
    /// Container name → START, COMPLETE, SUCCESS or HEALTHY.
    pub depends_on: BTreeMap<String, String>,
    pub init_process_enabled: bool,
    pub readonly_root_filesystem: bool,
    pub drop_capabilities: Vec<String>,
    pub add_capabilities: Vec<String>,
    pub health_check: Option<ContainerHealthCheck>,
    pub mount_points: Vec<MountPoint>,
    pub ulimits: Vec<Ulimit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountPoint {
    pub source_volume: String,
    pub container_path: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ulimit {
    pub name: String,
    pub soft_limit: i64,
    pub hard_limit: i64,
}

/// A container beside the application: a log router, a collector, a proxy.
#[derive(Debug, Clone, PartialEq)]
pub struct SidecarSpec {
    pub name: String,
    pub essential: bool,
    pub stop_timeout: Option<i64>,
    /// (container port, `tcp` or `udp`).
    pub port_mappings: Vec<(i64, String)>,
    /// `awslogs` (the service's log group) or `awsfirelens`.
    pub log_driver: String,
    /// The `awsfirelens` driver's options.
    pub log_options: BTreeMap<String, String>,
    /// Set when this sidecar is the task's FireLens log router.
    pub firelens: Option<FirelensSpec>,
    pub settings: ContainerSettings,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FirelensSpec {
    /// `fluentbit` or `fluentd`.
    pub kind: String,
    pub options: BTreeMap<String, String>,
    pub config_file_type: Option<String>,
    pub config_file_value: Option<String>,
}

/// A volume containers of the task mount: EFS, or task storage shared between them.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeSpec {
    pub name: String,
    pub efs: Option<EfsSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EfsSpec {
    pub file_system_id: String,
    pub root_directory: Option<String>,
    pub access_point_id: Option<String>,
    pub transit_encryption: bool,
    pub iam_authorization: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerHealthCheck {
    pub command: Vec<String>,
    pub interval: i64,
    pub timeout: i64,
    pub retries: i64,
    pub start_period: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogSpec {
    pub group: String,
    pub retention_days: i64,
    pub mode: String,
    pub max_buffer_size: String,
    /// The awslogs stream prefix of every container logging to the group.
    pub stream_prefix: String,
    /// awslogs' multiline start pattern and datetime format, for the application's container.
    pub multiline_pattern: Option<String>,
    pub datetime_format: Option<String>,
    /// `awslogs` or `awsfirelens`: where the application's output goes.
    pub driver: String,
    /// The `awsfirelens` driver's options.
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSpec {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancerSpec {
    /// Which load balancer the production listener belongs to (from its ARN).
    pub kind: LoadBalancerKind,
    /// The target groups' protocol: as configured, else HTTP behind an ALB and TCP behind an
    /// NLB.
    pub target_protocol: String,
    pub vpc_id: String,
    pub production_listener_arn: String,
    /// `None` for a rolling service: it has one target group and no test rule.
    pub test_listener_arn: Option<String>,
    /// As configured; `rule_priority()` gives the one in use.
    pub listener_rule_priority: Option<i64>,
    pub path_patterns: Vec<String>,
    pub host_headers: Vec<String>,
    pub deregistration_delay: i64,
    pub health_check_grace_period: i64,
    pub health_check: TargetHealthCheck,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetHealthCheck {
    /// As configured, else HTTP behind an ALB and TCP behind an NLB; a TCP check sends no
    /// path or matcher.
    pub protocol: String,
    pub path: String,
    pub matcher: String,
    pub interval: i64,
    pub timeout: i64,
    pub healthy_threshold: i64,
    pub unhealthy_threshold: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlueGreenSpec {
    pub deployment_config: String,
    pub termination_wait_minutes: i64,
    pub auto_rollback_events: Vec<String>,
    /// Minutes the new tasks serve only the test listener before production traffic moves.
    pub test_traffic_wait_minutes: i64,
    /// Whether production traffic waits for an approval (ContinueDeployment) within the wait.
    pub approve_traffic: bool,
    /// AppSpec lifecycle hooks: event name → Lambda function ARN.
    pub hooks: BTreeMap<String, String>,
}

/// Settings of the ECS-controller strategies (`blue_green`, `linear`, `canary`, `rolling`);
/// each strategy reads only its own (the checks refuse the others).
#[derive(Debug, Clone, PartialEq)]
pub struct EcsDeploymentSpec {
    pub bake_time_minutes: i64,
    pub linear_step_percent: f64,
    pub linear_step_minutes: i64,
    pub canary_percent: f64,
    pub canary_minutes: i64,
    pub minimum_healthy_percent: i64,
    pub maximum_percent: i64,
    pub circuit_breaker: bool,
    pub circuit_breaker_threshold: CircuitBreakerThreshold,
    /// ECS lifecycle hooks: stage → Lambda function ARN.
    pub hooks: BTreeMap<String, String>,
    /// Stages a pause hook holds each deployment at.
    pub pause_at: Vec<String>,
    pub pause_timeout_minutes: i64,
    pub pause_timeout_action: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiscoverySpec {
    pub namespace_id: String,
    pub dns_ttl: i64,
    pub record_type: String,
    pub routing_policy: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CapacityProviderItem {
    pub capacity_provider: String,
    pub base: i64,
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutoscalingSpec {
    pub min: i64,
    pub max: i64,
    pub requests_per_target: Option<f64>,
    pub cpu_target: Option<f64>,
    pub memory_target: Option<f64>,
    pub scale_in_cooldown: i64,
    pub scale_out_cooldown: i64,
    /// CPU and memory at 20-second resolution, and the policies on them.
    pub high_resolution: bool,
}

impl LoadBalancerSpec {
    pub fn rule_priority(&self, service_name: &str) -> i64 {
        self.listener_rule_priority
            .unwrap_or_else(|| derived_rule_priority(service_name))
    }
}

impl LogSpec {
    pub fn default_for(name: &str) -> LogSpec {
        LogSpec {
            group: format!("/ecs/{name}"),
            retention_days: d::LOG_RETENTION_DAYS,
            mode: d::LOG_MODE.to_owned(),
            max_buffer_size: d::LOG_MAX_BUFFER_SIZE.to_owned(),
            stream_prefix: d::LOG_STREAM_PREFIX.to_owned(),
            multiline_pattern: None,
            datetime_format: None,
            driver: LOG_DRIVERS[0].to_owned(),
            options: BTreeMap::new(),
        }
    }
}

impl Default for TargetHealthCheck {
    fn default() -> Self {
        TargetHealthCheck {
            protocol: d::ALB_TARGET_PROTOCOL.to_owned(),
            path: d::TG_HEALTH_PATH.to_owned(),
            matcher: d::TG_HEALTH_MATCHER.to_owned(),
            interval: d::TG_HEALTH_INTERVAL,
            timeout: d::TG_HEALTH_TIMEOUT,
            healthy_threshold: d::TG_HEALTHY_THRESHOLD,
            unhealthy_threshold: d::TG_UNHEALTHY_THRESHOLD,
        }
    }
}

/// When the circuit breaker stops a deployment; its default is what ECS takes when none is
/// sent, so a breaker that is off (nothing sent) reads back as the default.
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitBreakerThreshold {
    /// COUNT, BOUNDED_PERCENT or UNBOUNDED_PERCENT.
    pub kind: String,
    /// The count, or the percentage of the desired count.
    pub value: i64,
    /// Whether a task that becomes healthy resets the count of failed tasks.
    pub reset_on_healthy_task: bool,
}

impl Default for CircuitBreakerThreshold {
    fn default() -> Self {
        CircuitBreakerThreshold {
            kind: d::CIRCUIT_BREAKER_THRESHOLD_TYPE.to_owned(),
            value: d::CIRCUIT_BREAKER_THRESHOLD,
            reset_on_healthy_task: d::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK,
        }
    }
}

impl Default for EcsDeploymentSpec {
    fn default() -> Self {
        EcsDeploymentSpec {
            bake_time_minutes: d::BAKE_TIME_MINUTES,
            linear_step_percent: d::LINEAR_STEP_PERCENT,
            linear_step_minutes: d::LINEAR_STEP_MINUTES,
            canary_percent: d::CANARY_PERCENT,
            canary_minutes: d::CANARY_MINUTES,
            minimum_healthy_percent: d::MINIMUM_HEALTHY_PERCENT,
            maximum_percent: d::MAXIMUM_PERCENT,
            circuit_breaker: d::CIRCUIT_BREAKER,
            circuit_breaker_threshold: CircuitBreakerThreshold::default(),
            hooks: BTreeMap::new(),
            pause_at: Vec::new(),
            pause_timeout_minutes: d::PAUSE_TIMEOUT_MINUTES,
            pause_timeout_action: d::PAUSE_TIMEOUT_ACTION.to_owned(),
        }
    }
}

impl Default for BlueGreenSpec {
    fn default() -> Self {
        BlueGreenSpec {
            deployment_config: d::DEPLOYMENT_CONFIG.to_owned(),
            termination_wait_minutes: d::TERMINATION_WAIT_MINUTES,
            auto_rollback_events: d::AUTO_ROLLBACK_EVENTS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            test_traffic_wait_minutes: d::TEST_TRAFFIC_WAIT_MINUTES,
            approve_traffic: false,
            hooks: BTreeMap::new(),
        }
    }
}
