//! The deployment strategies: how a new task definition reaches production. Each family of
//! strategies answers for itself in its own file, as data the rest of the provider reads
//! instead of asking which strategy it is: `codedeploy.rs` (CodeDeploy blue/green),
//! `ecs_native.rs` (ECS-native blue/green, linear and canary), `rolling.rs` (ECS rolling
//! update). A new strategy is its variant here, its family (an existing one, or a new file with
//! its [`Family`]), and its schema attributes.

pub mod codedeploy;
mod ecs_native;
mod rolling;

pub use rolling::breaker_threshold;

use crate::service::expand::{AlarmTarget, ChildKey, EcsDeploymentDef};
use crate::service::spec::ServiceSpec;

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

/// What a family of strategies answers: the questions the expansion, the lifecycle, the
/// roll-outs, the refresh and the checks would otherwise ask by naming strategies.
#[derive(Debug)]
pub struct Family {
    /// What the family is called in messages (and what tells families apart).
    pub name: &'static str,
    /// The ECS service's deployment controller.
    pub controller: &'static str,
    /// Who runs a roll-out, as its failure names it.
    pub deployer: &'static str,
    /// The summary of a roll-out that did not succeed.
    pub rollout_failed: &'static str,
    /// The children the family adds to those every service has.
    pub own_children: &'static [ChildKey],
    /// Whether the service runs behind a pair of target groups (blue and green) with a rule on
    /// the test listener too, rather than one group.
    pub target_group_pair: bool,
    /// Whether ECS moves the traffic itself: the load balancer's advanced configuration, rules
    /// forwarding to both groups (the idle one at weight 0), the infrastructure role, a bake
    /// time and lifecycle hooks.
    pub ecs_moves_traffic: bool,
    /// Where the colour serving production is read back.
    pub live_from: LiveFrom,
    /// How a new revision rolls out.
    pub rollout: RolloutBy,
    /// The ECS service's deployment configuration for a strategy of the family, from the
    /// service's settings and the alarms that roll a deployment back; `None` where ECS does not
    /// deploy (CodeDeploy does).
    pub ecs_deployment: fn(DeploymentStrategy, &ServiceSpec, &[String]) -> Option<EcsDeploymentDef>,
    /// Whether a service of another family moves into this one in place (AWS's documented
    /// migrations), rather than by a new ECS service.
    pub enters_in_place_from: fn(&Family) -> bool,
    /// The steps a roll-out of a new revision goes through, in order, with the minutes each
    /// waits by its settings (what the plan previews; time for tasks to start is not counted).
    pub steps: fn(DeploymentStrategy, &ServiceSpec) -> Vec<RolloutStep>,
    /// How many tasks a deployment runs at its peak, as a percentage of the count: the whole
    /// new set beside the old one (200), or, for a rolling update, `maximumPercent` ("an upper
    /// limit on the number of your service's tasks that are allowed in the RUNNING or PENDING
    /// state during a deployment, as a percentage of the desiredCount (rounded down)", ECS's
    /// DeploymentConfiguration).
    pub peak: Peak,
}

/// One step of a roll-out as the plan previews it.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutStep {
    pub what: String,
    /// Minutes the step waits by its settings (a bake, a canary's time, a shift's delay).
    pub minutes: i64,
}

impl RolloutStep {
    pub fn new(what: impl Into<String>, minutes: i64) -> RolloutStep {
        RolloutStep {
            what: what.into(),
            minutes,
        }
    }
}

/// A deployment's peak task count, as a percentage of the service's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peak {
    /// The replacement set runs beside the original: twice the count.
    FullSetBeside,
    /// Within `ecs_deployment.maximum_percent`.
    MaximumPercent,
}

impl DeploymentStrategy {
    /// The most tasks a deployment of this strategy runs at once, as a percentage of the
    /// count, given the service's `maximum_percent`.
    pub fn peak_percent(self, maximum_percent: i64) -> i64 {
        match self.family().peak {
            Peak::FullSetBeside => 200,
            Peak::MaximumPercent => maximum_percent,
        }
    }
}

/// Where the live colour is read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveFrom {
    /// The PRIMARY task set's target group, which is what CodeDeploy goes by (the production
    /// rule stands in when AWS reports no service).
    PrimaryTaskSet,
    /// The production rule's heaviest group: ECS moves traffic by the rules' weights and
    /// keeps the service's load balancer as it was created.
    ProductionRule,
    /// There is one group, always blue.
    OnlyGroup,
}

/// How a new revision rolls out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutBy {
    /// A CodeDeploy deployment with an AppSpec naming the revision.
    CodeDeployDeployment,
    /// UpdateService with the revision, then the service deployment ECS starts.
    EcsServiceDeployment,
}

impl DeploymentStrategy {
    /// The family that answers for this strategy.
    pub fn family(self) -> &'static Family {
        match self {
            DeploymentStrategy::CodeDeployBlueGreen => &codedeploy::FAMILY,
            DeploymentStrategy::BlueGreen
            | DeploymentStrategy::Linear
            | DeploymentStrategy::Canary => &ecs_native::FAMILY,
            DeploymentStrategy::Rolling => &rolling::FAMILY,
        }
    }

    /// Whether a service can move from this strategy to `to` in place: within a family (a new
    /// deployment configuration), or where `to`'s family takes this one's in (AWS's documented
    /// migration from CodeDeploy to the ECS-native strategies). Anything else needs a new ECS
    /// service.
    pub fn switches_in_place(self, to: DeploymentStrategy) -> bool {
        let (from, into) = (self.family(), to.family());
        from.name == into.name || (into.enters_in_place_from)(from)
    }

    /// Whether the strategy's services have `key` (one of the children a family adds).
    pub fn has_child(self, key: ChildKey) -> bool {
        self.family().own_children.contains(&key)
    }

    /// The strategy a new service gets when its configuration leaves `deployment_strategy`
    /// out: ECS-native blue/green, the path AWS documents for new services since 2025-07
    /// (AWS, "CodeDeploy blue/green deployments for Amazon ECS": "We recommend that you use the
    /// Amazon ECS blue/green deployment", docs.aws.amazon.com/AmazonECS/latest/developerguide/
    /// deployment-type-bluegreen.html). CodeDeploy for ECS stays supported.
    pub const DEFAULT: DeploymentStrategy = DeploymentStrategy::BlueGreen;

    /// The strategy of a service whose state was written before `deployment_strategy` existed,
    /// or whose state records no strategy: every such service deploys through CodeDeploy.
    pub const BEFORE_THE_ATTRIBUTE: DeploymentStrategy = DeploymentStrategy::CodeDeployBlueGreen;

    /// The strategy a configuration, plan or state names; `None` while unknown or not a
    /// strategy. A configuration that leaves `deployment_strategy` out is checked as
    /// [`assumed_when_unset`](Self::assumed_when_unset) says; the plan decides for certain
    /// ([`planned_when_unset`](Self::planned_when_unset)) and checks again.
    pub fn of(value: &crate::value::Value) -> Option<DeploymentStrategy> {
        match value.get("deployment_strategy") {
            crate::value::Value::Null => Self::assumed_when_unset(value),
            crate::value::Value::String(s) => DeploymentStrategy::from_name(s),
            _ => None,
        }
    }

    /// The strategy validation assumes for a configuration without `deployment_strategy`,
    /// before the state is known: CodeDeploy where the `blue_green` block sets one of
    /// CodeDeploy's settings and `ecs_deployment` sets nothing (a configuration written for a
    /// release whose default was CodeDeploy, whose state records it), else
    /// [`DEFAULT`](Self::DEFAULT); `None` while either block is unknown. A guess that never
    /// refuses such a configuration; the plan checks again under the strategy it records.
    pub fn assumed_when_unset(config: &crate::value::Value) -> Option<DeploymentStrategy> {
        let (settings, ecs) = (config.get("blue_green"), config.get("ecs_deployment"));
        if settings.is_unknown() || ecs.is_unknown() {
            return None;
        }
        let ecs_set = match ecs {
            crate::value::Value::Object(fields) => fields.values().any(|v| !v.is_null()),
            _ => false,
        };
        Some(
            if !ecs_set
                && codedeploy::SETTINGS
                    .iter()
                    .any(|a| !settings.get(a).is_null())
            {
                Self::BEFORE_THE_ATTRIBUTE
            } else {
                Self::DEFAULT
            },
        )
    }

    /// The strategy a plan records when the configuration leaves `deployment_strategy` out:
    /// the one the service's state records (so a provider upgrade never migrates a running
    /// service, and removing the attribute changes nothing), [`DEFAULT`](Self::DEFAULT) for a
    /// service still to be created. `prior` is the service's state, null before creation.
    pub fn planned_when_unset(prior: &crate::value::Value) -> DeploymentStrategy {
        if prior.is_null() {
            return Self::DEFAULT;
        }
        match prior.get("deployment_strategy").as_str() {
            Some(name) => Self::from_name(name).unwrap_or(Self::BEFORE_THE_ATTRIBUTE),
            None => Self::BEFORE_THE_ATTRIBUTE,
        }
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
        self.family().controller
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
        self.family().target_group_pair
    }

    /// Whether ECS itself moves the traffic (the load balancer's advanced configuration, an
    /// infrastructure role, rules forwarding to both groups).
    pub fn ecs_shifts_traffic(self) -> bool {
        self.family().ecs_moves_traffic
    }

    /// Whether CodeDeploy runs the roll-outs (and the service has its application, group and
    /// role).
    pub fn uses_codedeploy(self) -> bool {
        self.family().rollout == RolloutBy::CodeDeployDeployment
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::expand::{AlarmMetric, ScalingMetric, Shape};
    use crate::service::names::ChildNames;
    use DeploymentStrategy::*;

    /// A new service without the attribute gets AWS's recommended strategy; an existing one
    /// keeps what its state records, and a state that records none is from before the
    /// attribute: CodeDeploy.
    #[test]
    fn left_out_a_new_service_is_native_and_an_existing_one_keeps_its_strategy() {
        use crate::value::Value;
        assert_eq!(
            DeploymentStrategy::planned_when_unset(&Value::Null),
            BlueGreen
        );
        assert_eq!(
            DeploymentStrategy::DEFAULT.name(),
            crate::service::defaults::DEPLOYMENT_STRATEGY
        );
        let state =
            |s: Value| Value::object([("name", Value::string("c")), ("deployment_strategy", s)]);
        for recorded in DeploymentStrategy::ALL {
            assert_eq!(
                DeploymentStrategy::planned_when_unset(&state(Value::string(recorded.name()))),
                recorded
            );
        }
        assert_eq!(
            DeploymentStrategy::planned_when_unset(&state(Value::Null)),
            CodeDeployBlueGreen
        );
    }

    /// Before the state is known, a configuration without the attribute is checked as the
    /// default, unless its `blue_green` block sets CodeDeploy's settings and nothing sets
    /// ECS-controller ones (written for a release whose default was CodeDeploy); an unknown
    /// block leaves it unknown.
    #[test]
    fn validation_assumes_codedeploy_only_where_codedeploy_settings_are_set() {
        use crate::value::Value;
        let config = |bg: Value| Value::object([("name", Value::string("c")), ("blue_green", bg)]);
        assert_eq!(
            DeploymentStrategy::of(&config(Value::Null)),
            Some(BlueGreen)
        );
        let empty = Value::object([("deployment_config", Value::Null)]);
        assert_eq!(DeploymentStrategy::of(&config(empty)), Some(BlueGreen));
        for setting in codedeploy::SETTINGS {
            let set = Value::object([(*setting, Value::string("x"))]);
            assert_eq!(
                DeploymentStrategy::of(&config(set)),
                Some(CodeDeployBlueGreen),
                "{setting}"
            );
        }
        assert_eq!(DeploymentStrategy::of(&config(Value::unknown())), None);
        // With ECS-controller settings too, the configuration is not CodeDeploy's.
        let both = Value::object([
            (
                "blue_green",
                Value::object([("termination_wait_minutes", Value::int(5))]),
            ),
            (
                "ecs_deployment",
                Value::object([("bake_time_minutes", Value::int(5))]),
            ),
        ]);
        assert_eq!(DeploymentStrategy::of(&both), Some(BlueGreen));
    }

    /// AWS's documented in-place move is CodeDeploy to the ECS-native strategies; within a
    /// family only the deployment configuration changes; everything else is a new service.
    #[test]
    fn in_place_switches_are_within_a_family_or_codedeploy_to_ecs_native() {
        let in_place: Vec<(DeploymentStrategy, DeploymentStrategy)> = DeploymentStrategy::ALL
            .into_iter()
            .flat_map(|a| DeploymentStrategy::ALL.map(|b| (a, b)))
            .filter(|(a, b)| a != b && a.switches_in_place(*b))
            .collect();
        assert_eq!(
            in_place,
            [
                (CodeDeployBlueGreen, BlueGreen),
                (CodeDeployBlueGreen, Linear),
                (CodeDeployBlueGreen, Canary),
                (BlueGreen, Linear),
                (BlueGreen, Canary),
                (Linear, BlueGreen),
                (Linear, Canary),
                (Canary, BlueGreen),
                (Canary, Linear),
            ]
        );
    }

    /// What a family says it adds is what the expansion creates, and the controller, the
    /// roll-out and the ECS strategy agree with each other.
    #[test]
    fn each_family_answers_consistently_with_the_expansion() {
        for strategy in DeploymentStrategy::ALL {
            let family = strategy.family();
            let shape = Shape {
                names: ChildNames::for_service("checkout-api"),
                log_group: "/ecs/checkout-api".to_owned(),
                strategy,
                load_balanced: true,
                test_listener: true,
                listener_default_actions: false,
                discovery: false,
                autoscaling: true,
                scaling_metrics: ScalingMetric::ALL.to_vec(),
                alarm_metrics: AlarmMetric::ALL.to_vec(),
            };
            let keys: Vec<ChildKey> = shape.children().into_iter().map(|c| c.key).collect();
            let family_owned = [
                ChildKey::CodeDeployRole,
                ChildKey::CodeDeployApplication,
                ChildKey::DeploymentGroup,
                ChildKey::InfrastructureRole,
            ];
            for key in family_owned {
                assert_eq!(
                    keys.contains(&key),
                    strategy.has_child(key),
                    "{strategy:?}: {key:?}"
                );
            }
            assert_eq!(
                keys.contains(&ChildKey::GreenTargetGroup),
                family.target_group_pair,
                "{strategy:?}"
            );
            assert_eq!(
                family.rollout == RolloutBy::CodeDeployDeployment,
                family.controller == "CODE_DEPLOY",
                "{strategy:?}"
            );
            assert_eq!(
                strategy.ecs_strategy().is_none(),
                family.controller == "CODE_DEPLOY",
                "{strategy:?}"
            );
            assert_eq!(
                DeploymentStrategy::from_ecs(family.controller, strategy.ecs_strategy()),
                Some(strategy)
            );
        }
    }
}
