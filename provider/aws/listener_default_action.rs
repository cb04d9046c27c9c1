//! A Network Load Balancer listener's default action: what the service owns on an NLB, where an
//! ALB gives it a rule. An NLB listener routes by port alone, so it serves one service; the
//! user creates it forwarding to an empty target group of their own (the parking group), the
//! service takes the default action over, and destroy hands it back. The parking group is
//! recorded as a tag on the service's blue target group before the listener changes, so an
//! interrupted apply, a lost state or an import still knows where to hand the listener back.
//! ECS names the listener itself as the service's `productionListenerRule` ("listener (in the
//! case for an Network Load Balancer)", ECS API model, `AdvancedConfiguration`), and moves its
//! default action's weights during a deployment (the `NLBModifyListeners` statement of
//! AmazonECSInfrastructureRolePolicyForLoadBalancers).

use aws_sdk_elasticloadbalancingv2::types::Tag;

use crate::service::expand::ChildKey;

use super::clients::{AwsError, AwsResult, Clients, absent, err};
use super::listener_rule::{ObservedRule, forward};

/// The tag on the blue target group naming the group the listener of `key` forwarded to
/// before the service took it over.
pub fn parking_tag(key: ChildKey) -> &'static str {
    match key {
        ChildKey::TestListenerRule => "fargate:test-listener-returns-to",
        _ => "fargate:production-listener-returns-to",
    }
}

/// The listener's default action as a forwarding; `None` when the listener is gone.
pub async fn read(c: &Clients, listener_arn: &str) -> AwsResult<Option<ObservedRule>> {
    let Some(out) = absent(
        c.elbv2
            .describe_listeners()
            .listener_arns(listener_arn)
            .send()
            .await
            .map_err(err("DescribeListeners")),
    )?
    else {
        return Ok(None);
    };
    Ok(out
        .listeners()
        .first()
        .map(|l| ObservedRule::forwarding(l.default_actions(), true)))
}

/// Points the listener's default action at `live` (and `idle` at weight 0).
pub async fn forward_to(
    c: &Clients,
    listener_arn: &str,
    live: &str,
    idle: Option<&str>,
) -> AwsResult<()> {
    c.elbv2
        .modify_listener()
        .listener_arn(listener_arn)
        .default_actions(forward(live, idle))
        .send()
        .await
        .map_err(err("ModifyListener"))?;
    Ok(())
}

/// A target group the listener forwards to that serves someone else: not one of `ours`, with
/// targets registered. Returns the group and how many targets it has.
pub async fn serving_others(
    c: &Clients,
    forwarding: &ObservedRule,
    ours: &[String],
) -> AwsResult<Option<(String, usize)>> {
    for (group, _) in &forwarding.weights {
        if ours.contains(group) {
            continue;
        }
        let Some(health) = absent(
            c.elbv2
                .describe_target_health()
                .target_group_arn(group)
                .send()
                .await
                .map_err(err("DescribeTargetHealth")),
        )?
        else {
            continue;
        };
        let targets = health.target_health_descriptions().len();
        if targets > 0 {
            return Ok(Some((group.clone(), targets)));
        }
    }
    Ok(None)
}

/// Takes the listener over from its `current` forwarding: records where it forwarded (a group
/// not `ours`) on the blue group as the tag of `key`, then forwards to `live` (and `idle` at
/// weight 0). A listener that already forwards only to `ours` (an adopted, interrupted
/// take-over) keeps its recorded group.
pub async fn take_over(
    c: &Clients,
    key: ChildKey,
    listener_arn: &str,
    current: &ObservedRule,
    blue_group: &str,
    (live, idle): (&str, Option<&str>),
) -> AwsResult<()> {
    let ours: Vec<String> = std::iter::once(live)
        .chain(idle)
        .map(str::to_owned)
        .collect();
    let parking = current
        .weights
        .iter()
        .filter(|(g, _)| !ours.contains(g))
        .max_by_key(|(_, w)| *w)
        .map(|(g, _)| g.clone());
    if let Some(parking) = parking {
        c.elbv2
            .add_tags()
            .resource_arns(blue_group)
            .tags(Tag::builder().key(parking_tag(key)).value(parking).build())
            .send()
            .await
            .map_err(err("AddTags"))?;
    }
    forward_to(c, listener_arn, live, idle).await
}

/// Hands the listener of `key` back to the group recorded on the blue group, when it still
/// forwards to one of `ours`; a listener gone or already elsewhere needs nothing.
pub async fn hand_back(
    c: &Clients,
    key: ChildKey,
    listener_arn: &str,
    blue_group: Option<&str>,
    ours: &[String],
) -> AwsResult<()> {
    let Some(current) = read(c, listener_arn).await? else {
        return Ok(());
    };
    if !current.weights.iter().any(|(g, _)| ours.contains(g)) {
        return Ok(());
    }
    let parking = match blue_group {
        Some(blue) => recorded_parking(c, key, blue).await?,
        None => None,
    };
    let Some(parking) = parking else {
        return Err(AwsError::new(
            "ModifyListener",
            format!(
                "the listener {listener_arn} forwards to this service's target groups, and no group to hand it \
                 back to is recorded (tag {} on the blue target group). Point its default action at another \
                 target group (aws elbv2 modify-listener --listener-arn {listener_arn} --default-actions \
                 Type=forward,TargetGroupArn=<arn>) or delete the listener, then destroy again",
                parking_tag(key)
            ),
        ));
    };
    forward_to(c, listener_arn, &parking, None).await
}

/// The group recorded as where the listener of `key` goes back to.
async fn recorded_parking(
    c: &Clients,
    key: ChildKey,
    blue_group: &str,
) -> AwsResult<Option<String>> {
    let Some(out) = absent(
        c.elbv2
            .describe_tags()
            .resource_arns(blue_group)
            .send()
            .await
            .map_err(err("DescribeTags")),
    )?
    else {
        return Ok(None);
    };
    Ok(out
        .tag_descriptions()
        .iter()
        .flat_map(|d| d.tags())
        .find(|t| t.key() == Some(parking_tag(key)))
        .and_then(|t| t.value())
        .map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, ForwardActionConfig, TargetGroupTuple,
    };

    #[test]
    fn a_weighted_default_action_reads_as_its_heaviest_group() {
        let tuple = |arn: &str, w: i32| {
            TargetGroupTuple::builder()
                .target_group_arn(arn)
                .weight(w)
                .build()
        };
        let action = Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .forward_config(
                ForwardActionConfig::builder()
                    .target_groups(tuple("blue", 10))
                    .target_groups(tuple("green", 90))
                    .build(),
            )
            .build();
        let o = ObservedRule::forwarding(&[action], true);
        assert_eq!(o.target_group_arn.as_deref(), Some("green"));
        assert!(o.split() && o.whole_listener && o.priority.is_none());
        let plain = Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn("parking")
            .build();
        assert_eq!(
            ObservedRule::forwarding(&[plain], true).weights,
            [("parking".to_owned(), 1)]
        );
    }
}
