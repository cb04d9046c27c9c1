//! The provider loaded by the real OpenTofu: schema, validation diagnostics, the plugin
//! handshake in its three modes (AutoMTLS, plaintext, reattach) and a clean process lifecycle.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use support::{Emulator, Workdir, provider_binary, terraform_path};

const PROVIDER_ADDRESS: &str = "registry.opentofu.org/terraform-provider-fargate/fargate";

fn basic() -> Workdir {
    let w = Workdir::new();
    w.copy_example("codedeploy");
    w
}

#[test]
fn schema_lists_the_resource_with_its_attributes() {
    let w = basic();
    let run = w.tofu(&["providers", "schema", "-json"]);
    run.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema JSON");
    let provider = &json["provider_schemas"][PROVIDER_ADDRESS];
    let block = &provider["resource_schemas"]["fargate_production_service"]["block"];
    let attr = |name: &str| &block["attributes"][name];

    assert_eq!(attr("name")["type"], "string");
    assert_eq!(attr("name")["required"], true);
    assert_eq!(attr("cluster")["required"], true);
    assert_eq!(attr("desired_count")["type"], "number");
    assert_eq!(attr("desired_count")["optional"], true);
    assert_eq!(attr("desired_count")["computed"], true);
    assert_eq!(attr("tags")["type"], serde_json::json!(["map", "string"]));
    for computed in [
        "id",
        "service_arn",
        "task_definition_arn",
        "task_definition_revision",
        "blue_target_group_arn",
        "green_target_group_arn",
        "live_target_group",
        "dns_name",
        "last_deployment_id",
        "codedeploy_application_name",
        "codedeploy_deployment_group_name",
        "execution_role_arn",
        "task_role_arn",
    ] {
        assert_eq!(attr(computed)["computed"], true, "{computed}");
        assert!(
            attr(computed)["optional"].is_null(),
            "{computed} must be computed only"
        );
    }
    assert_eq!(
        attr("children")["type"],
        serde_json::json!(["list", ["object", {"kind": "string", "name": "string"}]])
    );

    let blocks = &block["block_types"];
    for required in ["task", "container", "network"] {
        assert_eq!(blocks[required]["nesting_mode"], "single", "{required}");
        assert_eq!(blocks[required]["min_items"], 1, "{required}");
    }
    // A rolling worker goes without load_balancer (the checks require it of the others).
    for optional in ["load_balancer", "service_discovery", "autoscaling"] {
        assert_eq!(blocks[optional]["nesting_mode"], "single", "{optional}");
        assert!(blocks[optional]["min_items"].is_null(), "{optional}");
    }
    // Left out, blue_green (like container.log and load_balancer.health_check) is its
    // defaults, never null: a group block.
    assert_eq!(blocks["blue_green"]["nesting_mode"], "group");
    assert_eq!(
        blocks["container"]["block"]["block_types"]["log"]["nesting_mode"],
        "group"
    );
    assert_eq!(blocks["capacity_provider_strategy"]["nesting_mode"], "list");
    let container = &blocks["container"]["block"];
    assert_eq!(
        container["attributes"]["secrets"]["type"],
        serde_json::json!(["map", "string"])
    );
    assert_eq!(
        container["block_types"]["health_check"]["nesting_mode"],
        "single"
    );
    assert_eq!(
        blocks["task"]["block"]["attributes"]["cpu"]["required"],
        true
    );

    // Every attribute is documented in markdown.
    assert_eq!(attr("name")["description_kind"], "markdown");
    assert!(
        attr("name")["description"]
            .as_str()
            .unwrap_or("")
            .contains("replaces the service")
    );

    let config = &provider["provider"]["block"];
    for a in [
        "region",
        "profile",
        "shared_config_files",
        "max_retries",
        "skip_credentials_validation",
    ] {
        assert_eq!(config["attributes"][a]["optional"], true, "provider.{a}");
    }
    for b in ["assume_role", "default_tags", "endpoints"] {
        assert!(config["block_types"][b].is_object(), "provider block {b}");
    }
    assert_eq!(config["attributes"]["secret_key"]["sensitive"], true);
}

#[test]
fn validate_accepts_the_basic_example() {
    let run = basic().tofu(&["validate", "-no-color"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("The configuration is valid"),
        "{}",
        run.text()
    );
}

fn replace_in_main(w: &Workdir, from: &str, to: &str) {
    let path = w.path().join("main.tf");
    let text = std::fs::read_to_string(&path).expect("main.tf");
    assert!(text.contains(from), "main.tf has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).expect("write main.tf");
}

#[test]
fn a_wrong_type_is_reported_at_its_attribute() {
    let w = basic();
    replace_in_main(&w, "desired_count = 4", "desired_count = \"four\"");
    let run = w.tofu(&["validate", "-no-color", "-json"]);
    assert!(!run.success());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("validate JSON");
    let diag = &json["diagnostics"][0];
    assert_eq!(diag["severity"], "error");
    assert!(
        diag["detail"]
            .as_str()
            .unwrap_or("")
            .contains("desired_count"),
        "{diag}"
    );
    assert!(
        diag["range"]["start"]["line"].as_u64().is_some(),
        "points at a line: {diag}"
    );
    assert!(
        diag["snippet"]["code"]
            .as_str()
            .unwrap_or("")
            .contains("desired_count"),
        "{diag}"
    );
}

#[test]
fn a_missing_required_attribute_or_block_is_named() {
    let w = basic();
    replace_in_main(&w, "  cluster = var.cluster\n", "");
    let run = w.tofu(&["validate", "-no-color"]);
    assert!(!run.success());
    assert!(
        run.text().contains("The argument \"cluster\" is required"),
        "{}",
        run.text()
    );

    let w = basic();
    replace_in_main(&w, "  network {", "  networking {");
    let run = w.tofu(&["validate", "-no-color"]);
    assert!(!run.success());
    let text = run.text();
    assert!(
        text.contains("Insufficient network blocks") || text.contains("\"network\""),
        "{text}"
    );
}

/// Runs `tofu validate` with TF_LOG=trace and checks the host saw a clean plugin lifecycle.
fn validate_with_trace(extra_env: &[(&str, &str)]) -> String {
    let w = basic();
    let mut cmd = w.command(&["validate", "-no-color"]);
    cmd.env("TF_LOG", "trace");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let run = w.run(cmd);
    run.assert_ok();
    let log = run.text();
    for bad in [
        "plugin failed to exit gracefully",
        "Unrecognized remote plugin message",
        "panic:",
        "plugin exited before we could connect",
        "Plugin did not respond",
    ] {
        assert!(!log.contains(bad), "found {bad:?} in the trace log");
    }
    // The provider's own hclog lines reach the host's log at their level.
    assert!(
        log.contains("provider.terraform-provider-fargate"),
        "no provider log lines"
    );
    assert!(
        log.contains("GetProviderSchema"),
        "provider debug line missing"
    );
    log
}

#[test]
fn automtls_lifecycle_is_clean_in_the_trace_log() {
    let log = validate_with_trace(&[]);
    assert!(
        log.contains("configuring client automatic mTLS"),
        "AutoMTLS not in use"
    );
    assert!(log.contains("tls=true"), "provider did not serve TLS");
}

#[test]
fn plaintext_lifecycle_is_clean_with_tls_disabled() {
    let log = validate_with_trace(&[("TF_DISABLE_PLUGIN_TLS", "1")]);
    assert!(!log.contains("configuring client automatic mTLS"));
    assert!(
        log.contains("tls=false"),
        "provider served TLS although the host disabled it"
    );
}

#[test]
fn reattach_mode_serves_tofu() {
    let log_dir = tempfile::tempdir().expect("tempdir");
    let log_path = log_dir.path().join("provider.log");
    let log_file = std::fs::File::create(&log_path).expect("log file");
    let mut child = Command::new(provider_binary())
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env("TF_LOG_PROVIDER", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .expect("start provider in debug mode");
    let stdout = child.stdout.take().expect("stdout");
    let mut reattach = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_owned());
            break;
        }
    }
    let reattach = reattach.expect("debug mode printed TF_REATTACH_PROVIDERS");
    let parsed: serde_json::Value = serde_json::from_str(&reattach).expect("reattach JSON");
    assert_eq!(parsed[PROVIDER_ADDRESS]["ProtocolVersion"], 6);
    assert_eq!(parsed[PROVIDER_ADDRESS]["Addr"]["Network"], "unix");

    let w = basic();
    let mut cmd = w.command(&["validate", "-no-color"]);
    cmd.env("TF_REATTACH_PROVIDERS", &reattach);
    let run = w.run(cmd);
    let alive = child.try_wait().expect("poll").is_none();
    // Ctrl-C ends a debug-mode provider.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().expect("wait");
    run.assert_ok();
    let provider_log = std::fs::read_to_string(&log_path).expect("provider log");
    assert!(
        provider_log.contains("ValidateResourceConfig"),
        "tofu did not call the reattached provider; its log:\n{provider_log}"
    );
    assert!(
        alive,
        "the debug provider must outlive the tofu command that used it"
    );
    assert!(status.success(), "debug provider exit: {status}");
}

#[test]
fn running_the_binary_by_hand_explains_itself() {
    let out = Command::new(provider_binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plugin for OpenTofu and Terraform"), "{err}");
}

#[test]
fn plan_fills_defaults_and_marks_computed_values_unknown() {
    let emulator = Emulator::start();
    let w = basic().with_env(emulator.aws_env());
    w.write("terraform.tfvars", TFVARS);
    let run = w.tofu(&["plan", "-no-color", "-out=plan.tfplan"]);
    run.assert_ok();
    plan_assertions(&w);
}

const TFVARS: &str = r#"
cluster                 = "prod"
private_subnet_ids      = ["subnet-aaaa", "subnet-bbbb"]
security_group_ids      = ["sg-1111"]
vpc_id                  = "vpc-1234"
production_listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2"
test_listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/3d0c4b8ba5a5b1b1"
namespace_id            = "ns-abcdef"
"#;

fn plan_assertions(w: &Workdir) {
    let show = w.tofu(&["show", "-json", "plan.tfplan"]);
    show.assert_ok();
    let plan: serde_json::Value = serde_json::from_str(&show.stdout).expect("plan JSON");
    let change = &plan["resource_changes"][0]["change"];
    assert_eq!(change["actions"], serde_json::json!(["create"]));
    let after = &change["after"];
    // Defaults the configuration left out are planned, so the user sees them.
    assert_eq!(after["platform_version"], "LATEST");
    assert_eq!(after["wait_for_deployment"], true);
    assert_eq!(after["container"]["init_process_enabled"], true);
    assert_eq!(after["container"]["log"]["mode"], "non-blocking");
    assert_eq!(
        after["load_balancer"]["health_check"]["healthy_threshold"],
        2
    );
    assert_eq!(after["service_discovery"]["record_type"], "A");
    // What the configuration says stays as written.
    assert_eq!(after["desired_count"], 4);
    assert_eq!(after["load_balancer"]["deregistration_delay"], 30);
    // ARNs are only known after apply.
    let unknown = &change["after_unknown"];
    assert_eq!(unknown["service_arn"], true);
    assert_eq!(unknown["blue_target_group_arn"], true);
}

#[test]
fn hashicorp_terraform_loads_the_provider_too() {
    let emulator = Emulator::start();
    let w = basic().with_env(emulator.aws_env());
    let mut cmd = w.command_with(&terraform_path(), &["validate", "-no-color"]);
    cmd.env("TF_LOG", "trace");
    let run = w.run(cmd);
    run.assert_ok();
    for bad in [
        "plugin failed to exit gracefully",
        "Unrecognized remote plugin message",
        "panic:",
    ] {
        assert!(
            !run.text().contains(bad),
            "found {bad:?} in Terraform's trace log"
        );
    }
    w.write("terraform.tfvars", TFVARS);
    let plan = w.run(w.command_with(&terraform_path(), &["plan", "-no-color"]));
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("fargate_production_service.checkout will be created"),
        "{}",
        plan.text()
    );
}

#[test]
fn provider_settings_assume_role_and_per_service_endpoints_reach_aws() {
    // Needs the emulator's request log to see which calls were made (requests() says so
    // against another endpoint).
    let emulator = Emulator::start();
    let w = basic();
    // No AWS_ENDPOINT_URL: every endpoint comes from the provider's endpoints block.
    let endpoints: String = [
        "applicationautoscaling",
        "cloudwatch",
        "codedeploy",
        "ec2",
        "ecs",
        "elbv2",
        "iam",
        "logs",
        "servicediscovery",
        "sts",
    ]
    .iter()
    .map(|s| format!("    {s} = \"{}\"\n", emulator.endpoint))
    .collect();
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    let main = main.replace(
        "provider \"fargate\" {\n  region = var.region\n",
        &format!(
            "provider \"fargate\" {{\n  region = var.region\n  max_retries = 0\n\n  assume_role {{\n    role_arn     = \"arn:aws:iam::123456789012:role/deployer\"\n    session_name = \"provider-test\"\n  }}\n\n  endpoints {{\n{endpoints}  }}\n"
        ),
    );
    w.write("main.tf", &main);
    w.write("terraform.tfvars", TFVARS);
    let mut cmd = w.command(&["plan", "-no-color"]);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_ENDPOINT_URL");
    let run = w.run(cmd);
    run.assert_ok();
    let calls = emulator.requests();
    assert_eq!(
        calls.first().map(String::as_str),
        Some("sts:AssumeRole"),
        "{calls:?}"
    );
    assert!(
        calls.iter().any(|c| c == "ec2:DescribeSubnets"),
        "{calls:?}"
    );
    // The fake subnets of TFVARS do not exist, so the capacity check says it was skipped.
    assert!(
        run.text().contains("Subnet capacity check skipped"),
        "{}",
        run.text()
    );
}
