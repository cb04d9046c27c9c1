//! The names and values of the containers: the service's name (every child is named after it),
//! each container's name, port, health check and log settings, and the rules of the
//! application's container that hold for each sidecar too.

use crate::value::Value;

use super::super::facts;
use super::shared::{Checker, int, path, sidecars, valid_container_name};

impl Checker {
    /// The service's name and the application container's own values: its name, port, health
    /// check and log settings.
    pub(super) fn container_values(&mut self, c: &Value) {
        if let Some(name) = c.get("name").as_str() {
            let valid = name.len() <= 63
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
                format!("{n:?}: use letters, digits, hyphens and underscores (at most 255)."),
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
        if let Some(days) = int(log.get("retention_days"))
            && ![
                1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                2557, 2922, 3288, 3653,
            ]
            .contains(&days)
        {
            self.error(path(&["container", "log", "retention_days"]), "Invalid log retention", format!("CloudWatch Logs keeps logs for 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days; got {days}."));
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
                    format!("{n:?}: use letters, digits, hyphens and underscores (at most 255)."),
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
                self.range_at(
                    p.get("container_port"),
                    at.join_attr("container_port"),
                    1,
                    65535,
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
            if let Some(stop) = int(s.get("stop_timeout"))
                && !(2..=120).contains(&stop)
            {
                self.error(
                    at.join_attr("stop_timeout"),
                    "Stop timeout outside Fargate's limits",
                    format!("Fargate waits at most 120 s between SIGTERM and SIGKILL (and at least 2); got {stop}."),
                );
            }
            let hc = s.get("health_check");
            for (attr, low, high, what) in [
                ("interval", 5, 300, "container health check interval"),
                ("timeout", 2, 60, "container health check timeout"),
                ("retries", 1, 10, "container health check retries"),
                (
                    "start_period",
                    0,
                    300,
                    "container health check start period",
                ),
            ] {
                self.range_at(
                    hc.get(attr),
                    at.join_attr("health_check").join_attr(attr),
                    low,
                    high,
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
