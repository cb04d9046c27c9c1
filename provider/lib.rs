//! terraform-provider-fargate: an OpenTofu/Terraform provider whose one resource,
//! `fargate_production_service`, is a whole production ECS Fargate service.
//!
//! Layers (shared/DESIGN.md): `plugin`, `tfplugin` and `value` are a small provider framework
//! that knows nothing of AWS; `service` is the domain model; `aws` (and the module generator)
//! render it; `fargate` wires them into the provider OpenTofu loads.

#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "aws")]
pub mod fargate;
pub mod hcl;
pub mod plugin;
pub mod service;
pub mod tfplugin;
pub mod value;
