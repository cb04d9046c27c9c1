//! The deployment strategies through the real tofu against the emulator: examples/codedeploy moved
//! from CodeDeploy to ECS-native blue/green, linear and canary, and to a rolling update. Each
//! creates what its strategy needs and nothing else, rolls an image change out (the plan empty
//! after it), rolls back when an alarm fires mid-deployment (the apply failing with the alarm's
//! name), and destroys with nothing left; a CodeDeploy service moves to ECS blue/green in place
//! and a switch AWS cannot make in place is a planned replacement.

mod support;

use std::time::Duration;

use serde_json::json;
use support::scenario::{Setup, setup};
use support::{CODEDEPLOY_BLOCK, QUEUE_ALARM};

const V2: [&str; 2] = ["-var", "image=registry.example.com/checkout:v2"];

/// examples/codedeploy under `strategy`, with `settings` in its `ecs_deployment` block and one alarm
/// (5xx) on each target group, wired into the deployment.
fn with_strategy(t: &Setup, strategy: &str, settings: &str) {
    t.edit_main(
        CODEDEPLOY_BLOCK,
        &format!(
            "  deployment_strategy = \"{strategy}\"\n\n  ecs_deployment {{\n{settings}  }}\n\n  \
             alarms {{\n    target_5xx_count     = 10\n    response_time_p99_ms = 0\n    \
             unhealthy_hosts      = 0\n  }}\n"
        ),
    );
    if strategy == "rolling" {
        t.edit_main(
            "    test_listener_arn         = var.test_listener_arn\n",
            "",
        );
    }
}

/// What ECS reports for the service: (controller, strategy, alarm names, advanced configuration
/// present, target group).
fn ecs_view(t: &Setup) -> (String, String, Vec<String>, bool, String) {
    let s = described_service(t);
    let d = s.deployment_configuration();
    let lb = s.load_balancers().first();
    (
        s.deployment_controller()
            .map(|c| c.r#type().as_str().to_owned())
            .unwrap_or_default(),
        d.and_then(|d| d.strategy())
            .map(|x| x.as_str().to_owned())
            .unwrap_or_default(),
        d.and_then(|d| d.alarms())
            .map(|a| a.alarm_names().to_vec())
            .unwrap_or_default(),
        lb.is_some_and(|l| l.advanced_configuration().is_some()),
        lb.and_then(|l| l.target_group_arn())
            .unwrap_or_default()
            .to_owned(),
    )
}

/// The service as DescribeServices reports it.
fn described_service(t: &Setup) -> aws_sdk_ecs::types::Service {
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
        out.services().first().expect("the service").clone()
    })
}

/// The weights of a rule's forward, by target group ARN.
fn weights(t: &Setup, rule_arn: &str) -> Vec<(String, i32)> {
    t.aws.run(async {
        let out = t
            .aws
            .clients
            .elbv2
            .describe_rules()
            .rule_arns(rule_arn)
            .send()
            .await
            .expect("DescribeRules");
        let action = &out.rules()[0].actions()[0];
        match action.forward_config() {
            Some(f) => {
                let mut w: Vec<(String, i32)> = f
                    .target_groups()
                    .iter()
                    .map(|g| {
                        (
                            g.target_group_arn().unwrap_or_default().to_owned(),
                            g.weight().unwrap_or(1),
                        )
                    })
                    .collect();
                w.sort();
                w
            }
            None => vec![(action.target_group_arn().unwrap_or_default().to_owned(), 1)],
        }
    })
}

fn sorted(mut v: Vec<(String, i32)>) -> Vec<(String, i32)> {
    v.sort();
    v
}

/// Whether the service has a deployment that has not ended.
fn deployment_in_progress(t: &Setup) -> bool {
    let cluster = t.fixtures.get("cluster");
    t.aws.run(async {
        t.aws
            .clients
            .ecs
            .list_service_deployments()
            .cluster(&cluster)
            .service("checkout-api")
            .status(aws_sdk_ecs::types::ServiceDeploymentStatus::InProgress)
            .send()
            .await
            .map(|o| !o.service_deployments().is_empty())
            .unwrap_or(false)
    })
}

fn codedeploy_children(t: &Setup) -> Vec<String> {
    t.children_left()
        .into_iter()
        .filter(|c| c.contains("codedeploy"))
        .collect()
}

#[test]
fn ecs_blue_green_moves_traffic_by_rule_weights_and_rolls_back_on_an_alarm() {
    let t = setup("ecsbg");
    with_strategy(&t, "blue_green", "    bake_time_minutes = 5\n");
    t.apply(&[]);
    let (blue, green) = (
        t.state_str("blue_target_group_arn"),
        t.state_str("green_target_group_arn"),
    );
    let (prod, test) = (
        t.state_str("production_listener_rule_arn"),
        t.state_str("test_listener_rule_arn"),
    );
    let (controller, strategy, alarms, advanced, group) = ecs_view(&t);
    assert_eq!(
        (controller.as_str(), strategy.as_str()),
        ("ECS", "BLUE_GREEN")
    );
    assert!(advanced, "the load balancer has its advanced configuration");
    assert_eq!(group, blue, "the service starts on blue");
    assert_eq!(alarms, ["checkout-api-5xx-blue", "checkout-api-5xx-green"]);
    assert_eq!(
        weights(&t, &prod),
        sorted(vec![(blue.clone(), 1), (green.clone(), 0)]),
        "the production rule forwards to both groups, the idle one at weight 0"
    );
    assert_eq!(weights(&t, &test), weights(&t, &prod));
    assert!(
        codedeploy_children(&t).is_empty(),
        "no CodeDeploy children: {:?}",
        codedeploy_children(&t)
    );
    assert!(
        t.children_left()
            .contains(&"iam role checkout-api-ecs-infra".to_owned()),
        "the infrastructure role exists"
    );
    assert!(
        t.state_str("infrastructure_role_arn")
            .ends_with("checkout-api-ecs-infra")
    );
    assert_eq!(t.state_str("live_target_group"), "blue");
    t.assert_plans_empty(&[]);

    // An image change: ECS shifts production traffic to green, and the plan is empty after it.
    let before = t.state_str("task_definition_arn");
    t.apply(&V2);
    assert_ne!(t.state_str("task_definition_arn"), before);
    assert_eq!(t.state_str("live_target_group"), "green");
    assert_eq!(
        weights(&t, &prod),
        sorted(vec![(blue.clone(), 0), (green.clone(), 100)])
    );
    assert!(
        t.state_str("last_deployment_id")
            .contains(":service-deployment/"),
        "the deployment is ECS's"
    );
    t.assert_plans_empty(&V2);
    t.assert_import_plans_nothing(&V2);

    // Back to v1, and the blue group's alarm fires mid-deployment: ECS rolls back, the apply
    // fails naming the alarm, and the state keeps what runs.
    let on_v2 = t.state_str("task_definition_arn");
    let run = apply_v2_with_alarm_back(&t);
    assert!(!run.success(), "the apply fails:\n{}", run.text());
    assert!(
        run.text().contains("checkout-api-5xx-blue"),
        "the failure names the alarm:\n{}",
        run.text()
    );
    assert_eq!(t.state_str("task_definition_arn"), on_v2, "v2 still runs");
    assert_eq!(t.state_str("live_target_group"), "green");
    assert_eq!(
        weights(&t, &prod),
        sorted(vec![(blue.clone(), 0), (green.clone(), 100)]),
        "traffic is back on green"
    );
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.code(),
        2,
        "the change is proposed again:\n{}",
        plan.text()
    );
    t.apply(&[]);
    assert_eq!(t.state_str("live_target_group"), "blue");
    t.assert_plans_empty(&[]);

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

#[test]
fn linear_and_canary_shift_in_steps_and_end_on_the_other_group() {
    for (strategy, settings, ecs) in [
        (
            "linear",
            "    linear_step_percent = 25\n    linear_step_minutes = 1\n    bake_time_minutes   = 1\n",
            "LINEAR",
        ),
        (
            "canary",
            "    canary_percent    = 10\n    canary_minutes    = 2\n    bake_time_minutes = 1\n",
            "CANARY",
        ),
    ] {
        let t = setup(&format!("ecs{strategy}"));
        with_strategy(&t, strategy, settings);
        t.apply(&[]);
        assert_eq!(ecs_view(&t).1, ecs, "{strategy}");
        t.assert_plans_empty(&[]);
        t.apply(&V2);
        assert_eq!(t.state_str("live_target_group"), "green", "{strategy}");
        t.assert_plans_empty(&V2);
        // An alarm mid-deployment rolls the next one back.
        let run = apply_v2_with_alarm_back(&t);
        assert!(
            !run.success(),
            "{strategy}: the apply fails:\n{}",
            run.text()
        );
        assert!(
            run.text().contains("checkout-api-5xx-blue"),
            "{}",
            run.text()
        );
        assert_eq!(t.state_str("live_target_group"), "green", "{strategy}");
        t.tofu(&["destroy", "-auto-approve"]).assert_ok();
        assert_eq!(
            t.children_left(),
            Vec::<String>::new(),
            "{strategy}: children left"
        );
    }
}

/// Applies the configuration's own image (back from V2) while the blue group's alarm fires.
fn apply_v2_with_alarm_back(t: &Setup) -> support::Run {
    apply_with_alarm_firing(t, "checkout-api-5xx-blue")
}

/// Applies (back to the first image) and sets `alarm` to ALARM once the deployment is under way.
fn apply_with_alarm_firing(t: &Setup, alarm: &str) -> support::Run {
    t.emulator.contract(json!({ "minute_seconds": 1.0 }));
    let run = std::thread::scope(|s| {
        let run = s.spawn(|| t.tofu(&["apply", "-auto-approve"]));
        for _ in 0..600 {
            if deployment_in_progress(t) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        t.emulator.alarm_state(alarm, "ALARM");
        run.join().expect("apply thread")
    });
    t.emulator.alarm_state(alarm, "OK");
    t.emulator.contract(json!({ "minute_seconds": 0.05 }));
    run
}

/// The calls of one command in rounds: with `delay_ms` added to every call, a call that
/// arrives more than a quarter of the delay after the one before it waited for an answer.
fn rounds(calls: &[(f64, String)], delay_ms: u64) -> Vec<Vec<String>> {
    let gap = delay_ms as f64 / 4000.0;
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for (at, call) in calls {
        match out.last_mut() {
            Some(round) if at - last <= gap => round.push(call.clone()),
            _ => out.push(vec![call.clone()]),
        }
        last = *at;
    }
    out
}

/// A rolling service behind a load balancer (no test listener, as rolling requires), with
/// Cloud Map and autoscaling, as users run it (the provider's default retries): its plan reads
/// the production listener's rules once, in the plan's one round of calls, with no warning;
/// no call carries an empty listener ARN (the emulator's violations log, checked when the
/// test ends). It applies, rolls out, plans empty and destroys leaving nothing.
#[test]
fn a_rolling_service_behind_a_load_balancer_plans_in_one_round_without_a_warning() {
    let t = setup("rollinground");
    with_strategy(&t, "rolling", "");
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).expect("main.tf");
    assert!(
        main.contains("service_discovery {") && main.contains("cpu_target"),
        "the configuration has Cloud Map and CPU autoscaling"
    );
    assert!(!main.contains("test_listener_arn"));
    if t.emulator.embedded {
        const DELAY_MS: u64 = 300;
        t.emulator.delay(DELAY_MS);
        t.emulator.reset_requests();
        let started = std::time::Instant::now();
        let plan = t.tofu(&["plan"]);
        let took = started.elapsed();
        t.emulator.delay(0);
        plan.assert_ok();
        let text = plan.text();
        let warnings: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("Warning:") && !l.contains("development overrides"))
            .collect();
        assert!(warnings.is_empty(), "the plan warns:\n{text}");
        let calls = t.emulator.timed_requests();
        let rounds = rounds(&calls, DELAY_MS);
        eprintln!(
            "rolling plan: {} calls in {} round(s), {:.1} s: {rounds:?}",
            calls.len(),
            rounds.len(),
            took.as_secs_f64()
        );
        assert_eq!(rounds.len(), 1, "one round of calls: {rounds:?}");
        let describe_rules = calls
            .iter()
            .filter(|(_, c)| c == "elasticloadbalancing:DescribeRules")
            .count();
        assert_eq!(describe_rules, 1, "the production listener's rules, once");
    }
    t.apply(&[]);
    t.assert_plans_empty(&[]);
    t.apply(&V2);
    t.assert_plans_empty(&V2);
    t.tofu(&["destroy", "-auto-approve", V2[0], V2[1]])
        .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// A log group the user named (`container.log.group`) is found by import under that name,
/// under every strategy: the imported state holds the group and its retention, and the plan
/// after the import is empty. (Import used to look only under `/ecs/<name>`.)
#[test]
fn import_finds_a_log_group_the_user_named_under_every_strategy() {
    for (strategy, settings) in [
        ("codedeploy", ""),
        ("blue_green", "    bake_time_minutes = 1\n"),
        (
            "linear",
            "    linear_step_percent = 25\n    linear_step_minutes = 1\n    bake_time_minutes   = 1\n",
        ),
        (
            "canary",
            "    canary_percent    = 10\n    canary_minutes    = 2\n    bake_time_minutes = 1\n",
        ),
        ("rolling", ""),
    ] {
        let t = setup(&format!("implog{}", strategy.replace('_', "")));
        if strategy != "codedeploy" {
            with_strategy(&t, strategy, settings);
        }
        let group = format!("/custom/{strategy}/checkout");
        t.edit_main(
            "    log {\n      retention_days = 14\n    }",
            &format!(
                "    log {{\n      group          = \"{group}\"\n      retention_days = 7\n    }}"
            ),
        );
        t.apply(&[]);
        assert_eq!(t.state_str("log_group_name"), group, "{strategy}");
        t.assert_import_plans_nothing(&[]);
        t.tofu(&["destroy", "-auto-approve"]).assert_ok();
        assert_eq!(
            t.children_left(),
            Vec::<String>::new(),
            "{strategy}: children left"
        );
    }
}

#[test]
fn rolling_has_one_target_group_and_rolls_back_on_an_alarm_and_on_the_circuit_breaker() {
    let t = setup("rolling");
    with_strategy(&t, "rolling", "");
    t.apply(&[]);
    let (controller, strategy, alarms, advanced, group) = ecs_view(&t);
    assert_eq!((controller.as_str(), strategy.as_str()), ("ECS", "ROLLING"));
    assert!(!advanced);
    assert_eq!(group, t.state_str("blue_target_group_arn"));
    assert_eq!(alarms, ["checkout-api-5xx-blue"], "one group, one alarm");
    assert_eq!(t.state_str("green_target_group_arn"), "");
    assert_eq!(t.state_str("test_listener_rule_arn"), "");
    let left = t.children_left();
    assert!(
        !left
            .iter()
            .any(|c| c.contains("green") || c.contains("codedeploy") || c.contains("ecs-infra")),
        "only what rolling needs: {left:?}"
    );
    t.assert_plans_empty(&[]);

    t.apply(&V2);
    t.assert_plans_empty(&V2);
    t.assert_import_plans_nothing(&V2);
    let on_v2 = t.state_str("task_definition_arn");
    let run = apply_v2_with_alarm_back(&t);
    assert!(!run.success(), "the apply fails:\n{}", run.text());
    assert!(
        run.text().contains("checkout-api-5xx-blue"),
        "{}",
        run.text()
    );
    assert_eq!(t.state_str("task_definition_arn"), on_v2, "v2 still runs");

    // New tasks that keep failing to start: the circuit breaker stops the deployment and ECS
    // rolls back; the apply fails saying so, v2 keeps running and the change is proposed again.
    assert!(
        t.emulator.embedded,
        "failing a deployment on purpose needs the project's emulator"
    );
    the_circuit_breaker_stops_the_next_apply(&t, r#"{"fail": 1}"#, &on_v2);
    assert_eq!(
        t.planned_actions(&[]),
        ["update"],
        "the change is still wanted"
    );
    t.apply(&[]);
    t.assert_plans_empty(&[]);

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// The next apply's ECS deployment fails as `failure` (POST /_emulator/deployments) says: the
/// circuit breaker stops it, the apply fails saying so, and `running` still runs.
fn the_circuit_breaker_stops_the_next_apply(t: &Setup, failure: &str, running: &str) {
    support::http(
        &t.emulator.endpoint,
        "POST",
        "/_emulator/deployments",
        failure,
    );
    let run = t.tofu(&["apply", "-auto-approve"]);
    assert!(!run.success(), "the apply fails:\n{}", run.text());
    assert!(
        run.text().contains("Deployment did not succeed") && run.text().contains("circuit breaker"),
        "{}",
        run.text()
    );
    assert_eq!(t.state_str("task_definition_arn"), running, "v2 still runs");
}

/// A rolling service's circuit breaker with a COUNT threshold: ECS gets the threshold and the
/// reset setting (read back through DescribeServices, and by an import), a roll-out whose new
/// tasks fail one time fewer than the threshold completes, and one whose tasks fail as many
/// times as the threshold is stopped and rolled back with the previous revision running.
#[test]
fn a_count_threshold_trips_the_circuit_breaker_after_exactly_that_many_failed_tasks() {
    let t = setup("breaker");
    with_strategy(
        &t,
        "rolling",
        "    circuit_breaker_threshold_type        = \"COUNT\"\n    circuit_breaker_threshold             = 5\n    \
         circuit_breaker_reset_on_healthy_task = false\n",
    );
    // Five failed tasks at four tasks: the plan says every task fails first, and how many stop
    // a deployment at each task count.
    let run = t.apply(&[]);
    assert!(
        run.text().contains("Circuit breaker trips late")
            && run.text().contains("5 failed tasks at desired_count 4"),
        "{}",
        run.text()
    );
    let service = described_service(&t);
    let b = service
        .deployment_configuration()
        .and_then(|d| d.deployment_circuit_breaker())
        .expect("a circuit breaker");
    let threshold = b.threshold_configuration().expect("its threshold");
    let breaker = (
        b.enable(),
        threshold.r#type().as_str().to_owned(),
        threshold.value(),
        b.reset_on_healthy_task(),
    );
    assert_eq!(breaker, (true, "COUNT".to_owned(), 5, Some(false)));
    t.assert_plans_empty(&[]);
    t.assert_import_plans_nothing(&[]);
    assert!(
        t.emulator.embedded,
        "failing task launches on purpose needs the project's emulator"
    );

    // Four failed launches, then the tasks start: below the threshold (ECS's default would
    // have stopped at three), v2 rolls out.
    support::http(
        &t.emulator.endpoint,
        "POST",
        "/_emulator/deployments",
        r#"{"fail": 1, "failed_tasks": 4}"#,
    );
    t.apply(&V2);
    let on_v2 = t.state_str("task_definition_arn");
    t.assert_plans_empty(&V2);

    // Five: the circuit breaker stops the deployment at the fifth and ECS rolls back.
    the_circuit_breaker_stops_the_next_apply(&t, r#"{"fail": 1, "failed_tasks": 5}"#, &on_v2);

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// examples/worker as a user runs it: a rolling service with no load balancer has no target
/// group, rule or grace period, rolls an image out, imports with an empty plan, rolls back when
/// the queue's alarm fires mid-deployment, and destroys with nothing left.
#[test]
fn a_rolling_worker_runs_without_a_load_balancer() {
    let t = setup("worker");
    let main = std::fs::read_to_string(support::repo_root().join("examples/worker/main.tf"))
        .expect("examples/worker/main.tf")
        // The scenario's helpers know the service as `checkout`, named checkout-api.
        .replace(
            "resource \"fargate_production_service\" \"worker\"",
            "resource \"fargate_production_service\" \"checkout\"",
        )
        .replace("\"checkout-worker\"", "\"checkout-api\"")
        .replace(
            "names = var.rollback_alarm_names",
            &format!("names = [\"{QUEUE_ALARM}\"]"),
        );
    t.w.write("main.tf", &main);
    t.aws.put_external_alarm(QUEUE_ALARM);

    t.apply(&[]);
    let (controller, strategy, alarms, advanced, group) = ecs_view(&t);
    assert_eq!((controller.as_str(), strategy.as_str()), ("ECS", "ROLLING"));
    assert!(!advanced);
    assert_eq!(group, "", "no load balancer on the service");
    assert_eq!(
        alarms,
        [QUEUE_ALARM],
        "the queue's alarm rolls deployments back"
    );
    let service = t.ecs_service();
    assert_eq!(
        service.health_check_grace_period_seconds(),
        None,
        "ECS refuses a grace period without a load balancer"
    );
    // The worker declares no container.port: its container maps none.
    let family = service
        .task_definition()
        .expect("the service's task definition")
        .to_owned();
    let mappings = t.aws.run(async {
        t.aws
            .clients
            .ecs
            .describe_task_definition()
            .task_definition(family)
            .send()
            .await
            .expect("DescribeTaskDefinition")
            .task_definition()
            .map(|d| {
                d.container_definitions()
                    .iter()
                    .map(|c| c.port_mappings().len())
                    .sum::<usize>()
            })
    });
    assert_eq!(
        mappings,
        Some(0),
        "a worker without container.port maps no port"
    );
    let kinds: Vec<String> = t.state()["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter_map(|c| c["kind"].as_str().map(str::to_owned))
        .collect();
    assert!(
        !kinds.iter().any(|k| k.contains("target_group")
            || k.contains("listener_rule")
            || k.contains("alarm")),
        "a worker has no target group, rule or target-group alarm: {kinds:?}"
    );
    for attr in [
        "blue_target_group_arn",
        "production_listener_rule_arn",
        "live_target_group",
    ] {
        assert_eq!(t.state_str(attr), "", "{attr}");
    }
    let left = t.children_left();
    assert!(
        !left
            .iter()
            .any(|c| c.starts_with("target group") || c.starts_with("listener rule")),
        "{left:?}"
    );
    t.assert_plans_empty(&[]);

    let before = t.state_str("task_definition_arn");
    t.apply(&V2);
    let on_v2 = t.state_str("task_definition_arn");
    assert_ne!(on_v2, before, "the image change registered a new revision");
    t.assert_plans_empty(&V2);
    t.assert_import_plans_nothing(&V2);

    let run = apply_with_alarm_firing(&t, QUEUE_ALARM);
    assert!(!run.success(), "the apply fails:\n{}", run.text());
    assert!(run.text().contains(QUEUE_ALARM), "{}", run.text());
    assert_eq!(t.state_str("task_definition_arn"), on_v2, "v2 still runs");
    t.apply(&[]);
    t.assert_plans_empty(&[]);

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    t.aws.delete_external_alarm(QUEUE_ALARM);
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// A new service whose configuration leaves `deployment_strategy` out is ECS-native
/// blue/green (AWS's recommended path), with no CodeDeploy child. CodeDeploy's settings
/// without `codedeploy` named pass validation (a configuration written for 0.1.0, whose state
/// records CodeDeploy, is valid), but a plan that creates the service refuses them at the
/// setting, before any AWS call that changes anything.
#[test]
fn a_new_service_without_a_strategy_is_ecs_native_blue_green() {
    let t = setup("default");
    t.w.copy_example("basic");
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).expect("main.tf");
    assert!(
        !main.contains("  deployment_strategy ="),
        "examples/basic names no strategy"
    );

    let codedeploy_settings = "  blue_green {\n    termination_wait_minutes = 5\n  }\n";
    t.edit_main(
        "  ecs_deployment {\n    bake_time_minutes = 5\n  }\n",
        codedeploy_settings,
    );
    t.tofu(&["validate"]).assert_ok();
    t.emulator.reset_requests();
    let plan = t.tofu(&["plan"]);
    assert_eq!(plan.code(), 1, "{}", plan.text());
    assert!(
        plan.text()
            .contains("Setting of another deployment strategy")
            && plan
                .text()
                .contains("blue_green.termination_wait_minutes configures CodeDeploy"),
        "{}",
        plan.text()
    );
    if t.emulator.embedded {
        let writes: Vec<String> = t
            .emulator
            .requests()
            .into_iter()
            .filter(|r| !["Describe", "List", "Get"].iter().any(|p| r.contains(p)))
            .collect();
        assert_eq!(
            writes,
            Vec::<String>::new(),
            "the refused plan changed nothing"
        );
    }
    t.edit_main(
        codedeploy_settings,
        "  ecs_deployment {\n    bake_time_minutes = 5\n  }\n",
    );

    t.apply(&[]);
    assert_eq!(t.state_str("deployment_strategy"), "blue_green");
    let (controller, strategy, _, advanced, _) = ecs_view(&t);
    assert_eq!(
        (controller.as_str(), strategy.as_str()),
        ("ECS", "BLUE_GREEN")
    );
    assert!(
        advanced,
        "both target groups in the load balancer's advanced configuration"
    );
    assert_eq!(codedeploy_children(&t), Vec::<String>::new());
    t.assert_plans_empty(&[]);
    t.apply(&V2);
    assert_eq!(t.state_str("live_target_group"), "green");
    t.assert_plans_empty(&V2);
    t.tofu(&["destroy", "-auto-approve", V2[0], V2[1]])
        .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// The service's CPU target-tracking policy, as DescribeScalingPolicies reports it.
fn cpu_policy(t: &Setup) -> aws_sdk_applicationautoscaling::types::ScalingPolicy {
    let cluster = t.fixtures.get("cluster");
    let policies = t.aws.run(async {
        t.aws
            .clients
            .autoscaling
            .describe_scaling_policies()
            .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
            .resource_id(format!("service/{cluster}/checkout-api"))
            .send()
            .await
            .expect("DescribeScalingPolicies")
    });
    policies
        .scaling_policies()
        .iter()
        .find(|p| {
            p.target_tracking_scaling_policy_configuration()
                .and_then(|c| c.predefined_metric_specification())
                .is_some_and(|m| m.predefined_metric_type().as_str().contains("CPU"))
        })
        .expect("the CPU policy")
        .clone()
}

/// What AWS has of a service's 20-second scaling: the metrics its running service revision
/// publishes every 20 seconds, and the predefined metric of its CPU policy.
fn high_resolution_view(t: &Setup) -> (Vec<String>, String) {
    let cluster = t.fixtures.get("cluster");
    let published = t.aws.run(async {
        let ecs = &t.aws.clients.ecs;
        let service = ecs
            .describe_services()
            .cluster(&cluster)
            .services("checkout-api")
            .send()
            .await
            .expect("DescribeServices");
        let service = &service.services()[0];
        let arns: Vec<String> = service
            .current_service_revisions()
            .iter()
            .filter_map(|r| r.arn().map(str::to_owned))
            .collect();
        let revisions = ecs
            .describe_service_revisions()
            .set_service_revision_arns(Some(arns))
            .send()
            .await
            .expect("DescribeServiceRevisions");
        let running = revisions
            .service_revisions()
            .iter()
            .find(|r| r.task_definition() == service.task_definition())
            .expect("the running revision");
        let mut published: Vec<String> = running
            .monitoring()
            .map(|m| m.metric_configurations().to_vec())
            .unwrap_or_default()
            .iter()
            .filter(|m| m.resolution_seconds() == 20)
            .flat_map(|m| m.metric_names().to_vec())
            .collect();
        published.sort();
        published
    });
    let cpu = cpu_policy(t)
        .target_tracking_scaling_policy_configuration()
        .and_then(|c| c.predefined_metric_specification())
        .map(|m| m.predefined_metric_type().as_str().to_owned())
        .expect("a CPU policy's metric");
    (published, cpu)
}

/// Scaling on 20-second metrics: the service publishes CPUUtilization every 20 seconds (its
/// running revision's monitoring configuration) and the CPU policy tracks the HighResolution
/// metric; the plan after it, and after an import, is empty; the CPU policy put back on the
/// 60-second metric outside Terraform is drift the plan shows and the apply repairs; turning it
/// off and on again rolls out a deployment each time (the resolution is part of a service
/// revision), the policy following once the service publishes the metric, as AWS requires.
#[test]
fn twenty_second_scaling_publishes_cpu_every_20_seconds_and_tracks_it() {
    let t = setup("highres");
    t.w.copy_example("basic");
    let on = "    cpu_target          = 70\n    high_resolution     = true\n";
    t.edit_main("    cpu_target          = 70\n", on);
    t.apply(&[]);
    let high = (
        vec!["CPUUtilization".to_owned()],
        "ECSServiceAverageCPUUtilizationHighResolution".to_owned(),
    );
    let standard = (
        Vec::<String>::new(),
        "ECSServiceAverageCPUUtilization".to_owned(),
    );
    assert_eq!(high_resolution_view(&t), high);
    t.assert_plans_empty(&[]);
    t.assert_import_plans_nothing(&[]);

    // The CPU policy moved back to the 60-second metric outside Terraform.
    let cpu = cpu_policy(&t);
    let mut config = cpu
        .target_tracking_scaling_policy_configuration()
        .expect("target tracking")
        .clone();
    config.predefined_metric_specification = Some(
        aws_sdk_applicationautoscaling::types::PredefinedMetricSpecification::builder()
            .predefined_metric_type(
                aws_sdk_applicationautoscaling::types::MetricType::EcsServiceAverageCpuUtilization,
            )
            .build()
            .expect("metric"),
    );
    t.aws.run(async {
        t.aws
            .clients
            .autoscaling
            .put_scaling_policy()
            .policy_name(cpu.policy_name())
            .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
            .resource_id(cpu.resource_id())
            .scalable_dimension(cpu.scalable_dimension().clone())
            .policy_type(cpu.policy_type().clone())
            .target_tracking_scaling_policy_configuration(config)
            .send()
            .await
            .expect("PutScalingPolicy")
    });
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "the drift is a change:\n{}", plan.text());
    assert!(plan.text().contains("high_resolution"), "{}", plan.text());
    t.apply(&[]);
    assert_eq!(high_resolution_view(&t), high);
    t.assert_plans_empty(&[]);

    // Off, then on again on the running service.
    t.edit_main(on, "    cpu_target          = 70\n");
    t.apply(&[]);
    assert_eq!(high_resolution_view(&t), standard);
    t.assert_plans_empty(&[]);
    t.edit_main("    cpu_target          = 70\n", on);
    t.apply(&[]);
    assert_eq!(high_resolution_view(&t), high);
    t.assert_plans_empty(&[]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// The pause hook the service's current deployment waits on: (deployment ARN, hook ID), once
/// the deployment is paused.
fn wait_for_pause(t: &Setup) -> (String, String) {
    let cluster = t.fixtures.get("cluster");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let found = t.aws.run(async {
            let ecs = &t.aws.clients.ecs;
            let service = ecs
                .describe_services()
                .cluster(&cluster)
                .services("checkout-api")
                .send()
                .await
                .expect("DescribeServices");
            let arn = service.services()[0]
                .current_service_deployment()
                .unwrap_or_default()
                .to_owned();
            if arn.is_empty() {
                return None;
            }
            let out = ecs
                .describe_service_deployments()
                .service_deployment_arns(&arn)
                .send()
                .await
                .expect("DescribeServiceDeployments");
            out.service_deployments()
                .first()
                .into_iter()
                .flat_map(|d| d.lifecycle_hook_details())
                .find(|h| {
                    h.status()
                        == Some(&aws_sdk_ecs::types::DeploymentLifecycleHookStatus::AwaitingAction)
                })
                .and_then(|h| h.hook_id())
                .map(|h| (arn.clone(), h.to_owned()))
        });
        if let Some(paused) = found {
            return paused;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no deployment paused within a minute"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// An apply of `image` started in the background with the provider's warnings logged, paused
/// at its hook, then `action` given through ContinueServiceDeployment as an operator would;
/// the apply's outcome and its log.
fn apply_through_pause(t: &Setup, image: &str, action: &str) -> (bool, String, String) {
    let var = format!("image={image}");
    let child =
        t.w.command(&["apply", "-auto-approve", "-no-color", "-var", &var])
            .env("TF_LOG", "WARN")
            // The provider polls often, so it sees the pause before the operator acts.
            .env("FARGATE_DEPLOYMENT_POLL_MS", "200")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start tofu apply");
    let (deployment, hook) = wait_for_pause(t);
    std::thread::sleep(Duration::from_secs(2));
    t.aws.run(async {
        t.aws
            .clients
            .ecs
            .continue_service_deployment()
            .service_deployment_arn(&deployment)
            .hook_id(&hook)
            .action(aws_sdk_ecs::types::DeploymentLifecycleHookAction::from(
                action,
            ))
            .send()
            .await
            .expect("ContinueServiceDeployment")
    });
    let out = child.wait_with_output().expect("tofu apply");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Approval before production traffic: with `pause_at = ["PRE_PRODUCTION_TRAFFIC_SHIFT"]`
/// ECS holds each roll-out with the new tasks up and production on the old ones; the apply
/// waits, its log saying how to continue. Continued, the roll-out completes and the plan after
/// it is empty; rolled back, the apply fails naming the pause and the state keeps the revision
/// that runs, so the next plan proposes the image again.
#[test]
fn a_paused_roll_out_waits_and_is_continued_or_rolled_back() {
    let t = setup("pause");
    t.w.copy_example("basic");
    t.edit_main(
        "    bake_time_minutes = 5\n",
        "    bake_time_minutes = 5\n    pause_at          = [\"PRE_PRODUCTION_TRAFFIC_SHIFT\"]\n",
    );
    t.apply(&[]);
    let hooks = described_service(&t)
        .deployment_configuration()
        .map(|d| d.lifecycle_hooks().to_vec())
        .unwrap_or_default();
    let [pause] = hooks.as_slice() else {
        panic!("one lifecycle hook expected: {hooks:?}");
    };
    assert_eq!(
        pause.target_type(),
        Some(&aws_sdk_ecs::types::DeploymentLifecycleHookTargetType::Pause)
    );
    assert_eq!(pause.hook_target_arn(), None);
    t.assert_plans_empty(&[]);
    t.assert_import_plans_nothing(&[]);

    let (ok, out, log) = apply_through_pause(&t, "registry.example.com/checkout:v2", "CONTINUE");
    assert!(ok, "{out}\n{log}");
    assert!(
        log.contains("aws ecs continue-service-deployment")
            && log.contains("PRE_PRODUCTION_TRAFFIC_SHIFT"),
        "the log says how to continue:\n{log}"
    );
    assert_eq!(t.state_str("live_target_group"), "green");
    t.assert_plans_empty(&V2);
    let running = t.state_str("task_definition_arn");

    let (ok, out, log) = apply_through_pause(&t, "registry.example.com/checkout:v3", "ROLLBACK");
    assert!(!ok, "a rolled-back roll-out fails the apply:\n{out}");
    // Errors go to stderr, beside the log.
    assert!(
        [
            "ROLLBACK_SUCCESSFUL",
            "PRE_PRODUCTION_TRAFFIC_SHIFT",
            "ended FAILED"
        ]
        .iter()
        .all(|w| log.contains(w)),
        "the error names the rolled-back pause:\n{out}\n{log}"
    );
    assert_eq!(
        t.state_str("task_definition_arn"),
        running,
        "the running revision stays"
    );
    assert_eq!(t.state_str("live_target_group"), "green");
    let plan = t.tofu(&[
        "plan",
        "-detailed-exitcode",
        "-var",
        "image=registry.example.com/checkout:v3",
    ]);
    assert_eq!(
        plan.code(),
        2,
        "the next plan proposes the image again:\n{}",
        plan.text()
    );
    t.tofu(&["destroy", "-auto-approve", V2[0], V2[1]])
        .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// Upgrading the provider never migrates a service: a CodeDeploy service whose configuration
/// leaves `deployment_strategy` out (as 0.1.0's default allowed) keeps CodeDeploy, whether its
/// state records the strategy or was written before the attribute existed; it plans empty and
/// rolls a new image out through CodeDeploy.
#[test]
fn a_codedeploy_service_left_without_a_strategy_stays_on_codedeploy() {
    let t = setup("keepcd");
    t.apply(&[]);
    assert_eq!(ecs_view(&t).0, "CODE_DEPLOY");
    let service = t.state_str("service_arn");
    t.edit_main("  deployment_strategy = \"codedeploy\"\n\n", "");
    t.assert_plans_empty(&[]);

    // A state from before the attribute: the instance's attributes lack it.
    let path = t.w.path().join("terraform.tfstate");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("state")).expect("state JSON");
    let attributes = state["resources"][0]["instances"][0]["attributes"]
        .as_object_mut()
        .expect("the service's attributes");
    assert!(attributes.remove("deployment_strategy").is_some());
    std::fs::write(&path, serde_json::to_string_pretty(&state).expect("JSON")).expect("write");
    t.assert_plans_empty(&[]);

    t.apply(&V2);
    assert_eq!(t.state_str("deployment_strategy"), "codedeploy");
    assert_eq!(t.state_str("service_arn"), service, "the same ECS service");
    assert_eq!(ecs_view(&t).0, "CODE_DEPLOY");
    assert_eq!(t.state_str("live_target_group"), "green");
    t.assert_plans_empty(&V2);
    t.tofu(&["destroy", "-auto-approve", V2[0], V2[1]])
        .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

#[test]
fn codedeploy_moves_to_ecs_blue_green_in_place_and_to_rolling_by_replacement() {
    let t = setup("switch");
    t.apply(&[]);
    let service = t.state_str("service_arn");
    assert_eq!(ecs_view(&t).0, "CODE_DEPLOY");

    with_strategy(&t, "blue_green", "    bake_time_minutes = 1\n");
    assert_eq!(
        t.planned_actions(&[]),
        ["update"],
        "AWS migrates a CODE_DEPLOY service to ECS blue/green in place"
    );
    t.apply(&[]);
    assert_eq!(t.state_str("service_arn"), service, "the same ECS service");
    let (controller, strategy, _, advanced, _) = ecs_view(&t);
    assert_eq!(
        (controller.as_str(), strategy.as_str()),
        ("ECS", "BLUE_GREEN")
    );
    assert!(advanced);
    assert!(
        codedeploy_children(&t).is_empty(),
        "CodeDeploy's application, group and role are gone: {:?}",
        codedeploy_children(&t)
    );
    t.assert_plans_empty(&[]);
    t.apply(&V2);
    t.assert_plans_empty(&V2);

    // To rolling: ECS cannot drop the advanced configuration's pair in place here; a new
    // service, and the plan says so.
    t.edit_main(
        "deployment_strategy = \"blue_green\"",
        "deployment_strategy = \"rolling\"",
    );
    t.edit_main("    bake_time_minutes = 1\n", "");
    t.edit_main(
        "    test_listener_arn         = var.test_listener_arn\n",
        "",
    );
    assert_eq!(t.planned_actions(&V2), ["delete", "create"]);
    t.apply(&V2);
    assert_eq!(ecs_view(&t).1, "ROLLING");
    t.assert_plans_empty(&V2);
    t.tofu(&["destroy", "-auto-approve", V2[0], V2[1]])
        .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// Every example, one per strategy, as a user runs it: apply, an image change rolled out through
/// its strategy, an empty plan, destroy with nothing left. Prints each strategy's times and AWS
/// calls (the emulator's defaults: one AWS minute lasts 0.05 s).
#[test]
fn every_strategy_example_applies_rolls_out_and_destroys() {
    let mut figures = Vec::new();
    for example in [
        "basic",
        "approval",
        "codedeploy",
        "ecs-linear",
        "ecs-canary",
        "rolling",
        "worker",
    ] {
        let t = setup(&format!("ex{}", example.replace('-', "")));
        // The example as a user copies it: its main.tf, variables.tf and outputs.tf.
        t.w.copy_example(example);
        let mut row = vec![example.to_owned()];
        for (what, args) in [
            ("apply", vec!["apply", "-auto-approve"]),
            ("roll-out", vec!["apply", "-auto-approve", V2[0], V2[1]]),
            ("destroy", vec!["destroy", "-auto-approve", V2[0], V2[1]]),
        ] {
            t.emulator.reset_requests();
            let started = std::time::Instant::now();
            t.tofu(&args).assert_ok();
            let took = started.elapsed().as_secs_f64();
            let calls = if t.emulator.embedded {
                t.emulator.requests().len().to_string()
            } else {
                "(not counted outside the emulator)".to_owned()
            };
            row.push(format!("{what} {took:.1} s / {calls} calls"));
            if what == "roll-out" {
                if !matches!(example, "rolling" | "worker") {
                    assert_eq!(t.state_str("live_target_group"), "green", "{example}");
                }
                t.assert_plans_empty(&V2);
            }
        }
        assert_eq!(
            t.children_left(),
            Vec::<String>::new(),
            "{example}: children left"
        );
        figures.push(row.join(", "));
    }
    for row in figures {
        eprintln!("strategy example: {row}");
    }
}

/// ECS lifecycle hooks: each stage's Lambda function reaches the service's deployment
/// configuration with the infrastructure role, which may invoke exactly those functions; the
/// plan after the apply, and after an import, is empty.
#[test]
fn ecs_lifecycle_hooks_reach_the_service_and_the_role_may_invoke_only_them() {
    let t = setup("ecshooks");
    let (test_fn, prod_fn) = (
        "arn:aws:lambda:us-east-1:123456789012:function:smoke-test",
        "arn:aws:lambda:us-east-1:123456789012:function:verify-production",
    );
    with_strategy(
        &t,
        "blue_green",
        &format!(
            "    bake_time_minutes = 1\n    hooks = {{\n      POST_TEST_TRAFFIC_SHIFT = \"{test_fn}\"\n      \
             POST_PRODUCTION_TRAFFIC_SHIFT = \"{prod_fn}\"\n    }}\n"
        ),
    );
    t.apply(&[]);
    let role = t.state_str("infrastructure_role_arn");
    let cluster = t.fixtures.get("cluster");
    let hooks: Vec<(String, Vec<String>, String)> = t.aws.run(async {
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
        out.services()[0]
            .deployment_configuration()
            .map(|d| d.lifecycle_hooks().to_vec())
            .unwrap_or_default()
            .iter()
            .map(|h| {
                (
                    h.hook_target_arn().unwrap_or_default().to_owned(),
                    h.lifecycle_stages()
                        .iter()
                        .map(|s| s.as_str().to_owned())
                        .collect(),
                    h.role_arn().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    });
    assert_eq!(
        hooks,
        [
            (
                test_fn.to_owned(),
                vec!["POST_TEST_TRAFFIC_SHIFT".to_owned()],
                role.clone()
            ),
            (
                prod_fn.to_owned(),
                vec!["POST_PRODUCTION_TRAFFIC_SHIFT".to_owned()],
                role.clone()
            ),
        ],
        "one hook per stage, in stage order, invoked with the infrastructure role"
    );
    let policy = t.aws.run(async {
        t.aws
            .clients
            .iam
            .get_role_policy()
            .role_name("checkout-api-ecs-infra")
            .policy_name("lifecycle-hooks")
            .send()
            .await
            .expect("GetRolePolicy")
            .policy_document()
            .to_owned()
    });
    // IAM answers the document URL-encoded.
    let policy = percent_encoding::percent_decode_str(&policy).decode_utf8_lossy();
    let policy: serde_json::Value = serde_json::from_str(&policy).expect("policy JSON");
    let statement = &policy["Statement"][0];
    assert_eq!(statement["Action"], json!(["lambda:InvokeFunction"]));
    assert_eq!(
        statement["Resource"],
        json!([test_fn, prod_fn]),
        "exactly the hook functions"
    );
    t.assert_plans_empty(&[]);
    t.assert_import_plans_nothing(&[]);
    t.apply(&V2);
    t.assert_plans_empty(&V2);
    t.tofu(&["destroy", "-auto-approve", V2[0], V2[1]])
        .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}
