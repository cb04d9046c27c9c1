//! The alarm rules: thresholds, period and evaluation periods CloudWatch takes, CodeDeploy's
//! limit on a deployment group's alarms, and rollback on alarm (with alarms, and alarms that
//! roll back).

use crate::service::defaults as d;
use crate::service::expand::{AlarmMetric, DeploymentStrategy};
use crate::service::facts::{self, ALARM_SUB_MINUTE_PERIODS, ALARM_WINDOW};
use crate::value::{AttributePath, Value};

use super::shared::{Checker, int, num, path};

/// CodeDeploy's limit on the alarms of one deployment group ([`facts::CODEDEPLOY_ALARMS`]).
pub const MAX_DEPLOYMENT_ALARMS: usize = facts::CODEDEPLOY_ALARMS.max as usize;

impl Checker {
    pub(super) fn alarms(&mut self, c: &Value) {
        let strategy = DeploymentStrategy::of(c);
        let codedeploy = strategy.is_some_and(DeploymentStrategy::uses_codedeploy);
        // Each metric alarms on both target groups of a pair, on the one group of a rolling service.
        let per_metric = strategy.map_or(2, |s| s.alarm_targets().len());
        let alarms = c.get("alarms");
        let events = c.get("blue_green").get("auto_rollback_events");
        let stop_on_alarm = events.elements().map(|e| {
            e.iter()
                .any(|x| x.as_str() == Some("DEPLOYMENT_STOP_ON_ALARM"))
        });
        // How many alarms the deployment group gets: two per enabled metric, plus the names.
        let mut count = Some(0usize);
        if !alarms.is_null() {
            for metric in AlarmMetric::ALL {
                let attr = metric.attribute();
                let v = alarms.get(attr);
                let n = if v.is_null() {
                    Some(metric.default_threshold() as f64)
                } else {
                    num(v)
                };
                match n {
                    Some(n) if n < 0.0 => self.error(
                        path(&["alarms", attr]),
                        "Invalid alarm threshold",
                        format!(
                            "{attr} must be 0 (no such alarm) or more; got {n} (check `alarms`)."
                        ),
                    ),
                    Some(n) if metric == AlarmMetric::Target5xxRate && n > 100.0 => self.error(
                        path(&["alarms", attr]),
                        "Invalid alarm threshold",
                        format!(
                            "{attr} is a percentage of the requests: 0 (no such alarm) to 100; got {n} (check `alarms`)."
                        ),
                    ),
                    Some(n) => count = count.map(|c| c + if n > 0.0 { per_metric } else { 0 }),
                    None => count = None,
                }
            }
            match alarms.get("names").elements() {
                Some(names) => {
                    count = count.map(|c| c + names.len());
                    for (i, n) in names.iter().enumerate() {
                        if let Some(s) = n.as_str()
                            && (s.is_empty() || s.len() > facts::ALARM_NAME.max)
                        {
                            self.error(
                                AttributePath::attr("alarms").join_attr("names").join_index(i),
                                "Invalid alarm name",
                                format!(
                                    "Alarm names have 1 to {} characters; got {s:?} (check `alarms`).",
                                    facts::ALARM_NAME.max
                                ),
                            );
                        }
                    }
                }
                None if alarms.get("names").is_null() => {}
                None => count = None,
            }
            let period = alarms.get("period");
            let period = if period.is_null() {
                Some(d::ALARM_PERIOD)
            } else {
                int(period)
            };
            let periods = alarms.get("evaluation_periods");
            let periods = if periods.is_null() {
                Some(d::ALARM_EVALUATION_PERIODS)
            } else {
                int(periods)
            };
            if let Some(p) = period
                && !(ALARM_SUB_MINUTE_PERIODS.values.contains(&p) || (p >= 60 && p % 60 == 0))
            {
                self.error(
                    path(&["alarms", "period"]),
                    "Invalid alarm period",
                    format!("CloudWatch alarm periods are 10, 20, 30 or a multiple of 60 seconds; got {p} (check `alarms`)."),
                );
            }
            if let Some(n) = periods
                && n < 1
            {
                self.error(
                    path(&["alarms", "evaluation_periods"]),
                    "Invalid evaluation periods",
                    format!("An alarm evaluates at least 1 period; got {n} (check `alarms`)."),
                );
            }
            if let (Some(p), Some(n)) = (period, periods)
                && p > 0
                && n > 0
                && p.saturating_mul(n) > ALARM_WINDOW.max_for(p)
            {
                let (limit, span) = if ALARM_WINDOW.max_for(p) == ALARM_WINDOW.max {
                    (ALARM_WINDOW.max, "seven days")
                } else {
                    (ALARM_WINDOW.short_max, "a day, for periods under an hour")
                };
                self.error(
                    path(&["alarms", "evaluation_periods"]),
                    "Alarm evaluates too long",
                    format!(
                        "evaluation_periods × period must be at most {limit} seconds ({span}); got {n} × {p} = {} (check `alarms`).",
                        n.saturating_mul(p)
                    ),
                );
            }
            if let Some(n) = count
                && codedeploy
                && n > MAX_DEPLOYMENT_ALARMS
            {
                self.error(
                    path(&["alarms", "names"]),
                    "Too many alarms",
                    format!(
                        "CodeDeploy takes at most {MAX_DEPLOYMENT_ALARMS} alarms per deployment group; this service \
                         would give it {n} (each alarm of `alarms` watches both target groups, so it counts twice, \
                         plus `alarms.names`). Set a threshold to 0 or name fewer alarms (check `alarms`)."
                    ),
                );
            }
        } else {
            count = Some(0);
        }
        if !codedeploy {
            // ECS rolls back on any of the alarms; blue_green's settings are refused elsewhere.
            return;
        }
        if stop_on_alarm == Some(true) && count == Some(0) {
            self.error(
                path(&["blue_green", "auto_rollback_events"]),
                "Rollback on alarm without alarms",
                "DEPLOYMENT_STOP_ON_ALARM rolls back when an alarm stops a deployment, but the service has no \
                 alarms: add an `alarms` block (or `alarms.names`) (check `alarms`)."
                    .to_owned(),
            );
        }
        if let Some(e) = events.elements()
            && e.is_empty()
        {
            self.warning(
                path(&["blue_green", "auto_rollback_events"]),
                "No automatic rollback",
                "With no auto_rollback_events nothing undoes a failed or stopped deployment; the release \
                 stays half done until someone acts. DEPLOYMENT_FAILURE is the default (check `rollback`)."
                    .to_owned(),
            );
        }
        if stop_on_alarm == Some(false) && count.is_some_and(|n| n > 0) {
            self.warning(
                path(&["blue_green", "auto_rollback_events"]),
                "Alarms stop but do not roll back",
                "An alarm in ALARM stops a roll-out, but without DEPLOYMENT_STOP_ON_ALARM in \
                 auto_rollback_events CodeDeploy leaves traffic where it was when it stopped (check `rollback`)."
                    .to_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{Seen, error, int, num, run, s, strings, warning};

    fn alarms(fields: &[(&str, Value)]) -> Vec<Seen> {
        run(Checker::alarms, fields)
    }

    /// `n` alarm names beside the defaults, which alarm on 5xx count, p99 response time and
    /// unhealthy hosts: 3 metrics × 2 target groups = 6 alarms.
    fn names(n: usize) -> Value {
        let names: Vec<String> = (0..n).map(|i| format!("alarm-{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        strings(&names)
    }

    #[test]
    fn thresholds_are_not_negative_and_the_rate_a_percentage() {
        let stop = (
            "blue_green.auto_rollback_events",
            strings(&["DEPLOYMENT_STOP_ON_ALARM"]),
        );
        assert_eq!(
            alarms(&[stop.clone(), ("alarms.target_5xx_rate_percent", int(100))]),
            []
        );
        assert_eq!(
            alarms(&[stop.clone(), ("alarms.target_5xx_rate_percent", num(100.5))]),
            [error(
                "Invalid alarm threshold",
                "alarms.target_5xx_rate_percent"
            )]
        );
        for attr in [
            "target_5xx_count",
            "response_time_p99_ms",
            "unhealthy_hosts",
        ] {
            let at = format!("alarms.{attr}");
            assert_eq!(alarms(&[stop.clone(), (at.as_str(), int(0))]), [], "{attr}");
            assert_eq!(
                alarms(&[stop.clone(), (at.as_str(), int(-1))]),
                [error("Invalid alarm threshold", &at)],
                "{attr}"
            );
        }
    }

    #[test]
    fn periods_cloudwatch_takes() {
        let stop = (
            "blue_green.auto_rollback_events",
            strings(&["DEPLOYMENT_STOP_ON_ALARM"]),
        );
        for ok in [10, 20, 30, 60, 120] {
            assert_eq!(
                alarms(&[stop.clone(), ("alarms.period", int(ok))]),
                [],
                "{ok}"
            );
        }
        for bad in [0, 15, 90] {
            assert_eq!(
                alarms(&[stop.clone(), ("alarms.period", int(bad))]),
                [error("Invalid alarm period", "alarms.period")],
                "{bad}"
            );
        }
        assert_eq!(
            alarms(&[stop.clone(), ("alarms.evaluation_periods", int(0))]),
            [error(
                "Invalid evaluation periods",
                "alarms.evaluation_periods"
            )]
        );
        // period × evaluation_periods at most a day for periods under an hour.
        let day = |period: i64, n: i64| {
            alarms(&[
                stop.clone(),
                ("alarms.period", int(period)),
                ("alarms.evaluation_periods", int(n)),
            ])
        };
        assert_eq!(day(60, 1440), []);
        assert_eq!(
            day(60, 1441),
            [error(
                "Alarm evaluates too long",
                "alarms.evaluation_periods"
            )]
        );
        // Periods of an hour or more evaluate up to seven days (CloudWatch's PutMetricAlarm).
        assert_eq!(day(3600, 168), []);
        assert_eq!(
            day(3600, 169),
            [error(
                "Alarm evaluates too long",
                "alarms.evaluation_periods"
            )]
        );
        // The default period is 60 s.
        assert_eq!(
            alarms(&[stop, ("alarms.evaluation_periods", int(1441))]),
            [error(
                "Alarm evaluates too long",
                "alarms.evaluation_periods"
            )]
        );
    }

    #[test]
    fn codedeploy_takes_at_most_ten_alarms() {
        let stop = (
            "blue_green.auto_rollback_events",
            strings(&["DEPLOYMENT_STOP_ON_ALARM"]),
        );
        assert_eq!(alarms(&[stop.clone(), ("alarms.names", names(4))]), []);
        assert_eq!(
            alarms(&[stop.clone(), ("alarms.names", names(5))]),
            [error("Too many alarms", "alarms.names")]
        );
        // Other strategies roll back through ECS, which has no such limit here.
        assert_eq!(
            alarms(&[
                ("deployment_strategy", s("blue_green")),
                ("alarms.names", names(5))
            ]),
            []
        );
        // A threshold of 0 is no alarm: two fewer.
        assert_eq!(
            alarms(&[
                stop,
                ("alarms.names", names(6)),
                ("alarms.unhealthy_hosts", int(0))
            ]),
            []
        );
    }

    #[test]
    fn alarm_names_have_1_to_255_characters() {
        let stop = (
            "blue_green.auto_rollback_events",
            strings(&["DEPLOYMENT_STOP_ON_ALARM"]),
        );
        let longest = "a".repeat(255);
        assert_eq!(
            alarms(&[stop.clone(), ("alarms.names", strings(&["a", &longest]))]),
            []
        );
        let too_long = "a".repeat(256);
        assert_eq!(
            alarms(&[stop, ("alarms.names", strings(&["a", "", &too_long]))]),
            [
                error("Invalid alarm name", "alarms.names[1]"),
                error("Invalid alarm name", "alarms.names[2]"),
            ]
        );
    }

    #[test]
    fn rollback_on_alarm_needs_alarms_and_alarms_want_it() {
        let events = |e: &[&str]| ("blue_green.auto_rollback_events", strings(e));
        assert_eq!(
            alarms(&[events(&["DEPLOYMENT_STOP_ON_ALARM"])]),
            [error(
                "Rollback on alarm without alarms",
                "blue_green.auto_rollback_events"
            )]
        );
        // Every threshold at 0 and no names: still no alarm.
        assert_eq!(
            alarms(&[
                events(&["DEPLOYMENT_STOP_ON_ALARM"]),
                ("alarms.target_5xx_count", int(0)),
                ("alarms.response_time_p99_ms", int(0)),
                ("alarms.unhealthy_hosts", int(0)),
            ]),
            [error(
                "Rollback on alarm without alarms",
                "blue_green.auto_rollback_events"
            )]
        );
        assert_eq!(
            alarms(&[events(&["DEPLOYMENT_FAILURE"]), ("alarms.names", names(1))]),
            [warning(
                "Alarms stop but do not roll back",
                "blue_green.auto_rollback_events"
            )]
        );
        assert_eq!(alarms(&[events(&["DEPLOYMENT_FAILURE"])]), []);
        assert_eq!(
            alarms(&[events(&[])]),
            [warning(
                "No automatic rollback",
                "blue_green.auto_rollback_events"
            )]
        );
    }
}
