//! An attribute that names something in AWS (a cluster, a subnet, a namespace, a secret, a
//! policy, a volume) may be left out, but never given as an empty string: the empty name would
//! reach an AWS request, which AWS refuses halfway through an apply (or a plan-time lookup
//! retries and warns). One table lists every such attribute, so a new one is a row here.

use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

/// One step of an identifier's location: an attribute, or every element of a list (a list
/// block, or a list of strings), or every value of a map.
#[derive(Debug, Clone, Copy)]
enum Step {
    Attr(&'static str),
    Each,
}

use Step::{Attr, Each};

/// Every attribute whose value is an AWS identifier, with what it names, except those whose
/// own format rule already refuses "" ([`OWN_RULE`]).
const IDENTIFIERS: &[(&[Step], &str)] = &[
    (&[Attr("cluster")], "the ECS cluster"),
    (&[Attr("platform_version")], "the Fargate platform version"),
    (&[Attr("container"), Attr("image")], "the container image"),
    (
        &[Attr("container"), Attr("log"), Attr("group")],
        "the CloudWatch Logs group",
    ),
    (&[Attr("sidecar"), Each, Attr("image")], "a sidecar image"),
    (
        &[Attr("volume"), Each, Attr("name")],
        "a volume of the task",
    ),
    (
        &[Attr("volume"), Each, Attr("efs"), Attr("file_system_id")],
        "the EFS file system",
    ),
    (
        &[Attr("volume"), Each, Attr("efs"), Attr("access_point_id")],
        "the EFS access point",
    ),
    (&[Attr("network"), Attr("subnets"), Each], "a subnet"),
    (
        &[Attr("network"), Attr("security_groups"), Each],
        "a security group",
    ),
    (&[Attr("load_balancer"), Attr("vpc_id")], "the VPC"),
    (
        &[Attr("service_discovery"), Attr("namespace_id")],
        "the Cloud Map namespace",
    ),
    (
        &[Attr("blue_green"), Attr("deployment_config")],
        "the CodeDeploy deployment configuration",
    ),
];

/// Identifiers whose format rule refuses "" with an error of its own at the attribute; the
/// unit tests hold each to that, so every identifier is refused empty exactly once.
#[cfg(test)]
const OWN_RULE: &[&[Step]] = &[
    &[Attr("name")],
    &[Attr("container"), Attr("name")],
    &[Attr("container"), Attr("secrets"), Each],
    &[
        Attr("container"),
        Attr("mount_point"),
        Each,
        Attr("source_volume"),
    ],
    &[Attr("sidecar"), Each, Attr("name")],
    &[Attr("sidecar"), Each, Attr("secrets"), Each],
    &[
        Attr("sidecar"),
        Each,
        Attr("mount_point"),
        Each,
        Attr("source_volume"),
    ],
    &[Attr("task_role_managed_policy_arns"), Each],
    &[
        Attr("capacity_provider_strategy"),
        Each,
        Attr("capacity_provider"),
    ],
    &[Attr("blue_green"), Attr("hooks"), Each],
    &[Attr("ecs_deployment"), Attr("hooks"), Each],
    &[Attr("alarms"), Attr("names"), Each],
    &[Attr("load_balancer"), Attr("production_listener_arn")],
    &[Attr("load_balancer"), Attr("test_listener_arn")],
];

/// An error at each identifier given as "" (unknown and absent values are left alone).
pub fn check(config: &Value) -> Diagnostics {
    let mut out = Diagnostics::new();
    for (steps, what) in IDENTIFIERS {
        visit(config, steps, AttributePath::root(), &mut |at, value| {
            if value.as_str() == Some("") {
                out.push(
                    Diagnostic::error(
                        "Empty identifier",
                        format!(
                            "This names {what} in AWS and cannot be an empty string: give its name, ID or ARN, or \
                             leave the attribute out where it is optional."
                        ),
                    )
                    .at(at),
                );
            }
        });
    }
    out
}

/// Calls `found` with each value at `steps` under `value`. A set's elements have no path of
/// their own, so a diagnostic about one points at the set.
fn visit(
    value: &Value,
    steps: &[Step],
    at: AttributePath,
    found: &mut dyn FnMut(AttributePath, &Value),
) {
    let Some((step, rest)) = steps.split_first() else {
        found(at, value);
        return;
    };
    match (step, value) {
        (Attr(name), Value::Object(_)) => visit(value.get(name), rest, at.join_attr(name), found),
        (Each, Value::List(items) | Value::Tuple(items)) => {
            for (i, item) in items.iter().enumerate() {
                visit(item, rest, at.join_index(i), found);
            }
        }
        (Each, Value::Set(items)) => {
            for item in items {
                visit(item, rest, at.clone(), found);
            }
        }
        (Each, Value::Map(entries)) => {
            for (key, item) in entries {
                visit(item, rest, at.join_key(key), found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::service::schema::schema;
    use crate::tfplugin::Severity;

    /// A configuration that sets every identifier of the table, as tofu sends it to validate.
    fn every_identifier() -> serde_json::Value {
        let lambda = "arn:aws:lambda:us-east-1:123456789012:function:check";
        json!({
            "name": "checkout-api",
            "cluster": "prod",
            "platform_version": "1.4.0",
            "task": {"cpu": 512, "memory": 1024},
            "task_role_managed_policy_arns": ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"],
            "container": {
                "name": "app",
                "image": "registry.example.com/app:1.4.2",
                "port": 8080,
                "secrets": {"DB": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"},
                "log": {"group": "/custom/checkout"},
                "mount_point": [{"source_volume": "data", "container_path": "/data"}]
            },
            "sidecar": [{
                "name": "collector",
                "image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1",
                "secrets": {"KEY": "arn:aws:ssm:us-east-1:123456789012:parameter/key"},
                "mount_point": [{"source_volume": "data", "container_path": "/data"}]
            }],
            "volume": [{
                "name": "data",
                "efs": {"file_system_id": "fs-0123456789abcdef0", "access_point_id": "fsap-0123456789abcdef0",
                        "transit_encryption": true}
            }],
            "network": {"subnets": ["subnet-0a", "subnet-0b"], "security_groups": ["sg-01"]},
            "load_balancer": {
                "vpc_id": "vpc-1",
                "production_listener_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2",
                "test_listener_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/3d0c4b8ba5a5b1b1"
            },
            "service_discovery": {"namespace_id": "ns-1"},
            "capacity_provider_strategy": [{"capacity_provider": "FARGATE", "base": 1, "weight": 1}],
            "blue_green": {"deployment_config": "CodeDeployDefault.ECSAllAtOnce", "hooks": {"BeforeAllowTraffic": lambda}},
            "ecs_deployment": {"hooks": {"POST_TEST_TRAFFIC_SHIFT": lambda}},
            "alarms": {"names": ["queue-depth"]}
        })
    }

    fn decode(j: &serde_json::Value) -> Value {
        let ty = schema().block.value_type();
        crate::value::decode_json(j.to_string().as_bytes(), &ty).expect("a configuration")
    }

    /// The JSON pointer of a table row in `every_identifier`, with its attribute path.
    fn pointer(steps: &[Step]) -> (String, AttributePath) {
        let config = every_identifier();
        let mut pointer = String::new();
        let mut at = AttributePath::root();
        let mut here = &config;
        for step in steps {
            match step {
                Attr(name) => {
                    pointer.push('/');
                    pointer.push_str(name);
                    at = at.join_attr(name);
                    here = &here[name];
                }
                Each => match here {
                    serde_json::Value::Array(_) => {
                        pointer.push_str("/0");
                        at = at.join_index(0);
                        here = &here[0];
                    }
                    serde_json::Value::Object(m) => {
                        let key = m.keys().next().expect("a map entry").clone();
                        pointer.push('/');
                        pointer.push_str(&key);
                        at = at.join_key(&key);
                        here = &here[key.as_str()];
                    }
                    other => panic!("{other} has no elements"),
                },
            }
        }
        assert!(here.is_string(), "{pointer} is set in the configuration");
        (pointer, at)
    }

    #[test]
    fn every_identifier_given_empty_is_an_error_at_its_attribute() {
        assert!(check(&decode(&every_identifier())).is_empty());
        for (steps, what) in IDENTIFIERS {
            let (ptr, at) = pointer(steps);
            let mut config = every_identifier();
            *config.pointer_mut(&ptr).expect("the pointer") = json!("");
            let diags = check(&decode(&config));
            assert_eq!(diags.0.len(), 1, "{ptr}: {diags:?}");
            let d = &diags.0[0];
            assert_eq!(d.severity, Severity::Error, "{ptr}");
            assert_eq!(d.summary, "Empty identifier", "{ptr}");
            assert!(d.detail.contains(what), "{ptr}: {}", d.detail);
            assert_eq!(d.attribute, Some(at), "{ptr}");
        }
    }

    #[test]
    fn identifiers_with_a_rule_of_their_own_are_refused_empty_by_it() {
        for steps in OWN_RULE {
            let (ptr, at) = pointer(steps);
            let mut config = every_identifier();
            *config.pointer_mut(&ptr).expect("the pointer") = json!("");
            let decoded = decode(&config);
            assert!(check(&decoded).is_empty(), "{ptr}: reported twice");
            let all = crate::service::checks::check(&decoded);
            assert!(
                all.0
                    .iter()
                    .any(|d| d.severity == Severity::Error && d.attribute == Some(at.clone())),
                "{ptr}: no error at the attribute: {all:?}"
            );
        }
    }

    #[test]
    fn absent_and_unknown_identifiers_are_no_error() {
        let config = decode(&json!({"name": "checkout-api", "container": {"log": {}}}));
        assert!(check(&config).is_empty());
        let unknown = Value::object([("cluster", Value::unknown())]);
        assert!(check(&unknown).is_empty());
    }
}
