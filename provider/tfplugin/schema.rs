//! Schemas in plain Rust: what a provider declares, turned into the protocol's form by
//! `to_proto` and into the cty object type its values have by `value_type`.

use std::collections::BTreeMap;

use crate::value::{AttributePath, Type, Value};

use super::proto::tfplugin6 as pb;

/// A versioned schema of a provider configuration or resource type.
#[derive(Debug, Clone)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

/// A block: attributes and nested blocks, with a markdown description.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub description: String,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
}

/// One attribute. Exactly one of required / optional / computed-only holds; optional may be
/// combined with computed (the provider fills in a default when the config leaves it null).
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// A change of this attribute replaces the resource instead of updating it.
    pub requires_replace: bool,
    /// What the provider plans when the configuration leaves an optional+computed attribute null.
    pub default: Option<Value>,
}

impl Attribute {
    fn new(name: &str, ty: Type, description: &str) -> Self {
        Self {
            name: name.to_owned(),
            ty,
            description: description.to_owned(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            requires_replace: false,
            default: None,
        }
    }

    pub fn required(name: &str, ty: Type, description: &str) -> Self {
        Self {
            required: true,
            ..Self::new(name, ty, description)
        }
    }

    pub fn optional(name: &str, ty: Type, description: &str) -> Self {
        Self {
            optional: true,
            ..Self::new(name, ty, description)
        }
    }

    /// Optional, with `default` planned when the configuration leaves it out. The description
    /// gains a sentence naming the default, so docs and behaviour cannot drift apart.
    pub fn defaulted(name: &str, ty: Type, default: Value, description: &str) -> Self {
        let description = format!("{description} Defaults to `{}`.", hcl_literal(&default));
        Self {
            optional: true,
            computed: true,
            default: Some(default),
            ..Self::new(name, ty, &description)
        }
    }

    /// Optional, with a value the provider works out when the configuration leaves it out.
    pub fn optional_computed(name: &str, ty: Type, description: &str) -> Self {
        Self {
            optional: true,
            computed: true,
            ..Self::new(name, ty, description)
        }
    }

    pub fn computed(name: &str, ty: Type, description: &str) -> Self {
        Self {
            computed: true,
            ..Self::new(name, ty, description)
        }
    }

    pub fn forces_replacement(mut self) -> Self {
        self.requires_replace = true;
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
}

/// A value as it would be written in HCL, for descriptions.
pub fn hcl_literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            format!(
                "[{}]",
                items.iter().map(hcl_literal).collect::<Vec<_>>().join(", ")
            )
        }
        Value::Null => "null".to_owned(),
        other => format!("{other:?}"),
    }
}

/// How many instances of a nested block a configuration may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    /// Like `Single`, but never null: a configuration that leaves the block out has it with
    /// every attribute null, so its defaults apply. Writing the block out with its defaults and
    /// leaving it out then plan the same value (an import cannot know which the user did).
    Group,
    List,
}

#[derive(Debug, Clone)]
pub struct NestedBlock {
    pub name: String,
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: i64,
    pub max_items: i64,
}

impl NestedBlock {
    /// A block that must appear exactly once.
    pub fn required_single(name: &str, block: Block) -> Self {
        Self {
            name: name.to_owned(),
            nesting: Nesting::Single,
            block,
            min_items: 1,
            max_items: 1,
        }
    }

    /// A block that may appear once.
    pub fn optional_single(name: &str, block: Block) -> Self {
        Self {
            min_items: 0,
            max_items: 0,
            ..Self::required_single(name, block)
        }
    }

    /// A block that may appear once and whose absence means its defaults.
    pub fn optional_group(name: &str, block: Block) -> Self {
        Self {
            nesting: Nesting::Group,
            ..Self::optional_single(name, block)
        }
    }

    pub fn list(name: &str, block: Block, max_items: i64) -> Self {
        Self {
            name: name.to_owned(),
            nesting: Nesting::List,
            block,
            min_items: 0,
            max_items,
        }
    }
}

impl Block {
    pub fn new(description: &str) -> Self {
        Self {
            description: description.to_owned(),
            ..Self::default()
        }
    }

    pub fn attribute(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    pub fn get_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn get_block(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.name == name)
    }

    /// The object type of this block's values: one attribute per attribute and nested block.
    pub fn value_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for a in &self.attributes {
            attrs.insert(a.name.clone(), a.ty.clone());
        }
        for b in &self.blocks {
            let inner = b.block.value_type();
            attrs.insert(
                b.name.clone(),
                match b.nesting {
                    Nesting::Single | Nesting::Group => inner,
                    Nesting::List => Type::list(inner),
                },
            );
        }
        Type::Object(attrs)
    }

    /// Paths (in `prior` and `planned`) of replacement-forcing attributes whose values differ.
    pub fn replacement_paths(&self, prior: &Value, planned: &Value) -> Vec<AttributePath> {
        let mut out = Vec::new();
        self.collect_replacements(&AttributePath::root(), prior, planned, &mut out);
        out
    }

    fn collect_replacements(
        &self,
        at: &AttributePath,
        prior: &Value,
        planned: &Value,
        out: &mut Vec<AttributePath>,
    ) {
        if prior.is_null() || planned.is_null() {
            return;
        }
        for a in self.attributes.iter().filter(|a| a.requires_replace) {
            let (p, n) = (prior.get(&a.name), planned.get(&a.name));
            if p != n || n.is_unknown() {
                out.push(at.join_attr(&a.name));
            }
        }
        for b in &self.blocks {
            let (p, n) = (prior.get(&b.name), planned.get(&b.name));
            match b.nesting {
                Nesting::Single | Nesting::Group => {
                    b.block
                        .collect_replacements(&at.join_attr(&b.name), p, n, out)
                }
                Nesting::List => {
                    let (ps, ns) = (
                        p.elements().unwrap_or_default(),
                        n.elements().unwrap_or_default(),
                    );
                    for (i, (pe, ne)) in ps.iter().zip(ns).enumerate() {
                        b.block.collect_replacements(
                            &at.join_attr(&b.name).join_index(i),
                            pe,
                            ne,
                            out,
                        );
                    }
                }
            }
        }
    }

    /// Fills the declared default of every optional+computed attribute the configuration leaves
    /// null, in this block and in the nested blocks present in `planned`.
    pub fn apply_defaults(&self, planned: &mut Value, config: &Value) {
        let Value::Object(fields) = planned else {
            return;
        };
        for a in &self.attributes {
            if let Some(default) = &a.default
                && config.get(&a.name).is_null()
            {
                fields.insert(a.name.clone(), default.clone());
            }
        }
        for b in &self.blocks {
            let cfg = config.get(&b.name);
            match (b.nesting, fields.get_mut(&b.name)) {
                (Nesting::Single, Some(v)) => b.block.apply_defaults(v, cfg),
                (Nesting::Group, Some(v)) => {
                    if v.is_null() {
                        *v = b.block.null_object();
                    }
                    b.block.apply_defaults(v, cfg);
                }
                (Nesting::List, Some(Value::List(items))) => {
                    let cfgs = cfg.elements().unwrap_or_default();
                    for (i, item) in items.iter_mut().enumerate() {
                        b.block
                            .apply_defaults(item, cfgs.get(i).unwrap_or(&Value::Null));
                    }
                }
                _ => {}
            }
        }
    }

    /// Fills what a stored value written before an attribute or block existed lacks: a
    /// defaulted attribute's default (a plan never leaves one null) and an empty list for a
    /// list block, so such a state plans no change where the configuration does not set them.
    pub fn fill_absent(&self, stored: &mut Value) {
        let Value::Object(fields) = stored else {
            return;
        };
        for a in &self.attributes {
            if let Some(default) = &a.default {
                let v = fields.entry(a.name.clone()).or_insert(Value::Null);
                if v.is_null() {
                    *v = default.clone();
                }
            }
        }
        for b in &self.blocks {
            let v = fields.entry(b.name.clone()).or_insert(Value::Null);
            match b.nesting {
                Nesting::Group => {
                    if v.is_null() {
                        *v = b.block.null_object();
                    }
                    b.block.fill_absent(v);
                }
                Nesting::Single => b.block.fill_absent(v),
                Nesting::List => {
                    if v.is_null() {
                        *v = Value::List(Vec::new());
                    }
                    if let Value::List(items) = v {
                        for item in items {
                            b.block.fill_absent(item);
                        }
                    }
                }
            }
        }
    }

    /// The value of this block with every attribute null and nested blocks empty, as a
    /// configuration that leaves a group block out has it.
    pub fn null_object(&self) -> Value {
        let mut m = BTreeMap::new();
        for a in &self.attributes {
            m.insert(a.name.clone(), Value::Null);
        }
        for b in &self.blocks {
            let v = match b.nesting {
                Nesting::Group => b.block.null_object(),
                Nesting::Single => Value::Null,
                Nesting::List => Value::List(Vec::new()),
            };
            m.insert(b.name.clone(), v);
        }
        Value::Object(m)
    }

    pub fn to_proto(&self) -> pb::schema::Block {
        pb::schema::Block {
            version: 0,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self.blocks.iter().map(NestedBlock::to_proto).collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
            deprecation_message: String::new(),
        }
    }
}

impl Attribute {
    fn to_proto(&self) -> pb::schema::Attribute {
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: self.ty.to_json_bytes(),
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
            nested_type: None,
            write_only: false,
            deprecation_message: String::new(),
        }
    }
}

impl NestedBlock {
    fn to_proto(&self) -> pb::schema::NestedBlock {
        use pb::schema::nested_block::NestingMode;
        pb::schema::NestedBlock {
            type_name: self.name.clone(),
            block: Some(self.block.to_proto()),
            nesting: match self.nesting {
                Nesting::Single => NestingMode::Single as i32,
                Nesting::Group => NestingMode::Group as i32,
                Nesting::List => NestingMode::List as i32,
            },
            min_items: self.min_items,
            max_items: self.max_items,
        }
    }
}

impl Schema {
    pub fn to_proto(&self) -> pb::Schema {
        let mut block = self.block.to_proto();
        block.version = self.version;
        pb::Schema {
            version: self.version,
            block: Some(block),
        }
    }

    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> Block {
        Block::new("svc")
            .attribute(Attribute::required("name", Type::String, "n").forces_replacement())
            .attribute(Attribute::defaulted(
                "desired_count",
                Type::Number,
                Value::int(2),
                "d",
            ))
            .block(NestedBlock::required_single(
                "container",
                Block::new("c")
                    .attribute(Attribute::required("port", Type::Number, "p").forces_replacement()),
            ))
    }

    #[test]
    fn implied_type_has_one_key_per_attribute_and_block() {
        let t = block().value_type();
        assert_eq!(
            t.to_json().to_string(),
            r#"["object",{"container":["object",{"port":"number"}],"desired_count":"number","name":"string"}]"#
        );
    }

    #[test]
    fn a_stored_value_older_than_a_default_gets_it() {
        let b = block().block(NestedBlock::list(
            "sidecar",
            Block::new("s").attribute(Attribute::defaulted(
                "essential",
                Type::Bool,
                Value::Bool(true),
                "e",
            )),
            0,
        ));
        let mut stored = Value::object([
            ("name", Value::string("a")),
            ("container", Value::object([("port", Value::int(80))])),
        ]);
        b.fill_absent(&mut stored);
        assert_eq!(stored.get("desired_count"), &Value::int(2));
        assert_eq!(stored.get("sidecar"), &Value::List(Vec::new()));
        let mut stored = Value::object([
            ("desired_count", Value::int(5)),
            (
                "sidecar",
                Value::List(vec![Value::object([("essential", Value::Null)])]),
            ),
        ]);
        b.fill_absent(&mut stored);
        assert_eq!(
            stored.get("desired_count"),
            &Value::int(5),
            "a set value stays"
        );
        assert_eq!(
            stored
                .get("sidecar")
                .elements()
                .map(|e| e[0].get("essential").clone()),
            Some(Value::Bool(true))
        );
    }

    #[test]
    fn replacement_paths_only_name_changed_forcing_attributes() {
        let v = |name: &str, port: i64, count: i64| {
            Value::object([
                ("name", Value::string(name)),
                ("desired_count", Value::int(count)),
                ("container", Value::object([("port", Value::int(port))])),
            ])
        };
        let b = block();
        assert!(
            b.replacement_paths(&v("a", 80, 1), &v("a", 80, 3))
                .is_empty()
        );
        let paths = b.replacement_paths(&v("a", 80, 1), &v("b", 81, 1));
        let shown: Vec<String> = paths.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["name", "container.port"]);
        assert!(b.replacement_paths(&Value::Null, &v("b", 81, 1)).is_empty());
    }
}
