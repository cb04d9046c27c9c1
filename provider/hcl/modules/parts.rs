//! What every module is built from: the submodule skeleton (directory, title, summary, usage),
//! required variables, the `tags` variable and resource blocks, shared so the modules read alike.

use std::path::PathBuf;

use crate::hcl::model::{Module, Node, Variable};

use super::{ROOT_MODULE, SUBMODULES};

pub(super) fn submodule_dir(name: &str) -> PathBuf {
    PathBuf::from(ROOT_MODULE).join("modules").join(name)
}

pub(super) fn var(name: &str, ty: &str, description: &str) -> Variable {
    Variable::required(name, ty, description)
}

pub(super) fn tags_variable() -> Variable {
    let mut v = var(
        "tags",
        "map(string)",
        "Tags for every resource of this module that takes tags.",
    )
    .with_default("{}");
    v.non_nullable = true;
    v
}

pub(super) fn resource(kind: &str, name: &str) -> Node {
    Node::new("resource", &[kind, name])
}

pub(super) fn usage(module: &str, source: &str, args: &[(&str, &str)]) -> String {
    let mut text = format!("module \"{module}\" {{\n  source = \"{source}\"\n\n");
    for (k, v) in args {
        text.push_str(&format!("  {k} = {v}\n"));
    }
    text.push('}');
    crate::hcl::align_attributes(&text).trim_end().to_owned()
}

pub(super) fn submodule(dir: &str, variables: Vec<Variable>) -> Module {
    let (_, block_name, holds) = SUBMODULES
        .iter()
        .find(|(d, _, _)| *d == dir)
        .copied()
        .unwrap_or((dir, dir, ""));
    let args: Vec<(String, String)> = variables
        .iter()
        .filter(|v| v.default.is_none())
        .map(|v| (v.name.clone(), "…".to_owned()))
        .collect();
    let args_ref: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Module {
        dir: submodule_dir(dir),
        title: format!("{ROOT_MODULE}/modules/{dir}"),
        summary: format!(
            "Part of the `{ROOT_MODULE}` module: {holds}. The root module calls it as `module.{block_name}`; use it directly only to assemble a service differently."
        ),
        notes: String::new(),
        usage: usage(
            block_name,
            &format!("./modules/{ROOT_MODULE}/modules/{dir}"),
            &args_ref,
        ),
        variables,
        locals: Vec::new(),
        blocks: Vec::new(),
        outputs: Vec::new(),
    }
}
