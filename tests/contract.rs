//! The AWS contract (../shared/reference/aws-contract.md) as a user meets it: examples/codedeploy
//! through the real tofu against the strict emulator (tests/emulator/README.md lists its rules),
//! one test per rule the provider had to change for. Each ends with destroy leaving nothing.
//!
//! Against another endpoint (AWS_ENDPOINT_URL) the tests that tune the emulator's time scaling
//! or IAM delay fail saying so; the others run unchanged.

mod support;

use serde_json::json;
use support::scenario::{Setup, setup};

/// The ECS service as DescribeServices shows it.
fn service(t: &Setup) -> aws_sdk_ecs::types::Service {
    let cluster = t.fixtures.get("cluster");
    t.aws
        .run(
            t.aws
                .clients
                .ecs
                .describe_services()
                .cluster(&cluster)
                .services("checkout-api")
                .send(),
        )
        .expect("DescribeServices")
        .services()
        .first()
        .cloned()
        .expect("the service")
}

/// (target group ARN, weight) of the rule's forward.
fn rule_weights(t: &Setup, rule_arn: &str) -> Vec<(String, i32)> {
    let out = t
        .aws
        .run(
            t.aws
                .clients
                .elbv2
                .describe_rules()
                .rule_arns(rule_arn)
                .send(),
        )
        .expect("DescribeRules");
    let rule = out.rules().first().expect("the rule").clone();
    let mut weights = Vec::new();
    for action in rule.actions() {
        match action.forward_config() {
            Some(f) => weights.extend(f.target_groups().iter().map(|t| {
                (
                    t.target_group_arn().unwrap_or_default().to_owned(),
                    t.weight().unwrap_or(1),
                )
            })),
            None => weights.extend(action.target_group_arn().map(|a| (a.to_owned(), 1))),
        }
    }
    weights.sort();
    weights
}

/// The target group the rule sends (most of) its traffic to.
fn heaviest(weights: &[(String, i32)]) -> String {
    weights
        .iter()
        .max_by_key(|(_, w)| *w)
        .map(|(a, _)| a.clone())
        .expect("a forward")
}

fn destroy_leaves_nothing(t: &Setup) {
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// Cloud Map service deleted outside Terraform: ECS refuses UpdateService(serviceRegistries) on a
/// CODE_DEPLOY service, so the plan shows a replacement and says why; the apply replaces.
#[test]
fn a_cloud_map_service_deleted_outside_terraform_is_a_replacement_the_plan_shows() {
    let t = setup("cmgone");
    t.apply(&[]);
    let old = t.state_str("service_discovery_arn");
    let id = old.rsplit('/').next().expect("service ID").to_owned();
    t.aws
        .run(t.aws.clients.discovery.delete_service().id(&id).send())
        .expect("DeleteService (Cloud Map)");

    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "a change is planned:\n{}", plan.text());
    assert!(
        plan.stdout.contains("must be replaced"),
        "the plan replaces the service:\n{}",
        plan.stdout
    );
    assert!(
        plan.text().contains("registry is gone"),
        "the plan says why:\n{}",
        plan.text()
    );

    t.emulator.reset_requests();
    t.apply(&[]);
    let new = t.state_str("service_discovery_arn");
    assert_ne!(new, old, "a new Cloud Map service");
    let registry = service(&t)
        .service_registries()
        .first()
        .and_then(|r| r.registry_arn().map(str::to_owned));
    assert_eq!(registry.as_deref(), Some(new.as_str()));
    if t.emulator.embedded {
        let calls = t.emulator.requests();
        assert!(
            calls.iter().any(|c| c == "ecs:DeleteService")
                && calls.iter().any(|c| c == "ecs:CreateService"),
            "the ECS service was replaced: {calls:?}"
        );
    }
    t.assert_plans_empty(&[]);
    destroy_leaves_nothing(&t);
}

/// A production rule pointed at the idle group outside Terraform: CodeDeploy would refuse the
/// next deployment ("Primary taskset target group must be behind listener"). The plan shows it
/// as drift, the apply points the rule back, and the next deployment goes through.
#[test]
fn a_listener_rule_pointed_at_the_idle_group_is_drift_the_plan_shows_and_the_apply_repairs() {
    let t = setup("ruledrift");
    t.apply(&[]);
    let rule = t.state_str("production_listener_rule_arn");
    let blue = t.state_str("blue_target_group_arn");
    let green = t.state_str("green_target_group_arn");
    t.aws
        .run(
            t.aws
                .clients
                .elbv2
                .modify_rule()
                .rule_arn(&rule)
                .actions(
                    aws_sdk_elasticloadbalancingv2::types::Action::builder()
                        .r#type(aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum::Forward)
                        .target_group_arn(&green)
                        .build(),
                )
                .send(),
        )
        .expect("ModifyRule");

    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.code(),
        2,
        "drift is a planned change:\n{}",
        plan.text()
    );
    assert!(
        plan.text()
            .contains("production listener rule forwards to green"),
        "the plan says what drifted:\n{}",
        plan.text()
    );
    t.apply(&[]);
    assert_eq!(
        heaviest(&rule_weights(&t, &rule)),
        blue,
        "back on the live group"
    );
    t.assert_plans_empty(&[]);

    // The deployment CodeDeploy would have refused now runs: green goes live.
    t.apply(&["-var", "image=registry.example.com/checkout:v2"]);
    assert_eq!(t.state_str("live_target_group"), "green");
    t.assert_plans_empty(&["-var", "image=registry.example.com/checkout:v2"]);
    destroy_leaves_nothing(&t);
}

/// An image change rolls out as CodeDeploy does it on AWS: a replacement task set becomes
/// PRIMARY, every rule of the pair becomes a weighted forward {new: 100, old: 0}, and the
/// service names the new revision and group. The live colour is read from the task sets, the
/// plan after the swap is empty, and the next roll-out (checked against the weighted rules)
/// swaps back.
#[test]
fn an_image_change_moves_task_sets_and_weighted_rules_and_the_next_one_swaps_back() {
    let t = setup("tasksets");
    t.apply(&[]);
    let (blue, green) = (
        t.state_str("blue_target_group_arn"),
        t.state_str("green_target_group_arn"),
    );
    let rules = [
        t.state_str("production_listener_rule_arn"),
        t.state_str("test_listener_rule_arn"),
    ];
    let v2 = ["-var", "image=registry.example.com/checkout:v2"];
    t.apply(&v2);
    let svc = service(&t);
    let primary = svc
        .task_sets()
        .iter()
        .find(|s| s.status() == Some("PRIMARY"))
        .expect("a PRIMARY task set");
    assert_eq!(
        primary.load_balancers()[0].target_group_arn(),
        Some(green.as_str())
    );
    let revision = t.state_str("task_definition_arn");
    assert_eq!(primary.task_definition(), Some(revision.as_str()));
    assert_eq!(svc.task_definition(), Some(revision.as_str()));
    assert_eq!(
        svc.load_balancers()[0].target_group_arn(),
        Some(green.as_str())
    );
    for rule in &rules {
        let mut expected = vec![(blue.clone(), 0), (green.clone(), 100)];
        expected.sort();
        assert_eq!(rule_weights(&t, rule), expected, "rule {rule}");
    }
    assert_eq!(t.state_str("live_target_group"), "green");
    t.assert_plans_empty(&v2);

    let v3 = ["-var", "image=registry.example.com/checkout:v3"];
    t.apply(&v3);
    assert_eq!(t.state_str("live_target_group"), "blue");
    for rule in &rules {
        assert_eq!(heaviest(&rule_weights(&t, rule)), blue, "rule {rule}");
    }
    t.assert_plans_empty(&v3);
    destroy_leaves_nothing(&t);
}

/// A canary deployment holds traffic split between the groups for its interval. Read then, the
/// live colour is still the original (PRIMARY) group and the split rules are not drift; an
/// image change made meanwhile waits for the canary to end, then rolls out.
#[test]
fn an_image_change_during_a_canary_split_waits_for_it_and_then_rolls_out() {
    let t = setup("canary");
    t.edit_main(
        "CodeDeployDefault.ECSAllAtOnce",
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
    );
    t.edit_main(
        "  desired_count = 4",
        "  desired_count = 4\n  wait_for_deployment = false",
    );
    t.apply(&[]);
    let rule = t.state_str("production_listener_rule_arn");
    // One AWS minute lasts a second: the canary holds 10 % for five seconds.
    t.emulator.contract(json!({ "minute_seconds": 1.0 }));
    let v2 = ["-var", "image=registry.example.com/checkout:v2"];
    t.apply(&v2);
    let split = (0..100).find_map(|_| {
        let w = rule_weights(&t, &rule);
        if w.iter().filter(|(_, w)| *w > 0).count() > 1 {
            Some(w)
        } else {
            std::thread::sleep(std::time::Duration::from_millis(100));
            None
        }
    });
    let split = split.expect("the production rule splits traffic during the canary");
    assert!(
        split.iter().any(|(_, w)| *w == 10),
        "10 % to the replacement: {split:?}"
    );
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert!(
        !plan.text().contains("Changed outside Terraform"),
        "split weights are a deployment, not drift:\n{}",
        plan.text()
    );
    assert_eq!(t.state_str("live_target_group"), "blue");

    t.edit_main("wait_for_deployment = false", "wait_for_deployment = true");
    let v3 = ["-var", "image=registry.example.com/checkout:v3"];
    t.apply(&v3);
    // blue → green (v2), then green → blue (v3).
    assert_eq!(t.state_str("live_target_group"), "blue");
    let revision = t.state_str("task_definition_arn");
    assert_eq!(service(&t).task_definition(), Some(revision.as_str()));
    t.emulator.contract(json!({ "minute_seconds": 0.05 }));
    t.assert_plans_empty(&v3);
    destroy_leaves_nothing(&t);
}

/// SRV records: with awsvpc, ECS requires the container name and port in the service registry.
#[test]
fn srv_records_register_the_container_and_its_port() {
    let t = setup("srv");
    t.edit_main(
        "    dns_ttl      = 10",
        "    dns_ttl      = 10\n    record_type  = \"SRV\"",
    );
    t.apply(&[]);
    let svc = service(&t);
    let registry = svc.service_registries().first().expect("a registry");
    assert_eq!(registry.container_name(), Some("app"));
    assert_eq!(registry.container_port(), Some(8080));
    t.assert_plans_empty(&[]);
    destroy_leaves_nothing(&t);
}

/// IAM is eventually consistent: CodeDeploy refuses a role created seconds earlier. The apply
/// retries until the role can be assumed instead of failing.
#[test]
fn a_codedeploy_role_not_yet_assumable_is_waited_for() {
    let t = setup("iamdelay");
    t.emulator.contract(json!({ "iam_delay_seconds": 4 }));
    t.emulator.reset_requests();
    t.apply(&[]);
    let groups = t
        .emulator
        .requests()
        .iter()
        .filter(|c| c.as_str() == "codedeploy:CreateDeploymentGroup")
        .count();
    assert!(
        groups >= 2,
        "CreateDeploymentGroup was refused first, then retried: {groups} calls"
    );
    t.assert_plans_empty(&[]);
    destroy_leaves_nothing(&t);
}

/// On a CODE_DEPLOY service UpdateService takes only desired count, grace period and the like;
/// a network change goes through a CodeDeploy deployment (the AppSpec carries it).
#[test]
fn in_place_changes_use_only_what_update_service_allows_and_network_changes_deploy() {
    let t = setup("updsvc");
    t.apply(&[]);
    let first: Vec<String> =
        serde_json::from_value(t.fixtures.json["private_subnet_ids"].clone()).expect("subnet list");
    t.edit_main("desired_count = 4", "desired_count = 5");
    t.edit_main(
        "health_check_grace_period = 60",
        "health_check_grace_period = 90",
    );
    t.edit_main(
        "subnets         = var.private_subnet_ids",
        "subnets         = [var.private_subnet_ids[0]]",
    );
    t.emulator.reset_requests();
    t.apply(&[]);
    let svc = service(&t);
    assert_eq!(svc.health_check_grace_period_seconds(), Some(90));
    let vpc = svc
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .expect("awsvpc configuration");
    assert_eq!(vpc.subnets(), &first[..1]);
    if t.emulator.embedded {
        assert!(
            t.emulator
                .requests()
                .iter()
                .any(|c| c == "codedeploy:CreateDeployment"),
            "the network change was deployed"
        );
    }
    t.assert_plans_empty(&[]);
    destroy_leaves_nothing(&t);
}
