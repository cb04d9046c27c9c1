//! Child keys: the name of each child a service can have, the metrics that multiply the
//! scaling policies and alarms, the complete list of keys, and each key's hashicorp/aws type.

use crate::service::names::ChildNames;

/// Declares [`ChildKey`] and, from the same list, the children that are one of a kind
/// ([`ChildKey::FIXED`], which [`ChildKey::ALL`] starts with) and each variant's name, so no
/// list of keys is a copy that can fall behind the enum: a new one-of-a-kind child is listed by
/// being declared, and a test fails when a new per-metric variant is missing from `ALL`.
macro_rules! child_keys {
    (
        one_of_a_kind { $( $(#[$fixed_doc:meta])* $fixed:ident, )* }
        per_metric { $( $(#[$many_doc:meta])* $many:ident($($field:ty),+), )* }
    ) => {
        /// Identifies one child of a service.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            serde::Deserialize,
        )]
        pub enum ChildKey {
            $( $(#[$fixed_doc])* $fixed, )*
            $( $(#[$many_doc])* $many($($field),+), )*
        }

        impl ChildKey {
            /// The children that are one of a kind, dependencies before dependents, in the
            /// order they are declared.
            const FIXED: [ChildKey; [$(stringify!($fixed)),*].len()] = [$(ChildKey::$fixed),*];

            /// The name of every variant, as declared.
            #[cfg(test)]
            const VARIANTS: &[&str] = &[$(stringify!($fixed),)* $(stringify!($many),)*];

            /// The name of this key's variant.
            #[cfg(test)]
            fn variant(self) -> &'static str {
                match self {
                    $( ChildKey::$fixed => stringify!($fixed), )*
                    $( ChildKey::$many(..) => stringify!($many), )*
                }
            }
        }
    };
}

child_keys! {
    one_of_a_kind {
        LogGroup,
        ExecutionRole,
        TaskRole,
        CodeDeployRole,
        /// The role ECS assumes to rewrite the listener rules (ECS-native blue/green strategies).
        InfrastructureRole,
        TaskDefinition,
        BlueTargetGroup,
        GreenTargetGroup,
        ProductionListenerRule,
        TestListenerRule,
        DiscoveryService,
        EcsService,
        CodeDeployApplication,
        DeploymentGroup,
        ScalableTarget,
    }
    per_metric {
        ScalingPolicy(ScalingMetric),
        /// A CloudWatch alarm on one target group, wired into the deployment.
        Alarm(AlarmMetric, AlarmTarget),
    }
}

/// What an alarm of the service watches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AlarmMetric {
    /// HTTPCode_Target_5XX_Count, Sum.
    Target5xx,
    /// HTTPCode_Target_5XX_Count as a percentage of RequestCount (metric math), so the
    /// threshold means the same at any traffic.
    Target5xxRate,
    /// TargetResponseTime, p99.
    ResponseTime,
    /// UnHealthyHostCount, Maximum.
    UnhealthyHosts,
}

/// Which target group of the pair an alarm watches: a roll-out moves traffic to the idle one,
/// so both are watched, whichever is live.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AlarmTarget {
    Blue,
    Green,
}

impl AlarmMetric {
    pub const ALL: [AlarmMetric; 4] = [
        AlarmMetric::Target5xx,
        AlarmMetric::Target5xxRate,
        AlarmMetric::ResponseTime,
        AlarmMetric::UnhealthyHosts,
    ];

    /// The `alarms` attribute holding this alarm's threshold (0 leaves the alarm out), also the
    /// alarms submodule's variable.
    pub fn attribute(self) -> &'static str {
        match self {
            AlarmMetric::Target5xx => "target_5xx_count",
            AlarmMetric::Target5xxRate => "target_5xx_rate_percent",
            AlarmMetric::ResponseTime => "response_time_p99_ms",
            AlarmMetric::UnhealthyHosts => "unhealthy_hosts",
        }
    }

    pub fn default_threshold(self) -> i64 {
        match self {
            AlarmMetric::Target5xx => crate::service::defaults::ALARM_TARGET_5XX_COUNT,
            AlarmMetric::Target5xxRate => crate::service::defaults::ALARM_TARGET_5XX_RATE_PERCENT,
            AlarmMetric::ResponseTime => crate::service::defaults::ALARM_RESPONSE_TIME_P99_MS,
            AlarmMetric::UnhealthyHosts => crate::service::defaults::ALARM_UNHEALTHY_HOSTS,
        }
    }

    /// Whether a load balancer of `kind` publishes the metric: an ALB all four; an NLB, which
    /// sees connections rather than requests, only UnHealthyHostCount (AWS's "CloudWatch
    /// metrics for your Network Load Balancer" lists no HTTP codes or response times).
    pub fn published_behind(self, kind: crate::service::arn::LoadBalancerKind) -> bool {
        kind == crate::service::arn::LoadBalancerKind::Application
            || self == AlarmMetric::UnhealthyHosts
    }

    /// The ALB metric (namespace AWS/ApplicationELB); for the rate, its numerator.
    pub fn metric_name(self) -> &'static str {
        match self {
            AlarmMetric::Target5xx | AlarmMetric::Target5xxRate => "HTTPCode_Target_5XX_Count",
            AlarmMetric::ResponseTime => "TargetResponseTime",
            AlarmMetric::UnhealthyHosts => "UnHealthyHostCount",
        }
    }

    /// The statistic, or a percentile (CloudWatch's ExtendedStatistic).
    pub fn statistic(self) -> &'static str {
        match self {
            AlarmMetric::Target5xx | AlarmMetric::Target5xxRate => "Sum",
            AlarmMetric::ResponseTime => "p99",
            AlarmMetric::UnhealthyHosts => "Maximum",
        }
    }

    /// The metric math expression the alarm watches, over `errors` (the 5xx count) and
    /// `requests` (RequestCount), both sums over the period; `None` for a plain metric. A period
    /// without requests is no evidence of a bad release: the rate is 0 then.
    pub fn expression(self) -> Option<&'static str> {
        match self {
            AlarmMetric::Target5xxRate => Some("IF(requests > 0, 100 * errors / requests, 0)"),
            _ => None,
        }
    }

    pub fn comparison(self) -> &'static str {
        match self {
            AlarmMetric::UnhealthyHosts => "GreaterThanOrEqualToThreshold",
            _ => "GreaterThanThreshold",
        }
    }
}

impl AlarmTarget {
    pub const ALL: [AlarmTarget; 2] = [AlarmTarget::Blue, AlarmTarget::Green];

    pub fn target_group(self) -> ChildKey {
        match self {
            AlarmTarget::Blue => ChildKey::BlueTargetGroup,
            AlarmTarget::Green => ChildKey::GreenTargetGroup,
        }
    }
}

/// The key an alarm's ARN is kept under in the private state, e.g. `5xx-blue`.
pub fn alarm_key(metric: AlarmMetric, target: AlarmTarget) -> &'static str {
    match (metric, target) {
        (AlarmMetric::Target5xx, AlarmTarget::Blue) => "5xx-blue",
        (AlarmMetric::Target5xx, AlarmTarget::Green) => "5xx-green",
        (AlarmMetric::Target5xxRate, AlarmTarget::Blue) => "5xx-rate-blue",
        (AlarmMetric::Target5xxRate, AlarmTarget::Green) => "5xx-rate-green",
        (AlarmMetric::ResponseTime, AlarmTarget::Blue) => "p99-blue",
        (AlarmMetric::ResponseTime, AlarmTarget::Green) => "p99-green",
        (AlarmMetric::UnhealthyHosts, AlarmTarget::Blue) => "unhealthy-blue",
        (AlarmMetric::UnhealthyHosts, AlarmTarget::Green) => "unhealthy-green",
    }
}

impl ChildNames {
    /// The derived name of one alarm.
    pub fn alarm(&self, metric: AlarmMetric, target: AlarmTarget) -> &str {
        match (metric, target) {
            (AlarmMetric::Target5xx, AlarmTarget::Blue) => &self.alarm_5xx_blue,
            (AlarmMetric::Target5xx, AlarmTarget::Green) => &self.alarm_5xx_green,
            (AlarmMetric::Target5xxRate, AlarmTarget::Blue) => &self.alarm_5xx_rate_blue,
            (AlarmMetric::Target5xxRate, AlarmTarget::Green) => &self.alarm_5xx_rate_green,
            (AlarmMetric::ResponseTime, AlarmTarget::Blue) => &self.alarm_latency_blue,
            (AlarmMetric::ResponseTime, AlarmTarget::Green) => &self.alarm_latency_green,
            (AlarmMetric::UnhealthyHosts, AlarmTarget::Blue) => &self.alarm_unhealthy_blue,
            (AlarmMetric::UnhealthyHosts, AlarmTarget::Green) => &self.alarm_unhealthy_green,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ScalingMetric {
    Requests,
    Cpu,
    Memory,
}

impl ScalingMetric {
    /// Every metric a policy can track.
    pub const ALL: [ScalingMetric; 3] = [
        ScalingMetric::Requests,
        ScalingMetric::Cpu,
        ScalingMetric::Memory,
    ];

    /// The predefined metric type of Application Auto Scaling.
    pub fn predefined_metric(self) -> &'static str {
        match self {
            ScalingMetric::Requests => "ALBRequestCountPerTarget",
            ScalingMetric::Cpu => "ECSServiceAverageCPUUtilization",
            ScalingMetric::Memory => "ECSServiceAverageMemoryUtilization",
        }
    }

    /// The predefined metric on ECS's 20-second data points; `None` for the load balancer's
    /// request count, which has no such form ([`facts::SCALING_METRIC_TYPES`]).
    ///
    /// [`facts::SCALING_METRIC_TYPES`]: crate::service::facts::SCALING_METRIC_TYPES
    pub fn high_resolution_metric(self) -> Option<&'static str> {
        match self {
            ScalingMetric::Requests => None,
            ScalingMetric::Cpu => Some("ECSServiceAverageCPUUtilizationHighResolution"),
            ScalingMetric::Memory => Some("ECSServiceAverageMemoryUtilizationHighResolution"),
        }
    }

    /// Whether `published` (the metrics a service publishes every 20 seconds) holds this one's
    /// ECS metric; never for the load balancer's.
    pub fn published_in(self, published: &[String]) -> bool {
        self.ecs_metric_name()
            .is_some_and(|n| published.iter().any(|p| p == n))
    }

    /// The service-level CloudWatch metric ECS publishes for it (whose resolution the service's
    /// monitoring configuration sets); `None` for the load balancer's.
    pub fn ecs_metric_name(self) -> Option<&'static str> {
        match self {
            ScalingMetric::Requests => None,
            ScalingMetric::Cpu => Some("CPUUtilization"),
            ScalingMetric::Memory => Some("MemoryUtilization"),
        }
    }
}

impl ChildKey {
    /// Every child a service can have, dependencies before dependents: the fixed ones, then
    /// one policy per scaling metric and one alarm per alarm metric and target group, so a new
    /// metric is listed by being added to its `ALL`.
    pub const ALL: [ChildKey;
        Self::FIXED.len()
            + ScalingMetric::ALL.len()
            + AlarmMetric::ALL.len() * AlarmTarget::ALL.len()] = {
        let mut out = [ChildKey::LogGroup;
            Self::FIXED.len()
                + ScalingMetric::ALL.len()
                + AlarmMetric::ALL.len() * AlarmTarget::ALL.len()];
        let mut i = 0;
        while i < Self::FIXED.len() {
            out[i] = Self::FIXED[i];
            i += 1;
        }
        let mut m = 0;
        while m < ScalingMetric::ALL.len() {
            out[i] = ChildKey::ScalingPolicy(ScalingMetric::ALL[m]);
            i += 1;
            m += 1;
        }
        let mut a = 0;
        while a < AlarmMetric::ALL.len() {
            let mut t = 0;
            while t < AlarmTarget::ALL.len() {
                out[i] = ChildKey::Alarm(AlarmMetric::ALL[a], AlarmTarget::ALL[t]);
                i += 1;
                t += 1;
            }
            a += 1;
        }
        out
    };

    /// The hashicorp/aws resource type of this child: what `children` shows, what the module
    /// generator writes, and what eject imports into.
    pub fn kind(self) -> &'static str {
        match self {
            ChildKey::LogGroup => "aws_cloudwatch_log_group",
            ChildKey::ExecutionRole
            | ChildKey::TaskRole
            | ChildKey::CodeDeployRole
            | ChildKey::InfrastructureRole => "aws_iam_role",
            ChildKey::TaskDefinition => "aws_ecs_task_definition",
            ChildKey::BlueTargetGroup | ChildKey::GreenTargetGroup => "aws_lb_target_group",
            ChildKey::ProductionListenerRule | ChildKey::TestListenerRule => "aws_lb_listener_rule",
            ChildKey::DiscoveryService => "aws_service_discovery_service",
            ChildKey::EcsService => "aws_ecs_service",
            ChildKey::CodeDeployApplication => "aws_codedeploy_app",
            ChildKey::DeploymentGroup => "aws_codedeploy_deployment_group",
            ChildKey::ScalableTarget => "aws_appautoscaling_target",
            ChildKey::ScalingPolicy(_) => "aws_appautoscaling_policy",
            ChildKey::Alarm(..) => "aws_cloudwatch_metric_alarm",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_child_key_is_listed_once() {
        let all: std::collections::BTreeSet<ChildKey> = ChildKey::ALL.into_iter().collect();
        assert_eq!(all.len(), ChildKey::ALL.len(), "no key twice");
        for metric in AlarmMetric::ALL {
            for target in AlarmTarget::ALL {
                assert!(all.contains(&ChildKey::Alarm(metric, target)));
            }
        }
        for metric in ScalingMetric::ALL {
            assert!(all.contains(&ChildKey::ScalingPolicy(metric)));
        }
    }

    /// `ALL` is built by hand for the per-metric variants: a variant declared but never
    /// multiplied into it would be skipped by discovery, destroy, rendering and eject.
    #[test]
    fn every_declared_variant_is_in_all() {
        let listed: std::collections::BTreeSet<&str> =
            ChildKey::ALL.into_iter().map(ChildKey::variant).collect();
        let declared: std::collections::BTreeSet<&str> =
            ChildKey::VARIANTS.iter().copied().collect();
        assert_eq!(listed, declared);
    }
}
