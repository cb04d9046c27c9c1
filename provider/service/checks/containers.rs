//! The names and values of the containers: the service's name (every child is named after it),
//! each container's name, port, health check and log settings, and the rules of the
//! application's container that hold for each sidecar too.

use crate::service::facts;
use crate::value::Value;

use super::shared::{Checker, int, path, sidecars, valid_container_name};

impl Checker {
    /// The service's name and the application container's own values: its name, port, health
    /// check and log settings.
    pub(super) fn container_values(&mut self, c: &Value) {
        if let Some(name) = c.get("name").as_str() {
            // One DNS label: the Cloud Map service (and so its DNS name) is named after it.
            let valid = name.len() <= facts::DISCOVERY_SERVICE_NAME.max
                && name
                    .chars()
                    .next()
                    .is_some_and(|ch| ch.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
                && !name.ends_with('-');
            if !valid {
                self.error(
                    path(&["name"]),
                    "Invalid service name",
                    format!(
                        "{name:?} must start with a letter and contain only letters, digits and hyphens, at most 63 \
                         characters and not ending in a hyphen, so that every child (target groups, IAM roles, the \
                         Cloud Map DNS name) can be named after it."
                    ),
                );
            }
        }
        let container = c.get("container");
        if let Some(n) = container.get("name").as_str()
            && !valid_container_name(n)
        {
            self.error(
                path(&["container", "name"]),
                "Invalid container name",
                format!(
                    "{n:?}: use letters, digits, hyphens and underscores (at most {}).",
                    facts::CONTAINER_NAME.max
                ),
            );
        }
        self.fact(
            container.get("port"),
            &["container", "port"],
            facts::CONTAINER_PORT,
            "container port",
        );
        let chc = container.get("health_check");
        self.fact(
            chc.get("interval"),
            &["container", "health_check", "interval"],
            facts::CONTAINER_HEALTH_CHECK_INTERVAL,
            "container health check interval",
        );
        self.fact(
            chc.get("timeout"),
            &["container", "health_check", "timeout"],
            facts::CONTAINER_HEALTH_CHECK_TIMEOUT,
            "container health check timeout",
        );
        self.fact(
            chc.get("retries"),
            &["container", "health_check", "retries"],
            facts::CONTAINER_HEALTH_CHECK_RETRIES,
            "container health check retries",
        );
        self.fact(
            chc.get("start_period"),
            &["container", "health_check", "start_period"],
            facts::CONTAINER_HEALTH_CHECK_START_PERIOD,
            "container health check start period",
        );
        if let Some(cmd) = chc.get("command").elements()
            && cmd.is_empty()
        {
            self.error(
                path(&["container", "health_check", "command"]),
                "Empty health check command",
                "Give a command, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]."
                    .into(),
            );
        }
        let log = container.get("log");
        if let Some(mode) = log.get("mode").as_str()
            && mode != "non-blocking"
            && mode != "blocking"
        {
            self.error(
                path(&["container", "log", "mode"]),
                "Invalid log mode",
                format!("mode is non-blocking or blocking; got {mode:?}."),
            );
        }
        let retention = facts::LOG_RETENTION_DAYS.values;
        if let Some(days) = int(log.get("retention_days"))
            && !retention.contains(&days)
        {
            let (last, rest) = retention.split_last().unwrap_or((&0, &[]));
            let rest: Vec<String> = rest.iter().map(i64::to_string).collect();
            self.error(
                path(&["container", "log", "retention_days"]),
                "Invalid log retention",
                format!(
                    "CloudWatch Logs keeps logs for {} or {last} days; got {days}.",
                    rest.join(", ")
                ),
            );
        }
    }

    /// The rules of the application's container that hold for each sidecar too: its name, its
    /// ports, its stop timeout and its health check.
    pub(super) fn sidecar_values(&mut self, c: &Value) {
        for (at, s) in sidecars(c) {
            if let Some(n) = s.get("name").as_str()
                && !valid_container_name(n)
            {
                self.error(
                    at.join_attr("name"),
                    "Invalid container name",
                    format!(
                        "{n:?}: use letters, digits, hyphens and underscores (at most {}).",
                        facts::CONTAINER_NAME.max
                    ),
                );
            }
            for (i, p) in s
                .get("port_mapping")
                .elements()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let at = at.join_attr("port_mapping").join_index(i);
                let port = facts::CONTAINER_PORT;
                self.range_at(
                    p.get("container_port"),
                    at.join_attr("container_port"),
                    port.min,
                    port.max,
                    "container port",
                );
                if let Some(protocol) = p.get("protocol").as_str()
                    && protocol != "tcp"
                    && protocol != "udp"
                {
                    self.error(
                        at.join_attr("protocol"),
                        "Invalid port protocol",
                        format!("protocol is tcp or udp; got {protocol:?}."),
                    );
                }
            }
            self.stop_timeout(s.get("stop_timeout"), at.join_attr("stop_timeout"));
            let hc = s.get("health_check");
            for (attr, fact, what) in [
                (
                    "interval",
                    facts::CONTAINER_HEALTH_CHECK_INTERVAL,
                    "container health check interval",
                ),
                (
                    "timeout",
                    facts::CONTAINER_HEALTH_CHECK_TIMEOUT,
                    "container health check timeout",
                ),
                (
                    "retries",
                    facts::CONTAINER_HEALTH_CHECK_RETRIES,
                    "container health check retries",
                ),
                (
                    "start_period",
                    facts::CONTAINER_HEALTH_CHECK_START_PERIOD,
                    "container health check start period",
                ),
            ] {
                self.range_at(
                    hc.get(attr),
                    at.join_attr("health_check").join_attr(attr),
                    fact.min,
                    fact.max,
                    what,
                );
            }
            if let (Some(i), Some(t)) = (int(hc.get("interval")), int(hc.get("timeout")))
                && t >= i
            {
                self.error(
                    at.join_attr("health_check").join_attr("timeout"),
                    "Health check timeout not below its interval",
                    format!("The container health check timeout ({t} s) must be less than its interval ({i} s)."),
                );
            }
            if let Some(cmd) = hc.get("command").elements()
                && cmd.is_empty()
            {
                self.error(
                    at.join_attr("health_check").join_attr("command"),
                    "Empty health check command",
                    "Give a command, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"].".into(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{Seen, block, error, int, list, run, s, strings};

    fn values(fields: &[(&str, Value)]) -> Vec<Seen> {
        run(Checker::container_values, fields)
    }

    fn sidecar(fields: &[(&str, Value)]) -> Vec<Seen> {
        run(
            Checker::sidecar_values,
            &[("sidecar", list(vec![block(fields)]))],
        )
    }

    #[test]
    fn the_service_name_names_every_child() {
        let longest = format!("a{}", "b".repeat(62));
        for ok in ["a", "checkout-api", "a1", longest.as_str()] {
            assert_eq!(values(&[("name", s(ok))]), [], "{ok}");
        }
        let too_long = format!("{longest}c");
        for bad in [too_long.as_str(), "1api", "-api", "api-", "check_out", ""] {
            assert_eq!(
                values(&[("name", s(bad))]),
                [error("Invalid service name", "name")],
                "{bad:?}"
            );
        }
    }

    #[test]
    fn container_names_are_ecs_names() {
        let longest = "a".repeat(255);
        for ok in ["app", "app_1-x", longest.as_str()] {
            assert_eq!(values(&[("container.name", s(ok))]), [], "{ok}");
            assert_eq!(sidecar(&[("name", s(ok))]), [], "{ok}");
        }
        let too_long = "a".repeat(256);
        for bad in [too_long.as_str(), "", "app.web", "app web"] {
            assert_eq!(
                values(&[("container.name", s(bad))]),
                [error("Invalid container name", "container.name")],
                "{bad:?}"
            );
            assert_eq!(
                sidecar(&[("name", s(bad))]),
                [error("Invalid container name", "sidecar[0].name")],
                "{bad:?}"
            );
        }
    }

    #[test]
    fn ports_are_1_to_65535_over_tcp_or_udp() {
        for ok in [1, 65535] {
            assert_eq!(values(&[("container.port", int(ok))]), []);
            let mapping = block(&[("container_port", int(ok)), ("protocol", s("udp"))]);
            assert_eq!(sidecar(&[("port_mapping", list(vec![mapping]))]), []);
        }
        for bad in [0, 65536] {
            assert_eq!(
                values(&[("container.port", int(bad))]),
                [error("Invalid container port", "container.port")]
            );
            let mapping = block(&[("container_port", int(bad))]);
            assert_eq!(
                sidecar(&[("port_mapping", list(vec![mapping]))]),
                [error(
                    "Invalid container port",
                    "sidecar[0].port_mapping[0].container_port"
                )]
            );
        }
        let sctp = block(&[("container_port", int(80)), ("protocol", s("sctp"))]);
        assert_eq!(
            sidecar(&[("port_mapping", list(vec![sctp]))]),
            [error(
                "Invalid port protocol",
                "sidecar[0].port_mapping[0].protocol"
            )]
        );
    }

    #[test]
    fn container_health_check_ranges() {
        // (attribute, lowest, highest, summary) for the application's and each sidecar's.
        let ranges = [
            (
                "interval",
                5,
                300,
                "Invalid container health check interval",
            ),
            ("timeout", 2, 60, "Invalid container health check timeout"),
            ("retries", 1, 10, "Invalid container health check retries"),
            (
                "start_period",
                0,
                300,
                "Invalid container health check start period",
            ),
        ];
        for (attr, low, high, summary) in ranges {
            let at = format!("container.health_check.{attr}");
            let side_at = format!("sidecar[0].health_check.{attr}");
            for ok in [low, high] {
                assert_eq!(values(&[(at.as_str(), int(ok))]), [], "{attr} {ok}");
                assert_eq!(
                    sidecar(&[(&format!("health_check.{attr}"), int(ok))]),
                    [],
                    "{attr} {ok}"
                );
            }
            for bad in [low - 1, high + 1] {
                assert_eq!(
                    values(&[(at.as_str(), int(bad))]),
                    [error(summary, &at)],
                    "{attr} {bad}"
                );
                assert_eq!(
                    sidecar(&[(&format!("health_check.{attr}"), int(bad))]),
                    [error(summary, &side_at)],
                    "{attr} {bad}"
                );
            }
        }
        assert_eq!(
            values(&[("container.health_check.command", strings(&[]))]),
            [error(
                "Empty health check command",
                "container.health_check.command"
            )]
        );
        assert_eq!(
            sidecar(&[("health_check.command", strings(&[]))]),
            [error(
                "Empty health check command",
                "sidecar[0].health_check.command"
            )]
        );
        assert_eq!(
            values(&[("container.health_check.command", strings(&["CMD", "true"]))]),
            []
        );
        // A sidecar's timeout not below its interval (the application's is in `timers`).
        assert_eq!(
            sidecar(&[
                ("health_check.interval", int(5)),
                ("health_check.timeout", int(5))
            ]),
            [error(
                "Health check timeout not below its interval",
                "sidecar[0].health_check.timeout"
            )]
        );
    }

    #[test]
    fn a_sidecars_stop_timeout_is_2_to_120_seconds() {
        for ok in [2, 120] {
            assert_eq!(sidecar(&[("stop_timeout", int(ok))]), []);
        }
        for bad in [1, 121] {
            assert_eq!(
                sidecar(&[("stop_timeout", int(bad))]),
                [error(
                    "Stop timeout outside Fargate's limits",
                    "sidecar[0].stop_timeout"
                )]
            );
        }
    }

    #[test]
    fn log_mode_and_retention_are_cloudwatchs() {
        for ok in ["blocking", "non-blocking"] {
            assert_eq!(values(&[("container.log.mode", s(ok))]), []);
        }
        assert_eq!(
            values(&[("container.log.mode", s("async"))]),
            [error("Invalid log mode", "container.log.mode")]
        );
        for ok in [1, 30, 3653] {
            assert_eq!(
                values(&[("container.log.retention_days", int(ok))]),
                [],
                "{ok}"
            );
        }
        for bad in [0, 2, 31, 3654] {
            assert_eq!(
                values(&[("container.log.retention_days", int(bad))]),
                [error(
                    "Invalid log retention",
                    "container.log.retention_days"
                )],
                "{bad}"
            );
        }
    }
}
