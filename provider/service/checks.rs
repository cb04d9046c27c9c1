//! Production checks run at `tofu validate` and `tofu plan`, before any AWS call. Each rule
//! turns advice from shared/seeds/ (or a hard AWS limit) into an error or a warning at the
//! attribute it is about. A rule whose inputs are unknown does not run; it runs again when
//! they are known (plan during apply), so it never errors on an unknown.

use serde_json::Value as Json;

use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

use super::arn::{LISTENER_ARN_FORM, ListenerArn, SecretArn, SecretStore};
use super::defaults as d;
use super::expand::{AlarmMetric, DeploymentStrategy, ECS_HOOK_STAGES};
use super::facts;
use super::schema::{APPSPEC_HOOK_EVENTS, DNS_RECORD_TYPES, one_of};

pub use super::facts::{VALID_CPU, valid_memory};

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

/// What the plan-time subnet checks need to know about a subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInfo {
    pub id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    pub free_ips: i64,
}

/// The most tasks the service runs between deployments, which a deployment doubles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeakTasks {
    /// No autoscaling: `desired_count`.
    Desired(i64),
    /// With autoscaling a deployment can start while scaled out to `autoscaling.max`.
    AutoscalingMax(i64),
}

impl PeakTasks {
    fn count(self) -> i64 {
        match self {
            PeakTasks::Desired(n) | PeakTasks::AutoscalingMax(n) => n,
        }
    }

    fn describe(self) -> String {
        match self {
            PeakTasks::Desired(n) => format!("a deployment of {n} tasks (desired_count)"),
            PeakTasks::AutoscalingMax(n) => format!(
                "a deployment while autoscaling has scaled out to {n} tasks (autoscaling.max)"
            ),
        }
    }
}

fn subnets_path() -> AttributePath {
    AttributePath::attr("network").join_attr("subnets")
}

/// Blue/green runs the replacement tasks beside the original ones: each task needs an IP in
/// the subnets, twice over during a deployment.
pub fn subnet_capacity(subnets: &[SubnetInfo], peak: PeakTasks) -> Diagnostics {
    let mut out = Diagnostics::new();
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
            .at(subnets_path()),
        );
    }
    let free: i64 = subnets.iter().map(|s| s.free_ips).sum();
    let needed = peak.count().saturating_mul(2);
    if free < needed {
        out.push(
            Diagnostic::error(
                "Not enough free IP addresses for a blue/green deployment",
                format!(
                    "The subnets have {free} free IP addresses ({}), but {} briefly runs {needed} (the replacement set \
                     beside the original). Use larger or more subnets, or fewer tasks.",
                    subnets.iter().map(|s| format!("{}: {}", s.id, s.free_ips)).collect::<Vec<_>>().join(", "),
                    peak.describe()
                ),
            )
            .at(subnets_path()),
        );
    }
    out
}

/// The target groups live in `load_balancer.vpc_id` and only register tasks from that VPC, and
/// ECS places a service's tasks in one VPC. `vpc_id` is `None` while it is unknown.
pub fn subnet_vpcs(subnets: &[SubnetInfo], vpc_id: Option<&str>) -> Diagnostics {
    let mut out = Diagnostics::new();
    if let Some(vpc) = vpc_id {
        for s in subnets.iter().filter(|s| s.vpc_id != vpc) {
            out.push(
                Diagnostic::error(
                    "Subnet outside the load balancer's VPC",
                    format!(
                        "Subnet {} is in {}, but load_balancer.vpc_id is {vpc}: the target groups there cannot \
                         register tasks from another VPC. Give subnets of {vpc}, or the VPC these subnets are in.",
                        s.id, s.vpc_id
                    ),
                )
                .at(subnets_path()),
            );
        }
        return out;
    }
    let vpcs: std::collections::BTreeSet<&str> =
        subnets.iter().map(|s| s.vpc_id.as_str()).collect();
    if vpcs.len() > 1 {
        out.push(
            Diagnostic::error(
                "Subnets in more than one VPC",
                format!(
                    "A service's tasks all run in one VPC, but the subnets are in {} ({}).",
                    vpcs.iter().copied().collect::<Vec<_>>().join(", "),
                    subnets
                        .iter()
                        .map(|s| format!("{}: {}", s.id, s.vpc_id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(subnets_path()),
        );
    }
    out
}

/// What the plan-time security group check needs to know about a task security group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityGroupInfo {
    pub id: String,
    pub ingress: Vec<IngressRule>,
}

/// One inbound permission of a security group, as EC2 describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IngressRule {
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for every protocol.
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    /// Security groups the rule admits.
    pub source_groups: Vec<String>,
    /// IPv4 and IPv6 ranges the rule admits.
    pub cidrs: Vec<String>,
    /// Managed prefix lists the rule admits (sets of ranges).
    pub prefix_lists: Vec<String>,
}

impl IngressRule {
    /// Whether the rule admits TCP to `port` (from whichever sources it names).
    fn covers_tcp(&self, port: i64) -> bool {
        match self.protocol.as_str() {
            "-1" => true,
            "tcp" | "6" => match (self.from_port, self.to_port) {
                (Some(from), Some(to)) if from >= 0 => (from..=to).contains(&port),
                _ => true,
            },
            _ => false,
        }
    }

    fn ports(&self) -> String {
        match (self.protocol.as_str(), self.from_port, self.to_port) {
            ("-1", _, _) => "all traffic".to_owned(),
            (p, Some(from), Some(to)) if from == to => format!("{p} {from}"),
            (p, Some(from), Some(to)) if from >= 0 => format!("{p} {from}-{to}"),
            (p, _, _) => format!("all {p} ports"),
        }
    }
}

const WORLD: &[&str] = &["0.0.0.0/0", "::/0"];

fn security_groups_path() -> AttributePath {
    AttributePath::attr("network").join_attr("security_groups")
}

/// The seeds' network rule: tasks take traffic from the load balancer on the container port
/// and from nowhere else. `configured` is `network.security_groups` as written, for the path of
/// the group a warning is about; `lb_groups` is `None` when the load balancer's groups could
/// not be looked up (only the second half runs then).
pub fn security_group_reachability(
    task_groups: &[SecurityGroupInfo],
    configured: &[String],
    lb_groups: Option<&[String]>,
    port: i64,
) -> Diagnostics {
    let mut out = Diagnostics::new();
    if let Some(lb_groups) = lb_groups {
        let admits_lb = task_groups.iter().flat_map(|g| &g.ingress).any(|r| {
            r.covers_tcp(port)
                && (r.source_groups.iter().any(|g| lb_groups.contains(g))
                    || !r.cidrs.is_empty()
                    || !r.prefix_lists.is_empty())
        });
        if !admits_lb {
            let from = if lb_groups.is_empty() {
                "the load balancer".to_owned()
            } else {
                format!(
                    "the load balancer's security group ({})",
                    lb_groups.join(", ")
                )
            };
            out.push(
                Diagnostic::warning(
                    "Task security groups do not admit the load balancer",
                    format!(
                        "No inbound rule of {} allows TCP port {port} (container.port) from {from} or an address \
                         range. The load balancer's health checks then fail and no deployment becomes healthy. Allow \
                         TCP {port} from {}.",
                        task_groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>().join(", "),
                        lb_groups.first().map_or("the load balancer's security group", String::as_str)
                    ),
                )
                .at(security_groups_path()),
            );
        }
    }
    for g in task_groups {
        let open: Vec<String> = g
            .ingress
            .iter()
            .filter_map(|r| {
                let world: Vec<&str> = r
                    .cidrs
                    .iter()
                    .map(String::as_str)
                    .filter(|c| WORLD.contains(c))
                    .collect();
                (!world.is_empty()).then(|| format!("{} from {}", r.ports(), world.join(" and ")))
            })
            .collect();
        if open.is_empty() {
            continue;
        }
        let at = configured
            .iter()
            .position(|c| *c == g.id)
            .map_or_else(security_groups_path, |i| {
                security_groups_path().join_index(i)
            });
        out.push(
            Diagnostic::warning(
                "Task security group open to the internet",
                format!(
                    "{} admits {}. Tasks should be reachable only from the load balancer: allow the container port \
                     from the load balancer's security group instead of from any address.",
                    g.id,
                    open.join(", ")
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
        text: "`container.stop_timeout` and a sidecar's `stop_timeout` between 2 and 120 s (Fargate's maximum)",
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
        text: "`container.secrets` and each sidecar's `secrets` values must be Secrets Manager secret or SSM parameter ARNs",
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
        text: "`container.name` and each `sidecar.name`: letters, digits, hyphens and underscores, at most 255, unique in the task",
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
        text: "`container.port` and each sidecar's `port_mapping.container_port` between 1 and 65535, the protocol `tcp` or `udp`",
    },
    Rule {
        id: "container-size",
        severity: "error",
        text: "each container's `memory_reservation` at most its `memory`, sizes not negative (memory at least 6 MiB); the containers' `cpu` together at most `task.cpu`, their `memory` (the reservation where no limit is set) together at most `task.memory`",
    },
    Rule {
        id: "depends-on",
        severity: "error",
        text: "`depends_on` names another container of the task with START, COMPLETE, SUCCESS or HEALTHY; HEALTHY only on a container with a `health_check`; COMPLETE and SUCCESS only on a non-essential container; no containers that wait for each other in a circle",
    },
    Rule {
        id: "firelens",
        severity: "error",
        text: "at most one sidecar with `firelens`; the `awsfirelens` log driver only with such a router, and not on the router itself; `log.options` only with `awsfirelens`; `firelens.type` fluentbit or fluentd; `config_file_type` (s3 or file) and `config_file_value` together, an S3 object ARN for s3",
    },
    Rule {
        id: "volumes",
        severity: "error",
        text: "volume names unique; each `mount_point.source_volume` names a volume of the service, its `container_path` absolute and not mounted twice in one container",
    },
    Rule {
        id: "efs",
        severity: "error",
        text: "an EFS volume with IAM authorization or an access point has transit encryption; with an access point no `root_directory` other than `/`; EFS volumes need `platform_version` 1.4.0 or LATEST",
    },
    Rule {
        id: "capabilities",
        severity: "error",
        text: "`drop_capabilities` and `add_capabilities` are Linux capability names (without CAP_; ALL only to drop); Fargate adds only SYS_PTRACE",
    },
    Rule {
        id: "ulimits",
        severity: "error",
        text: "`ulimit` names are ECS's (core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack), each once per container, the soft limit at most the hard one, nofile at most 1048576",
    },
    Rule {
        id: "exec",
        severity: "warning",
        text: "`enable_execute_command` with the application's `readonly_root_filesystem`: ECS Exec's agent needs to write there",
    },
    Rule {
        id: "managed-policies",
        severity: "error",
        text: "`task_role_managed_policy_arns` are IAM managed policy ARNs (`arn:aws:iam::aws:policy/…` or `arn:aws:iam::<account>:policy/…`), at most 20",
    },
    Rule {
        id: "ranges",
        severity: "error",
        text: "AWS's bounds on intervals, timeouts, thresholds, retries, TTL, cooldowns, termination wait and rule priority",
    },
    Rule {
        id: "alarms",
        severity: "error",
        text: "`blue_green.auto_rollback_events` with `DEPLOYMENT_STOP_ON_ALARM` needs alarms (`alarms` with a threshold above 0, or `alarms.names`); CodeDeploy takes at most 10 alarms (each alarm of `alarms` counts twice, one per target group); `alarms.period` 10, 30 or a multiple of 60, `evaluation_periods` at least 1 and their product at most a day; thresholds not negative, `target_5xx_rate_percent` at most 100",
    },
    Rule {
        id: "traffic-validation",
        severity: "error",
        text: "`blue_green.hooks` keys are AppSpec events of an ECS deployment (BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic) and values Lambda function ARNs named `CodeDeployHook_*` (what AWSCodeDeployRoleForECS lets CodeDeploy invoke); `approve_traffic` needs a `test_traffic_wait_minutes` of at least 1; the wait is 0–2880 minutes",
    },
    Rule {
        id: "strategy",
        severity: "error",
        text: "`deployment_strategy` one of codedeploy, blue_green, linear, canary, rolling; each strategy's settings only with it (`blue_green` with codedeploy; `ecs_deployment` bake time and hooks with blue_green/linear/canary, linear and canary steps with their strategy, percents and the circuit breaker with rolling); a test listener for every strategy but rolling, none for rolling; bake and step waits 0–1440 minutes, linear steps 3–100 %, a canary 0.1–100 %, minimum healthy 0–100 % below a maximum of 100–200 %; hooks at ECS lifecycle stages and Lambda function ARNs",
    },
    Rule {
        id: "rollback",
        severity: "warning",
        text: "no `auto_rollback_events` (nothing undoes a bad release), or alarms without `DEPLOYMENT_STOP_ON_ALARM` (an alarm stops a roll-out but does not roll it back); a rolling service without the circuit breaker or alarms",
    },
    Rule {
        id: "load-balancer",
        severity: "error",
        text: "`load_balancer` for every strategy but rolling; a rolling service without one (a worker or queue consumer) takes no `autoscaling.requests_per_target` (it counts the load balancer's requests) and no thresholds in `alarms` (they watch target groups; `alarms.names` still roll a deployment back)",
    },
    Rule {
        id: "container-port",
        severity: "error",
        text: "`container.port` with a `load_balancer` (it sends traffic to that port) and with SRV service discovery (the record carries it); a worker without either may leave it unset",
    },
    Rule {
        id: "listener-arn",
        severity: "error",
        text: "`load_balancer.production_listener_arn` and `test_listener_arn` must be two different Application Load Balancer listener ARNs (`…:listener/app/<lb-name>/<lb-id>/<listener-id>`), not Network or Gateway Load Balancer listeners",
    },
    Rule {
        id: "same-load-balancer",
        severity: "error",
        text: "the production and test listeners must belong to one load balancer, as CodeDeploy requires",
    },
    Rule {
        id: "task-role-policy",
        severity: "error",
        text: "`task_role_policy_json` is an IAM identity policy: JSON with a `Statement` (an object or a non-empty list), each with `Effect` Allow or Deny, `Action`/`NotAction`, `Resource`/`NotResource` and no `Principal`; `Version` 2012-10-17 or 2008-10-17",
    },
    Rule {
        id: "secret-placement",
        severity: "warning",
        text: "a `secrets` ARN (of any container) in another account or Region than the listeners: names the resource or key policy the execution role then needs",
    },
    Rule {
        id: "empty-identifier",
        severity: "error",
        text: "an attribute that names something in AWS (the cluster, an image, a secret, the log group, a volume, an EFS file system or access point, a managed policy, a subnet, a security group, the VPC, the Cloud Map namespace, a capacity provider, the deployment configuration, a hook function, an alarm, the platform version) given as an empty string",
    },
    Rule {
        id: "tags",
        severity: "error",
        text: "`tags` (and the provider's `default_tags`) as AWS takes them: keys of 1 to 128 and values of at most 256 letters, digits, spaces and `_ . : / = + - @`, no `aws:` prefix, not the provider's own `fargate:` tags, and with the provider's two at most 50 on a resource (the merged count is checked at plan)",
    },
    Rule {
        id: "subnet-vpc",
        severity: "error",
        text: "*plan*, looking the subnets up (EC2 DescribeSubnets): every subnet is in `load_balancer.vpc_id`",
    },
    Rule {
        id: "subnet-capacity",
        severity: "error (warning for the zones)",
        text: "*plan*, same lookup: the subnets' free IP addresses hold a blue/green deployment, twice `desired_count` tasks, or twice `autoscaling.max` with autoscaling; a warning when they span fewer than two Availability Zones",
    },
    Rule {
        id: "security-groups",
        severity: "warning",
        text: "*plan*, looking up the task security groups and the load balancer's (EC2 DescribeSecurityGroups, ELBv2 DescribeLoadBalancers): some task group admits TCP `container.port` from the load balancer's groups or an address range, and none admits 0.0.0.0/0 or ::/0",
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
    out.listeners(config);
    out.task_role_policy(config);
    out.alarms(config);
    out.traffic_validation(config);
    out.deployment_strategy(config);
    out.load_balancer(config);
    out.container_port(config);
    out.sidecar_values(config);
    out.diags.extend(super::task_checks::check(config));
    out.diags.extend(super::empty_identifiers::check(config));
    out.diags.extend(super::tag_checks::check(config));
    out.diags
}

/// Letters, digits, hyphens and underscores, 1 to 255 of them (ECS's container names).
fn valid_container_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 255
        && n.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
}

/// The application's container block and every sidecar's, each with its path: the rules
/// written for a container hold for all of them.
fn container_blocks(c: &Value) -> Vec<(AttributePath, &Value)> {
    let mut out = vec![(AttributePath::attr("container"), c.get("container"))];
    out.extend(super::task_checks::sidecars(c));
    out
}

/// The configured strategy: `codedeploy` when unset, `None` while unknown or not a strategy.
fn strategy_of(c: &Value) -> Option<DeploymentStrategy> {
    match c.get("deployment_strategy") {
        Value::Null => Some(DeploymentStrategy::CodeDeployBlueGreen),
        Value::String(s) => DeploymentStrategy::from_name(s),
        _ => None,
    }
}

/// Which strategies take each `ecs_deployment` setting.
const ECS_SETTING_STRATEGIES: &[(&str, &[DeploymentStrategy])] = {
    use DeploymentStrategy::{BlueGreen, Canary, Linear, Rolling};
    &[
        ("bake_time_minutes", &[BlueGreen, Linear, Canary]),
        ("linear_step_percent", &[Linear]),
        ("linear_step_minutes", &[Linear]),
        ("canary_percent", &[Canary]),
        ("canary_minutes", &[Canary]),
        ("minimum_healthy_percent", &[Rolling]),
        ("maximum_percent", &[Rolling]),
        ("circuit_breaker", &[Rolling]),
        ("hooks", &[BlueGreen, Linear, Canary]),
    ]
};

/// The `blue_green` settings, all CodeDeploy's.
const CODEDEPLOY_SETTINGS: &[&str] = &[
    "deployment_config",
    "termination_wait_minutes",
    "auto_rollback_events",
    "test_traffic_wait_minutes",
    "approve_traffic",
    "hooks",
];

/// CodeDeploy's limit on the alarms of one deployment group.
pub const MAX_DEPLOYMENT_ALARMS: usize = 10;

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
        self.range_at(v, path(at), min, max, what);
    }

    /// A range AWS states (see facts.rs).
    fn fact(&mut self, v: &Value, at: &[&str], fact: facts::Range, what: &str) {
        self.range_at(v, path(at), fact.min, fact.max, what);
    }

    fn range_at(&mut self, v: &Value, at: AttributePath, min: i64, max: i64, what: &str) {
        if let Some(n) = int(v)
            && !(min..=max).contains(&n)
        {
            self.error(
                at,
                &format!("Invalid {what}"),
                format!("{what} must be between {min} and {max}; got {n}."),
            );
        }
    }

    /// Only a rolling service may go without a load balancer, and then nothing may measure one.
    fn load_balancer(&mut self, c: &Value) {
        if !c.get("load_balancer").is_null() {
            return;
        }
        if let Some(strategy) = strategy_of(c)
            && strategy != DeploymentStrategy::Rolling
        {
            self.error(
                path(&["load_balancer"]),
                "Missing load balancer",
                format!(
                    "The {:?} strategy moves traffic between two target groups behind a load balancer: add a \
                     load_balancer block. Only a \"rolling\" service (a worker or queue consumer) may go \
                     without one (check `load-balancer`).",
                    strategy.name()
                ),
            );
            return;
        }
        if !c.get("autoscaling").get("requests_per_target").is_null() {
            self.error(
                path(&["autoscaling", "requests_per_target"]),
                "Request scaling without a load balancer",
                "requests_per_target tracks the load balancer's requests per target, and this service has no \
                 load balancer: scale on cpu_target or memory_target (check `load-balancer`)."
                    .to_owned(),
            );
        }
        let alarms = c.get("alarms");
        for metric in AlarmMetric::ALL {
            let attr = metric.attribute();
            if num(alarms.get(attr)).is_some_and(|n| n > 0.0) {
                self.error(
                    path(&["alarms", attr]),
                    "Target group alarm without a load balancer",
                    format!(
                        "{attr} alarms on the service's target group, and a service without a load balancer \
                         has none: remove it (alarms.names still stop and roll back a deployment) (check \
                         `load-balancer`)."
                    ),
                );
            }
        }
    }

    /// A port for whatever sends traffic to the application's container or names its port.
    fn container_port(&mut self, c: &Value) {
        // Only a port known to be unset, needed by a block known to be there.
        let container = c.get("container");
        if !matches!(container, Value::Object(_)) || !container.get("port").is_null() {
            return;
        }
        let needs = if matches!(c.get("load_balancer"), Value::Object(_)) {
            Some("The load balancer sends traffic to the application container's port")
        } else if c.get("service_discovery").get("record_type").as_str() == Some("SRV") {
            Some("SRV service discovery records carry the application container's port")
        } else {
            None
        };
        if let Some(why) = needs {
            self.error(
                path(&["container", "port"]),
                "Missing container port",
                format!(
                    "{why}: set container.port. Only a service without a load balancer and without SRV \
                     records may leave it unset (check `container-port`)."
                ),
            );
        }
    }

    /// The rules of the application's container that hold for each sidecar too: its name, its
    /// ports, its stop timeout and its health check.
    fn sidecar_values(&mut self, c: &Value) {
        for (at, s) in super::task_checks::sidecars(c) {
            if let Some(n) = s.get("name").as_str()
                && !valid_container_name(n)
            {
                self.error(
                    at.join_attr("name"),
                    "Invalid container name",
                    format!("{n:?}: use letters, digits, hyphens and underscores (at most 255)."),
                );
            }
            for (i, p) in s
                .get("port_mapping")
                .elements()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let at = at.join_attr("port_mapping").join_index(i);
                self.range_at(
                    p.get("container_port"),
                    at.join_attr("container_port"),
                    1,
                    65535,
                    "container port",
                );
                if let Some(protocol) = p.get("protocol").as_str()
                    && protocol != "tcp"
                    && protocol != "udp"
                {
                    self.error(
                        at.join_attr("protocol"),
                        "Invalid port protocol",
                        format!("protocol is tcp or udp; got {protocol:?}."),
                    );
                }
            }
            if let Some(stop) = int(s.get("stop_timeout"))
                && !(2..=120).contains(&stop)
            {
                self.error(
                    at.join_attr("stop_timeout"),
                    "Stop timeout outside Fargate's limits",
                    format!("Fargate waits at most 120 s between SIGTERM and SIGKILL (and at least 2); got {stop}."),
                );
            }
            let hc = s.get("health_check");
            for (attr, low, high, what) in [
                ("interval", 5, 300, "container health check interval"),
                ("timeout", 2, 60, "container health check timeout"),
                ("retries", 1, 10, "container health check retries"),
                (
                    "start_period",
                    0,
                    300,
                    "container health check start period",
                ),
            ] {
                self.range_at(
                    hc.get(attr),
                    at.join_attr("health_check").join_attr(attr),
                    low,
                    high,
                    what,
                );
            }
            if let (Some(i), Some(t)) = (int(hc.get("interval")), int(hc.get("timeout")))
                && t >= i
            {
                self.error(
                    at.join_attr("health_check").join_attr("timeout"),
                    "Health check timeout not below its interval",
                    format!("The container health check timeout ({t} s) must be less than its interval ({i} s)."),
                );
            }
            if let Some(cmd) = hc.get("command").elements()
                && cmd.is_empty()
            {
                self.error(
                    at.join_attr("health_check").join_attr("command"),
                    "Empty health check command",
                    "Give a command, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"].".into(),
                );
            }
        }
    }

    fn deployment_strategy(&mut self, c: &Value) {
        let name = c.get("deployment_strategy");
        if let Some(n) = name.as_str()
            && DeploymentStrategy::from_name(n).is_none()
        {
            self.error(
                path(&["deployment_strategy"]),
                "Unknown deployment strategy",
                format!(
                    "{n:?} is not a deployment strategy: use {} (check `strategy`).",
                    one_of(&DeploymentStrategy::NAMES)
                ),
            );
            return;
        }
        let Some(strategy) = strategy_of(c) else {
            return;
        };
        let set = |v: &Value| !v.is_null();
        // Settings of other strategies: an error at the setting, so none is silently ignored.
        let bg = c.get("blue_green");
        if !strategy.uses_codedeploy() {
            for attr in CODEDEPLOY_SETTINGS {
                if set(bg.get(attr)) {
                    self.error(
                        path(&["blue_green", attr]),
                        "Setting of another deployment strategy",
                        format!(
                            "blue_green.{attr} configures CodeDeploy (deployment_strategy = \"codedeploy\"); this \
                             service deploys with {:?}. Remove it, or use ecs_deployment (check `strategy`).",
                            strategy.name()
                        ),
                    );
                }
            }
        }
        let ecs = c.get("ecs_deployment");
        for (attr, takes) in ECS_SETTING_STRATEGIES {
            if set(ecs.get(attr)) && !takes.contains(&strategy) {
                let names: Vec<&str> = takes.iter().map(|s| s.name()).collect();
                self.error(
                    path(&["ecs_deployment", attr]),
                    "Setting of another deployment strategy",
                    format!(
                        "ecs_deployment.{attr} applies to deployment_strategy {}; this service deploys with \
                         {:?}, which ignores it. Remove it or change the strategy (check `strategy`).",
                        one_of(&names),
                        strategy.name()
                    ),
                );
            }
        }
        self.fact(
            ecs.get("bake_time_minutes"),
            &["ecs_deployment", "bake_time_minutes"],
            facts::ECS_DEPLOYMENT_MINUTES,
            "bake time (minutes)",
        );
        self.fact(
            ecs.get("linear_step_minutes"),
            &["ecs_deployment", "linear_step_minutes"],
            facts::ECS_DEPLOYMENT_MINUTES,
            "linear step wait (minutes)",
        );
        self.fact(
            ecs.get("canary_minutes"),
            &["ecs_deployment", "canary_minutes"],
            facts::ECS_DEPLOYMENT_MINUTES,
            "canary wait (minutes)",
        );
        for (attr, low, high) in [
            ("linear_step_percent", 3.0, 100.0),
            ("canary_percent", 0.1, 100.0),
        ] {
            if let Some(n) = num(ecs.get(attr))
                && !(low..=high).contains(&n)
            {
                self.error(
                    path(&["ecs_deployment", attr]),
                    "Invalid traffic share",
                    format!("{attr} must be between {low} and {high} percent; got {n} (check `strategy`)."),
                );
            }
        }
        let min = ecs.get("minimum_healthy_percent");
        let max = ecs.get("maximum_percent");
        self.fact(
            min,
            &["ecs_deployment", "minimum_healthy_percent"],
            facts::MINIMUM_HEALTHY_PERCENT,
            "minimum healthy percent",
        );
        self.fact(
            max,
            &["ecs_deployment", "maximum_percent"],
            facts::MAXIMUM_PERCENT,
            "maximum percent",
        );
        let min_n = if min.is_null() {
            Some(d::MINIMUM_HEALTHY_PERCENT)
        } else {
            int(min)
        };
        let max_n = if max.is_null() {
            Some(d::MAXIMUM_PERCENT)
        } else {
            int(max)
        };
        if strategy == DeploymentStrategy::Rolling
            && let (Some(lo), Some(hi)) = (min_n, max_n)
            && hi <= lo
        {
            self.error(
                path(&["ecs_deployment", "maximum_percent"]),
                "A rolling deployment that cannot start",
                format!(
                    "maximum_percent ({hi}) must be above minimum_healthy_percent ({lo}): ECS could neither \
                     start a new task nor stop an old one (check `strategy`)."
                ),
            );
        }
        if let Value::Map(hooks) | Value::Object(hooks) = ecs.get("hooks") {
            for (stage, arn) in hooks {
                let at = AttributePath::attr("ecs_deployment")
                    .join_attr("hooks")
                    .join_key(stage);
                if !ECS_HOOK_STAGES.contains(&stage.as_str()) {
                    self.error(
                        at.clone(),
                        "Unknown lifecycle stage",
                        format!(
                            "{stage:?} is not a lifecycle stage of an ECS deployment: use {} (check `strategy`).",
                            one_of(ECS_HOOK_STAGES)
                        ),
                    );
                }
                if let Some(a) = arn.as_str()
                    && !(a.starts_with("arn:")
                        && a.contains(":lambda:")
                        && a.contains(":function:"))
                {
                    self.error(
                        at,
                        "Lifecycle hook is not a Lambda function",
                        format!("ECS invokes lifecycle hooks as Lambda functions: give a function ARN (arn:aws:lambda:<region>:<account>:function:<name>); got {a:?} (check `strategy`)."),
                    );
                }
            }
        }
        let lb = c.get("load_balancer");
        let test = lb.get("test_listener_arn");
        if strategy.shifts_traffic() && test.is_null() && !lb.is_unknown() && !lb.is_null() {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Missing test listener",
                format!(
                    "The {:?} strategy serves the new tasks on a test listener before production traffic \
                     moves: set load_balancer.test_listener_arn (only \"rolling\" has none) (check `strategy`).",
                    strategy.name()
                ),
            );
        }
        if !strategy.shifts_traffic() && set(test) {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Setting of another deployment strategy",
                "A rolling service has one target group and no test rule: remove test_listener_arn, or use a \
                 blue/green strategy (check `strategy`)."
                    .to_owned(),
            );
        }
        let breaker_off = ecs.get("circuit_breaker").as_bool() == Some(false);
        let alarms = c.get("alarms");
        if strategy == DeploymentStrategy::Rolling && breaker_off && alarms.is_null() {
            self.warning(
                path(&["ecs_deployment", "circuit_breaker"]),
                "No automatic rollback",
                "Without the circuit breaker or alarms nothing undoes a rolling deployment whose tasks keep \
                 failing: ECS goes on trying until someone acts (check `rollback`)."
                    .to_owned(),
            );
        }
    }

    fn traffic_validation(&mut self, c: &Value) {
        let bg = c.get("blue_green");
        let wait = bg.get("test_traffic_wait_minutes");
        self.fact(
            wait,
            &["blue_green", "test_traffic_wait_minutes"],
            facts::CODEDEPLOY_WAIT_MINUTES,
            "test traffic wait (minutes)",
        );
        if bg.get("approve_traffic").as_bool() == Some(true)
            && (wait.is_null() || int(wait) == Some(0))
        {
            self.error(
                path(&["blue_green", "approve_traffic"]),
                "Approval without a wait",
                "approve_traffic stops a deployment unless it is approved within \
                 test_traffic_wait_minutes, which is 0: no deployment could ever be approved. Set \
                 test_traffic_wait_minutes to the minutes an approval may take (check \
                 `traffic-validation`)."
                    .to_owned(),
            );
        }
        let (Value::Map(hooks) | Value::Object(hooks)) = bg.get("hooks") else {
            return;
        };
        for (event, arn) in hooks {
            let at = AttributePath::attr("blue_green")
                .join_attr("hooks")
                .join_key(event);
            if !APPSPEC_HOOK_EVENTS.contains(&event.as_str()) {
                self.error(
                    at,
                    "Invalid hook event",
                    format!(
                        "ECS deployments run hooks at {}; got {event:?} (check `traffic-validation`).",
                        one_of(APPSPEC_HOOK_EVENTS)
                    ),
                );
                continue;
            }
            let Some(arn) = arn.as_str() else { continue };
            let function = arn
                .strip_prefix("arn:")
                .and_then(|rest| rest.split_once(":lambda:"))
                .and_then(|(_, rest)| rest.split(':').nth(3))
                .filter(|_| arn.contains(":function:"));
            match function {
                None => self.error(
                    at,
                    "Invalid hook",
                    format!(
                        "A hook is a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>); \
                         got {arn:?} (check `traffic-validation`)."
                    ),
                ),
                Some(name) if !name.starts_with("CodeDeployHook_") => self.error(
                    at,
                    "CodeDeploy may not invoke this hook",
                    format!(
                        "The service's CodeDeploy role has AWSCodeDeployRoleForECS, which lets CodeDeploy \
                         invoke only Lambda functions named CodeDeployHook_*; {name:?} would fail the \
                         deployment at {event}. Name the function CodeDeployHook_{name} (check \
                         `traffic-validation`)."
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    fn alarms(&mut self, c: &Value) {
        let strategy = strategy_of(c);
        let codedeploy = strategy.is_some_and(DeploymentStrategy::uses_codedeploy);
        // Each metric alarms on both target groups of a pair, on the one group of a rolling service.
        let per_metric = strategy.map_or(2, |s| s.alarm_targets().len());
        let alarms = c.get("alarms");
        let events = c.get("blue_green").get("auto_rollback_events");
        let stop_on_alarm = events.elements().map(|e| {
            e.iter()
                .any(|x| x.as_str() == Some("DEPLOYMENT_STOP_ON_ALARM"))
        });
        // How many alarms the deployment group gets: two per enabled metric, plus the names.
        let mut count = Some(0usize);
        if !alarms.is_null() {
            for metric in AlarmMetric::ALL {
                let attr = metric.attribute();
                let v = alarms.get(attr);
                let n = if v.is_null() {
                    Some(metric.default_threshold() as f64)
                } else {
                    num(v)
                };
                match n {
                    Some(n) if n < 0.0 => self.error(
                        path(&["alarms", attr]),
                        "Invalid alarm threshold",
                        format!(
                            "{attr} must be 0 (no such alarm) or more; got {n} (check `alarms`)."
                        ),
                    ),
                    Some(n) if metric == AlarmMetric::Target5xxRate && n > 100.0 => self.error(
                        path(&["alarms", attr]),
                        "Invalid alarm threshold",
                        format!(
                            "{attr} is a percentage of the requests: 0 (no such alarm) to 100; got {n} (check `alarms`)."
                        ),
                    ),
                    Some(n) => count = count.map(|c| c + if n > 0.0 { per_metric } else { 0 }),
                    None => count = None,
                }
            }
            match alarms.get("names").elements() {
                Some(names) => {
                    count = count.map(|c| c + names.len());
                    for (i, n) in names.iter().enumerate() {
                        if let Some(s) = n.as_str()
                            && (s.is_empty() || s.len() > 255)
                        {
                            self.error(
                                AttributePath::attr("alarms").join_attr("names").join_index(i),
                                "Invalid alarm name",
                                format!("Alarm names have 1 to 255 characters; got {s:?} (check `alarms`)."),
                            );
                        }
                    }
                }
                None if alarms.get("names").is_null() => {}
                None => count = None,
            }
            let period = alarms.get("period");
            let period = if period.is_null() {
                Some(d::ALARM_PERIOD)
            } else {
                int(period)
            };
            let periods = alarms.get("evaluation_periods");
            let periods = if periods.is_null() {
                Some(d::ALARM_EVALUATION_PERIODS)
            } else {
                int(periods)
            };
            if let Some(p) = period
                && !(p == 10 || p == 30 || (p >= 60 && p % 60 == 0))
            {
                self.error(
                    path(&["alarms", "period"]),
                    "Invalid alarm period",
                    format!("CloudWatch alarm periods are 10, 30 or a multiple of 60 seconds; got {p} (check `alarms`)."),
                );
            }
            if let Some(n) = periods
                && n < 1
            {
                self.error(
                    path(&["alarms", "evaluation_periods"]),
                    "Invalid evaluation periods",
                    format!("An alarm evaluates at least 1 period; got {n} (check `alarms`)."),
                );
            }
            if let (Some(p), Some(n)) = (period, periods)
                && p > 0
                && n > 0
                && p * n > 86_400
            {
                self.error(
                    path(&["alarms", "evaluation_periods"]),
                    "Alarm evaluates more than a day",
                    format!("evaluation_periods × period must be at most 86400 seconds; got {n} × {p} = {} (check `alarms`).", n * p),
                );
            }
            if let Some(n) = count
                && codedeploy
                && n > MAX_DEPLOYMENT_ALARMS
            {
                self.error(
                    path(&["alarms", "names"]),
                    "Too many alarms",
                    format!(
                        "CodeDeploy takes at most {MAX_DEPLOYMENT_ALARMS} alarms per deployment group; this service \
                         would give it {n} (each alarm of `alarms` watches both target groups, so it counts twice, \
                         plus `alarms.names`). Set a threshold to 0 or name fewer alarms (check `alarms`)."
                    ),
                );
            }
        } else {
            count = Some(0);
        }
        if !codedeploy {
            // ECS rolls back on any of the alarms; blue_green's settings are refused elsewhere.
            return;
        }
        if stop_on_alarm == Some(true) && count == Some(0) {
            self.error(
                path(&["blue_green", "auto_rollback_events"]),
                "Rollback on alarm without alarms",
                "DEPLOYMENT_STOP_ON_ALARM rolls back when an alarm stops a deployment, but the service has no \
                 alarms: add an `alarms` block (or `alarms.names`) (check `alarms`)."
                    .to_owned(),
            );
        }
        if let Some(e) = events.elements()
            && e.is_empty()
        {
            self.warning(
                path(&["blue_green", "auto_rollback_events"]),
                "No automatic rollback",
                "With no auto_rollback_events nothing undoes a failed or stopped deployment; the release \
                 stays half done until someone acts. DEPLOYMENT_FAILURE is the default (check `rollback`)."
                    .to_owned(),
            );
        }
        if stop_on_alarm == Some(false) && count.is_some_and(|n| n > 0) {
            self.warning(
                path(&["blue_green", "auto_rollback_events"]),
                "Alarms stop but do not roll back",
                "An alarm in ALARM stops a roll-out, but without DEPLOYMENT_STOP_ON_ALARM in \
                 auto_rollback_events CodeDeploy leaves traffic where it was when it stopped (check `rollback`)."
                    .to_owned(),
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
        self.fact(
            task.get("ephemeral_storage_gib"),
            &["task", "ephemeral_storage_gib"],
            facts::EPHEMERAL_STORAGE_GIB,
            "ephemeral storage (GiB)",
        );
        if let Some(arch) = task.get("cpu_architecture").as_str()
            && !facts::CPU_ARCHITECTURES.values.contains(&arch)
        {
            self.error(
                path(&["task", "cpu_architecture"]),
                "Invalid CPU architecture",
                format!(
                    "cpu_architecture must be {}; got {arch:?}.",
                    one_of(facts::CPU_ARCHITECTURES.values)
                ),
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
        for (at, container) in container_blocks(c) {
            self.container_image(c, container, at.join_attr("image"));
        }
    }

    fn container_image(&mut self, c: &Value, container: &Value, at: AttributePath) {
        let Some(image) = container.get("image").as_str() else {
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
        if strict {
            self.error(at, "Mutable image reference", detail);
        } else {
            self.warning(at, "Mutable image reference", detail);
        }
    }

    fn secrets(&mut self, c: &Value) {
        // The production listener tells the service's account and Region.
        let service = c
            .get("load_balancer")
            .get("production_listener_arn")
            .as_str()
            .and_then(|arn| ListenerArn::parse(arn).ok());
        for (at, container) in container_blocks(c) {
            self.container_secrets(container, &at, service.as_ref());
        }
    }

    fn container_secrets(
        &mut self,
        container: &Value,
        block: &AttributePath,
        service: Option<&ListenerArn>,
    ) {
        if let Some(secrets) = container.get("secrets").entries() {
            for (key, v) in secrets {
                let Some(arn) = v.as_str() else { continue };
                let at = block.join_attr("secrets").join_key(key);
                match SecretArn::parse(arn) {
                    Some(secret) => {
                        if let Some(service) = service
                            && let Some(why) = secret_placement_problem(&secret, service)
                        {
                            self.warning(
                                at,
                                "Secret in another account or Region",
                                format!("{key} refers to {arn}. {why}"),
                            );
                        }
                    }
                    None => self.error(
                        at,
                        "Secret value is not a secret ARN",
                        format!(
                            "secrets values are references, read by the execution role when a task starts: a Secrets \
                             Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM \
                             parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>). {key} holds something \
                             else; never put the secret itself here."
                        ),
                    ),
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
                        block.join_attr("environment").join_key(key),
                        "Credential in a plain environment variable",
                        format!(
                            "{key} looks like a credential, and environment values are stored in plain text in the task \
                             definition and in the state. Put it in Secrets Manager or SSM and reference it in \
                             the container's secrets instead."
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
        for (i, item) in items.iter().enumerate() {
            let at = |attr: &str| {
                AttributePath::attr("capacity_provider_strategy")
                    .join_index(i)
                    .join_attr(attr)
            };
            if let Some(p) = item.get("capacity_provider").as_str()
                && p != "FARGATE"
                && p != "FARGATE_SPOT"
            {
                self.error(
                    at("capacity_provider"),
                    "Invalid capacity provider",
                    format!("Fargate services use FARGATE or FARGATE_SPOT; got {p:?}."),
                );
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
        // No rule against FARGATE_SPOT with ARM64: AWS's API model (ECS
        // CapacityProviderStrategyItem, botocore 1.44.18, read 2026-12-07) says "FARGATE_SPOT
        // supports Linux tasks with the ARM64 architecture on platform version 1.4.0 or later"
        // (Graviton on Fargate Spot since 2024-09); older copies of the ECS guide that say
        // X86_64 only are stale, and the model wins.
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

    fn listeners(&mut self, c: &Value) {
        let lb = c.get("load_balancer");
        let mut parsed = Vec::new();
        for key in ["production_listener_arn", "test_listener_arn"] {
            let Some(arn) = lb.get(key).as_str() else {
                parsed.push(None);
                continue;
            };
            match ListenerArn::parse(arn) {
                Ok(l) => parsed.push(Some(l)),
                Err(why) => {
                    parsed.push(None);
                    self.error(
                        path(&["load_balancer", key]),
                        "Invalid listener ARN",
                        format!(
                            "{arn:?} is not an Application Load Balancer listener ARN: {why}. Expected {LISTENER_ARN_FORM}."
                        ),
                    );
                }
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
        if let [Some(prod), Some(test)] = parsed.as_slice()
            && prod.load_balancer_arn() != test.load_balancer_arn()
        {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Listeners on different load balancers",
                format!(
                    "The test listener is on {}, the production listener on {}. CodeDeploy shifts traffic between \
                     the target groups of one load balancer: give a test listener of {}.",
                    test.load_balancer_arn(),
                    prod.load_balancer_arn(),
                    prod.load_balancer_arn()
                ),
            );
        }
    }

    fn task_role_policy(&mut self, c: &Value) {
        let Some(text) = c.get("task_role_policy_json").as_str() else {
            return;
        };
        if let Some(problem) = policy_document_problem(text) {
            self.error(
                path(&["task_role_policy_json"]),
                "Invalid task role policy",
                format!(
                    "task_role_policy_json is not an IAM policy document the task role can take: {problem}. Give a \
                     document such as {{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \
                     [\"s3:GetObject\"], \"Resource\": [\"arn:aws:s3:::bucket/*\"]}}]}} (jsonencode() or an \
                     aws_iam_policy_document's json), or leave the attribute out for no application permissions."
                ),
            );
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
            && !valid_container_name(n)
        {
            self.error(
                path(&["container", "name"]),
                "Invalid container name",
                format!("{n:?}: use letters, digits, hyphens and underscores (at most 255)."),
            );
        }
        self.fact(
            container.get("port"),
            &["container", "port"],
            facts::CONTAINER_PORT,
            "container port",
        );
        let chc = container.get("health_check");
        self.fact(
            chc.get("interval"),
            &["container", "health_check", "interval"],
            facts::CONTAINER_HEALTH_CHECK_INTERVAL,
            "container health check interval",
        );
        self.fact(
            chc.get("timeout"),
            &["container", "health_check", "timeout"],
            facts::CONTAINER_HEALTH_CHECK_TIMEOUT,
            "container health check timeout",
        );
        self.fact(
            chc.get("retries"),
            &["container", "health_check", "retries"],
            facts::CONTAINER_HEALTH_CHECK_RETRIES,
            "container health check retries",
        );
        self.fact(
            chc.get("start_period"),
            &["container", "health_check", "start_period"],
            facts::CONTAINER_HEALTH_CHECK_START_PERIOD,
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
        self.fact(
            lb.get("listener_rule_priority"),
            &["load_balancer", "listener_rule_priority"],
            facts::LISTENER_RULE_PRIORITY,
            "listener rule priority",
        );
        self.fact(
            lb.get("deregistration_delay"),
            &["load_balancer", "deregistration_delay"],
            facts::DEREGISTRATION_DELAY,
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
        self.fact(
            hc.get("interval"),
            &["load_balancer", "health_check", "interval"],
            facts::TARGET_HEALTH_CHECK_INTERVAL,
            "health check interval",
        );
        self.fact(
            hc.get("timeout"),
            &["load_balancer", "health_check", "timeout"],
            facts::TARGET_HEALTH_CHECK_TIMEOUT,
            "health check timeout",
        );
        self.fact(
            hc.get("healthy_threshold"),
            &["load_balancer", "health_check", "healthy_threshold"],
            facts::TARGET_HEALTH_CHECK_THRESHOLD,
            "healthy threshold",
        );
        self.fact(
            hc.get("unhealthy_threshold"),
            &["load_balancer", "health_check", "unhealthy_threshold"],
            facts::TARGET_HEALTH_CHECK_THRESHOLD,
            "unhealthy threshold",
        );
        let bg = c.get("blue_green");
        self.fact(
            bg.get("termination_wait_minutes"),
            &["blue_green", "termination_wait_minutes"],
            facts::CODEDEPLOY_WAIT_MINUTES,
            "termination wait (minutes)",
        );
        if let Some(events) = bg.get("auto_rollback_events").elements() {
            for (i, e) in events.iter().enumerate() {
                if let Some(e) = e.as_str()
                    && !facts::AUTO_ROLLBACK_EVENTS.values.contains(&e)
                {
                    self.error(
                        AttributePath::attr("blue_green")
                            .join_attr("auto_rollback_events")
                            .join_index(i),
                        "Invalid rollback event",
                        format!(
                            "Events are {}; got {e:?}.",
                            one_of(facts::AUTO_ROLLBACK_EVENTS.values)
                        ),
                    );
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
            && !facts::DNS_ROUTING_POLICIES.values.contains(&p)
        {
            self.error(
                path(&["service_discovery", "routing_policy"]),
                "Invalid routing policy",
                format!(
                    "routing_policy is {}; got {p:?}.",
                    one_of(facts::DNS_ROUTING_POLICIES.values)
                ),
            );
        }
    }
}

/// Why a secret outside the service's account or Region may not reach the task, naming what
/// the execution role needs there; `None` when it lives beside the service.
pub fn secret_placement_problem(secret: &SecretArn, service: &ListenerArn) -> Option<String> {
    let other_account = secret.account_id != service.account_id;
    let other_region = secret.region != service.region;
    if !other_account && !other_region {
        return None;
    }
    let here = format!("account {} in {}", service.account_id, service.region);
    let there = format!("account {} in {}", secret.account_id, secret.region);
    let own_kms = format!(
        "The execution role this resource creates may kms:Decrypt only keys of account {} in {}, so a \
         customer-managed key there must grant kms:Decrypt to the execution role in its key policy.",
        service.account_id, service.region
    );
    Some(match (secret.store, other_account) {
        (SecretStore::SecretsManager, true) => format!(
            "The service runs in {here}, the secret is in {there}. The execution role reads it only if the \
             secret's resource policy allows the execution role secretsmanager:GetSecretValue and the secret is \
             encrypted with a customer-managed KMS key whose key policy allows the execution role kms:Decrypt (the \
             aws/secretsmanager key cannot be used from another account). {own_kms}"
        ),
        (SecretStore::SecretsManager, false) => format!(
            "The service runs in {here}, the secret is in {there}. ECS reads it there by its full ARN; if the \
             secret uses a customer-managed KMS key, the execution role needs kms:Decrypt on that key in {}. \
             {own_kms} A replica of the secret in {} avoids both.",
            secret.region, service.region
        ),
        (SecretStore::ParameterStore, true) => format!(
            "The service runs in {here}, the parameter is in {there}. A parameter of another account is readable \
             only when it is an advanced-tier parameter shared with this account through AWS RAM, and a \
             SecureString's customer-managed KMS key must allow the execution role kms:Decrypt. {own_kms}"
        ),
        (SecretStore::ParameterStore, false) => format!(
            "The service runs in {here}, the parameter is in {there}. ECS finds a parameter of another Region only \
             by its full ARN (a name alone resolves in {} only), and a SecureString's customer-managed KMS key in \
             {} must allow the execution role kms:Decrypt. {own_kms}",
            service.region, secret.region
        ),
    })
}

/// What keeps `text` from being an identity policy IAM accepts on the task role, if anything.
pub fn policy_document_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("it is empty".into());
    }
    let doc: Json = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return Some(format!("it is not valid JSON ({e})")),
    };
    let Some(doc) = doc.as_object() else {
        return Some("it is JSON but not an object".into());
    };
    if let Some(v) = doc.get("Version")
        && !matches!(v.as_str(), Some("2012-10-17" | "2008-10-17"))
    {
        return Some(format!(
            "its Version is {v}; IAM knows \"2012-10-17\" (current) and \"2008-10-17\""
        ));
    }
    let statements: Vec<&Json> = match doc.get("Statement") {
        None => return Some("it has no Statement".into()),
        Some(Json::Array(items)) if items.is_empty() => {
            return Some("its Statement list is empty".into());
        }
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one @ Json::Object(_)) => vec![one],
        Some(_) => return Some("its Statement is neither an object nor a list of objects".into()),
    };
    for (i, statement) in statements.iter().enumerate() {
        let Some(st) = statement.as_object() else {
            return Some(format!("statement {} is not an object", i + 1));
        };
        let which = match st.get("Sid").and_then(Json::as_str) {
            Some(sid) => format!("statement {sid:?}"),
            None => format!("statement {}", i + 1),
        };
        match st.get("Effect") {
            Some(Json::String(e)) if e == "Allow" || e == "Deny" => {}
            Some(e) => {
                return Some(format!(
                    "{which} has Effect {e}; it is \"Allow\" or \"Deny\""
                ));
            }
            None => return Some(format!("{which} has no Effect")),
        }
        if !st.contains_key("Action") && !st.contains_key("NotAction") {
            return Some(format!("{which} has no Action or NotAction"));
        }
        if !st.contains_key("Resource") && !st.contains_key("NotResource") {
            return Some(format!("{which} has no Resource or NotResource"));
        }
        if st.contains_key("Principal") || st.contains_key("NotPrincipal") {
            return Some(format!(
                "{which} names a Principal, which a policy attached to a role cannot (is it a trust policy?)"
            ));
        }
    }
    None
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
    fn matchers() {
        for ok in ["200", "200,204", "200-299", "404"] {
            assert!(valid_matcher(ok), "{ok}");
        }
        for bad in ["", "20", "600", "299-200", "ok", "200,"] {
            assert!(!valid_matcher(bad), "{bad}");
        }
    }

    fn subnet(id: &str, vpc: &str, az: &str, free: i64) -> SubnetInfo {
        SubnetInfo {
            id: id.into(),
            vpc_id: vpc.into(),
            availability_zone: az.into(),
            free_ips: free,
        }
    }

    #[test]
    fn subnet_capacity_counts_the_blue_green_surge() {
        let two = |a, b| {
            [
                subnet("a", "vpc-1", "us-east-1a", a),
                subnet("b", "vpc-1", "us-east-1b", b),
            ]
        };
        let ok = subnet_capacity(&two(5, 5), PeakTasks::Desired(5));
        assert!(ok.is_empty(), "{ok:?}");
        let short = subnet_capacity(&two(4, 5), PeakTasks::Desired(5));
        assert!(short.has_errors());
        assert!(
            short.0[0].detail.contains("9 free IP addresses"),
            "{:?}",
            short.0[0]
        );
        // Autoscaling may have scaled out when a deployment starts: its maximum is doubled.
        let scaled = subnet_capacity(&two(50, 50), PeakTasks::AutoscalingMax(60));
        assert!(scaled.has_errors());
        assert!(
            scaled.0[0].detail.contains("runs 120")
                && scaled.0[0].detail.contains("autoscaling.max"),
            "{:?}",
            scaled.0[0]
        );
        let one_zone = subnet_capacity(
            &[
                subnet("a", "vpc-1", "us-east-1a", 50),
                subnet("b", "vpc-1", "us-east-1a", 50),
            ],
            PeakTasks::Desired(2),
        );
        assert_eq!(one_zone.0.len(), 1);
        assert!(!one_zone.has_errors());
    }

    #[test]
    fn subnets_are_in_the_load_balancers_vpc() {
        let subnets = [
            subnet("subnet-a", "vpc-1", "us-east-1a", 50),
            subnet("subnet-b", "vpc-2", "us-east-1b", 50),
        ];
        assert!(subnet_vpcs(&subnets[..1], Some("vpc-1")).is_empty());
        let wrong = subnet_vpcs(&subnets, Some("vpc-1"));
        assert_eq!(wrong.0.len(), 1, "{wrong:?}");
        assert!(wrong.has_errors());
        assert!(
            wrong.0[0].detail.contains("subnet-b is in vpc-2"),
            "{:?}",
            wrong.0[0]
        );
        assert_eq!(wrong.0[0].attribute, Some(path(&["network", "subnets"])));
        // With the VPC unknown, the subnets must still share one.
        let split = subnet_vpcs(&subnets, None);
        assert!(split.has_errors());
        assert!(split.0[0].detail.contains("vpc-1, vpc-2"), "{split:?}");
        assert!(subnet_vpcs(&subnets[1..], None).is_empty());
    }

    fn group(id: &str, ingress: Vec<IngressRule>) -> SecurityGroupInfo {
        SecurityGroupInfo {
            id: id.into(),
            ingress,
        }
    }

    fn tcp(from: i64, to: i64) -> IngressRule {
        IngressRule {
            protocol: "tcp".into(),
            from_port: Some(from),
            to_port: Some(to),
            ..IngressRule::default()
        }
    }

    #[test]
    fn tasks_admit_the_load_balancer_on_the_container_port() {
        let lb = vec!["sg-lb".to_owned()];
        let configured = vec!["sg-tasks".to_owned(), "sg-other".to_owned()];
        let check = |groups: &[SecurityGroupInfo]| {
            security_group_reachability(groups, &configured, Some(&lb), 8080)
        };
        let from_lb = IngressRule {
            source_groups: lb.clone(),
            ..tcp(8080, 8080)
        };
        assert!(check(&[group("sg-tasks", vec![from_lb.clone()])]).is_empty());
        // A range covering the port, every protocol, or an address range also admit it.
        for rule in [
            IngressRule {
                source_groups: lb.clone(),
                ..tcp(8000, 9000)
            },
            IngressRule {
                protocol: "-1".into(),
                source_groups: lb.clone(),
                ..IngressRule::default()
            },
            IngressRule {
                cidrs: vec!["10.0.0.0/16".into()],
                ..tcp(8080, 8080)
            },
        ] {
            let d = check(&[group("sg-other", vec![rule.clone()])]);
            assert!(d.is_empty(), "{rule:?}: {d:?}");
        }
        // Another port, another group, UDP: the load balancer is not admitted.
        for rule in [
            IngressRule {
                source_groups: lb.clone(),
                ..tcp(80, 80)
            },
            IngressRule {
                source_groups: vec!["sg-elsewhere".into()],
                ..tcp(8080, 8080)
            },
            IngressRule {
                protocol: "udp".into(),
                ..from_lb.clone()
            },
        ] {
            let d = check(&[group("sg-tasks", vec![rule.clone()])]);
            assert_eq!(d.0.len(), 1, "{rule:?}: {d:?}");
            assert!(!d.has_errors());
            assert_eq!(
                d.0[0].summary,
                "Task security groups do not admit the load balancer"
            );
            assert!(d.0[0].detail.contains("TCP port 8080") && d.0[0].detail.contains("sg-lb"));
            assert_eq!(
                d.0[0].attribute,
                Some(path(&["network", "security_groups"]))
            );
        }
        // Without the load balancer's groups, only the open-to-the-world half runs.
        assert!(
            security_group_reachability(&[group("sg-tasks", vec![])], &configured, None, 8080)
                .is_empty()
        );
    }

    #[test]
    fn a_task_group_open_to_the_world_is_named_at_its_index() {
        let configured = vec!["sg-tasks".to_owned(), "sg-open".to_owned()];
        let lb = vec!["sg-lb".to_owned()];
        let groups = [
            group(
                "sg-tasks",
                vec![IngressRule {
                    source_groups: lb.clone(),
                    ..tcp(8080, 8080)
                }],
            ),
            group(
                "sg-open",
                vec![IngressRule {
                    cidrs: vec!["0.0.0.0/0".into(), "::/0".into()],
                    ..tcp(443, 443)
                }],
            ),
        ];
        let d = security_group_reachability(&groups, &configured, Some(&lb), 8080);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].summary, "Task security group open to the internet");
        assert!(
            d.0[0]
                .detail
                .contains("sg-open admits tcp 443 from 0.0.0.0/0 and ::/0"),
            "{:?}",
            d.0[0]
        );
        assert_eq!(
            d.0[0].attribute,
            Some(path(&["network", "security_groups"]).join_index(1))
        );
    }

    #[test]
    fn policy_documents() {
        for ok in [
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}"#,
            r#"{"Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::x"}}"#,
            r#"{"Version":"2008-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#,
        ] {
            assert_eq!(policy_document_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("{\"Statement\": [", "not valid JSON"),
            ("[]", "not an object"),
            (r#"{"Version":"2012-10-18","Statement":[]}"#, "Version"),
            (r#"{"Version":"2012-10-17"}"#, "no Statement"),
            (r#"{"Statement":[]}"#, "list is empty"),
            (r#"{"Statement":"Allow"}"#, "neither an object"),
            (r#"{"Statement":[1]}"#, "statement 1 is not an object"),
            (
                r#"{"Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}"#,
                "Effect \"allow\"",
            ),
            (
                r#"{"Statement":[{"Sid":"Read","Action":"s3:*","Resource":"*"}]}"#,
                "statement \"Read\" has no Effect",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
                "no Action",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#,
                "no Resource",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Principal":{"Service":"ecs-tasks.amazonaws.com"}}]}"#,
                "Principal",
            ),
        ] {
            let problem = policy_document_problem(bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem:?}");
        }
    }

    #[test]
    fn secrets_elsewhere_name_what_the_execution_role_needs() {
        let service = ListenerArn::parse(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2",
        )
        .expect("listener");
        let problem = |arn: &str| {
            secret_placement_problem(&SecretArn::parse(arn).expect(arn), &service)
                .unwrap_or_default()
        };
        assert_eq!(
            problem("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
            ""
        );
        let other_account =
            problem("arn:aws:secretsmanager:us-east-1:210987654321:secret:db-AbCdEf");
        assert!(
            other_account.contains("resource policy") && other_account.contains("kms:Decrypt"),
            "{other_account}"
        );
        let other_region =
            problem("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf");
        assert!(other_region.contains("replica"), "{other_region}");
        let parameter = problem("arn:aws:ssm:eu-west-1:123456789012:parameter/db");
        assert!(parameter.contains("full ARN"), "{parameter}");
        let shared = problem("arn:aws:ssm:us-east-1:210987654321:parameter/db");
        assert!(shared.contains("AWS RAM"), "{shared}");
    }

    #[test]
    fn listener_and_policy_rules_in_a_configuration() {
        let listener = |lb: &str, id: &str| {
            Value::string(format!(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/{lb}/{id}"
            ))
        };
        let config = |prod: Value, test: Value, policy: Value, secret: &str| {
            Value::object([
                ("task_role_policy_json", policy),
                (
                    "container",
                    Value::object([
                        ("port", Value::int(8080)),
                        (
                            "secrets",
                            Value::Map([("DB".to_owned(), Value::string(secret))].into()),
                        ),
                    ]),
                ),
                (
                    "load_balancer",
                    Value::object([
                        ("production_listener_arn", prod),
                        ("test_listener_arn", test),
                        ("deregistration_delay", Value::int(30)),
                    ]),
                ),
            ])
        };
        let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
        let prod = listener("app/edge/50dc6c495c0c9188", "f2f7dc8efc522ab2");
        let summaries = |d: Diagnostics| {
            d.0.into_iter()
                .map(|d| (d.summary, d.attribute))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            summaries(check(&config(
                prod.clone(),
                listener("app/edge/50dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
                Value::Null,
                secret
            ))),
            []
        );
        assert_eq!(
            summaries(check(&config(
                prod.clone(),
                listener("app/other/60dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
                Value::string("{not json"),
                &secret.replace("123456789012", "210987654321"),
            ))),
            [
                (
                    "Secret in another account or Region".to_owned(),
                    Some(path(&["container", "secrets"]).join_key("DB"))
                ),
                (
                    "Listeners on different load balancers".to_owned(),
                    Some(path(&["load_balancer", "test_listener_arn"]))
                ),
                (
                    "Invalid task role policy".to_owned(),
                    Some(path(&["task_role_policy_json"]))
                ),
            ]
        );
        let nlb = check(&config(
            prod.clone(),
            listener("net/edge/50dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
            Value::unknown(),
            secret,
        ));
        assert_eq!(nlb.0.len(), 1, "{nlb:?}");
        assert!(
            nlb.0[0].detail.contains("Network Load Balancer"),
            "{:?}",
            nlb.0[0]
        );
        assert!(
            nlb.0[0].detail.contains("listener/app/<lb-name>"),
            "{:?}",
            nlb.0[0]
        );
    }

    /// Graviton on Fargate Spot is what seed 003 recommends and AWS has run since 2024-09: the
    /// capacity rules accept it (the rule that refused it followed a stale page).
    #[test]
    fn arm64_on_fargate_spot_is_no_error() {
        let config = Value::object([
            (
                "task",
                Value::object([("cpu_architecture", Value::string("ARM64"))]),
            ),
            (
                "capacity_provider_strategy",
                Value::List(vec![
                    Value::object([
                        ("capacity_provider", Value::string("FARGATE")),
                        ("base", Value::int(1)),
                        ("weight", Value::int(1)),
                    ]),
                    Value::object([
                        ("capacity_provider", Value::string("FARGATE_SPOT")),
                        ("weight", Value::int(3)),
                    ]),
                ]),
            ),
        ]);
        let diags = check(&config);
        let about_capacity: Vec<_> = diags
            .0
            .iter()
            .filter(|d| {
                d.attribute.as_ref().is_some_and(|a| {
                    a.steps.first()
                        == Some(&crate::value::PathStep::Attribute(
                            "capacity_provider_strategy".into(),
                        ))
                })
            })
            .collect();
        assert!(about_capacity.is_empty(), "{about_capacity:?}");
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
