//! `generate service --from <file>`: a ready-to-copy call of the root module for one service,
//! from a small file written like the body of a `fargate_production_service` block. The file
//! is read against the resource's schema and the production checks run on it, so a module
//! user gets the same errors a resource user would before copying anything.

use serde_json::{Map, Value as Json};

use crate::service::checks;
use crate::service::schema::schema;
use crate::tfplugin::{Block, Nesting, Severity};
use crate::value::{Value, decode_json};

use super::RenderError;
use super::model::{Node, render_body};
use super::variables::literal;

/// Settings of the resource that have no module variable, and what a module user does instead.
const NOT_IN_MODULE: &[(&str, &str)] = &[
    (
        "wait_for_deployment",
        "a pipeline runs and watches the deployment",
    ),
    (
        "max_monthly_cost",
        "a module's plan has no cost; price it with a cost tool",
    ),
    (
        "image_owner",
        "to leave the images to a pipeline, pass the running image as the module's image: read the service's \
         task_definition with data.aws_ecs_service and its image with data.aws_ecs_container_definition",
    ),
];

/// Reads a service's settings, written as the body of a `fargate_production_service` block
/// (literal values only), into the resource's configuration value.
pub fn config_from_hcl(text: &str) -> Result<Value, RenderError> {
    let body: hcl::Body = hcl::from_str(text)
        .map_err(|e| RenderError::Input(format!("the service file is not valid HCL: {e}")))?;
    let block = schema().block;
    let json = body_to_json(&body, &block, "")?;
    let bytes = serde_json::to_vec(&json).map_err(|e| RenderError::Input(e.to_string()))?;
    decode_json(&bytes, &block.value_type())
        .map_err(|e| RenderError::Input(format!("the service file does not fit the schema: {e}")))
}

fn body_to_json(body: &hcl::Body, block: &Block, at: &str) -> Result<Json, RenderError> {
    let mut out = Map::new();
    let ctx = hcl::eval::Context::new();
    for attr in body.attributes() {
        let key = attr.key();
        let Some(schema_attr) = block.get_attribute(key) else {
            return Err(unknown(at, key, block));
        };
        if schema_attr.computed && !schema_attr.optional {
            return Err(RenderError::Input(format!(
                "{at}{key} is computed by AWS and cannot be set"
            )));
        }
        let value = hcl::eval::Evaluate::evaluate(attr.expr(), &ctx)
            .map_err(|e| RenderError::Input(format!("{at}{key} must be a literal value: {e}")))?;
        let json = serde_json::to_value(&value).map_err(|e| RenderError::Input(e.to_string()))?;
        out.insert(key.to_owned(), json);
    }
    for nested in body.blocks() {
        let key = nested.identifier();
        let Some(schema_block) = block.get_block(key) else {
            return Err(unknown(at, key, block));
        };
        let inner = body_to_json(nested.body(), &schema_block.block, &format!("{at}{key}."))?;
        match schema_block.nesting {
            Nesting::Single | Nesting::Group => {
                if out.insert(key.to_owned(), inner).is_some() {
                    return Err(RenderError::Input(format!(
                        "{at}{key}: only one block is allowed"
                    )));
                }
            }
            Nesting::List => match out
                .entry(key.to_owned())
                .or_insert_with(|| Json::Array(Vec::new()))
            {
                Json::Array(items) => items.push(inner),
                _ => return Err(RenderError::Input(format!("{at}{key} is a block"))),
            },
        }
    }
    for a in &block.attributes {
        if a.required && !out.contains_key(&a.name) {
            return Err(RenderError::Input(format!(
                "{at}{} is required: {}",
                a.name, a.description
            )));
        }
    }
    for b in &block.blocks {
        if b.min_items > 0 && !out.contains_key(&b.name) {
            return Err(RenderError::Input(format!(
                "a {at}{} block is required: {}",
                b.name, b.block.description
            )));
        }
    }
    Ok(Json::Object(out))
}

fn unknown(at: &str, key: &str, block: &Block) -> RenderError {
    let mut known: Vec<&str> = block
        .attributes
        .iter()
        .filter(|a| a.optional || a.required)
        .map(|a| a.name.as_str())
        .chain(block.blocks.iter().map(|b| b.name.as_str()))
        .collect();
    known.sort_unstable();
    RenderError::Input(format!(
        "{at}{key} is not a setting of the service; expected one of: {}",
        known.join(", ")
    ))
}

/// What the production checks say about a configuration: errors stop the generator,
/// warnings are returned for the caller to print.
pub fn check(config: &Value) -> Result<Vec<String>, RenderError> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for d in checks::check(config).iter() {
        let at = d
            .attribute
            .as_ref()
            .map(|p| format!(" [at {p}]"))
            .unwrap_or_default();
        let line = format!("{}: {}{at}", d.summary, d.detail);
        match d.severity {
            Severity::Error => errors.push(line),
            _ => warnings.push(line),
        }
    }
    for (name, instead) in NOT_IN_MODULE {
        if !config.get(name).is_null() {
            warnings.push(format!(
                "{name} is a setting of the resource only; the modules have no counterpart ({instead})"
            ));
        }
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(RenderError::Input(errors.join("\n")))
    }
}

/// A `module` block calling the root module with `config`'s settings, named after the service.
pub fn module_call(config: &Value, source: &str) -> Result<String, RenderError> {
    let name = config
        .get("name")
        .as_str()
        .ok_or_else(|| RenderError::Input("name is required".to_owned()))?;
    let label: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    module_call_named(config, source, &label)
}

/// A `module "<label>"` block calling the root module with `config`'s settings.
pub fn module_call_named(config: &Value, source: &str, label: &str) -> Result<String, RenderError> {
    let mut node = Node::new("module", &[label]).string("source", source);
    let block = schema().block;
    for a in &block.attributes {
        if (a.computed && !a.optional) || NOT_IN_MODULE.iter().any(|(n, _)| *n == a.name) {
            continue;
        }
        let v = config.get(&a.name);
        if !v.is_null() {
            node = node.expr(&a.name, literal(v));
        }
    }
    for b in &block.blocks {
        let v = config.get(&b.name);
        if v.is_null() || v.elements().is_some_and(<[Value]>::is_empty) {
            continue;
        }
        node = node.expr(&b.name, literal(&strip_nulls(v, &b.block, b.nesting)));
    }
    render_body(&[node])
}

/// Drops null attributes, so the module call shows what was set and the module's defaults
/// fill in the rest.
fn strip_nulls(v: &Value, block: &Block, nesting: Nesting) -> Value {
    match (nesting, v) {
        (Nesting::List, Value::List(items)) => Value::List(
            items
                .iter()
                .map(|i| strip_nulls(i, block, Nesting::Single))
                .collect(),
        ),
        (_, Value::Object(fields)) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let inner = match block.get_block(k) {
                        Some(b) => strip_nulls(v, &b.block, b.nesting),
                        None => v.clone(),
                    };
                    (k.clone(), inner)
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
name    = "checkout-api"
cluster = "prod"
task {
  cpu    = 512
  memory = 1024
}
container {
  name  = "app"
  image = "example/checkout:1.42.0"
  port  = 8080
  environment = { LOG_LEVEL = "info" }
}
network {
  subnets         = ["subnet-a", "subnet-b"]
  security_groups = ["sg-1"]
}
load_balancer {
  vpc_id                  = "vpc-1"
  production_listener_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2"
  test_listener_arn       = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/0467ef3c8400ae65"
  deregistration_delay    = 30
}
capacity_provider_strategy {
  capacity_provider = "FARGATE"
  weight            = 1
}
"#;

    #[test]
    fn a_small_file_becomes_a_module_call() {
        let config = config_from_hcl(SMALL).expect("valid file");
        let text = module_call(&config, "./modules/fargate-production-service").expect("render");
        assert!(text.starts_with("module \"checkout_api\" {"), "{text}");
        assert!(text.contains("cluster = \"prod\""), "{text}");
        assert!(text.contains("capacity_provider = \"FARGATE\""), "{text}");
        assert!(text.contains("LOG_LEVEL = \"info\""), "{text}");
        assert!(!text.contains("null"), "{text}");
    }

    #[test]
    fn unknown_settings_and_missing_blocks_are_named() {
        let err = config_from_hcl(&SMALL.replace("cluster = \"prod\"", "clustr = \"prod\""))
            .expect_err("typo");
        assert!(err.to_string().contains("clustr is not a setting"), "{err}");
        let err = config_from_hcl("name = \"a\"\ncluster = \"b\"\n").expect_err("no blocks");
        assert!(err.to_string().contains("task block is required"), "{err}");
        let err = config_from_hcl(&SMALL.replace("cpu    = 512", "cpu    = var.cpu"))
            .expect_err("reference");
        assert!(
            err.to_string().contains("task.cpu must be a literal"),
            "{err}"
        );
    }

    #[test]
    fn resource_only_settings_are_named_not_dropped_silently() {
        let config =
            config_from_hcl(&format!("{SMALL}\nwait_for_deployment = false\n")).expect("file");
        let warnings = check(&config).expect("no errors");
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("wait_for_deployment is a setting of the resource only")),
            "{warnings:?}"
        );
        let call = module_call(&config, "./m").expect("render");
        assert!(!call.contains("wait_for_deployment"), "{call}");
    }

    #[test]
    fn the_production_checks_run_on_the_file() {
        let config =
            config_from_hcl(&SMALL.replace("memory = 1024", "memory = 512")).expect("file");
        let err = check(&config).expect_err("512/512 is not a Fargate size");
        assert!(err.to_string().contains("task.memory"), "{err}");
    }
}
