//! Serving one plugin process: listen on a private unix socket, print the handshake line,
//! serve until the host calls Shutdown or is gone.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use tokio::net::UnixListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tracing::{info, warn};

use crate::tfplugin::proto::plugin as pb;
use crate::tfplugin::{ProviderService, StopHandle};

use super::handshake::{handshake_line, negotiate_protocol};
use super::services::{Controller, Stdio};
use super::{AutoMtls, PluginError};

/// How this process was started.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Started by a developer rather than by Terraform: plaintext, stays up until Ctrl-C, and
    /// prints the TF_REATTACH_PROVIDERS value instead of the handshake line.
    pub debug: bool,
    /// The provider's source address, the key of TF_REATTACH_PROVIDERS in debug mode.
    pub provider_address: String,
}

/// How long in-flight requests get to finish after Shutdown before the process exits anyway;
/// go-plugin kills the process after 2 s.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1500);

/// How often the process checks that its host is still there; with the grace above, it exits
/// within about 2 s of the host's death.
const HOST_POLL: Duration = Duration::from_millis(500);

/// A private directory for the socket, removed when dropped.
struct SocketDir(PathBuf);

impl SocketDir {
    fn create() -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        for attempt in 0..16u32 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let dir = base.join(format!("tpf-{}-{nanos:x}-{attempt}", std::process::id()));
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(Self(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("could not create a socket directory"))
    }
}

impl Drop for SocketDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Serves `service` until the host asks the process to exit or dies (or, in debug mode, until
/// Ctrl-C).
pub async fn serve(service: ProviderService, options: ServeOptions) -> Result<(), PluginError> {
    let shutdown = CancellationToken::new();
    watch_interrupts(options.debug, shutdown.clone());
    if !options.debug {
        watch_host(service.stop_handle(), shutdown.clone());
    }

    let protocol = negotiate_protocol(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref());
    let client_cert = std::env::var("PLUGIN_CLIENT_CERT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    let tls = match (&client_cert, options.debug) {
        (Some(pem), false) => Some(AutoMtls::new(pem)?),
        _ => None,
    };

    let dir = SocketDir::create().map_err(PluginError::Listen)?;
    let socket = dir.0.join("plugin.sock");
    let listener = UnixListener::bind(&socket).map_err(PluginError::Listen)?;
    let address = socket.display().to_string();

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;

    let router = Server::builder()
        .add_service(health_service)
        .add_service(pb::grpc_controller_server::GrpcControllerServer::new(
            Controller {
                shutdown: shutdown.clone(),
            },
        ))
        .add_service(pb::grpc_stdio_server::GrpcStdioServer::new(Stdio {
            shutdown: shutdown.clone(),
        }))
        .add_service(service.into_server());

    if options.debug {
        print_reattach_instructions(&options.provider_address, protocol, &address);
    } else {
        let line = handshake_line(
            protocol,
            "unix",
            &address,
            tls.as_ref().map(|t| t.server_cert_b64.as_str()),
        );
        let mut stdout = std::io::stdout().lock();
        // If the host is gone there is nobody to serve; the error surfaces as the host's.
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    }
    info!(%address, tls = tls.is_some(), "serving");

    let stop = shutdown.clone();
    let server = async move {
        match tls {
            Some(tls) => {
                let incoming = tls_incoming(listener, tls, stop.clone());
                router
                    .serve_with_incoming_shutdown(incoming, stop.cancelled_owned())
                    .await
            }
            None => {
                let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener);
                router
                    .serve_with_incoming_shutdown(incoming, stop.cancelled_owned())
                    .await
            }
        }
    };
    tokio::select! {
        result = server => result?,
        () = async { shutdown.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            warn!("in-flight requests did not finish after shutdown; exiting anyway");
        }
    }
    drop(dir);
    Ok(())
}

/// Accepts connections and completes the TLS handshake off the accept loop; connections that
/// fail it (a client without the host's certificate) are dropped.
fn tls_incoming(
    listener: UnixListener,
    tls: AutoMtls,
    shutdown: CancellationToken,
) -> tokio_stream::wrappers::ReceiverStream<
    std::io::Result<tokio_rustls::server::TlsStream<tokio::net::UnixStream>>,
> {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.server_config);
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = shutdown.cancelled() => break,
                accepted = listener.accept() => accepted,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    warn!(error = %e, "accept failed");
                    continue;
                }
            };
            let acceptor = acceptor.clone();
            let sender = sender.clone();
            tokio::spawn(async move {
                match acceptor.accept(stream).await {
                    Ok(tls_stream) => {
                        let _ = sender.send(Ok(tls_stream)).await;
                    }
                    Err(e) => warn!(error = %e, "TLS handshake refused"),
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}

/// SIGINT reaches the whole process group when a user presses Ctrl-C; Terraform then calls
/// StopProvider, so the provider must not die of it. In debug mode Ctrl-C ends the server.
fn watch_interrupts(debug: bool, shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::interrupt()) {
        Ok(mut interrupts) => {
            tokio::spawn(async move {
                while interrupts.recv().await.is_some() {
                    if debug {
                        shutdown.cancel();
                        break;
                    }
                    info!("ignoring SIGINT; OpenTofu/Terraform will call StopProvider");
                }
            });
        }
        Err(e) => warn!(error = %e, "could not install the SIGINT handler"),
    }
}

/// A host that is killed (SIGKILL, out of memory) never calls Shutdown, and the provider would
/// go on serving nobody, with its AWS calls in flight. go-plugin hosts start plugins as their
/// own children, so a change of parent (the orphan is adopted by init or a subreaper) means the
/// host is gone: stop the in-flight operations as StopProvider would, and shut down. Standard
/// input tells nothing: go-plugin passes the host's own stdin on, which outlives the host, and
/// reading it would take the user's answers to the host's prompts.
///
/// Not in debug mode: there the parent is a developer's shell or debugger and the host attaches
/// from elsewhere, so the parent says nothing about the host.
fn watch_host(stop: StopHandle, shutdown: CancellationToken) {
    use std::os::unix::process::parent_id;
    let host = parent_id();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(HOST_POLL);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let parent = parent_id();
            if parent != host {
                warn!(
                    host,
                    parent, "the host process is gone; stopping in-flight operations and exiting"
                );
                stop.stop();
                shutdown.cancel();
                return;
            }
        }
    });
}

fn print_reattach_instructions(provider_address: &str, protocol: u32, address: &str) {
    let reattach = serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": protocol,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": "unix", "String": address },
        }
    });
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "Provider started in debug mode. To attach OpenTofu or Terraform, set in their environment:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n\nPress Ctrl-C to stop."
    );
    let _ = stdout.flush();
}
