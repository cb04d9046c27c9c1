//! Start-up of the provider as OpenTofu sees it: from spawning the binary to reading its
//! handshake line, with AutoMTLS (the host's P-521 client certificate in PLUGIN_CLIENT_CERT, as
//! go-plugin sends it) and without (no PLUGIN_CLIENT_CERT: plaintext). Prints the medians and
//! spreads; asserts nothing.
//! Run: `cargo bench --bench startup` (the release build; `FARGATE_BINARY=<path>` measures
//! another build of the binary instead, e.g. an older one).

#[path = "../tests/support/go_plugin.rs"]
mod go_plugin;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Starts of each kind, alternated so both see the same machine load.
const RUNS: usize = 60;

/// Spawn to handshake line, once.
fn start(binary: &Path, client_cert: Option<&str>) -> Duration {
    let mut cmd = go_plugin::command(binary, client_cert);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start the provider");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("handshake line");
    let elapsed = started.elapsed();
    assert_eq!(line.split('|').count(), 6, "handshake {line:?}");
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let binary = std::env::var_os("FARGATE_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-fargate")));
    let (pem, _, _) = go_plugin::host_identity();
    // Warm the page cache: the first start reads the binary from disk.
    start(&binary, None);
    let (mut tls, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        tls.push(start(&binary, Some(&pem)));
        plain.push(start(&binary, None));
    }
    println!(
        "{}, {RUNS} starts each, spawn to handshake line:",
        binary.display()
    );
    println!("| start | median | p10 | p90 |");
    println!("|---|---|---|---|");
    for (label, runs) in [
        ("AutoMTLS (P-521 host cert)", &mut tls),
        ("no TLS", &mut plain),
    ] {
        runs.sort();
        let at = |q: f64| millis(runs[((runs.len() - 1) as f64 * q).round() as usize]);
        println!(
            "| {label} | {:.1} ms | {:.1} ms | {:.1} ms |",
            at(0.5),
            at(0.1),
            at(0.9)
        );
    }
    let median = |r: &[Duration]| millis(r[r.len() / 2]);
    println!("AutoMTLS / no TLS: {:.2}×", median(&tls) / median(&plain));
}
