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

/// A state written before `deployment_strategy` existed is a CodeDeploy service's: the upgrade
/// records that, not the default a new service gets, so the plan after a provider upgrade is
/// empty. A recorded strategy is kept.
#[test]
fn a_state_from_before_the_strategy_attribute_reads_back_as_codedeploy() {
    use crate::tfplugin::Resource;
    let resource = super::ProductionService::new(Default::default());
    let mut old = service("codedeploy", PRODUCTION);
    if let Value::Object(fields) = &mut old {
        fields.remove("deployment_strategy");
    }
    let upgraded = resource.upgrade(0, old).expect("upgrade");
    assert_eq!(
        upgraded.get("deployment_strategy"),
        &Value::string("codedeploy")
    );
    let rolling = resource
        .upgrade(0, service("rolling", PRODUCTION))
        .expect("upgrade");
    assert_eq!(
        rolling.get("deployment_strategy"),
        &Value::string("rolling")
    );
}

/// A configuration without `deployment_strategy` is checked again at plan under the strategy
/// the plan records: CodeDeploy's settings on a new (native) service are refused there, and
/// accepted on a service whose state records CodeDeploy.
#[test]
fn the_plan_checks_an_unset_strategy_as_the_strategy_it_records() {
    let mut config = service("codedeploy", PRODUCTION);
    if let Value::Object(fields) = &mut config {
        fields.remove("deployment_strategy");
        fields.insert(
            "blue_green".to_owned(),
            Value::object([("termination_wait_minutes", Value::int(5))]),
        );
    }
    assert!(!crate::service::checks::check(&config).has_errors());
    let planned = |s: &str| {
        let mut p = config.clone();
        super::set_attr(&mut p, "deployment_strategy", Value::string(s));
        p
    };
    let refused = super::plan::plan_checks(&config, &planned("blue_green"));
    let [error] = refused.0.as_slice() else {
        panic!("one error expected: {refused:?}");
    };
    assert_eq!(error.summary, "Setting of another deployment strategy");
    assert_eq!(
        error.attribute,
        Some(AttributePath::attr("blue_green").join_attr("termination_wait_minutes"))
    );
    assert!(
        super::plan::plan_checks(&config, &planned("codedeploy"))
            .0
            .is_empty()
    );
}
