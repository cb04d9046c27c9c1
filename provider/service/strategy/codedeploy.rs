//! CodeDeploy blue/green (`codedeploy`): the ECS service under the CODE_DEPLOY controller, task
//! sets, a CodeDeploy application, deployment group and role, and an AppSpec deployment per
//! roll-out that moves the listener rules between the blue and the green group.

use super::{DeploymentStrategy, Family, LiveFrom, Peak, RolloutBy, RolloutStep};
use crate::service::expand::ChildKey;
use crate::service::spec::ServiceSpec;

/// The `blue_green` block's settings, all CodeDeploy's (the deployment group's).
pub const SETTINGS: &[&str] = &[
    "deployment_config",
    "termination_wait_minutes",
    "auto_rollback_events",
    "test_traffic_wait_minutes",
    "approve_traffic",
    "hooks",
];

pub(super) static FAMILY: Family = Family {
    name: "CodeDeploy",
    controller: "CODE_DEPLOY",
    deployer: "CodeDeploy",
    rollout_failed: "Blue/green deployment did not succeed",
    own_children: &[
        ChildKey::CodeDeployRole,
        ChildKey::CodeDeployApplication,
        ChildKey::DeploymentGroup,
    ],
    target_group_pair: true,
    ecs_moves_traffic: false,
    live_from: LiveFrom::PrimaryTaskSet,
    rollout: RolloutBy::CodeDeployDeployment,
    // CodeDeploy's deployment group carries the deployment's settings.
    ecs_deployment: |_, _, _| None,
    steps,
    // Leaving CodeDeploy for another controller needs a new ECS service; nothing comes back in.
    enters_in_place_from: |_| false,
    peak: Peak::FullSetBeside,
};

/// The replacement task set starts; the test listener serves it for the wait (and waits for an
/// approval); production moves as the deployment configuration says (CodeDeploy's predefined
/// ECS configurations name their shares and minutes); the original task set is kept for the
/// termination wait.
fn steps(_: DeploymentStrategy, spec: &ServiceSpec) -> Vec<RolloutStep> {
    let bg = &spec.blue_green;
    let mut out = vec![RolloutStep::new(
        format!(
            "start a replacement task set of {} tasks beside the original",
            spec.desired_count
        ),
        0,
    )];
    if spec
        .load_balancer
        .as_ref()
        .is_some_and(|l| l.test_listener_arn.is_some())
    {
        let wait = bg.test_traffic_wait_minutes;
        out.push(RolloutStep::new(
            if bg.approve_traffic {
                format!("test listener: the new tasks; production waits up to {wait} min for an approval")
            } else {
                format!("test listener: the new tasks for {wait} min")
            },
            if bg.approve_traffic { 0 } else { wait },
        ));
    }
    out.extend(production_steps(&bg.deployment_config));
    out.push(RolloutStep::new(
        format!(
            "keep the original task set {} min, then end it",
            bg.termination_wait_minutes
        ),
        bg.termination_wait_minutes,
    ));
    out
}

/// The production steps of a deployment configuration: `CodeDeployDefault.ECSAllAtOnce`,
/// `…ECSCanary<p>Percent<m>Minutes`, `…ECSLinear<p>PercentEvery<m>Minute(s)`; a custom one is
/// named without its steps.
fn production_steps(config: &str) -> Vec<RolloutStep> {
    let all = RolloutStep::new("production: 100 %", 0);
    let name = config
        .strip_prefix("CodeDeployDefault.ECS")
        .unwrap_or_default();
    let number = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
    if name == "AllAtOnce" {
        return vec![all];
    }
    if let Some((p, m)) = name
        .strip_prefix("Canary")
        .and_then(|r| r.strip_suffix("Minutes"))
        .and_then(|r| r.split_once("Percent"))
        && let (Some(p), Some(m)) = (number(p), number(m))
    {
        return vec![
            RolloutStep::new(format!("production: {p} % for {m} min"), m),
            all,
        ];
    }
    if let Some((p, m)) = name
        .strip_prefix("Linear")
        .and_then(|r| {
            r.strip_suffix("Minutes")
                .or_else(|| r.strip_suffix("Minute"))
        })
        .and_then(|r| r.split_once("PercentEvery"))
        && let (Some(p), Some(m)) = (number(p), number(m))
    {
        let mut out: Vec<RolloutStep> = (1..)
            .map(|k| k * p)
            .take_while(|share| *share < 100)
            .map(|share| RolloutStep::new(format!("production: {share} % for {m} min"), m))
            .collect();
        out.push(all);
        return out;
    }
    vec![RolloutStep::new(
        format!("production: as the deployment configuration {config} shifts it"),
        0,
    )]
}

#[cfg(test)]
mod tests {
    use super::production_steps;

    #[test]
    fn predefined_configurations_name_their_steps() {
        let steps = |c: &str| {
            production_steps(c)
                .into_iter()
                .map(|s| (s.what, s.minutes))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            steps("CodeDeployDefault.ECSCanary10Percent5Minutes"),
            [
                ("production: 10 % for 5 min".to_owned(), 5),
                ("production: 100 %".to_owned(), 0)
            ]
        );
        let linear = steps("CodeDeployDefault.ECSLinear10PercentEvery1Minutes");
        assert_eq!(linear.len(), 10);
        assert_eq!(linear[8], ("production: 90 % for 1 min".to_owned(), 1));
        assert_eq!(steps("CodeDeployDefault.ECSAllAtOnce").len(), 1);
        assert!(
            steps("Custom.TenAtATime")[0]
                .0
                .contains("Custom.TenAtATime")
        );
    }
}
