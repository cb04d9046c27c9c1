use std::fmt;

/// One step into a value: an object attribute, a map key or a list/tuple index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    Attribute(String),
    Key(String),
    Index(i64),
}

/// Where a value sits inside a resource's configuration; diagnostics carry one so that
/// Terraform can point at the HCL line that holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    pub steps: Vec<PathStep>,
}

impl AttributePath {
    pub fn root() -> Self {
        Self::default()
    }

    /// The path to a top-level attribute or block.
    pub fn attr(name: &str) -> Self {
        Self::root().join_attr(name)
    }

    pub fn join_attr(&self, name: &str) -> Self {
        self.join(PathStep::Attribute(name.to_owned()))
    }

    pub fn join_key(&self, key: &str) -> Self {
        self.join(PathStep::Key(key.to_owned()))
    }

    pub fn join_index(&self, index: usize) -> Self {
        self.join(PathStep::Index(i64::try_from(index).unwrap_or(i64::MAX)))
    }

    pub fn join(&self, step: PathStep) -> Self {
        let mut steps = self.steps.clone();
        steps.push(step);
        Self { steps }
    }

    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return f.write_str("(root)");
        }
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
                PathStep::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_hcl_references() {
        let p = AttributePath::attr("container")
            .join_index(0)
            .join_attr("environment")
            .join_key("DB_PASSWORD");
        assert_eq!(p.to_string(), "container[0].environment[\"DB_PASSWORD\"]");
        assert_eq!(AttributePath::root().to_string(), "(root)");
    }
}
