//! CloudWatch metric alarms on the service's target groups, which stop (and roll back) a
//! roll-out while they are in ALARM.

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat, Statistic,
};

use crate::service::expand::AlarmDef;

use super::clients::{AwsError, AwsResult, Clients, err, gone_ok};

/// The ids of a rate's two sums, as its expression names them.
const RATE_NUMERATOR: &str = "errors";
const RATE_DENOMINATOR: &str = "requests";

/// What an alarm watches and how, as AWS reports it: compared with the definition to find
/// settings changed outside Terraform.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedAlarm {
    pub name: String,
    pub arn: String,
    pub metric_name: String,
    /// The statistic, or the extended statistic (a percentile such as `p99`).
    pub statistic: String,
    pub threshold: f64,
    pub comparison: String,
    pub period: i64,
    pub evaluation_periods: i64,
    /// The `TargetGroup` dimension: `targetgroup/<name>/<id>`.
    pub target_group: Option<String>,
    /// The metric math the alarm watches, for a rate (its metric is the numerator's).
    pub expression: Option<String>,
}

impl ObservedAlarm {
    /// Whether the alarm watches what `def` says, on `target_group` (its dimension value).
    pub fn matches(&self, def: &AlarmDef, target_group: Option<&str>) -> bool {
        self.metric_name == def.metric_name
            && self.statistic == def.statistic
            && (self.threshold - def.threshold).abs() < 1e-9
            && self.comparison == def.comparison
            && self.period == def.period
            && self.evaluation_periods == def.evaluation_periods
            && self.expression.as_deref() == def.expression
            && (target_group.is_none() || self.target_group.as_deref() == target_group)
    }
}

/// `targetgroup/<name>/<id>` of a target group ARN: the TargetGroup dimension of ALB metrics.
pub fn target_group_dimension(arn: &str) -> Option<&str> {
    arn.find("targetgroup/").map(|i| &arn[i..])
}

/// Creates or updates the alarm (PutMetricAlarm is both); tags apply when it is created.
pub async fn put(
    c: &Clients,
    def: &AlarmDef,
    load_balancer: &str,
    target_group_arn: &str,
    tags: &BTreeMap<String, String>,
) -> AwsResult<String> {
    let target_group = target_group_dimension(target_group_arn).ok_or_else(|| {
        AwsError::new(
            "PutMetricAlarm",
            format!("{target_group_arn} is not a target group ARN"),
        )
    })?;
    let dimensions = vec![
        Dimension::builder()
            .name("TargetGroup")
            .value(target_group)
            .build(),
        Dimension::builder()
            .name("LoadBalancer")
            .value(load_balancer)
            .build(),
    ];
    let mut req = c
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(&def.name)
        .alarm_description(&def.description)
        .evaluation_periods(def.evaluation_periods as i32)
        .threshold(def.threshold)
        .comparison_operator(ComparisonOperator::from(def.comparison))
        // No traffic is no evidence of a bad release.
        .treat_missing_data("notBreaching")
        .set_tags(Some(super::tags::to_sdk(tags)));
    req = match def.expression {
        // A rate: metric math over the metric and RequestCount, each summed over the period.
        Some(expression) => {
            let sum = |id: &str, metric_name: &str| {
                MetricDataQuery::builder()
                    .id(id)
                    .return_data(false)
                    .metric_stat(
                        MetricStat::builder()
                            .metric(
                                Metric::builder()
                                    .namespace(def.namespace)
                                    .metric_name(metric_name)
                                    .set_dimensions(Some(dimensions.clone()))
                                    .build(),
                            )
                            .period(def.period as i32)
                            .stat(def.statistic)
                            .build(),
                    )
                    .build()
            };
            req.metrics(sum(RATE_NUMERATOR, def.metric_name))
                .metrics(sum(RATE_DENOMINATOR, "RequestCount"))
                .metrics(
                    MetricDataQuery::builder()
                        .id("rate")
                        .expression(expression)
                        .label("HTTP 5xx (% of requests)")
                        .return_data(true)
                        .build(),
                )
        }
        None => {
            let req = req
                .namespace(def.namespace)
                .metric_name(def.metric_name)
                .set_dimensions(Some(dimensions))
                .period(def.period as i32);
            if def.statistic.starts_with('p') {
                req.extended_statistic(def.statistic)
            } else {
                req.statistic(Statistic::from(def.statistic))
            }
        }
    };
    req.send().await.map_err(err("PutMetricAlarm"))?;
    // PutMetricAlarm answers nothing; the ARN follows from the name.
    let found = read(c, std::slice::from_ref(&def.name)).await?;
    found
        .into_iter()
        .next()
        .map(|a| a.arn)
        .ok_or_else(|| AwsError::new("PutMetricAlarm", "the alarm is not there after it was put"))
}

/// The alarms of these names that exist (one DescribeAlarms call for up to 100 names).
pub async fn read(c: &Clients, names: &[String]) -> AwsResult<Vec<ObservedAlarm>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .cloudwatch
        .describe_alarms()
        .set_alarm_names(Some(names.to_vec()))
        .max_records(100)
        .send()
        .await
        .map_err(err("DescribeAlarms"))?;
    Ok(out.metric_alarms().iter().filter_map(observed).collect())
}

/// An alarm as AWS reports it; a metric math alarm by its numerator (`errors`), which carries
/// the metric, statistic, period and dimensions a plain alarm has at the top.
fn observed(a: &MetricAlarm) -> Option<ObservedAlarm> {
    let numerator = a
        .metrics()
        .iter()
        .find(|q| q.id() == Some(RATE_NUMERATOR))
        .and_then(|q| q.metric_stat());
    let expression = a
        .metrics()
        .iter()
        .find(|q| q.return_data() == Some(true))
        .and_then(|q| q.expression().map(str::to_owned));
    let (metric_name, statistic, period, dimensions) = match numerator {
        Some(stat) => (
            stat.metric().and_then(|m| m.metric_name()),
            stat.stat().map(str::to_owned),
            stat.period(),
            stat.metric().map(|m| m.dimensions()).unwrap_or_default(),
        ),
        None => (
            a.metric_name(),
            a.extended_statistic()
                .map(str::to_owned)
                .or_else(|| a.statistic().map(|s| s.as_str().to_owned())),
            a.period(),
            a.dimensions(),
        ),
    };
    Some(ObservedAlarm {
        name: a.alarm_name()?.to_owned(),
        arn: a.alarm_arn()?.to_owned(),
        metric_name: metric_name.unwrap_or_default().to_owned(),
        statistic: statistic.unwrap_or_default(),
        threshold: a.threshold().unwrap_or_default(),
        comparison: a
            .comparison_operator()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        period: period.map(i64::from).unwrap_or_default(),
        evaluation_periods: a.evaluation_periods().map(i64::from).unwrap_or_default(),
        target_group: dimensions
            .iter()
            .find(|d| d.name() == Some("TargetGroup"))
            .and_then(|d| d.value().map(str::to_owned)),
        expression,
    })
}

/// The alarm's owner tag, when it has one.
pub async fn owner(c: &Clients, arn: &str) -> AwsResult<Option<String>> {
    let out = c
        .cloudwatch
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(err("ListTagsForResource"))?;
    Ok(super::tags::owner_in(out.tags()))
}

/// Deletes the alarm; one already gone is no error. One name per call: DeleteAlarms deletes
/// nothing when any name it is given does not exist.
pub async fn delete(c: &Clients, name: &str) -> AwsResult<()> {
    gone_ok(
        c.cloudwatch
            .delete_alarms()
            .alarm_names(name)
            .send()
            .await
            .map(|_| ())
            .map_err(err("DeleteAlarms")),
    )
}

// --- The alarms as children of the service (see aws/kind.rs) --------------------------------

use super::child::{alarm_def, alarm_target_group};
use super::discover::{one, owner_of};
use super::kind::prelude::*;

/// One alarm per metric and target group.
pub struct AlarmKind;

/// Puts the expansion's alarm for `key` on its group; its ARN, or `None` when the expansion
/// has no such alarm.
async fn put_alarm(cx: &Cx<'_>, key: ChildKey) -> Result<Option<String>, ChildProblem> {
    let ChildKey::Alarm(metric, target) = key else {
        return Ok(None);
    };
    let Some(def) = alarm_def(cx.exp, metric, target) else {
        return Ok(None);
    };
    let group = alarm_target_group(&cx.ids(), target)?;
    let arn = put(
        cx.c,
        def,
        &cx.exp.placement.load_balancer,
        &group,
        &cx.tags(),
    )
    .await?;
    Ok(Some(arn))
}

#[async_trait::async_trait]
impl ChildKind for AlarmKind {
    /// All the recorded alarms in one call, by name.
    async fn read(&self, at: &Lookup<'_>, keys: &[ChildKey], seen: &Seen) -> AwsResult<()> {
        let name = |key| match key {
            ChildKey::Alarm(m, t) => Some(at.exp.names.alarm(m, t).to_owned()),
            _ => None,
        };
        let names: Vec<String> = keys.iter().filter_map(|k| name(*k)).collect();
        let alarms = read(at.c, &names).await?;
        for &key in keys {
            match alarms.iter().find(|a| Some(&a.name) == name(key).as_ref()) {
                Some(a) => seen.note(|o| o.ids.set(key, a.arn.clone())),
                None => seen.gone(key),
            }
        }
        seen.note(|o| o.alarms = alarms);
        Ok(())
    }

    /// An alarm changed outside Terraform (threshold, period, group) is drift only the
    /// provider sees: pending, so the plan shows it and the apply puts it back.
    async fn relate(&self, at: &Lookup<'_>, key: ChildKey, o: &mut Observed) -> AwsResult<()> {
        let ChildKey::Alarm(metric, target) = key else {
            return Ok(());
        };
        let name = at.exp.names.alarm(metric, target);
        let group = alarm_target_group(&o.ids, target).ok();
        let group = group.as_deref().and_then(target_group_dimension);
        if let Some(a) = o.alarms.iter().find(|a| a.name == name)
            && let Some(def) = alarm_def(at.exp, metric, target)
            && !a.matches(def, group)
        {
            o.ids.pending.insert(key);
        }
        Ok(())
    }

    async fn create(&self, cx: &Cx<'_>, key: ChildKey) -> KindResult {
        if let Some(arn) = put_alarm(cx, key).await? {
            cx.record(key, arn);
        }
        Ok(())
    }

    async fn update(&self, cx: &Cx<'_>, key: ChildKey, old: &Expansion) -> KindResult {
        let ChildKey::Alarm(metric, target) = key else {
            return Ok(());
        };
        let def = alarm_def(cx.exp, metric, target);
        if def.is_some()
            && alarm_def(old, metric, target) != def
            && let Some(arn) = put_alarm(cx, key).await?
        {
            cx.note(|g| g.set(key, arn));
        }
        Ok(())
    }

    async fn settle(&self, cx: &Cx<'_>, key: ChildKey, fresh: bool) -> KindResult {
        if !fresh && let Some(arn) = put_alarm(cx, key).await? {
            cx.note(|g| g.set(key, arn));
        }
        Ok(())
    }

    async fn delete(&self, cx: &Cx<'_>, key: ChildKey) -> AwsResult<()> {
        let ChildKey::Alarm(metric, target) = key else {
            return Ok(());
        };
        delete(cx.c, cx.exp.names.alarm(metric, target)).await
    }

    async fn find(&self, at: &Lookup<'_>, key: ChildKey) -> AwsResult<Option<Found>> {
        let Lookup { c, exp, .. } = *at;
        let ChildKey::Alarm(metric, target) = key else {
            return Ok(None);
        };
        let name = exp.names.alarm(metric, target).to_owned();
        let Some(a) = read(c, std::slice::from_ref(&name))
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let tag = owner(c, &a.arn).await?;
        Ok(one(
            ChildIds::from_iter([(key, a.arn)]),
            tag,
            &owner_of(exp),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_group_dimension_is_the_arn_suffix() {
        assert_eq!(
            target_group_dimension(
                "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/api-blue/73e2d6bc24d8a067"
            ),
            Some("targetgroup/api-blue/73e2d6bc24d8a067")
        );
        assert_eq!(target_group_dimension("arn:aws:iam::1:role/x"), None);
    }

    /// An alarm as AWS reports it when it says what `def` says, on `group`.
    fn observed_as(def: &AlarmDef, group: &str) -> ObservedAlarm {
        ObservedAlarm {
            name: def.name.clone(),
            arn: format!(
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:{}",
                def.name
            ),
            metric_name: def.metric_name.to_owned(),
            statistic: def.statistic.to_owned(),
            threshold: def.threshold,
            comparison: def.comparison.to_owned(),
            period: def.period,
            evaluation_periods: def.evaluation_periods,
            target_group: target_group_dimension(group).map(str::to_owned),
            expression: def.expression.map(str::to_owned),
        }
    }

    #[tokio::test]
    async fn an_alarm_changed_outside_terraform_or_on_the_other_group_is_drift() {
        use crate::aws::observed::testing::{BLUE, GREEN, clients, expansion, observed};
        use crate::service::expand::{AlarmMetric, AlarmTarget};

        let (c, exp) = (clients(), expansion("codedeploy"));
        let key = ChildKey::Alarm(AlarmMetric::Target5xx, AlarmTarget::Blue);
        let Some(def) = alarm_def(&exp, AlarmMetric::Target5xx, AlarmTarget::Blue) else {
            panic!("the test service alarms on 5xx")
        };
        let relate = |alarm: ObservedAlarm| {
            let mut o = observed(&[(key, "arn:alarm")]);
            o.alarms = vec![alarm];
            let known = o.ids.clone();
            let (c, exp) = (&c, &exp);
            async move {
                let at = Lookup {
                    c,
                    exp,
                    known: &known,
                };
                let Ok(()) = AlarmKind.relate(&at, key, &mut o).await else {
                    panic!("relate makes no call")
                };
                o.ids.pending.contains(&key)
            }
        };
        assert!(!relate(observed_as(def, BLUE)).await, "as defined");
        let mut raised = observed_as(def, BLUE);
        raised.threshold += 1.0;
        assert!(relate(raised).await, "a threshold changed");
        assert!(relate(observed_as(def, GREEN)).await, "on the green group");
    }
}
