//! The longest names AWS accepts for each kind of resource the service creates, and the tag
//! limits: facts like the others of `facts.rs`, apart because there are many.

use super::{ECS_CONTAINER_DEFINITION, ELB_TARGET_GROUP, NameLength, shape};

/// IAM role names.
pub const ROLE_NAME: NameLength = NameLength {
    max: 64,
    model: shape("iam", "roleNameType"),
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
};

/// CodeDeploy application names.
pub const CODEDEPLOY_APPLICATION_NAME: NameLength = NameLength {
    max: 100,
    model: shape("codedeploy", "ApplicationName"),
    source: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateApplication.html",
};

/// CodeDeploy deployment group names.
pub const DEPLOYMENT_GROUP_NAME: NameLength = NameLength {
    max: 100,
    model: shape("codedeploy", "DeploymentGroupName"),
    source: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html",
};

/// Target group names (the model states no length; the API reference does).
pub const TARGET_GROUP_NAME: NameLength = NameLength {
    max: 32,
    model: None,
    source: ELB_TARGET_GROUP,
};

/// Task definition families and ECS service names.
pub const ECS_NAME: NameLength = NameLength {
    max: 255,
    model: None,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
};

/// Cloud Map service names: one DNS label (the model's pattern allows 63 characters a label).
pub const DISCOVERY_SERVICE_NAME: NameLength = NameLength {
    max: 63,
    model: None,
    source: "https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html",
};

/// CloudWatch alarm names.
pub const ALARM_NAME: NameLength = NameLength {
    max: 255,
    model: shape("cloudwatch", "AlarmName"),
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
};

/// Application Auto Scaling policy names.
pub const SCALING_POLICY_NAME: NameLength = NameLength {
    max: 256,
    model: shape("application-autoscaling", "PolicyName"),
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
};

/// CloudWatch Logs group names.
pub const LOG_GROUP_NAME: NameLength = NameLength {
    max: 512,
    model: shape("logs", "LogGroupName"),
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
};

/// A tag key's longest length.
pub const TAG_KEY: NameLength = NameLength {
    max: 128,
    model: shape("ecs", "TagKey"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html",
};

/// A tag value's longest length.
pub const TAG_VALUE: NameLength = NameLength {
    max: 256,
    model: shape("ecs", "TagValue"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html",
};

/// The longest container name: the ECS model states it only in prose
/// (`ContainerDefinition.name`: "Up to 255 letters (uppercase and lowercase), numbers,
/// underscores, and hyphens"), its shape is a plain `String`.
pub const CONTAINER_NAME: NameLength = NameLength {
    max: 255,
    model: None,
    source: ECS_CONTAINER_DEFINITION,
};

/// Every name length, by name.
pub const NAME_LENGTHS: &[(&str, NameLength)] = &[
    ("ROLE_NAME", ROLE_NAME),
    ("CODEDEPLOY_APPLICATION_NAME", CODEDEPLOY_APPLICATION_NAME),
    ("DEPLOYMENT_GROUP_NAME", DEPLOYMENT_GROUP_NAME),
    ("TARGET_GROUP_NAME", TARGET_GROUP_NAME),
    ("ECS_NAME", ECS_NAME),
    ("DISCOVERY_SERVICE_NAME", DISCOVERY_SERVICE_NAME),
    ("ALARM_NAME", ALARM_NAME),
    ("SCALING_POLICY_NAME", SCALING_POLICY_NAME),
    ("LOG_GROUP_NAME", LOG_GROUP_NAME),
    ("TAG_KEY", TAG_KEY),
    ("TAG_VALUE", TAG_VALUE),
    ("CONTAINER_NAME", CONTAINER_NAME),
];
