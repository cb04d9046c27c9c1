//! The facts against AWS's API models: which models they name, and every disagreement with
//! them (what `tests/aws_facts.rs` runs on the pinned botocore models).

use serde_json::Value as Json;

use super::{ENUMS, ModelShape, NAME_LENGTHS, RANGES};

/// The services whose models the facts name, for a caller that loads them.
pub fn model_services() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = RANGES
        .iter()
        .filter_map(|(_, r)| r.model)
        .chain(ENUMS.iter().filter_map(|(_, e)| e.model))
        .chain(NAME_LENGTHS.iter().filter_map(|(_, n)| n.model))
        .map(|m| m.service)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Models by botocore service name: each its `shapes` object.
pub type Models = std::collections::BTreeMap<String, Json>;

fn model_shape(models: &Models, m: ModelShape) -> Result<&Json, String> {
    models
        .get(m.service)
        .and_then(|shapes| shapes.get(m.shape))
        .ok_or_else(|| format!("the {} model has no shape {}", m.service, m.shape))
}

/// Every disagreement between the facts and the models, one line each.
pub fn disagreements(models: &Models) -> Vec<String> {
    let mut out = Vec::new();
    for (name, r) in RANGES {
        let Some(m) = r.model else { continue };
        match model_shape(models, m) {
            Ok(s) => {
                let (min, max) = (
                    s.get("min").and_then(Json::as_i64),
                    s.get("max").and_then(Json::as_i64),
                );
                if min != Some(r.min) || max != Some(r.max) {
                    out.push(format!(
                        "{name}: {}..{} here, {}.{} says {:?}..{:?}",
                        r.min, r.max, m.service, m.shape, min, max
                    ));
                }
            }
            Err(e) => out.push(format!("{name}: {e}")),
        }
    }
    for (name, e) in ENUMS {
        let Some(m) = e.model else { continue };
        match model_shape(models, m) {
            Ok(s) => {
                let model: Vec<&str> = s
                    .get("enum")
                    .and_then(Json::as_array)
                    .map(|v| v.iter().filter_map(Json::as_str).collect())
                    .unwrap_or_default();
                let unknown: Vec<&&str> = e.values.iter().filter(|v| !model.contains(v)).collect();
                let missing: Vec<&&str> = model.iter().filter(|v| !e.values.contains(v)).collect();
                if !unknown.is_empty() {
                    out.push(format!(
                        "{name}: {unknown:?} not in {}.{} {model:?}",
                        m.service, m.shape
                    ));
                }
                if !e.subset && !missing.is_empty() {
                    out.push(format!(
                        "{name}: {}.{} also has {missing:?}",
                        m.service, m.shape
                    ));
                }
            }
            Err(err) => out.push(format!("{name}: {err}")),
        }
    }
    for (name, n) in NAME_LENGTHS {
        let Some(m) = n.model else { continue };
        match model_shape(models, m) {
            Ok(s) => {
                let max = s.get("max").and_then(Json::as_i64);
                if max != i64::try_from(n.max).ok() {
                    out.push(format!(
                        "{name}: at most {} here, {}.{} says {max:?}",
                        n.max, m.service, m.shape
                    ));
                }
            }
            Err(e) => out.push(format!("{name}: {e}")),
        }
    }
    out
}
