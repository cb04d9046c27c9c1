//! The network rules: the validate-time ones on the configuration (public IPs, one subnet) and
//! the plan-time ones on what EC2 and ELBv2 say about the subnets and security groups (capacity
//! for a deployment's peak, one VPC, the load balancer admitted and the world not). The lookups
//! themselves are in `fargate::network_checks`; these functions only judge their answers.

use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

use super::shared::{Checker, path};

/// What the plan-time subnet checks need to know about a subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInfo {
    pub id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    pub free_ips: i64,
}

/// The most tasks the service runs between deployments, which a deployment multiplies by its
/// peak percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeakTasks {
    /// No autoscaling: `desired_count`.
    Desired(i64),
    /// With autoscaling a deployment can start while scaled out to `autoscaling.max`.
    AutoscalingMax(i64),
}

impl PeakTasks {
    fn count(self) -> i64 {
        match self {
            PeakTasks::Desired(n) | PeakTasks::AutoscalingMax(n) => n,
        }
    }

    fn describe(self) -> String {
        match self {
            PeakTasks::Desired(n) => format!("a deployment of {n} tasks (desired_count)"),
            PeakTasks::AutoscalingMax(n) => format!(
                "a deployment while autoscaling has scaled out to {n} tasks (autoscaling.max)"
            ),
        }
    }
}

fn subnets_path() -> AttributePath {
    AttributePath::attr("network").join_attr("subnets")
}

/// A deployment runs new tasks beside the original ones, `peak_percent` of the count at most
/// (200 for a blue/green family, `maximum_percent` for a rolling update; see
/// `DeploymentStrategy::peak_percent`): each task needs an IP address in the subnets.
pub fn subnet_capacity(subnets: &[SubnetInfo], peak: PeakTasks, peak_percent: i64) -> Diagnostics {
    let mut out = Diagnostics::new();
    let zones: std::collections::BTreeSet<&str> = subnets
        .iter()
        .map(|s| s.availability_zone.as_str())
        .collect();
    if zones.len() < 2 {
        out.push(
            Diagnostic::warning(
                "Subnets in fewer than two Availability Zones",
                format!(
                    "All task subnets are in {}: an outage of that zone takes the whole service down. Add a subnet in \
                     another Availability Zone.",
                    zones.iter().next().copied().unwrap_or("one zone")
                ),
            )
            .at(subnets_path()),
        );
    }
    let free: i64 = subnets.iter().map(|s| s.free_ips).sum();
    // Rounded down, as ECS rounds maximumPercent.
    let needed = peak.count().saturating_mul(peak_percent) / 100;
    if free < needed {
        let why = if peak_percent == 200 {
            "the replacement set beside the original".to_owned()
        } else {
            format!("ecs_deployment.maximum_percent, {peak_percent} % of the tasks")
        };
        out.push(
            Diagnostic::error(
                "Not enough free IP addresses for a deployment",
                format!(
                    "The subnets have {free} free IP addresses ({}), but {} briefly runs {needed} ({why}). Use \
                     larger or more subnets, or fewer tasks.",
                    subnets.iter().map(|s| format!("{}: {}", s.id, s.free_ips)).collect::<Vec<_>>().join(", "),
                    peak.describe()
                ),
            )
            .at(subnets_path()),
        );
    }
    out
}

/// The target groups live in `load_balancer.vpc_id` and only register tasks from that VPC, and
/// ECS places a service's tasks in one VPC. `vpc_id` is `None` while it is unknown.
pub fn subnet_vpcs(subnets: &[SubnetInfo], vpc_id: Option<&str>) -> Diagnostics {
    let mut out = Diagnostics::new();
    if let Some(vpc) = vpc_id {
        for s in subnets.iter().filter(|s| s.vpc_id != vpc) {
            out.push(
                Diagnostic::error(
                    "Subnet outside the load balancer's VPC",
                    format!(
                        "Subnet {} is in {}, but load_balancer.vpc_id is {vpc}: the target groups there cannot \
                         register tasks from another VPC. Give subnets of {vpc}, or the VPC these subnets are in.",
                        s.id, s.vpc_id
                    ),
                )
                .at(subnets_path()),
            );
        }
        return out;
    }
    let vpcs: std::collections::BTreeSet<&str> =
        subnets.iter().map(|s| s.vpc_id.as_str()).collect();
    if vpcs.len() > 1 {
        out.push(
            Diagnostic::error(
                "Subnets in more than one VPC",
                format!(
                    "A service's tasks all run in one VPC, but the subnets are in {} ({}).",
                    vpcs.iter().copied().collect::<Vec<_>>().join(", "),
                    subnets
                        .iter()
                        .map(|s| format!("{}: {}", s.id, s.vpc_id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(subnets_path()),
        );
    }
    out
}

/// What the plan-time security group check needs to know about a task security group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityGroupInfo {
    pub id: String,
    pub ingress: Vec<IngressRule>,
}

/// One inbound permission of a security group, as EC2 describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IngressRule {
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for every protocol.
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    /// Security groups the rule admits.
    pub source_groups: Vec<String>,
    /// IPv4 and IPv6 ranges the rule admits.
    pub cidrs: Vec<String>,
    /// Managed prefix lists the rule admits (sets of ranges).
    pub prefix_lists: Vec<String>,
}

impl IngressRule {
    /// Whether the rule admits TCP to `port` (from whichever sources it names).
    fn covers_tcp(&self, port: i64) -> bool {
        match self.protocol.as_str() {
            "-1" => true,
            "tcp" | "6" => match (self.from_port, self.to_port) {
                (Some(from), Some(to)) if from >= 0 => (from..=to).contains(&port),
                _ => true,
            },
            _ => false,
        }
    }

    fn ports(&self) -> String {
        match (self.protocol.as_str(), self.from_port, self.to_port) {
            ("-1", _, _) => "all traffic".to_owned(),
            (p, Some(from), Some(to)) if from == to => format!("{p} {from}"),
            (p, Some(from), Some(to)) if from >= 0 => format!("{p} {from}-{to}"),
            (p, _, _) => format!("all {p} ports"),
        }
    }
}

const WORLD: &[&str] = &["0.0.0.0/0", "::/0"];

fn security_groups_path() -> AttributePath {
    AttributePath::attr("network").join_attr("security_groups")
}

/// The seeds' network rule: tasks take traffic from the load balancer on the container port
/// and from nowhere else. `configured` is `network.security_groups` as written, for the path of
/// the group a warning is about; `lb_groups` is `None` when the load balancer's groups could
/// not be looked up (only the second half runs then).
pub fn security_group_reachability(
    task_groups: &[SecurityGroupInfo],
    configured: &[String],
    lb_groups: Option<&[String]>,
    port: i64,
) -> Diagnostics {
    let mut out = Diagnostics::new();
    if let Some(lb_groups) = lb_groups {
        let admits_lb = task_groups.iter().flat_map(|g| &g.ingress).any(|r| {
            r.covers_tcp(port)
                && (r.source_groups.iter().any(|g| lb_groups.contains(g))
                    || !r.cidrs.is_empty()
                    || !r.prefix_lists.is_empty())
        });
        if !admits_lb {
            let from = if lb_groups.is_empty() {
                "the load balancer".to_owned()
            } else {
                format!(
                    "the load balancer's security group ({})",
                    lb_groups.join(", ")
                )
            };
            out.push(
                Diagnostic::warning(
                    "Task security groups do not admit the load balancer",
                    format!(
                        "No inbound rule of {} allows TCP port {port} (container.port) from {from} or an address \
                         range. The load balancer's health checks then fail and no deployment becomes healthy. Allow \
                         TCP {port} from {}.",
                        task_groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>().join(", "),
                        lb_groups.first().map_or("the load balancer's security group", String::as_str)
                    ),
                )
                .at(security_groups_path()),
            );
        }
    }
    for g in task_groups {
        let open: Vec<String> = g
            .ingress
            .iter()
            .filter_map(|r| {
                let world: Vec<&str> = r
                    .cidrs
                    .iter()
                    .map(String::as_str)
                    .filter(|c| WORLD.contains(c))
                    .collect();
                (!world.is_empty()).then(|| format!("{} from {}", r.ports(), world.join(" and ")))
            })
            .collect();
        if open.is_empty() {
            continue;
        }
        let at = configured
            .iter()
            .position(|c| *c == g.id)
            .map_or_else(security_groups_path, |i| {
                security_groups_path().join_index(i)
            });
        out.push(
            Diagnostic::warning(
                "Task security group open to the internet",
                format!(
                    "{} admits {}. Tasks should be reachable only from the load balancer: allow the container port \
                     from the load balancer's security group instead of from any address.",
                    g.id,
                    open.join(", ")
                ),
            )
            .at(at),
        );
    }
    out
}

impl Checker {
    pub(super) fn network(&mut self, c: &Value) {
        let n = c.get("network");
        if n.get("assign_public_ip").as_bool() == Some(true) {
            self.warning(
                path(&["network", "assign_public_ip"]),
                "Tasks with public IPs",
                "Production tasks belong in private subnets behind the load balancer; a public IP exposes every task \
                 directly. Use private subnets with a NAT gateway or VPC endpoints for outbound traffic."
                    .into(),
            );
        }
        if let Some(subnets) = n.get("subnets").elements() {
            if subnets.len() == 1 && subnets.iter().all(|s| !s.is_unknown()) {
                self.warning(
                    path(&["network", "subnets"]),
                    "A single subnet is a single Availability Zone",
                    "An AZ outage takes the whole service down. Give subnets in at least two Availability Zones.".into(),
                );
            }
            if subnets.is_empty() {
                self.error(
                    path(&["network", "subnets"]),
                    "No subnets",
                    "Give at least one subnet (two in different AZs for production).".into(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subnet(id: &str, vpc: &str, az: &str, free: i64) -> SubnetInfo {
        SubnetInfo {
            id: id.into(),
            vpc_id: vpc.into(),
            availability_zone: az.into(),
            free_ips: free,
        }
    }

    #[test]
    fn subnet_capacity_counts_the_blue_green_surge() {
        let two = |a, b| {
            [
                subnet("a", "vpc-1", "us-east-1a", a),
                subnet("b", "vpc-1", "us-east-1b", b),
            ]
        };
        let ok = subnet_capacity(&two(5, 5), PeakTasks::Desired(5), 200);
        assert!(ok.is_empty(), "{ok:?}");
        let short = subnet_capacity(&two(4, 5), PeakTasks::Desired(5), 200);
        assert!(short.has_errors());
        assert!(
            short.0[0].detail.contains("9 free IP addresses"),
            "{:?}",
            short.0[0]
        );
        // Autoscaling may have scaled out when a deployment starts: its maximum is doubled.
        let scaled = subnet_capacity(&two(50, 50), PeakTasks::AutoscalingMax(60), 200);
        assert!(scaled.has_errors());
        assert!(
            scaled.0[0].detail.contains("runs 120")
                && scaled.0[0].detail.contains("autoscaling.max"),
            "{:?}",
            scaled.0[0]
        );
        let one_zone = subnet_capacity(
            &[
                subnet("a", "vpc-1", "us-east-1a", 50),
                subnet("b", "vpc-1", "us-east-1a", 50),
            ],
            PeakTasks::Desired(2),
            200,
        );
        assert_eq!(one_zone.0.len(), 1);
        assert!(!one_zone.has_errors());
    }

    /// A rolling update runs at most maximum_percent of the tasks (rounded down, as ECS
    /// rounds it), not twice them: 10 tasks at 150 % need 15 addresses.
    #[test]
    fn subnet_capacity_counts_a_rolling_update_within_its_maximum_percent() {
        let two = |a, b| {
            [
                subnet("a", "vpc-1", "us-east-1a", a),
                subnet("b", "vpc-1", "us-east-1b", b),
            ]
        };
        assert!(subnet_capacity(&two(8, 7), PeakTasks::Desired(10), 150).is_empty());
        let short = subnet_capacity(&two(7, 7), PeakTasks::Desired(10), 150);
        assert!(short.has_errors());
        assert!(
            short.0[0].detail.contains("runs 15")
                && short.0[0].detail.contains("maximum_percent, 150 %"),
            "{:?}",
            short.0[0]
        );
        // 7 tasks at 150 %: 10.5, rounded down.
        assert!(subnet_capacity(&two(5, 5), PeakTasks::Desired(7), 150).is_empty());
    }

    #[test]
    fn subnets_are_in_the_load_balancers_vpc() {
        let subnets = [
            subnet("subnet-a", "vpc-1", "us-east-1a", 50),
            subnet("subnet-b", "vpc-2", "us-east-1b", 50),
        ];
        assert!(subnet_vpcs(&subnets[..1], Some("vpc-1")).is_empty());
        let wrong = subnet_vpcs(&subnets, Some("vpc-1"));
        assert_eq!(wrong.0.len(), 1, "{wrong:?}");
        assert!(wrong.has_errors());
        assert!(
            wrong.0[0].detail.contains("subnet-b is in vpc-2"),
            "{:?}",
            wrong.0[0]
        );
        assert_eq!(wrong.0[0].attribute, Some(path(&["network", "subnets"])));
        // With the VPC unknown, the subnets must still share one.
        let split = subnet_vpcs(&subnets, None);
        assert!(split.has_errors());
        assert!(split.0[0].detail.contains("vpc-1, vpc-2"), "{split:?}");
        assert!(subnet_vpcs(&subnets[1..], None).is_empty());
    }

    fn group(id: &str, ingress: Vec<IngressRule>) -> SecurityGroupInfo {
        SecurityGroupInfo {
            id: id.into(),
            ingress,
        }
    }

    fn tcp(from: i64, to: i64) -> IngressRule {
        IngressRule {
            protocol: "tcp".into(),
            from_port: Some(from),
            to_port: Some(to),
            ..IngressRule::default()
        }
    }

    #[test]
    fn tasks_admit_the_load_balancer_on_the_container_port() {
        let lb = vec!["sg-lb".to_owned()];
        let configured = vec!["sg-tasks".to_owned(), "sg-other".to_owned()];
        let check = |groups: &[SecurityGroupInfo]| {
            security_group_reachability(groups, &configured, Some(&lb), 8080)
        };
        let from_lb = IngressRule {
            source_groups: lb.clone(),
            ..tcp(8080, 8080)
        };
        assert!(check(&[group("sg-tasks", vec![from_lb.clone()])]).is_empty());
        // A range covering the port, every protocol, or an address range also admit it.
        for rule in [
            IngressRule {
                source_groups: lb.clone(),
                ..tcp(8000, 9000)
            },
            IngressRule {
                protocol: "-1".into(),
                source_groups: lb.clone(),
                ..IngressRule::default()
            },
            IngressRule {
                cidrs: vec!["10.0.0.0/16".into()],
                ..tcp(8080, 8080)
            },
        ] {
            let d = check(&[group("sg-other", vec![rule.clone()])]);
            assert!(d.is_empty(), "{rule:?}: {d:?}");
        }
        // Another port, another group, UDP: the load balancer is not admitted.
        for rule in [
            IngressRule {
                source_groups: lb.clone(),
                ..tcp(80, 80)
            },
            IngressRule {
                source_groups: vec!["sg-elsewhere".into()],
                ..tcp(8080, 8080)
            },
            IngressRule {
                protocol: "udp".into(),
                ..from_lb.clone()
            },
        ] {
            let d = check(&[group("sg-tasks", vec![rule.clone()])]);
            assert_eq!(d.0.len(), 1, "{rule:?}: {d:?}");
            assert!(!d.has_errors());
            assert_eq!(
                d.0[0].summary,
                "Task security groups do not admit the load balancer"
            );
            assert!(d.0[0].detail.contains("TCP port 8080") && d.0[0].detail.contains("sg-lb"));
            assert_eq!(
                d.0[0].attribute,
                Some(path(&["network", "security_groups"]))
            );
        }
        // Without the load balancer's groups, only the open-to-the-world half runs.
        assert!(
            security_group_reachability(&[group("sg-tasks", vec![])], &configured, None, 8080)
                .is_empty()
        );
    }

    #[test]
    fn a_task_group_open_to_the_world_is_named_at_its_index() {
        let configured = vec!["sg-tasks".to_owned(), "sg-open".to_owned()];
        let lb = vec!["sg-lb".to_owned()];
        let groups = [
            group(
                "sg-tasks",
                vec![IngressRule {
                    source_groups: lb.clone(),
                    ..tcp(8080, 8080)
                }],
            ),
            group(
                "sg-open",
                vec![IngressRule {
                    cidrs: vec!["0.0.0.0/0".into(), "::/0".into()],
                    ..tcp(443, 443)
                }],
            ),
        ];
        let d = security_group_reachability(&groups, &configured, Some(&lb), 8080);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].summary, "Task security group open to the internet");
        assert!(
            d.0[0]
                .detail
                .contains("sg-open admits tcp 443 from 0.0.0.0/0 and ::/0"),
            "{:?}",
            d.0[0]
        );
        assert_eq!(
            d.0[0].attribute,
            Some(path(&["network", "security_groups"]).join_index(1))
        );
    }

    use crate::service::checks::testing::{error, run, strings, warning};

    #[test]
    fn public_ips_and_subnets_in_the_configuration() {
        assert_eq!(
            run(
                Checker::network,
                &[
                    ("network.assign_public_ip", Value::Bool(false)),
                    ("network.subnets", strings(&["subnet-a", "subnet-b"]))
                ]
            ),
            []
        );
        assert_eq!(
            run(
                Checker::network,
                &[("network.assign_public_ip", Value::Bool(true))]
            ),
            [warning("Tasks with public IPs", "network.assign_public_ip")]
        );
        assert_eq!(
            run(
                Checker::network,
                &[("network.subnets", strings(&["subnet-a"]))]
            ),
            [warning(
                "A single subnet is a single Availability Zone",
                "network.subnets"
            )]
        );
        assert_eq!(
            run(Checker::network, &[("network.subnets", strings(&[]))]),
            [error("No subnets", "network.subnets")]
        );
        // One subnet still unknown may be one of several: no warning yet.
        assert_eq!(
            run(
                Checker::network,
                &[("network.subnets", Value::List(vec![Value::unknown()]))]
            ),
            []
        );
    }
}
