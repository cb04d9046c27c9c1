//! The AWS rendering of the service: provider configuration, one file per child kind, and the
//! executor that walks the expansion.

pub mod config;
pub mod identity;
