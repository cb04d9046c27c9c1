//! Unit tests of the plan's decisions on typed values: each decision once where it just
//! applies and once where it just does not, asserting what the plan shows (which attribute
//! forces a replacement, which computed attributes become unknown, which warning appears).

use super::*;

const PRODUCTION: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2";
const TEST: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/0467ef3c8400ae65";

/// A service as the state stores it: CodeDeploy blue/green behind a load balancer.
/// A CodeDeploy service's state (the strategy recorded, as every state is after its upgrade).
fn service() -> Value {
    Value::object([
        ("name", Value::string("checkout")),
        ("deployment_strategy", Value::string("codedeploy")),
        ("cluster", Value::string("prod")),
        ("desired_count", Value::int(2)),
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
                ("drain_timeout", Value::int(30)),
            ]),
        ),
        (
            "network",
            Value::object([(
                "subnets",
                Value::List(vec![Value::string("subnet-a"), Value::string("subnet-b")]),
            )]),
        ),
        (
            "load_balancer",
            Value::object([
                ("vpc_id", Value::string("vpc-1")),
                ("production_listener_arn", Value::string(PRODUCTION)),
                ("test_listener_arn", Value::string(TEST)),
            ]),
        ),
    ])
}

/// A service registered in Cloud Map, as the state stores it after an apply.
fn discoverable() -> Value {
    let v = with(
        service(),
        &["service_discovery"],
        Value::object([
            ("namespace_id", Value::string("ns-1")),
            ("dns_ttl", Value::int(10)),
        ]),
    );
    let v = with(v, &["service_arn"], Value::string("arn:aws:ecs:svc"));
    with(
        v,
        &["service_discovery_arn"],
        Value::string("arn:aws:sd:srv"),
    )
}

/// `value` with the attribute at `path` set to `v` (objects on the way made as needed).
fn with(mut value: Value, path: &[&str], v: Value) -> Value {
    set(&mut value, path, v);
    value
}

fn set(value: &mut Value, path: &[&str], v: Value) {
    let Value::Object(m) = value else {
        panic!("{path:?}: not an object");
    };
    match path {
        [name] => {
            m.insert((*name).to_owned(), v);
        }
        [name, rest @ ..] => set(
            m.entry((*name).to_owned())
                .or_insert_with(|| Value::Object(BTreeMap::new())),
            rest,
            v,
        ),
        [] => panic!("empty path"),
    }
}

/// A lifecycle that takes every strategy switch in place, and one that takes none.
fn always(_: DeploymentStrategy, _: DeploymentStrategy) -> bool {
    true
}
fn never(_: DeploymentStrategy, _: DeploymentStrategy) -> bool {
    false
}

fn replaced(plan: &UpdatePlan) -> Vec<String> {
    plan.requires_replace
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn an_unchanged_service_plans_nothing() {
    let plan = plan_update(&service(), &service(), never);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
    assert!(plan.unknown.is_empty(), "{plan:?}");
    assert!(plan.warnings.is_empty(), "{plan:?}");
}

#[test]
fn a_new_image_plans_a_new_revision_and_no_replacement() {
    let planned = with(
        service(),
        &["container", "image"],
        Value::string("shop/checkout:1.1"),
    );
    assert!(needs_new_revision(&service(), &planned));
    let plan = plan_update(&service(), &planned, never);
    assert_eq!(plan.unknown, ROLLOUT_ATTRIBUTES);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
}

#[test]
fn new_subnets_plan_a_new_revision() {
    let planned = with(
        service(),
        &["network", "subnets"],
        Value::List(vec![Value::string("subnet-a"), Value::string("subnet-c")]),
    );
    assert!(needs_new_revision(&service(), &planned));
}

#[test]
fn a_new_desired_count_plans_no_revision() {
    let planned = with(service(), &["desired_count"], Value::int(4));
    assert!(!needs_new_revision(&service(), &planned));
    assert!(plan_update(&service(), &planned, never).unknown.is_empty());
}

#[test]
fn a_setting_written_out_with_its_default_plans_no_revision() {
    // As after an import: the raw values differ (absent against false), the expansions do not.
    let planned = with(service(), &["enable_execute_command"], Value::Bool(false));
    assert_ne!(
        service().get("enable_execute_command"),
        planned.get("enable_execute_command")
    );
    assert!(!needs_new_revision(&service(), &planned));
}

#[test]
fn while_a_value_is_unknown_the_raw_settings_decide() {
    // An unknown desired_count keeps the plan from expanding; drain_timeout alone only feeds
    // the checks, the image is part of the revision.
    let unknown = with(service(), &["desired_count"], Value::unknown());
    assert!(ServiceSpec::from_value(&unknown).is_err());
    let drain = with(
        unknown.clone(),
        &["container", "drain_timeout"],
        Value::int(90),
    );
    assert!(!needs_new_revision(&service(), &drain));
    let image = with(unknown, &["container", "image"], Value::unknown());
    assert!(needs_new_revision(&service(), &image));
}

#[test]
fn turning_on_ecs_exec_under_codedeploy_replaces_the_service_and_says_why() {
    let planned = with(service(), &["enable_execute_command"], Value::Bool(true));
    let plan = plan_update(&service(), &planned, never);
    assert_eq!(replaced(&plan), ["enable_execute_command"]);
    let [warning] = plan.warnings.as_slice() else {
        panic!("one warning expected: {plan:?}");
    };
    assert_eq!(warning.summary, "ECS Exec changes by replacing the service");
    assert_eq!(
        warning.attribute,
        Some(AttributePath::attr("enable_execute_command"))
    );
    assert!(
        warning.detail.contains("changes to true"),
        "{}",
        warning.detail
    );
}

#[test]
fn turning_on_ecs_exec_under_an_ecs_strategy_rolls_out_instead() {
    let ecs = with(
        service(),
        &["deployment_strategy"],
        Value::string("blue_green"),
    );
    let planned = with(ecs.clone(), &["enable_execute_command"], Value::Bool(true));
    assert_eq!(
        exec_change(&ecs, &planned, DeploymentStrategy::of(&planned)),
        None
    );
    let plan = plan_update(&ecs, &planned, never);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
    assert!(plan.warnings.is_empty(), "{plan:?}");
    assert_eq!(plan.unknown, ROLLOUT_ATTRIBUTES);
}

#[test]
fn ecs_exec_unknown_or_unchanged_says_nothing() {
    let planned = with(service(), &["enable_execute_command"], Value::unknown());
    let strategy = Some(DeploymentStrategy::CodeDeployBlueGreen);
    assert_eq!(exec_change(&service(), &planned, strategy), None);
    let planned = with(service(), &["enable_execute_command"], Value::Bool(false));
    assert_eq!(exec_change(&service(), &planned, strategy), None);
}

#[test]
fn a_strategy_switch_the_lifecycle_takes_in_place_plans_the_strategy_children_unknown() {
    let planned = with(
        service(),
        &["deployment_strategy"],
        Value::string("blue_green"),
    );
    let plan = plan_update(&service(), &planned, always);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
    for a in [
        "codedeploy_application_name",
        "infrastructure_role_arn",
        "test_listener_rule_arn",
    ] {
        assert!(plan.unknown.contains(&a), "{a}: {plan:?}");
    }
}

#[test]
fn a_strategy_switch_the_lifecycle_cannot_take_in_place_replaces_the_service() {
    let planned = with(
        service(),
        &["deployment_strategy"],
        Value::string("blue_green"),
    );
    let plan = plan_update(&service(), &planned, never);
    assert_eq!(replaced(&plan), ["deployment_strategy"]);
    assert!(
        !plan.unknown.contains(&"infrastructure_role_arn"),
        "{plan:?}"
    );
}

#[test]
fn a_strategy_not_yet_known_is_no_switch() {
    let unknown = with(service(), &["deployment_strategy"], Value::unknown());
    assert_eq!(DeploymentStrategy::of(&unknown), None);
    assert!(
        plan_update(&service(), &unknown, never)
            .requires_replace
            .is_empty()
    );
}

#[test]
fn a_load_balancer_removed_replaces_the_service() {
    let rolling = with(
        service(),
        &["deployment_strategy"],
        Value::string("rolling"),
    );
    let worker = with(rolling.clone(), &["load_balancer"], Value::Null);
    let plan = plan_update(&rolling, &worker, never);
    assert_eq!(replaced(&plan), ["load_balancer"]);
}

#[test]
fn a_load_balancer_not_yet_known_replaces_nothing() {
    // A worker whose planned load balancer waits on another resource: it may stay absent.
    let rolling = with(
        service(),
        &["deployment_strategy"],
        Value::string("rolling"),
    );
    let worker = with(rolling, &["load_balancer"], Value::Null);
    let planned = with(worker.clone(), &["load_balancer"], Value::unknown());
    let plan = plan_update(&worker, &planned, never);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
}

#[test]
fn a_registry_added_replaces_the_service() {
    let planned = with(
        service(),
        &["service_discovery"],
        Value::object([("namespace_id", Value::string("ns-1"))]),
    );
    let plan = plan_update(&service(), &planned, never);
    assert_eq!(replaced(&plan), ["service_discovery"]);
}

#[test]
fn a_namespace_change_replaces_the_service_a_ttl_change_does_not() {
    let namespace = with(
        discoverable(),
        &["service_discovery", "namespace_id"],
        Value::string("ns-2"),
    );
    let plan = plan_update(&discoverable(), &namespace, never);
    assert_eq!(replaced(&plan), ["service_discovery.namespace_id"]);
    let ttl = with(
        discoverable(),
        &["service_discovery", "dns_ttl"],
        Value::int(60),
    );
    let plan = plan_update(&discoverable(), &ttl, never);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
    assert!(plan.unknown.is_empty(), "{plan:?}");
}

#[test]
fn a_registry_found_gone_replaces_the_service_and_says_why() {
    let gone = with(discoverable(), &["service_discovery_arn"], Value::Null);
    let plan = plan_update(&gone, &gone, never);
    assert_eq!(replaced(&plan), ["service_discovery_arn"]);
    assert_eq!(plan.unknown, ["service_discovery_arn", "dns_name"]);
    assert_eq!(
        plan.warnings
            .iter()
            .map(|w| w.summary.as_str())
            .collect::<Vec<_>>(),
        ["The service's Cloud Map registry is gone"]
    );
}

#[test]
fn a_registry_in_place_or_before_the_first_apply_is_not_gone() {
    let plan = plan_update(&discoverable(), &discoverable(), never);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
    // No service yet (a create that stopped before the ECS service): nothing to be gone from.
    let unborn = with(
        with(discoverable(), &["service_arn"], Value::Null),
        &["service_discovery_arn"],
        Value::Null,
    );
    let plan = plan_update(&unborn, &unborn, never);
    assert!(plan.requires_replace.is_empty(), "{plan:?}");
    assert!(plan.warnings.is_empty(), "{plan:?}");
}
