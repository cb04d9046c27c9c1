//! The plan-time checks through the real tofu: every configuration in tests/checks/ gets its
//! expected diagnostic (severity, summary, and the HCL line of the attribute it is about) from
//! `tofu validate` and again from `tofu plan`, and none of them makes a single AWS call.

mod support;

use std::path::PathBuf;

use support::{Emulator, Fixtures, PROVIDER_BLOCKS, Workdir};

/// What the plan-time network checks ask AWS; nothing else may be called before apply.
/// The lookups a plan makes, sorted: the network and cluster checks' and, for the
/// listener-rule priority check, the rules of both listeners.
const PLAN_LOOKUPS: &[&str] = &[
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ecs:DescribeClusters",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeRules",
];

struct Case {
    file: PathBuf,
    severity: String,
    summary: String,
    path: String,
    /// 1-based line the diagnostic must point at (marked `#!` in the file), if any.
    line: Option<u64>,
    text: String,
}

fn corpus() -> Vec<Case> {
    let dir = support::repo_root().join("tests/checks");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/checks")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).expect("read case");
            let header = text.lines().next().unwrap_or_default();
            let spec = header
                .strip_prefix("# expect: ")
                .unwrap_or_else(|| panic!("{file:?} lacks its # expect: line"));
            let parts: Vec<&str> = spec.split(" | ").collect();
            assert_eq!(
                parts.len(),
                3,
                "{file:?}: # expect: <severity> | <summary> | <path>"
            );
            let line = text
                .lines()
                .position(|l| l.trim_end().ends_with("#!"))
                .map(|i| i as u64 + 1);
            Case {
                severity: parts[0].to_owned(),
                summary: parts[1].to_owned(),
                path: parts[2].to_owned(),
                line,
                text: text.clone(),
                file,
            }
        })
        .collect()
}

fn check_case(case: &Case, emulator: &Emulator) -> Result<(), String> {
    let name = case
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let w = Workdir::new().with_env(emulator.aws_env());
    // The provider block goes after the case so the case's line numbers stay as they are.
    w.write("main.tf", &format!("{}\n{PROVIDER_BLOCKS}", case.text));
    let run = w.tofu(&["validate", "-json", "-no-color"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .map_err(|e| format!("{name}: validate JSON: {e}\n{}", run.text()))?;
    let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
    let found = diags
        .iter()
        .find(|d| d["severity"] == case.severity.as_str() && d["summary"] == case.summary.as_str())
        .ok_or_else(|| {
            format!(
                "{name}: no {} {:?} (for {}) in {diags:#?}",
                case.severity, case.summary, case.path
            )
        })?;
    if let Some(line) = case.line {
        let at = found["range"]["start"]["line"].as_u64();
        if at != Some(line) {
            return Err(format!(
                "{name}: {:?} points at line {at:?}, expected {line} ({})",
                case.summary, case.path
            ));
        }
    }
    if (case.severity == "error") == run.success() {
        return Err(format!(
            "{name}: validate exit status does not match the severity:\n{}",
            run.text()
        ));
    }
    let plan = w.tofu(&["plan", "-no-color"]);
    if !plan.text().contains(&case.summary) {
        return Err(format!(
            "{name}: plan does not report {:?}:\n{}",
            case.summary,
            plan.text()
        ));
    }
    if (case.severity == "error") == plan.success() {
        return Err(format!(
            "{name}: plan exit status does not match the severity:\n{}",
            plan.text()
        ));
    }
    Ok(())
}

#[test]
fn every_corpus_configuration_gets_its_diagnostic_without_aws_calls() {
    let cases = corpus();
    assert!(
        cases.len() >= 40,
        "the corpus has only {} cases",
        cases.len()
    );
    let emulator = Emulator::start();
    emulator.reset_requests();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<&[Case]> = cases.chunks(cases.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(|| {
                    chunk
                        .iter()
                        .filter_map(|c| check_case(c, &emulator).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    if emulator.embedded {
        // The plan-time lookups are the only calls a plan may make.
        let calls: Vec<String> = emulator
            .requests()
            .into_iter()
            .filter(|c| !PLAN_LOOKUPS.contains(&c.as_str()))
            .collect();
        assert!(calls.is_empty(), "the checks made AWS calls: {calls:?}");
    }
}

#[test]
fn the_basic_example_passes_every_check() {
    // examples/basic and examples/codedeploy are the seeds' production setup (ECS-native and
    // CodeDeploy blue/green); the FireLens and ADOT examples add
    // sidecars, volumes, ECS Exec and the hardening settings to it.
    for example in ["basic", "approval", "codedeploy", "firelens", "adot"] {
        let w = Workdir::new();
        w.copy_example(example);
        let run = w.tofu(&["validate", "-json", "-no-color"]);
        run.assert_ok();
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("validate JSON");
        let diags: Vec<&serde_json::Value> = json["diagnostics"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter(|d| d["summary"] != "Provider development overrides are in effect")
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            diags.is_empty(),
            "examples/{example} must pass clean: {diags:#?}"
        );
    }
}

#[test]
fn provider_functions_answer_through_tofu() {
    let emulator = Emulator::start();
    let w = Workdir::new().with_env(emulator.aws_env());
    w.write(
        "main.tf",
        &format!(
            r#"{PROVIDER_BLOCKS}
output "memory" {{
  value = provider::fargate::valid_memory(1024)
}}

output "label" {{
  value = provider::fargate::alb_resource_label(
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/edge/50dc6c495c0c9188",
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-blue/943f017f100becff",
  )
}}
"#
        ),
    );
    w.tofu(&["apply", "-auto-approve", "-no-color"]).assert_ok();
    let out = w.tofu(&["output", "-json"]);
    out.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("outputs");
    assert_eq!(
        json["memory"]["value"],
        serde_json::json!([2048, 3072, 4096, 5120, 6144, 7168, 8192])
    );
    assert_eq!(
        json["label"]["value"],
        "app/edge/50dc6c495c0c9188/targetgroup/api-blue/943f017f100becff"
    );

    w.write(
        "main.tf",
        &format!(
            "{PROVIDER_BLOCKS}\noutput \"bad\" {{\n  value = provider::fargate::valid_memory(300)\n}}\n"
        ),
    );
    let run = w.tofu(&["plan", "-no-color"]);
    assert!(!run.success());
    assert!(
        run.text().contains("300 is not a Fargate CPU size"),
        "{}",
        run.text()
    );
    w.write(
        "main.tf",
        &format!("{PROVIDER_BLOCKS}\noutput \"bad\" {{\n  value = provider::fargate::alb_resource_label(\"nope\", \"x\")\n}}\n"),
    );
    let run = w.tofu(&["plan", "-no-color"]);
    assert!(!run.success());
    assert!(
        run.text().contains("\"nope\" is not an Application"),
        "{}",
        run.text()
    );
}

#[test]
fn the_committed_reference_documentation_is_current() {
    for (page, text) in fargate_provider::fargate::docs::registry_pages() {
        let committed = std::fs::read_to_string(support::repo_root().join("docs").join(&page))
            .unwrap_or_else(|e| panic!("docs/{page}: {e}"));
        assert_eq!(
            committed, text,
            "docs/{page} is stale: run `cargo run -- docs --dir docs`"
        );
    }
    let committed =
        std::fs::read_to_string(support::repo_root().join("docs/resources/production_service.md"))
            .expect("docs/resources/production_service.md");
    for rule in fargate_provider::service::checks::RULES {
        assert!(
            committed.contains(&format!("`{}`", rule.id)),
            "rule {} missing from the docs",
            rule.id
        );
    }
}

#[test]
fn subnet_capacity_is_checked_against_the_subnets_in_aws() {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, "subnets");
    let w = Workdir::new().with_env(emulator.aws_env());
    w.copy_example("codedeploy");
    w.write("terraform.tfvars", &fixtures.tfvars());
    // Two /24 subnets hold about 500 free addresses. Only 4 tasks are desired, but a deployment
    // may start while autoscaling runs its maximum of 300: 600 tasks during the deployment.
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    let scaled = main.replace(
        "    max                 = 40",
        "    max                 = 300",
    );
    assert_ne!(
        scaled, main,
        "examples/codedeploy sets autoscaling.max = 40"
    );
    w.write("main.tf", &scaled);
    emulator.reset_requests();
    let run = w.tofu(&["plan", "-no-color"]);
    assert!(!run.success(), "{}", run.text());
    let text = run.text().replace('\n', " ");
    assert!(
        text.contains("Not enough free IP addresses for a deployment"),
        "{text}"
    );
    assert!(
        text.contains("runs 600") && text.contains("autoscaling.max"),
        "names the numbers and where they come from: {text}"
    );
    if emulator.embedded {
        let mut calls = emulator.requests();
        calls.sort();
        assert_eq!(calls, PLAN_LOOKUPS);
    }
    // Within capacity: no diagnostic, the plan goes on.
    w.write("main.tf", &main);
    let run = w.tofu(&["plan", "-no-color"]);
    run.assert_ok();
    assert!(!run.text().contains("free IP addresses"), "{}", run.text());

    // A rolling update runs at most maximum_percent of its tasks: 300 at 150 % is 450, which
    // the subnets hold; at 200 % it is 600, which they do not.
    let w = Workdir::new().with_env(emulator.aws_env());
    w.copy_example("rolling");
    w.write("terraform.tfvars", &fixtures.tfvars());
    let main = std::fs::read_to_string(w.path().join("main.tf")).expect("main.tf");
    let rolling = |percent: &str| {
        main.replace(
            "    max                 = 40",
            "    max                 = 300",
        )
        .replace(
            "    maximum_percent         = 200",
            &format!("    maximum_percent         = {percent}"),
        )
    };
    assert_ne!(
        rolling("150"),
        rolling("200"),
        "examples/rolling sets maximum_percent"
    );
    w.write("main.tf", &rolling("150"));
    let run = w.tofu(&["plan", "-no-color"]);
    run.assert_ok();
    assert!(!run.text().contains("free IP addresses"), "{}", run.text());
    w.write("main.tf", &rolling("200"));
    let run = w.tofu(&["plan", "-no-color"]);
    assert!(!run.success(), "{}", run.text());
    assert!(
        run.text().replace('\n', " ").contains("runs 600"),
        "{}",
        run.text()
    );
}
