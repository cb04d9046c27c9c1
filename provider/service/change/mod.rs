//! What a change of a service's settings means for the service that runs: whether it registers
//! a new task definition revision and rolls it out, whether a strategy switch goes in place,
//! which attributes force a replacement and what the plan warns about. These are decisions on
//! the prior and planned values alone, without AWS, so they are unit tested here; the
//! resource's plan (`fargate`) applies them to the planned state, and its apply asks again
//! whether to roll out.

use std::collections::BTreeMap;

use crate::tfplugin::Diagnostic;
use crate::value::{AttributePath, Value};

use super::expand::{DeploymentStrategy, Expansion, Placement, expand};
use super::image_owner;
use super::spec::ServiceSpec;

mod cost;
mod preview;
#[cfg(test)]
mod tests;

pub use cost::{MonthlyCost, NoCost, cost_type, cost_value, monthly_cost, spot_tasks};
pub use preview::{preview, preview_type, with_free_addresses};

/// Attributes whose change needs a new task definition revision and a blue/green rollout.
pub const ROLLOUT_PATHS: &[&str] = &[
    "task",
    "container",
    "sidecar",
    "volume",
    "network",
    "platform_version",
    "capacity_provider_strategy",
    "enable_execute_command",
];

/// Computed attributes a roll-out changes: known only after apply.
pub const ROLLOUT_ATTRIBUTES: &[&str] = &[
    "running_images",
    "task_definition_arn",
    "task_definition_revision",
    "last_deployment_id",
    "live_target_group",
];

/// Computed attributes of the children that come and go with a strategy (and the deployment
/// that moves to it): known only after apply.
pub const STRATEGY_ATTRIBUTES: &[&str] = &[
    "live_target_group",
    "last_deployment_id",
    "codedeploy_application_name",
    "codedeploy_deployment_group_name",
    "infrastructure_role_arn",
    "green_target_group_arn",
    "test_listener_rule_arn",
];

/// What the plan of an update says besides the settings: the attributes that force a
/// replacement, the computed attributes known only after apply, and the warnings, each in
/// the order the plan reports them.
#[derive(Debug, Default)]
pub struct UpdatePlan {
    pub requires_replace: Vec<AttributePath>,
    pub unknown: Vec<&'static str>,
    pub warnings: Vec<Diagnostic>,
}

/// The plan of an update from `prior` to `planned` (both service values, `planned` with its
/// defaults filled in). `switches_in_place` says which strategy switches a running service
/// takes without being replaced (`DeploymentStrategy::switches_in_place`; a parameter so each
/// decision can be tested apart).
pub fn plan_update(
    prior: &Value,
    planned: &Value,
    switches_in_place: fn(DeploymentStrategy, DeploymentStrategy) -> bool,
) -> UpdatePlan {
    let mut plan = UpdatePlan::default();
    if needs_new_revision(prior, planned) {
        plan.unknown.extend(ROLLOUT_ATTRIBUTES);
    }
    let now = DeploymentStrategy::of(planned);
    if let (Some(was), Some(now)) = (DeploymentStrategy::of(prior), now)
        && was != now
    {
        if switches_in_place(was, now) {
            // ECS takes the new strategy in place; from CodeDeploy, with a deployment that
            // moves traffic to the other group. The children that come and go with a strategy
            // are known after apply.
            plan.unknown.extend(STRATEGY_ATTRIBUTES);
        } else {
            plan.requires_replace
                .push(AttributePath::attr("deployment_strategy"));
        }
    }
    if !planned.get("load_balancer").is_unknown()
        && prior.get("load_balancer").is_null() != planned.get("load_balancer").is_null()
    {
        // The service's target groups, rules and ECS load balancers come and go with it; the
        // resource replaces the service rather than rewire a running one.
        plan.requires_replace
            .push(AttributePath::attr("load_balancer"));
    }
    if let Some(warning) = exec_change(prior, planned, now) {
        // ECS refuses enableExecuteCommand in UpdateService on a CODE_DEPLOY service, and a
        // CodeDeploy deployment cannot carry it.
        plan.requires_replace
            .push(AttributePath::attr("enable_execute_command"));
        plan.warnings.push(warning);
    }
    discovery_change(prior, planned, &mut plan);
    plan
}

/// Cloud Map: a registry added or removed, a setting Cloud Map fixes at creation, or the
/// registry found gone by the last read replace the service.
fn discovery_change(prior: &Value, planned: &Value, plan: &mut UpdatePlan) {
    let (was, now) = (
        prior.get("service_discovery"),
        planned.get("service_discovery"),
    );
    if was.is_null() != now.is_null() {
        // ECS cannot add or remove a service registry in place.
        plan.requires_replace
            .push(AttributePath::attr("service_discovery"));
    }
    if was.is_null() || now.is_null() {
        return;
    }
    // Cloud Map fixes these at creation, and the ECS service cannot be pointed at a new Cloud
    // Map service in place (UpdateService refuses serviceRegistries on a CODE_DEPLOY service).
    for field in ["namespace_id", "record_type", "routing_policy"] {
        if was.get(field) != now.get(field) {
            plan.requires_replace
                .push(AttributePath::attr("service_discovery").join_attr(field));
        }
    }
    if !prior.get("service_arn").is_null() && prior.get("service_discovery_arn").is_null() {
        // The read found the ECS service's registry gone (its Cloud Map service deleted or
        // replaced outside Terraform).
        plan.unknown.extend(["service_discovery_arn", "dns_name"]);
        plan.requires_replace
            .push(AttributePath::attr("service_discovery_arn"));
        plan.warnings.push(Diagnostic::warning(
            "The service's Cloud Map registry is gone",
            "The Cloud Map service the ECS service registers its tasks in was deleted or \
             replaced outside Terraform. ECS does not change the service registries of a \
             service under the CODE_DEPLOY deployment controller in place (UpdateService \
             refuses them), so the service is replaced: destroyed, then created again \
             with a new Cloud Map service.",
        ));
    }
}

/// Whether a change needs a new task definition revision rolled out through CodeDeploy: the
/// task definition or the network and capacity settings the AppSpec carries differ between
/// the two expansions. Settings that expand alike (an optional block left out or written out
/// with its defaults, as after an import) never start a deployment. While a value is not
/// wholly known, the raw settings decide.
pub fn needs_new_revision(prior: &Value, planned: &Value) -> bool {
    match (comparable_expansion(prior), comparable_expansion(planned)) {
        (Some(mut a), Some(mut b)) => {
            // What runs is the prior revision with the images the state saw running. Under a
            // pipeline the new one takes them too, so images alone never roll out; under
            // Terraform the configuration's images must be what runs.
            let running = image_owner::running_images(prior);
            image_owner::with_running_images(&mut a.task_definition, &running);
            if image_owner::pipeline_owns(planned) {
                image_owner::with_running_images(&mut b.task_definition, &running);
            }
            let (x, y) = (&a.ecs_service, &b.ecs_service);
            a.task_definition != b.task_definition
                || x.subnets != y.subnets
                || x.security_groups != y.security_groups
                || x.assign_public_ip != y.assign_public_ip
                || x.platform_version != y.platform_version
                || x.capacity_provider_strategy != y.capacity_provider_strategy
                || x.enable_execute_command != y.enable_execute_command
                // The metrics' resolution is part of a service revision.
                || x.high_resolution_metrics != y.high_resolution_metrics
        }
        _ => raw_settings_differ(prior, planned),
    }
}

/// The expansion of a value for comparing with another: both sides in the same placeholder
/// account (only their difference matters), without default tags. `None` when the value does
/// not expand (not wholly known, or invalid).
fn comparable_expansion(value: &Value) -> Option<Expansion> {
    let spec = ServiceSpec::from_value(value).ok()?;
    let home = Placement::in_account("", "");
    let placement = Placement::of_service(&spec, Some(&home)).ok()?;
    Some(expand(&spec, &placement, &BTreeMap::new()))
}

/// The raw comparison of the settings a rollout carries; drain_timeout only feeds the checks.
fn raw_settings_differ(prior: &Value, planned: &Value) -> bool {
    ROLLOUT_PATHS.iter().any(|p| {
        let (a, b) = (prior.get(p), planned.get(p));
        if *p == "container" {
            let strip = |v: &Value| match v {
                Value::Object(m) => {
                    let mut m = m.clone();
                    m.remove("drain_timeout");
                    Value::Object(m)
                }
                other => other.clone(),
            };
            strip(a) != strip(b)
        } else {
            a != b
        }
    })
}

/// A change of `enable_execute_command` on a service CodeDeploy deploys: the plan replaces the
/// service and says why.
pub fn exec_change(
    prior: &Value,
    planned: &Value,
    strategy: Option<DeploymentStrategy>,
) -> Option<Diagnostic> {
    let (was, now) = (
        prior
            .get("enable_execute_command")
            .as_bool()
            .unwrap_or(false),
        planned.get("enable_execute_command").as_bool()?,
    );
    if was == now
        || strategy?.family().rollout != crate::service::strategy::RolloutBy::CodeDeployDeployment
    {
        return None;
    }
    Some(
        Diagnostic::warning(
            "ECS Exec changes by replacing the service",
            format!(
                "enable_execute_command changes to {now}. ECS applies it to the tasks it starts, but it does \
                 not update it in place on a service under the CODE_DEPLOY deployment controller \
                 (UpdateService refuses it) and a CodeDeploy deployment cannot carry it, so the service is \
                 replaced: destroyed, then created again, with the downtime that brings. Under an \
                 ECS-controller deployment_strategy (blue_green, linear, canary, rolling) the change rolls \
                 out as a new deployment instead."
            ),
        )
        .at(AttributePath::attr("enable_execute_command")),
    )
}
