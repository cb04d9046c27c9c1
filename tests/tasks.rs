//! Tasks of more than one container through the real tofu against the emulator: a service
//! with three sidecars (a FireLens log router, an ADOT collector, a one-shot configuration
//! writer), an EFS volume with an access point and a task-storage volume, ECS Exec and the
//! hardening settings. The task definition ECS reports equals the configuration; the roles
//! hold exactly the permissions it needs; a sidecar's image change rolls out through CodeDeploy
//! with an empty plan after it; a revision deployed outside Terraform is drift the plan shows
//! and the apply undoes; an import plans nothing; destroy leaves no child. The FireLens and
//! ADOT examples apply, roll out and destroy. Each step prints its time and AWS calls.

mod support;

use std::time::Instant;

use aws_sdk_ecs::types::ContainerDefinition;
use serde_json::{Value as Json, json};
use support::scenario::{Setup, s, setup};

/// examples/codedeploy's variables, with this service (under CodeDeploy) instead of its own.
const MAIN: &str = r#"
terraform {
  required_providers {
    fargate = {
      source = "terraform-provider-fargate/fargate"
    }
  }
}

provider "fargate" {
  region = var.region
}

variable "collector_image" {
  type    = string
  default = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1"
}

resource "fargate_production_service" "checkout" {
  name    = "checkout-api"
  cluster = var.cluster

  # CodeDeploy, as a pipeline deploys it out of band in the test.
  deployment_strategy = "codedeploy"

  task {
    cpu    = 1024
    memory = 2048
  }

  enable_execute_command        = true
  task_role_managed_policy_arns = ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]

  container {
    name          = "app"
    image         = var.image
    port          = 8080
    stop_timeout  = 60
    drain_timeout = 25
    cpu           = 512
    memory        = 1024

    user              = "1000:1000"
    drop_capabilities = ["ALL"]
    entry_point       = ["/app/server"]

    secrets = {
      DB_PASSWORD = var.db_password_secret_arn
    }

    depends_on = {
      log_router  = "START"
      config_init = "SUCCESS"
    }

    mount_point {
      source_volume  = "data"
      container_path = "/data"
    }
    mount_point {
      source_volume  = "config"
      container_path = "/etc/app"
      read_only      = true
    }

    ulimit {
      name       = "nofile"
      soft_limit = 65535
      hard_limit = 65535
    }

    log {
      retention_days = 14
      driver         = "awsfirelens"
      options = {
        Name           = "cloudwatch_logs"
        region         = "us-east-1"
        log_group_name = "/ecs/checkout-api"
      }
    }
  }

  sidecar {
    name               = "log_router"
    image              = "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4"
    memory_reservation = 64

    firelens {
      type             = "fluentbit"
      options          = { "enable-ecs-log-metadata" = "true" }
      config_file_type = "file"
      config_file_value = "/fluent-bit/configs/parse-json.conf"
    }
  }

  sidecar {
    name               = "otel"
    image              = var.collector_image
    command            = ["--config=/etc/ecs/ecs-cloudwatch-xray.yaml"]
    essential          = false
    cpu                = 256
    memory_reservation = 256

    secrets = {
      API_KEY = "arn:aws:ssm:us-east-1:123456789012:parameter/checkout/otel-api-key"
    }

    port_mapping {
      container_port = 4317
    }
    port_mapping {
      container_port = 2000
      protocol       = "udp"
    }

    health_check {
      command = ["/healthcheck"]
    }
  }

  sidecar {
    name      = "config_init"
    image     = "public.ecr.aws/docker/library/busybox:1.36"
    command   = ["sh", "-c", "echo ready > /config/app.conf"]
    essential = false

    mount_point {
      source_volume  = "config"
      container_path = "/config"
    }
  }

  volume {
    name = "data"
    efs {
      file_system_id  = "fs-0123456789abcdef0"
      access_point_id = "fsap-0123456789abcdef0"
    }
  }

  volume {
    name = "config"
  }

  network {
    subnets         = var.private_subnet_ids
    security_groups = var.security_group_ids
  }

  load_balancer {
    vpc_id                  = var.vpc_id
    production_listener_arn = var.production_listener_arn
    test_listener_arn       = var.test_listener_arn
    deregistration_delay    = 30
  }

  desired_count = 2
}
"#;

const COLLECTOR_V2: [&str; 2] = [
    "-var",
    "collector_image=public.ecr.aws/aws-observability/aws-otel-collector:v0.44.0",
];

fn tasks_setup(prefix: &str) -> Setup {
    let t = setup(prefix);
    t.w.write("main.tf", MAIN);
    t
}

/// Runs `args`, printing its time and (on the emulator) its AWS calls.
fn timed(t: &Setup, what: &str, args: &[&str]) -> String {
    t.emulator.reset_requests();
    let started = Instant::now();
    t.tofu(args).assert_ok();
    let took = started.elapsed().as_secs_f64();
    let calls = if t.emulator.embedded {
        format!("{} calls", t.emulator.requests().len())
    } else {
        "(calls not counted outside the emulator)".to_owned()
    };
    let line = format!("{what} {took:.1} s / {calls}");
    eprintln!("tasks: {line}");
    line
}

/// The containers of a revision, by name.
fn containers(t: &Setup, arn: &str) -> (Vec<ContainerDefinition>, Vec<aws_sdk_ecs::types::Volume>) {
    t.aws.run(async {
        let out = t
            .aws
            .clients
            .ecs
            .describe_task_definition()
            .task_definition(arn)
            .send()
            .await
            .expect("DescribeTaskDefinition");
        let td = out.task_definition().expect("a task definition");
        (td.container_definitions().to_vec(), td.volumes().to_vec())
    })
}

fn named<'a>(defs: &'a [ContainerDefinition], name: &str) -> &'a ContainerDefinition {
    defs.iter()
        .find(|c| c.name() == Some(name))
        .unwrap_or_else(|| panic!("no container {name} in {defs:#?}"))
}

fn depends(c: &ContainerDefinition) -> Vec<(String, String)> {
    let mut d: Vec<(String, String)> = c
        .depends_on()
        .iter()
        .map(|d| {
            (
                d.container_name().to_owned(),
                d.condition().as_str().to_owned(),
            )
        })
        .collect();
    d.sort();
    d
}

/// The revision the service runs (the PRIMARY task set's).
fn running_revision(t: &Setup) -> String {
    let cluster = t.fixtures.get("cluster");
    t.aws.run(async {
        let out = t
            .aws
            .clients
            .ecs
            .describe_services()
            .cluster(&cluster)
            .services("checkout-api")
            .send()
            .await
            .expect("DescribeServices");
        let svc = &out.services()[0];
        svc.task_sets()
            .iter()
            .find(|ts| ts.status() == Some("PRIMARY"))
            .and_then(|ts| ts.task_definition())
            .or(svc.task_definition())
            .unwrap_or_default()
            .to_owned()
    })
}

fn inline_policy(t: &Setup, role: &str, name: &str) -> Json {
    t.aws.run(async {
        let out = t
            .aws
            .clients
            .iam
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GetRolePolicy {role}/{name}: {e}"));
        // IAM returns policy documents URL-encoded.
        let decoded =
            percent_encoding::percent_decode_str(out.policy_document()).decode_utf8_lossy();
        serde_json::from_str(&decoded).expect("policy JSON")
    })
}

#[test]
fn sidecars_firelens_and_efs_reach_the_task_definition_roll_out_drift_import_and_destroy() {
    let t = tasks_setup("tasks");
    let mut figures = vec![timed(&t, "apply", &["apply", "-auto-approve"])];
    let state = t.state();
    let arn = s(&state["task_definition_arn"]).to_owned();
    assert_eq!(running_revision(&t), arn, "the service runs the revision");

    // The task definition ECS reports is the configuration.
    let (defs, volumes) = containers(&t, &arn);
    let names: Vec<&str> = defs.iter().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["app", "log_router", "otel", "config_init"]);

    let app = named(&defs, "app");
    assert_eq!(app.essential(), Some(true));
    assert_eq!((app.cpu(), app.memory()), (512, Some(1024)));
    assert_eq!(app.user(), Some("1000:1000"));
    assert_eq!(app.entry_point(), ["/app/server"]);
    assert_eq!(app.port_mappings()[0].container_port(), Some(8080));
    let linux = app.linux_parameters().expect("linux parameters");
    assert_eq!(linux.init_process_enabled(), Some(true));
    assert_eq!(
        linux.capabilities().map(|c| c.drop().to_vec()),
        Some(vec!["ALL".to_owned()])
    );
    assert_eq!(
        depends(app),
        [
            ("config_init".to_owned(), "SUCCESS".to_owned()),
            ("log_router".to_owned(), "START".to_owned())
        ]
    );
    let mounts: Vec<(String, String, bool)> = app
        .mount_points()
        .iter()
        .map(|m| {
            (
                m.source_volume().unwrap_or_default().to_owned(),
                m.container_path().unwrap_or_default().to_owned(),
                m.read_only().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            ("data".to_owned(), "/data".to_owned(), false),
            ("config".to_owned(), "/etc/app".to_owned(), true)
        ]
    );
    let ulimit = &app.ulimits()[0];
    assert_eq!(
        (
            ulimit.name().as_str(),
            ulimit.soft_limit(),
            ulimit.hard_limit()
        ),
        ("nofile", 65535, 65535)
    );
    let log = app.log_configuration().expect("app logs");
    assert_eq!(log.log_driver().as_str(), "awsfirelens");
    assert_eq!(
        log.options()
            .and_then(|o| o.get("Name"))
            .map(String::as_str),
        Some("cloudwatch_logs")
    );

    let router = named(&defs, "log_router");
    let firelens = router
        .firelens_configuration()
        .expect("the router's FireLens");
    assert_eq!(firelens.r#type().as_str(), "fluentbit");
    let options = firelens.options().expect("FireLens options");
    assert_eq!(
        options.get("config-file-value").map(String::as_str),
        Some("/fluent-bit/configs/parse-json.conf")
    );
    assert_eq!(
        options.get("enable-ecs-log-metadata").map(String::as_str),
        Some("true")
    );
    let router_log = router.log_configuration().expect("router logs");
    assert_eq!(router_log.log_driver().as_str(), "awslogs");
    assert_eq!(
        router_log
            .options()
            .and_then(|o| o.get("awslogs-group"))
            .map(String::as_str),
        Some("/ecs/checkout-api"),
        "the router's own output goes to the service's log group"
    );
    assert_eq!(router.memory_reservation(), Some(64));

    let otel = named(&defs, "otel");
    assert_eq!(otel.essential(), Some(false));
    assert_eq!(
        otel.image(),
        Some("public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1")
    );
    let ports: Vec<(i32, String)> = otel
        .port_mappings()
        .iter()
        .map(|p| {
            (
                p.container_port().unwrap_or_default(),
                p.protocol()
                    .map(|x| x.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(ports, [(4317, "tcp".to_owned()), (2000, "udp".to_owned())]);
    assert_eq!(otel.secrets()[0].name(), "API_KEY");
    assert!(otel.health_check().is_some());

    let init = named(&defs, "config_init");
    assert_eq!(init.essential(), Some(false));
    assert_eq!(init.mount_points()[0].container_path(), Some("/config"));

    let efs = volumes
        .iter()
        .find(|v| v.name() == Some("data"))
        .and_then(|v| v.efs_volume_configuration())
        .expect("the EFS volume");
    assert_eq!(efs.file_system_id(), "fs-0123456789abcdef0");
    assert_eq!(
        efs.transit_encryption().map(|x| x.as_str()),
        Some("ENABLED")
    );
    let auth = efs.authorization_config().expect("authorization");
    assert_eq!(auth.access_point_id(), Some("fsap-0123456789abcdef0"));
    assert_eq!(auth.iam().map(|x| x.as_str()), Some("ENABLED"));
    assert!(
        volumes
            .iter()
            .any(|v| v.name() == Some("config") && v.efs_volume_configuration().is_none()),
        "task storage shared by app and config_init"
    );

    // The roles: EFS client actions on the file system through its access point (no root
    // access: the access point enforces its user), ECS Exec's channels, the managed policy,
    // and the sidecar's parameter beside the application's secret.
    let efs_policy = inline_policy(&t, "checkout-api-task", "efs");
    assert_eq!(
        efs_policy["Statement"],
        json!([{
            "Sid": "EfsVolume0",
            "Effect": "Allow",
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Resource": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0",
            "Condition": { "StringEquals": { "elasticfilesystem:AccessPointArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0" } },
        }])
    );
    let exec = inline_policy(&t, "checkout-api-task", "ecs-exec");
    assert_eq!(exec["Statement"][0]["Resource"], json!("*"));
    assert_eq!(
        exec["Statement"][0]["Action"].as_array().map(Vec::len),
        Some(4)
    );
    let secrets = inline_policy(&t, "checkout-api-execution", "secrets");
    assert_eq!(
        secrets["Statement"][1]["Resource"],
        json!(["arn:aws:ssm:us-east-1:123456789012:parameter/checkout/otel-api-key"])
    );
    let attached: Vec<String> = t.aws.run(async {
        t.aws
            .clients
            .iam
            .list_attached_role_policies()
            .role_name("checkout-api-task")
            .send()
            .await
            .expect("ListAttachedRolePolicies")
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_owned))
            .collect()
    });
    assert_eq!(
        attached,
        ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]
    );
    let exec_on = t.ecs_service().enable_execute_command();
    assert!(exec_on, "ECS Exec is on for the service");
    t.assert_plans_empty(&[]);

    // A sidecar's image change rolls out as a CodeDeploy deployment of a new revision.
    let before = t.state();
    figures.push(timed(
        &t,
        "sidecar image change",
        &["apply", "-auto-approve", COLLECTOR_V2[0], COLLECTOR_V2[1]],
    ));
    let after = t.state();
    assert_ne!(after["task_definition_arn"], before["task_definition_arn"]);
    assert_ne!(after["last_deployment_id"], before["last_deployment_id"]);
    assert_eq!(s(&after["live_target_group"]), "green");
    let running = running_revision(&t);
    assert_eq!(running, s(&after["task_definition_arn"]));
    let (defs, _) = containers(&t, &running);
    assert_eq!(
        named(&defs, "otel").image(),
        Some("public.ecr.aws/aws-observability/aws-otel-collector:v0.44.0")
    );
    assert_eq!(
        named(&defs, "log_router").image(),
        Some("public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4"),
        "the other containers stay as they are"
    );
    t.assert_plans_empty(&COLLECTOR_V2);

    // A revision deployed outside Terraform (another router image) is drift.
    deploy_out_of_band(
        &t,
        &running,
        "log_router",
        "public.ecr.aws/aws-observability/aws-for-fluent-bit:3.0.0",
    );
    let plan = t.tofu(&[
        "plan",
        "-detailed-exitcode",
        COLLECTOR_V2[0],
        COLLECTOR_V2[1],
    ]);
    assert_eq!(
        plan.code(),
        2,
        "the out-of-band revision is drift:\n{}",
        plan.text()
    );
    assert!(
        plan.stdout.contains("aws-for-fluent-bit:3.0.0")
            && plan.stdout.contains("aws-for-fluent-bit:2.32.4"),
        "the plan names the router's image change:\n{}",
        plan.stdout
    );
    figures.push(timed(
        &t,
        "drift repaired",
        &["apply", "-auto-approve", COLLECTOR_V2[0], COLLECTOR_V2[1]],
    ));
    let (defs, _) = containers(&t, &running_revision(&t));
    assert_eq!(
        named(&defs, "log_router").image(),
        Some("public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4")
    );
    t.assert_plans_empty(&COLLECTOR_V2);
    t.assert_import_plans_nothing(&COLLECTOR_V2);

    figures.push(timed(
        &t,
        "destroy",
        &["destroy", "-auto-approve", COLLECTOR_V2[0], COLLECTOR_V2[1]],
    ));
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
    eprintln!("tasks figures: {}", figures.join(", "));
}

/// Registers a copy of `revision` with `container`'s image changed and deploys it through
/// CodeDeploy, as a pipeline outside Terraform would; waits for the deployment to finish.
fn deploy_out_of_band(t: &Setup, revision: &str, container: &str, image: &str) {
    let arn = t.register_with_image(revision, container, image);
    t.deploy_through_codedeploy(&json!({
        "version": 0.0,
        "Resources": [{ "TargetService": { "Type": "AWS::ECS::Service", "Properties": {
            "TaskDefinition": arn,
            "LoadBalancerInfo": { "ContainerName": "app", "ContainerPort": 8080 },
        } } }],
    }));
}

/// ECS Exec reaches only the tasks ECS starts. Under CodeDeploy, which ECS does not update in
/// place, turning it on is a planned replacement with a warning saying why; under the ECS
/// controller it changes in place with a new deployment, the task role gets its channels, and
/// the plan after it is empty.
#[test]
fn ecs_exec_replaces_a_codedeploy_service_and_rolls_out_under_the_ecs_controller() {
    let t = setup("exec");
    t.apply(&[]);
    t.edit_main(
        "  desired_count = 4\n",
        "  desired_count = 4\n\n  enable_execute_command = true\n",
    );
    let plan = t.tofu(&["plan", "-no-color"]);
    plan.assert_ok();
    assert!(
        plan.stdout.contains("must be replaced")
            && plan
                .stdout
                .contains("ECS Exec changes by replacing the service"),
        "a replacement, and the warning why:\n{}",
        plan.stdout
    );
    assert_eq!(t.planned_actions(&[]), ["delete", "create"]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();

    let t = setup("execrolling");
    t.edit_main(
        support::CODEDEPLOY_BLOCK,
        "  deployment_strategy = \"rolling\"\n",
    );
    t.edit_main(
        "    test_listener_arn         = var.test_listener_arn\n",
        "",
    );
    t.apply(&[]);
    let before = t.state_str("task_definition_arn");
    t.edit_main(
        "  desired_count = 4\n",
        "  desired_count = 4\n\n  enable_execute_command = true\n",
    );
    assert_eq!(t.planned_actions(&[]), ["update"], "in place");
    t.apply(&[]);
    let exec_on = t.aws.run(async {
        t.aws
            .clients
            .ecs
            .describe_services()
            .cluster(t.fixtures.get("cluster"))
            .services("checkout-api")
            .send()
            .await
            .expect("DescribeServices")
            .services()[0]
            .enable_execute_command()
    });
    assert!(exec_on, "ECS Exec is on");
    assert_ne!(
        t.state_str("task_definition_arn"),
        before,
        "a new deployment starts the tasks ECS Exec reaches"
    );
    assert_eq!(
        inline_policy(&t, "checkout-api-task", "ecs-exec")["Statement"][0]["Action"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    t.assert_plans_empty(&[]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// The FireLens and ADOT examples as a user runs them: apply, an image change rolled out, an
/// empty plan, destroy with nothing left.
#[test]
fn the_firelens_and_adot_examples_apply_roll_out_and_destroy() {
    for example in ["firelens", "adot"] {
        let t = setup(&format!("ex{example}"));
        t.w.copy_example(example);
        let v2 = ["-var", "image=registry.example.com/checkout:v2"];
        let mut row = vec![timed(
            &t,
            &format!("{example} apply"),
            &["apply", "-auto-approve"],
        )];
        t.assert_plans_empty(&[]);
        row.push(timed(
            &t,
            &format!("{example} roll-out"),
            &["apply", "-auto-approve", v2[0], v2[1]],
        ));
        assert_eq!(t.state_str("live_target_group"), "green", "{example}");
        t.assert_plans_empty(&v2);
        row.push(timed(
            &t,
            &format!("{example} destroy"),
            &["destroy", "-auto-approve", v2[0], v2[1]],
        ));
        assert_eq!(
            t.children_left(),
            Vec::<String>::new(),
            "{example}: children left"
        );
        eprintln!("tasks example: {}", row.join(", "));
    }
}

/// A FireLens service whose log group the user named: the router's awslogs output names it in
/// the task definition, and import finds the group there (with its retention), so the plan
/// after the import is empty.
#[test]
fn import_finds_the_log_group_a_firelens_service_named() {
    let t = setup("implogfirelens");
    t.w.copy_example("firelens");
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).expect("main.tf");
    let group = "/custom/firelens/checkout";
    let renamed = main.replace("/ecs/checkout-api", group).replacen(
        "      retention_days = 14\n      driver         = \"awsfirelens\"",
        &format!(
            "      group          = \"{group}\"\n      retention_days = 7\n      driver         = \"awsfirelens\""
        ),
        1,
    );
    assert!(renamed.contains(&format!("group          = \"{group}\"")));
    t.w.write("main.tf", &renamed);
    t.apply(&[]);
    assert_eq!(t.state_str("log_group_name"), group);
    t.assert_plans_empty(&[]);
    t.assert_import_plans_nothing(&[]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}
