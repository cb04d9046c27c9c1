//! The msgpack encoding of cty values (`DynamicValue.msgpack`), directed by the value's type.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use super::{AttributePath, CodecError, Number, Refinements, Type, Value};

/// Extension code cty uses for an unknown value without refinements.
const UNKNOWN_EXT: i8 = 0;
/// Extension code of a refined unknown: the payload is a map of refinements.
const REFINED_UNKNOWN_EXT: i8 = 12;
/// Nesting beyond this is refused rather than risking the decoder's stack.
const MAX_DEPTH: usize = 512;

/// Encodes `value` as the msgpack form of type `ty`.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mp = to_mp(value, ty, &AttributePath::root())?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &mp)
        .map_err(|e| CodecError::new(&AttributePath::root(), format!("msgpack write: {e}")))?;
    Ok(out)
}

/// Decodes msgpack bytes as a value of type `ty`. Empty input is a null value, as the hosts
/// treat it.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let root = AttributePath::root();
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut rest = bytes;
    let mp = rmpv::decode::read_value_with_max_depth(&mut rest, MAX_DEPTH)
        .map_err(|e| CodecError::new(&root, format!("invalid msgpack: {e}")))?;
    if !rest.is_empty() {
        return Err(CodecError::new(
            &root,
            format!("{} trailing bytes after the value", rest.len()),
        ));
    }
    from_mp(&mp, ty, &root)
}

fn to_mp(value: &Value, ty: &Type, path: &AttributePath) -> Result<Mp, CodecError> {
    let mismatch = || {
        CodecError::new(
            path,
            format!("value {} does not fit type {}", kind(value), ty.to_json()),
        )
    };
    Ok(match (value, ty) {
        (Value::Null, _) => Mp::Nil,
        (Value::Unknown(r), _) => unknown_to_mp(r, path)?,
        (Value::Dynamic(inner_ty, inner), Type::Dynamic) => Mp::Array(vec![
            Mp::Binary(inner_ty.to_json_bytes()),
            to_mp(inner, inner_ty, path)?,
        ]),
        (_, Type::Dynamic) => {
            return Err(CodecError::new(
                path,
                "a value in a dynamic slot must carry its type",
            ));
        }
        (Value::Dynamic(inner_ty, inner), _) if inner_ty == ty => to_mp(inner, ty, path)?,
        (Value::Bool(b), Type::Bool) => Mp::Boolean(*b),
        (Value::String(s), Type::String) => Mp::from(s.as_str()),
        (Value::Number(n), Type::Number) => number_to_mp(n, path)?,
        (Value::List(items) | Value::Set(items), Type::List(e) | Type::Set(e)) => Mp::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| to_mp(v, e, &path.join_index(i)))
                .collect::<Result<_, _>>()?,
        ),
        (Value::Tuple(items) | Value::List(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(CodecError::new(
                    path,
                    format!("tuple needs {} elements, got {}", types.len(), items.len()),
                ));
            }
            Mp::Array(
                items
                    .iter()
                    .zip(types)
                    .enumerate()
                    .map(|(i, (v, t))| to_mp(v, t, &path.join_index(i)))
                    .collect::<Result<_, _>>()?,
            )
        }
        (Value::Map(m), Type::Map(e)) => Mp::Map(
            m.iter()
                .map(|(k, v)| Ok((Mp::from(k.as_str()), to_mp(v, e, &path.join_key(k))?)))
                .collect::<Result<_, CodecError>>()?,
        ),
        (Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::new(
                    path,
                    format!("unsupported attribute {extra:?}"),
                ));
            }
            Mp::Map(
                attrs
                    .iter()
                    .map(|(k, t)| {
                        let v = m.get(k).unwrap_or(&Value::Null);
                        Ok((Mp::from(k.as_str()), to_mp(v, t, &path.join_attr(k))?))
                    })
                    .collect::<Result<_, CodecError>>()?,
            )
        }
        _ => return Err(mismatch()),
    })
}

/// Writes the canonical form, as cty does: an integer, else a float64, else the decimal text.
/// A hand-built number in another form is normalised first, so it reads back as what it is.
fn number_to_mp(n: &Number, path: &AttributePath) -> Result<Mp, CodecError> {
    Ok(match n.canonical() {
        Some(Number::Int(i)) => Mp::from(i),
        Some(Number::Float(f)) => Mp::F64(f),
        Some(Number::Decimal(s)) => Mp::from(s),
        None => return Err(CodecError::new(path, format!("{n} is not a number"))),
    })
}

fn unknown_to_mp(r: &Refinements, path: &AttributePath) -> Result<Mp, CodecError> {
    if r.is_empty() {
        return Ok(Mp::Ext(UNKNOWN_EXT, vec![0]));
    }
    let mut entries = Vec::new();
    if let Some(n) = r.nullness {
        entries.push((Mp::from(1), Mp::Boolean(n)));
    }
    if let Some(p) = &r.string_prefix {
        entries.push((Mp::from(2), Mp::from(p.as_str())));
    }
    for (key, bound) in [(3, &r.number_lower), (4, &r.number_upper)] {
        if let Some((n, inclusive)) = bound {
            entries.push((
                Mp::from(key),
                Mp::Array(vec![number_to_mp(n, path)?, Mp::Boolean(*inclusive)]),
            ));
        }
    }
    for (key, bound) in [(5, r.length_lower), (6, r.length_upper)] {
        if let Some(n) = bound {
            entries.push((Mp::from(key), Mp::from(n)));
        }
    }
    let mut payload = Vec::new();
    rmpv::encode::write_value(&mut payload, &Mp::Map(entries))
        .map_err(|e| CodecError::new(path, format!("msgpack write: {e}")))?;
    Ok(Mp::Ext(REFINED_UNKNOWN_EXT, payload))
}

/// Any extension is an unknown (as the wire format document asks); code 12 payloads are read
/// for refinements, and refinements we cannot read are dropped rather than failing the value.
fn unknown_from_ext(code: i8, data: &[u8]) -> Value {
    let mut r = Refinements::default();
    if code != REFINED_UNKNOWN_EXT || data.len() <= 1 {
        return Value::Unknown(r);
    }
    let mut rest = data;
    let Ok(Mp::Map(entries)) = rmpv::decode::read_value_with_max_depth(&mut rest, 8) else {
        return Value::Unknown(r);
    };
    for (k, v) in entries {
        match (k.as_u64(), v) {
            (Some(1), Mp::Boolean(b)) => r.nullness = Some(b),
            (Some(2), Mp::String(s)) => r.string_prefix = s.into_str(),
            (Some(key @ (3 | 4)), Mp::Array(pair)) => {
                let bound = match pair.as_slice() {
                    [n, Mp::Boolean(inc)] => number_from_mp(n).map(|n| (n, *inc)),
                    _ => None,
                };
                if key == 3 {
                    r.number_lower = bound;
                } else {
                    r.number_upper = bound;
                }
            }
            (Some(5), v) => r.length_lower = v.as_u64(),
            (Some(6), v) => r.length_upper = v.as_u64(),
            _ => {}
        }
    }
    Value::Unknown(r)
}

fn number_from_mp(mp: &Mp) -> Option<Number> {
    match mp {
        Mp::Integer(i) => match i.as_i64() {
            Some(v) => Some(Number::Int(v)),
            // Above i64: a float64 or a decimal, whichever its text makes it.
            None => i
                .as_u64()
                .and_then(|u| Number::from_decimal(&u.to_string())),
        },
        // cty numbers have no NaN.
        Mp::F32(f) if !f.is_nan() => Some(Number::from_f64(f64::from(*f))),
        Mp::F64(f) if !f.is_nan() => Some(Number::from_f64(*f)),
        Mp::String(s) => s.as_str().and_then(Number::from_decimal),
        _ => None,
    }
}

fn from_mp(mp: &Mp, ty: &Type, path: &AttributePath) -> Result<Value, CodecError> {
    let wrong =
        |want: &str| CodecError::new(path, format!("expected {want}, found {}", mp_kind(mp)));
    match (mp, ty) {
        (Mp::Nil, _) => Ok(Value::Null),
        (Mp::Ext(code, data), _) => Ok(unknown_from_ext(*code, data)),
        (_, Type::Dynamic) => {
            let [type_json, inner] = mp.as_array().map(Vec::as_slice).unwrap_or_default() else {
                return Err(wrong("a [type, value] pair for a dynamic value"));
            };
            let raw: &[u8] = match type_json {
                Mp::Binary(b) => b,
                Mp::String(s) => s.as_bytes(),
                _ => return Err(wrong("type JSON in a dynamic value")),
            };
            let json: serde_json::Value = serde_json::from_slice(raw)
                .map_err(|e| CodecError::new(path, format!("dynamic value type: {e}")))?;
            let inner_ty = Type::from_json(&json).map_err(|e| CodecError::new(path, e))?;
            if inner_ty == Type::Dynamic {
                return Err(CodecError::new(
                    path,
                    "a dynamic value's type cannot be dynamic",
                ));
            }
            Ok(Value::Dynamic(
                inner_ty.clone(),
                Box::new(from_mp(inner, &inner_ty, path)?),
            ))
        }
        (Mp::Boolean(b), Type::Bool) => Ok(Value::Bool(*b)),
        (Mp::String(s), Type::String) => s
            .as_str()
            .map(|s| Value::String(s.to_owned()))
            .ok_or_else(|| CodecError::new(path, "string is not valid UTF-8")),
        (_, Type::Number) => number_from_mp(mp)
            .map(Value::Number)
            .ok_or_else(|| wrong("number")),
        (Mp::Array(items), Type::List(e) | Type::Set(e)) => {
            let values = items
                .iter()
                .enumerate()
                .map(|(i, v)| from_mp(v, e, &path.join_index(i)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(values)
            } else {
                Value::List(values)
            })
        }
        (Mp::Array(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(CodecError::new(
                    path,
                    format!(
                        "tuple needs {} elements, found {}",
                        types.len(),
                        items.len()
                    ),
                ));
            }
            Ok(Value::Tuple(
                items
                    .iter()
                    .zip(types)
                    .enumerate()
                    .map(|(i, (v, t))| from_mp(v, t, &path.join_index(i)))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Mp::Map(entries), Type::Map(e)) => {
            let mut m = BTreeMap::new();
            for (k, v) in entries {
                let key = k.as_str().ok_or_else(|| wrong("string map keys"))?;
                m.insert(key.to_owned(), from_mp(v, e, &path.join_key(key))?);
            }
            Ok(Value::Map(m))
        }
        (Mp::Map(entries), Type::Object(attrs)) => {
            let mut m = BTreeMap::new();
            for (k, v) in entries {
                let key = k.as_str().ok_or_else(|| wrong("string attribute names"))?;
                let attr_ty = attrs.get(key).ok_or_else(|| {
                    CodecError::new(path, format!("unsupported attribute {key:?}"))
                })?;
                m.insert(key.to_owned(), from_mp(v, attr_ty, &path.join_attr(key))?);
            }
            if m.len() != attrs.len() {
                return Err(CodecError::new(
                    path,
                    format!(
                        "an object with {} attributes is required ({} given)",
                        attrs.len(),
                        m.len()
                    ),
                ));
            }
            Ok(Value::Object(m))
        }
        (_, Type::Bool) => Err(wrong("bool")),
        (_, Type::String) => Err(wrong("string")),
        (_, Type::List(_) | Type::Set(_) | Type::Tuple(_)) => Err(wrong("array")),
        (_, Type::Map(_) | Type::Object(_)) => Err(wrong("map")),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown(_) => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
        Value::Dynamic(..) => "dynamic",
    }
}

fn mp_kind(mp: &Mp) -> &'static str {
    match mp {
        Mp::Nil => "nil",
        Mp::Boolean(_) => "bool",
        Mp::Integer(_) => "integer",
        Mp::F32(_) | Mp::F64(_) => "float",
        Mp::String(_) => "string",
        Mp::Binary(_) => "binary",
        Mp::Array(_) => "array",
        Mp::Map(_) => "map",
        Mp::Ext(..) => "extension",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj_ty() -> Type {
        Type::object([
            ("name", Type::String),
            ("count", Type::Number),
            ("tags", Type::map(Type::String)),
        ])
    }

    #[test]
    fn unknown_is_written_as_cty_does() {
        assert_eq!(
            encode_msgpack(&Value::unknown(), &Type::String).unwrap(),
            vec![0xd4, 0, 0]
        );
    }

    #[test]
    fn refined_unknown_is_read_with_its_refinements() {
        // ext 12 carrying {1: false, 2: "arn:"}
        let mut payload = Vec::new();
        rmpv::encode::write_value(
            &mut payload,
            &Mp::Map(vec![
                (Mp::from(1), Mp::Boolean(false)),
                (Mp::from(2), Mp::from("arn:")),
            ]),
        )
        .unwrap();
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &Mp::Ext(12, payload)).unwrap();
        let v = decode_msgpack(&bytes, &Type::String).unwrap();
        let Value::Unknown(r) = &v else {
            panic!("not unknown: {v:?}")
        };
        assert_eq!(r.nullness, Some(false));
        assert_eq!(r.string_prefix.as_deref(), Some("arn:"));
        assert_eq!(
            decode_msgpack(&encode_msgpack(&v, &Type::String).unwrap(), &Type::String).unwrap(),
            v
        );
    }

    #[test]
    fn numbers_arrive_as_int_float_or_decimal_string() {
        let enc = |mp: Mp| {
            let mut b = Vec::new();
            rmpv::encode::write_value(&mut b, &mp).unwrap();
            decode_msgpack(&b, &Type::Number).unwrap()
        };
        assert_eq!(enc(Mp::from(512)), Value::int(512));
        assert_eq!(enc(Mp::F64(512.0)), Value::int(512));
        assert_eq!(enc(Mp::F64(0.5)), Value::Number(Number::Float(0.5)));
        assert_eq!(enc(Mp::from("1024")), Value::int(1024));
        assert_eq!(
            enc(Mp::from("123456789012345678901234567890")),
            Value::Number(Number::Decimal("123456789012345678901234567890".into()))
        );
        assert_eq!(
            enc(Mp::from(u64::MAX)),
            Value::Number(Number::Decimal(u64::MAX.to_string()))
        );
    }

    fn mp_bytes(mp: &Mp) -> Vec<u8> {
        let mut b = Vec::new();
        rmpv::encode::write_value(&mut b, mp).unwrap();
        b
    }

    /// Decodes, re-encodes and decodes again; the two decoded values must be the same.
    fn round_trip(bytes: &[u8], ty: &Type) -> Value {
        let value = decode_msgpack(bytes, ty).unwrap();
        let again = encode_msgpack(&value, ty).unwrap();
        assert_eq!(decode_msgpack(&again, ty).unwrap(), value, "{bytes:x?}");
        value
    }

    #[test]
    fn fuzz_found_u64_above_i64_keeps_its_form() {
        // A tuple [false, {…, 13775103886098432000, …}]: the u64 is a float64 exactly, and used
        // to decode as a decimal that re-read as a float.
        let input = [
            0x05, 0x92, 0xc2, 0x9b, 0x03, 0xcf, 0xbf, 0x2b, 0x00, 0x00, 0x33, 0x00, 0x00, 0x00,
            0x00, 0x03, 0xcf, 0x70, 0x72, 0x64, 0x75, 0x73, 0x74, 0xff, 0x80, 0xff, 0xcc, 0x00,
            0x00, 0x00, 0xff, 0x02,
        ];
        let ty = Type::Tuple(vec![Type::Bool, Type::set(Type::Number)]);
        let value = round_trip(&input[1..], &ty);
        let numbers = value.elements().unwrap()[1].elements().unwrap();
        assert_eq!(
            numbers[1],
            Value::Number(Number::Float(1.3775103886098432e19))
        );
        crate::value::fuzz_decode(&input, &crate::value::fuzz_types([Type::Bool]));
    }

    #[test]
    fn every_kind_of_number_survives_a_round_trip() {
        let two_63 = 9_223_372_036_854_775_808.0;
        let cases = [
            (Mp::from(i64::MIN), Number::Int(i64::MIN)),
            (
                Mp::from(i64::MAX as u64 + 1),
                Number::Decimal("9223372036854775808".into()),
            ),
            (
                Mp::from(13_775_103_886_098_432_000u64),
                Number::Float(1.3775103886098432e19),
            ),
            (Mp::from(u64::MAX), Number::Decimal(u64::MAX.to_string())),
            (Mp::F64(two_63), Number::Float(two_63)),
            (Mp::F64(-two_63), Number::Int(i64::MIN)),
            (Mp::F64(1e19), Number::Float(1e19)),
            (Mp::F64(f64::MAX), Number::Float(f64::MAX)),
            (
                Mp::F64(-f64::MIN_POSITIVE),
                Number::Float(-f64::MIN_POSITIVE),
            ),
            (Mp::F64(5e-324), Number::Float(5e-324)),
            (Mp::F64(f64::INFINITY), Number::Float(f64::INFINITY)),
            (Mp::F64(f64::NEG_INFINITY), Number::Float(f64::NEG_INFINITY)),
            (Mp::F64(-0.0), Number::Int(0)),
            (Mp::F32(-0.0), Number::Int(0)),
            (Mp::F32(0.1), Number::Float(f64::from(0.1f32))),
            (Mp::F32(f32::INFINITY), Number::Float(f64::INFINITY)),
            (Mp::from("-0.0"), Number::Int(0)),
            (Mp::from("1e3"), Number::Int(1000)),
            (Mp::from("0.1"), Number::Float(0.1)),
            (
                Mp::from("13775103886098432000"),
                Number::Float(1.3775103886098432e19),
            ),
            (
                Mp::from("9223372036854775808"),
                Number::Decimal("9223372036854775808".into()),
            ),
            (
                Mp::from("-9223372036854776000"),
                Number::Decimal("-9223372036854776000".into()),
            ),
            (Mp::from("1e400"), Number::Decimal("1e400".into())),
            (Mp::from("1.0e-400"), Number::Decimal("1e-400".into())),
            (
                Mp::from("0.10000000000000000001"),
                Number::Decimal("0.10000000000000000001".into()),
            ),
            (Mp::from("-inf"), Number::Float(f64::NEG_INFINITY)),
        ];
        for (mp, want) in cases {
            let bytes = mp_bytes(&mp);
            assert_eq!(
                round_trip(&bytes, &Type::Number),
                Value::Number(want),
                "{mp}"
            );
            // The same inside a refinement's bound.
            let refined = Value::Unknown(Refinements {
                number_lower: decode_msgpack(&bytes, &Type::Number)
                    .unwrap()
                    .as_number()
                    .map(|n| (n.clone(), true)),
                ..Refinements::default()
            });
            let encoded = encode_msgpack(&refined, &Type::Number).unwrap();
            assert_eq!(round_trip(&encoded, &Type::Number), refined, "{mp}");
        }
    }

    #[test]
    fn nan_is_not_a_number() {
        for mp in [Mp::F64(f64::NAN), Mp::F32(f32::NAN), Mp::from("NaN")] {
            assert!(
                decode_msgpack(&mp_bytes(&mp), &Type::Number).is_err(),
                "{mp}"
            );
        }
        let err =
            encode_msgpack(&Value::Number(Number::Float(f64::NAN)), &Type::Number).unwrap_err();
        assert_eq!(err.message, "NaN is not a number");
    }

    #[test]
    fn hand_built_numbers_are_written_in_canonical_form() {
        let written = |n: Number| {
            decode_msgpack(
                &encode_msgpack(&Value::Number(n), &Type::Number).unwrap(),
                &Type::Number,
            )
            .unwrap()
        };
        assert_eq!(written(Number::Float(3.0)), Value::int(3));
        assert_eq!(
            written(Number::Decimal("2.50".into())),
            Value::Number(Number::Float(2.5))
        );
    }

    #[test]
    fn objects_must_have_exactly_their_attributes() {
        let ty = obj_ty();
        let partial = Value::object([("name", Value::string("x"))]);
        // Encoding fills the missing attributes with null, as cty requires.
        let bytes = encode_msgpack(&partial, &ty).unwrap();
        let back = decode_msgpack(&bytes, &ty).unwrap();
        assert_eq!(back.get("count"), &Value::Null);
        let extra = Value::object([("nope", Value::Bool(true))]);
        let err = encode_msgpack(&extra, &ty).unwrap_err();
        assert!(err.message.contains("unsupported attribute"), "{err}");
        let mut short = Vec::new();
        rmpv::encode::write_value(&mut short, &Mp::Map(vec![(Mp::from("name"), Mp::Nil)])).unwrap();
        let err = decode_msgpack(&short, &ty).unwrap_err();
        assert_eq!(
            err.message,
            "an object with 3 attributes is required (1 given)"
        );
    }

    #[test]
    fn type_errors_name_the_path() {
        let ty = obj_ty();
        let mut b = Vec::new();
        rmpv::encode::write_value(
            &mut b,
            &Mp::Map(vec![
                (Mp::from("name"), Mp::Nil),
                (Mp::from("count"), Mp::Nil),
                (
                    Mp::from("tags"),
                    Mp::Map(vec![(Mp::from("team"), Mp::from(3))]),
                ),
            ]),
        )
        .unwrap();
        let err = decode_msgpack(&b, &ty).unwrap_err();
        assert_eq!(
            err.to_string(),
            "tags[\"team\"]: expected string, found integer"
        );
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let v = Value::Dynamic(
            Type::list(Type::String),
            Box::new(Value::List(vec![Value::string("a")])),
        );
        let bytes = encode_msgpack(&v, &Type::Dynamic).unwrap();
        assert_eq!(decode_msgpack(&bytes, &Type::Dynamic).unwrap(), v);
    }

    #[test]
    fn empty_bytes_are_null_and_garbage_is_an_error() {
        assert_eq!(decode_msgpack(&[], &obj_ty()).unwrap(), Value::Null);
        assert!(decode_msgpack(&[0x92, 0xc0], &obj_ty()).is_err());
        assert!(decode_msgpack(&[0xc0, 0xc0], &obj_ty()).is_err());
    }
}
