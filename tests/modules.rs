//! The module generator: the committed modules/ are its output, `tofu fmt` accepts them, and
//! for the same inputs the modules ask hashicorp/aws for the same children with the same key
//! settings as the resource's expansion (parity). `generate service` and `eject` are driven
//! as a user runs them, through the binary.

mod module_eval;
mod support;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use fargate_provider::hcl::service_call::config_from_hcl;
use fargate_provider::hcl::{ROOT_MODULE, render_modules};
use fargate_provider::service::appspec::appspec;
use fargate_provider::service::expand::{
    ChildKey, Expansion, Placement, ROLE_DESCRIPTION, ScalingMetric, alb_resource_label, expand,
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
platform_version = "1.4.0"
task_role_policy_json = "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::reports/*\"}}]}}"
tags = {{ team = "payments", cost-centre = "42" }}
task {{
  cpu              = 1024
  memory           = 3072
  cpu_architecture = "ARM64"
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
    group          = "/payments/reconcile"
    retention_days = 90
    mode           = "blocking"
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
}}
service_discovery {{
  namespace_id   = "ns-abc123"
  dns_ttl        = 30
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
"#
    )
}

/// Autoscaling on CPU alone, Cloud Map with defaults.
fn cpu_only() -> String {
    minimal().replace(
        "network {",
        "autoscaling {\n  min = 1\n  max = 6\n  cpu_target = 60\n}\nservice_discovery {\n  namespace_id = \"ns-1\"\n}\nnetwork {",
    )
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
    let config = config_from_hcl(service).expect("service settings");
    let spec = ServiceSpec::from_value(&config).expect("spec");
    let placement = Placement::from_listener_arn(LISTENER).expect("listener");
    let expansion = expand(&spec, &placement, &BTreeMap::new());

    let inputs = inputs_for(service);
    let files = generated();
    let evaluated =
        module_eval::evaluate(&files, Path::new(ROOT_MODULE), inputs).expect("module evaluates");
    (expansion, evaluated)
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

fn block<'a>(attrs: &'a Json, name: &str) -> &'a Json {
    &attrs[name][0]
}

fn json_doc(v: &Json) -> Json {
    serde_json::from_str(v.as_str().expect("a JSON string")).expect("valid JSON")
}

fn pairs(list: &Json, key: &str, value: &str) -> BTreeMap<String, String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i[key].as_str().unwrap_or_default().to_owned(),
                        i[value].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn numbers_as_f64(v: Json) -> Json {
    match v {
        Json::Number(n) => json!(n.as_f64()),
        Json::Array(items) => Json::Array(items.into_iter().map(numbers_as_f64).collect()),
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_f64(v)))
                .collect(),
        ),
        other => other,
    }
}

fn assert_parity(service: &str) {
    let (exp, ev) = both(service);
    let m = |sub: &str, rest: &str| format!("module.{sub}.{rest}");

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
    assert_eq!(module_children, children);
    // …and every one of them is a resource the modules create, no more.
    for (kind, count) in [
        ("aws_iam_role", 3),
        ("aws_lb_target_group", 2),
        ("aws_lb_listener_rule", 2),
        ("aws_ecs_service", 1),
        ("aws_ecs_task_definition", 1),
        ("aws_codedeploy_app", 1),
        ("aws_codedeploy_deployment_group", 1),
        ("aws_cloudwatch_log_group", 1),
        (
            "aws_service_discovery_service",
            usize::from(exp.discovery.is_some()),
        ),
        (
            "aws_appautoscaling_target",
            usize::from(exp.scalable_target.is_some()),
        ),
        ("aws_appautoscaling_policy", exp.scaling_policies.len()),
    ] {
        assert_eq!(ev.of_kind(kind).len(), count, "{kind}");
    }

    // IAM: names, trust policies, managed and inline policies.
    for (role, def) in [
        ("execution", &exp.execution_role),
        ("task", &exp.task_role),
        ("codedeploy", &exp.codedeploy_role),
    ] {
        let attrs = get(&ev, &m("iam_roles", &format!("aws_iam_role.{role}")));
        assert_eq!(attrs["name"], json!(def.name));
        assert_eq!(attrs["description"], json!(ROLE_DESCRIPTION));
        assert_eq!(
            json_doc(&attrs["assume_role_policy"]),
            def.trust_policy,
            "{role} trust"
        );
        let attached: Vec<Json> = ev
            .of_kind("aws_iam_role_policy_attachment")
            .iter()
            .filter(|r| r.address.ends_with(&format!(".{role}")))
            .map(|r| r.attrs["policy_arn"].clone())
            .collect();
        assert_eq!(
            attached,
            def.managed_policy_arns
                .iter()
                .map(|a| json!(a))
                .collect::<Vec<_>>(),
            "{role} managed"
        );
    }
    let inline: BTreeMap<String, Json> = ev
        .of_kind("aws_iam_role_policy")
        .iter()
        .map(|r| {
            (
                r.attrs["name"].as_str().unwrap_or_default().to_owned(),
                json_doc(&r.attrs["policy"]),
            )
        })
        .collect();
    let mut expected_inline = exp.execution_role.inline_policies.clone();
    expected_inline.extend(exp.task_role.inline_policies.clone());
    assert_eq!(
        inline,
        expected_inline.into_iter().collect::<BTreeMap<_, _>>(),
        "inline policies"
    );

    // Log group and task definition.
    let lg = get(&ev, &m("task_definition", "aws_cloudwatch_log_group.this"));
    assert_eq!(lg["name"], json!(exp.log_group.name));
    assert_eq!(lg["retention_in_days"], json!(exp.log_group.retention_days));
    let td = get(&ev, &m("task_definition", "aws_ecs_task_definition.this"));
    let t = &exp.task_definition;
    assert_eq!(td["family"], json!(t.family));
    assert_eq!(td["cpu"], json!(t.cpu.to_string()));
    assert_eq!(td["memory"], json!(t.memory.to_string()));
    assert_eq!(
        block(td, "runtime_platform")["cpu_architecture"],
        json!(t.cpu_architecture)
    );
    assert_eq!(
        block(td, "ephemeral_storage")["size_in_gib"],
        json!(t.ephemeral_storage_gib)
    );
    let containers = json_doc(&td["container_definitions"]);
    let c = &containers[0];
    let ct = &t.container;
    assert_eq!(c["name"], json!(ct.name));
    assert_eq!(c["image"], json!(ct.image));
    assert_eq!(c["essential"], json!(true));
    assert_eq!(c["portMappings"][0]["containerPort"], json!(ct.port));
    assert_eq!(
        c["command"],
        ct.command.as_ref().map_or(Json::Null, |cmd| json!(cmd))
    );
    assert_eq!(pairs(&c["environment"], "name", "value"), ct.environment);
    assert_eq!(pairs(&c["secrets"], "name", "valueFrom"), ct.secrets);
    assert_eq!(c["stopTimeout"], json!(ct.stop_timeout));
    assert_eq!(
        c["readonlyRootFilesystem"],
        json!(ct.readonly_root_filesystem)
    );
    assert_eq!(
        c["linuxParameters"]["initProcessEnabled"],
        json!(ct.init_process_enabled)
    );
    assert_eq!(c["logConfiguration"]["logDriver"], json!("awslogs"));
    assert_eq!(c["logConfiguration"]["options"], json!(ct.log_options));
    match &ct.health_check {
        Some(h) => assert_eq!(
            c["healthCheck"],
            json!({ "command": h.command, "interval": h.interval, "timeout": h.timeout, "retries": h.retries, "startPeriod": h.start_period })
        ),
        None => assert_eq!(c["healthCheck"], Json::Null),
    }

    // Target groups and listener rules.
    for (name, def) in [
        ("blue", &exp.blue_target_group),
        ("green", &exp.green_target_group),
    ] {
        let tg = get(
            &ev,
            &m("target_group_pair", &format!("aws_lb_target_group.{name}")),
        );
        assert_eq!(tg["name"], json!(def.name));
        assert_eq!(tg["port"], json!(def.port));
        assert_eq!(tg["vpc_id"], json!(def.vpc_id));
        assert_eq!(tg["target_type"], json!("ip"));
        assert_eq!(tg["deregistration_delay"], json!(def.deregistration_delay));
        let hc = block(tg, "health_check");
        assert_eq!(hc["path"], json!(def.health_check_path));
        assert_eq!(hc["matcher"], json!(def.health_check_matcher));
        assert_eq!(hc["interval"], json!(def.health_check_interval));
        assert_eq!(hc["timeout"], json!(def.health_check_timeout));
        assert_eq!(hc["healthy_threshold"], json!(def.healthy_threshold));
        assert_eq!(hc["unhealthy_threshold"], json!(def.unhealthy_threshold));
    }
    let blue = get(&ev, &m("target_group_pair", "aws_lb_target_group.blue"));
    let blue_arn = format!(
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/{}/{}",
        blue["name"].as_str().unwrap_or_default(),
        module_eval::PLACEHOLDER_ID
    );
    for (name, def) in [
        ("production", &exp.production_rule),
        ("test", &exp.test_rule),
    ] {
        let rule = get(
            &ev,
            &m("target_group_pair", &format!("aws_lb_listener_rule.{name}")),
        );
        assert_eq!(rule["listener_arn"], json!(def.listener_arn));
        assert_eq!(rule["priority"], json!(def.priority));
        assert_eq!(def.initial_target, ChildKey::BlueTargetGroup);
        assert_eq!(block(rule, "action")["target_group_arn"], json!(blue_arn));
        let conditions = rule["condition"].as_array().cloned().unwrap_or_default();
        let values = |kind: &str| -> Vec<String> {
            conditions
                .iter()
                .filter_map(|c| c.get(kind))
                .flat_map(|b| b[0]["values"].as_array().cloned().unwrap_or_default())
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        assert_eq!(values("path_pattern"), def.path_patterns);
        assert_eq!(values("host_header"), def.host_headers);
    }

    // Cloud Map.
    if let Some(d) = &exp.discovery {
        let sd = get(
            &ev,
            &m("cloud_map_service[0]", "aws_service_discovery_service.this"),
        );
        assert_eq!(sd["name"], json!(d.name));
        let dns = block(sd, "dns_config");
        assert_eq!(dns["namespace_id"], json!(d.namespace_id));
        assert_eq!(dns["routing_policy"], json!(d.routing_policy));
        assert_eq!(block(dns, "dns_records")["ttl"], json!(d.dns_ttl));
        assert_eq!(block(dns, "dns_records")["type"], json!(d.record_type));
    }

    // ECS service.
    // With autoscaling, the variant that leaves the desired count to it.
    let variant = if exp.scalable_target.is_some() {
        "autoscaled"
    } else {
        "this"
    };
    let svc = get(
        &ev,
        &m("ecs_service", &format!("aws_ecs_service.{variant}[0]")),
    );
    let s = &exp.ecs_service;
    assert_eq!(svc["name"], json!(s.name));
    let cluster_arn = if s.cluster.starts_with("arn:") {
        s.cluster.clone()
    } else {
        format!(
            "arn:{}:ecs:{}:{}:cluster/{}",
            exp.placement.partition, exp.placement.region, exp.placement.account_id, s.cluster
        )
    };
    assert_eq!(svc["cluster"], json!(cluster_arn));
    assert_eq!(svc["desired_count"], json!(s.desired_count));
    assert_eq!(svc["platform_version"], json!(s.platform_version));
    assert_eq!(
        block(svc, "deployment_controller")["type"],
        json!(s.deployment_controller)
    );
    assert_eq!(
        svc["health_check_grace_period_seconds"],
        json!(s.health_check_grace_period)
    );
    let strategy: Vec<Json> = svc["capacity_provider_strategy"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let expected_strategy: Vec<Json> = s
        .capacity_provider_strategy
        .iter()
        .map(|c| json!({ "capacity_provider": c.capacity_provider, "base": c.base, "weight": c.weight }))
        .collect();
    assert_eq!(strategy, expected_strategy);
    assert_eq!(
        svc["launch_type"],
        if s.capacity_provider_strategy.is_empty() {
            json!("FARGATE")
        } else {
            Json::Null
        }
    );
    let net = block(svc, "network_configuration");
    assert_eq!(net["subnets"], json!(s.subnets));
    assert_eq!(net["security_groups"], json!(s.security_groups));
    assert_eq!(net["assign_public_ip"], json!(s.assign_public_ip));
    let lb = block(svc, "load_balancer");
    assert_eq!(lb["target_group_arn"], json!(blue_arn));
    assert_eq!(lb["container_name"], json!(s.container_name));
    assert_eq!(lb["container_port"], json!(s.container_port));
    assert_eq!(svc["tags"], json!(s.tags));
    assert_eq!(
        svc.get("service_registries")
            .and_then(Json::as_array)
            .map_or(0, Vec::len),
        usize::from(exp.discovery.is_some())
    );

    // CodeDeploy.
    let app = get(&ev, &m("codedeploy", "aws_codedeploy_app.this"));
    assert_eq!(app["name"], json!(exp.codedeploy_application));
    assert_eq!(app["compute_platform"], json!("ECS"));
    let dg = get(
        &ev,
        &m("codedeploy", "aws_codedeploy_deployment_group.this"),
    );
    let g = &exp.deployment_group;
    assert_eq!(dg["app_name"], json!(g.application));
    assert_eq!(dg["deployment_group_name"], json!(g.name));
    assert_eq!(dg["deployment_config_name"], json!(g.deployment_config));
    assert_eq!(
        block(
            block(dg, "blue_green_deployment_config"),
            "terminate_blue_instances_on_deployment_success"
        )["termination_wait_time_in_minutes"],
        json!(g.termination_wait_minutes)
    );
    assert_eq!(
        block(dg, "auto_rollback_configuration")["events"],
        json!(g.auto_rollback_events)
    );
    let pair = block(block(dg, "load_balancer_info"), "target_group_pair_info");
    assert_eq!(
        block(pair, "prod_traffic_route")["listener_arns"],
        json!([g.production_listener_arn])
    );
    assert_eq!(
        block(pair, "test_traffic_route")["listener_arns"],
        json!([g.test_listener_arn])
    );
    assert_eq!(
        pair["target_group"],
        json!([{ "name": exp.blue_target_group.name }, { "name": exp.green_target_group.name }])
    );
    assert_eq!(block(dg, "ecs_service")["cluster_name"], json!(g.cluster));
    assert_eq!(block(dg, "ecs_service")["service_name"], json!(g.service));

    // Autoscaling.
    if let Some(target) = &exp.scalable_target {
        let st = get(&ev, &m("autoscaling[0]", "aws_appautoscaling_target.this"));
        assert_eq!(st["resource_id"], json!(target.resource_id));
        assert_eq!(st["min_capacity"], json!(target.min));
        assert_eq!(st["max_capacity"], json!(target.max));
        for p in &exp.scaling_policies {
            let name = match p.metric {
                ScalingMetric::Requests => "requests",
                ScalingMetric::Cpu => "cpu",
                ScalingMetric::Memory => "memory",
            };
            let policy = get(
                &ev,
                &m(
                    "autoscaling[0]",
                    &format!("aws_appautoscaling_policy.{name}[0]"),
                ),
            );
            assert_eq!(policy["name"], json!(p.name));
            let cfg = block(policy, "target_tracking_scaling_policy_configuration");
            assert_eq!(cfg["target_value"].as_f64(), Some(p.target_value));
            assert_eq!(cfg["scale_in_cooldown"], json!(p.scale_in_cooldown));
            assert_eq!(cfg["scale_out_cooldown"], json!(p.scale_out_cooldown));
            let metric = block(cfg, "predefined_metric_specification");
            assert_eq!(
                metric["predefined_metric_type"],
                json!(p.metric.predefined_metric())
            );
            if p.metric == ScalingMetric::Requests {
                assert_eq!(
                    metric["resource_label"],
                    json!(alb_resource_label(&exp.placement.load_balancer, &blue_arn))
                );
            }
        }
    }

    // The AppSpec a pipeline sends is the one the resource sends.
    let td_arn = "<module.task_definition.aws_ecs_task_definition.this.arn>";
    // (JSON numbers compared by value: Terraform writes the AppSpec version 0.0 as 0.)
    assert_eq!(
        numbers_as_f64(json_doc(&ev.outputs["appspec"])),
        numbers_as_f64(appspec(td_arn, &exp.ecs_service))
    );
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
fn parity_notices_a_difference() {
    // The evaluator is not blind: change one setting on the module side only.
    let (exp, ev) = both(&minimal());
    let (_, other) = both(&minimal().replace("port  = 8080", "port  = 8081"));
    let tg =
        |e: &Evaluated| get(e, "module.target_group_pair.aws_lb_target_group.blue")["port"].clone();
    assert_eq!(tg(&ev), json!(exp.blue_target_group.port));
    assert_ne!(tg(&other), json!(exp.blue_target_group.port));
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

    // The call is valid input for the module: it evaluates to the same service.
    let body = hcl::parse(&call).expect("HCL");
    let module = body.blocks().next().expect("module block");
    let mut inputs = hcl::Map::new();
    for a in module.body().attributes() {
        if a.key() != "source" {
            let v = hcl::eval::Evaluate::evaluate(a.expr(), &hcl::eval::Context::new())
                .expect("literal");
            inputs.insert(a.key().to_owned(), v);
        }
    }
    let ev =
        module_eval::evaluate(&generated(), Path::new(ROOT_MODULE), inputs).expect("evaluates");
    assert_eq!(
        get(&ev, "module.ecs_service.aws_ecs_service.this[0]")["name"],
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

#[test]
fn eject_writes_module_call_imports_and_removed_block() {
    // A state as OpenTofu writes it for an applied resource.
    let config = config_from_hcl(&full()).expect("settings");
    let mut attributes = encode_json(&config, &schema().block.value_type()).expect("json");
    for (k, v) in [
        (
            "task_definition_arn",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/payments-reconciliation-worker-eu:3",
        ),
        (
            "blue_target_group_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/b/1",
        ),
        (
            "green_target_group_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/g/2",
        ),
        (
            "production_listener_rule_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shared/1/2/3",
        ),
        (
            "test_listener_rule_arn",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shared/1/2/4",
        ),
        (
            "service_discovery_arn",
            "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-abc",
        ),
    ] {
        attributes[k] = json!(v);
    }
    let state = json!({
        "version": 4,
        "resources": [{
            "mode": "managed", "type": "fargate_production_service", "name": "payments",
            "provider": "provider[\"registry.opentofu.org/terraform-provider-fargate/fargate\"]",
            "instances": [{ "schema_version": 0, "attributes": attributes }]
        }]
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("terraform.tfstate");
    std::fs::write(&path, state.to_string()).expect("write");
    let out = cli(&["eject".as_ref(), "--state".as_ref(), path.as_os_str()]).succeeded();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("module \"payments\" {"), "{text}");
    assert!(
        text.contains("removed {\n  from = fargate_production_service.payments"),
        "{text}"
    );
    assert!(text.contains("destroy = false"), "{text}");
    let body = hcl::parse(&text).expect("eject output is HCL");
    let imports: Vec<(String, String)> = body
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
            (attr("to"), attr("id"))
        })
        .collect();
    let id = |to: &str| {
        imports
            .iter()
            .find(|(t, _)| t == to)
            .map(|(_, id)| id.trim_matches('"').to_owned())
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
            "{p}.codedeploy.aws_codedeploy_deployment_group.this"
        )),
        "payments-reconciliation-worker-eu:payments-reconciliation-worker-eu"
    );
    // One import per child resource the modules create for this configuration.
    let (_, ev) = both(&full());
    let mut module_addresses: Vec<String> = ev
        .resources
        .iter()
        .map(|r| format!("module.payments.{}", r.address))
        .collect();
    let mut import_addresses: Vec<String> = imports.iter().map(|(t, _)| t.clone()).collect();
    module_addresses.sort();
    import_addresses.sort();
    assert_eq!(import_addresses, module_addresses);

    // Not a state: a clear error.
    std::fs::write(&path, "{}").expect("write");
    let out = cli(&["eject".as_ref(), "--state".as_ref(), path.as_os_str()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a state file"));
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
