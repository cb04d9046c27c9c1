//! The go-plugin handshake: the magic cookie guard and the one line on stdout that tells the
//! host where and how to connect.

/// Set by the host; its absence means a person ran the binary.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

pub const NOT_A_PLUGIN_MESSAGE: &str = "This binary is a plugin for OpenTofu and Terraform. It is not meant to be run \
directly: put it where `tofu init` finds providers (or in a dev_overrides block), and OpenTofu or \
Terraform will start it. To start it by hand for debugging, run it with --debug.";

/// The tfplugin major version this provider speaks.
pub const PROTOCOL_VERSION: u32 = 6;
/// go-plugin's own core protocol version, the first field of the handshake line.
const CORE_PROTOCOL_VERSION: u32 = 1;

/// Picks the app protocol from `PLUGIN_PROTOCOL_VERSIONS` (e.g. "5,6"). When the host does not
/// offer 6 we still answer 6, so that the host reports the mismatch in its own words.
pub fn negotiate_protocol(offered: Option<&str>) -> u32 {
    match offered {
        Some(list)
            if !list
                .split(',')
                .any(|v| v.trim() == PROTOCOL_VERSION.to_string()) =>
        {
            tracing::warn!(offered = list, "host does not offer protocol 6");
            PROTOCOL_VERSION
        }
        _ => PROTOCOL_VERSION,
    }
}

/// `1|6|unix|/tmp/plugin…|grpc|<base64 DER, no padding>`; the last field is empty without TLS.
pub fn handshake_line(
    protocol: u32,
    network: &str,
    address: &str,
    server_cert_b64: Option<&str>,
) -> String {
    format!(
        "{CORE_PROTOCOL_VERSION}|{protocol}|{network}|{address}|grpc|{}",
        server_cert_b64.unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_line_has_the_six_fields_go_plugin_parses() {
        let line = handshake_line(6, "unix", "/tmp/plugin1", Some("MIIB"));
        assert_eq!(line, "1|6|unix|/tmp/plugin1|grpc|MIIB");
        assert_eq!(
            handshake_line(6, "unix", "/tmp/p", None),
            "1|6|unix|/tmp/p|grpc|"
        );
    }

    #[test]
    fn always_answers_protocol_6() {
        assert_eq!(negotiate_protocol(Some("5,6")), 6);
        assert_eq!(negotiate_protocol(Some("6")), 6);
        assert_eq!(negotiate_protocol(None), 6);
        assert_eq!(negotiate_protocol(Some("5")), 6);
    }
}
