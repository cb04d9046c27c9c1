//! `fargate_production_service`: the composite resource. This file holds the resource type,
//! what its operations share (the provider's configuration and clients, the expansion of a
//! value, the state's computed attributes) and the framework's `Resource` impl, which hands
//! each operation to its room: `plan` works out defaults, what changes and what is replaced
//! (the decisions themselves are `service::change`'s); `apply` creates, changes, rolls out or
//! destroys the children as one unit through `aws::lifecycle`; `read` reports drift; `import`
//! rebuilds the state from AWS.

mod apply;
mod import;
mod plan;
mod read;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::aws::clients::Clients;
use crate::service::checks;
use crate::service::expand::{DeploymentStrategy, Expansion, Placement, Unplaced, expand};
use crate::service::schema::{TYPE_NAME, schema};
use crate::service::spec::ServiceSpec;
use crate::service::state::{ChildIds, Colour};
use crate::tfplugin::{
    ApplyRequest, ApplyResponse, Diagnostic, Diagnostics, ImportResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, StopSignal,
};
use crate::value::{AttributePath, Value};

use super::{Configured, SharedConfig};

/// The resource: the provider's configuration (set once OpenTofu configures the provider) and
/// the schema.
pub struct ProductionService {
    configured: SharedConfig,
    schema: Schema,
}

impl ProductionService {
    pub fn new(configured: SharedConfig) -> Self {
        Self {
            configured,
            schema: schema(),
        }
    }

    fn configured_now(&self) -> Option<Arc<Configured>> {
        match self.configured.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    async fn connect(&self) -> Result<(Arc<Configured>, Clients), Diagnostic> {
        let (configured, clients) = self.clients()?;
        configured.check_credentials().await?;
        Ok((configured, clients))
    }

    /// The configuration and clients without the credentials check, for a caller that runs
    /// the check alongside its first AWS calls instead of a round before them.
    fn clients(&self) -> Result<(Arc<Configured>, Clients), Diagnostic> {
        let configured = {
            let guard = match self.configured.read() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            guard.clone().ok_or_else(|| {
                Diagnostic::error(
                    "Provider not configured",
                    "OpenTofu did not configure the fargate provider before using the resource.",
                )
            })?
        };
        let clients = Clients::new(&configured.sdk, &configured.settings.endpoints);
        Ok((configured, clients))
    }
}

/// The expansion of a wholly known value, or a diagnostic at the attribute that prevents it.
///
/// A service behind a load balancer is placed by its production listener's ARN; one without
/// is placed in `home` (the provider's region and account).
fn expansion_of(
    value: &Value,
    default_tags: &BTreeMap<String, String>,
    home: Option<&Placement>,
) -> Result<(ServiceSpec, Expansion), Diagnostic> {
    let spec = ServiceSpec::from_value(value).map_err(|e| {
        Diagnostic::error("Invalid service settings", e.message.clone()).at(e.path.clone())
    })?;
    let placement = Placement::of_service(&spec, home).map_err(|e| match e {
        Unplaced::NoHome => Diagnostic::error(
            "No account for a service without a load balancer",
            "The service has no load_balancer, so its account and region come from the provider, which \
             could not tell them.",
        ),
        Unplaced::ListenerArn(arn) => Diagnostic::error(
            "Invalid listener ARN",
            format!(
                "{arn:?} is not an Application Load Balancer listener ARN \
                 (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>)."
            ),
        )
        .at(AttributePath::attr("load_balancer").join_attr("production_listener_arn")),
    })?;
    let exp = expand(&spec, &placement, default_tags);
    Ok((spec, exp))
}

/// The provider's region and account, when one of the values is a service without a load
/// balancer (which has no listener ARN to place it).
async fn home_for(
    configured: &super::Configured,
    values: &[&Value],
) -> Result<Option<Placement>, Diagnostic> {
    let without_load_balancer = values
        .iter()
        .any(|v| matches!(v, Value::Object(_)) && v.get("load_balancer").is_null());
    if without_load_balancer {
        configured.home().await.map(Some)
    } else {
        Ok(None)
    }
}

fn set_attr(value: &mut Value, name: &str, v: Value) {
    if let Value::Object(m) = value {
        m.insert(name.to_owned(), v);
    }
}

fn live_of(state: &Value) -> Option<Colour> {
    match state.get("live_target_group").as_str() {
        Some("blue") => Some(Colour::Blue),
        Some("green") => Some(Colour::Green),
        _ => None,
    }
}

fn cluster_of(state: &Value) -> &str {
    state.get("cluster").as_str().unwrap_or_default()
}

/// Finds the identities of a service's children by their derived names (for a state without
/// private data, and for import): this service's, and those without an owner tag (children
/// made before owner tags existed), never another service's.
async fn discover(c: &Clients, exp: &Expansion) -> Result<ChildIds, crate::aws::clients::AwsError> {
    let found = crate::aws::discover::discover(c, exp).await?;
    let mut ids = found.ours;
    ids.merge_missing(&found.untagged);
    Ok(ids)
}

#[async_trait]
impl Resource for ProductionService {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.schema.clone()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        checks::check(config)
    }

    /// A state written before an attribute existed (`sidecar`, `enable_execute_command`, …)
    /// gets what a plan fills in, so it plans no change.
    fn upgrade(&self, _version: i64, mut state: Value) -> Result<Value, Diagnostics> {
        if !state.is_null() {
            // Before `deployment_strategy` existed every service deployed through CodeDeploy;
            // the schema's default is what a new service gets, so it must not fill this one.
            if state.get("deployment_strategy").is_null()
                && let Value::Object(fields) = &mut state
            {
                fields.insert(
                    "deployment_strategy".to_owned(),
                    Value::string(DeploymentStrategy::BEFORE_THE_ATTRIBUTE.name()),
                );
            }
            self.schema.block.fill_absent(&mut state);
            crate::service::defaults::fill_load_balancer_protocols(&mut state, None);
        }
        Ok(state)
    }

    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        plan::plan(self, request).await
    }

    async fn apply(&self, request: ApplyRequest) -> ApplyResponse {
        apply::apply(self, request).await
    }

    async fn read(&self, request: ReadRequest) -> ReadResponse {
        read::read(self, request).await
    }

    async fn import(&self, id: &str, stop: StopSignal) -> ImportResponse {
        import::import(self, id, stop).await
    }
}
