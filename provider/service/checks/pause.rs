//! Pause hooks: the stages ECS lets a deployment pause at, the pause's timeout and action,
//! and neither of those without a stage to pause at. Which strategies take a pause is the
//! strategy rule's (`ecs_deployment` settings only with their strategy).

use crate::service::facts;
use crate::service::schema::one_of;
use crate::value::{AttributePath, Value};

use super::shared::{Checker, path};

impl Checker {
    /// A pause hook: stages ECS pauses at, its timeout and action, and neither of those
    /// without a stage to pause at.
    pub(super) fn pause(&mut self, ecs: &Value) {
        let stages = ecs.get("pause_at");
        if let Some(list) = stages.elements() {
            for (i, stage) in list.iter().enumerate() {
                if let Some(s) = stage.as_str()
                    && !facts::PAUSE_STAGES.values.contains(&s)
                {
                    self.error(
                        AttributePath::attr("ecs_deployment")
                            .join_attr("pause_at")
                            .join_index(i),
                        "Not a stage a deployment pauses at",
                        format!(
                            "{s:?} is not a stage ECS pauses a deployment at: use {} (the traffic shifts \
                             themselves take no pause) (check `strategy`).",
                            one_of(facts::PAUSE_STAGES.values)
                        ),
                    );
                }
            }
        }
        self.fact(
            ecs.get("pause_timeout_minutes"),
            &["ecs_deployment", "pause_timeout_minutes"],
            facts::HOOK_TIMEOUT_MINUTES,
            "pause timeout (minutes)",
        );
        if let Some(a) = ecs.get("pause_timeout_action").as_str()
            && !facts::HOOK_ACTIONS.values.contains(&a)
        {
            self.error(
                path(&["ecs_deployment", "pause_timeout_action"]),
                "Unknown pause timeout action",
                format!(
                    "{a:?} is not what ECS does when a pause times out: use {} (check `strategy`).",
                    one_of(facts::HOOK_ACTIONS.values)
                ),
            );
        }
        let none = stages.is_null() || stages.elements().is_some_and(|l| l.is_empty());
        if none {
            for attr in ["pause_timeout_minutes", "pause_timeout_action"] {
                if !ecs.get(attr).is_null() {
                    self.error(
                        path(&["ecs_deployment", attr]),
                        "Pause setting without a pause",
                        format!(
                            "ecs_deployment.{attr} configures the pause at ecs_deployment.pause_at, which \
                             names no stage: remove it, or name the stages to pause at (check `strategy`)."
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::shared::Checker;
    use super::super::testing::{Seen, error, int, run, s, strings};
    use crate::value::Value;

    fn strategy(name: &str, fields: &[(&str, Value)]) -> Vec<Seen> {
        let mut all = vec![("deployment_strategy", s(name))];
        all.extend(fields.iter().cloned());
        run(Checker::deployment_strategy, &all)
    }

    /// A pause at the stages AWS lets a deployment pause at (not the traffic shifts), with a
    /// timeout of a minute to 14 days and an action ECS knows, under the traffic strategies.
    #[test]
    fn a_pause_at_a_stage_ecs_pauses_at_with_its_timeout() {
        let stages = |list: &[&str]| ("ecs_deployment.pause_at", strings(list));
        assert_eq!(
            strategy(
                "blue_green",
                &[
                    stages(&["RECONCILE_SERVICE", "PRE_PRODUCTION_TRAFFIC_SHIFT"]),
                    ("ecs_deployment.pause_timeout_minutes", int(20160)),
                    ("ecs_deployment.pause_timeout_action", s("CONTINUE")),
                ]
            ),
            []
        );
        assert_eq!(
            strategy(
                "canary",
                &[stages(&["PRE_SCALE_UP", "PRODUCTION_TRAFFIC_SHIFT"])]
            ),
            [error(
                "Not a stage a deployment pauses at",
                "ecs_deployment.pause_at[1]"
            )]
        );
        assert_eq!(
            strategy(
                "linear",
                &[
                    stages(&["POST_SCALE_UP"]),
                    ("ecs_deployment.pause_timeout_minutes", int(20161)),
                    ("ecs_deployment.pause_timeout_action", s("STOP")),
                ]
            ),
            [
                error(
                    "Invalid pause timeout (minutes)",
                    "ecs_deployment.pause_timeout_minutes"
                ),
                error(
                    "Unknown pause timeout action",
                    "ecs_deployment.pause_timeout_action"
                ),
            ]
        );
        assert_eq!(
            strategy(
                "blue_green",
                &[("ecs_deployment.pause_timeout_minutes", int(60))]
            ),
            [error(
                "Pause setting without a pause",
                "ecs_deployment.pause_timeout_minutes"
            )]
        );
        assert_eq!(
            strategy("rolling", &[stages(&["PRE_SCALE_UP"])]),
            [error(
                "Setting of another deployment strategy",
                "ecs_deployment.pause_at"
            )]
        );
    }
}
