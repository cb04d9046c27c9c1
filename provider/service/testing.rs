//! What unit tests across the provider build a service from: the smallest configuration the
//! expansion takes, behind a load balancer, as the state stores it.

use crate::value::Value;

/// A service named checkout under `strategy`, behind `production_listener` (and
/// `test_listener`), with a 256/512 task of one container on port 8080.
pub(crate) fn service_value(
    strategy: &str,
    production_listener: &str,
    test_listener: Option<&str>,
) -> Value {
    let mut lb = vec![
        ("vpc_id", Value::string("vpc-1")),
        (
            "production_listener_arn",
            Value::string(production_listener),
        ),
    ];
    if let Some(test) = test_listener {
        lb.push(("test_listener_arn", Value::string(test)));
    }
    Value::object([
        ("name", Value::string("checkout")),
        ("cluster", Value::string("prod")),
        ("deployment_strategy", Value::string(strategy)),
        (
            "task",
            Value::object([("cpu", Value::int(256)), ("memory", Value::int(512))]),
        ),
        (
            "container",
            Value::object([
                ("name", Value::string("app")),
                ("image", Value::string("shop/checkout:1.0")),
                ("port", Value::int(8080)),
            ]),
        ),
        ("network", Value::object([])),
        ("load_balancer", Value::object(lb)),
    ])
}
