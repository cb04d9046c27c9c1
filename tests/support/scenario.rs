//! One service applied from examples/codedeploy against the emulator (or AWS_ENDPOINT_URL), with
//! the checks every acceptance test makes through the AWS APIs: what the state says, what a plan
//! would do, and which children of any kind exist in the account.

use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::{Aws, Emulator, Fixtures, Run, Workdir};

pub const ADDRESS: &str = "fargate_production_service.checkout";

pub struct Setup {
    pub emulator: Emulator,
    pub fixtures: Fixtures,
    pub aws: Aws,
    pub w: Workdir,
    /// The variables the example's working directory (and an import's) takes.
    pub tfvars: String,
}

pub fn setup(prefix: &str) -> Setup {
    setup_example(prefix, "codedeploy")
}

/// `example` applied against fresh fixtures; examples/nlb-canary gets the NLB's listeners.
pub fn setup_example(prefix: &str, example: &str) -> Setup {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, prefix);
    let aws = Aws::new(&emulator);
    let w = Workdir::new().with_env(emulator.aws_env());
    w.copy_example(example);
    let tfvars = if example.starts_with("nlb") {
        fixtures.nlb_tfvars()
    } else {
        fixtures.tfvars()
    };
    w.write("terraform.tfvars", &tfvars);
    Setup {
        emulator,
        fixtures,
        aws,
        w,
        tfvars,
    }
}

impl Setup {
    pub fn tofu(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.push("-no-color");
        self.w.tofu(&all)
    }

    #[track_caller]
    pub fn apply(&self, extra: &[&str]) -> Run {
        let mut args = vec!["apply", "-auto-approve"];
        args.extend_from_slice(extra);
        let run = self.tofu(&args);
        run.assert_ok();
        run
    }

    /// Both of terraform-plugin-testing's post-apply checks: no changes with and without refresh.
    #[track_caller]
    pub fn assert_plans_empty(&self, extra: &[&str]) {
        for mode in [
            &["-detailed-exitcode"][..],
            &["-detailed-exitcode", "-refresh=false"][..],
        ] {
            let mut args = vec!["plan"];
            args.extend_from_slice(mode);
            args.extend_from_slice(extra);
            let run = self.tofu(&args);
            assert_eq!(run.code(), 0, "plan {mode:?} is not empty:\n{}", run.text());
        }
    }

    /// The service's name, as the state records it (`checkout-api` in most examples).
    pub fn service_name(&self) -> String {
        self.state_str("name")
    }

    /// A string attribute of the resource in the state ("" when absent).
    pub fn state_str(&self, attr: &str) -> String {
        self.state()[attr].as_str().unwrap_or_default().to_owned()
    }

    /// Replaces the first `from` in the working directory's main.tf with `to`.
    #[track_caller]
    pub fn edit_main(&self, from: &str, to: &str) {
        let path = self.w.path().join("main.tf");
        let main = std::fs::read_to_string(&path).expect("main.tf");
        assert!(main.contains(from), "main.tf has {from:?}");
        std::fs::write(&path, main.replacen(from, to, 1)).expect("write main.tf");
    }

    /// Imports the service into a fresh working directory with the same configuration and
    /// asserts the plan after it is empty: nothing redeploys, nothing is replaced.
    #[track_caller]
    pub fn assert_import_plans_nothing(&self, extra: &[&str]) {
        // The same configuration: every .tf file of this working directory.
        let w = Workdir::new().with_env(self.emulator.aws_env());
        for entry in std::fs::read_dir(self.w.path()).expect("the working directory") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "tf")
                && let Some(name) = path.file_name().and_then(|n| n.to_str())
            {
                w.write(name, &std::fs::read_to_string(&path).expect("a .tf file"));
            }
        }
        w.write("terraform.tfvars", &self.tfvars);
        let id = format!("{}/{}", self.fixtures.get("cluster"), self.service_name());
        let mut args = vec!["import", "-no-color"];
        args.extend_from_slice(extra);
        args.extend([ADDRESS, id.as_str()]);
        w.tofu(&args).assert_ok();
        let mut args = vec!["plan", "-no-color", "-detailed-exitcode"];
        args.extend_from_slice(extra);
        let plan = w.tofu(&args);
        assert_eq!(
            plan.code(),
            0,
            "plan after import is not empty:\n{}",
            plan.text()
        );
    }

    /// The resource's attributes in the state.
    pub fn state(&self) -> Json {
        let run = self.tofu(&["show", "-json"]);
        run.assert_ok();
        let json: Json = serde_json::from_str(&run.stdout).expect("show JSON");
        json["values"]["root_module"]["resources"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["address"] == ADDRESS))
            .map(|r| r["values"].clone())
            .unwrap_or(Json::Null)
    }

    /// Actions planned for the resource.
    pub fn planned_actions(&self, extra: &[&str]) -> Vec<String> {
        let mut args = vec!["plan", "-out=next.tfplan"];
        args.extend_from_slice(extra);
        self.tofu(&args).assert_ok();
        let show = self.tofu(&["show", "-json", "next.tfplan"]);
        let json: Json = serde_json::from_str(&show.stdout).expect("plan JSON");
        json["resource_changes"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["address"] == ADDRESS))
            .and_then(|r| r["change"]["actions"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect()
    }

    /// Every child of any kind that exists in the account, as "kind name".
    pub fn children_left(&self) -> Vec<String> {
        let c = &self.aws.clients;
        let cluster = self.fixtures.get("cluster");
        let listeners = [
            self.fixtures.get("production_listener_arn"),
            self.fixtures.get("test_listener_arn"),
        ];
        let namespace = self.fixtures.get("namespace_id");
        self.aws.run(async {
            let mut left = Vec::new();
            let services = c
                .ecs
                .list_services()
                .cluster(&cluster)
                .send()
                .await
                .expect("ListServices");
            if !services.service_arns().is_empty() {
                let described = c
                    .ecs
                    .describe_services()
                    .cluster(&cluster)
                    .set_services(Some(services.service_arns().to_vec()))
                    .send()
                    .await
                    .expect("DescribeServices");
                for s in described
                    .services()
                    .iter()
                    .filter(|s| s.status() == Some("ACTIVE"))
                {
                    left.push(format!(
                        "ecs service {}",
                        s.service_name().unwrap_or_default()
                    ));
                }
            }
            for status in [
                aws_sdk_ecs::types::TaskDefinitionStatus::Active,
                aws_sdk_ecs::types::TaskDefinitionStatus::Inactive,
            ] {
                let tds = c
                    .ecs
                    .list_task_definitions()
                    .status(status)
                    .send()
                    .await
                    .expect("ListTaskDefinitions");
                left.extend(
                    tds.task_definition_arns()
                        .iter()
                        .map(|a| format!("task definition {a}")),
                );
            }
            let tgs = c
                .elbv2
                .describe_target_groups()
                .send()
                .await
                .expect("DescribeTargetGroups");
            // The fixtures' own (the NLB listeners' parking groups) are not children.
            let parking = &self.fixtures.json["parking_target_group_arns"];
            let fixture = |arn: &str| {
                parking
                    .as_array()
                    .is_some_and(|a| a.iter().any(|p| p.as_str() == Some(arn)))
            };
            left.extend(
                tgs.target_groups()
                    .iter()
                    .filter(|t| !fixture(t.target_group_arn().unwrap_or_default()))
                    .map(|t| format!("target group {}", t.target_group_name().unwrap_or_default())),
            );
            // An NLB listener the service took over goes back to its parking group.
            for l in ["nlb_production_listener_arn", "nlb_test_listener_arn"] {
                let listener = self.fixtures.get(l);
                let out = c
                    .elbv2
                    .describe_listeners()
                    .listener_arns(&listener)
                    .send()
                    .await
                    .expect("DescribeListeners");
                for action in out.listeners().iter().flat_map(|l| l.default_actions()) {
                    let mut targets: Vec<&str> = action.target_group_arn().into_iter().collect();
                    if let Some(f) = action.forward_config() {
                        targets.extend(
                            f.target_groups()
                                .iter()
                                .filter_map(|t| t.target_group_arn()),
                        );
                    }
                    left.extend(
                        targets
                            .into_iter()
                            .filter(|t| !fixture(t))
                            .map(|t| format!("{l} forwarding to {t}")),
                    );
                }
            }
            for l in &listeners {
                let rules = c
                    .elbv2
                    .describe_rules()
                    .listener_arn(l)
                    .send()
                    .await
                    .expect("DescribeRules");
                left.extend(
                    rules
                        .rules()
                        .iter()
                        .filter(|r| !r.is_default().unwrap_or(false))
                        .map(|r| format!("listener rule {}", r.priority().unwrap_or_default())),
                );
            }
            let in_namespace = aws_sdk_servicediscovery::types::ServiceFilter::builder()
                .name(aws_sdk_servicediscovery::types::ServiceFilterName::NamespaceId)
                .values(&namespace)
                .build()
                .expect("filter");
            let sd = c
                .discovery
                .list_services()
                .filters(in_namespace)
                .send()
                .await
                .expect("ListServices (Cloud Map)");
            left.extend(
                sd.services()
                    .iter()
                    .map(|s| format!("cloud map service {}", s.name().unwrap_or_default())),
            );
            let apps = c
                .codedeploy
                .list_applications()
                .send()
                .await
                .expect("ListApplications");
            left.extend(
                apps.applications()
                    .iter()
                    .map(|a| format!("codedeploy application {a}")),
            );
            let roles = c.iam.list_roles().send().await.expect("ListRoles");
            left.extend(
                roles
                    .roles()
                    .iter()
                    .filter(|r| !r.path().starts_with("/aws-service-role/"))
                    .map(|r| format!("iam role {}", r.role_name())),
            );
            let logs = c
                .logs
                .describe_log_groups()
                .send()
                .await
                .expect("DescribeLogGroups");
            left.extend(
                logs.log_groups()
                    .iter()
                    .map(|g| format!("log group {}", g.log_group_name().unwrap_or_default())),
            );
            let targets = c
                .autoscaling
                .describe_scalable_targets()
                .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
                .send()
                .await
                .expect("DescribeScalableTargets");
            left.extend(
                targets
                    .scalable_targets()
                    .iter()
                    .map(|t| format!("scalable target {}", t.resource_id())),
            );
            let policies = c
                .autoscaling
                .describe_scaling_policies()
                .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
                .send()
                .await
                .expect("DescribeScalingPolicies");
            left.extend(
                policies
                    .scaling_policies()
                    .iter()
                    .map(|p| format!("scaling policy {}", p.policy_name())),
            );
            let alarms = c
                .cloudwatch
                .describe_alarms()
                .send()
                .await
                .expect("DescribeAlarms");
            left.extend(
                alarms
                    .metric_alarms()
                    .iter()
                    .map(|a| format!("alarm {}", a.alarm_name().unwrap_or_default())),
            );
            left
        })
    }

    /// The scenario's ECS service (`checkout-api`) as ECS describes it.
    pub fn ecs_service(&self) -> aws_sdk_ecs::types::Service {
        let name = self.service_name();
        self.aws.run(async {
            self.aws
                .clients
                .ecs
                .describe_services()
                .cluster(self.fixtures.get("cluster"))
                .services(&name)
                .send()
                .await
                .expect("DescribeServices")
                .services()
                .first()
                .cloned()
                .expect("the service")
        })
    }

    /// Registers a copy of `revision` with `container`'s image replaced, as a pipeline outside
    /// Terraform does; returns the new revision's ARN.
    pub fn register_with_image(&self, revision: &str, container: &str, image: &str) -> String {
        let state = self.state();
        self.aws.run(async {
            let c = &self.aws.clients;
            let mut def = fargate_provider::aws::task_definition::read(c, revision)
                .await
                .expect("read the revision")
                .expect("the revision");
            for ct in def.containers.iter_mut().filter(|ct| ct.name == container) {
                ct.image = image.to_owned();
            }
            fargate_provider::aws::task_definition::register(
                c,
                &def,
                s(&state["execution_role_arn"]),
                s(&state["task_role_arn"]),
                &Default::default(),
            )
            .await
            .expect("register the revision")
        })
    }

    /// Starts a CodeDeploy deployment of `appspec` in the service's application and group, as a
    /// pipeline under `codedeploy` does, and waits for it to succeed.
    pub fn deploy_through_codedeploy(&self, appspec: &Json) {
        let name = self.service_name();
        self.aws.run(async {
            let cd = &self.aws.clients.codedeploy;
            let id = cd
                .create_deployment()
                .application_name(&name)
                .deployment_group_name(&name)
                .revision(
                    aws_sdk_codedeploy::types::RevisionLocation::builder()
                        .revision_type(
                            aws_sdk_codedeploy::types::RevisionLocationType::AppSpecContent,
                        )
                        .app_spec_content(
                            aws_sdk_codedeploy::types::AppSpecContent::builder()
                                .content(appspec.to_string())
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .expect("CreateDeployment")
                .deployment_id()
                .unwrap_or_default()
                .to_owned();
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                let status = cd
                    .get_deployment()
                    .deployment_id(&id)
                    .send()
                    .await
                    .expect("GetDeployment")
                    .deployment_info()
                    .and_then(|d| d.status().map(|s| s.as_str().to_owned()))
                    .unwrap_or_default();
                if status == "Succeeded" {
                    break;
                }
                assert!(
                    Instant::now() < deadline && status != "Failed" && status != "Stopped",
                    "the out-of-band deployment ended {status}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }

    /// Which target group the production listener's rule forwards to.
    pub fn production_target(&self) -> String {
        let listener = self.fixtures.get("production_listener_arn");
        self.aws.run(async {
            let rules = self
                .aws
                .clients
                .elbv2
                .describe_rules()
                .listener_arn(&listener)
                .send()
                .await
                .expect("DescribeRules");
            let rule = rules
                .rules()
                .iter()
                .find(|r| !r.is_default().unwrap_or(false))
                .expect("a forwarding rule");
            // A plain forward names one group; the weighted forward a CodeDeploy deployment
            // leaves behind ({new: 100, old: 0}) sends the traffic to its heaviest group.
            let action = &rule.actions()[0];
            let heaviest = action.forward_config().and_then(|f| {
                f.target_groups()
                    .iter()
                    .max_by_key(|t| t.weight().unwrap_or(1))
                    .and_then(|t| t.target_group_arn())
            });
            heaviest
                .or(action.target_group_arn())
                .unwrap_or_default()
                .to_owned()
        })
    }

    /// Starts `tofu <args>` and kills it with `signal` after `after`; returns once it has exited.
    pub fn interrupt(&self, args: &[&str], signal: &str, after: Duration) {
        let mut all = args.to_vec();
        all.push("-no-color");
        let mut child = self
            .w
            .command(&all)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start tofu");
        std::thread::sleep(after);
        let status = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "tofu did not exit after {signal}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

pub fn s(v: &Json) -> &str {
    v.as_str().unwrap_or_default()
}
