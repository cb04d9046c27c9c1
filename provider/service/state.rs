//! What the provider stores about a service besides its configuration: the identities of the
//! children that exist (in private state, so they survive provider restarts), and how they
//! show in the resource's computed attributes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::expand::{ChildKey, ScalingMetric, Shape, alarm_key};

/// The identity of every child that exists: for each child, what its AWS API addresses it by
/// (a name, an ARN, an ID), keyed by the child. A kind reads and records its own entry by its
/// key, so a new kind of child needs nothing here but its entry in [`stored_at`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildIds {
    ids: BTreeMap<ChildKey, String>,
    /// The Cloud Map service's ARN, which the ECS service's registry names (the child's
    /// identity is its ID).
    pub discovery_service_arn: Option<String>,
    /// The namespace's DNS name, for `dns_name`.
    pub namespace_name: Option<String>,
    pub last_deployment_id: Option<String>,
    /// Children that exist but are not known to match their definition: created but their
    /// follow-up calls (attributes, policies, retention) did not all succeed, adopted from an
    /// interrupted apply, or found drifted in a way only the provider sees. The next apply
    /// brings each up to date; until then the plan shows a change.
    pub pending: BTreeSet<ChildKey>,
    /// What the last read found changed outside Terraform that only the provider can see
    /// (a listener rule forwarding to the idle group): the plan shows each as a warning.
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
    children: serde_json::Map<String, serde_json::Value>,
}

/// Where the private state keeps a child's identity: a field of its own, or an entry (the
/// second name) of a map field. These are the names 0.1.0 wrote
/// (tests/fixtures/private-state-0.1.0/), so every state users hold reads back, and a state
/// written now reads back under 0.1.0 too.
fn stored_at(key: ChildKey) -> (&'static str, Option<&'static str>) {
    match key {
        ChildKey::LogGroup => ("log_group", None),
        ChildKey::ExecutionRole => ("execution_role_arn", None),
        ChildKey::TaskRole => ("task_role_arn", None),
        ChildKey::CodeDeployRole => ("codedeploy_role_arn", None),
        ChildKey::InfrastructureRole => ("infrastructure_role_arn", None),
        ChildKey::TaskDefinition => ("task_definition_arn", None),
        ChildKey::BlueTargetGroup => ("blue_target_group_arn", None),
        ChildKey::GreenTargetGroup => ("green_target_group_arn", None),
        ChildKey::ProductionListenerRule => ("production_rule_arn", None),
        ChildKey::TestListenerRule => ("test_rule_arn", None),
        ChildKey::DiscoveryService => ("discovery_service_id", None),
        ChildKey::EcsService => ("service_arn", None),
        ChildKey::CodeDeployApplication => ("codedeploy_application", None),
        ChildKey::DeploymentGroup => ("deployment_group", None),
        ChildKey::ScalableTarget => ("scalable_target", None),
        ChildKey::ScalingPolicy(m) => ("scaling_policies", Some(metric_key(m))),
        ChildKey::Alarm(m, t) => ("alarms", Some(alarm_key(m, t))),
    }
}

/// The fields of the private state that are not a child's identity.
const DISCOVERY_SERVICE_ARN: &str = "discovery_service_arn";
const NAMESPACE_NAME: &str = "namespace_name";
const LAST_DEPLOYMENT_ID: &str = "last_deployment_id";
const PENDING: &str = "pending";
const DRIFT: &str = "drift";

impl ChildIds {
    /// Reads the private state; anything unreadable reads as nothing recorded, and a field of
    /// the wrong type is skipped alone, so one bad entry does not hide the other children.
    pub fn from_private(bytes: &[u8]) -> ChildIds {
        serde_json::from_slice::<Private>(bytes)
            .map(|p| ChildIds::from_fields(&p.children))
            .unwrap_or_default()
    }

    pub fn to_private(&self) -> Vec<u8> {
        serde_json::to_vec(&Private {
            version: PRIVATE_VERSION,
            children: self.to_fields(),
        })
        .unwrap_or_default()
    }

    fn from_fields(fields: &serde_json::Map<String, serde_json::Value>) -> ChildIds {
        let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        let mut ids = ChildIds {
            discovery_service_arn: text(DISCOVERY_SERVICE_ARN),
            namespace_name: text(NAMESPACE_NAME),
            last_deployment_id: text(LAST_DEPLOYMENT_ID),
            ..ChildIds::default()
        };
        for key in ChildKey::ALL {
            let id = match stored_at(key) {
                (field, None) => text(field),
                (field, Some(entry)) => fields
                    .get(field)
                    .and_then(|m| m.get(entry))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
            };
            if let Some(id) = id {
                ids.ids.insert(key, id);
            }
        }
        let list = |name: &str| {
            fields
                .get(name)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default()
        };
        ids.pending = list(PENDING)
            .into_iter()
            .filter_map(|k| serde_json::from_value(k).ok())
            .collect();
        ids.drift = list(DRIFT)
            .into_iter()
            .filter_map(|d| d.as_str().map(str::to_owned))
            .collect();
        ids
    }

    fn to_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::Value as Json;
        let mut fields = serde_json::Map::new();
        for (key, id) in &self.ids {
            match stored_at(*key) {
                (field, None) => {
                    fields.insert(field.to_owned(), Json::from(id.as_str()));
                }
                (field, Some(entry)) => {
                    let map = fields
                        .entry(field)
                        .or_insert_with(|| Json::Object(serde_json::Map::new()));
                    if let Json::Object(map) = map {
                        map.insert(entry.to_owned(), Json::from(id.as_str()));
                    }
                }
            }
        }
        for (name, value) in [
            (DISCOVERY_SERVICE_ARN, &self.discovery_service_arn),
            (NAMESPACE_NAME, &self.namespace_name),
            (LAST_DEPLOYMENT_ID, &self.last_deployment_id),
        ] {
            if let Some(v) = value {
                fields.insert(name.to_owned(), Json::from(v.as_str()));
            }
        }
        fields.insert(
            PENDING.to_owned(),
            Json::Array(
                self.pending
                    .iter()
                    .filter_map(|k| serde_json::to_value(k).ok())
                    .collect(),
            ),
        );
        if !self.drift.is_empty() {
            fields.insert(
                DRIFT.to_owned(),
                Json::Array(self.drift.iter().map(|d| Json::from(d.as_str())).collect()),
            );
        }
        fields
    }

    /// A child's identity, if it exists.
    pub fn get(&self, key: ChildKey) -> Option<&str> {
        self.ids.get(&key).map(String::as_str)
    }

    /// A copy of a child's identity, if it exists.
    pub fn id(&self, key: ChildKey) -> Option<String> {
        self.ids.get(&key).cloned()
    }

    /// Records a child's identity.
    pub fn set(&mut self, key: ChildKey, id: impl Into<String>) {
        self.ids.insert(key, id.into());
    }

    /// Records a child's identity, or forgets it when `id` is `None` (found gone).
    pub fn put(&mut self, key: ChildKey, id: Option<String>) {
        match id {
            Some(id) => self.set(key, id),
            None => self.clear(key),
        }
    }

    /// Whether a child of the expansion exists.
    pub fn has(&self, key: ChildKey) -> bool {
        self.ids.contains_key(&key)
    }

    /// Forgets a child (it was deleted, or found gone).
    pub fn clear(&mut self, key: ChildKey) {
        self.ids.remove(&key);
        if key == ChildKey::DiscoveryService {
            self.discovery_service_arn = None;
        }
        self.pending.remove(&key);
    }

    /// The keys of every child this value holds, dependencies before dependents (the order
    /// of [`ChildKey::ALL`]).
    pub fn keys(&self) -> Vec<ChildKey> {
        ChildKey::ALL.into_iter().filter(|k| self.has(*k)).collect()
    }

    /// Takes every identity `other` has that this value lacks (and its pending mark).
    pub fn merge_missing(&mut self, other: &ChildIds) {
        for (key, id) in &other.ids {
            if self.has(*key) {
                continue;
            }
            self.ids.insert(*key, id.clone());
            if *key == ChildKey::DiscoveryService {
                if self.discovery_service_arn.is_none() {
                    self.discovery_service_arn
                        .clone_from(&other.discovery_service_arn);
                }
                if self.namespace_name.is_none() {
                    self.namespace_name.clone_from(&other.namespace_name);
                }
            }
            if other.pending.contains(key) {
                self.pending.insert(*key);
            }
        }
    }

    /// Whether this value holds no child's identity at all (what it knows of the namespace and
    /// the last deployment is not a child).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl<S: Into<String>> FromIterator<(ChildKey, S)> for ChildIds {
    /// Identities of children alone (nothing pending, no drift).
    fn from_iter<I: IntoIterator<Item = (ChildKey, S)>>(children: I) -> Self {
        let mut ids = ChildIds::default();
        for (key, id) in children {
            ids.set(key, id);
        }
        ids
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
                // Behind an NLB the "rules" are the listeners' default actions.
                let kind = match c.key {
                    ChildKey::ProductionListenerRule | ChildKey::TestListenerRule
                        if shape.listener_default_actions =>
                    {
                        "aws_lb_listener"
                    }
                    key => key.kind(),
                };
                Value::object([
                    ("kind", Value::string(kind)),
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

fn opt(s: Option<&str>) -> Value {
    s.map(Value::string).unwrap_or(Value::Null)
}

/// The computed attributes that show a child's identity as AWS names it.
const IDENTITY_ATTRIBUTES: [(&str, ChildKey); 12] = [
    ("service_arn", ChildKey::EcsService),
    ("task_definition_arn", ChildKey::TaskDefinition),
    ("execution_role_arn", ChildKey::ExecutionRole),
    ("task_role_arn", ChildKey::TaskRole),
    ("infrastructure_role_arn", ChildKey::InfrastructureRole),
    ("log_group_name", ChildKey::LogGroup),
    ("blue_target_group_arn", ChildKey::BlueTargetGroup),
    ("green_target_group_arn", ChildKey::GreenTargetGroup),
    (
        "production_listener_rule_arn",
        ChildKey::ProductionListenerRule,
    ),
    ("test_listener_rule_arn", ChildKey::TestListenerRule),
    (
        "codedeploy_application_name",
        ChildKey::CodeDeployApplication,
    ),
    (
        "codedeploy_deployment_group_name",
        ChildKey::DeploymentGroup,
    ),
];

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
    for (attribute, key) in IDENTITY_ATTRIBUTES {
        set(attribute, opt(ids.get(key)));
    }
    set(
        "task_definition_revision",
        ids.get(ChildKey::TaskDefinition)
            .and_then(task_definition_revision)
            .map(Value::int)
            .unwrap_or(Value::Null),
    );
    set(
        "service_discovery_arn",
        opt(ids.discovery_service_arn.as_deref()),
    );
    set(
        "dns_name",
        match (ids.get(ChildKey::DiscoveryService), &ids.namespace_name) {
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
    set("last_deployment_id", opt(ids.last_deployment_id.as_deref()));
    set("children", children_value(shape, |k| ids.has(k)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_state_round_trips_and_tolerates_garbage() {
        let mut ids = ChildIds::from_iter([
            (ChildKey::EcsService, "arn:aws:ecs:us-east-1:1:service/c/s"),
            (ChildKey::ScalingPolicy(ScalingMetric::Cpu), "arn:p"),
        ]);
        ids.pending
            .insert(ChildKey::ScalingPolicy(ScalingMetric::Cpu));
        ids.drift.push("a rule forwards elsewhere".into());
        assert_eq!(ChildIds::from_private(&ids.to_private()), ids);
        assert_eq!(ChildIds::from_private(b"not json"), ChildIds::default());
        assert_eq!(ChildIds::from_private(b""), ChildIds::default());
        // One entry of the wrong type is skipped alone.
        let odd = br#"{"version":1,"children":{"log_group":7,"service_arn":"arn:s","pending":[{"Nope":1},"EcsService"]}}"#;
        let read = ChildIds::from_private(odd);
        assert_eq!(read.keys(), [ChildKey::EcsService]);
        assert_eq!(
            read.pending.iter().copied().collect::<Vec<_>>(),
            [ChildKey::EcsService]
        );
    }

    #[test]
    fn merging_fills_only_missing_children_and_keeps_their_pending_mark() {
        let mut mine = ChildIds::from_iter([(ChildKey::BlueTargetGroup, "mine")]);
        let mut theirs = ChildIds::from_iter([
            (ChildKey::BlueTargetGroup, "theirs"),
            (ChildKey::LogGroup, "/ecs/x"),
            (ChildKey::DiscoveryService, "srv-1"),
        ]);
        theirs.discovery_service_arn = Some("arn:srv-1".into());
        theirs.pending.insert(ChildKey::LogGroup);
        theirs.pending.insert(ChildKey::BlueTargetGroup);
        mine.merge_missing(&theirs);
        assert_eq!(mine.get(ChildKey::BlueTargetGroup), Some("mine"));
        assert_eq!(mine.get(ChildKey::LogGroup), Some("/ecs/x"));
        assert_eq!(mine.discovery_service_arn.as_deref(), Some("arn:srv-1"));
        assert_eq!(
            mine.pending.iter().copied().collect::<Vec<_>>(),
            [ChildKey::LogGroup]
        );
        assert_eq!(
            mine.keys(),
            [
                ChildKey::LogGroup,
                ChildKey::BlueTargetGroup,
                ChildKey::DiscoveryService
            ]
        );
        mine.clear(ChildKey::LogGroup);
        assert!(mine.pending.is_empty());
        mine.clear(ChildKey::DiscoveryService);
        assert_eq!(mine.discovery_service_arn, None);
    }

    /// The private state 0.1.0 wrote, one file per strategy plus one with pending children and
    /// drift (tests/fixtures/private-state-0.1.0/README.md).
    const RELEASED: [(&str, &str); 7] = [
        (
            "basic",
            include_str!("../../tests/fixtures/private-state-0.1.0/basic.json"),
        ),
        (
            "ecs-blue-green",
            include_str!("../../tests/fixtures/private-state-0.1.0/ecs-blue-green.json"),
        ),
        (
            "ecs-canary",
            include_str!("../../tests/fixtures/private-state-0.1.0/ecs-canary.json"),
        ),
        (
            "ecs-linear",
            include_str!("../../tests/fixtures/private-state-0.1.0/ecs-linear.json"),
        ),
        (
            "rolling",
            include_str!("../../tests/fixtures/private-state-0.1.0/rolling.json"),
        ),
        (
            "worker",
            include_str!("../../tests/fixtures/private-state-0.1.0/worker.json"),
        ),
        (
            "pending-and-drift",
            include_str!("../../tests/fixtures/private-state-0.1.0/pending-and-drift.json"),
        ),
    ];

    fn children_of(text: &str) -> serde_json::Map<String, serde_json::Value> {
        let mut doc: serde_json::Value = serde_json::from_str(text).expect("fixture JSON");
        match doc["children"].take() {
            serde_json::Value::Object(m) => m,
            other => panic!("no children object: {other}"),
        }
    }

    /// Every identity a released state holds, as (field, entry, id), nulls left out.
    fn identities(
        children: &serde_json::Map<String, serde_json::Value>,
    ) -> Vec<(String, Option<String>, String)> {
        let mut out = Vec::new();
        for (field, value) in children {
            if [
                DISCOVERY_SERVICE_ARN,
                NAMESPACE_NAME,
                LAST_DEPLOYMENT_ID,
                PENDING,
                DRIFT,
            ]
            .contains(&field.as_str())
            {
                continue;
            }
            match value {
                serde_json::Value::String(id) => out.push((field.clone(), None, id.clone())),
                serde_json::Value::Object(map) => out.extend(map.iter().map(|(entry, id)| {
                    (
                        field.clone(),
                        Some(entry.clone()),
                        id.as_str().expect("an ID").to_owned(),
                    )
                })),
                serde_json::Value::Null => {}
                other => panic!("{field}: {other}"),
            }
        }
        out
    }

    #[test]
    fn every_released_state_reads_back_with_every_child() {
        for (name, text) in RELEASED {
            let children = children_of(text);
            let ids = ChildIds::from_private(text.as_bytes());
            let held = identities(&children);
            assert!(!held.is_empty(), "{name}");
            assert_eq!(ids.keys().len(), held.len(), "{name}: {:?}", ids.keys());
            for (field, entry, id) in held {
                let key = ChildKey::ALL
                    .into_iter()
                    .find(|k| stored_at(*k) == (field.as_str(), entry.as_deref()))
                    .unwrap_or_else(|| panic!("{name}: no child is stored at {field} {entry:?}"));
                assert_eq!(ids.get(key), Some(id.as_str()), "{name}: {key:?}");
            }
            for (field, value) in [
                (DISCOVERY_SERVICE_ARN, &ids.discovery_service_arn),
                (NAMESPACE_NAME, &ids.namespace_name),
                (LAST_DEPLOYMENT_ID, &ids.last_deployment_id),
            ] {
                assert_eq!(
                    children[field].as_str(),
                    value.as_deref(),
                    "{name}: {field}"
                );
            }
            let pending: BTreeSet<ChildKey> =
                serde_json::from_value(children[PENDING].clone()).expect("pending");
            assert_eq!(ids.pending, pending, "{name}");
            let drift: Vec<String> = children
                .get(DRIFT)
                .map(|d| serde_json::from_value(d.clone()).expect("drift"))
                .unwrap_or_default();
            assert_eq!(ids.drift, drift, "{name}");
        }
    }

    /// What is written now holds every value of the released state under the same names and no
    /// name 0.1.0 did not know, so 0.1.0 (whose fields default when absent) reads it the same.
    #[test]
    fn what_is_written_now_reads_back_under_the_released_layout() {
        let known = children_of(RELEASED[0].1);
        for (name, text) in RELEASED {
            let released = children_of(text);
            let written = children_of(
                std::str::from_utf8(&ChildIds::from_private(text.as_bytes()).to_private())
                    .expect("UTF-8"),
            );
            for (field, value) in &written {
                assert!(
                    known.contains_key(field) || field == DRIFT,
                    "{name}: {field} is new"
                );
                assert_eq!(released.get(field), Some(value), "{name}: {field}");
            }
            for (field, value) in &released {
                let absent_is_same =
                    value.is_null() || value.as_object().is_some_and(|m| m.is_empty());
                assert!(
                    written.contains_key(field) || absent_is_same,
                    "{name}: {field} lost"
                );
            }
        }
    }

    /// Two children stored under one name would overwrite each other in users' states.
    #[test]
    fn every_child_is_stored_under_a_name_of_its_own_that_0_1_0_knew() {
        let known = children_of(RELEASED[0].1);
        let places: BTreeSet<_> = ChildKey::ALL.into_iter().map(stored_at).collect();
        assert_eq!(places.len(), ChildKey::ALL.len());
        for (field, _) in places {
            assert!(known.contains_key(field), "{field}");
        }
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
