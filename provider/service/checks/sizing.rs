//! The sizing rules: the task's cpu/memory pair and ephemeral storage, the CPU architecture, the
//! number of tasks (desired count within the autoscaling bounds, the targets) and the capacity
//! provider strategy.

use crate::service::defaults as d;
use crate::service::facts::{self, VALID_CPU, valid_memory};
use crate::service::schema::one_of;
use crate::value::{AttributePath, Value};

use super::shared::{Checker, int, num, path};

impl Checker {
    pub(super) fn task_size(&mut self, c: &Value) {
        let task = c.get("task");
        let (cpu, memory) = (task.get("cpu"), task.get("memory"));
        if let Some(cpu) = int(cpu) {
            match valid_memory(cpu) {
                None => self.error(
                    path(&["task", "cpu"]),
                    "Invalid Fargate CPU",
                    format!(
                        "Fargate tasks take {} CPU units; got {cpu}.",
                        VALID_CPU
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Some(valid) => {
                    if let Some(mem) = int(memory)
                        && !valid.contains(&mem)
                    {
                        self.error(
                            path(&["task", "memory"]),
                            "Invalid Fargate task size",
                            format!(
                                "With cpu = {cpu}, Fargate allows memory = {} (MiB); got {mem}.",
                                valid
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
            }
        }
        self.fact(
            task.get("ephemeral_storage_gib"),
            &["task", "ephemeral_storage_gib"],
            facts::EPHEMERAL_STORAGE_GIB,
            "ephemeral storage (GiB)",
        );
        if let Some(arch) = task.get("cpu_architecture").as_str()
            && !facts::CPU_ARCHITECTURES.values.contains(&arch)
        {
            self.error(
                path(&["task", "cpu_architecture"]),
                "Invalid CPU architecture",
                format!(
                    "cpu_architecture must be {}; got {arch:?}.",
                    one_of(facts::CPU_ARCHITECTURES.values)
                ),
            );
        }
    }

    pub(super) fn capacity(&mut self, c: &Value) {
        let desired = c.get("desired_count");
        let desired = int(desired).or(desired.is_null().then_some(d::DESIRED_COUNT));
        let a = c.get("autoscaling");
        if !a.is_null() {
            let (min, max) = (int(a.get("min")), int(a.get("max")));
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                self.error(
                    path(&["autoscaling", "min"]),
                    "Autoscaling minimum above maximum",
                    format!("autoscaling.min ({min}) must not exceed autoscaling.max ({max})."),
                );
            }
            if let (Some(min), Some(n)) = (min, desired)
                && n < min
            {
                self.error(
                    path(&["desired_count"]),
                    "desired_count below the autoscaling minimum",
                    format!("desired_count ({n}) is below autoscaling.min ({min}); it would not be clamped silently. Raise it or lower min."),
                );
            }
            if let (Some(max), Some(n)) = (max, desired)
                && n > max
            {
                self.error(
                    path(&["desired_count"]),
                    "desired_count above the autoscaling maximum",
                    format!("desired_count ({n}) is above autoscaling.max ({max}); it would not be clamped silently. Lower it or raise max."),
                );
            }
            let tasks = facts::TASKS_PER_SERVICE;
            // A maximum of at least 1 is the provider's rule, not AWS's: a service that may
            // scale to no more than 0 tasks never runs.
            for (attr, lo) in [("min", tasks.min), ("max", 1)] {
                self.range(
                    a.get(attr),
                    &["autoscaling", attr],
                    lo,
                    tasks.max,
                    &format!("autoscaling {attr}"),
                );
            }
            for attr in ["scale_in_cooldown", "scale_out_cooldown"] {
                self.fact(
                    a.get(attr),
                    &["autoscaling", attr],
                    facts::SCALING_COOLDOWN,
                    &format!("autoscaling {attr}"),
                );
            }
            for attr in ["cpu_target", "memory_target"] {
                if let Some(t) = num(a.get(attr))
                    && !(t > 0.0 && t <= 100.0)
                {
                    self.error(
                        path(&["autoscaling", attr]),
                        "Invalid utilisation target",
                        format!("{attr} is a percentage above 0 and at most 100; got {t}."),
                    );
                }
            }
            if let Some(t) = num(a.get("requests_per_target"))
                && t <= 0.0
            {
                self.error(
                    path(&["autoscaling", "requests_per_target"]),
                    "Invalid request target",
                    format!("requests_per_target must be above 0; got {t}."),
                );
            }
        }
        if let Some(n) = int(c.get("desired_count"))
            && n < 0
        {
            self.error(
                path(&["desired_count"]),
                "Invalid desired_count",
                format!("desired_count must be 0 or more; got {n}."),
            );
        }
        let Some(items) = c.get("capacity_provider_strategy").elements() else {
            return;
        };
        let errors_before = self.diags.0.len();
        let mut with_base = 0;
        let mut positive_weight = false;
        let mut all_weights_known = true;
        for (i, item) in items.iter().enumerate() {
            let at = |attr: &str| {
                AttributePath::attr("capacity_provider_strategy")
                    .join_index(i)
                    .join_attr(attr)
            };
            if let Some(p) = item.get("capacity_provider").as_str()
                && p != "FARGATE"
                && p != "FARGATE_SPOT"
            {
                self.error(
                    at("capacity_provider"),
                    "Invalid capacity provider",
                    format!("Fargate services use FARGATE or FARGATE_SPOT; got {p:?}."),
                );
            }
            let base = item.get("base");
            if int(base).is_some_and(|b| b > 0) {
                with_base += 1;
                if with_base > 1 {
                    self.error(
                        at("base"),
                        "More than one capacity provider with a base",
                        "Only one capacity provider in a strategy may have a base greater than 0."
                            .into(),
                    );
                }
            }
            let facts::Range { min, max, .. } = facts::CAPACITY_PROVIDER_BASE;
            if int(base).is_some_and(|b| !(min..=max).contains(&b)) {
                self.error(
                    at("base"),
                    "Invalid capacity provider base",
                    format!("base is between {min} and {max}."),
                );
            }
            let weight = item.get("weight");
            let facts::Range { min, max, .. } = facts::CAPACITY_PROVIDER_WEIGHT;
            match int(weight) {
                Some(w) if w < min => self.error(
                    at("weight"),
                    "Negative capacity provider weight",
                    format!("Weights are {min} or more; got {w}."),
                ),
                Some(w) if w > max => {
                    positive_weight = true;
                    self.error(
                        at("weight"),
                        "Invalid capacity provider weight",
                        format!("Weights are at most {max}; got {w}."),
                    );
                }
                Some(w) if w > 0 => positive_weight = true,
                Some(_) => {}
                None if weight.is_null() => positive_weight = true,
                None => all_weights_known = false,
            }
        }
        if !items.is_empty() && !positive_weight && all_weights_known {
            self.error(
                AttributePath::attr("capacity_provider_strategy"),
                "No capacity provider has a weight",
                "At least one capacity provider needs a weight greater than 0, or no task beyond the base is placed.".into(),
            );
        }
        if self.diags.0.len() == errors_before {
            self.spot_only(items);
        }
        // No rule against FARGATE_SPOT with ARM64: AWS's API model (ECS
        // CapacityProviderStrategyItem, botocore 1.44.18, read 2026-12-07) says "FARGATE_SPOT
        // supports Linux tasks with the ARM64 architecture on platform version 1.4.0 or later"
        // (Graviton on Fargate Spot since 2024-09); older copies of the ECS guide that say
        // X86_64 only are stale, and the model wins.
    }
}

impl Checker {
    /// A strategy that places no task on FARGATE: every task runs on capacity AWS may reclaim
    /// with two minutes' notice, so an interruption can take the whole service (seed 003: "a
    /// base of on-demand FARGATE for a guaranteed floor, then FARGATE_SPOT for the elastic,
    /// interruption-tolerant remainder").
    fn spot_only(&mut self, items: &[Value]) {
        let mut on_demand = false;
        for item in items {
            let (Some(provider), Some(base), Some(weight)) = (
                item.get("capacity_provider").as_str(),
                known_or(item.get("base"), d::CAPACITY_BASE),
                known_or(item.get("weight"), d::CAPACITY_WEIGHT),
            ) else {
                return;
            };
            on_demand |= provider == "FARGATE" && (base > 0 || weight > 0);
        }
        if !items.is_empty() && !on_demand {
            self.warning(
                AttributePath::attr("capacity_provider_strategy")
                    .join_index(0)
                    .join_attr("capacity_provider"),
                "Every task on Fargate Spot",
                "No task is placed on FARGATE: Fargate Spot may reclaim any task with a two-minute warning, \
                 and an interruption can stop the whole service at once. Give FARGATE a base (a floor of \
                 on-demand tasks) and leave the rest to FARGATE_SPOT (check `spot-only`)."
                    .into(),
            );
        }
    }
}

/// A whole number, or `default` when null; `None` while unknown.
fn known_or(v: &Value, default: i64) -> Option<i64> {
    if v.is_null() { Some(default) } else { int(v) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::check;

    #[test]
    fn the_fargate_size_table() {
        assert_eq!(valid_memory(256), Some(vec![512, 1024, 2048]));
        assert_eq!(valid_memory(512).map(|v| v.len()), Some(4));
        assert_eq!(
            valid_memory(4096).map(|v| (v[0], *v.last().unwrap())),
            Some((8192, 30720))
        );
        assert_eq!(valid_memory(8192).map(|v| v[1] - v[0]), Some(4096));
        assert_eq!(
            valid_memory(16384).map(|v| (v[0], *v.last().unwrap(), v[1] - v[0])),
            Some((32768, 122880, 8192))
        );
        assert_eq!(valid_memory(300), None);
    }

    /// Graviton on Fargate Spot is what seed 003 recommends and AWS has run since 2024-09: the
    /// capacity rules accept it (the rule that refused it followed a stale page).
    #[test]
    fn arm64_on_fargate_spot_is_no_error() {
        let config = Value::object([
            (
                "task",
                Value::object([("cpu_architecture", Value::string("ARM64"))]),
            ),
            (
                "capacity_provider_strategy",
                Value::List(vec![
                    Value::object([
                        ("capacity_provider", Value::string("FARGATE")),
                        ("base", Value::int(1)),
                        ("weight", Value::int(1)),
                    ]),
                    Value::object([
                        ("capacity_provider", Value::string("FARGATE_SPOT")),
                        ("weight", Value::int(3)),
                    ]),
                ]),
            ),
        ]);
        let diags = check(&config);
        let about_capacity: Vec<_> = diags
            .0
            .iter()
            .filter(|d| {
                d.attribute.as_ref().is_some_and(|a| {
                    a.steps.first()
                        == Some(&crate::value::PathStep::Attribute(
                            "capacity_provider_strategy".into(),
                        ))
                })
            })
            .collect();
        assert!(about_capacity.is_empty(), "{about_capacity:?}");
    }

    use crate::service::checks::testing::{block, error, int, list, num, run, s, warning};

    #[test]
    fn task_size_takes_fargates_pairs_only() {
        // `task-size`: the smallest and largest pairs pass; a memory of another cpu, or a cpu
        // Fargate does not have, fails at the attribute that is wrong.
        for (cpu, memory) in [(256, 512), (256, 2048), (16384, 122880)] {
            let d = run(
                Checker::task_size,
                &[("task.cpu", int(cpu)), ("task.memory", int(memory))],
            );
            assert_eq!(d, [], "{cpu}/{memory}");
        }
        assert_eq!(
            run(
                Checker::task_size,
                &[("task.cpu", int(256)), ("task.memory", int(3072))]
            ),
            [error("Invalid Fargate task size", "task.memory")]
        );
        assert_eq!(
            run(
                Checker::task_size,
                &[("task.cpu", int(16384)), ("task.memory", int(131072))]
            ),
            [error("Invalid Fargate task size", "task.memory")]
        );
        assert_eq!(
            run(
                Checker::task_size,
                &[("task.cpu", int(384)), ("task.memory", int(1024))]
            ),
            [error("Invalid Fargate CPU", "task.cpu")]
        );
    }

    #[test]
    fn ephemeral_storage_is_21_to_200_gib() {
        for ok in [21, 200] {
            assert_eq!(
                run(
                    Checker::task_size,
                    &[("task.ephemeral_storage_gib", int(ok))]
                ),
                []
            );
        }
        for bad in [20, 201] {
            assert_eq!(
                run(
                    Checker::task_size,
                    &[("task.ephemeral_storage_gib", int(bad))]
                ),
                [error(
                    "Invalid ephemeral storage (GiB)",
                    "task.ephemeral_storage_gib"
                )],
                "{bad}"
            );
        }
    }

    #[test]
    fn cpu_architecture_is_x86_64_or_arm64_as_spelled() {
        for ok in ["X86_64", "ARM64"] {
            assert_eq!(
                run(Checker::task_size, &[("task.cpu_architecture", s(ok))]),
                []
            );
        }
        assert_eq!(
            run(Checker::task_size, &[("task.cpu_architecture", s("arm64"))]),
            [error("Invalid CPU architecture", "task.cpu_architecture")]
        );
    }

    #[test]
    fn desired_count_within_the_autoscaling_bounds() {
        // `scaling-bounds`: min = desired = max is the tightest that passes.
        let scaled = |min: i64, desired: i64, max: i64| {
            run(
                Checker::capacity,
                &[
                    ("desired_count", int(desired)),
                    ("autoscaling.min", int(min)),
                    ("autoscaling.max", int(max)),
                ],
            )
        };
        assert_eq!(scaled(4, 4, 4), []);
        assert_eq!(
            scaled(4, 3, 40),
            [error(
                "desired_count below the autoscaling minimum",
                "desired_count"
            )]
        );
        assert_eq!(
            scaled(4, 41, 40),
            [error(
                "desired_count above the autoscaling maximum",
                "desired_count"
            )]
        );
        assert_eq!(
            scaled(5, 5, 4),
            [
                error("Autoscaling minimum above maximum", "autoscaling.min"),
                error(
                    "desired_count above the autoscaling maximum",
                    "desired_count"
                ),
            ]
        );
        // Without desired_count, its default (2) is held to the bounds.
        assert_eq!(
            run(
                Checker::capacity,
                &[("autoscaling.min", int(3)), ("autoscaling.max", int(10))]
            ),
            [error(
                "desired_count below the autoscaling minimum",
                "desired_count"
            )]
        );
        assert_eq!(
            run(Checker::capacity, &[("desired_count", int(-1))]),
            [error("Invalid desired_count", "desired_count")]
        );
        assert_eq!(run(Checker::capacity, &[("desired_count", int(0))]), []);
    }

    #[test]
    fn autoscaling_ranges_and_targets() {
        let with = |attr: &str, v: Value| {
            let at = format!("autoscaling.{attr}");
            run(
                Checker::capacity,
                &[
                    ("desired_count", int(1)),
                    ("autoscaling.min", int(1)),
                    ("autoscaling.max", int(1)),
                    (at.as_str(), v),
                ],
            )
        };
        for (attr, ok, bad, summary) in [
            (
                "scale_in_cooldown",
                86400,
                86401,
                "Invalid autoscaling scale_in_cooldown",
            ),
            (
                "scale_out_cooldown",
                0,
                -1,
                "Invalid autoscaling scale_out_cooldown",
            ),
        ] {
            assert_eq!(with(attr, int(ok)), [], "{attr} = {ok}");
            let at = format!("autoscaling.{attr}");
            assert_eq!(
                with(attr, int(bad)),
                [error(summary, &at)],
                "{attr} = {bad}"
            );
        }
        assert_eq!(
            run(
                Checker::capacity,
                &[
                    ("desired_count", int(5000)),
                    ("autoscaling.min", int(0)),
                    ("autoscaling.max", int(5000))
                ]
            ),
            []
        );
        assert_eq!(
            run(
                Checker::capacity,
                &[
                    ("desired_count", int(0)),
                    ("autoscaling.min", int(0)),
                    ("autoscaling.max", int(0))
                ]
            ),
            [error("Invalid autoscaling max", "autoscaling.max")]
        );
        assert_eq!(
            run(
                Checker::capacity,
                &[
                    ("desired_count", int(5001)),
                    ("autoscaling.min", int(5001)),
                    ("autoscaling.max", int(5001))
                ]
            ),
            [
                error("Invalid autoscaling min", "autoscaling.min"),
                error("Invalid autoscaling max", "autoscaling.max"),
            ]
        );
        for attr in ["cpu_target", "memory_target"] {
            assert_eq!(with(attr, int(100)), [], "{attr}");
            assert_eq!(with(attr, num(0.5)), [], "{attr}");
            let at = format!("autoscaling.{attr}");
            for bad in [int(0), num(100.5)] {
                assert_eq!(
                    with(attr, bad),
                    [error("Invalid utilisation target", &at)],
                    "{attr}"
                );
            }
        }
        assert_eq!(with("requests_per_target", num(0.5)), []);
        assert_eq!(
            with("requests_per_target", int(0)),
            [error(
                "Invalid request target",
                "autoscaling.requests_per_target"
            )]
        );
    }

    #[test]
    fn capacity_provider_strategy() {
        let strategy = |items: Vec<Value>| {
            run(
                Checker::capacity,
                &[("capacity_provider_strategy", list(items))],
            )
        };
        let item = |provider: &str, base: Option<i64>, weight: Option<i64>| {
            let mut fields = vec![("capacity_provider", s(provider))];
            fields.extend(base.map(|b| ("base", int(b))));
            fields.extend(weight.map(|w| ("weight", int(w))));
            block(&fields)
        };
        // One base, one weight above 0, base at its maximum: the edge that passes.
        assert_eq!(
            strategy(vec![
                item("FARGATE", Some(100_000), Some(0)),
                item("FARGATE_SPOT", Some(0), Some(1))
            ]),
            []
        );
        assert_eq!(
            strategy(vec![item("FARGATE", Some(100_001), Some(1))]),
            [error(
                "Invalid capacity provider base",
                "capacity_provider_strategy[0].base"
            )]
        );
        assert_eq!(
            strategy(vec![
                item("FARGATE", Some(1), None),
                item("FARGATE_SPOT", Some(1), None)
            ]),
            [error(
                "More than one capacity provider with a base",
                "capacity_provider_strategy[1].base"
            )]
        );
        assert_eq!(
            strategy(vec![
                item("FARGATE", None, Some(-1)),
                item("FARGATE_SPOT", None, Some(1))
            ]),
            [error(
                "Negative capacity provider weight",
                "capacity_provider_strategy[0].weight"
            )]
        );
        // The ECS model's CapacityProviderStrategyItemWeight: 0 to 1000.
        assert_eq!(strategy(vec![item("FARGATE", None, Some(1000))]), []);
        assert_eq!(
            strategy(vec![item("FARGATE", None, Some(1001))]),
            [error(
                "Invalid capacity provider weight",
                "capacity_provider_strategy[0].weight"
            )]
        );
        assert_eq!(
            strategy(vec![
                item("FARGATE", Some(2), Some(0)),
                item("FARGATE_SPOT", None, Some(0))
            ]),
            [error(
                "No capacity provider has a weight",
                "capacity_provider_strategy"
            )]
        );
        // Nothing on FARGATE: a warning; a FARGATE base, or weight, is the floor seed 003 asks.
        assert_eq!(
            strategy(vec![item("FARGATE_SPOT", Some(2), Some(1))]),
            [warning(
                "Every task on Fargate Spot",
                "capacity_provider_strategy[0].capacity_provider"
            )]
        );
        assert_eq!(
            strategy(vec![
                item("FARGATE", Some(0), Some(0)),
                item("FARGATE_SPOT", Some(0), Some(1))
            ]),
            [warning(
                "Every task on Fargate Spot",
                "capacity_provider_strategy[0].capacity_provider"
            )]
        );
        assert_eq!(
            strategy(vec![
                item("FARGATE", Some(1), Some(0)),
                item("FARGATE_SPOT", None, Some(3))
            ]),
            []
        );
        assert_eq!(
            strategy(vec![item("EC2", None, None)]),
            [error(
                "Invalid capacity provider",
                "capacity_provider_strategy[0].capacity_provider"
            )]
        );
    }
}
