//! The resource's apply, as the steps it is made of: find the children, then create, update
//! (recreate the missing, switch strategy, update in place, delete the dropped, roll out a new
//! revision) or destroy them through `aws::lifecycle`, and write the state of what exists.

use std::collections::BTreeMap;

use crate::aws::clients::Clients;
use crate::aws::lifecycle::{self, ChildError};
use crate::aws::rollout::{self, Rollout};
use crate::aws::scaling_policy;
use crate::service::appspec::appspec_attribute;
use crate::service::change::{ROLLOUT_PATHS, needs_new_revision};
use crate::service::expand::{ChildKey, Expansion, Placement};
use crate::service::image_owner;
use crate::service::state::{ChildIds, Colour, set_computed};
use crate::tfplugin::{ApplyRequest, ApplyResponse, Diagnostic, Diagnostics};
use crate::value::Value;

use super::{
    Configured, ProductionService, cluster_of, discover, expansion_of, home_for, live_of, set_attr,
};

pub(super) async fn apply(service: &ProductionService, request: ApplyRequest) -> ApplyResponse {
    // A destroy checks the credentials alongside its first calls (below), anything else
    // before them.
    let destroy = request.planned_state.is_null();
    let connected = if destroy {
        service.clients()
    } else {
        service.connect().await
    };
    let (configured, clients) = match connected {
        Ok(v) => v,
        Err(d) => return unchanged(request, d),
    };
    let home = match home_for(&configured, &[&request.prior_state, &request.planned_state]).await {
        Ok(h) => h,
        Err(d) => return unchanged(request, d),
    };
    let stop = crate::aws::executor::Stop::new(request.stop.token());
    let step = ApplyStep {
        configured: &configured,
        clients: &clients,
        default_tags: &configured.settings.default_tags,
        home: home.as_ref(),
        stop: &stop,
    };
    let ids = match step.children(&request).await {
        Ok(ids) => ids,
        Err(d) => return unchanged(request, d),
    };
    // Each step's future is large (expansions, the lifecycle's futures): boxed, so polling
    // them does not copy them through the worker thread's stack.
    if request.planned_state.is_null() {
        Box::pin(step.destroy(request, ids)).await
    } else if request.prior_state.is_null() {
        Box::pin(step.create(request, ids)).await
    } else {
        Box::pin(step.update(request, ids)).await
    }
}

/// The answer of an apply that changed nothing: the prior state and private data as they were.
fn unchanged(request: ApplyRequest, d: Diagnostic) -> ApplyResponse {
    ApplyResponse {
        new_state: request.prior_state,
        private: request.planned_private,
        diagnostics: d.into(),
    }
}

/// One apply, as the steps it is made of: find the children, then destroy, create or update.
struct ApplyStep<'a> {
    configured: &'a Configured,
    clients: &'a Clients,
    default_tags: &'a BTreeMap<String, String>,
    home: Option<&'a Placement>,
    stop: &'a crate::aws::executor::Stop,
}

impl ApplyStep<'_> {
    fn expansion(&self, value: &Value) -> Result<Expansion, Diagnostic> {
        expansion_of(value, self.default_tags, self.home).map(|(_, exp)| exp)
    }

    /// The children the prior apply left, from the private data; found by their derived names
    /// when it is missing (a state written by other tools, or one the host did not keep after a
    /// failed apply).
    async fn children(&self, request: &ApplyRequest) -> Result<ChildIds, Diagnostic> {
        let mut ids = ChildIds::from_private(&request.planned_private);
        // What the last read found drifted is repaired (or found again) by this apply.
        ids.drift.clear();
        if ids.is_empty() && !request.prior_state.is_null() {
            let exp = self.expansion(&request.prior_state)?;
            ids = discover(self.clients, &exp)
                .await
                .map_err(|e| Diagnostic::error("Reading the service failed", e.to_string()))?;
        }
        Ok(ids)
    }

    /// Deletes every child; on failure the state keeps what is left.
    async fn destroy(&self, request: ApplyRequest, mut ids: ChildIds) -> ApplyResponse {
        let exp = match self.expansion(&request.prior_state) {
            Ok(exp) => exp,
            Err(d) => return unchanged(request, d),
        };
        // The credentials check runs beside the deletes instead of a round before them.
        let (checked, problems) = tokio::join!(
            self.configured.check_credentials(),
            lifecycle::delete_all(self.clients, &exp, &mut ids, self.stop),
        );
        if problems.is_empty() {
            // Every call went through: whatever the check said, the credentials work.
            return ApplyResponse::default();
        }
        let mut state = request.prior_state;
        let live = live_of(&state);
        let cluster = cluster_of(&state).to_owned();
        set_computed(&mut state, &exp.shape(), &ids, live, &cluster);
        let mut diagnostics = Diagnostics::new();
        if let Err(d) = checked {
            diagnostics.push(d);
        }
        diagnostics.push(state_error("Destroying the service failed", &problems));
        ApplyResponse {
            new_state: state,
            private: ids.to_private(),
            diagnostics,
        }
    }

    /// Creates every child; what was created stays in the state when a child fails.
    async fn create(&self, request: ApplyRequest, mut ids: ChildIds) -> ApplyResponse {
        let exp = match self.expansion(&request.planned_state) {
            Ok(exp) => exp,
            Err(d) => return unchanged(request, d),
        };
        let live = Colour::Blue;
        let problems =
            lifecycle::create_missing(self.clients, &exp, &mut ids, live, self.stop).await;
        let state = request.planned_state.clone();
        finish(
            request,
            &exp,
            state,
            ids,
            live,
            problems,
            Diagnostics::new(),
        )
    }

    /// Recreates children found missing, moves to a new strategy, brings the children's
    /// settings up to date, deletes those no longer wanted, then rolls a new revision out.
    async fn update(&self, request: ApplyRequest, mut ids: ChildIds) -> ApplyResponse {
        let (exp, old) = match (
            self.expansion(&request.planned_state),
            self.expansion(&request.prior_state),
        ) {
            (Ok(exp), Ok(old)) => (exp, old),
            (Err(d), _) | (_, Err(d)) => return unchanged(request, d),
        };
        let mut exp = exp;
        if image_owner::pipeline_owns(&request.planned_state) {
            // A new revision keeps the images the pipeline deployed.
            let running = image_owner::running_images(&request.prior_state);
            image_owner::with_running_images(&mut exp.task_definition, &running);
        }
        let c = self.clients;
        let mut diagnostics = Diagnostics::new();
        let mut live = live_of(&request.prior_state).unwrap_or(Colour::Blue);
        let mut problems = lifecycle::create_missing(c, &exp, &mut ids, live, self.stop).await;
        let wait = request
            .planned_state
            .get("wait_for_deployment")
            .as_bool()
            .unwrap_or(true);
        if problems.is_empty()
            && old.strategy.deployment_controller() != exp.strategy.deployment_controller()
            && old.strategy.switches_in_place(exp.strategy)
        {
            match Box::pin(rollout::migrate_to_ecs(c, &exp, &mut ids, live, wait, self.stop)).await {
                Ok(Rollout::Deployed) => {
                    live = after_deployment(c, &exp, &mut ids, live, &mut problems).await;
                }
                Ok(Rollout::Started) => {}
                Ok(Rollout::Failed(why)) => diagnostics.push(Diagnostic::error(
                    "Moving to the ECS deployment controller: its first deployment did not succeed",
                    format!(
                        "The service is under the ECS controller now, but the deployment ECS started \
                         with it {why}. The service still runs its task definition revision."
                    ),
                )),
                Err(e) => problems.push(e),
            }
        }
        if problems.is_empty() {
            problems.extend(lifecycle::update_in_place(c, &old, &exp, &mut ids, live).await);
        }
        if problems.is_empty() {
            problems.extend(lifecycle::delete_dropped(c, &old, &exp, &mut ids, self.stop).await);
        }
        if !problems.is_empty() {
            // Some changes were not made: the state keeps the settings that were there, so the
            // next plan proposes the whole change again (redoing what did succeed is harmless)
            // instead of claiming it done.
            let state = request.prior_state.clone();
            return finish(request, &exp, state, ids, live, problems, diagnostics);
        }
        let mut state = request.planned_state.clone();
        if needs_new_revision(&request.prior_state, &request.planned_state) {
            let mut outcome = RolloutOutcome {
                state: &mut state,
                problems: &mut problems,
                diagnostics: &mut diagnostics,
            };
            live = Box::pin(self.roll_out(&request, &exp, &mut ids, live, wait, &mut outcome))
                .await
                .unwrap_or(live);
        }
        finish(request, &exp, state, ids, live, problems, diagnostics)
    }

    /// Registers the new revision and rolls it out through the strategy; the live colour after
    /// it when it was deployed. When it was not, the state keeps the settings that still run,
    /// so the next plan proposes the change again.
    async fn roll_out(
        &self,
        request: &ApplyRequest,
        exp: &Expansion,
        ids: &mut ChildIds,
        live: Colour,
        wait: bool,
        out: &mut RolloutOutcome<'_>,
    ) -> Option<Colour> {
        let keep_running = |state: &mut Value| {
            for p in ROLLOUT_PATHS.iter().chain(&["running_images"]) {
                set_attr(state, p, request.prior_state.get(p).clone());
            }
        };
        match Box::pin(rollout::roll_out(self.clients, exp, ids, wait, self.stop)).await {
            Ok(Rollout::Deployed) => {
                Some(after_deployment(self.clients, exp, ids, live, out.problems).await)
            }
            Ok(Rollout::Started) => None,
            Ok(Rollout::Failed(why)) => {
                keep_running(out.state);
                let family = exp.strategy.family();
                let (summary, by) = (family.rollout_failed, family.deployer);
                out.diagnostics.push(Diagnostic::error(
                    summary,
                    format!(
                        "{by} {why}. The service still runs the previous task definition revision; \
                         the state keeps its settings, so the next plan proposes the change again."
                    ),
                ));
                None
            }
            Err(e) => {
                // Nothing was deployed: as after a failed deployment, the state keeps the
                // settings the service still runs.
                keep_running(out.state);
                out.problems.push(lifecycle::service_error(
                    "rolling out the new task definition",
                    e,
                ));
                None
            }
        }
    }
}

/// Where a roll-out's outcome goes: the state it corrects, the children's problems and the
/// deployment's own failure.
struct RolloutOutcome<'a> {
    state: &'a mut Value,
    problems: &'a mut Vec<ChildError>,
    diagnostics: &'a mut Diagnostics,
}

/// The end of a create or update: the computed attributes from what exists, the problems as
/// one diagnostic, and no state at all when nothing was created.
fn finish(
    request: ApplyRequest,
    exp: &Expansion,
    mut state: Value,
    ids: ChildIds,
    live: Colour,
    problems: Vec<ChildError>,
    mut diagnostics: Diagnostics,
) -> ApplyResponse {
    let cluster = cluster_of(&state).to_owned();
    set_computed(&mut state, &exp.shape(), &ids, Some(live), &cluster);
    let appspec = appspec_attribute(exp, ids.get(ChildKey::TaskDefinition));
    set_attr(&mut state, "appspec", appspec);
    if state.get("running_images").is_unknown() {
        // A revision registered by this apply: its images run (or the roll-out that runs
        // them has started).
        let images = match ids.get(ChildKey::TaskDefinition) {
            Some(_) => image_owner::images_value(&image_owner::images_of(&exp.task_definition)),
            None => Value::Null,
        };
        set_attr(&mut state, "running_images", images);
    }
    if !problems.is_empty() {
        let summary = if request.prior_state.is_null() {
            "Creating the service failed"
        } else {
            "Updating the service failed"
        };
        diagnostics.push(state_error(summary, &problems));
    }
    if ids.is_empty() && request.prior_state.is_null() {
        // Nothing was created: no state at all.
        state = Value::Null;
    }
    ApplyResponse {
        new_state: state,
        private: ids.to_private(),
        diagnostics,
    }
}

/// After a deployment that succeeded: the live colour as AWS now reports it, the
/// request-count policy moved to measure that group, and HighResolution policies put in that
/// form once the service publishes their metrics every 20 seconds.
async fn after_deployment(
    clients: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
    problems: &mut Vec<ChildError>,
) -> Colour {
    match lifecycle::observe(clients, exp, ids).await {
        Ok(o) => {
            let now = o.live.unwrap_or(live.other());
            if let Err(e) = rollout::follow_live_target_group(clients, exp, ids, now).await {
                problems.push(e);
            }
            if let Some(target) = ids.id(ChildKey::ScalableTarget) {
                match scaling_policy::settle_high_resolution(clients, exp, &target, &o).await {
                    Ok(put) => {
                        for (key, arn) in put {
                            ids.set(key, arn);
                        }
                    }
                    Err(e) => problems.push(lifecycle::service_error(
                        "putting the scaling policies on the 20-second metrics",
                        e,
                    )),
                }
            }
            now
        }
        Err(e) => {
            problems.push(lifecycle::service_error(
                "reading the service after the deployment",
                e,
            ));
            live
        }
    }
}

fn state_error(summary: &str, problems: &[ChildError]) -> Diagnostic {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Diagnostic::error(
        summary,
        format!(
            "{}\n\nThe state records exactly the children that exist; the next apply continues from there, and \
             destroy removes them.",
            lines.join("\n")
        ),
    )
}
