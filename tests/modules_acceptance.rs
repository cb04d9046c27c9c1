//! The generated modules with the real hashicorp/aws provider and the real `tofu`, against the
//! emulator (or the endpoint in AWS_ENDPOINT_URL): examples/modules-basic validates, applies,
//! plans empty and destroys, under CodeDeploy and under ECS-native blue/green; and a service
//! applied with the fargate_production_service resource is ejected to the modules with a plan
//! of imports only, then managed by them.
//!
//! Built only with `--features modules-acceptance`: hashicorp/aws has to be built from its Go
//! module first (about 35 minutes here), which tools/test-modules.sh does before running these.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::scenario::Setup;
use support::{Aws, Emulator, Fixtures, QUEUE_ALARM, Run, Workdir, repo_root};

fn timed(label: &str, run: Run) -> Run {
    eprintln!("[modules] {label}: {:.2} s", run.elapsed.as_secs_f64());
    run
}

/// A fresh emulator with the prerequisites (`prefix` names them), SDK clients on it, and a
/// working directory whose tofu uses the pinned hashicorp/aws.
fn started(prefix: &str) -> (Emulator, Fixtures, Aws, Workdir) {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, prefix);
    let aws = Aws::new(&emulator);
    let w = Workdir::new()
        .with_env(emulator.aws_env())
        .with_aws_provider();
    (emulator, fixtures, aws, w)
}

/// `example` (one written with the modules) with its module source pointing into this checkout.
fn modules_example(w: &Workdir, example: &str) {
    w.copy_example(example);
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    let root = repo_root().join("modules/fargate-production-service");
    let source = "\"../../modules/fargate-production-service\"";
    assert!(main.contains(source), "{example} calls the modules");
    w.write(
        "main.tf",
        &main.replace(source, &format!("\"{}\"", root.display())),
    );
}

/// examples/modules-basic with its module source pointing into this checkout.
fn modules_basic(w: &Workdir) {
    modules_example(w, "modules-basic");
}

/// `terraform.tfvars` for examples/worker and examples/modules-worker: no load balancer or
/// namespace, and `alarms` as the alarms that roll a deployment back.
fn worker_tfvars(fixtures: &Fixtures, alarms: &[&str]) -> String {
    format!(
        "cluster = \"{}\"\nprivate_subnet_ids = {}\nsecurity_group_ids = {}\nrollback_alarm_names = {}\n",
        fixtures.get("cluster"),
        fixtures.json["private_subnet_ids"],
        fixtures.json["security_group_ids"],
        json!(alarms)
    )
}

/// The ECS service as ECS describes it.
#[derive(Debug)]
struct ServiceView {
    task_definition: String,
    target_groups: Vec<String>,
    grace_period: Option<i32>,
    rollback_alarms: Vec<String>,
    strategy: String,
}

/// `tofu <command> <args>`: apply and destroy approved, plan with `-detailed-exitcode`.
fn tofu(w: &Workdir, command: &str, args: &[&str]) -> Run {
    let flag = match command {
        "plan" => "-detailed-exitcode",
        _ => "-auto-approve",
    };
    w.tofu(&[&[command, flag], args].concat())
}

/// The plan with `args` has no change.
#[track_caller]
fn assert_plan_empty(w: &Workdir, args: &[&str], context: &str) {
    let plan = tofu(w, "plan", args);
    assert_eq!(
        plan.code(),
        0,
        "{context}: the plan is not empty:\n{}",
        plan.text()
    );
}

/// No call since the emulator's last `reset_requests` created anything (only the embedded
/// emulator keeps a request log).
#[track_caller]
fn assert_nothing_created(emulator: &Emulator) {
    if emulator.embedded {
        let created: Vec<String> = emulator
            .requests()
            .into_iter()
            .filter(|r| r.contains("Create") || r.contains("Register") || r.contains("Put"))
            .collect();
        assert!(created.is_empty(), "calls that create: {created:?}");
    }
}

/// An output of the working directory's configuration.
fn output(w: &Workdir, name: &str) -> String {
    let run = w.tofu(&["output", "-raw", name]);
    run.assert_ok();
    run.stdout.trim().to_owned()
}

/// The service as DescribeServices answers (none once deleted).
fn describe_service(aws: &Aws, cluster: &str, name: &str) -> Option<aws_sdk_ecs::types::Service> {
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
        out.services().first().cloned()
    })
}

fn service_view(aws: &Aws, cluster: &str, name: &str) -> ServiceView {
    let s = describe_service(aws, cluster, name).expect("the service");
    let d = s.deployment_configuration();
    ServiceView {
        task_definition: s.task_definition().unwrap_or_default().to_owned(),
        target_groups: s
            .load_balancers()
            .iter()
            .filter_map(|l| l.target_group_arn().map(str::to_owned))
            .collect(),
        grace_period: s.health_check_grace_period_seconds(),
        rollback_alarms: d
            .and_then(|d| d.alarms())
            .filter(|a| a.rollback())
            .map(|a| a.alarm_names().to_vec())
            .unwrap_or_default(),
        strategy: d
            .and_then(|d| d.strategy())
            .map(|x| x.as_str().to_owned())
            .unwrap_or_default(),
    }
}

/// How the service's newest ECS deployment ended, once it has: its status, and ECS's reason
/// with the alarms that fired.
fn last_deployment_end(aws: &Aws, cluster: &str, name: &str) -> (String, String) {
    aws.run(async {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let arn =
                fargate_provider::aws::service_deployment::latest(&aws.clients, cluster, name)
                    .await
                    .expect("ListServiceDeployments")
                    .expect("a deployment");
            let out = aws
                .clients
                .ecs
                .describe_service_deployments()
                .service_deployment_arns(&arn)
                .send()
                .await
                .expect("DescribeServiceDeployments");
            let d = out.service_deployments().first().expect("the deployment");
            let status = d
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            let ended = [
                "SUCCESSFUL",
                "STOPPED",
                "ROLLBACK_SUCCESSFUL",
                "ROLLBACK_FAILED",
            ]
            .contains(&status.as_str());
            if ended || Instant::now() > deadline {
                let alarms = d
                    .alarms()
                    .map(|a| a.triggered_alarm_names().join(", "))
                    .unwrap_or_default();
                let reason = format!(
                    "{} (alarms in ALARM: {alarms})",
                    d.status_reason().unwrap_or_default()
                );
                return (status, reason);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// `tofu apply` with `args` while `alarm` goes to ALARM once the ECS deployment it starts is
/// under way (one AWS minute lasting a second, so it is slow enough to catch); the apply's run
/// and how the deployment ended (`last_deployment_end`).
fn apply_while_alarm_fires(
    emulator: &Emulator,
    aws: &Aws,
    w: &Workdir,
    (cluster, service): (&str, &str),
    alarm: &str,
    args: &[&str],
) -> (Run, (String, String)) {
    let latest = || {
        aws.run(fargate_provider::aws::service_deployment::latest(
            &aws.clients,
            cluster,
            service,
        ))
        .expect("ListServiceDeployments")
    };
    let before = latest();
    emulator.contract(json!({ "minute_seconds": 1.0 }));
    let run = std::thread::scope(|s| {
        let run = s.spawn(|| w.tofu(args));
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            let active = aws
                .run(fargate_provider::aws::service_deployment::active(
                    &aws.clients,
                    cluster,
                    service,
                ))
                .expect("ListServiceDeployments");
            if !active.is_empty() && latest() != before {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        emulator.alarm_state(alarm, "ALARM");
        run.join().expect("apply thread")
    });
    let ended = last_deployment_end(aws, cluster, service);
    emulator.alarm_state(alarm, "OK");
    emulator.contract(json!({ "minute_seconds": 0.05 }));
    (run, ended)
}

/// An ECS-controller service applied with the modules, about to be rolled back by an alarm.
struct AlarmRollback<'a> {
    emulator: &'a Emulator,
    aws: &'a Aws,
    w: &'a Workdir,
    /// The module block's name in the configuration.
    module: &'a str,
    cluster: &'a str,
    service: &'a str,
    /// What the messages name the case by.
    label: &'a str,
}

impl AlarmRollback<'_> {
    /// Applies `args` (a change of image) while `alarm` fires mid-deployment, and asserts what a
    /// user sees: ECS rolls the deployment back naming the alarm, but the modules do not set
    /// hashicorp/aws's `wait_for_steady_state`, so its apply has returned once ECS took the
    /// update and reports success; the revision that ran before still runs (`after_rollback`
    /// checks more), and the next plan proposes the change again. With the alarm clear, the
    /// same apply rolls it out and the plan is empty.
    fn run(&self, alarm: &str, args: &[&str], after_rollback: impl FnOnce()) {
        let (aws, w, label) = (self.aws, self.w, self.label);
        let before = service_view(aws, self.cluster, self.service).task_definition;
        let (run, (status, reason)) = apply_while_alarm_fires(
            self.emulator,
            aws,
            w,
            (self.cluster, self.service),
            alarm,
            &[&["apply", "-auto-approve"], args].concat(),
        );
        let run = timed(&format!("apply while the alarm fires ({label})"), run);
        assert!(
            run.success()
                && run
                    .stdout
                    .contains("Resources: 1 added, 1 changed, 1 destroyed"),
            "{label}: hashicorp/aws's apply returns before ECS rolls back:\n{}",
            run.text()
        );
        assert_eq!(status, "ROLLBACK_SUCCESSFUL", "{label}: {reason}");
        assert!(reason.contains(alarm), "{label}: {reason}");
        assert_eq!(
            service_view(aws, self.cluster, self.service).task_definition,
            before,
            "{label}: the revision before still runs"
        );
        after_rollback();
        let plan = tofu(w, "plan", args);
        assert_eq!(
            plan.code(),
            2,
            "{label}: the change is proposed again:\n{}",
            plan.text()
        );
        let service = format!(
            "module.{}.module.ecs_service.aws_ecs_service.{ECS_SERVICE}[0] will be updated in-place",
            self.module
        );
        assert!(
            plan.stdout.contains(&service)
                && plan
                    .stdout
                    .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
            "{label}: {}",
            plan.stdout
        );
        timed(
            &format!("apply after the rollback ({label})"),
            tofu(w, "apply", args),
        )
        .assert_ok();
        let (status, reason) = last_deployment_end(aws, self.cluster, self.service);
        assert_eq!(status, "SUCCESSFUL", "{label}: {reason}");
        assert_plan_empty(w, args, label);
    }
}

/// Every child the resource's acceptance tests look for that is left in the account, but the
/// task definitions hashicorp/aws deregisters on destroy (AWS keeps them INACTIVE), and
/// whether any ACTIVE one is left.
fn left_after_destroy(emulator: Emulator, fixtures: Fixtures, aws: Aws) -> (Vec<String>, bool) {
    let t = Setup {
        emulator,
        fixtures,
        aws,
        w: Workdir::new(),
        tfvars: String::new(),
    };
    let left: Vec<String> = t
        .children_left()
        .into_iter()
        .filter(|c| !c.starts_with("task definition"))
        .collect();
    let active = t.aws.run(async {
        !t.aws
            .clients
            .ecs
            .list_task_definitions()
            .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
            .send()
            .await
            .expect("ListTaskDefinitions")
            .task_definition_arns()
            .is_empty()
    });
    (left, active)
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

/// The deployment controller of the service while it is ACTIVE.
fn service_exists(aws: &Aws, cluster: &str, name: &str) -> Option<String> {
    describe_service(aws, cluster, name)
        .filter(|s| s.status() == Some("ACTIVE"))
        .and_then(|s| {
            s.deployment_controller()
                .map(|c| c.r#type().as_str().to_owned())
        })
}

#[test]
fn modules_basic_validates_applies_plans_empty_and_destroys() {
    let (_emulator, fixtures, aws, w) = started("modbasic");
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
    let output = |name: &str| output(&w, name);
    let appspec = output("appspec");
    let new_revision = output("task_definition_arn");
    assert!(appspec.contains(&new_revision), "{appspec}");
    let green = output("green_target_group_arn");
    let listener = fixtures.get("production_listener_arn");
    let (status, why) = codedeploy_end(&aws, &pipeline_deploys(&aws, &appspec));
    assert_eq!(status, "Succeeded", "{why}");
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

/// The ECS service's resource under the ECS controller when Application Auto Scaling owns its
/// count, as in examples/modules-basic and examples/modules-worker.
const ECS_SERVICE: &str = "ecs_controller_autoscaled";

/// What a pipeline does with the `appspec` output: a CodeDeploy deployment of it (the
/// application and group are the service's name); its ID.
fn pipeline_deploys(aws: &Aws, appspec: &str) -> String {
    aws.run(fargate_provider::aws::deployment::start(
        &aws.clients,
        "checkout-api",
        "checkout-api",
        appspec,
    ))
    .expect("CreateDeployment")
}

/// How a CodeDeploy deployment ended, once it has: its status, and CodeDeploy's error and
/// rollback messages.
fn codedeploy_end(aws: &Aws, id: &str) -> (String, String) {
    aws.run(async {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let out = aws
                .clients
                .codedeploy
                .get_deployment()
                .deployment_id(id)
                .send()
                .await
                .expect("GetDeployment");
            let info = out.deployment_info();
            let status = info
                .and_then(|d| d.status())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            if matches!(status.as_str(), "Succeeded" | "Failed" | "Stopped")
                || Instant::now() > deadline
            {
                let why = format!(
                    "{} {}",
                    info.and_then(|d| d.error_information())
                        .and_then(|e| e.message())
                        .unwrap_or_default(),
                    info.and_then(|d| d.rollback_info())
                        .and_then(|r| r.rollback_message())
                        .unwrap_or_default()
                );
                return (status, why);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// The task definition of the service's primary task set (a CODE_DEPLOY service runs its tasks
/// in task sets).
fn primary_task_definition(aws: &Aws, cluster: &str, name: &str) -> String {
    describe_service(aws, cluster, name)
        .and_then(|s| {
            s.task_sets()
                .iter()
                .find(|t| t.status() == Some("PRIMARY"))
                .and_then(|t| t.task_definition().map(str::to_owned))
        })
        .unwrap_or_default()
}

#[test]
fn modules_codedeploy_rolls_a_pipeline_deployment_back_on_an_alarm() {
    let (emulator, fixtures, aws, w) = started("modcdalarm");
    modules_basic(&w);
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    let rollback = "    auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]\n";
    assert!(main.contains(rollback), "{main}");
    // A 5xx alarm on each group, wired into the deployment group, which rolls back on it.
    let main = main.replace(
        rollback,
        "    auto_rollback_events     = [\"DEPLOYMENT_FAILURE\", \"DEPLOYMENT_STOP_ON_ALARM\"]\n  }\n\n  alarms = {\n    target_5xx_count     = 10\n    response_time_p99_ms = 0\n    unhealthy_hosts      = 0\n",
    );
    w.write("main.tf", &main);
    w.write("terraform.tfvars", &fixtures.tfvars());
    w.tofu(&["get", "-no-color"]).assert_ok();
    let args = ["-input=false", "-no-color"];
    let apply = timed("apply (codedeploy with alarms)", tofu(&w, "apply", &args));
    apply.assert_ok();
    assert!(
        apply
            .stdout
            .contains("Resources: 21 added, 0 changed, 0 destroyed"),
        "{}",
        apply.stdout
    );
    let output = |name: &str| output(&w, name);
    let cluster = fixtures.get("cluster");
    let listener = fixtures.get("production_listener_arn");
    let v1 = output("task_definition_arn");
    let blue = output("blue_target_group_arn");

    // A new image: the apply registers the revision, the pipeline deploys the `appspec`, and
    // the green group's alarm fires once the replacement task set runs: CodeDeploy stops the
    // deployment and rolls it back.
    let v2 = [
        "-var",
        "image=public.ecr.aws/nginx/nginx:1.27.4",
        "-input=false",
        "-no-color",
    ];
    let apply = tofu(&w, "apply", &v2);
    apply.assert_ok();
    assert!(
        apply
            .stdout
            .contains("Resources: 1 added, 0 changed, 1 destroyed"),
        "the service ignores the new revision: CodeDeploy rolls it out:\n{}",
        apply.stdout
    );
    emulator.contract(json!({ "minute_seconds": 1.0 }));
    let id = pipeline_deploys(&aws, &output("appspec"));
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let sets =
            describe_service(&aws, &cluster, "checkout-api").map_or(0, |s| s.task_sets().len());
        if sets > 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    emulator.alarm_state("checkout-api-5xx-green", "ALARM");
    let (status, why) = codedeploy_end(&aws, &id);
    emulator.alarm_state("checkout-api-5xx-green", "OK");
    emulator.contract(json!({ "minute_seconds": 0.05 }));
    assert_eq!(status, "Stopped", "{why}");
    assert!(why.contains("checkout-api-5xx-green"), "{why}");
    assert_eq!(
        primary_task_definition(&aws, &cluster, "checkout-api"),
        v1,
        "the first revision still runs"
    );
    assert_eq!(live_groups(&aws, &listener), vec![blue], "traffic on blue");

    // The modules' plan is empty: the new revision is registered, and the service leaves its
    // roll-out to CodeDeploy (`ignore_changes`), so nothing in Terraform shows that it does not
    // run. The pipeline has to see the failed deployment; deploying the same AppSpec again,
    // once the alarm is clear, rolls it out.
    assert_plan_empty(&w, &v2, "");
    let (status, why) = codedeploy_end(&aws, &pipeline_deploys(&aws, &output("appspec")));
    assert_eq!(status, "Succeeded", "{why}");
    assert_eq!(
        primary_task_definition(&aws, &cluster, "checkout-api"),
        output("task_definition_arn")
    );
    assert_plan_empty(&w, &v2, "");

    let destroy = tofu(&w, "destroy", &v2);
    destroy.assert_ok();
    assert!(
        destroy.stdout.contains("Resources: 21 destroyed"),
        "{}",
        destroy.stdout
    );
    assert_eq!(service_exists(&aws, &cluster, "checkout-api"), None);
}

/// The CodeDeploy settings of examples/modules-basic, which the ECS strategies replace.
const CODEDEPLOY_SETTINGS: &str =
    "  # CodeDeploy, written out: the modules' default is ECS-native blue/green.
  deployment_strategy = \"codedeploy\"

  blue_green = {
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
    let (emulator, fixtures, aws, w) = started(&format!("mod{}", strategy.replace('_', "")));
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
        tofu(&w, "apply", &v2),
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
    let output = |name: &str| output(&w, name);
    assert_eq!(
        live_groups(&aws, &fixtures.get("production_listener_arn")),
        vec![output(live_after)],
        "{strategy}: the production rule does not forward to {live_after}"
    );
    let plan = timed(
        &format!("plan after the deployment ({strategy})"),
        tofu(&w, "plan", &v2),
    );
    assert_eq!(
        plan.code(),
        0,
        "{strategy}: the plan after the deployment is not empty:\n{}",
        plan.text()
    );

    // Back to the first image while the blue group's 5xx alarm fires mid-deployment; traffic
    // stays where v2 runs.
    let v1 = ["-input=false", "-no-color"];
    let rollback = AlarmRollback {
        emulator: &emulator,
        aws: &aws,
        w: &w,
        module: "checkout",
        cluster: &cluster,
        service: "checkout-api",
        label: strategy,
    };
    rollback.run("checkout-api-5xx-blue", &v1, || {
        assert_eq!(
            live_groups(&aws, &fixtures.get("production_listener_arn")),
            vec![output(live_after)],
            "{strategy}: traffic stays where v2 runs"
        );
    });

    let destroy = timed(&format!("destroy ({strategy})"), tofu(&w, "destroy", &v1));
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
fn modules_worker_checks_applies_rolls_out_rolls_back_on_its_alarm_and_destroys() {
    let (emulator, fixtures, aws, w) = started("modworker");
    modules_example(&w, "modules-worker");
    w.write(
        "terraform.tfvars",
        &worker_tfvars(&fixtures, &[QUEUE_ALARM]),
    );
    aws.put_external_alarm(QUEUE_ALARM);
    w.tofu(&["get", "-no-color"]).assert_ok();
    let cluster = fixtures.get("cluster");
    let args = ["-input=false", "-no-color"];

    // What the resource's `load-balancer` check refuses, the modules' preconditions refuse
    // while planning: nothing is created.
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    if emulator.embedded {
        emulator.reset_requests();
    }
    for (edit, message) in [
        (
            ("  deployment_strategy = \"rolling\"\n", ""),
            "load_balancer is required by every deployment_strategy but rolling",
        ),
        (
            (
                "    cpu_target = 60\n",
                "    cpu_target = 60\n    requests_per_target = 500\n",
            ),
            "autoscaling.requests_per_target tracks the load balancer's requests per target",
        ),
        (
            (
                "    names = var.rollback_alarm_names\n",
                "    names = var.rollback_alarm_names\n    target_5xx_count = 5\n",
            ),
            "alarms.target_5xx_count watches the service's target group",
        ),
    ] {
        assert!(main.contains(edit.0), "{main}");
        w.write("main.tf", &main.replacen(edit.0, edit.1, 1));
        let apply = tofu(&w, "apply", &args);
        let text = apply
            .text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !apply.success() && text.contains(message) && text.contains("check load-balancer"),
            "{}",
            apply.text()
        );
    }
    assert_nothing_created(&emulator);
    w.write("main.tf", &main);

    // No target group, rule or alarm of its own; the module reads the cluster to place it.
    let apply = timed("apply (worker)", tofu(&w, "apply", &args));
    apply.assert_ok();
    assert!(
        apply
            .stdout
            .contains("Resources: 9 added, 0 changed, 0 destroyed"),
        "{}",
        apply.stdout
    );
    for absent in ["aws_lb_", "aws_cloudwatch_metric_alarm", "aws_codedeploy"] {
        assert!(
            !apply.stdout.contains(absent),
            "{absent}:\n{}",
            apply.stdout
        );
    }
    assert_eq!(
        service_exists(&aws, &cluster, "checkout-worker").as_deref(),
        Some("ECS")
    );
    let view = service_view(&aws, &cluster, "checkout-worker");
    assert_eq!(view.strategy, "ROLLING");
    assert!(view.target_groups.is_empty(), "{view:?}");
    assert_eq!(
        view.grace_period, None,
        "ECS refuses one without a load balancer"
    );
    assert_eq!(view.rollback_alarms, [QUEUE_ALARM]);
    let plan = timed("plan (worker)", tofu(&w, "plan", &args));
    assert_eq!(plan.code(), 0, "{}", plan.text());

    // A new image rolls out through ECS; the plan after it is empty.
    let v2 = [
        "-var",
        "image=public.ecr.aws/nginx/nginx:1.27.4",
        "-input=false",
        "-no-color",
    ];
    let apply = timed("apply of a new image (worker)", tofu(&w, "apply", &v2));
    apply.assert_ok();
    assert!(
        apply
            .stdout
            .contains("Resources: 1 added, 1 changed, 1 destroyed"),
        "{}",
        apply.stdout
    );
    let (status, reason) = last_deployment_end(&aws, &cluster, "checkout-worker");
    assert_eq!(status, "SUCCESSFUL", "{reason}");
    let output = |name: &str| output(&w, name);
    let on_v2 = output("task_definition_arn");
    assert_eq!(
        service_view(&aws, &cluster, "checkout-worker").task_definition,
        on_v2
    );
    assert_plan_empty(&w, &v2, "");

    // Back to the first image while the queue's alarm fires.
    AlarmRollback {
        emulator: &emulator,
        aws: &aws,
        w: &w,
        module: "worker",
        cluster: &cluster,
        service: "checkout-worker",
        label: "worker",
    }
    .run(QUEUE_ALARM, &args, || {});

    let destroy = timed("destroy (worker)", tofu(&w, "destroy", &args));
    destroy.assert_ok();
    assert!(
        destroy.stdout.contains("Resources: 9 destroyed"),
        "{}",
        destroy.stdout
    );
    aws.delete_external_alarm(QUEUE_ALARM);
    let (left, active) = left_after_destroy(emulator, fixtures, aws);
    assert_eq!(left, Vec::<String>::new(), "children left");
    assert!(!active, "an ACTIVE task definition is left");
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
            support::CODEDEPLOY_BLOCK,
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
                support::CODEDEPLOY_BLOCK,
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

/// examples/codedeploy with a FireLens router the application logs through, an ADOT collector, an
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
    // Besides examples/codedeploy's children: the task role's EFS and ECS Exec policies and its
    // managed policy attachment (3). hashicorp/aws reads the four-container task definition
    // and its volumes back as the modules render them: imports only, then an empty plan.
    eject_case("ejecttasks", TASK_EDITS, 22, "CODE_DEPLOY");
}

/// An example applied with the resource: its directory, the resource's label and the service's
/// name.
struct ResourceExample {
    dir: &'static str,
    label: &'static str,
    service: &'static str,
}

const BASIC: ResourceExample = ResourceExample {
    dir: "codedeploy",
    label: "checkout",
    service: "checkout-api",
};

/// examples/codedeploy with `edits`, applied with the fargate_production_service resource, then
/// ejected: the plan holds `imports` imports and nothing else, the apply of the imports leaves
/// an empty plan, and the modules destroy what the resource made.
fn eject_case(prefix: &str, edits: &[(&str, &str)], imports: usize, controller: &str) {
    eject_example(prefix, &BASIC, edits, imports, controller);
}

/// `example` with `edits`, applied with the resource and ejected as `eject_case` says.
fn eject_example(
    prefix: &str,
    example: &ResourceExample,
    edits: &[(&str, &str)],
    imports: usize,
    controller: &str,
) {
    let (_emulator, fixtures, aws, w) = started(prefix);
    w.copy_example(example.dir);
    if example.dir == BASIC.dir {
        w.write("terraform.tfvars", &fixtures.tfvars());
    } else {
        w.write("terraform.tfvars", &worker_tfvars(&fixtures, &[]));
    }
    let mut main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    for (from, to) in edits {
        assert!(
            main.contains(from),
            "examples/{} has no {from:?}",
            example.dir
        );
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
        &format!(
            "output \"service_arn\" {{\n  value = module.{}.service_arn\n}}\n",
            example.label
        ),
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
    assert!(plan.stdout.contains(&format!(
        "fargate_production_service.{} will be removed from the OpenTofu state but will not be destroyed",
        example.label
    )));

    timed(
        "apply of the imports",
        w.tofu(&["apply", "-auto-approve", "-input=false", "-no-color"]),
    )
    .assert_ok();
    let cluster = fixtures.get("cluster");
    assert_eq!(
        service_exists(&aws, &cluster, example.service).as_deref(),
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
    assert_eq!(service_exists(&aws, &cluster, example.service), None);
}

#[test]
fn eject_moves_a_worker_to_the_modules_with_imports_only() {
    // examples/worker: no target group, rule or alarm; the execution role, its managed and
    // secrets policies, the task role, the log group, the task definition, the service, the
    // scalable target and the CPU policy (9). Its state holds the alarm thresholds' defaults,
    // which eject leaves out.
    eject_example(
        "ejectworker",
        &ResourceExample {
            dir: "worker",
            label: "worker",
            service: "checkout-worker",
        },
        &[],
        9,
        "ECS",
    );
}

#[test]
fn module_checks_refuse_bad_input_before_anything_is_created() {
    let (emulator, fixtures, _, w) = started("modchecks");
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

    // Fargate Spot with ARM64 (the example runs ARM64): AWS runs Graviton tasks on Fargate
    // Spot (the ECS API model's CapacityProviderStrategyItem), so the modules plan it.
    w.write(
        "main.tf",
        &main.replace(
            "capacity_provider = \"FARGATE\"",
            "capacity_provider = \"FARGATE_SPOT\"",
        ),
    );
    let plan = w.tofu(&["plan", "-input=false", "-no-color"]);
    plan.assert_ok();

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
    assert_nothing_created(&emulator);
}
