//! What a provider implements. The server decodes every request against the schemas declared
//! here, so implementations see typed `Value`s and answer with `Value`s and diagnostics.

use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::value::{AttributePath, Value};

use super::{Diagnostics, Function, Schema};

/// Fires when Terraform asks the provider to stop (Ctrl-C): long operations should wind down
/// and report what they did. The provider keeps serving afterwards.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(pub(crate) CancellationToken);

impl StopSignal {
    pub fn is_stopped(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Resolves once a stop has been requested.
    pub async fn stopped(&self) {
        self.0.cancelled().await;
    }

    /// The token behind the signal, for a layer that keeps its own view of a stop.
    pub fn token(&self) -> CancellationToken {
        self.0.clone()
    }
}

/// A provider: its configuration schema, resource types and functions.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// Used in user-facing texts ("fargate").
    fn name(&self) -> &str;
    fn schema(&self) -> Schema;
    fn resources(&self) -> Vec<Arc<dyn Resource>>;
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }
    /// Checks a configuration that may hold unknown values.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// Called once per process before resource operations (not for `validate`).
    async fn configure(&self, config: &Value, terraform_version: &str) -> Diagnostics;
}

/// The inputs of PlanResourceChange, decoded.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub prior_state: Value,
    pub proposed_new_state: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
    pub stop: StopSignal,
}

#[derive(Debug, Clone, Default)]
pub struct PlanResponse {
    pub planned_state: Value,
    pub planned_private: Vec<u8>,
    /// Extra replacement paths beyond the schema's `requires_replace` attributes.
    pub requires_replace: Vec<AttributePath>,
    pub diagnostics: Diagnostics,
}

/// The inputs of ApplyResourceChange: a null prior means create, a null planned state means
/// destroy, anything else update.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub prior_state: Value,
    pub planned_state: Value,
    pub config: Value,
    pub planned_private: Vec<u8>,
    pub stop: StopSignal,
}

#[derive(Debug, Clone, Default)]
pub struct ApplyResponse {
    /// On error, what exists (so nothing is orphaned); null only after a destroy or when
    /// nothing was created.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone)]
pub struct ReadRequest {
    pub current_state: Value,
    pub private: Vec<u8>,
    pub stop: StopSignal,
}

#[derive(Debug, Clone, Default)]
pub struct ReadResponse {
    /// Null when the remote object is gone.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Default)]
pub struct ImportResponse {
    pub state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// One managed resource type.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    /// Checks a configuration that may hold unknown values; no remote calls.
    fn validate(&self, config: &Value) -> Diagnostics;
    /// Brings state stored by an older schema version (already fitted to the current type)
    /// up to date.
    fn upgrade(&self, _version: i64, state: Value) -> Result<Value, Diagnostics> {
        Ok(state)
    }
    async fn plan(&self, request: PlanRequest) -> PlanResponse;
    async fn apply(&self, request: ApplyRequest) -> ApplyResponse;
    async fn read(&self, request: ReadRequest) -> ReadResponse;
    async fn import(&self, id: &str, stop: StopSignal) -> ImportResponse;
}
