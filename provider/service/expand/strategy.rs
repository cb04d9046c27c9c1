//! The deployment strategy: how a new task definition reaches production. It decides which
//! children exist, which controller the ECS service has and how a roll-out runs.

use super::AlarmTarget;

/// How a new task definition reaches production. It decides which children exist (CodeDeploy's
/// application, group and role; ECS's infrastructure role; one target group or a pair), which
/// controller the ECS service uses and how a roll-out is started, watched and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeploymentStrategy {
    /// CodeDeploy blue/green: task sets, AppSpec roll-outs, CodeDeploy's deployment configs.
    CodeDeployBlueGreen,
    /// ECS-native blue/green: all production traffic moves at once, then a bake time.
    BlueGreen,
    /// ECS-native linear: equal steps of production traffic.
    Linear,
    /// ECS-native canary: a share first, the rest after a wait.
    Canary,
    /// ECS rolling update with the deployment circuit breaker: one target group.
    Rolling,
}

impl DeploymentStrategy {
    /// Whether a service can move from this strategy to `to` in place: between the ECS-native
    /// blue/green strategies (a new deployment configuration), and from CodeDeploy to one of
    /// them (AWS's documented migration). Anything else needs a new ECS service.
    pub fn switches_in_place(self, to: DeploymentStrategy) -> bool {
        self == to
            || (to.ecs_shifts_traffic() && (self.ecs_shifts_traffic() || self.uses_codedeploy()))
    }

    pub const ALL: [DeploymentStrategy; 5] = [
        DeploymentStrategy::CodeDeployBlueGreen,
        DeploymentStrategy::BlueGreen,
        DeploymentStrategy::Linear,
        DeploymentStrategy::Canary,
        DeploymentStrategy::Rolling,
    ];

    /// The names `deployment_strategy` takes.
    pub const NAMES: [&'static str; 5] =
        ["codedeploy", "blue_green", "linear", "canary", "rolling"];

    pub fn name(self) -> &'static str {
        match self {
            DeploymentStrategy::CodeDeployBlueGreen => "codedeploy",
            DeploymentStrategy::BlueGreen => "blue_green",
            DeploymentStrategy::Linear => "linear",
            DeploymentStrategy::Canary => "canary",
            DeploymentStrategy::Rolling => "rolling",
        }
    }

    pub fn from_name(name: &str) -> Option<DeploymentStrategy> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn deployment_controller(self) -> &'static str {
        match self {
            DeploymentStrategy::CodeDeployBlueGreen => "CODE_DEPLOY",
            _ => "ECS",
        }
    }

    /// ECS's `deploymentConfiguration.strategy`; `None` under CodeDeploy.
    pub fn ecs_strategy(self) -> Option<&'static str> {
        match self {
            DeploymentStrategy::CodeDeployBlueGreen => None,
            DeploymentStrategy::BlueGreen => Some("BLUE_GREEN"),
            DeploymentStrategy::Linear => Some("LINEAR"),
            DeploymentStrategy::Canary => Some("CANARY"),
            DeploymentStrategy::Rolling => Some("ROLLING"),
        }
    }

    /// The strategy whose `deploymentConfiguration.strategy` (and controller) AWS reports.
    pub fn from_ecs(controller: &str, strategy: Option<&str>) -> Option<DeploymentStrategy> {
        if controller == "CODE_DEPLOY" {
            return Some(DeploymentStrategy::CodeDeployBlueGreen);
        }
        if controller != "ECS" {
            return None;
        }
        let strategy = strategy.unwrap_or("ROLLING");
        Self::ALL
            .into_iter()
            .find(|s| s.ecs_strategy() == Some(strategy))
    }

    /// Whether traffic moves between a blue and a green target group (all but rolling).
    pub fn shifts_traffic(self) -> bool {
        self != DeploymentStrategy::Rolling
    }

    /// Whether ECS itself moves the traffic (the load balancer's advanced configuration, an
    /// infrastructure role, rules forwarding to both groups).
    pub fn ecs_shifts_traffic(self) -> bool {
        matches!(
            self,
            DeploymentStrategy::BlueGreen | DeploymentStrategy::Linear | DeploymentStrategy::Canary
        )
    }

    pub fn uses_codedeploy(self) -> bool {
        self == DeploymentStrategy::CodeDeployBlueGreen
    }

    /// The target groups alarms watch: both of a pair (a roll-out moves traffic to the idle
    /// one), or the one group of a rolling service.
    pub fn alarm_targets(self) -> &'static [AlarmTarget] {
        if self.shifts_traffic() {
            &AlarmTarget::ALL
        } else {
            &[AlarmTarget::Blue]
        }
    }
}

/// ECS lifecycle hook stages, in the order a deployment reaches them.
pub const ECS_HOOK_STAGES: &[&str] = crate::service::facts::ECS_HOOK_STAGES.values;
