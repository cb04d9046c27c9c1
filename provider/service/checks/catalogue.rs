//! The catalogue of the production checks: every rule as data (its id, severity, what it
//! checks, when it runs and which file holds its code). The resource's documentation renders its
//! table of checks from this list, and the module generator quotes it in its validations.

/// When a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// On the configuration alone, at `tofu validate` and again at plan (`checks::check`).
    Validate,
    /// At plan only, on what AWS says about the network (`fargate::network_checks`); its text
    /// starts with *plan*.
    Plan,
}

/// One rule of the production checks, for the documentation.
pub struct Rule {
    /// What the docs and the diagnostics' "(check `id`)" call it.
    pub id: &'static str,
    pub severity: &'static str,
    /// What it checks, a row of the docs' table (Markdown).
    pub text: &'static str,
    pub stage: Stage,
    /// The files under provider/ that hold its code.
    pub checked_in: &'static [&'static str],
}

/// Every rule with its severity, as the resource's documentation lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "task-size",
        severity: "error",
        text: "`task.cpu`/`task.memory` must be one of Fargate's valid pairs; the error lists the valid memory values for the cpu",
        stage: Stage::Validate,
        checked_in: &["service/checks/sizing.rs"],
    },
    Rule {
        id: "ephemeral-storage",
        severity: "error",
        text: "`task.ephemeral_storage_gib` between 21 and 200",
        stage: Stage::Validate,
        checked_in: &["service/checks/sizing.rs"],
    },
    Rule {
        id: "stop-timeout",
        severity: "error",
        text: "`container.stop_timeout` and a sidecar's `stop_timeout` between 2 and 120 s (Fargate's maximum)",
        stage: Stage::Validate,
        checked_in: &["service/checks/timers.rs", "service/checks/containers.rs"],
    },
    Rule {
        id: "drain-vs-stop",
        severity: "error",
        text: "`container.drain_timeout` below `stop_timeout`, or the app is killed mid-drain",
        stage: Stage::Validate,
        checked_in: &["service/checks/timers.rs"],
    },
    Rule {
        id: "drain-vs-deregistration",
        severity: "warning",
        text: "`container.drain_timeout` at most `load_balancer.deregistration_delay`, or the ALB cuts connections still being served",
        stage: Stage::Validate,
        checked_in: &["service/checks/timers.rs"],
    },
    Rule {
        id: "deregistration-default",
        severity: "warning",
        text: "`load_balancer.deregistration_delay` left at AWS's 300 s: set it just above the drain time",
        stage: Stage::Validate,
        checked_in: &["service/checks/timers.rs"],
    },
    Rule {
        id: "grace-vs-start-period",
        severity: "warning",
        text: "`load_balancer.health_check_grace_period` at least the container health check's `start_period`",
        stage: Stage::Validate,
        checked_in: &["service/checks/timers.rs"],
    },
    Rule {
        id: "health-timeout",
        severity: "error",
        text: "target group health check `timeout` below its `interval`",
        stage: Stage::Validate,
        checked_in: &["service/checks/timers.rs", "service/checks/containers.rs"],
    },
    Rule {
        id: "mutable-image",
        severity: "warning (error with require_immutable_image)",
        text: "an image with a `:latest` tag, a tag that by convention moves (`stable`, `prod`, `production`, `staging`, `main`, `master`, `dev`, `develop`, `edge`, `nightly`, `current`, `release`) or no tag; a digest is always fine",
        stage: Stage::Validate,
        checked_in: &["service/checks/images.rs"],
    },
    Rule {
        id: "secret-arn",
        severity: "error",
        text: "`container.secrets` and each sidecar's `secrets` values must be Secrets Manager secret or SSM parameter ARNs",
        stage: Stage::Validate,
        checked_in: &["service/checks/secrets.rs"],
    },
    Rule {
        id: "plaintext-credential",
        severity: "warning",
        text: "an `environment` variable whose name looks like a credential belongs in `secrets`",
        stage: Stage::Validate,
        checked_in: &["service/checks/secrets.rs"],
    },
    Rule {
        id: "scaling-bounds",
        severity: "error",
        text: "`autoscaling.min` <= `desired_count` <= `autoscaling.max` (never clamped silently)",
        stage: Stage::Validate,
        checked_in: &["service/checks/sizing.rs"],
    },
    Rule {
        id: "capacity-strategy",
        severity: "error",
        text: "capacity providers `FARGATE`/`FARGATE_SPOT`, at most one with a base, weights 0 to 1000, at least one weight > 0",
        stage: Stage::Validate,
        checked_in: &["service/checks/sizing.rs"],
    },
    Rule {
        id: "spot-only",
        severity: "warning",
        text: "a `capacity_provider_strategy` that places no task on `FARGATE` (no base or weight): every task may be reclaimed with two minutes' notice",
        stage: Stage::Validate,
        checked_in: &["service/checks/sizing.rs"],
    },
    Rule {
        id: "public-ip",
        severity: "warning",
        text: "`network.assign_public_ip = true`: tasks belong in private subnets",
        stage: Stage::Validate,
        checked_in: &["service/checks/network.rs"],
    },
    Rule {
        id: "single-subnet",
        severity: "warning",
        text: "a single subnet means a single Availability Zone",
        stage: Stage::Validate,
        checked_in: &["service/checks/network.rs"],
    },
    Rule {
        id: "name",
        severity: "error",
        text: "`name` usable by every child: a letter first, then letters, digits and hyphens, at most 63 characters, not ending in a hyphen",
        stage: Stage::Validate,
        checked_in: &["service/checks/containers.rs"],
    },
    Rule {
        id: "container-name",
        severity: "error",
        text: "`container.name` and each `sidecar.name`: letters, digits, hyphens and underscores, at most 255, unique in the task",
        stage: Stage::Validate,
        checked_in: &["service/checks/containers.rs", "service/checks/tasks.rs"],
    },
    Rule {
        id: "health-path",
        severity: "error",
        text: "target group health check `path` starts with `/`",
        stage: Stage::Validate,
        checked_in: &["service/checks/routing.rs"],
    },
    Rule {
        id: "matcher",
        severity: "error",
        text: "`matcher` is HTTP codes (200–499) as a list (`200,204`) or a range (`200-299`)",
        stage: Stage::Validate,
        checked_in: &["service/checks/routing.rs"],
    },
    Rule {
        id: "port",
        severity: "error",
        text: "`container.port` and each sidecar's `port_mapping.container_port` between 1 and 65535, the protocol `tcp` or `udp`",
        stage: Stage::Validate,
        checked_in: &["service/checks/containers.rs"],
    },
    Rule {
        id: "container-size",
        severity: "error",
        text: "each container's `memory_reservation` at most its `memory`, sizes not negative (memory at least 6 MiB); the containers' `cpu` together at most `task.cpu`, their `memory` (the reservation where no limit is set) together at most `task.memory`",
        stage: Stage::Validate,
        checked_in: &["service/checks/tasks.rs"],
    },
    Rule {
        id: "depends-on",
        severity: "error",
        text: "`depends_on` names another container of the task with START, COMPLETE, SUCCESS or HEALTHY; HEALTHY only on a container with a `health_check`; COMPLETE and SUCCESS only on a non-essential container; no containers that wait for each other in a circle",
        stage: Stage::Validate,
        checked_in: &["service/checks/tasks.rs"],
    },
    Rule {
        id: "firelens",
        severity: "error",
        text: "at most one sidecar with `firelens`; the `awsfirelens` log driver only with such a router, and not on the router itself; `log.options` only with `awsfirelens`; `firelens.type` fluentbit or fluentd; `config_file_type` (s3 or file) and `config_file_value` together, an S3 object ARN for s3",
        stage: Stage::Validate,
        checked_in: &["service/checks/firelens.rs"],
    },
    Rule {
        id: "awslogs-multiline",
        severity: "error",
        text: "`log.multiline_pattern` and `log.datetime_format` only with the `awslogs` driver, and not both (\"You cannot configure both\", the ECS API's `LogConfiguration`)",
        stage: Stage::Validate,
        checked_in: &["service/checks/firelens.rs"],
    },
    Rule {
        id: "volumes",
        severity: "error",
        text: "volume names unique; each `mount_point.source_volume` names a volume of the service, its `container_path` absolute and not mounted twice in one container",
        stage: Stage::Validate,
        checked_in: &["service/checks/volumes.rs"],
    },
    Rule {
        id: "efs",
        severity: "error",
        text: "an EFS volume with IAM authorization or an access point has transit encryption; with an access point no `root_directory` other than `/`; EFS volumes need `platform_version` 1.4.0 or LATEST",
        stage: Stage::Validate,
        checked_in: &["service/checks/volumes.rs"],
    },
    Rule {
        id: "capabilities",
        severity: "error",
        text: "`drop_capabilities` and `add_capabilities` are Linux capability names (without CAP_; ALL only to drop); Fargate adds only SYS_PTRACE",
        stage: Stage::Validate,
        checked_in: &["service/checks/hardening.rs"],
    },
    Rule {
        id: "ulimits",
        severity: "error",
        text: "`ulimit` names are ECS's (core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack), each once per container, the soft limit at most the hard one, nofile at most 1048576",
        stage: Stage::Validate,
        checked_in: &["service/checks/hardening.rs"],
    },
    Rule {
        id: "exec",
        severity: "warning",
        text: "`enable_execute_command` with the application's `readonly_root_filesystem`: ECS Exec's agent needs to write there",
        stage: Stage::Validate,
        checked_in: &["service/checks/hardening.rs"],
    },
    Rule {
        id: "managed-policies",
        severity: "error",
        text: "`task_role_managed_policy_arns` are IAM managed policy ARNs (`arn:aws:iam::aws:policy/…` or `arn:aws:iam::<account>:policy/…`), at most 20",
        stage: Stage::Validate,
        checked_in: &["service/checks/policies.rs"],
    },
    Rule {
        id: "ranges",
        severity: "error",
        text: "AWS's bounds on intervals, timeouts, thresholds, retries, TTL, cooldowns, termination wait and rule priority",
        stage: Stage::Validate,
        checked_in: &[
            "service/checks/containers.rs",
            "service/checks/routing.rs",
            "service/checks/sizing.rs",
            "service/checks/deployment.rs",
        ],
    },
    Rule {
        id: "alarms",
        severity: "error",
        text: "`blue_green.auto_rollback_events` with `DEPLOYMENT_STOP_ON_ALARM` needs alarms (`alarms` with a threshold above 0, or `alarms.names`); CodeDeploy takes at most 10 alarms (each alarm of `alarms` counts twice, one per target group); `alarms.period` 10, 20, 30 or a multiple of 60, `evaluation_periods` at least 1 and their product at most a day (a week for periods of an hour or more); thresholds not negative, `target_5xx_rate_percent` at most 100",
        stage: Stage::Validate,
        checked_in: &["service/checks/alarms.rs"],
    },
    Rule {
        id: "traffic-validation",
        severity: "error",
        text: "`blue_green.hooks` keys are AppSpec events of an ECS deployment (BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic) and values Lambda function ARNs named `CodeDeployHook_*` (what AWSCodeDeployRoleForECS lets CodeDeploy invoke); `approve_traffic` needs a `test_traffic_wait_minutes` of at least 1; the wait is 0–2880 minutes",
        stage: Stage::Validate,
        checked_in: &["service/checks/deployment.rs"],
    },
    Rule {
        id: "strategy",
        severity: "error",
        text: "`deployment_strategy` one of codedeploy, blue_green, linear, canary, rolling; each strategy's settings only with it (`blue_green` with codedeploy; `ecs_deployment` bake time and hooks with blue_green/linear/canary, linear and canary steps with their strategy, percents and the circuit breaker with its threshold with rolling); a circuit breaker threshold type of COUNT, BOUNDED_PERCENT or UNBOUNDED_PERCENT, a threshold of 1 or more, and neither (nor the reset) with `circuit_breaker = false`; a test listener for every strategy but rolling, none for rolling; bake and step waits 0–1440 minutes, linear steps 3–100 %, a canary 0.1–100 %, minimum healthy 0–100 % below a maximum of 100–200 %; hooks at ECS lifecycle stages and Lambda function ARNs; `pause_at` (blue_green/linear/canary) at the stages a pause takes (RECONCILE_SERVICE, PRE_SCALE_UP, POST_SCALE_UP, POST_TEST_TRAFFIC_SHIFT, PRE_PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT), a pause timeout of 1–20160 minutes and an action of CONTINUE or ROLLBACK, neither without a stage",
        stage: Stage::Validate,
        checked_in: &["service/checks/deployment.rs", "service/checks/pause.rs"],
    },
    Rule {
        id: "rollback",
        severity: "warning",
        text: "no `auto_rollback_events` (nothing undoes a bad release), or alarms without `DEPLOYMENT_STOP_ON_ALARM` (an alarm stops a roll-out but does not roll it back); a rolling service without the circuit breaker or alarms",
        stage: Stage::Validate,
        checked_in: &["service/checks/alarms.rs", "service/checks/deployment.rs"],
    },
    Rule {
        id: "breaker-threshold",
        severity: "warning",
        text: "a rolling service's circuit breaker threshold, where the configuration sets it, reached only once as many tasks have failed to start as the service runs at `desired_count` or `autoscaling.min`, or one failed task stopping the deployment at 10 or more tasks; the diagnostic gives the threshold at each task count",
        stage: Stage::Validate,
        checked_in: &["service/checks/circuit_breaker.rs"],
    },
    Rule {
        id: "high-resolution",
        severity: "error",
        text: "`autoscaling.high_resolution` under the ECS-controller strategies only (ECS keeps the metrics' resolution on the service revisions their deployments make; CodeDeploy's task sets carry none), and with `cpu_target` or `memory_target` (the load balancer's request count has no 20-second form)",
        stage: Stage::Validate,
        checked_in: &["service/checks/scaling.rs"],
    },
    Rule {
        id: "load-balancer",
        severity: "error",
        text: "`load_balancer` for every strategy but rolling; a rolling service without one (a worker or queue consumer) takes no `autoscaling.requests_per_target` (it counts the load balancer's requests) and no thresholds in `alarms` (they watch target groups; `alarms.names` still roll a deployment back)",
        stage: Stage::Validate,
        checked_in: &["service/checks/routing.rs"],
    },
    Rule {
        id: "container-port",
        severity: "error",
        text: "`container.port` with a `load_balancer` (it sends traffic to that port) and with SRV service discovery (the record carries it); a worker without either may leave it unset",
        stage: Stage::Validate,
        checked_in: &["service/checks/routing.rs"],
    },
    Rule {
        id: "listener-arn",
        severity: "error",
        text: "`load_balancer.production_listener_arn` and `test_listener_arn` must be two different Application or Network Load Balancer listener ARNs (`…:listener/app/…` or `…:listener/net/<lb-name>/<lb-id>/<listener-id>`), not Gateway Load Balancer listeners",
        stage: Stage::Validate,
        checked_in: &["service/checks/routing.rs"],
    },
    Rule {
        id: "load-balancer-kind",
        severity: "error",
        text: "what the production listener's load balancer takes: target groups `HTTP` behind an ALB, `TCP` or `TLS` behind an NLB; health checks `HTTP` behind an ALB, `TCP`, `HTTP` or `HTTPS` behind an NLB, and a TCP check without `path` or `matcher`; behind an NLB no listener rule settings (`listener_rule_priority`, `path_patterns`, `host_headers`), no alarms on HTTP metrics, no `requests_per_target`, and under `codedeploy` only `CodeDeployDefault.ECSAllAtOnce`",
        stage: Stage::Validate,
        checked_in: &["service/checks/load_balancers.rs"],
    },
    Rule {
        id: "listener-serves-another",
        severity: "error",
        text: "*plan*: a Network Load Balancer listener forwards to one service: it may forward to this service's target groups or to empty ones (the group it goes back to on destroy), not to a group with registered targets of another service",
        stage: Stage::Plan,
        checked_in: &["fargate/production_service/plan.rs"],
    },
    Rule {
        id: "same-load-balancer",
        severity: "error",
        text: "the production and test listeners must belong to one load balancer, as CodeDeploy requires",
        stage: Stage::Validate,
        checked_in: &["service/checks/routing.rs"],
    },
    Rule {
        id: "task-role-policy",
        severity: "error",
        text: "`task_role_policy_json` is an IAM identity policy: JSON with a `Statement` (an object or a non-empty list), each with `Effect` Allow or Deny, `Action`/`NotAction`, `Resource`/`NotResource` and no `Principal`; `Version` 2012-10-17 or 2008-10-17",
        stage: Stage::Validate,
        checked_in: &["service/checks/policies.rs"],
    },
    Rule {
        id: "secret-placement",
        severity: "warning",
        text: "a `secrets` ARN (of any container) in another account or Region than the listeners: names the resource or key policy the execution role then needs",
        stage: Stage::Validate,
        checked_in: &["service/checks/secrets.rs"],
    },
    Rule {
        id: "empty-identifier",
        severity: "error",
        text: "an attribute that names something in AWS (the cluster, an image, a secret, the log group, a volume, an EFS file system or access point, a managed policy, a subnet, a security group, the VPC, the Cloud Map namespace, a capacity provider, the deployment configuration, a hook function, an alarm, the platform version) given as an empty string",
        stage: Stage::Validate,
        checked_in: &["service/empty_identifiers.rs"],
    },
    Rule {
        id: "tags",
        severity: "error",
        text: "`tags` (and the provider's `default_tags`) as AWS takes them: keys of 1 to 128 and values of at most 256 letters, digits, spaces and `_ . : / = + - @`, no `aws:` prefix, not the provider's own `fargate:` tags, and with the provider's two at most 50 on a resource (the merged count is checked at plan)",
        stage: Stage::Validate,
        checked_in: &["service/tag_checks.rs"],
    },
    Rule {
        id: "pipeline-image",
        severity: "warning (error for an unknown owner)",
        text: "`image_owner` is `terraform` or `pipeline`; with `pipeline`, every container's image is a digest (`repo@sha256:…`), as running images are compared by reference",
        stage: Stage::Validate,
        checked_in: &["service/checks/images.rs"],
    },
    Rule {
        id: "max-monthly-cost",
        severity: "error",
        text: "`max_monthly_cost` is 0 or more",
        stage: Stage::Validate,
        checked_in: &["service/checks/cost.rs"],
    },
    Rule {
        id: "cost",
        severity: "warning",
        text: "*plan*, from the committed price table (no AWS call): `monthly_cost.total_high` (the tasks at `desired_count` with no Spot discount, the service's alarms and 20-second metrics) is at most `max_monthly_cost`; a Region without prices gives a null `monthly_cost` and this warning",
        stage: Stage::Plan,
        checked_in: &["service/checks/cost.rs", "service/change/cost.rs"],
    },
    Rule {
        id: "cluster",
        severity: "warning",
        text: "*plan*, looking the cluster up (ECS DescribeClusters): it exists, every provider of `capacity_provider_strategy` is associated with it (ECS refuses the service otherwise; a warning, as the association may come in the same apply), and Container Insights is on",
        stage: Stage::Plan,
        checked_in: &["service/checks/cluster.rs", "fargate/network_checks.rs"],
    },
    Rule {
        id: "subnet-vpc",
        severity: "error",
        text: "*plan*, looking the subnets up (EC2 DescribeSubnets): every subnet is in `load_balancer.vpc_id`",
        stage: Stage::Plan,
        checked_in: &["service/checks/network.rs"],
    },
    Rule {
        id: "subnet-capacity",
        severity: "error (warning for the zones)",
        text: "*plan*, same lookup: the subnets' free IP addresses hold a deployment at its peak: twice `desired_count` tasks (or twice `autoscaling.max` with autoscaling) for a blue/green family, `ecs_deployment.maximum_percent` of them (rounded down) for a rolling update; a warning when they span fewer than two Availability Zones",
        stage: Stage::Plan,
        checked_in: &["service/checks/network.rs"],
    },
    Rule {
        id: "security-groups",
        severity: "warning",
        text: "*plan*, looking up the task security groups and the load balancer's (EC2 DescribeSecurityGroups, ELBv2 DescribeLoadBalancers): some task group admits TCP `container.port` from the load balancer's groups or an address range, and none admits 0.0.0.0/0 or ::/0",
        stage: Stage::Plan,
        checked_in: &["service/checks/network.rs"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_files_that_exist_and_its_stage() {
        let provider = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("provider");
        let mut ids = std::collections::BTreeSet::new();
        for rule in RULES {
            assert!(ids.insert(rule.id), "{} twice", rule.id);
            assert!(!rule.checked_in.is_empty(), "{}", rule.id);
            for file in rule.checked_in {
                assert!(provider.join(file).is_file(), "{}: {file}", rule.id);
            }
            assert_eq!(
                rule.text.starts_with("*plan*"),
                rule.stage == Stage::Plan,
                "{}",
                rule.id
            );
        }
    }
}
