//! The FireLens rules: at most one log router, the `awsfirelens` driver only with one and not
//! on the router itself, `log.options` only with it, and the router's type and configuration
//! file.

use super::super::schema::{FIRELENS_CONFIG_FILE_TYPES, FIRELENS_TYPES, LOG_DRIVERS, one_of};
use super::shared::Checker;
use super::tasks::Container;

impl Checker {
    /// At most one FireLens router; `awsfirelens` only with one, and never on the router
    /// itself; the router's type and configuration file.
    pub(super) fn firelens(&mut self, all: &[Container]) {
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
}
