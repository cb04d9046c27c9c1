//! Delete: the whole service (every recorded child and every one discovery finds by name,
//! dependents first, then a look that nothing is left), and the recorded children a new
//! expansion no longer has, both through the delete graph of every child any expansion of the
//! service can have.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::aws::clients::{AwsResult, Clients};
use crate::aws::executor::{Stop, reversed, walk};
use crate::aws::kind::{self, Cx, Listed, SharedIds, lock};
use crate::aws::task_definition;
use crate::service::expand::{AlarmMetric, ChildKey, Expansion, ScalingMetric};
use crate::service::state::{ChildIds, Colour};

use super::{ChildError, ChildProblem, child_error, graph, problems, service_error};

/// The graph of every child any expansion of this service can have, for deletes: children
/// the current expansion no longer has (autoscaling removed, …) are still deleted in order.
fn full_graph(exp: &Expansion) -> Vec<(ChildKey, Vec<ChildKey>)> {
    let mut full = graph(exp);
    let mut every = exp.shape();
    every.discovery = true;
    every.autoscaling = true;
    every.scaling_metrics = ScalingMetric::ALL.to_vec();
    every.alarm_metrics = AlarmMetric::ALL.to_vec();
    for strategy in crate::service::expand::DeploymentStrategy::ALL {
        every.strategy = strategy;
        for child in every.children() {
            match full.iter_mut().find(|(k, _)| *k == child.key) {
                Some((_, deps)) => {
                    for d in child.depends_on {
                        if !deps.contains(&d) {
                            deps.push(d);
                        }
                    }
                }
                None => full.push((child.key, child.depends_on)),
            }
        }
    }
    full
}

/// Deletes the service: every child recorded in `ids` and every child of this service that
/// discovery finds by name (a replacement's delete half and an interrupted apply have no
/// private state), dependents first; then looks again, and reports anything of the service
/// still there. `ids` holds what is left either way.
///
/// Discovery looks only for what `ids` does not record, alongside the deletes: a recorded
/// child is deleted as soon as its dependents are gone, one not recorded waits for discovery
/// first, so the order holds without a round of lookups before the first delete.
pub async fn delete_all(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    stop: &Stop,
) -> Vec<ChildError> {
    let known = ids.clone();
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    let discovery = tokio::sync::OnceCell::new();
    let listed = tokio::sync::OnceCell::new();
    let graph = reversed(&full_graph(exp));
    let walk = walk(&graph, stop, |key| {
        let shared = shared.clone();
        let (discovery, known, listed) = (&discovery, &known, &listed);
        async move {
            if !known.has(key)
                && discovery
                    .get_or_init(|| discover_missing_into(c, exp, known, &shared))
                    .await
                    .is_err()
            {
                return Err(ChildProblem::NotAttempted(
                    "not deleted: finding it by name failed".to_owned(),
                ));
            }
            if !lock(&shared).has(key) {
                return Ok(());
            }
            let listed = if Listed::needed_by(key) {
                listed.get_or_init(|| Listed::read(c, exp, known)).await
            } else {
                &Listed::NONE
            };
            delete_child(c, exp, key, &shared, listed).await?;
            lock(&shared).clear(key);
            Ok(())
        }
    });
    // The lists start with the first deletes (the walk reaches their children rounds later).
    let (_, report) = tokio::join!(listed.get_or_init(|| Listed::read(c, exp, &known)), walk);
    *ids = lock(&shared).clone();
    let mut out = problems(exp, "deleting", report);
    if let Some(Err(e)) = discovery.get() {
        out.insert(
            0,
            service_error("finding the service's children", e.clone()),
        );
    }
    if !out.is_empty() {
        return out;
    }
    // Destroy proves itself: nothing of the service may be left, and every revision of the
    // family is gone, not only the one discovery reports (both looked up in one round).
    let (found, revisions) = tokio::join!(
        crate::aws::discover::discover(c, exp),
        task_definition::revisions(c, &exp.task_definition.family),
    );
    match found {
        Ok(found) => {
            for key in found.ours.keys() {
                out.push(child_error(
                    exp,
                    "checking",
                    key,
                    ChildProblem::StillThere(
                        "it still exists after being deleted; the state keeps it, so the next \
                         destroy tries again"
                            .to_owned(),
                    ),
                ));
            }
            ids.merge_missing(&found.ours);
        }
        Err(e) => out.push(service_error("checking that nothing is left", e)),
    }
    if out.is_empty() {
        match revisions {
            Ok(left) if !left.is_empty() => out.push(child_error(
                exp,
                "checking",
                ChildKey::TaskDefinition,
                ChildProblem::StillThere(format!(
                    "{} revision(s) are still listed after the family was deleted: {}",
                    left.len(),
                    left.join(", ")
                )),
            )),
            Ok(_) => {}
            Err(e) => out.push(service_error("checking that nothing is left", e)),
        }
    }
    out
}

/// Finds what `known` does not record and adds what is this service's to `ids`.
async fn discover_missing_into(
    c: &Clients,
    exp: &Expansion,
    known: &ChildIds,
    ids: &SharedIds,
) -> AwsResult<()> {
    let found = crate::aws::discover::discover_missing(c, exp, known).await?;
    lock(ids).merge_missing(&found.ours);
    Ok(())
}

async fn delete_child(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    ids: &SharedIds,
    listed: &Listed,
) -> AwsResult<()> {
    // The live colour plays no part in a delete.
    let cx = Cx {
        c,
        exp,
        ids,
        live: Colour::Blue,
        listed,
    };
    kind::of(key).delete(&cx, key).await
}

/// Deletes the recorded children `new` no longer has (a strategy change: CodeDeploy's
/// application, group and role, the infrastructure role; a test listener, an alarm, a scaling
/// policy or autoscaling removed), dependents first, through each kind's delete. A change that
/// drops a child no update can do without (the load balancer, service discovery) is planned as
/// a replacement, so it never reaches this.
pub async fn delete_dropped(
    c: &Clients,
    old: &Expansion,
    new: &Expansion,
    ids: &mut ChildIds,
    stop: &Stop,
) -> Vec<ChildError> {
    let kept: HashSet<ChildKey> = new.children().into_iter().map(|c| c.key).collect();
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    let graph = reversed(&full_graph(old));
    let report = walk(&graph, stop, |key| {
        let shared = shared.clone();
        let kept = &kept;
        async move {
            if kept.contains(&key) || !lock(&shared).has(key) {
                return Ok(());
            }
            delete_child(c, old, key, &shared, &Listed::NONE).await?;
            lock(&shared).clear(key);
            Ok(())
        }
    })
    .await;
    *ids = lock(&shared).clone();
    problems(old, "deleting", report)
}
