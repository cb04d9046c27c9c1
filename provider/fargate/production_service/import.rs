//! The resource's import: a `<cluster>/<service>` ID becomes a full state, read from AWS
//! (the service, how traffic reaches it, its children found by their derived names).

use std::collections::BTreeMap;

use crate::aws::clients::Clients;
use crate::aws::lifecycle;
use crate::service::expand::{DeploymentStrategy, Placement};
use crate::service::names::ChildNames;
use crate::service::state::{ChildIds, set_computed};
use crate::tfplugin::{Diagnostic, Diagnostics, ImportResponse, StopSignal};
use crate::value::Value;

use super::{ProductionService, discover, expansion_of};
use crate::fargate::imported_state::{ImportedRouting, imported_state};

pub(super) async fn import(
    service: &ProductionService,
    id: &str,
    _stop: StopSignal,
) -> ImportResponse {
    let fail = |summary: &str, detail: String| ImportResponse {
        diagnostics: Diagnostic::error(summary, detail).into(),
        ..ImportResponse::default()
    };
    let Some((cluster, name)) = id
        .rsplit_once('/')
        .filter(|(c, n)| !c.is_empty() && !n.is_empty())
    else {
        return fail(
            "Invalid import ID",
            format!(
                "{id:?} is not of the form <cluster>/<service> (the cluster may be a name or an ARN)."
            ),
        );
    };
    let (configured, clients) = match service.connect().await {
        Ok(v) => v,
        Err(d) => {
            return ImportResponse {
                diagnostics: d.into(),
                ..ImportResponse::default()
            };
        }
    };
    match import_service(&clients, cluster, name, &configured.settings.default_tags).await {
        Ok(Some((state, ids))) => ImportResponse {
            state,
            private: ids.to_private(),
            diagnostics: Diagnostics::new(),
        },
        Ok(None) => fail(
            "Cannot import non-existent remote object",
            format!(
                "There is no active ECS service {name:?} in cluster {cluster:?}, or (under CodeDeploy) it lacks its deployment group."
            ),
        ),
        Err(e) => fail("Importing the service failed", e),
    }
}

/// Reads a service and its children from AWS into a full state.
async fn import_service(
    c: &Clients,
    cluster: &str,
    name: &str,
    default_tags: &BTreeMap<String, String>,
) -> Result<Option<(Value, ChildIds)>, String> {
    use crate::aws::{deployment_group, ecs_service, listener_rule};
    use crate::service::arn::listener_of_rule;
    let names = ChildNames::for_service(name);
    let Some(service) = ecs_service::read(c, cluster, name)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let controller = service.deployment_controller.as_deref().unwrap_or("ECS");
    let Some(strategy) =
        DeploymentStrategy::from_ecs(controller, service.deployment.as_ref().map(|d| d.strategy))
    else {
        return Err(format!(
            "the service's deployment controller is {controller}; the resource manages CODE_DEPLOY and ECS services"
        ));
    };
    // Where traffic comes from: CodeDeploy's group names the listeners; ECS-native blue/green
    // names the rules; a rolling service only its target group.
    let (production_listener, test_listener) = if strategy
        .has_child(crate::service::expand::ChildKey::DeploymentGroup)
    {
        let Some(dg) =
            deployment_group::read(c, &names.codedeploy_application, &names.deployment_group)
                .await
                .map_err(|e| e.to_string())?
        else {
            return Ok(None);
        };
        (dg.production_listener_arn, dg.test_listener_arn)
    } else if let Some(a) = &service.advanced {
        let production = listener_of_rule(&a.production_rule).ok_or_else(|| {
            format!(
                "the service's production listener rule {:?} is not a listener rule ARN",
                a.production_rule
            )
        })?;
        (
            Some(production),
            a.test_rule.as_deref().and_then(listener_of_rule),
        )
    } else if let Some(tg) = &service.load_balancer_target_group {
        let Some((listener, _)) = listener_rule::forwarding_to(c, tg)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Err(format!(
                "no listener rule forwards to the service's target group {tg}"
            ));
        };
        (Some(listener), None)
    } else if !strategy.shifts_traffic() {
        // A worker: one target group at most, and here none (no load balancer at all).
        (None, None)
    } else {
        return Err(format!(
            "the service has no load balancer; only a rolling service may go without one, and this one's \
             deployment strategy is {}",
            strategy.name()
        ));
    };
    let routing = ImportedRouting {
        strategy,
        production_listener,
        test_listener,
    };
    // A provisional state gives the expansion (names, listeners) to discover and observe with.
    let skeleton = provisional_state(cluster, name, &routing);
    // The service's own ARN places one without a load balancer.
    let home = Placement::from_arn(&service.arn);
    let (_, mut exp) =
        expansion_of(&skeleton, default_tags, home.as_ref()).map_err(|d| d.detail)?;
    // A child the user named (the log group) is found under the name the service's task
    // definition reports, which the provisional state cannot know: when the imported settings
    // name a child otherwise, it is looked for again under that name.
    let mut rounds = 0;
    let (observed, mut state) = loop {
        let ids = discover(c, &exp).await.map_err(|e| e.to_string())?;
        let observed = lifecycle::observe(c, &exp, &ids)
            .await
            .map_err(|e| e.to_string())?;
        let state = imported_state(cluster, name, &observed, default_tags, &routing);
        let (_, imported) = expansion_of(&state, default_tags, home.as_ref())
            .map_err(|d| format!("{}: {}", d.summary, d.detail))?;
        let before = exp.children();
        let renamed = imported.children().iter().any(|child| {
            before
                .iter()
                .any(|b| b.key == child.key && b.name != child.name)
        });
        exp = imported;
        rounds += 1;
        if !renamed || rounds == 2 {
            break (observed, state);
        }
    };
    // What only the provider compares (deployment configuration, alarms, rule weights) is
    // judged against the imported settings, not the provisional ones.
    let mut observed = observed;
    if !observed.ids.pending.is_empty() {
        let mut ids = observed.ids.clone();
        ids.pending.clear();
        ids.drift.clear();
        observed = lifecycle::observe(c, &exp, &ids)
            .await
            .map_err(|e| e.to_string())?;
    }
    // The provisional settings scale on nothing, so the metrics' resolution was not read: a
    // service that scales on CPU or memory under the ECS controller reads it now.
    if let Some(s) = observed.service.as_ref()
        && s.high_resolution_metrics.is_none()
        && s.deployment_controller.as_deref() == Some("ECS")
        && exp
            .scaling_policies
            .iter()
            .any(|p| p.metric.ecs_metric_name().is_some())
        && let Some(published) = ecs_service::high_resolution_metrics(c, s)
            .await
            .map_err(|e| e.to_string())?
        && let Some(high) =
            crate::fargate::observed_state::high_resolution_of(&observed, &names, &published)
        && let Value::Object(root) = &mut state
        && let Some(Value::Object(autoscaling)) = root.get_mut("autoscaling")
    {
        autoscaling.insert("high_resolution".to_owned(), Value::Bool(high));
    }
    set_computed(
        &mut state,
        &exp.shape(),
        &observed.ids,
        observed.live,
        cluster,
    );
    let appspec = crate::service::appspec::appspec_attribute(
        &exp,
        observed
            .ids
            .get(crate::service::expand::ChildKey::TaskDefinition),
    );
    super::set_attr(&mut state, "appspec", appspec);
    Ok(Some((state, observed.ids)))
}

fn provisional_state(cluster: &str, name: &str, routing: &ImportedRouting) -> Value {
    Value::object([
        ("name", Value::string(name)),
        ("cluster", Value::string(cluster)),
        (
            "deployment_strategy",
            Value::string(routing.strategy.name()),
        ),
        (
            "task",
            Value::object([("cpu", Value::int(256)), ("memory", Value::int(512))]),
        ),
        (
            "container",
            Value::object([
                ("name", Value::string("app")),
                ("image", Value::string("placeholder")),
                ("port", Value::int(80)),
            ]),
        ),
        ("network", Value::object([])),
        (
            "load_balancer",
            match &routing.production_listener {
                Some(listener) => Value::object([
                    ("vpc_id", Value::string("")),
                    ("production_listener_arn", Value::string(listener.clone())),
                    (
                        "test_listener_arn",
                        routing
                            .test_listener
                            .clone()
                            .map(Value::string)
                            .unwrap_or(Value::Null),
                    ),
                ]),
                None => Value::Null,
            },
        ),
        ("service_discovery", Value::Null),
    ])
}
