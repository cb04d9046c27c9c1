//! What observing a service found, below the kind files that fill it in: each kind reads its
//! own children into [`Seen`] ([`ChildKind::read`](super::kind::ChildKind::read)), then judges
//! the drift that shows only against the others
//! ([`ChildKind::relate`](super::kind::ChildKind::relate)) with the live colour worked out here.

use std::sync::Mutex;

use crate::service::expand::{ChildKey, DeploymentGroupDef, Expansion, TargetGroupDef};
use crate::service::expand::{DiscoveryServiceDef, TaskDefinitionDef};
use crate::service::state::{ChildIds, Colour};
use crate::service::strategy::LiveFrom;

use super::kind::lock;
use super::{alarm, ecs_service, listener_rule, scaling_policy};

/// What exists in AWS for a service.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// The recorded identities with every child found gone cleared (and the drift found
    /// marked pending and explained).
    pub ids: ChildIds,
    pub live: Option<Colour>,
    pub service: Option<ecs_service::ObservedService>,
    pub task_definition: Option<TaskDefinitionDef>,
    /// The blue target group's settings (the green one is only checked to exist).
    pub target_group: Option<TargetGroupDef>,
    pub production_rule: Option<listener_rule::ObservedRule>,
    pub test_rule: Option<listener_rule::ObservedRule>,
    pub discovery: Option<DiscoveryServiceDef>,
    pub deployment_group: Option<DeploymentGroupDef>,
    pub scalable_target: Option<(i64, i64)>,
    pub scaling_policies: Vec<scaling_policy::ObservedPolicy>,
    pub log_retention: Option<Option<i64>>,
    pub task_role_policy: Option<serde_json::Value>,
    /// The managed policies attached to the task role; `None` when it is gone.
    pub task_role_managed_policies: Option<Vec<String>>,
    /// The ECS service exists but does not register in the service's Cloud Map service (that
    /// one deleted or replaced outside Terraform): only a new ECS service can fix it.
    pub registry_detached: bool,
    /// The service's alarms that exist.
    pub alarms: Vec<alarm::ObservedAlarm>,
}

/// What the kinds' reads, running side by side, write into.
pub struct Seen(Mutex<Observed>);

impl Seen {
    /// Starts from the recorded identities: a child stays recorded until its kind reports it
    /// gone.
    pub fn new(recorded: &ChildIds) -> Seen {
        Seen(Mutex::new(Observed {
            ids: recorded.clone(),
            ..Observed::default()
        }))
    }

    /// Writes what a read found.
    pub fn note(&self, f: impl FnOnce(&mut Observed)) {
        f(&mut lock(&self.0));
    }

    /// Clears a child AWS reports gone, so the next apply creates it again.
    pub fn gone(&self, key: ChildKey) {
        lock(&self.0).ids.clear(key);
    }

    /// Clears `key` unless `present`.
    pub fn present(&self, key: ChildKey, present: bool) {
        if !present {
            self.gone(key);
        }
    }

    pub fn into_inner(self) -> Observed {
        match self.0.into_inner() {
            Ok(o) => o,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl Observed {
    /// The colour of a target group of the service, by its ARN.
    pub fn colour_of(&self, target_group: &str) -> Option<Colour> {
        [Colour::Blue, Colour::Green]
            .into_iter()
            .find(|c| self.ids.get(super::child::target_group_key(*c)) == Some(target_group))
    }

    /// The colour serving production traffic, read where the strategy's family says
    /// ([`LiveFrom`]).
    pub fn live_colour(&self, exp: &Expansion) -> Option<Colour> {
        let by_rule = self
            .production_rule
            .as_ref()
            .and_then(|r| r.target_group_arn.as_deref())
            .and_then(|tg| self.colour_of(tg));
        match exp.strategy.family().live_from {
            LiveFrom::ProductionRule => by_rule,
            LiveFrom::PrimaryTaskSet => {
                match self.service.as_ref().and_then(|s| s.primary_target_group()) {
                    Some(tg) => self.colour_of(tg),
                    None => by_rule,
                }
            }
            LiveFrom::OnlyGroup => self
                .ids
                .has(super::child::target_group_key(Colour::Blue))
                .then_some(Colour::Blue),
        }
    }

    /// Whether a deployment is under way: traffic is where the deployment put it for now.
    pub fn deployment_in_flight(&self) -> bool {
        self.service
            .as_ref()
            .is_some_and(|s| s.deployment_in_flight())
    }
}

/// What the kinds' `relate` tests share: an expansion, clients that are never called, and
/// target groups and rules as AWS reports them.
#[cfg(test)]
pub(crate) mod testing {
    use std::collections::BTreeMap;

    use crate::aws::clients::Clients;
    use crate::aws::listener_rule::ObservedRule;
    use crate::service::expand::{ChildKey, Expansion, Placement, expand};
    use crate::service::spec::ServiceSpec;
    use crate::service::state::ChildIds;
    use crate::service::testing::service_value;
    use crate::value::Value;

    use super::Observed;

    pub const BLUE: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/checkout-blue/1a2b3c4d5e6f7a8b";
    pub const GREEN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/checkout-green/8b7a6f5e4d3c2b1a";
    const LISTENER: &str =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188";

    /// A service behind a load balancer under `strategy` (a rolling one without a test
    /// listener), with a 5xx alarm and request-count autoscaling.
    pub fn expansion(strategy: &str) -> Expansion {
        let test = (strategy != "rolling").then_some(format!("{LISTENER}/0467ef3c8400ae65"));
        let Value::Object(mut fields) = service_value(
            strategy,
            &format!("{LISTENER}/f2f7dc8efc522ab2"),
            test.as_deref(),
        ) else {
            panic!("a service is an object")
        };
        fields.insert(
            "alarms".to_owned(),
            Value::object([("target_5xx_count", Value::int(10))]),
        );
        fields.insert(
            "autoscaling".to_owned(),
            Value::object([
                ("min", Value::int(2)),
                ("max", Value::int(10)),
                ("requests_per_target", Value::int(500)),
            ]),
        );
        let value = Value::Object(fields);
        let Ok(spec) = ServiceSpec::from_value(&value) else {
            panic!("the test service decodes")
        };
        let home = Placement::in_account("us-east-1", "123456789012");
        let Ok(placement) = Placement::of_service(&spec, Some(&home)) else {
            panic!("the test service is placed")
        };
        expand(&spec, &placement, &BTreeMap::new())
    }

    /// SDK clients for a `Lookup`; the `relate`s under test make no call.
    pub fn clients() -> Clients {
        let sdk = aws_types::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_types::region::Region::new("us-east-1"))
            .build();
        Clients::new(&sdk, &BTreeMap::new())
    }

    /// What a read left: both groups and the given children recorded.
    pub fn observed(recorded: &[(ChildKey, &str)]) -> Observed {
        let mut ids = ChildIds::from_iter([
            (ChildKey::BlueTargetGroup, BLUE.to_owned()),
            (ChildKey::GreenTargetGroup, GREEN.to_owned()),
        ]);
        for (key, id) in recorded {
            ids.set(*key, (*id).to_owned());
        }
        Observed {
            ids,
            ..Observed::default()
        }
    }

    /// A rule forwarding to `weights` (target group ARN, weight).
    pub fn rule(weights: &[(&str, i64)]) -> ObservedRule {
        ObservedRule {
            target_group_arn: weights
                .iter()
                .max_by_key(|(_, w)| *w)
                .map(|(g, _)| (*g).to_owned()),
            weights: weights.iter().map(|(g, w)| ((*g).to_owned(), *w)).collect(),
            priority: Some(100),
            path_patterns: Vec::new(),
            host_headers: Vec::new(),
            whole_listener: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{BLUE, GREEN, expansion, observed, rule};
    use crate::service::state::Colour;

    #[test]
    fn the_live_colour_is_read_where_the_family_says() {
        let mut o = observed(&[]);
        o.production_rule = Some(rule(&[(GREEN, 1), (BLUE, 0)]));
        // ECS-native: the production rule's heaviest group.
        assert_eq!(o.live_colour(&expansion("blue_green")), Some(Colour::Green));
        // CodeDeploy: the PRIMARY task set's group; with no service reported, the rule.
        assert_eq!(o.live_colour(&expansion("codedeploy")), Some(Colour::Green));
        // Rolling: the one group, whatever a rule says.
        assert_eq!(o.live_colour(&expansion("rolling")), Some(Colour::Blue));
        o.production_rule = Some(rule(&[("arn:aws:elasticloadbalancing:other", 1)]));
        assert_eq!(o.live_colour(&expansion("blue_green")), None);
    }
}
