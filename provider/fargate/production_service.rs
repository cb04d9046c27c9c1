//! `fargate_production_service`: the composite resource.

use async_trait::async_trait;

use crate::service::schema::{TYPE_NAME, schema};
use crate::tfplugin::{
    ApplyRequest, ApplyResponse, Diagnostic, Diagnostics, ImportResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, StopSignal,
};
use crate::value::Value;

use super::SharedConfig;

pub struct ProductionService {
    #[allow(dead_code)]
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
}

fn not_yet(what: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{what} is not available yet"),
        "This build of terraform-provider-fargate validates and plans fargate_production_service but does not \
         create, change, import or destroy it yet. Nothing was sent to AWS.",
    )
}

#[async_trait]
impl Resource for ProductionService {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.schema.clone()
    }

    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        let mut planned = request.proposed_new_state;
        self.schema
            .block
            .apply_defaults(&mut planned, &request.config);
        if request.prior_state.is_null()
            && let Value::Object(fields) = &mut planned
        {
            for a in self
                .schema
                .block
                .attributes
                .iter()
                .filter(|a| a.computed && !a.optional)
            {
                fields.insert(a.name.clone(), Value::unknown());
            }
        }
        PlanResponse {
            planned_state: planned,
            planned_private: request.prior_private,
            ..PlanResponse::default()
        }
    }

    async fn apply(&self, request: ApplyRequest) -> ApplyResponse {
        ApplyResponse {
            new_state: request.prior_state,
            private: request.planned_private,
            diagnostics: not_yet("Applying fargate_production_service").into(),
        }
    }

    async fn read(&self, request: ReadRequest) -> ReadResponse {
        ReadResponse {
            new_state: request.current_state,
            private: request.private,
            diagnostics: Diagnostics::new(),
        }
    }

    async fn import(&self, _id: &str, _stop: StopSignal) -> ImportResponse {
        ImportResponse {
            diagnostics: not_yet("Importing fargate_production_service").into(),
            ..ImportResponse::default()
        }
    }
}
