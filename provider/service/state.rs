//! What the provider stores about a service besides its configuration: the identities of the
//! children that exist (in private state, so they survive provider restarts), and how they
//! show in the resource's computed attributes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::expand::{ChildKey, ScalingMetric, Shape, alarm_key};

/// The identity of every child that exists, keyed by what each AWS API addresses it by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChildIds {
    pub log_group: Option<String>,
    pub execution_role_arn: Option<String>,
    pub task_role_arn: Option<String>,
    pub codedeploy_role_arn: Option<String>,
    pub infrastructure_role_arn: Option<String>,
    pub task_definition_arn: Option<String>,
    pub blue_target_group_arn: Option<String>,
    pub green_target_group_arn: Option<String>,
    pub production_rule_arn: Option<String>,
    pub test_rule_arn: Option<String>,
    pub discovery_service_id: Option<String>,
    pub discovery_service_arn: Option<String>,
    /// The namespace's DNS name, for `dns_name`.
    pub namespace_name: Option<String>,
    pub service_arn: Option<String>,
    pub codedeploy_application: Option<String>,
    pub deployment_group: Option<String>,
    pub scalable_target: Option<String>,
    pub scaling_policies: BTreeMap<String, String>,
    /// Alarm ARNs by `expand::alarm_key`.
    pub alarms: BTreeMap<String, String>,
    pub last_deployment_id: Option<String>,
    /// Children that exist but are not known to match their definition: created but their
    /// follow-up calls (attributes, policies, retention) did not all succeed, adopted from an
    /// interrupted apply, or found drifted in a way only the provider sees. The next apply
    /// brings each up to date; until then the plan shows a change.
    pub pending: BTreeSet<ChildKey>,
    /// What the last read found changed outside Terraform that only the provider can see
    /// (a listener rule forwarding to the idle group): the plan shows each as a warning.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<String>,
}

/// Which target group the production listener routes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Blue,
    Green,
}

impl Colour {
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Green => "green",
        }
    }

    pub fn other(self) -> Colour {
        match self {
            Colour::Blue => Colour::Green,
            Colour::Green => Colour::Blue,
        }
    }
}

pub fn metric_key(metric: ScalingMetric) -> &'static str {
    match metric {
        ScalingMetric::Requests => "requests",
        ScalingMetric::Cpu => "cpu",
        ScalingMetric::Memory => "memory",
    }
}

/// Private state layout version, so later releases can migrate it.
const PRIVATE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Private {
    version: u32,
    children: ChildIds,
}

impl ChildIds {
    pub fn from_private(bytes: &[u8]) -> ChildIds {
        serde_json::from_slice::<Private>(bytes)
            .map(|p| p.children)
            .unwrap_or_default()
    }

    pub fn to_private(&self) -> Vec<u8> {
        serde_json::to_vec(&Private {
            version: PRIVATE_VERSION,
            children: self.clone(),
        })
        .unwrap_or_default()
    }

    /// Whether a child of the expansion exists.
    pub fn has(&self, key: ChildKey) -> bool {
        match key {
            ChildKey::LogGroup => self.log_group.is_some(),
            ChildKey::ExecutionRole => self.execution_role_arn.is_some(),
            ChildKey::TaskRole => self.task_role_arn.is_some(),
            ChildKey::CodeDeployRole => self.codedeploy_role_arn.is_some(),
            ChildKey::InfrastructureRole => self.infrastructure_role_arn.is_some(),
            ChildKey::TaskDefinition => self.task_definition_arn.is_some(),
            ChildKey::BlueTargetGroup => self.blue_target_group_arn.is_some(),
            ChildKey::GreenTargetGroup => self.green_target_group_arn.is_some(),
            ChildKey::ProductionListenerRule => self.production_rule_arn.is_some(),
            ChildKey::TestListenerRule => self.test_rule_arn.is_some(),
            ChildKey::DiscoveryService => self.discovery_service_id.is_some(),
            ChildKey::EcsService => self.service_arn.is_some(),
            ChildKey::CodeDeployApplication => self.codedeploy_application.is_some(),
            ChildKey::DeploymentGroup => self.deployment_group.is_some(),
            ChildKey::ScalableTarget => self.scalable_target.is_some(),
            ChildKey::ScalingPolicy(m) => self.scaling_policies.contains_key(metric_key(m)),
            ChildKey::Alarm(m, t) => self.alarms.contains_key(alarm_key(m, t)),
        }
    }

    /// Forgets a child (it was deleted, or found gone).
    pub fn clear(&mut self, key: ChildKey) {
        match key {
            ChildKey::LogGroup => self.log_group = None,
            ChildKey::ExecutionRole => self.execution_role_arn = None,
            ChildKey::TaskRole => self.task_role_arn = None,
            ChildKey::CodeDeployRole => self.codedeploy_role_arn = None,
            ChildKey::InfrastructureRole => self.infrastructure_role_arn = None,
            ChildKey::TaskDefinition => self.task_definition_arn = None,
            ChildKey::BlueTargetGroup => self.blue_target_group_arn = None,
            ChildKey::GreenTargetGroup => self.green_target_group_arn = None,
            ChildKey::ProductionListenerRule => self.production_rule_arn = None,
            ChildKey::TestListenerRule => self.test_rule_arn = None,
            ChildKey::DiscoveryService => {
                self.discovery_service_id = None;
                self.discovery_service_arn = None;
            }
            ChildKey::EcsService => self.service_arn = None,
            ChildKey::CodeDeployApplication => self.codedeploy_application = None,
            ChildKey::DeploymentGroup => self.deployment_group = None,
            ChildKey::ScalableTarget => self.scalable_target = None,
            ChildKey::ScalingPolicy(m) => {
                self.scaling_policies.remove(metric_key(m));
            }
            ChildKey::Alarm(m, t) => {
                self.alarms.remove(alarm_key(m, t));
            }
        }
        self.pending.remove(&key);
    }

    /// The keys of every child this value holds.
    pub fn keys(&self) -> Vec<ChildKey> {
        ChildKey::ALL.into_iter().filter(|k| self.has(*k)).collect()
    }

    /// Takes every identity `other` has that this value lacks (and its pending mark).
    pub fn merge_missing(&mut self, other: &ChildIds) {
        let fill = |mine: &mut Option<String>, theirs: &Option<String>| {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        };
        for key in other.keys() {
            if self.has(key) {
                continue;
            }
            match key {
                ChildKey::LogGroup => fill(&mut self.log_group, &other.log_group),
                ChildKey::ExecutionRole => {
                    fill(&mut self.execution_role_arn, &other.execution_role_arn)
                }
                ChildKey::TaskRole => fill(&mut self.task_role_arn, &other.task_role_arn),
                ChildKey::CodeDeployRole => {
                    fill(&mut self.codedeploy_role_arn, &other.codedeploy_role_arn)
                }
                ChildKey::InfrastructureRole => fill(
                    &mut self.infrastructure_role_arn,
                    &other.infrastructure_role_arn,
                ),
                ChildKey::TaskDefinition => {
                    fill(&mut self.task_definition_arn, &other.task_definition_arn)
                }
                ChildKey::BlueTargetGroup => fill(
                    &mut self.blue_target_group_arn,
                    &other.blue_target_group_arn,
                ),
                ChildKey::GreenTargetGroup => fill(
                    &mut self.green_target_group_arn,
                    &other.green_target_group_arn,
                ),
                ChildKey::ProductionListenerRule => {
                    fill(&mut self.production_rule_arn, &other.production_rule_arn)
                }
                ChildKey::TestListenerRule => fill(&mut self.test_rule_arn, &other.test_rule_arn),
                ChildKey::DiscoveryService => {
                    fill(&mut self.discovery_service_id, &other.discovery_service_id);
                    fill(
                        &mut self.discovery_service_arn,
                        &other.discovery_service_arn,
                    );
                    fill(&mut self.namespace_name, &other.namespace_name);
                }
                ChildKey::EcsService => fill(&mut self.service_arn, &other.service_arn),
                ChildKey::CodeDeployApplication => fill(
                    &mut self.codedeploy_application,
                    &other.codedeploy_application,
                ),
                ChildKey::DeploymentGroup => {
                    fill(&mut self.deployment_group, &other.deployment_group)
                }
                ChildKey::ScalableTarget => fill(&mut self.scalable_target, &other.scalable_target),
                ChildKey::ScalingPolicy(m) => {
                    if let Some(arn) = other.scaling_policies.get(metric_key(m)) {
                        self.scaling_policies
                            .insert(metric_key(m).to_owned(), arn.clone());
                    }
                }
                ChildKey::Alarm(m, t) => {
                    if let Some(arn) = other.alarms.get(alarm_key(m, t)) {
                        self.alarms.insert(alarm_key(m, t).to_owned(), arn.clone());
                    }
                }
            }
            if other.pending.contains(&key) {
                self.pending.insert(key);
            }
        }
    }

    /// Whether this value holds no child's identity at all (what it knows of the namespace and
    /// the last deployment is not a child).
    pub fn is_empty(&self) -> bool {
        self.keys().is_empty()
    }
}

/// The `children` attribute: kind and name of each child of `shape` that `exists`.
pub fn children_value(shape: &Shape, exists: impl Fn(ChildKey) -> bool) -> Value {
    Value::List(
        shape
            .children()
            .into_iter()
            .filter(|c| exists(c.key))
            .map(|c| {
                Value::object([
                    ("kind", Value::string(c.key.kind())),
                    ("name", Value::string(c.name)),
                ])
            })
            .collect(),
    )
}

/// The revision number at the end of a task definition ARN (`…:task-definition/family:7`).
pub fn task_definition_revision(arn: &str) -> Option<i64> {
    arn.rsplit(':').next()?.parse().ok()
}

fn opt(s: &Option<String>) -> Value {
    s.as_ref()
        .map(|s| Value::string(s.clone()))
        .unwrap_or(Value::Null)
}

/// Writes the computed attributes from what exists. Attributes of children that do not exist
/// are null, so a state never claims a child that is not there.
pub fn set_computed(
    state: &mut Value,
    shape: &Shape,
    ids: &ChildIds,
    live: Option<Colour>,
    cluster: &str,
) {
    let Value::Object(fields) = state else { return };
    let mut set = |k: &str, v: Value| {
        fields.insert(k.to_owned(), v);
    };
    set(
        "id",
        Value::string(format!("{cluster}/{}", shape.names.ecs_service)),
    );
    set("service_arn", opt(&ids.service_arn));
    set("task_definition_arn", opt(&ids.task_definition_arn));
    set(
        "task_definition_revision",
        ids.task_definition_arn
            .as_deref()
            .and_then(task_definition_revision)
            .map(Value::int)
            .unwrap_or(Value::Null),
    );
    set("execution_role_arn", opt(&ids.execution_role_arn));
    set("task_role_arn", opt(&ids.task_role_arn));
    set("infrastructure_role_arn", opt(&ids.infrastructure_role_arn));
    set("log_group_name", opt(&ids.log_group));
    set("blue_target_group_arn", opt(&ids.blue_target_group_arn));
    set("green_target_group_arn", opt(&ids.green_target_group_arn));
    set(
        "production_listener_rule_arn",
        opt(&ids.production_rule_arn),
    );
    set("test_listener_rule_arn", opt(&ids.test_rule_arn));
    set(
        "codedeploy_application_name",
        opt(&ids.codedeploy_application),
    );
    set(
        "codedeploy_deployment_group_name",
        opt(&ids.deployment_group),
    );
    set("service_discovery_arn", opt(&ids.discovery_service_arn));
    set(
        "dns_name",
        match (&ids.discovery_service_id, &ids.namespace_name) {
            (Some(_), Some(ns)) => Value::string(format!("{}.{ns}", shape.names.discovery_service)),
            _ => Value::Null,
        },
    );
    set(
        "live_target_group",
        // A service without a load balancer has no colour.
        live.filter(|_| shape.load_balanced)
            .map(|c| Value::string(c.as_str()))
            .unwrap_or(Value::Null),
    );
    set("last_deployment_id", opt(&ids.last_deployment_id));
    set("children", children_value(shape, |k| ids.has(k)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_state_round_trips_and_tolerates_garbage() {
        let mut ids = ChildIds {
            service_arn: Some("arn:aws:ecs:us-east-1:1:service/c/s".into()),
            ..ChildIds::default()
        };
        ids.scaling_policies.insert("cpu".into(), "arn:p".into());
        assert_eq!(ChildIds::from_private(&ids.to_private()), ids);
        assert_eq!(ChildIds::from_private(b"not json"), ChildIds::default());
        assert_eq!(ChildIds::from_private(b""), ChildIds::default());
    }

    #[test]
    fn merging_fills_only_missing_children_and_keeps_their_pending_mark() {
        let mut mine = ChildIds {
            blue_target_group_arn: Some("mine".into()),
            ..ChildIds::default()
        };
        let mut theirs = ChildIds {
            blue_target_group_arn: Some("theirs".into()),
            log_group: Some("/ecs/x".into()),
            ..ChildIds::default()
        };
        theirs.pending.insert(ChildKey::LogGroup);
        theirs.pending.insert(ChildKey::BlueTargetGroup);
        mine.merge_missing(&theirs);
        assert_eq!(mine.blue_target_group_arn.as_deref(), Some("mine"));
        assert_eq!(mine.log_group.as_deref(), Some("/ecs/x"));
        assert_eq!(
            mine.pending.iter().copied().collect::<Vec<_>>(),
            [ChildKey::LogGroup]
        );
        assert_eq!(mine.keys(), [ChildKey::LogGroup, ChildKey::BlueTargetGroup]);
        mine.clear(ChildKey::LogGroup);
        assert!(mine.pending.is_empty());
    }

    #[test]
    fn revision_is_read_from_the_arn() {
        assert_eq!(
            task_definition_revision("arn:aws:ecs:us-east-1:1:task-definition/checkout-api:7"),
            Some(7)
        );
        assert_eq!(task_definition_revision("nonsense"), None);
    }
}
