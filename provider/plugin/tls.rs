//! AutoMTLS as go-plugin does it: the host passes its client certificate in
//! `PLUGIN_CLIENT_CERT`; the plugin makes a fresh server certificate for `localhost`, sends it
//! in the handshake line, and lets in only a client that presents the host's certificate.

use std::sync::Arc;

use base64::Engine;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};

use super::PluginError;

/// The TLS side of one plugin process.
pub struct AutoMtls {
    pub server_config: Arc<rustls::ServerConfig>,
    /// The server certificate as the handshake line carries it: base64 of the DER, no padding.
    pub server_cert_b64: String,
}

impl AutoMtls {
    /// Builds the server side for a host whose client certificate is `client_cert_pem`.
    pub fn new(client_cert_pem: &str) -> Result<Self, PluginError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let pin =
            ClientCertPin::from_pem(client_cert_pem, provider.signature_verification_algorithms)?;
        let (cert, key) = server_certificate()?;
        let server_cert_b64 =
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert.as_ref());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(Arc::new(pin))
            .with_single_cert(vec![cert], key)?;
        // grpc-go refuses TLS servers that do not negotiate h2.
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Self {
            server_config: Arc::new(config),
            server_cert_b64,
        })
    }
}

/// A self-signed certificate valid for `localhost`, usable as its own root (the host puts it
/// in its root pool), the way go-plugin's own servers make theirs.
fn server_certificate() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), PluginError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName as Dn, DnType,
        ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
    };
    let err = |e: rcgen::Error| PluginError::ServerCert(e.to_string());
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(err)?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).map_err(err)?;
    let mut dn = Dn::new();
    dn.push(DnType::CommonName, "localhost");
    dn.push(DnType::OrganizationName, "terraform-provider-fargate");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::days(30);
    let cert = params.self_signed(&key).map_err(err)?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key_der))
}

/// Accepts exactly one client certificate, the host's, and checks the client proves it holds
/// the key. go-plugin's certificates are self-signed CAs, which WebPKI path building refuses
/// as end-entity certificates, so the certificate is pinned instead of chain-verified.
#[derive(Debug)]
pub struct ClientCertPin {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertPin {
    pub fn from_pem(pem: &str, algorithms: WebPkiSupportedAlgorithms) -> Result<Self, PluginError> {
        let mut reader = pem.as_bytes();
        let expected = rustls_pemfile::certs(&mut reader)
            .next()
            .ok_or_else(|| PluginError::ClientCert("no PEM certificate found".to_owned()))?
            .map_err(|e| PluginError::ClientCert(e.to_string()))?;
        Ok(Self {
            expected,
            algorithms,
        })
    }

    /// The algorithm set of the default crypto provider (aws-lc-rs: includes P-521, which
    /// go-plugin's client certificates use).
    pub fn default_algorithms() -> WebPkiSupportedAlgorithms {
        let provider: CryptoProvider = rustls::crypto::aws_lc_rs::default_provider();
        provider.signature_verification_algorithms
    }
}

impl ClientCertVerifier for ClientCertPin {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!("refused a TLS client that did not present the host's certificate");
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_certificate_field_is_unpadded_base64_of_der() {
        let pem = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .map(|c| c.cert.pem())
            .unwrap();
        let tls = AutoMtls::new(&pem).unwrap();
        assert!(!tls.server_cert_b64.ends_with('='));
        // go-plugin ignores the field unless it is longer than 50 characters.
        assert!(tls.server_cert_b64.len() > 50);
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&tls.server_cert_b64)
            .unwrap();
        assert_eq!(der[0], 0x30, "a DER SEQUENCE");
        assert_eq!(tls.server_config.alpn_protocols, vec![b"h2".to_vec()]);
    }

    #[test]
    fn p521_signatures_are_verifiable() {
        assert!(
            ClientCertPin::default_algorithms()
                .supported_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
    }

    #[test]
    fn garbage_client_cert_is_an_error() {
        assert!(matches!(
            AutoMtls::new("not a pem"),
            Err(PluginError::ClientCert(_))
        ));
    }
}
