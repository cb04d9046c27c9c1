//! The AWS rendering of the service: provider configuration, SDK clients, one file per child
//! kind, the executor that walks the expansion's dependency graph, and the network lookups of
//! the plan-time checks.

pub mod alarm;
pub mod child;
pub mod clients;
pub mod codedeploy_application;
pub mod config;
pub mod deployment;
pub mod deployment_group;
pub mod discover;
pub mod discovery_service;
pub mod ecs_service;
pub mod executor;
pub mod iam_role;
pub mod identity;
pub mod kind;
pub mod lifecycle;
pub mod listener_default_action;
pub mod listener_rule;
pub mod log_group;
pub mod network;
pub mod observed;
pub mod rollout;
pub mod scalable_target;
pub mod scaling_policy;
pub mod service_deployment;
pub mod tags;
pub mod target_group;
pub mod task_definition;
