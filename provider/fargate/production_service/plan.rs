//! The resource's plan: defaults filled in, the computed attributes an apply will know, and
//! the plan-time checks, including those that look at AWS (subnets, security groups,
//! listener-rule priorities). What a change means (a new revision, a replacement) is decided
//! by `service::change`; this room writes its answer into the plan.

use std::collections::BTreeMap;

use crate::aws::clients::Clients;
use crate::service::change::plan_update;
use crate::service::checks;
use crate::service::expand::{AlarmMetric, ChildKey, DeploymentStrategy, ScalingMetric, Shape};
use crate::service::names::ChildNames;
use crate::service::spec::LoadBalancerKind;
use crate::service::state::{ChildIds, children_value};
use crate::tfplugin::{Diagnostic, Diagnostics, PlanRequest, PlanResponse};
use crate::value::{AttributePath, Value};

use super::{ProductionService, expansion_of, set_attr};

/// The plan-time checks of `config`. Validation ran them already; errors are repeated because
/// inputs unknown then may be known now (the plan during apply), and an error must stop the
/// apply. A configuration that leaves `deployment_strategy` out is checked again under the
/// strategy the plan chose (validation cannot know it: it depends on the state), and what that
/// adds is reported too.
pub(super) fn plan_checks(config: &Value, planned: &Value) -> Diagnostics {
    let at_validation = checks::check(config);
    let strategy = planned.get("deployment_strategy");
    if !config.get("deployment_strategy").is_null() || strategy.is_null() {
        return at_validation
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
    }
    let mut with_strategy = config.clone();
    set_attr(&mut with_strategy, "deployment_strategy", strategy.clone());
    checks::check(&with_strategy)
        .into_iter()
        .filter(|d| d.is_error() || !at_validation.0.contains(d))
        .collect()
}

/// Computed attributes that describe children, and the child keys they depend on.
const CHILD_ATTRIBUTES: &[&str] = &[
    "service_arn",
    "task_definition_arn",
    "task_definition_revision",
    "execution_role_arn",
    "task_role_arn",
    "infrastructure_role_arn",
    "log_group_name",
    "blue_target_group_arn",
    "green_target_group_arn",
    "production_listener_rule_arn",
    "test_listener_rule_arn",
    "codedeploy_application_name",
    "codedeploy_deployment_group_name",
    "service_discovery_arn",
    "dns_name",
    "live_target_group",
];

pub(super) async fn plan(service: &ProductionService, request: PlanRequest) -> PlanResponse {
    let prior = &request.prior_state;
    let mut planned = request.proposed_new_state;
    service
        .schema
        .block
        .apply_defaults(&mut planned, &request.config);
    crate::service::defaults::fill_load_balancer_protocols(&mut planned, Some(&request.config));
    if request.config.get("deployment_strategy").is_null() {
        let strategy = DeploymentStrategy::planned_when_unset(prior);
        set_attr(
            &mut planned,
            "deployment_strategy",
            Value::string(strategy.name()),
        );
    }
    if let (Some(name), Value::Object(_)) = (
        planned.get("name").as_str().map(str::to_owned),
        planned.get("container").get("log"),
    ) && planned.get("container").get("log").get("group").is_null()
        && let Value::Object(root) = &mut planned
        && let Some(Value::Object(container)) = root.get_mut("container")
        && let Some(Value::Object(log)) = container.get_mut("log")
    {
        log.insert("group".to_owned(), Value::string(format!("/ecs/{name}")));
    }
    let shape = shape_of(&planned);
    let desired_children = shape
        .as_ref()
        .map(|s| children_value(s, |_| true))
        .unwrap_or_else(Value::unknown);
    let mut requires_replace = Vec::new();
    let mut drift_warnings = Vec::new();
    let mut cost_shown = false;
    if prior.is_null() {
        for a in service
            .schema
            .block
            .attributes
            .iter()
            .filter(|a| a.computed && !a.optional)
        {
            set_attr(&mut planned, &a.name, Value::unknown());
        }
        if let (Some(cluster), Some(name)) = (
            planned.get("cluster").as_str(),
            planned.get("name").as_str(),
        ) {
            let id = Value::string(format!("{cluster}/{name}"));
            set_attr(&mut planned, "id", id);
        }
        set_attr(&mut planned, "children", desired_children);
        let preview = crate::service::change::preview(prior, &planned, false);
        set_attr(&mut planned, "next_rollout", preview);
        cost_shown = true;
    } else {
        if prior.get("children") != &desired_children {
            // Children to (re)create: what they will be called is only known after apply.
            set_attr(&mut planned, "children", desired_children);
            for a in CHILD_ATTRIBUTES {
                if prior.get(a).is_null() || *a == "dns_name" || *a == "service_discovery_arn" {
                    set_attr(&mut planned, a, Value::unknown());
                }
            }
        }
        let prior_ids = ChildIds::from_private(&request.prior_private);
        for note in &prior_ids.drift {
            drift_warnings.push(Diagnostic::warning(
                "Changed outside Terraform",
                note.clone(),
            ));
        }
        if !prior_ids.pending.is_empty() {
            // Children to bring up to date (follow-up calls that failed, drift only the
            // provider sees): the apply settles them.
            set_attr(&mut planned, "children", Value::unknown());
        }
        // What the change means (a new revision, a strategy switch, a replacement) is the
        // domain's decision; the plan writes it in.
        let change = plan_update(prior, &planned, DeploymentStrategy::switches_in_place);
        // The preview of what the apply does; a plan without a change keeps the last one, so
        // the plan after an apply is empty.
        if settings_differ(&service.schema.block, prior, &planned) {
            let new_revision = crate::service::change::needs_new_revision(prior, &planned);
            let preview = crate::service::change::preview(prior, &planned, new_revision);
            set_attr(&mut planned, "next_rollout", preview);
            cost_shown = true;
        }
        for a in change.unknown {
            set_attr(&mut planned, a, Value::unknown());
        }
        requires_replace.extend(change.requires_replace);
        drift_warnings.extend(change.warnings);
    }
    // The cost, from the committed prices: written when the preview is, held against the
    // budget at every plan that has one; an unchanged service without a budget prices nothing.
    let budget = planned.get("max_monthly_cost").clone();
    let cost = (cost_shown || !budget.is_null()).then(|| {
        crate::service::change::monthly_cost(
            &planned,
            service.price_region(&planned).as_deref(),
            crate::service::facts::prices::price_table(),
        )
    });
    if cost_shown && let Some(cost) = &cost {
        set_attr(
            &mut planned,
            "monthly_cost",
            crate::service::change::cost_value(cost),
        );
    }
    let mut diagnostics = plan_checks(&request.config, &planned);
    if let Some(cost) = &cost {
        diagnostics.extend(checks::cost_diagnostics(cost, &budget, cost_shown));
    }
    // Only the plan knows the provider's default tags beside the resource's.
    if let Some(configured) = service.configured_now() {
        diagnostics.extend(crate::service::tag_checks::check_merged(
            &configured.settings.default_tags,
            &request.config,
        ));
    }
    if !diagnostics.has_errors() {
        // The plan-time lookups are independent: one round.
        let (subnets, priorities) = tokio::join!(
            service.check_subnets(&planned),
            service.check_rule_priority(prior, &planned, &request.prior_private),
        );
        diagnostics.extend(subnets);
        diagnostics.extend(priorities);
        if cost_shown
            && planned.get("next_rollout").get("action").as_str().is_some()
            && let Some(configured) = service.configured_now()
        {
            // The subnets were looked up for their check in this round: the preview's peak
            // is set against what they have free.
            let free = crate::fargate::network_checks::free_addresses(&configured, &planned);
            if let Value::Object(m) = &mut planned
                && let Some(preview) = m.get_mut("next_rollout")
            {
                crate::service::change::with_free_addresses(preview, free);
            }
        }
    }
    diagnostics.extend(Diagnostics(drift_warnings));
    let codedeploy =
        |v: &Value| DeploymentStrategy::of(v).is_some_and(DeploymentStrategy::uses_codedeploy);
    if !prior.is_null() && planned != *prior && (codedeploy(prior) || codedeploy(&planned)) {
        // The AppSpec names the revision, network, capacity and hooks: whatever the apply
        // changes, it is known again after it.
        set_attr(&mut planned, "appspec", Value::unknown());
    }
    PlanResponse {
        planned_state: planned,
        planned_private: request.prior_private,
        requires_replace,
        diagnostics,
    }
}

impl ProductionService {
    /// The Region a service's prices are looked up in: its listener's, or without a load
    /// balancer the provider's. `None` while either is unknown.
    fn price_region(&self, planned: &Value) -> Option<String> {
        let spec = crate::service::spec::ServiceSpec::from_value(planned).ok()?;
        let home = self.configured_now().and_then(|c| {
            c.sdk
                .region()
                .map(|r| crate::service::expand::Placement::in_account(r.as_ref(), ""))
        });
        crate::service::expand::Placement::of_service(&spec, home.as_ref())
            .ok()
            .map(|p| p.region)
    }

    /// configured, and each lookup that fails gives one warning that its check was skipped.
    async fn check_subnets(&self, planned: &Value) -> Diagnostics {
        let configured = match self.configured.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        match configured {
            Some(configured) => crate::fargate::network_checks::check(&configured, planned).await,
            None => Diagnostics::new(),
        }
    }

    /// Listener-rule priorities are unique per listener: with the listeners known, a priority
    /// (derived or set) held by a rule that is not this service's stops the plan at
    /// `listener_rule_priority`, instead of AWS's bare PriorityInUse halfway through an apply.
    async fn check_rule_priority(
        &self,
        prior: &Value,
        planned: &Value,
        prior_private: &[u8],
    ) -> Diagnostics {
        let Ok((_, exp)) = expansion_of(planned, &BTreeMap::new(), None) else {
            return Diagnostics::new();
        };
        let Some(lb) = &exp.load_balancing else {
            return Diagnostics::new();
        };
        let unchanged = expansion_of(prior, &BTreeMap::new(), None).is_ok_and(|(_, old)| {
            old.load_balancing.as_ref().is_some_and(|o| {
                o.production_rule == lb.production_rule && o.test_rule == lb.test_rule
            })
        });
        if unchanged {
            return Diagnostics::new();
        }
        let Some(configured) = self.configured_now() else {
            return Diagnostics::new();
        };
        let clients = Clients::new(&configured.sdk, &configured.settings.endpoints);
        let mine = ChildIds::from_private(prior_private);
        let at = AttributePath::attr("load_balancer").join_attr("listener_rule_priority");
        // The listeners the service has rules on (a rolling service has no test listener),
        // read at once.
        let (listeners, rules): (Vec<_>, Vec<_>) = std::iter::once(&lb.production_rule)
            .chain(lb.test_rule.as_ref())
            .partition(|r| r.whole_listener);
        // Every listener's lookup in one round: an NLB's default action, an ALB's rules.
        let free = futures::future::join_all(listeners.iter().map(|rule| {
            let attr = if std::ptr::eq(*rule, &lb.production_rule) {
                "production_listener_arn"
            } else {
                "test_listener_arn"
            };
            listener_free(&clients, &rule.listener_arn, attr, &mine)
        }));
        let holders = futures::future::join_all(rules.iter().map(|rule| {
            crate::aws::listener_rule::holding_priority(&clients, &rule.listener_arn, rule.priority)
        }));
        let (free, holders) = futures::join!(free, holders);
        let mut out = Diagnostics::new();
        for diagnostics in free {
            out.extend(diagnostics);
        }
        for (rule, holder) in rules.into_iter().zip(holders) {
            match holder {
                Ok(Some((arn, targets)))
                    if Some(arn.as_str()) != mine.get(ChildKey::ProductionListenerRule)
                        && Some(arn.as_str()) != mine.get(ChildKey::TestListenerRule)
                        // One left by an interrupted apply of this service is adopted.
                        && crate::aws::listener_rule::owner(&clients, &arn)
                            .await
                            .ok()
                            .flatten()
                            != Some(crate::aws::discover::owner_of(&exp)) =>
                {
                    out.push(
                        Diagnostic::error(
                            "Listener rule priority in use",
                            format!(
                                "Priority {} on listener {} is held by rule {arn} (forwarding to {}), which is not \
                                 this service's. Set load_balancer.listener_rule_priority to a priority that is free \
                                 on both listeners (1-50000).",
                                rule.priority,
                                rule.listener_arn,
                                if targets.is_empty() { "no target group".to_owned() } else { targets.join(", ") },
                            ),
                        )
                        .at(at.clone()),
                    );
                }
                Ok(_) => {}
                Err(e) => {
                    out.push(
                        Diagnostic::warning(
                            "Listener rule priority check skipped",
                            format!(
                                "Could not read the rules of listener {} ({e}); the plan goes on without \
                                 checking that priority {} is free.",
                                rule.listener_arn, rule.priority
                            ),
                        )
                        .at(at.clone()),
                    );
                }
            }
        }
        out
    }
}

/// Whether any setting (an attribute the configuration can set, or a block) differs between the
/// prior state and the plan: computed attributes alone never do.
fn settings_differ(block: &crate::tfplugin::Block, prior: &Value, planned: &Value) -> bool {
    let settings = block
        .attributes
        .iter()
        .filter(|a| !a.computed || a.optional)
        .map(|a| a.name.as_str())
        .chain(block.blocks.iter().map(|b| b.name.as_str()));
    settings
        .into_iter()
        .any(|name| prior.get(name) != planned.get(name))
}

/// A Network Load Balancer listener serves one service: one whose default action forwards to a
/// group with registered targets that is not this service's stops the plan at the listener.
async fn listener_free(
    clients: &Clients,
    listener: &str,
    attr: &str,
    mine: &ChildIds,
) -> Diagnostics {
    use crate::aws::listener_default_action::{read, serving_others};
    let at = AttributePath::attr("load_balancer").join_attr(attr);
    let ours = crate::aws::discover::target_groups(mine);
    let found = match read(clients, listener).await {
        Ok(Some(forwarding)) => serving_others(clients, &forwarding, &ours).await,
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match found {
        Ok(None) => Diagnostics::new(),
        Ok(Some((group, targets))) => Diagnostics(vec![
            Diagnostic::error(
                "Listener serves another service",
                format!(
                    "The Network Load Balancer listener {listener} forwards to target group {group}, which has \
                     {targets} registered targets: it serves another service. An NLB listener routes by port \
                     alone and serves one service: give this one a listener of its own, created forwarding to an \
                     empty target group (the resource hands the listener back to it on destroy) (check \
                     `listener-serves-another`).",
                ),
            )
            .at(at),
        ]),
        Err(e) => Diagnostics(vec![
            Diagnostic::warning(
                "Listener check skipped",
                format!(
                    "Could not read listener {listener} ({e}); the plan goes on without checking that it serves \
                     no other service."
                ),
            )
            .at(at),
        ]),
    }
}

/// The shape (which children, named how) of a possibly partly unknown value, when the parts it
/// depends on are known.
fn shape_of(value: &Value) -> Option<Shape> {
    let name = value.get("name").as_str()?;
    let log = value.get("container").get("log").get("group");
    let log_group = match log {
        Value::String(s) => s.clone(),
        Value::Null => format!("/ecs/{name}"),
        _ => return None,
    };
    let discovery = match value.get("service_discovery") {
        Value::Unknown(_) => return None,
        v => !v.is_null(),
    };
    let autoscaling = value.get("autoscaling");
    let mut scaling_metrics = Vec::new();
    if autoscaling.is_unknown() {
        return None;
    }
    for (attr, metric) in [
        ("requests_per_target", ScalingMetric::Requests),
        ("cpu_target", ScalingMetric::Cpu),
        ("memory_target", ScalingMetric::Memory),
    ] {
        match autoscaling.get(attr) {
            Value::Unknown(_) => return None,
            Value::Null => {}
            _ => scaling_metrics.push(metric),
        }
    }
    let alarms = value.get("alarms");
    if alarms.is_unknown() {
        return None;
    }
    let mut alarm_metrics = Vec::new();
    if !alarms.is_null() {
        for metric in AlarmMetric::ALL {
            let default = metric.default_threshold() as f64;
            let threshold = match alarms.get(metric.attribute()) {
                Value::Unknown(_) => return None,
                Value::Null => default,
                // A rate may be a fraction of a percent.
                v => v.as_number().map_or(default, |n| n.as_f64()),
            };
            if threshold > 0.0 {
                alarm_metrics.push(metric);
            }
        }
    }
    let strategy = DeploymentStrategy::of(value)?;
    let lb = value.get("load_balancer");
    let load_balanced = match lb {
        Value::Unknown(_) => return None,
        v => !v.is_null(),
    };
    let test_listener = match lb.get("test_listener_arn") {
        Value::Unknown(_) => return None,
        v => !v.is_null(),
    };
    // An NLB publishes only some of the metrics the alarms watch, and has no rules.
    let mut listener_default_actions = false;
    if load_balanced {
        let kind = match lb.get("production_listener_arn") {
            Value::String(arn) => LoadBalancerKind::of_listener(arn)?,
            _ => return None,
        };
        alarm_metrics.retain(|m| m.published_behind(kind));
        listener_default_actions = kind == LoadBalancerKind::Network;
    }
    Some(Shape {
        names: ChildNames::for_service(name),
        log_group,
        strategy,
        load_balanced,
        test_listener,
        listener_default_actions,
        discovery,
        autoscaling: !autoscaling.is_null(),
        scaling_metrics,
        alarm_metrics,
    })
}
