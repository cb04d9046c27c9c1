//! The root module `fargate-production-service`: its locals, the module calls that wire the
//! submodules together, its outputs and its README notes. The expressions it computes from
//! `service/` are in `root_expressions.rs`.

use std::path::PathBuf;

use crate::service::expand::{
    AlarmMetric, AlarmTarget, DeploymentStrategy, SECRET_SUFFIX_PATTERN, alarm_key,
};
use crate::service::names::{DERIVED_PRIORITY_BASE, DERIVED_PRIORITY_SPAN, NAME_RULES};

use crate::hcl::model::{Module, Node, Output};
use crate::hcl::variables::{root_variables, string_literal};

use super::ROOT_MODULE;
use super::parts::usage;
use super::root_expressions::{
    alarm_name_local, alarm_thresholds_expression, appspec_expression, children_expression,
    ecs_deployment_expression, name_expression, object_expression, per_strategy, strategy_is,
};
use super::task_definition::{SECRET_VALUES, efs_locals};

pub(super) fn root() -> Module {
    let mut names = String::from("{\n");
    for rule in NAME_RULES {
        names.push_str(&format!(
            "{} = {}\n",
            rule.field,
            name_expression(rule, "var.name")
        ));
    }
    names.push('}');
    let locals = vec![
        ("names".to_owned(), names),
        (
            "log_group".to_owned(),
            "coalesce(var.container.log.group, local.names.log_group)".to_owned(),
        ),
        // Where the service lives: the production listener's ARN tells, or for a service
        // without a load balancer its cluster's (the provider's region and the credentials'
        // account, where the resource places it).
        (
            "placement_arn".to_owned(),
            format!(
                "split(\":\", var.load_balancer != null ? var.load_balancer.production_listener_arn : one(data.{CLUSTER_DATA}[*].arn))"
            ),
        ),
        ("partition".to_owned(), "local.placement_arn[1]".to_owned()),
        ("region".to_owned(), "local.placement_arn[3]".to_owned()),
        ("account_id".to_owned(), "local.placement_arn[4]".to_owned()),
        (
            "load_balancer".to_owned(),
            "var.load_balancer == null ? null : join(\"/\", slice(split(\"/\", local.placement_arn[5]), 1, 4))".to_owned(),
        ),
        (
            "cluster_arn".to_owned(),
            "startswith(var.cluster, \"arn:\") ? var.cluster : \"arn:${local.partition}:ecs:${local.region}:${local.account_id}:cluster/${var.cluster}\"".to_owned(),
        ),
        (
            "cluster_name".to_owned(),
            "reverse(split(\"/\", var.cluster))[0]".to_owned(),
        ),
        (
            "rule_priority".to_owned(),
            format!(
                "var.load_balancer == null ? null : var.load_balancer.listener_rule_priority != null ? var.load_balancer.listener_rule_priority : {DERIVED_PRIORITY_BASE} + parseint(substr(sha256(var.name), 0, 8), 16) % {DERIVED_PRIORITY_SPAN}"
            ),
        ),
        (
            "secret_arns".to_owned(),
            // The secret itself (a key inside it is read through it), with Secrets Manager's
            // six-character suffix as a pattern when the ARN is partial (service/expand/iam.rs,
            // secret_policy_resource).
            format!(
                "sort(distinct([for arn in {SECRET_VALUES} : length(regexall(\"-[0-9A-Za-z]{{6}}$\", join(\":\", slice(split(\":\", arn), 0, 7)))) > 0 ? join(\":\", slice(split(\":\", arn), 0, 7)) : \"${{join(\":\", slice(split(\":\", arn), 0, 7))}}{SECRET_SUFFIX_PATTERN}\" if strcontains(arn, \":secretsmanager:\")]))"
            ),
        ),
        (
            "parameter_arns".to_owned(),
            format!("sort(distinct([for arn in {SECRET_VALUES} : arn if strcontains(arn, \":ssm:\")]))"),
        ),
        (
            "service_tags".to_owned(),
            format!(
                "merge(var.tags, {{ for k, v in {{ {} = var.container.drain_timeout }} : k => tostring(v) if v != null }})",
                string_literal(crate::service::expand::DRAIN_TIMEOUT_TAG)
            ),
        ),
        // What the strategy decides, from `DeploymentStrategy`.
        (
            "uses_codedeploy".to_owned(),
            strategy_is(DeploymentStrategy::uses_codedeploy),
        ),
        (
            "shifts_traffic".to_owned(),
            strategy_is(DeploymentStrategy::shifts_traffic),
        ),
        (
            "ecs_shifts_traffic".to_owned(),
            strategy_is(DeploymentStrategy::ecs_shifts_traffic),
        ),
        (
            "deployment_controller".to_owned(),
            per_strategy(|s| string_literal(s.deployment_controller())),
        ),
        (
            "ecs_strategy".to_owned(),
            per_strategy(|s| s.ecs_strategy().map_or("null".to_owned(), string_literal)),
        ),
        ("alarm_thresholds".to_owned(), alarm_thresholds_expression()),
        // The alarms that stop a deployment: the service's own, then the user's.
        (
            "alarm_names".to_owned(),
            "var.alarms == null ? [] : concat(module.alarms[0].names, var.alarms.names)"
                .to_owned(),
        ),
        // The ECS-controller strategies' deployment configuration and, for ECS-native
        // blue/green, the load balancer's advanced configuration.
        ("ecs_deployment".to_owned(), ecs_deployment_expression()),
        (
            "advanced_configuration".to_owned(),
            object_expression(&[
                ("alternate_target_group_arn", pair_output("green_arn")),
                ("production_listener_rule", pair_output("production_rule_arn")),
                ("test_listener_rule", pair_output("test_rule_arn")),
                (
                    "role_arn",
                    "module.iam_roles.infrastructure_role_arn".to_owned(),
                ),
            ]),
        ),
        ("children".to_owned(), children_expression()),
    ];
    let locals = [locals, efs_locals()].concat();

    let blocks = vec![
        Node::new("data", &CLUSTER_DATA.split('.').collect::<Vec<_>>())
            .expr("count", "var.load_balancer == null ? 1 : 0")
            .expr("cluster_name", "local.cluster_name"),
        // Created without count by earlier versions, when every service had a load balancer.
        Node::new("moved", &[])
            .expr("from", "module.target_group_pair")
            .expr("to", "module.target_group_pair[0]"),
        module_call("iam_roles", "iam-roles")
            .expr("execution_role_name", "local.names.execution_role")
            .expr("task_role_name", "local.names.task_role")
            .expr("codedeploy_role_name", "local.names.codedeploy_role")
            .expr("create_codedeploy_role", "local.uses_codedeploy")
            .expr("infrastructure_role_name", "local.names.infrastructure_role")
            .expr("create_infrastructure_role", "local.ecs_shifts_traffic")
            // Known at plan time even when the ARNs are not.
            .expr(
                "invokes_lifecycle_hooks",
                "local.ecs_shifts_traffic && length(var.ecs_deployment.hooks) > 0",
            )
            .expr(
                "lifecycle_hook_arns",
                "local.ecs_shifts_traffic ? values(var.ecs_deployment.hooks) : []",
            )
            .expr("partition", "local.partition")
            .expr("region", "local.region")
            .expr("account_id", "local.account_id")
            .expr("secret_arns", "local.secret_arns")
            .expr("parameter_arns", "local.parameter_arns")
            .expr("reads_secrets", format!("length({SECRET_VALUES}) > 0"))
            .expr("task_role_policy_json", "var.task_role_policy_json")
            .expr(
                "task_role_managed_policy_arns",
                "var.task_role_managed_policy_arns == null ? [] : var.task_role_managed_policy_arns",
            )
            .expr("efs_mounts", "local.efs_mounts")
            // Known at plan time even when the file systems are not.
            .expr(
                "mounts_efs",
                "length([for v in var.volume : v if v.efs == null ? false : v.efs.iam_authorization]) > 0",
            )
            .expr("enable_execute_command", "var.enable_execute_command")
            .expr("tags", "var.tags"),
        module_call("task_definition", "task-definition")
            .expr("family", "local.names.task_family")
            .expr("log_group_name", "local.log_group")
            .expr("log_retention_days", "var.container.log.retention_days")
            .expr("region", "local.region")
            .expr("cpu", "var.task.cpu")
            .expr("memory", "var.task.memory")
            .expr("cpu_architecture", "var.task.cpu_architecture")
            .expr("ephemeral_storage_gib", "var.task.ephemeral_storage_gib")
            .expr("container", "var.container")
            .expr("sidecars", "var.sidecar")
            .expr("volumes", "var.volume")
            .expr("execution_role_arn", "module.iam_roles.execution_role_arn")
            .expr("task_role_arn", "module.iam_roles.task_role_arn")
            .expr("require_immutable_image", "var.require_immutable_image")
            .expr("tags", "var.tags"),
        module_call("target_group_pair", "target-group-pair")
            .expr("count", "var.load_balancer == null ? 0 : 1")
            .expr("blue_name", "local.names.blue_target_group")
            .expr("green_name", "local.names.green_target_group")
            .expr("port", "var.container.port")
            .expr("vpc_id", "var.load_balancer.vpc_id")
            .expr("health_check", "var.load_balancer.health_check")
            .expr(
                "deregistration_delay",
                "var.load_balancer.deregistration_delay",
            )
            .expr(
                "production_listener_arn",
                "var.load_balancer.production_listener_arn",
            )
            .expr("test_listener_arn", "var.load_balancer.test_listener_arn")
            .expr("rule_priority", "local.rule_priority")
            .expr("path_patterns", "var.load_balancer.path_patterns")
            .expr("host_headers", "var.load_balancer.host_headers")
            .expr("pair", "local.shifts_traffic")
            .expr("weighted", "local.ecs_shifts_traffic")
            .expr("tags", "var.tags"),
        module_call("cloud_map_service", "cloud-map-service")
            .expr("count", "var.service_discovery == null ? 0 : 1")
            .expr("name", "local.names.discovery_service")
            .expr("namespace_id", "var.service_discovery.namespace_id")
            .expr("dns_ttl", "var.service_discovery.dns_ttl")
            .expr("record_type", "var.service_discovery.record_type")
            .expr("routing_policy", "var.service_discovery.routing_policy")
            .expr("tags", "var.tags"),
        module_call("ecs_service", "ecs-service")
            .expr("name", "local.names.ecs_service")
            // hashicorp/aws reads the cluster back as an ARN and replaces a service whose
            // configuration names it otherwise.
            .expr("cluster", "local.cluster_arn")
            // As `family:revision`, the form hashicorp/aws reads back after an import (eject),
            // so an imported ECS-controller service plans no change.
            .expr(
                "task_definition",
                "\"${module.task_definition.family}:${module.task_definition.revision}\"",
            )
            .expr("desired_count", "var.desired_count")
            .expr("platform_version", "var.platform_version")
            .expr(
                "capacity_provider_strategy",
                "var.capacity_provider_strategy",
            )
            .expr("subnets", "var.network.subnets")
            .expr("security_groups", "var.network.security_groups")
            .expr("assign_public_ip", "var.network.assign_public_ip")
            // ECS refuses a grace period for a service without a load balancer.
            .expr(
                "health_check_grace_period",
                "var.load_balancer == null ? null : var.load_balancer.health_check_grace_period",
            )
            .expr("load_balanced", "var.load_balancer != null")
            .expr("target_group_arn", pair_output("blue_arn"))
            .expr("container_name", "var.container.name")
            .expr("container_port", "var.container.port")
            .expr(
                "service_registry_arn",
                "one(module.cloud_map_service[*].arn)",
            )
            .expr(
                "service_registry_with_port",
                "var.service_discovery == null ? false : var.service_discovery.record_type == \"SRV\"",
            )
            .expr("autoscaled", "var.autoscaling != null")
            .expr("enable_execute_command", "var.enable_execute_command")
            .expr("tags", "local.service_tags")
            .expr("deployment_controller", "local.deployment_controller")
            .expr(
                "deployment",
                "local.uses_codedeploy ? null : local.ecs_deployment",
            )
            .expr(
                "advanced",
                "local.ecs_shifts_traffic ? local.advanced_configuration : null",
            )
            // ECS accepts a target group only once a listener rule routes to it, and assumes
            // the infrastructure role only once its policies are attached.
            .expr("depends_on", "[module.target_group_pair, module.iam_roles]"),
        module_call("codedeploy", "codedeploy-blue-green")
            .expr("count", "local.uses_codedeploy ? 1 : 0")
            .expr("application_name", "local.names.codedeploy_application")
            .expr("deployment_group_name", "local.names.deployment_group")
            .expr("service_role_arn", "module.iam_roles.codedeploy_role_arn")
            .expr("deployment_config", "var.blue_green.deployment_config")
            .expr(
                "termination_wait_minutes",
                "var.blue_green.termination_wait_minutes",
            )
            .expr(
                "auto_rollback_events",
                "var.blue_green.auto_rollback_events",
            )
            // Without a load balancer the ECS service's precondition stops the plan first.
            .expr(
                "production_listener_arn",
                "var.load_balancer == null ? null : var.load_balancer.production_listener_arn",
            )
            .expr(
                "test_listener_arn",
                "var.load_balancer == null ? null : var.load_balancer.test_listener_arn",
            )
            .expr("blue_target_group_name", pair_output("blue_name"))
            .expr("green_target_group_name", pair_output("green_name"))
            .expr("cluster_name", "local.cluster_name")
            .expr("service_name", "module.ecs_service.name")
            .expr("alarm_names", "local.alarm_names")
            .expr(
                "test_traffic_wait_minutes",
                "var.blue_green.test_traffic_wait_minutes",
            )
            .expr(
                "ready_action",
                "var.blue_green.approve_traffic ? \"STOP_DEPLOYMENT\" : \"CONTINUE_DEPLOYMENT\"",
            )
            .expr("tags", "var.tags"),
        module_call("alarms", "alarms")
            .expr("count", "var.alarms == null ? 0 : 1")
            .expr(
                "names",
                format!(
                    "{{ {} }}",
                    AlarmMetric::ALL
                        .iter()
                        .flat_map(|m| AlarmTarget::ALL.iter().map(move |t| (*m, *t)))
                        .map(|(m, t)| format!(
                            "\"{}\" = {}",
                            alarm_key(m, t),
                            alarm_name_local(m, t)
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .expr("service_name", "local.names.ecs_service")
            .expr("target_5xx_count", "local.alarm_thresholds.target_5xx_count")
            .expr(
                "target_5xx_rate_percent",
                "local.alarm_thresholds.target_5xx_rate_percent",
            )
            .expr(
                "response_time_p99_ms",
                "local.alarm_thresholds.response_time_p99_ms",
            )
            .expr("unhealthy_hosts", "local.alarm_thresholds.unhealthy_hosts")
            .expr("period", "var.alarms.period")
            .expr("evaluation_periods", "var.alarms.evaluation_periods")
            .expr("load_balanced", "var.load_balancer != null")
            .expr("load_balancer", "local.load_balancer")
            .expr("blue_target_group_name", pair_output("blue_name"))
            .expr("green_target_group_name", pair_output("green_name"))
            .expr("blue_target_group", pair_output("blue_arn_suffix"))
            .expr("green_target_group", pair_output("green_arn_suffix"))
            .expr("pair", "local.shifts_traffic")
            .expr("tags", "var.tags"),
        module_call("autoscaling", "autoscaling")
            .expr("count", "var.autoscaling == null ? 0 : 1")
            .expr(
                "resource_id",
                "\"service/${local.cluster_name}/${module.ecs_service.name}\"",
            )
            .expr("min_capacity", "var.autoscaling.min")
            .expr("max_capacity", "var.autoscaling.max")
            .expr("desired_count", "var.desired_count")
            .expr("requests_policy_name", "local.names.requests_policy")
            .expr("cpu_policy_name", "local.names.cpu_policy")
            .expr("memory_policy_name", "local.names.memory_policy")
            .expr("requests_per_target", "var.autoscaling.requests_per_target")
            .expr("cpu_target", "var.autoscaling.cpu_target")
            .expr("memory_target", "var.autoscaling.memory_target")
            .expr("scale_in_cooldown", "var.autoscaling.scale_in_cooldown")
            .expr("scale_out_cooldown", "var.autoscaling.scale_out_cooldown")
            .expr("load_balanced", "var.load_balancer != null")
            .expr(
                "resource_label",
                format!(
                    "var.load_balancer == null ? null : \"${{local.load_balancer}}/${{{}}}\"",
                    pair_output("blue_arn_suffix")
                ),
            )
            .expr("tags", "var.tags"),
    ];

    let outputs = vec![
        Output::new(
            "id",
            "\"${local.cluster_name}/${module.ecs_service.name}\"",
            "`<cluster>/<name>`, as the resource's `id`.",
        ),
        Output::new(
            "service_arn",
            "module.ecs_service.arn",
            "ARN of the ECS service.",
        ),
        Output::new(
            "task_definition_arn",
            "module.task_definition.arn",
            "ARN of the task definition revision this configuration registers; CodeDeploy deploys it (see `appspec`), ECS rolls it out under the other strategies.",
        ),
        Output::new(
            "task_definition_revision",
            "module.task_definition.revision",
            "Revision number of that task definition.",
        ),
        Output::new(
            "execution_role_arn",
            "module.iam_roles.execution_role_arn",
            "ARN of the task execution role.",
        ),
        Output::new(
            "task_role_arn",
            "module.iam_roles.task_role_arn",
            "ARN of the task role.",
        ),
        Output::new(
            "log_group_name",
            "module.task_definition.log_group_name",
            "Name of the CloudWatch log group.",
        ),
        Output::new(
            "blue_target_group_arn",
            &pair_output("blue_arn"),
            "ARN of the blue target group; null without `load_balancer`.",
        ),
        Output::new(
            "green_target_group_arn",
            &pair_output("green_arn"),
            "ARN of the green target group; null with `rolling`.",
        ),
        Output::new(
            "production_listener_rule_arn",
            &pair_output("production_rule_arn"),
            "ARN of the service's rule on the production listener; null without `load_balancer`.",
        ),
        Output::new(
            "test_listener_rule_arn",
            &pair_output("test_rule_arn"),
            "ARN of the service's rule on the test listener; null with `rolling`.",
        ),
        Output::new(
            "infrastructure_role_arn",
            "module.iam_roles.infrastructure_role_arn",
            "ARN of the role ECS moves traffic with (`blue_green`, `linear`, `canary`); null otherwise.",
        ),
        Output::new(
            "codedeploy_application_name",
            "one(module.codedeploy[*].application_name)",
            "Name of the CodeDeploy application; null unless `deployment_strategy` is `codedeploy`.",
        ),
        Output::new(
            "codedeploy_deployment_group_name",
            "one(module.codedeploy[*].deployment_group_name)",
            "Name of the CodeDeploy deployment group; null unless `deployment_strategy` is `codedeploy`.",
        ),
        Output::new(
            "service_discovery_arn",
            "one(module.cloud_map_service[*].arn)",
            "ARN of the Cloud Map service; null without `service_discovery`.",
        ),
        Output::new(
            "children",
            "[for c in local.children : c.child if c.present]",
            "The kind (hashicorp/aws resource type) and name of every child, as the resource's `children` lists them.",
        ),
        Output::new(
            "appspec",
            &appspec_expression(),
            "The AppSpec (JSON) of a CodeDeploy deployment of `task_definition_arn`: what the resource sends on an image change, and what a pipeline sends with `aws deploy create-deployment` when using these modules; null unless `deployment_strategy` is `codedeploy`.",
        ),
    ];

    let mut usage_args: Vec<(&str, &str)> = vec![
        ("name", "\"checkout-api\""),
        ("cluster", "\"prod-cluster\""),
        ("task", "{ cpu = 512, memory = 1024 }"),
        (
            "container",
            "{ name = \"app\", image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.42.0\", port = 8080 }",
        ),
        (
            "network",
            "{ subnets = [\"subnet-aaa\", \"subnet-bbb\"], security_groups = [\"sg-123\"] }",
        ),
    ];
    usage_args.push((
        "load_balancer",
        "{ vpc_id = \"vpc-123\", production_listener_arn = \"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2\", test_listener_arn = \"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/0467ef3c8400ae65\", deregistration_delay = 30 }",
    ));
    Module {
        dir: PathBuf::from(ROOT_MODULE),
        title: ROOT_MODULE.to_owned(),
        summary: "One production ECS Fargate service as plain Terraform on the hashicorp/aws provider: the same children, names, defaults and checks as the `fargate_production_service` resource of terraform-provider-fargate, generated from the same expansion.".to_owned(),
        notes: ROOT_NOTES.to_owned(),
        usage: usage(
            "checkout",
            "./modules/fargate-production-service",
            &usage_args,
        ),
        variables: root_variables(),
        locals,
        blocks,
        outputs,
    }
}

/// The data source that places a service without a load balancer (`<type>.<name>`).
const CLUSTER_DATA: &str = "aws_ecs_cluster.this";

/// An output of the target-group-pair submodule, which exists only with a load balancer: null
/// without one.
fn pair_output(name: &str) -> String {
    format!("one(module.target_group_pair[*].{name})")
}

fn module_call(name: &str, dir: &str) -> Node {
    Node::new("module", &[name]).string("source", format!("./modules/{dir}"))
}

const ROOT_NOTES: &str = r#"## Deployments

`deployment_strategy` decides how a new task definition reaches production, as on the resource:

- `codedeploy` (the default): the ECS service runs under the `CODE_DEPLOY` deployment
  controller, and CodeDeploy shifts traffic from the blue target group to the green one through
  the production and test listener rules.
- `blue_green`, `linear`, `canary`: ECS-native blue/green under the `ECS` controller. The rules
  forward to both target groups (blue at weight 1, green at 0), an infrastructure role lets ECS
  rewrite their weights, and ECS moves production traffic all at once, in equal steps or a share
  first, then bakes (`ecs_deployment`). There is no CodeDeploy application, group or role.
- `rolling`: an ECS rolling update with the deployment circuit breaker; one target group, one
  rule on the production listener, no test listener needed.

With `codedeploy`, Terraform does not roll out new task definitions: CodeDeploy does. The module
therefore tells Terraform to leave alone what CodeDeploy owns — the service's `task_definition`,
`load_balancer`, `network_configuration`, `platform_version` and `capacity_provider_strategy`,
and the listener rules' `action` — which is why a plan after a deployment is empty instead of
showing the drift other modules show. An image (or environment, secrets, cpu, memory) change
registers a new task definition revision on `tofu apply`. Deploy it with the `appspec` output,
as the resource does:

```sh
aws deploy create-deployment \
  --application-name "$(tofu output -raw codedeploy_application_name)" \
  --deployment-group-name "$(tofu output -raw codedeploy_deployment_group_name)" \
  --revision "$(jq -n --arg content "$(tofu output -raw appspec)" \
      '{revisionType: "AppSpecContent", appSpecContent: {content: $content}}')"
```

(with the module's outputs passed through your root module's outputs). The AppSpec names the new revision, the container and port the target groups route to, and
the network settings (CodeDeploy, not UpdateService, changes those on such a service).

Under the other strategies `tofu apply` of a new revision is the deployment: the service takes
the new task definition and ECS rolls it out, rolling it back when a circuit breaker or one of
the alarms trips. ECS rewrites only the listener rules' weights, which the rules ignore, so the
plan after a deployment is empty too.

`ignore_changes` cannot depend on a variable, so the ECS service is one of four resource blocks:
one per deployment controller, and one per owner of the desired count. With `autoscaling`,
Application Auto Scaling owns the desired count, so the service (then an `autoscaled` variant)
ignores later changes of `desired_count`; without it, a changed `desired_count` is applied.

## Workers

A `rolling` service may leave `load_balancer` out (null): a worker or queue consumer. The
`target-group-pair` submodule is then not created (`count = 0`), nor the target-group alarms or
a request-count scaling policy; the ECS service has no `load_balancer` block and no health
check grace period (ECS refuses one without a load balancer). The alarms in `alarms.names`
still roll a deployment back. With no listener ARN to tell where the service lives, the module
reads its cluster (`data.aws_ecs_cluster`) for the partition, region and account its policies
and log configuration name.

The resource's checks hold as preconditions, so the plan stops before anything is created:
every strategy but `rolling` needs `load_balancer`; without one, `autoscaling.requests_per_target`
(it counts the load balancer's requests) and an alarm threshold (`target_5xx_count`,
`response_time_p99_ms`, `unhealthy_hosts`: they watch target groups) are refused. Thresholds
left unset take their defaults on a load-balanced service and mean no alarm on a worker.

## What differs from the resource

- The resource waits for the deployment and fails the apply when CodeDeploy or ECS rolls it
  back, naming the alarm; with modules your pipeline runs and watches the deployment
  (`wait_for_deployment` has no counterpart). Under the ECS strategies the module does not set
  hashicorp/aws's `wait_for_steady_state`: `tofu apply` of a new image returns, reporting
  success, once ECS has taken the update. When an alarm (or the circuit breaker) then rolls the
  deployment back, ECS runs the previous revision again, and the next plan shows the service's
  `task_definition` change still wanted; applying it retries the roll-out. Under `codedeploy`
  the plan after a rolled-back deployment is empty (the new revision is registered, and the
  service leaves its roll-out to CodeDeploy): the pipeline must notice the stopped deployment
  and deploy the `appspec` again.
- The resource's plan shows what the apply will do (`next_rollout`: the action, the strategy's
  steps and minutes, the peak task count) and what the service costs a month
  (`monthly_cost`, held against `max_monthly_cost`). A module's plan shows the resources it
  changes and nothing of either: neither has a counterpart here.
- `image_owner = "pipeline"` has no variable: a module deploys the image it is given. To leave
  the images to a pipeline, give it the one that runs once the service exists: read the
  service's `task_definition` with `data "aws_ecs_service"` and the container's `image` with
  `data "aws_ecs_container_definition"`, and pass that image to the module. A change of any
  other setting then registers a revision with the running image, as the resource does.
- `blue_green`, `linear` and `canary` change into one another in place. Changing
  `deployment_strategy` between `codedeploy`, `rolling` and those three is a replacement with
  the modules: the ECS service moves to another resource block (which Terraform does not order
  after the old one's deletion) and the listener rules keep the action they were created with.
  Destroy them first (`tofu destroy -target=module.<name>.module.target_group_pair`, which takes
  the service and what refers to the target groups along), then apply. The resource moves a
  CodeDeploy service to ECS blue/green in place.
- The ALBRequestCountPerTarget policy measures the blue target group. After a deployment
  moves traffic to green the resource re-points it; with modules, re-apply with the live
  target group or scale on CPU.
- Checks that need AWS (free IPs in the subnets) or span variables run as preconditions
  (`autoscaling.min <= desired_count <= autoscaling.max`, an immutable image when
  `require_immutable_image` is set, Fargate Spot with ARM64, a test listener unless `rolling`,
  and none with it, `load_balancer` unless `rolling`, and no request scaling or alarm threshold
  without it)
  or only in the resource (warnings such as a deregistration delay left at 300 s: Terraform
  variables cannot warn).
- `task_role_policy_json` decides whether the task role gets an inline policy, so it must be
  known at plan time (a policy document built from values known at plan time is); the
  container's secrets may be created in the same run.
- ECS Exec (`enable_execute_command`) under `codedeploy`: ECS does not change it on a
  CODE_DEPLOY service in place, so change it by replacing the service
  (`tofu apply -replace=module.<name>.module.ecs_service.aws_ecs_service.<variant>[0]`); the
  resource plans that replacement itself. Under the other strategies a change rolls out with the
  next deployment.
- The EFS volumes' platform version (1.4.0 or LATEST) is checked only by the resource.
- Replacing the task definition deregisters the previous revision once the new one exists;
  running tasks keep it, but a later deployment back to that revision needs it re-registered.
"#;
