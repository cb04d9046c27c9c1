//! The resource's read (refresh): the children observed in AWS, their drift written into the
//! state, and no state at all once every child is gone.

use crate::aws::lifecycle;
use crate::service::state::{ChildIds, set_computed};
use crate::tfplugin::{Diagnostic, Diagnostics, ReadRequest, ReadResponse};
use crate::value::Value;

use super::{ProductionService, cluster_of, discover, expansion_of, home_for, live_of, set_attr};
use crate::fargate::observed_state::{apply_drift, keep_images};
use crate::service::appspec::appspec_attribute;
use crate::service::expand::ChildKey;
use crate::service::image_owner;

pub(super) async fn read(service: &ProductionService, request: ReadRequest) -> ReadResponse {
    let keep = |d: Diagnostic, request: ReadRequest| ReadResponse {
        new_state: request.current_state,
        private: request.private,
        diagnostics: d.into(),
    };
    let (configured, clients) = match service.clients() {
        Ok(v) => v,
        Err(d) => return keep(d, request),
    };
    let home = match home_for(&configured, &[&request.current_state]).await {
        Ok(h) => h,
        Err(d) => return keep(d, request),
    };
    let (spec, exp) = match expansion_of(
        &request.current_state,
        &configured.settings.default_tags,
        home.as_ref(),
    ) {
        Ok(v) => v,
        Err(d) => return keep(d, request),
    };
    let ids = ChildIds::from_private(&request.private);
    let reads = async {
        let ids = if ids.is_empty() {
            discover(&clients, &exp).await?
        } else {
            ids
        };
        lifecycle::observe(&clients, &exp, &ids).await
    };
    // One round: the credentials check, the children's reads and the network lookups the
    // plan after this refresh checks (kept for it) do not wait for each other.
    let (checked, observed, ()) = tokio::join!(
        configured.check_credentials(),
        reads,
        crate::fargate::network_checks::prefetch(&configured, &request.current_state),
    );
    if let Err(d) = checked {
        return keep(d, request);
    }
    let observed = match observed {
        Ok(o) => o,
        Err(e) => {
            return keep(
                Diagnostic::error("Reading the service failed", e.to_string()),
                request,
            );
        }
    };
    if observed.ids.is_empty() {
        // Every child is gone: the service no longer exists.
        return ReadResponse::default();
    }
    let mut state = request.current_state;
    let configured = state.clone();
    apply_drift(
        &mut state,
        &observed,
        spec.autoscaling.is_some(),
        &exp.task_definition,
    );
    if let Some(td) = &observed.task_definition {
        let running = image_owner::images_value(&image_owner::images_of(td));
        set_attr(&mut state, "running_images", running);
    }
    if image_owner::pipeline_owns(&configured) {
        // The pipeline's images are not drift: the state keeps the configuration's.
        keep_images(&mut state, &configured);
    }
    let live = observed.live.or_else(|| live_of(&state));
    let cluster = cluster_of(&state).to_owned();
    set_computed(&mut state, &exp.shape(), &observed.ids, live, &cluster);
    let appspec = appspec_attribute(&exp, observed.ids.get(ChildKey::TaskDefinition));
    set_attr(&mut state, "appspec", appspec);
    if observed.registry_detached {
        // Shown as no registry, so the plan replaces the service (see plan).
        set_attr(&mut state, "service_discovery_arn", Value::Null);
    }
    ReadResponse {
        new_state: state,
        private: observed.ids.to_private(),
        diagnostics: Diagnostics::new(),
    }
}
