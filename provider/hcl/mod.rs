//! The module generator: the second rendering of `service/`'s expansion. It writes plain
//! Terraform modules on the hashicorp/aws provider — a root module `fargate-production-service`
//! and one submodule per group of children — with hcl-rs, so teams who copy modules get the same
//! children, defaults and checks the `fargate_production_service` resource builds.
//!
//! Like `aws/`, it decides nothing on its own: child kinds and names come from
//! `service::expand` (`ChildKey::kind`, `NAME_RULES`, `Shape::children`), defaults and
//! descriptions from the resource's schema, the size table from `service::checks`, and trust
//! policies from the expansion. `tests/modules.rs` evaluates the generated modules and holds
//! every setting of every child to `expand` for the same inputs.

mod format;
mod model;
mod modules;
mod readme;
mod variables;

pub mod eject;
pub mod service_call;

use std::path::{Path, PathBuf};

pub use format::align_attributes;
pub use model::Module;
pub use modules::{
    ROOT_MODULE, SUBMODULES, child_address, modules, resource_is_counted, submodule_is_counted,
};

/// The hashicorp/aws versions the generated modules declare they work with.
pub const AWS_PROVIDER_CONSTRAINT: &str = ">= 5.50, < 7.0";
/// The Terraform (and OpenTofu) versions the modules need: optional object attributes with
/// defaults (1.3) and `strcontains` (1.5). Eject's `removed` blocks need 1.7.
pub const TERRAFORM_CONSTRAINT: &str = ">= 1.5";

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("generated expression does not parse ({context}): {message}\n{source_text}")]
    Expression {
        context: String,
        source_text: String,
        message: String,
    },
    #[error("cannot format HCL: {0}")]
    Format(String),
    #[error("cannot write {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{0}")]
    Input(String),
}

/// One generated file, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Every file of every module, in a stable order.
pub fn render_modules() -> Result<Vec<GeneratedFile>, RenderError> {
    let mut files = Vec::new();
    for module in modules() {
        files.extend(module.render()?);
    }
    Ok(files)
}

/// Writes the modules under `out` (creating directories), replacing files of the same name.
pub fn write_modules(out: &Path) -> Result<Vec<PathBuf>, RenderError> {
    let files = render_modules()?;
    let mut written = Vec::new();
    for file in files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| RenderError::Io {
                path: parent.to_owned(),
                message: e.to_string(),
            })?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| RenderError::Io {
            path: path.clone(),
            message: e.to_string(),
        })?;
        written.push(path);
    }
    Ok(written)
}
