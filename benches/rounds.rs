//! Sequential rounds of AWS calls per operation on one service (issue 13's figure): each of
//! create, plan, image change and destroy of an example (`ROUNDS_EXAMPLE`, default
//! examples/codedeploy, the figure earlier sessions measured) runs twice, on a fresh emulator,
//! without and with a fixed delay added to every AWS call; rounds = (wall time with the delay −
//! wall time without) ÷ delay. Prints the calls and rounds; asserts nothing about them.
//! Run: `cargo bench --bench rounds` (with TOFU and MOTO_PYTHON from tools/install.sh;
//! `--profile dev` reuses the test build: the rounds do not depend on the provider's speed).
//! With `ROUNDS_TRACE=1` it also prints, for the run with the delay, each operation's calls
//! grouped as they arrived side by side (a gap of more than a quarter of the delay starts a
//! new group), which is where the rounds go.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use serde_json::json;
use support::{Emulator, Fixtures, Workdir};

/// The delay added to every call in the second run (`ROUNDS_DELAY_MS` overrides it: a longer
/// one makes the figure less sensitive to a busy machine).
fn delay_ms() -> u64 {
    std::env::var("ROUNDS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// The example measured (`ROUNDS_EXAMPLE`, a directory of examples/ with examples/basic's
/// variables: basic, codedeploy, approval, ecs-linear, ecs-canary, rolling).
fn example() -> String {
    std::env::var("ROUNDS_EXAMPLE").unwrap_or_else(|_| "codedeploy".to_owned())
}

const IMAGE_V2: &str = "image=registry.example.com/checkout:v2";

/// An operation, its wall time and its AWS calls (arrival, "service:Action").
type Measured = (&'static str, Duration, Vec<(f64, String)>);

/// Wall time and AWS calls of each operation, in order, with `delay_ms` per call.
fn run_all(delay_ms: u64) -> Vec<Measured> {
    let emulator = Emulator::start();
    // IAM propagation is a fixed wait, not a round: without it the difference is the rounds.
    emulator.contract(json!({ "iam_delay_seconds": 0 }));
    let fixtures = Fixtures::create(&emulator, "rounds");
    let w = Workdir::new().with_env(emulator.aws_env());
    w.copy_example(&example());
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
        out.push((label, run.elapsed, emulator.timed_requests()));
    }
    emulator.delay(0);
    out
}

fn main() {
    let delay = delay_ms();
    let without = run_all(0);
    let with = run_all(delay);
    println!("examples/{}", example());
    println!("| operation | AWS calls | wall time | with +{delay} ms per call | rounds |");
    println!("|---|---|---|---|---|");
    for ((label, base, calls), (_, slow, _)) in without.iter().zip(&with) {
        let rounds = (slow.as_secs_f64() - base.as_secs_f64()) / (delay as f64 / 1000.0);
        println!(
            "| {label} | {} | {:.2} s | {:.2} s | {rounds:.1} |",
            calls.len(),
            base.as_secs_f64(),
            slow.as_secs_f64()
        );
    }
    if std::env::var_os("ROUNDS_TRACE").is_some() {
        for (label, _, calls) in &with {
            println!("\n{label}, with +{delay} ms per call:");
            trace(calls, delay);
        }
    }
}

/// Prints the calls in groups that arrived together, with each group's start.
fn trace(calls: &[(f64, String)], delay: u64) {
    let gap = delay as f64 / 4000.0;
    let Some(&(first, _)) = calls.first() else {
        return;
    };
    let mut group: Vec<&str> = Vec::new();
    let (mut start, mut last) = (first, first);
    let flush = |start: f64, group: &mut Vec<&str>| {
        group.sort_unstable();
        println!("  +{:>6.2} s  {}", start - first, group.join(", "));
        group.clear();
    };
    for (at, call) in calls {
        if at - last > gap && !group.is_empty() {
            flush(start, &mut group);
            start = *at;
        }
        last = *at;
        group.push(call);
    }
    flush(start, &mut group);
}
