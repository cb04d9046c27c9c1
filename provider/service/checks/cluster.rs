//! The cluster the service runs in, looked up at plan (ECS DescribeClusters): the capacity
//! providers its strategy names are associated with it, and Container Insights is on.

use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

/// What the plan needs of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterInfo {
    pub name: String,
    /// The capacity providers associated with the cluster.
    pub capacity_providers: Vec<String>,
    /// The `containerInsights` setting (`enabled`, `enhanced` or `disabled`), if reported.
    pub container_insights: Option<String>,
}

/// The cluster rules (check `cluster`) over what DescribeClusters found: `None` when it found
/// no active cluster of that name.
pub fn cluster_checks(found: Option<&ClusterInfo>, planned: &Value) -> Diagnostics {
    let mut out = Diagnostics::new();
    let cluster = planned.get("cluster").as_str().unwrap_or_default();
    let Some(info) = found else {
        out.push(
            Diagnostic::warning(
                "Cluster not found",
                format!(
                    "ECS DescribeClusters finds no active cluster {cluster:?}: the apply fails creating the \
                     service (ClusterNotFoundException) unless the cluster exists by then (check `cluster`)."
                ),
            )
            .at(AttributePath::attr("cluster")),
        );
        return out;
    };
    for (i, item) in planned
        .get("capacity_provider_strategy")
        .elements()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(provider) = item.get("capacity_provider").as_str()
            && !info.capacity_providers.iter().any(|p| p == provider)
        {
            // A warning, not an error: the association may be made in the same apply
            // (aws_ecs_cluster_capacity_providers), which the plan cannot see.
            out.push(
                Diagnostic::warning(
                    "Capacity provider not associated with the cluster",
                    format!(
                        "Cluster {} has {} associated; ECS refuses a service whose capacity provider strategy names \
                         {provider} (\"A capacity provider must be associated with the cluster to be used in a \
                         capacity provider strategy\", the ECS API). Associate it (PutClusterCapacityProviders, \
                         or aws_ecs_cluster_capacity_providers) before the apply (check `cluster`).",
                        info.name,
                        if info.capacity_providers.is_empty() {
                            "no capacity provider".to_owned()
                        } else {
                            info.capacity_providers.join(", ")
                        }
                    ),
                )
                .at(AttributePath::attr("capacity_provider_strategy")
                    .join_index(i)
                    .join_attr("capacity_provider")),
            );
        }
    }
    let insights = info.container_insights.as_deref();
    if !matches!(insights, Some("enabled" | "enhanced")) {
        out.push(
            Diagnostic::warning(
                "Container Insights is off",
                format!(
                    "Cluster {} has Container Insights {}: the service's CPU, memory and network per task are not \
                     collected, and right-sizing has nothing to go on (seeds 000 and 002). Turn it on with the \
                     cluster's containerInsights setting (check `cluster`).",
                    info.name,
                    insights.unwrap_or("unset")
                ),
            )
            .at(AttributePath::attr("cluster")),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(providers: &[&str]) -> Value {
        Value::object([
            ("cluster", Value::string("prod")),
            (
                "capacity_provider_strategy",
                Value::List(
                    providers
                        .iter()
                        .map(|p| Value::object([("capacity_provider", Value::string(*p))]))
                        .collect(),
                ),
            ),
        ])
    }

    fn summaries(d: &Diagnostics) -> Vec<String> {
        d.0.iter().map(|d| d.summary.clone()).collect()
    }

    #[test]
    fn the_strategy_needs_the_clusters_providers_and_insights_should_be_on() {
        let info = ClusterInfo {
            name: "prod".into(),
            capacity_providers: vec!["FARGATE".into()],
            container_insights: Some("enhanced".into()),
        };
        assert!(
            cluster_checks(Some(&info), &planned(&["FARGATE"]))
                .0
                .is_empty()
        );
        let d = cluster_checks(Some(&info), &planned(&["FARGATE", "FARGATE_SPOT"]));
        assert_eq!(
            summaries(&d),
            ["Capacity provider not associated with the cluster"]
        );
        assert_eq!(
            d.0[0].attribute.as_ref().map(ToString::to_string),
            Some("capacity_provider_strategy[1].capacity_provider".to_owned())
        );
        let off = ClusterInfo {
            container_insights: Some("disabled".into()),
            ..info
        };
        assert_eq!(
            summaries(&cluster_checks(Some(&off), &planned(&[]))),
            ["Container Insights is off"]
        );
        assert_eq!(
            summaries(&cluster_checks(None, &planned(&[]))),
            ["Cluster not found"]
        );
    }
}
