//! Observe: one concurrent read of every child the state records, what AWS reports gone
//! cleared from the identities, and the drift only the provider sees (the live colour, rules
//! not forwarding to it, a changed deployment configuration, alarms or a request-count policy
//! off their definition) marked pending so the plan shows it and the apply repairs it.

use crate::aws::child::{alarm_def, live_target_group};
use crate::aws::clients::{AwsResult, Clients};
use crate::aws::listener_rule::ObservedRule;
use crate::aws::{
    alarm, codedeploy_application, deployment_group, discovery_service, ecs_service, iam_role,
    listener_rule, log_group, scalable_target, scaling_policy, target_group, task_definition,
};
use crate::service::expand::alb_resource_label;
use crate::service::expand::{
    AlarmMetric, AlarmTarget, ChildKey, DeploymentGroupDef, Expansion, ScalingMetric,
    TargetGroupDef, TaskDefinitionDef,
};
use crate::service::state::{ChildIds, Colour};

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
    /// The managed policies attached to the task role; `None` when it is gone.
    pub task_role_managed_policies: Option<Vec<String>>,
    /// The ECS service exists but does not register in the service's Cloud Map service (that
    /// one deleted or replaced outside Terraform): only a new ECS service can fix it.
    pub registry_detached: bool,
    /// The service's alarms that exist.
    pub alarms: Vec<alarm::ObservedAlarm>,
}

/// Reads every child in `ids`. A child AWS reports as gone is cleared from the returned ids;
/// any other error fails the read.
pub async fn observe(c: &Clients, exp: &Expansion, ids: &ChildIds) -> AwsResult<Observed> {
    let (blue, green, prod_rule, test_rule) = (
        ids.id(ChildKey::BlueTargetGroup),
        ids.id(ChildKey::GreenTargetGroup),
        ids.id(ChildKey::ProductionListenerRule),
        ids.id(ChildKey::TestListenerRule),
    );
    // Every read is independent of the others: one concurrent round.
    let first = async {
        tokio::try_join!(
            ecs_service::read(c, &exp.ecs_service.cluster, &exp.ecs_service.name),
            async {
                match ids.get(ChildKey::TaskDefinition) {
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
                    Some(arn) => listener_rule::read(c, arn).await,
                    None => Ok(None),
                }
            },
        )
    };
    let alarm_names: Vec<String> = ids
        .keys()
        .into_iter()
        .filter_map(|k| match k {
            ChildKey::Alarm(m, t) => Some(exp.names.alarm(m, t).to_owned()),
            _ => None,
        })
        .collect();
    let second = async {
        tokio::try_join!(
            async {
                tokio::try_join!(
                    iam_role::read(c, &exp.names.execution_role),
                    iam_role::read(c, &exp.names.task_role),
                    iam_role::read(c, &exp.names.codedeploy_role),
                    iam_role::read(c, &exp.names.infrastructure_role),
                )
            },
            async {
                match ids.get(ChildKey::DiscoveryService) {
                    Some(id) => {
                        let namespace = exp.discovery.as_ref().map(|d| d.namespace_id.as_str());
                        discovery_service::read(c, id, namespace).await
                    }
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
                match ids.get(ChildKey::ScalableTarget) {
                    Some(id) => Ok(Some(tokio::try_join!(
                        scalable_target::read(c, id),
                        scaling_policy::read_all(c, id),
                    )?)),
                    None => Ok(None),
                }
            },
            async {
                match ids.get(ChildKey::LogGroup) {
                    Some(name) => log_group::read(c, name).await,
                    None => Ok(None),
                }
            },
            async {
                tokio::try_join!(
                    iam_role::read_inline_policy(
                        c,
                        &exp.names.task_role,
                        crate::service::expand::APPLICATION_POLICY_NAME,
                    ),
                    iam_role::attached_policies(c, &exp.names.task_role),
                )
            },
            alarm::read(c, &alarm_names),
        )
    };
    let (
        (service, task_def, blue_tg, green_exists, prod, test),
        (
            roles,
            discovery,
            app_exists,
            dg,
            scaling,
            log_retention,
            (task_policy, task_managed),
            alarms,
        ),
    ) = tokio::try_join!(first, second)?;
    let mut seen = ids.clone();
    // A revision deployed outside Terraform (a pipeline's deployment, an UpdateService) is what
    // the service runs: the state is compared with it, so its containers show as drift. One
    // that says the same as the stored revision is no drift: an apply interrupted after
    // creating the service leaves it running the revision registered then, and the apply
    // that adopts the service registers an equal one.
    let family = format!(":task-definition/{}:", exp.task_definition.family);
    let mut task_def = task_def;
    if let Some(running) = service
        .as_ref()
        .filter(|s| !s.deployment_in_flight())
        .and_then(|s| s.running_task_definition())
        .filter(|arn| arn.contains(&family) && Some(*arn) != ids.get(ChildKey::TaskDefinition))
        && let Some(td) = task_definition::read(c, running).await?
        && task_def.as_ref() != Some(&td)
    {
        task_def = Some(td);
        seen.set(ChildKey::TaskDefinition, running.to_owned());
    }
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
    gone(test.is_some(), ChildKey::TestListenerRule);
    gone(roles.0.is_some(), ChildKey::ExecutionRole);
    gone(roles.1.is_some(), ChildKey::TaskRole);
    gone(roles.2.is_some(), ChildKey::CodeDeployRole);
    gone(roles.3.is_some(), ChildKey::InfrastructureRole);
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
    for metric in ScalingMetric::ALL {
        let name = crate::aws::discover::policy_name(exp, metric);
        let key = ChildKey::ScalingPolicy(metric);
        if !seen.has(key) {
            continue;
        }
        match policies.iter().find(|p| &p.name == name) {
            Some(p) => seen.set(key, p.arn.clone()),
            None => seen.clear(key),
        }
    }
    // Alarms are known by name; one changed outside Terraform (threshold, period, group) is
    // drift only the provider sees: pending, so the plan shows it and the apply puts it back.
    for metric in AlarmMetric::ALL {
        for target in AlarmTarget::ALL {
            let key = ChildKey::Alarm(metric, target);
            if !seen.has(key) {
                continue;
            }
            match alarms
                .iter()
                .find(|a| a.name == exp.names.alarm(metric, target))
            {
                None => seen.clear(key),
                Some(a) => {
                    seen.set(key, a.arn.clone());
                    let group = match target {
                        AlarmTarget::Blue => seen.get(ChildKey::BlueTargetGroup),
                        AlarmTarget::Green => seen.get(ChildKey::GreenTargetGroup),
                    }
                    .and_then(alarm::target_group_dimension);
                    if let Some(def) = alarm_def(exp, metric, target)
                        && !a.matches(def, group)
                    {
                        seen.pending.insert(key);
                    }
                }
            }
        }
    }
    if let Some((_, d)) = &discovery {
        seen.namespace_name = d.namespace_name.clone();
    }
    let registry_detached = exp.discovery.is_some()
        && service.as_ref().is_some_and(|s| {
            s.registry_arn.is_none() || s.registry_arn != seen.discovery_service_arn
        });
    let (blue_arn, green_arn) = (
        seen.id(ChildKey::BlueTargetGroup),
        seen.id(ChildKey::GreenTargetGroup),
    );
    let colour_of = |tg: &str| {
        if Some(tg) == blue_arn.as_deref() {
            Some(Colour::Blue)
        } else if Some(tg) == green_arn.as_deref() {
            Some(Colour::Green)
        } else {
            None
        }
    };
    let prod_live = prod
        .as_ref()
        .and_then(|r| r.target_group_arn.as_deref())
        .and_then(colour_of);
    let live = if exp.strategy.ecs_shifts_traffic() {
        // ECS moves traffic by the rules' weights and keeps the service's load balancer as it
        // was created: the production rule's heaviest group is live.
        prod_live
    } else if exp.strategy.shifts_traffic() {
        // The PRIMARY task set's group, as CodeDeploy sees it; the production rule only stands
        // in when AWS reports no service.
        match service.as_ref().and_then(|s| s.primary_target_group()) {
            Some(tg) => colour_of(tg),
            None => prod_live,
        }
    } else {
        // Rolling: one group.
        seen.has(ChildKey::BlueTargetGroup).then_some(Colour::Blue)
    };
    // With no deployment under way, every rule must forward to the live group: CodeDeploy
    // refuses to deploy otherwise, and traffic goes to tasks the service does not count as
    // serving. A rule that does not is drift: pending, explained, and repaired by the apply.
    seen.drift.clear();
    let in_flight = service.as_ref().is_some_and(|s| s.deployment_in_flight());
    if let Some(live) = live
        && !in_flight
    {
        for (key, rule, listener) in [
            (ChildKey::ProductionListenerRule, &prod, "production"),
            (ChildKey::TestListenerRule, &test, "test"),
        ] {
            let Some(rule) = rule else { continue };
            let Some(target) = rule.target_group_arn.as_deref() else {
                continue;
            };
            let pair_lost = exp.strategy.ecs_shifts_traffic()
                && crate::aws::discover::target_groups(&seen)
                    .iter()
                    .any(|g| !rule.names(g));
            if pair_lost {
                seen.pending.insert(key);
                seen.drift.push(format!(
                    "the {listener} listener rule no longer forwards to both target groups: \
                     changed outside Terraform. ECS-native blue/green needs both (the idle one at \
                     weight 0) or its next deployment fails; the apply restores the pair."
                ));
                continue;
            }
            if rule.split() || colour_of(target) == Some(live) {
                continue;
            }
            let now =
                colour_of(target).map_or_else(|| target.to_owned(), |c| c.as_str().to_owned());
            seen.pending.insert(key);
            seen.drift.push(format!(
                "the {listener} listener rule forwards to {now}, but the service serves {live}: \
                 changed outside Terraform. The apply points the rule back at the {live} target \
                 group.",
                live = live.as_str()
            ));
        }
    }
    // The deployment configuration of an ECS-controller service changed outside Terraform
    // (strategy, bake time, alarms, circuit breaker): the apply puts it back.
    if let (Some(want), Some(svc)) = (&exp.ecs_service.deployment, &service)
        && svc.deployment_controller.as_deref() == Some("ECS")
        && svc.deployment.as_ref() != Some(want)
    {
        seen.pending.insert(ChildKey::EcsService);
        seen.drift.push(
            "the ECS service's deployment configuration differs from the configuration \
             (changed outside Terraform); the apply sets it again."
                .to_owned(),
        );
    }
    // A request-count policy measuring the idle target group (a follow-up that failed after a
    // swap, or a change out of band) is drift only the provider sees: marked pending, the plan
    // shows a change and the apply points it at the live group.
    if let (Some(live), Some(p)) = (
        live,
        policies
            .iter()
            .find(|p| p.name == exp.names.requests_policy),
    ) && seen.has(ChildKey::ScalingPolicy(ScalingMetric::Requests))
    {
        let wanted = live_target_group(&seen, live)
            .and_then(|tg| alb_resource_label(&exp.placement.load_balancer, &tg));
        if wanted.is_some() && p.resource_label != wanted {
            seen.pending
                .insert(ChildKey::ScalingPolicy(ScalingMetric::Requests));
        }
    }
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
        task_role_managed_policies: task_managed,
        registry_detached,
        alarms,
    })
}
