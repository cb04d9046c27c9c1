//! Scaling on 20-second metrics: only where the provider can set and read the service's
//! monitoring configuration (the ECS-controller strategies, whose service revisions carry it),
//! and only with a policy on a metric that has a 20-second form (CPU or memory).

use crate::service::expand::DeploymentStrategy;
use crate::value::Value;

use super::shared::{Checker, path};

impl Checker {
    pub(super) fn high_resolution_scaling(&mut self, c: &Value) {
        let scaling = c.get("autoscaling");
        if scaling.get("high_resolution").as_bool() != Some(true) {
            return;
        }
        let at = path(&["autoscaling", "high_resolution"]);
        if DeploymentStrategy::of(c).is_some_and(DeploymentStrategy::uses_codedeploy) {
            self.error(
                at,
                "20-second metrics need the ECS deployment controller",
                "ECS keeps a service's metric resolution (its monitoring configuration) on its \
                 service revisions, which the ECS controller's deployments make; a codedeploy \
                 service is deployed through CodeDeploy's task sets, which carry no monitoring \
                 configuration. Use blue_green, linear, canary or rolling, or leave \
                 high_resolution out (check `high-resolution`)."
                    .to_owned(),
            );
            return;
        }
        let on = |attr: &str| !scaling.get(attr).is_null();
        let unknown = |attr: &str| scaling.get(attr).is_unknown();
        if !on("cpu_target")
            && !on("memory_target")
            && !unknown("cpu_target")
            && !unknown("memory_target")
        {
            self.error(
                at,
                "20-second metrics without a CPU or memory target",
                "high_resolution moves the cpu_target and memory_target policies to ECS's \
                 20-second metrics; this service sets neither (requests_per_target counts the load \
                 balancer's requests, which have no 20-second form). Set cpu_target or \
                 memory_target, or leave high_resolution out (check `high-resolution`)."
                    .to_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, run};
    use crate::value::Value;

    fn scaling(strategy: &str, fields: &[(&str, Value)]) -> Vec<(&'static str, String, String)> {
        let mut all = vec![
            ("deployment_strategy", Value::string(strategy)),
            ("autoscaling.min", Value::int(2)),
            ("autoscaling.max", Value::int(10)),
            ("autoscaling.high_resolution", Value::Bool(true)),
        ];
        all.extend(fields.iter().cloned());
        run(|c, v| c.high_resolution_scaling(v), &all)
    }

    const AT: &str = "autoscaling.high_resolution";

    #[test]
    fn twenty_second_metrics_under_the_ecs_controller_with_a_cpu_or_memory_target() {
        for strategy in ["blue_green", "linear", "canary", "rolling"] {
            for target in ["autoscaling.cpu_target", "autoscaling.memory_target"] {
                assert_eq!(
                    scaling(strategy, &[(target, Value::int(60))]),
                    [],
                    "{strategy}"
                );
            }
        }
        assert_eq!(
            scaling("codedeploy", &[("autoscaling.cpu_target", Value::int(60))]),
            [error(
                "20-second metrics need the ECS deployment controller",
                AT
            )]
        );
        assert_eq!(
            scaling(
                "blue_green",
                &[("autoscaling.requests_per_target", Value::int(500))]
            ),
            [error(
                "20-second metrics without a CPU or memory target",
                AT
            )]
        );
        // Unknown until apply: nothing said yet.
        assert_eq!(
            scaling(
                "blue_green",
                &[("autoscaling.cpu_target", Value::unknown())]
            ),
            []
        );
        // Off: nothing to check, under any strategy.
        assert_eq!(
            run(
                |c, v| c.high_resolution_scaling(v),
                &[
                    ("deployment_strategy", Value::string("codedeploy")),
                    ("autoscaling.high_resolution", Value::Bool(false)),
                ]
            ),
            []
        );
    }
}
