//! Production checks run at `tofu validate` and `tofu plan`, before any AWS call. Each rule
//! turns advice from shared/seeds/ (or a hard AWS limit) into an error or a warning at the
//! attribute it is about. A rule whose inputs are unknown does not run; it runs again when
//! they are known (plan during apply), so it never errors on an unknown.

use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

use super::defaults as d;
use super::schema::{DNS_RECORD_TYPES, one_of};

/// Fargate's CPU units and the memory sizes (MiB) each allows.
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

pub const VALID_CPU: &[i64] = &[256, 512, 1024, 2048, 4096, 8192, 16384];

/// Environment variable names that look like they hold a credential.
const CREDENTIAL_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// What the subnet capacity check needs to know about a subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInfo {
    pub id: String,
    pub availability_zone: String,
    pub free_ips: i64,
}

/// Blue/green runs the replacement tasks beside the original ones: each task needs an IP in
/// the subnets, twice over during a deployment.
pub fn subnet_capacity(subnets: &[SubnetInfo], desired_count: i64) -> Diagnostics {
    let mut out = Diagnostics::new();
    let at = AttributePath::attr("network").join_attr("subnets");
    let zones: std::collections::BTreeSet<&str> = subnets
        .iter()
        .map(|s| s.availability_zone.as_str())
        .collect();
    if zones.len() < 2 {
        out.push(
            Diagnostic::warning(
                "Subnets in fewer than two Availability Zones",
                format!(
                    "All task subnets are in {}: an outage of that zone takes the whole service down. Add a subnet in \
                     another Availability Zone.",
                    zones.iter().next().copied().unwrap_or("one zone")
                ),
            )
            .at(at.clone()),
        );
    }
    let free: i64 = subnets.iter().map(|s| s.free_ips).sum();
    let needed = desired_count.saturating_mul(2);
    if free < needed {
        out.push(
            Diagnostic::error(
                "Not enough free IP addresses for a blue/green deployment",
                format!(
                    "The subnets have {free} free IP addresses ({}), but a deployment of {desired_count} tasks briefly \
                     runs {needed} (the replacement set beside the original). Use larger or more subnets, or fewer tasks.",
                    subnets.iter().map(|s| format!("{}: {}", s.id, s.free_ips)).collect::<Vec<_>>().join(", ")
                ),
            )
            .at(at),
        );
    }
    out
}

/// One rule of the production checks, for the documentation.
pub struct Rule {
    pub id: &'static str,
    pub severity: &'static str,
    pub text: &'static str,
}

/// Every rule with its severity, as the resource's documentation lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "task-size",
        severity: "error",
        text: "`task.cpu`/`task.memory` must be one of Fargate's valid pairs; the error lists the valid memory values for the cpu",
    },
    Rule {
        id: "ephemeral-storage",
        severity: "error",
        text: "`task.ephemeral_storage_gib` between 21 and 200",
    },
    Rule {
        id: "stop-timeout",
        severity: "error",
        text: "`container.stop_timeout` at most 120 s (Fargate's maximum)",
    },
    Rule {
        id: "drain-vs-stop",
        severity: "error",
        text: "`container.drain_timeout` below `stop_timeout`, or the app is killed mid-drain",
    },
    Rule {
        id: "drain-vs-deregistration",
        severity: "warning",
        text: "`container.drain_timeout` at most `load_balancer.deregistration_delay`, or the ALB cuts connections still being served",
    },
    Rule {
        id: "deregistration-default",
        severity: "warning",
        text: "`load_balancer.deregistration_delay` left at AWS's 300 s: set it just above the drain time",
    },
    Rule {
        id: "grace-vs-start-period",
        severity: "warning",
        text: "`load_balancer.health_check_grace_period` at least the container health check's `start_period`",
    },
    Rule {
        id: "health-timeout",
        severity: "error",
        text: "target group health check `timeout` below its `interval`",
    },
    Rule {
        id: "mutable-image",
        severity: "warning (error with require_immutable_image)",
        text: "an image with a `:latest` tag or no tag; a digest is always fine",
    },
    Rule {
        id: "secret-arn",
        severity: "error",
        text: "`container.secrets` values must be Secrets Manager secret or SSM parameter ARNs",
    },
    Rule {
        id: "plaintext-credential",
        severity: "warning",
        text: "an `environment` variable whose name looks like a credential belongs in `secrets`",
    },
    Rule {
        id: "scaling-bounds",
        severity: "error",
        text: "`autoscaling.min` <= `desired_count` <= `autoscaling.max` (never clamped silently)",
    },
    Rule {
        id: "capacity-strategy",
        severity: "error",
        text: "capacity providers `FARGATE`/`FARGATE_SPOT`, at most one with a base, weights >= 0, at least one weight > 0",
    },
    Rule {
        id: "spot-arm64",
        severity: "error",
        text: "`FARGATE_SPOT` with `ARM64`: AWS documents that Fargate Spot supports only X86_64 Linux tasks",
    },
    Rule {
        id: "public-ip",
        severity: "warning",
        text: "`network.assign_public_ip = true`: tasks belong in private subnets",
    },
    Rule {
        id: "single-subnet",
        severity: "warning",
        text: "a single subnet means a single Availability Zone",
    },
    Rule {
        id: "name",
        severity: "error",
        text: "`name` usable by every child: a letter first, then letters, digits and hyphens, at most 63 characters, not ending in a hyphen",
    },
    Rule {
        id: "container-name",
        severity: "error",
        text: "`container.name`: letters, digits, hyphens and underscores, at most 255",
    },
    Rule {
        id: "health-path",
        severity: "error",
        text: "target group health check `path` starts with `/`",
    },
    Rule {
        id: "matcher",
        severity: "error",
        text: "`matcher` is HTTP codes (200–499) as a list (`200,204`) or a range (`200-299`)",
    },
    Rule {
        id: "port",
        severity: "error",
        text: "`container.port` between 1 and 65535",
    },
    Rule {
        id: "ranges",
        severity: "error",
        text: "AWS's bounds on intervals, timeouts, thresholds, retries, TTL, cooldowns, termination wait and rule priority",
    },
    Rule {
        id: "listener-arn",
        severity: "error",
        text: "listener ARNs must be ALB listener ARNs",
    },
];

/// Runs every rule over a (possibly partly unknown) configuration.
pub fn check(config: &Value) -> Diagnostics {
    let mut out = Checker {
        diags: Diagnostics::new(),
    };
    out.task_size(config);
    out.timers(config);
    out.image(config);
    out.secrets(config);
    out.capacity(config);
    out.network(config);
    out.names_and_values(config);
    out.diags
}

struct Checker {
    diags: Diagnostics,
}

fn path(parts: &[&str]) -> AttributePath {
    let mut p = AttributePath::root();
    for part in parts {
        p = p.join_attr(part);
    }
    p
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64()
}

fn num(v: &Value) -> Option<f64> {
    v.as_number().map(crate::value::Number::as_f64)
}

impl Checker {
    fn error(&mut self, at: AttributePath, summary: &str, detail: String) {
        self.diags.push(Diagnostic::error(summary, detail).at(at));
    }

    fn warning(&mut self, at: AttributePath, summary: &str, detail: String) {
        self.diags.push(Diagnostic::warning(summary, detail).at(at));
    }

    fn range(&mut self, v: &Value, at: &[&str], min: i64, max: i64, what: &str) {
        if let Some(n) = int(v)
            && !(min..=max).contains(&n)
        {
            self.error(
                path(at),
                &format!("Invalid {what}"),
                format!("{what} must be between {min} and {max}; got {n}."),
            );
        }
    }

    fn task_size(&mut self, c: &Value) {
        let task = c.get("task");
        let (cpu, memory) = (task.get("cpu"), task.get("memory"));
        if let Some(cpu) = int(cpu) {
            match valid_memory(cpu) {
                None => self.error(
                    path(&["task", "cpu"]),
                    "Invalid Fargate CPU",
                    format!(
                        "Fargate tasks take {} CPU units; got {cpu}.",
                        VALID_CPU
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Some(valid) => {
                    if let Some(mem) = int(memory)
                        && !valid.contains(&mem)
                    {
                        self.error(
                            path(&["task", "memory"]),
                            "Invalid Fargate task size",
                            format!(
                                "With cpu = {cpu}, Fargate allows memory = {} (MiB); got {mem}.",
                                valid
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
            }
        }
        self.range(
            task.get("ephemeral_storage_gib"),
            &["task", "ephemeral_storage_gib"],
            21,
            200,
            "ephemeral storage (GiB)",
        );
        if let Some(arch) = task.get("cpu_architecture").as_str()
            && arch != "X86_64"
            && arch != "ARM64"
        {
            self.error(
                path(&["task", "cpu_architecture"]),
                "Invalid CPU architecture",
                format!("cpu_architecture must be X86_64 or ARM64; got {arch:?}."),
            );
        }
    }

    fn timers(&mut self, c: &Value) {
        let container = c.get("container");
        let lb = c.get("load_balancer");
        let stop = int(container.get("stop_timeout"));
        let stop_known = !container.get("stop_timeout").is_unknown();
        let stop_or_default = stop.or(stop_known.then_some(d::STOP_TIMEOUT));
        if let Some(s) = stop
            && !(2..=120).contains(&s)
        {
            self.error(
                path(&["container", "stop_timeout"]),
                "Stop timeout outside Fargate's limits",
                format!("Fargate waits at most 120 s between SIGTERM and SIGKILL (and at least 2); got {s}."),
            );
        }
        let drain = int(container.get("drain_timeout"));
        if let (Some(drain), Some(stop)) = (drain, stop_or_default)
            && drain >= stop
        {
            self.error(
                path(&["container", "drain_timeout"]),
                "Drain time does not fit in the stop timeout",
                format!(
                    "The application needs {drain} s to drain, but ECS sends SIGKILL {stop} s after SIGTERM, cutting \
                     in-flight requests. Raise container.stop_timeout above {drain} (at most 120) or drain faster."
                ),
            );
        }
        let delay_value = lb.get("deregistration_delay");
        let delay = int(delay_value).or(delay_value.is_null().then_some(d::DEREGISTRATION_DELAY));
        if let (Some(drain), Some(delay)) = (drain, delay)
            && drain > delay
        {
            self.warning(
                path(&["container", "drain_timeout"]),
                "Load balancer stops waiting before the application has drained",
                format!(
                    "The target groups keep a deregistered task's connections for {delay} s (deregistration_delay), but \
                     the application needs {drain} s: the ALB cuts connections it is still serving."
                ),
            );
        }
        if delay_value.is_null() && !lb.is_null() && !lb.is_unknown() {
            let suggestion = drain.map(|d| d + 5).unwrap_or(30);
            self.warning(
                path(&["load_balancer", "deregistration_delay"]),
                "Deregistration delay left at AWS's 300 s default",
                format!(
                    "Every deployment and scale-in then waits 5 minutes per task while the ALB drains it. Set \
                     deregistration_delay just above the application's drain time, e.g. {suggestion}."
                ),
            );
        }
        let grace = lb.get("health_check_grace_period");
        let grace = int(grace).or(grace.is_null().then_some(d::HEALTH_CHECK_GRACE_PERIOD));
        if let (Some(grace), Some(start)) = (
            grace,
            int(container.get("health_check").get("start_period")),
        ) && grace < start
            && !lb.is_null()
        {
            self.warning(
                path(&["load_balancer", "health_check_grace_period"]),
                "Grace period shorter than the container's start period",
                format!(
                    "ECS starts acting on failed load balancer health checks after {grace} s, but the container health \
                     check gives the app {start} s to start: slow starts get killed. Set health_check_grace_period to at \
                     least {start}."
                ),
            );
        }
        let hc = lb.get("health_check");
        let interval = int(hc.get("interval")).or(hc
            .get("interval")
            .is_null()
            .then_some(d::TG_HEALTH_INTERVAL));
        let timeout =
            int(hc.get("timeout")).or(hc.get("timeout").is_null().then_some(d::TG_HEALTH_TIMEOUT));
        if !hc.is_null()
            && let (Some(i), Some(t)) = (interval, timeout)
            && t >= i
        {
            self.error(
                path(&["load_balancer", "health_check", "timeout"]),
                "Health check timeout not below its interval",
                format!("The ALB requires the health check timeout ({t} s) to be less than the interval ({i} s)."),
            );
        }
        let chc = container.get("health_check");
        if !chc.is_null()
            && let (Some(i), Some(t)) = (int(chc.get("interval")), int(chc.get("timeout")))
            && t >= i
        {
            self.error(
                path(&["container", "health_check", "timeout"]),
                "Health check timeout not below its interval",
                format!("The container health check timeout ({t} s) must be less than its interval ({i} s)."),
            );
        }
    }

    fn image(&mut self, c: &Value) {
        let Some(image) = c.get("container").get("image").as_str() else {
            return;
        };
        if image.contains('@') {
            return;
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        let tag = last.split_once(':').map(|(_, t)| t);
        let problem = match tag {
            None => "has no tag, so it means :latest",
            Some("latest") => "uses the :latest tag",
            Some(_) => return,
        };
        let strict = c.get("require_immutable_image").as_bool().unwrap_or(false);
        let detail = format!(
            "{image:?} {problem}: what runs changes without a plan, tasks started by a scale-out may run a different \
             build than the rest, and a rollback cannot go back. Use an immutable tag or a digest (repo@sha256:…)."
        );
        let at = path(&["container", "image"]);
        if strict {
            self.error(at, "Mutable image reference", detail);
        } else {
            self.warning(at, "Mutable image reference", detail);
        }
    }

    fn secrets(&mut self, c: &Value) {
        let container = c.get("container");
        if let Some(secrets) = container.get("secrets").entries() {
            for (key, v) in secrets {
                let Some(arn) = v.as_str() else { continue };
                if !is_secret_arn(arn) {
                    self.error(
                        path(&["container", "secrets"]).join_key(key),
                        "Secret value is not a secret ARN",
                        format!(
                            "secrets values are references, read by the execution role when a task starts: a Secrets \
                             Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM \
                             parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>). {key} holds something \
                             else; never put the secret itself here."
                        ),
                    );
                }
            }
        }
        if let Some(env) = container.get("environment").entries() {
            for (key, v) in env {
                let upper = key.to_ascii_uppercase();
                if v.as_str().is_some_and(|s| !s.is_empty())
                    && CREDENTIAL_WORDS.iter().any(|w| upper.contains(w))
                {
                    self.warning(
                        path(&["container", "environment"]).join_key(key),
                        "Credential in a plain environment variable",
                        format!(
                            "{key} looks like a credential, and environment values are stored in plain text in the task \
                             definition and in the state. Put it in Secrets Manager or SSM and reference it in \
                             container.secrets instead."
                        ),
                    );
                }
            }
        }
    }

    fn capacity(&mut self, c: &Value) {
        let desired = c.get("desired_count");
        let desired = int(desired).or(desired.is_null().then_some(d::DESIRED_COUNT));
        let a = c.get("autoscaling");
        if !a.is_null() {
            let (min, max) = (int(a.get("min")), int(a.get("max")));
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                self.error(
                    path(&["autoscaling", "min"]),
                    "Autoscaling minimum above maximum",
                    format!("autoscaling.min ({min}) must not exceed autoscaling.max ({max})."),
                );
            }
            if let (Some(min), Some(n)) = (min, desired)
                && n < min
            {
                self.error(
                    path(&["desired_count"]),
                    "desired_count below the autoscaling minimum",
                    format!("desired_count ({n}) is below autoscaling.min ({min}); it would not be clamped silently. Raise it or lower min."),
                );
            }
            if let (Some(max), Some(n)) = (max, desired)
                && n > max
            {
                self.error(
                    path(&["desired_count"]),
                    "desired_count above the autoscaling maximum",
                    format!("desired_count ({n}) is above autoscaling.max ({max}); it would not be clamped silently. Lower it or raise max."),
                );
            }
            for (attr, lo, hi) in [("min", 0, 5000), ("max", 1, 5000)] {
                self.range(
                    a.get(attr),
                    &["autoscaling", attr],
                    lo,
                    hi,
                    &format!("autoscaling {attr}"),
                );
            }
            for attr in ["scale_in_cooldown", "scale_out_cooldown"] {
                self.range(
                    a.get(attr),
                    &["autoscaling", attr],
                    0,
                    86400,
                    &format!("autoscaling {attr}"),
                );
            }
            for attr in ["cpu_target", "memory_target"] {
                if let Some(t) = num(a.get(attr))
                    && !(t > 0.0 && t <= 100.0)
                {
                    self.error(
                        path(&["autoscaling", attr]),
                        "Invalid utilisation target",
                        format!("{attr} is a percentage above 0 and at most 100; got {t}."),
                    );
                }
            }
            if let Some(t) = num(a.get("requests_per_target"))
                && t <= 0.0
            {
                self.error(
                    path(&["autoscaling", "requests_per_target"]),
                    "Invalid request target",
                    format!("requests_per_target must be above 0; got {t}."),
                );
            }
        }
        if let Some(n) = int(c.get("desired_count"))
            && n < 0
        {
            self.error(
                path(&["desired_count"]),
                "Invalid desired_count",
                format!("desired_count must be 0 or more; got {n}."),
            );
        }
        let Some(items) = c.get("capacity_provider_strategy").elements() else {
            return;
        };
        let mut with_base = 0;
        let mut positive_weight = false;
        let mut all_weights_known = true;
        let mut spot = None;
        for (i, item) in items.iter().enumerate() {
            let at = |attr: &str| {
                AttributePath::attr("capacity_provider_strategy")
                    .join_index(i)
                    .join_attr(attr)
            };
            if let Some(p) = item.get("capacity_provider").as_str() {
                if p != "FARGATE" && p != "FARGATE_SPOT" {
                    self.error(
                        at("capacity_provider"),
                        "Invalid capacity provider",
                        format!("Fargate services use FARGATE or FARGATE_SPOT; got {p:?}."),
                    );
                }
                if p == "FARGATE_SPOT" {
                    spot = Some(at("capacity_provider"));
                }
            }
            let base = item.get("base");
            if int(base).is_some_and(|b| b > 0) {
                with_base += 1;
                if with_base > 1 {
                    self.error(
                        at("base"),
                        "More than one capacity provider with a base",
                        "Only one capacity provider in a strategy may have a base greater than 0."
                            .into(),
                    );
                }
            }
            if int(base).is_some_and(|b| !(0..=100_000).contains(&b)) {
                self.error(
                    at("base"),
                    "Invalid capacity provider base",
                    "base is between 0 and 100000.".into(),
                );
            }
            let weight = item.get("weight");
            match int(weight) {
                Some(w) if w < 0 => self.error(
                    at("weight"),
                    "Negative capacity provider weight",
                    format!("Weights are 0 or more; got {w}."),
                ),
                Some(w) if w > 0 => positive_weight = true,
                Some(_) => {}
                None if weight.is_null() => positive_weight = true,
                None => all_weights_known = false,
            }
        }
        if !items.is_empty() && !positive_weight && all_weights_known {
            self.error(
                AttributePath::attr("capacity_provider_strategy"),
                "No capacity provider has a weight",
                "At least one capacity provider needs a weight greater than 0, or no task beyond the base is placed.".into(),
            );
        }
        if let Some(at) = spot
            && c.get("task").get("cpu_architecture").as_str() == Some("ARM64")
        {
            self.error(
                at,
                "Fargate Spot does not run ARM64 tasks",
                "AWS documents that Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity \
                 provider: Fargate Spot supports only X86_64. Use FARGATE, or task.cpu_architecture = \"X86_64\"."
                    .into(),
            );
        }
    }

    fn network(&mut self, c: &Value) {
        let n = c.get("network");
        if n.get("assign_public_ip").as_bool() == Some(true) {
            self.warning(
                path(&["network", "assign_public_ip"]),
                "Tasks with public IPs",
                "Production tasks belong in private subnets behind the load balancer; a public IP exposes every task \
                 directly. Use private subnets with a NAT gateway or VPC endpoints for outbound traffic."
                    .into(),
            );
        }
        if let Some(subnets) = n.get("subnets").elements() {
            if subnets.len() == 1 && subnets.iter().all(|s| !s.is_unknown()) {
                self.warning(
                    path(&["network", "subnets"]),
                    "A single subnet is a single Availability Zone",
                    "An AZ outage takes the whole service down. Give subnets in at least two Availability Zones.".into(),
                );
            }
            if subnets.is_empty() {
                self.error(
                    path(&["network", "subnets"]),
                    "No subnets",
                    "Give at least one subnet (two in different AZs for production).".into(),
                );
            }
        }
    }

    fn names_and_values(&mut self, c: &Value) {
        if let Some(name) = c.get("name").as_str() {
            let valid = name.len() <= 63
                && name
                    .chars()
                    .next()
                    .is_some_and(|ch| ch.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
                && !name.ends_with('-');
            if !valid {
                self.error(
                    path(&["name"]),
                    "Invalid service name",
                    format!(
                        "{name:?} must start with a letter and contain only letters, digits and hyphens, at most 63 \
                         characters and not ending in a hyphen, so that every child (target groups, IAM roles, the \
                         Cloud Map DNS name) can be named after it."
                    ),
                );
            }
        }
        let container = c.get("container");
        if let Some(n) = container.get("name").as_str()
            && (n.is_empty()
                || n.len() > 255
                || !n
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
        {
            self.error(
                path(&["container", "name"]),
                "Invalid container name",
                format!("{n:?}: use letters, digits, hyphens and underscores (at most 255)."),
            );
        }
        self.range(
            container.get("port"),
            &["container", "port"],
            1,
            65535,
            "container port",
        );
        let chc = container.get("health_check");
        self.range(
            chc.get("interval"),
            &["container", "health_check", "interval"],
            5,
            300,
            "container health check interval",
        );
        self.range(
            chc.get("timeout"),
            &["container", "health_check", "timeout"],
            2,
            60,
            "container health check timeout",
        );
        self.range(
            chc.get("retries"),
            &["container", "health_check", "retries"],
            1,
            10,
            "container health check retries",
        );
        self.range(
            chc.get("start_period"),
            &["container", "health_check", "start_period"],
            0,
            300,
            "container health check start period",
        );
        if let Some(cmd) = chc.get("command").elements()
            && cmd.is_empty()
        {
            self.error(
                path(&["container", "health_check", "command"]),
                "Empty health check command",
                "Give a command, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]."
                    .into(),
            );
        }
        let log = container.get("log");
        if let Some(mode) = log.get("mode").as_str()
            && mode != "non-blocking"
            && mode != "blocking"
        {
            self.error(
                path(&["container", "log", "mode"]),
                "Invalid log mode",
                format!("mode is non-blocking or blocking; got {mode:?}."),
            );
        }
        if let Some(days) = int(log.get("retention_days"))
            && ![
                1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                2557, 2922, 3288, 3653,
            ]
            .contains(&days)
        {
            self.error(path(&["container", "log", "retention_days"]), "Invalid log retention", format!("CloudWatch Logs keeps logs for 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days; got {days}."));
        }
        let lb = c.get("load_balancer");
        for key in ["production_listener_arn", "test_listener_arn"] {
            if let Some(arn) = lb.get(key).as_str()
                && super::expand::Placement::from_listener_arn(arn).is_none()
            {
                self.error(
                    path(&["load_balancer", key]),
                    "Invalid listener ARN",
                    format!("{arn:?} is not an Application Load Balancer listener ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>)."),
                );
            }
        }
        if let (Some(a), Some(b)) = (
            lb.get("production_listener_arn").as_str(),
            lb.get("test_listener_arn").as_str(),
        ) && a == b
        {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Test listener is the production listener",
                "CodeDeploy routes test traffic through a separate listener; give a different one."
                    .into(),
            );
        }
        self.range(
            lb.get("listener_rule_priority"),
            &["load_balancer", "listener_rule_priority"],
            1,
            50000,
            "listener rule priority",
        );
        self.range(
            lb.get("deregistration_delay"),
            &["load_balancer", "deregistration_delay"],
            0,
            3600,
            "deregistration delay",
        );
        self.range(
            lb.get("health_check_grace_period"),
            &["load_balancer", "health_check_grace_period"],
            0,
            2147483647,
            "health check grace period",
        );
        let hc = lb.get("health_check");
        if let Some(p) = hc.get("path").as_str()
            && !p.starts_with('/')
        {
            self.error(
                path(&["load_balancer", "health_check", "path"]),
                "Invalid health check path",
                format!("The path must start with \"/\"; got {p:?}."),
            );
        }
        if let Some(m) = hc.get("matcher").as_str()
            && !valid_matcher(m)
        {
            self.error(path(&["load_balancer", "health_check", "matcher"]), "Invalid health check matcher", format!("matcher takes HTTP codes from 200 to 499, as a list (\"200,204\") or a range (\"200-299\"); got {m:?}."));
        }
        self.range(
            hc.get("interval"),
            &["load_balancer", "health_check", "interval"],
            5,
            300,
            "health check interval",
        );
        self.range(
            hc.get("timeout"),
            &["load_balancer", "health_check", "timeout"],
            2,
            120,
            "health check timeout",
        );
        self.range(
            hc.get("healthy_threshold"),
            &["load_balancer", "health_check", "healthy_threshold"],
            2,
            10,
            "healthy threshold",
        );
        self.range(
            hc.get("unhealthy_threshold"),
            &["load_balancer", "health_check", "unhealthy_threshold"],
            2,
            10,
            "unhealthy threshold",
        );
        let bg = c.get("blue_green");
        self.range(
            bg.get("termination_wait_minutes"),
            &["blue_green", "termination_wait_minutes"],
            0,
            2880,
            "termination wait (minutes)",
        );
        if let Some(events) = bg.get("auto_rollback_events").elements() {
            for (i, e) in events.iter().enumerate() {
                if let Some(e) = e.as_str()
                    && ![
                        "DEPLOYMENT_FAILURE",
                        "DEPLOYMENT_STOP_ON_ALARM",
                        "DEPLOYMENT_STOP_ON_REQUEST",
                    ]
                    .contains(&e)
                {
                    self.error(AttributePath::attr("blue_green").join_attr("auto_rollback_events").join_index(i), "Invalid rollback event", format!("Events are DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM or DEPLOYMENT_STOP_ON_REQUEST; got {e:?}."));
                }
            }
        }
        let sd = c.get("service_discovery");
        self.range(
            sd.get("dns_ttl"),
            &["service_discovery", "dns_ttl"],
            0,
            2147483647,
            "DNS TTL",
        );
        if let Some(t) = sd.get("record_type").as_str()
            && !DNS_RECORD_TYPES.contains(&t)
        {
            self.error(
                path(&["service_discovery", "record_type"]),
                "Invalid record type",
                format!(
                    "awsvpc tasks register {} records; got {t:?}.",
                    one_of(DNS_RECORD_TYPES)
                ),
            );
        }
        if let Some(p) = sd.get("routing_policy").as_str()
            && p != "MULTIVALUE"
            && p != "WEIGHTED"
        {
            self.error(
                path(&["service_discovery", "routing_policy"]),
                "Invalid routing policy",
                format!("routing_policy is MULTIVALUE or WEIGHTED; got {p:?}."),
            );
        }
    }
}

fn is_secret_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    if *arn_prefix != "arn"
        || partition.is_empty()
        || region.is_empty()
        || account.len() != 12
        || !account.chars().all(|c| c.is_ascii_digit())
    {
        return false;
    }
    match *service {
        "secretsmanager" => resource
            .strip_prefix("secret:")
            .is_some_and(|r| !r.is_empty()),
        "ssm" => resource
            .strip_prefix("parameter/")
            .is_some_and(|r| !r.is_empty()),
        _ => false,
    }
}

fn valid_matcher(m: &str) -> bool {
    let code = |s: &str| s.parse::<u16>().is_ok_and(|c| (200..=499).contains(&c)) && s.len() == 3;
    if let Some((a, b)) = m.split_once('-') {
        return code(a) && code(b) && a < b;
    }
    !m.is_empty() && m.split(',').all(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fargate_size_table() {
        assert_eq!(valid_memory(256), Some(vec![512, 1024, 2048]));
        assert_eq!(valid_memory(512).map(|v| v.len()), Some(4));
        assert_eq!(
            valid_memory(4096).map(|v| (v[0], *v.last().unwrap())),
            Some((8192, 30720))
        );
        assert_eq!(valid_memory(8192).map(|v| v[1] - v[0]), Some(4096));
        assert_eq!(
            valid_memory(16384).map(|v| (v[0], *v.last().unwrap(), v[1] - v[0])),
            Some((32768, 122880, 8192))
        );
        assert_eq!(valid_memory(300), None);
    }

    #[test]
    fn secret_arns() {
        assert!(is_secret_arn(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        ));
        assert!(is_secret_arn(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::"
        ));
        assert!(is_secret_arn(
            "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db"
        ));
        assert!(!is_secret_arn("hunter2"));
        assert!(!is_secret_arn("arn:aws:s3:::bucket/key"));
        assert!(!is_secret_arn(
            "arn:aws:secretsmanager:us-east-1:12345:secret:x"
        ));
    }

    #[test]
    fn matchers() {
        for ok in ["200", "200,204", "200-299", "404"] {
            assert!(valid_matcher(ok), "{ok}");
        }
        for bad in ["", "20", "600", "299-200", "ok", "200,"] {
            assert!(!valid_matcher(bad), "{bad}");
        }
    }

    #[test]
    fn subnet_capacity_counts_the_blue_green_surge() {
        let subnet = |id: &str, az: &str, free| SubnetInfo {
            id: id.into(),
            availability_zone: az.into(),
            free_ips: free,
        };
        let ok = subnet_capacity(
            &[subnet("a", "us-east-1a", 5), subnet("b", "us-east-1b", 5)],
            5,
        );
        assert!(ok.is_empty(), "{ok:?}");
        let short = subnet_capacity(
            &[subnet("a", "us-east-1a", 4), subnet("b", "us-east-1b", 5)],
            5,
        );
        assert!(short.has_errors());
        assert!(
            short.0[0].detail.contains("9 free IP addresses"),
            "{:?}",
            short.0[0]
        );
        let one_zone = subnet_capacity(
            &[subnet("a", "us-east-1a", 50), subnet("b", "us-east-1a", 50)],
            2,
        );
        assert_eq!(one_zone.0.len(), 1);
        assert!(!one_zone.has_errors());
    }

    #[test]
    fn unknown_inputs_never_error() {
        let config = Value::object([
            ("name", Value::unknown()),
            (
                "task",
                Value::object([("cpu", Value::unknown()), ("memory", Value::int(3))]),
            ),
            ("container", Value::unknown()),
            ("load_balancer", Value::unknown()),
            (
                "autoscaling",
                Value::object([("min", Value::unknown()), ("max", Value::int(2))]),
            ),
        ]);
        let diags = check(&config);
        assert!(!diags.has_errors(), "{diags:?}");
    }
}
