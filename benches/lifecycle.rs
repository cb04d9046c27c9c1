//! Measures tofu apply, plan and destroy of one and of ten services against the emulator, and
//! counts the AWS calls each makes (from the emulator's request log). Prints figures; asserts
//! nothing about them. Run: `cargo bench --bench lifecycle` (with TOFU and MOTO_PYTHON from
//! tools/install.sh, as tools/test.sh exports them).

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use support::{Emulator, Fixtures, Workdir};

fn config_for(count: usize) -> String {
    let main = std::fs::read_to_string(support::repo_root().join("examples/codedeploy/main.tf"))
        .expect("example");
    let start = main
        .find("resource \"fargate_production_service\"")
        .expect("resource");
    let (head, resource) = main.split_at(start);
    let names: Vec<String> = (0..count).map(|i| format!("\"svc-{i:02}\"")).collect();
    let resource = resource
        .replacen(
            "resource \"fargate_production_service\" \"checkout\" {",
            &format!(
                "resource \"fargate_production_service\" \"bench\" {{\n  for_each = toset([{}])\n",
                names.join(", ")
            ),
            1,
        )
        .replace("name    = \"checkout-api\"", "name    = each.key");
    format!("{head}{resource}")
}

fn main() {
    println!("| services | operation | wall time | AWS calls | top calls |");
    println!("|---|---|---|---|---|");
    for count in [1usize, 10] {
        let emulator = Emulator::start();
        let fixtures = Fixtures::create(&emulator, &format!("bench{count}"));
        let w = Workdir::new().with_env(emulator.aws_env());
        w.copy_example("codedeploy");
        std::fs::remove_file(w.path().join("outputs.tf")).expect("drop outputs");
        w.write("main.tf", &config_for(count));
        w.write("terraform.tfvars", &fixtures.tfvars());
        for (label, args) in [
            ("apply", vec!["apply", "-auto-approve", "-no-color"]),
            ("plan", vec!["plan", "-no-color", "-detailed-exitcode"]),
            ("destroy", vec!["destroy", "-auto-approve", "-no-color"]),
        ] {
            emulator.reset_requests();
            let run = w.tofu(&args);
            assert!(run.success(), "{label} failed:\n{}", run.text());
            let calls = emulator.requests();
            let mut by_action: BTreeMap<String, usize> = BTreeMap::new();
            for c in &calls {
                *by_action.entry(c.clone()).or_default() += 1;
            }
            let mut top: Vec<(String, usize)> = by_action.into_iter().collect();
            top.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
            let top: Vec<String> = top
                .iter()
                .take(4)
                .map(|(k, v)| format!("{k}×{v}"))
                .collect();
            println!(
                "| {count} | {label} | {:.2} s | {} | {} |",
                run.elapsed.as_secs_f64(),
                calls.len(),
                top.join(", ")
            );
        }
    }
}
