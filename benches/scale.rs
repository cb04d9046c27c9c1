//! One configuration of 100 services (issue 13's scale figure), against the emulator at
//! `-parallelism=10`: wall time and AWS calls of apply, plan and destroy, and the provider
//! process's peak RSS; then, when the hashicorp/aws provider is built (AWS_PROVIDER_DIR, from
//! tools/install_aws_provider.sh), the same 100 services through the generated modules on it,
//! side by side. Prints figures; asserts nothing about them.
//! Run: `eval "$(tools/install.sh)"; eval "$(tools/install_aws_provider.sh)"` (the second only
//! if it is cached or you can wait for its build), `export TOFU MOTO_PYTHON AWS_PROVIDER_DIR`,
//! then `cargo bench --bench scale` (`FARGATE_BENCH_SERVICES=<n>` for another count).

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use support::{Emulator, Fixtures, Workdir, repo_root};

/// The services in the configuration, each with its own rule priority and path on the shared
/// listeners.
fn services_local(count: usize) -> String {
    format!(
        "locals {{\n  services = {{ for i in range({count}) : format(\"svc-%03d\", i) => 1000 + i }}\n}}\n\n"
    )
}

/// `config` (an example's main.tf, its one service already under `for_each =
/// local.services`) with the services' locals, each service's rule priority and path.
fn spread(count: usize, config: &str) -> String {
    const TEST_LISTENER: &str = "test_listener_arn         = var.test_listener_arn\n";
    let config = config.replacen(
        TEST_LISTENER,
        &format!(
            "{TEST_LISTENER}    listener_rule_priority    = each.value\n    path_patterns             = [\"/${{each.key}}/*\"]\n"
        ),
        1,
    );
    format!("{}{config}", services_local(count))
}

/// `examples/codedeploy` with its one resource turned into `count` services.
fn resource_config(count: usize) -> String {
    let main =
        std::fs::read_to_string(repo_root().join("examples/codedeploy/main.tf")).expect("main");
    let config = main
        .replacen(
            "resource \"fargate_production_service\" \"checkout\" {",
            "resource \"fargate_production_service\" \"svc\" {\n  for_each = local.services\n",
            1,
        )
        .replacen("name    = \"checkout-api\"", "name    = each.key", 1);
    spread(count, &config)
}

/// `examples/modules-basic` with its one module call turned into `count` services.
fn modules_config(count: usize) -> String {
    let main =
        std::fs::read_to_string(repo_root().join("examples/modules-basic/main.tf")).expect("main");
    let root = repo_root().join("modules/fargate-production-service");
    let config = main
        .replacen(
            "\"../../modules/fargate-production-service\"",
            &format!("\"{}\"", root.display()),
            1,
        )
        .replacen(
            "module \"checkout\" {",
            "module \"svc\" {\n  for_each = local.services\n",
            1,
        )
        .replacen(
            "name          = \"checkout-api\"",
            "name          = each.key",
            1,
        );
    spread(count, &config)
}

/// Samples the peak resident set (VmHWM) of every process whose executable's file name starts
/// with `name` while a command runs; the largest is the figure.
struct PeakRss {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl PeakRss {
    fn watch(name: &'static str) -> PeakRss {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peaks: HashMap<u32, u64> = HashMap::new();
            while !flag.load(Ordering::Relaxed) {
                for (pid, kib) in processes_named(name) {
                    let peak = peaks.entry(pid).or_default();
                    *peak = (*peak).max(kib);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            peaks.values().copied().max().unwrap_or(0)
        });
        PeakRss { stop, thread }
    }

    /// The peak in MiB.
    fn finish(self) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0) as f64 / 1024.0
    }
}

/// (pid, VmHWM in KiB) of the processes whose argv[0] file name starts with `name`.
fn processes_named(name: &str) -> Vec<(u32, u64)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let argv0 = cmdline.split(|b| *b == 0).next()?;
        let file = String::from_utf8_lossy(argv0);
        if !file.rsplit('/').next()?.starts_with(name) {
            return None;
        }
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some((pid, kib))
    })
    .collect()
}

/// One operation's figures.
struct Figures {
    seconds: f64,
    calls: usize,
    rss_mib: f64,
}

/// Runs apply, plan and destroy of `config` at -parallelism=10 on a fresh emulator.
fn run(
    label: &str,
    count: usize,
    config: &str,
    provider: &'static str,
    modules: bool,
) -> Vec<(&'static str, Figures)> {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, label);
    let mut w = Workdir::new().with_env(emulator.aws_env());
    if modules {
        w = w.with_aws_provider();
        w.copy_example("modules-basic");
    } else {
        w.copy_example("codedeploy");
    }
    std::fs::remove_file(w.path().join("outputs.tf")).expect("drop outputs");
    w.write("main.tf", config);
    w.write("terraform.tfvars", &fixtures.tfvars());
    if modules {
        w.tofu(&["get", "-no-color"]).assert_ok();
    }
    let mut out = Vec::new();
    for (op, args) in [
        ("apply", vec!["apply", "-auto-approve", "-input=false"]),
        ("plan", vec!["plan", "-input=false", "-detailed-exitcode"]),
        ("destroy", vec!["destroy", "-auto-approve", "-input=false"]),
    ] {
        emulator.reset_requests();
        let rss = PeakRss::watch(provider);
        let mut args = args;
        args.extend(["-no-color", "-parallelism=10"]);
        let result = w.tofu(&args);
        let rss_mib = rss.finish();
        assert!(
            result.success(),
            "{label} {count}: {op} failed:\n{}",
            result.text()
        );
        let figures = Figures {
            seconds: result.elapsed.as_secs_f64(),
            calls: emulator.requests().len(),
            rss_mib,
        };
        eprintln!(
            "[scale] {label}, {count} services, {op}: {:.1} s, {} AWS calls, provider peak RSS {:.0} MiB",
            figures.seconds, figures.calls, figures.rss_mib
        );
        out.push((op, figures));
    }
    out
}

fn main() {
    let count: usize = std::env::var("FARGATE_BENCH_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let resource = run(
        "resource",
        count,
        &resource_config(count),
        "terraform-provider-fargate",
        false,
    );
    let modules = std::env::var_os("AWS_PROVIDER_DIR").map(|_| {
        run(
            "modules",
            count,
            &modules_config(count),
            "terraform-provider-aws",
            true,
        )
    });
    println!("{count} services in one configuration, -parallelism=10, against the emulator:");
    println!(
        "| operation | fargate_production_service: wall time | AWS calls | provider peak RSS | modules on hashicorp/aws: wall time | AWS calls | provider peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (i, (op, r)) in resource.iter().enumerate() {
        let m = match modules.as_ref().map(|m| &m[i].1) {
            Some(m) => format!("{:.1} s | {} | {:.0} MiB", m.seconds, m.calls, m.rss_mib),
            None => "not run (AWS_PROVIDER_DIR unset) | | ".to_owned(),
        };
        println!(
            "| {op} | {:.1} s | {} | {:.0} MiB | {m} |",
            r.seconds, r.calls, r.rss_mib
        );
    }
}
