//! Round-trip properties of both codecs over generated types and values.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

fn arb_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z_]{1,8}", inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
}

/// Numbers of every form, built as the decoders build them: everyday ints and fractions, any
/// float64 (huge, subnormal, integral beyond i64, negative zero, infinite), u64 above i64, and
/// decimal texts. `finite` leaves out the infinities, which JSON cannot hold.
fn arb_number(finite: bool) -> BoxedStrategy<Number> {
    let float = any::<f64>().prop_filter("cty has no NaN", move |f| {
        !f.is_nan() && (!finite || f.is_finite())
    });
    prop_oneof![
        any::<i64>().prop_map(Number::Int),
        (-1e12f64..1e12f64).prop_map(Number::from_f64),
        float.prop_map(Number::from_f64),
        any::<u64>().prop_filter_map("a number", |u| Number::from_decimal(&u.to_string())),
        "-?[0-9]{1,30}(\\.[0-9]{1,30})?([eE][+-]?[0-9]{1,3})?"
            .prop_filter_map("a number", |s| Number::from_decimal(&s)),
    ]
    .boxed()
}

fn arb_refinements() -> impl Strategy<Value = Refinements> {
    (
        prop::option::of(any::<bool>()),
        prop::option::of("[a-z:]{0,6}"),
        prop::option::of(0u64..100),
    )
        .prop_map(|(nullness, string_prefix, length_lower)| Refinements {
            nullness,
            string_prefix,
            length_lower,
            ..Refinements::default()
        })
}

/// A known (non-null, non-unknown) value of type `ty`; `depth` bounds dynamic nesting.
fn arb_known(ty: Type, knowns_only: bool, depth: u32) -> BoxedStrategy<Value> {
    let any_of = move |t: Type| arb_value(t, knowns_only, depth);
    match ty {
        Type::String => "\\PC{0,12}".prop_map(Value::String).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number(knowns_only).prop_map(Value::Number).boxed(),
        Type::Dynamic => {
            let inner = if depth == 0 {
                prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool)].boxed()
            } else {
                arb_type()
                    .prop_filter("concrete", |t| *t != Type::Dynamic)
                    .boxed()
            };
            inner
                .prop_flat_map(move |t| {
                    arb_value(t.clone(), knowns_only, depth.saturating_sub(1))
                        .prop_map(move |v| Value::Dynamic(t.clone(), Box::new(v)))
                })
                .boxed()
        }
        Type::List(e) => prop::collection::vec(any_of(*e), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(e) => prop::collection::vec(any_of(*e), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(e) => prop::collection::btree_map("[a-zA-Z0-9_]{0,6}", any_of(*e), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object(attrs) => {
            let names: Vec<String> = attrs.keys().cloned().collect();
            let values: Vec<BoxedStrategy<Value>> = attrs.into_values().map(any_of).collect();
            values
                .prop_map(move |vs| {
                    Value::Object(names.iter().cloned().zip(vs).collect::<BTreeMap<_, _>>())
                })
                .boxed()
        }
        Type::Tuple(types) => {
            let values: Vec<BoxedStrategy<Value>> = types.into_iter().map(any_of).collect();
            values.prop_map(Value::Tuple).boxed()
        }
    }
}

fn arb_value(ty: Type, knowns_only: bool, depth: u32) -> BoxedStrategy<Value> {
    let known = arb_known(ty, knowns_only, depth);
    if knowns_only {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    } else {
        prop_oneof![
            1 => Just(Value::Null),
            1 => arb_refinements().prop_map(Value::Unknown),
            6 => known,
        ]
        .boxed()
    }
}

fn typed_value(knowns_only: bool) -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(move |t| {
        arb_value(t.clone(), knowns_only, 2).prop_map(move |v| (t.clone(), v))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trips((ty, value) in typed_value(false)) {
        let bytes = encode_msgpack(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = decode_msgpack(&bytes, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn json_round_trips((ty, value) in typed_value(true)) {
        let json = encode_json(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = decode_json(json.to_string().as_bytes(), &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn numbers_are_canonical_and_survive_their_text(n in arb_number(false)) {
        prop_assert_eq!(n.canonical(), Some(n.clone()));
        prop_assert_eq!(Number::from_decimal(&n.to_string()), Some(n));
    }

    #[test]
    fn number_msgpack_round_trips(n in arb_number(false)) {
        let value = Value::Number(n);
        let bytes = encode_msgpack(&value, &Type::Number).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = decode_msgpack(&bytes, &Type::Number).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn type_json_round_trips(ty in arb_type()) {
        prop_assert_eq!(Type::from_json(&ty.to_json()), Ok(ty));
    }

    #[test]
    fn msgpack_decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64), ty in arb_type()) {
        let _ = decode_msgpack(&bytes, &ty);
    }
}
