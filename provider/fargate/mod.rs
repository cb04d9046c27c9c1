//! The fargate provider: the framework's `Provider` and `Resource` implemented on the domain
//! model (`service`) and its AWS rendering (`aws`). This is where the layers meet.

pub mod docs;
mod functions;
mod imported_state;
mod network_checks;
mod observed_state;
mod observed_task;
mod production_service;
pub mod provider_config;

use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use crate::aws::config::{AwsSettings, ConfigError};
use crate::tfplugin::{Diagnostic, Diagnostics, Function, Provider, Resource, Schema};
use crate::value::{AttributePath, Value};
use provider_config::provider_schema;

pub use production_service::ProductionService;

/// What ConfigureProvider establishes, shared with the resources.
#[derive(Debug)]
pub struct Configured {
    pub settings: AwsSettings,
    pub sdk: aws_types::SdkConfig,
    /// The account STS GetCallerIdentity answered, once it succeeded (a failure is asked again
    /// next time: a throttled or unreachable STS says nothing about the credentials).
    pub credentials_checked: tokio::sync::OnceCell<String>,
    /// The plan-time network lookups' answers (see `network_checks::NetworkLookups`).
    pub network: network_checks::NetworkLookups,
}

/// Set once by ConfigureProvider; resources read it.
pub type SharedConfig = Arc<RwLock<Option<Arc<Configured>>>>;

pub struct FargateProvider {
    configured: SharedConfig,
}

impl FargateProvider {
    pub fn new() -> Self {
        Self {
            configured: Arc::new(RwLock::new(None)),
        }
    }
}

impl Default for FargateProvider {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl Provider for FargateProvider {
    fn name(&self) -> &str {
        "fargate"
    }

    fn schema(&self) -> Schema {
        provider_schema()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(ProductionService::new(self.configured.clone()))]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![
            Arc::new(functions::ValidMemory),
            Arc::new(functions::AlbResourceLabel),
        ]
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        match provider_config::settings_allowing_unknown(config) {
            Ok(_) => Diagnostics::new(),
            Err(d) => d,
        }
    }

    async fn configure(&self, config: &Value, _terraform_version: &str) -> Diagnostics {
        let settings = match provider_config::settings(config) {
            Ok(s) => s,
            Err(d) => return d,
        };
        let sdk = match settings.load().await {
            Ok(sdk) => sdk,
            Err(e @ ConfigError::NoRegion) => {
                return Diagnostic::error("No AWS region", e.to_string())
                    .at(AttributePath::attr("region"))
                    .into();
            }
        };
        let configured = Arc::new(Configured {
            settings,
            sdk,
            credentials_checked: tokio::sync::OnceCell::new(),
            network: network_checks::NetworkLookups::default(),
        });
        match self.configured.write() {
            Ok(mut guard) => *guard = Some(configured),
            Err(poisoned) => *poisoned.into_inner() = Some(configured),
        }
        Diagnostics::new()
    }
}

impl Configured {
    /// Checks the credentials with STS GetCallerIdentity once, before the first call that needs
    /// them, so a plan that needs no AWS call (validation errors, a new service) makes none.
    pub async fn check_credentials(&self) -> Result<(), Diagnostic> {
        if self.settings.skip_credentials_validation {
            return Ok(());
        }
        match self.account().await {
            Ok(_) => Ok(()),
            Err(e) => Err(credentials_diagnostic(&e)),
        }
    }

    /// The account of the credentials: STS GetCallerIdentity, called once per provider.
    async fn account(&self) -> Result<&String, crate::aws::clients::AwsError> {
        self.credentials_checked
            .get_or_try_init(|| async {
                crate::aws::identity::caller_account(&self.sdk, &self.settings).await
            })
            .await
    }

    /// Where a service without a load balancer lives (it has no listener ARN to tell): the
    /// configured region and the account of the credentials, read once (the credentials check
    /// reads it anyway; with `skip_credentials_validation` only such a service asks for it).
    pub async fn home(&self) -> Result<crate::service::expand::Placement, Diagnostic> {
        let region = self
            .sdk
            .region()
            .map(|r| r.as_ref().to_owned())
            .unwrap_or_default();
        let account = self.account().await.map_err(|e| {
                Diagnostic::error(
                    "The account of a service without a load balancer is unknown",
                    format!(
                        "A service without load_balancer takes its account from STS GetCallerIdentity, which \
                         failed: {e}."
                    ),
                )
            })?;
        Ok(crate::service::expand::Placement::in_account(
            &region, account,
        ))
    }
}

/// What a failed credentials check means: refused credentials, a throttled STS, or an STS (or
/// credential source) that could not be reached are three different problems for the user.
fn credentials_diagnostic(e: &crate::aws::clients::AwsError) -> Diagnostic {
    if e.is_credentials_refused() {
        Diagnostic::error(
            "AWS credentials are not valid",
            format!(
                "STS GetCallerIdentity refused the credentials: {e}. Check the credentials (environment, profile \
                 or provider settings)."
            ),
        )
    } else if e.is_throttling() {
        Diagnostic::error(
            "AWS throttled the credentials check",
            format!(
                "STS GetCallerIdentity was still throttled after the provider's retries: {e}. Try again later, \
                 raise max_retries, or set skip_credentials_validation = true."
            ),
        )
    } else if e.code.is_some() {
        Diagnostic::error(
            "The credentials check failed",
            format!(
                "STS GetCallerIdentity failed: {e}. Set skip_credentials_validation = true for endpoints without \
                 STS."
            ),
        )
    } else {
        Diagnostic::error(
            "Could not check the AWS credentials",
            format!(
                "STS GetCallerIdentity did not get an answer from AWS: {e}. Check the network, the sts endpoint \
                 and the credential source (profile, environment, assume_role); or set \
                 skip_credentials_validation = true for endpoints without STS."
            ),
        )
    }
}
