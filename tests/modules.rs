//! The module generator: the committed modules/ are its output, `tofu fmt` accepts them, and
//! for the same inputs the modules ask hashicorp/aws for the same children with the same
//! settings as the resource's expansion (parity, see module_parity/) and refuse what the
//! resource's checks refuse. `generate service` and `eject` are driven as a user runs them,
//! through the binary.

mod module_eval;
mod module_parity;
mod support;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use fargate_provider::hcl::service_call::config_from_hcl;
use fargate_provider::hcl::{ROOT_MODULE, render_modules};
use fargate_provider::service::appspec::appspec;
use fargate_provider::service::checks;
use fargate_provider::service::expand::{
    ChildKey, DeploymentStrategy, Expansion, Placement, expand,
};
use fargate_provider::service::schema::schema;
use fargate_provider::service::spec::ServiceSpec;
use fargate_provider::value::encode_json;
use module_eval::Evaluated;
use serde_json::{Value as Json, json};

const LISTENER: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2";
const TEST_LISTENER: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/0467ef3c8400ae65";

fn minimal() -> String {
    format!(
        r#"
name    = "checkout-api"
cluster = "prod"
task {{
  cpu    = 512
  memory = 1024
}}
container {{
  name  = "app"
  image = "example/checkout:1.42.0"
  port  = 8080
}}
network {{
  subnets         = ["subnet-a", "subnet-b"]
  security_groups = ["sg-1"]
}}
load_balancer {{
  vpc_id                  = "vpc-1"
  production_listener_arn = "{LISTENER}"
  test_listener_arn       = "{TEST_LISTENER}"
}}
"#
    )
}

/// Every optional part on, a name long enough to be shortened with a hash, non-default values.
fn full() -> String {
    format!(
        r#"
name          = "payments-reconciliation-worker-eu"
cluster       = "arn:aws:ecs:eu-west-1:123456789012:cluster/payments"
desired_count = 4
deployment_strategy = "codedeploy"
platform_version = "1.4.0"
task_role_policy_json = "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::reports/*\"}}]}}"
tags = {{ team = "payments", cost-centre = "42" }}
task {{
  cpu              = 1024
  memory           = 3072
  cpu_architecture = "X86_64"
  ephemeral_storage_gib = 40
}}
container {{
  name  = "worker"
  image = "example/reconcile@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
  port  = 9000
  command = ["serve", "--port", "9000"]
  environment = {{ LOG_LEVEL = "debug", REGION = "eu" }}
  secrets = {{
    DB_PASSWORD = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::"
    API_TOKEN   = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-123456"
    SIGNING_KEY = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/signing-key"
    FLAGS       = "arn:aws:ssm:eu-west-1:123456789012:parameter/payments/flags"
  }}
  stop_timeout  = 90
  drain_timeout = 25
  readonly_root_filesystem = true
  health_check {{
    command      = ["CMD-SHELL", "curl -f http://localhost:9000/health || exit 1"]
    interval     = 10
    timeout      = 3
    retries      = 4
    start_period = 20
  }}
  log {{
    group             = "/payments/reconcile"
    retention_days    = 90
    mode              = "blocking"
    stream_prefix     = "reconcile"
    multiline_pattern = "^\\\\d{{4}}-"
  }}
}}
network {{
  subnets          = ["subnet-a", "subnet-b", "subnet-c"]
  security_groups  = ["sg-1", "sg-2"]
}}
load_balancer {{
  vpc_id                  = "vpc-1"
  production_listener_arn = "{LISTENER}"
  test_listener_arn       = "{TEST_LISTENER}"
  listener_rule_priority  = 120
  path_patterns           = ["/reconcile/*"]
  host_headers            = ["payments.example.com"]
  deregistration_delay    = 30
  health_check_grace_period = 45
  health_check {{
    path     = "/health"
    matcher  = "200-299"
    interval = 20
    timeout  = 4
    healthy_threshold   = 3
    unhealthy_threshold = 2
  }}
}}
blue_green {{
  deployment_config        = "CodeDeployDefault.ECSCanary10Percent5Minutes"
  termination_wait_minutes = 15
  auto_rollback_events     = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  test_traffic_wait_minutes = 30
  approve_traffic          = true
  hooks = {{
    AfterAllowTraffic     = "arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_smoke"
    AfterAllowTestTraffic = "arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_contract:live"
  }}
}}
service_discovery {{
  namespace_id   = "ns-abc123"
  dns_ttl        = 30
  record_type    = "AAAA"
  routing_policy = "WEIGHTED"
}}
capacity_provider_strategy {{
  capacity_provider = "FARGATE"
  base              = 2
  weight            = 1
}}
capacity_provider_strategy {{
  capacity_provider = "FARGATE_SPOT"
  weight            = 3
}}
autoscaling {{
  min                 = 2
  max                 = 20
  requests_per_target = 800
  cpu_target          = 65
  memory_target       = 75
  scale_in_cooldown   = 120
  scale_out_cooldown  = 30
}}
alarms {{
  target_5xx_rate_percent = 1.5
  response_time_p99_ms = 1500
  unhealthy_hosts      = 0
  period               = 30
  evaluation_periods   = 4
  names                = ["payments-error-budget"]
}}
"#
    )
}

/// `service` under another deployment strategy.
fn with_strategy(service: &str, strategy: &str) -> String {
    let codedeploy = "deployment_strategy = \"codedeploy\"\n";
    let service = service.replace(codedeploy, "");
    format!("deployment_strategy = \"{strategy}\"\n{service}")
}

/// `service` without a test listener, as a rolling service may be.
fn without_test_listener(service: &str) -> String {
    let line = format!("  test_listener_arn       = \"{TEST_LISTENER}\"\n");
    assert!(service.contains(&line));
    service.replace(&line, "")
}

/// A queue consumer: rolling, no load balancer (so no target groups, rules or target-group
/// alarms), an alarm managed elsewhere that rolls a deployment back, CPU and memory scaling,
/// Cloud Map.
fn worker() -> String {
    r#"
name                = "orders-worker"
cluster             = "prod"
deployment_strategy = "rolling"
task {
  cpu    = 512
  memory = 1024
}
container {
  name    = "worker"
  image   = "example/orders-worker:2.1.0"
  port    = 9090
  command = ["consume", "--queue", "orders"]
}
network {
  subnets         = ["subnet-a", "subnet-b"]
  security_groups = ["sg-1"]
}
ecs_deployment {
  minimum_healthy_percent = 50
  maximum_percent         = 150
}
alarms {
  names = ["orders-queue-age"]
}
autoscaling {
  min           = 1
  max           = 8
  cpu_target    = 60
  memory_target = 70
}
service_discovery {
  namespace_id = "ns-1"
}
"#
    .to_owned()
}

/// `worker()` with `line` added to the block that starts with `block {`.
fn worker_with(block: &str, line: &str) -> String {
    let service = worker();
    let start = format!("{block} {{\n");
    assert!(service.contains(&start), "{block}");
    service.replacen(&start, &format!("{start}  {line}\n"), 1)
}

/// Every ECS-controller setting off its default, and lifecycle hooks (one function at two
/// stages, the stages not in the order their names sort).
const ECS_DEPLOYMENT: &str = r#"
ecs_deployment {
  bake_time_minutes       = 15
  linear_step_percent     = 25
  linear_step_minutes     = 3
  canary_percent          = 5.5
  canary_minutes          = 20
  minimum_healthy_percent = 50
  maximum_percent         = 150
  circuit_breaker         = false
  hooks = {
    PRODUCTION_TRAFFIC_SHIFT = "arn:aws:lambda:eu-west-1:123456789012:function:contract-tests"
    POST_TEST_TRAFFIC_SHIFT  = "arn:aws:lambda:eu-west-1:123456789012:function:contract-tests"
    PRE_SCALE_UP             = "arn:aws:lambda:eu-west-1:123456789012:function:warm-up"
  }
}
"#;

/// Autoscaling on CPU alone, Cloud Map with defaults, ARM64.
fn cpu_only() -> String {
    minimal()
        .replace(
            "network {",
            "autoscaling {\n  min = 1\n  max = 6\n  cpu_target = 60\n}\nservice_discovery {\n  namespace_id = \"ns-1\"\n}\nnetwork {",
        )
        .replace("memory = 1024\n", "memory = 1024\n  cpu_architecture = \"ARM64\"\n")
}

/// What a run of the binary printed.
struct CliRun {
    status: std::process::ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl CliRun {
    #[track_caller]
    fn succeeded(self) -> CliRun {
        assert!(
            self.status.success(),
            "{}",
            String::from_utf8_lossy(&self.stderr)
        );
        self
    }
}

/// Runs `terraform-provider-fargate` with `args`.
fn cli(args: &[&OsStr]) -> CliRun {
    let out = std::process::Command::new(support::provider_binary())
        .args(args)
        .output()
        .expect("run terraform-provider-fargate");
    CliRun {
        status: out.status,
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

fn generated() -> BTreeMap<PathBuf, String> {
    render_modules()
        .expect("modules render")
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// The resource's expansion and the module's evaluation of the same settings.
fn both(service: &str) -> (Expansion, Evaluated) {
    (expansion(service), evaluate(&generated(), service))
}

/// The resource's expansion, placed as the provider places it: by the production listener, or
/// without a load balancer in the provider's region and account (the evaluator's placeholders).
fn expansion(service: &str) -> Expansion {
    let config = config_from_hcl(service).expect("service settings");
    let spec = ServiceSpec::from_value(&config).expect("spec");
    let placement = match &spec.load_balancer {
        Some(lb) => Placement::from_listener_arn(&lb.production_listener_arn).expect("listener"),
        None => Placement::in_account(
            module_eval::PLACEHOLDER_REGION,
            module_eval::PLACEHOLDER_ACCOUNT,
        ),
    };
    expand(&spec, &placement, &BTreeMap::new())
}

/// The root module of `files` evaluated with a service's settings.
fn evaluate(files: &BTreeMap<PathBuf, String>, service: &str) -> Evaluated {
    module_eval::evaluate(files, Path::new(ROOT_MODULE), inputs_for(service))
        .expect("module evaluates")
}

fn is_computed(name: &str) -> bool {
    schema()
        .block
        .get_attribute(name)
        .is_some_and(|a| a.computed && !a.optional)
}

fn get<'a>(ev: &'a Evaluated, address: &str) -> &'a Json {
    &ev.find(address)
        .unwrap_or_else(|| {
            panic!(
                "no {address}; resources: {:?}",
                ev.resources.iter().map(|r| &r.address).collect::<Vec<_>>()
            )
        })
        .attrs
}

fn json_doc(v: &Json) -> Json {
    serde_json::from_str(v.as_str().expect("a JSON string")).expect("valid JSON")
}

fn assert_parity(service: &str) {
    let (exp, ev) = both(service);
    let strategy = exp.strategy;

    // The same children, in the same order, with the same names.
    let children: Vec<(String, String)> = exp
        .children()
        .iter()
        .map(|c| (c.key.kind().to_owned(), c.name.clone()))
        .collect();
    let module_children: Vec<(String, String)> = ev.outputs["children"]
        .as_array()
        .expect("children list")
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or_default().to_owned(),
                c["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(module_children, children, "{strategy:?}");

    // Every setting of every child, and no resource the expansion lacks.
    let differences = module_parity::differences(&exp, &ev);
    assert!(
        differences.is_empty(),
        "{strategy:?}: the modules and the expansion differ:\n{}",
        differences.join("\n")
    );

    // The AppSpec a pipeline sends is the one the resource sends; there is none without
    // CodeDeploy.
    if !strategy.uses_codedeploy() {
        assert_eq!(ev.outputs["appspec"], Json::Null, "{strategy:?}");
        return;
    }
    let td_arn = "<module.task_definition.aws_ecs_task_definition.this.arn>";
    assert_eq!(
        module_parity::numbers_by_value(json_doc(&ev.outputs["appspec"])),
        module_parity::numbers_by_value(appspec(
            td_arn,
            &exp.ecs_service,
            &exp.deployment_group.hooks
        ))
    );
}

/// A task of four containers: a FireLens router the application logs through, a collector,
/// a one-shot writer of a shared task-storage volume; EFS volumes with and without an access
/// point and IAM authorization; ECS Exec, managed policies and the hardening settings.
fn with_sidecars() -> String {
    format!(
        r#"{}
enable_execute_command        = true
task_role_managed_policy_arns = ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]
sidecar {{
  name               = "log_router"
  image              = "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4"
  memory_reservation = 64
  firelens {{
    options           = {{ "enable-ecs-log-metadata" = "true" }}
    config_file_type  = "file"
    config_file_value = "/fluent-bit/configs/parse-json.conf"
  }}
}}
sidecar {{
  name      = "otel"
  image     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1"
  command   = ["--config=/etc/ecs/ecs-cloudwatch-xray.yaml"]
  essential = false
  cpu       = 128
  memory    = 256
  stop_timeout = 10
  secrets   = {{ API_KEY = "arn:aws:ssm:eu-west-1:123456789012:parameter/otel-key" }}
  port_mapping {{
    container_port = 4317
  }}
  port_mapping {{
    container_port = 2000
    protocol       = "udp"
  }}
  health_check {{
    command = ["/healthcheck"]
  }}
  log {{
    driver  = "awsfirelens"
    options = {{ Name = "cloudwatch_logs", region = "eu-west-1" }}
  }}
  mount_point {{
    source_volume  = "shared"
    container_path = "/shared"
    read_only      = true
  }}
}}
sidecar {{
  name      = "config_init"
  image     = "public.ecr.aws/docker/library/busybox:1.36"
  entry_point = ["sh", "-c"]
  command   = ["echo ready > /config/app.conf"]
  essential = false
  user      = "1000"
  readonly_root_filesystem = true
  mount_point {{
    source_volume  = "config"
    container_path = "/config"
  }}
}}
volume {{
  name = "data"
  efs {{
    file_system_id  = "fs-0123456789abcdef0"
    access_point_id = "fsap-0123456789abcdef0"
  }}
}}
volume {{
  name = "shared"
  efs {{
    file_system_id = "fs-0fedcba9876543210"
    root_directory = "/shared"
  }}
}}
volume {{
  name = "archive"
  efs {{
    file_system_id     = "fs-0aaaabbbbccccdddd"
    iam_authorization  = false
    transit_encryption = false
  }}
}}
volume {{
  name = "config"
}}
"#,
        minimal().replace(
            "  port  = 8080\n",
            "  port  = 8080\n  cpu = 256\n  memory = 640\n  memory_reservation = 512\n  user = \"1000:1000\"\n  drop_capabilities = [\"ALL\"]\n  add_capabilities = [\"SYS_PTRACE\"]\n  readonly_root_filesystem = true\n  depends_on = { log_router = \"START\", config_init = \"SUCCESS\" }\n  mount_point {\n    source_volume = \"data\"\n    container_path = \"/data\"\n  }\n  mount_point {\n    source_volume = \"config\"\n    container_path = \"/etc/app\"\n    read_only = true\n  }\n  ulimit {\n    name = \"nofile\"\n    soft_limit = 65535\n    hard_limit = 65535\n  }\n  log {\n    driver = \"awsfirelens\"\n    options = { Name = \"cloudwatch_logs\", region = \"eu-west-1\", log_group_name = \"/ecs/checkout-api\" }\n  }\n",
        )
    )
}

#[test]
fn modules_match_the_expansion_with_sidecars_volumes_and_exec() {
    let service = with_sidecars();
    let exp = expansion(&service);
    assert_eq!(
        exp.task_definition.containers.len(),
        4,
        "the service file has its sidecars"
    );
    assert_eq!(exp.task_definition.volumes.len(), 4);
    assert_parity(&service);
    for strategy in DeploymentStrategy::NAMES {
        // A rolling service takes no test listener.
        let service = if strategy == "rolling" {
            without_test_listener(&service)
        } else {
            service.clone()
        };
        assert_parity(&with_strategy(&service, strategy));
    }
}

#[test]
fn modules_match_the_expansion_with_defaults() {
    assert_parity(&minimal());
}

#[test]
fn modules_match_the_expansion_with_every_option() {
    assert_parity(&full());
}

#[test]
fn modules_match_the_expansion_with_cpu_scaling_and_cloud_map_defaults() {
    assert_parity(&cpu_only());
}

#[test]
fn modules_match_the_expansion_with_srv_records() {
    // SRV: the ECS service's registry names the container and its port in both renderings.
    assert_parity(&cpu_only().replace(
        "namespace_id = \"ns-1\"",
        "namespace_id = \"ns-1\"\n  record_type = \"SRV\"",
    ));
}

#[test]
fn modules_match_the_expansion_under_every_strategy() {
    for strategy in DeploymentStrategy::NAMES {
        // A rolling service takes no test listener.
        let listeners = |service: String| {
            if strategy == "rolling" {
                without_test_listener(&service)
            } else {
                service
            }
        };
        assert_parity(&with_strategy(&listeners(minimal()), strategy));
        assert_parity(&with_strategy(
            &listeners(format!("{}{ECS_DEPLOYMENT}", full())),
            strategy,
        ));
    }
}

#[test]
fn modules_match_the_expansion_of_a_worker_without_a_load_balancer() {
    assert_parity(&worker());
    // What a worker's plan shows: no target group, rule or alarm of its own; the service with
    // no load balancer and no grace period, rolled back by the queue's alarm; its cluster read
    // to place it (region and account), as the provider places it.
    let ev = evaluate(&generated(), &worker());
    let kinds: Vec<&str> = ev.resources.iter().map(|r| r.kind.as_str()).collect();
    for kind in [
        "aws_lb_target_group",
        "aws_lb_listener_rule",
        "aws_cloudwatch_metric_alarm",
    ] {
        assert!(!kinds.contains(&kind), "a worker has no {kind}: {kinds:?}");
    }
    let service = get(
        &ev,
        "module.ecs_service.aws_ecs_service.ecs_controller_autoscaled[0]",
    );
    assert_eq!(service.get("load_balancer"), None, "{service}");
    assert_eq!(service["health_check_grace_period_seconds"], Json::Null);
    assert_eq!(
        service["alarms"],
        json!([{ "alarm_names": ["orders-queue-age"], "enable": true, "rollback": true }])
    );
    assert_eq!(
        service["cluster"],
        json!("arn:aws:ecs:eu-west-1:123456789012:cluster/prod")
    );
    let read: Vec<(&str, &Json)> = ev
        .data_sources
        .iter()
        .map(|d| (d.address.as_str(), &d.attrs["cluster_name"]))
        .collect();
    assert_eq!(read, [("data.aws_ecs_cluster.this[0]", &json!("prod"))]);
    assert_eq!(ev.outputs["blue_target_group_arn"], Json::Null);
    // A service behind a load balancer reads nothing: its listener places it.
    assert!(evaluate(&generated(), &minimal()).data_sources.is_empty());

    // A cluster given by ARN, a threshold set to 0 (no alarm, as on the resource), no alarms
    // block at all.
    assert_parity(&worker().replace(
        "cluster             = \"prod\"",
        "cluster             = \"arn:aws:ecs:eu-west-1:123456789012:cluster/prod\"",
    ));
    assert_parity(&worker_with("alarms", "target_5xx_count = 0"));
    assert_parity(&worker().replace("alarms {\n  names = [\"orders-queue-age\"]\n}\n", ""));
}

#[test]
fn parity_notices_a_difference() {
    // The evaluator is not blind: change one setting on the module side only.
    let (exp, ev) = both(&minimal());
    let (_, other) = both(&minimal().replace("port  = 8080", "port  = 8081"));
    let tg = |e: &Evaluated| {
        get(e, "module.target_group_pair[0].aws_lb_target_group.blue")["port"].clone()
    };
    assert_eq!(
        tg(&ev),
        json!(exp.target_group(ChildKey::BlueTargetGroup).map(|g| g.port))
    );
    assert_ne!(
        tg(&other),
        json!(exp.target_group(ChildKey::BlueTargetGroup).map(|g| g.port))
    );
}

/// `files` with `from` replaced by `to` in one generated file, which must contain it.
fn edited(
    mut files: BTreeMap<PathBuf, String>,
    file: &str,
    from: &str,
    to: &str,
) -> BTreeMap<PathBuf, String> {
    let path = PathBuf::from(ROOT_MODULE).join(file);
    let text = files.get(&path).cloned().unwrap_or_default();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    files.insert(path, text.replace(from, to));
    files
}

#[test]
fn parity_notices_a_setting_one_rendering_lacks() {
    // Modules without the Cloud Map custom health check, or registering A records whatever
    // the record type, are not the resource's service.
    let exp = expansion(&full());
    let without_health_check = edited(
        generated(),
        "modules/cloud-map-service/main.tf",
        "  health_check_custom_config {\n    failure_threshold = 1\n  }\n",
        "",
    );
    let found = module_parity::differences(&exp, &evaluate(&without_health_check, &full()));
    assert!(
        found
            .iter()
            .any(|d| d.contains(".health_check_custom_config: the expansion sets")),
        "{found:?}"
    );
    let always_a = edited(
        generated(),
        "main.tf",
        "record_type    = var.service_discovery.record_type",
        "record_type    = \"A\"",
    );
    let found = module_parity::differences(&exp, &evaluate(&always_a, &full()));
    assert_eq!(
        found,
        vec![
            "module.cloud_map_service[0].aws_service_discovery_service.this.dns_config[0].dns_records[0].type: the modules set \"A\", the expansion \"AAAA\""
        ]
    );
}

#[test]
fn parity_notices_a_weighted_rule_or_deployment_setting_the_modules_get_wrong() {
    let service = with_strategy(&format!("{}{ECS_DEPLOYMENT}", full()), "canary");
    let exp = expansion(&service);
    let both_live = edited(
        generated(),
        "modules/target-group-pair/main.tf",
        "          weight = 0\n",
        "          weight = 1\n",
    );
    let found = module_parity::differences(&exp, &evaluate(&both_live, &service));
    assert!(
        found.iter().any(|d| d.contains(
            "aws_lb_listener_rule.production.action[0].forward[0].target_group[1].weight"
        )),
        "{found:?}"
    );
    let no_bake_time = edited(
        generated(),
        "main.tf",
        "bake_time_minutes       = local.ecs_shifts_traffic ? var.ecs_deployment.bake_time_minutes : null",
        "bake_time_minutes       = null",
    );
    let found = module_parity::differences(&exp, &evaluate(&no_bake_time, &service));
    assert_eq!(
        found,
        vec![
            "module.ecs_service.aws_ecs_service.ecs_controller_autoscaled[0].deployment_configuration[0].bake_time_in_minutes: the modules set null, the expansion \"15\""
        ]
    );
}

/// `tofu plan` of the root module's variables alone (no resources, so no provider to install)
/// with a service's settings: Terraform itself runs the `validation` blocks. When it refuses
/// them, its output.
fn module_validation(service: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let variables = PathBuf::from(ROOT_MODULE).join("variables.tf");
    std::fs::write(
        dir.path().join("variables.tf"),
        generated().get(&variables).expect("root variables"),
    )
    .expect("write variables");
    std::fs::write(
        dir.path().join("terraform.tfvars.json"),
        serde_json::to_string(&inputs_for(service)).expect("inputs as JSON"),
    )
    .expect("write inputs");
    let out = std::process::Command::new(support::tofu_path())
        .args(["plan", "-input=false", "-no-color"])
        .current_dir(dir.path())
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run tofu plan");
    if out.status.success() {
        Ok(())
    } else {
        // Terraform wraps messages; one space between words keeps them searchable.
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Err(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

#[test]
fn module_validations_accept_and_refuse_what_the_checks_do() {
    let record = |kind: &str| {
        cpu_only().replace(
            "namespace_id = \"ns-1\"",
            &format!("namespace_id = \"ns-1\"\n  record_type = \"{kind}\""),
        )
    };
    for (case, service, refused) in [
        ("defaults", minimal(), None),
        ("sidecars, volumes, ECS Exec", with_sidecars(), None),
        (
            "EFS with IAM authorization and no transit encryption",
            with_sidecars().replace(
                "    file_system_id = \"fs-0fedcba9876543210\"\n",
                "    file_system_id = \"fs-0fedcba9876543210\"\n    transit_encryption = false\n",
            ),
            Some(
                "An EFS volume with IAM authorization or an access point needs transit_encryption",
            ),
        ),
        (
            "a sidecar's secret that is not an ARN",
            with_sidecars().replace(
                "arn:aws:ssm:eu-west-1:123456789012:parameter/otel-key",
                "plain-text-key",
            ),
            Some("check `secret-arn`"),
        ),
        (
            "two FireLens routers",
            with_sidecars().replace(
                "  essential = false\n  cpu       = 128",
                "  essential = false\n  firelens {}\n  cpu       = 128",
            ),
            Some("At most one sidecar may have firelens"),
        ),
        ("every option, AAAA records", full(), None),
        ("CPU scaling, Cloud Map defaults", cpu_only(), None),
        ("SRV records", record("SRV"), None),
        (
            "CNAME records",
            record("CNAME"),
            Some("service_discovery.record_type must be A, AAAA or SRV"),
        ),
        (
            "rolling without a test listener",
            with_strategy(&without_test_listener(&minimal()), "rolling"),
            None,
        ),
        ("a worker without a load balancer", worker(), None),
        (
            "a worker without container.port",
            worker().replace("  port    = 9090\n", ""),
            None,
        ),
        (
            "a load-balanced service without container.port",
            minimal().replace("  port  = 8080\n", ""),
            Some("container.port is required with load_balancer"),
        ),
        (
            "a worker with SRV records and no container.port",
            worker_with("service_discovery", "record_type = \"SRV\"")
                .replace("  port    = 9090\n", ""),
            Some("container.port is required with load_balancer"),
        ),
        (
            "a worker with a threshold of 0",
            worker_with("alarms", "unhealthy_hosts = 0"),
            None,
        ),
        (
            "codedeploy without a load balancer",
            worker().replace("deployment_strategy = \"rolling\"\n", ""),
            Some("load_balancer is required by every deployment_strategy but rolling"),
        ),
        (
            "ECS blue/green without a load balancer",
            worker().replace("\"rolling\"", "\"blue_green\""),
            Some("load_balancer is required by every deployment_strategy but rolling"),
        ),
        (
            "request scaling without a load balancer",
            worker_with("autoscaling", "requests_per_target = 500"),
            Some("autoscaling.requests_per_target tracks the load balancer's requests per target"),
        ),
        (
            "a target group alarm without a load balancer",
            worker_with("alarms", "response_time_p99_ms = 800"),
            Some("alarms.response_time_p99_ms watches the service's target group"),
        ),
        (
            "linear with its own settings and hooks",
            with_strategy(
                &format!(
                    "{}\necs_deployment {{\n  bake_time_minutes = 0\n  linear_step_percent = 20\n  linear_step_minutes = 2\n  hooks = {{ POST_PRODUCTION_TRAFFIC_SHIFT = \"arn:aws:lambda:eu-west-1:123456789012:function:smoke\" }}\n}}\n",
                    minimal()
                ),
                "linear",
            ),
            None,
        ),
    ] {
        let config = config_from_hcl(&service).expect("service settings");
        let errors: Vec<String> = checks::check(&config)
            .0
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.summary, d.detail))
            .collect();
        let module = module_validation(&service).and_then(|()| module_preconditions(&service));
        match refused {
            None => {
                assert!(
                    errors.is_empty(),
                    "{case}: the resource refuses it: {errors:?}"
                );
                assert!(module.is_ok(), "{case}: the modules refuse it: {module:?}");
            }
            Some(message) => {
                assert!(!errors.is_empty(), "{case}: the resource accepts it");
                let Err(refusal) = module else {
                    panic!("{case}: the modules accept it");
                };
                assert!(refusal.contains(message), "{case}: {refusal}");
            }
        }
    }
    // Behind a Network Load Balancer: the resource takes it, the modules (which render rules)
    // refuse it and say why.
    let nlb = minimal().replace("listener/app/", "listener/net/");
    assert_ne!(nlb, minimal(), "minimal() names ALB listeners");
    let errors: Vec<_> = checks::check(&config_from_hcl(&nlb).expect("settings"))
        .0
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "the resource refuses an NLB: {errors:?}");
    let refusal = module_validation(&nlb).expect_err("the modules take ALB listeners only");
    assert!(
        refusal.contains("a Network Load Balancer listener has none"),
        "{refusal}"
    );
    let tcp = minimal().replacen(
        "load_balancer {",
        "load_balancer {
  target_protocol = \"TCP\"",
        1,
    );
    let refusal = module_validation(&tcp).expect_err("TCP target groups behind an ALB");
    assert!(refusal.contains("check `load-balancer-kind`"), "{refusal}");
    // A task role policy that is not JSON: the modules refuse it at plan time under the rule
    // the resource's checks name the same, instead of failing at apply.
    let not_json = minimal().replace(
        "network {",
        "task_role_policy_json = \"{\\\"Version\\\": \"\nnetwork {",
    );
    let refusal = module_validation(&not_json).expect_err("not JSON");
    assert!(refusal.contains("check `task-role-policy`"), "{refusal}");
    // A strategy the resource does not know, a lifecycle stage ECS does not have.
    let refusal =
        module_validation(&with_strategy(&minimal(), "big_bang")).expect_err("no such strategy");
    assert!(
        refusal.contains(
            "deployment_strategy must be codedeploy, blue_green, linear, canary or rolling"
        ),
        "{refusal}"
    );
    let refusal = module_validation(&with_strategy(
        &format!(
            "{}\necs_deployment {{\n  hooks = {{ AfterInstall = \"arn:aws:lambda:eu-west-1:123456789012:function:x\" }}\n}}\n",
            minimal()
        ),
        "blue_green",
    ))
    .expect_err("not a lifecycle stage");
    assert!(
        refusal.contains("ecs_deployment.hooks keys must be lifecycle stages"),
        "{refusal}"
    );
}

/// The modules evaluated with a service's settings up to the first precondition that does not
/// hold, where Terraform's plan stops: its message.
fn module_preconditions(service: &str) -> Result<(), String> {
    match module_eval::evaluate(&generated(), Path::new(ROOT_MODULE), inputs_for(service)) {
        Ok(_) => Ok(()),
        Err(e) if e.starts_with(module_eval::PRECONDITION_FAILED) => Err(e),
        Err(e) => panic!("the modules do not evaluate: {e}"),
    }
}

/// The root module's inputs for a service file: one per attribute and block that is set.
fn inputs_for(service: &str) -> hcl::Map<String, hcl::Value> {
    let config = config_from_hcl(service).expect("service settings");
    let json = encode_json(&config, &schema().block.value_type()).expect("json");
    let mut inputs = hcl::Map::new();
    if let Json::Object(fields) = json {
        for (k, v) in fields {
            if !v.is_null() && k != "wait_for_deployment" && !is_computed(&k) {
                inputs.insert(k, hcl::to_value(&v).expect("value"));
            }
        }
    }
    inputs
}

#[test]
fn the_evaluator_refuses_what_terraform_refuses() {
    // Parity is only as good as the evaluator: an input the module does not declare, or a
    // missing required one, must fail as Terraform fails, not be ignored.
    let files = generated();
    let mut inputs = inputs_for(&minimal());
    inputs.insert("nonsense".to_owned(), hcl::Value::Bool(true));
    let err = module_eval::evaluate(&files, Path::new(ROOT_MODULE), inputs)
        .expect_err("undeclared input");
    assert!(err.contains("no variable nonsense"), "{err}");
    let mut inputs = inputs_for(&minimal());
    inputs.shift_remove("cluster");
    let err =
        module_eval::evaluate(&files, Path::new(ROOT_MODULE), inputs).expect_err("missing input");
    assert!(err.contains("var.cluster is required"), "{err}");
}

#[test]
fn committed_modules_are_the_generator_output() {
    let root = support::repo_root().join("modules");
    let files = generated();
    let mut stale = Vec::new();
    for (path, contents) in &files {
        match std::fs::read_to_string(root.join(path)) {
            Ok(committed) if &committed == contents => {}
            _ => stale.push(path.display().to_string()),
        }
    }
    let mut committed = Vec::new();
    collect_files(&root, &root, &mut committed);
    for path in committed {
        if !files.contains_key(&path) {
            stale.push(format!("{} (not generated)", path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "modules/ differs from the generator; run `cargo run -- generate modules --out modules`: {stale:?}"
    );
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == ".terraform") {
                continue;
            }
            collect_files(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_owned());
        }
    }
}

#[test]
fn generated_modules_pass_tofu_fmt() {
    let dir = tempfile::tempdir().expect("tempdir");
    cli(&[
        "generate".as_ref(),
        "modules".as_ref(),
        "--out".as_ref(),
        dir.path().as_os_str(),
    ])
    .succeeded();
    let fmt = std::process::Command::new(support::tofu_path())
        .args(["fmt", "-check", "-recursive", "-diff"])
        .current_dir(dir.path())
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run tofu fmt");
    assert!(
        fmt.status.success(),
        "tofu fmt -check failed:\n{}{}",
        String::from_utf8_lossy(&fmt.stdout),
        String::from_utf8_lossy(&fmt.stderr)
    );
    // Deterministic: a second run writes the same bytes.
    let again = render_modules().expect("render");
    let first = generated();
    assert_eq!(again.len(), first.len());
    for f in again {
        assert_eq!(first.get(&f.path), Some(&f.contents));
    }
}

#[test]
fn generate_service_writes_a_module_call_and_runs_the_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("service.hcl");
    std::fs::write(&input, minimal()).expect("write");
    let out = cli(&[
        "generate".as_ref(),
        "service".as_ref(),
        "--from".as_ref(),
        input.as_os_str(),
    ])
    .succeeded();
    let call = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(call.starts_with("module \"checkout_api\" {"), "{call}");
    assert!(
        call.contains("= \"./modules/fargate-production-service\""),
        "{call}"
    );
    // Deregistration delay left at 300 s: the resource's warning, on stderr.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("warning:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The call is valid input for the module: it evaluates to the same service, under the
    // default strategy (ECS-native blue/green: the ECS controller's service).
    let ev = module_eval::evaluate(&generated(), Path::new(ROOT_MODULE), call_inputs(&call))
        .expect("evaluates");
    assert_eq!(
        get(&ev, "module.ecs_service.aws_ecs_service.ecs_controller[0]")["name"],
        json!("checkout-api")
    );

    // A wrong size is refused with the check's message, and nothing is written.
    std::fs::write(&input, minimal().replace("memory = 1024", "memory = 512")).expect("write");
    let target = dir.path().join("call.tf");
    let out = cli(&[
        "generate".as_ref(),
        "service".as_ref(),
        "--from".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        target.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("task"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!target.exists());
}

/// The inputs a module call (`generate service`'s output) gives the root module.
fn call_inputs(call: &str) -> hcl::Map<String, hcl::Value> {
    let body = hcl::parse(call).expect("HCL");
    let module = body.blocks().next().expect("module block");
    let mut inputs = hcl::Map::new();
    for a in module.body().attributes() {
        if a.key() != "source" {
            let v = hcl::eval::Evaluate::evaluate(a.expr(), &hcl::eval::Context::new())
                .expect("literal");
            inputs.insert(a.key().to_owned(), v);
        }
    }
    inputs
}

#[test]
fn generate_service_writes_a_worker_and_refuses_one_the_checks_refuse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("worker.hcl");
    std::fs::write(&input, worker()).expect("write");
    let run = |input: &Path| {
        cli(&[
            "generate".as_ref(),
            "service".as_ref(),
            "--from".as_ref(),
            input.as_os_str(),
        ])
    };
    let out = run(&input).succeeded();
    let call = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(call.starts_with("module \"orders_worker\" {"), "{call}");
    assert!(!call.contains("load_balancer"), "{call}");
    let ev = module_eval::evaluate(&generated(), Path::new(ROOT_MODULE), call_inputs(&call))
        .expect("evaluates");
    assert!(ev.of_kind("aws_lb_target_group").is_empty());
    assert_eq!(
        get(
            &ev,
            "module.ecs_service.aws_ecs_service.ecs_controller_autoscaled[0]"
        )["name"],
        json!("orders-worker")
    );

    // Scaling on the load balancer's requests without one: the check's error, no call.
    std::fs::write(
        &input,
        worker_with("autoscaling", "requests_per_target = 500"),
    )
    .expect("write");
    let out = run(&input);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Request scaling without a load balancer")
            && stderr.contains("check `load-balancer`"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// A state as OpenTofu writes it for `service` applied as `fargate_production_service.payments`,
/// with the ARNs of the children the strategy has.
fn applied_state(service: &str) -> Json {
    let config = config_from_hcl(service).expect("settings");
    let mut attributes = encode_json(&config, &schema().block.value_type()).expect("json");
    let exp = expansion(service);
    let balanced = exp.load_balancing.is_some();
    let pair = balanced && exp.strategy.shifts_traffic();
    attributes["service_arn"] = json!(format!(
        "arn:aws:ecs:eu-west-1:123456789012:service/{}/{}",
        config.get("cluster").as_str().unwrap_or_default(),
        exp.ecs_service.name
    ));
    for (k, v, present) in [
        (
            "task_definition_arn",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/payments-reconciliation-worker-eu:3",
            true,
        ),
        (
            "blue_target_group_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/b/1",
            balanced,
        ),
        (
            "green_target_group_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/g/2",
            pair,
        ),
        (
            "production_listener_rule_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shared/1/2/3",
            balanced,
        ),
        (
            "test_listener_rule_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shared/1/2/4",
            pair,
        ),
        (
            "service_discovery_arn",
            "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-abc",
            true,
        ),
    ] {
        if present {
            attributes[k] = json!(v);
        }
    }
    json!({
        "version": 4,
        "resources": [{
            "mode": "managed", "type": "fargate_production_service", "name": "payments",
            "provider": "provider[\"registry.opentofu.org/terraform-provider-fargate/fargate\"]",
            "instances": [{ "schema_version": 0, "attributes": attributes }]
        }]
    })
}

/// `eject` of `state`: its output, and the import blocks as (to, id).
fn eject_state(state: &Json) -> (String, Vec<(String, String)>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("terraform.tfstate");
    std::fs::write(&path, state.to_string()).expect("write");
    let out = cli(&["eject".as_ref(), "--state".as_ref(), path.as_os_str()]).succeeded();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let body = hcl::parse(&text).expect("eject output is HCL");
    let imports = body
        .blocks()
        .filter(|b| b.identifier() == "import")
        .map(|b| {
            let attr = |k: &str| {
                b.body()
                    .attributes()
                    .find(|a| a.key() == k)
                    .map(|a| a.expr().to_string())
                    .unwrap_or_default()
            };
            (attr("to"), attr("id").trim_matches('"').to_owned())
        })
        .collect();
    (text, imports)
}

/// One import per child resource the modules create for `service`, and none else.
#[track_caller]
fn assert_one_import_per_module_resource(service: &str, imports: &[(String, String)]) {
    let (exp, ev) = both(service);
    let mut module_addresses: Vec<String> = ev
        .resources
        .iter()
        .map(|r| format!("module.payments.{}", r.address))
        .collect();
    let mut import_addresses: Vec<String> = imports.iter().map(|(t, _)| t.clone()).collect();
    module_addresses.sort();
    import_addresses.sort();
    assert_eq!(import_addresses, module_addresses, "{:?}", exp.strategy);
}

#[test]
fn eject_writes_module_call_imports_and_removed_block() {
    let (text, imports) = eject_state(&applied_state(&full()));
    assert!(text.contains("module \"payments\" {"), "{text}");
    assert!(
        text.contains("removed {\n  from = fargate_production_service.payments"),
        "{text}"
    );
    assert!(text.contains("destroy = false"), "{text}");
    // The children carry the provider's owner tag: the module call keeps it, so the imported
    // resources plan no tag change.
    assert!(text.contains("\"fargate:service\" = "), "{text}");
    let id = |to: &str| {
        imports
            .iter()
            .find(|(t, _)| t == to)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| panic!("no import to {to}: {imports:?}"))
    };
    let p = "module.payments.module";
    assert_eq!(
        id(&format!("{p}.ecs_service.aws_ecs_service.autoscaled[0]")),
        "payments/payments-reconciliation-worker-eu"
    );
    assert_eq!(
        id(&format!("{p}.task_definition.aws_ecs_task_definition.this")),
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/payments-reconciliation-worker-eu:3"
    );
    assert_eq!(
        id(&format!(
            "{p}.cloud_map_service[0].aws_service_discovery_service.this"
        )),
        "srv-abc"
    );
    assert_eq!(
        id(&format!(
            "{p}.iam_roles.aws_iam_role_policy.execution_secrets[0]"
        ))
        .split(':')
        .next_back(),
        Some("secrets")
    );
    assert_eq!(
        id(&format!(
            "{p}.autoscaling[0].aws_appautoscaling_policy.memory[0]"
        )),
        "ecs/service/payments/payments-reconciliation-worker-eu/ecs:service:DesiredCount/payments-reconciliation-worker-eu-memory"
    );
    assert_eq!(
        id(&format!(
            "{p}.codedeploy[0].aws_codedeploy_deployment_group.this"
        )),
        "payments-reconciliation-worker-eu:payments-reconciliation-worker-eu"
    );
    assert_eq!(
        id(&format!("{p}.iam_roles.aws_iam_role.codedeploy[0]")),
        "payments-reconciliation-worker-eu-codedeploy"
    );
    assert_one_import_per_module_resource(&full(), &imports);

    // Not a state: a clear error.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("terraform.tfstate");
    std::fs::write(&path, "{}").expect("write");
    let out = cli(&["eject".as_ref(), "--state".as_ref(), path.as_os_str()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a state file"));
}

/// A service behind a Network Load Balancer owns its listeners' default actions, which no module
/// resource manages: eject refuses it and says why, writing nothing.
#[test]
fn eject_refuses_a_service_behind_a_network_load_balancer() {
    let nlb = full().replace("listener/app/", "listener/net/");
    assert_ne!(nlb, full(), "full() names ALB listeners");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("terraform.tfstate");
    std::fs::write(&path, applied_state(&nlb).to_string()).expect("write");
    let out = cli(&["eject".as_ref(), "--state".as_ref(), path.as_os_str()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sits behind a Network Load Balancer"),
        "{stderr}"
    );
}

/// Eject carries the containers, volumes and ECS Exec into the module call, and imports the
/// task role's EFS and Exec policies and each managed policy attachment.
#[test]
fn eject_carries_sidecars_volumes_and_the_task_role_permissions() {
    let service = with_sidecars();
    let (text, imports) = eject_state(&applied_state(&service));
    for expected in [
        "enable_execute_command",
        "aws-otel-collector:v0.43.1",
        "parse-json.conf",
        "fs-0123456789abcdef0",
        "drop_capabilities",
    ] {
        assert!(text.contains(expected), "{expected} not carried:\n{text}");
    }
    let to = |address: &str| {
        imports
            .iter()
            .find(|(t, _)| t == address)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| panic!("no import to {address}: {imports:?}"))
    };
    let p = "module.payments.module.iam_roles";
    assert_eq!(
        to(&format!("{p}.aws_iam_role_policy.task_efs[0]")),
        "checkout-api-task:efs"
    );
    assert_eq!(
        to(&format!("{p}.aws_iam_role_policy.task_exec[0]")),
        "checkout-api-task:ecs-exec"
    );
    assert_eq!(
        to(&format!(
            "{p}.aws_iam_role_policy_attachment.task_managed[1]"
        )),
        "checkout-api-task/arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
    );
    assert_one_import_per_module_resource(&service, &imports);
}

#[test]
fn eject_imports_what_each_strategy_has() {
    let p = "module.payments.module";
    for strategy in DeploymentStrategy::NAMES {
        let mut service = with_strategy(&format!("{}{ECS_DEPLOYMENT}", full()), strategy);
        if strategy == "rolling" {
            service = without_test_listener(&service);
        }
        let exp = expansion(&service);
        let (text, imports) = eject_state(&applied_state(&service));
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with("deployment_strategy ")
                    && l.ends_with(&format!("= \"{strategy}\""))),
            "{text}"
        );
        let to = |address: &str| imports.iter().find(|(t, _)| t == address).map(|(_, id)| id);
        let infrastructure = to(&format!("{p}.iam_roles.aws_iam_role.infrastructure[0]"));
        let hooks = to(&format!(
            "{p}.iam_roles.aws_iam_role_policy.infrastructure_hooks[0]"
        ));
        let codedeploy = to(&format!("{p}.codedeploy[0].aws_codedeploy_app.this"));
        let green = to(&format!(
            "{p}.target_group_pair[0].aws_lb_target_group.green[0]"
        ));
        let test_rule = to(&format!(
            "{p}.target_group_pair[0].aws_lb_listener_rule.test[0]"
        ));
        let service_import = to(&format!(
            "{p}.ecs_service.aws_ecs_service.{}[0]",
            if exp.strategy.uses_codedeploy() {
                "autoscaled"
            } else {
                "ecs_controller_autoscaled"
            }
        ));
        assert_eq!(
            service_import.map(String::as_str),
            Some("payments/payments-reconciliation-worker-eu"),
            "{strategy}"
        );
        if exp.strategy.ecs_shifts_traffic() {
            assert_eq!(
                infrastructure.map(String::as_str),
                Some("payments-reconciliation-worker-eu-ecs-infra"),
                "{strategy}"
            );
            assert_eq!(
                hooks.map(String::as_str),
                Some("payments-reconciliation-worker-eu-ecs-infra:lifecycle-hooks"),
                "{strategy}"
            );
        } else {
            assert_eq!((infrastructure, hooks), (None, None), "{strategy}");
        }
        assert_eq!(
            codedeploy.is_some(),
            exp.strategy.uses_codedeploy(),
            "{strategy}"
        );
        assert_eq!(green.is_some(), exp.strategy.shifts_traffic(), "{strategy}");
        assert_eq!(
            test_rule.is_some(),
            exp.strategy.shifts_traffic(),
            "{strategy}"
        );
        assert_one_import_per_module_resource(&service, &imports);
    }
}

#[test]
fn eject_of_a_worker_imports_no_target_group_and_leaves_the_thresholds_unset() {
    let service = worker();
    let mut state = applied_state(&service);
    // The resource stores the thresholds' defaults, which a service without a load balancer
    // ignores; set in the module call, they would be refused.
    let alarms = &mut state["resources"][0]["instances"][0]["attributes"]["alarms"];
    for (threshold, default) in [
        ("target_5xx_count", 10),
        ("response_time_p99_ms", 2000),
        ("unhealthy_hosts", 1),
    ] {
        alarms[threshold] = json!(default);
    }
    let (text, imports) = eject_state(&state);
    assert!(!text.contains("load_balancer"), "{text}");
    for threshold in [
        "target_5xx_count",
        "response_time_p99_ms",
        "unhealthy_hosts",
    ] {
        assert!(!text.contains(threshold), "{text}");
    }
    assert!(text.contains("\"orders-queue-age\""), "{text}");
    assert!(
        imports
            .iter()
            .all(|(to, _)| !to.contains("target_group_pair") && !to.contains("alarms")),
        "{imports:?}"
    );
    assert!(
        imports.contains(&(
            "module.payments.module.ecs_service.aws_ecs_service.ecs_controller_autoscaled[0]"
                .to_owned(),
            "prod/orders-worker".to_owned()
        )),
        "{imports:?}"
    );
    assert_one_import_per_module_resource(&service, &imports);
    // The ejected call is the worker's settings: the modules accept it and build the same.
    let call = text
        .split("\nimport {")
        .next()
        .and_then(|t| t.split("module \"payments\"").nth(1))
        .map(|body| format!("module \"payments\"{body}"))
        .expect("the module call");
    let ejected = module_eval::evaluate(&generated(), Path::new(ROOT_MODULE), call_inputs(&call))
        .expect("the ejected call evaluates");
    let addresses = |ev: &Evaluated| {
        let mut all: Vec<String> = ev.resources.iter().map(|r| r.address.clone()).collect();
        all.sort();
        all
    };
    assert_eq!(
        addresses(&ejected),
        addresses(&evaluate(&generated(), &service))
    );

    // Never applied: no service ARN to place it by.
    let mut state = applied_state(&service);
    state["resources"][0]["instances"][0]["attributes"]["service_arn"] = Json::Null;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("terraform.tfstate");
    std::fs::write(&path, state.to_string()).expect("write");
    let out = cli(&["eject".as_ref(), "--state".as_ref(), path.as_os_str()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the state has no service_arn"), "{stderr}");
}

#[test]
fn the_example_service_file_passes_the_checks() {
    let out = cli(&[
        "generate".as_ref(),
        "service".as_ref(),
        "--from".as_ref(),
        support::repo_root()
            .join("examples/service-file/checkout.hcl")
            .as_os_str(),
    ])
    .succeeded();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("module \"checkout_api\" {"));
    assert!(
        out.stderr.is_empty(),
        "the example should draw no warning: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
