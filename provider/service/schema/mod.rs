//! The Terraform schema of `fargate_production_service`: every input and computed attribute,
//! with the markdown descriptions users see in docs and editors.
//!
//! The top-level attributes and the shared helpers are here; the nested blocks live in one file
//! per room (what runs, how traffic reaches it, how it rolls out, how many tasks run), all
//! reachable from `service::schema::` as before.

use crate::tfplugin::{Attribute as A, Block, NestedBlock, Schema};
use crate::value::{Type, Value};

use super::defaults as d;

mod capacity;
mod containers;
mod deployment;
mod traffic;

use capacity::{autoscaling_block, capacity_provider_block};
pub use containers::{
    DEPENDENCY_CONDITIONS, FIRELENS_CONFIG_FILE_TYPES, FIRELENS_TYPES, LOG_DRIVERS,
};
use containers::{container_block, sidecar_block, task_block, volume_block};
pub use deployment::APPSPEC_HOOK_EVENTS;
use deployment::{alarms_block, blue_green_block, ecs_deployment_block};
use traffic::{load_balancer_block, network_block, service_discovery_block};

/// The resource type name Terraform configurations use.
pub const TYPE_NAME: &str = "fargate_production_service";

/// Bumped whenever the stored state's shape changes; UpgradeResourceState migrates older ones.
pub const SCHEMA_VERSION: i64 = 0;

pub use super::expand::ECS_HOOK_STAGES;

/// The Cloud Map record types `service_discovery.record_type` accepts: the address records an
/// awsvpc task registers, or SRV (with A records Cloud Map adds for the task's address), for
/// which the ECS service's registry names the container and its port. The resource's checks
/// and the modules' validation both read this list.
pub const DNS_RECORD_TYPES: &[&str] = super::facts::DNS_RECORD_TYPES.values;

/// ECS takes at most 10 container definitions in a task definition: the application's and
/// nine sidecars.
pub const MAX_SIDECARS: i64 = 9;

/// `A or AAAA`, `A, B or C`: a list of allowed values as descriptions and messages write it.
pub fn one_of<S: AsRef<str>>(values: &[S]) -> String {
    match values.split_last() {
        Some((last, [])) => last.as_ref().to_owned(),
        Some((last, rest)) => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", rest.join(", "), last.as_ref())
        }
        None => String::new(),
    }
}

/// `` `A` or `AAAA` ``: the values as code, for descriptions in markdown.
pub fn one_of_code(values: &[&str]) -> String {
    let code: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    one_of(&code)
}

fn strings() -> Type {
    Type::list(Type::String)
}

/// A list of strings as a value: a default the schema shows, or what an import writes for it.
pub fn strings_value(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

fn string_map() -> Type {
    Type::map(Type::String)
}

/// The kind and name of each child resource the service expands into.
pub fn child_type() -> Type {
    Type::object([("kind", Type::String), ("name", Type::String)])
}

pub fn schema() -> Schema {
    Schema {
        version: SCHEMA_VERSION,
        block: service_block(),
    }
}

fn service_block() -> Block {
    Block::new(
        "One production ECS Fargate service, managed as a unit: the task definition, the ECS service, \
         blue and green ALB target groups with listener rules, the deployment machinery of \
         `deployment_strategy` (ECS-native blue/green by default; linear, canary, rolling, or CodeDeploy's \
         application and deployment group), the Cloud Map service, IAM roles, alarms, the CloudWatch log \
         group and Application Auto Scaling. An image or task change rolls out by that strategy.",
    )
    .attribute(
        A::required(
            "name",
            Type::String,
            "Name of the service. Prefixes the name of every child resource; derived names are shortened \
             deterministically where AWS limits their length. Changing it replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(
        A::required(
            "cluster",
            Type::String,
            "Name or ARN of the ECS cluster the service runs in. Changing it replaces the service.",
        )
        .forces_replacement(),
    )
    .attribute(A::defaulted(
            "desired_count",
            Type::Number,
            Value::int(d::DESIRED_COUNT),
            "Number of tasks to run. Must lie within `autoscaling`'s `min` and `max` when autoscaling is set.",
        ))
    .attribute(A::defaulted(
            "platform_version",
            Type::String,
            Value::string(d::PLATFORM_VERSION),
            "Fargate platform version.",
        ))
    .attribute(A::defaulted(
            "wait_for_deployment",
            Type::Bool,
            Value::Bool(d::WAIT_FOR_DEPLOYMENT),
            "Whether apply waits for a roll-out to finish (ECS's service deployment, or CodeDeploy's under \
         `codedeploy`), and fails keeping the running revision if it is stopped or rolled back.",
        ))
    .attribute(A::defaulted(
            "image_owner",
            Type::String,
            Value::string(crate::service::image_owner::TERRAFORM),
            "Who deploys new images. `terraform`: the configuration's images run, and a revision deployed \
             outside Terraform is drift the next apply undoes. `pipeline`: the configuration's images only \
             start the service; a revision a pipeline deploys (same family, other images) is not drift, \
             `running_images` reports it, a change of the images in the configuration deploys nothing, \
             and a change of any other task definition setting registers a revision from the running \
             images plus the new settings and rolls it out.",
        ))
    .attribute(A::optional(
            "max_monthly_cost",
            Type::Number,
            "A monthly budget for the service in `monthly_cost`'s currency: the plan warns (check `cost`) \
             when `monthly_cost.total_high` is above it, or when the service's Region has no prices.",
        ))
    .attribute(A::defaulted(
            "deployment_strategy",
            Type::String,
            Value::string(d::DEPLOYMENT_STRATEGY),
            "How a new task definition reaches production. `codedeploy`: CodeDeploy blue/green (task sets, \
             the `blue_green` block). `blue_green`, `linear`, `canary`: ECS-native blue/green under the ECS \
             deployment controller, which moves production traffic between the target groups by rewriting \
             the listener rules' weights (all at once, in equal steps, or a share first; the \
             `ecs_deployment` block), with an infrastructure role and no CodeDeploy children. `rolling`: \
             an ECS rolling update with the circuit breaker, one target group and no test rule. Changing \
             `codedeploy` to `blue_green`, `linear` or `canary` (and between those three) happens in place; \
             any other change replaces the service. Left out, a new service gets `blue_green` (AWS's \
             recommended path) and an existing one keeps the strategy its state records, so a service \
             created through CodeDeploy by an earlier release stays on CodeDeploy; set `codedeploy` to \
             choose it for a new service.",
        ))
    .attribute(A::defaulted(
            "require_immutable_image",
            Type::Bool,
            Value::Bool(false),
            "Make a mutable image reference (a `:latest` tag or no tag) an error instead of a warning.",
        ))
    .attribute(A::optional(
        "task_role_policy_json",
        Type::String,
        "IAM policy document (JSON) granting the application's own AWS permissions, attached inline to the \
         task role.",
    ))
    .attribute(A::optional(
        "task_role_managed_policy_arns",
        strings(),
        "ARNs of IAM managed policies attached to the task role besides `task_role_policy_json`, e.g. \
         `arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess` for an ADOT or X-Ray collector sidecar.",
    ))
    .attribute(A::defaulted(
        "enable_execute_command",
        Type::Bool,
        Value::Bool(false),
        "ECS Exec: operators may open a shell in a running container (`aws ecs execute-command`). The task \
         role gets the four `ssmmessages` channel actions the SSM agent needs. ECS applies it to tasks it \
         starts: under the ECS-controller strategies a change rolls out a new deployment; under `codedeploy`, \
         whose services ECS does not update in place, a change replaces the service (the plan warns).",
    ))
    .attribute(A::optional(
        "tags",
        string_map(),
        "Tags for every child resource that supports them; ECS propagates the service's tags to its tasks. \
         Merged over the provider's `default_tags`.",
    ))
    .attribute(A::computed(
        "id",
        Type::String,
        "`<cluster>/<name>`, the form `tofu import` accepts.",
    ))
    .attribute(A::computed("service_arn", Type::String, "ARN of the ECS service."))
    .attribute(A::computed(
        "task_definition_arn",
        Type::String,
        "ARN of the task definition revision the service runs.",
    ))
    .attribute(A::computed(
        "task_definition_revision",
        Type::Number,
        "Revision number of the task definition the service runs.",
    ))
    .attribute(A::computed("execution_role_arn", Type::String, "ARN of the task execution role."))
    .attribute(A::computed("task_role_arn", Type::String, "ARN of the task role."))
    .attribute(A::computed(
        "infrastructure_role_arn",
        Type::String,
        "ARN of the role ECS moves traffic with (`blue_green`, `linear`, `canary`).",
    ))
    .attribute(A::computed("log_group_name", Type::String, "Name of the CloudWatch log group."))
    .attribute(A::computed("blue_target_group_arn", Type::String, "ARN of the blue target group."))
    .attribute(A::computed("green_target_group_arn", Type::String, "ARN of the green target group."))
    .attribute(A::computed(
        "production_listener_rule_arn",
        Type::String,
        "ARN of the rule on the production listener that routes to the live target group.",
    ))
    .attribute(A::computed(
        "test_listener_rule_arn",
        Type::String,
        "ARN of the rule on the test listener that routes to the target group under test.",
    ))
    .attribute(A::computed(
        "codedeploy_application_name",
        Type::String,
        "Name of the CodeDeploy application; null unless `deployment_strategy` is `codedeploy`.",
    ))
    .attribute(A::computed(
        "codedeploy_deployment_group_name",
        Type::String,
        "Name of the CodeDeploy deployment group; null unless `deployment_strategy` is `codedeploy`.",
    ))
    .attribute(A::computed(
        "service_discovery_arn",
        Type::String,
        "ARN of the Cloud Map service, when `service_discovery` is set.",
    ))
    .attribute(A::computed(
        "dns_name",
        Type::String,
        "The DNS name tasks register under in Cloud Map (`<name>.<namespace>`), when `service_discovery` is set.",
    ))
    .attribute(A::computed(
        "live_target_group",
        Type::String,
        "`blue` or `green`: the target group the production listener routes to, read from the listener.",
    ))
    .attribute(A::computed(
        "last_deployment_id",
        Type::String,
        "ID of the last deployment this resource started, if any: ECS's service deployment ARN, or \
         CodeDeploy's deployment ID under `codedeploy`.",
    ))
    .attribute(A::computed(
        "next_rollout",
        crate::service::change::preview_type(),
        "What the apply does to the running service, known at plan: `action` (`create`, also the new service \
         of a replacement; `update in place`; `deployment` of a new revision) and `reason`, the `strategy` and its `steps` with the \
         minutes each waits by its settings, their sum in `minutes` (time for tasks to start and pauses not \
         counted), `peak_tasks` during the roll-out at `desired_count` and `peak_enis` (a Fargate task has a \
         network interface and an address of its own) against `free_addresses`, what the service's subnets \
         have free as the plan's lookup found them (null when it could not look), and what rolls it back \
         (`rolls_back_on`: alarms, the circuit breaker's threshold). Unknown while an input is; a plan \
         without a change keeps the last one.",
    ))
    .attribute(A::computed(
        "appspec",
        Type::String,
        "Under `codedeploy`, the AppSpec (JSON) of a CodeDeploy deployment of the running revision: the \
         container and port the load balancer routes to, the network and capacity settings and the hooks. \
         A pipeline that deploys its own revisions (`image_owner = \"pipeline\"`) puts its revision's ARN \
         in `TaskDefinition` and passes it to CodeDeploy's CreateDeployment. Null under the ECS strategies.",
    ))
    .attribute(A::computed(
        "running_images",
        Type::map(Type::String),
        "The image each container of the running revision has, by container name: the configuration's \
         after an apply, or what a pipeline deployed under `image_owner = \"pipeline\"`.",
    ))
    .attribute(A::computed(
        "monthly_cost",
        crate::service::change::cost_type(),
        "What the service costs a month, known at plan, in `currency` (USD) at the `region`'s prices of \
         `price_date` (AWS's public prices, 730 hours a month, no free tier, savings plans or taxes): \
         `per_task` on demand; `tasks_on_demand` at `desired_count`; with the capacity provider strategy's \
         `spot_tasks` on Fargate Spot, `tasks_low` at Spot's deepest discount and `tasks_high` at none; \
         `at_min` and `at_max` at autoscaling's bounds (null without autoscaling); `x86_64` and `arm64`, \
         the tasks on each architecture; `ephemeral_storage`, the part for storage above the 20 GB \
         Fargate includes; `rollout_surge`, one deployment's extra tasks for the minutes \
         `next_rollout` counts (not monthly, not in the totals); the service's own `alarms` and \
         `high_resolution_metrics`; and `total_low`/`total_high`. Load balancers, logs, data transfer \
         and the target tracking policies' alarms are not counted. Null in a Region the price table has no \
         prices for (the plan warns), unknown while an input is; a plan without a change keeps the last one.",
    ))
    .attribute(A::computed(
        "children",
        Type::list(child_type()),
        "Every child resource the service expands into, with its kind and name; known at plan time, so \
         `tofu plan` shows what apply creates.",
    ))
    .block(NestedBlock::required_single("task", task_block()))
    .block(NestedBlock::required_single("container", container_block()))
    .block(NestedBlock::list("sidecar", sidecar_block(), MAX_SIDECARS))
    .block(NestedBlock::list("volume", volume_block(), 0))
    .block(NestedBlock::required_single("network", network_block()))
    .block(NestedBlock::optional_single("load_balancer", load_balancer_block()))
    .block(NestedBlock::optional_group("blue_green", blue_green_block()))
    .block(NestedBlock::optional_group("ecs_deployment", ecs_deployment_block()))
    .block(NestedBlock::optional_single("service_discovery", service_discovery_block()))
    .block(NestedBlock::list(
        "capacity_provider_strategy",
        capacity_provider_block(),
        2,
    ))
    .block(NestedBlock::optional_single("autoscaling", autoscaling_block()))
    .block(NestedBlock::optional_single("alarms", alarms_block()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_values_read_as_a_list() {
        assert_eq!(one_of(&["A"]), "A");
        assert_eq!(one_of(&["A", "AAAA"]), "A or AAAA");
        assert_eq!(one_of(&["X", "Y", "Z"]), "X, Y or Z");
        assert_eq!(one_of_code(&["A", "AAAA"]), "`A` or `AAAA`");
    }

    fn all_blocks(b: &Block, path: &str, out: &mut Vec<(String, String)>) {
        for a in &b.attributes {
            out.push((format!("{path}{}", a.name), a.description.clone()));
            let modes = [
                a.required,
                a.optional && !a.computed,
                a.optional && a.computed,
                a.computed && !a.optional,
            ];
            assert_eq!(modes.iter().filter(|m| **m).count(), 1, "{path}{}", a.name);
        }
        for nb in &b.blocks {
            out.push((format!("{path}{}", nb.name), nb.block.description.clone()));
            all_blocks(&nb.block, &format!("{path}{}.", nb.name), out);
        }
    }

    #[test]
    fn every_attribute_and_block_is_described() {
        let mut out = Vec::new();
        all_blocks(&schema().block, "", &mut out);
        assert!(out.len() > 60, "{}", out.len());
        for (name, desc) in out {
            assert!(desc.len() > 10, "{name} has no real description");
        }
    }
}
