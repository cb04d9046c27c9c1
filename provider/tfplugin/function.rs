//! Provider-defined functions (`provider::<name>::<function>(…)`).

use crate::value::{Type, Value};

#[derive(Debug, Clone)]
pub struct FunctionParameter {
    pub name: String,
    pub ty: Type,
    pub description: String,
}

/// A pure function Terraform can call at plan time. An `Err` is the message the user sees,
/// with the index of the argument at fault when there is one.
pub trait Function: Send + Sync + 'static {
    fn name(&self) -> &str;
    fn summary(&self) -> &str;
    fn description(&self) -> &str;
    fn parameters(&self) -> Vec<FunctionParameter>;
    fn return_type(&self) -> Type;
    fn call(&self, arguments: &[Value]) -> Result<Value, (String, Option<i64>)>;
}
