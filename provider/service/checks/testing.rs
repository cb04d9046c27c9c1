//! What the rules' unit tests share: configurations written as dotted paths and values, and the
//! diagnostics reduced to what a user sees of them (severity, summary, attribute path).

use std::collections::BTreeMap;

use crate::tfplugin::Severity;
use crate::value::{Number, Value};

use super::shared::Checker;

/// A diagnostic as the user sees it: `("error", summary, "container.health_check.timeout")`.
pub(super) type Seen = (&'static str, String, String);

/// What `rules` report on `c`, in order.
pub(super) fn seen(c: &Value, rules: impl FnOnce(&mut Checker, &Value)) -> Vec<Seen> {
    let mut checker = Checker::default();
    rules(&mut checker, c);
    checker
        .diags
        .into_iter()
        .map(|d| {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let at = d.attribute.as_ref().map(ToString::to_string);
            (severity, d.summary, at.unwrap_or_default())
        })
        .collect()
}

/// What `rules` report on the configuration `fields` make (see `config`).
pub(super) fn run(rules: impl FnOnce(&mut Checker, &Value), fields: &[(&str, Value)]) -> Vec<Seen> {
    seen(&config(fields), rules)
}

pub(super) fn error(summary: &str, at: &str) -> Seen {
    ("error", summary.to_owned(), at.to_owned())
}

pub(super) fn warning(summary: &str, at: &str) -> Seen {
    ("warning", summary.to_owned(), at.to_owned())
}

/// A configuration from `(dotted path, value)` pairs: `[("task.cpu", int(256))]` is
/// `{ task = { cpu = 256 } }`. Blocks a path passes through are created as objects.
pub(super) fn config(fields: &[(&str, Value)]) -> Value {
    let mut root = BTreeMap::new();
    for (at, v) in fields {
        let steps: Vec<&str> = at.split('.').collect();
        insert(&mut root, &steps, v.clone());
    }
    Value::Object(root)
}

fn insert(map: &mut BTreeMap<String, Value>, steps: &[&str], v: Value) {
    match steps {
        [] => {}
        [last] => {
            map.insert((*last).to_owned(), v);
        }
        [first, rest @ ..] => {
            let inner = map
                .entry((*first).to_owned())
                .or_insert_with(|| Value::Object(BTreeMap::new()));
            match inner {
                Value::Object(inner) => insert(inner, rest, v),
                other => panic!("{first} is {other:?}, not a block"),
            }
        }
    }
}

pub(super) fn int(n: i64) -> Value {
    Value::int(n)
}

/// A number that is not whole (whole numbers are `int`, as cty decodes them).
pub(super) fn num(n: f64) -> Value {
    Value::Number(Number::Float(n))
}

pub(super) fn s(text: &str) -> Value {
    Value::string(text)
}

pub(super) fn list(items: Vec<Value>) -> Value {
    Value::List(items)
}

pub(super) fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| Value::string(*i)).collect())
}

pub(super) fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

/// An object (a block) from `(dotted path, value)` pairs, like `config`.
pub(super) fn block(fields: &[(&str, Value)]) -> Value {
    config(fields)
}
