//! What a generated module is made of, before hcl-rs writes it: blocks whose attribute values
//! are HCL expressions (parsed by hcl-rs, so a malformed one fails the generator, not the
//! user's `tofu init`), variables, outputs and the README's prose.

use std::path::PathBuf;
use std::str::FromStr;

use hcl::{Attribute, Block, Body, Expression};

use super::{AWS_PROVIDER_CONSTRAINT, GeneratedFile, RenderError, TERRAFORM_CONSTRAINT};

/// One entry of a block body.
#[derive(Debug, Clone)]
pub enum Item {
    /// An attribute whose value is an HCL expression.
    Expr(String, String),
    /// An attribute whose value is a literal string.
    Str(String, String),
    Block(Node),
}

/// A block (`resource`, `module`, `lifecycle`, …) under construction.
#[derive(Debug, Clone)]
pub struct Node {
    pub ident: String,
    pub labels: Vec<String>,
    pub items: Vec<Item>,
}

impl Node {
    pub fn new(ident: &str, labels: &[&str]) -> Node {
        Node {
            ident: ident.to_owned(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            items: Vec::new(),
        }
    }

    /// `key = <expression>`.
    pub fn expr(mut self, key: &str, expression: impl Into<String>) -> Node {
        self.items
            .push(Item::Expr(key.to_owned(), expression.into()));
        self
    }

    /// `key = "<text>"`.
    pub fn string(mut self, key: &str, text: impl Into<String>) -> Node {
        self.items.push(Item::Str(key.to_owned(), text.into()));
        self
    }

    pub fn block(mut self, node: Node) -> Node {
        self.items.push(Item::Block(node));
        self
    }

    /// The HCL address of a resource block, `<type>.<name>`.
    pub fn address(&self) -> String {
        self.labels.join(".")
    }

    pub fn to_hcl(&self) -> Result<Block, RenderError> {
        let mut builder = Block::builder(self.ident.as_str()).add_labels(self.labels.clone());
        for item in &self.items {
            match item {
                Item::Expr(key, source) => {
                    let context = format!("{} {} {key}", self.ident, self.labels.join("."));
                    builder = builder.add_attribute(Attribute::new(
                        key.as_str(),
                        parse_expression(source, &context)?,
                    ));
                }
                Item::Str(key, text) => {
                    builder = builder.add_attribute(Attribute::new(key.as_str(), text.as_str()));
                }
                Item::Block(node) => builder = builder.add_block(node.to_hcl()?),
            }
        }
        Ok(builder.build())
    }
}

pub fn parse_expression(source: &str, context: &str) -> Result<Expression, RenderError> {
    Expression::from_str(source).map_err(|e| RenderError::Expression {
        context: context.to_owned(),
        source_text: source.to_owned(),
        message: e.to_string(),
    })
}

/// A `validation` block: the condition and the message Terraform shows when it is false.
#[derive(Debug, Clone)]
pub struct Validation {
    pub condition: String,
    pub error_message: String,
}

/// An input variable.
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    /// A Terraform type expression.
    pub ty: String,
    pub description: String,
    /// An HCL expression; `None` makes the variable required.
    pub default: Option<String>,
    /// `nullable = false`: a null input takes the default instead.
    pub non_nullable: bool,
    pub validations: Vec<Validation>,
}

impl Variable {
    pub fn required(name: &str, ty: &str, description: &str) -> Variable {
        Variable {
            name: name.to_owned(),
            ty: ty.to_owned(),
            description: description.to_owned(),
            default: None,
            non_nullable: false,
            validations: Vec::new(),
        }
    }

    pub fn with_default(mut self, default: &str) -> Variable {
        self.default = Some(default.to_owned());
        self
    }

    fn to_node(&self) -> Node {
        let mut node = Node::new("variable", &[&self.name])
            .string("description", &self.description)
            .expr("type", &self.ty);
        if let Some(default) = &self.default {
            node = node.expr("default", default);
        }
        if self.non_nullable {
            node = node.expr("nullable", "false");
        }
        for v in &self.validations {
            node = node.block(
                Node::new("validation", &[])
                    .expr("condition", &v.condition)
                    .string("error_message", &v.error_message),
            );
        }
        node
    }
}

/// An output value.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub value: String,
    pub description: String,
}

impl Output {
    pub fn new(name: &str, value: &str, description: &str) -> Output {
        Output {
            name: name.to_owned(),
            value: value.to_owned(),
            description: description.to_owned(),
        }
    }
}

/// One generated module.
#[derive(Debug, Clone)]
pub struct Module {
    /// Directory relative to the output directory.
    pub dir: PathBuf,
    pub title: String,
    /// The README's opening paragraph.
    pub summary: String,
    /// More README sections (markdown), after the tables.
    pub notes: String,
    /// An example `module` block for the README.
    pub usage: String,
    pub variables: Vec<Variable>,
    pub locals: Vec<(String, String)>,
    pub blocks: Vec<Node>,
    pub outputs: Vec<Output>,
}

impl Module {
    pub fn render(&self) -> Result<Vec<GeneratedFile>, RenderError> {
        let mut main = Vec::new();
        if !self.locals.is_empty() {
            let mut locals = Node::new("locals", &[]);
            for (name, value) in &self.locals {
                locals = locals.expr(name, value);
            }
            main.push(locals);
        }
        main.extend(self.blocks.iter().cloned());
        let variables: Vec<Node> = self.variables.iter().map(Variable::to_node).collect();
        let outputs: Vec<Node> = self
            .outputs
            .iter()
            .map(|o| {
                Node::new("output", &[&o.name])
                    .string("description", &o.description)
                    .expr("value", &o.value)
            })
            .collect();
        let versions = vec![
            Node::new("terraform", &[])
                .string("required_version", TERRAFORM_CONSTRAINT)
                .block(Node::new("required_providers", &[]).expr(
                    "aws",
                    format!(
                        "{{ source = \"hashicorp/aws\", version = \"{AWS_PROVIDER_CONSTRAINT}\" }}"
                    ),
                )),
        ];
        let header = "# Generated by `terraform-provider-fargate generate modules` from the same expansion as the\n# fargate_production_service resource. Do not edit: regenerate.\n\n";
        let file = |name: &str, contents: String| GeneratedFile {
            path: self.dir.join(name),
            contents,
        };
        Ok(vec![
            file("main.tf", format!("{header}{}", render_body(&main)?)),
            file(
                "variables.tf",
                format!("{header}{}", render_body(&variables)?),
            ),
            file("outputs.tf", format!("{header}{}", render_body(&outputs)?)),
            file(
                "versions.tf",
                format!("{header}{}", render_body(&versions)?),
            ),
            file("README.md", super::readme::render(self)),
        ])
    }
}

/// hcl-rs writes the blocks; the result is then laid out as `tofu fmt` would.
pub fn render_body(nodes: &[Node]) -> Result<String, RenderError> {
    let mut body = Body::builder();
    for node in nodes {
        body = body.add_block(node.to_hcl()?);
    }
    let text =
        hcl::format::to_string(&body.build()).map_err(|e| RenderError::Format(e.to_string()))?;
    Ok(super::align_attributes(&text))
}
