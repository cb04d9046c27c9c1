//! The FireLens rules: at most one log router, the `awsfirelens` driver only with one and not
//! on the router itself, `log.options` only with it, and the router's type and configuration
//! file.

use crate::service::schema::{FIRELENS_CONFIG_FILE_TYPES, FIRELENS_TYPES, LOG_DRIVERS, one_of};
use crate::value::{AttributePath, Value};

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

impl Checker {
    /// awslogs' multiline settings of the application's container: awslogs options, so not
    /// with FireLens; and not both. The ECS API model (botocore 1.44.18,
    /// `LogConfiguration.options`, read 2026-12-07) says "You cannot configure both the
    /// awslogs-datetime-format and awslogs-multiline-pattern options"; the same text also calls
    /// the pattern "ignored if awslogs-datetime-format is also configured", as the awslogs page
    /// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html) does.
    /// The stricter statement of the model is followed.
    pub(super) fn awslogs_multiline(&mut self, c: &Value) {
        let log = c.get("container").get("log");
        let at = |attr: &str| {
            AttributePath::attr("container")
                .join_attr("log")
                .join_attr(attr)
        };
        let driver = match log.get("driver") {
            Value::Null => LOG_DRIVERS[0],
            v => match v.as_str() {
                Some(d) => d,
                None => return,
            },
        };
        let (pattern, format) = (log.get("multiline_pattern"), log.get("datetime_format"));
        if driver != LOG_DRIVERS[0] {
            for (attr, v) in [("multiline_pattern", pattern), ("datetime_format", format)] {
                if v.as_str().is_some() {
                    self.error(
                        at(attr),
                        "awslogs setting with another log driver",
                        format!(
                            "log.{attr} is an option of the awslogs driver; with log.driver = {driver:?} the \
                             output goes through FireLens, whose router joins multiline messages (its \
                             multiline parser) (check `awslogs-multiline`)."
                        ),
                    );
                }
            }
        } else if pattern.as_str().is_some() && format.as_str().is_some() {
            self.error(
                at("multiline_pattern"),
                "Both multiline settings",
                "awslogs takes awslogs-multiline-pattern or awslogs-datetime-format, not both (\"You cannot \
                 configure both\", the ECS API): keep one of log.multiline_pattern and log.datetime_format \
                 (check `awslogs-multiline`)."
                    .to_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{Seen, block, error, list, map, run, s};
    use crate::value::Value;

    /// The task's rules with the application logging through `app_log`, and sidecars given
    /// as their fields.
    fn task(app_log: &[(&str, Value)], sidecars: Vec<Vec<(&str, Value)>>) -> Vec<Seen> {
        let sidecars = sidecars
            .into_iter()
            .enumerate()
            .map(|(i, mut fields)| {
                let name = format!("side{i}");
                fields.push(("name", s(&name)));
                block(&fields)
            })
            .collect();
        run(
            Checker::task,
            &[
                ("container.name", s("app")),
                ("container.log", block(app_log)),
                ("sidecar", list(sidecars)),
            ],
        )
    }

    fn router(fields: &[(&str, Value)]) -> Vec<(&'static str, Value)> {
        let mut firelens = vec![("type", s("fluentbit"))];
        firelens.extend(fields.iter().cloned());
        vec![("firelens", block(&firelens))]
    }

    const THROUGH: (&str, Value) = ("driver", Value::Null);

    fn awsfirelens() -> Vec<(&'static str, Value)> {
        vec![
            ("driver", s("awsfirelens")),
            ("options", map(&[("Name", s("cloudwatch"))])),
        ]
    }

    #[test]
    fn multiline_settings_are_awslogs_options() {
        let multiline = |fields: &[(&str, Value)]| run(Checker::awslogs_multiline, fields);
        assert_eq!(
            multiline(&[("container.log.multiline_pattern", s("^\\d{4}-"))]),
            []
        );
        assert_eq!(
            multiline(&[
                ("container.log.multiline_pattern", s("^\\d{4}-")),
                ("container.log.datetime_format", s("%Y-%m-%d")),
            ]),
            [error(
                "Both multiline settings",
                "container.log.multiline_pattern"
            )]
        );
        assert_eq!(
            multiline(&[
                ("container.log.driver", s("awsfirelens")),
                ("container.log.datetime_format", s("%Y-%m-%d")),
            ]),
            [error(
                "awslogs setting with another log driver",
                "container.log.datetime_format"
            )]
        );
    }

    #[test]
    fn one_router_and_awsfirelens_only_with_it() {
        assert_eq!(task(&awsfirelens(), vec![router(&[])]), []);
        assert_eq!(
            task(&awsfirelens(), vec![]),
            [error(
                "awsfirelens without a log router",
                "container.log.driver"
            )]
        );
        assert_eq!(
            task(&[THROUGH], vec![router(&[]), router(&[])]),
            [error(
                "More than one FireLens log router",
                "sidecar[1].firelens"
            )]
        );
        let mut through_itself = router(&[]);
        through_itself.push(("log", block(&[("driver", s("awsfirelens"))])));
        assert_eq!(
            task(&[THROUGH], vec![through_itself]),
            [error(
                "The log router logs through itself",
                "sidecar[0].log.driver"
            )]
        );
        assert_eq!(
            task(&[("driver", s("syslog"))], vec![]),
            [error("Invalid log driver", "container.log.driver")]
        );
        // Options configure awsfirelens; awslogs (the default driver) takes none.
        assert_eq!(
            task(
                &[("options", map(&[("Name", s("cloudwatch"))]))],
                vec![router(&[])]
            ),
            [error(
                "Log options without awsfirelens",
                "container.log.options"
            )]
        );
    }

    #[test]
    fn the_routers_type_and_configuration_file() {
        let file = |kind: &str, value: &str| {
            router(&[
                ("config_file_type", s(kind)),
                ("config_file_value", s(value)),
            ])
        };
        assert_eq!(
            task(&[THROUGH], vec![router(&[("type", s("fluentd"))])]),
            []
        );
        assert_eq!(
            task(&[THROUGH], vec![router(&[("type", s("logstash"))])]),
            [error("Invalid FireLens type", "sidecar[0].firelens.type")]
        );
        assert_eq!(
            task(
                &[THROUGH],
                vec![file("s3", "arn:aws:s3:::bucket/extra.conf")]
            ),
            []
        );
        assert_eq!(
            task(&[THROUGH], vec![file("file", "/fluent-bit/etc/extra.conf")]),
            []
        );
        assert_eq!(
            task(&[THROUGH], vec![file("s3", "s3://bucket/extra.conf")]),
            [error(
                "FireLens configuration file is not an S3 object ARN",
                "sidecar[0].firelens.config_file_value"
            )]
        );
        assert_eq!(
            task(
                &[THROUGH],
                vec![file("http", "https://example.com/extra.conf")]
            ),
            [error(
                "Invalid FireLens configuration file type",
                "sidecar[0].firelens.config_file_type"
            )]
        );
        assert_eq!(
            task(&[THROUGH], vec![router(&[("config_file_type", s("file"))])]),
            [error(
                "Half a FireLens configuration file",
                "sidecar[0].firelens.config_file_value"
            )]
        );
        assert_eq!(
            task(
                &[THROUGH],
                vec![router(&[("config_file_value", s("/extra.conf"))])]
            ),
            [error(
                "Half a FireLens configuration file",
                "sidecar[0].firelens.config_file_type"
            )]
        );
    }
}
