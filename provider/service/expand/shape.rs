//! The shape of a service: which children exist and what each depends on, known at plan time
//! before every setting is.

use super::{AlarmMetric, ChildKey, DeploymentStrategy, Expansion, ScalingMetric};
use crate::service::names::ChildNames;

/// One node of the expansion's dependency graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub key: ChildKey,
    pub name: String,
    pub depends_on: Vec<ChildKey>,
}

/// What decides which children exist and their names: enough to list them at plan time, before
/// every setting is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub names: ChildNames,
    pub log_group: String,
    pub strategy: DeploymentStrategy,
    /// Whether the service sits behind a load balancer (target groups and rules).
    pub load_balanced: bool,
    /// Whether a test listener gets a rule (every pair behind an ALB; an NLB's is optional).
    pub test_listener: bool,
    /// Whether the service forwards by its listeners' default actions (behind an NLB) rather
    /// than by rules on them: what `children` calls those children.
    pub listener_default_actions: bool,
    pub discovery: bool,
    pub autoscaling: bool,
    pub scaling_metrics: Vec<ScalingMetric>,
    /// The alarms the service creates (each on both target groups).
    pub alarm_metrics: Vec<AlarmMetric>,
}

impl Shape {
    /// The children and their dependencies, in an order that respects them.
    pub fn children(&self) -> Vec<Child> {
        use ChildKey::*;
        let n = &self.names;
        let child = |key, name: &str, depends_on: Vec<ChildKey>| Child {
            key,
            name: name.to_owned(),
            depends_on,
        };
        let pair = self.load_balanced && self.strategy.shifts_traffic();
        let forwarding = if self.listener_default_actions {
            "'s default action"
        } else {
            ""
        };
        let groups = match (self.load_balanced, pair) {
            (false, _) => vec![],
            (true, true) => vec![BlueTargetGroup, GreenTargetGroup],
            (true, false) => vec![BlueTargetGroup],
        };
        let mut out = vec![
            child(LogGroup, &self.log_group, vec![]),
            child(ExecutionRole, &n.execution_role, vec![]),
            child(TaskRole, &n.task_role, vec![]),
        ];
        if self.load_balanced {
            out.push(child(BlueTargetGroup, &n.blue_target_group, vec![]));
        }
        if pair {
            out.push(child(GreenTargetGroup, &n.green_target_group, vec![]));
        }
        if self.discovery {
            out.push(child(DiscoveryService, &n.discovery_service, vec![]));
        }
        if self.strategy.has_child(InfrastructureRole) {
            out.push(child(InfrastructureRole, &n.infrastructure_role, vec![]));
        }
        out.push(child(
            TaskDefinition,
            &n.task_family,
            vec![LogGroup, ExecutionRole, TaskRole],
        ));
        // Rules forward to whichever group is live, so both groups must outlive them.
        if self.load_balanced {
            out.push(child(
                ProductionListenerRule,
                &format!("{} (production listener{forwarding})", n.ecs_service),
                groups.clone(),
            ));
        }
        if pair && self.test_listener {
            out.push(child(
                TestListenerRule,
                &format!("{} (test listener{forwarding})", n.ecs_service),
                groups.clone(),
            ));
        }
        let mut alarms = Vec::new();
        for metric in self.alarm_metrics.iter().filter(|_| self.load_balanced) {
            for &target in self.strategy.alarm_targets() {
                let key = Alarm(*metric, target);
                out.push(child(
                    key,
                    n.alarm(*metric, target),
                    vec![target.target_group()],
                ));
                alarms.push(key);
            }
        }
        // Both target groups: the service is deleted before either (it routes to green after a
        // deployment).
        // The roles too: the service's tasks need their policies in place when they start.
        let mut service_deps = vec![TaskDefinition, ExecutionRole, TaskRole];
        service_deps.extend(groups.iter().copied());
        if self.load_balanced {
            service_deps.push(ProductionListenerRule);
        }
        if pair && self.test_listener {
            service_deps.push(TestListenerRule);
        }
        if self.discovery {
            service_deps.push(DiscoveryService);
        }
        if !self.strategy.has_child(DeploymentGroup) {
            // Without a deployment group to carry them, the ECS service watches the alarms
            // from its first deployment on.
            service_deps.extend(alarms.iter().copied());
        }
        if self.strategy.has_child(InfrastructureRole) {
            service_deps.push(InfrastructureRole);
        }
        out.push(child(EcsService, &n.ecs_service, service_deps));
        if self.strategy.has_child(DeploymentGroup) {
            out.push(child(CodeDeployRole, &n.codedeploy_role, vec![]));
            out.push(child(
                CodeDeployApplication,
                &n.codedeploy_application,
                vec![],
            ));
            out.push(child(
                DeploymentGroup,
                &n.deployment_group,
                [
                    vec![
                        CodeDeployApplication,
                        CodeDeployRole,
                        EcsService,
                        GreenTargetGroup,
                    ],
                    alarms,
                ]
                .concat(),
            ));
        }
        if self.autoscaling {
            out.push(child(
                ScalableTarget,
                &format!("service/{}", n.ecs_service),
                vec![EcsService],
            ));
            for metric in &self.scaling_metrics {
                let name = match metric {
                    ScalingMetric::Requests => &n.requests_policy,
                    ScalingMetric::Cpu => &n.cpu_policy,
                    ScalingMetric::Memory => &n.memory_policy,
                };
                out.push(child(ScalingPolicy(*metric), name, vec![ScalableTarget]));
            }
        }
        out
    }
}

impl Expansion {
    pub fn shape(&self) -> Shape {
        Shape {
            names: self.names.clone(),
            log_group: self.log_group.name.clone(),
            strategy: self.strategy,
            load_balanced: self.load_balancing.is_some(),
            test_listener: self
                .load_balancing
                .as_ref()
                .is_some_and(|lb| lb.test_rule.is_some()),
            listener_default_actions: self
                .load_balancing
                .as_ref()
                .is_some_and(|lb| lb.production_rule.whole_listener),
            discovery: self.discovery.is_some(),
            autoscaling: self.scalable_target.is_some(),
            scaling_metrics: self.scaling_policies.iter().map(|p| p.metric).collect(),
            alarm_metrics: AlarmMetric::ALL
                .into_iter()
                .filter(|m| self.alarms.iter().any(|a| a.metric == *m))
                .collect(),
        }
    }

    pub fn children(&self) -> Vec<Child> {
        self.shape().children()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Discovery, destroy (the delete graph of every shape), the modules and eject all work
    /// from `children()`: a key no shape has would be created by none and left behind by all.
    #[test]
    fn every_child_key_is_a_child_of_some_shape_after_its_dependencies() {
        let mut keys = BTreeSet::new();
        for strategy in DeploymentStrategy::ALL {
            let shape = Shape {
                names: ChildNames::for_service("checkout-api"),
                log_group: "/ecs/checkout-api".to_owned(),
                strategy,
                load_balanced: true,
                test_listener: true,
                listener_default_actions: false,
                discovery: true,
                autoscaling: true,
                scaling_metrics: ScalingMetric::ALL.to_vec(),
                alarm_metrics: AlarmMetric::ALL.to_vec(),
            };
            let children = shape.children();
            for (i, child) in children.iter().enumerate() {
                for needed in &child.depends_on {
                    assert!(
                        children[..i].iter().any(|c| c.key == *needed),
                        "{strategy:?}: {:?} is listed before {needed:?}",
                        child.key
                    );
                }
                assert!(
                    !children[..i].iter().any(|c| c.key == child.key),
                    "{strategy:?}: {:?} twice",
                    child.key
                );
                keys.insert(child.key);
            }
        }
        assert_eq!(keys, ChildKey::ALL.into_iter().collect());
    }
}
