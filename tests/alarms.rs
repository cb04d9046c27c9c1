//! Alarms as children of the service, wired into CodeDeploy: examples/codedeploy with an `alarms`
//! block through the real tofu against the emulator. An alarm set to ALARM in the middle of a
//! roll-out stops and rolls it back, and the apply fails naming it.

mod support;

use std::time::Duration;

use serde_json::json;
use support::scenario::{Setup, setup};

const ALARMS: &str = r#"
  alarms {
    target_5xx_count     = 25
    response_time_p99_ms = 1500
    unhealthy_hosts      = 0
    period               = 60
    evaluation_periods   = 2
  }
"#;

fn with_alarms(t: &Setup) {
    let path = t.w.path().join("main.tf");
    let main = std::fs::read_to_string(&path).expect("main.tf");
    let main = main
        .replacen(
            "auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]",
            "auto_rollback_events     = [\"DEPLOYMENT_FAILURE\", \"DEPLOYMENT_STOP_ON_ALARM\"]",
            1,
        )
        .replacen(
            "  desired_count = 4\n",
            &format!("  desired_count = 4\n{ALARMS}"),
            1,
        );
    assert!(main.contains("alarms {"), "main.tf takes the alarms block");
    std::fs::write(&path, main).expect("main.tf");
}

/// (name, threshold, statistic, TargetGroup dimension) of the service's alarms.
fn alarms(t: &Setup) -> Vec<(String, f64, String, String)> {
    let out = t
        .aws
        .run(t.aws.clients.cloudwatch.describe_alarms().send())
        .expect("DescribeAlarms");
    // Application Auto Scaling's target-tracking alarms are its own, not the service's.
    let mut all: Vec<_> = out
        .metric_alarms()
        .iter()
        .filter(|a| {
            a.alarm_name()
                .is_some_and(|n| n.starts_with("checkout-api-"))
        })
        .map(|a| {
            (
                a.alarm_name().unwrap_or_default().to_owned(),
                a.threshold().unwrap_or_default(),
                a.extended_statistic()
                    .map(str::to_owned)
                    .or_else(|| a.statistic().map(|s| s.as_str().to_owned()))
                    .unwrap_or_default(),
                a.dimensions()
                    .iter()
                    .find(|d| d.name() == Some("TargetGroup"))
                    .and_then(|d| d.value().map(str::to_owned))
                    .unwrap_or_default(),
            )
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

fn group_alarm_names(t: &Setup) -> Vec<String> {
    let out = t
        .aws
        .run(
            t.aws
                .clients
                .codedeploy
                .get_deployment_group()
                .application_name("checkout-api")
                .deployment_group_name("checkout-api")
                .send(),
        )
        .expect("GetDeploymentGroup");
    out.deployment_group_info()
        .and_then(|g| g.alarm_configuration())
        .filter(|a| a.enabled())
        .map(|a| {
            a.alarms()
                .iter()
                .filter_map(|x| x.name().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn alarms_watch_both_target_groups_and_one_firing_mid_deployment_rolls_it_back() {
    let t = setup("alarms");
    with_alarms(&t);
    t.apply(&[]);
    let found = alarms(&t);
    let names: Vec<&str> = found.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "checkout-api-5xx-blue",
            "checkout-api-5xx-green",
            "checkout-api-p99-blue",
            "checkout-api-p99-green"
        ],
        "two metrics (unhealthy_hosts = 0 leaves that one out), each on both groups"
    );
    let blue = t.state_str("blue_target_group_arn");
    let green = t.state_str("green_target_group_arn");
    let suffix =
        |arn: &str| arn[arn.find("targetgroup/").expect("a target group ARN")..].to_owned();
    assert_eq!(found[0].1, 25.0);
    assert_eq!(found[0].2, "Sum");
    assert_eq!(found[0].3, suffix(&blue));
    assert_eq!(found[1].3, suffix(&green));
    assert_eq!(found[2].1, 1.5, "milliseconds as CloudWatch's seconds");
    assert_eq!(found[2].2, "p99");
    assert_eq!(
        group_alarm_names(&t).len(),
        4,
        "wired into the deployment group"
    );
    t.assert_plans_empty(&[]);

    // A roll-out slow enough to catch: one AWS minute lasts a second.
    t.emulator.contract(json!({ "minute_seconds": 1.0 }));
    let before = t.state_str("task_definition_arn");
    let apply = std::thread::scope(|s| {
        let run = s.spawn(|| {
            t.tofu(&[
                "apply",
                "-auto-approve",
                "-var",
                "image=registry.example.com/checkout:v2",
            ])
        });
        // Once the replacement task set exists, the green group's 5xx alarm fires.
        let cluster = t.fixtures.get("cluster");
        for _ in 0..300 {
            let sets = t
                .aws
                .run(
                    t.aws
                        .clients
                        .ecs
                        .describe_services()
                        .cluster(&cluster)
                        .services("checkout-api")
                        .send(),
                )
                .ok()
                .and_then(|o| o.services().first().map(|s| s.task_sets().len()))
                .unwrap_or(0);
            if sets > 1 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        t.emulator.alarm_state("checkout-api-5xx-green", "ALARM");
        run.join().expect("apply thread")
    });
    assert!(!apply.success(), "the apply fails:\n{}", apply.text());
    assert!(
        apply.text().contains("checkout-api-5xx-green"),
        "the failure names the alarm:\n{}",
        apply.text()
    );
    assert_eq!(
        t.state_str("task_definition_arn"),
        before,
        "the old revision still runs"
    );
    assert_eq!(t.state_str("live_target_group"), "blue");
    assert_eq!(t.production_target(), blue, "traffic rolled back to blue");

    // The alarm clears; the change is proposed again and goes through.
    t.emulator.alarm_state("checkout-api-5xx-green", "OK");
    t.emulator.contract(json!({ "minute_seconds": 0.05 }));
    let v2 = ["-var", "image=registry.example.com/checkout:v2"];
    let plan = t.tofu(&["plan", "-detailed-exitcode", v2[0], v2[1]]);
    assert_eq!(
        plan.code(),
        2,
        "the image change is proposed again:\n{}",
        plan.text()
    );
    t.apply(&v2);
    assert_eq!(t.state_str("live_target_group"), "green");
    t.assert_plans_empty(&v2);

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

#[test]
fn removing_the_alarms_deletes_them_and_unwires_the_group() {
    let t = setup("noalarms");
    with_alarms(&t);
    t.apply(&[]);
    assert_eq!(alarms(&t).len(), 4);
    // Back to the example as it is: no alarms block, no rollback on alarm.
    t.w.copy_example("codedeploy");
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "{}", plan.text());
    t.apply(&[]);
    assert!(alarms(&t).is_empty(), "the alarms are deleted");
    assert!(group_alarm_names(&t).is_empty(), "the group has no alarms");
    t.assert_plans_empty(&[]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

#[test]
fn an_import_of_a_service_with_alarms_plans_nothing() {
    let t = setup("alarmimport");
    with_alarms(&t);
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).expect("main.tf");
    // An alarm managed elsewhere, named in the block: it exists, so deployments can poll it.
    let main = main.replacen(
        "    evaluation_periods   = 2\n",
        "    evaluation_periods   = 2\n    names                = [\"checkout-error-budget\"]\n",
        1,
    );
    t.w.write("main.tf", &main);
    t.aws.put_external_alarm("checkout-error-budget");
    t.apply(&[]);
    assert_eq!(
        group_alarm_names(&t).len(),
        5,
        "four of the service's and one named"
    );

    t.assert_import_plans_nothing(&[]);

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    t.aws.delete_external_alarm("checkout-error-budget");
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

/// A 5xx rate instead of a count: each group gets a metric math alarm over its 5xx and request
/// sums, wired into the deployment group; the plan after it and after an import is empty, and a
/// rate alarm changed outside Terraform is drift the apply puts back.
#[test]
fn a_5xx_rate_alarm_divides_errors_by_requests_on_each_group() {
    let t = setup("alarmrate");
    with_alarms(&t);
    t.edit_main(
        "    target_5xx_count     = 25\n",
        "    target_5xx_count        = 0\n    target_5xx_rate_percent = 2.5\n",
    );
    t.apply(&[]);
    let names: Vec<String> = alarms(&t).into_iter().map(|a| a.0).collect();
    assert_eq!(
        names,
        [
            "checkout-api-5xx-rate-blue",
            "checkout-api-5xx-rate-green",
            "checkout-api-p99-blue",
            "checkout-api-p99-green"
        ]
    );
    let blue = t.state_str("blue_target_group_arn");
    let described = t
        .aws
        .run(
            t.aws
                .clients
                .cloudwatch
                .describe_alarms()
                .alarm_names("checkout-api-5xx-rate-blue")
                .send(),
        )
        .expect("DescribeAlarms");
    let alarm = &described.metric_alarms()[0];
    assert_eq!(alarm.threshold(), Some(2.5));
    let queries: Vec<(String, Option<String>, Option<String>, bool)> = alarm
        .metrics()
        .iter()
        .map(|q| {
            (
                q.id().unwrap_or_default().to_owned(),
                q.expression().map(str::to_owned),
                q.metric_stat()
                    .and_then(|s| s.metric())
                    .and_then(|m| m.metric_name())
                    .map(str::to_owned),
                q.return_data().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(
        queries,
        [
            (
                "errors".to_owned(),
                None,
                Some("HTTPCode_Target_5XX_Count".to_owned()),
                false
            ),
            (
                "requests".to_owned(),
                None,
                Some("RequestCount".to_owned()),
                false
            ),
            (
                "rate".to_owned(),
                Some("IF(requests > 0, 100 * errors / requests, 0)".to_owned()),
                None,
                true
            ),
        ]
    );
    let dimension = alarm.metrics()[0]
        .metric_stat()
        .and_then(|s| s.metric())
        .map(|m| m.dimensions().to_vec())
        .unwrap_or_default()
        .iter()
        .find(|d| d.name() == Some("TargetGroup"))
        .and_then(|d| d.value().map(str::to_owned));
    assert_eq!(
        dimension.as_deref(),
        Some(&blue[blue.find("targetgroup/").expect("a target group ARN")..])
    );
    let mut wired = group_alarm_names(&t);
    wired.sort();
    assert_eq!(wired, names, "the deployment group stops on each");
    t.assert_plans_empty(&[]);
    t.assert_import_plans_nothing(&[]);

    // Someone raises the threshold by hand: the plan shows it, the apply puts it back.
    t.aws
        .run(
            t.aws
                .clients
                .cloudwatch
                .put_metric_alarm()
                .alarm_name("checkout-api-5xx-rate-blue")
                .set_metrics(Some(alarm.metrics().to_vec()))
                .threshold(50.0)
                .evaluation_periods(2)
                .comparison_operator(
                    aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold,
                )
                .send(),
        )
        .expect("PutMetricAlarm");
    assert_eq!(t.planned_actions(&[]), ["update"], "the change is drift");
    t.apply(&[]);
    assert_eq!(alarms(&t)[0].1, 2.5, "the threshold is back");
    t.assert_plans_empty(&[]);

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}
