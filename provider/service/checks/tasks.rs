//! The task's containers as one set: the `Container` view the task rules share, names unique in
//! the task, the containers' sizes within the task's, and `depends_on` (known containers and
//! conditions, no cycle). Like every check, a rule whose inputs are unknown does not run.

use std::collections::{BTreeMap, BTreeSet};

use crate::service::facts::CONTAINER_MEMORY_MIN_MIB;
use crate::service::schema::{DEPENDENCY_CONDITIONS, LOG_DRIVERS, one_of};
use crate::value::{AttributePath, Value};

use super::shared::Checker;

/// One container block of the configuration: the application's or a sidecar.
pub(super) struct Container<'a> {
    pub(super) at: AttributePath,
    pub(super) value: &'a Value,
    pub(super) app: bool,
}

impl Container<'_> {
    pub(super) fn path(&self, attr: &str) -> AttributePath {
        self.at.join_attr(attr)
    }

    pub(super) fn name(&self) -> Option<&str> {
        self.value.get("name").as_str()
    }

    /// Whether the task stops with this container: the application always does; a sidecar
    /// unless `essential = false` (null is the default, true).
    pub(super) fn essential(&self) -> Option<bool> {
        if self.app {
            return Some(true);
        }
        match self.value.get("essential") {
            Value::Null => Some(true),
            v => v.as_bool(),
        }
    }

    pub(super) fn has_health_check(&self) -> Option<bool> {
        match self.value.get("health_check") {
            Value::Unknown(_) => None,
            v => Some(!v.is_null()),
        }
    }

    pub(super) fn log_driver(&self) -> Option<&str> {
        match self.value.get("log").get("driver") {
            Value::Null => Some(LOG_DRIVERS[0]),
            v => v.as_str(),
        }
    }
}

/// Every container block: the application's, then the sidecars. `None` while the list of
/// sidecars is unknown.
fn containers(c: &Value) -> Option<Vec<Container<'_>>> {
    let mut out = vec![Container {
        at: AttributePath::attr("container"),
        value: c.get("container"),
        app: true,
    }];
    match c.get("sidecar") {
        Value::Null => {}
        v => {
            for (i, s) in v.elements()?.iter().enumerate() {
                out.push(Container {
                    at: AttributePath::attr("sidecar").join_index(i),
                    value: s,
                    app: false,
                });
            }
        }
    }
    Some(out)
}

impl Checker {
    /// The task's rules over its containers and volumes, as one pass: the rules that need the
    /// list of containers run only when it is known.
    pub(super) fn task(&mut self, c: &Value) {
        if let Some(all) = containers(c) {
            self.names(&all);
            self.sizes(c, &all);
            self.dependencies(&all);
            self.firelens(&all);
            self.mounts(c, &all);
            for container in &all {
                self.hardening(container);
            }
        }
        self.volumes(c);
        self.exec(c);
        self.managed_policies(c);
    }

    /// Names unique in the task (the application's and each sidecar's).
    fn names(&mut self, all: &[Container]) {
        let mut seen = BTreeSet::new();
        for container in all {
            if let Some(name) = container.name()
                && !seen.insert(name)
            {
                self.error(
                    container.path("name"),
                    "Duplicate container name",
                    format!(
                        "Another container of the task is named {name:?}: names are unique in a task \
                         definition, and depends_on refers to containers by them (check `container-name`)."
                    ),
                );
            }
        }
    }

    /// Each container's cpu and memory, and all of them together within the task's size.
    fn sizes(&mut self, c: &Value, all: &[Container]) {
        let task = c.get("task");
        let mut cpu_total = Some(0i64);
        let mut memory_total = Some(0i64);
        let mut parts = Vec::new();
        for container in all {
            let v = container.value;
            let name = container.name().unwrap_or("a container");
            let number = |attr: &str| match v.get(attr) {
                Value::Null => Some(None),
                x => x.as_i64().map(Some),
            };
            let (cpu, memory, reservation) = (
                number("cpu"),
                number("memory"),
                number("memory_reservation"),
            );
            for (attr, n) in [
                ("cpu", cpu),
                ("memory", memory),
                ("memory_reservation", reservation),
            ] {
                if let Some(Some(n)) = n
                    && (n < 0 || (attr != "cpu" && n < CONTAINER_MEMORY_MIN_MIB))
                {
                    self.error(
                        container.path(attr),
                        "Invalid container size",
                        format!(
                            "{name}: {attr} must be {} MiB or more; got {n} (check `container-size`).",
                            if attr == "cpu" { 0 } else { CONTAINER_MEMORY_MIN_MIB }
                        ),
                    );
                }
            }
            if let (Some(Some(limit)), Some(Some(soft))) = (memory, reservation)
                && soft > limit
            {
                self.error(
                    container.path("memory_reservation"),
                    "Memory reservation above the limit",
                    format!(
                        "{name}: memory_reservation ({soft} MiB) must not exceed memory ({limit} MiB), the \
                         limit at which the container is stopped (check `container-size`)."
                    ),
                );
            }
            cpu_total = match (cpu_total, cpu) {
                (Some(t), Some(n)) => Some(t + n.unwrap_or(0)),
                _ => None,
            };
            // What the container holds for itself: its limit, or its reservation without one.
            let held = match (memory, reservation) {
                (Some(m), Some(r)) => Some(m.or(r).unwrap_or(0)),
                _ => None,
            };
            memory_total = match (memory_total, held) {
                (Some(t), Some(n)) => Some(t + n),
                _ => None,
            };
            if let Some(n) = held.filter(|n| *n > 0) {
                parts.push(format!("{name} {n}"));
            }
        }
        if let (Some(total), Some(task_cpu)) = (cpu_total, task.get("cpu").as_i64())
            && total > task_cpu
        {
            self.error(
                AttributePath::attr("task").join_attr("cpu"),
                "Containers reserve more CPU than the task has",
                format!(
                    "The containers' cpu add up to {total} units, above task.cpu ({task_cpu}): ECS refuses \
                     the task definition. Lower the containers' cpu or raise task.cpu (check `container-size`)."
                ),
            );
        }
        if let (Some(total), Some(task_memory)) = (memory_total, task.get("memory").as_i64())
            && total > task_memory
        {
            self.error(
                AttributePath::attr("task").join_attr("memory"),
                "Containers hold more memory than the task has",
                format!(
                    "The containers' memory (the limit, or the reservation without one) adds up to {total} MiB \
                     ({}), above task.memory ({task_memory} MiB): ECS refuses the task definition. Lower them \
                     or raise task.memory (check `container-size`).",
                    parts.join(", ")
                ),
            );
        }
    }

    /// `depends_on`: containers of the task, AWS's conditions, HEALTHY only on a container with a
    /// health check, COMPLETE and SUCCESS only on a non-essential one, and no cycle.
    fn dependencies(&mut self, all: &[Container]) {
        let by_name: BTreeMap<&str, &Container> =
            all.iter().filter_map(|c| Some((c.name()?, c))).collect();
        let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for container in all {
            let Some(deps) = container.value.get("depends_on").entries() else {
                continue;
            };
            let me = container.name();
            for (other, condition) in deps {
                let at = container.path("depends_on").join_key(other);
                let Some(target) = by_name.get(other.as_str()) else {
                    let names: Vec<&str> =
                        by_name.keys().copied().filter(|n| Some(*n) != me).collect();
                    self.error(
                        at,
                        "Dependency on a container the task does not have",
                        format!(
                            "depends_on names {other:?}, which is not a container of the task{} (check `depends-on`).",
                            if names.is_empty() {
                                String::new()
                            } else {
                                format!(": use {}", one_of(&names))
                            }
                        ),
                    );
                    continue;
                };
                if Some(other.as_str()) == me {
                    self.error(
                        at,
                        "A container that waits for itself",
                        format!("{other:?} cannot wait for itself to start (check `depends-on`)."),
                    );
                    continue;
                }
                if let Some(me) = me {
                    edges.entry(me).or_default().push(other.as_str());
                }
                let Some(condition) = condition.as_str() else {
                    continue;
                };
                if !DEPENDENCY_CONDITIONS.contains(&condition) {
                    self.error(
                        at,
                        "Invalid dependency condition",
                        format!(
                            "ECS waits for a container on {}; got {condition:?} (check `depends-on`).",
                            one_of(DEPENDENCY_CONDITIONS)
                        ),
                    );
                } else if condition == "HEALTHY" && target.has_health_check() == Some(false) {
                    self.error(
                        at,
                        "HEALTHY dependency on a container without a health check",
                        format!(
                            "{other:?} has no health_check, so it never becomes HEALTHY and this container \
                             never starts. Give {other:?} a health_check, or wait for START (check `depends-on`)."
                        ),
                    );
                } else if matches!(condition, "COMPLETE" | "SUCCESS")
                    && target.essential() == Some(true)
                {
                    self.error(
                        at,
                        "Waiting for an essential container to exit",
                        format!(
                            "{condition} waits for {other:?} to exit, but it is essential: its exit stops the \
                             task. ECS refuses the condition on an essential container; set essential = false \
                             on {other:?} (check `depends-on`)."
                        ),
                    );
                }
            }
        }
        // A cycle: no container of it could ever start.
        for container in all {
            let Some(start) = container.name() else {
                continue;
            };
            if let Some(cycle) = find_cycle(&edges, start)
                && cycle.first() == Some(&start)
                && cycle.iter().min() == Some(&start)
            {
                let next = cycle.get(1).copied().unwrap_or(start);
                self.error(
                    container.path("depends_on").join_key(next),
                    "Containers that wait for each other",
                    format!(
                        "{} wait for each other in a circle, so none of them ever starts (check `depends-on`).",
                        cycle
                            .iter()
                            .chain(std::iter::once(&start))
                            .copied()
                            .collect::<Vec<_>>()
                            .join(" → ")
                    ),
                );
            }
        }
    }
}

/// A cycle of `depends_on` through `start`, as the containers in order, when there is one.
fn find_cycle<'a>(edges: &BTreeMap<&'a str, Vec<&'a str>>, start: &'a str) -> Option<Vec<&'a str>> {
    fn walk<'a>(
        edges: &BTreeMap<&'a str, Vec<&'a str>>,
        start: &'a str,
        at: &'a str,
        path: &mut Vec<&'a str>,
        seen: &mut BTreeSet<&'a str>,
    ) -> bool {
        for next in edges.get(at).into_iter().flatten() {
            if *next == start {
                return true;
            }
            if seen.insert(next) {
                path.push(next);
                if walk(edges, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start];
    let mut seen = BTreeSet::from([start]);
    walk(edges, start, start, &mut path, &mut seen).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::seen;

    fn config(extra: Vec<(&str, Value)>) -> Value {
        let mut fields = vec![
            (
                "task",
                Value::object([("cpu", Value::int(512)), ("memory", Value::int(1024))]),
            ),
            (
                "container",
                Value::object([
                    ("name", Value::string("app")),
                    ("image", Value::string("app:1")),
                    ("port", Value::int(8080)),
                ]),
            ),
        ];
        fields.extend(extra);
        Value::object(fields)
    }

    fn sidecar(name: &str, extra: Vec<(&str, Value)>) -> Value {
        let mut fields = vec![
            ("name", Value::string(name)),
            ("image", Value::string("side:1")),
        ];
        fields.extend(extra);
        Value::object(fields)
    }

    fn summaries(c: &Value) -> Vec<(String, String)> {
        seen(c, Checker::task)
            .into_iter()
            .map(|(_, summary, at)| (summary, at))
            .collect()
    }

    #[test]
    fn a_cycle_of_dependencies_is_reported_once_at_its_first_container() {
        let deps = |to: &str| Value::Map([(to.to_owned(), Value::string("START"))].into());
        let c = config(vec![(
            "sidecar",
            Value::List(vec![
                sidecar("a", vec![("depends_on", deps("b"))]),
                sidecar("b", vec![("depends_on", deps("c"))]),
                sidecar("c", vec![("depends_on", deps("a"))]),
            ]),
        )]);
        assert_eq!(
            summaries(&c),
            [(
                "Containers that wait for each other".to_owned(),
                "sidecar[0].depends_on[\"b\"]".to_owned()
            )]
        );
        let acyclic = config(vec![(
            "sidecar",
            Value::List(vec![
                sidecar("a", vec![("depends_on", deps("b"))]),
                sidecar("b", vec![]),
            ]),
        )]);
        assert!(summaries(&acyclic).is_empty(), "{:?}", summaries(&acyclic));
    }

    #[test]
    fn container_sizes_count_the_limit_or_else_the_reservation() {
        let c = config(vec![(
            "sidecar",
            Value::List(vec![
                sidecar("a", vec![("memory_reservation", Value::int(600))]),
                sidecar(
                    "b",
                    vec![
                        ("memory", Value::int(500)),
                        ("memory_reservation", Value::int(100)),
                    ],
                ),
            ]),
        )]);
        assert_eq!(
            summaries(&c),
            [(
                "Containers hold more memory than the task has".to_owned(),
                "task.memory".to_owned()
            )]
        );
    }

    #[test]
    fn unknown_sidecars_run_no_rule_that_needs_them() {
        let c = config(vec![("sidecar", Value::unknown())]);
        assert!(summaries(&c).is_empty());
    }

    use crate::service::checks::testing::{Seen, block, error, int, list, map, run, s};

    /// The task's rules on a 512/1024 task, the application `app` with `app` fields, and
    /// sidecars from `(name, fields)`.
    fn task(app: &[(&str, Value)], sidecars: &[(&str, Vec<(&str, Value)>)]) -> Vec<Seen> {
        let mut container = vec![("name", s("app"))];
        container.extend(app.iter().cloned());
        let sidecars = sidecars
            .iter()
            .map(|(name, fields)| {
                let mut all = vec![("name", s(name))];
                all.extend(fields.iter().cloned());
                block(&all)
            })
            .collect();
        run(
            Checker::task,
            &[
                ("task.cpu", int(512)),
                ("task.memory", int(1024)),
                ("container", block(&container)),
                ("sidecar", list(sidecars)),
            ],
        )
    }

    #[test]
    fn container_names_are_unique_in_the_task() {
        assert_eq!(task(&[], &[("proxy", vec![])]), []);
        assert_eq!(
            task(&[], &[("proxy", vec![]), ("app", vec![])]),
            [error("Duplicate container name", "sidecar[1].name")]
        );
    }

    #[test]
    fn each_containers_size() {
        let size = "Invalid container size";
        assert_eq!(
            task(
                &[
                    ("cpu", int(0)),
                    ("memory", int(6)),
                    ("memory_reservation", int(6))
                ],
                &[]
            ),
            []
        );
        assert_eq!(
            task(&[("cpu", int(-1))], &[]),
            [error(size, "container.cpu")]
        );
        assert_eq!(
            task(&[("memory", int(5))], &[]),
            [error(size, "container.memory")]
        );
        assert_eq!(
            task(&[], &[("proxy", vec![("memory_reservation", int(5))])]),
            [error(size, "sidecar[0].memory_reservation")]
        );
        assert_eq!(
            task(
                &[("memory", int(256)), ("memory_reservation", int(256))],
                &[]
            ),
            []
        );
        assert_eq!(
            task(
                &[("memory", int(256)), ("memory_reservation", int(257))],
                &[]
            ),
            [error(
                "Memory reservation above the limit",
                "container.memory_reservation"
            )]
        );
    }

    #[test]
    fn the_containers_together_fit_the_task() {
        let cpu = |app: i64, proxy: i64| {
            task(
                &[("cpu", int(app))],
                &[("proxy", vec![("cpu", int(proxy))])],
            )
        };
        assert_eq!(cpu(256, 256), []);
        assert_eq!(
            cpu(256, 257),
            [error(
                "Containers reserve more CPU than the task has",
                "task.cpu"
            )]
        );
        let memory = |app: i64, proxy: i64| {
            task(
                &[("memory", int(app))],
                &[("proxy", vec![("memory_reservation", int(proxy))])],
            )
        };
        assert_eq!(memory(768, 256), []);
        assert_eq!(
            memory(768, 257),
            [error(
                "Containers hold more memory than the task has",
                "task.memory"
            )]
        );
    }

    #[test]
    fn dependencies_name_containers_and_conditions_they_can_meet() {
        let on = |other: &str, condition: &str| ("depends_on", map(&[(other, s(condition))]));
        let at = |other: &str| format!("container.depends_on[{other:?}]");
        // START on any container; HEALTHY on one with a health check; COMPLETE and SUCCESS on a
        // non-essential one.
        let checked = (
            "health_check",
            block(&[("command", Value::List(vec![s("CMD"), s("true")]))]),
        );
        let init = ("essential", Value::Bool(false));
        assert_eq!(task(&[on("proxy", "START")], &[("proxy", vec![])]), []);
        assert_eq!(
            task(&[on("proxy", "HEALTHY")], &[("proxy", vec![checked])]),
            []
        );
        for condition in ["COMPLETE", "SUCCESS"] {
            assert_eq!(
                task(&[on("init", condition)], &[("init", vec![init.clone()])]),
                [],
                "{condition}"
            );
            assert_eq!(
                task(&[on("init", condition)], &[("init", vec![])]),
                [error(
                    "Waiting for an essential container to exit",
                    &at("init")
                )],
                "{condition}"
            );
        }
        assert_eq!(
            task(&[on("proxy", "HEALTHY")], &[("proxy", vec![])]),
            [error(
                "HEALTHY dependency on a container without a health check",
                &at("proxy")
            )]
        );
        assert_eq!(
            task(&[on("proxy", "READY")], &[("proxy", vec![])]),
            [error("Invalid dependency condition", &at("proxy"))]
        );
        assert_eq!(
            task(&[on("db", "START")], &[("proxy", vec![])]),
            [error(
                "Dependency on a container the task does not have",
                &at("db")
            )]
        );
        assert_eq!(
            task(&[on("app", "START")], &[]),
            [error("A container that waits for itself", &at("app"))]
        );
        // The application is always essential.
        assert_eq!(
            task(&[], &[("proxy", vec![on("app", "SUCCESS")])]),
            [error(
                "Waiting for an essential container to exit",
                "sidecar[0].depends_on[\"app\"]"
            )]
        );
    }
}
