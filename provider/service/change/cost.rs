//! What the service costs a month, as the plan shows it in `monthly_cost`: its tasks on demand
//! at the desired count and at the autoscaling bounds, the Fargate Spot share as a range, both
//! CPU architectures side by side, ephemeral storage above what Fargate includes, one
//! deployment's extra tasks, and the service's own alarms and 20-second metrics. Prices come
//! from the committed table (`facts::prices`); a Region without prices has no cost (null), and
//! an input not yet known gives an unknown cost, never a guess.

use crate::value::{Number, Type, Value};

use super::comparable_expansion;
use super::preview::peak_tasks;
use crate::service::facts::prices::{PriceTable, RegionPrices};
use crate::service::spec::{CapacityProviderItem, ServiceSpec};

/// The capacity provider whose tasks run on spare capacity at a discount.
const SPOT: &str = "FARGATE_SPOT";

/// The type of `monthly_cost`.
pub fn cost_type() -> Type {
    Type::object([
        ("currency", Type::String),
        ("region", Type::String),
        ("price_date", Type::String),
        ("per_task", Type::Number),
        ("tasks_on_demand", Type::Number),
        ("spot_tasks", Type::Number),
        ("tasks_low", Type::Number),
        ("tasks_high", Type::Number),
        ("at_min", Type::Number),
        ("at_max", Type::Number),
        ("x86_64", Type::Number),
        ("arm64", Type::Number),
        ("ephemeral_storage", Type::Number),
        ("rollout_surge", Type::Number),
        ("alarms", Type::Number),
        ("high_resolution_metrics", Type::Number),
        ("total_low", Type::Number),
        ("total_high", Type::Number),
    ])
}

/// Why a cost is not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoCost {
    /// An input (or the Region) is not known yet: the cost is unknown.
    Unknown,
    /// The price table has no prices for the Region: the cost is null.
    NoPrices(String),
    /// The committed table does not parse (a test keeps it parsing).
    NoTable(String),
}

/// The figures of one service's month, unrounded.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyCost {
    pub currency: String,
    pub region: String,
    pub price_date: String,
    /// One task on demand, on its architecture, with its storage.
    pub per_task: f64,
    pub tasks_on_demand: f64,
    /// Tasks the capacity provider strategy places on Fargate Spot at the desired count (a
    /// share by weight, so possibly fractional).
    pub spot_tasks: f64,
    /// The tasks with the Spot share at its deepest discount, and at none.
    pub tasks_low: f64,
    pub tasks_high: f64,
    /// On demand at autoscaling's `min` and `max`; `None` without autoscaling.
    pub at_min: Option<f64>,
    pub at_max: Option<f64>,
    pub x86_64: f64,
    pub arm64: f64,
    /// The part of `tasks_on_demand` that is ephemeral storage above the included amount.
    pub ephemeral_storage: f64,
    /// One deployment's extra tasks (its peak above the desired count) for the minutes its
    /// steps wait; not a monthly figure, so not in the totals.
    pub rollout_surge: f64,
    pub alarms: f64,
    pub high_resolution_metrics: f64,
    pub total_low: f64,
    pub total_high: f64,
}

/// The cost of `planned` (a service value with its defaults) in `region`, by `table`.
pub fn monthly_cost(
    planned: &Value,
    region: Option<&str>,
    table: Result<&PriceTable, &str>,
) -> Result<MonthlyCost, NoCost> {
    let table = table.map_err(|e| NoCost::NoTable(e.to_owned()))?;
    let spec = ServiceSpec::from_value(planned).map_err(|_| NoCost::Unknown)?;
    let region = region.ok_or(NoCost::Unknown)?;
    let prices = table
        .region(region)
        .ok_or_else(|| NoCost::NoPrices(region.to_owned()))?;
    let exp = comparable_expansion(planned).ok_or(NoCost::Unknown)?;
    let hours = table.hours_per_month;
    let task_hour = |architecture: &str| task_hour(&spec, prices, table, architecture);
    let per_task = task_hour(&spec.task.cpu_architecture) * hours;
    let count = spec.desired_count as f64;
    let spot_tasks = spot_tasks(spec.desired_count, &spec.capacity_provider_strategy);
    let discount = table.spot_discount_up_to_percent / 100.0;
    let tasks_on_demand = per_task * count;
    let surge_tasks = (peak_tasks(spec.deployment_strategy, &spec) - spec.desired_count).max(0);
    let steps = (spec.deployment_strategy.family().steps)(spec.deployment_strategy, &spec);
    let surge_minutes: i64 = steps.iter().map(|s| s.minutes).sum();
    let cw = &prices.cloudwatch;
    let alarms: f64 = exp
        .alarms
        .iter()
        .map(|a| {
            // An alarm on metric math is billed for each metric it reads.
            let metrics = if a.expression.is_some() { 2.0 } else { 1.0 };
            let each = if a.period < 60 {
                cw.high_resolution_alarm_metric_month
            } else {
                cw.alarm_metric_month
            };
            metrics * each
        })
        .sum();
    let high_resolution_metrics =
        exp.ecs_service.high_resolution_metrics.len() as f64 * cw.metric_month;
    let tasks_low = tasks_on_demand - spot_tasks * per_task * discount;
    let tasks_high = tasks_on_demand;
    let monthly_extras = alarms + high_resolution_metrics;
    Ok(MonthlyCost {
        currency: table.currency.clone(),
        region: region.to_owned(),
        price_date: prices.price_date.clone(),
        per_task,
        tasks_on_demand,
        spot_tasks,
        tasks_low,
        tasks_high,
        at_min: spec.autoscaling.as_ref().map(|a| a.min as f64 * per_task),
        at_max: spec.autoscaling.as_ref().map(|a| a.max as f64 * per_task),
        x86_64: task_hour("X86_64") * hours * count,
        arm64: task_hour("ARM64") * hours * count,
        ephemeral_storage: billed_storage_gb(&spec, table)
            * prices.fargate.ephemeral_storage_gb_hour
            * hours
            * count,
        rollout_surge: surge_tasks as f64
            * task_hour(&spec.task.cpu_architecture)
            * surge_minutes as f64
            / 60.0,
        alarms,
        high_resolution_metrics,
        total_low: tasks_low + monthly_extras,
        total_high: tasks_high + monthly_extras,
    })
}

/// One task's hour on `architecture`: its vCPUs, its memory in GB and its storage above the
/// included amount.
fn task_hour(
    spec: &ServiceSpec,
    prices: &RegionPrices,
    table: &PriceTable,
    architecture: &str,
) -> f64 {
    let compute = prices.fargate.of(architecture);
    let vcpu = spec.task.cpu as f64 / 1024.0;
    let gb = spec.task.memory as f64 / 1024.0;
    vcpu * compute.vcpu_hour
        + gb * compute.gb_hour
        + billed_storage_gb(spec, table) * prices.fargate.ephemeral_storage_gb_hour
}

/// A task's ephemeral storage above what Fargate includes: the part that is billed.
fn billed_storage_gb(spec: &ServiceSpec, table: &PriceTable) -> f64 {
    (spec.task.ephemeral_storage_gib as f64 - table.ephemeral_storage_included_gb).max(0.0)
}

/// The tasks of `count` that a capacity provider strategy runs on Fargate Spot: the `base` of
/// the provider that has one first, then the rest shared by `weight` ("The base value
/// designates how many tasks, at a minimum, to run on the specified capacity provider ... The
/// weight value designates the relative percentage of the total number of tasks launched that
/// should use the specified capacity provider", ECS API, CapacityProviderStrategyItem). No
/// strategy runs every task on Fargate on demand.
pub fn spot_tasks(count: i64, strategy: &[CapacityProviderItem]) -> f64 {
    let mut left = count.max(0);
    let mut spot = 0.0;
    for item in strategy.iter().filter(|i| i.base > 0) {
        let base = item.base.min(left);
        left -= base;
        if item.capacity_provider == SPOT {
            spot += base as f64;
        }
    }
    let total: i64 = strategy.iter().map(|i| i.weight.max(0)).sum();
    if total > 0 {
        let spot_weight: i64 = strategy
            .iter()
            .filter(|i| i.capacity_provider == SPOT)
            .map(|i| i.weight.max(0))
            .sum();
        spot += left as f64 * spot_weight as f64 / total as f64;
    }
    spot
}

/// A figure in cents, as the attribute shows it.
fn money(x: f64) -> Value {
    Number::from_decimal(&format!("{x:.2}"))
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// `monthly_cost` as the plan shows it: the figures rounded to cents, null for a Region without
/// prices, unknown while an input is.
pub fn cost_value(cost: &Result<MonthlyCost, NoCost>) -> Value {
    let c = match cost {
        Ok(c) => c,
        Err(NoCost::Unknown) => return Value::unknown(),
        Err(NoCost::NoPrices(_) | NoCost::NoTable(_)) => return Value::Null,
    };
    let optional = |x: Option<f64>| x.map(money).unwrap_or(Value::Null);
    Value::object([
        ("currency", Value::string(&c.currency)),
        ("region", Value::string(&c.region)),
        ("price_date", Value::string(&c.price_date)),
        ("per_task", money(c.per_task)),
        ("tasks_on_demand", money(c.tasks_on_demand)),
        ("spot_tasks", money(c.spot_tasks)),
        ("tasks_low", money(c.tasks_low)),
        ("tasks_high", money(c.tasks_high)),
        ("at_min", optional(c.at_min)),
        ("at_max", optional(c.at_max)),
        ("x86_64", money(c.x86_64)),
        ("arm64", money(c.arm64)),
        ("ephemeral_storage", money(c.ephemeral_storage)),
        ("rollout_surge", money(c.rollout_surge)),
        ("alarms", money(c.alarms)),
        ("high_resolution_metrics", money(c.high_resolution_metrics)),
        ("total_low", money(c.total_low)),
        ("total_high", money(c.total_high)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::facts::prices::price_table;
    use crate::service::testing::service_value;

    const LISTENER: &str =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188";

    fn service(
        strategy: &str,
        edit: impl FnOnce(&mut std::collections::BTreeMap<String, Value>),
    ) -> Value {
        let test = (strategy != "rolling").then(|| format!("{LISTENER}/0467ef3c8400ae65"));
        let mut v = service_value(
            strategy,
            &format!("{LISTENER}/f2f7dc8efc522ab2"),
            test.as_deref(),
        );
        if let Value::Object(m) = &mut v {
            edit(m);
        }
        v
    }

    fn cost(v: &Value) -> MonthlyCost {
        monthly_cost(v, Some("us-east-1"), price_table())
            .unwrap_or_else(|e| panic!("no cost: {e:?}"))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn x86_on_demand_is_vcpu_memory_and_storage_by_the_hour() {
        // 0.5 vCPU and 1 GB on x86, the default 21 GiB of storage (1 GB billed), 2 tasks, no
        // alarms block: 0.5 × 0.04048 + 1 × 0.004445 + 1 × 0.000111 = 0.024796 an hour.
        let v = service("rolling", |m| {
            m.insert(
                "task".into(),
                Value::object([("cpu", Value::int(512)), ("memory", Value::int(1024))]),
            );
        });
        let c = cost(&v);
        assert!(close(c.per_task, 0.024796 * 730.0), "{c:?}");
        assert!(close(c.tasks_on_demand, 2.0 * 0.024796 * 730.0));
        assert_eq!((c.spot_tasks, c.tasks_low), (0.0, c.tasks_high));
        assert!(close(c.ephemeral_storage, 2.0 * 0.000111 * 730.0));
        assert!(close(
            c.arm64,
            2.0 * (0.5 * 0.03238 + 0.00356 + 0.000111) * 730.0
        ));
        assert!(close(c.x86_64, c.tasks_on_demand) && c.arm64 < c.x86_64);
        assert_eq!((c.at_min, c.at_max, c.alarms), (None, None, 0.0));
        assert!(close(c.total_high, c.tasks_on_demand));
        let shown = cost_value(&Ok(c));
        assert_eq!(
            shown.get("tasks_on_demand").as_number().map(|n| n.as_f64()),
            Some(36.2)
        );
        assert_eq!(shown.get("price_date").as_str(), Some("2026-09-11"));
        assert!(shown.get("at_min").is_null());
    }

    #[test]
    fn arm64_with_a_spot_share_is_a_range() {
        // 1 vCPU and 2 GB on ARM64, 4 tasks: one on FARGATE by its base, the other three shared
        // 1:3, so 2.25 on Spot; between 70 % off and none for them.
        let v = service("canary", |m| {
            m.insert("desired_count".into(), Value::int(4));
            m.insert(
                "task".into(),
                Value::object([
                    ("cpu", Value::int(1024)),
                    ("memory", Value::int(2048)),
                    ("cpu_architecture", Value::string("ARM64")),
                ]),
            );
            m.insert(
                "capacity_provider_strategy".into(),
                Value::List(vec![
                    Value::object([
                        ("capacity_provider", Value::string("FARGATE")),
                        ("base", Value::int(1)),
                        ("weight", Value::int(1)),
                    ]),
                    Value::object([
                        ("capacity_provider", Value::string("FARGATE_SPOT")),
                        ("base", Value::int(0)),
                        ("weight", Value::int(3)),
                    ]),
                ]),
            );
            m.insert(
                "autoscaling".into(),
                Value::object([
                    ("min", Value::int(2)),
                    ("max", Value::int(10)),
                    ("cpu_target", Value::int(60)),
                ]),
            );
        });
        let c = cost(&v);
        let hour = 0.03238 + 2.0 * 0.00356 + 0.000111;
        assert!(close(c.per_task, hour * 730.0), "{c:?}");
        assert!(close(c.spot_tasks, 2.25));
        assert!(close(c.tasks_high, 4.0 * hour * 730.0));
        assert!(close(c.tasks_low, (4.0 - 2.25 * 0.7) * hour * 730.0));
        assert_eq!(c.at_min.map(|m| close(m, 2.0 * hour * 730.0)), Some(true));
        assert_eq!(c.at_max.map(|m| close(m, 10.0 * hour * 730.0)), Some(true));
        assert!(close(c.arm64, c.tasks_on_demand) && c.x86_64 > c.arm64);
        // A canary runs the whole new set beside the old for its 10 minutes and the 5-minute
        // bake: 4 extra tasks for 15 minutes.
        assert!(close(c.rollout_surge, 4.0 * hour * 15.0 / 60.0), "{c:?}");
    }

    #[test]
    fn storage_above_twenty_gb_and_the_services_alarms_are_billed() {
        // 32 GiB: 12 GB above the included 20. Alarms on 5xx count, 5xx rate (metric math over
        // two metrics), p99 and unhealthy hosts on both target groups of a blue/green, at
        // 10-second periods (high resolution).
        let v = service("blue_green", |m| {
            m.insert(
                "task".into(),
                Value::object([
                    ("cpu", Value::int(256)),
                    ("memory", Value::int(512)),
                    ("ephemeral_storage_gib", Value::int(32)),
                ]),
            );
            m.insert(
                "alarms".into(),
                Value::object([
                    ("target_5xx_rate_percent", Value::int(5)),
                    ("period", Value::int(10)),
                ]),
            );
        });
        let c = cost(&v);
        assert!(
            close(c.ephemeral_storage, 2.0 * 12.0 * 0.000111 * 730.0),
            "{c:?}"
        );
        let hour = 0.25 * 0.04048 + 0.5 * 0.004445 + 12.0 * 0.000111;
        assert!(close(c.per_task, hour * 730.0));
        // 4 metrics × 2 groups, the rate alarm reading two metrics: 10 alarm metrics at 0.30.
        assert!(close(c.alarms, 10.0 * 0.30), "{c:?}");
        assert!(close(c.total_high, c.tasks_high + c.alarms));
    }

    #[test]
    fn twenty_second_metrics_are_billed_per_metric() {
        let v = service("rolling", |m| {
            m.insert(
                "autoscaling".into(),
                Value::object([
                    ("min", Value::int(2)),
                    ("max", Value::int(4)),
                    ("cpu_target", Value::int(60)),
                    ("memory_target", Value::int(70)),
                    ("high_resolution", Value::Bool(true)),
                ]),
            );
        });
        assert!(close(cost(&v).high_resolution_metrics, 2.0 * 0.30));
    }

    #[test]
    fn a_region_without_prices_has_no_cost_and_an_unknown_input_an_unknown_one() {
        let v = service("canary", |_| {});
        let none = monthly_cost(&v, Some("me-central-1"), price_table());
        assert_eq!(none, Err(NoCost::NoPrices("me-central-1".into())));
        assert!(cost_value(&none).is_null());
        let mut unknown = v.clone();
        if let Value::Object(m) = &mut unknown {
            m.insert("desired_count".into(), Value::unknown());
        }
        let c = monthly_cost(&unknown, Some("us-east-1"), price_table());
        assert_eq!(c, Err(NoCost::Unknown));
        assert!(cost_value(&c).is_unknown());
        assert!(cost_value(&monthly_cost(&v, None, price_table())).is_unknown());
        assert!(cost_value(&monthly_cost(&v, Some("us-east-1"), Err("broken"))).is_null());
    }

    #[test]
    fn spot_tasks_follow_base_then_weight() {
        let item = |p: &str, base, weight| CapacityProviderItem {
            capacity_provider: p.into(),
            base,
            weight,
        };
        assert_eq!(spot_tasks(5, &[]), 0.0);
        assert_eq!(spot_tasks(5, &[item("FARGATE_SPOT", 0, 1)]), 5.0);
        // The base is filled first, even above the count.
        assert_eq!(
            spot_tasks(2, &[item("FARGATE_SPOT", 3, 0), item("FARGATE", 0, 1)]),
            2.0
        );
        assert_eq!(
            spot_tasks(6, &[item("FARGATE", 2, 1), item("FARGATE_SPOT", 0, 1)]),
            2.0
        );
    }
}
