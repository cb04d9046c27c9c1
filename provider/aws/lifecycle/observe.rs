//! Observe: every recorded child read by its kind, all kinds side by side in one concurrent
//! round; what AWS reports gone cleared from the identities; then each child's drift that only
//! shows against the others (the live colour, rules not forwarding to it, a changed deployment
//! configuration, alarms or a request-count policy off their definition) marked pending, so the
//! plan shows it and the apply repairs it. What each kind reads and judges is in its own file.

use crate::aws::clients::{AwsResult, Clients};
use crate::aws::kind::{self, ChildKind, Lookup};
use crate::aws::observed::Seen;
use crate::service::expand::{ChildKey, Expansion};
use crate::service::state::ChildIds;

pub use crate::aws::observed::Observed;

/// Reads every child in `ids`. A child AWS reports as gone is cleared from the returned ids;
/// any other error fails the read.
pub async fn observe(c: &Clients, exp: &Expansion, ids: &ChildIds) -> AwsResult<Observed> {
    let at = Lookup { c, exp, known: ids };
    let seen = Seen::new(ids);
    let groups = by_kind(ids.keys());
    futures::future::try_join_all(
        groups
            .iter()
            .map(|(kind, keys)| kind.read(&at, keys, &seen)),
    )
    .await?;
    let mut o = seen.into_inner();
    o.ids.drift.clear();
    o.live = o.live_colour(exp);
    // In the keys' order (dependencies first), which is also the order the plan lists the
    // drift explained in words.
    for key in o.ids.keys() {
        kind::of(key).relate(&at, key, &mut o).await?;
    }
    Ok(o)
}

/// The keys grouped by their kind, in the order first met, so a kind reads all of its
/// children at once.
fn by_kind(keys: Vec<ChildKey>) -> Vec<(&'static dyn ChildKind, Vec<ChildKey>)> {
    let mut groups: Vec<(&'static dyn ChildKind, Vec<ChildKey>)> = Vec::new();
    for key in keys {
        let kind = kind::of(key);
        match groups.iter_mut().find(|(k, _)| same_kind(*k, kind)) {
            Some((_, keys)) => keys.push(key),
            None => groups.push((kind, vec![key])),
        }
    }
    groups
}

/// Whether two registry entries are one kind: by type, since kinds hold no data and the
/// addresses of zero-sized values prove nothing.
fn same_kind(a: &dyn ChildKind, b: &dyn ChildKind) -> bool {
    let (a, b): (&dyn std::any::Any, &dyn std::any::Any) = (a, b);
    a.type_id() == b.type_id()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::expand::{AlarmMetric, AlarmTarget, ScalingMetric};

    #[test]
    fn each_kind_reads_all_of_its_recorded_children_at_once() {
        let groups = by_kind(ChildKey::ALL.to_vec());
        let group_of = |key: ChildKey| {
            groups
                .iter()
                .find(|(_, keys)| keys.contains(&key))
                .map(|(_, keys)| keys.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            group_of(ChildKey::TaskRole),
            [
                ChildKey::ExecutionRole,
                ChildKey::TaskRole,
                ChildKey::CodeDeployRole,
                ChildKey::InfrastructureRole
            ]
        );
        assert_eq!(
            group_of(ChildKey::GreenTargetGroup),
            [ChildKey::BlueTargetGroup, ChildKey::GreenTargetGroup]
        );
        assert_eq!(
            group_of(ChildKey::Alarm(
                AlarmMetric::ResponseTime,
                AlarmTarget::Green
            ))
            .len(),
            AlarmMetric::ALL.len() * AlarmTarget::ALL.len()
        );
        assert_eq!(
            group_of(ChildKey::ScalingPolicy(ScalingMetric::Cpu)).len(),
            ScalingMetric::ALL.len()
        );
        assert_eq!(group_of(ChildKey::EcsService), [ChildKey::EcsService]);
        // Twelve kinds, every key in exactly one group.
        assert_eq!(groups.len(), 12);
        let count: usize = groups.iter().map(|(_, keys)| keys.len()).sum();
        assert_eq!(count, ChildKey::ALL.len());
    }
}
