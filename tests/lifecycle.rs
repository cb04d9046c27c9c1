//! Acceptance tests of fargate_production_service: the real `tofu` applies examples/codedeploy against
//! the emulator (or AWS_ENDPOINT_URL), and every claim is checked through the AWS APIs.

mod support;

use serde_json::Value as Json;
use support::Workdir;
use support::scenario::{ADDRESS, s, setup};

#[test]
fn creates_every_child_with_its_settings_then_destroys_them_all() {
    let t = setup("create");
    let run = t.apply(&[]);
    assert!(run.stdout.contains("1 added"), "{}", run.text());
    let state = t.state();
    let c = &t.aws.clients;
    let cluster = t.fixtures.get("cluster");

    t.aws.run(async {
        // ECS service under CodeDeploy, on the blue target group, registered in Cloud Map.
        let svc = c
            .ecs
            .describe_services()
            .cluster(&cluster)
            .services("checkout-api")
            .send()
            .await
            .unwrap();
        let svc = &svc.services()[0];
        assert_eq!(svc.status(), Some("ACTIVE"));
        assert_eq!(svc.desired_count(), 4);
        assert_eq!(
            svc.deployment_controller().map(|d| d.r#type().as_str()),
            Some("CODE_DEPLOY")
        );
        assert_eq!(
            svc.load_balancers()[0].target_group_arn(),
            Some(s(&state["blue_target_group_arn"]))
        );
        assert_eq!(svc.load_balancers()[0].container_port(), Some(8080));
        assert_eq!(
            svc.service_registries()[0].registry_arn(),
            Some(s(&state["service_discovery_arn"]))
        );
        let vpc = svc
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
            .unwrap();
        assert_eq!(vpc.subnets().len(), 2);
        assert_eq!(vpc.assign_public_ip().map(|a| a.as_str()), Some("DISABLED"));
        assert_eq!(svc.health_check_grace_period_seconds(), Some(60));
        assert_eq!(svc.capacity_provider_strategy()[0].base(), 2);

        // Task definition: size, platform, container settings, secrets through the execution role.
        let td = c
            .ecs
            .describe_task_definition()
            .task_definition(s(&state["task_definition_arn"]))
            .send()
            .await
            .unwrap();
        let td = td.task_definition().unwrap();
        assert_eq!((td.cpu(), td.memory()), (Some("512"), Some("1024")));
        assert_eq!(td.network_mode().map(|m| m.as_str()), Some("awsvpc"));
        assert_eq!(
            td.runtime_platform()
                .and_then(|p| p.cpu_architecture())
                .map(|a| a.as_str()),
            Some("ARM64")
        );
        assert_eq!(
            td.execution_role_arn(),
            Some(s(&state["execution_role_arn"]))
        );
        let ct = &td.container_definitions()[0];
        assert_eq!(ct.image(), Some("public.ecr.aws/nginx/nginx:1.27.3"));
        assert_eq!(ct.stop_timeout(), Some(60));
        assert_eq!(
            ct.linux_parameters().and_then(|l| l.init_process_enabled()),
            Some(true)
        );
        assert_eq!(ct.environment()[0].name(), Some("LOG_LEVEL"));
        assert_eq!(ct.secrets()[0].name(), "DB_PASSWORD");
        assert!(
            ct.secrets()[0]
                .value_from()
                .starts_with("arn:aws:secretsmanager:")
        );
        assert_eq!(ct.health_check().map(|h| h.start_period()), Some(Some(30)));
        let log = ct.log_configuration().unwrap().options().unwrap();
        assert_eq!(log.get("mode").map(String::as_str), Some("non-blocking"));
        assert_eq!(
            log.get("awslogs-group").map(String::as_str),
            Some("/ecs/checkout-api")
        );

        // Blue and green target groups.
        for (attr, name) in [
            ("blue_target_group_arn", "checkout-api-blue"),
            ("green_target_group_arn", "checkout-api-green"),
        ] {
            let tg = c
                .elbv2
                .describe_target_groups()
                .target_group_arns(s(&state[attr]))
                .send()
                .await
                .unwrap();
            let tg = &tg.target_groups()[0];
            assert_eq!(tg.target_group_name(), Some(name));
            assert_eq!(tg.target_type().map(|t| t.as_str()), Some("ip"));
            assert_eq!(tg.health_check_path(), Some("/healthz"));
            assert_eq!(tg.health_check_interval_seconds(), Some(15));
            let attrs = c
                .elbv2
                .describe_target_group_attributes()
                .target_group_arn(s(&state[attr]))
                .send()
                .await
                .unwrap();
            let delay = attrs
                .attributes()
                .iter()
                .find(|a| a.key() == Some("deregistration_delay.timeout_seconds"))
                .unwrap();
            assert_eq!(delay.value(), Some("30"));
        }

        // CodeDeploy deployment group: blue/green with traffic control over both listeners.
        let dg = c
            .codedeploy
            .get_deployment_group()
            .application_name("checkout-api")
            .deployment_group_name("checkout-api")
            .send()
            .await
            .unwrap();
        let dg = dg.deployment_group_info().unwrap();
        assert_eq!(
            dg.deployment_style()
                .and_then(|s| s.deployment_type())
                .map(|t| t.as_str()),
            Some("BLUE_GREEN")
        );
        assert_eq!(
            dg.deployment_config_name(),
            Some("CodeDeployDefault.ECSAllAtOnce")
        );
        let pair = &dg
            .load_balancer_info()
            .unwrap()
            .target_group_pair_info_list()[0];
        assert_eq!(
            pair.prod_traffic_route().unwrap().listener_arns()[0],
            t.fixtures.get("production_listener_arn")
        );
        assert_eq!(
            pair.test_traffic_route().unwrap().listener_arns()[0],
            t.fixtures.get("test_listener_arn")
        );
        assert_eq!(pair.target_groups().len(), 2);

        // Cloud Map: A records, MULTIVALUE, TTL 10.
        let id = c.discovery.list_services().send().await.unwrap().services()[0]
            .id()
            .unwrap()
            .to_owned();
        let sd = c.discovery.get_service().id(id).send().await.unwrap();
        let dns = sd.service().unwrap().dns_config().unwrap();
        assert_eq!(dns.routing_policy().map(|p| p.as_str()), Some("MULTIVALUE"));
        assert_eq!(dns.dns_records()[0].ttl(), 10);

        // IAM: the execution role reads exactly the referenced secret; the task role's trust is
        // bound to this account.
        let policy = c
            .iam
            .get_role_policy()
            .role_name("checkout-api-execution")
            .policy_name("secrets")
            .send()
            .await
            .unwrap();
        // IAM answers the document URL-encoded (AWS encodes `/` too, which moto leaves).
        let doc = percent_encoding::percent_decode_str(policy.policy_document())
            .decode_utf8_lossy()
            .into_owned();
        assert!(doc.contains("checkout/db-password-AbCdEf"), "{doc}");
        assert!(!doc.contains("secret:*"), "wildcard on secrets: {doc}");
        let task_role = c
            .iam
            .get_role()
            .role_name("checkout-api-task")
            .send()
            .await
            .unwrap();
        let trust = task_role
            .role()
            .unwrap()
            .assume_role_policy_document()
            .unwrap_or_default()
            .to_owned();
        assert!(
            trust.contains("aws%3ASourceAccount") || trust.contains("aws:SourceAccount"),
            "{trust}"
        );

        // Autoscaling: bounds and the request-count policy labelled with the live target group.
        let policies = c
            .autoscaling
            .describe_scaling_policies()
            .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
            .send()
            .await
            .unwrap();
        let labels: Vec<String> = policies
            .scaling_policies()
            .iter()
            .filter_map(|p| {
                p.target_tracking_scaling_policy_configuration()?
                    .predefined_metric_specification()?
                    .resource_label()
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(labels.len(), 1);
        assert!(
            labels[0].contains("/targetgroup/checkout-api-blue/"),
            "{labels:?}"
        );
        assert_eq!(policies.scaling_policies().len(), 2);

        let logs = c
            .logs
            .describe_log_groups()
            .log_group_name_prefix("/ecs/checkout-api")
            .send()
            .await
            .unwrap();
        assert_eq!(logs.log_groups()[0].retention_in_days(), Some(14));
    });
    assert_eq!(t.production_target(), s(&state["blue_target_group_arn"]));
    assert_eq!(state["live_target_group"], "blue");
    assert_eq!(
        state["dns_name"],
        format!("checkout-api.{}.internal", "create")
    );
    assert_eq!(state["children"].as_array().map(Vec::len), Some(16));

    t.assert_plans_empty(&[]);

    let run = t.tofu(&["destroy", "-auto-approve"]);
    run.assert_ok();
    let left = t.children_left();
    assert!(left.is_empty(), "children left after destroy: {left:#?}");
}

#[test]
fn in_place_updates_change_the_children_and_leave_an_empty_plan() {
    let t = setup("inplace");
    t.apply(&[]);
    let before = t.state();
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).unwrap();
    let main = main
        .replace("desired_count = 4", "desired_count = 6")
        .replace("path     = \"/healthz\"", "path     = \"/ready\"")
        .replace(
            "deregistration_delay      = 30",
            "deregistration_delay      = 45",
        )
        .replace("dns_ttl      = 10", "dns_ttl      = 20");
    t.w.write("main.tf", &main);
    assert_eq!(t.planned_actions(&[]), ["update"]);
    t.apply(&[]);
    let after = t.state();
    let c = &t.aws.clients;
    t.aws.run(async {
        let svc = c
            .ecs
            .describe_services()
            .cluster(t.fixtures.get("cluster"))
            .services("checkout-api")
            .send()
            .await
            .unwrap();
        assert_eq!(svc.services()[0].desired_count(), 6);
        for attr in ["blue_target_group_arn", "green_target_group_arn"] {
            let arn = s(&after[attr]);
            let tg = c
                .elbv2
                .describe_target_groups()
                .target_group_arns(arn)
                .send()
                .await
                .unwrap();
            assert_eq!(tg.target_groups()[0].health_check_path(), Some("/ready"));
            let attrs = c
                .elbv2
                .describe_target_group_attributes()
                .target_group_arn(arn)
                .send()
                .await
                .unwrap();
            assert!(
                attrs
                    .attributes()
                    .iter()
                    .any(|a| a.key() == Some("deregistration_delay.timeout_seconds")
                        && a.value() == Some("45"))
            );
        }
        let id = c.discovery.list_services().send().await.unwrap().services()[0]
            .id()
            .unwrap()
            .to_owned();
        let sd = c.discovery.get_service().id(id).send().await.unwrap();
        assert_eq!(
            sd.service().unwrap().dns_config().unwrap().dns_records()[0].ttl(),
            20
        );
    });
    // No new revision, no deployment: these are not task definition changes.
    assert_eq!(after["task_definition_arn"], before["task_definition_arn"]);
    assert!(after["last_deployment_id"].is_null());
    assert_eq!(
        after["blue_target_group_arn"],
        before["blue_target_group_arn"]
    );
    t.assert_plans_empty(&[]);
}

#[test]
fn an_image_change_rolls_out_blue_green_and_a_rollback_fails_the_apply() {
    let t = setup("deploy");
    t.apply(&[]);
    let before = t.state();
    t.emulator.reset_requests();
    let image = "-var=image=public.ecr.aws/nginx/nginx:1.27.4";
    assert_eq!(t.planned_actions(&[image]), ["update"]);
    t.apply(&[image]);
    let after = t.state();

    // A new revision with the new image, rolled out by exactly one CodeDeploy deployment whose
    // AppSpec names that revision, the container and its port.
    assert_eq!(after["task_definition_revision"], 2);
    let c = &t.aws.clients;
    t.aws.run(async {
        let td = c
            .ecs
            .describe_task_definition()
            .task_definition(s(&after["task_definition_arn"]))
            .send()
            .await
            .unwrap();
        assert_eq!(
            td.task_definition().unwrap().container_definitions()[0].image(),
            Some("public.ecr.aws/nginx/nginx:1.27.4")
        );
        let list = c
            .codedeploy
            .list_deployments()
            .application_name("checkout-api")
            .deployment_group_name("checkout-api")
            .send()
            .await
            .unwrap();
        assert_eq!(list.deployments().len(), 1, "exactly one deployment");
        let d = c
            .codedeploy
            .get_deployment()
            .deployment_id(&list.deployments()[0])
            .send()
            .await
            .unwrap();
        let d = d.deployment_info().unwrap();
        assert_eq!(d.status().map(|s| s.as_str()), Some("Succeeded"));
        assert_eq!(
            Some(list.deployments()[0].as_str()),
            after["last_deployment_id"].as_str()
        );
        let content = d
            .revision()
            .and_then(|r| r.app_spec_content())
            .and_then(|a| a.content())
            .unwrap();
        let appspec: Json = serde_json::from_str(content).unwrap();
        let props = &appspec["Resources"][0]["TargetService"]["Properties"];
        assert_eq!(props["TaskDefinition"], after["task_definition_arn"]);
        assert_eq!(props["LoadBalancerInfo"]["ContainerName"], "app");
        assert_eq!(props["LoadBalancerInfo"]["ContainerPort"], 8080);
    });
    let requests = t.emulator.requests();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.ends_with(":CreateDeployment"))
            .count(),
        1,
        "{requests:?}"
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.ends_with(":UpdateService") && r.starts_with("ecs"))
            .count(),
        0,
        "no UpdateService with a task definition on a CODE_DEPLOY service"
    );

    // The swap: production now routes to green, the state says so, and the next plan is empty.
    assert_eq!(after["live_target_group"], "green");
    assert_eq!(t.production_target(), s(&before["green_target_group_arn"]));
    t.assert_plans_empty(&[image]);

    // A deployment that CodeDeploy rolls back fails the apply and leaves the old revision.
    support::http(
        &t.emulator.endpoint,
        "POST",
        "/_emulator/deployments",
        r#"{"fail": 1}"#,
    );
    let bad = "-var=image=public.ecr.aws/nginx/nginx:1.28.0";
    let run = t.tofu(&["apply", "-auto-approve", bad]);
    assert!(
        !run.success(),
        "apply must fail when the deployment rolls back"
    );
    assert!(
        run.text().contains("Blue/green deployment did not succeed"),
        "{}",
        run.text()
    );
    assert!(run.text().contains("HEALTH_CONSTRAINTS"), "{}", run.text());
    let failed = t.state();
    assert_eq!(
        failed["container"]["image"],
        "public.ecr.aws/nginx/nginx:1.27.4"
    );
    assert_eq!(failed["task_definition_arn"], after["task_definition_arn"]);
    assert_eq!(failed["live_target_group"], "green");
    assert_eq!(t.production_target(), s(&before["green_target_group_arn"]));
    // The change is still wanted.
    assert_eq!(t.planned_actions(&[bad]), ["update"]);

    // With green live, destroy still removes everything.
    t.tofu(&["destroy", "-auto-approve", image]).assert_ok();
    let left = t.children_left();
    assert!(left.is_empty(), "children left after destroy: {left:#?}");
}

#[test]
fn a_name_change_replaces_the_service() {
    let t = setup("rename");
    t.apply(&[]);
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).unwrap();
    t.w.write(
        "main.tf",
        &main.replace("name    = \"checkout-api\"", "name    = \"checkout-v2\""),
    );
    assert_eq!(t.planned_actions(&[]), ["delete", "create"]);
    t.apply(&[]);
    let left = t.children_left();
    assert!(
        left.iter().all(|c| !c.contains("checkout-api")),
        "old children remain: {left:#?}"
    );
    for expected in [
        "target group checkout-v2-blue",
        "target group checkout-v2-green",
        "ecs service checkout-v2",
        "iam role checkout-v2-execution",
        "codedeploy application checkout-v2",
    ] {
        assert!(
            left.iter().any(|c| c == expected),
            "{expected} missing: {left:#?}"
        );
    }
    t.assert_plans_empty(&[]);
}

#[test]
fn import_by_command_and_by_block_rebuilds_a_state_with_an_empty_plan() {
    let t = setup("import");
    t.apply(&[]);
    let original = t.state();
    let id = format!("{}/checkout-api", t.fixtures.get("cluster"));

    // `tofu import` into an empty directory with the same configuration.
    let w = Workdir::new().with_env(t.emulator.aws_env());
    w.copy_example("codedeploy");
    w.write("terraform.tfvars", &t.fixtures.tfvars());
    let run = w.tofu(&["import", "-no-color", ADDRESS, &id]);
    run.assert_ok();
    assert!(run.stdout.contains("Import successful"), "{}", run.text());
    let plan = w.tofu(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        plan.code(),
        0,
        "plan after import is not empty:\n{}",
        plan.text()
    );
    let show = w.tofu(&["show", "-json"]);
    let imported: Json = serde_json::from_str(&show.stdout).unwrap();
    let imported = &imported["values"]["root_module"]["resources"][0]["values"];
    for attr in [
        "service_arn",
        "task_definition_arn",
        "blue_target_group_arn",
        "green_target_group_arn",
        "live_target_group",
        "children",
        "container",
        "load_balancer",
        "autoscaling",
    ] {
        assert_eq!(
            imported[attr], original[attr],
            "{attr} differs after import"
        );
    }

    // An import {} block: the plan imports and changes nothing.
    let w = Workdir::new().with_env(t.emulator.aws_env());
    w.copy_example("codedeploy");
    w.write("terraform.tfvars", &t.fixtures.tfvars());
    w.write(
        "import.tf",
        &format!("import {{\n  to = {ADDRESS}\n  id = \"{id}\"\n}}\n"),
    );
    w.tofu(&["plan", "-no-color", "-out=import.tfplan"])
        .assert_ok();
    let show = w.tofu(&["show", "-json", "import.tfplan"]);
    let plan: Json = serde_json::from_str(&show.stdout).unwrap();
    let change = &plan["resource_changes"][0]["change"];
    assert_eq!(change["actions"], serde_json::json!(["no-op"]), "{change}");
    assert!(change["importing"].is_object(), "not an import: {change}");

    // Importing something that is not there says so.
    let w = Workdir::new().with_env(t.emulator.aws_env());
    w.copy_example("codedeploy");
    w.write("terraform.tfvars", &t.fixtures.tfvars());
    let run = w.tofu(&[
        "import",
        "-no-color",
        ADDRESS,
        &format!("{}/nope", t.fixtures.get("cluster")),
    ]);
    assert!(!run.success());
    assert!(
        run.text()
            .contains("Cannot import non-existent remote object"),
        "{}",
        run.text()
    );
}

#[test]
fn a_failure_halfway_keeps_what_exists_and_the_next_apply_converges() {
    let t = setup("partial");
    // A refusal the SDK does not retry: the tests run with the provider's default retries.
    t.emulator.inject_fault_in(
        "codedeploy",
        "CreateDeploymentGroup",
        1,
        Some("AccessDeniedException"),
    );
    let run = t.tofu(&["apply", "-auto-approve"]);
    assert!(!run.success(), "apply must fail");
    let text = run.text();
    assert!(text.contains("Creating the service failed"), "{text}");
    assert!(
        text.contains("aws_codedeploy_deployment_group"),
        "names the failed child: {text}"
    );

    // The state holds exactly what was created, so nothing is orphaned.
    let state = t.state();
    assert!(
        state.is_object(),
        "no state recorded after a partial create"
    );
    assert!(s(&state["service_arn"]).starts_with("arn:"));
    assert!(state["codedeploy_deployment_group_name"].is_null());
    let existing = t.children_left();
    assert!(
        existing.iter().any(|c| c == "ecs service checkout-api"),
        "{existing:#?}"
    );

    // The next apply finishes the job (the tainted instance is replaced cleanly).
    t.apply(&[]);
    t.assert_plans_empty(&[]);
    let state = t.state();
    assert_eq!(
        s(&state["codedeploy_deployment_group_name"]),
        "checkout-api"
    );

    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    let left = t.children_left();
    assert!(left.is_empty(), "children left after destroy: {left:#?}");
}

#[test]
fn children_deleted_out_of_band_are_detected_and_recreated() {
    let t = setup("drift");
    t.apply(&[]);
    let before = t.state();
    let c = &t.aws.clients;
    t.aws.run(async {
        c.elbv2
            .delete_target_group()
            .target_group_arn(s(&before["green_target_group_arn"]))
            .send()
            .await
            .unwrap();
        let id = c.discovery.list_services().send().await.unwrap().services()[0]
            .id()
            .unwrap()
            .to_owned();
        c.discovery.delete_service().id(id).send().await.unwrap();
    });
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "drift not detected:\n{}", plan.text());
    assert!(
        plan.stdout.contains("green_target_group_arn"),
        "{}",
        plan.stdout
    );
    t.apply(&[]);
    let after = t.state();
    assert_ne!(
        after["green_target_group_arn"],
        before["green_target_group_arn"]
    );
    assert_ne!(
        after["service_discovery_arn"],
        before["service_discovery_arn"]
    );
    t.aws.run(async {
        let tg = c
            .elbv2
            .describe_target_groups()
            .names("checkout-api-green")
            .send()
            .await
            .unwrap();
        assert_eq!(
            tg.target_groups()[0].target_group_arn(),
            Some(s(&after["green_target_group_arn"]))
        );
        let svc = c
            .ecs
            .describe_services()
            .cluster(t.fixtures.get("cluster"))
            .services("checkout-api")
            .send()
            .await
            .unwrap();
        assert_eq!(
            svc.services()[0].service_registries()[0].registry_arn(),
            Some(s(&after["service_discovery_arn"])),
            "the ECS service registers in the recreated Cloud Map service"
        );
    });
    t.assert_plans_empty(&[]);
}

#[test]
fn inputs_unknown_at_plan_time_plan_and_apply() {
    let t = setup("unknown");
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).unwrap();
    let main = main.replace(
        "subnets         = var.private_subnet_ids",
        "subnets         = terraform_data.subnets.output",
    );
    t.w.write("main.tf", &format!("{main}\nresource \"terraform_data\" \"subnets\" {{\n  input = var.private_subnet_ids\n}}\n"));
    let plan = t.tofu(&["plan"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("subnets         = (known after apply)")
            || plan.stdout.contains("(known after apply)"),
        "{}",
        plan.stdout
    );
    t.apply(&[]);
    let state = t.state();
    assert_eq!(
        state["network"]["subnets"],
        t.fixtures.json["private_subnet_ids"]
    );
    t.assert_plans_empty(&[]);
}

#[test]
fn two_services_in_one_configuration_do_not_collide() {
    let t = setup("pair");
    let main = std::fs::read_to_string(t.w.path().join("main.tf")).unwrap();
    let start = main
        .find("resource \"fargate_production_service\"")
        .unwrap();
    let second = main[start..]
        .replace("\"checkout\"", "\"orders\"")
        .replace("name    = \"checkout-api\"", "name    = \"orders-api\"");
    t.w.write("main.tf", &format!("{main}\n{second}"));
    t.apply(&["-parallelism=10"]);
    let left = t.children_left();
    for name in ["checkout-api", "orders-api"] {
        for kind in ["ecs service", "codedeploy application"] {
            assert!(
                left.iter().any(|c| c == &format!("{kind} {name}")),
                "{kind} {name} missing: {left:#?}"
            );
        }
        assert!(
            left.iter()
                .any(|c| c == &format!("target group {name}-blue"))
        );
        assert!(
            left.iter()
                .any(|c| c == &format!("target group {name}-green"))
        );
    }
    let rules: Vec<&String> = left
        .iter()
        .filter(|c| c.starts_with("listener rule"))
        .collect();
    assert_eq!(
        rules.len(),
        4,
        "one rule per service per listener: {rules:?}"
    );
    t.assert_plans_empty(&[]);
    t.tofu(&["destroy", "-auto-approve", "-parallelism=10"])
        .assert_ok();
    assert!(t.children_left().is_empty());
}
