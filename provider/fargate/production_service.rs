//! `fargate_production_service`: the composite resource. Plan works out defaults, what changes
//! and what is replaced; apply creates, changes, rolls out or destroys the children as one unit
//! through `aws::lifecycle`; read reports drift; import rebuilds the state from AWS.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::aws::clients::Clients;
use crate::aws::lifecycle::{self, ChildError, Rollout};
use crate::service::checks;
use crate::service::expand::{
    AlarmMetric, ChildKey, DeploymentStrategy, Expansion, Placement, ScalingMetric, Shape, expand,
};
use crate::service::names::ChildNames;
use crate::service::schema::{TYPE_NAME, schema};
use crate::service::spec::ServiceSpec;
use crate::service::state::{ChildIds, Colour, children_value, set_computed};
use crate::tfplugin::{
    ApplyRequest, ApplyResponse, Diagnostic, Diagnostics, ImportResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, StopSignal,
};
use crate::value::{AttributePath, Value};

use super::observed_state::{ImportedRouting, apply_drift, imported_state};
use super::{Configured, SharedConfig};

pub struct ProductionService {
    configured: SharedConfig,
    schema: Schema,
}

/// Attributes whose change needs a new task definition revision and a blue/green rollout.
const ROLLOUT_PATHS: &[&str] = &[
    "task",
    "container",
    "sidecar",
    "volume",
    "network",
    "platform_version",
    "capacity_provider_strategy",
    "enable_execute_command",
];

impl ProductionService {
    pub fn new(configured: SharedConfig) -> Self {
        Self {
            configured,
            schema: schema(),
        }
    }

    /// The plan-time checks that look at AWS (subnets, security groups); they need the provider
    /// configured, and each lookup that fails gives one warning that its check was skipped.
    async fn check_subnets(&self, planned: &Value) -> Diagnostics {
        let configured = match self.configured.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        match configured {
            Some(configured) => super::network_checks::check(&configured, planned).await,
            None => Diagnostics::new(),
        }
    }

    /// Listener-rule priorities are unique per listener: with the listeners known, a priority
    /// (derived or set) held by a rule that is not this service's stops the plan at
    /// `listener_rule_priority`, instead of AWS's bare PriorityInUse halfway through an apply.
    async fn check_rule_priority(
        &self,
        prior: &Value,
        planned: &Value,
        prior_private: &[u8],
    ) -> Diagnostics {
        let Ok((_, exp)) = expansion_of(planned, &BTreeMap::new(), None) else {
            return Diagnostics::new();
        };
        let Some(lb) = &exp.load_balancing else {
            return Diagnostics::new();
        };
        let unchanged = expansion_of(prior, &BTreeMap::new(), None).is_ok_and(|(_, old)| {
            old.load_balancing.as_ref().is_some_and(|o| {
                o.production_rule == lb.production_rule && o.test_rule == lb.test_rule
            })
        });
        if unchanged {
            return Diagnostics::new();
        }
        let Some(configured) = self.configured_now() else {
            return Diagnostics::new();
        };
        let clients = Clients::new(&configured.sdk, &configured.settings.endpoints);
        let mine = ChildIds::from_private(prior_private);
        let at = AttributePath::attr("load_balancer").join_attr("listener_rule_priority");
        // The listeners the service has rules on (a rolling service has no test listener),
        // read at once.
        let rules: Vec<_> = std::iter::once(&lb.production_rule)
            .chain(lb.test_rule.as_ref())
            .collect();
        let holders = futures::future::join_all(rules.iter().map(|rule| {
            crate::aws::listener_rule::holding_priority(&clients, &rule.listener_arn, rule.priority)
        }))
        .await;
        let mut out = Diagnostics::new();
        for (rule, holder) in rules.into_iter().zip(holders) {
            match holder {
                Ok(Some((arn, targets)))
                    if Some(arn.as_str()) != mine.get(ChildKey::ProductionListenerRule)
                        && Some(arn.as_str()) != mine.get(ChildKey::TestListenerRule)
                        // One left by an interrupted apply of this service is adopted.
                        && crate::aws::listener_rule::owner(&clients, &arn)
                            .await
                            .ok()
                            .flatten()
                            != Some(crate::aws::discover::owner_of(&exp)) =>
                {
                    out.push(
                        Diagnostic::error(
                            "Listener rule priority in use",
                            format!(
                                "Priority {} on listener {} is held by rule {arn} (forwarding to {}), which is not \
                                 this service's. Set load_balancer.listener_rule_priority to a priority that is free \
                                 on both listeners (1-50000).",
                                rule.priority,
                                rule.listener_arn,
                                if targets.is_empty() { "no target group".to_owned() } else { targets.join(", ") },
                            ),
                        )
                        .at(at.clone()),
                    );
                }
                Ok(_) => {}
                Err(e) => {
                    out.push(
                        Diagnostic::warning(
                            "Listener rule priority check skipped",
                            format!(
                                "Could not read the rules of listener {} ({e}); the plan goes on without \
                                 checking that priority {} is free.",
                                rule.listener_arn, rule.priority
                            ),
                        )
                        .at(at.clone()),
                    );
                }
            }
        }
        out
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
    let Some(lb) = &spec.load_balancer else {
        let placement = home.ok_or_else(|| {
            Diagnostic::error(
                "No account for a service without a load balancer",
                "The service has no load_balancer, so its account and region come from the provider, which \
                 could not tell them.",
            )
        })?;
        let exp = expand(&spec, placement, default_tags);
        return Ok((spec, exp));
    };
    let placement = Placement::from_listener_arn(&lb.production_listener_arn).ok_or_else(|| {
        Diagnostic::error(
            "Invalid listener ARN",
            format!(
                "{:?} is not an Application Load Balancer listener ARN \
                 (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>).",
                lb.production_listener_arn
            ),
        )
        .at(AttributePath::attr("load_balancer").join_attr("production_listener_arn"))
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

/// The shape (which children, named how) of a possibly partly unknown value, when the parts it
/// depends on are known.
fn shape_of(value: &Value) -> Option<Shape> {
    let name = value.get("name").as_str()?;
    let log = value.get("container").get("log").get("group");
    let log_group = match log {
        Value::String(s) => s.clone(),
        Value::Null => format!("/ecs/{name}"),
        _ => return None,
    };
    let discovery = match value.get("service_discovery") {
        Value::Unknown(_) => return None,
        v => !v.is_null(),
    };
    let autoscaling = value.get("autoscaling");
    let mut scaling_metrics = Vec::new();
    if autoscaling.is_unknown() {
        return None;
    }
    for (attr, metric) in [
        ("requests_per_target", ScalingMetric::Requests),
        ("cpu_target", ScalingMetric::Cpu),
        ("memory_target", ScalingMetric::Memory),
    ] {
        match autoscaling.get(attr) {
            Value::Unknown(_) => return None,
            Value::Null => {}
            _ => scaling_metrics.push(metric),
        }
    }
    let alarms = value.get("alarms");
    if alarms.is_unknown() {
        return None;
    }
    let mut alarm_metrics = Vec::new();
    if !alarms.is_null() {
        for metric in AlarmMetric::ALL {
            let default = metric.default_threshold() as f64;
            let threshold = match alarms.get(metric.attribute()) {
                Value::Unknown(_) => return None,
                Value::Null => default,
                // A rate may be a fraction of a percent.
                v => v.as_number().map_or(default, |n| n.as_f64()),
            };
            if threshold > 0.0 {
                alarm_metrics.push(metric);
            }
        }
    }
    let strategy = match value.get("deployment_strategy") {
        Value::Null => DeploymentStrategy::CodeDeployBlueGreen,
        Value::String(s) => DeploymentStrategy::from_name(s)?,
        _ => return None,
    };
    let load_balanced = match value.get("load_balancer") {
        Value::Unknown(_) => return None,
        v => !v.is_null(),
    };
    Some(Shape {
        names: ChildNames::for_service(name),
        log_group,
        strategy,
        load_balanced,
        discovery,
        autoscaling: !autoscaling.is_null(),
        scaling_metrics,
        alarm_metrics,
    })
}

fn set_attr(value: &mut Value, name: &str, v: Value) {
    if let Value::Object(m) = value {
        m.insert(name.to_owned(), v);
    }
}

/// Computed attributes that describe children, and the child keys they depend on.
const CHILD_ATTRIBUTES: &[&str] = &[
    "service_arn",
    "task_definition_arn",
    "task_definition_revision",
    "execution_role_arn",
    "task_role_arn",
    "infrastructure_role_arn",
    "log_group_name",
    "blue_target_group_arn",
    "green_target_group_arn",
    "production_listener_rule_arn",
    "test_listener_rule_arn",
    "codedeploy_application_name",
    "codedeploy_deployment_group_name",
    "service_discovery_arn",
    "dns_name",
    "live_target_group",
];

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
            self.schema.block.fill_absent(&mut state);
        }
        Ok(state)
    }

    async fn plan(&self, request: PlanRequest) -> PlanResponse {
        let prior = &request.prior_state;
        let mut planned = request.proposed_new_state;
        self.schema
            .block
            .apply_defaults(&mut planned, &request.config);
        if let (Some(name), Value::Object(_)) = (
            planned.get("name").as_str().map(str::to_owned),
            planned.get("container").get("log"),
        ) && planned.get("container").get("log").get("group").is_null()
            && let Value::Object(root) = &mut planned
            && let Some(Value::Object(container)) = root.get_mut("container")
            && let Some(Value::Object(log)) = container.get_mut("log")
        {
            log.insert("group".to_owned(), Value::string(format!("/ecs/{name}")));
        }
        let shape = shape_of(&planned);
        let desired_children = shape
            .as_ref()
            .map(|s| children_value(s, |_| true))
            .unwrap_or_else(Value::unknown);
        let mut requires_replace = Vec::new();
        let mut drift_warnings = Vec::new();
        if prior.is_null() {
            for a in self
                .schema
                .block
                .attributes
                .iter()
                .filter(|a| a.computed && !a.optional)
            {
                set_attr(&mut planned, &a.name, Value::unknown());
            }
            if let (Some(cluster), Some(name)) = (
                planned.get("cluster").as_str(),
                planned.get("name").as_str(),
            ) {
                let id = Value::string(format!("{cluster}/{name}"));
                set_attr(&mut planned, "id", id);
            }
            set_attr(&mut planned, "children", desired_children);
        } else {
            if prior.get("children") != &desired_children {
                // Children to (re)create: what they will be called is only known after apply.
                set_attr(&mut planned, "children", desired_children);
                for a in CHILD_ATTRIBUTES {
                    if prior.get(a).is_null() || *a == "dns_name" || *a == "service_discovery_arn" {
                        set_attr(&mut planned, a, Value::unknown());
                    }
                }
            }
            let prior_ids = ChildIds::from_private(&request.prior_private);
            for note in &prior_ids.drift {
                drift_warnings.push(Diagnostic::warning(
                    "Changed outside Terraform",
                    note.clone(),
                ));
            }
            if !prior_ids.pending.is_empty() {
                // Children to bring up to date (follow-up calls that failed, drift only the
                // provider sees): the apply settles them.
                set_attr(&mut planned, "children", Value::unknown());
            }
            let rollout = needs_new_revision(prior, &planned);
            if rollout {
                for a in [
                    "task_definition_arn",
                    "task_definition_revision",
                    "last_deployment_id",
                    "live_target_group",
                ] {
                    set_attr(&mut planned, a, Value::unknown());
                }
            }
            let (was, now) = (strategy_of(prior), strategy_of(&planned));
            if let (Some(was), Some(now)) = (was, now)
                && was != now
            {
                if lifecycle::switches_in_place(was, now) {
                    // ECS takes the new strategy in place; from CodeDeploy, with a deployment
                    // that moves traffic to the other group.
                    // The children that come and go with a strategy are known after apply.
                    for a in [
                        "live_target_group",
                        "last_deployment_id",
                        "codedeploy_application_name",
                        "codedeploy_deployment_group_name",
                        "infrastructure_role_arn",
                        "green_target_group_arn",
                        "test_listener_rule_arn",
                    ] {
                        set_attr(&mut planned, a, Value::unknown());
                    }
                } else {
                    requires_replace.push(AttributePath::attr("deployment_strategy"));
                }
            }
            if !planned.get("load_balancer").is_unknown()
                && prior.get("load_balancer").is_null() != planned.get("load_balancer").is_null()
            {
                // The service's target groups, rules and ECS load balancers come and go with
                // it; the resource replaces the service rather than rewire a running one.
                requires_replace.push(AttributePath::attr("load_balancer"));
            }
            if let Some(warning) = exec_change(prior, &planned, now) {
                // ECS refuses enableExecuteCommand in UpdateService on a CODE_DEPLOY service,
                // and a CodeDeploy deployment cannot carry it.
                requires_replace.push(AttributePath::attr("enable_execute_command"));
                drift_warnings.push(warning);
            }
            if prior.get("service_discovery").is_null()
                != planned.get("service_discovery").is_null()
            {
                // ECS cannot add or remove a service registry in place.
                requires_replace.push(AttributePath::attr("service_discovery"));
            }
            let (was, now) = (
                prior.get("service_discovery"),
                planned.get("service_discovery"),
            );
            if !was.is_null() && !now.is_null() {
                // Cloud Map fixes these at creation, and the ECS service cannot be pointed at
                // a new Cloud Map service in place (UpdateService refuses serviceRegistries on
                // a CODE_DEPLOY service).
                for field in ["namespace_id", "record_type", "routing_policy"] {
                    if was.get(field) != now.get(field) {
                        requires_replace
                            .push(AttributePath::attr("service_discovery").join_attr(field));
                    }
                }
                if !prior.get("service_arn").is_null()
                    && prior.get("service_discovery_arn").is_null()
                {
                    // The read found the ECS service's registry gone (its Cloud Map service
                    // deleted or replaced outside Terraform).
                    set_attr(&mut planned, "service_discovery_arn", Value::unknown());
                    set_attr(&mut planned, "dns_name", Value::unknown());
                    requires_replace.push(AttributePath::attr("service_discovery_arn"));
                    drift_warnings.push(Diagnostic::warning(
                        "The service's Cloud Map registry is gone",
                        "The Cloud Map service the ECS service registers its tasks in was deleted or \
                         replaced outside Terraform. ECS does not change the service registries of a \
                         service under the CODE_DEPLOY deployment controller in place (UpdateService \
                         refuses them), so the service is replaced: destroyed, then created again \
                         with a new Cloud Map service.",
                    ));
                }
            }
        }
        // Validation ran the checks already; errors are repeated here because inputs unknown
        // then may be known now (the plan during apply), and an error must stop the apply.
        let mut diagnostics: Diagnostics = checks::check(&request.config)
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        // Only the plan knows the provider's default tags beside the resource's.
        if let Some(configured) = self.configured_now() {
            diagnostics.extend(crate::service::tag_checks::check_merged(
                &configured.settings.default_tags,
                &request.config,
            ));
        }
        if !diagnostics.has_errors() {
            // The plan-time lookups are independent: one round.
            let (subnets, priorities) = tokio::join!(
                self.check_subnets(&planned),
                self.check_rule_priority(prior, &planned, &request.prior_private),
            );
            diagnostics.extend(subnets);
            diagnostics.extend(priorities);
        }
        diagnostics.extend(Diagnostics(drift_warnings));
        PlanResponse {
            planned_state: planned,
            planned_private: request.prior_private,
            requires_replace,
            diagnostics,
        }
    }

    async fn apply(&self, request: ApplyRequest) -> ApplyResponse {
        // A destroy checks the credentials alongside its first calls (below), anything else
        // before them.
        let destroy = request.planned_state.is_null();
        let connected = if destroy {
            self.clients()
        } else {
            self.connect().await
        };
        let (configured, clients) = match connected {
            Ok(v) => v,
            Err(d) => return unchanged(request, d),
        };
        let home =
            match home_for(&configured, &[&request.prior_state, &request.planned_state]).await {
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

    async fn read(&self, request: ReadRequest) -> ReadResponse {
        let keep = |d: Diagnostic, request: ReadRequest| ReadResponse {
            new_state: request.current_state,
            private: request.private,
            diagnostics: d.into(),
        };
        let (configured, clients) = match self.clients() {
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
            super::network_checks::prefetch(&configured, &request.current_state),
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
        apply_drift(
            &mut state,
            &observed,
            spec.autoscaling.is_some(),
            &exp.task_definition,
        );
        let live = observed.live.or_else(|| live_of(&state));
        let cluster = cluster_of(&state).to_owned();
        set_computed(&mut state, &exp.shape(), &observed.ids, live, &cluster);
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

    async fn import(&self, id: &str, _stop: StopSignal) -> ImportResponse {
        let fail = |summary: &str, detail: String| ImportResponse {
            diagnostics: Diagnostic::error(summary, detail).into(),
            ..ImportResponse::default()
        };
        let Some((cluster, name)) = id
            .rsplit_once('/')
            .filter(|(c, n)| !c.is_empty() && !n.is_empty())
        else {
            return fail(
                "Invalid import ID",
                format!(
                    "{id:?} is not of the form <cluster>/<service> (the cluster may be a name or an ARN)."
                ),
            );
        };
        let (configured, clients) = match self.connect().await {
            Ok(v) => v,
            Err(d) => {
                return ImportResponse {
                    diagnostics: d.into(),
                    ..ImportResponse::default()
                };
            }
        };
        match import_service(&clients, cluster, name, &configured.settings.default_tags).await {
            Ok(Some((state, ids))) => ImportResponse {
                state,
                private: ids.to_private(),
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => fail(
                "Cannot import non-existent remote object",
                format!(
                    "There is no active ECS service {name:?} in cluster {cluster:?}, or (under CodeDeploy) it lacks its deployment group."
                ),
            ),
            Err(e) => fail("Importing the service failed", e),
        }
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
            && old.strategy != exp.strategy
            && old.strategy.uses_codedeploy()
            && exp.strategy.ecs_shifts_traffic()
        {
            match Box::pin(lifecycle::migrate_to_ecs(c, &exp, &mut ids, live, wait, self.stop)).await {
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
            for p in ROLLOUT_PATHS {
                set_attr(state, p, request.prior_state.get(p).clone());
            }
        };
        match Box::pin(lifecycle::roll_out(self.clients, exp, ids, wait, self.stop)).await {
            Ok(Rollout::Deployed) => {
                Some(after_deployment(self.clients, exp, ids, live, out.problems).await)
            }
            Ok(Rollout::Started) => None,
            Ok(Rollout::Failed(why)) => {
                keep_running(out.state);
                let (summary, by) = if exp.strategy.uses_codedeploy() {
                    ("Blue/green deployment did not succeed", "CodeDeploy")
                } else {
                    ("Deployment did not succeed", "ECS")
                };
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

/// After a deployment that succeeded: the live colour as AWS now reports it, and the
/// request-count policy moved to measure that group.
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
            if let Err(e) = lifecycle::follow_live_target_group(clients, exp, ids, now).await {
                problems.push(e);
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

/// Whether a change needs a new task definition revision rolled out through CodeDeploy: the
/// task definition or the network and capacity settings the AppSpec carries differ between
/// the two expansions. Settings that expand alike (an optional block left out or written out
/// with its defaults, as after an import) never start a deployment. While a value is not
/// wholly known, the raw settings decide.
fn needs_new_revision(prior: &Value, planned: &Value) -> bool {
    let none = BTreeMap::new();
    // Both sides in the same placeholder account: only their difference matters here.
    let home = Placement::in_account("", "");
    match (
        expansion_of(prior, &none, Some(&home)),
        expansion_of(planned, &none, Some(&home)),
    ) {
        (Ok((_, a)), Ok((_, b))) => {
            let (x, y) = (&a.ecs_service, &b.ecs_service);
            a.task_definition != b.task_definition
                || x.subnets != y.subnets
                || x.security_groups != y.security_groups
                || x.assign_public_ip != y.assign_public_ip
                || x.platform_version != y.platform_version
                || x.capacity_provider_strategy != y.capacity_provider_strategy
                || x.enable_execute_command != y.enable_execute_command
        }
        _ => raw_settings_differ(prior, planned),
    }
}

/// The raw comparison of the settings a rollout carries; drain_timeout only feeds the checks.
fn raw_settings_differ(prior: &Value, planned: &Value) -> bool {
    ROLLOUT_PATHS.iter().any(|p| {
        let (a, b) = (prior.get(p), planned.get(p));
        if *p == "container" {
            let strip = |v: &Value| match v {
                Value::Object(m) => {
                    let mut m = m.clone();
                    m.remove("drain_timeout");
                    Value::Object(m)
                }
                other => other.clone(),
            };
            strip(a) != strip(b)
        } else {
            a != b
        }
    })
}

/// A change of `enable_execute_command` on a service CodeDeploy deploys: the plan replaces the
/// service and says why.
fn exec_change(
    prior: &Value,
    planned: &Value,
    strategy: Option<DeploymentStrategy>,
) -> Option<Diagnostic> {
    let (was, now) = (
        prior
            .get("enable_execute_command")
            .as_bool()
            .unwrap_or(false),
        planned.get("enable_execute_command").as_bool()?,
    );
    if was == now || !strategy?.uses_codedeploy() {
        return None;
    }
    Some(
        Diagnostic::warning(
            "ECS Exec changes by replacing the service",
            format!(
                "enable_execute_command changes to {now}. ECS applies it to the tasks it starts, but it does \
                 not update it in place on a service under the CODE_DEPLOY deployment controller \
                 (UpdateService refuses it) and a CodeDeploy deployment cannot carry it, so the service is \
                 replaced: destroyed, then created again, with the downtime that brings. Under an \
                 ECS-controller deployment_strategy (blue_green, linear, canary, rolling) the change rolls \
                 out as a new deployment instead."
            ),
        )
        .at(AttributePath::attr("enable_execute_command")),
    )
}

/// The strategy a state or plan names (`codedeploy` when absent, as before the attribute);
/// `None` while unknown.
fn strategy_of(value: &Value) -> Option<DeploymentStrategy> {
    match value.get("deployment_strategy") {
        Value::Null => Some(DeploymentStrategy::CodeDeployBlueGreen),
        Value::String(s) => DeploymentStrategy::from_name(s),
        _ => None,
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

/// Reads a service and its children from AWS into a full state.
async fn import_service(
    c: &Clients,
    cluster: &str,
    name: &str,
    default_tags: &BTreeMap<String, String>,
) -> Result<Option<(Value, ChildIds)>, String> {
    use crate::aws::{deployment_group, ecs_service, listener_rule};
    use crate::service::arn::listener_of_rule;
    let names = ChildNames::for_service(name);
    let Some(service) = ecs_service::read(c, cluster, name)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let controller = service.deployment_controller.as_deref().unwrap_or("ECS");
    let Some(strategy) =
        DeploymentStrategy::from_ecs(controller, service.deployment.as_ref().map(|d| d.strategy))
    else {
        return Err(format!(
            "the service's deployment controller is {controller}; the resource manages CODE_DEPLOY and ECS services"
        ));
    };
    // Where traffic comes from: CodeDeploy's group names the listeners; ECS-native blue/green
    // names the rules; a rolling service only its target group.
    let (production_listener, test_listener) = if strategy.uses_codedeploy() {
        let Some(dg) =
            deployment_group::read(c, &names.codedeploy_application, &names.deployment_group)
                .await
                .map_err(|e| e.to_string())?
        else {
            return Ok(None);
        };
        (dg.production_listener_arn, dg.test_listener_arn)
    } else if let Some(a) = &service.advanced {
        let production = listener_of_rule(&a.production_rule).ok_or_else(|| {
            format!(
                "the service's production listener rule {:?} is not a listener rule ARN",
                a.production_rule
            )
        })?;
        (
            Some(production),
            a.test_rule.as_deref().and_then(listener_of_rule),
        )
    } else if let Some(tg) = &service.load_balancer_target_group {
        let Some((listener, _)) = listener_rule::forwarding_to(c, tg)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Err(format!(
                "no listener rule forwards to the service's target group {tg}"
            ));
        };
        (Some(listener), None)
    } else if strategy == DeploymentStrategy::Rolling {
        // A worker: no load balancer at all.
        (None, None)
    } else {
        return Err(format!(
            "the service has no load balancer; only a rolling service may go without one, and this one's \
             deployment strategy is {}",
            strategy.name()
        ));
    };
    let routing = ImportedRouting {
        strategy,
        production_listener,
        test_listener,
    };
    // A provisional state gives the expansion (names, listeners) to discover and observe with.
    let skeleton = provisional_state(cluster, name, &routing);
    // The service's own ARN places one without a load balancer.
    let home = Placement::from_arn(&service.arn);
    let (_, mut exp) =
        expansion_of(&skeleton, default_tags, home.as_ref()).map_err(|d| d.detail)?;
    // A child the user named (the log group) is found under the name the service's task
    // definition reports, which the provisional state cannot know: when the imported settings
    // name a child otherwise, it is looked for again under that name.
    let mut rounds = 0;
    let (observed, mut state) = loop {
        let ids = discover(c, &exp).await.map_err(|e| e.to_string())?;
        let observed = lifecycle::observe(c, &exp, &ids)
            .await
            .map_err(|e| e.to_string())?;
        let state = imported_state(cluster, name, &observed, default_tags, &routing);
        let (_, imported) = expansion_of(&state, default_tags, home.as_ref())
            .map_err(|d| format!("{}: {}", d.summary, d.detail))?;
        let before = exp.children();
        let renamed = imported.children().iter().any(|child| {
            before
                .iter()
                .any(|b| b.key == child.key && b.name != child.name)
        });
        exp = imported;
        rounds += 1;
        if !renamed || rounds == 2 {
            break (observed, state);
        }
    };
    // What only the provider compares (deployment configuration, alarms, rule weights) is
    // judged against the imported settings, not the provisional ones.
    let mut observed = observed;
    if !observed.ids.pending.is_empty() {
        let mut ids = observed.ids.clone();
        ids.pending.clear();
        ids.drift.clear();
        observed = lifecycle::observe(c, &exp, &ids)
            .await
            .map_err(|e| e.to_string())?;
    }
    set_computed(
        &mut state,
        &exp.shape(),
        &observed.ids,
        observed.live,
        cluster,
    );
    Ok(Some((state, observed.ids)))
}

fn provisional_state(cluster: &str, name: &str, routing: &ImportedRouting) -> Value {
    Value::object([
        ("name", Value::string(name)),
        ("cluster", Value::string(cluster)),
        (
            "deployment_strategy",
            Value::string(routing.strategy.name()),
        ),
        (
            "task",
            Value::object([("cpu", Value::int(256)), ("memory", Value::int(512))]),
        ),
        (
            "container",
            Value::object([
                ("name", Value::string("app")),
                ("image", Value::string("placeholder")),
                ("port", Value::int(80)),
            ]),
        ),
        ("network", Value::object([])),
        (
            "load_balancer",
            match &routing.production_listener {
                Some(listener) => Value::object([
                    ("vpc_id", Value::string("")),
                    ("production_listener_arn", Value::string(listener.clone())),
                    (
                        "test_listener_arn",
                        routing
                            .test_listener
                            .clone()
                            .map(Value::string)
                            .unwrap_or(Value::Null),
                    ),
                ]),
                None => Value::Null,
            },
        ),
        ("service_discovery", Value::Null),
    ])
}
