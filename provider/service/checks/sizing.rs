//! The sizing rules: the task's cpu/memory pair and ephemeral storage, the CPU architecture, the
//! number of tasks (desired count within the autoscaling bounds, the targets) and the capacity
//! provider strategy.

use crate::value::{AttributePath, Value};

use super::super::defaults as d;
use super::super::facts::{self, VALID_CPU, valid_memory};
use super::super::schema::one_of;
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
            for (attr, lo, hi) in [("min", 0, 5000), ("max", 1, 5000)] {
                self.range(
                    a.get(attr),
                    &["autoscaling", attr],
                    lo,
                    hi,
                    &format!("autoscaling {attr}"),
                );
            }
            for attr in ["scale_in_cooldown", "scale_out_cooldown"] {
                self.range(
                    a.get(attr),
                    &["autoscaling", attr],
                    0,
                    86400,
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
            if int(base).is_some_and(|b| !(0..=100_000).contains(&b)) {
                self.error(
                    at("base"),
                    "Invalid capacity provider base",
                    "base is between 0 and 100000.".into(),
                );
            }
            let weight = item.get("weight");
            match int(weight) {
                Some(w) if w < 0 => self.error(
                    at("weight"),
                    "Negative capacity provider weight",
                    format!("Weights are 0 or more; got {w}."),
                ),
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
        // No rule against FARGATE_SPOT with ARM64: AWS's API model (ECS
        // CapacityProviderStrategyItem, botocore 1.44.18, read 2026-12-07) says "FARGATE_SPOT
        // supports Linux tasks with the ARM64 architecture on platform version 1.4.0 or later"
        // (Graviton on Fargate Spot since 2024-09); older copies of the ECS guide that say
        // X86_64 only are stale, and the model wins.
    }
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
}
