//! How traffic reaches the tasks: the load balancer (required but for rolling services, and
//! then nothing may measure one), its listeners and target group health check, the container
//! port it sends to, and service discovery.

use crate::service::arn::{LISTENER_ARN_FORM, ListenerArn};
use crate::service::expand::{AlarmMetric, DeploymentStrategy};
use crate::service::facts;
use crate::service::schema::{DNS_RECORD_TYPES, one_of};
use crate::value::Value;

use super::shared::{Checker, num, path};

impl Checker {
    /// Only a rolling service may go without a load balancer, and then nothing may measure one.
    pub(super) fn load_balancer(&mut self, c: &Value) {
        if !c.get("load_balancer").is_null() {
            return;
        }
        if let Some(strategy) = DeploymentStrategy::of(c)
            && strategy != DeploymentStrategy::Rolling
        {
            self.error(
                path(&["load_balancer"]),
                "Missing load balancer",
                format!(
                    "The {:?} strategy moves traffic between two target groups behind a load balancer: add a \
                     load_balancer block. Only a \"rolling\" service (a worker or queue consumer) may go \
                     without one (check `load-balancer`).",
                    strategy.name()
                ),
            );
            return;
        }
        if !c.get("autoscaling").get("requests_per_target").is_null() {
            self.error(
                path(&["autoscaling", "requests_per_target"]),
                "Request scaling without a load balancer",
                "requests_per_target tracks the load balancer's requests per target, and this service has no \
                 load balancer: scale on cpu_target or memory_target (check `load-balancer`)."
                    .to_owned(),
            );
        }
        let alarms = c.get("alarms");
        for metric in AlarmMetric::ALL {
            let attr = metric.attribute();
            if num(alarms.get(attr)).is_some_and(|n| n > 0.0) {
                self.error(
                    path(&["alarms", attr]),
                    "Target group alarm without a load balancer",
                    format!(
                        "{attr} alarms on the service's target group, and a service without a load balancer \
                         has none: remove it (alarms.names still stop and roll back a deployment) (check \
                         `load-balancer`)."
                    ),
                );
            }
        }
    }

    /// A port for whatever sends traffic to the application's container or names its port.
    pub(super) fn container_port(&mut self, c: &Value) {
        // Only a port known to be unset, needed by a block known to be there.
        let container = c.get("container");
        if !matches!(container, Value::Object(_)) || !container.get("port").is_null() {
            return;
        }
        let needs = if matches!(c.get("load_balancer"), Value::Object(_)) {
            Some("The load balancer sends traffic to the application container's port")
        } else if c.get("service_discovery").get("record_type").as_str() == Some("SRV") {
            Some("SRV service discovery records carry the application container's port")
        } else {
            None
        };
        if let Some(why) = needs {
            self.error(
                path(&["container", "port"]),
                "Missing container port",
                format!(
                    "{why}: set container.port. Only a service without a load balancer and without SRV \
                     records may leave it unset (check `container-port`)."
                ),
            );
        }
    }

    pub(super) fn listeners(&mut self, c: &Value) {
        let lb = c.get("load_balancer");
        let mut parsed = Vec::new();
        for key in ["production_listener_arn", "test_listener_arn"] {
            let Some(arn) = lb.get(key).as_str() else {
                parsed.push(None);
                continue;
            };
            match ListenerArn::parse(arn) {
                Ok(l) => parsed.push(Some(l)),
                Err(why) => {
                    parsed.push(None);
                    self.error(
                        path(&["load_balancer", key]),
                        "Invalid listener ARN",
                        format!(
                            "{arn:?} is not an Application or Network Load Balancer listener ARN: {why}. Expected \
                             {LISTENER_ARN_FORM}."
                        ),
                    );
                }
            }
        }
        if let (Some(a), Some(b)) = (
            lb.get("production_listener_arn").as_str(),
            lb.get("test_listener_arn").as_str(),
        ) && a == b
        {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Test listener is the production listener",
                "Test traffic reaches the new tasks through a listener of its own (on a Network Load Balancer, \
                 another port); give a different one."
                    .into(),
            );
        }
        if let [Some(prod), Some(test)] = parsed.as_slice()
            && prod.load_balancer_arn() != test.load_balancer_arn()
        {
            self.error(
                path(&["load_balancer", "test_listener_arn"]),
                "Listeners on different load balancers",
                format!(
                    "The test listener is on {}, the production listener on {}. A deployment shifts traffic \
                     between the target groups of one load balancer: give a test listener of {}.",
                    test.load_balancer_arn(),
                    prod.load_balancer_arn(),
                    prod.load_balancer_arn()
                ),
            );
        }
    }

    /// The load balancer's own values: the rule priority, the delays, the target group health
    /// check's path, matcher and bounds.
    pub(super) fn load_balancer_values(&mut self, c: &Value) {
        let lb = c.get("load_balancer");
        self.fact(
            lb.get("listener_rule_priority"),
            &["load_balancer", "listener_rule_priority"],
            facts::LISTENER_RULE_PRIORITY,
            "listener rule priority",
        );
        self.fact(
            lb.get("deregistration_delay"),
            &["load_balancer", "deregistration_delay"],
            facts::DEREGISTRATION_DELAY,
            "deregistration delay",
        );
        self.fact(
            lb.get("health_check_grace_period"),
            &["load_balancer", "health_check_grace_period"],
            facts::HEALTH_CHECK_GRACE_PERIOD,
            "health check grace period",
        );
        let hc = lb.get("health_check");
        if let Some(p) = hc.get("path").as_str()
            && !p.starts_with('/')
        {
            self.error(
                path(&["load_balancer", "health_check", "path"]),
                "Invalid health check path",
                format!("The path must start with \"/\"; got {p:?}."),
            );
        }
        let codes = match super::load_balancers::kind_of(c) {
            Some(crate::service::arn::LoadBalancerKind::Network) => facts::NLB_HEALTH_CHECK_CODES,
            _ => facts::TARGET_HEALTH_CHECK_CODES,
        };
        if let Some(m) = hc.get("matcher").as_str()
            && !valid_matcher(m, codes)
        {
            self.error(
                path(&["load_balancer", "health_check", "matcher"]),
                "Invalid health check matcher",
                format!(
                    "matcher takes HTTP codes from {} to {}, as a list (\"200,204\") or a range (\"200-299\"); got \
                     {m:?}.",
                    codes.min, codes.max
                ),
            );
        }
        self.fact(
            hc.get("interval"),
            &["load_balancer", "health_check", "interval"],
            facts::TARGET_HEALTH_CHECK_INTERVAL,
            "health check interval",
        );
        self.fact(
            hc.get("timeout"),
            &["load_balancer", "health_check", "timeout"],
            facts::TARGET_HEALTH_CHECK_TIMEOUT,
            "health check timeout",
        );
        self.fact(
            hc.get("healthy_threshold"),
            &["load_balancer", "health_check", "healthy_threshold"],
            facts::TARGET_HEALTH_CHECK_THRESHOLD,
            "healthy threshold",
        );
        self.fact(
            hc.get("unhealthy_threshold"),
            &["load_balancer", "health_check", "unhealthy_threshold"],
            facts::TARGET_HEALTH_CHECK_THRESHOLD,
            "unhealthy threshold",
        );
    }

    /// Service discovery's TTL, record type and routing policy.
    pub(super) fn service_discovery_values(&mut self, c: &Value) {
        let sd = c.get("service_discovery");
        self.fact(
            sd.get("dns_ttl"),
            &["service_discovery", "dns_ttl"],
            facts::DNS_TTL,
            "DNS TTL",
        );
        if let Some(t) = sd.get("record_type").as_str()
            && !DNS_RECORD_TYPES.contains(&t)
        {
            self.error(
                path(&["service_discovery", "record_type"]),
                "Invalid record type",
                format!(
                    "awsvpc tasks register {} records; got {t:?}.",
                    one_of(DNS_RECORD_TYPES)
                ),
            );
        }
        if let Some(p) = sd.get("routing_policy").as_str()
            && !facts::DNS_ROUTING_POLICIES.values.contains(&p)
        {
            self.error(
                path(&["service_discovery", "routing_policy"]),
                "Invalid routing policy",
                format!(
                    "routing_policy is {}; got {p:?}.",
                    one_of(facts::DNS_ROUTING_POLICIES.values)
                ),
            );
        }
    }
}

fn valid_matcher(m: &str, codes: facts::Range) -> bool {
    let facts::Range { min, max, .. } = codes;
    let code = |s: &str| s.parse::<i64>().is_ok_and(|c| (min..=max).contains(&c)) && s.len() == 3;
    if let Some((a, b)) = m.split_once('-') {
        return code(a) && code(b) && a < b;
    }
    !m.is_empty() && m.split(',').all(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers() {
        let alb = facts::TARGET_HEALTH_CHECK_CODES;
        for ok in ["200", "200,204", "200-299", "404"] {
            assert!(valid_matcher(ok, alb), "{ok}");
        }
        for bad in ["", "20", "600", "299-200", "ok", "200,", "503"] {
            assert!(!valid_matcher(bad, alb), "{bad}");
        }
        // A Network Load Balancer's HTTP check takes codes up to 599.
        assert!(valid_matcher("200-599", facts::NLB_HEALTH_CHECK_CODES));
    }

    use crate::service::checks::testing::{Seen, block, error, int, run, s};

    const PROD: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";
    const TEST: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/3d0c4b8ba5a5b1b1";

    fn lb_values(fields: &[(&str, Value)]) -> Vec<Seen> {
        run(Checker::load_balancer_values, fields)
    }

    #[test]
    fn load_balancer_ranges() {
        for (attr, low, high, summary) in [
            (
                "listener_rule_priority",
                1,
                50000,
                "Invalid listener rule priority",
            ),
            (
                "deregistration_delay",
                0,
                3600,
                "Invalid deregistration delay",
            ),
            (
                "health_check_grace_period",
                0,
                2147483647,
                "Invalid health check grace period",
            ),
            (
                "health_check.interval",
                5,
                300,
                "Invalid health check interval",
            ),
            (
                "health_check.timeout",
                2,
                120,
                "Invalid health check timeout",
            ),
            (
                "health_check.healthy_threshold",
                2,
                10,
                "Invalid healthy threshold",
            ),
            (
                "health_check.unhealthy_threshold",
                2,
                10,
                "Invalid unhealthy threshold",
            ),
        ] {
            let at = format!("load_balancer.{attr}");
            for ok in [low, high] {
                assert_eq!(lb_values(&[(at.as_str(), int(ok))]), [], "{attr} {ok}");
            }
            for bad in [low - 1, high + 1] {
                assert_eq!(
                    lb_values(&[(at.as_str(), int(bad))]),
                    [error(summary, &at)],
                    "{attr} {bad}"
                );
            }
        }
    }

    #[test]
    fn health_check_path_and_matcher() {
        assert_eq!(
            lb_values(&[("load_balancer.health_check.path", s("/"))]),
            []
        );
        assert_eq!(
            lb_values(&[("load_balancer.health_check.path", s("healthz"))]),
            [error(
                "Invalid health check path",
                "load_balancer.health_check.path"
            )]
        );
        for ok in ["200", "499", "200,204", "200-299"] {
            assert_eq!(
                lb_values(&[("load_balancer.health_check.matcher", s(ok))]),
                [],
                "{ok}"
            );
        }
        for bad in ["199", "500", "200-200", "2xx"] {
            assert_eq!(
                lb_values(&[("load_balancer.health_check.matcher", s(bad))]),
                [error(
                    "Invalid health check matcher",
                    "load_balancer.health_check.matcher"
                )],
                "{bad}"
            );
        }
    }

    #[test]
    fn service_discovery_values() {
        let sd = |fields: &[(&str, Value)]| run(Checker::service_discovery_values, fields);
        for ok in [0, 2147483647] {
            assert_eq!(sd(&[("service_discovery.dns_ttl", int(ok))]), []);
        }
        assert_eq!(
            sd(&[("service_discovery.dns_ttl", int(-1))]),
            [error("Invalid DNS TTL", "service_discovery.dns_ttl")]
        );
        for ok in ["A", "AAAA", "SRV"] {
            assert_eq!(sd(&[("service_discovery.record_type", s(ok))]), [], "{ok}");
        }
        assert_eq!(
            sd(&[("service_discovery.record_type", s("CNAME"))]),
            [error(
                "Invalid record type",
                "service_discovery.record_type"
            )]
        );
        for ok in ["MULTIVALUE", "WEIGHTED"] {
            assert_eq!(
                sd(&[("service_discovery.routing_policy", s(ok))]),
                [],
                "{ok}"
            );
        }
        assert_eq!(
            sd(&[("service_discovery.routing_policy", s("multivalue"))]),
            [error(
                "Invalid routing policy",
                "service_discovery.routing_policy"
            )]
        );
    }

    #[test]
    fn two_listeners_of_one_application_load_balancer() {
        let listeners = |prod: &str, test: &str| {
            run(
                Checker::listeners,
                &[
                    ("load_balancer.production_listener_arn", s(prod)),
                    ("load_balancer.test_listener_arn", s(test)),
                ],
            )
        };
        assert_eq!(listeners(PROD, TEST), []);
        assert_eq!(
            listeners(PROD, PROD),
            [error(
                "Test listener is the production listener",
                "load_balancer.test_listener_arn"
            )]
        );
        assert_eq!(
            listeners(&PROD.replace("/app/", "/gwy/"), TEST),
            [error(
                "Invalid listener ARN",
                "load_balancer.production_listener_arn"
            )]
        );
        // Two listeners of one NLB are fine; an NLB and an ALB are two load balancers.
        assert_eq!(
            listeners(
                &PROD.replace("/app/", "/net/"),
                &TEST.replace("/app/", "/net/")
            ),
            []
        );
        assert_eq!(
            listeners(&PROD.replace("/app/", "/net/"), TEST),
            [error(
                "Listeners on different load balancers",
                "load_balancer.test_listener_arn"
            )]
        );
        assert_eq!(
            listeners(
                PROD,
                &TEST.replace("app/edge/50dc6c495c0c9188", "app/other/60dc6c495c0c9188")
            ),
            [error(
                "Listeners on different load balancers",
                "load_balancer.test_listener_arn"
            )]
        );
    }

    #[test]
    fn only_a_rolling_service_goes_without_a_load_balancer() {
        assert_eq!(
            run(
                Checker::load_balancer,
                &[("deployment_strategy", s("rolling"))]
            ),
            []
        );
        for strategy in ["codedeploy", "blue_green", "linear", "canary"] {
            assert_eq!(
                run(
                    Checker::load_balancer,
                    &[("deployment_strategy", s(strategy))]
                ),
                [error("Missing load balancer", "load_balancer")],
                "{strategy}"
            );
        }
        // Unset is codedeploy.
        assert_eq!(
            run(Checker::load_balancer, &[("desired_count", int(1))]),
            [error("Missing load balancer", "load_balancer")]
        );
        assert_eq!(
            run(
                Checker::load_balancer,
                &[
                    ("deployment_strategy", s("rolling")),
                    ("autoscaling.requests_per_target", int(100))
                ]
            ),
            [error(
                "Request scaling without a load balancer",
                "autoscaling.requests_per_target"
            )]
        );
        // A target group alarm set to 0 is no alarm; above 0 it watches a target group.
        assert_eq!(
            run(
                Checker::load_balancer,
                &[
                    ("deployment_strategy", s("rolling")),
                    ("alarms.target_5xx_count", int(0)),
                    ("alarms.unhealthy_hosts", int(0)),
                    ("alarms.response_time_p99_ms", int(0))
                ]
            ),
            []
        );
        assert_eq!(
            run(
                Checker::load_balancer,
                &[
                    ("deployment_strategy", s("rolling")),
                    ("alarms.target_5xx_count", int(0)),
                    ("alarms.unhealthy_hosts", int(1)),
                    ("alarms.response_time_p99_ms", int(0))
                ]
            ),
            [error(
                "Target group alarm without a load balancer",
                "alarms.unhealthy_hosts"
            )]
        );
    }

    #[test]
    fn a_container_port_where_traffic_or_srv_records_need_one() {
        let app = ("container.name", s("app"));
        assert_eq!(
            run(
                Checker::container_port,
                &[
                    app.clone(),
                    ("load_balancer", block(&[("vpc_id", s("vpc-1"))]))
                ]
            ),
            [error("Missing container port", "container.port")]
        );
        assert_eq!(
            run(
                Checker::container_port,
                &[
                    app.clone(),
                    ("load_balancer", block(&[("vpc_id", s("vpc-1"))])),
                    ("container.port", int(8080))
                ]
            ),
            []
        );
        assert_eq!(
            run(
                Checker::container_port,
                &[app.clone(), ("service_discovery.record_type", s("SRV"))]
            ),
            [error("Missing container port", "container.port")]
        );
        assert_eq!(
            run(
                Checker::container_port,
                &[app.clone(), ("service_discovery.record_type", s("A"))]
            ),
            []
        );
    }
}
