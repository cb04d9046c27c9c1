//! The go-plugin transport Terraform and OpenTofu launch providers with: the handshake line,
//! AutoMTLS, the controller/stdio/health services and the serve loop. Nothing here knows what
//! the provider does.

mod handshake;
mod logging;
mod serve;
mod services;
mod tls;

pub use handshake::{
    MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, NOT_A_PLUGIN_MESSAGE, negotiate_protocol,
};
pub use logging::init_logging;
pub use serve::{ServeOptions, serve};
pub use tls::{AutoMtls, ClientCertPin};

/// Why the plugin could not start serving.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error(
        "the host offers plugin protocol versions {offered:?}, but this provider speaks only 6"
    )]
    NoCommonProtocol { offered: String },
    #[error("invalid PLUGIN_CLIENT_CERT: {0}")]
    ClientCert(String),
    #[error("could not create the TLS server certificate: {0}")]
    ServerCert(String),
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
    #[error("could not listen: {0}")]
    Listen(std::io::Error),
    #[error("gRPC server: {0}")]
    Serve(#[from] tonic::transport::Error),
}
