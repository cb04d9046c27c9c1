//! The task definition's containers and volumes, and the permissions they give the task role:
//! the application container, its sidecars (a FireLens router among them), EFS and task
//! storage volumes, the EFS client actions and ECS Exec's channels.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::expand::{ContainerDef, FirelensDef, Placement, VolumeSpec};
use super::spec::{ContainerSettings, LogSpec, ServiceSpec};

/// The awslogs options of every container that logs to the service's log group.
fn awslogs_options(log: &LogSpec, region: &str) -> BTreeMap<String, String> {
    let mut options = BTreeMap::new();
    options.insert("awslogs-group".to_owned(), log.group.clone());
    options.insert("awslogs-region".to_owned(), region.to_owned());
    options.insert(
        "awslogs-stream-prefix".to_owned(),
        log.stream_prefix.clone(),
    );
    options.insert("mode".to_owned(), log.mode.clone());
    if log.mode == "non-blocking" {
        options.insert("max-buffer-size".to_owned(), log.max_buffer_size.clone());
    }
    options
}

/// The driver and options of a container's logs: the service's log group through awslogs, or
/// the task's FireLens router with the options given.
fn log_configuration(
    driver: &str,
    options: &BTreeMap<String, String>,
    log: &LogSpec,
    region: &str,
) -> (String, BTreeMap<String, String>) {
    if driver == "awsfirelens" {
        (driver.to_owned(), options.clone())
    } else {
        ("awslogs".to_owned(), awslogs_options(log, region))
    }
}

fn container(name: &str, settings: &ContainerSettings) -> ContainerDef {
    let s = settings;
    ContainerDef {
        name: name.to_owned(),
        image: s.image.clone(),
        essential: true,
        port_mappings: Vec::new(),
        command: s.command.clone(),
        entry_point: s.entry_point.clone(),
        environment: s.environment.clone(),
        secrets: s.secrets.clone(),
        cpu: s.cpu,
        memory: s.memory,
        memory_reservation: s.memory_reservation,
        user: s.user.clone(),
        depends_on: s
            .depends_on
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        stop_timeout: None,
        init_process_enabled: s.init_process_enabled,
        readonly_root_filesystem: s.readonly_root_filesystem,
        drop_capabilities: s.drop_capabilities.clone(),
        add_capabilities: s.add_capabilities.clone(),
        health_check: s.health_check.clone(),
        mount_points: s.mount_points.clone(),
        ulimits: s.ulimits.clone(),
        log_driver: String::new(),
        log_options: BTreeMap::new(),
        firelens: None,
    }
}

/// Every container of the task: the application's first, then the sidecars in the order
/// configured.
pub fn containers(spec: &ServiceSpec, region: &str) -> Vec<ContainerDef> {
    let c = &spec.container;
    let mut app = container(&c.name, &c.settings);
    app.port_mappings = c
        .port
        .map(|p| vec![(p, "tcp".to_owned())])
        .unwrap_or_default();
    app.stop_timeout = Some(c.stop_timeout);
    (app.log_driver, app.log_options) =
        log_configuration(&c.log.driver, &c.log.options, &c.log, region);
    if app.log_driver == "awslogs" {
        // How awslogs joins a multiline message (a stack trace) into one event: the
        // application's output only; a sidecar's has other lines.
        for (option, value) in [
            ("awslogs-multiline-pattern", &c.log.multiline_pattern),
            ("awslogs-datetime-format", &c.log.datetime_format),
        ] {
            if let Some(v) = value {
                app.log_options.insert(option.to_owned(), v.clone());
            }
        }
    }
    let mut out = vec![app];
    for s in &spec.sidecars {
        let mut sidecar = container(&s.name, &s.settings);
        sidecar.essential = s.essential;
        sidecar.port_mappings = s.port_mappings.clone();
        sidecar.stop_timeout = s.stop_timeout;
        (sidecar.log_driver, sidecar.log_options) =
            log_configuration(&s.log_driver, &s.log_options, &c.log, region);
        sidecar.firelens = s.firelens.as_ref().map(|f| {
            let mut options = f.options.clone();
            if let Some(t) = &f.config_file_type {
                options.insert("config-file-type".to_owned(), t.clone());
            }
            if let Some(v) = &f.config_file_value {
                options.insert("config-file-value".to_owned(), v.clone());
            }
            FirelensDef {
                kind: f.kind.clone(),
                options,
            }
        });
        out.push(sidecar);
    }
    out
}

/// The task's volumes. A root directory of `/` is what ECS reports when none is given, so it is
/// left out either way.
pub fn volumes(spec: &ServiceSpec) -> Vec<VolumeSpec> {
    let mut volumes = spec.volumes.clone();
    for efs in volumes.iter_mut().filter_map(|v| v.efs.as_mut()) {
        efs.root_directory = efs.root_directory.take().filter(|r| r != "/");
    }
    volumes
}

/// Every secret or parameter ARN some container of the task reads.
pub fn secret_arns(spec: &ServiceSpec) -> impl Iterator<Item = &String> {
    std::iter::once(&spec.container.settings)
        .chain(spec.sidecars.iter().map(|s| &s.settings))
        .flat_map(|s| s.secrets.values())
}

/// Whether a container runs as root: no user (the image's, usually root) or uid 0.
pub fn runs_as_root(user: Option<&str>) -> bool {
    match user {
        None => true,
        Some(u) => {
            let who = u.split(':').next().unwrap_or(u);
            who.is_empty() || who == "0" || who == "root"
        }
    }
}

/// The EFS client actions of one IAM-authorized volume: mounting always; writing unless every
/// mount of it is read-only; root access only without an access point (which enforces its own
/// user) and with a container mounting it as root.
pub fn efs_actions(spec: &ServiceSpec, volume: &str, access_point: bool) -> Vec<&'static str> {
    let mounts: Vec<(&ContainerSettings, bool)> = std::iter::once(&spec.container.settings)
        .chain(spec.sidecars.iter().map(|s| &s.settings))
        .flat_map(|s| {
            s.mount_points
                .iter()
                .filter(|m| m.source_volume == volume)
                .map(move |m| (s, m.read_only))
        })
        .collect();
    let mut actions = vec![EFS_MOUNT];
    if mounts.iter().any(|(_, read_only)| !read_only) {
        actions.push(EFS_WRITE);
    }
    if !access_point && mounts.iter().any(|(s, _)| runs_as_root(s.user.as_deref())) {
        actions.push(EFS_ROOT_ACCESS);
    }
    actions
}

pub const EFS_MOUNT: &str = "elasticfilesystem:ClientMount";
pub const EFS_WRITE: &str = "elasticfilesystem:ClientWrite";
pub const EFS_ROOT_ACCESS: &str = "elasticfilesystem:ClientRootAccess";

/// The task role's EFS permissions: for each volume mounted with IAM authorization, exactly
/// its client actions on that file system, only through its access point when it has one.
pub fn efs_policy(spec: &ServiceSpec, placement: &Placement) -> Option<Json> {
    let statements: Vec<Json> = spec
        .volumes
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let efs = v.efs.as_ref().filter(|e| e.iam_authorization)?;
            let arn = |resource: String| {
                format!(
                    "arn:{}:elasticfilesystem:{}:{}:{resource}",
                    placement.partition, placement.region, placement.account_id
                )
            };
            let mut statement = json!({
                "Sid": format!("{EFS_SID_PREFIX}{i}"),
                "Effect": "Allow",
                "Action": efs_actions(spec, &v.name, efs.access_point_id.is_some()),
                "Resource": arn(format!("file-system/{}", efs.file_system_id)),
            });
            if let Some(ap) = &efs.access_point_id {
                statement["Condition"] = json!({
                    "StringEquals": { "elasticfilesystem:AccessPointArn": arn(format!("access-point/{ap}")) }
                });
            }
            Some(statement)
        })
        .collect();
    (!statements.is_empty()).then(|| json!({ "Version": "2012-10-17", "Statement": statements }))
}

/// The statement ids of the EFS policy: this and the volume's index in `volume`.
pub const EFS_SID_PREFIX: &str = "EfsVolume";

/// The channels the SSM agent in each task opens for ECS Exec; AWS documents them on `*`.
pub const EXEC_ACTIONS: &[&str] = &[
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

pub fn exec_policy() -> Json {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EcsExecChannels",
            "Effect": "Allow",
            "Action": EXEC_ACTIONS,
            "Resource": "*",
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    /// A service whose application mounts `data` (read-only when `read_only`) as `user`, with
    /// an EFS volume `data` behind `access_point` (if any).
    fn spec(read_only: bool, user: Option<&str>, access_point: Option<&str>) -> ServiceSpec {
        let mut container = vec![
            ("name", Value::string("app")),
            ("image", Value::string("app:1")),
            ("port", Value::int(8080)),
            (
                "mount_point",
                Value::List(vec![Value::object([
                    ("source_volume", Value::string("data")),
                    ("container_path", Value::string("/data")),
                    ("read_only", Value::Bool(read_only)),
                ])]),
            ),
        ];
        if let Some(u) = user {
            container.push(("user", Value::string(u)));
        }
        let mut efs = vec![("file_system_id", Value::string("fs-1"))];
        if let Some(ap) = access_point {
            efs.push(("access_point_id", Value::string(ap)));
        }
        let value = Value::object([
            ("name", Value::string("svc")),
            ("cluster", Value::string("prod")),
            (
                "task",
                Value::object([("cpu", Value::int(256)), ("memory", Value::int(512))]),
            ),
            ("container", Value::object(container)),
            (
                "volume",
                Value::List(vec![Value::object([
                    ("name", Value::string("data")),
                    ("efs", Value::object(efs)),
                ])]),
            ),
            ("network", Value::object([])),
            (
                "load_balancer",
                Value::object([
                    ("vpc_id", Value::string("vpc-1")),
                    ("production_listener_arn", Value::string("p")),
                ]),
            ),
        ]);
        match ServiceSpec::from_value(&value) {
            Ok(s) => s,
            Err(e) => panic!("spec: {e}"),
        }
    }

    #[test]
    fn efs_actions_are_what_the_mounts_need() {
        assert_eq!(
            efs_actions(&spec(false, Some("1000"), None), "data", false),
            [EFS_MOUNT, EFS_WRITE],
            "a non-root writer"
        );
        assert_eq!(
            efs_actions(&spec(true, Some("1000"), None), "data", false),
            [EFS_MOUNT],
            "read-only mounts do not write"
        );
        assert_eq!(
            efs_actions(&spec(false, None, None), "data", false),
            [EFS_MOUNT, EFS_WRITE, EFS_ROOT_ACCESS],
            "the image's user is taken as root"
        );
        assert_eq!(
            efs_actions(&spec(false, Some("0:0"), Some("fsap-1")), "data", true),
            [EFS_MOUNT, EFS_WRITE],
            "an access point enforces its own user"
        );
        assert!(efs_actions(&spec(false, None, None), "other", false) == [EFS_MOUNT]);
    }

    #[test]
    fn the_efs_policy_names_the_file_system_and_its_access_point() {
        let placement = Placement {
            partition: "aws".into(),
            region: "eu-west-1".into(),
            account_id: "123456789012".into(),
            load_balancer: "app/x/y".into(),
        };
        let policy = efs_policy(&spec(true, Some("1000"), Some("fsap-1")), &placement);
        assert_eq!(
            policy.map(|p| p["Statement"].clone()),
            Some(json!([{
                "Sid": "EfsVolume0",
                "Effect": "Allow",
                "Action": [EFS_MOUNT],
                "Resource": "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1",
                "Condition": { "StringEquals": { "elasticfilesystem:AccessPointArn": "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1" } },
            }]))
        );
    }
}
