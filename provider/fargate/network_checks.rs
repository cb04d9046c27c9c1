//! The plan-time checks that need AWS: the subnets (VPC, zones, free addresses) and the
//! security groups between the load balancer and the tasks. Each runs once its inputs are
//! known; a lookup that fails gives one warning that its check was skipped, and the plan goes
//! on.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::aws::clients::AwsResult;
use crate::aws::network;
use crate::service::arn::ListenerArn;
use crate::service::checks::{self, PeakTasks, SecurityGroupInfo, SubnetInfo};
use crate::service::expand::DeploymentStrategy;
use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

use super::Configured;

/// Answers of one kind of lookup by what was asked, each asked of AWS once per provider
/// process (a failure is asked again).
#[derive(Debug)]
struct Memo<K, V> {
    answers: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Self {
            answers: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> Memo<K, V> {
    async fn get<F, Fut>(&self, key: K, lookup: F) -> AwsResult<V>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AwsResult<V>>,
    {
        let cell = {
            let mut answers = match self.answers.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            answers.entry(key).or_default().clone()
        };
        cell.get_or_try_init(lookup).await.cloned()
    }

    /// The answer already given for `key`, without asking.
    fn peek(&self, key: &K) -> Option<V> {
        let answers = match self.answers.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        answers.get(key)?.get().cloned()
    }
}

/// The network lookups of one provider process. The refresh starts them alongside its reads
/// (`prefetch`), so the plan that follows finds the answers instead of waiting a round for
/// them; services that share subnets and security groups share one lookup.
#[derive(Debug, Default)]
pub struct NetworkLookups {
    subnets: Memo<Vec<String>, Vec<SubnetInfo>>,
    security_groups: Memo<Vec<String>, Vec<SecurityGroupInfo>>,
    load_balancer_groups: Memo<String, Vec<String>>,
    clusters: Memo<String, Option<checks::ClusterInfo>>,
}

/// Looks up what the checks of `state` need (the refresh calls it alongside its reads); the
/// diagnostics are the plan's to give.
pub async fn prefetch(configured: &Configured, state: &Value) {
    check(configured, state).await;
}

/// Runs the lookups concurrently and the rules over their answers.
pub async fn check(configured: &Configured, planned: &Value) -> Diagnostics {
    let (mut out, groups, cluster) = futures::join!(
        subnets(configured, planned),
        security_groups(configured, planned),
        cluster(configured, planned)
    );
    out.extend(groups);
    out.extend(cluster);
    out
}

/// The strings of a list when all are known and none is empty: an empty ID is the
/// `empty-identifier` rule's to report, never a lookup's to send.
fn known_strings(v: &Value) -> Option<Vec<String>> {
    v.elements()?
        .iter()
        .map(|s| s.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
        .collect()
}

fn skipped(check: &str, at: AttributePath, why: String) -> Diagnostics {
    Diagnostic::warning(
        format!("{check} check skipped"),
        format!("{why} The plan goes on without that check."),
    )
    .at(at)
    .into()
}

/// What a deployment multiplies: `autoscaling.max` when autoscaling is set, else `desired_count`;
/// `None` while the one that counts is unknown.
fn peak_tasks(planned: &Value) -> Option<PeakTasks> {
    match planned.get("autoscaling") {
        Value::Null => planned
            .get("desired_count")
            .as_i64()
            .map(PeakTasks::Desired),
        a => a.get("max").as_i64().map(PeakTasks::AutoscalingMax),
    }
}

/// The most tasks a deployment of the planned strategy runs, as a percentage of the count;
/// `None` while the strategy or its maximum percent is unknown.
fn peak_percent(planned: &Value) -> Option<i64> {
    let strategy = DeploymentStrategy::of(planned)?;
    let maximum = match planned.get("ecs_deployment").get("maximum_percent") {
        Value::Null => crate::service::defaults::MAXIMUM_PERCENT,
        v => v.as_i64()?,
    };
    Some(strategy.peak_percent(maximum))
}

/// The addresses free in the planned subnets together, from the answer the subnet check's
/// lookup got (no call of its own); `None` while the subnets are unknown or the lookup failed.
pub fn free_addresses(configured: &Configured, planned: &Value) -> Option<i64> {
    let ids = known_strings(planned.get("network").get("subnets"))?;
    let found = configured.network.subnets.peek(&ids)?;
    (found.len() == ids.len()).then(|| found.iter().map(|s| s.free_ips).sum())
}

async fn subnets(configured: &Configured, planned: &Value) -> Diagnostics {
    let at = AttributePath::attr("network").join_attr("subnets");
    let Some(ids) = known_strings(planned.get("network").get("subnets")) else {
        return Diagnostics::new();
    };
    if ids.is_empty() {
        return Diagnostics::new();
    }
    let lookup = configured
        .network
        .subnets
        .get(ids.clone(), || {
            network::subnets(&configured.sdk, &configured.settings, &ids)
        })
        .await;
    match lookup {
        Ok(found) if found.len() == ids.len() => {
            let mut out =
                checks::subnet_vpcs(&found, planned.get("load_balancer").get("vpc_id").as_str());
            if let (Some(peak), Some(percent)) = (peak_tasks(planned), peak_percent(planned)) {
                out.extend(checks::subnet_capacity(&found, peak, percent));
            }
            out
        }
        Ok(found) => skipped(
            "Subnet capacity",
            at,
            format!(
                "DescribeSubnets returned {} of the {} subnets.",
                found.len(),
                ids.len()
            ),
        ),
        Err(e) => skipped(
            "Subnet capacity",
            at,
            format!(
                "Could not look up the subnets to check their VPC, Availability Zones and free IP addresses ({e})."
            ),
        ),
    }
}

/// The cluster: its capacity providers against the strategy, and Container Insights.
async fn cluster(configured: &Configured, planned: &Value) -> Diagnostics {
    let Some(name) = planned
        .get("cluster")
        .as_str()
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
    else {
        return Diagnostics::new();
    };
    if !planned.get("capacity_provider_strategy").is_wholly_known() {
        return Diagnostics::new();
    }
    let found = configured
        .network
        .clusters
        .get(name.clone(), || {
            network::cluster(&configured.sdk, &configured.settings, &name)
        })
        .await;
    match found {
        Ok(found) => checks::cluster_checks(found.as_ref(), planned),
        Err(e) => skipped(
            "Cluster",
            AttributePath::attr("cluster"),
            format!(
                "Could not look up the cluster to check its capacity providers and Container Insights ({e})."
            ),
        ),
    }
}

async fn security_groups(configured: &Configured, planned: &Value) -> Diagnostics {
    let at = AttributePath::attr("network").join_attr("security_groups");
    let Some(ids) = known_strings(planned.get("network").get("security_groups")) else {
        return Diagnostics::new();
    };
    let Some(port) = planned.get("container").get("port").as_i64() else {
        return Diagnostics::new();
    };
    if ids.is_empty() {
        return Diagnostics::new();
    }
    let load_balancer = planned
        .get("load_balancer")
        .get("production_listener_arn")
        .as_str()
        .and_then(|arn| ListenerArn::parse(arn).ok())
        .map(|l| l.load_balancer_arn());
    let (sdk, settings, memo) = (&configured.sdk, &configured.settings, &configured.network);
    let lb_groups = async {
        match &load_balancer {
            Some(arn) => Some(
                memo.load_balancer_groups
                    .get(arn.clone(), || {
                        network::load_balancer_security_groups(sdk, settings, arn)
                    })
                    .await,
            ),
            None => None,
        }
    };
    let groups = memo.security_groups.get(ids.clone(), || {
        network::security_groups(sdk, settings, &ids)
    });
    let (groups, lb_groups) = futures::join!(groups, lb_groups);
    let groups = match groups {
        Ok(groups) => groups,
        Err(e) => {
            return skipped(
                "Security group",
                at,
                format!(
                    "Could not look up the task security groups to check what they admit ({e})."
                ),
            );
        }
    };
    let mut out = Diagnostics::new();
    let lb_groups = match lb_groups {
        Some(Ok(g)) => Some(g),
        Some(Err(e)) => {
            out.extend(skipped(
                "Load balancer security group",
                at.clone(),
                format!(
                    "Could not look up the load balancer's security groups to check that the tasks admit it ({e})."
                ),
            ));
            None
        }
        None => None,
    };
    out.extend(checks::security_group_reachability(
        &groups,
        &ids,
        lb_groups.as_deref(),
        port,
    ));
    out
}
