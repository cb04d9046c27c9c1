//! The task definition's part of a state as AWS reports it: the application container's
//! settings, the sidecars and the volumes, for drift on refresh and for import. What a value
//! says that AWS does not (an attribute left null rather than empty) comes from the prior state.

use std::collections::BTreeMap;

use crate::service::expand::{ContainerDef, TaskDefinitionDef, VolumeSpec};
use crate::value::Value;

use super::observed_state::{map_like, set, strings};

/// A list attribute as the user would have written it: null when AWS has nothing and the
/// state had null.
fn list_like(prior: &Value, items: &[String]) -> Value {
    if items.is_empty() && prior.is_null() {
        Value::Null
    } else {
        strings(items)
    }
}

fn opt_int(n: Option<i64>) -> Value {
    n.map_or(Value::Null, Value::int)
}

fn opt_str(s: Option<&String>) -> Value {
    s.map_or(Value::Null, |s| Value::string(s.clone()))
}

fn opt_strings(items: Option<&Vec<String>>) -> Value {
    items.map_or(Value::Null, |i| strings(i))
}

/// What the application container and every sidecar take alike, read back.
fn settings_fields(ct: &ContainerDef, prior: &Value) -> Vec<(&'static str, Value)> {
    let depends_on: BTreeMap<String, String> = ct.depends_on.iter().cloned().collect();
    vec![
        ("image", Value::string(ct.image.clone())),
        ("command", opt_strings(ct.command.as_ref())),
        ("entry_point", opt_strings(ct.entry_point.as_ref())),
        (
            "environment",
            map_like(prior.get("environment"), &ct.environment),
        ),
        ("secrets", map_like(prior.get("secrets"), &ct.secrets)),
        ("cpu", opt_int(ct.cpu)),
        ("memory", opt_int(ct.memory)),
        ("memory_reservation", opt_int(ct.memory_reservation)),
        ("user", opt_str(ct.user.as_ref())),
        ("depends_on", map_like(prior.get("depends_on"), &depends_on)),
        ("init_process_enabled", Value::Bool(ct.init_process_enabled)),
        (
            "readonly_root_filesystem",
            Value::Bool(ct.readonly_root_filesystem),
        ),
        (
            "drop_capabilities",
            list_like(prior.get("drop_capabilities"), &ct.drop_capabilities),
        ),
        (
            "add_capabilities",
            list_like(prior.get("add_capabilities"), &ct.add_capabilities),
        ),
        (
            "health_check",
            ct.health_check.as_ref().map_or(Value::Null, |h| {
                Value::object([
                    ("command", strings(&h.command)),
                    ("interval", Value::int(h.interval)),
                    ("timeout", Value::int(h.timeout)),
                    ("retries", Value::int(h.retries)),
                    ("start_period", Value::int(h.start_period)),
                ])
            }),
        ),
        (
            "mount_point",
            Value::List(
                ct.mount_points
                    .iter()
                    .map(|m| {
                        Value::object([
                            ("source_volume", Value::string(m.source_volume.clone())),
                            ("container_path", Value::string(m.container_path.clone())),
                            ("read_only", Value::Bool(m.read_only)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "ulimit",
            Value::List(
                ct.ulimits
                    .iter()
                    .map(|u| {
                        Value::object([
                            ("name", Value::string(u.name.clone())),
                            ("soft_limit", Value::int(u.soft_limit)),
                            ("hard_limit", Value::int(u.hard_limit)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ]
}

/// The options a container's log driver was given: only `awsfirelens` takes them (awslogs'
/// come from the service's log group).
fn driver_options(ct: &ContainerDef, prior: &Value) -> Value {
    if ct.log_driver == "awsfirelens" {
        map_like(prior, &ct.log_options)
    } else {
        Value::Null
    }
}

/// The FireLens options besides the configuration file's, which have their own attributes.
const CONFIG_FILE_TYPE: &str = "config-file-type";
const CONFIG_FILE_VALUE: &str = "config-file-value";

fn sidecar_value(ct: &ContainerDef, prior: &Value) -> Value {
    let mut fields: BTreeMap<String, Value> = settings_fields(ct, prior)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    fields.insert("name".into(), Value::string(ct.name.clone()));
    fields.insert("essential".into(), Value::Bool(ct.essential));
    fields.insert("stop_timeout".into(), opt_int(ct.stop_timeout));
    fields.insert(
        "port_mapping".into(),
        Value::List(
            ct.port_mappings
                .iter()
                .map(|(port, protocol)| {
                    Value::object([
                        ("container_port", Value::int(*port)),
                        ("protocol", Value::string(protocol.clone())),
                    ])
                })
                .collect(),
        ),
    );
    fields.insert(
        "log".into(),
        Value::object([
            ("driver", Value::string(ct.log_driver.clone())),
            (
                "options",
                driver_options(ct, prior.get("log").get("options")),
            ),
        ]),
    );
    let firelens = ct.firelens.as_ref().map_or(Value::Null, |f| {
        let mut options = f.options.clone();
        let file_type = options.remove(CONFIG_FILE_TYPE);
        let file_value = options.remove(CONFIG_FILE_VALUE);
        Value::object([
            ("type", Value::string(f.kind.clone())),
            (
                "options",
                map_like(prior.get("firelens").get("options"), &options),
            ),
            ("config_file_type", opt_str(file_type.as_ref())),
            ("config_file_value", opt_str(file_value.as_ref())),
        ])
    });
    fields.insert("firelens".into(), firelens);
    Value::Object(fields)
}

/// The `sidecar` blocks for the containers after the application's.
pub fn sidecars_value(sidecars: &[ContainerDef], prior: &Value) -> Value {
    let prior_items = prior.elements().unwrap_or_default();
    Value::List(
        sidecars
            .iter()
            .map(|ct| {
                let before = prior_items
                    .iter()
                    .find(|p| p.get("name").as_str() == Some(ct.name.as_str()))
                    .unwrap_or(&Value::Null);
                sidecar_value(ct, before)
            })
            .collect(),
    )
}

/// The `volume` blocks.
pub fn volumes_value(volumes: &[VolumeSpec]) -> Value {
    Value::List(
        volumes
            .iter()
            .map(|v| {
                let efs = v.efs.as_ref().map_or(Value::Null, |e| {
                    Value::object([
                        ("file_system_id", Value::string(e.file_system_id.clone())),
                        ("root_directory", opt_str(e.root_directory.as_ref())),
                        ("access_point_id", opt_str(e.access_point_id.as_ref())),
                        ("transit_encryption", Value::Bool(e.transit_encryption)),
                        ("iam_authorization", Value::Bool(e.iam_authorization)),
                    ])
                });
                Value::object([("name", Value::string(v.name.clone())), ("efs", efs)])
            })
            .collect(),
    )
}

/// The application container's settings as an import writes them (`prior` is its block in
/// the state being refreshed, or null).
pub fn app_fields(app: &ContainerDef, prior: &Value) -> Vec<(&'static str, Value)> {
    settings_fields(app, prior)
}

/// The log driver and its options of the application container.
pub fn app_log_driver(app: &ContainerDef, prior: &Value) -> (Value, Value) {
    (
        Value::string(app.log_driver.clone()),
        driver_options(app, prior.get("log").get("options")),
    )
}

/// Writes what differs between the task definition the service runs and the one the state
/// expands to: the application's settings, the sidecars, the volumes. Equal parts leave the
/// state as it is, so nothing AWS cannot tell (null or empty) turns into a change.
pub fn apply_task_drift(state: &mut Value, seen: &TaskDefinitionDef, want: &TaskDefinitionDef) {
    if let (Some(app), Some(wanted)) = (seen.app(), want.app())
        && app != wanted
    {
        let prior = state.get("container").clone();
        for (k, v) in app_fields(app, &prior) {
            set(state, &["container", k], v);
        }
        let (driver, options) = app_log_driver(app, &prior);
        set(state, &["container", "log", "driver"], driver);
        set(state, &["container", "log", "options"], options);
    }
    let (seen_sidecars, want_sidecars) = (
        seen.containers.get(1..).unwrap_or_default(),
        want.containers.get(1..).unwrap_or_default(),
    );
    if seen_sidecars != want_sidecars {
        let prior = state.get("sidecar").clone();
        set(state, &["sidecar"], sidecars_value(seen_sidecars, &prior));
    }
    if seen.volumes != want.volumes {
        set(state, &["volume"], volumes_value(&seen.volumes));
    }
}
