//! The generated modules with the real hashicorp/aws provider and the real `tofu`, against the
//! emulator (or the endpoint in AWS_ENDPOINT_URL): examples/modules-basic validates, applies,
//! plans empty and destroys, under CodeDeploy and under ECS-native blue/green; and a service
//! applied with the fargate_production_service resource is ejected to the modules with a plan
//! of imports only, then managed by them.
//!
//! Built only with `--features modules-acceptance`: hashicorp/aws has to be built from its Go
//! module first (about 35 minutes here), which tools/test-modules.sh does before running these.

mod support;

use support::{Aws, Emulator, Fixtures, Run, Workdir, repo_root};

fn timed(label: &str, run: Run) -> Run {
    eprintln!("[modules] {label}: {:.2} s", run.elapsed.as_secs_f64());
    run
}

/// examples/modules-basic with its module source pointing into this checkout.
fn modules_basic(w: &Workdir) {
    w.copy_example("modules-basic");
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    let root = repo_root().join("modules/fargate-production-service");
    w.write(
        "main.tf",
        &main.replace(
            "\"../../modules/fargate-production-service\"",
            &format!("\"{}\"", root.display()),
        ),
    );
}

/// The target groups the service's rules on `listener` forward (most of) their traffic to.
fn live_groups(aws: &Aws, listener: &str) -> Vec<String> {
    aws.run(async {
        let rules = aws
            .clients
            .elbv2
            .describe_rules()
            .listener_arn(listener)
            .send()
            .await
            .expect("DescribeRules");
        rules
            .rules()
            .iter()
            .filter(|r| !r.is_default().unwrap_or(false))
            .flat_map(|r| r.actions())
            .filter_map(|a| {
                // CodeDeploy and ECS leave a weighted forward ({green: 100, blue: 0}).
                a.forward_config()
                    .and_then(|f| {
                        f.target_groups()
                            .iter()
                            .max_by_key(|t| t.weight().unwrap_or(1))
                            .and_then(|t| t.target_group_arn())
                    })
                    .or(a.target_group_arn())
                    .map(str::to_owned)
            })
            .collect::<Vec<_>>()
    })
}

fn service_exists(aws: &Aws, cluster: &str, name: &str) -> Option<String> {
    aws.run(async {
        let out = aws
            .clients
            .ecs
            .describe_services()
            .cluster(cluster)
            .services(name)
            .send()
            .await
            .expect("DescribeServices");
        out.services()
            .iter()
            .find(|s| s.status() == Some("ACTIVE"))
            .and_then(|s| s.deployment_controller())
            .map(|c| c.r#type().as_str().to_owned())
    })
}

#[test]
fn modules_basic_validates_applies_plans_empty_and_destroys() {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, "modbasic");
    let aws = Aws::new(&emulator);
    let w = Workdir::new()
        .with_env(emulator.aws_env())
        .with_aws_provider();
    modules_basic(&w);
    w.write("terraform.tfvars", &fixtures.tfvars());

    w.tofu(&["get", "-no-color"]).assert_ok();
    timed("validate", w.tofu(&["validate", "-no-color"])).assert_ok();
    let apply = timed(
        "apply",
        w.tofu(&["apply", "-auto-approve", "-input=false", "-no-color"]),
    );
    apply.assert_ok();
    assert!(
        apply
            .stdout
            .contains("Resources: 19 added, 0 changed, 0 destroyed"),
        "{}",
        apply.stdout
    );
    let cluster = fixtures.get("cluster");
    assert_eq!(
        service_exists(&aws, &cluster, "checkout-api").as_deref(),
        Some("CODE_DEPLOY")
    );

    let plan = timed(
        "plan",
        w.tofu(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]),
    );
    assert_eq!(
        plan.code(),
        0,
        "the plan after apply is not empty:\n{}",
        plan.text()
    );

    // A new image: apply registers the revision (the service ignores it), the pipeline deploys
    // the `appspec` output with CodeDeploy, traffic moves to green, and the next plan is empty.
    let apply = timed(
        "apply of a new image",
        w.tofu(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            "image=public.ecr.aws/nginx/nginx:1.27.4",
        ]),
    );
    apply.assert_ok();
    let output = |name: &str| {
        let run = w.tofu(&["output", "-raw", name]);
        run.assert_ok();
        run.stdout.trim().to_owned()
    };
    let appspec = output("appspec");
    let new_revision = output("task_definition_arn");
    assert!(appspec.contains(&new_revision), "{appspec}");
    let green = output("green_target_group_arn");
    let listener = fixtures.get("production_listener_arn");
    let status = aws.run(async {
        let id = fargate_provider::aws::deployment::start(
            &aws.clients,
            "checkout-api",
            "checkout-api",
            &appspec,
        )
        .await
        .expect("CreateDeployment");
        let mut status = String::new();
        for _ in 0..100 {
            let out = aws
                .clients
                .codedeploy
                .get_deployment()
                .deployment_id(&id)
                .send()
                .await
                .expect("GetDeployment");
            status = out
                .deployment_info()
                .and_then(|d| d.status())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            if matches!(status.as_str(), "Succeeded" | "Failed" | "Stopped") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        status
    });
    assert_eq!(status, "Succeeded");
    let live = live_groups(&aws, &listener);
    assert_eq!(
        live,
        vec![green],
        "the production rule does not forward to green"
    );
    let plan = timed(
        "plan after the swap",
        w.tofu(&[
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-var",
            "image=public.ecr.aws/nginx/nginx:1.27.4",
        ]),
    );
    assert_eq!(
        plan.code(),
        0,
        "the plan after the swap is not empty:\n{}",
        plan.text()
    );

    let destroy = timed(
        "destroy",
        w.tofu(&["destroy", "-auto-approve", "-input=false", "-no-color"]),
    );
    destroy.assert_ok();
    assert!(
        destroy.stdout.contains("Resources: 19 destroyed"),
        "{}",
        destroy.stdout
    );
    assert_eq!(service_exists(&aws, &cluster, "checkout-api"), None);
}

/// The CodeDeploy settings of examples/modules-basic, which the ECS strategies replace.
const CODEDEPLOY_SETTINGS: &str = "  blue_green = {
    deployment_config        = \"CodeDeployDefault.ECSAllAtOnce\"
    termination_wait_minutes = 5
    auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]
  }
";

/// examples/modules-basic under an ECS-controller strategy with `settings` in `ecs_deployment`
/// and a 5xx alarm on each target group (which the service's deployment configuration rolls
/// back on): it applies with `resources` children and no CodeDeploy, plans empty, rolls a new
/// image out through ECS (traffic on `live_after` once the deployment ends), plans empty again
/// and destroys.
fn modules_basic_under(strategy: &str, settings: &str, resources: usize, live_after: &str) {
    modules_basic_with(strategy, settings, &[], resources, live_after);
}

/// examples/modules-basic under `strategy` with `edits` made to it.
fn modules_basic_with(
    strategy: &str,
    settings: &str,
    edits: &[(&str, &str)],
    resources: usize,
    live_after: &str,
) {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, &format!("mod{}", strategy.replace('_', "")));
    let aws = Aws::new(&emulator);
    let w = Workdir::new()
        .with_env(emulator.aws_env())
        .with_aws_provider();
    modules_basic(&w);
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    assert!(main.contains(CODEDEPLOY_SETTINGS), "{main}");
    let mut main = main.replace(
        CODEDEPLOY_SETTINGS,
        &format!(
            "  deployment_strategy = \"{strategy}\"\n  ecs_deployment = {{\n{settings}  }}\n  alarms = {{\n    target_5xx_count     = 10\n    response_time_p99_ms = 0\n    unhealthy_hosts      = 0\n  }}\n"
        ),
    );
    if strategy == "rolling" {
        let line = "    test_listener_arn         = var.test_listener_arn\n";
        assert!(main.contains(line), "{main}");
        main = main.replace(line, "");
    }
    for (from, to) in edits {
        assert!(
            main.contains(from),
            "examples/modules-basic has no {from:?}"
        );
        main = main.replacen(from, to, 1);
    }
    w.write("main.tf", &main);
    w.write("terraform.tfvars", &fixtures.tfvars());
    w.tofu(&["get", "-no-color"]).assert_ok();

    let apply = timed(
        &format!("apply ({strategy})"),
        w.tofu(&["apply", "-auto-approve", "-input=false", "-no-color"]),
    );
    apply.assert_ok();
    assert!(
        apply.stdout.contains(&format!(
            "Resources: {resources} added, 0 changed, 0 destroyed"
        )),
        "{}",
        apply.stdout
    );
    assert!(!apply.stdout.contains("aws_codedeploy"), "{}", apply.stdout);
    let cluster = fixtures.get("cluster");
    assert_eq!(
        service_exists(&aws, &cluster, "checkout-api").as_deref(),
        Some("ECS")
    );
    let plan = timed(
        &format!("plan ({strategy})"),
        w.tofu(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]),
    );
    assert_eq!(
        plan.code(),
        0,
        "{strategy}: the plan after apply is not empty:\n{}",
        plan.text()
    );

    // A new image: the apply registers the revision and updates the service, ECS rolls it out
    // (under blue/green, linear and canary rewriting the rules' weights), and the next plan is
    // empty.
    let v2 = [
        "-var",
        "image=public.ecr.aws/nginx/nginx:1.27.4",
        "-input=false",
        "-no-color",
    ];
    let apply = timed(
        &format!("apply of a new image ({strategy})"),
        w.tofu(&[&["apply", "-auto-approve"], &v2[..]].concat()),
    );
    apply.assert_ok();
    assert!(
        apply
            .stdout
            .contains("Resources: 1 added, 1 changed, 1 destroyed"),
        "{strategy}: a new revision and the service's update:\n{}",
        apply.stdout
    );
    let ended = aws.run(async {
        for _ in 0..300 {
            let active = fargate_provider::aws::service_deployment::active(
                &aws.clients,
                &cluster,
                "checkout-api",
            )
            .await
            .expect("ListServiceDeployments");
            if active.is_empty() {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    });
    assert!(ended, "{strategy}: the ECS deployment did not end");
    let output = |name: &str| {
        let run = w.tofu(&["output", "-raw", name]);
        run.assert_ok();
        run.stdout.trim().to_owned()
    };
    assert_eq!(
        live_groups(&aws, &fixtures.get("production_listener_arn")),
        vec![output(live_after)],
        "{strategy}: the production rule does not forward to {live_after}"
    );
    let plan = timed(
        &format!("plan after the deployment ({strategy})"),
        w.tofu(&[&["plan", "-detailed-exitcode"], &v2[..]].concat()),
    );
    assert_eq!(
        plan.code(),
        0,
        "{strategy}: the plan after the deployment is not empty:\n{}",
        plan.text()
    );

    let destroy = timed(
        &format!("destroy ({strategy})"),
        w.tofu(&[&["destroy", "-auto-approve"], &v2[..]].concat()),
    );
    destroy.assert_ok();
    assert!(
        destroy
            .stdout
            .contains(&format!("Resources: {resources} destroyed")),
        "{}",
        destroy.stdout
    );
    assert_eq!(service_exists(&aws, &cluster, "checkout-api"), None);
}

// Under the ECS blue/green strategies: no CodeDeploy application, group or role (4), the
// infrastructure role and its policy (2), two alarms (2) — as many children as the CodeDeploy
// example has.

#[test]
fn modules_basic_under_ecs_blue_green_rolls_an_image_out_and_plans_empty() {
    modules_basic_under(
        "blue_green",
        "    bake_time_minutes = 2\n",
        19,
        "green_target_group_arn",
    );
}

#[test]
fn modules_basic_under_ecs_linear_rolls_an_image_out_and_plans_empty() {
    modules_basic_under(
        "linear",
        "    bake_time_minutes   = 1\n    linear_step_percent = 25\n    linear_step_minutes = 1\n",
        19,
        "green_target_group_arn",
    );
}

#[test]
fn modules_basic_under_ecs_canary_rolls_an_image_out_and_plans_empty() {
    modules_basic_under(
        "canary",
        "    canary_percent = 12.5\n    canary_minutes = 2\n",
        19,
        "green_target_group_arn",
    );
}

// Rolling: besides CodeDeploy's four, no green group, no test rule and no alarm on green; the
// one rule keeps forwarding to blue.

#[test]
fn modules_basic_under_rolling_rolls_an_image_out_and_plans_empty() {
    modules_basic_under(
        "rolling",
        "    minimum_healthy_percent = 50\n    maximum_percent         = 150\n",
        14,
        "blue_target_group_arn",
    );
}

/// examples/modules-basic's service with a FireLens router, a collector, an EFS volume and
/// task storage, ECS Exec and the hardening settings, in module syntax.
const MODULE_TASK_EDITS: &[(&str, &str)] = &[
    (
        "    drain_timeout = 25\n",
        "    drain_timeout = 25\n    user          = \"1000:1000\"\n    drop_capabilities = [\"ALL\"]\n    depends_on = {\n      log_router = \"START\"\n    }\n    mount_point = [\n      { source_volume = \"data\", container_path = \"/data\" },\n      { source_volume = \"tmp\", container_path = \"/tmp\" },\n    ]\n    ulimit = [{ name = \"nofile\", soft_limit = 65535, hard_limit = 65535 }]\n",
    ),
    (
        "    log = {\n      retention_days = 14\n    }\n",
        "    log = {\n      retention_days = 14\n      driver         = \"awsfirelens\"\n      options = {\n        Name           = \"cloudwatch_logs\"\n        region         = \"us-east-1\"\n        log_group_name = \"/ecs/checkout-api\"\n      }\n    }\n",
    ),
    (
        "  network = {\n",
        "  enable_execute_command        = true\n  task_role_managed_policy_arns = [\"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess\"]\n  sidecar = [\n    {\n      name               = \"log_router\"\n      image              = \"public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4\"\n      memory_reservation = 64\n      firelens           = { options = { \"enable-ecs-log-metadata\" = \"true\" } }\n    },\n    {\n      name               = \"otel\"\n      image              = \"public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1\"\n      command            = [\"--config=/etc/ecs/ecs-cloudwatch-xray.yaml\"]\n      essential          = false\n      memory_reservation = 128\n      port_mapping       = [{ container_port = 4317 }, { container_port = 2000, protocol = \"udp\" }]\n      health_check       = { command = [\"/healthcheck\"] }\n    },\n  ]\n  volume = [\n    { name = \"data\", efs = { file_system_id = \"fs-0123456789abcdef0\", access_point_id = \"fsap-0123456789abcdef0\" } },\n    { name = \"tmp\" },\n  ]\n\n  network = {\n",
    ),
];

#[test]
fn modules_with_sidecars_and_volumes_under_rolling_roll_an_image_out_and_plan_empty() {
    // Besides rolling's 14: the task role's EFS and ECS Exec policies and its managed policy
    // attachment. hashicorp/aws reads the four-container task definition back unchanged.
    modules_basic_with(
        "rolling",
        "    minimum_healthy_percent = 50\n    maximum_percent         = 150\n",
        MODULE_TASK_EDITS,
        17,
        "blue_target_group_arn",
    );
}

#[test]
fn eject_moves_a_service_to_the_modules_with_imports_only() {
    // With alarms that roll a deployment back: four alarms (two metrics on both groups) wired
    // into the deployment group, which eject imports into the alarms submodule.
    eject_case(
        "eject",
        &[
            (
                "auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]",
                "auto_rollback_events     = [\"DEPLOYMENT_FAILURE\", \"DEPLOYMENT_STOP_ON_ALARM\"]",
            ),
            (
                "  desired_count = 4\n",
                "  desired_count = 4\n\n  alarms {\n    unhealthy_hosts = 0\n  }\n",
            ),
        ],
        23,
        "CODE_DEPLOY",
    );
}

#[test]
fn eject_moves_an_ecs_blue_green_service_to_the_modules_with_imports_only() {
    // No CodeDeploy application, group, role and its policy (4); the infrastructure role, its
    // managed policy and its policy for the lifecycle hooks (3).
    eject_case(
        "ejectnative",
        &[(
            "  blue_green {\n    deployment_config        = \"CodeDeployDefault.ECSAllAtOnce\"\n    termination_wait_minutes = 5\n    auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]\n  }\n",
            "  deployment_strategy = \"blue_green\"\n\n  ecs_deployment {\n    bake_time_minutes = 2\n    hooks = {\n      POST_TEST_TRAFFIC_SHIFT = \"arn:aws:lambda:us-east-1:123456789012:function:contract-tests\"\n    }\n  }\n\n  alarms {\n    unhealthy_hosts = 0\n  }\n",
        )],
        22,
        "ECS",
    );
}

#[test]
fn eject_moves_a_rolling_service_to_the_modules_with_imports_only() {
    // No CodeDeploy children (4), no green group or test rule (2), one alarm instead of four.
    eject_case(
        "ejectrolling",
        &[
            (
                "  blue_green {\n    deployment_config        = \"CodeDeployDefault.ECSAllAtOnce\"\n    termination_wait_minutes = 5\n    auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]\n  }\n",
                "  deployment_strategy = \"rolling\"\n\n  alarms {\n    response_time_p99_ms = 0\n    unhealthy_hosts      = 0\n  }\n",
            ),
            (
                "    test_listener_arn         = var.test_listener_arn\n",
                "",
            ),
        ],
        14,
        "ECS",
    );
}

/// examples/basic with a FireLens router the application logs through, an ADOT collector, an
/// EFS volume behind an access point and task storage, ECS Exec, a managed policy and the
/// hardening settings.
const TASK_EDITS: &[(&str, &str)] = &[
    (
        "    drain_timeout = 25\n",
        "    drain_timeout = 25\n    user          = \"1000:1000\"\n    drop_capabilities = [\"ALL\"]\n    depends_on = {\n      log_router = \"START\"\n    }\n\n    mount_point {\n      source_volume  = \"data\"\n      container_path = \"/data\"\n    }\n    mount_point {\n      source_volume  = \"tmp\"\n      container_path = \"/tmp\"\n    }\n\n    ulimit {\n      name       = \"nofile\"\n      soft_limit = 65535\n      hard_limit = 65535\n    }\n",
    ),
    (
        "    log {\n      retention_days = 14\n    }\n",
        "    log {\n      retention_days = 14\n      driver         = \"awsfirelens\"\n      options = {\n        Name           = \"cloudwatch_logs\"\n        region         = \"us-east-1\"\n        log_group_name = \"/ecs/checkout-api\"\n      }\n    }\n",
    ),
    (
        "  network {\n",
        "  enable_execute_command        = true\n  task_role_managed_policy_arns = [\"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess\"]\n\n  sidecar {\n    name               = \"log_router\"\n    image              = \"public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4\"\n    memory_reservation = 64\n\n    firelens {\n      options = {\n        \"enable-ecs-log-metadata\" = \"true\"\n      }\n    }\n  }\n\n  sidecar {\n    name               = \"otel\"\n    image              = \"public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1\"\n    command            = [\"--config=/etc/ecs/ecs-cloudwatch-xray.yaml\"]\n    essential          = false\n    memory_reservation = 128\n\n    port_mapping {\n      container_port = 4317\n    }\n    port_mapping {\n      container_port = 2000\n      protocol       = \"udp\"\n    }\n\n    health_check {\n      command = [\"/healthcheck\"]\n    }\n  }\n\n  volume {\n    name = \"data\"\n    efs {\n      file_system_id  = \"fs-0123456789abcdef0\"\n      access_point_id = \"fsap-0123456789abcdef0\"\n    }\n  }\n\n  volume {\n    name = \"tmp\"\n  }\n\n  network {\n",
    ),
];

#[test]
fn eject_moves_a_service_with_sidecars_and_volumes_to_the_modules_with_imports_only() {
    // Besides examples/basic's children: the task role's EFS and ECS Exec policies and its
    // managed policy attachment (3). hashicorp/aws reads the four-container task definition
    // and its volumes back as the modules render them: imports only, then an empty plan.
    eject_case("ejecttasks", TASK_EDITS, 22, "CODE_DEPLOY");
}

/// examples/basic with `edits`, applied with the fargate_production_service resource, then
/// ejected: the plan holds `imports` imports and nothing else, the apply of the imports leaves
/// an empty plan, and the modules destroy what the resource made.
fn eject_case(prefix: &str, edits: &[(&str, &str)], imports: usize, controller: &str) {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, prefix);
    let aws = Aws::new(&emulator);
    let w = Workdir::new()
        .with_env(emulator.aws_env())
        .with_aws_provider();
    w.copy_example("basic");
    w.write("terraform.tfvars", &fixtures.tfvars());
    let mut main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    for (from, to) in edits {
        assert!(main.contains(from), "examples/basic has no {from:?}");
        main = main.replacen(from, to, 1);
    }
    w.write("main.tf", &main);
    timed(
        "apply with the resource",
        w.tofu(&["apply", "-auto-approve", "-input=false", "-no-color"]),
    )
    .assert_ok();

    // Eject from `tofu show -json`, as the README shows.
    let show = w.tofu(&["show", "-json", "-no-color"]);
    show.assert_ok();
    w.write("state.json", &show.stdout);
    let root = repo_root().join("modules/fargate-production-service");
    let eject = std::process::Command::new(support::provider_binary())
        .args(["eject", "--state", "state.json", "--source"])
        .arg(&root)
        .current_dir(w.path())
        .output()
        .expect("run eject");
    assert!(
        eject.status.success(),
        "{}",
        String::from_utf8_lossy(&eject.stderr)
    );
    let ejected = String::from_utf8_lossy(&eject.stdout).to_string();

    // Replace the resource block with the ejected configuration; the aws provider gets the
    // fargate provider's default tags, as the eject header asks.
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    let head = main
        .split("resource \"fargate_production_service\"")
        .next()
        .unwrap_or_default()
        .replace(
            "    fargate = {\n      source = \"terraform-provider-fargate/fargate\"\n    }",
            "    fargate = {\n      source = \"terraform-provider-fargate/fargate\"\n    }\n    aws = {\n      source = \"hashicorp/aws\"\n    }",
        );
    w.write(
        "main.tf",
        &format!(
            "{head}provider \"aws\" {{\n  region = var.region\n\n  default_tags {{\n    tags = {{\n      managed_by = \"opentofu\"\n    }}\n  }}\n}}\n"
        ),
    );
    w.write("eject.tf", &ejected);
    w.write(
        "outputs.tf",
        "output \"service_arn\" {\n  value = module.checkout.service_arn\n}\n",
    );
    w.tofu(&["get", "-no-color"]).assert_ok();

    let plan = timed(
        "plan after eject",
        w.tofu(&["plan", "-input=false", "-no-color"]),
    );
    plan.assert_ok();
    assert!(
        plan.stdout.contains(&format!(
            "Plan: {imports} to import, 0 to add, 0 to change, 0 to destroy, 1 to forget."
        )),
        "the plan after eject is not imports only:\n{}",
        plan.stdout
    );
    assert!(plan.stdout.contains(
        "fargate_production_service.checkout will be removed from the OpenTofu state but will not be destroyed"
    ));

    timed(
        "apply of the imports",
        w.tofu(&["apply", "-auto-approve", "-input=false", "-no-color"]),
    )
    .assert_ok();
    let cluster = fixtures.get("cluster");
    assert_eq!(
        service_exists(&aws, &cluster, "checkout-api").as_deref(),
        Some(controller)
    );
    let plan = w.tofu(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(
        plan.code(),
        0,
        "the plan after the imports is not empty:\n{}",
        plan.text()
    );
    let state = w.tofu(&["state", "list"]);
    assert!(
        !state.stdout.contains("fargate_production_service"),
        "{}",
        state.stdout
    );

    // The modules now own the service: destroy removes it.
    timed(
        "destroy with the modules",
        w.tofu(&["destroy", "-auto-approve", "-input=false", "-no-color"]),
    )
    .assert_ok();
    assert_eq!(service_exists(&aws, &cluster, "checkout-api"), None);
}

#[test]
fn module_checks_refuse_bad_input_before_anything_is_created() {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, "modchecks");
    let w = Workdir::new()
        .with_env(emulator.aws_env())
        .with_aws_provider();
    modules_basic(&w);
    w.write("terraform.tfvars", &fixtures.tfvars());
    w.tofu(&["get", "-no-color"]).assert_ok();
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");

    // A Fargate size that does not exist: the variable's validation, at validate time.
    w.write(
        "main.tf",
        &main.replace("memory           = 1024", "memory           = 512"),
    );
    let validate = w.tofu(&["validate", "-no-color"]);
    assert!(!validate.success(), "{}", validate.text());
    assert!(
        validate.text().contains("must be a Fargate size")
            && validate.text().contains("check `task-size`"),
        "{}",
        validate.text()
    );

    // A secret whose ARN is only known after apply (created in the same run) still plans: what
    // the modules count on is known at plan time.
    w.write(
        "main.tf",
        &format!(
            "{}\nresource \"terraform_data\" \"secret\" {{\n  input = var.db_password_secret_arn\n}}\n",
            main.replace(
                "DB_PASSWORD = var.db_password_secret_arn",
                "DB_PASSWORD = terraform_data.secret.output"
            )
        ),
    );
    let plan = w.tofu(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout.contains("module.checkout.module.iam_roles.aws_iam_role_policy.execution_secrets[0] will be created"),
        "{}",
        plan.stdout
    );

    // Fargate Spot with ARM64 (the example runs ARM64): the ECS service's precondition.
    w.write(
        "main.tf",
        &main.replace(
            "capacity_provider = \"FARGATE\"",
            "capacity_provider = \"FARGATE_SPOT\"",
        ),
    );
    let plan = w.tofu(&["plan", "-input=false", "-no-color"]);
    assert!(!plan.success(), "{}", plan.text());
    assert!(plan.text().contains("check spot-arm64"), "{}", plan.text());

    // desired_count below autoscaling.min: the precondition stops the apply while it plans, so
    // nothing is created.
    if emulator.embedded {
        emulator.reset_requests();
    }
    w.write(
        "main.tf",
        &main.replace("desired_count = 4", "desired_count = 2"),
    );
    let apply = w.tofu(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert!(!apply.success(), "{}", apply.text());
    assert!(
        apply.text().contains("check scaling-bounds"),
        "{}",
        apply.text()
    );
    if emulator.embedded {
        let created: Vec<String> = emulator
            .requests()
            .into_iter()
            .filter(|r| r.contains("Create") || r.contains("Register") || r.contains("Put"))
            .collect();
        assert!(created.is_empty(), "calls that create: {created:?}");
    }
}
