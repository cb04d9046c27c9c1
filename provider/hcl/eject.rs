//! `eject`: leave the resource for the modules without recreating anything. From a state (a
//! state file, or `tofu show -json` output) it writes, for each `fargate_production_service`,
//! a call of the root module with the same settings, an `import {}` block for every child at
//! its address inside the modules, and a `removed {}` block that forgets the resource without
//! destroying what it made. The child list and names come from `expand`, the same as the
//! resource's, so nothing is left out.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::service::expand::{
    APPLICATION_POLICY_NAME, AlarmMetric, CODEDEPLOY_ECS_POLICY, ChildKey,
    ECS_LOAD_BALANCERS_POLICY, EFS_POLICY_NAME, EXEC_POLICY_NAME, Expansion, HOOKS_POLICY_NAME,
    OWNER_TAG, Placement, SECRETS_POLICY_NAME, TASK_EXECUTION_POLICY, cluster_name, expand,
    managed_policy, owner_value,
};
use crate::service::schema::{TYPE_NAME, schema};
use crate::service::spec::ServiceSpec;
use crate::value::{Value, decode_json};

use super::RenderError;
use super::model::{Node, render_body};
use super::modules::{child_address, resource_is_counted, submodule_is_counted};
use super::variables::string_literal;

/// One composite found in the state.
#[derive(Debug, Clone)]
pub struct StateResource {
    /// The resource's address, e.g. `fargate_production_service.checkout`.
    pub address: String,
    /// Its label, which becomes the module's name.
    pub name: String,
    pub attributes: Json,
}

/// Finds every `fargate_production_service` instance of the root module in a state file
/// (format version 4) or in `tofu show -json` output.
pub fn resources_in_state(state: &Json) -> Result<Vec<StateResource>, RenderError> {
    let mut out = Vec::new();
    if let Some(resources) = state.get("resources").and_then(Json::as_array) {
        for r in resources {
            if r.get("type").and_then(Json::as_str) != Some(TYPE_NAME)
                || r.get("mode").and_then(Json::as_str) != Some("managed")
            {
                continue;
            }
            let name = r.get("name").and_then(Json::as_str).unwrap_or_default();
            if let Some(module) = r.get("module").and_then(Json::as_str) {
                return Err(RenderError::Input(format!(
                    "{module}.{TYPE_NAME}.{name} is inside a module; eject handles resources of the root module"
                )));
            }
            for instance in r
                .get("instances")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if instance.get("index_key").is_some() {
                    return Err(RenderError::Input(format!(
                        "{TYPE_NAME}.{name} uses count or for_each; eject handles single instances"
                    )));
                }
                out.push(StateResource {
                    address: format!("{TYPE_NAME}.{name}"),
                    name: name.to_owned(),
                    attributes: instance.get("attributes").cloned().unwrap_or(Json::Null),
                });
            }
        }
        return Ok(out);
    }
    let root = state
        .get("values")
        .and_then(|v| v.get("root_module"))
        .ok_or_else(|| {
            RenderError::Input(
                "not a state file nor `tofu show -json` output (no `resources` nor `values.root_module`)"
                    .to_owned(),
            )
        })?;
    for r in root
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if r.get("type").and_then(Json::as_str) != Some(TYPE_NAME)
            || r.get("mode").and_then(Json::as_str) != Some("managed")
        {
            continue;
        }
        let name = r.get("name").and_then(Json::as_str).unwrap_or_default();
        if r.get("index").is_some() {
            return Err(RenderError::Input(format!(
                "{TYPE_NAME}.{name} uses count or for_each; eject handles single instances"
            )));
        }
        out.push(StateResource {
            address: format!("{TYPE_NAME}.{name}"),
            name: name.to_owned(),
            attributes: r.get("values").cloned().unwrap_or(Json::Null),
        });
    }
    Ok(out)
}

/// One `import {}` block: where the child goes and the ID hashicorp/aws imports it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildImport {
    pub to: String,
    pub id: String,
}

/// The configuration value stored for the resource.
fn config_of(resource: &StateResource) -> Result<Value, RenderError> {
    let bytes =
        serde_json::to_vec(&resource.attributes).map_err(|e| RenderError::Input(e.to_string()))?;
    decode_json(&bytes, &schema().block.value_type()).map_err(|e| {
        RenderError::Input(format!(
            "{}: its state does not fit the schema: {e}",
            resource.address
        ))
    })
}

fn expansion_of(resource: &StateResource, config: &Value) -> Result<Expansion, RenderError> {
    let spec = ServiceSpec::from_value(config).map_err(|e| {
        RenderError::Input(format!("{}: {} at {}", resource.address, e.message, e.path))
    })?;
    // A service without a load balancer is placed by its ECS service's ARN, in the state.
    let placement = match &spec.load_balancer {
        Some(lb) => Placement::from_listener_arn(&lb.production_listener_arn).ok_or_else(|| {
            RenderError::Input(format!(
                "{}: the production listener ARN is not an ALB listener ARN",
                resource.address
            ))
        })?,
        None => Placement::from_arn(attr(resource, "service_arn")?).ok_or_else(|| {
            RenderError::Input(format!(
                "{}: the service ARN in the state is not an ARN",
                resource.address
            ))
        })?,
    };
    Ok(expand(&spec, &placement, &BTreeMap::new()))
}

fn attr<'a>(resource: &'a StateResource, name: &str) -> Result<&'a str, RenderError> {
    resource
        .attributes
        .get(name)
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            RenderError::Input(format!(
                "{}: the state has no {name}; run `tofu apply` (or refresh) first",
                resource.address
            ))
        })
}

/// Every child's import, in the order of the resource's children: the children the service's
/// deployment strategy has, at the addresses the modules give them for that strategy.
pub fn imports(resource: &StateResource) -> Result<Vec<ChildImport>, RenderError> {
    let config = config_of(resource)?;
    let exp = expansion_of(resource, &config)?;
    let module = &resource.name;
    let autoscaled = exp.scalable_target.is_some();
    let strategy = exp.strategy;
    let at = |key: ChildKey, kind: &str, name: &str, indexed: bool| {
        let (sub, _) = child_address(key, strategy, autoscaled);
        let sub_index = if submodule_is_counted(sub) { "[0]" } else { "" };
        let index = if indexed { "[0]" } else { "" };
        format!("module.{module}.module.{sub}{sub_index}.{kind}.{name}{index}")
    };
    let partition = &exp.placement.partition;
    let cluster = cluster_name(&exp.ecs_service.cluster);
    let scalable = format!(
        "ecs/service/{cluster}/{}/ecs:service:DesiredCount",
        exp.ecs_service.name
    );
    let mut out = Vec::new();
    for child in exp.children() {
        let key = child.key;
        let (_, name) = child_address(key, strategy, autoscaled);
        let counted = resource_is_counted(key);
        let import = |to: String, id: String| ChildImport { to, id };
        match key {
            ChildKey::ExecutionRole => {
                let role = &exp.execution_role.name;
                out.push(import(at(key, key.kind(), name, counted), role.clone()));
                out.push(import(
                    at(key, "aws_iam_role_policy_attachment", "execution", false),
                    format!(
                        "{role}/{}",
                        managed_policy(partition, TASK_EXECUTION_POLICY)
                    ),
                ));
                if exp
                    .execution_role
                    .inline_policies
                    .contains_key(SECRETS_POLICY_NAME)
                {
                    out.push(import(
                        at(key, "aws_iam_role_policy", "execution_secrets", true),
                        format!("{role}:{SECRETS_POLICY_NAME}"),
                    ));
                }
            }
            ChildKey::TaskRole => {
                let role = &exp.task_role.name;
                out.push(import(at(key, key.kind(), name, counted), role.clone()));
                for (policy, resource_name) in [
                    (APPLICATION_POLICY_NAME, "task_application"),
                    (EFS_POLICY_NAME, "task_efs"),
                    (EXEC_POLICY_NAME, "task_exec"),
                ] {
                    if exp.task_role.inline_policies.contains_key(policy) {
                        out.push(import(
                            at(key, "aws_iam_role_policy", resource_name, true),
                            format!("{role}:{policy}"),
                        ));
                    }
                }
                // The managed policies in the order the module's count attaches them.
                for (i, arn) in exp.task_role.managed_policy_arns.iter().enumerate() {
                    let to = at(key, "aws_iam_role_policy_attachment", "task_managed", false);
                    out.push(import(format!("{to}[{i}]"), format!("{role}/{arn}")));
                }
            }
            ChildKey::CodeDeployRole => {
                let role = &exp.codedeploy_role.name;
                out.push(import(at(key, key.kind(), name, counted), role.clone()));
                out.push(import(
                    at(key, "aws_iam_role_policy_attachment", "codedeploy", counted),
                    format!(
                        "{role}/{}",
                        managed_policy(partition, CODEDEPLOY_ECS_POLICY)
                    ),
                ));
            }
            ChildKey::InfrastructureRole => {
                let role = &exp.infrastructure_role.name;
                out.push(import(at(key, key.kind(), name, counted), role.clone()));
                out.push(import(
                    at(
                        key,
                        "aws_iam_role_policy_attachment",
                        "infrastructure",
                        counted,
                    ),
                    format!(
                        "{role}/{}",
                        managed_policy(partition, ECS_LOAD_BALANCERS_POLICY)
                    ),
                ));
                if exp
                    .infrastructure_role
                    .inline_policies
                    .contains_key(HOOKS_POLICY_NAME)
                {
                    out.push(import(
                        at(key, "aws_iam_role_policy", "infrastructure_hooks", true),
                        format!("{role}:{HOOKS_POLICY_NAME}"),
                    ));
                }
            }
            ChildKey::LogGroup => out.push(import(
                at(key, key.kind(), name, counted),
                exp.log_group.name.clone(),
            )),
            ChildKey::TaskDefinition => out.push(import(
                at(key, key.kind(), name, counted),
                attr(resource, "task_definition_arn")?.to_owned(),
            )),
            ChildKey::BlueTargetGroup => out.push(import(
                at(key, key.kind(), name, counted),
                attr(resource, "blue_target_group_arn")?.to_owned(),
            )),
            ChildKey::GreenTargetGroup => out.push(import(
                at(key, key.kind(), name, counted),
                attr(resource, "green_target_group_arn")?.to_owned(),
            )),
            ChildKey::ProductionListenerRule => out.push(import(
                at(key, key.kind(), name, counted),
                attr(resource, "production_listener_rule_arn")?.to_owned(),
            )),
            ChildKey::TestListenerRule => out.push(import(
                at(key, key.kind(), name, counted),
                attr(resource, "test_listener_rule_arn")?.to_owned(),
            )),
            ChildKey::DiscoveryService => {
                let arn = attr(resource, "service_discovery_arn")?;
                let id = arn.rsplit('/').next().unwrap_or(arn);
                out.push(import(at(key, key.kind(), name, counted), id.to_owned()));
            }
            // Every variant of the ECS service is counted.
            ChildKey::EcsService => out.push(import(
                at(key, key.kind(), name, counted),
                format!("{cluster}/{}", exp.ecs_service.name),
            )),
            ChildKey::CodeDeployApplication => out.push(import(
                at(key, key.kind(), name, counted),
                exp.codedeploy_application.clone(),
            )),
            ChildKey::DeploymentGroup => out.push(import(
                at(key, key.kind(), name, counted),
                format!(
                    "{}:{}",
                    exp.deployment_group.application, exp.deployment_group.name
                ),
            )),
            ChildKey::ScalableTarget => {
                out.push(import(at(key, key.kind(), name, counted), scalable.clone()))
            }
            ChildKey::ScalingPolicy(_) => out.push(import(
                at(key, key.kind(), name, counted),
                format!("{scalable}/{}", child.name),
            )),
            // An alarm is imported by its name.
            ChildKey::Alarm(..) => out.push(import(
                at(key, key.kind(), name, counted),
                child.name.clone(),
            )),
        }
    }
    Ok(out)
}

/// The configuration that replaces the resources found in `state`.
/// The children carry the provider's owner tag (`fargate:service`); the module call keeps it
/// in `tags`, so the imported resources plan no tag change.
fn keep_owner_tag(config: &mut Value) {
    let (Some(cluster), Some(name)) = (config.get("cluster").as_str(), config.get("name").as_str())
    else {
        return;
    };
    let owner = owner_value(cluster, name);
    if let Value::Object(fields) = config {
        let mut tags = match fields.remove("tags") {
            Some(Value::Map(m)) => m,
            _ => BTreeMap::new(),
        };
        tags.insert(OWNER_TAG.to_owned(), Value::string(owner));
        fields.insert("tags".to_owned(), Value::Map(tags));
    }
}

/// A service without a load balancer has no target group for alarms to watch: the thresholds
/// its state holds are the schema's defaults, which the resource ignores there (its check
/// refuses any the configuration sets), so the module call leaves them unset too.
fn drop_ignored_thresholds(config: &mut Value) {
    if !config.get("load_balancer").is_null() {
        return;
    }
    if let Value::Object(fields) = config
        && let Some(Value::Object(alarms)) = fields.get_mut("alarms")
    {
        for metric in AlarmMetric::ALL {
            alarms.remove(metric.attribute());
        }
    }
}

pub fn eject(state: &Json, module_source: &str) -> Result<String, RenderError> {
    let resources = resources_in_state(state)?;
    if resources.is_empty() {
        return Err(RenderError::Input(format!(
            "the state holds no {TYPE_NAME}"
        )));
    }
    let mut text = String::from(
        "# Written by `terraform-provider-fargate eject`. Replace the fargate_production_service\n# blocks with this file, and give the hashicorp/aws provider the same default_tags as the\n# fargate provider; `tofu plan` then shows only imports. Once applied, the import and removed\n# blocks can be deleted.\n\n",
    );
    for resource in &resources {
        let mut config = config_of(resource)?;
        // The modules render rules; an NLB listener's default action is the resource's alone.
        let listener = config
            .get("load_balancer")
            .get("production_listener_arn")
            .as_str()
            .and_then(crate::service::arn::LoadBalancerKind::of_listener);
        if listener == Some(crate::service::arn::LoadBalancerKind::Network) {
            return Err(RenderError::Input(format!(
                "{} sits behind a Network Load Balancer: the service owns its listeners' default actions, which \
                 the generated modules cannot manage (hashicorp/aws manages a default action only by owning \
                 the whole listener). Keep it on the fargate provider's resource",
                resource.address
            )));
        }
        keep_owner_tag(&mut config);
        drop_ignored_thresholds(&mut config);
        text.push_str(&super::service_call::module_call_named(
            &config,
            module_source,
            &resource.name,
        )?);
        text.push('\n');
        let mut nodes = Vec::new();
        for import in imports(resource)? {
            nodes.push(
                Node::new("import", &[])
                    .expr("to", &import.to)
                    .expr("id", string_literal(&import.id)),
            );
        }
        nodes.push(
            Node::new("removed", &[])
                .expr("from", &resource.address)
                .block(Node::new("lifecycle", &[]).expr("destroy", "false")),
        );
        text.push_str(&render_body(&nodes)?);
        text.push('\n');
    }
    Ok(text.trim_end().to_owned() + "\n")
}
