//! terraform-provider-fargate: an OpenTofu/Terraform provider whose one resource,
//! `fargate_production_service`, is a whole production ECS Fargate service.
//!
//! Layers (shared/DESIGN.md): `plugin`, `tfplugin` and `value` are a small provider framework
//! that knows nothing of AWS; `service` is the domain model; `aws` and `hcl` render it.

pub mod value;
