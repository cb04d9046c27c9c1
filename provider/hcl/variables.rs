//! The root module's input variables, derived from the resource's schema: one variable per
//! top-level attribute and per block, the same types, descriptions and defaults (block
//! defaults become `optional(type, default)` object attributes), and `validation` blocks for
//! the production checks a variable can express on its own.

use crate::service::checks::{RULES, VALID_CPU, valid_memory};
use crate::service::defaults as d;
use crate::service::expand::{AlarmMetric, DeploymentStrategy, ECS_HOOK_STAGES};
use crate::service::facts::{CAPACITY_PROVIDER_WEIGHT, STOP_TIMEOUT};
use crate::service::schema::{
    DEPENDENCY_CONDITIONS, DNS_RECORD_TYPES, FIRELENS_TYPES, LOG_DRIVERS, one_of, schema,
};
use crate::tfplugin::{Attribute, Block, NestedBlock, Nesting};
use crate::value::{Type, Value};

use super::model::{Validation, Variable};

/// Resource attributes with no meaning for a module: applying a module cannot wait for a
/// deployment it does not start, and a module's plan cannot price what it creates.
const PROVIDER_ONLY: &[&str] = &["wait_for_deployment", "max_monthly_cost", "image_owner"];

/// Block attributes whose check asks whether the user set them, not what they hold after the
/// defaults: a service without a load balancer may leave an alarm threshold unset (it has no
/// target group to watch) but not set one (check `load-balancer`). Their variable leaves them
/// null, and the root module applies the schema's default (`block_default`) where it applies.
pub fn defaulted_by_the_root(block: &str, attribute: &str) -> bool {
    block == "alarms" && AlarmMetric::ALL.iter().any(|m| m.attribute() == attribute)
}

/// The schema's default of a top-level block's attribute, as an HCL literal.
pub fn block_default(block: &str, attribute: &str) -> Option<String> {
    let schema = schema().block;
    let nested = schema.blocks.iter().find(|b| b.name == block)?;
    let a = nested.block.get_attribute(attribute)?;
    a.default.as_ref().map(literal)
}

pub fn root_variables() -> Vec<Variable> {
    let block = schema().block;
    let mut out = Vec::new();
    for a in &block.attributes {
        if (a.computed && !a.optional) || PROVIDER_ONLY.contains(&a.name.as_str()) {
            continue;
        }
        let mut v = Variable::required(&a.name, &type_expr(&a.ty), &a.description);
        if !a.required {
            match (&a.default, &a.ty) {
                (Some(d), _) => {
                    v.default = Some(literal(d));
                    v.non_nullable = true;
                }
                (None, Type::Map(_)) => {
                    v.default = Some("{}".to_owned());
                    v.non_nullable = true;
                }
                (None, _) => v.default = Some("null".to_owned()),
            }
        }
        v.validations = validations(&a.name);
        out.push(v);
    }
    for b in &block.blocks {
        let object = object_type(&b.block, &b.name);
        let mut v = match b.nesting {
            Nesting::List => {
                let mut v =
                    Variable::required(&b.name, &format!("list({object})"), &b.block.description);
                v.default = Some("[]".to_owned());
                v.non_nullable = true;
                v
            }
            Nesting::Single | Nesting::Group => {
                let mut v = Variable::required(&b.name, &object, &b.block.description);
                if b.min_items == 0 {
                    // A group block always exists (its defaults apply when it is left out); an
                    // optional single block left out is none (`alarms`, `autoscaling`).
                    if b.nesting == Nesting::Group && all_optional(&b.block) {
                        v.default = Some("{}".to_owned());
                        v.non_nullable = true;
                    } else {
                        v.default = Some("null".to_owned());
                    }
                }
                v
            }
        };
        v.description
            .push_str(&root_defaults_text(&b.name, &b.block));
        v.validations = validations(&b.name);
        out.push(v);
    }
    out
}

/// What the root module makes of the attributes it applies the default of itself.
fn root_defaults_text(name: &str, block: &Block) -> String {
    let defaults: Vec<String> = block
        .attributes
        .iter()
        .filter(|a| defaulted_by_the_root(name, &a.name))
        .filter_map(|a| Some(format!("`{}` {}", a.name, literal(a.default.as_ref()?))))
        .collect();
    if defaults.is_empty() {
        return String::new();
    }
    format!(
        " Thresholds left unset are {} on a service with `load_balancer`; a service without one has no target group to watch, so it takes none (only `names`).",
        join_words(&defaults)
    )
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A Terraform type expression.
pub fn type_expr(ty: &Type) -> String {
    match ty {
        Type::String => "string".to_owned(),
        Type::Number => "number".to_owned(),
        Type::Bool => "bool".to_owned(),
        Type::Dynamic => "any".to_owned(),
        Type::List(t) => format!("list({})", type_expr(t)),
        Type::Set(t) => format!("set({})", type_expr(t)),
        Type::Map(t) => format!("map({})", type_expr(t)),
        Type::Tuple(items) => format!(
            "tuple([{}])",
            items.iter().map(type_expr).collect::<Vec<_>>().join(", ")
        ),
        Type::Object(attrs) => format!(
            "object({{ {} }})",
            attrs
                .iter()
                .map(|(k, t)| format!("{k} = {}", type_expr(t)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn all_optional(block: &Block) -> bool {
    block.attributes.iter().all(|a| !a.required)
        && block
            .blocks
            .iter()
            .all(|b| b.min_items == 0 && all_optional(&b.block))
}

/// `object({...})` of the block at `path` (`alarms`, `container.log`, `sidecar`), with the
/// schema's defaults as `optional(type, default)`.
pub(super) fn object_type(block: &Block, path: &str) -> String {
    let mut fields = Vec::new();
    for a in &block.attributes {
        if a.computed && !a.optional {
            continue;
        }
        fields.push(format!("{} = {}", a.name, field_type(a, path)));
    }
    for b in &block.blocks {
        fields.push(format!("{} = {}", b.name, nested_type(b, path)));
    }
    format!("object({{ {} }})", fields.join(", "))
}

fn field_type(a: &Attribute, path: &str) -> String {
    let t = type_expr(&a.ty);
    let default = a
        .default
        .as_ref()
        .filter(|_| !defaulted_by_the_root(path, &a.name));
    match (default, a.required, &a.ty) {
        (_, true, _) => t,
        (Some(d), false, _) => format!("optional({t}, {})", literal(d)),
        (None, false, Type::Map(_)) => format!("optional({t}, {{}})"),
        (None, false, _) => format!("optional({t})"),
    }
}

fn nested_type(b: &NestedBlock, path: &str) -> String {
    let object = object_type(&b.block, &format!("{path}.{}", b.name));
    match b.nesting {
        Nesting::List => format!("optional(list({object}), [])"),
        Nesting::Single | Nesting::Group if b.min_items > 0 => object,
        // A group block is there with its defaults when left out; a single block is null.
        Nesting::Group if all_optional(&b.block) => format!("optional({object}, {{}})"),
        Nesting::Single | Nesting::Group => format!("optional({object})"),
    }
}

/// A value as an HCL literal expression.
pub fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => string_literal(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => format!(
            "[{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) | Value::Object(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|(k, v)| format!("{} = {}", object_key(k), literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "null".to_owned(),
    }
}

/// An object key: bare when it is an identifier, quoted otherwise.
pub fn object_key(k: &str) -> String {
    let mut chars = k.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        k.to_owned()
    } else {
        string_literal(k)
    }
}

/// `["A", "AAAA"]`: a list of strings as an HCL expression.
pub fn string_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| string_literal(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A quoted HCL string whose content is taken literally (no interpolation).
pub fn string_literal(s: &str) -> String {
    let escaped = serde_json::Value::String(s.to_owned()).to_string();
    escaped.replace("${", "$${").replace("%{", "%%{")
}

fn rule_text(id: &str) -> String {
    RULES
        .iter()
        .find(|r| r.id == id)
        .map(|r| format!("{} (check `{id}`)", r.text.replace('`', "")))
        .unwrap_or_else(|| format!("check `{id}`"))
}

/// `condition` for an optional variable: a null one passes (Terraform evaluates only the branch
/// taken, so the condition may read its attributes).
fn when_given(variable: &str, condition: &str) -> String {
    format!("var.{variable} == null ? true : {condition}")
}

fn check(condition: &str, rule: &str) -> Validation {
    Validation {
        condition: condition.to_owned(),
        error_message: sentence(&rule_text(rule)),
    }
}

/// A check whose rule covers more than this condition: the message says what this one wants.
fn check_that(condition: &str, rule: &str, wants: &str) -> Validation {
    Validation {
        condition: condition.to_owned(),
        error_message: sentence(&format!("{wants} (check `{rule}`)")),
    }
}

/// Terraform shows `error_message` as a sentence: capitalised, unless it starts with an
/// attribute path, which keeps its spelling.
fn sentence(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or_default();
    if !first_word.chars().all(|c| c.is_ascii_lowercase()) {
        return format!("{text}.");
    }
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("{}{}.", first.unwrap_or_default(), chars.as_str())
}

/// Fargate's size table as an HCL map from cpu to the memory sizes it allows.
fn size_table() -> String {
    let rows: Vec<String> = VALID_CPU
        .iter()
        .map(|cpu| {
            let memory = valid_memory(*cpu).unwrap_or_default();
            format!(
                "\"{cpu}\" = [{}]",
                memory
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    format!("{{ {} }}", rows.join(", "))
}

/// The size table in words: `256: 512, 1024, 2048; 512: 1024 to 4096 in steps of 1024; …`.
fn size_text() -> String {
    VALID_CPU
        .iter()
        .map(|cpu| {
            let memory = valid_memory(*cpu).unwrap_or_default();
            let listed = match memory.as_slice() {
                [first, second, .., last] if memory.len() > 3 => {
                    format!("{first} to {last} in steps of {}", second - first)
                }
                _ => memory
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            format!("cpu {cpu} takes {listed}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The checks a variable's own value decides. Checks that involve two variables (the scaling
/// bounds and `desired_count`, an immutable image when `require_immutable_image` is set) are
/// preconditions in the submodules.
fn validations(variable: &str) -> Vec<Validation> {
    match variable {
        "name" => vec![check(
            "can(regex(\"^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$\", var.name))",
            "name",
        )],
        "task_role_policy_json" => vec![check_that(
            "var.task_role_policy_json == null ? true : can(jsondecode(var.task_role_policy_json).Statement)",
            "task-role-policy",
            "task_role_policy_json must be a JSON IAM policy document with a Statement",
        )],
        "desired_count" => vec![check_that(
            "var.desired_count >= 0",
            "ranges",
            "desired_count must be 0 or more",
        )],
        "task" => vec![
            check_that(
                &format!(
                    "contains(lookup({}, tostring(var.task.cpu), []), var.task.memory)",
                    size_table()
                ),
                "task-size",
                &format!(
                    "task.cpu/task.memory must be a Fargate size: {}",
                    size_text()
                ),
            ),
            check_that(
                "contains([\"X86_64\", \"ARM64\"], var.task.cpu_architecture)",
                "ranges",
                "task.cpu_architecture must be X86_64 or ARM64",
            ),
            check(
                "var.task.ephemeral_storage_gib >= 21 && var.task.ephemeral_storage_gib <= 200",
                "ephemeral-storage",
            ),
        ],
        "container" => vec![
            check(
                "can(regex(\"^[A-Za-z0-9_-]{1,255}$\", var.container.name))",
                "container-name",
            ),
            check(
                // Unset for a worker; coalesce keeps the comparison off null.
                "coalesce(var.container.port, 1) >= 1 && coalesce(var.container.port, 1) <= 65535",
                "port",
            ),
            check_that(
                &format!(
                    "var.container.stop_timeout >= {} && var.container.stop_timeout <= {}",
                    STOP_TIMEOUT.min, STOP_TIMEOUT.max
                ),
                "stop-timeout",
                &format!(
                    "container.stop_timeout must be between {} and {} seconds (Fargate's maximum)",
                    STOP_TIMEOUT.min, STOP_TIMEOUT.max
                ),
            ),
            check(
                "var.container.drain_timeout == null ? true : var.container.drain_timeout < var.container.stop_timeout",
                "drain-vs-stop",
            ),
            check(
                "alltrue([for arn in values(var.container.secrets) : can(regex(\"^arn:[^:]+:(secretsmanager|ssm):[^:]+:[0-9]{12}:(secret:|parameter/)\", arn))])",
                "secret-arn",
            ),
            check_that(
                "var.container.health_check == null ? true : var.container.health_check.timeout < var.container.health_check.interval",
                "health-timeout",
                "container.health_check.timeout must be below its interval",
            ),
            check_that(
                "contains([\"blocking\", \"non-blocking\"], var.container.log.mode)",
                "ranges",
                "container.log.mode must be blocking or non-blocking",
            ),
            check_that(
                &format!(
                    "alltrue([for c in values(var.container.depends_on) : contains({}, c)])",
                    string_list(DEPENDENCY_CONDITIONS)
                ),
                "depends-on",
                &format!(
                    "container.depends_on conditions must be {}",
                    one_of(DEPENDENCY_CONDITIONS)
                ),
            ),
            check_that(
                "var.container.add_capabilities == null ? true : alltrue([for c in var.container.add_capabilities : c == \"SYS_PTRACE\"])",
                "capabilities",
                "container.add_capabilities may hold only SYS_PTRACE, the one capability Fargate adds",
            ),
            check_that(
                &format!(
                    "contains({}, var.container.log.driver)",
                    string_list(LOG_DRIVERS)
                ),
                "firelens",
                &format!("container.log.driver must be {}", one_of(LOG_DRIVERS)),
            ),
        ],
        "sidecar" => vec![
            check(
                "alltrue(flatten([for s in var.sidecar : [for arn in values(s.secrets) : can(regex(\"^arn:[^:]+:(secretsmanager|ssm):[^:]+:[0-9]{12}:(secret:|parameter/)\", arn))]]))",
                "secret-arn",
            ),
            check_that(
                "length([for s in var.sidecar : s if s.firelens != null]) <= 1",
                "firelens",
                "at most one sidecar may have firelens: a task has one log router",
            ),
            check_that(
                &format!(
                    "alltrue([for s in var.sidecar : s.firelens == null ? true : contains({}, s.firelens.type)])",
                    string_list(FIRELENS_TYPES)
                ),
                "firelens",
                &format!("sidecar firelens.type must be {}", one_of(FIRELENS_TYPES)),
            ),
            check_that(
                &format!(
                    "alltrue([for s in var.sidecar : s.stop_timeout == null ? true : s.stop_timeout >= {} && s.stop_timeout <= {}])",
                    STOP_TIMEOUT.min, STOP_TIMEOUT.max
                ),
                "stop-timeout",
                &format!(
                    "a sidecar's stop_timeout must be between {} and {} seconds (Fargate's maximum)",
                    STOP_TIMEOUT.min, STOP_TIMEOUT.max
                ),
            ),
            check(
                "length(distinct(concat([var.container.name], [for s in var.sidecar : s.name]))) == length(var.sidecar) + 1",
                "container-name",
            ),
        ],
        "volume" => vec![
            check_that(
                "alltrue([for v in var.volume : v.efs == null ? true : v.efs.transit_encryption || !(v.efs.iam_authorization || v.efs.access_point_id != null)])",
                "efs",
                "an EFS volume with IAM authorization or an access point needs transit_encryption",
            ),
            check_that(
                "length(distinct([for v in var.volume : v.name])) == length(var.volume)",
                "volumes",
                "volume names must be unique",
            ),
        ],
        "task_role_managed_policy_arns" => vec![check(
            "var.task_role_managed_policy_arns == null ? true : length(var.task_role_managed_policy_arns) <= 20 && alltrue([for arn in var.task_role_managed_policy_arns : can(regex(\"^arn:[^:]+:iam::(aws|[0-9]{12}):policy/.+\", arn))])",
            "managed-policies",
        )],
        "network" => vec![check_that(
            "length(var.network.subnets) >= 1 && length(var.network.security_groups) >= 1",
            "ranges",
            "network needs at least one subnet and one security group",
        )],
        // Only a rolling service may go without a load balancer; the ECS service's
        // precondition says so (check `load-balancer`), these check one that is given.
        "load_balancer" => {
            let given = |condition: &str| when_given("load_balancer", condition);
            vec![
                check(
                    &given(
                        "var.load_balancer.health_check.timeout < var.load_balancer.health_check.interval",
                    ),
                    "health-timeout",
                ),
                check(
                    &given("startswith(var.load_balancer.health_check.path, \"/\")"),
                    "health-path",
                ),
                check(
                    &given(
                        "can(regex(\"^[0-9]{3}((,[0-9]{3})*|-[0-9]{3})$\", var.load_balancer.health_check.matcher))",
                    ),
                    "matcher",
                ),
                check_that(
                    &given(
                        "var.load_balancer.production_listener_arn != var.load_balancer.test_listener_arn",
                    ),
                    "listener-arn",
                    "load_balancer.test_listener_arn must be another listener than the production one: CodeDeploy routes test traffic separately",
                ),
                // A rolling service may have no test listener (the target-group-pair submodule's
                // precondition asks for it under the other strategies). An NLB listener is the
                // resource's alone: it takes over the listener's default action, which no
                // hashicorp/aws resource manages short of owning the whole listener.
                check_that(
                    &given(
                        "alltrue([for arn in [var.load_balancer.production_listener_arn, var.load_balancer.test_listener_arn] : can(regex(\"^arn:[^:]+:elasticloadbalancing:[^:]+:[0-9]{12}:listener/app/\", arn)) if arn != null])",
                    ),
                    "listener-arn",
                    "load_balancer.production_listener_arn and test_listener_arn must be Application Load Balancer listener ARNs (…:listener/app/<lb-name>/<lb-id>/<listener-id>): the modules render forwarding rules, and a Network Load Balancer listener has none (its default action is the fargate provider's resource's to take over); Gateway Load Balancer listeners do not serve tasks",
                ),
                check_that(
                    &given(
                        "coalesce(var.load_balancer.target_protocol, \"HTTP\") == \"HTTP\" && coalesce(var.load_balancer.health_check.protocol, \"HTTP\") == \"HTTP\"",
                    ),
                    "load-balancer-kind",
                    "behind an Application Load Balancer the target groups and their health check are HTTP: leave load_balancer.target_protocol and health_check.protocol unset or \"HTTP\"",
                ),
                // The load balancer part of both ARNs (up to its ID); a malformed ARN is the
                // listener-arn check's to report.
                check(
                    &given(
                        "try(join(\"/\", slice(split(\"/\", var.load_balancer.production_listener_arn), 0, 4)) == join(\"/\", slice(split(\"/\", var.load_balancer.test_listener_arn), 0, 4)), true)",
                    ),
                    "same-load-balancer",
                ),
                check_that(
                    &given(
                        "var.load_balancer.deregistration_delay >= 0 && var.load_balancer.deregistration_delay <= 3600",
                    ),
                    "ranges",
                    "load_balancer.deregistration_delay must be between 0 and 3600 seconds",
                ),
            ]
        }
        "deployment_strategy" => vec![check_that(
            &format!(
                "contains({}, var.deployment_strategy)",
                string_list(&DeploymentStrategy::NAMES)
            ),
            "strategy",
            &format!(
                "deployment_strategy must be {}",
                one_of(&DeploymentStrategy::NAMES)
            ),
        )],
        "ecs_deployment" => vec![
            check_that(
                "alltrue([for m in [var.ecs_deployment.bake_time_minutes, var.ecs_deployment.linear_step_minutes, var.ecs_deployment.canary_minutes] : m >= 0 && m <= 1440])",
                "strategy",
                "ecs_deployment.bake_time_minutes, linear_step_minutes and canary_minutes must be between 0 and 1440",
            ),
            check_that(
                "var.ecs_deployment.linear_step_percent >= 3 && var.ecs_deployment.linear_step_percent <= 100 && var.ecs_deployment.canary_percent >= 0.1 && var.ecs_deployment.canary_percent <= 100",
                "strategy",
                "ecs_deployment.linear_step_percent must be between 3 and 100, and canary_percent between 0.1 and 100",
            ),
            check_that(
                "var.ecs_deployment.minimum_healthy_percent >= 0 && var.ecs_deployment.minimum_healthy_percent <= 100 && var.ecs_deployment.maximum_percent >= 100 && var.ecs_deployment.maximum_percent <= 200 && var.ecs_deployment.maximum_percent > var.ecs_deployment.minimum_healthy_percent",
                "strategy",
                "ecs_deployment.minimum_healthy_percent must be between 0 and 100, and maximum_percent between 100 and 200 and above it",
            ),
            // hashicorp/aws's deployment_circuit_breaker takes only enable and rollback (its
            // threshold_configuration and reset_on_healthy_task are PR #48752, open in late
            // 2026): ECS's defaults are what a service gets without them, anything else the
            // modules cannot set.
            check_that(
                &format!(
                    "var.ecs_deployment.circuit_breaker_threshold_type == \"{}\" && var.ecs_deployment.circuit_breaker_threshold == {} && var.ecs_deployment.circuit_breaker_reset_on_healthy_task == {}",
                    d::CIRCUIT_BREAKER_THRESHOLD_TYPE,
                    d::CIRCUIT_BREAKER_THRESHOLD,
                    d::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK
                ),
                "strategy",
                &format!(
                    "the hashicorp/aws provider cannot set the circuit breaker's threshold or reset yet: leave ecs_deployment.circuit_breaker_threshold_type ({}), circuit_breaker_threshold ({}) and circuit_breaker_reset_on_healthy_task ({}) at ECS's defaults, or use the fargate provider's resource",
                    d::CIRCUIT_BREAKER_THRESHOLD_TYPE,
                    d::CIRCUIT_BREAKER_THRESHOLD,
                    d::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK
                ),
            ),
            // Pause hooks (lifecycle_hook.target_type PAUSE and its timeout_configuration) came
            // to hashicorp/aws with PR #48128 (2026-06); the pinned build is not known to carry
            // them, so the modules do not render a pause.
            check_that(
                "length(var.ecs_deployment.pause_at) == 0",
                "strategy",
                "the modules do not render pause hooks: leave ecs_deployment.pause_at empty, or use the fargate provider's resource",
            ),
            check_that(
                &format!(
                    "alltrue([for stage in keys(var.ecs_deployment.hooks) : contains({}, stage)])",
                    string_list(ECS_HOOK_STAGES)
                ),
                "strategy",
                &format!(
                    "ecs_deployment.hooks keys must be lifecycle stages: {}",
                    one_of(ECS_HOOK_STAGES)
                ),
            ),
        ],
        "blue_green" => vec![check_that(
            "var.blue_green.termination_wait_minutes >= 0 && var.blue_green.termination_wait_minutes <= 2880",
            "ranges",
            "blue_green.termination_wait_minutes must be between 0 and 2880",
        )],
        "service_discovery" => vec![check_that(
            &format!(
                "var.service_discovery == null ? true : contains({}, var.service_discovery.record_type)",
                string_list(DNS_RECORD_TYPES)
            ),
            "ranges",
            &format!(
                "service_discovery.record_type must be {}: the records an awsvpc task registers",
                one_of(DNS_RECORD_TYPES)
            ),
        )],
        "capacity_provider_strategy" => vec![check(
            &format!(
                "length(var.capacity_provider_strategy) == 0 || (alltrue([for c in var.capacity_provider_strategy : contains([\"FARGATE\", \"FARGATE_SPOT\"], c.capacity_provider) && c.weight >= {} && c.weight <= {}]) && anytrue([for c in var.capacity_provider_strategy : c.weight > 0]) && length([for c in var.capacity_provider_strategy : c if c.base > 0]) <= 1)",
                CAPACITY_PROVIDER_WEIGHT.min, CAPACITY_PROVIDER_WEIGHT.max
            ),
            "capacity-strategy",
        )],
        "autoscaling" => vec![
            check_that(
                "var.autoscaling == null ? true : var.autoscaling.min <= var.autoscaling.max",
                "scaling-bounds",
                "autoscaling.min must not exceed autoscaling.max",
            ),
            // hashicorp/aws's aws_ecs_service has no monitoring configuration (its `monitoring`
            // block is PR #48792, open in late 2026), and a HighResolution policy needs the
            // service to publish its metric every 20 seconds first: the modules cannot scale on
            // 20-second metrics.
            check_that(
                "var.autoscaling == null ? true : !var.autoscaling.high_resolution",
                "high-resolution",
                "the hashicorp/aws provider cannot set an ECS service's metric resolution yet, which scaling on 20-second metrics needs first: leave autoscaling.high_resolution false, or use the fargate provider's resource",
            ),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_of_the_resource_is_a_variable_or_inside_one() {
        let names: Vec<String> = root_variables().into_iter().map(|v| v.name).collect();
        for expected in [
            "name",
            "cluster",
            "desired_count",
            "task",
            "container",
            "network",
            "load_balancer",
            "deployment_strategy",
            "blue_green",
            "ecs_deployment",
            "service_discovery",
            "capacity_provider_strategy",
            "autoscaling",
            "tags",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected} missing");
        }
        assert!(!names.iter().any(|n| n == "service_arn" || n == "children"));
    }

    #[test]
    fn the_size_table_is_the_checks_table() {
        let table = size_table();
        assert!(table.contains("\"256\" = [512, 1024, 2048]"), "{table}");
        assert!(table.contains("\"16384\" = [32768, 40960"), "{table}");
    }

    #[test]
    fn string_literals_never_interpolate() {
        assert_eq!(string_literal("a${b}\"c"), "\"a$${b}\\\"c\"");
    }
}
