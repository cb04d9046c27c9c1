//! `image_owner = "pipeline"` through the real tofu against the emulator, asserted through the
//! ECS API: a revision a pipeline registers and deploys outside Terraform (by UpdateService
//! under the ECS controller, by a CodeDeploy deployment under `codedeploy`) plans empty and
//! shows in `running_images` (under `codedeploy`, once the request-count scaling policy follows
//! the deployment to the live target group); a later memory change rolls out a revision with the pipeline's
//! image and the new memory; an image change in the configuration deploys nothing. With the
//! default `terraform` the same out-of-band revision is drift the apply undoes.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::CODEDEPLOY_BLOCK;
use support::scenario::{Setup, s, setup_example};

const PIPELINE_IMAGE: &str = "public.ecr.aws/nginx/nginx@sha256:1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e";

/// The revision the ECS service runs.
fn running_revision(t: &Setup) -> String {
    t.ecs_service()
        .task_definition()
        .unwrap_or_default()
        .to_owned()
}

/// (the app container's image, the task's memory) of a revision.
fn image_and_memory(t: &Setup, revision: &str) -> (String, i64) {
    t.aws.run(async {
        let def = fargate_provider::aws::task_definition::read(&t.aws.clients, revision)
            .await
            .expect("read the revision")
            .expect("the revision");
        let image = def.app().map(|c| c.image.clone()).unwrap_or_default();
        (image, def.memory)
    })
}

/// Deploys `revision` by UpdateService, as a pipeline does under the ECS controller, and waits
/// for ECS to finish the deployment.
fn deploy_by_update_service(t: &Setup, revision: &str) {
    let (cluster, name) = (t.fixtures.get("cluster"), t.service_name());
    t.aws.run(async {
        let ecs = &t.aws.clients.ecs;
        ecs.update_service()
            .cluster(&cluster)
            .service(&name)
            .task_definition(revision)
            .send()
            .await
            .expect("UpdateService");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let out = ecs
                .describe_services()
                .cluster(&cluster)
                .services(&name)
                .send()
                .await
                .expect("DescribeServices");
            let deployments = out
                .services()
                .first()
                .map(|s| s.deployments().to_vec())
                .unwrap_or_default();
            let done = deployments.len() == 1
                && deployments[0].task_definition() == Some(revision)
                && deployments[0].rollout_state().map(|r| r.as_str()) == Some("COMPLETED");
            if done {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the pipeline's deployment did not finish: {deployments:?}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
}

/// Deploys `revision` through CodeDeploy with the AppSpec the state's `appspec` gives (its
/// `TaskDefinition` replaced), as a pipeline does under `codedeploy`.
fn deploy_by_codedeploy(t: &Setup, revision: &str) {
    let mut appspec: serde_json::Value =
        serde_json::from_str(s(&t.state()["appspec"])).expect("the state's appspec");
    let properties = &mut appspec["Resources"][0]["TargetService"]["Properties"];
    assert_eq!(properties["LoadBalancerInfo"]["ContainerName"], "app");
    properties["TaskDefinition"] = json!(revision);
    t.deploy_through_codedeploy(&appspec);
}

/// After the pipeline's deployment: the plan is empty, the state reports the pipeline's image
/// and keeps the configuration's; a memory change rolls out the pipeline's image with the new
/// memory and plans empty after; an image change in the configuration deploys nothing.
fn assert_the_pipeline_keeps_its_release(t: &Setup, pipeline_revision: &str) {
    // The resource plans nothing; only outputs that report the release change, which a
    // refresh-only apply records.
    t.tofu(&["plan", "-out=after.tfplan"]).assert_ok();
    let show = t.tofu(&["show", "-json", "after.tfplan"]);
    let json: serde_json::Value = serde_json::from_str(&show.stdout).expect("plan JSON");
    assert_eq!(
        json["resource_changes"][0]["change"]["actions"],
        json!(["no-op"]),
        "{:#}",
        json["resource_changes"]
    );
    t.tofu(&["apply", "-refresh-only", "-auto-approve"])
        .assert_ok();
    t.assert_plans_empty(&[]);
    let state = t.state();
    assert_eq!(state["running_images"]["app"], PIPELINE_IMAGE, "{state:#}");
    assert_ne!(state["container"]["image"], PIPELINE_IMAGE);
    assert_eq!(s(&state["task_definition_arn"]), pipeline_revision);

    t.edit_main(
        "    memory           = 1024\n",
        "    memory           = 2048\n",
    );
    t.apply(&[]);
    let running = running_revision(t);
    assert_ne!(running, pipeline_revision, "a new revision rolled out");
    assert_eq!(
        image_and_memory(t, &running),
        (PIPELINE_IMAGE.to_owned(), 2048),
        "the new revision holds the pipeline's image and the new memory"
    );
    t.assert_plans_empty(&[]);

    // The configuration's image changed: recorded, nothing deployed.
    let plan = t.tofu(&[
        "plan",
        "-out=image.tfplan",
        "-var",
        "image=public.ecr.aws/nginx/nginx:1.29.0",
    ]);
    plan.assert_ok();
    let show = t.tofu(&["show", "-json", "image.tfplan"]);
    let json: serde_json::Value = serde_json::from_str(&show.stdout).expect("plan JSON");
    let after = &json["resource_changes"][0]["change"]["after"];
    assert_eq!(
        after["next_rollout"]["action"], "update in place",
        "{after:#}"
    );
    t.tofu(&["apply", "image.tfplan"]).assert_ok();
    assert_eq!(running_revision(t), running, "no deployment");
    t.assert_plans_empty(&["-var", "image=public.ecr.aws/nginx/nginx:1.29.0"]);
    t.tofu(&[
        "destroy",
        "-auto-approve",
        "-var",
        "image=public.ecr.aws/nginx/nginx:1.29.0",
    ])
    .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}

#[test]
fn a_pipeline_owned_rolling_service_keeps_the_pipelines_release() {
    let t = setup_example("pipe", "pipeline-owned");
    t.apply(&[]);
    assert!(
        t.state()["appspec"].is_null(),
        "no AppSpec under the ECS controller"
    );
    let revision = t.register_with_image(&running_revision(&t), "app", PIPELINE_IMAGE);
    deploy_by_update_service(&t, &revision);
    assert_the_pipeline_keeps_its_release(&t, &revision);
}

#[test]
fn a_pipeline_owned_ecs_blue_green_service_keeps_the_pipelines_release() {
    let t = setup_example("pipebg", "basic");
    t.edit_main(
        "  cluster = var.cluster\n",
        "  cluster = var.cluster\n\n  image_owner = \"pipeline\"\n",
    );
    t.apply(&[]);
    let revision = t.register_with_image(&running_revision(&t), "app", PIPELINE_IMAGE);
    // ECS runs the blue/green deployment UpdateService starts (test traffic, the shift, the
    // bake) and moves production to the other target group itself.
    deploy_by_update_service(&t, &revision);
    // The request-count policy follows production to the live group; nothing else changes.
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "{}", plan.text());
    let live = t.production_target();
    t.apply(&[]);
    assert_eq!(running_revision(&t), revision, "no deployment");
    assert_eq!(t.production_target(), live);
    assert_the_pipeline_keeps_its_release(&t, &revision);
}

#[test]
fn a_pipeline_owned_codedeploy_service_keeps_the_pipelines_release() {
    let t = setup_example("pipecd", "codedeploy");
    t.edit_main(
        CODEDEPLOY_BLOCK,
        &format!("  image_owner = \"pipeline\"\n{CODEDEPLOY_BLOCK}"),
    );
    t.apply(&[]);
    let revision = t.register_with_image(&running_revision(&t), "app", PIPELINE_IMAGE);
    deploy_by_codedeploy(&t, &revision);
    // The deployment moved production to the other target group: the request-count policy,
    // which measures the live group, is re-pointed by the next apply (no deployment).
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "{}", plan.text());
    let live = t.production_target();
    t.apply(&[]);
    assert_eq!(running_revision(&t), revision, "no deployment");
    assert_eq!(
        t.production_target(),
        live,
        "production stays where the pipeline moved it"
    );
    assert_the_pipeline_keeps_its_release(&t, &revision);
}

#[test]
fn with_terraform_owning_the_image_the_pipelines_revision_is_drift_the_apply_undoes() {
    let t = setup_example("tfowns", "rolling");
    t.apply(&[]);
    let configured = t.state()["container"]["image"].clone();
    let revision = t.register_with_image(&running_revision(&t), "app", PIPELINE_IMAGE);
    deploy_by_update_service(&t, &revision);
    let plan = t.tofu(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "drift:\n{}", plan.text());
    assert!(plan.stdout.contains(PIPELINE_IMAGE), "{}", plan.stdout);
    t.apply(&[]);
    let running = running_revision(&t);
    assert_eq!(image_and_memory(&t, &running).0, s(&configured));
    assert_eq!(t.state()["running_images"]["app"], configured);
    t.assert_plans_empty(&[]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
}
