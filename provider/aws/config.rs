//! The AWS settings of the provider in hashicorp/aws's conventions (region, profile, shared
//! files, static keys, assume_role, default_tags, per-service endpoints, retries) and the SDK
//! configuration they load; the standard AWS environment variables and credential chain apply
//! underneath. The configuration block's schema and decoding are fargate/provider_config.rs's.

use std::collections::BTreeMap;

use aws_config::BehaviorVersion;
use std::time::Duration;

use aws_config::retry::{RetryConfig, RetryMode};
use aws_config::timeout::TimeoutConfig;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::SdkConfig;
use aws_types::region::Region;

/// Provider settings, decoded from the configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub shared_config_files: Vec<String>,
    pub shared_credentials_files: Vec<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub max_retries: Option<u32>,
    pub retry_mode: Option<RetryMode>,
    pub skip_credentials_validation: bool,
    pub assume_role: Option<AssumeRole>,
    pub default_tags: BTreeMap<String, String>,
    pub endpoints: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

/// Why the SDK configuration could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "Set region in the provider configuration, or AWS_REGION in the environment, or a region in the \
         shared config profile."
    )]
    NoRegion,
}

impl AwsSettings {
    /// Loads the SDK configuration: settings first, then the environment and shared files.
    pub async fn load(&self) -> Result<SdkConfig, ConfigError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if !self.shared_config_files.is_empty() || !self.shared_credentials_files.is_empty() {
            let mut files = EnvConfigFiles::builder();
            if self.shared_config_files.is_empty() {
                files = files.include_default_config_file(true);
            }
            if self.shared_credentials_files.is_empty() {
                files = files.include_default_credentials_file(true);
            }
            for f in &self.shared_config_files {
                files = files.with_file(EnvConfigFileKind::Config, expand_home(f));
            }
            for f in &self.shared_credentials_files {
                files = files.with_file(EnvConfigFileKind::Credentials, expand_home(f));
            }
            loader = loader.profile_files(files.build());
        }
        if let (Some(key), Some(secret)) = (&self.access_key, &self.secret_key) {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                key.clone(),
                secret.clone(),
                self.token.clone(),
                None,
                "provider-configuration",
            ));
        }
        loader = loader
            .retry_config(retry_config(
                self.max_retries,
                self.retry_mode,
                std::env::var("AWS_MAX_ATTEMPTS").ok(),
                std::env::var("AWS_RETRY_MODE").ok(),
            ))
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            );
        let base = loader.load().await;
        if base.region().is_none() {
            return Err(ConfigError::NoRegion);
        }
        let Some(role) = &self.assume_role else {
            return Ok(base);
        };
        // The role is assumed through the configured STS endpoint, like every other call.
        let sts_config = match self.endpoints.get("sts") {
            Some(url) => base.clone().into_builder().endpoint_url(url).build(),
            None => base.clone(),
        };
        let mut assume = aws_config::sts::AssumeRoleProvider::builder(role.role_arn.clone())
            .session_name(
                role.session_name
                    .clone()
                    .unwrap_or_else(|| "terraform-provider-fargate".to_owned()),
            )
            .configure(&sts_config);
        if let Some(id) = &role.external_id {
            assume = assume.external_id(id.clone());
        }
        let provider = assume.build().await;
        Ok(base
            .into_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build())
    }
}

/// Retries when neither `max_retries` nor `AWS_MAX_ATTEMPTS` says otherwise: hashicorp/aws's
/// default, so a throttled account behaves as its users expect.
pub const DEFAULT_MAX_RETRIES: u32 = 25;

/// The longest wait between two attempts; the backoff grows exponentially (with jitter) to it.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// One attempt of one AWS call; a hung connection is retried rather than waited on forever.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// All attempts of one AWS call together, so retries stay bounded.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(600);

/// Retries as hashicorp/aws has them: `max_retries` wins, then `AWS_MAX_ATTEMPTS`, then
/// [`DEFAULT_MAX_RETRIES`]; `retry_mode`, then `AWS_RETRY_MODE`, then standard (exponential
/// backoff with jitter). Adaptive mode also cuts the client's request rate on every throttle,
/// which suits an account throttled by rate but starves one throttled at random.
fn retry_config(
    max_retries: Option<u32>,
    mode: Option<RetryMode>,
    env_attempts: Option<String>,
    env_mode: Option<String>,
) -> RetryConfig {
    let attempts = match (
        max_retries,
        env_attempts.and_then(|v| v.trim().parse::<u32>().ok()),
    ) {
        (Some(retries), _) => retries + 1,
        (None, Some(attempts)) if attempts >= 1 => attempts,
        _ => DEFAULT_MAX_RETRIES + 1,
    };
    let mode = mode
        .or_else(|| env_mode.and_then(|m| m.trim().parse().ok()))
        .unwrap_or(RetryMode::Standard);
    let base = match mode {
        RetryMode::Adaptive => RetryConfig::adaptive(),
        _ => RetryConfig::standard(),
    };
    base.with_max_attempts(attempts)
        .with_max_backoff(MAX_BACKOFF)
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_setting_then_environment_then_default() {
        let attempts = |n, env: Option<&str>| {
            retry_config(n, None, env.map(str::to_owned), None).max_attempts()
        };
        assert_eq!(attempts(Some(0), Some("7")), 1);
        assert_eq!(attempts(None, Some("7")), 7);
        assert_eq!(attempts(None, Some("junk")), 26);
        assert_eq!(attempts(None, None), 26);
        let mode =
            |m, env: Option<&str>| retry_config(None, m, None, env.map(str::to_owned)).mode();
        assert_eq!(mode(None, None), RetryMode::Standard);
        assert_eq!(mode(None, Some("adaptive")), RetryMode::Adaptive);
        assert_eq!(
            mode(Some(RetryMode::Standard), Some("adaptive")),
            RetryMode::Standard
        );
    }
}
