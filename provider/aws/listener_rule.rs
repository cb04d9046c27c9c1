//! The forwarding rules on the production and test listeners. They route to the blue target
//! group when created (for ECS-native blue/green, a weighted forward naming both groups, green
//! at weight 0); CodeDeploy or ECS moves them between blue and green, so the target is only ever
//! set at creation (or by a drift repair) and read back afterwards.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, ForwardActionConfig, HostHeaderConditionConfig,
    PathPatternConditionConfig, RuleCondition, RulePriorityPair, TargetGroupTuple,
};

use crate::service::expand::ListenerRuleDef;

use super::clients::{AwsError, AwsResult, Clients, absent, err, gone_ok};

/// What a rule looks like in AWS.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedRule {
    /// Where the rule sends (most of) its traffic: the forward's target group, or the heaviest
    /// of a weighted forward such as the {new: 100, old: 0} CodeDeploy leaves behind.
    pub target_group_arn: Option<String>,
    /// Every target group the forward names, with its weight (1 for a plain forward).
    pub weights: Vec<(String, i64)>,
    pub priority: Option<i64>,
    pub path_patterns: Vec<String>,
    pub host_headers: Vec<String>,
    /// Whether this is a Network Load Balancer listener's default action rather than a rule:
    /// it has no priority or conditions.
    pub whole_listener: bool,
}

/// One condition per kind that has values, as the modules write them.
fn conditions(def: &ListenerRuleDef) -> Vec<RuleCondition> {
    let mut out = Vec::new();
    if !def.path_patterns.is_empty() {
        out.push(
            RuleCondition::builder()
                .field("path-pattern")
                .path_pattern_config(
                    PathPatternConditionConfig::builder()
                        .set_values(Some(def.path_patterns.clone()))
                        .build(),
                )
                .build(),
        );
    }
    if !def.host_headers.is_empty() {
        out.push(
            RuleCondition::builder()
                .field("host-header")
                .host_header_config(
                    HostHeaderConditionConfig::builder()
                        .set_values(Some(def.host_headers.clone()))
                        .build(),
                )
                .build(),
        );
    }
    out
}

/// The forward action: to `live` alone, or with `idle` named at weight 0 (live at 1), as
/// ECS-native blue/green needs before its first deployment.
pub(super) fn forward(live: &str, idle: Option<&str>) -> Action {
    match idle {
        None => Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(live)
            .build(),
        Some(idle) => Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .forward_config(
                ForwardActionConfig::builder()
                    .target_groups(
                        TargetGroupTuple::builder()
                            .target_group_arn(live)
                            .weight(1)
                            .build(),
                    )
                    .target_groups(
                        TargetGroupTuple::builder()
                            .target_group_arn(idle)
                            .weight(0)
                            .build(),
                    )
                    .build(),
            )
            .build(),
    }
}

/// Creates the rule forwarding to `target_group_arn`, and with `idle` also to that group at
/// weight 0.
pub async fn create(
    c: &Clients,
    def: &ListenerRuleDef,
    target_group_arn: &str,
    idle: Option<&str>,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    let forward = forward(target_group_arn, idle);
    let out = c
        .elbv2
        .create_rule()
        .listener_arn(&def.listener_arn)
        .priority(def.priority as i32)
        .set_conditions(Some(conditions(def)))
        .actions(forward)
        .set_tags(Some(super::tags::to_sdk(tags)))
        .send()
        .await
        .map_err(err("CreateRule"))?;
    out.rules()
        .first()
        .and_then(|r| r.rule_arn())
        .map(str::to_owned)
        .ok_or_else(|| AwsError::new("CreateRule", "no ARN in the response"))
}

/// Changes the rule's conditions and, when it differs from `current_priority`, its priority,
/// leaving where it forwards alone.
pub async fn update(
    c: &Clients,
    arn: &str,
    def: &ListenerRuleDef,
    current_priority: Option<i64>,
) -> AwsResult<()> {
    c.elbv2
        .modify_rule()
        .rule_arn(arn)
        .set_conditions(Some(conditions(def)))
        .send()
        .await
        .map_err(err("ModifyRule"))?;
    if current_priority == Some(def.priority) {
        return Ok(());
    }
    c.elbv2
        .set_rule_priorities()
        .rule_priorities(
            RulePriorityPair::builder()
                .rule_arn(arn)
                .priority(def.priority as i32)
                .build(),
        )
        .send()
        .await
        .map_err(err("SetRulePriorities"))?;
    Ok(())
}

pub async fn read(c: &Clients, arn: &str) -> AwsResult<Option<ObservedRule>> {
    let Some(out) = absent(
        c.elbv2
            .describe_rules()
            .rule_arns(arn)
            .send()
            .await
            .map_err(err("DescribeRules")),
    )?
    else {
        return Ok(None);
    };
    let Some(rule) = out.rules().first() else {
        return Ok(None);
    };
    let mut observed = ObservedRule::forwarding(rule.actions(), false);
    observed.priority = rule.priority().and_then(|p| p.parse().ok());
    for cond in rule.conditions() {
        match cond.field() {
            Some("path-pattern") => {
                observed.path_patterns = cond
                    .path_pattern_config()
                    .map(|p| p.values().to_vec())
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| cond.values().to_vec());
            }
            Some("host-header") => {
                observed.host_headers = cond
                    .host_header_config()
                    .map(|p| p.values().to_vec())
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| cond.values().to_vec());
            }
            _ => {}
        }
    }
    Ok(Some(observed))
}

impl ObservedRule {
    /// Where `actions` (a rule's, or an NLB listener's default actions) forward: every group
    /// with its weight (1 for a plain forward), the main one the plain forward's group or the
    /// heaviest of a weighted one; no priority or conditions yet.
    pub fn forwarding(actions: &[Action], whole_listener: bool) -> ObservedRule {
        let mut observed = ObservedRule {
            target_group_arn: None,
            weights: Vec::new(),
            priority: None,
            path_patterns: Vec::new(),
            host_headers: Vec::new(),
            whole_listener,
        };
        for action in actions {
            if let Some(f) = action.forward_config() {
                observed
                    .weights
                    .extend(f.target_groups().iter().filter_map(|t| {
                        Some((
                            t.target_group_arn()?.to_owned(),
                            i64::from(t.weight().unwrap_or(1)),
                        ))
                    }));
            } else if let Some(tg) = action.target_group_arn() {
                observed.weights.push((tg.to_owned(), 1));
            }
            if let Some(tg) = action.target_group_arn() {
                observed.target_group_arn = Some(tg.to_owned());
            } else if let Some(first) = action.forward_config().and_then(|f| {
                f.target_groups()
                    .iter()
                    .max_by_key(|t| t.weight().unwrap_or(0))
            }) {
                observed.target_group_arn = first.target_group_arn().map(str::to_owned);
            }
        }
        observed
    }

    /// Whether traffic is split between groups, as during a canary or linear shift.
    pub fn split(&self) -> bool {
        self.weights.iter().filter(|(_, w)| *w > 0).count() > 1
    }

    /// Whether the forward names `group` (at any weight).
    pub fn names(&self, group: &str) -> bool {
        self.weights.iter().any(|(g, _)| g == group)
    }
}

/// Points the rule's forward at `target_group_arn` alone: the repair of a rule changed out of
/// band to forward to the idle group. Conditions and priority are left alone.
/// With `idle`, the forward names both groups (live 1, idle 0), as ECS-native blue/green needs.
/// An NLB listener's ARN (the service's forwarding there) gets its default action changed.
pub async fn forward_to(
    c: &Clients,
    arn: &str,
    target_group_arn: &str,
    idle: Option<&str>,
) -> AwsResult<()> {
    if is_listener(arn) {
        return super::listener_default_action::forward_to(c, arn, target_group_arn, idle).await;
    }
    c.elbv2
        .modify_rule()
        .rule_arn(arn)
        .actions(forward(target_group_arn, idle))
        .send()
        .await
        .map_err(err("ModifyRule"))?;
    Ok(())
}

/// The listener and rule that forward to `target_group_arn`, looked up through the target
/// group's load balancers (for the import of a rolling service, which names no rule).
pub async fn forwarding_to(
    c: &Clients,
    target_group_arn: &str,
) -> AwsResult<Option<(String, String)>> {
    let groups = c
        .elbv2
        .describe_target_groups()
        .target_group_arns(target_group_arn)
        .send()
        .await
        .map_err(err("DescribeTargetGroups"))?;
    let balancers: Vec<String> = groups
        .target_groups()
        .iter()
        .flat_map(|g| g.load_balancer_arns().to_vec())
        .collect();
    for lb in balancers {
        let listeners = c
            .elbv2
            .describe_listeners()
            .load_balancer_arn(&lb)
            .send()
            .await
            .map_err(err("DescribeListeners"))?;
        for l in listeners.listeners() {
            let Some(listener) = l.listener_arn() else {
                continue;
            };
            // An NLB listener forwards by its default action: the listener is the "rule".
            if is_listener(listener) && lb.contains(":loadbalancer/net/") {
                if l.default_actions()
                    .iter()
                    .flat_map(action_targets)
                    .any(|t| t == target_group_arn)
                {
                    return Ok(Some((listener.to_owned(), listener.to_owned())));
                }
                continue;
            }
            if let Some(rule) = find_forwarding_to(c, listener, &[target_group_arn]).await? {
                return Ok(Some((listener.to_owned(), rule)));
            }
        }
    }
    Ok(None)
}

/// The rule on `listener_arn` that forwards to one of `target_groups` (for import).
pub async fn find_forwarding_to(
    c: &Clients,
    listener_arn: &str,
    target_groups: &[&str],
) -> AwsResult<Option<String>> {
    Ok(forwarding(c, listener_arn)
        .await?
        .into_iter()
        .find(|(_, targets)| targets.iter().any(|t| target_groups.contains(&t.as_str())))
        .map(|(rule, _)| rule))
}

/// The listener's rules other than its default one, each with the target groups it forwards
/// to.
pub async fn forwarding(c: &Clients, listener_arn: &str) -> AwsResult<Vec<(String, Vec<String>)>> {
    Ok(rules_of(c, listener_arn)
        .await?
        .iter()
        .filter(|r| !r.is_default().unwrap_or(false))
        .filter_map(|r| Some((r.rule_arn()?.to_owned(), forward_targets(r))))
        .collect())
}

/// The rule on `listener_arn` that holds `priority`, with the target groups it forwards to.
pub async fn holding_priority(
    c: &Clients,
    listener_arn: &str,
    priority: i64,
) -> AwsResult<Option<(String, Vec<String>)>> {
    let wanted = priority.to_string();
    Ok(rules_of(c, listener_arn)
        .await?
        .iter()
        .find(|r| r.priority() == Some(wanted.as_str()))
        .and_then(|r| Some((r.rule_arn()?.to_owned(), forward_targets(r)))))
}

/// The rules of a listener (at most 100, AWS's limit per listener, in one page).
async fn rules_of(
    c: &Clients,
    listener_arn: &str,
) -> AwsResult<Vec<aws_sdk_elasticloadbalancingv2::types::Rule>> {
    let out = c
        .elbv2
        .describe_rules()
        .listener_arn(listener_arn)
        .page_size(400)
        .send()
        .await
        .map_err(err("DescribeRules"))?;
    Ok(out.rules().to_vec())
}

/// Every target group a rule's actions forward to.
fn forward_targets(rule: &aws_sdk_elasticloadbalancingv2::types::Rule) -> Vec<String> {
    rule.actions().iter().flat_map(action_targets).collect()
}

/// Every target group an action forwards to.
fn action_targets(a: &Action) -> Vec<String> {
    let mut out: Vec<String> = a
        .target_group_arn()
        .map(str::to_owned)
        .into_iter()
        .collect();
    let weighted = a
        .forward_config()
        .map(|f| f.target_groups())
        .unwrap_or_default();
    for t in weighted.iter().filter_map(|t| t.target_group_arn()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    out
}

/// Whether a forwarding's identity is a listener (an NLB's default action) rather than a rule.
pub fn is_listener(arn: &str) -> bool {
    arn.contains(":listener/")
}

/// The rule's owner tag, when it has one.
pub async fn owner(c: &Clients, arn: &str) -> AwsResult<Option<String>> {
    super::target_group::owner(c, arn).await
}

pub async fn delete(c: &Clients, arn: &str) -> AwsResult<()> {
    gone_ok(
        c.elbv2
            .delete_rule()
            .rule_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteRule")),
    )
}

// --- The listener rules as children of the service (see aws/kind.rs) ------------------------

use super::child::{live_target_group, required, rule_def};
use super::discover::Ownership;
use super::kind::prelude::*;

/// The production and the test listener's rule.
pub struct ListenerRuleKind;

#[async_trait::async_trait]
impl ChildKind for ListenerRuleKind {
    async fn read(&self, at: &Lookup<'_>, keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        futures::future::try_join_all(keys.iter().map(|&key| async move {
            let Some(arn) = at.known.get(key) else {
                return Ok(());
            };
            let rule = if is_listener(arn) {
                super::listener_default_action::read(at.c, arn).await?
            } else {
                read(at.c, arn).await?
            };
            seen.present(key, rule.is_some());
            seen.note(|o| match key {
                ChildKey::TestListenerRule => o.test_rule = rule,
                _ => o.production_rule = rule,
            });
            AwsResult::Ok(())
        }))
        .await?;
        Ok(())
    }

    /// With no deployment under way, every rule must forward to the live group: CodeDeploy
    /// refuses to deploy otherwise, and traffic goes to tasks the service does not count as
    /// serving. A rule that does not (or, for ECS-native blue/green, no longer names both
    /// groups) is drift: pending, explained, and repaired by the apply.
    async fn relate(&self, at: &Lookup<'_>, key: ChildKey, o: &mut Observed) -> AwsResult<()> {
        let Some(live) = o.live else { return Ok(()) };
        if o.deployment_in_flight() {
            return Ok(());
        }
        let (rule, listener) = match key {
            ChildKey::TestListenerRule => (&o.test_rule, "test"),
            _ => (&o.production_rule, "production"),
        };
        let forwarding = if rule.as_ref().is_some_and(|r| r.whole_listener) {
            format!("the {listener} listener's default action")
        } else {
            format!("the {listener} listener rule")
        };
        let Some(target) = rule.as_ref().and_then(|r| r.target_group_arn.clone()) else {
            return Ok(());
        };
        let pair_lost = at.exp.strategy.ecs_shifts_traffic()
            && rule.as_ref().is_some_and(|r| {
                super::discover::target_groups(&o.ids)
                    .iter()
                    .any(|g| !r.names(g))
            });
        if pair_lost {
            o.ids.pending.insert(key);
            o.ids.drift.push(format!(
                "{forwarding} no longer forwards to both target groups: \
                 changed outside Terraform. ECS-native blue/green needs both (the idle one at \
                 weight 0) or its next deployment fails; the apply restores the pair."
            ));
            return Ok(());
        }
        let now = o.colour_of(&target);
        if rule.as_ref().is_some_and(ObservedRule::split) || now == Some(live) {
            return Ok(());
        }
        let now = now.map_or(target, |c| c.as_str().to_owned());
        o.ids.pending.insert(key);
        o.ids.drift.push(format!(
            "{forwarding} forwards to {now}, but the service serves {live}: \
             changed outside Terraform. The apply points it back at the {live} target \
             group.",
            live = live.as_str()
        ));
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        let def = rule_def(cx.exp, key)?;
        let g = cx.ids();
        let target =
            live_target_group(&g, cx.live).ok_or(ChildProblem::Needs("the live target group"))?;
        let idle = if def.weighted_pair {
            Some(
                live_target_group(&g, cx.live.other())
                    .ok_or(ChildProblem::Needs("the idle target group"))?,
            )
        } else {
            None
        };
        if def.whole_listener {
            let blue = required(&g, ChildKey::BlueTargetGroup, "the blue target group")?;
            let ours: Vec<String> = std::iter::once(target.clone())
                .chain(idle.clone())
                .collect();
            let current = super::listener_default_action::read(cx.c, &def.listener_arn)
                .await?
                .ok_or_else(|| {
                    AwsError::new(
                        "DescribeListeners",
                        format!("the listener {} does not exist", def.listener_arn),
                    )
                })?;
            if let Some((group, targets)) =
                super::listener_default_action::serving_others(cx.c, &current, &ours).await?
            {
                return Err(ChildProblem::ListenerServesOthers {
                    listener: def.listener_arn.clone(),
                    group,
                    targets,
                });
            }
            super::listener_default_action::take_over(
                cx.c,
                key,
                &def.listener_arn,
                &current,
                &blue,
                (&target, idle.as_deref()),
            )
            .await?;
            cx.record(key, def.listener_arn.clone());
            return Ok(());
        }
        let arn = create(cx.c, def, &target, idle.as_deref(), &cx.tags()).await?;
        cx.record(key, arn);
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        if let (Some(arn), Some(o), Some(n)) = (
            cx.id(key),
            old.listener_rule(key),
            cx.exp.listener_rule(key),
        ) && !n.whole_listener
            && (o.priority != n.priority
                || o.path_patterns != n.path_patterns
                || o.host_headers != n.host_headers)
        {
            update(cx.c, &arn, n, Some(o.priority)).await?;
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, key: ChildKey, fresh: bool) -> KindResult {
        if fresh {
            return Ok(());
        }
        let g = cx.ids();
        let arn = required(&g, key, "the listener rule")?;
        let def = rule_def(cx.exp, key)?;
        let observed = if is_listener(&arn) {
            super::listener_default_action::read(cx.c, &arn).await?
        } else {
            let observed = read(cx.c, &arn).await?;
            let current = observed.as_ref().and_then(|r| r.priority);
            update(cx.c, &arn, def, current).await?;
            observed
        };
        // A rule that forwards to the idle group (changed out of band) goes back to the live
        // one, and for ECS-native blue/green names the idle one again at weight 0; a split
        // forward is a deployment shifting traffic and is left to it.
        let idle = if def.weighted_pair {
            live_target_group(&g, cx.live.other())
        } else {
            None
        };
        if let (Some(rule), Some(target)) = (&observed, live_target_group(&g, cx.live))
            && !rule.split()
            && (rule.target_group_arn.as_deref() != Some(target.as_str())
                || idle.as_deref().is_some_and(|i| !rule.names(i)))
        {
            forward_to(cx.c, &arn, &target, idle.as_deref()).await?;
        }
        Ok(())
    }

    async fn delete(&self, cx: &Cx<'_>, key: ChildKey) -> AwsResult<()> {
        // Nothing recorded, nothing to delete (never a request with an empty ARN).
        let Some(arn) = cx.id(key) else {
            return Ok(());
        };
        if is_listener(&arn) {
            // The listener is the user's: it goes back to the group it forwarded to before.
            let ours: Vec<String> = super::discover::target_groups(&cx.ids());
            let blue = cx.id(ChildKey::BlueTargetGroup);
            return super::listener_default_action::hand_back(
                cx.c,
                key,
                &arn,
                blue.as_deref(),
                &ours,
            )
            .await;
        }
        delete(cx.c, &arn).await
    }

    async fn find(&self, at: &Lookup<'_>, key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, known } = *at;
        let Some(def) = exp.listener_rule(key) else {
            return Ok(None);
        };
        if def.listener_arn.is_empty() {
            // A rolling service without a test listener.
            return Ok(None);
        }
        // The rule that forwards to a group with one of the service's group names: found
        // without waiting for the groups' own lookups.
        let names = [&exp.names.blue_target_group, &exp.names.green_target_group];
        let named = |arn: &String| {
            super::target_group::name_in_arn(arn)
                .is_some_and(|n| names.iter().any(|m| m.as_str() == n))
        };
        let found = if def.whole_listener {
            super::listener_default_action::read(c, &def.listener_arn)
                .await?
                .map(|o| o.weights.into_iter().map(|(g, _)| g).collect::<Vec<_>>())
                .filter(|targets| targets.iter().any(named))
                .map(|targets| (def.listener_arn.clone(), targets))
        } else {
            forwarding(c, &def.listener_arn)
                .await?
                .into_iter()
                .find(|(_, targets)| targets.iter().any(named))
        };
        let Some((arn, targets)) = found else {
            return Ok(None);
        };
        let ids = ChildIds::from_iter([(key, arn)]);
        // Forwarding to a group this service records makes it this service's; otherwise it is
        // whose those groups are (discovery decides once it has looked them up).
        let ours = super::discover::target_groups(known);
        let ownership = if targets.iter().any(|t| ours.contains(t)) {
            Ownership::Ours
        } else {
            Ownership::Via(targets)
        };
        Ok(Some(Found { ids, ownership }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::observed::testing::{BLUE, GREEN, clients, expansion, observed, rule};
    use crate::service::state::Colour;

    /// Relates the production rule of `o` under `strategy`, the live colour `live`.
    async fn relate(strategy: &str, live: Colour, mut o: Observed) -> Observed {
        let (c, exp) = (clients(), expansion(strategy));
        let known = o.ids.clone();
        let at = Lookup {
            c: &c,
            exp: &exp,
            known: &known,
        };
        o.live = Some(live);
        let key = ChildKey::ProductionListenerRule;
        let Ok(()) = ListenerRuleKind.relate(&at, key, &mut o).await else {
            panic!("relate makes no call here")
        };
        o
    }

    #[tokio::test]
    async fn a_rule_forwarding_to_the_idle_group_is_drift_the_apply_repairs() {
        let key = ChildKey::ProductionListenerRule;
        let mut o = observed(&[(key, "arn:rule")]);
        o.production_rule = Some(rule(&[(GREEN, 1)]));
        let o = relate("codedeploy", Colour::Blue, o).await;
        assert!(o.ids.pending.contains(&key));
        assert_eq!(
            o.ids.drift,
            [
                "the production listener rule forwards to green, but the service serves blue: \
              changed outside Terraform. The apply points it back at the blue target group."
            ]
        );
        // Forwarding to the live group, or split mid-shift, is no drift.
        for weights in [&[(BLUE, 1)][..], &[(BLUE, 50), (GREEN, 50)]] {
            let mut o = observed(&[(key, "arn:rule")]);
            o.production_rule = Some(rule(weights));
            let o = relate("codedeploy", Colour::Blue, o).await;
            assert!(
                o.ids.pending.is_empty() && o.ids.drift.is_empty(),
                "{weights:?}"
            );
        }
    }

    #[tokio::test]
    async fn ecs_native_blue_green_needs_the_rule_to_name_both_groups() {
        let key = ChildKey::ProductionListenerRule;
        let mut o = observed(&[(key, "arn:rule")]);
        o.production_rule = Some(rule(&[(BLUE, 1)]));
        let o = relate("blue_green", Colour::Blue, o).await;
        assert!(o.ids.pending.contains(&key));
        assert!(o.ids.drift[0].contains("no longer forwards to both target groups"));
        let mut o = observed(&[(key, "arn:rule")]);
        o.production_rule = Some(rule(&[(BLUE, 1), (GREEN, 0)]));
        let o = relate("blue_green", Colour::Blue, o).await;
        assert!(o.ids.pending.is_empty() && o.ids.drift.is_empty());
    }
}
