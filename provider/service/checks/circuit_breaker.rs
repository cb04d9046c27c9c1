//! The rolling circuit breaker's threshold: a type ECS knows and a value of at least one, and,
//! where the configuration sets it, what it means at the service's task counts: a threshold
//! reached only once as many launches have failed as the service runs tasks, or one failed
//! launch stopping a large service's deployment.

use crate::service::defaults as d;
use crate::service::facts;
use crate::service::schema::one_of;
use crate::service::strategy::{DeploymentStrategy, breaker_threshold};
use crate::value::Value;

use super::shared::{Checker, int, path};

/// From how many tasks a threshold of one failed task is a hair trigger: one slow image pull
/// or one bad host stops the deployment.
const HAIR_TRIGGER_TASKS: i64 = 10;

impl Checker {
    pub(super) fn circuit_breaker(&mut self, c: &Value) {
        let ecs = c.get("ecs_deployment");
        let (kind_v, value_v) = (
            ecs.get("circuit_breaker_threshold_type"),
            ecs.get("circuit_breaker_threshold"),
        );
        if let Some(kind) = kind_v.as_str()
            && !facts::CIRCUIT_BREAKER_THRESHOLD_TYPES
                .values
                .contains(&kind)
        {
            self.error(
                path(&["ecs_deployment", "circuit_breaker_threshold_type"]),
                "Unknown circuit breaker threshold type",
                format!(
                    "{kind:?} is not a threshold type ECS knows: use {} (check `strategy`).",
                    one_of(facts::CIRCUIT_BREAKER_THRESHOLD_TYPES.values)
                ),
            );
            return;
        }
        if let Some(v) = int(value_v)
            && v < 1
        {
            self.error(
                path(&["ecs_deployment", "circuit_breaker_threshold"]),
                "Invalid circuit breaker threshold",
                format!(
                    "circuit_breaker_threshold must be 1 or more; got {v}: at 0 the first failed task \
                     would stop every deployment (check `strategy`)."
                ),
            );
            return;
        }
        let explicit = !kind_v.is_null() || !value_v.is_null();
        let on = ecs.get("circuit_breaker").as_bool() != Some(false);
        let reset_v = ecs.get("circuit_breaker_reset_on_healthy_task");
        if !on {
            for (attr, v) in [
                ("circuit_breaker_threshold_type", kind_v),
                ("circuit_breaker_threshold", value_v),
                ("circuit_breaker_reset_on_healthy_task", reset_v),
            ] {
                if !v.is_null() {
                    self.error(
                        path(&["ecs_deployment", attr]),
                        "Circuit breaker setting without the circuit breaker",
                        format!(
                            "ecs_deployment.{attr} configures the circuit breaker, which circuit_breaker = \
                             false turns off: remove it, or turn the circuit breaker on (check `strategy`)."
                        ),
                    );
                }
            }
            return;
        }
        if !explicit || !on || DeploymentStrategy::of(c) != Some(DeploymentStrategy::Rolling) {
            return;
        }
        let (Some(kind), Some(value)) = (
            kind_v.as_str().or(Some(d::CIRCUIT_BREAKER_THRESHOLD_TYPE)),
            if value_v.is_null() {
                Some(d::CIRCUIT_BREAKER_THRESHOLD)
            } else {
                int(value_v)
            },
        ) else {
            return;
        };
        let counts = task_counts(c);
        if counts.is_empty() {
            return;
        }
        let at = |n: i64| breaker_threshold(kind, value, n);
        let table = counts
            .iter()
            .map(|(what, n)| format!("{} failed tasks at {what} {n}", at(*n)))
            .collect::<Vec<_>>()
            .join(", ");
        let fewest = counts.iter().map(|(_, n)| *n).min().unwrap_or(0);
        let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
        if at(fewest) >= fewest {
            self.warning(
                path(&["ecs_deployment", "circuit_breaker_threshold"]),
                "Circuit breaker trips late",
                format!(
                    "With circuit_breaker_threshold_type {kind:?} and circuit_breaker_threshold {value}, a \
                     deployment stops after {table}: at {fewest} tasks every task fails to start before \
                     the circuit breaker stops it. A COUNT below the task count, or a larger percentage, \
                     stops a bad release sooner (check `breaker-threshold`)."
                ),
            );
        }
        if most >= HAIR_TRIGGER_TASKS && at(most) == 1 {
            self.warning(
                path(&["ecs_deployment", "circuit_breaker_threshold"]),
                "Circuit breaker trips on one task",
                format!(
                    "With circuit_breaker_threshold_type {kind:?} and circuit_breaker_threshold {value}, a \
                     deployment stops after {table}: at {most} tasks one failed launch (a slow image pull, \
                     one bad host) rolls the release back (check `breaker-threshold`)."
                ),
            );
        }
    }
}

/// The task counts the service runs at: `desired_count`, and with autoscaling its `min` and
/// `max`; only those known now.
fn task_counts(c: &Value) -> Vec<(&'static str, i64)> {
    let desired = c.get("desired_count");
    let mut out = Vec::new();
    let desired = if desired.is_null() {
        Some(d::DESIRED_COUNT)
    } else {
        int(desired)
    };
    if let Some(n) = desired {
        out.push(("desired_count", n));
    }
    let scaling = c.get("autoscaling");
    for (what, attr) in [("autoscaling.min", "min"), ("autoscaling.max", "max")] {
        if let Some(n) = int(scaling.get(attr)) {
            out.push((what, n));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, run, warning};
    use crate::value::Value;

    fn rolling(fields: &[(&str, Value)]) -> Vec<(&'static str, String, String)> {
        let mut all = vec![("deployment_strategy", Value::string("rolling"))];
        all.extend(fields.iter().cloned());
        run(|c, v| c.circuit_breaker(v), &all)
    }

    const AT: &str = "ecs_deployment.circuit_breaker_threshold";

    #[test]
    fn a_type_ecs_knows_and_a_value_of_one_or_more() {
        assert_eq!(
            rolling(&[(
                "ecs_deployment.circuit_breaker_threshold_type",
                Value::string("PERCENT")
            )]),
            [error(
                "Unknown circuit breaker threshold type",
                "ecs_deployment.circuit_breaker_threshold_type"
            )]
        );
        assert_eq!(
            rolling(&[("ecs_deployment.circuit_breaker_threshold", Value::int(0))]),
            [error("Invalid circuit breaker threshold", AT)]
        );
        // The edge: one failed task, on a small service, is fine.
        assert_eq!(
            rolling(&[
                (
                    "ecs_deployment.circuit_breaker_threshold_type",
                    Value::string("COUNT")
                ),
                ("ecs_deployment.circuit_breaker_threshold", Value::int(1)),
                ("desired_count", Value::int(4)),
            ]),
            []
        );
    }

    #[test]
    fn a_threshold_reached_only_after_every_task_failed_is_reported() {
        // COUNT 4 at 4 tasks: every task fails first.
        let late = rolling(&[
            (
                "ecs_deployment.circuit_breaker_threshold_type",
                Value::string("COUNT"),
            ),
            ("ecs_deployment.circuit_breaker_threshold", Value::int(4)),
            ("desired_count", Value::int(4)),
        ]);
        assert_eq!(late, [warning("Circuit breaker trips late", AT)]);
        // COUNT 3 at 4 tasks: it trips before.
        let sooner = rolling(&[
            (
                "ecs_deployment.circuit_breaker_threshold_type",
                Value::string("COUNT"),
            ),
            ("ecs_deployment.circuit_breaker_threshold", Value::int(3)),
            ("desired_count", Value::int(4)),
        ]);
        assert_eq!(sooner, []);
        // Bounded: 50 % of autoscaling.min 2 is held at 3.
        let bounded = rolling(&[
            ("ecs_deployment.circuit_breaker_threshold", Value::int(50)),
            ("desired_count", Value::int(4)),
            ("autoscaling.min", Value::int(2)),
            ("autoscaling.max", Value::int(40)),
        ]);
        assert_eq!(bounded, [warning("Circuit breaker trips late", AT)]);
    }

    #[test]
    fn one_failed_task_stopping_a_large_service_is_reported() {
        let hair = |max: i64| {
            rolling(&[
                (
                    "ecs_deployment.circuit_breaker_threshold_type",
                    Value::string("UNBOUNDED_PERCENT"),
                ),
                ("ecs_deployment.circuit_breaker_threshold", Value::int(1)),
                ("desired_count", Value::int(4)),
                ("autoscaling.min", Value::int(4)),
                ("autoscaling.max", Value::int(max)),
            ])
        };
        assert_eq!(hair(9), []);
        assert_eq!(hair(10), [warning("Circuit breaker trips on one task", AT)]);
        // 1 % of 100 tasks is one task too; of 101, two.
        assert_eq!(
            hair(100),
            [warning("Circuit breaker trips on one task", AT)]
        );
        assert_eq!(hair(101), []);
    }

    #[test]
    fn ecs_defaults_are_not_judged_and_a_breaker_that_is_off_takes_no_threshold() {
        // ECS's own default at two tasks (threshold 3) is left alone: nothing set.
        assert_eq!(rolling(&[("desired_count", Value::int(2))]), []);
        assert_eq!(
            rolling(&[
                ("ecs_deployment.circuit_breaker", Value::Bool(false)),
                ("ecs_deployment.circuit_breaker_threshold", Value::int(100)),
                ("desired_count", Value::int(2)),
            ]),
            [error(
                "Circuit breaker setting without the circuit breaker",
                AT
            )]
        );
        assert_eq!(
            rolling(&[("ecs_deployment.circuit_breaker", Value::Bool(false))]),
            []
        );
    }
}
