//! Feeds arbitrary bytes to the DynamicValue decoders: they must return an error, never panic,
//! hang or overflow the stack. The first byte picks the type the rest is decoded against; the
//! resource's own schema type is the first choice.
#![no_main]

use std::sync::OnceLock;

use fargate_provider::service::schema::schema;
use fargate_provider::value::{Type, fuzz_decode, fuzz_types};
use libfuzzer_sys::fuzz_target;

static TYPES: OnceLock<Vec<Type>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let types = TYPES.get_or_init(|| fuzz_types([schema().value_type()]));
    fuzz_decode(data, types);
});
