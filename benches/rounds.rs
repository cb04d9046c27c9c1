//! Sequential rounds of AWS calls per operation on one service (issue 13's figure): each of
//! create, plan, image change and destroy of examples/basic runs twice, on a fresh emulator,
//! without and with a fixed delay added to every AWS call; rounds = (wall time with the delay −
//! wall time without) ÷ delay. Prints the calls and rounds; asserts nothing about them.
//! Run: `cargo bench --bench rounds` (with TOFU and MOTO_PYTHON from tools/install.sh;
//! `--profile dev` reuses the test build: the rounds do not depend on the provider's speed).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use serde_json::json;
use support::{Emulator, Fixtures, Workdir};

/// The delay added to every call in the second run.
const DELAY_MS: u64 = 200;

const IMAGE_V2: &str = "image=registry.example.com/checkout:v2";

/// Wall time and AWS calls of each operation, in order, with `delay_ms` per call.
fn run_all(delay_ms: u64) -> Vec<(&'static str, Duration, usize)> {
    let emulator = Emulator::start();
    // IAM propagation is a fixed wait, not a round: without it the difference is the rounds.
    emulator.contract(json!({ "iam_delay_seconds": 0 }));
    let fixtures = Fixtures::create(&emulator, "rounds");
    let w = Workdir::new().with_env(emulator.aws_env());
    w.copy_example("basic");
    w.write("terraform.tfvars", &fixtures.tfvars());
    emulator.delay(delay_ms);
    let mut out = Vec::new();
    for (label, args) in [
        ("create", vec!["apply", "-auto-approve", "-no-color"]),
        ("plan", vec!["plan", "-no-color", "-detailed-exitcode"]),
        (
            "image change",
            vec!["apply", "-auto-approve", "-no-color", "-var", IMAGE_V2],
        ),
        (
            "destroy",
            vec!["destroy", "-auto-approve", "-no-color", "-var", IMAGE_V2],
        ),
    ] {
        emulator.reset_requests();
        let run = w.tofu(&args);
        assert!(run.success(), "{label} failed:\n{}", run.text());
        out.push((label, run.elapsed, emulator.requests().len()));
    }
    emulator.delay(0);
    out
}

fn main() {
    let without = run_all(0);
    let with = run_all(DELAY_MS);
    println!("| operation | AWS calls | wall time | with +{DELAY_MS} ms per call | rounds |");
    println!("|---|---|---|---|---|");
    for ((label, base, calls), (_, slow, _)) in without.iter().zip(&with) {
        let rounds = (slow.as_secs_f64() - base.as_secs_f64()) / (DELAY_MS as f64 / 1000.0);
        println!(
            "| {label} | {calls} | {:.2} s | {:.2} s | {rounds:.1} |",
            base.as_secs_f64(),
            slow.as_secs_f64()
        );
    }
}
