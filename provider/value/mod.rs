//! cty values as Terraform and OpenTofu exchange them: types, values (with null and unknown),
//! the msgpack and JSON wire encodings, and attribute paths.
//!
//! Nothing here knows about AWS or gRPC; it is the value half of a small provider framework.

mod fuzzing;
mod json;
mod msgpack;
mod number;
mod path;
mod types;
#[allow(clippy::module_inception)]
mod value;

pub use fuzzing::{fuzz_decode, fuzz_types};
pub use json::{decode_json, encode_json};
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::Number;
pub use path::{AttributePath, PathStep};
pub use types::Type;
pub use value::{Refinements, Value};

/// A value that does not fit the type it is decoded against, or bytes that are not a value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CodecError {
    /// Where in the value the problem is, so a diagnostic can point at it.
    pub path: AttributePath,
    pub message: String,
}

impl CodecError {
    pub(crate) fn new(path: &AttributePath, message: impl Into<String>) -> Self {
        Self {
            path: path.clone(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod proptests;
