//! Logs as hclog JSON lines on stderr, which go-plugin parses so that `TF_LOG` / `TF_LOG_PROVIDER`
//! show them at the right level. Stdout is reserved for the handshake line.

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::{EnvFilter, Registry};

/// Installs the stderr logger. The level comes from `TF_LOG_PROVIDER`, then `TF_LOG`
/// (Terraform's names, plus `json`/`off`), defaulting to warnings.
pub fn init_logging() {
    let level = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("TF_LOG").ok().filter(|v| !v.is_empty()))
        .map(|v| v.to_ascii_lowercase())
        .unwrap_or_else(|| "warn".to_owned());
    let directive = match level.as_str() {
        "trace" | "json" => "trace",
        "debug" => "debug",
        "info" => "info",
        "error" => "error",
        "off" => "off",
        _ => "warn",
    };
    // Dependencies (hyper, h2, rustls, the AWS SDK) are chatty at trace; keep them at debug.
    let filter = EnvFilter::new(format!(
        "{directive},h2=info,hyper=info,tonic=info,hyper_util=info,tower=info,rustls=info,aws_smithy_runtime=info,aws_smithy_runtime_api=info,aws_config=info"
    ));
    let _ = Registry::default().with(filter).with(HclogLayer).try_init();
}

/// Writes each event as one JSON object with string `@level`, `@message`, `@timestamp`,
/// `@module` and the event's fields.
struct HclogLayer;

impl<S: Subscriber> Layer<S> for HclogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = FieldCollector::default();
        event.record(&mut fields);
        let line = hclog_line(
            *event.metadata().level(),
            &fields.message,
            event.metadata().target(),
            &fields.fields,
        );
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(line.as_bytes());
    }
}

fn hclog_line(
    level: Level,
    message: &str,
    target: &str,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let mut obj = serde_json::Map::new();
    let level = match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    };
    obj.insert("@level".into(), level.into());
    obj.insert("@message".into(), message.into());
    obj.insert(
        "@module".into(),
        "provider.terraform-provider-fargate".into(),
    );
    obj.insert("@timestamp".into(), timestamp().into());
    obj.insert("target".into(), target.into());
    for (k, v) in fields {
        // Keys starting with '@' are hclog's own; never let a field shadow them.
        let key = if k.starts_with('@') {
            format!("field{k}")
        } else {
            k.clone()
        };
        obj.insert(key, v.clone());
    }
    let mut line = serde_json::Value::Object(obj).to_string();
    line.push('\n');
    line
}

/// hclog's layout, `2006-01-02T15:04:05.000000Z07:00`; other layouts make the host fall back to
/// plain text.
fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    now.format(&format).unwrap_or_default()
}

#[derive(Default)]
struct FieldCollector {
    message: String,
    fields: serde_json::Map<String, serde_json::Value>,
}

impl Visit for FieldCollector {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut s = String::new();
        let _ = write!(s, "{value:?}");
        if field.name() == "message" {
            self.message = s;
        } else {
            self.fields.insert(field.name().to_owned(), s.into());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.fields.insert(field.name().to_owned(), value.into());
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.fields.insert(field.name().to_owned(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.fields.insert(field.name().to_owned(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields.insert(field.name().to_owned(), value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_hclog_json_with_string_keys() {
        let mut fields = serde_json::Map::new();
        fields.insert("@level".into(), 3.into());
        fields.insert("type_name".into(), "fargate_production_service".into());
        let line = hclog_line(Level::DEBUG, "PlanResourceChange", "x", &fields);
        assert!(line.ends_with('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "PlanResourceChange");
        assert_eq!(v["field@level"], 3);
        let ts = v["@timestamp"].as_str().unwrap();
        // 2026-11-22T03:17:30.123456Z
        assert_eq!(ts.len(), 27, "{ts}");
        assert_eq!(&ts[19..20], ".");
    }
}
