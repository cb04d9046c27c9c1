//! Where a service lives: partition, region and account (so policies can name exact ARNs),
//! and the ARN and name parsing that finds them without an API call.

use crate::service::spec::ServiceSpec;

/// Where the service lives, so policies can name exact ARNs: from the production listener's ARN
/// without an API call, or for a service without a load balancer from the provider's region and
/// account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub partition: String,
    pub region: String,
    pub account_id: String,
    /// `app/<name>/<id>` of the load balancer, as the ALBRequestCountPerTarget label needs it;
    /// empty without a load balancer.
    pub load_balancer: String,
}

/// Why a service cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unplaced {
    /// The service has no load balancer and no home (region and account) was given.
    NoHome,
    /// The production listener's ARN (given here) is not an ALB listener ARN.
    ListenerArn(String),
}

impl Placement {
    /// Where a service lives: one behind a load balancer by its production listener's ARN,
    /// without an API call; one without in `home` (the provider's region and account).
    pub fn of_service(spec: &ServiceSpec, home: Option<&Placement>) -> Result<Placement, Unplaced> {
        match &spec.load_balancer {
            Some(lb) => Placement::from_listener_arn(&lb.production_listener_arn)
                .ok_or_else(|| Unplaced::ListenerArn(lb.production_listener_arn.clone())),
            None => home.cloned().ok_or(Unplaced::NoHome),
        }
    }

    /// A service without a load balancer: the region and account the provider acts in.
    pub fn in_account(region: &str, account_id: &str) -> Placement {
        let partition = if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        };
        Placement {
            partition: partition.to_owned(),
            region: region.to_owned(),
            account_id: account_id.to_owned(),
            load_balancer: String::new(),
        }
    }

    /// From an ARN of anything in the service's account and region (the ECS service's, at
    /// import): `arn:<partition>:<service>:<region>:<account>:…`.
    pub fn from_arn(arn: &str) -> Option<Placement> {
        Some(Self::parse(arn)?.0)
    }

    /// Parses `arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/<lb>/<id>/<listener>`.
    pub fn from_listener_arn(arn: &str) -> Option<Placement> {
        let (mut placement, service, resource) = Self::parse(arn)?;
        if service != "elasticloadbalancing" {
            return None;
        }
        let segments: Vec<&str> = resource.split('/').collect();
        let [
            "listener",
            kind @ ("app" | "net"),
            lb_name,
            lb_id,
            _listener_id,
        ] = segments.as_slice()
        else {
            return None;
        };
        placement.load_balancer = format!("{kind}/{lb_name}/{lb_id}");
        Some(placement)
    }

    /// The placement an ARN names, with its service and resource parts.
    fn parse(arn: &str) -> Option<(Placement, &str, &str)> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let ["arn", partition, service, region, account, resource] = parts.as_slice() else {
            return None;
        };
        if region.is_empty() || account.is_empty() {
            return None;
        }
        let placement = Placement {
            partition: (*partition).to_owned(),
            region: (*region).to_owned(),
            account_id: (*account).to_owned(),
            load_balancer: String::new(),
        };
        Some((placement, service, resource))
    }
}

/// `targetgroup/<name>/<id>` from `arn:…:elasticloadbalancing:…:targetgroup/<name>/<id>`.
pub fn target_group_part(arn: &str) -> Option<String> {
    let (prefix, rest) = arn.split_once(":targetgroup/")?;
    if !prefix.starts_with("arn:") || !prefix.contains(":elasticloadbalancing:") {
        return None;
    }
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        [name, id] if !name.is_empty() && !id.is_empty() => Some(format!("targetgroup/{rest}")),
        _ => None,
    }
}

/// `app/<lb>/<id>/targetgroup/<tg>/<id>`: what an ALBRequestCountPerTarget policy measures,
/// from the load balancer part (`app/<lb>/<id>`) and the target group's ARN.
pub fn alb_resource_label(load_balancer: &str, target_group_arn: &str) -> Option<String> {
    Some(format!(
        "{load_balancer}/{}",
        target_group_part(target_group_arn)?
    ))
}

/// The cluster's name when `cluster` is an ARN.
pub fn cluster_name(cluster: &str) -> &str {
    cluster.rsplit('/').next().unwrap_or(cluster)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_label_joins_load_balancer_and_target_group() {
        assert_eq!(
            alb_resource_label(
                "app/edge/50dc6c495c0c9188",
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/checkout-api-blue/943f017f100becff"
            )
            .as_deref(),
            Some("app/edge/50dc6c495c0c9188/targetgroup/checkout-api-blue/943f017f100becff")
        );
        assert_eq!(alb_resource_label("app/x/y", "not-an-arn"), None);
    }

    #[test]
    fn placement_comes_from_the_listener_arn() {
        let p = Placement::from_listener_arn(
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2",
        )
        .unwrap();
        assert_eq!(p.region, "eu-west-1");
        assert_eq!(p.account_id, "123456789012");
        assert_eq!(p.load_balancer, "app/edge/50dc6c495c0c9188");
        assert!(Placement::from_listener_arn("arn:aws:ecs:eu-west-1:1:cluster/x").is_none());
        assert!(Placement::from_listener_arn("nonsense").is_none());
        let worker =
            Placement::from_arn("arn:aws:ecs:eu-west-1:123456789012:service/prod/worker").unwrap();
        assert_eq!(
            (
                worker.region.as_str(),
                worker.account_id.as_str(),
                worker.load_balancer.as_str()
            ),
            ("eu-west-1", "123456789012", "")
        );
    }
}
