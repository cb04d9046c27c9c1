//! The schema of how many tasks run and where: the capacity provider strategy and the
//! autoscaling target and policies.

use crate::tfplugin::{Attribute as A, Block};
use crate::value::{Type, Value};

use super::d;

pub(super) fn capacity_provider_block() -> Block {
    Block::new(
        "Capacity provider strategy (`FARGATE`, `FARGATE_SPOT`). Without one, tasks use the FARGATE launch type.",
    )
    .attribute(A::required("capacity_provider", Type::String, "`FARGATE` or `FARGATE_SPOT`."))
    .attribute(A::defaulted(
            "base",
            Type::Number,
            Value::int(d::CAPACITY_BASE),
            "Tasks placed on this provider before weights apply; at most one provider may have a base.",
        ))
    .attribute(A::defaulted(
            "weight",
            Type::Number,
            Value::int(d::CAPACITY_WEIGHT),
            "Relative share of tasks beyond the base.",
        ))
}

pub(super) fn autoscaling_block() -> Block {
    Block::new("Application Auto Scaling of the service's desired count, with target-tracking policies.")
        .attribute(A::required("min", Type::Number, "Minimum task count."))
        .attribute(A::required("max", Type::Number, "Maximum task count."))
        .attribute(A::optional(
            "requests_per_target",
            Type::Number,
            "Target ALB requests per task (ALBRequestCountPerTarget); its ResourceLabel follows the live \
             target group.",
        ))
        .attribute(A::optional("cpu_target", Type::Number, "Target average CPU utilisation, percent."))
        .attribute(A::optional(
            "memory_target",
            Type::Number,
            "Target average memory utilisation, percent.",
        ))
        .attribute(A::defaulted(
            "scale_in_cooldown",
            Type::Number,
            Value::int(d::SCALE_IN_COOLDOWN),
            "Seconds between scale-in steps.",
        ))
        .attribute(A::defaulted(
            "scale_out_cooldown",
            Type::Number,
            Value::int(d::SCALE_OUT_COOLDOWN),
            "Seconds between scale-out steps.",
        ))
        .attribute(A::defaulted(
            "high_resolution",
            Type::Bool,
            Value::Bool(d::HIGH_RESOLUTION_SCALING),
            "Scale on 20-second metrics: ECS publishes the service's CPUUtilization and \
             MemoryUtilization every 20 seconds instead of 60 (the service's monitoring \
             configuration), and the `cpu_target` and `memory_target` policies track the \
             HighResolution predefined metrics, so a scale-out starts in about a minute and a half \
             instead of six (AWS's figures). Billed like CloudWatch detailed monitoring. Under the \
             ECS-controller strategies, with `cpu_target` or `memory_target`; a change rolls out a \
             deployment (the monitoring configuration is part of a service revision).",
        ))
}
