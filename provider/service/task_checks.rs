//! The plan-time checks of the task's containers and volumes: what ECS and Fargate refuse at
//! RegisterTaskDefinition or when a task starts (sizes, names, dependencies, FireLens, EFS,
//! capabilities, ulimits), each at the attribute it is about. Like every check, a rule whose
//! inputs are unknown does not run.

use std::collections::{BTreeMap, BTreeSet};

use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

use super::schema::{
    DEPENDENCY_CONDITIONS, FIRELENS_CONFIG_FILE_TYPES, FIRELENS_TYPES, LOG_DRIVERS, one_of,
};

/// The Linux capabilities a container definition names (`ALL` only to drop).
const CAPABILITIES: &[&str] = &[
    "ALL",
    "AUDIT_CONTROL",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "SYSLOG",
    "WAKE_ALARM",
];

/// The one capability Fargate lets a container add.
pub const FARGATE_ADDABLE_CAPABILITY: &str = "SYS_PTRACE";

/// The resource limits a container definition takes.
const ULIMITS: &[&str] = &[
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// Fargate's ceiling on `nofile`.
const MAX_NOFILE: i64 = 1_048_576;

/// Fargate platform versions that mount EFS volumes.
const EFS_PLATFORM_VERSIONS: &[&str] = &["1.4.0", "LATEST"];

/// IAM's limit on the managed policies attached to one role.
pub const MAX_MANAGED_POLICIES: usize = 20;

/// One container block of the configuration: the application's or a sidecar.
struct Container<'a> {
    at: AttributePath,
    value: &'a Value,
    app: bool,
}

impl Container<'_> {
    fn path(&self, attr: &str) -> AttributePath {
        self.at.join_attr(attr)
    }

    fn name(&self) -> Option<&str> {
        self.value.get("name").as_str()
    }

    /// Whether the task stops with this container: the application always does; a sidecar
    /// unless `essential = false` (null is the default, true).
    fn essential(&self) -> Option<bool> {
        if self.app {
            return Some(true);
        }
        match self.value.get("essential") {
            Value::Null => Some(true),
            v => v.as_bool(),
        }
    }

    fn has_health_check(&self) -> Option<bool> {
        match self.value.get("health_check") {
            Value::Unknown(_) => None,
            v => Some(!v.is_null()),
        }
    }

    fn log_driver(&self) -> Option<&str> {
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

/// The sidecar blocks alone, each with its path, for the rules that apply to them as well as
/// to the application's container (image, secrets, names, ranges).
pub fn sidecars(c: &Value) -> Vec<(AttributePath, &Value)> {
    c.get("sidecar")
        .elements()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| (AttributePath::attr("sidecar").join_index(i), s))
        .collect()
}

fn strings(v: &Value) -> Vec<(usize, &str)> {
    v.elements()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.as_str().map(|s| (i, s)))
        .collect()
}

struct TaskChecker {
    diags: Diagnostics,
}

impl TaskChecker {
    fn error(&mut self, at: AttributePath, summary: &str, detail: String) {
        self.diags.push(Diagnostic::error(summary, detail).at(at));
    }

    fn warning(&mut self, at: AttributePath, summary: &str, detail: String) {
        self.diags.push(Diagnostic::warning(summary, detail).at(at));
    }
}

/// Runs the task's rules over a (possibly partly unknown) configuration.
pub fn check(c: &Value) -> Diagnostics {
    let mut t = TaskChecker {
        diags: Diagnostics::new(),
    };
    if let Some(all) = containers(c) {
        t.names(&all);
        t.sizes(c, &all);
        t.dependencies(&all);
        t.firelens(&all);
        t.mounts(c, &all);
        for container in &all {
            t.hardening(container);
        }
    }
    t.volumes(c);
    t.exec(c);
    t.managed_policies(c);
    t.diags
}

impl TaskChecker {
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
                    && (n < 0 || (attr != "cpu" && n < 6))
                {
                    self.error(
                        container.path(attr),
                        "Invalid container size",
                        format!(
                            "{name}: {attr} must be {} MiB or more; got {n} (check `container-size`).",
                            if attr == "cpu" { 0 } else { 6 }
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

    /// At most one FireLens router; `awsfirelens` only with one, and never on the router
    /// itself; the router's type and configuration file.
    fn firelens(&mut self, all: &[Container]) {
        let routers: Vec<&Container> = all
            .iter()
            .filter(|c| !c.value.get("firelens").is_null() && !c.value.get("firelens").is_unknown())
            .collect();
        for extra in routers.iter().skip(1) {
            self.error(
                extra.path("firelens"),
                "More than one FireLens log router",
                format!(
                    "{:?} and {:?} both have firelens: a task has one log router (check `firelens`).",
                    routers[0].name().unwrap_or("a sidecar"),
                    extra.name().unwrap_or("this sidecar")
                ),
            );
        }
        let routers_known = all.iter().all(|c| !c.value.get("firelens").is_unknown());
        for container in all {
            let driver = container.log_driver();
            let log = container.path("log");
            if let Some(d) = driver
                && !LOG_DRIVERS.contains(&d)
            {
                self.error(
                    log.join_attr("driver"),
                    "Invalid log driver",
                    format!(
                        "log.driver is {}; got {d:?} (check `firelens`).",
                        one_of(LOG_DRIVERS)
                    ),
                );
            }
            if driver == Some("awsfirelens") {
                if !container.value.get("firelens").is_null() {
                    self.error(
                        log.join_attr("driver"),
                        "The log router logs through itself",
                        "The FireLens router's own output cannot go through FireLens: leave its log.driver \
                         at awslogs, the service's log group (check `firelens`)."
                            .to_owned(),
                    );
                } else if routers.is_empty() && routers_known {
                    self.error(
                        log.join_attr("driver"),
                        "awsfirelens without a log router",
                        "awsfirelens sends this container's output to the task's FireLens log router, but no \
                         sidecar has a firelens block. Add one (e.g. AWS for Fluent Bit), or log through \
                         awslogs (check `firelens`)."
                            .to_owned(),
                    );
                }
            }
            if driver == Some("awslogs")
                && container
                    .value
                    .get("log")
                    .get("options")
                    .entries()
                    .is_some_and(|o| !o.is_empty())
            {
                self.error(
                    log.join_attr("options"),
                    "Log options without awsfirelens",
                    "log.options configure the awsfirelens driver; awslogs writes to the service's log \
                     group with its own settings. Remove them, or set log.driver = \"awsfirelens\" (check \
                     `firelens`)."
                        .to_owned(),
                );
            }
        }
        for router in routers {
            let f = router.value.get("firelens");
            let at = router.path("firelens");
            if let Some(kind) = f.get("type").as_str()
                && !FIRELENS_TYPES.contains(&kind)
            {
                self.error(
                    at.join_attr("type"),
                    "Invalid FireLens type",
                    format!(
                        "firelens.type is {}; got {kind:?} (check `firelens`).",
                        one_of(FIRELENS_TYPES)
                    ),
                );
            }
            let (file_type, file_value) = (f.get("config_file_type"), f.get("config_file_value"));
            if let Some(t) = file_type.as_str()
                && !FIRELENS_CONFIG_FILE_TYPES.contains(&t)
            {
                self.error(
                    at.join_attr("config_file_type"),
                    "Invalid FireLens configuration file type",
                    format!(
                        "config_file_type is {}; got {t:?} (check `firelens`).",
                        one_of(FIRELENS_CONFIG_FILE_TYPES)
                    ),
                );
            }
            if file_type.is_null() != file_value.is_null()
                && !file_type.is_unknown()
                && !file_value.is_unknown()
            {
                let (missing, given) = if file_type.is_null() {
                    ("config_file_type", "config_file_value")
                } else {
                    ("config_file_value", "config_file_type")
                };
                self.error(
                    at.join_attr(missing),
                    "Half a FireLens configuration file",
                    format!("{given} is set, so {missing} is needed too (check `firelens`)."),
                );
            }
            if file_type.as_str() == Some("s3")
                && let Some(v) = file_value.as_str()
                && !(v.starts_with("arn:") && v.contains(":s3:::"))
            {
                self.error(
                    at.join_attr("config_file_value"),
                    "FireLens configuration file is not an S3 object ARN",
                    format!(
                        "With config_file_type = \"s3\", config_file_value is the object's ARN \
                         (arn:aws:s3:::<bucket>/<key>); got {v:?} (check `firelens`)."
                    ),
                );
            }
        }
    }

    /// Mount points name a volume of the task at an absolute path, once per path.
    fn mounts(&mut self, c: &Value, all: &[Container]) {
        let volumes = c.get("volume");
        let names: Option<BTreeSet<&str>> = match volumes {
            Value::Null => Some(BTreeSet::new()),
            v => v.elements().map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.get("name").as_str())
                    .collect()
            }),
        };
        for container in all {
            let mut paths = BTreeSet::new();
            for (i, m) in container
                .value
                .get("mount_point")
                .elements()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let at = container.path("mount_point").join_index(i);
                if let (Some(source), Some(names)) = (m.get("source_volume").as_str(), &names)
                    && !names.contains(source)
                {
                    self.error(
                        at.join_attr("source_volume"),
                        "Mount of a volume the task does not have",
                        format!(
                            "source_volume {source:?} names no volume of the service{} (check `volumes`).",
                            if names.is_empty() {
                                ": add a volume block".to_owned()
                            } else {
                                format!(
                                    ": use {}",
                                    one_of(&names.iter().copied().collect::<Vec<_>>())
                                )
                            }
                        ),
                    );
                }
                if let Some(path) = m.get("container_path").as_str() {
                    if !path.starts_with('/') {
                        self.error(
                            at.join_attr("container_path"),
                            "Relative mount path",
                            format!(
                                "container_path must be absolute; got {path:?} (check `volumes`)."
                            ),
                        );
                    } else if !paths.insert(path) {
                        self.error(
                            at.join_attr("container_path"),
                            "Two volumes at one path",
                            format!(
                                "{} mounts two volumes at {path:?} (check `volumes`).",
                                container.name().unwrap_or("The container")
                            ),
                        );
                    }
                }
            }
        }
    }

    /// Capabilities Fargate lets a container add and drop, and its resource limits.
    fn hardening(&mut self, container: &Container) {
        let v = container.value;
        for (attr, addable) in [("add_capabilities", true), ("drop_capabilities", false)] {
            for (i, cap) in strings(v.get(attr)) {
                let at = container.path(attr).join_index(i);
                let known = CAPABILITIES.contains(&cap) && !(addable && cap == "ALL");
                if !known {
                    self.error(
                        at,
                        "Unknown Linux capability",
                        format!(
                            "{cap:?} is not a Linux capability ECS knows: use names without the CAP_ prefix, such \
                             as NET_BIND_SERVICE{} (check `capabilities`).",
                            if addable { "" } else { ", or ALL" }
                        ),
                    );
                } else if addable && cap != FARGATE_ADDABLE_CAPABILITY {
                    self.error(
                        at,
                        "Capability Fargate does not add",
                        format!(
                            "Fargate lets a container add only {FARGATE_ADDABLE_CAPABILITY}; it refuses tasks that \
                             add {cap} (check `capabilities`)."
                        ),
                    );
                }
            }
        }
        let mut names = BTreeSet::new();
        for (i, u) in v
            .get("ulimit")
            .elements()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let at = container.path("ulimit").join_index(i);
            if let Some(name) = u.get("name").as_str() {
                if !ULIMITS.contains(&name) {
                    self.error(
                        at.join_attr("name"),
                        "Unknown resource limit",
                        format!(
                            "ulimit names are {}; got {name:?} (check `ulimits`).",
                            one_of(ULIMITS)
                        ),
                    );
                } else if !names.insert(name) {
                    self.error(
                        at.join_attr("name"),
                        "Resource limit set twice",
                        format!("{name} is limited twice in this container (check `ulimits`)."),
                    );
                }
            }
            let (soft, hard) = (u.get("soft_limit").as_i64(), u.get("hard_limit").as_i64());
            if let (Some(soft), Some(hard)) = (soft, hard)
                && soft > hard
            {
                self.error(
                    at.join_attr("soft_limit"),
                    "Soft limit above the hard limit",
                    format!(
                        "soft_limit ({soft}) must not exceed hard_limit ({hard}) (check `ulimits`)."
                    ),
                );
            }
            if u.get("name").as_str() == Some("nofile")
                && let Some(hard) = hard
                && hard > MAX_NOFILE
            {
                self.error(
                    at.join_attr("hard_limit"),
                    "nofile above Fargate's limit",
                    format!("Fargate allows open files up to {MAX_NOFILE}; got {hard} (check `ulimits`)."),
                );
            }
        }
    }

    /// Volume names unique; EFS needs transit encryption with IAM authorization or an access
    /// point, an access point its own root, and a platform version that mounts EFS.
    fn volumes(&mut self, c: &Value) {
        let Some(volumes) = c.get("volume").elements() else {
            return;
        };
        let mut names = BTreeSet::new();
        let mut efs_at = None;
        for (i, v) in volumes.iter().enumerate() {
            let at = AttributePath::attr("volume").join_index(i);
            if let Some(name) = v.get("name").as_str()
                && !names.insert(name)
            {
                self.error(
                    at.join_attr("name"),
                    "Duplicate volume name",
                    format!("Another volume is named {name:?}; names are unique in a task (check `volumes`)."),
                );
            }
            let efs = v.get("efs");
            if efs.is_null() || efs.is_unknown() {
                continue;
            }
            let efs_path = at.join_attr("efs");
            efs_at.get_or_insert(efs_path.clone());
            let flag = |attr: &str| match efs.get(attr) {
                Value::Null => Some(true),
                x => x.as_bool(),
            };
            let access_point = efs.get("access_point_id");
            let encrypted = flag("transit_encryption");
            let iam = flag("iam_authorization");
            if encrypted == Some(false) && (iam == Some(true) || !access_point.is_null()) {
                let why = if iam == Some(true) {
                    "IAM authorization"
                } else {
                    "an access point"
                };
                self.error(
                    efs_path.join_attr("transit_encryption"),
                    "EFS without transit encryption",
                    format!(
                        "ECS mounts an EFS volume with {why} only over TLS: set transit_encryption = true (check \
                         `efs`)."
                    ),
                );
            }
            if !access_point.is_null()
                && let Some(root) = efs.get("root_directory").as_str()
                && root != "/"
            {
                self.error(
                    efs_path.join_attr("root_directory"),
                    "Root directory with an access point",
                    format!(
                        "The access point decides the root directory; ECS refuses another one ({root:?}). Remove \
                         root_directory, or set the directory on the access point (check `efs`)."
                    ),
                );
            }
        }
        if efs_at.is_some()
            && let Some(version) = c.get("platform_version").as_str()
            && !EFS_PLATFORM_VERSIONS.contains(&version)
        {
            self.error(
                AttributePath::attr("platform_version"),
                "Platform version without EFS",
                format!(
                    "Fargate mounts EFS volumes from platform version 1.4.0 on; platform_version is {version:?}. \
                     Use {} (check `efs`).",
                    one_of(EFS_PLATFORM_VERSIONS)
                ),
            );
        }
    }

    /// ECS Exec's agent needs a writable root filesystem in the container it opens a shell in.
    fn exec(&mut self, c: &Value) {
        if c.get("enable_execute_command").as_bool() == Some(true)
            && c.get("container").get("readonly_root_filesystem").as_bool() == Some(true)
        {
            self.warning(
                AttributePath::attr("enable_execute_command"),
                "ECS Exec with a read-only root filesystem",
                "The SSM agent ECS Exec runs in the application container writes to its root filesystem, which \
                 container.readonly_root_filesystem makes read-only: execute-command fails there. Mount writable \
                 volumes at /managed-agents, /var/lib/amazon and /var/log/amazon, or open the shell in a sidecar \
                 (check `exec`)."
                    .to_owned(),
            );
        }
    }

    /// Managed policy ARNs of IAM, within IAM's limit per role.
    fn managed_policies(&mut self, c: &Value) {
        let arns = c.get("task_role_managed_policy_arns");
        for (i, arn) in strings(arns) {
            let parts: Vec<&str> = arn.splitn(6, ':').collect();
            let valid = matches!(
                parts.as_slice(),
                ["arn", partition, "iam", "", account, resource]
                    if !partition.is_empty()
                        && (*account == "aws" || (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())))
                        && resource.starts_with("policy/")
                        && resource.len() > "policy/".len()
            );
            if !valid {
                self.error(
                    AttributePath::attr("task_role_managed_policy_arns").join_index(i),
                    "Not a managed policy ARN",
                    format!(
                        "{arn:?} is not an IAM managed policy ARN: arn:aws:iam::aws:policy/<name> for AWS's, \
                         arn:aws:iam::<account>:policy/<name> for your own (check `managed-policies`)."
                    ),
                );
            }
        }
        if let Some(items) = arns.elements()
            && items.len() > MAX_MANAGED_POLICIES
        {
            self.error(
                AttributePath::attr("task_role_managed_policy_arns"),
                "Too many managed policies",
                format!(
                    "IAM attaches at most {MAX_MANAGED_POLICIES} managed policies to a role; got {}. Combine some \
                     into task_role_policy_json (check `managed-policies`).",
                    items.len()
                ),
            );
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
        check(c)
            .into_iter()
            .map(|d| {
                (
                    d.summary.clone(),
                    d.attribute
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            })
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
}
