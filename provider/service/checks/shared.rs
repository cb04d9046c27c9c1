//! What every room of the checks shares: the `Checker` that collects diagnostics (each room
//! adds its rules to it as an `impl Checker`), its range helpers, and the small readers of the
//! configuration that several rooms use (the container blocks, the strategy).

use crate::service::facts;
use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

/// Collects the diagnostics of one run of the checks, in the order the rules run.
#[derive(Default)]
pub(super) struct Checker {
    pub(super) diags: Diagnostics,
}

pub(super) fn path(parts: &[&str]) -> AttributePath {
    let mut p = AttributePath::root();
    for part in parts {
        p = p.join_attr(part);
    }
    p
}

pub(super) fn int(v: &Value) -> Option<i64> {
    v.as_i64()
}

pub(super) fn num(v: &Value) -> Option<f64> {
    v.as_number().map(crate::value::Number::as_f64)
}

impl Checker {
    pub(super) fn error(&mut self, at: AttributePath, summary: &str, detail: String) {
        self.diags.push(Diagnostic::error(summary, detail).at(at));
    }

    pub(super) fn warning(&mut self, at: AttributePath, summary: &str, detail: String) {
        self.diags.push(Diagnostic::warning(summary, detail).at(at));
    }

    pub(super) fn range(&mut self, v: &Value, at: &[&str], min: i64, max: i64, what: &str) {
        self.range_at(v, path(at), min, max, what);
    }

    /// A range AWS states (see facts.rs).
    pub(super) fn fact(&mut self, v: &Value, at: &[&str], fact: facts::Range, what: &str) {
        self.range_at(v, path(at), fact.min, fact.max, what);
    }

    /// A container's stop timeout within Fargate's limits ([`facts::STOP_TIMEOUT`]).
    pub(super) fn stop_timeout(&mut self, v: &Value, at: AttributePath) {
        let facts::Range { min, max, .. } = facts::STOP_TIMEOUT;
        if let Some(s) = int(v)
            && !(min..=max).contains(&s)
        {
            self.error(
                at,
                "Stop timeout outside Fargate's limits",
                format!(
                    "Fargate waits at most {max} s between SIGTERM and SIGKILL (and at least {min}); got {s}."
                ),
            );
        }
    }

    pub(super) fn range_at(
        &mut self,
        v: &Value,
        at: AttributePath,
        min: i64,
        max: i64,
        what: &str,
    ) {
        if let Some(n) = int(v)
            && !(min..=max).contains(&n)
        {
            self.error(
                at,
                &format!("Invalid {what}"),
                format!("{what} must be between {min} and {max}; got {n}."),
            );
        }
    }
}

/// Letters, digits, hyphens and underscores, 1 to 255 of them (ECS's container names,
/// [`facts::CONTAINER_NAME`]).
pub(super) fn valid_container_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= facts::CONTAINER_NAME.max
        && n.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
}

/// The application's container block and every sidecar's, each with its path: the rules
/// written for a container hold for all of them.
pub(super) fn container_blocks(c: &Value) -> Vec<(AttributePath, &Value)> {
    let mut out = vec![(AttributePath::attr("container"), c.get("container"))];
    out.extend(sidecars(c));
    out
}

/// The sidecar blocks alone, each with its path, for the rules that apply to them as well as
/// to the application's container (image, secrets, names, ranges).
pub(super) fn sidecars(c: &Value) -> Vec<(AttributePath, &Value)> {
    c.get("sidecar")
        .elements()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| (AttributePath::attr("sidecar").join_index(i), s))
        .collect()
}

/// The strings of a list, each with its index (unknown and null elements left out).
pub(super) fn strings(v: &Value) -> Vec<(usize, &str)> {
    v.elements()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.as_str().map(|s| (i, s)))
        .collect()
}
