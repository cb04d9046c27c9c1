//! The domain: one production Fargate service. Its schema, the typed desired state decoded
//! from configuration, the production checks, the expansion into child resources, and what a
//! change of settings means for the running service.
//! Nothing here knows about gRPC or AWS SDK clients.

pub mod appspec;
pub mod arn;
pub mod change;
pub mod checks;
pub mod defaults;
pub mod empty_identifiers;
pub mod expand;
pub mod facts;
pub mod image_owner;
pub mod names;
pub mod schema;
pub mod spec;
pub mod state;
pub mod strategy;
pub mod tag_checks;
pub mod task;
#[cfg(test)]
pub(crate) mod testing;
