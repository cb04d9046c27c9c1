//! The JSON encoding of cty values: what the state file holds, and so what
//! `UpgradeResourceState` receives. JSON cannot express unknown values.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::{AttributePath, CodecError, Number, Type, Value};

/// Decodes state JSON as a value of type `ty`. Object attributes the type lacks are dropped
/// and missing ones are null, because stored state may predate the current schema.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let root = AttributePath::root();
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let json: Json = serde_json::from_slice(bytes)
        .map_err(|e| CodecError::new(&root, format!("invalid JSON: {e}")))?;
    from_json(&json, ty, &root)
}

/// Encodes a wholly known value as JSON.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Json, CodecError> {
    to_json(value, ty, &AttributePath::root())
}

fn from_json(json: &Json, ty: &Type, path: &AttributePath) -> Result<Value, CodecError> {
    let wrong = |want: &str| CodecError::new(path, format!("expected {want}, found {json}"));
    match (json, ty) {
        (Json::Null, _) => Ok(Value::Null),
        (Json::Object(fields), Type::Dynamic) => {
            let type_json = fields
                .get("type")
                .ok_or_else(|| wrong("{\"type\", \"value\"}"))?;
            let inner_ty = Type::from_json(type_json).map_err(|e| CodecError::new(path, e))?;
            let inner = from_json(fields.get("value").unwrap_or(&Json::Null), &inner_ty, path)?;
            Ok(Value::Dynamic(inner_ty, Box::new(inner)))
        }
        (_, Type::Dynamic) => Err(wrong("{\"type\", \"value\"} for a dynamic value")),
        (Json::Bool(b), Type::Bool) => Ok(Value::Bool(*b)),
        (Json::String(s), Type::String) => Ok(Value::String(s.clone())),
        (Json::Number(n), Type::Number) => {
            let number = if let Some(i) = n.as_i64() {
                Number::Int(i)
            } else if let Some(u) = n.as_u64() {
                Number::from_decimal(&u.to_string()).ok_or_else(|| wrong("number"))?
            } else {
                Number::from_decimal(&n.to_string()).ok_or_else(|| wrong("number"))?
            };
            Ok(Value::Number(number))
        }
        (Json::String(s), Type::Number) => Number::from_decimal(s)
            .map(Value::Number)
            .ok_or_else(|| wrong("number")),
        (Json::Array(items), Type::List(e) | Type::Set(e)) => {
            let values = items
                .iter()
                .enumerate()
                .map(|(i, v)| from_json(v, e, &path.join_index(i)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(values)
            } else {
                Value::List(values)
            })
        }
        (Json::Array(items), Type::Tuple(types)) if items.len() == types.len() => Ok(Value::Tuple(
            items
                .iter()
                .zip(types)
                .enumerate()
                .map(|(i, (v, t))| from_json(v, t, &path.join_index(i)))
                .collect::<Result<_, _>>()?,
        )),
        (Json::Object(fields), Type::Map(e)) => Ok(Value::Map(
            fields
                .iter()
                .map(|(k, v)| Ok((k.clone(), from_json(v, e, &path.join_key(k))?)))
                .collect::<Result<_, CodecError>>()?,
        )),
        (Json::Object(fields), Type::Object(attrs)) => {
            let mut m = BTreeMap::new();
            for (name, attr_ty) in attrs {
                let v = fields.get(name).unwrap_or(&Json::Null);
                m.insert(name.clone(), from_json(v, attr_ty, &path.join_attr(name))?);
            }
            Ok(Value::Object(m))
        }
        (_, Type::Bool) => Err(wrong("bool")),
        (_, Type::String) => Err(wrong("string")),
        (_, Type::Number) => Err(wrong("number")),
        (_, Type::List(_) | Type::Set(_)) => Err(wrong("array")),
        (_, Type::Tuple(types)) => Err(wrong(&format!("array of {} elements", types.len()))),
        (_, Type::Map(_) | Type::Object(_)) => Err(wrong("object")),
    }
}

fn to_json(value: &Value, ty: &Type, path: &AttributePath) -> Result<Json, CodecError> {
    let mismatch = || CodecError::new(path, format!("value does not fit type {}", ty.to_json()));
    Ok(match (value, ty) {
        (Value::Null, _) => Json::Null,
        (Value::Unknown(_), _) => {
            return Err(CodecError::new(path, "JSON cannot hold an unknown value"));
        }
        (Value::Dynamic(inner_ty, inner), Type::Dynamic) => serde_json::json!({
            "value": to_json(inner, inner_ty, path)?,
            "type": inner_ty.to_json(),
        }),
        (Value::Dynamic(inner_ty, inner), _) if inner_ty == ty => to_json(inner, ty, path)?,
        (Value::Bool(b), Type::Bool) => Json::Bool(*b),
        (Value::String(s), Type::String) => Json::String(s.clone()),
        (Value::Number(n), Type::Number) => match n.canonical() {
            Some(Number::Int(i)) => Json::from(i),
            // JSON has no infinities (nor has cty's JSON).
            Some(Number::Float(f)) => serde_json::Number::from_f64(f)
                .map(Json::Number)
                .ok_or_else(|| CodecError::new(path, format!("JSON cannot hold {f}")))?,
            // serde_json's numbers are u64, i64 or f64: any other decimal would lose digits as
            // a JSON number, so it is written as a string, which cty's JSON decoder also reads.
            Some(Number::Decimal(s)) => match s.parse::<u64>() {
                Ok(u) => Json::from(u),
                Err(_) => Json::String(s),
            },
            None => return Err(CodecError::new(path, format!("{n} is not a number"))),
        },
        (Value::List(items) | Value::Set(items), Type::List(e) | Type::Set(e)) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| to_json(v, e, &path.join_index(i)))
                .collect::<Result<_, _>>()?,
        ),
        (Value::Tuple(items), Type::Tuple(types)) if items.len() == types.len() => Json::Array(
            items
                .iter()
                .zip(types)
                .enumerate()
                .map(|(i, (v, t))| to_json(v, t, &path.join_index(i)))
                .collect::<Result<_, _>>()?,
        ),
        (Value::Map(m), Type::Map(e)) => Json::Object(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), to_json(v, e, &path.join_key(k))?)))
                .collect::<Result<_, CodecError>>()?,
        ),
        (Value::Object(m), Type::Object(attrs)) => Json::Object(
            attrs
                .iter()
                .map(|(k, t)| {
                    Ok((
                        k.clone(),
                        to_json(m.get(k).unwrap_or(&Value::Null), t, &path.join_attr(k))?,
                    ))
                })
                .collect::<Result<_, CodecError>>()?,
        ),
        _ => return Err(mismatch()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_json_from_an_older_schema_is_fitted_to_the_current_one() {
        let ty = Type::object([("name", Type::String), ("desired_count", Type::Number)]);
        let v = decode_json(br#"{"name":"api","removed_attr":true}"#, &ty).unwrap();
        assert_eq!(v.get("name"), &Value::string("api"));
        assert_eq!(v.get("desired_count"), &Value::Null);
    }

    #[test]
    fn big_numbers_keep_their_digits() {
        let v = decode_json(b"18446744073709551615", &Type::Number).unwrap();
        assert_eq!(
            v,
            Value::Number(Number::Decimal("18446744073709551615".into()))
        );
        assert_eq!(
            encode_json(&v, &Type::Number).unwrap().to_string(),
            "18446744073709551615"
        );
    }

    #[test]
    fn decimals_beyond_u64_and_f64_are_written_as_strings() {
        let v = Value::Number(Number::from_decimal("0.10000000000000000001").unwrap());
        let json = encode_json(&v, &Type::Number).unwrap();
        assert_eq!(json, Json::String("0.10000000000000000001".into()));
        let back = decode_json(json.to_string().as_bytes(), &Type::Number).unwrap();
        assert_eq!(back, v);
        let inf = Value::Number(Number::Float(f64::INFINITY));
        assert!(encode_json(&inf, &Type::Number).is_err());
    }

    #[test]
    fn unknowns_cannot_be_written() {
        assert!(encode_json(&Value::unknown(), &Type::String).is_err());
    }
}
