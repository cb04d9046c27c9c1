//! The deployment strategy's rules: a known strategy, each strategy's settings only with it,
//! its test listener, the ECS-native settings' bounds and hooks, and CodeDeploy's traffic
//! validation (hook events and functions, approval) and rollback events.

use crate::service::defaults as d;
use crate::service::expand::{DeploymentStrategy, ECS_HOOK_STAGES};
use crate::service::facts;
use crate::service::schema::{APPSPEC_HOOK_EVENTS, one_of};
use crate::value::{AttributePath, Value};

use super::shared::{Checker, int, num, path};

/// Which strategies take each `ecs_deployment` setting.
const ECS_SETTING_STRATEGIES: &[(&str, &[DeploymentStrategy])] = {
    use DeploymentStrategy::{BlueGreen, Canary, Linear, Rolling};
    &[
        ("bake_time_minutes", &[BlueGreen, Linear, Canary]),
        ("linear_step_percent", &[Linear]),
        ("linear_step_minutes", &[Linear]),
        ("canary_percent", &[Canary]),
        ("canary_minutes", &[Canary]),
        ("minimum_healthy_percent", &[Rolling]),
        ("maximum_percent", &[Rolling]),
        ("circuit_breaker", &[Rolling]),
        ("circuit_breaker_threshold_type", &[Rolling]),
        ("circuit_breaker_threshold", &[Rolling]),
        ("circuit_breaker_reset_on_healthy_task", &[Rolling]),
        ("hooks", &[BlueGreen, Linear, Canary]),
        ("pause_at", &[BlueGreen, Linear, Canary]),
        ("pause_timeout_minutes", &[BlueGreen, Linear, Canary]),
        ("pause_timeout_action", &[BlueGreen, Linear, Canary]),
    ]
};

impl Checker {
    pub(super) fn deployment_strategy(&mut self, c: &Value) {
        let name = c.get("deployment_strategy");
        if let Some(n) = name.as_str()
            && DeploymentStrategy::from_name(n).is_none()
        {
            self.error(
                path(&["deployment_strategy"]),
                "Unknown deployment strategy",
                format!(
                    "{n:?} is not a deployment strategy: use {} (check `strategy`).",
                    one_of(&DeploymentStrategy::NAMES)
                ),
            );
            return;
        }
        let Some(strategy) = DeploymentStrategy::of(c) else {
            return;
        };
        let set = |v: &Value| !v.is_null();
        // Settings of other strategies: an error at the setting, so none is silently ignored.
        let bg = c.get("blue_green");
        if !strategy.uses_codedeploy() {
            for attr in crate::service::strategy::codedeploy::SETTINGS {
                if set(bg.get(attr)) {
                    self.error(
                        path(&["blue_green", attr]),
                        "Setting of another deployment strategy",
                        format!(
                            "blue_green.{attr} configures CodeDeploy (deployment_strategy = \"codedeploy\"); this \
                             service deploys with {:?}. Remove it, or use ecs_deployment (check `strategy`).",
                            strategy.name()
                        ),
                    );
                }
            }
        }
        let ecs = c.get("ecs_deployment");
        for (attr, takes) in ECS_SETTING_STRATEGIES {
            if set(ecs.get(attr)) && !takes.contains(&strategy) {
                let names: Vec<&str> = takes.iter().map(|s| s.name()).collect();
                self.error(
                    path(&["ecs_deployment", attr]),
                    "Setting of another deployment strategy",
                    format!(
                        "ecs_deployment.{attr} applies to deployment_strategy {}; this service deploys with \
                         {:?}, which ignores it. Remove it or change the strategy (check `strategy`).",
                        one_of(&names),
                        strategy.name()
                    ),
                );
            }
        }
        self.fact(
            ecs.get("bake_time_minutes"),
            &["ecs_deployment", "bake_time_minutes"],
            facts::ECS_DEPLOYMENT_MINUTES,
            "bake time (minutes)",
        );
        self.fact(
            ecs.get("linear_step_minutes"),
            &["ecs_deployment", "linear_step_minutes"],
            facts::ECS_DEPLOYMENT_MINUTES,
            "linear step wait (minutes)",
        );
        self.fact(
            ecs.get("canary_minutes"),
            &["ecs_deployment", "canary_minutes"],
            facts::ECS_DEPLOYMENT_MINUTES,
            "canary wait (minutes)",
        );
        for (
            attr,
            facts::PercentRange {
                min: low,
                max: high,
                ..
            },
        ) in [
            ("linear_step_percent", facts::LINEAR_STEP_PERCENT),
            ("canary_percent", facts::CANARY_PERCENT),
        ] {
            if let Some(n) = num(ecs.get(attr))
                && !(low..=high).contains(&n)
            {
                self.error(
                    path(&["ecs_deployment", attr]),
                    "Invalid traffic share",
                    format!("{attr} must be between {low} and {high} percent; got {n} (check `strategy`)."),
                );
            }
        }
        let min = ecs.get("minimum_healthy_percent");
        let max = ecs.get("maximum_percent");
        self.fact(
            min,
            &["ecs_deployment", "minimum_healthy_percent"],
            facts::MINIMUM_HEALTHY_PERCENT,
            "minimum healthy percent",
        );
        self.fact(
            max,
            &["ecs_deployment", "maximum_percent"],
            facts::MAXIMUM_PERCENT,
            "maximum percent",
        );
        let min_n = if min.is_null() {
            Some(d::MINIMUM_HEALTHY_PERCENT)
        } else {
            int(min)
        };
        let max_n = if max.is_null() {
            Some(d::MAXIMUM_PERCENT)
        } else {
            int(max)
        };
        if strategy == DeploymentStrategy::Rolling
            && let (Some(lo), Some(hi)) = (min_n, max_n)
            && hi <= lo
        {
            self.error(
                path(&["ecs_deployment", "maximum_percent"]),
                "A rolling deployment that cannot start",
                format!(
                    "maximum_percent ({hi}) must be above minimum_healthy_percent ({lo}): ECS could neither \
                     start a new task nor stop an old one (check `strategy`)."
                ),
            );
        }
        if let Value::Map(hooks) | Value::Object(hooks) = ecs.get("hooks") {
            for (stage, arn) in hooks {
                let at = AttributePath::attr("ecs_deployment")
                    .join_attr("hooks")
                    .join_key(stage);
                if !ECS_HOOK_STAGES.contains(&stage.as_str()) {
                    self.error(
                        at.clone(),
                        "Unknown lifecycle stage",
                        format!(
                            "{stage:?} is not a lifecycle stage of an ECS deployment: use {} (check `strategy`).",
                            one_of(ECS_HOOK_STAGES)
                        ),
                    );
                }
                if let Some(a) = arn.as_str()
                    && !(a.starts_with("arn:")
                        && a.contains(":lambda:")
                        && a.contains(":function:"))
                {
                    self.error(
                        at,
                        "Lifecycle hook is not a Lambda function",
                        format!("ECS invokes lifecycle hooks as Lambda functions: give a function ARN (arn:aws:lambda:<region>:<account>:function:<name>); got {a:?} (check `strategy`)."),
                    );
                }
            }
        }
        self.pause(ecs);
        let lb = c.get("load_balancer");
        let test = lb.get("test_listener_arn");
        // Behind an NLB the test listener is optional (AWS: "Test listener (optional)").
        let behind_alb = super::load_balancers::kind_of(c)
            == Some(crate::service::arn::LoadBalancerKind::Application);
        if strategy.shifts_traffic() && test.is_null() && behind_alb {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Missing test listener",
                format!(
                    "The {:?} strategy serves the new tasks on a test listener before production traffic \
                     moves: set load_balancer.test_listener_arn (only \"rolling\", and any strategy behind a \
                     Network Load Balancer, may go without) (check `strategy`).",
                    strategy.name()
                ),
            );
        }
        if !strategy.shifts_traffic() && set(test) {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Setting of another deployment strategy",
                "A rolling service has one target group and no test rule: remove test_listener_arn, or use a \
                 blue/green strategy (check `strategy`)."
                    .to_owned(),
            );
        }
        let breaker_off = ecs.get("circuit_breaker").as_bool() == Some(false);
        let alarms = c.get("alarms");
        if strategy == DeploymentStrategy::Rolling && breaker_off && alarms.is_null() {
            self.warning(
                path(&["ecs_deployment", "circuit_breaker"]),
                "No automatic rollback",
                "Without the circuit breaker or alarms nothing undoes a rolling deployment whose tasks keep \
                 failing: ECS goes on trying until someone acts (check `rollback`)."
                    .to_owned(),
            );
        }
    }

    pub(super) fn traffic_validation(&mut self, c: &Value) {
        let bg = c.get("blue_green");
        let wait = bg.get("test_traffic_wait_minutes");
        self.fact(
            wait,
            &["blue_green", "test_traffic_wait_minutes"],
            facts::CODEDEPLOY_WAIT_MINUTES,
            "test traffic wait (minutes)",
        );
        if bg.get("approve_traffic").as_bool() == Some(true)
            && (wait.is_null() || int(wait) == Some(0))
        {
            self.error(
                path(&["blue_green", "approve_traffic"]),
                "Approval without a wait",
                "approve_traffic stops a deployment unless it is approved within \
                 test_traffic_wait_minutes, which is 0: no deployment could ever be approved. Set \
                 test_traffic_wait_minutes to the minutes an approval may take (check \
                 `traffic-validation`)."
                    .to_owned(),
            );
        }
        let (Value::Map(hooks) | Value::Object(hooks)) = bg.get("hooks") else {
            return;
        };
        for (event, arn) in hooks {
            let at = AttributePath::attr("blue_green")
                .join_attr("hooks")
                .join_key(event);
            if !APPSPEC_HOOK_EVENTS.contains(&event.as_str()) {
                self.error(
                    at,
                    "Invalid hook event",
                    format!(
                        "ECS deployments run hooks at {}; got {event:?} (check `traffic-validation`).",
                        one_of(APPSPEC_HOOK_EVENTS)
                    ),
                );
                continue;
            }
            let Some(arn) = arn.as_str() else { continue };
            let function = arn
                .strip_prefix("arn:")
                .and_then(|rest| rest.split_once(":lambda:"))
                .and_then(|(_, rest)| rest.split(':').nth(3))
                .filter(|_| arn.contains(":function:"));
            match function {
                None => self.error(
                    at,
                    "Invalid hook",
                    format!(
                        "A hook is a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>); \
                         got {arn:?} (check `traffic-validation`)."
                    ),
                ),
                Some(name) if !name.starts_with("CodeDeployHook_") => self.error(
                    at,
                    "CodeDeploy may not invoke this hook",
                    format!(
                        "The service's CodeDeploy role has AWSCodeDeployRoleForECS, which lets CodeDeploy \
                         invoke only Lambda functions named CodeDeployHook_*; {name:?} would fail the \
                         deployment at {event}. Name the function CodeDeployHook_{name} (check \
                         `traffic-validation`)."
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    /// CodeDeploy's own values: the termination wait and the rollback events.
    pub(super) fn codedeploy_values(&mut self, c: &Value) {
        let bg = c.get("blue_green");
        self.fact(
            bg.get("termination_wait_minutes"),
            &["blue_green", "termination_wait_minutes"],
            facts::CODEDEPLOY_WAIT_MINUTES,
            "termination wait (minutes)",
        );
        if let Some(events) = bg.get("auto_rollback_events").elements() {
            for (i, e) in events.iter().enumerate() {
                if let Some(e) = e.as_str()
                    && !facts::AUTO_ROLLBACK_EVENTS.values.contains(&e)
                {
                    self.error(
                        AttributePath::attr("blue_green")
                            .join_attr("auto_rollback_events")
                            .join_index(i),
                        "Invalid rollback event",
                        format!(
                            "Events are {}; got {e:?}.",
                            one_of(facts::AUTO_ROLLBACK_EVENTS.values)
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{
        Seen, block, error, int, map, num, run, s, strings, warning,
    };

    const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_smoke";

    fn strategy(name: &str, fields: &[(&str, Value)]) -> Vec<Seen> {
        let mut all = vec![("deployment_strategy", s(name))];
        all.extend(fields.iter().cloned());
        run(Checker::deployment_strategy, &all)
    }

    #[test]
    fn the_strategy_is_one_of_five() {
        for name in ["codedeploy", "blue_green", "linear", "canary", "rolling"] {
            assert_eq!(strategy(name, &[]), [], "{name}");
        }
        assert_eq!(
            strategy("Canary", &[]),
            [error("Unknown deployment strategy", "deployment_strategy")]
        );
    }

    #[test]
    fn each_setting_only_with_its_strategy() {
        let other = "Setting of another deployment strategy";
        assert_eq!(
            strategy(
                "codedeploy",
                &[("blue_green.termination_wait_minutes", int(5))]
            ),
            []
        );
        assert_eq!(
            strategy("linear", &[("blue_green.termination_wait_minutes", int(5))]),
            [error(other, "blue_green.termination_wait_minutes")]
        );
        assert_eq!(
            strategy("linear", &[("ecs_deployment.linear_step_percent", int(10))]),
            []
        );
        assert_eq!(
            strategy("canary", &[("ecs_deployment.linear_step_percent", int(10))]),
            [error(other, "ecs_deployment.linear_step_percent")]
        );
        assert_eq!(
            strategy(
                "rolling",
                &[("ecs_deployment.circuit_breaker", Value::Bool(true))]
            ),
            []
        );
        assert_eq!(
            strategy(
                "blue_green",
                &[("ecs_deployment.circuit_breaker", Value::Bool(true))]
            ),
            [error(other, "ecs_deployment.circuit_breaker")]
        );
        assert_eq!(
            strategy(
                "codedeploy",
                &[("ecs_deployment.bake_time_minutes", int(5))]
            ),
            [error(other, "ecs_deployment.bake_time_minutes")]
        );
    }

    #[test]
    fn ecs_deployment_waits_are_0_to_1440_minutes() {
        for (name, attr, summary) in [
            (
                "blue_green",
                "bake_time_minutes",
                "Invalid bake time (minutes)",
            ),
            (
                "linear",
                "linear_step_minutes",
                "Invalid linear step wait (minutes)",
            ),
            ("canary", "canary_minutes", "Invalid canary wait (minutes)"),
        ] {
            let at = format!("ecs_deployment.{attr}");
            for ok in [0, 1440] {
                assert_eq!(strategy(name, &[(at.as_str(), int(ok))]), [], "{attr} {ok}");
            }
            for bad in [-1, 1441] {
                assert_eq!(
                    strategy(name, &[(at.as_str(), int(bad))]),
                    [error(summary, &at)],
                    "{attr} {bad}"
                );
            }
        }
    }

    #[test]
    fn traffic_shares_of_linear_and_canary() {
        let share = "Invalid traffic share";
        assert_eq!(
            strategy("linear", &[("ecs_deployment.linear_step_percent", int(3))]),
            []
        );
        assert_eq!(
            strategy(
                "linear",
                &[("ecs_deployment.linear_step_percent", int(100))]
            ),
            []
        );
        for bad in [num(2.9), int(101)] {
            assert_eq!(
                strategy("linear", &[("ecs_deployment.linear_step_percent", bad)]),
                [error(share, "ecs_deployment.linear_step_percent")]
            );
        }
        assert_eq!(
            strategy("canary", &[("ecs_deployment.canary_percent", num(0.1))]),
            []
        );
        assert_eq!(
            strategy("canary", &[("ecs_deployment.canary_percent", int(100))]),
            []
        );
        for bad in [num(0.09), num(100.5)] {
            assert_eq!(
                strategy("canary", &[("ecs_deployment.canary_percent", bad)]),
                [error(share, "ecs_deployment.canary_percent")]
            );
        }
    }

    #[test]
    fn a_rolling_deployments_percents() {
        let percents = |min: i64, max: i64| {
            strategy(
                "rolling",
                &[
                    ("ecs_deployment.minimum_healthy_percent", int(min)),
                    ("ecs_deployment.maximum_percent", int(max)),
                ],
            )
        };
        assert_eq!(percents(0, 100), []);
        assert_eq!(percents(99, 100), []);
        assert_eq!(percents(100, 200), []);
        assert_eq!(
            percents(100, 100),
            [error(
                "A rolling deployment that cannot start",
                "ecs_deployment.maximum_percent"
            )]
        );
        assert_eq!(
            percents(-1, 200),
            [error(
                "Invalid minimum healthy percent",
                "ecs_deployment.minimum_healthy_percent"
            )]
        );
        assert_eq!(
            percents(50, 201),
            [error(
                "Invalid maximum percent",
                "ecs_deployment.maximum_percent"
            )]
        );
        // 99 is below the maximum's range, and below the default minimum (100) too.
        assert_eq!(
            strategy("rolling", &[("ecs_deployment.maximum_percent", int(99))]),
            [
                error("Invalid maximum percent", "ecs_deployment.maximum_percent"),
                error(
                    "A rolling deployment that cannot start",
                    "ecs_deployment.maximum_percent"
                ),
            ]
        );
    }

    #[test]
    fn ecs_lifecycle_hooks() {
        let hooks = |stage: &str, arn: &str| {
            strategy(
                "blue_green",
                &[("ecs_deployment.hooks", map(&[(stage, s(arn))]))],
            )
        };
        assert_eq!(hooks("POST_TEST_TRAFFIC_SHIFT", LAMBDA), []);
        let at = "ecs_deployment.hooks[\"AfterInstall\"]";
        assert_eq!(
            hooks("AfterInstall", LAMBDA),
            [error("Unknown lifecycle stage", at)]
        );
        assert_eq!(
            hooks("PRE_SCALE_UP", "arn:aws:sns:us-east-1:123456789012:topic"),
            [error(
                "Lifecycle hook is not a Lambda function",
                "ecs_deployment.hooks[\"PRE_SCALE_UP\"]"
            )]
        );
    }

    #[test]
    fn a_test_listener_for_every_strategy_but_rolling() {
        let alb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";
        let lb = (
            "load_balancer",
            block(&[("vpc_id", s("vpc-1")), ("production_listener_arn", s(alb))]),
        );
        // Behind an NLB the test listener is optional.
        let nlb = (
            "load_balancer",
            block(&[
                ("vpc_id", s("vpc-1")),
                ("production_listener_arn", s(&alb.replace("/app/", "/net/"))),
            ]),
        );
        for name in ["codedeploy", "blue_green", "linear", "canary"] {
            assert_eq!(
                strategy(name, std::slice::from_ref(&lb)),
                [error(
                    "Missing test listener",
                    "load_balancer.test_listener_arn"
                )],
                "{name}"
            );
            assert_eq!(strategy(name, std::slice::from_ref(&nlb)), [], "{name}");
        }
        assert_eq!(strategy("rolling", std::slice::from_ref(&lb)), []);
        assert_eq!(
            strategy(
                "rolling",
                &[("load_balancer.test_listener_arn", s("arn:x"))]
            ),
            [error(
                "Setting of another deployment strategy",
                "load_balancer.test_listener_arn"
            )]
        );
    }

    #[test]
    fn a_rolling_service_without_the_circuit_breaker_or_alarms() {
        let off = ("ecs_deployment.circuit_breaker", Value::Bool(false));
        assert_eq!(
            strategy("rolling", std::slice::from_ref(&off)),
            [warning(
                "No automatic rollback",
                "ecs_deployment.circuit_breaker"
            )]
        );
        assert_eq!(
            strategy("rolling", &[off, ("alarms.names", strings(&["queue-age"]))]),
            []
        );
    }

    #[test]
    fn codedeploy_waits_and_rollback_events() {
        for ok in [0, 2880] {
            assert_eq!(
                run(
                    Checker::codedeploy_values,
                    &[("blue_green.termination_wait_minutes", int(ok))]
                ),
                []
            );
            assert_eq!(
                run(
                    Checker::traffic_validation,
                    &[("blue_green.test_traffic_wait_minutes", int(ok))]
                ),
                []
            );
        }
        for bad in [-1, 2881] {
            assert_eq!(
                run(
                    Checker::codedeploy_values,
                    &[("blue_green.termination_wait_minutes", int(bad))]
                ),
                [error(
                    "Invalid termination wait (minutes)",
                    "blue_green.termination_wait_minutes"
                )]
            );
            assert_eq!(
                run(
                    Checker::traffic_validation,
                    &[("blue_green.test_traffic_wait_minutes", int(bad))]
                ),
                [error(
                    "Invalid test traffic wait (minutes)",
                    "blue_green.test_traffic_wait_minutes"
                )]
            );
        }
        let events = |e: &[&str]| {
            run(
                Checker::codedeploy_values,
                &[("blue_green.auto_rollback_events", strings(e))],
            )
        };
        assert_eq!(
            events(&[
                "DEPLOYMENT_FAILURE",
                "DEPLOYMENT_STOP_ON_ALARM",
                "DEPLOYMENT_STOP_ON_REQUEST"
            ]),
            []
        );
        assert_eq!(
            events(&["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP"]),
            [error(
                "Invalid rollback event",
                "blue_green.auto_rollback_events[1]"
            )]
        );
    }

    #[test]
    fn approval_needs_a_wait() {
        let approve = |wait: Option<i64>| {
            let mut fields = vec![("blue_green.approve_traffic", Value::Bool(true))];
            fields.extend(wait.map(|w| ("blue_green.test_traffic_wait_minutes", int(w))));
            run(Checker::traffic_validation, &fields)
        };
        assert_eq!(approve(Some(1)), []);
        let none = [error(
            "Approval without a wait",
            "blue_green.approve_traffic",
        )];
        assert_eq!(approve(Some(0)), none);
        assert_eq!(approve(None), none);
    }

    #[test]
    fn codedeploy_hooks_are_invocable_lambda_functions() {
        let hook = |event: &str, arn: &str| {
            run(
                Checker::traffic_validation,
                &[("blue_green.hooks", map(&[(event, s(arn))]))],
            )
        };
        for event in [
            "BeforeInstall",
            "AfterInstall",
            "AfterAllowTestTraffic",
            "BeforeAllowTraffic",
            "AfterAllowTraffic",
        ] {
            assert_eq!(hook(event, LAMBDA), [], "{event}");
        }
        assert_eq!(
            hook("ApplicationStart", LAMBDA),
            [error(
                "Invalid hook event",
                "blue_green.hooks[\"ApplicationStart\"]"
            )]
        );
        assert_eq!(
            hook(
                "BeforeInstall",
                "arn:aws:lambda:us-east-1:123456789012:function:smoke"
            ),
            [error(
                "CodeDeploy may not invoke this hook",
                "blue_green.hooks[\"BeforeInstall\"]"
            )]
        );
        assert_eq!(
            hook("BeforeInstall", "CodeDeployHook_smoke"),
            [error("Invalid hook", "blue_green.hooks[\"BeforeInstall\"]")]
        );
    }
}
