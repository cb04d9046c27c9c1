//! The whole fault sweep (tools/fault-sweep.sh; feature `fault-sweep`): every mutating AWS call
//! that a create, an image change and a destroy of examples/codedeploy make, failed once at its first
//! call and once at its last (a follow-up call of a child), each on a fresh emulator. For each:
//! the failed command names AWS's error, the next command converges, the plan is empty, and
//! destroy leaves no child of any kind. It prints the figures (tried, converged, orphans) and
//! fails unless every case converged with nothing left. `tests/integrity.rs` runs a
//! representative subset in CI.

mod support;

use support::scenario::{Setup, setup as plain_setup};
use support::{Fault, Run};

/// What the figures are of: the example swept, or the default configuration.
fn swept() -> String {
    match std::env::var("FARGATE_SWEEP_EXAMPLE") {
        Ok(example) => format!("examples/{example}"),
        Err(_) => "examples/codedeploy with alarms and alarm rollback".to_owned(),
    }
}

/// examples/codedeploy with alarms wired into the deployment group, so the alarms' calls
/// (PutMetricAlarm, DeleteAlarms) are swept with the rest.
/// `FARGATE_SWEEP_EXAMPLE` sweeps another example instead (e.g. `basic`, which has its
/// own alarms).
fn setup(prefix: &str) -> Setup {
    let mut t = plain_setup(prefix);
    if let Ok(example) = std::env::var("FARGATE_SWEEP_EXAMPLE") {
        // The example as a user copies it (examples/worker has its own variables; the NLB
        // examples take the NLB's listeners).
        t.w.copy_example(&example);
        if example.starts_with("nlb") {
            t.tfvars = t.fixtures.nlb_tfvars();
            t.w.write("terraform.tfvars", &t.tfvars);
        }
        return t;
    }
    t.edit_main(
        "auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]",
        "auto_rollback_events     = [\"DEPLOYMENT_FAILURE\", \"DEPLOYMENT_STOP_ON_ALARM\"]",
    );
    t.edit_main(
        "  desired_count = 4\n",
        "  desired_count = 4\n\n  alarms {\n    target_5xx_count = 10\n  }\n",
    );
    t
}

const NEW_IMAGE: &str = "-var=image=public.ecr.aws/nginx/nginx:1.27.4";

/// Calls that change something in AWS (reads are not swept: a failed read fails the command
/// and changes nothing).
fn mutating(action: &str) -> bool {
    [
        "Create",
        "Put",
        "Register",
        "Attach",
        "Modify",
        "Tag",
        "Set",
        "Update",
        "Delete",
        "Deregister",
        "Detach",
        "Untag",
    ]
    .iter()
    .any(|p| action.starts_with(p))
}

/// The mutating calls in the emulator's log since the last reset, as (service, action, count).
fn mutating_calls(t: &Setup) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    for call in t.emulator.requests() {
        let Some((service, action)) = call.split_once(':') else {
            continue;
        };
        if !mutating(action) {
            continue;
        }
        match out.iter_mut().find(|(s, a, _)| s == service && a == action) {
            Some(entry) => entry.2 += 1,
            None => out.push((service.to_owned(), action.to_owned(), 1)),
        }
    }
    out
}

fn refused(service: &str, action: &str, after: usize) -> Fault {
    let code = match service {
        "iam" | "elasticloadbalancing" => "AccessDenied",
        _ => "AccessDeniedException",
    };
    Fault::new(action)
        .service(service)
        .code(code)
        .times(1)
        .after(u32::try_from(after).unwrap_or(u32::MAX))
}

/// Every case of a phase: each call failed at its first and at its last occurrence.
fn cases(calls: &[(String, String, usize)]) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for (service, action, count) in calls {
        out.push((service.clone(), action.clone(), 0));
        if *count > 1 {
            out.push((service.clone(), action.clone(), count - 1));
        }
    }
    out
}

#[derive(Default)]
struct Figures {
    tried: usize,
    failed_as_injected: usize,
    /// The cases whose command succeeded without the refused call.
    absorbed: Vec<String>,
    converged: usize,
    orphaned: Vec<String>,
    problems: Vec<String>,
}

impl Figures {
    fn record(&mut self, case: &str, run: &Run, t: &Setup, converge: impl FnOnce() -> bool) {
        self.tried += 1;
        if !run.success() && run.text().contains("AccessDenied") {
            self.failed_as_injected += 1;
        } else if run.success() {
            // The command did without the failed call (a retried or optional one); the rest
            // must still hold.
            self.absorbed.push(case.to_owned());
        } else {
            self.problems.push(format!(
                "{case}: failed without AWS's error:\n{}",
                run.text()
            ));
        }
        if converge() {
            self.converged += 1;
        } else {
            self.problems.push(format!("{case}: did not converge"));
        }
        let left = t.children_left();
        if !left.is_empty() {
            self.orphaned.push(format!("{case}: {left:?}"));
        }
    }
}

fn destroy_ok(t: &Setup) -> bool {
    t.tofu(&["destroy", "-auto-approve"]).success()
}

fn plans_empty(t: &Setup, extra: &[&str]) -> bool {
    let mut args = vec!["plan", "-detailed-exitcode"];
    args.extend_from_slice(extra);
    t.tofu(&args).code() == 0
}

#[test]
fn every_mutating_call_of_create_change_and_destroy_fails_and_converges() {
    // The calls each phase makes, from one clean run.
    let t = setup("sweep");
    t.emulator.reset_requests();
    t.apply(&[]);
    let create = cases(&mutating_calls(&t));
    t.emulator.reset_requests();
    t.apply(&[NEW_IMAGE]);
    let change = cases(&mutating_calls(&t));
    t.emulator.reset_requests();
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    let destroy = cases(&mutating_calls(&t));
    drop(t);

    let mut figures = Figures::default();
    for (service, action, after) in &create {
        let case = format!("create {service}:{action}#{after}");
        let t = setup("sweepc");
        t.emulator.inject(&refused(service, action, *after));
        let run = t.tofu(&["apply", "-auto-approve"]);
        figures.record(&case, &run, &t, || {
            t.tofu(&["apply", "-auto-approve"]).success() && plans_empty(&t, &[]) && destroy_ok(&t)
        });
    }
    for (service, action, after) in &change {
        let case = format!("image change {service}:{action}#{after}");
        let t = setup("sweepu");
        t.apply(&[]);
        t.emulator.inject(&refused(service, action, *after));
        let run = t.tofu(&["apply", "-auto-approve", NEW_IMAGE]);
        figures.record(&case, &run, &t, || {
            t.tofu(&["apply", "-auto-approve", NEW_IMAGE]).success()
                && plans_empty(&t, &[NEW_IMAGE])
                && destroy_ok(&t)
        });
    }
    for (service, action, after) in &destroy {
        let case = format!("destroy {service}:{action}#{after}");
        let t = setup("sweepd");
        t.apply(&[]);
        t.emulator.inject(&refused(service, action, *after));
        let run = t.tofu(&["destroy", "-auto-approve"]);
        figures.record(&case, &run, &t, || destroy_ok(&t));
    }
    eprintln!(
        "fault sweep of {}: {} cases ({} create, {} image change, {} destroy); {} failed with AWS's \
         error, {} absorbed it, {} converged, {} left children",
        swept(),
        figures.tried,
        create.len(),
        change.len(),
        destroy.len(),
        figures.failed_as_injected,
        figures.absorbed.len(),
        figures.converged,
        figures.orphaned.len()
    );
    if !figures.absorbed.is_empty() {
        eprintln!("absorbed: {}", figures.absorbed.join(", "));
    }
    assert!(figures.problems.is_empty(), "{:#?}", figures.problems);
    assert!(figures.orphaned.is_empty(), "{:#?}", figures.orphaned);
    assert_eq!(figures.converged, figures.tried);
}

/// SIGKILL and SIGINT of `tofu apply` at every half second of a create with AWS-like latency,
/// and of `tofu destroy` every second: the next command converges and destroy leaves nothing.
#[test]
fn interrupting_tofu_anywhere_in_an_apply_or_a_destroy_converges() {
    let mut tried = 0;
    let mut left = Vec::new();
    for signal in ["-KILL", "-INT"] {
        for tenths in (5u64..=60).step_by(5) {
            let case = format!("apply {signal} at {}.{} s", tenths / 10, tenths % 10);
            let t = setup("sweepk");
            t.emulator.delay(150);
            t.interrupt(
                &["apply", "-auto-approve"],
                signal,
                std::time::Duration::from_millis(tenths * 100),
            );
            t.emulator.delay(0);
            tried += 1;
            let converged = t.tofu(&["apply", "-auto-approve"]).success()
                && plans_empty(&t, &[])
                && destroy_ok(&t);
            let remaining = t.children_left();
            if !converged || !remaining.is_empty() {
                left.push(format!("{case}: converged {converged}, left {remaining:?}"));
            }
        }
        for seconds in 1..=4 {
            let case = format!("destroy {signal} at {seconds} s");
            let t = setup("sweepkd");
            t.apply(&[]);
            t.emulator.delay(150);
            t.interrupt(
                &["destroy", "-auto-approve"],
                signal,
                std::time::Duration::from_secs(seconds),
            );
            t.emulator.delay(0);
            tried += 1;
            let converged = destroy_ok(&t);
            let remaining = t.children_left();
            if !converged || !remaining.is_empty() {
                left.push(format!("{case}: converged {converged}, left {remaining:?}"));
            }
        }
    }
    eprintln!(
        "interruption sweep of {}: {tried} cases, {} converged with nothing left",
        swept(),
        tried - left.len()
    );
    assert!(left.is_empty(), "{left:#?}");
}
