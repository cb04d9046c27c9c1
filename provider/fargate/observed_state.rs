//! Between what AWS reports and the resource's state: drift written into a stored state on
//! refresh (a whole state for an imported service is `imported_state`).

use std::collections::BTreeMap;

use crate::aws::lifecycle::Observed;
use crate::service::expand::{ScalingMetric, TaskDefinitionDef};
use crate::service::names::ChildNames;
use crate::value::{Number, Value};

use super::observed_task::apply_task_drift;

/// Sets `path` in `state` when every object on the way exists (a null block stays null).
pub(super) fn set(state: &mut Value, path: &[&str], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = state;
    for p in parents {
        match at {
            Value::Object(m) => match m.get_mut(*p) {
                Some(v @ Value::Object(_)) => at = v,
                _ => return,
            },
            _ => return,
        }
    }
    if let Value::Object(m) = at {
        m.insert((*last).to_owned(), new);
    }
}

pub(super) fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::string(s.clone())).collect())
}

pub(super) fn string_map(m: &BTreeMap<String, String>) -> Value {
    Value::Map(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::string(v.clone())))
            .collect(),
    )
}

/// A map attribute as the user would have written it: null when AWS has nothing and the state
/// had null, so an absent `environment` does not turn into `{}`.
pub(super) fn map_like(prior: &Value, m: &BTreeMap<String, String>) -> Value {
    if m.is_empty() && prior.is_null() {
        Value::Null
    } else {
        string_map(m)
    }
}

pub(super) fn number(f: f64) -> Value {
    Value::Number(Number::from_f64(f))
}

/// Puts the containers' images of `from` back into `state` (the application's and each
/// sidecar's, by position): what a refresh does when a pipeline owns the images.
pub fn keep_images(state: &mut Value, from: &Value) {
    set(
        state,
        &["container", "image"],
        from.get("container").get("image").clone(),
    );
    let images: Vec<Value> = from
        .get("sidecar")
        .elements()
        .unwrap_or_default()
        .iter()
        .map(|s| s.get("image").clone())
        .collect();
    if let Value::Object(m) = state
        && let Some(Value::List(sidecars)) = m.get_mut("sidecar")
    {
        for (sidecar, image) in sidecars.iter_mut().zip(images) {
            set(sidecar, &["image"], image);
        }
    }
}

/// Writes the observed settings over the stored ones, so the next plan shows drift. Settings
/// AWS cannot tell us (provider-only ones) keep their stored values.
pub fn apply_drift(
    state: &mut Value,
    o: &Observed,
    autoscaled: bool,
    expected: &TaskDefinitionDef,
) {
    if let Some(s) = &o.service {
        set(
            state,
            &["enable_execute_command"],
            Value::Bool(s.enable_execute_command),
        );
        // Application Auto Scaling owns the running count of an autoscaled service.
        if !autoscaled {
            set(state, &["desired_count"], Value::int(s.desired_count));
        }
        if let Some(g) = s.health_check_grace_period {
            set(
                state,
                &["load_balancer", "health_check_grace_period"],
                Value::int(g),
            );
        }
        set(state, &["network", "subnets"], strings(&s.subnets));
        set(
            state,
            &["network", "security_groups"],
            strings(&s.security_groups),
        );
        set(
            state,
            &["network", "assign_public_ip"],
            Value::Bool(s.assign_public_ip),
        );
    }
    if let Some(td) = &o.task_definition {
        set(state, &["task", "cpu"], Value::int(td.cpu));
        set(state, &["task", "memory"], Value::int(td.memory));
        set(
            state,
            &["task", "cpu_architecture"],
            Value::string(td.cpu_architecture.clone()),
        );
        set(
            state,
            &["task", "ephemeral_storage_gib"],
            Value::int(td.ephemeral_storage_gib),
        );
        apply_task_drift(state, td, expected);
    }
    if let Some(ct) = o.task_definition.as_ref().and_then(|td| td.app()) {
        set(
            state,
            &["container", "image"],
            Value::string(ct.image.clone()),
        );
        let env = map_like(state.get("container").get("environment"), &ct.environment);
        set(state, &["container", "environment"], env);
        let secrets = map_like(state.get("container").get("secrets"), &ct.secrets);
        set(state, &["container", "secrets"], secrets);
        if let Some(stop) = ct.stop_timeout {
            set(state, &["container", "stop_timeout"], Value::int(stop));
        }
        set(
            state,
            &["container", "init_process_enabled"],
            Value::Bool(ct.init_process_enabled),
        );
        set(
            state,
            &["container", "readonly_root_filesystem"],
            Value::Bool(ct.readonly_root_filesystem),
        );
        if let Some(h) = &ct.health_check {
            set(
                state,
                &["container", "health_check", "command"],
                strings(&h.command),
            );
            set(
                state,
                &["container", "health_check", "interval"],
                Value::int(h.interval),
            );
            set(
                state,
                &["container", "health_check", "timeout"],
                Value::int(h.timeout),
            );
            set(
                state,
                &["container", "health_check", "retries"],
                Value::int(h.retries),
            );
            set(
                state,
                &["container", "health_check", "start_period"],
                Value::int(h.start_period),
            );
        }
        if let Some(mode) = ct.log_options.get("mode") {
            set(
                state,
                &["container", "log", "mode"],
                Value::string(mode.clone()),
            );
        }
        if ct.log_driver == "awslogs" {
            if let Some(prefix) = ct.log_options.get("awslogs-stream-prefix") {
                set(
                    state,
                    &["container", "log", "stream_prefix"],
                    Value::string(prefix.clone()),
                );
            }
            for (attr, option) in [
                ("multiline_pattern", "awslogs-multiline-pattern"),
                ("datetime_format", "awslogs-datetime-format"),
            ] {
                let seen = ct.log_options.get(option).cloned();
                set(
                    state,
                    &["container", "log", attr],
                    seen.map_or(Value::Null, Value::string),
                );
            }
        }
    }
    if let Some(arns) = &o.task_role_managed_policies {
        let mut seen = arns.clone();
        seen.sort();
        let mut stored: Vec<String> = state
            .get("task_role_managed_policy_arns")
            .elements()
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        stored.sort();
        if seen != stored {
            set(state, &["task_role_managed_policy_arns"], strings(arns));
        }
    }
    if let Some(Some(days)) = o.log_retention {
        set(
            state,
            &["container", "log", "retention_days"],
            Value::int(days),
        );
    }
    if let Some(tg) = &o.target_group {
        set(
            state,
            &["load_balancer", "deregistration_delay"],
            Value::int(tg.deregistration_delay),
        );
        // A TCP check has no path or matcher: the state keeps what it holds.
        let http = [
            ("path", tg.health_check_path.clone()),
            ("matcher", tg.health_check_matcher.clone()),
        ];
        for (k, v) in http {
            if let Some(v) = v {
                set(
                    state,
                    &["load_balancer", "health_check", k],
                    Value::string(v),
                );
            }
        }
        set(
            state,
            &["load_balancer", "target_protocol"],
            Value::string(tg.protocol.clone()),
        );
        for (k, v) in [
            ("protocol", Value::string(tg.health_check_protocol.clone())),
            ("interval", Value::int(tg.health_check_interval)),
            ("timeout", Value::int(tg.health_check_timeout)),
            ("healthy_threshold", Value::int(tg.healthy_threshold)),
            ("unhealthy_threshold", Value::int(tg.unhealthy_threshold)),
        ] {
            set(state, &["load_balancer", "health_check", k], v);
        }
    }
    if let Some(rule) = o.production_rule.as_ref().filter(|r| !r.whole_listener) {
        set(
            state,
            &["load_balancer", "path_patterns"],
            strings(&rule.path_patterns),
        );
        if !(rule.host_headers.is_empty()
            && state.get("load_balancer").get("host_headers").is_null())
        {
            set(
                state,
                &["load_balancer", "host_headers"],
                strings(&rule.host_headers),
            );
        }
    }
    if let Some(dg) = &o.deployment_group {
        set(
            state,
            &["blue_green", "deployment_config"],
            Value::string(dg.deployment_config.clone()),
        );
        set(
            state,
            &["blue_green", "termination_wait_minutes"],
            Value::int(dg.termination_wait_minutes),
        );
        set(
            state,
            &["blue_green", "auto_rollback_events"],
            strings(&dg.auto_rollback_events),
        );
        set(
            state,
            &["blue_green", "test_traffic_wait_minutes"],
            Value::int(dg.test_traffic_wait_minutes),
        );
        set(
            state,
            &["blue_green", "approve_traffic"],
            Value::Bool(dg.ready_action == "STOP_DEPLOYMENT"),
        );
    }
    if let Some(sd) = &o.discovery {
        set(
            state,
            &["service_discovery", "dns_ttl"],
            Value::int(sd.dns_ttl),
        );
        set(
            state,
            &["service_discovery", "record_type"],
            Value::string(sd.record_type.clone()),
        );
        set(
            state,
            &["service_discovery", "routing_policy"],
            Value::string(sd.routing_policy.clone()),
        );
    }
    if let Some((min, max)) = o.scalable_target {
        set(state, &["autoscaling", "min"], Value::int(min));
        set(state, &["autoscaling", "max"], Value::int(max));
        // What the service publishes is read only where it matters (see EcsServiceKind::read).
        if let (Some(name), Some(published)) = (
            state.get("name").as_str().map(ChildNames::for_service),
            o.service
                .as_ref()
                .and_then(|s| s.high_resolution_metrics.as_ref()),
        ) && let Some(high) = high_resolution_of(o, &name, published)
        {
            set(
                state,
                &["autoscaling", "high_resolution"],
                Value::Bool(high),
            );
        }
    }
}

/// Whether the service scales on 20-second metrics as AWS has it: every CPU and memory policy
/// tracks the metric's HighResolution form and the service publishes that metric every 20
/// seconds (`published`, from its running revision). `None` without such a policy.
pub fn high_resolution_of(o: &Observed, names: &ChildNames, published: &[String]) -> Option<bool> {
    let scaled: Vec<(ScalingMetric, &crate::aws::scaling_policy::ObservedPolicy)> =
        ScalingMetric::ALL
            .into_iter()
            .filter(|m| m.ecs_metric_name().is_some())
            .filter_map(|m| policy_target(o, names, m).map(|p| (m, p)))
            .collect();
    if scaled.is_empty() {
        return None;
    }
    Some(scaled.iter().all(|(m, p)| {
        p.metric.as_deref() == m.high_resolution_metric() && m.published_in(published)
    }))
}

pub(super) fn policy_target<'a>(
    o: &'a Observed,
    names: &ChildNames,
    metric: ScalingMetric,
) -> Option<&'a crate::aws::scaling_policy::ObservedPolicy> {
    let name = match metric {
        ScalingMetric::Requests => &names.requests_policy,
        ScalingMetric::Cpu => &names.cpu_policy,
        ScalingMetric::Memory => &names.memory_policy,
    };
    o.scaling_policies.iter().find(|p| &p.name == name)
}
