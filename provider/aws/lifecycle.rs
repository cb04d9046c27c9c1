//! The service's children as one unit: create what is missing, change what differs, roll out
//! new task definitions through CodeDeploy, observe what exists, delete everything. Every
//! operation records the identities it creates or deletes in `ChildIds` as it goes, so a
//! failure halfway leaves an exact account of what exists.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::service::appspec::appspec;
use crate::service::expand::alb_resource_label;
use crate::service::expand::{
    ChildKey, DeploymentGroupDef, Expansion, ScalingMetric, TargetGroupDef, TaskDefinitionDef,
};
use crate::service::state::{ChildIds, Colour, metric_key};
use crate::tfplugin::StopSignal;

use super::clients::{AwsError, AwsResult, Clients};
use super::deployment::{self, Outcome};
use super::executor::{WalkReport, reversed, walk};
use super::listener_rule::ObservedRule;
use super::{
    codedeploy_application, deployment_group, discovery_service, ecs_service, iam_role,
    listener_rule, log_group, scalable_target, scaling_policy, target_group, task_definition,
};

type SharedIds = Arc<Mutex<ChildIds>>;

fn lock(ids: &SharedIds) -> MutexGuard<'_, ChildIds> {
    match ids.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn graph(exp: &Expansion) -> Vec<(ChildKey, Vec<ChildKey>)> {
    exp.children()
        .into_iter()
        .map(|c| (c.key, c.depends_on))
        .collect()
}

fn child_name(exp: &Expansion, key: ChildKey) -> String {
    exp.children()
        .into_iter()
        .find(|c| c.key == key)
        .map(|c| c.name)
        .unwrap_or_default()
}

/// Turns a walk's report into one message per problem.
fn problems(exp: &Expansion, verb: &str, report: WalkReport<ChildKey>) -> Vec<String> {
    let mut out: Vec<String> = report
        .failed
        .into_iter()
        .map(|(k, e)| format!("{verb} {} {:?}: {e}", k.kind(), child_name(exp, k)))
        .collect();
    if !report.skipped.is_empty() {
        let names: Vec<String> = report
            .skipped
            .iter()
            .map(|k| format!("{} {:?}", k.kind(), child_name(exp, *k)))
            .collect();
        out.push(format!(
            "not attempted (a dependency failed or the operation was stopped): {}",
            names.join(", ")
        ));
    }
    out
}

fn required<'a>(v: &'a Option<String>, what: &str) -> Result<&'a str, String> {
    v.as_deref().ok_or_else(|| format!("{what} does not exist"))
}

fn live_target_group(ids: &ChildIds, live: Colour) -> Option<String> {
    match live {
        Colour::Blue => ids.blue_target_group_arn.clone(),
        Colour::Green => ids.green_target_group_arn.clone(),
    }
}

fn names_for(exp: &Expansion, live: Colour) -> (String, String) {
    let (b, g) = (
        exp.names.blue_target_group.clone(),
        exp.names.green_target_group.clone(),
    );
    match live {
        Colour::Blue => (b, g),
        Colour::Green => (g, b),
    }
}

/// Creates every child of the expansion that `ids` does not have, concurrently where the
/// dependencies allow. Returns the problems; `ids` holds what exists either way.
pub async fn create_missing(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
    stop: &StopSignal,
) -> Vec<String> {
    let service_existed = ids.service_arn.is_some();
    let registry_before = ids.discovery_service_arn.clone();
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    let report = walk(&graph(exp), stop, |key| {
        let shared = shared.clone();
        async move {
            if lock(&shared).has(key) {
                return Ok(());
            }
            create_child(c, exp, key, &shared, live).await
        }
    })
    .await;
    *ids = lock(&shared).clone();
    let mut out = problems(exp, "creating", report);
    // A recreated Cloud Map service has a new ARN; the existing ECS service must use it.
    if service_existed
        && let Some(arn) = &ids.discovery_service_arn
        && registry_before.as_ref() != Some(arn)
        && let Err(e) = ecs_service::set_registry(c, &exp.ecs_service, arn).await
    {
        out.push(format!(
            "pointing the ECS service at the recreated Cloud Map service: {e}"
        ));
    }
    out
}

async fn create_child(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    ids: &SharedIds,
    live: Colour,
) -> Result<(), String> {
    let tags = &exp.tags;
    let e = |e: AwsError| e.to_string();
    match key {
        ChildKey::LogGroup => {
            let name = log_group::create(c, &exp.log_group, tags)
                .await
                .map_err(e)?;
            lock(ids).log_group = Some(name);
        }
        ChildKey::ExecutionRole => {
            let arn = iam_role::create(c, &exp.execution_role, tags)
                .await
                .map_err(e)?;
            lock(ids).execution_role_arn = Some(arn);
        }
        ChildKey::TaskRole => {
            let arn = iam_role::create(c, &exp.task_role, tags).await.map_err(e)?;
            lock(ids).task_role_arn = Some(arn);
        }
        ChildKey::CodeDeployRole => {
            let arn = iam_role::create(c, &exp.codedeploy_role, tags)
                .await
                .map_err(e)?;
            lock(ids).codedeploy_role_arn = Some(arn);
        }
        ChildKey::TaskDefinition => {
            let (exec, task) = {
                let g = lock(ids);
                (
                    required(&g.execution_role_arn, "the execution role")?.to_owned(),
                    required(&g.task_role_arn, "the task role")?.to_owned(),
                )
            };
            let arn = task_definition::register(c, &exp.task_definition, &exec, &task, tags)
                .await
                .map_err(e)?;
            lock(ids).task_definition_arn = Some(arn);
        }
        ChildKey::BlueTargetGroup => {
            let arn = target_group::create(c, &exp.blue_target_group, tags)
                .await
                .map_err(e)?;
            lock(ids).blue_target_group_arn = Some(arn);
        }
        ChildKey::GreenTargetGroup => {
            let arn = target_group::create(c, &exp.green_target_group, tags)
                .await
                .map_err(e)?;
            lock(ids).green_target_group_arn = Some(arn);
        }
        ChildKey::ProductionListenerRule | ChildKey::TestListenerRule => {
            let target = live_target_group(&lock(ids), live)
                .ok_or("the live target group does not exist")?;
            let def = if key == ChildKey::ProductionListenerRule {
                &exp.production_rule
            } else {
                &exp.test_rule
            };
            let arn = listener_rule::create(c, def, &target, &exp.tags)
                .await
                .map_err(e)?;
            let mut g = lock(ids);
            if key == ChildKey::ProductionListenerRule {
                g.production_rule_arn = Some(arn);
            } else {
                g.test_rule_arn = Some(arn);
            }
        }
        ChildKey::DiscoveryService => {
            let Some(def) = &exp.discovery else {
                return Ok(());
            };
            let created = discovery_service::create(c, def, tags).await.map_err(e)?;
            let mut g = lock(ids);
            g.discovery_service_id = Some(created.id);
            g.discovery_service_arn = Some(created.arn);
            g.namespace_name = created.namespace_name;
        }
        ChildKey::EcsService => {
            let (task_def, target, registry) = {
                let g = lock(ids);
                (
                    required(&g.task_definition_arn, "the task definition")?.to_owned(),
                    live_target_group(&g, live).ok_or("the live target group does not exist")?,
                    g.discovery_service_arn.clone(),
                )
            };
            let arn =
                ecs_service::create(c, &exp.ecs_service, &task_def, &target, registry.as_deref())
                    .await
                    .map_err(e)?;
            lock(ids).service_arn = Some(arn);
        }
        ChildKey::CodeDeployApplication => {
            let name = codedeploy_application::create(c, &exp.codedeploy_application, tags)
                .await
                .map_err(e)?;
            lock(ids).codedeploy_application = Some(name);
        }
        ChildKey::DeploymentGroup => {
            let role = required(&lock(ids).codedeploy_role_arn, "the CodeDeploy role")?.to_owned();
            let (first, second) = names_for(exp, live);
            let name =
                create_deployment_group(c, &exp.deployment_group, &role, &first, &second, tags)
                    .await
                    .map_err(e)?;
            lock(ids).deployment_group = Some(name);
        }
        ChildKey::ScalableTarget => {
            let Some(def) = &exp.scalable_target else {
                return Ok(());
            };
            let id = scalable_target::register(c, def, Some(&exp.tags))
                .await
                .map_err(e)?;
            lock(ids).scalable_target = Some(id);
        }
        ChildKey::ScalingPolicy(metric) => {
            let (target, label) = {
                let g = lock(ids);
                let target = required(&g.scalable_target, "the scalable target")?.to_owned();
                let label = live_target_group(&g, live)
                    .and_then(|tg| alb_resource_label(&exp.placement.load_balancer, &tg));
                (target, label)
            };
            let Some(def) = exp.scaling_policies.iter().find(|p| p.metric == metric) else {
                return Ok(());
            };
            let arn = scaling_policy::put(c, &target, def, label.as_deref())
                .await
                .map_err(e)?;
            lock(ids)
                .scaling_policies
                .insert(metric_key(metric).to_owned(), arn);
        }
    }
    Ok(())
}

/// CodeDeploy checks that it can assume its role, which IAM may not have propagated yet right
/// after the role was created; retry that one error for a while.
async fn create_deployment_group(
    c: &Clients,
    def: &DeploymentGroupDef,
    role: &str,
    first: &str,
    second: &str,
    tags: &std::collections::BTreeMap<String, String>,
) -> AwsResult<String> {
    let mut attempt = 0;
    loop {
        match deployment_group::create(c, def, role, first, second, tags).await {
            Err(e) if e.has_code("InvalidRoleException") && attempt < 12 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            Err(e) if e.has_code("DeploymentGroupAlreadyExistsException") => {
                return Ok(def.name.clone());
            }
            other => return other,
        }
    }
}

/// Deletes every child in `ids`, dependents first.
pub async fn delete_all(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    stop: &StopSignal,
) -> Vec<String> {
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    // Children the current expansion no longer has (autoscaling removed, …) are still deleted.
    let mut full = graph(exp);
    for metric in [
        ScalingMetric::Requests,
        ScalingMetric::Cpu,
        ScalingMetric::Memory,
    ] {
        let key = ChildKey::ScalingPolicy(metric);
        if !full.iter().any(|(k, _)| *k == key) {
            full.push((key, vec![ChildKey::ScalableTarget]));
        }
    }
    for (key, deps) in [
        (ChildKey::DiscoveryService, vec![]),
        (ChildKey::ScalableTarget, vec![ChildKey::EcsService]),
    ] {
        if !full.iter().any(|(k, _)| *k == key) {
            full.push((key, deps));
        }
    }
    let report = walk(&reversed(&full), stop, |key| {
        let shared = shared.clone();
        async move {
            if !lock(&shared).has(key) {
                return Ok(());
            }
            delete_child(c, exp, key, &shared)
                .await
                .map_err(|e| e.to_string())?;
            lock(&shared).clear(key);
            Ok(())
        }
    })
    .await;
    *ids = lock(&shared).clone();
    problems(exp, "deleting", report)
}

async fn delete_child(
    c: &Clients,
    exp: &Expansion,
    key: ChildKey,
    ids: &SharedIds,
) -> AwsResult<()> {
    let g = lock(ids).clone();
    let some = |v: &Option<String>| v.clone().unwrap_or_default();
    match key {
        ChildKey::LogGroup => log_group::delete(c, &some(&g.log_group)).await,
        ChildKey::ExecutionRole => iam_role::delete(c, &exp.names.execution_role).await,
        ChildKey::TaskRole => iam_role::delete(c, &exp.names.task_role).await,
        ChildKey::CodeDeployRole => iam_role::delete(c, &exp.names.codedeploy_role).await,
        ChildKey::TaskDefinition => {
            task_definition::delete_family(c, &exp.task_definition.family).await
        }
        ChildKey::BlueTargetGroup => target_group::delete(c, &some(&g.blue_target_group_arn)).await,
        ChildKey::GreenTargetGroup => {
            target_group::delete(c, &some(&g.green_target_group_arn)).await
        }
        ChildKey::ProductionListenerRule => {
            listener_rule::delete(c, &some(&g.production_rule_arn)).await
        }
        ChildKey::TestListenerRule => listener_rule::delete(c, &some(&g.test_rule_arn)).await,
        ChildKey::DiscoveryService => {
            // Cloud Map refuses while ECS is still deregistering the tasks' instances.
            let id = some(&g.discovery_service_id);
            let mut attempt = 0;
            loop {
                match discovery_service::delete(c, &id).await {
                    Err(e) if e.has_code("ResourceInUse") && attempt < 24 => {
                        attempt += 1;
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                    other => return other,
                }
            }
        }
        ChildKey::EcsService => {
            ecs_service::delete(c, &exp.ecs_service.cluster, &exp.ecs_service.name).await
        }
        ChildKey::CodeDeployApplication => {
            codedeploy_application::delete(c, &some(&g.codedeploy_application)).await
        }
        ChildKey::DeploymentGroup => {
            deployment_group::delete(
                c,
                &exp.deployment_group.application,
                &some(&g.deployment_group),
            )
            .await
        }
        ChildKey::ScalableTarget => scalable_target::deregister(c, &some(&g.scalable_target)).await,
        ChildKey::ScalingPolicy(metric) => {
            let name = match metric {
                ScalingMetric::Requests => &exp.names.requests_policy,
                ScalingMetric::Cpu => &exp.names.cpu_policy,
                ScalingMetric::Memory => &exp.names.memory_policy,
            };
            scaling_policy::delete(c, &some(&g.scalable_target), name).await
        }
    }
}

/// What exists in AWS for a service, read concurrently.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// `ids` with every child found gone cleared.
    pub ids: ChildIds,
    pub live: Option<Colour>,
    pub service: Option<ecs_service::ObservedService>,
    pub task_definition: Option<TaskDefinitionDef>,
    pub target_group: Option<TargetGroupDef>,
    pub production_rule: Option<ObservedRule>,
    pub discovery: Option<crate::service::expand::DiscoveryServiceDef>,
    pub deployment_group: Option<DeploymentGroupDef>,
    pub scalable_target: Option<(i64, i64)>,
    pub scaling_policies: Vec<scaling_policy::ObservedPolicy>,
    pub log_retention: Option<Option<i64>>,
    pub task_role_policy: Option<serde_json::Value>,
}

/// Reads every child in `ids`. A child AWS reports as gone is cleared from the returned ids;
/// any other error fails the read.
pub async fn observe(c: &Clients, exp: &Expansion, ids: &ChildIds) -> AwsResult<Observed> {
    let opt = |v: &Option<String>| v.clone();
    let (blue, green, prod_rule, test_rule) = (
        opt(&ids.blue_target_group_arn),
        opt(&ids.green_target_group_arn),
        opt(&ids.production_rule_arn),
        opt(&ids.test_rule_arn),
    );
    let (service, task_def, blue_tg, green_exists, prod, test_exists) = tokio::try_join!(
        ecs_service::read(c, &exp.ecs_service.cluster, &exp.ecs_service.name),
        async {
            match &ids.task_definition_arn {
                Some(arn) => task_definition::read(c, arn).await,
                None => Ok(None),
            }
        },
        async {
            match &blue {
                Some(arn) => target_group::read(c, arn).await,
                None => Ok(None),
            }
        },
        async {
            match &green {
                Some(arn) => Ok(target_group::read(c, arn).await?.is_some()),
                None => Ok(false),
            }
        },
        async {
            match &prod_rule {
                Some(arn) => listener_rule::read(c, arn).await,
                None => Ok(None),
            }
        },
        async {
            match &test_rule {
                Some(arn) => Ok(listener_rule::read(c, arn).await?.is_some()),
                None => Ok(false),
            }
        },
    )?;
    let (roles, discovery, app_exists, dg, scaling, log_retention, task_policy) = tokio::try_join!(
        async {
            tokio::try_join!(
                iam_role::read(c, &exp.names.execution_role),
                iam_role::read(c, &exp.names.task_role),
                iam_role::read(c, &exp.names.codedeploy_role),
            )
        },
        async {
            match &ids.discovery_service_id {
                Some(id) => discovery_service::read(c, id).await,
                None => Ok(None),
            }
        },
        codedeploy_application::exists(c, &exp.codedeploy_application),
        deployment_group::read(
            c,
            &exp.deployment_group.application,
            &exp.deployment_group.name
        ),
        async {
            match &ids.scalable_target {
                Some(id) => Ok(Some((
                    scalable_target::read(c, id).await?,
                    scaling_policy::read_all(c, id).await?,
                ))),
                None => Ok(None),
            }
        },
        async {
            match &ids.log_group {
                Some(name) => log_group::read(c, name).await,
                None => Ok(None),
            }
        },
        iam_role::read_inline_policy(
            c,
            &exp.names.task_role,
            crate::service::expand::APPLICATION_POLICY_NAME,
        ),
    )?;
    let mut seen = ids.clone();
    let mut gone = |present: bool, key: ChildKey| {
        if !present {
            seen.clear(key);
        }
    };
    gone(service.is_some(), ChildKey::EcsService);
    gone(task_def.is_some(), ChildKey::TaskDefinition);
    gone(blue_tg.is_some(), ChildKey::BlueTargetGroup);
    gone(green_exists, ChildKey::GreenTargetGroup);
    gone(prod.is_some(), ChildKey::ProductionListenerRule);
    gone(test_exists, ChildKey::TestListenerRule);
    gone(roles.0.is_some(), ChildKey::ExecutionRole);
    gone(roles.1.is_some(), ChildKey::TaskRole);
    gone(roles.2.is_some(), ChildKey::CodeDeployRole);
    gone(discovery.is_some(), ChildKey::DiscoveryService);
    gone(app_exists, ChildKey::CodeDeployApplication);
    gone(dg.is_some(), ChildKey::DeploymentGroup);
    gone(log_retention.is_some(), ChildKey::LogGroup);
    let (target_bounds, policies) = match scaling {
        Some((bounds, policies)) => (bounds, policies),
        None => (None, Vec::new()),
    };
    gone(target_bounds.is_some(), ChildKey::ScalableTarget);
    // Policies are known by name: PutScalingPolicy may give an updated policy a new ARN.
    for (metric, name) in [
        (ScalingMetric::Requests, &exp.names.requests_policy),
        (ScalingMetric::Cpu, &exp.names.cpu_policy),
        (ScalingMetric::Memory, &exp.names.memory_policy),
    ] {
        if !seen.scaling_policies.contains_key(metric_key(metric)) {
            continue;
        }
        match policies.iter().find(|p| &p.name == name) {
            Some(p) => {
                seen.scaling_policies
                    .insert(metric_key(metric).to_owned(), p.arn.clone());
            }
            None => seen.clear(ChildKey::ScalingPolicy(metric)),
        }
    }
    if let Some((_, d)) = &discovery {
        seen.namespace_name = d.namespace_name.clone();
    }
    let live = prod
        .as_ref()
        .and_then(|r| r.target_group_arn.as_deref())
        .and_then(|tg| {
            if Some(tg) == seen.blue_target_group_arn.as_deref() {
                Some(Colour::Blue)
            } else if Some(tg) == seen.green_target_group_arn.as_deref() {
                Some(Colour::Green)
            } else {
                None
            }
        });
    Ok(Observed {
        ids: seen,
        live,
        service,
        task_definition: task_def,
        target_group: blue_tg,
        production_rule: prod,
        discovery: discovery.map(|(d, _)| d),
        deployment_group: dg,
        scalable_target: target_bounds,
        scaling_policies: policies,
        log_retention,
        task_role_policy: task_policy,
    })
}

/// Changes children in place where their settings differ between two expansions.
pub async fn update_in_place(
    c: &Clients,
    old: &Expansion,
    new: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |r: AwsResult<()>| {
        if let Err(e) = r {
            out.push(e.to_string());
        }
    };
    if old.log_group != new.log_group && ids.log_group.is_some() {
        note(log_group::update(c, &new.log_group).await);
    }
    for (o, n, present) in [
        (
            &old.execution_role,
            &new.execution_role,
            ids.execution_role_arn.is_some(),
        ),
        (&old.task_role, &new.task_role, ids.task_role_arn.is_some()),
        (
            &old.codedeploy_role,
            &new.codedeploy_role,
            ids.codedeploy_role_arn.is_some(),
        ),
    ] {
        if o != n && present {
            note(iam_role::update(c, n).await);
        }
    }
    for (o, n, arn) in [
        (
            &old.blue_target_group,
            &new.blue_target_group,
            &ids.blue_target_group_arn,
        ),
        (
            &old.green_target_group,
            &new.green_target_group,
            &ids.green_target_group_arn,
        ),
    ] {
        if let Some(arn) = arn
            && o != n
        {
            note(target_group::update(c, arn, n).await);
        }
    }
    for (o, n, arn) in [
        (
            &old.production_rule,
            &new.production_rule,
            &ids.production_rule_arn,
        ),
        (&old.test_rule, &new.test_rule, &ids.test_rule_arn),
    ] {
        if let Some(arn) = arn
            && (o.priority != n.priority
                || o.path_patterns != n.path_patterns
                || o.host_headers != n.host_headers)
        {
            note(listener_rule::update(c, arn, n).await);
        }
    }
    if let (Some(id), Some(n)) = (&ids.discovery_service_id, &new.discovery)
        && old.discovery.as_ref() != Some(n)
    {
        note(discovery_service::update(c, id, n).await);
    }
    let o = &old.ecs_service;
    let n = &new.ecs_service;
    // With autoscaling, Application Auto Scaling owns the running count; only a configured
    // change of desired_count is pushed.
    let count = (o.desired_count != n.desired_count).then_some(n.desired_count);
    if ids.service_arn.is_some()
        && (count.is_some() || o.health_check_grace_period != n.health_check_grace_period)
    {
        note(ecs_service::update(c, n, count).await);
    }
    if let Some(arn) = &ids.service_arn
        && o.tags != n.tags
    {
        note(ecs_service::retag(c, arn, &o.tags, &n.tags).await);
    }
    if ids.deployment_group.is_some() && old.deployment_group != new.deployment_group {
        let (first, second) = names_for(new, live);
        note(deployment_group::update(c, &new.deployment_group, &first, &second).await);
    }
    if let (Some(_), Some(def)) = (&ids.scalable_target, &new.scalable_target)
        && old.scalable_target.as_ref() != Some(def)
    {
        note(scalable_target::register(c, def, None).await.map(|_| ()));
    }
    if let Some(target) = ids.scalable_target.clone() {
        let label = live_target_group(ids, live)
            .and_then(|tg| alb_resource_label(&new.placement.load_balancer, &tg));
        for def in &new.scaling_policies {
            let before = old.scaling_policies.iter().find(|p| p.metric == def.metric);
            if before != Some(def) && ids.scaling_policies.contains_key(metric_key(def.metric)) {
                match scaling_policy::put(c, &target, def, label.as_deref()).await {
                    Ok(arn) => {
                        ids.scaling_policies
                            .insert(metric_key(def.metric).to_owned(), arn);
                    }
                    Err(e) => out.push(e.to_string()),
                }
            }
        }
        for gone in old
            .scaling_policies
            .iter()
            .filter(|p| !new.scaling_policies.iter().any(|n| n.metric == p.metric))
        {
            match scaling_policy::delete(c, &target, &gone.name).await {
                Ok(()) => ids.clear(ChildKey::ScalingPolicy(gone.metric)),
                Err(e) => out.push(e.to_string()),
            }
        }
        if new.scalable_target.is_none() {
            match scalable_target::deregister(c, &target).await {
                Ok(()) => ids.clear(ChildKey::ScalableTarget),
                Err(e) => out.push(e.to_string()),
            }
        }
    }
    out
}

/// Moves the request-count policy's ResourceLabel to the live target group after a swap.
pub async fn follow_live_target_group(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
) -> AwsResult<()> {
    let (Some(target), Some(def)) = (
        ids.scalable_target.clone(),
        exp.scaling_policies
            .iter()
            .find(|p| p.metric == ScalingMetric::Requests),
    ) else {
        return Ok(());
    };
    let label = live_target_group(ids, live)
        .and_then(|tg| alb_resource_label(&exp.placement.load_balancer, &tg));
    let arn = scaling_policy::put(c, &target, def, label.as_deref()).await?;
    ids.scaling_policies
        .insert(metric_key(ScalingMetric::Requests).to_owned(), arn);
    Ok(())
}

/// How a rollout ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// The new revision is live.
    Deployed,
    /// Started, not waited for (wait_for_deployment = false) or interrupted by a stop.
    Started,
    Failed(String),
}

/// Registers the expansion's task definition as a new revision and rolls it out through
/// CodeDeploy. On success `ids` names the new revision; on failure the old one stays.
pub async fn roll_out(
    c: &Clients,
    exp: &Expansion,
    ids: &mut ChildIds,
    wait: bool,
    stop: &StopSignal,
) -> AwsResult<Rollout> {
    let exec = ids.execution_role_arn.clone().ok_or_else(|| {
        AwsError::new(
            "RegisterTaskDefinition",
            "the execution role does not exist",
        )
    })?;
    let task = ids
        .task_role_arn
        .clone()
        .ok_or_else(|| AwsError::new("RegisterTaskDefinition", "the task role does not exist"))?;
    let arn = task_definition::register(c, &exp.task_definition, &exec, &task, &exp.tags).await?;
    let spec = appspec(&arn, &exp.ecs_service).to_string();
    let app = ids
        .codedeploy_application
        .clone()
        .unwrap_or_else(|| exp.codedeploy_application.clone());
    let group = ids
        .deployment_group
        .clone()
        .unwrap_or_else(|| exp.deployment_group.name.clone());
    let id = deployment::start(c, &app, &group, &spec).await?;
    ids.last_deployment_id = Some(id.clone());
    if !wait {
        ids.task_definition_arn = Some(arn);
        return Ok(Rollout::Started);
    }
    let poll = Duration::from_millis(
        std::env::var("FARGATE_DEPLOYMENT_POLL_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(15_000),
    );
    match deployment::wait(c, &id, stop, poll, Duration::from_secs(3 * 3600)).await? {
        Outcome::Succeeded => {
            ids.task_definition_arn = Some(arn);
            Ok(Rollout::Deployed)
        }
        Outcome::Interrupted => {
            ids.task_definition_arn = Some(arn);
            Ok(Rollout::Started)
        }
        Outcome::Failed(why) => Ok(Rollout::Failed(why)),
    }
}
