//! Looks up the task subnets for the plan-time capacity check (not a child: nothing is created).

use aws_types::SdkConfig;

use crate::service::checks::SubnetInfo;

use super::clients::{AwsResult, err};
use super::config::AwsSettings;

pub async fn describe(
    sdk: &SdkConfig,
    settings: &AwsSettings,
    ids: &[String],
) -> AwsResult<Vec<SubnetInfo>> {
    let mut conf = aws_sdk_ec2::config::Builder::from(sdk);
    if let Some(url) = settings.endpoints.get("ec2") {
        conf = conf.endpoint_url(url);
    }
    let client = aws_sdk_ec2::Client::from_conf(conf.build());
    let out = client
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
            availability_zone: s.availability_zone().unwrap_or_default().to_owned(),
            free_ips: i64::from(s.available_ip_address_count().unwrap_or(0)),
        })
        .collect())
}
