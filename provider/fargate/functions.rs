//! Provider functions: `provider::fargate::valid_memory(cpu)` and
//! `provider::fargate::alb_resource_label(load_balancer_arn, target_group_arn)`.

use crate::service::checks::{VALID_CPU, valid_memory};
use crate::service::expand::alb_resource_label;
use crate::tfplugin::{Function, FunctionParameter};
use crate::value::{Type, Value};

pub struct ValidMemory;

impl Function for ValidMemory {
    fn name(&self) -> &str {
        "valid_memory"
    }
    fn summary(&self) -> &str {
        "Memory sizes Fargate allows for a CPU size"
    }
    fn description(&self) -> &str {
        "Returns the memory values (MiB) Fargate accepts with the given `cpu` units, in ascending order."
    }
    fn parameters(&self) -> Vec<FunctionParameter> {
        vec![FunctionParameter {
            name: "cpu".into(),
            ty: Type::Number,
            description: "Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.".into(),
        }]
    }
    fn return_type(&self) -> Type {
        Type::list(Type::Number)
    }
    fn call(&self, arguments: &[Value]) -> Result<Value, (String, Option<i64>)> {
        let cpu = arguments.first().and_then(Value::as_i64);
        match cpu.and_then(valid_memory) {
            Some(values) => Ok(Value::List(values.into_iter().map(Value::int).collect())),
            None => Err((
                format!(
                    "{} is not a Fargate CPU size; valid sizes are {}",
                    arguments
                        .first()
                        .and_then(Value::as_number)
                        .map(ToString::to_string)
                        .unwrap_or_else(|| "null".into()),
                    VALID_CPU
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(0),
            )),
        }
    }
}

pub struct AlbResourceLabel;

/// `app/<name>/<id>` from `arn:…:loadbalancer/app/<name>/<id>`.
fn load_balancer_part(arn: &str) -> Option<String> {
    let (prefix, rest) = arn.split_once(":loadbalancer/")?;
    if !prefix.starts_with("arn:") || !prefix.contains(":elasticloadbalancing:") {
        return None;
    }
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["app", name, id] if !name.is_empty() && !id.is_empty() => Some(rest.to_owned()),
        _ => None,
    }
}

impl Function for AlbResourceLabel {
    fn name(&self) -> &str {
        "alb_resource_label"
    }
    fn summary(&self) -> &str {
        "ResourceLabel for ALBRequestCountPerTarget"
    }
    fn description(&self) -> &str {
        "Builds `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`, the ResourceLabel an \
         ALBRequestCountPerTarget scaling policy needs, from an Application Load Balancer ARN and a target \
         group ARN."
    }
    fn parameters(&self) -> Vec<FunctionParameter> {
        vec![
            FunctionParameter {
                name: "load_balancer_arn".into(),
                ty: Type::String,
                description: "ARN of the Application Load Balancer.".into(),
            },
            FunctionParameter {
                name: "target_group_arn".into(),
                ty: Type::String,
                description: "ARN of the target group.".into(),
            },
        ]
    }
    fn return_type(&self) -> Type {
        Type::String
    }
    fn call(&self, arguments: &[Value]) -> Result<Value, (String, Option<i64>)> {
        let lb = arguments
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default();
        let tg = arguments.get(1).and_then(Value::as_str).unwrap_or_default();
        let lb_part = load_balancer_part(lb).ok_or_else(|| {
            (
                format!("{lb:?} is not an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)"),
                Some(0),
            )
        })?;
        let label = alb_resource_label(&lb_part, tg).ok_or_else(|| {
            (
                format!("{tg:?} is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)"),
                Some(1),
            )
        })?;
        Ok(Value::string(label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_label_from_arns() {
        let v = AlbResourceLabel
            .call(&[
                Value::string("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/edge/50dc6c495c0c9188"),
                Value::string("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-blue/943f017f100becff"),
            ])
            .unwrap();
        assert_eq!(
            v,
            Value::string("app/edge/50dc6c495c0c9188/targetgroup/api-blue/943f017f100becff")
        );
        let err = AlbResourceLabel
            .call(&[
                Value::string("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/x/y"),
                Value::string("x"),
            ])
            .unwrap_err();
        assert_eq!(err.1, Some(0));
    }

    #[test]
    fn valid_memory_lists_or_refuses() {
        assert_eq!(
            ValidMemory.call(&[Value::int(256)]).unwrap(),
            Value::List(vec![Value::int(512), Value::int(1024), Value::int(2048)])
        );
        assert!(
            ValidMemory
                .call(&[Value::int(300)])
                .unwrap_err()
                .0
                .contains("256, 512")
        );
    }
}
