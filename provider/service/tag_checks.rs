//! Tags as AWS takes them (facts.rs: the models' `TagKey`, `TagValue` and tag list limits):
//! every child carries the service's tags, so a tag AWS refuses would fail the apply halfway,
//! at the first child created. The resource's `tags` and the provider's `default_tags` are
//! checked with the same rules, each at its own attribute.

use std::collections::BTreeMap;

use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

use super::expand::{DRAIN_TIMEOUT_TAG, OWNER_TAG};
use super::facts::{TAG_KEY, TAG_VALUE, TAGS_PER_RESOURCE, tag_character_allowed};

/// Tags the provider puts on children itself, which a user's tag may not replace.
const PROVIDER_TAGS: [&str; 2] = [OWNER_TAG, DRAIN_TIMEOUT_TAG];

/// What is wrong with one tag, if anything.
pub fn tag_problem(key: &str, value: &str) -> Option<String> {
    if key.is_empty() || key.chars().count() > TAG_KEY.max {
        return Some(format!(
            "A tag key has 1 to {} characters; {key:?} has {}.",
            TAG_KEY.max,
            key.chars().count()
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Some(format!(
            "Tag keys starting with \"aws:\" are reserved for AWS; rename {key:?}."
        ));
    }
    if PROVIDER_TAGS.contains(&key) {
        return Some(format!(
            "{key:?} is the tag this provider sets on every child to find it again; use another key."
        ));
    }
    if value.chars().count() > TAG_VALUE.max {
        return Some(format!(
            "The value of tag {key:?} has {} characters; AWS takes at most {}.",
            value.chars().count(),
            TAG_VALUE.max
        ));
    }
    let bad = |s: &str| s.chars().find(|c| !tag_character_allowed(*c));
    if let Some(c) = bad(key).or_else(|| bad(value)) {
        return Some(format!(
            "Tag {key:?} holds {c:?}: tag keys and values take letters, digits, spaces and _ . : / = + - @ only."
        ));
    }
    None
}

/// The most tags a configuration may set: AWS's limit less the provider's own.
pub fn max_user_tags() -> usize {
    usize::try_from(TAGS_PER_RESOURCE.max).unwrap_or(0) - PROVIDER_TAGS.len()
}

/// Errors for the tags of a map at `at` (unknown keys or values are left alone).
pub fn check_map(tags: &Value, at: &AttributePath) -> Diagnostics {
    let mut out = Diagnostics::new();
    let Some(entries) = tags.entries() else {
        return out;
    };
    for (key, value) in entries {
        let Some(value) = value.as_str() else {
            continue;
        };
        if let Some(problem) = tag_problem(key, value) {
            out.push(Diagnostic::error("Invalid tag", problem).at(at.join_key(key)));
        }
    }
    if entries.len() > max_user_tags() {
        out.push(
            Diagnostic::error(
                "Too many tags",
                format!(
                    "{} tags are set; AWS takes {} a resource, and this provider adds {} of its own, so at most {} \
                     fit (together with the provider's default_tags).",
                    entries.len(),
                    TAGS_PER_RESOURCE.max,
                    PROVIDER_TAGS.len(),
                    max_user_tags()
                ),
            )
            .at(at.clone()),
        );
    }
    out
}

/// The resource's `tags`.
pub fn check(config: &Value) -> Diagnostics {
    check_map(config.get("tags"), &AttributePath::attr("tags"))
}

/// The tags a child gets (the provider's default tags, then the resource's) stay within
/// AWS's count: for the plan, where both are known.
pub fn check_merged(default_tags: &BTreeMap<String, String>, config: &Value) -> Diagnostics {
    let own = config.get("tags").entries();
    if own.is_some_and(|t| t.len() > max_user_tags()) {
        // `check` reports the resource's tags alone already.
        return Diagnostics::new();
    }
    let mut keys: Vec<&str> = default_tags.keys().map(String::as_str).collect();
    if let Some(entries) = own {
        keys.extend(entries.keys().map(String::as_str));
    }
    keys.sort_unstable();
    keys.dedup();
    if keys.len() <= max_user_tags() {
        return Diagnostics::new();
    }
    Diagnostic::error(
        "Too many tags",
        format!(
            "default_tags and tags make {} distinct tags; AWS takes {} a resource and this provider adds {} of its \
             own, so at most {} fit.",
            keys.len(),
            TAGS_PER_RESOURCE.max,
            PROVIDER_TAGS.len(),
            max_user_tags()
        ),
    )
    .at(AttributePath::attr("tags"))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(entries: &[(&str, &str)]) -> Value {
        Value::Map(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::string(*v)))
                .collect(),
        )
    }

    #[test]
    fn valid_tags_at_the_edges_pass() {
        let key = "k".repeat(TAG_KEY.max);
        let value = "v".repeat(TAG_VALUE.max);
        let config = Value::object([(
            "tags",
            tags(&[
                (&key, &value),
                ("team", ""),
                ("k8s.io/name", "a b+c=d@e:f_g-h"),
            ]),
        )]);
        assert!(check(&config).is_empty(), "{:?}", check(&config));
    }

    #[test]
    fn each_invalid_tag_is_an_error_at_its_key() {
        let long_key = "k".repeat(TAG_KEY.max + 1);
        let long_value = "v".repeat(TAG_VALUE.max + 1);
        for (key, value, says) in [
            (long_key.as_str(), "x", "1 to 128 characters"),
            ("team", long_value.as_str(), "at most 256"),
            ("aws:team", "x", "reserved"),
            ("AWS:team", "x", "reserved"),
            (OWNER_TAG, "x", "to find it again"),
            ("team<1>", "x", "'<'"),
            ("team", "a;b", "';'"),
        ] {
            let config = Value::object([("tags", tags(&[(key, value)]))]);
            let d = check(&config);
            assert_eq!(d.0.len(), 1, "{key}: {d:?}");
            assert!(d.0[0].detail.contains(says), "{key}: {}", d.0[0].detail);
            assert_eq!(
                d.0[0].attribute,
                Some(AttributePath::attr("tags").join_key(key))
            );
        }
    }

    #[test]
    fn more_tags_than_fit_beside_the_providers_own_is_an_error() {
        let names: Vec<String> = (0..=max_user_tags()).map(|i| format!("t{i}")).collect();
        let entries: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
        let d = check(&Value::object([("tags", tags(&entries))]));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].summary, "Too many tags");
        let fits = check(&Value::object([("tags", tags(&entries[1..]))]));
        assert!(fits.is_empty(), "{fits:?}");
        let defaults: BTreeMap<String, String> = [("extra".to_owned(), "x".to_owned())].into();
        let merged = check_merged(&defaults, &Value::object([("tags", tags(&entries[1..]))]));
        assert_eq!(merged.0.len(), 1, "{merged:?}");
        // Too many on the resource alone is `check`'s to say, once.
        let alone = check_merged(&defaults, &Value::object([("tags", tags(&entries))]));
        assert!(alone.is_empty(), "{alone:?}");
    }
}
