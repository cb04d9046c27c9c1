//! Start-up of the provider as OpenTofu sees it: from spawning the binary to reading its
//! handshake line, with AutoMTLS (the host's P-521 client certificate in PLUGIN_CLIENT_CERT, as
//! go-plugin sends it) and without (no PLUGIN_CLIENT_CERT: plaintext). Prints the medians and
//! spreads; asserts nothing.
//! Run: `cargo bench --bench startup` (the release build; `FARGATE_BINARY=<path>` measures
//! another build of the binary instead, e.g. an older one).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts of each kind, alternated so both see the same machine load.
const RUNS: usize = 60;

const COOKIE: (&str, &str) = (
    "TF_PLUGIN_MAGIC_COOKIE",
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
);

/// A host certificate like go-plugin's: self-signed ECDSA P-521, a CA, for localhost.
fn host_certificate() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    params.self_signed(&key).expect("self-signed").pem()
}

/// Spawn to handshake line, once.
fn start(binary: &str, client_cert: Option<&str>) -> Duration {
    let mut cmd = Command::new(binary);
    cmd.env(COOKIE.0, COOKIE.1)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(pem) = client_cert {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
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
    let binary = std::env::var("FARGATE_BINARY")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_terraform-provider-fargate").to_owned());
    let pem = host_certificate();
    // Warm the page cache: the first start reads the binary from disk.
    start(&binary, None);
    let (mut tls, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        tls.push(start(&binary, Some(&pem)));
        plain.push(start(&binary, None));
    }
    println!("{binary}, {RUNS} starts each, spawn to handshake line:");
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
