//! The tfplugin6 provider service: the generated protocol bindings, a plain-Rust view of
//! schemas and diagnostics, the `Provider`/`Resource` traits a provider implements, and the
//! gRPC server that dispatches RPCs to them. Nothing here knows about AWS.

mod diagnostics;
mod function;
pub mod proto;
mod resource;
mod schema;
mod server;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use function::{Function, FunctionParameter};
pub use resource::{
    ApplyRequest, ApplyResponse, ImportResponse, PlanRequest, PlanResponse, Provider, ReadRequest,
    ReadResponse, Resource, StopSignal,
};
pub use schema::{Attribute, Block, NestedBlock, Nesting, Schema};
pub use server::{ProviderService, StopHandle};
