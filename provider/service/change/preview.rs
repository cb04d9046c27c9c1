//! The roll-out preview the plan shows as `next_rollout`: what the apply will do to the running
//! service (create it, update it in place, or roll out a new revision, and why), the
//! strategy's steps with the minutes each waits, the peak task count, what rolls it back, and
//! the expected minutes. Each strategy family describes its own steps
//! (`strategy::Family::steps`); this file only says which of them the change takes.

use crate::value::{Type, Value};

use super::{ROLLOUT_PATHS, comparable_expansion};
use crate::service::expand::DeploymentStrategy;
use crate::service::spec::ServiceSpec;
use crate::service::strategy::{RolloutStep, breaker_threshold};

/// The type of `next_rollout`.
pub fn preview_type() -> Type {
    Type::object([
        ("action", Type::String),
        ("reason", Type::String),
        ("strategy", Type::String),
        (
            "steps",
            Type::list(Type::object([
                ("what", Type::String),
                ("minutes", Type::Number),
            ])),
        ),
        ("minutes", Type::Number),
        ("peak_tasks", Type::Number),
        ("peak_enis", Type::Number),
        ("free_addresses", Type::Number),
        ("rolls_back_on", Type::list(Type::String)),
    ])
}

/// Writes into a preview the addresses free in the service's subnets, as the plan's subnet
/// lookup found them (null when it could not look).
pub fn with_free_addresses(preview: &mut Value, free: Option<i64>) {
    if let Value::Object(m) = preview {
        m.insert(
            "free_addresses".to_owned(),
            free.map_or(Value::Null, Value::int),
        );
    }
}

/// What applying `planned` over `prior` (null before creation, and for the new object of a
/// replacement) does, given whether a new revision rolls out. Unknown while `planned` is not
/// wholly known: never a guess.
pub fn preview(prior: &Value, planned: &Value, new_revision: bool) -> Value {
    let Ok(spec) = ServiceSpec::from_value(planned) else {
        return Value::unknown();
    };
    let strategy = spec.deployment_strategy;
    let count = spec.desired_count;
    let (action, reason, steps, peak) = if prior.is_null() {
        (
            "create",
            // A replacement is planned as a create too (Terraform plans the new object with no
            // prior state); the plan's own "forces replacement" names the attribute.
            "a new service, or the new one of a replacement".to_owned(),
            vec![RolloutStep::new(format!("start {count} tasks"), 0)],
            count,
        )
    } else if new_revision {
        let changed: Vec<&str> = ROLLOUT_PATHS
            .iter()
            .copied()
            .filter(|p| prior.get(p) != planned.get(p))
            .collect();
        (
            "deployment",
            if changed.is_empty() {
                "the task definition or the service revision changes".to_owned()
            } else {
                format!("{} changed: a new revision rolls out", changed.join(", "))
            },
            (strategy.family().steps)(strategy, &spec),
            peak_tasks(strategy, &spec),
        )
    } else {
        (
            "update in place",
            "no new revision: the service and its children change in place".to_owned(),
            Vec::new(),
            count,
        )
    };
    let minutes: i64 = steps.iter().map(|s| s.minutes).sum();
    Value::object([
        ("action", Value::string(action)),
        ("reason", Value::string(reason)),
        ("strategy", Value::string(strategy.name())),
        (
            "steps",
            Value::List(
                steps
                    .into_iter()
                    .map(|s| {
                        Value::object([
                            ("what", Value::string(s.what)),
                            ("minutes", Value::int(s.minutes)),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("minutes", Value::int(minutes)),
        ("peak_tasks", Value::int(peak)),
        // "Each Amazon ECS task that is hosted on Fargate ... has its own elastic network
        // interface (ENI)" with a private address of the subnet (Fargate task networking,
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
        ("peak_enis", Value::int(peak)),
        ("free_addresses", Value::Null),
        (
            "rolls_back_on",
            Value::List(
                rolls_back_on(planned, &spec)
                    .into_iter()
                    .map(Value::string)
                    .collect(),
            ),
        ),
    ])
}

/// The tasks running at a deployment's peak: the new set beside the old, or a rolling update's
/// `maximum_percent` of the count (rounded down, as ECS does).
pub(super) fn peak_tasks(strategy: DeploymentStrategy, spec: &ServiceSpec) -> i64 {
    let percent = strategy.peak_percent(spec.ecs_deployment.maximum_percent);
    spec.desired_count * percent / 100
}

/// What stops and rolls a roll-out back: the alarms wired into it (the service's own, then the
/// user's) and, for a rolling update with the breaker on, the circuit breaker's threshold at
/// the desired count.
fn rolls_back_on(planned: &Value, spec: &ServiceSpec) -> Vec<String> {
    let Some(exp) = comparable_expansion(planned) else {
        return Vec::new();
    };
    let mut out: Vec<String> = match &exp.ecs_service.deployment {
        Some(d) => d.alarm_names.clone(),
        None => exp.deployment_group.alarm_names.clone(),
    }
    .into_iter()
    .map(|name| format!("alarm {name}"))
    .collect();
    if let Some(d) = &exp.ecs_service.deployment
        && d.circuit_breaker
    {
        let t = &d.circuit_breaker_threshold;
        out.push(format!(
            "circuit breaker: {} failed tasks ({} {} at {} desired)",
            breaker_threshold(&t.kind, t.value, spec.desired_count),
            t.kind,
            t.value,
            spec.desired_count
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::testing::service_value;

    const LISTENER: &str =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188";

    fn service(strategy: &str) -> Value {
        let test = (strategy != "rolling").then(|| format!("{LISTENER}/0467ef3c8400ae65"));
        service_value(
            strategy,
            &format!("{LISTENER}/f2f7dc8efc522ab2"),
            test.as_deref(),
        )
    }

    fn steps(v: &Value) -> Vec<(String, i64)> {
        v.get("steps")
            .elements()
            .unwrap_or_default()
            .iter()
            .map(|s| {
                (
                    s.get("what").as_str().unwrap_or_default().to_owned(),
                    s.get("minutes").as_i64().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_new_revision_previews_the_strategy_steps_and_the_peak() {
        let canary = service("canary");
        let p = preview(&canary, &canary, true);
        assert_eq!(p.get("action").as_str(), Some("deployment"));
        let s = steps(&p);
        assert!(
            s.iter()
                .any(|(w, m)| w.starts_with("production: 10 % for 10 min") && *m == 10),
            "{s:?}"
        );
        assert_eq!(
            s.last().map(|(_, m)| *m),
            Some(5),
            "the bake ends it: {s:?}"
        );
        // 10 min of canary and a 5-minute bake.
        assert_eq!(p.get("minutes").as_i64(), Some(15));
        let desired = canary.get("desired_count").as_i64().unwrap_or(2);
        assert_eq!(p.get("peak_tasks").as_i64(), Some(desired * 2));
        // A rolling update peaks at maximum_percent and rolls back on its circuit breaker.
        let rolling = service("rolling");
        let p = preview(&rolling, &rolling, true);
        assert_eq!(p.get("peak_tasks").as_i64(), Some(desired * 2));
        let back = p.get("rolls_back_on").elements().unwrap_or_default();
        assert!(
            back.iter().any(|b| b
                .as_str()
                .is_some_and(|b| b.starts_with("circuit breaker: 3 failed tasks"))),
            "{back:?}"
        );
    }

    #[test]
    fn what_is_not_a_roll_out_says_so() {
        let v = service("blue_green");
        let p = preview(&Value::Null, &v, false);
        assert_eq!(p.get("action").as_str(), Some("create"));
        let p = preview(&v, &v, false);
        assert_eq!(p.get("action").as_str(), Some("update in place"));
        assert_eq!(p.get("minutes").as_i64(), Some(0));
        // An unknown input: no guess.
        let mut unknown = v.clone();
        if let Value::Object(m) = &mut unknown {
            m.insert("desired_count".to_owned(), Value::unknown());
        }
        assert!(preview(&v, &unknown, true).is_unknown());
    }
}
