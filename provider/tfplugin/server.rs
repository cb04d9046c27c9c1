//! The tfplugin6 `Provider` gRPC service: decodes each request against the declared schemas,
//! hands it to the provider's `Provider`/`Resource` implementations and encodes the answer.
//! Problems with the values themselves are answered as diagnostics; gRPC errors are only for
//! requests that name something this provider does not have.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::{debug, info};

use crate::value::{Type, Value, decode_json};

use super::proto::tfplugin6 as pb;
use super::proto::{codec_diagnostic, decode_dynamic, diagnostics_to_proto, encode_dynamic};
use super::{
    ApplyRequest, Diagnostic, Diagnostics, Function, PlanRequest, Provider, ReadRequest, Resource,
    Schema, StopSignal,
};

/// Per resource type: the implementation, its schema and the value type derived from it.
struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    ty: Type,
}

/// Serves one `Provider` over tfplugin6.
pub struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    provider_type: Type,
    resources: BTreeMap<String, ResourceEntry>,
    functions: BTreeMap<String, Arc<dyn Function>>,
    stop: StopHandle,
}

/// Cancels the operations in flight, as StopProvider does; the transport also uses it when the
/// host is gone. Later requests get a fresh signal and run normally.
#[derive(Clone, Default)]
pub struct StopHandle(Arc<Mutex<CancellationToken>>);

impl StopHandle {
    pub fn stop(&self) {
        let mut guard = match self.0.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard.cancel();
        *guard = CancellationToken::new();
    }

    fn signal(&self) -> StopSignal {
        let token = match self.0.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        StopSignal(token)
    }
}

impl ProviderService {
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        let provider_schema = provider.schema();
        let provider_type = provider_schema.value_type();
        let resources = provider
            .resources()
            .into_iter()
            .map(|resource| {
                let schema = resource.schema();
                let ty = schema.value_type();
                (
                    resource.type_name().to_owned(),
                    ResourceEntry {
                        resource,
                        schema,
                        ty,
                    },
                )
            })
            .collect();
        let functions = provider
            .functions()
            .into_iter()
            .map(|f| (f.name().to_owned(), f))
            .collect();
        Self {
            provider,
            provider_schema,
            provider_type,
            resources,
            functions,
            stop: StopHandle::default(),
        }
    }

    /// What stops this service's in-flight operations, for whoever serves it.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Wraps the service for tonic with message limits raised far above tonic's 4 MiB default,
    /// since configurations and states can be large.
    pub fn into_server(self) -> pb::provider_server::ProviderServer<Self> {
        const MAX_MESSAGE: usize = 256 << 20;
        pb::provider_server::ProviderServer::new(self)
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE)
    }

    fn resource(&self, type_name: &str) -> Result<&ResourceEntry, Status> {
        self.resources.get(type_name).ok_or_else(|| {
            Status::not_found(format!("this provider has no resource type {type_name:?}"))
        })
    }

    fn stop_signal(&self) -> StopSignal {
        self.stop.signal()
    }

    fn function_to_proto(f: &dyn Function) -> pb::Function {
        pb::Function {
            parameters: f
                .parameters()
                .into_iter()
                .map(|p| pb::function::Parameter {
                    name: p.name,
                    r#type: p.ty.to_json_bytes(),
                    allow_null_value: false,
                    allow_unknown_values: false,
                    description: p.description,
                    description_kind: pb::StringKind::Markdown as i32,
                })
                .collect(),
            variadic_parameter: None,
            r#return: Some(pb::function::Return {
                r#type: f.return_type().to_json_bytes(),
            }),
            summary: f.summary().to_owned(),
            description: f.description().to_owned(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecation_message: String::new(),
        }
    }

    fn functions_to_proto(&self) -> HashMap<String, pb::Function> {
        self.functions
            .iter()
            .map(|(name, f)| (name.clone(), Self::function_to_proto(f.as_ref())))
            .collect()
    }
}

/// Decodes one DynamicValue field, turning a failure into a diagnostic.
fn decode_field(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostics> {
    decode_dynamic(dv, ty).map_err(|e| codec_diagnostic(what, &e).into())
}

/// Encodes a result value; a value that does not fit its own schema is a provider bug,
/// reported as an error diagnostic.
fn encode_field(
    value: &Value,
    ty: &Type,
    diagnostics: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match encode_dynamic(value, ty) {
        Ok(dv) => Some(dv),
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                "Provider produced a value that does not fit its schema",
                format!("{e}. This is a bug in the provider."),
            ));
            None
        }
    }
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: Vec::new(),
            data_sources: Vec::new(),
            resources: self
                .resources
                .keys()
                .map(|t| pb::get_metadata::ResourceMetadata {
                    type_name: t.clone(),
                })
                .collect(),
            functions: self
                .functions
                .keys()
                .map(|n| pb::get_metadata::FunctionMetadata { name: n.clone() })
                .collect(),
            ephemeral_resources: Vec::new(),
            list_resources: Vec::new(),
            state_stores: Vec::new(),
            actions: Vec::new(),
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        debug!("GetProviderSchema");
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(self.provider_schema.to_proto()),
            resource_schemas: self
                .resources
                .iter()
                .map(|(name, e)| (name.clone(), e.schema.to_proto()))
                .collect(),
            data_source_schemas: HashMap::new(),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(server_capabilities()),
            functions: self.functions_to_proto(),
            ephemeral_resource_schemas: HashMap::new(),
            list_resource_schemas: HashMap::new(),
            state_store_schemas: HashMap::new(),
            action_schemas: HashMap::new(),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(
            pb::get_resource_identity_schemas::Response::default(),
        ))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = request.into_inner();
        let diagnostics = match decode_field(
            req.config.as_ref(),
            &self.provider_type,
            "provider configuration",
        ) {
            Ok(config) => self.provider.validate(&config),
            Err(d) => d,
        };
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = request.into_inner();
        let entry = self.resource(&req.type_name)?;
        debug!(type_name = %req.type_name, "ValidateResourceConfig");
        let diagnostics =
            match decode_field(req.config.as_ref(), &entry.ty, "resource configuration") {
                Ok(config) => entry.resource.validate(&config),
                Err(d) => d,
            };
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        Err(Status::not_found(format!(
            "this provider has no data source {:?}",
            request.into_inner().type_name
        )))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = request.into_inner();
        let entry = self.resource(&req.type_name)?;
        debug!(type_name = %req.type_name, version = req.version, "UpgradeResourceState");
        let mut diagnostics = Diagnostics::new();
        let raw = req.raw_state.unwrap_or_default();
        let upgraded = if raw.json.is_empty() && !raw.flatmap.is_empty() {
            diagnostics.push(Diagnostic::error(
                "Unsupported state format",
                "This state was written in the legacy flatmap format, which this provider never used.",
            ));
            None
        } else if req.version > entry.schema.version {
            diagnostics.push(Diagnostic::error(
                "State is newer than this provider",
                format!(
                    "The state has schema version {}, but this provider only knows versions up to {}. Use the provider version that wrote it.",
                    req.version, entry.schema.version
                ),
            ));
            None
        } else {
            match decode_json(&raw.json, &entry.ty) {
                Err(e) => {
                    diagnostics.push(codec_diagnostic("stored state", &e));
                    None
                }
                Ok(state) => match entry.resource.upgrade(req.version, state) {
                    Ok(v) => encode_field(&v, &entry.ty, &mut diagnostics),
                    Err(d) => {
                        diagnostics.extend(d);
                        None
                    }
                },
            }
        };
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = request.into_inner();
        info!(terraform_version = %req.terraform_version, "ConfigureProvider");
        let diagnostics = match decode_field(
            req.config.as_ref(),
            &self.provider_type,
            "provider configuration",
        ) {
            Ok(config) => {
                self.provider
                    .configure(&config, &req.terraform_version)
                    .await
            }
            Err(d) => d,
        };
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = request.into_inner();
        let entry = self.resource(&req.type_name)?;
        debug!(type_name = %req.type_name, "ReadResource");
        let current = match decode_field(req.current_state.as_ref(), &entry.ty, "current state") {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::read_resource::Response {
                    new_state: req.current_state,
                    diagnostics: diagnostics_to_proto(d.iter()),
                    private: req.private,
                    ..Default::default()
                }));
            }
        };
        let resp = entry
            .resource
            .read(ReadRequest {
                current_state: current,
                private: req.private,
                stop: self.stop_signal(),
            })
            .await;
        let mut diagnostics = resp.diagnostics;
        let new_state = encode_field(&resp.new_state, &entry.ty, &mut diagnostics);
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
            private: resp.private,
            deferred: None,
            new_identity: None,
        }))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        let entry = self.resource(&req.type_name)?;
        debug!(type_name = %req.type_name, "PlanResourceChange");
        let decoded = (|| {
            Ok::<_, Diagnostics>((
                decode_field(req.prior_state.as_ref(), &entry.ty, "prior state")?,
                decode_field(
                    req.proposed_new_state.as_ref(),
                    &entry.ty,
                    "proposed new state",
                )?,
                decode_field(req.config.as_ref(), &entry.ty, "configuration")?,
            ))
        })();
        let (prior, proposed, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::plan_resource_change::Response {
                    diagnostics: diagnostics_to_proto(d.iter()),
                    ..Default::default()
                }));
            }
        };
        if proposed.is_null() {
            // Destroy: nothing to plan; keep the private data for the apply.
            return Ok(Response::new(pb::plan_resource_change::Response {
                planned_state: encode_dynamic(&Value::Null, &entry.ty).ok(),
                planned_private: req.prior_private,
                ..Default::default()
            }));
        }
        let resp = entry
            .resource
            .plan(PlanRequest {
                prior_state: prior.clone(),
                proposed_new_state: proposed,
                config,
                prior_private: req.prior_private,
                stop: self.stop_signal(),
            })
            .await;
        let mut diagnostics = resp.diagnostics;
        let mut replace = entry
            .schema
            .block
            .replacement_paths(&prior, &resp.planned_state);
        for p in resp.requires_replace {
            if !replace.contains(&p) {
                replace.push(p);
            }
        }
        let planned_state = encode_field(&resp.planned_state, &entry.ty, &mut diagnostics);
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state,
            requires_replace: replace.iter().map(super::proto::path_to_proto).collect(),
            planned_private: resp.planned_private,
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
            legacy_type_system: false,
            deferred: None,
            planned_identity: None,
        }))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        let entry = self.resource(&req.type_name)?;
        debug!(type_name = %req.type_name, "ApplyResourceChange");
        let decoded = (|| {
            Ok::<_, Diagnostics>((
                decode_field(req.prior_state.as_ref(), &entry.ty, "prior state")?,
                decode_field(req.planned_state.as_ref(), &entry.ty, "planned state")?,
                decode_field(req.config.as_ref(), &entry.ty, "configuration")?,
            ))
        })();
        let (prior, planned, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                // Keep what was there: answering the prior state loses nothing.
                return Ok(Response::new(pb::apply_resource_change::Response {
                    new_state: req.prior_state,
                    diagnostics: diagnostics_to_proto(d.iter()),
                    private: req.planned_private,
                    ..Default::default()
                }));
            }
        };
        let resp = entry
            .resource
            .apply(ApplyRequest {
                prior_state: prior,
                planned_state: planned,
                config,
                planned_private: req.planned_private,
                stop: self.stop_signal(),
            })
            .await;
        let mut diagnostics = resp.diagnostics;
        let new_state = encode_field(&resp.new_state, &entry.ty, &mut diagnostics);
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state,
            private: resp.private,
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
            legacy_type_system: false,
            new_identity: None,
        }))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        let entry = self.resource(&req.type_name)?;
        info!(type_name = %req.type_name, id = %req.id, "ImportResourceState");
        let resp = entry.resource.import(&req.id, self.stop_signal()).await;
        let mut diagnostics = resp.diagnostics;
        let mut imported = Vec::new();
        if !diagnostics.has_errors()
            && !resp.state.is_null()
            && let Some(state) = encode_field(&resp.state, &entry.ty, &mut diagnostics)
        {
            imported.push(pb::import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: Some(state),
                private: resp.private,
                identity: None,
            });
        }
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diagnostics_to_proto(diagnostics.iter()),
            deferred: None,
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        Err(Status::not_found(format!(
            "this provider has no data source {:?}",
            request.into_inner().type_name
        )))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.functions_to_proto(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = request.into_inner();
        let function_error = |text: String, arg: Option<i64>| {
            Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text,
                    function_argument: arg,
                }),
            }))
        };
        let Some(f) = self.functions.get(&req.name) else {
            return function_error(
                format!("this provider has no function {:?}", req.name),
                None,
            );
        };
        let params = f.parameters();
        if req.arguments.len() != params.len() {
            return function_error(
                format!(
                    "{} takes {} arguments, got {}",
                    req.name,
                    params.len(),
                    req.arguments.len()
                ),
                None,
            );
        }
        let mut args = Vec::with_capacity(params.len());
        for (i, (dv, p)) in req.arguments.iter().zip(&params).enumerate() {
            match decode_dynamic(Some(dv), &p.ty) {
                Ok(v) => args.push(v),
                Err(e) => {
                    return function_error(format!("argument {}: {e}", p.name), Some(i as i64));
                }
            }
        }
        match f.call(&args) {
            Ok(v) => match encode_dynamic(&v, &f.return_type()) {
                Ok(dv) => Ok(Response::new(pb::call_function::Response {
                    result: Some(dv),
                    error: None,
                })),
                Err(e) => function_error(
                    format!("provider bug: result does not fit its type: {e}"),
                    None,
                ),
            },
            Err((text, arg)) => function_error(text, arg),
        }
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        info!("StopProvider: cancelling in-flight operations");
        self.stop.stop();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: false,
        move_resource_state: false,
        generate_resource_config: false,
    }
}
