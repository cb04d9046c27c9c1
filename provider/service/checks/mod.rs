//! Production checks run at `tofu validate` and `tofu plan`, before any AWS call. Each rule
//! turns advice from shared/seeds/ (or a hard AWS limit) into an error or a warning at the
//! attribute it is about. A rule whose inputs are unknown does not run; it runs again when
//! they are known (plan during apply), so it never errors on an unknown.
//!
//! One room per theme: `catalogue` lists the rules as data (the docs' table is rendered from
//! it); each other file adds its rules to the shared `Checker` (`shared`), and `check` runs
//! them in one fixed order, the order in which the diagnostics reach the user.

mod alarms;
mod catalogue;
mod circuit_breaker;
mod cluster;
mod containers;
mod cost;
mod deployment;
mod firelens;
mod hardening;
mod images;
mod load_balancers;
mod network;
mod pause;
mod policies;
mod routing;
mod scaling;
mod secrets;
mod shared;
mod sizing;
mod tasks;
#[cfg(test)]
mod testing;
mod timers;
mod volumes;

use crate::tfplugin::Diagnostics;
use crate::value::Value;

pub use super::facts::{VALID_CPU, valid_memory};
pub use alarms::MAX_DEPLOYMENT_ALARMS;
pub use catalogue::{RULES, Rule, Stage};
pub use cluster::{ClusterInfo, cluster_checks};
pub use cost::cost_diagnostics;
pub use hardening::FARGATE_ADDABLE_CAPABILITY;
pub use images::MOVING_TAGS;
pub use network::{
    IngressRule, PeakTasks, SecurityGroupInfo, SubnetInfo, security_group_reachability,
    subnet_capacity, subnet_vpcs,
};
pub use policies::{MAX_MANAGED_POLICIES, policy_document_problem};
pub use secrets::secret_placement_problem;

use shared::Checker;

/// Runs every rule over a (possibly partly unknown) configuration.
pub fn check(config: &Value) -> Diagnostics {
    let mut out = Checker::default();
    out.task_size(config);
    out.timers(config);
    out.image(config);
    out.secrets(config);
    out.capacity(config);
    out.network(config);
    out.container_values(config);
    out.load_balancer_values(config);
    out.codedeploy_values(config);
    out.service_discovery_values(config);
    out.listeners(config);
    out.load_balancer_kind(config);
    out.task_role_policy(config);
    out.alarms(config);
    out.traffic_validation(config);
    out.deployment_strategy(config);
    out.circuit_breaker(config);
    out.high_resolution_scaling(config);
    out.awslogs_multiline(config);
    out.max_monthly_cost(config);
    out.load_balancer(config);
    out.container_port(config);
    out.sidecar_values(config);
    out.task(config);
    out.diags.extend(super::empty_identifiers::check(config));
    out.diags.extend(super::tag_checks::check(config));
    out.diags
}

#[cfg(test)]
mod tests;
