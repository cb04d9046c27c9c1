//! `ServiceSpec`: the typed desired state of one service, decoded from a planned or stored
//! value in which the provider has already filled every default.

use std::collections::BTreeMap;

use crate::value::{AttributePath, Value};

use super::defaults as d;
use super::expand::DeploymentStrategy;
use super::names::derived_rule_priority;
use super::schema::{FIRELENS_TYPES, LOG_DRIVERS};

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
    /// ECS lifecycle hooks: stage → Lambda function ARN.
    pub hooks: BTreeMap<String, String>,
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
}

impl LoadBalancerSpec {
    pub fn rule_priority(&self, service_name: &str) -> i64 {
        self.listener_rule_priority
            .unwrap_or_else(|| derived_rule_priority(service_name))
    }
}

/// Reads typed fields out of an object value, remembering where it is for errors.
struct Reader<'a> {
    value: &'a Value,
    path: AttributePath,
}

impl<'a> Reader<'a> {
    fn new(value: &'a Value, path: AttributePath) -> Self {
        Self { value, path }
    }

    fn err(&self, name: &str, message: &str) -> SpecError {
        SpecError {
            path: self.path.join_attr(name),
            message: message.to_owned(),
        }
    }

    fn known(&self, name: &str) -> Result<Option<&'a Value>, SpecError> {
        match self.value.get(name) {
            Value::Null => Ok(None),
            Value::Unknown(_) => Err(self.err(name, "value is not known yet")),
            v => Ok(Some(v)),
        }
    }

    fn opt_str(&self, name: &str) -> Result<Option<String>, SpecError> {
        match self.known(name)? {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| self.err(name, "expected a string")),
        }
    }

    fn str(&self, name: &str, default: Option<&str>) -> Result<String, SpecError> {
        match (self.opt_str(name)?, default) {
            (Some(s), _) => Ok(s),
            (None, Some(d)) => Ok(d.to_owned()),
            (None, None) => Err(self.err(name, "value is required")),
        }
    }

    fn opt_json(&self, name: &str) -> Result<Option<serde_json::Value>, SpecError> {
        self.opt_str(name)?
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|e| self.err(name, &format!("not valid JSON ({e})")))
            })
            .transpose()
    }

    fn opt_f64(&self, name: &str) -> Result<Option<f64>, SpecError> {
        match self.known(name)? {
            None => Ok(None),
            Some(v) => v
                .as_number()
                .map(|n| Some(n.as_f64()))
                .ok_or_else(|| self.err(name, "expected a number")),
        }
    }

    fn opt_int(&self, name: &str) -> Result<Option<i64>, SpecError> {
        match self.known(name)? {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.err(name, "expected a whole number")),
        }
    }

    fn int(&self, name: &str, default: Option<i64>) -> Result<i64, SpecError> {
        match (self.opt_int(name)?, default) {
            (Some(n), _) => Ok(n),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(self.err(name, "value is required")),
        }
    }

    fn bool(&self, name: &str, default: bool) -> Result<bool, SpecError> {
        match self.known(name)? {
            None => Ok(default),
            Some(v) => v.as_bool().ok_or_else(|| self.err(name, "expected a bool")),
        }
    }

    fn opt_strings(&self, name: &str) -> Result<Option<Vec<String>>, SpecError> {
        let Some(v) = self.known(name)? else {
            return Ok(None);
        };
        let items = v
            .elements()
            .ok_or_else(|| self.err(name, "expected a list"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, e)| match e {
                Value::String(s) => Ok(s.clone()),
                Value::Unknown(_) => Err(SpecError {
                    path: self.path.join_attr(name).join_index(i),
                    message: "value is not known yet".into(),
                }),
                _ => Err(SpecError {
                    path: self.path.join_attr(name).join_index(i),
                    message: "expected a string".into(),
                }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn strings(&self, name: &str, default: &[&str]) -> Result<Vec<String>, SpecError> {
        Ok(self
            .opt_strings(name)?
            .unwrap_or_else(|| default.iter().map(|s| (*s).to_owned()).collect()))
    }

    fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>, SpecError> {
        let Some(v) = self.known(name)? else {
            return Ok(BTreeMap::new());
        };
        let entries = v
            .entries()
            .ok_or_else(|| self.err(name, "expected a map"))?;
        entries
            .iter()
            .map(|(k, e)| match e {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(SpecError {
                    path: self.path.join_attr(name).join_key(k),
                    message: "expected a known string".into(),
                }),
            })
            .collect()
    }

    fn block(&self, name: &str) -> Result<Option<Reader<'a>>, SpecError> {
        Ok(self
            .known(name)?
            .map(|v| Reader::new(v, self.path.join_attr(name))))
    }

    fn required_block(&self, name: &str) -> Result<Reader<'a>, SpecError> {
        self.block(name)?
            .ok_or_else(|| self.err(name, "block is required"))
    }

    /// The blocks of a list block, each with its path; none when the list is null.
    fn list(&self, name: &str) -> Result<Vec<Reader<'a>>, SpecError> {
        let Some(v) = self.known(name)? else {
            return Ok(Vec::new());
        };
        let items = v
            .elements()
            .ok_or_else(|| self.err(name, "expected a list"))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, item)| Reader::new(item, self.path.join_attr(name).join_index(i)))
            .collect())
    }
}

/// The settings a container block shares with every other: the application's and a sidecar's.
fn container_settings(c: &Reader) -> Result<ContainerSettings, SpecError> {
    let health_check = c
        .block("health_check")?
        .map(|h| {
            Ok::<_, SpecError>(ContainerHealthCheck {
                command: h.strings("command", &[])?,
                interval: h.int("interval", Some(d::CONTAINER_HEALTH_INTERVAL))?,
                timeout: h.int("timeout", Some(d::CONTAINER_HEALTH_TIMEOUT))?,
                retries: h.int("retries", Some(d::CONTAINER_HEALTH_RETRIES))?,
                start_period: h.int("start_period", Some(d::CONTAINER_HEALTH_START_PERIOD))?,
            })
        })
        .transpose()?;
    Ok(ContainerSettings {
        image: c.str("image", None)?,
        command: c.opt_strings("command")?,
        entry_point: c.opt_strings("entry_point")?,
        environment: c.string_map("environment")?,
        secrets: c.string_map("secrets")?,
        cpu: c.opt_int("cpu")?,
        memory: c.opt_int("memory")?,
        memory_reservation: c.opt_int("memory_reservation")?,
        user: c.opt_str("user")?,
        depends_on: c.string_map("depends_on")?,
        init_process_enabled: c.bool("init_process_enabled", d::INIT_PROCESS_ENABLED)?,
        readonly_root_filesystem: c
            .bool("readonly_root_filesystem", d::READONLY_ROOT_FILESYSTEM)?,
        drop_capabilities: c.strings("drop_capabilities", &[])?,
        add_capabilities: c.strings("add_capabilities", &[])?,
        health_check,
        mount_points: c
            .list("mount_point")?
            .iter()
            .map(|m| {
                Ok(MountPoint {
                    source_volume: m.str("source_volume", None)?,
                    container_path: m.str("container_path", None)?,
                    read_only: m.bool("read_only", false)?,
                })
            })
            .collect::<Result<_, SpecError>>()?,
        ulimits: c
            .list("ulimit")?
            .iter()
            .map(|u| {
                Ok(Ulimit {
                    name: u.str("name", None)?,
                    soft_limit: u.int("soft_limit", None)?,
                    hard_limit: u.int("hard_limit", None)?,
                })
            })
            .collect::<Result<_, SpecError>>()?,
    })
}

fn sidecar(s: &Reader) -> Result<SidecarSpec, SpecError> {
    let log = s.block("log")?;
    let firelens = s
        .block("firelens")?
        .map(|f| {
            Ok::<_, SpecError>(FirelensSpec {
                kind: f.str("type", Some(FIRELENS_TYPES[0]))?,
                options: f.string_map("options")?,
                config_file_type: f.opt_str("config_file_type")?,
                config_file_value: f.opt_str("config_file_value")?,
            })
        })
        .transpose()?;
    Ok(SidecarSpec {
        name: s.str("name", None)?,
        essential: s.bool("essential", true)?,
        stop_timeout: s.opt_int("stop_timeout")?,
        port_mappings: s
            .list("port_mapping")?
            .iter()
            .map(|p| {
                Ok((
                    p.int("container_port", None)?,
                    p.str("protocol", Some("tcp"))?,
                ))
            })
            .collect::<Result<_, SpecError>>()?,
        log_driver: match &log {
            Some(l) => l.str("driver", Some(LOG_DRIVERS[0]))?,
            None => LOG_DRIVERS[0].to_owned(),
        },
        log_options: match &log {
            Some(l) => l.string_map("options")?,
            None => BTreeMap::new(),
        },
        firelens,
        settings: container_settings(s)?,
    })
}

fn volume(v: &Reader) -> Result<VolumeSpec, SpecError> {
    Ok(VolumeSpec {
        name: v.str("name", None)?,
        efs: v
            .block("efs")?
            .map(|e| {
                Ok::<_, SpecError>(EfsSpec {
                    file_system_id: e.str("file_system_id", None)?,
                    root_directory: e.opt_str("root_directory")?,
                    access_point_id: e.opt_str("access_point_id")?,
                    transit_encryption: e.bool("transit_encryption", true)?,
                    iam_authorization: e.bool("iam_authorization", true)?,
                })
            })
            .transpose()?,
    })
}

impl ServiceSpec {
    /// Decodes a wholly known resource value; absent optional settings take their defaults.
    pub fn from_value(value: &Value) -> Result<ServiceSpec, SpecError> {
        let r = Reader::new(value, AttributePath::root());
        let name = r.str("name", None)?;
        let task = r.required_block("task")?;
        let c = r.required_block("container")?;
        let n = r.required_block("network")?;
        let lb = r.block("load_balancer")?;
        let log = match c.block("log")? {
            Some(l) => LogSpec {
                group: l.str("group", Some(&format!("/ecs/{name}")))?,
                retention_days: l.int("retention_days", Some(d::LOG_RETENTION_DAYS))?,
                mode: l.str("mode", Some(d::LOG_MODE))?,
                max_buffer_size: l.str("max_buffer_size", Some(d::LOG_MAX_BUFFER_SIZE))?,
                driver: l.str("driver", Some(LOG_DRIVERS[0]))?,
                options: l.string_map("options")?,
            },
            None => LogSpec::default_for(&name),
        };
        let blue_green = match r.block("blue_green")? {
            Some(b) => BlueGreenSpec {
                deployment_config: b.str("deployment_config", Some(d::DEPLOYMENT_CONFIG))?,
                termination_wait_minutes: b.int(
                    "termination_wait_minutes",
                    Some(d::TERMINATION_WAIT_MINUTES),
                )?,
                auto_rollback_events: b.strings("auto_rollback_events", d::AUTO_ROLLBACK_EVENTS)?,
                test_traffic_wait_minutes: b.int(
                    "test_traffic_wait_minutes",
                    Some(d::TEST_TRAFFIC_WAIT_MINUTES),
                )?,
                approve_traffic: b.bool("approve_traffic", false)?,
                hooks: b.string_map("hooks")?,
            },
            None => BlueGreenSpec::default(),
        };
        let ecs_deployment = match r.block("ecs_deployment")? {
            Some(e) => EcsDeploymentSpec {
                bake_time_minutes: e.int("bake_time_minutes", Some(d::BAKE_TIME_MINUTES))?,
                linear_step_percent: e
                    .opt_f64("linear_step_percent")?
                    .unwrap_or(d::LINEAR_STEP_PERCENT),
                linear_step_minutes: e.int("linear_step_minutes", Some(d::LINEAR_STEP_MINUTES))?,
                canary_percent: e.opt_f64("canary_percent")?.unwrap_or(d::CANARY_PERCENT),
                canary_minutes: e.int("canary_minutes", Some(d::CANARY_MINUTES))?,
                minimum_healthy_percent: e
                    .int("minimum_healthy_percent", Some(d::MINIMUM_HEALTHY_PERCENT))?,
                maximum_percent: e.int("maximum_percent", Some(d::MAXIMUM_PERCENT))?,
                circuit_breaker: e.bool("circuit_breaker", d::CIRCUIT_BREAKER)?,
                hooks: e.string_map("hooks")?,
            },
            None => EcsDeploymentSpec::default(),
        };
        let strategy_name = r.str("deployment_strategy", Some(d::DEPLOYMENT_STRATEGY))?;
        let deployment_strategy =
            DeploymentStrategy::from_name(&strategy_name).ok_or_else(|| {
                r.err(
                    "deployment_strategy",
                    &format!(
                        "{strategy_name:?} is not a deployment strategy; expected one of {}",
                        DeploymentStrategy::NAMES.join(", ")
                    ),
                )
            })?;
        let service_discovery = r
            .block("service_discovery")?
            .map(|s| {
                Ok::<_, SpecError>(DiscoverySpec {
                    namespace_id: s.str("namespace_id", None)?,
                    dns_ttl: s.int("dns_ttl", Some(d::DNS_TTL))?,
                    record_type: s.str("record_type", Some(d::DNS_RECORD_TYPE))?,
                    routing_policy: s.str("routing_policy", Some(d::DNS_ROUTING_POLICY))?,
                })
            })
            .transpose()?;
        let mut capacity_provider_strategy = Vec::new();
        if let Some(items) = r.known("capacity_provider_strategy")? {
            for (i, item) in items.elements().unwrap_or_default().iter().enumerate() {
                let it = Reader::new(
                    item,
                    AttributePath::attr("capacity_provider_strategy").join_index(i),
                );
                capacity_provider_strategy.push(CapacityProviderItem {
                    capacity_provider: it.str("capacity_provider", None)?,
                    base: it.int("base", Some(d::CAPACITY_BASE))?,
                    weight: it.int("weight", Some(d::CAPACITY_WEIGHT))?,
                });
            }
        }
        let autoscaling = r
            .block("autoscaling")?
            .map(|a| {
                Ok::<_, SpecError>(AutoscalingSpec {
                    min: a.int("min", None)?,
                    max: a.int("max", None)?,
                    requests_per_target: a.opt_f64("requests_per_target")?,
                    cpu_target: a.opt_f64("cpu_target")?,
                    memory_target: a.opt_f64("memory_target")?,
                    scale_in_cooldown: a.int("scale_in_cooldown", Some(d::SCALE_IN_COOLDOWN))?,
                    scale_out_cooldown: a.int("scale_out_cooldown", Some(d::SCALE_OUT_COOLDOWN))?,
                })
            })
            .transpose()?;
        let alarms = r
            .block("alarms")?
            .map(|a| {
                Ok::<_, SpecError>(AlarmsSpec {
                    target_5xx_count: a.int("target_5xx_count", Some(d::ALARM_TARGET_5XX_COUNT))?,
                    target_5xx_rate_percent: a
                        .opt_f64("target_5xx_rate_percent")?
                        .unwrap_or(d::ALARM_TARGET_5XX_RATE_PERCENT as f64),
                    response_time_p99_ms: a
                        .int("response_time_p99_ms", Some(d::ALARM_RESPONSE_TIME_P99_MS))?,
                    unhealthy_hosts: a.int("unhealthy_hosts", Some(d::ALARM_UNHEALTHY_HOSTS))?,
                    period: a.int("period", Some(d::ALARM_PERIOD))?,
                    evaluation_periods: a
                        .int("evaluation_periods", Some(d::ALARM_EVALUATION_PERIODS))?,
                    names: a.strings("names", &[])?,
                })
            })
            .transpose()?;
        let load_balancer = lb
            .map(|lb| {
                let health_check = match lb.block("health_check")? {
                    Some(h) => TargetHealthCheck {
                        path: h.str("path", Some(d::TG_HEALTH_PATH))?,
                        matcher: h.str("matcher", Some(d::TG_HEALTH_MATCHER))?,
                        interval: h.int("interval", Some(d::TG_HEALTH_INTERVAL))?,
                        timeout: h.int("timeout", Some(d::TG_HEALTH_TIMEOUT))?,
                        healthy_threshold: h
                            .int("healthy_threshold", Some(d::TG_HEALTHY_THRESHOLD))?,
                        unhealthy_threshold: h
                            .int("unhealthy_threshold", Some(d::TG_UNHEALTHY_THRESHOLD))?,
                    },
                    None => TargetHealthCheck::default(),
                };
                Ok::<_, SpecError>(LoadBalancerSpec {
                    vpc_id: lb.str("vpc_id", None)?,
                    production_listener_arn: lb.str("production_listener_arn", None)?,
                    test_listener_arn: lb.opt_str("test_listener_arn")?,
                    listener_rule_priority: lb.opt_int("listener_rule_priority")?,
                    path_patterns: lb.strings("path_patterns", d::LISTENER_PATH_PATTERNS)?,
                    host_headers: lb.strings("host_headers", &[])?,
                    deregistration_delay: lb
                        .int("deregistration_delay", Some(d::DEREGISTRATION_DELAY))?,
                    health_check_grace_period: lb.int(
                        "health_check_grace_period",
                        Some(d::HEALTH_CHECK_GRACE_PERIOD),
                    )?,
                    health_check,
                })
            })
            .transpose()?;
        Ok(ServiceSpec {
            cluster: r.str("cluster", None)?,
            desired_count: r.int("desired_count", Some(d::DESIRED_COUNT))?,
            platform_version: r.str("platform_version", Some(d::PLATFORM_VERSION))?,
            wait_for_deployment: r.bool("wait_for_deployment", d::WAIT_FOR_DEPLOYMENT)?,
            require_immutable_image: r.bool("require_immutable_image", false)?,
            task_role_policy: r.opt_json("task_role_policy_json")?,
            tags: r.string_map("tags")?,
            task: TaskSpec {
                cpu: task.int("cpu", None)?,
                memory: task.int("memory", None)?,
                cpu_architecture: task.str("cpu_architecture", Some(d::CPU_ARCHITECTURE))?,
                ephemeral_storage_gib: task
                    .int("ephemeral_storage_gib", Some(d::EPHEMERAL_STORAGE_GIB))?,
            },
            container: ContainerSpec {
                name: c.str("name", None)?,
                port: c.opt_int("port")?,
                stop_timeout: c.int("stop_timeout", Some(d::STOP_TIMEOUT))?,
                drain_timeout: c.opt_int("drain_timeout")?,
                log,
                settings: container_settings(&c)?,
            },
            sidecars: r
                .list("sidecar")?
                .iter()
                .map(sidecar)
                .collect::<Result<_, _>>()?,
            volumes: r
                .list("volume")?
                .iter()
                .map(volume)
                .collect::<Result<_, _>>()?,
            enable_execute_command: r.bool("enable_execute_command", false)?,
            task_role_managed_policy_arns: r.strings("task_role_managed_policy_arns", &[])?,
            network: NetworkSpec {
                subnets: n.strings("subnets", &[])?,
                security_groups: n.strings("security_groups", &[])?,
                assign_public_ip: n.bool("assign_public_ip", d::ASSIGN_PUBLIC_IP)?,
            },
            load_balancer,
            deployment_strategy,
            blue_green,
            ecs_deployment,
            service_discovery,
            capacity_provider_strategy,
            autoscaling,
            alarms,
            name,
        })
    }
}

impl LogSpec {
    pub fn default_for(name: &str) -> LogSpec {
        LogSpec {
            group: format!("/ecs/{name}"),
            retention_days: d::LOG_RETENTION_DAYS,
            mode: d::LOG_MODE.to_owned(),
            max_buffer_size: d::LOG_MAX_BUFFER_SIZE.to_owned(),
            driver: LOG_DRIVERS[0].to_owned(),
            options: BTreeMap::new(),
        }
    }
}

impl Default for TargetHealthCheck {
    fn default() -> Self {
        TargetHealthCheck {
            path: d::TG_HEALTH_PATH.to_owned(),
            matcher: d::TG_HEALTH_MATCHER.to_owned(),
            interval: d::TG_HEALTH_INTERVAL,
            timeout: d::TG_HEALTH_TIMEOUT,
            healthy_threshold: d::TG_HEALTHY_THRESHOLD,
            unhealthy_threshold: d::TG_UNHEALTHY_THRESHOLD,
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
            hooks: BTreeMap::new(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn service(policy: Value) -> Value {
        Value::object([
            ("name", Value::string("svc")),
            ("cluster", Value::string("prod")),
            ("task_role_policy_json", policy),
            (
                "task",
                Value::object([("cpu", Value::int(256)), ("memory", Value::int(512))]),
            ),
            (
                "container",
                Value::object([
                    ("name", Value::string("app")),
                    ("image", Value::string("app:1")),
                    ("port", Value::int(8080)),
                ]),
            ),
            ("network", Value::object([])),
            (
                "load_balancer",
                Value::object([
                    ("vpc_id", Value::string("vpc-1")),
                    ("production_listener_arn", Value::string("p")),
                    ("test_listener_arn", Value::string("t")),
                ]),
            ),
        ])
    }

    #[test]
    fn a_task_role_policy_that_is_not_json_is_an_error_not_a_missing_policy() {
        let err = ServiceSpec::from_value(&service(Value::string("{\"Statement\": [")))
            .expect_err("not JSON");
        assert_eq!(err.path, AttributePath::attr("task_role_policy_json"));
        assert!(err.message.contains("not valid JSON"), "{err}");
        let spec = ServiceSpec::from_value(&service(Value::string(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        )))
        .expect("JSON");
        assert_eq!(
            spec.task_role_policy
                .as_ref()
                .map(|d| d["Statement"]["Action"].clone()),
            Some(serde_json::json!("s3:GetObject"))
        );
        let none = ServiceSpec::from_value(&service(Value::Null)).expect("no policy");
        assert_eq!(none.task_role_policy, None);
    }
}
