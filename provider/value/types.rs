use std::collections::BTreeMap;

use serde_json::Value as Json;

/// A cty type. Schemas send these to Terraform as JSON (`"string"`, `["list","number"]`, …),
/// and every value is encoded against one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Number,
    Bool,
    /// Any type; values in a dynamic slot carry their concrete type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(element: Type) -> Self {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Self {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Self {
        Type::Map(Box::new(element))
    }

    pub fn object<'a>(attributes: impl IntoIterator<Item = (&'a str, Type)>) -> Self {
        Type::Object(
            attributes
                .into_iter()
                .map(|(name, ty)| (name.to_owned(), ty))
                .collect(),
        )
    }

    /// The type's cty JSON form, as `Schema.Attribute.type` carries it.
    pub fn to_json(&self) -> Json {
        match self {
            Type::String => Json::from("string"),
            Type::Number => Json::from("number"),
            Type::Bool => Json::from("bool"),
            Type::Dynamic => Json::from("dynamic"),
            Type::List(e) => Json::Array(vec![Json::from("list"), e.to_json()]),
            Type::Set(e) => Json::Array(vec![Json::from("set"), e.to_json()]),
            Type::Map(e) => Json::Array(vec![Json::from("map"), e.to_json()]),
            Type::Object(attrs) => {
                let fields = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect::<serde_json::Map<_, _>>();
                Json::Array(vec![Json::from("object"), Json::Object(fields)])
            }
            Type::Tuple(elems) => Json::Array(vec![
                Json::from("tuple"),
                Json::Array(elems.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// Serialized cty type JSON bytes.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses cty type JSON; the optional-attributes list of type constraints is ignored.
    pub fn from_json(json: &Json) -> Result<Type, String> {
        match json {
            Json::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            Json::Array(parts) => {
                let kind = parts
                    .first()
                    .and_then(Json::as_str)
                    .ok_or_else(|| "type array must start with its kind".to_owned())?;
                let arg = parts
                    .get(1)
                    .ok_or_else(|| format!("{kind} type needs an argument"))?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json(arg)?)),
                    "set" => Ok(Type::set(Type::from_json(arg)?)),
                    "map" => Ok(Type::map(Type::from_json(arg)?)),
                    "object" => {
                        let fields = arg
                            .as_object()
                            .ok_or_else(|| "object type needs a map of attributes".to_owned())?;
                        let mut attrs = BTreeMap::new();
                        for (name, t) in fields {
                            attrs.insert(name.clone(), Type::from_json(t)?);
                        }
                        Ok(Type::Object(attrs))
                    }
                    "tuple" => {
                        let elems = arg
                            .as_array()
                            .ok_or_else(|| "tuple type needs a list of element types".to_owned())?;
                        Ok(Type::Tuple(
                            elems
                                .iter()
                                .map(Type::from_json)
                                .collect::<Result<_, _>>()?,
                        ))
                    }
                    other => Err(format!("unknown type kind {other:?}")),
                }
            }
            other => Err(format!("not a type: {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_matches_cty() {
        let t = Type::map(Type::object([
            ("name", Type::String),
            ("port", Type::Number),
        ]));
        assert_eq!(
            t.to_json().to_string(),
            r#"["map",["object",{"name":"string","port":"number"}]]"#
        );
        assert_eq!(Type::from_json(&t.to_json()), Ok(t));
        let tuple = Type::Tuple(vec![Type::Bool, Type::set(Type::Dynamic)]);
        assert_eq!(
            tuple.to_json().to_string(),
            r#"["tuple",["bool",["set","dynamic"]]]"#
        );
        assert_eq!(Type::from_json(&tuple.to_json()), Ok(tuple));
    }

    #[test]
    fn rejects_malformed_type_json() {
        assert!(Type::from_json(&serde_json::json!("strin")).is_err());
        assert!(Type::from_json(&serde_json::json!(["list"])).is_err());
        assert!(Type::from_json(&serde_json::json!(7)).is_err());
    }
}
