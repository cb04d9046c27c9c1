//! The container hardening rules: Linux capabilities Fargate lets a container add and drop,
//! resource limits (ulimits), and ECS Exec with a read-only root filesystem.

use std::collections::BTreeSet;

use crate::service::facts;
use crate::service::schema::one_of;
use crate::value::{AttributePath, Value};

use super::shared::{Checker, strings};
use super::tasks::Container;

/// The one capability Fargate lets a container add ([`facts::FARGATE_ADDABLE_CAPABILITY`]).
pub const FARGATE_ADDABLE_CAPABILITY: &str = facts::FARGATE_ADDABLE_CAPABILITY;

impl Checker {
    /// Capabilities Fargate lets a container add and drop, and its resource limits.
    pub(super) fn hardening(&mut self, container: &Container) {
        let v = container.value;
        for (attr, addable) in [("add_capabilities", true), ("drop_capabilities", false)] {
            for (i, cap) in strings(v.get(attr)) {
                let at = container.path(attr).join_index(i);
                let known =
                    facts::KERNEL_CAPABILITIES.values.contains(&cap) && !(addable && cap == "ALL");
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
                if !facts::ULIMIT_NAMES.values.contains(&name) {
                    self.error(
                        at.join_attr("name"),
                        "Unknown resource limit",
                        format!(
                            "ulimit names are {}; got {name:?} (check `ulimits`).",
                            one_of(facts::ULIMIT_NAMES.values)
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
                && hard > facts::FARGATE_NOFILE.max
            {
                self.error(
                    at.join_attr("hard_limit"),
                    "nofile above Fargate's limit",
                    format!(
                        "Fargate allows open files up to {}; got {hard} (check `ulimits`).",
                        facts::FARGATE_NOFILE.max
                    ),
                );
            }
        }
    }

    /// ECS Exec's agent needs a writable root filesystem in the container it opens a shell in.
    pub(super) fn exec(&mut self, c: &Value) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{
        Seen, block, error, int, list, run, s, strings, warning,
    };

    fn container(fields: &[(&str, Value)]) -> Vec<Seen> {
        let mut all = vec![("name", s("app"))];
        all.extend(fields.iter().cloned());
        run(Checker::task, &[("container", block(&all))])
    }

    fn ulimit(name: &str, soft: i64, hard: i64) -> Value {
        block(&[
            ("name", s(name)),
            ("soft_limit", int(soft)),
            ("hard_limit", int(hard)),
        ])
    }

    #[test]
    fn capabilities_fargate_adds_and_drops() {
        assert_eq!(
            container(&[
                ("add_capabilities", strings(&["SYS_PTRACE"])),
                ("drop_capabilities", strings(&["ALL", "NET_RAW"]))
            ]),
            []
        );
        assert_eq!(
            container(&[("add_capabilities", strings(&["SYS_PTRACE", "NET_ADMIN"]))]),
            [error(
                "Capability Fargate does not add",
                "container.add_capabilities[1]"
            )]
        );
        assert_eq!(
            container(&[("add_capabilities", strings(&["ALL"]))]),
            [error(
                "Unknown Linux capability",
                "container.add_capabilities[0]"
            )]
        );
        assert_eq!(
            container(&[("drop_capabilities", strings(&["CAP_CHOWN"]))]),
            [error(
                "Unknown Linux capability",
                "container.drop_capabilities[0]"
            )]
        );
    }

    #[test]
    fn ulimits_ecs_knows_within_fargates_nofile() {
        let limits = |items: Vec<Value>| container(&[("ulimit", list(items))]);
        assert_eq!(
            limits(vec![
                ulimit("nofile", 1_048_576, 1_048_576),
                ulimit("core", 0, 0)
            ]),
            []
        );
        assert_eq!(
            limits(vec![ulimit("nofile", 1024, 1_048_577)]),
            [error(
                "nofile above Fargate's limit",
                "container.ulimit[0].hard_limit"
            )]
        );
        assert_eq!(
            limits(vec![ulimit("nproc", 101, 100)]),
            [error(
                "Soft limit above the hard limit",
                "container.ulimit[0].soft_limit"
            )]
        );
        assert_eq!(
            limits(vec![ulimit("open_files", 1, 1)]),
            [error("Unknown resource limit", "container.ulimit[0].name")]
        );
        assert_eq!(
            limits(vec![ulimit("nproc", 1, 1), ulimit("nproc", 2, 2)]),
            [error(
                "Resource limit set twice",
                "container.ulimit[1].name"
            )]
        );
    }

    #[test]
    fn ecs_exec_with_a_read_only_root_filesystem() {
        let exec = |readonly: bool| {
            run(
                Checker::task,
                &[
                    ("enable_execute_command", Value::Bool(true)),
                    ("container.name", s("app")),
                    ("container.readonly_root_filesystem", Value::Bool(readonly)),
                ],
            )
        };
        assert_eq!(exec(false), []);
        assert_eq!(
            exec(true),
            [warning(
                "ECS Exec with a read-only root filesystem",
                "enable_execute_command"
            )]
        );
    }
}
