//! The volume rules: unique volume names, mount points that name a volume of the task at an
//! absolute path once, and what ECS needs to mount EFS (transit encryption, the access point's
//! root, a platform version that mounts EFS).

use std::collections::BTreeSet;

use crate::service::schema::one_of;
use crate::value::{AttributePath, Value};

use super::shared::Checker;
use super::tasks::Container;

/// Fargate platform versions that mount EFS volumes.
const EFS_PLATFORM_VERSIONS: &[&str] = &["1.4.0", "LATEST"];

impl Checker {
    /// Mount points name a volume of the task at an absolute path, once per path.
    pub(super) fn mounts(&mut self, c: &Value, all: &[Container]) {
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

    /// Volume names unique; EFS needs transit encryption with IAM authorization or an access
    /// point, an access point its own root, and a platform version that mounts EFS.
    pub(super) fn volumes(&mut self, c: &Value) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{Seen, block, error, list, run, s};

    fn volume(name: &str, efs: Option<&[(&str, Value)]>) -> Value {
        let mut fields = vec![("name", s(name))];
        fields.extend(efs.map(|e| ("efs", block(e))));
        block(&fields)
    }

    fn mount(source: &str, path: &str) -> Value {
        block(&[("source_volume", s(source)), ("container_path", s(path))])
    }

    fn task(fields: &[(&str, Value)]) -> Vec<Seen> {
        let mut all = vec![("container.name", s("app"))];
        all.extend(fields.iter().cloned());
        run(Checker::task, &all)
    }

    #[test]
    fn volumes_and_mount_points() {
        let two = (
            "volume",
            list(vec![volume("data", None), volume("cache", None)]),
        );
        let mounts = |m: Vec<Value>| ("container.mount_point", list(m));
        assert_eq!(
            task(&[
                two.clone(),
                mounts(vec![mount("data", "/data"), mount("cache", "/cache")])
            ]),
            []
        );
        assert_eq!(
            task(&[(
                "volume",
                list(vec![volume("data", None), volume("data", None)])
            )]),
            [error("Duplicate volume name", "volume[1].name")]
        );
        assert_eq!(
            task(&[two.clone(), mounts(vec![mount("logs", "/logs")])]),
            [error(
                "Mount of a volume the task does not have",
                "container.mount_point[0].source_volume"
            )]
        );
        assert_eq!(
            task(&[mounts(vec![mount("logs", "/logs")])]),
            [error(
                "Mount of a volume the task does not have",
                "container.mount_point[0].source_volume"
            )]
        );
        assert_eq!(
            task(&[two.clone(), mounts(vec![mount("data", "data")])]),
            [error(
                "Relative mount path",
                "container.mount_point[0].container_path"
            )]
        );
        assert_eq!(
            task(&[
                two,
                mounts(vec![mount("data", "/data"), mount("cache", "/data")])
            ]),
            [error(
                "Two volumes at one path",
                "container.mount_point[1].container_path"
            )]
        );
    }

    #[test]
    fn efs_needs_tls_its_access_points_root_and_platform_1_4() {
        let efs = |fields: &[(&str, Value)]| ("volume", list(vec![volume("shared", Some(fields))]));
        let fs = ("file_system_id", s("fs-1"));
        let off = ("transit_encryption", Value::Bool(false));
        let no_iam = ("iam_authorization", Value::Bool(false));
        assert_eq!(task(&[efs(std::slice::from_ref(&fs))]), []);
        assert_eq!(task(&[efs(&[fs.clone(), off.clone(), no_iam.clone()])]), []);
        // IAM authorization is on unless turned off.
        assert_eq!(
            task(&[efs(&[fs.clone(), off.clone()])]),
            [error(
                "EFS without transit encryption",
                "volume[0].efs.transit_encryption"
            )]
        );
        assert_eq!(
            task(&[efs(&[
                fs.clone(),
                off,
                no_iam,
                ("access_point_id", s("fsap-1"))
            ])]),
            [error(
                "EFS without transit encryption",
                "volume[0].efs.transit_encryption"
            )]
        );
        let ap = ("access_point_id", s("fsap-1"));
        assert_eq!(
            task(&[efs(&[fs.clone(), ap.clone(), ("root_directory", s("/"))])]),
            []
        );
        assert_eq!(
            task(&[efs(&[fs.clone(), ap, ("root_directory", s("/data"))])]),
            [error(
                "Root directory with an access point",
                "volume[0].efs.root_directory"
            )]
        );
        assert_eq!(
            task(&[efs(&[fs.clone(), ("root_directory", s("/data"))])]),
            []
        );
        for ok in ["1.4.0", "LATEST"] {
            assert_eq!(
                task(&[efs(std::slice::from_ref(&fs)), ("platform_version", s(ok))]),
                [],
                "{ok}"
            );
        }
        assert_eq!(
            task(&[
                efs(std::slice::from_ref(&fs)),
                ("platform_version", s("1.3.0"))
            ]),
            [error("Platform version without EFS", "platform_version")]
        );
        // Without EFS, any platform version.
        assert_eq!(
            task(&[
                ("volume", list(vec![volume("scratch", None)])),
                ("platform_version", s("1.3.0"))
            ]),
            []
        );
    }
}
