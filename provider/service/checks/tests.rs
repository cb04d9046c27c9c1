//! Tests of `check` as a whole: rules of several rooms over one configuration, in the order the
//! user sees them, and unknown inputs.

use super::*;
use crate::value::{AttributePath, PathStep};

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
    let gwlb = check(&config(
        prod.clone(),
        listener("gwy/edge/50dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
        Value::unknown(),
        secret,
    ));
    assert_eq!(gwlb.0.len(), 1, "{gwlb:?}");
    assert!(
        gwlb.0[0].detail.contains("Gateway Load Balancer"),
        "{:?}",
        gwlb.0[0]
    );
    assert!(
        gwlb.0[0].detail.contains("listener/<app|net>/<lb-name>"),
        "{:?}",
        gwlb.0[0]
    );
    // An NLB test listener beside an ALB production listener is on another load balancer.
    let mixed = check(&config(
        prod.clone(),
        listener("net/edge/50dc6c495c0c9188", "3d0c4b8ba5a5b1b1"),
        Value::unknown(),
        secret,
    ));
    assert_eq!(
        summaries(mixed),
        [(
            "Listeners on different load balancers".to_owned(),
            Some(path(&["load_balancer", "test_listener_arn"]))
        )]
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

/// One configuration that every room of the checks has something to say about: `check` runs
/// the rooms in a fixed order, and the user reads the diagnostics in that order (this list
/// was taken from the single checks.rs before the split, and holds the split to it).
#[test]
fn every_room_speaks_in_the_order_check_runs_them() {
    let config = wrong_everywhere();
    let seen: Vec<String> = check(&config)
        .0
        .iter()
        .map(|d| {
            let at = d
                .attribute
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{:?} {} @ {at}", d.severity, d.summary)
        })
        .collect();
    let expected = [
        "Error Invalid Fargate task size @ task.memory",
        "Error Stop timeout outside Fargate's limits @ container.stop_timeout",
        "Warning Mutable image reference @ container.image",
        "Error Secret value is not a secret ARN @ container.secrets[\"DB\"]",
        "Error desired_count below the autoscaling minimum @ desired_count",
        "Warning Tasks with public IPs @ network.assign_public_ip",
        "Error Invalid service name @ name",
        "Error Invalid log retention @ container.log.retention_days",
        "Error Invalid deregistration delay @ load_balancer.deregistration_delay",
        "Error Invalid termination wait (minutes) @ blue_green.termination_wait_minutes",
        "Error Invalid record type @ service_discovery.record_type",
        "Error Invalid listener ARN @ load_balancer.production_listener_arn",
        "Error Invalid task role policy @ task_role_policy_json",
        "Error Invalid alarm period @ alarms.period",
        "Error Approval without a wait @ blue_green.approve_traffic",
        "Error Invalid container name @ sidecar[0].name",
        "Error Stop timeout outside Fargate's limits @ sidecar[0].stop_timeout",
        "Error Capability Fargate does not add @ container.add_capabilities[0]",
        "Warning ECS Exec with a read-only root filesystem @ enable_execute_command",
        "Error Not a managed policy ARN @ task_role_managed_policy_arns[0]",
        "Error Empty identifier @ cluster",
        "Error Invalid tag @ tags[\"aws:team\"]",
    ];
    assert_eq!(seen, expected);
}

/// A configuration with something wrong for every room of the checks.
fn wrong_everywhere() -> Value {
    fn obj(fields: Vec<(&str, Value)>) -> Value {
        Value::object(fields)
    }
    let s = Value::string;
    let int = Value::int;
    obj(vec![
        ("name", s("api-")),
        ("cluster", s("")),
        ("require_immutable_image", Value::Bool(false)),
        ("enable_execute_command", Value::Bool(true)),
        ("desired_count", int(1)),
        ("task_role_policy_json", s("{}")),
        (
            "task_role_managed_policy_arns",
            Value::List(vec![s("ReadOnlyAccess")]),
        ),
        ("task", obj(vec![("cpu", int(256)), ("memory", int(4096))])),
        (
            "container",
            obj(vec![
                ("name", s("app")),
                ("image", s("app:latest")),
                ("port", int(8080)),
                ("stop_timeout", int(121)),
                ("readonly_root_filesystem", Value::Bool(true)),
                (
                    "secrets",
                    Value::Map([("DB".to_owned(), s("hunter2"))].into()),
                ),
                ("log", obj(vec![("retention_days", int(2))])),
                ("add_capabilities", Value::List(vec![s("NET_ADMIN")])),
            ]),
        ),
        (
            "sidecar",
            Value::List(vec![obj(vec![
                ("name", s("side car")),
                ("image", s("envoy:1")),
                ("stop_timeout", int(1)),
            ])]),
        ),
        (
            "network",
            obj(vec![
                ("assign_public_ip", Value::Bool(true)),
                ("subnets", Value::List(vec![s("subnet-a"), s("subnet-b")])),
            ]),
        ),
        (
            "load_balancer",
            obj(vec![
                ("vpc_id", s("vpc-1")),
                (
                    "production_listener_arn",
                    s(
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/gwy/edge/50dc6c495c0c9188/f2f7dc8efc522ab2",
                    ),
                ),
                ("deregistration_delay", int(3601)),
            ]),
        ),
        (
            "blue_green",
            obj(vec![
                ("termination_wait_minutes", int(2881)),
                ("approve_traffic", Value::Bool(true)),
            ]),
        ),
        ("alarms", obj(vec![("period", int(45))])),
        ("service_discovery", obj(vec![("record_type", s("CNAME"))])),
        ("autoscaling", obj(vec![("min", int(2)), ("max", int(4))])),
        ("tags", Value::Map([("aws:team".to_owned(), s("x"))].into())),
    ])
}

/// Every value of `v` with its steps, leaves and blocks alike (not `v` itself).
fn values(v: &Value, at: Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    let children: Vec<(PathStep, &Value)> = match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (PathStep::Attribute(k.clone()), v))
            .collect(),
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| (PathStep::Key(k.clone()), v))
            .collect(),
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (PathStep::Index(i as i64), v))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        let mut here = at.clone();
        here.push(step);
        out.push(here.clone());
        values(child, here, out);
    }
}

/// `v` with the value at `steps` unknown.
fn unknown_at(v: &Value, steps: &[PathStep]) -> Value {
    let Some((first, rest)) = steps.split_first() else {
        return Value::unknown();
    };
    match (v, first) {
        (Value::Object(m), PathStep::Attribute(k)) | (Value::Map(m), PathStep::Key(k)) => {
            let mut m = m.clone();
            let inner = unknown_at(&m[k], rest);
            m.insert(k.clone(), inner);
            if matches!(v, Value::Object(_)) {
                Value::Object(m)
            } else {
                Value::Map(m)
            }
        }
        (Value::List(items), PathStep::Index(i)) => {
            let mut items = items.clone();
            let i = *i as usize;
            items[i] = unknown_at(&items[i], rest);
            Value::List(items)
        }
        _ => panic!("no {first:?} in {v:?}"),
    }
}

/// A rule never speaks because a value is unknown: with any one value (or block) of a
/// configuration unknown, the checks report a subset of what they reported with it known.
#[test]
fn an_unknown_value_only_ever_silences_rules() {
    let config = wrong_everywhere();
    let known: Vec<String> = check(&config).0.iter().map(|d| format!("{d:?}")).collect();
    let mut all = Vec::new();
    values(&config, Vec::new(), &mut all);
    assert!(all.len() > 40, "{}", all.len());
    for steps in all {
        let partly = check(&unknown_at(&config, &steps));
        for d in partly.0 {
            let d = format!("{d:?}");
            assert!(known.contains(&d), "with {steps:?} unknown: {d}");
        }
    }
}
