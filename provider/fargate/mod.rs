//! The fargate provider: the framework's `Provider` and `Resource` implemented on the domain
//! model (`service`) and its AWS rendering (`aws`). This is where the layers meet.

mod observed_state;
mod production_service;

use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use crate::aws::config::{AwsSettings, provider_schema};
use crate::tfplugin::{Diagnostic, Diagnostics, Provider, Resource, Schema};
use crate::value::Value;

pub use production_service::ProductionService;

/// What ConfigureProvider establishes, shared with the resources.
#[derive(Debug, Clone)]
pub struct Configured {
    pub settings: AwsSettings,
    pub sdk: aws_types::SdkConfig,
    /// From STS GetCallerIdentity; absent with skip_credentials_validation.
    pub account_id: Option<String>,
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

    fn validate(&self, config: &Value) -> Diagnostics {
        match AwsSettings::from_config_allowing_unknown(config) {
            Ok(_) => Diagnostics::new(),
            Err(d) => d,
        }
    }

    async fn configure(&self, config: &Value, _terraform_version: &str) -> Diagnostics {
        let settings = match AwsSettings::from_config(config) {
            Ok(s) => s,
            Err(d) => return d,
        };
        let sdk = match settings.load().await {
            Ok(sdk) => sdk,
            Err(d) => return d.into(),
        };
        let mut diags = Diagnostics::new();
        let account_id = if settings.skip_credentials_validation {
            None
        } else {
            match crate::aws::identity::caller_account(&sdk, &settings).await {
                Ok(account) => Some(account),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "AWS credentials are not valid",
                        format!(
                            "STS GetCallerIdentity failed: {e}. Check the credentials (environment, profile or \
                             provider settings), or set skip_credentials_validation = true for endpoints without STS."
                        ),
                    ));
                    return diags;
                }
            }
        };
        let configured = Arc::new(Configured {
            settings,
            sdk,
            account_id,
        });
        match self.configured.write() {
            Ok(mut guard) => *guard = Some(configured),
            Err(poisoned) => *poisoned.into_inner() = Some(configured),
        }
        diags
    }
}
