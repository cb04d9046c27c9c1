//! The service stays one unit under faults, interruption and throttling: through the real
//! `tofu` against the emulator, a failed call at a child's first call or at a follow-up call,
//! a killed or interrupted tofu, and throttled calls never leave a child behind. Every claim is
//! checked through the AWS APIs (`children_left` lists every child of any kind in the account).
//!
//! These tests need the embedded emulator's fault injection, call delay and throttling; against
//! another endpoint (AWS_ENDPOINT_URL) they fail saying so. The representative subset runs in
//! CI; `tests/fault_sweep.rs` (feature `fault-sweep`) tries every mutating call.

mod support;

use std::time::{Duration, Instant};

use support::scenario::{ADDRESS, Setup, s, setup};
use support::{Fault, Run};

const NEW_IMAGE: &str = "-var=image=public.ecr.aws/nginx/nginx:1.27.4";

/// A fault AWS would not retry, in the service's own error shape.
fn refused(service: &str, action: &str) -> Fault {
    let code = match service {
        "iam" | "elasticloadbalancing" => "AccessDenied",
        _ => "AccessDeniedException",
    };
    Fault::new(action).service(service).code(code).times(1)
}

#[track_caller]
fn assert_names_child_and_error(run: &Run, kind: &str, code: &str) {
    let text = run.text();
    assert!(!run.success(), "the command must fail:\n{text}");
    assert!(text.contains(kind), "the diagnostic names {kind}:\n{text}");
    assert!(
        text.contains(code),
        "the diagnostic gives AWS's {code}:\n{text}"
    );
}

#[track_caller]
fn assert_nothing_left(t: &Setup) {
    let left = t.children_left();
    assert!(left.is_empty(), "children left: {left:#?}");
}

/// The next apply converges, the plans are empty, destroy leaves nothing.
#[track_caller]
fn converge_and_destroy(t: &Setup, extra: &[&str]) {
    t.apply(extra);
    t.assert_plans_empty(extra);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_nothing_left(t);
}

/// Create faults: a child's first call and a follow-up call, in the services whose children
/// are found on their own (Cloud Map, ELBv2, IAM, Logs, ECS, CodeDeploy). After each, the
/// next apply replaces the tainted instance; its delete half has no private state.
#[test]
fn a_failed_create_converges_on_the_next_apply_and_destroy_leaves_nothing() {
    for (service, action, kind) in [
        (
            "servicediscovery",
            "CreateService",
            "aws_service_discovery_service",
        ),
        (
            "elasticloadbalancing",
            "ModifyTargetGroupAttributes",
            "aws_lb_target_group",
        ),
        ("iam", "PutRolePolicy", "aws_iam_role"),
        ("ecs", "CreateService", "aws_ecs_service"),
        (
            "codedeploy",
            "CreateDeploymentGroup",
            "aws_codedeploy_deployment_group",
        ),
    ] {
        let t = setup("faultnext");
        t.emulator.inject(&refused(service, action));
        let run = t.tofu(&["apply", "-auto-approve"]);
        assert_names_child_and_error(&run, kind, "AccessDenied");
        assert!(
            run.text().contains(action),
            "names the call {action}: {}",
            run.text()
        );
        converge_and_destroy(&t, &[]);
    }
}

/// Follow-up faults, then destroy at once: the child was recorded when its create call
/// returned, so destroy finds it.
#[test]
fn a_failed_follow_up_call_then_destroy_leaves_nothing() {
    for (service, action, kind) in [
        (
            "elasticloadbalancing",
            "ModifyTargetGroupAttributes",
            "aws_lb_target_group",
        ),
        ("logs", "PutRetentionPolicy", "aws_cloudwatch_log_group"),
        ("iam", "AttachRolePolicy", "aws_iam_role"),
    ] {
        let t = setup("faultdestroy");
        t.emulator.inject(&refused(service, action));
        let run = t.tofu(&["apply", "-auto-approve"]);
        assert_names_child_and_error(&run, kind, "AccessDenied");
        t.tofu(&["destroy", "-auto-approve"]).assert_ok();
        assert_nothing_left(&t);
    }
}

/// Destroy faults: the failed destroy names the child and keeps it in the state; the next
/// destroy removes everything (task definition revisions included).
#[test]
fn a_failed_destroy_keeps_what_is_left_and_the_next_destroy_removes_it() {
    for (service, action, kind) in [
        ("ecs", "DeleteTaskDefinitions", "aws_ecs_task_definition"),
        (
            "elasticloadbalancing",
            "DeleteTargetGroup",
            "aws_lb_target_group",
        ),
        (
            "servicediscovery",
            "DeleteService",
            "aws_service_discovery_service",
        ),
    ] {
        let t = setup("faultdel");
        t.apply(&[]);
        t.emulator.inject(&refused(service, action));
        let run = t.tofu(&["destroy", "-auto-approve"]);
        assert_names_child_and_error(&run, kind, "AccessDenied");
        assert!(
            !t.children_left().is_empty(),
            "the failed destroy left something to find"
        );
        t.tofu(&["destroy", "-auto-approve"]).assert_ok();
        assert_nothing_left(&t);
    }
}

/// A fault during an image change: the service keeps running the old revision, the next apply
/// rolls the change out, and the plan after it is empty.
#[test]
fn a_failed_image_change_is_proposed_again_and_converges() {
    let t = setup("faultimage");
    t.apply(&[]);
    t.emulator
        .inject(&refused("codedeploy", "CreateDeployment"));
    let run = t.tofu(&["apply", "-auto-approve", NEW_IMAGE]);
    assert!(!run.success(), "{}", run.text());
    assert!(run.text().contains("CreateDeployment"), "{}", run.text());
    // The state keeps what runs, so the change is proposed again.
    let plan = t.tofu(&["plan", "-detailed-exitcode", NEW_IMAGE]);
    assert_eq!(
        plan.code(),
        2,
        "the image change is proposed again:\n{}",
        plan.text()
    );
    t.apply(&[NEW_IMAGE]);
    assert_eq!(running_image(&t), "public.ecr.aws/nginx/nginx:1.27.4");
    t.assert_plans_empty(&[NEW_IMAGE]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_nothing_left(&t);
}

/// The image of the task definition the ECS service runs, as AWS reports it.
fn running_image(t: &Setup) -> String {
    let cluster = t.fixtures.get("cluster");
    t.aws.run(async {
        let c = &t.aws.clients;
        let services = c
            .ecs
            .describe_services()
            .cluster(&cluster)
            .services("checkout-api")
            .send()
            .await
            .expect("DescribeServices");
        let td = services.services()[0]
            .task_definition()
            .unwrap_or_default()
            .to_owned();
        let out = c
            .ecs
            .describe_task_definition()
            .task_definition(td)
            .send()
            .await
            .expect("DescribeTaskDefinition");
        out.task_definition()
            .and_then(|d| d.container_definitions().first())
            .and_then(|c| c.image())
            .unwrap_or_default()
            .to_owned()
    })
}

/// A fault during an in-place update: the state keeps the old settings, the next plan proposes
/// the change again, and the apply makes it.
#[test]
fn a_failed_in_place_update_is_proposed_again_and_converges() {
    let t = setup("faultupdate");
    t.apply(&[]);
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).expect("main.tf");
    t.w.write(
        "main.tf",
        &main.replace(
            "deregistration_delay      = 30",
            "deregistration_delay      = 45",
        ),
    );
    t.emulator.inject(&refused(
        "elasticloadbalancing",
        "ModifyTargetGroupAttributes",
    ));
    let run = t.tofu(&["apply", "-auto-approve"]);
    assert_names_child_and_error(&run, "aws_lb_target_group", "AccessDenied");
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.code(),
        2,
        "the change is proposed again:\n{}",
        plan.text()
    );
    t.apply(&[]);
    t.assert_plans_empty(&[]);
    assert_eq!(t.state()["load_balancer"]["deregistration_delay"], 45);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_nothing_left(&t);
}

/// After a swap, a request-count policy left measuring the idle target group (its follow-up
/// call failed) is drift: the plan shows it and the apply points it at the live group.
#[test]
fn a_scaling_policy_left_on_the_idle_group_is_planned_and_healed() {
    let t = setup("faultlabel");
    t.apply(&[]);
    t.emulator
        .inject(&refused("application-autoscaling", "PutScalingPolicy").after(0));
    let run = t.tofu(&["apply", "-auto-approve", NEW_IMAGE]);
    assert!(!run.success(), "{}", run.text());
    assert!(run.text().contains("PutScalingPolicy"), "{}", run.text());
    let state = t.state();
    let live = if s(&state["live_target_group"]) == "green" {
        s(&state["green_target_group_arn"]).to_owned()
    } else {
        s(&state["blue_target_group_arn"]).to_owned()
    };
    assert_eq!(t.production_target(), live, "the swap itself happened");
    let plan = t.tofu(&["plan", "-detailed-exitcode", NEW_IMAGE]);
    assert_eq!(
        plan.code(),
        2,
        "the idle-group policy is a planned change:\n{}",
        plan.text()
    );
    t.apply(&[NEW_IMAGE]);
    let label = request_policy_label(&t);
    let group_part = live
        .split_once(":targetgroup/")
        .map(|(_, g)| g)
        .unwrap_or_default();
    assert!(
        label.ends_with(&format!("targetgroup/{group_part}")),
        "the policy measures the live group {live}: {label}"
    );
    t.assert_plans_empty(&[NEW_IMAGE]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_nothing_left(&t);
}

fn request_policy_label(t: &Setup) -> String {
    t.aws.run(async {
        let out = t
            .aws
            .clients
            .autoscaling
            .describe_scaling_policies()
            .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
            .send()
            .await
            .expect("DescribeScalingPolicies");
        out.scaling_policies()
            .iter()
            .find(|p| p.policy_name().ends_with("-requests"))
            .and_then(|p| p.target_tracking_scaling_policy_configuration())
            .and_then(|c| c.predefined_metric_specification())
            .and_then(|m| m.resource_label())
            .unwrap_or_default()
            .to_owned()
    })
}

/// A killed tofu (a CI runner that died) writes no state: the next apply adopts what the
/// interrupted one created (it carries the service's owner tag) and converges; destroy leaves
/// nothing. An interrupted destroy is finished by the next one.
#[test]
fn after_sigkill_or_sigint_the_next_command_converges_and_destroy_leaves_nothing() {
    for (signal, seconds) in [("-KILL", 2.5), ("-KILL", 4.0), ("-INT", 3.0)] {
        let t = setup("kill");
        // AWS-like latency, so the signal lands halfway through the apply.
        t.emulator.delay(150);
        t.interrupt(
            &["apply", "-auto-approve"],
            signal,
            Duration::from_secs_f64(seconds),
        );
        t.emulator.delay(0);
        converge_and_destroy(&t, &[]);
    }
    let t = setup("killdestroy");
    t.apply(&[]);
    t.emulator.delay(150);
    t.interrupt(
        &["destroy", "-auto-approve"],
        "-KILL",
        Duration::from_secs(3),
    );
    t.emulator.delay(0);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_nothing_left(&t);
}

/// Ten services at -parallelism=10 while a fifth of all calls are throttled: apply, plan,
/// image change and destroy all succeed on the provider's retries, and nothing is left.
#[test]
fn ten_services_with_a_fifth_of_calls_throttled_apply_change_and_destroy() {
    let t = setup("throttle");
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).expect("main.tf");
    let services: Vec<String> = (0..10).map(|i| format!("\"s{i}\"")).collect();
    let main = main.replace(
        "resource \"fargate_production_service\" \"checkout\" {\n  name    = \"checkout-api\"",
        &format!(
            "resource \"fargate_production_service\" \"checkout\" {{\n  for_each = toset([{}])\n  name     = \"svc-${{each.key}}\"",
            services.join(", ")
        ),
    );
    assert!(
        main.contains("for_each"),
        "the example's resource block changed"
    );
    t.w.write("main.tf", &main);
    std::fs::remove_file(t.w.path().join("outputs.tf")).expect("drop the single-service outputs");
    t.emulator.throttle(0.2, 7);
    let started = Instant::now();
    let p = "-parallelism=10";
    t.apply(&[p]);
    t.assert_plans_empty(&[p]);
    t.apply(&[p, NEW_IMAGE]);
    t.assert_plans_empty(&[p, NEW_IMAGE]);
    t.tofu(&["destroy", "-auto-approve", p]).assert_ok();
    let throttled = t.emulator.throttled_count();
    t.emulator.throttle(0.0, 7);
    assert!(throttled > 50, "the emulator throttled {throttled} calls");
    eprintln!(
        "10 services, 20% throttled: {throttled} calls throttled, every command succeeded in {:.0?}",
        started.elapsed()
    );
    assert_nothing_left(&t);
    let state = t.state();
    assert!(state.is_null(), "{ADDRESS} instances remain in the state");
}

/// After an import, a configuration matching what exists plans nothing, whether it leaves the
/// optional blocks out or writes them out with their defaults: no new revision, no deployment.
#[test]
fn an_import_plans_nothing_whichever_optional_blocks_the_configuration_leaves_out() {
    let t = setup("importmin");
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).expect("main.tf");
    let cut = |main: &str, start: &str, end: &str| -> (String, String) {
        let from = main.find(start).expect("block start");
        let to = from + main[from..].find(end).expect("block end") + end.len();
        (
            format!("{}{}", &main[..from], &main[to..]),
            main[from..to].to_owned(),
        )
    };
    // The service is created without blue_green, container.log and load_balancer.health_check.
    let (lean, blue_green) = cut(&main, "  blue_green {", "\n  }\n");
    let (lean, _) = cut(&lean, "    log {", "\n    }\n");
    let (lean, _) = cut(&lean, "    health_check {\n      path", "\n    }\n");
    t.w.write("main.tf", &lean);
    t.apply(&[]);
    let id = format!("{}/checkout-api", t.fixtures.get("cluster"));
    // The example's blue_green block holds the defaults: written out, it matches too.
    let written_out = lean.replace(
        "  service_discovery {",
        &format!("{blue_green}\n  service_discovery {{"),
    );
    for (case, config) in [("left out", &lean), ("written out", &written_out)] {
        let w = support::Workdir::new().with_env(t.emulator.aws_env());
        w.copy_example("codedeploy");
        w.write("main.tf", config);
        w.write("terraform.tfvars", &t.fixtures.tfvars());
        w.tofu(&["import", "-no-color", ADDRESS, &id]).assert_ok();
        let plan = w.tofu(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(
            plan.code(),
            0,
            "{case}: plan after import is not empty:\n{}",
            plan.text()
        );
        t.emulator.reset_requests();
        w.tofu(&["apply", "-no-color", "-auto-approve"]).assert_ok();
        let changes: Vec<String> = t
            .emulator
            .requests()
            .into_iter()
            .filter(|c| c.contains(":Register") || c.contains(":CreateDeployment"))
            .collect();
        assert!(
            changes.is_empty(),
            "{case}: registered or deployed: {changes:?}"
        );
    }
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_nothing_left(&t);
}
