//! The shutdown and health check timers: the stop timeout within Fargate's limits, the drain
//! time inside it and inside the deregistration delay, the grace period against the container's
//! start period, and each health check's timeout below its interval (the seeds' nested timers).

use crate::service::defaults as d;
use crate::service::facts;
use crate::value::Value;

use super::shared::{Checker, int, path};

impl Checker {
    pub(super) fn timers(&mut self, c: &Value) {
        let container = c.get("container");
        let lb = c.get("load_balancer");
        let stop = int(container.get("stop_timeout"));
        let stop_known = !container.get("stop_timeout").is_unknown();
        let stop_or_default = stop.or(stop_known.then_some(d::STOP_TIMEOUT));
        self.stop_timeout(
            container.get("stop_timeout"),
            path(&["container", "stop_timeout"]),
        );
        let drain = int(container.get("drain_timeout"));
        if let (Some(drain), Some(stop)) = (drain, stop_or_default)
            && drain >= stop
        {
            self.error(
                path(&["container", "drain_timeout"]),
                "Drain time does not fit in the stop timeout",
                format!(
                    "The application needs {drain} s to drain, but ECS sends SIGKILL {stop} s after SIGTERM, cutting \
                     in-flight requests. Raise container.stop_timeout above {drain} (at most {}) or drain faster.",
                    facts::STOP_TIMEOUT.max
                ),
            );
        }
        let delay_value = lb.get("deregistration_delay");
        let delay = int(delay_value).or(delay_value.is_null().then_some(d::DEREGISTRATION_DELAY));
        if let (Some(drain), Some(delay)) = (drain, delay)
            && drain > delay
        {
            self.warning(
                path(&["container", "drain_timeout"]),
                "Load balancer stops waiting before the application has drained",
                format!(
                    "The target groups keep a deregistered task's connections for {delay} s (deregistration_delay), but \
                     the application needs {drain} s: the ALB cuts connections it is still serving."
                ),
            );
        }
        if delay_value.is_null() && !lb.is_null() && !lb.is_unknown() {
            let suggestion = drain.map(|d| d + 5).unwrap_or(30);
            self.warning(
                path(&["load_balancer", "deregistration_delay"]),
                "Deregistration delay left at AWS's 300 s default",
                format!(
                    "Every deployment and scale-in then waits 5 minutes per task while the ALB drains it. Set \
                     deregistration_delay just above the application's drain time, e.g. {suggestion}."
                ),
            );
        }
        let grace = lb.get("health_check_grace_period");
        let grace = int(grace).or(grace.is_null().then_some(d::HEALTH_CHECK_GRACE_PERIOD));
        if let (Some(grace), Some(start)) = (
            grace,
            int(container.get("health_check").get("start_period")),
        ) && grace < start
            && !lb.is_null()
        {
            self.warning(
                path(&["load_balancer", "health_check_grace_period"]),
                "Grace period shorter than the container's start period",
                format!(
                    "ECS starts acting on failed load balancer health checks after {grace} s, but the container health \
                     check gives the app {start} s to start: slow starts get killed. Set health_check_grace_period to at \
                     least {start}."
                ),
            );
        }
        let hc = lb.get("health_check");
        let interval = int(hc.get("interval")).or(hc
            .get("interval")
            .is_null()
            .then_some(d::TG_HEALTH_INTERVAL));
        let timeout =
            int(hc.get("timeout")).or(hc.get("timeout").is_null().then_some(d::TG_HEALTH_TIMEOUT));
        if !hc.is_null()
            && let (Some(i), Some(t)) = (interval, timeout)
            && t >= i
        {
            self.error(
                path(&["load_balancer", "health_check", "timeout"]),
                "Health check timeout not below its interval",
                format!("The ALB requires the health check timeout ({t} s) to be less than the interval ({i} s)."),
            );
        }
        let chc = container.get("health_check");
        if !chc.is_null()
            && let (Some(i), Some(t)) = (int(chc.get("interval")), int(chc.get("timeout")))
            && t >= i
        {
            self.error(
                path(&["container", "health_check", "timeout"]),
                "Health check timeout not below its interval",
                format!("The container health check timeout ({t} s) must be less than its interval ({i} s)."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{error, int, run, warning};

    /// A load balancer with its delays set, so that only the rule under test speaks.
    fn lb() -> Vec<(&'static str, Value)> {
        vec![
            ("load_balancer.deregistration_delay", int(300)),
            ("load_balancer.health_check_grace_period", int(300)),
        ]
    }

    #[test]
    fn stop_timeout_is_2_to_120_seconds() {
        for ok in [2, 120] {
            assert_eq!(
                run(Checker::timers, &[("container.stop_timeout", int(ok))]),
                []
            );
        }
        for bad in [1, 121] {
            assert_eq!(
                run(Checker::timers, &[("container.stop_timeout", int(bad))]),
                [error(
                    "Stop timeout outside Fargate's limits",
                    "container.stop_timeout"
                )],
                "{bad}"
            );
        }
    }

    #[test]
    fn drain_time_fits_below_the_stop_timeout() {
        // `drain-vs-stop`: the drain must end before SIGKILL; without a stop_timeout the
        // default of 30 s holds.
        let drain = |drain: i64, stop: Option<i64>| {
            let mut fields = vec![("container.drain_timeout", int(drain))];
            fields.extend(stop.map(|s| ("container.stop_timeout", int(s))));
            run(Checker::timers, &fields)
        };
        let too_long = [error(
            "Drain time does not fit in the stop timeout",
            "container.drain_timeout",
        )];
        assert_eq!(drain(59, Some(60)), []);
        assert_eq!(drain(60, Some(60)), too_long);
        assert_eq!(drain(29, None), []);
        assert_eq!(drain(30, None), too_long);
    }

    #[test]
    fn drain_time_within_the_deregistration_delay() {
        let drain = |delay: i64| {
            run(
                Checker::timers,
                &[
                    ("container.drain_timeout", int(20)),
                    ("container.stop_timeout", int(60)),
                    ("load_balancer.deregistration_delay", int(delay)),
                ],
            )
        };
        assert_eq!(drain(20), []);
        assert_eq!(
            drain(19),
            [warning(
                "Load balancer stops waiting before the application has drained",
                "container.drain_timeout"
            )]
        );
    }

    #[test]
    fn the_deregistration_delay_left_at_300_s_is_a_warning() {
        assert_eq!(run(Checker::timers, &lb()), []);
        assert_eq!(
            run(
                Checker::timers,
                &[("load_balancer.health_check_grace_period", int(60))]
            ),
            [warning(
                "Deregistration delay left at AWS's 300 s default",
                "load_balancer.deregistration_delay"
            )]
        );
        // No load balancer, no delay to set.
        assert_eq!(
            run(Checker::timers, &[("container.stop_timeout", int(30))]),
            []
        );
    }

    #[test]
    fn the_grace_period_covers_the_start_period() {
        let grace = |grace: Option<i64>, start: i64| {
            let mut fields = vec![
                ("load_balancer.deregistration_delay", int(30)),
                ("container.health_check.start_period", int(start)),
            ];
            fields.extend(grace.map(|g| ("load_balancer.health_check_grace_period", int(g))));
            run(Checker::timers, &fields)
        };
        let short = [warning(
            "Grace period shorter than the container's start period",
            "load_balancer.health_check_grace_period",
        )];
        assert_eq!(grace(Some(90), 90), []);
        assert_eq!(grace(Some(89), 90), short);
        // The default grace period is 60 s.
        assert_eq!(grace(None, 60), []);
        assert_eq!(grace(None, 61), short);
    }

    #[test]
    fn a_health_checks_timeout_is_below_its_interval() {
        // `health-timeout`, the target group's (defaults: interval 15, timeout 5).
        let tg = |interval: i64, timeout: i64| {
            let mut fields = lb();
            fields.push(("load_balancer.health_check.interval", int(interval)));
            fields.push(("load_balancer.health_check.timeout", int(timeout)));
            run(Checker::timers, &fields)
        };
        assert_eq!(tg(10, 9), []);
        assert_eq!(
            tg(10, 10),
            [error(
                "Health check timeout not below its interval",
                "load_balancer.health_check.timeout"
            )]
        );
        let mut default_interval = lb();
        default_interval.push(("load_balancer.health_check.timeout", int(15)));
        assert_eq!(
            run(Checker::timers, &default_interval),
            [error(
                "Health check timeout not below its interval",
                "load_balancer.health_check.timeout"
            )]
        );
        // And the container's.
        let container = |interval: i64, timeout: i64| {
            run(
                Checker::timers,
                &[
                    ("container.health_check.interval", int(interval)),
                    ("container.health_check.timeout", int(timeout)),
                ],
            )
        };
        assert_eq!(container(6, 5), []);
        assert_eq!(
            container(5, 5),
            [error(
                "Health check timeout not below its interval",
                "container.health_check.timeout"
            )]
        );
    }
}
