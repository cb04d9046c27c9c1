//! Looks up the network a service is placed in, for the plan-time checks: the task subnets,
//! the task security groups and the load balancer's security groups. Nothing is created here;
//! these are lookups, not a child kind.

use aws_types::SdkConfig;

use crate::service::checks::{ClusterInfo, IngressRule, SecurityGroupInfo, SubnetInfo};

use super::clients::{AwsError, AwsResult, err};
use super::config::AwsSettings;

fn ec2(sdk: &SdkConfig, settings: &AwsSettings) -> aws_sdk_ec2::Client {
    let mut conf = aws_sdk_ec2::config::Builder::from(sdk);
    if let Some(url) = settings.endpoints.get("ec2") {
        conf = conf.endpoint_url(url);
    }
    aws_sdk_ec2::Client::from_conf(conf.build())
}

fn elbv2(sdk: &SdkConfig, settings: &AwsSettings) -> aws_sdk_elasticloadbalancingv2::Client {
    let mut conf = aws_sdk_elasticloadbalancingv2::config::Builder::from(sdk);
    if let Some(url) = settings.endpoints.get("elbv2") {
        conf = conf.endpoint_url(url);
    }
    aws_sdk_elasticloadbalancingv2::Client::from_conf(conf.build())
}

fn ecs(sdk: &SdkConfig, settings: &AwsSettings) -> aws_sdk_ecs::Client {
    let mut conf = aws_sdk_ecs::config::Builder::from(sdk);
    if let Some(url) = settings.endpoints.get("ecs") {
        conf = conf.endpoint_url(url);
    }
    aws_sdk_ecs::Client::from_conf(conf.build())
}

/// The cluster a service runs in, with its settings; `None` when no active cluster has that
/// name or ARN.
pub async fn cluster(
    sdk: &SdkConfig,
    settings: &AwsSettings,
    cluster: &str,
) -> AwsResult<Option<ClusterInfo>> {
    let out = ecs(sdk, settings)
        .describe_clusters()
        .clusters(cluster)
        .include(aws_sdk_ecs::types::ClusterField::Settings)
        .send()
        .await
        .map_err(err("DescribeClusters"))?;
    Ok(out
        .clusters()
        .iter()
        .find(|c| c.status() == Some("ACTIVE"))
        .map(|c| ClusterInfo {
            name: c.cluster_name().unwrap_or(cluster).to_owned(),
            capacity_providers: c.capacity_providers().to_vec(),
            container_insights: c
                .settings()
                .iter()
                .find(|s| {
                    s.name() == Some(&aws_sdk_ecs::types::ClusterSettingName::ContainerInsights)
                })
                .and_then(|s| s.value())
                .map(str::to_owned),
        }))
}

pub async fn subnets(
    sdk: &SdkConfig,
    settings: &AwsSettings,
    ids: &[String],
) -> AwsResult<Vec<SubnetInfo>> {
    let out = ec2(sdk, settings)
        .describe_subnets()
        .set_subnet_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(err("DescribeSubnets"))?;
    Ok(out
        .subnets()
        .iter()
        .map(|s| SubnetInfo {
            id: s.subnet_id().unwrap_or_default().to_owned(),
            vpc_id: s.vpc_id().unwrap_or_default().to_owned(),
            availability_zone: s.availability_zone().unwrap_or_default().to_owned(),
            free_ips: i64::from(s.available_ip_address_count().unwrap_or(0)),
        })
        .collect())
}

pub async fn security_groups(
    sdk: &SdkConfig,
    settings: &AwsSettings,
    ids: &[String],
) -> AwsResult<Vec<SecurityGroupInfo>> {
    let out = ec2(sdk, settings)
        .describe_security_groups()
        .set_group_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(err("DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .iter()
        .map(|g| SecurityGroupInfo {
            id: g.group_id().unwrap_or_default().to_owned(),
            ingress: g.ip_permissions().iter().map(ingress_rule).collect(),
        })
        .collect())
}

fn ingress_rule(p: &aws_sdk_ec2::types::IpPermission) -> IngressRule {
    IngressRule {
        protocol: p.ip_protocol().unwrap_or("-1").to_owned(),
        from_port: p.from_port().map(i64::from),
        to_port: p.to_port().map(i64::from),
        source_groups: p
            .user_id_group_pairs()
            .iter()
            .filter_map(|pair| pair.group_id().map(str::to_owned))
            .collect(),
        cidrs: p
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(str::to_owned))
            .chain(
                p.ipv6_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ipv6().map(str::to_owned)),
            )
            .collect(),
        prefix_lists: p
            .prefix_list_ids()
            .iter()
            .filter_map(|l| l.prefix_list_id().map(str::to_owned))
            .collect(),
    }
}

/// The security groups of the load balancer `arn`.
pub async fn load_balancer_security_groups(
    sdk: &SdkConfig,
    settings: &AwsSettings,
    arn: &str,
) -> AwsResult<Vec<String>> {
    let out = elbv2(sdk, settings)
        .describe_load_balancers()
        .load_balancer_arns(arn)
        .send()
        .await
        .map_err(err("DescribeLoadBalancers"))?;
    out.load_balancers()
        .first()
        .map(|lb| lb.security_groups().to_vec())
        .ok_or_else(|| AwsError::new("DescribeLoadBalancers", format!("no load balancer {arn}")))
}
