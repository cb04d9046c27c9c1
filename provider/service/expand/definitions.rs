//! The child definitions (`*Def`): the desired settings of each child kind, what both
//! renderings (aws/ and hcl/) create from.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::{AlarmMetric, AlarmTarget, ChildKey, ScalingMetric};
pub use crate::service::spec::{CapacityProviderItem, EfsSpec, VolumeSpec};
use crate::service::spec::{CircuitBreakerThreshold, ContainerHealthCheck, MountPoint, Ulimit};

/// A CloudWatch metric alarm on one target group of the service's load balancer.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmDef {
    pub name: String,
    pub metric: AlarmMetric,
    pub target: AlarmTarget,
    /// AWS/ApplicationELB or AWS/NetworkELB.
    pub namespace: &'static str,
    pub metric_name: &'static str,
    /// `Sum`/`Maximum`, or a percentile such as `p99` (CloudWatch's ExtendedStatistic).
    pub statistic: &'static str,
    /// The metric math over the metric (`errors`) and RequestCount (`requests`), for a rate.
    pub expression: Option<&'static str>,
    pub threshold: f64,
    pub comparison: &'static str,
    pub period: i64,
    pub evaluation_periods: i64,
    pub description: String,
}

/// A role ECS, CodeDeploy or the application assumes.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleDef {
    pub name: String,
    pub trust_policy: Json,
    pub managed_policy_arns: Vec<String>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, Json>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogGroupDef {
    pub name: String,
    pub retention_days: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskDefinitionDef {
    pub family: String,
    pub cpu: i64,
    pub memory: i64,
    pub cpu_architecture: String,
    pub ephemeral_storage_gib: i64,
    /// The application's container first (the load balancer's target), then the sidecars in
    /// the order configured.
    pub containers: Vec<ContainerDef>,
    pub volumes: Vec<VolumeSpec>,
}

impl TaskDefinitionDef {
    /// The application's container.
    pub fn app(&self) -> Option<&ContainerDef> {
        self.containers.first()
    }
}

/// One container definition. Settings left unset (`None`, empty) are left out of the
/// definition, so a task with only the application's container registers what it always did.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerDef {
    pub name: String,
    pub image: String,
    pub essential: bool,
    /// (container port, `tcp` or `udp`).
    pub port_mappings: Vec<(i64, String)>,
    pub command: Option<Vec<String>>,
    pub entry_point: Option<Vec<String>>,
    pub environment: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, String>,
    pub cpu: Option<i64>,
    pub memory: Option<i64>,
    pub memory_reservation: Option<i64>,
    pub user: Option<String>,
    /// (container name, condition), ordered by name.
    pub depends_on: Vec<(String, String)>,
    pub stop_timeout: Option<i64>,
    pub init_process_enabled: bool,
    pub readonly_root_filesystem: bool,
    pub drop_capabilities: Vec<String>,
    pub add_capabilities: Vec<String>,
    pub health_check: Option<ContainerHealthCheck>,
    pub mount_points: Vec<MountPoint>,
    pub ulimits: Vec<Ulimit>,
    /// `awslogs` or `awsfirelens`.
    pub log_driver: String,
    /// The log driver's options, in order.
    pub log_options: BTreeMap<String, String>,
    /// Set on the task's FireLens log router.
    pub firelens: Option<FirelensDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FirelensDef {
    /// `fluentbit` or `fluentd`.
    pub kind: String,
    /// FireLens options, the configuration file's type and value among them.
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroupDef {
    pub name: String,
    pub port: i64,
    pub vpc_id: String,
    /// HTTP behind an ALB; TCP or TLS behind an NLB.
    pub protocol: String,
    pub health_check_protocol: String,
    /// `None` for a TCP health check, which takes neither a path nor a matcher.
    pub health_check_path: Option<String>,
    pub health_check_matcher: Option<String>,
    pub health_check_interval: i64,
    pub health_check_timeout: i64,
    pub healthy_threshold: i64,
    pub unhealthy_threshold: i64,
    pub deregistration_delay: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListenerRuleDef {
    pub listener_arn: String,
    /// Whether the service takes over the listener's default action instead of adding a rule:
    /// a Network Load Balancer's listener routes by port alone (ECS names the listener itself
    /// as its `productionListenerRule`). Priority and conditions then do not apply.
    pub whole_listener: bool,
    pub priority: i64,
    pub path_patterns: Vec<String>,
    pub host_headers: Vec<String>,
    /// Where the rule forwards when it is created; CodeDeploy moves it afterwards.
    pub initial_target: ChildKey,
    /// Whether the rule forwards to both groups (the live one weight 1, the idle one 0), as
    /// ECS-native blue/green requires before its first deployment.
    pub weighted_pair: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryServiceDef {
    pub name: String,
    pub namespace_id: String,
    pub dns_ttl: i64,
    /// One of `schema::DNS_RECORD_TYPES`; SRV also needs the container and port in the ECS
    /// service's registry (`EcsServiceDef::registry_with_port`).
    pub record_type: String,
    pub routing_policy: String,
    /// Cloud Map takes each task's health from ECS (`HealthCheckCustomConfig`), so DNS
    /// answers only with tasks ECS reports healthy.
    pub custom_health_check: bool,
}

/// Whether the Cloud Map service has a custom health check: always, so ECS reports each
/// task's health and DNS stops answering with a task ECS finds unhealthy. Cloud Map cannot
/// add one to an existing service, so it is decided when the service is created.
pub const DISCOVERY_CUSTOM_HEALTH_CHECK: bool = true;

/// The custom health check's failure threshold: deprecated, and the only value Cloud Map
/// keeps. Both renderings state it because hashicorp/aws reads it back (and sends no custom
/// health check for a block without it).
pub const CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD: i32 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct EcsServiceDef {
    pub name: String,
    pub cluster: String,
    pub desired_count: i64,
    pub platform_version: String,
    pub deployment_controller: &'static str,
    /// Empty: the FARGATE launch type.
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: bool,
    /// `None` without a load balancer: ECS refuses a grace period for a service without one.
    pub health_check_grace_period: Option<i64>,
    pub container_name: String,
    /// Unset for a worker that listens on nothing.
    pub container_port: Option<i64>,
    /// Whether the service registry names the container and port: SRV records carry a port,
    /// so with awsvpc AWS requires them; address records need neither.
    pub registry_with_port: bool,
    /// The expansion's tags plus provider-only settings AWS must remember for import.
    pub tags: BTreeMap<String, String>,
    /// The deployment configuration of an ECS-controller service; `None` under CodeDeploy.
    pub deployment: Option<EcsDeploymentDef>,
    /// ECS Exec: ECS gives the tasks it starts the SSM agent's channels.
    pub enable_execute_command: bool,
    /// The service-level metrics ECS publishes every 20 seconds (its monitoring
    /// configuration); empty: every metric at ECS's default 60.
    pub high_resolution_metrics: Vec<&'static str>,
}

/// `deploymentConfiguration` of an ECS-controller service.
#[derive(Debug, Clone, PartialEq)]
pub struct EcsDeploymentDef {
    /// ROLLING, BLUE_GREEN, LINEAR or CANARY.
    pub strategy: &'static str,
    pub bake_time_minutes: Option<i64>,
    /// (stepPercent, stepBakeTimeInMinutes).
    pub linear: Option<(f64, i64)>,
    /// (canaryPercent, canaryBakeTimeInMinutes).
    pub canary: Option<(f64, i64)>,
    pub minimum_healthy_percent: i64,
    pub maximum_percent: i64,
    /// The circuit breaker, with rollback.
    pub circuit_breaker: bool,
    /// When it stops a deployment (ECS's default while it is off: nothing is sent then).
    pub circuit_breaker_threshold: CircuitBreakerThreshold,
    /// Alarms that roll a deployment back: the service's own, then the user's.
    pub alarm_names: Vec<String>,
    /// Lifecycle hooks in stage order: (stage, Lambda function ARN); ECS invokes them with the
    /// infrastructure role.
    pub hooks: Vec<(String, String)>,
    /// A pause hook: the deployment waits at these stages for ContinueServiceDeployment.
    pub pause: Option<PauseDef>,
    /// Whether the load balancer has an advanced configuration: the alternate (idle) target
    /// group, both listener rules and the infrastructure role.
    pub advanced: bool,
}

impl EcsDeploymentDef {
    /// How many times a deployment moves traffic: each production shift (every linear step, a
    /// canary's two, blue/green's one) and, with a test listener, the test shift; none for a
    /// rolling update, which moves no traffic between groups.
    pub fn traffic_shifts(&self, test_listener: bool) -> u64 {
        if !self.advanced {
            return 0;
        }
        let production = match (self.linear, self.canary) {
            (Some((step, _)), _) if step > 0.0 => (100.0 / step).ceil() as u64,
            (_, Some((percent, _))) if percent < 100.0 => 2,
            _ => 1,
        };
        production + u64::from(test_listener)
    }
}

/// A pause hook (`targetType: PAUSE`): the stages, in stage order, and its timeout.
#[derive(Debug, Clone, PartialEq)]
pub struct PauseDef {
    pub stages: Vec<String>,
    pub timeout_minutes: i64,
    /// CONTINUE or ROLLBACK.
    pub timeout_action: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentGroupDef {
    pub application: String,
    pub name: String,
    pub deployment_config: String,
    pub termination_wait_minutes: i64,
    pub auto_rollback_events: Vec<String>,
    /// `None` only where the service has no load balancer, or (not allowed by the checks) no
    /// test listener: an absent listener is left out of the request, never sent empty.
    pub production_listener_arn: Option<String>,
    pub test_listener_arn: Option<String>,
    pub cluster: String,
    pub service: String,
    /// The alarms that stop a deployment: the service's own, then the user's.
    pub alarm_names: Vec<String>,
    pub test_traffic_wait_minutes: i64,
    /// CONTINUE_DEPLOYMENT, or STOP_DEPLOYMENT when production traffic waits for approval.
    pub ready_action: &'static str,
    /// AppSpec hooks in the order their events run: (event, Lambda function ARN).
    pub hooks: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScalableTargetDef {
    /// `service/<cluster>/<service>`.
    pub resource_id: String,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScalingPolicyDef {
    pub name: String,
    pub metric: ScalingMetric,
    pub target_value: f64,
    pub scale_in_cooldown: i64,
    pub scale_out_cooldown: i64,
    /// Tracks the 20-second form of the metric.
    pub high_resolution: bool,
}

impl ScalingPolicyDef {
    /// The predefined metric type the policy tracks.
    pub fn predefined_metric_type(&self) -> &'static str {
        match (self.high_resolution, self.metric.high_resolution_metric()) {
            (true, Some(high)) => high,
            _ => self.metric.predefined_metric(),
        }
    }
}
