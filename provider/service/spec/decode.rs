//! Decoding: `ServiceSpec::from_value` reads a planned or stored resource value into the typed
//! spec, with a path to the attribute in every error.

use std::collections::BTreeMap;

use crate::value::{AttributePath, Value};

use super::*;
use crate::service::defaults as d;
use crate::service::expand::DeploymentStrategy;
use crate::service::schema::{FIRELENS_TYPES, LOG_DRIVERS};

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
                stream_prefix: l.str("stream_prefix", Some(d::LOG_STREAM_PREFIX))?,
                multiline_pattern: l.opt_str("multiline_pattern")?,
                datetime_format: l.opt_str("datetime_format")?,
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
                circuit_breaker_threshold: CircuitBreakerThreshold {
                    kind: e.str(
                        "circuit_breaker_threshold_type",
                        Some(d::CIRCUIT_BREAKER_THRESHOLD_TYPE),
                    )?,
                    value: e.int(
                        "circuit_breaker_threshold",
                        Some(d::CIRCUIT_BREAKER_THRESHOLD),
                    )?,
                    reset_on_healthy_task: e.bool(
                        "circuit_breaker_reset_on_healthy_task",
                        d::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK,
                    )?,
                },
                hooks: e.string_map("hooks")?,
                pause_at: e.strings("pause_at", &[])?,
                pause_timeout_minutes: e
                    .int("pause_timeout_minutes", Some(d::PAUSE_TIMEOUT_MINUTES))?,
                pause_timeout_action: e
                    .str("pause_timeout_action", Some(d::PAUSE_TIMEOUT_ACTION))?,
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
                    high_resolution: a.bool("high_resolution", d::HIGH_RESOLUTION_SCALING)?,
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
                let production_listener_arn = lb.str("production_listener_arn", None)?;
                // The checks refuse what is neither an ALB nor an NLB listener.
                let kind = LoadBalancerKind::of_listener(&production_listener_arn)
                    .unwrap_or(LoadBalancerKind::Application);
                let health_check = match lb.block("health_check")? {
                    Some(h) => TargetHealthCheck {
                        protocol: h.str("protocol", Some(d::health_check_protocol(kind)))?,
                        path: h.str("path", Some(d::TG_HEALTH_PATH))?,
                        matcher: h.str("matcher", Some(d::TG_HEALTH_MATCHER))?,
                        interval: h.int("interval", Some(d::TG_HEALTH_INTERVAL))?,
                        timeout: h.int("timeout", Some(d::TG_HEALTH_TIMEOUT))?,
                        healthy_threshold: h
                            .int("healthy_threshold", Some(d::TG_HEALTHY_THRESHOLD))?,
                        unhealthy_threshold: h
                            .int("unhealthy_threshold", Some(d::TG_UNHEALTHY_THRESHOLD))?,
                    },
                    None => TargetHealthCheck {
                        protocol: d::health_check_protocol(kind).to_owned(),
                        ..TargetHealthCheck::default()
                    },
                };
                Ok::<_, SpecError>(LoadBalancerSpec {
                    kind,
                    target_protocol: lb.str("target_protocol", Some(d::target_protocol(kind)))?,
                    vpc_id: lb.str("vpc_id", None)?,
                    production_listener_arn,
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
