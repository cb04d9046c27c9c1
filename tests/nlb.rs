//! Services behind a Network Load Balancer, through the real tofu against the emulator:
//! examples/nlb-canary takes the NLB listeners' default actions over (TCP target groups, a TCP
//! health check), rolls a new image out by ECS-native canary, plans empty, imports with an
//! empty plan and hands the listeners back to their parking groups on destroy. A listener that
//! serves someone else's targets stops the plan; CodeDeploy behind an NLB moves all traffic at
//! once; a rolling service takes one listener.

mod support;

use support::scenario::{Setup, setup_example};

const V2: [&str; 2] = ["-var", "image=public.ecr.aws/nginx/nginx:1.27.4"];

/// The listener's default action: (target group, weight), sorted.
fn default_action(t: &Setup, listener: &str) -> Vec<(String, i32)> {
    let listener = t.fixtures.get(listener);
    t.aws.run(async {
        let out = t
            .aws
            .clients
            .elbv2
            .describe_listeners()
            .listener_arns(&listener)
            .send()
            .await
            .expect("DescribeListeners");
        let mut w = Vec::new();
        for a in out.listeners().iter().flat_map(|l| l.default_actions()) {
            match a.forward_config() {
                Some(f) => w.extend(f.target_groups().iter().map(|g| {
                    (
                        g.target_group_arn().unwrap_or_default().to_owned(),
                        g.weight().unwrap_or(1),
                    )
                })),
                None => w.push((a.target_group_arn().unwrap_or_default().to_owned(), 1)),
            }
        }
        w.sort();
        w
    })
}

/// `next_rollout` as the plan (with `extra` arguments) has it, from the plan's JSON.
fn planned_preview(t: &Setup, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["plan", "-out=preview.tfplan"];
    args.extend_from_slice(extra);
    t.tofu(&args).assert_ok();
    let show = t.tofu(&["show", "-json", "preview.tfplan"]);
    let plan: serde_json::Value = serde_json::from_str(&show.stdout).expect("plan JSON");
    plan["resource_changes"][0]["change"]["after"]["next_rollout"].clone()
}

/// The parking group of the listener (the fixture's empty group it forwards to at first).
fn parking(t: &Setup, index: usize) -> String {
    t.fixtures.json["parking_target_group_arns"][index]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// (protocol, health check protocol, health check path) of a target group.
fn target_group_view(t: &Setup, arn: &str) -> (String, String, Option<String>) {
    t.aws.run(async {
        let out = t
            .aws
            .clients
            .elbv2
            .describe_target_groups()
            .target_group_arns(arn)
            .send()
            .await
            .expect("DescribeTargetGroups");
        let g = &out.target_groups()[0];
        (
            g.protocol()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            g.health_check_protocol()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            g.health_check_path().map(str::to_owned),
        )
    })
}

#[test]
fn a_canary_behind_a_network_load_balancer_takes_the_listeners_over_and_hands_them_back() {
    let t = setup_example("nlb", "nlb-canary");
    let created = t.tofu(&["apply", "-auto-approve"]);
    created.assert_ok();
    let (blue, green) = (
        t.state_str("blue_target_group_arn"),
        t.state_str("green_target_group_arn"),
    );
    // Both listeners forward to the pair, green at weight 0; no rule exists on an NLB.
    let pair = {
        let mut p = vec![(blue.clone(), 1), (green.clone(), 0)];
        p.sort();
        p
    };
    assert_eq!(default_action(&t, "nlb_production_listener_arn"), pair);
    assert_eq!(default_action(&t, "nlb_test_listener_arn"), pair);
    assert_eq!(
        t.state_str("production_listener_rule_arn"),
        t.fixtures.get("nlb_production_listener_arn"),
        "behind an NLB the listener is what ECS names as its production listener rule"
    );
    let children = t.state()["children"].clone();
    assert!(
        children
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["kind"] == "aws_lb_listener"
                && c["name"] == "ledger-tcp (production listener's default action)")),
        "{children}"
    );
    assert_eq!(
        target_group_view(&t, &blue),
        ("TCP".to_owned(), "TCP".to_owned(), None)
    );
    let service = t.ecs_service();
    let lb = &service.load_balancers()[0];
    let advanced = lb.advanced_configuration().expect("advanced configuration");
    assert_eq!(
        advanced.production_listener_rule(),
        Some(t.fixtures.get("nlb_production_listener_arn").as_str())
    );
    assert_eq!(
        service
            .deployment_configuration()
            .and_then(|d| d.strategy())
            .map(|s| s.as_str()),
        Some("CANARY")
    );
    // The service's own alarm behind an NLB: unhealthy targets, in AWS/NetworkELB.
    let alarms: Vec<(String, String)> = t.aws.run(async {
        t.aws
            .clients
            .cloudwatch
            .describe_alarms()
            .send()
            .await
            .expect("DescribeAlarms")
            .metric_alarms()
            .iter()
            // The target-tracking policy's alarms are Application Auto Scaling's.
            .filter(|a| a.namespace() != Some("AWS/ECS"))
            .map(|a| {
                (
                    a.namespace().unwrap_or_default().to_owned(),
                    a.metric_name().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    });
    assert_eq!(
        alarms,
        [
            ("AWS/NetworkELB".to_owned(), "UnHealthyHostCount".to_owned()),
            ("AWS/NetworkELB".to_owned(), "UnHealthyHostCount".to_owned()),
        ]
    );
    t.assert_plans_empty(&[]);

    // The plan previews the roll-out: ECS's canary, each shift 10 minutes longer behind the NLB
    // (test 10, canary 10 + 10, the rest 10, bake 5), twice the four tasks at the peak.
    let preview = planned_preview(&t, &V2);
    assert_eq!(preview["action"], "deployment", "{preview}");
    assert_eq!(preview["strategy"], "canary");
    assert_eq!(preview["minutes"], 45, "{preview}");
    assert_eq!(preview["peak_tasks"], 8);
    assert_eq!(
        preview["rolls_back_on"],
        serde_json::json!([
            "alarm ledger-tcp-unhealthy-blue",
            "alarm ledger-tcp-unhealthy-green"
        ])
    );
    // A count change is no roll-out.
    t.edit_main("  desired_count = 4\n", "  desired_count = 6\n");
    let preview = planned_preview(&t, &[]);
    assert_eq!(preview["action"], "update in place", "{preview}");
    assert_eq!(preview["steps"], serde_json::json!([]));
    t.edit_main("  desired_count = 6\n", "  desired_count = 4\n");

    // A new image rolls out by canary: the listener's weights end on green, through ModifyListener.
    t.emulator.reset_requests();
    let rolled = t.apply(&V2);
    assert_eq!(
        t.state_str("live_target_group"),
        "green",
        "{}",
        rolled.text()
    );
    let mut on_green = vec![(green.clone(), 100), (blue.clone(), 0)];
    on_green.sort();
    assert_eq!(default_action(&t, "nlb_production_listener_arn"), on_green);
    let requests = t.emulator.requests();
    assert!(
        !requests
            .iter()
            .any(|r| r.contains("ModifyRule") || r.contains("CreateRule")),
        "{requests:?}"
    );
    t.assert_plans_empty(&V2);
    t.assert_import_plans_nothing(&V2);

    // Another listener is a replacement (the plan marks the attribute that forces it); the
    // preview describes the new service.
    t.edit_main(
        "production_listener_arn   = var.production_listener_arn",
        "production_listener_arn   = var.test_listener_arn",
    );
    t.edit_main(
        "test_listener_arn         = var.test_listener_arn",
        "test_listener_arn         = var.production_listener_arn",
    );
    assert_eq!(t.planned_actions(&V2), ["delete", "create"]);
    let preview = planned_preview(&t, &V2);
    assert_eq!(preview["action"], "create", "{preview}");
    let plan = t.tofu(&["plan", "-no-color", V2[0], V2[1]]);
    assert!(
        plan.text().contains("# forces replacement"),
        "{}",
        plan.text()
    );
    t.edit_main(
        "production_listener_arn   = var.test_listener_arn",
        "production_listener_arn   = var.production_listener_arn",
    );
    t.edit_main(
        "test_listener_arn         = var.production_listener_arn",
        "test_listener_arn         = var.test_listener_arn",
    );

    t.apply(
        &["-destroy"]
            .iter()
            .chain(V2.iter())
            .copied()
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        default_action(&t, "nlb_production_listener_arn"),
        [(parking(&t, 0), 1)]
    );
    assert_eq!(
        default_action(&t, "nlb_test_listener_arn"),
        [(parking(&t, 1), 1)]
    );
    assert_eq!(t.children_left(), Vec::<String>::new());
}

#[test]
fn a_listener_serving_another_service_stops_the_plan_and_nothing_is_created() {
    let t = setup_example("nlbx", "nlb-canary");
    // Someone else's service behind the test listener: its group has a registered target.
    let group = parking(&t, 1);
    t.aws.run(async {
        t.aws
            .clients
            .elbv2
            .register_targets()
            .target_group_arn(&group)
            .targets(
                aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
                    .id("10.40.1.99")
                    .port(8080)
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTargets")
    });
    let refused = t.tofu(&["apply", "-auto-approve"]);
    assert!(!refused.success(), "{}", refused.text());
    let text = refused.text();
    assert!(
        text.contains("Listener serves another service") && text.contains("test_listener_arn"),
        "{text}"
    );
    assert_eq!(t.children_left(), Vec::<String>::new());
}

/// The nlb-canary example's deployment settings.
const CANARY: &str = "  deployment_strategy = \"canary\"\n\n  ecs_deployment {\n    canary_percent    = 10\n    canary_minutes    = 10\n    bake_time_minutes = 5\n  }\n";

/// Rolls V2 out and destroys, asserting the listener ends on the new group, the plan after each
/// apply is empty and destroy leaves nothing but the parking groups, forwarded to again.
fn roll_out_and_destroy(t: &Setup) {
    t.apply(&[]);
    t.assert_plans_empty(&[]);
    let before = t.state_str("task_definition_arn");
    t.apply(&V2);
    // The new revision serves (a rolling service's one group stays blue).
    let live = t.state_str(&format!(
        "{}_target_group_arn",
        t.state_str("live_target_group")
    ));
    assert_ne!(t.state_str("task_definition_arn"), before);
    let production = default_action(t, "nlb_production_listener_arn");
    let heaviest = production
        .iter()
        .max_by_key(|(_, w)| *w)
        .map(|(g, _)| g.clone());
    assert_eq!(heaviest.as_deref(), Some(live.as_str()), "{production:?}");
    t.assert_plans_empty(&V2);
    t.apply(&["-destroy", V2[0], V2[1]]);
    assert_eq!(
        default_action(t, "nlb_production_listener_arn"),
        [(parking(t, 0), 1)]
    );
    assert_eq!(t.children_left(), Vec::<String>::new());
}

#[test]
fn codedeploy_moves_all_traffic_at_once_and_rolling_takes_one_listener() {
    let t = setup_example("nlbc", "nlb-canary");
    // CodeDeploy behind an NLB: all at once is its only configuration, and the plan says so.
    t.edit_main(
        CANARY,
        "  deployment_strategy = \"codedeploy\"\n\n  blue_green {\n    deployment_config = \"CodeDeployDefault.ECSCanary10Percent5Minutes\"\n  }\n",
    );
    let refused = t.tofu(&["plan"]);
    assert!(
        !refused.success()
            && refused
                .text()
                .contains("CodeDeploy configuration a Network Load Balancer does not take"),
        "{}",
        refused.text()
    );
    t.edit_main(
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
        "CodeDeployDefault.ECSAllAtOnce",
    );
    roll_out_and_destroy(&t);

    // Rolling: one target group behind the production listener; the test listener is not used.
    t.edit_main(
        "  deployment_strategy = \"codedeploy\"\n\n  blue_green {\n    deployment_config = \"CodeDeployDefault.ECSAllAtOnce\"\n  }\n",
        "  deployment_strategy = \"rolling\"\n",
    );
    t.edit_main(
        "    test_listener_arn         = var.test_listener_arn\n",
        "",
    );
    roll_out_and_destroy(&t);
    assert_eq!(
        default_action(&t, "nlb_test_listener_arn"),
        [(parking(&t, 1), 1)]
    );
}

#[test]
fn a_codedeploy_service_behind_an_nlb_moves_to_canary_in_place() {
    let t = setup_example("nlbm", "nlb-canary");
    t.edit_main(CANARY, "  deployment_strategy = \"codedeploy\"\n");
    t.apply(&[]);
    t.apply(&V2);
    let service_arn = t.state_str("service_arn");
    // Back to canary: AWS's documented migration, in place (no replacement).
    t.edit_main("  deployment_strategy = \"codedeploy\"\n", CANARY);
    assert_eq!(t.planned_actions(&V2), ["update"]);
    let moved = t.apply(&V2);
    assert_eq!(t.state_str("service_arn"), service_arn, "{}", moved.text());
    let service = t.ecs_service();
    assert_eq!(
        service
            .deployment_controller()
            .map(|c| c.r#type().as_str().to_owned()),
        Some("ECS".to_owned())
    );
    // The production listener names both groups again, the live one heaviest.
    let production = default_action(&t, "nlb_production_listener_arn");
    assert_eq!(production.len(), 2, "{production:?}");
    t.assert_plans_empty(&V2);
    t.apply(&["-destroy", V2[0], V2[1]]);
    assert_eq!(
        default_action(&t, "nlb_production_listener_arn"),
        [(parking(&t, 0), 1)]
    );
    assert_eq!(t.children_left(), Vec::<String>::new());
}
