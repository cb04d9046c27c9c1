//! `expand`: a `ServiceSpec` becomes the child resources it is made of, each with its desired
//! settings and the children it depends on. The provider (aws/) creates these children and the
//! module generator renders them; neither decides on its own what a child looks like.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::names::ChildNames;
use super::spec::{ContainerHealthCheck, MountPoint, ServiceSpec, Ulimit};

/// Where the service lives, so policies can name exact ARNs: from the production listener's ARN
/// without an API call, or for a service without a load balancer from the provider's region and
/// account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub partition: String,
    pub region: String,
    pub account_id: String,
    /// `app/<name>/<id>` of the load balancer, as the ALBRequestCountPerTarget label needs it;
    /// empty without a load balancer.
    pub load_balancer: String,
}

impl Placement {
    /// A service without a load balancer: the region and account the provider acts in.
    pub fn in_account(region: &str, account_id: &str) -> Placement {
        let partition = if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        };
        Placement {
            partition: partition.to_owned(),
            region: region.to_owned(),
            account_id: account_id.to_owned(),
            load_balancer: String::new(),
        }
    }

    /// From an ARN of anything in the service's account and region (the ECS service's, at
    /// import): `arn:<partition>:<service>:<region>:<account>:…`.
    pub fn from_arn(arn: &str) -> Option<Placement> {
        Some(Self::parse(arn)?.0)
    }

    /// Parses `arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/<lb>/<id>/<listener>`.
    pub fn from_listener_arn(arn: &str) -> Option<Placement> {
        let (mut placement, service, resource) = Self::parse(arn)?;
        if service != "elasticloadbalancing" {
            return None;
        }
        let segments: Vec<&str> = resource.split('/').collect();
        let [
            "listener",
            kind @ ("app" | "net"),
            lb_name,
            lb_id,
            _listener_id,
        ] = segments.as_slice()
        else {
            return None;
        };
        placement.load_balancer = format!("{kind}/{lb_name}/{lb_id}");
        Some(placement)
    }

    /// The placement an ARN names, with its service and resource parts.
    fn parse(arn: &str) -> Option<(Placement, &str, &str)> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let ["arn", partition, service, region, account, resource] = parts.as_slice() else {
            return None;
        };
        if region.is_empty() || account.is_empty() {
            return None;
        }
        let placement = Placement {
            partition: (*partition).to_owned(),
            region: (*region).to_owned(),
            account_id: (*account).to_owned(),
            load_balancer: String::new(),
        };
        Some((placement, service, resource))
    }
}

/// `targetgroup/<name>/<id>` from `arn:…:elasticloadbalancing:…:targetgroup/<name>/<id>`.
pub fn target_group_part(arn: &str) -> Option<String> {
    let (prefix, rest) = arn.split_once(":targetgroup/")?;
    if !prefix.starts_with("arn:") || !prefix.contains(":elasticloadbalancing:") {
        return None;
    }
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        [name, id] if !name.is_empty() && !id.is_empty() => Some(format!("targetgroup/{rest}")),
        _ => None,
    }
}

/// `app/<lb>/<id>/targetgroup/<tg>/<id>`: what an ALBRequestCountPerTarget policy measures,
/// from the load balancer part (`app/<lb>/<id>`) and the target group's ARN.
pub fn alb_resource_label(load_balancer: &str, target_group_arn: &str) -> Option<String> {
    Some(format!(
        "{load_balancer}/{}",
        target_group_part(target_group_arn)?
    ))
}

/// How a new task definition reaches production. It decides which children exist (CodeDeploy's
/// application, group and role; ECS's infrastructure role; one target group or a pair), which
/// controller the ECS service uses and how a roll-out is started, watched and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeploymentStrategy {
    /// CodeDeploy blue/green: task sets, AppSpec roll-outs, CodeDeploy's deployment configs.
    CodeDeployBlueGreen,
    /// ECS-native blue/green: all production traffic moves at once, then a bake time.
    BlueGreen,
    /// ECS-native linear: equal steps of production traffic.
    Linear,
    /// ECS-native canary: a share first, the rest after a wait.
    Canary,
    /// ECS rolling update with the deployment circuit breaker: one target group.
    Rolling,
}

impl DeploymentStrategy {
    pub const ALL: [DeploymentStrategy; 5] = [
        DeploymentStrategy::CodeDeployBlueGreen,
        DeploymentStrategy::BlueGreen,
        DeploymentStrategy::Linear,
        DeploymentStrategy::Canary,
        DeploymentStrategy::Rolling,
    ];

    /// The names `deployment_strategy` takes.
    pub const NAMES: [&'static str; 5] =
        ["codedeploy", "blue_green", "linear", "canary", "rolling"];

    pub fn name(self) -> &'static str {
        match self {
            DeploymentStrategy::CodeDeployBlueGreen => "codedeploy",
            DeploymentStrategy::BlueGreen => "blue_green",
            DeploymentStrategy::Linear => "linear",
            DeploymentStrategy::Canary => "canary",
            DeploymentStrategy::Rolling => "rolling",
        }
    }

    pub fn from_name(name: &str) -> Option<DeploymentStrategy> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn deployment_controller(self) -> &'static str {
        match self {
            DeploymentStrategy::CodeDeployBlueGreen => "CODE_DEPLOY",
            _ => "ECS",
        }
    }

    /// ECS's `deploymentConfiguration.strategy`; `None` under CodeDeploy.
    pub fn ecs_strategy(self) -> Option<&'static str> {
        match self {
            DeploymentStrategy::CodeDeployBlueGreen => None,
            DeploymentStrategy::BlueGreen => Some("BLUE_GREEN"),
            DeploymentStrategy::Linear => Some("LINEAR"),
            DeploymentStrategy::Canary => Some("CANARY"),
            DeploymentStrategy::Rolling => Some("ROLLING"),
        }
    }

    /// The strategy whose `deploymentConfiguration.strategy` (and controller) AWS reports.
    pub fn from_ecs(controller: &str, strategy: Option<&str>) -> Option<DeploymentStrategy> {
        if controller == "CODE_DEPLOY" {
            return Some(DeploymentStrategy::CodeDeployBlueGreen);
        }
        if controller != "ECS" {
            return None;
        }
        let strategy = strategy.unwrap_or("ROLLING");
        Self::ALL
            .into_iter()
            .find(|s| s.ecs_strategy() == Some(strategy))
    }

    /// Whether traffic moves between a blue and a green target group (all but rolling).
    pub fn shifts_traffic(self) -> bool {
        self != DeploymentStrategy::Rolling
    }

    /// Whether ECS itself moves the traffic (the load balancer's advanced configuration, an
    /// infrastructure role, rules forwarding to both groups).
    pub fn ecs_shifts_traffic(self) -> bool {
        matches!(
            self,
            DeploymentStrategy::BlueGreen | DeploymentStrategy::Linear | DeploymentStrategy::Canary
        )
    }

    pub fn uses_codedeploy(self) -> bool {
        self == DeploymentStrategy::CodeDeployBlueGreen
    }

    /// The target groups alarms watch: both of a pair (a roll-out moves traffic to the idle
    /// one), or the one group of a rolling service.
    pub fn alarm_targets(self) -> &'static [AlarmTarget] {
        if self.shifts_traffic() {
            &AlarmTarget::ALL
        } else {
            &[AlarmTarget::Blue]
        }
    }
}

/// ECS lifecycle hook stages, in the order a deployment reaches them.
pub const ECS_HOOK_STAGES: &[&str] = super::facts::ECS_HOOK_STAGES.values;

/// Identifies one child of a service.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ChildKey {
    LogGroup,
    ExecutionRole,
    TaskRole,
    CodeDeployRole,
    /// The role ECS assumes to rewrite the listener rules (ECS-native blue/green strategies).
    InfrastructureRole,
    TaskDefinition,
    BlueTargetGroup,
    GreenTargetGroup,
    ProductionListenerRule,
    TestListenerRule,
    DiscoveryService,
    EcsService,
    CodeDeployApplication,
    DeploymentGroup,
    ScalableTarget,
    ScalingPolicy(ScalingMetric),
    /// A CloudWatch alarm on one target group, wired into the deployment.
    Alarm(AlarmMetric, AlarmTarget),
}

/// What an alarm of the service watches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AlarmMetric {
    /// HTTPCode_Target_5XX_Count, Sum.
    Target5xx,
    /// HTTPCode_Target_5XX_Count as a percentage of RequestCount (metric math), so the
    /// threshold means the same at any traffic.
    Target5xxRate,
    /// TargetResponseTime, p99.
    ResponseTime,
    /// UnHealthyHostCount, Maximum.
    UnhealthyHosts,
}

/// Which target group of the pair an alarm watches: a roll-out moves traffic to the idle one,
/// so both are watched, whichever is live.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AlarmTarget {
    Blue,
    Green,
}

impl AlarmMetric {
    pub const ALL: [AlarmMetric; 4] = [
        AlarmMetric::Target5xx,
        AlarmMetric::Target5xxRate,
        AlarmMetric::ResponseTime,
        AlarmMetric::UnhealthyHosts,
    ];

    /// The `alarms` attribute holding this alarm's threshold (0 leaves the alarm out), also the
    /// alarms submodule's variable.
    pub fn attribute(self) -> &'static str {
        match self {
            AlarmMetric::Target5xx => "target_5xx_count",
            AlarmMetric::Target5xxRate => "target_5xx_rate_percent",
            AlarmMetric::ResponseTime => "response_time_p99_ms",
            AlarmMetric::UnhealthyHosts => "unhealthy_hosts",
        }
    }

    pub fn default_threshold(self) -> i64 {
        match self {
            AlarmMetric::Target5xx => crate::service::defaults::ALARM_TARGET_5XX_COUNT,
            AlarmMetric::Target5xxRate => crate::service::defaults::ALARM_TARGET_5XX_RATE_PERCENT,
            AlarmMetric::ResponseTime => crate::service::defaults::ALARM_RESPONSE_TIME_P99_MS,
            AlarmMetric::UnhealthyHosts => crate::service::defaults::ALARM_UNHEALTHY_HOSTS,
        }
    }

    /// The ALB metric (namespace AWS/ApplicationELB); for the rate, its numerator.
    pub fn metric_name(self) -> &'static str {
        match self {
            AlarmMetric::Target5xx | AlarmMetric::Target5xxRate => "HTTPCode_Target_5XX_Count",
            AlarmMetric::ResponseTime => "TargetResponseTime",
            AlarmMetric::UnhealthyHosts => "UnHealthyHostCount",
        }
    }

    /// The statistic, or a percentile (CloudWatch's ExtendedStatistic).
    pub fn statistic(self) -> &'static str {
        match self {
            AlarmMetric::Target5xx | AlarmMetric::Target5xxRate => "Sum",
            AlarmMetric::ResponseTime => "p99",
            AlarmMetric::UnhealthyHosts => "Maximum",
        }
    }

    /// The metric math expression the alarm watches, over `errors` (the 5xx count) and
    /// `requests` (RequestCount), both sums over the period; `None` for a plain metric. A period
    /// without requests is no evidence of a bad release: the rate is 0 then.
    pub fn expression(self) -> Option<&'static str> {
        match self {
            AlarmMetric::Target5xxRate => Some("IF(requests > 0, 100 * errors / requests, 0)"),
            _ => None,
        }
    }

    pub fn comparison(self) -> &'static str {
        match self {
            AlarmMetric::UnhealthyHosts => "GreaterThanOrEqualToThreshold",
            _ => "GreaterThanThreshold",
        }
    }
}

impl AlarmTarget {
    pub const ALL: [AlarmTarget; 2] = [AlarmTarget::Blue, AlarmTarget::Green];

    pub fn target_group(self) -> ChildKey {
        match self {
            AlarmTarget::Blue => ChildKey::BlueTargetGroup,
            AlarmTarget::Green => ChildKey::GreenTargetGroup,
        }
    }
}

/// The key an alarm's ARN is kept under in the private state, e.g. `5xx-blue`.
pub fn alarm_key(metric: AlarmMetric, target: AlarmTarget) -> &'static str {
    match (metric, target) {
        (AlarmMetric::Target5xx, AlarmTarget::Blue) => "5xx-blue",
        (AlarmMetric::Target5xx, AlarmTarget::Green) => "5xx-green",
        (AlarmMetric::Target5xxRate, AlarmTarget::Blue) => "5xx-rate-blue",
        (AlarmMetric::Target5xxRate, AlarmTarget::Green) => "5xx-rate-green",
        (AlarmMetric::ResponseTime, AlarmTarget::Blue) => "p99-blue",
        (AlarmMetric::ResponseTime, AlarmTarget::Green) => "p99-green",
        (AlarmMetric::UnhealthyHosts, AlarmTarget::Blue) => "unhealthy-blue",
        (AlarmMetric::UnhealthyHosts, AlarmTarget::Green) => "unhealthy-green",
    }
}

impl ChildNames {
    /// The derived name of one alarm.
    pub fn alarm(&self, metric: AlarmMetric, target: AlarmTarget) -> &str {
        match (metric, target) {
            (AlarmMetric::Target5xx, AlarmTarget::Blue) => &self.alarm_5xx_blue,
            (AlarmMetric::Target5xx, AlarmTarget::Green) => &self.alarm_5xx_green,
            (AlarmMetric::Target5xxRate, AlarmTarget::Blue) => &self.alarm_5xx_rate_blue,
            (AlarmMetric::Target5xxRate, AlarmTarget::Green) => &self.alarm_5xx_rate_green,
            (AlarmMetric::ResponseTime, AlarmTarget::Blue) => &self.alarm_latency_blue,
            (AlarmMetric::ResponseTime, AlarmTarget::Green) => &self.alarm_latency_green,
            (AlarmMetric::UnhealthyHosts, AlarmTarget::Blue) => &self.alarm_unhealthy_blue,
            (AlarmMetric::UnhealthyHosts, AlarmTarget::Green) => &self.alarm_unhealthy_green,
        }
    }
}

/// A CloudWatch metric alarm on one target group of the service's load balancer.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmDef {
    pub name: String,
    pub metric: AlarmMetric,
    pub target: AlarmTarget,
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

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ScalingMetric {
    Requests,
    Cpu,
    Memory,
}

impl ChildKey {
    /// Every child a service can have, dependencies before dependents: the fixed ones, then
    /// one policy per scaling metric and one alarm per alarm metric and target group, so a new
    /// metric is listed by being added to its `ALL`.
    pub const ALL: [ChildKey;
        Self::FIXED.len()
            + ScalingMetric::ALL.len()
            + AlarmMetric::ALL.len() * AlarmTarget::ALL.len()] = {
        let mut out = [ChildKey::LogGroup;
            Self::FIXED.len()
                + ScalingMetric::ALL.len()
                + AlarmMetric::ALL.len() * AlarmTarget::ALL.len()];
        let mut i = 0;
        while i < Self::FIXED.len() {
            out[i] = Self::FIXED[i];
            i += 1;
        }
        let mut m = 0;
        while m < ScalingMetric::ALL.len() {
            out[i] = ChildKey::ScalingPolicy(ScalingMetric::ALL[m]);
            i += 1;
            m += 1;
        }
        let mut a = 0;
        while a < AlarmMetric::ALL.len() {
            let mut t = 0;
            while t < AlarmTarget::ALL.len() {
                out[i] = ChildKey::Alarm(AlarmMetric::ALL[a], AlarmTarget::ALL[t]);
                i += 1;
                t += 1;
            }
            a += 1;
        }
        out
    };

    /// The children that are one of a kind.
    const FIXED: [ChildKey; 15] = [
        ChildKey::LogGroup,
        ChildKey::ExecutionRole,
        ChildKey::TaskRole,
        ChildKey::CodeDeployRole,
        ChildKey::InfrastructureRole,
        ChildKey::TaskDefinition,
        ChildKey::BlueTargetGroup,
        ChildKey::GreenTargetGroup,
        ChildKey::ProductionListenerRule,
        ChildKey::TestListenerRule,
        ChildKey::DiscoveryService,
        ChildKey::EcsService,
        ChildKey::CodeDeployApplication,
        ChildKey::DeploymentGroup,
        ChildKey::ScalableTarget,
    ];

    /// The hashicorp/aws resource type of this child: what `children` shows, what the module
    /// generator writes, and what eject imports into.
    pub fn kind(self) -> &'static str {
        match self {
            ChildKey::LogGroup => "aws_cloudwatch_log_group",
            ChildKey::ExecutionRole
            | ChildKey::TaskRole
            | ChildKey::CodeDeployRole
            | ChildKey::InfrastructureRole => "aws_iam_role",
            ChildKey::TaskDefinition => "aws_ecs_task_definition",
            ChildKey::BlueTargetGroup | ChildKey::GreenTargetGroup => "aws_lb_target_group",
            ChildKey::ProductionListenerRule | ChildKey::TestListenerRule => "aws_lb_listener_rule",
            ChildKey::DiscoveryService => "aws_service_discovery_service",
            ChildKey::EcsService => "aws_ecs_service",
            ChildKey::CodeDeployApplication => "aws_codedeploy_app",
            ChildKey::DeploymentGroup => "aws_codedeploy_deployment_group",
            ChildKey::ScalableTarget => "aws_appautoscaling_target",
            ChildKey::ScalingPolicy(_) => "aws_appautoscaling_policy",
            ChildKey::Alarm(..) => "aws_cloudwatch_metric_alarm",
        }
    }
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
    pub volumes: Vec<VolumeDef>,
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
pub struct VolumeDef {
    pub name: String,
    /// `None`: task storage shared by the containers (a bind mount).
    pub efs: Option<EfsVolumeDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EfsVolumeDef {
    pub file_system_id: String,
    /// `None` for the file system's root (ECS reports `/`).
    pub root_directory: Option<String>,
    pub access_point_id: Option<String>,
    pub transit_encryption: bool,
    pub iam_authorization: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroupDef {
    pub name: String,
    pub port: i64,
    pub vpc_id: String,
    pub health_check_path: String,
    pub health_check_matcher: String,
    pub health_check_interval: i64,
    pub health_check_timeout: i64,
    pub healthy_threshold: i64,
    pub unhealthy_threshold: i64,
    pub deregistration_delay: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListenerRuleDef {
    pub listener_arn: String,
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
pub struct CapacityProviderDef {
    pub capacity_provider: String,
    pub base: i64,
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EcsServiceDef {
    pub name: String,
    pub cluster: String,
    pub desired_count: i64,
    pub platform_version: String,
    pub deployment_controller: &'static str,
    /// Empty: the FARGATE launch type.
    pub capacity_provider_strategy: Vec<CapacityProviderDef>,
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
    /// Alarms that roll a deployment back: the service's own, then the user's.
    pub alarm_names: Vec<String>,
    /// Lifecycle hooks in stage order: (stage, Lambda function ARN); ECS invokes them with the
    /// infrastructure role.
    pub hooks: Vec<(String, String)>,
    /// Whether the load balancer has an advanced configuration: the alternate (idle) target
    /// group, both listener rules and the infrastructure role.
    pub advanced: bool,
}

/// Tag that marks a child as this provider's, naming the service it belongs to
/// (`<cluster name>/<service name>`): a child found by its derived name is adopted only when it
/// carries this service's value, so a lost state never takes over someone else's resource.
pub const OWNER_TAG: &str = "fargate:service";

/// The owner tag's value for a service.
pub fn owner_value(cluster: &str, name: &str) -> String {
    format!("{}/{name}", cluster_name(cluster))
}

/// Service tag that keeps `drain_timeout`, a setting only the plan-time checks use, so an
/// import can restore it.
pub const DRAIN_TIMEOUT_TAG: &str = "fargate:drain_timeout";

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
}

impl ScalingMetric {
    /// Every metric a policy can track.
    pub const ALL: [ScalingMetric; 3] = [
        ScalingMetric::Requests,
        ScalingMetric::Cpu,
        ScalingMetric::Memory,
    ];

    /// The predefined metric type of Application Auto Scaling.
    pub fn predefined_metric(self) -> &'static str {
        match self {
            ScalingMetric::Requests => "ALBRequestCountPerTarget",
            ScalingMetric::Cpu => "ECSServiceAverageCPUUtilization",
            ScalingMetric::Memory => "ECSServiceAverageMemoryUtilization",
        }
    }
}

/// Every child of one service, with its desired settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub names: ChildNames,
    pub strategy: DeploymentStrategy,
    pub placement: Placement,
    /// Merged provider default tags and resource tags, for every child that takes tags.
    pub tags: BTreeMap<String, String>,
    pub log_group: LogGroupDef,
    pub execution_role: RoleDef,
    pub task_role: RoleDef,
    pub codedeploy_role: RoleDef,
    pub infrastructure_role: RoleDef,
    pub task_definition: TaskDefinitionDef,
    /// The target groups and listener rules; `None` for a service without a load balancer.
    pub load_balancing: Option<LoadBalancing>,
    pub discovery: Option<DiscoveryServiceDef>,
    pub ecs_service: EcsServiceDef,
    pub codedeploy_application: String,
    pub deployment_group: DeploymentGroupDef,
    pub scalable_target: Option<ScalableTargetDef>,
    pub scaling_policies: Vec<ScalingPolicyDef>,
    pub alarms: Vec<AlarmDef>,
}

/// How traffic reaches a load-balanced service: the groups (the green one only where a strategy
/// shifts traffic) and a rule on each listener.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancing {
    pub blue_target_group: TargetGroupDef,
    pub green_target_group: TargetGroupDef,
    pub production_rule: ListenerRuleDef,
    /// `None` without a test listener (a rolling service).
    pub test_rule: Option<ListenerRuleDef>,
}

/// One node of the expansion's dependency graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub key: ChildKey,
    pub name: String,
    pub depends_on: Vec<ChildKey>,
}

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

/// Read access to exactly the secrets and parameters the container references, and KMS
/// decryption only through those two services; never a wildcard on secrets.
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

fn secrets_policy(spec: &ServiceSpec, placement: &Placement) -> Option<Json> {
    let mut secret_arns: Vec<String> = Vec::new();
    let mut parameter_arns: Vec<String> = Vec::new();
    for arn in super::task::secret_arns(spec) {
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

/// The cluster's name when `cluster` is an ARN.
pub fn cluster_name(cluster: &str) -> &str {
    cluster.rsplit('/').next().unwrap_or(cluster)
}

/// Expands a service. `default_tags` come from the provider configuration; the resource's
/// own tags win over them.
pub fn expand(
    spec: &ServiceSpec,
    placement: &Placement,
    default_tags: &BTreeMap<String, String>,
) -> Expansion {
    let names = ChildNames::for_service(&spec.name);
    let strategy = spec.deployment_strategy;
    let mut tags = default_tags.clone();
    tags.extend(spec.tags.clone());
    let p = &placement.partition;

    let mut execution_inline = BTreeMap::new();
    if let Some(policy) = secrets_policy(spec, placement) {
        execution_inline.insert(SECRETS_POLICY_NAME.to_owned(), policy);
    }
    let execution_role = RoleDef {
        name: names.execution_role.clone(),
        trust_policy: execution_trust_policy(),
        managed_policy_arns: vec![managed_policy(p, TASK_EXECUTION_POLICY)],
        inline_policies: execution_inline,
    };
    let mut task_inline = BTreeMap::new();
    if let Some(doc) = &spec.task_role_policy {
        task_inline.insert(APPLICATION_POLICY_NAME.to_owned(), doc.clone());
    }
    if let Some(doc) = super::task::efs_policy(spec, placement) {
        task_inline.insert(EFS_POLICY_NAME.to_owned(), doc);
    }
    if spec.enable_execute_command {
        task_inline.insert(EXEC_POLICY_NAME.to_owned(), super::task::exec_policy());
    }
    let task_role = RoleDef {
        name: names.task_role.clone(),
        trust_policy: task_trust_policy(placement),
        managed_policy_arns: spec.task_role_managed_policy_arns.clone(),
        inline_policies: task_inline,
    };
    let codedeploy_role = RoleDef {
        name: names.codedeploy_role.clone(),
        trust_policy: codedeploy_trust_policy(),
        managed_policy_arns: vec![managed_policy(p, CODEDEPLOY_ECS_POLICY)],
        inline_policies: BTreeMap::new(),
    };

    let mut hook_arns: Vec<&String> = spec.ecs_deployment.hooks.values().collect();
    hook_arns.sort_unstable();
    hook_arns.dedup();
    let mut infrastructure_inline = BTreeMap::new();
    if strategy.ecs_shifts_traffic() && !hook_arns.is_empty() {
        infrastructure_inline.insert(
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
    let infrastructure_role = RoleDef {
        name: names.infrastructure_role.clone(),
        trust_policy: infrastructure_trust_policy(),
        managed_policy_arns: vec![managed_policy(p, ECS_LOAD_BALANCERS_POLICY)],
        inline_policies: infrastructure_inline,
    };

    let c = &spec.container;
    let task_definition = TaskDefinitionDef {
        family: names.task_family.clone(),
        cpu: spec.task.cpu,
        memory: spec.task.memory,
        cpu_architecture: spec.task.cpu_architecture.clone(),
        ephemeral_storage_gib: spec.task.ephemeral_storage_gib,
        containers: super::task::containers(spec, &placement.region),
        volumes: super::task::volumes(spec),
    };

    let load_balancing = spec.load_balancer.as_ref().map(|lb| {
        let target_group = |name: &str| TargetGroupDef {
            name: name.to_owned(),
            // The `container-port` check requires a port with a load balancer.
            port: c.port.unwrap_or_default(),
            vpc_id: lb.vpc_id.clone(),
            health_check_path: lb.health_check.path.clone(),
            health_check_matcher: lb.health_check.matcher.clone(),
            health_check_interval: lb.health_check.interval,
            health_check_timeout: lb.health_check.timeout,
            healthy_threshold: lb.health_check.healthy_threshold,
            unhealthy_threshold: lb.health_check.unhealthy_threshold,
            deregistration_delay: lb.deregistration_delay,
        };
        let rule = |listener: &str| ListenerRuleDef {
            listener_arn: listener.to_owned(),
            priority: lb.rule_priority(&spec.name),
            path_patterns: lb.path_patterns.clone(),
            host_headers: lb.host_headers.clone(),
            initial_target: ChildKey::BlueTargetGroup,
            weighted_pair: strategy.ecs_shifts_traffic(),
        };
        LoadBalancing {
            blue_target_group: target_group(&names.blue_target_group),
            green_target_group: target_group(&names.green_target_group),
            production_rule: rule(&lb.production_listener_arn),
            test_rule: lb.test_listener_arn.as_deref().map(rule),
        }
    });

    let discovery = spec
        .service_discovery
        .as_ref()
        .map(|sd| DiscoveryServiceDef {
            name: names.discovery_service.clone(),
            namespace_id: sd.namespace_id.clone(),
            dns_ttl: sd.dns_ttl,
            record_type: sd.record_type.clone(),
            routing_policy: sd.routing_policy.clone(),
            custom_health_check: DISCOVERY_CUSTOM_HEALTH_CHECK,
        });

    let ecs_service = EcsServiceDef {
        name: names.ecs_service.clone(),
        cluster: spec.cluster.clone(),
        desired_count: spec.desired_count,
        platform_version: spec.platform_version.clone(),
        deployment_controller: strategy.deployment_controller(),
        capacity_provider_strategy: spec
            .capacity_provider_strategy
            .iter()
            .map(|c| CapacityProviderDef {
                capacity_provider: c.capacity_provider.clone(),
                base: c.base,
                weight: c.weight,
            })
            .collect(),
        subnets: spec.network.subnets.clone(),
        security_groups: spec.network.security_groups.clone(),
        assign_public_ip: spec.network.assign_public_ip,
        health_check_grace_period: spec
            .load_balancer
            .as_ref()
            .map(|lb| lb.health_check_grace_period),
        container_name: c.name.clone(),
        container_port: c.port,
        registry_with_port: discovery.as_ref().is_some_and(|d| d.record_type == "SRV"),
        tags: {
            let mut t = tags.clone();
            if let Some(drain) = c.drain_timeout {
                t.insert(DRAIN_TIMEOUT_TAG.to_owned(), drain.to_string());
            }
            t
        },
        deployment: None,
        enable_execute_command: spec.enable_execute_command,
    };

    let mut alarms = Vec::new();
    // The service's own alarms watch its target groups: a service without any has none.
    if let Some(a) = spec.alarms.as_ref().filter(|_| load_balancing.is_some()) {
        for metric in AlarmMetric::ALL {
            let (configured, threshold, what) = match metric {
                AlarmMetric::Target5xx => (
                    a.target_5xx_count as f64,
                    a.target_5xx_count as f64,
                    format!("more than {} HTTP 5xx answers", a.target_5xx_count),
                ),
                AlarmMetric::Target5xxRate => (
                    a.target_5xx_rate_percent,
                    a.target_5xx_rate_percent,
                    format!(
                        "more than {} % of the requests answered with HTTP 5xx",
                        a.target_5xx_rate_percent
                    ),
                ),
                AlarmMetric::ResponseTime => (
                    a.response_time_p99_ms as f64,
                    a.response_time_p99_ms as f64 / 1000.0,
                    format!("a p99 response time over {} ms", a.response_time_p99_ms),
                ),
                AlarmMetric::UnhealthyHosts => (
                    a.unhealthy_hosts as f64,
                    a.unhealthy_hosts as f64,
                    format!("{} or more unhealthy targets", a.unhealthy_hosts),
                ),
            };
            if configured <= 0.0 {
                continue;
            }
            for &target in strategy.alarm_targets() {
                let group = match target {
                    AlarmTarget::Blue => &names.blue_target_group,
                    AlarmTarget::Green => &names.green_target_group,
                };
                alarms.push(AlarmDef {
                    name: names.alarm(metric, target).to_owned(),
                    metric,
                    target,
                    metric_name: metric.metric_name(),
                    statistic: metric.statistic(),
                    expression: metric.expression(),
                    threshold,
                    comparison: metric.comparison(),
                    period: a.period,
                    evaluation_periods: a.evaluation_periods,
                    description: format!(
                        "{}: {what} on target group {group} in {} of {} periods of {} s; stops a \
                         roll-out of the service.",
                        names.ecs_service, a.evaluation_periods, a.evaluation_periods, a.period
                    ),
                });
            }
        }
    }
    let mut alarm_names: Vec<String> = alarms.iter().map(|a| a.name.clone()).collect();
    if let Some(a) = &spec.alarms {
        alarm_names.extend(a.names.iter().cloned());
    }

    let ecs = &spec.ecs_deployment;
    let mut ecs_service = ecs_service;
    ecs_service.deployment = strategy
        .ecs_strategy()
        .map(|ecs_strategy| EcsDeploymentDef {
            strategy: ecs_strategy,
            bake_time_minutes: strategy
                .ecs_shifts_traffic()
                .then_some(ecs.bake_time_minutes),
            linear: (strategy == DeploymentStrategy::Linear)
                .then_some((ecs.linear_step_percent, ecs.linear_step_minutes)),
            canary: (strategy == DeploymentStrategy::Canary)
                .then_some((ecs.canary_percent, ecs.canary_minutes)),
            // Blue/green strategies run the new tasks beside the old: AWS's defaults apply.
            minimum_healthy_percent: if strategy == DeploymentStrategy::Rolling {
                ecs.minimum_healthy_percent
            } else {
                super::defaults::MINIMUM_HEALTHY_PERCENT
            },
            maximum_percent: if strategy == DeploymentStrategy::Rolling {
                ecs.maximum_percent
            } else {
                super::defaults::MAXIMUM_PERCENT
            },
            circuit_breaker: strategy == DeploymentStrategy::Rolling && ecs.circuit_breaker,
            alarm_names: alarm_names.clone(),
            hooks: if strategy.ecs_shifts_traffic() {
                ECS_HOOK_STAGES
                    .iter()
                    .filter_map(|stage| {
                        ecs.hooks
                            .get(*stage)
                            .map(|arn| ((*stage).to_owned(), arn.clone()))
                    })
                    .collect()
            } else {
                Vec::new()
            },
            advanced: strategy.ecs_shifts_traffic(),
        });

    let deployment_group = DeploymentGroupDef {
        application: names.codedeploy_application.clone(),
        name: names.deployment_group.clone(),
        deployment_config: spec.blue_green.deployment_config.clone(),
        termination_wait_minutes: spec.blue_green.termination_wait_minutes,
        auto_rollback_events: spec.blue_green.auto_rollback_events.clone(),
        production_listener_arn: load_balancing
            .as_ref()
            .map(|l| l.production_rule.listener_arn.clone()),
        test_listener_arn: load_balancing
            .as_ref()
            .and_then(|l| l.test_rule.as_ref())
            .map(|r| r.listener_arn.clone()),
        cluster: cluster_name(&spec.cluster).to_owned(),
        service: names.ecs_service.clone(),
        alarm_names,
        test_traffic_wait_minutes: spec.blue_green.test_traffic_wait_minutes,
        ready_action: if spec.blue_green.approve_traffic {
            "STOP_DEPLOYMENT"
        } else {
            "CONTINUE_DEPLOYMENT"
        },
        hooks: crate::service::schema::APPSPEC_HOOK_EVENTS
            .iter()
            .filter_map(|e| {
                spec.blue_green
                    .hooks
                    .get(*e)
                    .map(|arn| ((*e).to_owned(), arn.clone()))
            })
            .collect(),
    };

    let scalable_target = spec.autoscaling.as_ref().map(|a| ScalableTargetDef {
        resource_id: format!(
            "service/{}/{}",
            cluster_name(&spec.cluster),
            names.ecs_service
        ),
        min: a.min,
        max: a.max,
    });
    let mut scaling_policies = Vec::new();
    if let Some(a) = &spec.autoscaling {
        for (metric, target, name) in [
            (
                ScalingMetric::Requests,
                a.requests_per_target,
                &names.requests_policy,
            ),
            (ScalingMetric::Cpu, a.cpu_target, &names.cpu_policy),
            (ScalingMetric::Memory, a.memory_target, &names.memory_policy),
        ] {
            if let Some(target_value) = target {
                scaling_policies.push(ScalingPolicyDef {
                    name: name.clone(),
                    metric,
                    target_value,
                    scale_in_cooldown: a.scale_in_cooldown,
                    scale_out_cooldown: a.scale_out_cooldown,
                });
            }
        }
    }

    Expansion {
        log_group: LogGroupDef {
            name: c.log.group.clone(),
            retention_days: c.log.retention_days,
        },
        execution_role,
        task_role,
        codedeploy_role,
        infrastructure_role,
        task_definition,
        load_balancing,
        discovery,
        ecs_service,
        codedeploy_application: names.codedeploy_application.clone(),
        deployment_group,
        scalable_target,
        scaling_policies,
        alarms,
        placement: placement.clone(),
        tags,
        strategy,
        names,
    }
}

/// What decides which children exist and their names: enough to list them at plan time, before
/// every setting is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub names: ChildNames,
    pub log_group: String,
    pub strategy: DeploymentStrategy,
    /// Whether the service sits behind a load balancer (target groups and rules).
    pub load_balanced: bool,
    pub discovery: bool,
    pub autoscaling: bool,
    pub scaling_metrics: Vec<ScalingMetric>,
    /// The alarms the service creates (each on both target groups).
    pub alarm_metrics: Vec<AlarmMetric>,
}

impl Shape {
    /// The children and their dependencies, in an order that respects them.
    pub fn children(&self) -> Vec<Child> {
        use ChildKey::*;
        let n = &self.names;
        let child = |key, name: &str, depends_on: Vec<ChildKey>| Child {
            key,
            name: name.to_owned(),
            depends_on,
        };
        let pair = self.load_balanced && self.strategy.shifts_traffic();
        let groups = match (self.load_balanced, pair) {
            (false, _) => vec![],
            (true, true) => vec![BlueTargetGroup, GreenTargetGroup],
            (true, false) => vec![BlueTargetGroup],
        };
        let mut out = vec![
            child(LogGroup, &self.log_group, vec![]),
            child(ExecutionRole, &n.execution_role, vec![]),
            child(TaskRole, &n.task_role, vec![]),
        ];
        if self.load_balanced {
            out.push(child(BlueTargetGroup, &n.blue_target_group, vec![]));
        }
        if pair {
            out.push(child(GreenTargetGroup, &n.green_target_group, vec![]));
        }
        if self.discovery {
            out.push(child(DiscoveryService, &n.discovery_service, vec![]));
        }
        if self.strategy.ecs_shifts_traffic() {
            out.push(child(InfrastructureRole, &n.infrastructure_role, vec![]));
        }
        out.push(child(
            TaskDefinition,
            &n.task_family,
            vec![LogGroup, ExecutionRole, TaskRole],
        ));
        // Rules forward to whichever group is live, so both groups must outlive them.
        if self.load_balanced {
            out.push(child(
                ProductionListenerRule,
                &format!("{} (production listener)", n.ecs_service),
                groups.clone(),
            ));
        }
        if pair {
            out.push(child(
                TestListenerRule,
                &format!("{} (test listener)", n.ecs_service),
                groups.clone(),
            ));
        }
        let mut alarms = Vec::new();
        for metric in self.alarm_metrics.iter().filter(|_| self.load_balanced) {
            for &target in self.strategy.alarm_targets() {
                let key = Alarm(*metric, target);
                out.push(child(
                    key,
                    n.alarm(*metric, target),
                    vec![target.target_group()],
                ));
                alarms.push(key);
            }
        }
        // Both target groups: the service is deleted before either (it routes to green after a
        // deployment).
        // The roles too: the service's tasks need their policies in place when they start.
        let mut service_deps = vec![TaskDefinition, ExecutionRole, TaskRole];
        service_deps.extend(groups.iter().copied());
        if self.load_balanced {
            service_deps.push(ProductionListenerRule);
        }
        if pair {
            service_deps.push(TestListenerRule);
        }
        if self.discovery {
            service_deps.push(DiscoveryService);
        }
        if !self.strategy.uses_codedeploy() {
            // ECS watches the alarms from the service's first deployment on.
            service_deps.extend(alarms.iter().copied());
        }
        if self.strategy.ecs_shifts_traffic() {
            service_deps.push(InfrastructureRole);
        }
        out.push(child(EcsService, &n.ecs_service, service_deps));
        if self.strategy.uses_codedeploy() {
            out.push(child(CodeDeployRole, &n.codedeploy_role, vec![]));
            out.push(child(
                CodeDeployApplication,
                &n.codedeploy_application,
                vec![],
            ));
            out.push(child(
                DeploymentGroup,
                &n.deployment_group,
                [
                    vec![
                        CodeDeployApplication,
                        CodeDeployRole,
                        EcsService,
                        GreenTargetGroup,
                    ],
                    alarms,
                ]
                .concat(),
            ));
        }
        if self.autoscaling {
            out.push(child(
                ScalableTarget,
                &format!("service/{}", n.ecs_service),
                vec![EcsService],
            ));
            for metric in &self.scaling_metrics {
                let name = match metric {
                    ScalingMetric::Requests => &n.requests_policy,
                    ScalingMetric::Cpu => &n.cpu_policy,
                    ScalingMetric::Memory => &n.memory_policy,
                };
                out.push(child(ScalingPolicy(*metric), name, vec![ScalableTarget]));
            }
        }
        out
    }
}

impl Expansion {
    pub fn shape(&self) -> Shape {
        Shape {
            names: self.names.clone(),
            log_group: self.log_group.name.clone(),
            strategy: self.strategy,
            load_balanced: self.load_balancing.is_some(),
            discovery: self.discovery.is_some(),
            autoscaling: self.scalable_target.is_some(),
            scaling_metrics: self.scaling_policies.iter().map(|p| p.metric).collect(),
            alarm_metrics: AlarmMetric::ALL
                .into_iter()
                .filter(|m| self.alarms.iter().any(|a| a.metric == *m))
                .collect(),
        }
    }

    pub fn children(&self) -> Vec<Child> {
        self.shape().children()
    }

    /// The blue or green target group's settings; `None` without a load balancer.
    pub fn target_group(&self, key: ChildKey) -> Option<&TargetGroupDef> {
        let lb = self.load_balancing.as_ref()?;
        match key {
            ChildKey::BlueTargetGroup => Some(&lb.blue_target_group),
            ChildKey::GreenTargetGroup => Some(&lb.green_target_group),
            _ => None,
        }
    }

    /// The production or test listener rule's settings; `None` without a load balancer.
    pub fn listener_rule(&self, key: ChildKey) -> Option<&ListenerRuleDef> {
        let lb = self.load_balancing.as_ref()?;
        match key {
            ChildKey::ProductionListenerRule => Some(&lb.production_rule),
            ChildKey::TestListenerRule => lb.test_rule.as_ref(),
            _ => None,
        }
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

    #[test]
    fn resource_label_joins_load_balancer_and_target_group() {
        assert_eq!(
            alb_resource_label(
                "app/edge/50dc6c495c0c9188",
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/checkout-api-blue/943f017f100becff"
            )
            .as_deref(),
            Some("app/edge/50dc6c495c0c9188/targetgroup/checkout-api-blue/943f017f100becff")
        );
        assert_eq!(alb_resource_label("app/x/y", "not-an-arn"), None);
    }

    #[test]
    fn every_child_key_is_listed_once() {
        let all: std::collections::BTreeSet<ChildKey> = ChildKey::ALL.into_iter().collect();
        assert_eq!(all.len(), ChildKey::ALL.len(), "no key twice");
        for metric in AlarmMetric::ALL {
            for target in AlarmTarget::ALL {
                assert!(all.contains(&ChildKey::Alarm(metric, target)));
            }
        }
        for metric in ScalingMetric::ALL {
            assert!(all.contains(&ChildKey::ScalingPolicy(metric)));
        }
    }

    #[test]
    fn placement_comes_from_the_listener_arn() {
        let p = Placement::from_listener_arn(
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2",
        )
        .unwrap();
        assert_eq!(p.region, "eu-west-1");
        assert_eq!(p.account_id, "123456789012");
        assert_eq!(p.load_balancer, "app/edge/50dc6c495c0c9188");
        assert!(Placement::from_listener_arn("arn:aws:ecs:eu-west-1:1:cluster/x").is_none());
        assert!(Placement::from_listener_arn("nonsense").is_none());
        let worker =
            Placement::from_arn("arn:aws:ecs:eu-west-1:123456789012:service/prod/worker").unwrap();
        assert_eq!(
            (
                worker.region.as_str(),
                worker.account_id.as_str(),
                worker.load_balancer.as_str()
            ),
            ("eu-west-1", "123456789012", "")
        );
    }
}
