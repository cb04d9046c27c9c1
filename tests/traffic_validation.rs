//! Validation before production traffic: a wait on the test listener, an approval within it,
//! and AppSpec lifecycle hooks, through the real tofu against the emulator (examples/codedeploy).

mod support;

use std::time::Duration;

use serde_json::json;
use support::scenario::{Setup, setup};

/// The group's deployment that has not ended, once there is one.
fn active_deployment(t: &Setup) -> Option<(String, String)> {
    let c = &t.aws.clients.codedeploy;
    let ids = t
        .aws
        .run(
            c.list_deployments()
                .application_name("checkout-api")
                .deployment_group_name("checkout-api")
                .send(),
        )
        .ok()?;
    for id in ids.deployments() {
        let info = t
            .aws
            .run(c.get_deployment().deployment_id(id).send())
            .ok()?;
        let status = info
            .deployment_info()
            .and_then(|d| d.status())
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        if !matches!(status.as_str(), "Succeeded" | "Failed" | "Stopped") {
            return Some((id.clone(), status));
        }
    }
    None
}

fn wait_for_status(t: &Setup, wanted: &str) -> String {
    for _ in 0..300 {
        if let Some((id, status)) = active_deployment(t)
            && status == wanted
        {
            return id;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no deployment reached {wanted}");
}

#[test]
fn production_traffic_waits_for_an_approval_and_stops_without_one() {
    let t = setup("approve");
    t.edit_main("    termination_wait_minutes = 5\n",
        // No termination wait: the old tasks go as soon as traffic has moved.
        "    termination_wait_minutes = 0\n    test_traffic_wait_minutes = 2\n    approve_traffic = true\n",
    );
    t.apply(&[]);
    t.assert_plans_empty(&[]);
    let blue = t.state_str("blue_target_group_arn");
    let green = t.state_str("green_target_group_arn");
    // Two AWS minutes of waiting last ten seconds.
    t.emulator.contract(json!({ "minute_seconds": 5.0 }));

    // Approved: production traffic moves once someone continues the deployment.
    let v2 = ["-var", "image=registry.example.com/checkout:v2"];
    let run = std::thread::scope(|s| {
        let run = s.spawn(|| t.tofu(&["apply", "-auto-approve", v2[0], v2[1]]));
        let id = wait_for_status(&t, "Ready");
        assert_eq!(
            t.production_target(),
            blue,
            "production stays on blue while it waits"
        );
        t.aws
            .run(
                t.aws
                    .clients
                    .codedeploy
                    .continue_deployment()
                    .deployment_id(&id)
                    .deployment_wait_type(aws_sdk_codedeploy::types::DeploymentWaitType::ReadyWait)
                    .send(),
            )
            .expect("ContinueDeployment");
        run.join().expect("apply")
    });
    assert!(
        run.success(),
        "approved: the apply succeeds\n{}",
        run.text()
    );
    assert_eq!(t.state_str("live_target_group"), "green");
    assert_eq!(t.production_target(), green);

    // Not approved within the wait: the deployment stops and the apply says so.
    let before = t.state_str("task_definition_arn");
    let v3 = ["-var", "image=registry.example.com/checkout:v3"];
    let run = t.tofu(&["apply", "-auto-approve", v3[0], v3[1]]);
    assert!(
        !run.success(),
        "unapproved: the apply fails\n{}",
        run.text()
    );
    assert!(run.text().contains("stopped"), "{}", run.text());
    assert_eq!(t.state_str("task_definition_arn"), before);
    assert_eq!(
        t.production_target(),
        green,
        "traffic stays on the running revision"
    );

    t.emulator.contract(json!({ "minute_seconds": 0.05 }));
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

#[test]
fn lifecycle_hooks_go_into_the_appspec_of_every_deployment() {
    let t = setup("hooks");
    let hook = "arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_smoke";
    t.edit_main("    termination_wait_minutes = 5\n",
        &format!(
            "    termination_wait_minutes = 5\n    hooks = {{\n      AfterAllowTestTraffic = \"{hook}\"\n    }}\n"
        ),
    );
    t.apply(&[]);
    t.apply(&["-var", "image=registry.example.com/checkout:v2"]);
    let id = t.state_str("last_deployment_id");
    let info = t
        .aws
        .run(
            t.aws
                .clients
                .codedeploy
                .get_deployment()
                .deployment_id(&id)
                .send(),
        )
        .expect("GetDeployment");
    let content = info
        .deployment_info()
        .and_then(|d| d.revision())
        .and_then(|r| r.app_spec_content())
        .and_then(|a| a.content())
        .unwrap_or_default()
        .to_owned();
    let spec: serde_json::Value = serde_json::from_str(&content).expect("AppSpec JSON");
    assert_eq!(spec["Hooks"], json!([{ "AfterAllowTestTraffic": hook }]));
    t.assert_plans_empty(&["-var", "image=registry.example.com/checkout:v2"]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}
