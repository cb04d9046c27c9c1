//! The deployment strategy's rules: a known strategy, each strategy's settings only with it,
//! its test listener, the ECS-native settings' bounds and hooks, and CodeDeploy's traffic
//! validation (hook events and functions, approval) and rollback events.

use crate::value::{AttributePath, Value};

use super::super::defaults as d;
use super::super::expand::{DeploymentStrategy, ECS_HOOK_STAGES};
use super::super::facts;
use super::super::schema::{APPSPEC_HOOK_EVENTS, one_of};
use super::shared::{Checker, int, num, path, strategy_of};

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
        ("hooks", &[BlueGreen, Linear, Canary]),
    ]
};

/// The `blue_green` settings, all CodeDeploy's.
const CODEDEPLOY_SETTINGS: &[&str] = &[
    "deployment_config",
    "termination_wait_minutes",
    "auto_rollback_events",
    "test_traffic_wait_minutes",
    "approve_traffic",
    "hooks",
];

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
        let Some(strategy) = strategy_of(c) else {
            return;
        };
        let set = |v: &Value| !v.is_null();
        // Settings of other strategies: an error at the setting, so none is silently ignored.
        let bg = c.get("blue_green");
        if !strategy.uses_codedeploy() {
            for attr in CODEDEPLOY_SETTINGS {
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
        for (attr, low, high) in [
            ("linear_step_percent", 3.0, 100.0),
            ("canary_percent", 0.1, 100.0),
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
        let lb = c.get("load_balancer");
        let test = lb.get("test_listener_arn");
        if strategy.shifts_traffic() && test.is_null() && !lb.is_unknown() && !lb.is_null() {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Missing test listener",
                format!(
                    "The {:?} strategy serves the new tasks on a test listener before production traffic \
                     moves: set load_balancer.test_listener_arn (only \"rolling\" has none) (check `strategy`).",
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
