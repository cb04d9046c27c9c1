//! The decoder entry point shared by the fuzz target (fuzz/) and the corpus smoke test, so the
//! corpus is replayed in every test run without a fuzzer.

use super::{Type, decode_json, decode_msgpack, encode_msgpack};

/// Generic types every fuzz run decodes against, besides the caller's own.
pub fn fuzz_types(extra: impl IntoIterator<Item = Type>) -> Vec<Type> {
    let mut types: Vec<Type> = extra.into_iter().collect();
    types.extend([
        Type::Dynamic,
        Type::String,
        Type::Number,
        Type::list(Type::map(Type::Dynamic)),
        Type::Tuple(vec![Type::Bool, Type::set(Type::Number)]),
    ]);
    types
}

/// Decodes `data[1..]` as msgpack and as JSON against the type `data[0]` selects from `types`.
/// Anything that decodes must encode again and decode to the same value.
pub fn fuzz_decode(data: &[u8], types: &[Type]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    if types.is_empty() {
        return;
    }
    let ty = &types[usize::from(selector) % types.len()];
    if let Ok(value) = decode_msgpack(bytes, ty)
        && let Ok(again) = encode_msgpack(&value, ty)
    {
        assert_eq!(
            decode_msgpack(&again, ty).ok(),
            Some(value),
            "re-encoding changed the value"
        );
    }
    let _ = decode_json(bytes, ty);
}
