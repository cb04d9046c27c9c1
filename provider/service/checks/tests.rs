//! Tests of `check` as a whole: rules of several rooms over one configuration, in the order the
//! user sees them, and unknown inputs.

use super::*;
use crate::value::AttributePath;

fn path(parts: &[&str]) -> AttributePath {
    shared::path(parts)
}

#[test]
fn listener_and_policy_rules_in_a_configuration() {
    let listener = |lb: &str, id: &str| {
        Value::string(format!(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/{lb}/{id}"
        ))
    };
    let config = |prod: Value, test: Value, policy: Value, secret: &str| {
        Value::object([
            ("task_role_policy_json", policy),
            (
                "container",
                Value::object([
                    ("port", Value::int(8080)),
                    (
                        "secrets",
                        Value::Map([("DB".to_owned(), Value::string(secret))].into()),
                    ),
                ]),
            ),
            (
                "load_balancer",
                Value::object([
                    ("production_listener_arn", prod),
                    ("test_listener_arn", test),
                    ("deregistration_delay", Value::int(30)),
                ]),
            ),
        ])
    };
    let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
    let prod = listener("app/edge/50dc6c495c0c9188", "f2f7dc8efc522ab2");
    let summaries = |d: Diagnostics| {
        d.0.into_iter()
            .map(|d| (d.summary, d.attribute))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        summaries(check(&config(
            prod.clone(),
            listener("app/edge/50dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
            Value::Null,
            secret
        ))),
        []
    );
    assert_eq!(
        summaries(check(&config(
            prod.clone(),
            listener("app/other/60dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
            Value::string("{not json"),
            &secret.replace("123456789012", "210987654321"),
        ))),
        [
            (
                "Secret in another account or Region".to_owned(),
                Some(path(&["container", "secrets"]).join_key("DB"))
            ),
            (
                "Listeners on different load balancers".to_owned(),
                Some(path(&["load_balancer", "test_listener_arn"]))
            ),
            (
                "Invalid task role policy".to_owned(),
                Some(path(&["task_role_policy_json"]))
            ),
        ]
    );
    let nlb = check(&config(
        prod.clone(),
        listener("net/edge/50dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
        Value::unknown(),
        secret,
    ));
    assert_eq!(nlb.0.len(), 1, "{nlb:?}");
    assert!(
        nlb.0[0].detail.contains("Network Load Balancer"),
        "{:?}",
        nlb.0[0]
    );
    assert!(
        nlb.0[0].detail.contains("listener/app/<lb-name>"),
        "{:?}",
        nlb.0[0]
    );
}

#[test]
fn unknown_inputs_never_error() {
    let config = Value::object([
        ("name", Value::unknown()),
        (
            "task",
            Value::object([("cpu", Value::unknown()), ("memory", Value::int(3))]),
        ),
        ("container", Value::unknown()),
        ("load_balancer", Value::unknown()),
        (
            "autoscaling",
            Value::object([("min", Value::unknown()), ("max", Value::int(2))]),
        ),
    ]);
    let diags = check(&config);
    assert!(!diags.has_errors(), "{diags:?}");
}
