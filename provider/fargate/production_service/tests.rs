//! Unit tests of what the resource's rooms decide without AWS: the strategy switches the plan
//! takes in place with the real rule, and where a value that cannot be expanded
//! stops (the diagnostic and its attribute).

use std::collections::BTreeMap;

use crate::service::change::{STRATEGY_ATTRIBUTES, plan_update};
use crate::service::expand::DeploymentStrategy;
use crate::service::expand::Placement;
use crate::service::testing::service_value;
use crate::value::{AttributePath, Value};

use super::expansion_of;

const PRODUCTION: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2";
const TEST: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/0467ef3c8400ae65";

/// A service behind `production_listener_arn` with the given strategy.
fn service(strategy: &str, production_listener_arn: &str) -> Value {
    service_value(strategy, production_listener_arn, Some(TEST))
}

fn replaced(prior: &str, planned: &str) -> (Vec<String>, Vec<&'static str>) {
    let plan = plan_update(
        &service(prior, PRODUCTION),
        &service(planned, PRODUCTION),
        DeploymentStrategy::switches_in_place,
    );
    let paths = plan.requires_replace.iter().map(ToString::to_string);
    (paths.collect(), plan.unknown)
}

#[test]
fn codedeploy_to_ecs_blue_green_is_planned_in_place() {
    // AWS's documented migration: the plan keeps the service.
    let (paths, unknown) = replaced("codedeploy", "blue_green");
    assert!(paths.is_empty(), "{paths:?}");
    assert_eq!(unknown, STRATEGY_ATTRIBUTES);
}

#[test]
fn between_ecs_native_traffic_shifting_strategies_is_planned_in_place() {
    let (paths, _) = replaced("blue_green", "canary");
    assert!(paths.is_empty(), "{paths:?}");
}

#[test]
fn back_to_codedeploy_or_to_rolling_replaces_the_service() {
    for (from, to) in [("blue_green", "codedeploy"), ("codedeploy", "rolling")] {
        let (paths, unknown) = replaced(from, to);
        assert_eq!(paths, ["deployment_strategy"], "{from} -> {to}");
        assert!(
            !unknown.contains(&"infrastructure_role_arn"),
            "{from} -> {to}"
        );
    }
}

#[test]
fn a_listener_arn_that_does_not_parse_stops_at_its_attribute() {
    let value = service("codedeploy", "listener-1");
    let Err(d) = expansion_of(&value, &BTreeMap::new(), None) else {
        panic!("a bare name is no listener ARN");
    };
    assert_eq!(d.summary, "Invalid listener ARN");
    assert_eq!(
        d.attribute,
        Some(AttributePath::attr("load_balancer").join_attr("production_listener_arn"))
    );
    assert!(expansion_of(&service("codedeploy", PRODUCTION), &BTreeMap::new(), None).is_ok());
}

#[test]
fn a_service_without_a_load_balancer_needs_the_providers_account() {
    let mut worker = service("rolling", PRODUCTION);
    if let Value::Object(m) = &mut worker {
        m.insert("load_balancer".to_owned(), Value::Null);
    }
    let Err(d) = expansion_of(&worker, &BTreeMap::new(), None) else {
        panic!("no load balancer and no home: no placement");
    };
    assert_eq!(
        d.summary,
        "No account for a service without a load balancer"
    );
    let home = Placement::in_account("eu-west-1", "123456789012");
    let (_, exp) =
        expansion_of(&worker, &BTreeMap::new(), Some(&home)).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(exp.load_balancing.is_none());
}
