//! Who the provider acts as: STS GetCallerIdentity, which also validates the credentials.

use aws_types::SdkConfig;

use super::clients::{AwsError, AwsResult, err};
use super::config::AwsSettings;

/// The account ID of the configured credentials.
pub async fn caller_account(sdk: &SdkConfig, settings: &AwsSettings) -> AwsResult<String> {
    let mut conf = aws_sdk_sts::config::Builder::from(sdk);
    if let Some(url) = settings.endpoints.get("sts") {
        conf = conf.endpoint_url(url);
    }
    let client = aws_sdk_sts::Client::from_conf(conf.build());
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(err("GetCallerIdentity"))?;
    out.account
        .ok_or_else(|| AwsError::new("GetCallerIdentity", "no account in the response"))
}
