//! What depends on which load balancer the service sits behind: the target group and health
//! check protocols each takes, and what a Network Load Balancer does not have (listener rules
//! and their conditions, HTTP metrics, request counts, CodeDeploy's gradual configurations).

use crate::service::arn::LoadBalancerKind;
use crate::service::expand::{AlarmMetric, DeploymentStrategy};
use crate::service::facts;
use crate::service::schema::one_of;
use crate::value::Value;

use super::shared::{Checker, num, path};

/// The load balancer kind a configuration's production listener names; `None` while it is
/// unknown, unset or not a listener (the `listener-arn` rule says so).
pub(super) fn kind_of(c: &Value) -> Option<LoadBalancerKind> {
    c.get("load_balancer")
        .get("production_listener_arn")
        .as_str()
        .and_then(LoadBalancerKind::of_listener)
}

impl Checker {
    pub(super) fn load_balancer_kind(&mut self, c: &Value) {
        let Some(kind) = kind_of(c) else {
            return;
        };
        let lb = c.get("load_balancer");
        let (targets, checks) = match kind {
            LoadBalancerKind::Application => {
                (facts::ALB_TARGET_PROTOCOLS, facts::ALB_TARGET_PROTOCOLS)
            }
            LoadBalancerKind::Network => (
                facts::NLB_TARGET_PROTOCOLS,
                facts::NLB_HEALTH_CHECK_PROTOCOLS,
            ),
        };
        if let Some(p) = lb.get("target_protocol").as_str()
            && !targets.values.contains(&p)
        {
            self.error(
                path(&["load_balancer", "target_protocol"]),
                "Target protocol not offered",
                format!(
                    "Behind an {} the target groups' protocol is {}; got {p:?} (check `load-balancer-kind`).",
                    kind.name(),
                    one_of(targets.values)
                ),
            );
        }
        let hc = lb.get("health_check");
        let protocol = hc.get("protocol");
        if let Some(p) = protocol.as_str()
            && !checks.values.contains(&p)
        {
            self.error(
                path(&["load_balancer", "health_check", "protocol"]),
                "Health check protocol not offered",
                format!(
                    "Behind an {} the health check's protocol is {}; got {p:?} (check `load-balancer-kind`).",
                    kind.name(),
                    one_of(checks.values)
                ),
            );
        }
        // A TCP check opens a connection: it has no path and no codes (AWS refuses both).
        let tcp_check = match protocol {
            Value::Null => crate::service::defaults::health_check_protocol(kind) == "TCP",
            v => v.as_str() == Some("TCP"),
        };
        for attr in ["path", "matcher"] {
            if tcp_check && !hc.get(attr).is_null() && !hc.get(attr).is_unknown() {
                self.error(
                    path(&["load_balancer", "health_check", attr]),
                    "Setting of an HTTP health check",
                    format!(
                        "The health check is TCP (a connection that opens is healthy), which takes no {attr}: \
                         remove it, or set health_check.protocol to \"HTTP\" or \"HTTPS\" (check \
                         `load-balancer-kind`)."
                    ),
                );
            }
        }
        if kind == LoadBalancerKind::Network {
            self.network_load_balancer(c);
        }
    }

    /// What an NLB does not have.
    fn network_load_balancer(&mut self, c: &Value) {
        let lb = c.get("load_balancer");
        for attr in ["listener_rule_priority", "path_patterns", "host_headers"] {
            if !lb.get(attr).is_null() && !lb.get(attr).is_unknown() {
                self.error(
                    path(&["load_balancer", attr]),
                    "Listener rule setting behind a Network Load Balancer",
                    format!(
                        "A Network Load Balancer's listener routes by port alone, so the service takes over the \
                         listener's default action and has no rule: remove {attr}. Services that share a Network \
                         Load Balancer each get a listener of their own (check `load-balancer-kind`)."
                    ),
                );
            }
        }
        let alarms = c.get("alarms");
        for metric in AlarmMetric::ALL {
            let attr = metric.attribute();
            if !metric.published_behind(LoadBalancerKind::Network)
                && num(alarms.get(attr)).is_some_and(|n| n > 0.0)
            {
                self.error(
                    path(&["alarms", attr]),
                    "Alarm on a metric a Network Load Balancer does not publish",
                    format!(
                        "A Network Load Balancer sees connections, not HTTP requests: it publishes no {} for {attr} \
                         to watch. Set it to 0 (a Network Load Balancer service's own alarm is unhealthy_hosts; \
                         alarms.names adds alarms of your own) (check `load-balancer-kind`).",
                        metric.metric_name()
                    ),
                );
            }
        }
        if !c.get("autoscaling").get("requests_per_target").is_null()
            && !c.get("autoscaling").get("requests_per_target").is_unknown()
        {
            self.error(
                path(&["autoscaling", "requests_per_target"]),
                "Request scaling behind a Network Load Balancer",
                "requests_per_target tracks ALBRequestCountPerTarget, an Application Load Balancer metric: scale \
                 on cpu_target or memory_target (check `load-balancer-kind`)."
                    .to_owned(),
            );
        }
        let config = c.get("blue_green").get("deployment_config");
        if DeploymentStrategy::of(c) == Some(DeploymentStrategy::CodeDeployBlueGreen)
            && let Some(config) = config.as_str()
            && config != facts::CODEDEPLOY_NLB_CONFIG
        {
            self.error(
                path(&["blue_green", "deployment_config"]),
                "CodeDeploy configuration a Network Load Balancer does not take",
                format!(
                    "Behind a Network Load Balancer CodeDeploy moves all traffic at once: only {} is supported \
                     ({}); got {config:?}. For canary or linear steps behind an NLB, use deployment_strategy \
                     \"canary\" or \"linear\" (check `load-balancer-kind`).",
                    facts::CODEDEPLOY_NLB_CONFIG,
                    facts::CODEDEPLOY_NLB_SOURCE
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{Seen, error, int, run, s, strings};

    const NLB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";
    const ALB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";

    fn check(listener: &str, fields: &[(&str, Value)]) -> Vec<Seen> {
        let mut all = vec![("load_balancer.production_listener_arn", s(listener))];
        all.extend(fields.iter().cloned());
        run(Checker::load_balancer_kind, &all)
    }

    #[test]
    fn each_kind_takes_its_own_protocols() {
        assert!(check(NLB, &[("load_balancer.target_protocol", s("TLS"))]).is_empty());
        assert!(check(ALB, &[("load_balancer.target_protocol", s("HTTP"))]).is_empty());
        assert_eq!(
            check(ALB, &[("load_balancer.target_protocol", s("TCP"))]),
            [error(
                "Target protocol not offered",
                "load_balancer.target_protocol"
            )]
        );
        assert_eq!(
            check(NLB, &[("load_balancer.health_check.protocol", s("TLS"))]),
            [error(
                "Health check protocol not offered",
                "load_balancer.health_check.protocol"
            )]
        );
        assert!(check(NLB, &[("load_balancer.health_check.protocol", s("HTTPS"))]).is_empty());
    }

    #[test]
    fn a_tcp_check_takes_no_path_or_matcher() {
        // Behind an NLB the check is TCP unless it says otherwise.
        assert_eq!(
            check(NLB, &[("load_balancer.health_check.path", s("/health"))]),
            [error(
                "Setting of an HTTP health check",
                "load_balancer.health_check.path"
            )]
        );
        assert!(
            check(
                NLB,
                &[
                    ("load_balancer.health_check.protocol", s("HTTP")),
                    ("load_balancer.health_check.path", s("/health")),
                    ("load_balancer.health_check.matcher", s("200-599")),
                ]
            )
            .is_empty()
        );
        assert!(check(ALB, &[("load_balancer.health_check.path", s("/health"))]).is_empty());
    }

    #[test]
    fn what_a_network_load_balancer_does_not_have() {
        let seen = check(
            NLB,
            &[
                ("load_balancer.listener_rule_priority", int(10)),
                ("load_balancer.path_patterns", strings(&["/api/*"])),
                ("alarms.target_5xx_count", int(5)),
                ("alarms.unhealthy_hosts", int(1)),
                ("autoscaling.requests_per_target", int(100)),
                ("deployment_strategy", s("codedeploy")),
                (
                    "blue_green.deployment_config",
                    s("CodeDeployDefault.ECSCanary10Percent5Minutes"),
                ),
            ],
        );
        let at: Vec<&str> = seen.iter().map(|(_, _, at)| at.as_str()).collect();
        assert_eq!(
            at,
            [
                "load_balancer.listener_rule_priority",
                "load_balancer.path_patterns",
                "alarms.target_5xx_count",
                "autoscaling.requests_per_target",
                "blue_green.deployment_config",
            ]
        );
        // All at once is CodeDeploy's one configuration on an NLB; an ALB takes them all.
        assert!(
            check(
                NLB,
                &[
                    ("deployment_strategy", s("codedeploy")),
                    (
                        "blue_green.deployment_config",
                        s(facts::CODEDEPLOY_NLB_CONFIG)
                    ),
                ]
            )
            .is_empty()
        );
        assert!(
            check(
                ALB,
                &[
                    ("load_balancer.listener_rule_priority", int(10)),
                    ("alarms.target_5xx_count", int(5)),
                ]
            )
            .is_empty()
        );
    }
}
