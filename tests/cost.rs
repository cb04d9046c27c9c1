//! `monthly_cost` through the real tofu against the emulator: the figures a plan shows equal the
//! ones worked out by hand from the committed us-east-1 prices (x86 on demand; ARM64 with a
//! Fargate Spot share and autoscaling; 32 GiB of storage with high-resolution alarms), a
//! Region without prices gives null and a warning, `max_monthly_cost` warns above the budget,
//! and an applied service keeps its cost through refresh (the plan after is empty) until a
//! change prices it again.

mod support;

use support::scenario::{Setup, setup_example};
use support::{Emulator, PROVIDER_BLOCKS, Workdir};

/// A service behind a listener in `region`, with `strategy` and `settings` added to its body.
fn service(region: &str, strategy: &str, task: &str, settings: &str) -> String {
    let listener = format!(
        "arn:aws:elasticloadbalancing:{region}:123456789012:listener/app/shop/50dc6c495c0c9188"
    );
    let test = if strategy == "rolling" {
        String::new()
    } else {
        format!("test_listener_arn = \"{listener}/0467ef3c8400ae65\"")
    };
    format!(
        r#"
resource "fargate_production_service" "svc" {{
  name                = "cost-svc"
  cluster             = "prod"
  deployment_strategy = "{strategy}"
{settings}
  task {{
{task}
  }}

  container {{
    name          = "app"
    image         = "registry.example.com/app:1.4.2"
    port          = 8080
    stop_timeout  = 60
    drain_timeout = 25
  }}

  network {{
    subnets         = ["subnet-0a", "subnet-0b"]
    security_groups = ["sg-01"]
  }}

  load_balancer {{
    vpc_id                  = "vpc-01"
    production_listener_arn = "{listener}/f2f7dc8efc522ab2"
    {test}
    deregistration_delay    = 30
  }}
}}
{PROVIDER_BLOCKS}"#
    )
}

/// The plan of `config`: its output and `monthly_cost` from `tofu show -json`.
fn planned_cost(emulator: &Emulator, config: &str) -> (String, serde_json::Value) {
    let w = Workdir::new().with_env(emulator.aws_env());
    w.write("main.tf", config);
    let plan = w.tofu(&["plan", "-no-color", "-out=cost.tfplan"]);
    plan.assert_ok();
    let show = w.tofu(&["show", "-json", "cost.tfplan"]);
    show.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&show.stdout).expect("plan JSON");
    (
        plan.text(),
        json["resource_changes"][0]["change"]["after"]["monthly_cost"].clone(),
    )
}

#[track_caller]
fn assert_figures(cost: &serde_json::Value, expected: &[(&str, f64)]) {
    for (name, want) in expected {
        let got = cost[*name].as_f64();
        assert_eq!(got, Some(*want), "monthly_cost.{name} in {cost:#}");
    }
}

#[test]
fn the_plan_prices_a_service_as_worked_out_by_hand() {
    let emulator = Emulator::start();

    // x86 on demand, rolling: 0.5 vCPU and 1 GB, 21 GiB of storage by default (1 GB above the
    // 20 included), 2 tasks. An hour: 0.5 × 0.04048 + 1 × 0.004445 + 1 × 0.000111 = 0.024796;
    // a task's month 18.10108; 2 tasks 36.20216. ARM64 instead: 0.5 × 0.03238 + 0.00356 +
    // 0.000111 = 0.019861 × 730 × 2 = 28.99706. No alarms block, no alarms.
    let (_, x86) = planned_cost(
        &emulator,
        &service("us-east-1", "rolling", "cpu = 512\n    memory = 1024", ""),
    );
    assert_eq!(x86["currency"], "USD");
    assert_eq!(x86["region"], "us-east-1");
    assert_eq!(x86["price_date"], "2026-09-11");
    assert_figures(
        &x86,
        &[
            ("per_task", 18.10),
            ("tasks_on_demand", 36.20),
            ("spot_tasks", 0.0),
            ("tasks_low", 36.20),
            ("tasks_high", 36.20),
            ("x86_64", 36.20),
            ("arm64", 29.00),
            ("ephemeral_storage", 0.16),
            ("rollout_surge", 0.0),
            ("alarms", 0.0),
            ("high_resolution_metrics", 0.0),
            ("total_low", 36.20),
            ("total_high", 36.20),
        ],
    );
    assert!(
        x86["at_min"].is_null() && x86["at_max"].is_null(),
        "{x86:#}"
    );

    // ARM64 with a Spot share, canary: 1 vCPU and 2 GB, 4 tasks, one on FARGATE by its base and
    // the other 3 split 1:3, so 2.25 on Spot. An hour: 0.03238 + 2 × 0.00356 + 0.000111 =
    // 0.039611; a month 28.91603; 4 tasks 115.66412; with 70 % off the Spot share
    // (4 − 2.25 × 0.7) × 28.91603 = 70.12137. Autoscaling 2 to 10: 57.83206 and 289.1603. On
    // x86: (0.04048 + 0.00889 + 0.000111) × 730 × 4 = 144.48452. A canary runs 4 extra tasks
    // for its 10 minutes and 5-minute bake: 4 × 0.039611 / 4 = 0.039611. The default alarms
    // (5xx count, p99, unhealthy targets) on both groups: 6 × 0.10.
    let (_, spot) = planned_cost(
        &emulator,
        &service(
            "us-east-1",
            "canary",
            "cpu = 1024\n    memory = 2048\n    cpu_architecture = \"ARM64\"",
            r#"
  desired_count = 4
  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 3
  }
  autoscaling {
    min        = 2
    max        = 10
    cpu_target = 60
  }
  alarms {}
"#,
        ),
    );
    assert_figures(
        &spot,
        &[
            ("per_task", 28.92),
            ("tasks_on_demand", 115.66),
            ("spot_tasks", 2.25),
            ("tasks_low", 70.12),
            ("tasks_high", 115.66),
            ("at_min", 57.83),
            ("at_max", 289.16),
            ("x86_64", 144.48),
            ("arm64", 115.66),
            ("rollout_surge", 0.04),
            ("alarms", 0.60),
            ("total_low", 70.72),
            ("total_high", 116.26),
        ],
    );

    // 32 GiB of storage and alarms at 10 s, blue/green: 0.25 vCPU and 0.5 GB, 12 GB above the
    // 20 included. An hour: 0.01012 + 0.0022225 + 12 × 0.000111 = 0.0136745; 2 tasks a month
    // 19.96477, of which storage 2 × 12 × 0.000111 × 730 = 1.94472. The 5xx rate alarm (metric
    // math over two metrics) beside 5xx count, p99 and unhealthy, on both groups, at high
    // resolution: (2 + 1 + 1 + 1) × 2 × 0.30 = 3.00.
    let (_, storage) = planned_cost(
        &emulator,
        &service(
            "us-east-1",
            "blue_green",
            "cpu = 256\n    memory = 512\n    ephemeral_storage_gib = 32",
            r#"
  alarms {
    target_5xx_rate_percent = 5
    period                  = 10
  }
"#,
        ),
    );
    assert_figures(
        &storage,
        &[
            ("per_task", 9.98),
            ("tasks_on_demand", 19.96),
            ("ephemeral_storage", 1.94),
            ("alarms", 3.00),
            ("total_high", 22.96),
        ],
    );

    // A budget below the cost warns at the attribute; one above it does not.
    let (text, _) = planned_cost(
        &emulator,
        &service(
            "us-east-1",
            "rolling",
            "cpu = 512\n    memory = 1024",
            "  max_monthly_cost = 30\n",
        ),
    );
    assert!(
        text.contains("Monthly cost above max_monthly_cost")
            && text.contains("costs up to 36.20 USD a month in us-east-1"),
        "{text}"
    );
    let (text, _) = planned_cost(
        &emulator,
        &service(
            "us-east-1",
            "rolling",
            "cpu = 512\n    memory = 1024",
            "  max_monthly_cost = 36.2\n",
        ),
    );
    assert!(!text.contains("Monthly cost above"), "{text}");

    // A Region the table has no prices for: null, and the plan says why.
    let (text, none) = planned_cost(
        &emulator,
        &service(
            "me-central-1",
            "rolling",
            "cpu = 512\n    memory = 1024",
            "",
        ),
    );
    assert!(none.is_null(), "{none:#}");
    assert!(
        text.contains("No prices for the service's Region") && text.contains("me-central-1"),
        "{text}"
    );
}

#[test]
fn an_applied_service_keeps_its_cost_until_a_change_prices_it_again() {
    let t = setup_example("cost", "basic");
    t.apply(&[]);
    let state = t.state();
    let cost = &state["monthly_cost"];
    // examples/basic: 4 ARM64 tasks of 0.5 vCPU and 1 GB with 21 GiB of storage:
    // (0.5 × 0.03238 + 0.00356 + 0.000111) × 730 × 4 = 57.99412.
    assert_eq!(cost["tasks_on_demand"].as_f64(), Some(57.99), "{cost:#}");
    assert_eq!(cost["region"], "us-east-1");
    t.assert_plans_empty(&[]);
    // Two more tasks: an update in place, priced again (6 tasks: 86.99118).
    t.edit_main("desired_count = 4", "desired_count = 6");
    t.tofu(&["plan", "-out=more.tfplan"]).assert_ok();
    let show = t.tofu(&["show", "-json", "more.tfplan"]);
    let plan: serde_json::Value = serde_json::from_str(&show.stdout).expect("plan JSON");
    let after = &plan["resource_changes"][0]["change"]["after"];
    assert_eq!(
        after["monthly_cost"]["tasks_on_demand"].as_f64(),
        Some(86.99)
    );
    let preview = &after["next_rollout"];
    assert_eq!(preview["action"], "update in place");
    // Six tasks, each with its network interface, against the subnets' free addresses as the
    // plan looked them up.
    assert_eq!(preview["peak_enis"].as_i64(), Some(6), "{preview:#}");
    assert_eq!(
        preview["free_addresses"].as_i64(),
        Some(free_addresses(&t)),
        "{preview:#}"
    );
    // A new image under blue/green: the new set beside the old.
    t.tofu(&[
        "plan",
        "-out=image.tfplan",
        "-var",
        "image=public.ecr.aws/nginx/nginx:1.29.0",
    ])
    .assert_ok();
    let show = t.tofu(&["show", "-json", "image.tfplan"]);
    let plan: serde_json::Value = serde_json::from_str(&show.stdout).expect("plan JSON");
    let preview = &plan["resource_changes"][0]["change"]["after"]["next_rollout"];
    assert_eq!(preview["action"], "deployment", "{preview:#}");
    assert_eq!(
        (
            preview["peak_tasks"].as_i64(),
            preview["peak_enis"].as_i64()
        ),
        (Some(12), Some(12))
    );
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
}

/// The free addresses of the example's subnets, as EC2 reports them.
fn free_addresses(t: &Setup) -> i64 {
    let ids: Vec<String> = t.fixtures.json["private_subnet_ids"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    t.aws.run(async {
        t.aws
            .ec2
            .describe_subnets()
            .set_subnet_ids(Some(ids))
            .send()
            .await
            .expect("DescribeSubnets")
            .subnets()
            .iter()
            .map(|s| i64::from(s.available_ip_address_count().unwrap_or_default()))
            .sum()
    })
}
