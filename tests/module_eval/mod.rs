//! A small evaluator of the generated modules, enough to know what each resource block would
//! ask hashicorp/aws for: variables with their defaults (including `optional(type, default)`
//! object attributes), locals, module calls with `count`, resources with `count` and `dynamic`
//! blocks, outputs, and the Terraform functions the generator uses. Attributes AWS computes
//! (ARNs, IDs) evaluate to placeholders named after the resource.
//!
//! It exists so the parity test can run in CI without the hashicorp/aws provider; the
//! acceptance command (tools/test-modules.sh) checks the same modules with the real one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Body, Expression, Map, Value};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// One evaluated resource instance.
#[derive(Debug, Clone)]
pub struct Resource {
    /// e.g. `module.target_group_pair.aws_lb_target_group.blue`.
    pub address: String,
    pub kind: String,
    /// Attributes and nested blocks (each block name maps to a list of objects).
    pub attrs: Json,
}

#[derive(Debug, Default)]
pub struct Evaluated {
    pub resources: Vec<Resource>,
    /// The data sources read, like resources (their attributes as configured).
    pub data_sources: Vec<Resource>,
    pub outputs: BTreeMap<String, Json>,
}

impl Evaluated {
    pub fn find(&self, address: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.address == address)
    }

    pub fn of_kind(&self, kind: &str) -> Vec<&Resource> {
        self.resources.iter().filter(|r| r.kind == kind).collect()
    }
}

/// The placeholder ID of `<kind>.<name>` (what AWS would assign).
pub const PLACEHOLDER_ID: &str = "0123456789abcdef";
/// Where the placeholder ARNs (and the data sources) put everything: the region and account of
/// the tests' listener ARNs.
pub const PLACEHOLDER_REGION: &str = "eu-west-1";
pub const PLACEHOLDER_ACCOUNT: &str = "123456789012";
/// How an evaluation that stopped at a false precondition starts its error, as Terraform's
/// plan stops there.
pub const PRECONDITION_FAILED: &str = "precondition failed: ";
/// The revision every task definition gets.
pub const PLACEHOLDER_REVISION: i64 = 1;

pub fn evaluate(
    files: &BTreeMap<PathBuf, String>,
    dir: &Path,
    inputs: Map<String, Value>,
) -> Result<Evaluated, String> {
    Evaluator { files }.module(dir, inputs, "")
}

struct Evaluator<'a> {
    files: &'a BTreeMap<PathBuf, String>,
}

fn to_json(v: &Value) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn from_json(j: &Json) -> Value {
    hcl::to_value(j).unwrap_or(Value::Null)
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

enum Pending<'b> {
    Local(&'b str, &'b Expression),
    Module(&'b hcl::Block),
    Resource(&'b hcl::Block),
    Data(&'b hcl::Block),
}

impl Evaluator<'_> {
    fn body(&self, path: PathBuf) -> Result<Body, String> {
        let text = self
            .files
            .get(&path)
            .ok_or_else(|| format!("{} not generated", path.display()))?;
        hcl::parse(text).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn module(
        &self,
        dir: &Path,
        inputs: Map<String, Value>,
        prefix: &str,
    ) -> Result<Evaluated, String> {
        let main = self.body(dir.join("main.tf"))?;
        let variables = self.body(dir.join("variables.tf"))?;
        let outputs = self.body(dir.join("outputs.tf"))?;

        let mut vars = Map::new();
        for block in variables.blocks() {
            let name = block.labels()[0].as_str().to_owned();
            let attr = |k: &str| block.body().attributes().find(|a| a.key() == k);
            let given = inputs.get(&name).cloned().unwrap_or(Value::Null);
            let value = if given.is_null() {
                match attr("default") {
                    Some(d) => d.expr().evaluate(&Context::new()).map_err(err)?,
                    None if inputs.contains_key(&name) => Value::Null,
                    None => return Err(format!("{prefix}var.{name} is required")),
                }
            } else {
                given
            };
            let ty = attr("type").map(|a| a.expr().clone());
            let value = match ty {
                Some(t) => apply_type(&t, value)?,
                None => value,
            };
            vars.insert(name, value);
        }
        for key in inputs.keys() {
            if !vars.contains_key(key) {
                return Err(format!("{prefix}: no variable {key}"));
            }
        }

        let mut pending: Vec<Pending> = Vec::new();
        for block in main.blocks() {
            match block.identifier() {
                "locals" => {
                    for a in block.body().attributes() {
                        pending.push(Pending::Local(a.key(), a.expr()));
                    }
                }
                "module" => pending.push(Pending::Module(block)),
                "resource" => pending.push(Pending::Resource(block)),
                "data" => pending.push(Pending::Data(block)),
                // Moves of earlier versions' addresses change nothing in a new plan.
                "moved" => {}
                other => return Err(format!("unexpected block {other}")),
            }
        }

        let mut locals = Map::new();
        let mut modules = Map::new();
        let mut resource_refs: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        let mut data_refs: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        let mut out = Evaluated::default();
        let mut last_errors = Vec::new();
        while !pending.is_empty() {
            let ctx = context(&vars, &locals, &modules, &resource_refs, &data_refs);
            let before = pending.len();
            last_errors.clear();
            let mut still = Vec::new();
            for item in pending {
                let result: Result<(), String> =
                    match &item {
                        Pending::Local(name, expr) => expr.evaluate(&ctx).map_err(err).map(|v| {
                            locals.insert((*name).to_owned(), v);
                        }),
                        Pending::Module(block) => self.module_call(block, &ctx, dir, prefix).map(
                            |(name, value, inner)| {
                                modules.insert(name, value);
                                out.resources.extend(inner.resources);
                                out.data_sources.extend(inner.data_sources);
                            },
                        ),
                        Pending::Resource(block) => {
                            resource(block, &ctx, prefix).map(|(kind, name, instances, value)| {
                                resource_refs.entry(kind).or_default().insert(name, value);
                                out.resources.extend(instances);
                            })
                        }
                        Pending::Data(block) => resource(block, &ctx, &format!("{prefix}data."))
                            .map(|(kind, name, instances, value)| {
                                data_refs.entry(kind).or_default().insert(name, value);
                                out.data_sources.extend(instances);
                            }),
                    };
                match result {
                    Err(e) if e.starts_with(PRECONDITION_FAILED) => return Err(e),
                    Err(e) => {
                        last_errors.push(e);
                        still.push(item);
                    }
                    Ok(()) => {}
                }
            }
            pending = still;
            if pending.len() == before {
                return Err(format!(
                    "{prefix}{}: cannot evaluate: {}",
                    dir.display(),
                    last_errors.join("; ")
                ));
            }
        }
        let ctx = context(&vars, &locals, &modules, &resource_refs, &data_refs);
        for block in outputs.blocks() {
            let name = block.labels()[0].as_str().to_owned();
            let value = block
                .body()
                .attributes()
                .find(|a| a.key() == "value")
                .ok_or("output without value")?;
            let v = value
                .expr()
                .evaluate(&ctx)
                .map_err(|e| format!("output {name}: {e}"))?;
            out.outputs.insert(name, to_json(&v));
        }
        Ok(out)
    }

    fn module_call(
        &self,
        block: &hcl::Block,
        ctx: &Context,
        dir: &Path,
        prefix: &str,
    ) -> Result<(String, Value, Evaluated), String> {
        let name = block.labels()[0].as_str().to_owned();
        let mut source = None;
        let mut count = None;
        let mut args = Map::new();
        for a in block.body().attributes() {
            match a.key() {
                "source" => {
                    source = a
                        .expr()
                        .evaluate(ctx)
                        .map_err(err)?
                        .as_str()
                        .map(str::to_owned)
                }
                "count" => count = Some(a.expr().evaluate(ctx).map_err(err)?),
                "depends_on" | "providers" => {}
                _ => {}
            }
        }
        let counted = count.is_some();
        let n = match count {
            Some(c) => c.as_u64().ok_or("count is not a number")?,
            None => 1,
        };
        let source = source.ok_or("module without source")?;
        let sub = normalize(&dir.join(&source));
        let mut all = Evaluated::default();
        let mut instances = Vec::new();
        for i in 0..n {
            for a in block.body().attributes() {
                if !matches!(a.key(), "source" | "count" | "depends_on" | "providers") {
                    args.insert(a.key().to_owned(), a.expr().evaluate(ctx).map_err(err)?);
                }
            }
            let index = if counted {
                format!("[{i}]")
            } else {
                String::new()
            };
            let inner = self.module(
                &sub,
                args.clone(),
                &format!("{prefix}module.{name}{index}."),
            )?;
            instances.push(Value::Object(
                inner
                    .outputs
                    .iter()
                    .map(|(k, v)| (k.clone(), from_json(v)))
                    .collect(),
            ));
            all.resources.extend(inner.resources);
        }
        let value = if counted {
            Value::Array(instances)
        } else {
            instances.pop().unwrap_or(Value::Null)
        };
        Ok((name, value, all))
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Evaluates a resource block: its instances and the object other blocks reference.
fn resource(
    block: &hcl::Block,
    ctx: &Context,
    prefix: &str,
) -> Result<(String, String, Vec<Resource>, Value), String> {
    let kind = block.labels()[0].as_str().to_owned();
    let name = block.labels()[1].as_str().to_owned();
    let count = match block.body().attributes().find(|a| a.key() == "count") {
        Some(c) => Some(
            c.expr()
                .evaluate(ctx)
                .map_err(err)?
                .as_u64()
                .ok_or("count is not a number")?,
        ),
        None => None,
    };
    let mut instances = Vec::new();
    let mut refs = Vec::new();
    for i in 0..count.unwrap_or(1) {
        let mut each = ctx.clone();
        let mut counter = Map::new();
        counter.insert("index".to_owned(), Value::from(i));
        each.declare_var("count", Value::Object(counter));
        let index = if count.is_some() {
            format!("[{i}]")
        } else {
            String::new()
        };
        let address = format!("{prefix}{kind}.{name}{index}");
        // Terraform checks the preconditions before it evaluates the rest of the block.
        preconditions(block.body(), &each, &address)?;
        let attrs = body_value(block.body(), &each)?;
        let mut reference = match &attrs {
            Json::Object(m) => m.clone(),
            _ => serde_json::Map::new(),
        };
        for (k, v) in computed_placeholders(&kind, &address, &attrs) {
            reference.entry(k).or_insert(v);
        }
        refs.push(from_json(&Json::Object(reference)));
        instances.push(Resource {
            address,
            kind: kind.clone(),
            attrs,
        });
    }
    let value = if count.is_some() {
        Value::Array(refs)
    } else {
        refs.pop().unwrap_or(Value::Null)
    };
    Ok((kind, name, instances, value))
}

/// A resource's `lifecycle { precondition { … } }` blocks: a false condition stops the
/// evaluation with its error message, as it stops Terraform's plan.
fn preconditions(body: &Body, ctx: &Context, address: &str) -> Result<(), String> {
    let checks = body
        .blocks()
        .filter(|b| b.identifier() == "lifecycle")
        .flat_map(|l| l.body().blocks())
        .filter(|b| b.identifier() == "precondition");
    for check in checks {
        let attr = |k: &str| {
            check
                .body()
                .attributes()
                .find(|a| a.key() == k)
                .ok_or_else(|| format!("{address}: precondition without {k}"))
        };
        let holds = attr("condition")?
            .expr()
            .evaluate(ctx)
            .map_err(|e| format!("{address}: precondition: {e}"))?;
        if holds == Value::Bool(false) {
            let message = attr("error_message")?.expr().evaluate(ctx).map_err(err)?;
            return Err(format!(
                "{PRECONDITION_FAILED}{address}: {}",
                message.as_str().unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// What AWS would compute, shaped as AWS shapes it where the modules depend on the shape.
fn computed_placeholders(kind: &str, address: &str, attrs: &Json) -> Vec<(String, Json)> {
    let mut out = vec![
        ("arn".to_owned(), Json::String(format!("<{address}.arn>"))),
        ("id".to_owned(), Json::String(format!("<{address}.id>"))),
        ("revision".to_owned(), Json::from(PLACEHOLDER_REVISION)),
    ];
    if kind == "aws_lb_target_group" {
        let name = attrs.get("name").and_then(Json::as_str).unwrap_or_default();
        let suffix = format!("targetgroup/{name}/{PLACEHOLDER_ID}");
        out[0].1 = Json::String(format!(
            "arn:aws:elasticloadbalancing:{PLACEHOLDER_REGION}:{PLACEHOLDER_ACCOUNT}:{suffix}"
        ));
        out.push(("arn_suffix".to_owned(), Json::String(suffix)));
    }
    if kind == "aws_ecs_cluster" {
        let name = attrs
            .get("cluster_name")
            .and_then(Json::as_str)
            .unwrap_or_default();
        out[0].1 = Json::String(format!(
            "arn:aws:ecs:{PLACEHOLDER_REGION}:{PLACEHOLDER_ACCOUNT}:cluster/{name}"
        ));
    }
    out
}

/// A block body: attributes evaluated; nested and dynamic blocks as lists of objects.
fn body_value(body: &Body, ctx: &Context) -> Result<Json, String> {
    let mut out = serde_json::Map::new();
    for a in body.attributes() {
        if matches!(a.key(), "count" | "depends_on" | "provider" | "for_each") {
            continue;
        }
        let v = a
            .expr()
            .evaluate(ctx)
            .map_err(|e| format!("{}: {e}", a.key()))?;
        out.insert(a.key().to_owned(), to_json(&v));
    }
    for b in body.blocks() {
        match b.identifier() {
            "lifecycle" => {}
            "dynamic" => {
                let name = b.labels()[0].as_str().to_owned();
                let for_each = b
                    .body()
                    .attributes()
                    .find(|a| a.key() == "for_each")
                    .ok_or("dynamic without for_each")?
                    .expr()
                    .evaluate(ctx)
                    .map_err(err)?;
                let content = b
                    .body()
                    .blocks()
                    .find(|c| c.identifier() == "content")
                    .ok_or("dynamic without content")?;
                let items: Vec<(Value, Value)> = match for_each {
                    Value::Array(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (Value::from(i as u64), v))
                        .collect(),
                    Value::Object(map) => {
                        map.into_iter().map(|(k, v)| (Value::from(k), v)).collect()
                    }
                    other => return Err(format!("for_each over {other}")),
                };
                for (key, value) in items {
                    let mut inner = ctx.clone();
                    let mut iterator = Map::new();
                    iterator.insert("key".to_owned(), key);
                    iterator.insert("value".to_owned(), value);
                    inner.declare_var(name.clone(), Value::Object(iterator));
                    let v = body_value(content.body(), &inner)?;
                    push_block(&mut out, &name, v);
                }
            }
            name => {
                let v = body_value(b.body(), ctx)?;
                push_block(&mut out, name, v);
            }
        }
    }
    Ok(Json::Object(out))
}

fn push_block(out: &mut serde_json::Map<String, Json>, name: &str, v: Json) {
    if let Json::Array(items) = out
        .entry(name.to_owned())
        .or_insert_with(|| Json::Array(Vec::new()))
    {
        items.push(v);
    }
}

fn context<'c>(
    vars: &Map<String, Value>,
    locals: &Map<String, Value>,
    modules: &Map<String, Value>,
    resources: &BTreeMap<String, Map<String, Value>>,
    data: &BTreeMap<String, Map<String, Value>>,
) -> Context<'c> {
    let mut ctx = Context::new();
    ctx.declare_var("var", Value::Object(vars.clone()));
    ctx.declare_var("local", Value::Object(locals.clone()));
    ctx.declare_var("module", Value::Object(modules.clone()));
    ctx.declare_var(
        "data",
        Value::Object(
            data.iter()
                .map(|(kind, instances)| (kind.clone(), Value::Object(instances.clone())))
                .collect(),
        ),
    );
    for (kind, instances) in resources {
        ctx.declare_var(kind.clone(), Value::Object(instances.clone()));
    }
    declare_functions(&mut ctx);
    ctx
}

/// Applies a type expression's `optional(type, default)` defaults to a value, as Terraform
/// does when it converts a variable's value to the variable's type.
pub fn apply_type(ty: &Expression, value: Value) -> Result<Value, String> {
    let Expression::FuncCall(call) = ty else {
        return Ok(value);
    };
    match (call.name.name.as_str(), value) {
        ("object", Value::Object(mut fields)) => {
            let Some(Expression::Object(attrs)) = call.args.first() else {
                return Err("object() without attributes".to_owned());
            };
            let mut out = Map::new();
            for (key, field_ty) in attrs.iter() {
                let key = match key {
                    hcl::ObjectKey::Identifier(i) => i.as_str().to_owned(),
                    hcl::ObjectKey::Expression(Expression::String(s)) => s.clone(),
                    other => return Err(format!("object key {other:?}")),
                };
                let given = fields.shift_remove(&key).unwrap_or(Value::Null);
                let v = match field_ty {
                    Expression::FuncCall(opt) if opt.name.name.as_str() == "optional" => {
                        let inner = opt.args.first().ok_or("optional() without type")?;
                        if given.is_null() {
                            match opt.args.get(1) {
                                Some(d) => {
                                    let d = d.evaluate(&Context::new()).map_err(err)?;
                                    apply_type(inner, d)?
                                }
                                None => Value::Null,
                            }
                        } else {
                            apply_type(inner, given)?
                        }
                    }
                    other => apply_type(other, given)?,
                };
                out.insert(key, v);
            }
            if let Some(extra) = fields.keys().next() {
                return Err(format!("attribute {extra} is not in the type"));
            }
            Ok(Value::Object(out))
        }
        ("list" | "set", Value::Array(items)) => {
            let elem = call.args.first().ok_or("list() without type")?;
            Ok(Value::Array(
                items
                    .into_iter()
                    .map(|i| apply_type(elem, i))
                    .collect::<Result<_, _>>()?,
            ))
        }
        ("map", Value::Object(entries)) => {
            let elem = call.args.first().ok_or("map() without type")?;
            Ok(Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| apply_type(elem, v).map(|v| (k, v)))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (_, value) => Ok(value),
    }
}

fn declare_functions(ctx: &mut Context) {
    let any = || ParamType::Any;
    let variadic = |f| FuncDef::builder().variadic_param(ParamType::Any).build(f);
    let fixed = |n: usize, f| FuncDef::new(f, (0..n).map(|_| any()));
    ctx.declare_func("jsonencode", fixed(1, f_jsonencode));
    ctx.declare_func("merge", variadic(f_merge));
    ctx.declare_func("concat", variadic(f_concat));
    ctx.declare_func("coalesce", variadic(f_coalesce));
    ctx.declare_func("sort", fixed(1, f_sort));
    ctx.declare_func("distinct", fixed(1, f_distinct));
    ctx.declare_func("keys", fixed(1, f_keys));
    ctx.declare_func("values", fixed(1, f_values));
    ctx.declare_func("compact", fixed(1, f_compact));
    ctx.declare_func("length", fixed(1, f_length));
    ctx.declare_func("reverse", fixed(1, f_reverse));
    ctx.declare_func("one", fixed(1, f_one));
    ctx.declare_func("substr", fixed(3, f_substr));
    ctx.declare_func("sha256", fixed(1, f_sha256));
    ctx.declare_func("replace", fixed(3, f_replace));
    ctx.declare_func("parseint", fixed(2, f_parseint));
    ctx.declare_func("tostring", fixed(1, f_tostring));
    ctx.declare_func("split", fixed(2, f_split));
    ctx.declare_func("join", fixed(2, f_join));
    ctx.declare_func("slice", fixed(3, f_slice));
    ctx.declare_func("strcontains", fixed(2, f_strcontains));
    ctx.declare_func("startswith", fixed(2, f_startswith));
    ctx.declare_func("endswith", fixed(2, f_endswith));
    ctx.declare_func("anytrue", fixed(1, f_anytrue));
    ctx.declare_func("alltrue", fixed(1, f_alltrue));
    ctx.declare_func("sum", fixed(1, f_sum));
    ctx.declare_func("regex", fixed(2, f_regex));
    ctx.declare_func("can", fixed(1, f_can));
    ctx.declare_func("regexall", fixed(2, f_regexall));
    ctx.declare_func("contains", fixed(2, f_contains));
    ctx.declare_func("flatten", fixed(1, f_flatten));
    ctx.declare_func("tomap", fixed(1, f_identity));
}

fn f_flatten(a: FuncArgs) -> Result<Value, String> {
    fn into(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| into(i, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    into(&a[0], &mut out);
    Ok(Value::Array(out))
}

/// Conversions the evaluator's values need not make (`tomap` of an object of strings).
fn f_identity(a: FuncArgs) -> Result<Value, String> {
    Ok(a[0].clone())
}

fn s(v: &Value) -> Result<&str, String> {
    v.as_str()
        .ok_or_else(|| format!("expected a string, got {v}"))
}

fn n(v: &Value) -> Result<i64, String> {
    v.as_i64()
        .ok_or_else(|| format!("expected a whole number, got {v}"))
}

fn list(v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected a list, got {v}"))
}

fn f_jsonencode(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::String(to_json(&a[0]).to_string()))
}
fn f_merge(a: FuncArgs) -> Result<Value, String> {
    let mut out = Map::new();
    for v in a.iter() {
        if let Value::Object(m) = v {
            for (k, v) in m {
                out.insert(k.clone(), v.clone());
            }
        } else if !v.is_null() {
            return Err(format!("merge of {v}"));
        }
    }
    Ok(Value::Object(out))
}
fn f_concat(a: FuncArgs) -> Result<Value, String> {
    let mut out = Vec::new();
    for v in a.iter() {
        out.extend(list(v)?.iter().cloned());
    }
    Ok(Value::Array(out))
}
fn f_coalesce(a: FuncArgs) -> Result<Value, String> {
    a.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "coalesce: no non-null argument".to_owned())
}
fn f_sort(a: FuncArgs) -> Result<Value, String> {
    let mut items: Vec<String> = list(&a[0])?
        .iter()
        .map(|v| s(v).map(str::to_owned))
        .collect::<Result<_, _>>()?;
    items.sort();
    Ok(Value::Array(items.into_iter().map(Value::String).collect()))
}
fn f_distinct(a: FuncArgs) -> Result<Value, String> {
    let mut out: Vec<Value> = Vec::new();
    for v in list(&a[0])? {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::Array(out))
}
fn f_keys(a: FuncArgs) -> Result<Value, String> {
    let m = a[0].as_object().ok_or("keys of a non-map")?;
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    Ok(Value::Array(
        keys.into_iter().map(|k| Value::String(k.clone())).collect(),
    ))
}
fn f_values(a: FuncArgs) -> Result<Value, String> {
    let m = a[0].as_object().ok_or("values of a non-map")?;
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_by(|x, y| x.0.cmp(y.0));
    Ok(Value::Array(
        entries.into_iter().map(|(_, v)| v.clone()).collect(),
    ))
}
fn f_compact(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(
        list(&a[0])?
            .iter()
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
            .cloned()
            .collect(),
    ))
}
fn f_length(a: FuncArgs) -> Result<Value, String> {
    let len = match &a[0] {
        Value::Array(items) => items.len(),
        Value::Object(m) => m.len(),
        Value::String(t) => t.chars().count(),
        other => return Err(format!("length of {other}")),
    };
    Ok(Value::from(len as u64))
}
fn f_reverse(a: FuncArgs) -> Result<Value, String> {
    let mut items = list(&a[0])?.clone();
    items.reverse();
    Ok(Value::Array(items))
}
fn f_one(a: FuncArgs) -> Result<Value, String> {
    match list(&a[0])?.as_slice() {
        [] => Ok(Value::Null),
        [one] => Ok(one.clone()),
        _ => Err("one() of more than one element".to_owned()),
    }
}
fn f_substr(a: FuncArgs) -> Result<Value, String> {
    let text = s(&a[0])?;
    let offset = usize::try_from(n(&a[1])?).map_err(err)?;
    let length = n(&a[2])?;
    let chars = text.chars().skip(offset);
    let out: String = if length < 0 {
        chars.collect()
    } else {
        chars.take(usize::try_from(length).map_err(err)?).collect()
    };
    Ok(Value::String(out))
}
fn f_sha256(a: FuncArgs) -> Result<Value, String> {
    let digest = Sha256::digest(s(&a[0])?.as_bytes());
    Ok(Value::String(
        digest.iter().map(|b| format!("{b:02x}")).collect(),
    ))
}
/// Only the forms the generator uses: a literal, or the regex `/-+$/`.
fn f_replace(a: FuncArgs) -> Result<Value, String> {
    let (text, pattern, with) = (s(&a[0])?, s(&a[1])?, s(&a[2])?);
    if pattern == "/-+$/" {
        return Ok(Value::String(format!(
            "{}{with}",
            text.trim_end_matches('-')
        )));
    }
    if pattern.starts_with('/') {
        return Err(format!(
            "regex {pattern} not supported by the test evaluator"
        ));
    }
    Ok(Value::String(text.replace(pattern, with)))
}
fn f_parseint(a: FuncArgs) -> Result<Value, String> {
    let base = u32::try_from(n(&a[1])?).map_err(err)?;
    let v = i64::from_str_radix(s(&a[0])?, base).map_err(err)?;
    Ok(Value::from(v))
}
fn f_tostring(a: FuncArgs) -> Result<Value, String> {
    Ok(match &a[0] {
        Value::String(t) => Value::String(t.clone()),
        Value::Number(num) => Value::String(num.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Null => Value::Null,
        other => return Err(format!("tostring of {other}")),
    })
}
fn f_split(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(
        s(&a[1])?
            .split(s(&a[0])?)
            .map(|p| Value::String(p.to_owned()))
            .collect(),
    ))
}
fn f_join(a: FuncArgs) -> Result<Value, String> {
    let parts: Vec<&str> = list(&a[1])?.iter().map(s).collect::<Result<_, _>>()?;
    Ok(Value::String(parts.join(s(&a[0])?)))
}
fn f_slice(a: FuncArgs) -> Result<Value, String> {
    let items = list(&a[0])?;
    let from = usize::try_from(n(&a[1])?).map_err(err)?;
    let to = usize::try_from(n(&a[2])?).map_err(err)?;
    items
        .get(from..to)
        .map(|s| Value::Array(s.to_vec()))
        .ok_or_else(|| format!("slice {from}..{to} of {} elements", items.len()))
}
/// Whether a list holds a value.
fn f_contains(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(list(&a[0])?.contains(&a[1])))
}
fn f_strcontains(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(s(&a[0])?.contains(s(&a[1])?)))
}
/// Every match of the pattern (Terraform's RE2 syntax, which the regex crate shares for the
/// patterns the modules use).
fn f_regexall(a: FuncArgs) -> Result<Value, String> {
    let re = regex::Regex::new(s(&a[0])?).map_err(|e| e.to_string())?;
    Ok(Value::Array(
        re.find_iter(s(&a[1])?)
            .map(|m| Value::String(m.as_str().to_owned()))
            .collect(),
    ))
}
fn f_startswith(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(s(&a[0])?.starts_with(s(&a[1])?)))
}
fn f_endswith(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(s(&a[0])?.ends_with(s(&a[1])?)))
}
fn f_anytrue(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(list(&a[0])?.contains(&Value::Bool(true))))
}
/// The sum of a list of whole numbers (the modules add up container sizes).
fn f_sum(a: FuncArgs) -> Result<Value, String> {
    let mut total = 0i64;
    for v in list(&a[0])? {
        total += n(v)?;
    }
    Ok(Value::from(total))
}
/// True for an empty list, as Terraform's.
fn f_alltrue(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(
        list(&a[0])?.iter().all(|v| *v == Value::Bool(true)),
    ))
}
/// The first match; null where Terraform's `regex` fails (no match), which `can` then reports.
fn f_regex(a: FuncArgs) -> Result<Value, String> {
    let re = regex::Regex::new(s(&a[0])?).map_err(|e| e.to_string())?;
    Ok(re
        .find(s(&a[1])?)
        .map_or(Value::Null, |m| Value::String(m.as_str().to_owned())))
}
/// Whether the argument evaluated; the modules use it only around `regex`, whose failure is
/// null here.
fn f_can(a: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(!a[0].is_null()))
}
