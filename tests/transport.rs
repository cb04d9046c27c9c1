//! The go-plugin transport seen from a gRPC client, as the host's would see it: the handshake
//! line, AutoMTLS that lets in only the host's certificate, health, Shutdown, and the exit when the
//! host is killed.

#[path = "support/go_plugin.rs"]
mod go_plugin;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use fargate_provider::tfplugin::proto::{plugin, tfplugin6};
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tonic::transport::{Channel, Endpoint};

struct Plugin {
    child: Child,
    socket: String,
    server_cert: Option<CertificateDer<'static>>,
    handshake: String,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_plugin(client_cert_pem: Option<&str>) -> Plugin {
    let binary = Path::new(env!("CARGO_BIN_EXE_terraform-provider-fargate"));
    let mut child = go_plugin::command(binary, client_cert_pem)
        .spawn()
        .expect("start plugin");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("handshake line");
    let handshake = line.trim_end().to_owned();
    let parts: Vec<&str> = handshake.split('|').collect();
    assert_eq!(parts.len(), 6, "handshake {handshake:?}");
    assert_eq!(&parts[..3], ["1", "6", "unix"]);
    assert_eq!(parts[4], "grpc");
    let server_cert = (!parts[5].is_empty()).then(|| {
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .expect("unpadded standard base64");
        CertificateDer::from(der)
    });
    Plugin {
        socket: parts[3].to_owned(),
        server_cert,
        handshake,
        child,
    }
}

/// The host trusts exactly the certificate from the handshake line (as go-plugin does by putting
/// it in its root pool); rustls's WebPKI would refuse a CA certificate as the server's own.
#[derive(Debug)]
struct PinnedServer(CertificateDer<'static>);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        assert_eq!(server_name.to_str(), "localhost");
        if end_entity.as_ref() == self.0.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(m, c, d, &algs)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(m, c, d, &algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::aws_lc_rs::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

async fn tls_channel(
    plugin: &Plugin,
    identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Result<Channel, tonic::transport::Error> {
    let server_cert = plugin
        .server_cert
        .clone()
        .expect("server cert in handshake");
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .dangerous()
    .with_custom_certificate_verifier(Arc::new(PinnedServer(server_cert)));
    let mut config = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(vec![cert], key)
            .expect("client auth"),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let socket = plugin.socket.clone();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let connector = connector.clone();
            let socket = socket.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(socket).await?;
                let tls = connector
                    .connect(ServerName::try_from("localhost").expect("name"), stream)
                    .await?;
                assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]), "ALPN h2");
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

async fn plain_channel(plugin: &Plugin) -> Channel {
    let socket = plugin.socket.clone();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let socket = socket.clone();
            async move {
                Ok::<_, std::io::Error>(TokioIo::new(
                    tokio::net::UnixStream::connect(socket).await?,
                ))
            }
        }))
        .await
        .expect("plaintext channel")
}

async fn schema(
    channel: Channel,
) -> Result<tfplugin6::get_provider_schema::Response, tonic::Status> {
    let mut client = tfplugin6::provider_client::ProviderClient::new(channel);
    client
        .get_provider_schema(tfplugin6::get_provider_schema::Request {})
        .await
        .map(tonic::Response::into_inner)
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("poll") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[tokio::test]
async fn only_the_hosts_certificate_gets_in() {
    let (pem, cert, key) = go_plugin::host_identity();
    let mut plugin = start_plugin(Some(&pem));
    assert!(
        plugin
            .handshake
            .split('|')
            .nth(5)
            .is_some_and(|c| c.len() > 50)
    );

    // The host's own certificate: served.
    let channel = tls_channel(&plugin, Some((cert, key)))
        .await
        .expect("TLS channel");
    let resp = schema(channel.clone())
        .await
        .expect("GetProviderSchema over mTLS");
    assert!(
        resp.resource_schemas
            .contains_key("fargate_production_service")
    );

    // Health, as go-plugin's Ping asks for it.
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .expect("health check")
        .into_inner();
    assert_eq!(
        status.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    // Another certificate, even a well-formed P-521 one: refused.
    let (_, other_cert, other_key) = go_plugin::host_identity();
    let refused = match tls_channel(&plugin, Some((other_cert, other_key))).await {
        Ok(ch) => schema(ch).await.is_err(),
        Err(_) => true,
    };
    assert!(refused, "a client with a different certificate got in");

    // No certificate at all: refused.
    let refused = match tls_channel(&plugin, None).await {
        Ok(ch) => schema(ch).await.is_err(),
        Err(_) => true,
    };
    assert!(refused, "a client without a certificate got in");

    // Plaintext against a TLS server: refused.
    let plain = plain_channel(&plugin).await;
    assert!(
        schema(plain).await.is_err(),
        "plaintext got through a TLS server"
    );

    // StopProvider cancels work but the provider keeps serving.
    let mut client = tfplugin6::provider_client::ProviderClient::new(channel.clone());
    let stop = client
        .stop_provider(tfplugin6::stop_provider::Request {})
        .await
        .expect("StopProvider")
        .into_inner();
    assert_eq!(stop.error, "");
    schema(channel.clone())
        .await
        .expect("still serving after StopProvider");

    // GRPCController.Shutdown ends the process well inside go-plugin's 2 s grace.
    let mut controller = plugin::grpc_controller_client::GrpcControllerClient::new(channel);
    let start = Instant::now();
    let _ = controller.shutdown(plugin::Empty {}).await;
    let status = wait_exit(&mut plugin.child, Duration::from_secs(2));
    assert!(status.is_some(), "still running 2 s after Shutdown");
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(
        !std::path::Path::new(&plugin.socket).exists(),
        "socket left behind"
    );
}

#[tokio::test]
async fn plaintext_when_the_host_disables_tls() {
    let mut plugin = start_plugin(None);
    assert!(
        plugin.server_cert.is_none(),
        "no certificate field without PLUGIN_CLIENT_CERT"
    );
    let channel = plain_channel(&plugin).await;
    schema(channel.clone())
        .await
        .expect("plaintext GetProviderSchema");

    // Unimplemented RPCs answer Unimplemented, which the hosts tolerate.
    let mut stdio = plugin::grpc_stdio_client::GrpcStdioClient::new(channel.clone());
    let _stream = stdio.stream_stdio(()).await.expect("stdio stream opens");

    // SIGINT (Ctrl-C reaches the whole process group) does not kill a managed provider.
    let _ = Command::new("kill")
        .args(["-INT", &plugin.child.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        plugin.child.try_wait().expect("poll").is_none(),
        "SIGINT killed the provider"
    );
    schema(channel.clone()).await.expect("serving after SIGINT");

    let mut controller = plugin::grpc_controller_client::GrpcControllerClient::new(channel);
    let _ = controller.shutdown(plugin::Empty {}).await;
    assert!(wait_exit(&mut plugin.child, Duration::from_secs(2)).is_some());
}

/// Starts the provider from an `sh` that is its parent, as OpenTofu is, and returns the `sh`,
/// the provider's pid and the provider's first line on stdout.
fn start_plugin_under_sh(args: &str) -> (Child, u32, String) {
    let mut sh = Command::new("sh")
        .args([
            "-c",
            &format!("\"$0\" {args} 2>/dev/null & echo \"pid $!\"; wait"),
            env!("CARGO_BIN_EXE_terraform-provider-fargate"),
        ])
        .env(go_plugin::COOKIE.0, go_plugin::COOKIE.1)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sh");
    let mut lines = BufReader::new(sh.stdout.take().expect("stdout")).lines();
    let (mut pid, mut first) = (None, None);
    while pid.is_none() || first.is_none() {
        let line = lines.next().expect("a line").expect("read");
        match line.strip_prefix("pid ") {
            Some(p) => pid = Some(p.parse().expect("pid")),
            None => first = first.or(Some(line)),
        }
    }
    // Keep reading so the provider never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (sh, pid.expect("pid"), first.expect("first line"))
}

/// Whether `pid` still runs; a zombie does not (an adoptive init may be slow to reap it).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next());
        !matches!(state, Some('Z' | 'X'))
    })
}

fn kill(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status();
}

#[test]
fn exits_when_the_host_is_killed() {
    let (mut sh, pid, handshake) = start_plugin_under_sh("");
    assert!(handshake.starts_with("1|6|unix|"), "{handshake:?}");
    assert!(running(pid));

    sh.kill().expect("SIGKILL the host");
    let _ = sh.wait();
    let killed = Instant::now();
    while running(pid) && killed.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let gone = !running(pid);
    if !gone {
        kill(pid, "-KILL");
    }
    assert!(gone, "provider {pid} still running 5 s after its host died");
}

#[test]
fn debug_mode_outlives_the_shell_that_started_it() {
    let (mut sh, pid, banner) = start_plugin_under_sh("--debug");
    assert!(
        banner.starts_with("Provider started in debug mode"),
        "{banner:?}"
    );

    sh.kill().expect("SIGKILL the shell");
    let _ = sh.wait();
    std::thread::sleep(Duration::from_millis(1500));
    let alive = running(pid);
    // Ctrl-C ends a debug-mode provider.
    kill(pid, "-INT");
    let stopped = Instant::now();
    while running(pid) && stopped.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if running(pid) {
        kill(pid, "-KILL");
    }
    assert!(
        alive,
        "a debug-mode provider exited with the shell that started it"
    );
}
