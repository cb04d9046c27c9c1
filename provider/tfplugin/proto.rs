//! Generated tfplugin6 and go-plugin bindings (build.rs), and conversions between them and
//! the crate's own value, path and diagnostic types.

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod plugin {
    tonic::include_proto!("plugin");
}

use crate::value::{
    AttributePath, CodecError, PathStep, Type, Value, decode_json, decode_msgpack, encode_msgpack,
};

use super::{Diagnostic, Severity};

/// Decodes a DynamicValue: msgpack when present, else JSON, else null (as the hosts do).
pub fn decode_dynamic(
    dv: Option<&tfplugin6::DynamicValue>,
    ty: &Type,
) -> Result<Value, CodecError> {
    match dv {
        Some(dv) if !dv.msgpack.is_empty() => decode_msgpack(&dv.msgpack, ty),
        Some(dv) if !dv.json.is_empty() => decode_json(&dv.json, ty),
        _ => Ok(Value::Null),
    }
}

/// Always answers in msgpack, as the protocol asks of servers.
pub fn encode_dynamic(value: &Value, ty: &Type) -> Result<tfplugin6::DynamicValue, CodecError> {
    Ok(tfplugin6::DynamicValue {
        msgpack: encode_msgpack(value, ty)?,
        json: Vec::new(),
    })
}

pub fn path_to_proto(path: &AttributePath) -> tfplugin6::AttributePath {
    use tfplugin6::attribute_path::{Step, step::Selector};
    tfplugin6::AttributePath {
        steps: path
            .steps
            .iter()
            .map(|s| Step {
                selector: Some(match s {
                    PathStep::Attribute(n) => Selector::AttributeName(n.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

pub fn diagnostic_to_proto(d: &Diagnostic) -> tfplugin6::Diagnostic {
    use tfplugin6::diagnostic::Severity as S;
    tfplugin6::Diagnostic {
        severity: match d.severity {
            Severity::Error => S::Error as i32,
            Severity::Warning => S::Warning as i32,
        },
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d
            .attribute
            .as_ref()
            .filter(|p| !p.is_root())
            .map(path_to_proto),
    }
}

pub fn diagnostics_to_proto<'a>(
    ds: impl IntoIterator<Item = &'a Diagnostic>,
) -> Vec<tfplugin6::Diagnostic> {
    ds.into_iter().map(diagnostic_to_proto).collect()
}

/// A value Terraform sent that does not fit the schema: a provider/host mismatch, reported as
/// an error diagnostic at the offending path rather than a transport failure.
pub fn codec_diagnostic(what: &str, e: &CodecError) -> Diagnostic {
    Diagnostic::error(
        format!("Invalid {what}"),
        format!("The provider could not decode the {what}: {}", e.message),
    )
    .at(e.path.clone())
}
